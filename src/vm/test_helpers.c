/*
 * test_helpers.c - the six helpers of the bpf_conformance plugin protocol.
 *
 * bpf_conformance test files call helpers by number 0..5 with the meaning
 * uBPF's plugin gives them (gather_bytes, memfrob, no_op, sqrti, strcmp_ext,
 * unwind). hive keeps one implementation here so that the test runner
 * (tests/test_data.c) and the plugin binary (tools/hive_conformance.c, which
 * sees only the public API) run the same code.
 *
 * Pointer arguments come from an untrusted program: every byte a helper
 * touches is first checked with hive_run_check(), and a refused pointer
 * stops the run with -HIVE_EMEM instead of touching host memory.
 *
 * Differences from uBPF: sqrti is an exact integer square root (uBPF goes
 * through a double and may round up near 2^64); unwind returns its argument
 * but does not end the program when it is 0 (uBPF's unwind extension has
 * no equivalent in hive's VM).
 */
#include <errno.h>

#include "hive/hive_vm.h"

/* r0 = the low bytes of r1..r5, r1's byte most significant. */
static uint64_t gather_bytes(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			     struct hive_run *run)
{
	(void)run;
	return (r1 & 0xff) << 32 | (r2 & 0xff) << 24 | (r3 & 0xff) << 16 | (r4 & 0xff) << 8 |
	       (r5 & 0xff);
}

/* xor the r2 bytes at r1 with 42 (glibc's memfrob); r0 = 0. */
static uint64_t memfrob(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			struct hive_run *run)
{
	uint8_t *p = (uint8_t *)(uintptr_t)r1;
	uint64_t i;

	(void)r3, (void)r4, (void)r5;
	if (hive_run_check(run, p, r2, HIVE_PROT_RW)) {
		hive_run_abort(run, -HIVE_EMEM);
		return 0;
	}
	for (i = 0; i < r2; i++)
		p[i] ^= 42;
	return 0;
}

/* r0 = 0, nothing else. */
static uint64_t no_op(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
		      struct hive_run *run)
{
	(void)r1, (void)r2, (void)r3, (void)r4, (void)r5, (void)run;
	return 0;
}

/* r0 = floor(sqrt(r1)), exactly, by bitwise restoring square root. */
static uint64_t sqrti(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
		      struct hive_run *run)
{
	uint64_t rem = r1, root = 0, bit = 1ull << 62;

	(void)r2, (void)r3, (void)r4, (void)r5, (void)run;
	while (bit > rem)
		bit >>= 2;
	while (bit) {
		if (rem >= root + bit) {
			rem -= root + bit;
			root = (root >> 1) + bit;
		} else {
			root >>= 1;
		}
		bit >>= 2;
	}
	return root;
}

/* strcmp of the NUL-terminated strings at r1 and r2: r0 = the difference of
 * the first differing bytes (as unsigned char), sign-extended; 0 if equal. */
static uint64_t strcmp_ext(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			   struct hive_run *run)
{
	const uint8_t *a = (const uint8_t *)(uintptr_t)r1;
	const uint8_t *b = (const uint8_t *)(uintptr_t)r2;
	size_t i;

	(void)r3, (void)r4, (void)r5;
	for (i = 0;; i++) {
		if (hive_run_check(run, a + i, 1, HIVE_PROT_READ) ||
		    hive_run_check(run, b + i, 1, HIVE_PROT_READ)) {
			hive_run_abort(run, -HIVE_EMEM);
			return 0;
		}
		if (a[i] != b[i] || !a[i])
			return (uint64_t)(int64_t)((int)a[i] - (int)b[i]);
	}
}

/* r0 = r1. */
static uint64_t unwind(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
		       struct hive_run *run)
{
	(void)r2, (void)r3, (void)r4, (void)r5, (void)run;
	return r1;
}

/* The plugin protocol's helper numbers. */
static const struct {
	uint32_t id;
	const char *name;
	hive_helper_fn fn;
} test_helpers[] = {
	{ 0, "gather_bytes", gather_bytes },
	{ 1, "memfrob",      memfrob },
	{ 2, "no_op",        no_op },
	{ 3, "sqrti",        sqrti },
	{ 4, "strcmp_ext",   strcmp_ext },
	{ 5, "unwind",       unwind },
};

int hive_vm_register_test_helpers(struct hive_vm *vm)
{
	size_t i;
	int err;

	if (!vm)
		return -EINVAL;
	for (i = 0; i < sizeof(test_helpers) / sizeof(test_helpers[0]); i++) {
		err = hive_vm_register_helper(vm, test_helpers[i].id, test_helpers[i].name,
					      test_helpers[i].fn);
		if (err)
			return err;
	}
	return 0;
}
