/*
 * prog_ctx.c - program types: which context accesses are valid and how
 * they are rewritten (the kernel's *_is_valid_access + convert_ctx_access),
 * which helpers each type may call (get_func_proto), and a dataflow pass
 * that finds context accesses when no verifier is plugged in.
 *
 * Context layouts are in helpers/pkt.h: the UAPI struct first, then real
 * pointers. Only the 32-bit data/data_end/data_meta fields are rewritten
 * (to 64-bit loads of the pointers); every other access stays in place.
 */
#include <errno.h>
#include <linux/bpf_perf_event.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kbtf.h"
#include "core/prog.h"
#include "helpers/helper_proto.h"
#include "helpers/pkt.h"
#include "isa/isa.h"
#include "util/util.h"

#define SKB_OFF(f) ((int32_t)offsetof(struct __sk_buff, f))
#define SKB_END(f) ((int32_t)(offsetof(struct __sk_buff, f) + sizeof(((struct __sk_buff *)0)->f)))
#define IN(off, lo, hi) ((off) >= (lo) && (off) < (hi))

static int deny(struct ctx_access *a, char *msg, size_t n)
{
	snprintf(msg, n, "invalid bpf_context access off=%d size=%u", a->off, a->size);
	return -EACCES;
}

static void keep(struct ctx_access *a)
{
	a->new_off = a->off;
	a->new_size = a->size;
}

static bool narrow_ok(uint32_t size)
{
	return size == 1 || size == 2 || size == 4;
}

/* bpf_skb_is_valid_access() + the pointer rewrites. */
static int skb_common(struct ctx_access *a, char *msg, size_t n)
{
	int32_t off = a->off;

	if (off < 0 || off >= (int32_t)sizeof(struct __sk_buff) || off % (int32_t)a->size)
		return deny(a, msg, n);
	if (IN(off, SKB_OFF(cb), SKB_END(cb))) {
		if (off + (int32_t)a->size > SKB_END(cb))
			return deny(a, msg, n);
	} else if (IN(off, SKB_OFF(data), SKB_END(data)) ||
		   IN(off, SKB_OFF(data_end), SKB_END(data_end)) ||
		   IN(off, SKB_OFF(data_meta), SKB_END(data_meta))) {
		if (a->ldsx || a->size != 4)
			return deny(a, msg, n);
		a->new_size = 8;
		if (off == SKB_OFF(data))
			a->new_off = offsetof(struct pkt_skb, data);
		else if (off == SKB_OFF(data_end))
			a->new_off = offsetof(struct pkt_skb, data_end);
		else
			a->new_off = offsetof(struct pkt_skb, data_meta);
		return 0;
	} else if (IN(off, SKB_OFF(tstamp), SKB_END(tstamp)) ||
		   IN(off, SKB_OFF(hwtstamp), SKB_END(hwtstamp))) {
		if (a->size != 8)
			return deny(a, msg, n);
	} else if (IN(off, SKB_OFF(sk), SKB_END(sk))) {
		if (a->write || a->size != 8)
			return deny(a, msg, n);
		snprintf(msg, n, "hive: __sk_buff->sk (socket pointers) is not supported");
		return -EINVAL;
	} else if (IN(off, SKB_OFF(flow_keys), SKB_END(flow_keys))) {
		return deny(a, msg, n);
	} else if (IN(off, SKB_OFF(remote_ip4), SKB_END(local_ip6))) {
		/* the socket's addresses: whole u32 reads only */
		if (a->write || a->size != 4)
			return deny(a, msg, n);
	} else if (off >= SKB_OFF(tstamp_type) && off < SKB_OFF(hwtstamp)) {
		return deny(a, msg, n); /* tstamp_type and padding */
	} else if (a->write ? a->size != 4 : !narrow_ok(a->size)) {
		return deny(a, msg, n);
	}
	keep(a);
	return 0;
}

