// SPDX-License-Identifier: GPL-2.0
/* libbpf-tools opensnoop style: enter/exit tracepoint pair keyed by
 * thread id in a hash, events through a perf event array. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define NAME_MAX 255

const volatile pid_t targ_tgid = 0;
const volatile bool targ_failed = false;

struct args_t {
	const char *fname;
	int flags;
};

struct event {
	__u64 ts;
	pid_t pid;
	int flags;
	int ret;
	char comm[16];
	char fname[NAME_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u32);
	__type(value, struct args_t);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct event);
} scratch SEC(".maps");

static __always_inline bool trace_allowed(u32 tgid)
{
	return !targ_tgid || targ_tgid == tgid;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int tracepoint__syscalls__sys_enter_openat(struct trace_event_raw_sys_enter *ctx)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 pid = id;
	struct args_t args = {};

	if (!trace_allowed(id >> 32))
		return 0;
	args.fname = (const char *)ctx->args[1];
	args.flags = (int)ctx->args[2];
	bpf_map_update_elem(&start, &pid, &args, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_openat")
int tracepoint__syscalls__sys_exit_openat(struct trace_event_raw_sys_exit *ctx)
{
	u32 pid = bpf_get_current_pid_tgid(), zero = 0;
	struct args_t *ap = bpf_map_lookup_elem(&start, &pid);
	struct event *e;
	int ret;

	if (!ap)
		return 0;
	ret = ctx->ret;
	if (targ_failed && ret >= 0)
		goto cleanup;
	e = bpf_map_lookup_elem(&scratch, &zero);
	if (!e)
		goto cleanup;
	e->ts = bpf_ktime_get_ns();
	e->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	bpf_probe_read_user_str(&e->fname, sizeof(e->fname), ap->fname);
	e->flags = ap->flags;
	e->ret = ret;
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, e, sizeof(*e));
cleanup:
	bpf_map_delete_elem(&start, &pid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
