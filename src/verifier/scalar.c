/*
 * scalar.c - bounds of scalar registers (see scalar.h).
 *
 * A scalar is described five ways at once: a tnum and the signed/unsigned
 * 64-bit and 32-bit intervals. Each view can sharpen the others, which is
 * what reg_bounds_sync does (bounds from the tnum, cross-deduction between
 * the four intervals, tnum from the intervals). The functions reproduce the
 * Linux 6.18 verifier (__update_reg_bounds, __reg_deduce_bounds,
 * __reg_bound_offset, scalar*_min_max_* and the branch helpers) step for
 * step: a sharper or blunter result than the kernel's would flip verdicts.
 */
#include <stddef.h>
#include <string.h>

#include "verifier/scalar.h"
#include "isa/isa.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* ---- known values and unbounded marks --------------------------------- */

void reg_set_known(struct reg_state *reg, uint64_t imm)
{
	reg->var_off = tnum_const(imm);
	reg->smin_value = (int64_t)imm;
	reg->smax_value = (int64_t)imm;
	reg->umin_value = imm;
	reg->umax_value = imm;
	reg->s32_min_value = (int32_t)imm;
	reg->s32_max_value = (int32_t)imm;
	reg->u32_min_value = (uint32_t)imm;
	reg->u32_max_value = (uint32_t)imm;
}

void reg_mark_known(struct reg_state *reg, uint64_t imm)
{
	/* Forget the offset and the type-specific payload, keep the type. */
	reg->off = 0;
	memset(&reg->map_ptr, 0, offsetof(struct reg_state, var_off) -
				 offsetof(struct reg_state, map_ptr));
	reg->id = 0;
	reg->ref_obj_id = 0;
	reg_set_known(reg, imm);
}

void reg_mark32_known(struct reg_state *reg, uint64_t imm)
{
	reg->var_off = tnum_const_subreg(reg->var_off, (uint32_t)imm);
	reg->s32_min_value = (int32_t)imm;
	reg->s32_max_value = (int32_t)imm;
	reg->u32_min_value = (uint32_t)imm;
	reg->u32_max_value = (uint32_t)imm;
}

void reg_mark64_unbounded(struct reg_state *reg)
{
	reg->smin_value = S64_MIN;
	reg->smax_value = S64_MAX;
	reg->umin_value = 0;
	reg->umax_value = U64_MAX;
}

void reg_mark32_unbounded(struct reg_state *reg)
{
	reg->s32_min_value = S32_MIN;
	reg->s32_max_value = S32_MAX;
	reg->u32_min_value = 0;
	reg->u32_max_value = U32_MAX;
}

void reg_mark_unbounded(struct reg_state *reg)
{
	reg_mark64_unbounded(reg);
	reg_mark32_unbounded(reg);
}

void reg_mark_unknown_scalar(struct reg_state *reg, bool precise)
{
	int32_t subreg_def = reg->subreg_def;

	*reg = (struct reg_state){ 0 };
	reg->subreg_def = subreg_def;
	reg->type = SCALAR_VALUE;
	reg->var_off = tnum_unknown;
	reg->precise = precise;
	reg_mark_unbounded(reg);
}

/* ---- synchronising the five views ------------------------------------- */

void reg_update32_bounds(struct reg_state *reg)
{
	struct tnum t = tnum_subreg(reg->var_off);

	/* smallest signed: sign bit set if it may be, other bits minimal */
	reg->s32_min_value = MAX(reg->s32_min_value,
				 (int32_t)(uint32_t)(t.value | (t.mask & 0x80000000U)));
	/* largest signed: sign bit clear if it may be, other bits maximal */
	reg->s32_max_value = MIN(reg->s32_max_value,
				 (int32_t)(uint32_t)(t.value | (t.mask & 0x7fffffffU)));
	reg->u32_min_value = MAX(reg->u32_min_value, (uint32_t)t.value);
	reg->u32_max_value = MIN(reg->u32_max_value, (uint32_t)(t.value | t.mask));
}

void reg_update64_bounds(struct reg_state *reg)
{
	struct tnum t = reg->var_off;
	uint64_t next, tmax = t.value | t.mask;
	bool umin_in;

	reg->smin_value = MAX(reg->smin_value, (int64_t)(t.value | (t.mask & (1ULL << 63))));
	reg->smax_value = MIN(reg->smax_value, (int64_t)(t.value | (t.mask & ~(1ULL << 63))));
	reg->umin_value = MAX(reg->umin_value, t.value);
	reg->umax_value = MIN(reg->umax_value, tmax);

	/* Linux 6.18 stable: when the u64 range and the tnum share a single
	 * value, the register is that constant */
	next = tnum_step(t, reg->umin_value);
	umin_in = (reg->umin_value & ~t.mask) == t.value;
	if (umin_in && next > reg->umax_value)
		reg_set_known(reg, reg->umin_value);          /* only umin */
	else if (!umin_in && next == tmax)
		reg_set_known(reg, tmax);                     /* only the tnum's maximum */
	else if (!umin_in && next <= reg->umax_value && tnum_step(t, next) > reg->umax_value)
		reg_set_known(reg, next);                     /* one member inside */
}

void reg_update_bounds(struct reg_state *reg)
{
	reg_update32_bounds(reg);
	reg_update64_bounds(reg);
}

