/*
 * test_jit_rt.c - the JIT's run-time behaviour against the interpreter's:
 * memory faults of checked runs (same error, pc, address, size), the
 * instruction budget, local calls and their depth limit, helpers (argument
 * passing, registers kept in checked runs, hive_run_abort), tail calls
 * (JIT to JIT and JIT to interpreter), callbacks through hive_run_call,
 * legacy packet loads, misaligned atomics; then what only the JIT has:
 * W^X code memory, the fallback when compilation fails, the capstone
 * dump, constant blinding and a 1,000,000-instruction program.
 */
#if defined(__x86_64__)     /* the JIT's host */
#include <errno.h>
#include <sys/mman.h>

#include "jit/jit_internal.h"
#include "jit_testutil.h"

static _Alignas(16) uint8_t mem[256];

static void both(const char *src, struct jt_env *env, const char *what)
{
	struct jt_prog g = { 0 };

	if (jt_asm(&g, src))
		jt_compare2(&g, env, what);
	jt_free(&g);
}

/* Checked runs only: programs whose unchecked behaviour is undefined
 * (endless loops, reads of dead frames, registers after calls). */
static void checked(const char *src, struct jt_env *env, const char *what)
{
	struct jt_prog g = { 0 };

	env->checks = true;
	if (jt_asm(&g, src))
		jt_compare(&g, env, what);
	jt_free(&g);
}

static void both_mem(const char *src, const char *what)
{
	struct jt_env env = { .mem = mem, .memlen = sizeof(mem) };
	unsigned i;

	for (i = 0; i < sizeof(mem); i++)
		mem[i] = (uint8_t)(i * 7 + 1);
	both(src, &env, what);
}

/* ---- memory faults ---------------------------------------------------------- */

TEST(jit_fault_outcomes_checked)
{
	struct jt_env env = { .mem = mem, .memlen = 64, .checks = true };
	static const char *const progs[] = {
		"mov %r2, 8\nldxdw %r0, [%r2+0]\nexit\n",                 /* near NULL */
		"ldxw %r0, [%r1+61]\nexit\n",                             /* straddles ctx end */
		"ldxb %r0, [%r1+64]\nexit\n",                             /* just past ctx */
		"ldxb %r0, [%r1-1]\nexit\n",                              /* just before ctx */
		"stxdw [%r1+60], %r1\nexit\n",                            /* store past ctx */
		"stw [%r1+100], 1\nexit\n",
		"ldxdw %r0, [%r10-520]\nexit\n",                          /* below the frame */
		"ldxdw %r0, [%r10+0]\nexit\n",                            /* above the stack */
		"mov %r2, %r10\nldxdw %r0, [%r2+8]\nexit\n",
		"mov %r2, %r10\nadd %r2, -513\nldxb %r0, [%r2]\nexit\n",
		"mov %r0, 1\nstxdw [%r1+8], %r0\nmov %r0, 0\nstxdw [%r1+80], %r0\nexit\n",
		"lock add [%r1+64], %r1\nexit\n",                         /* atomic past ctx */
		"ldxdw %r2, [%r1+0]\nldxdw %r0, [%r2+0]\nexit\n",         /* wild pointer */
	};
	unsigned i;

	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		struct jt_prog g = { 0 };
		struct jt_outcome o;

		memset(mem, 0x11, sizeof(mem));
		if (!jt_asm(&g, progs[i]))
			continue;
		jt_compare(&g, &env, progs[i]);
		o = jt_run(&g, HIVE_ENGINE_JIT, &env, NULL);
		if (i != 10)
			CHECK_EQ(o.rc, -HIVE_EMEM);
		jt_free(&g);
	}
}

TEST(jit_fault_readonly_ctx)
{
	struct jt_env env = { .mem = mem, .memlen = 64, .checks = true,
			      .ctx_prot = HIVE_PROT_READ };

	both("ldxdw %r0, [%r1+8]\nexit\n", &env, "read ro ctx");
	both("stdw [%r1+8], 3\nexit\n", &env, "write ro ctx");
	both("lock add [%r1+8], %r1\nexit\n", &env, "atomic ro ctx");
}

