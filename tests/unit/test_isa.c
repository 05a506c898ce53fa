/*
 * test_isa.c - the opcode table and the structural checks of isa/insn.c.
 */
#include <errno.h>

#include "harness.h"
#include "isa/isa.h"

TEST(isa_table_covers_rfc9669)
{
	int legal = 0, c;

	for (c = 0; c < 256; c++)
		legal += isa_table[c].kind != HIVE_K_INVALID;
	CHECK_EQ(legal, HIVE_NUM_OPCODES);
	CHECK_STR(isa_desc(0x07)->name, "ADD64_IMM");
	CHECK_STR(isa_desc(0xdb)->mnem, "lock");
	CHECK_EQ(isa_desc(0x8d)->kind, HIVE_K_INVALID); /* callx is not in RFC 9669 */
	CHECK_EQ(isa_desc(0x38)->kind, HIVE_K_INVALID); /* no LD_ABS DW */
	CHECK_EQ(isa_desc(0xdf)->kind, HIVE_K_INVALID); /* no 64-bit "X" byte swap */
}

static int check1(struct hive_insn in)
{
	struct hive_insn p[2] = { in, HIVE_EXIT_INSN() };

	return isa_check_insn(p, 2, 0, NULL, 0);
}

TEST(isa_reserved_fields)
{
	char msg[128];
	struct hive_insn p[3];

	CHECK_EQ(check1(HIVE_MOV64_IMM(0, 1)), 0);
	CHECK_EQ(check1(HIVE_INSN(0xb7, 0, 1, 0, 1)), -EINVAL);        /* src in K form */
	CHECK_EQ(check1(HIVE_INSN(0xbf, 0, 1, 8, 0)), 0);              /* movsx8 */
	CHECK_EQ(check1(HIVE_INSN(0xbf, 0, 1, 32, 0)), 0);             /* movsx32 */
	CHECK_EQ(check1(HIVE_INSN(0xbc, 0, 1, 32, 0)), -EINVAL);       /* no movsx32 in ALU32 */
	CHECK_EQ(check1(HIVE_INSN(0x3f, 0, 1, 1, 0)), 0);              /* sdiv */
	CHECK_EQ(check1(HIVE_INSN(0x3f, 0, 1, 2, 0)), -EINVAL);
	CHECK_EQ(check1(HIVE_INSN(0xd4, 1, 0, 0, 16)), 0);
	CHECK_EQ(check1(HIVE_INSN(0xd4, 1, 0, 0, 8)), -EINVAL);
	CHECK_EQ(check1(HIVE_INSN(0xdb, 1, 2, 0, 0xe1)), 0);           /* xchg */
	CHECK_EQ(check1(HIVE_INSN(0xdb, 1, 2, 0, 0x02)), -EINVAL);
	CHECK_EQ(check1(HIVE_INSN(0x95, 0, 0, 0, 1)), -EINVAL);        /* exit with imm */
	CHECK_EQ(check1(HIVE_INSN(0xb7, 10, 0, 0, 1)), -EINVAL);       /* write r10 */
	CHECK_EQ(check1(HIVE_INSN(0xb7, 11, 0, 0, 1)), -EINVAL);       /* no r11 */
	CHECK_EQ(check1(HIVE_INSN(0xff, 0, 0, 0, 0)), -EINVAL);

	p[0] = HIVE_LD_IMM64_LO(1, 0, 5);
	CHECK_EQ(isa_check_insn(p, 1, 0, msg, sizeof(msg)), -EINVAL);   /* truncated lddw */
	CHECK(strstr(msg, "truncated") != NULL);
}

TEST(isa_jumps)
{
	char msg[128];
	struct hive_insn p[4] = {
		HIVE_JMP_A(1),                 /* into the second slot of the lddw */
		HIVE_LD_IMM64_LO(0, 0, 7), HIVE_LD_IMM64_HI(7),
		HIVE_EXIT_INSN(),
	};

	CHECK_EQ(isa_check_prog(p, 4, 100, msg, sizeof(msg)), -EINVAL);
	CHECK(strstr(msg, "middle of lddw") != NULL);
	p[0] = HIVE_JMP_A(2);
	CHECK_EQ(isa_check_prog(p, 4, 100, msg, sizeof(msg)), 0);
	p[0] = HIVE_JMP_A(3);
	CHECK_EQ(isa_check_prog(p, 4, 100, msg, sizeof(msg)), -EINVAL);
	CHECK(strstr(msg, "out of range") != NULL);
	CHECK_EQ(isa_check_prog(p, 4, 3, msg, sizeof(msg)), -E2BIG);
	CHECK_EQ(isa_check_prog(p, 0, 3, msg, sizeof(msg)), -EINVAL);
}
