/*
 * vm_internal.h - the VM's private state, shared by vm.c (lifecycle,
 * loading, helper registry, memory grants), interp.c (the interpreter) and
 * jit/ (the x86-64 compiler). Not part of the public API.
 *
 * Execution model shared by both engines:
 *  - eBPF registers hold real host addresses.
 *  - run->stack holds HIVE_MAX_CALL_FRAMES frames of HIVE_STACK_SIZE bytes
 *    and grows down: frame d (0 = the entry function) occupies
 *    [stack_top - (d+1)*512, stack_top - d*512) and its r10 is
 *    stack_top - d*512, where stack_top = run->stack + HIVE_RUN_STACK_SIZE.
 *    run->depth is the frame of the function running now.
 *  - At entry r1 = ctx, r2 = ctx_size (a hive convenience for raw programs;
 *    the kernel leaves r2 unreadable), r0 and r3..r9 = 0. In a checked run
 *    every frame starts zeroed (entry frame, local callee, callback), so
 *    unverified code never reads stale bytes and both engines agree.
 *  - A local call passes r1..r5, gives the callee r10 = caller's r10 - 512,
 *    and restores r6..r9 and r10 on exit; r0 is the callee's.
 *  - A checked run (vm->checks) validates every load/store/atomic against:
 *    the current call chain's stack [stack_top - (depth+1)*512, stack_top),
 *    run->ctx (with run->ctx_prot), vm->regions (static grants), run->dyn
 *    (helper grants during the run). An unchecked run (verified program)
 *    does not. Atomics must be naturally aligned in every run.
 *  - A checked run's map arguments of helpers (and the prog array of a tail
 *    call) must be a map of run->vm's lddw instructions (vm->map_vals) or
 *    one a helper handed to the run (run->maps, a map-in-map lookup):
 *    hive_run_map_ok().
 *  - Helpers are called as fn(r1..r5, run); helper 12 (tail call) is handled
 *    by the engine via vm->tail_fn: on success the current frame runs the
 *    target from pc 0 with all registers unchanged (r1 = the ctx argument);
 *    on failure (empty slot, or HIVE_MAX_TAIL_CALLS already taken) execution
 *    continues after the call with r0 unchanged (the kernel's interpreter
 *    leaves it too; its verifier makes r0 unreadable after a tail call).
 *    Only taken calls count toward the limit, as on the live kernel.
 *  - Errors stop the run: vm_run_fail() sets run->err (negative) and
 *    run->fault_*; a helper's hive_run_abort() sets run->err only (the
 *    engine then records the pc of the call). Engines test run->err after
 *    every helper call and stop.
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
/* Bytes of run->stack: every frame of the deepest call chain. */
#define HIVE_RUN_STACK_SIZE (HIVE_MAX_CALL_FRAMES * HIVE_STACK_SIZE)

struct interp_code;
struct rinterp_code;

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

/*
 * JIT-compiled callback entry for hive_run_call(): run the program function
 * starting at @pc in a new frame (depth run->depth + 1) with r1..r5 =
 * args[0..4]; store its r0 in *r0. Returns 0 or the run's error (run->err).
 */
typedef int (*hive_jit_call)(struct hive_run *run, uint32_t pc, const uint64_t args[5],
			     uint64_t *r0);

/* vm->pc_flags bits, one byte per instruction slot. */
#define VM_PC_FUNC  0x01u   /* target of an lddw HIVE_PSEUDO_FUNC (callback entry) */
#define VM_PC_CALL  0x02u   /* target of a local call (src = HIVE_PSEUDO_CALL) */
#define VM_PC_LDDW2 0x04u   /* second slot of an lddw */

