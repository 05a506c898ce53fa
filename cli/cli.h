/*
 * cli.h - shared pieces of the `hive` command line: the command table
 * declarations, global options and bpftool-style error reporting.
 * The CLI uses only the public API in include/hive/.
 */
#ifndef HIVE_CLI_H
#define HIVE_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

struct cli_opts {
	bool json;       /* -j/--json */
	bool pretty;     /* -p/--pretty (implies json) */
	bool debug;      /* -d/--debug */
	bool interpret;  /* --interpret: never JIT */
	const char *bpffs; /* --bpffs DIR */
	bool show_pinned; /* -f (bpftool's -f/--bpffs): list pinned paths */
	bool nomount;     /* -n/--nomount: never create the hive filesystem */
	bool mapcompat;   /* -m/--mapcompat: relaxed legacy map sections */
	bool kernel;      /* --kernel: the running kernel's bpf(), not hive's */
};
extern struct cli_opts cli_opts;

#define CMD(name, fn, summary) int fn(int argc, char **argv);
#include "commands.h"
#undef CMD

/* bpftool-style error: "Error: ..." on stderr, or {"error": "..."} with -j. Returns 1. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same with a va_list (no return value). */
void cli_verror(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Read a whole file ("-" = stdin) into a malloc'd buffer. Returns 0 or -errno. */
int cli_read_file(const char *path, unsigned char **data, size_t *len);

/* Whether argv word @arg is a prefix-match of @keyword (bpftool's is_prefix). */
bool cli_is_prefix(const char *arg, const char *keyword);

#endif
