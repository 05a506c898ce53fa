/*
 * asm.c - `hive asm`: assemble eBPF text (conformance or kernel/LLVM syntax,
 * see docs/asm.md) into raw little-endian instructions, or hex lines.
 *
 *   hive asm [-o FILE] [--hex] [FILE | -]
 *
 * Raw output never goes to a terminal: give -o or --hex.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "hive/hive_asm.h"

static int usage(FILE *f)
{
	fprintf(f, "Usage: hive asm [-o FILE] [--hex] [FILE | -]\n"
		   "       hive asm help\n\n"
		   "Assemble eBPF text into raw 8-byte little-endian instructions.\n"
		   "Both the bpf_conformance/uBPF syntax (\"mov32 %%r0, 1\") and the kernel/LLVM\n"
		   "syntax (\"w0 = 1\", bpftool and llvm-objdump listings) are read, mixed freely.\n\n"
		   "  -o FILE   write the instructions to FILE (default: standard output)\n"
		   "  --hex     print one instruction slot per line as hex bytes instead\n"
		   "  FILE      source text; '-' or nothing reads standard input\n");
	return f == stderr;
}

/* Read @path as a NUL-terminated text; refuses embedded NUL bytes. */
static int read_text(const char *path, char **text)
{
	unsigned char *data = NULL, *nd;
	size_t len = 0;
	int err;

	err = cli_read_file(path, &data, &len);
	if (err)
		return cli_error("can't read '%s': %s", path, strerror(-err));
	if (memchr(data, '\0', len)) {
		free(data);
		return cli_error("'%s' is not text (contains NUL bytes)", path);
	}
	nd = realloc(data, len + 1);
	if (!nd) {
		free(data);
		return cli_error("out of memory");
	}
	nd[len] = '\0';
	*text = (char *)nd;
	return 0;
}

static int write_out(const char *out, const struct hive_insn *insns, uint32_t cnt, int hex)
{
	FILE *f = out ? fopen(out, hex ? "w" : "wb") : stdout;
	const uint8_t *b = (const uint8_t *)insns;
	uint32_t i;
	int j, bad;

	if (!f)
		return cli_error("can't open '%s': %s", out, strerror(errno));
	if (hex) {
		for (i = 0; i < cnt; i++)
			for (j = 0; j < 8; j++)
				fprintf(f, j < 7 ? "%02x " : "%02x\n", b[i * 8 + (uint32_t)j]);
	} else if (cnt) {
		fwrite(insns, sizeof(*insns), cnt, f);
	}
	bad = ferror(f);
	if (f != stdout)
		bad |= fclose(f) != 0;
	else
		bad |= fflush(f) != 0;
	if (bad)
		return cli_error("write to '%s' failed: %s", out ? out : "stdout", strerror(errno));
	return 0;
}

int cmd_asm(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	struct hive_insn *insns = NULL;
	char *text = NULL, err[256];
	uint32_t cnt = 0;
	int i, hex = 0, r;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "help") && !in)
			return usage(stdout);
		if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
			if (++i >= argc)
				return cli_error("-o needs a file name");
			out = argv[i];
		} else if (!strcmp(argv[i], "--hex")) {
			hex = 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_error("unknown option '%s'", argv[i]);
		} else if (in) {
			return cli_error("too many arguments: '%s'", argv[i]);
		} else {
			in = argv[i];
		}
	}
	if (!in)
		in = "-";
	if (!out && !hex && isatty(STDOUT_FILENO))
		return cli_error("refusing to write binary to a terminal: use -o FILE or --hex");
	if (read_text(in, &text))
		return 1;
	r = hive_asm(text, &insns, &cnt, err, sizeof(err));
	free(text);
	if (r == -HIVE_EPARSE)
		return cli_error("%s: %s", strcmp(in, "-") ? in : "<stdin>", err);
	if (r)
		return cli_error("assembling '%s' failed: %s", in, hive_strerror(r));
	r = write_out(out, insns, cnt, hex);
	free(insns);
	return r;
}
