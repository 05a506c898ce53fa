// SPDX-License-Identifier: GPL-2.0
/* tc ingress/egress programs (two sections, one object): drop TCP to a
 * port configured through .rodata, using bpf_skb_load_bytes. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

const volatile __u16 blocked_port = 23;
__u64 dropped;

static __noinline int is_blocked(struct __sk_buff *skb)
{
	struct iphdr ip;
	struct tcphdr tcp;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return 0;
	if (bpf_skb_load_bytes(skb, sizeof(struct ethhdr), &ip, sizeof(ip)))
		return 0;
	if (ip.protocol != IPPROTO_TCP || ip.ihl != 5)
		return 0;
	if (bpf_skb_load_bytes(skb, sizeof(struct ethhdr) + sizeof(ip), &tcp, sizeof(tcp)))
		return 0;
	return bpf_ntohs(tcp.dest) == blocked_port;
}

SEC("tc/ingress")
int tc_ingress(struct __sk_buff *skb)
{
	if (is_blocked(skb)) {
		__sync_fetch_and_add(&dropped, 1);
		return TC_ACT_SHOT;
	}
	return TC_ACT_OK;
}

SEC("classifier")
int tc_egress(struct __sk_buff *skb)
{
	return is_blocked(skb) ? TC_ACT_SHOT : TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