/* 32-bit bounds from the 64-bit ones and from each other. */
static void reg32_deduce_bounds(struct reg_state *reg)
{
	/* Same upper halves: the low halves of the 64-bit bounds form a
	 * valid 32-bit range. */
	if ((reg->umin_value >> 32) == (reg->umax_value >> 32)) {
		reg->u32_min_value = MAX(reg->u32_min_value, (uint32_t)reg->umin_value);
		reg->u32_max_value = MIN(reg->u32_max_value, (uint32_t)reg->umax_value);
		if ((int32_t)reg->umin_value <= (int32_t)reg->umax_value) {
			reg->s32_min_value = MAX(reg->s32_min_value, (int32_t)reg->umin_value);
			reg->s32_max_value = MIN(reg->s32_max_value, (int32_t)reg->umax_value);
		}
	}
	if ((reg->smin_value >> 32) == (reg->smax_value >> 32)) {
		if ((uint32_t)reg->smin_value <= (uint32_t)reg->smax_value) {
			reg->u32_min_value = MAX(reg->u32_min_value, (uint32_t)reg->smin_value);
			reg->u32_max_value = MIN(reg->u32_max_value, (uint32_t)reg->smax_value);
		}
		if ((int32_t)reg->smin_value <= (int32_t)reg->smax_value) {
			reg->s32_min_value = MAX(reg->s32_min_value, (int32_t)reg->smin_value);
			reg->s32_max_value = MIN(reg->s32_max_value, (int32_t)reg->smax_value);
		}
	}
	/* Upper halves two consecutive numbers while the low halves go from
	 * negative to non-negative: still one s32 range. */
	if ((uint32_t)(reg->umin_value >> 32) + 1 == (uint32_t)(reg->umax_value >> 32) &&
	    (int32_t)reg->umin_value < 0 && (int32_t)reg->umax_value >= 0) {
		reg->s32_min_value = MAX(reg->s32_min_value, (int32_t)reg->umin_value);
		reg->s32_max_value = MIN(reg->s32_max_value, (int32_t)reg->umax_value);
	}
	if ((uint32_t)((uint64_t)reg->smin_value >> 32) + 1 ==
		    (uint32_t)((uint64_t)reg->smax_value >> 32) &&
	    (int32_t)reg->smin_value < 0 && (int32_t)reg->smax_value >= 0) {
		reg->s32_min_value = MAX(reg->s32_min_value, (int32_t)reg->smin_value);
		reg->s32_max_value = MIN(reg->s32_max_value, (int32_t)reg->smax_value);
	}
	/* u32 range not crossing the sign bit is also an s32 range. */
	if ((int32_t)reg->u32_min_value <= (int32_t)reg->u32_max_value) {
		reg->s32_min_value = MAX(reg->s32_min_value, (int32_t)reg->u32_min_value);
		reg->s32_max_value = MIN(reg->s32_max_value, (int32_t)reg->u32_max_value);
	}
	/* s32 range not crossing the sign boundary is also a u32 range. */
	if ((uint32_t)reg->s32_min_value <= (uint32_t)reg->s32_max_value) {
		reg->u32_min_value = MAX(reg->u32_min_value, (uint32_t)reg->s32_min_value);
		reg->u32_max_value = MIN(reg->u32_max_value, (uint32_t)reg->s32_max_value);
	} else if (reg->u32_max_value < (uint32_t)reg->s32_min_value) {
		/* as in 64 bits (Linux 6.18 stable): the u32 range meets only
		 * the non-negative part of the s32 range */
		reg->s32_min_value = (int32_t)reg->u32_min_value;
		reg->u32_max_value = MIN(reg->u32_max_value, (uint32_t)reg->s32_max_value);
	} else if ((uint32_t)reg->s32_max_value < reg->u32_min_value) {
		/* ... or only its negative part */
		reg->s32_max_value = (int32_t)reg->u32_max_value;
		reg->u32_min_value = MAX(reg->u32_min_value, (uint32_t)reg->s32_min_value);
	}
}

static void reg64_deduce_bounds(struct reg_state *reg)
{
	/* u64 range not crossing the sign bit is also an s64 range. */
	if ((int64_t)reg->umin_value <= (int64_t)reg->umax_value) {
		reg->smin_value = MAX(reg->smin_value, (int64_t)reg->umin_value);
		reg->smax_value = MIN(reg->smax_value, (int64_t)reg->umax_value);
	}
	if ((uint64_t)reg->smin_value <= (uint64_t)reg->smax_value) {
		/* s64 range not crossing the sign boundary is a u64 range. */
		reg->umin_value = MAX(reg->umin_value, (uint64_t)reg->smin_value);
		reg->umax_value = MIN(reg->umax_value, (uint64_t)reg->smax_value);
	} else {
		/* The s64 range wraps around the u64 domain's ends: if the u64
		 * range meets only one of its two parts, both tighten. */
		if (reg->umax_value < (uint64_t)reg->smin_value) {
			/* only the non-negative part */
			reg->smin_value = (int64_t)reg->umin_value;
			reg->umax_value = MIN(reg->umax_value, (uint64_t)reg->smax_value);
		} else if ((uint64_t)reg->smax_value < reg->umin_value) {
			/* only the negative part */
			reg->smax_value = (int64_t)reg->umax_value;
			reg->umin_value = MAX(reg->umin_value, (uint64_t)reg->smin_value);
		}
	}
}

/* 64-bit bounds from the 32-bit ones. */
static void reg_deduce_mixed_bounds(struct reg_state *reg)
{
	uint64_t new_umin, new_umax;
	int64_t new_smin, new_smax;

	/* Substitute the u32 bounds as the low halves of the u64 bounds. */
	new_umin = (reg->umin_value & ~0xffffffffULL) | reg->u32_min_value;
	new_umax = (reg->umax_value & ~0xffffffffULL) | reg->u32_max_value;
	reg->umin_value = MAX(reg->umin_value, new_umin);
	reg->umax_value = MIN(reg->umax_value, new_umax);
	/* ... and of the s64 bounds. */
	new_smin = (int64_t)(((uint64_t)reg->smin_value & ~0xffffffffULL) | reg->u32_min_value);
	new_smax = (int64_t)(((uint64_t)reg->smax_value & ~0xffffffffULL) | reg->u32_max_value);
	reg->smin_value = MAX(reg->smin_value, new_smin);
	reg->smax_value = MIN(reg->smax_value, new_smax);

	/* A non-negative s32 range inside the s32-sized s64 range (e.g. after
	 * a sign-extending load) fixes all 64-bit bounds. */
	if (reg->s32_min_value >= 0 && reg->smin_value >= S32_MIN &&
	    reg->smax_value <= S32_MAX) {
		reg->smin_value = reg->s32_min_value;
		reg->smax_value = reg->s32_max_value;
		reg->umin_value = (uint64_t)reg->s32_min_value;
		reg->umax_value = (uint64_t)reg->s32_max_value;
		reg->var_off = tnum_intersect(reg->var_off,
					      tnum_range((uint64_t)reg->smin_value,
							 (uint64_t)reg->smax_value));
	}
}

void reg_deduce_bounds(struct reg_state *reg)
{
	reg32_deduce_bounds(reg);
	reg64_deduce_bounds(reg);
	reg_deduce_mixed_bounds(reg);
}

void reg_bound_offset(struct reg_state *reg)
{
	struct tnum var64 = tnum_intersect(reg->var_off,
					   tnum_range(reg->umin_value, reg->umax_value));
	struct tnum var32 = tnum_intersect(tnum_subreg(var64),
					   tnum_range(reg->u32_min_value, reg->u32_max_value));

	reg->var_off = tnum_or(tnum_clear_subreg(var64), var32);
}

void reg_bounds_sync(struct reg_state *reg)
{
	reg_update_bounds(reg);       /* bounds from the tnum */
	reg_deduce_bounds(reg);       /* across the four intervals, three times */
	reg_deduce_bounds(reg);
	reg_deduce_bounds(reg);
	reg_bound_offset(reg);        /* tnum from the intervals */
	reg_update_bounds(reg);       /* and what the sharper tnum gives back */
}

