/*
 * prog_dump.h - dumping a loaded program's instructions (xlated as text,
 * JSON or a DOT control-flow graph; jited as x86-64 assembly) and running
 * it through BPF_PROG_TEST_RUN with bpftool's options. Shared by `hive
 * prog` and `hive run`.
 */
#ifndef HIVE_CLI_PROG_DUMP_H
#define HIVE_CLI_PROG_DUMP_H

#include <stdbool.h>
#include <stdint.h>

struct prog_dump_opts {
	bool jited;        /* jited code instead of xlated instructions */
	bool opcodes;      /* raw bytes of each instruction */
	bool visual;       /* xlated as a DOT graph */
	bool linum;        /* file, line and column of source lines */
	const char *file;  /* write the raw bytes to FILE instead */
};

/* Dump program @fd. Returns 0 or -1 (message printed). */
int prog_dump(int fd, const struct prog_dump_opts *o);

struct prog_run_opts {
	const char *data_in, *data_out, *ctx_in, *ctx_out; /* "-": stdin/stdout */
	uint32_t data_size_out, ctx_size_out;              /* 0: 32 KiB */
	uint32_t repeat;                                   /* default 1 */
	bool repeat_given;                                 /* "repeat N" was on the line */
};

/* Parse bpftool's run options (data_in FILE ... repeat N). Returns 0 or -1. */
int prog_run_parse(int argc, char **argv, struct prog_run_opts *o);

/* BPF_PROG_TEST_RUN of @fd, printing the output data/context and
 * "Return value: R, duration: Dns" (or JSON). Returns 0 or -1. */
int prog_test_run(int fd, const struct prog_run_opts *o);

#endif
