// SPDX-License-Identifier: GPL-2.0
/* SEC("syscall") program: run with BPF_PROG_TEST_RUN, ctx is user memory. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct args {
	__u64 a, b;
	__u64 sum;
};

__u32 runs;

SEC("syscall")
int add_args(struct args *ctx)
{
	runs++;
	ctx->sum = ctx->a + ctx->b;
	return (int)(ctx->sum & 0x7fffffff);
}

char LICENSE[] SEC("license") = "GPL";
