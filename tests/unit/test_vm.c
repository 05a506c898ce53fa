/*
 * test_vm.c - the embedding API (hive_vm.h) on the interpreter: loading
 * errors, memory checks, budget, helpers, grants, local calls, tail calls,
 * legacy packet loads, callbacks (hive_run_call), aborts, threads.
 * Instruction semantics are in test_interp_alu.c. Cases written with
 * VT_TEST run on the interpreter and again on the JIT (name_jit).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "harness.h"
#include "hive/hive_vm.h"
#include "vm_testutil.h"
#include "vm/vm_internal.h"

#define CALL_LOCAL(imm) HIVE_INSN(HIVE_JMP | HIVE_CALL, 0, HIVE_PSEUDO_CALL, 0, imm)
#define LDDW(d, s, v)   HIVE_LD_IMM64_LO(d, s, v), HIVE_LD_IMM64_HI(v)

TEST(vm_destroy_null_and_bad_args)
{
	struct hive_vm *vm = hive_vm_create();
	struct hive_insn p[] = { HIVE_MOV64_IMM(0, 1), HIVE_EXIT_INSN() };
	uint64_t r0;

	hive_vm_destroy(NULL);
	REQUIRE(vm);
	CHECK_EQ(hive_vm_run(vm, NULL, &r0), -HIVE_ENOPROG);
	CHECK_EQ(hive_vm_load(vm, NULL, 1), -EINVAL);
	CHECK_EQ(hive_vm_load(NULL, p, 2), -EINVAL);
	CHECK_EQ(hive_vm_register_helper(vm, 65536, "x", NULL), -EINVAL);
	CHECK_EQ(hive_vm_grant(vm, NULL, 4, HIVE_PROT_READ), -EINVAL);
	CHECK_EQ(hive_vm_grant(vm, p, 4, 0), -EINVAL);
	CHECK_EQ(hive_vm_set_engine(vm, (enum hive_engine)7), -EINVAL);
	CHECK_EQ(hive_vm_engine(vm), HIVE_ENGINE_AUTO);
	hive_vm_set_engine(vm, HIVE_ENGINE_INTERP);
	REQUIRE(hive_vm_load(vm, p, 2) == 0);
	CHECK_EQ(hive_vm_engine(vm), HIVE_ENGINE_INTERP);
	CHECK_EQ(hive_vm_run(vm, NULL, NULL), -EINVAL);
	CHECK_EQ(hive_vm_run(vm, NULL, &r0), 0);
	CHECK_EQ(r0, 1);
	{
		HIVE_VM_RUN_OPTS(opts);
		opts.sz = 8;
		CHECK_EQ(hive_vm_run(vm, &opts, &r0), -EINVAL);
	}
	hive_vm_destroy(vm);
}

static uint64_t helper_ret0(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
			    struct hive_run *run)
{
	return 0;
}

static int map_resolver(void *user, const struct hive_insn *insn, uint32_t pc, uint64_t *value)
{
	if (insn->imm == 99)
		return -ENOENT;
	*value = 0x1000 + (uint64_t)insn->imm + ((uint64_t)pc << 32) +
		 ((uint64_t)(uint32_t)insn[1].imm << 16);
	return 0;
}

/* Load @p into a VM (helper 1 registered) and check the error and that the
 * message names "pc N" (N = -1: no pc expected). */
static void expect_load_error(const struct hive_insn *p, uint32_t cnt, int err, int pc,
			      const char *what, int line)
{
	struct hive_vm *vm = hive_vm_create();
	char want[32];
	int got;

	if (!vm) {
		test_fail(__FILE__, line, "hive_vm_create failed");
		return;
	}
	hive_vm_register_helper(vm, 1, "one", helper_ret0);
	vt_capture();
	got = hive_vm_load(vm, p, cnt);
	if (got != err)
		test_fail(__FILE__, line, "%s: load returned %d, expected %d", what, got, err);
	snprintf(want, sizeof(want), "pc %d", pc);
	if (pc >= 0 && !strstr(vt_log, want))
		test_fail(__FILE__, line, "%s: message \"%s\" does not name %s", what, vt_log, want);
	if (what && !strstr(vt_log, what))
		test_fail(__FILE__, line, "message \"%s\" does not say \"%s\"", vt_log, what);
	CHECK_EQ(hive_vm_engine(vm), HIVE_ENGINE_AUTO);  /* nothing loaded */
	hive_vm_destroy(vm);
}

#define EXPECT_LOAD_ERROR(err, pc, what, ...)                                        \
	do {                                                                         \
		struct hive_insn p_[] = { __VA_ARGS__ };                             \
		expect_load_error(p_, VT_CNT(p_), err, pc, what, __LINE__);          \
	} while (0)

TEST(vm_load_rejects_malformed_streams)
{
	EXPECT_LOAD_ERROR(-EINVAL, 1, "unknown opcode",
			  HIVE_MOV64_IMM(0, 0), HIVE_INSN(0xff, 0, 0, 0, 0), HIVE_EXIT_INSN());
	EXPECT_LOAD_ERROR(-EINVAL, 0, "reserved",
			  HIVE_INSN(0xb7, 0, 1, 0, 0), HIVE_EXIT_INSN());
	EXPECT_LOAD_ERROR(-EINVAL, 1, "truncated",
			  HIVE_MOV64_IMM(0, 0), HIVE_LD_IMM64_LO(1, 0, 5));
	EXPECT_LOAD_ERROR(-EINVAL, 0, "out of range",
			  HIVE_JMP_A(5), HIVE_EXIT_INSN());
	EXPECT_LOAD_ERROR(-EINVAL, 0, "lddw",
			  HIVE_JMP_A(1), LDDW(0, 0, 7), HIVE_EXIT_INSN());
	EXPECT_LOAD_ERROR(-EINVAL, 1, "unregistered helper 2",
			  HIVE_MOV64_IMM(0, 0), HIVE_CALL_HELPER(2), HIVE_EXIT_INSN());
	EXPECT_LOAD_ERROR(-EINVAL, 0, "invalid helper id",
			  HIVE_CALL_HELPER(-1), HIVE_EXIT_INSN());
	EXPECT_LOAD_ERROR(-EINVAL, 0, "tail-call resolver",
			  HIVE_CALL_HELPER(12), HIVE_EXIT_INSN());
	EXPECT_LOAD_ERROR(-EINVAL, 1, "out of range",
			  HIVE_MOV64_IMM(0, 0), CALL_LOCAL(5), HIVE_EXIT_INSN());
	EXPECT_LOAD_ERROR(-EINVAL, 1, "kfunc",
			  HIVE_MOV64_IMM(0, 0),
			  HIVE_INSN(HIVE_JMP | HIVE_CALL, 0, HIVE_PSEUDO_KFUNC_CALL, 0, 1234),
			  HIVE_EXIT_INSN());
	EXPECT_LOAD_ERROR(-EINVAL, 1, "needs a resolver",
			  HIVE_MOV64_IMM(0, 0), LDDW(1, HIVE_PSEUDO_MAP_FD, 3), HIVE_EXIT_INSN());
	EXPECT_LOAD_ERROR(-EINVAL, 1, "last instruction",
			  HIVE_MOV64_IMM(0, 0), HIVE_MOV64_IMM(0, 1));
	EXPECT_LOAD_ERROR(-EINVAL, 2, "last instruction",
			  HIVE_MOV64_IMM(0, 0), LDDW(0, 0, 1));
	EXPECT_LOAD_ERROR(-EINVAL, 1, "last instruction",
			  HIVE_MOV64_IMM(0, 0), HIVE_JMP_IMM(HIVE_JEQ, 0, 0, -2));
	EXPECT_LOAD_ERROR(-EINVAL, 1, "last instruction",
			  HIVE_MOV64_IMM(0, 0), CALL_LOCAL(-2));
	EXPECT_LOAD_ERROR(-EINVAL, 0, "atomic",
			  HIVE_INSN(0xdb, 10, 1, -8, 0x02), HIVE_EXIT_INSN());
}

