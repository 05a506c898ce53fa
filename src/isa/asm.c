/*
 * asm.c - text to eBPF instructions.
 *
 * One pass over the lines, then a label fix-up pass. Each line is read in
 * whichever syntax it is written in:
 *
 *  - bpf_conformance / uBPF: a mnemonic first ("mov32 %r0, 1",
 *    "ldxdw %r1, [%r10-8]", "lock fetch add [%r1], %r2", "call local f");
 *  - kernel / LLVM: a register, "*", "if", "goto", "gotol", "call", "exit"
 *    or "lock *" first ("r0 = 1", "w1 s/= w2", "*(u64 *)(r10 - 8) = r1",
 *    "if r1 > 5 goto +2", "r0 = atomic_fetch_add((u64 *)(r10 - 8), r0)").
 *
 * Dumps paste back in as they are printed: bpftool's "   0: (b7) r0 = 0"
 * (pc and opcode columns skipped, the opcode checked against the text and
 * used to tell "(18) r1 = 0x5" lddw from mov), its "opcodes" byte lines and
 * "; source" lines, llvm-objdump's address, byte and symbol lines, and the
 * disassembler's own output in both styles (disasm.c).
 *
 * Opcodes are never listed here: mnemonics are looked up in isa_table, and
 * kernel-syntax operators map to op nibbles through asm_syntax.h, the result
 * being checked against isa_table. Every error names a line and column.
 *
 * This file holds the line driver, label resolution and the conformance
 * syntax; asm_lex.c the tokens and shared operands; asm_kern.c the kernel
 * syntax (see asm_int.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/asm_int.h"
#include "isa/asm_syntax.h"
#include "isa/isa.h"

#define ASM_MAX_INSNS (1u << 24)  /* far above any verifier limit */

/* ---- labels ------------------------------------------------------------ */

/* A conformance-syntax register: %rN or rN (no 32-bit names). */
static int get_xreg(struct asm_ctx *a, unsigned *reg)
{
	const char *at;
	int w, r;

	asm_skip_ws(a);
	at = a->p;
	r = asm_get_reg(a, reg, &w);
	if (!r && w)
		return asm_perr(a, at, "32-bit register name in conformance syntax; use %%r%u", *reg);
	return r;
}

static int cmp_name(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	return c ? c : (alen > blen) - (alen < blen);
}

static int cmp_label(const void *x, const void *y)
{
	const struct label *l = x, *m = y;
	int c = cmp_name(l->name, l->len, m->name, m->len);

	/* equal names: keep source order, so a duplicate follows its original */
	return c ? c : (l->line > m->line) - (l->line < m->line);
}

