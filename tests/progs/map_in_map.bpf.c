// SPDX-License-Identifier: GPL-2.0
/* Maps of maps: an array of maps and a hash of maps, with slots filled at
 * load from the declaration (__array(values, ...) = { [i] = &inner }). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct inner_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 8);
	__type(key, __u32);
	__array(values, struct inner_map);
} outer_arr SEC(".maps") = {
	.values = { [0] = &inner_a, [3] = &inner_b },
};

struct inner_hash {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32);
	__type(key, __u32);
	__type(value, __u64);
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct inner_hash);
} outer_hash SEC(".maps");

SEC("xdp")
int mim_lookup(struct xdp_md *ctx)
{
	__u32 k = 3, zero = 0, *v;
	void *inner = bpf_map_lookup_elem(&outer_arr, &k);

	if (!inner)
		return XDP_ABORTED;
	v = bpf_map_lookup_elem(inner, &zero);
	if (!v)
		return XDP_ABORTED;
	(*v)++;
	inner = bpf_map_lookup_elem(&outer_hash, &zero);
	return inner ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
