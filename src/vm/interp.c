/*
 * interp.c - the eBPF interpreter: one loop over the instruction stream,
 * registers and the instruction pointer in locals, one handler per opcode
 * of src/isa/insn_def.h.
 *
 * Dispatch is computed goto through a 256-entry label table generated from
 * insn_def.h (every other byte goes to op_ILLEGAL, and a missing handler is
 * a compile error). With HIVE_INTERP_SWITCH defined the same handlers are
 * cases of one switch (make check's sanitizer build uses it, so both
 * dispatch forms are exercised).
 *
 * The loader (vm.c) guarantees what the loop relies on: legal opcodes and
 * fields, jumps and calls inside the program and never into an lddw, a
 * last instruction that cannot fall off the end, registered helpers.
 * Everything else a program can do is handled here without C undefined
 * behaviour: RFC 9669 semantics for division by zero, INT_MIN / -1 and
 * oversized shifts; memcpy for (possibly unaligned) loads and stores;
 * __atomic builtins for atomics; in checked runs, every access is checked
 * (call-chain stack and ctx inline, the rest in vm_check_access()) and an
 * instruction budget counts down. The countdown also runs in unchecked runs
 * (from UINT64_MAX): it is one decrement and gives opts->insns_run for free.
 *
 * Local calls push a frame (return address, r6-r9) on an array local to the
 * loop; r10 moves down 512 bytes in run->stack. hive_run_call() re-enters
 * the loop (vm_call_function) with a base depth, so callbacks of bpf_loop
 * and friends run in the frames below their helper's caller.
 */
#include <string.h>

#include "util/util.h"
#include "vm_internal.h"

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
	const struct hive_insn *ret;        /* instruction after the call */
	uint64_t saved[4];                  /* r6..r9 */
};

/* ---- RFC 9669 arithmetic without undefined behaviour --------------------- */

static inline uint64_t sdiv64(uint64_t a, uint64_t b)
{
	if (b == 0)
		return 0;
	if (b == UINT64_MAX)            /* x / -1 = -x; INT64_MIN / -1 = INT64_MIN */
		return 0 - a;
	return (uint64_t)((int64_t)a / (int64_t)b);
}

static inline uint64_t smod64(uint64_t a, uint64_t b)
{
	if (b == 0)
		return a;
	if (b == UINT64_MAX)            /* x % -1 = 0, INT64_MIN included */
		return 0;
	return (uint64_t)((int64_t)a % (int64_t)b);
}

static inline uint32_t sdiv32(uint32_t a, uint32_t b)
{
	if (b == 0)
		return 0;
	if (b == UINT32_MAX)
		return 0 - a;
	return (uint32_t)((int32_t)a / (int32_t)b);
}

static inline uint32_t smod32(uint32_t a, uint32_t b)
{
	if (b == 0)
		return a;
	if (b == UINT32_MAX)
		return 0;
	return (uint32_t)((int32_t)a % (int32_t)b);
}

/* ---- memory ---------------------------------------------------------------- */

#define DEF_LOAD(bits)                                                  \
	static inline uint64_t load##bits(uint64_t a)                   \
	{                                                               \
		uint##bits##_t v;                                       \
		memcpy(&v, (const void *)(uintptr_t)a, sizeof(v));      \
		return v;                                               \
	}                                                               \
	static inline void store##bits(uint64_t a, uint64_t v)          \
	{                                                               \
		uint##bits##_t x = (uint##bits##_t)v;                   \
		memcpy((void *)(uintptr_t)a, &x, sizeof(x));            \
	}
DEF_LOAD(8)
DEF_LOAD(16)
DEF_LOAD(32)
DEF_LOAD(64)

/* Legacy packet load: big-endian @size bytes at @off of the run's packet.
 * false when out of bounds (or no packet): the program then returns 0. */
static inline bool pkt_load(const struct hive_run *run, int64_t off, unsigned size, uint64_t *v)
{
	const uint8_t *p;

	if (off < 0 || (uint64_t)off > run->pkt_size || run->pkt_size - (uint64_t)off < size)
		return false;
	p = run->pkt + off;
	switch (size) {
	case 1:  *v = p[0]; break;
	case 2:  *v = (uint64_t)p[0] << 8 | p[1]; break;
	default: *v = (uint64_t)p[0] << 24 | (uint64_t)p[1] << 16 | (uint64_t)p[2] << 8 | p[3];
	}
	return true;
}

