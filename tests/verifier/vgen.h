/*
 * vgen.h - the structured random program generator of the verifier tests
 * (test_verifier_fuzz.c: differential against the kernel; test_verifier_safety.c
 * and tests/fuzz/fuzz_verifier_safety.c: accepted programs must run without a
 * fault).
 *
 * gen_program(g, seed, prog_type) builds a program the way compilers and
 * people write them: a prologue that keeps the context in r6 and scalars in
 * r7..r9 and zeroes eight stack slots, then nested blocks of scalar
 * arithmetic (64/32-bit, signed division, sign extension, byte swaps),
 * conditional branches (JMP/JMP32, immediate and register), stack spills
 * and fills, context loads and stores, packet bounds checks and accesses,
 * map lookups with null checks and value accesses, atomics, bounded loops,
 * helper calls, LD_ABS/LD_IND and bpf-to-bpf calls. Most programs are safe;
 * about a third get one injected fault from a list of classic mistakes.
 * The same seed always gives the same program. Map references are lddw of
 * vt_map_fd[VT_MAP_*] (set those fds before generating).
 *
 * Header-only (static functions) so that each test and fuzz target
 * includes its own copy; include "verifier/vtest.h" first.
 */
#ifndef HIVE_TESTS_VGEN_H
#define HIVE_TESTS_VGEN_H

#include <stdint.h>
#include <string.h>

#include "hive/hive_insn.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define GEN_MAX_INSNS 1024

struct gen {
	uint64_t rng;
	uint32_t pt;                /* program type */
	struct hive_insn insn[GEN_MAX_INSNS];
	uint32_t cnt;
	int fault;                  /* a fault was injected */
	int depth;                  /* nesting of blocks */
	uint32_t sub_fix[16];       /* pseudo calls to patch to the subprogram */
	int nsub_fix;
	int sub_kind;               /* which subprogram the calls target */
};

static uint32_t rnd(struct gen *g, uint32_t n)
{
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return (uint32_t)((g->rng * 0x2545f4914f6cdd1dull) >> 33) % n;
}

static int chance(struct gen *g, uint32_t pct)
{
	return rnd(g, 100) < pct;
}

static void emit(struct gen *g, struct hive_insn in)
{
	if (g->cnt < GEN_MAX_INSNS)
		g->insn[g->cnt++] = in;
}

static int32_t pick_imm(struct gen *g)
{
	static const int32_t imms[] = { 0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 255, 256,
					0x7fff, 0xffff, -1, -2, -8, -16, -255, 0x7fffffff,
					(int32_t)0x80000000, 0x10000, 100, 1000 };

	if (chance(g, 80))
		return imms[rnd(g, ARRAY_SIZE(imms))];
	return (int32_t)(rnd(g, 0xffffffffu) - 0x7fffffff);
}

/* a scalar register: r7..r9 */
static uint8_t sreg(struct gen *g)
{
	return (uint8_t)(7 + rnd(g, 3));
}

static uint8_t size_of(struct gen *g)
{
	static const uint8_t sz[] = { HIVE_DW, HIVE_W, HIVE_H, HIVE_B };

	return sz[rnd(g, 4)];
}

static int size_bytes(uint8_t sz)
{
	return sz == HIVE_DW ? 8 : sz == HIVE_W ? 4 : sz == HIVE_H ? 2 : 1;
}

/* ---- blocks ------------------------------------------------------------------ */

static void gen_block(struct gen *g, int budget);

