/*
 * ctx.c - what depends on the program type: the layout of the context and
 * which accesses to it are valid (the kernel's is_valid_access callbacks),
 * which fields yield packet pointers, the checks on the return value at
 * program exit, and which helpers the type may call (helper_avail.h,
 * probed from Linux 6.18).
 *
 * Supported types: SOCKET_FILTER, KPROBE, SCHED_CLS, SCHED_ACT, TRACEPOINT,
 * XDP, PERF_EVENT, CGROUP_SKB, RAW_TRACEPOINT and SYSCALL.
 */
#include <errno.h>

#include "verifier/env.h"

enum {
	PT_SOCKET_FILTER = 1,
	PT_KPROBE = 2,
	PT_SCHED_CLS = 3,
	PT_SCHED_ACT = 4,
	PT_TRACEPOINT = 5,
	PT_XDP = 6,
	PT_PERF_EVENT = 7,
	PT_CGROUP_SKB = 8,
	PT_RAW_TRACEPOINT = 17,
	PT_SYSCALL = 31,
};

#define BPF_XDP_DEVMAP          29
#define BPF_CGROUP_INET_EGRESS  1

/* struct __sk_buff offsets (uapi) */
enum {
	SKB_LEN = 0, SKB_PKT_TYPE = 4, SKB_MARK = 8, SKB_QUEUE_MAPPING = 12, SKB_PROTOCOL = 16,
	SKB_VLAN_PRESENT = 20, SKB_VLAN_TCI = 24, SKB_VLAN_PROTO = 28, SKB_PRIORITY = 32,
	SKB_INGRESS_IFINDEX = 36, SKB_IFINDEX = 40, SKB_TC_INDEX = 44, SKB_CB = 48,
	SKB_HASH = 68, SKB_TC_CLASSID = 72, SKB_DATA = 76, SKB_DATA_END = 80, SKB_NAPI_ID = 84,
	SKB_FAMILY = 88, SKB_REMOTE_IP4 = 92, SKB_LOCAL_IP4 = 96, SKB_REMOTE_IP6 = 100,
	SKB_LOCAL_IP6 = 116, SKB_REMOTE_PORT = 132, SKB_LOCAL_PORT = 136, SKB_DATA_META = 140,
	SKB_FLOW_KEYS = 144, SKB_TSTAMP = 152, SKB_WIRE_LEN = 160, SKB_GSO_SEGS = 164,
	SKB_SK = 168, SKB_GSO_SIZE = 176, SKB_TSTAMP_TYPE = 180, SKB_HWTSTAMP = 184,
	SKB_SIZE = 192,
};

/* off within [start, start + size) */
#define IN(off, start, size) ((off) >= (start) && (off) < (start) + (size))

/* bpf_skb_is_valid_access: the checks shared by every __sk_buff user */
static bool skb_valid(int off, int size, enum access_type t, struct ctx_access *info)
{
	if (off < 0 || off >= SKB_SIZE)
		return false;
	if (off % size != 0)
		return false;
	if (IN(off, SKB_CB, 20)) {
		if (off + size > SKB_CB + 20)
			return false;
	} else if (IN(off, SKB_REMOTE_IP6, 16) || IN(off, SKB_LOCAL_IP6, 16) ||
		   IN(off, SKB_REMOTE_IP4, 4) || IN(off, SKB_LOCAL_IP4, 4) ||
		   IN(off, SKB_DATA, 4) || IN(off, SKB_DATA_META, 4) || IN(off, SKB_DATA_END, 4)) {
		if (size != 4)
			return false;
	} else if (IN(off, SKB_FLOW_KEYS, 8)) {
		return false;
	} else if (IN(off, SKB_HWTSTAMP, 8)) {
		if (t == BPF_WRITE || size != 8)
			return false;
	} else if (IN(off, SKB_TSTAMP, 8)) {
		if (size != 8)
			return false;
	} else if (off == SKB_SK) {
		if (t == BPF_WRITE || size != 8)
			return false;
		info->reg_type = PTR_TO_SOCK_COMMON | PTR_MAYBE_NULL;
	} else if (off == SKB_TSTAMP_TYPE) {
		return false;
	} else if (off > SKB_TSTAMP_TYPE && off < SKB_HWTSTAMP) {
		return false;
	} else {
		/* u32 fields: writes whole, reads narrow down to a byte */
		if (t == BPF_WRITE) {
			if (size != 4)
				return false;
		} else {
			info->ctx_field_size = 4;
			if (size > 4 || (size & (size - 1)))
				return false;
		}
	}
	return true;
}

