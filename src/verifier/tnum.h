/*
 * tnum.h - tristate numbers: what the verifier knows about the bits of a
 * 64-bit value.
 *
 * A tnum is a pair (value, mask) with value & mask == 0. A bit set in mask
 * is unknown; otherwise the bit equals the corresponding bit of value. The
 * tnum stands for the set { x : x & ~mask == value }. Every operation
 * returns a tnum containing every concrete result obtainable from members of
 * its operands (soundness); the operations are those of the Linux kernel's
 * kernel/bpf/tnum.c (6.18) and give exactly the kernel's results, because
 * the verifier's verdict depends on that precision.
 *
 * Pure functions, no allocation, no state: safe to use from anywhere.
 */
#ifndef HIVE_VERIFIER_TNUM_H
#define HIVE_VERIFIER_TNUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tnum {
	uint64_t value;
	uint64_t mask;
};

#define TNUM(v, m) ((struct tnum){ .value = (v), .mask = (m) })

/* Fully unknown value. */
extern const struct tnum tnum_unknown;

/* The single value @value. */
struct tnum tnum_const(uint64_t value);
/* Smallest tnum holding every value of [min, max] (unsigned). */
struct tnum tnum_range(uint64_t min, uint64_t max);

/* Shifts by a known amount (callers keep @shift below 64). */
struct tnum tnum_lshift(struct tnum a, uint8_t shift);
struct tnum tnum_rshift(struct tnum a, uint8_t shift);
/* Arithmetic right shift of the low @insn_bitness (32 or 64) bits; a 32-bit
 * result is zero-extended. */
struct tnum tnum_arshift(struct tnum a, uint8_t min_shift, uint8_t insn_bitness);

struct tnum tnum_add(struct tnum a, struct tnum b);
struct tnum tnum_sub(struct tnum a, struct tnum b);
struct tnum tnum_neg(struct tnum a);
struct tnum tnum_and(struct tnum a, struct tnum b);
struct tnum tnum_or(struct tnum a, struct tnum b);
struct tnum tnum_xor(struct tnum a, struct tnum b);
struct tnum tnum_mul(struct tnum a, struct tnum b);

/* Values in both @a and @b (bits known in either are known). */
struct tnum tnum_intersect(struct tnum a, struct tnum b);
/* Smallest tnum containing every member of @a and of @b. */
struct tnum tnum_union(struct tnum a, struct tnum b);
/* Whether @a and @b may share a member (no known bit disagrees). */
bool tnum_overlap(struct tnum a, struct tnum b);

/* The smallest member of @a above @z: @a's minimum when @z is below it,
 * @a's maximum when @z is not below that. */
uint64_t tnum_step(struct tnum a, uint64_t z);

/* Truncate to the low @size bytes (1, 2, 4 or 8). */
struct tnum tnum_cast(struct tnum a, uint8_t size);
/* Reverse the byte order of the low @size bytes (2, 4 or 8); the bytes
 * above them become known zero. Exact: byte swapping is a bijection. */
struct tnum tnum_bswap(struct tnum a, uint8_t size);

static inline bool tnum_is_const(struct tnum a)
{
	return !a.mask;
}

static inline bool tnum_equals_const(struct tnum a, uint64_t b)
{
	return tnum_is_const(a) && a.value == b;
}

static inline bool tnum_is_unknown(struct tnum a)
{
	return !~a.mask;
}

/* Whether every member of @a is a multiple of @size (a power of two). */
bool tnum_is_aligned(struct tnum a, uint64_t size);
/* Whether every member of @b is a member of @a. */
bool tnum_in(struct tnum a, struct tnum b);

/* "(0xV; 0xM)" as the kernel's log prints it; returns snprintf's count. */
int tnum_strn(char *str, size_t size, struct tnum a);
/* 64 characters of 0/1/x, most significant first. */
int tnum_sbin(char *str, size_t size, struct tnum a);

/* Lower 32 bits, zero-extended. */
struct tnum tnum_subreg(struct tnum a);
/* Upper 32 bits kept, lower 32 bits known zero. */
struct tnum tnum_clear_subreg(struct tnum a);
/* Upper 32 bits of @reg, lower 32 bits of @subreg. */
struct tnum tnum_with_subreg(struct tnum reg, struct tnum subreg);
/* Upper 32 bits of @a, lower 32 bits the constant @value. */
struct tnum tnum_const_subreg(struct tnum a, uint32_t value);

static inline bool tnum_subreg_is_const(struct tnum a)
{
	return !(tnum_subreg(a)).mask;
}

#endif /* HIVE_VERIFIER_TNUM_H */
