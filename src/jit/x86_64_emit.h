/*
 * x86_64_emit.h - x86-64 instruction encoders for the JIT: REX prefixes,
 * ModRM/SIB memory operands, immediates, VEX (BMI2 shifts), jumps.
 *
 * Every encoder appends to the current instruction buffer of a struct
 * jit_ctx (jit_internal.h) through emit1(). The comment on each encoder
 * names the assembly it produces, in Intel syntax. Nothing here knows about
 * eBPF: the register map and the per-opcode code generation live in
 * x86_64.c.
 */
#ifndef HIVE_JIT_X86_64_EMIT_H
#define HIVE_JIT_X86_64_EMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "jit/jit_internal.h"

/* Hardware register numbers (ModRM / REX encoding order). */
enum x86_reg {
	RAX = 0, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
	R8, R9, R10, R11, R12, R13, R14, R15,
	X86_NOREG = -1,
};

/* Condition codes (low nibble of Jcc / SETcc / CMOVcc). */
enum x86_cc {
	CC_O = 0x0, CC_NO = 0x1, CC_B = 0x2, CC_AE = 0x3, CC_E = 0x4, CC_NE = 0x5,
	CC_BE = 0x6, CC_A = 0x7, CC_S = 0x8, CC_NS = 0x9, CC_L = 0xc, CC_GE = 0xd,
	CC_LE = 0xe, CC_G = 0xf,
};

/* Opcode flags of emit_op(). */
#define OP_W     0x01u   /* REX.W: 64-bit operand size */
#define OP_66    0x02u   /* 0x66 prefix: 16-bit operand size */
#define OP_BYTE  0x04u   /* 8-bit register operand: spl..dil need a REX */
#define OP_0F    0x08u   /* two-byte opcode 0x0f xx */
#define OP_LOCK  0x10u   /* lock prefix */
#define OP_F3    0x20u   /* 0xf3 prefix (before REX) */
#define OP_0F38  0x40u   /* three-byte opcode 0x0f 0x38 xx */

/* A memory operand [base + index*scale + disp]; index X86_NOREG for none. */
struct x86_mem {
	int base;
	int index;
	uint8_t scale;   /* 0..3: log2 of the index multiplier */
	int32_t disp;
};

static inline struct x86_mem mem_bd(int base, int32_t disp)
{
	return (struct x86_mem){ .base = base, .index = X86_NOREG, .scale = 0, .disp = disp };
}

static inline struct x86_mem mem_bid(int base, int index, unsigned scale, int32_t disp)
{
	return (struct x86_mem){ .base = base, .index = index, .scale = (uint8_t)scale,
				 .disp = disp };
}

static inline bool is_imm8(int64_t v)
{
	return v >= -128 && v <= 127;
}

static inline bool is_simm32(int64_t v)
{
	return v >= INT32_MIN && v <= INT32_MAX;
}

static inline bool is_uimm32(uint64_t v)
{
	return v <= UINT32_MAX;
}

static inline void emit1(struct jit_ctx *c, uint8_t b)
{
	if (c->ilen < JIT_INSN_MAX)
		c->ibuf[c->ilen] = b;
	c->ilen++;
}

static inline void emit2(struct jit_ctx *c, uint8_t a, uint8_t b)
{
	emit1(c, a);
	emit1(c, b);
}

static inline void emit4(struct jit_ctx *c, uint32_t v)
{
	emit1(c, (uint8_t)v);
	emit1(c, (uint8_t)(v >> 8));
	emit1(c, (uint8_t)(v >> 16));
	emit1(c, (uint8_t)(v >> 24));
}

static inline void emit8(struct jit_ctx *c, uint64_t v)
{
	emit4(c, (uint32_t)v);
	emit4(c, (uint32_t)(v >> 32));
}

/* Legacy prefixes, REX and opcode bytes; rex_rxb carries R/X/B bits. */
static inline void emit_prefix_op(struct jit_ctx *c, unsigned flags, unsigned rex_rxb,
				  bool force_rex, uint8_t opcode)
{
	unsigned rex = 0x40 | ((flags & OP_W) ? 8 : 0) | rex_rxb;

	if (flags & OP_LOCK)
		emit1(c, 0xf0);
	if (flags & OP_66)
		emit1(c, 0x66);
	if (flags & OP_F3)
		emit1(c, 0xf3);
	if (rex != 0x40 || force_rex)
		emit1(c, (uint8_t)rex);
	if (flags & (OP_0F | OP_0F38))
		emit1(c, 0x0f);
	if (flags & OP_0F38)
		emit1(c, 0x38);
	emit1(c, opcode);
}