/* ---- the loop -------------------------------------------------------------- */

/* Operands of the instruction at ip. */
#define DST     reg[ip->dst]
#define SRC     reg[ip->src]
#define IMM     ((uint64_t)(int64_t)ip->imm)        /* imm sign-extended to 64 bits */
#define IMM32   ((uint32_t)ip->imm)
#define DST32   ((uint32_t)reg[ip->dst])
#define SRC32   ((uint32_t)reg[ip->src])
#define PC      ((uint32_t)(ip - insns))
#define ADDR(base) ((base) + (uint64_t)(int64_t)ip->off)

/* Count one instruction: stop when the budget is spent. */
#define COUNT()                                                          \
	do {                                                             \
		if (unlikely(__builtin_sub_overflow(left, 1, &left)))    \
			goto out_budget;                                 \
	} while (0)

#ifdef HIVE_INTERP_SWITCH
#define OP(name) case HIVE_OP_##name:
#define NEXT(n)  do { ip += (n); goto dispatch; } while (0)
#else
#define OP(name) op_##name:
#define NEXT(n)  do { ip += (n); COUNT(); goto *labels[ip->code]; } while (0)
#endif
#define JUMP_IF(cond) NEXT((cond) ? 1 + (int32_t)ip->off : 1)

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
		NEXT(1);                                                 \
	} while (0)
#define ST(bits, val)                                                    \
	do {                                                             \
		uint64_t a_ = ADDR(DST);                                 \
		CHECK_MEM(a_, bits / 8, HIVE_PROT_WRITE, ctx_w);         \
		store##bits(a_, (val));                                  \
		NEXT(1);                                                 \
	} while (0)
#define ZX(v)   (v)
#define SX8(v)  ((uint64_t)(int64_t)(int8_t)(v))
#define SX16(v) ((uint64_t)(int64_t)(int16_t)(v))
#define SX32(v) ((uint64_t)(int64_t)(int32_t)(v))

#define PKT_LOAD(off, size)                                              \
	do {                                                             \
		uint64_t v_;                                             \
		if (!pkt_load(run, (off), (size), &v_)) {                \
			reg[0] = 0;  /* out of bounds: return 0, as the kernel */ \
			goto do_exit;                                    \
		}                                                        \
		reg[0] = v_;                                             \
		NEXT(1);                                                 \
	} while (0)
#define ABS_OFF ((int64_t)ip->imm)

/*
 * Atomic read-modify-write of a naturally aligned @type at dst + off, fully
 * ordered. imm: add/or/and/xor (| HIVE_FETCH: src = old value), xchg
 * (src = old), cmpxchg (if *p == r0 then *p = src; r0 = old). 32-bit forms
 * compare and return the low halves, zero-extended.
 */