TEST(vm_load_empty_and_too_big)
{
	struct hive_vm *vm = hive_vm_create();
	struct hive_insn *big = calloc(HIVE_MAX_INSNS + 1, sizeof(*big));
	struct hive_insn one = HIVE_EXIT_INSN();

	REQUIRE(vm && big);
	vt_capture();
	CHECK_EQ(hive_vm_load(vm, &one, 0), -EINVAL);
	CHECK(strstr(vt_log, "empty") != NULL);
	big[HIVE_MAX_INSNS] = HIVE_EXIT_INSN();
	CHECK_EQ(hive_vm_load(vm, big, HIVE_MAX_INSNS + 1), -E2BIG);
	free(big);
	hive_vm_destroy(vm);
}

TEST(vm_ldimm_resolver)
{
	struct hive_insn p[] = {
		HIVE_MOV64_IMM(0, 0),
		LDDW(0, HIVE_PSEUDO_MAP_VALUE, 5) ,
		HIVE_EXIT_INSN(),
	};
	struct hive_vm *vm = hive_vm_create();
	uint64_t r0;

	REQUIRE(vm);
	p[2].imm = 3;   /* value offset in the second slot */
	hive_vm_set_engine(vm, HIVE_ENGINE_INTERP);
	hive_vm_set_ldimm_resolver(vm, map_resolver, NULL);
	REQUIRE(hive_vm_load(vm, p, VT_CNT(p)) == 0);
	CHECK_EQ(hive_vm_exec(vm, NULL, 0, &r0), 0);
	CHECK_EQ(r0, 0x1005 + (1ull << 32) + (3ull << 16));

	/* a resolver error fails the load and names the pc */
	p[1].imm = 99;
	vt_capture();
	CHECK_EQ(hive_vm_load(vm, p, VT_CNT(p)), -ENOENT);
	CHECK(strstr(vt_log, "pc 1") != NULL);
	CHECK_EQ(hive_vm_run(vm, NULL, &r0), -HIVE_ENOPROG);
	hive_vm_destroy(vm);
}

TEST(vm_engine_choice)
{
	struct hive_insn p[] = { HIVE_MOV64_IMM(0, 3), HIVE_EXIT_INSN() };
	struct hive_vm *vm = hive_vm_create();
	uint64_t r0 = 0;
	int err;

	REQUIRE(vm);
	/* AUTO picks the JIT when it compiles, the interpreter otherwise */
	REQUIRE(hive_vm_load(vm, p, 2) == 0);
	CHECK(hive_vm_engine(vm) == HIVE_ENGINE_INTERP || hive_vm_engine(vm) == HIVE_ENGINE_JIT);
	CHECK_EQ(hive_vm_exec(vm, NULL, 0, &r0), 0);
	CHECK_EQ(r0, 3);
	/* JIT forced: compiles, or fails the load with -HIVE_ENOJIT */
	hive_vm_set_engine(vm, HIVE_ENGINE_JIT);
	hive_set_print(NULL);
	err = hive_vm_load(vm, p, 2);
	if (err) {
		CHECK_EQ(err, -HIVE_ENOJIT);
		CHECK_EQ(hive_vm_run(vm, NULL, &r0), -HIVE_ENOPROG);
	} else {
		CHECK_EQ(hive_vm_engine(vm), HIVE_ENGINE_JIT);
	}
	hive_vm_destroy(vm);
}

/* ---- memory checks --------------------------------------------------------- */

/* Run @p with @opts; the error, with the fault details in opts. */
static int run_opts(const struct hive_insn *p, uint32_t cnt, struct hive_vm_run_opts *opts,
		    uint64_t *r0)
{
	struct hive_vm *vm = vt_load(p, cnt);
	int err;

	if (!vm)
		return -1000;
	vt_capture();
	err = hive_vm_run(vm, opts, r0);
	hive_vm_destroy(vm);
	return err;
}

VT_TEST(vm_fault_outside_granted_memory)
{
	static uint64_t secret[2] = { 1, 2 };
	struct hive_insn rd[] = {
		LDDW(1, 0, (uintptr_t)secret),
		HIVE_MOV64_IMM(0, 0),
		HIVE_LDX_MEM(HIVE_W, 0, 1, 4),
		HIVE_EXIT_INSN(),
	};
	struct hive_insn wr[] = {
		LDDW(1, 0, (uintptr_t)secret),
		HIVE_ST_MEM(HIVE_DW, 1, 8, 7),
		HIVE_EXIT_INSN(),
	};
	struct hive_vm *vm;
	uint64_t r0;

	{
		HIVE_VM_RUN_OPTS(opts);
		CHECK_EQ(run_opts(rd, VT_CNT(rd), &opts, &r0), -HIVE_EMEM);
		CHECK_EQ(opts.fault_pc, 3);
		CHECK_EQ(opts.fault_addr, (uintptr_t)secret + 4);
		CHECK_EQ(opts.fault_size, 4);
		CHECK(strstr(vt_log, "pc 3") && strstr(vt_log, "read of 4 bytes"));
	}
	{
		HIVE_VM_RUN_OPTS(opts);
		CHECK_EQ(run_opts(wr, VT_CNT(wr), &opts, &r0), -HIVE_EMEM);
		CHECK_EQ(opts.fault_pc, 2);
		CHECK_EQ(opts.fault_size, 8);
		CHECK(strstr(vt_log, "pc 2") && strstr(vt_log, "write of 8 bytes"));
		CHECK_EQ(secret[1], 2);
	}
	/* a static read-only grant allows the read, not the write */
	vm = vt_load(rd, VT_CNT(rd));
	REQUIRE(vm);
	CHECK_EQ(hive_vm_grant(vm, secret, sizeof(secret), HIVE_PROT_READ), 0);
	CHECK_EQ(hive_vm_exec(vm, NULL, 0, &r0), 0);
	CHECK_EQ(r0, 0);   /* high half of secret[0] */
	REQUIRE(hive_vm_load(vm, wr, VT_CNT(wr)) == 0);
	hive_set_print(NULL);
	CHECK_EQ(hive_vm_exec(vm, NULL, 0, &r0), -HIVE_EMEM);
	CHECK_EQ(hive_vm_grant(vm, secret, sizeof(secret), HIVE_PROT_RW), 0);
	CHECK_EQ(hive_vm_exec(vm, NULL, 0, &r0), 0);
	CHECK_EQ(secret[1], 7);
	hive_vm_destroy(vm);
}

