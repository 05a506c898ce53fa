/*
 * test_helpers.c - hive's built-in helpers: the kernel's format rules
 * (bpf_trace_printk / bpf_snprintf), the trace log, strtol/strtoul, loop,
 * fault-safe probe reads, get_stack, the helper registry and embedder
 * helpers.
 * Programs run through hive_bpf(); where the live kernel accepts the same
 * program, results are compared with it.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "func_info_testutil.h"
#include "harness.h"
#include "helpers/helpers.h"
#include "hive/hive_bpf.h"
#include "hive/hive_events.h"
#include "hive/hive_helpers.h"
#include "hive/hive_insn.h"

static int fmt(char *out, size_t n, const char *f, uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t args[3] = { a, b, c };

	return helper_bprintf(out, n, f, strlen(f) + 1, args, 3);
}

TEST(helpers_bprintf_formats)
{
	char out[256];
	static const char str[] = "hive";
	uint8_t ip4[4] = { 10, 1, 2, 3 };
	uint8_t ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

	CHECK_EQ(fmt(out, sizeof(out), "a=%d b=%u c=%x", (uint64_t)-5, 7, 255), 13);
	CHECK_STR(out, "a=-5 b=7 c=ff");
	CHECK_EQ(fmt(out, sizeof(out), "%ld %lld %llu", (uint64_t)-1, (uint64_t)-2, (uint64_t)-1) > 0, 1);
	CHECK_STR(out, "-1 -2 18446744073709551615");
	fmt(out, sizeof(out), "%d", 0x1ffffffffull, 0, 0);   /* int conversions truncate */
	CHECK_STR(out, "-1");
	fmt(out, sizeof(out), "[%5d|%-5d|%05x]", 42, 42, 42);
	CHECK_STR(out, "[   42|42   |0002a]");
	fmt(out, sizeof(out), "[%+d|% i]", 42, 42, 0);
	CHECK_STR(out, "[+42| 42]");
	fmt(out, sizeof(out), "%s, %c%c", (uint64_t)(uintptr_t)str, 'o', 'k');
	CHECK_STR(out, "hive, ok");
	fmt(out, sizeof(out), "%pI4 %pi4", (uint64_t)(uintptr_t)ip4, (uint64_t)(uintptr_t)ip4, 0);
	CHECK_STR(out, "10.1.2.3 010.001.002.003");
	fmt(out, sizeof(out), "%pI6", (uint64_t)(uintptr_t)ip6, 0, 0);
	CHECK_STR(out, "2001:0db8:0000:0000:0000:0000:0000:0001");
	fmt(out, sizeof(out), "%px", 0x1234, 0, 0);
	CHECK_STR(out, "0000000000001234");
	fmt(out, sizeof(out), "100%% %s.", 0, 0, 0);   /* unreadable string: empty */
	CHECK_STR(out, "100% .");
	/* truncation: full length returned, output cut and terminated */
	CHECK_EQ(fmt(out, 4, "abcdef", 0, 0, 0), 6);
	CHECK_STR(out, "abc");
	/* errors, as bpf_bprintf_prepare */
	CHECK_EQ(fmt(out, sizeof(out), "%d %d %d %d", 1, 2, 3), -EINVAL);
	CHECK_EQ(fmt(out, sizeof(out), "%lc", 1, 0, 0), -EINVAL);
	CHECK_EQ(fmt(out, sizeof(out), "%hd", 1, 0, 0), -EINVAL);
	CHECK_EQ(fmt(out, sizeof(out), "%.2d", 1, 0, 0), -EINVAL);
	CHECK_EQ(fmt(out, sizeof(out), "%sx", (uint64_t)(uintptr_t)str, 0, 0), -EINVAL);
	CHECK_EQ(fmt(out, sizeof(out), "\x01", 0, 0, 0), -EINVAL);
	CHECK_EQ(fmt(out, sizeof(out), "%pX4", 0, 0, 0), -EINVAL);
	CHECK_EQ(helper_bprintf(out, sizeof(out), "no nul", 6, NULL, 0), -EINVAL);
}

static long hbpf(int cmd, union bpf_attr *a)
{
	return hive_bpf(cmd, a, sizeof(*a));
}