/* Frames of the call chain are accessible, frames below the current one
 * are not (the interpreter's rule), also after returning. */
TEST(jit_fault_call_chain_stack)
{
	both_mem("mov %r1, %r10\nadd %r1, -8\nstdw [%r10-8], 5\ncall local f\n"
		 "ldxdw %r0, [%r10-8]\nexit\n"
		 "f:\nldxdw %r0, [%r1+0]\nadd %r0, 1\nstxdw [%r1+0], %r0\nexit\n",
		 "callee writes caller frame");
	{
		struct jt_env env = { .mem = mem, .memlen = sizeof(mem) };

		checked("call local f\nldxdw %r0, [%r0+0]\nexit\n"
			"f:\nmov %r0, %r10\nadd %r0, -16\nexit\n", &env,
			"caller reads dead callee frame");
	}
}

/* ---- budget ------------------------------------------------------------------ */

TEST(jit_budget_outcomes)
{
	static const char *const loop =
		"mov %r0, 0\nmov %r1, 20\nl:\nadd %r0, %r1\nlddw %r3, 7\nsub %r1, 1\n"
		"jne %r1, 0, l\nexit\n";
	struct jt_env env = { .checks = true };
	struct jt_prog g = { 0 };
	uint64_t b;

	REQUIRE(jt_asm(&g, loop));
	/* 2 + 20 * 4 + 1 = 83 instructions: every budget around the exact one */
	for (b = 70; b <= 90; b++) {
		char what[32];

		env.budget = b;
		snprintf(what, sizeof(what), "budget %llu", (unsigned long long)b);
		jt_compare(&g, &env, what);
	}
	env.budget = 83;
	CHECK_EQ(jt_run(&g, HIVE_ENGINE_JIT, &env, NULL).rc, 0);
	env.budget = 82;
	CHECK_EQ(jt_run(&g, HIVE_ENGINE_JIT, &env, NULL).rc, -HIVE_EBUDGET);
	jt_free(&g);

	env.budget = 1000;
	checked("l:\nja l\n", &env, "ja -1 forever");
	checked("mov %r0, 0\nl:\nadd %r0, 1\ncall local f\nja l\nf:\nexit\n", &env,
		"calls forever");
	checked("mov %r0, 0\nl:\nstxdw [%r10-8], %r0\nadd %r0, 1\nldxdw %r2, [%r10-16]\n"
		"ja l\n", &env, "stores forever");
}

/* ---- local calls --------------------------------------------------------------- */

TEST(jit_local_calls_registers)
{
	/* callee sees caller's r6-r9 and r1-r5, leaves r0-r5 to the caller;
	 * r6-r9 come back restored */
	both_mem("mov %r6, 6\nmov %r7, 7\nmov %r8, 8\nmov %r9, 9\nmov %r1, 1\nmov %r5, 5\n"
		 "call local f\n"
		 "mul %r0, 1000\nadd %r0, %r6\nmul %r0, 10\nadd %r0, %r9\nadd %r0, %r2\n"
		 "add %r0, %r5\nexit\n"
		 "f:\nmov %r0, %r6\nadd %r0, %r9\nadd %r0, %r1\nmov %r6, 66\nmov %r9, 99\n"
		 "mov %r2, 22\nmov %r5, 55\nexit\n", "call registers");
	both_mem("mov %r1, 5\ncall local fact\nexit\n"
		 "fact:\nmov %r0, 1\njle %r1, 1, done\nmov %r6, %r1\nsub %r1, 1\n"
		 "call local fact\nmul %r0, %r6\ndone:\nexit\n", "recursive factorial 5");
}

