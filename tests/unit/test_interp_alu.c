/*
 * test_interp_alu.c - the interpreter's instruction semantics where RFC 9669
 * is subtle: division and modulo by zero, INT_MIN / -1, signed division,
 * movsx, byte swaps, shift masking, 32-bit zero-extension, JMP32, gotol,
 * sign-extending loads, stores of sign-extended immediates, and atomics
 * (fetch results, cmpxchg's r0). The broad per-opcode suite lives in .data
 * files; these cases pin down the corners in C, on every engine (VT_TEST).
 */
#include "harness.h"
#include "hive/hive_vm.h"
#include "vm_testutil.h"

#define LDDW(d, v) HIVE_LD_IMM64_LO(d, 0, v), HIVE_LD_IMM64_HI(v)

struct alu_case {
	const char *name;
	struct hive_insn op;    /* dst r1, src r2 */
	uint64_t dst, src, want;
};

#define A(c, off, imm) \
	HIVE_INSN(c, 1, (((c) & HIVE_X) && ((c) & 0xf0) != HIVE_END) ? 2 : 0, off, imm)
#define I64MIN 0x8000000000000000ull
#define I32MIN 0x80000000ull
#define HI     0xabcdef0100000000ull   /* junk in the upper half */

static const struct alu_case alu_cases[] = {
	/* division and modulo by zero */
	{ "div64 x/0",        A(0x3f, 0, 0),   7, 0, 0 },
	{ "div64 x/imm0",     A(0x37, 0, 0),   7, 0, 0 },
	{ "mod64 x%0",        A(0x9f, 0, 0),   HI | 7, 0, HI | 7 },
	{ "mod64 x%imm0",     A(0x97, 0, 0),   HI | 7, 0, HI | 7 },
	{ "div32 x/0",        A(0x3c, 0, 0),   HI | 7, HI, 0 },
	{ "mod32 x%0",        A(0x9c, 0, 0),   HI | 7, HI, 7 },
	{ "mod32 x%imm0",     A(0x94, 0, 0),   HI | 7, 0, 7 },
	{ "sdiv64 x/0",       A(0x3f, 1, 0),   (uint64_t)-7, 0, 0 },
	{ "smod64 x%0",       A(0x9f, 1, 0),   (uint64_t)-7, 0, (uint64_t)-7 },
	{ "sdiv32 x/0",       A(0x3c, 1, 0),   HI | 9, HI, 0 },
	{ "smod32 x%0",       A(0x9c, 1, 0),   HI | 0xfffffff9, HI, 0xfffffff9 },
	/* signed overflow */
	{ "sdiv64 min/-1",    A(0x3f, 1, 0),   I64MIN, (uint64_t)-1, I64MIN },
	{ "smod64 min%-1",    A(0x9f, 1, 0),   I64MIN, (uint64_t)-1, 0 },
	{ "sdiv64 min/imm-1", A(0x37, 1, -1),  I64MIN, 0, I64MIN },
	{ "smod64 min%imm-1", A(0x97, 1, -1),  I64MIN, 0, 0 },
	{ "sdiv32 min/-1",    A(0x3c, 1, 0),   HI | I32MIN, HI | 0xffffffff, I32MIN },
	{ "smod32 min%-1",    A(0x9c, 1, 0),   I32MIN, 0xffffffff, 0 },
	{ "sdiv32 min/imm-1", A(0x34, 1, -1),  I32MIN, 0, I32MIN },
	/* signed rounding toward zero, remainder takes the dividend's sign */
	{ "sdiv64 -7/2",      A(0x3f, 1, 0),   (uint64_t)-7, 2, (uint64_t)-3 },
	{ "smod64 -7%2",      A(0x9f, 1, 0),   (uint64_t)-7, 2, (uint64_t)-1 },
	{ "smod64 7%-2",      A(0x9f, 1, 0),   7, (uint64_t)-2, 1 },
	{ "sdiv32 -7/imm2",   A(0x34, 1, 2),   0xfffffff9, 0, 0xfffffffd },
	{ "smod32 -7%imm2",   A(0x94, 1, 2),   0xfffffff9, 0, 0xffffffff },
	/* unsigned division by a negative imm: sign-extended, then unsigned */
	{ "div64 max/imm-1",  A(0x37, 0, -1),  UINT64_MAX, 0, 1 },
	{ "div64 5/imm-1",    A(0x37, 0, -1),  5, 0, 0 },
	{ "div32 max/imm-1",  A(0x34, 0, -1),  HI | 0xffffffff, 0, 1 },
	{ "mod64 5%imm-2",    A(0x97, 0, -2),  5, 0, 5 },
	/* movsx */
	{ "movsx64 8",        A(0xbf, 8, 0),   0, 0x180, 0xffffffffffffff80ull },
	{ "movsx64 16",       A(0xbf, 16, 0),  0, 0x18000, 0xffffffffffff8000ull },
	{ "movsx64 32",       A(0xbf, 32, 0),  0, 0x180000000ull, 0xffffffff80000000ull },
	{ "movsx64 8 pos",    A(0xbf, 8, 0),   0, 0x17f, 0x7f },
	{ "movsx32 8",        A(0xbc, 8, 0),   HI, 0x80, 0xffffff80 },
	{ "movsx32 16",       A(0xbc, 16, 0),  HI, 0x8000, 0xffff8000 },
	{ "mov32 reg",        A(0xbc, 0, 0),   HI, 0xffffffff12345678ull, 0x12345678 },
	{ "mov64 imm -1",     A(0xb7, 0, -1),  0, 0, UINT64_MAX },
	{ "mov32 imm -1",     A(0xb4, 0, -1),  HI, 0, 0xffffffff },
	/* byte swaps */
	{ "bswap16",          A(0xd7, 0, 16),  0x0123456789abcdefull, 0, 0xefcd },
	{ "bswap32",          A(0xd7, 0, 32),  0x0123456789abcdefull, 0, 0xefcdab89 },
	{ "bswap64",          A(0xd7, 0, 64),  0x0123456789abcdefull, 0, 0xefcdab8967452301ull },
	{ "le16",             A(0xd4, 0, 16),  0x0123456789abcdefull, 0, 0xcdef },
	{ "le32",             A(0xd4, 0, 32),  0x0123456789abcdefull, 0, 0x89abcdef },
	{ "le64",             A(0xd4, 0, 64),  0x0123456789abcdefull, 0, 0x0123456789abcdefull },
	{ "be16",             A(0xdc, 0, 16),  0x0123456789abcdefull, 0, 0xefcd },
	{ "be32",             A(0xdc, 0, 32),  0x0123456789abcdefull, 0, 0xefcdab89 },
	{ "be64",             A(0xdc, 0, 64),  0x0123456789abcdefull, 0, 0xefcdab8967452301ull },
	/* shifts are masked to 63 / 31 */
	{ "lsh64 by 65",      A(0x6f, 0, 0),   3, 65, 6 },
	{ "lsh64 by imm 65",  A(0x67, 0, 65),  3, 0, 6 },
	{ "rsh64 by 64",      A(0x7f, 0, 0),   0x80, 64, 0x80 },
	{ "arsh64 by 63",     A(0xcf, 0, 0),   I64MIN, 63, UINT64_MAX },
	{ "arsh64 by imm 127", A(0xc7, 0, 127), I64MIN, 0, UINT64_MAX },
	{ "lsh32 by 33",      A(0x6c, 0, 0),   HI | 0x80000001, 33, 2 },
	{ "rsh32 by imm 33",  A(0x74, 0, 33),  HI | 0x80000000, 0, 0x40000000 },
	{ "arsh32 by 31",     A(0xcc, 0, 0),   HI | I32MIN, 31, 0xffffffff },
	{ "arsh32 by imm 63", A(0xc4, 0, 63),  0x180000000ull, 0, 0xffffffff },
	{ "arsh32 pos",       A(0xc4, 0, 4),   0x7ffffff0, 0, 0x07ffffff },
	/* 32-bit results are zero-extended; 64-bit imms sign-extended */
	{ "add32 wrap",       A(0x0c, 0, 0),   HI | 0xffffffff, 1, 0 },
	{ "sub32 wrap",       A(0x14, 0, 1),   HI, 0, 0xffffffff },
	{ "mul32 high",       A(0x2c, 0, 0),   0x10000, 0x10001, 0x10000 },
	{ "neg32",            A(0x84, 0, 0),   HI | 1, 0, 0xffffffff },
	{ "neg64",            A(0x87, 0, 0),   1, 0, UINT64_MAX },
	{ "neg64 min",        A(0x87, 0, 0),   I64MIN, 0, I64MIN },
	{ "add64 imm -1",     A(0x07, 0, -1),  0, 0, UINT64_MAX },
	{ "or64 imm min",     A(0x47, 0, INT32_MIN), 0, 0, 0xffffffff80000000ull },
	{ "or32 imm min",     A(0x44, 0, INT32_MIN), HI, 0, 0x80000000 },
	{ "and64 imm -1",     A(0x57, 0, -1),  HI | 5, 0, HI | 5 },
	{ "xor32 imm",        A(0xa4, 0, -1),  HI | 0xf0f0f0f0, 0, 0x0f0f0f0f },
	{ "mul64 wrap",       A(0x2f, 0, 0),   I64MIN | 1, 3, I64MIN | 3 },
	{ "mod64",            A(0x9f, 0, 0),   UINT64_MAX, 10, 5 },
	{ "div64",            A(0x3f, 0, 0),   UINT64_MAX, 16, 0x0fffffffffffffffull },
};

