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
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hive/hive_asm.h"
#include "isa/asm_syntax.h"
#include "isa/isa.h"

#define ASM_MAX_INSNS (1u << 24)  /* far above any verifier limit */

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

static int is_id0(char c)
{
	return isalpha((unsigned char)c) || c == '_' || c == '.';
}

static int is_id(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.';
}

static int perr(struct asm_ctx *a, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record the first error as "line L, column C: message"; returns -HIVE_EPARSE. */
static int perr(struct asm_ctx *a, const char *at, const char *fmt, ...)
{
	char msg[192];
	va_list ap;

	if (a->failed)
		return -HIVE_EPARSE;
	a->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (a->err && a->errlen)
		snprintf(a->err, a->errlen, "line %u, column %u: %s", a->lineno,
			 (unsigned)((at ? at : a->p) - a->line) + 1, msg);
	return -HIVE_EPARSE;
}

/* Error text for a token: at most 32 characters of what stands at @at. */
static int tok_len(struct asm_ctx *a, const char *at)
{
	const char *s = at;

	while (s < a->end && !isspace((unsigned char)*s) && *s != ',' && s - at < 32)
		s++;
	return s == at ? (a->end > at ? 1 : 0) : (int)(s - at);
}

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t ncap;
	void *n;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	while (ncap < need)
		ncap *= 2;
	n = realloc(*arr, ncap * elem);
	if (!n)
		return -ENOMEM;
	*arr = n;
	*cap = ncap;
	return 0;
}

/* ---- lexing ------------------------------------------------------------ */

static void skip_ws(struct asm_ctx *a)
{
	while (a->p < a->end && isspace((unsigned char)*a->p))
		a->p++;
}

static int at_end(struct asm_ctx *a)
{
	skip_ws(a);
	return a->p >= a->end;
}

/* Consume the punctuation @s if it is next. */
static int accept(struct asm_ctx *a, const char *s)
{
	size_t n = strlen(s);

	skip_ws(a);
	if ((size_t)(a->end - a->p) < n || memcmp(a->p, s, n))
		return 0;
	a->p += n;
	return 1;
}

static int expect(struct asm_ctx *a, const char *s)
{
	if (accept(a, s))
		return 0;
	if (at_end(a))
		return perr(a, NULL, "expected '%s' at end of line", s);
	return perr(a, NULL, "expected '%s' before '%.*s'", s, tok_len(a, a->p), a->p);
}

/* The identifier at the cursor (not consumed); 0 if there is none. */
static size_t peek_ident(struct asm_ctx *a)
{
	const char *s;

	skip_ws(a);
	s = a->p;
	if (!is_id0(CH(a, s)))
		return 0;
	while (is_id(CH(a, s)))
		s++;
	return (size_t)(s - a->p);
}

static int ident_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && !memcmp(s, word, n);
}

/* Consume the keyword @w if it is the next identifier. */
static int accept_word(struct asm_ctx *a, const char *w)
{
	size_t n = peek_ident(a);

	if (!n || !ident_is(a->p, n, w))
		return 0;
	a->p += n;
	return 1;
}

/*
 * A register: "r0".."r10", "w0".."w10", optionally "%"-prefixed.
 * Returns 1 and consumes it, 0 if no register stands here, or an error for a
 * register-looking token out of range ("r11", "%r99").
 */
static int try_reg(struct asm_ctx *a, unsigned *reg, int *w32)
{
	const char *s, *start;
	unsigned v = 0;
	int digits = 0;

	skip_ws(a);
	start = s = a->p;
	if (CH(a, s) == '%')
		s++;
	if (CH(a, s) != 'r' && CH(a, s) != 'w')
		return *start == '%' && start < a->end ? perr(a, start, "bad register '%.*s'",
							     tok_len(a, start), start) : 0;
	if (w32)
		*w32 = *s == 'w';
	s++;
	while (isdigit((unsigned char)CH(a, s))) {
		if (v < 1000)
			v = v * 10 + (unsigned)(*s - '0');
		s++;
		digits++;
	}
	if (!digits || is_id(CH(a, s)))
		return *start == '%' ? perr(a, start, "bad register '%.*s'", tok_len(a, start),
					    start) : 0;
	/* r11 only in bpftool xlated lines: the kernel's auxiliary register */
	if (v > (a->hint >= 0 ? KERNEL_REG_AX : HIVE_REG_FP))
		return perr(a, start, "invalid register '%.*s' (r0-r10)", (int)(s - start), start);
	*reg = v;
	a->p = s;
	return 1;
}

static int get_reg(struct asm_ctx *a, unsigned *reg, int *w32)
{
	int r = try_reg(a, reg, w32);

	if (r < 0)
		return r;
	if (!r)
		return at_end(a) ? perr(a, NULL, "expected a register at end of line") :
			perr(a, NULL, "expected a register, found '%.*s'", tok_len(a, a->p), a->p);
	return 0;
}

/* A conformance-syntax register: %rN or rN (no 32-bit names). */
static int get_xreg(struct asm_ctx *a, unsigned *reg)
{
	const char *at;
	int w, r;

	skip_ws(a);
	at = a->p;
	r = get_reg(a, reg, &w);
	if (!r && w)
		return perr(a, at, "32-bit register name in conformance syntax; use %%r%u", *reg);
	return r;
}

/*
 * A number: optional sign, decimal or 0x-hex digits, up to 64 bits of
 * magnitude. Returns 1 and consumes it, 0 if no number stands here, or an
 * error for overflow or trailing letters.
 */