TEST(jit_local_call_depth_limit)
{
	both_mem("call local f\nexit\nf:\ncall local f\nexit\n", "infinite recursion");
	both_mem("mov %r1, 7\ncall local f\nexit\n"
		 "f:\nmov %r0, %r1\njeq %r1, 0, out\nsub %r1, 1\ncall local f\nout:\nexit\n",
		 "depth 8 (7 calls)");
	both_mem("mov %r1, 8\ncall local f\nexit\n"
		 "f:\nmov %r0, %r1\njeq %r1, 0, out\nsub %r1, 1\ncall local f\nout:\nexit\n",
		 "depth 9");
}

/* Control flow the verifier would refuse but the loader allows: a jump
 * into another function's code returns from the current frame; a
 * function that falls through into the next one. */
TEST(jit_cross_function_flow)
{
	both_mem("mov %r0, 1\nja inner\nexit\nf:\nmov %r0, 2\ninner:\nadd %r0, 10\nexit\n"
		 "g:\ncall local f\nexit\n", "jump into another function");
	both_mem("mov %r0, 3\ncall local f\nadd %r0, 100\nf:\nadd %r0, 1\nexit\n",
		 "main falls into f");
	both_mem("call local f\nmov %r0, 1\nja +1\nf:\nja skip\nmov %r0, 7\nskip:\nexit\n",
		 "f jumps back");
}

/* ---- helpers --------------------------------------------------------------------- */

static uint64_t h_mix(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
		      struct hive_run *run)
{
	(void)run;
	return r1 + 3 * r2 + 5 * r3 + 7 * r4 + 11 * r5;
}

static uint64_t h_abort(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			struct hive_run *run)
{
	if (r1)
		hive_run_abort(run, -EPERM);
	return 77;
}

static uint8_t granted[32];

static uint64_t h_grant(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			struct hive_run *run)
{
	hive_run_grant(run, granted, sizeof(granted), HIVE_PROT_RW);
	return (uintptr_t)granted;
}

/* loop(func, n): calls func(i) for i < n through hive_run_call, sums r0 */
static uint64_t h_loop(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
		       struct hive_run *run)
{
	uint64_t sum = 0, r0, i;

	for (i = 0; i < r2; i++) {
		if (hive_run_call(run, r1, i, r3, 0, 0, 0, &r0))
			return 0;
		sum += r0;
	}
	return sum;
}

static int setup_helpers(struct hive_vm *vm, void *user)
{
	(void)user;
	hive_vm_register_helper(vm, 1, "mix", h_mix);
	hive_vm_register_helper(vm, 2, "abort", h_abort);
	hive_vm_register_helper(vm, 3, "grant", h_grant);
	hive_vm_register_helper(vm, 4, "loop", h_loop);
	return 0;
}

static void helper_calls(void)
{
	struct jt_env env = { .mem = mem, .memlen = sizeof(mem), .setup = setup_helpers };

	both("mov %r1, 1\nmov %r2, 2\nmov %r3, 3\nmov %r4, 4\nmov %r5, 5\ncall 1\nexit\n", &env,
	     "five arguments");
	/* checked runs keep r1-r5 across a helper, like the interpreter */
	checked("mov %r1, 1\nmov %r2, 2\nmov %r3, 3\nmov %r4, 4\nmov %r5, 5\ncall 1\n"
		"add %r0, %r1\nadd %r0, %r3\nadd %r0, %r5\nexit\n", &env, "r1-r5 survive");
	checked("mov %r1, 1\nmov %r2, 2\ncall 1\nmul %r0, %r2\nexit\n", &env, "r2 survives");
	both("mov %r1, 0\ncall 2\nmov %r1, 1\ncall 2\nmov %r0, 5\nexit\n", &env, "abort");
	both("call 3\nstdw [%r0+24], 9\nldxdw %r0, [%r0+24]\nexit\n", &env, "granted memory");
	checked("call 3\nldxdw %r0, [%r0+32]\nexit\n", &env, "past granted memory");
}

TEST(jit_helper_calls)
{
	helper_calls();
}

