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

/* Load @insns into a fresh interpreter VM; NULL if the load fails. */
static inline struct hive_vm *vt_load(const struct hive_insn *insns, uint32_t cnt)
{
	struct hive_vm *vm = hive_vm_create();

	if (!vm)
		return NULL;
	hive_vm_set_engine(vm, HIVE_ENGINE_INTERP);
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
