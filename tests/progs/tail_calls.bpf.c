// SPDX-License-Identifier: GPL-2.0
/* Tail calls through a program array whose slots are set from the
 * declaration; programs of the same type dispatching on packet size. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

int stage_small(struct xdp_md *ctx);
int stage_large(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} jmp_table SEC(".maps") = {
	.values = { [1] = (void *)&stage_small, [2] = (void *)&stage_large },
};

SEC("xdp")
int stage_small(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("xdp")
int stage_large(struct xdp_md *ctx)
{
	return XDP_DROP;
}

SEC("xdp")
int dispatch(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;

	bpf_tail_call(ctx, &jmp_table, len > 100 ? 2 : 1);
	return XDP_ABORTED;
}

char _license[] SEC("license") = "GPL";