/* dst op= src|imm on scalars, every ALU flavour the ISA has */
static void gen_alu(struct gen *g)
{
	static const uint8_t ops[] = { HIVE_ADD, HIVE_SUB, HIVE_MUL, HIVE_DIV, HIVE_OR, HIVE_AND,
				       HIVE_LSH, HIVE_RSH, HIVE_MOD, HIVE_XOR, HIVE_MOV, HIVE_ARSH };
	uint8_t op = ops[rnd(g, ARRAY_SIZE(ops))], d = sreg(g), s = sreg(g);
	uint8_t cls = chance(g, 70) ? HIVE_ALU64 : HIVE_ALU;
	int32_t imm = pick_imm(g);
	int16_t off = 0;
	uint32_t k = rnd(g, 100);

	if (k < 4) {            /* dst = -dst */
		emit(g, HIVE_INSN(cls | HIVE_NEG, d, 0, 0, 0));
		return;
	}
	if (k < 8) {            /* byte swaps: to_le/to_be (ALU) or bswap (ALU64) */
		static const int32_t w[] = { 16, 32, 64 };

		emit(g, HIVE_INSN(cls | HIVE_END | (cls == HIVE_ALU && chance(g, 50) ? HIVE_X : HIVE_K),
				  d, 0, 0, w[rnd(g, 3)]));
		return;
	}
	if (k < 12) {           /* movsx: sign-extend 8/16/32 bits */
		static const int16_t w[] = { 8, 16, 32 };

		off = w[rnd(g, cls == HIVE_ALU64 ? 3 : 2)];
		emit(g, HIVE_INSN(cls | HIVE_MOV | HIVE_X, d, s, off, 0));
		return;
	}
	if ((op == HIVE_DIV || op == HIVE_MOD) && chance(g, 30))
		off = 1;            /* sdiv / smod */
	if (chance(g, 50)) {
		if ((op == HIVE_DIV || op == HIVE_MOD) && imm == 0)
			imm = 3;
		if (op == HIVE_LSH || op == HIVE_RSH || op == HIVE_ARSH)
			imm = (int32_t)rnd(g, cls == HIVE_ALU64 ? 64 : 32);
		emit(g, HIVE_INSN(cls | op | HIVE_K, d, 0, off, imm));
	} else {
		emit(g, HIVE_INSN(cls | op | HIVE_X, d, s, off, 0));
	}
}

/* if (cond) { block } [else { block }] */
static void gen_if(struct gen *g, int budget)
{
	static const uint8_t ops[] = { HIVE_JEQ, HIVE_JGT, HIVE_JGE, HIVE_JSET, HIVE_JNE, HIVE_JSGT,
				       HIVE_JSGE, HIVE_JLT, HIVE_JLE, HIVE_JSLT, HIVE_JSLE };
	uint8_t op = ops[rnd(g, ARRAY_SIZE(ops))];
	uint8_t cls = chance(g, 30) ? HIVE_JMP32 : HIVE_JMP;
	uint32_t at = g->cnt, ja;
	uint8_t d = sreg(g), s = sreg(g);

	if (chance(g, 60))
		emit(g, HIVE_INSN(cls | op | HIVE_K, d, 0, 0, pick_imm(g)));
	else
		emit(g, HIVE_INSN(cls | op | HIVE_X, d, s, 0, 0));
	g->depth++;
	gen_block(g, budget);
	if (chance(g, 40)) {
		ja = g->cnt;
		emit(g, HIVE_JMP_A(0));
		g->insn[at].off = (int16_t)(g->cnt - at - 1);
		gen_block(g, budget);
		g->insn[ja].off = (int16_t)(g->cnt - ja - 1);
	} else {
		g->insn[at].off = (int16_t)(g->cnt - at - 1);
	}
	g->depth--;
}

/* spills and fills of scalars in the slots fp-8..fp-48 */
static void gen_stack(struct gen *g)
{
	uint8_t sz = size_of(g);
	int n = size_bytes(sz);
	int16_t off = (int16_t)(-8 * (int)(1 + rnd(g, 6)) + n * (int)rnd(g, (uint32_t)(8 / n)));

	switch (rnd(g, 3)) {
	case 0:
		emit(g, HIVE_STX_MEM(sz, 10, sreg(g), off));
		break;
	case 1:
		emit(g, HIVE_ST_MEM(sz, 10, off, pick_imm(g)));
		break;
	default:
		emit(g, HIVE_LDX_MEM(sz, sreg(g), 10, off));
		break;
	}
}

