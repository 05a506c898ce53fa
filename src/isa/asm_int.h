/*
 * asm_int.h - internals of the assembler shared by its three files:
 * asm_lex.c (tokens, numbers, registers, operands both syntaxes share),
 * asm_kern.c (kernel / LLVM syntax) and asm.c (conformance syntax, lines,
 * labels, the public hive_asm()).
 *
 * The cursor functions work on the current line of struct asm_ctx: they skip
 * blanks, consume what they recognise and leave the cursor after it. Those
 * returning int give 0 (or a count / 1 = found) on success and -HIVE_EPARSE
 * after recording the first error, with its line and column, through
 * asm_perr(). "try_" functions return 0 without consuming when the thing is
 * not there.
 */
#ifndef HIVE_ASM_INT_H
#define HIVE_ASM_INT_H

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>

#include "hive/hive_asm.h"

enum fix_kind {
	FIX_OFF,   /* jump: off = target - pc - 1 */
	FIX_IMM,   /* gotol, call local, code_addr: imm = target - pc - 1 */
	FIX_CALL,  /* "call name": a label if one exists, else a helper */
};

struct label {
	const char *name;
	size_t len;
	uint32_t pc;
	unsigned line, col;
};

struct fixup {
	const char *name;
	size_t len;
	uint32_t pc;
	unsigned line, col;
	enum fix_kind kind;
};

struct asm_ctx {
	struct hive_insn *insns;
	uint32_t cnt, cap;
	struct label *labels;
	size_t nlabels, caplabels;
	struct fixup *fix;
	size_t nfix, capfix;
	int64_t first_exit;    /* pc of the first exit: bpf_conformance's implicit "exit" label */
	char *err;
	size_t errlen;
	int failed;

	/* the line being read */
	const char *line;      /* its first character (column 1) */
	const char *p;         /* cursor */
	const char *end;       /* end of its text, comments removed */
	unsigned lineno;
	int hint;              /* opcode of a bpftool "(xx)" column, or -1 */
	const char *hint_at;
	struct hive_insn ins[2]; /* the instruction being built */
	int nins;
	struct hive_insn raw[2]; /* llvm-objdump's byte column, if the line has one */
	int nraw;
	uint32_t pc;           /* its pc */
};

#define CH(a, s) ((s) < (a)->end ? *(s) : '\0')

static inline int is_id0(char c)
{
	return isalpha((unsigned char)c) || c == '_' || c == '.';
}

static inline int is_id(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.';
}

#define KM(k) (1u << HIVE_K_##k)

/* errors, growth */
int asm_perr(struct asm_ctx *a, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int asm_tok_len(struct asm_ctx *a, const char *at);
int asm_grow(void **arr, size_t *cap, size_t need, size_t elem);

/* cursor and tokens */
void asm_skip_ws(struct asm_ctx *a);
int asm_at_end(struct asm_ctx *a);
int asm_accept(struct asm_ctx *a, const char *s);
int asm_expect(struct asm_ctx *a, const char *s);
size_t asm_peek_ident(struct asm_ctx *a);
int asm_ident_is(const char *s, size_t n, const char *word);
int asm_accept_word(struct asm_ctx *a, const char *w);
int asm_try_reg(struct asm_ctx *a, unsigned *reg, int *w32);
int asm_get_reg(struct asm_ctx *a, unsigned *reg, int *w32);
int asm_try_num(struct asm_ctx *a, int *neg, uint64_t *mag);
int asm_get_int(struct asm_ctx *a, int64_t min, int64_t max, int64_t *out, const char *what);
int asm_get_imm32(struct asm_ctx *a, int32_t *imm);
int asm_get_imm64(struct asm_ctx *a, uint64_t *v);

/* labels, helpers, opcodes */
int asm_add_label(struct asm_ctx *a, const char *name, size_t len, uint32_t pc);
int asm_add_fixup(struct asm_ctx *a, const char *name, size_t len, enum fix_kind kind);
int32_t asm_helper_id(const char *name, size_t len);
int asm_find_code(uint32_t kinds, unsigned width, const char *mnem, size_t mlen);
int asm_atomic_imm(const char *name, size_t len);

/* instruction building and shared operands */
void asm_set1(struct asm_ctx *a, int code, unsigned dst, unsigned src, int16_t off, int32_t imm);
void asm_set_lddw(struct asm_ctx *a, unsigned dst, unsigned src, uint64_t v);
int asm_parse_target(struct asm_ctx *a, int64_t min, int64_t max, int64_t *delta,
		     enum fix_kind kind);
int asm_parse_addr(struct asm_ctx *a, unsigned *reg, int16_t *off);
int asm_parse_ptr_type(struct asm_ctx *a, int *sign);
int asm_mem_code(struct asm_ctx *a, const char *at, uint32_t kinds, int width);
int asm_parse_ld_value(struct asm_ctx *a, unsigned dst);
int asm_parse_call(struct asm_ctx *a);

/* kernel / LLVM syntax (asm_kern.c): lines starting with if, lock *, *, a register */
int asm_parse_kif(struct asm_ctx *a);
int asm_parse_klock(struct asm_ctx *a);
int asm_parse_kstore(struct asm_ctx *a);
int asm_parse_kreg(struct asm_ctx *a);

#endif /* HIVE_ASM_INT_H */
