/*
 * data_case.c - reads tests/data/NAME.data (bpf_conformance's format) into
 * struct data_case: sections, expected result or error, the memory, and
 * the program assembled with hive_asm() or decoded from -- raw.
 *
 * The reader follows bpf_conformance's parser (src/bpf_test_parser.cc):
 * a line containing "--" is a directive, '#' starts a comment inside
 * -- asm, the last line of -- result / -- error counts, -- mem is hex
 * bytes, -- raw is 64-bit words with the opcode in the low byte. It is
 * stricter where the upstream parser would silently skip a file (unknown
 * directive, no result or error, bad numbers).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data_case.h"
#include "harness.h"
#include "hive/hive_asm.h"

#define DATA_MAX_FILE (1u << 20)

enum section { SEC_NONE, SEC_ASM, SEC_RAW, SEC_MEM, SEC_RESULT, SEC_ERROR };

static const struct {
	const char *text;
	enum section sec;
} directives[] = {
	{ "-- asm", SEC_ASM },
	{ "-- raw", SEC_RAW },
	{ "-- mem", SEC_MEM },
	{ "-- result", SEC_RESULT },
	{ "-- error", SEC_ERROR },
};

static int fail(struct data_case *c, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct data_case *c, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	return err;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int data_case_list(char ***paths)
{
	const char *dir = test_path("tests/data");
	char **list = NULL, **grown;
	struct dirent *de;
	int n = 0, cap = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len <= 5 || strcmp(de->d_name + len - 5, ".data"))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			grown = realloc(list, cap * sizeof(*list));
			if (!grown)
				goto err_nomem;
			list = grown;
		}
		if (asprintf(&list[n], "%s/%s", dir, de->d_name) < 0)
			goto err_nomem;
		n++;
	}
	closedir(d);
	qsort(list, n, sizeof(*list), by_name);
	*paths = list;
	return n;

err_nomem:
	closedir(d);
	data_case_list_free(list, n);
	return -ENOMEM;
}

void data_case_list_free(char **paths, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

/* Whole file as a NUL-terminated string (malloc'd), or NULL with errno. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = malloc(DATA_MAX_FILE + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, DATA_MAX_FILE + 1, f);
	fclose(f);
	if (n > DATA_MAX_FILE) {
		free(buf);
		errno = EFBIG;
		return NULL;
	}
	buf[n] = 0;
	return buf;
}

/* Appends @len bytes of @s and a newline to the growing string *dst. */
static int append_line(char **dst, size_t *dlen, const char *s, size_t len)
{
	char *p = realloc(*dst, *dlen + len + 2);

	if (!p)
		return -ENOMEM;
	memcpy(p + *dlen, s, len);
	p[*dlen + len] = '\n';
	p[*dlen + len + 1] = 0;
	*dst = p;
	*dlen += len + 1;
	return 0;
}

/* A number as bpf_conformance reads it: hex when it contains "0x", else decimal. */
static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	if (!*s)
		return -EINVAL;
	*v = strtoull(s, &end, strstr(s, "0x") ? 16 : 10);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

static struct hive_insn insn_from_word(uint64_t w)
{
	struct hive_insn in;

	in.code = (uint8_t)w;
	in.dst = (w >> 8) & 0xf;
	in.src = (w >> 12) & 0xf;
	in.off = (int16_t)(uint16_t)(w >> 16);
	in.imm = (int32_t)(uint32_t)(w >> 32);
	return in;
}