/* Helpers and runtime routines called through movabs + call rax. */
TEST(jit_helper_calls_far)
{
	jit_test_flags = JIT_TEST_FAR_CALLS;
	helper_calls();
	both_mem("lock add [%r1+1], %r1\nexit\n", "misaligned, far");
	both_mem("call local f\nexit\nf:\ncall local f\nexit\n", "depth, far");
}

TEST(jit_callbacks_hive_run_call)
{
	struct jt_env env = { .mem = mem, .memlen = sizeof(mem), .setup = setup_helpers };
	static const char *const prog =
		"mov %r6, 1000\nlddw %r1, code_addr(cb)\nmov %r2, 10\nmov %r3, 3\ncall 4\n"
		"add %r0, %r6\nexit\n"
		"cb:\nmov %r0, %r1\nmul %r0, %r2\nstxdw [%r10-8], %r0\nldxdw %r0, [%r10-8]\nexit\n";

	both(prog, &env, "bpf_loop-like callback");
	/* a callback that recurses through the helper until the depth limit */
	both("lddw %r1, code_addr(cb)\nmov %r2, 1\ncall 4\nexit\n"
	     "cb:\nlddw %r1, code_addr(cb)\nmov %r2, 1\ncall 4\nadd %r0, 1\nexit\n", &env,
	     "callback depth limit");
	env.budget = 5000;
	checked("lddw %r1, code_addr(cb)\nmov %r2, 3\ncall 4\nexit\n"
		"cb:\nja cb\n", &env, "callback budget");
}

/* ---- tail calls -------------------------------------------------------------------- */

struct tail_env {
	struct hive_vm *targets[2];
	enum hive_engine engine;
};

static struct hive_vm *tail_resolve(void *user, struct hive_run *run, uint64_t map,
				    uint32_t index)
{
	struct tail_env *t = user;

	(void)run;
	(void)map;
	return index < 2 ? t->targets[index] : NULL;
}

static struct hive_vm *load_text(const char *src, enum hive_engine e, bool checks,
				 struct tail_env *t)
{
	struct jt_prog g = { 0 };
	struct hive_vm *vm = hive_vm_create();

	if (!vm || !jt_asm(&g, src)) {
		hive_vm_destroy(vm);
		return NULL;
	}
	hive_vm_set_engine(vm, e);
	hive_vm_set_checks(vm, checks);
	if (t)
		hive_vm_set_tail_call(vm, tail_resolve, t);
	if (hive_vm_load(vm, g.p, g.n)) {
		hive_vm_destroy(vm);
		vm = NULL;
	}
	jt_free(&g);
	return vm;
}

