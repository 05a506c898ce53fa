/*
 * perf_output.c - bpf_perf_event_output(ctx, map, flags, data, size):
 * append a sample to the per-CPU perf buffer a PERF_EVENT_ARRAY slot
 * refers to (maps/perf_ring.h).
 *
 * As the kernel: flags holds the slot index (BPF_F_INDEX_MASK, or
 * BPF_F_CURRENT_CPU); packet programs (skb and XDP contexts) may also ask
 * for the first BPF_F_CTXLEN_MASK >> 32 packet bytes to be appended to
 * the sample (bpf_skb_event_output / bpf_xdp_event_output), -EFAULT when
 * the packet is shorter; any other flag bit is -EINVAL.
 */
#include <errno.h>

#include "helpers/helpers.h"
#include "helpers/pkt.h"
#include "maps/perf_ring.h"

/* The packet bytes a packet program's context offers, or NULL (not a
 * packet program, or a context whose pointers were overwritten). */
static const uint8_t *ctx_packet(struct hive_run *run, uint64_t r1, uint64_t *len)
{
	struct helper_ctx *hc = helper_ctx_of(run);

	if (!hc || hc->kctx != (void *)(uintptr_t)r1)
		return NULL;
	switch (hc->prog_type) {
	case BPF_PROG_TYPE_SOCKET_FILTER:
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT: {
		struct pkt_skb *s = hc->kctx;

		if (!pkt_skb_ok(s))
			return NULL;
		*len = (uint64_t)(s->data_end - s->data);
		return s->data;
	}
	case BPF_PROG_TYPE_XDP: {
		struct pkt_xdp *x = hc->kctx;

		if (!pkt_xdp_ok(x))
			return NULL;
		*len = (uint64_t)(x->data_end - x->data);
		return x->data;
	}
	default:
		return NULL;
	}
}

static bool packet_prog(struct hive_run *run)
{
	struct helper_ctx *hc = helper_ctx_of(run);

	if (!hc)
		return false;
	return hc->prog_type == BPF_PROG_TYPE_SOCKET_FILTER ||
	       hc->prog_type == BPF_PROG_TYPE_SCHED_CLS ||
	       hc->prog_type == BPF_PROG_TYPE_SCHED_ACT || hc->prog_type == BPF_PROG_TYPE_XDP;
}

/* bpf_perf_event_output(ctx, map, flags, data, size): 0 or -errno. */
uint64_t helper_perf_event_output(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				  uint64_t r5, struct hive_run *run)
{
	struct hive_map *map = helper_map(run, r2, "perf_event_output");
	const void *data = (const void *)(uintptr_t)r4;
	uint64_t allowed = BPF_F_INDEX_MASK, ctxlen, pktlen = 0;
	const uint8_t *pkt = NULL;

	if (!map || !helper_mem(run, data, r5, HIVE_PROT_READ, "perf_event_output"))
		return 0;
	if (packet_prog(run))
		allowed |= BPF_F_CTXLEN_MASK;
	if (r3 & ~allowed)
		return (uint64_t)-EINVAL;
	ctxlen = (r3 & BPF_F_CTXLEN_MASK) >> 32;
	if (ctxlen) {
		pkt = ctx_packet(run, r1, &pktlen);
		if (!pkt || ctxlen > pktlen)
			return (uint64_t)-EFAULT;
	}
	if (map->map_type != BPF_MAP_TYPE_PERF_EVENT_ARRAY)
		return (uint64_t)-EINVAL;
	if (r5 > UINT16_MAX)
		return (uint64_t)-E2BIG; /* a sample's size is a u16 in its header */
	return (uint64_t)(int64_t)perf_ring_output(map, r3 & BPF_F_INDEX_MASK, data, (uint32_t)r5,
						   pkt, (uint32_t)ctxlen);
}
