/*
 * disasm.c - eBPF instruction to text, in two syntaxes.
 *
 * XLATED is the kernel's own rendering (kernel/bpf/disasm.c print_bpf_insn),
 * which `bpftool prog dump xlated` and the verifier log print: "(b7) r0 = 0",
 * "(79) r1 = *(u64 *)(r10 -8)", "(15) if r0 == 0x0 goto pc+1". The whole
 * program form adds bpftool's "% 4d: " pc column and, on request, its
 * "opcodes" hex line. CONFORMANCE is the bpf_conformance / uBPF syntax
 * ("mov %r0, 0", "ldxdw %r1, [%r10-8]", "jeq %r0, 0, +1").
 *
 * Both outputs are read back by the assembler (asm.c) to the same bytes,
 * including the forms the kernel prints ambiguously: lddw pseudo sources get
 * bpftool's "map[id:N]" / "subprog[+N]" or the RFC 9669 notation
 * ("map_by_idx(N)", "map_val(map_by_fd(N)) + OFF"), kfunc calls print as
 * "kernel-function#ID". Which opcodes exist and what operands they take
 * comes from isa_table; this file only spells them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hive/hive_asm.h"
#include "isa/asm_syntax.h"
#include "isa/isa.h"

const char *const asm_alu_op[16] = {
	[HIVE_ADD >> 4] = "+=",  [HIVE_SUB >> 4] = "-=",   [HIVE_MUL >> 4] = "*=",
	[HIVE_DIV >> 4] = "/=",  [HIVE_OR >> 4] = "|=",    [HIVE_AND >> 4] = "&=",
	[HIVE_LSH >> 4] = "<<=", [HIVE_RSH >> 4] = ">>=",  [HIVE_MOD >> 4] = "%=",
	[HIVE_XOR >> 4] = "^=",  [HIVE_MOV >> 4] = "=",    [HIVE_ARSH >> 4] = "s>>=",
};

const char *const asm_alu_sop[16] = {
	[HIVE_DIV >> 4] = "s/=", [HIVE_MOD >> 4] = "s%=",
};

const char *const asm_jmp_op[16] = {
	[HIVE_JEQ >> 4] = "==",  [HIVE_JGT >> 4] = ">",   [HIVE_JGE >> 4] = ">=",
	[HIVE_JSET >> 4] = "&",  [HIVE_JNE >> 4] = "!=",  [HIVE_JSGT >> 4] = "s>",
	[HIVE_JSGE >> 4] = "s>=", [HIVE_JLT >> 4] = "<",  [HIVE_JLE >> 4] = "<=",
	[HIVE_JSLT >> 4] = "s<", [HIVE_JSLE >> 4] = "s<=",
};

static const char *const helper_names[] = {
#define X(id, name, ...) [id] = #name,
#include "helpers/helper_def.h"
#undef X
};

const unsigned asm_helper_count = sizeof(helper_names) / sizeof(helper_names[0]);

const char *asm_helper_name(int32_t id)
{
	if (id < 0 || (uint32_t)id >= asm_helper_count)
		return NULL;
	return helper_names[id];
}

const char *asm_size_name(unsigned width_bits, int sign)
{
	switch (width_bits) {
	case 8:  return sign ? "s8" : "u8";
	case 16: return sign ? "s16" : "u16";
	case 32: return sign ? "s32" : "u32";
	default: return sign ? "s64" : "u64";
	}
}

/* ---- output buffer: snprintf semantics, appending ---------------------- */

struct out {
	char *buf;
	size_t len;
	size_t pos;  /* characters wanted so far (may exceed len) */
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->pos < o->len ? o->buf + o->pos : NULL,
		      o->pos < o->len ? o->len - o->pos : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->pos += (size_t)n;
}

/* What to print for jump targets in CONFORMANCE style. */
struct fmt_ctx {
	hive_disasm_resolve_fn resolve;
	void *rctx;
	const uint8_t *is_target;  /* labels: is_target[pc] set for jump targets */
	uint32_t cnt;
};

/* ---- shared pieces ----------------------------------------------------- */

/* Immediate as bpf_conformance prints it: small or negative in decimal,
 * everything else as the 32-bit pattern in hex. */
