/*
 * run_asm.c - embedding example: assemble an eBPF text file with hive_asm(),
 * load it into a hive_vm and run it on every available engine, with an
 * optional string as the memory the program gets in r1/r2.
 *
 *     run_asm FILE.s [INPUT-STRING]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hive/hive_asm.h"
#include "hive/hive_vm.h"

struct mem_args {
	uint64_t data;
	uint64_t len;
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n + 1);
	if (buf && fread(buf, 1, n, f) == (size_t)n)
		buf[n] = 0;
	else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* The program starts with r1 = data and r2 = length: prepend two movs. */
static uint64_t run_on(struct hive_vm *vm, char *input, int *err)
{
	HIVE_VM_RUN_OPTS(opts, .ctx = input, .ctx_size = input ? strlen(input) : 0);
	uint64_t r0 = 0;

	*err = hive_vm_run(vm, &opts, &r0);
	return r0;
}

int main(int argc, char **argv)
{
	static const struct { enum hive_engine e; const char *name; } engines[] = {
		{ HIVE_ENGINE_INTERP, "interpreter" },
		{ HIVE_ENGINE_JIT, "jit" },
	};
	struct hive_insn *insns = NULL, *prog = NULL;
	char msg[256], *text;
	uint32_t cnt, i;
	size_t e;
	int err;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE.s [INPUT]\n", argv[0]);
		return 2;
	}
	text = slurp(argv[1]);
	if (!text) {
		perror(argv[1]);
		return 1;
	}
	err = hive_asm(text, &insns, &cnt, msg, sizeof(msg));
	free(text);
	if (err) {
		fprintf(stderr, "%s: %s\n", argv[1], msg);
		return 1;
	}
	/* Prologue: r2 = length of the input (r1 already holds the context). */
	prog = calloc(cnt + 1, sizeof(*prog));
	if (!prog)
		return 1;
	prog[0] = HIVE_MOV64_IMM(2, argc > 2 ? (int32_t)strlen(argv[2]) : 0);
	/* Jump and call offsets are relative, so prepending keeps them valid. */
	for (i = 0; i < cnt; i++)
		prog[i + 1] = insns[i];
	for (e = 0; e < sizeof(engines) / sizeof(engines[0]); e++) {
		struct hive_vm *vm = hive_vm_create();
		uint64_t r0;

		if (!vm)
			return 1;
		hive_vm_set_engine(vm, engines[e].e);
		err = hive_vm_load(vm, prog, cnt + 1);
		if (err == -HIVE_ENOJIT) {
			printf("  %-12s not available (%s)\n", engines[e].name, hive_strerror(err));
			hive_vm_destroy(vm);
			continue;
		}
		if (!err)
			r0 = run_on(vm, argc > 2 ? argv[2] : NULL, &err);
		if (err)
			printf("  %-12s error: %s\n", engines[e].name, hive_strerror(err));
		else
			printf("  %-12s r0 = %llu (0x%llx)\n", engines[e].name,
			       (unsigned long long)r0, (unsigned long long)r0);
		hive_vm_destroy(vm);
	}
	free(prog);
	free(insns);
	return 0;
}
