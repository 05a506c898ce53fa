/*
 * vm_internal.h - the VM's private state, shared by vm.c (lifecycle,
 * loading, helper registry, memory grants), interp.c (the interpreter) and
 * jit/ (the x86-64 compiler). Not part of the public API.
 *
 * Execution model shared by both engines:
 *  - eBPF registers hold real host addresses; r10 points at the top of the
 *    current 512-byte frame inside run->stack.
 *  - A checked run validates every load/store against: the current call
 *    chain's stack, run->ctx, vm->regions (static grants), run->dyn
 *    (helper grants during the run). An unchecked run (verified program)
 *    does not.
 *  - Helpers are called as fn(r1..r5, run); helper 12 (tail call) is handled
 *    by the engine via vm->tail_fn.
 *  - Errors stop the run by setting run->err (negative) and run->fault_*.
 */
#ifndef HIVE_VM_INTERNAL_H
#define HIVE_VM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hive/hive_vm.h"
#include "isa/isa.h"

#define HIVE_MAX_HELPER_ID 65535u
#define HIVE_HELPER_TAIL_CALL 12u

struct hive_region {
	uintptr_t start;
	uintptr_t end;      /* exclusive */
	unsigned prot;      /* HIVE_PROT_* */
};

struct hive_helper {
	hive_helper_fn fn;
	char *name;
};

/* JIT-compiled code entry: returns r0; errors in run->err. */
typedef uint64_t (*hive_jit_entry)(void *ctx, struct hive_run *run);

struct hive_vm {
	struct hive_insn *insns;        /* owned copy */
	uint32_t ninsns;
	uint64_t *ldimm;                /* resolved 64-bit value per lddw pc (NULL slots unused) */

	struct hive_helper *helpers;    /* indexed by id, nhelpers entries */
	uint32_t nhelpers;

	struct hive_region *regions;    /* static grants */
	uint32_t nregions;

	uint64_t budget;                /* 0: unlimited */
	enum hive_engine engine_req;    /* requested engine */
	enum hive_engine engine;        /* engine of the loaded program */
	bool checks;                    /* runtime checks on (unverified program) */

	hive_ldimm_fn ldimm_fn;
	void *ldimm_user;
	hive_tail_call_fn tail_fn;
	void *tail_user;

	/* JIT state (jit/jit.c); NULL when interpreting. */
	void *jit_code;                 /* executable image */
	size_t jit_size;
	hive_jit_entry jit_entry;
	uint32_t *jit_offsets;          /* pc -> offset in image, for dumps */
};

#define HIVE_RUN_DYN_INLINE 16

struct hive_run {
	struct hive_vm *vm;             /* program currently running (changes on tail call) */
	struct hive_vm_run_opts *opts;
	void *ctx;
	uintptr_t ctx_start, ctx_end;
	unsigned ctx_prot;
	const uint8_t *pkt;
	size_t pkt_size;

	uint8_t *stack;                 /* HIVE_MAX_CALL_FRAMES * HIVE_STACK_SIZE bytes */
	struct hive_region dyn_inline[HIVE_RUN_DYN_INLINE];
	struct hive_region *dyn;        /* helper grants: dyn_inline or heap */
	uint32_t ndyn, dyn_cap;

	uint64_t budget_left;           /* checked runs: instructions left */
	uint64_t insns_run;
	uint32_t tail_calls;            /* taken so far (limit HIVE_MAX_TAIL_CALLS) */
	struct hive_vm *tail_target;    /* set by the tail-call helper path */
	uint32_t depth;                 /* current local call depth */

	int err;                        /* 0, or negative error that stops the run */
	uint32_t fault_pc;
	uint64_t fault_addr;
	uint32_t fault_size;
};

/* Memory check of a checked run: 0 if [addr, addr+size) may be accessed
 * with prot, else sets run->err = -HIVE_EMEM and the fault fields. */
int vm_check_access(struct hive_run *run, uint64_t addr, uint32_t size, unsigned prot,
		    uint32_t pc);

/* Interpreter entry: runs run->vm from pc 0 with r1 = ctx; returns r0. */
uint64_t vm_interpret(struct hive_run *run);

/* JIT (jit/jit.c). jit_compile fills vm->jit_*; returns 0 or -errno.
 * jit_free releases it. Both are no-ops returning -HIVE_ENOJIT on hosts
 * without a backend. */
int jit_compile(struct hive_vm *vm);
void jit_free(struct hive_vm *vm);

#endif /* HIVE_VM_INTERNAL_H */
