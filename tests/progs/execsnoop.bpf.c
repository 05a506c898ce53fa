// SPDX-License-Identifier: GPL-2.0
/* libbpf-tools execsnoop style: tracepoint on execve entry, event
 * assembled in a per-CPU scratch map, sent through a ring buffer; the
 * filter knobs live in .rodata. CO-RE reads of the current task. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#define TASK_COMM_LEN 16
#define ARGSIZE 64

struct event {
	__u32 pid;
	__u32 ppid;
	__u32 uid;
	int retval;
	char comm[TASK_COMM_LEN];
	char filename[ARGSIZE];
};

const volatile uid_t targ_uid = (uid_t)-1;
const volatile bool ignore_failed = true;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct event);
} heap SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_execve")
int tracepoint__syscalls__sys_enter_execve(struct trace_event_raw_sys_enter *ctx)
{
	struct task_struct *task;
	__u32 zero = 0, uid;
	struct event *e, *out;

	uid = (__u32)bpf_get_current_uid_gid();
	if (targ_uid != (uid_t)-1 && targ_uid != uid)
		return 0;
	e = bpf_map_lookup_elem(&heap, &zero);
	if (!e)
		return 0;
	task = (struct task_struct *)bpf_get_current_task();
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->uid = uid;
	e->retval = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_probe_read_user_str(e->filename, sizeof(e->filename), (const char *)ctx->args[0]);
	out = bpf_ringbuf_reserve(&events, sizeof(*out), 0);
	if (!out)
		return 0;
	__builtin_memcpy(out, e, sizeof(*out));
	bpf_ringbuf_submit(out, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