/* Access [r10 + off] of @size bytes (read, or write if @wr); return the error. */
static int stack_access(int16_t off, unsigned size, bool wr, uint64_t *fault_addr)
{
	static const uint8_t sz[9] = { [1] = HIVE_B, [2] = HIVE_H, [4] = HIVE_W, [8] = HIVE_DW };
	struct hive_insn p[] = {
		HIVE_MOV64_IMM(0, 0),
		wr ? HIVE_ST_MEM(sz[size], 10, off, 1) : HIVE_LDX_MEM(sz[size], 0, 10, off),
		HIVE_EXIT_INSN(),
	};
	HIVE_VM_RUN_OPTS(opts);
	uint64_t r0;
	int err = run_opts(p, VT_CNT(p), &opts, &r0);

	*fault_addr = opts.fault_addr;
	return err;
}

VT_TEST(vm_stack_edges)
{
	uint64_t fa;

	CHECK_EQ(stack_access(-8, 8, false, &fa), 0);
	CHECK_EQ(stack_access(-512, 8, true, &fa), 0);
	CHECK_EQ(stack_access(-1, 1, true, &fa), 0);
	CHECK_EQ(stack_access(-513, 1, false, &fa), -HIVE_EMEM);
	CHECK_EQ(stack_access(-516, 8, true, &fa), -HIVE_EMEM);   /* straddles the bottom */
	CHECK_EQ(stack_access(-4, 8, true, &fa), -HIVE_EMEM);     /* straddles the top */
	CHECK(strstr(vt_log, "pc 1") && strstr(vt_log, "write of 8 bytes"));
	CHECK_EQ(stack_access(0, 1, false, &fa), -HIVE_EMEM);
	CHECK_EQ(stack_access(-2, 4, false, &fa), -HIVE_EMEM);
}

VT_TEST(vm_stack_starts_zeroed)
{
	struct hive_insn p[] = {
		HIVE_LDX_MEM(HIVE_DW, 0, 10, -8),
		HIVE_LDX_MEM(HIVE_DW, 1, 10, -512),
		HIVE_ALU64_REG(HIVE_OR, 0, 1),
		HIVE_EXIT_INSN(),
	};
	uint64_t r0;

	CHECK_EQ(vt_run(p, VT_CNT(p), NULL, 0, &r0), 0);
	CHECK_EQ(r0, 0);
}

VT_TEST(vm_ctx_bounds_and_prot)
{
	uint64_t ctx[2] = { 0x1122334455667788ull, 0 };
	struct hive_insn rd[] = {
		HIVE_LDX_MEM(HIVE_DW, 0, 1, 8),
		HIVE_LDX_MEM(HIVE_W, 0, 1, 4),
		HIVE_EXIT_INSN(),
	};
	struct hive_insn rd_over[] = {
		HIVE_LDX_MEM(HIVE_W, 0, 1, 14),
		HIVE_EXIT_INSN(),
	};
	struct hive_insn wr[] = {
		HIVE_ST_MEM(HIVE_W, 1, 12, 5),
		HIVE_MOV64_IMM(0, 0),
		HIVE_EXIT_INSN(),
	};
	struct hive_insn atomic[] = {
		HIVE_MOV64_IMM(2, 1),
		HIVE_INSN(0xdb, 1, 2, 0, HIVE_ADD),
		HIVE_MOV64_IMM(0, 0),
		HIVE_EXIT_INSN(),
	};
	uint64_t r0;

	{
		HIVE_VM_RUN_OPTS(opts, .ctx = ctx, .ctx_size = sizeof(ctx), .ctx_prot = HIVE_PROT_READ);
		CHECK_EQ(run_opts(rd, VT_CNT(rd), &opts, &r0), 0);
		CHECK_EQ(r0, 0x11223344);
		CHECK_EQ(run_opts(rd_over, VT_CNT(rd_over), &opts, &r0), -HIVE_EMEM);
		CHECK_EQ(opts.fault_addr, (uintptr_t)ctx + 14);
		CHECK_EQ(run_opts(wr, VT_CNT(wr), &opts, &r0), -HIVE_EMEM);
		CHECK(strstr(vt_log, "pc 0") && strstr(vt_log, "write of 4 bytes"));
		CHECK_EQ(run_opts(atomic, VT_CNT(atomic), &opts, &r0), -HIVE_EMEM);
		CHECK(strstr(vt_log, "pc 1") && strstr(vt_log, "read-modify-write"));
		CHECK_EQ(ctx[1], 0);
		CHECK_EQ(ctx[0], 0x1122334455667788ull);
	}
	{
		HIVE_VM_RUN_OPTS(opts, .ctx = ctx, .ctx_size = sizeof(ctx), .ctx_prot = HIVE_PROT_WRITE);
		CHECK_EQ(run_opts(rd, VT_CNT(rd), &opts, &r0), -HIVE_EMEM);
		CHECK_EQ(run_opts(wr, VT_CNT(wr), &opts, &r0), 0);
		CHECK_EQ(ctx[1], 5ull << 32);
		CHECK_EQ(run_opts(atomic, VT_CNT(atomic), &opts, &r0), -HIVE_EMEM);
	}
	{
		HIVE_VM_RUN_OPTS(opts, .ctx = ctx, .ctx_size = sizeof(ctx));   /* 0 = RW */
		CHECK_EQ(run_opts(atomic, VT_CNT(atomic), &opts, &r0), 0);
		CHECK_EQ(ctx[0], 0x1122334455667789ull);
	}
}

VT_TEST(vm_atomic_misaligned_refused)
{
	struct hive_insn p[] = {
		HIVE_ST_MEM(HIVE_DW, 10, -16, 0),
		HIVE_MOV64_IMM(2, 1),
		HIVE_INSN(0xc3, 10, 2, -14, HIVE_ADD),
		HIVE_EXIT_INSN(),
	};
	HIVE_VM_RUN_OPTS(opts);
	uint64_t r0;

	CHECK_EQ(run_opts(p, VT_CNT(p), &opts, &r0), -HIVE_EMEM);
	CHECK_EQ(opts.fault_pc, 2);
	CHECK(strstr(vt_log, "misaligned") != NULL);
}

VT_TEST(vm_budget_stops_infinite_loop)
{
	struct hive_insn p[] = { HIVE_MOV64_IMM(0, 0), HIVE_JMP_A(-1) };
	struct hive_vm *vm = vt_load(p, VT_CNT(p));
	HIVE_VM_RUN_OPTS(opts);
	uint64_t r0;

	REQUIRE(vm);
	CHECK_EQ(hive_vm_set_budget(vm, 1000), 0);
	vt_capture();
	CHECK_EQ(hive_vm_run(vm, &opts, &r0), -HIVE_EBUDGET);
	CHECK(strstr(vt_log, "budget") != NULL);
	if (!VT_INTERP) {       /* the JIT charges whole blocks: no exact counts */
		hive_vm_destroy(vm);
		return;
	}
	CHECK_EQ(opts.insns_run, 1000);
	CHECK_EQ(opts.fault_pc, 1);
	CHECK(strstr(vt_log, "pc 1") != NULL);
	/* the budget is exact: a 3-instruction program fits in 3, not in 2 */
	{
		struct hive_insn q[] = { HIVE_MOV64_IMM(0, 1), HIVE_MOV64_IMM(0, 2), HIVE_EXIT_INSN() };

		REQUIRE(hive_vm_load(vm, q, 3) == 0);
		hive_vm_set_budget(vm, 3);
		CHECK_EQ(hive_vm_run(vm, &opts, &r0), 0);
		CHECK_EQ(opts.insns_run, 3);
		hive_vm_set_budget(vm, 2);
		CHECK_EQ(hive_vm_run(vm, &opts, &r0), -HIVE_EBUDGET);
		CHECK_EQ(opts.fault_pc, 2);
	}
	hive_vm_destroy(vm);
}

