/*
 * gen.c - structured generator of random valid eBPF programs, and the
 * interpreter-vs-JIT comparison, shared by the libFuzzer target
 * tests/fuzz/fuzz_interp_vs_jit.c and the fixed-seed unit test
 * tests/unit/test_jit_diff.c. Included by both (#include "fuzz/gen.c"),
 * never compiled alone.
 *
 * Every program passes hive_vm_load: legal opcodes and fields, jumps that
 * stay inside their function and land on instructions, an exit at the end
 * of every function. Termination: jumps go forward except the back edges
 * of counted loops, and runs are checked with an instruction budget, so
 * anything else (a loop counter overwritten, recursion) ends in
 * -HIVE_EBUDGET or -HIVE_EDEPTH on both engines. Memory: the run's ctx
 * (256 bytes), the stack, a buffer granted by a helper; most accesses
 * reload a valid base pointer, some use whatever a register holds, so
 * faults happen too.
 *
 * Safe programs (gen_program's @safe) follow the rules of verified code
 * as well, so they also run unchecked: every register and stack byte is
 * written before it is read, r1-r5 are rewritten after calls, accesses
 * stay in bounds, loops are counted and calls go to later functions only.
 * Idiom items produce the instruction patterns the JIT fuses (src/jit/
 * fuse.c), with their temporaries dead or alive. Map items call hive's
 * own map helpers (lookup, update, delete) on an array and a hash map
 * loaded by lddw, which the JIT compiles inline or as direct calls
 * (src/jit/maps.c); the maps are reset before every run and their
 * contents are part of the outcome.
 *
 * The decision bytes come from the fuzz input, then from a PRNG seeded
 * with it, so every input (even empty) yields a program.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/helpers.h"
#include "hive/hive_asm.h"
#include "hive/hive_bpf.h"
#include "vm/vm_internal.h"
#include "hive/hive_vm.h"
#include "isa/isa.h"
#include "maps/map.h"

#define GEN_MAX_INSNS 3000u
#define GEN_CTX_SIZE 256u
#define GEN_PKT_SIZE 64u
#define GEN_BUDGET 200000u
#define GEN_MAX_FUNCS 4
/* Map items: helper ids, the array (value 20 bytes: stride 24) and hash
 * (4-byte key, 8-byte value) shapes. */
#define GEN_H_LOOKUP 5
#define GEN_H_UPDATE 6
#define GEN_H_DELETE 7
#define GEN_ARRAY_MAX 6u
#define GEN_ARRAY_VALUE 20u
#define GEN_HASH_MAX 8u

struct gen {
	const uint8_t *data;
	size_t len, pos;
	uint64_t rng;
	struct hive_insn *p;
	uint32_t n, cap;
	bool overflow;
	/* current function: pc of each item and pending forward jumps */
	uint32_t item_pc[GEN_MAX_INSNS + 1];
	uint32_t nitems;
	struct { uint32_t pc, item; } jumps[GEN_MAX_INSNS];
	uint32_t njumps;
	/* calls and lddw code_addr to resolve once every function is placed */
	struct { uint32_t pc; unsigned func; } calls[GEN_MAX_INSNS];
	uint32_t ncalls;
	uint32_t fstart[GEN_MAX_FUNCS];
	unsigned nfuncs, cur_func, loop_depth;
	bool safe;
};

static uint8_t gen_byte(struct gen *g)
{
	if (g->pos < g->len)
		return g->data[g->pos++];
	/* xorshift64* */
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return (uint8_t)((g->rng * 0x2545f4914f6cdd1dull) >> 56);
}

static uint32_t gen_u32(struct gen *g)
{
	uint32_t v = gen_byte(g);

	v = v << 8 | gen_byte(g);
	v = v << 8 | gen_byte(g);
	return v << 8 | gen_byte(g);
}

static unsigned gen_below(struct gen *g, unsigned n)
{
	return n <= 256 ? gen_byte(g) % n : gen_u32(g) % n;
}

static const uint64_t gen_vals[] = {
	0, 1, 2, 7, 8, 31, 32, 63, 64, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0x80000000,
	0xffffffff, 0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
	0xffffffffffffffffull, 0xfffffffffffffff0ull, 0x123456789abcdef0ull,
};

static uint64_t gen_value(struct gen *g)
{
	unsigned k = gen_below(g, 4);

	if (k == 0)
		return (uint64_t)gen_u32(g) << 32 | gen_u32(g);
	if (k == 1)
		return (uint64_t)(int64_t)(int32_t)gen_u32(g);
	return gen_vals[gen_below(g, sizeof(gen_vals) / sizeof(gen_vals[0]))];
}

static int32_t gen_imm(struct gen *g)
{
	return (int32_t)gen_value(g);
}

static void emit(struct gen *g, struct hive_insn in)
{
	if (g->n >= GEN_MAX_INSNS - 1) {
		g->overflow = true;
		return;
	}
	g->p[g->n++] = in;
}

/* A new item (the unit jumps count in) starts at the current pc. */
static void item(struct gen *g)
{
	if (g->nitems < GEN_MAX_INSNS)
		g->item_pc[g->nitems++] = g->n;
}

static unsigned gen_reg(struct gen *g)
{
	return gen_below(g, 10);
}

static void emit_lddw(struct gen *g, unsigned reg, uint64_t v)
{
	emit(g, HIVE_LD_IMM64_LO(reg, 0, v));
	emit(g, HIVE_LD_IMM64_HI(v));
}

