/*
 * test_helper_doc.c - docs/helpers.md's helper table is generated from
 * src/helpers/helper_def.h (the one helper table): this test builds the
 * rows from the X-macro and fails, printing the table to paste, when the
 * document says anything else.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* "A1, A2, ..." without the UNSPEC ones, "-" when there are none. */
static void args_text(char *out, size_t size, const char *const *args)
{
	size_t n = 0;

	out[0] = 0;
	for (int i = 0; i < 5; i++) {
		if (!strcmp(args[i], "UNSPEC"))
			continue;
		n += (size_t)snprintf(out + n, size - n, "%s%s", n ? ", " : "", args[i]);
	}
	if (!n)
		snprintf(out, size, "-");
}

static char *expected_table(void)
{
	size_t cap = 1 << 16, n = 0;
	char *t = malloc(cap), args[256];

	if (!t)
		return NULL;
	n += (size_t)snprintf(t + n, cap - n, "| id | helper | returns | arguments |\n|---:|---|---|---|\n");
#define X(ID, NAME, RET, A1, A2, A3, A4, A5)                                                \
	if (strcmp(#RET, "UNSPEC")) {                                                       \
		const char *const a[5] = { #A1, #A2, #A3, #A4, #A5 };                       \
		args_text(args, sizeof(args), a);                                           \
		n += (size_t)snprintf(t + n, cap - n, "| %d | bpf_%s | %s | %s |\n", ID, #NAME, \
				      #RET, args);                                          \
	}
#include "helpers/helper_def.h"
#undef X
	return t;
}

TEST(helper_doc_matches_table)
{
	FILE *f = fopen(test_path("docs/helpers.md"), "r");
	char line[512], *want = expected_table(), *have;
	size_t n = 0, cap = 1 << 16;
	bool in = false;

	REQUIRE(f && want);
	have = calloc(1, cap);
	REQUIRE(have);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "| id | helper |", 15))
			in = true;
		if (in && line[0] != '|')
			break;
		if (in && n + strlen(line) < cap) {
			memcpy(have + n, line, strlen(line) + 1);
			n += strlen(line);
		}
	}
	fclose(f);
	if (strcmp(have, want)) {
		test_fail(__FILE__, __LINE__, "docs/helpers.md's table differs from helper_def.h");
		fprintf(stderr, "    the table generated from src/helpers/helper_def.h:\n%s", want);
	}
	free(have);
	free(want);
}
