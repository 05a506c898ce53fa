/*
 * main.c - entry point of `hive`: global options in bpftool's style, then
 * dispatch to a command family from the table in commands.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hive/hive.h"
#include "json.h"

struct cli_opts cli_opts;

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
#define CMD(name, fn, summary) { #name, fn, summary },
#include "commands.h"
#undef CMD
};

bool cli_is_prefix(const char *arg, const char *keyword)
{
	return arg && *arg && !strncmp(keyword, arg, strlen(arg));
}

int cli_error(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (cli_opts.json) {
		struct json_writer *w = json_wtr ? json_wtr : jw_new(stdout, cli_opts.pretty);

		if (w) {
			jw_start_object(w);
			jw_string_field(w, "error", buf);
			jw_end_object(w);
			if (w != json_wtr)
				jw_destroy(w);
		}
	} else {
		fprintf(stderr, "Error: %s\n", buf);
	}
	return 1;
}

int cli_read_file(const char *path, unsigned char **data, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	unsigned char *buf = NULL, *nb;
	size_t cap = 0, n = 0, r;
	int err = 0;

	if (!f)
		return -errno;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (!nb) {
				err = -ENOMEM;
				goto out;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0) {
			if (ferror(f))
				err = -EIO;
			break;
		}
	}
out:
	if (f != stdin)
		fclose(f);
	if (err) {
		free(buf);
		return err;
	}
	*data = buf;
	*len = n;
	return 0;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: hive [OPTIONS] OBJECT { COMMAND | help }\n"
		   "       hive --version\n\n"
		   "OBJECT:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nOPTIONS:\n"
		   "  -j, --json       JSON output\n"
		   "  -p, --pretty     human-readable JSON output\n"
		   "  -d, --debug      print library debug messages\n"
		   "  -V, --version    print the version\n"
		   "  -h, --help       this help; 'hive OBJECT help' for an object's commands\n"
		   "  -f               with show/list: print the paths objects are pinned at\n"
		   "  -n, --nomount    do not create the hive filesystem when it is missing\n"
		   "  -m, --mapcompat  accepted for bpftool compatibility (legacy map sections\n"
		   "                   are not supported by hive's loader)\n"
		   "      --interpret  run programs on the interpreter, never the JIT\n"
		   "      --kernel     work on the running kernel's objects (its bpf() and\n"
		   "                   /sys/fs/bpf) instead of hive's, as bpftool does\n"
		   "      --bpffs DIR  hive filesystem root (default: $HIVE_FS, /run/hive, or\n"
		   "                   $XDG_RUNTIME_DIR/hive); '--bpffs' followed by an OBJECT\n"
		   "                   word means bpftool's -f\n"
		   "\nPaths under /sys/fs/bpf name the same paths under the hive filesystem.\n");
}

/* Whether @word names a command family (for the two meanings of --bpffs). */
static bool is_object(const char *word)
{
	size_t c;

	for (c = 0; c < sizeof(commands) / sizeof(commands[0]); c++)
		if (!strcmp(word, commands[c].name))
			return true;
	return false;
}

/* Run a family with the -j/-p writer around it (bpftool's json_wtr). */
static int run_family(size_t c, int argc, char **argv)
{
	int ret;

	if (cli_opts.json) {
		json_wtr = jw_new(stdout, cli_opts.pretty);
		if (!json_wtr)
			return cli_error("out of memory");
	}
	ret = commands[c].fn(argc, argv);
	jw_destroy(json_wtr);
	json_wtr = NULL;
	return ret;
}

int main(int argc, char **argv)
{
	int i;
	size_t c;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *o = argv[i];

		if (!strcmp(o, "-j") || !strcmp(o, "--json")) {
			cli_opts.json = true;
		} else if (!strcmp(o, "-p") || !strcmp(o, "--pretty")) {
			cli_opts.json = cli_opts.pretty = true;
		} else if (!strcmp(o, "-d") || !strcmp(o, "--debug")) {
			cli_opts.debug = true;
			setenv("HIVE_DEBUG", "1", 1);
		} else if (!strcmp(o, "--interpret")) {
			cli_opts.interpret = true;
			setenv("HIVE_ENGINE", "interp", 1);
		} else if (!strcmp(o, "--kernel")) {
			cli_opts.kernel = true;
		} else if (!strcmp(o, "-f")) {
			cli_opts.show_pinned = true;
		} else if (!strcmp(o, "-n") || !strcmp(o, "--nomount")) {
			cli_opts.nomount = true;
		} else if (!strcmp(o, "-m") || !strcmp(o, "--mapcompat")) {
			cli_opts.mapcompat = true;
		} else if (!strcmp(o, "--bpffs")) {
			if (i + 1 < argc && is_object(argv[i + 1])) {
				cli_opts.show_pinned = true; /* bpftool's --bpffs */
				continue;
			}
			if (i + 1 >= argc)
				return cli_error("--bpffs needs a directory");
			cli_opts.bpffs = argv[++i];
			setenv("HIVE_FS", cli_opts.bpffs, 1);
		} else if (!strcmp(o, "-V") || !strcmp(o, "--version")) {
			printf("hive v%s\n", hive_version());
			return 0;
		} else if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(o, "--")) {
			i++;
			break;
		} else {
			return cli_error("unknown option '%s'", o);
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 1;
	}
	if (!strcmp(argv[i], "help")) {
		usage(stdout);
		return 0;
	}
	for (c = 0; c < sizeof(commands) / sizeof(commands[0]); c++)
		if (cli_is_prefix(argv[i], commands[c].name))
			return run_family(c, argc - i - 1, argv + i + 1);
	return cli_error("unknown object '%s'", argv[i]);
}
