/*
 * test_jit.c - the JIT against the interpreter, opcode family by opcode
 * family: every ALU, jump, load/store and atomic opcode of
 * src/isa/insn_def.h (enumerated through isa_table, never a list kept
 * here), on edge values, with every eBPF register as destination and
 * source (so rax/rdx of division and rcx of shifts are exercised), in
 * checked and unchecked runs. After each case all ten registers are
 * stored, so clobbering a register that should survive is caught too.
 */
#if defined(__x86_64__)     /* the JIT's host */
#include "isa/isa.h"
#include "jit/jit_internal.h"
#include "jit_testutil.h"

static const uint64_t vals[] = {
	0, 1, 2, 3, 7, 8, 31, 32, 33, 63, 64, 65, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
	0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, 0x123456789abcdef0ull,
	0x7fffffffffffffffull, 0x8000000000000000ull, 0xfffffffffffffffeull,
	0xffffffffffffffffull, 0xfffffffffffffff9ull, 0xffffffff80000000ull,
};
#define NVALS (sizeof(vals) / sizeof(vals[0]))

static const int32_t imms[] = {
	0, 1, -1, 2, 3, 7, 10, 16, 31, 32, 33, 63, 64, 255, 256, 1000, 0x7fff, 0x8000, 0xffff,
	0x10000, 0x7fffffff, INT32_MIN, -2, -7, -1000, 0x55aa55aa, 6, 1u << 30,
};
#define NIMMS (sizeof(imms) / sizeof(imms[0]))

/* Case prologue: every register r0-r9 gets a distinct value, then dst/src. */
static void init_regs(struct jt_prog *g, unsigned dst, uint64_t a, unsigned src, uint64_t b,
		      uint32_t k)
{
	unsigned r;

	for (r = 0; r < 10; r++)
		jt_lddw(g, r, 0x1111111111111111ull * (r + 1) + k);
	jt_lddw(g, src, b);
	jt_lddw(g, dst, a);
}

/*
 * Case epilogue: r0-r9 and the slot at r10-88 go to buffer slot k
 * (11 words): spill to the stack, reload the buffer pointer (saved at
 * r10-96 by the program prologue), copy.
 */
static void store_regs(struct jt_prog *g, uint32_t k)
{
	unsigned r;

	for (r = 0; r < 10; r++)
		jt_push(g, HIVE_STX_MEM(HIVE_DW, HIVE_REG_FP, r, (int16_t)(-8 * (int)(r + 1))));
	jt_push(g, HIVE_LDX_MEM(HIVE_DW, 0, HIVE_REG_FP, -96));
	for (r = 0; r < 11; r++) {
		jt_push(g, HIVE_LDX_MEM(HIVE_DW, 1, HIVE_REG_FP, (int16_t)(-8 * (int)(r + 1))));
		jt_push(g, HIVE_STX_MEM(HIVE_DW, 0, 1, (int16_t)(8 * (11 * k + r))));
	}
}

static void prog_start(struct jt_prog *g)
{
	g->n = 0;
	jt_push(g, HIVE_STX_MEM(HIVE_DW, HIVE_REG_FP, 1, -96));   /* save the buffer */
	jt_push(g, HIVE_ST_MEM(HIVE_DW, HIVE_REG_FP, -88, 0));
}

static void prog_end(struct jt_prog *g)
{
	jt_push(g, HIVE_MOV64_IMM(0, 0));
	jt_push(g, HIVE_EXIT_INSN());
}

/* Registers of case k: cycles through every (dst, src) pair. */
static void regs_of(uint32_t k, unsigned *dst, unsigned *src)
{
	*dst = k % 10;
	*src = (k / 10 + k) % 10;
}

/* Cases per program: the buffer holds 11 words per case. */
#define CASES_MAX 360
static _Alignas(16) uint8_t buf[CASES_MAX * 11 * 8];

static bool run_cases(struct jt_prog *g, uint32_t ncases, const char *what)
{
	struct jt_env env = { .mem = buf, .memlen = (size_t)ncases * 88 };

	memset(buf, 0xa5, sizeof(buf));
	return jt_compare2(g, &env, what);
}

