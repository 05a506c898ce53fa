/*
 * jit_internal.h - state shared by the JIT's files: the compilation context
 * (analysis results, the code layout of the current and previous pass,
 * out-of-line stubs), and the functions each file provides.
 *
 * Compilation model (jit.c drives it):
 *  1. analysis.c: basic blocks, functions, loop heads, liveness of eBPF
 *     registers.
 *  2. x86_64.c: emits one group of eBPF instructions (usually one, or a
 *     fused pattern) at a time into ctx->ibuf; jit.c appends it to the
 *     image. A first pass with every jump long and every loop head fully
 *     padded bounds the size (the code memory is mapped then); the
 *     following passes start with every jump short and make a jump long
 *     for good once its displacement does not fit, so the layout settles
 *     after a few passes even though loop-head padding moves.
 *  3. The last pass writes into RW memory (execmem.c), which then becomes
 *     RX: never writable and executable at once.
 *
 * Image layout: [entry trampoline][body, eBPF order][stubs][common routines].
 */
#ifndef HIVE_JIT_INTERNAL_H
#define HIVE_JIT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/vm_internal.h"

/* The backend exists for x86-64 hosts; elsewhere jit_compile answers
 * -HIVE_ENOJIT and programs are interpreted. */
#if defined(__x86_64__)
#define HIVE_JIT_X86_64 1
#else
#define HIVE_JIT_X86_64 0
#endif

/* Most bytes one emitted group may take (checked by jit.c). */
#define JIT_INSN_MAX 640u
/* Every out-of-line stub has this size, so stub k sits at base + k * size. */
#define JIT_STUB_SIZE 16u
/* Layout passes before every jump is made long (which always settles). */
#define JIT_MAX_PASSES 40

/* Bytes of the uniform function prologue (x86_64_call.c): a function's
 * entry point is that many bytes before the code of its first pc. Custom
 * frames have their own (jit_prologue_len); the image's offset table
 * records every function's (vm->jit_offsets[n + 1 + pc]). */
#define JIT_PROLOGUE_LEN 11u
/* Image header size (struct jit_hdr; the entry trampoline follows). */
#define JIT_HDR_SIZE 32u

/* Bytes of the prologue before the code of @pc in a finished image (the
 * offset table's second half; 0 except at function starts). */
static inline uint32_t jit_prologue_at(const struct hive_vm *vm, uint32_t pc)
{
	return vm->jit_offsets[vm->ninsns + 1 + pc];
}

/* Whether @pc starts a function: pc 0 and the targets of local calls and
 * callback lddws. */
static inline bool jit_func_start(const struct hive_vm *vm, uint32_t pc)
{
	return pc == 0 || (vm->pc_flags && (vm->pc_flags[pc] & (VM_PC_CALL | VM_PC_FUNC)));
}

/* Per-pc flags computed by analysis.c. */
#define JF_LEADER   0x01u  /* starts a basic block (budget charge point) */
#define JF_TARGET   0x02u  /* a jump lands here: no fusion across it */
#define JF_FSTART   0x04u  /* first instruction of a function (call target) */
#define JF_LDDW2    0x08u  /* second slot of an lddw: no code */
#define JF_NOFALL   0x10u  /* the instruction never falls through */
#define JF_LOOP     0x20u  /* target of a backward jump: aligned to JIT_ALIGN
			    * when no instruction falls into it */
#define JF_ELIDED   0x40u  /* unchecked runs: no code, the value is only an
			    * argument a known-map call does not read (maps.c) */

/* Host registers a lean entry saves (besides rbp). */
#define LEAN_RBX 0x01u
#define LEAN_R13 0x02u
#define LEAN_R14 0x04u
#define LEAN_R15 0x08u
#define LEAN_R12 0x10u
#define FM_PAD   0x20u   /* custom frame: sub rsp, 8 keeps calls 16-aligned */

/* Loop heads start at a multiple of this many bytes (NOP padding). */
#define JIT_ALIGN 16u

/* Registers masks: bit i = eBPF register ri. */
#define JREG(i)      (1u << (i))
#define JREGS_ARGS   0x003eu  /* r1..r5 */
#define JREGS_CALLER 0x003fu  /* r0..r5 */
#define JREGS_ALL    0x07ffu

/* Out-of-line stub kinds (the slow half of a check, or an error exit). */
enum jit_stub_kind {
	STUB_MEMCHECK,   /* call the full access check, then resume */
	STUB_DEPTH,      /* local call too deep: -HIVE_EDEPTH at pc */
	STUB_BUDGET,     /* budget spent: -HIVE_EBUDGET in the block at pc */
	STUB_HELPER_ERR, /* a helper stopped the run: record pc, unwind */
	STUB_MISALIGN,   /* misaligned atomic: -HIVE_EMEM */
	STUB_EXIT0,      /* packet load out of bounds: return 0 from the function */
	STUB_KINDS,
};

