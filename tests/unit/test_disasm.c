/*
 * test_disasm.c - the disassembler against the live kernel and bpftool, and
 * the assemble/disassemble identity over every opcode of isa_table.
 *
 * The kernel test loads a program that uses every instruction class the
 * verifier accepts in a socket filter, fetches the kernel's xlated
 * instructions, and compares `bpftool prog dump xlated id N` (plain, with
 * "opcodes", and -j) line by line with hive_disasm() of the same
 * instructions: the kernel's rewrites (div checks, ...) are in both.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "hive/hive_asm.h"
#include "isa/isa.h"
#include "util/util.h"

/* ---- the kernel oracle ------------------------------------------------- */

/* Every instruction form a privileged socket filter may use (no calls, no maps). */
static const char kernel_prog[] =
	"r6 = r1\n"
	"r1 = 5\n"
	"r2 = -7\n"
	"w3 = 9\n"
	"w4 = -2\n"
	"r1 += 3\n r1 += r2\n r1 -= 4\n r1 -= r2\n r1 *= 3\n r1 *= r2\n r1 /= 3\n r1 /= r2\n"
	"r1 |= 3\n r1 |= r2\n r1 &= 0x7fffffff\n r1 &= r2\n r1 <<= 3\n r1 <<= r2\n"
	"r1 >>= 3\n r1 >>= r2\n r1 %= 7\n r1 %= r2\n r1 ^= 3\n r1 ^= r2\n r1 s>>= 3\n r1 s>>= r2\n"
	"r1 s/= 3\n r1 s/= r2\n r1 s%= 3\n r1 s%= r2\n"
	"w3 += 3\n w3 += w4\n w3 -= 4\n w3 -= w4\n w3 *= 3\n w3 *= w4\n w3 /= 3\n w3 /= w4\n"
	"w3 |= 3\n w3 |= w4\n w3 &= 3\n w3 &= w4\n w3 <<= 3\n w3 <<= w4\n"
	"w3 >>= 3\n w3 >>= w4\n w3 %= 7\n w3 %= w4\n w3 ^= 3\n w3 ^= w4\n w3 s>>= 3\n w3 s>>= w4\n"
	"w3 s/= 3\n w3 s/= w4\n w3 s%= 3\n w3 s%= w4\n"
	"r1 = -r1\n w3 = -w3\n r5 = r1\n w5 = w3\n"
	"r1 = be16 r1\n r1 = be32 r1\n r1 = be64 r1\n r1 = le16 r1\n r1 = le32 r1\n r1 = le64 r1\n"
	"r1 = bswap16 r1\n r1 = bswap32 r1\n r1 = bswap64 r1\n"
	"r5 = (s8)r1\n r5 = (s16)r1\n r5 = (s32)r1\n w5 = (s8)w3\n w5 = (s16)w3\n"
	"*(u64 *)(r10 -8) = r1\n *(u32 *)(r10 -12) = r3\n *(u16 *)(r10 -14) = r3\n"
	"*(u8 *)(r10 -15) = r3\n *(u8 *)(r10 -16) = 1\n *(u16 *)(r10 -18) = -2\n"
	"*(u32 *)(r10 -24) = 3\n *(u64 *)(r10 -32) = -4\n"
	"r7 = *(u64 *)(r10 -8)\n r7 = *(u32 *)(r10 -12)\n r7 = *(u16 *)(r10 -14)\n"
	"r7 = *(u8 *)(r10 -15)\n r7 = *(s32 *)(r10 -12)\n r7 = *(s16 *)(r10 -14)\n"
	"r7 = *(s8 *)(r10 -15)\n"
	"lock *(u64 *)(r10 -8) += r1\n lock *(u64 *)(r10 -8) |= r1\n"
	"lock *(u64 *)(r10 -8) &= r1\n lock *(u64 *)(r10 -8) ^= r1\n"
	"r1 = atomic64_fetch_add((u64 *)(r10 -8), r1)\n r1 = atomic64_fetch_or((u64 *)(r10 -8), r1)\n"
	"r1 = atomic64_fetch_and((u64 *)(r10 -8), r1)\n r1 = atomic64_fetch_xor((u64 *)(r10 -8), r1)\n"
	"r1 = atomic64_xchg((u64 *)(r10 -8), r1)\n r0 = 0\n"
	"r0 = atomic64_cmpxchg((u64 *)(r10 -8), r0, r1)\n"
	"lock *(u32 *)(r10 -24) += r3\n r3 = atomic_fetch_or((u32 *)(r10 -24), r3)\n"
	"r3 = atomic_xchg((u32 *)(r10 -24), r3)\n r0 = atomic_cmpxchg((u32 *)(r10 -24), r0, r3)\n"
	"if r1 == 0x5 goto pc+0\n if r1 != r2 goto pc+0\n if r1 > 0x5 goto pc+0\n"
	"if r1 >= r2 goto pc+0\n if r1 < 0xfffffffb goto pc+0\n if r1 <= r2 goto pc+0\n"
	"if r1 & 0x5 goto pc+0\n if r1 s> r2 goto pc+0\n if r1 s>= 0x5 goto pc+0\n"
	"if r1 s< r2 goto pc+0\n if r1 s<= 0x5 goto pc+0\n"
	"if w3 == 0x5 goto pc+0\n if w3 != w4 goto pc+0\n if w3 > 0x5 goto pc+0\n"
	"if w3 >= w4 goto pc+0\n if w3 < 0x5 goto pc+0\n if w3 <= w4 goto pc+0\n"
	"if w3 & w4 goto pc+0\n if w3 s> 0x5 goto pc+0\n if w3 s>= w4 goto pc+0\n"
	"if w3 s< 0x5 goto pc+0\n if w3 s<= w4 goto pc+0\n"
	"goto pc+0\n gotol pc+0\n"
	"r1 = 0x123456789abcdef0 ll\n r1 = 0x0 ll\n"
	"r0 = 0\n exit\n";

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/*
 * Load @insns as a socket filter; return its fd, with the kernel's xlated
 * instructions in *xl (malloc'd) and the program id in *id.
 */
