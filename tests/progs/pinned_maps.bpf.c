// SPDX-License-Identifier: GPL-2.0
/* LIBBPF_PIN_BY_NAME maps: pinned under the pin root at first load,
 * reused (same map) by the next object that declares them. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hive_pinned_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} private_counts SEC(".maps");

SEC("xdp")
int count_pinned(struct xdp_md *ctx)
{
	__u32 k = ctx->ingress_ifindex;
	__u64 one = 1, *v = bpf_map_lookup_elem(&hive_pinned_counts, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&hive_pinned_counts, &k, &one, BPF_NOEXIST);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