bool reg_bounds_consistent(const struct reg_state *reg)
{
	if (reg->umin_value > reg->umax_value || reg->smin_value > reg->smax_value ||
	    reg->u32_min_value > reg->u32_max_value || reg->s32_min_value > reg->s32_max_value)
		return false;
	if (tnum_is_const(reg->var_off)) {
		uint64_t u = reg->var_off.value;

		if (reg->umin_value != u || reg->umax_value != u ||
		    reg->smin_value != (int64_t)u || reg->smax_value != (int64_t)u)
			return false;
	}
	if (tnum_subreg_is_const(reg->var_off)) {
		uint32_t u = (uint32_t)reg->var_off.value;

		if (reg->u32_min_value != u || reg->u32_max_value != u ||
		    reg->s32_min_value != (int32_t)u || reg->s32_max_value != (int32_t)u)
			return false;
	}
	return true;
}

/* ---- width changes ----------------------------------------------------- */

static bool reg32_bound_s64(int32_t a)
{
	return a >= 0;
}

static void reg_assign_32_into_64(struct reg_state *reg)
{
	reg->umin_value = reg->u32_min_value;
	reg->umax_value = reg->u32_max_value;
	/* Non-negative s32 bounds carry over; otherwise the zero-extended
	 * value is somewhere in [0, U32_MAX] and the tnum will tell. */
	if (reg32_bound_s64(reg->s32_min_value) && reg32_bound_s64(reg->s32_max_value)) {
		reg->smin_value = reg->s32_min_value;
		reg->smax_value = reg->s32_max_value;
	} else {
		reg->smin_value = 0;
		reg->smax_value = U32_MAX;
	}
}

void reg_zext_32_to_64(struct reg_state *reg)
{
	reg->var_off = tnum_subreg(reg->var_off);
	reg_assign_32_into_64(reg);
}

void reg_coerce_to_size(struct reg_state *reg, int size)
{
	uint64_t mask = (1ULL << (size * 8)) - 1;

	reg->var_off = tnum_cast(reg->var_off, (uint8_t)size);
	if ((reg->umin_value & ~mask) == (reg->umax_value & ~mask)) {
		reg->umin_value &= mask;
		reg->umax_value &= mask;
	} else {
		reg->umin_value = 0;
		reg->umax_value = mask;
	}
	reg->smin_value = (int64_t)reg->umin_value;
	reg->smax_value = (int64_t)reg->umax_value;
	/* below 32 bits the subregister was truncated too */
	if (size < 4)
		reg_mark32_unbounded(reg);
	reg_bounds_sync(reg);
}

static int64_t sext_low(uint64_t v, int size)
{
	if (size == 1)
		return (int8_t)v;
	if (size == 2)
		return (int16_t)v;
	return (int32_t)v;
}

static void set_sext64_default(struct reg_state *reg, int size)
{
	int64_t lo = size == 1 ? -128 : size == 2 ? -32768 : S32_MIN;
	int64_t hi = size == 1 ? 127 : size == 2 ? 32767 : S32_MAX;

	reg->smin_value = lo;
	reg->s32_min_value = (int32_t)lo;
	reg->smax_value = hi;
	reg->s32_max_value = (int32_t)hi;
	reg->umin_value = 0;
	reg->u32_min_value = 0;
	reg->umax_value = U64_MAX;
	reg->u32_max_value = U32_MAX;
	reg->var_off = tnum_unknown;
}

void reg_coerce_to_size_sx(struct reg_state *reg, int size)
{
	unsigned bits = (unsigned)size * 8;
	int64_t a, b, smax, smin, lo, hi;
	uint64_t c;

	if (tnum_is_const(reg->var_off)) {
		c = (uint64_t)sext_low(reg->var_off.value, size);
		reg->var_off = tnum_const(c);
		reg->smin_value = reg->smax_value = (int64_t)c;
		reg->umin_value = reg->umax_value = c;
		reg->s32_min_value = reg->s32_max_value = (int32_t)c;
		reg->u32_min_value = reg->u32_max_value = (uint32_t)c;
		return;
	}
	/* Bits above the extended width must agree between smin and smax. */
	if (((uint64_t)reg->smax_value >> bits) != ((uint64_t)reg->smin_value >> bits))
		goto out;
	a = sext_low((uint64_t)reg->smax_value, size);
	b = sext_low((uint64_t)reg->smin_value, size);
	smax = MAX(a, b);
	smin = MIN(a, b);
	/* Both ends on the same side of zero: a valid range after extension. */
	if ((smax >= 0) == (smin >= 0)) {
		reg->smin_value = smin;
		reg->s32_min_value = (int32_t)smin;
		reg->smax_value = smax;
		reg->s32_max_value = (int32_t)smax;
		reg->umin_value = (uint64_t)smin;
		reg->u32_min_value = (uint32_t)smin;
		reg->umax_value = (uint64_t)smax;
		reg->u32_max_value = (uint32_t)smax;
		reg->var_off = tnum_range((uint64_t)smin, (uint64_t)smax);
		return;
	}
out:
	lo = size == 1 ? -128 : size == 2 ? -32768 : S32_MIN;
	hi = -lo - 1;
	if (reg->smin_value >= lo && reg->smax_value <= hi) {
		/* already a sign-extended value: the signed bounds hold; Linux
		 * 6.18 stable drops the tnum and the unsigned bounds here and
		 * derives them again from the signed ones */
		reg->var_off = tnum_unknown;
		reg->umin_value = 0;
		reg->umax_value = U64_MAX;
		reg->u32_min_value = 0;
		reg->u32_max_value = U32_MAX;
		reg_bounds_sync(reg);
		return;
	}
	if (reg->s32_min_value >= lo && reg->s32_max_value <= hi) {
		/* the low 32 bits are already the extension of the low bytes:
		 * they and their bounds stay, the upper half copies the sign */
		smin = reg->s32_min_value;
		smax = reg->s32_max_value;
		reg->smin_value = smin;
		reg->smax_value = smax;
		reg->umin_value = smin >= 0 ? (uint64_t)smin : 0;
		reg->umax_value = smin >= 0 ? (uint64_t)smax : U64_MAX;
		reg->var_off = smin >= 0 ? tnum_range((uint64_t)smin, (uint64_t)smax) : tnum_unknown;
		reg_bounds_sync(reg);
		return;
	}
	set_sext64_default(reg, size);
}

