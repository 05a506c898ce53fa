/*
 * asm_lex.c - the assembler's tokens and the operands both syntaxes share:
 * registers ("r1", "w1", "%r1"), numbers (decimal or 0x, range-checked),
 * memory addresses ("r10 - 8"), jump targets ("+3", "pc-2", labels), the
 * 64-bit values of lddw (numbers, bpftool's map[id:N], the RFC 9669
 * map_by_fd(N) notation) and call operands. See asm_int.h for the
 * conventions and asm.c for the overview.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/asm_int.h"
#include "isa/asm_syntax.h"
#include "isa/isa.h"

/* Record the first error as "line L, column C: message"; returns -HIVE_EPARSE. */
int asm_perr(struct asm_ctx *a, const char *at, const char *fmt, ...)
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
int asm_tok_len(struct asm_ctx *a, const char *at)
{
	const char *s = at;

	while (s < a->end && !isspace((unsigned char)*s) && *s != ',' && s - at < 32)
		s++;
	return s == at ? (a->end > at ? 1 : 0) : (int)(s - at);
}

int asm_grow(void **arr, size_t *cap, size_t need, size_t elem)
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

void asm_skip_ws(struct asm_ctx *a)
{
	while (a->p < a->end && isspace((unsigned char)*a->p))
		a->p++;
}

int asm_at_end(struct asm_ctx *a)
{
	asm_skip_ws(a);
	return a->p >= a->end;
}

/* Consume the punctuation @s if it is next. */
int asm_accept(struct asm_ctx *a, const char *s)
{
	size_t n = strlen(s);

	asm_skip_ws(a);
	if ((size_t)(a->end - a->p) < n || memcmp(a->p, s, n))
		return 0;
	a->p += n;
	return 1;
}

int asm_expect(struct asm_ctx *a, const char *s)
{
	if (asm_accept(a, s))
		return 0;
	if (asm_at_end(a))
		return asm_perr(a, NULL, "expected '%s' at end of line", s);
	return asm_perr(a, NULL, "expected '%s' before '%.*s'", s, asm_tok_len(a, a->p), a->p);
}

/* The identifier at the cursor (not consumed); 0 if there is none. */
size_t asm_peek_ident(struct asm_ctx *a)
{
	const char *s;

	asm_skip_ws(a);
	s = a->p;
	if (!is_id0(CH(a, s)))
		return 0;
	while (is_id(CH(a, s)))
		s++;
	return (size_t)(s - a->p);
}

int asm_ident_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && !memcmp(s, word, n);
}

/* Consume the keyword @w if it is the next identifier. */
int asm_accept_word(struct asm_ctx *a, const char *w)
{
	size_t n = asm_peek_ident(a);

	if (!n || !asm_ident_is(a->p, n, w))
		return 0;
	a->p += n;
	return 1;
}

/*
 * A register: "r0".."r10", "w0".."w10", optionally "%"-prefixed.
 * Returns 1 and consumes it, 0 if no register stands here, or an error for a
 * register-looking token out of range ("r11", "%r99").
 */
int asm_try_reg(struct asm_ctx *a, unsigned *reg, int *w32)
{
	const char *s, *start;
	unsigned v = 0;
	int digits = 0;

	asm_skip_ws(a);
	start = s = a->p;
	if (CH(a, s) == '%')
		s++;
	if (CH(a, s) != 'r' && CH(a, s) != 'w')
		return *start == '%' && start < a->end ? asm_perr(a, start, "bad register '%.*s'",
							     asm_tok_len(a, start), start) : 0;
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
		return *start == '%' ? asm_perr(a, start, "bad register '%.*s'", asm_tok_len(a, start),
					    start) : 0;
	/* r11 only in bpftool xlated lines: the kernel's auxiliary register */
	if (v > (a->hint >= 0 ? KERNEL_REG_AX : HIVE_REG_FP))
		return asm_perr(a, start, "invalid register '%.*s' (r0-r10)", (int)(s - start), start);
	*reg = v;
	a->p = s;
	return 1;
}

