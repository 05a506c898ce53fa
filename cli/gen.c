/*
 * gen.c - `hive gen skeleton OBJ [name NAME]`: a C header that embeds an
 * object file and gives typed access to its programs, maps and global
 * variables, as bpftool's skeletons do, against hive's object API.
 *
 *   struct NAME {
 *       struct hive_object *obj;
 *       struct { struct hive_map *MAP; ... } maps;
 *       struct { struct hive_program *PROG; ... } progs;
 *       struct NAME__bss { TYPE VAR; ... } *bss;      (also data, rodata, kconfig,
 *       ...                                            data_SUFFIX, rodata_SUFFIX)
 *   };
 *   NAME__open(), __open_opts(opts), __load(), __open_and_load(), __destroy(),
 *   __elf_bytes(&size)
 *
 * Before load the section pointers address the initial values (set
 * .rodata constants there); after load they are mappings of the live maps
 * (read-only for .rodata and .kconfig). Static variables are not exposed,
 * as bpftool. The layout of each section struct comes from the BTF
 * DATASEC and the ELF symbols (offsets and sizes), with explicit padding.
 * Types are named as in BTF: named structs used by variables must be
 * defined before the header is included (bpftool's rule too).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf_dump.h"
#include "common.h"
#include "hive/hive_object.h"

#define MAX_IDENT 128

/* A global data section of the object: .bss, .data.foo, .rodata, .kconfig. */
struct data_sec {
	char sec[MAX_IDENT];    /* ".data.foo" */
	char ident[MAX_IDENT];  /* "data_foo" */
	size_t shndx;
	uint32_t btf_id;        /* its DATASEC, 0 if none */
	bool readonly;
};

struct gen {
	const char *file, *name;
	unsigned char *elf_bytes;
	size_t elf_size;
	Elf *elf;
	size_t shstrndx;
	struct hive_btf *btf;
	struct data_sec *secs;
	size_t nsecs;
};

/* '.' and other non-identifier characters become '_' (bpftool's sanitize_identifier). */
static void sanitize(char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			*s = '_';
}

static bool is_data_sec(const char *name)
{
	return !strcmp(name, ".bss") || !strcmp(name, ".data") || !strcmp(name, ".rodata") ||
	       !strcmp(name, ".kconfig") || !strncmp(name, ".data.", 6) ||
	       !strncmp(name, ".rodata.", 8);
}

static int find_secs(struct gen *g)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(g->elf, scn))) {
		struct data_sec *d;
		const char *name;
		GElf_Shdr sh;
		int id;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(g->elf, g->shstrndx, sh.sh_name);
		if (!name || !is_data_sec(name) || strlen(name) >= MAX_IDENT)
			continue;
		if (sh.sh_type != SHT_PROGBITS && sh.sh_type != SHT_NOBITS)
			continue;
		d = realloc(g->secs, (g->nsecs + 1) * sizeof(*d));
		if (!d)
			return p_err("mem alloc failed");
		g->secs = d;
		d = &g->secs[g->nsecs++];
		memset(d, 0, sizeof(*d));
		snprintf(d->sec, sizeof(d->sec), "%s", name);
		snprintf(d->ident, sizeof(d->ident), "%s", name + 1);
		sanitize(d->ident);
		d->shndx = elf_ndxscn(scn);
		d->readonly = !strncmp(name, ".rodata", 7) || !strcmp(name, ".kconfig");
		id = g->btf ? hive_btf__find_by_name_kind(g->btf, name, BTF_KIND_DATASEC) : -1;
		d->btf_id = id > 0 ? (uint32_t)id : 0;
	}
	return 0;
}

/* Offset and size of global variable @name in section @shndx, from the symbols. */
static bool var_sym(struct gen *g, size_t shndx, const char *name, size_t *off, size_t *size)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(g->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t i, n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		n = sh.sh_size / sh.sh_entsize;
		for (i = 0; i < n; i++) {
			GElf_Sym sym;
			const char *sname;

			if (!gelf_getsym(data, (int)i, &sym) || sym.st_shndx != shndx)
				continue;
			sname = elf_strptr(g->elf, sh.sh_link, sym.st_name);
			if (sname && !strcmp(sname, name)) {
				*off = sym.st_value;
				*size = sym.st_size;
				return true;
			}
		}
	}
	return false;
}

