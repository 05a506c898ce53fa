/*
 * sem.h - instruction semantics both interpreters share (interp.c, the
 * computed-goto/switch loop, and rinterp.c, the register-resident one):
 * RFC 9669 signed division and modulo without C undefined behaviour,
 * unaligned-safe loads and stores of every width, atomic read-modify-writes
 * and the legacy packet load. Private to src/vm.
 */
#ifndef HIVE_VM_SEM_H
#define HIVE_VM_SEM_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "vm_internal.h"

/* ---- RFC 9669 arithmetic without undefined behaviour --------------------- */

static inline uint64_t sdiv64(uint64_t a, uint64_t b)
{
	if (b == 0)
		return 0;
	if (b == UINT64_MAX)            /* x / -1 = -x; INT64_MIN / -1 = INT64_MIN */
		return 0 - a;
	return (uint64_t)((int64_t)a / (int64_t)b);
}

static inline uint64_t smod64(uint64_t a, uint64_t b)
{
	if (b == 0)
		return a;
	if (b == UINT64_MAX)            /* x % -1 = 0, INT64_MIN included */
		return 0;
	return (uint64_t)((int64_t)a % (int64_t)b);
}

static inline uint32_t sdiv32(uint32_t a, uint32_t b)
{
	if (b == 0)
		return 0;
	if (b == UINT32_MAX)
		return 0 - a;
	return (uint32_t)((int32_t)a / (int32_t)b);
}

static inline uint32_t smod32(uint32_t a, uint32_t b)
{
	if (b == 0)
		return a;
	if (b == UINT32_MAX)
		return 0;
	return (uint32_t)((int32_t)a % (int32_t)b);
}

/* ---- memory ---------------------------------------------------------------- */

#define DEF_LOAD(bits)                                                  \
	static inline uint64_t load##bits(uint64_t a)                   \
	{                                                               \
		uint##bits##_t v;                                       \
		memcpy(&v, (const void *)(uintptr_t)a, sizeof(v));      \
		return v;                                               \
	}                                                               \
	static inline void store##bits(uint64_t a, uint64_t v)          \
	{                                                               \
		uint##bits##_t x = (uint##bits##_t)v;                   \
		memcpy((void *)(uintptr_t)a, &x, sizeof(x));            \
	}
DEF_LOAD(8)
DEF_LOAD(16)
DEF_LOAD(32)
DEF_LOAD(64)

/* Legacy packet load: big-endian @size bytes at @off of the run's packet.
 * false when out of bounds (or no packet): the program then returns 0. */
static inline bool pkt_load(const struct hive_run *run, int64_t off, unsigned size, uint64_t *v)
{
	const uint8_t *p;

	if (off < 0 || (uint64_t)off > run->pkt_size || run->pkt_size - (uint64_t)off < size)
		return false;
	p = run->pkt + off;
	switch (size) {
	case 1:  *v = p[0]; break;
	case 2:  *v = (uint64_t)p[0] << 8 | p[1]; break;
	default: *v = (uint64_t)p[0] << 24 | (uint64_t)p[1] << 16 | (uint64_t)p[2] << 8 | p[3];
	}
	return true;
}

/*
 * Atomic read-modify-write of the naturally aligned word at @p (the caller
 * checked the alignment), fully ordered, as the atomic instruction with imm
 * @op: add/or/and/xor (| HIVE_FETCH: *src = the old value), xchg (*src =
 * the old value), cmpxchg (if *p == the low bits of *r0 then *p = src;
 * *r0 = the old value). 32-bit forms zero-extend what they write back.
 * @src and @r0 may be the same register.
 */
#define SEM_DEF_ATOMIC(bits)                                                      \
	static inline void sem_atomic##bits(uint##bits##_t *p, int32_t op, uint64_t *src, \
					    uint64_t *r0)                         \
	{                                                                         \
		const uint##bits##_t v = (uint##bits##_t)*src;                    \
		uint##bits##_t old;                                               \
                                                                                  \
		switch (op) {                                                     \
		case HIVE_ADD: __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); break; \
		case HIVE_OR:  __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST); break;  \
		case HIVE_AND: __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST); break; \
		case HIVE_XOR: __atomic_fetch_xor(p, v, __ATOMIC_SEQ_CST); break; \
		case HIVE_ADD | HIVE_FETCH:                                       \
			*src = __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); break; \
		case HIVE_OR | HIVE_FETCH:                                        \
			*src = __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST); break;  \
		case HIVE_AND | HIVE_FETCH:                                       \
			*src = __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST); break; \
		case HIVE_XOR | HIVE_FETCH:                                       \
			*src = __atomic_fetch_xor(p, v, __ATOMIC_SEQ_CST); break; \
		case HIVE_XCHG:                                                   \
			*src = __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST); break; \
		default:        /* HIVE_CMPXCHG */                                \
			old = (uint##bits##_t)*r0;                                \
			__atomic_compare_exchange_n(p, &old, v, false,            \
						    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
			*r0 = old;                                                \
			break;                                                    \
		}                                                                 \
	}
SEM_DEF_ATOMIC(32)
SEM_DEF_ATOMIC(64)

#endif /* HIVE_VM_SEM_H */
