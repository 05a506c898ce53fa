/*
 * test_verify_callbacks.c - callbacks (bpf_loop, bpf_for_each_map_elem)
 * through hive's verifier, against the live kernel's.
 *
 * The clang-built objects tests/progs/callbacks{,_ok,_bad}.bpf.o hold one
 * program per case (accepted: nested loops, a counter carried across
 * iterations, NULL contexts, loop counts from a map, for_each over hash,
 * array and per-CPU maps, callbacks with map lookups, for_each or a
 * subprogram call inside; refused: returns outside [0, 1], pointers
 * returned, a write past the context, a NULL context dereferenced, the
 * unbounded index as an offset, a key write, a ring buffer map, a global
 * callback, a stack too deep, a leaked reference). Each program's verdict, errno and level-1
 * log from `hive verify` must equal `hive --kernel verify`'s (the same
 * loader, the kernel's PROG_LOAD). Raw-instruction cases with hand-made
 * func_info (tests/unit/func_info_testutil.h) compare errno and the whole
 * level-1 log the same way. The accepted programs then run (verified, so
 * without runtime checks) on the JIT and the interpreter, with the
 * kernel's results. The hive-only checks (expected verdicts, first error
 * lines, results) run without a kernel; the comparisons SKIP without one.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "func_info_testutil.h"
#include "harness.h"
#include "hive/hive_bpf.h"
#include "hive/hive_object.h"
#include "test_cli_util.h"

static long hbpf(int cmd, union bpf_attr *a)
{
	return hive_bpf(cmd, a, sizeof(*a));
}

static long kbpf(int cmd, union bpf_attr *a)
{
	return syscall(SYS_bpf, cmd, a, sizeof(*a));
}

/* The line before the statistics line: the error of a refused program. */
static void last_error_line(const char *log, char *out, size_t size)
{
	const char *stats = strstr(log, "processed "), *start = log, *p;

	out[0] = 0;
	if (!stats)
		return;
	for (p = log; p < stats - 1; p++)
		if (*p == '\n')
			start = p + 1;
	snprintf(out, size, "%.*s", (int)(stats - 1 - start), start);
}

struct obj_case {
	const char *obj, *prog;
	const char *verdict;    /* "accepted" or "rejected (<strerror>)" */
	const char *error;      /* the error line of a refused program */
};

static const struct obj_case obj_cases[] = {
	{ "callbacks", "loop_and_iter", "accepted", NULL },
	{ "callbacks_ok", "nested_loops", "accepted", NULL },
	{ "callbacks_ok", "loop_counter", "accepted", NULL },
	{ "callbacks_ok", "loop_null_ctx", "accepted", NULL },
	{ "callbacks_ok", "loop_count_from_map", "accepted", NULL },
	{ "callbacks_ok", "for_each_hash", "accepted", NULL },
	{ "callbacks_ok", "for_each_array_write", "accepted", NULL },
	{ "callbacks_ok", "for_each_percpu", "accepted", NULL },
	{ "callbacks_ok", "loop_map_lookup", "accepted", NULL },
	{ "callbacks_ok", "loop_of_for_each", "accepted", NULL },
	{ "callbacks_ok", "loop_calls_subprog", "accepted", NULL },
	{ "callbacks_ok", "loop_scalar_proto", "accepted", NULL },
	{ "callbacks_bad", "ctx_read_uninit", "accepted", NULL },
	{ "callbacks_bad", "ret_out_of_range", "rejected (Invalid argument)",
	  "At callback return the register R0 has smin=2 smax=2 should have been in [0, 1]" },
	{ "callbacks_bad", "ret_pointer", "rejected (Invalid argument)",
	  "cannot return stack pointer to the caller" },
	{ "callbacks_bad", "ret_map_pointer", "rejected (Permission denied)",
	  "R0 not a scalar value" },
	{ "callbacks_bad", "ctx_write_oob", "rejected (Permission denied)",
	  "invalid write to stack R2 off=56 size=1" },
	{ "callbacks_bad", "ctx_null_deref", "rejected (Permission denied)",
	  "R2 invalid mem access 'scalar'" },
	{ "callbacks_bad", "index_unbounded", "rejected (Invalid argument)",
	  "math between fp pointer and register with unbounded min value is not allowed" },
	{ "callbacks_bad", "for_each_key_write", "rejected (Permission denied)",
	  "write to change key R2 not allowed" },
	{ "callbacks_bad", "for_each_ringbuf", "rejected (Unknown error 524)",
	  "callback function not allowed for map" },
	{ "callbacks_bad", "callback_global", "rejected (Invalid argument)",
	  "callback function not static" },
	{ "callbacks_bad", "callback_stack_too_deep", "rejected (Permission denied)",
	  "combined stack size of 2 calls is 608. Too large" },
	{ "callbacks_bad", "callback_ref_leak", "rejected (Invalid argument)",
	  "BPF_EXIT instruction in main prog would lead to reference leak" },
};

