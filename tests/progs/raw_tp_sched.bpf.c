// SPDX-License-Identifier: GPL-2.0
/* raw tracepoint and BTF tracepoint on sched_switch: count switches per
 * CPU and record the previous task's pid through CO-RE. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} switches SEC(".maps");

pid_t last_prev_pid;

SEC("raw_tp/sched_switch")
int BPF_PROG(raw_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	u32 zero = 0;
	u64 *c = bpf_map_lookup_elem(&switches, &zero);

	if (c)
		(*c)++;
	last_prev_pid = BPF_CORE_READ(prev, pid);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(btf_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	last_prev_pid = prev->pid;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