/* sk_filter_is_valid_access() */
static int ctx_skb_filter(uint32_t attach, struct ctx_access *a, char *msg, size_t n)
{
	int32_t off = a->off;

	if (IN(off, SKB_OFF(tc_classid), SKB_END(tc_classid)) ||
	    IN(off, SKB_OFF(data), SKB_END(data)) || IN(off, SKB_OFF(data_meta), SKB_END(data_meta)) ||
	    IN(off, SKB_OFF(data_end), SKB_END(data_end)) ||
	    IN(off, SKB_OFF(family), SKB_END(local_port)) ||
	    IN(off, SKB_OFF(tstamp), SKB_END(tstamp)) || IN(off, SKB_OFF(wire_len), SKB_END(wire_len)) ||
	    IN(off, SKB_OFF(hwtstamp), SKB_END(hwtstamp)))
		return deny(a, msg, n);
	if (a->write && !IN(off, SKB_OFF(cb), SKB_END(cb)))
		return deny(a, msg, n);
	return skb_common(a, msg, n);
}

/* tc_cls_act_is_valid_access() */
static int ctx_skb_tc(uint32_t attach, struct ctx_access *a, char *msg, size_t n)
{
	int32_t off = a->off;

	if (a->write && !(IN(off, SKB_OFF(mark), SKB_END(mark)) ||
			  IN(off, SKB_OFF(tc_index), SKB_END(tc_index)) ||
			  IN(off, SKB_OFF(priority), SKB_END(priority)) ||
			  IN(off, SKB_OFF(tc_classid), SKB_END(tc_classid)) ||
			  IN(off, SKB_OFF(cb), SKB_END(cb)) ||
			  IN(off, SKB_OFF(tstamp), SKB_END(tstamp)) ||
			  IN(off, SKB_OFF(queue_mapping), SKB_END(queue_mapping))))
		return deny(a, msg, n);
	if (IN(off, SKB_OFF(family), SKB_END(local_port)))
		return deny(a, msg, n);
	return skb_common(a, msg, n);
}

/* xdp_is_valid_access(): 4-byte reads; egress_ifindex for devmap programs only. */
static int ctx_xdp(uint32_t attach, struct ctx_access *a, char *msg, size_t n)
{
	int32_t off = a->off;

	if (off == (int32_t)offsetof(struct xdp_md, egress_ifindex) && attach != BPF_XDP_DEVMAP)
		return deny(a, msg, n);
	if (a->write || off < 0 || off >= (int32_t)sizeof(struct xdp_md) || off % (int32_t)a->size ||
	    a->size != 4)
		return deny(a, msg, n);
	switch (off) {
	case offsetof(struct xdp_md, data):
		a->new_off = offsetof(struct pkt_xdp, data);
		a->new_size = 8;
		return 0;
	case offsetof(struct xdp_md, data_end):
		a->new_off = offsetof(struct pkt_xdp, data_end);
		a->new_size = 8;
		return 0;
	case offsetof(struct xdp_md, data_meta):
		a->new_off = offsetof(struct pkt_xdp, data_meta);
		a->new_size = 8;
		return 0;
	}
	if (a->ldsx)
		return deny(a, msg, n);
	keep(a);
	return 0;
}

/* kprobe_prog_is_valid_access(): aligned reads of struct pt_regs. */
static int ctx_kprobe(uint32_t attach, struct ctx_access *a, char *msg, size_t n)
{
	if (a->off < 0 || a->off >= 168 || a->write || a->off % (int32_t)a->size)
		return deny(a, msg, n);
	keep(a);
	return 0;
}

/* tp_prog_is_valid_access(): aligned reads past the 8-byte common header. */
static int ctx_tracepoint(uint32_t attach, struct ctx_access *a, char *msg, size_t n)
{
	if (a->off < 8 || a->off >= 2048 || a->write || a->off % (int32_t)a->size)
		return deny(a, msg, n);
	keep(a);
	return 0;
}