void reg_coerce_subreg_to_size_sx(struct reg_state *reg, int size)
{
	unsigned bits = (unsigned)size * 8;
	int32_t a, b, smax, smin;
	uint32_t c;

	if (tnum_is_const(reg->var_off)) {
		reg->var_off = tnum_const((uint64_t)sext_low(reg->var_off.value, size));
		c = (uint32_t)reg->var_off.value;
		reg->s32_min_value = reg->s32_max_value = (int32_t)c;
		reg->u32_min_value = reg->u32_max_value = c;
		return;
	}
	if (((uint32_t)reg->s32_max_value >> bits) != ((uint32_t)reg->s32_min_value >> bits))
		goto out;
	a = (int32_t)sext_low((uint32_t)reg->s32_max_value, size);
	b = (int32_t)sext_low((uint32_t)reg->s32_min_value, size);
	smax = MAX(a, b);
	smin = MIN(a, b);
	if ((smin >= 0) == (smax >= 0)) {
		reg->s32_min_value = smin;
		reg->s32_max_value = smax;
		reg->u32_min_value = (uint32_t)smin;
		reg->u32_max_value = (uint32_t)smax;
		reg->var_off = tnum_subreg(tnum_range((uint64_t)(int64_t)smin,
						      (uint64_t)(int64_t)smax));
		return;
	}
out:
	reg->s32_min_value = size == 1 ? -128 : -32768;
	reg->s32_max_value = size == 1 ? 127 : 32767;
	reg->u32_min_value = 0;
	reg->u32_max_value = U32_MAX;
	reg->var_off = tnum_subreg(tnum_unknown);
}

/* ---- ALU transfer functions -------------------------------------------- */

static void scalar32_add(struct reg_state *dst, const struct reg_state *src)
{
	bool min_ovf, max_ovf;

	if (__builtin_add_overflow(dst->s32_min_value, src->s32_min_value, &dst->s32_min_value) ||
	    __builtin_add_overflow(dst->s32_max_value, src->s32_max_value, &dst->s32_max_value)) {
		dst->s32_min_value = S32_MIN;
		dst->s32_max_value = S32_MAX;
	}
	/* All or none of the unsigned sums wrapping keeps a valid range. */
	min_ovf = __builtin_add_overflow(dst->u32_min_value, src->u32_min_value, &dst->u32_min_value);
	max_ovf = __builtin_add_overflow(dst->u32_max_value, src->u32_max_value, &dst->u32_max_value);
	if (!min_ovf && max_ovf) {
		dst->u32_min_value = 0;
		dst->u32_max_value = U32_MAX;
	}
}

static void scalar64_add(struct reg_state *dst, const struct reg_state *src)
{
	bool min_ovf, max_ovf;

	if (__builtin_add_overflow(dst->smin_value, src->smin_value, &dst->smin_value) ||
	    __builtin_add_overflow(dst->smax_value, src->smax_value, &dst->smax_value)) {
		dst->smin_value = S64_MIN;
		dst->smax_value = S64_MAX;
	}
	min_ovf = __builtin_add_overflow(dst->umin_value, src->umin_value, &dst->umin_value);
	max_ovf = __builtin_add_overflow(dst->umax_value, src->umax_value, &dst->umax_value);
	if (!min_ovf && max_ovf) {
		dst->umin_value = 0;
		dst->umax_value = U64_MAX;
	}
}

static void scalar32_sub(struct reg_state *dst, const struct reg_state *src)
{
	bool min_unf, max_unf;

	if (__builtin_sub_overflow(dst->s32_min_value, src->s32_max_value, &dst->s32_min_value) ||
	    __builtin_sub_overflow(dst->s32_max_value, src->s32_min_value, &dst->s32_max_value)) {
		dst->s32_min_value = S32_MIN;
		dst->s32_max_value = S32_MAX;
	}
	/* All or none of the unsigned differences wrapping is fine. */
	min_unf = __builtin_sub_overflow(dst->u32_min_value, src->u32_max_value, &dst->u32_min_value);
	max_unf = __builtin_sub_overflow(dst->u32_max_value, src->u32_min_value, &dst->u32_max_value);
	if (min_unf && !max_unf) {
		dst->u32_min_value = 0;
		dst->u32_max_value = U32_MAX;
	}
}

static void scalar64_sub(struct reg_state *dst, const struct reg_state *src)
{
	bool min_unf, max_unf;

	if (__builtin_sub_overflow(dst->smin_value, src->smax_value, &dst->smin_value) ||
	    __builtin_sub_overflow(dst->smax_value, src->smin_value, &dst->smax_value)) {
		dst->smin_value = S64_MIN;
		dst->smax_value = S64_MAX;
	}
	min_unf = __builtin_sub_overflow(dst->umin_value, src->umax_value, &dst->umin_value);
	max_unf = __builtin_sub_overflow(dst->umax_value, src->umin_value, &dst->umax_value);
	if (min_unf && !max_unf) {
		dst->umin_value = 0;
		dst->umax_value = U64_MAX;
	}
}

static void scalar32_mul(struct reg_state *dst, const struct reg_state *src)
{
	int32_t p[4];
	int i;

	if (__builtin_mul_overflow(dst->u32_max_value, src->u32_max_value, &dst->u32_max_value) ||
	    __builtin_mul_overflow(dst->u32_min_value, src->u32_min_value, &dst->u32_min_value)) {
		dst->u32_min_value = 0;
		dst->u32_max_value = U32_MAX;
	}
	/* Signed: the extremes are among the four corner products. */
	if (__builtin_mul_overflow(dst->s32_min_value, src->s32_min_value, &p[0]) ||
	    __builtin_mul_overflow(dst->s32_min_value, src->s32_max_value, &p[1]) ||
	    __builtin_mul_overflow(dst->s32_max_value, src->s32_min_value, &p[2]) ||
	    __builtin_mul_overflow(dst->s32_max_value, src->s32_max_value, &p[3])) {
		dst->s32_min_value = S32_MIN;
		dst->s32_max_value = S32_MAX;
	} else {
		dst->s32_min_value = p[0];
		dst->s32_max_value = p[0];
		for (i = 1; i < 4; i++) {
			dst->s32_min_value = MIN(dst->s32_min_value, p[i]);
			dst->s32_max_value = MAX(dst->s32_max_value, p[i]);
		}
	}
}

