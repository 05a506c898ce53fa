/*
 * x86_64.h - the x86-64 backend's private interface between its files:
 * the eBPF -> x86 register map and the emit helpers that x86_64.c (ALU,
 * jumps, group dispatch), x86_64_mem.c (memory, atomics, packet loads),
 * x86_64_call.c (calls, frames, entry points, stubs) and fuse.c
 * (multi-instruction patterns) share.
 *
 * Register map (as the kernel's x86 JIT, so helper arguments r1-r5 are
 * already in the System V argument registers and r0 is the return
 * register; r6-r9 live in callee-saved registers):
 *
 *   r0 rax   r1 rdi   r2 rsi   r3 rdx   r4 rcx   r5 r8
 *   r6 rbx   r7 r13   r8 r14   r9 r15   r10 rbp (frame pointer, read only)
 *
 * r12 holds the struct hive_run pointer for the whole run; r9, r10 and r11
 * are scratch (r9 also carries the run pointer into helpers as their
 * sixth argument).
 */
#ifndef HIVE_JIT_X86_64_H
#define HIVE_JIT_X86_64_H

#include "jit/x86_64_emit.h"

#define RUN_REG  R12
#define TMP      R11   /* scratch; holds the checked address of an access */
#define TMP2     R10   /* scratch; blinded immediates, stub arguments */
#define AUX      R9    /* scratch; sixth helper argument */


extern const int8_t jit_reg[HIVE_NREGS];

static inline int xreg(unsigned bpf_reg)
{
	return jit_reg[bpf_reg];
}

/* Offset of a struct hive_run field as a memory operand on r12. */
#define RUNF(field) mem_bd(RUN_REG, (int32_t)offsetof(struct hive_run, field))

/* ---- x86_64.c ---- */
/* Materialise the eBPF immediate @imm (sign-extended) in TMP2 with
 * constant blinding. */
void emit_blinded_imm(struct jit_ctx *c, int64_t imm);
/* Jump (cc < 0: unconditional) to the code of eBPF instruction @target. */
void emit_jump_pc(struct jit_ctx *c, int cc, uint32_t target);
/* Jump/call to an absolute image offset (rel32). */
void emit_jcc_off(struct jit_ctx *c, enum x86_cc cc, uint32_t off);
void emit_jmp_off(struct jit_ctx *c, uint32_t off);
void emit_call_off(struct jit_ctx *c, uint32_t off);
/* Conditional (cc < 0: unconditional) jump to a new out-of-line stub. */
void emit_jcc_stub(struct jit_ctx *c, int cc, enum jit_stub_kind kind, uint32_t arg,
		   uint32_t arg2);
/* Forward short jump within a group: returns the byte to patch. */
uint32_t emit_jcc8_fwd(struct jit_ctx *c, int cc);
void patch8_here(struct jit_ctx *c, uint32_t at);
/* Call a C function at an absolute address (clobbers rax when far). */
void emit_call_abs(struct jit_ctx *c, const void *fn);
/* Condition code of an eBPF jump op (HIVE_JEQ...) */
enum x86_cc jcc_of(uint8_t op);
/* One eBPF instruction, no fusion. */
int jit_emit_one(struct jit_ctx *c, uint32_t pc);
/* ALU on (dst, src register or imm): used by fusion too. */
void emit_alu_op(struct jit_ctx *c, const struct hive_insn *in, uint32_t pc);

/* ---- x86_64_mem.c ---- */
/* Memory operand for an access of @size bytes at bpf_reg + off, with the
 * checked-run fast/slow path emitted first. @prot: HIVE_PROT_*. */
struct x86_mem emit_access(struct jit_ctx *c, uint32_t pc, unsigned base, int16_t off,
			   unsigned size, unsigned prot, bool want_tmp);
/* The same for an arbitrary address expression (fused address arithmetic). */
struct x86_mem emit_access_mem(struct jit_ctx *c, uint32_t pc, struct x86_mem m, unsigned size,
			       unsigned prot, bool want_tmp);
void emit_ldx(struct jit_ctx *c, const struct hive_insn *in, uint32_t pc);
void emit_st(struct jit_ctx *c, const struct hive_insn *in, uint32_t pc);
void emit_atomic(struct jit_ctx *c, const struct hive_insn *in, uint32_t pc);
void emit_ld_pkt(struct jit_ctx *c, const struct hive_insn *in, uint32_t pc);

/* ---- x86_64_call.c ---- */
void emit_call_insn(struct jit_ctx *c, const struct hive_insn *in, uint32_t pc);
/* The generic helper call fn(r1..r5, run) with its run->err test. */
void emit_helper_generic(struct jit_ctx *c, const struct hive_insn *in, uint32_t pc);

/* ---- maps.c ---- */
/* A map helper call on a known map (c->mapcalls): emitted without the
 * generic path when possible; false if nothing was emitted. */
bool jit_emit_map_call(struct jit_ctx *c, const struct hive_insn *in, uint32_t pc);
void emit_epilogue(struct jit_ctx *c);

/* ---- fuse.c ---- */
/* Try a multi-instruction pattern at pc: pcs consumed, or 0. */
int jit_fuse(struct jit_ctx *c, uint32_t pc);

#endif /* HIVE_JIT_X86_64_H */