/* raw_tp_prog_is_valid_access(): aligned reads of 12 u64 arguments. */
static int ctx_raw_tp(uint32_t attach, struct ctx_access *a, char *msg, size_t n)
{
	if (a->off < 0 || a->off >= 96 || a->write || a->off % (int32_t)a->size)
		return deny(a, msg, n);
	keep(a);
	return 0;
}

/* cg_skb_is_valid_access(): no tc_classid, data_meta or wire_len; writes to
 * mark, priority, cb and tstamp only (hive runs as root: data/data_end and
 * tstamp writes are allowed as with CAP_BPF/CAP_SYS_ADMIN). */
static int ctx_skb_cgroup(uint32_t attach, struct ctx_access *a, char *msg, size_t n)
{
	int32_t off = a->off;

	if (IN(off, SKB_OFF(tc_classid), SKB_END(tc_classid)) ||
	    IN(off, SKB_OFF(data_meta), SKB_END(data_meta)) ||
	    IN(off, SKB_OFF(wire_len), SKB_END(wire_len)))
		return deny(a, msg, n);
	if (a->write && !(IN(off, SKB_OFF(mark), SKB_END(mark)) ||
			  IN(off, SKB_OFF(priority), SKB_END(priority)) ||
			  IN(off, SKB_OFF(cb), SKB_END(cb)) ||
			  IN(off, SKB_OFF(tstamp), SKB_END(tstamp))))
		return deny(a, msg, n);
	return skb_common(a, msg, n);
}

/* pe_prog_is_valid_access(): aligned reads of struct bpf_perf_event_data;
 * the registers as whole u64s, sample_period and addr also narrower. */
static int ctx_perf_event(uint32_t attach, struct ctx_access *a, char *msg, size_t n)
{
	int32_t off = a->off;

	if (off < 0 || off >= (int32_t)sizeof(struct bpf_perf_event_data) || a->write ||
	    off % (int32_t)a->size)
		return deny(a, msg, n);
	if (off < (int32_t)offsetof(struct bpf_perf_event_data, sample_period) && a->size != 8)
		return deny(a, msg, n);
	keep(a);
	return 0;
}

/* tracing_prog_is_valid_access() + btf_ctx_access(): reads of the u64
 * argument slots the attach point has (and its return value for fexit,
 * fmod_ret and LSM), at multiples of 8. The per-argument BTF typing of the
 * loaded values is the verifier's business. */
static int ctx_btf_args(uint32_t type, uint32_t attach, struct ctx_access *a, char *msg, size_t n)
{
	const char *fname = "?";
	uint32_t ptrs = 0;
	int slots;

	if (a->off < 0 || a->off >= 12 * 8 || a->write || a->off % (int32_t)a->size)
		return deny(a, msg, n);
	if (a->off % 8) {
		snprintf(msg, n, "func offset %d is not multiple of 8", a->off);
		return -EACCES;
	}
	slots = kbtf_attach_slots(type, attach, a->attach_btf_id, &fname, &ptrs, msg, n);
	if (slots < 0)
		return slots;
	if (a->off / 8 >= slots) {
		snprintf(msg, n, "func '%s' doesn't have %d-th argument", fname, a->off / 8 + 1);
		return -EACCES;
	}
	/* pointer arguments are read whole */
	if ((ptrs >> (a->off / 8) & 1) && a->size != 8)
		return deny(a, msg, n);
	keep(a);
	return 0;
}

static int ctx_tracing(uint32_t attach, struct ctx_access *a, char *msg, size_t n)
{
	return ctx_btf_args(BPF_PROG_TYPE_TRACING, attach, a, msg, n);
}

static int ctx_lsm(uint32_t attach, struct ctx_access *a, char *msg, size_t n)
{
	return ctx_btf_args(BPF_PROG_TYPE_LSM, attach, a, msg, n);
}