static bool sk_filter_valid(int off, int size, enum access_type t, struct ctx_access *info)
{
	if (IN(off, SKB_TC_CLASSID, 4) || IN(off, SKB_DATA, 4) || IN(off, SKB_DATA_META, 4) ||
	    IN(off, SKB_DATA_END, 4) || (off >= SKB_FAMILY && off < SKB_LOCAL_PORT + 4) ||
	    IN(off, SKB_TSTAMP, 8) || IN(off, SKB_WIRE_LEN, 4) || IN(off, SKB_HWTSTAMP, 8))
		return false;
	if (t == BPF_WRITE && !IN(off, SKB_CB, 20))
		return false;
	return skb_valid(off, size, t, info);
}

static bool tc_cls_act_valid(int off, int size, enum access_type t, struct ctx_access *info)
{
	if (t == BPF_WRITE) {
		if (!(IN(off, SKB_MARK, 4) || IN(off, SKB_TC_INDEX, 4) || IN(off, SKB_PRIORITY, 4) ||
		      IN(off, SKB_TC_CLASSID, 4) || IN(off, SKB_CB, 20) || IN(off, SKB_TSTAMP, 8) ||
		      IN(off, SKB_QUEUE_MAPPING, 4)))
			return false;
	}
	if (IN(off, SKB_DATA, 4))
		info->reg_type = PTR_TO_PACKET;
	else if (IN(off, SKB_DATA_META, 4))
		info->reg_type = PTR_TO_PACKET_META;
	else if (IN(off, SKB_DATA_END, 4))
		info->reg_type = PTR_TO_PACKET_END;
	else if (off >= SKB_FAMILY && off < SKB_LOCAL_PORT + 4)
		return false;
	else if (off == SKB_TSTAMP_TYPE)
		return size == 1;
	return skb_valid(off, size, t, info);
}

static bool cg_skb_valid(struct venv *env, int off, int size, enum access_type t,
			 struct ctx_access *info)
{
	if (IN(off, SKB_TC_CLASSID, 4) || IN(off, SKB_DATA_META, 4) || IN(off, SKB_WIRE_LEN, 4))
		return false;
	if (IN(off, SKB_DATA, 4) || IN(off, SKB_DATA_END, 4)) {
		/* direct packet access needs perfmon: root has it */
		(void)env;
	} else if (IN(off, SKB_HWTSTAMP, 8)) {
		/* root may read it */
	}
	if (t == BPF_WRITE) {
		if (!(IN(off, SKB_MARK, 4) || IN(off, SKB_PRIORITY, 4) || IN(off, SKB_CB, 20) ||
		      IN(off, SKB_TSTAMP, 8)))
			return false;
	}
	if (IN(off, SKB_DATA, 4))
		info->reg_type = PTR_TO_PACKET;
	else if (IN(off, SKB_DATA_END, 4))
		info->reg_type = PTR_TO_PACKET_END;
	return skb_valid(off, size, t, info);
}

/* struct xdp_md: data, data_end, data_meta, ingress_ifindex, rx_queue_index,
 * egress_ifindex, all u32 */
static bool xdp_valid(struct venv *env, int off, int size, enum access_type t,
		      struct ctx_access *info)
{
	if (env->expected_attach_type != BPF_XDP_DEVMAP && off == 20)
		return false;
	if (t == BPF_WRITE)
		return false;
	if ((off == 8 || off == 0 || off == 4) && size != 4)
		return false;
	if (off == 0)
		info->reg_type = PTR_TO_PACKET;
	else if (off == 8)
		info->reg_type = PTR_TO_PACKET_META;
	else if (off == 4)
		info->reg_type = PTR_TO_PACKET_END;
	if (off < 0 || off >= 24 || off % size != 0 || size != 4)
		return false;
	return true;
}

bool ctx_is_valid_access(struct venv *env, int off, int size, enum access_type t,
			 struct ctx_access *info)
{
	switch (env->prog_type) {
	case PT_SOCKET_FILTER:
		return sk_filter_valid(off, size, t, info);
	case PT_SCHED_CLS:
	case PT_SCHED_ACT:
		return tc_cls_act_valid(off, size, t, info);
	case PT_CGROUP_SKB:
		return cg_skb_valid(env, off, size, t, info);
	case PT_XDP:
		return xdp_valid(env, off, size, t, info);
	case PT_KPROBE:
		/* struct pt_regs, 168 bytes on x86-64, read only */
		if (off < 0 || off >= 168 || t != BPF_READ || off % size != 0 || off + size > 168)
			return false;
		return true;
	case PT_TRACEPOINT:
		/* the raw record after the 8-byte common header */
		if (off < 8 || off >= 8192 || t != BPF_READ || off % size != 0)
			return false;
		return true;
	case PT_PERF_EVENT:
		/* struct bpf_perf_event_data: pt_regs, sample_period, addr */
		if (off < 0 || off >= 184 || t != BPF_READ || off % size != 0)
			return false;
		if (IN(off, 168, 8) || IN(off, 176, 8)) {
			info->ctx_field_size = 8;
			return size <= 8 && !(size & (size - 1));
		}
		return size == 8;
	case PT_RAW_TRACEPOINT:
		/* up to 12 u64 arguments */
		if (off < 0 || off >= 8 * 12 || t != BPF_READ || off % size != 0)
			return false;
		return true;
	case PT_SYSCALL:
		if (off < 0 || off >= 65535 || off % size != 0)
			return false;
		return true;
	default:
		return false;
	}
}

