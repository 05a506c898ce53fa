/*
 * maps.c - the maps of an object: BTF-defined maps of .maps, global data
 * maps (.data, .rodata, .bss and their .name variants), map-in-map and
 * program-array initial slots; creation (or reuse of a pinned map) through
 * the backend; and the public hive_map__* accessors.
 *
 * A BTF-defined map is a variable of .maps whose type is a struct of
 * pointer-encoded fields (bpf_helpers.h):
 *
 *   __uint(name, N)   int (*name)[N]          -> PTR to ARRAY of N elements
 *   __type(name, T)   typeof(T) *name         -> PTR to T (key/value type)
 *   __array(name, T)  typeof(T) *name[]       -> ARRAY of PTR to T (inner
 *                                                map definition or program
 *                                                prototype), last member
 *
 * Global data sections become single-element arrays whose value is the
 * section (BPF_F_MMAPABLE; .rodata and .kconfig also BPF_F_RDONLY_PROG and
 * frozen after their initial value is written).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "object.h"
#include "util/util.h"

#define PIN_NONE    0 /* LIBBPF_PIN_NONE */
#define PIN_BY_NAME 1 /* LIBBPF_PIN_BY_NAME */

void map_free(struct hive_map *map)
{
	if (!map)
		return;
	if (map->inner) {
		map_free(map->inner);
		free(map->inner);
	}
	if (map->obj && map->fd >= 0)
		obj_close_fd(map->obj, map->fd);
	free(map->name);
	free(map->real_name);
	free(map->slots);
	free(map->data);
	free(map->pin_path);
}

int map_add(struct hive_object *obj, struct hive_map **out)
{
	struct hive_map *m = realloc(obj->maps, (obj->nr_maps + 1) * sizeof(*m));

	if (!m)
		return -ENOMEM;
	obj->maps = m;
	m = &obj->maps[obj->nr_maps++];
	memset(m, 0, sizeof(*m));
	m->obj = obj;
	m->fd = -1;
	*out = m;
	return 0;
}

/*
 * Backend name of a global data map: as much of the object name as fits
 * before the section name in 15 characters ("test_glo.rodata"), or the
 * section name alone when it has a second dot (".rodata.str1.1"); then
 * characters the kernel refuses replaced by '_'. Same scheme as libbpf, so
 * tools see the same names.
 */
