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
	va_list ap;

	va_start(ap, fmt);
	cli_verror(fmt, ap);
	va_end(ap);
	return 1;
}

void cli_verror(const char *fmt, va_list ap)
{
	char buf[2048];

	vsnprintf(buf, sizeof(buf), fmt, ap);
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
		   "       hive version\n\n"
		   "OBJECT:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nOPTIONS:\n"
		   "  -j, --json       JSON output\n"
		   "  -p, --pretty     human-readable JSON output\n"
		   "  -d, --debug      print library debug messages\n"
		   "  -V, --version    print the version\n"
		   "  -h, --help       this help; 'hive OBJECT help' or 'hive OBJECT -h' for an\n"
		   "                   object's commands\n"
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
		   "\nOptions may come anywhere, as with bpftool. Paths under /sys/fs/bpf name\n"
		   "the same paths under the hive filesystem.\n");
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

/* `-V`, `--version`, `version`: bpftool's layout; JSON with -j/-p. */
static int print_version(void)
{
	struct json_writer *w;

	if (!cli_opts.json) {
		printf("hive v%s\n", hive_version());
		return 0;
	}
	w = jw_new(stdout, cli_opts.pretty);
	if (!w)
		return cli_error("out of memory");
	jw_start_object(w);
	jw_string_field(w, "version", hive_version());
	jw_end_object(w);
	jw_destroy(w);
	return 0;
}

/*
 * Take the global option @argv[*i] (and its operand); returns 1 when it
 * was one, 0 when it is not a global option, -1 after an error. -h and -V
 * are only noted (*help, *version): they act once the object is known.
 */
static int take_option(int argc, char **argv, int *i, bool *help, bool *version)
{
	const char *o = argv[*i];

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
		if (*i + 1 >= argc || is_object(argv[*i + 1])) {
			cli_opts.show_pinned = true; /* bpftool's --bpffs */
			return 1;
		}
		cli_opts.bpffs = argv[++*i];
		setenv("HIVE_FS", cli_opts.bpffs, 1);
	} else if (!strcmp(o, "-V") || !strcmp(o, "--version")) {
		*version = true;
	} else if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
		*help = true;
	} else {
		return 0;
	}
	return 1;
}

/*
 * Global options may come anywhere, as with bpftool's getopt_long: before
 * the object they must be known; after it, only the words that are global
 * options are taken (other words starting with '-', such as "-" for
 * stdin, belong to the command). "--" ends the options. The remaining
 * words are compacted to the front of argv; returns their count or -1.
 */
static int parse_options(int argc, char **argv, bool *help, bool *version)
{
	bool seen_object = false, done = false;
	int i, n = 0, r;

	for (i = 1; i < argc; i++) {
		if (!done && !strcmp(argv[i], "--")) {
			done = true;
			continue;
		}
		if (!done && argv[i][0] == '-' && argv[i][1]) {
			r = take_option(argc, argv, &i, help, version);
			if (r < 0)
				return -1;
			if (r > 0)
				continue;
			if (!seen_object) {
				cli_error("unrecognized option '%s'", argv[i]);
				if (!cli_opts.json)
					usage(stderr);
				return -1;
			}
		}
		seen_object = true;
		argv[n++] = argv[i];
	}
	argv[n] = NULL; /* commands may rely on argv[argc] == NULL */
	return n;
}

int main(int argc, char **argv)
{
	bool help = false, version = false;
	static char help_word[] = "help";
	char *help_argv[] = { help_word, NULL };
	size_t c;
	int n;

	n = parse_options(argc, argv, &help, &version);
	if (n < 0)
		return 255;
	if (version || (n > 0 && !strcmp(argv[0], "version")))
		return print_version();
	if (n == 0 || !strcmp(argv[0], "help")) {
		if (cli_opts.json)
			printf("null\n");
		else
			usage(stdout);
		return 0;
	}
	for (c = 0; c < sizeof(commands) / sizeof(commands[0]); c++)
		if (cli_is_prefix(argv[0], commands[c].name))
			return help ? run_family(c, 1, help_argv) : run_family(c, n - 1, argv + 1);
	if (help) {
		usage(stdout);
		return 0;
	}
	cli_error("unknown object '%s'", argv[0]);
	if (!cli_opts.json)
		usage(stderr);
	return 255;
}
