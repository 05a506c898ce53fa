/*
 * test_verifier.c - table-driven verifier cases (tests/verifier/cases.h).
 *
 * Each case runs through hive_verify() and must give the expected errno and
 * contain the expected substring in its level-1 log. When the kernel's bpf()
 * is usable the case is also loaded there: the kernel must agree with the
 * expectation (so the table is a statement about Linux 6.18), and hive's
 * level-1 log must equal the kernel's (addresses masked).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "verifier/vtest.h"

#define C_LD_MAP(dst, idx) \
	HIVE_INSN(HIVE_LD | HIVE_DW | HIVE_IMM, dst, HIVE_PSEUDO_MAP_FD, 0, vt_map_fd[idx]), \
	HIVE_INSN(0, 0, 0, 0, 0)
#define C_LDDW(dst, v) HIVE_LD_IMM64_LO(dst, 0, v), HIVE_LD_IMM64_HI(v)
#define C_CALL_SUB(off) HIVE_INSN(HIVE_JMP | HIVE_CALL, 0, HIVE_PSEUDO_CALL, 0, off)
#define C_LD_ABS(sz, imm) HIVE_INSN(HIVE_LD | (sz) | HIVE_ABS, 0, 0, 0, imm)
#define C_ATOMIC(sz, dst, src, off, op) HIVE_INSN(HIVE_STX | (sz) | HIVE_ATOMIC, dst, src, off, op)

struct case_stats {
	size_t cases;
	size_t kernel_cases;
	size_t agree;
};

static void run_case(struct case_stats *st, const char *name, uint32_t prog_type, int expect,
		     const char *msg, const struct hive_insn *p, uint32_t cnt)
{
	struct vt_result h, k;
	char ke[256];

	st->cases++;
	if (vt_hive(p, cnt, prog_type, 0, 1, &h))
		return;
	if (getenv("VT_DUMP") && vt_kernel(p, cnt, prog_type, 0, 1, &k) == 0) {
		char he[256];

		vt_error_line(k.log, ke, sizeof(ke));
		vt_error_line(h.log, he, sizeof(he));
		fprintf(stderr, "%-36s expect %4d kernel %4d hive %4d | %s | %s\n", name, expect, k.err, h.err,
		       ke, strcmp(ke, he) ? he : "=");
		vt_result_free(&k);
	}
	if (h.err != expect)
		test_fail(__FILE__, __LINE__, "%s: hive returned %d, expected %d\n%s", name, h.err,
			  expect, h.log);
	if (msg[0] && !strstr(h.log, msg))
		test_fail(__FILE__, __LINE__, "%s: hive log lacks \"%s\":\n%s", name, msg, h.log);
	if (vt_kernel(p, cnt, prog_type, 0, 1, &k) == 0) {
		char *kn = vt_normalize(k.log), *hn = vt_normalize(h.log);

		st->kernel_cases++;
		vt_error_line(k.log, ke, sizeof(ke));
		if (k.err != expect)
			test_fail(__FILE__, __LINE__, "%s: the kernel returned %d (expected %d): %s", name,
				  k.err, expect, ke);
		else if (kn && hn && strcmp(kn, hn))
			test_fail(__FILE__, __LINE__, "%s: level-1 logs differ\n--- kernel\n%s--- hive\n%s",
				  name, kn, hn);
		else
			st->agree++;
		free(kn);
		free(hn);
		vt_result_free(&k);
	}
	vt_result_free(&h);
}

/* Each case becomes a block: instructions may use run-time map fds. */
#define VCASE(nm, pt, err, m, ...)                                                   \
	{                                                                            \
		const struct hive_insn p_[] = { __VA_ARGS__ };                       \
		run_case(&st, #nm, pt, err, m, p_, sizeof(p_) / sizeof(p_[0]));      \
	}

TEST(verifier_cases)
{
	struct case_stats st = { 0, 0, 0 };

	REQUIRE(vt_maps_open() == 0);
#include "verifier/cases.h"
	vt_maps_close();
	if (st.kernel_cases)
		printf("verifier_cases: %zu cases, %zu/%zu identical to the kernel\n", st.cases,
		       st.agree, st.kernel_cases);
	else
		printf("verifier_cases: %zu cases (no kernel to compare with)\n", st.cases);
}
