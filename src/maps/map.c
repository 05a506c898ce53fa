/*
 * map.c - what every map shares: the type table (map_types.h), creation,
 * the bpf() map commands with the kernel's checks in the kernel's order,
 * the generic batch loops, BPF_OBJ_GET_INFO_BY_FD, and the program-side
 * API of map.h. Families (array.c, hash.c, ...) only implement ops.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/attr.h"
#include "core/btf_obj.h"
#include "core/kinds.h"
#include "core/obj.h"
#include "core/registry.h"
#include "core/sys.h"
#include "helpers/helpers.h"
#include "maps/family.h"
#include "util/util.h"

/* ---- the type table ------------------------------------------------------ */

/* NONE: the types hive does not implement share an empty ops */
#define NONE hive_map_ops_none
#define X(id, name, ops, flags) extern const struct hive_map_ops ops;
#include "maps/map_types.h"
#undef X
const struct hive_map_ops hive_map_ops_none;

#define X(id, name, ops, flags) [id] = #name,
static const char *const type_names[] = {
#include "maps/map_types.h"
};
#undef X

static const struct hive_map_ops *type_ops(uint32_t type)
{
	const struct hive_map_ops *ops;

	switch (type) {
#define X(id, name, o, flags) case id: ops = &o; break;
#include "maps/map_types.h"
#undef X
	default:
		return NULL;
	}
	return ops == &hive_map_ops_none ? NULL : ops;
}

uint32_t map_type_flag_mask(uint32_t type)
{
	switch (type) {
#define X(id, name, ops, flags) case id: return flags;
#include "maps/map_types.h"
#undef X
	default:
		return 0;
	}
}

const char *map_type_name(uint32_t type)
{
	if (type < HIVE_ARRAY_SIZE(type_names) && type_names[type])
		return type_names[type];
	return NULL;
}

/* ---- the map kind of object ---------------------------------------------- */

/*
 * A map file may come from anywhere in the hive fs: before trusting its
 * offsets, lay the map out again from its attributes and check the file
 * agrees (same offsets, payload large enough).
 */
static int check_layout(struct hive_obj *obj, const struct hive_map_def *def,
			const struct hive_map_ops *ops)
{
	struct hive_map_def copy = *def;
	union bpf_attr attr;
	size_t payload = 0;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = def->map_type;
	/* map-in-map: the same layout as the plain family, no template fd */
	if (def->map_type == BPF_MAP_TYPE_ARRAY_OF_MAPS)
		attr.map_type = BPF_MAP_TYPE_PROG_ARRAY;
	if (def->map_type == BPF_MAP_TYPE_HASH_OF_MAPS)
		attr.map_type = BPF_MAP_TYPE_HASH;
	attr.key_size = def->key_size;
	attr.value_size = def->value_size;
	attr.max_entries = def->max_entries;
	attr.map_flags = def->map_flags;
	attr.map_extra = def->map_extra;
	if (def->ncpus == 0 || def->ncpus > 4096 || def->stride != round_up8(def->value_size) ||
	    ops->layout(&attr, &copy, &payload))
		return -EINVAL;
	if (copy.ctl_off != def->ctl_off || copy.data_off != def->data_off ||
	    copy.n_buckets != def->n_buckets || copy.max_entries != def->max_entries ||
	    payload > obj->hdr->payload_size || def->data_size > obj->hdr->payload_size)
		return -EINVAL;
	return 0;
}

static int map_attach(struct hive_obj *obj)
{
	struct hive_map *map = to_map(obj);
	struct hive_map_def *def = obj_kind_area(obj);

	map->def = def;
	map->ops = type_ops(def->map_type);
	if (!map->ops)
		return -EINVAL;
	if (check_layout(obj, def, map->ops)) {
		hive_pr_warn("hive: map file of type %u has an inconsistent layout\n", def->map_type);
		return -EINVAL;
	}
	map->base = obj->base;
	map->ctl = obj->base + def->ctl_off;
	map->data = obj->base + def->data_off;
	map->map_type = def->map_type;
	map->key_size = def->key_size;
	map->value_size = def->value_size;
	map->max_entries = def->max_entries;
	map->map_flags = def->map_flags;
	map->ncpus = def->ncpus ? def->ncpus : 1;
	map->stride = def->stride;
	return 0;
}

