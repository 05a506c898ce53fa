/*
 * test_jit_cli.c - `hive disasm --jit`: each eBPF instruction followed by
 * the x86-64 code the JIT generated for it (libcapstone), for verified
 * (default) and unverified (--checked) code, with bytes (--opcodes); a
 * program the JIT cannot load is an error naming the reason.
 */
#include "test_cli_util.h"

/* r0 = 42; r1 = 7; if r1 > 3 goto +1; r0 += r1; exit, as hex text */
#define PROG_HEX "b7 00 00 00 2a 00 00 00  b7 01 00 00 07 00 00 00\n" \
		 "25 01 01 00 03 00 00 00  0f 10 00 00 00 00 00 00\n" \
		 "95 00 00 00 00 00 00 00\n"

TEST(jit_cli_disasm_jit)
{
	struct cli c;
	const char *p0, *p1, *x;

	REQUIRE(cli_init(&c) == 0);
	cli_sh(&c, "printf '" PROG_HEX "' | $HIVE disasm - --jit --hex");
	CHECK_EQ(c.status, 0);
	/* eBPF lines in order, each followed by indented x86 lines */
	p0 = strstr(c.out, "   0: (b7) r0 = 42\n");
	p1 = strstr(c.out, "   4: (95) exit\n");
	REQUIRE(p0 && p1 && p0 < p1);
	x = strstr(p0, "mov eax, 0x2a");
	CHECK(x && x < p1);
	CHECK(strstr(c.out, "   2: (25) if r1 > 0x3 goto pc+1\n") != NULL);
	CHECK(strstr(p1, "ret") != NULL);
	CHECK(strstr(c.out, "r12") == NULL);   /* verified code: no budget, no run pointer */

	/* unverified code: the budget charge on r12's run block is there */
	cli_sh(&c, "printf '" PROG_HEX "' | $HIVE disasm - --jit --hex --checked");
	CHECK_EQ(c.status, 0);
	CHECK(strstr(c.out, "sub qword ptr [r12 + 0x") != NULL);

	/* --opcodes: the bytes of each x86 instruction (mov eax, 42) */
	cli_sh(&c, "printf '" PROG_HEX "' | $HIVE disasm - --jit --hex --opcodes");
	CHECK_EQ(c.status, 0);
	CHECK(strstr(c.out, "b8 2a 00 00 00") != NULL);

	/* a jump out of the program: refused with the loader's reason */
	cli_sh(&c, "printf '05 00 05 00 00 00 00 00 95 00 00 00 00 00 00 00' | "
		   "$HIVE disasm - --jit --hex");
	CHECK(c.status != 0);
	CHECK(strstr(c.err, "cannot compile") != NULL);
	cli_fini(&c);
}
