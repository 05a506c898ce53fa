// SPDX-License-Identifier: GPL-2.0
/* bpf-to-bpf calls: static and global subprograms, nested, shared by
 * several programs, with their own global data and map references. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} acc SEC(".maps");

__u64 sub_calls;

static __noinline __u64 square(__u64 x)
{
	sub_calls++;
	return x * x;
}

static __noinline __u64 sum_squares(__u64 a, __u64 b)
{
	return square(a) + square(b);
}

__noinline int add_to_slot(__u32 slot, __u64 v)
{
	__u64 *p = bpf_map_lookup_elem(&acc, &slot);

	if (!p)
		return -1;
	*p += v;
	return 0;
}

__noinline int leaf_global(int x)
{
	return x ^ 0x5a;
}

SEC("xdp")
int subprog_a(struct xdp_md *ctx)
{
	__u64 v = sum_squares(ctx->rx_queue_index + 1, 2);

	add_to_slot(1, v);
	return leaf_global((int)v) ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int subprog_b(struct xdp_md *ctx)
{
	add_to_slot(2, square(3));
	return XDP_PASS;
}

SEC("tc")
int subprog_c(struct __sk_buff *skb)
{
	return leaf_global(skb->len) & 1;
}

char _license[] SEC("license") = "GPL";
