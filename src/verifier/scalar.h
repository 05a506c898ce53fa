/*
 * scalar.h - numeric knowledge about scalar registers: the tnum plus signed
 * and unsigned, 64- and 32-bit bounds, kept consistent by reg_bounds_sync,
 * with the per-ALU-op transfer functions and the branch logic
 * (is_branch_taken, regs_refine_cond_op) of the Linux 6.18 verifier.
 *
 * These functions only touch the numeric fields of a struct reg_state
 * (var_off and the eight bounds, plus id/off for known constants); the
 * callers decide which registers are scalars.
 */
#ifndef HIVE_VERIFIER_SCALAR_H
#define HIVE_VERIFIER_SCALAR_H

#include "verifier/state.h"

/* Numeric state. */
void reg_mark_known(struct reg_state *reg, uint64_t imm);       /* __mark_reg_known */
void reg_set_known(struct reg_state *reg, uint64_t imm);        /* ___mark_reg_known */
void reg_mark32_known(struct reg_state *reg, uint64_t imm);
void reg_mark_unbounded(struct reg_state *reg);
void reg_mark64_unbounded(struct reg_state *reg);
void reg_mark32_unbounded(struct reg_state *reg);
/* Unknown scalar: unbounded, var_off unknown, id/off/precise cleared. */
void reg_mark_unknown_scalar(struct reg_state *reg, bool precise);

void reg_update_bounds(struct reg_state *reg);       /* __update_reg_bounds */
void reg_update32_bounds(struct reg_state *reg);
void reg_update64_bounds(struct reg_state *reg);
void reg_deduce_bounds(struct reg_state *reg);       /* __reg_deduce_bounds */
void reg_bound_offset(struct reg_state *reg);        /* __reg_bound_offset */
void reg_bounds_sync(struct reg_state *reg);
/* Whether the eight bounds and the tnum describe a non-empty set. */
bool reg_bounds_consistent(const struct reg_state *reg);

/* Zero-extend the 32-bit view into the 64-bit one (ALU32 results). */
void reg_zext_32_to_64(struct reg_state *reg);
/* Truncate to @size bytes (< 8), as loads and BPF_END do. */
void reg_coerce_to_size(struct reg_state *reg, int size);
/* Sign-extend the low @size bytes to 64 (movsx, ldsx) or 32 (w movsx). */
void reg_coerce_to_size_sx(struct reg_state *reg, int size);
void reg_coerce_subreg_to_size_sx(struct reg_state *reg, int size);

static inline bool reg_is_const(const struct reg_state *reg, bool subreg32)
{
	return reg->type == SCALAR_VALUE &&
	       tnum_is_const(subreg32 ? tnum_subreg(reg->var_off) : reg->var_off);
}

static inline uint64_t reg_const_value(const struct reg_state *reg, bool subreg32)
{
	return subreg32 ? tnum_subreg(reg->var_off).value : reg->var_off.value;
}

/*
 * Whether an ALU op with this source lets the bounds be computed (shift
 * amounts must be known and in range); otherwise the result is unknown.
 */
bool scalar_alu_computable(uint8_t code, const struct reg_state *src);
/*
 * dst = dst OP src for scalars: ADD, SUB, MUL, AND, OR, XOR, LSH, RSH,
 * ARSH (op from the opcode, 32-bit when @alu32) and NEG (src ignored).
 * Zero-extends 32-bit results and re-syncs the bounds.
 */
void scalar_alu(struct reg_state *dst, const struct reg_state *src, uint8_t op, bool alu32);
/* BPF_END (le/be/bswap, @imm bits) applied to a scalar @dst. */
void scalar_byte_swap(struct reg_state *dst, uint8_t code, int32_t imm);

/* dst += src on all five views without re-syncing (linked registers). */
void scalar_add_no_sync(struct reg_state *dst, const struct reg_state *src);

/* Jump opcodes for the refinement helpers (BPF_OP values). */
uint8_t jmp_rev_opcode(uint8_t op);   /* the condition of the other branch */
uint8_t jmp_flip_opcode(uint8_t op);  /* swap the operands */
/* 1 taken, 0 not taken, -1 unknown; both registers are scalars. */
int scalar_branch_taken(const struct reg_state *reg1, const struct reg_state *reg2,
			uint8_t op, bool is_jmp32);
/* Narrow both registers assuming "reg1 op reg2" holds (op may be
 * BPF_JSET | BPF_X meaning "reg1 & reg2 == 0"). */
void regs_refine_cond_op(struct reg_state *reg1, struct reg_state *reg2, uint8_t op,
			 bool is_jmp32);

/* Printing rule of the log for numbers. */
bool scalar_snum_decimal(int64_t num);
bool scalar_unum_decimal(uint64_t num);

#endif /* HIVE_VERIFIER_SCALAR_H */
