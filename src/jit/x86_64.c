/*
 * x86_64.c - the x86-64 code generator's core: register map, jumps and
 * stubs, ALU (including division and byte swaps), conditional branches,
 * and the per-instruction dispatch generated from src/isa/insn_def.h.
 *
 * Semantics are RFC 9669's, exactly as the interpreter (src/vm/interp.c)
 * implements them: 32-bit operations zero-extend (x86 does it for free),
 * shift counts are masked (x86 masks to 5/6 bits as well), x / 0 = 0,
 * x % 0 = x, INT_MIN / -1 = INT_MIN and INT_MIN % -1 = 0 (x86 would
 * fault: the -1 divisor is tested first).
 */
#include <errno.h>

#include "jit/x86_64.h"

#if HIVE_JIT_X86_64
#include <cpuid.h>

const int8_t jit_reg[HIVE_NREGS] = {
	RAX, RDI, RSI, RDX, RCX, R8, RBX, R13, R14, R15, RBP,
};

bool jit_host_bmi2(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return false;
	return (b >> 8) & 1;
}

/* ---- jumps, stubs, calls --------------------------------------------------- */

void emit_jcc_off(struct jit_ctx *c, enum x86_cc cc, uint32_t off)
{
	emit2(c, 0x0f, (uint8_t)(0x80 | cc));
	emit4(c, (uint32_t)((int64_t)off - (c->pos + c->ilen + 4)));
}

void emit_jmp_off(struct jit_ctx *c, uint32_t off)
{
	emit1(c, 0xe9);
	emit4(c, (uint32_t)((int64_t)off - (c->pos + c->ilen + 4)));
}

void emit_call_off(struct jit_ctx *c, uint32_t off)
{
	emit1(c, 0xe8);
	emit4(c, (uint32_t)((int64_t)off - (c->pos + c->ilen + 4)));
}

void emit_jcc_stub(struct jit_ctx *c, int cc, enum jit_stub_kind kind, uint32_t arg,
		   uint32_t arg2)
{
	if (cc < 0)
		emit_jmp_off(c, c->prev_stub_base + c->stub_bytes);
	else
		emit_jcc_off(c, (enum x86_cc)cc, c->prev_stub_base + c->stub_bytes);
	jit_add_stub(c, kind, arg, arg2, c->pos + c->ilen);
}

uint32_t emit_jcc8_fwd(struct jit_ctx *c, int cc)
{
	if (cc < 0)
		emit2(c, 0xeb, 0);                          /* jmp short .label */
	else
		emit2(c, (uint8_t)(0x70 | cc), 0);          /* jcc short .label */
	return c->ilen - 1;
}

void patch8_here(struct jit_ctx *c, uint32_t at)
{
	uint32_t d = c->ilen - (at + 1);

	if (d > 127) {
		c->err = -EFAULT;
		return;
	}
	if (at < JIT_INSN_MAX)
		c->ibuf[at] = (uint8_t)d;
}

/*
 * Jump to eBPF instruction @target: short unless the size-bound pass or an
 * earlier pass found the displacement out of rel8 range (jit.c records the
 * jump and checks it after the pass). The displacement uses this pass's
 * offset for backward targets and the previous pass's for forward ones;
 * both are exact in the final pass, which repeats the settled layout.
 */
void emit_jump_pc(struct jit_ctx *c, int cc, uint32_t target)
{
	uint32_t now = target <= c->cur_pc ? c->off[target] : c->prev[target];
	bool shrt = !c->upper && !c->jlong[c->cur_pc];

	if (shrt) {
		emit1(c, cc < 0 ? 0xeb : (uint8_t)(0x70 | cc));
		emit1(c, (uint8_t)((int64_t)now - (c->pos + c->ilen + 1)));
	} else if (cc < 0) {
		emit_jmp_off(c, now);
	} else {
		emit_jcc_off(c, (enum x86_cc)cc, now);
	}
	jit_add_jump(c, target, c->pos + c->ilen);
}

/*
 * call fn: rel32 when the whole image is within reach of fn (decided from
 * the image's address range, so the choice never depends on the pass),
 * else movabs rax, fn; call rax.
 */