VT_TEST(vm_unchecked_runs)
{
	struct hive_insn p[] = {
		HIVE_MOV64_IMM(1, 40),
		HIVE_STX_MEM(HIVE_DW, 10, 1, -8),
		HIVE_LDX_MEM(HIVE_DW, 0, 10, -8),
		HIVE_ALU64_IMM(HIVE_ADD, 0, 2),
		HIVE_EXIT_INSN(),
	};
	struct hive_vm *vm = vt_vm();
	HIVE_VM_RUN_OPTS(opts);
	uint64_t r0;

	REQUIRE(vm);
	hive_vm_set_checks(vm, false);
	hive_vm_set_budget(vm, 2);      /* ignored without checks */
	REQUIRE(hive_vm_load(vm, p, VT_CNT(p)) == 0);
	CHECK_EQ(hive_vm_run(vm, &opts, &r0), 0);
	CHECK_EQ(r0, 42);
	if (VT_INTERP)  /* interp.c counts unchecked runs too; the register interpreter does not */
		CHECK_EQ(opts.insns_run, vm->rcode ? 0 : 5);
	hive_vm_destroy(vm);
}

/* ---- helpers and grants --------------------------------------------------- */

static struct hive_run *seen_run;
static struct hive_vm *seen_vm;
static void *seen_user;

static uint64_t helper_args(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
			    struct hive_run *run)
{
	seen_run = run;
	seen_vm = hive_run_vm(run);
	seen_user = hive_run_user(run);
	return a + b * 10 + c * 100 + d * 1000 + e * 10000;
}

VT_TEST(vm_helper_gets_five_args_and_run)
{
	struct hive_insn p[] = {
		HIVE_MOV64_IMM(1, 1), HIVE_MOV64_IMM(2, 2), HIVE_MOV64_IMM(3, 3),
		HIVE_MOV64_IMM(4, 4), HIVE_MOV64_IMM(5, 5),
		HIVE_CALL_HELPER(77),
		HIVE_EXIT_INSN(),
	};
	struct hive_vm *vm = vt_vm();
	int marker;
	HIVE_VM_RUN_OPTS(opts, .user = &marker);
	uint64_t r0;

	REQUIRE(vm);
	CHECK_EQ(hive_vm_register_helper(vm, 77, "args", helper_args), 0);
	hive_vm_set_engine(vm, vt_engine);
	REQUIRE(hive_vm_load(vm, p, VT_CNT(p)) == 0);
	CHECK_EQ(hive_vm_run(vm, &opts, &r0), 0);
	CHECK_EQ(r0, 54321);
	CHECK(seen_run != NULL);
	CHECK(seen_vm == vm);
	CHECK(seen_user == &marker);
	hive_vm_destroy(vm);
}

static uint8_t granted[16] = { [8] = 0x2a };
static uint8_t many[40][8];

static uint64_t helper_grant(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
			     struct hive_run *run)
{
	int i;

	if (a == 1) {           /* grant 40 regions: spills past the inline array */
		for (i = 0; i < 40; i++)
			if (hive_run_grant(run, many[i], sizeof(many[i]), HIVE_PROT_RW))
				return 0;
		return (uintptr_t)many[39];
	}
	if (a == 0 && hive_run_grant(run, granted, sizeof(granted), HIVE_PROT_RW))
		return 0;
	return (uintptr_t)granted;     /* a == 2: returned without a grant */
}

VT_TEST(vm_run_grant)
{
	struct hive_insn p[] = {
		HIVE_MOV64_IMM(1, 0),           /* patched: helper mode */
		HIVE_CALL_HELPER(50),
		HIVE_LDX_MEM(HIVE_DW, 1, 0, 8),
		HIVE_STX_MEM(HIVE_DW, 0, 1, 0),
		HIVE_LDX_MEM(HIVE_DW, 0, 0, 0),
		HIVE_EXIT_INSN(),
	};
	struct hive_vm *vm = hive_vm_create();
	HIVE_VM_RUN_OPTS(opts);
	uint64_t r0;

	REQUIRE(vm);
	hive_vm_register_helper(vm, 50, "grant", helper_grant);
	hive_vm_set_engine(vm, vt_engine);
	REQUIRE(hive_vm_load(vm, p, VT_CNT(p)) == 0);
	CHECK_EQ(hive_vm_run(vm, &opts, &r0), 0);
	CHECK_EQ(r0, 0x2a);
	CHECK_EQ(granted[0], 0x2a);

	p[0].imm = 1;
	many[39][0] = 9;
	REQUIRE(hive_vm_load(vm, p, VT_CNT(p)) == 0);
	vt_capture();
	CHECK_EQ(hive_vm_run(vm, &opts, &r0), -HIVE_EMEM);   /* [+8] is past the 8 bytes */
	CHECK_EQ(opts.fault_addr, (uintptr_t)many[39] + 8);

	/* a grant lasts for its run only */
	p[0].imm = 2;
	REQUIRE(hive_vm_load(vm, p, VT_CNT(p)) == 0);
	vt_capture();
	CHECK_EQ(hive_vm_run(vm, &opts, &r0), -HIVE_EMEM);
	CHECK_EQ(opts.fault_pc, 2);
	hive_vm_destroy(vm);
}

static uint64_t helper_check(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
			     struct hive_run *run)
{
	return (uint64_t)(int64_t)hive_run_check(run, (const void *)(uintptr_t)a, b, (unsigned)c);
}