/* Any ALU opcode of insn_def.h with valid sub-op fields. */
static void gen_alu(struct gen *g)
{
	for (;;) {
		uint8_t code = gen_byte(g);
		const struct isa_desc *d = isa_desc(code);
		struct hive_insn in = HIVE_INSN(code, gen_reg(g), 0, 0, 0);

		switch (d->kind) {
		case HIVE_K_ALU_K:
			in.imm = gen_imm(g);
			if ((code & 0xf0) == HIVE_LSH || (code & 0xf0) == HIVE_RSH ||
			    (code & 0xf0) == HIVE_ARSH)
				in.imm = gen_below(g, 8) ? (int32_t)gen_below(g, 64) : in.imm;
			break;
		case HIVE_K_DIV_K:
			in.off = (int16_t)gen_below(g, 2);
			in.imm = gen_below(g, 3) ? (int32_t)gen_below(g, 20) - 3 : gen_imm(g);
			break;
		case HIVE_K_ALU_X:
			in.src = gen_reg(g);
			break;
		case HIVE_K_DIV_X:
			in.src = gen_reg(g);
			in.off = (int16_t)gen_below(g, 2);
			break;
		case HIVE_K_MOV_X: {
			static const int16_t offs[] = { 0, 0, 8, 16, 32 };

			in.src = gen_reg(g);
			in.off = offs[gen_below(g, d->width == 64 ? 5 : 4)];
			break;
		}
		case HIVE_K_NEG:
			break;
		case HIVE_K_END:
			in.imm = 16 << gen_below(g, 3);
			break;
		default:
			continue;
		}
		emit(g, in);
		return;
	}
}

static uint8_t size_code(unsigned size)
{
	return size == 1 ? HIVE_B : size == 2 ? HIVE_H : size == 4 ? HIVE_W : HIVE_DW;
}

/* A load, store or atomic on the ctx (base reloaded from r10-8), the
 * stack, or (rarely) a random register. */
static void gen_mem(struct gen *g)
{
	unsigned size = 1u << gen_below(g, 4), what = gen_below(g, 16), base, kind;
	int off;

	if (g->safe && what >= 15)
		what = 10;
	if (what < 9) {                 /* ctx */
		base = 1 + gen_below(g, 9);
		emit(g, HIVE_LDX_MEM(HIVE_DW, base, HIVE_REG_FP, -8));
		off = (int)gen_below(g, GEN_CTX_SIZE / size) * (int)size;
		if (gen_below(g, 4) == 0 && off + 2 * (int)size <= (int)GEN_CTX_SIZE)
			off += (int)gen_below(g, size);         /* unaligned */
		if (gen_below(g, 24) == 0 && !g->safe)
			off = (int)gen_below(g, 300) - 20;      /* maybe out of bounds */
	} else if (what < 15) {         /* stack, away from the reserved slots */
		base = HIVE_REG_FP;
		off = -32 - (int)gen_below(g, 480 / size) * (int)size;
		if (g->safe)            /* the region the prologue initialised */
			off = -96 + (int)gen_below(g, 64 / size) * (int)size;
		if (gen_below(g, 30) == 0 && !g->safe)
			off = -(int)gen_below(g, 530);
	} else {                        /* whatever the register holds */
		base = gen_reg(g);
		off = (int)gen_below(g, 64) - 32;
	}
	kind = gen_below(g, 10);
	if (kind < 4) {                 /* load, maybe sign-extending */
		uint8_t mode = size < 8 && gen_below(g, 3) == 0 ? HIVE_MEMSX : HIVE_MEM;

		emit(g, HIVE_INSN(HIVE_LDX | size_code(size) | mode, gen_reg(g), base,
				  (int16_t)off, 0));
	} else if (kind < 7) {
		emit(g, HIVE_INSN(HIVE_STX | size_code(size) | HIVE_MEM, base, gen_reg(g),
				  (int16_t)off, 0));
	} else if (kind < 9) {
		emit(g, HIVE_INSN(HIVE_ST | size_code(size) | HIVE_MEM, base, 0, (int16_t)off,
				  gen_imm(g)));
	} else {
		static const int32_t ops[] = {
			HIVE_ADD, HIVE_OR, HIVE_AND, HIVE_XOR, HIVE_ADD | HIVE_FETCH,
			HIVE_OR | HIVE_FETCH, HIVE_AND | HIVE_FETCH, HIVE_XOR | HIVE_FETCH,
			HIVE_XCHG, HIVE_CMPXCHG,
		};
		unsigned asize = gen_below(g, 2) ? 8 : 4;

		if ((base != HIVE_REG_FP && what < 9 && gen_below(g, 8)) || g->safe)
			off &= ~(int)(asize - 1);
		if (g->safe && base != HIVE_REG_FP && off + (int)asize > (int)GEN_CTX_SIZE)
			off = 0;
		if (g->safe && base == HIVE_REG_FP && off + (int)asize > -32)
			off = -40;
		emit(g, HIVE_INSN(HIVE_STX | size_code(asize) | HIVE_ATOMIC, base, gen_reg(g),
				  (int16_t)off, ops[gen_below(g, 10)]));
	}
}

/* A forward conditional jump to an item 1..8 ahead (resolved later). */
static void gen_jump(struct gen *g)
{
	uint8_t code;
	struct hive_insn in;

	do
		code = gen_byte(g);
	while (isa_desc(code)->kind != HIVE_K_JCC_K && isa_desc(code)->kind != HIVE_K_JCC_X &&
	       isa_desc(code)->kind != HIVE_K_JA);
	in = HIVE_INSN(code, 0, 0, 0, 0);
	if (isa_desc(code)->kind != HIVE_K_JA) {
		in.dst = gen_reg(g);
		if (isa_desc(code)->kind == HIVE_K_JCC_X)
			in.src = gen_reg(g);
		else
			in.imm = gen_below(g, 2) ? gen_imm(g) : (int32_t)gen_below(g, 16);
	}
	if (g->njumps < GEN_MAX_INSNS) {
		g->jumps[g->njumps].pc = g->n;
		g->jumps[g->njumps].item = g->nitems + gen_below(g, 8);
		g->njumps++;
	}
	emit(g, in);
}

