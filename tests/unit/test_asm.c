/*
 * test_asm.c - the assembler: every opcode of isa_table and every sub-form
 * (sdiv/smod, movsx widths, atomics, byte swaps, lddw pseudo sources, call
 * kinds) goes bytes -> text -> bytes in both styles; then the spellings of
 * both syntaxes against hand-encoded instructions, error positions, hostile
 * input, and pasted bpftool / llvm-objdump listings.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "hive/hive_asm.h"
#include "isa/isa.h"
#include "util/util.h"

/* ---- generated round trips --------------------------------------------- */

#define MAXV 64

/* The instructions to try for opcode @code: the sub-forms its kind allows,
 * with register, offset and immediate extremes. Returns the number of
 * variants (each 2 slots wide; slot 1 used by lddw only). */
static int variants(int code, struct hive_insn v[][2])
{
	const struct isa_desc *d = isa_desc((uint8_t)code);
	static const int32_t imms[] = { 0, 1, -1, 10, -10, 11, 0x7fffffff, INT32_MIN, 0xdead };
	static const int16_t offs[] = { 0, 1, -1, 0x7fff, INT16_MIN, -8 };
	int n = 0, i, s;

#define ADD(dst, src, off, imm) \
	(v[n][0] = HIVE_INSN((uint8_t)code, dst, src, off, imm), v[n][1] = HIVE_INSN(0, 0, 0, 0, 0), n++)
	switch (d->kind) {
	case HIVE_K_ALU_K:
		for (i = 0; i < (int)HIVE_ARRAY_SIZE(imms); i++)
			ADD(i % 11, 0, 0, imms[i]);
		ADD(10, 0, 0, 3);                               /* writes r10: still encodable */
		break;
	case HIVE_K_ALU_X:
		ADD(0, 10, 0, 0);
		ADD(9, 3, 0, 0);
		break;
	case HIVE_K_DIV_K:
		for (s = 0; s <= 1; s++)                        /* div/mod and sdiv/smod */
			for (i = 0; i < (int)HIVE_ARRAY_SIZE(imms); i++)
				ADD(i % 10, 0, (int16_t)s, imms[i]);
		break;
	case HIVE_K_DIV_X:
		ADD(1, 2, 0, 0);
		ADD(1, 2, 1, 0);
		break;
	case HIVE_K_MOV_X:                                      /* mov and movsx */
		ADD(1, 2, 0, 0);
		ADD(1, 2, 8, 0);
		ADD(1, 2, 16, 0);
		if (d->width == 64)
			ADD(1, 2, 32, 0);
		break;
	case HIVE_K_NEG:
		ADD(0, 0, 0, 0);
		ADD(9, 0, 0, 0);
		break;
	case HIVE_K_END:
		ADD(1, 0, 0, 16);
		ADD(2, 0, 0, 32);
		ADD(3, 0, 0, 64);
		break;
	case HIVE_K_JA:
		for (i = 0; i < (int)HIVE_ARRAY_SIZE(offs); i++)
			ADD(0, 0, offs[i], 0);
		break;
	case HIVE_K_JA32:
		for (i = 0; i < (int)HIVE_ARRAY_SIZE(imms); i++)
			ADD(0, 0, 0, imms[i]);
		break;
	case HIVE_K_JCC_K:
		for (i = 0; i < (int)HIVE_ARRAY_SIZE(imms); i++)
			ADD(i % 11, 0, offs[i % HIVE_ARRAY_SIZE(offs)], imms[i]);
		break;
	case HIVE_K_JCC_X:
		for (i = 0; i < (int)HIVE_ARRAY_SIZE(offs); i++)
			ADD(i % 11, 10 - i, offs[i], 0);
		break;
	case HIVE_K_CALL:
		ADD(0, 0, 0, 1);                                /* helper by name */
		ADD(0, 0, 0, 12);
		ADD(0, 0, 0, 100000);                           /* unknown helper */
		ADD(0, 0, 0, -1);
		ADD(0, HIVE_PSEUDO_CALL, 0, 5);                 /* local call */
		ADD(0, HIVE_PSEUDO_CALL, 0, -3);
		ADD(0, HIVE_PSEUDO_KFUNC_CALL, 0, 77777);       /* kfunc by BTF id */
		break;
	case HIVE_K_EXIT:
		ADD(0, 0, 0, 0);
		break;
	case HIVE_K_LDDW:                                       /* every pseudo source */
		for (s = 0; s <= HIVE_PSEUDO_MAP_IDX_VALUE; s++) {
			ADD(s % 11, (unsigned)s, 0, s ? 5 : 0x12345678);
			v[n - 1][1].imm = s == 0 ? (int32_t)0x9abcdef0 : 0;
			ADD(1, (unsigned)s, 0, -7);
			v[n - 1][1].imm = 16;                   /* value offset / second imm */
		}
		break;
	case HIVE_K_LDABS:
		ADD(0, 0, 0, 12);
		ADD(0, 0, 0, -1);
		break;
	case HIVE_K_LDIND:
		ADD(0, 3, 0, 12);
		ADD(0, 10, 0, INT32_MIN);
		break;
	case HIVE_K_LDX:
	case HIVE_K_LDXSX:
	case HIVE_K_STX:
		for (i = 0; i < (int)HIVE_ARRAY_SIZE(offs); i++)
			ADD(i % 11, 10 - i, offs[i], 0);
		break;
	case HIVE_K_ST:
		for (i = 0; i < (int)HIVE_ARRAY_SIZE(offs); i++)
			ADD(10 - i, 0, offs[i], imms[i]);
		break;
	case HIVE_K_ATOMIC:                                     /* every atomic operation */
		for (i = 0; i < 256; i++)
			if (isa_atomic_name(i))
				ADD(i % 11, 10 - i % 11, offs[i % HIVE_ARRAY_SIZE(offs)], i);
		break;
	}
#undef ADD
	return n;
}