static void scalar64_mul(struct reg_state *dst, const struct reg_state *src)
{
	int64_t p[4];
	int i;

	if (__builtin_mul_overflow(dst->umax_value, src->umax_value, &dst->umax_value) ||
	    __builtin_mul_overflow(dst->umin_value, src->umin_value, &dst->umin_value)) {
		dst->umin_value = 0;
		dst->umax_value = U64_MAX;
	}
	if (__builtin_mul_overflow(dst->smin_value, src->smin_value, &p[0]) ||
	    __builtin_mul_overflow(dst->smin_value, src->smax_value, &p[1]) ||
	    __builtin_mul_overflow(dst->smax_value, src->smin_value, &p[2]) ||
	    __builtin_mul_overflow(dst->smax_value, src->smax_value, &p[3])) {
		dst->smin_value = S64_MIN;
		dst->smax_value = S64_MAX;
	} else {
		dst->smin_value = p[0];
		dst->smax_value = p[0];
		for (i = 1; i < 4; i++) {
			dst->smin_value = MIN(dst->smin_value, p[i]);
			dst->smax_value = MAX(dst->smax_value, p[i]);
		}
	}
}

/* After a bitwise op the u32 range is set; derive the s32 one from it. */
static void s32_from_u32(struct reg_state *dst)
{
	if ((int32_t)dst->u32_min_value <= (int32_t)dst->u32_max_value) {
		dst->s32_min_value = (int32_t)dst->u32_min_value;
		dst->s32_max_value = (int32_t)dst->u32_max_value;
	} else {
		dst->s32_min_value = S32_MIN;
		dst->s32_max_value = S32_MAX;
	}
}

static void s64_from_u64(struct reg_state *dst)
{
	if ((int64_t)dst->umin_value <= (int64_t)dst->umax_value) {
		dst->smin_value = (int64_t)dst->umin_value;
		dst->smax_value = (int64_t)dst->umax_value;
	} else {
		dst->smin_value = S64_MIN;
		dst->smax_value = S64_MAX;
	}
}

/* The tnum of dst already holds the result of the bitwise op. */
static void scalar32_and(struct reg_state *dst, const struct reg_state *src)
{
	struct tnum t = tnum_subreg(dst->var_off);

	if (tnum_subreg_is_const(src->var_off) && tnum_subreg_is_const(dst->var_off)) {
		reg_mark32_known(dst, t.value);
		return;
	}
	/* minimum from the known bits, maximum from the operands' maxima */
	dst->u32_min_value = (uint32_t)t.value;
	dst->u32_max_value = MIN(dst->u32_max_value, src->u32_max_value);
	s32_from_u32(dst);
}

static void scalar64_and(struct reg_state *dst, const struct reg_state *src)
{
	if (tnum_is_const(src->var_off) && tnum_is_const(dst->var_off)) {
		reg_mark_known(dst, dst->var_off.value);
		return;
	}
	dst->umin_value = dst->var_off.value;
	dst->umax_value = MIN(dst->umax_value, src->umax_value);
	s64_from_u64(dst);
	reg_update_bounds(dst);
}

static void scalar32_or(struct reg_state *dst, const struct reg_state *src)
{
	struct tnum t = tnum_subreg(dst->var_off);

	if (tnum_subreg_is_const(src->var_off) && tnum_subreg_is_const(dst->var_off)) {
		reg_mark32_known(dst, t.value);
		return;
	}
	/* maximum from the known bits, minimum from the operands' minima */
	dst->u32_min_value = MAX(dst->u32_min_value, src->u32_min_value);
	dst->u32_max_value = (uint32_t)(t.value | t.mask);
	s32_from_u32(dst);
}

static void scalar64_or(struct reg_state *dst, const struct reg_state *src)
{
	if (tnum_is_const(src->var_off) && tnum_is_const(dst->var_off)) {
		reg_mark_known(dst, dst->var_off.value);
		return;
	}
	dst->umin_value = MAX(dst->umin_value, src->umin_value);
	dst->umax_value = dst->var_off.value | dst->var_off.mask;
	s64_from_u64(dst);
	reg_update_bounds(dst);
}

static void scalar32_xor(struct reg_state *dst, const struct reg_state *src)
{
	struct tnum t = tnum_subreg(dst->var_off);

	if (tnum_subreg_is_const(src->var_off) && tnum_subreg_is_const(dst->var_off)) {
		reg_mark32_known(dst, t.value);
		return;
	}
	dst->u32_min_value = (uint32_t)t.value;
	dst->u32_max_value = (uint32_t)(t.value | t.mask);
	s32_from_u32(dst);
}

static void scalar64_xor(struct reg_state *dst, const struct reg_state *src)
{
	if (tnum_is_const(src->var_off) && tnum_is_const(dst->var_off)) {
		reg_mark_known(dst, dst->var_off.value);
		return;
	}
	dst->umin_value = dst->var_off.value;
	dst->umax_value = dst->var_off.value | dst->var_off.mask;
	s64_from_u64(dst);
	reg_update_bounds(dst);
}

static void lsh32_bounds(struct reg_state *dst, uint64_t umin, uint64_t umax)
{
	/* sign information is lost (except what var_off keeps) */
	dst->s32_min_value = S32_MIN;
	dst->s32_max_value = S32_MAX;
	/* the top bit may be shifted out: nothing known */
	if (umax > 31 || dst->u32_max_value > 1ULL << (31 - umax)) {
		dst->u32_min_value = 0;
		dst->u32_max_value = U32_MAX;
	} else {
		dst->u32_min_value <<= umin;
		dst->u32_max_value <<= umax;
	}
}

static void lsh64_bounds(struct reg_state *dst, uint64_t umin, uint64_t umax)
{
	/* the "<<32 then s>>32" sign-extension idiom: a shift by exactly 32
	 * moves the s32 range up unchanged in sign (v << 32 == v * 2^32) */
	if (umin == 32 && umax == 32) {
		dst->smax_value = (int64_t)((uint64_t)(int64_t)dst->s32_max_value << 32);
		dst->smin_value = (int64_t)((uint64_t)(int64_t)dst->s32_min_value << 32);
	} else {
		dst->smax_value = S64_MAX;
		dst->smin_value = S64_MIN;
	}
	if (dst->umax_value > 1ULL << (63 - umax)) {
		dst->umin_value = 0;
		dst->umax_value = U64_MAX;
	} else {
		dst->umin_value <<= umin;
		dst->umax_value <<= umax;
	}
}

static void scalar32_lsh(struct reg_state *dst, const struct reg_state *src)
{
	struct tnum sub = tnum_subreg(dst->var_off);

	lsh32_bounds(dst, src->u32_min_value, src->u32_max_value);
	dst->var_off = tnum_subreg(tnum_lshift(sub, (uint8_t)src->u32_min_value));
	reg_mark64_unbounded(dst);
	reg_update32_bounds(dst);
}