static int kernel_load(const struct hive_insn *insns, uint32_t cnt, struct hive_insn **xl,
		       uint32_t *xcnt, uint32_t *id, char *log, size_t loglen)
{
	struct bpf_prog_info info;
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = cnt;
	attr.license = (uintptr_t)"GPL";
	attr.log_buf = (uintptr_t)log;
	attr.log_size = (uint32_t)loglen;
	attr.log_level = 2;
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0)
		return -errno;
	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (uint32_t)fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (uintptr_t)&info;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr))
		goto fail;
	*xcnt = info.xlated_prog_len / 8;
	*id = info.id;
	*xl = calloc(*xcnt ? *xcnt : 1, 8);
	if (!*xl)
		goto fail;
	memset(&info, 0, sizeof(info));
	info.xlated_prog_len = *xcnt * 8;
	info.xlated_prog_insns = (uintptr_t)*xl;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr)) {
		free(*xl);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -errno;
}

/* Output of a shell command, malloc'd; NULL if it failed. */
static char *run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!p)
		return NULL;
	do {
		if (n + 4096 > cap) {
			char *nb = realloc(buf, cap + 65536);

			if (!nb)
				break;
			buf = nb;
			cap += 65536;
		}
		r = fread(buf + n, 1, cap - n - 1, p);
		n += r;
	} while (r);
	if (buf)
		buf[n] = '\0';
	if (pclose(p) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/*
 * Whether the kernel's instruction at @pc has only the fields the text
 * shows (the kernel also emits e.g. "w0 = w0" with imm 1 as a zero-extension
 * marker, printed as a plain mov). r10/r11 count as ordinary registers here.
 */
static int canonical(const struct hive_insn *xl, uint32_t xcnt, uint32_t pc)
{
	struct hive_insn t[2];
	uint32_t n = xcnt - pc >= 2 ? 2 : 1;

	memcpy(t, &xl[pc], n * sizeof(t[0]));
	if (t[0].dst >= 10)
		t[0].dst = 1;
	if (t[0].src == 11 && t[0].code != HIVE_OP_LDDW && t[0].code != HIVE_OP_CALL)
		t[0].src = 1;
	return !isa_check_insn(t, n, 0, NULL, 0);
}

/*
 * Whether the instruction is one of the ISA v4 forms (Linux 6.6) that a
 * bpftool older than its disassembler prints as "BUG_..." or wrongly: those
 * lines are checked against the live kernel's verifier log instead.
 */
static int is_v4_form(const struct hive_insn *in)
{
	uint8_t k = isa_desc(in->code)->kind;

	return ((k == HIVE_K_DIV_K || k == HIVE_K_DIV_X || k == HIVE_K_MOV_X) && in->off) ||
	       in->code == HIVE_OP_BSWAP || k == HIVE_K_LDXSX || k == HIVE_K_JA32;
}

/*
 * Compare bpftool's lines with ours; lines of v4 instructions may differ
 * (old bpftool), all others must be identical. Returns the lines compared.
 */
static int check_lines(const char *what, const char *want, const char *got,
		       const struct hive_insn *xl, uint32_t xcnt, int opcodes)
{
	int line = 1, compared = 0;
	uint32_t pc = 0;

	while (*want || *got) {
		size_t lw = strcspn(want, "\n"), lg = strcspn(got, "\n");
		int is_opcodes = opcodes && !(line & 1);
		int v4 = pc < xcnt && is_v4_form(&xl[pc]);

		if (!v4 && (lw != lg || memcmp(want, got, lw))) {
			test_fail(__FILE__, __LINE__, "%s line %d: bpftool \"%.*s\" hive \"%.*s\"",
				  what, line, (int)lw, want, (int)lg, got);
			return compared;
		}
		compared += !v4;
		if (!opcodes || is_opcodes)
			pc += pc < xcnt && isa_is_lddw(&xl[pc]) ? 2 : 1;
		want += lw + (want[lw] == '\n');
		got += lg + (got[lg] == '\n');
		line++;
	}
	return compared;
}

/*
 * The verifier log (level 2) prints every instruction it walks with the
 * kernel's own print_bpf_insn: "12: (bf) r1 = r2 ; R1=..." and
 * "... before 12: (bf) r1 = r2". Compare each pc's text with ours; return
 * how many pcs were seen.
 */
static int check_verifier_log(const char *log, const struct hive_insn *insns, uint32_t cnt)
{
	uint8_t *seen = calloc(cnt, 1);
	const char *p = log;
	int n = 0;

	if (!seen)
		return 0;
	while (*p) {
		size_t len = strcspn(p, "\n");
		const char *q = p, *text, *end;
		unsigned long pc;
		char ours[256];

		if (len > 8 && !strncmp(p, "mark_precise", 12)) {
			q = strstr(p, " before ");
			q = q && q < p + len ? q + 8 : p + len;
		}
		pc = strtoul(q, (char **)&text, 10);
		if (text != q && text[0] == ':' && text[1] == ' ' && text[2] == '(' &&
		    pc < cnt && !seen[pc]) {
			text += 2;
			end = strstr(text, " ; ");
			if (!end || end > p + len)
				end = p + len;
			while (end > text && end[-1] == ' ')
				end--;
			seen[pc] = 1;
			n++;
			if (hive_disasm_insn(insns, cnt, (uint32_t)pc, HIVE_DISASM_XLATED, ours,
					     sizeof(ours)) < 0 ||
			    strlen(ours) != (size_t)(end - text) || memcmp(ours, text, (size_t)(end - text)))
				test_fail(__FILE__, __LINE__, "pc %lu: kernel \"%.*s\" hive \"%s\"", pc,
					  (int)(end - text), text, ours);
		}
		p += len + (p[len] == '\n');
	}
	free(seen);
	return n;
}

TEST(disasm_matches_kernel_and_bpftool)
{
	struct hive_insn *insns = NULL, *xl = NULL, *back = NULL;
	uint32_t cnt, xcnt = 0, id = 0, bcnt, pc, expect = 0;
	char err[256], cmd[128], *ours = NULL, *theirs = NULL;
	size_t loglen = 8 << 20;
	char *log = calloc(1, loglen);
	int fd;

	REQUIRE(log);
	if (!test_kernel_bpf_available())
		SKIP("kernel bpf() not available");
	REQUIRE(hive_asm(kernel_prog, &insns, &cnt, err, sizeof(err)) == 0);
	fd = kernel_load(insns, cnt, &xl, &xcnt, &id, log, loglen);
	if (fd < 0)
		test_fail(__FILE__, __LINE__, "kernel refused the program: %.300s", log);
	REQUIRE(fd >= 0);

	/* 1. the kernel's own rendering of every instruction (v4 forms included) */
	for (pc = 0; pc < cnt; pc += isa_is_lddw(&insns[pc]) ? 2 : 1)
		expect++;
	CHECK_EQ(check_verifier_log(log, insns, cnt), expect);

	/* 2. our XLATED text of the kernel's xlated program (with its r11) reads back */
	REQUIRE(hive_disasm(xl, xcnt, HIVE_DISASM_XLATED, HIVE_DISASM_OPCODES, &ours) == 0);
	CHECK_EQ(hive_asm(ours, &back, &bcnt, err, sizeof(err)), 0);
	CHECK_EQ(bcnt, xcnt);
	for (pc = 0; back && pc < bcnt && pc < xcnt; pc++)
		if (memcmp(&back[pc], &xl[pc], sizeof(*xl)) && canonical(xl, xcnt, pc))
			test_fail(__FILE__, __LINE__, "xlated pc %u does not read back", pc);
	free(back);
	free(ours);

	/* 3. bpftool prog dump xlated, plain and with opcodes */
	if (system("command -v bpftool >/dev/null 2>&1")) {
		close(fd);
		free(insns);
		free(xl);
		free(log);
		SKIP("bpftool not installed (kernel log comparison passed)");
	}
	snprintf(cmd, sizeof(cmd), "bpftool prog dump xlated id %u", id);
	theirs = run(cmd);
	REQUIRE(theirs);
	REQUIRE(hive_disasm(xl, xcnt, HIVE_DISASM_XLATED, 0, &ours) == 0);
	CHECK(check_lines("plain", theirs, ours, xl, xcnt, 0) > 100);
	free(theirs);
	free(ours);

	snprintf(cmd, sizeof(cmd), "bpftool prog dump xlated id %u opcodes", id);
	theirs = run(cmd);
	REQUIRE(theirs);
	REQUIRE(hive_disasm(xl, xcnt, HIVE_DISASM_XLATED, HIVE_DISASM_OPCODES, &ours) == 0);
	CHECK(check_lines("opcodes", theirs, ours, xl, xcnt, 1) > 200);
	free(theirs);
	free(ours);
	free(insns);
	free(xl);
	free(log);
	close(fd);
}

/* ---- the `hive asm` / `hive disasm` commands --------------------------- */

struct cli_run {
	int status;          /* exit code, or -1 */
	char out[8192];
	char err[2048];
};

static char tmpdir[64];

static const char *tmp_path(const char *name)
{
	static char buf[4][128];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
	return buf[i];
}

static void slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(buf, 1, len - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f) {
		fwrite(data, 1, len, f);
		fclose(f);
	}
}