/* Bytes -> text (@style, @flags) -> bytes; returns 0 if identical. */
static int roundtrip(const struct hive_insn *prog, uint32_t cnt, enum hive_disasm_style style,
		     unsigned flags, char *why, size_t whylen)
{
	struct hive_insn *back = NULL;
	char *text = NULL, err[256];
	uint32_t bcnt = 0;
	int r, same;

	r = hive_disasm(prog, cnt, style, flags, &text);
	if (r) {
		snprintf(why, whylen, "disasm failed: %d", r);
		return -1;
	}
	r = hive_asm(text, &back, &bcnt, err, sizeof(err));
	same = !r && bcnt == cnt && !memcmp(back, prog, cnt * sizeof(*prog));
	if (r)
		snprintf(why, whylen, "'%.80s' -> %.80s", text, err);
	else if (!same)
		snprintf(why, whylen, "'%.80s' reads back differently", text);
	free(text);
	free(back);
	return same ? 0 : -1;
}

TEST(asm_roundtrip_every_opcode_and_subform)
{
	struct hive_insn v[MAXV * 4][2];
	int code, covered = 0, forms = 0, i;
	char why[256];

	for (code = 0; code < 256; code++) {
		int n;

		if (isa_desc((uint8_t)code)->kind == HIVE_K_INVALID)
			continue;
		n = variants(code, v);
		CHECK(n > 0);
		covered++;
		for (i = 0; i < n; i++) {
			uint32_t cnt = isa_is_lddw(&v[i][0]) ? 2 : 1;
			unsigned flags;
			int style;

			REQUIRE(isa_check_insn(v[i], cnt, 0, why, sizeof(why)) == 0 ||
				v[i][0].dst == HIVE_REG_FP);
			for (style = 0; style <= 1; style++)
				for (flags = 0; flags <= 3; flags++)
					if (roundtrip(v[i], cnt, (enum hive_disasm_style)style,
						      flags, why, sizeof(why)))
						test_fail(__FILE__, __LINE__,
							  "opcode 0x%02x variant %d style %d: %s",
							  code, i, style, why);
			forms++;
		}
	}
	CHECK_EQ(covered, HIVE_NUM_OPCODES);
	CHECK(forms > 400);
}

/* Text of the other style reads back too: XLATED text, then CONFORMANCE. */
TEST(asm_disasm_insn_matches_program_lines)
{
	struct hive_insn p[4] = {
		HIVE_MOV64_IMM(0, 7), HIVE_LD_IMM64_LO(1, 0, 0x1122334455667788ull),
		HIVE_LD_IMM64_HI(0x1122334455667788ull), HIVE_EXIT_INSN(),
	};
	char buf[128], *all = NULL;

	CHECK_EQ(hive_disasm_insn(p, 4, 0, HIVE_DISASM_XLATED, buf, sizeof(buf)), 1);
	CHECK_STR(buf, "(b7) r0 = 7");
	CHECK_EQ(hive_disasm_insn(p, 4, 1, HIVE_DISASM_XLATED, buf, sizeof(buf)), 2);
	CHECK_STR(buf, "(18) r1 = 0x1122334455667788");
	CHECK_EQ(hive_disasm_insn(p, 4, 1, HIVE_DISASM_CONFORMANCE, buf, sizeof(buf)), 2);
	CHECK_STR(buf, "lddw %r1, 0x1122334455667788");
	CHECK_EQ(hive_disasm_insn(p, 2, 1, HIVE_DISASM_XLATED, buf, sizeof(buf)), -EINVAL);
	CHECK_EQ(hive_disasm_insn(p, 4, 4, HIVE_DISASM_XLATED, buf, sizeof(buf)), -EINVAL);
	CHECK_EQ(hive_disasm_insn(p, 4, 0, (enum hive_disasm_style)7, buf, sizeof(buf)), -EINVAL);
	/* truncation like snprintf, and a NULL buffer only counts */
	CHECK_EQ(hive_disasm_insn(p, 4, 0, HIVE_DISASM_XLATED, buf, 5), 1);
	CHECK_STR(buf, "(b7)");
	CHECK_EQ(hive_disasm_insn(p, 4, 0, HIVE_DISASM_XLATED, NULL, 0), 1);

	REQUIRE(hive_disasm(p, 4, HIVE_DISASM_XLATED, 0, &all) == 0);
	CHECK_STR(all, "   0: (b7) r0 = 7\n   1: (18) r1 = 0x1122334455667788\n   3: (95) exit\n");
	free(all);
	REQUIRE(hive_disasm(p, 4, HIVE_DISASM_XLATED, HIVE_DISASM_OPCODES, &all) == 0);
	CHECK_STR(all, "   0: (b7) r0 = 7\n       b7 00 00 00 07 00 00 00\n"
		       "   1: (18) r1 = 0x1122334455667788\n"
		       "       18 01 00 00 88 77 66 55 00 00 00 00 44 33 22 11\n"
		       "   3: (95) exit\n       95 00 00 00 00 00 00 00\n");
	free(all);
	REQUIRE(hive_disasm(p, 4, HIVE_DISASM_CONFORMANCE, 0, &all) == 0);
	CHECK_STR(all, "mov %r0, 7\nlddw %r1, 0x1122334455667788\nexit\n");
	free(all);
	CHECK_EQ(hive_disasm(p, 4, HIVE_DISASM_XLATED, 0, NULL), -EINVAL);
	p[0].code = 0xff;
	CHECK_EQ(hive_disasm(p, 4, HIVE_DISASM_XLATED, 0, &all), -EINVAL);
	CHECK(all == NULL);
}