static int try_num(struct asm_ctx *a, int *neg, uint64_t *mag)
{
	const char *s, *start;
	unsigned base = 10, d;
	uint64_t v = 0;

	skip_ws(a);
	start = s = a->p;
	*neg = 0;
	if (CH(a, s) == '+' || CH(a, s) == '-') {
		*neg = *s == '-';
		s++;
	}
	if (!isdigit((unsigned char)CH(a, s)))
		return 0;
	if (*s == '0' && (CH(a, s + 1) == 'x' || CH(a, s + 1) == 'X') &&
	    isxdigit((unsigned char)CH(a, s + 2))) {
		base = 16;
		s += 2;
	}
	for (; isxdigit((unsigned char)CH(a, s)); s++) {
		d = isdigit((unsigned char)*s) ? (unsigned)(*s - '0') :
			(unsigned)(tolower((unsigned char)*s) - 'a' + 10);
		if (d >= base)
			break;
		if (v > (UINT64_MAX - d) / base) {
			while (isxdigit((unsigned char)CH(a, s)))
				s++;
			return perr(a, start, "number '%.*s' is too large",
				    (int)(s - start) > 32 ? 32 : (int)(s - start), start);
		}
		v = v * base + d;
	}
	if (is_id(CH(a, s)))
		return perr(a, start, "bad number '%.*s'", tok_len(a, start), start);
	*mag = v;
	a->p = s;
	return 1;
}

/* A number in [min, max]; @what names it in errors. */
static int get_int(struct asm_ctx *a, int64_t min, int64_t max, int64_t *out, const char *what)
{
	const char *at;
	uint64_t mag;
	int neg, r;

	skip_ws(a);
	at = a->p;
	r = try_num(a, &neg, &mag);
	if (r < 0)
		return r;
	if (!r)
		return at_end(a) ? perr(a, NULL, "expected %s at end of line", what) :
			perr(a, at, "expected %s, found '%.*s'", what, tok_len(a, at), at);
	if (mag > (uint64_t)INT64_MAX + neg)
		goto range;
	*out = !neg ? (int64_t)mag : mag ? -(int64_t)(mag - 1) - 1 : 0;
	if (*out >= min && *out <= max)
		return 0;
range:
	return perr(a, at, "%s '%.*s' out of range [%lld, %lld]", what,
		    (int)(a->p - at) > 32 ? 32 : (int)(a->p - at), at, (long long)min,
		    (long long)max);
}

/* A 32-bit immediate: signed, or the unsigned 32-bit pattern (0xffffffff = -1). */
static int get_imm32(struct asm_ctx *a, int32_t *imm)
{
	int64_t v;
	int r = get_int(a, INT32_MIN, UINT32_MAX, &v, "a 32-bit immediate");

	if (!r)
		*imm = (int32_t)(uint32_t)v;
	return r;
}

/* A 64-bit immediate: any value from -2^63 to 2^64 - 1. */
static int get_imm64(struct asm_ctx *a, uint64_t *v)
{
	const char *at;
	uint64_t mag;
	int neg, r;

	skip_ws(a);
	at = a->p;
	r = try_num(a, &neg, &mag);
	if (r < 0)
		return r;
	if (!r)
		return perr(a, at, "expected a 64-bit immediate");
	if (neg && mag > (uint64_t)1 << 63)
		return perr(a, at, "64-bit immediate out of range");
	*v = neg ? -mag : mag;
	return 0;
}

/* ---- labels and fix-ups ------------------------------------------------ */

static int add_label(struct asm_ctx *a, const char *name, size_t len, uint32_t pc)
{
	struct label *l;

	if (grow((void **)&a->labels, &a->caplabels, a->nlabels + 1, sizeof(*l)))
		return -ENOMEM;
	l = &a->labels[a->nlabels++];
	l->name = name;
	l->len = len;
	l->pc = pc;
	l->line = a->lineno;
	l->col = (unsigned)(name - a->line) + 1;
	return 0;
}

