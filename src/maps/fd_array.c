/*
 * fd_array.c - arrays whose values are other objects: PROG_ARRAY (programs
 * for tail calls), ARRAY_OF_MAPS (inner maps), PERF_EVENT_ARRAY (perf
 * event descriptors) and CGROUP_ARRAY (cgroup v2 directories, kept as
 * cgroup ids).
 *
 * User space stores a descriptor (u32 value); the slot keeps the object's
 * id (and, for PROG_ARRAY and ARRAY_OF_MAPS, a reference link so the object
 * lives as long as it is stored). A lookup from user space returns the id,
 * as the kernel does; a program-side lookup of ARRAY_OF_MAPS returns the
 * inner struct hive_map *, as the kernel's returns its struct bpf_map *.
 * Slots are u64 words updated atomically.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#define CGROUP2_MAGIC 0x63677270

#include "core/obj.h"
#include "core/prog.h"
#include "core/registry.h"
#include "maps/family.h"
#include "maps/perf_ring.h"

static int default_prog_fd_to_id(int fd, uint32_t *id)
{
	struct hive_obj *obj;
	int err = obj_from_fd(fd, HIVE_OBJ_PROG, &obj, NULL);

	if (err)
		return err;
	*id = obj->id;
	obj_put(obj);
	return 0;
}

int (*hive_prog_fd_to_id)(int fd, uint32_t *id) = default_prog_fd_to_id;

/*
 * bpf_prog_map_compatible(): the first program stored in (or using) a prog
 * array makes its type the array's owner type; programs of another type,
 * and extension programs, are refused with EINVAL.
 */
int map_prog_array_compatible(struct hive_map *map, uint32_t prog_type)
{
	_Atomic uint32_t *owner = (_Atomic uint32_t *)&map->def->prog_type;
	uint32_t cur = 0;

	if (prog_type == BPF_PROG_TYPE_EXT)
		return -EINVAL;
	if (atomic_compare_exchange_strong(owner, &cur, prog_type))
		return 0;
	return cur == prog_type ? 0 : -EINVAL;
}

/* fd_array_map_alloc_check() */
static int fd_array_alloc_check(const union bpf_attr *attr)
{
	if (attr->value_size != sizeof(uint32_t))
		return -EINVAL;
	if (attr->map_flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG))
		return -EINVAL;
	return array_alloc_check(attr);
}

/* ---- map-in-map templates ---------------------------------------------- */

/* bpf_map_meta_alloc(): remember the inner map's shape at creation. */
int inner_template(const union bpf_attr *attr, struct hive_map_def *def)
{
	struct hive_map *inner;
	int err = map_from_fd((int)attr->inner_map_fd, &inner);

	if (err)
		return err;
	if (inner->map_type == BPF_MAP_TYPE_ARRAY_OF_MAPS ||
	    inner->map_type == BPF_MAP_TYPE_HASH_OF_MAPS) {
		obj_put(&inner->obj);
		return -EINVAL; /* one level of map-in-map only */
	}
	def->inner_type = inner->map_type;
	def->inner_key_size = inner->key_size;
	def->inner_value_size = inner->value_size;
	def->inner_max_entries = inner->max_entries;
	def->inner_map_flags = inner->map_flags;
	obj_put(&inner->obj);
	return 0;
}

/* bpf_map_meta_equal() and array_map_meta_equal() */
int inner_check(struct hive_map *outer, struct hive_map *inner)
{
	const struct hive_map_def *d = outer->def;

	if (inner->map_type != d->inner_type || inner->key_size != d->inner_key_size ||
	    inner->value_size != d->inner_value_size || inner->map_flags != d->inner_map_flags)
		return -EINVAL;
	if (d->inner_type == BPF_MAP_TYPE_ARRAY && !(d->inner_map_flags & BPF_F_INNER_MAP) &&
	    inner->max_entries != d->inner_max_entries)
		return -EINVAL;
	return 0;
}

struct hive_map *inner_resolve(uint32_t id)
{
	struct hive_obj *obj = obj_find_mapped(HIVE_OBJ_MAP, id);
	int fd;

	if (obj)
		return to_map(obj);
	fd = reg_open_id(HIVE_OBJ_MAP, id, O_RDWR);
	if (fd < 0)
		return NULL;
	if (obj_get_by_fd(fd, &obj))
		obj = NULL;
	close(fd);
	return obj ? to_map(obj) : NULL;
}

/* ---- the array ------------------------------------------------------------ */