#define SKL_OFF(f) ((int32_t)offsetof(struct bpf_sk_lookup, f))
#define SKL_END(f) ((int32_t)(offsetof(struct bpf_sk_lookup, f) + sizeof(((struct bpf_sk_lookup *)0)->f)))

/* sk_lookup_is_valid_access(): reads only; sk/cookie as u64, the u32
 * fields narrower too, remote_port as u16 or (compat) u32, its padding. */
static int ctx_sk_lookup(uint32_t attach, struct ctx_access *a, char *msg, size_t n)
{
	int32_t off = a->off;

	if (off < 0 || off >= (int32_t)sizeof(struct bpf_sk_lookup) || a->write ||
	    off % (int32_t)a->size)
		return deny(a, msg, n);
	if (off == SKL_OFF(sk)) {
		if (a->size != 8)
			return deny(a, msg, n);
	} else if (IN(off, SKL_OFF(remote_port), SKL_OFF(remote_port) + 2)) {
		if (a->size > 2 && !(a->size == 4 && off == SKL_OFF(remote_port)))
			return deny(a, msg, n);
	} else if (IN(off, SKL_OFF(remote_port) + 2, SKL_OFF(local_ip4))) {
		if (a->size > 2)
			return deny(a, msg, n);
	} else if (IN(off, SKL_OFF(family), SKL_END(ingress_ifindex))) {
		if (a->size > 4)
			return deny(a, msg, n);
	} else {
		return deny(a, msg, n);
	}
	keep(a);
	return 0;
}

/* syscall_prog_is_valid_access(): any aligned access below 64 KiB. */
static int ctx_syscall(uint32_t attach, struct ctx_access *a, char *msg, size_t n)
{
	if (a->off < 0 || a->off >= 65535 || a->off % (int32_t)a->size)
		return deny(a, msg, n);
	keep(a);
	return 0;
}

/* ---- helper policy (get_func_proto) --------------------------------------- */

/* bpf_base_func_proto(): what every type may call. */
static bool helpers_base(uint32_t id)
{
	switch (id) {
	case HIVE_HELPER_ID_map_lookup_elem:
	case HIVE_HELPER_ID_map_update_elem:
	case HIVE_HELPER_ID_map_delete_elem:
	case HIVE_HELPER_ID_map_push_elem:
	case HIVE_HELPER_ID_map_pop_elem:
	case HIVE_HELPER_ID_map_peek_elem:
	case HIVE_HELPER_ID_get_prandom_u32:
	case HIVE_HELPER_ID_get_smp_processor_id:
	case HIVE_HELPER_ID_get_numa_node_id:
	case HIVE_HELPER_ID_tail_call:
	case HIVE_HELPER_ID_ktime_get_ns:
	case HIVE_HELPER_ID_ktime_get_boot_ns:
	case HIVE_HELPER_ID_ktime_get_coarse_ns:
	case HIVE_HELPER_ID_ringbuf_output:
	case HIVE_HELPER_ID_ringbuf_reserve:
	case HIVE_HELPER_ID_ringbuf_submit:
	case HIVE_HELPER_ID_ringbuf_discard:
	case HIVE_HELPER_ID_ringbuf_query:
	case HIVE_HELPER_ID_for_each_map_elem:
	case HIVE_HELPER_ID_loop:
	case HIVE_HELPER_ID_strncmp:
	case HIVE_HELPER_ID_spin_lock:
	case HIVE_HELPER_ID_spin_unlock:
	case HIVE_HELPER_ID_jiffies64:
	case HIVE_HELPER_ID_trace_printk:
	case HIVE_HELPER_ID_snprintf:
	case HIVE_HELPER_ID_probe_read_user:
	case HIVE_HELPER_ID_probe_read_kernel:
	case HIVE_HELPER_ID_probe_read_user_str:
	case HIVE_HELPER_ID_probe_read_kernel_str:
	case HIVE_HELPER_ID_strtol:
	case HIVE_HELPER_ID_strtoul:
	case HIVE_HELPER_ID_get_current_pid_tgid:
		return true;
	default:
		return false;
	}
}

