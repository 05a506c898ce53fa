// SPDX-License-Identifier: GPL-2.0
/* Bounce packets back out the same interface with source and destination
 * MAC swapped (samples/bpf xdp2): exercises packet writes and XDP_TX. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

static __always_inline void swap_src_dst_mac(void *data)
{
	unsigned short *p = data;
	unsigned short dst[3];

	dst[0] = p[0];
	dst[1] = p[1];
	dst[2] = p[2];
	p[0] = p[3];
	p[1] = p[4];
	p[2] = p[5];
	p[3] = dst[0];
	p[4] = dst[1];
	p[5] = dst[2];
}

__u64 bounced = 0;

SEC("xdp")
int xdp_bounce(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;

	if (data + sizeof(struct ethhdr) > data_end)
		return XDP_ABORTED;
	swap_src_dst_mac(data);
	__sync_fetch_and_add(&bounced, 1);
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
