/*
 * hive_conformance.c - hive-conformance, the bpf_conformance plugin.
 *
 * Protocol (bpf_conformance's runner, uBPF's plugin):
 *   hive-conformance [MEMORY_HEX] [PLUGIN OPTIONS]  < PROGRAM_HEX
 *   - the program's bytes in hex on stdin (or with --program HEX),
 *   - the initial memory in hex as the last non-option argument: the
 *     program gets r1 = its address, r2 = its length (0, 0 without memory);
 *     the memory is the context (read/write) and the LD_ABS/LD_IND packet,
 *   - r0 in lowercase hex on stdout ("2a") and exit status 0, or an error
 *     line on stdout and stderr and exit status 1.
 * Hex is read leniently: bytes of one or two digits separated by any
 * whitespace, or runs of digit pairs ("b7000000"). Options may arrive as one
 * argument ("--jit --foo"), as the runner passes its option string whole.
 *
 * Options: --interpret (default) or --jit select the engine; --jit fails
 * with "JIT not available" when the JIT cannot compile. --program HEX reads
 * the program from the argument instead of stdin.
 *
 * Helpers 0..5 are the plugin convention's test helpers
 * (hive_vm_register_test_helpers). Helper 5, unwind, follows uBPF: it
 * returns its argument, and when that is 0 the program ends there with
 * r0 = 0.
 *
 * Uses only the public API in include/hive/.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hive/hive.h"
#include "hive/hive_vm.h"

#define UNWIND_HELPER 5

struct bytes {
	uint8_t *data;
	size_t len, cap;
};

static int push(struct bytes *b, uint8_t v)
{
	if (b->len == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		uint8_t *d = realloc(b->data, cap);

		if (!d)
			return -ENOMEM;
		b->data = d;
		b->cap = cap;
	}
	b->data[b->len++] = v;
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decode whitespace-separated hex tokens: a 1- or 2-digit token is one
 * byte, a longer token must be digit pairs. -EINVAL names the bad token. */
static int decode_hex(const char *s, struct bytes *out, const char *what)
{
	while (*s) {
		const char *tok;
		size_t n, i;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		tok = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
		n = (size_t)(s - tok);
		for (i = 0; i < n; i++) {
			if (hexval(tok[i]) < 0) {
				fprintf(stderr, "hive-conformance: invalid hex in %s: '%.*s'\n", what,
					(int)n, tok);
				return -EINVAL;
			}
		}
		if (n > 2 && n % 2) {
			fprintf(stderr, "hive-conformance: odd number of hex digits in %s: '%.*s'\n",
				what, (int)n, tok);
			return -EINVAL;
		}
		if (n <= 2) {
			if (push(out, (uint8_t)(n == 1 ? hexval(tok[0]) :
						hexval(tok[0]) << 4 | hexval(tok[1]))))
				return -ENOMEM;
			continue;
		}
		for (i = 0; i < n; i += 2)
			if (push(out, (uint8_t)(hexval(tok[i]) << 4 | hexval(tok[i + 1]))))
				return -ENOMEM;
	}
	return 0;
}

static char *read_stdin(void)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap), *nb;
	size_t n;

	if (!buf)
		return NULL;
	while ((n = fread(buf + len, 1, cap - len - 1, stdin)) > 0) {
		len += n;
		if (len + 1 == cap) {
			nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
	}
	buf[len] = 0;
	return buf;
}

/* ---- library messages: kept for the error line -------------------------- */

static char messages[1024];

static int keep_message(enum hive_print_level level, const char *fmt, va_list ap)
{
	char line[512];
	size_t len = strlen(messages);

	if (level != HIVE_WARN)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	fputs(line, stderr);
	line[strcspn(line, "\n")] = 0;
	if (len < sizeof(messages) - 1)
		snprintf(messages + len, sizeof(messages) - len, "%s%s", len ? "; " : "", line);
	return 0;
}

/* One error line on stdout (the runner compares it) and stderr. */
static int fail(const char *what, int err)
{
	printf("%s: %s%s%s\n", what, hive_strerror(err), messages[0] ? ": " : "", messages);
	fprintf(stderr, "hive-conformance: %s: %s\n", what, hive_strerror(err));
	return 1;
}

/* ---- unwind ---------------------------------------------------------------- */

struct run_state {
	bool unwound;
};

/* uBPF's unwind: r0 = r1; when that is 0 the program ends here with r0 = 0. */
static uint64_t unwind(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
		       struct hive_run *run)
{
	struct run_state *st = hive_run_user(run);

