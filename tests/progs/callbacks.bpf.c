// SPDX-License-Identifier: GPL-2.0
/* Callbacks: function pointers passed to bpf_loop and
 * bpf_for_each_map_elem (lddw BPF_PSEUDO_FUNC relocations). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} values SEC(".maps");

struct loop_ctx {
	__u64 sum;
	__u32 limit;
};

static int loop_step(__u32 idx, void *data)
{
	struct loop_ctx *c = data;

	if (idx >= c->limit)
		return 1;
	c->sum += idx;
	return 0;
}

static __u64 visit_elem(struct bpf_map *map, __u32 *key, __u64 *val, struct loop_ctx *c)
{
	c->sum += *val;
	return 0;
}

__u64 result;

SEC("xdp")
int loop_and_iter(struct xdp_md *ctx)
{
	struct loop_ctx c = { .sum = 0, .limit = 10 };

	bpf_loop(100, loop_step, &c, 0);
	bpf_for_each_map_elem(&values, visit_elem, &c, 0);
	result = c.sum;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