void emit_call_abs(struct jit_ctx *c, const void *fn)
{
	uintptr_t f = (uintptr_t)fn;

	if (c->image_addr && !(jit_test_flags & JIT_TEST_FAR_CALLS) &&
	    is_simm32((int64_t)(f - c->image_addr)) &&
	    is_simm32((int64_t)(f - (c->image_addr + c->image_size)))) {
		int64_t rel = (int64_t)f - (int64_t)(c->image_addr + c->pos + c->ilen + 5);

		emit1(c, 0xe8);
		emit4(c, (uint32_t)rel);
	} else {
		emit_prefix_op(c, OP_W, 0, false, 0xb8);    /* movabs rax, fn */
		emit8(c, f);
		emit_call_reg(c, RAX);                      /* call rax */
	}
}

/* ---- immediates -------------------------------------------------------------- */

/* Per-instruction blinding key, derived from the program's random key. */
static int32_t blind_key(const struct jit_ctx *c)
{
	uint64_t k = (c->blind_key + c->cur_pc) * 0x9e3779b97f4a7c15ull;

	return (int32_t)(uint32_t)(k >> 32);
}

void emit_blinded_imm(struct jit_ctx *c, int64_t imm)
{
	int32_t key = blind_key(c);

	emit_op_rr(c, OP_W, 0xc7, 0, TMP2);                  /* mov r10, imm ^ key */
	emit4(c, (uint32_t)((int32_t)imm ^ key));
	emit_alu_ri(c, true, ALU_XOR, TMP2, key);            /* xor r10, key */
}

/* Whether the immediate of this instruction is blinded. */
static bool blinds(const struct jit_ctx *c, int32_t imm)
{
	return c->blind && imm != 0;
}

enum x86_cc jcc_of(uint8_t op)
{
	switch (op) {
	case HIVE_JEQ:  return CC_E;
	case HIVE_JNE:  return CC_NE;
	case HIVE_JGT:  return CC_A;
	case HIVE_JGE:  return CC_AE;
	case HIVE_JLT:  return CC_B;
	case HIVE_JLE:  return CC_BE;
	case HIVE_JSGT: return CC_G;
	case HIVE_JSGE: return CC_GE;
	case HIVE_JSLT: return CC_L;
	case HIVE_JSLE: return CC_LE;
	default:        return CC_NE;   /* JSET: after test */
	}
}

/* ---- division ---------------------------------------------------------------- */

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static unsigned log2_u64(uint64_t v)
{
	return 63u - (unsigned)__builtin_clzll(v);
}

/*
 * dst = dst / d or dst % d for a constant unsigned 32-bit d that is not a
 * power of two: q = (x + ((x * m') >> 32)) >> l with l = ceil(log2 d) and
 * m' = ceil(2^(32+l) / d) - 2^32 (exact for every 32-bit x; all in 64-bit
 * registers, so rax/rdx stay untouched).
 */
static void emit_udiv32_const(struct jit_ctx *c, int dst, uint32_t d, bool mod)
{
	unsigned l = 32 - (unsigned)__builtin_clz(d - 1);
	uint64_t m = (((uint64_t)1 << (32 + l)) + d - 1) / d - ((uint64_t)1 << 32);

	emit_mov_rr(c, false, TMP2, dst);                    /* mov r10d, dst32: x */
	emit_mov_imm64(c, TMP, m);                           /* mov r11, m' */
	emit_imul_rr(c, true, TMP, TMP2);                    /* imul r11, r10 */
	emit_shift_ri(c, OP_W, SH_SHR, TMP, 32);             /* shr r11, 32 */
	emit_alu_rr(c, true, ALU_ADD, TMP, TMP2);            /* add r11, r10 */
	if (l)
		emit_shift_ri(c, OP_W, SH_SHR, TMP, (uint8_t)l); /* shr r11, l: q */
	if (!mod) {
		emit_mov_rr(c, false, dst, TMP);             /* mov dst32, r11d */
		return;
	}
	emit_imul_rri(c, false, TMP, TMP, (int32_t)d);       /* imul r11d, r11d, d */
	emit_mov_rr(c, false, dst, TMP2);                    /* mov dst32, r10d */
	emit_alu_rr(c, false, ALU_SUB, dst, TMP);            /* sub dst32, r11d: x - q*d */
}

/*
 * The general path: divisor in @s (any register, TMP2 included). Tests for
 * 0 (and -1 when signed) unless @known says the constant cannot be one.
 * rax/rdx are saved in r10/r9 only when they hold live eBPF registers.
 */