/* Safe programs: after a call r1-r5 hold nothing readable (kernel rules). */
static void reinit_args(struct gen *g)
{
	unsigned r;

	for (r = 1; r <= 5; r++)
		emit(g, HIVE_MOV64_IMM(r, gen_imm(g)));
}

/*
 * A map helper call: key (-1..7) at r10-40, value (an immediate: no
 * run-specific address reaches a map) at r10-48, r1 = lddw
 * map 0 (array) or 1 (hash); unsafe programs sometimes point r2 into the
 * ctx (a key outside the frame). A lookup's result is read when not NULL,
 * then r0 = 1.
 */
static void gen_map_call(struct gen *g)
{
	unsigned op = gen_below(g, 4), map = gen_below(g, 2), v = gen_reg(g);

	emit(g, HIVE_ST_MEM(HIVE_W, HIVE_REG_FP, -40, (int32_t)gen_below(g, 9) - 1));
	emit(g, HIVE_INSN(HIVE_LD | HIVE_DW | HIVE_IMM, 1, HIVE_PSEUDO_MAP_FD, 0, (int32_t)map));
	emit(g, HIVE_INSN(0, 0, 0, 0, 0));
	if (!g->safe && gen_below(g, 4) == 0) {
		emit(g, HIVE_LDX_MEM(HIVE_DW, 2, HIVE_REG_FP, -8));
		emit(g, HIVE_ALU64_IMM(HIVE_ADD, 2, (int32_t)gen_below(g, GEN_CTX_SIZE - 4)));
	} else {
		emit(g, HIVE_MOV64_REG(2, HIVE_REG_FP));
		emit(g, HIVE_ALU64_IMM(HIVE_ADD, 2, -40));
	}
	if (op == 0) {
		emit(g, HIVE_ST_MEM(HIVE_DW, HIVE_REG_FP, -48, gen_imm(g)));
		emit(g, HIVE_MOV64_REG(3, HIVE_REG_FP));
		emit(g, HIVE_ALU64_IMM(HIVE_ADD, 3, -48));
		emit(g, HIVE_MOV64_IMM(4, (int32_t)gen_below(g, 3)));  /* ANY, NOEXIST, EXIST */
		emit(g, HIVE_CALL_HELPER(GEN_H_UPDATE));
	} else if (op == 1) {
		emit(g, HIVE_CALL_HELPER(GEN_H_DELETE));
	} else {
		emit(g, HIVE_CALL_HELPER(GEN_H_LOOKUP));
		if (g->safe && v >= 1 && v <= 5)
			v += 5;         /* r1-r5 are unreadable after a call */
		if (v == HIVE_REG_FP)
			v = 0;
		emit(g, HIVE_JMP_IMM(HIVE_JEQ, 0, 0, 2));
		emit(g, HIVE_LDX_MEM(HIVE_DW, v, 0, 0));
		/* a hash element's address depends on the free list's history */
		emit(g, HIVE_MOV64_IMM(0, 1));
	}
}

static void gen_call(struct gen *g)
{
	unsigned k = gen_below(g, 12);

	if (k >= 10) {
		gen_map_call(g);
		if (g->safe)
			reinit_args(g);
		return;
	}
	if (g->safe && k >= 9)
		k = 5;
	if (g->safe && k < 4 && g->cur_func + 1 >= g->nfuncs)
		k = 5;
	if (k < 4) {                    /* local call, r1 = the ctx pointer */
		unsigned f = gen_below(g, GEN_MAX_FUNCS);

		if (f >= g->nfuncs || (f <= g->cur_func && gen_below(g, 4)))
			f = g->cur_func + 1 < g->nfuncs ? g->cur_func + 1 : 0;
		if (g->safe && f <= g->cur_func)
			f = g->cur_func + 1;
		emit(g, HIVE_LDX_MEM(HIVE_DW, 1, HIVE_REG_FP, -8));
		g->calls[g->ncalls].pc = g->n;
		g->calls[g->ncalls++].func = f;
		emit(g, HIVE_INSN(HIVE_JMP | HIVE_CALL, 0, HIVE_PSEUDO_CALL, 0, 0));
	} else if (k < 7) {             /* mix: a pure function of r1-r5 */
		emit(g, HIVE_CALL_HELPER(1));
	} else if (k < 8) {             /* grant: r0 = a 64-byte buffer, use it */
		unsigned v = gen_reg(g);

		if (g->safe && v >= 1 && v <= 5)
			v += 5;         /* r1-r5 are unreadable after a call */
		emit(g, HIVE_CALL_HELPER(2));
		emit(g, HIVE_INSN(HIVE_STX | HIVE_DW | HIVE_MEM, 0, v,
				  (int16_t)(8 * gen_below(g, 8)), 0));
	} else if (k < 9) {             /* stop the run when r1's low byte is 0x5a */
		emit(g, HIVE_CALL_HELPER(3));
	} else if (g->nfuncs > 1) {     /* callbacks through hive_run_call */
		unsigned f = 1 + gen_below(g, g->nfuncs - 1);

		g->calls[g->ncalls].pc = g->n;
		g->calls[g->ncalls++].func = f;
		emit(g, HIVE_INSN(HIVE_LD | HIVE_DW | HIVE_IMM, 1, HIVE_PSEUDO_FUNC, 0, 0));
		emit(g, HIVE_INSN(0, 0, 0, 0, 0));
		emit(g, HIVE_MOV64_IMM(2, gen_below(g, 4)));
		emit(g, HIVE_CALL_HELPER(4));
		/* r1 (kept by checked runs) holds an address of this VM's copy
		 * of the code, different in each run: drop it */
		emit(g, HIVE_MOV64_IMM(1, 0));
	}
	if (g->safe)
		reinit_args(g);
}