/* Random instructions: whatever the CONFORMANCE printer accepts round-trips. */
TEST(asm_roundtrip_random_instructions)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	int i, tried = 0;
	char why[256];

	for (i = 0; i < 30000; i++) {
		struct hive_insn p[2];
		char buf[160];

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(p, &x, 8);
		memcpy(&p[1], (uint64_t[]){ (x >> 32) * 0x100000000ull }, 8);
		p[0].code = (uint8_t)(x >> 56);            /* spread over all opcode bytes */
		if (hive_disasm_insn(p, 2, 0, HIVE_DISASM_CONFORMANCE, buf, sizeof(buf)) < 0)
			continue;
		tried++;
		if (roundtrip(p, isa_is_lddw(p) ? 2 : 1, HIVE_DISASM_CONFORMANCE, 0, why,
			      sizeof(why)) ||
		    roundtrip(p, isa_is_lddw(p) ? 2 : 1, HIVE_DISASM_XLATED, 0, why, sizeof(why)))
			test_fail(__FILE__, __LINE__, "random insn %d: %s", i, why);
	}
	CHECK(tried > 100);
}

/* ---- spellings --------------------------------------------------------- */

struct spelling {
	const char *text;
	struct hive_insn insn[2];
};

#define I HIVE_INSN
static const struct spelling spellings[] = {
	/* bpf_conformance / uBPF */
	{ "mov32 %r0, 1", { I(0xb4, 0, 0, 0, 1) } },
	{ "mov %r1, 0xffffffff", { I(0xb7, 1, 0, 0, -1) } },
	{ "mov r1, r2", { I(0xbf, 1, 2, 0, 0) } },
	{ "add64 %r1, 2", { I(0x07, 1, 0, 0, 2) } },
	{ "ldxdw %r1, [%r10-8]", { I(0x79, 1, 10, -8, 0) } },
	{ "ldxw %r1, [%r2]", { I(0x61, 1, 2, 0, 0) } },
	{ "ldxsb %r1, [%r2+4]", { I(0x91, 1, 2, 4, 0) } },
	{ "ldxsh %r1, [%r2 - 2]", { I(0x89, 1, 2, -2, 0) } },
	{ "stxw [%r1+4], %r2", { I(0x63, 1, 2, 4, 0) } },
	{ "stdw [%r10-4], 0x44332211", { I(0x7a, 10, 0, -4, 0x44332211) } },
	{ "lock add [%r10-8], %r1", { I(0xdb, 10, 1, -8, 0x00) } },
	{ "lock add32 [%r1+0], %r2", { I(0xc3, 1, 2, 0, 0x00) } },
	{ "lock fetch add [%r10-8], %r1", { I(0xdb, 10, 1, -8, 0x01) } },
	{ "lock fetch xor32 [%r10-8], %r1", { I(0xc3, 10, 1, -8, 0xa1) } },
	{ "lock xchg [%r10-8], %r1", { I(0xdb, 10, 1, -8, 0xe1) } },
	{ "lock cmpxchg32 [%r10-8], %r1", { I(0xc3, 10, 1, -8, 0xf1) } },
	{ "jne %r0, %r1, +2", { I(0x5d, 0, 1, 2, 0) } },
	{ "jsgt32 %r0, -1, -3", { I(0x66, 0, 0, -3, -1) } },
	{ "ja -1", { I(0x05, 0, 0, -1, 0) } },
	{ "ja32 +70000", { I(0x06, 0, 0, 0, 70000) } },
	{ "lddw %r0, 0x123456789", { I(0x18, 0, 0, 0, 0x23456789), I(0, 0, 0, 0, 1) } },
	{ "lddw %r1, map_by_fd(3)", { I(0x18, 1, 1, 0, 3), I(0, 0, 0, 0, 0) } },
	{ "lddw %r1, map_val(map_by_fd(3)) + 8", { I(0x18, 1, 2, 0, 3), I(0, 0, 0, 0, 8) } },
	{ "lddw %r1, var_addr(99)", { I(0x18, 1, 3, 0, 99), I(0, 0, 0, 0, 0) } },
	{ "lddw %r1, code_addr(-4)", { I(0x18, 1, 4, 0, -4), I(0, 0, 0, 0, 0) } },
	{ "lddw %r1, map_by_idx(0)", { I(0x18, 1, 5, 0, 0), I(0, 0, 0, 0, 0) } },
	{ "lddw %r1, map_val(map_by_idx(2)) + 4", { I(0x18, 1, 6, 0, 2), I(0, 0, 0, 0, 4) } },
	{ "call 1", { I(0x85, 0, 0, 0, 1) } },
	{ "call helper 5", { I(0x85, 0, 0, 0, 5) } },
	{ "call local +3", { I(0x85, 0, 1, 0, 3) } },
	{ "call runtime 7", { I(0x85, 0, 2, 0, 7) } },
	{ "exit", { I(0x95, 0, 0, 0, 0) } },
	{ "be16 %r0", { I(0xdc, 0, 0, 0, 16) } },
	{ "le32 %r3", { I(0xd4, 3, 0, 0, 32) } },
	{ "bswap64 %r0", { I(0xd7, 0, 0, 0, 64) } },
	{ "swap16 %r1", { I(0xd7, 1, 0, 0, 16) } },
	{ "neg %r2", { I(0x87, 2, 0, 0, 0) } },
	{ "neg32 %r2", { I(0x84, 2, 0, 0, 0) } },
	{ "sdiv %r0, %r1", { I(0x3f, 0, 1, 1, 0) } },
	{ "sdiv32 %r0, 3", { I(0x34, 0, 0, 1, 3) } },
	{ "smod %r0, -3", { I(0x97, 0, 0, 1, -3) } },
	{ "smod32 %r0, %r4", { I(0x9c, 0, 4, 1, 0) } },
	{ "movsx864 %r0, %r1", { I(0xbf, 0, 1, 8, 0) } },
	{ "movsx1664 %r0, %r1", { I(0xbf, 0, 1, 16, 0) } },
	{ "movsx3264 %r0, %r1", { I(0xbf, 0, 1, 32, 0) } },
	{ "movsx832 %r0, %r1", { I(0xbc, 0, 1, 8, 0) } },
	{ "movsx1632 %r0, %r1", { I(0xbc, 0, 1, 16, 0) } },
	{ "ldabsh 12", { I(0x28, 0, 0, 0, 12) } },
	{ "ldindb %r3, 2", { I(0x50, 0, 3, 0, 2) } },
	/* kernel / LLVM / bpftool */
	{ "r0 = 1", { I(0xb7, 0, 0, 0, 1) } },
	{ "w0 = 1", { I(0xb4, 0, 0, 0, 1) } },
	{ "r0 += r1", { I(0x0f, 0, 1, 0, 0) } },
	{ "w1 s/= w2", { I(0x3c, 1, 2, 1, 0) } },
	{ "r1 s%= 5", { I(0x97, 1, 0, 1, 5) } },
	{ "r1 s>>= 3", { I(0xc7, 1, 0, 0, 3) } },
	{ "r1 = (s8)r2", { I(0xbf, 1, 2, 8, 0) } },
	{ "w1 = (s16)w2", { I(0xbc, 1, 2, 16, 0) } },
	{ "r1 = -r1", { I(0x87, 1, 0, 0, 0) } },
	{ "w1 = -w1", { I(0x84, 1, 0, 0, 0) } },
	{ "r1 = -5", { I(0xb7, 1, 0, 0, -5) } },
	{ "*(u64 *)(r10 - 8) = r1", { I(0x7b, 10, 1, -8, 0) } },
	{ "*(u32 *)(r10 -4) = w1", { I(0x63, 10, 1, -4, 0) } },
	{ "*(u16 *)(r10 +2) = -3", { I(0x6a, 10, 0, 2, -3) } },
	{ "r1 = *(u32 *)(r2 + 4)", { I(0x61, 1, 2, 4, 0) } },
	{ "w1 = *(u8 *)(r2 + 0)", { I(0x71, 1, 2, 0, 0) } },
	{ "r1 = *(s16 *)(r2 + 4)", { I(0x89, 1, 2, 4, 0) } },
	{ "r1 = *(u64 *)(r10 - 0x8)", { I(0x79, 1, 10, -8, 0) } },
	{ "r0 = *(u8 *)skb[10]", { I(0x30, 0, 0, 0, 10) } },
	{ "r0 = *(u32 *)skb[r3 + -2]", { I(0x40, 0, 3, 0, -2) } },
	{ "if r1 > 5 goto +2", { I(0x25, 1, 0, 2, 5) } },
	{ "if r1 & 0x5 goto pc-1", { I(0x45, 1, 0, -1, 5) } },
	{ "if w1 s< w2 goto -3", { I(0xce, 1, 2, -3, 0) } },
	{ "if r1 == 0x3 goto +0x3 <LBB0_4>", { I(0x15, 1, 0, 3, 3) } },
	{ "goto +3", { I(0x05, 0, 0, 3, 0) } },
	{ "gotol +3", { I(0x06, 0, 0, 0, 3) } },
	{ "call bpf_map_lookup_elem", { I(0x85, 0, 0, 0, 1) } },
	{ "call ktime_get_ns", { I(0x85, 0, 0, 0, 5) } },
	{ "call 12", { I(0x85, 0, 0, 0, 12) } },
	{ "call pc+3", { I(0x85, 0, 1, 0, 3) } },
	{ "call bpf_map_lookup_elem#1", { I(0x85, 0, 0, 0, 1) } },
	{ "call unknown#300", { I(0x85, 0, 0, 0, 300) } },
	{ "call kernel-function#1234", { I(0x85, 0, 2, 0, 1234) } },
	{ "call bpf_obj_new_impl#54321", { I(0x85, 0, 2, 0, 54321) } },
	{ "r0 = 0x1234 ll", { I(0x18, 0, 0, 0, 0x1234), I(0, 0, 0, 0, 0) } },
	{ "r2 = 0x123456789", { I(0x18, 2, 0, 0, 0x23456789), I(0, 0, 0, 0, 1) } },
	{ "r1 = map[id:5]", { I(0x18, 1, 1, 0, 5), I(0, 0, 0, 0, 0) } },
	{ "r1 = map[id:5][0]+16", { I(0x18, 1, 2, 0, 5), I(0, 0, 0, 0, 16) } },
	{ "r1 = subprog[+4]", { I(0x18, 1, 4, 0, 4), I(0, 0, 0, 0, 0) } },
	{ "r1 = be16 r1", { I(0xdc, 1, 0, 0, 16) } },
	{ "r1 = le64 r1", { I(0xd4, 1, 0, 0, 64) } },
	{ "r1 = bswap64 r1", { I(0xd7, 1, 0, 0, 64) } },
	{ "lock *(u64 *)(r10 - 8) += r1", { I(0xdb, 10, 1, -8, 0x00) } },
	{ "lock *(u32 *)(r1 + 0) ^= w2", { I(0xc3, 1, 2, 0, 0xa0) } },
	{ "r0 = atomic_fetch_add((u64 *)(r10 - 8), r0)", { I(0xdb, 10, 0, -8, 0x01) } },
	{ "r3 = atomic64_fetch_and((u64 *)(r1 +4), r3)", { I(0xdb, 1, 3, 4, 0x51) } },
	{ "w3 = atomic_fetch_or((u32*)(r1+0x10),w3)", { I(0xc3, 1, 3, 16, 0x41) } },
	{ "r0 = xchg_64(r10 - 8, r0)", { I(0xdb, 10, 0, -8, 0xe1) } },
	{ "w2 = xchg32_32(r10 - 8, w2)", { I(0xc3, 10, 2, -8, 0xe1) } },
	{ "r1 = atomic64_xchg((u64 *)(r10 -8), r1)", { I(0xdb, 10, 1, -8, 0xe1) } },
	{ "r0 = cmpxchg_64(r10 - 8, r0, r1)", { I(0xdb, 10, 1, -8, 0xf1) } },
	{ "w0 = cmpxchg32_32(r10 - 8, w0, w1)", { I(0xc3, 10, 1, -8, 0xf1) } },
	{ "r0 = atomic_cmpxchg((u32 *)(r10 -24), r0, r3)", { I(0xc3, 10, 3, -24, 0xf1) } },
	{ "exit", { I(0x95, 0, 0, 0, 0) } },
	/* dump columns: pc, opcode, llvm bytes */
	{ "   0: (b7) r0 = 0", { I(0xb7, 0, 0, 0, 0) } },
	{ "  12: (18) r1 = 0x5", { I(0x18, 1, 0, 0, 5), I(0, 0, 0, 0, 0) } },
	{ "  13: (bf) r11 = r2", { I(0xbf, 11, 2, 0, 0) } },
	{ "       4:\tb7 01 00 00 05 00 00 00\tr1 = 5", { I(0xb7, 1, 0, 0, 5) } },
	{ "      46:\t85 10 00 00 ff ff ff ff\tcall -1", { I(0x85, 0, 1, 0, -1) } },
	{ "      24:\tc3 2a ec ff a0 00 00 00\t<unknown>", { I(0xc3, 10, 2, -20, 0xa0) } },
	{ "mov %r0, 1 ; bpf_conformance raw bytes comment", { I(0xb7, 0, 0, 0, 1) } },
	{ "r0 = 1 // comment", { I(0xb7, 0, 0, 0, 1) } },
	{ "exit # comment", { I(0x95, 0, 0, 0, 0) } },
};
#undef I