/* bpf_tracing_func_proto(): base + current task + compat probe reads. */
static bool helpers_tracing(uint32_t id)
{
	switch (id) {
	case HIVE_HELPER_ID_get_current_uid_gid:
	case HIVE_HELPER_ID_get_current_comm:
	case HIVE_HELPER_ID_probe_read:
	case HIVE_HELPER_ID_probe_read_str:
	case HIVE_HELPER_ID_get_current_task:
	case HIVE_HELPER_ID_get_current_task_btf:
		return true;
	default:
		return helpers_base(id);
	}
}

/* kprobe, tracepoint, raw tracepoint, perf event, tracing (the kernel's
 * tracing_prog_func_proto) and LSM (bpf_lsm_func_proto) programs add their
 * perf_event_output, get_stackid and get_stack variants to the tracing set */
static bool helpers_tracing_events(uint32_t id)
{
	return id == HIVE_HELPER_ID_perf_event_output || id == HIVE_HELPER_ID_get_stackid ||
	       id == HIVE_HELPER_ID_get_stack || helpers_tracing(id);
}

static bool helpers_syscall(uint32_t id)
{
	return helpers_tracing(id);
}

static bool helpers_sk_filter(uint32_t id)
{
	return id == HIVE_HELPER_ID_skb_load_bytes || id == HIVE_HELPER_ID_perf_event_output ||
	       helpers_base(id);
}

/* cg_skb_func_proto() -> sk_filter_func_proto() for the helpers hive has */
static bool helpers_cgroup_skb(uint32_t id)
{
	return helpers_sk_filter(id);
}

/* sk_lookup_func_proto(): perf_event_output and the base set */
static bool helpers_sk_lookup(uint32_t id)
{
	return id == HIVE_HELPER_ID_perf_event_output || helpers_base(id);
}

static bool helpers_tc(uint32_t id)
{
	switch (id) {
	case HIVE_HELPER_ID_skb_load_bytes:
	case HIVE_HELPER_ID_skb_store_bytes:
	case HIVE_HELPER_ID_csum_diff:
	case HIVE_HELPER_ID_perf_event_output:
		return true;
	default:
		return helpers_base(id);
	}
}

static bool helpers_xdp(uint32_t id)
{
	switch (id) {
	case HIVE_HELPER_ID_xdp_adjust_head:
	case HIVE_HELPER_ID_xdp_adjust_meta:
	case HIVE_HELPER_ID_xdp_adjust_tail:
	case HIVE_HELPER_ID_csum_diff:
	case HIVE_HELPER_ID_perf_event_output:
		return true;
	default:
		return helpers_base(id);
	}
}

/* ---- generated lookups ------------------------------------------------------ */

typedef int (*ctx_fn)(uint32_t attach, struct ctx_access *a, char *msg, size_t n);

struct type_desc {
	const char *name;
	uint32_t ctx_size;
	ctx_fn access;
	bool (*helper_ok)(uint32_t id);
};

static const struct type_desc *type_desc(uint32_t type)
{
	static const struct type_desc types[] = {
#define X(ID, NAME, CTX, ACCESS, RUN, HELPERS) [ID] = { #NAME, CTX, ACCESS, HELPERS },
#include "core/prog_types.h"
#undef X
	};

	if (type >= HIVE_ARRAY_SIZE(types) || !types[type].name)
		return NULL;
	return &types[type];
}

const char *prog_type_name(uint32_t type)
{
	const struct type_desc *t = type_desc(type);

	return t ? t->name : "unknown";
}

bool prog_type_known(uint32_t type)
{
	return type_desc(type) != NULL;
}

uint32_t prog_type_ctx_size(uint32_t type)
{
	const struct type_desc *t = type_desc(type);

	return t ? t->ctx_size : 0;
}

