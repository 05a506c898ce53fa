// SPDX-License-Identifier: GPL-2.0
/* Global data in every flavor: initialized (.data), read-only (.rodata,
 * const volatile, set from user space before load), zeroed (.bss), static
 * and global, scalars, arrays and structs; accessed at non-zero offsets. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct pair {
	__u32 a;
	__u64 b;
};

/* .rodata */
const volatile __u32 cfg_mult = 3;
const volatile __u64 cfg_add = 0x1122334455ULL;
const volatile struct pair cfg_pair = { 7, 8 };
static const volatile char cfg_tag[8] = "hive";

/* .data */
__u32 calls = 100;
__u64 totals[4] = { 1, 2, 3, 4 };
static struct pair last = { 9, 10 };

/* .bss */
__u64 zero_counter;
static __u32 hidden_bss[16];

SEC("xdp")
int global_rw(struct xdp_md *ctx)
{
	__u32 i = ctx->rx_queue_index & 3;

	calls++;
	totals[i] += cfg_mult;
	last.b += cfg_pair.b;
	zero_counter += cfg_add;
	hidden_bss[i + 4] = cfg_tag[i];
	return (calls & 1) ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int global_ro(struct xdp_md *ctx)
{
	return cfg_mult == 3 && cfg_pair.a == 7 ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