int asm_get_reg(struct asm_ctx *a, unsigned *reg, int *w32)
{
	int r = asm_try_reg(a, reg, w32);

	if (r < 0)
		return r;
	if (!r)
		return asm_at_end(a) ? asm_perr(a, NULL, "expected a register at end of line") :
			asm_perr(a, NULL, "expected a register, found '%.*s'", asm_tok_len(a, a->p), a->p);
	return 0;
}

/*
 * A number: optional sign, decimal or 0x-hex digits, up to 64 bits of
 * magnitude. Returns 1 and consumes it, 0 if no number stands here, or an
 * error for overflow or trailing letters.
 */
int asm_try_num(struct asm_ctx *a, int *neg, uint64_t *mag)
{
	const char *s, *start;
	unsigned base = 10, d;
	uint64_t v = 0;

	asm_skip_ws(a);
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
			return asm_perr(a, start, "number '%.*s' is too large",
				    (int)(s - start) > 32 ? 32 : (int)(s - start), start);
		}
		v = v * base + d;
	}
	if (is_id(CH(a, s)))
		return asm_perr(a, start, "bad number '%.*s'", asm_tok_len(a, start), start);
	*mag = v;
	a->p = s;
	return 1;
}

/* A number that must be there: sign and magnitude, and where it starts. */
static int need_num(struct asm_ctx *a, int *neg, uint64_t *mag, const char **at,
		    const char *what)
{
	int r;

	asm_skip_ws(a);
	*at = a->p;
	r = asm_try_num(a, neg, mag);
	if (r < 0)
		return r;
	if (!r)
		return asm_at_end(a) ? asm_perr(a, NULL, "expected %s at end of line", what) :
			asm_perr(a, *at, "expected %s, found '%.*s'", what, asm_tok_len(a, *at), *at);
	return 0;
}

/* A number in [min, max]; @what names it in errors. */
int asm_get_int(struct asm_ctx *a, int64_t min, int64_t max, int64_t *out, const char *what)
{
	const char *at;
	uint64_t mag;
	int neg;

	if (need_num(a, &neg, &mag, &at, what))
		return -HIVE_EPARSE;
	if (mag > (uint64_t)INT64_MAX + neg)
		goto range;
	*out = !neg ? (int64_t)mag : mag ? -(int64_t)(mag - 1) - 1 : 0;
	if (*out >= min && *out <= max)
		return 0;
range:
	return asm_perr(a, at, "%s '%.*s' out of range [%lld, %lld]", what,
		    (int)(a->p - at) > 32 ? 32 : (int)(a->p - at), at, (long long)min,
		    (long long)max);
}

/* A 32-bit immediate: signed, or the unsigned 32-bit pattern (0xffffffff = -1). */
int asm_get_imm32(struct asm_ctx *a, int32_t *imm)
{
	int64_t v;
	int r = asm_get_int(a, INT32_MIN, UINT32_MAX, &v, "a 32-bit immediate");

	if (!r)
		*imm = (int32_t)(uint32_t)v;
	return r;
}

/* A 64-bit immediate: any value from -2^63 to 2^64 - 1. */
int asm_get_imm64(struct asm_ctx *a, uint64_t *v)
{
	const char *at;
	uint64_t mag;
	int neg;

	if (need_num(a, &neg, &mag, &at, "a 64-bit immediate"))
		return -HIVE_EPARSE;
	if (neg && mag > (uint64_t)1 << 63)
		return asm_perr(a, at, "64-bit immediate out of range");
	*v = neg ? -mag : mag;
	return 0;
}

/* ---- labels and fix-ups ------------------------------------------------ */

int asm_add_label(struct asm_ctx *a, const char *name, size_t len, uint32_t pc)
{
	struct label *l;

	if (asm_grow((void **)&a->labels, &a->caplabels, a->nlabels + 1, sizeof(*l)))
		return -ENOMEM;
	l = &a->labels[a->nlabels++];
	l->name = name;
	l->len = len;
	l->pc = pc;
	l->line = a->lineno;
	l->col = (unsigned)(name - a->line) + 1;
	return 0;
}