TEST(verify_callbacks_objects)
{
	char head[160], err[256];
	struct cli c;

	REQUIRE(cli_init(&c) == 0);
	for (size_t i = 0; i < sizeof(obj_cases) / sizeof(obj_cases[0]); i++) {
		const struct obj_case *k = &obj_cases[i];

		cli_run(&c, "verify $OBJ/%s.bpf.o prog %s", k->obj, k->prog);
		snprintf(head, sizeof(head), "prog %s (section ", k->prog);
		if (strncmp(c.out, head, strlen(head)) || !strstr(c.out, k->verdict)) {
			test_fail(__FILE__, __LINE__, "%s/%s: expected %s, got:\n%.2000s", k->obj,
				  k->prog, k->verdict, c.out);
			continue;
		}
		CHECK_EQ(c.status, k->error ? 255 : 0);
		if (!k->error)
			continue;
		last_error_line(c.out, err, sizeof(err));
		if (strcmp(err, k->error))
			test_fail(__FILE__, __LINE__, "%s/%s: error line '%s', expected '%s'", k->obj,
				  k->prog, err, k->error);
	}
	cli_fini(&c);
}

TEST(verify_callbacks_objects_vs_kernel)
{
	int same = 0, n = 0;
	char *hlog, *klog;
	struct cli c;

	if (!test_kernel_bpf_available())
		SKIP("the kernel's bpf() is not available");
	REQUIRE(cli_init(&c) == 0);
	for (size_t i = 0; i < sizeof(obj_cases) / sizeof(obj_cases[0]); i++) {
		const struct obj_case *k = &obj_cases[i];

		cli_run(&c, "verify $OBJ/%s.bpf.o prog %s log_level 1", k->obj, k->prog);
		hlog = strdup(c.out);
		cli_run(&c, "--kernel verify $OBJ/%s.bpf.o prog %s log_level 1", k->obj, k->prog);
		klog = strdup(c.out);
		REQUIRE(hlog && klog);
		cli_mask_addrs(hlog);
		cli_mask_addrs(klog);
		n++;
		if (!strcmp(hlog, klog))
			same++;
		else
			test_fail(__FILE__, __LINE__, "%s/%s: level-1 logs differ (hive, then kernel):\n"
				  "%.3000s\n----\n%.3000s", k->obj, k->prog, hlog, klog);
		free(hlog);
		free(klog);
	}
	fprintf(stderr, "    callback programs: %d/%d with the kernel's verdict, errno and level-1 log\n",
		same, n);
	cli_fini(&c);
}

/* ---- raw instructions with hand-made func_info ---------------------------- */

#define LD_FUNC(dst, off) HIVE_LD_IMM64_LO(dst, HIVE_PSEUDO_FUNC, off), HIVE_LD_IMM64_HI(0)

struct raw_case {
	const char *name;
	struct hive_insn insns[24];
	uint32_t cnt;
	uint32_t cb_off[2], n_cb, global_cb;
	bool no_func_info;
	int err;                 /* 0: accepted, else -errno */
	const char *error;       /* expected error line */
};

