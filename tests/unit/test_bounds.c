/*
 * test_bounds.c - scalar bounds (verifier/scalar.c): soundness against brute
 * force and the kernel's exact results on cases observed on Linux 6.18.
 *
 * Soundness: abstract registers are built from small concrete sets placed
 * around the interesting boundaries (0, 2^31, 2^32, 2^63, -1, ...). For
 * every pair of sets, every ALU op (64 and 32 bit) and every conditional
 * jump, each concrete result must lie inside all five views of the abstract
 * result, branch predictions must agree with every concrete pair, and the
 * refined registers of each branch must still contain the pairs that take
 * it.
 */
#include "harness.h"
#include "verifier/scalar.h"

#define MAXV 12

struct cset {
	int n;
	uint64_t v[MAXV];
};

static const uint64_t anchors[] = {
	0, 1, 5, 0x7f, 0xff, 0x7fff, 0x7ffffffe, 0x80000000ULL, 0xfffffffdULL,
	0x100000000ULL, 0x17ffffffeULL, 0x7ffffffffffffffeULL, 0x8000000000000000ULL,
	0xfffffffffffffff8ULL, 0xfffffffffffffffeULL, 0xffffffff7ffffffeULL,
};

/* Deterministic pseudo-random numbers (xorshift). */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int nsets;
static struct cset sets[160];

static void build_sets(void)
{
	size_t a;
	int k;

	nsets = 0;
	for (a = 0; a < (sizeof(anchors) / sizeof(anchors[0])); a++) {
		/* a single value, a short run, a sparse pair */
		sets[nsets].n = 1;
		sets[nsets++].v[0] = anchors[a];
		sets[nsets].n = 4;
		for (k = 0; k < 4; k++)
			sets[nsets].v[k] = anchors[a] + (uint64_t)k;
		nsets++;
		sets[nsets].n = 2;
		sets[nsets].v[0] = anchors[a];
		sets[nsets].v[1] = anchors[(a + 5) % (sizeof(anchors) / sizeof(anchors[0]))] + 3;
		nsets++;
	}
	/* random sets: a random base with a few random low bits varying */
	while (nsets < (int)(sizeof(sets) / sizeof(sets[0]))) {
		uint64_t base = rnd(), vary = rnd() & 0x8000000100000007ULL;

		if (rnd() & 1)
			base &= 0xffff;
		sets[nsets].n = 0;
		for (k = 0; k < MAXV && sets[nsets].n < MAXV; k++)
			sets[nsets].v[sets[nsets].n++] = base ^ (rnd() & vary);
		nsets++;
	}
}

/* The most precise abstract register for a concrete set. */
static struct reg_state abstract_of(const struct cset *s)
{
	struct reg_state r = { 0 };
	uint64_t and_all = ~0ULL, or_all = 0;
	int i;

	r.type = SCALAR_VALUE;
	r.umin_value = U64_MAX;
	r.umax_value = 0;
	r.smin_value = S64_MAX;
	r.smax_value = S64_MIN;
	r.u32_min_value = U32_MAX;
	r.u32_max_value = 0;
	r.s32_min_value = S32_MAX;
	r.s32_max_value = S32_MIN;
	for (i = 0; i < s->n; i++) {
		uint64_t v = s->v[i];

		and_all &= v;
		or_all |= v;
		if (v < r.umin_value) r.umin_value = v;
		if (v > r.umax_value) r.umax_value = v;
		if ((int64_t)v < r.smin_value) r.smin_value = (int64_t)v;
		if ((int64_t)v > r.smax_value) r.smax_value = (int64_t)v;
		if ((uint32_t)v < r.u32_min_value) r.u32_min_value = (uint32_t)v;
		if ((uint32_t)v > r.u32_max_value) r.u32_max_value = (uint32_t)v;
		if ((int32_t)v < r.s32_min_value) r.s32_min_value = (int32_t)v;
		if ((int32_t)v > r.s32_max_value) r.s32_max_value = (int32_t)v;
	}
	r.var_off = TNUM(and_all, and_all ^ or_all);
	reg_bounds_sync(&r);
	return r;
}