static void put_imm(struct out *o, int32_t imm)
{
	if ((imm < 0 && imm != INT32_MIN) || (imm >= -10 && imm <= 10))
		put(o, "%d", imm);
	else
		put(o, "0x%x", (uint32_t)imm);
}

/* A relative target pc + delta + 1: a label when labels are on, else +N/-N. */
static void put_target(struct out *o, const struct fmt_ctx *c, uint32_t pc, int64_t delta,
		       const char *numfmt_prefix)
{
	int64_t t = (int64_t)pc + delta + 1;

	if (c->is_target && t >= 0 && t < c->cnt && c->is_target[t])
		put(o, "L%" PRId64, t);
	else
		put(o, "%s%+" PRId64, numfmt_prefix, delta);
}

/*
 * The RFC 9669 notation of an lddw with a pseudo source: map_by_fd(5),
 * map_val(map_by_idx(2)) + 16, var_addr(7), code_addr(+3). A non-zero second
 * immediate is always shown (as "+ N") so that the text stays lossless.
 */
static void put_pseudo_rfc(struct out *o, const struct fmt_ctx *c, const struct hive_insn *in,
			   uint32_t pc)
{
	uint32_t next = (uint32_t)in[1].imm;

	switch (in->src) {
	case HIVE_PSEUDO_MAP_FD:
		put(o, "map_by_fd(%d)", in->imm);
		break;
	case HIVE_PSEUDO_MAP_VALUE:
		put(o, "map_val(map_by_fd(%d)) + %u", in->imm, next);
		return;
	case HIVE_PSEUDO_BTF_ID:
		put(o, "var_addr(%d)", in->imm);
		break;
	case HIVE_PSEUDO_FUNC:
		put(o, "code_addr(");
		put_target(o, c, pc, in->imm, "");
		put(o, ")");
		break;
	case HIVE_PSEUDO_MAP_IDX:
		put(o, "map_by_idx(%d)", in->imm);
		break;
	default: /* HIVE_PSEUDO_MAP_IDX_VALUE */
		put(o, "map_val(map_by_idx(%d)) + %u", in->imm, next);
		return;
	}
	if (next)
		put(o, " + %u", next);
}

/*
 * Whether the instruction can be printed. CONFORMANCE prints exactly what
 * the assembler reads back to the same bytes: a known opcode, registers
 * r0..r10, reserved fields zero, sub-op selectors valid, lddw complete
 * (writing r10 is fine: the verifier refuses that, not the syntax). XLATED
 * prints like the kernel, which shows no reserved field: any known opcode
 * with registers up to r11, the auxiliary register (BPF_REG_AX) that the
 * kernel's rewrites leave in xlated dumps; only a missing lddw slot or an
 * unknown atomic operation stop it.
 */
static int printable(const struct hive_insn *insns, uint32_t cnt, uint32_t pc,
		     enum hive_disasm_style style)
{
	const struct hive_insn *in = &insns[pc];
	struct hive_insn tmp[2];
	uint32_t n = cnt - pc >= 2 ? 2 : 1;

	if (isa_desc(in->code)->kind == HIVE_K_INVALID)
		return -EINVAL;
	if (style == HIVE_DISASM_XLATED) {
		if (in->dst > KERNEL_REG_AX || in->src > KERNEL_REG_AX ||
		    (isa_is_lddw(in) && n < 2) ||
		    (isa_desc(in->code)->kind == HIVE_K_ATOMIC && !isa_atomic_name(in->imm)))
			return -EINVAL;
		return 0;
	}
	memcpy(tmp, in, n * sizeof(tmp[0]));
	if (tmp[0].dst == HIVE_REG_FP)
		tmp[0].dst = 1;    /* a stand-in that keeps the reserved-field checks */
	return isa_check_insn(tmp, n, 0, NULL, 0);
}

/* ---- XLATED: the kernel's print_bpf_insn ------------------------------- */