TEST(asm_spellings_of_both_syntaxes)
{
	size_t i;

	for (i = 0; i < HIVE_ARRAY_SIZE(spellings); i++) {
		const struct spelling *s = &spellings[i];
		uint32_t want = isa_is_lddw(&s->insn[0]) ? 2 : 1, cnt = 0;
		struct hive_insn *insns = NULL;
		char err[256];
		int r = hive_asm(s->text, &insns, &cnt, err, sizeof(err));

		if (r) {
			test_fail(__FILE__, __LINE__, "\"%s\": %s", s->text, err);
			continue;
		}
		if (cnt != want || memcmp(insns, s->insn, want * sizeof(*insns))) {
			const uint8_t *b = (const uint8_t *)insns;

			test_fail(__FILE__, __LINE__, "\"%s\": got %u slots %02x %02x %02x %02x "
				  "%02x %02x %02x %02x", s->text, cnt, b[0], b[1], b[2], b[3], b[4],
				  b[5], b[6], b[7]);
		}
		free(insns);
	}
}

/* ---- labels ------------------------------------------------------------ */

static int asm_ok(const char *text, struct hive_insn **insns, uint32_t *cnt)
{
	char err[256];
	int r = hive_asm(text, insns, cnt, err, sizeof(err));

	if (r)
		test_fail(__FILE__, __LINE__, "%s", err);
	return r;
}

