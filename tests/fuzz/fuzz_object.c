/*
 * fuzz_object.c - libFuzzer target over object opening and relocation:
 * hive_object__open_mem on arbitrary bytes, then every getter, a walk of
 * the BTF, and hive_object__prepare through a backend that only hands out
 * descriptor numbers (so CO-RE-free relocation and linking run too).
 * The raw bytes also go to the BTF parser directly.
 *
 * Seeds: the compiled test programs (build/.../tests/progs/NAME.bpf.o) and
 * the malformed corpus test_elf.c writes (build/.../tests/elf/NAME.o):
 *   make fuzz && build/.../fuzz/fuzz_object build/.../tests/progs build/.../tests/elf
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hive/hive.h"
#include "hive/hive_btf.h"
#include "hive/hive_object.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int next_fd = 1000;

/* Backend double: maps and programs "exist" as numbers; nothing runs. */
static int numbers_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	(void)attr;
	(void)size;
	switch (cmd) {
	case BPF_MAP_CREATE:
	case BPF_PROG_LOAD:
		return next_fd++;
	case BPF_MAP_UPDATE_ELEM:
	case BPF_MAP_FREEZE:
	case BPF_PROG_BIND_MAP:
		return 0;
	default:
		errno = EINVAL;
		return -1;
	}
}

static int numbers_close(int fd)
{
	(void)fd;
	return 0;
}

static void walk_btf(const struct hive_btf *btf)
{
	uint32_t i, n = hive_btf__type_cnt(btf);

	for (i = 0; i < n; i++) {
		const struct btf_type *t = hive_btf__type_by_id(btf, i);

		(void)hive_btf__resolve_size(btf, i);
		(void)hive_btf__skip_mods_and_typedefs(btf, i);
		(void)hive_btf__name_by_offset(btf, t->name_off);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hive_object_open_opts opts = {
		.sz = sizeof(opts), .bpf = numbers_bpf, .close = numbers_close,
		.btf_custom_path = "/nonexistent/hive-fuzz-btf",
	};
	struct hive_program *p = NULL;
	struct hive_map *m = NULL;
	struct hive_object *obj;
	struct hive_btf *btf;
	size_t vs;

	hive_set_print(NULL);
	btf = hive_btf__new(data, size);
	if (btf)
		walk_btf(btf);
	hive_btf__free(btf);

	obj = hive_object__open_mem(data, size, &opts);
	if (!obj)
		return 0;
	while ((p = hive_object__next_program(obj, p))) {
		const struct hive_insn *insn = hive_program__insns(p);
		size_t cnt = hive_program__insn_cnt(p);

		if (cnt)
			(void)insn[cnt - 1].code;
		(void)hive_program__attach_target(p);
		(void)hive_program__section_name(p);
	}
	while ((m = hive_object__next_map(obj, m))) {
		uint8_t *v = hive_map__initial_value(m, &vs);

		if (v && vs)
			(void)v[vs - 1];
		(void)hive_map__inner_map(m);
	}
	if (hive_object__btf(obj))
		walk_btf(hive_object__btf(obj));
	if (hive_object__prepare(obj) == 0) {
		uint32_t nfi, nli;

		while ((p = hive_object__next_program(obj, p))) {
			const struct bpf_func_info *fi = hive_program__func_info(p, &nfi);
			const struct bpf_line_info *li = hive_program__line_info(p, &nli);

			if (fi && nfi)
				(void)fi[nfi - 1].insn_off;
			if (li && nli)
				(void)li[nli - 1].insn_off;
		}
		(void)hive_object__load(obj);
	}
	hive_object__close(obj);
	return 0;
}
