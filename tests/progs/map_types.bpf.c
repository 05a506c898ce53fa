// SPDX-License-Identifier: GPL-2.0
/* One of each common map type, used from one program: LRU and per-CPU
 * hashes, queue, stack, bloom filter, per-CPU array, stack trace. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct flow {
	__u32 saddr, daddr;
	__u16 sport, dport;
	__u8 proto;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct flow);
	__type(value, __u64);
} lru SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} pcpu_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 32);
	__type(value, __u32);
} queue SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__uint(max_entries, 32);
	__type(value, __u64);
} stack SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__uint(max_entries, 256);
	__type(value, __u32);
	__uint(map_extra, 3);
} bloom SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, 128);
	__uint(key_size, 8);
	__uint(value_size, 16);
} lru_pcpu SEC(".maps");

SEC("xdp")
int use_maps(struct xdp_md *ctx)
{
	struct flow f = { .saddr = ctx->rx_queue_index, .proto = 17 };
	__u64 one = 1, *v;
	__u32 q = 7, k = 0;

	bpf_map_update_elem(&lru, &f, &one, BPF_ANY);
	v = bpf_map_lookup_elem(&pcpu_hash, &k);
	if (v)
		(*v)++;
	bpf_map_push_elem(&queue, &q, 0);
	bpf_map_push_elem(&stack, &one, 0);
	bpf_map_push_elem(&bloom, &q, 0);
	if (bpf_map_peek_elem(&bloom, &q) == 0)
		return XDP_PASS;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
