/*
 * hive_insn.h - the eBPF instruction encoding (RFC 9669) as seen by users of
 * libhive: the 8-byte instruction, the field constants and builder macros.
 *
 * The layout is bit-for-bit the kernel's struct bpf_insn, so arrays of either
 * type may be cast to the other. Constants carry a HIVE_ prefix so this header
 * can be included next to <linux/bpf.h> without clashes.
 */
#ifndef HIVE_INSN_H
#define HIVE_INSN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** One eBPF instruction slot. `lddw` uses two consecutive slots. */
struct hive_insn {
	uint8_t code;    /**< opcode: class | op | source (or size | mode) */
	uint8_t dst : 4; /**< destination register r0..r10 */
	uint8_t src : 4; /**< source register, or pseudo kind for lddw/call */
	int16_t off;     /**< signed offset (jumps, memory, sdiv/movsx selector) */
	int32_t imm;     /**< signed immediate */
};

/* Instruction classes (low 3 bits of code). */
#define HIVE_CLASS(code) ((code) & 0x07)
#define HIVE_LD     0x00
#define HIVE_LDX    0x01
#define HIVE_ST     0x02
#define HIVE_STX    0x03
#define HIVE_ALU    0x04
#define HIVE_JMP    0x05
#define HIVE_JMP32  0x06
#define HIVE_ALU64  0x07

/* Source operand (bit 3) for ALU and JMP classes. */
#define HIVE_K      0x00
#define HIVE_X      0x08

/* ALU operations (high 4 bits). */
#define HIVE_ADD    0x00
#define HIVE_SUB    0x10
#define HIVE_MUL    0x20
#define HIVE_DIV    0x30
#define HIVE_OR     0x40
#define HIVE_AND    0x50
#define HIVE_LSH    0x60
#define HIVE_RSH    0x70
#define HIVE_NEG    0x80
#define HIVE_MOD    0x90
#define HIVE_XOR    0xa0
#define HIVE_MOV    0xb0
#define HIVE_ARSH   0xc0
#define HIVE_END    0xd0

/* Jump operations (high 4 bits). */
#define HIVE_JA     0x00
#define HIVE_JEQ    0x10
#define HIVE_JGT    0x20
#define HIVE_JGE    0x30
#define HIVE_JSET   0x40
#define HIVE_JNE    0x50
#define HIVE_JSGT   0x60
#define HIVE_JSGE   0x70
#define HIVE_CALL   0x80
#define HIVE_EXIT   0x90
#define HIVE_JLT    0xa0
#define HIVE_JLE    0xb0
#define HIVE_JSLT   0xc0
#define HIVE_JSLE   0xd0

/* Load/store size (bits 3-4) and mode (bits 5-7). */
#define HIVE_W      0x00
#define HIVE_H      0x08
#define HIVE_B      0x10
#define HIVE_DW     0x18
#define HIVE_IMM    0x00
#define HIVE_ABS    0x20
#define HIVE_IND    0x40
#define HIVE_MEM    0x60
#define HIVE_MEMSX  0x80
#define HIVE_ATOMIC 0xc0

/* Atomic operations (imm of an ATOMIC store). */
#define HIVE_FETCH   0x01
#define HIVE_XCHG    (0xe0 | HIVE_FETCH)
#define HIVE_CMPXCHG (0xf0 | HIVE_FETCH)

/* Pseudo source values of lddw (src field), as in <linux/bpf.h>. */
#define HIVE_PSEUDO_MAP_FD        1 /**< imm = map fd */
#define HIVE_PSEUDO_MAP_VALUE     2 /**< imm = map fd, next imm = value offset */
#define HIVE_PSEUDO_BTF_ID        3 /**< imm = BTF id of a kernel variable */
#define HIVE_PSEUDO_FUNC          4 /**< imm = relative insn offset of a function */
#define HIVE_PSEUDO_MAP_IDX       5 /**< imm = index into fd_array */
#define HIVE_PSEUDO_MAP_IDX_VALUE 6 /**< imm = index into fd_array, next imm = offset */