static bool holds(const struct reg_state *r, uint64_t v)
{
	return v >= r->umin_value && v <= r->umax_value &&
	       (int64_t)v >= r->smin_value && (int64_t)v <= r->smax_value &&
	       (uint32_t)v >= r->u32_min_value && (uint32_t)v <= r->u32_max_value &&
	       (int32_t)v >= r->s32_min_value && (int32_t)v <= r->s32_max_value &&
	       (v & ~r->var_off.mask) == r->var_off.value;
}

static uint64_t concrete_alu(uint8_t op, uint64_t a, uint64_t b, bool alu32)
{
	uint64_t r;

	if (alu32) {
		uint32_t x = (uint32_t)a, y = (uint32_t)b;

		switch (op) {
		case HIVE_ADD:  r = (uint32_t)(x + y); break;
		case HIVE_SUB:  r = (uint32_t)(x - y); break;
		case HIVE_MUL:  r = (uint32_t)(x * y); break;
		case HIVE_AND:  r = x & y; break;
		case HIVE_OR:   r = x | y; break;
		case HIVE_XOR:  r = x ^ y; break;
		case HIVE_LSH:  r = (uint32_t)(x << (y & 31)); break;
		case HIVE_RSH:  r = x >> (y & 31); break;
		case HIVE_ARSH: r = (uint32_t)((int32_t)x >> (y & 31)); break;
		default:        r = (uint32_t)(0 - x); break;
		}
		return r;
	}
	switch (op) {
	case HIVE_ADD:  return a + b;
	case HIVE_SUB:  return a - b;
	case HIVE_MUL:  return a * b;
	case HIVE_AND:  return a & b;
	case HIVE_OR:   return a | b;
	case HIVE_XOR:  return a ^ b;
	case HIVE_LSH:  return a << (b & 63);
	case HIVE_RSH:  return a >> (b & 63);
	case HIVE_ARSH: return (uint64_t)((int64_t)a >> (b & 63));
	default:        return 0 - a;
	}
}

static const uint8_t alu_ops[] = {
	HIVE_ADD, HIVE_SUB, HIVE_MUL, HIVE_AND, HIVE_OR, HIVE_XOR,
	HIVE_LSH, HIVE_RSH, HIVE_ARSH, HIVE_NEG,
};

TEST(bounds_alu_sound)
{
	long bad = 0, checked = 0;
	int i, j, x, y, alu32;
	size_t o;

	build_sets();
	for (i = 0; i < nsets; i++) {
		struct reg_state a = abstract_of(&sets[i]);

		for (x = 0; x < sets[i].n; x++)
			if (!holds(&a, sets[i].v[x]))
				bad++;
		for (j = 0; j < nsets; j++) {
			const struct cset *sb = &sets[j];
			struct reg_state b = abstract_of(sb);

			/* shifts: use the set's values modulo the width */
			for (o = 0; o < sizeof(alu_ops); o++) {
				for (alu32 = 0; alu32 < 2; alu32++) {
					uint8_t op = alu_ops[o];
					uint8_t code = (alu32 ? HIVE_ALU : HIVE_ALU64) | op;
					struct reg_state r = a, sh;
					const struct reg_state *src = &b;
					struct cset shs;

					if (op == HIVE_LSH || op == HIVE_RSH || op == HIVE_ARSH) {
						shs.n = 1;
						shs.v[0] = sb->v[0] & (alu32 ? 31 : 63);
						sh = abstract_of(&shs);
						src = &sh;
						sb = &shs;
					}
					if (!scalar_alu_computable(code, src)) {
						sb = &sets[j];
						continue;
					}
					scalar_alu(&r, src, op, alu32);
					for (x = 0; x < sets[i].n; x++) {
						for (y = 0; y < sb->n; y++) {
							uint64_t c = concrete_alu(op, sets[i].v[x], sb->v[y], alu32);

							checked++;
							if (!holds(&r, c)) {
								if (bad < 5)
									test_fail(__FILE__, __LINE__,
										  "op %#x alu32 %d: %#llx op %#llx = %#llx not in result",
										  op, alu32,
										  (unsigned long long)sets[i].v[x],
										  (unsigned long long)sb->v[y],
										  (unsigned long long)c);
								bad++;
							}
						}
					}
					sb = &sets[j];
				}
			}
		}
	}
	CHECK_EQ(bad, 0);
	CHECK(checked > 100000);
}

