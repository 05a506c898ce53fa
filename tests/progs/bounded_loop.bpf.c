// SPDX-License-Identifier: GPL-2.0
/* Bounded loops and a checksum over packet bytes (verifier-friendly). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_BYTES 256

__u32 last_sum;

static __noinline __u32 fold(__u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

SEC("xdp")
int csum_bytes(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 sum = 0;
	int i;

	for (i = 0; i < MAX_BYTES; i++) {
		__u8 *p = data + i;

		if ((void *)(p + 1) > data_end)
			break;
		sum += *p;
	}
	last_sum = fold(sum);
	return last_sum & 1 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
