/*
 * test_cli_btf.c - `hive btf`: dumps of object files and of the kernel's
 * BTF compared byte for byte with bpftool (raw, JSON and C), the C header
 * compiled with clang, and the error paths.
 */
#include <dirent.h>

#include "test_cli_util.h"

static int have_bpftool(struct cli *c)
{
	cli_sh(c, "bpftool version");
	return c->status == 0;
}

/* `hive ARGS` and `bpftool ARGS` print the same bytes. */
static void same_as_bpftool(struct cli *c, const char *args)
{
	char *ours;

	cli_sh(c, "\"$HIVE\" %s", args);
	ours = strdup(c->out);
	if (!ours || c->status)
		test_fail(__FILE__, __LINE__, "hive %s: exit %d: %s", args, c->status, c->err);
	cli_sh(c, "bpftool %s", args);
	if (ours && strcmp(ours, c->out))
		test_fail(__FILE__, __LINE__, "hive %s differs from bpftool (%zu vs %zu bytes)", args,
			  strlen(ours), strlen(c->out));
	free(ours);
}

TEST(cli_btf_dump_objects_vs_bpftool)
{
	const char *dir = test_build_path("tests/progs");
	struct dirent *e;
	struct cli c;
	char args[1024];
	int n = 0;
	DIR *d;

	REQUIRE(cli_init(&c) == 0);
	if (!have_bpftool(&c))
		SKIP("bpftool not installed");
	d = opendir(dir);
	REQUIRE(d);
	/* one shell for all objects: hive and bpftool must print the same bytes */
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len < 6 || strcmp(e->d_name + len - 6, ".bpf.o"))
			continue;
		n++;
	}
	cli_sh(&c, "for f in $OBJ/*.bpf.o; do for a in '' 'format c'; do "
		   "\"$HIVE\" btf dump file $f $a > a.out 2>&1; bpftool btf dump file $f $a > b.out 2>&1; "
		   "cmp -s a.out b.out || echo \"differs: $f $a\"; done; done; "
		   "for f in $OBJ/global_data.bpf.o $OBJ/map_types.bpf.o $OBJ/spin_lock.bpf.o; do "
		   "\"$HIVE\" -j btf dump file $f > a.out; bpftool -j btf dump file $f > b.out; "
		   "cmp -s a.out b.out || echo \"differs: -j $f\"; done");
	CHECK_STR(c.out, "");
	(void)args;
	closedir(d);
	CHECK(n >= 20);
	cli_fini(&c);
}

TEST(cli_btf_dump_vmlinux)
{
	struct cli c;

	REQUIRE(cli_init(&c) == 0);
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		SKIP("no /sys/kernel/btf/vmlinux");
	if (have_bpftool(&c)) {
		/* identical to bpftool's vmlinux.h, which BPF programs compile with */
		same_as_bpftool(&c, "btf dump file /sys/kernel/btf/vmlinux format c");
		same_as_bpftool(&c, "btf dump file /sys/kernel/btf/vmlinux");
		cli_fini(&c);
		return;
	}
	/* the header compiles, for BPF programs and with every type used */
	cli_sh(&c, "\"$HIVE\" btf dump file /sys/kernel/btf/vmlinux format c > vmlinux.h && "
		   "printf '#include \"vmlinux.h\"\\nint f(struct task_struct *t) { return t->pid; }\\n"
		   "_Static_assert(sizeof(struct task_struct) > 1000, \"size\");\\n' > use.c && "
		   "clang -O2 -target bpf -c use.c -o use.o");
	if (c.status && strstr(c.err, "not found"))
		SKIP("clang not installed");
	CHECK_EQ(c.status, 0);
	cli_fini(&c);
}

TEST(cli_btf_dump_formats)
{
	struct cli c;

	REQUIRE(cli_init(&c) == 0);
	if (cli_compile(&c, "tests/cli/plain.bpf.c", "plain.o"))
		SKIP("clang cannot build tests/cli/plain.bpf.c");
	/* raw: one line per type, members indented; JSON under "types" */
	cli_run(&c, "btf dump file plain.o");
	CHECK_EQ(c.status, 0);
	CHECK(strstr(c.out, "[1] PTR '(anon)' type_id=0\n") != NULL);
	CHECK(strstr(c.out, " FUNC 'plain' type_id=") != NULL);
	CHECK(strstr(c.out, " DATASEC 'license' size=0 vlen=1\n\ttype_id=") != NULL);
	cli_run(&c, "-j btf dump file plain.o format raw");
	CHECK(CLI_PREFIX(c.out, "{\"types\":[{\"id\":1,\"kind\":\"PTR\",\"name\":\"(anon)\",\"type_id\":0}"));
	cli_run(&c, "btf dump file plain.o format c");
	CHECK(CLI_PREFIX(c.out, "#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n\n"));
	CHECK(strstr(c.out, "#endif /* __VMLINUX_H__ */\n") != NULL);
	/* errors */
	CLI_ERR(&c, 254, "Error: failed to load BTF from nofile: No such file or directory\n",
		"btf dump file nofile");
	cli_write(&c, "junk", "\x9f\xeb\x01\x00\x18\x00\x00\x00", 8);
	cli_run(&c, "btf dump file junk");
	CHECK_EQ(c.status, 255);
	CHECK(cli_has_line(c.err, "Error: failed to load BTF from junk: Malformed BTF\n"));
	CLI_ERR(&c, 234, "Error: unrecognized format specifier: 'd', possible values: raw, c\n",
		"btf dump file plain.o format d");
	CLI_ERR(&c, 234, "Error: unrecognized option: 'bogus'\n", "btf dump file plain.o bogus");
	CLI_ERR(&c, 255, "Error: unrecognized BTF source specifier: 'foo'\n", "btf dump foo 1");
	CLI_ERR(&c, 234, "Error: expecting value for 'format' option\n", "btf dump file plain.o format");
	CLI_ERR(&c, 255, "Error: can't parse x as ID\n", "btf dump id x");
	cli_run(&c, "-j btf dump file plain.o format c");
	CHECK_STR(c.out, "{\"error\":\"JSON output for C-syntax dump is not supported\"}\n");
	CHECK_EQ(c.status, 161);
	/* exit codes are bpftool's: -errno where it has one */
	CLI_ERR(&c, 254, "Error: can't get BTF object by id (999999): No such file or directory\n",
		"btf dump id 999999");
	/* maps and programs name their BTF by id */
	CLI_OK(&c, "", "map create /sys/fs/bpf/m type hash key 4 value 4 entries 1 name m");
	CLI_ERR(&c, 255, "Error: map has no BTF\n", "btf dump map pinned /sys/fs/bpf/m");
	CLI_ERR(&c, 255, "Error: expected 'id', got: 'x'?\n", "btf show x 1");
	CLI_ERR(&c, 255, "Error: what is 'x'?\n", "btf show x");
	cli_fini(&c);
}