static void gen_pkt(struct gen *g)
{
	static const uint8_t abs[] = { 0x20, 0x28, 0x30 }, ind[] = { 0x40, 0x48, 0x50 };
	unsigned s = gen_below(g, 3);

	if (gen_below(g, 2))
		emit(g, HIVE_INSN(abs[s], 0, 0, 0, (int32_t)gen_below(g, 80) - 4));
	else
		emit(g, HIVE_INSN(ind[s], 0, gen_reg(g), 0, (int32_t)gen_below(g, 80) - 40));
}

static void gen_items(struct gen *g, unsigned count);

/* for (counter = n; counter > 0; counter--) body, the counter at r10-16-8k */
static void gen_loop(struct gen *g)
{
	int16_t slot = (int16_t)(-16 - 8 * (int)g->loop_depth);
	unsigned t = gen_reg(g);
	uint32_t head;

	emit(g, HIVE_ST_MEM(HIVE_DW, HIVE_REG_FP, slot, 1 + (int32_t)gen_below(g, 8)));
	item(g);
	head = g->n;
	g->loop_depth++;
	gen_items(g, 1 + gen_below(g, 12));
	g->loop_depth--;
	item(g);
	emit(g, HIVE_LDX_MEM(HIVE_DW, t, HIVE_REG_FP, slot));
	emit(g, HIVE_ALU64_IMM(HIVE_SUB, t, 1));
	emit(g, HIVE_STX_MEM(HIVE_DW, HIVE_REG_FP, t, slot));
	/* s> 0: a jump into the body finds the counter at 0 (function
	 * prologue) and leaves after one pass */
	emit(g, HIVE_JMP_IMM(HIVE_JSGT, t, 0, (int16_t)((int64_t)head - (g->n + 1))));
}

/* A register other than @a and @b. */
static unsigned other_reg(struct gen *g, unsigned a, unsigned b)
{
	unsigned r = gen_reg(g);

	while (r == a || r == b)
		r = (r + 1) % 10;
	return r;
}

/* Overwrite @r (so a fused temporary is dead), or not. */
static void maybe_kill(struct gen *g, unsigned r)
{
	if (gen_below(g, 4))
		emit(g, HIVE_MOV64_IMM(r, gen_imm(g)));
}

/* Word recomposed from byte loads at ctx + o, little or big endian. */
static void gen_bytes(struct gen *g)
{
	unsigned w = 2u << gen_below(g, 3), p = gen_reg(g), acc, t, i, order[8];
	int o = (int)gen_below(g, GEN_CTX_SIZE - 8);
	bool be = gen_below(g, 2), wide32 = w <= 4 && gen_below(g, 3) == 0;

	acc = other_reg(g, p, 99);
	t = other_reg(g, p, acc);
	emit(g, HIVE_LDX_MEM(HIVE_DW, p, HIVE_REG_FP, -8));
	for (i = 0; i < w; i++)
		order[i] = i;
	for (i = w; i > 1; i--) {       /* any load order */
		unsigned j = gen_below(g, i), x = order[i - 1];

		order[i - 1] = order[j];
		order[j] = x;
	}
	for (i = 0; i < w; i++) {
		unsigned lane = order[i], dst = i ? t : acc;
		int32_t sh = (int32_t)(8 * (be ? w - 1 - lane : lane));

		emit(g, HIVE_LDX_MEM(HIVE_B, dst, p, (int16_t)(o + (int)lane)));
		if (sh)
			emit(g, wide32 ? HIVE_ALU32_IMM(HIVE_LSH, dst, sh) : HIVE_ALU64_IMM(HIVE_LSH, dst, sh));
		if (i)
			emit(g, wide32 ? HIVE_ALU32_REG(HIVE_OR, acc, t) : HIVE_ALU64_REG(HIVE_OR, acc, t));
	}
	maybe_kill(g, t);
	if (p != acc)
		maybe_kill(g, p);
}