static void xlated_lddw(struct out *o, const struct fmt_ctx *c, const struct hive_insn *in,
			uint32_t pc)
{
	uint64_t v = (uint32_t)in->imm | ((uint64_t)(uint32_t)in[1].imm << 32);
	char tmp[128];

	put(o, "r%u = ", in->dst);
	if (c->resolve && c->resolve(c->rctx, in, tmp, sizeof(tmp)) > 0) {
		tmp[sizeof(tmp) - 1] = '\0';
		put(o, "%s", tmp);
	} else if (in->src == 0) {
		put(o, "0x%" PRIx64, v);                     /* dst = imm64 */
	} else if (in->src == HIVE_PSEUDO_MAP_FD && !in[1].imm) {
		put(o, "map[id:%u]", (uint32_t)in->imm);   /* bpftool: map by id */
	} else if (in->src == HIVE_PSEUDO_MAP_VALUE) {
		put(o, "map[id:%u][0]+%u", (uint32_t)in->imm, (uint32_t)in[1].imm);
	} else if (in->src == HIVE_PSEUDO_FUNC && !in[1].imm) {
		put(o, "subprog[%+d]", in->imm);            /* bpftool: callback address */
	} else {
		put_pseudo_rfc(o, c, in, pc);
	}
}

static void xlated_call(struct out *o, const struct fmt_ctx *c, const struct hive_insn *in)
{
	const char *name = in->src == 0 ? asm_helper_name(in->imm) : NULL;
	char tmp[128];

	if (name) {
		put(o, "call bpf_%s#%d", name, in->imm);    /* helper by id */
		return;
	}
	if (c->resolve && c->resolve(c->rctx, in, tmp, sizeof(tmp)) > 0) {
		tmp[sizeof(tmp) - 1] = '\0';
		name = tmp;
	} else if (in->src == HIVE_PSEUDO_CALL) {
		snprintf(tmp, sizeof(tmp), "%+d", in->imm);
		name = tmp;
	} else {
		name = in->src == HIVE_PSEUDO_KFUNC_CALL ? "kernel-function" : "unknown";
	}
	if (in->src == HIVE_PSEUDO_CALL)
		put(o, "call pc%s", name);                  /* local function */
	else
		put(o, "call %s#%d", name, in->imm);        /* kfunc / unknown helper */
}

static void xlated_atomic(struct out *o, const struct hive_insn *in, const struct isa_desc *d)
{
	const char *sz = asm_size_name(d->width, 0);
	const char *w64 = d->width == 64 ? "64" : "";
	int32_t op = in->imm & ~HIVE_FETCH;

	if (in->imm == HIVE_XCHG)                    /* src = xchg(mem, src) */
		put(o, "r%u = atomic%s_xchg((%s *)(r%u %+d), r%u)", in->src, w64, sz,
		    in->dst, in->off, in->src);
	else if (in->imm == HIVE_CMPXCHG)            /* r0 = cmpxchg(mem, r0, src) */
		put(o, "r0 = atomic%s_cmpxchg((%s *)(r%u %+d), r0, r%u)", w64, sz,
		    in->dst, in->off, in->src);
	else if (in->imm & HIVE_FETCH)               /* src = fetch_op(mem, src) */
		put(o, "r%u = atomic%s_fetch_%s((%s *)(r%u %+d), r%u)", in->src, w64,
		    isa_atomic_name(op), sz, in->dst, in->off, in->src);
	else                                         /* mem op= src */
		put(o, "lock *(%s *)(r%u %+d) %s r%u", sz, in->dst, in->off,
		    asm_alu_op[op >> 4], in->src);
}