char *map_internal_name(const struct hive_object *obj, const char *real)
{
	char name[OBJ_NAME_LEN];
	size_t sfx = strlen(real), pfx = 0;
	char *p;

	if (sfx < 7)
		sfx = 7;
	if (!strchr(real + 1, '.') && sfx < OBJ_NAME_LEN - 1) {
		pfx = OBJ_NAME_LEN - 1 - sfx;
		if (pfx > strlen(obj->name))
			pfx = strlen(obj->name);
	}
	snprintf(name, sizeof(name), "%.*s%.*s", (int)pfx, obj->name, (int)sfx, real);
	for (p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.')
			*p = '_';
	return strdup(name);
}

/* ------------------------------------------------------ BTF map parsing */

/* Value N of a __uint(name, N) member type, or -1. */
static int64_t uint_field(const struct hive_btf *btf, uint32_t type_id)
{
	const struct btf_type *t = btf_skip_mods_typedefs(btf, type_id, NULL), *arr;

	if (hive_btf_kind(t) != BTF_KIND_PTR)
		return -1;
	arr = btf_skip_mods_typedefs(btf, t->type, NULL);
	if (hive_btf_kind(arr) != BTF_KIND_ARRAY)
		return -1;
	return btf_array(arr)->nelems;
}

struct map_ctx {
	struct hive_object *obj;
	const char *name;     /* for messages */
};

/* Warn about map @c and evaluate to -HIVE_EFORMAT. */
#define map_bad(c, fmt, ...) \
	(obj_warn((c)->obj, "section '.maps': map '%s': " fmt, (c)->name, ##__VA_ARGS__), -HIVE_EFORMAT)

static int parse_map_def(const struct map_ctx *c, struct hive_map *map, uint32_t def_id,
			 bool is_inner);

/* __type(key/value, T): sets the type id and checks the size. */
static int parse_type_field(const struct map_ctx *c, uint32_t mtype, const char *what,
			    uint32_t *type_id, uint32_t *size)
{
	const struct hive_btf *btf = c->obj->btf;
	const struct btf_type *t = btf_skip_mods_typedefs(btf, mtype, NULL);
	uint32_t sz;

	if (hive_btf_kind(t) != BTF_KIND_PTR)
		return map_bad(c, "%s: expected __type(%s, T), got a %s", what, what,
			       btf_kind_str(hive_btf_kind(t)));
	sz = btf_size_of(btf, t->type);
	if (sz == BTF_NO_SIZE)
		return map_bad(c, "%s type %u has no size", what, t->type);
	if (*size && *size != sz)
		return map_bad(c, "%s size %u conflicts with its type's size %u", what, *size, sz);
	*size = sz;
	*type_id = t->type;
	return 0;
}

/* __array(values, T): the inner map template or the program prototype. */
static int parse_values(const struct map_ctx *c, struct hive_map *map, uint32_t mtype,
			bool is_inner)
{
	const struct hive_btf *btf = c->obj->btf;
	const struct btf_type *t = btf_skip_mods_typedefs(btf, mtype, NULL), *pt;
	uint32_t inner_id;

	if (is_inner)
		return map_bad(c, "inner maps cannot have inner maps of their own");
	/* Slots hold a map or program fd. */
	if (map->value_size && map->value_size != 4)
		return map_bad(c, "value_size %u: map-in-map and prog array values are 4 bytes",
			       map->value_size);
	map->value_size = 4;
	if (hive_btf_kind(t) != BTF_KIND_ARRAY || btf_array(t)->nelems)
		return map_bad(c, "values: expected __array(values, T)");
	t = btf_skip_mods_typedefs(btf, btf_array(t)->type, NULL);
	if (hive_btf_kind(t) != BTF_KIND_PTR)
		return map_bad(c, "values: array elements must be pointers");
	pt = btf_skip_mods_typedefs(btf, t->type, &inner_id);
	if (map->type == BPF_MAP_TYPE_PROG_ARRAY) {
		if (hive_btf_kind(pt) != BTF_KIND_FUNC_PROTO)
			return map_bad(c, "values of a prog array must be function prototypes");
		return 0;
	}
	if (map->type != BPF_MAP_TYPE_ARRAY_OF_MAPS && map->type != BPF_MAP_TYPE_HASH_OF_MAPS)
		return map_bad(c, "values: only map-in-map and prog array maps take __array");
	if (hive_btf_kind(pt) != BTF_KIND_STRUCT)
		return map_bad(c, "values: the inner map definition must be a struct");
	map->inner = calloc(1, sizeof(*map->inner));
	if (!map->inner)
		return -ENOMEM;
	map->inner->obj = c->obj;
	map->inner->fd = -1;
	map->inner->is_inner = true;
	if (asprintf(&map->inner->name, "%s.inner", map->name) < 0) {
		map->inner->name = NULL;
		return -ENOMEM;
	}
	return parse_map_def(c, map->inner, inner_id, true);
}

static int parse_map_def(const struct map_ctx *c, struct hive_map *map, uint32_t def_id,
			 bool is_inner)
{
	const struct hive_btf *btf = c->obj->btf;
	const struct btf_type *def = btf_type(btf, def_id);
	uint32_t i, vlen = hive_btf_vlen(def);
	bool seen_type = false;
	int err;

	for (i = 0; i < vlen; i++) {
		const struct btf_member *m = &hive_btf_members(def)[i];
		const char *fname = btf_str(btf, m->name_off);
		int64_t v = 0;

		if (!fname || !fname[0])
			return map_bad(c, "member %u has no name", i);
		if (!strcmp(fname, "key") || !strcmp(fname, "value") || !strcmp(fname, "values")) {
			if (!strcmp(fname, "key"))
				err = parse_type_field(c, m->type, "key", &map->btf_key_type_id,
						       &map->key_size);
			else if (!strcmp(fname, "value"))
				err = parse_type_field(c, m->type, "value", &map->btf_value_type_id,
						       &map->value_size);
			else {
				if (i != vlen - 1)
					return map_bad(c, "values must be the last member");
				if (!seen_type)
					return map_bad(c, "values needs __uint(type, ...) first");
				err = parse_values(c, map, m->type, is_inner);
			}
			if (err)
				return err;
			continue;
		}
		v = uint_field(btf, m->type);
		if (v < 0)
			return map_bad(c, "field '%s' is not __uint(%s, N)", fname, fname);
		if (!strcmp(fname, "type")) {
			map->type = (uint32_t)v;
			seen_type = true;
		} else if (!strcmp(fname, "max_entries")) {
			map->max_entries = (uint32_t)v;
		} else if (!strcmp(fname, "map_flags")) {
			map->map_flags = (uint32_t)v;
		} else if (!strcmp(fname, "numa_node")) {
			map->numa_node = (uint32_t)v;
		} else if (!strcmp(fname, "map_extra")) {
			map->map_extra = (uint64_t)v;
		} else if (!strcmp(fname, "key_size") || !strcmp(fname, "value_size")) {
			uint32_t *sz = fname[0] == 'k' ? &map->key_size : &map->value_size;

			if (*sz && *sz != (uint32_t)v)
				return map_bad(c, "%s %lld conflicts with the %s type's size %u", fname,
					       (long long)v, fname[0] == 'k' ? "key" : "value", *sz);
			*sz = (uint32_t)v;
		} else if (!strcmp(fname, "pinning")) {
			if (is_inner)
				return map_bad(c, "inner maps cannot be pinned");
			if (v != PIN_NONE && v != PIN_BY_NAME)
				return map_bad(c, "pinning %lld: only LIBBPF_PIN_NONE/LIBBPF_PIN_BY_NAME",
					       (long long)v);
			map->pinning = (uint32_t)v;
		} else {
			return map_bad(c, "unknown field '%s'", fname);
		}
	}
	if (!seen_type)
		return map_bad(c, "no __uint(type, ...)");
	if ((map->type == BPF_MAP_TYPE_ARRAY_OF_MAPS || map->type == BPF_MAP_TYPE_HASH_OF_MAPS) &&
	    !map->inner)
		return map_bad(c, "map-in-map needs __array(values, struct inner_def)");
	return 0;
}

static int find_map_sym(struct hive_object *obj, const char *name, struct elf_sym *out)
{
	uint32_t i;
	int err;

	for (i = 1; i < obj->elf.nsyms; i++) {
		err = elf_sym(&obj->elf, i, out);
		if (err)
			return err;
		if (out->shndx == obj->maps_shndx && out->type == STT_OBJECT && !strcmp(out->name, name))
			return 0;
	}
	return -ENOENT;
}

static int collect_btf_maps(struct hive_object *obj)
{
	const struct elf_sec *ms = elf_sec(&obj->elf, obj->maps_shndx);
	const struct btf_type *sec;
	int sec_id;
	uint32_t i;

	if (!obj->maps_shndx)
		return 0;
	if (!obj->btf) {
		elf_warn(&obj->elf, ms, "BTF-defined maps need the object's BTF (compile with -g)");
		return -HIVE_EFORMAT;
	}
	sec_id = hive_btf__find_by_name_kind(obj->btf, ".maps", BTF_KIND_DATASEC);
	if (sec_id < 0) {
		if (!ms->size)
			return 0;
		elf_warn(&obj->elf, ms, "no DATASEC '.maps' in the BTF");
		return -HIVE_EFORMAT;
	}
	sec = btf_type(obj->btf, (uint32_t)sec_id);
	for (i = 0; i < hive_btf_vlen(sec); i++) {
		uint32_t var_id = btf_secinfos(sec)[i].type, def_id, sz;
		const struct btf_type *var = btf_type(obj->btf, var_id), *def;
		struct map_ctx c = { obj, btf_name(obj->btf, var) };
		struct hive_map *map;
		struct elf_sym sym;
		int err;

		if (hive_btf_kind(var) != BTF_KIND_VAR)
			return map_bad(&c, "DATASEC entry %u is not a variable", i);
		def = btf_skip_mods_typedefs(obj->btf, var->type, &def_id);
		if (hive_btf_kind(def) != BTF_KIND_STRUCT)
			return map_bad(&c, "definition must be a struct, is a %s",
				       btf_kind_str(hive_btf_kind(def)));
		err = find_map_sym(obj, c.name, &sym);
		if (err == -ENOENT)
			return map_bad(&c, "no symbol in section '.maps'");
		if (err)
			return err;
		/* The symbol covers initialized values[] past the struct. */
		sz = btf_size_of(obj->btf, var_id);
		if (sz == BTF_NO_SIZE || sym.size > sz)
			sz = sym.size > UINT32_MAX ? UINT32_MAX : (uint32_t)sym.size;
		if (sym.value > ms->size || sz > ms->size - sym.value)
			return map_bad(&c, "offset 0x%llx size %u outside the section (%llu bytes)",
				       (unsigned long long)sym.value, sz, (unsigned long long)ms->size);
		err = map_add(obj, &map);
		if (err)
			return err;
		map->kind = MAP_USER;
		map->sec_idx = obj->maps_shndx;
		map->sec_off = sym.value;
		map->sec_size = sz;
		map->btf_var_id = var_id;
		map->name = strdup(c.name);
		map->real_name = strdup(c.name);
		if (!map->name || !map->real_name)
			return -ENOMEM;
		err = parse_map_def(&c, map, def_id, false);
		if (err)
			return err;
		if (map->pinning == PIN_BY_NAME &&
		    asprintf(&map->pin_path, "%s/%s", obj->pin_root ? obj->pin_root : obj_default_pin_root(obj),
			     map->name) < 0) {
			map->pin_path = NULL;
			return -ENOMEM;
		}
	}
	return 0;
}

/* ------------------------------------------------------ global data maps */

static int collect_data_maps(struct hive_object *obj)
{
	uint32_t i;

	for (i = 1; i < obj->elf.nsecs; i++) {
		const struct elf_sec *s = &obj->elf.secs[i];
		struct hive_map *map;
		int err, id;

		if (obj->secs[i].kind != SEC_GDATA)
			continue;
		if (s->size > OBJ_MAX_MAP_VALUE) {
			elf_warn(&obj->elf, s, "%llu bytes is too large for a map value (at most %u)",
				 (unsigned long long)s->size, OBJ_MAX_MAP_VALUE);
			return -E2BIG;
		}
		err = map_add(obj, &map);
		if (err)
			return err;
		obj->secs[i].map_idx = (int)obj->nr_maps - 1;
		map->kind = s->name[1] == 'r' ? MAP_RODATA : s->name[1] == 'b' ? MAP_BSS : MAP_DATA;
		map->sec_idx = i;
		map->type = BPF_MAP_TYPE_ARRAY;
		map->key_size = 4;
		map->value_size = (uint32_t)s->size;
		map->max_entries = 1;
		map->map_flags = BPF_F_MMAPABLE;
		if (map->kind == MAP_RODATA)
			map->map_flags |= BPF_F_RDONLY_PROG;
		map->real_name = strdup(s->name);
		map->name = map_internal_name(obj, s->name);
		map->data = calloc(1, map->value_size);
		if (!map->real_name || !map->name || !map->data)
			return -ENOMEM;
		if (s->data)
			memcpy(map->data, s->data, s->size);
		id = obj->btf ? hive_btf__find_by_name_kind(obj->btf, s->name, BTF_KIND_DATASEC) : -1;
		if (id > 0)
			map->btf_var_id = map->btf_value_type_id = (uint32_t)id;
	}
	return 0;
}

int maps_collect(struct hive_object *obj)
{
	int err = collect_btf_maps(obj);

	return err ? err : collect_data_maps(obj);
}

int map_by_sec_off(const struct hive_object *obj, uint32_t sec_idx, uint64_t off)
{
	uint32_t i;

	for (i = 0; i < obj->nr_maps; i++)
		if (obj->maps[i].kind == MAP_USER && obj->maps[i].sec_idx == sec_idx &&
		    obj->maps[i].sec_off == off)
			return (int)i;
	return -1;
}

/* ------------------------------------------------------- initial slots */

static int add_slot(struct hive_map *map, uint32_t idx, enum init_slot_kind kind, int target)
{
	struct init_slot *s = realloc(map->slots, (map->nr_slots + 1) * sizeof(*s));

	if (!s)
		return -ENOMEM;
	map->slots = s;
	map->slots[map->nr_slots++] = (struct init_slot){ idx, kind, target };
	return 0;
}

/* Relocations of .maps: &inner_map or &prog in the values[] of an outer map. */
int maps_collect_slots(struct hive_object *obj)
{
	const struct elf_sec *ms, *rs;
	uint32_t i;

	if (!obj->maps_shndx || !obj->secs[obj->maps_shndx].rel_idx)
		return 0;
	ms = elf_sec(&obj->elf, obj->maps_shndx);
	rs = elf_sec(&obj->elf, obj->secs[obj->maps_shndx].rel_idx);
	for (i = 0; i < elf_rel_count(rs); i++) {
		struct hive_map *outer = NULL;
		uint64_t values_off = 0, rel_in;
		struct elf_rel rel;
		struct elf_sym sym;
		uint32_t j;
		int err, target;

		err = elf_rel(&obj->elf, rs, i, &rel);
		if (!err)
			err = elf_sym(&obj->elf, rel.sym, &sym);
		if (err)
			return err;
		if (rel.type != HIVE_R_BPF_64_ABS64 || rel.off % 8 || rel.off >= ms->size) {
			elf_warn(&obj->elf, rs, "offset 0x%llx: relocation %u (type %u) at .maps+0x%llx is not an aligned 64-bit slot inside the section",
				 (unsigned long long)(rs->off + i * sizeof(Elf64_Rel)), i, rel.type,
				 (unsigned long long)rel.off);
			return -HIVE_ERELOC;
		}
		for (j = 0; j < obj->nr_maps; j++) {
			struct hive_map *m = &obj->maps[j];

			if (m->kind == MAP_USER && rel.off >= m->sec_off && rel.off < m->sec_off + m->sec_size)
				outer = m;
		}
		if (!outer) {
			elf_warn(&obj->elf, rs, "relocation %u at .maps+0x%llx is outside every map", i,
				 (unsigned long long)rel.off);
			return -HIVE_ERELOC;
		}
		{
			struct map_ctx c = { obj, outer->name };
			const struct btf_type *def = btf_skip_mods_typedefs(obj->btf,
				btf_type(obj->btf, outer->btf_var_id)->type, NULL);
			uint32_t vlen = hive_btf_vlen(def);

			if (!vlen || strcmp(btf_str(obj->btf, hive_btf_members(def)[vlen - 1].name_off), "values"))
				return map_bad(&c, "relocation %u at .maps+0x%llx: map has no values[]", i,
					       (unsigned long long)rel.off);
			values_off = hive_btf_member_bit_offset(def, vlen - 1) / 8;
			rel_in = rel.off - outer->sec_off;
			if (rel_in < values_off || (rel_in - values_off) % 8)
				return map_bad(&c, "relocation %u at .maps+0x%llx is not a values[] slot", i,
					       (unsigned long long)rel.off);
			if (outer->type == BPF_MAP_TYPE_PROG_ARRAY) {
				target = obj_prog_by_sym(obj, sym.shndx, sym.value);
				if (sym.type != STT_FUNC || target < 0 || obj->progs[target].is_subprog)
					return map_bad(&c, "slot %llu: '%s' is not a program",
						       (unsigned long long)(rel_in - values_off) / 8, sym.name);
				err = add_slot(outer, (uint32_t)((rel_in - values_off) / 8), SLOT_PROG, target);
			} else {
				target = sym.shndx == obj->maps_shndx ? map_by_sec_off(obj, sym.shndx, sym.value) : -1;
				if (target < 0)
					return map_bad(&c, "slot %llu: '%s' is not a map of .maps",
						       (unsigned long long)(rel_in - values_off) / 8, sym.name);
				if (obj->maps[target].inner)
					return map_bad(&c, "slot %llu: '%s' is itself a map-in-map",
						       (unsigned long long)(rel_in - values_off) / 8, sym.name);
				err = add_slot(outer, (uint32_t)((rel_in - values_off) / 8), SLOT_MAP, target);
			}
			if (err)
				return err;
		}
	}
	return 0;
}

/* ------------------------------------------------------------- creation */

static int map_bpf(struct hive_map *map, int cmd, union bpf_attr *attr)
{
	return obj_bpf(map->obj, cmd, attr, sizeof(*attr));
}

static void copy_name(char *dst, const char *name)
{
	size_t i;

	for (i = 0; i < OBJ_NAME_LEN - 1 && name[i]; i++)
		dst[i] = isalnum((unsigned char)name[i]) || name[i] == '.' ? name[i] : '_';
	dst[i] = 0;
}

/* Map types whose key/value BTF the kernel refuses or ignores. */
static bool btf_kv_allowed(uint32_t type)
{
	switch (type) {
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY: case BPF_MAP_TYPE_CGROUP_ARRAY:
	case BPF_MAP_TYPE_STACK_TRACE: case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS: case BPF_MAP_TYPE_DEVMAP: case BPF_MAP_TYPE_DEVMAP_HASH:
	case BPF_MAP_TYPE_CPUMAP: case BPF_MAP_TYPE_XSKMAP: case BPF_MAP_TYPE_SOCKMAP:
	case BPF_MAP_TYPE_SOCKHASH: case BPF_MAP_TYPE_QUEUE: case BPF_MAP_TYPE_STACK:
	case BPF_MAP_TYPE_RINGBUF: case BPF_MAP_TYPE_USER_RINGBUF: case BPF_MAP_TYPE_PROG_ARRAY:
		return false;
	default:
		return true;
	}
}

static int create_one(struct hive_map *map, int inner_fd)
{
	struct hive_object *obj = map->obj;
	union bpf_attr attr;
	bool with_btf;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = map->type;
	attr.key_size = map->key_size;
	attr.value_size = map->value_size;
	attr.max_entries = map->max_entries;
	attr.map_flags = map->map_flags;
	attr.inner_map_fd = inner_fd > 0 ? (uint32_t)inner_fd : 0;
	attr.numa_node = map->numa_node;
	attr.map_extra = map->map_extra;
	copy_name(attr.map_name, map->name);
	if (map->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
		/* As libbpf: one slot per possible CPU unless given. */
		if (!attr.key_size)
			attr.key_size = 4;
		if (!attr.value_size)
			attr.value_size = 4;
		if (!attr.max_entries)
			attr.max_entries = obj_possible_cpus();
	}
	with_btf = obj->btf_fd >= 0 && btf_kv_allowed(map->type) &&
		   (map->btf_key_type_id || map->btf_value_type_id);
	if (with_btf) {
		attr.btf_fd = (uint32_t)obj->btf_fd;
		attr.btf_key_type_id = map->btf_key_type_id;
		attr.btf_value_type_id = map->btf_value_type_id;
	}
	fd = map_bpf(map, BPF_MAP_CREATE, &attr);
	if (fd < 0 && with_btf) {
		hive_pr_info("%s: map '%s': create with BTF failed (%s), retrying without BTF\n",
			     obj->path, map->name, hive_strerror(fd));
		attr.btf_fd = attr.btf_key_type_id = attr.btf_value_type_id = 0;
		fd = map_bpf(map, BPF_MAP_CREATE, &attr);
	}
	if (fd < 0) {
		obj_warn(obj, "map '%s': create failed (type %u, key %u, value %u, entries %u, flags 0x%x): %s",
			 map->name, map->type, attr.key_size, attr.value_size, attr.max_entries,
			 map->map_flags, hive_strerror(fd));
		return fd;
	}
	map->fd = fd;
	return 0;
}

static int update_elem(struct hive_map *map, int fd, const void *key, const void *value)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (uint32_t)fd;
	attr.key = (uint64_t)(uintptr_t)key;
	attr.value = (uint64_t)(uintptr_t)value;
	return map_bpf(map, BPF_MAP_UPDATE_ELEM, &attr);
}

/* Reuse a map pinned at the map's pin path if compatible: 1 reused, 0 none. */
static int reuse_pinned(struct hive_map *map)
{
	struct bpf_map_info info;
	union bpf_attr attr;
	int fd, err;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = (uint64_t)(uintptr_t)map->pin_path;
	fd = map_bpf(map, BPF_OBJ_GET, &attr);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0) {
		obj_warn(map->obj, "map '%s': cannot open pinned '%s': %s", map->name, map->pin_path,
			 hive_strerror(fd));
		return fd;
	}
	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (uint32_t)fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (uint64_t)(uintptr_t)&info;
	err = map_bpf(map, BPF_OBJ_GET_INFO_BY_FD, &attr);
	if (err < 0) {
		obj_warn(map->obj, "map '%s': cannot query pinned '%s': %s", map->name, map->pin_path,
			 hive_strerror(err));
		obj_close_fd(map->obj, fd);
		return err;
	}
	if (info.type != map->type || info.key_size != map->key_size ||
	    info.value_size != map->value_size || info.max_entries != map->max_entries ||
	    info.map_flags != map->map_flags) {
		obj_warn(map->obj, "map '%s': pinned map at '%s' is incompatible (type %u/%u, key %u/%u, value %u/%u, entries %u/%u, flags 0x%x/0x%x)",
			 map->name, map->pin_path, info.type, map->type, info.key_size, map->key_size,
			 info.value_size, map->value_size, info.max_entries, map->max_entries,
			 info.map_flags, map->map_flags);
		obj_close_fd(map->obj, fd);
		return -EINVAL;
	}
	map->fd = fd;
	map->reused = map->pinned = true;
	hive_pr_debug("%s: map '%s': reusing pinned map at '%s'\n", map->obj->path, map->name,
		      map->pin_path);
	return 1;
}

static int pin_map(struct hive_map *map, const char *path)
{
	union bpf_attr attr;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = (uint64_t)(uintptr_t)path;
	attr.bpf_fd = (uint32_t)map->fd;
	err = map_bpf(map, BPF_OBJ_PIN, &attr);
	if (err < 0)
		obj_warn(map->obj, "map '%s': pin at '%s' failed: %s", map->name, path,
			 hive_strerror(err));
	return err < 0 ? err : 0;
}

static int create_map(struct hive_map *map)
{
	union bpf_attr attr;
	int err, zero = 0;

	if (map->reused)
		return 0; /* hive_map__reuse_fd */
	if (map->pin_path) {
		err = reuse_pinned(map);
		if (err)
			return err < 0 ? err : 0;
	}
	if (map->inner) {
		err = create_one(map->inner, -1);
		if (err)
			return err;
	}
	err = create_one(map, map->inner ? map->inner->fd : -1);
	if (map->inner) {
		obj_close_fd(map->obj, map->inner->fd);
		map->inner->fd = -1;
	}
	if (err)
		return err;
	if (map->data) {
		err = update_elem(map, map->fd, &zero, map->data);
		if (err < 0) {
			obj_warn(map->obj, "map '%s': writing the initial value failed: %s", map->name,
				 hive_strerror(err));
			return err;
		}
		if (map->kind == MAP_RODATA || map->kind == MAP_KCONFIG) {
			memset(&attr, 0, sizeof(attr));
			attr.map_fd = (uint32_t)map->fd;
			err = map_bpf(map, BPF_MAP_FREEZE, &attr);
			if (err < 0) {
				obj_warn(map->obj, "map '%s': freeze failed: %s", map->name,
					 hive_strerror(err));
				return err;
			}
		}
	}
	if (map->pin_path) {
		err = pin_map(map, map->pin_path);
		if (err)
			return err;
		map->pinned = true;
	}
	return 0;
}

static int fill_slots(struct hive_map *map, enum init_slot_kind kind)
{
	uint32_t i;
	int err;

	if (map->reused)
		return 0;
	for (i = 0; i < map->nr_slots; i++) {
		const struct init_slot *s = &map->slots[i];
		int fd;

		if (s->kind != kind)
			continue;
		fd = kind == SLOT_MAP ? map->obj->maps[s->target].fd : map->obj->progs[s->target].fd;
		if (fd < 0)
			continue; /* program not loaded (autoload off) */
		if (s->idx >= map->max_entries) {
			obj_warn(map->obj, "map '%s': initial slot %u is past max_entries %u", map->name,
				 s->idx, map->max_entries);
			return -EINVAL;
		}
		err = update_elem(map, map->fd, &s->idx, &fd);
		if (err < 0) {
			obj_warn(map->obj, "map '%s': setting slot %u failed: %s", map->name, s->idx,
				 hive_strerror(err));
			return err;
		}
	}
	return 0;
}

int maps_create(struct hive_object *obj)
{
	uint32_t i;
	int err;

	for (i = 0; i < obj->nr_maps; i++) {
		err = create_map(&obj->maps[i]);
		if (err)
			return err;
	}
	for (i = 0; i < obj->nr_maps; i++) {
		err = fill_slots(&obj->maps[i], SLOT_MAP);
		if (err)
			return err;
	}
	return 0;
}

int maps_fill_prog_slots(struct hive_object *obj)
{
	uint32_t i;
	int err;

	for (i = 0; i < obj->nr_maps; i++) {
		err = fill_slots(&obj->maps[i], SLOT_PROG);
		if (err)
			return err;
	}
	return 0;
}

/* ------------------------------------------------------------------ API */

struct hive_map *hive_object__next_map(const struct hive_object *obj, struct hive_map *prev)
{
	uint32_t i = prev ? (uint32_t)(prev - obj->maps) + 1 : 0;

	return i < obj->nr_maps ? &obj->maps[i] : NULL;
}

struct hive_map *hive_object__find_map_by_name(const struct hive_object *obj, const char *name)
{
	uint32_t i;

	for (i = 0; i < obj->nr_maps; i++)
		if (!strcmp(obj->maps[i].real_name, name) || !strcmp(obj->maps[i].name, name))
			return &obj->maps[i];
	errno = ENOENT;
	return NULL;
}

static int pin_dir_path(struct hive_map *map, const char *dir, char **out)
{
	if (map->pin_path) {
		*out = strdup(map->pin_path);
		return *out ? 0 : -ENOMEM;
	}
	if (!dir) {
		*out = NULL;
		return 0;
	}
	if (asprintf(out, "%s/%s", dir, map->name) < 0) {
		*out = NULL;
		return -ENOMEM;
	}
	/* as libbpf: bpffs refuses periods, "obj.rodata" pins as "obj_rodata" */
	for (char *p = *out + strlen(dir) + 1; *p; p++)
		if (*p == '.')
			*p = '_';
	return 0;
}

int hive_object__unpin_maps(struct hive_object *obj, const char *path)
{
	uint32_t i;
	int err = 0;

	for (i = 0; i < obj->nr_maps; i++) {
		struct hive_map *m = &obj->maps[i];
		char *p;

		if (!m->pinned || m->reused)
			continue;
		if (pin_dir_path(m, path, &p) || !p)
			continue;
		if (unlink(p) && !err)
			err = -errno;
		else
			m->pinned = false;
		free(p);
	}
	return err;
}

int hive_object__pin_maps(struct hive_object *obj, const char *path)
{
	uint32_t i;
	int err;

	if (obj->state != OBJ_PREPARED && obj->state != OBJ_LOADED)
		return -ENOENT;
	for (i = 0; i < obj->nr_maps; i++) {
		struct hive_map *m = &obj->maps[i];
		char *p;

		if (m->pinned)
			continue;
		err = pin_dir_path(m, path, &p);
		if (err)
			goto undo;
		if (!p)
			continue;
		err = pin_map(m, p);
		free(p);
		if (err)
			goto undo;
		m->pinned = true;
	}
	return 0;
undo:
	hive_object__unpin_maps(obj, path);
	return err;
}

const char *hive_map__name(const struct hive_map *map)
{
	return map->name;
}

int hive_map__fd(const struct hive_map *map)
{
	if (map->fd < 0)
		errno = EINVAL;
	return map->fd;
}

enum bpf_map_type hive_map__type(const struct hive_map *map)
{
	return (enum bpf_map_type)map->type;
}

uint32_t hive_map__key_size(const struct hive_map *map)
{
	return map->key_size;
}

uint32_t hive_map__value_size(const struct hive_map *map)
{
	return map->value_size;
}

uint32_t hive_map__max_entries(const struct hive_map *map)
{
	return map->max_entries;
}

uint32_t hive_map__map_flags(const struct hive_map *map)
{
	return map->map_flags;
}

static int map_busy(const struct hive_map *map)
{
	return map->obj->state != OBJ_OPENED ? -EBUSY : 0;
}

int hive_map__reuse_fd(struct hive_map *map, int fd)
{
	struct bpf_map_info info;
	union bpf_attr attr;
	int err = map_busy(map), nfd;

	if (err)
		return err;
	if (fd < 0)
		return -EBADF;
	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (uint32_t)fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (uint64_t)(uintptr_t)&info;
	err = map_bpf(map, BPF_OBJ_GET_INFO_BY_FD, &attr);
	if (err < 0) {
		obj_warn(map->obj, "map '%s': cannot reuse fd %d: %s", map->name, fd,
			 hive_strerror(err));
		return err;
	}
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (nfd < 0)
		return -errno;
	if (map->fd >= 0)
		obj_close_fd(map->obj, map->fd);
	/* the map takes the attributes of the one it stands for (libbpf too) */
	map->fd = nfd;
	map->reused = true;
	map->type = info.type;
	map->key_size = info.key_size;
	map->value_size = info.value_size;
	map->max_entries = info.max_entries;
	map->map_flags = info.map_flags;
	return 0;
}

int hive_map__set_type(struct hive_map *map, enum bpf_map_type type)
{
	int err = map_busy(map);

	if (!err)
		map->type = type;
	return err;
}

int hive_map__set_key_size(struct hive_map *map, uint32_t size)
{
	int err = map_busy(map);

	if (!err) {
		map->key_size = size;
		map->btf_key_type_id = 0;
	}
	return err;
}

int hive_map__set_max_entries(struct hive_map *map, uint32_t max_entries)
{
	int err = map_busy(map);

	if (!err)
		map->max_entries = max_entries;
	return err;
}

int hive_map__set_map_flags(struct hive_map *map, uint32_t flags)
{
	int err = map_busy(map);

	if (!err)
		map->map_flags = flags;
	return err;
}

int hive_map__set_value_size(struct hive_map *map, uint32_t size)
{
	int err = map_busy(map);

	if (err)
		return err;
	if (!size)
		return -EINVAL;
	if (map->data) {
		uint8_t *d = realloc(map->data, size);

		if (!d)
			return -ENOMEM;
		if (size > map->value_size)
			memset(d + map->value_size, 0, size - map->value_size);
		map->data = d;
	}
	map->value_size = size;
	map->btf_value_type_id = 0;
	return 0;
}

void *hive_map__initial_value(const struct hive_map *map, size_t *psize)
{
	if (!map->data)
		return NULL;
	if (psize)
		*psize = map->value_size;
	return map->data;
}

int hive_map__set_initial_value(struct hive_map *map, const void *data, size_t size)
{
	int err = map_busy(map);

	if (err)
		return err;
	if (!map->data || size != map->value_size)
		return -EINVAL;
	memcpy(map->data, data, size);
	return 0;
}

struct hive_map *hive_map__inner_map(struct hive_map *map)
{
	return map->inner;
}

const char *hive_map__pin_path(const struct hive_map *map)
{
	return map->pin_path;
}

int hive_map__set_pin_path(struct hive_map *map, const char *path)
{
	char *p = NULL;

	if (map->is_inner)
		return -EINVAL;
	if (path && !(p = strdup(path)))
		return -ENOMEM;
	free(map->pin_path);
	map->pin_path = p;
	return 0;
}

bool hive_map__is_pinned(const struct hive_map *map)
{
	return map->pinned;
}

uint32_t hive_map__btf_key_type_id(const struct hive_map *map)
{
	return map->btf_key_type_id;
}

uint32_t hive_map__btf_value_type_id(const struct hive_map *map)
{
	return map->btf_value_type_id;
}
