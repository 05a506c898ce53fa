// SPDX-License-Identifier: GPL-2.0
/* libbpf-tools funclatency style: kprobe/kretprobe pair timing a kernel
 * function into a log2 histogram (array map), filtered by .rodata. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define MAX_SLOTS 32

const volatile pid_t targ_tgid = 0;
const volatile int units = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u32);
	__type(value, u64);
} starts SEC(".maps");

__u32 hist[MAX_SLOTS] = {};

static __always_inline u64 log2l(u64 v)
{
	u64 r = 0;

	while (v > 1 && r < MAX_SLOTS - 1) {
		v >>= 1;
		r++;
	}
	return r;
}

SEC("kprobe/vfs_read")
int BPF_KPROBE(dummy_kprobe)
{
	u64 id = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();
	u32 tid = id;

	if (targ_tgid && targ_tgid != id >> 32)
		return 0;
	bpf_map_update_elem(&starts, &tid, &now, BPF_ANY);
	return 0;
}

SEC("kretprobe/vfs_read")
int BPF_KRETPROBE(dummy_kretprobe)
{
	u32 tid = bpf_get_current_pid_tgid();
	u64 *start = bpf_map_lookup_elem(&starts, &tid), delta, slot;

	if (!start)
		return 0;
	delta = bpf_ktime_get_ns() - *start;
	bpf_map_delete_elem(&starts, &tid);
	delta /= units == 0 ? 1 : units == 1 ? 1000 : 1000000;
	slot = log2l(delta);
	if (slot >= MAX_SLOTS)
		slot = MAX_SLOTS - 1;
	__sync_fetch_and_add(&hist[slot], 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