static int run_alu(const struct alu_case *c, uint64_t *r0)
{
	struct hive_insn p[] = {
		LDDW(1, c->dst),
		LDDW(2, c->src),
		c->op,
		HIVE_MOV64_REG(0, 1),
		HIVE_EXIT_INSN(),
	};

	return vt_run(p, VT_CNT(p), NULL, 0, r0);
}

VT_TEST(interp_alu_corners)
{
	size_t i;
	uint64_t r0;

	for (i = 0; i < sizeof(alu_cases) / sizeof(alu_cases[0]); i++) {
		const struct alu_case *c = &alu_cases[i];
		int err = run_alu(c, &r0);

		if (err || r0 != c->want)
			test_fail(__FILE__, __LINE__, "%s: err %d, r0 0x%llx, expected 0x%llx",
				  c->name, err, (unsigned long long)r0,
				  (unsigned long long)c->want);
	}
}

struct jmp_case {
	const char *name;
	uint8_t code;
	int32_t imm;
	uint64_t dst, src;
	int taken;
};

static const struct jmp_case jmp_cases[] = {
	{ "jeq32 ignores high", 0x16, 5,  0x100000005ull, 0, 1 },
	{ "jeq64 sees high",    0x15, 5,  0x100000005ull, 0, 0 },
	{ "jeq64 imm sext",     0x15, -1, UINT64_MAX, 0, 1 },
	{ "jeq32 imm -1",       0x16, -1, 0xffffffff, 0, 1 },
	{ "jgt64 imm -1",       0x25, -1, 5, 0, 0 },
	{ "jgt32 reg",          0x2e, 0,  0x1, 0xffffffff00000000ull, 1 },
	{ "jge32 reg",          0x3e, 0,  0x100000000ull, 1, 0 },
	{ "jlt32 imm",          0xa6, 2,  0xff00000001ull, 0, 1 },
	{ "jle64 reg",          0xbd, 0,  3, 3, 1 },
	{ "jsgt64 imm -1",      0x65, -1, 0, 0, 1 },
	{ "jsgt32 -1 > 0",      0x66, 0,  0xffffffff, 0, 0 },
	{ "jsgt64 pos",         0x65, 0,  0xffffffff, 0, 1 },
	{ "jslt32 reg",         0xce, 0,  0x80000000, 0x7fffffff, 1 },
	{ "jslt64 reg",         0xcd, 0,  0x80000000, 0x7fffffff, 0 },
	{ "jsge32 imm",         0x76, -5, 0xfffffffb, 0, 1 },
	{ "jsle32 reg",         0xde, 0,  0x1ffffffffull, 0, 1 },
	{ "jsle64 imm",         0xd5, -2, (uint64_t)-3, 0, 1 },
	{ "jset32 high only",   0x4e, 0,  0xf00000000ull, 0xf00000000ull, 0 },
	{ "jset64 high",        0x4d, 0,  0xf00000000ull, 0xf00000000ull, 1 },
	{ "jset32 imm",         0x46, 4,  0x6, 0, 1 },
	{ "jne32 reg",          0x5e, 0,  0x200000007ull, 0x7, 0 },
	{ "jne64 imm",          0x55, 7,  0x200000007ull, 0, 1 },
	{ "jge64 imm",          0x35, 7,  7, 0, 1 },
	{ "jsge64 reg",         0x7d, 0,  (uint64_t)-1, 0, 0 },
	{ "jle32 imm",          0xb6, 0,  0x100000000ull, 0, 1 },
};