TEST(jit_tail_calls)
{
	/* target 0 counts itself down through tail calls (limit 33), target 1
	 * reads its ctx and the stack slot the caller wrote */
	static const char *const t0 =
		"ldxdw %r6, [%r1+0]\nadd %r6, 1\nstxdw [%r1+0], %r6\nmov %r2, 0\nmov %r3, 0\n"
		"call 12\nldxdw %r0, [%r1+0]\nadd %r0, 1000\nexit\n";
	static const char *const t1 =
		"ldxdw %r0, [%r10-8]\nldxdw %r2, [%r1+8]\nadd %r0, %r2\nexit\n";
	static const char *const mains[] = {
		"mov %r2, 0\nmov %r3, 0\ncall 12\nmov %r0, 1\nexit\n",
		"stdw [%r10-8], 40\nstdw [%r1+8], 2\nmov %r3, 1\ncall 12\nmov %r0, 1\nexit\n",
		"mov %r3, 5\ncall 12\nmov %r0, 77\nexit\n",                 /* empty slot */
		"call local f\nadd %r0, 3\nexit\nf:\nmov %r6, 9\nstdw [%r10-8], 4\n"
		"mov %r3, 1\ncall 12\nexit\n",                              /* from a callee */
	};
	static const enum hive_engine eng[][2] = {
		{ HIVE_ENGINE_INTERP, HIVE_ENGINE_INTERP },
		{ HIVE_ENGINE_JIT, HIVE_ENGINE_JIT },
		{ HIVE_ENGINE_JIT, HIVE_ENGINE_INTERP },
	};
	unsigned m, e, checks;

	for (checks = 0; checks < 2; checks++) {
		for (m = 0; m < sizeof(mains) / sizeof(mains[0]); m++) {
			uint64_t res[3];
			int rc[3];

			for (e = 0; e < 3; e++) {
				struct tail_env t = { { NULL, NULL }, eng[e][1] };
				struct hive_vm *vm;
				uint64_t ctx[4] = { 0, 0, 0, 0 };

				t.targets[0] = load_text(t0, eng[e][1], checks, &t);
				t.targets[1] = load_text(t1, eng[e][1], checks, &t);
				vm = load_text(mains[m], eng[e][0], checks, &t);
				REQUIRE(vm && t.targets[0] && t.targets[1]);
				CHECK_EQ(hive_vm_engine(vm), eng[e][0]);
				rc[e] = hive_vm_exec(vm, ctx, sizeof(ctx), &res[e]);
				res[e] += ctx[0] << 32;
				hive_vm_destroy(vm);
				hive_vm_destroy(t.targets[0]);
				hive_vm_destroy(t.targets[1]);
			}
			CHECK_EQ(rc[1], rc[0]);
			CHECK_EQ(res[1], res[0]);
			/* an interpreted target runs in a new frame: only main 1's
			 * stack read (undefined for verified programs) may differ */
			if (m != 1 && m != 3) {
				CHECK_EQ(rc[2], rc[0]);
				CHECK_EQ(res[2], res[0]);
			}
		}
	}
}

/* ---- packets, atomics ------------------------------------------------------------- */

TEST(jit_ld_abs_ind)
{
	static uint8_t pkt[64];
	struct jt_env env = { .mem = mem, .memlen = sizeof(mem), .pkt = pkt,
			      .pkt_size = sizeof(pkt) };
	static const char *const progs[] = {
		"ldabsb 0\nmov %r6, %r0\nldabsh 1\nadd %r6, %r0\nldabsw 60\nadd %r0, %r6\nexit\n",
		"ldabsw 61\nmov %r0, 9\nexit\n",
		"ldabsh 63\nexit\n",
		"ldabsb 64\nexit\n",
		"ldabsb -1\nexit\n",
		"ldabsw 2147483647\nexit\n",
		"mov %r7, 10\nldindw %r7, 50\nexit\n",
		"mov %r7, 10\nldindw %r7, 51\nexit\n",
		"lddw %r7, 0x100000003\nldindh %r7, 0\nexit\n",    /* (s32)(src + imm) */
		"mov %r7, -4\nldindb %r7, 4\nexit\n",
		"mov %r7, -4\nldindb %r7, 3\nexit\n",
		"mov %r0, 5\ncall local f\nadd %r0, 1\nexit\nf:\nldabsb 100\nmov %r0, 9\nexit\n",
		"mov %r1, 1\nmov %r5, 5\nldabsb 3\nadd %r0, %r1\nadd %r0, %r5\nexit\n",
	};
	unsigned i;

	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)(0x10 + i * 3);
	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++)
		both(progs[i], &env, progs[i]);
	env.pkt = NULL;
	env.pkt_size = 0;
	both(progs[0], &env, "no packet");
}

TEST(jit_misaligned_atomics)
{
	both_mem("lock add [%r1+1], %r1\nexit\n", "atomic add +1");
	both_mem("lock add32 [%r1+2], %r1\nexit\n", "atomic32 add +2");
	both_mem("lock fetch or [%r1+4], %r1\nexit\n", "atomic fetch or +4");
	both_mem("mov %r0, 0\nlock cmpxchg32 [%r1+4], %r1\nexit\n", "cmpxchg32 aligned");
}

/* ---- JIT only --------------------------------------------------------------------- */