static void fmt_xlated(struct out *o, const struct fmt_ctx *c, const struct hive_insn *insns,
		       uint32_t pc)
{
	const struct hive_insn *in = &insns[pc];
	const struct isa_desc *d = isa_desc(in->code);
	char r = d->width == 32 ? 'w' : 'r';   /* register prefix for ALU/JMP */
	unsigned opn = in->code >> 4;
	int sdiv = (d->kind == HIVE_K_DIV_K || d->kind == HIVE_K_DIV_X) && in->off == 1;

	put(o, "(%02x) ", in->code);
	switch (d->kind) {
	case HIVE_K_ALU_K:   /* dst op= imm */
	case HIVE_K_DIV_K:
		put(o, "%c%u %s %d", r, in->dst,
		    sdiv ? asm_alu_sop[opn] : asm_alu_op[opn], in->imm);
		break;
	case HIVE_K_ALU_X:   /* dst op= src */
	case HIVE_K_DIV_X:
		put(o, "%c%u %s %c%u", r, in->dst,
		    sdiv ? asm_alu_sop[opn] : asm_alu_op[opn], r, in->src);
		break;
	case HIVE_K_MOV_X:   /* dst = src, or dst = (sN)src */
		if (in->off == 8 || in->off == 16 || in->off == 32)
			put(o, "%c%u = (s%d)%c%u", r, in->dst, in->off, r, in->src);
		else if (in->off == 1 && d->width == 64)   /* the kernel's arena cast */
			put(o, "r%u = addr_space_cast(r%u, %u, %u)", in->dst, in->src,
			    (uint32_t)in->imm >> 16, (uint16_t)in->imm);
		else
			put(o, "%c%u = %c%u", r, in->dst, r, in->src);
		break;
	case HIVE_K_NEG:     /* dst = -dst */
		put(o, "%c%u = -%c%u", r, in->dst, r, in->dst);
		break;
	case HIVE_K_END:     /* dst = be16 dst, le32, bswap64 ... */
		put(o, "r%u = %s%d r%u", in->dst, d->mnem, in->imm, in->dst);
		break;
	case HIVE_K_JA:      /* goto pc+off */
		put(o, "goto pc%+d", in->off);
		break;
	case HIVE_K_JA32:    /* gotol pc+imm */
		put(o, "gotol pc%+d", in->imm);
		break;
	case HIVE_K_JCC_K:   /* if dst cc imm goto pc+off */
		put(o, "if %c%u %s 0x%x goto pc%+d", r, in->dst, asm_jmp_op[opn],
		    (uint32_t)in->imm, in->off);
		break;
	case HIVE_K_JCC_X:   /* if dst cc src goto pc+off */
		put(o, "if %c%u %s %c%u goto pc%+d", r, in->dst, asm_jmp_op[opn], r, in->src,
		    in->off);
		break;
	case HIVE_K_CALL:
		xlated_call(o, c, in);
		break;
	case HIVE_K_EXIT:
		put(o, "exit");
		break;
	case HIVE_K_LDDW:
		xlated_lddw(o, c, in, pc);
		break;
	case HIVE_K_LDABS:   /* r0 = *(uN *)skb[imm] */
		put(o, "r0 = *(%s *)skb[%d]", asm_size_name(d->width, 0), in->imm);
		break;
	case HIVE_K_LDIND:   /* r0 = *(uN *)skb[src + imm] */
		put(o, "r0 = *(%s *)skb[r%u + %d]", asm_size_name(d->width, 0), in->src, in->imm);
		break;
	case HIVE_K_LDX:     /* dst = *(uN *)(src + off) */
	case HIVE_K_LDXSX:
		put(o, "r%u = *(%s *)(r%u %+d)", in->dst,
		    asm_size_name(d->width, d->kind == HIVE_K_LDXSX), in->src, in->off);
		break;
	case HIVE_K_ST:      /* *(uN *)(dst + off) = imm */
		put(o, "*(%s *)(r%u %+d) = %d", asm_size_name(d->width, 0), in->dst, in->off,
		    in->imm);
		break;
	case HIVE_K_STX:     /* *(uN *)(dst + off) = src */
		put(o, "*(%s *)(r%u %+d) = r%u", asm_size_name(d->width, 0), in->dst, in->off,
		    in->src);
		break;
	case HIVE_K_ATOMIC:
		xlated_atomic(o, in, d);
		break;
	}
}

/* ---- CONFORMANCE: bpf_conformance / uBPF ------------------------------- */

static void put_mem(struct out *o, unsigned reg, int16_t off)
{
	if (off)
		put(o, "[%%r%u%+d]", reg, off);
	else
		put(o, "[%%r%u]", reg);
}

