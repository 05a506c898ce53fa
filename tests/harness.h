/*
 * harness.h - the test framework behind `make check`.
 *
 * A test file registers cases with TEST(name) { ... }; every file under
 * tests/ and tests/unit/ is linked into one runner (tests/run_tests.c),
 * which runs each case in a forked child (a crash or hang fails that case
 * only), and ends with "N passed, N failed, N skipped".
 *
 *   CHECK(cond)            record a failure, keep going
 *   CHECK_EQ(a, b)         integers, prints both values
 *   CHECK_STR(a, b)        strings
 *   REQUIRE(cond)          record a failure and leave the case
 *   SKIP("why %s", ...)    leave the case as skipped, with a reason
 *   test_path(rel)         absolute path of a file in the source tree
 *   test_build_path(rel)   absolute path of a file in the build tree
 */
#ifndef HIVE_TEST_HARNESS_H
#define HIVE_TEST_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct hive_test {
	const char *name;
	const char *file;
	void (*fn)(void);
	struct hive_test *next;
};

void test_register(struct hive_test *t);
void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void test_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int test_failed(void);
const char *test_path(const char *rel);
const char *test_build_path(const char *rel);
/* Whether the live kernel's bpf() is usable (for tests that compare with it). */
int test_kernel_bpf_available(void);

#define TEST(tname)                                                               \
	static void test_fn_##tname(void);                                        \
	__attribute__((constructor)) static void test_reg_##tname(void)          \
	{                                                                         \
		static struct hive_test t = { #tname, __FILE__, test_fn_##tname, 0 }; \
		test_register(&t);                                                \
	}                                                                         \
	static void test_fn_##tname(void)

#define CHECK(cond)                                                               \
	do {                                                                      \
		if (!(cond))                                                      \
			test_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);        \
	} while (0)

#define REQUIRE(cond)                                                             \
	do {                                                                      \
		if (!(cond)) {                                                    \
			test_fail(__FILE__, __LINE__, "REQUIRE(%s)", #cond);      \
			return;                                                   \
		}                                                                 \
	} while (0)

#define CHECK_EQ(a, b)                                                            \
	do {                                                                      \
		long long va_ = (long long)(a), vb_ = (long long)(b);             \
		if (va_ != vb_)                                                   \
			test_fail(__FILE__, __LINE__, "%s == %s: %lld (0x%llx) != %lld (0x%llx)", \
				  #a, #b, va_, (unsigned long long)va_, vb_,    \
				  (unsigned long long)vb_);                        \
	} while (0)

#define CHECK_STR(a, b)                                                           \
	do {                                                                      \
		const char *sa_ = (a), *sb_ = (b);                                \
		if (!sa_ || !sb_ || strcmp(sa_, sb_))                             \
			test_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", \
				  #a, #b, sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)"); \
	} while (0)

#define SKIP(...)                                                                 \
	do {                                                                      \
		test_skip(__VA_ARGS__);                                           \
		return;                                                           \
	} while (0)

#endif