/* op reg, rm (register form, ModRM mod=11): e.g. 0x01 "add rm, reg". */
static inline void emit_op_rr(struct jit_ctx *c, unsigned flags, uint8_t opcode, int reg, int rm)
{
	bool force = (flags & OP_BYTE) && ((reg >= 4 && reg < 8) || (rm >= 4 && rm < 8));

	emit_prefix_op(c, flags, ((reg >> 3) << 2) | (rm >> 3), force, opcode);
	emit1(c, (uint8_t)(0xc0 | ((reg & 7) << 3) | (rm & 7)));
}

/* ModRM/SIB/displacement for a memory operand with ModRM.reg = reg. */
static inline void emit_modrm_mem(struct jit_ctx *c, int reg, const struct x86_mem *m)
{
	int base = m->base & 7;
	unsigned mod;

	if (m->disp == 0 && base != 5)
		mod = 0;
	else if (is_imm8(m->disp))
		mod = 1;
	else
		mod = 2;
	if (m->index != X86_NOREG || base == 4) {
		int index = m->index == X86_NOREG ? 4 : (m->index & 7);

		emit1(c, (uint8_t)((mod << 6) | ((reg & 7) << 3) | 4));
		emit1(c, (uint8_t)((m->scale << 6) | (index << 3) | base));
	} else {
		emit1(c, (uint8_t)((mod << 6) | ((reg & 7) << 3) | base));
	}
	if (mod == 1)
		emit1(c, (uint8_t)m->disp);
	else if (mod == 2)
		emit4(c, (uint32_t)m->disp);
}

/* op reg, [mem] / op [mem], reg (direction is in the opcode). */
static inline void emit_op_rm(struct jit_ctx *c, unsigned flags, uint8_t opcode, int reg,
			      const struct x86_mem *m)
{
	unsigned rxb = ((reg >> 3) << 2) | (m->base >> 3);
	bool force = (flags & OP_BYTE) && reg >= 4 && reg < 8;

	if (m->index != X86_NOREG)
		rxb |= (unsigned)(m->index >> 3) << 1;
	emit_prefix_op(c, flags, rxb, force, opcode);
	emit_modrm_mem(c, reg, m);
}

/* ---- moves ------------------------------------------------------------ */

/* mov dst, src (64-bit, or 32-bit zero-extending when !w). */
static inline void emit_mov_rr(struct jit_ctx *c, bool w, int dst, int src)
{
	emit_op_rr(c, w ? OP_W : 0, 0x89, src, dst);
}

/*
 * dst = imm (64-bit value): xor for 0, mov r32 for values that fit in 32
 * unsigned bits, mov r/m64 imm32 for sign-extended 32-bit, movabs otherwise.
 * Clobbers flags when imm is 0 (xor).
 */
static inline void emit_mov_imm64(struct jit_ctx *c, int dst, uint64_t imm)
{
	if (imm == 0) {
		emit_op_rr(c, 0, 0x31, dst, dst);                   /* xor dst32, dst32 */
	} else if (is_uimm32(imm)) {
		emit_prefix_op(c, 0, dst >> 3, false, (uint8_t)(0xb8 | (dst & 7)));
		emit4(c, (uint32_t)imm);                            /* mov dst32, imm32 */
	} else if (is_simm32((int64_t)imm)) {
		emit_op_rr(c, OP_W, 0xc7, 0, dst);                  /* mov dst, simm32 */
		emit4(c, (uint32_t)imm);
	} else {
		emit_prefix_op(c, OP_W, dst >> 3, false, (uint8_t)(0xb8 | (dst & 7)));
		emit8(c, imm);                                      /* movabs dst, imm64 */
	}
}

/* Same as emit_mov_imm64 but never touches flags (no xor for 0). */
static inline void emit_mov_imm64_keepflags(struct jit_ctx *c, int dst, uint64_t imm)
{
	if (imm == 0) {
		emit_prefix_op(c, 0, dst >> 3, false, (uint8_t)(0xb8 | (dst & 7)));
		emit4(c, 0);                                        /* mov dst32, 0 */
	} else {
		emit_mov_imm64(c, dst, imm);
	}
}

