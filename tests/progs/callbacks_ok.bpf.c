// SPDX-License-Identifier: GPL-2.0
/* Callbacks the kernel's verifier accepts: nested bpf_loop calls, a
 * counter carried across iterations, a NULL callback context, a loop count
 * read from a map, bpf_for_each_map_elem over hash and array maps (the
 * callback writing the value and stopping early), callbacks that look up
 * map elements, run bpf_for_each_map_elem or call a subprogram, a callback
 * whose BTF prototype does not match the helper's registers. test_verify_callbacks.c
 * compares hive's verdicts and logs on each with the kernel's. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} pcpu SEC(".maps");

struct grid {
	__u32 row;
	__u64 cells;
};

static long inner_step(__u64 col, void *data)
{
	struct grid *g = data;

	g->cells += g->row * 16 + (col & 15);
	return 0;
}

static long outer_step(__u64 row, void *data)
{
	struct grid *g = data;

	g->row = row & 7;
	bpf_loop(4, inner_step, g, 0);
	return 0;
}

SEC("xdp")
int nested_loops(struct xdp_md *ctx)
{
	struct grid g = { 0, 0 };

	bpf_loop(3, outer_step, &g, 0);
	return g.cells > 100 ? XDP_DROP : XDP_PASS;
}

struct counter {
	__u32 n;
	__u32 pad;
};

static long count_step(__u64 i, void *data)
{
	struct counter *c = data;

	c->n++;
	return c->n >= 5;
}

SEC("xdp")
int loop_counter(struct xdp_md *ctx)
{
	struct counter c = { 0, 0 };
	__u32 key;
	__u64 *v;

	bpf_loop(64, count_step, &c, 0);
	key = c.n & 7;
	v = bpf_map_lookup_elem(&slots, &key);
	if (v)
		*v += 1;
	return XDP_PASS;
}

static long no_ctx_step(__u64 i, void *data)
{
	return i >= 3;
}

SEC("tc")
int loop_null_ctx(struct __sk_buff *skb)
{
	return bpf_loop(16, no_ctx_step, NULL, 0) > 3;
}

static long sum_step(__u64 i, void *data)
{
	__u64 *sum = data;

	*sum += i;
	return 0;
}

SEC("xdp")
int loop_count_from_map(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *n = bpf_map_lookup_elem(&slots, &key), sum = 0;

	if (!n)
		return XDP_ABORTED;
	bpf_loop(*n, sum_step, &sum, 0);
	return sum ? XDP_PASS : XDP_DROP;
}

struct totals {
	__u64 sum;
	__u32 seen;
};

static long add_count(struct bpf_map *map, __u32 *key, __u64 *val, struct totals *t)
{
	t->sum += *val;
	t->seen++;
	return t->sum > 1000;
}

SEC("xdp")
int for_each_hash(struct xdp_md *ctx)
{
	struct totals t = { 0, 0 };
	long n = bpf_for_each_map_elem(&counts, add_count, &t, 0);

	return n > 0 && t.sum > 1000 ? XDP_DROP : XDP_PASS;
}

static long reset_slot(struct bpf_map *map, __u32 *key, __u64 *val, void *unused)
{
	if (*key == 3)
		return 1;
	*val = *key;
	return 0;
}

SEC("tc")
int for_each_array_write(struct __sk_buff *skb)
{
	bpf_for_each_map_elem(&slots, reset_slot, NULL, 0);
	return 0;
}

static long max_cpu_val(struct bpf_map *map, __u32 *key, __u32 *val, __u32 *max)
{
	if (*val > *max)
		*max = *val;
	return 0;
}

SEC("socket")
int for_each_percpu(struct __sk_buff *skb)
{
	__u32 max = 0;

	bpf_for_each_map_elem(&pcpu, max_cpu_val, &max, 0);
	return max & 1;
}

static long bump_slot(__u64 i, void *data)
{
	__u32 key = i & 7;
	__u64 *v = bpf_map_lookup_elem(&slots, &key);

	if (!v)
		return 1;
	__sync_fetch_and_add(v, 1);
	return 0;
}

SEC("xdp")
int loop_map_lookup(struct xdp_md *ctx)
{
	return bpf_loop(20, bump_slot, NULL, 0) == 20 ? XDP_PASS : XDP_DROP;
}

static long visit_slots(__u64 i, void *data)
{
	bpf_for_each_map_elem(&slots, reset_slot, NULL, 0);
	return 0;
}

SEC("tc")
int loop_of_for_each(struct __sk_buff *skb)
{
	bpf_loop(2, visit_slots, NULL, 0);
	return 0;
}

static __noinline __u64 mix(__u64 a, __u64 b)
{
	return (a * 31) ^ b;
}

static long mix_step(__u64 i, void *data)
{
	__u64 *h = data;

	*h = mix(*h, i);
	return 0;
}

SEC("socket")
int loop_calls_subprog(struct __sk_buff *skb)
{
	__u64 h = 7;

	bpf_loop(8, mix_step, &h, 0);
	return h & 1;
}

/* a prototype of scalars only: the kernel checks the helper's registers
 * against it and logs the mismatch ("R2 is not a scalar") */
static long int_args(__u64 i, __u64 x)
{
	return (i + x) & 1;
}

SEC("xdp")
int loop_scalar_proto(struct xdp_md *ctx)
{
	bpf_loop(4, (void *)int_args, NULL, 0);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