/* "struct NAME__ident { ... } *ident;" for one data section. */
static int emit_sec_struct(struct gen *g, const struct data_sec *d)
{
	const struct btf_type *sec = hive_btf__type_by_id(g->btf, d->btf_id);
	const struct btf_var_secinfo *v = hive_btf_records(sec);
	uint32_t i, n = hive_btf_vlen(sec);
	size_t off = 0;
	int pads = 0;

	printf("\tstruct %s__%s {\n", g->name, d->ident);
	for (i = 0; i < n; i++) {
		const struct btf_type *var = hive_btf__type_by_id(g->btf, v[i].type);
		const char *vname = var ? hive_btf__name_by_offset(g->btf, var->name_off) : NULL;
		char ident[MAX_IDENT];
		size_t voff, vsize;

		if (!var || hive_btf_kind(var) != BTF_KIND_VAR || !vname)
			return p_err("%s: DATASEC %s entry %u is not a variable", g->file, d->sec, i);
		/* static variables are not exposed, as bpftool */
		if (((const struct btf_var *)hive_btf_records(var))->linkage == BTF_VAR_STATIC)
			continue;
		if (!var_sym(g, d->shndx, vname, &voff, &vsize))
			return p_err("%s: variable '%s' of %s has no symbol", g->file, vname, d->sec);
		if (voff < off)
			return p_err("%s: variable '%s' of %s overlaps the previous one", g->file,
				     vname, d->sec);
		if (voff > off) {
			/* the member would not land there by natural alignment (bpftool
			 * assumes at most 4-byte alignment, so pads even 64-bit hosts) */
			size_t a = cli_btf_c_align(g->btf, var->type);

			if (a > 4)
				a = 4;
			if ((off + a - 1) / a * a != voff)
				printf("\t\tchar __pad%d[%zu];\n", pads++, voff - off);
		}
		snprintf(ident, sizeof(ident), "%s", vname);
		sanitize(ident);
		printf("\t\t");
		if (cli_btf_c_decl(g->btf, stdout, var->type, ident, 2, strcmp(d->sec, ".kconfig") != 0))
			return p_err("mem alloc failed");
		printf(";\n");
		off = voff + vsize;
	}
	printf("\t} *%s;\n", d->ident);
	return 0;
}

/* The data section map @map stands for, or NULL for a .maps map. */
static const struct data_sec *map_sec(const struct gen *g, const struct hive_object *obj,
				      const struct hive_map *map)
{
	size_t i;

	for (i = 0; i < g->nsecs; i++)
		if (hive_object__find_map_by_name(obj, g->secs[i].sec) == map)
			return &g->secs[i];
	return NULL;
}

/* Objects named in the skeleton: programs and maps as identifiers. */
static void print_ident(const char *s)
{
	char buf[MAX_IDENT];

	snprintf(buf, sizeof(buf), "%s", s);
	sanitize(buf);
	printf("%s", buf);
}

static int emit_header(struct gen *g, struct hive_object *obj)
{
	struct hive_program *prog;
	struct hive_map *map;
	char guard[MAX_IDENT];
	size_t i;
	int err;

	snprintf(guard, sizeof(guard), "%s", g->name);
	for (i = 0; guard[i]; i++)
		guard[i] = (char)toupper((unsigned char)guard[i]);
	printf("/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */\n"
	       "/* THIS FILE IS AUTOGENERATED BY `hive gen skeleton %s`! */\n"
	       "#ifndef __%s_SKEL_H__\n#define __%s_SKEL_H__\n\n"
	       "#include <errno.h>\n#include <stdlib.h>\n#include <string.h>\n#include <sys/mman.h>\n"
	       "#include <hive/hive_bpf.h>\n#include <hive/hive_object.h>\n\n"
	       "struct %s {\n\tstruct hive_object *obj;\n", g->file, guard, guard, g->name);
	if (hive_object__next_map(obj, NULL)) {
		printf("\tstruct {\n");
		for (map = hive_object__next_map(obj, NULL); map; map = hive_object__next_map(obj, map)) {
			const struct data_sec *d = map_sec(g, obj, map);

			printf("\t\tstruct hive_map *");
			print_ident(d ? d->ident : hive_map__name(map));
			printf(";\n");
		}
		printf("\t} maps;\n");
	}
	if (hive_object__next_program(obj, NULL)) {
		printf("\tstruct {\n");
		for (prog = hive_object__next_program(obj, NULL); prog;
		     prog = hive_object__next_program(obj, prog)) {
			printf("\t\tstruct hive_program *");
			print_ident(hive_program__name(prog));
			printf(";\n");
		}
		printf("\t} progs;\n");
	}
	for (i = 0; i < g->nsecs; i++) {
		if (!g->secs[i].btf_id || !hive_object__find_map_by_name(obj, g->secs[i].sec))
			continue;
		err = emit_sec_struct(g, &g->secs[i]);
		if (err)
			return err;
	}
	printf("};\n\n");
	return 0;
}

