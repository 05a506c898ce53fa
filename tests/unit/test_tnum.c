/*
 * test_tnum.c - tristate numbers, exhaustively on six-bit values.
 *
 * Every tnum whose value and mask live in the low six bits (3^6 = 729 of
 * them) is paired with every other; each binary operation's result must
 * contain the result of every pair of concrete members (soundness), and for
 * the operations the kernel computes optimally (add, sub, and, or, xor,
 * union, intersect, shifts, cast) it must equal the smallest tnum holding
 * them. Multiplication is only sound in general; its exact kernel outputs
 * are pinned on cases observed on Linux 6.18.
 */
#include "harness.h"
#include "verifier/tnum.h"

#define BITS 6
#define LOW ((1ULL << BITS) - 1)
#define NT 729 /* 3^BITS */

static struct tnum all[NT];
static uint8_t members[NT][1 << BITS];
static int nmembers[NT];

static void build(void)
{
	int i, b;

	for (i = 0; i < NT; i++) {
		uint64_t v = 0, m = 0, x;
		int d = i;

		for (b = 0; b < BITS; b++, d /= 3) {
			if (d % 3 == 1)
				v |= 1ULL << b;
			else if (d % 3 == 2)
				m |= 1ULL << b;
		}
		all[i] = TNUM(v, m);
		nmembers[i] = 0;
		/* enumerate submasks of m */
		x = 0;
		do {
			members[i][nmembers[i]++] = (uint8_t)(v | x);
			x = (x - m) & m;
		} while (x);
	}
}

static int contains(struct tnum t, uint64_t x)
{
	return (x & ~t.mask) == t.value;
}

/* Smallest tnum (on the low six bits) holding every value in the set. */
struct join {
	uint64_t and_all, or_all;
	int any;
};

static void join_add(struct join *j, uint64_t x)
{
	if (!j->any) {
		j->and_all = j->or_all = x;
		j->any = 1;
	} else {
		j->and_all &= x;
		j->or_all |= x;
	}
}

static struct tnum join_tnum(const struct join *j)
{
	return TNUM(j->and_all & LOW, (j->and_all ^ j->or_all) & LOW);
}

static struct tnum low(struct tnum t)
{
	return TNUM(t.value & LOW, t.mask & LOW);
}

enum binop { OP_ADD, OP_SUB, OP_AND, OP_OR, OP_XOR, OP_MUL };

static uint64_t concrete(enum binop op, uint64_t a, uint64_t b)
{
	switch (op) {
	case OP_ADD: return a + b;
	case OP_SUB: return a - b;
	case OP_AND: return a & b;
	case OP_OR:  return a | b;
	case OP_XOR: return a ^ b;
	default:     return a * b;
	}
}

static struct tnum abstract(enum binop op, struct tnum a, struct tnum b)
{
	switch (op) {
	case OP_ADD: return tnum_add(a, b);
	case OP_SUB: return tnum_sub(a, b);
	case OP_AND: return tnum_and(a, b);
	case OP_OR:  return tnum_or(a, b);
	case OP_XOR: return tnum_xor(a, b);
	default:     return tnum_mul(a, b);
	}
}

/* Returns the number of pairs where the result was not optimal. */
static long check_binop(enum binop op, int want_optimal)
{
	long unsound = 0, imprecise = 0;
	int i, j, x, y;

	for (i = 0; i < NT; i++) {
		for (j = 0; j < NT; j++) {
			struct tnum r = abstract(op, all[i], all[j]);
			struct join jn = { 0, 0, 0 };

			for (x = 0; x < nmembers[i]; x++) {
				for (y = 0; y < nmembers[j]; y++) {
					uint64_t c = concrete(op, members[i][x], members[j][y]) & LOW;

					join_add(&jn, c);
					if (!contains(low(r), c))
						unsound++;
				}
			}
			if (want_optimal) {
				struct tnum best = join_tnum(&jn), got = low(r);

				if (best.value != got.value || best.mask != got.mask)
					imprecise++;
			}
		}
	}
	CHECK_EQ(unsound, 0);
	return imprecise;
}

TEST(tnum_add_sub_exhaustive)
{
	build();
	CHECK_EQ(check_binop(OP_ADD, 1), 0);
	CHECK_EQ(check_binop(OP_SUB, 1), 0);
}

TEST(tnum_bitwise_exhaustive)
{
	build();
	CHECK_EQ(check_binop(OP_AND, 1), 0);
	CHECK_EQ(check_binop(OP_OR, 1), 0);
	CHECK_EQ(check_binop(OP_XOR, 1), 0);
}

TEST(tnum_mul_sound_exhaustive)
{
	build();
	check_binop(OP_MUL, 0);
}

