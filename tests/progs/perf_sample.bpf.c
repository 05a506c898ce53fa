// SPDX-License-Identifier: GPL-2.0
/* perf_event program: sample stacks into a stack trace map and counts
 * into a hash (libbpf-tools profile style). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define PERF_MAX_STACK_DEPTH 127

struct key_t {
	u32 pid;
	int user_stack_id;
	int kern_stack_id;
};

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, sizeof(u32));
	__uint(value_size, PERF_MAX_STACK_DEPTH * sizeof(u64));
	__uint(max_entries, 1024);
} stackmap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct key_t);
	__type(value, u64);
	__uint(max_entries, 10240);
} counts SEC(".maps");

SEC("perf_event")
int do_sample(struct bpf_perf_event_data *ctx)
{
	struct key_t key = {};
	u64 one = 1, *v;

	key.pid = bpf_get_current_pid_tgid() >> 32;
	key.kern_stack_id = bpf_get_stackid(ctx, &stackmap, 0);
	key.user_stack_id = bpf_get_stackid(ctx, &stackmap, BPF_F_USER_STACK);
	v = bpf_map_lookup_elem(&counts, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
