/*
 * pkt.c - helpers of packet programs: bpf_xdp_adjust_head/meta/tail,
 * bpf_skb_load_bytes/store_bytes and bpf_csum_diff, with the kernel's
 * bounds and error codes (net/core/filter.c).
 *
 * The context argument must be the run's own context (what the verifier
 * guarantees in the kernel); anything else stops an unverified program.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "helpers/helpers.h"
#include "helpers/pkt.h"
#include "util/util.h"

#define TYPE_BIT(t) (1ull << (t))

/* The run's context if r1 is it and the program type is in @types. */
static void *ctx_arg(struct hive_run *run, uint64_t r1, uint64_t types, const char *who)
{
	struct helper_ctx *hc = helper_ctx_of(run);

	if (hc && hc->kctx == (void *)(uintptr_t)r1 && hc->prog_type < 64 &&
	    (types & TYPE_BIT(hc->prog_type)))
		return hc->kctx;
	hive_pr_warn("helper bpf_%s: argument 1 is not the program's context\n", who);
	hive_run_abort(run, -EINVAL);
	return NULL;
}

static struct pkt_xdp *xdp_arg(struct hive_run *run, uint64_t r1, const char *who)
{
	struct pkt_xdp *x = ctx_arg(run, r1, TYPE_BIT(BPF_PROG_TYPE_XDP), who);

	if (x && !pkt_xdp_ok(x)) {
		hive_pr_warn("helper bpf_%s: the XDP context's pointers were overwritten\n", who);
		hive_run_abort(run, -HIVE_EMEM);
		return NULL;
	}
	return x;
}

/* bpf_xdp_adjust_head(xdp, delta): move data by delta; metadata moves along. */
uint64_t helper_xdp_adjust_head(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				uint64_t r5, struct hive_run *run)
{
	struct pkt_xdp *x = xdp_arg(run, r1, "xdp_adjust_head");
	int offset = (int)r2;
	size_t metalen;
	uint8_t *data;

	if (!x)
		return 0;
	metalen = (size_t)(x->data - x->data_meta);
	data = x->data + offset;
	if (data < x->data_hard_start + PKT_XDP_FRAME_HDR + metalen ||
	    data > x->data_end - PKT_ETH_HLEN)
		return (uint64_t)-EINVAL;
	if (metalen)
		memmove(x->data_meta + offset, x->data_meta, metalen);
	x->data_meta += offset;
	x->data = data;
	return 0;
}

/* bpf_xdp_adjust_meta(xdp, delta): grow/shrink metadata in front of data. */
uint64_t helper_xdp_adjust_meta(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				uint64_t r5, struct hive_run *run)
{
	struct pkt_xdp *x = xdp_arg(run, r1, "xdp_adjust_meta");
	uint8_t *meta;
	size_t metalen;

	if (!x)
		return 0;
	meta = x->data_meta + (int)r2;
	if (meta < x->data_hard_start + PKT_XDP_FRAME_HDR || meta > x->data)
		return (uint64_t)-EINVAL;
	metalen = (size_t)(x->data - meta);
	if ((metalen & 3) || metalen > PKT_XDP_META_MAX)
		return (uint64_t)-EACCES;
	x->data_meta = meta;
	return 0;
}

/* bpf_xdp_adjust_tail(xdp, delta): move data_end; grown bytes are zeroed. */
uint64_t helper_xdp_adjust_tail(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				uint64_t r5, struct hive_run *run)
{
	struct pkt_xdp *x = xdp_arg(run, r1, "xdp_adjust_tail");
	int offset = (int)r2;
	uint8_t *end;

	if (!x)
		return 0;
	end = x->data_end + offset;
	if (end > x->hard_end || end < x->data + PKT_ETH_HLEN)
		return (uint64_t)-EINVAL;
	if (offset > 0)
		memset(x->data_end, 0, (size_t)offset);
	x->data_end = end;
	return 0;
}

static struct pkt_skb *skb_arg(struct hive_run *run, uint64_t r1, const char *who)
{
	struct pkt_skb *s = ctx_arg(run, r1,
				    TYPE_BIT(BPF_PROG_TYPE_SCHED_CLS) | TYPE_BIT(BPF_PROG_TYPE_SCHED_ACT) |
				    TYPE_BIT(BPF_PROG_TYPE_SOCKET_FILTER), who);