static bool concrete_cond(uint8_t op, uint64_t a, uint64_t b, bool j32)
{
	if (j32) {
		a = (uint32_t)a;
		b = (uint32_t)b;
	}
	switch (op) {
	case HIVE_JEQ:  return a == b;
	case HIVE_JNE:  return a != b;
	case HIVE_JSET: return (a & b) != 0;
	case HIVE_JSET | HIVE_X: return (a & b) == 0;
	case HIVE_JGT:  return a > b;
	case HIVE_JGE:  return a >= b;
	case HIVE_JLT:  return a < b;
	case HIVE_JLE:  return a <= b;
	case HIVE_JSGT: return j32 ? (int32_t)a > (int32_t)b : (int64_t)a > (int64_t)b;
	case HIVE_JSGE: return j32 ? (int32_t)a >= (int32_t)b : (int64_t)a >= (int64_t)b;
	case HIVE_JSLT: return j32 ? (int32_t)a < (int32_t)b : (int64_t)a < (int64_t)b;
	default:        return j32 ? (int32_t)a <= (int32_t)b : (int64_t)a <= (int64_t)b;
	}
}

static const uint8_t jmp_ops[] = {
	HIVE_JEQ, HIVE_JNE, HIVE_JSET, HIVE_JGT, HIVE_JGE, HIVE_JLT, HIVE_JLE,
	HIVE_JSGT, HIVE_JSGE, HIVE_JSLT, HIVE_JSLE,
};

TEST(bounds_branch_sound)
{
	long bad = 0;
	int i, j, x, y, j32;
	size_t o;

	build_sets();
	for (i = 0; i < nsets; i++) {
		struct reg_state a = abstract_of(&sets[i]);

		for (j = 0; j < nsets; j++) {
			struct reg_state b = abstract_of(&sets[j]);

			for (o = 0; o < sizeof(jmp_ops); o++) {
				for (j32 = 0; j32 < 2; j32++) {
					uint8_t op = jmp_ops[o];
					int taken = scalar_branch_taken(&a, &b, op, j32);
					struct reg_state t1 = a, t2 = b, f1 = a, f2 = b;

					regs_refine_cond_op(&t1, &t2, op, j32);
					reg_bounds_sync(&t1);
					reg_bounds_sync(&t2);
					regs_refine_cond_op(&f1, &f2, jmp_rev_opcode(op), j32);
					reg_bounds_sync(&f1);
					reg_bounds_sync(&f2);
					for (x = 0; x < sets[i].n; x++) {
						for (y = 0; y < sets[j].n; y++) {
							uint64_t va = sets[i].v[x], vb = sets[j].v[y];
							bool c = concrete_cond(op, va, vb, j32);

							if ((taken == 1 && !c) || (taken == 0 && c))
								bad++;
							if (taken != -1)
								continue;
							if (c && (!holds(&t1, va) || !holds(&t2, vb)))
								bad++;
							if (!c && (!holds(&f1, va) || !holds(&f2, vb)))
								bad++;
						}
					}
				}
			}
		}
	}
	CHECK_EQ(bad, 0);
}