	(void)r2, (void)r3, (void)r4, (void)r5;
	if (r1 == 0 && st) {
		st->unwound = true;
		hive_run_abort(run, -ECANCELED);
	}
	return r1;
}

/* ---- main ---------------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr, "usage: hive-conformance [MEMORY_HEX] [--interpret|--jit] "
		"[--program HEX] < PROGRAM_HEX\n");
}

/* Apply one option word; -1 on a bad one. */
static int option(const char *w, const char **program, int *i, int argc, char **argv,
		  bool *jit)
{
	if (!strcmp(w, "--jit")) {
		*jit = true;
	} else if (!strcmp(w, "--interpret")) {
		*jit = false;
	} else if (!strcmp(w, "--program")) {
		if (*i + 1 >= argc) {
			fprintf(stderr, "hive-conformance: --program needs a value\n");
			return -1;
		}
		*program = argv[++*i];
	} else if (!strcmp(w, "--elf")) {
		fprintf(stderr, "hive-conformance: --elf is not supported\n");
		return -1;
	} else {
		fprintf(stderr, "hive-conformance: unknown option '%s'\n", w);
		usage();
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bytes prog = { 0 }, mem = { 0 };
	const char *memory = NULL, *program = NULL;
	struct run_state st = { false };
	struct hive_vm *vm = NULL;
	char *input = NULL;
	bool jit = false;
	uint64_t r0 = 0;
	int i, err, ret = 1;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage();
			return 0;
		}
		if (!strncmp(a, "--", 2) && strpbrk(a, " \t\n")) {
			/* the runner's option string, passed whole: split into words */
			char *copy = strdup(a), *save = NULL, *w;

			if (!copy)
				return 1;
			for (w = strtok_r(copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
				if (!strcmp(w, "--program")) {
					fprintf(stderr, "hive-conformance: --program must be its own "
						"argument\n");
					free(copy);
					return 1;
				}
				if (option(w, &program, &i, argc, argv, &jit)) {
					free(copy);
					return 1;
				}
			}
			free(copy);
		} else if (!strncmp(a, "--", 2)) {
			if (option(a, &program, &i, argc, argv, &jit))
				return 1;
		} else if (a[0]) {
			memory = a;     /* the last non-option argument wins */
		}
	}

	if (!program) {
		input = read_stdin();
		if (!input) {
			fprintf(stderr, "hive-conformance: cannot read the program from stdin\n");
			return 1;
		}
		program = input;
	}
	if (decode_hex(program, &prog, "the program") ||
	    (memory && decode_hex(memory, &mem, "the memory")))
		goto out;
	if (prog.len == 0 || prog.len % sizeof(struct hive_insn)) {
		printf("Failed to load code: program of %zu bytes is not a whole number of "
		       "8-byte instructions\n", prog.len);
		fprintf(stderr, "hive-conformance: program of %zu bytes is not a whole number "
			"of 8-byte instructions\n", prog.len);
		goto out;
	}

	hive_set_print(keep_message);
	vm = hive_vm_create();
	if (!vm) {
		fprintf(stderr, "hive-conformance: out of memory\n");
		goto out;
	}
	err = hive_vm_register_test_helpers(vm);
	if (!err)
		err = hive_vm_register_helper(vm, UNWIND_HELPER, "unwind", unwind);
	if (!err)
		err = hive_vm_set_engine(vm, jit ? HIVE_ENGINE_JIT : HIVE_ENGINE_INTERP);
	if (err) {
		ret = fail("Failed to set up the VM", err);
		goto out;
	}
	err = hive_vm_load(vm, (const struct hive_insn *)(const void *)prog.data,
			   (uint32_t)(prog.len / sizeof(struct hive_insn)));
	if (err == -HIVE_ENOJIT && jit) {
		printf("JIT not available\n");
		fprintf(stderr, "hive-conformance: JIT not available\n");
		goto out;
	}
	if (err) {
		ret = fail("Failed to load code", err);
		goto out;
	}
	{
		HIVE_VM_RUN_OPTS(opts, .ctx = mem.len ? mem.data : NULL, .ctx_size = mem.len,
				 .ctx_prot = HIVE_PROT_RW, .pkt = mem.len ? mem.data : NULL,
				 .pkt_size = mem.len, .user = &st);

		err = hive_vm_run(vm, &opts, &r0);
		if (err && st.unwound) {
			err = 0;
			r0 = 0;
		}
		if (err) {
			ret = fail("Failed to execute program", err);
			goto out;
		}
	}
	printf("%" PRIx64 "\n", r0);
	ret = 0;
out:
	hive_vm_destroy(vm);
	free(prog.data);
	free(mem.data);
	free(input);
	return ret;
}
