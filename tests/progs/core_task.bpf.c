// SPDX-License-Identifier: GPL-2.0
/* CO-RE against the running kernel's BTF: task_struct walks, field and
 * type existence, sizes, bitfields, enum values and kernel type ids. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

/* A field no kernel has, through a flavored local definition. */
struct task_struct___hive {
	int hive_no_such_field;
	int pid;
} __attribute__((preserve_access_index));

struct info {
	u32 pid, tgid, ppid;
	u64 start_time;
	u32 sz_pid;
	u32 has_pid, has_fake;
	u32 state_size;
	u64 irq_type_id;
	u32 running_value;
	u32 flags_bits;
};

struct info last;

SEC("kprobe/do_nanosleep")
int BPF_KPROBE(core_task_walk)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct task_struct___hive *h = (void *)t;

	last.pid = BPF_CORE_READ(t, pid);
	last.tgid = BPF_CORE_READ(t, tgid);
	last.ppid = BPF_CORE_READ(t, real_parent, tgid);
	last.start_time = BPF_CORE_READ(t, start_time);
	last.sz_pid = bpf_core_field_size(t->pid);
	last.has_pid = bpf_core_field_exists(h->pid);
	last.has_fake = bpf_core_field_exists(h->hive_no_such_field);
	if (bpf_core_field_exists(h->hive_no_such_field))
		last.has_fake = BPF_CORE_READ(h, hive_no_such_field);
	last.state_size = bpf_core_type_size(struct task_struct);
	last.irq_type_id = bpf_core_type_id_kernel(struct irqaction);
	last.running_value = bpf_core_enum_value(enum bpf_map_type, BPF_MAP_TYPE_RINGBUF);
	last.flags_bits = bpf_core_type_exists(struct bpf_map) ? BPF_CORE_READ_BITFIELD_PROBED(t, in_execve) : 0;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
