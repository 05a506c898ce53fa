/*
 * rinterp.c - the register interpreter: verified programs (unchecked runs,
 * no instruction budget) with the eBPF registers r0-r9 in host registers.
 *
 * interp.c keeps the registers in an array: every instruction loads its
 * operands from memory and stores its result back, and a value that one
 * instruction writes and the next reads waits for a store-to-load
 * forwarding. Here each handler is a function whose arguments are the
 * current entry and r0-r9; clang's regcall convention passes all eleven in
 * host registers, and each handler ends in a guaranteed tail call
 * (musttail) to the next entry's handler, which compiles to one indirect
 * jump with the registers left where they are. A handler cannot index
 * host registers, so the frequent instructions have one handler per
 * register operand: `r3 += r5` runs h_add64_3_5, whose body is one host
 * add (the generated families are in rinterp_ops.h). Frequent pairs and
 * triples of clang's output (register moves, zero extensions, a loop
 * counter's add and compare, a spill reloaded for one use, ...) have fused
 * handlers: one dispatch for two or three instructions; the entries of the
 * instructions they cover stay, for jumps that land there. The other
 * instructions (division, byte swaps, sign-extending loads, atomics, legacy
 * packet loads, r10 as an ALU or compare operand) go through h_slow, which
 * spills r0-r10 to an array, runs the instruction in slow_exec() and
 * reloads them.
 *
 * r10 is not a handler argument (x86-64 has no twelfth register to pass
 * it in): it lives in the run state, found through a thread-local
 * pointer, and the handlers of r10-relative loads and stores read it
 * there. The same state holds the local call frames.
 *
 * Only verified programs run here: there are no memory checks and no
 * budget (vm.c gives unchecked runs an unlimited one), so opts->insns_run
 * stays 0. Checked runs, and builds without this engine, use interp.c.
 * Semantics shared with interp.c (signed division, loads and stores,
 * legacy packet loads) are in sem.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"
#include "vm_internal.h"
#include "rinterp.h"
#include "sem.h"

#if defined(__clang__) && defined(__x86_64__) && !defined(HIVE_INTERP_SWITCH) && \
	defined(__has_attribute)
#if __has_attribute(musttail) && __has_attribute(regcall)
#define RINTERP 1
#endif
#endif

#ifdef RINTERP

/* Sanitizer builds leave the fused entries out (rinterp_fused.h). */
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define RINTERP_NO_FUSED 1
#endif
#endif
#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

struct rent;

/* A handler: the entry to run and r0-r9, all in host registers. */
#define RARGS const struct rent *e, uint64_t r0, uint64_t r1, uint64_t r2, uint64_t r3, \
	uint64_t r4, uint64_t r5, uint64_t r6, uint64_t r7, uint64_t r8, uint64_t r9
#define RPASS e, r0, r1, r2, r3, r4, r5, r6, r7, r8, r9
#define RCALL __attribute__((regcall))
typedef RCALL uint64_t rhandler(RARGS);

/* One decoded instruction (32 bytes), at the index of its pc. */
struct rent {
	rhandler *h;
	union {
		uint64_t imm;           /* operand: imm (sign-extended, or masked shift
					 * count, or the low 32 bits), lddw value,
					 * value of a store of an immediate */
		const struct rent *t;   /* jump or local call target */
		hive_helper_fn fn;      /* helper of a call */
	};
	int32_t off;                    /* the instruction's off */
	int32_t k;                      /* the instruction's imm */
	uint32_t pc;
	uint8_t code, d, s;
};

/* A program's register-interpreter code (vm->rcode). */
struct rinterp_code {
	struct rent *e;                 /* one per instruction slot */
	uint32_t n;
};

/* A caller's state saved by a local call. */
struct rframe {
	const struct rent *ret;         /* entry after the call */
	struct hive_vm *vm;             /* program to return into */
	uint64_t saved[4];              /* r6..r9 */
};

/* One activation of the engine (a run, or a callback inside one). */
struct rstate {
	struct hive_run *run;
	uint64_t fp;                    /* r10 of the current frame */
	uint32_t nf;                    /* frames[] in use (local calls) */
	bool active;                    /* false while interp.c runs for it */
	struct rstate *prev;            /* the activation this one is nested in */
	uint64_t reg[HIVE_NREGS];       /* spill area of h_slow */
	struct rframe frames[HIVE_MAX_CALL_FRAMES];
};

static __thread struct rstate *rs_cur __attribute__((tls_model("initial-exec")));