/* valid scalar context fields: offset, and whether they are writable */
static int ctx_field(struct gen *g, int16_t *off, uint8_t *sz, int write)
{
	static const int16_t skb_rd[] = { 0, 4, 8, 12, 16, 24, 32, 36, 40, 44, 48, 52, 56, 60, 64, 68 };
	static const int16_t skb_wr_tc[] = { 8, 32, 44, 48, 52, 56, 60, 64 };
	static const int16_t xdp_rd[] = { 12, 16 };

	*sz = HIVE_W;
	switch (g->pt) {
	case 1: /* SOCKET_FILTER: cb[] is the only writable field */
	case 3: /* SCHED_CLS */
		if (write) {
			if (g->pt == 1)
				*off = (int16_t)(48 + 4 * (int)rnd(g, 5));
			else
				*off = skb_wr_tc[rnd(g, ARRAY_SIZE(skb_wr_tc))];
			return 0;
		}
		*off = skb_rd[rnd(g, ARRAY_SIZE(skb_rd))];
		if (chance(g, 20)) {
			*sz = chance(g, 50) ? HIVE_B : HIVE_H;
			*off = (int16_t)(*off + (*sz == HIVE_B ? rnd(g, 4) : 2 * rnd(g, 2)));
		}
		return 0;
	case 6: /* XDP */
		if (write)
			return -1;
		*off = xdp_rd[rnd(g, ARRAY_SIZE(xdp_rd))];
		return 0;
	case 2: /* KPROBE: struct pt_regs, read-only */
		if (write)
			return -1;
		*sz = chance(g, 70) ? HIVE_DW : HIVE_W;
		*off = (int16_t)(8 * (int)rnd(g, 21));
		return 0;
	case 5: /* TRACEPOINT: past the common 8-byte header */
		if (write)
			return -1;
		*sz = chance(g, 60) ? HIVE_DW : HIVE_W;
		*off = (int16_t)(8 + 8 * (int)rnd(g, 16));
		return 0;
	default: /* RAW_TRACEPOINT: u64 args */
		if (write)
			return -1;
		*sz = HIVE_DW;
		*off = (int16_t)(8 * (int)rnd(g, 4));
		return 0;
	}
}

static void gen_ctx(struct gen *g)
{
	int16_t off;
	uint8_t sz;

	if (chance(g, 25) && ctx_field(g, &off, &sz, 1) == 0) {
		emit(g, HIVE_STX_MEM(sz, 6, sreg(g), off));
		return;
	}
	ctx_field(g, &off, &sz, 0);
	if (chance(g, 15)) {    /* through a spilled and refilled ctx pointer */
		emit(g, HIVE_STX_MEM(HIVE_DW, 10, 6, -56));
		emit(g, HIVE_LDX_MEM(HIVE_DW, 1, 10, -56));
		emit(g, HIVE_LDX_MEM(sz, sreg(g), 1, off));
		return;
	}
	emit(g, HIVE_LDX_MEM(sz, sreg(g), 6, off));
}