/* Variants of an ALU opcode selected by off/imm. */
static int alu_variants(const struct isa_desc *d, int16_t offs[4], int32_t *end_imm)
{
	*end_imm = 0;
	switch (d->kind) {
	case HIVE_K_DIV_K:
	case HIVE_K_DIV_X:
		offs[0] = 0;
		offs[1] = 1;
		return 2;
	case HIVE_K_MOV_X:
		offs[0] = 0;
		offs[1] = 8;
		offs[2] = 16;
		offs[3] = 32;
		return d->width == 64 ? 4 : 3;
	default:
		offs[0] = 0;
		return 1;
	}
}

static bool is_alu(const struct isa_desc *d, uint8_t code)
{
	(void)code;
	return d->kind == HIVE_K_ALU_K || d->kind == HIVE_K_ALU_X || d->kind == HIVE_K_DIV_K ||
	       d->kind == HIVE_K_DIV_X || d->kind == HIVE_K_MOV_X || d->kind == HIVE_K_NEG ||
	       d->kind == HIVE_K_END;
}

static bool is_shift(const struct isa_desc *d, uint8_t code)
{
	uint8_t op = code & 0xf0;

	return (d->kind == HIVE_K_ALU_K || d->kind == HIVE_K_ALU_X) &&
	       (op == HIVE_LSH || op == HIVE_RSH || op == HIVE_ARSH);
}

/* Every ALU opcode @want selects, on every value pair, every register. */
static void alu_opcodes(bool (*want)(const struct isa_desc *d, uint8_t code))
{
	struct jt_prog g = { 0 };
	char what[96];
	int code;

	for (code = 0; code < 256; code++) {
		const struct isa_desc *d = isa_desc((uint8_t)code);
		int16_t offs[4];
		int32_t end_imm;
		int nv, v;

		if (!want(d, (uint8_t)code))
			continue;
		nv = alu_variants(d, offs, &end_imm);
		for (v = 0; v < nv; v++) {
			bool kform = d->kind == HIVE_K_ALU_K || d->kind == HIVE_K_DIV_K ||
				     d->kind == HIVE_K_END || d->kind == HIVE_K_NEG;
			uint32_t nb = kform ? NIMMS : NVALS, k = 0, i, j, total = 0;

			if (d->kind == HIVE_K_END || d->kind == HIVE_K_NEG)
				nb = d->kind == HIVE_K_END ? 3 : 1;
			/* split the value pairs over programs of CASES_MAX cases */
			prog_start(&g);
			for (i = 0; i < NVALS; i++) {
				for (j = 0; j < nb; j++) {
					unsigned dst, src;
					struct hive_insn in;

					regs_of(total, &dst, &src);
					if (kform)
						src = (dst + 1) % 10;
					init_regs(&g, dst, vals[i], src,
						  kform ? 0 : vals[(j + i) % NVALS], total);
					in = HIVE_INSN((uint8_t)code, dst, kform ? 0 : src, offs[v],
						       kform ? imms[j] : 0);
					if (d->kind == HIVE_K_END)
						in.imm = 16 << j;
					if (d->kind == HIVE_K_NEG)
						in.imm = 0;
					jt_push(&g, in);
					store_regs(&g, k);
					k++;
					total++;
					if (k == CASES_MAX) {
						prog_end(&g);
						snprintf(what, sizeof(what), "%s off %d", d->name,
							 offs[v]);
						if (!run_cases(&g, k, what))
							goto out;
						prog_start(&g);
						k = 0;
					}
				}
			}
			if (k) {
				prog_end(&g);
				snprintf(what, sizeof(what), "%s off %d", d->name, offs[v]);
				if (!run_cases(&g, k, what))
					goto out;
			}
		}
	}
out:
	jt_free(&g);
}

TEST(jit_alu_all_opcodes_edge_values)
{
	alu_opcodes(is_alu);
}

/* Hosts without BMI2 shift through cl (r4 is rcx); also calls into C
 * through movabs + call rax, as when the code is far from libhive. */
TEST(jit_shifts_without_bmi2_far_calls)
{
	jit_test_flags = JIT_TEST_NO_BMI2 | JIT_TEST_FAR_CALLS;
	alu_opcodes(is_shift);
}