static long kbpf(int cmd, union bpf_attr *a)
{
	return syscall(SYS_bpf, cmd, a, sizeof(*a));
}

/* Run program @fd (closed after) once on @ctx; @fd may be a -errno. */
static int run_fd(long (*bpf)(int, union bpf_attr *), int fd, void *ctx, uint32_t ctx_size,
		  uint32_t *retval)
{
	union bpf_attr a;
	int err = 0;

	if (fd < 0)
		return fd;
	memset(&a, 0, sizeof(a));
	a.test.prog_fd = (uint32_t)fd;
	a.test.ctx_in = (uintptr_t)ctx;
	a.test.ctx_size_in = ctx_size;
	if (bpf(BPF_PROG_TEST_RUN, &a))
		err = -errno;
	*retval = a.test.retval;
	close(fd);
	return err;
}

/* Load @insns as a sleepable syscall program and run it on @ctx. */
static int run_syscall(long (*bpf)(int, union bpf_attr *), const struct hive_insn *insns,
		       uint32_t cnt, void *ctx, uint32_t ctx_size, uint32_t *retval)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SYSCALL;
	a.prog_flags = BPF_F_SLEEPABLE;
	a.insns = (uintptr_t)insns;
	a.insn_cnt = cnt;
	a.license = (uintptr_t)"GPL";
	fd = (int)bpf(BPF_PROG_LOAD, &a);
	return run_fd(bpf, fd < 0 ? -errno : fd, ctx, ctx_size, retval);
}

/* ctx: char buf[32]; u64 res. r0 = strtol(buf, len, flags, &res); res stored at ctx+32 */
static void strtox(int helper, const char *s, uint32_t len, uint32_t flags, bool kernel)
{
	/* the string goes to the stack first: helpers take memory, not ctx */
	struct hive_insn prog[] = {
		HIVE_MOV64_REG(6, 1),
		HIVE_LDX_MEM(HIVE_DW, 1, 6, 0),
		HIVE_STX_MEM(HIVE_DW, 10, 1, -40),
		HIVE_LDX_MEM(HIVE_DW, 1, 6, 8),
		HIVE_STX_MEM(HIVE_DW, 10, 1, -32),
		HIVE_LDX_MEM(HIVE_DW, 1, 6, 16),
		HIVE_STX_MEM(HIVE_DW, 10, 1, -24),
		HIVE_LDX_MEM(HIVE_DW, 1, 6, 24),
		HIVE_STX_MEM(HIVE_DW, 10, 1, -16),
		HIVE_MOV64_REG(1, 10),
		HIVE_ALU64_IMM(HIVE_ADD, 1, -40),
		HIVE_MOV64_IMM(2, (int32_t)len),
		HIVE_MOV64_IMM(3, (int32_t)flags),
		HIVE_MOV64_REG(4, 10),
		HIVE_ALU64_IMM(HIVE_ADD, 4, -8),
		HIVE_ST_MEM(HIVE_DW, 10, -8, 0),
		HIVE_CALL_HELPER(helper),
		HIVE_LDX_MEM(HIVE_DW, 1, 10, -8),
		HIVE_STX_MEM(HIVE_DW, 6, 1, 32),
		HIVE_EXIT_INSN(),
	};
	const uint32_t cnt = sizeof(prog) / sizeof(prog[0]);
	struct { char buf[32]; int64_t res; } hc, kc;
	uint32_t hr = 0, kr = 0;
	int herr, kerr;

	memset(&hc, 0, sizeof(hc));
	memcpy(hc.buf, s, strlen(s));
	kc = hc;
	herr = run_syscall(hbpf, prog, cnt, &hc, sizeof(hc), &hr);
	CHECK_EQ(herr, 0);
	if (!kernel)
		return;
	kerr = run_syscall(kbpf, prog, cnt, &kc, sizeof(kc), &kr);
	if (kerr) {
		test_fail(__FILE__, __LINE__, "kernel refused the strtol program: %d", kerr);
		return;
	}
	if (hr != kr || hc.res != kc.res)
		test_fail(__FILE__, __LINE__, "strto%s(\"%s\", %u, %u): kernel %d/%lld hive %d/%lld",
			  helper == BPF_FUNC_strtol ? "l" : "ul", s, len, flags, (int)kr,
			  (long long)kc.res, (int)hr, (long long)hc.res);
}