TEST(bounds_sext_and_coerce_sound)
{
	long bad = 0;
	int i, x, size;

	build_sets();
	for (i = 0; i < nsets; i++) {
		struct reg_state a = abstract_of(&sets[i]);

		for (size = 1; size <= 4; size *= 2) {
			struct reg_state sx = a, sx32 = a, tr = a;

			reg_coerce_to_size_sx(&sx, size);
			reg_coerce_to_size(&tr, size);
			if (size < 4) {
				reg_coerce_subreg_to_size_sx(&sx32, size);
				reg_zext_32_to_64(&sx32);
				reg_bounds_sync(&sx32);
			}
			for (x = 0; x < sets[i].n; x++) {
				uint64_t v = sets[i].v[x];
				int64_t s = size == 1 ? (int8_t)v : size == 2 ? (int16_t)v : (int32_t)v;

				if (!holds(&sx, (uint64_t)s))
					bad++;
				if (!holds(&tr, v & ((1ULL << (size * 8)) - 1)))
					bad++;
				if (size < 4 && !holds(&sx32, (uint32_t)s))
					bad++;
			}
		}
	}
	CHECK_EQ(bad, 0);
}

static uint64_t concrete_swap(uint64_t v, uint8_t code, int32_t imm)
{
	uint64_t r = 0;
	int i, n = imm / 8;

	if (HIVE_CLASS(code) == HIVE_ALU && !(code & HIVE_X))   /* to_le: truncate */
		return n == 8 ? v : v & ((1ULL << imm) - 1);
	for (i = 0; i < n; i++)
		r |= ((v >> (8 * i)) & 0xff) << (8 * (n - 1 - i));
	return r;
}

/* le/be/bswap of 16, 32, 64 bits hold every swapped member. */
TEST(bounds_byte_swap_sound)
{
	static const uint8_t codes[] = { HIVE_ALU | HIVE_END | HIVE_K, HIVE_ALU | HIVE_END | HIVE_X,
					 HIVE_ALU64 | HIVE_END | HIVE_K };
	long bad = 0;
	int i, c, w, x;

	build_sets();
	for (i = 0; i < nsets; i++) {
		for (c = 0; c < 3; c++) {
			for (w = 16; w <= 64; w *= 2) {
				struct reg_state r = abstract_of(&sets[i]);

				scalar_byte_swap(&r, codes[c], w);
				if (!reg_bounds_consistent(&r))
					bad++;
				for (x = 0; x < sets[i].n; x++)
					if (!holds(&r, concrete_swap(sets[i].v[x], codes[c], w)))
						bad++;
			}
		}
	}
	CHECK_EQ(bad, 0);
}

static struct reg_state unknown(void)
{
	struct reg_state r;

	r.subreg_def = 0;
	reg_mark_unknown_scalar(&r, false);
	return r;
}

static struct reg_state known(uint64_t v)
{
	struct reg_state r = unknown();

	reg_mark_known(&r, v);
	return r;
}