struct hive_vm {
	struct hive_insn *insns;        /* owned copy */
	uint32_t ninsns;
	/*
	 * Resolved 64-bit value per lddw pc (ninsns entries; other slots 0):
	 * the immediate for src 0, the resolver's value for map/BTF forms,
	 * (uintptr_t)&insns[target] for HIVE_PSEUDO_FUNC (what hive_run_call
	 * takes back).
	 */
	uint64_t *ldimm;
	uint8_t *pc_flags;              /* VM_PC_* per slot (ninsns entries) */
	/*
	 * The resolved values of the lddw HIVE_PSEUDO_MAP_FD / MAP_IDX
	 * instructions, sorted, without duplicates: the maps a checked run of
	 * this program may pass to helpers (hive_run_map_ok).
	 */
	uint64_t *map_vals;
	uint32_t nmap_vals;

	struct hive_helper *helpers;    /* indexed by id, nhelpers entries */
	uint32_t nhelpers;

	struct interp_code *icode;      /* interpreter code (interp.h), built at load */
	struct rinterp_code *rcode;     /* register interpreter code (rinterp.h), built
					 * at load for unchecked programs; NULL when
					 * the build has no register interpreter */
	bool rinterp_off;               /* tests: unchecked runs use interp.c instead */

	struct hive_region *regions;    /* static grants */
	uint32_t nregions;

	uint64_t budget;                /* 0: unlimited */
	enum hive_engine engine_req;    /* requested engine */
	enum hive_engine engine;        /* engine of the loaded program (AUTO: none loaded) */
	bool checks;                    /* runtime checks of the loaded program */
	bool checks_req;                /* hive_vm_set_checks(), applied at load */

	hive_ldimm_fn ldimm_fn;
	void *ldimm_user;
	hive_tail_call_fn tail_fn;
	void *tail_user;

	/* JIT state (jit/jit.c); NULL when interpreting. */
	void *jit_code;                 /* executable image */
	size_t jit_size;
	hive_jit_entry jit_entry;
	hive_jit_call jit_call;         /* for hive_run_call on JIT runs; may be NULL */
	uint32_t *jit_offsets;          /* pc -> offset in image, for dumps */
	bool jit_blind;                 /* constant blinding (hive_vm_set_jit_blinding) */
};

#define HIVE_RUN_DYN_INLINE 16
#define HIVE_RUN_MAPS_INLINE 4

struct hive_run {
	struct hive_vm *vm;             /* program currently running (changes on tail call) */
	struct hive_vm_run_opts *opts;  /* never NULL during a run */
	void *ctx;
	uintptr_t ctx_start, ctx_end;
	unsigned ctx_prot;              /* HIVE_PROT_*, never 0 */
	const uint8_t *pkt;
	size_t pkt_size;

	uint8_t *stack;                 /* HIVE_RUN_STACK_SIZE bytes, 16-byte aligned */
	uintptr_t stack_top;            /* stack + HIVE_RUN_STACK_SIZE: r10 of frame 0 */
	struct hive_region dyn_inline[HIVE_RUN_DYN_INLINE];
	struct hive_region *dyn;        /* helper grants: dyn_inline or heap */
	uint32_t ndyn, dyn_cap;
	struct hive_region hit;         /* last region a slow-path check matched */

	uint64_t budget_start;          /* budget_left at entry */
	uint64_t budget_left;           /* instructions left (UINT64_MAX: unlimited) */
	uint64_t insns_run;             /* set by JIT runs; interpreter: start - left */
	uint32_t tail_calls;            /* taken so far (limit HIVE_MAX_TAIL_CALLS) */
	struct hive_vm *tail_target;    /* free for the JIT's tail-call path */
	uint32_t depth;                 /* current frame (local call depth) */
	bool jit;                       /* started through vm->jit_entry */
	uintptr_t jit_sp;               /* JIT: native stack of the innermost entry (unwinding) */

	int err;                        /* 0, or negative error that stops the run */
	bool fault_set;                 /* fault_pc is meaningful */
	uint32_t fault_pc;
	uint64_t fault_addr;
	uint32_t fault_size;

	uint64_t maps_inline[HIVE_RUN_MAPS_INLINE];
	uint64_t *maps;                 /* maps granted during the run (hive_run_grant_map):
					 * maps_inline or heap */
	uint32_t nmaps, maps_cap;
};