TEST(helpers_strtol_vs_kernel)
{
	static const struct { const char *s; uint32_t len, flags; } cases[] = {
		{ "123", 3, 0 }, { "  -42xyz", 8, 0 }, { "0x1f", 4, 0 }, { "0x1f", 4, 16 },
		{ "017", 3, 0 }, { "017", 3, 10 }, { "zz", 2, 0 }, { "-", 1, 0 }, { "  ", 2, 0 },
		{ "99999999999999999999", 20, 0 }, { "9223372036854775808", 19, 0 },
		{ "-9223372036854775808", 20, 0 }, { "12", 2, 7 }, { "12", 2, 0x20 },
		{ "0x", 2, 0 }, { "0xg", 3, 16 }, { "\t\n7", 3, 10 },
	};
	bool kernel = test_kernel_bpf_available();

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		strtox(BPF_FUNC_strtol, cases[i].s, cases[i].len, cases[i].flags, kernel);
		strtox(BPF_FUNC_strtoul, cases[i].s, cases[i].len, cases[i].flags, kernel);
	}
}

TEST(helpers_trace_printk_to_tracelog)
{
	/* fmt "n=%d\n" at fp-8 (6 bytes with the NUL); trace_printk(fmt, 6, 77) */
	struct hive_insn prog[] = {
		HIVE_ST_MEM(HIVE_W, 10, -8, 0x64253d6e), /* "n=%d" */
		HIVE_ST_MEM(HIVE_H, 10, -4, 0x000a),     /* "\n\0" */
		HIVE_MOV64_REG(1, 10),
		HIVE_ALU64_IMM(HIVE_ADD, 1, -8),
		HIVE_MOV64_IMM(2, 6),
		HIVE_MOV64_IMM(3, 77),
		HIVE_CALL_HELPER(BPF_FUNC_trace_printk),
		HIVE_EXIT_INSN(),
	};
	struct hive_tracelog *t;
	char line[512];
	uint64_t ctx = 0;
	uint32_t ret = 0;
	int n;

	t = hive_tracelog_open();
	REQUIRE(t);
	while (hive_tracelog_read(t, line, sizeof(line), 0) > 0)
		; /* drain older lines */
	REQUIRE(run_syscall(hbpf, prog, 8, &ctx, 8, &ret) == 0);
	CHECK_EQ(ret, 5);                  /* strlen("n=77\n") */
	n = hive_tracelog_read(t, line, sizeof(line), 2000);
	CHECK(n > 0);
	CHECK(strstr(line, "bpf_trace_printk: n=77\n") != NULL);
	CHECK(strstr(line, "] ") != NULL && line[strlen(line) - 1] == '\n');
	hive_tracelog_close(t);
}

TEST(helpers_probe_read_is_fault_safe)
{
	/* probe_read_user(fp-8, 8, ctx->addr): returns err; r0 = err */
	struct hive_insn prog[] = {
		HIVE_LDX_MEM(HIVE_DW, 3, 1, 0),
		HIVE_MOV64_REG(1, 10),
		HIVE_ALU64_IMM(HIVE_ADD, 1, -8),
		HIVE_MOV64_IMM(2, 8),
		HIVE_CALL_HELPER(BPF_FUNC_probe_read_user),
		HIVE_EXIT_INSN(),
	};
	uint64_t good = 42, ctx;
	void *hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint32_t ret = 1;

	REQUIRE(hole != MAP_FAILED);
	ctx = (uintptr_t)&good;
	CHECK_EQ(run_syscall(hbpf, prog, 6, &ctx, 8, &ret), 0);
	CHECK_EQ(ret, 0);
	ctx = (uintptr_t)hole;
	CHECK_EQ(run_syscall(hbpf, prog, 6, &ctx, 8, &ret), 0);
	CHECK_EQ((int32_t)ret, -EFAULT);
	ctx = 16;
	CHECK_EQ(run_syscall(hbpf, prog, 6, &ctx, 8, &ret), 0);
	CHECK_EQ((int32_t)ret, -EFAULT);
	munmap(hole, 4096);
}

