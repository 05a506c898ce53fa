/*
 * jit.c - JIT driver. The x86-64 backend is not written yet: compilation
 * answers -HIVE_ENOJIT and the VM falls back to the interpreter.
 */
#include "vm/vm_internal.h"

int jit_compile(struct hive_vm *vm)
{
	(void)vm;
	return -HIVE_ENOJIT;
}

void jit_free(struct hive_vm *vm)
{
	(void)vm;
}