bool prog_type_helper_ok(uint32_t type, uint32_t id)
{
	const struct type_desc *t = type_desc(type);

	if (!t)
		return false;
	if (id >= HIVE_HELPER_BUILTIN_MAX)
		return true; /* embedder-registered helpers: any type */
	return t->helper_ok(id);
}

/* Attach types a tracing program may have (bpf_check_attach_target). */
static bool tracing_attach_ok(uint32_t attach)
{
	return attach == BPF_TRACE_RAW_TP || attach == BPF_TRACE_FENTRY ||
	       attach == BPF_TRACE_FEXIT || attach == BPF_MODIFY_RETURN || attach == BPF_TRACE_ITER;
}

int prog_type_check_load(const union bpf_attr *attr, char *msg, size_t msg_size)
{
	uint32_t type = attr->prog_type, attach = attr->expected_attach_type;
	bool sleepable = attr->prog_flags & BPF_F_SLEEPABLE;
	int slots;

	msg[0] = 0;
	switch (type) {
	case BPF_PROG_TYPE_CGROUP_SKB:
		/* bpf_prog_load_check_attach(); no message, as the kernel */
		if (attach != BPF_CGROUP_INET_INGRESS && attach != BPF_CGROUP_INET_EGRESS)
			return -EINVAL;
		break;
	case BPF_PROG_TYPE_SK_LOOKUP:
		if (attach != BPF_SK_LOOKUP)
			return -EINVAL;
		break;
	case BPF_PROG_TYPE_TRACING:
	case BPF_PROG_TYPE_LSM:
		if (type == BPF_PROG_TYPE_TRACING ? !tracing_attach_ok(attach)
						  : attach != BPF_LSM_MAC) {
			snprintf(msg, msg_size, "hive: %s programs with expected_attach_type %u are not supported",
				 prog_type_name(type), attach);
			return -EINVAL;
		}
		if (attr->attach_btf_obj_fd || attr->attach_prog_fd) {
			snprintf(msg, msg_size, "hive: tracing programs attach to vmlinux BTF ids only (attach_btf_obj_fd/attach_prog_fd must be 0)");
			return -EINVAL;
		}
		slots = kbtf_attach_slots(type, attach, attr->attach_btf_id, NULL, NULL, msg, msg_size);
		if (slots < 0)
			return slots;
		break;
	default:
		break;
	}
	/* syscall programs must sleep; fentry/fexit/fmod_ret, iter and LSM may */
	if (type == BPF_PROG_TYPE_SYSCALL && !sleepable) {
		snprintf(msg, msg_size, "Syscall programs can only be sleepable");
		return -EINVAL;
	}
	if (sleepable && type != BPF_PROG_TYPE_SYSCALL && type != BPF_PROG_TYPE_LSM &&
	    !(type == BPF_PROG_TYPE_TRACING && attach != BPF_TRACE_RAW_TP)) {
		snprintf(msg, msg_size, "Only fentry/fexit/fmod_ret, lsm, iter, uprobe, and struct_ops programs can be sleepable");
		return -EINVAL;
	}
	return 0;
}

int prog_ctx_convert(uint32_t type, uint32_t attach_type, struct ctx_access *a, char *msg,
		     size_t msg_size)
{
	const struct type_desc *t = type_desc(type);

	if (!t)
		return -EINVAL;
	return t->access(attach_type, a, msg, msg_size);
}

/* ---- context tracking without a verifier ---------------------------------- */

/* Register/slot states of the scan. */
enum { S_NOT = 0, S_CTX = 1, S_MOD = 2, S_MIX = 3 };
#define NSLOTS 64  /* 8-byte stack slots of the frame */
#define NSTATE (HIVE_NREGS + NSLOTS)

struct scan {
	const struct hive_insn *insns;
	uint32_t cnt;
	uint8_t *st;        /* cnt * NSTATE: state at entry of each pc */
	uint8_t *seen;
	uint8_t *queued;
	uint32_t *work, nwork;
	char *msg;
	size_t msg_size;
};

