/*
 * interp.c - the eBPF interpreter: one loop over the decoded code of
 * interp.h (built at load by predecode.c), registers in a local array, the
 * current entry in a local pointer, one handler per op.
 *
 * Dispatch is direct threading: each entry holds the address of its
 * handler, and every handler ends by jumping to the next entry's. The
 * label table is generated from insn_def.h (one general handler per
 * opcode, a missing one is a compile error) plus the lists of interp.h:
 * specialised ops, simple three-address ops (EV_ macros below) and pairs
 * of them, each pair one handler, so that about half the instructions of
 * clang's output cost no dispatch of their own. A chain (a pair whose second
 * half reads the first one's result) hands the value over in a host
 * register rather than through the register array (docs/interp.md). With HIVE_INTERP_SWITCH
 * defined the entries hold op numbers and the same handlers are cases of
 * one switch (make check's sanitizer build uses it, so both dispatch forms
 * are exercised); that build has no pairs (their hundreds of cases make
 * sanitizer builds crawl) and runs the simple ops one per entry.
 *
 * The loader (vm.c) guarantees what the loop relies on: legal opcodes and
 * fields, jumps and calls inside the program and never into an lddw, a
 * last instruction that cannot fall off the end, registered helpers.
 * Everything else a program can do is handled here without C undefined
 * behaviour: RFC 9669 semantics for division by zero, INT_MIN / -1 and
 * oversized shifts; memcpy for (possibly unaligned) loads and stores;
 * __atomic builtins for atomics; in checked runs, every access the
 * predecoder could not prove inside the current stack frame is checked
 * (call-chain stack and ctx inline, the rest in vm_check_access()).
 *
 * Budget: control transfers charge the segment they enter (interp.h), so a
 * run counts exactly the instructions it executes (unchecked runs count
 * from UINT64_MAX, which gives opts->insns_run for free). When a segment
 * does not fit, the loop steps through the instructions the budget still
 * covers and fails at the first one it does not.
 *
 * Local calls push a frame (return entry, r6-r9) on an array local to the
 * loop; r10 moves down 512 bytes in run->stack. hive_run_call() re-enters
 * the loop (vm_call_function) with a base depth, so callbacks of bpf_loop
 * and friends run in the frames below their helper's caller.
 */
#include <string.h>

#include "util/util.h"
#include "vm_internal.h"
#include "interp.h"
#include "sem.h"
#include "rinterp.h"

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define HOST_BIG_ENDIAN 1
#else
#define HOST_BIG_ENDIAN 0
#endif

/* A caller's state saved by a local call. */
struct frame {
	struct hive_vm *vm;                 /* program to return into (tail calls change it) */
	const struct ientry *ret;           /* entry after the call */
	uint64_t saved[4];                  /* r6..r9 */
};

/* Whether @ip is an entry of @code (else: of the stepping buffer). Compared
 * as integers: the two are different objects. */
static inline bool in_code(const struct interp_code *code, const struct ientry *ip)
{
	uintptr_t a = (uintptr_t)ip, lo = (uintptr_t)code->e;

	return a >= lo && a - lo < (uintptr_t)code->n * sizeof(*ip);
}

/* pc of the (first) instruction an entry stands for; the stepping
 * buffer's entry stands for step_pc. Only entries of one instruction can
 * fail, so this is the pc of a failure. */
static uint32_t entry_pc(const struct interp_code *code, const struct ientry *ip,
			 uint32_t step_pc)
{
	if (in_code(code, ip))
		return code->pc[ip - code->e];
	return step_pc;
}

/* ---- the loop -------------------------------------------------------------- */

/* Operands of the entry at ip. */
#define DST     reg[ip->d]
#define SRC     reg[ip->s]
#define IMM     ((uint64_t)(int64_t)ip->k)          /* imm sign-extended to 64 bits */
#define IMM32   ((uint32_t)ip->k)
#define DST32   ((uint32_t)reg[ip->d])
#define SRC32   ((uint32_t)reg[ip->s])
#define PC      entry_pc(code, ip, step_pc)
#define ADDR(base) ((base) + (uint64_t)(int64_t)ip->k)

#ifdef HIVE_INTERP_SWITCH
#define OP(name)    case IOP_##name:
#define DISPATCH()  goto dispatch
#else
#define OP(name)    op_##name:
#define DISPATCH()  goto *ip->h
#endif
#define NEXT()      do { ip++; DISPATCH(); } while (0)

/* Enter the segment starting at ip: pay it, or step through what is left. */
#define CHARGE()                                                         \
	do {                                                             \
		if (unlikely(__builtin_sub_overflow(left, ip->seg, &left))) \
			goto budget_short;                               \
	} while (0)
#define GOTO(target) do { ip = (target); CHARGE(); DISPATCH(); } while (0)
#define JUMP_IF(cond) GOTO((cond) ? ip->t : ip + 1)

/*
 * Checked runs: [a, a+n) must be in the call chain's stack or the ctx
 * (inline, ctx limit per direction: 0 when refused), else the slow path.
 */
#define CHECK_MEM(a, n, prot, ctxlim)                                             \
	do {                                                                      \
		if (checked && !((a) - stack_lo <= stack_span - (n)) &&           \
		    !((a) - ctx_lo < (ctxlim) && (ctxlim) - ((a) - ctx_lo) >= (n)) && \
		    unlikely(vm_check_access(run, (a), (n), (prot), PC)))          \
			goto out_err;                                             \
	} while (0)