VT_TEST(vm_run_check_for_helpers)
{
	uint64_t ctx[2];
	struct hive_insn p[] = {
		HIVE_MOV64_REG(6, 1),
		HIVE_MOV64_REG(1, 10), HIVE_ALU64_IMM(HIVE_ADD, 1, -8),       /* stack: ok */
		HIVE_MOV64_IMM(2, 8), HIVE_MOV64_IMM(3, HIVE_PROT_RW),
		HIVE_CALL_HELPER(51),
		HIVE_MOV64_REG(7, 0),
		HIVE_MOV64_REG(1, 10), HIVE_MOV64_IMM(2, 8),                   /* above r10 */
		HIVE_MOV64_IMM(3, HIVE_PROT_RW),
		HIVE_CALL_HELPER(51),
		HIVE_ALU64_IMM(HIVE_LSH, 0, 8), HIVE_ALU64_REG(HIVE_OR, 7, 0),
		HIVE_MOV64_REG(1, 6), HIVE_MOV64_IMM(2, 16),                   /* ctx, read-only */
		HIVE_MOV64_IMM(3, HIVE_PROT_READ),
		HIVE_CALL_HELPER(51),
		HIVE_ALU64_IMM(HIVE_LSH, 0, 16), HIVE_ALU64_REG(HIVE_OR, 7, 0),
		HIVE_MOV64_REG(1, 6), HIVE_MOV64_IMM(2, 16),
		HIVE_MOV64_IMM(3, HIVE_PROT_WRITE),
		HIVE_CALL_HELPER(51),
		HIVE_ALU64_IMM(HIVE_LSH, 0, 24), HIVE_ALU64_REG(HIVE_OR, 7, 0),
		HIVE_MOV64_REG(0, 7),
		HIVE_EXIT_INSN(),
	};
	struct hive_vm *vm = hive_vm_create();
	HIVE_VM_RUN_OPTS(opts, .ctx = ctx, .ctx_size = sizeof(ctx), .ctx_prot = HIVE_PROT_READ);
	uint64_t r0, emem = (uint64_t)-HIVE_EMEM;

	REQUIRE(vm);
	hive_vm_register_helper(vm, 51, "check", helper_check);
	hive_vm_set_engine(vm, vt_engine);
	REQUIRE(hive_vm_load(vm, p, VT_CNT(p)) == 0);
	CHECK_EQ(hive_vm_run(vm, &opts, &r0), 0);
	CHECK_EQ(r0, 0 | (emem << 8) | (0 << 16) | (emem << 24));
	hive_vm_destroy(vm);
}

static uint64_t helper_abort(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
			     struct hive_run *run)
{
	hive_run_abort(run, -EPERM);
	return 0;
}

VT_TEST(vm_run_abort)
{
	struct hive_insn p[] = {
		HIVE_MOV64_IMM(0, 1),
		HIVE_CALL_HELPER(60),
		HIVE_MOV64_IMM(0, 2),
		HIVE_EXIT_INSN(),
	};
	struct hive_vm *vm = hive_vm_create();
	HIVE_VM_RUN_OPTS(opts);
	uint64_t r0 = 5;

	REQUIRE(vm);
	hive_vm_register_helper(vm, 60, "abort", helper_abort);
	hive_vm_set_engine(vm, vt_engine);
	REQUIRE(hive_vm_load(vm, p, VT_CNT(p)) == 0);
	CHECK_EQ(hive_vm_run(vm, &opts, &r0), -EPERM);
	CHECK_EQ(opts.fault_pc, 1);
	CHECK_EQ(r0, 0);
	hive_vm_destroy(vm);
}

/* ---- local calls ------------------------------------------------------------ */

VT_TEST_U(vm_local_call_args_return_callee_saved)
{
	struct hive_insn p[] = {
		HIVE_MOV64_IMM(1, 1), HIVE_MOV64_IMM(2, 2), HIVE_MOV64_IMM(3, 3),
		HIVE_MOV64_IMM(4, 4), HIVE_MOV64_IMM(5, 5),
		HIVE_MOV64_IMM(6, 6), HIVE_MOV64_IMM(7, 7), HIVE_MOV64_IMM(8, 8),
		HIVE_MOV64_IMM(9, 9),
		HIVE_ST_MEM(HIVE_DW, 10, -8, 0x1234),
		CALL_LOCAL(11),                                 /* pc 10 -> 22 */
		HIVE_JMP_IMM(HIVE_JNE, 0, 15, 8),               /* -> 20: failed */
		HIVE_JMP_IMM(HIVE_JNE, 6, 6, 7),
		HIVE_JMP_IMM(HIVE_JNE, 7, 7, 6),
		HIVE_JMP_IMM(HIVE_JNE, 8, 8, 5),
		HIVE_JMP_IMM(HIVE_JNE, 9, 9, 4),
		HIVE_LDX_MEM(HIVE_DW, 1, 10, -8),
		HIVE_JMP_IMM(HIVE_JNE, 1, 0x1234, 2),
		HIVE_MOV64_IMM(0, 1),
		HIVE_EXIT_INSN(),
		HIVE_MOV64_IMM(0, -1),                          /* pc 20: failed */
		HIVE_EXIT_INSN(),
		/* pc 22: r0 = r1 + .. + r5, clobber r6-r9 and its own stack */
		HIVE_MOV64_REG(0, 1),
		HIVE_ALU64_REG(HIVE_ADD, 0, 2), HIVE_ALU64_REG(HIVE_ADD, 0, 3),
		HIVE_ALU64_REG(HIVE_ADD, 0, 4), HIVE_ALU64_REG(HIVE_ADD, 0, 5),
		HIVE_MOV64_IMM(6, 0), HIVE_MOV64_IMM(7, 0), HIVE_MOV64_IMM(8, 0),
		HIVE_MOV64_IMM(9, 0),
		HIVE_ST_MEM(HIVE_DW, 10, -8, 0x5678),
		HIVE_EXIT_INSN(),
	};
	uint64_t r0;

	CHECK_EQ(vt_run(p, VT_CNT(p), NULL, 0, &r0), 0);
	CHECK_EQ(r0, 1);
}

VT_TEST(vm_local_call_frames)
{
	/* the callee reads the caller's frame through a pointer (call chain),
	 * returns a pointer into its own frame, which is gone after the return */
	struct hive_insn p[] = {
		HIVE_ST_MEM(HIVE_DW, 10, -8, 40),
		HIVE_MOV64_REG(1, 10), HIVE_ALU64_IMM(HIVE_ADD, 1, -8),
		CALL_LOCAL(3),                                  /* pc 3 -> 7 */
		HIVE_MOV64_REG(6, 0),
		HIVE_LDX_MEM(HIVE_DW, 0, 6, 0),                 /* pc 5: callee frame, refused */
		HIVE_EXIT_INSN(),
		HIVE_LDX_MEM(HIVE_DW, 2, 1, 0),                 /* pc 7 */
		HIVE_ALU64_IMM(HIVE_ADD, 2, 2),
		HIVE_STX_MEM(HIVE_DW, 10, 2, -8),
		HIVE_MOV64_REG(0, 10), HIVE_ALU64_IMM(HIVE_ADD, 0, -8),
		HIVE_EXIT_INSN(),
	};
	HIVE_VM_RUN_OPTS(opts);
	uint64_t r0;

	CHECK_EQ(run_opts(p, VT_CNT(p), &opts, &r0), -HIVE_EMEM);
	CHECK_EQ(opts.fault_pc, 5);
	p[5] = HIVE_LDX_MEM(HIVE_DW, 0, 10, -8);        /* caller's own slot: still 40 */
	CHECK_EQ(run_opts(p, VT_CNT(p), &opts, &r0), 0);
	CHECK_EQ(r0, 40);
}

