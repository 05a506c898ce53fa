/*
 * externs.c - extern variables and functions of an object: .kconfig
 * (LINUX_KERNEL_VERSION, LINUX_HAS_*, CONFIG_*) and .ksyms (kernel
 * variables and kfuncs), found as undefined ELF symbols described by the
 * object BTF.
 *
 * .kconfig externs live in one read-only array map (".kconfig"), laid out
 * as libbpf does (descending alignment, then ascending size, then name), so
 * the offsets in relocated instructions match libbpf's. Their values come
 * from the open options' kconfig text, then the host's /proc/config.gz or
 * /boot/config-$(uname -r); an extern that no source sets is an error
 * unless it is __weak (then it is zero).
 *
 * .ksyms externs are resolved against the target BTF (typed variables and
 * kfuncs, by BTF id) or /proc/kallsyms (untyped variables, by address).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <zlib.h>

#include "object.h"
#include "util/util.h"

/* Warn about extern @e and evaluate to -HIVE_ERELOC. */
#define ext_bad(obj, e, fmt, ...)                                                      \
	(obj_warn((obj), "extern '%s' (%s): " fmt, (e)->name,                          \
		  (e)->type == EXT_KCFG ? ".kconfig" : ".ksyms", ##__VA_ARGS__), -HIVE_ERELOC)

int ext_by_name(const struct hive_object *obj, const char *name)
{
	uint32_t i;

	for (i = 0; i < obj->nr_externs; i++)
		if (!strcmp(obj->externs[i].name, name))
			return (int)i;
	return -1;
}

/* BTF VAR or FUNC named @name with extern linkage, and its DATASEC name. */
static int find_extern_btf(const struct hive_btf *btf, const char *name, uint32_t *id,
			   const char **sec)
{
	uint32_t i, j;

	for (i = 1; i < btf->nr_types; i++) {
		const struct btf_type *t = btf_type(btf, i);

		if (hive_btf_kind(t) != BTF_KIND_DATASEC)
			continue;
		for (j = 0; j < hive_btf_vlen(t); j++) {
			uint32_t vid = btf_secinfos(t)[j].type;
			const struct btf_type *v = btf_type(btf, vid);
			bool ext = hive_btf_kind(v) == BTF_KIND_VAR ? btf_var(v)->linkage == BTF_VAR_GLOBAL_EXTERN
								    : hive_btf_vlen(v) == BTF_FUNC_EXTERN;

			if (ext && !strcmp(btf_name(btf, v), name)) {
				*id = vid;
				*sec = btf_name(btf, t);
				return 0;
			}
		}
	}
	return -ENOENT;
}

static enum kcfg_type kcfg_type_of(const struct hive_btf *btf, uint32_t id, bool *is_signed)
{
	const struct btf_type *t = btf_skip_mods_typedefs(btf, id, NULL);
	uint32_t enc;

	switch (hive_btf_kind(t)) {
	case BTF_KIND_INT:
		enc = BTF_INT_ENCODING(btf_int_encoding(t));
		if (enc & BTF_INT_BOOL)
			return t->size == 1 ? KCFG_BOOL : KCFG_UNKNOWN;
		if (is_signed)
			*is_signed = enc & BTF_INT_SIGNED;
		if (t->size == 1)
			return KCFG_CHAR;
		if (t->size > 8 || (t->size & (t->size - 1)))
			return KCFG_UNKNOWN;
		return KCFG_INT;
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
		return !strcmp(btf_name(btf, t), "libbpf_tristate") ? KCFG_TRISTATE : KCFG_UNKNOWN;
	case BTF_KIND_ARRAY:
		if (!btf_array(t)->nelems || kcfg_type_of(btf, btf_array(t)->type, NULL) != KCFG_CHAR)
			return KCFG_UNKNOWN;
		return KCFG_CHAR_ARR;
	default:
		return KCFG_UNKNOWN;
	}
}

static uint32_t align_of(const struct hive_btf *btf, uint32_t id)
{
	const struct btf_type *t = btf_skip_mods_typedefs(btf, id, NULL);

	if (hive_btf_kind(t) == BTF_KIND_ARRAY)
		return align_of(btf, btf_array(t)->type);
	return t->size >= 8 ? 8 : t->size ? t->size : 1;
}

static int cmp_ext(const void *a, const void *b)
{
	const struct extern_desc *x = a, *y = b;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->type == EXT_KCFG) {
		if (x->align != y->align)
			return x->align > y->align ? -1 : 1;
		if (x->sz != y->sz)
			return x->sz < y->sz ? -1 : 1;
	}
	return strcmp(x->name, y->name);
}

static int add_kconfig_map(struct hive_object *obj)
{
	struct hive_map *map;
	uint64_t off = 0;
	uint32_t i;
	int err, id;

	for (i = 0; i < obj->nr_externs; i++) {
		struct extern_desc *e = &obj->externs[i];

		if (e->type != EXT_KCFG)
			continue;
		off = (off + e->align - 1) / e->align * e->align;
		e->data_off = (uint32_t)off;
		off += e->sz;
		if (off > OBJ_MAX_MAP_VALUE) {
			obj_warn(obj, "extern '%s' (.kconfig): the .kconfig externs need %llu "
				 "bytes, more than an array map value holds (%u)", e->name,
				 (unsigned long long)off, OBJ_MAX_MAP_VALUE);
			return -E2BIG;
		}
	}
	if (!off)
		return 0;
	err = map_add(obj, &map);
	if (err)
		return err;
	obj->kconfig_map_idx = (int)obj->nr_maps - 1;
	map->kind = MAP_KCONFIG;
	map->type = BPF_MAP_TYPE_ARRAY;
	map->key_size = 4;
	map->value_size = (uint32_t)off;
	map->max_entries = 1;
	map->map_flags = BPF_F_MMAPABLE | BPF_F_RDONLY_PROG;
	map->real_name = strdup(".kconfig");
	map->name = map_internal_name(obj, ".kconfig");
	map->data = calloc(1, off);
	if (!map->real_name || !map->name || !map->data)
		return -ENOMEM;
	id = hive_btf__find_by_name_kind(obj->btf, ".kconfig", BTF_KIND_DATASEC);
	if (id > 0)
		map->btf_var_id = map->btf_value_type_id = (uint32_t)id;
	return 0;
}

int externs_collect(struct hive_object *obj)
{
	uint32_t i;
	int err;

	for (i = 1; i < obj->elf.nsyms; i++) {
		struct extern_desc *e;
		struct elf_sym sym;
		const char *sec;
		uint32_t id;

		err = elf_sym(&obj->elf, i, &sym);
		if (err)
			return err;
		if (sym.shndx != SHN_UNDEF || !sym.name[0] || sym.type == STT_SECTION ||
		    (sym.bind != STB_GLOBAL && sym.bind != STB_WEAK))
			continue;
		if (!obj->btf) {
			obj_warn(obj, "extern '%s' needs the object's BTF (compile with -g)", sym.name);
			return -HIVE_EFORMAT;
		}
		if (find_extern_btf(obj->btf, sym.name, &id, &sec)) {
			obj_warn(obj, "extern '%s' has no BTF VAR/FUNC in a .kconfig or .ksyms DATASEC",
				 sym.name);
			return -HIVE_EFORMAT;
		}
		e = realloc(obj->externs, (obj->nr_externs + 1) * sizeof(*e));
		if (!e)
			return -ENOMEM;
		obj->externs = e;
		e = &obj->externs[obj->nr_externs++];
		memset(e, 0, sizeof(*e));
		e->name = strdup(sym.name);
		if (!e->name)
			return -ENOMEM;
		e->sym_idx = i;
		e->btf_id = id;
		e->weak = sym.bind == STB_WEAK;
		if (!strcmp(sec, ".kconfig")) {
			const struct btf_type *v = btf_type(obj->btf, id);

			e->type = EXT_KCFG;
			if (hive_btf_kind(v) != BTF_KIND_VAR)
				return ext_bad(obj, e, "a function cannot be a .kconfig extern");
			e->kcfg = kcfg_type_of(obj->btf, v->type, &e->is_signed);
			e->sz = btf_size_of(obj->btf, v->type);
			e->align = align_of(obj->btf, v->type);
			if (e->kcfg == KCFG_UNKNOWN || e->sz == BTF_NO_SIZE || !e->sz)
				return ext_bad(obj, e, "unsupported type (use bool, char, integers, "
					       "enum libbpf_tristate or char arrays)");
			if (strncmp(e->name, "CONFIG_", 7) && strncmp(e->name, "LINUX_", 6))
				return ext_bad(obj, e, "names must start with CONFIG_ or LINUX_");
		} else if (!strcmp(sec, ".ksyms")) {
			const struct btf_type *v = btf_type(obj->btf, id);

			e->type = EXT_KSYM;
			e->is_func = hive_btf_kind(v) == BTF_KIND_FUNC;
			e->typed = e->is_func || v->type != 0;
		} else {
			return ext_bad(obj, e, "unsupported extern section '%s'", sec);
		}
	}
	if (obj->nr_externs)
		qsort(obj->externs, obj->nr_externs, sizeof(*obj->externs), cmp_ext);
	return add_kconfig_map(obj);
}

/* -------------------------------------------------------------- kconfig */

static int set_num(const struct hive_object *obj, struct extern_desc *e, uint8_t *dst,
		   uint64_t v)
{
	if (e->kcfg != KCFG_INT && e->kcfg != KCFG_CHAR && e->kcfg != KCFG_BOOL)
		return ext_bad(obj, e, "a number does not fit its type");
	if (e->kcfg == KCFG_BOOL && v > 1)
		return ext_bad(obj, e, "value %llu for a bool", (unsigned long long)v);
	if (e->sz < 8) {
		uint64_t lim = 1ull << (e->sz * 8);

		if (e->is_signed ? ((int64_t)v < -(int64_t)(lim / 2) || (int64_t)v >= (int64_t)(lim / 2))
				 : v >= lim)
			return ext_bad(obj, e, "value %lld out of range for %u bytes", (long long)v, e->sz);
	}
	memcpy(dst, &v, e->sz); /* little-endian host */
	e->resolved = true;
	return 0;
}

static int set_value(const struct hive_object *obj, struct extern_desc *e, const char *val)
{
	uint8_t *dst = obj->maps[obj->kconfig_map_idx].data + e->data_off;
	char *end;

	if ((val[0] == 'y' || val[0] == 'n' || val[0] == 'm') && !val[1]) {
		uint8_t v;

		switch (e->kcfg) {
		case KCFG_BOOL:
			if (val[0] == 'm')
				return ext_bad(obj, e, "value 'm' for a bool");
			v = val[0] == 'y';
			break;
		case KCFG_TRISTATE:
			v = val[0] == 'y' ? 1 : val[0] == 'm' ? 2 : 0;
			break;
		case KCFG_CHAR:
			v = (uint8_t)val[0];
			break;
		default:
			return ext_bad(obj, e, "value '%c' does not fit its type", val[0]);
		}
		*dst = v;
		e->resolved = true;
		return 0;
	}
	if (val[0] == '"') {
		size_t n = strlen(val);

		if (e->kcfg != KCFG_CHAR_ARR)
			return ext_bad(obj, e, "a string value for a non-char[] type");
		if (n < 2 || val[n - 1] != '"')
			return ext_bad(obj, e, "unterminated string value");
		n -= 2;
		if (n >= e->sz) {
			hive_pr_info("%s: extern '%s': string value truncated to %u bytes\n", obj->path,
				     e->name, e->sz - 1);
			n = e->sz - 1;
		}
		memcpy(dst, val + 1, n);
		dst[n] = 0;
		e->resolved = true;
		return 0;
	}
	errno = 0;
	{
		unsigned long long v = e->is_signed ? (unsigned long long)strtoll(val, &end, 0)
						    : strtoull(val, &end, 0);

		if (errno || end == val || *end)
			return ext_bad(obj, e, "cannot parse value '%s'", val);
		return set_num(obj, e, dst, v);
	}
}

/* Apply "CONFIG_X=val" lines of @text to the unresolved kcfg externs. */
static int apply_config_line(struct hive_object *obj, char *line)
{
	const char *val;
	char *eq;
	int idx;

	line[strcspn(line, "\r\n")] = 0;
	if (!strncmp(line, "# CONFIG_", 9)) {
		/* "# CONFIG_FOO is not set" means n. */
		char *sp = strstr(line + 2, " is not set");

		if (!sp)
			return 0;
		*sp = 0;
		idx = ext_by_name(obj, line + 2);
		val = "n";
	} else {
		if (strncmp(line, "CONFIG_", 7) || !(eq = strchr(line, '=')))
			return 0;
		*eq = 0;
		val = eq + 1;
		idx = ext_by_name(obj, line);
	}
	if (idx < 0 || obj->externs[idx].type != EXT_KCFG || obj->externs[idx].resolved)
		return 0;
	return set_value(obj, &obj->externs[idx], val);
}

static int apply_config_text(struct hive_object *obj, const char *text)
{
	char *copy = strdup(text), *line, *save = NULL;
	int err = 0;

	if (!copy)
		return -ENOMEM;
	for (line = strtok_r(copy, "\n", &save); line && !err; line = strtok_r(NULL, "\n", &save))
		err = apply_config_line(obj, line);
	free(copy);
	return err;
}

static int apply_host_config(struct hive_object *obj)
{
	char path[300], line[4096];
	struct utsname u;
	gzFile f;
	int err = 0;

	/* gzopen reads plain files too. */
	f = gzopen("/proc/config.gz", "r");
	if (!f && !uname(&u)) {
		snprintf(path, sizeof(path), "/boot/config-%s", u.release);
		f = gzopen(path, "r");
	}
	if (!f) {
		hive_pr_info("%s: no kernel config found (/proc/config.gz, /boot/config-*)\n", obj->path);
		return 0;
	}
	while (!err && gzgets(f, line, sizeof(line)))
		err = apply_config_line(obj, line);
	gzclose(f);
	return err;
}

static int kallsyms_addr(const char *name, uint64_t *addr)
{
	char line[512], sym[256], type;
	unsigned long long a;
	FILE *f = fopen("/proc/kallsyms", "re");
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &a, &type, sym) != 3)
			continue;
		if (!strcmp(sym, name)) {
			*addr = a;
			err = 0;
			break;
		}
	}
	fclose(f);
	return err;
}