/* r2 = data; r3 = data_end; [r2 += r7 & mask]; r1 = r2 + K; if r1 > r3 skip; access */
static void gen_packet(struct gen *g)
{
	static const int32_t ks[] = { 1, 2, 4, 8, 14, 20, 34, 64 };
	int16_t doff = g->pt == 6 ? 0 : 76, eoff = g->pt == 6 ? 4 : 80;
	int32_t k = ks[rnd(g, ARRAY_SIZE(ks))];
	uint8_t sz = size_of(g);
	int n = size_bytes(sz), acc;
	uint32_t at;

	emit(g, HIVE_LDX_MEM(HIVE_W, 2, 6, doff));
	emit(g, HIVE_LDX_MEM(HIVE_W, 3, 6, eoff));
	if (chance(g, 30)) {
		emit(g, HIVE_MOV64_REG(4, sreg(g)));
		emit(g, HIVE_ALU64_IMM(HIVE_AND, 4, chance(g, 50) ? 0xff : 0xf));
		emit(g, HIVE_ALU64_REG(HIVE_ADD, 2, 4));
	}
	emit(g, HIVE_MOV64_REG(1, 2));
	emit(g, HIVE_ALU64_IMM(HIVE_ADD, 1, k));
	at = g->cnt;
	switch (rnd(g, 3)) {
	case 0:
		emit(g, HIVE_JMP_REG(HIVE_JGT, 1, 3, 0));
		break;
	case 1:
		emit(g, HIVE_JMP_REG(HIVE_JLT, 3, 1, 0));
		break;
	default:
		emit(g, HIVE_JMP_REG(HIVE_JGE, 3, 1, 1));
		at = g->cnt;
		emit(g, HIVE_JMP_A(0));
		break;
	}
	acc = k >= n ? (int)rnd(g, (uint32_t)(k - n + 1)) : 0;
	if (g->pt != 1 && chance(g, 25))
		emit(g, HIVE_STX_MEM(sz, 2, sreg(g), (int16_t)acc));
	else
		emit(g, HIVE_LDX_MEM(sz, sreg(g), 2, (int16_t)acc));
	g->insn[at].off = (int16_t)(g->cnt - at - 1);
}

/* key at fp-8; r0 = lookup(map, key); if r0 == 0 skip; use the value */
static void gen_map(struct gen *g)
{
	static const int maps[] = { VT_MAP_HASH, VT_MAP_ARRAY, VT_MAP_ARRAY48 };
	int m = maps[rnd(g, 3)], vs = m == VT_MAP_ARRAY48 ? 48 : 8;
	uint8_t sz = size_of(g);
	int n = size_bytes(sz);
	int16_t off = (int16_t)(n * (int)rnd(g, (uint32_t)(vs / n)));
	uint32_t at, k = rnd(g, 100);

	if (chance(g, 40))
		emit(g, HIVE_ST_MEM(HIVE_W, 10, -8, (int32_t)rnd(g, 6)));
	emit(g, HIVE_INSN(HIVE_LD | HIVE_DW | HIVE_IMM, 1, HIVE_PSEUDO_MAP_FD, 0, vt_map_fd[m]));
	emit(g, HIVE_INSN(0, 0, 0, 0, 0));
	emit(g, HIVE_MOV64_REG(2, 10));
	emit(g, HIVE_ALU64_IMM(HIVE_ADD, 2, -8));
	if (k < 12) {           /* update(map, key, value at fp-16, flags 0) */
		emit(g, HIVE_MOV64_REG(3, 10));
		emit(g, HIVE_ALU64_IMM(HIVE_ADD, 3, -16));
		emit(g, HIVE_MOV64_IMM(4, 0));
		if (m == VT_MAP_ARRAY48)
			emit(g, HIVE_ALU64_IMM(HIVE_ADD, 3, -32));
		emit(g, HIVE_CALL_HELPER(2));
		emit(g, HIVE_MOV64_REG(sreg(g), 0));
		return;
	}
	emit(g, HIVE_CALL_HELPER(1));
	at = g->cnt;
	emit(g, HIVE_JMP_IMM(HIVE_JEQ, 0, 0, 0));
	k = rnd(g, 100);
	if (k < 45) {
		emit(g, HIVE_LDX_MEM(sz, sreg(g), 0, off));
	} else if (k < 65) {
		emit(g, HIVE_STX_MEM(sz, 0, sreg(g), off));
	} else if (k < 80) {    /* variable offset inside the value */
		emit(g, HIVE_MOV64_REG(1, sreg(g)));
		emit(g, HIVE_ALU64_IMM(HIVE_AND, 1, vs == 48 ? 31 : 0));
		emit(g, HIVE_ALU64_REG(HIVE_ADD, 0, 1));
		emit(g, HIVE_LDX_MEM(HIVE_DW, sreg(g), 0, 0));
	} else if (k < 90) {    /* lock *(u64 *)(r0 + 0) += r */
		emit(g, HIVE_INSN(HIVE_STX | HIVE_DW | HIVE_ATOMIC, 0, sreg(g), 0, HIVE_ADD));
	} else {                /* bounded scalar from the value used as an offset */
		emit(g, HIVE_LDX_MEM(HIVE_B, 1, 0, 0));
		emit(g, HIVE_JMP_IMM(HIVE_JGT, 1, vs - 8, 2));
		emit(g, HIVE_ALU64_REG(HIVE_ADD, 0, 1));
		emit(g, HIVE_LDX_MEM(HIVE_DW, sreg(g), 0, 0));
	}
	g->insn[at].off = (int16_t)(g->cnt - at - 1);
}

