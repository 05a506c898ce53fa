// SPDX-License-Identifier: GPL-2.0
/* A BPF iterator (iter/task) and an sk_lookup program in one object. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

__u64 tasks_seen;

SEC("iter/task")
int dump_task(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;

	if (task)
		tasks_seen++;
	return 0;
}

SEC("sk_lookup")
int pass_lookup(struct bpf_sk_lookup *ctx)
{
	return ctx->local_port == 7 ? SK_DROP : SK_PASS;
}

char LICENSE[] SEC("license") = "GPL";
