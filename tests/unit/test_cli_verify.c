/*
 * test_cli_verify.c - `hive verify`: verdicts and logs of object programs
 * (through hive's PROG_LOAD, and the kernel's with --kernel) and of raw
 * instructions, JSON output, bad arguments.
 */
#include <string.h>

#include "harness.h"
#include "test_cli_util.h"

TEST(cli_verify_objects)
{
	struct cli c;

	REQUIRE(cli_init(&c) == 0);
	cli_run(&c, "verify $OBJ/xdp_count.bpf.o");
	CHECK_EQ(c.status, 0);
	CHECK(CLI_PREFIX(c.out, "prog xdp_prog1 (section xdp): accepted\n"));
	/* level 1: only the statistics line on success */
	CHECK(CLI_PREFIX(c.out, "prog xdp_prog1 (section xdp): accepted\nprocessed "));
	/* statistics bit: the verifier's own time */
	cli_run(&c, "verify $OBJ/xdp_count.bpf.o log_level 5");
	CHECK(strstr(c.out, "verification time ") != NULL);
	CHECK(strstr(c.out, "stack depth ") != NULL);
	/* level 2: every instruction */
	cli_run(&c, "verify $OBJ/xdp_count.bpf.o log_level 2");
	CHECK(strstr(c.out, "0: (bf) r") != NULL || strstr(c.out, "0: (b7) r") != NULL);
	/* a reachable CO-RE poison call: refused, the log names it */
	cli_run(&c, "verify $OBJ/core_local.bpf.o");
	CHECK_EQ(c.status, 255);
	CHECK(strstr(c.out, "prog core_values (section xdp): rejected (Invalid argument)\n") != NULL);
	CHECK(strstr(c.out, "invalid func unknown#195896080\n") != NULL);
	/* a guarded one in dead code: accepted */
	cli_run(&c, "verify $OBJ/core_task.bpf.o");
	CHECK_EQ(c.status, 0);
	CHECK(strstr(c.out, "): accepted\n") != NULL);
	/* one program of several; the type chosen */
	cli_run(&c, "verify $OBJ/multi_prog.bpf.o prog second_xdp");
	CHECK_EQ(c.status, 0);
	CHECK(CLI_PREFIX(c.out, "prog second_xdp (section xdp): accepted\n"));
	CHECK(strstr(c.out, "first_xdp") == NULL);
	cli_run(&c, "verify $OBJ/multi_prog.bpf.o prog nosuch");
	CHECK_EQ(c.status, 255);
	CHECK(strstr(c.err, "no program named 'nosuch'") != NULL);
	/* callbacks (bpf_loop, bpf_for_each_map_elem): verified */
	cli_run(&c, "verify $OBJ/callbacks.bpf.o");
	CHECK_EQ(c.status, 0);
	CHECK(CLI_PREFIX(c.out, "prog loop_and_iter (section xdp): accepted\nprocessed 71 insns"));
	/* JSON */
	cli_run(&c, "-j verify $OBJ/xdp_drop.bpf.o");
	CHECK(CLI_PREFIX(c.out, "[{\"name\":\"xdp_drop_runts\",\"section\":\"xdp\",\"accepted\":true,"
				"\"errno\":0,\"log\":\"processed "));
	cli_fini(&c);
}

TEST(cli_verify_raw_and_errors)
{
	static const unsigned char ok[] = {
		0xb7, 0x00, 0, 0, 0, 0, 0, 0,          /* r0 = 0 */
		0x95, 0x00, 0, 0, 0, 0, 0, 0,          /* exit */
	};
	static const unsigned char bad[] = {
		0x79, 0x10, 0xa0, 0x0f, 0, 0, 0, 0,    /* r0 = *(u64 *)(r1 + 4000) */
		0x95, 0x00, 0, 0, 0, 0, 0, 0,          /* exit */
	};
	struct cli c;

	REQUIRE(cli_init(&c) == 0);
	cli_write(&c, "ok.bin", ok, sizeof(ok));
	cli_write(&c, "bad.bin", bad, sizeof(bad));
	cli_write(&c, "odd.bin", ok, 5);
	cli_run(&c, "verify ok.bin");
	CHECK_EQ(c.status, 0);
	CHECK(CLI_PREFIX(c.out, "prog raw (section -): accepted\nprocessed 2 insns"));
	cli_run(&c, "verify bad.bin type xdp");
	CHECK_EQ(c.status, 255);
	CHECK(strstr(c.out, "rejected (Permission denied)") != NULL);
	CHECK(strstr(c.out, "invalid bpf_context access off=4000 size=8\n") != NULL);
	cli_run(&c, "verify odd.bin");
	CHECK_EQ(c.status, 255);
	CHECK(strstr(c.err, "5 bytes is not a whole number of instructions") != NULL);
	cli_run(&c, "verify ok.bin log_level 0");
	CHECK_EQ(c.status, 255);
	cli_run(&c, "verify ok.bin bogus");
	CHECK_EQ(c.status, 255);
	cli_run(&c, "verify nofile.bin");
	CHECK_EQ(c.status, 255);
	cli_run(&c, "verify help");
	CHECK_EQ(c.status, 0);
	CHECK(CLI_PREFIX(c.out, "Usage: hive [--kernel] [-j|-p] verify FILE"));
	cli_fini(&c);
}

TEST(cli_verify_kernel)
{
	struct cli c;

	if (!test_kernel_bpf_available())
		SKIP("the kernel's bpf() is not available");
	REQUIRE(cli_init(&c) == 0);
	cli_run(&c, "--kernel verify $OBJ/core_local.bpf.o");
	CHECK_EQ(c.status, 255);
	CHECK(strstr(c.out, "invalid func unknown#195896080\n") != NULL);
	cli_run(&c, "--kernel verify $OBJ/xdp_count.bpf.o");
	CHECK_EQ(c.status, 0);
	CHECK(CLI_PREFIX(c.out, "prog xdp_prog1 (section xdp): accepted\nprocessed "));
	cli_fini(&c);
}
