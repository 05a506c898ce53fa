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
 *
 * PERF_EVENT_ARRAY entries belong to the map handle (open file
 * description) they were stored through: the kernel removes them when that
 * map file is released (perf_event_fd_array_release), whoever still holds
 * the map. Here the storing description takes an exclusive OFD lock on a
 * byte of the map file unique to the entry (PE_OWNER_BASE + index << 21 +
 * generation); the lock goes when the description's last descriptor is
 * closed (dup()s and fork()ed copies share it, as they share the kernel's
 * file) or its process dies, and an entry whose lock is gone reads as
 * empty (and is emptied) the next time it is used: outputs, deletes,
 * perf_array_get. Slot encoding:
 *   [63] hive perf ring  [62:42] generation (0: no owner known)
 *   ring: [31:0] ring map id;  perf event: [41:20] pid, [19:0] fd
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

/* ---- PERF_EVENT_ARRAY entry owners ---------------------------------------- */

#define PE_GEN_SHIFT 42
#define PE_GEN_MASK ((1ull << 21) - 1)
#define PE_OWNER_BASE (1ull << 48)   /* past hive's handle locks (byte 0, 2^40 + x) */
#define PE_PID_BITS 22               /* PID_MAX_LIMIT is 2^22 */
#define PE_FD_BITS 20

static uint32_t pe_gen(uint64_t v)
{
	return (uint32_t)((v >> PE_GEN_SHIFT) & PE_GEN_MASK);
}

/* The owner lock of generation @gen of slot @idx: F_OFD_SETLK (@type
 * F_WRLCK or F_UNLCK) on descriptor @fd, or F_OFD_GETLK when @fd < 0
 * (through the map's internal descriptor, which never holds one).
 * SETLK: 0 or -errno; GETLK: 1 held, 0 not held. */
static int pe_owner_lock(struct hive_map *map, int fd, uint32_t idx, uint32_t gen, short type)
{
	struct flock lk = { .l_type = type, .l_whence = SEEK_SET, .l_len = 1,
			    .l_start = (off_t)(PE_OWNER_BASE + ((uint64_t)idx << 21) + gen) };

	if (fd >= 0)
		return fcntl(fd, F_OFD_SETLK, &lk) ? -errno : 0;
	if (fcntl(map->obj.fd, F_OFD_GETLK, &lk))
		return 1;            /* cannot tell: keep the entry */
	return lk.l_type != F_UNLCK;
}

/* Whether entry @v of slot @idx still has its owner handle open. */
static bool pe_owned(struct hive_map *map, uint32_t idx, uint64_t v)
{
	return !pe_gen(v) || pe_owner_lock(map, -1, idx, pe_gen(v), F_WRLCK) > 0;
}

/* Stamp @val with a fresh generation of slot @idx (the one after @old's)
 * locked by the descriptor of the running command, map_cmd_fd (none
 * known: generation 0, the entry stays until replaced or deleted). */
static int pe_claim(struct hive_map *map, uint32_t idx, uint64_t old, uint64_t *val)
{
	uint32_t gen = pe_gen(old), tries;
	int err;

	if (map_cmd_fd < 0)
		return 0;
	for (tries = 0; tries < 64; tries++) {
		gen = (uint32_t)((gen + 1) & PE_GEN_MASK);
		if (!gen)
			gen = 1;
		err = pe_owner_lock(map, map_cmd_fd, idx, gen, F_WRLCK);
		if (!err) {
			*val |= (uint64_t)gen << PE_GEN_SHIFT;
			return 0;
		}
		if (err != -EAGAIN && err != -EACCES)
			return err;  /* another description holds it: try the next */
	}
	return -EAGAIN;
}

/* Drop the owner lock of entry @old if the running command's handle holds
 * it (an unlock by another description changes nothing); a lock held
 * elsewhere stays until that description goes, on a byte no later entry
 * of the slot uses. */
static void pe_unclaim(struct hive_map *map, uint32_t idx, uint64_t old)
{
	if (map_cmd_fd >= 0 && pe_gen(old))
		pe_owner_lock(map, map_cmd_fd, idx, pe_gen(old), F_UNLCK);
}

/* The entry of slot @idx, 0 when empty or its owner handle is gone (then
 * emptied, unless it changed meanwhile). */
static uint64_t pe_load(struct hive_map *map, uint32_t idx)
{
	_Atomic uint64_t *slot = (_Atomic uint64_t *)(map->data + (uint64_t)idx * sizeof(uint64_t));
	uint64_t v = atomic_load(slot);

	if (v && !pe_owned(map, idx, v)) {
		atomic_compare_exchange_strong(slot, &v, 0);
		return 0;
	}
	return v;
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
		if ((uint64_t)getpid() >> PE_PID_BITS || (uint32_t)ufd >> PE_FD_BITS)
			return -EBADF;  /* beyond the slot encoding (fd >= 2^20) */
		*val = ((uint64_t)getpid() << PE_FD_BITS) | (uint32_t)ufd;
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
	if (map->map_type == BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
		err = pe_claim(map, idx, old, &val);
		if (err)
			return err;
	}
	old = atomic_exchange(fd_slot(map, idx), val);
	if (old && map->map_type == BPF_MAP_TYPE_PERF_EVENT_ARRAY)
		pe_unclaim(map, idx, old);
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
	if (map->map_type == BPF_MAP_TYPE_PERF_EVENT_ARRAY && !pe_load(map, idx))
		return -ENOENT;         /* empty, or its owner handle released */
	old = atomic_exchange(fd_slot(map, idx), 0);
	if (!old)
		return -ENOENT;
	if (map->map_type == BPF_MAP_TYPE_PERF_EVENT_ARRAY)
		pe_unclaim(map, idx, old);
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
	v = pe_load(map, index);
	if (!v)
		return -ENOENT;
	if (v & PERF_RING_TAG) {
		*pid = -1;
		*fd = (int)(uint32_t)v;
	} else {
		*pid = (int)((v >> PE_FD_BITS) & ((1u << PE_PID_BITS) - 1));
		*fd = (int)(v & ((1u << PE_FD_BITS) - 1));
	}
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