TEST(tnum_mul_kernel_cases)
{
	/* Observed on Linux 6.18: r3 = (0;0x5) * (0x100;0xa) -> (0x0; 0x53a). */
	struct tnum r = tnum_mul(TNUM(0, 5), TNUM(0x100, 0xa));

	CHECK_EQ(r.value, 0);
	CHECK_EQ(r.mask, 0x53a);
	/* Constants multiply exactly. */
	r = tnum_mul(tnum_const(7), tnum_const(9));
	CHECK(tnum_equals_const(r, 63));
	/* Multiplying by a known 0 is 0. */
	r = tnum_mul(tnum_unknown, tnum_const(0));
	CHECK(tnum_equals_const(r, 0));
	/* 11 * x1 = x0x1 (the example of the kernel's comment). */
	r = tnum_mul(TNUM(1, 2), tnum_const(3));
	CHECK_EQ(r.value & 0xf, 1);
	CHECK_EQ(r.mask & 0xf, 0xa);
}

TEST(tnum_neg_exhaustive)
{
	int i, x;

	build();
	for (i = 0; i < NT; i++) {
		struct tnum r = low(tnum_neg(all[i]));
		struct join jn = { 0, 0, 0 };

		for (x = 0; x < nmembers[i]; x++) {
			uint64_t c = (0 - (uint64_t)members[i][x]) & LOW;

			CHECK(contains(r, c));
			join_add(&jn, c);
		}
		CHECK_EQ(join_tnum(&jn).mask, r.mask);
	}
}

TEST(tnum_shifts_exhaustive)
{
	int i, x, s;

	build();
	for (i = 0; i < NT; i++) {
		for (s = 0; s < BITS; s++) {
			struct tnum l = low(tnum_lshift(all[i], (uint8_t)s));
			struct tnum r = tnum_rshift(all[i], (uint8_t)s);
			struct join jl = { 0, 0, 0 }, jr = { 0, 0, 0 };

			for (x = 0; x < nmembers[i]; x++) {
				join_add(&jl, ((uint64_t)members[i][x] << s) & LOW);
				join_add(&jr, (uint64_t)members[i][x] >> s);
			}
			CHECK(join_tnum(&jl).value == l.value && join_tnum(&jl).mask == l.mask);
			CHECK(join_tnum(&jr).value == r.value && join_tnum(&jr).mask == r.mask);
		}
	}
}

/* Sign-extend a six-bit tnum to 64 (or 32) bits: an unknown sign bit makes
 * every higher bit unknown. */
static struct tnum sext(struct tnum t, int width)
{
	uint64_t hi = (width == 64 ? ~0ULL : 0xffffffffULL) & ~LOW;

	if (t.mask & (1ULL << (BITS - 1)))
		t.mask |= hi;
	else if (t.value & (1ULL << (BITS - 1)))
		t.value |= hi;
	return t;
}

TEST(tnum_arshift_exhaustive)
{
	int i, x, s;

	build();
	for (i = 0; i < NT; i++) {
		for (s = 0; s < BITS; s++) {
			struct tnum a64 = sext(all[i], 64), a32 = sext(all[i], 32);
			struct tnum r64 = tnum_arshift(a64, (uint8_t)s, 64);
			struct tnum r32 = tnum_arshift(a32, (uint8_t)s, 32);

			CHECK_EQ(r32.value >> 32, 0);
			CHECK_EQ(r32.mask >> 32, 0);
			for (x = 0; x < nmembers[i]; x++) {
				int64_t v = (int64_t)((uint64_t)members[i][x] << 58) >> 58;

				CHECK(contains(r64, (uint64_t)(v >> s)));
				CHECK(contains(r32, (uint32_t)((int32_t)v >> s)));
			}
		}
	}
}

TEST(tnum_intersect_union_overlap_in)
{
	int i, j, x, y;

	build();
	for (i = 0; i < NT; i++) {
		for (j = 0; j < NT; j++) {
			struct join common = { 0, 0, 0 }, both = { 0, 0, 0 };
			struct tnum u = tnum_union(all[i], all[j]);
			int subset = 1;

			for (x = 0; x < nmembers[i]; x++) {
				join_add(&both, members[i][x]);
				if (contains(all[j], members[i][x]))
					join_add(&common, members[i][x]);
			}
			for (y = 0; y < nmembers[j]; y++) {
				join_add(&both, members[j][y]);
				if (!contains(all[i], members[j][y]))
					subset = 0;
			}
			CHECK(join_tnum(&both).value == u.value && join_tnum(&both).mask == u.mask);
			CHECK_EQ(tnum_overlap(all[i], all[j]), common.any);
			if (common.any) {
				struct tnum in = tnum_intersect(all[i], all[j]);

				CHECK(join_tnum(&common).value == in.value &&
				      join_tnum(&common).mask == in.mask);
			}
			CHECK_EQ(tnum_in(all[i], all[j]), subset);
		}
	}
}