TEST(asm_labels)
{
	struct hive_insn *p = NULL;
	uint32_t cnt = 0;
	char *text = NULL, why[256];

	REQUIRE(asm_ok("start: mov %r0, 0\n"
		       "loop:\n"
		       "  add %r0, 1\n"
		       "  lddw %r1, code_addr(func)\n"
		       "  jlt %r0, 10, loop\n"
		       "  if r0 s> 100 goto out\n"
		       "  ja32 start\n"
		       "  call local func\n"
		       "  call func\n"
		       "out:\n"
		       "  exit\n"
		       "func: r0 = 2\n"
		       "  gotol out\n", &p, &cnt) == 0);
	REQUIRE(cnt == 12);
	CHECK_EQ(p[2].imm, 10 - 3);         /* code_addr(func): func at 10 */
	CHECK_EQ(p[4].off, 1 - 5);          /* jlt -> loop */
	CHECK_EQ(p[5].off, 9 - 6);          /* goto out */
	CHECK_EQ(p[6].imm, 0 - 7);          /* ja32 start */
	CHECK_EQ(p[7].src, HIVE_PSEUDO_CALL);
	CHECK_EQ(p[7].imm, 10 - 8);
	CHECK_EQ(p[8].src, HIVE_PSEUDO_CALL); /* a label wins over helper lookup */
	CHECK_EQ(p[8].imm, 10 - 9);
	CHECK_EQ(p[11].imm, 9 - 12);        /* gotol out */
	/* labels in the output read back to the same program */
	REQUIRE(hive_disasm(p, cnt, HIVE_DISASM_CONFORMANCE, HIVE_DISASM_LABELS, &text) == 0);
	CHECK(strstr(text, "L1:\n") && strstr(text, "jlt %r0, 10, L1") &&
	      strstr(text, "call local L10"));
	CHECK_EQ(roundtrip(p, cnt, HIVE_DISASM_CONFORMANCE, HIVE_DISASM_LABELS, why, sizeof(why)), 0);
	free(text);
	free(p);

	/* bpf_conformance: an undefined "exit" label means the first exit */
	REQUIRE(asm_ok("jeq %r1, 0, exit\nmov %r0, 1\nexit\nexit\n", &p, &cnt) == 0);
	CHECK_EQ(p[0].off, 1);
	free(p);
	/* a jump into the middle of an lddw keeps its number, not a label */
	REQUIRE(asm_ok("ja +1\nlddw %r0, 1\nexit\n", &p, &cnt) == 0);
	REQUIRE(hive_disasm(p, cnt, HIVE_DISASM_CONFORMANCE, HIVE_DISASM_LABELS, &text) == 0);
	CHECK_STR(text, "ja +1\nlddw %r0, 0x1\nexit\n");
	free(text);
	free(p);
}