/* Continue at entry @n with the registers as they are: one indirect jump. */
#define TAIL(n)                                                          \
	do {                                                             \
		e = (n);                                                 \
		__attribute__((musttail)) return e->h(RPASS);            \
	} while (0)
#define NEXT() TAIL(e + 1)

/* The successor of a conditional jump: @t when @c holds, else @f. A host
 * branch: selecting with cmov instead leaves the choice to the indirect
 * jump's predictor, and measured up to 2x slower on loops (docs/interp.md). */
#define SELECT(c, t, f) ((c) ? (t) : (f))

#include "rinterp_ops.h"

/* ---- control transfers ------------------------------------------------ */

static RCALL uint64_t h_ja(RARGS)       /* goto +off (ja, gotol) */
{
	TAIL(e->t);
}

/* Stop the run: run->err is set; give the pc of the failing entry. */
static uint64_t stop(struct hive_run *run, const struct rent *e)
{
	if (!run->fault_set) {
		run->fault_set = true;
		run->fault_pc = e->pc;
	}
	return 0;
}

static RCALL uint64_t h_call(RARGS)     /* r0 = helper imm (r1..r5, run) */
{
	struct hive_run *run = rs_cur->run;

	r0 = e->fn(r1, r2, r3, r4, r5, run);
	if (unlikely(run->err))
		return stop(run, e);
	NEXT();
}

static RCALL uint64_t h_exit(RARGS)     /* return r0 to the caller frame, or end */
{
	struct rstate *st = rs_cur;
	const struct rframe *f;

	if (st->nf == 0)
		return r0;
	f = &st->frames[--st->nf];
	r6 = f->saved[0];
	r7 = f->saved[1];
	r8 = f->saved[2];
	r9 = f->saved[3];
	st->fp += HIVE_STACK_SIZE;
	st->run->depth--;
	st->run->vm = f->vm;
	TAIL(f->ret);
}

static RCALL uint64_t h_call_local(RARGS) /* call pc+imm+1: new frame, r6-r9 saved */
{
	struct rstate *st = rs_cur;
	struct hive_run *run = st->run;
	struct rframe *f;

	if (unlikely(run->depth + 1 >= HIVE_MAX_CALL_FRAMES)) {
		vm_run_fail(run, -HIVE_EDEPTH, e->pc, "call depth limit of %d frames exceeded",
			    HIVE_MAX_CALL_FRAMES);
		return 0;
	}
	f = &st->frames[st->nf++];
	f->ret = e + 1;
	f->vm = run->vm;
	f->saved[0] = r6;
	f->saved[1] = r7;
	f->saved[2] = r8;
	f->saved[3] = r9;
	st->fp -= HIVE_STACK_SIZE;
	run->depth++;
	TAIL(e->t);
}

/*
 * bpf_tail_call(ctx = r1, map = r2, index = r3): on success run the target
 * from pc 0 in this frame with the registers unchanged; on failure fall
 * through with r0 unchanged (vm_internal.h). A target without register
 * code (a checked program) runs its frame on interp.c, and this frame then
 * returns what it returned.
 */
static RCALL uint64_t h_tail_call(RARGS)
{
	struct rstate *st = rs_cur;
	struct hive_run *run = st->run;
	struct hive_vm *vm = run->vm, *target;
	const struct rinterp_code *code;

	if (run->tail_calls >= HIVE_MAX_TAIL_CALLS)
		NEXT();
	target = vm->tail_fn(vm->tail_user, run, r2, (uint32_t)r3);
	if (unlikely(run->err))
		return stop(run, e);
	if (!target || !target->ninsns)
		NEXT();
	run->tail_calls++;
	run->vm = target;
	code = target->rcode;
	if (likely(code && !target->checks))
		TAIL(code->e);
	{
		const uint64_t args[5] = { r1, r2, r3, r4, r5 };

		st->active = false;
		r0 = vm_interpret_frame(run, target, args);
		st->active = true;
		if (run->err)
			return 0;
	}
	__attribute__((musttail)) return h_exit(RPASS);
}

/* ---- everything else: spilled to an array ---------------------------- */

#define SX8(v)  ((uint64_t)(int64_t)(int8_t)(v))
#define SX16(v) ((uint64_t)(int64_t)(int16_t)(v))
#define SX32(v) ((uint64_t)(int64_t)(int32_t)(v))

/* Entry standing for "return from this function": a legacy packet load out
 * of bounds ends the program with r0 = 0, as in the kernel. */
static const struct rent exit_ent = { .h = h_exit };