TEST(tnum_range_cast_aligned)
{
	uint64_t lo, hi, x;
	int i;

	for (lo = 0; lo <= LOW; lo++) {
		for (hi = lo; hi <= LOW; hi++) {
			struct tnum r = tnum_range(lo, hi);

			for (x = lo; x <= hi; x++)
				CHECK(contains(r, x));
			/* The unknown part is a run of low bits, as short as possible. */
			CHECK_EQ(r.mask & (r.mask + 1), 0);
			CHECK(r.mask == 0 || (lo & ~(r.mask >> 1)) != (hi & ~(r.mask >> 1)));
		}
	}
	CHECK(tnum_is_unknown(tnum_range(0, ~0ULL)));
	CHECK(!tnum_is_unknown(tnum_range(1ULL << 63, (1ULL << 63) + 5)));
	CHECK(tnum_is_unknown(tnum_range(0, 1ULL << 63)));

	build();
	for (i = 0; i < NT; i++) {
		struct tnum c = tnum_cast(all[i], 1);
		uint64_t sz;

		CHECK(c.value == all[i].value && c.mask == all[i].mask);
		c = tnum_cast(TNUM(all[i].value << 60, all[i].mask << 60), 4);
		CHECK(c.value == 0 && c.mask == 0);
		for (sz = 1; sz <= 32; sz <<= 1) {
			int aligned = 1;

			for (x = 0; x < (uint64_t)nmembers[i]; x++)
				if (members[i][x] & (sz - 1))
					aligned = 0;
			CHECK_EQ(tnum_is_aligned(all[i], sz), aligned);
		}
	}
}

/*
 * Byte swaps are bijections on bit positions: each six-bit tnum placed in
 * every byte lane must come out, bit for bit, in the mirrored lane, with
 * every byte above the swapped width known zero.
 */
TEST(tnum_bswap_lanes)
{
	static const uint8_t sizes[] = { 2, 4, 8 };
	int i, s, lane;

	build();
	for (i = 0; i < NT; i++) {
		for (s = 0; s < 3; s++) {
			uint8_t sz = sizes[s];

			for (lane = 0; lane < 8; lane++) {
				struct tnum in = TNUM(all[i].value << (8 * lane),
						      all[i].mask << (8 * lane));
				struct tnum out = tnum_bswap(in, sz);
				int to = sz - 1 - lane;

				if (lane >= sz) {
					CHECK(out.value == 0 && out.mask == 0);
					continue;
				}
				CHECK_EQ(out.value, all[i].value << (8 * to));
				CHECK_EQ(out.mask, all[i].mask << (8 * to));
			}
		}
	}
	/* the kernel's results on Linux 6.18 (be16/bswap32 of a masked value) */
	CHECK_EQ(tnum_bswap(TNUM(0xb, 0xfff0), 2).value, 0xb00);
	CHECK_EQ(tnum_bswap(TNUM(0xb, 0xfff0), 2).mask, 0xf0ff);
	CHECK_EQ(tnum_bswap(TNUM(0xb, 0xfffffff0), 4).mask, 0xf0ffffff);
}

/* tnum_step: the next member above z, for every six-bit tnum and z. */
TEST(tnum_step_exhaustive)
{
	uint64_t z, want, x;
	int i;

	build();
	for (i = 0; i < NT; i++) {
		uint64_t tmax = all[i].value | all[i].mask;

		for (z = 0; z <= LOW + 1; z++) {
			want = tmax;
			if (z < all[i].value) {
				want = all[i].value;
			} else if (z < tmax) {
				for (x = z + 1; x <= tmax; x++)
					if (contains(all[i], x))
						break;
				want = x;
			}
			CHECK_EQ(tnum_step(all[i], z), want);
		}
	}
	/* high bits and the ends of the range */
	CHECK_EQ(tnum_step(TNUM(0, ~0ULL), ~0ULL - 1), ~0ULL);
	CHECK_EQ(tnum_step(TNUM(1ULL << 63, 1), 5), 1ULL << 63);
	CHECK_EQ(tnum_step(TNUM(0x8, 0xfffffffffffffff0ULL), 0x18), 0x28);
}

TEST(tnum_subreg_and_print)
{
	struct tnum a = TNUM(0x12300000000000ULL, 0xff000000ffULL);
	char buf[48], bin[65];

	CHECK_EQ(tnum_subreg(a).value, 0);
	CHECK_EQ(tnum_subreg(a).mask, 0xff);
	CHECK_EQ(tnum_clear_subreg(a).mask, 0xff00000000ULL);
	CHECK_EQ(tnum_const_subreg(a, 7).value, 0x12300000000007ULL);
	CHECK_EQ(tnum_const_subreg(a, 7).mask, 0xff00000000ULL);
	CHECK(tnum_subreg_is_const(TNUM(0, 0xff00000000ULL)));
	tnum_strn(buf, sizeof(buf), TNUM(0, 0xff));
	CHECK_STR(buf, "(0x0; 0xff)");
	tnum_sbin(bin, sizeof(bin), TNUM(5, 2));
	CHECK_STR(bin + 60, "01x1");
}
