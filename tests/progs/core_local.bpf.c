// SPDX-License-Identifier: GPL-2.0
/*
 * CO-RE against a custom target BTF (core_target.bpf.o): every relocation
 * kind, with results stored in .bss so a test run shows what the relocated
 * instructions computed. Kernel and hive both run the instructions hive's
 * loader relocated; libbpf relocates the same object for comparison.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct hive_core_s {
	int grown;
	unsigned char tag;
	unsigned int flags;
	unsigned int pad:4, mode:6, level:4;
	int arr[6];
	unsigned int narrowed;
	struct {
		int x, y;
	} inner;
	unsigned char sign_flip;
	int only_local;
} __attribute__((preserve_access_index));

/* A flavor: same type as far as CO-RE is concerned. */
struct hive_core_s___flavor {
	unsigned int flags;
	int arr[6];
} __attribute__((preserve_access_index));

struct hive_core_missing {
	int z;
} __attribute__((preserve_access_index));

/* Same shape in the target, and a different one (for type matching). */
struct hive_core_same {
	int a;
	long b;
} __attribute__((preserve_access_index));

struct hive_core_diff {
	int a;
} __attribute__((preserve_access_index));

enum hive_core_state {
	HC_IDLE = 0,
	HC_RUNNING = 1,
	HC_DONE = 2,
	HC_LOCAL_ONLY = 3,
};

__u64 out[32];
struct hive_core_s sample SEC(".data.sample");

SEC("xdp")
int core_values(struct xdp_md *ctx)
{
	struct hive_core_s *s = &sample;
	struct hive_core_s___flavor *f = (void *)&sample;

	out[0] = bpf_core_field_offset(s->grown);
	out[1] = bpf_core_field_size(s->grown);
	out[2] = bpf_core_field_offset(s->flags);
	out[3] = bpf_core_field_offset(s->arr[2]);
	out[4] = bpf_core_field_exists(s->only_local);
	out[5] = bpf_core_field_exists(s->tag);
	out[6] = bpf_core_field_offset(s->inner.y);
	out[7] = __builtin_preserve_field_info(s->sign_flip, BPF_FIELD_SIGNED);
	out[8] = bpf_core_type_exists(struct hive_core_missing);
	out[9] = bpf_core_type_size(struct hive_core_s);
	out[10] = bpf_core_enum_value_exists(enum hive_core_state, HC_LOCAL_ONLY);
	out[11] = bpf_core_enum_value(enum hive_core_state, HC_RUNNING);
	out[12] = bpf_core_field_offset(f->flags);
	out[13] = bpf_core_field_size(s->narrowed);
	out[14] = bpf_core_type_exists(struct hive_core_s);
	out[15] = BPF_CORE_READ_BITFIELD(s, mode);
	out[16] = bpf_core_field_size(f->arr);
	/* bpf_core_type_matches() needs clang 15: tests rewrite these records */
	out[17] = bpf_core_type_exists(struct hive_core_same);
	out[21] = bpf_core_type_exists(struct hive_core_diff);
	if (bpf_core_field_exists(s->only_local))
		out[18] = s->only_local;       /* poisoned, unreachable */
	else
		out[18] = 0xdead;
	out[19] = s->narrowed;                 /* load width 4 -> 2 */
	out[20] = bpf_core_type_id_local(struct hive_core_s);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