static void emit_div_reg(struct jit_ctx *c, uint32_t pc, bool w, bool sgn, bool mod, int dst,
			 int s, bool may_zero, bool may_m1)
{
	uint16_t live = c->live[pc];
	bool save_rax = dst != RAX && (live & JREG(0));
	bool save_rdx = dst != RDX && (live & JREG(3));
	uint32_t j_zero = 0, j_m1 = 0, j_done = 0, j_done2 = 0;

	emit_mov_rr(c, w, TMP, s);                           /* mov r11, divisor */
	if (may_zero) {
		emit_test_rr(c, w, TMP, TMP);                /* test r11, r11 */
		j_zero = emit_jcc8_fwd(c, CC_E);             /* jz .zero */
	}
	if (sgn && may_m1) {
		emit_alu_ri(c, w, ALU_CMP, TMP, -1);         /* cmp r11, -1 */
		j_m1 = emit_jcc8_fwd(c, CC_E);               /* je .minus1 */
	}
	if (save_rax)
		emit_mov_rr(c, true, TMP2, RAX);             /* mov r10, rax */
	if (save_rdx)
		emit_mov_rr(c, true, AUX, RDX);              /* mov r9, rdx */
	if (dst != RAX)
		emit_mov_rr(c, w, RAX, dst);                 /* mov rax, dst */
	if (sgn) {
		if (w)
			emit2(c, 0x48, 0x99);                /* cqo */
		else
			emit1(c, 0x99);                      /* cdq */
	} else {
		emit_alu_rr(c, false, ALU_XOR, RDX, RDX);    /* xor edx, edx */
	}
	emit_grp3(c, w, sgn ? 7 : 6, TMP);                   /* (i)div r11 */
	if (mod && dst != RDX)
		emit_mov_rr(c, w, dst, RDX);                 /* mov dst, rdx: remainder */
	else if (!mod && dst != RAX)
		emit_mov_rr(c, w, dst, RAX);                 /* mov dst, rax: quotient */
	else if (!w)
		emit_mov_rr(c, false, dst, dst);             /* zero-extend in place */
	if (save_rax)
		emit_mov_rr(c, true, RAX, TMP2);             /* mov rax, r10 */
	if (save_rdx)
		emit_mov_rr(c, true, RDX, AUX);              /* mov rdx, r9 */
	if (!may_zero && !(sgn && may_m1))
		return;
	j_done = emit_jcc8_fwd(c, -1);                       /* jmp .done */
	if (may_zero) {
		patch8_here(c, j_zero);                      /* .zero: */
		if (!mod)
			emit_alu_rr(c, false, ALU_XOR, dst, dst); /* x / 0 = 0 */
		else if (!w)
			emit_mov_rr(c, false, dst, dst);     /* x % 0 = x (zero-extended) */
		if (sgn && may_m1)
			j_done2 = emit_jcc8_fwd(c, -1);
	}
	if (sgn && may_m1) {
		patch8_here(c, j_m1);                        /* .minus1: */
		if (!mod)
			emit_grp3(c, w, 3, dst);             /* neg dst: x / -1 = -x */
		else
			emit_alu_rr(c, false, ALU_XOR, dst, dst); /* x % -1 = 0 */
	}
	patch8_here(c, j_done);
	if (j_done2)
		patch8_here(c, j_done2);
}