/* Atomic read-modify-write of the naturally aligned u@bits at dst + off,
 * op in k (sem_atomic##bits in sem.h). */
#define ATOMIC(bits)                                                              \
	do {                                                                      \
		uint64_t a_ = reg[e->d] + OFF;                                    \
		if (unlikely(a_ & (bits / 8 - 1))) {                              \
			vm_run_fail(run, -HIVE_EMEM, e->pc,                       \
				    "misaligned atomic access at 0x%llx",         \
				    (unsigned long long)a_);                      \
			run->fault_addr = a_;                                     \
			run->fault_size = bits / 8;                               \
			return NULL;                                              \
		}                                                                 \
		sem_atomic##bits((uint##bits##_t *)(uintptr_t)a_, e->k, &reg[e->s], &reg[0]); \
	} while (0)

/* Legacy packet load into r0 (big-endian); out of bounds ends the program. */
#define PKT_LOAD(off, size)                                              \
	do {                                                             \
		uint64_t v_;                                             \
		if (!pkt_load(run, (off), (size), &v_)) {                \
			reg[0] = 0;                                      \
			return &exit_ent;                                \
		}                                                        \
		reg[0] = v_;                                             \
	} while (0)

/*
 * Run the instruction of @e on @reg (r0-r10) and return the entry to
 * continue at, or NULL when the run stopped (run->err set). The operands
 * are the instruction's own: d, s, off, k (imm).
 */
static int ri_op(uint8_t code);