/* The patterns src/jit/fuse.c looks for, on random registers. */
static void gen_idiom(struct gen *g)
{
	unsigned a = gen_reg(g), b = other_reg(g, a, 99), c = other_reg(g, a, b);
	unsigned k = gen_below(g, 10);
	static const uint8_t ops[] = { HIVE_ADD, HIVE_SUB, HIVE_AND, HIVE_OR, HIVE_XOR, HIVE_MUL,
				       HIVE_LSH, HIVE_RSH, HIVE_ARSH };
	static const uint8_t jops[] = { HIVE_JEQ, HIVE_JGT, HIVE_JGE, HIVE_JSET, HIVE_JNE,
					HIVE_JSGT, HIVE_JSGE, HIVE_JLT, HIVE_JLE, HIVE_JSLT,
					HIVE_JSLE };

	switch (k) {
	case 0: {               /* address chain, then an access through it */
		int off = (int)gen_below(g, 64), disp = (int)gen_below(g, 64);
		unsigned size = 1u << gen_below(g, 4);

		if (gen_below(g, 2)) {
			emit(g, HIVE_LDX_MEM(HIVE_DW, b, HIVE_REG_FP, -8));
			emit(g, HIVE_MOV64_REG(a, b));
		} else {        /* inside the initialised [r10-96, r10-32) */
			emit(g, HIVE_MOV64_REG(a, HIVE_REG_FP));
			disp = -96;
			off = (int)gen_below(g, 16);
		}
		emit(g, HIVE_ALU64_IMM(HIVE_ADD, a, disp));
		if (gen_below(g, 2)) {
			emit(g, HIVE_MOV64_IMM(c, gen_below(g, disp < 0 ? 16 : 64)));
			emit(g, HIVE_ALU64_REG(HIVE_ADD, a, c));
		}
		if (gen_below(g, 2))
			emit(g, HIVE_LDX_MEM(size_code(size), gen_below(g, 2) ? a : c, a, (int16_t)off));
		else
			emit(g, HIVE_STX_MEM(size_code(size), a, c, (int16_t)off));
		maybe_kill(g, a);
		break;
	}
	case 1: {               /* zero / sign extension by a shift pair */
		static const int32_t sh[] = { 32, 48, 56 };
		int32_t n = sh[gen_below(g, 3)];

		if (gen_below(g, 2))
			emit(g, HIVE_MOV64_REG(a, b));
		emit(g, HIVE_ALU64_IMM(HIVE_LSH, a, n));
		emit(g, HIVE_ALU64_IMM(gen_below(g, 2) ? HIVE_RSH : HIVE_ARSH, a, n));
		break;
	}
	case 2: {               /* load then use */
		bool w64 = gen_below(g, 2);

		emit(g, HIVE_LDX_MEM(w64 ? HIVE_DW : HIVE_W, b, HIVE_REG_FP,
				     (int16_t)(-96 + 8 * (int)gen_below(g, 8))));
		if (gen_below(g, 3))
			emit(g, HIVE_INSN((w64 ? HIVE_ALU64 : HIVE_ALU) | HIVE_X | ops[gen_below(g, 6)],
					  a, b, 0, 0));
		else
			emit(g, HIVE_INSN((w64 ? HIVE_JMP : HIVE_JMP32) | HIVE_X |
					  jops[gen_below(g, 11)], gen_below(g, 2) ? a : b,
					  gen_below(g, 2) ? b : a, 1, 0));
		/* one slot for the +1 jumps to skip */
		emit(g, HIVE_MOV64_IMM(b, gen_imm(g)));
		break;
	}
	case 3: {               /* constant then use */
		int32_t imm = gen_below(g, 2) ? gen_imm(g) : (int32_t)gen_below(g, 70) - 5;
		bool w64 = gen_below(g, 2);

		emit(g, w64 ? HIVE_MOV64_IMM(b, imm) : HIVE_MOV32_IMM(b, imm));
		switch (gen_below(g, 3)) {
		case 0:
			emit(g, HIVE_INSN((gen_below(g, 2) ? HIVE_ALU64 : HIVE_ALU) | HIVE_X |
					  ops[gen_below(g, 9)], a, b, 0, 0));
			break;
		case 1:
			emit(g, HIVE_INSN((gen_below(g, 2) ? HIVE_JMP : HIVE_JMP32) | HIVE_X |
					  jops[gen_below(g, 11)], gen_below(g, 2) ? a : b,
					  gen_below(g, 2) ? b : a, 1, 0));
			break;
		default:
			emit(g, HIVE_STX_MEM(size_code(1u << gen_below(g, 4)), HIVE_REG_FP, b,
					     (int16_t)(-96 + 8 * (int)gen_below(g, 8))));
			break;
		}
		emit(g, HIVE_MOV64_IMM(b, gen_imm(g)));    /* one slot for +1 jumps */
		break;
	}
	case 4:                 /* three-operand forms */
		emit(g, gen_below(g, 2) ? HIVE_MOV64_REG(a, b) : HIVE_ALU32_REG(HIVE_MOV, a, b));
		if (gen_below(g, 2))
			emit(g, HIVE_INSN(HIVE_ALU64 | HIVE_K | HIVE_MUL, a, 0, 0, gen_imm(g)));
		else if (gen_below(g, 2))
			emit(g, HIVE_ALU64_IMM(HIVE_LSH, a, 1 + (int32_t)gen_below(g, 3)));
		else
			emit(g, HIVE_INSN(HIVE_ALU64 | HIVE_X | ops[6 + gen_below(g, 3)], a, c, 0, 0));
		break;
	case 5: {               /* rotate */
		int32_t n = 1 + (int32_t)gen_below(g, 63);
		bool right_first = gen_below(g, 2);

		emit(g, HIVE_MOV64_REG(b, a));
		emit(g, HIVE_ALU64_IMM(right_first ? HIVE_RSH : HIVE_LSH, b, 64 - n));
		emit(g, HIVE_ALU64_IMM(right_first ? HIVE_LSH : HIVE_RSH, a, n));
		emit(g, HIVE_ALU64_REG(HIVE_OR, a, b));
		maybe_kill(g, b);
		break;
	}
	case 6: {               /* conditional move */
		uint8_t cls = gen_below(g, 3) ? HIVE_JMP : HIVE_JMP32;

		if (gen_below(g, 2))
			emit(g, HIVE_INSN(cls | HIVE_X | jops[gen_below(g, 11)], a, b, 1, 0));
		else
			emit(g, HIVE_INSN(cls | HIVE_K | jops[gen_below(g, 11)], a, 0, 1, gen_imm(g)));
		emit(g, gen_below(g, 2) ? HIVE_MOV64_REG(c, b) : HIVE_MOV64_IMM(c, gen_imm(g)));
		break;
	}
	case 7: {               /* mask from the low bit; shift, copy, shift */
		bool w = gen_below(g, 2);

		if (gen_below(g, 2)) {
			emit(g, w ? HIVE_ALU64_IMM(HIVE_AND, a, 1) : HIVE_ALU32_IMM(HIVE_AND, a, 1));
			emit(g, HIVE_INSN((w ? HIVE_ALU64 : HIVE_ALU) | HIVE_NEG, a, 0, 0, 0));
			emit(g, w ? HIVE_ALU64_REG(HIVE_AND, a, b) : HIVE_ALU32_REG(HIVE_AND, a, b));
		} else {
			int32_t n = gen_below(g, 2) ? 32 : 48;

			emit(g, HIVE_ALU64_IMM(HIVE_LSH, a, n));
			emit(g, HIVE_MOV64_REG(b, a));
			emit(g, HIVE_ALU64_IMM(gen_below(g, 2) ? HIVE_RSH : HIVE_ARSH, b, n));
			maybe_kill(g, a);
		}
		break;
	}
	default:
		gen_bytes(g);
		break;
	}
}