VT_TEST(interp_jumps_32_and_64)
{
	size_t i;

	for (i = 0; i < sizeof(jmp_cases) / sizeof(jmp_cases[0]); i++) {
		const struct jmp_case *c = &jmp_cases[i];
		struct hive_insn p[] = {
			LDDW(1, c->dst),
			LDDW(2, c->src),
			HIVE_MOV64_IMM(0, 0),
			HIVE_INSN(c->code, 1, (c->code & HIVE_X) ? 2 : 0, 1, c->imm),
			HIVE_EXIT_INSN(),
			HIVE_MOV64_IMM(0, 1),
			HIVE_EXIT_INSN(),
		};
		uint64_t r0;
		int err = vt_run(p, VT_CNT(p), NULL, 0, &r0);

		if (err || r0 != (uint64_t)c->taken)
			test_fail(__FILE__, __LINE__, "%s: err %d, taken %llu, expected %d", c->name,
				  err, (unsigned long long)r0, c->taken);
	}
}

VT_TEST(interp_gotol_and_backward_ja)
{
	struct hive_insn p[] = {
		HIVE_MOV64_IMM(0, 1),
		HIVE_INSN(HIVE_JMP32 | HIVE_JA, 0, 0, 0, 3),    /* gotol +3 -> 5 */
		HIVE_ALU64_IMM(HIVE_ADD, 0, 10),                /* pc 2 */
		HIVE_EXIT_INSN(),
		HIVE_EXIT_INSN(),
		HIVE_ALU64_IMM(HIVE_ADD, 0, 100),               /* pc 5 */
		HIVE_JMP_IMM(HIVE_JGT, 0, 250, -5),             /* r0 > 250 -> 2 */
		HIVE_JMP_A(-7),                                 /* -> 1 */
	};
	uint64_t r0;

	CHECK_EQ(vt_run(p, VT_CNT(p), NULL, 0, &r0), 0);
	CHECK_EQ(r0, 311);      /* 1 +100 +100 +100 > 250, then +10 */
}