static int fd_array_layout(const union bpf_attr *attr, struct hive_map_def *def, size_t *payload)
{
	int err;

	if (attr->map_type == BPF_MAP_TYPE_ARRAY_OF_MAPS) {
		err = inner_template(attr, def);
		if (err)
			return err;
	}
	def->ncpus = 1;
	def->data_off = 0;
	*payload = (uint64_t)attr->max_entries * sizeof(uint64_t);
	return 0;
}

static _Atomic uint64_t *fd_slot(struct hive_map *map, uint32_t idx)
{
	return (_Atomic uint64_t *)(map->data + (uint64_t)idx * sizeof(uint64_t));
}

static bool holds_ref(const struct hive_map *map)
{
	return map->map_type == BPF_MAP_TYPE_PROG_ARRAY ||
	       map->map_type == BPF_MAP_TYPE_ARRAY_OF_MAPS;
}

/* Drop the reference a slot held on its object. */
static void slot_release(struct hive_map *map, uint32_t idx, uint64_t old)
{
	enum hive_obj_kind kind = map->map_type == BPF_MAP_TYPE_PROG_ARRAY ? HIVE_OBJ_PROG :
				  HIVE_OBJ_MAP;
	struct hive_obj *obj;

	if (!old || !holds_ref(map))
		return;
	obj = obj_find_mapped(kind, (uint32_t)old);
	if (!obj && kind == HIVE_OBJ_MAP) {
		struct hive_map *m = inner_resolve((uint32_t)old);

		obj = m ? &m->obj : NULL;
	}
	if (obj) {
		reg_ref_del(HIVE_OBJ_MAP, map->obj.id, idx, obj);
		obj_put(obj);
	}
}

/* Resolve descriptor @ufd into the value a slot stores. On success a
 * reference link is taken (prog and map arrays). */
static int fd_get(struct hive_map *map, uint32_t idx, int ufd, uint64_t *val)
{
	struct hive_obj *obj;
	struct hive_map *inner;
	char path[64], link[64];
	uint32_t id;
	ssize_t n;
	int err;

	switch (map->map_type) {
	case BPF_MAP_TYPE_PROG_ARRAY:
		err = hive_prog_fd_to_id(ufd, &id);
		if (err)
			return err;
		err = obj_from_fd(ufd, HIVE_OBJ_PROG, &obj, NULL);
		if (err)
			return err;
		err = map_prog_array_compatible(map, to_prog(obj)->def->prog_type);
		if (err) {
			obj_put(obj);
			return err;
		}
		break;
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
		err = map_from_fd(ufd, &inner);
		if (err)
			return err;
		err = inner_check(map, inner);
		if (err) {
			obj_put(&inner->obj);
			return err;
		}
		obj = &inner->obj;
		id = obj->id;
		break;
	case BPF_MAP_TYPE_CGROUP_ARRAY: {
		/* cgroup_get_from_fd(): a cgroup v2 directory; the slot keeps
		 * the cgroup id (its kernfs inode number) */
		struct statfs sf;
		struct stat st;

		if (fstatfs(ufd, &sf) || fstat(ufd, &st))
			return -EBADF;
		if (sf.f_type != CGROUP2_MAGIC || !S_ISDIR(st.st_mode))
			return -EBADF;
		*val = (uint64_t)st.st_ino;
		return 0;
	}
	default:
		/* hive's perf buffers (maps/perf_ring.h) */
		if (!perf_ring_slot_value(ufd, val))
			return 0;
		/* perf_event_get(): only perf event descriptors */
		snprintf(path, sizeof(path), "/proc/self/fd/%d", ufd);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			return -EBADF;
		link[n] = 0;
		if (strcmp(link, "anon_inode:[perf_event]"))
			return -EBADF;
		*val = ((uint64_t)getpid() << 32) | (uint32_t)ufd;
		return 0;
	}
	err = reg_ref_add(HIVE_OBJ_MAP, map->obj.id, idx, obj);
	obj_put(obj);
	if (err)
		return err;
	*val = id;
	return 0;
}

static int fd_array_update(struct hive_map *map, const void *key, const void *value,
			   uint64_t flags, bool sys)
{
	uint32_t idx, ufd;
	uint64_t val, old;
	int err;

	if (!sys)
		return -EINVAL; /* programs cannot store objects */
	if (flags != BPF_ANY)
		return -EINVAL;
	memcpy(&idx, key, 4);
	if (idx >= map->max_entries)
		return -E2BIG;
	memcpy(&ufd, value, 4);
	old = atomic_load(fd_slot(map, idx));
	err = fd_get(map, idx, (int)ufd, &val);
	if (err)
		return err;
	old = atomic_exchange(fd_slot(map, idx), val);
	/* the same object stored again keeps its single reference link */
	if (old && old != val)
		slot_release(map, idx, old);
	return 0;
}

