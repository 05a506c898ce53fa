/*
 * interp.h - the interpreter's code format, shared by predecode.c (which
 * builds it from a program's instructions at load) and interp.c (which runs
 * it). Private to src/vm.
 *
 * A loaded program is turned into an array of fixed-size entries, one per
 * instruction or per fused group of instructions (a superinstruction).
 * Every entry names its handler (a label address of the interpreter loop,
 * or an op number in the HIVE_INTERP_SWITCH build) and carries its operands
 * decoded: register indexes, the immediate or memory offset, the lddw value,
 * the jump or call target as a pointer to the target entry.
 *
 * Ops: one per opcode of isa/insn_def.h (the general handler of that
 * opcode, same name), then the specialised and fused ops of
 * INTERP_EXTRA_OPS below. The predecoder picks a specialised op when an
 * instruction's operands allow it (32-bit unsigned division, a byte swap
 * of one width, a stack access that needs no check, ...).
 *
 * Instruction budget: a segment is a run of entries that ends at the first
 * entry that may transfer control (jump, call, exit, tail call, legacy
 * packet load). entry.seg counts the instructions from that entry to the
 * end of its segment, so whoever transfers control to an entry (a jump, the
 * fall-through of a conditional jump, a return, the start of a run) charges
 * seg once and straight-line code runs without counting. When the budget
 * cannot pay a whole segment the loop steps through the remaining
 * instructions one at a time (interp_decode_one) and stops exactly where
 * the per-instruction count would have.
 */
#ifndef HIVE_VM_INTERP_H
#define HIVE_VM_INTERP_H

#include <stdbool.h>
#include <stdint.h>

#include "isa/isa.h"

struct hive_vm;

/* Specialised ops, Y(NAME); semantics are on the handlers in interp.c. */
#define INTERP_EXTRA_OPS(Y)                                                   \
	/* stepping through a segment the budget cannot pay (interp.c) */     \
	Y(STEP)                                                               \
	/* calls, by kind */                                                  \
	Y(CALL_HELPER) Y(CALL_LOCAL) Y(TAIL_CALL)                             \
	/* movsx and division with their selector decoded */                  \
	Y(MOVSX64_8) Y(MOVSX64_16) Y(MOVSX64_32) Y(MOVSX_8) Y(MOVSX_16)       \
	Y(UDIV64_IMM) Y(UDIV64_REG) Y(UMOD64_IMM) Y(UMOD64_REG)               \
	Y(UDIV_IMM) Y(UDIV_REG) Y(UMOD_IMM) Y(UMOD_REG)                       \
	/* byte swaps of one width, and their no-swap forms on this host */   \
	Y(NOP) Y(BSWAP16) Y(BSWAP32) Y(BSWAP64) Y(ZEXT16) Y(ZEXT32)           \
	/* accesses that need no runtime check (beyond the simple ops) */     \
	Y(LDXSW_U) Y(LDXSH_U) Y(LDXSB_U) Y(STW_U) Y(STH_U) Y(STB_U) Y(STDW_U)

/*
 * Simple ops, Y(NAME, ...): three-address forms on the fields (d, s, k)
 * that can neither fail nor transfer control. d = s OP k (k an immediate,
 * or a register index in the register forms), loads d = *(s + k) and
 * stores *(d + k) = s that need no check. The two-address instruction is
 * the case s = d; `rX = rY; rX OP= Z` is one simple op, and so are clang's
 * zero-extension idioms. Pairs of them are fused into one entry (below).
 */
#define INTERP_SIMPLE(Y, ...)                                                  \
	Y(S_MOVI, __VA_ARGS__) Y(S_MOV, __VA_ARGS__) Y(S_MOV32, __VA_ARGS__)    \
	Y(S_ADDI, __VA_ARGS__) Y(S_ADD, __VA_ARGS__) Y(S_ANDI, __VA_ARGS__)     \
	Y(S_AND, __VA_ARGS__) Y(S_OR, __VA_ARGS__) Y(S_XOR, __VA_ARGS__)        \
	Y(S_LSHI, __VA_ARGS__) Y(S_RSHI, __VA_ARGS__) Y(S_MUL, __VA_ARGS__)     \
	Y(S_LDXB, __VA_ARGS__) Y(S_LDXW, __VA_ARGS__) Y(S_LDXDW, __VA_ARGS__)   \
	Y(S_STXB, __VA_ARGS__) Y(S_STXW, __VA_ARGS__) Y(S_STXDW, __VA_ARGS__)   \
	Y(S_NEG, __VA_ARGS__) Y(S_XORI, __VA_ARGS__) Y(S_ORI, __VA_ARGS__)      \
	Y(S_ARSHI, __VA_ARGS__) Y(S_SUB, __VA_ARGS__) Y(S_MULI, __VA_ARGS__)    \
	Y(S_LDXH, __VA_ARGS__) Y(S_STXH, __VA_ARGS__)