/* Run `hive ARGS` (through sh, in the temp dir) capturing stdout and stderr. */
static void hive(struct cli_run *r, const char *args)
{
	char cmd[1024];
	int st;

	snprintf(cmd, sizeof(cmd), "cd %s && %s %s >%s 2>%s </dev/null", tmpdir,
		 test_build_path("hive"), args, tmp_path("stdout"), tmp_path("stderr"));
	st = system(cmd);
	r->status = st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	slurp(tmp_path("stdout"), r->out, sizeof(r->out));
	slurp(tmp_path("stderr"), r->err, sizeof(r->err));
}

static int cli_setup(void)
{
	strcpy(tmpdir, "/tmp/hive-asm-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	return access(test_build_path("hive"), X_OK);
}

static void cli_cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd))
		return;
}

TEST(cli_asm_disasm_roundtrip)
{
	static const char src[] = "mov %r0, 1\nloop: add %r0, -1\njne %r0, 0, loop\n"
				  "r1 = 0x1122334455667788 ll\nexit\n";
	static const char xlated[] = "   0: (b7) r0 = 1\n   1: (07) r0 += -1\n"
				     "   2: (55) if r0 != 0x0 goto pc-2\n"
				     "   3: (18) r1 = 0x1122334455667788\n   5: (95) exit\n";
	static const char hex[] = "b7 00 00 00 01 00 00 00, 0x07 0x00 0x00 0x00 ffffffff\n"
				  "# comment\n55 00 fe ff 00 00 00 00 18 01 00 00 88 77 66 55\n"
				  "00 00 00 00 44 33 22 11\n95 00 00 00 00 00 00 00\n";
	struct cli_run r;

	REQUIRE(cli_setup() == 0);
	write_file(tmp_path("p.s"), src, strlen(src));

	hive(&r, "asm --hex p.s");
	CHECK_EQ(r.status, 0);
	CHECK_STR(r.out, "b7 00 00 00 01 00 00 00\n07 00 00 00 ff ff ff ff\n"
			 "55 00 fe ff 00 00 00 00\n18 01 00 00 88 77 66 55\n"
			 "00 00 00 00 44 33 22 11\n95 00 00 00 00 00 00 00\n");

	hive(&r, "asm -o p.bin p.s");
	CHECK_EQ(r.status, 0);
	CHECK_STR(r.out, "");
	hive(&r, "disasm p.bin");
	CHECK_EQ(r.status, 0);
	CHECK_STR(r.out, xlated);
	write_file(tmp_path("p.hex"), hex, strlen(hex));
	hive(&r, "disasm --hex p.hex --opcodes");
	CHECK_EQ(r.status, 0);
	CHECK(strstr(r.out, "   3: (18) r1 = 0x1122334455667788\n"
			    "       18 01 00 00 88 77 66 55 00 00 00 00 44 33 22 11\n") != NULL);
	hive(&r, "disasm --conformance --labels p.bin");
	CHECK_EQ(r.status, 0);
	CHECK_STR(r.out, "mov %r0, 1\nL1:\nadd %r0, -1\njne %r0, 0, L1\n"
			 "lddw %r1, 0x1122334455667788\nexit\n");
	/* the conformance text assembles back to the same bytes */
	write_file(tmp_path("c.s"), r.out, strlen(r.out));
	hive(&r, "asm -o c.bin c.s && cmp c.bin p.bin");
	CHECK_EQ(r.status, 0);
	hive(&r, "-j disasm p.bin");
	CHECK_EQ(r.status, 0);
	CHECK_STR(r.out, "[{\"disasm\":\"(b7) r0 = 1\"},{\"disasm\":\"(07) r0 += -1\"},"
			 "{\"disasm\":\"(55) if r0 != 0x0 goto pc-2\"},"
			 "{\"disasm\":\"(18) r1 = 0x1122334455667788\"},{\"disasm\":\"(95) exit\"}]\n");
	hive(&r, "-j disasm --opcodes p.bin");
	CHECK(strstr(r.out, "{\"disasm\":\"(18) r1 = 0x1122334455667788\",\"opcodes\":"
			    "{\"code\":\"0x18\",\"src_reg\":\"0x0\",\"dst_reg\":\"0x1\","
			    "\"off\":[\"0x00\",\"0x00\"],\"imm\":[\"0x88\",\"0x77\",\"0x66\","
			    "\"0x55\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x44\",\"0x33\","
			    "\"0x22\",\"0x11\"]}}") != NULL);
	hive(&r, "asm help");
	CHECK_EQ(r.status, 0);
	CHECK(!strncmp(r.out, "Usage: hive asm", 15));
	hive(&r, "disasm help");
	CHECK_EQ(r.status, 0);
	CHECK(!strncmp(r.out, "Usage: hive [-j|-p] disasm", 26));
	cli_cleanup();
}