/* atomics on the stack slot fp-16 (u64) or fp-24 (u32) */
static void gen_atomic(struct gen *g)
{
	static const int32_t ops[] = { HIVE_ADD, HIVE_OR, HIVE_AND, HIVE_XOR, HIVE_ADD | HIVE_FETCH,
				       HIVE_OR | HIVE_FETCH, HIVE_AND | HIVE_FETCH,
				       HIVE_XOR | HIVE_FETCH, HIVE_XCHG, HIVE_CMPXCHG };
	int32_t op = ops[rnd(g, ARRAY_SIZE(ops))];
	int dw = chance(g, 60);

	if (op == HIVE_CMPXCHG)
		emit(g, HIVE_MOV64_REG(0, sreg(g)));
	emit(g, HIVE_INSN(HIVE_STX | (dw ? HIVE_DW : HIVE_W) | HIVE_ATOMIC, 10, sreg(g),
			  dw ? -16 : -24, op));
	if (op == HIVE_CMPXCHG)
		emit(g, HIVE_MOV64_REG(sreg(g), 0));
}

/* rC = 0; do { body } while (++rC < N) */
static void gen_loop(struct gen *g)
{
	uint32_t top, i, n = 1 + rnd(g, 3);
	uint8_t c = (uint8_t)rnd(g, 6);

	emit(g, HIVE_MOV64_IMM(c, 0));
	top = g->cnt;
	for (i = 0; i < n; i++)
		gen_alu(g);
	if (chance(g, 30)) {    /* a branch inside the body */
		emit(g, HIVE_JMP_IMM(HIVE_JGT, sreg(g), pick_imm(g), 1));
		gen_alu(g);
	}
	emit(g, HIVE_ALU64_IMM(HIVE_ADD, c, 1));
	emit(g, HIVE_JMP_IMM(HIVE_JLT, c, (int32_t)(2 + rnd(g, 12)), 0));
	g->insn[g->cnt - 1].off = (int16_t)((int)top - (int)g->cnt);
}

static void gen_helper(struct gen *g)
{
	static const int32_t any[] = { 5, 7, 8 };
	uint32_t k = rnd(g, 100);

	if ((g->pt == 2 || g->pt == 5 || g->pt == 17) && k < 30) {
		/* probe_read_kernel(fp-32, 8, r) */
		emit(g, HIVE_MOV64_REG(1, 10));
		emit(g, HIVE_ALU64_IMM(HIVE_ADD, 1, -32));
		emit(g, HIVE_MOV64_IMM(2, 8));
		emit(g, HIVE_MOV64_REG(3, sreg(g)));
		emit(g, HIVE_CALL_HELPER(113));
	} else if ((g->pt == 2 || g->pt == 5 || g->pt == 17) && k < 45) {
		emit(g, HIVE_CALL_HELPER(14));      /* get_current_pid_tgid */
	} else if ((g->pt == 3 || g->pt == 1) && k < 30) {
		/* skb_load_bytes(ctx, off, fp-40, len) */
		emit(g, HIVE_MOV64_REG(1, 6));
		emit(g, HIVE_MOV64_IMM(2, (int32_t)rnd(g, 20)));
		emit(g, HIVE_MOV64_REG(3, 10));
		emit(g, HIVE_ALU64_IMM(HIVE_ADD, 3, -40));
		emit(g, HIVE_MOV64_IMM(4, (int32_t)(1 + rnd(g, 8))));
		emit(g, HIVE_CALL_HELPER(26));
	} else {
		emit(g, HIVE_CALL_HELPER(any[rnd(g, 3)]));
	}
	if (chance(g, 70))
		emit(g, HIVE_ALU64_REG(chance(g, 50) ? HIVE_ADD : HIVE_MOV, sreg(g), 0));
}