/* ---- errors ------------------------------------------------------------ */

struct bad {
	const char *text;
	const char *err;   /* expected message, line and column included */
};

static const struct bad bads[] = {
	{ "mov %r11, 1", "line 1, column 5: invalid register '%r11'" },
	{ "r11 = 1", "line 1, column 1: invalid register 'r11'" },
	{ "exit\nmov32 %r0, r99", "line 2, column 12: invalid register 'r99'" },
	{ "ldxdw %r1, [%r10-40000]", "line 1, column 18: offset -40000 out of the 16-bit range" },
	{ "r1 = *(u64 *)(r10 + 32768)", "line 1, column 21: offset 32768 out of the 16-bit range" },
	{ "ja +32768", "line 1, column 4: a jump offset or label '+32768' out of range" },
	{ "mov %r0, 0x1ffffffff", "line 1, column 10: a 32-bit immediate '0x1ffffffff' out of range" },
	{ "lddw %r0, 0x1ffffffffffffffff", "line 1, column 11: number '0x1ffffffffffffffff' is too large" },
	{ "mov %r0, 12abc", "line 1, column 10: bad number '12abc'" },
	{ "ja nowhere", "line 1, column 4: undefined label 'nowhere'" },
	{ "call bpf_nonexistent", "line 1, column 6: unknown helper or label 'bpf_nonexistent'" },
	{ "a:\nexit\na: exit", "line 3, column 1: label 'a' already defined on line 1" },
	{ "foo %r1", "line 1, column 1: unknown instruction 'foo'" },
	{ "sfoo %r1", "line 1, column 1: unknown instruction 'sfoo'" },
	{ "exit extra", "line 1, column 6: unexpected 'extra' after the instruction" },
	{ "w1 += r2", "line 1, column 7: operation mixes 32-bit and 64-bit registers" },
	{ "r1 = w2", "line 1, column 6: mov mixes 32-bit and 64-bit registers" },
	{ "if r1 >> 2 goto +1", "line 1, column 8: expected a 32-bit immediate, found '>'" },
	{ "if r1 = 2 goto +1", "line 1, column 7: expected a comparison" },
	{ "if r1 > 2 +1", "line 1, column 11: expected 'goto'" },
	{ "r1 = be16 r2", "line 1, column 6: byte swaps work in place" },
	{ "r1 = be8 r1", "line 1, column 6: byte swap width must be 16, 32 or 64" },
	{ "r0 = atomic_fetch_add((u64 *)(r1 + 0), r2)", "line 1, column 40: the result register" },
	{ "r1 = cmpxchg_64(r10 - 8, r0, r1)", "line 1, column 26: cmpxchg compares and returns r0" },
	{ "lock *(u64 *)(r1 + 0) -= r2", "line 1, column 23: expected an atomic operator" },
	{ "lock fetch xchg [%r1], %r2", "line 1, column 12: unknown atomic operation 'fetch xchg'" },
	{ "ldxdw %r1, [%r2", "line 1, column 16: expected ']' at end of line" },
	{ "mov w1, 2", "line 1, column 5: 32-bit register name in conformance syntax" },
	{ "   0: (b7) r1 = 0x123456789", "line 1, column 7: opcode (b7) does not match the instruction (18)" },
	{ "(b7)", "line 1, column 1: opcode without an instruction" },
	{ "w1 = 0x123456789", "line 1, column 6: a 32-bit immediate '0x123456789' out of range" },
	{ "r0 = *(s64 *)(r1 + 0)", "line 1, column 7: no such 64-bit access" },
	{ "*(s32 *)(r1 + 0) = 1", "line 1, column 2: stores take unsigned types" },
	{ "r1 = *(u8 *)skb[1]", "line 1, column 7: packet loads are 'r0 = *(uN *)skb[...]'" },
	{ "movsx3232 %r0, %r1", "line 1, column 1: unknown instruction 'movsx3232'" },
	{ "w1 = (s32)w2", "line 1, column 6: no such sign extension" },
	{ "42", "line 1, column 1: unexpected number at start of line" },
	{ "%", "line 1, column 1: expected an instruction, found '%'" },
	{ "call %r2", "line 1, column 6: call by register (callx) is not in RFC 9669" },
};

