/*
 * test_cli_gen.c - `hive gen skeleton`, `hive run` and the top-level
 * command line (help, options, unknown words) through the built binary.
 * The skeleton test compiles tests/cli/skel_user.c against the generated
 * header and libhive, and runs it.
 */
#include "hive/hive.h"
#include "test_cli_util.h"

/* A sanitized libhive.a needs the sanitizers' runtimes at link time. */
#if defined(__SANITIZE_ADDRESS__)
#define SAN_FLAGS "-fsanitize=address,undefined"
#else
#define SAN_FLAGS ""
#endif

TEST(cli_gen_skeleton)
{
	struct cli c;

	REQUIRE(cli_init(&c) == 0);
	CLI_OK(&c, "", "gen skeleton $OBJ/global_data.bpf.o > global_data.skel.h");
	cli_sh(&c, "grep -c 'struct hive_program \\*global_rw;\\|struct hive_map \\*rodata;\\|"
		   "} \\*bss;\\|__u32 cfg_mult;\\|__u64 totals\\[4\\];\\|char __pad0\\[4\\];' global_data.skel.h");
	CHECK_STR(c.out, "7\n"); /* .rodata and .data both pad after their first u32 */
	/* static variables are not exposed, as bpftool */
	cli_sh(&c, "grep -c 'hidden_bss\\|cfg_tag\\|last' global_data.skel.h");
	CHECK_STR(c.out, "0\n");
	/* a program built against it opens, sets .rodata, loads, runs, reads globals */
	cli_sh(&c, "cc -Wall -Wextra -Werror %s -I%s -I. -o skel_user %s %s -lelf -lz -lpthread -lm "
		   "$(pkg-config --libs capstone 2>/dev/null) && ./skel_user", SAN_FLAGS,
	       test_path("include"), test_path("tests/cli/skel_user.c"), test_build_path("libhive.a"));
	CHECK_EQ(c.status, 0);
	CHECK_STR(c.out, "skeleton ok\n");
	if (c.status)
		fprintf(stderr, "%s", c.err);
	/* name: the struct and functions take it */
	cli_run(&c, "gen skeleton $OBJ/xdp_count.bpf.o name counter");
	CHECK_EQ(c.status, 0);
	CHECK(strstr(c.out, "struct counter {\n\tstruct hive_object *obj;\n\tstruct {\n\t\tstruct hive_map *rxcnt;\n") != NULL);
	CHECK(strstr(c.out, "static inline struct counter *counter__open_and_load(void)\n") != NULL);
	/* errors */
	CLI_ERR(&c, 255, "Error: failed to open BPF object file nofile.o: No such file or directory\n",
		"gen skeleton nofile.o");
	cli_write(&c, "junk.o", "junk", 4);
	cli_run(&c, "gen skeleton junk.o");
	CHECK_EQ(c.status, 255);
	CHECK(strstr(c.err, "Error: failed to open BPF object file junk.o: ") != NULL);
	CLI_ERR(&c, 255, "Error: what is 'extra'?\n", "gen skeleton $OBJ/xdp_count.bpf.o extra");
	CLI_ERR(&c, 255, "Error: unknown gen command 'object'\n"
			 "Usage: hive gen skeleton FILE [name OBJECT_NAME]\n"
			 "       hive gen help\n\n"
			 "       Writes to stdout a C header embedding FILE, with typed access to its\n"
			 "       programs, maps and global variables through hive's object API\n"
			 "       (NAME__open, __load, __open_and_load, __destroy, __elf_bytes).\n"
			 "       OPTIONS := { {-d|--debug} }\n", "gen object x y");
	cli_fini(&c);
}

TEST(cli_run_sources)
{
	static const char src[] =
		"#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n"
		"SEC(\"syscall\") int seven(void *ctx) { return 7; }\n"
		"SEC(\"xdp\") int drop(struct xdp_md *ctx) { return XDP_DROP; }\n"
		"SEC(\"xdp\") int bad(struct xdp_md *ctx) { return *(int *)(long)ctx->data_end; }\n"
		"char _license[] SEC(\"license\") = \"GPL\";\n";
	unsigned char pkt[64] = { 0 };
	struct cli c;

	REQUIRE(cli_init(&c) == 0);
	cli_write(&c, "s.c", src, sizeof(src) - 1);
	cli_write(&c, "pkt", pkt, sizeof(pkt));
	/* a C source is compiled first; the first program runs by default */
	cli_run(&c, "run s.c");
	if (c.status && strstr(c.err, "can't run clang"))
		SKIP("clang not installed");
	CHECK_STR(c.out, "Return value: 7, duration: 0ns\n");
	CHECK_EQ(c.status, 0);
	cli_run(&c, "run s.c prog drop data_in pkt repeat 3");
	cli_mask(c.out, "duration (average): ");
	CHECK_STR(c.out, "Return value: 1, duration (average): Nns\n");
	cli_run(&c, "--interpret -j run s.c prog drop data_in pkt");
	cli_mask(c.out, "\"duration\":");
	CHECK_STR(c.out, "{\"retval\":1,\"duration\":N}\n");
	/* an object file runs as is; only the chosen program is loaded */
	cli_sh(&c, "clang -O2 -g -target bpf -idirafter /usr/include/$(cc -dumpmachine) -c %s -o tiny.o && "
		   "\"$HIVE\" run tiny.o", test_path("tests/cli/tiny.bpf.c"));
	CHECK_STR(c.out, "Return value: 42, duration: 0ns\n");
	/* errors */
	CLI_ERR(&c, 255, "Error: program 'drop' needs a packet: data_in FILE\n", "run s.c prog drop");
	CLI_ERR(&c, 255, "Error: no program named 'nope' in s.c\n", "run s.c prog nope");
	CLI_ERR(&c, 255, "Error: 'prog' needs a program name\n", "run s.c prog");
	cli_write(&c, "broken.c", "int x = ;\n", 10);
	cli_run(&c, "run broken.c");
	CHECK_EQ(c.status, 255);
	CHECK(cli_has_line(c.err, "Error: compiling broken.c failed (clang exit status 1)\n"));
	cli_run(&c, "run nofile.o");
	CHECK_EQ(c.status, 255);
	CHECK(cli_has_line(c.err, "Error: failed to open object file nofile.o: No such file or directory\n"));
	CLI_ERR(&c, 234, "Error: failed to run program: Invalid argument\n", "run s.c data_in pkt");
	cli_fini(&c);
}

