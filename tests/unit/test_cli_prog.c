/*
 * test_cli_prog.c - `hive prog` (and `hive map event_pipe`, prog-array
 * values) through the built binary: load/loadall options, show in plain
 * and JSON, test runs with data and context, the instruction dumps
 * (text, JSON, DOT graph, raw file, jited), pinning, the trace log, and
 * the error messages and exit codes of bpftool.
 */
#include <unistd.h>

#include "test_cli_util.h"

/* Load tests/cli/tiny.bpf.c's programs under /sys/fs/bpf/t (maps in /sys/fs/bpf/tm). */
/* Build tests/cli/tiny.bpf.c and loadall it: 1 when clang cannot build it,
 * -1 (test failed) when hive refuses it, 0 when loaded. */
static int load_tiny(struct cli *c)
{
	if (cli_compile(c, "tests/cli/tiny.bpf.c", "tiny.o"))
		return 1;
	cli_run(c, "prog loadall tiny.o /sys/fs/bpf/t pinmaps /sys/fs/bpf/tm");
	if (!c->status)
		return 0;
	test_fail(__FILE__, __LINE__, "hive prog loadall tiny.o: exit %d\n%s", c->status, c->err);
	return -1;
}

/* Skip without clang; stop when the load failed. */
#define LOAD_TINY(c)                                                                      \
	do {                                                                              \
		int r_ = load_tiny(c);                                                    \
		if (r_ > 0)                                                               \
			SKIP("clang cannot build tests/cli/tiny.bpf.c: %s", (c)->err);    \
		REQUIRE(r_ == 0);                                                         \
	} while (0)

TEST(cli_prog_load_show)
{
	char line[128];
	struct cli c;

	REQUIRE(cli_init(&c) == 0);
	CLI_OK(&c, "", "prog load $OBJ/xdp_count.bpf.o /sys/fs/bpf/p");
	cli_run(&c, "prog show pinned /sys/fs/bpf/p");
	CHECK_EQ(c.status, 0);
	/* the tag is the kernel's (SHA of the program as loaded) */
	CHECK(CLI_PREFIX(c.out, "1: xdp  name xdp_prog1  tag 7b119adff57947ef  gpl\n\tloaded_at 20"));
	snprintf(line, sizeof(line), "  uid %u\n\txlated ", (unsigned)getuid());
	CHECK(strstr(c.out, line) != NULL);
	cli_mask(c.out, "jited ");
	cli_mask(c.out, "memlock ");
	cli_mask(c.out, "xlated ");
	CHECK(strstr(c.out, "\txlated NB  jited NB  memlock NB  map_ids 1\n") != NULL);
	cli_run(&c, "-j prog show id 1");
	cli_mask(c.out, "\"loaded_at\":");
	cli_mask(c.out, "\"bytes_jited\":");
	cli_mask(c.out, "\"bytes_memlock\":");
	cli_mask(c.out, "\"bytes_xlated\":");
	snprintf(line, sizeof(line), "\"uid\":%u,", (unsigned)getuid());
	CHECK(strstr(c.out, line) != NULL);
	cli_mask(c.out, "\"uid\":");
	CHECK_STR(c.out, "{\"id\":1,\"type\":\"xdp\",\"name\":\"xdp_prog1\",\"tag\":\"7b119adff57947ef\","
			 "\"gpl_compatible\":true,\"loaded_at\":N,\"uid\":N,\"bytes_xlated\":N,"
			 "\"jited\":true,\"bytes_jited\":N,\"bytes_memlock\":N,\"map_ids\":[1],"
			 "\"btf_id\":1}\n");
	/* --interpret: this process runs it on the interpreter */
	cli_run(&c, "--interpret prog show name xdp_prog1");
	CHECK(strstr(c.out, "B  not jited  memlock ") != NULL);
	cli_run(&c, "--interpret -j prog list");
	CHECK(strstr(c.out, "\"jited\":false,\"bytes_memlock\"") != NULL);
	/* by tag and by name, -f with the pinned path */
	cli_run(&c, "-f prog show tag 7b119adff57947ef");
	CHECK(strstr(c.out, "map_ids 1\n\tpinned ") && strstr(c.out, "/fs/p\n"));
	cli_run(&c, "-j -f prog show name xdp_prog1");
	CHECK(strstr(c.out, "\"pinned\":[\"") && strstr(c.out, "/fs/p\"]}"));
	/* a second pin of the same program */
	CLI_OK(&c, "", "prog pin id 1 /sys/fs/bpf/p2");
	CLI_OK(&c, "null\n", "-j prog pin pinned /sys/fs/bpf/p2 /sys/fs/bpf/p3");
	cli_run(&c, "prog show");
	CHECK(CLI_PREFIX(c.out, "1: xdp ") && !strstr(c.out, "\n2: "));
	cli_fini(&c);
}

