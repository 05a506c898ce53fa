/*
 * fuse.c - instruction patterns compiled as one x86 sequence. eBPF has two
 * operands and no addressing modes, so compilers spell out what x86 does
 * in one instruction; these patterns recover it:
 *
 *   rA = rB; rA += imm; rA += rC          lea rA, [rB + rC + imm]
 *     ... then *(rA + off) with rA dead    the access uses [rB + rC + imm + off]
 *   rA = rB; rA <<= 32; rA >>= 32         mov rA32, rB32   (s>>=: movsxd)
 *   rA <<= 32; rB = rA; rB >>= 32         mov rB32, rA32   (rA dead)
 *   rA &= 1; rA = -rA; rA &= rB           test; cmovnz rA, rB
 *   rT = *(u64 *)(..); rD op= rT          op rD, [..]      (rT dead)
 *   rK = imm; rD op= rK / if rD cc rK     op rD, imm       (rK dead)
 *   rK = imm; *(..) = rK                  mov [..], imm    (rK dead)
 *   rA = rB; rA *= imm                    imul rA, rB, imm
 *   rA = rB; rA <<= rC                    shlx rA, rB, rC  (BMI2)
 *   rT = rX; rT >>= 64-k; rX <<= k;
 *     rX |= rT                            rol rX, k        (rT dead)
 *   if cc goto +1; rA = rB                cmovncc rA, rB   (unchecked runs)
 *   byte loads, shifts by 8n and ors
 *     recomposing a word                  one wide load (+ bswap) (unchecked)
 *
 * A pattern never spans a basic-block boundary (no instruction after the
 * first may be a jump target or follow a branch), and registers it leaves
 * with different values than the plain translation would must be dead
 * (analysis.c liveness). In checked runs every access keeps its own check
 * and pc, so only patterns that do not change what is checked are used;
 * the budget is charged per block and is unaffected.
 */
#include "jit/x86_64.h"

#if HIVE_JIT_X86_64

static const struct hive_insn *at(const struct jit_ctx *c, uint32_t pc)
{
	return &c->insns[pc];
}

/* Whether pc can be a non-first member of a group. */
static bool joins(const struct jit_ctx *c, uint32_t pc)
{
	return pc < c->n && !(c->pcflags[pc] & (JF_LEADER | JF_LDDW2 | JF_ELIDED));
}

/* Whether eBPF register @r is dead after instruction @pc. */
static bool dead(const struct jit_ctx *c, uint32_t pc, unsigned r)
{
	return !(c->live[pc] & JREG(r));
}

static unsigned kind_of(const struct hive_insn *in)
{
	return isa_desc(in->code)->kind;
}

static unsigned size_of(const struct hive_insn *in)
{
	return isa_bytes(isa_desc(in->code)->width);
}

/* ---- address arithmetic --------------------------------------------------------- */

struct addr {
	int base, index;
	int64_t disp;
};

static struct x86_mem addr_mem(const struct addr *a, int64_t off)
{
	return mem_bid(a->base, a->index, 0, (int32_t)(a->disp + off));
}

/* rA = rB followed by rA += imm, rA -= imm and at most one rA += rC:
 * returns the instructions consumed (>= 2) or 0. */
static uint32_t addr_chain(const struct jit_ctx *c, uint32_t pc, struct addr *a, unsigned *ra)
{
	const struct hive_insn *in = at(c, pc);
	uint32_t q = pc + 1;

	if (in->code != HIVE_OP_MOV64_REG || in->off || in->dst == in->src)
		return 0;
	*ra = in->dst;
	a->base = xreg(in->src);
	a->index = X86_NOREG;
	a->disp = 0;
	for (; joins(c, q); q++) {
		const struct hive_insn *nx = at(c, q);

		if (nx->dst != *ra)
			break;
		if (nx->code == HIVE_OP_ADD64_IMM && !c->blind)
			a->disp += nx->imm;
		else if (nx->code == HIVE_OP_SUB64_IMM && !c->blind)
			a->disp -= nx->imm;
		else if (nx->code == HIVE_OP_ADD64_REG && a->index == X86_NOREG && nx->src != *ra)
			a->index = xreg(nx->src);
		else
			break;
	}
	if (q == pc + 1 || !is_simm32(a->disp))
		return 0;
	return q - pc;
}