/*
 * Zero one 512-byte stack frame (checked runs: unverified code reads zeros,
 * not stale host bytes). Straight-line 16-byte stores: a memset call of
 * this size costs several times more (rep stos start-up).
 */
static inline void vm_zero_frame(void *frame)
{
	typedef uint64_t vm_v2 __attribute__((vector_size(16), may_alias));
	vm_v2 *q = frame;
	int i;

#pragma GCC unroll 32
	for (i = 0; i < HIVE_STACK_SIZE / 16; i++)
		q[i] = (vm_v2){ 0, 0 };
}

/*
 * Memory check of a checked run (slow path: call chain stack, ctx, last
 * hit, static grants, helper grants, in that order): 0 if [addr, addr+size)
 * may be accessed with prot, else sets run->err = -HIVE_EMEM and the fault
 * fields, prints a warning naming pc/address/size/direction and returns
 * -HIVE_EMEM. Uses run->depth for the stack bound.
 */
int vm_check_access(struct hive_run *run, uint64_t addr, uint32_t size, unsigned prot,
		    uint32_t pc);

/*
 * Stop the run with @err (negative) at @pc and print "pc N: <message>" at
 * warning level. The first error of a run wins; later calls only return.
 */
void vm_run_fail(struct hive_run *run, int err, uint32_t pc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Interpreter entry: runs run->vm from pc 0 (frame run->depth = 0) with
 * r1 = run->ctx, r2 = ctx_size; returns r0 (0 when run->err is set). */
uint64_t vm_interpret(struct hive_run *run);

/* Run @vm from pc 0 in the current frame (run->depth) with r1..r5 = args
 * and r6..r9 = 0: a tail call from the register interpreter into a program
 * without register code. Returns r0 (0 when run->err is set). */
uint64_t vm_interpret_frame(struct hive_run *run, struct hive_vm *vm, const uint64_t args[5]);

/*
 * Interpreter callback entry behind hive_run_call(): run the function at
 * @pc of run->vm in a new frame (run->depth + 1, -HIVE_EDEPTH beyond
 * HIVE_MAX_CALL_FRAMES) with r1..r5 = args; *r0 = its return value.
 * Runs on the register interpreter when that is what runs the caller
 * (rinterp_active), else on interp.c. Consumes the run's budget. Returns 0
 * or run->err. Same contract as hive_jit_call.
 */
int vm_call_function(struct hive_run *run, uint32_t pc, const uint64_t args[5], uint64_t *r0);

/* JIT (jit/jit.c). jit_compile fills vm->jit_*; returns 0 or -errno.
 * It is called at the end of hive_vm_load() with every other field of the
 * vm final (insns, ldimm, pc_flags, helpers, checks). jit_free releases it
 * (called before unloading and on destroy). Both are no-ops returning
 * -HIVE_ENOJIT on hosts without a backend. */
int jit_compile(struct hive_vm *vm);
void jit_free(struct hive_vm *vm);
/* The program's machine code as bpf_prog_info.jited_prog_insns reports
 * it: from the first function's prologue to the end of the stubs and
 * shared routines (no image header, no entry trampoline). Returns the
 * length and sets *code, or 0 (and *code NULL) when not JIT-compiled. */
uint32_t jit_image_code(const struct hive_vm *vm, const void **code);
/* Offset, in the code jit_image_code() reports, of the code of @pc: for
 * the first instruction of a function (pc 0, a bpf-to-bpf call or callback
 * target) the start of its prologue, else the instruction's own code; @pc
 * == ninsns gives the end of the last function's body. Returns the offset,
 * or -1 when the program is not JIT-compiled or @pc is out of range. Sets
 * *func_start (may be NULL) to whether @pc starts a function. */
int64_t jit_pc_code_offset(const struct hive_vm *vm, uint32_t pc, bool *func_start);

#endif /* HIVE_VM_INTERNAL_H */
