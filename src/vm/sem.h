/*
 * sem.h - instruction semantics both interpreters share (interp.c, the
 * computed-goto/switch loop, and rinterp.c, the register-resident one):
 * RFC 9669 signed division and modulo without C undefined behaviour,
 * unaligned-safe loads and stores of every width, and the legacy packet
 * load. Private to src/vm.
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

#endif /* HIVE_VM_SEM_H */