static const struct rent *slow_exec(struct hive_run *run, const struct rent *e, uint64_t *reg)
{
	uint64_t *dst = &reg[e->d];
	const uint64_t src = reg[e->s], imm = (uint64_t)(int64_t)e->k;
	const uint32_t d32 = (uint32_t)*dst, s32 = (uint32_t)src, i32 = (uint32_t)e->k;
	const bool sgn = e->off == 1;   /* sdiv / smod */
	const int ri = ri_op(e->code);
	bool c;

	if (e->code == HIVE_OP_LDDW) {  /* into r10 */
		*dst = e->imm;
		return e + 2;
	}
	switch (ri) {   /* immediate ALU: e->imm is prepared */
#define Y(op) case RIO_##op: RI_##op(*dst, e->imm); return e + 1;
	RI_OPS(Y)
#undef Y
	default: break;
	}
	switch (e->code) {
	/* 64-bit ALU the handlers do not cover (and any with r10 as source) */
	case HIVE_OP_ADD64_REG:  *dst += src;                       break; /* dst += src */
	case HIVE_OP_SUB64_REG:  *dst -= src;                       break; /* dst -= src */
	case HIVE_OP_MUL64_REG:  *dst *= src;                       break; /* dst *= src */
	case HIVE_OP_AND64_REG:  *dst &= src;                       break; /* dst &= src */
	case HIVE_OP_OR64_REG:   *dst |= src;                       break; /* dst |= src */
	case HIVE_OP_XOR64_REG:  *dst ^= src;                       break; /* dst ^= src */
	case HIVE_OP_LSH64_REG:  *dst <<= src & 63;                 break; /* dst <<= src & 63 */
	case HIVE_OP_RSH64_REG:  *dst >>= src & 63;                 break; /* dst >>= src & 63 */
	case HIVE_OP_ARSH64_REG: *dst = (uint64_t)((int64_t)*dst >> (src & 63)); break; /* dst s>>= src */
	case HIVE_OP_DIV64_IMM:  *dst = sgn ? sdiv64(*dst, imm) : imm ? *dst / imm : 0; break; /* dst /= imm */
	case HIVE_OP_DIV64_REG:  *dst = sgn ? sdiv64(*dst, src) : src ? *dst / src : 0; break; /* dst /= src */
	case HIVE_OP_MOD64_IMM:  *dst = sgn ? smod64(*dst, imm) : imm ? *dst % imm : *dst; break; /* dst %= imm */
	case HIVE_OP_MOD64_REG:  *dst = sgn ? smod64(*dst, src) : src ? *dst % src : *dst; break; /* dst %= src */
	case HIVE_OP_MOV64_REG:  /* dst = src; off 8/16/32: dst = (s64)(sN)src */
		*dst = e->off == 8 ? SX8(src) : e->off == 16 ? SX16(src) :
		       e->off == 32 ? SX32(src) : src;
		break;
	case HIVE_OP_BSWAP:      /* dst = bswap16/32/64(dst), zero-extended */
		*dst = e->k == 16 ? __builtin_bswap16((uint16_t)*dst) :
		       e->k == 32 ? __builtin_bswap32(d32) : __builtin_bswap64(*dst);
		break;

	/* 32-bit ALU the handlers do not cover */
	case HIVE_OP_ADD_REG:    *dst = (uint32_t)(d32 + s32);      break; /* w_dst += w_src */
	case HIVE_OP_SUB_REG:    *dst = (uint32_t)(d32 - s32);      break; /* w_dst -= w_src */
	case HIVE_OP_MUL_REG:    *dst = (uint32_t)(d32 * s32);      break; /* w_dst *= w_src */
	case HIVE_OP_AND_REG:    *dst = d32 & s32;                  break; /* w_dst &= w_src */
	case HIVE_OP_OR_REG:     *dst = d32 | s32;                  break; /* w_dst |= w_src */
	case HIVE_OP_XOR_REG:    *dst = d32 ^ s32;                  break; /* w_dst ^= w_src */
	case HIVE_OP_LSH_REG:    *dst = (uint32_t)(d32 << (s32 & 31)); break; /* w_dst <<= w_src & 31 */
	case HIVE_OP_RSH_REG:    *dst = d32 >> (s32 & 31);          break; /* w_dst >>= w_src & 31 */
	case HIVE_OP_ARSH_REG:   *dst = (uint32_t)((int32_t)d32 >> (s32 & 31)); break; /* w_dst s>>= w_src */
	case HIVE_OP_NEG:        *dst = (uint32_t)(0 - d32);        break; /* w_dst = -w_dst */
	case HIVE_OP_DIV_IMM:    *dst = sgn ? sdiv32(d32, i32) : i32 ? d32 / i32 : 0; break; /* w_dst /= imm */
	case HIVE_OP_DIV_REG:    *dst = sgn ? sdiv32(d32, s32) : s32 ? d32 / s32 : 0; break; /* w_dst /= w_src */
	case HIVE_OP_MOD_IMM:    *dst = sgn ? smod32(d32, i32) : i32 ? d32 % i32 : d32; break; /* w_dst %= imm */
	case HIVE_OP_MOD_REG:    *dst = sgn ? smod32(d32, s32) : s32 ? d32 % s32 : d32; break; /* w_dst %= w_src */
	case HIVE_OP_MOV_REG:    /* w_dst = w_src; off 8/16: w_dst = (s32)(sN)w_src */
		*dst = e->off == 8 ? (uint32_t)SX8(src) : e->off == 16 ? (uint32_t)SX16(src) : s32;
		break;
	case HIVE_OP_LE:         /* dst = htole16/32/64(dst), zero-extended (little-endian host) */
		*dst = e->k == 16 ? (uint16_t)*dst : e->k == 32 ? d32 : *dst;
		break;
	case HIVE_OP_BE:         /* dst = htobe16/32/64(dst), zero-extended (little-endian host) */
		*dst = e->k == 16 ? __builtin_bswap16((uint16_t)*dst) :
		       e->k == 32 ? __builtin_bswap32(d32) : __builtin_bswap64(*dst);
		break;

	/* loads and stores with r10 where the handlers do not take it */
	case HIVE_OP_LDXB:  *dst = load8(src + OFF);                break; /* dst = *(u8 *)(src + off) */
	case HIVE_OP_LDXH:  *dst = load16(src + OFF);               break; /* dst = *(u16 *)(src + off) */
	case HIVE_OP_LDXW:  *dst = load32(src + OFF);               break; /* dst = *(u32 *)(src + off) */
	case HIVE_OP_LDXDW: *dst = load64(src + OFF);               break; /* dst = *(u64 *)(src + off) */
	case HIVE_OP_STXB:  store8(*dst + OFF, src);                break; /* *(u8 *)(dst + off) = src */
	case HIVE_OP_STXH:  store16(*dst + OFF, src);               break; /* *(u16 *)(dst + off) = src */
	case HIVE_OP_STXW:  store32(*dst + OFF, src);               break; /* *(u32 *)(dst + off) = src */
	case HIVE_OP_STXDW: store64(*dst + OFF, src);               break; /* *(u64 *)(dst + off) = src */

	/* sign-extending loads */
	case HIVE_OP_LDXSB: *dst = SX8(load8(src + OFF));           break; /* dst = *(s8 *)(src + off) */
	case HIVE_OP_LDXSH: *dst = SX16(load16(src + OFF));         break; /* dst = *(s16 *)(src + off) */
	case HIVE_OP_LDXSW: *dst = SX32(load32(src + OFF));         break; /* dst = *(s32 *)(src + off) */

	/* atomics */
	case HIVE_OP_ATOMIC32: ATOMIC(32); break; /* k op on *(u32 *)(dst + off) */
	case HIVE_OP_ATOMIC64: ATOMIC(64); break; /* k op on *(u64 *)(dst + off) */

	/* legacy packet loads: r0 = big-endian bytes of the packet */
	case HIVE_OP_LDABSW: PKT_LOAD(imm, 4); break;   /* r0 = ntohl(pkt[imm]) */
	case HIVE_OP_LDABSH: PKT_LOAD(imm, 2); break;   /* r0 = ntohs(pkt[imm]) */
	case HIVE_OP_LDABSB: PKT_LOAD(imm, 1); break;   /* r0 = pkt[imm] */
	case HIVE_OP_LDINDW: PKT_LOAD((int64_t)(int32_t)(uint32_t)(src + imm), 4); break; /* r0 = ntohl(pkt[src + imm]) */
	case HIVE_OP_LDINDH: PKT_LOAD((int64_t)(int32_t)(uint32_t)(src + imm), 2); break; /* r0 = ntohs(pkt[src + imm]) */
	case HIVE_OP_LDINDB: PKT_LOAD((int64_t)(int32_t)(uint32_t)(src + imm), 1); break; /* r0 = pkt[src + imm] */

	/* conditional jumps with r10 as an operand */
	default: {
		const bool x = (e->code & 0x08) != 0;    /* source: register */
		const uint64_t v = x ? src : imm;

		switch (e->code & 0xf7) {
		case HIVE_OP_JEQ_IMM:    c = J_jeq(*dst, v);    break;
		case HIVE_OP_JNE_IMM:    c = J_jne(*dst, v);    break;
		case HIVE_OP_JGT_IMM:    c = J_jgt(*dst, v);    break;
		case HIVE_OP_JGE_IMM:    c = J_jge(*dst, v);    break;
		case HIVE_OP_JLT_IMM:    c = J_jlt(*dst, v);    break;
		case HIVE_OP_JLE_IMM:    c = J_jle(*dst, v);    break;
		case HIVE_OP_JSGT_IMM:   c = J_jsgt(*dst, v);   break;
		case HIVE_OP_JSGE_IMM:   c = J_jsge(*dst, v);   break;
		case HIVE_OP_JSLT_IMM:   c = J_jslt(*dst, v);   break;
		case HIVE_OP_JSLE_IMM:   c = J_jsle(*dst, v);   break;
		case HIVE_OP_JSET_IMM:   c = J_jset(*dst, v);   break;
		case HIVE_OP_JEQ32_IMM:  c = J_jeq32(*dst, v);  break;
		case HIVE_OP_JNE32_IMM:  c = J_jne32(*dst, v);  break;
		case HIVE_OP_JGT32_IMM:  c = J_jgt32(*dst, v);  break;
		case HIVE_OP_JGE32_IMM:  c = J_jge32(*dst, v);  break;
		case HIVE_OP_JLT32_IMM:  c = J_jlt32(*dst, v);  break;
		case HIVE_OP_JLE32_IMM:  c = J_jle32(*dst, v);  break;
		case HIVE_OP_JSGT32_IMM: c = J_jsgt32(*dst, v); break;
		case HIVE_OP_JSGE32_IMM: c = J_jsge32(*dst, v); break;
		case HIVE_OP_JSLT32_IMM: c = J_jslt32(*dst, v); break;
		case HIVE_OP_JSLE32_IMM: c = J_jsle32(*dst, v); break;
		case HIVE_OP_JSET32_IMM: c = J_jset32(*dst, v); break;
		default:
			vm_run_fail(run, -HIVE_EINSN, e->pc, "illegal opcode 0x%02x", e->code);
			return NULL;
		}
		return c ? e->t : e + 1;
	}
	}
	return e + 1;
}