static void emit_elf_bytes(struct gen *g)
{
	size_t i;

	printf("static inline const void *%s__elf_bytes(size_t *sz)\n{\n"
	       "\tstatic const char data[] __attribute__((__aligned__(8))) = \"\\\n", g->name);
	for (i = 0; i < g->elf_size; i++) {
		printf("\\x%02x", g->elf_bytes[i]);
		if (i % 19 == 18 && i + 1 < g->elf_size)
			printf("\\\n");
	}
	printf("\";\n\n\t*sz = sizeof(data) - 1;\n\treturn (const void *)data;\n}\n\n");
}

static void emit_functions(struct gen *g, struct hive_object *obj)
{
	const char *n = g->name;
	struct hive_program *prog;
	struct hive_map *map;
	size_t i;

	/* destroy */
	printf("static inline void %s__destroy(struct %s *skel)\n{\n\tsize_t vsz;\n\n"
	       "\t(void)vsz;\n\tif (!skel)\n\t\treturn;\n", n, n);
	for (i = 0; i < g->nsecs; i++) {
		if (!g->secs[i].btf_id || !hive_object__find_map_by_name(obj, g->secs[i].sec))
			continue;
		/* after load the pointer is a mapping, before it the initial value */
		printf("\tif (skel->%s && skel->maps.%s &&\n"
		       "\t    (void *)skel->%s != hive_map__initial_value(skel->maps.%s, &vsz))\n"
		       "\t\tmunmap(skel->%s, hive_map__value_size(skel->maps.%s));\n",
		       g->secs[i].ident, g->secs[i].ident, g->secs[i].ident, g->secs[i].ident,
		       g->secs[i].ident, g->secs[i].ident);
	}
	printf("\thive_object__close(skel->obj);\n\tfree(skel);\n}\n\n");

	emit_elf_bytes(g);

	/* open */
	printf("static inline struct %s *%s__open_opts(const struct hive_object_open_opts *opts)\n{\n"
	       "\tstruct hive_object_open_opts o = { .sz = sizeof(o) };\n"
	       "\tstruct %s *skel = calloc(1, sizeof(*skel));\n"
	       "\tconst void *elf;\n\tsize_t sz, vsz;\n\tint err = -ENOENT;\n\n"
	       "\t(void)vsz;\n"
	       "\tif (!skel) {\n\t\terrno = ENOMEM;\n\t\treturn NULL;\n\t}\n"
	       "\tif (opts)\n\t\tmemcpy(&o, opts, opts->sz < sizeof(o) ? opts->sz : sizeof(o));\n"
	       "\to.sz = sizeof(o);\n"
	       "\tif (!o.object_name)\n\t\to.object_name = \"%s\";\n"
	       "\telf = %s__elf_bytes(&sz);\n"
	       "\tskel->obj = hive_object__open_mem(elf, sz, &o);\n"
	       "\tif (!skel->obj) {\n\t\terr = -errno;\n\t\tgoto err;\n\t}\n", n, n, n, n, n);
	for (map = hive_object__next_map(obj, NULL); map; map = hive_object__next_map(obj, map)) {
		const struct data_sec *d = map_sec(g, obj, map);
		const char *lookup = d ? d->sec : hive_map__name(map);

		printf("\tskel->maps.");
		print_ident(d ? d->ident : lookup);
		printf(" = hive_object__find_map_by_name(skel->obj, \"%s\");\n\tif (!skel->maps.", lookup);
		print_ident(d ? d->ident : lookup);
		printf(")\n\t\tgoto err;\n");
	}
	for (prog = hive_object__next_program(obj, NULL); prog;
	     prog = hive_object__next_program(obj, prog)) {
		printf("\tskel->progs.");
		print_ident(hive_program__name(prog));
		printf(" = hive_object__find_program_by_name(skel->obj, \"%s\");\n\tif (!skel->progs.",
		       hive_program__name(prog));
		print_ident(hive_program__name(prog));
		printf(")\n\t\tgoto err;\n");
	}
	for (i = 0; i < g->nsecs; i++) {
		if (!g->secs[i].btf_id || !hive_object__find_map_by_name(obj, g->secs[i].sec))
			continue;
		printf("\tskel->%s = hive_map__initial_value(skel->maps.%s, &vsz);\n",
		       g->secs[i].ident, g->secs[i].ident);
	}
	printf("\treturn skel;\nerr:\n\t%s__destroy(skel);\n\terrno = -err;\n\treturn NULL;\n}\n\n", n);
	printf("static inline struct %s *%s__open(void)\n{\n\treturn %s__open_opts(NULL);\n}\n\n",
	       n, n, n);

	/* load: after it, the section pointers map the live maps */
	printf("static inline int %s__load(struct %s *skel)\n{\n\tint err = hive_object__load(skel->obj);\n\n"
	       "\tif (err)\n\t\treturn err;\n", n, n);
	for (i = 0; i < g->nsecs; i++) {
		const char *id = g->secs[i].ident;

		if (!g->secs[i].btf_id || !hive_object__find_map_by_name(obj, g->secs[i].sec))
			continue;
		printf("\t{\n\t\tvoid *m = mmap(NULL, hive_map__value_size(skel->maps.%s), PROT_READ%s,\n"
		       "\t\t\t       MAP_SHARED, hive_map__fd(skel->maps.%s), 0);\n\n"
		       "\t\tif (m == MAP_FAILED) {\n\t\t\tskel->%s = NULL;\n\t\t\treturn -errno;\n\t\t}\n"
		       "\t\tskel->%s = m;\n\t}\n",
		       id, g->secs[i].readonly ? "" : " | PROT_WRITE", id, id, id);
	}
	printf("\treturn 0;\n}\n\n");
	printf("static inline struct %s *%s__open_and_load(void)\n{\n\tstruct %s *skel = %s__open();\n"
	       "\tint err;\n\n\tif (!skel)\n\t\treturn NULL;\n\terr = %s__load(skel);\n"
	       "\tif (err) {\n\t\t%s__destroy(skel);\n\t\terrno = -err;\n\t\treturn NULL;\n\t}\n"
	       "\treturn skel;\n}\n\n", n, n, n, n, n, n);
}