/*
 * Byte recomposition: from pc, byte/halfword loads off one base, shifts
 * left by multiples of 8 and ors, until one register holds 2, 4 or 8
 * consecutive bytes in order (little-endian) or reversed (big-endian) and
 * every other register the run wrote is dead. Emits the wide load; returns
 * the instructions consumed or 0.
 */
#define LANE_ZERO INT32_MIN

struct lanes {
	bool known;
	int32_t b[8];      /* memory offset of each byte of the value, or LANE_ZERO */
};

static bool lanes_word(const struct lanes *l, unsigned *w, int32_t *off, bool *be)
{
	unsigned n = 0, i;

	while (n < 8 && l->b[n] != LANE_ZERO)
		n++;
	if (n != 2 && n != 4 && n != 8)
		return false;
	for (i = n; i < 8; i++)
		if (l->b[i] != LANE_ZERO)
			return false;
	*w = n;
	*be = l->b[0] > l->b[n - 1];
	*off = *be ? l->b[n - 1] : l->b[0];
	for (i = 0; i < n; i++)
		if (l->b[i] != (*be ? *off + (int32_t)(n - 1 - i) : *off + (int32_t)i))
			return false;
	return true;
}

static uint32_t fuse_bytes(struct jit_ctx *c, uint32_t pc, unsigned base, const struct addr *a)
{
	struct lanes r[10];
	uint16_t written = 0;
	bool base_live = true;
	uint32_t q, best = 0, i;
	unsigned best_reg = 0, best_w = 0;
	int32_t best_off = 0;
	bool best_be = false;

	if (c->checks)
		return 0;
	for (i = 0; i < 10; i++)
		r[i].known = false;
	for (q = pc; q == pc || joins(c, q); q++) {
		const struct hive_insn *in = at(c, q);
		unsigned d = in->dst, k;
		struct lanes t;

		if ((in->code == HIVE_OP_LDXB || in->code == HIVE_OP_LDXH) && in->src == base &&
		    base_live && d < 10) {
			t.known = true;
			for (k = 0; k < 8; k++)
				t.b[k] = LANE_ZERO;
			t.b[0] = in->off;
			if (in->code == HIVE_OP_LDXH)
				t.b[1] = in->off + 1;
			r[d] = t;
			if (d == base)
				base_live = false;
		} else if ((in->code == HIVE_OP_LSH64_IMM || in->code == HIVE_OP_LSH_IMM) &&
			   d < 10 && r[d].known && in->imm > 0 && in->imm % 8 == 0 &&
			   in->imm < (in->code == HIVE_OP_LSH_IMM ? 32 : 64)) {
			unsigned sh = (unsigned)in->imm / 8, lim = in->code == HIVE_OP_LSH_IMM ? 4 : 8;

			for (k = 8; k-- > 0;)
				r[d].b[k] = k >= sh && k < lim ? r[d].b[k - sh] : LANE_ZERO;
		} else if ((in->code == HIVE_OP_OR64_REG || in->code == HIVE_OP_OR_REG) && d < 10 &&
			   in->src < 10 && r[d].known && r[in->src].known && d != in->src) {
			unsigned lim = in->code == HIVE_OP_OR_REG ? 4 : 8;

			for (k = 0; k < 8; k++) {
				int32_t x = r[d].b[k], y = r[in->src].b[k];

				if (x != LANE_ZERO && y != LANE_ZERO)
					return best;
				r[d].b[k] = k >= lim ? LANE_ZERO : x != LANE_ZERO ? x : y;
			}
		} else {
			break;
		}
		written |= (uint16_t)JREG(d);
		/* a complete word in d, everything else written here dead? */
		{
			unsigned w;
			int32_t off;
			bool be;
			uint16_t others = (uint16_t)(written & ~JREG(d));

			if (base_live && base != d)
				others &= (uint16_t)~JREG(base);
			if (a && base != d)
				others |= (uint16_t)JREG(base);   /* the fused address register */
			if (q > pc + 1 && lanes_word(&r[d], &w, &off, &be) &&
			    !(c->live[q] & others)) {
				best = q - pc + 1;
				best_reg = d;
				best_w = w;
				best_off = off;
				best_be = be;
			}
		}
	}
	if (!best)
		return 0;
	{
		struct x86_mem m = a ? addr_mem(a, best_off) : mem_bd(xreg(base), best_off);
		int dst = xreg(best_reg);

		if (a && !is_simm32(a->disp + best_off))
			return 0;
		emit_load(c, best_w, dst, &m);                   /* the whole word at once */
		if (best_be) {
			if (best_w == 2)
				emit_shift_ri(c, OP_66, SH_ROL, dst, 8); /* rol dst16, 8 */
			else
				emit_bswap(c, best_w == 8, dst); /* bswap dst */
		}
	}
	return best;
}