/* LD_ABS / LD_IND (skb programs; r6 is the context) */
static void gen_ld_abs(struct gen *g)
{
	static const uint8_t sz[] = { HIVE_B, HIVE_H, HIVE_W };
	uint8_t s = sz[rnd(g, 3)];

	if (chance(g, 60)) {
		emit(g, HIVE_INSN(HIVE_LD | s | HIVE_ABS, 0, 0, 0, (int32_t)rnd(g, 64)));
	} else {
		emit(g, HIVE_MOV64_REG(1, sreg(g)));
		emit(g, HIVE_ALU64_IMM(HIVE_AND, 1, 0x3f));
		emit(g, HIVE_INSN(HIVE_LD | s | HIVE_IND, 0, 1, 0, (int32_t)rnd(g, 16)));
	}
	emit(g, HIVE_MOV64_REG(sreg(g), 0));
}

/* r1 = scalar or a pointer to the caller's stack; call the subprogram */
static void gen_call(struct gen *g)
{
	if (g->nsub_fix >= (int)ARRAY_SIZE(g->sub_fix))
		return;
	if (g->sub_kind == 1) {
		emit(g, HIVE_MOV64_REG(1, 10));
		emit(g, HIVE_ALU64_IMM(HIVE_ADD, 1, -8 * (int32_t)(1 + rnd(g, 6))));
	} else {
		emit(g, HIVE_MOV64_REG(1, sreg(g)));
	}
	g->sub_fix[g->nsub_fix++] = g->cnt;
	emit(g, HIVE_INSN(HIVE_JMP | HIVE_CALL, 0, HIVE_PSEUDO_CALL, 0, 0));
	emit(g, HIVE_MOV64_REG(sreg(g), 0));
}

