/*
 * test_jit_diff.c - the differential fuzzer's generator (tests/fuzz/gen.c)
 * run with fixed seeds as a regular test, so `make check` compares the
 * interpreter and the JIT on a few thousand random valid programs without
 * libFuzzer; odd seeds make safe programs, compared in unchecked runs as
 * well. A mismatch prints the seed, the outcome of both engines and the
 * program.
 */
#if defined(__x86_64__)     /* the JIT's host */
#include "fuzz/gen.c"
#include "harness.h"

#define DIFF_PROGRAMS 3000

TEST(jit_differential_fixed_seeds)
{
	uint32_t seed;
	int bad = 0;

	for (seed = 1; seed <= DIFF_PROGRAMS && bad < 3; seed++) {
		uint8_t data[8];
		struct hive_insn *p;
		char why[512];
		uint32_t n;
		int i;

		/* the seed's bytes only start the PRNG: the program comes from it */
		for (i = 0; i < 8; i++)
			data[i] = (uint8_t)(seed >> (8 * (i % 4)) ^ i);
		n = gen_program(data, sizeof(data), seed & 1, &p);
		REQUIRE(n);
		if (gen_compare(p, n, seed & 1, why, sizeof(why))) {
			char *text = gen_listing(p, n);

			test_fail(__FILE__, __LINE__, "seed %u: %s\n%s", seed, why,
				  text ? text : "");
			free(text);
			bad++;
		}
		free(p);
	}
}

#endif