static void emit_div(struct jit_ctx *c, const struct hive_insn *in, uint32_t pc)
{
	bool w = HIVE_CLASS(in->code) == HIVE_ALU64;
	bool mod = (in->code & 0xf0) == HIVE_MOD;
	bool sgn = in->off == 1;
	int dst = xreg(in->dst);
	uint64_t d;

	if (isa_desc(in->code)->kind == HIVE_K_DIV_X) {
		emit_div_reg(c, pc, w, sgn, mod, dst, xreg(in->src), true, true);
		return;
	}
	if (blinds(c, in->imm)) {
		emit_blinded_imm(c, in->imm);
		emit_div_reg(c, pc, w, sgn, mod, dst, TMP2, false, in->imm == -1);
		return;
	}
	d = w ? (uint64_t)(int64_t)in->imm : (uint32_t)in->imm;
	if (d == 0) {
		if (!mod)
			emit_alu_rr(c, false, ALU_XOR, dst, dst);    /* x / 0 = 0 */
		else if (!w)
			emit_mov_rr(c, false, dst, dst);             /* x % 0 = x */
		return;
	}
	if (sgn && in->imm == -1) {
		if (!mod)
			emit_grp3(c, w, 3, dst);                     /* neg dst */
		else
			emit_alu_rr(c, false, ALU_XOR, dst, dst);    /* 0 */
		return;
	}
	if (d == 1 || (sgn && in->imm == 1)) {
		if (mod)
			emit_alu_rr(c, false, ALU_XOR, dst, dst);    /* x % 1 = 0 */
		else if (!w)
			emit_mov_rr(c, false, dst, dst);             /* x / 1 = x */
		return;
	}
	if (!sgn && is_pow2(d)) {
		if (mod)
			emit_alu_ri(c, w, ALU_AND, dst, (int32_t)(d - 1)); /* and dst, d-1 */
		else
			emit_shift_ri(c, w ? OP_W : 0, SH_SHR, dst,
				      (uint8_t)log2_u64(d));         /* shr dst, log2 d */
		return;
	}
	if (!sgn && !w && d < 0x80000000u) {
		emit_udiv32_const(c, dst, (uint32_t)d, mod);
		return;
	}
	emit_mov_imm64(c, TMP2, w ? d : (uint64_t)(uint32_t)in->imm);
	emit_div_reg(c, pc, w, sgn, mod, dst, TMP2, false, false);
}

/* ---- ALU ----------------------------------------------------------------------- */

/* Byte swaps: le/be/bswap to 16/32/64 bits, result zero-extended. */
static void emit_end(struct jit_ctx *c, const struct hive_insn *in)
{
	int dst = xreg(in->dst);
	bool swap = in->code != HIVE_OP_LE;  /* host is little-endian */

	switch (in->imm) {
	case 16:
		if (swap)
			emit_shift_ri(c, OP_66, SH_ROR, dst, 8); /* ror dst16, 8 */
		emit_movzx_rr(c, 16, dst, dst);              /* movzx dst32, dst16 */
		break;
	case 32:
		if (swap)
			emit_bswap(c, false, dst);           /* bswap dst32 */
		else
			emit_mov_rr(c, false, dst, dst);     /* mov dst32, dst32 */
		break;
	default:
		if (swap)
			emit_bswap(c, true, dst);            /* bswap dst */
		break;
	}
}

/* Variable shift: BMI2 shlx/shrx/sarx, else through cl (r4 is rcx). */
static void emit_shift_reg(struct jit_ctx *c, bool w, uint8_t op, int dst, int src)
{
	enum x86_shift sh = op == HIVE_LSH ? SH_SHL : op == HIVE_RSH ? SH_SHR : SH_SAR;

	if (c->bmi2) {
		unsigned pp = op == HIVE_LSH ? 1 : op == HIVE_RSH ? 3 : 2;

		emit_shiftx(c, w, pp, dst, dst, src);        /* shlx/shrx/sarx dst, dst, src */
		return;
	}
	if (src == RCX) {
		emit_shift_cl(c, w, sh, dst);                /* shl dst, cl */
	} else if (dst == RCX) {
		emit_mov_rr(c, true, TMP, RCX);              /* mov r11, rcx */
		emit_mov_rr(c, true, RCX, src);              /* mov rcx, src */
		emit_shift_cl(c, w, sh, TMP);                /* shl r11, cl */
		emit_mov_rr(c, true, RCX, TMP);              /* mov rcx, r11 */
	} else {
		emit_mov_rr(c, true, TMP, RCX);              /* mov r11, rcx */
		emit_mov_rr(c, true, RCX, src);              /* mov rcx, src */
		emit_shift_cl(c, w, sh, dst);                /* shl dst, cl */
		emit_mov_rr(c, true, RCX, TMP);              /* mov rcx, r11 */
	}
	if (!w)
		emit_mov_rr(c, false, dst, dst);             /* zero-extend (count 0) */
}

static void emit_movx(struct jit_ctx *c, const struct hive_insn *in)
{
	bool w = HIVE_CLASS(in->code) == HIVE_ALU64;
	int dst = xreg(in->dst), src = xreg(in->src);

	switch (in->off) {
	case 8:
	case 16:
		emit_movsx_rr(c, w, (unsigned)in->off, dst, src); /* movsx dst, src8/16 */
		break;
	case 32:
		emit_movsx_rr(c, true, 32, dst, src);        /* movsxd dst, src32 */
		break;
	default:
		if (dst != src || !w)
			emit_mov_rr(c, w, dst, src);         /* mov dst, src */
		break;
	}
}