#define LDX(bits, conv)                                                  \
	do {                                                             \
		uint64_t a_ = ADDR(SRC);                                 \
		CHECK_MEM(a_, bits / 8, HIVE_PROT_READ, ctx_r);          \
		DST = conv(load##bits(a_));                              \
		NEXT();                                                  \
	} while (0)
#define ST(bits, val)                                                    \
	do {                                                             \
		uint64_t a_ = ADDR(DST);                                 \
		CHECK_MEM(a_, bits / 8, HIVE_PROT_WRITE, ctx_w);         \
		store##bits(a_, (val));                                  \
		NEXT();                                                  \
	} while (0)
#define LDX_U(bits, conv) do { DST = conv(load##bits(ADDR(SRC))); NEXT(); } while (0)
#define ST_U(bits, val)   do { store##bits(ADDR(DST), (val)); NEXT(); } while (0)
#define ZX(v)   (v)
#define SX8(v)  ((uint64_t)(int64_t)(int8_t)(v))
#define SX16(v) ((uint64_t)(int64_t)(int16_t)(v))
#define SX32(v) ((uint64_t)(int64_t)(int32_t)(v))
#define SIMM    ((uint64_t)(int64_t)ip->k2)         /* imm of a store */

/* Legacy packet loads end their segment: the next entry is charged. */
#define PKT_LOAD(off, size)                                              \
	do {                                                             \
		uint64_t v_;                                             \
		if (!pkt_load(run, (off), (size), &v_)) {                \
			reg[0] = 0;  /* out of bounds: return 0, as the kernel */ \
			goto do_exit;                                    \
		}                                                        \
		reg[0] = v_;                                             \
		GOTO(ip + 1);                                            \
	} while (0)
#define ABS_OFF ((int64_t)ip->k)
#define IND_OFF ((int64_t)(int32_t)(uint32_t)(SRC + IMM))

/* Atomic read-modify-write of the naturally aligned u@bits at dst + off,
 * op in k2 (sem_atomic##bits in sem.h). */
#define ATOMIC(bits)                                                              \
	do {                                                                      \
		uint64_t a_ = ADDR(DST);                                          \
		CHECK_MEM(a_, bits / 8, HIVE_PROT_RW, ctx_rw);                    \
		if (unlikely(a_ & (bits / 8 - 1))) {                              \
			fault_size = bits / 8;                                    \
			goto misaligned;                                          \
		}                                                                 \
		sem_atomic##bits((uint##bits##_t *)(uintptr_t)a_, ip->k2, &SRC, &reg[0]); \
		NEXT();                                                           \
	} while (0)

/*
 * Simple ops (interp.h) on the fields (d, s, k) of an entry or (d2, s2, k2)
 * of a pair's second half. K: the immediate sign-extended; shifts mask it.
 * EV_: the value an op writes to d, from x = the value of s; SV_: a
 * store's value x. DO_ applies an op to the register file; CH_ applies the
 * second half of a chain, x being the first half's result (interp.h).
 */
#define K64(k)      ((uint64_t)(int64_t)(k))
#define SH(k)       ((uint32_t)(k) & 63)
#define EV_S_MOVI(x, k)  K64(k)                                /* d = imm */
#define EV_S_MOV(x, k)   (x)                                   /* d = s */
#define EV_S_MOV32(x, k) ((uint32_t)(x))                       /* d = (u32)s */
#define EV_S_ADDI(x, k)  ((x) + K64(k))                        /* d = s + imm */
#define EV_S_ADD(x, k)   ((x) + reg[k])                        /* d = s + rk */
#define EV_S_SUB(x, k)   ((x) - reg[k])                        /* d = s - rk */
#define EV_S_ANDI(x, k)  ((x) & K64(k))                        /* d = s & imm */
#define EV_S_AND(x, k)   ((x) & reg[k])                        /* d = s & rk */
#define EV_S_ORI(x, k)   ((x) | K64(k))                        /* d = s | imm */
#define EV_S_OR(x, k)    ((x) | reg[k])                        /* d = s | rk */
#define EV_S_XORI(x, k)  ((x) ^ K64(k))                        /* d = s ^ imm */
#define EV_S_XOR(x, k)   ((x) ^ reg[k])                        /* d = s ^ rk */
#define EV_S_LSHI(x, k)  ((x) << SH(k))                        /* d = s << imm */
#define EV_S_RSHI(x, k)  ((x) >> SH(k))                        /* d = s >> imm */
#define EV_S_ARSHI(x, k) ((uint64_t)((int64_t)(x) >> SH(k)))   /* d = s s>> imm */
#define EV_S_MULI(x, k)  ((x) * K64(k))                        /* d = s * imm */
#define EV_S_MUL(x, k)   ((x) * reg[k])                        /* d = s * rk */
#define EV_S_NEG(x, k)   (0 - (x))                             /* d = -s */
#define EV_S_LDXB(x, k)  load8((x) + K64(k))                   /* d = *(u8 *)(s + off) */
#define EV_S_LDXH(x, k)  load16((x) + K64(k))                  /* d = *(u16 *)(s + off) */
#define EV_S_LDXW(x, k)  load32((x) + K64(k))                  /* d = *(u32 *)(s + off) */
#define EV_S_LDXDW(x, k) load64((x) + K64(k))                  /* d = *(u64 *)(s + off) */
#define SV_S_STXB(d, x, k)  store8(reg[d] + K64(k), (x))       /* *(u8 *)(d + off) = s */
#define SV_S_STXH(d, x, k)  store16(reg[d] + K64(k), (x))      /* *(u16 *)(d + off) = s */
#define SV_S_STXW(d, x, k)  store32(reg[d] + K64(k), (x))      /* *(u32 *)(d + off) = s */
#define SV_S_STXDW(d, x, k) store64(reg[d] + K64(k), (x))      /* *(u64 *)(d + off) = s */
#define CH_EV(op, d, x, k)  reg[d] = EV_##op(x, k)
#define CH_S_MOVI(d, x, k)  CH_EV(S_MOVI, d, x, k)
#define CH_S_MOV(d, x, k)   CH_EV(S_MOV, d, x, k)
#define CH_S_MOV32(d, x, k) CH_EV(S_MOV32, d, x, k)
#define CH_S_ADDI(d, x, k)  CH_EV(S_ADDI, d, x, k)
#define CH_S_ADD(d, x, k)   CH_EV(S_ADD, d, x, k)
#define CH_S_SUB(d, x, k)   CH_EV(S_SUB, d, x, k)
#define CH_S_ANDI(d, x, k)  CH_EV(S_ANDI, d, x, k)
#define CH_S_AND(d, x, k)   CH_EV(S_AND, d, x, k)
#define CH_S_ORI(d, x, k)   CH_EV(S_ORI, d, x, k)
#define CH_S_OR(d, x, k)    CH_EV(S_OR, d, x, k)
#define CH_S_XORI(d, x, k)  CH_EV(S_XORI, d, x, k)
#define CH_S_XOR(d, x, k)   CH_EV(S_XOR, d, x, k)
#define CH_S_LSHI(d, x, k)  CH_EV(S_LSHI, d, x, k)
#define CH_S_RSHI(d, x, k)  CH_EV(S_RSHI, d, x, k)
#define CH_S_ARSHI(d, x, k) CH_EV(S_ARSHI, d, x, k)
#define CH_S_MULI(d, x, k)  CH_EV(S_MULI, d, x, k)
#define CH_S_MUL(d, x, k)   CH_EV(S_MUL, d, x, k)
#define CH_S_NEG(d, x, k)   CH_EV(S_NEG, d, x, k)
#define CH_S_LDXB(d, x, k)  CH_EV(S_LDXB, d, x, k)
#define CH_S_LDXH(d, x, k)  CH_EV(S_LDXH, d, x, k)
#define CH_S_LDXW(d, x, k)  CH_EV(S_LDXW, d, x, k)
#define CH_S_LDXDW(d, x, k) CH_EV(S_LDXDW, d, x, k)
#define CH_S_STXB(d, x, k)  SV_S_STXB(d, x, k)
#define CH_S_STXH(d, x, k)  SV_S_STXH(d, x, k)
#define CH_S_STXW(d, x, k)  SV_S_STXW(d, x, k)
#define CH_S_STXDW(d, x, k) SV_S_STXDW(d, x, k)
/* The register-k ops with the value of k given (x) instead, as in K_ chains. */
#define KV_S_ADD(a, x)      ((a) + (x))                        /* d = s + rk */
#define KV_S_SUB(a, x)      ((a) - (x))                        /* d = s - rk */
#define KV_S_AND(a, x)      ((a) & (x))                        /* d = s & rk */
#define KV_S_OR(a, x)       ((a) | (x))                        /* d = s | rk */
#define KV_S_XOR(a, x)      ((a) ^ (x))                        /* d = s ^ rk */
#define KV_S_MUL(a, x)      ((a) * (x))                        /* d = s * rk */
/* Every simple op on the register file: s read as x. */
#define DO_S(op, d, s, k)   CH_##op(d, reg[s], k)
#define DO_S_MOVI(d, s, k)  DO_S(S_MOVI, d, s, k)
#define DO_S_MOV(d, s, k)   DO_S(S_MOV, d, s, k)
#define DO_S_MOV32(d, s, k) DO_S(S_MOV32, d, s, k)
#define DO_S_ADDI(d, s, k)  DO_S(S_ADDI, d, s, k)
#define DO_S_ADD(d, s, k)   DO_S(S_ADD, d, s, k)
#define DO_S_SUB(d, s, k)   DO_S(S_SUB, d, s, k)
#define DO_S_ANDI(d, s, k)  DO_S(S_ANDI, d, s, k)
#define DO_S_AND(d, s, k)   DO_S(S_AND, d, s, k)
#define DO_S_ORI(d, s, k)   DO_S(S_ORI, d, s, k)
#define DO_S_OR(d, s, k)    DO_S(S_OR, d, s, k)
#define DO_S_XORI(d, s, k)  DO_S(S_XORI, d, s, k)
#define DO_S_XOR(d, s, k)   DO_S(S_XOR, d, s, k)
#define DO_S_LSHI(d, s, k)  DO_S(S_LSHI, d, s, k)
#define DO_S_RSHI(d, s, k)  DO_S(S_RSHI, d, s, k)
#define DO_S_ARSHI(d, s, k) DO_S(S_ARSHI, d, s, k)
#define DO_S_MULI(d, s, k)  DO_S(S_MULI, d, s, k)
#define DO_S_MUL(d, s, k)   DO_S(S_MUL, d, s, k)
#define DO_S_NEG(d, s, k)   DO_S(S_NEG, d, s, k)
#define DO_S_LDXB(d, s, k)  DO_S(S_LDXB, d, s, k)
#define DO_S_LDXH(d, s, k)  DO_S(S_LDXH, d, s, k)
#define DO_S_LDXW(d, s, k)  DO_S(S_LDXW, d, s, k)
#define DO_S_LDXDW(d, s, k) DO_S(S_LDXDW, d, s, k)
#define DO_S_STXB(d, s, k)  DO_S(S_STXB, d, s, k)
#define DO_S_STXH(d, s, k)  DO_S(S_STXH, d, s, k)
#define DO_S_STXW(d, s, k)  DO_S(S_STXW, d, s, k)
#define DO_S_STXDW(d, s, k) DO_S(S_STXDW, d, s, k)

/*
 * The fields of a pair: first half (d, s, k), second half (d2, s2, k2).
 * Each is loaded where it is used (a load per field is fewer instructions
 * than one word load and the shifts to split it), and APPLY expands the
 * lists as macro arguments.
 */
#define APPLY(m, ...) m(__VA_ARGS__)
#define FIELDS1 ip->d, ip->s, ip->k
#define FIELDS2 ip->d2, ip->s2, ip->k2
#define XFIELD1 reg[ip->s], ip->k                  /* x = s, k of a chain's first half */

/* Conditions of the jumps that close pairs, on the same fields, with x
 * the value of d (CV_; CC_ reads it from the register file). */
#define CV_JA(x, s, k)      1                                       /* goto */
#define CV_JEQ_IMM(x, s, k) ((x) == K64(k))                         /* if d == imm */
#define CV_JNE_IMM(x, s, k) ((x) != K64(k))                         /* if d != imm */
#define CV_JGT_IMM(x, s, k) ((x) > K64(k))                          /* if d > imm */
#define CV_JLT_IMM(x, s, k) ((x) < K64(k))                          /* if d < imm */
#define CV_JEQ_REG(x, s, k) ((x) == reg[s])                         /* if d == s */
#define CV_JNE_REG(x, s, k) ((x) != reg[s])                         /* if d != s */
#define CV_JGT_REG(x, s, k) ((x) > reg[s])                          /* if d > s */
#define CV_JGE_REG(x, s, k) ((x) >= reg[s])                         /* if d >= s */
#define CV_JLT_REG(x, s, k) ((x) < reg[s])                          /* if d < s */
#define CC_JA(d, s, k)      1
#define CC_JEQ_IMM(d, s, k) CV_JEQ_IMM(reg[d], s, k)
#define CC_JNE_IMM(d, s, k) CV_JNE_IMM(reg[d], s, k)
#define CC_JGT_IMM(d, s, k) CV_JGT_IMM(reg[d], s, k)
#define CC_JLT_IMM(d, s, k) CV_JLT_IMM(reg[d], s, k)
#define CC_JEQ_REG(d, s, k) CV_JEQ_REG(reg[d], s, k)
#define CC_JNE_REG(d, s, k) CV_JNE_REG(reg[d], s, k)
#define CC_JGT_REG(d, s, k) CV_JGT_REG(reg[d], s, k)
#define CC_JGE_REG(d, s, k) CV_JGE_REG(reg[d], s, k)
#define CC_JLT_REG(d, s, k) CV_JLT_REG(reg[d], s, k)

/*
 * Run from @start (an index into vm's instructions) in frame @base with
 * r1..r5 = args; return r0 when frame @base exits (0 once run->err is set).
 * With run == NULL, return the handler table instead (interp_handlers).
 */
static uint64_t run_loop(struct hive_run *run, struct hive_vm *vm, uint32_t start,
			 const uint64_t args[5], const uint32_t base)
{
#ifndef HIVE_INTERP_SWITCH
	static const void *const labels[IOP_COUNT] = {
#define X(name, code, kind, mnem, width) [IOP_##name] = &&op_##name,
#include "isa/insn_def.h"
#undef X
#define Y(name) [IOP_##name] = &&op_##name,
		INTERP_EXTRA_OPS(Y)
#undef Y
#define Y(name, ...) [IOP_##name] = &&op_##name,
		INTERP_SIMPLE(Y, 0)
#undef Y
#ifndef INTERP_NO_GROUPS
#define Y(a, b) [IOP_P_##a##__##b] = &&op_P_##a##__##b,
		INTERP_PAIRS_S(Y)
		INTERP_PAIRS_C(Y)
#undef Y
#define Y(a, b) [IOP_C_##a##__##b] = &&op_C_##a##__##b,
		INTERP_CHAINS_S(Y)
		INTERP_CHAINS_C(Y)
#undef Y
#define Y(a, b) [IOP_K_##a##__##b] = &&op_K_##a##__##b,
		INTERP_CHAINS_K(Y)
#undef Y
#endif
	};
#endif
	struct frame frames[HIVE_MAX_CALL_FRAMES];
	struct ientry step[2];          /* stepping: one instruction, then STEP */
	uint32_t step_pc = 0;
	unsigned step_slots = 0;
	unsigned fault_size = 0;
	const struct interp_code *code;
	const struct ientry *ip;
	bool checked;
	uint64_t left;
	uint64_t reg[HIVE_NREGS];
	/* accessible stack: the frames of the current call chain */
	uint64_t stack_lo, stack_span;
	/* ctx bounds per access direction (0: that direction is refused) */
	uint64_t ctx_lo, ctx_len, ctx_r, ctx_w, ctx_rw;

	if (!run) {
#ifdef HIVE_INTERP_SWITCH
		return 0;
#else
		return (uint64_t)(uintptr_t)labels;
#endif
	}
	code = vm->icode;
	ip = code->e + code->entry[start];
	checked = vm->checks;
	left = run->budget_left;
	ctx_lo = run->ctx_start;
	ctx_len = run->ctx_end - run->ctx_start;
	ctx_r = run->ctx_prot & HIVE_PROT_READ ? ctx_len : 0;
	ctx_w = run->ctx_prot & HIVE_PROT_WRITE ? ctx_len : 0;
	ctx_rw = ctx_r < ctx_w ? ctx_r : ctx_w;

	run->depth = base;
	run->vm = vm;
	reg[0] = 0;
	memcpy(&reg[1], args, 5 * sizeof(reg[0]));
	reg[6] = reg[7] = reg[8] = reg[9] = 0;
	reg[10] = run->stack_top - (uint64_t)base * HIVE_STACK_SIZE;
	stack_lo = reg[10] - HIVE_STACK_SIZE;
	stack_span = run->stack_top - stack_lo;

	CHARGE();
#ifdef HIVE_INTERP_SWITCH
dispatch:
	switch ((enum iop)ip->op) {
#else
	DISPATCH();
#endif

	/* ---- ALU64: 64-bit arithmetic, imm sign-extended ---- */
	OP(ADD64_IMM)   DO_S_ADDI(ip->d, ip->d, ip->k);         NEXT(); /* dst += imm */
	OP(ADD64_REG)   DO_S_ADD(ip->d, ip->d, ip->s);          NEXT(); /* dst += src */
	OP(SUB64_IMM)   DST -= IMM;                             NEXT(); /* dst -= imm */
	OP(SUB64_REG)   DO_S_SUB(ip->d, ip->d, ip->s);          NEXT(); /* dst -= src */
	OP(MUL64_IMM)   DO_S_MULI(ip->d, ip->d, ip->k);         NEXT(); /* dst *= imm */
	OP(MUL64_REG)   DO_S_MUL(ip->d, ip->d, ip->s);          NEXT(); /* dst *= src */
	OP(DIV64_IMM)   DST = ip->k2 ? sdiv64(DST, IMM) : IMM ? DST / IMM : 0; NEXT(); /* dst /= imm; k2: signed */
	OP(DIV64_REG)   DST = ip->k2 ? sdiv64(DST, SRC) : SRC ? DST / SRC : 0; NEXT(); /* dst /= src; k2: signed */
	OP(UDIV64_IMM)  DST = IMM ? DST / IMM : 0;              NEXT(); /* dst /= imm; x / 0 = 0 */
	OP(UDIV64_REG)  DST = SRC ? DST / SRC : 0;              NEXT(); /* dst /= src; x / 0 = 0 */
	OP(OR64_IMM)    DO_S_ORI(ip->d, ip->d, ip->k);          NEXT(); /* dst |= imm */
	OP(OR64_REG)    DO_S_OR(ip->d, ip->d, ip->s);           NEXT(); /* dst |= src */
	OP(AND64_IMM)   DO_S_ANDI(ip->d, ip->d, ip->k);         NEXT(); /* dst &= imm */
	OP(AND64_REG)   DO_S_AND(ip->d, ip->d, ip->s);          NEXT(); /* dst &= src */
	OP(LSH64_IMM)   DO_S_LSHI(ip->d, ip->d, ip->k);         NEXT(); /* dst <<= imm & 63 */
	OP(LSH64_REG)   DST <<= SRC & 63;                       NEXT(); /* dst <<= src & 63 */
	OP(RSH64_IMM)   DO_S_RSHI(ip->d, ip->d, ip->k);         NEXT(); /* dst >>= imm & 63 */
	OP(RSH64_REG)   DST >>= SRC & 63;                       NEXT(); /* dst >>= src & 63 */
	OP(NEG64)       DO_S_NEG(ip->d, ip->d, 0);              NEXT(); /* dst = -dst */
	OP(MOD64_IMM)   DST = ip->k2 ? smod64(DST, IMM) : IMM ? DST % IMM : DST; NEXT(); /* dst %= imm; k2: signed */
	OP(MOD64_REG)   DST = ip->k2 ? smod64(DST, SRC) : SRC ? DST % SRC : DST; NEXT(); /* dst %= src; k2: signed */
	OP(UMOD64_IMM)  DST = IMM ? DST % IMM : DST;            NEXT(); /* dst %= imm; x % 0 = x */
	OP(UMOD64_REG)  DST = SRC ? DST % SRC : DST;            NEXT(); /* dst %= src; x % 0 = x */
	OP(XOR64_IMM)   DO_S_XORI(ip->d, ip->d, ip->k);         NEXT(); /* dst ^= imm */
	OP(XOR64_REG)   DO_S_XOR(ip->d, ip->d, ip->s);          NEXT(); /* dst ^= src */
	OP(MOV64_IMM)   DO_S_MOVI(ip->d, 0, ip->k);             NEXT(); /* dst = imm */
	OP(MOV64_REG)   /* dst = src; k2 8/16/32: dst = (s64)(sN)src */
		switch (ip->k2) {
		case 8:  DST = SX8(SRC);  break;
		case 16: DST = SX16(SRC); break;
		case 32: DST = SX32(SRC); break;
		default: DST = SRC;       break;
		}
		NEXT();
	OP(MOVSX64_8)   DST = SX8(SRC);                         NEXT(); /* dst = (s64)(s8)src */
	OP(MOVSX64_16)  DST = SX16(SRC);                        NEXT(); /* dst = (s64)(s16)src */
	OP(MOVSX64_32)  DST = SX32(SRC);                        NEXT(); /* dst = (s64)(s32)src */
	OP(ARSH64_IMM)  DO_S_ARSHI(ip->d, ip->d, ip->k);        NEXT(); /* dst s>>= imm & 63 */
	OP(ARSH64_REG)  DST = (uint64_t)((int64_t)DST >> (SRC & 63)); NEXT(); /* dst s>>= src & 63 */
	OP(BSWAP)       /* dst = bswap16/32/64(dst), zero-extended */
		switch (ip->k) {
		case 16: DST = __builtin_bswap16((uint16_t)DST); break;
		case 32: DST = __builtin_bswap32((uint32_t)DST); break;
		default: DST = __builtin_bswap64(DST);           break;
		}
		NEXT();
	OP(BSWAP16)     DST = __builtin_bswap16((uint16_t)DST); NEXT(); /* dst = bswap16(dst) */
	OP(BSWAP32)     DST = __builtin_bswap32((uint32_t)DST); NEXT(); /* dst = bswap32(dst) */
	OP(BSWAP64)     DST = __builtin_bswap64(DST);           NEXT(); /* dst = bswap64(dst) */
	OP(ZEXT16)      DST = (uint16_t)DST;                    NEXT(); /* le/be16, no swap: dst = (u16)dst */
	OP(ZEXT32)      DST = (uint32_t)DST;                    NEXT(); /* le/be32, no swap: dst = (u32)dst */
	OP(NOP)                                                 NEXT(); /* le/be64, no swap */

	/* ---- ALU: 32-bit arithmetic on the low halves, zero-extended ---- */
	OP(ADD_IMM)     DST = DST32 + IMM32;                    NEXT(); /* w_dst += imm */
	OP(ADD_REG)     DST = DST32 + SRC32;                    NEXT(); /* w_dst += w_src */
	OP(SUB_IMM)     DST = (uint32_t)(DST32 - IMM32);        NEXT(); /* w_dst -= imm */
	OP(SUB_REG)     DST = (uint32_t)(DST32 - SRC32);        NEXT(); /* w_dst -= w_src */
	OP(MUL_IMM)     DST = (uint32_t)(DST32 * IMM32);        NEXT(); /* w_dst *= imm */
	OP(MUL_REG)     DST = (uint32_t)(DST32 * SRC32);        NEXT(); /* w_dst *= w_src */
	OP(DIV_IMM)     DST = ip->k2 ? sdiv32(DST32, IMM32) : IMM32 ? DST32 / IMM32 : 0; NEXT(); /* w_dst /= imm; k2: signed */
	OP(DIV_REG)     DST = ip->k2 ? sdiv32(DST32, SRC32) : SRC32 ? DST32 / SRC32 : 0; NEXT(); /* w_dst /= w_src; k2: signed */
	OP(UDIV_IMM)    DST = IMM32 ? DST32 / IMM32 : 0;        NEXT(); /* w_dst /= imm; x / 0 = 0 */
	OP(UDIV_REG)    DST = SRC32 ? DST32 / SRC32 : 0;        NEXT(); /* w_dst /= w_src; x / 0 = 0 */
	OP(OR_IMM)      DST = DST32 | IMM32;                    NEXT(); /* w_dst |= imm */
	OP(OR_REG)      DST = DST32 | SRC32;                    NEXT(); /* w_dst |= w_src */
	OP(AND_IMM)     DST = DST32 & IMM32;                    NEXT(); /* w_dst &= imm */
	OP(AND_REG)     DST = DST32 & SRC32;                    NEXT(); /* w_dst &= w_src */
	OP(LSH_IMM)     DST = (uint32_t)(DST32 << (IMM32 & 31)); NEXT(); /* w_dst <<= imm & 31 */
	OP(LSH_REG)     DST = (uint32_t)(DST32 << (SRC32 & 31)); NEXT(); /* w_dst <<= w_src & 31 */
	OP(RSH_IMM)     DST = DST32 >> (IMM32 & 31);            NEXT(); /* w_dst >>= imm & 31 */
	OP(RSH_REG)     DST = DST32 >> (SRC32 & 31);            NEXT(); /* w_dst >>= w_src & 31 */
	OP(NEG)         DST = (uint32_t)(0 - DST32);            NEXT(); /* w_dst = -w_dst */
	OP(MOD_IMM)     DST = ip->k2 ? smod32(DST32, IMM32) : IMM32 ? DST32 % IMM32 : DST32; NEXT(); /* w_dst %= imm; k2: signed */
	OP(MOD_REG)     DST = ip->k2 ? smod32(DST32, SRC32) : SRC32 ? DST32 % SRC32 : DST32; NEXT(); /* w_dst %= w_src; k2: signed */
	OP(UMOD_IMM)    DST = IMM32 ? DST32 % IMM32 : DST32;    NEXT(); /* w_dst %= imm; x % 0 = x */
	OP(UMOD_REG)    DST = SRC32 ? DST32 % SRC32 : DST32;    NEXT(); /* w_dst %= w_src; x % 0 = x */
	OP(XOR_IMM)     DST = DST32 ^ IMM32;                    NEXT(); /* w_dst ^= imm */
	OP(XOR_REG)     DST = DST32 ^ SRC32;                    NEXT(); /* w_dst ^= w_src */
	OP(MOV_IMM)     DST = IMM32;                            NEXT(); /* w_dst = imm */
	OP(MOV_REG)     /* w_dst = w_src; k2 8/16: w_dst = (s32)(sN)w_src */
		switch (ip->k2) {
		case 8:  DST = (uint32_t)SX8(SRC);  break;
		case 16: DST = (uint32_t)SX16(SRC); break;
		default: DST = SRC32;               break;
		}
		NEXT();
	OP(MOVSX_8)     DST = (uint32_t)SX8(SRC);               NEXT(); /* w_dst = (s32)(s8)w_src */
	OP(MOVSX_16)    DST = (uint32_t)SX16(SRC);              NEXT(); /* w_dst = (s32)(s16)w_src */
	OP(ARSH_IMM)    DST = (uint32_t)((int32_t)DST32 >> (IMM32 & 31)); NEXT(); /* w_dst s>>= imm & 31 */
	OP(ARSH_REG)    DST = (uint32_t)((int32_t)DST32 >> (SRC32 & 31)); NEXT(); /* w_dst s>>= w_src & 31 */
	OP(LE)          /* dst = htole16/32/64(dst), zero-extended */
		switch (ip->k) {
		case 16: DST = HOST_BIG_ENDIAN ? __builtin_bswap16((uint16_t)DST) : (uint16_t)DST; break;
		case 32: DST = HOST_BIG_ENDIAN ? __builtin_bswap32((uint32_t)DST) : (uint32_t)DST; break;
		default: DST = HOST_BIG_ENDIAN ? __builtin_bswap64(DST) : DST;                     break;
		}
		NEXT();
	OP(BE)          /* dst = htobe16/32/64(dst), zero-extended */
		switch (ip->k) {
		case 16: DST = HOST_BIG_ENDIAN ? (uint16_t)DST : __builtin_bswap16((uint16_t)DST); break;
		case 32: DST = HOST_BIG_ENDIAN ? (uint32_t)DST : __builtin_bswap32((uint32_t)DST); break;
		default: DST = HOST_BIG_ENDIAN ? DST : __builtin_bswap64(DST);                     break;
		}
		NEXT();

	/* ---- simple ops, pairs and chains (interp.h; semantics on EV_ and CV_) ---- */
#define Y(name, ...) OP(name) DO_##name(ip->d, ip->s, ip->k); NEXT();
	INTERP_SIMPLE(Y, 0)
#undef Y
#ifndef INTERP_NO_GROUPS     /* pairs: computed-goto build only (interp.h) */
#define Y(a, b) OP(P_##a##__##b) {                                       \
		APPLY(DO_##a, FIELDS1);                                         \
		APPLY(DO_##b, FIELDS2);                                         \
		NEXT();                                                         \
	}
	INTERP_PAIRS_S(Y)
#undef Y
#define Y(a, b) OP(P_##a##__##b) {                                       \
		APPLY(DO_##a, FIELDS1);                                         \
		JUMP_IF(APPLY(CC_##b, FIELDS2));                                \
	}
	INTERP_PAIRS_C(Y)
#undef Y
#define Y(a, b) OP(C_##a##__##b) {                                       \
		const uint64_t x_ = APPLY(EV_##a, XFIELD1);                     \
		reg[ip->d] = x_;                                                \
		APPLY(CH_##b, ip->d2, x_, ip->k2);                              \
		NEXT();                                                         \
	}
	INTERP_CHAINS_S(Y)
#undef Y
#define Y(a, b) OP(C_##a##__##b) {                                       \
		const uint64_t x_ = APPLY(EV_##a, XFIELD1);                     \
		reg[ip->d] = x_;                                                \
		JUMP_IF(APPLY(CV_##b, x_, ip->s2, ip->k2));                     \
	}
	INTERP_CHAINS_C(Y)
#undef Y
#define Y(a, b) OP(K_##a##__##b) {                                       \
		const uint64_t x_ = APPLY(EV_##a, XFIELD1);                     \
		reg[ip->d] = x_;                                                \
		reg[ip->d2] = KV_##b(reg[ip->s2], x_);                          \
		NEXT();                                                         \
	}
	INTERP_CHAINS_K(Y)
#undef Y
#endif

	/* ---- JMP: 64-bit compares (imm sign-extended), calls, exit ---- */
	OP(JA)          GOTO(ip->t);                                     /* goto +off */
	OP(JEQ_IMM)     JUMP_IF(CC_JEQ_IMM(ip->d, ip->s, ip->k));        /* if dst == imm */
	OP(JEQ_REG)     JUMP_IF(CC_JEQ_REG(ip->d, ip->s, ip->k));        /* if dst == src */
	OP(JGT_IMM)     JUMP_IF(CC_JGT_IMM(ip->d, ip->s, ip->k));        /* if dst > imm */
	OP(JGT_REG)     JUMP_IF(CC_JGT_REG(ip->d, ip->s, ip->k));        /* if dst > src */
	OP(JGE_IMM)     JUMP_IF(DST >= IMM);                             /* if dst >= imm */
	OP(JGE_REG)     JUMP_IF(CC_JGE_REG(ip->d, ip->s, ip->k));        /* if dst >= src */
	OP(JSET_IMM)    JUMP_IF(DST & IMM);                              /* if dst & imm */
	OP(JSET_REG)    JUMP_IF(DST & SRC);                              /* if dst & src */
	OP(JNE_IMM)     JUMP_IF(CC_JNE_IMM(ip->d, ip->s, ip->k));        /* if dst != imm */
	OP(JNE_REG)     JUMP_IF(CC_JNE_REG(ip->d, ip->s, ip->k));        /* if dst != src */
	OP(JSGT_IMM)    JUMP_IF((int64_t)DST > (int64_t)IMM);            /* if dst s> imm */
	OP(JSGT_REG)    JUMP_IF((int64_t)DST > (int64_t)SRC);            /* if dst s> src */
	OP(JSGE_IMM)    JUMP_IF((int64_t)DST >= (int64_t)IMM);           /* if dst s>= imm */
	OP(JSGE_REG)    JUMP_IF((int64_t)DST >= (int64_t)SRC);           /* if dst s>= src */
	OP(JLT_IMM)     JUMP_IF(CC_JLT_IMM(ip->d, ip->s, ip->k));        /* if dst < imm */
	OP(JLT_REG)     JUMP_IF(CC_JLT_REG(ip->d, ip->s, ip->k));        /* if dst < src */
	OP(JLE_IMM)     JUMP_IF(DST <= IMM);                             /* if dst <= imm */
	OP(JLE_REG)     JUMP_IF(DST <= SRC);                             /* if dst <= src */
	OP(JSLT_IMM)    JUMP_IF((int64_t)DST < (int64_t)IMM);            /* if dst s< imm */
	OP(JSLT_REG)    JUMP_IF((int64_t)DST < (int64_t)SRC);            /* if dst s< src */
	OP(JSLE_IMM)    JUMP_IF((int64_t)DST <= (int64_t)IMM);           /* if dst s<= imm */
	OP(JSLE_REG)    JUMP_IF((int64_t)DST <= (int64_t)SRC);           /* if dst s<= src */

	OP(CALL)        /* general form (the predecoder splits it by kind) */
		if (ip->s == HIVE_PSEUDO_CALL)
			goto call_local;
		if ((uint32_t)ip->k == HIVE_HELPER_TAIL_CALL)
			goto tail_call;
		goto call_helper;

	OP(CALL_LOCAL)  /* call pc+imm+1: new frame, r10 -= 512, r6-r9 saved */
	call_local: {
		struct frame *f;

		if (unlikely(run->depth + 1 >= HIVE_MAX_CALL_FRAMES)) {
			vm_run_fail(run, -HIVE_EDEPTH, PC, "call depth limit of %d frames "
				    "exceeded", HIVE_MAX_CALL_FRAMES);
			goto out_err;
		}
		f = &frames[run->depth - base];
		f->vm = vm;
		f->ret = ip + 1;
		memcpy(f->saved, &reg[6], sizeof(f->saved));
		run->depth++;
		reg[10] -= HIVE_STACK_SIZE;
		stack_lo -= HIVE_STACK_SIZE;
		stack_span += HIVE_STACK_SIZE;
		if (checked)
			vm_zero_frame((void *)(uintptr_t)stack_lo);
		GOTO(ip->t);
	}

	OP(CALL_HELPER) /* r0 = helper imm (r1..r5, run) */
	call_helper: {
		hive_helper_fn fn = vm->helpers[ip->k].fn;

		run->budget_left = left;
		reg[0] = fn(reg[1], reg[2], reg[3], reg[4], reg[5], run);
		left = run->budget_left;
		if (unlikely(run->err))
			goto out_err;
		GOTO(ip + 1);
	}

	OP(EXIT)        /* return r0 to the caller frame, or end the run */
	do_exit: {
		struct frame *f;

		if (run->depth == base)
			goto out;
		run->depth--;
		f = &frames[run->depth - base];
		if (unlikely(f->vm != vm)) {    /* returning across a tail call */
			vm = f->vm;
			run->vm = vm;
			code = vm->icode;
			checked = vm->checks;
		}
		memcpy(&reg[6], f->saved, sizeof(f->saved));
		reg[10] += HIVE_STACK_SIZE;
		stack_lo += HIVE_STACK_SIZE;
		stack_span -= HIVE_STACK_SIZE;
		GOTO(f->ret);
	}

	/* ---- JMP32: 32-bit compares on the low halves, gotol ---- */
	OP(JA32)        GOTO(ip->t);                                     /* gotol +imm */
	OP(JEQ32_IMM)   JUMP_IF(DST32 == IMM32);                         /* if w_dst == imm */
	OP(JEQ32_REG)   JUMP_IF(DST32 == SRC32);                         /* if w_dst == w_src */
	OP(JGT32_IMM)   JUMP_IF(DST32 > IMM32);                          /* if w_dst > imm */
	OP(JGT32_REG)   JUMP_IF(DST32 > SRC32);                          /* if w_dst > w_src */
	OP(JGE32_IMM)   JUMP_IF(DST32 >= IMM32);                         /* if w_dst >= imm */
	OP(JGE32_REG)   JUMP_IF(DST32 >= SRC32);                         /* if w_dst >= w_src */
	OP(JSET32_IMM)  JUMP_IF(DST32 & IMM32);                          /* if w_dst & imm */
	OP(JSET32_REG)  JUMP_IF(DST32 & SRC32);                          /* if w_dst & w_src */
	OP(JNE32_IMM)   JUMP_IF(DST32 != IMM32);                         /* if w_dst != imm */
	OP(JNE32_REG)   JUMP_IF(DST32 != SRC32);                         /* if w_dst != w_src */
	OP(JSGT32_IMM)  JUMP_IF((int32_t)DST32 > (int32_t)IMM32);        /* if w_dst s> imm */
	OP(JSGT32_REG)  JUMP_IF((int32_t)DST32 > (int32_t)SRC32);        /* if w_dst s> w_src */
	OP(JSGE32_IMM)  JUMP_IF((int32_t)DST32 >= (int32_t)IMM32);       /* if w_dst s>= imm */
	OP(JSGE32_REG)  JUMP_IF((int32_t)DST32 >= (int32_t)SRC32);       /* if w_dst s>= w_src */
	OP(JLT32_IMM)   JUMP_IF(DST32 < IMM32);                          /* if w_dst < imm */
	OP(JLT32_REG)   JUMP_IF(DST32 < SRC32);                          /* if w_dst < w_src */
	OP(JLE32_IMM)   JUMP_IF(DST32 <= IMM32);                         /* if w_dst <= imm */
	OP(JLE32_REG)   JUMP_IF(DST32 <= SRC32);                         /* if w_dst <= w_src */
	OP(JSLT32_IMM)  JUMP_IF((int32_t)DST32 < (int32_t)IMM32);        /* if w_dst s< imm */
	OP(JSLT32_REG)  JUMP_IF((int32_t)DST32 < (int32_t)SRC32);        /* if w_dst s< w_src */
	OP(JSLE32_IMM)  JUMP_IF((int32_t)DST32 <= (int32_t)IMM32);       /* if w_dst s<= imm */
	OP(JSLE32_REG)  JUMP_IF((int32_t)DST32 <= (int32_t)SRC32);       /* if w_dst s<= w_src */

	/* ---- LD: 64-bit immediate, legacy packet loads (big-endian, r0) ---- */
	OP(LDDW)        DST = ip->imm64;                        NEXT(); /* dst = imm64 (resolved at load) */
	OP(LDABSW)      PKT_LOAD(ABS_OFF, 4);                            /* r0 = ntohl(pkt[imm]) */
	OP(LDABSH)      PKT_LOAD(ABS_OFF, 2);                            /* r0 = ntohs(pkt[imm]) */
	OP(LDABSB)      PKT_LOAD(ABS_OFF, 1);                            /* r0 = pkt[imm] */
	OP(LDINDW)      PKT_LOAD(IND_OFF, 4);                            /* r0 = ntohl(pkt[src + imm]) */
	OP(LDINDH)      PKT_LOAD(IND_OFF, 2);                            /* r0 = ntohs(pkt[src + imm]) */
	OP(LDINDB)      PKT_LOAD(IND_OFF, 1);                            /* r0 = pkt[src + imm] */

	/* ---- LDX: loads, zero- or sign-extended; _U: needs no check ---- */
	OP(LDXW)        LDX(32, ZX);                                     /* dst = *(u32 *)(src + off) */
	OP(LDXH)        LDX(16, ZX);                                     /* dst = *(u16 *)(src + off) */
	OP(LDXB)        LDX(8, ZX);                                      /* dst = *(u8 *)(src + off) */
	OP(LDXDW)       LDX(64, ZX);                                     /* dst = *(u64 *)(src + off) */
	OP(LDXSW)       LDX(32, SX32);                                   /* dst = *(s32 *)(src + off) */
	OP(LDXSH)       LDX(16, SX16);                                   /* dst = *(s16 *)(src + off) */
	OP(LDXSB)       LDX(8, SX8);                                     /* dst = *(s8 *)(src + off) */
	OP(LDXSW_U)     LDX_U(32, SX32);                                 /* dst = *(s32 *)(src + off) */
	OP(LDXSH_U)     LDX_U(16, SX16);                                 /* dst = *(s16 *)(src + off) */
	OP(LDXSB_U)     LDX_U(8, SX8);                                   /* dst = *(s8 *)(src + off) */

	/* ---- ST / STX: stores of imm (sign-extended) or src, truncated ---- */
	OP(STW)         ST(32, SIMM);                                    /* *(u32 *)(dst + off) = imm */
	OP(STH)         ST(16, SIMM);                                    /* *(u16 *)(dst + off) = imm */
	OP(STB)         ST(8, SIMM);                                     /* *(u8 *)(dst + off) = imm */
	OP(STDW)        ST(64, SIMM);                                    /* *(u64 *)(dst + off) = imm */
	OP(STXW)        ST(32, SRC);                                     /* *(u32 *)(dst + off) = src */
	OP(STXH)        ST(16, SRC);                                     /* *(u16 *)(dst + off) = src */
	OP(STXB)        ST(8, SRC);                                      /* *(u8 *)(dst + off) = src */
	OP(STXDW)       ST(64, SRC);                                     /* *(u64 *)(dst + off) = src */
	OP(STW_U)       ST_U(32, SIMM);                                  /* *(u32 *)(dst + off) = imm */
	OP(STH_U)       ST_U(16, SIMM);                                  /* *(u16 *)(dst + off) = imm */
	OP(STB_U)       ST_U(8, SIMM);                                   /* *(u8 *)(dst + off) = imm */
	OP(STDW_U)      ST_U(64, SIMM);                                  /* *(u64 *)(dst + off) = imm */

	/* ---- atomics: read-modify-write of an aligned word, fully ordered ---- */
	OP(ATOMIC32)    ATOMIC(32);         /* k2 op on *(u32 *)(dst + off); fetch: src = old (zero-extended) */
	OP(ATOMIC64)    ATOMIC(64);         /* k2 op on *(u64 *)(dst + off); fetch: src = old */

	OP(STEP)        /* stepping: the instruction at step_pc is done */
		step_pc += step_slots;
		goto step_next;

	OP(TAIL_CALL)   /* bpf_tail_call(ctx = r1, map = r2, index = r3) */
	tail_call: {
		struct hive_vm *target;

		if (run->tail_calls >= HIVE_MAX_TAIL_CALLS)
			GOTO(ip + 1);   /* limit reached: fall through, r0 unchanged */
		run->budget_left = left;
		target = vm->tail_fn(vm->tail_user, run, reg[2], (uint32_t)reg[3]);
		left = run->budget_left;
		if (unlikely(run->err))
			goto out_err;
		if (!target || !target->ninsns)
			GOTO(ip + 1);   /* empty slot: fall through, r0 unchanged */
		run->tail_calls++;
		vm = target;            /* same frame, same registers, target's pc 0 */
		run->vm = vm;
		code = vm->icode;
		checked = vm->checks;
		GOTO(code->e);
	}

#ifdef HIVE_INTERP_SWITCH
	default:
		vm_run_fail(run, -HIVE_EINSN, PC, "illegal op %u", (unsigned)ip->op);
		goto out_err;
	}
#endif

/*
 * The budget cannot pay the segment at ip: run its instructions one at a
 * time (each decoded alone into step[0], followed by STEP) while the budget
 * lasts. The segment ends in its only control transfer, which the budget
 * cannot reach, so stepping ends at the instruction that exhausts it.
 */
budget_short:
	left += ip->seg;        /* undo the wrapped subtraction */
	step_pc = entry_pc(code, ip, step_pc);
	memset(&step[1], 0, sizeof(step[1]));
#ifdef HIVE_INTERP_SWITCH
	step[1].op = IOP_STEP;
#else
	step[1].h = &&op_STEP;
#endif
step_next:
	if (left == 0)
		goto out_budget;
	left--;
	step_slots = interp_decode_one(vm, step_pc, &step[0]);
	ip = step;
	DISPATCH();

misaligned:
	vm_run_fail(run, -HIVE_EMEM, PC, "misaligned atomic access at 0x%llx",
		    (unsigned long long)ADDR(DST));
	run->fault_addr = ADDR(DST);
	run->fault_size = fault_size;
	goto out_err;

out_budget:
	vm_run_fail(run, -HIVE_EBUDGET, step_pc, "instruction budget of %llu exhausted",
		    (unsigned long long)run->budget_start);
	run->budget_left = 0;
	return 0;
out_err:
	/* the rest of the segment was paid in advance: give it back */
	if (in_code(code, ip))
		left += ip->seg - 1;
	if (!run->fault_set) {  /* stopped by a helper (hive_run_abort) */
		run->fault_set = true;
		run->fault_pc = PC;
	}
	run->budget_left = left;
	return 0;
out:
	run->budget_left = left;
	return reg[0];
}

bool interp_pairs(void)
{
#ifdef INTERP_NO_GROUPS
	return false;
#else
	return true;
#endif
}

const void *const *interp_handlers(void)
{
	return (const void *const *)(uintptr_t)run_loop(NULL, NULL, 0, NULL, 0);
}

uint64_t vm_interpret(struct hive_run *run)
{
	const uint64_t args[5] = { run->ctx_start, run->ctx_end - run->ctx_start, 0, 0, 0 };

	return run_loop(run, run->vm, 0, args, 0);
}

uint64_t vm_interpret_frame(struct hive_run *run, struct hive_vm *vm, const uint64_t args[5])
{
	return run_loop(run, vm, 0, args, run->depth);
}

int vm_call_function(struct hive_run *run, uint32_t pc, const uint64_t args[5], uint64_t *r0)
{
	struct hive_vm *vm = run->vm;
	uint32_t depth = run->depth;
	uint64_t ret;

	if (run->err)
		return run->err;
	if (depth + 1 >= HIVE_MAX_CALL_FRAMES) {
		vm_run_fail(run, -HIVE_EDEPTH, pc, "callback exceeds the call depth limit of %d "
			    "frames", HIVE_MAX_CALL_FRAMES);
		return run->err;
	}
	if (vm->checks)
		vm_zero_frame((void *)(uintptr_t)(run->stack_top -
						  (uint64_t)(depth + 2) * HIVE_STACK_SIZE));
	/* the callback runs on the engine that runs its caller */
	ret = rinterp_active(run) ? rinterp_run_at(run, pc, args, depth + 1)
				  : run_loop(run, vm, pc, args, depth + 1);
	run->depth = depth;
	run->vm = vm;
	if (run->err)
		return run->err;
	*r0 = ret;
	return 0;
}