/* lea dst, [mem] */
static inline void emit_lea(struct jit_ctx *c, bool w, int dst, const struct x86_mem *m)
{
	emit_op_rm(c, w ? OP_W : 0, 0x8d, dst, m);
}

/* push reg / pop reg */
static inline void emit_push(struct jit_ctx *c, int reg)
{
	if (reg >= 8)
		emit1(c, 0x41);
	emit1(c, (uint8_t)(0x50 | (reg & 7)));
}

static inline void emit_pop(struct jit_ctx *c, int reg)
{
	if (reg >= 8)
		emit1(c, 0x41);
	emit1(c, (uint8_t)(0x58 | (reg & 7)));
}

/* ---- ALU -------------------------------------------------------------- */

/* Group-1 ALU ops: the /digit of 0x81/0x83 and the base of "op rm, reg". */
enum x86_alu {
	ALU_ADD = 0, ALU_OR = 1, ALU_ADC = 2, ALU_SBB = 3, ALU_AND = 4, ALU_SUB = 5,
	ALU_XOR = 6, ALU_CMP = 7,
};

/* op dst, src (register form): add/or/and/sub/xor/cmp. */
static inline void emit_alu_rr(struct jit_ctx *c, bool w, enum x86_alu op, int dst, int src)
{
	emit_op_rr(c, w ? OP_W : 0, (uint8_t)(op * 8 + 1), src, dst);
}

/* op dst, imm32 (sign-extended for 64-bit), imm8 form when it fits. */
static inline void emit_alu_ri(struct jit_ctx *c, bool w, enum x86_alu op, int dst, int32_t imm)
{
	if (is_imm8(imm)) {
		emit_op_rr(c, w ? OP_W : 0, 0x83, op, dst);
		emit1(c, (uint8_t)imm);
	} else if (dst == RAX) {
		emit_prefix_op(c, w ? OP_W : 0, 0, false, (uint8_t)(op * 8 + 5));
		emit4(c, (uint32_t)imm);                            /* op eax/rax, imm32 */
	} else {
		emit_op_rr(c, w ? OP_W : 0, 0x81, op, dst);
		emit4(c, (uint32_t)imm);
	}
}

/* op [mem], imm32 (64-bit when w): used on run fields (budget). */
static inline void emit_alu_mi(struct jit_ctx *c, bool w, enum x86_alu op,
			       const struct x86_mem *m, int32_t imm)
{
	if (is_imm8(imm)) {
		emit_op_rm(c, w ? OP_W : 0, 0x83, op, m);
		emit1(c, (uint8_t)imm);
	} else {
		emit_op_rm(c, w ? OP_W : 0, 0x81, op, m);
		emit4(c, (uint32_t)imm);
	}
}

/* test dst, src */
static inline void emit_test_rr(struct jit_ctx *c, bool w, int a, int b)
{
	emit_op_rr(c, w ? OP_W : 0, 0x85, b, a);
}

/* test dst, imm32 (imm8 form on al..bl / low byte when it fits unsigned). */
static inline void emit_test_ri(struct jit_ctx *c, bool w, int dst, int32_t imm)
{
	if (imm >= 0 && imm <= 0xff) {
		emit_op_rr(c, OP_BYTE, 0xf6, 0, dst);               /* test dst8, imm8 */
		emit1(c, (uint8_t)imm);
	} else if (dst == RAX) {
		emit_prefix_op(c, w ? OP_W : 0, 0, false, 0xa9);
		emit4(c, (uint32_t)imm);
	} else {
		emit_op_rr(c, w ? OP_W : 0, 0xf7, 0, dst);
		emit4(c, (uint32_t)imm);
	}
}

/* Group-3 unary ops on a register: F7 /2 not, /3 neg, /4 mul, /6 div, /7 idiv. */
static inline void emit_grp3(struct jit_ctx *c, bool w, unsigned digit, int reg)
{
	emit_op_rr(c, w ? OP_W : 0, 0xf7, (int)digit, reg);
}

/* imul dst, src */
static inline void emit_imul_rr(struct jit_ctx *c, bool w, int dst, int src)
{
	emit_op_rr(c, (w ? OP_W : 0) | OP_0F, 0xaf, dst, src);
}

