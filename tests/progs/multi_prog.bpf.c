// SPDX-License-Identifier: GPL-2.0
/* Several programs in one section and in several sections, sharing maps;
 * one in a section no loader knows (its type must be set by hand). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

static __always_inline void hit(__u32 i)
{
	__u64 *v = bpf_map_lookup_elem(&hits, &i);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("xdp")
int first_xdp(struct xdp_md *ctx)
{
	hit(0);
	return XDP_PASS;
}

SEC("xdp")
int second_xdp(struct xdp_md *ctx)
{
	hit(1);
	return XDP_DROP;
}

SEC("socket")
int a_socket(struct __sk_buff *skb)
{
	hit(2);
	return skb->len;
}

SEC("hive_custom_section")
int untyped(struct __sk_buff *skb)
{
	hit(3);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