TEST(helpers_loop_callback)
{
	/* bpf_loop(10, cb, fp-8, 0) where cb adds its index to *ctx; return *ctx */
	struct hive_insn prog[] = {
		HIVE_ST_MEM(HIVE_DW, 10, -8, 0),
		HIVE_MOV64_IMM(1, 10),
		HIVE_LD_IMM64_LO(2, HIVE_PSEUDO_FUNC, 9),
		HIVE_LD_IMM64_HI(0),
		HIVE_MOV64_REG(3, 10),
		HIVE_ALU64_IMM(HIVE_ADD, 3, -8),
		HIVE_MOV64_IMM(4, 0),
		HIVE_CALL_HELPER(BPF_FUNC_loop),
		HIVE_LDX_MEM(HIVE_DW, 1, 10, -8),
		HIVE_ALU64_IMM(HIVE_LSH, 0, 16),
		HIVE_ALU64_REG(HIVE_ADD, 0, 1),
		HIVE_EXIT_INSN(),
		/* cb(i, ctx): *ctx += i; return i == 6 */
		HIVE_LDX_MEM(HIVE_DW, 3, 2, 0),
		HIVE_ALU64_REG(HIVE_ADD, 3, 1),
		HIVE_STX_MEM(HIVE_DW, 2, 3, 0),
		HIVE_MOV64_IMM(0, 0),
		HIVE_JMP_IMM(HIVE_JNE, 1, 6, 1),
		HIVE_MOV64_IMM(0, 1),
		HIVE_EXIT_INSN(),
	};
	static const uint32_t cb_off[] = { 12 };
	struct fi_load l = { BPF_PROG_TYPE_SYSCALL, prog, 19, cb_off, 1, 0, BPF_F_SLEEPABLE,
			     NULL, 0, 0 };
	uint64_t ctx = 0;
	uint32_t hret = 0, kret = 0;

	/* without func_info, a callback is refused (as the kernel does) */
	CHECK_EQ(run_syscall(hbpf, prog, 19, &ctx, 8, &hret), -EINVAL);
	CHECK_EQ(run_fd(hbpf, fi_prog_load(hbpf, &l), &ctx, 8, &hret), 0);
	CHECK_EQ(hret, (7u << 16) + 21);   /* 7 calls, 0+1+..+6 */
	if (test_kernel_bpf_available()) {
		CHECK_EQ(run_syscall(kbpf, prog, 19, &ctx, 8, &kret), -EINVAL);
		CHECK_EQ(run_fd(kbpf, fi_prog_load(kbpf, &l), &ctx, 8, &kret), 0);
		CHECK_EQ(hret, kret);
	}
}

/* bpf_get_stack(ctx, fp-64, size, flags) from a raw tracepoint: r0 */
static int get_stack_run(long (*bpf)(int, union bpf_attr *), int32_t size, int32_t flags,
			 int32_t *ret)
{
	struct hive_insn prog[] = {
		HIVE_MOV64_REG(2, 10),
		HIVE_ALU64_IMM(HIVE_ADD, 2, -64),
		HIVE_MOV64_IMM(3, size),
		HIVE_MOV64_IMM(4, flags),
		HIVE_CALL_HELPER(BPF_FUNC_get_stack),
		HIVE_EXIT_INSN(),
	};
	uint64_t args[1] = { 0 };
	union bpf_attr a;
	int fd, err = 0;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
	a.insns = (uintptr_t)prog;
	a.insn_cnt = sizeof(prog) / sizeof(prog[0]);
	a.license = (uintptr_t)"GPL";
	fd = (int)bpf(BPF_PROG_LOAD, &a);
	if (fd < 0)
		return -errno;
	memset(&a, 0, sizeof(a));
	a.test.prog_fd = fd;
	a.test.ctx_in = (uintptr_t)args;
	a.test.ctx_size_in = sizeof(args);
	if (bpf(BPF_PROG_TEST_RUN, &a))
		err = -errno;
	*ret = (int32_t)a.test.retval;
	close(fd);
	return err;
}