/* Splits @line on blanks, feeding each token to the -- mem / -- raw reader. */
static int parse_tokens(struct data_case *c, enum section sec, char *line, int lineno)
{
	char *save = NULL, *tok;

	for (tok = strtok_r(line, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		uint64_t v;
		char *end;

		if (sec == SEC_MEM) {
			uint8_t *m;

			errno = 0;
			v = strtoull(tok, &end, 16);
			if (errno || *end || v > 0xff)
				return fail(c, -HIVE_EPARSE, "line %d: bad memory byte '%s'", lineno, tok);
			m = realloc(c->mem, c->mem_len + 1);
			if (!m)
				return -ENOMEM;
			c->mem = m;
			c->mem[c->mem_len++] = (uint8_t)v;
		} else {
			struct hive_insn *r;

			if (parse_u64(tok, &v))
				return fail(c, -HIVE_EPARSE, "line %d: bad instruction word '%s'",
					    lineno, tok);
			r = realloc(c->raw, (c->nraw + 1) * sizeof(*r));
			if (!r)
				return -ENOMEM;
			c->raw = r;
			c->raw[c->nraw++] = insn_from_word(v);
		}
	}
	return 0;
}

static int set_text(char **dst, const char *s)
{
	free(*dst);
	*dst = strdup(s);
	return *dst ? 0 : -ENOMEM;
}

/* One line of the file in section @sec. */
static int parse_line(struct data_case *c, enum section sec, char *line, int lineno,
		      size_t *asm_len)
{
	char *hash;

	switch (sec) {
	case SEC_NONE:    /* comments before the first directive */
		return 0;
	case SEC_ASM:     /* '#' comments are cut, as bpf_conformance does */
		hash = strchr(line, '#');
		return append_line(&c->asm_text, asm_len, line,
				   hash ? (size_t)(hash - line) : strlen(line));
	case SEC_RAW:
	case SEC_MEM:
		return parse_tokens(c, sec, line, lineno);
	case SEC_RESULT:
		if (parse_u64(line, &c->result))
			return fail(c, -HIVE_EPARSE, "line %d: bad result '%s'", lineno, line);
		c->has_result = true;
		return 0;
	case SEC_ERROR:
		return set_text(&c->error, line);
	}
	return 0;
}

/* Directive named by @line, or -1 if the line is not a known one. */
static int directive_of(const char *line)
{
	size_t i, len = strlen(line);

	while (len && isspace((unsigned char)line[len - 1]))
		len--;
	for (i = 0; i < sizeof(directives) / sizeof(directives[0]); i++)
		if (strlen(directives[i].text) == len && !strncmp(line, directives[i].text, len))
			return directives[i].sec;
	return -1;
}

int data_case_load(const char *path, struct data_case *c)
{
	enum section sec = SEC_NONE;
	char *text, *line, *next, asm_err[256];
	const char *base = strrchr(path, '/');
	size_t asm_len = 0;
	int lineno = 0, err = 0;

	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", base ? base + 1 : path);
	text = slurp(path);
	if (!text)
		return fail(c, -errno, "cannot read: %s", strerror(errno));

	for (line = text; line && !err; line = next) {
		size_t len;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		lineno++;
		len = strlen(line);
		if (len && line[len - 1] == '\r')
			line[--len] = 0;
		if (strstr(line, "--")) {
			int d = directive_of(line);

			if (d < 0)
				err = fail(c, -HIVE_EPARSE, "line %d: unknown directive '%s'", lineno, line);
			else
				sec = d;
			continue;
		}
		if (!len)
			continue;
		err = parse_line(c, sec, line, lineno, &asm_len);
	}
	free(text);
	if (err)
		return err;

	if (c->has_result == !!c->error)
		return fail(c, -HIVE_EPARSE, "needs exactly one of -- result and -- error");
	if (c->raw) {
		c->cnt = c->nraw;
		c->insns = malloc(c->nraw * sizeof(*c->insns));
		if (!c->insns)
			return -ENOMEM;
		memcpy(c->insns, c->raw, c->nraw * sizeof(*c->insns));
		return 0;
	}
	if (!c->asm_text)
		return fail(c, -HIVE_EPARSE, "no -- asm or -- raw section");
	asm_err[0] = 0;
	err = hive_asm(c->asm_text, &c->insns, &c->cnt, asm_err, sizeof(asm_err));
	if (err)
		return fail(c, err, "hive_asm: %s (%s)", asm_err, hive_strerror(err));
	return 0;
}

void data_case_free(struct data_case *c)
{
	free(c->asm_text);
	free(c->raw);
	free(c->mem);
	free(c->error);
	free(c->insns);
	memset(c, 0, sizeof(*c));
}

/* A register written "rN" without the '%' bpf_conformance's assembler needs. */
static bool bare_register(const char *s)
{
	const char *p;

	for (p = s; (p = strchr(p, 'r')); p++) {
		bool word_start = p == s || !(isalnum((unsigned char)p[-1]) || p[-1] == '%' ||
					      p[-1] == '_');

		if (word_start && isdigit((unsigned char)p[1]))
			return true;
	}
	return false;
}

static int lint_fail(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int lint_fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int data_case_lint(const char *path, const struct data_case *c, char *why, size_t len)
{
	enum section sec = SEC_NONE;
	char *text, *line, *next;
	int lineno = 0, results = 0, err = 0;

	text = slurp(path);
	if (!text)
		return lint_fail(why, len, "cannot read: %s", strerror(errno));
	for (line = text; line && !err; line = next) {
		char *hash;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		lineno++;
		if (strstr(line, "--")) {
			sec = directive_of(line);
			continue;
		}
		if (!*line)
			continue;
		if (sec == SEC_RESULT && ++results > 1)
			err = lint_fail(why, len, "line %d: -- result has more than one line", lineno);
		if (sec != SEC_ASM)
			continue;
		hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		if (!*line)
			continue;
		/* bpf_conformance splits asm lines on single spaces */
		if (isspace((unsigned char)line[0]) || strchr(line, '\t') || strstr(line, "  ") ||
		    (strlen(line) > 1 && line[strlen(line) - 1] == ' ' && line[strlen(line) - 2] == ' '))
			err = lint_fail(why, len, "line %d: indented, tab or double space in asm "
					"(bpf_conformance splits on single spaces)", lineno);
		else if (bare_register(line))
			err = lint_fail(why, len, "line %d: register without '%%'", lineno);
	}
	free(text);
	if (err)
		return err;

	if (c->raw && c->asm_text) {
		struct hive_insn *a = NULL;
		char asm_err[256] = "";
		uint32_t n = 0, i;

		err = hive_asm(c->asm_text, &a, &n, asm_err, sizeof(asm_err));
		if (err)
			return lint_fail(why, len, "-- asm does not assemble: %s", asm_err);
		if (n != c->nraw) {
			free(a);
			return lint_fail(why, len, "-- asm has %u slots, -- raw %u", n, c->nraw);
		}
		for (i = 0; i < n; i++) {
			if (memcmp(&a[i], &c->raw[i], sizeof(a[i]))) {
				free(a);
				return lint_fail(why, len, "-- asm and -- raw differ at slot %u", i);
			}
		}
		free(a);
	}
	return 0;
}

bool data_case_calls_helper(const struct data_case *c)
{
	uint32_t pc;

	for (pc = 0; pc < c->cnt; pc++) {
		if (c->insns[pc].code == (HIVE_JMP | HIVE_CALL) && c->insns[pc].src == 0)
			return true;
		if (c->insns[pc].code == (HIVE_LD | HIVE_DW | HIVE_IMM))
			pc++;
	}
	return false;
}

char *data_case_hex(const void *bytes, size_t len)
{
	const uint8_t *b = bytes;
	char *s = malloc(len * 4 + 1);
	size_t i;

	if (!s)
		return NULL;
	/* bpf_conformance's _base_16_encode: two hex digits and two spaces per byte */
	for (i = 0; i < len; i++)
		snprintf(s + i * 4, 5, "%02x  ", b[i]);
	s[len * 4] = 0;
	return s;
}

void data_case_exec(const struct data_case *c, enum hive_engine engine, bool checks,
		    struct outcome *o)
{
	HIVE_VM_RUN_OPTS(opts);
	struct hive_vm *vm;
	uint8_t *mem = NULL;

	memset(o, 0, sizeof(*o));
	o->stage = STAGE_LOAD;
	vm = hive_vm_create();
	if (!vm) {
		o->err = -ENOMEM;
		return;
	}
	o->err = hive_vm_register_test_helpers(vm);
	if (!o->err)
		o->err = hive_vm_set_engine(vm, engine);
	if (!o->err)
		o->err = hive_vm_set_budget(vm, DATA_BUDGET);
	if (!o->err)
		o->err = hive_vm_set_checks(vm, checks);
	if (o->err)
		goto out;
	o->err = hive_vm_load(vm, c->insns, c->cnt);
	if (o->err)
		goto out;

	o->stage = STAGE_RUN;
	if (c->mem) {  /* a fresh copy: programs write to it */
		mem = malloc(c->mem_len);
		if (!mem) {
			o->err = -ENOMEM;
			goto out;
		}
		memcpy(mem, c->mem, c->mem_len);
		opts.ctx = mem;
		opts.ctx_size = c->mem_len;
		opts.ctx_prot = HIVE_PROT_RW;
		opts.pkt = mem;
		opts.pkt_size = c->mem_len;
	}
	o->err = hive_vm_run(vm, &opts, &o->r0);
	if (!o->err)
		o->stage = STAGE_OK;
out:
	free(mem);
	hive_vm_destroy(vm);
}