static void scalar64_lsh(struct reg_state *dst, const struct reg_state *src)
{
	/* the 64-bit part reads the unshifted 32-bit bounds: do it first */
	lsh64_bounds(dst, src->umin_value, src->umax_value);
	lsh32_bounds(dst, src->umin_value, src->umax_value);
	dst->var_off = tnum_lshift(dst->var_off, (uint8_t)src->umin_value);
	reg_update_bounds(dst);
}

static void scalar32_rsh(struct reg_state *dst, const struct reg_state *src)
{
	struct tnum sub = tnum_subreg(dst->var_off);

	/* a logical shift: signed bounds come back from the unsigned ones */
	dst->s32_min_value = S32_MIN;
	dst->s32_max_value = S32_MAX;
	dst->var_off = tnum_rshift(sub, (uint8_t)src->u32_min_value);
	dst->u32_min_value >>= src->u32_max_value;
	dst->u32_max_value >>= src->u32_min_value;
	reg_mark64_unbounded(dst);
	reg_update32_bounds(dst);
}

static void scalar64_rsh(struct reg_state *dst, const struct reg_state *src)
{
	dst->smin_value = S64_MIN;
	dst->smax_value = S64_MAX;
	dst->var_off = tnum_rshift(dst->var_off, (uint8_t)src->umin_value);
	dst->umin_value >>= src->umax_value;
	dst->umax_value >>= src->umin_value;
	/* bits shifted into the subregister are unknown: recompute later */
	reg_mark32_unbounded(dst);
	reg_update_bounds(dst);
}

static void scalar32_arsh(struct reg_state *dst, const struct reg_state *src)
{
	uint64_t sh = src->u32_min_value;   /* the shift is a known constant */

	dst->s32_min_value = (int32_t)((uint32_t)(dst->s32_min_value >> sh));
	dst->s32_max_value = (int32_t)((uint32_t)(dst->s32_max_value >> sh));
	dst->var_off = tnum_arshift(tnum_subreg(dst->var_off), (uint8_t)sh, 32);
	dst->u32_min_value = 0;
	dst->u32_max_value = U32_MAX;
	reg_mark64_unbounded(dst);
	reg_update32_bounds(dst);
}

static void scalar64_arsh(struct reg_state *dst, const struct reg_state *src)
{
	uint64_t sh = src->umin_value;

	dst->smin_value >>= sh;
	dst->smax_value >>= sh;
	dst->var_off = tnum_arshift(dst->var_off, (uint8_t)sh, 64);
	dst->umin_value = 0;
	dst->umax_value = U64_MAX;
	reg_mark32_unbounded(dst);
	reg_update_bounds(dst);
}

void scalar_add_no_sync(struct reg_state *dst, const struct reg_state *src)
{
	scalar32_add(dst, src);
	scalar64_add(dst, src);
	dst->var_off = tnum_add(dst->var_off, src->var_off);
}

bool scalar_alu_computable(uint8_t code, const struct reg_state *src)
{
	bool alu64 = HIVE_CLASS(code) == HIVE_ALU64;
	uint64_t bitness = alu64 ? 64 : 32;
	bool src_const;

	if (alu64)
		src_const = tnum_is_const(src->var_off) && src->smin_value == src->smax_value &&
			    src->umin_value == src->umax_value;
	else
		src_const = tnum_subreg_is_const(src->var_off) &&
			    src->s32_min_value == src->s32_max_value &&
			    src->u32_min_value == src->u32_max_value;

	switch (code & 0xf0) {
	case HIVE_ADD:
	case HIVE_SUB:
	case HIVE_NEG:
	case HIVE_AND:
	case HIVE_XOR:
	case HIVE_OR:
	case HIVE_MUL:
		return true;
	case HIVE_LSH:
	case HIVE_RSH:
	case HIVE_ARSH:
		/* only known, in-range shift amounts */
		return src_const && src->umax_value < bitness;
	default:
		return false;
	}
}

void scalar_alu(struct reg_state *dst, const struct reg_state *src_in, uint8_t op, bool alu32)
{
	struct reg_state src = *src_in;  /* dst and src may be the same register */
	struct reg_state neg;

	switch (op) {
	case HIVE_ADD:
		scalar32_add(dst, &src);
		scalar64_add(dst, &src);
		dst->var_off = tnum_add(dst->var_off, src.var_off);
		break;
	case HIVE_SUB:
		scalar32_sub(dst, &src);
		scalar64_sub(dst, &src);
		dst->var_off = tnum_sub(dst->var_off, src.var_off);
		break;
	case HIVE_NEG:
		/* -x computed as 0 - x */
		neg = *dst;
		reg_mark_known(dst, 0);
		scalar32_sub(dst, &neg);
		scalar64_sub(dst, &neg);
		dst->var_off = tnum_neg(neg.var_off);
		break;
	case HIVE_MUL:
		dst->var_off = tnum_mul(dst->var_off, src.var_off);
		scalar32_mul(dst, &src);
		scalar64_mul(dst, &src);
		break;
	case HIVE_AND:
		dst->var_off = tnum_and(dst->var_off, src.var_off);
		scalar32_and(dst, &src);
		scalar64_and(dst, &src);
		break;
	case HIVE_OR:
		dst->var_off = tnum_or(dst->var_off, src.var_off);
		scalar32_or(dst, &src);
		scalar64_or(dst, &src);
		break;
	case HIVE_XOR:
		dst->var_off = tnum_xor(dst->var_off, src.var_off);
		scalar32_xor(dst, &src);
		scalar64_xor(dst, &src);
		break;
	case HIVE_LSH:
		if (alu32)
			scalar32_lsh(dst, &src);
		else
			scalar64_lsh(dst, &src);
		break;
	case HIVE_RSH:
		if (alu32)
			scalar32_rsh(dst, &src);
		else
			scalar64_rsh(dst, &src);
		break;
	case HIVE_ARSH:
		if (alu32)
			scalar32_arsh(dst, &src);
		else
			scalar64_arsh(dst, &src);
		break;
	default:
		break;
	}
	if (alu32)
		reg_zext_32_to_64(dst);
	reg_bounds_sync(dst);
}

/*
 * BPF_END on a scalar: to_le on this little-endian host truncates (le64 is a
 * no-op that keeps every bound), to_be and the ALU64 bswap reverse the byte
 * order of the low imm bits, known bits included; the intervals are then
 * rebuilt from the swapped tnum.
 */