static RCALL uint64_t h_slow(RARGS)     /* any other instruction, on the spilled registers */
{
	struct rstate *st = rs_cur;
	uint64_t *reg = st->reg;
	const struct rent *n;

	reg[0] = r0; reg[1] = r1; reg[2] = r2; reg[3] = r3; reg[4] = r4;
	reg[5] = r5; reg[6] = r6; reg[7] = r7; reg[8] = r8; reg[9] = r9;
	reg[10] = st->fp;
	n = slow_exec(st->run, e, reg);
	if (unlikely(!n))
		return stop(st->run, e);
	r0 = reg[0]; r1 = reg[1]; r2 = reg[2]; r3 = reg[3]; r4 = reg[4];
	r5 = reg[5]; r6 = reg[6]; r7 = reg[7]; r8 = reg[8]; r9 = reg[9];
	st->fp = reg[10];
	TAIL(n);
}

/* ---- load: the handler of each instruction ---------------------------- */

/* The RR op of a register-register ALU opcode, or -1. */
static int rr_op(uint8_t code)
{
	switch (code) {
	case HIVE_OP_ADD64_REG:  return RRO_add64;
	case HIVE_OP_SUB64_REG:  return RRO_sub64;
	case HIVE_OP_MUL64_REG:  return RRO_mul64;
	case HIVE_OP_AND64_REG:  return RRO_and64;
	case HIVE_OP_OR64_REG:   return RRO_or64;
	case HIVE_OP_XOR64_REG:  return RRO_xor64;
	case HIVE_OP_LSH64_REG:  return RRO_lsh64;
	case HIVE_OP_RSH64_REG:  return RRO_rsh64;
	case HIVE_OP_ARSH64_REG: return RRO_arsh64;
	case HIVE_OP_ADD_REG:    return RRO_add32;
	case HIVE_OP_SUB_REG:    return RRO_sub32;
	case HIVE_OP_MUL_REG:    return RRO_mul32;
	case HIVE_OP_AND_REG:    return RRO_and32;
	case HIVE_OP_OR_REG:     return RRO_or32;
	case HIVE_OP_XOR_REG:    return RRO_xor32;
	case HIVE_OP_LSH_REG:    return RRO_lsh32;
	case HIVE_OP_RSH_REG:    return RRO_rsh32;
	case HIVE_OP_ARSH_REG:   return RRO_arsh32;
	default:                 return -1;
	}
}

