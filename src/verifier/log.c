/*
 * log.c - the verifier log, as the Linux kernel's kernel/bpf/log.c (6.18).
 *
 * The buffer model is the kernel's: a logical stream of bytes with a start
 * and an end position. In fixed mode (HIVE_LOG_FIXED) writes past the
 * buffer are dropped; otherwise the buffer is a ring that keeps the tail,
 * rotated into place by vlog_finalize(). vlog_reset() rewinds the stream
 * (level 1 forgets every path that ended safely). len_max remembers the
 * longest the stream ever got: it becomes log_true_size, and -ENOSPC is
 * returned when it exceeded the buffer. The writes go straight into the
 * caller's buffer, byte for byte as the kernel's copy_to_user calls, so even
 * the stale bytes a rewind leaves behind (which shape level-1 logs) match.
 *
 * The second half prints register and stack states in the kernel's format
 * ("R1=ctx() R10=fp0", "scalar(smin=umin=0,...)", "fp-8=mmmmmmmm").
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hive/hive_asm.h"
#include "isa/isa.h"
#include "verifier/env.h"

#define BPF_LOG_LEVEL1 1u
#define BPF_LOG_LEVEL2 2u
#define BPF_LOG_STATS  4u
#define BPF_LOG_FIXED  8u
#define BPF_LOG_MASK   (BPF_LOG_LEVEL1 | BPF_LOG_LEVEL2 | BPF_LOG_STATS | BPF_LOG_FIXED)
#define BPF_LOG_MIN_ALIGNMENT 8u
#define BPF_LOG_ALIGNMENT     40u

/* ---- the buffer ---------------------------------------------------------- */

int vlog_init(struct vlog *log, uint32_t level, char *buf, uint32_t size)
{
	log->level = level;
	log->ubuf = buf;
	log->len_total = size;
	log->start_pos = 0;
	log->end_pos = 0;
	log->len_max = 0;
	/* buffer and size go together, a buffer needs a level */
	if (!!log->ubuf != !!log->len_total)
		return -EINVAL;
	if (log->ubuf && log->level == 0)
		return -EINVAL;
	if (log->level & ~BPF_LOG_MASK)
		return -EINVAL;
	if (log->len_total > UINT32_MAX >> 2)
		return -EINVAL;
	return 0;
}

static void update_len_max(struct vlog *log, uint32_t add_len)
{
	/* add_len counts the terminating NUL */
	uint64_t len = log->end_pos + add_len;

	if (len > UINT32_MAX)
		log->len_max = UINT32_MAX;
	else if (len > log->len_max)
		log->len_max = (uint32_t)len;
}

/*
 * The printers format about fifteen short pieces per instruction (" R%d=",
 * "%s=", "%lld", "(", ...), so vsnprintf's set-up dominated the time of a
 * logged verification. Formats made only of text and the conversions
 * %s %c %*c %d %u %x %lld %llu %llx %% take this path, which produces
 * exactly what vsnprintf would (same truncation and return value);
 * anything else goes to vsnprintf.
 */
static bool fmt_is_simple(const char *f)
{
	for (; *f; f++) {
		if (*f != '%')
			continue;
		f++;
		if (*f == '%' || *f == 's' || *f == 'c' || *f == 'd' || *f == 'u' || *f == 'x')
			continue;
		if (f[0] == '*' && f[1] == 'c') {
			f++;
			continue;
		}
		if (f[0] == 'l' && f[1] == 'l' && (f[2] == 'd' || f[2] == 'u' || f[2] == 'x')) {
			f += 2;
			continue;
		}
		return false;
	}
	return true;
}

struct fmt_out {
	char *buf;
	size_t size, len;   /* len: what vsnprintf would return */
};

static void fmt_put(struct fmt_out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void fmt_num(struct fmt_out *o, uint64_t v, bool neg, unsigned base)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		fmt_put(o, '-');
	while (n)
		fmt_put(o, tmp[--n]);
}