void scalar_byte_swap(struct reg_state *dst, uint8_t code, int32_t imm)
{
	bool alu32 = HIVE_CLASS(code) != HIVE_ALU64;
	uint8_t size = (uint8_t)(imm / 8);

	if (alu32 && (code & 0x08) == 0) {          /* to_le */
		if (size == 8)
			return;
		reg_coerce_to_size(dst, size);
	} else {                                    /* to_be, bswap */
		dst->var_off = tnum_bswap(dst->var_off, size);
		reg_mark_unbounded(dst);
	}
	dst->id = 0;                                /* a new value */
	if (alu32 && size < 8)
		reg_zext_32_to_64(dst);
	reg_bounds_sync(dst);
}

/* ---- conditional jumps -------------------------------------------------- */

uint8_t jmp_rev_opcode(uint8_t op)
{
	switch (op) {
	case HIVE_JEQ:  return HIVE_JNE;
	case HIVE_JNE:  return HIVE_JEQ;
	/* JSET's opposite is "no common bit": encoded as JSET | X */
	case HIVE_JSET: return HIVE_JSET | HIVE_X;
	case HIVE_JSET | HIVE_X: return HIVE_JSET;
	case HIVE_JGE:  return HIVE_JLT;
	case HIVE_JGT:  return HIVE_JLE;
	case HIVE_JLE:  return HIVE_JGT;
	case HIVE_JLT:  return HIVE_JGE;
	case HIVE_JSGE: return HIVE_JSLT;
	case HIVE_JSGT: return HIVE_JSLE;
	case HIVE_JSLE: return HIVE_JSGT;
	case HIVE_JSLT: return HIVE_JSGE;
	default:        return 0;
	}
}

uint8_t jmp_flip_opcode(uint8_t op)
{
	switch (op) {
	case HIVE_JGT:  return HIVE_JLT;
	case HIVE_JGE:  return HIVE_JLE;
	case HIVE_JLT:  return HIVE_JGT;
	case HIVE_JLE:  return HIVE_JGE;
	case HIVE_JSGT: return HIVE_JSLT;
	case HIVE_JSGE: return HIVE_JSLE;
	case HIVE_JSLT: return HIVE_JSGT;
	case HIVE_JSLE: return HIVE_JSGE;
	default:        return op;   /* JEQ, JNE, JSET are symmetric */
	}
}

int scalar_branch_taken(const struct reg_state *reg1, const struct reg_state *reg2,
			uint8_t op, bool is_jmp32)
{
	struct tnum t1 = is_jmp32 ? tnum_subreg(reg1->var_off) : reg1->var_off;
	struct tnum t2 = is_jmp32 ? tnum_subreg(reg2->var_off) : reg2->var_off;
	uint64_t umin1 = is_jmp32 ? reg1->u32_min_value : reg1->umin_value;
	uint64_t umax1 = is_jmp32 ? reg1->u32_max_value : reg1->umax_value;
	int64_t smin1 = is_jmp32 ? reg1->s32_min_value : reg1->smin_value;
	int64_t smax1 = is_jmp32 ? reg1->s32_max_value : reg1->smax_value;
	uint64_t umin2 = is_jmp32 ? reg2->u32_min_value : reg2->umin_value;
	uint64_t umax2 = is_jmp32 ? reg2->u32_max_value : reg2->umax_value;
	int64_t smin2 = is_jmp32 ? reg2->s32_min_value : reg2->smin_value;
	int64_t smax2 = is_jmp32 ? reg2->s32_max_value : reg2->smax_value;
	const struct reg_state *tmp;
	struct tnum tt;

	switch (op) {
	case HIVE_JEQ:
	case HIVE_JNE: {
		/* the answer if the values certainly differ */
		int differ = op == HIVE_JNE;

		if (tnum_is_const(t1) && tnum_is_const(t2))
			return (t1.value == t2.value) != differ;
		if (!tnum_overlap(t1, t2))
			return differ;
		if (umin1 > umax2 || umax1 < umin2)
			return differ;
		if (smin1 > smax2 || smax1 < smin2)
			return differ;
		if (!is_jmp32) {
			/* the 32-bit halves may already tell them apart */
			if (reg1->u32_min_value > reg2->u32_max_value ||
			    reg1->u32_max_value < reg2->u32_min_value)
				return differ;
			if (reg1->s32_min_value > reg2->s32_max_value ||
			    reg1->s32_max_value < reg2->s32_min_value)
				return differ;
		}
		break;
	}
	case HIVE_JSET:
		if (!reg_is_const(reg2, is_jmp32)) {
			tmp = reg1;
			reg1 = reg2;
			reg2 = tmp;
			tt = t1;
			t1 = t2;
			t2 = tt;
		}
		if (!reg_is_const(reg2, is_jmp32))
			return -1;
		if ((~t1.mask & t1.value) & t2.value)
			return 1;
		if (!((t1.mask | t1.value) & t2.value))
			return 0;
		break;
	case HIVE_JGT:
		if (umin1 > umax2)
			return 1;
		if (umax1 <= umin2)
			return 0;
		break;
	case HIVE_JSGT:
		if (smin1 > smax2)
			return 1;
		if (smax1 <= smin2)
			return 0;
		break;
	case HIVE_JLT:
		if (umax1 < umin2)
			return 1;
		if (umin1 >= umax2)
			return 0;
		break;
	case HIVE_JSLT:
		if (smax1 < smin2)
			return 1;
		if (smin1 >= smax2)
			return 0;
		break;
	case HIVE_JGE:
		if (umin1 >= umax2)
			return 1;
		if (umax1 < umin2)
			return 0;
		break;
	case HIVE_JSGE:
		if (smin1 >= smax2)
			return 1;
		if (smax1 < smin2)
			return 0;
		break;
	case HIVE_JLE:
		if (umax1 <= umin2)
			return 1;
		if (umin1 > umax2)
			return 0;
		break;
	case HIVE_JSLE:
		if (smax1 <= smin2)
			return 1;
		if (smin1 > smax2)
			return 0;
		break;
	}
	return -1;
}

static bool is_power_of_2(uint64_t v)
{
	return v && !(v & (v - 1));
}