/* The simple ops that may open a pair (the frequent first halves): the
 * first ones of INTERP_SIMPLE, in the same order (checked in predecode.c;
 * a macro cannot expand inside itself, so the pair lists need two). */
#define INTERP_OPENERS(Y, ...)                                                 \
	Y(S_MOVI, __VA_ARGS__) Y(S_MOV, __VA_ARGS__) Y(S_MOV32, __VA_ARGS__)    \
	Y(S_ADDI, __VA_ARGS__) Y(S_ADD, __VA_ARGS__) Y(S_ANDI, __VA_ARGS__)     \
	Y(S_AND, __VA_ARGS__) Y(S_OR, __VA_ARGS__) Y(S_XOR, __VA_ARGS__)        \
	Y(S_LSHI, __VA_ARGS__) Y(S_RSHI, __VA_ARGS__) Y(S_MUL, __VA_ARGS__)     \
	Y(S_LDXB, __VA_ARGS__) Y(S_LDXW, __VA_ARGS__) Y(S_LDXDW, __VA_ARGS__)   \
	Y(S_STXB, __VA_ARGS__) Y(S_STXW, __VA_ARGS__) Y(S_STXDW, __VA_ARGS__)
/* Jumps that may close a pair (their general op, insn_def.h; JA: always). */
#define INTERP_CONDS(Y, ...)                                                   \
	Y(JA, __VA_ARGS__) Y(JEQ_IMM, __VA_ARGS__) Y(JNE_IMM, __VA_ARGS__) Y(JGT_IMM, __VA_ARGS__) \
	Y(JLT_IMM, __VA_ARGS__) Y(JEQ_REG, __VA_ARGS__) Y(JNE_REG, __VA_ARGS__) \
	Y(JGT_REG, __VA_ARGS__) Y(JGE_REG, __VA_ARGS__) Y(JLT_REG, __VA_ARGS__)

/*
 * Pairs, Y(FIRST, SECOND): an opener on the fields (d, s, k), then a
 * simple op or a conditional jump on (d2, s2, k2) and t; op P_FIRST__SECOND.
 * Listed opener-major, simple second halves first.
 */
#define INTERP_PAIR_CELL(b, a, Y) Y(a, b)
#define INTERP_PAIR_ROW_S(a, Y) INTERP_SIMPLE(INTERP_PAIR_CELL, a, Y)
#define INTERP_PAIR_ROW_C(a, Y) INTERP_CONDS(INTERP_PAIR_CELL, a, Y)
#define INTERP_PAIRS_S(Y) INTERP_OPENERS(INTERP_PAIR_ROW_S, Y)
#define INTERP_PAIRS_C(Y) INTERP_OPENERS(INTERP_PAIR_ROW_C, Y)

/*
 * Chains, Y(FIRST, SECOND): a pair whose second half reads the value the
 * first one just wrote (simple op: s2 = d, a store's value included;
 * conditional jump: d2 = d). The handler hands the value over in a host
 * register instead of reading it back from the register file, which would
 * put a store-to-load forwarding on the program's dependency chain. The
 * first halves are the openers that write a register (not the stores),
 * which lead INTERP_OPENERS; op C_FIRST__SECOND.
 */
#define INTERP_PRODUCERS(Y, ...)                                               \
	Y(S_MOVI, __VA_ARGS__) Y(S_MOV, __VA_ARGS__) Y(S_MOV32, __VA_ARGS__)    \
	Y(S_ADDI, __VA_ARGS__) Y(S_ADD, __VA_ARGS__) Y(S_ANDI, __VA_ARGS__)     \
	Y(S_AND, __VA_ARGS__) Y(S_OR, __VA_ARGS__) Y(S_XOR, __VA_ARGS__)        \
	Y(S_LSHI, __VA_ARGS__) Y(S_RSHI, __VA_ARGS__) Y(S_MUL, __VA_ARGS__)     \
	Y(S_LDXB, __VA_ARGS__) Y(S_LDXW, __VA_ARGS__) Y(S_LDXDW, __VA_ARGS__)
#define INTERP_CHAINS_S(Y) INTERP_PRODUCERS(INTERP_PAIR_ROW_S, Y)
#define INTERP_CHAINS_C(Y) INTERP_PRODUCERS(INTERP_PAIR_ROW_C, Y)
/* Simple ops whose k is a register: a chain may hand the value over as k
 * instead (`rX = *(u32 *)(...); rY *= rX`); op K_FIRST__SECOND. */
#define INTERP_KREADERS(Y, ...)                                                \
	Y(S_ADD, __VA_ARGS__) Y(S_SUB, __VA_ARGS__) Y(S_AND, __VA_ARGS__)       \
	Y(S_OR, __VA_ARGS__) Y(S_XOR, __VA_ARGS__) Y(S_MUL, __VA_ARGS__)
#define INTERP_PAIR_ROW_K(a, Y) INTERP_KREADERS(INTERP_PAIR_CELL, a, Y)
#define INTERP_CHAINS_K(Y) INTERP_PRODUCERS(INTERP_PAIR_ROW_K, Y)

