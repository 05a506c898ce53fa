// SPDX-License-Identifier: GPL-2.0
/* Host intrusion detection style capture: syscall tracepoints for execve,
 * ptrace and connect fill an event in a ring-buffer reservation (reserve,
 * fill from user memory, submit or discard), with a per-pid rate limit in
 * an LRU hash, a comm filter with bpf_strncmp, a bounded argv loop and
 * counters in a per-CPU array. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define MAX_ARGS 6
#define ARG_LEN 48

struct hids_event {
	__u64 ts;
	__u32 pid, tgid, uid, kind;
	__s64 arg0, arg1;
	char comm[16];
	char argv[MAX_ARGS][ARG_LEN];
};

const volatile __u32 max_per_pid = 64;
const volatile bool skip_self = true;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} hids_rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u32);
} seen SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline bool over_limit(__u32 tgid)
{
	__u32 one = 1, *n = bpf_map_lookup_elem(&seen, &tgid);

	if (!n) {
		bpf_map_update_elem(&seen, &tgid, &one, BPF_NOEXIST);
		return false;
	}
	if (*n >= max_per_pid)
		return true;
	__sync_fetch_and_add(n, 1);
	return false;
}

static __always_inline void count(__u32 kind)
{
	__u64 *c = bpf_map_lookup_elem(&counts, &kind);

	if (c)
		*c += 1;
}

static __always_inline struct hids_event *start(__u32 kind)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct hids_event *e;

	if (over_limit(id >> 32))
		return NULL;
	e = bpf_ringbuf_reserve(&hids_rb, sizeof(*e), 0);
	if (!e)
		return NULL;
	e->ts = bpf_ktime_get_ns();
	e->pid = (__u32)id;
	e->tgid = id >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->kind = kind;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return e;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int hids_execve(struct trace_event_raw_sys_enter *ctx)
{
	const char *const *argv = (const char *const *)ctx->args[1];
	struct hids_event *e = start(0);
	int i;

	if (!e)
		return 0;
	if (skip_self && bpf_strncmp(e->comm, 4, "hive") == 0) {
		bpf_ringbuf_discard(e, 0);
		return 0;
	}
	e->arg0 = ctx->args[0];
	bpf_probe_read_user_str(e->argv[0], ARG_LEN, (const char *)ctx->args[0]);
	for (i = 1; i < MAX_ARGS; i++) {
		const char *p = NULL;

		if (bpf_probe_read_user(&p, sizeof(p), &argv[i]) || !p)
			break;
		bpf_probe_read_user_str(e->argv[i], ARG_LEN, p);
	}
	bpf_ringbuf_submit(e, 0);
	count(0);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_ptrace")
int hids_ptrace(struct trace_event_raw_sys_enter *ctx)
{
	struct hids_event *e;

	/* PTRACE_ATTACH, PTRACE_SEIZE, PTRACE_POKETEXT/DATA only */
	if (ctx->args[0] != 16 && ctx->args[0] != 0x4206 && ctx->args[0] != 4 && ctx->args[0] != 5)
		return 0;
	e = start(1);
	if (!e)
		return 0;
	e->arg0 = ctx->args[0];
	e->arg1 = ctx->args[1];
	bpf_ringbuf_submit(e, BPF_RB_FORCE_WAKEUP);
	count(1);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_connect")
int hids_connect(struct trace_event_raw_sys_enter *ctx)
{
	struct sockaddr_in sa = {};
	struct hids_event *e;

	if (bpf_probe_read_user(&sa, sizeof(sa), (void *)ctx->args[1]))
		return 0;
	if (sa.sin_family != 2 /* AF_INET */)
		return 0;
	e = start(2);
	if (!e)
		return 0;
	e->arg0 = sa.sin_addr.s_addr;
	e->arg1 = __builtin_bswap16(sa.sin_port);
	bpf_ringbuf_submit(e, 0);
	count(2);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