TEST(cli_prog_run)
{
	static const unsigned char args[8] = { 5, 0, 0, 0, 0, 0, 0, 0 };
	unsigned char pkt[64];
	struct cli c;
	int i;

	REQUIRE(cli_init(&c) == 0);
	LOAD_TINY(&c);
	for (i = 0; i < 64; i++)
		pkt[i] = (unsigned char)i;
	cli_write(&c, "pkt", pkt, sizeof(pkt));
	cli_write(&c, "args", args, sizeof(args));
	cli_run(&c, "prog run pinned /sys/fs/bpf/t/pass data_in pkt");
	cli_mask(c.out, "duration: ");
	CHECK_STR(c.out, "Return value: 2, duration: Nns\n");
	cli_run(&c, "prog run pinned /sys/fs/bpf/t/pass data_in pkt repeat 5");
	cli_mask(c.out, "duration (average): ");
	CHECK_STR(c.out, "Return value: 2, duration (average): Nns\n");
	cli_run(&c, "-j prog run pinned /sys/fs/bpf/t/pass data_in pkt data_out -");
	cli_mask(c.out, "\"duration\":");
	CHECK_STR(c.out, "{\"data_out\":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,"
			 "22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,"
			 "47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63],"
			 "\"retval\":2,\"duration\":N}\n");
	/* the data goes to a file, or comes from stdin */
	cli_run(&c, "prog run pinned /sys/fs/bpf/t/pass data_in pkt data_out out.bin && cmp out.bin pkt");
	CHECK_EQ(c.status, 0);
	cli_sh(&c, "head -c 32 pkt | \"$HIVE\" prog run pinned /sys/fs/bpf/t/pass data_in - data_out -");
	cli_mask(c.out, "duration: ");
	CHECK_STR(c.out, "0000000\t0001 0203 0405 0607 0809 0a0b 0c0d 0e0f | ........ ........\n"
			 "0000010\t1011 1213 1415 1617 1819 1a1b 1c1d 1e1f | ........ ........\n"
			 "Return value: 2, duration: Nns\n");
	/* the kernel's own checks: a packet shorter than an Ethernet header */
	CLI_ERR(&c, 234, "Error: failed to run program: Invalid argument\n",
		"prog run pinned /sys/fs/bpf/t/pass data_in args");
	/* a syscall program gets its context back, and runs without repeat */
	cli_run(&c, "prog run pinned /sys/fs/bpf/t/double_it ctx_in args ctx_out -");
	CHECK_STR(c.out, "0000000\t0500 0000 0a00 0000                     | ........ \n"
			 "Return value: 10, duration: 0ns\n");
	cli_run(&c, "-j prog run name double_it ctx_in args ctx_out ctx.bin && od -An -tx1 ctx.bin");
	CHECK_STR(c.out, "{\"retval\":10,\"duration\":0}\n 05 00 00 00 0a 00 00 00\n");
	/* --interpret gives the same results */
	cli_run(&c, "--interpret prog run pinned /sys/fs/bpf/t/pass data_in pkt");
	cli_mask(c.out, "duration: ");
	CHECK_STR(c.out, "Return value: 2, duration: Nns\n");
	/* errors */
	CLI_ERR(&c, 255, "Error: ambiguous prefix: 'd' could be 'data_in' or 'data_out' or 'data_size_out'\n",
		"prog run pinned /sys/fs/bpf/t/pass d pkt");
	CLI_ERR(&c, 255, "Error: cannot use standard input for both data_in and ctx_in\n",
		"prog run pinned /sys/fs/bpf/t/pass data_in - ctx_in -");
	CLI_ERR(&c, 255, "Error: failed to open nofile: No such file or directory\n",
		"prog run pinned /sys/fs/bpf/t/pass data_in nofile");
	CLI_ERR(&c, 255, "Error: expected no more arguments, 'data_in', 'data_out', 'data_size_out', "
			 "'ctx_in', 'ctx_out', 'ctx_size_out' or 'repeat', got: 'bogus'?\n",
		"prog run pinned /sys/fs/bpf/t/pass data_in pkt bogus 1");
	CLI_ERR(&c, 255, "Error: can't parse 1x as repeat number\n",
		"prog run pinned /sys/fs/bpf/t/pass data_in pkt repeat 1x");
	CLI_ERR(&c, 255, "Error: 'run' needs at least 4 arguments, 2 found\n", "prog run id 1");
	/* syscall programs take no packet (EINVAL, as the kernel) */
	CLI_ERR(&c, 234, "Error: failed to run program: Invalid argument\n",
		"prog run pinned /sys/fs/bpf/t/answer data_in pkt");
	CLI_ERR(&c, 255, "Error: incorrect object type: map\n",
		"prog run pinned /sys/fs/bpf/tm/hits data_in pkt");
	cli_fini(&c);
}

