/*
 * test_cli_kernel.c - the same scripted session (tests/cli/session.sh:
 * map create (flags, inner_map), update/lookup/getnext/delete/dump/freeze/
 * pin on hash, array, per-CPU, LPM, LRU, map-in-map maps, peek/push/pop/
 * enqueue/dequeue on queue and stack; program load (type, pinmaps,
 * map name), loadall, show by pin/tag/name, dump xlated, run, pin; their
 * error paths; BTF of a file) through bpftool on the live kernel and
 * through hive; the JSON
 * transcripts, with ids, times and memory sizes masked, must be equal,
 * exit codes included. Skips when bpf() is not permitted, bpftool is
 * missing or /sys/fs/bpf is not a mounted bpffs.
 */
#include "test_cli_util.h"

TEST(cli_session_vs_bpftool)
{
	unsigned char pkt[64];
	const char *why;
	char *kernel, *ours, *a, *b;
	char pin[64];
	struct cli c;
	int i, sfx, line = 1;

	why = cli_kernel_skip();
	if (why)
		SKIP("%s", why);
	REQUIRE(cli_init(&c) == 0);
	/* a name and code of this run's own (other runs may share the kernel) */
	sfx = (int)getpid() % 100000;
	cli_sh(&c, "clang -O2 -g -target bpf -idirafter /usr/include/$(cc -dumpmachine) "
		   "-DPLAIN_NAME=p%d -DPLAIN_RET=%d -c %s -o plain.o", sfx,
	       sfx, test_path("tests/cli/plain.bpf.c"));
	if (c.status)
		SKIP("clang cannot build tests/cli/plain.bpf.c");
	for (i = 0; i < 64; i++)
		pkt[i] = (unsigned char)(i * 7);
	cli_write(&c, "pkt", pkt, sizeof(pkt));
	snprintf(pin, sizeof(pin), "/sys/fs/bpf/hive-cli-%d", (int)getpid());

	cli_sh(&c, "TOOL=bpftool SFX=%d PIN=%s PINDIR=%s PLAIN=$PWD/plain.o DATA=$PWD/pkt sh %s", sfx,
	       pin, pin, test_path("tests/cli/session.sh"));
	REQUIRE(c.status == 0);
	kernel = strdup(c.out);
	cli_sh(&c, "TOOL=\"$HIVE\" SFX=%d PIN=%s PINDIR=$HIVE_FS/hive-cli-%d PLAIN=$PWD/plain.o "
		   "DATA=$PWD/pkt sh %s", sfx, pin, (int)getpid(), test_path("tests/cli/session.sh"));
	REQUIRE(c.status == 0);
	ours = strdup(c.out);
	REQUIRE(kernel && ours);
	CHECK(strlen(kernel) > 10000);
	/* report the first differing line with its command */
	for (a = kernel, b = ours; *a && *b && *a == *b; a++, b++)
		line += *a == '\n';
	if (*a || *b) {
		char *la = a, *lb = b;

		while (la > kernel && la[-1] != '\n')
			la--;
		while (lb > ours && lb[-1] != '\n')
			lb--;
		test_fail(__FILE__, __LINE__, "transcripts differ at line %d:\n    bpftool: %.200s\n    hive:    %.200s",
			  line, la, lb);
	}
	free(kernel);
	free(ours);
	cli_fini(&c);
}

/*
 * `hive --kernel` reads the kernel's objects through the same code that
 * reads hive's: against programs and maps bpftool loaded from
 * tests/cli/tiny.bpf.c (with BTF, func/line info, metadata, a DATASEC map)
 * every listed command prints exactly what bpftool prints. This covers the
 * typed (BTF) output paths on the kernel's objects;
 * tests/unit/test_btf_obj_cli.c compares them on hive's own.
 */
TEST(cli_kernel_mode_vs_bpftool)
{
	static const char *const cmds[] = {
		"prog show pinned P/answer", "-j prog show pinned P/answer", "-p prog show pinned P/pass",
		"prog show pinned P/emit",
		"map show pinned M/hits", "-j map show pinned M/tiny_rodata",
		"map dump pinned M/hits", "-j map dump pinned M/hits", "-p map dump pinned M/hits",
		"map dump pinned M/tiny_rodata", "-j map dump pinned M/tiny_rodata",
		"-p map lookup pinned M/hits key 0 0 0 0", "map getnext pinned M/hits",
		"prog dump xlated pinned P/answer", "prog dump xlated pinned P/pass",
		"prog dump xlated pinned P/emit linum", "prog dump xlated pinned P/double_it opcodes",
		"-j prog dump xlated pinned P/pass", "-j prog dump xlated pinned P/emit linum",
		"-p prog dump xlated pinned P/answer opcodes",
		"prog dump xlated pinned P/answer visual", "prog dump xlated pinned P/emit visual",
		"btf dump prog pinned P/pass", "btf dump prog pinned P/emit format c",
		"-j btf dump prog pinned P/answer", "btf dump map pinned M/hits",
		"btf dump map pinned M/hits value", "btf dump map pinned M/tiny_rodata format c",
		"btf dump map pinned M/hits kv format c", "-j btf dump map pinned M/hits all",
	};
	unsigned char pkt[64] = { 0 };
	char pin[64], args[512], *theirs, *refused;
	const char *why;
	struct cli c;
	size_t i;

	why = cli_kernel_skip();
	if (why)
		SKIP("%s", why);
	REQUIRE(cli_init(&c) == 0);
	cli_write(&c, "pkt", pkt, sizeof(pkt));
	snprintf(pin, sizeof(pin), "/sys/fs/bpf/hive-kcli-%d", (int)getpid());
	refused = cli_kernel_load_tiny(&c, pin);
	if (refused)
		SKIP("%s", refused);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		/* P and M stand for the pin directories */
		cli_expand_pins(cmds[i], pin, -1, args, sizeof(args));
		cli_sh(&c, "bpftool %s", args);
		theirs = strdup(c.out);
		if (!theirs)
			break;
		cli_run(&c, "--kernel %s", args);
		if (strcmp(theirs, c.out) || c.status)
			test_fail(__FILE__, __LINE__, "hive --kernel %s differs from bpftool:\n%.600s\n-- bpftool:\n%.600s",
				  args, c.out, theirs);
		free(theirs);
	}
	/* updates go to the kernel's map; test runs to its program */
	cli_run(&c, "--kernel map update pinned %s/m/hits key 0 0 0 0 value 9 0 0 0 0 0 0 0", pin);
	CHECK_EQ(c.status, 0);
	cli_sh(&c, "bpftool -j map lookup pinned %s/m/hits key 0 0 0 0", pin);
	CHECK(strstr(c.out, "\"formatted\":{\"key\":0,\"value\":9}") != NULL);
	cli_run(&c, "--kernel -j prog run pinned %s/p/pass data_in pkt", pin);
	CHECK(CLI_PREFIX(c.out, "{\"retval\":2,\"duration\":"));
	cli_sh(&c, "rm -rf %s", pin);
	cli_fini(&c);
}