VT_TEST(interp_loads_and_stores)
{
	uint64_t out[8];
	struct hive_insn p[] = {
		LDDW(2, 0x8182838485868788ull),
		HIVE_STX_MEM(HIVE_DW, 10, 2, -8),
		HIVE_INSN(HIVE_LDX | HIVE_B | HIVE_MEMSX, 3, 10, -8, 0),  /* 0x88 */
		HIVE_STX_MEM(HIVE_DW, 1, 3, 0),
		HIVE_INSN(HIVE_LDX | HIVE_H | HIVE_MEMSX, 3, 10, -8, 0),  /* 0x8788 */
		HIVE_STX_MEM(HIVE_DW, 1, 3, 8),
		HIVE_INSN(HIVE_LDX | HIVE_W | HIVE_MEMSX, 3, 10, -8, 0),  /* 0x85868788 */
		HIVE_STX_MEM(HIVE_DW, 1, 3, 16),
		HIVE_INSN(HIVE_LDX | HIVE_W | HIVE_MEMSX, 3, 10, -7, 0),  /* unaligned */
		HIVE_STX_MEM(HIVE_DW, 1, 3, 24),
		HIVE_LDX_MEM(HIVE_H, 3, 10, -2),                          /* 0x8182 */
		HIVE_STX_MEM(HIVE_DW, 1, 3, 32),
		HIVE_ST_MEM(HIVE_DW, 1, 40, -2),                          /* imm sign-extended */
		HIVE_ST_MEM(HIVE_DW, 1, 48, 0),
		HIVE_ST_MEM(HIVE_W, 1, 48, -2),                           /* 4 bytes only */
		HIVE_ST_MEM(HIVE_B, 1, 56, 0x1ff),                        /* truncated */
		HIVE_MOV64_IMM(0, 0),
		HIVE_EXIT_INSN(),
	};
	uint64_t r0;

	memset(out, 0, sizeof(out));
	CHECK_EQ(vt_run(p, VT_CNT(p), out, sizeof(out), &r0), 0);
	CHECK_EQ(out[0], 0xffffffffffffff88ull);
	CHECK_EQ(out[1], 0xffffffffffff8788ull);
	CHECK_EQ(out[2], 0xffffffff85868788ull);
	CHECK_EQ(out[3], 0xffffffff84858687ull);
	CHECK_EQ(out[4], 0x8182);
	CHECK_EQ(out[5], (uint64_t)-2);
	CHECK_EQ(out[6], 0xfffffffe);
	CHECK_EQ(out[7], 0xff);
}