/* imul dst, src, imm32 */
static inline void emit_imul_rri(struct jit_ctx *c, bool w, int dst, int src, int32_t imm)
{
	if (is_imm8(imm)) {
		emit_op_rr(c, w ? OP_W : 0, 0x6b, dst, src);
		emit1(c, (uint8_t)imm);
	} else {
		emit_op_rr(c, w ? OP_W : 0, 0x69, dst, src);
		emit4(c, (uint32_t)imm);
	}
}

/* Group-2 shifts: C1 /digit imm8 (D1 for 1): /0 rol, /1 ror, /4 shl, /5 shr, /7 sar. */
enum x86_shift { SH_ROL = 0, SH_ROR = 1, SH_SHL = 4, SH_SHR = 5, SH_SAR = 7 };

static inline void emit_shift_ri(struct jit_ctx *c, unsigned flags, enum x86_shift op, int dst,
				 uint8_t count)
{
	if (count == 1) {
		emit_op_rr(c, flags, 0xd1, op, dst);
	} else {
		emit_op_rr(c, flags, 0xc1, op, dst);
		emit1(c, count);
	}
}

/* shift dst, cl */
static inline void emit_shift_cl(struct jit_ctx *c, bool w, enum x86_shift op, int dst)
{
	emit_op_rr(c, w ? OP_W : 0, 0xd3, op, dst);
}

/*
 * BMI2 shlx/shrx/sarx dst, src, count: VEX.LZ.{66,F2,F3}.0F38.W{0,1} F7 /r.
 * pp: 1 = 66 (shlx), 2 = F3 (sarx), 3 = F2 (shrx). The count is masked to
 * 5/6 bits by the hardware, as eBPF requires.
 */
static inline void emit_shiftx(struct jit_ctx *c, bool w, unsigned pp, int dst, int src, int cnt)
{
	emit1(c, 0xc4);
	emit1(c, (uint8_t)(((~dst >> 3) & 1) << 7 | 1 << 6 | ((~src >> 3) & 1) << 5 | 0x02));
	emit1(c, (uint8_t)((w ? 0x80 : 0) | ((~cnt & 15) << 3) | pp));
	emit1(c, 0xf7);
	emit1(c, (uint8_t)(0xc0 | ((dst & 7) << 3) | (src & 7)));
}

/* rorx dst, src, imm8 (BMI2): VEX.LZ.F2.0F3A.W{0,1} F0 /r ib. */
static inline void emit_rorx(struct jit_ctx *c, bool w, int dst, int src, uint8_t imm)
{
	emit1(c, 0xc4);
	emit1(c, (uint8_t)(((~dst >> 3) & 1) << 7 | 1 << 6 | ((~src >> 3) & 1) << 5 | 0x03));
	emit1(c, (uint8_t)((w ? 0x80 : 0) | (15 << 3) | 3));
	emit1(c, 0xf0);
	emit1(c, (uint8_t)(0xc0 | ((dst & 7) << 3) | (src & 7)));
	emit1(c, imm);
}

/* ---- extensions ------------------------------------------------------- */

/* movzx dst32, src8 / src16 (register form). */
static inline void emit_movzx_rr(struct jit_ctx *c, unsigned bits, int dst, int src)
{
	emit_op_rr(c, OP_0F | (bits == 8 ? OP_BYTE : 0), bits == 8 ? 0xb6 : 0xb7, dst, src);
}

/* movsx dst, src8/src16 (w: 64-bit dst), movsxd dst64, src32. */
static inline void emit_movsx_rr(struct jit_ctx *c, bool w, unsigned bits, int dst, int src)
{
	if (bits == 32)
		emit_op_rr(c, OP_W, 0x63, dst, src);
	else
		emit_op_rr(c, (w ? OP_W : 0) | OP_0F | (bits == 8 ? OP_BYTE : 0),
			   bits == 8 ? 0xbe : 0xbf, dst, src);
}

/* bswap reg (32 or 64-bit) */
static inline void emit_bswap(struct jit_ctx *c, bool w, int reg)
{
	emit_prefix_op(c, (w ? OP_W : 0) | OP_0F, reg >> 3, false, (uint8_t)(0xc8 | (reg & 7)));
}

/* cmovcc dst, src (64-bit when w) */
static inline void emit_cmov(struct jit_ctx *c, bool w, enum x86_cc cc, int dst, int src)
{
	emit_op_rr(c, (w ? OP_W : 0) | OP_0F, (uint8_t)(0x40 | cc), dst, src);
}