TEST(helpers_get_stack)
{
	int32_t r;

	/* the host thread's user stack: whole u64 entries, at most size */
	CHECK_EQ(get_stack_run(hbpf, 64, BPF_F_USER_STACK, &r), 0);
	CHECK(r > 0 && r <= 64 && r % 8 == 0);
	/* build ids fall back to addresses: 32-byte entries */
	CHECK_EQ(get_stack_run(hbpf, 64, BPF_F_USER_STACK | BPF_F_USER_BUILD_ID, &r), 0);
	CHECK(r > 0 && r <= 64 && r % 32 == 0);
	/* the kernel's argument errors */
	CHECK_EQ(get_stack_run(hbpf, 60, BPF_F_USER_STACK, &r), 0);
	CHECK_EQ(r, -EINVAL);
	CHECK_EQ(get_stack_run(hbpf, 64, BPF_F_USER_BUILD_ID, &r), 0);
	CHECK_EQ(r, -EINVAL);
	CHECK_EQ(get_stack_run(hbpf, 64, 1 << 12, &r), 0);
	CHECK_EQ(r, -EINVAL);
	/* more frames skipped than there are: no chain */
	CHECK_EQ(get_stack_run(hbpf, 64, BPF_F_USER_STACK | 255, &r), 0);
	CHECK_EQ(r, -EFAULT);
	/* hive has no kernel stack */
	CHECK_EQ(get_stack_run(hbpf, 64, 0, &r), 0);
	CHECK_EQ(r, -EFAULT);
	if (!test_kernel_bpf_available())
		return;
	/* the kernel agrees on the argument errors */
	CHECK_EQ(get_stack_run(kbpf, 60, BPF_F_USER_STACK, &r), 0);
	CHECK_EQ(r, -EINVAL);
	CHECK_EQ(get_stack_run(kbpf, 64, BPF_F_USER_BUILD_ID, &r), 0);
	CHECK_EQ(r, -EINVAL);
	CHECK_EQ(get_stack_run(kbpf, 64, 1 << 12, &r), 0);
	CHECK_EQ(r, -EINVAL);
}

static uint64_t add_helper(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
			   struct hive_run *run)
{
	return a * 1000 + b;
}

TEST(helpers_registry_and_embedder_helpers)
{
	struct hive_helper_proto p = { .ret = HIVE_RET_INTEGER,
				       .args = { HIVE_ARG_ANYTHING, HIVE_ARG_ANYTHING } };
	struct hive_insn prog[] = {
		HIVE_MOV64_IMM(1, 7), HIVE_MOV64_IMM(2, 8), HIVE_CALL_HELPER(5000), HIVE_EXIT_INSN(),
	};
	uint64_t ctx = 0;
	uint32_t ret = 0;

	CHECK_STR(hive_helper_name(1), "map_lookup_elem");
	CHECK(hive_helper_proto(BPF_FUNC_map_lookup_elem, &p) == 0);
	CHECK_EQ(p.ret, HIVE_RET_PTR_TO_MAP_VALUE_OR_NULL);
	CHECK_EQ(p.args[0], HIVE_ARG_CONST_MAP_PTR);
	CHECK(hive_helper_proto(BPF_FUNC_trace_printk, &p) == 0 && p.gpl_only);
	CHECK_EQ(hive_helper_proto(BPF_FUNC_sk_lookup_tcp, &p), -ENOENT);
	p = (struct hive_helper_proto){ .ret = HIVE_RET_INTEGER,
					.args = { HIVE_ARG_ANYTHING, HIVE_ARG_ANYTHING } };
	CHECK_EQ(hive_helper_register(BPF_FUNC_map_lookup_elem, "x", add_helper, &p), -EEXIST);
	CHECK_EQ(run_syscall(hbpf, prog, 4, &ctx, 8, &ret), -EINVAL); /* not yet registered */
	REQUIRE(hive_helper_register(5000, "add", add_helper, &p) == 0);
	CHECK_EQ(hive_helper_register(5000, "add", add_helper, &p), -EEXIST);
	CHECK_STR(hive_helper_name(5000), "add");
	CHECK_EQ(run_syscall(hbpf, prog, 4, &ctx, 8, &ret), 0);
	CHECK_EQ(ret, 7008);
	CHECK_EQ(hive_helper_unregister(5000), 0);
	CHECK_EQ(hive_helper_unregister(5000), -ENOENT);
}