TEST(jit_jumps_all_opcodes_edge_values)
{
	struct jt_prog g = { 0 };
	char what[96];
	int code;

	for (code = 0; code < 256; code++) {
		const struct isa_desc *d = isa_desc((uint8_t)code);
		bool kform = d->kind == HIVE_K_JCC_K;
		uint32_t nb, i, j, k = 0, total = 0;

		if (d->kind != HIVE_K_JCC_K && d->kind != HIVE_K_JCC_X)
			continue;
		nb = kform ? NIMMS : NVALS;
		prog_start(&g);
		for (i = 0; i < NVALS; i++) {
			for (j = 0; j < nb; j += 2) {
				unsigned dst, src;

				regs_of(total, &dst, &src);
				init_regs(&g, dst, vals[i], kform ? (dst + 1) % 10 : src,
					  kform ? 0 : vals[(i * 3 + j) % NVALS], total);
				/* if dst cc src/imm goto taken; flag = 0; goto out; taken: flag = 1 */
				jt_push(&g, HIVE_INSN((uint8_t)code, dst, kform ? 0 : src, 2,
						      kform ? imms[j] : 0));
				jt_push(&g, HIVE_ST_MEM(HIVE_DW, HIVE_REG_FP, -88, 0));
				jt_push(&g, HIVE_JMP_A(1));
				jt_push(&g, HIVE_ST_MEM(HIVE_DW, HIVE_REG_FP, -88, 1));
				store_regs(&g, k);
				k++;
				total++;
				if (k == CASES_MAX) {
					prog_end(&g);
					if (!run_cases(&g, k, d->name))
						goto out;
					prog_start(&g);
					k = 0;
				}
			}
		}
		if (k) {
			prog_end(&g);
			snprintf(what, sizeof(what), "%s", d->name);
			if (!run_cases(&g, k, what))
				goto out;
		}
	}
out:
	jt_free(&g);
}

/* Loads and stores of every size, zero- and sign-extending, through every
 * base register, at offsets around the value. */
TEST(jit_load_store_all_sizes)
{
	static const int16_t offs[] = { 0, 1, 3, 7, 8, 63, 100 };
	struct jt_prog g = { 0 };
	int code;

	for (code = 0; code < 256; code++) {
		const struct isa_desc *d = isa_desc((uint8_t)code);
		uint32_t k = 0, i;

		if (d->kind != HIVE_K_LDX && d->kind != HIVE_K_LDXSX && d->kind != HIVE_K_ST &&
		    d->kind != HIVE_K_STX)
			continue;
		prog_start(&g);
		for (i = 0; i < NVALS * 3 && k < CASES_MAX - 40; i++, k++) {
			unsigned base = 1 + i % 9, val = (base + 1 + i / 9) % 10;
			int16_t off = offs[i % (sizeof(offs) / sizeof(offs[0]))];
			bool ld = d->kind == HIVE_K_LDX || d->kind == HIVE_K_LDXSX;

			if (val == base)
				val = (val + 1) % 10;
			/* base = buffer + 8 * (11 * CASES_MAX - 32) - off: a scratch area */
			init_regs(&g, val, vals[i % NVALS], base, 0, k);
			jt_push(&g, HIVE_LDX_MEM(HIVE_DW, base, HIVE_REG_FP, -96));
			jt_push(&g, HIVE_ALU64_IMM(HIVE_ADD, base, 8 * (11 * (CASES_MAX - 40) + 4) - off));
			if (ld) {
				jt_push(&g, HIVE_STX_MEM(HIVE_DW, base, val, off));
				jt_push(&g, HIVE_INSN((uint8_t)code, val, base, off, 0));
			} else if (d->kind == HIVE_K_ST) {
				jt_push(&g, HIVE_INSN((uint8_t)code, base, 0, off, imms[i % NIMMS]));
				jt_push(&g, HIVE_LDX_MEM(HIVE_DW, val, base, off));
			} else {
				jt_push(&g, HIVE_INSN((uint8_t)code, base, val, off, 0));
				jt_push(&g, HIVE_LDX_MEM(HIVE_DW, val, base, off));
			}
			store_regs(&g, k);
		}
		prog_end(&g);
		if (!run_cases(&g, CASES_MAX, d->name))
			break;
	}
	jt_free(&g);
}