/* Address chain, then an access through it (rA dead), a byte run, or lea. */
static uint32_t fuse_addr(struct jit_ctx *c, uint32_t pc)
{
	struct addr a;
	unsigned ra, kind;
	uint32_t len = addr_chain(c, pc, &a, &ra), q = pc + len, k;
	const struct hive_insn *nx;
	struct x86_mem m;

	if (!len)
		return 0;
	if (joins(c, q)) {
		nx = at(c, q);
		kind = kind_of(nx);
		if ((kind == HIVE_K_LDX || kind == HIVE_K_LDXSX) && nx->src == ra &&
		    (nx->dst == ra || dead(c, q, ra)) && is_simm32(a.disp + nx->off)) {
			m = emit_access_mem(c, q, addr_mem(&a, nx->off), size_of(nx), HIVE_PROT_READ,
					    false);
			if (kind == HIVE_K_LDXSX)
				emit_load_sx(c, size_of(nx), xreg(nx->dst), &m);
			else
				emit_load(c, size_of(nx), xreg(nx->dst), &m);
			return len + 1;
		}
		if ((kind == HIVE_K_STX || kind == HIVE_K_ST) && nx->dst == ra && dead(c, q, ra) &&
		    !(kind == HIVE_K_STX && nx->src == ra) && !(kind == HIVE_K_ST && c->blind) &&
		    is_simm32(a.disp + nx->off)) {
			m = emit_access_mem(c, q, addr_mem(&a, nx->off), size_of(nx),
					    HIVE_PROT_WRITE, false);
			if (kind == HIVE_K_STX)
				emit_store(c, size_of(nx), &m, xreg(nx->src));
			else
				emit_store_imm(c, size_of(nx), &m, nx->imm);
			return len + 1;
		}
		k = fuse_bytes(c, q, ra, &a);
		if (k)
			return len + k;
	}
	if (a.index == X86_NOREG && a.disp == 0) {
		emit_mov_rr(c, true, xreg(ra), a.base);
	} else {
		m = addr_mem(&a, 0);
		emit_lea(c, true, xreg(ra), &m);                 /* lea rA, [rB + rC + imm] */
	}
	return len;
}

/* ---- extensions, three-operand forms, rotates ------------------------------------ */

/* [rA = rB;] rA <<= 32; rA >>= 32 (or s>>= 32, or by 48/56) */
static uint32_t fuse_ext(struct jit_ctx *c, uint32_t pc)
{
	const struct hive_insn *in = at(c, pc), *sh, *sh2;
	uint32_t q = pc;
	unsigned ra = in->dst, src = in->dst, bits;
	bool sx;

	if (in->code == HIVE_OP_MOV64_REG && !in->off) {
		src = in->src;
		q++;
		if (!joins(c, q))
			return 0;
	}
	sh = at(c, q);
	if (sh->code != HIVE_OP_LSH64_IMM || sh->dst != ra || !joins(c, q + 1))
		return 0;
	sh2 = at(c, q + 1);
	if ((sh2->code != HIVE_OP_RSH64_IMM && sh2->code != HIVE_OP_ARSH64_IMM) ||
	    sh2->dst != ra || sh2->imm != sh->imm ||
	    (sh->imm != 32 && sh->imm != 48 && sh->imm != 56))
		return 0;
	bits = 64 - (unsigned)sh->imm;
	sx = sh2->code == HIVE_OP_ARSH64_IMM;
	if (sx)
		emit_movsx_rr(c, true, bits, xreg(ra), xreg(src)); /* movsx rA, rB32/16/8 */
	else if (bits == 32)
		emit_mov_rr(c, false, xreg(ra), xreg(src));      /* mov rA32, rB32 */
	else
		emit_movzx_rr(c, bits, xreg(ra), xreg(src));     /* movzx rA32, rB16/8 */
	return q + 2 - pc;
}

