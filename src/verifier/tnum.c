/*
 * tnum.c - tristate numbers (see tnum.h).
 *
 * The transfer functions follow the Linux kernel's kernel/bpf/tnum.c as of
 * 6.18 bit for bit: the add/sub carry tricks, the and/or/xor bit rules, the
 * long multiplication that unions the two outcomes of every unknown
 * multiplier bit, and the subregister helpers used for 32-bit ALU ops.
 * tests/unit/test_tnum.c checks every operation exhaustively on all tnums of
 * six bits against brute force.
 */
#include <stdio.h>

#include "verifier/tnum.h"

const struct tnum tnum_unknown = { .value = 0, .mask = ~0ULL };

/* Position (1-based) of the highest set bit, 0 for x == 0. */
static unsigned fls64(uint64_t x)
{
	return x ? 64 - (unsigned)__builtin_clzll(x) : 0;
}

struct tnum tnum_const(uint64_t value)
{
	return TNUM(value, 0);
}

struct tnum tnum_range(uint64_t min, uint64_t max)
{
	/* Bits above the highest bit where min and max differ are common to
	 * the whole range; everything below it may take any value. */
	unsigned bits = fls64(min ^ max);
	uint64_t delta;

	if (bits > 63)
		return tnum_unknown;
	delta = (1ULL << bits) - 1;
	return TNUM(min & ~delta, delta);
}

struct tnum tnum_lshift(struct tnum a, uint8_t shift)
{
	return TNUM(a.value << shift, a.mask << shift);
}

struct tnum tnum_rshift(struct tnum a, uint8_t shift)
{
	return TNUM(a.value >> shift, a.mask >> shift);
}

struct tnum tnum_arshift(struct tnum a, uint8_t min_shift, uint8_t insn_bitness)
{
	/* Shifting the value and the mask by the smallest possible amount
	 * covers larger shifts too: sign copies only ever repeat the top
	 * (known or unknown) bit. */
	if (insn_bitness == 32)
		return TNUM((uint32_t)((int32_t)(uint32_t)a.value >> min_shift),
			    (uint32_t)((int32_t)(uint32_t)a.mask >> min_shift));
	return TNUM((uint64_t)((int64_t)a.value >> min_shift),
		    (uint64_t)((int64_t)a.mask >> min_shift));
}

struct tnum tnum_add(struct tnum a, struct tnum b)
{
	/* Bits whose carry-in can differ are those where the sum with all
	 * unknown bits at 1 differs from the sum with all unknown bits at 0. */
	uint64_t sm = a.mask + b.mask;
	uint64_t sv = a.value + b.value;
	uint64_t sigma = sm + sv;
	uint64_t chi = sigma ^ sv;
	uint64_t mu = chi | a.mask | b.mask;

	return TNUM(sv & ~mu, mu);
}

struct tnum tnum_sub(struct tnum a, struct tnum b)
{
	/* Same idea with the extreme minuend and subtrahend. */
	uint64_t dv = a.value - b.value;
	uint64_t alpha = dv + a.mask;
	uint64_t beta = dv - b.mask;
	uint64_t chi = alpha ^ beta;
	uint64_t mu = chi | a.mask | b.mask;

	return TNUM(dv & ~mu, mu);
}

struct tnum tnum_neg(struct tnum a)
{
	return tnum_sub(TNUM(0, 0), a);
}

struct tnum tnum_and(struct tnum a, struct tnum b)
{
	uint64_t alpha = a.value | a.mask; /* bits possibly 1 in a */
	uint64_t beta = b.value | b.mask;  /* bits possibly 1 in b */
	uint64_t v = a.value & b.value;    /* bits surely 1 in both */

	return TNUM(v, alpha & beta & ~v);
}

struct tnum tnum_or(struct tnum a, struct tnum b)
{
	uint64_t v = a.value | b.value;
	uint64_t mu = a.mask | b.mask;

	return TNUM(v, mu & ~v);
}

struct tnum tnum_xor(struct tnum a, struct tnum b)
{
	uint64_t v = a.value ^ b.value;
	uint64_t mu = a.mask | b.mask;

	return TNUM(v & ~mu, mu);
}

struct tnum tnum_mul(struct tnum a, struct tnum b)
{
	/* Long multiplication over the bits of a, lowest first: a known 1
	 * adds the (shifted) b, an unknown bit takes the union of adding and
	 * not adding it, a known 0 adds nothing. */
	struct tnum acc = TNUM(0, 0);

