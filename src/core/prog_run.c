/*
 * prog_run.c - BPF_PROG_TEST_RUN with the kernel's semantics
 * (net/bpf/test_run.c): the per-type setup of the context and packet,
 * data_in/data_out with data_size_out truncation (-ENOSPC), ctx_in/ctx_out,
 * repeat with the average duration in ns, retval, and the same errors.
 *
 * Packet buffers mirror the kernel's: XDP gets a 4 KiB frame with 256
 * bytes of headroom and the skb_shared_info tailroom; skb programs get
 * NET_SKB_PAD headroom, eth_type_trans() sets protocol and pkt_type, and
 * socket filters see the packet from the network header (the Ethernet
 * header comes back zeroed in data_out, as the kernel pushes it back).
 * The context struct and the packet are one allocation, granted to the
 * run as its context region (checked runs stay inside it).
 */
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/attr.h"
#include "core/prog.h"
#include "core/sys.h"
#include "helpers/helpers.h"
#include "helpers/pkt.h"
#include "maps/map.h"
#include "util/util.h"

#define TEST_RUN_END 76u            /* one past test.batch_size */
#define F_TEST_RUN_ON_CPU 1u        /* BPF_F_TEST_RUN_ON_CPU */
#define F_TEST_XDP_LIVE_FRAMES 2u   /* BPF_F_TEST_XDP_LIVE_FRAMES */
#define F_TEST_SKB_CHECKSUM_COMPLETE 4u
#define GSO_LEGACY_MAX_SIZE 65536u
#define GSO_MAX_SEGS 65535u
#define LOOPBACK_IFINDEX 1u