static void fmt_conformance(struct out *o, const struct fmt_ctx *c,
			    const struct hive_insn *insns, uint32_t pc)
{
	const struct hive_insn *in = &insns[pc];
	const struct isa_desc *d = isa_desc(in->code);

	switch (d->kind) {
	case HIVE_K_ALU_K:   /* add %r1, 5 */
		put(o, "%s %%r%u, ", d->mnem, in->dst);
		put_imm(o, in->imm);
		break;
	case HIVE_K_DIV_K:   /* div/sdiv, mod/smod */
		put(o, "%s%s %%r%u, ", in->off ? "s" : "", d->mnem, in->dst);
		put_imm(o, in->imm);
		break;
	case HIVE_K_ALU_X:   /* add %r1, %r2 */
		put(o, "%s %%r%u, %%r%u", d->mnem, in->dst, in->src);
		break;
	case HIVE_K_DIV_X:
		put(o, "%s%s %%r%u, %%r%u", in->off ? "s" : "", d->mnem, in->dst, in->src);
		break;
	case HIVE_K_MOV_X:   /* mov, or movsx<from><to> */
		if (in->off)
			put(o, "movsx%d%u %%r%u, %%r%u", in->off, d->width, in->dst, in->src);
		else
			put(o, "%s %%r%u, %%r%u", d->mnem, in->dst, in->src);
		break;
	case HIVE_K_NEG:
		put(o, "%s %%r%u", d->mnem, in->dst);
		break;
	case HIVE_K_END:     /* le16, be32, bswap64 */
		put(o, "%s%d %%r%u", d->mnem, in->imm, in->dst);
		break;
	case HIVE_K_JA:
		put(o, "ja ");
		put_target(o, c, pc, in->off, "");
		break;
	case HIVE_K_JA32:
		put(o, "ja32 ");
		put_target(o, c, pc, in->imm, "");
		break;
	case HIVE_K_JCC_K:   /* jeq %r1, 5, +2 */
		put(o, "%s %%r%u, ", d->mnem, in->dst);
		put_imm(o, in->imm);
		put(o, ", ");
		put_target(o, c, pc, in->off, "");
		break;
	case HIVE_K_JCC_X:
		put(o, "%s %%r%u, %%r%u, ", d->mnem, in->dst, in->src);
		put_target(o, c, pc, in->off, "");
		break;
	case HIVE_K_CALL:
		if (in->src == HIVE_PSEUDO_CALL) {
			put(o, "call local ");
			put_target(o, c, pc, in->imm, "");
		} else {
			put(o, "call %s%d", in->src ? "runtime " : "", in->imm);
		}
		break;
	case HIVE_K_EXIT:
		put(o, "exit");
		break;
	case HIVE_K_LDDW:
		put(o, "lddw %%r%u, ", in->dst);
		if (in->src)
			put_pseudo_rfc(o, c, in, pc);
		else
			put(o, "0x%" PRIx64,
			    (uint32_t)in->imm | ((uint64_t)(uint32_t)in[1].imm << 32));
		break;
	case HIVE_K_LDABS:   /* ldabsw 12 */
		put(o, "%s ", d->mnem);
		put_imm(o, in->imm);
		break;
	case HIVE_K_LDIND:   /* ldindw %r1, 12 */
		put(o, "%s %%r%u, ", d->mnem, in->src);
		put_imm(o, in->imm);
		break;
	case HIVE_K_LDX:     /* ldxw %r1, [%r2+4] */
	case HIVE_K_LDXSX:
		put(o, "%s %%r%u, ", d->mnem, in->dst);
		put_mem(o, in->src, in->off);
		break;
	case HIVE_K_ST:      /* stw [%r1+4], 5 */
		put(o, "%s ", d->mnem);
		put_mem(o, in->dst, in->off);
		put(o, ", ");
		put_imm(o, in->imm);
		break;
	case HIVE_K_STX:     /* stxw [%r1+4], %r2 */
		put(o, "%s ", d->mnem);
		put_mem(o, in->dst, in->off);
		put(o, ", %%r%u", in->src);
		break;
	case HIVE_K_ATOMIC:  /* lock [fetch] add[32] [%r1+4], %r2 ; lock xchg[32] ... */
		if (in->imm == HIVE_XCHG || in->imm == HIVE_CMPXCHG)
			put(o, "lock %s", isa_atomic_name(in->imm));
		else
			put(o, "lock %s%s", in->imm & HIVE_FETCH ? "fetch " : "",
			    isa_atomic_name(in->imm & ~HIVE_FETCH));
		put(o, "%s ", d->width == 32 ? "32" : "");
		put_mem(o, in->dst, in->off);
		put(o, ", %%r%u", in->src);
		break;
	}
}

static int fmt_insn(const struct hive_insn *insns, uint32_t cnt, uint32_t pc,
		    enum hive_disasm_style style, const struct fmt_ctx *c, struct out *o)
{
	if (!insns || pc >= cnt || printable(insns, cnt, pc, style) ||
	    (style != HIVE_DISASM_XLATED && style != HIVE_DISASM_CONFORMANCE))
		return -EINVAL;
	if (style == HIVE_DISASM_CONFORMANCE)
		fmt_conformance(o, c, insns, pc);
	else
		fmt_xlated(o, c, insns, pc);
	return isa_is_lddw(&insns[pc]) ? 2 : 1;
}

