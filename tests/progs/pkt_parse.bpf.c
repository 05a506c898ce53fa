// SPDX-License-Identifier: GPL-2.0
/* Packet parsing the way real XDP and tc programs do it: Ethernet, VLAN
 * tags in a bounded loop, IPv4 with options (variable header length), TCP
 * and UDP ports, an LPM trie of blocked prefixes, per-flow counters in a
 * hash, xdp_adjust_head to pop a VLAN tag, and a tc program reading with
 * skb_load_bytes and marking the packet. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define ETH_P_IP    0x0800
#define ETH_P_8021Q 0x8100

struct lpm_v4 {
	__u32 prefixlen;
	__u32 addr;
};

struct flow {
	__u32 saddr, daddr;
	__u16 sport, dport;
	__u8 proto, pad[3];
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 256);
	__type(key, struct lpm_v4);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} blocked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct flow);
	__type(value, __u64);
} flows SEC(".maps");

SEC("xdp")
int xdp_parse(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct flow f = {};
	struct lpm_v4 key;
	struct iphdr *ip;
	__u16 proto;
	__u64 *cnt, one = 1;
	void *l4;
	int i, off = sizeof(*eth);

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	proto = eth->h_proto;
#pragma unroll
	for (i = 0; i < 2; i++) {
		struct vlan_hdr *vh = data + off;

		if (proto != bpf_htons(ETH_P_8021Q))
			break;
		if ((void *)(vh + 1) > data_end)
			return XDP_DROP;
		proto = vh->h_vlan_encapsulated_proto;
		off += sizeof(*vh);
	}
	if (proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	ip = data + off;
	if ((void *)(ip + 1) > data_end)
		return XDP_DROP;
	if (ip->ihl < 5)
		return XDP_DROP;
	l4 = (void *)ip + ip->ihl * 4;
	key.prefixlen = 32;
	key.addr = ip->saddr;
	if (bpf_map_lookup_elem(&blocked, &key))
		return XDP_DROP;
	f.saddr = ip->saddr;
	f.daddr = ip->daddr;
	f.proto = ip->protocol;
	if (ip->protocol == IPPROTO_TCP) {
		struct tcphdr *th = l4;

		if ((void *)(th + 1) > data_end)
			return XDP_DROP;
		f.sport = th->source;
		f.dport = th->dest;
	} else if (ip->protocol == IPPROTO_UDP) {
		struct udphdr *uh = l4;

		if ((void *)(uh + 1) > data_end)
			return XDP_DROP;
		f.sport = uh->source;
		f.dport = uh->dest;
	}
	cnt = bpf_map_lookup_elem(&flows, &f);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	else
		bpf_map_update_elem(&flows, &f, &one, BPF_ANY);
	return XDP_PASS;
}

SEC("xdp")
int xdp_pop_vlan(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data, copy;
	struct vlan_hdr *vh = data + sizeof(*eth);

	if ((void *)(vh + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_8021Q))
		return XDP_PASS;
	__builtin_memcpy(&copy, eth, sizeof(copy));
	copy.h_proto = vh->h_vlan_encapsulated_proto;
	if (bpf_xdp_adjust_head(ctx, (int)sizeof(*vh)))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	if ((void *)(eth + 1) > data_end)
		return XDP_ABORTED;
	__builtin_memcpy(eth, &copy, sizeof(copy));
	return XDP_PASS;
}

SEC("tc")
int tc_classify(struct __sk_buff *skb)
{
	struct iphdr ip;
	__u16 port;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return 0;
	if (bpf_skb_load_bytes(skb, sizeof(struct ethhdr), &ip, sizeof(ip)))
		return 0;
	if (ip.protocol != IPPROTO_TCP)
		return 0;
	if (bpf_skb_load_bytes(skb, sizeof(struct ethhdr) + ip.ihl * 4 + 2, &port, sizeof(port)))
		return 0;
	if (port == bpf_htons(22))
		skb->mark = 22;
	else
		skb->priority = bpf_ntohs(port) & 7;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