TEST(asm_errors_name_line_and_column)
{
	size_t i;

	for (i = 0; i < HIVE_ARRAY_SIZE(bads); i++) {
		struct hive_insn *p = (struct hive_insn *)1;
		uint32_t cnt = 99;
		char err[256];
		int r = hive_asm(bads[i].text, &p, &cnt, err, sizeof(err));

		if (r != -HIVE_EPARSE || strncmp(err, bads[i].err, strlen(bads[i].err)))
			test_fail(__FILE__, __LINE__, "\"%s\": %d \"%s\", want \"%s\"", bads[i].text,
				  r, err, bads[i].err);
		CHECK(p == NULL && cnt == 0);
	}
	CHECK_EQ(hive_asm(NULL, &(struct hive_insn *){ NULL }, &(uint32_t){ 0 }, NULL, 0), -EINVAL);
	CHECK_EQ(hive_asm("exit", NULL, &(uint32_t){ 0 }, NULL, 0), -EINVAL);
	/* err may be NULL */
	CHECK_EQ(hive_asm("bogus", &(struct hive_insn *){ NULL }, &(uint32_t){ 0 }, NULL, 0),
		 -HIVE_EPARSE);
}

TEST(asm_jump_out_of_offset_range)
{
	size_t n = 40000, i;
	char *text = malloc(n * 5 + 64), err[256];
	struct hive_insn *p = NULL;
	uint32_t cnt = 0;

	REQUIRE(text);
	strcpy(text, "ja   end\n");
	for (i = 0; i < n; i++)
		memcpy(text + 9 + i * 5, "exit\n", 5);
	strcpy(text + 9 + n * 5, "end: exit\n");
	CHECK_EQ(hive_asm(text, &p, &cnt, err, sizeof(err)), -HIVE_EPARSE);
	CHECK_STR(err, "line 1, column 6: jump to 'end' is out of the 16-bit offset range");
	memcpy(text, "ja32", 4);             /* gotol has 32 bits */
	REQUIRE(hive_asm(text, &p, &cnt, err, sizeof(err)) == 0);
	CHECK_EQ(cnt, n + 2);
	CHECK_EQ(p[0].imm, (int32_t)n);
	free(p);
	free(text);
}

/* Hostile input never crashes: overlong tokens, junk, deep nesting. */
TEST(asm_hostile_input)
{
	static const char *const vocab[] = {
		"r1", "w2", "%r3", "r11", "=", "+=", "s/=", "*", "(", ")", "[", "]", "u64", "s8",
		"lock", "if", "goto", "call", "exit", "lddw", "mov", "0x", "-", "+", "9999999999999999999999",
		"map[id:", "map_val(", "atomic_fetch_add(", ",", ":", "label", "#", ";", "\n", " ",
		"(18)", "0:", "b7 00 00 00 00 00 00 00", "<unknown>", "pc+", "skb[", "ll",
	};
	uint64_t x = 12345;
	char buf[512], err[128];
	size_t i, len;
	char *big;

	for (i = 0; i < 20000; i++) {
		struct hive_insn *p = NULL;
		uint32_t cnt;
		int k, parts;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		parts = (int)(x % 12) + 1;
		len = 0;
		buf[0] = '\0';
		for (k = 0; k < parts; k++) {
			const char *w = vocab[(x >> (k * 5)) % HIVE_ARRAY_SIZE(vocab)];

			if (len + strlen(w) + 2 >= sizeof(buf))
				break;
			len += (size_t)sprintf(buf + len, "%s%s", w, (x >> k) & 1 ? " " : "");
		}
		if (!hive_asm(buf, &p, &cnt, err, sizeof(err)))
			free(p);
	}
	/* one 1 MB token */
	big = malloc(1 << 20);
	REQUIRE(big);
	memset(big, 'a', (1 << 20) - 1);
	big[(1 << 20) - 1] = '\0';
	CHECK_EQ(hive_asm(big, &(struct hive_insn *){ NULL }, &(uint32_t){ 0 }, err, sizeof(err)),
		 -HIVE_EPARSE);
	CHECK(strlen(err) < sizeof(err));
	memset(big, '9', (1 << 20) - 1);
	memcpy(big, "mov %r0, ", 9);
	CHECK_EQ(hive_asm(big, &(struct hive_insn *){ NULL }, &(uint32_t){ 0 }, err, sizeof(err)),
		 -HIVE_EPARSE);
	CHECK(strstr(err, "too large") != NULL);
	free(big);
}