int hive_disasm_insn(const struct hive_insn *insns, uint32_t cnt, uint32_t pc,
		     enum hive_disasm_style style, char *buf, size_t len)
{
	struct fmt_ctx c = { .cnt = cnt };
	struct out o = { .buf = buf, .len = buf ? len : 0 };

	if (o.len)
		buf[0] = '\0';
	return fmt_insn(insns, cnt, pc, style, &c, &o);
}

/* Mark every in-range target of a jump, local call or code_addr lddw. */
static uint8_t *find_targets(const struct hive_insn *insns, uint32_t cnt)
{
	uint8_t *t = calloc(cnt ? cnt : 1, 1);
	uint32_t pc;

	if (!t)
		return NULL;
	for (pc = 0; pc < cnt; pc++) {
		const struct hive_insn *in = &insns[pc];
		int64_t target = INT64_MIN;

		if (isa_is_jump(in))
			target = isa_jump_target(in, pc);
		else if ((in->code == HIVE_OP_CALL && in->src == HIVE_PSEUDO_CALL) ||
			 (in->code == HIVE_OP_LDDW && in->src == HIVE_PSEUDO_FUNC))
			target = (int64_t)pc + in->imm + 1;
		if (target >= 0 && target < cnt)
			t[target] = 1;
		if (isa_is_lddw(in))
			pc++;
	}
	/* the second slot of an lddw gets no label: a jump there stays numeric */
	for (pc = 0; pc + 1 < cnt; pc++)
		if (isa_is_lddw(&insns[pc]))
			t[++pc] = 0;
	return t;
}

/* The line bpftool's "opcodes" adds: the raw bytes of the slot(s). */
static void put_opcodes(FILE *f, const struct hive_insn *in, int slots)
{
	const uint8_t *b = (const uint8_t *)in;
	int i;

	fputs("       ", f);
	for (i = 0; i < 8 * slots; i++)
		fprintf(f, i ? " %02x" : "%02x", b[i]);
	fputc('\n', f);
}

int hive_disasm_resolved(const struct hive_insn *insns, uint32_t cnt,
			 enum hive_disasm_style style, unsigned flags,
			 hive_disasm_resolve_fn fn, void *ctx, char **out)
{
	struct fmt_ctx c = { .resolve = fn, .rctx = ctx, .cnt = cnt };
	uint8_t *targets = NULL;
	char line[256];
	size_t size = 0;
	FILE *f = NULL;
	uint32_t pc;
	int n, err = 0;

	if (!out || (!insns && cnt) ||
	    (style != HIVE_DISASM_XLATED && style != HIVE_DISASM_CONFORMANCE))
		return -EINVAL;
	*out = NULL;
	if (style == HIVE_DISASM_CONFORMANCE && (flags & HIVE_DISASM_LABELS)) {
		targets = find_targets(insns, cnt);
		if (!targets)
			return -ENOMEM;
		c.is_target = targets;
	}
	f = open_memstream(out, &size);
	if (!f) {
		err = -ENOMEM;
		goto out_free;
	}
	for (pc = 0; pc < cnt; pc += (uint32_t)n) {
		struct out o = { .buf = line, .len = sizeof(line) };

		n = fmt_insn(insns, cnt, pc, style, &c, &o);
		if (n < 0) {
			err = n;
			break;
		}
		if (targets && targets[pc])
			fprintf(f, "L%u:\n", pc);
		if (style == HIVE_DISASM_XLATED)
			fprintf(f, "% 4d: %s\n", (int)pc, line);
		else
			fprintf(f, "%s\n", line);
		if (flags & HIVE_DISASM_OPCODES)
			put_opcodes(f, &insns[pc], n);
	}
	if (fclose(f) && !err)
		err = -ENOMEM;
	if (err) {
		free(*out);
		*out = NULL;
	}
out_free:
	free(targets);
	return err;
}

int hive_disasm(const struct hive_insn *insns, uint32_t cnt, enum hive_disasm_style style,
		unsigned flags, char **out)
{
	return hive_disasm_resolved(insns, cnt, style, flags, NULL, NULL, out);
}
