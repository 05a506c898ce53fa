// SPDX-License-Identifier: GPL-2.0
/* A CO-RE read of a field the kernel does not have, NOT guarded by
 * bpf_core_field_exists(): relocation poisons it, the verifier reaches it,
 * the load must fail naming the relocation. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

struct task_struct___gone {
	long hive_removed_field;
} __attribute__((preserve_access_index));

long seen;

SEC("kprobe/do_nanosleep")
int BPF_KPROBE(read_gone_field)
{
	struct task_struct___gone *t = (void *)bpf_get_current_task();

	seen = BPF_CORE_READ(t, hive_removed_field);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