void emit_alu_op(struct jit_ctx *c, const struct hive_insn *in, uint32_t pc)
{
	const struct isa_desc *d = isa_desc(in->code);
	bool w = HIVE_CLASS(in->code) == HIVE_ALU64;
	uint8_t op = in->code & 0xf0;
	int dst = xreg(in->dst), src = xreg(in->src);
	bool k = d->kind == HIVE_K_ALU_K;
	int32_t imm = in->imm;

	switch (d->kind) {
	case HIVE_K_NEG:
		emit_grp3(c, w, 3, dst);                     /* neg dst */
		return;
	case HIVE_K_END:
		emit_end(c, in);
		return;
	case HIVE_K_MOV_X:
		emit_movx(c, in);
		return;
	case HIVE_K_DIV_K:
	case HIVE_K_DIV_X:
		emit_div(c, in, pc);
		return;
	default:
		break;
	}
	if (k && op != HIVE_LSH && op != HIVE_RSH && op != HIVE_ARSH && blinds(c, imm)) {
		emit_blinded_imm(c, imm);
		k = false;
		src = TMP2;
	}
	switch (op) {
	case HIVE_ADD:
	case HIVE_SUB:
	case HIVE_OR:
	case HIVE_AND:
	case HIVE_XOR: {
		enum x86_alu a = op == HIVE_ADD ? ALU_ADD : op == HIVE_SUB ? ALU_SUB :
				 op == HIVE_OR ? ALU_OR : op == HIVE_AND ? ALU_AND : ALU_XOR;

		if (!k) {
			emit_alu_rr(c, w, a, dst, src);      /* op dst, src */
		} else if (imm == 0 && a != ALU_AND) {
			if (!w)
				emit_mov_rr(c, false, dst, dst); /* op 0: zero-extend only */
		} else if (imm == -1 && a == ALU_AND) {
			if (!w)
				emit_mov_rr(c, false, dst, dst); /* and -1: zero-extend only */
		} else {
			emit_alu_ri(c, w, a, dst, imm);      /* op dst, imm */
		}
		return;
	}
	case HIVE_MUL:
		if (!k)
			emit_imul_rr(c, w, dst, src);        /* imul dst, src */
		else if (imm == 1 && !w)
			emit_mov_rr(c, false, dst, dst);     /* * 1: zero-extend only */
		else if (imm > 1 && is_pow2((uint64_t)imm))
			emit_shift_ri(c, w ? OP_W : 0, SH_SHL, dst,
				      (uint8_t)log2_u64((uint64_t)imm)); /* shl dst, log2 imm */
		else if (imm != 1)
			emit_imul_rri(c, w, dst, dst, imm);  /* imul dst, dst, imm */
		return;
	case HIVE_LSH:
	case HIVE_RSH:
	case HIVE_ARSH:
		if (!k) {
			emit_shift_reg(c, w, op, dst, src);
		} else {
			uint8_t cnt = (uint8_t)(imm & (w ? 63 : 31));
			enum x86_shift sh = op == HIVE_LSH ? SH_SHL :
					    op == HIVE_RSH ? SH_SHR : SH_SAR;

			if (cnt)
				emit_shift_ri(c, w ? OP_W : 0, sh, dst, cnt); /* shift dst, cnt */
			else if (!w)
				emit_mov_rr(c, false, dst, dst); /* zero-extend */
		}
		return;
	case HIVE_MOV:
		if (!k) {
			emit_mov_rr(c, w, dst, src);         /* mov dst, r10 (blinded) */
		} else if (w) {
			emit_mov_imm64(c, dst, (uint64_t)(int64_t)imm); /* mov dst, imm */
		} else {
			emit_mov_imm64(c, dst, (uint32_t)imm); /* mov dst32, imm */
		}
		return;
	default:
		c->err = -EOPNOTSUPP;
		return;
	}
}

/* ---- branches ---------------------------------------------------------------- */