/* Stack accesses through r10 at the frame's edges. */
TEST(jit_stack_r10_edges)
{
	static const int16_t offs[] = { -512, -511, -504, -8, -4, -2, -1 };
	struct jt_prog g = { 0 };
	unsigned i, s;

	prog_start(&g);
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		for (s = 0; s < 4; s++) {
			static const uint8_t sz[] = { HIVE_B, HIVE_H, HIVE_W, HIVE_DW };
			int16_t off = offs[i];

			if (off + (1 << s) > 0)
				continue;
			jt_push(&g, HIVE_ST_MEM(sz[s], HIVE_REG_FP, off, -3));
			jt_push(&g, HIVE_LDX_MEM(sz[s], 2, HIVE_REG_FP, off));
			jt_push(&g, HIVE_ALU64_REG(HIVE_ADD, 0, 2));
		}
	}
	jt_push(&g, HIVE_EXIT_INSN());      /* r0 = the sum */
	run_cases(&g, 1, "r10 edges");
	jt_free(&g);
}

TEST(jit_atomics_all_ops)
{
	static const int32_t ops[] = {
		HIVE_ADD, HIVE_OR, HIVE_AND, HIVE_XOR, HIVE_ADD | HIVE_FETCH, HIVE_OR | HIVE_FETCH,
		HIVE_AND | HIVE_FETCH, HIVE_XOR | HIVE_FETCH, HIVE_XCHG, HIVE_CMPXCHG,
	};
	struct jt_prog g = { 0 };
	int code;
	unsigned o;
	char what[64];

	for (code = 0; code < 256; code++) {
		const struct isa_desc *d = isa_desc((uint8_t)code);

		if (d->kind != HIVE_K_ATOMIC)
			continue;
		for (o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
			uint32_t k = 0, i;

			prog_start(&g);
			for (i = 0; i < 120; i++, k++) {
				unsigned base = 1 + i % 9, val = i % 10, tmp = 1;
				int16_t off = (int16_t)(8 * (i % 4));

				if (val == base)
					val = (val + 3) % 10;
				while (tmp == base || tmp == val)
					tmp++;
				init_regs(&g, val, vals[i % NVALS], 0,
					  i % 3 ? vals[(i * 7) % NVALS] : vals[i % NVALS], k);
				if (val != 0)
					jt_lddw(&g, 0, i % 3 ? vals[(i * 7) % NVALS] : vals[i % NVALS]);
				jt_push(&g, HIVE_LDX_MEM(HIVE_DW, base, HIVE_REG_FP, -96));
				jt_push(&g, HIVE_ALU64_IMM(HIVE_ADD, base, 8 * (11 * 150)));
				/* memory word = a value, op with val */
				jt_lddw(&g, tmp, vals[(i * 5 + 3) % NVALS]);
				jt_push(&g, HIVE_STX_MEM(HIVE_DW, base, tmp, off));
				jt_push(&g, HIVE_INSN((uint8_t)code, base, val, off, ops[o]));
				jt_push(&g, HIVE_LDX_MEM(HIVE_DW, tmp, base, off));
				store_regs(&g, k);
			}
			prog_end(&g);
			snprintf(what, sizeof(what), "%s %s", d->name, isa_atomic_name(ops[o]));
			if (!run_cases(&g, 160, what))
				goto out;
		}
	}
out:
	jt_free(&g);
}

/* lddw of every edge value into every register, 32-bit results feeding
 * 64-bit compares (zero extension must be real). */
TEST(jit_lddw_and_zero_extension)
{
	struct jt_prog g = { 0 };
	uint32_t k = 0, i;

	prog_start(&g);
	for (i = 0; i < NVALS; i++, k++) {
		unsigned r = i % 10;

		init_regs(&g, r, vals[i], (r + 1) % 10, vals[(i + 5) % NVALS], k);
		jt_push(&g, HIVE_ALU32_REG(HIVE_ADD, r, (r + 1) % 10));     /* w = w + w */
		jt_push(&g, HIVE_JMP_IMM(HIVE_JGT, r, 0x7fffffff, 1));   /* 64-bit view */
		jt_push(&g, HIVE_ALU64_IMM(HIVE_XOR, r, 0x5555));
		jt_push(&g, HIVE_ALU32_IMM(HIVE_LSH, r, 0));              /* zext only */
		jt_push(&g, HIVE_ALU32_IMM(HIVE_AND, r, -1));
		store_regs(&g, k);
	}
	prog_end(&g);
	run_cases(&g, k, "lddw/zext");
	jt_free(&g);
}

#endif
