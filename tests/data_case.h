/*
 * data_case.h - reader of the instruction conformance cases in
 * tests/data/NAME.data (bpf_conformance's file format), shared by the runner
 * on hive's engines (test_data.c) and the comparison with the live kernel
 * (test_kernel_data.c).
 *
 * A file is a sequence of sections opened by a directive line:
 *   -- asm      program text (bpf_conformance / uBPF syntax, '#' comments)
 *   -- raw      program as 64-bit instruction words (0x... hex or decimal),
 *               opcode in the low byte; wins over -- asm when both exist
 *   -- mem      hex bytes of the memory given to the program (r1 = address,
 *               r2 = length)
 *   -- result   expected r0 (0x... hex or decimal)
 *   -- error    expected failure: text hive reports (a substring of the
 *               message or of hive_strerror())
 * Lines before the first directive are comments. The reader follows
 * bpf_conformance's parser and also checks what would break that parser
 * (see data_case_lint()), so every file stays runnable by the upstream
 * runner through build/hive-conformance.
 */
#ifndef HIVE_TEST_DATA_CASE_H
#define HIVE_TEST_DATA_CASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hive/hive_vm.h"

struct data_case {
	char name[128];            /* file name without directory */
	char *asm_text;            /* -- asm section (comments kept), or NULL */
	struct hive_insn *raw;     /* -- raw section, or NULL */
	uint32_t nraw;
	uint8_t *mem;              /* -- mem bytes, or NULL */
	size_t mem_len;
	bool has_result;
	uint64_t result;
	char *error;               /* -- error text, or NULL */
	struct hive_insn *insns;   /* the program: raw if present, else assembled */
	uint32_t cnt;
	char why[512];             /* why data_case_load() failed */
};

/*
 * data_case_list - sorted absolute paths of every tests/data/NAME.data file.
 * Returns the count (>= 0) with *paths malloc'd (free with
 * data_case_list_free), or a negative errno.
 */
int data_case_list(char ***paths);
void data_case_list_free(char **paths, int n);

/*
 * data_case_load - read and assemble one case. Returns 0, or a negative
 * errno / -HIVE_EPARSE with the reason in c->why. The case must be freed
 * with data_case_free() either way.
 */
int data_case_load(const char *path, struct data_case *c);
void data_case_free(struct data_case *c);

/*
 * data_case_lint - what would make bpf_conformance's own parser and
 * assembler misread the file (indented or double-spaced asm lines, "--"
 * outside a directive, text after the result, an -- asm that assembles to
 * something other than its -- raw). Returns 0 or -EINVAL with the reason
 * in @why.
 */
int data_case_lint(const char *path, const struct data_case *c, char *why, size_t len);

/* Whether the program calls a helper (call with src 0). */
bool data_case_calls_helper(const struct data_case *c);

/* How a run of a case ended. */
enum data_stage { STAGE_OK, STAGE_LOAD, STAGE_RUN };

struct outcome {
	enum data_stage stage;  /* STAGE_OK: ran to the end with r0 */
	int err;                /* error of the failed stage */
	uint64_t r0;
};

/* Instruction budget of the runs: enough for the longest loop in the
 * suite, small enough that the endless-loop cases end quickly. */
#define DATA_BUDGET 1000000u

/*
 * data_case_exec - load the case into a fresh VM with the test helpers on
 * @engine and run it once: -- mem (copied) is the context and the LD_ABS
 * packet; the engines enter with r1 = the context, r2 = its size. Library messages go to the print
 * callback in force. The result is in @o.
 */
void data_case_exec(const struct data_case *c, enum hive_engine engine, bool checks,
		    struct outcome *o);

/* Lowercase hex "xx xx ..." of @len bytes into a malloc'd string (the
 * plugin protocol's encoding). NULL with errno set on failure. */
char *data_case_hex(const void *bytes, size_t len);

#endif