/* The RI op of an immediate ALU opcode (sub as add), or -1. */
static int ri_op(uint8_t code)
{
	switch (code) {
	case HIVE_OP_ADD64_IMM: case HIVE_OP_SUB64_IMM: return RIO_add64;
	case HIVE_OP_MUL64_IMM:  return RIO_mul64;
	case HIVE_OP_AND64_IMM:  return RIO_and64;
	case HIVE_OP_OR64_IMM:   return RIO_or64;
	case HIVE_OP_XOR64_IMM:  return RIO_xor64;
	case HIVE_OP_MOV64_IMM:  return RIO_mov64;
	case HIVE_OP_LSH64_IMM:  return RIO_lsh64;
	case HIVE_OP_RSH64_IMM:  return RIO_rsh64;
	case HIVE_OP_ARSH64_IMM: return RIO_arsh64;
	case HIVE_OP_NEG64:      return RIO_neg64;
	case HIVE_OP_ADD_IMM: case HIVE_OP_SUB_IMM: return RIO_add32;
	case HIVE_OP_MUL_IMM:    return RIO_mul32;
	case HIVE_OP_AND_IMM:    return RIO_and32;
	case HIVE_OP_OR_IMM:     return RIO_or32;
	case HIVE_OP_XOR_IMM:    return RIO_xor32;
	case HIVE_OP_MOV_IMM:    return RIO_mov32;
	case HIVE_OP_LSH_IMM:    return RIO_lsh32;
	case HIVE_OP_RSH_IMM:    return RIO_rsh32;
	case HIVE_OP_ARSH_IMM:   return RIO_arsh32;
	case HIVE_OP_NEG:        return RIO_neg32;
	default:                 return -1;
	}
}

/* The J op of a conditional jump opcode (either source), or -1. */
static int j_op(uint8_t code)
{
	switch (code & 0xf7) {
	case HIVE_OP_JEQ_IMM:    return JO_jeq;
	case HIVE_OP_JNE_IMM:    return JO_jne;
	case HIVE_OP_JGT_IMM:    return JO_jgt;
	case HIVE_OP_JGE_IMM:    return JO_jge;
	case HIVE_OP_JLT_IMM:    return JO_jlt;
	case HIVE_OP_JLE_IMM:    return JO_jle;
	case HIVE_OP_JSGT_IMM:   return JO_jsgt;
	case HIVE_OP_JSGE_IMM:   return JO_jsge;
	case HIVE_OP_JSLT_IMM:   return JO_jslt;
	case HIVE_OP_JSLE_IMM:   return JO_jsle;
	case HIVE_OP_JSET_IMM:   return JO_jset;
	case HIVE_OP_JEQ32_IMM:  return JO_jeq32;
	case HIVE_OP_JNE32_IMM:  return JO_jne32;
	case HIVE_OP_JGT32_IMM:  return JO_jgt32;
	case HIVE_OP_JGE32_IMM:  return JO_jge32;
	case HIVE_OP_JLT32_IMM:  return JO_jlt32;
	case HIVE_OP_JLE32_IMM:  return JO_jle32;
	case HIVE_OP_JSGT32_IMM: return JO_jsgt32;
	case HIVE_OP_JSGE32_IMM: return JO_jsge32;
	case HIVE_OP_JSLT32_IMM: return JO_jslt32;
	case HIVE_OP_JSLE32_IMM: return JO_jsle32;
	case HIVE_OP_JSET32_IMM: return JO_jset32;
	default:                 return -1;
	}
}