/* rA <<= k; rB = rA; rB >>= k (k = 32/48/56), rA dead: one extension */
static uint32_t fuse_shift_mov_ext(struct jit_ctx *c, uint32_t pc)
{
	const struct hive_insn *sh = at(c, pc), *mv, *sh2;
	unsigned bits;

	if (sh->code != HIVE_OP_LSH64_IMM || (sh->imm != 32 && sh->imm != 48 && sh->imm != 56) ||
	    !joins(c, pc + 1) || !joins(c, pc + 2))
		return 0;
	mv = at(c, pc + 1);
	sh2 = at(c, pc + 2);
	if (mv->code != HIVE_OP_MOV64_REG || mv->off || mv->src != sh->dst || mv->dst == sh->dst ||
	    (sh2->code != HIVE_OP_RSH64_IMM && sh2->code != HIVE_OP_ARSH64_IMM) ||
	    sh2->dst != mv->dst || sh2->imm != sh->imm || !dead(c, pc + 2, sh->dst))
		return 0;
	bits = 64 - (unsigned)sh->imm;
	if (sh2->code == HIVE_OP_ARSH64_IMM)
		emit_movsx_rr(c, true, bits, xreg(mv->dst), xreg(sh->dst)); /* movsx rB, rA32/16/8 */
	else if (bits == 32)
		emit_mov_rr(c, false, xreg(mv->dst), xreg(sh->dst));      /* mov rB32, rA32 */
	else
		emit_movzx_rr(c, bits, xreg(mv->dst), xreg(sh->dst));     /* movzx rB32, rA16/8 */
	return 3;
}

/*
 * rA &= 1; rA = -rA; rA &= rB: a mask from the low bit (CRC and other
 * branchless code), i.e. rA = (rA & 1) ? rB : 0. As test + cmov it is two
 * cycles of latency instead of three.
 */
static uint32_t fuse_lowbit_mask(struct jit_ctx *c, uint32_t pc)
{
	const struct hive_insn *a1 = at(c, pc), *ng, *a2;
	bool w = a1->code == HIVE_OP_AND64_IMM;
	int ra = xreg(a1->dst);

	if ((a1->code != HIVE_OP_AND64_IMM && a1->code != HIVE_OP_AND_IMM) || a1->imm != 1 ||
	    c->blind || !joins(c, pc + 1) || !joins(c, pc + 2))
		return 0;
	ng = at(c, pc + 1);
	a2 = at(c, pc + 2);
	if (ng->code != (w ? HIVE_OP_NEG64 : HIVE_OP_NEG) || ng->dst != a1->dst ||
	    a2->code != (w ? HIVE_OP_AND64_REG : HIVE_OP_AND_REG) || a2->dst != a1->dst ||
	    a2->src == a1->dst)
		return 0;
	emit_test_ri(c, false, ra, 1);                       /* test rA8, 1 */
	emit_mov_imm64_keepflags(c, ra, 0);                  /* mov rA32, 0 */
	emit_cmov(c, w, CC_NE, ra, xreg(a2->src));           /* cmovnz rA, rB */
	return 3;
}

/* rA = rB; then imul by imm, shift by a register (BMI2), shift left by 1..3 */
static uint32_t fuse_mov_op(struct jit_ctx *c, uint32_t pc)
{
	const struct hive_insn *in = at(c, pc), *nx;
	int ra = xreg(in->dst), rb = xreg(in->src);
	uint8_t op;
	bool w;

	if ((in->code != HIVE_OP_MOV64_REG && in->code != HIVE_OP_MOV_REG) || in->off ||
	    in->dst == in->src || !joins(c, pc + 1))
		return 0;
	nx = at(c, pc + 1);
	w = in->code == HIVE_OP_MOV64_REG;
	if (nx->dst != in->dst || (HIVE_CLASS(nx->code) == HIVE_ALU64) != w)
		return 0;
	op = nx->code & 0xf0;
	if (kind_of(nx) == HIVE_K_ALU_K && op == HIVE_MUL && !c->blind) {
		emit_imul_rri(c, w, ra, rb, nx->imm);            /* imul rA, rB, imm */
		return 2;
	}
	if (kind_of(nx) == HIVE_K_ALU_X && c->bmi2 && nx->src != in->dst &&
	    (op == HIVE_LSH || op == HIVE_RSH || op == HIVE_ARSH)) {
		unsigned pp = op == HIVE_LSH ? 1 : op == HIVE_RSH ? 3 : 2;

		emit_shiftx(c, w, pp, ra, rb, xreg(nx->src));    /* shlx rA, rB, rC */
		return 2;
	}
	if (w && nx->code == HIVE_OP_LSH64_IMM && nx->imm >= 1 && nx->imm <= 3) {
		struct x86_mem m = nx->imm == 1 ? mem_bid(rb, rb, 0, 0) :
				   mem_bid(X86_NOREG, rb, (unsigned)nx->imm, 0);

		if (nx->imm == 1) {
			emit_lea(c, true, ra, &m);               /* lea rA, [rB + rB] */
		} else {
			/* no base: [index * scale + disp32] */
			emit_prefix_op(c, OP_W, ((ra >> 3) << 2) | ((rb >> 3) << 1), false, 0x8d);
			emit1(c, (uint8_t)(((ra & 7) << 3) | 4));
			emit1(c, (uint8_t)(nx->imm << 6 | (rb & 7) << 3 | 5));
			emit4(c, 0);                             /* lea rA, [rB * 2^k] */
		}
		return 2;
	}
	return 0;
}

