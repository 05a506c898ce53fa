// SPDX-License-Identifier: GPL-2.0
/* cgroup_skb ingress/egress accounting (expected attach types). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 ingress_bytes, egress_bytes;
const volatile __u32 max_len = 65535;

SEC("cgroup_skb/ingress")
int count_ingress(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&ingress_bytes, skb->len);
	return 1;
}

SEC("cgroup_skb/egress")
int count_egress(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&egress_bytes, skb->len);
	return skb->len <= max_len;
}

char LICENSE[] SEC("license") = "GPL";