/* Shared routines placed after the stubs. */
enum jit_common {
	COMMON_ABORT,      /* unwind to the entry frame and return (eax = 0) */
	COMMON_MEMCHECK,   /* r11 = addr, r10d = packed pc/size/prot, r9d = refund */
	COMMON_DEPTH,      /* r10d = pc */
	COMMON_BUDGET,     /* r10d = block pc, r11d = block length */
	COMMON_HELPER_ERR, /* r10d = pc, run->err already set */
	COMMON_MISALIGN,   /* r11 = addr, r10d = pc << 8 | size, r9d = refund */
	COMMON_ZERO,       /* zero the 512-byte frame below r11 (its r10) */
	COMMON_TAIL_INTERP,/* tail call into an interpreted program */
	COMMON_CB_ENTRY,   /* hive_run_call() entry (jit_call) */
	COMMON_COUNT,
};

struct jit_stub {
	uint8_t kind;      /* enum jit_stub_kind */
	uint32_t arg;      /* argument loaded into r10d */
	uint32_t arg2;     /* BUDGET: block length (r11d); MEMCHECK, MISALIGN:
			    * instructions charged after pc (r9d), refunded on failure */
	uint32_t back;     /* offset to resume at (MEMCHECK) */
};

/* The first bytes of every image (read by jit_call and the dump). */
struct jit_hdr {
	char magic[4];          /* "HJIT" */
	uint32_t entry;         /* offset of jit_entry */
	uint32_t cb_entry;      /* offset of the hive_run_call() trampoline */
	uint32_t flags;         /* JIT_HDR_CHECKED */
	uint32_t code_size;     /* bytes of code (the mapping is page-rounded) */
	uint32_t stubs;         /* offset of the first stub (end of the body) */
	uint32_t common;        /* offset of the shared routines */
	uint32_t reserved;
};
#define JIT_HDR_CHECKED 1u
#define JIT_HDR_LEAN    2u   /* lean frame: not a tail-call target (jit_ctx.lean) */

struct jit_ctx {
	struct hive_vm *vm;
	const struct hive_insn *insns;
	uint32_t n;
	bool checks;       /* runtime checks (unverified program) */
	bool blind;        /* constant blinding */
	bool bmi2;         /* host has BMI2 (shlx/shrx/sarx, rorx, mulx) */
	/*
	 * Lean frame: an unchecked program without calls, callbacks or
	 * atomics can neither fail nor call anything, so its entry saves
	 * only the host registers it uses and its exits return straight to
	 * the caller of jit_entry (no run->jit_sp, no main-function call).
	 */
	bool lean;
	uint8_t lean_saves;        /* LEAN_* registers pushed by the lean entry */
	/*
	 * Custom frames: an unchecked program without tail calls or
	 * callbacks gives each function a frame with only the callee-saved
	 * registers it writes (the main function: those of every function,
	 * for unwinding); call sites move r10 themselves.
	 */
	bool custom;
	uint8_t *fmask;            /* custom: per function-start pc, LEAN_RBX..R15 | FM_PAD */
	uint8_t cur_mask;          /* custom: frame of the function being emitted */
	bool track_depth;          /* keep run->depth current across local calls */
	uint64_t blind_key;

	/* analysis.c */
	uint8_t *pcflags;          /* n entries, JF_* */
	uint16_t *live;            /* n entries: registers live after pc */
	uint32_t *block_len;       /* n entries: insns of the block starting here */
	uint32_t *rest;            /* checked runs: insns of the block after pc */
	/* maps.c: map helper calls whose r1 is a known map (sorted by pc) */
	struct jit_mapcall {
		uint32_t pc;
		void *map;         /* struct hive_map * of the lddw reaching the call */
		uint8_t key;       /* inline array lookups: JIT_KEY_* */
		uint8_t key_reg;   /* JIT_KEY_REG: eBPF register holding the key */
		uint8_t key_zext;  /* JIT_KEY_REG: its upper 32 bits are zero */
		uint8_t key_inrange; /* JIT_KEY_REG: it is below max_entries */
		uint32_t key_imm;  /* JIT_KEY_CONST: the key */
	} *mapcalls;
	uint32_t nmapcalls;

