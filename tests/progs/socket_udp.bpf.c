// SPDX-License-Identifier: GPL-2.0
/* Socket filter accepting only UDP datagrams over IPv4, truncated to a
 * snap length kept in .rodata; legacy packet loads (ld_abs). */
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>

unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");

const volatile __u32 snaplen = 96;

SEC("socket")
int udp_only(struct __sk_buff *skb)
{
	if (load_half(skb, offsetof(struct ethhdr, h_proto)) != ETH_P_IP)
		return 0;
	if (load_byte(skb, ETH_HLEN + offsetof(struct iphdr, protocol)) != IPPROTO_UDP)
		return 0;
	return snaplen;
}

char _license[] SEC("license") = "GPL";