TEST(cli_prog_dump)
{
	struct cli c;
	char *text, *p;
	int lines = 0;

	REQUIRE(cli_init(&c) == 0);
	LOAD_TINY(&c);
	/* text: one "%4d: (op) ..." line per instruction, lddw counting two slots */
	cli_run(&c, "prog dump xlated pinned /sys/fs/bpf/t/pass");
	CHECK_EQ(c.status, 0);
	/* the program has BTF: function names and source lines come first,
	 * as bpftool prints them; keep the instruction lines */
	CHECK(CLI_PREFIX(c.out, "int pass(struct xdp_md * ctx):\n; int pass(struct xdp_md *ctx)\n   0: ("));
	{
		char *in = c.out, *out = c.out;

		while (*in) {
			size_t n = strcspn(in, "\n") + (in[strcspn(in, "\n")] ? 1 : 0);

			if (*in == ' ') {
				memmove(out, in, n);
				out += n;
			}
			in += n;
		}
		*out = '\0';
	}
	CHECK(CLI_PREFIX(c.out, "   0: ("));
	CHECK(strstr(c.out, ": (18) r1 = map[id:") != NULL);
	CHECK(strstr(c.out, ": (85) call bpf_map_lookup_elem#1\n") != NULL);
	CHECK(strstr(c.out, ": (85) call pc+") != NULL);
	text = strdup(c.out);
	REQUIRE(text);
	for (p = text; *p; p++)
		lines += *p == '\n';
	/* the raw instructions of `file` disassemble to the same text */
	CLI_OK(&c, "", "prog dump xlated pinned /sys/fs/bpf/t/pass file x.bin");
	cli_run(&c, "disasm x.bin");
	CHECK_STR(c.out, text);
	cli_run(&c, "-j prog show pinned /sys/fs/bpf/t/pass");
	{
		char want[64];

		snprintf(want, sizeof(want), "\"bytes_xlated\":%d,", (lines + 1) * 8);
		CHECK(strstr(c.out, want) != NULL); /* one lddw: one more slot than lines */
	}
	/* opcodes: a bytes line after each instruction, 16 bytes for lddw */
	cli_run(&c, "prog dump xlated pinned /sys/fs/bpf/t/pass opcodes");
	CHECK(strstr(c.out, ": (18) r1 = map[id:") != NULL);
	CHECK(strstr(c.out, "\n       18 11 00 00 ") != NULL);
	/* JSON: the function's prototype and source lines with the instructions */
	cli_run(&c, "-j prog dump xlated pinned /sys/fs/bpf/t/pass");
	CHECK(CLI_PREFIX(c.out, "[{\"proto\":\"int pass(struct xdp_md * ctx)\",\"src\":\"int pass(struct xdp_md *ctx)\","
				"\"disasm\":\"(bf) r6 = r1\"},{"));
	cli_run(&c, "-j disasm x.bin");
	CHECK(CLI_PREFIX(c.out, "[{\"disasm\":\"(bf) r6 = r1\"},{"));
	cli_run(&c, "-j prog dump xlated pinned /sys/fs/bpf/t/pass opcodes");
	CHECK(strstr(c.out, ",\"opcodes\":{\"code\":\"0x18\",\"src_reg\":\"0x1\",\"dst_reg\":\"0x1\","
			    "\"off\":[\"0x00\",\"0x00\"],\"imm\":[") != NULL);
	/* linum: source lines with file, line and column */
	cli_run(&c, "prog dump xlated pinned /sys/fs/bpf/t/pass linum");
	CHECK(strstr(c.out, "tiny.bpf.c line_num:38 line_col:0]\n   0: (bf) r6 = r1\n") != NULL);
	/* visual: the control-flow graph, one cluster per function */
	cli_run(&c, "prog dump xlated pinned /sys/fs/bpf/t/pass visual");
	CHECK_EQ(c.status, 0);
	CHECK(CLI_PREFIX(c.out, "digraph \"DOT graph for eBPF program\" {\nsubgraph \"cluster_0\" {\n"
			      "\tstyle=\"dashed\";\n\tcolor=\"black\";\n\tlabel=\"func_0 ()\";\n"
			      "\tfn_0_bb_0 [shape=Mdiamond,style=filled,label=\"ENTRY\"];\n\n"
			      "\tfn_0_bb_2 [shape=record,style=filled,label=\"{   0: ("));
	CHECK(strstr(c.out, "subgraph \"cluster_1\" {\n") != NULL);
	CHECK(strstr(c.out, "\tfn_0_bb_0:s -> fn_0_bb_2:n [style=\"solid,bold\", color=black, weight=10, constraint=true];\n") != NULL);
	CHECK(strstr(c.out, "\tfn_1_bb_0:s -> fn_1_bb_1:n [style=\"invis\", constraint=true];\n}\n}\n") != NULL);
	CHECK(strstr(c.out, " \\> ") != NULL);  /* record labels escape < > | & */
	free(text);
	/* jited code */
	cli_run(&c, "prog dump jited pinned /sys/fs/bpf/t/pass");
	if (c.status == 0) {
		/* the program's own code from its prologue: no image header */
		CHECK(CLI_PREFIX(c.out, "int pass(struct xdp_md * ctx):\npass:\n"
				      "; int pass(struct xdp_md *ctx)\n; 0: (bf) r6 = r1\n"
				      "   0:\tpushq  %rbx\n"));
		cli_run(&c, "-j prog dump jited pinned /sys/fs/bpf/t/pass opcodes");
		CHECK(CLI_PREFIX(c.out, "[{\"proto\":\"int pass(struct xdp_md * ctx)\",\"name\":"
				      "\"pass\",\"insns\":[{\"src\":"));
		CHECK(strstr(c.out, "\"opcodes\":[\"0x") != NULL);
	} else {
		CHECK(strstr(c.err, "No disassembler support") != NULL);
	}
	cli_run(&c, "--interpret prog dump jited pinned /sys/fs/bpf/t/pass");
	CHECK_EQ(c.status, 255);
	CHECK_STR(c.err, "no instructions returned\n");
	/* errors */
	CLI_ERR(&c, 255, "Error: expected 'xlated' or 'jited', got: y\n", "prog dump y id 1");
	CLI_ERR(&c, 255, "Error: 'file' is not compatible with 'opcodes', 'visual', or 'linum'\n",
		"prog dump xlated id 1 file f opcodes");
	CLI_ERR(&c, 255, "Error: expected file path\n", "prog dump xlated id 1 file");
	cli_run(&c, "-j prog dump xlated id 1 visual");
	CHECK_STR(c.out, "{\"error\":\"'visual' is not compatible with JSON output\"}\n");
	CLI_ERR(&c, 255, "Error: can't open file /no/dir/f: No such file or directory\n",
		"prog dump xlated id 1 file /no/dir/f");
	cli_fini(&c);
}

