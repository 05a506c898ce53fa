// SPDX-License-Identifier: GPL-2.0
/* BPF LSM hook: deny opening files whose inode number is in a hash. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define EPERM 1

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, u64);
	__type(value, u8);
} denied_inodes SEC(".maps");

SEC("lsm/file_open")
int BPF_PROG(deny_open, struct file *file, int ret)
{
	u64 ino;

	if (ret)
		return ret;
	ino = BPF_CORE_READ(file, f_inode, i_ino);
	return bpf_map_lookup_elem(&denied_inodes, &ino) ? -EPERM : 0;
}

char LICENSE[] SEC("license") = "GPL";
