/*
 * fuzz_interp_vs_jit.c - libFuzzer target: the fuzz input drives the
 * structured generator of tests/fuzz/gen.c into a valid eBPF program,
 * which runs (checked, with a budget; inputs with an odd first byte make
 * safe programs, run unchecked too) on the interpreter and on the JIT;
 * any difference in return code, r0, fault details, instructions run or
 * memory contents aborts with both outcomes and the program listing.
 *
 *   make fuzz                      build and run for FUZZ_TIME seconds
 *   build/fuzz/fuzz_interp_vs_jit -max_total_time=600 corpus/
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz/gen.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hive_insn *p;
	char why[512];
	uint32_t n;

	bool safe = size && (data[0] & 1);

	n = gen_program(data, size, safe, &p);
	if (!n)
		return 0;
	if (gen_compare(p, n, safe, why, sizeof(why))) {
		char *text = gen_listing(p, n);

		fprintf(stderr, "interpreter and JIT disagree: %s\n%s", why, text ? text : "");
		free(text);
		abort();
	}
	free(p);
	return 0;
}
