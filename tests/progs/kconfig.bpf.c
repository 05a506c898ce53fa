// SPDX-License-Identifier: GPL-2.0
/* .kconfig externs: kernel version, y/n/m options as bool, tristate and
 * char, integers, strings, and a __weak option no kernel has. */
#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern bool CONFIG_BPF_SYSCALL __kconfig;
extern enum libbpf_tristate CONFIG_BPF_JIT __kconfig __weak;
extern char CONFIG_BPF_EVENTS __kconfig __weak;
extern int CONFIG_HZ __kconfig;
extern char CONFIG_LOCALVERSION[16] __kconfig __weak;
extern bool CONFIG_HIVE_DOES_NOT_EXIST __kconfig __weak;
extern int CONFIG_HIVE_TEST_VALUE __kconfig __weak;

__u64 seen[8];

SEC("xdp")
int read_kconfig(struct xdp_md *ctx)
{
	seen[0] = LINUX_KERNEL_VERSION;
	seen[1] = CONFIG_BPF_SYSCALL;
	seen[2] = CONFIG_BPF_JIT;
	seen[3] = CONFIG_BPF_EVENTS;
	seen[4] = CONFIG_HZ;
	seen[5] = CONFIG_LOCALVERSION[0];
	seen[6] = CONFIG_HIVE_DOES_NOT_EXIST;
	seen[7] = CONFIG_HIVE_TEST_VALUE;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
