// SPDX-License-Identifier: GPL-2.0
/* Programs the kernel's verifier refuses, one mistake each, as people
 * write them: hive must refuse them with the same log. Each program is
 * verified on its own (`hive verify`), so one object holds them all. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64[4]);
} vals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rej_rb SEC(".maps");

/* the lookup result is used without a NULL check */
SEC("kprobe/do_unlinkat")
int no_null_check(void *ctx)
{
	__u32 k = 1;
	__u64 *v = bpf_map_lookup_elem(&vals, &k);

	return (int)v[0];
}

/* a packet byte read before comparing with data_end */
SEC("xdp")
int no_bounds_check(struct xdp_md *ctx)
{
	unsigned char *p = (void *)(long)ctx->data;

	return p[12] == 8 ? XDP_PASS : XDP_DROP;
}

/* an index from the packet used unchecked into a map value */
SEC("xdp")
int unchecked_index(struct xdp_md *ctx)
{
	unsigned char *p = (void *)(long)ctx->data;
	__u32 k = 0;
	__u64 *v;

	if ((void *)(p + 1) > (void *)(long)ctx->data_end)
		return XDP_DROP;
	v = bpf_map_lookup_elem(&vals, &k);
	if (!v)
		return XDP_PASS;
	return (int)v[p[0]];
}

/* a ring-buffer reservation that is neither submitted nor discarded */
SEC("tracepoint/syscalls/sys_enter_openat")
int leak_reservation(void *ctx)
{
	__u64 *e = bpf_ringbuf_reserve(&rej_rb, 8, 0);

	if (!e)
		return 0;
	*e = 1;
	if (bpf_get_prandom_u32() & 1)
		return 0;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* a write to a read-only context field */
SEC("tc")
int write_ctx_len(struct __sk_buff *skb)
{
	skb->len = 0;
	return 0;
}

/* a submitted reservation used afterwards */
SEC("tracepoint/syscalls/sys_enter_close")
int use_after_submit(void *ctx)
{
	__u64 *e = bpf_ringbuf_reserve(&rej_rb, 8, 0);

	if (!e)
		return 0;
	bpf_ringbuf_submit(e, 0);
	*e = 2;
	return 0;
}

/* a pointer stored into a map value (leaks an address: allowed for root,
 * then read back and dereferenced as a scalar) */
SEC("kprobe/do_unlinkat")
int deref_scalar(void *ctx)
{
	__u32 k = 2;
	__u64 *v = bpf_map_lookup_elem(&vals, &k);

	if (!v)
		return 0;
	return *(int *)(long)v[1];
}

char LICENSE[] SEC("license") = "GPL";