/* The M op of a plain load or store opcode. */
static int m_op(uint8_t code)
{
	switch (code & 0x18) {
	case 0x10: return M_b;
	case 0x08: return M_h;
	case 0x00: return M_w;
	default:   return M_dw;
	}
}

/* The prepared immediate of an RI op (see RI_OPS). */
static uint64_t ri_imm(const struct hive_vm *vm, uint32_t pc, const struct hive_insn *in)
{
	const uint64_t imm = (uint64_t)(int64_t)in->imm;

	switch (in->code) {
	case HIVE_OP_SUB64_IMM: return 0 - imm;
	case HIVE_OP_SUB_IMM:   return (uint32_t)(0 - (uint32_t)in->imm);
	case HIVE_OP_LSH64_IMM: case HIVE_OP_RSH64_IMM: case HIVE_OP_ARSH64_IMM: return imm & 63;
	case HIVE_OP_LSH_IMM: case HIVE_OP_RSH_IMM: case HIVE_OP_ARSH_IMM: return imm & 31;
	default:                return imm;
	}
}

/* Decode the instruction at @pc of @vm into @e (entries at @ents). */
static void decode(const struct hive_vm *vm, struct rent *ents, uint32_t pc, struct rent *e)
{
	const struct hive_insn *in = &vm->insns[pc];
	const unsigned d = in->dst, s = in->src, cls = in->code & 0x07;
	int op;

	e->h = h_slow;
	e->pc = pc;
	e->code = in->code;
	e->d = (uint8_t)d;
	e->s = (uint8_t)s;
	e->off = in->off;
	e->k = in->imm;
	e->imm = 0;

	if (in->code == HIVE_OP_CALL) {
		if (s == HIVE_PSEUDO_CALL) {
			e->h = h_call_local;
			e->t = &ents[pc + 1 + (int64_t)in->imm];
		} else if ((uint32_t)in->imm == HIVE_HELPER_TAIL_CALL) {
			e->h = h_tail_call;
		} else {
			e->h = h_call;
			e->fn = vm->helpers[(uint32_t)in->imm].fn;
		}
		return;
	}
	if (in->code == HIVE_OP_EXIT) {
		e->h = h_exit;
		return;
	}
	if (in->code == HIVE_OP_JA || in->code == HIVE_OP_JA32) {
		e->h = h_ja;
		e->t = &ents[isa_jump_target(in, pc)];
		return;
	}
	if (cls == 0x05 || cls == 0x06) {       /* conditional jumps */
		e->t = &ents[isa_jump_target(in, pc)];
		op = j_op(in->code);
		if (op < 0 || d >= 10)
			return;
		if (!(in->code & 0x08))
			e->h = tab_ji[op][d];
		else if (s < 10)
			e->h = tab_jr[op][d][s];
		return;
	}
	if (in->code == HIVE_OP_LDDW) {
		e->imm = vm->ldimm[pc];
		if (d < 10)
			e->h = tab_lddw[d];
		return;
	}
	if (cls == 0x04 || cls == 0x07) {       /* ALU */
		op = ri_op(in->code);
		if (op >= 0)
			e->imm = ri_imm(vm, pc, in);
		if (d >= 10)
			return;
		if (op >= 0) {
			e->h = tab_ri[op][d];
			return;
		}
		if ((in->code == HIVE_OP_MOV64_REG || in->code == HIVE_OP_MOV_REG) && in->off)
			return;                         /* movsx */
		if (in->code == HIVE_OP_MOV64_REG && s == 10) {
			e->h = tab_ri[RIO_fp][d];
			return;
		}
		if (in->code == HIVE_OP_MOV64_REG && s < 10) {
			e->h = tab_rr[RRO_mov64][d][s];
			return;
		}
		if (in->code == HIVE_OP_MOV_REG && s < 10) {
			e->h = tab_rr[RRO_mov32][d][s];
			return;
		}
		op = rr_op(in->code);
		if (op >= 0) {
			if (s < 10)
				e->h = tab_rr[op][d][s];
			return;
		}
		return;
	}
	if (in->code == HIVE_OP_LDXB || in->code == HIVE_OP_LDXH || in->code == HIVE_OP_LDXW ||
	    in->code == HIVE_OP_LDXDW) {
		if (d < 10)
			e->h = tab_ldx[m_op(in->code)][d][s];
		return;
	}
	if (in->code == HIVE_OP_STXB || in->code == HIVE_OP_STXH || in->code == HIVE_OP_STXW ||
	    in->code == HIVE_OP_STXDW) {
		if (s < 10)
			e->h = tab_stx[m_op(in->code)][d][s];
		return;
	}
	if (in->code == HIVE_OP_STB || in->code == HIVE_OP_STH || in->code == HIVE_OP_STW ||
	    in->code == HIVE_OP_STDW) {
		e->h = tab_st[m_op(in->code)][d];
		e->imm = (uint64_t)(int64_t)in->imm;
		return;
	}
}