TEST(cli_prog_load_options)
{
	long hits, events;
	int nmaps, i;
	struct cli c;
	char *p;

	REQUIRE(cli_init(&c) == 0);
	LOAD_TINY(&c);
	/* loadall pinned every program by name, pinmaps every map */
	cli_sh(&c, "ls fs/t fs/tm | tr '\\n' ' '");
	CHECK_STR(c.out, "fs/t: answer double_it emit pass  fs/tm: events hits tiny_rodata ");
	/* map reuse: the new program uses the pinned map (by name and by index) */
	cli_run(&c, "-j map show pinned /sys/fs/bpf/tm/hits");
	hits = cli_int_after(c.out, "\"id\":");
	cli_run(&c, "-j map show pinned /sys/fs/bpf/tm/events");
	events = cli_int_after(c.out, "\"id\":");
	REQUIRE(hits > 0 && events > 0);
	cli_run(&c, "-j map show");
	nmaps = 0;
	for (p = c.out; (p = strstr(p, "{\"id\":")); p++)
		nmaps++;
	CLI_OK(&c, "", "prog loadall tiny.o /sys/fs/bpf/r1 map name hits pinned /sys/fs/bpf/tm/hits "
		       "map name events id %ld", events);
	cli_run(&c, "-j prog show pinned /sys/fs/bpf/r1/pass");
	CHECK_EQ(cli_int_after(c.out, "\"map_ids\":["), hits);
	cli_run(&c, "-j prog show pinned /sys/fs/bpf/r1/emit");
	CHECK_EQ(cli_int_after(c.out, "\"map_ids\":["), events);
	cli_run(&c, "-j map show");
	for (p = c.out, i = 0; (p = strstr(p, "{\"id\":")); p++)
		i++;
	CHECK_EQ(i, nmaps + 1); /* only the new .rodata */
	CLI_ERR(&c, 255, "Error: unable to find map 'nope'\n", "prog load tiny.o /sys/fs/bpf/r3 map name nope id 2");
	CLI_ERR(&c, 255, "Error: map idx '7' not used\n", "prog load tiny.o /sys/fs/bpf/r3 map idx 7 id 2");
	cli_run(&c, "prog load tiny.o /sys/fs/bpf/r3 map idx 0 id %ld map idx 0 id %ld", hits, hits);
	CHECK_EQ(c.status, 255);
	CHECK(cli_has_line(c.err, "Error: replacement for map idx 0 specified more than once\n"));
	CLI_ERR(&c, 255, "Error: expected 'idx' or 'name', got: 'x'?\n",
		"prog load tiny.o /sys/fs/bpf/r3 map x 1 id 2");
	/* type: every program of the object takes it */
	if (cli_compile(&c, "tests/cli/plain.bpf.c", "plain.o") == 0) {
		CLI_OK(&c, "", "prog load plain.o /sys/fs/bpf/ty type xdp");
		cli_run(&c, "prog show pinned /sys/fs/bpf/ty");
		CHECK(strstr(c.out, ": xdp  name plain  tag ") != NULL);
		CLI_OK(&c, "", "prog load plain.o /sys/fs/bpf/ty2 type classifier");
		cli_run(&c, "prog show pinned /sys/fs/bpf/ty2");
		CHECK(strstr(c.out, ": sched_cls  name plain  tag ") != NULL);
	}
	CLI_ERR(&c, 255, "Error: failed to guess program type from 'nosuch'\n",
		"prog load tiny.o /sys/fs/bpf/r3 type nosuch");
	CLI_ERR(&c, 255, "Error: program type already specified\n",
		"prog load tiny.o /sys/fs/bpf/r3 type xdp type xdp");
	/* autoattach: hive has no attach points, so it pins */
	cli_run(&c, "prog load tiny.o /sys/fs/bpf/aa autoattach");
	CHECK_EQ(c.status, 0);
	CHECK_STR(c.err, "Program answer does not support autoattach, falling back to pinning\n");
	cli_run(&c, "prog show pinned /sys/fs/bpf/aa");
	CHECK_EQ(c.status, 0);
	/* failures leave nothing pinned */
	cli_write(&c, "junk.o", "not an elf", 10);
	cli_run(&c, "prog load junk.o /sys/fs/bpf/j");
	CHECK_EQ(c.status, 255);
	CHECK(cli_has_line(c.err, "Error: failed to open object file\n"));
	cli_run(&c, "prog loadall tiny.o /sys/fs/bpf/all pinmaps /tmp/not-hive-fs");
	CHECK_EQ(c.status, 255);
	CHECK(cli_has_line(c.err, "Error: '/tmp/not-hive-fs' is not in the hive file system"
				  " (") || strstr(c.err, "Error: failed to create dir") ||
	      strstr(c.err, "not in the hive file system"));
	cli_sh(&c, "ls fs/all | wc -l; ls fs/j 2>&1 | wc -l");
	CHECK_STR(c.out, "0\n1\n");
	CLI_ERR(&c, 255, "Error: 'load' needs at least 2 arguments, 1 found\n", "prog load tiny.o");
	CLI_ERR(&c, 255, "Error: expected no more arguments, 'type', 'map' or 'dev', got: 'zz'?\n",
		"prog load tiny.o /sys/fs/bpf/r3 zz");
	CLI_ERR(&c, 239, "Error: can't pin the object (/sys/fs/bpf/t/pass): File exists\n",
		"prog pin pinned /sys/fs/bpf/t/answer /sys/fs/bpf/t/pass");
	/* bpftool's message; the reason first, as a library warning would be */
	CLI_ERR(&c, 255, "can't pin program plain at /sys/fs/bpf/t/pass: File exists\n"
			 "Error: failed to pin program socket\n",
		"prog load plain.o /sys/fs/bpf/t/pass");
	CLI_ERR(&c, 255, "Error: can't mount BPF file system to pin the object (/sys/fs/bpf/no/p): "
			 "mount --make-private /sys/fs/bpf/no failed: No such file or directory\n",
		"prog load plain.o /sys/fs/bpf/no/p");
	CLI_ERR(&c, 255, "Error: no BPF file system found, not mounting it due to --nomount option\n",
		"-n prog pin pinned /sys/fs/bpf/t/pass /sys/fs/bpf/no/p");
	/* a refused program: its log between libbpf's markers, nothing pinned */
	if (cli_compile(&c, "tests/cli/refused.bpf.c", "refused.o") == 0) {
		cli_run(&c, "prog load refused.o /sys/fs/bpf/refused");
		CHECK_EQ(c.status, 255);
		CHECK(strstr(c.err, "refused.o: prog 'refused' (section 'xdp', 3 insns): "
				    "BPF program load failed: Permission denied\n") != NULL);
		CHECK(strstr(c.err, "refused.o: prog 'refused': -- BEGIN PROG LOAD LOG --\n0: R1=ctx() R10=fp0\n") != NULL);
		CHECK(strstr(c.err, "R1 offset is outside of the packet\nprocessed 2 insns") != NULL);
		CHECK(strstr(c.err, "-- END PROG LOAD LOG --\nrefused.o: prog 'refused': failed to load: -13\n") != NULL);
		CHECK(cli_has_line(c.err, "Error: failed to load object file\n"));
		cli_sh(&c, "ls fs/refused 2>&1 | wc -l");
		CHECK_STR(c.out, "1\n");
	}
	/* -d: the full verifier log of each program on stderr, as bpftool -d */
	cli_run(&c, "-d prog load plain.o /sys/fs/bpf/dbg");
	CHECK_EQ(c.status, 0);
	CHECK(strstr(c.err, "-- verifier log of 'plain' --\n") != NULL);
	cli_run(&c, "--debug -j prog show pinned /sys/fs/bpf/dbg");
	CHECK(c.status == 0 && CLI_PREFIX(c.out, "{\"id\":"));
	/* a loadall that meets a pin in its way takes back its own pins only */
	CLI_OK(&c, "", "prog pin pinned /sys/fs/bpf/t/pass /sys/fs/bpf/t/pass2 && mkdir fs/in_way && "
		       "mv fs/t/pass2 fs/in_way/pass");
	CLI_ERR(&c, 255, "can't pin program pass at /sys/fs/bpf/in_way/pass: File exists\n"
			 "Error: failed to pin all programs\n", "prog loadall tiny.o /sys/fs/bpf/in_way");
	cli_sh(&c, "ls fs/in_way");
	CHECK_STR(c.out, "pass\n");
	CLI_ERR(&c, 255, "Error: several programs match this handle\n", "prog pin name answer /sys/fs/bpf/x");
	CLI_ERR(&c, 255, "Error: incorrect object type: prog\n", "map show pinned /sys/fs/bpf/t/pass");
	CLI_ERR(&c, 255, "Error: expected 'id', 'tag', 'name' or 'pinned', got: 'foo'?\n", "prog show foo 1");
	CLI_ERR(&c, 255, "Error: can't parse tag\n", "prog show tag xyz");
	CLI_ERR(&c, 255, "Error: get by id (99): No such file or directory\n", "prog show id 99");
	cli_fini(&c);
}