static void gen_items(struct gen *g, unsigned count)
{
	while (count-- && !g->overflow) {
		unsigned k = gen_below(g, 100);

		item(g);
		if (k < 12)
			gen_idiom(g);
		else if (k < 40)
			gen_alu(g);
		else if (k < 46)
			emit_lddw(g, gen_reg(g), gen_value(g));
		else if (k < 68)
			gen_mem(g);
		else if (k < 80)
			gen_jump(g);
		else if (k < 86)
			gen_call(g);
		else if (k < 89)
			gen_pkt(g);
		else if (k < 93 && g->loop_depth < 3)
			gen_loop(g);
		else if (k < 94 && !g->safe) /* an uncounted back edge: budget-bounded */
			emit(g, HIVE_JMP_IMM(HIVE_JGT, gen_reg(g), gen_imm(g),
					     (int16_t)-(int)(1 + gen_below(g, 6))));
		else
			emit(g, HIVE_MOV64_IMM(gen_reg(g), gen_imm(g)));
	}
}

/* Jumps and back edges must land on an instruction of this function
 * (never on a second lddw slot): forward ones on an item, clamped to the
 * final exit; uncounted back edges moved down to an instruction start. */
static void resolve_jumps(struct gen *g, uint32_t fstart)
{
	static bool start[GEN_MAX_INSNS];
	uint32_t i;

	for (i = 0; i < g->njumps; i++) {
		uint32_t pc = g->jumps[i].pc, item = g->jumps[i].item + 1;
		uint32_t target = item < g->nitems ? g->item_pc[item] : g->n - 1;

		if (target <= pc)
			target = pc + 1;
		g->p[pc].off = (int16_t)(target - pc - 1);
	}
	g->njumps = 0;
	for (i = fstart; i < g->n; i++) {
		start[i] = true;
		if (g->p[i].code == HIVE_OP_LDDW && i + 1 < g->n)
			start[++i] = false;
	}
	for (i = fstart; i < g->n; i++) {
		struct hive_insn *in = &g->p[i];
		int64_t t;

		if (!start[i] || !isa_is_jump(in) || in->off >= 0)
			continue;
		t = (int64_t)i + in->off + 1;
		if (t < fstart)
			t = fstart;
		while (!start[t])
			t--;
		in->off = (int16_t)(t - i - 1);
	}
}

/*
 * Build a program from @data. Returns the instruction count (the array
 * is malloc'd into *out), or 0 on allocation failure.
 */
static uint32_t gen_program(const uint8_t *data, size_t len, bool safe, struct hive_insn **out)
{
	struct gen *g = calloc(1, sizeof(*g));
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	uint32_t i, n;
	unsigned f;

	*out = NULL;
	if (!g)
		return 0;
	for (i = 0; i < len; i++)
		seed = (seed ^ data[i]) * 0x100000001b3ull;
	g->data = data;
	g->len = len;
	g->rng = seed | 1;
	g->safe = safe;
	g->p = calloc(GEN_MAX_INSNS + 8, sizeof(*g->p));
	if (!g->p) {
		free(g);
		return 0;
	}
	g->nfuncs = 1 + gen_below(g, GEN_MAX_FUNCS);
	for (f = 0; f < g->nfuncs; f++) {
		g->cur_func = f;
		g->fstart[f] = g->n;
		g->nitems = 0;
		/* every function keeps its ctx pointer at r10-8, loop counters
		 * at -16..-32 start at 0 */
		emit(g, HIVE_STX_MEM(HIVE_DW, HIVE_REG_FP, 1, -8));
		for (i = 16; i <= 32; i += 8)
			emit(g, HIVE_ST_MEM(HIVE_DW, HIVE_REG_FP, -(int16_t)i, 0));
		if (safe) {     /* every register and the stack region written */
			unsigned r;

			for (r = 0; r < 10; r++)
				if (r != 1)
					emit_lddw(g, r, gen_value(g));
			for (i = 40; i <= 96; i += 8)
				emit(g, HIVE_ST_MEM(HIVE_DW, HIVE_REG_FP, -(int16_t)i, gen_imm(g)));
		}
		gen_items(g, (f ? 4 : 10) + gen_below(g, f ? 30 : 80));
		item(g);
		emit(g, HIVE_EXIT_INSN());
		if (g->overflow) {
			g->n = g->fstart[f];    /* drop the unfinished function */
			g->nfuncs = f;
			g->njumps = 0;
			emit(g, HIVE_EXIT_INSN());
			break;
		}
		resolve_jumps(g, g->fstart[f]);
	}
	for (i = 0; i < g->ncalls; i++) {
		uint32_t pc = g->calls[i].pc;
		unsigned fn = g->calls[i].func < g->nfuncs ? g->calls[i].func : 0;

		if (pc < g->n)
			g->p[pc].imm = (int32_t)g->fstart[fn] - (int32_t)pc - 1;
	}
	/* calls into functions that were dropped became calls to main */
	n = g->n ? g->n : 1;
	*out = g->p;
	free(g);
	return n;
}

