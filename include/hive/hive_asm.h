/*
 * hive_asm.h - text assembler and disassembler for eBPF instructions.
 *
 * The assembler reads two syntaxes, mixed freely line by line:
 *  - the bpf_conformance / uBPF syntax: "mov32 %r0, 1", "ldxdw %r1, [%r10-8]",
 *    "jne %r0, %r1, +2", "lock add [%r10-8], %r1", "lddw %r0, 0x123456789";
 *  - the kernel / LLVM syntax printed by llvm-objdump and bpftool:
 *    "r0 = 1", "w1 s/= w2", "*(u64 *)(r10 - 8) = r1", "if r1 > 5 goto +2",
 *    "r0 = 0x1234 ll", "call bpf_map_lookup_elem", and bpftool's xlated lines
 *    "0: (b7) r0 = 0" (the pc and opcode prefix are ignored).
 * Labels ("loop:") may be used as jump and local-call targets in both.
 *
 * The disassembler prints either the text of the kernel's disassembler as
 * `bpftool prog dump xlated` shows it (HIVE_DISASM_XLATED) or the conformance
 * syntax (HIVE_DISASM_CONFORMANCE). For every structurally valid instruction
 * (isa_check_insn) both outputs assemble back to the same bytes.
 * See docs/asm.md.
 */
#ifndef HIVE_ASM_H
#define HIVE_ASM_H

#include <stddef.h>
#include <stdint.h>

#include "hive/hive.h"
#include "hive/hive_insn.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Assemble eBPF text (either syntax, may be mixed line by line).
 * @param text   NUL-terminated source text.
 * @param insns  out: malloc'd instruction array (caller frees); NULL on error,
 *               never NULL on success (an empty text gives *cnt == 0).
 * @param cnt    out: number of instruction slots (lddw counts two).
 * @param err    optional buffer for "line L, column C: message".
 * @param errlen size of @p err.
 * @return 0, -HIVE_EPARSE on a syntax error, -ENOMEM, or -EINVAL for NULL arguments.
 *
 * Registers are r0..r10 (w0..w10); r11 is accepted only on lines carrying
 * bpftool's "(xx)" opcode column, where it is the kernel's auxiliary register.
 */
HIVE_API int hive_asm(const char *text, struct hive_insn **insns, uint32_t *cnt,
		      char *err, size_t errlen);

/** Output syntaxes of the disassembler. */
enum hive_disasm_style {
	HIVE_DISASM_XLATED = 0,      /**< `bpftool prog dump xlated` text */
	HIVE_DISASM_CONFORMANCE = 1, /**< bpf_conformance / uBPF syntax */
};

/**
 * @brief Disassemble the instruction at @p pc into @p buf.
 * @param insns  instruction array.
 * @param cnt    number of slots in @p insns.
 * @param pc     index of the instruction to print.
 * @param style  output syntax.
 * @param buf    output buffer: one line, no newline, no "pc:" prefix; truncated
 *               to @p len like snprintf.
 * @param len    size of @p buf.
 * @return slots consumed (1, or 2 for lddw), or -EINVAL if @p pc is out of range,
 *         the opcode is unknown, or an lddw is missing its second slot. XLATED,
 *         like the kernel, prints any known opcode and ignores fields its text
 *         does not show (registers up to r11); CONFORMANCE refuses (-EINVAL)
 *         what its text cannot express exactly (isa_check_insn rules, except
 *         that r10 may be a destination).
 */
HIVE_API int hive_disasm_insn(const struct hive_insn *insns, uint32_t cnt, uint32_t pc,
			      enum hive_disasm_style style, char *buf, size_t len);

/** hive_disasm() flag: bpftool's "opcodes": a hex bytes line after each insn (both styles). */
#define HIVE_DISASM_OPCODES 1u
/** hive_disasm() flag (CONFORMANCE style): emit labels for jump/call targets. */
#define HIVE_DISASM_LABELS  2u

/**
 * @brief Disassemble a whole program.
 * @param insns  instruction array.
 * @param cnt    number of slots.
 * @param style  HIVE_DISASM_XLATED: one "% 4d: (%02x) text" line per instruction,
 *               as `bpftool prog dump xlated`; HIVE_DISASM_CONFORMANCE: one
 *               instruction per line in the assembler's syntax.
 * @param flags  HIVE_DISASM_OPCODES, HIVE_DISASM_LABELS.
 * @param out    out: malloc'd NUL-terminated text (caller frees).
 * @return 0, -EINVAL (bad argument or undecodable instruction), -ENOMEM.
 */
HIVE_API int hive_disasm(const struct hive_insn *insns, uint32_t cnt,
			 enum hive_disasm_style style, unsigned flags, char **out);

/**
 * @brief Resolver for what the disassembler cannot name on its own (the
 *        kernel disassembler's cb_imm / cb_call callbacks).
 * @param ctx   the pointer given to hive_disasm_resolved().
 * @param insn  the instruction being printed: the first slot of an lddw, or a
 *              call that is not a known helper (kfunc, local, unknown id).
 * @param buf   where to write the text (NUL-terminated, at most @p len bytes).
 * @param len   size of @p buf.
 * @return 1 if @p buf was filled, 0 to keep the default. For an lddw the text
 *         is the whole right-hand side ("map[id:5]"); for a call it is the
 *         callee name, printed as "call NAME#imm" ("call pcNAME" for a local
 *         call, so return "+3#subprog" there).
 */
typedef int (*hive_disasm_resolve_fn)(void *ctx, const struct hive_insn *insn,
				      char *buf, size_t len);

/**
 * @brief hive_disasm() with a resolver for lddw immediates and call targets.
 * @param fn   called for lddw and non-helper calls in XLATED style; NULL
 *             behaves as hive_disasm().
 * @param ctx  passed to @p fn.
 * Other parameters and the return value as hive_disasm().
 */
HIVE_API int hive_disasm_resolved(const struct hive_insn *insns, uint32_t cnt,
				  enum hive_disasm_style style, unsigned flags,
				  hive_disasm_resolve_fn fn, void *ctx, char **out);

#ifdef __cplusplus
}
#endif
#endif /* HIVE_ASM_H */