TEST(cli_main_help)
{
	static const char *const families[] = { "prog", "map", "btf", "gen", "run" };
	char *help;
	struct cli c;
	size_t i;

	REQUIRE(cli_init(&c) == 0);
	cli_run(&c, "--help");
	CHECK_EQ(c.status, 0);
	help = strdup(c.out);
	REQUIRE(help);
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		char line[32];

		snprintf(line, sizeof(line), "\n  %-8s ", families[i]);
		CHECK(strstr(help, line) != NULL);
		cli_run(&c, "%s help", families[i]);
		CHECK_EQ(c.status, 0);
		CHECK(CLI_PREFIX(c.out, "Usage: hive "));
		cli_run(&c, "-j %s help", families[i]);
		CHECK_STR(c.out, "null\n");
	}
	free(help);
	cli_run(&c, "-h");
	CHECK(strstr(c.out, "  -n, --nomount ") && strstr(c.out, "  -m, --mapcompat ") &&
	      strstr(c.out, "  -f  ") && strstr(c.out, "      --interpret "));
	/* prefixes of families and commands, as bpftool */
	CLI_OK(&c, "[]\n", "-j m s");
	CLI_OK(&c, "[]\n", "-j p list");
	CLI_OK(&c, "", "ma li");
	/* --bpffs DIR sets the hive filesystem; before a family word it means -f */
	CLI_OK(&c, "", "--bpffs %s/other map create /sys/fs/bpf/x type array key 4 value 4 entries 1 name x",
	       c.dir);
	cli_sh(&c, "ls other");
	CHECK_STR(c.out, "x\n");
	CLI_OK(&c, "[]\n", "-j --bpffs map show");
	/* -n: the hive filesystem is not created */
	CLI_ERR(&c, 255, "Error: no BPF file system found, not mounting it due to --nomount option\n",
		"-n --bpffs %s/absent map create /sys/fs/bpf/x type array key 4 value 4 entries 1 name x",
		c.dir);
	/* -m is accepted (bpftool scripts pass it) */
	CLI_OK(&c, "[]\n", "-m -j prog show");
	/* unknown options and objects: bpftool's message, the usage, exit 255 */
	cli_run(&c, "--bogus map show");
	CHECK_EQ(c.status, 255);
	CHECK(CLI_PREFIX(c.err, "Error: unrecognized option '--bogus'\nUsage: hive ") && !c.out[0]);
	cli_run(&c, "zzz");
	CHECK_EQ(c.status, 255);
	CHECK(CLI_PREFIX(c.err, "Error: unknown object 'zzz'\nUsage: hive ") && !c.out[0]);
	cli_run(&c, "-j zzz");
	CHECK_EQ(c.status, 255);
	CHECK_STR(c.out, "{\"error\":\"unknown object 'zzz'\"}\n");
	cli_run(&c, "-p zzz");
	CHECK_STR(c.out, "{\n    \"error\": \"unknown object 'zzz'\"\n}\n");
	CLI_OK(&c, "{\"error\":\"unrecognized option '--bogus'\"}\n", "-j --bogus map show || true");
	/* version: -V, --version or the word, JSON with -j */
	CLI_OK(&c, "{\"version\":\"" HIVE_VERSION_STRING "\"}\n", "-j version");
	CLI_OK(&c, "hive v" HIVE_VERSION_STRING "\n", "--version");
	CLI_OK(&c, "{\n    \"version\": \"" HIVE_VERSION_STRING "\"\n}\n", "-V -p");
	/* options anywhere (getopt_long's permutation), -h per family */
	CLI_OK(&c, "[]\n", "map show -j");
	CLI_OK(&c, "[]\n", "map --json list");
	cli_run(&c, "map -h");
	CHECK(CLI_PREFIX(c.out, "Usage: hive map { show | list }"));
	cli_run(&c, "prog --help");
	CHECK(CLI_PREFIX(c.out, "Usage: hive prog { show | list }"));
	CLI_OK(&c, "null\n", "btf -h -j");
	cli_run(&c, "asm -h");
	CHECK(CLI_PREFIX(c.out, "Usage: hive asm "));
	/* no object: the usage on stdout, as bpftool */
	cli_sh(&c, "\"$HIVE\"");
	CHECK(c.status == 0 && CLI_PREFIX(c.out, "Usage: hive [OPTIONS] OBJECT"));
	cli_run(&c, "map");
	CHECK_EQ(c.status, 0); /* no command: show */
	cli_fini(&c);
}