/* ---- memory ----------------------------------------------------------- */

/* dst = zero-extended load of size bytes: movzx / mov r32 / mov r64. */
static inline void emit_load(struct jit_ctx *c, unsigned size, int dst, const struct x86_mem *m)
{
	switch (size) {
	case 1: emit_op_rm(c, OP_0F, 0xb6, dst, m); break;      /* movzx dst32, byte [m] */
	case 2: emit_op_rm(c, OP_0F, 0xb7, dst, m); break;      /* movzx dst32, word [m] */
	case 4: emit_op_rm(c, 0, 0x8b, dst, m); break;          /* mov dst32, [m] */
	default: emit_op_rm(c, OP_W, 0x8b, dst, m); break;      /* mov dst, [m] */
	}
}

/* dst = sign-extended load to 64 bits: movsx / movsxd. */
static inline void emit_load_sx(struct jit_ctx *c, unsigned size, int dst, const struct x86_mem *m)
{
	switch (size) {
	case 1: emit_op_rm(c, OP_W | OP_0F, 0xbe, dst, m); break; /* movsx dst, byte [m] */
	case 2: emit_op_rm(c, OP_W | OP_0F, 0xbf, dst, m); break; /* movsx dst, word [m] */
	default: emit_op_rm(c, OP_W, 0x63, dst, m); break;        /* movsxd dst, [m] */
	}
}

/* [m] = src (size bytes) */
static inline void emit_store(struct jit_ctx *c, unsigned size, const struct x86_mem *m, int src)
{
	switch (size) {
	case 1: emit_op_rm(c, OP_BYTE, 0x88, src, m); break;    /* mov byte [m], src8 */
	case 2: emit_op_rm(c, OP_66, 0x89, src, m); break;      /* mov word [m], src16 */
	case 4: emit_op_rm(c, 0, 0x89, src, m); break;          /* mov [m], src32 */
	default: emit_op_rm(c, OP_W, 0x89, src, m); break;      /* mov [m], src64 */
	}
}

/* [m] = imm (size bytes; 8: sign-extended imm32) */
static inline void emit_store_imm(struct jit_ctx *c, unsigned size, const struct x86_mem *m,
				  int32_t imm)
{
	switch (size) {
	case 1:
		emit_op_rm(c, 0, 0xc6, 0, m);                       /* mov byte [m], imm8 */
		emit1(c, (uint8_t)imm);
		break;
	case 2:
		emit_op_rm(c, OP_66, 0xc7, 0, m);                   /* mov word [m], imm16 */
		emit1(c, (uint8_t)imm);
		emit1(c, (uint8_t)(imm >> 8));
		break;
	case 4:
		emit_op_rm(c, 0, 0xc7, 0, m);                       /* mov dword [m], imm32 */
		emit4(c, (uint32_t)imm);
		break;
	default:
		emit_op_rm(c, OP_W, 0xc7, 0, m);                    /* mov qword [m], simm32 */
		emit4(c, (uint32_t)imm);
		break;
	}
}

/* ---- control flow ----------------------------------------------------- */

/* Bytes of a jump: short (rel8) or near (rel32), conditional or not. */
#define JMP8_LEN   2
#define JMP32_LEN  5
#define JCC8_LEN   2
#define JCC32_LEN  6

/* jcc rel32 / jmp rel32 with an explicit displacement. */
static inline void emit_jcc32(struct jit_ctx *c, enum x86_cc cc, int32_t rel)
{
	emit2(c, 0x0f, (uint8_t)(0x80 | cc));
	emit4(c, (uint32_t)rel);
}

static inline void emit_jmp32(struct jit_ctx *c, int32_t rel)
{
	emit1(c, 0xe9);
	emit4(c, (uint32_t)rel);
}

/* call rel32 */
static inline void emit_call32(struct jit_ctx *c, int32_t rel)
{
	emit1(c, 0xe8);
	emit4(c, (uint32_t)rel);
}

/* call reg */
static inline void emit_call_reg(struct jit_ctx *c, int reg)
{
	emit_op_rr(c, 0, 0xff, 2, reg);
}

static inline void emit_ret(struct jit_ctx *c)
{
	emit1(c, 0xc3);
}

#endif /* HIVE_JIT_X86_64_EMIT_H */