static struct hive_vm *load_jit(const char *src, bool checks)
{
	return load_text(src, HIVE_ENGINE_JIT, checks, NULL);
}

/* W^X: after compiling, no mapping of the process is writable and
 * executable, and the code pages are r-x. */
TEST(jit_wx_code_memory)
{
	struct hive_vm *vm = load_jit("mov %r0, 1\nexit\n", true);
	char line[512];
	FILE *f;
	bool found = false;

	REQUIRE(vm);
	REQUIRE(vm->jit_code);
	f = fopen("/proc/self/maps", "r");
	REQUIRE(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		char perms[8];

		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3)
			continue;
		CHECK(!(perms[1] == 'w' && perms[2] == 'x'));
		if ((uintptr_t)vm->jit_code >= lo && (uintptr_t)vm->jit_code < hi) {
			CHECK_STR(perms, "r-xp");
			found = true;
		}
	}
	fclose(f);
	CHECK(found);
	hive_vm_destroy(vm);
}

TEST(jit_fallback_when_compile_fails)
{
	struct jt_prog g = { 0 };
	struct hive_vm *vm = hive_vm_create();
	uint64_t r0 = 0;

	REQUIRE(vm && jt_asm(&g, "mov %r0, 42\nexit\n"));
	jit_test_flags = JIT_TEST_FAIL_ALLOC;
	/* AUTO: the interpreter takes over */
	CHECK_EQ(hive_vm_load(vm, g.p, g.n), 0);
	CHECK_EQ(hive_vm_engine(vm), HIVE_ENGINE_INTERP);
	CHECK_EQ(hive_vm_exec(vm, NULL, 0, &r0), 0);
	CHECK_EQ(r0, 42);
	/* JIT forced: the load fails */
	hive_vm_set_engine(vm, HIVE_ENGINE_JIT);
	CHECK_EQ(hive_vm_load(vm, g.p, g.n), -ENOMEM);
	jit_test_flags = 0;
	CHECK_EQ(hive_vm_load(vm, g.p, g.n), 0);
	CHECK_EQ(hive_vm_engine(vm), HIVE_ENGINE_JIT);
	/* AUTO picks the JIT on this host */
	hive_vm_set_engine(vm, HIVE_ENGINE_AUTO);
	CHECK_EQ(hive_vm_load(vm, g.p, g.n), 0);
	CHECK_EQ(hive_vm_engine(vm), HIVE_ENGINE_JIT);
	hive_vm_destroy(vm);
	jt_free(&g);
}

TEST(jit_dump_capstone)
{
	struct hive_vm *vm = load_jit("mov %r0, 42\nadd %r0, %r1\nexit\n", false);
	char *text = NULL;

	REQUIRE(vm);
	CHECK_EQ(hive_vm_dump_jited(vm, 0, &text), 0);
	REQUIRE(text);
	CHECK(strstr(text, "r0 = 42") != NULL);
	CHECK(strstr(text, "mov eax, 0x2a") != NULL);
	CHECK(strstr(text, "add rax, rdi") != NULL);
	CHECK(strstr(text, "ret") != NULL);
	free(text);
	CHECK_EQ(hive_vm_dump_jited(vm, HIVE_DUMP_JIT_ALL | HIVE_DUMP_JIT_BYTES, &text), 0);
	REQUIRE(text);
	CHECK(strstr(text, "; entry") != NULL);
	CHECK(strstr(text, "48 01 f8") != NULL);    /* add rax, rdi */
	free(text);
	hive_vm_destroy(vm);
	vm = load_text("exit\n", HIVE_ENGINE_INTERP, true, NULL);
	REQUIRE(vm);
	CHECK_EQ(hive_vm_dump_jited(vm, 0, &text), -HIVE_ENOJIT);
	hive_vm_destroy(vm);
}