	while (a.value || a.mask) {
		if (a.value & 1)
			acc = tnum_add(acc, b);
		else if (a.mask & 1)
			acc = tnum_union(acc, tnum_add(acc, b));
		a = tnum_rshift(a, 1);
		b = tnum_lshift(b, 1);
	}
	return acc;
}

bool tnum_overlap(struct tnum a, struct tnum b)
{
	uint64_t known = ~a.mask & ~b.mask;

	return (a.value & known) == (b.value & known);
}

struct tnum tnum_intersect(struct tnum a, struct tnum b)
{
	/* Where the two disagree on a known bit the result says 1: callers
	 * only intersect views of the same value. */
	uint64_t v = a.value | b.value;
	uint64_t mu = a.mask & b.mask;

	return TNUM(v & ~mu, mu);
}

struct tnum tnum_union(struct tnum a, struct tnum b)
{
	uint64_t v = a.value & b.value;
	uint64_t mu = (a.value ^ b.value) | a.mask | b.mask;

	return TNUM(v & ~mu, mu);
}

struct tnum tnum_cast(struct tnum a, uint8_t size)
{
	uint64_t keep = size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;

	a.value &= keep;
	a.mask &= keep;
	return a;
}

/*
 * Members are value | s for the subsets s of mask, ordered like s. Starting
 * from y = z + 1, find the highest bit where y disagrees with a known bit:
 * a known 1 where y has 0 makes (y above that bit, value below) the answer;
 * a known 0 where y has 1 needs the next subset of the free bits above it.
 */
uint64_t tnum_step(struct tnum a, uint64_t z)
{
	uint64_t tmax = a.value | a.mask, y, bad0, bad1, low, s;
	int p;

	if (z >= tmax)
		return tmax;
	if (z < a.value)
		return a.value;
	y = z + 1;
	bad1 = y & ~a.value & ~a.mask;
	bad0 = ~y & a.value;
	if (!(bad1 | bad0))
		return y;
	p = 63 - __builtin_clzll(bad1 | bad0);
	low = p == 63 ? ~0ULL : (1ULL << (p + 1)) - 1;
	if ((bad0 >> p) & 1)
		return (y & ~low) | (a.value & low);
	s = y & a.mask & ~low;
	s = ((s | ~a.mask | low) + 1) & a.mask & ~low;
	return a.value | s;
}

static uint64_t bswap_low(uint64_t v, uint8_t size)
{
	uint64_t r = 0;
	uint8_t i;

	for (i = 0; i < size; i++)
		r |= ((v >> (8 * i)) & 0xff) << (8 * (size - 1 - i));
	return r;
}

struct tnum tnum_bswap(struct tnum a, uint8_t size)
{
	return TNUM(bswap_low(a.value, size), bswap_low(a.mask, size));
}

bool tnum_is_aligned(struct tnum a, uint64_t size)
{
	if (!size)
		return true;
	return !((a.value | a.mask) & (size - 1));
}

bool tnum_in(struct tnum a, struct tnum b)
{
	if (b.mask & ~a.mask)
		return false;
	b.value &= ~a.mask;
	return a.value == b.value;
}

int tnum_strn(char *str, size_t size, struct tnum a)
{
	/* As Linux 6.18 prints it: a constant as a plain number, otherwise
	 * "(%#llx; %#llx)" where the kernel's %#llx prints 0 as "0x0". */
	if (tnum_is_const(a))
		return snprintf(str, size, "%lld", (long long)a.value);
	return snprintf(str, size, "(0x%llx; 0x%llx)", (unsigned long long)a.value,
			(unsigned long long)a.mask);
}

int tnum_sbin(char *str, size_t size, struct tnum a)
{
	size_t n;

	if (!size)
		return 64;
	for (n = 64; n; n--) {
		if (n < size)
			str[n - 1] = (a.mask & 1) ? 'x' : (a.value & 1) ? '1' : '0';
		a.mask >>= 1;
		a.value >>= 1;
	}
	str[size - 1 < 64 ? size - 1 : 64] = 0;
	return 64;
}

struct tnum tnum_subreg(struct tnum a)
{
	return tnum_cast(a, 4);
}

struct tnum tnum_clear_subreg(struct tnum a)
{
	return tnum_lshift(tnum_rshift(a, 32), 32);
}

struct tnum tnum_with_subreg(struct tnum reg, struct tnum subreg)
{
	return tnum_or(tnum_clear_subreg(reg), tnum_subreg(subreg));
}

struct tnum tnum_const_subreg(struct tnum a, uint32_t value)
{
	return tnum_with_subreg(a, tnum_const(value));
}