int vlog_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = { buf, size, 0 };

	if (!fmt_is_simple(fmt))
		return vsnprintf(buf, size, fmt, ap);
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			fmt_put(&o, *f);
			continue;
		}
		switch (*++f) {
		case '%':
			fmt_put(&o, '%');
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);

			if (!str)
				str = "(null)";
			while (*str)
				fmt_put(&o, *str++);
			break;
		}
		case 'c':
			fmt_put(&o, (char)va_arg(ap, int));
			break;
		case '*': {
			/* %*c: the character right-aligned in the width (left with a minus) */
			int w = va_arg(ap, int);
			char c = (char)va_arg(ap, int);
			bool left = w < 0;
			long pad = (left ? -(long)w : (long)w) - 1;

			if (!left)
				for (long i = 0; i < pad; i++)
					fmt_put(&o, ' ');
			fmt_put(&o, c);
			if (left)
				for (long i = 0; i < pad; i++)
					fmt_put(&o, ' ');
			f++;
			break;
		}
		case 'd': {
			int v = va_arg(ap, int);

			fmt_num(&o, v < 0 ? 0 - (uint64_t)(int64_t)v : (uint64_t)v, v < 0, 10);
			break;
		}
		case 'u':
			fmt_num(&o, va_arg(ap, unsigned int), false, 10);
			break;
		case 'x':
			fmt_num(&o, va_arg(ap, unsigned int), false, 16);
			break;
		case 'l':
			f += 2;
			if (*f == 'd') {
				long long v = va_arg(ap, long long);

				fmt_num(&o, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0, 10);
			} else {
				fmt_num(&o, va_arg(ap, unsigned long long), false, *f == 'x' ? 16 : 10);
			}
			break;
		}
	}
	if (o.size)
		o.buf[o.len < o.size ? o.len : o.size - 1] = '\0';
	return o.len > INT32_MAX ? -1 : (int)o.len;
}

void vlog_write(struct vlog *log, const char *fmt, va_list ap)
{
	uint64_t cur_pos, new_end;
	uint32_t n, new_n, buf_start, buf_end;
	int r;

	r = vlog_vformat(log->kbuf, sizeof(log->kbuf), fmt, ap);
	if (r < 0)
		return;
	n = (uint32_t)r < sizeof(log->kbuf) ? (uint32_t)r : sizeof(log->kbuf) - 1;
	n += 1; /* with the terminating NUL */
	update_len_max(log, n);

	if (log->level & BPF_LOG_FIXED) {
		/* copy what still fits, then just count */
		new_n = 0;
		if (log->end_pos < log->len_total) {
			new_n = (uint32_t)(log->len_total - log->end_pos) < n ?
				(uint32_t)(log->len_total - log->end_pos) : n;
			log->kbuf[new_n - 1] = '\0';
		}
		cur_pos = log->end_pos;
		log->end_pos += n - 1;
		if (log->ubuf && new_n)
			memcpy(log->ubuf + cur_pos, log->kbuf, new_n);
		return;
	}

	/* rotating: the window [start_pos, end_pos) slides over the stream */
	new_end = log->end_pos + n;
	if (new_end - log->start_pos >= log->len_total)
		log->start_pos = new_end - log->len_total;
	log->end_pos = new_end - 1;
	if (!log->ubuf)
		return;
	new_n = n < log->len_total ? n : log->len_total;
	cur_pos = new_end - new_n;
	buf_start = (uint32_t)(cur_pos % log->len_total);
	buf_end = (uint32_t)(new_end % log->len_total);
	if (buf_end == 0)
		buf_end = log->len_total;
	if (buf_start < buf_end) {
		memcpy(log->ubuf + buf_start, log->kbuf + n - new_n, buf_end - buf_start);
	} else {
		/* wraps around the end of the buffer */
		memcpy(log->ubuf + buf_start, log->kbuf + n - new_n, log->len_total - buf_start);
		memcpy(log->ubuf, log->kbuf + n - buf_end, buf_end);
	}
}

void vlog_reset(struct vlog *log, uint64_t new_pos)
{
	uint32_t pos;

	if (new_pos > log->end_pos || !vlog_needed(log))
		return;
	/* rewinding past the window leaves an empty log */
	log->end_pos = new_pos;
	if (log->end_pos < log->start_pos)
		log->start_pos = log->end_pos;
	if (!log->ubuf)
		return;
	if (log->level & BPF_LOG_FIXED)
		pos = (uint32_t)(log->end_pos + 1 < UINT32_MAX ? log->end_pos + 1 : UINT32_MAX);
	else
		pos = (uint32_t)(new_pos % log->len_total);
	if (pos < log->len_total)
		log->ubuf[pos] = '\0';
}

static void reverse(char *buf, uint32_t start, uint32_t end)
{
	while (end - start > 1) {
		char c = buf[start];

		buf[start] = buf[end - 1];
		buf[end - 1] = c;
		start++;
		end--;
	}
}

