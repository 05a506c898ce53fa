// SPDX-License-Identifier: GPL-2.0
/* Drop IPv4 packets whose source is in a blocklist (LPM trie of prefixes)
 * or whose destination port is in a hash of closed ports. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct lpm_v4_key {
	__u32 prefixlen;
	__u32 addr;
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1024);
	__type(key, struct lpm_v4_key);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} blocked_src SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u16);
	__type(value, __u8);
} closed_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, __u64);
} verdicts SEC(".maps");

static __always_inline void count(__u32 v)
{
	__u64 *c = bpf_map_lookup_elem(&verdicts, &v);

	if (c)
		__sync_fetch_and_add(c, 1);
}

SEC("xdp")
int xdp_filter_v4(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;
	struct lpm_v4_key key;
	struct iphdr *ip;
	__u16 dport = 0;

	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP)) {
		count(0);
		return XDP_PASS;
	}
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return XDP_DROP;
	key.prefixlen = 32;
	key.addr = ip->saddr;
	if (bpf_map_lookup_elem(&blocked_src, &key)) {
		count(1);
		return XDP_DROP;
	}
	if (ip->ihl != 5)
		return XDP_PASS;
	if (ip->protocol == IPPROTO_UDP) {
		struct udphdr *udp = (void *)(ip + 1);

		if ((void *)(udp + 1) > data_end)
			return XDP_DROP;
		dport = bpf_ntohs(udp->dest);
	} else if (ip->protocol == IPPROTO_TCP) {
		struct tcphdr *tcp = (void *)(ip + 1);

		if ((void *)(tcp + 1) > data_end)
			return XDP_DROP;
		dport = bpf_ntohs(tcp->dest);
	}
	if (dport && bpf_map_lookup_elem(&closed_ports, &dport)) {
		count(2);
		return XDP_DROP;
	}
	count(0);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
