/*
 * isa.h - internal view of the instruction set, generated from insn_def.h:
 * the opcode enum, the 256-entry descriptor table (legality, kind, width,
 * names) and the structural checks every loader of raw instructions uses.
 *
 * Depends on nothing but the public hive_insn.h. Everything that decodes
 * instructions (interpreter, JIT, verifier, assembler, disassembler) goes
 * through this table instead of keeping its own opcode list.
 */
#ifndef HIVE_ISA_H
#define HIVE_ISA_H

#include <stddef.h>
#include <stdint.h>

#include "hive/hive_insn.h"

/* Operand formats (the KIND column of insn_def.h). */
enum isa_kind {
	HIVE_K_INVALID = 0,
	HIVE_K_ALU_K,   /* dst op= imm; src, off zero */
	HIVE_K_ALU_X,   /* dst op= src; imm, off zero */
	HIVE_K_DIV_K,   /* div/mod by imm; off 0 unsigned, 1 signed */
	HIVE_K_DIV_X,   /* div/mod by src; off 0 unsigned, 1 signed */
	HIVE_K_MOV_X,   /* mov src; off 0, or 8/16/32 for movsx */
	HIVE_K_NEG,     /* dst = -dst */
	HIVE_K_END,     /* byte swap; imm = 16/32/64 */
	HIVE_K_JA,      /* goto +off */
	HIVE_K_JA32,    /* gotol +imm */
	HIVE_K_JCC_K,   /* if dst cc imm goto +off */
	HIVE_K_JCC_X,   /* if dst cc src goto +off */
	HIVE_K_CALL,    /* call helper / local function / kfunc */
	HIVE_K_EXIT,    /* return */
	HIVE_K_LDDW,    /* 64-bit immediate, two slots */
	HIVE_K_LDABS,   /* legacy packet load at imm */
	HIVE_K_LDIND,   /* legacy packet load at src + imm */
	HIVE_K_LDX,     /* zero-extending load */
	HIVE_K_LDXSX,   /* sign-extending load */
	HIVE_K_ST,      /* store imm */
	HIVE_K_STX,     /* store src */
	HIVE_K_ATOMIC,  /* atomic read-modify-write, imm selects op */
	HIVE_K_COUNT
};

/* HIVE_OP_ADD64_IMM = 0x07, ... one per legal opcode byte. */
enum isa_opcode {
#define X(name, code, kind, mnem, width) HIVE_OP_##name = code,
#include "insn_def.h"
#undef X
};

enum {
#define X(name, code, kind, mnem, width) +1
	HIVE_NUM_OPCODES = 0
#include "insn_def.h"
#undef X
};

struct isa_desc {
	const char *name;  /* table name, "ADD64_IMM"; NULL if the byte is illegal */
	const char *mnem;  /* conformance mnemonic of the base form */
	uint8_t kind;      /* enum isa_kind */
	uint8_t width;     /* bits: ALU/JMP width or memory access size */
};

/* Indexed by opcode byte; kind == HIVE_K_INVALID marks an illegal byte. */
extern const struct isa_desc isa_table[256];

static inline const struct isa_desc *isa_desc(uint8_t code)
{
	return &isa_table[code];
}

/* Bytes of a memory access width in bits (8..64 -> 1..8). */
static inline unsigned isa_bytes(unsigned width_bits)
{
	return width_bits / 8;
}

static inline int isa_is_lddw(const struct hive_insn *insn)
{
	return insn->code == HIVE_OP_LDDW;
}

/* Jump target of a JA/JCC (off) or JA32 (imm) at @pc: pc + delta + 1. */
int64_t isa_jump_target(const struct hive_insn *insn, uint32_t pc);

/* Whether an instruction at pc transfers control by jumping (not call/exit). */
int isa_is_jump(const struct hive_insn *insn);

/*
 * isa_check_insn - structural legality of the instruction at @pc alone:
 * known opcode, registers in range, reserved fields zero, sub-op selectors
 * (off for sdiv/movsx, imm for atomics and byte swaps) valid, lddw complete.
 * Does not look at jump targets (see isa_check_prog).
 * Returns 0, or -EINVAL with a one-line reason in @msg (may be NULL).
 */
int isa_check_insn(const struct hive_insn *insns, uint32_t cnt, uint32_t pc,
		   char *msg, size_t msglen);

/*
 * isa_check_prog - isa_check_insn on every instruction, plus control flow:
 * jumps and local calls land inside the program and never on the second
 * slot of an lddw; the stream is not empty and not longer than @max_insns.
 * Returns 0, or -EINVAL/-E2BIG with "pc N: reason" in @msg.
 */
int isa_check_prog(const struct hive_insn *insns, uint32_t cnt, uint32_t max_insns,
		   char *msg, size_t msglen);

/* Name of the atomic operation selected by @imm ("add", "fetch_or", "xchg",
 * "cmpxchg", ...), or NULL if @imm names none. */
const char *isa_atomic_name(int32_t imm);

#endif /* HIVE_ISA_H */