int vlog_finalize(struct vlog *log, uint32_t *true_size)
{
	uint32_t sublen;

	*true_size = 0;
	if (!log || log->level == 0)
		return 0;
	if (log->ubuf && log->start_pos != 0) {
		/* the ring wrapped: rotate left by start_pos % len_total,
		 * by three reversals as the kernel does */
		sublen = log->len_total - (uint32_t)(log->start_pos % log->len_total);
		reverse(log->ubuf, 0, log->len_total);
		reverse(log->ubuf, 0, sublen);
		reverse(log->ubuf, sublen, log->len_total);
	}
	*true_size = log->len_max;
	if (log->ubuf && log->len_max > log->len_total)
		return -ENOSPC;
	return 0;
}

void verbose(struct venv *env, const char *fmt, ...)
{
	va_list ap;

	if (!vlog_needed(&env->log))
		return;
	va_start(ap, fmt);
	vlog_write(&env->log, fmt, ap);
	va_end(ap);
}

uint32_t vlog_alignment(uint64_t pos)
{
	uint64_t m = pos + BPF_LOG_MIN_ALIGNMENT / 2;

	if (m < BPF_LOG_ALIGNMENT)
		m = BPF_LOG_ALIGNMENT;
	m = (m + BPF_LOG_MIN_ALIGNMENT - 1) / BPF_LOG_MIN_ALIGNMENT * BPF_LOG_MIN_ALIGNMENT;
	return (uint32_t)(m - pos - 1);
}

/* ---- instructions -------------------------------------------------------- */

/* Names for what the disassembler cannot know: map addresses are printed
 * as a stable pseudo address derived from the map id. */
static int resolve_insn(void *ctx, const struct hive_insn *insn, char *buf, size_t len)
{
	struct venv *env = ctx;
	int idx = (int)(insn - env->insns);

	if (insn->code == HIVE_OP_LDDW && idx >= 0 && (uint32_t)idx < env->len &&
	    env->aux[idx].map) {
		uint64_t addr = 0xffff888000000000ULL + ((uint64_t)env->aux[idx].map->id << 12);

		if (env->aux[idx].is_ldimm64_value)
			addr += 0x100 + env->aux[idx].map_off;
		snprintf(buf, len, "0x%llx", (unsigned long long)addr);
		return 1;
	}
	if (insn->code == HIVE_OP_LDDW && insn->src == BPF_PSEUDO_FUNC && idx >= 0 &&
	    (uint32_t)idx + 1 < env->len) {
		/* a callback address: still the raw offset to the function */
		snprintf(buf, len, "0x%llx",
			 (unsigned long long)(((uint64_t)(uint32_t)insn[1].imm << 32) |
					      (uint32_t)insn->imm));
		return 1;
	}
	return 0;
}

/*
 * Instructions the ISA disassembler refuses but the kernel's print_bpf_insn
 * still prints before the verifier rejects them: atomics of any size (the
 * operand size is checked after printing) and, for anything else, "BUG_xx".
 */
static void print_odd_insn(const struct hive_insn *insn, char *buf, size_t len)
{
	static const char *const sz[] = { "u32", "u16", "u8", "u64" };
	static const char *const alu[] = { [0x0] = "+=", [0x4] = "|=", [0x5] = "&=", [0xa] = "^=" };
	static const char *const fetch[] = { [0x0] = "add", [0x4] = "or", [0x5] = "and", [0xa] = "xor" };
	const char *size = sz[(insn->code >> 3) & 3];
	const char *dw = (insn->code & 0x18) == HIVE_DW ? "64" : "";
	uint32_t op = ((uint32_t)insn->imm & 0xf0) >> 4;
	int imm = insn->imm;

	if (insn->code != (HIVE_STX | HIVE_ATOMIC | (insn->code & 0x18)) || (imm & ~0xf1) ||
	    (op <= 0xa && !alu[op]) || op == 0xb || op == 0xc || op == 0xd)
		snprintf(buf, len, "BUG_%02x", insn->code);
	else if (imm == HIVE_XCHG)        /* src = xchg(*(dst + off), src) */
		snprintf(buf, len, "(%02x) r%d = atomic%s_xchg((%s *)(r%d %+d), r%d)", insn->code,
			 insn->src, dw, size, insn->dst, insn->off, insn->src);
	else if (imm == HIVE_CMPXCHG)     /* r0 = cmpxchg(*(dst + off), r0, src) */
		snprintf(buf, len, "(%02x) r0 = atomic%s_cmpxchg((%s *)(r%d %+d), r0, r%d)",
			 insn->code, dw, size, insn->dst, insn->off, insn->src);
	else if (op >= 0xe)               /* xchg/cmpxchg without FETCH */
		snprintf(buf, len, "BUG_%02x", insn->code);
	else if (imm & HIVE_FETCH)        /* src = fetch_op(*(dst + off), src) */
		snprintf(buf, len, "(%02x) r%d = atomic%s_fetch_%s((%s *)(r%d %+d), r%d)", insn->code,
			 insn->src, dw, fetch[op], size, insn->dst, insn->off, insn->src);
	else                              /* *(dst + off) op= src */
		snprintf(buf, len, "(%02x) lock *(%s *)(r%d %+d) %s r%d", insn->code, size, insn->dst,
			 insn->off, alu[op], insn->src);
}

