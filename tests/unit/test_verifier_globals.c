/*
 * test_verifier_globals.c - global subprograms (BTF func_info linkage
 * GLOBAL): verified once on their own from their prototype, with the
 * call sites checked against it. The objects are clang-built (raw
 * instructions carry no BTF): tests/progs/global_funcs.bpf.c holds
 * programs the kernel accepts, tests/cli/global_refused.bpf.c (built here,
 * since every object of tests/progs must load) programs it refuses.
 * hive's verdicts and log lines are checked on their own, then the whole
 * output of `hive verify` is compared with `hive --kernel verify` (the
 * same loader, the live kernel's verifier) at log levels 1, 2 and 4.
 */
#include <string.h>
#include <sys/utsname.h>

#include "harness.h"
#include "test_cli_util.h"
#include "util/util.h"

/* Each refused program, its verdict and the line that says why. */
static const struct {
	const char *prog, *verdict, *line;
} refused[] = {
	{ "null_unchecked", "Permission denied", "R1 invalid mem access 'mem_or_null'\n" },
	{ "null_unchecked_tc", "Permission denied", "R1 invalid mem access 'mem_or_null'\n" },
	{ "pkt_for_ctx", "Invalid argument", "arg#0 expects pointer to ctx\n" },
	{ "stack_too_small", "Invalid argument", "invalid read from stack R1 off=-1 size=8\n" },
	{ "scalar_for_ptr", "Invalid argument", "R1 type=scalar expected=fp\n" },
	{ "ptr_for_scalar", "Invalid argument", "R1 is not a scalar\n" },
	{ "returns_void", "Invalid argument",
	  "Global function set_gv() doesn't return scalar. Only those are supported.\n" },
	{ "returns_ptr", "Invalid argument",
	  "Global function ptr_to_gv() doesn't return scalar. Only those are supported.\n" },
	{ "incomplete_type", "Invalid argument",
	  "arg#0 reference type('FWD opaque') size cannot be determined: -22\n" },
	{ "void_ptr", "Invalid argument",
	  "arg#0 reference type('UNKNOWN ') size cannot be determined: -22\n" },
	{ "stack_ptr_returned", "Invalid argument",
	  "At subprogram exit the register R0 is not a scalar value (fp)\n" },
	{ "nested_bad", "Permission denied", "R1 invalid mem access 'mem_or_null'\n" },
	{ "under_lock", "Invalid argument", "use static function instead\n" },
	{ "null_for_nonnull", "Invalid argument", "arg#0 is expected to be non-NULL\n" },
	{ "static_mismatch", "Permission denied", "R0 pointer arithmetic with <<= operator prohibited\n" },
	{ "pkt_too_short", "Invalid argument", "R1 offset is outside of the packet\n" },
	{ "pkt_after_adjust", "Permission denied", "R6 invalid mem access 'scalar'\n" },
	{ "stack_combined", "Permission denied", "combined stack size of 2 calls is 608. Too large\n" },
	{ "tp_void_ctx", "Permission denied",
	  "arg#0 reference type('UNKNOWN ') size cannot be determined: -22\n" },
};

/* The part of `hive verify` output about program @prog (its verdict line
 * up to the next program's), copied into @out. */
static void prog_section(const char *all, const char *prog, char *out, size_t size)
{
	char head[128];
	const char *p, *e;
	size_t n;

	out[0] = 0;
	snprintf(head, sizeof(head), "prog %s (", prog);
	p = strstr(all, head);
	if (!p)
		return;
	e = strstr(p + 1, "\nprog ");
	n = e ? (size_t)(e - p) + 1 : strlen(p);
	if (n >= size)
		n = size - 1;
	memcpy(out, p, n);
	out[n] = 0;
}

