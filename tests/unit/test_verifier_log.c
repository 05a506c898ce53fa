/*
 * test_verifier_log.c - the verifier log's contract, against the kernel.
 *
 * The same programs are loaded by the kernel and by hive_verify() with the
 * same log attributes: level 1 and 2, the stats bit (4), the fixed buffer
 * (BPF_LOG_FIXED = 8) and the default rotating one, buffers too small by one
 * byte or by a lot, no buffer at all (only log_true_size wanted), and the
 * invalid combinations BPF_PROG_LOAD refuses with EINVAL. The errno, the
 * bytes left in the buffer and log_true_size must be equal. Without the
 * kernel the hive side still runs against the expectations written here.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "verifier/vtest.h"

#define LOG_LEVEL1 1
#define LOG_LEVEL2 2
#define LOG_STATS  4
#define LOG_FIXED  8

/* ten instructions, then a read of an uninitialised register */
static const struct hive_insn prog_reject[] = {
	HIVE_MOV64_IMM(0, 0), HIVE_MOV64_IMM(1, 1), HIVE_ALU64_IMM(HIVE_ADD, 1, 1),
	HIVE_ALU64_IMM(HIVE_ADD, 1, 2), HIVE_ALU64_IMM(HIVE_ADD, 1, 3),
	HIVE_ALU64_IMM(HIVE_ADD, 1, 4), HIVE_ALU64_IMM(HIVE_ADD, 1, 5),
	HIVE_ALU64_IMM(HIVE_ADD, 1, 6), HIVE_ALU64_IMM(HIVE_ADD, 1, 7),
	HIVE_ALU64_IMM(HIVE_ADD, 1, 8), HIVE_LDX_MEM(HIVE_DW, 0, 2, 0), HIVE_EXIT_INSN(),
};

/* a branch on a random value and a loop: several paths, all safe */
static const struct hive_insn prog_accept[] = {
	HIVE_CALL_HELPER(7), HIVE_MOV64_REG(6, 0), HIVE_MOV64_IMM(0, 0),
	HIVE_JMP_IMM(HIVE_JGT, 6, 100, 2), HIVE_ALU64_IMM(HIVE_ADD, 0, 1),
	HIVE_ALU64_IMM(HIVE_ADD, 0, 1), HIVE_MOV64_IMM(1, 0), HIVE_ALU64_IMM(HIVE_ADD, 1, 1),
	HIVE_JMP_IMM(HIVE_JLT, 1, 4, -2), HIVE_EXIT_INSN(),
};

#define N(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))
#define HIVE_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct log_result {
	int err;
	uint32_t true_size;
	char buf[8192];
};

/* "verification time 123 usec" varies between runs: keep the words only */
static void drop_times(char *s)
{
	char *p = strstr(s, "verification time ");

	if (!p)
		return;
	p += strlen("verification time ");
	memmove(p, p + strspn(p, "0123456789"), strlen(p + strspn(p, "0123456789")) + 1);
}

static void load_both(const struct hive_insn *p, uint32_t cnt, uint32_t level, uint32_t size,
		      bool with_buf, struct log_result *k, struct log_result *h, bool *have_kernel)
{
	int kerr;

	memset(k, 0x5a, sizeof(*k));
	memset(h, 0x5a, sizeof(*h));
	kerr = vt_kernel_raw(p, cnt, 1, 0, level, with_buf ? k->buf : NULL, size, &k->true_size);
	*have_kernel = kerr != -ENOSYS;
	k->err = kerr;
	h->err = vt_hive_raw(p, cnt, 1, 0, level, with_buf ? h->buf : NULL, size, &h->true_size);
}

/* errno, log_true_size and the first @size bytes of the buffer agree */
static void compare(const char *what, struct log_result *k, struct log_result *h, uint32_t size,
		    bool have_kernel)
{
	if (!have_kernel)
		return;
	if (k->err != h->err)
		test_fail(__FILE__, __LINE__, "%s: kernel %d, hive %d", what, k->err, h->err);
	if (k->true_size != h->true_size)
		test_fail(__FILE__, __LINE__, "%s: log_true_size kernel %u, hive %u", what,
			  k->true_size, h->true_size);
	if (size && memcmp(k->buf, h->buf, size))
		test_fail(__FILE__, __LINE__, "%s: log bytes differ\n--- kernel\n%.*s\n--- hive\n%.*s",
			  what, (int)size, k->buf, (int)size, h->buf);
}

TEST(verifier_log_full_buffers)
{
	static struct log_result k, h;
	bool kern;
	uint32_t lvl;

	REQUIRE(vt_maps_open() == 0);
	for (lvl = 1; lvl <= 2; lvl++) {
		load_both(prog_reject, N(prog_reject), lvl, sizeof(k.buf), true, &k, &h, &kern);
		CHECK_EQ(h.err, -EACCES);
		CHECK(strstr(h.buf, "R2 !read_ok") != NULL);
		CHECK(strstr(h.buf, "processed 11 insns") != NULL);
		CHECK_EQ(h.true_size, (uint32_t)strlen(h.buf) + 1);
		compare(lvl == 1 ? "reject level 1" : "reject level 2", &k, &h, h.true_size, kern);

		load_both(prog_accept, N(prog_accept), lvl, sizeof(k.buf), true, &k, &h, &kern);
		CHECK_EQ(h.err, 0);
		/* level 1 keeps only the stats of a safe program, but the size
		 * reported is the largest the log ever was (paths included) */
		if (lvl == 1) {
			CHECK(!strncmp(h.buf, "processed ", 10));
			CHECK(h.true_size > (uint32_t)strlen(h.buf) + 1);
		} else {
			CHECK_EQ(h.true_size, (uint32_t)strlen(h.buf) + 1);
		}
		compare(lvl == 1 ? "accept level 1" : "accept level 2", &k, &h, h.true_size, kern);
	}
	vt_maps_close();
}