void regs_refine_cond_op(struct reg_state *reg1, struct reg_state *reg2, uint8_t op,
			 bool is_jmp32)
{
	struct reg_state *tmp;
	struct tnum t;
	uint64_t val;

	/* GE/GT/SGE/SGT become LE/LT/SLE/SLT with the operands swapped */
	switch (op) {
	case HIVE_JGE:
	case HIVE_JGT:
	case HIVE_JSGE:
	case HIVE_JSGT:
		op = jmp_flip_opcode(op);
		tmp = reg1;
		reg1 = reg2;
		reg2 = tmp;
		break;
	default:
		break;
	}

	switch (op) {
	case HIVE_JEQ:
		/* both equal the intersection of everything known */
		if (is_jmp32) {
			reg1->u32_min_value = MAX(reg1->u32_min_value, reg2->u32_min_value);
			reg1->u32_max_value = MIN(reg1->u32_max_value, reg2->u32_max_value);
			reg1->s32_min_value = MAX(reg1->s32_min_value, reg2->s32_min_value);
			reg1->s32_max_value = MIN(reg1->s32_max_value, reg2->s32_max_value);
			reg2->u32_min_value = reg1->u32_min_value;
			reg2->u32_max_value = reg1->u32_max_value;
			reg2->s32_min_value = reg1->s32_min_value;
			reg2->s32_max_value = reg1->s32_max_value;
			t = tnum_intersect(tnum_subreg(reg1->var_off), tnum_subreg(reg2->var_off));
			reg1->var_off = tnum_with_subreg(reg1->var_off, t);
			reg2->var_off = tnum_with_subreg(reg2->var_off, t);
		} else {
			reg1->umin_value = MAX(reg1->umin_value, reg2->umin_value);
			reg1->umax_value = MIN(reg1->umax_value, reg2->umax_value);
			reg1->smin_value = MAX(reg1->smin_value, reg2->smin_value);
			reg1->smax_value = MIN(reg1->smax_value, reg2->smax_value);
			reg2->umin_value = reg1->umin_value;
			reg2->umax_value = reg1->umax_value;
			reg2->smin_value = reg1->smin_value;
			reg2->smax_value = reg1->smax_value;
			reg1->var_off = tnum_intersect(reg1->var_off, reg2->var_off);
			reg2->var_off = reg1->var_off;
		}
		break;
	case HIVE_JNE:
		/* a constant at the very edge of the other's range trims it */
		if (!reg_is_const(reg2, is_jmp32)) {
			tmp = reg1;
			reg1 = reg2;
			reg2 = tmp;
		}
		if (!reg_is_const(reg2, is_jmp32))
			break;
		val = reg_const_value(reg2, is_jmp32);
		if (is_jmp32) {
			if (reg1->u32_min_value == (uint32_t)val)
				reg1->u32_min_value++;
			if (reg1->u32_max_value == (uint32_t)val)
				reg1->u32_max_value--;
			if (reg1->s32_min_value == (int32_t)val)
				reg1->s32_min_value = (int32_t)((uint32_t)reg1->s32_min_value + 1);
			if (reg1->s32_max_value == (int32_t)val)
				reg1->s32_max_value = (int32_t)((uint32_t)reg1->s32_max_value - 1);
		} else {
			if (reg1->umin_value == val)
				reg1->umin_value++;
			if (reg1->umax_value == val)
				reg1->umax_value--;
			if (reg1->smin_value == (int64_t)val)
				reg1->smin_value = (int64_t)((uint64_t)reg1->smin_value + 1);
			if (reg1->smax_value == (int64_t)val)
				reg1->smax_value = (int64_t)((uint64_t)reg1->smax_value - 1);
		}
		break;
	case HIVE_JSET:
		/* a set single bit becomes known */
		if (!reg_is_const(reg2, is_jmp32)) {
			tmp = reg1;
			reg1 = reg2;
			reg2 = tmp;
		}
		if (!reg_is_const(reg2, is_jmp32))
			break;
		val = reg_const_value(reg2, is_jmp32);
		if (!is_power_of_2(val))
			break;
		if (is_jmp32) {
			t = tnum_or(tnum_subreg(reg1->var_off), tnum_const(val));
			reg1->var_off = tnum_with_subreg(reg1->var_off, t);
		} else {
			reg1->var_off = tnum_or(reg1->var_off, tnum_const(val));
		}
		break;
	case HIVE_JSET | HIVE_X:
		/* no common bit: every bit of the constant is known clear */
		if (!reg_is_const(reg2, is_jmp32)) {
			tmp = reg1;
			reg1 = reg2;
			reg2 = tmp;
		}
		if (!reg_is_const(reg2, is_jmp32))
			break;
		val = reg_const_value(reg2, is_jmp32);
		/* forget the ranges first, in case this branch is dead */
		reg_mark_unbounded(reg1);
		if (is_jmp32) {
			t = tnum_and(tnum_subreg(reg1->var_off), tnum_const(~val));
			reg1->var_off = tnum_with_subreg(reg1->var_off, t);
		} else {
			reg1->var_off = tnum_and(reg1->var_off, tnum_const(~val));
		}
		break;
	case HIVE_JLE:
		if (is_jmp32) {
			reg1->u32_max_value = MIN(reg1->u32_max_value, reg2->u32_max_value);
			reg2->u32_min_value = MAX(reg1->u32_min_value, reg2->u32_min_value);
		} else {
			reg1->umax_value = MIN(reg1->umax_value, reg2->umax_value);
			reg2->umin_value = MAX(reg1->umin_value, reg2->umin_value);
		}
		break;
	case HIVE_JLT:
		if (is_jmp32) {
			reg1->u32_max_value = MIN(reg1->u32_max_value, reg2->u32_max_value - 1);
			reg2->u32_min_value = MAX(reg1->u32_min_value + 1, reg2->u32_min_value);
		} else {
			reg1->umax_value = MIN(reg1->umax_value, reg2->umax_value - 1);
			reg2->umin_value = MAX(reg1->umin_value + 1, reg2->umin_value);
		}
		break;
	case HIVE_JSLE:
		if (is_jmp32) {
			reg1->s32_max_value = MIN(reg1->s32_max_value, reg2->s32_max_value);
			reg2->s32_min_value = MAX(reg1->s32_min_value, reg2->s32_min_value);
		} else {
			reg1->smax_value = MIN(reg1->smax_value, reg2->smax_value);
			reg2->smin_value = MAX(reg1->smin_value, reg2->smin_value);
		}
		break;
	case HIVE_JSLT:
		if (is_jmp32) {
			reg1->s32_max_value = MIN(reg1->s32_max_value, (int32_t)((uint32_t)reg2->s32_max_value - 1));
			reg2->s32_min_value = MAX((int32_t)((uint32_t)reg1->s32_min_value + 1), reg2->s32_min_value);
		} else {
			reg1->smax_value = MIN(reg1->smax_value, (int64_t)((uint64_t)reg2->smax_value - 1));
			reg2->smin_value = MAX((int64_t)((uint64_t)reg1->smin_value + 1), reg2->smin_value);
		}
		break;
	default:
		break;
	}
}

bool scalar_snum_decimal(int64_t num)
{
	return num >= -32768 && num <= 32767;
}

bool scalar_unum_decimal(uint64_t num)
{
	return num <= 65535;
}