static uint32_t host_kernel_version(void)
{
	unsigned a = 0, b = 0, c = 0;
	struct utsname u;

	if (uname(&u) || sscanf(u.release, "%u.%u.%u", &a, &b, &c) < 2)
		return 0;
	return (a << 16) + (b << 8) + (c > 255 ? 255 : c);
}

static int resolve_kconfig(struct hive_object *obj)
{
	bool need_config = false;
	uint32_t i;
	int err;

	if (obj->kconfig_map_idx < 0)
		return 0;
	memset(obj->maps[obj->kconfig_map_idx].data, 0, obj->maps[obj->kconfig_map_idx].value_size);
	for (i = 0; i < obj->nr_externs; i++) {
		struct extern_desc *e = &obj->externs[i];
		uint8_t *dst = obj->maps[obj->kconfig_map_idx].data + e->data_off;

		if (e->type != EXT_KCFG)
			continue;
		e->resolved = false;
		if (!strcmp(e->name, "LINUX_KERNEL_VERSION")) {
			if (e->kcfg != KCFG_INT || e->sz != 4)
				return ext_bad(obj, e, "must be a 32-bit integer");
			err = set_num(obj, e, dst, host_kernel_version());
		} else if (!strcmp(e->name, "LINUX_HAS_BPF_COOKIE")) {
			err = set_num(obj, e, dst, 1);
		} else if (!strcmp(e->name, "LINUX_HAS_SYSCALL_WRAPPER")) {
			uint64_t addr;

			/* x86-64 kernels since 4.17 enter syscalls through __x64_sys_*(regs) */
			err = set_num(obj, e, dst, kallsyms_addr("__x64_sys_bpf", &addr) == 0);
		} else if (!strncmp(e->name, "CONFIG_", 7)) {
			need_config = true;
			err = 0;
		} else {
			return ext_bad(obj, e, "unknown LINUX_ extern");
		}
		if (err)
			return err;
	}
	if (!need_config)
		return 0;
	if (obj->kconfig_extra) {
		err = apply_config_text(obj, obj->kconfig_extra);
		if (err)
			return err;
	}
	return apply_host_config(obj);
}

