/*
 * rinterp.h - the register interpreter (rinterp.c): runs verified programs
 * (unchecked runs, no budget) with the eBPF registers r0-r9 held in host
 * registers. Private to src/vm; vm.c picks it for a run when the loaded
 * program has its code (vm->rcode) and runs without checks.
 *
 * It needs clang on x86-64 (the regcall convention and guaranteed tail
 * calls). Elsewhere, and in the sanitizer and switch builds, rinterp_prepare()
 * leaves vm->rcode NULL and every run goes to interp.c.
 */
#ifndef HIVE_VM_RINTERP_H
#define HIVE_VM_RINTERP_H

#include <stdbool.h>
#include <stdint.h>

struct hive_vm;
struct hive_run;

/*
 * Build vm->rcode from the loaded program (vm->insns, vm->ldimm, helpers
 * final) when the build has the engine and vm->checks is off; otherwise
 * leave it NULL. Returns 0 or -ENOMEM.
 */
int rinterp_prepare(struct hive_vm *vm);

/* Free vm->rcode (NULL is fine). */
void rinterp_release(struct hive_vm *vm);

/* Run run->vm (which has rcode) from pc 0 in frame 0 with r1 = ctx,
 * r2 = ctx size; returns r0, or 0 with run->err set. */
uint64_t rinterp_run(struct hive_run *run);

/* Whether the innermost engine running @run is this one (a callback of
 * hive_run_call() then runs on it too: see vm_call_function). */
bool rinterp_active(const struct hive_run *run);

/* Run the function at @pc of run->vm in frame @depth with r1..r5 = @args
 * (the caller checked the depth); returns r0, or 0 with run->err set. Only
 * while rinterp_active(run). */
uint64_t rinterp_run_at(struct hive_run *run, uint32_t pc, const uint64_t args[5], uint32_t depth);

#endif /* HIVE_VM_RINTERP_H */