static uint8_t join1(uint8_t a, uint8_t b)
{
	return a == b ? a : S_MIX;
}

/* Merge @in into the entry state of @pc; queue it when it changed. */
static void flow(struct scan *s, uint32_t pc, const uint8_t *in)
{
	uint8_t *dst = s->st + (size_t)pc * NSTATE;
	bool changed = false;

	if (pc >= s->cnt)
		return;
	if (!s->seen[pc]) {
		memcpy(dst, in, NSTATE);
		s->seen[pc] = 1;
		changed = true;
	} else {
		for (int i = 0; i < NSTATE; i++) {
			uint8_t j = join1(dst[i], in[i]);

			if (j != dst[i]) {
				dst[i] = j;
				changed = true;
			}
		}
	}
	if (changed && !s->queued[pc]) {
		s->queued[pc] = 1;
		s->work[s->nwork++] = pc;
	}
}

static int scan_mem(struct scan *s, uint32_t pc, const uint8_t *st, uint8_t *out, uint8_t *acc)
{
	const struct hive_insn *in = &s->insns[pc];
	const struct isa_desc *d = isa_desc(in->code);
	int base = (d->kind == HIVE_K_LDX || d->kind == HIVE_K_LDXSX) ? in->src : in->dst;
	uint8_t b = st[base];

	if (b == S_NOT)
		return 0;
	if (b == S_MOD) {
		snprintf(s->msg, s->msg_size, "dereference of modified ctx ptr R%d off=%d disallowed",
			 base, in->off);
		return -EACCES;
	}
	if (b == S_MIX) {
		snprintf(s->msg, s->msg_size,
			 "pc %u: R%d may or may not be the context here; hive cannot rewrite this "
			 "access without the verifier", pc, base);
		return -EINVAL;
	}
	if (d->kind == HIVE_K_ATOMIC) {
		snprintf(s->msg, s->msg_size, "BPF_ATOMIC stores into R%d ctx is not allowed", base);
		return -EACCES;
	}
	(void)out;
	acc[pc] = 1;
	return 0;
}