/* Results printed by Linux 6.18 for the same instruction sequences. */
TEST(bounds_kernel_cases)
{
	struct reg_state r = unknown(), k;

	/* r &= 255 -> smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff) */
	k = known(255);
	scalar_alu(&r, &k, HIVE_AND, false);
	CHECK_EQ(r.smin_value, 0);
	CHECK_EQ(r.umax_value, 255);
	CHECK_EQ(r.s32_max_value, 255);
	CHECK_EQ(r.var_off.mask, 0xff);

	/* r |= -16 -> smin=-16,smax=-1,umin=0xfffffffffffffff0,umin32=0xfffffff0 */
	r = unknown();
	k = known((uint64_t)-16);
	scalar_alu(&r, &k, HIVE_OR, false);
	CHECK_EQ(r.smin_value, -16);
	CHECK_EQ(r.smax_value, -1);
	CHECK_EQ(r.umin_value, 0xfffffffffffffff0ULL);
	CHECK_EQ(r.umax_value, U64_MAX);
	CHECK_EQ(r.u32_min_value, 0xfffffff0U);
	CHECK_EQ(r.s32_min_value, -16);
	/* then r += 32 -> [16, 31], var_off=(0x10; 0xf): both unsigned ends wrap */
	k = known(32);
	scalar_alu(&r, &k, HIVE_ADD, false);
	CHECK_EQ(r.umin_value, 16);
	CHECK_EQ(r.umax_value, 31);
	CHECK_EQ(r.smin_value, 16);
	CHECK_EQ(r.var_off.value, 0x10);
	CHECK_EQ(r.var_off.mask, 0xf);

	/* r = -(r & 15) -> smin=smin32=-15,smax=smax32=0, unsigned unbounded */
	r = unknown();
	k = known(15);
	scalar_alu(&r, &k, HIVE_AND, false);
	scalar_alu(&r, &r, HIVE_NEG, false);
	CHECK_EQ(r.smin_value, -15);
	CHECK_EQ(r.smax_value, 0);
	CHECK_EQ(r.s32_min_value, -15);
	CHECK_EQ(r.umax_value, U64_MAX);
	CHECK(tnum_is_unknown(r.var_off));

	/* (r & 5) * ((r & 10) | 256) -> [0, 1330], var_off=(0x0; 0x53a) */
	{
		struct reg_state a = unknown(), b = unknown();

		k = known(5);
		scalar_alu(&a, &k, HIVE_AND, false);
		k = known(10);
		scalar_alu(&b, &k, HIVE_AND, false);
		k = known(256);
		scalar_alu(&b, &k, HIVE_OR, false);
		CHECK_EQ(b.umin_value, 256);
		CHECK_EQ(b.umax_value, 266);
		scalar_alu(&a, &b, HIVE_MUL, false);
		CHECK_EQ(a.umax_value, 1330);
		CHECK_EQ(a.smin_value, 0);
		CHECK_EQ(a.var_off.mask, 0x53a);
	}

	/* r & 7, "if r & 2": fallthrough (0x0; 0x5) [0,5], taken (0x2; 0x5) [2,7] */
	{
		struct reg_state t1, t2, f1, f2;

		r = unknown();
		k = known(7);
		scalar_alu(&r, &k, HIVE_AND, false);
		k = known(2);
		CHECK_EQ(scalar_branch_taken(&r, &k, HIVE_JSET, false), -1);
		t1 = f1 = r;
		t2 = f2 = k;
		regs_refine_cond_op(&f1, &f2, jmp_rev_opcode(HIVE_JSET), false);
		reg_bounds_sync(&f1);
		regs_refine_cond_op(&t1, &t2, HIVE_JSET, false);
		reg_bounds_sync(&t1);
		CHECK_EQ(f1.var_off.mask, 5);
		CHECK_EQ(f1.umax_value, 5);
		CHECK_EQ(t1.var_off.value, 2);
		CHECK_EQ(t1.umin_value, 2);
		CHECK_EQ(t1.umax_value, 7);
	}

	/* (r & 2) == 1 is never true: the tnums do not overlap */
	r = unknown();
	k = known(2);
	scalar_alu(&r, &k, HIVE_AND, false);
	k = known(1);
	CHECK_EQ(scalar_branch_taken(&r, &k, HIVE_JEQ, false), 0);

	/* w5 = w0 with r0 unknown: smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff) */
	r = unknown();
	reg_zext_32_to_64(&r);
	reg_bounds_sync(&r);
	CHECK_EQ(r.smin_value, 0);
	CHECK_EQ(r.smax_value, 0xffffffffLL);
	CHECK_EQ(r.umax_value, 0xffffffffULL);
	CHECK_EQ(r.var_off.mask, 0xffffffffULL);
	CHECK_EQ(r.s32_min_value, S32_MIN);

	/* r > 1000000 false: umax=0xf4240 and var_off=(0x0; 0xfffff) */
	{
		struct reg_state f1, f2;

		r = unknown();
		f1 = r;
		f2 = known(1000000);
		regs_refine_cond_op(&f1, &f2, HIVE_JLE, false);
		reg_bounds_sync(&f1);
		CHECK_EQ(f1.umax_value, 1000000);
		CHECK_EQ(f1.smin_value, 0);
		CHECK_EQ(f1.s32_max_value, 1000000);
		CHECK_EQ(f1.var_off.mask, 0xfffff);
	}
	CHECK(scalar_unum_decimal(65535));
	CHECK(!scalar_unum_decimal(65536));
	CHECK(scalar_snum_decimal(-32768));
	CHECK(!scalar_snum_decimal(-32769));
}