struct atomic_case {
	const char *name;
	uint8_t code;           /* 0xdb (64) or 0xc3 (32) */
	int32_t op;
	uint64_t mem, src, r0;                  /* before */
	uint64_t want_mem, want_src, want_r0;   /* after */
};

#define MEM0 0x1111111100000005ull      /* 32-bit ops touch the low half only */

static const struct atomic_case atomic_cases[] = {
	{ "add64", 0xdb, HIVE_ADD, 5, 3, 9, 8, 3, 9 },
	{ "fetch_add64", 0xdb, HIVE_ADD | HIVE_FETCH, 5, 3, 9, 8, 5, 9 },
	{ "or64", 0xdb, HIVE_OR, 5, 0x100000000ull, 0, 0x100000005ull, 0x100000000ull, 0 },
	{ "fetch_or64", 0xdb, HIVE_OR | HIVE_FETCH, 5, 2, 0, 7, 5, 0 },
	{ "and64", 0xdb, HIVE_AND, 0xff, 0x0f, 0, 0x0f, 0x0f, 0 },
	{ "fetch_and64", 0xdb, HIVE_AND | HIVE_FETCH, 0xff, 0x0f, 0, 0x0f, 0xff, 0 },
	{ "xor64", 0xdb, HIVE_XOR, 0xff, 0x0f, 0, 0xf0, 0x0f, 0 },
	{ "fetch_xor64", 0xdb, HIVE_XOR | HIVE_FETCH, 0xff, 0x0f, 0, 0xf0, 0xff, 0 },
	{ "xchg64", 0xdb, HIVE_XCHG, 5, 7, 0, 7, 5, 0 },
	{ "cmpxchg64 hit", 0xdb, HIVE_CMPXCHG, 5, 7, 5, 7, 7, 5 },
	{ "cmpxchg64 miss", 0xdb, HIVE_CMPXCHG, 5, 7, 6, 5, 7, 5 },
	{ "add32", 0xc3, HIVE_ADD, MEM0, 0xffffffff, 0, 0x1111111100000004ull, 0xffffffff, 0 },
	{ "fetch_add32", 0xc3, HIVE_ADD | HIVE_FETCH, MEM0, HI | 1, 0, 0x1111111100000006ull,
	  5, 0 },
	{ "fetch_or32", 0xc3, HIVE_OR | HIVE_FETCH, MEM0, 0x80000000, 0, 0x1111111180000005ull,
	  5, 0 },
	{ "fetch_and32", 0xc3, HIVE_AND | HIVE_FETCH, MEM0, 4, 0, 0x1111111100000004ull, 5, 0 },
	{ "fetch_xor32", 0xc3, HIVE_XOR | HIVE_FETCH, MEM0, 1, 0, 0x1111111100000004ull, 5, 0 },
	{ "xchg32", 0xc3, HIVE_XCHG, MEM0, HI | 9, 0, 0x1111111100000009ull, 5, 0 },
	{ "cmpxchg32 hit", 0xc3, HIVE_CMPXCHG, MEM0, 9, HI | 5, 0x1111111100000009ull, 9, 5 },
	{ "cmpxchg32 miss", 0xc3, HIVE_CMPXCHG, MEM0, 9, 6, MEM0, 9, 5 },
};

