// SPDX-License-Identifier: GPL-2.0
/* bpf_spin_lock in a map value: the map needs its BTF value type. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct locked_val {
	struct bpf_spin_lock lock;
	__u64 count;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct locked_val);
} stats SEC(".maps");

SEC("tc")
int locked_count(struct __sk_buff *skb)
{
	__u32 k = skb->ifindex & 15;
	struct locked_val *v = bpf_map_lookup_elem(&stats, &k);

	if (!v) {
		struct locked_val init = {};

		bpf_map_update_elem(&stats, &k, &init, BPF_NOEXIST);
		return 0;
	}
	bpf_spin_lock(&v->lock);
	v->count++;
	v->bytes += skb->len;
	bpf_spin_unlock(&v->lock);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
