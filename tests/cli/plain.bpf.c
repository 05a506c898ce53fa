// SPDX-License-Identifier: GPL-2.0
/* A program that any program type can run (no context access, no
 * helpers): tests/unit/test_cli_prog.c loads it with `type TYPE`. The
 * session against bpftool (test_cli_kernel.c) builds it with its own
 * PLAIN_NAME and PLAIN_RET, so that the kernel's name and tag lookups
 * find only that run's program while other test runs share the kernel. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
#ifndef PLAIN_NAME
#define PLAIN_NAME plain
#endif
#ifndef PLAIN_RET
#define PLAIN_RET 1
#endif

int PLAIN_NAME(void *ctx)
{
	return PLAIN_RET;
}

char _license[] SEC("license") = "GPL";