/* ---- running and comparing ------------------------------------------------- */

static _Alignas(16) uint8_t gen_granted[64];

static uint64_t gen_h_mix(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			  struct hive_run *run)
{
	(void)run;
	return (r1 ^ (r2 << 1)) + r3 * 3 - r4 + (r5 >> 2);
}

static uint64_t gen_h_grant(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			    struct hive_run *run)
{
	(void)r1, (void)r2, (void)r3, (void)r4, (void)r5;
	if (hive_run_grant(run, gen_granted, sizeof(gen_granted), HIVE_PROT_RW))
		hive_run_abort(run, -ENOMEM);
	return (uintptr_t)gen_granted;
}

static uint64_t gen_h_abort(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			    struct hive_run *run)
{
	(void)r2, (void)r3, (void)r4, (void)r5;
	if ((r1 & 0xff) == 0x5a)
		hive_run_abort(run, -EPERM);
	return r1 + 1;
}

static uint64_t gen_h_loop(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			   struct hive_run *run)
{
	uint64_t sum = 0, r0, i;

	(void)r4, (void)r5;
	for (i = 0; i < (r2 & 3); i++) {
		if (hive_run_call(run, r1, i, r3, 0, 0, 0, &r0))
			return 0;
		sum += r0;
	}
	return sum;
}

/* The maps of map items (created once per process), and their reset. */
static struct hive_map *gen_maps[2];
static int gen_hash_fd = -1;

static int gen_resolve(void *user, const struct hive_insn *insn, uint32_t pc, uint64_t *value)
{
	(void)user, (void)pc;
	if (insn->src != HIVE_PSEUDO_MAP_FD || insn->imm < 0 || insn->imm > 1 ||
	    !gen_maps[insn->imm])
		return -EINVAL;
	*value = (uint64_t)(uintptr_t)gen_maps[insn->imm];
	return 0;
}

static int gen_map_create(uint32_t type, uint32_t vs, uint32_t max, struct hive_map **m,
			  int *fdp)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = 4;
	a.value_size = vs;
	a.max_entries = max;
	fd = (int)hive_bpf(BPF_MAP_CREATE, &a, sizeof(a));
	if (fd < 0 || map_from_fd(fd, m))
		return -1;
	*fdp = fd;
	/* the fd stays open for the process: the maps live as long as it */
	return 0;
}

static void gen_maps_reset(void)
{
	uint8_t v[GEN_ARRAY_VALUE];
	uint32_t k;
	int afd;

	if (!gen_maps[0] &&
	    (gen_map_create(BPF_MAP_TYPE_ARRAY, GEN_ARRAY_VALUE, GEN_ARRAY_MAX, &gen_maps[0],
			    &afd) ||
	     gen_map_create(BPF_MAP_TYPE_HASH, 8, GEN_HASH_MAX, &gen_maps[1], &gen_hash_fd)))
		abort();
	for (k = 0; k < GEN_ARRAY_MAX; k++) {
		memset(v, (int)(k * 17 + 3), sizeof(v));
		map_update_elem(gen_maps[0], &k, v, 0);
	}
	while (!hive_map_get_next_key(gen_hash_fd, NULL, &k))
		map_delete_elem(gen_maps[1], &k);
	for (k = 0; k < 4; k++) {
		memset(v, (int)(k * 29 + 1), sizeof(v));
		map_update_elem(gen_maps[1], &k, v, 0);
	}
}

struct gen_outcome {
	int load, rc;
	uint64_t r0, insns_run, fault_addr;
	uint32_t fault_pc, fault_size;
	enum hive_engine engine;
	uint8_t ctx[GEN_CTX_SIZE];
	uint8_t granted[sizeof(gen_granted)];
	uint8_t array[GEN_ARRAY_MAX * 24];
	uint8_t hash[GEN_HASH_MAX][13];   /* present flag, key, value, in map order */
};

/* Unchecked interpreter runs on interp.c instead of the register interpreter. */
static bool gen_rinterp_off;

static void gen_run(const struct hive_insn *p, uint32_t n, enum hive_engine engine, bool checks,
		    struct gen_outcome *o)
{
	static _Alignas(16) uint8_t ctx[GEN_CTX_SIZE];
	static uint8_t pkt[GEN_PKT_SIZE];
	struct hive_vm *vm = hive_vm_create();
	HIVE_VM_RUN_OPTS(opts, .ctx = ctx, .ctx_size = sizeof(ctx), .pkt = pkt,
			 .pkt_size = sizeof(pkt));
	unsigned i;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < sizeof(ctx); i++)
		ctx[i] = (uint8_t)(i * 37 + 11);
	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)(i * 13 + 5);
	memset(gen_granted, 0x3c, sizeof(gen_granted));
	if (!vm) {
		o->load = -ENOMEM;
		return;
	}
	hive_vm_set_engine(vm, engine);
	hive_vm_set_checks(vm, checks);
	hive_vm_set_budget(vm, GEN_BUDGET);
	hive_vm_register_helper(vm, 1, "mix", gen_h_mix);
	hive_vm_register_helper(vm, 2, "grant", gen_h_grant);
	hive_vm_register_helper(vm, 3, "abort", gen_h_abort);
	hive_vm_register_helper(vm, 4, "loop", gen_h_loop);
	hive_vm_register_helper(vm, GEN_H_LOOKUP, "map_lookup_elem", helper_map_lookup_elem);
	hive_vm_register_helper(vm, GEN_H_UPDATE, "map_update_elem", helper_map_update_elem);
	hive_vm_register_helper(vm, GEN_H_DELETE, "map_delete_elem", helper_map_delete_elem);
	hive_vm_set_ldimm_resolver(vm, gen_resolve, NULL);
	gen_maps_reset();
	/* as PROG_LOAD: an array's values are a static grant */
	hive_vm_grant(vm, gen_maps[0]->data, (GEN_ARRAY_MAX - 1) * 24 + GEN_ARRAY_VALUE,
		      HIVE_PROT_RW);
	o->load = hive_vm_load(vm, p, n);
	o->engine = hive_vm_engine(vm);
	vm->rinterp_off = gen_rinterp_off;
	if (!o->load) {
		o->rc = hive_vm_run(vm, &opts, &o->r0);
		o->insns_run = opts.insns_run;
		o->fault_pc = opts.fault_pc;
		o->fault_addr = opts.fault_addr;
		o->fault_size = opts.fault_size;
	}
	memcpy(o->ctx, ctx, sizeof(ctx));
	memcpy(o->granted, gen_granted, sizeof(gen_granted));
	memcpy(o->array, gen_maps[0]->data, sizeof(o->array));
	for (i = 0; i < GEN_HASH_MAX; i++) {
		const void *prev = i ? &o->hash[i - 1][1] : NULL;
		uint32_t k;
		uint8_t *val;

		if (hive_map_get_next_key(gen_hash_fd, prev, &k))
			break;
		val = map_lookup_elem_ptr(gen_maps[1], &k);
		o->hash[i][0] = 1;
		memcpy(&o->hash[i][1], &k, 4);
		if (val)
			memcpy(&o->hash[i][5], val, 8);
	}
	hive_vm_destroy(vm);
}

