// SPDX-License-Identifier: GPL-2.0
/* Callbacks the kernel's verifier refuses, one program each: a return
 * value outside [0, 1], a stack pointer or a map pointer returned, a write past the callback
 * context, a NULL context dereferenced, the unbounded iteration index used
 * as an offset, a write into a map key, a map type for_each cannot visit,
 * a global function as callback, a callback stack too deep, a ring buffer
 * record reserved in a callback and never released. Besides: a
 * read of a context field never written (privileged: accepted).
 * test_verify_callbacks.c compares hive's verdicts, errnos and logs on
 * each with the kernel's. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} table SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct pair {
	__u32 a;
	__u32 b;
};

static long ret_two(__u64 i, void *data)
{
	return 2;
}

SEC("xdp")
int ret_out_of_range(struct xdp_md *ctx)
{
	bpf_loop(4, ret_two, NULL, 0);
	return XDP_PASS;
}

static long ret_ptr(__u64 i, void *data)
{
	return (long)data;
}

SEC("xdp")
int ret_pointer(struct xdp_md *ctx)
{
	struct pair p = { 1, 2 };

	bpf_loop(4, ret_ptr, &p, 0);
	return p.a;
}

static long ret_map(__u64 i, void *data)
{
	return (long)&table;
}

SEC("xdp")
int ret_map_pointer(struct xdp_md *ctx)
{
	bpf_loop(4, ret_map, NULL, 0);
	return XDP_PASS;
}

static long write_far(__u64 i, void *data)
{
	((volatile char *)data)[64] = 1;
	return 0;
}

SEC("xdp")
int ctx_write_oob(struct xdp_md *ctx)
{
	struct pair p = { 1, 2 };

	bpf_loop(4, write_far, &p, 0);
	return p.a;
}

static long deref_ctx(__u64 i, void *data)
{
	return *(volatile __u32 *)data & 1;
}

SEC("tc")
int ctx_null_deref(struct __sk_buff *skb)
{
	bpf_loop(4, deref_ctx, NULL, 0);
	return 0;
}

struct buf {
	__u8 bytes[16];
};

static long index_store(__u64 i, void *data)
{
	struct buf *b = data;

	b->bytes[i] = 1;
	return 0;
}

SEC("xdp")
int index_unbounded(struct xdp_md *ctx)
{
	struct buf b = {};

	bpf_loop(16, index_store, &b, 0);
	return b.bytes[3];
}

static long read_b(__u64 i, void *data)
{
	struct pair *p = data;

	return *(volatile __u32 *)&p->b & 1;
}

SEC("xdp")
int ctx_read_uninit(struct xdp_md *ctx)
{
	struct pair p;

	*(volatile __u32 *)&p.a = 7;
	bpf_loop(2, read_b, &p, 0);
	return XDP_PASS;
}

static long write_key(struct bpf_map *map, __u32 *key, __u64 *val, void *data)
{
	*(volatile __u32 *)key = 0;
	return 0;
}

SEC("xdp")
int for_each_key_write(struct xdp_md *ctx)
{
	bpf_for_each_map_elem(&table, write_key, NULL, 0);
	return XDP_PASS;
}

static long any_elem(struct bpf_map *map, void *key, void *val, void *data)
{
	return 0;
}

SEC("xdp")
int for_each_ringbuf(struct xdp_md *ctx)
{
	bpf_for_each_map_elem(&events, any_elem, NULL, 0);
	return XDP_PASS;
}

__noinline long global_step(__u64 i, void *data)
{
	return 0;
}

SEC("xdp")
int callback_global(struct xdp_md *ctx)
{
	bpf_loop(4, global_step, NULL, 0);
	return XDP_PASS;
}

static long big_frame(__u64 i, void *data)
{
	volatile char buf[400];

	buf[i & 255] = 1;
	return buf[7] & 1;
}

SEC("xdp")
int callback_stack_too_deep(struct xdp_md *ctx)
{
	volatile char buf[200];

	buf[bpf_get_prandom_u32() & 127] = 1;
	bpf_loop(4, big_frame, NULL, 0);
	return buf[5] & 1;
}

static long reserve_only(__u64 i, void *data)
{
	return bpf_ringbuf_reserve(&events, 8, 0) ? 1 : 0;
}

SEC("xdp")
int callback_ref_leak(struct xdp_md *ctx)
{
	bpf_loop(2, reserve_only, NULL, 0);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
