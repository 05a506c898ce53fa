/*
 * shm.h - synchronisation inside shared object files: process-shared,
 * robust mutexes (a process that dies holding one does not wedge the
 * others: the next locker gets the lock back) and sequence counters for
 * lock-free readers; plus the kernel's jhash, so that hash maps and bloom
 * filters created with BPF_F_ZERO_SEED place keys exactly as the kernel
 * does (same iteration order, same bits).
 */
#ifndef HIVE_CORE_SHM_H
#define HIVE_CORE_SHM_H

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

typedef pthread_mutex_t hive_mutex_t;

/* Initialise a mutex living in a shared mapping. Returns 0 or -errno. */
static inline int shm_mutex_init(hive_mutex_t *m)
{
	pthread_mutexattr_t a;
	int err;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	err = pthread_mutex_init(m, &a);
	pthread_mutexattr_destroy(&a);
	return -err;
}

static inline void shm_lock(hive_mutex_t *m)
{
	/* the previous owner died: the data it guarded is taken as is */
	if (pthread_mutex_lock(m) == EOWNERDEAD)
		pthread_mutex_consistent(m);
}

static inline void shm_unlock(hive_mutex_t *m)
{
	pthread_mutex_unlock(m);
}

/* ---- sequence counters: writers hold a lock, readers retry ------------ */

static inline uint32_t seq_read_begin(const _Atomic uint32_t *s)
{
	uint32_t v;

	while ((v = atomic_load_explicit(s, memory_order_acquire)) & 1u)
		__builtin_ia32_pause();
	return v;
}

static inline int seq_read_retry(const _Atomic uint32_t *s, uint32_t v)
{
	atomic_thread_fence(memory_order_acquire);
	return atomic_load_explicit(s, memory_order_relaxed) != v;
}

static inline void seq_write_begin(_Atomic uint32_t *s)
{
	atomic_fetch_add_explicit(s, 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
}

static inline void seq_write_end(_Atomic uint32_t *s)
{
	atomic_fetch_add_explicit(s, 1, memory_order_release);
}

/* ---- jhash (Bob Jenkins' lookup3, as the kernel's <linux/jhash.h>) ---- */

#define HIVE_JHASH_INITVAL 0xdeadbeefu

static inline uint32_t rol32(uint32_t w, unsigned s)
{
	return (w << s) | (w >> ((-s) & 31));
}

#define HIVE_JHASH_MIX(a, b, c)                                  \
	do {                                                     \
		a -= c; a ^= rol32(c, 4);  c += b;               \
		b -= a; b ^= rol32(a, 6);  a += c;               \
		c -= b; c ^= rol32(b, 8);  b += a;               \
		a -= c; a ^= rol32(c, 16); c += b;               \
		b -= a; b ^= rol32(a, 19); a += c;               \
		c -= b; c ^= rol32(b, 4);  b += a;               \
	} while (0)

#define HIVE_JHASH_FINAL(a, b, c)                                \
	do {                                                     \
		c ^= b; c -= rol32(b, 14);                       \
		a ^= c; a -= rol32(c, 11);                       \
		b ^= a; b -= rol32(a, 25);                       \
		c ^= b; c -= rol32(b, 16);                       \
		a ^= c; a -= rol32(c, 4);                        \
		b ^= a; b -= rol32(a, 14);                       \
		c ^= b; c -= rol32(b, 24);                       \
	} while (0)

static inline uint32_t get_le32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* jhash over bytes */
static inline uint32_t hive_jhash(const void *key, uint32_t length, uint32_t initval)
{
	const uint8_t *k = key;
	uint32_t a, b, c;

	a = b = c = HIVE_JHASH_INITVAL + length + initval;
	while (length > 12) {
		a += get_le32(k);
		b += get_le32(k + 4);
		c += get_le32(k + 8);
		HIVE_JHASH_MIX(a, b, c);
		length -= 12;
		k += 12;
	}
	switch (length) { /* the last block: bytes fall into c, b, a */
	case 12: c += (uint32_t)k[11] << 24; /* fall through */
	case 11: c += (uint32_t)k[10] << 16; /* fall through */
	case 10: c += (uint32_t)k[9] << 8;   /* fall through */
	case 9:  c += k[8];                  /* fall through */
	case 8:  b += (uint32_t)k[7] << 24;  /* fall through */
	case 7:  b += (uint32_t)k[6] << 16;  /* fall through */
	case 6:  b += (uint32_t)k[5] << 8;   /* fall through */
	case 5:  b += k[4];                  /* fall through */
	case 4:  a += (uint32_t)k[3] << 24;  /* fall through */
	case 3:  a += (uint32_t)k[2] << 16;  /* fall through */
	case 2:  a += (uint32_t)k[1] << 8;   /* fall through */
	case 1:  a += k[0];
		HIVE_JHASH_FINAL(a, b, c);
		break;
	case 0:
		break;
	}
	return c;
}

/* jhash2 over 32-bit words (keys whose size is a multiple of 4) */
static inline uint32_t hive_jhash2(const void *key, uint32_t words, uint32_t initval)
{
	const uint8_t *k = key;
	uint32_t a, b, c;

	a = b = c = HIVE_JHASH_INITVAL + (words << 2) + initval;
	while (words > 3) {
		a += get_le32(k);
		b += get_le32(k + 4);
		c += get_le32(k + 8);
		HIVE_JHASH_MIX(a, b, c);
		words -= 3;
		k += 12;
	}
	switch (words) {
	case 3: c += get_le32(k + 8); /* fall through */
	case 2: b += get_le32(k + 4); /* fall through */
	case 1: a += get_le32(k);
		HIVE_JHASH_FINAL(a, b, c);
		break;
	case 0:
		break;
	}
	return c;
}

/* The kernel's choice between the two, for map keys and bloom values. */
static inline uint32_t hive_key_hash(const void *key, uint32_t len, uint32_t seed)
{
	if ((len & 3u) == 0)
		return hive_jhash2(key, len / 4, seed);
	return hive_jhash(key, len, seed);
}

#endif /* HIVE_CORE_SHM_H */
