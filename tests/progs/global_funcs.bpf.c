// SPDX-License-Identifier: GPL-2.0
/* Global functions the kernel accepts: verified once on their own from
 * their BTF prototype (the context, scalars, memory that may be NULL),
 * called from several programs and from each other; one is only called
 * from dead code and is never verified. */
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#ifndef __arg_ctx
#define __arg_ctx __attribute__((btf_decl_tag("arg:ctx")))
#endif
#ifndef __arg_nonnull
#define __arg_nonnull __attribute__((btf_decl_tag("arg:nonnull")))
#endif

struct pair {
	int a, b;
};

enum verdict { V_DROP = 1, V_PASS = 2 };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct pair);
} pairs SEC(".maps");

const volatile int call_dead = 0;
volatile int gv;
int idx;

/* a NULL check before the access */
__noinline int deref_checked(int *p)
{
	if (!p)
		return 0;
	return *p + 1;
}

/* the context, by the name of its struct */
__noinline int queue_of(struct xdp_md *ctx)
{
	return ctx->rx_queue_index;
}

__noinline int skb_len(struct __sk_buff *skb)
{
	return skb->len;
}

__noinline int mix(int a, long b, unsigned char c)
{
	return a * 3 + b + c;
}

__noinline int sum_pair(struct pair *p)
{
	if (!p)
		return -1;
	return p->a + p->b;
}

/* writes through its pointer: the caller's stack becomes unknown bytes */
__noinline int fill_pair(struct pair *p, int v)
{
	if (!p)
		return 0;
	p->a = v;
	p->b = v + 1;
	return 1;
}

/* calls other global functions: verified in a later round */
__noinline int chain(int x)
{
	struct pair p = {};

	fill_pair(&p, x);
	return sum_pair(&p) + mix(x, 2, 3);
}

__noinline enum verdict pick(int x)
{
	return x & 1 ? V_PASS : V_DROP;
}

/* out of bounds, but only called from dead code: never verified */
__noinline int dead_bad(int x)
{
	int arr[2] = { 1, 2 };

	return arr[x + idx];
}

/* decl tag arg:nonnull: memory that is never NULL */
__noinline int nonnull_sum(struct pair *p __arg_nonnull)
{
	return p->a - p->b;
}

/* decl tag arg:ctx: a tracepoint's context has no struct to name */
__noinline int tp_word(void *ctx __arg_ctx)
{
	return *(__u32 *)(ctx + 8);
}

struct hdr {
	unsigned char d[14];
};

/* packet memory checked against the pointee's size at the call */
__noinline int hdr_byte(struct hdr *h)
{
	if (!h)
		return 0;
	return h->d[12];
}

/* a 400-byte frame: the combined stack counts it after the caller's;
 * the masked index is marked precise back to the function's entry */
__noinline int big_frame(int x)
{
	volatile char buf[400];

	buf[3] = 0;
	buf[x & 255] = 1;
	return buf[3];
}

static __noinline int static_to_global(int x)
{
	return big_frame(x) + 1;
}

SEC("xdp")
int glob_xdp(struct xdp_md *ctx)
{
	int x = gv;
	int r = deref_checked(&x) + deref_checked(0) + queue_of(ctx);

	if (call_dead)
		r += dead_bad(r);
	return pick(r) == V_PASS ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int glob_map(struct xdp_md *ctx)
{
	__u32 k = 1;
	struct pair *v = bpf_map_lookup_elem(&pairs, &k);

	/* a map value that may be NULL is memory or NULL */
	fill_pair(v, 7);
	return sum_pair(v) > 0 ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int glob_chain(struct xdp_md *ctx)
{
	return chain(queue_of(ctx)) & 1 ? XDP_PASS : XDP_DROP;
}

SEC("tc")
int glob_tc(struct __sk_buff *skb)
{
	struct pair p = { .a = skb->len, .b = 2 };

	return (sum_pair(&p) + skb_len(skb) + mix(skb->protocol, skb->mark, 1) + nonnull_sum(&p)) &
	       1;
}

__noinline int regs_ip(struct pt_regs *regs)
{
	return PT_REGS_IP(regs) & 0xff;
}

SEC("kprobe/do_unlinkat")
int glob_kprobe(struct pt_regs *regs)
{
	return regs_ip(regs) == 1;
}

SEC("xdp")
int glob_pkt(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;

	if (data + sizeof(struct hdr) > end)
		return XDP_DROP;
	return hdr_byte(data) + static_to_global(ctx->rx_queue_index) > 0 ? XDP_PASS : XDP_DROP;
}

SEC("tracepoint/syscalls/sys_enter_kill")
int glob_tp(void *ctx)
{
	return tp_word(ctx) & 1;
}

char _license[] SEC("license") = "GPL";
