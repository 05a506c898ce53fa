// SPDX-License-Identifier: GPL-2.0
/* Small programs for the CLI tests (tests/unit/test_cli_*.c compile this
 * file with clang at test time): a syscall program with a trace line, an
 * XDP program with a subprogram and a branch, a ring buffer producer and
 * a program that writes its context. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

/* bpftool and hive print bpf_metadata_* variables in `prog show` */
const char bpf_metadata_owner[] SEC(".rodata") = "hive tests";
const volatile int bpf_metadata_level = 3;

SEC("syscall")
int answer(void *ctx)
{
	bpf_printk("hive cli says %d", 42 + bpf_metadata_level - 3);
	return 42;
}

static __attribute__((noinline)) int twice(int x)
{
	return x * 2;
}

SEC("xdp")
int pass(struct xdp_md *ctx)
{
	void *end = (void *)(long)ctx->data_end, *data = (void *)(long)ctx->data;
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&hits, &zero);

	if (n)
		__sync_fetch_and_add(n, 1);
	if (data + 14 > end)
		return XDP_DROP;
	return twice(ctx->rx_queue_index + 1); /* XDP_PASS on queue 0 */
}

SEC("syscall")
int emit(void *ctx)
{
	__u32 a = 0x11223344;
	__u64 b = 0x0102030405060708ull;

	bpf_ringbuf_output(&events, &a, sizeof(a), 0);
	bpf_ringbuf_output(&events, &b, sizeof(b), 0);
	return 0;
}

struct args {
	__u32 in;
	__u32 out;
};

SEC("syscall")
int double_it(struct args *a)
{
	a->out = a->in * 2;
	return a->out;
}

char _license[] SEC("license") = "GPL";