/* Pseudo source values of call. */
#define HIVE_PSEUDO_CALL        1 /**< local function at pc + imm + 1 */
#define HIVE_PSEUDO_KFUNC_CALL  2 /**< kernel function by BTF id */

/* Registers. */
#define HIVE_REG_R0   0
#define HIVE_REG_FP   10
#define HIVE_NREGS    11
#define HIVE_STACK_SIZE 512  /**< bytes of stack per frame */
#define HIVE_MAX_CALL_FRAMES 8 /**< local call depth, as the kernel's MAX_CALL_FRAMES */
#define HIVE_MAX_TAIL_CALLS 33 /**< as the kernel's MAX_TAIL_CALL_CNT */

/* Builders, in the spirit of the kernel's BPF_* insn macros. */
#define HIVE_INSN(c, d, s, o, i) \
	((struct hive_insn){ .code = (c), .dst = (d), .src = (s), .off = (o), .imm = (i) })
#define HIVE_ALU64_IMM(op, d, i)  HIVE_INSN(HIVE_ALU64 | (op) | HIVE_K, d, 0, 0, i)
#define HIVE_ALU64_REG(op, d, s)  HIVE_INSN(HIVE_ALU64 | (op) | HIVE_X, d, s, 0, 0)
#define HIVE_ALU32_IMM(op, d, i)  HIVE_INSN(HIVE_ALU | (op) | HIVE_K, d, 0, 0, i)
#define HIVE_ALU32_REG(op, d, s)  HIVE_INSN(HIVE_ALU | (op) | HIVE_X, d, s, 0, 0)
#define HIVE_MOV64_IMM(d, i)      HIVE_ALU64_IMM(HIVE_MOV, d, i)
#define HIVE_MOV64_REG(d, s)      HIVE_ALU64_REG(HIVE_MOV, d, s)
#define HIVE_MOV32_IMM(d, i)      HIVE_ALU32_IMM(HIVE_MOV, d, i)
#define HIVE_LDX_MEM(sz, d, s, o) HIVE_INSN(HIVE_LDX | (sz) | HIVE_MEM, d, s, o, 0)
#define HIVE_STX_MEM(sz, d, s, o) HIVE_INSN(HIVE_STX | (sz) | HIVE_MEM, d, s, o, 0)
#define HIVE_ST_MEM(sz, d, o, i)  HIVE_INSN(HIVE_ST | (sz) | HIVE_MEM, d, 0, o, i)
#define HIVE_JMP_IMM(op, d, i, o) HIVE_INSN(HIVE_JMP | (op) | HIVE_K, d, 0, o, i)
#define HIVE_JMP_REG(op, d, s, o) HIVE_INSN(HIVE_JMP | (op) | HIVE_X, d, s, o, 0)
#define HIVE_JMP_A(o)             HIVE_INSN(HIVE_JMP | HIVE_JA, 0, 0, o, 0)
#define HIVE_CALL_HELPER(id)      HIVE_INSN(HIVE_JMP | HIVE_CALL, 0, 0, 0, id)
#define HIVE_EXIT_INSN()          HIVE_INSN(HIVE_JMP | HIVE_EXIT, 0, 0, 0, 0)
/* lddw takes two slots: use both macros in sequence. */
#define HIVE_LD_IMM64_LO(d, s, v) HIVE_INSN(HIVE_LD | HIVE_DW | HIVE_IMM, d, s, 0, (int32_t)(uint32_t)(uint64_t)(v))
#define HIVE_LD_IMM64_HI(v)       HIVE_INSN(0, 0, 0, 0, (int32_t)(uint32_t)((uint64_t)(v) >> 32))

#ifdef __cplusplus
}
#endif
#endif /* HIVE_INSN_H */
