/*
 * test_cli_jited.c - the per-function JIT fields of bpf_prog_info
 * (jited_ksyms, jited_func_lens, jited_line_info) and `hive prog dump
 * jited` built on them: tests/cli/tiny.bpf.c (XDP program `pass` calling
 * subprogram `twice`, with BTF func and line info) loaded into hive by
 * the binary and read back in-process; the same object loaded into the
 * kernel by bpftool gives the counts and user-buffer rules to match.
 */
#include <linux/bpf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hive/hive_bpf.h"
#include "test_cli_util.h"

#define MAXF 8
#define MAXL 64

struct jinfo {
	struct bpf_prog_info info;
	uint64_t ksyms[MAXF], linfo[MAXL];
	uint32_t lens[MAXF];
	struct bpf_line_info lines[MAXL];
};

static int get_info(bool kern, int fd, struct bpf_prog_info *in)
{
	uint32_t len = sizeof(*in);
	union bpf_attr a;

	if (!kern)
		return hive_obj_get_info_by_fd(fd, in, &len);
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = len;
	a.info.info = (uint64_t)(uintptr_t)in;
	return syscall(SYS_bpf, BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a)) ? -1 : 0;
}

/* Counts first, then the arrays with @ucnt ksyms (the rest full size). */
static int read_jinfo(bool kern, int fd, uint32_t ucnt, struct jinfo *j)
{
	struct bpf_prog_info first;

	memset(&first, 0, sizeof(first));
	memset(j, 0, sizeof(*j));
	if (get_info(kern, fd, &first) || first.nr_jited_ksyms > MAXF ||
	    first.nr_jited_line_info > MAXL || first.nr_line_info > MAXL)
		return -1;
	j->info.nr_jited_ksyms = ucnt;
	j->info.jited_ksyms = (uint64_t)(uintptr_t)j->ksyms;
	j->info.nr_jited_func_lens = MAXF;
	j->info.jited_func_lens = (uint64_t)(uintptr_t)j->lens;
	j->info.nr_jited_line_info = first.nr_jited_line_info;
	j->info.jited_line_info_rec_size = 8;
	j->info.jited_line_info = (uint64_t)(uintptr_t)j->linfo;
	j->info.nr_line_info = first.nr_line_info;
	j->info.line_info_rec_size = sizeof(struct bpf_line_info);
	j->info.line_info = (uint64_t)(uintptr_t)j->lines;
	return get_info(kern, fd, &j->info);
}

static int kernel_obj_get(const char *path)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.pathname = (uint64_t)(uintptr_t)path;
	return (int)syscall(SYS_bpf, BPF_OBJ_GET, &a, sizeof(a));
}

/* Load tiny.bpf.c into hive (pins under c->dir/fs/t). */
static void load_tiny(struct cli *c)
{
	REQUIRE(cli_init(c) == 0);
	if (cli_compile(c, "tests/cli/tiny.bpf.c", "tiny.o"))
		SKIP("clang cannot build tests/cli/tiny.bpf.c");
	cli_sh(c, "mkdir -p $HIVE_FS/t");
	cli_run(c, "prog loadall tiny.o %s/fs/t/p pinmaps %s/fs/t/m", c->dir, c->dir);
	REQUIRE(c->status == 0);
}