bool prog_type_supported(uint32_t prog_type)
{
	switch (prog_type) {
	case PT_SOCKET_FILTER:
	case PT_KPROBE:
	case PT_SCHED_CLS:
	case PT_SCHED_ACT:
	case PT_TRACEPOINT:
	case PT_XDP:
	case PT_PERF_EVENT:
	case PT_CGROUP_SKB:
	case PT_RAW_TRACEPOINT:
	case PT_SYSCALL:
		return true;
	default:
		return false;
	}
}

bool prog_may_ld_abs(uint32_t prog_type)
{
	return prog_type == PT_SOCKET_FILTER || prog_type == PT_SCHED_CLS ||
	       prog_type == PT_SCHED_ACT;
}

struct avail {
	uint32_t prog_type;
	uint64_t bits[4];
};

static const struct avail avail_table[] = {
#define AVAIL(pt, w0, w1, w2, w3) { pt, { w0, w1, w2, w3 } },
#include "verifier/helper_avail.h"
#undef AVAIL
};

bool prog_helper_allowed(struct venv *env, uint32_t func_id)
{
	size_t i;

	if (func_id >= 256)
		return false;
	for (i = 0; i < sizeof(avail_table) / sizeof(avail_table[0]); i++)
		if (avail_table[i].prog_type == env->prog_type)
			return avail_table[i].bits[func_id / 64] & (1ULL << (func_id % 64));
	return false;
}

/* ---- return values ---------------------------------------------------------------- */

int check_return_code(struct venv *env, int regno, const char *reg_name)
{
	struct reg_state *reg = &cur_regs(env)[regno];
	struct func_state *frame = env->cur_state->frame[0];
	bool is_subprog = frame->subprogno != 0;
	int32_t minval = 0, maxval = 1;
	int ret;

	ret = check_reg_arg(env, (uint32_t)regno, SRC_OP);
	if (ret)
		return ret;
	if (is_pointer_value(env, regno)) {
		verbose(env, "R%d leaks addr as return value\n", regno);
		return -EACCES;
	}
	if (is_subprog) {
		if (reg->type != SCALAR_VALUE) {
			verbose(env, "At subprogram exit the register R%d is not a scalar value (%s)\n",
				regno, reg_type_str(env, reg->type));
			return -EINVAL;
		}
		return 0;
	}
	switch (env->prog_type) {
	case PT_CGROUP_SKB:
		if (env->expected_attach_type == BPF_CGROUP_INET_EGRESS)
			maxval = 3;
		break;
	default:
		/* the other supported types take any return value */
		return 0;
	}
	if (reg->type != SCALAR_VALUE) {
		verbose(env, "At program exit the register R%d is not a known value (%s)\n", regno,
			reg_type_str(env, reg->type));
		return -EINVAL;
	}
	ret = mark_chain_precision(env, regno);
	if (ret)
		return ret;
	if (reg->smin_value < minval || reg->smax_value > maxval) {
		verbose_invalid_scalar(env, reg, minval, maxval, "At program exit", reg_name);
		return -EINVAL;
	}
	return 0;
}

void verbose_invalid_scalar(struct venv *env, const struct reg_state *reg, int32_t minval,
			    int32_t maxval, const char *ctx, const char *reg_name)
{
	bool unknown = true;

	verbose(env, "%s the register %s has", ctx, reg_name);
	if (reg->smin_value > S64_MIN) {
		verbose(env, " smin=%lld", (long long)reg->smin_value);
		unknown = false;
	}
	if (reg->smax_value < S64_MAX) {
		verbose(env, " smax=%lld", (long long)reg->smax_value);
		unknown = false;
	}
	if (unknown)
		verbose(env, " unknown scalar value");
	verbose(env, " should have been in [%d, %d]\n", minval, maxval);
}