	/* layout */
	bool upper;                /* size-bound pass: long jumps, full padding */
	uint8_t *jlong;            /* n entries: the jump of the group at pc is long */
	struct jit_jump {
		uint32_t pc, target, end;
	} *jumps;                  /* jumps emitted this pass, checked after it */
	uint32_t njumps, jump_cap;
	uint32_t *off;             /* n + 1 entries: code offset of each pc, this pass */
	uint32_t *prev;            /* n + 1 entries: previous pass */
	uint32_t *fentry, *prev_fentry;  /* per function: prologue offset */
	uint32_t common[COMMON_COUNT], prev_common[COMMON_COUNT];
	uint32_t stub_base, prev_stub_base;
	uint32_t prev_size;        /* code size of the previous pass */
	uint32_t stub_bytes;       /* size of the stubs recorded so far this pass */
	struct jit_stub *stubs;
	uint32_t nstubs, stub_cap;
	bool has_tail;             /* the program calls bpf_tail_call */
	uint32_t pos;              /* image offset of ibuf[0] */
	uint32_t cur_pc;           /* first pc of the group being emitted */
	uint32_t end_pc;           /* pc after the group being emitted */
	uint8_t *image;            /* final pass: RW mapping, else NULL */
	uintptr_t image_addr;      /* address the code will run at (0 before known) */
	uint32_t image_size;

	uint8_t ibuf[JIT_INSN_MAX];
	uint32_t ilen;
	int err;                   /* first error of the pass (negative) */
};

/*
 * Test switches (tests/unit/test_jit*.c), 0 in normal use; not exported
 * from libhive.so:
 *   JIT_TEST_FAIL_ALLOC  jit_compile fails with -ENOMEM where it maps code
 *                        memory, as when mmap fails;
 *   JIT_TEST_NO_BMI2     generate code for a host without BMI2;
 *   JIT_TEST_FAR_CALLS   call C through movabs + call rax, as when the code
 *                        is mapped out of rel32 reach.
 */
#define JIT_TEST_FAIL_ALLOC 1
#define JIT_TEST_NO_BMI2    2
#define JIT_TEST_FAR_CALLS  4
extern int jit_test_flags;

/* analysis.c: fill pcflags, live, block_len, funcs. 0 or -errno
 * (-EOPNOTSUPP for control flow the JIT does not handle). */
int jit_analyze(struct jit_ctx *c);
void jit_analysis_free(struct jit_ctx *c);

/* A basic block [start, end) and its successors (block indices,
 * UINT32_MAX for none: fall-through, jump target). Calls fall through. */
struct jit_block {
	uint32_t start, end;
	uint32_t succ[2];
	uint16_t gen, kill, in, out;   /* liveness summaries */
};
/* analysis.c: the blocks of the analysed program (pcflags filled), in
 * program order, and *bidx (n entries) mapping each pc to its block. The
 * caller frees both. 0 or -ENOMEM. */
int jit_blocks(const struct jit_ctx *c, struct jit_block **blocks, uint32_t *nb,
	       uint32_t **bidx);
/* analysis.c: registers @in may write (calls: r0-r5 whatever the mode). */
uint16_t jit_insn_clobbers(const struct jit_ctx *c, const struct hive_insn *in);

/* maps.c: find the map helper calls (lookup, update, delete) whose r1 is
 * the map of one lddw on every path (c->mapcalls). 0 or -ENOMEM; a
 * program without such calls costs one scan. */
int jit_find_map_calls(struct jit_ctx *c);
/* maps.c: the known-map call at @pc, or NULL. */
const struct jit_mapcall *jit_mapcall_at(const struct jit_ctx *c, uint32_t pc);
/* Where an inline array lookup takes its u32 key: the memory at r2, a
 * constant, or the register whose low 32 bits were stored to the key. */
enum { JIT_KEY_MEM, JIT_KEY_CONST, JIT_KEY_REG };

/* x86_64.c */
/* Emit the group starting at pc into c->ibuf; returns the number of pcs
 * consumed (>= 1) or a negative errno. */
int jit_emit_group(struct jit_ctx *c, uint32_t pc);
void jit_emit_entry(struct jit_ctx *c);
/* The prologue of the function starting at pc (c->cur_mask set). */
void jit_emit_prologue(struct jit_ctx *c);
uint32_t jit_prologue_len(const struct jit_ctx *c, uint32_t pc);
/* Checked runs: charge the block starting at pc to the budget. */
void jit_emit_budget(struct jit_ctx *c, uint32_t pc);
void jit_emit_stub(struct jit_ctx *c, const struct jit_stub *s, uint32_t at);
void jit_emit_common(struct jit_ctx *c, enum jit_common which);
bool jit_host_bmi2(void);

/* jit.c: record an out-of-line stub (its code follows the body). */
void jit_add_stub(struct jit_ctx *c, enum jit_stub_kind kind, uint32_t arg, uint32_t arg2,
		  uint32_t back);
/* jit.c: record a jump to @target ending at image offset @end. */
void jit_add_jump(struct jit_ctx *c, uint32_t target, uint32_t end);
/* x86_64_call.c: bytes of a stub of this kind. */
uint32_t jit_stub_size(enum jit_stub_kind kind);

/* execmem.c: W^X code memory. */
void *jit_exec_alloc(size_t size, const void *near);
int jit_exec_seal(void *mem, size_t size, size_t used);
void jit_exec_free(void *mem, size_t size);


#endif /* HIVE_JIT_INTERNAL_H */