static int do_skeleton(int argc, char **argv)
{
	struct hive_object_open_opts opts = { .sz = sizeof(opts) };
	struct hive_object *obj = NULL;
	struct gen g;
	char name[MAX_IDENT];
	const char *base;
	int err = -1;

	memset(&g, 0, sizeof(g));
	if (argc < 1)
		return p_err("expected an object file");
	g.file = *argv++;
	argc--;
	if (argc >= 2 && cli_is_prefix(*argv, "name")) {
		snprintf(name, sizeof(name), "%s", argv[1]);
		argc -= 2, argv += 2;
	} else {
		base = strrchr(g.file, '/');
		snprintf(name, sizeof(name), "%s", base ? base + 1 : g.file);
		if (strlen(name) > 2 && !strcmp(name + strlen(name) - 2, ".o"))
			name[strlen(name) - 2] = '\0';
	}
	if (argc)
		return bad_arg(*argv);
	sanitize(name);
	g.name = name;
	err = cli_read_file(g.file, &g.elf_bytes, &g.elf_size);
	if (err) {
		p_err("failed to open BPF object file %s: %s", g.file, strerror(-err));
		return -1;
	}
	err = -1;
	opts.object_name = name;
	obj = hive_object__open_mem(g.elf_bytes, g.elf_size, &opts);
	if (!obj) {
		p_err("failed to open BPF object file %s: %s", g.file, hive_strerror(errno));
		goto out;
	}
	if (elf_version(EV_CURRENT) == EV_NONE ||
	    !(g.elf = elf_memory((char *)g.elf_bytes, g.elf_size)) ||
	    elf_getshdrstrndx(g.elf, &g.shstrndx)) {
		p_err("%s: not an ELF object", g.file);
		goto out;
	}
	g.btf = cli_btf_from_file(g.file);
	if (find_secs(&g))
		goto out;
	if (json_wtr) {
		p_err("JSON output is not supported for skeletons");
		goto out;
	}
	if (emit_header(&g, obj))
		goto out;
	emit_functions(&g, obj);
	printf("#endif /* __%s_SKEL_H__ */\n", name);
	err = 0;
out:
	if (g.elf)
		elf_end(g.elf);
	hive_btf__free(g.btf);
	hive_object__close(obj);
	free(g.secs);
	free(g.elf_bytes);
	return err;
}

static void print_usage(FILE *f)
{
	fprintf(f, "Usage: hive gen skeleton FILE [name OBJECT_NAME]\n"
		   "       hive gen help\n"
		   "\n"
		   "       Writes to stdout a C header embedding FILE, with typed access to its\n"
		   "       programs, maps and global variables through hive's object API\n"
		   "       (NAME__open, __load, __open_and_load, __destroy, __elf_bytes).\n"
		   "       OPTIONS := { {-d|--debug} }\n");
}

static const struct family family = { "gen", print_usage };

static int no_command(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return family_usage(&family);
}

static const struct cmd cmds[] = {
	{ "", no_command },
	{ "skeleton", do_skeleton },
	{ NULL, NULL },
};

int cmd_gen(int argc, char **argv)
{
	return cmd_select(&family, cmds, argc, argv);
}
