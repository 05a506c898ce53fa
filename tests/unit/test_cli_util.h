/*
 * test_cli_util.h - running the built `hive` binary from tests (the
 * test_cli_*.c files): each test gets a fresh directory, which is the
 * commands' working directory, and a private hive filesystem inside it
 * (HIVE_FS=<dir>/fs), so tests never see each other's objects. Output is
 * captured in full (stdout, stderr, exit status).
 *
 *   struct cli c;
 *   REQUIRE(cli_init(&c) == 0);
 *   cli_run(&c, "map show");            c.status, c.out, c.err
 *   cli_sh(&c, "echo x | $HIVE ...");    any shell line ($HIVE, $HIVE_FS, $OBJ set)
 *   cli_fini(&c);
 */
#ifndef HIVE_TEST_CLI_UTIL_H
#define HIVE_TEST_CLI_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

struct cli {
	char dir[64];
	int status;   /* exit code, or -1 when killed */
	char *out;    /* stdout, NUL-terminated (malloc'd) */
	char *err;    /* stderr */
};

static inline char *cli_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0, r;
	char *buf = malloc(cap);

	if (!buf)
		return NULL;
	buf[0] = '\0';
	if (!f)
		return buf;
	while ((r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (n + 1 == cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static inline const char *cli_path(const struct cli *c, const char *name)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", c->dir, name);
	return buf[i];
}

static inline void cli_write(const struct cli *c, const char *name, const void *data, size_t len)
{
	FILE *f = fopen(cli_path(c, name), "wb");

	if (f) {
		fwrite(data, 1, len, f);
		fclose(f);
	}
}

/* Run a shell line in the test directory with HIVE, HIVE_FS and OBJ
 * (the directory of the built BPF test objects) set. */
static inline void cli_sh(struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void cli_sh(struct cli *c, const char *fmt, ...)
{
	char line[4096], cmd[6144];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd),
		 "cd %s && HIVE=%s HIVE_FS=%s/fs OBJ=%s; export HIVE HIVE_FS OBJ; "
		 "( %s ) >%s/.stdout 2>%s/.stderr </dev/null",
		 c->dir, test_build_path("hive"), c->dir, test_build_path("tests/progs"), line, c->dir,
		 c->dir);
	st = system(cmd);
	c->status = st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	free(c->out);
	free(c->err);
	c->out = cli_slurp(cli_path(c, ".stdout"));
	c->err = cli_slurp(cli_path(c, ".stderr"));
}

/* Run `hive ARGS`. */
static inline void cli_run(struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void cli_run(struct cli *c, const char *fmt, ...)
{
	char args[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	cli_sh(c, "\"$HIVE\" %s", args);
}

/* Replace the number after each @prefix in @s by "N" (ids, sizes that vary). */
static inline void cli_mask(char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	char *p = s, *q;

	while ((p = strstr(p, prefix))) {
		p += n;
		q = p;
		while (*q >= '0' && *q <= '9')
			q++;
		if (q == p)
			continue;
		*p = 'N';
		memmove(p + 1, q, strlen(q) + 1);
		p++;
	}
}

/* Mask kernel-style addresses in a verifier log (0xffff followed by 12 hex
 * digits): hive prints its own map addresses. */
static inline void cli_mask_addrs(char *s)
{
	for (char *p = strstr(s, "0xffff"); p; p = strstr(p + 1, "0xffff"))
		if (strspn(p + 6, "0123456789abcdef") == 12)
			memset(p + 6, 'X', 12);
}

/* Whether @text holds @line (ending with '\n') as a whole line. */
static inline int cli_has_line(const char *text, const char *line)
{
	const char *p = text;
	size_t n = strlen(line);

	while ((p = strstr(p, line))) {
		if (p == text || p[-1] == '\n')
			return 1;
		p += n;
	}
	(void)n;
	return 0;
}

/* Compile tests/cli/@src into @out in the test directory with clang for
 * the BPF target; 0, or -1 when clang is missing or fails. */
static inline int cli_compile(struct cli *c, const char *src, const char *out)
{
	cli_sh(c, "clang -O2 -g -target bpf -D__TARGET_ARCH_x86 "
		  "-idirafter /usr/include/$(cc -dumpmachine) -c %s -o %s",
	       test_path(src), out);
	return c->status ? -1 : 0;
}

/*
 * Tests that compare hive with bpftool on the live kernel: why such a test
 * must skip (bpf() not permitted, /sys/fs/bpf not a bpffs, no bpftool), or
 * NULL when it can run.
 */
static inline const char *cli_kernel_skip(void)
{
	struct statfs fs;

	if (!test_kernel_bpf_available())
		return "bpf() not permitted";
	if (statfs("/sys/fs/bpf", &fs) || (unsigned long)fs.f_type != 0xcafe4a11 /* BPF_FS_MAGIC */)
		return "/sys/fs/bpf is not a bpffs mount";
	if (system("bpftool version >/dev/null 2>&1"))
		return "bpftool not installed";
	return NULL;
}

/* Build tests/cli/tiny.bpf.c into tiny.o (test directory) and load it into
 * the kernel with bpftool: programs pinned in @pin/p, maps in @pin/m. NULL,
 * or why the test must skip (malloc'd; nothing is left pinned). */
static inline char *cli_kernel_load_tiny(struct cli *c, const char *pin)
{
	char *why;

	if (cli_compile(c, "tests/cli/tiny.bpf.c", "tiny.o"))
		return strdup("clang cannot build tests/cli/tiny.bpf.c");
	cli_sh(c, "mkdir %s && bpftool prog loadall tiny.o %s/p pinmaps %s/m", pin, pin, pin);
	if (!c->status)
		return NULL;
	why = malloc(strlen(c->err) + 64);
	if (why)
		sprintf(why, "the kernel refused tests/cli/tiny.bpf.c: %s", c->err);
	cli_sh(c, "rm -rf %s", pin);
	return why ? why : strdup("the kernel refused tests/cli/tiny.bpf.c");
}

/* @cmd with its pin placeholders expanded into @out (@size bytes): `P/` and
 * `M/` become @pin/p/ and @pin/m/; with @btf_id >= 0, a word `B` becomes
 * the id. */
static inline void cli_expand_pins(const char *cmd, const char *pin, long btf_id, char *out,
				   size_t size)
{
	const char *p;
	char *q = out;

	for (p = cmd; *p && q < out + size - 128; p++) {
		if ((*p == 'P' || *p == 'M') && p[1] == '/')
			q += sprintf(q, "%s/%c", pin, *p == 'P' ? 'p' : 'm');
		else if (btf_id >= 0 && *p == 'B' && (p[1] == '\0' || p[1] == ' ') && p > cmd &&
			 p[-1] == ' ')
			q += sprintf(q, "%ld", btf_id);
		else
			*q++ = *p;
	}
	*q = '\0';
}

/* The integer after the first @key in @text (e.g. "\"id\":"), or -1. */
static inline long cli_int_after(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

static inline int cli_init(struct cli *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->dir, "/tmp/hive-cli-XXXXXX");
	if (!mkdtemp(c->dir))
		return -1;
	return access(test_build_path("hive"), X_OK);
}

static inline void cli_fini(struct cli *c)
{
	char cmd[128];

	free(c->out);
	free(c->err);
	c->out = c->err = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", c->dir);
	if (system(cmd))
		return;
}

/* @s starts with the string literal @lit. */
#define CLI_PREFIX(s, lit) (!strncmp((s), (lit), sizeof(lit) - 1))

/* The command must succeed with exactly @out on stdout and nothing on stderr. */
#define CLI_OK(c, expect_out, ...)                                                   \
	do {                                                                         \
		cli_run((c), __VA_ARGS__);                                           \
		if ((c)->status != 0 || strcmp((c)->out, (expect_out)) || (c)->err[0]) \
			test_fail(__FILE__, __LINE__,                                \
				  "hive " __VA_ARGS__);                              \
		if ((c)->status != 0 || strcmp((c)->out, (expect_out)) || (c)->err[0]) \
			fprintf(stderr, "    exit %d\n    stdout: \"%s\"\n    expected: \"%s\"\n    stderr: \"%s\"\n", \
				(c)->status, (c)->out, (expect_out), (c)->err);      \
	} while (0)

/* The command must fail (exit @code) with exactly @msg on stderr, nothing on stdout. */
#define CLI_ERR(c, code, msg, ...)                                                   \
	do {                                                                         \
		cli_run((c), __VA_ARGS__);                                           \
		if ((c)->status != (code) || strcmp((c)->err, (msg)) || (c)->out[0]) { \
			test_fail(__FILE__, __LINE__, "hive " __VA_ARGS__);          \
			fprintf(stderr, "    exit %d (want %d)\n    stderr: \"%s\"\n    expected: \"%s\"\n    stdout: \"%s\"\n", \
				(c)->status, (code), (c)->err, (msg), (c)->out);     \
		}                                                                    \
	} while (0)

#endif