VT_TEST_U(vm_local_call_moves_r10_down)
{
	struct hive_insn p[] = {
		HIVE_MOV64_REG(6, 10),
		CALL_LOCAL(4),                                  /* -> 6 */
		HIVE_MOV64_REG(1, 6),
		HIVE_ALU64_REG(HIVE_SUB, 1, 0),                 /* caller r10 - callee r10 */
		HIVE_MOV64_REG(0, 1),
		HIVE_EXIT_INSN(),
		HIVE_MOV64_REG(0, 10),                          /* pc 6 */
		HIVE_EXIT_INSN(),
	};
	uint64_t r0;

	CHECK_EQ(vt_run(p, VT_CNT(p), NULL, 0, &r0), 0);
	CHECK_EQ(r0, HIVE_STACK_SIZE);
}

/* main calls f(n); f recurses while --n: n frames below main. */
static int recurse(int n, uint64_t *r0, struct hive_vm_run_opts *opts)
{
	struct hive_insn p[] = {
		HIVE_MOV64_IMM(1, n),
		CALL_LOCAL(1),                                  /* -> 3 */
		HIVE_EXIT_INSN(),
		HIVE_ALU64_IMM(HIVE_ADD, 0, 1),                 /* pc 3: f */
		HIVE_ALU64_IMM(HIVE_SUB, 1, 1),
		HIVE_JMP_IMM(HIVE_JEQ, 1, 0, 1),
		CALL_LOCAL(-4),                                 /* pc 6 -> 3 */
		HIVE_EXIT_INSN(),
	};

	return run_opts(p, VT_CNT(p), opts, r0);
}

VT_TEST_U(vm_call_depth_limit)
{
	HIVE_VM_RUN_OPTS(opts);
	uint64_t r0;

	CHECK_EQ(recurse(HIVE_MAX_CALL_FRAMES - 1, &r0, &opts), 0);     /* 8 frames */
	CHECK_EQ(r0, HIVE_MAX_CALL_FRAMES - 1);
	CHECK_EQ(recurse(HIVE_MAX_CALL_FRAMES, &r0, &opts), -HIVE_EDEPTH);
	CHECK_EQ(opts.fault_pc, 6);
	CHECK(strstr(vt_log, "pc 6") && strstr(vt_log, "depth"));
}

VT_TEST(vm_callee_frame_starts_zeroed)
{
	struct hive_insn p[] = {
		CALL_LOCAL(3),                                  /* writes 7 in its frame */
		CALL_LOCAL(4),                                  /* reads it back: 0 */
		HIVE_EXIT_INSN(),
		HIVE_JMP_A(0),
		HIVE_ST_MEM(HIVE_DW, 10, -8, 7),                /* pc 4 */
		HIVE_EXIT_INSN(),
		HIVE_LDX_MEM(HIVE_DW, 0, 10, -8),               /* pc 6 */
		HIVE_EXIT_INSN(),
	};
	uint64_t r0;

	CHECK_EQ(vt_run(p, VT_CNT(p), NULL, 0, &r0), 0);
	CHECK_EQ(r0, 0);
}

/* ---- tail calls -------------------------------------------------------------- */

static struct hive_vm *tail_slots[4];

static struct hive_vm *tail_resolve(void *user, struct hive_run *run, uint64_t map,
				    uint32_t index)
{
	CHECK_EQ(map, 0xabc);
	return index < 4 ? tail_slots[index] : NULL;
}

static struct hive_vm *tail_vm(const struct hive_insn *p, uint32_t cnt)
{
	struct hive_vm *vm = hive_vm_create();

	if (!vm)
		return NULL;
	hive_vm_set_engine(vm, vt_engine);
	hive_vm_set_checks(vm, vt_checks);
	hive_vm_set_tail_call(vm, tail_resolve, NULL);
	if (hive_vm_load(vm, p, cnt)) {
		hive_vm_destroy(vm);
		return NULL;
	}
	return vm;
}

#define TAIL_CALL(idx) HIVE_MOV64_IMM(2, 0xabc), HIVE_MOV64_IMM(3, idx), HIVE_CALL_HELPER(12)
/* (*(u32 *)ctx)++ */
#define COUNT_RUN_IN_CTX \
	HIVE_LDX_MEM(HIVE_W, 2, 1, 0), HIVE_ALU64_IMM(HIVE_ADD, 2, 1), HIVE_STX_MEM(HIVE_W, 1, 2, 0)

VT_TEST_U(vm_tail_call_success_and_empty_slot)
{
	struct hive_insn target[] = {
		HIVE_LDX_MEM(HIVE_W, 0, 1, 0),                  /* r1 is still ctx */
		HIVE_ALU64_IMM(HIVE_ADD, 0, 100),
		HIVE_EXIT_INSN(),
	};
	struct hive_insn main_p[] = {
		HIVE_MOV64_IMM(0, 5),
		TAIL_CALL(0),
		HIVE_ALU64_IMM(HIVE_ADD, 0, 1000),              /* only after a failed call */
		HIVE_EXIT_INSN(),
	};
	uint32_t ctx = 7;
	struct hive_vm *t = tail_vm(target, VT_CNT(target));
	struct hive_vm *m = tail_vm(main_p, VT_CNT(main_p));
	uint64_t r0;

	REQUIRE(t && m);
	tail_slots[0] = t;
	CHECK_EQ(hive_vm_exec(m, &ctx, sizeof(ctx), &r0), 0);
	CHECK_EQ(r0, 107);
	tail_slots[0] = NULL;                            /* empty: falls through, r0 kept */
	CHECK_EQ(hive_vm_exec(m, &ctx, sizeof(ctx), &r0), 0);
	CHECK_EQ(r0, 1005);
	hive_vm_destroy(t);
	hive_vm_destroy(m);
}

/* Run @p with itself in slot 1 and slot 3 empty: executions counted in ctx. */
static uint32_t self_tail_runs(const struct hive_insn *p, uint32_t cnt, uint64_t *r0)
{
	struct hive_vm *vm = tail_vm(p, cnt);
	uint32_t count = 0;

	if (!vm)
		return 0;
	tail_slots[1] = vm;
	tail_slots[3] = NULL;
	CHECK_EQ(hive_vm_exec(vm, &count, sizeof(count), r0), 0);
	hive_vm_destroy(vm);
	return count;
}

VT_TEST_U(vm_tail_call_limit)
{
	/* counts its executions in ctx and tail-calls itself */
	struct hive_insn p[] = {
		COUNT_RUN_IN_CTX,
		HIVE_MOV64_IMM(0, 99),
		TAIL_CALL(1),
		HIVE_EXIT_INSN(),
	};
	/* the same after a failed attempt on an empty slot: only taken calls
	 * count, as on the live kernel (6.18: 34 executions either way) */
	struct hive_insn q[] = {
		COUNT_RUN_IN_CTX,
		TAIL_CALL(3),
		TAIL_CALL(1),
		HIVE_MOV64_IMM(0, 98),
		HIVE_EXIT_INSN(),
	};
	uint64_t r0 = 0;

	CHECK_EQ(self_tail_runs(p, VT_CNT(p), &r0), 1 + HIVE_MAX_TAIL_CALLS);
	CHECK_EQ(r0, 99);
	CHECK_EQ(self_tail_runs(q, VT_CNT(q), &r0), 1 + HIVE_MAX_TAIL_CALLS);
	CHECK_EQ(r0, 98);
}

