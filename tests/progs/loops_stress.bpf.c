// SPDX-License-Identifier: GPL-2.0
/* Loop-heavy programs that exercise state pruning, precision tracking and
 * bounded-loop exploration: a path matcher over a string read from user
 * memory, a byte-wise FNV hash with an early exit, nested loops over a map
 * value, and a packet TLV walk with a data-dependent step. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define PATH_LEN 64

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, char[PATH_LEN]);
} pathbuf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32[16]);
} grid SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__type(key, __u64);
	__type(value, __u32);
} hits SEC(".maps");

const volatile char secret[12] = "/etc/shadow";

SEC("tracepoint/syscalls/sys_enter_openat")
int match_path(struct trace_event_raw_sys_enter *ctx)
{
	__u32 zero = 0, one = 1;
	__u64 h = 14695981039346656037ULL;
	char *buf = bpf_map_lookup_elem(&pathbuf, &zero);
	int i, n, same = 1;

	if (!buf)
		return 0;
	n = bpf_probe_read_user_str(buf, PATH_LEN, (const char *)ctx->args[1]);
	if (n <= 0)
		return 0;
	for (i = 0; i < PATH_LEN; i++) {
		char c = buf[i];

		if (!c)
			break;
		if (i < (int)sizeof(secret) - 1 && c != secret[i])
			same = 0;
		h = (h ^ (unsigned char)c) * 1099511628211ULL;
	}
	if (same && i == sizeof(secret) - 1)
		bpf_printk("shadow opened");
	bpf_map_update_elem(&hits, &h, &one, BPF_ANY);
	return 0;
}

SEC("raw_tracepoint/sys_enter")
int grid_sum(void *ctx)
{
	__u32 r, c, total = 0;

	for (r = 0; r < 8; r++) {
		__u32 key = r;
		__u32 *row = bpf_map_lookup_elem(&grid, &key);

		if (!row)
			continue;
		for (c = 0; c < 16; c++) {
			if (row[c] > 1000)
				break;
			total += row[c];
		}
	}
	return total & 1;
}

SEC("xdp")
int tlv_walk(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;
	unsigned char *end = (void *)(long)ctx->data_end;
	__u32 off = 0, found = 0;
	int i;

	for (i = 0; i < 16; i++) {
		unsigned char *t = data + (off & 0xff);

		if ((void *)(t + 2) > (void *)end)
			break;
		if (t[0] == 0)
			break;
		if (t[0] == 7)
			found++;
		off += 2 + t[1];
	}
	return found ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