static const struct raw_case raw_cases[] = {
	{ "bpf_loop without func_info", {
		HIVE_MOV64_IMM(1, 4), LD_FUNC(2, 6), HIVE_MOV64_IMM(3, 0), HIVE_MOV64_IMM(4, 0),
		HIVE_CALL_HELPER(BPF_FUNC_loop), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN(),
		HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN() }, 10, { 8 }, 1, 0, true,
	  -EINVAL, "missing btf func_info" },
	{ "global callback", {
		HIVE_MOV64_IMM(1, 4), LD_FUNC(2, 6), HIVE_MOV64_IMM(3, 0), HIVE_MOV64_IMM(4, 0),
		HIVE_CALL_HELPER(BPF_FUNC_loop), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN(),
		HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN() }, 10, { 8 }, 1, 1, false,
	  -EINVAL, "callback function not static" },
	{ "callback returns 1 or 0", {
		HIVE_MOV64_IMM(1, 4), LD_FUNC(2, 6), HIVE_MOV64_IMM(3, 0), HIVE_MOV64_IMM(4, 0),
		HIVE_CALL_HELPER(BPF_FUNC_loop), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN(),
		HIVE_MOV64_IMM(0, 0), HIVE_JMP_IMM(HIVE_JGT, 1, 2, 1), HIVE_MOV64_IMM(0, 1),
		HIVE_EXIT_INSN() }, 12, { 8 }, 1, 0, false, 0, NULL },
	{ "callback returns the index", {
		HIVE_MOV64_IMM(1, 4), LD_FUNC(2, 6), HIVE_MOV64_IMM(3, 0), HIVE_MOV64_IMM(4, 0),
		HIVE_CALL_HELPER(BPF_FUNC_loop), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN(),
		HIVE_MOV64_REG(0, 1), HIVE_EXIT_INSN() }, 10, { 8 }, 1, 0, false,
	  -EINVAL, "At callback return the register R0 has unknown scalar value should have been in [0, 1]" },
	{ "callback leaves r0 unset", {
		HIVE_MOV64_IMM(1, 4), LD_FUNC(2, 6), HIVE_MOV64_IMM(3, 0), HIVE_MOV64_IMM(4, 0),
		HIVE_CALL_HELPER(BPF_FUNC_loop), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN(),
		HIVE_EXIT_INSN() }, 9, { 8 }, 1, 0, false, -EACCES, "R0 not a scalar value" },
	{ "callback reads r3", {
		HIVE_MOV64_IMM(1, 4), LD_FUNC(2, 6), HIVE_MOV64_IMM(3, 0), HIVE_MOV64_IMM(4, 0),
		HIVE_CALL_HELPER(BPF_FUNC_loop), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN(),
		HIVE_MOV64_REG(0, 3), HIVE_EXIT_INSN() }, 10, { 8 }, 1, 0, false,
	  -EACCES, "R3 !read_ok" },
	{ "ctx that is no stack pointer", {
		HIVE_MOV64_IMM(1, 4), LD_FUNC(2, 6), HIVE_MOV64_IMM(3, 8), HIVE_MOV64_IMM(4, 0),
		HIVE_CALL_HELPER(BPF_FUNC_loop), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN(),
		HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN() }, 10, { 8 }, 1, 0, false,
	  -EACCES, "R3 type=scalar expected=fp" },
	{ "a scalar as the callback", {
		HIVE_MOV64_IMM(1, 4), HIVE_MOV64_IMM(2, 0), HIVE_MOV64_IMM(3, 0), HIVE_MOV64_IMM(4, 0),
		HIVE_CALL_HELPER(BPF_FUNC_loop), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN() }, 7, { 0 },
	  0, 0, false, -EACCES, "R2 type=scalar expected=func" },
	{ "the callback's stack, then the caller's", {
		HIVE_ST_MEM(HIVE_DW, 10, -8, 0), HIVE_MOV64_IMM(1, 3), LD_FUNC(2, 7),
		HIVE_MOV64_REG(3, 10), HIVE_ALU64_IMM(HIVE_ADD, 3, -8), HIVE_MOV64_IMM(4, 0),
		HIVE_CALL_HELPER(BPF_FUNC_loop), HIVE_LDX_MEM(HIVE_DW, 0, 10, -8), HIVE_EXIT_INSN(),
		HIVE_ST_MEM(HIVE_DW, 10, -16, 7), HIVE_LDX_MEM(HIVE_DW, 3, 10, -16),
		HIVE_STX_MEM(HIVE_DW, 2, 3, 0), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN() }, 15,
	  { 10 }, 1, 0, false, 0, NULL },
};

static int raw_load(fi_bpf_fn bpf, const struct raw_case *k, char *log, uint32_t size)
{
	struct fi_load l = { BPF_PROG_TYPE_XDP, k->insns, k->cnt, k->cb_off, k->n_cb, k->global_cb,
			     0, log, size, 1 };
	union bpf_attr a;
	int fd;

	log[0] = 0;
	if (!k->no_func_info) {
		fd = fi_prog_load(bpf, &l);
	} else {
		memset(&a, 0, sizeof(a));
		a.prog_type = BPF_PROG_TYPE_XDP;
		a.insns = (uintptr_t)k->insns;
		a.insn_cnt = k->cnt;
		a.license = (uintptr_t)"GPL";
		a.log_buf = (uintptr_t)log;
		a.log_size = size;
		a.log_level = 1;
		fd = (int)bpf(BPF_PROG_LOAD, &a);
		if (fd < 0)
			fd = -errno;
	}
	if (fd >= 0)
		close(fd);
	return fd < 0 ? fd : 0;
}