/* rT = rX; rT >>= 64-k; rX <<= k; rX |= rT (either shift first) -> rol */
static uint32_t fuse_rotate(struct jit_ctx *c, uint32_t pc)
{
	const struct hive_insn *mv = at(c, pc), *s1, *s2, *o;
	unsigned t = mv->dst, x = mv->src;
	int rot;

	if (mv->code != HIVE_OP_MOV64_REG || mv->off || t == x || !joins(c, pc + 1) ||
	    !joins(c, pc + 2) || !joins(c, pc + 3))
		return 0;
	s1 = at(c, pc + 1);
	s2 = at(c, pc + 2);
	o = at(c, pc + 3);
	if (o->code != HIVE_OP_OR64_REG || o->dst != x || o->src != t || !dead(c, pc + 3, t))
		return 0;
	if (s1->dst != t || s2->dst != x)
		return 0;
	if (s1->code == HIVE_OP_RSH64_IMM && s2->code == HIVE_OP_LSH64_IMM &&
	    s1->imm + s2->imm == 64 && s2->imm > 0 && s2->imm < 64)
		rot = s2->imm;
	else if (s1->code == HIVE_OP_LSH64_IMM && s2->code == HIVE_OP_RSH64_IMM &&
		 s1->imm + s2->imm == 64 && s1->imm > 0 && s1->imm < 64)
		rot = 64 - s2->imm;
	else
		return 0;
	emit_shift_ri(c, OP_W, SH_ROL, xreg(x), (uint8_t)rot);  /* rol rX, k */
	return 4;
}

/* ---- operands from memory and constants -------------------------------------------- */

/* ALU/compare opcode with a memory or register second operand:
 * reg = reg op r/m. Returns false for ops without such a form. */
static bool op_rm(uint8_t op, uint8_t *opc, bool *two)
{
	*two = false;
	switch (op) {
	case HIVE_ADD: *opc = 0x03; return true;     /* add r, r/m */
	case HIVE_SUB: *opc = 0x2b; return true;     /* sub r, r/m */
	case HIVE_AND: *opc = 0x23; return true;     /* and r, r/m */
	case HIVE_OR:  *opc = 0x0b; return true;     /* or r, r/m */
	case HIVE_XOR: *opc = 0x33; return true;     /* xor r, r/m */
	case HIVE_MUL: *opc = 0xaf; *two = true; return true; /* imul r, r/m */
	default:       return false;
	}
}

/* rT = *(u64 *)(B + off) (or u32 with a 32-bit user); rD op= rT or
 * if rD cc rT (either side), rT dead afterwards. */