VT_TEST_U(vm_tail_call_from_subprogram_returns_to_caller)
{
	struct hive_insn target[] = { HIVE_MOV64_IMM(0, 7), HIVE_EXIT_INSN() };
	struct hive_insn main_p[] = {
		HIVE_MOV64_IMM(6, 30),
		CALL_LOCAL(2),                                  /* -> 4 */
		HIVE_ALU64_REG(HIVE_ADD, 0, 6),                 /* 7 + 30 */
		HIVE_EXIT_INSN(),
		HIVE_MOV64_IMM(6, 0),                           /* pc 4 */
		TAIL_CALL(2),
		HIVE_EXIT_INSN(),
	};
	struct hive_vm *t = tail_vm(target, VT_CNT(target));
	struct hive_vm *m = tail_vm(main_p, VT_CNT(main_p));
	uint64_t r0;

	REQUIRE(t && m);
	tail_slots[2] = t;
	CHECK_EQ(hive_vm_exec(m, NULL, 0, &r0), 0);
	CHECK_EQ(r0, 37);
	hive_vm_destroy(t);
	hive_vm_destroy(m);
}

/* An unchecked caller (register interpreter) tail-calls a checked program
 * (interp.c), from a subprogram and from its main function. */
static uint64_t tail_into_checked(int main_slot)
{
	struct hive_insn target[] = {
		HIVE_LDX_MEM(HIVE_W, 0, 1, 0),                  /* r1 is still ctx */
		HIVE_ALU64_IMM(HIVE_ADD, 0, 100),
		HIVE_EXIT_INSN(),
	};
	struct hive_insn main_p[] = {
		HIVE_MOV64_IMM(6, 30),
		CALL_LOCAL(6),                                  /* -> 8 */
		HIVE_ALU64_REG(HIVE_ADD, 0, 6),                 /* 107 + 30 */
		TAIL_CALL(main_slot),                           /* pc 3-5 */
		HIVE_EXIT_INSN(),
		HIVE_EXIT_INSN(),
		HIVE_MOV64_IMM(6, 0),                           /* pc 8 */
		TAIL_CALL(0),                                   /* this frame returns 107 */
		HIVE_EXIT_INSN(),
	};
	struct hive_vm *t, *m;
	uint32_t ctx = 7;
	uint64_t r0 = 0;

	vt_engine = HIVE_ENGINE_INTERP;
	t = tail_vm(target, VT_CNT(target));                /* checked */
	vt_checks = false;
	m = tail_vm(main_p, VT_CNT(main_p));
	vt_checks = true;
	CHECK(t && m);
	tail_slots[0] = t;
	tail_slots[1] = NULL;
	if (t && m)
		CHECK_EQ(hive_vm_exec(m, &ctx, sizeof(ctx), &r0), 0);
	hive_vm_destroy(t);
	hive_vm_destroy(m);
	return r0;
}

TEST(vm_tail_call_unchecked_into_checked)
{
	CHECK_EQ(tail_into_checked(1), 137);    /* main's slot empty: falls through */
	CHECK_EQ(tail_into_checked(0), 107);
}

/* ---- legacy packet loads ------------------------------------------------------ */

static int run_pkt(const struct hive_insn *p, uint32_t cnt, const void *pkt, size_t len,
		   uint64_t *r0)
{
	HIVE_VM_RUN_OPTS(opts, .pkt = pkt, .pkt_size = len);

	return run_opts(p, cnt, &opts, r0);
}

#define LD_ABS(sz, imm)     HIVE_INSN(HIVE_LD | (sz) | HIVE_ABS, 0, 0, 0, imm)
#define LD_IND(sz, s, imm)  HIVE_INSN(HIVE_LD | (sz) | HIVE_IND, 0, s, 0, imm)

VT_TEST(vm_ld_abs_ind)
{
	static const uint8_t pkt[] = { 0x12, 0x34, 0x56, 0x78, 0x9a };
	struct hive_insn p[] = {
		LD_ABS(HIVE_W, 0), HIVE_MOV64_REG(6, 0),
		LD_ABS(HIVE_H, 3), HIVE_ALU64_IMM(HIVE_LSH, 6, 16), HIVE_ALU64_REG(HIVE_ADD, 6, 0),
		HIVE_MOV64_IMM(7, 1),
		LD_IND(HIVE_B, 7, 3), HIVE_ALU64_IMM(HIVE_LSH, 6, 8), HIVE_ALU64_REG(HIVE_ADD, 6, 0),
		LD_IND(HIVE_H, 7, 1), HIVE_ALU64_IMM(HIVE_LSH, 6, 16), HIVE_ALU64_REG(HIVE_ADD, 6, 0),
		HIVE_MOV64_REG(0, 6),
		HIVE_EXIT_INSN(),
	};
	struct hive_insn oob[] = {
		HIVE_MOV64_IMM(0, 77),
		LD_ABS(HIVE_W, 2),                              /* bytes 2..5 of 5 */
		HIVE_MOV64_IMM(0, 88),
		HIVE_EXIT_INSN(),
	};
	struct hive_insn neg[] = {
		HIVE_MOV64_IMM(6, -1),
		LD_IND(HIVE_B, 6, 0),                           /* offset -1 */
		HIVE_MOV64_IMM(0, 88),
		HIVE_EXIT_INSN(),
	};
	struct hive_insn wrap[] = {
		HIVE_LD_IMM64_LO(6, 0, 0x100000002ull), HIVE_LD_IMM64_HI(0x100000002ull),
		LD_IND(HIVE_B, 6, 2),                           /* 32-bit offset: 4 */
		HIVE_EXIT_INSN(),
	};
	struct hive_insn in_sub[] = {
		CALL_LOCAL(2),
		HIVE_ALU64_IMM(HIVE_ADD, 0, 5),                 /* the subprogram returned 0 */
		HIVE_EXIT_INSN(),
		HIVE_MOV64_IMM(0, 77),
		LD_ABS(HIVE_B, 100),
		HIVE_MOV64_IMM(0, 88),
		HIVE_EXIT_INSN(),
	};
	uint64_t r0;

	CHECK_EQ(run_pkt(p, VT_CNT(p), pkt, sizeof(pkt), &r0), 0);
	CHECK_EQ(r0, (0x12345678789a9aull << 16) + 0x5678);
	CHECK_EQ(run_pkt(oob, VT_CNT(oob), pkt, sizeof(pkt), &r0), 0);
	CHECK_EQ(r0, 0);
	CHECK_EQ(run_pkt(oob, VT_CNT(oob), NULL, 0, &r0), 0);
	CHECK_EQ(r0, 0);
	CHECK_EQ(run_pkt(neg, VT_CNT(neg), pkt, sizeof(pkt), &r0), 0);
	CHECK_EQ(r0, 0);
	CHECK_EQ(run_pkt(wrap, VT_CNT(wrap), pkt, sizeof(pkt), &r0), 0);
	CHECK_EQ(r0, 0x9a);
	CHECK_EQ(run_pkt(in_sub, VT_CNT(in_sub), pkt, sizeof(pkt), &r0), 0);
	CHECK_EQ(r0, 5);
}

/* ---- callbacks: lddw HIVE_PSEUDO_FUNC + hive_run_call ---------------------- */

