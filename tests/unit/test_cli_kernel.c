/*
 * test_cli_kernel.c - the same scripted session (tests/cli/session.sh:
 * map create/update/lookup/getnext/delete/dump/freeze on hash, array,
 * per-CPU and queue maps, program load/show/dump/run/pin, errors, BTF of
 * a file) through bpftool on the live kernel and through hive; the JSON
 * transcripts, with ids, times and memory sizes masked, must be equal,
 * exit codes included. Skips when bpf() is not permitted, bpftool is
 * missing or /sys/fs/bpf is not a mounted bpffs.
 */
#include <sys/vfs.h>

#include "test_cli_util.h"

#define BPF_FS_MAGIC_NR 0xcafe4a11

TEST(cli_session_vs_bpftool)
{
	unsigned char pkt[64];
	struct statfs fs;
	char *kernel, *ours, *a, *b;
	char pin[64];
	struct cli c;
	int i, line = 1;

	if (!test_kernel_bpf_available())
		SKIP("bpf() not permitted");
	if (statfs("/sys/fs/bpf", &fs) || (unsigned long)fs.f_type != BPF_FS_MAGIC_NR)
		SKIP("/sys/fs/bpf is not a bpffs mount");
	REQUIRE(cli_init(&c) == 0);
	cli_sh(&c, "bpftool version");
	if (c.status)
		SKIP("bpftool not installed");
	if (cli_compile(&c, "tests/cli/plain.bpf.c", "plain.o"))
		SKIP("clang cannot build tests/cli/plain.bpf.c");
	for (i = 0; i < 64; i++)
		pkt[i] = (unsigned char)(i * 7);
	cli_write(&c, "pkt", pkt, sizeof(pkt));
	snprintf(pin, sizeof(pin), "/sys/fs/bpf/hive-cli-%d", (int)getpid());

	cli_sh(&c, "TOOL=bpftool PIN=%s PINDIR=%s PLAIN=$PWD/plain.o DATA=$PWD/pkt sh %s", pin, pin,
	       test_path("tests/cli/session.sh"));
	REQUIRE(c.status == 0);
	kernel = strdup(c.out);
	cli_sh(&c, "TOOL=\"$HIVE\" PIN=%s PINDIR=$HIVE_FS/hive-cli-%d PLAIN=$PWD/plain.o DATA=$PWD/pkt "
		   "sh %s", pin, (int)getpid(), test_path("tests/cli/session.sh"));
	REQUIRE(c.status == 0);
	ours = strdup(c.out);
	REQUIRE(kernel && ours);
	CHECK(strlen(kernel) > 1000);
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