TEST(verifier_globals_refused)
{
	char sec[16384], want[256];
	struct cli c;
	size_t i;

	REQUIRE(cli_init(&c) == 0);
	if (cli_compile(&c, "tests/cli/global_refused.bpf.c", "gr.o"))
		SKIP("clang cannot build tests/cli/global_refused.bpf.c");
	cli_run(&c, "verify gr.o");
	CHECK_EQ(c.status, 255);
	for (i = 0; i < HIVE_ARRAY_SIZE(refused); i++) {
		prog_section(c.out, refused[i].prog, sec, sizeof(sec));
		snprintf(want, sizeof(want), "): rejected (%s)\n", refused[i].verdict);
		if (!strstr(sec, want) || !cli_has_line(sec, refused[i].line)) {
			test_fail(__FILE__, __LINE__, "%s: want %s and %s", refused[i].prog, want,
				  refused[i].line);
			fprintf(stderr, "%s\n", sec);
		}
	}
	/* a caller-side refusal names the function; the callee is not entered */
	prog_section(c.out, "pkt_for_ctx", sec, sizeof(sec));
	CHECK(cli_has_line(sec, "Caller passes invalid args into func#1 ('use_ctx')\n"));
	CHECK(strstr(sec, "Validating") == NULL);
	/* a callee refusal: the main pass passed (its log dropped at level 1) */
	prog_section(c.out, "null_unchecked", sec, sizeof(sec));
	CHECK(strstr(sec, "\nValidating deref_unchecked() func#1...\n") != NULL);
	CHECK(strstr(sec, "R1=mem_or_null(id=1,sz=4)") != NULL);
	CHECK(strstr(sec, "is global and assumed valid") == NULL);
	/* a static function's prototype mismatch is only logged */
	prog_section(c.out, "static_mismatch", sec, sizeof(sec));
	CHECK(cli_has_line(sec, "R1 is not a scalar\n"));
	/* verified in a second round: the global called by a global */
	prog_section(c.out, "nested_bad", sec, sizeof(sec));
	CHECK(strstr(sec, "Func#1 ('outer') is safe for any args that match its prototype\n"
			  "Validating inner_bad() func#2...\n") != NULL);
	cli_fini(&c);
}

TEST(verifier_globals_accepted)
{
	struct cli c;

	REQUIRE(cli_init(&c) == 0);
	cli_run(&c, "verify $OBJ/global_funcs.bpf.o");
	CHECK_EQ(c.status, 0);
	CHECK(strstr(c.out, "rejected") == NULL);
	/* level 1: the last pass's "safe" line survives */
	CHECK(strstr(c.out, "prog glob_chain (section xdp): accepted\n"
			    "Func#5 ('mix') is safe for any args that match its prototype\nprocessed ") !=
	      NULL);
	cli_run(&c, "verify $OBJ/global_funcs.bpf.o prog glob_xdp log_level 2");
	CHECK_EQ(c.status, 0);
	CHECK(cli_has_line(c.out, "Func#1 ('deref_checked') is global and assumed valid.\n"));
	CHECK(cli_has_line(c.out, "Validating queue_of() func#2...\n"));
	CHECK(strstr(c.out, "R1=ctx() R10=fp0") != NULL);
	/* a NULL argument is precise: the callee's NULL check depends on it */
	CHECK(strstr(c.out, "mark_precise: frame0: regs=r1 stack= before") != NULL);
	/* only called from dead code: never verified */
	CHECK(strstr(c.out, "dead_bad") == NULL);
	/* the processed counts of all passes add up */
	CHECK(strstr(c.out, "processed 42 insns") != NULL);
	cli_fini(&c);
}

static void compare_with_kernel(struct cli *c, const char *obj, int level)
{
	char *h, *k;

	cli_run(c, "verify %s log_level %d", obj, level);
	h = strdup(c->out);
	cli_run(c, "--kernel verify %s log_level %d", obj, level);
	k = strdup(c->out);
	if (!h || !k) {
		test_fail(__FILE__, __LINE__, "out of memory");
		goto out;
	}
	cli_mask_addrs(h);
	cli_mask_addrs(k);
	/* statistics: the verification time is the verifier's own */
	cli_mask(h, "verification time ");
	cli_mask(k, "verification time ");
	if (strcmp(h, k)) {
		test_fail(__FILE__, __LINE__, "%s log_level %d differs from the kernel's", obj, level);
		fprintf(stderr, "--- hive\n%.6000s\n--- kernel\n%.6000s\n", h, k);
	}
out:
	free(h);
	free(k);
}

TEST(verifier_globals_match_kernel)
{
	struct utsname u;
	struct cli c;
	int level;

	if (!test_kernel_bpf_available())
		SKIP("the kernel's bpf() is not available");
	if (uname(&u) || strncmp(u.release, "6.18", 4))
		SKIP("the expected logs are Linux 6.18's (running %s)", u.release);
	REQUIRE(cli_init(&c) == 0);
	if (cli_compile(&c, "tests/cli/global_refused.bpf.c", "gr.o"))
		SKIP("clang cannot build tests/cli/global_refused.bpf.c");
	for (level = 1; level <= 4; level *= 2) {
		compare_with_kernel(&c, "gr.o", level);
		compare_with_kernel(&c, "$OBJ/global_funcs.bpf.o", level);
	}
	cli_fini(&c);
}