static int fd_array_delete(struct hive_map *map, const void *key)
{
	uint32_t idx;
	uint64_t old;

	memcpy(&idx, key, 4);
	if (idx >= map->max_entries)
		return -E2BIG;
	old = atomic_exchange(fd_slot(map, idx), 0);
	if (!old)
		return -ENOENT;
	slot_release(map, idx, old);
	return 0;
}

static int fd_array_sys_lookup(struct hive_map *map, const void *key, void *value, uint64_t flags)
{
	uint32_t idx, id;
	uint64_t v;

	if (map->map_type == BPF_MAP_TYPE_PERF_EVENT_ARRAY ||
	    map->map_type == BPF_MAP_TYPE_CGROUP_ARRAY)
		return -HIVE_ENOTSUPP; /* no map_fd_sys_lookup_elem */
	memcpy(&idx, key, 4);
	if (idx >= map->max_entries)
		return -ENOENT;
	v = atomic_load(fd_slot(map, idx));
	if (!v)
		return -ENOENT;
	id = (uint32_t)v;
	memcpy(value, &id, 4);
	return 0;
}

/* Program view: inner map (ARRAY_OF_MAPS) or NULL. */
static void *fd_array_lookup(struct hive_map *map, const void *key)
{
	uint32_t idx;
	uint64_t v;
	struct hive_map *inner;

	if (map->map_type != BPF_MAP_TYPE_ARRAY_OF_MAPS)
		return NULL;
	memcpy(&idx, key, 4);
	if (idx >= map->max_entries)
		return NULL;
	v = atomic_load(fd_slot(map, idx));
	if (!v)
		return NULL;
	inner = inner_resolve((uint32_t)v);
	if (inner)
		obj_put(&inner->obj); /* kept alive by the slot's reference link */
	return inner;
}

struct hive_map *map_get_inner(struct hive_map *map, const void *key)
{
	struct hive_map *inner = map->ops->lookup ? map->ops->lookup(map, key) : NULL;

	if (inner)
		obj_get(&inner->obj);
	return inner;
}

int map_prog_array_get(struct hive_map *map, uint32_t index, uint32_t *prog_id)
{
	uint64_t v;

	if (map->map_type != BPF_MAP_TYPE_PROG_ARRAY)
		return -EINVAL;
	if (index >= map->max_entries)
		return -ENOENT;
	v = atomic_load(fd_slot(map, index));
	if (!v)
		return -ENOENT;
	*prog_id = (uint32_t)v;
	return 0;
}

/* Perf event array slot: the descriptor a process stored (for the perf
 * output helpers): returns the fd valid in process @pid, or -ENOENT. */
int perf_array_get(struct hive_map *map, uint32_t index, int *pid, int *fd)
{
	uint64_t v;

	if (map->map_type != BPF_MAP_TYPE_PERF_EVENT_ARRAY || index >= map->max_entries)
		return -ENOENT;
	v = atomic_load(fd_slot(map, index));
	if (!v)
		return -ENOENT;
	*pid = (int)(v >> 32);
	*fd = (int)(uint32_t)v;
	return 0;
}

/* PROG_ARRAY, PERF_EVENT_ARRAY, CGROUP_ARRAY */
const struct hive_map_ops hive_fd_array_ops = {
	.alloc_check = fd_array_alloc_check,
	.layout = fd_array_layout,
	.sys_lookup = fd_array_sys_lookup,
	.update = fd_array_update,
	.delete = fd_array_delete,
	.get_next_key = array_get_next_key,
};

/* Cgroup array slot: the id of the cgroup stored at @index, or -ENOENT. */
int cgroup_array_get(struct hive_map *map, uint32_t index, uint64_t *cgroup_id)
{
	uint64_t v;

	if (map->map_type != BPF_MAP_TYPE_CGROUP_ARRAY || index >= map->max_entries)
		return -ENOENT;
	v = atomic_load(fd_slot(map, index));
	if (!v)
		return -ENOENT;
	*cgroup_id = v;
	return 0;
}

const struct hive_map_ops hive_array_of_maps_ops = {
	.alloc_check = fd_array_alloc_check,
	.layout = fd_array_layout,
	.lookup = fd_array_lookup,
	.sys_lookup = fd_array_sys_lookup,
	.update = fd_array_update,
	.delete = fd_array_delete,
	.get_next_key = array_get_next_key,
};
