/*
 * asm_kern.c - the kernel / LLVM syntax of the assembler: the text of
 * kernel/bpf/disasm.c (bpftool, verifier logs) and of llvm-objdump.
 *
 *   r0 = 1   w1 s/= w2   r1 = (s8)r2   r1 = -r1   r1 = be16 r1
 *   r1 = *(u32 *)(r2 + 4)   *(u64 *)(r10 - 8) = r1   r0 = *(u8 *)skb[12]
 *   if r1 > 5 goto +2   lock *(u64 *)(r10 - 8) += r1
 *   r0 = atomic_fetch_add((u64 *)(r10 - 8), r0)   r0 = cmpxchg_64(r10 - 8, r0, r1)
 *
 * Operators map to op nibbles through the tables of asm_syntax.h; the opcode
 * they form is checked against isa_table.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/asm_int.h"
#include "isa/asm_syntax.h"
#include "isa/isa.h"

/* ---- kernel / LLVM syntax ---------------------------------------------- */

/* Longest operator of @tab (16 entries by op nibble) at the cursor. */
static int match_op(struct asm_ctx *a, const char *const *tab, size_t *len)
{
	int i, best = -1;

	asm_skip_ws(a);
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

/* The source operand: a register of width @w32 (returns 1) or an immediate (0). */
static int parse_src(struct asm_ctx *a, int w32, unsigned *src, int32_t *imm, const char *what)
{
	const char *at;
	int isreg, ws;

	asm_skip_ws(a);
	at = a->p;
	isreg = asm_try_reg(a, src, &ws);
	if (isreg < 0)
		return isreg;
	if (isreg && ws != w32)
		return asm_perr(a, at, "%s mixes 32-bit and 64-bit registers", what);
	if (!isreg && asm_get_imm32(a, imm))
		return -HIVE_EPARSE;
	return isreg;
}

/* "if DST OP SRC goto TARGET" */
int asm_parse_kif(struct asm_ctx *a)
{
	unsigned dst, src = 0;
	int w, op, isreg, r;
	int32_t imm = 0;
	int64_t delta;
	size_t n;
	int code;

	if (asm_get_reg(a, &dst, &w))
		return -HIVE_EPARSE;
	op = match_op(a, asm_jmp_op, &n);
	if (op < 0)
		return asm_perr(a, NULL, "expected a comparison (==, !=, >, s<, &, ...)");
	a->p += n;
	isreg = parse_src(a, w, &src, &imm, "comparison");
	if (isreg < 0)
		return isreg;
	if (!asm_accept_word(a, "goto"))
		return asm_perr(a, NULL, "expected 'goto'");
	r = asm_parse_target(a, INT16_MIN, INT16_MAX, &delta, FIX_OFF);
	if (r)
		return r;
	code = (w ? HIVE_JMP32 : HIVE_JMP) | (op << 4) | (isreg ? HIVE_X : HIVE_K);
	asm_set1(a, code, dst, src, (int16_t)delta, imm);
	return 0;
}

/* "(u32 *)(r10 - 8)": the access width in bits; *at is the type's position. */
static int typed_addr(struct asm_ctx *a, const char *what, unsigned *reg, int16_t *off,
		      const char **at)
{
	int width, sign;

	asm_skip_ws(a);
	*at = a->p;
	width = asm_parse_ptr_type(a, &sign);
	if (width < 0)
		return width;
	if (sign)
		return asm_perr(a, *at, "%s take unsigned types", what);
	if (asm_expect(a, "(") || asm_parse_addr(a, reg, off) || asm_expect(a, ")"))
		return -HIVE_EPARSE;
	return width;
}

/* "lock *(u64 *)(r10 - 8) += r1" */
int asm_parse_klock(struct asm_ctx *a)
{
	const char *at;
	unsigned dst, src;
	int16_t off;
	int width, op, imm, code;
	size_t n;

	if (asm_expect(a, "*"))
		return -HIVE_EPARSE;
	width = typed_addr(a, "atomic operations", &dst, &off, &at);
	if (width < 0)
		return width;
	code = asm_mem_code(a, at, KM(ATOMIC), width);
	if (code < 0)
		return code;
	asm_skip_ws(a);
	at = a->p;
	op = match_op(a, asm_alu_op, &n);
	imm = op < 0 ? -1 : op << 4;
	if (op < 0 || !isa_atomic_name(imm))
		return asm_perr(a, at, "expected an atomic operator (+=, &=, |=, ^=)");
	a->p += n;
	if (asm_get_reg(a, &src, NULL))
		return -HIVE_EPARSE;
	asm_set1(a, code, dst, src, off, imm);
	return 0;
}

/* "*(u32 *)(r10 - 4) = r1 | w1 | imm" */
int asm_parse_kstore(struct asm_ctx *a)
{
	const char *at;
	unsigned dst, src;
	int16_t off;
	int32_t imm;
	int width, isreg, code;

	width = typed_addr(a, "stores", &dst, &off, &at);
	if (width < 0 || asm_expect(a, "="))
		return -HIVE_EPARSE;
	isreg = asm_try_reg(a, &src, NULL);
	if (isreg < 0)
		return isreg;
	code = asm_mem_code(a, at, isreg ? KM(STX) : KM(ST), width);
	if (code < 0)
		return code;
	if (isreg) {
		asm_set1(a, code, dst, src, off, 0);
		return 0;
	}
	if (asm_get_imm32(a, &imm))
		return -HIVE_EPARSE;
	asm_set1(a, code, dst, 0, off, imm);
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

	width = asm_parse_ptr_type(a, &sign);
	if (width < 0)
		return width;
	if (asm_accept_word(a, "skb")) {                /* legacy packet access */
		if (dst != 0 || w32 || sign)
			return asm_perr(a, at, "packet loads are 'r0 = *(uN *)skb[...]'");
		if (asm_expect(a, "["))
			return -HIVE_EPARSE;
		isreg = asm_try_reg(a, &src, NULL);
		if (isreg < 0 || (isreg && asm_expect(a, "+")) || asm_get_imm32(a, &imm) || asm_expect(a, "]"))
			return -HIVE_EPARSE;
		code = asm_mem_code(a, at, isreg ? KM(LDIND) : KM(LDABS), width);
		if (code < 0)
			return code;
		asm_set1(a, code, 0, isreg ? src : 0, 0, imm);
		return 0;
	}
	if (w32 && width == 64)
		return asm_perr(a, at, "64-bit load into a 32-bit register");
	code = asm_mem_code(a, at, sign ? KM(LDXSX) : KM(LDX), width);
	if (code < 0 || asm_expect(a, "(") || asm_parse_addr(a, &src, &off) || asm_expect(a, ")"))
		return -HIVE_EPARSE;
	asm_set1(a, code, dst, src, off, 0);
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
			return asm_perr(a, name, "unknown atomic operation '%.*s'", (int)n, name);
		op++;
		oplen = n - (size_t)(op - name);
	} else if (asm_ident_is(name, n, "xchg_64") || asm_ident_is(name, n, "cmpxchg_64")) {
		width = 64;
		oplen = n - 3;
	} else if (asm_ident_is(name, n, "xchg32_32") || asm_ident_is(name, n, "cmpxchg32_32")) {
		width = 32;
		oplen = n - 5;
	}
	imm = asm_atomic_imm(op, oplen);
	if (imm < 0 || !(imm & HIVE_FETCH))
		return asm_perr(a, name, "unknown atomic operation '%.*s'", (int)n, name);
	a->p = name + n;
	if (asm_expect(a, "("))
		return -HIVE_EPARSE;
	asm_skip_ws(a);
	at = a->p;
	if (typed) {
		int tw = asm_parse_ptr_type(a, &sign);

		if (tw < 0)
			return tw;
		if (sign || (width && tw != width))
			return asm_perr(a, at, "pointer type does not match '%.*s'", (int)n, name);
		width = tw;
		if (asm_expect(a, "("))
			return -HIVE_EPARSE;
	}
	if (asm_parse_addr(a, &dst, &off) || (typed && asm_expect(a, ")")) || asm_expect(a, ","))
		return -HIVE_EPARSE;
	code = asm_mem_code(a, at, KM(ATOMIC), width);
	if (code < 0)
		return code;
	if (imm == HIVE_CMPXCHG) {
		asm_skip_ws(a);
		at = a->p;
		if (asm_get_reg(a, &cmp, NULL) || cmp != 0 || lhs != 0)
			return asm_perr(a, at, "cmpxchg compares and returns r0");
		if (asm_expect(a, ","))
			return -HIVE_EPARSE;
	}
	asm_skip_ws(a);
	at = a->p;
	if (asm_get_reg(a, &src, NULL) || asm_expect(a, ")"))
		return -HIVE_EPARSE;
	if (imm != HIVE_CMPXCHG && src != lhs)
		return asm_perr(a, at, "the result register must be the source register r%u", lhs);
	asm_set1(a, code, dst, src, off, imm);
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
	code = asm_find_code(KM(END), 0, name, alpha);
	if (code < 0 || alpha == n)
		return 0;
	a->p = name + alpha;
	if (asm_get_int(a, INT32_MIN, INT32_MAX, &width, "a byte swap width"))
		return -HIVE_EPARSE;
	if (width != 16 && width != 32 && width != 64)
		return asm_perr(a, name, "byte swap width must be 16, 32 or 64");
	if (asm_get_reg(a, &src, NULL))
		return -HIVE_EPARSE;
	if (src != dst)
		return asm_perr(a, name, "byte swaps work in place: use r%u on both sides", dst);
	asm_set1(a, code, dst, 0, 0, (int32_t)width);
	return 1;
}