#ifndef RINTERP_NO_FUSED
#include "rinterp_fused.h"
#endif

int rinterp_prepare(struct hive_vm *vm)
{
	struct rinterp_code *code;
	uint32_t pc;

	vm->rcode = NULL;
	if (vm->checks)
		return 0;
	code = calloc(1, sizeof(*code));
	if (!code)
		return -ENOMEM;
	code->e = calloc(vm->ninsns, sizeof(*code->e));
	if (!code->e) {
		free(code);
		return -ENOMEM;
	}
	code->n = vm->ninsns;
	for (pc = 0; pc < vm->ninsns; pc++) {
		decode(vm, code->e, pc, &code->e[pc]);
		if (isa_is_lddw(&vm->insns[pc]) && pc + 1 < vm->ninsns) {
			pc++;   /* second slot: never reached (no jump lands there) */
			code->e[pc].h = h_slow;
			code->e[pc].pc = pc;
		}
	}
#ifndef RINTERP_NO_FUSED
	for (pc = 0; pc < vm->ninsns; pc++)
		fuse(vm, code->e, pc);
#endif
	vm->rcode = code;
	return 0;
}

void rinterp_release(struct hive_vm *vm)
{
	if (!vm->rcode)
		return;
	free(vm->rcode->e);
	free(vm->rcode);
	vm->rcode = NULL;
}

/* Run from entry @start in frame @depth with r1..r5 = @args; r0 or 0. */
static uint64_t run_from(struct hive_run *run, const struct rent *start, const uint64_t args[5],
			 uint32_t depth)
{
	struct rstate st;
	uint64_t r0;

	st.run = run;
	st.fp = run->stack_top - (uint64_t)depth * HIVE_STACK_SIZE;
	st.nf = 0;
	st.active = true;
	st.prev = rs_cur;
	rs_cur = &st;
	run->depth = depth;
	r0 = start->h(start, 0, args[0], args[1], args[2], args[3], args[4], 0, 0, 0, 0);
	rs_cur = st.prev;
	return run->err ? 0 : r0;
}

uint64_t rinterp_run(struct hive_run *run)
{
	const uint64_t args[5] = { run->ctx_start, run->ctx_end - run->ctx_start, 0, 0, 0 };

	return run_from(run, run->vm->rcode->e, args, 0);
}

bool rinterp_active(const struct hive_run *run)
{
	return rs_cur && rs_cur->run == run && rs_cur->active;
}

uint64_t rinterp_run_at(struct hive_run *run, uint32_t pc, const uint64_t args[5], uint32_t depth)
{
	return run_from(run, &run->vm->rcode->e[pc], args, depth);
}

#else /* !RINTERP */

int rinterp_prepare(struct hive_vm *vm)
{
	vm->rcode = NULL;
	return 0;
}

void rinterp_release(struct hive_vm *vm)
{
	vm->rcode = NULL;
}

uint64_t rinterp_run(struct hive_run *run)
{
	return vm_interpret(run);
}

bool rinterp_active(const struct hive_run *run)
{
	(void)run;
	return false;
}

uint64_t rinterp_run_at(struct hive_run *run, uint32_t pc, const uint64_t args[5], uint32_t depth)
{
	(void)run, (void)pc, (void)args, (void)depth;
	return 0;
}

#endif /* RINTERP */
