/*
 * pkt.h - the packet contexts hive passes to XDP and socket/tc programs,
 * shared by the packet helpers (pkt.c) and program types (core/prog_ctx.c).
 *
 * Each context starts with the program-visible struct (struct xdp_md,
 * struct __sk_buff) at the same offsets as the UAPI, followed by the real
 * 64-bit pointers. At load time, accesses to the 32-bit data/data_end/
 * data_meta fields are rewritten into 64-bit loads of these pointers (as the
 * kernel's convert_ctx_access rewrites them into loads of xdp_buff/sk_buff
 * members); every other field is read or written in place.
 */
#ifndef HIVE_HELPERS_PKT_H
#define HIVE_HELPERS_PKT_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

#define PKT_ETH_HLEN 14u
#define PKT_PAGE 4096u
#define PKT_XDP_HEADROOM 256u        /* XDP_PACKET_HEADROOM */
#define PKT_XDP_FRAME_HDR 40u        /* sizeof(struct xdp_frame) on x86-64 */
#define PKT_SHINFO 320u              /* SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) */
#define PKT_XDP_META_MAX 252u        /* xdp_metalen_invalid(): <= 255, 4-aligned */
#define PKT_SKB_HEADROOM 64u         /* NET_SKB_PAD + NET_IP_ALIGN (x86-64) */

/* An XDP buffer: struct xdp_md view, then the kernel xdp_buff's pointers. */
struct pkt_xdp {
	struct xdp_md md;            /* offsets 0..23 as the UAPI */
	uint32_t pad[2];
	uint8_t *data;
	uint8_t *data_end;
	uint8_t *data_meta;
	uint8_t *data_hard_start;
	uint8_t *hard_end;           /* data_hard_start + frame size - PKT_SHINFO */
};

/* A socket buffer: struct __sk_buff view, then the sk_buff's pointers. */
struct pkt_skb {
	struct __sk_buff view;       /* offsets 0..191 as the UAPI */
	uint8_t *data;               /* skb->data */
	uint8_t *data_end;           /* skb->data + skb_headlen */
	uint8_t *data_meta;
	uint8_t *head;               /* start of the buffer */
	uint8_t *end;                /* end of the linear buffer */
};

/* Sanity of pointers a program could have overwritten in an unchecked
 * store: helpers use the packet only when this holds. */
static inline int pkt_xdp_ok(const struct pkt_xdp *x)
{
	return x->data_hard_start + PKT_XDP_FRAME_HDR <= x->data_meta &&
	       x->data_meta <= x->data && x->data <= x->data_end && x->data_end <= x->hard_end;
}

static inline int pkt_skb_ok(const struct pkt_skb *s)
{
	return s->head <= s->data && s->data <= s->data_end && s->data_end <= s->end &&
	       (size_t)(s->data_end - s->data) == s->view.len;
}

/* The ones' complement sum of the kernel's csum_partial (x86-64), seeded. */
uint32_t pkt_csum_partial(const void *buf, size_t len, uint32_t seed);

#endif /* HIVE_HELPERS_PKT_H */