/* Apply instruction @pc to state @st (copied to @out); queue successors. */
static int scan_insn(struct scan *s, uint32_t pc, uint8_t *acc)
{
	const struct hive_insn *in = &s->insns[pc];
	const struct isa_desc *d = isa_desc(in->code);
	uint8_t st[NSTATE], out[NSTATE];
	int err;

	memcpy(st, s->st + (size_t)pc * NSTATE, NSTATE);
	memcpy(out, st, NSTATE);
	switch (d->kind) {
	case HIVE_K_MOV_X:
		/* mov64 copies the pointer; mov32 and movsx make a scalar */
		out[in->dst] = (HIVE_CLASS(in->code) == HIVE_ALU64 && !in->off) ? st[in->src] : S_NOT;
		break;
	case HIVE_K_ALU_K:
	case HIVE_K_ALU_X:
		if (HIVE_CLASS(in->code) == HIVE_ALU64 && st[in->dst] != S_NOT &&
		    ((in->code & 0xf0) == HIVE_ADD || (in->code & 0xf0) == HIVE_SUB))
			out[in->dst] = S_MOD;  /* ctx + offset */
		else
			out[in->dst] = S_NOT;
		break;
	case HIVE_K_DIV_K: case HIVE_K_DIV_X: case HIVE_K_NEG: case HIVE_K_END:
		out[in->dst] = S_NOT;
		break;
	case HIVE_K_LDX:
	case HIVE_K_LDXSX:
		err = scan_mem(s, pc, st, out, acc);
		if (err)
			return err;
		/* a stack reload of a spilled register keeps its state */
		if (in->src == HIVE_REG_FP && in->code == (HIVE_LDX | HIVE_DW | HIVE_MEM) &&
		    in->off < 0 && in->off >= -NSLOTS * 8 && !(in->off % 8))
			out[in->dst] = st[HIVE_NREGS + (-in->off / 8) - 1];
		else
			out[in->dst] = S_NOT;
		break;
	case HIVE_K_ST:
	case HIVE_K_STX:
	case HIVE_K_ATOMIC:
		err = scan_mem(s, pc, st, out, acc);
		if (err)
			return err;
		if (in->dst == HIVE_REG_FP && in->off < 0 && in->off >= -NSLOTS * 8) {
			int slot = HIVE_NREGS + (-in->off - 1) / 8;

			out[slot] = (d->kind == HIVE_K_STX && in->code == (HIVE_STX | HIVE_DW | HIVE_MEM) &&
				     !(in->off % 8)) ? st[in->src] : S_NOT;
		}
		if (d->kind == HIVE_K_ATOMIC && (in->imm & HIVE_FETCH))
			out[in->imm == HIVE_CMPXCHG ? 0 : in->src] = S_NOT;
		break;
	case HIVE_K_LDDW:
		out[in->dst] = S_NOT;
		flow(s, pc + 2, out);
		return 0;
	case HIVE_K_LDABS:
	case HIVE_K_LDIND:
		for (int r = 0; r <= 5; r++)
			out[r] = S_NOT;
		break;
	case HIVE_K_CALL:
		if (in->src == HIVE_PSEUDO_CALL) {
			uint8_t callee[NSTATE];

			memset(callee, S_NOT, sizeof(callee));
			memcpy(callee + 1, st + 1, 5); /* r1..r5 carry over */
			flow(s, pc + 1 + in->imm, callee);
		}
		for (int r = 0; r <= 5; r++)
			out[r] = S_NOT;
		break;
	case HIVE_K_EXIT:
		return 0;
	case HIVE_K_JA:
		flow(s, pc + 1 + in->off, out);
		return 0;
	case HIVE_K_JA32:
		flow(s, pc + 1 + in->imm, out);
		return 0;
	case HIVE_K_JCC_K:
	case HIVE_K_JCC_X:
		flow(s, pc + 1 + in->off, out);
		break;
	default:
		break;
	}
	flow(s, pc + 1, out);
	return 0;
}

int prog_ctx_scan(const struct hive_insn *insns, uint32_t cnt, uint8_t *ctx_access, char *msg,
		  size_t msg_size)
{
	struct scan s = { insns, cnt, NULL, NULL, NULL, NULL, 0, msg, msg_size };
	uint8_t entry[NSTATE];
	int err = -ENOMEM;

	memset(ctx_access, 0, cnt);
	s.st = malloc((size_t)cnt * NSTATE);
	s.seen = calloc(cnt, 1);
	s.queued = calloc(cnt, 1);
	/* a pc is in the queue at most once; states only rise in a lattice of
	 * height 2 per register/slot, so the loop ends */
	s.work = malloc(((size_t)cnt + 1) * sizeof(*s.work));
	if (!s.st || !s.seen || !s.queued || !s.work)
		goto out;
	memset(entry, S_NOT, sizeof(entry));
	entry[1] = S_CTX;
	flow(&s, 0, entry);
	/* callbacks (lddw BPF_PSEUDO_FUNC) start with no context */
	memset(entry, S_NOT, sizeof(entry));
	for (uint32_t pc = 0; pc + 1 < cnt; pc++)
		if (isa_is_lddw(&insns[pc]) && insns[pc].src == HIVE_PSEUDO_FUNC)
			flow(&s, pc + 1 + insns[pc].imm, entry);
	err = 0;
	while (s.nwork && !err) {
		uint32_t pc = s.work[--s.nwork];

		s.queued[pc] = 0;
		err = scan_insn(&s, pc, ctx_access);
	}
out:
	free(s.st);
	free(s.seen);
	free(s.queued);
	free(s.work);
	return err;
}
