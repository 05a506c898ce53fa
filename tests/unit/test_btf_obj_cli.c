/*
 * test_btf_obj_cli.c - hive's own objects with BTF through the CLI: the
 * same object (tests/cli/tiny.bpf.c) loaded by bpftool into the kernel and
 * by `hive prog loadall` into hive's bpf(); typed map dumps, BTF dumps of
 * maps, programs and ids, `btf show`, and xlated dumps with source lines
 * must print the same, once object ids, helper addresses and memory sizes
 * are masked. Skips when bpf() is not permitted, bpftool is missing or
 * /sys/fs/bpf is not a bpffs.
 */
#include <ctype.h>
#include <stdbool.h>

#include "test_cli_util.h"

/* Replace the numbers that name objects or kernel addresses by 'N'. */
static void mask(char *s)
{
	static const char *const keys[] = {
		"id:", "id ", "\"id\":", "_id\":", "btf_id ", "ids ", "ids\":[", "#", "memlock ",
		"\"bytes_memlock\":", "\"loaded_at\":", "id \"",
	};
	char *out = s, *p = s;
	bool line_start = true;

	while (*p) {
		bool num = false;

		/* helper calls print negative offsets from the call base */
		if (*p == '-' && out > s && out[-1] == '#' && isdigit((unsigned char)p[1]))
			p++;
		if (isdigit((unsigned char)*p)) {
			/* "N: " starting a `show` line */
			char *q = p;

			while (isdigit((unsigned char)*q))
				q++;
			if (line_start && *q == ':' && q[1] == ' ')
				num = true;
			for (size_t k = 0; !num && k < sizeof(keys) / sizeof(keys[0]); k++) {
				size_t n = strlen(keys[k]);

				if (out - s >= (long)n && !memcmp(out - n, keys[k], n))
					num = true;
			}
			/* the rest of an id list: "1,2,3" */
			if (!num && out > s && out[-1] == ',' && out - s >= 2 && out[-2] == 'N')
				num = true;
			if (num) {
				*out++ = 'N';
				p = q;
				line_start = false;
				continue;
			}
		}
		line_start = *p == '\n';
		*out++ = *p++;
	}
	*out = '\0';
}

/* The id of the BTF of pinned map @path, from `-j map show`. */
static long btf_id_of(struct cli *c, bool hive, const char *path)
{
	const char *p;

	if (hive)
		cli_run(c, "-j map show pinned %s", path);
	else
		cli_sh(c, "bpftool -j map show pinned %s", path);
	p = strstr(c->out, "\"btf_id\":");
	return p ? strtol(p + 9, NULL, 10) : -1;
}

TEST(btf_obj_cli_vs_bpftool)
{
	static const char *const cmds[] = {
		"map dump pinned M/hits", "-j map dump pinned M/hits", "-p map dump pinned M/hits",
		"map dump pinned M/tiny_rodata", "-j map dump pinned M/tiny_rodata",
		"-p map lookup pinned M/hits key 0 0 0 0", "map getnext pinned M/hits",
		"map show pinned M/hits", "-j map show pinned M/tiny_rodata",
		"prog dump xlated pinned P/emit linum", "-j prog dump xlated pinned P/emit linum",
		"prog dump xlated pinned P/answer linum", "-p prog dump xlated pinned P/double_it linum",
		"btf dump prog pinned P/pass", "btf dump prog pinned P/emit format c",
		"-j btf dump prog pinned P/answer", "btf dump map pinned M/hits",
		"btf dump map pinned M/hits value", "btf dump map pinned M/tiny_rodata format c",
		"btf dump map pinned M/hits kv format c", "-j btf dump map pinned M/hits all",
		"btf dump id B", "btf dump id B format c", "-j btf dump id B", "btf show id B",
		"-j btf show id B", "btf list id B",
	};
	char kpin[64], hpin[300], args[512], *theirs, *refused;
	const char *why;
	long kbtf, hbtf;
	struct cli c;
	size_t i;

	why = cli_kernel_skip();
	if (why)
		SKIP("%s", why);
	REQUIRE(cli_init(&c) == 0);
	snprintf(kpin, sizeof(kpin), "/sys/fs/bpf/hive-btfcli-%d", (int)getpid());
	refused = cli_kernel_load_tiny(&c, kpin);
	if (refused)
		SKIP("%s", refused);
	snprintf(hpin, sizeof(hpin), "%s/fs/t", c.dir);
	cli_sh(&c, "mkdir -p %s", hpin);
	cli_run(&c, "prog loadall tiny.o %s/p pinmaps %s/m", hpin, hpin);
	REQUIRE(c.status == 0);
	snprintf(args, sizeof(args), "%s/m/hits", kpin);
	kbtf = btf_id_of(&c, false, args);
	snprintf(args, sizeof(args), "%s/m/hits", hpin);
	hbtf = btf_id_of(&c, true, args);
	CHECK(kbtf > 0 && hbtf > 0);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char hargs[512];

		/* P, M: the pin directories; B: the BTF id */
		cli_expand_pins(cmds[i], kpin, kbtf, args, sizeof(args));
		cli_expand_pins(cmds[i], hpin, hbtf, hargs, sizeof(hargs));
		cli_sh(&c, "bpftool %s", args);
		theirs = strdup(c.out);
		if (!theirs)
			break;
		cli_run(&c, "%s", hargs);
		mask(theirs);
		mask(c.out);
		if (strcmp(theirs, c.out) || c.status)
			test_fail(__FILE__, __LINE__, "hive %s differs from bpftool:\n%.700s\n-- bpftool:\n%.700s",
				  hargs, c.out, theirs);
		free(theirs);
	}
	cli_sh(&c, "rm -rf %s", kpin);
	cli_fini(&c);
}
