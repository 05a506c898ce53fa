// SPDX-License-Identifier: GPL-2.0
/* .ksyms externs: a kfunc call (bpf_dynptr_from_skb), a kfunc that no
 * kernel has (__weak, guarded by its address), a typed kernel variable
 * (bpf_prog_active, by BTF id; the kernel needs it in kallsyms) and a
 * __weak variable no kernel has. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

extern int bpf_dynptr_from_skb(struct __sk_buff *skb, __u64 flags, struct bpf_dynptr *ptr__uninit) __ksym;
extern int hive_no_such_kfunc(int x) __ksym __weak;
extern const int bpf_prog_active __ksym;
extern const int hive_no_such_var __ksym __weak;

__u64 active_seen, has_missing;

SEC("tc")
int use_kfunc(struct __sk_buff *skb)
{
	struct bpf_dynptr ptr;

	if (bpf_dynptr_from_skb(skb, 0, &ptr))
		return 1;
	has_missing = (unsigned long)&hive_no_such_var != 0;
	if (hive_no_such_kfunc)
		return hive_no_such_kfunc(1);
	return 0;
}

SEC("tc")
int use_ksym_var(struct __sk_buff *skb)
{
	const int *active = bpf_this_cpu_ptr(&bpf_prog_active);

	active_seen = *active;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