static int add_fixup(struct asm_ctx *a, const char *name, size_t len, enum fix_kind kind)
{
	struct fixup *f;

	if (grow((void **)&a->fix, &a->capfix, a->nfix + 1, sizeof(*f)))
		return -ENOMEM;
	f = &a->fix[a->nfix++];
	f->name = name;
	f->len = len;
	f->pc = a->pc;
	f->line = a->lineno;
	f->col = (unsigned)(name - a->line) + 1;
	f->kind = kind;
	return 0;
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

/* Helper id of @name (with or without the "bpf_" prefix), or -1. */
static int32_t helper_id(const char *name, size_t len)
{
	unsigned i;

	if (len > 4 && !memcmp(name, "bpf_", 4)) {
		name += 4;
		len -= 4;
	}
	for (i = 1; i < asm_helper_count; i++) {
		const char *h = asm_helper_name((int32_t)i);

		if (h && ident_is(name, len, h))
			return (int32_t)i;
	}
	return -1;
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
		} else if (f->kind == FIX_CALL && helper_id(f->name, f->len) >= 0) {
			in->imm = helper_id(f->name, f->len);    /* call helper by name */
			continue;
		} else if (ident_is(f->name, f->len, "exit") && a->first_exit >= 0) {
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

/* ---- opcode lookup in isa_table ---------------------------------------- */

#define KM(k) (1u << HIVE_K_##k)

/* First opcode whose kind is in @kinds, of @width bits (0: any) and
 * mnemonic @mnem (NULL: any); -1 if none. */
static int find_code(uint32_t kinds, unsigned width, const char *mnem, size_t mlen)
{
	int c;

	for (c = 0; c < 256; c++) {
		const struct isa_desc *d = &isa_table[c];

		if (d->kind == HIVE_K_INVALID || !(kinds & (1u << d->kind)))
			continue;
		if (width && d->width != width)
			continue;
		if (mnem && !ident_is(mnem, mlen, d->mnem))
			continue;
		return c;
	}
	return -1;
}

/* Atomic operation immediate named @name ("add", "fetch_or", "xchg", ...), or -1. */
static int atomic_imm(const char *name, size_t len)
{
	int imm;

	for (imm = 0; imm < 256; imm++) {
		const char *n = isa_atomic_name(imm);

		if (n && ident_is(name, len, n))
			return imm;
	}
	return -1;
}

/* ---- instruction building ---------------------------------------------- */

static void set1(struct asm_ctx *a, int code, unsigned dst, unsigned src, int16_t off, int32_t imm)
{
	a->ins[0] = HIVE_INSN((uint8_t)code, dst, src, off, imm);
	a->nins = 1;
}

static void set_lddw(struct asm_ctx *a, unsigned dst, unsigned src, uint64_t v)
{
	a->ins[0] = HIVE_LD_IMM64_LO(dst, src, v);
	a->ins[1] = HIVE_LD_IMM64_HI(v);
	a->nins = 2;
}

/*
 * A jump target: "+N", "-N", "N", "pc+N" (an offset), or a label (recorded
 * as a fix-up of @kind). llvm-objdump's trailing "<LBB0_2>" is skipped.
 */
static int parse_target(struct asm_ctx *a, int64_t min, int64_t max, int64_t *delta,
			enum fix_kind kind)
{
	size_t n = peek_ident(a);
	const char *gt;
	int r;

	*delta = 0;
	if (n == 2 && !memcmp(a->p, "pc", 2) && (CH(a, a->p + 2) == '+' || CH(a, a->p + 2) == '-')) {
		a->p += 2;           /* bpftool's pc+N */
	} else if (n) {
		a->p += n;           /* a label */
		return add_fixup(a, a->p - n, n, kind);
	}
	r = get_int(a, min, max, delta, "a jump offset or label");
	if (r)
		return r;
	skip_ws(a);
	if (CH(a, a->p) == '<' && (gt = memchr(a->p, '>', (size_t)(a->end - a->p))))
		a->p = gt + 1;       /* llvm-objdump: "goto +3 <LBB0_4>" */
	return 0;
}

/* Memory operand body "rN", "rN + off", "rN -off" (brackets handled by the caller). */
static int parse_addr(struct asm_ctx *a, unsigned *reg, int16_t *off)
{
	const char *at;
	int64_t v = 0;
	int neg, r;

	r = get_reg(a, reg, NULL);
	if (r)
		return r;
	*off = 0;
	skip_ws(a);
	if (CH(a, a->p) != '+' && CH(a, a->p) != '-')
		return 0;
	neg = *a->p == '-';
	a->p++;
	skip_ws(a);
	at = a->p;
	r = get_int(a, INT32_MIN, INT32_MAX, &v, "a 16-bit offset");
	if (r)
		return r;
	v = neg ? -v : v;
	if (v < INT16_MIN || v > INT16_MAX)
		return perr(a, at, "offset %lld out of the 16-bit range", (long long)v);
	*off = (int16_t)v;
	return 0;
}

/* "(u32 *)" etc: returns the width in bits, *sign for s8/s16/s32. */
static int parse_ptr_type(struct asm_ctx *a, int *sign)
{
	const char *at;
	size_t n;
	int w;

	if (expect(a, "("))
		return -HIVE_EPARSE;
	n = peek_ident(a);
	at = a->p;
	if (n < 2 || (at[0] != 'u' && at[0] != 's'))
		return perr(a, at, "expected a type u8/u16/u32/u64/s8/s16/s32");
	w = ident_is(at + 1, n - 1, "8") ? 8 : ident_is(at + 1, n - 1, "16") ? 16 :
	    ident_is(at + 1, n - 1, "32") ? 32 : ident_is(at + 1, n - 1, "64") ? 64 : 0;
	if (!w)
		return perr(a, at, "unknown type '%.*s'", (int)n, at);
	*sign = at[0] == 's';
	a->p += n;
	if (expect(a, "*") || expect(a, ")"))
		return -HIVE_EPARSE;
	return w;
}

/* Load/store/atomic opcode for a kernel-syntax typed access. */
static int mem_code(struct asm_ctx *a, const char *at, uint32_t kinds, int width)
{
	int code = find_code(kinds, (unsigned)width, NULL, 0);

	if (code < 0)
		return perr(a, at, "no such %d-bit access", width);
	return code;
}

/* ---- lddw operands (both syntaxes) ------------------------------------- */

/* map_by_fd(N), map_by_idx(N): the inner call of map_val(). */
static int parse_map_ref(struct asm_ctx *a, unsigned *src, int32_t *imm, int value)
{
	const char *at;

	skip_ws(a);
	at = a->p;
	if (accept_word(a, "map_by_fd"))
		*src = value ? HIVE_PSEUDO_MAP_VALUE : HIVE_PSEUDO_MAP_FD;
	else if (accept_word(a, "map_by_idx"))
		*src = value ? HIVE_PSEUDO_MAP_IDX_VALUE : HIVE_PSEUDO_MAP_IDX;
	else
		return perr(a, at, "expected map_by_fd() or map_by_idx()");
	if (expect(a, "(") || get_imm32(a, imm) || expect(a, ")"))
		return -HIVE_EPARSE;
	return 0;
}

/*
 * The value of an lddw: a 64-bit number, bpftool's map[id:N],
 * map[id:N][0]+OFF and subprog[+N], or the RFC 9669 notation map_by_fd(N),
 * map_val(map_by_fd(N)) + OFF, var_addr(N), code_addr(N|label),
 * map_by_idx(N), map_val(map_by_idx(N)) + OFF. The RFC forms may carry
 * "+ N" for the second immediate. Returns 1 if a pseudo form was read.
 */
static int parse_ld_value(struct asm_ctx *a, unsigned dst, int *pseudo)
{
	unsigned src = 0;
	int32_t imm = 0, next = 0;
	int64_t delta = 0;
	uint64_t v;
	int r = 0, rfc = 1;

	*pseudo = 1;
	if (accept_word(a, "map")) {                       /* bpftool */
		rfc = 0;
		if (expect(a, "[") || !accept_word(a, "id") || expect(a, ":") ||
		    get_imm32(a, &imm) || expect(a, "]"))
			return perr(a, NULL, "expected map[id:N]");
		src = HIVE_PSEUDO_MAP_FD;
		if (accept(a, "[")) {
			int64_t zero;

			if (get_int(a, 0, 0, &zero, "0") || expect(a, "]") || expect(a, "+") ||
			    get_imm32(a, &next))
				return -HIVE_EPARSE;
			src = HIVE_PSEUDO_MAP_VALUE;
		}
	} else if (accept_word(a, "subprog")) {            /* bpftool */
		rfc = 0;
		src = HIVE_PSEUDO_FUNC;
		if (expect(a, "[") || parse_target(a, INT32_MIN, INT32_MAX, &delta, FIX_IMM) ||
		    expect(a, "]"))
			return -HIVE_EPARSE;
		imm = (int32_t)delta;
	} else if (accept_word(a, "map_val")) {
		if (expect(a, "(") || parse_map_ref(a, &src, &imm, 1) || expect(a, ")"))
			return -HIVE_EPARSE;
	} else if (accept_word(a, "var_addr")) {
		src = HIVE_PSEUDO_BTF_ID;
		r = expect(a, "(") || get_imm32(a, &imm) || expect(a, ")");
	} else if (accept_word(a, "code_addr")) {
		src = HIVE_PSEUDO_FUNC;
		r = expect(a, "(") || parse_target(a, INT32_MIN, INT32_MAX, &delta, FIX_IMM) ||
		    expect(a, ")");
		imm = (int32_t)delta;
	} else if (peek_ident(a) > 6 && !memcmp(a->p, "map_by", 6)) {
		r = parse_map_ref(a, &src, &imm, 0);
	} else {
		*pseudo = 0;
		if (get_imm64(a, &v))
			return -HIVE_EPARSE;
		set_lddw(a, dst, 0, v);
		return 0;
	}
	if (r)
		return -HIVE_EPARSE;
	if (rfc && accept(a, "+") && get_imm32(a, &next))
		return -HIVE_EPARSE;
	set_lddw(a, dst, src, (uint32_t)imm | ((uint64_t)(uint32_t)next << 32));
	return 0;
}

/* ---- call (both syntaxes) ---------------------------------------------- */

/*
 * call N | call helper N | call runtime N | call local TARGET | call pc+N |
 * call NAME#N (bpftool) | call NAME (helper, or a label: local call).
 */
static int parse_call(struct asm_ctx *a)
{
	const char *name;
	int64_t delta;
	int32_t imm;
	size_t n;

	set1(a, HIVE_OP_CALL, 0, 0, 0, 0);
	if (accept_word(a, "local")) {
		a->ins[0].src = HIVE_PSEUDO_CALL;
		if (parse_target(a, INT32_MIN, INT32_MAX, &delta, FIX_IMM))
			return -HIVE_EPARSE;
		a->ins[0].imm = (int32_t)delta;
		return 0;
	}
	if (accept_word(a, "runtime")) {
		a->ins[0].src = HIVE_PSEUDO_KFUNC_CALL;
		return get_imm32(a, &a->ins[0].imm);
	}
	accept_word(a, "helper");
	n = peek_ident(a);
	if (n == 2 && !memcmp(a->p, "pc", 2) && (CH(a, a->p + 2) == '+' || CH(a, a->p + 2) == '-')) {
		a->ins[0].src = HIVE_PSEUDO_CALL;          /* bpftool: call pc+N[#name] */
		a->p += 2;
		if (get_imm32(a, &a->ins[0].imm))
			return -HIVE_EPARSE;
		if (CH(a, a->p) == '#')
			a->p = a->end;
		return 0;
	}
	if (!n)
		return get_imm32(a, &a->ins[0].imm);        /* helper by number */
	name = a->p;
	if (ident_is(name, n, "kernel") && a->end - name >= 15 && !memcmp(name + 6, "-function", 9))
		n += 9;                                     /* the kernel's unnamed kfunc */
	a->p += n;
	if (CH(a, a->p) != '#')
		return add_fixup(a, name, n, FIX_CALL);     /* helper or label: decided later */
	a->p++;                                             /* bpftool: name#imm */
	if (get_imm32(a, &imm))
		return -HIVE_EPARSE;
	a->ins[0].imm = imm;
	if (ident_is(name, n, "kernel-function") || (!ident_is(name, n, "unknown") &&
						   helper_id(name, n) < 0))
		a->ins[0].src = HIVE_PSEUDO_KFUNC_CALL;
	return 0;
}

/* ---- kernel / LLVM syntax ---------------------------------------------- */

/* Longest operator of @tab (16 entries by op nibble) at the cursor. */
static int match_op(struct asm_ctx *a, const char *const *tab, size_t *len)
{
	int i, best = -1;

	skip_ws(a);
	*len = 0;
	for (i = 0; i < 16; i++) {
		size_t n = tab[i] ? strlen(tab[i]) : 0;

		if (n > *len && (size_t)(a->end - a->p) >= n && !memcmp(a->p, tab[i], n)) {
			best = i;
			*len = n;
		}
	}
	return best;
}

/* "if DST OP SRC goto TARGET" */
static int parse_kif(struct asm_ctx *a)
{
	const char *at;
	unsigned dst, src = 0;
	int w, ws, op, isreg, r;
	int32_t imm = 0;
	int64_t delta;
	size_t n;
	int code;

	if (get_reg(a, &dst, &w))
		return -HIVE_EPARSE;
	op = match_op(a, asm_jmp_op, &n);
	if (op < 0)
		return perr(a, NULL, "expected a comparison (==, !=, >, s<, &, ...)");
	a->p += n;
	skip_ws(a);
	at = a->p;
	isreg = try_reg(a, &src, &ws);
	if (isreg < 0)
		return isreg;
	if (isreg && ws != w)
		return perr(a, at, "comparison mixes 32-bit and 64-bit registers");
	if (!isreg && get_imm32(a, &imm))
		return -HIVE_EPARSE;
	if (!accept_word(a, "goto"))
		return perr(a, NULL, "expected 'goto'");
	r = parse_target(a, INT16_MIN, INT16_MAX, &delta, FIX_OFF);
	if (r)
		return r;
	code = (w ? HIVE_JMP32 : HIVE_JMP) | (op << 4) | (isreg ? HIVE_X : HIVE_K);
	set1(a, code, dst, src, (int16_t)delta, imm);
	return 0;
}

/* "lock *(u64 *)(r10 - 8) += r1" */
static int parse_klock(struct asm_ctx *a)
{
	const char *at;
	unsigned dst, src;
	int16_t off;
	int width, sign, op, imm, code;
	size_t n;

	if (expect(a, "*"))
		return -HIVE_EPARSE;
	skip_ws(a);
	at = a->p;
	width = parse_ptr_type(a, &sign);
	if (width < 0)
		return width;
	if (sign)
		return perr(a, at, "atomic operations take unsigned types");
	code = mem_code(a, at, KM(ATOMIC), width);
	if (code < 0 || expect(a, "(") || parse_addr(a, &dst, &off) || expect(a, ")"))
		return -HIVE_EPARSE;
	skip_ws(a);
	at = a->p;
	op = match_op(a, asm_alu_op, &n);
	imm = op < 0 ? -1 : op << 4;
	if (op < 0 || !isa_atomic_name(imm))
		return perr(a, at, "expected an atomic operator (+=, &=, |=, ^=)");
	a->p += n;
	if (get_reg(a, &src, NULL))
		return -HIVE_EPARSE;
	set1(a, code, dst, src, off, imm);
	return 0;
}

/* "*(u32 *)(r10 - 4) = r1 | w1 | imm" */
static int parse_kstore(struct asm_ctx *a)
{
	const char *at;
	unsigned dst, src;
	int16_t off;
	int32_t imm;
	int width, sign, isreg, code;

	skip_ws(a);
	at = a->p;
	width = parse_ptr_type(a, &sign);
	if (width < 0)
		return width;
	if (sign)
		return perr(a, at, "stores take unsigned types");
	if (expect(a, "(") || parse_addr(a, &dst, &off) || expect(a, ")") || expect(a, "="))
		return -HIVE_EPARSE;
	isreg = try_reg(a, &src, NULL);
	if (isreg < 0)
		return isreg;
	code = mem_code(a, at, isreg ? KM(STX) : KM(ST), width);
	if (code < 0)
		return code;
	if (isreg) {
		set1(a, code, dst, src, off, 0);
		return 0;
	}
	if (get_imm32(a, &imm))
		return -HIVE_EPARSE;
	set1(a, code, dst, 0, off, imm);
	return 0;
}

/* "DST = *(u32 *)(SRC + off)", "r0 = *(u8 *)skb[imm]", "r0 = *(u16 *)skb[rS + imm]" */
static int parse_kload(struct asm_ctx *a, unsigned dst, int w32)
{
	const char *at = a->p;
	unsigned src;
	int16_t off;
	int32_t imm;
	int width, sign, isreg, code;

	width = parse_ptr_type(a, &sign);
	if (width < 0)
		return width;
	if (accept_word(a, "skb")) {                /* legacy packet access */
		if (dst != 0 || w32 || sign)
			return perr(a, at, "packet loads are 'r0 = *(uN *)skb[...]'");
		if (expect(a, "["))
			return -HIVE_EPARSE;
		isreg = try_reg(a, &src, NULL);
		if (isreg < 0 || (isreg && expect(a, "+")) || get_imm32(a, &imm) || expect(a, "]"))
			return -HIVE_EPARSE;
		code = mem_code(a, at, isreg ? KM(LDIND) : KM(LDABS), width);
		if (code < 0)
			return code;
		set1(a, code, 0, isreg ? src : 0, 0, imm);
		return 0;
	}
	if (w32 && width == 64)
		return perr(a, at, "64-bit load into a 32-bit register");
	code = mem_code(a, at, sign ? KM(LDXSX) : KM(LDX), width);
	if (code < 0 || expect(a, "(") || parse_addr(a, &src, &off) || expect(a, ")"))
		return -HIVE_EPARSE;
	set1(a, code, dst, src, off, 0);
	return 0;
}

/*
 * Atomic read-modify-write in assignment form:
 *   kernel: rS = atomic[64]_fetch_OP((uN *)(rD +off), rS)
 *           rS = atomic[64]_xchg((uN *)(rD +off), rS)
 *           r0 = atomic[64]_cmpxchg((uN *)(rD +off), r0, rS)
 *   LLVM:   rS = xchg_64(rD + off, rS), wS = xchg32_32(...),
 *           r0 = cmpxchg_64(rD + off, r0, rS), w0 = cmpxchg32_32(...)
 */
static int parse_katomic(struct asm_ctx *a, unsigned lhs, const char *name, size_t n)
{
	const char *op = name, *at;
	size_t oplen = n;
	unsigned dst, src, cmp;
	int width = 0, typed = 0, sign, imm, code;
	int16_t off;

	if (n > 7 && !memcmp(name, "atomic", 6)) {
		typed = 1;
		op = name + 6;
		if (!memcmp(op, "64", 2) && n > 8) {
			width = 64;
			op += 2;
		}
		if (*op != '_')
			return perr(a, name, "unknown atomic operation '%.*s'", (int)n, name);
		op++;
		oplen = n - (size_t)(op - name);
	} else if (ident_is(name, n, "xchg_64") || ident_is(name, n, "cmpxchg_64")) {
		width = 64;
		oplen = n - 3;
	} else if (ident_is(name, n, "xchg32_32") || ident_is(name, n, "cmpxchg32_32")) {
		width = 32;
		oplen = n - 5;
	}
	imm = atomic_imm(op, oplen);
	if (imm < 0 || !(imm & HIVE_FETCH))
		return perr(a, name, "unknown atomic operation '%.*s'", (int)n, name);
	a->p = name + n;
	if (expect(a, "("))
		return -HIVE_EPARSE;
	skip_ws(a);
	at = a->p;
	if (typed) {
		int tw = parse_ptr_type(a, &sign);

		if (tw < 0)
			return tw;
		if (sign || (width && tw != width))
			return perr(a, at, "pointer type does not match '%.*s'", (int)n, name);
		width = tw;
		if (expect(a, "("))
			return -HIVE_EPARSE;
	}
	if (parse_addr(a, &dst, &off) || (typed && expect(a, ")")) || expect(a, ","))
		return -HIVE_EPARSE;
	code = mem_code(a, at, KM(ATOMIC), width);
	if (code < 0)
		return code;
	if (imm == HIVE_CMPXCHG) {
		skip_ws(a);
		at = a->p;
		if (get_reg(a, &cmp, NULL) || cmp != 0 || lhs != 0)
			return perr(a, at, "cmpxchg compares and returns r0");
		if (expect(a, ","))
			return -HIVE_EPARSE;
	}
	skip_ws(a);
	at = a->p;
	if (get_reg(a, &src, NULL) || expect(a, ")"))
		return -HIVE_EPARSE;
	if (imm != HIVE_CMPXCHG && src != lhs)
		return perr(a, at, "the result register must be the source register r%u", lhs);
	set1(a, code, dst, src, off, imm);
	return 0;
}

/* "DST = be16 DST", "DST = le32 DST", "DST = bswap64 DST" */
static int parse_kend(struct asm_ctx *a, unsigned dst, const char *name, size_t n)
{
	size_t alpha = 0;
	unsigned src;
	int64_t width;
	int code;

	while (alpha < n && isalpha((unsigned char)name[alpha]))
		alpha++;
	code = find_code(KM(END), 0, name, alpha);
	if (code < 0 || alpha == n)
		return 0;
	a->p = name + alpha;
	if (get_int(a, INT32_MIN, INT32_MAX, &width, "a byte swap width"))
		return -HIVE_EPARSE;
	if (width != 16 && width != 32 && width != 64)
		return perr(a, name, "byte swap width must be 16, 32 or 64");
	if (get_reg(a, &src, NULL))
		return -HIVE_EPARSE;
	if (src != dst)
		return perr(a, name, "byte swaps work in place: use r%u on both sides", dst);
	set1(a, code, dst, 0, 0, (int32_t)width);
	return 1;
}

/* "DST = ..." : everything that assigns to a register. */
static int parse_kassign(struct asm_ctx *a, unsigned dst, int w32)
{
	const char *at;
	unsigned src;
	int cls = w32 ? HIVE_ALU : HIVE_ALU64;
	int r, ws, pseudo;
	int32_t imm;
	size_t n;

	skip_ws(a);
	at = a->p;
	if (CH(a, a->p) == '-' && !isdigit((unsigned char)CH(a, a->p + 1))) {
		a->p++;                                    /* dst = -dst */
		if (get_reg(a, &src, &ws))
			return -HIVE_EPARSE;
		if (src != dst || ws != w32)
			return perr(a, at, "negation works in place: use %c%u on both sides",
				    w32 ? 'w' : 'r', dst);
		set1(a, cls | HIVE_NEG, dst, 0, 0, 0);
		return 0;
	}
	if (CH(a, a->p) == '(') {                          /* dst = (s8)src */
		int64_t bits;

		a->p++;
		skip_ws(a);
		if (CH(a, a->p) != 's')
			return perr(a, NULL, "expected (s8), (s16) or (s32)");
		a->p++;
		if (get_int(a, 8, 32, &bits, "a sign-extension width") || expect(a, ")"))
			return -HIVE_EPARSE;
		if (bits != 8 && bits != 16 && !(bits == 32 && !w32))
			return perr(a, at, "no such sign extension");
		if (get_reg(a, &src, &ws))
			return -HIVE_EPARSE;
		if (ws != w32)
			return perr(a, at, "mov mixes 32-bit and 64-bit registers");
		set1(a, cls | HIVE_MOV | HIVE_X, dst, src, (int16_t)bits, 0);
		return 0;
	}
	if (CH(a, a->p) == '*') {                          /* load */
		a->p++;
		return parse_kload(a, dst, w32);
	}
	r = try_reg(a, &src, &ws);
	if (r < 0)
		return r;
	if (r) {                                           /* dst = src */
		if (ws != w32)
			return perr(a, at, "mov mixes 32-bit and 64-bit registers");
		set1(a, cls | HIVE_MOV | HIVE_X, dst, src, 0, 0);
		return 0;
	}
	n = peek_ident(a);
	if (n) {
		r = parse_kend(a, dst, a->p, n);
		if (r)
			return r < 0 ? r : 0;
		if ((n > 6 && !memcmp(a->p, "atomic", 6)) || ident_is(a->p, n, "xchg_64") ||
		    ident_is(a->p, n, "xchg32_32") || ident_is(a->p, n, "cmpxchg_64") ||
		    ident_is(a->p, n, "cmpxchg32_32"))
			return parse_katomic(a, dst, a->p, n);
		if (w32)
			return perr(a, at, "lddw needs a 64-bit register");
		if (parse_ld_value(a, dst, &pseudo))
			return -HIVE_EPARSE;
		return 0;
	}
	/* dst = imm: a mov, or an lddw ("ll", bpftool's "(18)", or a 64-bit value) */
	if (!w32) {
		const char *numat = a->p;
		uint64_t v;

		if (get_imm64(a, &v))
			return -HIVE_EPARSE;
		if (accept_word(a, "ll") || a->hint == HIVE_OP_LDDW ||
		    ((int64_t)v < INT32_MIN || (int64_t)v > (int64_t)UINT32_MAX)) {
			set_lddw(a, dst, 0, v);
			return 0;
		}
		a->p = numat;
	}
	if (get_imm32(a, &imm))
		return -HIVE_EPARSE;
	set1(a, cls | HIVE_MOV | HIVE_K, dst, 0, 0, imm);
	return 0;
}

/* A line that starts with a register: assignment or compound assignment. */
static int parse_kreg(struct asm_ctx *a)
{
	unsigned dst, src = 0;
	int w32, ws, op, sop, isreg, code;
	size_t n, sn;
	int32_t imm = 0;
	const char *at;

	if (get_reg(a, &dst, &w32))
		return -HIVE_EPARSE;
	skip_ws(a);
	at = a->p;
	op = match_op(a, asm_alu_op, &n);
	sop = match_op(a, asm_alu_sop, &sn);
	if (sop >= 0 && sn > n) {
		op = sop;
		n = sn;
	} else {
		sop = -1;
	}
	if (op < 0)
		return perr(a, at, "expected an assignment operator after the register");
	a->p += n;
	if (op == (HIVE_MOV >> 4))
		return parse_kassign(a, dst, w32);
	skip_ws(a);
	at = a->p;
	isreg = try_reg(a, &src, &ws);
	if (isreg < 0)
		return isreg;
	if (isreg && ws != w32)
		return perr(a, at, "operation mixes 32-bit and 64-bit registers");
	if (!isreg && get_imm32(a, &imm))
		return -HIVE_EPARSE;
	code = (w32 ? HIVE_ALU : HIVE_ALU64) | (op << 4) | (isreg ? HIVE_X : HIVE_K);
	if (isa_table[code].kind == HIVE_K_INVALID)
		return perr(a, at, "no such operation");
	set1(a, code, dst, src, sop >= 0 ? 1 : 0, imm);
	return 0;
}

/* ---- conformance / uBPF syntax ----------------------------------------- */

/* "[%rN+off]" */
static int parse_xmem(struct asm_ctx *a, unsigned *reg, int16_t *off)
{
	if (expect(a, "[") || parse_addr(a, reg, off) || expect(a, "]"))
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

	fetch = accept_word(a, "fetch");
	n = peek_ident(a);
	at = a->p;
	if (!n || n > 16)
		return perr(a, at, "expected an atomic operation after 'lock'");
	base = n;
	if (n > 2 && (!memcmp(at + n - 2, "32", 2) || !memcmp(at + n - 2, "64", 2))) {
		width = at[n - 2] == '3' ? 32 : 64;    /* add32, add64 */
		base = n - 2;
	}
	snprintf(name, sizeof(name), "%s%.*s", fetch ? "fetch_" : "", (int)base, at);
	imm = atomic_imm(name, strlen(name));
	if (imm < 0)
		return perr(a, at, "unknown atomic operation '%s%.*s'", fetch ? "fetch " : "",
			    (int)n, at);
	a->p += n;
	code = find_code(KM(ATOMIC), (unsigned)width, NULL, 0);
	if (parse_xmem(a, &dst, &off) || expect(a, ",") || get_xreg(a, &src))
		return -HIVE_EPARSE;
	set1(a, code, dst, src, off, imm);
	return 0;
}

/* "movsx<from><to> %rD, %rS": movsx864, movsx1632, movsx3264, ... */
static int parse_xmovsx(struct asm_ctx *a, const char *m, size_t n)
{
	unsigned dst, src;
	int from = 0, to = 0;

	if (ident_is(m, n, "movsx864") || ident_is(m, n, "movsx832"))
		from = 8;
	else if (ident_is(m, n, "movsx1664") || ident_is(m, n, "movsx1632"))
		from = 16;
	else if (ident_is(m, n, "movsx3264"))
		from = 32;
	else
		return perr(a, m, "unknown instruction '%.*s'", (int)(n > 32 ? 32 : n), m);
	to = !memcmp(m + n - 2, "64", 2) ? 64 : 32;
	a->p = m + n;
	if (get_xreg(a, &dst) || expect(a, ",") || get_xreg(a, &src))
		return -HIVE_EPARSE;
	set1(a, (to == 64 ? HIVE_ALU64 : HIVE_ALU) | HIVE_MOV | HIVE_X, dst, src, (int16_t)from, 0);
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
	if (ident_is(m, alpha, "swap"))                 /* bpf_conformance's name of bswap */
		code = find_code(KM(END), 0, "bswap", 5);
	else
		code = find_code(KM(END), 0, m, alpha);
	if (code < 0)
		return 0;
	width = ident_is(m + alpha, n - alpha, "16") ? 16 : ident_is(m + alpha, n - alpha, "32") ?
		32 : ident_is(m + alpha, n - alpha, "64") ? 64 : 0;
	if (!width)
		return perr(a, m, "byte swap width must be 16, 32 or 64");
	a->p = m + n;
	if (get_xreg(a, &dst))
		return -HIVE_EPARSE;
	set1(a, code, dst, 0, 0, width);
	return 1;
}

/* Operands by kind for a table mnemonic. */
static int parse_xoperands(struct asm_ctx *a, const char *m, size_t n, int off_sel)
{
	const uint32_t K = KM(ALU_K) | KM(DIV_K) | KM(JCC_K), X = KM(ALU_X) | KM(DIV_X) |
		KM(MOV_X) | KM(JCC_X);
	int code = find_code(~0u, 0, m, n), isreg;
	const struct isa_desc *d;
	unsigned dst = 0, src = 0;
	int32_t imm = 0;
	int16_t off = 0;
	int64_t delta;

	if (code < 0)
		return perr(a, m, "unknown instruction '%s%.*s'", off_sel ? "s" : "",
			    (int)(n > 32 ? 32 : n), m);
	d = &isa_table[code];
	if (off_sel && d->kind != HIVE_K_DIV_K && d->kind != HIVE_K_DIV_X)
		return perr(a, m, "unknown instruction 's%.*s'", (int)(n > 32 ? 32 : n), m);
	switch (d->kind) {
	case HIVE_K_ALU_K: case HIVE_K_ALU_X: case HIVE_K_DIV_K: case HIVE_K_DIV_X:
	case HIVE_K_MOV_X: case HIVE_K_JCC_K: case HIVE_K_JCC_X:
		/* op %rD, %rS|imm [, target] */
		if (get_xreg(a, &dst) || expect(a, ","))
			return -HIVE_EPARSE;
		isreg = try_reg(a, &src, NULL);
		if (isreg < 0 || (!isreg && get_imm32(a, &imm)))
			return -HIVE_EPARSE;
		code = find_code(isreg ? X : K, d->width, m, n);
		if (code < 0)
			return perr(a, m, "'%.*s' takes no %s operand", (int)n, m,
				    isreg ? "register" : "immediate");
		if (d->kind == HIVE_K_JCC_K || d->kind == HIVE_K_JCC_X) {
			if (expect(a, ",") || parse_target(a, INT16_MIN, INT16_MAX, &delta, FIX_OFF))
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
		if (get_imm32(a, &imm))
			return -HIVE_EPARSE;
		break;
	case HIVE_K_LDIND:   /* ldindw %rS, imm */
		if (get_xreg(a, &src) || expect(a, ",") || get_imm32(a, &imm))
			return -HIVE_EPARSE;
		break;
	case HIVE_K_LDX: case HIVE_K_LDXSX:   /* ldxw %rD, [%rS+off] */
		if (get_xreg(a, &dst) || expect(a, ",") || parse_xmem(a, &src, &off))
			return -HIVE_EPARSE;
		break;
	case HIVE_K_ST:      /* stw [%rD+off], imm */
		if (parse_xmem(a, &dst, &off) || expect(a, ",") || get_imm32(a, &imm))
			return -HIVE_EPARSE;
		break;
	case HIVE_K_STX:     /* stxw [%rD+off], %rS */
		if (parse_xmem(a, &dst, &off) || expect(a, ",") || get_xreg(a, &src))
			return -HIVE_EPARSE;
		break;
	default:
		return perr(a, m, "unknown instruction '%.*s'", (int)n, m);
	}
	set1(a, code, dst, src, off, imm);
	return 0;
}

/* A line that starts with a mnemonic. */
static int parse_xinsn(struct asm_ctx *a, const char *m, size_t n)
{
	unsigned dst;
	int64_t delta;
	int pseudo, r;

	a->p = m + n;
	if (ident_is(m, n, "lddw")) {
		if (get_xreg(a, &dst) || expect(a, ","))
			return -HIVE_EPARSE;
		return parse_ld_value(a, dst, &pseudo);
	}
	if (ident_is(m, n, "ja") || ident_is(m, n, "ja32")) {
		int j32 = n == 4;

		if (parse_target(a, j32 ? INT32_MIN : INT16_MIN, j32 ? INT32_MAX : INT16_MAX,
				 &delta, j32 ? FIX_IMM : FIX_OFF))
			return -HIVE_EPARSE;
		if (j32)
			set1(a, HIVE_OP_JA32, 0, 0, 0, (int32_t)delta);
		else
			set1(a, HIVE_OP_JA, 0, 0, (int16_t)delta, 0);
		return 0;
	}
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
	if (find_code(~0u, 0, m, n) < 0 && n > 2 && !memcmp(m + n - 2, "64", 2) &&
	    find_code(KM(ALU_K) | KM(NEG), 64, m, n - 2) >= 0)
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
		if (at_end(a)) {
			*done = 1;                           /* bpftool "opcodes" line */
			return 0;
		}
	} else if (isdigit((unsigned char)*s)) {
		while (isxdigit((unsigned char)CH(a, s)))
			s++;
		if (CH(a, s) == ':') {                   /* pc column */
			a->p = s + 1;
			skip_ws(a);
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
			skip_ws(a);
			if (CH(a, a->p) != '<')
				return perr(a, num, "unexpected number at start of line");
			/* llvm-objdump symbol: "0000000000000000 <name>:" */
			s = ++a->p;
			while (is_id(CH(a, s)))
				s++;
			if (s == a->p || CH(a, s) != '>' || CH(a, s + 1) != ':' || s + 2 != a->end)
				return perr(a, NULL, "expected '<symbol>:'");
			*done = 1;
			return add_label(a, a->p, (size_t)(s - a->p), a->cnt);
		}
	}
	skip_ws(a);
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
	size_t n = peek_ident(a);

	if (*a->p == '*') {
		a->p++;
		return parse_kstore(a);
	}
	if (!n)
		return perr(a, at, "expected an instruction, found '%.*s'", tok_len(a, at), at);
	if (accept_word(a, "if"))
		return parse_kif(a);
	if (accept_word(a, "goto") || accept_word(a, "gotol")) {
		int l = a->p - at == 5;
		int64_t delta;

		if (parse_target(a, l ? INT32_MIN : INT16_MIN, l ? INT32_MAX : INT16_MAX, &delta,
				 l ? FIX_IMM : FIX_OFF))
			return -HIVE_EPARSE;
		if (l)
			set1(a, HIVE_OP_JA32, 0, 0, 0, (int32_t)delta);
		else
			set1(a, HIVE_OP_JA, 0, 0, (int16_t)delta, 0);
		return 0;
	}
	if (accept_word(a, "call"))
		return parse_call(a);
	if (accept_word(a, "exit")) {
		set1(a, HIVE_OP_EXIT, 0, 0, 0, 0);
		return 0;
	}
	if (accept_word(a, "lock")) {
		skip_ws(a);
		return CH(a, a->p) == '*' ? parse_klock(a) : parse_xlock(a);
	}
	if (try_reg(a, &(unsigned){ 0 }, NULL) == 1) {
		a->p = at;
		return parse_kreg(a);
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
		return perr(a, a->line, "program too large (more than %u instructions)",
			    ASM_MAX_INSNS);
	if (grow((void **)&a->insns, &cap, a->cnt + (size_t)a->nins, sizeof(*a->insns)))
		return -ENOMEM;
	a->cap = (uint32_t)cap;
	if (a->hint >= 0 && a->ins[0].code != a->hint)
		return perr(a, a->hint_at, "opcode (%02x) does not match the instruction (%02x)",
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
	if (at_end(a))
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
	while ((n = peek_ident(a)) && CH(a, a->p + n) == ':') {
		r = add_label(a, a->p, n, a->cnt);
		if (r)
			return r;
		a->p += n + 1;
	}
	if (at_end(a))
		return a->hint >= 0 ? perr(a, a->hint_at, "opcode without an instruction") : 0;
	r = parse_insn(a);
	if (r)
		return r;
	if (!at_end(a))
		return perr(a, NULL, "unexpected '%.*s' after the instruction", tok_len(a, a->p),
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
