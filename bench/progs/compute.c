/*
 * compute.c - compute-bound benchmark programs: loops, branches, 32/64-bit
 * arithmetic, byte loads and stores on the stack. Each fits the kernel
 * verifier's rules (bounded loops, <= 512 bytes of stack), so the kernel
 * JIT can run the same instructions.
 */
#include "bench_prog.h"

/* Iterative Fibonacci modulo 2^64, ~90 steps. */
BENCH(fib)
{
	u64 a = 0, b = 1, t;
	u32 i, n = 60 + (seed & 31);

	for (i = 0; i < n && i < 128; i++) {
		t = a + b;
		a = b;
		b = t;
	}
	return a;
}

/* Bitwise CRC-32 (poly 0xedb88320) over 64 stack bytes. */
BENCH(crc32)
{
	u8 buf[64];
	u32 crc = 0xffffffff, i, k;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)(seed * 31 + i * 7);
	for (i = 0; i < sizeof(buf); i++) {
		crc ^= buf[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
	}
	return ~crc;
}

/* Sieve of Eratosthenes below ~100, counting primes. */
BENCH(sieve)
{
	u8 comp[128];
	u32 i, j, count = 0, n = 96 + (seed & 31);

	for (i = 0; i < sizeof(comp); i++)
		comp[i] = 0;
	for (i = 2; i < n && i < sizeof(comp); i++) {
		if (comp[i])
			continue;
		count++;
		for (j = i * i; j < n && j < sizeof(comp); j += i)
			comp[j] = 1;
	}
	return count;
}

/* Collatz step counts for 8 starting values, each bounded. */
BENCH(collatz)
{
	u64 total = 0, x;
	u32 i, s;

	for (i = 1; i <= 8; i++) {
		x = i + (seed & 7);
		for (s = 0; s < 40 && x != 1; s++)
			x = (x & 1) ? 3 * x + 1 : x >> 1;
		total += s;
	}
	return total;
}

/* FNV-1a and a murmur-style finaliser over 256 bytes read back as words
 * recomposed from bytes (the byte-load pattern of packet parsers). */
BENCH(hash)
{
	u8 buf[256];
	u64 h = 0xcbf29ce484222325ull;
	u32 i, w;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)(seed ^ (i * 13));
	for (i = 0; i + 4 <= sizeof(buf); i += 4) {
		w = (u32)buf[i] | (u32)buf[i + 1] << 8 | (u32)buf[i + 2] << 16 |
		    (u32)buf[i + 3] << 24;
		h ^= w;
		h *= 0x100000001b3ull;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

/* Bubble sort of 16 32-bit values, then a checksum. */
BENCH(bsort)
{
	u32 v[16], i, j, t, sum = 0;

	for (i = 0; i < 16; i++)
		v[i] = (seed * 2654435761u) ^ (i * 40503u);
	for (i = 0; i < 16; i++)
		for (j = 0; j + 1 < 16 - i; j++)
			if (v[j] > v[j + 1]) {
				t = v[j];
				v[j] = v[j + 1];
				v[j + 1] = t;
			}
	for (i = 0; i < 16; i++)
		sum = sum * 31 + v[i];
	return sum;
}

/* 5x5 matrix multiply in 32-bit arithmetic. */
BENCH(matmul)
{
	u32 a[25], b[25], i, j, k, s = 0;

	for (i = 0; i < 25; i++) {
		a[i] = seed + i;
		b[i] = seed ^ (i * 3);
	}
	for (i = 0; i < 5; i++)
		for (j = 0; j < 5; j++) {
			u32 acc = 0;
			for (k = 0; k < 5; k++)
				acc += a[i * 5 + k] * b[k * 5 + j];
			s = (s ^ acc) * 16777619u;
		}
	return s;
}

/* Bit tricks: popcount, rotates and leading zeros by loops, 64-bit. */
BENCH(bits)
{
	u64 x = 0x9e3779b97f4a7c15ull ^ seed, acc = 0;
	u32 i, c;

	for (i = 0; i < 64; i++) {
		u64 y = x;
		for (c = 0; y && c < 64; c++)
			y &= y - 1;
		acc += c;
		x = (x << 13) | (x >> 51);
		x ^= x >> 7;
	}
	return acc;
}