static uint32_t fuse_load_op(struct jit_ctx *c, uint32_t pc)
{
	const struct hive_insn *ld = at(c, pc), *nx;
	unsigned t = ld->dst, size = size_of(ld), k;
	bool w, two, swapped;
	struct x86_mem m;
	uint8_t opc;

	if (kind_of(ld) != HIVE_K_LDX || (size != 8 && size != 4) || !joins(c, pc + 1) ||
	    ld->src == t)
		return 0;
	nx = at(c, pc + 1);
	k = kind_of(nx);
	w = HIVE_CLASS(nx->code) == HIVE_ALU64 || HIVE_CLASS(nx->code) == HIVE_JMP;
	if (w != (size == 8) || !dead(c, pc + 1, t))
		return 0;
	if (k == HIVE_K_ALU_X && nx->src == t && nx->dst != t && op_rm(nx->code & 0xf0, &opc, &two)) {
		m = emit_access(c, pc, ld->src, ld->off, size, HIVE_PROT_READ, false);
		emit_op_rm(c, (w ? OP_W : 0) | (two ? OP_0F : 0), opc, xreg(nx->dst), &m);
		return 2;
	}
	if (k == HIVE_K_JCC_X && (nx->src == t) != (nx->dst == t)) {
		uint32_t target = (uint32_t)isa_jump_target(nx, pc + 1);
		uint8_t op = nx->code & 0xf0;
		unsigned other = nx->src == t ? nx->dst : nx->src;

		swapped = nx->dst == t;     /* if [mem] cc other */
		m = emit_access(c, pc, ld->src, ld->off, size, HIVE_PROT_READ, false);
		if (op == HIVE_JSET)
			emit_op_rm(c, w ? OP_W : 0, 0x85, xreg(other), &m); /* test [m], other */
		else
			emit_op_rm(c, w ? OP_W : 0, swapped ? 0x39 : 0x3b, xreg(other), &m);
		/* cmp [m], other keeps the operand order; cmp other, [m] too */
		emit_jump_pc(c, jcc_of(op), target);
		return 2;
	}
	return 0;
}

/* Condition for "b cc a" given the one for "a cc b". */
static enum x86_cc cc_swap(enum x86_cc cc)
{
	switch (cc) {
	case CC_A:  return CC_B;
	case CC_AE: return CC_BE;
	case CC_B:  return CC_A;
	case CC_BE: return CC_AE;
	case CC_G:  return CC_L;
	case CC_GE: return CC_LE;
	case CC_L:  return CC_G;
	case CC_LE: return CC_GE;
	default:    return cc;      /* E, NE (and test) are symmetric */
	}
}

/* rK = imm (rK dead after its single use): use the immediate directly. */
static uint32_t fuse_const(struct jit_ctx *c, uint32_t pc)
{
	const struct hive_insn *mv = at(c, pc), *nx;
	unsigned kreg = mv->dst, k;
	bool w64 = mv->code == HIVE_OP_MOV64_IMM;

	if ((mv->code != HIVE_OP_MOV64_IMM && mv->code != HIVE_OP_MOV_IMM) || c->blind ||
	    !joins(c, pc + 1))
		return 0;
	/* a 32-bit mov zero-extends: only usable where imm is read as 32 bits
	 * or is non-negative */
	nx = at(c, pc + 1);
	k = kind_of(nx);
	if (!dead(c, pc + 1, kreg) || (!w64 && mv->imm < 0 && HIVE_CLASS(nx->code) != HIVE_ALU &&
				       HIVE_CLASS(nx->code) != HIVE_JMP32 && k != HIVE_K_STX))
		return 0;
	if (k == HIVE_K_STX && nx->src == kreg && nx->dst != kreg &&
	    (size_of(nx) < 8 || w64 || mv->imm >= 0)) {
		struct x86_mem m = emit_access(c, pc + 1, nx->dst, nx->off, size_of(nx),
					       HIVE_PROT_WRITE, false);

		emit_store_imm(c, size_of(nx), &m, mv->imm);     /* mov [..], imm */
		return 2;
	}
	if (k == HIVE_K_JCC_X && (nx->src == kreg) != (nx->dst == kreg)) {
		uint8_t op = nx->code & 0xf0;
		bool w = HIVE_CLASS(nx->code) == HIVE_JMP;
		unsigned other = nx->src == kreg ? nx->dst : nx->src;
		enum x86_cc cc = jcc_of(op);

		if (op == HIVE_JSET) {
			if (mv->imm == 0 && w64)
				return 0;               /* never taken: leave to the plain path */
			emit_test_ri(c, w, xreg(other), mv->imm);
		} else {
			emit_alu_ri(c, w, ALU_CMP, xreg(other), mv->imm); /* cmp other, imm */
			if (nx->dst == kreg)
				cc = cc_swap(cc);       /* imm cc other == other cc' imm */
		}
		emit_jump_pc(c, cc, (uint32_t)isa_jump_target(nx, pc + 1));
		return 2;
	}
	if (k == HIVE_K_ALU_X && nx->src == kreg && nx->dst != kreg &&
	    (HIVE_CLASS(nx->code) == HIVE_ALU64) == w64) {
		struct hive_insn alt = *nx;

		/* same instruction in its K form, handled by the ALU emitter */
		alt.code = (uint8_t)(nx->code & ~HIVE_X);
		alt.src = 0;
		alt.imm = mv->imm;
		if ((alt.code & 0xf0) == HIVE_DIV || (alt.code & 0xf0) == HIVE_MOD ||
		    (alt.code & 0xf0) == HIVE_MOV)
			return 0;
		emit_alu_op(c, &alt, pc + 1);
		return 2;
	}
	return 0;
}

