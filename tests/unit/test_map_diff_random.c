/*
 * test_map_diff_random.c - long pseudo-random scripts (fixed seeds) run on
 * the kernel and on hive through test_bpf_diff.h: LPM tries with IPv4 and
 * IPv6-sized keys (insert, delete, longest-prefix lookups and full
 * post-order walks after every few steps: the trie must have the kernel's
 * shape), and zero-seed hash maps (the bucket order must be the kernel's).
 */
#include <stdlib.h>

#include "harness.h"
#include "test_bpf_diff.h"

static uint64_t rng_state;

static uint32_t rnd(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}

/* IPv4 LPM keys: 8 bytes, prefix 0..32 over a few /8 networks. */
static uint64_t lpm4_key(void)
{
	uint32_t plen = rnd() % 33, addr = (rnd() % 4) << 30 | (rnd() & 0x00ff00ff);

	if (plen < 32)
		addr &= plen ? ~0u << (32 - plen) : 0;
	/* address bytes in network order after the prefix length */
	return LPMK(plen, addr >> 24, (addr >> 16) & 0xff, (addr >> 8) & 0xff, addr & 0xff);
}

TEST(map_diff_random_lpm4)
{
	struct diff_op *ops = calloc(1200, sizeof(*ops));
	int n = 0, i;

	REQUIRE(ops);
	rng_state = 42;
	ops[n++] = (struct diff_op)DC(0, BPF_MAP_TYPE_LPM_TRIE, 8, 8, 40, BPF_F_NO_PREALLOC);
	for (i = 0; i < 400; i++) {
		uint32_t r = rnd() % 10;
		uint64_t k = lpm4_key();

		if (r < 5)
			ops[n++] = (struct diff_op)DU(0, k, i, r == 4 ? BPF_NOEXIST : BPF_ANY);
		else if (r < 7)
			ops[n++] = (struct diff_op)DD(0, k);
		else
			ops[n++] = (struct diff_op)DL(0, (k & ~0xffull) | (r == 9 ? 33 : 32)); /* /32 probe */
		if (i % 10 == 9)
			ops[n++] = (struct diff_op)DK(0);
		if (i % 25 == 24)
			ops[n++] = (struct diff_op)DN(0, k);
	}
	if (diff_run(__func__, ops, n))
		SKIP("bpf() not permitted: only the hive side ran");
	free(ops);
}

TEST(map_diff_random_hash_order)
{
	struct diff_op *ops = calloc(1200, sizeof(*ops));
	int n = 0, i;

	REQUIRE(ops);
	rng_state = 7;
	ops[n++] = (struct diff_op)DC(0, BPF_MAP_TYPE_HASH, 4, 8, 64, BPF_F_ZERO_SEED);
	ops[n++] = (struct diff_op)DC(1, BPF_MAP_TYPE_HASH, 12, 4, 50, BPF_F_ZERO_SEED | BPF_F_NO_PREALLOC);
	for (i = 0; i < 500; i++) {
		uint32_t r = rnd() % 10;
		int s = (int)(rnd() & 1);
		uint64_t k = rnd() % 90;

		if (r < 5)
			ops[n++] = (struct diff_op)DU(s, k, i, r == 4 ? BPF_EXIST : BPF_ANY);
		else if (r < 8)
			ops[n++] = (struct diff_op)DD(s, k);
		else
			ops[n++] = (struct diff_op)DL(s, k);
		if (i % 20 == 19) {
			ops[n++] = (struct diff_op)DK(0);
			ops[n++] = (struct diff_op)DK(1);
		}
	}
	ops[n++] = (struct diff_op)DBL(0, 5, 0);
	ops[n++] = (struct diff_op)DBLD(1, 7, 0);
	if (diff_run(__func__, ops, n))
		SKIP("bpf() not permitted: only the hive side ran");
	free(ops);
}