/* ---------------------------------------------------------------- ksyms */

static int resolve_ksyms(struct hive_object *obj)
{
	struct hive_btf *target = NULL;
	uint32_t i;
	int err;

	for (i = 0; i < obj->nr_externs; i++) {
		struct extern_desc *e = &obj->externs[i];
		int id;

		if (e->type != EXT_KSYM)
			continue;
		e->resolved = false;
		if (!e->typed) {
			err = kallsyms_addr(e->name, &e->addr);
			if (err && !e->weak)
				return ext_bad(obj, e, "not found in /proc/kallsyms (%s)", hive_strerror(err));
			e->resolved = !err;
			continue;
		}
		if (!target) {
			err = obj_target_btf(obj, &target);
			if (err)
				return ext_bad(obj, e, "needs the kernel's BTF (%s)", hive_strerror(err));
		}
		id = hive_btf__find_by_name_kind(target, e->name,
						 e->is_func ? BTF_KIND_FUNC : BTF_KIND_VAR);
		if (id < 0) {
			if (!e->weak)
				return ext_bad(obj, e, "no %s of that name in the target BTF",
					       e->is_func ? "function" : "variable");
			continue;
		}
		e->kernel_btf_id = (uint32_t)id;
		e->resolved = true;
	}
	return 0;
}

int externs_resolve(struct hive_object *obj)
{
	uint32_t i;
	int err;

	err = resolve_kconfig(obj);
	if (!err)
		err = resolve_ksyms(obj);
	if (err)
		return err;
	for (i = 0; i < obj->nr_externs; i++) {
		struct extern_desc *e = &obj->externs[i];

		if (e->type == EXT_KCFG && !e->resolved && !e->weak)
			return ext_bad(obj, e, "no value in the kernel config (declare it __weak to default to 0)");
	}
	return 0;
}