#define ATOMIC(type)                                                              \
	do {                                                                      \
		uint64_t a_ = ADDR(DST);                                          \
		type *p_ = (type *)(uintptr_t)a_, v_ = (type)SRC, old_;           \
		CHECK_MEM(a_, sizeof(type), HIVE_PROT_RW, ctx_rw);                \
		if (unlikely(a_ & (sizeof(type) - 1)))                            \
			goto misaligned;                                          \
		switch (ip->imm) {                                                \
		case HIVE_ADD:  __atomic_fetch_add(p_, v_, __ATOMIC_SEQ_CST); break; \
		case HIVE_OR:   __atomic_fetch_or(p_, v_, __ATOMIC_SEQ_CST); break; \
		case HIVE_AND:  __atomic_fetch_and(p_, v_, __ATOMIC_SEQ_CST); break; \
		case HIVE_XOR:  __atomic_fetch_xor(p_, v_, __ATOMIC_SEQ_CST); break; \
		case HIVE_ADD | HIVE_FETCH:                                       \
			SRC = __atomic_fetch_add(p_, v_, __ATOMIC_SEQ_CST); break; \
		case HIVE_OR | HIVE_FETCH:                                        \
			SRC = __atomic_fetch_or(p_, v_, __ATOMIC_SEQ_CST); break; \
		case HIVE_AND | HIVE_FETCH:                                       \
			SRC = __atomic_fetch_and(p_, v_, __ATOMIC_SEQ_CST); break; \
		case HIVE_XOR | HIVE_FETCH:                                       \
			SRC = __atomic_fetch_xor(p_, v_, __ATOMIC_SEQ_CST); break; \
		case HIVE_XCHG:                                                   \
			SRC = __atomic_exchange_n(p_, v_, __ATOMIC_SEQ_CST); break; \
		default:        /* HIVE_CMPXCHG */                                \
			old_ = (type)reg[0];                                      \
			__atomic_compare_exchange_n(p_, &old_, v_, false,         \
						    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
			reg[0] = old_;                                            \
			break;                                                    \
		}                                                                 \
		NEXT(1);                                                          \
	} while (0)
#define IND_OFF ((int64_t)(int32_t)(uint32_t)(SRC + IMM))

/*
 * Run from @start (an index into vm's instructions) in frame @base with
 * r1..r5 = args; return r0 when frame @base exits (0 once run->err is set).
 */
static uint64_t run_loop(struct hive_run *run, struct hive_vm *vm, uint32_t start,
			 const uint64_t args[5], const uint32_t base)
{
#ifndef HIVE_INTERP_SWITCH
#pragma GCC diagnostic push
#ifdef __clang__
#pragma GCC diagnostic ignored "-Winitializer-overrides"
#else
#pragma GCC diagnostic ignored "-Woverride-init"
#endif
	static const void *const labels[256] = {
		[0 ... 255] = &&op_ILLEGAL,
#define X(name, code, kind, mnem, width) [code] = &&op_##name,
#include "isa/insn_def.h"
#undef X
	};
#pragma GCC diagnostic pop
#endif
	struct frame frames[HIVE_MAX_CALL_FRAMES];
	const struct hive_insn *insns = vm->insns;
	const struct hive_insn *ip = insns + start;
	const uint64_t *ldimm = vm->ldimm;
	bool checked = vm->checks;
	uint64_t left = run->budget_left;
	uint64_t reg[HIVE_NREGS];
	/* accessible stack: the frames of the current call chain */
	uint64_t stack_lo, stack_span;
	/* ctx bounds per access direction (0: that direction is refused) */
	const uint64_t ctx_lo = run->ctx_start;
	const uint64_t ctx_len = run->ctx_end - run->ctx_start;
	const uint64_t ctx_r = run->ctx_prot & HIVE_PROT_READ ? ctx_len : 0;
	const uint64_t ctx_w = run->ctx_prot & HIVE_PROT_WRITE ? ctx_len : 0;
	const uint64_t ctx_rw = ctx_r < ctx_w ? ctx_r : ctx_w;

	run->depth = base;
	run->vm = vm;
	reg[0] = 0;
	memcpy(&reg[1], args, 5 * sizeof(reg[0]));
	reg[6] = reg[7] = reg[8] = reg[9] = 0;
	reg[10] = run->stack_top - (uint64_t)base * HIVE_STACK_SIZE;
	stack_lo = reg[10] - HIVE_STACK_SIZE;
	stack_span = run->stack_top - stack_lo;

#ifdef HIVE_INTERP_SWITCH
dispatch:
	COUNT();
	switch (ip->code) {
#else
	COUNT();
	goto *labels[ip->code];
#endif

	/* ---- ALU64: 64-bit arithmetic, imm sign-extended ---- */
	OP(ADD64_IMM)   DST += IMM;                             NEXT(1); /* dst += imm */
	OP(ADD64_REG)   DST += SRC;                             NEXT(1); /* dst += src */
	OP(SUB64_IMM)   DST -= IMM;                             NEXT(1); /* dst -= imm */
	OP(SUB64_REG)   DST -= SRC;                             NEXT(1); /* dst -= src */
	OP(MUL64_IMM)   DST *= IMM;                             NEXT(1); /* dst *= imm */
	OP(MUL64_REG)   DST *= SRC;                             NEXT(1); /* dst *= src */
	OP(DIV64_IMM)   /* dst /= imm; off 1: signed; x / 0 = 0 */
		DST = ip->off ? sdiv64(DST, IMM) : IMM ? DST / IMM : 0;
		NEXT(1);
	OP(DIV64_REG)   /* dst /= src; off 1: signed; x / 0 = 0 */
		DST = ip->off ? sdiv64(DST, SRC) : SRC ? DST / SRC : 0;
		NEXT(1);
	OP(OR64_IMM)    DST |= IMM;                             NEXT(1); /* dst |= imm */
	OP(OR64_REG)    DST |= SRC;                             NEXT(1); /* dst |= src */
	OP(AND64_IMM)   DST &= IMM;                             NEXT(1); /* dst &= imm */
	OP(AND64_REG)   DST &= SRC;                             NEXT(1); /* dst &= src */
	OP(LSH64_IMM)   DST <<= IMM & 63;                       NEXT(1); /* dst <<= imm & 63 */
	OP(LSH64_REG)   DST <<= SRC & 63;                       NEXT(1); /* dst <<= src & 63 */
	OP(RSH64_IMM)   DST >>= IMM & 63;                       NEXT(1); /* dst >>= imm & 63 */
	OP(RSH64_REG)   DST >>= SRC & 63;                       NEXT(1); /* dst >>= src & 63 */
	OP(NEG64)       DST = 0 - DST;                          NEXT(1); /* dst = -dst */
	OP(MOD64_IMM)   /* dst %= imm; off 1: signed; x % 0 = x */
		DST = ip->off ? smod64(DST, IMM) : IMM ? DST % IMM : DST;
		NEXT(1);
	OP(MOD64_REG)   /* dst %= src; off 1: signed; x % 0 = x */
		DST = ip->off ? smod64(DST, SRC) : SRC ? DST % SRC : DST;
		NEXT(1);
	OP(XOR64_IMM)   DST ^= IMM;                             NEXT(1); /* dst ^= imm */
	OP(XOR64_REG)   DST ^= SRC;                             NEXT(1); /* dst ^= src */
	OP(MOV64_IMM)   DST = IMM;                              NEXT(1); /* dst = imm */
	OP(MOV64_REG)   /* dst = src; off 8/16/32: dst = (s64)(sN)src */
		switch (ip->off) {
		case 8:  DST = SX8(SRC);  break;
		case 16: DST = SX16(SRC); break;
		case 32: DST = SX32(SRC); break;
		default: DST = SRC;       break;
		}
		NEXT(1);
	OP(ARSH64_IMM)  DST = (uint64_t)((int64_t)DST >> (IMM & 63)); NEXT(1); /* dst s>>= imm & 63 */
	OP(ARSH64_REG)  DST = (uint64_t)((int64_t)DST >> (SRC & 63)); NEXT(1); /* dst s>>= src & 63 */
	OP(BSWAP)       /* dst = bswap16/32/64(dst), zero-extended */
		switch (ip->imm) {
		case 16: DST = __builtin_bswap16((uint16_t)DST); break;
		case 32: DST = __builtin_bswap32((uint32_t)DST); break;
		default: DST = __builtin_bswap64(DST);           break;
		}
		NEXT(1);

	/* ---- ALU: 32-bit arithmetic on the low halves, zero-extended ---- */
	OP(ADD_IMM)     DST = DST32 + IMM32;                    NEXT(1); /* w_dst += imm */
	OP(ADD_REG)     DST = DST32 + SRC32;                    NEXT(1); /* w_dst += w_src */
	OP(SUB_IMM)     DST = (uint32_t)(DST32 - IMM32);        NEXT(1); /* w_dst -= imm */
	OP(SUB_REG)     DST = (uint32_t)(DST32 - SRC32);        NEXT(1); /* w_dst -= w_src */
	OP(MUL_IMM)     DST = (uint32_t)(DST32 * IMM32);        NEXT(1); /* w_dst *= imm */
	OP(MUL_REG)     DST = (uint32_t)(DST32 * SRC32);        NEXT(1); /* w_dst *= w_src */
	OP(DIV_IMM)     /* w_dst /= imm; off 1: signed; x / 0 = 0 */
		DST = ip->off ? sdiv32(DST32, IMM32) : IMM32 ? DST32 / IMM32 : 0;
		NEXT(1);
	OP(DIV_REG)     /* w_dst /= w_src; off 1: signed; x / 0 = 0 */
		DST = ip->off ? sdiv32(DST32, SRC32) : SRC32 ? DST32 / SRC32 : 0;
		NEXT(1);
	OP(OR_IMM)      DST = DST32 | IMM32;                    NEXT(1); /* w_dst |= imm */
	OP(OR_REG)      DST = DST32 | SRC32;                    NEXT(1); /* w_dst |= w_src */
	OP(AND_IMM)     DST = DST32 & IMM32;                    NEXT(1); /* w_dst &= imm */
	OP(AND_REG)     DST = DST32 & SRC32;                    NEXT(1); /* w_dst &= w_src */
	OP(LSH_IMM)     DST = (uint32_t)(DST32 << (IMM32 & 31)); NEXT(1); /* w_dst <<= imm & 31 */
	OP(LSH_REG)     DST = (uint32_t)(DST32 << (SRC32 & 31)); NEXT(1); /* w_dst <<= w_src & 31 */
	OP(RSH_IMM)     DST = DST32 >> (IMM32 & 31);            NEXT(1); /* w_dst >>= imm & 31 */
	OP(RSH_REG)     DST = DST32 >> (SRC32 & 31);            NEXT(1); /* w_dst >>= w_src & 31 */
	OP(NEG)         DST = (uint32_t)(0 - DST32);            NEXT(1); /* w_dst = -w_dst */
	OP(MOD_IMM)     /* w_dst %= imm; off 1: signed; x % 0 = x (zero-extended) */
		DST = ip->off ? smod32(DST32, IMM32) : IMM32 ? DST32 % IMM32 : DST32;
		NEXT(1);
	OP(MOD_REG)     /* w_dst %= w_src; off 1: signed; x % 0 = x (zero-extended) */
		DST = ip->off ? smod32(DST32, SRC32) : SRC32 ? DST32 % SRC32 : DST32;
		NEXT(1);
	OP(XOR_IMM)     DST = DST32 ^ IMM32;                    NEXT(1); /* w_dst ^= imm */
	OP(XOR_REG)     DST = DST32 ^ SRC32;                    NEXT(1); /* w_dst ^= w_src */
	OP(MOV_IMM)     DST = IMM32;                            NEXT(1); /* w_dst = imm */
	OP(MOV_REG)     /* w_dst = w_src; off 8/16: w_dst = (s32)(sN)w_src */
		switch (ip->off) {
		case 8:  DST = (uint32_t)SX8(SRC);  break;
		case 16: DST = (uint32_t)SX16(SRC); break;
		default: DST = SRC32;               break;
		}
		NEXT(1);
	OP(ARSH_IMM)    DST = (uint32_t)((int32_t)DST32 >> (IMM32 & 31)); NEXT(1); /* w_dst s>>= imm & 31 */
	OP(ARSH_REG)    DST = (uint32_t)((int32_t)DST32 >> (SRC32 & 31)); NEXT(1); /* w_dst s>>= w_src & 31 */
	OP(LE)          /* dst = htole16/32/64(dst), zero-extended */
		switch (ip->imm) {
		case 16: DST = HOST_BIG_ENDIAN ? __builtin_bswap16((uint16_t)DST) : (uint16_t)DST; break;
		case 32: DST = HOST_BIG_ENDIAN ? __builtin_bswap32((uint32_t)DST) : (uint32_t)DST; break;
		default: DST = HOST_BIG_ENDIAN ? __builtin_bswap64(DST) : DST;                     break;
		}
		NEXT(1);
	OP(BE)          /* dst = htobe16/32/64(dst), zero-extended */
		switch (ip->imm) {
		case 16: DST = HOST_BIG_ENDIAN ? (uint16_t)DST : __builtin_bswap16((uint16_t)DST); break;
		case 32: DST = HOST_BIG_ENDIAN ? (uint32_t)DST : __builtin_bswap32((uint32_t)DST); break;
		default: DST = HOST_BIG_ENDIAN ? DST : __builtin_bswap64(DST);                     break;
		}
		NEXT(1);

	/* ---- JMP: 64-bit compares (imm sign-extended), calls, exit ---- */
	OP(JA)          NEXT(1 + (int32_t)ip->off);                      /* goto +off */
	OP(JEQ_IMM)     JUMP_IF(DST == IMM);                             /* if dst == imm */
	OP(JEQ_REG)     JUMP_IF(DST == SRC);                             /* if dst == src */
	OP(JGT_IMM)     JUMP_IF(DST > IMM);                              /* if dst > imm */
	OP(JGT_REG)     JUMP_IF(DST > SRC);                              /* if dst > src */
	OP(JGE_IMM)     JUMP_IF(DST >= IMM);                             /* if dst >= imm */
	OP(JGE_REG)     JUMP_IF(DST >= SRC);                             /* if dst >= src */
	OP(JSET_IMM)    JUMP_IF(DST & IMM);                              /* if dst & imm */
	OP(JSET_REG)    JUMP_IF(DST & SRC);                              /* if dst & src */
	OP(JNE_IMM)     JUMP_IF(DST != IMM);                             /* if dst != imm */
	OP(JNE_REG)     JUMP_IF(DST != SRC);                             /* if dst != src */
	OP(JSGT_IMM)    JUMP_IF((int64_t)DST > (int64_t)IMM);            /* if dst s> imm */
	OP(JSGT_REG)    JUMP_IF((int64_t)DST > (int64_t)SRC);            /* if dst s> src */
	OP(JSGE_IMM)    JUMP_IF((int64_t)DST >= (int64_t)IMM);           /* if dst s>= imm */
	OP(JSGE_REG)    JUMP_IF((int64_t)DST >= (int64_t)SRC);           /* if dst s>= src */
	OP(JLT_IMM)     JUMP_IF(DST < IMM);                              /* if dst < imm */
	OP(JLT_REG)     JUMP_IF(DST < SRC);                              /* if dst < src */
	OP(JLE_IMM)     JUMP_IF(DST <= IMM);                             /* if dst <= imm */
	OP(JLE_REG)     JUMP_IF(DST <= SRC);                             /* if dst <= src */
	OP(JSLT_IMM)    JUMP_IF((int64_t)DST < (int64_t)IMM);            /* if dst s< imm */
	OP(JSLT_REG)    JUMP_IF((int64_t)DST < (int64_t)SRC);            /* if dst s< src */
	OP(JSLE_IMM)    JUMP_IF((int64_t)DST <= (int64_t)IMM);           /* if dst s<= imm */
	OP(JSLE_REG)    JUMP_IF((int64_t)DST <= (int64_t)SRC);           /* if dst s<= src */

	OP(CALL) {      /* src 1: local call to pc+imm+1; src 0: helper imm (12: tail call) */
		hive_helper_fn fn;

		if (ip->src == HIVE_PSEUDO_CALL) {
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
			NEXT(1 + ip->imm);
		}
		if (unlikely((uint32_t)ip->imm == HIVE_HELPER_TAIL_CALL))
			goto do_tail_call;
		fn = vm->helpers[ip->imm].fn;
		run->budget_left = left;
		reg[0] = fn(reg[1], reg[2], reg[3], reg[4], reg[5], run);
		left = run->budget_left;
		if (unlikely(run->err))
			goto out_err;
		NEXT(1);
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
			insns = vm->insns;
			ldimm = vm->ldimm;
			checked = vm->checks;
		}
		memcpy(&reg[6], f->saved, sizeof(f->saved));
		reg[10] += HIVE_STACK_SIZE;
		stack_lo += HIVE_STACK_SIZE;
		stack_span -= HIVE_STACK_SIZE;
		ip = f->ret;
		NEXT(0);
	}

	/* ---- JMP32: 32-bit compares on the low halves, gotol ---- */
	OP(JA32)        NEXT(1 + ip->imm);                               /* gotol +imm */
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
	OP(LDDW)        DST = ldimm[PC];                        NEXT(2); /* dst = imm64 (resolved at load) */
	OP(LDABSW)      PKT_LOAD(ABS_OFF, 4);                            /* r0 = ntohl(pkt[imm]) */
	OP(LDABSH)      PKT_LOAD(ABS_OFF, 2);                            /* r0 = ntohs(pkt[imm]) */
	OP(LDABSB)      PKT_LOAD(ABS_OFF, 1);                            /* r0 = pkt[imm] */
	OP(LDINDW)      PKT_LOAD(IND_OFF, 4);                            /* r0 = ntohl(pkt[src + imm]) */
	OP(LDINDH)      PKT_LOAD(IND_OFF, 2);                            /* r0 = ntohs(pkt[src + imm]) */
	OP(LDINDB)      PKT_LOAD(IND_OFF, 1);                            /* r0 = pkt[src + imm] */

	/* ---- LDX: loads, zero- or sign-extended ---- */
	OP(LDXW)        LDX(32, ZX);                                     /* dst = *(u32 *)(src + off) */
	OP(LDXH)        LDX(16, ZX);                                     /* dst = *(u16 *)(src + off) */
	OP(LDXB)        LDX(8, ZX);                                      /* dst = *(u8 *)(src + off) */
	OP(LDXDW)       LDX(64, ZX);                                     /* dst = *(u64 *)(src + off) */
	OP(LDXSW)       LDX(32, SX32);                                   /* dst = *(s32 *)(src + off) */
	OP(LDXSH)       LDX(16, SX16);                                   /* dst = *(s16 *)(src + off) */
	OP(LDXSB)       LDX(8, SX8);                                     /* dst = *(s8 *)(src + off) */

	/* ---- ST / STX: stores of imm (sign-extended) or src, truncated ---- */
	OP(STW)         ST(32, IMM);                                     /* *(u32 *)(dst + off) = imm */
	OP(STH)         ST(16, IMM);                                     /* *(u16 *)(dst + off) = imm */
	OP(STB)         ST(8, IMM);                                      /* *(u8 *)(dst + off) = imm */
	OP(STDW)        ST(64, IMM);                                     /* *(u64 *)(dst + off) = imm */
	OP(STXW)        ST(32, SRC);                                     /* *(u32 *)(dst + off) = src */
	OP(STXH)        ST(16, SRC);                                     /* *(u16 *)(dst + off) = src */
	OP(STXB)        ST(8, SRC);                                      /* *(u8 *)(dst + off) = src */
	OP(STXDW)       ST(64, SRC);                                     /* *(u64 *)(dst + off) = src */

	/* ---- atomics: read-modify-write of an aligned word, fully ordered ---- */
	OP(ATOMIC32)    ATOMIC(uint32_t);   /* imm op on *(u32 *)(dst + off); fetch: src = old (zero-extended) */
	OP(ATOMIC64)    ATOMIC(uint64_t);   /* imm op on *(u64 *)(dst + off); fetch: src = old */

#ifdef HIVE_INTERP_SWITCH
	default:
		goto op_ILLEGAL;
	}
#endif

op_ILLEGAL:     /* not an opcode: the loader refuses these, so unreachable */
	vm_run_fail(run, -HIVE_EINSN, PC, "illegal opcode 0x%02x", ip->code);
	goto out_err;

do_tail_call: { /* bpf_tail_call(ctx = r1, map = r2, index = r3) */
		struct hive_vm *target;

		if (run->tail_calls >= HIVE_MAX_TAIL_CALLS)
			NEXT(1);        /* limit reached: fall through, r0 unchanged */
		run->budget_left = left;
		target = vm->tail_fn(vm->tail_user, run, reg[2], (uint32_t)reg[3]);
		left = run->budget_left;
		if (unlikely(run->err))
			goto out_err;
		if (!target || !target->ninsns)
			NEXT(1);        /* empty slot: fall through, r0 unchanged */
		run->tail_calls++;
		vm = target;            /* same frame, same registers, target's pc 0 */
		run->vm = vm;
		insns = vm->insns;
		ldimm = vm->ldimm;
		checked = vm->checks;
		ip = insns;
		NEXT(0);
	}

misaligned:
	vm_run_fail(run, -HIVE_EMEM, PC, "misaligned atomic access at 0x%llx",
		    (unsigned long long)ADDR(DST));
	run->fault_addr = ADDR(DST);
	run->fault_size = ip->code == HIVE_OP_ATOMIC64 ? 8 : 4;
	goto out_err;

out_budget:
	left = 0;
	vm_run_fail(run, -HIVE_EBUDGET, PC, "instruction budget of %llu exhausted",
		    (unsigned long long)run->budget_start);
out_err:
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

uint64_t vm_interpret(struct hive_run *run)
{
	const uint64_t args[5] = { run->ctx_start, run->ctx_end - run->ctx_start, 0, 0, 0 };

	return run_loop(run, run->vm, 0, args, 0);
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
	ret = run_loop(run, vm, pc, args, depth + 1);
	run->depth = depth;
	run->vm = vm;
	if (run->err)
		return run->err;
	*r0 = ret;
	return 0;
}