static int bad_call_err;

/* bpf_loop(n, callback, ctx, flags): sum of callback(i, ctx) results. */
static uint64_t helper_loop(uint64_t n, uint64_t cb, uint64_t ctx, uint64_t flags, uint64_t e,
			    struct hive_run *run)
{
	uint64_t i, sum = 0, r0;
	int err;

	bad_call_err = hive_run_call(run, cb + 8, 0, 0, 0, 0, 0, &r0);
	for (i = 0; i < n; i++) {
		err = hive_run_call(run, cb, i, ctx, 0, 0, 0, &r0);
		if (err)
			return (uint64_t)(int64_t)err;
		sum += r0;
	}
	return sum;
}

/* hive_run_call() from a helper of an unchecked run: the callback runs on
 * the register interpreter, in the frame below, with its own stack. */
TEST(vm_callback_unchecked)
{
	struct hive_insn p[] = {
		HIVE_MOV64_IMM(1, 4),
		LDDW(2, HIVE_PSEUDO_FUNC, 0),                   /* imm patched: -> pc 9 */
		HIVE_MOV64_IMM(3, 10),
		HIVE_MOV64_IMM(4, 0),
		HIVE_MOV64_IMM(6, 1000),
		HIVE_CALL_HELPER(181),
		HIVE_ALU64_REG(HIVE_ADD, 0, 6),                 /* pc 7 */
		HIVE_EXIT_INSN(),
		HIVE_STX_MEM(HIVE_DW, 10, 1, -8),               /* pc 9: i + ctx */
		HIVE_LDX_MEM(HIVE_DW, 0, 10, -8),
		HIVE_ALU64_REG(HIVE_ADD, 0, 2),
		HIVE_MOV64_IMM(6, 0),
		HIVE_EXIT_INSN(),
	};
	struct hive_vm *vm = hive_vm_create();
	uint64_t r0;

	REQUIRE(vm);
	p[1].imm = 9 - 2;
	hive_vm_register_helper(vm, 181, "loop", helper_loop);
	hive_vm_set_engine(vm, HIVE_ENGINE_INTERP);
	hive_vm_set_checks(vm, false);
	REQUIRE(hive_vm_load(vm, p, VT_CNT(p)) == 0);
	CHECK_EQ(hive_vm_exec(vm, NULL, 0, &r0), 0);
	CHECK_EQ(r0, 10 + 11 + 12 + 13 + 1000);
	CHECK_EQ(bad_call_err, -EINVAL);
	hive_vm_destroy(vm);
}

VT_TEST(vm_pseudo_func_callback)
{
	struct hive_insn p[] = {
		HIVE_MOV64_IMM(1, 4),
		LDDW(2, HIVE_PSEUDO_FUNC, 0),                   /* imm patched: -> pc 9 */
		HIVE_MOV64_IMM(3, 10),
		HIVE_MOV64_IMM(4, 0),
		HIVE_MOV64_IMM(6, 1000),
		HIVE_CALL_HELPER(181),
		HIVE_ALU64_REG(HIVE_ADD, 0, 6),                 /* pc 7 */
		HIVE_EXIT_INSN(),
		/* pc 9: callback(i, ctx) = i + ctx, through its own stack */
		HIVE_STX_MEM(HIVE_DW, 10, 1, -8),
		HIVE_LDX_MEM(HIVE_DW, 0, 10, -8),
		HIVE_ALU64_REG(HIVE_ADD, 0, 2),
		HIVE_MOV64_IMM(6, 0),
		HIVE_EXIT_INSN(),
	};
	struct hive_vm *vm = hive_vm_create();
	HIVE_VM_RUN_OPTS(opts);
	uint64_t r0;

	REQUIRE(vm);
	p[1].imm = 9 - 2;
	hive_vm_register_helper(vm, 181, "loop", helper_loop);
	hive_vm_set_engine(vm, vt_engine);
	REQUIRE(hive_vm_load(vm, p, VT_CNT(p)) == 0);
	CHECK_EQ(hive_vm_run(vm, &opts, &r0), 0);
	CHECK_EQ(r0, 10 + 11 + 12 + 13 + 1000);
	CHECK_EQ(bad_call_err, -EINVAL);    /* not a callback entry */
	if (VT_INTERP)
		CHECK_EQ(opts.insns_run, 8 + 4 * 5);

	/* a fault inside the callback stops the whole run at its pc */
	p[10] = HIVE_LDX_MEM(HIVE_DW, 0, 10, HIVE_STACK_SIZE);   /* above frame 0 */
	REQUIRE(hive_vm_load(vm, p, VT_CNT(p)) == 0);
	vt_capture();
	CHECK_EQ(hive_vm_run(vm, &opts, &r0), -HIVE_EMEM);
	CHECK_EQ(opts.fault_pc, 10);
	hive_vm_destroy(vm);
}

/* ---- threads ---------------------------------------------------------------- */

struct thread_arg {
	struct hive_vm *vm;
	int bad;
};

static void *thread_run(void *p)
{
	struct thread_arg *a = p;
	uint64_t ctx[4], r0;
	int i;

	for (i = 0; i < 2000; i++) {
		ctx[0] = (uint64_t)i;
		ctx[1] = (uint64_t)i * 3;
		ctx[2] = ctx[3] = 0;
		if (hive_vm_exec(a->vm, ctx, sizeof(ctx), &r0) || r0 != (uint64_t)i * 4 + 20 ||
		    ctx[2] != (uint64_t)i * 4)
			a->bad++;
	}
	return NULL;
}

VT_TEST(vm_threads_share_one_vm)
{
	/* sum = ctx[0] + ctx[1] through the stack and a local call; ctx[2] = sum */
	struct hive_insn p[] = {
		HIVE_LDX_MEM(HIVE_DW, 2, 1, 0),
		HIVE_STX_MEM(HIVE_DW, 10, 2, -8),
		HIVE_LDX_MEM(HIVE_DW, 3, 1, 8),
		HIVE_MOV64_REG(6, 1),
		HIVE_MOV64_REG(1, 10), HIVE_ALU64_IMM(HIVE_ADD, 1, -8),
		HIVE_MOV64_REG(2, 3),
		CALL_LOCAL(4),                                  /* -> 12 */
		HIVE_STX_MEM(HIVE_DW, 6, 0, 16),
		HIVE_ALU64_IMM(HIVE_ADD, 0, 20),
		HIVE_EXIT_INSN(),
		HIVE_JMP_A(0),
		HIVE_LDX_MEM(HIVE_DW, 0, 1, 0),                 /* pc 12 */
		HIVE_ALU64_REG(HIVE_ADD, 0, 2),
		HIVE_EXIT_INSN(),
	};
	struct thread_arg args[4];
	pthread_t th[4];
	struct hive_vm *vm = vt_load(p, VT_CNT(p));
	int i;

	REQUIRE(vm);
	for (i = 0; i < 4; i++) {
		args[i] = (struct thread_arg){ vm, 0 };
		REQUIRE(pthread_create(&th[i], NULL, thread_run, &args[i]) == 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CHECK_EQ(args[i].bad, 0);
	}
	hive_vm_destroy(vm);
}
