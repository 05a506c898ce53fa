// SPDX-License-Identifier: GPL-2.0
/*
 * Not a program: its BTF is the CO-RE target for core_local.bpf.o (the role
 * /sys/kernel/btf/vmlinux plays for kernel types). Compared to the local
 * view in core_local.bpf.c: fields moved, resized, a bitfield shifted, one
 * field gone, an anonymous union inserted, enum values renumbered, one
 * enumerator and one struct absent.
 */
struct hive_core_s {
	long long grown;               /* local: int at offset 0 */
	unsigned char tag;
	union {
		unsigned int flags;
		int flags_alias;
	};
	unsigned int pad:2, mode:6, level:4;
	int arr[6];
	unsigned short narrowed;       /* local: unsigned int */
	struct {
		int x, y;
	} inner;
	signed char sign_flip;         /* local: unsigned char */
	/* 'only_local' does not exist here */
};

enum hive_core_state {
	HC_IDLE = 10,
	HC_RUNNING = 20,
	HC_DONE = 30,
};

struct hive_core_target_only {
	int a, b, c;
};

struct hive_core_same {
	int a;
	long b;
};

struct hive_core_diff {
	long a;
};

enum hive_core_state target_state;
struct hive_core_same target_same;
struct hive_core_diff target_diff;
struct hive_core_s target_s;
struct hive_core_target_only target_only;