/*
 * Compare two outcomes of the same program. A JIT run charges a basic
 * block on entry, so when the budget runs out it stops at the right pc but
 * without the side effects of the block's first instructions, and an
 * access fault among those is reported by the interpreter instead: those
 * two differences are accepted. Unchecked runs do not count instructions.
 */
static int gen_diff(const struct gen_outcome *a, const struct gen_outcome *b, bool checks,
		    char *why, size_t whylen)
{
	bool budget = a->rc == -HIVE_EBUDGET || b->rc == -HIVE_EBUDGET;
	const char *mode = checks ? "checked" : "unchecked";

	if (a->load || b->load || b->engine != HIVE_ENGINE_JIT) {
		snprintf(why, whylen, "%s load: interp %d, jit %d (engine %d)", mode, a->load,
			 b->load, b->engine);
		return 1;
	}
	if (b->rc == -HIVE_EBUDGET && a->rc == -HIVE_EMEM && a->fault_pc < b->fault_pc)
		return 0;
	if (a->rc != b->rc || a->r0 != b->r0 || a->fault_pc != b->fault_pc ||
	    a->fault_addr != b->fault_addr || a->fault_size != b->fault_size ||
	    (checks && a->insns_run != b->insns_run)) {
		snprintf(why, whylen, "%s: interp rc %d r0 %#llx fault pc %u addr %#llx size %u "
			 "insns %llu / jit rc %d r0 %#llx fault pc %u addr %#llx size %u insns %llu",
			 mode, a->rc, (unsigned long long)a->r0, a->fault_pc,
			 (unsigned long long)a->fault_addr, a->fault_size,
			 (unsigned long long)a->insns_run, b->rc, (unsigned long long)b->r0,
			 b->fault_pc, (unsigned long long)b->fault_addr, b->fault_size,
			 (unsigned long long)b->insns_run);
		return 1;
	}
	if (!budget && memcmp(a->ctx, b->ctx, sizeof(a->ctx))) {
		snprintf(why, whylen, "%s: ctx memory differs (rc %d)", mode, a->rc);
		return 1;
	}
	if (!budget && (memcmp(a->array, b->array, sizeof(a->array)) ||
			memcmp(a->hash, b->hash, sizeof(a->hash)))) {
		snprintf(why, whylen, "%s: map contents differ (rc %d)", mode, a->rc);
		return 1;
	}
	if (!budget && memcmp(a->granted, b->granted, sizeof(a->granted))) {
		snprintf(why, whylen, "%s: granted memory differs (rc %d)", mode, a->rc);
		return 1;
	}
	return 0;
}

/*
 * Run on both engines, checked, and for safe programs unchecked too (the
 * interpreter then twice: the register interpreter and interp.c).
 * Returns 0 when they agree, 1 with a description in @why otherwise.
 */
static int gen_compare(const struct hive_insn *p, uint32_t n, bool safe, char *why,
		       size_t whylen)
{
	static struct gen_outcome a, b;
	hive_print_fn old = hive_set_print(NULL);   /* faults are expected */
	int bad;

	gen_run(p, n, HIVE_ENGINE_INTERP, true, &a);
	gen_run(p, n, HIVE_ENGINE_JIT, true, &b);
	bad = gen_diff(&a, &b, true, why, whylen);
	if (!bad && safe) {
		gen_run(p, n, HIVE_ENGINE_INTERP, false, &a);
		gen_run(p, n, HIVE_ENGINE_JIT, false, &b);
		bad = gen_diff(&a, &b, false, why, whylen);
	}
	if (!bad && safe) {
		gen_rinterp_off = true;
		gen_run(p, n, HIVE_ENGINE_INTERP, false, &a);
		gen_rinterp_off = false;
		bad = gen_diff(&a, &b, false, why, whylen);
	}
	hive_set_print(old);
	return bad;
}

/* The program as text, for reports (malloc'd, or NULL). */
static char *gen_listing(const struct hive_insn *p, uint32_t n)
{
	char *text = NULL;

	if (hive_disasm(p, n, HIVE_DISASM_XLATED, 0, &text))
		return NULL;
	return text;
}
