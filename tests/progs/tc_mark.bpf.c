// SPDX-License-Identifier: GPL-2.0
/* tc classifier: mark packets by protocol and count bytes per mark. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} bytes_by_mark SEC(".maps");

const volatile __u32 ipv4_mark = 0x10;
const volatile __u32 other_mark = 0x20;

SEC("tc")
int tc_mark_proto(struct __sk_buff *skb)
{
	__u32 mark = skb->protocol == bpf_htons(ETH_P_IP) ? ipv4_mark : other_mark;
	__u64 len = skb->len, *v;

	skb->mark = mark;
	v = bpf_map_lookup_elem(&bytes_by_mark, &mark);
	if (v)
		__sync_fetch_and_add(v, len);
	else
		bpf_map_update_elem(&bytes_by_mark, &mark, &len, BPF_NOEXIST);
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