static void map_detach(struct hive_obj *obj)
{
	struct hive_map *map = to_map(obj);

	if (map->ops && map->ops->detach)
		map->ops->detach(map);
	/* the last holder of a map with BTF drops its reference to the BTF */
	if (map->def && map->def->btf_id && !obj_fd_alive(obj->fd)) {
		struct hive_btf_obj *btf = btf_obj_get_by_id(map->def->btf_id);

		if (btf) {
			reg_ref_del(HIVE_OBJ_MAP, obj->id, HIVE_BTF_REF_SLOT, &btf->obj);
			obj_put(&btf->obj);
		}
	}
}

const struct hive_kind_ops hive_map_kind_ops = {
	.obj_size = sizeof(struct hive_map),
	.attach = map_attach,
	.detach = map_detach,
};

int map_from_fd(int fd, struct hive_map **mapp)
{
	struct hive_obj *obj;
	int err = obj_from_fd(fd, HIVE_OBJ_MAP, &obj, NULL);

	if (err)
		return err;
	*mapp = to_map(obj);
	return 0;
}

static int map_get(int fd, struct hive_map **mapp, unsigned *acc)
{
	struct hive_obj *obj;
	int err = obj_from_fd(fd, HIVE_OBJ_MAP, &obj, acc);

	if (err)
		return err;
	*mapp = to_map(obj);
	/* a frozen map is read-only from the syscall side */
	if (atomic_load_explicit(&(*mapp)->def->frozen, memory_order_acquire))
		*acc &= ~HIVE_ACC_WRITE;
	return 0;
}

static void map_put(struct hive_map *map)
{
	obj_put(&map->obj);
}

uint32_t map_sys_value_size(const struct hive_map *map)
{
	switch (map->map_type) {
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
		return map->stride * map->ncpus;
	case BPF_MAP_TYPE_PROG_ARRAY:
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
	case BPF_MAP_TYPE_CGROUP_ARRAY:
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
		return sizeof(uint32_t);
	default:
		return map->value_size;
	}
}

uint32_t map_this_cpu(const struct hive_map *map)
{
	int cpu = sched_getcpu();

	return cpu < 0 ? 0 : (uint32_t)cpu % map->ncpus;
}