void verbose_insn(struct venv *env, const struct hive_insn *insn)
{
	char buf[160], addr[64];
	uint32_t pc = (uint32_t)(insn - env->insns);
	int n;

	if (insn->code == HIVE_OP_LDDW && resolve_insn(env, insn, addr, sizeof(addr))) {
		snprintf(buf, sizeof(buf), "(18) r%d = %s", insn->dst, addr);
	} else {
		n = hive_disasm_insn(env->insns, env->len, pc, HIVE_DISASM_XLATED, buf, sizeof(buf));
		if (n < 0)
			print_odd_insn(insn, buf, sizeof(buf));
	}
	verbose(env, "%s\n", buf);
}

/* ---- register and stack states ----------------------------------------- */

const char *reg_type_str(struct venv *env, uint32_t type)
{
	static const char *const str[] = {
		[NOT_INIT]            = "?",
		[SCALAR_VALUE]        = "scalar",
		[PTR_TO_CTX]          = "ctx",
		[CONST_PTR_TO_MAP]    = "map_ptr",
		[PTR_TO_MAP_VALUE]    = "map_value",
		[PTR_TO_STACK]        = "fp",
		[PTR_TO_PACKET]       = "pkt",
		[PTR_TO_PACKET_META]  = "pkt_meta",
		[PTR_TO_PACKET_END]   = "pkt_end",
		[PTR_TO_FLOW_KEYS]    = "flow_keys",
		[PTR_TO_SOCKET]       = "sock",
		[PTR_TO_SOCK_COMMON]  = "sock_common",
		[PTR_TO_TCP_SOCK]     = "tcp_sock",
		[PTR_TO_TP_BUFFER]    = "tp_buffer",
		[PTR_TO_XDP_SOCK]     = "xdp_sock",
		[PTR_TO_BTF_ID]       = "ptr_",
		[PTR_TO_MEM]          = "mem",
		[PTR_TO_ARENA]        = "arena",
		[PTR_TO_BUF]          = "buf",
		[PTR_TO_FUNC]         = "func",
		[PTR_TO_MAP_KEY]      = "map_key",
		[CONST_PTR_TO_DYNPTR] = "dynptr_ptr",
	};
	const char *postfix = "";
	uint32_t base = base_type(type);

	if (type & PTR_MAYBE_NULL)
		postfix = base == PTR_TO_BTF_ID ? "or_null_" : "_or_null";
	snprintf(env->tmp_str_buf, TMP_STR_BUF_LEN, "%s%s%s%s%s%s%s%s%s",
		 type & MEM_RDONLY ? "rdonly_" : "",
		 type & MEM_RINGBUF ? "ringbuf_" : "",
		 type & MEM_USER ? "user_" : "",
		 type & MEM_PERCPU ? "percpu_" : "",
		 type & MEM_RCU ? "rcu_" : "",
		 type & PTR_UNTRUSTED ? "untrusted_" : "",
		 type & PTR_TRUSTED ? "trusted_" : "",
		 base < __BPF_REG_TYPE_MAX ? str[base] : "?", postfix);
	return env->tmp_str_buf;
}

static const char slot_type_char[] = {
	[STACK_INVALID]  = '?',
	[STACK_SPILL]    = 'r',
	[STACK_MISC]     = 'm',
	[STACK_ZERO]     = '0',
	[STACK_DYNPTR]   = 'd',
	[STACK_ITER]     = 'i',
	[STACK_IRQ_FLAG] = 'f',
};

