/*
 * asm_syntax.h - the spelling tables shared by the assembler (asm.c) and the
 * disassembler (disasm.c): operator strings of the kernel syntax, access
 * size names, the pseudo-source notations of lddw and helper names.
 *
 * These are spellings, not an opcode list: which opcodes exist and what
 * operands they take comes from isa_table (insn_def.h). The operator tables
 * are indexed like the kernel's bpf_alu_string / bpf_jmp_string, by the op
 * nibble (code >> 4).
 */
#ifndef HIVE_ASM_SYNTAX_H
#define HIVE_ASM_SYNTAX_H

#include <stdint.h>

/* The kernel's auxiliary register BPF_REG_AX, printed "r11" in xlated dumps. */
#define KERNEL_REG_AX 11

/* "+=", "-=", ... by ALU op nibble; NULL for neg/end (printed specially). */
extern const char *const asm_alu_op[16];
/* "s/=", "s%=" for the signed (off = 1) div/mod forms. */
extern const char *const asm_alu_sop[16];
/* "==", ">", "s<=", ... by JMP op nibble; NULL for ja/call/exit. */
extern const char *const asm_jmp_op[16];

/* Number of helper slots in helper_def.h, and the name of helper @id
 * without the bpf_ prefix (NULL if the id is not in the table). */
extern const unsigned asm_helper_count;
const char *asm_helper_name(int32_t id);

/* "u8", "u16", "u32", "u64" (or "s8".. when @sign) for an access width in bits. */
const char *asm_size_name(unsigned width_bits, int sign);

#endif /* HIVE_ASM_SYNTAX_H */
