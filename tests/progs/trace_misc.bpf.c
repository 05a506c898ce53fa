// SPDX-License-Identifier: GPL-2.0
/* Tracing idioms: BPF_KPROBE/BPF_KRETPROBE argument macros, stack ids
 * and raw stacks, perf-event output of a struct, kernel string reads
 * through CO-RE-read pointers, bpf_snprintf into a buffer and bpf_strtol
 * over it, a latency histogram keyed by log2 of a duration. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define MAX_DEPTH 16

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 128);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, MAX_DEPTH * sizeof(__u64));
} stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} tm_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 32);
	__type(key, __u32);
	__type(value, __u64);
} hist SEC(".maps");

struct tm_event {
	__u32 pid;
	int stack_id;
	__u64 flags;
	char name[32];
	__u64 ips[4];
};

static __always_inline __u32 log2l(__u64 v)
{
	__u32 r = 0;

	while (v > 1 && r < 31) {
		v >>= 1;
		r++;
	}
	return r;
}

SEC("kprobe/do_sys_openat2")
int BPF_KPROBE(tm_open, int dfd, const char *filename, struct open_how *how)
{
	struct tm_event e = {};
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	__u64 ts = bpf_ktime_get_ns();

	e.pid = pid;
	e.stack_id = bpf_get_stackid(ctx, &stacks, 0);
	e.flags = BPF_CORE_READ(how, flags);
	bpf_probe_read_user_str(e.name, sizeof(e.name), filename);
	bpf_get_stack(ctx, e.ips, sizeof(e.ips), 0);
	bpf_perf_event_output(ctx, &tm_events, BPF_F_CURRENT_CPU, &e, sizeof(e));
	bpf_map_update_elem(&start, &pid, &ts, BPF_ANY);
	return 0;
}

SEC("kretprobe/do_sys_openat2")
int BPF_KRETPROBE(tm_open_ret, long ret)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32, slot;
	__u64 *tsp = bpf_map_lookup_elem(&start, &pid), *cnt;

	if (!tsp)
		return 0;
	slot = log2l(bpf_ktime_get_ns() - *tsp);
	cnt = bpf_map_lookup_elem(&hist, &slot);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	bpf_map_delete_elem(&start, &pid);
	return 0;
}

SEC("kprobe/do_unlinkat")
int BPF_KPROBE(tm_unlink, int dfd, struct filename *name)
{
	char buf[32], num[16];
	const char *s = BPF_CORE_READ(name, name);
	__u64 args[2];
	long val = 0;

	if (bpf_probe_read_kernel_str(buf, sizeof(buf), s) < 0)
		return 0;
	args[0] = dfd;
	args[1] = 7;
	if (bpf_snprintf(num, sizeof(num), "%d%d", args, sizeof(args)) < 0)
		return 0;
	if (bpf_strtol(num, sizeof(num), 10, &val) > 0 && val == 7)
		bpf_printk("unlink %s", buf);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