/* `hive ARGS` must exit 1 with exactly this message on stderr. */
static const struct {
	const char *args, *err;
} cli_errors[] = {
	{ "asm --hex bad.s", "Error: bad.s: line 2, column 12: invalid register '%r11' (r0-r10)\n" },
	{ "asm --hex missing.s", "Error: can't read 'missing.s': No such file or directory\n" },
	{ "asm --bogus", "Error: unknown option '--bogus'\n" },
	{ "asm -o", "Error: -o needs a file name\n" },
	{ "asm --hex nul.s", "Error: 'nul.s' is not text (contains NUL bytes)\n" },
	{ "disasm seven.bin",
	  "Error: 'seven.bin': 7 bytes is not a whole number of 8-byte instructions\n" },
	{ "disasm badop.bin", "Error: pc 1: cannot decode instruction (code 0xff)\n" },
	{ "disasm --hex x.hex", "Error: 'x.hex': not hex at byte 6\n" },
	{ "disasm a b", "Error: too many arguments: 'b'\n" },
	{ "disasm --conformance wfp.bin",
	  "Error: pc 0: cannot decode instruction (code 0xbf) in conformance syntax\n" },
};

TEST(cli_asm_disasm_errors)
{
	static const uint8_t bad_op[16] = { 0xb7, 0, 0, 0, 0, 0, 0, 0, 0xff };
	static const uint8_t r11[8] = { 0xbf, 0x0b };   /* r11 = r0: xlated only */
	struct cli_run r;
	size_t i;

	REQUIRE(cli_setup() == 0);
	write_file(tmp_path("bad.s"), "exit\n  jne %r0, %r11, +1\n", 25);
	write_file(tmp_path("nul.s"), "exit\0", 5);
	write_file(tmp_path("seven.bin"), bad_op, 7);
	write_file(tmp_path("badop.bin"), bad_op, 16);
	write_file(tmp_path("x.hex"), "b7 00 zz", 8);
	write_file(tmp_path("wfp.bin"), r11, 8);
	for (i = 0; i < HIVE_ARRAY_SIZE(cli_errors); i++) {
		hive(&r, cli_errors[i].args);
		if (r.status != 1 || strcmp(r.err, cli_errors[i].err) || r.out[0])
			test_fail(__FILE__, __LINE__, "hive %s: exit %d, stderr \"%s\", stdout \"%.40s\"",
				  cli_errors[i].args, r.status, r.err, r.out);
	}
	/* -j: the same errors as bpftool's {"error": ...} on stdout */
	hive(&r, "-j asm --hex bad.s");
	CHECK_EQ(r.status, 1);
	CHECK_STR(r.out, "{\"error\":\"bad.s: line 2, column 12: invalid register '%r11' (r0-r10)\"}\n");
	hive(&r, "-j disasm badop.bin");
	CHECK_STR(r.out, "{\"error\":\"pc 1: cannot decode instruction (code 0xff)\"}\n");
	hive(&r, "disasm wfp.bin");
	CHECK_STR(r.out, "   0: (bf) r11 = r0\n");
	cli_cleanup();
}

/* Raw instructions are not written to a terminal. */
TEST(cli_asm_refuses_terminal)
{
	int master, slave, st;
	char name[128];
	pid_t pid;

	REQUIRE(cli_setup() == 0);
	write_file(tmp_path("p.s"), "exit\n", 5);
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master) ||
	    ptsname_r(master, name, sizeof(name)))
		SKIP("no pseudo-terminal");
	slave = open(name, O_RDWR | O_NOCTTY);
	REQUIRE(slave >= 0);
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(slave, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		execl(test_build_path("hive"), "hive", "asm", tmp_path("p.s"), (char *)NULL);
		_exit(127);
	}
	REQUIRE(waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	close(slave);
	close(master);
	cli_cleanup();
}
