/*
 * test_verifier_func_info.c - malformed program BTF records: func_info
 * that does not match the subprograms (count, offsets, type ids) and
 * line_info with offsets and strings out of range.
 *
 * Through BPF_PROG_LOAD (hive_bpf() against the live kernel's bpf(): same
 * errno, same log up to the kernel's trailing statistics line) and through
 * hive_verify(), whose callers hand the
 * records over directly: every bad record is a clear EINVAL with the
 * kernel's message, never a crash; an old-sized hive_verify_opts (before
 * the BTF fields) ignores them.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness.h"
#include "hive/hive_bpf.h"
#include "hive/hive_btf.h"
#include "hive/hive_insn.h"
#include "hive/hive_verifier.h"

/* [1] int, [2] int (void), [3] FUNC main (global), [4] FUNC f (static) */
static const char strs[] = "\0int\0main\0f\0r0 = 0;\0prog.c";
static const uint32_t types[] = {
	1, BTF_KIND_INT << 24, 4, (BTF_INT_SIGNED << 24) | 32,
	0, BTF_KIND_FUNC_PROTO << 24, 1,
	5, (BTF_KIND_FUNC << 24) | BTF_FUNC_GLOBAL, 2,
	10, BTF_KIND_FUNC << 24, 2,
};

static size_t btf_blob(uint8_t *out)
{
	struct btf_header h = { BTF_MAGIC, BTF_VERSION, 0, sizeof(h), 0, sizeof(types),
				sizeof(types), sizeof(strs) };

	memcpy(out, &h, sizeof(h));
	memcpy(out + sizeof(h), types, sizeof(types));
	memcpy(out + sizeof(h) + sizeof(types), strs, sizeof(strs));
	return sizeof(h) + sizeof(types) + sizeof(strs);
}

/* main: call f; exit.  f (pc 3): r0 = 0; exit */
static const struct hive_insn prog[] = {
	HIVE_INSN(HIVE_JMP | HIVE_CALL, 0, HIVE_PSEUDO_CALL, 0, 2),
	HIVE_MOV64_IMM(0, 0),
	HIVE_EXIT_INSN(),
	HIVE_MOV64_IMM(0, 0),
	HIVE_EXIT_INSN(),
};

struct fi_case {
	const char *name;
	struct bpf_func_info fi[3];
	uint32_t cnt;
	const char *msg;      /* the log line both must print */
};

static const struct fi_case cases[] = {
	{ "one record for two functions", { { 0, 3 } }, 1,
	  "number of funcs in func_info doesn't match number of subprogs" },
	{ "three records for two functions", { { 0, 3 }, { 3, 4 }, { 4, 4 } }, 3,
	  "number of funcs in func_info doesn't match number of subprogs" },
	{ "second record off the function start", { { 0, 3 }, { 2, 4 } }, 2,
	  "func_info BTF section doesn't match subprog layout in BPF program" },
	{ "type id of an INT", { { 0, 3 }, { 3, 1 } }, 2, "invalid type id 1 in func info" },
	{ "type id past the BTF", { { 0, 3 }, { 3, 999 } }, 2, "invalid type id 999 in func info" },
};

static long hbpf(int cmd, union bpf_attr *a)
{
	return hive_bpf(cmd, a, sizeof(*a));
}

static long kbpf(int cmd, union bpf_attr *a)
{
	return syscall(SYS_bpf, cmd, a, sizeof(*a));
}

/* PROG_LOAD with @c's func_info: -errno (the log in @log) or 0. */
static int load(long (*bpf)(int, union bpf_attr *), const struct fi_case *c, char *log,
		size_t log_size)
{
	uint8_t blob[256];
	union bpf_attr a;
	int btf_fd, fd, err = 0;

	memset(&a, 0, sizeof(a));
	a.btf = (uintptr_t)blob;
	a.btf_size = (uint32_t)btf_blob(blob);
	btf_fd = (int)bpf(BPF_BTF_LOAD, &a);
	if (btf_fd < 0)
		return -1000 - errno;
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = (uintptr_t)prog;
	a.insn_cnt = sizeof(prog) / sizeof(prog[0]);
	a.license = (uintptr_t)"GPL";
	a.prog_btf_fd = (uint32_t)btf_fd;
	a.func_info = (uintptr_t)c->fi;
	a.func_info_cnt = c->cnt;
	a.func_info_rec_size = sizeof(c->fi[0]);
	a.log_buf = (uintptr_t)log;
	a.log_size = (uint32_t)log_size;
	a.log_level = 1;
	log[0] = 0;
	fd = (int)bpf(BPF_PROG_LOAD, &a);
	if (fd < 0)
		err = -errno;
	else
		close(fd);
	close(btf_fd);
	return err;
}