static const struct label *find_label(const struct asm_ctx *a, const char *name, size_t len)
{
	size_t lo = 0, hi = a->nlabels;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_name(name, len, a->labels[mid].name, a->labels[mid].len);

		if (!c)
			return &a->labels[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static int fix_err(struct asm_ctx *a, const struct fixup *f, const char *fmt)
{
	if (a->err && a->errlen) {
		char msg[96];

		snprintf(msg, sizeof(msg), fmt, (int)(f->len > 32 ? 32 : f->len), f->name);
		snprintf(a->err, a->errlen, "line %u, column %u: %s", f->line, f->col, msg);
	}
	return -HIVE_EPARSE;
}

/* Resolve label references now that every label is known. */
static int resolve(struct asm_ctx *a)
{
	size_t i;

	if (a->nlabels > 1)
		qsort(a->labels, a->nlabels, sizeof(*a->labels), cmp_label);
	for (i = 1; i < a->nlabels; i++) {
		const struct label *l = &a->labels[i], *prev = &a->labels[i - 1];

		if (!cmp_name(l->name, l->len, prev->name, prev->len)) {
			if (a->err && a->errlen)
				snprintf(a->err, a->errlen,
					 "line %u, column %u: label '%.*s' already defined on line %u",
					 l->line, l->col, (int)(l->len > 32 ? 32 : l->len), l->name,
					 prev->line);
			return -HIVE_EPARSE;
		}
	}
	for (i = 0; i < a->nfix; i++) {
		const struct fixup *f = &a->fix[i];
		struct hive_insn *in = &a->insns[f->pc];
		const struct label *l = find_label(a, f->name, f->len);
		int64_t target, delta;

		if (l) {
			target = l->pc;
		} else if (f->kind == FIX_CALL && asm_helper_id(f->name, f->len) >= 0) {
			in->imm = asm_helper_id(f->name, f->len);    /* call helper by name */
			continue;
		} else if (asm_ident_is(f->name, f->len, "exit") && a->first_exit >= 0) {
			target = a->first_exit;                  /* bpf_conformance's implicit label */
		} else {
			return fix_err(a, f, f->kind == FIX_CALL ?
				       "unknown helper or label '%.*s'" : "undefined label '%.*s'");
		}
		delta = target - (int64_t)f->pc - 1;
		if (f->kind == FIX_OFF) {
			if (delta < INT16_MIN || delta > INT16_MAX)
				return fix_err(a, f, "jump to '%.*s' is out of the 16-bit offset range");
			in->off = (int16_t)delta;
		} else {
			in->imm = (int32_t)delta;
			if (f->kind == FIX_CALL)
				in->src = HIVE_PSEUDO_CALL;
		}
	}
	return 0;
}

/* ---- conformance / uBPF syntax ----------------------------------------- */

/* "[%rN+off]" */
static int parse_xmem(struct asm_ctx *a, unsigned *reg, int16_t *off)
{
	if (asm_expect(a, "[") || asm_parse_addr(a, reg, off) || asm_expect(a, "]"))
		return -HIVE_EPARSE;
	return 0;
}

/* "lock [fetch] OP[32] [%rD+off], %rS" */
static int parse_xlock(struct asm_ctx *a)
{
	char name[24];
	const char *at;
	unsigned dst, src;
	int fetch, width = 64, imm, code;
	int16_t off;
	size_t n, base;

	fetch = asm_accept_word(a, "fetch");
	n = asm_peek_ident(a);
	at = a->p;
	if (!n || n > 16)
		return asm_perr(a, at, "expected an atomic operation after 'lock'");
	base = n;
	if (n > 2 && (!memcmp(at + n - 2, "32", 2) || !memcmp(at + n - 2, "64", 2))) {
		width = at[n - 2] == '3' ? 32 : 64;    /* add32, add64 */
		base = n - 2;
	}
	snprintf(name, sizeof(name), "%s%.*s", fetch ? "fetch_" : "", (int)base, at);
	imm = asm_atomic_imm(name, strlen(name));
	if (imm < 0)
		return asm_perr(a, at, "unknown atomic operation '%s%.*s'", fetch ? "fetch " : "",
			    (int)n, at);
	a->p += n;
	code = asm_find_code(KM(ATOMIC), (unsigned)width, NULL, 0);
	if (parse_xmem(a, &dst, &off) || asm_expect(a, ",") || get_xreg(a, &src))
		return -HIVE_EPARSE;
	asm_set1(a, code, dst, src, off, imm);
	return 0;
}

/* "movsx<from><to> %rD, %rS": movsx864, movsx1632, movsx3264, ... */
static int parse_xmovsx(struct asm_ctx *a, const char *m, size_t n)
{
	unsigned dst, src;
	int from = 0, to = 0;

	if (asm_ident_is(m, n, "movsx864") || asm_ident_is(m, n, "movsx832"))
		from = 8;
	else if (asm_ident_is(m, n, "movsx1664") || asm_ident_is(m, n, "movsx1632"))
		from = 16;
	else if (asm_ident_is(m, n, "movsx3264"))
		from = 32;
	else
		return asm_perr(a, m, "unknown instruction '%.*s'", (int)(n > 32 ? 32 : n), m);
	to = !memcmp(m + n - 2, "64", 2) ? 64 : 32;
	a->p = m + n;
	if (get_xreg(a, &dst) || asm_expect(a, ",") || get_xreg(a, &src))
		return -HIVE_EPARSE;
	asm_set1(a, (to == 64 ? HIVE_ALU64 : HIVE_ALU) | HIVE_MOV | HIVE_X, dst, src, (int16_t)from, 0);
	return 0;
}

/* Split "be16" / "bswap64" / "swap32": 1 and the instruction set if it is one. */
static int parse_xend(struct asm_ctx *a, const char *m, size_t n)
{
	size_t alpha = 0;
	unsigned dst;
	int code, width;

	while (alpha < n && isalpha((unsigned char)m[alpha]))
		alpha++;
	if (alpha == n)
		return 0;
	if (asm_ident_is(m, alpha, "swap"))                 /* bpf_conformance's name of bswap */
		code = asm_find_code(KM(END), 0, "bswap", 5);
	else
		code = asm_find_code(KM(END), 0, m, alpha);
	if (code < 0)
		return 0;
	width = asm_ident_is(m + alpha, n - alpha, "16") ? 16 : asm_ident_is(m + alpha, n - alpha, "32") ?
		32 : asm_ident_is(m + alpha, n - alpha, "64") ? 64 : 0;
	if (!width)
		return asm_perr(a, m, "byte swap width must be 16, 32 or 64");
	a->p = m + n;
	if (get_xreg(a, &dst))
		return -HIVE_EPARSE;
	asm_set1(a, code, dst, 0, 0, width);
	return 1;
}

/* Operands by kind for a table mnemonic. */
static int parse_xoperands(struct asm_ctx *a, const char *m, size_t n, int off_sel)
{
	const uint32_t K = KM(ALU_K) | KM(DIV_K) | KM(JCC_K), X = KM(ALU_X) | KM(DIV_X) |
		KM(MOV_X) | KM(JCC_X);
	int code = asm_find_code(~0u, 0, m, n), isreg;
	const struct isa_desc *d;
	unsigned dst = 0, src = 0;
	int32_t imm = 0;
	int16_t off = 0;
	int64_t delta;

	if (code < 0)
		return asm_perr(a, m, "unknown instruction '%s%.*s'", off_sel ? "s" : "",
			    (int)(n > 32 ? 32 : n), m);
	d = &isa_table[code];
	if (off_sel && d->kind != HIVE_K_DIV_K && d->kind != HIVE_K_DIV_X)
		return asm_perr(a, m, "unknown instruction 's%.*s'", (int)(n > 32 ? 32 : n), m);
	switch (d->kind) {
	case HIVE_K_ALU_K: case HIVE_K_ALU_X: case HIVE_K_DIV_K: case HIVE_K_DIV_X:
	case HIVE_K_MOV_X: case HIVE_K_JCC_K: case HIVE_K_JCC_X:
		/* op %rD, %rS|imm [, target] */
		if (get_xreg(a, &dst) || asm_expect(a, ","))
			return -HIVE_EPARSE;
		isreg = asm_try_reg(a, &src, NULL);
		if (isreg < 0 || (!isreg && asm_get_imm32(a, &imm)))
			return -HIVE_EPARSE;
		code = asm_find_code(isreg ? X : K, d->width, m, n);
		if (code < 0)
			return asm_perr(a, m, "'%.*s' takes no %s operand", (int)n, m,
				    isreg ? "register" : "immediate");
		if (d->kind == HIVE_K_JCC_K || d->kind == HIVE_K_JCC_X) {
			if (asm_expect(a, ",") || asm_parse_target(a, INT16_MIN, INT16_MAX, &delta, FIX_OFF))
				return -HIVE_EPARSE;
			off = (int16_t)delta;
		} else {
			off = (int16_t)off_sel;
		}
		break;
	case HIVE_K_NEG:     /* neg %rD */
		if (get_xreg(a, &dst))
			return -HIVE_EPARSE;
		break;
	case HIVE_K_LDABS:   /* ldabsw imm */
		if (asm_get_imm32(a, &imm))
			return -HIVE_EPARSE;
		break;
	case HIVE_K_LDIND:   /* ldindw %rS, imm */
		if (get_xreg(a, &src) || asm_expect(a, ",") || asm_get_imm32(a, &imm))
			return -HIVE_EPARSE;
		break;
	case HIVE_K_LDX: case HIVE_K_LDXSX:   /* ldxw %rD, [%rS+off] */
		if (get_xreg(a, &dst) || asm_expect(a, ",") || parse_xmem(a, &src, &off))
			return -HIVE_EPARSE;
		break;
	case HIVE_K_ST:      /* stw [%rD+off], imm */
		if (parse_xmem(a, &dst, &off) || asm_expect(a, ",") || asm_get_imm32(a, &imm))
			return -HIVE_EPARSE;
		break;
	case HIVE_K_STX:     /* stxw [%rD+off], %rS */
		if (parse_xmem(a, &dst, &off) || asm_expect(a, ",") || get_xreg(a, &src))
			return -HIVE_EPARSE;
		break;
	default:
		return asm_perr(a, m, "unknown instruction '%.*s'", (int)n, m);
	}
	asm_set1(a, code, dst, src, off, imm);
	return 0;
}

/* ja/goto TARGET (16-bit off) or ja32/gotol TARGET (32-bit imm), both syntaxes. */
static int parse_ja(struct asm_ctx *a, int j32)
{
	int64_t delta;

	if (asm_parse_target(a, j32 ? INT32_MIN : INT16_MIN, j32 ? INT32_MAX : INT16_MAX, &delta,
			     j32 ? FIX_IMM : FIX_OFF))
		return -HIVE_EPARSE;
	if (j32)
		asm_set1(a, HIVE_OP_JA32, 0, 0, 0, (int32_t)delta);   /* pc += imm */
	else
		asm_set1(a, HIVE_OP_JA, 0, 0, (int16_t)delta, 0);     /* pc += off */
	return 0;
}

/* A line that starts with a mnemonic. */
static int parse_xinsn(struct asm_ctx *a, const char *m, size_t n)
{
	unsigned dst;
	int r;

	a->p = m + n;
	if (asm_ident_is(m, n, "lddw")) {
		if (get_xreg(a, &dst) || asm_expect(a, ","))
			return -HIVE_EPARSE;
		return asm_parse_ld_value(a, dst);
	}
	if (asm_ident_is(m, n, "ja") || asm_ident_is(m, n, "ja32"))
		return parse_ja(a, n == 4);
	if (n > 5 && !memcmp(m, "movsx", 5))
		return parse_xmovsx(a, m, n);
	r = parse_xend(a, m, n);
	if (r)
		return r < 0 ? r : 0;
	if (n >= 4 && (!memcmp(m, "sdiv", 4) || !memcmp(m, "smod", 4))) {
		size_t base = n - 1;                             /* sdiv32 -> div32, off 1 */

		if (n == 6 && !memcmp(m + 4, "64", 2))
			base = 3;
		return parse_xoperands(a, m + 1, base, 1);
	}
	if (asm_find_code(~0u, 0, m, n) < 0 && n > 2 && !memcmp(m + n - 2, "64", 2) &&
	    asm_find_code(KM(ALU_K) | KM(NEG), 64, m, n - 2) >= 0)
		return parse_xoperands(a, m, n - 2, 0);          /* "add64" = "add" */
	return parse_xoperands(a, m, n, 0);
}

/* ---- lines ------------------------------------------------------------- */

/* Cut comments: "//", ";" and "#" at the start or after a blank ("call f#1" keeps its #). */
static const char *strip_comment(const char *s, const char *eol)
{
	const char *p;

	for (p = s; p < eol; p++) {
		if (*p == ';' || (*p == '/' && p + 1 < eol && p[1] == '/'))
			break;
		if (*p == '#' && (p == s || isspace((unsigned char)p[-1])))
			break;
	}
	while (p > s && isspace((unsigned char)p[-1]))
		p--;
	return p;
}

static int is_hex_byte(struct asm_ctx *a, const char *s)
{
	return isxdigit((unsigned char)CH(a, s)) && isxdigit((unsigned char)CH(a, s + 1)) &&
	       (s + 2 >= a->end || isspace((unsigned char)s[2]));
}

/*
 * Raw byte columns of llvm-objdump and bpftool: exactly 8 or 16 hex bytes.
 * They are kept in a->raw (a->nraw slots).
 */
static int skip_hex_bytes(struct asm_ctx *a)
{
	uint8_t bytes[16];
	const char *s = a->p;
	int n = 0;

	while (is_hex_byte(a, s) && n < 17) {
		if (n < 16)
			bytes[n] = (uint8_t)strtol((char[]){ s[0], s[1], 0 }, NULL, 16);
		n++;
		s += 2;
		while (s < a->end && isspace((unsigned char)*s))
			s++;
	}
	if (n != 8 && n != 16)
		return 0;
	memcpy(a->raw, bytes, (size_t)n);
	a->nraw = n / 8;
	a->p = s;
	return 1;
}

/* Leading columns of dumps: "12:" pc, llvm's bytes and "<sym>:" lines, bpftool's "(b7)". */
static int parse_prefix(struct asm_ctx *a, int *done)
{
	const char *s = a->p;

	*done = 0;
	if (skip_hex_bytes(a)) {
		a->nraw = 0;
		if (asm_at_end(a)) {
			*done = 1;                           /* bpftool "opcodes" line */
			return 0;
		}
	} else if (isdigit((unsigned char)*s)) {
		while (isxdigit((unsigned char)CH(a, s)))
			s++;
		if (CH(a, s) == ':') {                   /* pc column */
			a->p = s + 1;
			asm_skip_ws(a);
			if (a->end - a->p >= 2 && !memcmp(a->p, "R_", 2)) {
				*done = 1;                   /* llvm-objdump -r relocation */
				return 0;
			}
			if (skip_hex_bytes(a) && a->end - a->p == 9 && !memcmp(a->p, "<unknown>", 9)) {
				a->p = a->end;           /* llvm could not print it: take the bytes */
				memcpy(a->ins, a->raw, sizeof(a->raw));
				a->nins = a->nraw;
				*done = 2;
			}
		} else {
			const char *num = a->p;

			a->p = s;
			asm_skip_ws(a);
			if (CH(a, a->p) != '<')
				return asm_perr(a, num, "unexpected number at start of line");
			/* llvm-objdump symbol: "0000000000000000 <name>:" */
			s = ++a->p;
			while (is_id(CH(a, s)))
				s++;
			if (s == a->p || CH(a, s) != '>' || CH(a, s + 1) != ':' || s + 2 != a->end)
				return asm_perr(a, NULL, "expected '<symbol>:'");
			*done = 1;
			return asm_add_label(a, a->p, (size_t)(s - a->p), a->cnt);
		}
	}
	asm_skip_ws(a);
	if (CH(a, a->p) == '(' && isxdigit((unsigned char)CH(a, a->p + 1)) &&
	    isxdigit((unsigned char)CH(a, a->p + 2)) && CH(a, a->p + 3) == ')') {
		a->hint = (int)strtol((char[]){ a->p[1], a->p[2], 0 }, NULL, 16);
		a->hint_at = a->p;
		a->p += 4;
	}
	return 0;
}

static int parse_insn(struct asm_ctx *a)
{
	const char *at = a->p;
	size_t n = asm_peek_ident(a);

	if (*a->p == '*') {
		a->p++;
		return asm_parse_kstore(a);
	}
	if (!n)
		return asm_perr(a, at, "expected an instruction, found '%.*s'", asm_tok_len(a, at), at);
	if (asm_accept_word(a, "if"))
		return asm_parse_kif(a);
	if (asm_accept_word(a, "goto"))
		return parse_ja(a, 0);
	if (asm_accept_word(a, "gotol"))
		return parse_ja(a, 1);
	if (asm_accept_word(a, "call"))
		return asm_parse_call(a);
	if (asm_accept_word(a, "exit")) {
		asm_set1(a, HIVE_OP_EXIT, 0, 0, 0, 0);
		return 0;
	}
	if (asm_accept_word(a, "lock")) {
		asm_skip_ws(a);
		return CH(a, a->p) == '*' ? asm_parse_klock(a) : parse_xlock(a);
	}
	if (asm_try_reg(a, &(unsigned){ 0 }, NULL) == 1) {
		a->p = at;
		return asm_parse_kreg(a);
	}
	if (a->failed)
		return -HIVE_EPARSE;
	return parse_xinsn(a, a->p, n);
}

static int emit(struct asm_ctx *a)
{
	size_t cap = a->cap;
	int i;

	if (a->cnt + (uint32_t)a->nins > ASM_MAX_INSNS)
		return asm_perr(a, a->line, "program too large (more than %u instructions)",
			    ASM_MAX_INSNS);
	if (asm_grow((void **)&a->insns, &cap, a->cnt + (size_t)a->nins, sizeof(*a->insns)))
		return -ENOMEM;
	a->cap = (uint32_t)cap;
	if (a->hint >= 0 && a->ins[0].code != a->hint)
		return asm_perr(a, a->hint_at, "opcode (%02x) does not match the instruction (%02x)",
			    a->hint, a->ins[0].code);
	/* llvm-objdump prints local and kfunc calls as "call N" and pseudo lddw as
	 * "r1 = 0 ll": where the text matches its bytes but for src, take theirs */
	if (a->nraw == a->nins) {
		struct hive_insn t = a->ins[0];

		t.src = a->raw[0].src;
		if (!memcmp(&t, &a->raw[0], sizeof(t)) &&
		    (a->nins == 1 || !memcmp(&a->ins[1], &a->raw[1], sizeof(t))))
			a->ins[0].src = a->raw[0].src;
	}
	if (a->ins[0].code == HIVE_OP_EXIT && a->first_exit < 0)
		a->first_exit = a->cnt;
	for (i = 0; i < a->nins; i++)
		a->insns[a->cnt++] = a->ins[i];
	return 0;
}

static int parse_line(struct asm_ctx *a)
{
	int done, r;
	size_t n;

	a->hint = -1;
	a->nins = 0;
	a->nraw = 0;
	a->pc = a->cnt;
	if (asm_at_end(a))
		return 0;
	/* llvm-objdump headers and bpftool's function prototypes ("int f(...):") */
	if ((size_t)(a->end - a->p) >= 22 && !memcmp(a->p, "Disassembly of section", 22))
		return 0;
	if ((a->end[-1] == ':' && memchr(a->p, '(', (size_t)(a->end - a->p))) ||
	    memmem(a->p, (size_t)(a->end - a->p), ":\tfile format ", 14))
		return 0;
	r = parse_prefix(a, &done);
	if (r || done == 1)
		return r;
	if (done == 2)
		return emit(a);
	/* labels: "name:" (several may precede an instruction) */
	while ((n = asm_peek_ident(a)) && CH(a, a->p + n) == ':') {
		r = asm_add_label(a, a->p, n, a->cnt);
		if (r)
			return r;
		a->p += n + 1;
	}
	if (asm_at_end(a))
		return a->hint >= 0 ? asm_perr(a, a->hint_at, "opcode without an instruction") : 0;
	r = parse_insn(a);
	if (r)
		return r;
	if (!asm_at_end(a))
		return asm_perr(a, NULL, "unexpected '%.*s' after the instruction", asm_tok_len(a, a->p),
			    a->p);
	return emit(a);
}

int hive_asm(const char *text, struct hive_insn **insns, uint32_t *cnt, char *err, size_t errlen)
{
	struct asm_ctx a = { .first_exit = -1, .err = err, .errlen = errlen };
	const char *p, *eol;
	int r = 0;

	if (err && errlen)
		err[0] = '\0';
	if (!text || !insns || !cnt)
		return -EINVAL;
	*insns = NULL;
	*cnt = 0;
	for (p = text; *p; p = *eol ? eol + 1 : eol) {
		eol = strchr(p, '\n');
		if (!eol)
			eol = p + strlen(p);
		a.lineno++;
		a.line = a.p = p;
		a.end = strip_comment(p, eol);
		r = parse_line(&a);
		if (r)
			goto fail;
	}
	r = resolve(&a);
	if (r)
		goto fail;
	if (!a.insns) {
		a.insns = malloc(sizeof(*a.insns));    /* empty program: still a valid pointer */
		if (!a.insns) {
			r = -ENOMEM;
			goto fail;
		}
	}
	*insns = a.insns;
	*cnt = a.cnt;
	free(a.labels);
	free(a.fix);
	return 0;
fail:
	if (r == -ENOMEM && err && errlen)
		snprintf(err, errlen, "line %u: out of memory", a.lineno);
	free(a.insns);
	free(a.labels);
	free(a.fix);
	return r;
}