int prog_exec(struct hive_prog *p, void *kctx, size_t ctx_size, uint64_t *r0)
{
	struct helper_ctx hc = { HELPER_CTX_MAGIC, p->def->prog_type, kctx, p->def->name };
	HIVE_VM_RUN_OPTS(opts, .ctx = kctx, .ctx_size = ctx_size, .user = &hc);

	if (p->def->prog_type == BPF_PROG_TYPE_SOCKET_FILTER ||
	    p->def->prog_type == BPF_PROG_TYPE_SCHED_CLS ||
	    p->def->prog_type == BPF_PROG_TYPE_SCHED_ACT) {
		struct pkt_skb *s = kctx;

		opts.pkt = s->data;      /* LD_ABS/LD_IND are relative to skb->data */
		opts.pkt_size = s->view.len;
	}
	return hive_vm_run(p->vm, &opts, r0);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* bpf_test_run(): run @repeat times (0 means 1); retval of the last run,
 * duration = average ns per run. A failing run stops with its error. */
static int test_loop(struct hive_prog *p, void *kctx, size_t ctx_size, uint32_t repeat,
		     uint32_t *retval, uint32_t *duration)
{
	uint64_t t0, dt, r0 = 0;
	int err;

	if (!repeat)
		repeat = 1;
	t0 = now_ns();
	for (uint32_t i = 0; i < repeat; i++) {
		err = prog_exec(p, kctx, ctx_size, &r0);
		if (err)
			return err;
	}
	dt = (now_ns() - t0) / repeat;
	*retval = (uint32_t)r0;
	*duration = dt > UINT32_MAX ? UINT32_MAX : (uint32_t)dt;
	return 0;
}

/* bpf_ctx_init(): NULL when neither ctx_in nor ctx_out; ctx_in bytes past
 * @max must be zero (E2BIG). */
static int ctx_init(const union bpf_attr *attr, uint32_t max, void **ctxp)
{
	const uint8_t *in = (const void *)(uintptr_t)attr->test.ctx_in;
	uint32_t size = attr->test.ctx_size_in;
	uint8_t *ctx;

	*ctxp = NULL;
	if (!attr->test.ctx_in && !attr->test.ctx_out)
		return 0;
	ctx = calloc(1, max);
	if (!ctx)
		return -ENOMEM;
	if (in) {
		if (size > PKT_PAGE) {
			free(ctx);
			return -E2BIG;
		}
		for (uint32_t i = max; i < size; i++) {
			uint8_t b;

			if (probe_mem(&b, in + i, 1)) {
				free(ctx);
				return -EFAULT;
			}
			if (b) {
				free(ctx);
				return -E2BIG;
			}
		}
		if (probe_mem(ctx, in, size < max ? size : max)) {
			free(ctx);
			return -EFAULT;
		}
	}
	*ctxp = ctx;
	return 0;
}

/* bpf_test_finish(): data_out (clamped to data_size_out: -ENOSPC), sizes, retval, duration. */
static int test_finish(union bpf_attr *attr, const void *data, uint32_t size, uint32_t retval,
		       uint32_t duration)
{
	uint32_t copy = size;
	int err = 0;

	if (attr->test.data_size_out && copy > attr->test.data_size_out) {
		copy = attr->test.data_size_out;
		err = -ENOSPC;
	}
	if (attr->test.data_out && probe_write((void *)(uintptr_t)attr->test.data_out, data, copy))
		return -EFAULT;
	attr->test.data_size_out = size;
	attr->test.retval = retval;
	attr->test.duration = duration;
	return err;
}

/* bpf_ctx_finish() */
static int ctx_finish(union bpf_attr *attr, const void *ctx, uint32_t size)
{
	uint32_t copy = size;
	int err = 0;

	if (!ctx || !attr->test.ctx_out)
		return 0;
	if (copy > attr->test.ctx_size_out) {
		copy = attr->test.ctx_size_out;
		err = -ENOSPC;
	}
	if (probe_write((void *)(uintptr_t)attr->test.ctx_out, ctx, copy))
		return -EFAULT;
	attr->test.ctx_size_out = size;
	return err;
}

static bool range_zero(const void *buf, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (((const uint8_t *)buf)[i])
			return false;
	return true;
}

/* ---- XDP --------------------------------------------------------------------- */

static int run_xdp(struct hive_prog *p, union bpf_attr *attr)
{
	uint32_t headroom = PKT_XDP_HEADROOM, tailroom = PKT_SHINFO, meta = 0, max_linear;
	uint32_t size_in = attr->test.data_size_in, linear = size_in, retval = 0, duration = 0;
	struct xdp_md *ctx = NULL;
	struct pkt_xdp *x = NULL;
	uint8_t *frame, *frags = NULL;
	uint32_t frags_len = 0, size;
	int err;

	if (p->def->expected_attach_type == BPF_XDP_DEVMAP ||
	    p->def->expected_attach_type == BPF_XDP_CPUMAP)
		return -EINVAL;
	if (attr->test.flags & ~F_TEST_XDP_LIVE_FRAMES)
		return -EINVAL;
	if (attr->test.flags & F_TEST_XDP_LIVE_FRAMES) {
		hive_pr_warn("prog_test_run: BPF_F_TEST_XDP_LIVE_FRAMES is not supported by hive\n");
		return -EOPNOTSUPP;
	}
	if (attr->test.batch_size)
		return -EINVAL;
	err = ctx_init(attr, sizeof(struct xdp_md), (void **)&ctx);
	if (err)
		return err;
	err = -EINVAL;
	if (ctx) {
		/* no user data before the metadata */
		if (ctx->data_meta || ctx->data_end > size_in || ctx->data > ctx->data_end)
			goto out;
		meta = ctx->data;
		if ((meta & 3) || meta > PKT_XDP_META_MAX || meta > headroom - PKT_XDP_FRAME_HDR)
			goto out;
		headroom -= meta;
		linear = ctx->data_end;
	}
	max_linear = PKT_PAGE - headroom - tailroom;
	if (linear > max_linear)
		linear = max_linear;
	if (size_in - meta < PKT_ETH_HLEN)
		goto out;
	x = calloc(1, sizeof(*x) + PKT_PAGE);
	if (!x) {
		err = -ENOMEM;
		goto out;
	}
	frame = (uint8_t *)(x + 1);
	if (probe_mem(frame + headroom, (const void *)(uintptr_t)attr->test.data_in, linear)) {
		err = -EFAULT;
		goto out;
	}
	x->data_hard_start = frame;
	x->data_meta = frame + headroom;
	x->data = x->data_meta;
	x->data_end = x->data + linear;
	x->hard_end = frame + PKT_PAGE - tailroom;
	x->md.ingress_ifindex = LOOPBACK_IFINDEX;
	if (ctx) {
		if (ctx->egress_ifindex)
			goto out;
		if (!ctx->ingress_ifindex && ctx->rx_queue_index)
			goto out;
		if (ctx->ingress_ifindex) {
			char ifname[IF_NAMESIZE];

			if (!if_indextoname(ctx->ingress_ifindex, ifname)) {
				err = -ENODEV;
				goto out;
			}
			x->md.ingress_ifindex = ctx->ingress_ifindex;
			x->md.rx_queue_index = ctx->rx_queue_index;
		}
		x->data = x->data_meta + ctx->data;
	}
	if (size_in > linear) {
		/* the kernel puts the rest in page fragments the program cannot
		 * reach directly; they come back in data_out */
		frags_len = size_in - linear;
		frags = malloc(frags_len);
		if (!frags) {
			err = -ENOMEM;
			goto out;
		}
		if (probe_mem(frags, (const uint8_t *)(uintptr_t)attr->test.data_in + linear, frags_len)) {
			err = -EFAULT;
			goto out;
		}
	}
	err = test_loop(p, x, sizeof(*x) + PKT_PAGE, attr->test.repeat, &retval, &duration);
	if (ctx) {
		ctx->data = (uint32_t)(x->data - x->data_meta);
		ctx->data_end = (uint32_t)(x->data_end - x->data_meta);
	}
	if (err)
		goto out;
	size = (uint32_t)(x->data_end - x->data_meta);
	if (frags_len) {
		uint8_t *all = malloc(size + frags_len);

		if (!all) {
			err = -ENOMEM;
			goto out;
		}
		memcpy(all, x->data_meta, size);
		memcpy(all + size, frags, frags_len);
		err = test_finish(attr, all, size + frags_len, retval, duration);
		free(all);
	} else {
		err = test_finish(attr, x->data_meta, size, retval, duration);
	}
	if (!err)
		err = ctx_finish(attr, ctx, sizeof(*ctx));
out:
	free(frags);
	free(x);
	free(ctx);
	return err;
}

/* ---- socket filter, tc --------------------------------------------------------- */

/* convert___skb_to_skb(): only these fields may be set in ctx_in. */
static int skb_ctx_in(struct pkt_skb *s, const struct __sk_buff *c)
{
#define OFF(f) offsetof(struct __sk_buff, f)
#define END(f) (offsetof(struct __sk_buff, f) + sizeof(c->f))
	if (!range_zero(c, 0, OFF(mark)) || !range_zero(c, END(mark), OFF(priority)) ||
	    !range_zero(c, END(ifindex), OFF(cb)) || !range_zero(c, END(cb), OFF(tstamp)) ||
	    !range_zero(c, END(gso_segs), OFF(gso_size)) ||
	    !range_zero(c, END(gso_size), OFF(hwtstamp)) ||
	    !range_zero(c, END(hwtstamp), sizeof(*c)))
		return -EINVAL;
#undef OFF
#undef END
	s->view.mark = c->mark;
	s->view.priority = c->priority;
	s->view.ingress_ifindex = c->ingress_ifindex;
	s->view.tstamp = c->tstamp;
	memcpy(s->view.cb, c->cb, sizeof(c->cb));
	if (c->wire_len) {
		if (c->wire_len < s->view.len || c->wire_len > GSO_LEGACY_MAX_SIZE)
			return -EINVAL;
		s->view.wire_len = c->wire_len;
	}
	if (c->gso_segs > GSO_MAX_SEGS)
		return -EINVAL;
	s->view.gso_segs = c->gso_segs;
	s->view.gso_size = c->gso_size;
	s->view.hwtstamp = c->hwtstamp;
	return 0;
}

/* convert_skb_to___skb() */
static void skb_ctx_out(const struct pkt_skb *s, struct __sk_buff *c)
{
	c->mark = s->view.mark;
	c->priority = s->view.priority;
	c->ingress_ifindex = s->view.ingress_ifindex;
	c->ifindex = s->view.ifindex;
	c->tstamp = s->view.tstamp;
	memcpy(c->cb, s->view.cb, sizeof(c->cb));
	c->wire_len = s->view.wire_len;
	c->gso_segs = s->view.gso_segs;
	c->hwtstamp = s->view.hwtstamp;
}

/* eth_type_trans() on the loopback device, whose address and broadcast
 * address are all zero: pkt_type and protocol. */
static void eth_type_trans(struct pkt_skb *s, const uint8_t *eth, uint32_t size)
{
	static const uint8_t zero[6];
	uint16_t proto = (uint16_t)(eth[12] << 8 | eth[13]);

	if (eth[0] & 1)
		s->view.pkt_type = 2; /* PACKET_MULTICAST (ff:ff:.. is not lo's broadcast) */
	else if (memcmp(eth, zero, 6))
		s->view.pkt_type = 3; /* PACKET_OTHERHOST */
	if (proto >= 0x600)
		;
	else if (size >= PKT_ETH_HLEN + 2 && eth[14] == 0xff && eth[15] == 0xff)
		proto = 0x0001; /* ETH_P_802_3 */
	else
		proto = 0x0004; /* ETH_P_802_2 */
	/* skb->protocol is big-endian; the program reads the raw u16 */
	s->view.protocol = (uint32_t)(uint16_t)((proto >> 8) | (proto << 8));
}

/*
 * The socket the kernel's test run attaches to the skb (sk_alloc +
 * sock_init_data, then family and addresses from the network header):
 * what cgroup_skb programs read through family, remote_ip4/6, local_ip4/6
 * (ports stay 0). @net is the network header (skb->data after the pull).
 */
static void skb_sock_fields(struct pkt_skb *s, const uint8_t *net)
{
	if (s->view.protocol == 0x0008) {          /* ETH_P_IP, big-endian */
		s->view.family = 2;                /* AF_INET */
		memcpy(&s->view.local_ip4, net + 12, 4);
		memcpy(&s->view.remote_ip4, net + 16, 4);
	} else if (s->view.protocol == 0xdd86) {   /* ETH_P_IPV6 */
		s->view.family = 10;               /* AF_INET6 */
		memcpy(s->view.local_ip6, net + 8, 16);
		memcpy(s->view.remote_ip6, net + 24, 16);
	}
}

static int run_skb(struct hive_prog *p, union bpf_attr *attr)
{
	uint32_t type = p->def->prog_type, size = attr->test.data_size_in, retval = 0, duration = 0;
	bool l2 = type == BPF_PROG_TYPE_SCHED_CLS || type == BPF_PROG_TYPE_SCHED_ACT;
	struct __sk_buff *ctx = NULL;
	struct pkt_skb *s;
	uint8_t *buf;
	size_t total;
	int err;

	if ((attr->test.flags & ~F_TEST_SKB_CHECKSUM_COMPLETE) || attr->test.cpu ||
	    attr->test.batch_size)
		return -EINVAL;
	if (size < PKT_ETH_HLEN)
		return -EINVAL;
	if (size > PKT_PAGE - PKT_SKB_HEADROOM - PKT_SHINFO)
		return -EINVAL;
	if (attr->test.flags & F_TEST_SKB_CHECKSUM_COMPLETE) {
		hive_pr_warn("prog_test_run: BPF_F_TEST_SKB_CHECKSUM_COMPLETE is not supported by hive\n");
		return -EOPNOTSUPP;
	}
	total = sizeof(*s) + PKT_SKB_HEADROOM + ((size + 63u) & ~63u) + PKT_SHINFO;
	s = calloc(1, total);
	if (!s)
		return -ENOMEM;
	buf = (uint8_t *)(s + 1);
	if (probe_mem(buf + PKT_SKB_HEADROOM, (const void *)(uintptr_t)attr->test.data_in, size)) {
		err = -EFAULT;
		goto out;
	}
	err = ctx_init(attr, sizeof(struct __sk_buff), (void **)&ctx);
	if (err)
		goto out;
	s->head = buf;
	s->end = buf + total - sizeof(*s) - PKT_SHINFO;
	s->data = buf + PKT_SKB_HEADROOM;
	s->view.len = size;
	s->view.ifindex = LOOPBACK_IFINDEX;
	if (ctx && ctx->ifindex > 1) {
		char ifname[IF_NAMESIZE];

		if (!if_indextoname(ctx->ifindex, ifname)) {
			err = -ENODEV;
			goto out;
		}
		s->view.ifindex = ctx->ifindex;
	}
	eth_type_trans(s, s->data, size);
	/* an IPv4/IPv6 packet must hold its network header */
	if ((s->view.protocol == 0x0008 && size < PKT_ETH_HLEN + 20) ||
	    (s->view.protocol == 0xdd86 && size < PKT_ETH_HLEN + 40)) {
		err = -EINVAL;
		goto out;
	}
	/* __skb_pull of the Ethernet header; tc programs get it pushed back */
	if (!l2) {
		s->data += PKT_ETH_HLEN;
		s->view.len -= PKT_ETH_HLEN;
	}
	s->data_end = s->data + s->view.len;
	s->data_meta = s->data;
	s->view.wire_len = s->view.len;
	if (type == BPF_PROG_TYPE_CGROUP_SKB)
		skb_sock_fields(s, s->data);
	if (ctx) {
		err = skb_ctx_in(s, ctx);
		if (err)
			goto out;
	}
	err = test_loop(p, s, total, attr->test.repeat, &retval, &duration);
	if (err)
		goto out;
	if (!pkt_skb_ok(s)) {
		err = -EFAULT;
		goto out;
	}
	if (!l2) {
		s->data -= PKT_ETH_HLEN;
		s->view.len += PKT_ETH_HLEN;
		memset(s->data, 0, PKT_ETH_HLEN);
	}
	if (ctx)
		skb_ctx_out(s, ctx);
	err = test_finish(attr, s->data, s->view.len, retval, duration);
	if (!err)
		err = ctx_finish(attr, ctx, sizeof(*ctx));
out:
	free(ctx);
	free(s);
	return err;
}

/* ---- raw tracepoint, syscall ----------------------------------------------------- */

static int run_raw_tp(struct hive_prog *p, union bpf_attr *attr)
{
	uint32_t size = attr->test.ctx_size_in, retval = 0, duration;
	int cpu = (int)attr->test.cpu, cur = sched_getcpu(), err;
	uint64_t ctx[12] = { 0 };
	cpu_set_t old, one;

	if (attr->test.data_in || attr->test.data_out || attr->test.ctx_out ||
	    attr->test.duration || attr->test.repeat || attr->test.batch_size)
		return -EINVAL;
	if (size < p->def->max_ctx_offset || size > sizeof(ctx))
		return -EINVAL;
	if (!(attr->test.flags & F_TEST_RUN_ON_CPU) && cpu != 0)
		return -EINVAL;
	if (size && probe_mem(ctx, (const void *)(uintptr_t)attr->test.ctx_in, size))
		return -EFAULT;
	if ((attr->test.flags & F_TEST_RUN_ON_CPU) && cpu != cur) {
		/* run on the requested CPU, as smp_call_function_single() */
		if (cpu < 0 || cpu >= CPU_SETSIZE || sched_getaffinity(0, sizeof(old), &old))
			return -ENXIO;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			return -ENXIO;
		err = test_loop(p, size ? ctx : NULL, size, 1, &retval, &duration);
		sched_setaffinity(0, sizeof(old), &old);
	} else {
		err = test_loop(p, size ? ctx : NULL, size, 1, &retval, &duration);
	}
	if (err)
		return err;
	attr->test.retval = retval;
	return 0;
}

static int run_syscall(struct hive_prog *p, union bpf_attr *attr)
{
	uint32_t size = attr->test.ctx_size_in, retval = 0, duration;
	void *ctx = NULL;
	int err;

	if (attr->test.data_in || attr->test.data_out || attr->test.ctx_out ||
	    attr->test.duration || attr->test.repeat || attr->test.flags || attr->test.batch_size)
		return -EINVAL;
	if (size < p->def->max_ctx_offset || size > 65535)
		return -EINVAL;
	if (size) {
		ctx = malloc(size);
		if (!ctx)
			return -ENOMEM;
		if (probe_mem(ctx, (const void *)(uintptr_t)attr->test.ctx_in, size)) {
			free(ctx);
			return -EFAULT;
		}
	}
	err = test_loop(p, ctx, size, 1, &retval, &duration);
	if (!err) {
		attr->test.retval = retval;
		if (size && probe_write((void *)(uintptr_t)attr->test.ctx_in, ctx, size))
			err = -EFAULT;
	}
	free(ctx);
	return err;
}

/* ---- tracing ------------------------------------------------------------------------ */

/*
 * bpf_prog_test_run_tracing(): the kernel calls its bpf_fentry_test*() /
 * bpf_modify_return_test*() functions, which run the program only when it
 * is attached to them; a test run never attaches it, so the program does
 * not run. retval is what those functions return: 0 for fentry/fexit, and
 * for fmod_ret side_effect << 16 | ret (bpf_modify_return_test(1, &b) with
 * b = 2 returns 4 and bumps b; bpf_modify_return_test2(1, &b, 3, 4, 5, 6, 7)
 * returns 29 and bumps b). Other attach types (tp_btf, iter): -EFAULT.
 */
static int run_tracing(struct hive_prog *p, union bpf_attr *attr)
{
	uint32_t retval;

	if (attr->test.flags || attr->test.cpu || attr->test.batch_size)
		return -EINVAL;
	switch (p->def->expected_attach_type) {
	case BPF_TRACE_FENTRY:
	case BPF_TRACE_FEXIT:
		retval = 0;
		break;
	case BPF_MODIFY_RETURN:
		retval = 2u << 16 | (4u + 29u);
		break;
	default:
		return -EFAULT;
	}
	attr->test.retval = retval;
	return 0;
}

/* ---- sk_lookup ------------------------------------------------------------------------ */

/*
 * bpf_prog_test_run_sk_lookup(): a struct bpf_sk_lookup in ctx_in (no
 * socket, nothing past local_port, local_port <= 65535, AF_INET or
 * AF_INET6), no data. The program sees family and protocol as u16, the
 * ports and addresses as given. hive has no sockets to select, so the
 * cookie comes back 0 (bpf_sk_assign is not available to programs).
 */
static int run_sk_lookup(struct hive_prog *p, union bpf_attr *attr)
{
	uint32_t retval = 0, duration = 0;
	struct bpf_sk_lookup *user = NULL, ctx;
	int err;

	if (attr->test.flags || attr->test.cpu || attr->test.batch_size)
		return -EINVAL;
	if (attr->test.data_in || attr->test.data_size_in || attr->test.data_out ||
	    attr->test.data_size_out)
		return -EINVAL;
	err = ctx_init(attr, sizeof(*user), (void **)&user);
	if (err)
		return err;
	err = -EINVAL;
	if (!user || user->sk ||
	    !range_zero(user, offsetof(struct bpf_sk_lookup, local_port) + 4, sizeof(*user)))
		goto out;
	if (user->local_port > 65535) {
		err = -ERANGE;
		goto out;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.family = (uint16_t)user->family;
	ctx.protocol = (uint16_t)user->protocol;
	ctx.remote_port = user->remote_port;
	ctx.local_port = (uint16_t)user->local_port;
	if (ctx.family == 2) {          /* AF_INET */
		ctx.remote_ip4 = user->remote_ip4;
		ctx.local_ip4 = user->local_ip4;
	} else if (ctx.family == 10) {  /* AF_INET6 */
		memcpy(ctx.remote_ip6, user->remote_ip6, sizeof(ctx.remote_ip6));
		memcpy(ctx.local_ip6, user->local_ip6, sizeof(ctx.local_ip6));
	} else {
		err = -EAFNOSUPPORT;
		goto out;
	}
	err = test_loop(p, &ctx, sizeof(ctx), attr->test.repeat, &retval, &duration);
	if (err)
		goto out;
	err = test_finish(attr, NULL, 0, retval, duration);
	if (!err)
		err = ctx_finish(attr, user, sizeof(*user));
out:
	free(user);
	return err;
}

/* ---- dispatch ------------------------------------------------------------------------ */

typedef int (*run_fn)(struct hive_prog *p, union bpf_attr *attr);

int prog_run_test(struct hive_prog *p, union bpf_attr *attr)
{
	static const run_fn runs[] = {
#define NONE NULL
#define X(ID, NAME, CTX, ACCESS, RUN, HELPERS) [ID] = RUN,
#include "core/prog_types.h"
#undef X
#undef NONE
	};
	uint32_t type = p->def->prog_type;

	if (type >= HIVE_ARRAY_SIZE(runs) || !runs[type])
		return -HIVE_ENOTSUPP; /* the kernel's -ENOTSUPP: no test_run */
	return runs[type](p, attr);
}

int prog_cmd_test_run(union bpf_attr *attr)
{
	struct hive_prog *p;
	int err;

	if (attr_tail_nonzero(attr, TEST_RUN_END))
		return -EINVAL;
	if (!!attr->test.ctx_size_in != !!attr->test.ctx_in ||
	    !!attr->test.ctx_size_out != !!attr->test.ctx_out)
		return -EINVAL;
	err = prog_from_fd((int)attr->test.prog_fd, &p);
	if (err)
		return err;
	err = prog_run_test(p, attr);
	obj_put(&p->obj);
	return err;
}