/* "DST = ..." : everything that assigns to a register. */
static int parse_kassign(struct asm_ctx *a, unsigned dst, int w32)
{
	const char *at;
	unsigned src;
	int cls = w32 ? HIVE_ALU : HIVE_ALU64;
	int r, ws;
	int32_t imm;
	size_t n;

	asm_skip_ws(a);
	at = a->p;
	if (CH(a, a->p) == '-' && !isdigit((unsigned char)CH(a, a->p + 1))) {
		a->p++;                                    /* dst = -dst */
		if (asm_get_reg(a, &src, &ws))
			return -HIVE_EPARSE;
		if (src != dst || ws != w32)
			return asm_perr(a, at, "negation works in place: use %c%u on both sides",
				    w32 ? 'w' : 'r', dst);
		asm_set1(a, cls | HIVE_NEG, dst, 0, 0, 0);
		return 0;
	}
	if (CH(a, a->p) == '(') {                          /* dst = (s8)src */
		int64_t bits;

		a->p++;
		asm_skip_ws(a);
		if (CH(a, a->p) != 's')
			return asm_perr(a, NULL, "expected (s8), (s16) or (s32)");
		a->p++;
		if (asm_get_int(a, 8, 32, &bits, "a sign-extension width") || asm_expect(a, ")"))
			return -HIVE_EPARSE;
		if (bits != 8 && bits != 16 && !(bits == 32 && !w32))
			return asm_perr(a, at, "no such sign extension");
		if (asm_get_reg(a, &src, &ws))
			return -HIVE_EPARSE;
		if (ws != w32)
			return asm_perr(a, at, "mov mixes 32-bit and 64-bit registers");
		asm_set1(a, cls | HIVE_MOV | HIVE_X, dst, src, (int16_t)bits, 0);
		return 0;
	}
	if (CH(a, a->p) == '*') {                          /* load */
		a->p++;
		return parse_kload(a, dst, w32);
	}
	r = asm_try_reg(a, &src, &ws);
	if (r < 0)
		return r;
	if (r) {                                           /* dst = src */
		if (ws != w32)
			return asm_perr(a, at, "mov mixes 32-bit and 64-bit registers");
		asm_set1(a, cls | HIVE_MOV | HIVE_X, dst, src, 0, 0);
		return 0;
	}
	n = asm_peek_ident(a);
	if (n) {
		r = parse_kend(a, dst, a->p, n);
		if (r)
			return r < 0 ? r : 0;
		if ((n > 6 && !memcmp(a->p, "atomic", 6)) || asm_ident_is(a->p, n, "xchg_64") ||
		    asm_ident_is(a->p, n, "xchg32_32") || asm_ident_is(a->p, n, "cmpxchg_64") ||
		    asm_ident_is(a->p, n, "cmpxchg32_32"))
			return parse_katomic(a, dst, a->p, n);
		if (w32)
			return asm_perr(a, at, "lddw needs a 64-bit register");
		if (asm_parse_ld_value(a, dst))
			return -HIVE_EPARSE;
		return 0;
	}
	/* dst = imm: a mov, or an lddw ("ll", bpftool's "(18)", or a 64-bit value) */
	if (!w32) {
		const char *numat = a->p;
		uint64_t v;

		if (asm_get_imm64(a, &v))
			return -HIVE_EPARSE;
		if (asm_accept_word(a, "ll") || a->hint == HIVE_OP_LDDW ||
		    ((int64_t)v < INT32_MIN || (int64_t)v > (int64_t)UINT32_MAX)) {
			asm_set_lddw(a, dst, 0, v);
			return 0;
		}
		a->p = numat;
	}
	if (asm_get_imm32(a, &imm))
		return -HIVE_EPARSE;
	asm_set1(a, cls | HIVE_MOV | HIVE_K, dst, 0, 0, imm);
	return 0;
}

/* A line that starts with a register: assignment or compound assignment. */
int asm_parse_kreg(struct asm_ctx *a)
{
	unsigned dst, src = 0;
	int w32, op, sop, isreg, code;
	size_t n, sn;
	int32_t imm = 0;
	const char *at;

	if (asm_get_reg(a, &dst, &w32))
		return -HIVE_EPARSE;
	asm_skip_ws(a);
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
		return asm_perr(a, at, "expected an assignment operator after the register");
	a->p += n;
	if (op == (HIVE_MOV >> 4))
		return parse_kassign(a, dst, w32);
	isreg = parse_src(a, w32, &src, &imm, "operation");
	if (isreg < 0)
		return isreg;
	code = (w32 ? HIVE_ALU : HIVE_ALU64) | (op << 4) | (isreg ? HIVE_X : HIVE_K);
	if (isa_table[code].kind == HIVE_K_INVALID)
		return asm_perr(a, at, "no such operation");
	asm_set1(a, code, dst, src, sop >= 0 ? 1 : 0, imm);
	return 0;
}