/* Numbers in [-32768, 32767] print in decimal, others in hex. */
static void verbose_snum(struct venv *env, int64_t num)
{
	if (scalar_snum_decimal(num))
		verbose(env, "%lld", (long long)num);
	else
		verbose(env, "0x%llx", (unsigned long long)num);
}

static void verbose_unum(struct venv *env, uint64_t num)
{
	if (scalar_unum_decimal(num))
		verbose(env, "%llu", (unsigned long long)num);
	else
		verbose(env, "0x%llx", (unsigned long long)num);
}

static void print_scalar_ranges(struct venv *env, const struct reg_state *reg, const char **sep)
{
	struct {
		const char *name;
		uint64_t val;
		bool omit;
	} m[] = {
		{ "smin",   (uint64_t)reg->smin_value,          reg->smin_value == S64_MIN },
		{ "smax",   (uint64_t)reg->smax_value,          reg->smax_value == S64_MAX },
		{ "umin",   reg->umin_value,                    reg->umin_value == 0 },
		{ "umax",   reg->umax_value,                    reg->umax_value == U64_MAX },
		/* s32 bounds outside the decimal range print as u32 hex */
		{ "smin32", scalar_snum_decimal(reg->s32_min_value) ?
			    (uint64_t)(int64_t)reg->s32_min_value : (uint32_t)reg->s32_min_value,
		  reg->s32_min_value == S32_MIN },
		{ "smax32", scalar_snum_decimal(reg->s32_max_value) ?
			    (uint64_t)(int64_t)reg->s32_max_value : (uint32_t)reg->s32_max_value,
		  reg->s32_max_value == S32_MAX },
		{ "umin32", reg->u32_min_value,                 reg->u32_min_value == 0 },
		{ "umax32", reg->u32_max_value,                 reg->u32_max_value == U32_MAX },
	};
	size_t i, j, n = sizeof(m) / sizeof(m[0]);
	bool neg1, neg2;

	for (i = 0; i < n; i++) {
		if (m[i].omit)
			continue;
		neg1 = m[i].name[0] == 's' && (int64_t)m[i].val < 0;
		verbose(env, "%s%s=", *sep, m[i].name);
		*sep = ",";
		/* merge equal values of the same kind of bound */
		for (j = i + 2; j < n; j += 2) {
			if (m[j].omit || m[j].val != m[i].val)
				continue;
			neg2 = m[j].name[0] == 's' && (int64_t)m[j].val < 0;
			if (neg2 != neg1)
				continue;
			m[j].omit = true;
			verbose(env, "%s=", m[j].name);
		}
		if (m[i].name[0] == 's')
			verbose_snum(env, (int64_t)m[i].val);
		else
			verbose_unum(env, m[i].val);
	}
}

static void print_reg_state(struct venv *env, const struct func_state *state,
			    const struct reg_state *reg)
{
	uint32_t t = reg->type;
	const char *sep = "";

	if (t == SCALAR_VALUE && reg->precise)
		verbose(env, "P");
	if (t == SCALAR_VALUE && tnum_is_const(reg->var_off)) {
		verbose_snum(env, (int64_t)reg->var_off.value);
		return;
	}
	verbose(env, "%s", reg_type_str(env, t));
	if (t == PTR_TO_ARENA)
		return;
	if (t == PTR_TO_STACK) {
		if (state->frameno != reg->frameno)
			verbose(env, "[%d]", reg->frameno);
		if (tnum_is_const(reg->var_off)) {
			verbose_snum(env, (int64_t)(reg->var_off.value + (int64_t)reg->off));
			return;
		}
	}
	verbose(env, "(");
	if (reg->id) {
		verbose(env, "%sid=%d", sep, reg->id & ~BPF_ADD_CONST);
		sep = ",";
	}
	if (reg->id & BPF_ADD_CONST)
		verbose(env, "%+d", reg->off);
	if (reg->ref_obj_id) {
		verbose(env, "%sref_obj_id=%d", sep, reg->ref_obj_id);
		sep = ",";
	}
	if (base_type(t) == CONST_PTR_TO_MAP || base_type(t) == PTR_TO_MAP_KEY ||
	    base_type(t) == PTR_TO_MAP_VALUE) {
		if (reg->map_ptr->name[0]) {
			verbose(env, "%smap=%s", sep, reg->map_ptr->name);
			sep = ",";
		}
		verbose(env, "%sks=%d,vs=%d", sep, reg->map_ptr->key_size,
			reg->map_ptr->value_size);
		sep = ",";
	}
	if (t != SCALAR_VALUE && reg->off) {
		verbose(env, "%soff=", sep);
		sep = ",";
		verbose_snum(env, reg->off);
	}
	if (base_type(t) == PTR_TO_PACKET || base_type(t) == PTR_TO_PACKET_META) {
		verbose(env, "%sr=", sep);
		sep = ",";
		verbose_unum(env, (uint64_t)(int64_t)reg->range);
	}
	if (base_type(t) == PTR_TO_MEM) {
		verbose(env, "%ssz=", sep);
		sep = ",";
		verbose_unum(env, reg->mem_size);
	}
	if (tnum_is_const(reg->var_off)) {
		/* a pointer with a fixed offset too big for off */
		if (reg->var_off.value) {
			verbose(env, "%simm=", sep);
			sep = ",";
			verbose_snum(env, (int64_t)reg->var_off.value);
		}
	} else {
		print_scalar_ranges(env, reg, &sep);
		if (!tnum_is_unknown(reg->var_off)) {
			char tn[48];

			tnum_strn(tn, sizeof(tn), reg->var_off);
			verbose(env, "%svar_off=%s", sep, tn);
		}
	}
	verbose(env, ")");
}