static void emit_jcc_insn(struct jit_ctx *c, const struct hive_insn *in, uint32_t pc)
{
	bool w = HIVE_CLASS(in->code) == HIVE_JMP;
	uint8_t op = in->code & 0xf0;
	uint32_t target = (uint32_t)isa_jump_target(in, pc);
	int dst = xreg(in->dst);

	if (target == pc + 1 && !(c->pcflags[target] & JF_FSTART))
		return;                                      /* jump to the next insn */
	if (isa_desc(in->code)->kind == HIVE_K_JCC_X) {
		if (op == HIVE_JSET)
			emit_test_rr(c, w, dst, xreg(in->src)); /* test dst, src */
		else
			emit_alu_rr(c, w, ALU_CMP, dst, xreg(in->src)); /* cmp dst, src */
	} else if (blinds(c, in->imm)) {
		emit_blinded_imm(c, in->imm);
		if (op == HIVE_JSET)
			emit_test_rr(c, w, dst, TMP2);       /* test dst, r10 */
		else
			emit_alu_rr(c, w, ALU_CMP, dst, TMP2); /* cmp dst, r10 */
	} else if (op == HIVE_JSET) {
		if (in->imm == 0)
			return;                              /* never taken */
		emit_test_ri(c, w, dst, in->imm);            /* test dst, imm */
	} else if (in->imm == 0) {
		emit_test_rr(c, w, dst, dst);                /* test dst, dst: cmp dst, 0 */
	} else {
		emit_alu_ri(c, w, ALU_CMP, dst, in->imm);    /* cmp dst, imm */
	}
	emit_jump_pc(c, jcc_of(op), target);                 /* jcc target */
}

/* ---- dispatch ---------------------------------------------------------------- */

int jit_emit_one(struct jit_ctx *c, uint32_t pc)
{
	const struct hive_insn *in = &c->insns[pc];
	uint32_t target;

	switch (isa_desc(in->code)->kind) {
	case HIVE_K_ALU_K:
	case HIVE_K_ALU_X:
	case HIVE_K_DIV_K:
	case HIVE_K_DIV_X:
	case HIVE_K_MOV_X:
	case HIVE_K_NEG:
	case HIVE_K_END:
		emit_alu_op(c, in, pc);
		return 1;
	case HIVE_K_JA:
	case HIVE_K_JA32:
		target = (uint32_t)isa_jump_target(in, pc);
		if (target != pc + 1 || (c->pcflags[target] & JF_FSTART))
			emit_jump_pc(c, -1, target);         /* jmp target */
		return 1;
	case HIVE_K_JCC_K:
	case HIVE_K_JCC_X:
		emit_jcc_insn(c, in, pc);
		return 1;
	case HIVE_K_CALL:
		emit_call_insn(c, in, pc);
		return 1;
	case HIVE_K_EXIT:
		emit_epilogue(c);                            /* return r0 to the caller */
		return 1;
	case HIVE_K_LDDW: {
		uint64_t v = c->vm->ldimm[pc];
		int dst = xreg(in->dst);

		if (c->blind && v) {
			uint64_t key = c->blind_key ^ ((uint64_t)pc << 17);

			emit_prefix_op(c, OP_W, dst >> 3, false, (uint8_t)(0xb8 | (dst & 7)));
			emit8(c, v ^ key);                   /* movabs dst, v ^ key */
			emit_prefix_op(c, OP_W, TMP2 >> 3, false, (uint8_t)(0xb8 | (TMP2 & 7)));
			emit8(c, key);                       /* movabs r10, key */
			emit_alu_rr(c, true, ALU_XOR, dst, TMP2); /* xor dst, r10 */
		} else {
			emit_mov_imm64(c, dst, v);           /* dst = imm64 */
		}
		return 2;
	}
	case HIVE_K_LDABS:
	case HIVE_K_LDIND:
		emit_ld_pkt(c, in, pc);
		return 1;
	case HIVE_K_LDX:
	case HIVE_K_LDXSX:
		emit_ldx(c, in, pc);
		return 1;
	case HIVE_K_ST:
	case HIVE_K_STX:
		emit_st(c, in, pc);
		return 1;
	case HIVE_K_ATOMIC:
		emit_atomic(c, in, pc);
		return 1;
	default:
		return -EOPNOTSUPP;
	}
}

int jit_emit_group(struct jit_ctx *c, uint32_t pc)
{
	int k;

	if (c->pcflags[pc] & JF_ELIDED)      /* an argument setup the call does not read */
		return c->insns[pc].code == HIVE_OP_LDDW ? 2 : 1;
	k = jit_fuse(c, pc);

	return k ? k : jit_emit_one(c, pc);
}

#endif /* HIVE_JIT_X86_64 */
