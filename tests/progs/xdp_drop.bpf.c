// SPDX-License-Identifier: GPL-2.0
/* The smallest XDP program: drop packets shorter than an Ethernet header,
 * pass the rest (samples/bpf xdp1 in spirit). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_drop_runts(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	if (data + 14 > data_end)
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