VT_TEST(interp_atomics)
{
	size_t i;

	for (i = 0; i < sizeof(atomic_cases) / sizeof(atomic_cases[0]); i++) {
		const struct atomic_case *c = &atomic_cases[i];
		uint64_t out[3] = { 0 }, r0;
		struct hive_insn p[] = {
			HIVE_MOV64_REG(6, 1),
			LDDW(1, c->mem),
			HIVE_STX_MEM(HIVE_DW, 10, 1, -8),
			LDDW(2, c->src),
			LDDW(0, c->r0),
			HIVE_INSN(c->code, 10, 2, -8, c->op),
			HIVE_STX_MEM(HIVE_DW, 6, 0, 0),
			HIVE_STX_MEM(HIVE_DW, 6, 2, 8),
			HIVE_LDX_MEM(HIVE_DW, 3, 10, -8),
			HIVE_STX_MEM(HIVE_DW, 6, 3, 16),
			HIVE_EXIT_INSN(),
		};
		int err = vt_run(p, VT_CNT(p), out, sizeof(out), &r0);

		if (err || out[0] != c->want_r0 || out[1] != c->want_src || out[2] != c->want_mem)
			test_fail(__FILE__, __LINE__,
				  "%s: err %d, r0 0x%llx src 0x%llx mem 0x%llx, expected "
				  "0x%llx 0x%llx 0x%llx", c->name, err,
				  (unsigned long long)out[0], (unsigned long long)out[1],
				  (unsigned long long)out[2], (unsigned long long)c->want_r0,
				  (unsigned long long)c->want_src, (unsigned long long)c->want_mem);
	}
}

VT_TEST(interp_lddw_and_counts)
{
	struct hive_insn p[] = {
		LDDW(0, 0xfedcba9876543210ull),
		HIVE_EXIT_INSN(),
	};
	struct hive_vm *vm = vt_load(p, VT_CNT(p));
	HIVE_VM_RUN_OPTS(opts);
	uint64_t r0;

	REQUIRE(vm);
	CHECK_EQ(hive_vm_run(vm, &opts, &r0), 0);
	CHECK_EQ(r0, 0xfedcba9876543210ull);
	if (VT_INTERP)
		CHECK_EQ(opts.insns_run, 2);    /* lddw counts once */
	hive_vm_destroy(vm);
}

VT_TEST(interp_entry_registers)
{
	uint8_t ctx[24];
	struct hive_insn p[] = {
		HIVE_MOV64_REG(0, 2),           /* r2 = ctx_size */
		HIVE_ALU64_REG(HIVE_ADD, 0, 3), HIVE_ALU64_REG(HIVE_ADD, 0, 4),
		HIVE_ALU64_REG(HIVE_ADD, 0, 5), HIVE_ALU64_REG(HIVE_ADD, 0, 6),
		HIVE_ALU64_REG(HIVE_ADD, 0, 7), HIVE_ALU64_REG(HIVE_ADD, 0, 8),
		HIVE_ALU64_REG(HIVE_ADD, 0, 9),
		HIVE_EXIT_INSN(),
	};
	struct hive_insn q[] = { HIVE_MOV64_REG(0, 1), HIVE_EXIT_INSN() };
	uint64_t r0;

	CHECK_EQ(vt_run(p, VT_CNT(p), ctx, sizeof(ctx), &r0), 0);
	CHECK_EQ(r0, sizeof(ctx));
	CHECK_EQ(vt_run(q, VT_CNT(q), ctx, sizeof(ctx), &r0), 0);
	CHECK_EQ(r0, (uintptr_t)ctx);
}