static bool is_hash_family(uint32_t type)
{
	return type == BPF_MAP_TYPE_HASH || type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_LRU_HASH || type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

/* ---- creation -------------------------------------------------------------- */

/* bpf_obj_name_cpy(): alnum, '_' and '.', NUL within 16 bytes. */
static int check_name(const char *src, char *dst)
{
	size_t i;

	memset(dst, 0, BPF_OBJ_NAME_LEN);
	for (i = 0; i < BPF_OBJ_NAME_LEN && src[i]; i++) {
		char c = src[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.'))
			return -EINVAL;
		dst[i] = c;
	}
	return i == BPF_OBJ_NAME_LEN ? -EINVAL : 0;
}

/* The kernel's "node < nr_node_ids && node_online(node)". */
static bool numa_node_ok(int32_t node)
{
	char path[64];

	if (node < 0)
		return false;
	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d", node);
	if (!access(path, F_OK))
		return true;
	/* no NUMA information: only node 0 exists */
	return node == 0 && access("/sys/devices/system/node", F_OK);
}

int map_create(union bpf_attr *attr)
{
	const unsigned char *raw = (const unsigned char *)attr;
	const struct hive_map_ops *ops;
	struct hive_btf_obj *btf;
	struct hive_map_def def;
	struct hive_obj *obj;
	struct hive_map *map;
	uint32_t type = attr->map_type;
	int32_t numa = attr_numa_node(attr);
	size_t payload = 0, i;
	int f_flags, fd, err;

	if (attr_tail_nonzero(attr, HIVE_MAP_CREATE_END))
		return -EINVAL;
	for (i = HIVE_ATTR_EXCL_PROG_HASH_OFF; i < HIVE_MAP_CREATE_END; i++)
		if (raw[i]) {
			hive_pr_debug("hive: exclusive maps (excl_prog_hash) are not supported\n");
			return -EINVAL;
		}
	if (attr->map_flags & HIVE_F_TOKEN_FD) {
		hive_pr_debug("hive: BPF tokens are not supported\n");
		return -EINVAL;
	}
	if (attr->btf_vmlinux_value_type_id) {
		if (type != BPF_MAP_TYPE_STRUCT_OPS || attr->btf_key_type_id ||
		    attr->btf_value_type_id)
			return -EINVAL;
	} else if (attr->btf_key_type_id && !attr->btf_value_type_id) {
		return -EINVAL;
	}
	if (type != BPF_MAP_TYPE_BLOOM_FILTER && type != 33 /* arena */ && attr->map_extra)
		return -EINVAL;
	f_flags = bpf_file_flag(attr->map_flags);
	if (f_flags < 0)
		return f_flags;
	if (numa != -1 && !numa_node_ok(numa))
		return -EINVAL;
	ops = type_ops(type);
	if (!ops) {
		if (type != BPF_MAP_TYPE_UNSPEC && map_type_name(type))
			hive_pr_warn("hive: map type %s (%u) is not implemented\n",
				     map_type_name(type), type);
		else
			hive_pr_debug("hive: unknown map type %u\n", type);
		return -EINVAL;
	}
	err = ops->alloc_check(attr);
	if (err)
		return err;
	if (attr->map_ifindex)
		return -EOPNOTSUPP; /* no offload devices here */
	memset(&def, 0, sizeof(def));
	def.map_type = type;
	def.key_size = attr->key_size;
	def.value_size = attr->value_size;
	def.max_entries = attr->max_entries;
	def.map_flags = attr->map_flags & ~(BPF_F_RDONLY | BPF_F_WRONLY);
	def.numa_node = numa;
	def.map_extra = attr->map_extra;
	def.stride = round_up8(attr->value_size);
	def.ncpus = (uint32_t)hive_num_possible_cpus();
	err = ops->layout(attr, &def, &payload);
	if (err)
		return err;
	err = check_name(attr->map_name, def.name);
	if (err)
		return err;
	err = btf_map_check(attr, &def, &btf);
	if (err)
		return err;
	fd = obj_create(HIVE_OBJ_MAP, payload, f_flags, &obj);
	if (fd < 0) {
		err = fd;
		goto out_btf;
	}
	memcpy(obj_kind_area(obj), &def, sizeof(def));
	map = to_map(obj);
	err = map_attach(obj);
	if (!err && ops->init)
		err = ops->init(map);
	/* the map keeps its BTF alive */
	if (!err && btf)
		err = reg_ref_add(HIVE_OBJ_MAP, obj->id, HIVE_BTF_REF_SLOT, &btf->obj);
	if (!err)
		err = obj_publish(obj, fd);
	if (err) {
		if (btf)
			reg_ref_del(HIVE_OBJ_MAP, obj->id, HIVE_BTF_REF_SLOT, &btf->obj);
		close(fd);
		obj_abandon(obj);
		goto out_btf;
	}
	obj_put(obj);
	err = fd;
out_btf:
	if (btf)
		obj_put(&btf->obj);
	return err;
}

/* ---- element commands ------------------------------------------------------ */

/*
 * User memory named in union bpf_attr is copied as the kernel's
 * copy_from_user/copy_to_user do: through the fault-safe probes
 * (helpers/probe.c), so a wild or unmapped pointer gives EFAULT, never a
 * crash. Keys and values are copied into hive's memory before use.
 */
struct ucopy {
	uint64_t small[16];
	void *p;
};

static void ucopy_free(struct ucopy *c)
{
	if (c->p != c->small)
		free(c->p);
	c->p = NULL;
}

/* Copy @len bytes from user address @uptr: 0, -EFAULT or -ENOMEM. */
static int ucopy_in(struct ucopy *c, uint64_t uptr, size_t len)
{
	c->p = len <= sizeof(c->small) ? c->small : malloc(len);
	if (!c->p)
		return -ENOMEM;
	if (probe_mem(c->p, (const void *)(uintptr_t)uptr, len)) {
		ucopy_free(c);
		return -EFAULT;
	}
	return 0;
}

/* Key and value of an update from user addresses @ukey and @uval in one
 * fault-safe read: 0, -EFAULT or -ENOMEM (nothing to free on error). */
static int ucopy_in2(struct ucopy *k, uint64_t ukey, size_t klen, struct ucopy *v,
		     uint64_t uval, size_t vlen)
{
	struct iovec dst[2], src[2];

	k->p = klen <= sizeof(k->small) ? k->small : malloc(klen);
	v->p = vlen <= sizeof(v->small) ? v->small : malloc(vlen);
	if (!k->p || !v->p) {
		ucopy_free(k);
		ucopy_free(v);
		return -ENOMEM;
	}
	dst[0] = (struct iovec){ k->p, klen };
	dst[1] = (struct iovec){ v->p, vlen };
	src[0] = (struct iovec){ (void *)(uintptr_t)ukey, klen };
	src[1] = (struct iovec){ (void *)(uintptr_t)uval, vlen };
	if (probe_memv(dst, src, 2)) {
		ucopy_free(k);
		ucopy_free(v);
		return -EFAULT;
	}
	return 0;
}

/* Copy @len bytes to user address @uptr: 0 or -EFAULT. */
static int copy_to_user(uint64_t uptr, const void *src, size_t len)
{
	return probe_write((void *)(uintptr_t)uptr, src, len) ? -EFAULT : 0;
}

/* The kernel's __bpf_copy_key(): a NULL or unreadable key for a map with
 * keys faults; a key for a map without keys is invalid. *key points into
 * @kc (ucopy_free it) or is NULL. */
static int user_key(const struct hive_map *map, uint64_t ukey, struct ucopy *kc, const void **key)
{
	int err;

	kc->p = NULL;
	*key = NULL;
	if (map->key_size) {
		err = ucopy_in(kc, ukey, map->key_size);
		if (err)
			return err;
		*key = kc->p;
		return 0;
	}
	return ukey ? -EINVAL : 0;
}

/*
 * Values with a struct bpf_spin_lock (the map's BTF says where): the lock
 * word belongs to programs. The syscall side never copies it, as the
 * kernel's copy_map_value(); values it returns have it zeroed
 * (check_and_init_map_value); BPF_F_LOCK copies under the lock (same
 * protocol as bpf_spin_lock(): 0 free, 1 held).
 */
static void value_lock(void *ptr, int32_t off)
{
	_Atomic uint32_t *lock = (_Atomic uint32_t *)((uint8_t *)ptr + off);

	while (atomic_exchange_explicit(lock, 1, memory_order_acquire))
		while (atomic_load_explicit(lock, memory_order_relaxed))
			sched_yield();
}

static void value_unlock(void *ptr, int32_t off)
{
	atomic_store_explicit((_Atomic uint32_t *)((uint8_t *)ptr + off), 0, memory_order_release);
}

/* Copy every byte but the lock word from @src to @dst. */
static void copy_around_lock(const struct hive_map *map, void *dst, const void *src)
{
	uint32_t off = (uint32_t)map->def->spin_lock_off;

	memcpy(dst, src, off);
	memcpy((uint8_t *)dst + off + 4, (const uint8_t *)src + off + 4, map->value_size - off - 4);
}

/* copy_map_value(_locked) into a syscall buffer, lock word zeroed. */
static void copy_lock_value(struct hive_map *map, void *dst, void *ptr, bool locked)
{
	if (locked)
		value_lock(ptr, map->def->spin_lock_off);
	copy_around_lock(map, dst, ptr);
	if (locked)
		value_unlock(ptr, map->def->spin_lock_off);
	memset((uint8_t *)dst + map->def->spin_lock_off, 0, 4);
}

/* Update of a value with a lock: BPF_F_LOCK on an existing element copies
 * under its lock; otherwise the family stores a copy whose lock word is
 * the current one (0 for a new element). */
static int update_lock_value(struct hive_map *map, const void *key, const void *value,
			     uint64_t flags)
{
	uint64_t f = flags & ~(uint64_t)BPF_F_LOCK;
	void *ptr, *tmp;
	int err;

	if (f > BPF_EXIST)
		return -EINVAL;
	ptr = map->ops->lookup(map, key);
	if (ptr && (flags & BPF_F_LOCK)) {
		if (f == BPF_NOEXIST)
			return -EEXIST;
		value_lock(ptr, map->def->spin_lock_off);
		copy_around_lock(map, ptr, value);
		value_unlock(ptr, map->def->spin_lock_off);
		return 0;
	}
	tmp = malloc(map->value_size);
	if (!tmp)
		return -ENOMEM;
	copy_around_lock(map, tmp, value);
	memset((uint8_t *)tmp + map->def->spin_lock_off, 0, 4);
	if (ptr && map->map_type == BPF_MAP_TYPE_ARRAY)
		memcpy((uint8_t *)tmp + map->def->spin_lock_off, (uint8_t *)ptr + map->def->spin_lock_off, 4);
	err = map->ops->update(map, key, tmp, f, true);
	free(tmp);
	return err;
}

/* bpf_map_copy_value(): the syscall view of the value at @key. */
static int copy_value(struct hive_map *map, const void *key, void *value, uint64_t flags)
{
	const struct hive_map_ops *ops = map->ops;
	void *ptr;

	if (map->def->spin_lock_off >= 0 && ops->lookup) {
		ptr = ops->lookup(map, key);
		if (!ptr)
			return -ENOENT;
		copy_lock_value(map, value, ptr, flags & BPF_F_LOCK);
		return 0;
	}
	if (ops->sys_lookup)
		return ops->sys_lookup(map, key, value, flags);
	if (map->key_size == 0 && ops->peek)
		return ops->peek(map, value);
	if (!ops->lookup)
		return -HIVE_ENOTSUPP;
	ptr = ops->lookup(map, key);
	if (!ptr)
		return -ENOENT;
	memcpy(value, ptr, map->value_size);
	return 0;
}

/* bpf_map_update_value() */
static int update_value(struct hive_map *map, const void *key, const void *value, uint64_t flags)
{
	const struct hive_map_ops *ops = map->ops;

	if (map->def->spin_lock_off >= 0 && ops->lookup && ops->update)
		return update_lock_value(map, key, value, flags);

	if (map->key_size == 0 && ops->push)
		return ops->push(map, value, flags);
	if (!ops->update)
		return -HIVE_ENOTSUPP;
	return ops->update(map, key, value, flags, true);
}

/*
 * The common start of a map command: unused attr bytes zero (EINVAL), the
 * descriptor a map (EBADF/EINVAL), the access @need granted (EPERM; a
 * frozen map grants no syscall writes). On success *mapp is referenced.
 */
static int cmd_begin(const union bpf_attr *attr, size_t end, uint32_t fd, unsigned need,
		     struct hive_map **mapp)
{
	unsigned acc;
	int err;

	if (attr_tail_nonzero(attr, end))
		return -EINVAL;
	err = map_get((int)fd, mapp, &acc);
	if (err)
		return err;
	if ((acc & need) != need) {
		map_put(*mapp);
		return -EPERM;
	}
	return 0;
}

int map_cmd_lookup(union bpf_attr *attr)
{
	uint64_t small[32];
	struct ucopy kc = { .p = NULL };
	struct hive_map *map;
	const void *key;
	uint32_t vsize;
	void *value;
	int err;

	if (attr->flags & ~(uint64_t)BPF_F_LOCK)
		return -EINVAL;
	err = cmd_begin(attr, HIVE_MAP_ELEM_END, attr->map_fd, HIVE_ACC_READ, &map);
	if (err)
		return err;
	err = -EINVAL;
	if ((attr->flags & BPF_F_LOCK) && map->def->spin_lock_off < 0) /* no bpf_spin_lock */
		goto out;
	err = user_key(map, attr->key, &kc, &key);
	if (err)
		goto out;
	vsize = map_sys_value_size(map);
	value = vsize <= sizeof(small) ? small : malloc(vsize);
	err = -ENOMEM;
	if (!value)
		goto out;
	if (map->map_type == BPF_MAP_TYPE_BLOOM_FILTER) {
		/* the value to test is an input */
		err = probe_mem(value, (const void *)(uintptr_t)attr->value, vsize);
		if (!err)
			err = copy_value(map, key, value, attr->flags);
		goto out_free;
	}
	err = copy_value(map, key, value, attr->flags);
	if (!err)
		err = copy_to_user(attr->value, value, vsize);
out_free:
	if (value != small)
		free(value);
out:
	ucopy_free(&kc);
	map_put(map);
	return err;
}

_Thread_local int map_cmd_fd = -1;

int map_cmd_update(union bpf_attr *attr)
{
	struct ucopy kc = { .p = NULL }, vc;
	struct hive_map *map;
	const void *key;
	int err;

	err = cmd_begin(attr, HIVE_MAP_ELEM_END, attr->map_fd, HIVE_ACC_WRITE, &map);
	if (err)
		return err;
	err = -EINVAL;
	if ((attr->flags & BPF_F_LOCK) && map->def->spin_lock_off < 0)
		goto out;
	if (map->key_size) {
		/* __bpf_copy_key() then the value: one EFAULT either way */
		err = ucopy_in2(&kc, attr->key, map->key_size, &vc, attr->value,
				map_sys_value_size(map));
		key = kc.p;
	} else {
		err = user_key(map, attr->key, &kc, &key);
		if (!err)
			err = ucopy_in(&vc, attr->value, map_sys_value_size(map));
	}
	if (err)
		goto out;
	map_cmd_fd = (int)attr->map_fd;
	err = update_value(map, key, vc.p, attr->flags);
	map_cmd_fd = -1;
	ucopy_free(&vc);
out:
	ucopy_free(&kc);
	map_put(map);
	return err;
}

int map_cmd_delete(union bpf_attr *attr)
{
	struct ucopy kc = { .p = NULL };
	struct hive_map *map;
	const void *key;
	int err;

	err = cmd_begin(attr, HIVE_MAP_ELEM_END, attr->map_fd, HIVE_ACC_WRITE, &map);
	if (err)
		return err;
	err = user_key(map, attr->key, &kc, &key);
	if (err)
		goto out;
	map_cmd_fd = (int)attr->map_fd;
	err = map->ops->delete ? map->ops->delete(map, key) : -EINVAL;
	map_cmd_fd = -1;
out:
	ucopy_free(&kc);
	map_put(map);
	return err;
}

int map_cmd_get_next_key(union bpf_attr *attr)
{
	struct ucopy kc = { .p = NULL };
	struct hive_map *map;
	const void *key = NULL;
	unsigned char small[64];
	void *next;
	int err;

	err = cmd_begin(attr, HIVE_MAP_GET_NEXT_KEY_END, attr->map_fd, HIVE_ACC_READ, &map);
	if (err)
		return err;
	if (attr->key) {
		err = user_key(map, attr->key, &kc, &key);
		if (err)
			goto out;
	}
	next = map->key_size <= sizeof(small) ? small : malloc(map->key_size);
	err = -ENOMEM;
	if (!next)
		goto out;
	err = map->ops->get_next_key ? map->ops->get_next_key(map, key, next) : -EINVAL;
	if (!err)
		err = copy_to_user(attr->next_key, next, map->key_size);
	if (next != small)
		free(next);
out:
	ucopy_free(&kc);
	map_put(map);
	return err;
}

int map_cmd_lookup_and_delete(union bpf_attr *attr)
{
	struct ucopy kc = { .p = NULL };
	struct hive_map *map;
	const void *key;
	uint32_t vsize;
	void *value;
	int err;

	if (attr->flags & ~(uint64_t)BPF_F_LOCK)
		return -EINVAL;
	err = cmd_begin(attr, HIVE_MAP_ELEM_END, attr->map_fd, HIVE_ACC_READ | HIVE_ACC_WRITE,
			&map);
	if (err)
		return err;
	err = -EINVAL;
	if (attr->flags && (map->map_type == BPF_MAP_TYPE_QUEUE || map->map_type == BPF_MAP_TYPE_STACK))
		goto out;
	if ((attr->flags & BPF_F_LOCK) && map->def->spin_lock_off < 0)
		goto out;
	err = user_key(map, attr->key, &kc, &key);
	if (err)
		goto out;
	vsize = map_sys_value_size(map);
	value = malloc(vsize ? vsize : 1);
	err = -ENOMEM;
	if (!value)
		goto out;
	err = -HIVE_ENOTSUPP;
	if (map->map_type == BPF_MAP_TYPE_QUEUE || map->map_type == BPF_MAP_TYPE_STACK)
		err = map->ops->pop(map, value);
	else if (is_hash_family(map->map_type) || map->map_type == BPF_MAP_TYPE_STACK_TRACE)
		err = map->ops->lookup_and_delete(map, key, value, attr->flags);
	if (!err)
		err = copy_to_user(attr->value, value, vsize);
	free(value);
out:
	ucopy_free(&kc);
	map_put(map);
	return err;
}

int map_cmd_freeze(union bpf_attr *attr)
{
	struct hive_map *map;
	uint32_t zero = 0;
	int err;

	err = cmd_begin(attr, HIVE_MAP_FREEZE_END, attr->map_fd, HIVE_ACC_WRITE, &map);
	if (err)
		return err;
	err = atomic_compare_exchange_strong(&map->def->frozen, &zero, 1) ? 0 : -EBUSY;
	map_put(map);
	return err;
}

/* ---- batches ------------------------------------------------------------- */

/* generic_map_lookup_batch(): walk with get_next_key from in_batch. */
static int generic_lookup_batch(struct hive_map *map, union bpf_attr *attr)
{
	uint8_t *keys = (uint8_t *)(uintptr_t)attr->batch.keys;
	uint8_t *values = (uint8_t *)(uintptr_t)attr->batch.values;
	const void *ubatch = (const void *)(uintptr_t)attr->batch.in_batch;
	uint32_t vsize = map_sys_value_size(map), max = attr->batch.count, cp = 0;
	uint8_t *buf, *prev = NULL, *key, *value, *spare;
	int err = 0, retry = 3;

	if (attr->batch.elem_flags & ~(uint64_t)BPF_F_LOCK)
		return -EINVAL;
	if ((attr->batch.elem_flags & BPF_F_LOCK) && map->def->spin_lock_off < 0)
		return -EINVAL;
	if (!max)
		return 0;
	attr->batch.count = 0;
	/* two key slots (previous, current) and one value */
	buf = malloc(2 * (size_t)map->key_size + vsize + 1);
	if (!buf)
		return -ENOMEM;
	spare = buf;
	key = buf + map->key_size;
	value = buf + 2 * (size_t)map->key_size;
	if (ubatch) {
		if (probe_mem(spare, ubatch, map->key_size)) {
			err = -EFAULT;
			goto out;
		}
		prev = spare;
	}
	while (cp < max) {
		err = map->ops->get_next_key(map, prev, key);
		if (err)
			break;
		err = copy_value(map, key, value, attr->batch.elem_flags);
		if (err == -ENOENT) {
			if (retry) {
				retry--;
				continue;
			}
			err = -EINTR;
			break;
		}
		if (err)
			goto out;
		if (!keys || !values ||
		    probe_writev((const struct iovec[]){
					 { keys + (size_t)cp * map->key_size, map->key_size },
					 { values + (size_t)cp * vsize, vsize } },
				 (const struct iovec[]){ { key, map->key_size }, { value, vsize } }, 2)) {
			err = -EFAULT;
			goto out;
		}
		/* the key just returned becomes the previous one */
		spare = prev ? prev : (key == buf ? buf + map->key_size : buf);
		prev = key;
		key = spare;
		retry = 3;
		cp++;
	}
	if (err == -EFAULT)
		goto out;
	attr->batch.count = cp;
	if (cp && copy_to_user(attr->batch.out_batch, prev, map->key_size))
		err = -EFAULT;
out:
	free(buf);
	return err;
}

/* generic_map_update_batch() */
static int generic_update_batch(struct hive_map *map, union bpf_attr *attr)
{
	const uint8_t *keys = (const uint8_t *)(uintptr_t)attr->batch.keys;
	const uint8_t *values = (const uint8_t *)(uintptr_t)attr->batch.values;
	uint32_t vsize = map_sys_value_size(map), count = attr->batch.count, cp;
	int err = 0;

	if (attr->batch.elem_flags & ~(uint64_t)BPF_F_LOCK)
		return -EINVAL;
	if ((attr->batch.elem_flags & BPF_F_LOCK) && map->def->spin_lock_off < 0)
		return -EINVAL;
	if (!count)
		return 0;
	for (cp = 0; cp < count; cp++) {
		struct ucopy kc, vc;

		err = -EFAULT;
		if (!keys || !values)
			break;
		err = ucopy_in2(&kc, (uintptr_t)(keys + (size_t)cp * map->key_size), map->key_size,
				&vc, (uintptr_t)(values + (size_t)cp * vsize), vsize);
		if (err)
			break;
		err = update_value(map, kc.p, vc.p, attr->batch.elem_flags);
		ucopy_free(&vc);
		ucopy_free(&kc);
		if (err)
			break;
	}
	attr->batch.count = cp;
	return err;
}

/* generic_map_delete_batch() */
static int generic_delete_batch(struct hive_map *map, union bpf_attr *attr)
{
	const uint8_t *keys = (const uint8_t *)(uintptr_t)attr->batch.keys;
	uint32_t count = attr->batch.count, cp;
	int err = 0;

	if (attr->batch.elem_flags & ~(uint64_t)BPF_F_LOCK)
		return -EINVAL;
	if ((attr->batch.elem_flags & BPF_F_LOCK) && map->def->spin_lock_off < 0)
		return -EINVAL;
	if (!count)
		return 0;
	for (cp = 0; cp < count; cp++) {
		struct ucopy kc;

		err = -EFAULT;
		if (!keys)
			break;
		err = ucopy_in(&kc, (uintptr_t)(keys + (size_t)cp * map->key_size), map->key_size);
		if (err)
			break;
		err = map->ops->delete(map, kc.p);
		ucopy_free(&kc);
		if (err)
			break;
	}
	attr->batch.count = cp;
	return err;
}

int map_cmd_batch(int cmd, union bpf_attr *attr)
{
	bool has_read = cmd == BPF_MAP_LOOKUP_BATCH || cmd == BPF_MAP_LOOKUP_AND_DELETE_BATCH;
	bool has_write = cmd != BPF_MAP_LOOKUP_BATCH;
	struct hive_map *map;
	unsigned need;
	int err;

	err = cmd_begin(attr, HIVE_MAP_BATCH_END, attr->batch.map_fd,
			(has_read ? HIVE_ACC_READ : 0) | (has_write ? HIVE_ACC_WRITE : 0), &map);
	if (err)
		return err;
	need = cmd == BPF_MAP_LOOKUP_BATCH ? HIVE_BATCH_LOOKUP :
	       cmd == BPF_MAP_LOOKUP_AND_DELETE_BATCH ? HIVE_BATCH_LOOKUP_DEL :
	       cmd == BPF_MAP_UPDATE_BATCH ? HIVE_BATCH_UPDATE : HIVE_BATCH_DELETE;
	err = -HIVE_ENOTSUPP;
	if (!(map->ops->batch & need))
		goto out;
	switch (cmd) {
	case BPF_MAP_LOOKUP_BATCH:
		err = map->ops->lookup_batch ? map->ops->lookup_batch(map, attr, false) :
					       generic_lookup_batch(map, attr);
		break;
	case BPF_MAP_LOOKUP_AND_DELETE_BATCH:
		err = map->ops->lookup_batch(map, attr, true);
		break;
	case BPF_MAP_UPDATE_BATCH:
		map_cmd_fd = (int)attr->batch.map_fd;
		err = generic_update_batch(map, attr);
		break;
	default:
		map_cmd_fd = (int)attr->batch.map_fd;
		err = generic_delete_batch(map, attr);
		break;
	}
	map_cmd_fd = -1;
out:
	map_put(map);
	return err;
}

/* ---- info ------------------------------------------------------------------- */

#define HIVE_MAP_INFO_SIZE 104u /* sizeof(struct bpf_map_info), Linux 6.18 */

int map_cmd_info(struct hive_map *map, union bpf_attr *attr)
{
	unsigned char buf[HIVE_MAP_INFO_SIZE];
	struct bpf_map_info *info = (struct bpf_map_info *)buf;
	unsigned char *uinfo = (unsigned char *)(uintptr_t)attr->info.info;
	uint32_t len = attr->info.info_len, i;

	if (len > 4096)
		return -E2BIG;
	if (len && !uinfo)
		return -EFAULT;
	/* bpf_check_uarg_tail_zero(): the bytes past what hive knows */
	for (i = HIVE_MAP_INFO_SIZE; i < len; i++) {
		unsigned char b;

		if (probe_mem(&b, uinfo + i, 1))
			return -EFAULT;
		if (b)
			return -E2BIG;
	}
	if (len > HIVE_MAP_INFO_SIZE)
		len = HIVE_MAP_INFO_SIZE;
	memset(buf, 0, sizeof(buf));
	info->type = map->map_type;
	info->id = map->obj.id;
	info->key_size = map->key_size;
	info->value_size = map->value_size;
	info->max_entries = map->max_entries;
	info->map_flags = map->map_flags;
	memcpy(info->name, map->def->name, sizeof(info->name));
	info->btf_id = map->def->btf_id;
	info->btf_key_type_id = map->def->btf_key_type_id;
	info->btf_value_type_id = map->def->btf_value_type_id;
	info->btf_vmlinux_value_type_id = map->def->btf_vmlinux_value_type_id;
	info->map_extra = map->def->map_extra;
	if (copy_to_user((uintptr_t)uinfo, buf, len))
		return -EFAULT;
	attr->info.info_len = len;
	return 0;
}

/* ---- program side ------------------------------------------------------------ */

void *map_lookup_elem_ptr(struct hive_map *map, const void *key)
{
	return map->ops->lookup ? map->ops->lookup(map, key) : NULL;
}

int map_update_elem(struct hive_map *map, const void *key, const void *value, uint64_t flags)
{
	if (!map->ops->update)
		return -EINVAL;
	return map->ops->update(map, key, value, flags, false);
}

int map_delete_elem(struct hive_map *map, const void *key)
{
	return map->ops->delete ? map->ops->delete(map, key) : -EINVAL;
}

int map_push_elem(struct hive_map *map, const void *value, uint64_t flags)
{
	return map->ops->push ? map->ops->push(map, value, flags) : -EINVAL;
}

int map_pop_elem(struct hive_map *map, void *value)
{
	return map->ops->pop ? map->ops->pop(map, value) : -EINVAL;
}

int map_peek_elem(struct hive_map *map, void *value)
{
	return map->ops->peek ? map->ops->peek(map, value) : -EINVAL;
}

int map_for_each(struct hive_map *map, hive_map_iter_fn cb, void *ctx)
{
	return map->ops->for_each ? map->ops->for_each(map, cb, ctx) : -EINVAL;
}
