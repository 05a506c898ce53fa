// SPDX-License-Identifier: GPL-2.0
/* libbpf-bootstrap kprobe example: kprobe/kretprobe on do_unlinkat with
 * BPF_KPROBE/BPF_KRETPROBE and a CO-RE read of the filename. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u32);
	__type(value, u64);
} unlinks SEC(".maps");

SEC("kprobe/do_unlinkat")
int BPF_KPROBE(do_unlinkat, int dfd, struct filename *name)
{
	pid_t pid = bpf_get_current_pid_tgid() >> 32;
	const char *filename = BPF_CORE_READ(name, name);
	char buf[32];
	u64 one = 1, *cnt;

	bpf_probe_read_kernel_str(buf, sizeof(buf), filename);
	cnt = bpf_map_lookup_elem(&unlinks, &pid);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	else
		bpf_map_update_elem(&unlinks, &pid, &one, BPF_ANY);
	return 0;
}

SEC("kretprobe/do_unlinkat")
int BPF_KRETPROBE(do_unlinkat_exit, long ret)
{
	pid_t pid = bpf_get_current_pid_tgid() >> 32;

	if (ret < 0)
		bpf_map_delete_elem(&unlinks, &pid);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
