// SPDX-License-Identifier: GPL-2.0
/* A program that any program type can run (no context access, no
 * helpers): tests/unit/test_cli_prog.c loads it with `type TYPE`. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int plain(void *ctx)
{
	return 1;
}

char _license[] SEC("license") = "GPL";