TEST(jited_info_fields)
{
	char path[256];
	struct jinfo h, k, trunc;
	uint32_t i, sum = 0;
	struct cli c;
	int fd;

	load_tiny(&c);
	setenv("HIVE_FS", cli_path(&c, "fs"), 1);
	snprintf(path, sizeof(path), "%s/t/p/pass", cli_path(&c, "fs"));
	fd = hive_obj_get(path);
	REQUIRE(fd >= 0);
	REQUIRE(read_jinfo(false, fd, MAXF, &h) == 0);
	if (!h.info.jited_prog_len)
		SKIP("program not JIT-compiled on this host");
	/* pass and twice */
	CHECK_EQ(h.info.nr_jited_ksyms, 2);
	CHECK_EQ(h.info.nr_jited_func_lens, 2);
	CHECK_EQ(h.info.nr_jited_line_info, h.info.nr_line_info);
	CHECK(h.info.nr_line_info > 2);
	CHECK_EQ(h.info.jited_line_info_rec_size, 8);
	for (i = 0; i < h.info.nr_jited_ksyms && i < MAXF; i++) {
		CHECK(h.lens[i] > 0);
		CHECK(h.ksyms[i] >= h.ksyms[0] && h.ksyms[i] < h.ksyms[0] + h.info.jited_prog_len);
		if (i)
			CHECK_EQ(h.ksyms[i], h.ksyms[i - 1] + h.lens[i - 1]);
		sum += h.lens[i];
	}
	CHECK(sum <= h.info.jited_prog_len);
	/* each function's first line record is its first byte; the others
	 * lie inside the image, in order */
	CHECK_EQ(h.linfo[0], h.ksyms[0]);
	for (i = 0; i < h.info.nr_jited_line_info && i < MAXL; i++) {
		CHECK(h.linfo[i] >= h.ksyms[0] && h.linfo[i] < h.ksyms[0] + sum);
		if (i)
			CHECK(h.linfo[i] >= h.linfo[i - 1]);
		if (i && h.linfo[i] == h.ksyms[1])
			CHECK(h.lines[i].insn_off > 0);
	}
	/* user-buffer rule: one ksym asked, one written, full count reported */
	REQUIRE(read_jinfo(false, fd, 1, &trunc) == 0);
	CHECK_EQ(trunc.info.nr_jited_ksyms, 2);
	CHECK_EQ(trunc.ksyms[0], h.ksyms[0]);
	CHECK_EQ(trunc.ksyms[1], 0);
	/* a wrong jited_line_info_rec_size is EINVAL */
	{
		struct bpf_prog_info bad;

		memset(&bad, 0, sizeof(bad));
		bad.nr_jited_line_info = 1;
		bad.jited_line_info_rec_size = 4;
		bad.jited_line_info = (uint64_t)(uintptr_t)h.linfo;
		CHECK(get_info(false, fd, &bad) != 0);
		/* a count with no buffer is EFAULT (kernel, checked below) */
		memset(&bad, 0, sizeof(bad));
		bad.nr_jited_ksyms = 2;
		CHECK(get_info(false, fd, &bad) != 0);
	}
	/* the offsets of each instruction's code (hive extension) */
	{
		uint32_t offs[MAXL * 2];
		int n = hive_prog_jited_insn_offsets(fd, offs, MAXL * 2);

		CHECK(n > 0 && n <= MAXL * 2);
		for (i = 0; n > 0 && i < (uint32_t)n && i < MAXL * 2; i++) {
			CHECK(offs[i] < sum);
			if (i)
				CHECK(offs[i] >= offs[i - 1]);
		}
		for (i = 0; i < h.info.nr_line_info && n > 0; i++)
			CHECK(h.lines[i].insn_off < (uint32_t)n &&
			      h.linfo[i] == h.ksyms[0] + offs[h.lines[i].insn_off]);
		CHECK_EQ(hive_prog_jited_insn_offsets(fd, NULL, 0), n);
		CHECK_EQ(hive_prog_jited_insn_offsets(fd, NULL, 1), -EINVAL);
		CHECK(hive_prog_jited_insn_offsets(-1, offs, 1) < 0);
	}
	close(fd);

	/* the kernel, same object: same counts and the same buffer rules */
	if (!test_kernel_bpf_available()) {
		cli_fini(&c);
		SKIP("bpf() not permitted: kernel comparison not run");
	}
	snprintf(path, sizeof(path), "/sys/fs/bpf/hive-jited-%d", (int)getpid());
	cli_sh(&c, "bpftool version >/dev/null && mkdir %s && bpftool prog loadall tiny.o %s/p",
	       path, path);
	if (c.status) {
		cli_sh(&c, "rm -rf %s", path);
		cli_fini(&c);
		SKIP("bpftool or the kernel cannot load tests/cli/tiny.bpf.c");
	}
	strcat(path, "/p/pass");
	fd = kernel_obj_get(path);
	CHECK(fd >= 0);
	if (fd >= 0) {
		CHECK(read_jinfo(true, fd, MAXF, &k) == 0);
		CHECK_EQ(k.info.nr_jited_ksyms, h.info.nr_jited_ksyms);
		CHECK_EQ(k.info.nr_jited_func_lens, h.info.nr_jited_func_lens);
		CHECK_EQ(k.info.nr_jited_line_info, h.info.nr_jited_line_info);
		CHECK_EQ(k.info.jited_line_info_rec_size, h.info.jited_line_info_rec_size);
		CHECK_EQ(k.linfo[0], k.ksyms[0]);
		CHECK(read_jinfo(true, fd, 1, &trunc) == 0);
		CHECK_EQ(trunc.info.nr_jited_ksyms, 2);
		CHECK_EQ(trunc.ksyms[1], 0);
		memset(&trunc.info, 0, sizeof(trunc.info));
		trunc.info.nr_jited_ksyms = 2;
		CHECK(get_info(true, fd, &trunc.info) != 0);
		close(fd);
	}
	path[strlen(path) - strlen("/p/pass")] = '\0';
	cli_sh(&c, "rm -rf %s", path);
	cli_fini(&c);
}