	if (s && !pkt_skb_ok(s)) {
		hive_pr_warn("helper bpf_%s: the skb context's pointers were overwritten\n", who);
		hive_run_abort(run, -HIVE_EMEM);
		return NULL;
	}
	return s;
}

/* bpf_skb_load_bytes(skb, offset, to, len): copy from skb->data + offset;
 * -EFAULT (to zeroed) when [offset, offset+len) is not inside the packet. */
uint64_t helper_skb_load_bytes(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
			       uint64_t r5, struct hive_run *run)
{
	uint32_t offset = (uint32_t)r2, len = (uint32_t)r4;
	void *to = (void *)(uintptr_t)r3;
	struct pkt_skb *s;

	if (!helper_mem(run, to, len, HIVE_PROT_WRITE, "skb_load_bytes"))
		return 0;
	s = skb_arg(run, r1, "skb_load_bytes");
	if (!s)
		return 0;
	if (offset > INT_MAX || (uint64_t)offset + len > s->view.len) {
		memset(to, 0, len);
		return (uint64_t)-EFAULT;
	}
	memcpy(to, s->data + offset, len);
	return 0;
}

#define F_RECOMPUTE_CSUM 1u   /* BPF_F_RECOMPUTE_CSUM */
#define F_INVALIDATE_HASH 2u  /* BPF_F_INVALIDATE_HASH */

/* bpf_skb_store_bytes(skb, offset, from, len, flags). */
uint64_t helper_skb_store_bytes(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				uint64_t r5, struct hive_run *run)
{
	uint32_t offset = (uint32_t)r2, len = (uint32_t)r4;
	const void *from = (const void *)(uintptr_t)r3;
	struct pkt_skb *s;

	if (!helper_mem(run, from, len, HIVE_PROT_READ, "skb_store_bytes"))
		return 0;
	s = skb_arg(run, r1, "skb_store_bytes");
	if (!s)
		return 0;
	if (r5 & ~(uint64_t)(F_RECOMPUTE_CSUM | F_INVALIDATE_HASH))
		return (uint64_t)-EINVAL;
	if (offset > INT_MAX || (uint64_t)offset + len > s->view.len)
		return (uint64_t)-EFAULT;
	memmove(s->data + offset, from, len);
	if (r5 & F_INVALIDATE_HASH)
		s->view.hash = 0;
	return 0;
}

uint32_t pkt_csum_partial(const void *buf, size_t len, uint32_t seed)
{
	const uint8_t *p = buf;
	uint64_t sum = seed;
	uint32_t w;

	for (; len >= 4; len -= 4, p += 4) {
		memcpy(&w, p, 4);
		sum += w;
	}
	if (len) {
		w = 0;
		memcpy(&w, p, len);
		sum += w;
	}
	while (sum >> 32)
		sum = (sum & 0xffffffffu) + (sum >> 32);
	return (uint32_t)sum;
}

static uint32_t csum_add(uint32_t a, uint32_t b)
{
	a += b;
	return a + (a < b);
}

/*
 * bpf_csum_diff(from, from_size, to, to_size, seed): ones' complement
 * difference of two buffers (sizes multiples of 4), folded the kernel's way
 * (csum_from32to16).
 */
uint64_t helper_csum_diff(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			  struct hive_run *run)
{
	const void *from = (const void *)(uintptr_t)r1, *to = (const void *)(uintptr_t)r3;
	uint32_t from_size = (uint32_t)r2, to_size = (uint32_t)r4, ret = (uint32_t)r5;

	if (((from_size | to_size) & 3) || (uint64_t)from_size + to_size > 512)
		return (uint64_t)-EINVAL;
	if (!helper_mem(run, from, from_size, HIVE_PROT_READ, "csum_diff") ||
	    !helper_mem(run, to, to_size, HIVE_PROT_READ, "csum_diff"))
		return 0;
	if (from_size && to_size)
		ret = csum_add(pkt_csum_partial(to, to_size, ret), ~pkt_csum_partial(from, from_size, 0));
	else if (to_size)
		ret = pkt_csum_partial(to, to_size, ret);
	else if (from_size)
		ret = ~pkt_csum_partial(from, from_size, ~ret);
	ret += (ret >> 16) | (ret << 16);
	return (uint16_t)(ret >> 16);
}