int asm_add_fixup(struct asm_ctx *a, const char *name, size_t len, enum fix_kind kind)
{
	struct fixup *f;

	if (asm_grow((void **)&a->fix, &a->capfix, a->nfix + 1, sizeof(*f)))
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

/* Helper id of @name (with or without the "bpf_" prefix), or -1. */
int32_t asm_helper_id(const char *name, size_t len)
{
	unsigned i;

	if (len > 4 && !memcmp(name, "bpf_", 4)) {
		name += 4;
		len -= 4;
	}
	for (i = 1; i < asm_helper_count; i++) {
		const char *h = asm_helper_name((int32_t)i);

		if (h && asm_ident_is(name, len, h))
			return (int32_t)i;
	}
	return -1;
}

/* ---- opcode lookup in isa_table ---------------------------------------- */

/* First opcode whose kind is in @kinds, of @width bits (0: any) and
 * mnemonic @mnem (NULL: any); -1 if none. */
int asm_find_code(uint32_t kinds, unsigned width, const char *mnem, size_t mlen)
{
	int c;

	for (c = 0; c < 256; c++) {
		const struct isa_desc *d = &isa_table[c];

		if (d->kind == HIVE_K_INVALID || !(kinds & (1u << d->kind)))
			continue;
		if (width && d->width != width)
			continue;
		if (mnem && !asm_ident_is(mnem, mlen, d->mnem))
			continue;
		return c;
	}
	return -1;
}

/* Atomic operation immediate named @name ("add", "fetch_or", "xchg", ...), or -1. */
int asm_atomic_imm(const char *name, size_t len)
{
	int imm;

	for (imm = 0; imm < 256; imm++) {
		const char *n = isa_atomic_name(imm);

		if (n && asm_ident_is(name, len, n))
			return imm;
	}
	return -1;
}

/* ---- instruction building ---------------------------------------------- */

void asm_set1(struct asm_ctx *a, int code, unsigned dst, unsigned src, int16_t off, int32_t imm)
{
	a->ins[0] = HIVE_INSN((uint8_t)code, dst, src, off, imm);
	a->nins = 1;
}

void asm_set_lddw(struct asm_ctx *a, unsigned dst, unsigned src, uint64_t v)
{
	a->ins[0] = HIVE_LD_IMM64_LO(dst, src, v);
	a->ins[1] = HIVE_LD_IMM64_HI(v);
	a->nins = 2;
}

/*
 * A jump target: "+N", "-N", "N", "pc+N" (an offset), or a label (recorded
 * as a fix-up of @kind). llvm-objdump's trailing "<LBB0_2>" is skipped.
 */
int asm_parse_target(struct asm_ctx *a, int64_t min, int64_t max, int64_t *delta,
		     enum fix_kind kind)
{
	size_t n = asm_peek_ident(a);
	const char *gt;
	int r;

	*delta = 0;
	if (n == 2 && !memcmp(a->p, "pc", 2) && (CH(a, a->p + 2) == '+' || CH(a, a->p + 2) == '-')) {
		a->p += 2;           /* bpftool's pc+N */
	} else if (n) {
		a->p += n;           /* a label */
		return asm_add_fixup(a, a->p - n, n, kind);
	}
	r = asm_get_int(a, min, max, delta, "a jump offset or label");
	if (r)
		return r;
	asm_skip_ws(a);
	if (CH(a, a->p) == '<' && (gt = memchr(a->p, '>', (size_t)(a->end - a->p))))
		a->p = gt + 1;       /* llvm-objdump: "goto +3 <LBB0_4>" */
	return 0;
}

/* Memory operand body "rN", "rN + off", "rN -off" (brackets handled by the caller). */
int asm_parse_addr(struct asm_ctx *a, unsigned *reg, int16_t *off)
{
	const char *at;
	int64_t v = 0;
	int neg, r;

	r = asm_get_reg(a, reg, NULL);
	if (r)
		return r;
	*off = 0;
	asm_skip_ws(a);
	if (CH(a, a->p) != '+' && CH(a, a->p) != '-')
		return 0;
	neg = *a->p == '-';
	a->p++;
	asm_skip_ws(a);
	at = a->p;
	r = asm_get_int(a, INT32_MIN, INT32_MAX, &v, "a 16-bit offset");
	if (r)
		return r;
	v = neg ? -v : v;
	if (v < INT16_MIN || v > INT16_MAX)
		return asm_perr(a, at, "offset %lld out of the 16-bit range", (long long)v);
	*off = (int16_t)v;
	return 0;
}

/* "(u32 *)" etc: returns the width in bits, *sign for s8/s16/s32. */
int asm_parse_ptr_type(struct asm_ctx *a, int *sign)
{
	const char *at;
	size_t n;
	int w;

	if (asm_expect(a, "("))
		return -HIVE_EPARSE;
	n = asm_peek_ident(a);
	at = a->p;
	if (n < 2 || (at[0] != 'u' && at[0] != 's'))
		return asm_perr(a, at, "expected a type u8/u16/u32/u64/s8/s16/s32");
	w = asm_ident_is(at + 1, n - 1, "8") ? 8 : asm_ident_is(at + 1, n - 1, "16") ? 16 :
	    asm_ident_is(at + 1, n - 1, "32") ? 32 : asm_ident_is(at + 1, n - 1, "64") ? 64 : 0;
	if (!w)
		return asm_perr(a, at, "unknown type '%.*s'", (int)n, at);
	*sign = at[0] == 's';
	a->p += n;
	if (asm_expect(a, "*") || asm_expect(a, ")"))
		return -HIVE_EPARSE;
	return w;
}

/* Load/store/atomic opcode for a kernel-syntax typed access. */
int asm_mem_code(struct asm_ctx *a, const char *at, uint32_t kinds, int width)
{
	int code = asm_find_code(kinds, (unsigned)width, NULL, 0);

	if (code < 0)
		return asm_perr(a, at, "no such %d-bit access", width);
	return code;
}

/* ---- lddw operands (both syntaxes) ------------------------------------- */

/* map_by_fd(N), map_by_idx(N): the inner call of map_val(). */
static int parse_map_ref(struct asm_ctx *a, unsigned *src, int32_t *imm, int value)
{
	const char *at;

	asm_skip_ws(a);
	at = a->p;
	if (asm_accept_word(a, "map_by_fd"))
		*src = value ? HIVE_PSEUDO_MAP_VALUE : HIVE_PSEUDO_MAP_FD;
	else if (asm_accept_word(a, "map_by_idx"))
		*src = value ? HIVE_PSEUDO_MAP_IDX_VALUE : HIVE_PSEUDO_MAP_IDX;
	else
		return asm_perr(a, at, "expected map_by_fd() or map_by_idx()");
	if (asm_expect(a, "(") || asm_get_imm32(a, imm) || asm_expect(a, ")"))
		return -HIVE_EPARSE;
	return 0;
}

/*
 * The value of an lddw: a 64-bit number, bpftool's map[id:N],
 * map[id:N][0]+OFF and subprog[+N], or the RFC 9669 notation map_by_fd(N),
 * map_val(map_by_fd(N)) + OFF, var_addr(N), code_addr(N|label),
 * map_by_idx(N), map_val(map_by_idx(N)) + OFF. The RFC forms may carry
 * "+ N" for the second immediate.
 */
int asm_parse_ld_value(struct asm_ctx *a, unsigned dst)
{
	unsigned src = 0;
	int32_t imm = 0, next = 0;
	int64_t delta = 0;
	uint64_t v;
	int r = 0, rfc = 1;

	if (asm_accept_word(a, "map")) {                       /* bpftool */
		rfc = 0;
		if (asm_expect(a, "[") || !asm_accept_word(a, "id") || asm_expect(a, ":") ||
		    asm_get_imm32(a, &imm) || asm_expect(a, "]"))
			return asm_perr(a, NULL, "expected map[id:N]");
		src = HIVE_PSEUDO_MAP_FD;
		if (asm_accept(a, "[")) {
			int64_t zero;

			if (asm_get_int(a, 0, 0, &zero, "0") || asm_expect(a, "]") || asm_expect(a, "+") ||
			    asm_get_imm32(a, &next))
				return -HIVE_EPARSE;
			src = HIVE_PSEUDO_MAP_VALUE;
		}
	} else if (asm_accept_word(a, "subprog")) {            /* bpftool */
		rfc = 0;
		src = HIVE_PSEUDO_FUNC;
		if (asm_expect(a, "[") || asm_parse_target(a, INT32_MIN, INT32_MAX, &delta, FIX_IMM) ||
		    asm_expect(a, "]"))
			return -HIVE_EPARSE;
		imm = (int32_t)delta;
	} else if (asm_accept_word(a, "map_val")) {
		if (asm_expect(a, "(") || parse_map_ref(a, &src, &imm, 1) || asm_expect(a, ")"))
			return -HIVE_EPARSE;
	} else if (asm_accept_word(a, "var_addr")) {
		src = HIVE_PSEUDO_BTF_ID;
		r = asm_expect(a, "(") || asm_get_imm32(a, &imm) || asm_expect(a, ")");
	} else if (asm_accept_word(a, "code_addr")) {
		src = HIVE_PSEUDO_FUNC;
		r = asm_expect(a, "(") || asm_parse_target(a, INT32_MIN, INT32_MAX, &delta, FIX_IMM) ||
		    asm_expect(a, ")");
		imm = (int32_t)delta;
	} else if (asm_peek_ident(a) > 6 && !memcmp(a->p, "map_by", 6)) {
		r = parse_map_ref(a, &src, &imm, 0);
	} else {
		if (asm_get_imm64(a, &v))
			return -HIVE_EPARSE;
		asm_set_lddw(a, dst, 0, v);
		return 0;
	}
	if (r)
		return -HIVE_EPARSE;
	if (rfc && asm_accept(a, "+") && asm_get_imm32(a, &next))
		return -HIVE_EPARSE;
	asm_set_lddw(a, dst, src, (uint32_t)imm | ((uint64_t)(uint32_t)next << 32));
	return 0;
}

/* ---- call (both syntaxes) ---------------------------------------------- */

/*
 * call N | call helper N | call runtime N | call local TARGET | call pc+N |
 * call NAME#N (bpftool) | call NAME (helper, or a label: local call).
 */
int asm_parse_call(struct asm_ctx *a)
{
	const char *name;
	int64_t delta;
	int32_t imm;
	size_t n;

	asm_set1(a, HIVE_OP_CALL, 0, 0, 0, 0);
	if (asm_accept_word(a, "local")) {
		a->ins[0].src = HIVE_PSEUDO_CALL;
		if (asm_parse_target(a, INT32_MIN, INT32_MAX, &delta, FIX_IMM))
			return -HIVE_EPARSE;
		a->ins[0].imm = (int32_t)delta;
		return 0;
	}
	if (asm_accept_word(a, "runtime")) {
		a->ins[0].src = HIVE_PSEUDO_KFUNC_CALL;
		return asm_get_imm32(a, &a->ins[0].imm);
	}
	asm_accept_word(a, "helper");
	n = asm_peek_ident(a);
	if (n == 2 && !memcmp(a->p, "pc", 2) && (CH(a, a->p + 2) == '+' || CH(a, a->p + 2) == '-')) {
		a->ins[0].src = HIVE_PSEUDO_CALL;          /* bpftool: call pc+N[#name] */
		a->p += 2;
		if (asm_get_imm32(a, &a->ins[0].imm))
			return -HIVE_EPARSE;
		if (CH(a, a->p) == '#')
			a->p = a->end;
		return 0;
	}
	if (!n) {
		const char *at = a->p;
		unsigned reg;

		if (asm_try_reg(a, &reg, NULL) > 0)
			return asm_perr(a, at, "call by register (callx) is not in RFC 9669");
		return asm_get_imm32(a, &a->ins[0].imm);    /* helper by number */
	}
	name = a->p;
	if (asm_ident_is(name, n, "kernel") && a->end - name >= 15 && !memcmp(name + 6, "-function", 9))
		n += 9;                                     /* the kernel's unnamed kfunc */
	a->p += n;
	if (CH(a, a->p) != '#')
		return asm_add_fixup(a, name, n, FIX_CALL);     /* helper or label: decided later */
	a->p++;                                             /* bpftool: name#imm */
	if (asm_get_imm32(a, &imm))
		return -HIVE_EPARSE;
	a->ins[0].imm = imm;
	if (asm_ident_is(name, n, "kernel-function") || (!asm_ident_is(name, n, "unknown") &&
						   asm_helper_id(name, n) < 0))
		a->ins[0].src = HIVE_PSEUDO_KFUNC_CALL;
	return 0;
}