TEST(jited_dump_functions_and_lines)
{
	struct cli c;
	const char *p, *q;

	load_tiny(&c);
	cli_run(&c, "prog dump jited pinned %s/fs/t/p/pass", c.dir);
	if (c.status && strstr(c.err, "disassembler")) {
		cli_fini(&c);
		SKIP("hive built without libcapstone");
	}
	REQUIRE(c.status == 0);
	/* bpftool's layout: prototype line, name line, then the code */
	/* hive's programs: the eBPF instruction before its block */
	p = strstr(c.out, "int pass(struct xdp_md * ctx):\npass:\n; int pass(struct xdp_md *ctx)\n"
			  "; 0: (bf) r6 = r1\n   0:\t");
	CHECK(p != NULL);
	q = strstr(c.out, "\n\nint twice(int x):\ntwice:\n"
			  "; static __attribute__((noinline)) int twice(int x)\n; ");
	CHECK(q != NULL);
	CHECK(p && q && q > p);
	CHECK(q && strstr(q, "\n; return x * 2;\n") != NULL);
	CHECK(strstr(c.out, "\n; if (n)\n") != NULL);
	CHECK(strstr(c.out, "; 7: (18) r1 = map[id:") != NULL);
	CHECK(strstr(c.out, "call bpf_map_lookup_elem#1\n") != NULL);
	CHECK(q && strstr(q, ": (95) exit\n") != NULL);
	CHECK(strstr(c.out, "; return twice(ctx->rx_queue_index + 1); /* XDP_PASS on queue 0 */\n")
	      != NULL);
	cli_run(&c, "prog dump jited pinned %s/fs/t/p/pass linum", c.dir);
	CHECK(c.status == 0);
	CHECK(strstr(c.out, "; return x * 2; [file:") != NULL);
	CHECK(strstr(c.out, "tiny.bpf.c line_num:34 line_col:") != NULL);
	cli_run(&c, "-j prog dump jited pinned %s/fs/t/p/pass opcodes", c.dir);
	CHECK(c.status == 0);
	CHECK(strstr(c.out, "[{\"proto\":\"int pass(struct xdp_md * ctx)\",\"name\":\"pass\","
			    "\"insns\":[{\"src\":\"int pass(struct xdp_md *ctx)\","
			    "\"xlated\":[\"0: (bf) r6 = r1\"],\"pc\":\"0x0\",\"operation\":") != NULL);
	CHECK(strstr(c.out, "{\"proto\":\"int twice(int x)\",\"name\":\"twice\",\"insns\":[") != NULL);
	CHECK(strstr(c.out, "\"opcodes\":[\"0x") != NULL);
	cli_fini(&c);
}