/* ---- pasted listings --------------------------------------------------- */

TEST(asm_reads_bpftool_and_llvm_listings)
{
	static const char bpftool[] =
		"int xdp_prog(struct xdp_md * ctx):\n"
		"; int xdp_prog(struct xdp_md *ctx)\n"
		"   0: (b7) r0 = 2\n"
		"       b7 00 00 00 02 00 00 00\n"
		"; return XDP_PASS;\n"
		"   1: (18) r1 = map[id:12]\n"
		"       18 11 00 00 0c 00 00 00 00 00 00 00 00 00 00 00\n"
		"   3: (85) call bpf_map_lookup_elem#1\n"
		"   4: (15) if r0 == 0x0 goto pc+1\n"
		"   5: (79) r1 = *(u64 *)(r10 -8)\n"
		"   6: (95) exit\n";
	static const char llvm[] =
		"\n"
		"prog.o:\tfile format elf64-bpf\n"
		"\n"
		"Disassembly of section xdp:\n"
		"\n"
		"0000000000000000 <prog>:\n"
		"       0:\tb7 00 00 00 02 00 00 00\tr0 = 2\n"
		"       1:\t18 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00\tr1 = 0 ll\n"
		"\t\t0000000000000008:  R_BPF_64_64\tm\n"
		"       3:\t15 00 01 00 00 00 00 00\tif r0 == 0 goto +1 <LBB0_2>\n"
		"       4:\t85 10 00 00 ff ff ff ff\tcall -1\n"
		"\n"
		"0000000000000028 <LBB0_2>:\n"
		"       5:\t95 00 00 00 00 00 00 00\texit\n";
	struct hive_insn *p = NULL;
	uint32_t cnt = 0;

	REQUIRE(asm_ok(bpftool, &p, &cnt) == 0);
	CHECK_EQ(cnt, 7);
	CHECK_EQ(p[1].src, HIVE_PSEUDO_MAP_FD);
	CHECK_EQ(p[1].imm, 12);
	CHECK_EQ(p[3].imm, 1);
	CHECK_EQ(p[5].code, 0x79);
	free(p);
	REQUIRE(asm_ok(llvm, &p, &cnt) == 0);
	CHECK_EQ(cnt, 6);
	CHECK_EQ(p[3].off, 1);
	CHECK_EQ(p[4].src, HIVE_PSEUDO_CALL);   /* from the byte column */
	CHECK_EQ(p[4].imm, -1);
	CHECK_EQ(p[5].code, 0x95);
	free(p);
	/* mixing both syntaxes line by line */
	REQUIRE(asm_ok("mov %r0, 1\nr0 += 2\nlock add [%r10-8], %r0\nexit\n", &p, &cnt) == 0);
	CHECK_EQ(cnt, 4);
	free(p);
	/* an empty text is an empty program */
	REQUIRE(asm_ok("# nothing\n\n", &p, &cnt) == 0);
	CHECK_EQ(cnt, 0);
	CHECK(p != NULL);
	free(p);
}

/* ---- the resolver hook ------------------------------------------------- */

static int resolve_names(void *ctx, const struct hive_insn *insn, char *buf, size_t len)
{
	(*(int *)ctx)++;
	if (insn->code == HIVE_OP_LDDW && insn->src == HIVE_PSEUDO_MAP_FD)
		return snprintf(buf, len, "map[id:%d]", insn->imm + 100) > 0;
	if (insn->code == HIVE_OP_CALL && insn->src == HIVE_PSEUDO_KFUNC_CALL)
		return snprintf(buf, len, "bpf_obj_new_impl") > 0;
	return 0;
}

TEST(disasm_resolver_hook)
{
	struct hive_insn p[5] = {
		HIVE_LD_IMM64_LO(1, HIVE_PSEUDO_MAP_FD, 3), HIVE_LD_IMM64_HI(0),
		HIVE_INSN(0x85, 0, HIVE_PSEUDO_KFUNC_CALL, 0, 777), HIVE_CALL_HELPER(1),
		HIVE_EXIT_INSN(),
	};
	char *text = NULL;
	int calls = 0;

	REQUIRE(hive_disasm_resolved(p, 5, HIVE_DISASM_XLATED, 0, resolve_names, &calls, &text) == 0);
	CHECK_STR(text, "   0: (18) r1 = map[id:103]\n   2: (85) call bpf_obj_new_impl#777\n"
			"   3: (85) call bpf_map_lookup_elem#1\n   4: (95) exit\n");
	CHECK_EQ(calls, 2);                 /* known helpers are named without asking */
	free(text);
	REQUIRE(hive_disasm(p, 5, HIVE_DISASM_XLATED, 0, &text) == 0);
	CHECK(strstr(text, "r1 = map[id:3]") && strstr(text, "call kernel-function#777"));
	free(text);
}