TEST(verifier_func_info_malformed_prog_load)
{
	char hlog[4096], klog[4096];
	bool kernel = test_kernel_bpf_available();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct fi_case *c = &cases[i];
		int h = load(hbpf, c, hlog, sizeof(hlog));

		if (h != -EINVAL || !strstr(hlog, c->msg))
			test_fail(__FILE__, __LINE__, "%s: hive %d \"%s\"", c->name, h, hlog);
		if (!kernel)
			continue;
		/* the kernel then prints its statistics line, which hive's
		 * PROG_LOAD does not (known difference, docs/verifier.md): the
		 * logs must agree up to it */
		if (load(kbpf, c, klog, sizeof(klog)) != h || strncmp(hlog, klog, strlen(hlog)) ||
		    !strstr(klog, c->msg))
			test_fail(__FILE__, __LINE__, "%s: hive %d \"%s\", kernel \"%s\"", c->name, h,
				  hlog, klog);
	}
	/* the good records load on both */
	{
		const struct fi_case ok = { "good", { { 0, 3 }, { 3, 4 } }, 2, "" };

		CHECK_EQ(load(hbpf, &ok, hlog, sizeof(hlog)), 0);
		if (kernel)
			CHECK_EQ(load(kbpf, &ok, klog, sizeof(klog)), 0);
	}
}

TEST(verifier_func_info_malformed_hive_verify)
{
	struct hive_verify_opts o = HIVE_VERIFY_OPTS_INIT;
	struct bpf_func_info good[2] = { { 0, 3 }, { 3, 4 } };
	struct bpf_line_info li[3] = {
		{ 0, 20, 12, 1 << 10 },          /* "prog.c", "r0 = 0;", line 1 */
		{ 3, 0xfffffff0u, 0xfffffff0u, 7 << 10 },  /* strings out of range */
		{ 1000, 20, 12, 9 << 10 },       /* past the program */
	};
	uint8_t blob[256];
	struct hive_btf *btf = hive_btf__new(blob, btf_blob(blob));
	char log[4096];
	uint32_t cnt = sizeof(prog) / sizeof(prog[0]);

	REQUIRE(btf);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		o = (struct hive_verify_opts)HIVE_VERIFY_OPTS_INIT;
		o.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
		o.log_level = 1;
		o.log_buf = log;
		o.log_size = sizeof(log);
		o.btf = btf;
		o.func_info = cases[i].fi;
		o.func_info_cnt = cases[i].cnt;
		CHECK_EQ(hive_verify(prog, cnt, &o), -EINVAL);
		if (!strstr(log, cases[i].msg))
			test_fail(__FILE__, __LINE__, "%s: \"%s\"", cases[i].name, log);
	}
	/* records without a BTF to read them */
	o.btf = NULL;
	o.func_info = good;
	o.func_info_cnt = 2;
	CHECK_EQ(hive_verify(prog, cnt, &o), -EINVAL);
	CHECK(strstr(log, "func_info without BTF") != NULL);
	/* good func_info, line_info with offsets and strings out of range:
	 * accepted, the log reads what it can */
	o.btf = btf;
	o.line_info = li;
	o.line_info_cnt = 3;
	o.log_level = 2;
	CHECK_EQ(hive_verify(prog, cnt, &o), 0);
	CHECK(strstr(log, "; r0 = 0; @ prog.c:1\n") != NULL);
	CHECK(strstr(log, ";  @ :7\n") != NULL);
	/* an options struct from before the BTF fields: the records are not read */
	o = (struct hive_verify_opts)HIVE_VERIFY_OPTS_INIT;
	o.sz = offsetof(struct hive_verify_opts, btf);
	o.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	o.btf = btf;
	o.func_info = cases[0].fi;
	o.func_info_cnt = cases[0].cnt;
	CHECK_EQ(hive_verify(prog, cnt, &o), 0);
	hive_btf__free(btf);
}