TEST(cli_prog_tracelog_event_pipe)
{
	struct cli c;

	REQUIRE(cli_init(&c) == 0);
	LOAD_TINY(&c);
	/* trace lines of bpf_trace_printk, as trace_pipe shows them */
	cli_sh(&c, "( \"$HIVE\" prog tracelog > trace.txt & pid=$!; sleep 0.5; "
		   "\"$HIVE\" prog run pinned /sys/fs/bpf/t/answer ctx_in /dev/null >/dev/null; "
		   "sleep 0.5; kill -INT $pid; wait $pid ); cat trace.txt");
	CHECK(strstr(c.out, " bpf_trace_printk: hive cli says 42\n") != NULL);
	cli_sh(&c, "( \"$HIVE\" -j prog tracelog > trace.json & pid=$!; sleep 0.5; "
		   "\"$HIVE\" prog run pinned /sys/fs/bpf/t/answer ctx_in /dev/null >/dev/null; "
		   "sleep 0.5; kill -TERM $pid; wait $pid ); cat trace.json");
	CHECK(CLI_PREFIX(c.out, "[\"") && strstr(c.out, "hive cli says 42\\n\"]\n"));
	/* ring buffer records through event_pipe */
	cli_sh(&c, "( \"$HIVE\" map event_pipe pinned /sys/fs/bpf/tm/events > ev.txt & pid=$!; "
		   "sleep 0.5; \"$HIVE\" prog run name emit ctx_in /dev/null >/dev/null; sleep 0.5; "
		   "kill -INT $pid; wait $pid ); sed 's/@[0-9.]*/@T/' ev.txt");
	CHECK_STR(c.out, "== @T ringbuf size: 4 =====\n44 33 22 11\n"
			 "== @T ringbuf size: 8 =====\n08 07 06 05 04 03 02 01\n");
	cli_sh(&c, "( \"$HIVE\" -j map event_pipe pinned /sys/fs/bpf/tm/events > ev.json & pid=$!; "
		   "sleep 0.5; \"$HIVE\" prog run name emit ctx_in /dev/null >/dev/null; sleep 0.5; "
		   "kill -INT $pid; wait $pid ); sed 's/\"timestamp\":[0-9]*/\"timestamp\":T/g' ev.json");
	CHECK_STR(c.out, "[{\"timestamp\":T,\"type\":9,\"data\":[68,51,34,17]},"
			 "{\"timestamp\":T,\"type\":9,\"data\":[8,7,6,5,4,3,2,1]}]\n");
	cli_fini(&c);
}