/* one of the classic mistakes, at most one per program */
static void gen_fault(struct gen *g)
{
	g->fault = 1;
	switch (rnd(g, 14)) {
	case 0:                 /* read of a register a call clobbered */
		emit(g, HIVE_CALL_HELPER(7));
		emit(g, HIVE_MOV64_REG(sreg(g), 1 + (uint8_t)rnd(g, 5)));
		break;
	case 1:                 /* uninitialised stack */
		emit(g, HIVE_LDX_MEM(size_of(g), sreg(g), 10, (int16_t)(-72 - 8 * (int)rnd(g, 8))));
		break;
	case 2:                 /* lookup without the null check */
		emit(g, HIVE_INSN(HIVE_LD | HIVE_DW | HIVE_IMM, 1, HIVE_PSEUDO_MAP_FD, 0,
				  vt_map_fd[VT_MAP_HASH]));
		emit(g, HIVE_INSN(0, 0, 0, 0, 0));
		emit(g, HIVE_MOV64_REG(2, 10));
		emit(g, HIVE_ALU64_IMM(HIVE_ADD, 2, -8));
		emit(g, HIVE_CALL_HELPER(1));
		emit(g, HIVE_LDX_MEM(HIVE_DW, sreg(g), 0, 0));
		break;
	case 3:                 /* map value access past its end or before it */
		emit(g, HIVE_INSN(HIVE_LD | HIVE_DW | HIVE_IMM, 1, HIVE_PSEUDO_MAP_FD, 0,
				  vt_map_fd[VT_MAP_ARRAY]));
		emit(g, HIVE_INSN(0, 0, 0, 0, 0));
		emit(g, HIVE_MOV64_REG(2, 10));
		emit(g, HIVE_ALU64_IMM(HIVE_ADD, 2, -8));
		emit(g, HIVE_CALL_HELPER(1));
		emit(g, HIVE_JMP_IMM(HIVE_JEQ, 0, 0, 1));
		emit(g, HIVE_LDX_MEM(HIVE_W, sreg(g), 0, chance(g, 50) ? 6 : -4));
		break;
	case 4:                 /* write to the frame pointer */
		emit(g, HIVE_MOV64_IMM(10, 0));
		break;
	case 5:                 /* context offset no program type has */
		emit(g, HIVE_LDX_MEM(HIVE_W, sreg(g), 6, (int16_t)(1000 + 4 * (int)rnd(g, 8))));
		break;
	case 6:                 /* dereference of a modified context pointer */
		emit(g, HIVE_MOV64_REG(1, 6));
		emit(g, HIVE_ALU64_IMM(HIVE_ADD, 1, 4));
		emit(g, HIVE_LDX_MEM(HIVE_W, sreg(g), 1, 0));
		break;
	case 7:                 /* unbounded offset into a map value */
		emit(g, HIVE_INSN(HIVE_LD | HIVE_DW | HIVE_IMM, 1, HIVE_PSEUDO_MAP_FD, 0,
				  vt_map_fd[VT_MAP_ARRAY48]));
		emit(g, HIVE_INSN(0, 0, 0, 0, 0));
		emit(g, HIVE_MOV64_REG(2, 10));
		emit(g, HIVE_ALU64_IMM(HIVE_ADD, 2, -8));
		emit(g, HIVE_CALL_HELPER(1));
		emit(g, HIVE_JMP_IMM(HIVE_JEQ, 0, 0, 2));
		emit(g, HIVE_ALU64_REG(HIVE_ADD, 0, sreg(g)));
		emit(g, HIVE_LDX_MEM(HIVE_B, sreg(g), 0, 0));
		break;
	case 8:                 /* loop whose counter has no bound */
		emit(g, HIVE_MOV64_REG(1, sreg(g)));
		emit(g, HIVE_ALU64_IMM(HIVE_ADD, 1, 1));
		emit(g, HIVE_JMP_IMM(HIVE_JNE, 1, 0, -2));
		break;
	case 9:                 /* division by a zero immediate */
		emit(g, HIVE_ALU64_IMM(HIVE_DIV, sreg(g), 0));
		break;
	case 10:                /* pointer returned to the caller */
		emit(g, HIVE_MOV64_REG(0, 6));
		emit(g, HIVE_EXIT_INSN());
		break;
	case 11:                /* reserved field set */
		emit(g, HIVE_INSN(HIVE_ALU64 | HIVE_ADD | HIVE_K, sreg(g), 3, 0, 1));
		break;
	case 12:                /* packet access without a bounds check */
		if (g->pt == 3 || g->pt == 6) {
			emit(g, HIVE_LDX_MEM(HIVE_W, 2, 6, g->pt == 6 ? 0 : 76));
			emit(g, HIVE_LDX_MEM(HIVE_B, sreg(g), 2, 0));
		} else {
			/* (a tracepoint accepts negative offsets in the kernel
			 * and not in hive: see docs/verifier.md) */
			emit(g, HIVE_LDX_MEM(HIVE_DW, sreg(g), 6, g->pt == 5 ? 0 : -8));
		}
		break;
	default:                /* pointer arithmetic with an unbounded scalar */
		emit(g, HIVE_MOV64_REG(1, 10));
		emit(g, HIVE_ALU64_REG(HIVE_ADD, 1, sreg(g)));
		emit(g, HIVE_LDX_MEM(HIVE_DW, sreg(g), 1, -8));
		break;
	}
}

