// SPDX-License-Identifier: GPL-2.0
/* ksyscall/kretsyscall (libbpf's BPF_KSYSCALL): watch kill(2). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

struct sig_event {
	int target;
	int sig;
};

struct sig_event last_kill;
long last_ret;

SEC("ksyscall/kill")
int BPF_KSYSCALL(entry_kill, pid_t pid, int sig)
{
	last_kill.target = pid;
	last_kill.sig = sig;
	return 0;
}

SEC("kretsyscall/kill")
int BPF_KRETPROBE(exit_kill, long ret)
{
	last_ret = ret;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