void print_verifier_state(struct venv *env, const struct vstate *vstate, uint32_t frameno,
			  bool print_all)
{
	const struct func_state *state = vstate->frame[frameno];
	const struct reg_state *reg;
	int i, j;

	if (state->frameno)
		verbose(env, " frame%d:", state->frameno);
	for (i = 0; i < MAX_BPF_REG; i++) {
		reg = &state->regs[i];
		if (reg->type == NOT_INIT)
			continue;
		if (!print_all && !(env->scratched_regs & (1U << i)))
			continue;
		verbose(env, " R%d=", i);
		print_reg_state(env, state, reg);
	}
	for (i = 0; i < state->allocated_stack / BPF_REG_SIZE; i++) {
		char types[BPF_REG_SIZE + 1];
		bool valid = false;

		if (!print_all && !(env->scratched_stack_slots & (1ULL << i)))
			continue;
		for (j = 0; j < BPF_REG_SIZE; j++) {
			uint8_t st = state->stack[i].slot_type[j];

			if (st != STACK_INVALID)
				valid = true;
			types[j] = slot_type_char[st];
		}
		types[BPF_REG_SIZE] = 0;
		if (!valid)
			continue;
		reg = &state->stack[i].spilled_ptr;
		switch (state->stack[i].slot_type[BPF_REG_SIZE - 1]) {
		case STACK_SPILL:
			/* the bytes above a narrow spill, then the register */
			for (j = 0; j < BPF_REG_SIZE; j++)
				if (state->stack[i].slot_type[j] == STACK_SPILL)
					break;
			types[j] = 0;
			verbose(env, " fp%d=%s", (-i - 1) * BPF_REG_SIZE, types);
			print_reg_state(env, state, reg);
			break;
		default:
			verbose(env, " fp%d=%s", (-i - 1) * BPF_REG_SIZE, types);
			break;
		}
	}
	if (vstate->acquired_refs && vstate->refs[0].id) {
		verbose(env, " refs=%d", vstate->refs[0].id);
		for (i = 1; i < (int)vstate->acquired_refs; i++)
			if (vstate->refs[i].id)
				verbose(env, ",%d", vstate->refs[i].id);
	}
	if (state->in_callback_fn)
		verbose(env, " cb");
	if (state->in_async_callback_fn)
		verbose(env, " async_cb");
	verbose(env, "\n");
	if (!print_all)
		mark_verifier_state_clean(env);
}

void print_insn_state(struct venv *env, const struct vstate *vstate, uint32_t frameno)
{
	if (env->prev_log_pos && env->prev_log_pos == env->log.end_pos) {
		/* continue the instruction's line: drop its newline, pad */
		vlog_reset(&env->log, env->prev_log_pos - 1);
		verbose(env, "%*c;", (int)vlog_alignment(env->prev_insn_print_pos), ' ');
	} else {
		verbose(env, "%d:", env->insn_idx);
	}
	print_verifier_state(env, vstate, frameno, false);
}
