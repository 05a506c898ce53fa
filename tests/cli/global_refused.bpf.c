// SPDX-License-Identifier: GPL-2.0
/* Global functions the kernel refuses (hive must too, with the same log):
 * each program breaks one rule of global subprograms. Built at test time
 * (tests/unit/test_verifier_globals.c), not with tests/progs, whose
 * objects must all load. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#ifndef __arg_nonnull
#define __arg_nonnull __attribute__((btf_decl_tag("arg:nonnull")))
#endif

struct opaque;
struct pair {
	int a, b;
};

struct locked {
	struct bpf_spin_lock lock;
	int v;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct locked);
} locks SEC(".maps");

volatile int gv;

/* dereferences a pointer that may be NULL */
__noinline int deref_unchecked(int *p)
{
	return *p + 1;
}

__noinline int use_ctx(struct xdp_md *ctx)
{
	return ctx->rx_queue_index;
}

__noinline int sum_pair(struct pair *p)
{
	if (!p)
		return 0;
	return p->a + p->b;
}

__noinline void set_gv(int x)
{
	gv = x;
}

__noinline int *ptr_to_gv(int x)
{
	return (int *)&gv + x;
}

__noinline int take_opaque(struct opaque *o)
{
	return gv + (o != 0);
}

__noinline int take_void(void *p)
{
	return gv + (p != 0);
}

__noinline int ret_stack(int x)
{
	volatile int y = x;
	volatile long addr = (long)&y;

	return addr;
}

__noinline int scalar_arg(long x)
{
	return gv + x;
}

__noinline int inner_bad(int *p)
{
	return p[1];
}

__noinline int outer(int x)
{
	int v = x;

	return inner_bad(&v) + gv;
}

__noinline int nonnull_deref(int *p __arg_nonnull)
{
	return *p + gv;
}

/* static: its prototype is compared and the mismatch only logged */
static __noinline int static_scalar(long x)
{
	return x + gv;
}

struct hdr {
	unsigned char d[14];
};

__noinline int hdr_byte(struct hdr *h)
{
	return h ? h->d[12] : 0;
}

__noinline int adjust(struct xdp_md *ctx)
{
	return bpf_xdp_adjust_head(ctx, 0);
}

__noinline int big_frame(int x)
{
	volatile char buf[400];

	buf[x & 255] = 1;
	return buf[3];
}

SEC("xdp")
int null_unchecked(struct xdp_md *ctx)
{
	int x = gv;

	return deref_unchecked(&x);
}

SEC("tc")
int null_unchecked_tc(struct __sk_buff *skb)
{
	int x = skb->len;

	return deref_unchecked(&x) & 1;
}

SEC("xdp")
int pkt_for_ctx(struct xdp_md *ctx)
{
	return use_ctx((struct xdp_md *)(long)ctx->data) & 1;
}

SEC("xdp")
int stack_too_small(struct xdp_md *ctx)
{
	char c = gv;

	return sum_pair((struct pair *)&c) & 1;
}

SEC("xdp")
int scalar_for_ptr(struct xdp_md *ctx)
{
	return deref_unchecked((int *)(long)ctx->rx_queue_index);
}

SEC("xdp")
int ptr_for_scalar(struct xdp_md *ctx)
{
	return scalar_arg((long)ctx) & 1;
}

SEC("xdp")
int returns_void(struct xdp_md *ctx)
{
	set_gv(1);
	return XDP_PASS;
}

SEC("xdp")
int returns_ptr(struct xdp_md *ctx)
{
	return *ptr_to_gv(0);
}

SEC("xdp")
int incomplete_type(struct xdp_md *ctx)
{
	return take_opaque(0) & 1;
}

SEC("xdp")
int void_ptr(struct xdp_md *ctx)
{
	return take_void(ctx) & 1;
}

SEC("xdp")
int stack_ptr_returned(struct xdp_md *ctx)
{
	return ret_stack(1) & 1;
}

SEC("xdp")
int nested_bad(struct xdp_md *ctx)
{
	return outer(ctx->rx_queue_index) & 1;
}

SEC("tc")
int under_lock(struct __sk_buff *skb)
{
	__u32 k = 0;
	struct locked *l = bpf_map_lookup_elem(&locks, &k);
	int r;

	if (!l)
		return 0;
	bpf_spin_lock(&l->lock);
	r = scalar_arg(l->v);
	bpf_spin_unlock(&l->lock);
	return r & 1;
}

SEC("xdp")
int null_for_nonnull(struct xdp_md *ctx)
{
	return nonnull_deref((int *)0) & 1;
}

SEC("xdp")
int static_mismatch(struct xdp_md *ctx)
{
	int r = static_scalar((long)ctx);

	return *(int *)(long)r;
}

/* a packet pointer checked for fewer bytes than the pointee's size */
SEC("xdp")
int pkt_too_short(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;

	if (data + 10 > end)
		return 0;
	return hdr_byte(data) & 1;
}

/* the callee may move packet data: the caller's packet pointers are gone */
SEC("xdp")
int pkt_after_adjust(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;
	unsigned char *end = (void *)(long)ctx->data_end;

	if (data + 1 > end)
		return 0;
	adjust(ctx);
	return data[0];
}

/* 200 + 400 bytes of stack in two frames */
SEC("xdp")
int stack_combined(struct xdp_md *ctx)
{
	volatile char buf[200];

	buf[gv & 127] = 2;
	return big_frame(buf[5]) & 1;
}

SEC("tracepoint/syscalls/sys_enter_kill")
int tp_void_ctx(void *ctx)
{
	return *(int *)(ctx + 100000);
}

char LICENSE[] SEC("license") = "GPL";
