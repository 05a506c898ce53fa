/*
 * vm_testutil.h - shared by the VM/interpreter tests: capture of library
 * messages and one-call load-and-run helpers.
 */
#ifndef HIVE_VM_TESTUTIL_H
#define HIVE_VM_TESTUTIL_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hive/hive_vm.h"

/* Engine of vt_load() and of the tests written with VT_TEST. */
static enum hive_engine vt_engine = HIVE_ENGINE_INTERP;
static bool vt_checks = true;  /* runtime checks of vt_vm() (VT_TEST_U) */

/* Every message the library printed since vt_capture(), concatenated. */
static char vt_log[8192];

static inline int vt_print(enum hive_print_level level, const char *fmt, va_list ap)
{
	size_t len = strlen(vt_log);

	(void)level;
	if (len < sizeof(vt_log) - 1)
		vsnprintf(vt_log + len, sizeof(vt_log) - len, fmt, ap);
	return 0;
}

static inline void vt_capture(void)
{
	vt_log[0] = 0;
	hive_set_print(vt_print);
}

/* Whether programs can run on the JIT on this host. */
static inline int vt_jit_available(void)
{
	struct hive_insn p[2] = { HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN() };
	struct hive_vm *vm = hive_vm_create();
	hive_print_fn old = hive_set_print(NULL);
	int ok;

	hive_vm_set_engine(vm, HIVE_ENGINE_JIT);
	ok = vm && hive_vm_load(vm, p, 2) == 0;
	hive_vm_destroy(vm);
	hive_set_print(old);
	return ok;
}

/*
 * VT_TEST_U(name) { body }: the same two cases, and name_unchecked on the
 * interpreter without runtime checks (the register interpreter, where the
 * build has it), for bodies whose programs stay in bounds. vt_vm() applies
 * vt_checks.
 */
#define VT_TEST_U(name)                                                        \
	static void vt_body_##name(void);                                      \
	TEST(name##_unchecked)                                                 \
	{                                                                      \
		vt_engine = HIVE_ENGINE_INTERP;                                \
		vt_checks = false;                                             \
		vt_body_##name();                                              \
		vt_checks = true;                                              \
	}                                                                      \
	VT_TEST(name)

/*
 * VT_TEST(name) { body } registers two cases: name on the interpreter and
 * name_jit on the JIT (skipped where there is none). The body reads
 * vt_engine (vt_load() and vt_vm() use it).
 */
#define VT_TEST(name)                                                          \
	static void vt_body_##name(void);                                      \
	TEST(name)                                                             \
	{                                                                      \
		vt_engine = HIVE_ENGINE_INTERP;                                \
		vt_body_##name();                                              \
	}                                                                      \
	TEST(name##_jit)                                                       \
	{                                                                      \
		if (!vt_jit_available())                                       \
			SKIP("no JIT on this host");                           \
		vt_engine = HIVE_ENGINE_JIT;                                   \
		vt_body_##name();                                              \
	}                                                                      \
	static void vt_body_##name(void)

/* A fresh VM on vt_engine (nothing loaded). */
static inline struct hive_vm *vt_vm(void)
{
	struct hive_vm *vm = hive_vm_create();

	if (vm) {
		hive_vm_set_engine(vm, vt_engine);
		hive_vm_set_checks(vm, vt_checks);
	}
	return vm;
}

#define VT_INTERP (vt_engine == HIVE_ENGINE_INTERP)

/* Load @insns into a fresh VM on vt_engine; NULL if the load fails. */
static inline struct hive_vm *vt_load(const struct hive_insn *insns, uint32_t cnt)
{
	struct hive_vm *vm = vt_vm();

	if (!vm)
		return NULL;
	if (hive_vm_load(vm, insns, cnt)) {
		hive_vm_destroy(vm);
		return NULL;
	}
	return vm;
}

/* Load and run with @ctx (read/write); return the run's error, r0 in *r0. */
static inline int vt_run(const struct hive_insn *insns, uint32_t cnt, void *ctx, size_t ctx_size,
			 uint64_t *r0)
{
	struct hive_vm *vm = vt_load(insns, cnt);
	int err;

	*r0 = 0xdeadbeef;
	if (!vm)
		return -1000;
	err = hive_vm_exec(vm, ctx, ctx_size, r0);
	hive_vm_destroy(vm);
	return err;
}

#define VT_CNT(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))

#endif