TEST(verify_callbacks_raw)
{
	static char hlog[16384], klog[16384];
	bool kernel = test_kernel_bpf_available();
	char err[256];
	int same = 0;

	for (size_t i = 0; i < sizeof(raw_cases) / sizeof(raw_cases[0]); i++) {
		const struct raw_case *k = &raw_cases[i];
		int herr = raw_load(hbpf, k, hlog, sizeof(hlog)), kerr;

		if (herr != k->err) {
			test_fail(__FILE__, __LINE__, "%s: hive %d, expected %d:\n%s", k->name, herr,
				  k->err, hlog);
			continue;
		}
		last_error_line(hlog, err, sizeof(err));
		if (k->error && strcmp(err, k->error))
			test_fail(__FILE__, __LINE__, "%s: error line '%s', expected '%s'", k->name,
				  err, k->error);
		if (!kernel)
			continue;
		kerr = raw_load(kbpf, k, klog, sizeof(klog));
		CHECK_EQ(herr, kerr);
		if (herr == kerr && !strcmp(hlog, klog))
			same++;
		else
			test_fail(__FILE__, __LINE__, "%s: hive %d, kernel %d; logs:\n%s----\n%s",
				  k->name, herr, kerr, hlog, klog);
	}
	if (!kernel)
		SKIP("the kernel's bpf() is not available (hive's verdicts checked)");
	fprintf(stderr, "    raw callback cases: %d/%zu with the kernel's errno and level-1 log\n", same,
		sizeof(raw_cases) / sizeof(raw_cases[0]));
}

/* ---- verified callbacks run unchecked --------------------------------------- */

/* Each program of callbacks_ok.bpf.o on a zeroed 64-byte packet: r0. */
static const struct { const char *prog; uint32_t retval; } run_cases[] = {
	{ "nested_loops", 1 },         /* 3x4 cells sum to 210 > 100: XDP_DROP */
	{ "loop_counter", 2 },         /* stops after 5 iterations: XDP_PASS */
	{ "loop_null_ctx", 1 },        /* 4 iterations > 3 */
	{ "loop_count_from_map", 1 },  /* slots[0] = 0 loops, sum 0: XDP_DROP */
	{ "for_each_hash", 2 },        /* empty map: XDP_PASS */
	{ "for_each_array_write", 0 },
	{ "for_each_percpu", 0 },
	{ "loop_map_lookup", 2 },      /* 20 iterations: XDP_PASS */
	{ "loop_of_for_each", 0 },
	{ "loop_calls_subprog", 1 },   /* the parity of the mixed hash */
	{ "loop_scalar_proto", 2 },
};

static int run_prog(long (*bpf)(int, union bpf_attr *), int fd, uint32_t *retval)
{
	static uint8_t pkt[64];
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.test.prog_fd = (uint32_t)fd;
	a.test.data_in = (uintptr_t)pkt;
	a.test.data_size_in = sizeof(pkt);
	if (bpf(BPF_PROG_TEST_RUN, &a))
		return -errno;
	*retval = a.test.retval;
	return 0;
}

static void run_callbacks_ok(const char *engine, int kernel)
{
	struct hive_object_open_opts o = { .sz = sizeof(o), .kernel = kernel != 0 };
	struct hive_object *obj;
	struct bpf_prog_info info;
	union bpf_attr a;
	uint32_t retval = 0;

	setenv("HIVE_ENGINE", engine, 1);
	obj = hive_object__open_file(test_build_path("tests/progs/callbacks_ok.bpf.o"), &o);
	REQUIRE(obj);
	REQUIRE(hive_object__load(obj) == 0);
	for (size_t i = 0; i < sizeof(run_cases) / sizeof(run_cases[0]); i++) {
		struct hive_program *p = hive_object__find_program_by_name(obj, run_cases[i].prog);
		int fd = p ? hive_program__fd(p) : -1;

		REQUIRE(fd >= 0);
		if (!kernel) {
			/* verified: run without runtime checks */
			memset(&info, 0, sizeof(info));
			memset(&a, 0, sizeof(a));
			a.info.bpf_fd = (uint32_t)fd;
			a.info.info_len = sizeof(info);
			a.info.info = (uintptr_t)&info;
			CHECK_EQ(hbpf(BPF_OBJ_GET_INFO_BY_FD, &a), 0);
			CHECK(info.verified_insns > 0);
		}
		CHECK_EQ(run_prog(kernel ? kbpf : hbpf, fd, &retval), 0);
		if (retval != run_cases[i].retval)
			test_fail(__FILE__, __LINE__, "%s (%s): r0 %u, expected %u", run_cases[i].prog,
				  kernel ? "kernel" : engine, retval, run_cases[i].retval);
	}
	hive_object__close(obj);
}

TEST(verify_callbacks_run)
{
	static char dir[] = "/tmp/hive-vcb-XXXXXX";

	REQUIRE(mkdtemp(dir));
	setenv("HIVE_FS", dir, 1);
	unsetenv("HIVE_VM_CHECKS");
	run_callbacks_ok("jit", 0);
	run_callbacks_ok("interp", 0);
	if (!test_kernel_bpf_available())
		SKIP("the kernel's bpf() is not available (hive's results checked)");
	run_callbacks_ok("jit", 1);
}