static bool image_has(const struct hive_vm *vm, uint32_t pattern)
{
	const uint8_t *p = vm->jit_code;
	size_t i;

	for (i = 0; i + 4 <= vm->jit_size; i++)
		if (!memcmp(p + i, &pattern, 4))
			return true;
	return false;
}

TEST(jit_constant_blinding)
{
	static const char *const src =
		"mov %r0, 0x5a5a1234\nadd %r0, 0x5a5a1234\nstw [%r10-4], 0x5a5a1234\n"
		"ldxw %r2, [%r10-4]\nxor %r0, %r2\njne %r0, 0x5a5a1234, +1\nmov %r0, 1\n"
		"lddw %r3, 0x5a5a12345a5a1234\nadd %r0, %r3\nmul %r0, 0x5a5a1234\n"
		"div %r0, 0x5a5a1234\nexit\n";
	struct jt_prog g = { 0 };
	struct hive_vm *vm;
	uint64_t r_plain = 0, r_blind = 1, r_interp = 2;
	int checks;

	REQUIRE(jt_asm(&g, src));
	for (checks = 0; checks < 2; checks++) {
		vm = load_jit(src, checks);
		REQUIRE(vm);
		CHECK(image_has(vm, 0x5a5a1234));           /* the test can see it */
		CHECK_EQ(hive_vm_exec(vm, NULL, 0, &r_plain), 0);
		hive_vm_destroy(vm);

		vm = hive_vm_create();
		REQUIRE(vm);
		hive_vm_set_checks(vm, checks);
		hive_vm_set_jit_blinding(vm, true);
		REQUIRE(hive_vm_load(vm, g.p, g.n) == 0);
		CHECK_EQ(hive_vm_engine(vm), HIVE_ENGINE_JIT);
		CHECK(!image_has(vm, 0x5a5a1234));
		CHECK_EQ(hive_vm_exec(vm, NULL, 0, &r_blind), 0);
		hive_vm_destroy(vm);

		vm = load_text(src, HIVE_ENGINE_INTERP, checks, NULL);
		REQUIRE(vm);
		CHECK_EQ(hive_vm_exec(vm, NULL, 0, &r_interp), 0);
		hive_vm_destroy(vm);
		CHECK_EQ(r_plain, r_interp);
		CHECK_EQ(r_blind, r_interp);
	}
	jt_free(&g);
}

/* 1,000,000 instructions: a straight line of ALU work with short forward
 * branches and stack traffic; compiled (not timed here, see docs/jit.md)
 * and checked against the interpreter. */
TEST(jit_large_program)
{
	struct jt_prog g = { 0 };
	struct jt_env env = { .checks = false };
	uint32_t i;

	jt_push(&g, HIVE_MOV64_IMM(0, 1));
	jt_push(&g, HIVE_MOV64_IMM(2, 3));
	while (g.n < HIVE_MAX_INSNS - 8) {
		i = g.n;
		switch (i % 8) {
		case 0: jt_push(&g, HIVE_ALU64_REG(HIVE_ADD, 0, 2)); break;
		case 1: jt_push(&g, HIVE_ALU64_IMM(HIVE_MUL, 2, 5)); break;
		case 2: jt_push(&g, HIVE_JMP_IMM(HIVE_JSET, 0, 4, 1)); break;
		case 3: jt_push(&g, HIVE_ALU32_IMM(HIVE_XOR, 2, 0x1234)); break;
		case 4: jt_push(&g, HIVE_STX_MEM(HIVE_DW, HIVE_REG_FP, 0, -8)); break;
		case 5: jt_push(&g, HIVE_LDX_MEM(HIVE_W, 3, HIVE_REG_FP, -8)); break;
		case 6: jt_push(&g, HIVE_ALU64_REG(HIVE_XOR, 0, 3)); break;
		default: jt_push(&g, HIVE_ALU64_IMM(HIVE_RSH, 2, 1)); break;
		}
	}
	jt_push(&g, HIVE_EXIT_INSN());
	CHECK(jt_compare(&g, &env, "1M insns"));
	jt_free(&g);
}

#endif