/*
 * Pairs are compiled in the computed-goto build only: as switch
 * cases, or under the sanitizers (make check, make fuzz), their hundreds of
 * handlers take compilers minutes. The predecoder then leaves simple ops
 * one per entry (interp_fused() tells).
 */
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define INTERP_NO_GROUPS 1
#endif
#endif
#if defined(HIVE_INTERP_SWITCH) || defined(__SANITIZE_ADDRESS__)
#define INTERP_NO_GROUPS 1
#endif

enum iop {
#define X(name, code, kind, mnem, width) IOP_##name,
#include "isa/insn_def.h"
#undef X
#define Y(name) IOP_##name,
	INTERP_EXTRA_OPS(Y)
#undef Y
#define Y(name, ...) IOP_##name,
	INTERP_SIMPLE(Y, 0)
#undef Y
#define Y(a, b) IOP_P_##a##__##b,
	INTERP_PAIRS_S(Y)
	INTERP_PAIRS_C(Y)
#undef Y
#define Y(a, b) IOP_C_##a##__##b,
	INTERP_CHAINS_S(Y)
	INTERP_CHAINS_C(Y)
#undef Y
#define Y(a, b) IOP_K_##a##__##b,
	INTERP_CHAINS_K(Y)
#undef Y
	IOP_COUNT
};

#define Y(name, ...) + 1
enum {
	INTERP_NSIMPLE = 0 INTERP_SIMPLE(Y, 0),
	INTERP_NOPENERS = 0 INTERP_OPENERS(Y, 0),
	INTERP_NCONDS = 0 INTERP_CONDS(Y, 0),
	INTERP_NPRODUCERS = 0 INTERP_PRODUCERS(Y, 0),
	INTERP_NKREADERS = 0 INTERP_KREADERS(Y, 0),
};
#undef Y
/* First chain op through k, first chain op with a conditional jump, first
 * with a simple second half, first pair op with a conditional jump, first
 * with a simple second half, first simple op (the openers come first, in
 * their order). */
#define IOP_CHAINS_K (IOP_COUNT - INTERP_NPRODUCERS * INTERP_NKREADERS)
#define IOP_CHAINS_C (IOP_CHAINS_K - INTERP_NPRODUCERS * INTERP_NCONDS)
#define IOP_CHAINS_S (IOP_CHAINS_C - INTERP_NPRODUCERS * INTERP_NSIMPLE)
#define IOP_PAIRS_C (IOP_CHAINS_S - INTERP_NOPENERS * INTERP_NCONDS)
#define IOP_PAIRS_S (IOP_PAIRS_C - INTERP_NOPENERS * INTERP_NSIMPLE)
#define IOP_SIMPLE  (IOP_PAIRS_S - INTERP_NSIMPLE)

/* One decoded entry (32 bytes). Fields unused by an op are zero. */
struct ientry {
	union {
		const void *h;          /* handler label (computed-goto build) */
		uintptr_t op;           /* enum iop (switch build) */
	};
	uint8_t d, s;                   /* dst and src register indexes */
	uint8_t d2, s2;                 /* registers of a pair's second half */
	uint32_t seg;                   /* instructions from here to the segment's end */
	int32_t k;                      /* imm (sign-extended at use), memory offset,
					 * or register index (simple register ops) */
	int32_t k2;                     /* imm of a store, selector (off of movsx and
					 * sdiv, atomic op), or k of a pair's second half */
	union {
		uint64_t imm64;         /* lddw value */
		const struct ientry *t; /* jump or local call target */
	};
};

/* A program's decoded code, owned by its struct hive_vm (vm->icode). */
struct interp_code {
	struct ientry *e;               /* n entries */
	uint32_t n;
	uint32_t *pc;                   /* per entry: pc of its first instruction */
	uint32_t *entry;                /* per pc slot: entry index, or UINT32_MAX
					 * (second lddw slot, inside a fused entry) */
	bool fp_ok;                     /* no instruction writes r10 */
};

/*
 * Build vm->icode from vm->insns (final: checked by isa_check_prog, lddw
 * values in vm->ldimm, vm->checks set). Returns 0 or -ENOMEM; on error
 * vm->icode stays NULL.
 */
int interp_prepare(struct hive_vm *vm);

/* Free vm->icode (NULL is fine) and reset it. */
void interp_release(struct hive_vm *vm);

/*
 * Decode the single instruction at @pc of @vm into @e, without fusion and
 * with runtime checks as the program was loaded: what the stepping mode of
 * the budget runs. Control-transfer instructions are never stepped; their
 * target fields are left NULL. Returns the instruction's slots (2 for lddw).
 */
unsigned interp_decode_one(const struct hive_vm *vm, uint32_t pc, struct ientry *e);

/* Whether the loop has the pair handlers (see INTERP_NO_GROUPS). */
bool interp_pairs(void);

/* Handler addresses indexed by enum iop, or NULL in the switch build. */
const void *const *interp_handlers(void);

#endif /* HIVE_VM_INTERP_H */