static void gen_block(struct gen *g, int budget)
{
	while (budget-- > 0 && g->cnt < GEN_MAX_INSNS - 64) {
		uint32_t k = rnd(g, 100);

		if (k < 30)
			gen_alu(g);
		else if (k < 42 && g->depth < 3)
			gen_if(g, 1 + (int)rnd(g, 3));
		else if (k < 52)
			gen_stack(g);
		else if (k < 60)
			gen_ctx(g);
		else if (k < 68 && (g->pt == 3 || g->pt == 6))
			gen_packet(g);
		else if (k < 76)
			gen_map(g);
		else if (k < 80)
			gen_atomic(g);
		else if (k < 84 && g->depth < 2)
			gen_loop(g);
		else if (k < 90)
			gen_helper(g);
		else if (k < 93 && (g->pt == 1 || g->pt == 3))
			gen_ld_abs(g);
		else if (k < 96)
			gen_call(g);
		else if (k < 98 && !g->fault && chance(g, 50))
			gen_fault(g);
		else
			gen_alu(g);
	}
}

/* The whole program: prologue, body, exit, then the subprogram if called. */
static void gen_program(struct gen *g, uint64_t seed, uint32_t pt)
{
	int i;

	memset(g, 0, sizeof(*g));
	g->rng = seed * 0x9e3779b97f4a7c15ull + 1;
	g->pt = pt;
	g->sub_kind = (int)rnd(g, 2);
	emit(g, HIVE_MOV64_REG(6, 1));
	for (i = 7; i <= 9; i++) {
		if (chance(g, 50)) {
			emit(g, HIVE_CALL_HELPER(7));
			emit(g, HIVE_MOV64_REG((uint8_t)i, 0));
		} else {
			emit(g, HIVE_MOV64_IMM((uint8_t)i, pick_imm(g)));
		}
	}
	for (i = 1; i <= 8; i++)
		emit(g, HIVE_ST_MEM(HIVE_DW, 10, (int16_t)(-8 * i), 0));
	gen_block(g, 10 + (int)rnd(g, 25));
	if (!g->fault && chance(g, 25))
		gen_fault(g);
	if (chance(g, 70))
		emit(g, HIVE_MOV64_REG(0, sreg(g)));
	else
		emit(g, HIVE_MOV64_IMM(0, (int32_t)rnd(g, 3)));
	emit(g, HIVE_EXIT_INSN());
	if (!g->nsub_fix)
		return;
	for (i = 0; i < g->nsub_fix; i++)
		g->insn[g->sub_fix[i]].imm = (int32_t)(g->cnt - g->sub_fix[i] - 1);
	if (g->sub_kind == 1) {         /* reads and writes the caller's stack */
		emit(g, HIVE_LDX_MEM(HIVE_DW, 0, 1, 0));
		emit(g, HIVE_ALU64_IMM(HIVE_ADD, 0, (int32_t)rnd(g, 100)));
		emit(g, HIVE_STX_MEM(HIVE_DW, 1, 0, 0));
	} else {                        /* own frame: spill, compute, fill */
		emit(g, HIVE_STX_MEM(HIVE_DW, 10, 1, -8));
		emit(g, HIVE_MOV64_REG(0, 1));
		emit(g, HIVE_JMP_IMM(HIVE_JGT, 0, (int32_t)rnd(g, 1000), 1));
		emit(g, HIVE_ALU64_IMM(HIVE_MUL, 0, 3));
		emit(g, HIVE_LDX_MEM(HIVE_DW, 1, 10, -8));
		emit(g, HIVE_ALU64_REG(HIVE_ADD, 0, 1));
	}
	emit(g, HIVE_EXIT_INSN());
}

#endif /* HIVE_TESTS_VGEN_H */
