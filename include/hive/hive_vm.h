/*
 * hive_vm.h - embedding API: run raw eBPF instructions inside a host process.
 *
 * A struct hive_vm holds one program (a copy of its instructions), the
 * helpers it may call, the memory it was granted and how to run it
 * (interpreter or JIT). A program that has not been verified runs with
 * runtime checks: every load and store must fall inside memory the embedder
 * granted (hive_vm_grant), the run's context, its stack, or memory a helper
 * granted during the run (hive_run_grant); an instruction budget stops
 * runaway loops. A violation stops the program with -HIVE_EMEM/-HIVE_EBUDGET
 * and a message naming the pc, the address and the size.
 *
 * Ownership: hive_vm_create() returns a VM owned by the caller, freed by
 * hive_vm_destroy(). Instructions are copied on load. Granted memory stays
 * owned by the embedder and must outlive the runs that use it.
 * Threads: after loading and configuration, several threads may call
 * hive_vm_run() on the same VM at once.
 */
#ifndef HIVE_VM_H
#define HIVE_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hive.h"
#include "hive_insn.h"

#ifdef __cplusplus
extern "C" {
#endif

struct hive_vm;
/** One execution in progress; helpers receive it as their sixth argument. */
struct hive_run;

/**
 * A helper: five eBPF argument registers in, r0 out. @p run identifies the
 * execution (for hive_run_grant, hive_run_check, hive_run_user, ...).
 */
typedef uint64_t (*hive_helper_fn)(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				   uint64_t r5, struct hive_run *run);

enum hive_engine {
	HIVE_ENGINE_AUTO = 0, /**< JIT where available, interpreter otherwise */
	HIVE_ENGINE_INTERP,   /**< always interpret */
	HIVE_ENGINE_JIT,      /**< JIT, or fail at load with -HIVE_ENOJIT */
};

/* Access rights of a granted region. */
#define HIVE_PROT_READ  1u
#define HIVE_PROT_WRITE 2u
#define HIVE_PROT_RW    (HIVE_PROT_READ | HIVE_PROT_WRITE)

/** Default instruction budget of a checked run (0 = unlimited). */
#define HIVE_DEFAULT_BUDGET 100000000ull
/** Most instructions hive_vm_load() accepts, as the kernel's BPF_COMPLEXITY_LIMIT_INSNS. */
#define HIVE_MAX_INSNS 1000000u

/** @brief Create an empty VM. @return NULL with errno = ENOMEM on failure. */
HIVE_API struct hive_vm *hive_vm_create(void);

/** @brief Free a VM and everything it owns (JIT code included). NULL is fine. */
HIVE_API void hive_vm_destroy(struct hive_vm *vm);

/**
 * @brief Load (copy) a raw instruction stream, replacing any previous one.
 * @return 0; -EINVAL with a message naming the pc for an unknown opcode,
 *   non-zero reserved fields, a truncated lddw, a jump out of range or into
 *   an lddw, a call to an unregistered helper (helper 12, bpf_tail_call,
 *   needs hive_vm_set_tail_call()), a kfunc call (not supported), an lddw
 *   pseudo form without a resolver, a last instruction other than exit or
 *   ja (execution must not run off the end); the resolver's error;
 *   -E2BIG over HIVE_MAX_INSNS; -HIVE_ENOJIT when the JIT engine was forced
 *   and cannot compile. On failure no program is loaded. Helpers, resolvers
 *   and checks must be set before loading.
 */
HIVE_API int hive_vm_load(struct hive_vm *vm, const struct hive_insn *insns, uint32_t cnt);

/**
 * @brief Make helper @p id callable as `call id`. Replaces an earlier helper
 * with the same id. @p name is copied (used in messages and disassembly).
 * @return 0, -EINVAL (NULL fn, id >= 65536), -ENOMEM.
 */
HIVE_API int hive_vm_register_helper(struct hive_vm *vm, uint32_t id, const char *name,
				     hive_helper_fn fn);

/**
 * @brief Let programs access [addr, addr+len) with @p prot (HIVE_PROT_*) in
 * every run. @return 0, -EINVAL, -ENOMEM.
 */
HIVE_API int hive_vm_grant(struct hive_vm *vm, void *addr, size_t len, unsigned prot);

/** @brief Instruction budget of checked runs; 0 means unlimited. */
HIVE_API int hive_vm_set_budget(struct hive_vm *vm, uint64_t max_insns);

/** @brief Choose the engine for the next hive_vm_load(). */
HIVE_API int hive_vm_set_engine(struct hive_vm *vm, enum hive_engine engine);

/** @brief The engine the loaded program runs on (never AUTO after a load). */
HIVE_API enum hive_engine hive_vm_engine(const struct hive_vm *vm);

/**
 * @brief Whether runs check memory accesses and count instructions
 * (default true). Only a verifier that proved the program safe may turn
 * checks off. Takes effect at the next hive_vm_load().
 */
HIVE_API int hive_vm_set_checks(struct hive_vm *vm, bool on);

/**
 * Resolves an lddw with a non-zero src (map fd, map value, BTF id, ...):
 * @p insn points at the first of its two slots; store the 64-bit value.
 * Return 0 or a negative errno (the load fails naming @p pc).
 * HIVE_PSEUDO_FUNC is resolved by the VM itself.
 */
typedef int (*hive_ldimm_fn)(void *user, const struct hive_insn *insn, uint32_t pc,
			     uint64_t *value);
HIVE_API int hive_vm_set_ldimm_resolver(struct hive_vm *vm, hive_ldimm_fn fn, void *user);

/**
 * Resolves bpf_tail_call(ctx, map, index) (helper 12): return the VM to
 * continue in, or NULL when the slot is empty (the call then falls
 * through, as in the kernel, with r0 unchanged). At most HIVE_MAX_TAIL_CALLS
 * are taken per run; failed attempts do not count. The target runs from its
 * first instruction in the caller's frame with the registers as they are
 * (r1 = the ctx argument), with its own helpers and checks setting.
 */
typedef struct hive_vm *(*hive_tail_call_fn)(void *user, struct hive_run *run, uint64_t map,
					     uint32_t index);
HIVE_API int hive_vm_set_tail_call(struct hive_vm *vm, hive_tail_call_fn fn, void *user);

/** Options and results of one run. Fill with HIVE_VM_RUN_OPTS(). */
struct hive_vm_run_opts {
	size_t sz;            /**< sizeof(struct hive_vm_run_opts) */
	void *ctx;            /**< r1 at entry */
	size_t ctx_size;      /**< bytes of ctx programs may access (0: none) */
	unsigned ctx_prot;    /**< HIVE_PROT_* of ctx; 0 means HIVE_PROT_RW */
	const void *pkt;      /**< packet for LD_ABS/LD_IND (NULL: those return 0 and stop) */
	size_t pkt_size;
	void *user;           /**< returned by hive_run_user() to helpers */
	/* results, written by hive_vm_run() */
	uint64_t insns_run;   /**< instructions executed (checked runs, interpreter) */
	uint32_t fault_pc;    /**< pc of the failing instruction, when the run fails */
	uint64_t fault_addr;  /**< address of a refused access */
	uint32_t fault_size;  /**< size of a refused access */
};
#define HIVE_VM_RUN_OPTS(name, ...) \
	struct hive_vm_run_opts name = { .sz = sizeof(struct hive_vm_run_opts), __VA_ARGS__ }

/**
 * @brief Run the loaded program once.
 * At entry r1 = opts->ctx and r2 = opts->ctx_size (a convenience for raw
 * programs; the kernel leaves r2 unreadable), r10 = the top of a 512-byte
 * stack frame (zeroed in checked runs), other registers 0. LD_ABS/LD_IND
 * outside opts->pkt return 0 from the current function, as in the kernel.
 * @param opts context, packet and user pointer; receives fault details
 *   (NULL: no context).
 * @param r0 receives the program's return value (0 on failure).
 * @return 0; -EINVAL (bad arguments or opts), -HIVE_ENOPROG (nothing
 *   loaded), -HIVE_EMEM (refused or misaligned atomic access),
 *   -HIVE_EBUDGET (budget spent), -HIVE_EDEPTH (call depth), or a helper's
 *   error set with hive_run_abort(). A message naming the pc goes through
 *   the print callback.
 */
HIVE_API int hive_vm_run(struct hive_vm *vm, struct hive_vm_run_opts *opts, uint64_t *r0);

/** @brief Shorthand: run with @p ctx of @p ctx_size read/write bytes. */
HIVE_API int hive_vm_exec(struct hive_vm *vm, void *ctx, size_t ctx_size, uint64_t *r0);

/* ---- for helpers, during a run ---------------------------------------- */

/** @brief The VM being run. */
HIVE_API struct hive_vm *hive_run_vm(struct hive_run *run);
/** @brief opts->user of this run. */
HIVE_API void *hive_run_user(struct hive_run *run);
/**
 * @brief Grant [addr, addr+len) to the program for the rest of this run
 * (memory a helper returns, e.g. a map value). @return 0 or -ENOMEM.
 */
HIVE_API int hive_run_grant(struct hive_run *run, void *addr, size_t len, unsigned prot);
/**
 * @brief Whether the program may access [addr, addr+len) with @p prot:
 * helpers use it on pointer arguments. Always 0 in unchecked runs.
 * @return 0 or -HIVE_EMEM.
 */
HIVE_API int hive_run_check(struct hive_run *run, const void *addr, size_t len, unsigned prot);
/**
 * @brief Whether @p value may be used as a map argument of a helper (or as
 * the prog array of a tail call). Always true in unchecked runs (the
 * verifier proved it a map). In checked runs true only when @p value is
 * the resolved value of one of the running program's lddw
 * HIVE_PSEUDO_MAP_FD / HIVE_PSEUDO_MAP_IDX instructions (the program that
 * runs now: it changes on a tail call), or a map granted to this run with
 * hive_run_grant_map(). Helpers use it before treating an argument as a
 * map. @return false for a NULL @p run.
 */
HIVE_API bool hive_run_map_ok(struct hive_run *run, uint64_t value);
/**
 * @brief Let the program use @p value as a map argument for the rest of
 * this run (a map a helper hands to the program, e.g. the inner map of a
 * map-in-map lookup): hive_run_map_ok() accepts it afterwards, also after
 * tail calls. Helpers grant only what hive_run_map_ok() refuses (the list
 * is not deduplicated).
 * @return 0; -EINVAL (NULL @p run, @p value 0); -ENOMEM.
 */
HIVE_API int hive_run_grant_map(struct hive_run *run, uint64_t value);
/**
 * @brief Call a program function whose address came from an lddw
 * HIVE_PSEUDO_FUNC (callbacks of bpf_loop and friends). The function runs
 * in a new frame below the caller's (it counts toward HIVE_MAX_CALL_FRAMES)
 * and consumes the run's budget.
 * @return 0 with *r0 set; -EINVAL if @p func is not such a value of the
 *   running program (the run goes on); or the error that stopped the run.
 */
HIVE_API int hive_run_call(struct hive_run *run, uint64_t func, uint64_t r1, uint64_t r2,
			   uint64_t r3, uint64_t r4, uint64_t r5, uint64_t *r0);
/**
 * @brief Stop the program after the current helper returns; the run fails
 * with @p err (a negative errno or -HIVE_E*; a positive value is negated,
 * 0 becomes -ECANCELED). The first error of a run wins.
 */
HIVE_API void hive_run_abort(struct hive_run *run, int err);

/* ---- conformance test helpers ------------------------------------------ */

/**
 * @brief Register the helpers of the bpf_conformance plugin protocol (the
 * uBPF test helpers) as ids 0..5: 0 gather_bytes (low bytes of r1..r5 packed
 * into r0, r1 most significant), 1 memfrob (xor r2 bytes at r1 with 42),
 * 2 no_op (returns 0), 3 sqrti (integer square root of r1), 4 strcmp_ext
 * (compares the strings at r1 and r2, returns <0, 0, >0), 5 unwind (returns
 * r1). Pointer arguments are checked with hive_run_check: a bad one stops
 * the run with -HIVE_EMEM. Used by tests/test_data.c and hive-conformance;
 * not kernel helpers (kernel ids 1..5 mean something else).
 * @return 0, -EINVAL (NULL vm), -ENOMEM.
 */
HIVE_API int hive_vm_register_test_helpers(struct hive_vm *vm);

/* ---- JIT ----------------------------------------------------------------- */

/**
 * @brief Constant blinding in JIT code (for untrusted programs): every
 * immediate is stored XORed with a random key and decoded at run time, so
 * a program cannot plant chosen byte sequences in executable memory.
 * Off by default; takes effect at the next hive_vm_load().
 * @return 0, -EINVAL (NULL vm).
 */
HIVE_API int hive_vm_set_jit_blinding(struct hive_vm *vm, bool on);

/** hive_vm_dump_jited() flag: print the raw bytes of each x86 instruction. */
#define HIVE_DUMP_JIT_BYTES 1u
/** hive_vm_dump_jited() flag: also dump the trampolines, stubs and shared routines. */
#define HIVE_DUMP_JIT_ALL   2u

/**
 * @brief Disassemble the JIT code of the loaded program: each eBPF
 * instruction ("pc: text", as `bpftool prog dump xlated`) followed by the
 * x86-64 instructions generated for it ("  offset: mnemonic operands").
 * Instructions fused with the previous one print no code of their own.
 * @param vm     a VM whose program runs on the JIT.
 * @param flags  HIVE_DUMP_JIT_BYTES, HIVE_DUMP_JIT_ALL.
 * @param out    out: malloc'd NUL-terminated text (caller frees).
 * @return 0; -EINVAL (NULL argument), -HIVE_ENOPROG (nothing loaded),
 *   -HIVE_ENOJIT (the program is interpreted, or hive was built without
 *   libcapstone), -ENOMEM.
 */
HIVE_API int hive_vm_dump_jited(struct hive_vm *vm, unsigned flags, char **out);

#ifdef __cplusplus
}
#endif
#endif /* HIVE_VM_H */