/* ---- conditional moves (unchecked runs) ---------------------------------------------- */

/* if rX cc rY/imm goto +1; rA = rB (64-bit)  ->  cmp; cmovncc rA, rB */
static uint32_t fuse_cmov(struct jit_ctx *c, uint32_t pc)
{
	const struct hive_insn *j = at(c, pc), *mv;
	unsigned k = kind_of(j);
	bool w = HIVE_CLASS(j->code) == HIVE_JMP;
	uint8_t op = j->code & 0xf0;
	int src;

	if (c->checks || (k != HIVE_K_JCC_K && k != HIVE_K_JCC_X) || j->off != 1 ||
	    pc + 1 >= c->n || (c->pcflags[pc + 1] & (JF_TARGET | JF_LDDW2 | JF_ELIDED)) ||
	    c->blind)
		return 0;
	mv = at(c, pc + 1);
	if (mv->code == HIVE_OP_MOV64_REG && !mv->off) {
		src = xreg(mv->src);
	} else if (mv->code == HIVE_OP_MOV64_IMM) {
		emit_mov_imm64_keepflags(c, TMP, (uint64_t)(int64_t)mv->imm); /* r11 = imm */
		src = TMP;
	} else {
		return 0;
	}
	if (k == HIVE_K_JCC_X) {
		if (op == HIVE_JSET)
			emit_test_rr(c, w, xreg(j->dst), xreg(j->src));
		else
			emit_alu_rr(c, w, ALU_CMP, xreg(j->dst), xreg(j->src));
	} else if (op == HIVE_JSET) {
		emit_test_ri(c, w, xreg(j->dst), j->imm);
	} else {
		emit_alu_ri(c, w, ALU_CMP, xreg(j->dst), j->imm);
	}
	emit_cmov(c, true, (enum x86_cc)(jcc_of(op) ^ 1), xreg(mv->dst), src); /* rA = cond ? rA : rB */
	return 2;
}

int jit_fuse(struct jit_ctx *c, uint32_t pc)
{
	const struct hive_insn *in = at(c, pc);
	uint32_t k = 0;

	switch (in->code) {
	case HIVE_OP_MOV64_REG:
		k = fuse_ext(c, pc);
		if (!k)
			k = fuse_rotate(c, pc);
		if (!k)
			k = fuse_addr(c, pc);
		if (!k)
			k = fuse_mov_op(c, pc);
		break;
	case HIVE_OP_MOV_REG:
		k = fuse_mov_op(c, pc);
		break;
	case HIVE_OP_LSH64_IMM:
		k = fuse_ext(c, pc);
		if (!k)
			k = fuse_shift_mov_ext(c, pc);
		break;
	case HIVE_OP_AND64_IMM:
	case HIVE_OP_AND_IMM:
		k = fuse_lowbit_mask(c, pc);
		break;
	case HIVE_OP_MOV64_IMM:
	case HIVE_OP_MOV_IMM:
		k = fuse_const(c, pc);
		break;
	case HIVE_OP_LDXB:
	case HIVE_OP_LDXH:
		if (in->src < 10)
			k = fuse_bytes(c, pc, in->src, NULL);
		break;
	case HIVE_OP_LDXW:
	case HIVE_OP_LDXDW:
		k = fuse_load_op(c, pc);
		break;
	default:
		if (isa_desc(in->code)->kind == HIVE_K_JCC_K || isa_desc(in->code)->kind == HIVE_K_JCC_X)
			k = fuse_cmov(c, pc);
		break;
	}
	return (int)k;
}

#endif /* HIVE_JIT_X86_64 */
