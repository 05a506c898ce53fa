// SPDX-License-Identifier: GPL-2.0
/* fentry/fexit (BTF-typed tracing programs, attach_btf_id from vmlinux). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

long unlink_calls, unlink_errors;

SEC("fentry/do_unlinkat")
int BPF_PROG(fentry_unlinkat, int dfd, struct filename *name)
{
	__sync_fetch_and_add(&unlink_calls, 1);
	return 0;
}

SEC("fexit/do_unlinkat")
int BPF_PROG(fexit_unlinkat, int dfd, struct filename *name, long ret)
{
	if (ret)
		__sync_fetch_and_add(&unlink_errors, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