TEST(verifier_log_truncation)
{
	static struct log_result k, h;
	static const uint32_t sizes[] = { 1, 2, 16, 64, 100, 255 };
	uint32_t i, need, fixed, size;
	char what[64];
	bool kern;

	REQUIRE(vt_maps_open() == 0);
	/* the size the whole log needs */
	load_both(prog_reject, N(prog_reject), LOG_LEVEL1, sizeof(k.buf), true, &k, &h, &kern);
	need = h.true_size;
	REQUIRE(need > 256);
	for (fixed = 0; fixed <= LOG_FIXED; fixed += LOG_FIXED) {
		for (i = 0; i < HIVE_ARRAY_LEN(sizes) + 2; i++) {
			size = i < HIVE_ARRAY_LEN(sizes) ? sizes[i] : i == HIVE_ARRAY_LEN(sizes) ? need - 1
												       : need;
			snprintf(what, sizeof(what), "%s buffer of %u bytes (log %u)",
				 fixed ? "fixed" : "rotating", size, need);
			load_both(prog_reject, N(prog_reject), LOG_LEVEL1 | fixed, size, true, &k, &h,
				  &kern);
			/* too small: ENOSPC wins over the verdict; the size is
			 * still reported and the buffer holds a terminated
			 * head (fixed) or tail (rotating) of the log */
			CHECK_EQ(h.err, size < need ? -ENOSPC : -EACCES);
			CHECK_EQ(h.true_size, need);
			CHECK_EQ((uint32_t)strnlen(h.buf, size), size - 1);
			if (fixed && size > 1)
				CHECK(!strncmp(h.buf, "0: R1=ctx() R10=fp0", size - 1 < 19 ? size - 1 : 19));
			if (!fixed && size > 20)
				CHECK(strstr(h.buf, "mark_read 0") != NULL);
			compare(what, &k, &h, size, kern);
		}
	}
	vt_maps_close();
}

TEST(verifier_log_size_query)
{
	static struct log_result k, h;
	bool kern;

	REQUIRE(vt_maps_open() == 0);
	/* no buffer: the verdict and the size a buffer would need */
	load_both(prog_reject, N(prog_reject), LOG_LEVEL1, 0, false, &k, &h, &kern);
	CHECK_EQ(h.err, -EACCES);
	CHECK(h.true_size > 256);
	compare("level 1 without a buffer", &k, &h, 0, kern);
	load_both(prog_accept, N(prog_accept), LOG_LEVEL2, 0, false, &k, &h, &kern);
	CHECK_EQ(h.err, 0);
	compare("level 2 without a buffer", &k, &h, 0, kern);
	/* level 0: no log, no size */
	load_both(prog_reject, N(prog_reject), 0, 0, false, &k, &h, &kern);
	CHECK_EQ(h.err, -EACCES);
	CHECK_EQ(h.true_size, 0);
	compare("level 0", &k, &h, 0, kern);
	vt_maps_close();
}

TEST(verifier_log_invalid_attributes)
{
	static struct log_result k, h;
	static const struct {
		uint32_t level, size;
		bool buf;
		const char *what;
	} bad[] = {
		{ 0, 100, true, "a buffer without a level" },
		{ 1, 0, true, "a buffer of size 0" },
		{ 1, 100, false, "a size without a buffer" },
		{ 16, 100, true, "level bit 16 (kernel-internal)" },
		{ 0x20, 100, true, "unknown level bit" },
		{ 1, (~0u >> 2) + 1, true, "a size over UINT_MAX >> 2" },
	};
	uint32_t i;
	bool kern;

	REQUIRE(vt_maps_open() == 0);
	for (i = 0; i < HIVE_ARRAY_LEN(bad); i++) {
		load_both(prog_accept, N(prog_accept), bad[i].level, bad[i].size, bad[i].buf, &k, &h,
			  &kern);
		if (h.err != -EINVAL)
			test_fail(__FILE__, __LINE__, "%s: hive %d, expected EINVAL", bad[i].what, h.err);
		if (kern && k.err != -EINVAL)
			test_fail(__FILE__, __LINE__, "%s: kernel %d, expected EINVAL", bad[i].what,
				  k.err);
	}
	vt_maps_close();
}

TEST(verifier_log_stats)
{
	static struct log_result k, h;
	bool kern;

	REQUIRE(vt_maps_open() == 0);
	/* the stats bit alone: verification time, stack depth, processed */
	load_both(prog_accept, N(prog_accept), LOG_STATS, sizeof(k.buf), true, &k, &h, &kern);
	CHECK_EQ(h.err, 0);
	CHECK(strstr(h.buf, "verification time ") != NULL);
	CHECK(strstr(h.buf, "stack depth 0\n") != NULL);
	CHECK(strstr(h.buf, "processed ") != NULL);
	if (kern) {
		CHECK_EQ(k.err, 0);
		drop_times(k.buf);
		drop_times(h.buf);
		CHECK_STR(h.buf, k.buf);
	}
	/* with level 1 the stats follow the (empty) log of a safe program */
	load_both(prog_reject, N(prog_reject), LOG_LEVEL1 | LOG_STATS, sizeof(k.buf), true, &k, &h,
		  &kern);
	CHECK_EQ(h.err, -EACCES);
	if (kern) {
		drop_times(k.buf);
		drop_times(h.buf);
		CHECK_STR(h.buf, k.buf);
	}
	vt_maps_close();
}