TEST(cli_prog_array_values)
{
	struct cli c;

	REQUIRE(cli_init(&c) == 0);
	LOAD_TINY(&c);
	CLI_OK(&c, "", "map create /sys/fs/bpf/pa type prog_array key 4 value 4 entries 2 name pa");
	/* the value of a program array is a PROG; lookups return its id */
	CLI_OK(&c, "", "map update pinned /sys/fs/bpf/pa key 0 0 0 0 value pinned /sys/fs/bpf/t/pass");
	cli_run(&c, "map update pinned /sys/fs/bpf/pa key 1 0 0 0 value name pass");
	CHECK_EQ(c.status, 0);
	cli_run(&c, "map update pinned /sys/fs/bpf/pa key 1 0 0 0 value id 4");
	CHECK_EQ(c.status, 0);
	CHECK_STR(c.err, "Warning: updating program array via MAP_ID, make sure this map is kept open\n"
			 "         by some process or pinned otherwise update will be lost\n");
	CLI_OK(&c, "key: 00 00 00 00  value: 04 00 00 00\nkey: 01 00 00 00  value: 04 00 00 00\n"
		   "Found 2 elements\n", "map dump pinned /sys/fs/bpf/pa");
	cli_run(&c, "map show pinned /sys/fs/bpf/pa");
	CHECK(strstr(c.out, "\n\towner_prog_type xdp  \n") != NULL);
	CLI_ERR(&c, 255, "Error: not enough value arguments for map of progs\n",
		"map update pinned /sys/fs/bpf/pa key 0 0 0 0 value id");
	cli_fini(&c);
}
