/*
 * hash.c - the hash family: HASH, PERCPU_HASH, LRU_HASH, LRU_PERCPU_HASH
 * and HASH_OF_MAPS.
 *
 * Payload:  [buckets][elements][control block]
 *   bucket   {head, seq}: head is element index + 1 (0: empty), seq a
 *            sequence counter bumped around every change of the chain
 *   element  {next, hash, flags, bucket, key (8-aligned), value(s)}
 *   control  free list, counters, LRU clock hand, striped robust locks
 *
 * Keys are placed as the kernel places them: jhash with the map's seed,
 * n_buckets = roundup_pow_of_two(max_entries), new elements at the head
 * of their bucket; with BPF_F_ZERO_SEED the iteration order of
 * get_next_key is the kernel's.
 *
 * Writers take the bucket's stripe lock; readers (lookups, get_next_key)
 * take no lock: they walk the chain between two reads of the bucket's
 * sequence counter and retry when it moved. Chains are walked through
 * bounds-checked indices with a step limit, so a reader racing a writer
 * never leaves the mapping or loops. Elements are preallocated (the
 * payload is sized for max_entries) and recycled through a lock-free free
 * list; LRU maps evict with a CLOCK (second chance) over the elements:
 * lookups set a reference bit, eviction clears it once before taking the
 * element, which approximates the kernel's active/inactive lists.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "core/registry.h"
#include "core/shm.h"
#include "helpers/helpers.h"
#include "maps/family.h"
#include "maps/fast.h"

#define EL_INUSE 1u
#define EL_REF   2u
#define MAX_LOCKS 256u

struct bucket {
	_Atomic uint32_t head;
	_Atomic uint32_t seq;
};

struct elem {
	_Atomic uint32_t next;
	uint32_t hash;
	_Atomic uint32_t flags;
	uint32_t bucket;
	uint8_t key[];
};

struct htab_ctl {
	_Atomic uint64_t free_head;  /* (tag << 32) | (index + 1) */
	_Atomic uint32_t bump;       /* elements never used start here */
	_Atomic uint32_t count;      /* live elements */
	_Atomic uint32_t hand;       /* LRU clock hand */
	uint32_t nlocks;
	uint64_t elem_size;
	uint64_t elems_off;
	hive_mutex_t lru_lock;
	hive_mutex_t locks[];
};

static bool is_percpu(uint32_t t)
{
	return t == BPF_MAP_TYPE_PERCPU_HASH || t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static bool is_lru(uint32_t t)
{
	return t == BPF_MAP_TYPE_LRU_HASH || t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static bool is_of_maps(uint32_t t)
{
	return t == BPF_MAP_TYPE_HASH_OF_MAPS;
}

/* htab_map_alloc_check() */
int htab_alloc_check(const union bpf_attr *attr)
{
	bool percpu = is_percpu(attr->map_type), lru = is_lru(attr->map_type);
	bool prealloc = !(attr->map_flags & BPF_F_NO_PREALLOC);
	bool percpu_lru = attr->map_flags & BPF_F_NO_COMMON_LRU;

	if (attr->map_flags & ~map_type_flag_mask(attr->map_type) ||
	    !map_flags_access_ok(attr->map_flags))
		return -EINVAL;
	if (!lru && percpu_lru)
		return -EINVAL;
	if (lru && !prealloc)
		return -HIVE_ENOTSUPP;
	if (attr_numa_node(attr) != -1 && (percpu || percpu_lru))
		return -EINVAL;
	if (attr->max_entries == 0 || attr->key_size == 0 || attr->value_size == 0)
		return -EINVAL;
	if ((uint64_t)attr->key_size + attr->value_size >= HIVE_KMALLOC_MAX_SIZE - 48)
		return -E2BIG;
	if (percpu && round_up8(attr->value_size) > HIVE_PCPU_MIN_UNIT_SIZE)
		return -E2BIG;
	return 0;
}

/* fd_htab_map_alloc_check() */
static int htab_of_maps_alloc_check(const union bpf_attr *attr)
{
	if (attr->value_size != sizeof(uint32_t))
		return -EINVAL;
	return htab_alloc_check(attr);
}

static uint32_t rand_seed(void)
{
	uint32_t s;
	FILE *f = fopen("/dev/urandom", "re");

	if (!f || fread(&s, sizeof(s), 1, f) != 1)
		s = (uint32_t)(uintptr_t)&s ^ 0x5bd1e995u;
	if (f)
		fclose(f);
	return s;
}

static uint64_t value_area(const struct hive_map_def *def)
{
	return is_percpu(def->map_type) ? (uint64_t)def->stride * def->ncpus : def->stride;
}

static int htab_layout(const union bpf_attr *attr, struct hive_map_def *def, size_t *payload)
{
	uint64_t nb, esize, nlocks, size;
	int err;

	if (is_lru(attr->map_type) && (attr->map_flags & BPF_F_NO_COMMON_LRU)) {
		/* each CPU's LRU list gets the same number of elements */
		uint64_t m = ((uint64_t)attr->max_entries + def->ncpus - 1) / def->ncpus * def->ncpus;

		def->max_entries = m > UINT32_MAX ? attr->max_entries / def->ncpus * def->ncpus :
						    (uint32_t)m;
	}
	if (is_of_maps(attr->map_type)) {
		err = inner_template(attr, def);
		if (err)
			return err;
	}
	if (def->max_entries > (1u << 31))
		return -E2BIG;
	nb = roundup_pow2(def->max_entries);
	if (!is_percpu(attr->map_type))
		def->ncpus = 1;
	def->n_buckets = (uint32_t)nb;
	def->seed = (attr->map_flags & BPF_F_ZERO_SEED) ? 0 : rand_seed();
	esize = sizeof(struct elem) + round_up8(def->key_size) + value_area(def);
	nlocks = nb < MAX_LOCKS ? nb : MAX_LOCKS;
	def->data_off = 0;
	size = nb * sizeof(struct bucket);
	size = (size + 63) & ~63ull;
	def->ctl_off = size + (uint64_t)def->max_entries * esize;
	def->ctl_off = (def->ctl_off + 63) & ~63ull;
	size = def->ctl_off + sizeof(struct htab_ctl) + nlocks * sizeof(hive_mutex_t);
	if (size > (1ull << 36))
		return -ENOMEM;
	*payload = size;
	return 0;
}

static struct htab_ctl *ctl(struct hive_map *map)
{
	return map->ctl;
}

static struct bucket *buckets(struct hive_map *map)
{
	return (struct bucket *)map->data;
}

static struct elem *elem_at(struct hive_map *map, uint32_t idx)
{
	struct htab_ctl *c = ctl(map);

	return (struct elem *)(map->base + c->elems_off + (uint64_t)idx * c->elem_size);
}

static uint8_t *elem_value(struct hive_map *map, struct elem *e)
{
	return e->key + round_up8(map->key_size);
}

static uint32_t elem_index(struct hive_map *map, struct elem *e)
{
	struct htab_ctl *c = ctl(map);

	return (uint32_t)(((uint8_t *)e - (map->base + c->elems_off)) / c->elem_size);
}

static int htab_init(struct hive_map *map)
{
	struct htab_ctl *c = ctl(map);
	uint64_t nb = map->def->n_buckets;
	uint32_t i;
	int err;

	c->nlocks = nb < MAX_LOCKS ? (uint32_t)nb : MAX_LOCKS;
	c->elem_size = sizeof(struct elem) + round_up8(map->key_size) + value_area(map->def);
	c->elems_off = (nb * sizeof(struct bucket) + 63) & ~63ull;
	err = shm_mutex_init(&c->lru_lock);
	for (i = 0; !err && i < c->nlocks; i++)
		err = shm_mutex_init(&c->locks[i]);
	return err;
}

static uint32_t key_hash(struct hive_map *map, const void *key)
{
	return hive_key_hash(key, map->key_size, map->def->seed);
}

static hive_mutex_t *bucket_lock(struct hive_map *map, uint32_t b)
{
	return &ctl(map)->locks[b % ctl(map)->nlocks];
}

/* Walk bucket @b for @key. Lock-free callers validate with the bucket's
 * sequence counter; *@prevp receives the predecessor (or NULL). */
static struct elem *chain_find(struct hive_map *map, uint32_t b, uint32_t hash, const void *key,
			       struct elem **prevp)
{
	struct elem *prev = NULL;
	uint32_t idx = atomic_load_explicit(&buckets(map)[b].head, memory_order_acquire);
	uint32_t steps = 0;

	while (idx) {
		struct elem *e;

		if (idx > map->max_entries || ++steps > map->max_entries)
			break; /* racing a writer: the caller retries */
		e = elem_at(map, idx - 1);
		if (e->hash == hash && !memcmp(e->key, key, map->key_size)) {
			if (prevp)
				*prevp = prev;
			return e;
		}
		prev = e;
		idx = atomic_load_explicit(&e->next, memory_order_acquire);
	}
	return NULL;
}

static void chain_unlink(struct hive_map *map, uint32_t b, struct elem *prev, struct elem *e)
{
	uint32_t next = atomic_load(&e->next);

	if (prev)
		atomic_store_explicit(&prev->next, next, memory_order_release);
	else
		atomic_store_explicit(&buckets(map)[b].head, next, memory_order_release);
	atomic_fetch_and(&e->flags, ~EL_INUSE);
}

static void chain_add_head(struct hive_map *map, uint32_t b, struct elem *e)
{
	struct bucket *bk = &buckets(map)[b];

	atomic_store_explicit(&e->next, atomic_load(&bk->head), memory_order_relaxed);
	e->bucket = b;
	atomic_fetch_or(&e->flags, EL_INUSE);
	atomic_store_explicit(&bk->head, elem_index(map, e) + 1, memory_order_release);
}

/* ---- element allocation ---------------------------------------------------- */

static void free_push(struct hive_map *map, struct elem *e)
{
	struct htab_ctl *c = ctl(map);
	uint64_t h = atomic_load(&c->free_head), nh;

	do {
		atomic_store_explicit(&e->next, (uint32_t)h, memory_order_relaxed);
		nh = (((h >> 32) + 1) << 32) | (elem_index(map, e) + 1);
	} while (!atomic_compare_exchange_weak(&c->free_head, &h, nh));
}

static struct elem *free_pop(struct hive_map *map)
{
	struct htab_ctl *c = ctl(map);
	uint64_t h = atomic_load(&c->free_head), nh;
	uint32_t b;

	while ((uint32_t)h) {
		struct elem *e = elem_at(map, (uint32_t)h - 1);

		nh = (((h >> 32) + 1) << 32) | atomic_load_explicit(&e->next, memory_order_relaxed);
		if (atomic_compare_exchange_weak(&c->free_head, &h, nh))
			return e;
	}
	b = atomic_load(&c->bump);
	while (b < map->max_entries)
		if (atomic_compare_exchange_weak(&c->bump, &b, b + 1))
			return elem_at(map, b);
	return NULL;
}

/* LRU: take the element the clock hand finds unreferenced. */
static struct elem *lru_evict(struct hive_map *map)
{
	struct htab_ctl *c = ctl(map);
	struct elem *victim = NULL;
	uint64_t i;

	shm_lock(&c->lru_lock);
	for (i = 0; i < 3ull * map->max_entries && !victim; i++) {
		uint32_t idx = atomic_fetch_add(&c->hand, 1) % map->max_entries;
		struct elem *e = elem_at(map, idx), *prev = NULL;
		uint32_t fl = atomic_load(&e->flags), b;

		if (!(fl & EL_INUSE))
			continue;
		if (fl & EL_REF) {
			atomic_fetch_and(&e->flags, ~EL_REF);
			continue;
		}
		b = e->bucket;
		if (b >= map->def->n_buckets)
			continue;
		shm_lock(bucket_lock(map, b));
		if ((atomic_load(&e->flags) & EL_INUSE) && e->bucket == b &&
		    chain_find(map, b, e->hash, e->key, &prev) == e) {
			seq_write_begin(&buckets(map)[b].seq);
			chain_unlink(map, b, prev, e);
			seq_write_end(&buckets(map)[b].seq);
			atomic_fetch_sub(&c->count, 1);
			victim = e;
		}
		shm_unlock(bucket_lock(map, b));
	}
	shm_unlock(&c->lru_lock);
	return victim;
}

static struct elem *elem_alloc(struct hive_map *map)
{
	struct elem *e = free_pop(map);

	if (!e && is_lru(map->map_type))
		e = lru_evict(map);
	return e;
}

/* ---- values -------------------------------------------------------------- */

/* Write a new or replaced value: the syscall view (every CPU) or one
 * program value (this CPU; a new element's other CPUs are zeroed). */
static void store_value(struct hive_map *map, struct elem *e, const void *value, bool sys,
			bool fresh)
{
	uint8_t *v = elem_value(map, e);
	uint32_t cpu, me;

	if (!is_percpu(map->map_type)) {
		memcpy(v, value, map->value_size);
		return;
	}
	if (sys) {
		for (cpu = 0; cpu < map->ncpus; cpu++)
			memcpy(v + (size_t)cpu * map->stride,
			       (const uint8_t *)value + (size_t)cpu * map->stride, map->value_size);
		return;
	}
	me = map_this_cpu(map);
	for (cpu = 0; cpu < map->ncpus; cpu++) {
		if (cpu == me)
			memcpy(v + (size_t)cpu * map->stride, value, map->value_size);
		else if (fresh)
			memset(v + (size_t)cpu * map->stride, 0, map->stride);
	}
}

/* Copy the syscall view of an element's value out. */
static void load_value(struct hive_map *map, struct elem *e, void *out)
{
	const uint8_t *v = elem_value(map, e);
	uint32_t cpu;

	if (!is_percpu(map->map_type)) {
		memcpy(out, v, map->value_size);
		return;
	}
	for (cpu = 0; cpu < map->ncpus; cpu++)
		memcpy((uint8_t *)out + (size_t)cpu * map->stride, v + (size_t)cpu * map->stride,
		       map->stride);
}

/* ---- hash of maps: slot references -------------------------------------- */

static uint64_t key_tag(struct hive_map *map, const void *key)
{
	return ((uint64_t)hive_jhash(key, map->key_size, 1) << 32) |
	       hive_jhash(key, map->key_size, 2);
}

static void inner_release(struct hive_map *map, const void *key, uint32_t id)
{
	struct hive_map *inner = id ? inner_resolve(id) : NULL;

	if (inner) {
		reg_ref_del(HIVE_OBJ_MAP, map->obj.id, key_tag(map, key), &inner->obj);
		obj_put(&inner->obj);
	}
}

/* ---- ops ----------------------------------------------------------------- */

/* Find @key without a lock; with @out, copy its syscall value inside the
 * same read section (so the copy is never torn). */
static struct elem *lookup_elem_copy(struct hive_map *map, const void *key, void *out)
{
	uint32_t hash = key_hash(map, key), b = hash & (map->def->n_buckets - 1), s;
	struct bucket *bk = &buckets(map)[b];
	struct elem *e;

	do {
		s = seq_read_begin(&bk->seq);
		e = chain_find(map, b, hash, key, NULL);
		if (e && out)
			load_value(map, e, out);
	} while (seq_read_retry(&bk->seq, s));
	return e;
}

static struct elem *lookup_elem(struct hive_map *map, const void *key)
{
	return lookup_elem_copy(map, key, NULL);
}

static void *htab_lookup(struct hive_map *map, const void *key)
{
	struct elem *e = lookup_elem(map, key);

	if (!e)
		return NULL;
	if (is_lru(map->map_type) && !(atomic_load_explicit(&e->flags, memory_order_relaxed) & EL_REF))
		atomic_fetch_or_explicit(&e->flags, EL_REF, memory_order_relaxed);
	if (is_of_maps(map->map_type)) {
		uint32_t id;
		struct hive_map *inner;

		memcpy(&id, elem_value(map, e), 4);
		inner = inner_resolve(id);
		if (inner)
			obj_put(&inner->obj); /* kept alive by the slot's link */
		return inner;
	}
	if (is_percpu(map->map_type))
		return elem_value(map, e) + (size_t)map_this_cpu(map) * map->stride;
	return elem_value(map, e);
}

void *htab_percpu_ptr(struct hive_map *map, const void *key, uint32_t cpu)
{
	struct elem *e;

	if (!is_percpu(map->map_type) || cpu >= map->ncpus)
		return NULL;
	e = lookup_elem(map, key);
	return e ? elem_value(map, e) + (size_t)cpu * map->stride : NULL;
}

/* Syscall lookup: the value copied inside the bucket's read section. */
static int htab_sys_lookup(struct hive_map *map, const void *key, void *value, uint64_t flags)
{
	struct elem *e = lookup_elem_copy(map, key, value);

	if (!e)
		return -ENOENT;
	if (is_lru(map->map_type))
		atomic_fetch_or_explicit(&e->flags, EL_REF, memory_order_relaxed);
	return 0;
}

static int htab_update(struct hive_map *map, const void *key, const void *value, uint64_t flags,
		       bool sys)
{
	uint32_t hash, b, newid = 0, oldid = 0;
	struct elem *old, *prev = NULL, *e = NULL;
	struct htab_ctl *c = ctl(map);
	uint64_t f = flags & ~(uint64_t)BPF_F_LOCK;
	int err = 0;

	if (f > BPF_EXIST)
		return -EINVAL;
	if (flags & BPF_F_LOCK)
		return -EINVAL; /* no bpf_spin_lock in values without BTF */
	if (is_of_maps(map->map_type)) {
		struct hive_map *inner;
		uint32_t ufd;

		if (!sys)
			return -EINVAL;
		memcpy(&ufd, value, 4);
		err = map_from_fd((int)ufd, &inner);
		if (err)
			return err;
		err = inner_check(map, inner);
		if (!err)
			err = reg_ref_add(HIVE_OBJ_MAP, map->obj.id, key_tag(map, key), &inner->obj);
		newid = inner->obj.id;
		obj_put(&inner->obj);
		if (err)
			return err;
		value = &newid;
	}
	hash = key_hash(map, key);
	b = hash & (map->def->n_buckets - 1);
	/* LRU maps take (maybe evict) the new element before locking */
	if (is_lru(map->map_type)) {
		e = elem_alloc(map);
		if (!e)
			return -ENOMEM;
	}
	shm_lock(bucket_lock(map, b));
	old = chain_find(map, b, hash, key, &prev);
	if (old && is_of_maps(map->map_type))
		memcpy(&oldid, elem_value(map, old), 4);
	if (old && f == BPF_NOEXIST) {
		err = -EEXIST;
		goto out;
	}
	if (!old && f == BPF_EXIST) {
		err = -ENOENT;
		goto out;
	}
	seq_write_begin(&buckets(map)[b].seq);
	if (old && is_percpu(map->map_type)) {
		/* per-CPU values are updated in place */
		store_value(map, old, value, sys, false);
		atomic_fetch_or(&old->flags, EL_REF);
	} else if (old) {
		/* the kernel links a new element at the head and drops the old
		 * one: the updated key moves to the head of its bucket */
		chain_unlink(map, b, prev, old);
		store_value(map, old, value, sys, false);
		chain_add_head(map, b, old);
	} else {
		if (!e)
			e = elem_alloc(map);
		if (!e) {
			err = -E2BIG;
		} else {
			e->hash = hash;
			memcpy(e->key, key, map->key_size);
			atomic_store(&e->flags, 0);
			store_value(map, e, value, sys, true);
			chain_add_head(map, b, e);
			atomic_fetch_add(&c->count, 1);
			e = NULL;
		}
	}
	seq_write_end(&buckets(map)[b].seq);
out:
	shm_unlock(bucket_lock(map, b));
	if (e)
		free_push(map, e);
	if (is_of_maps(map->map_type)) {
		/* links are named by holder, slot and target: the new inner
		 * map's link is distinct from the old one's */
		if (err && !(old && oldid == newid))
			inner_release(map, key, newid);
		else if (!err && oldid && oldid != newid)
			inner_release(map, key, oldid);
	}
	return err;
}

static int delete_elem(struct hive_map *map, const void *key, void *value)
{
	uint32_t hash = key_hash(map, key), b = hash & (map->def->n_buckets - 1), id = 0;
	struct elem *e, *prev = NULL;

	shm_lock(bucket_lock(map, b));
	e = chain_find(map, b, hash, key, &prev);
	if (!e) {
		shm_unlock(bucket_lock(map, b));
		return -ENOENT;
	}
	if (value)
		load_value(map, e, value);
	if (is_of_maps(map->map_type))
		memcpy(&id, elem_value(map, e), 4);
	seq_write_begin(&buckets(map)[b].seq);
	chain_unlink(map, b, prev, e);
	seq_write_end(&buckets(map)[b].seq);
	atomic_fetch_sub(&ctl(map)->count, 1);
	shm_unlock(bucket_lock(map, b));
	free_push(map, e);
	if (id)
		inner_release(map, key, id);
	return 0;
}

static int htab_delete(struct hive_map *map, const void *key)
{
	return delete_elem(map, key, NULL);
}

static int htab_lookup_and_delete(struct hive_map *map, const void *key, void *value,
				  uint64_t flags)
{
	return delete_elem(map, key, value);
}

/* The first element of bucket @b (copied under its read section). */
static bool bucket_first_key(struct hive_map *map, uint32_t b, void *out)
{
	struct bucket *bk = &buckets(map)[b];
	bool found;
	uint32_t s, idx;

	do {
		s = seq_read_begin(&bk->seq);
		idx = atomic_load_explicit(&bk->head, memory_order_acquire);
		found = idx && idx <= map->max_entries;
		if (found)
			memcpy(out, elem_at(map, idx - 1)->key, map->key_size);
	} while (seq_read_retry(&bk->seq, s));
	return found;
}

/* htab_map_get_next_key() */
static int htab_get_next_key(struct hive_map *map, const void *key, void *next_key)
{
	uint32_t i = 0;

	if (key) {
		uint32_t hash = key_hash(map, key), b = hash & (map->def->n_buckets - 1), s;
		struct bucket *bk = &buckets(map)[b];
		bool found, has_next;

		do {
			struct elem *e;

			s = seq_read_begin(&bk->seq);
			e = chain_find(map, b, hash, key, NULL);
			found = e != NULL;
			has_next = false;
			if (e) {
				uint32_t n = atomic_load_explicit(&e->next, memory_order_acquire);

				if (n && n <= map->max_entries) {
					memcpy(next_key, elem_at(map, n - 1)->key, map->key_size);
					has_next = true;
				}
			}
		} while (seq_read_retry(&bk->seq, s));
		if (has_next)
			return 0;
		if (found)
			i = b + 1;
	}
	for (; i < map->def->n_buckets; i++)
		if (bucket_first_key(map, i, next_key))
			return 0;
	return -ENOENT;
}

static int htab_for_each(struct hive_map *map, hive_map_iter_fn cb, void *ctx)
{
	uint32_t b;
	int n = 0;

	for (b = 0; b < map->def->n_buckets; b++) {
		uint32_t idx = atomic_load(&buckets(map)[b].head), steps = 0;

		while (idx && idx <= map->max_entries && steps++ < map->max_entries) {
			struct elem *e = elem_at(map, idx - 1);
			void *v = elem_value(map, e);

			if (is_percpu(map->map_type))
				v = (uint8_t *)v + (size_t)map_this_cpu(map) * map->stride;
			n++;
			if (cb(map, e->key, v, ctx))
				return n;
			idx = atomic_load(&e->next);
		}
	}
	return n;
}

/* __htab_map_lookup_and_delete_batch(): whole buckets at a time; the batch
 * token is a u32 bucket index. */
static int htab_lookup_batch(struct hive_map *map, union bpf_attr *attr, bool do_delete)
{
	uint32_t vsize = map_sys_value_size(map), max = attr->batch.count, total = 0, batch = 0;
	uint8_t *keys = (uint8_t *)(uintptr_t)attr->batch.keys;
	uint8_t *values = (uint8_t *)(uintptr_t)attr->batch.values;
	uint32_t nb = map->def->n_buckets;
	uint8_t *vbuf, *kbuf;
	int ret = 0;

	if (attr->batch.elem_flags & ~(uint64_t)BPF_F_LOCK)
		return -EINVAL;
	if (attr->batch.elem_flags & BPF_F_LOCK)
		return -EINVAL;
	if (attr->batch.flags)
		return -EINVAL;
	if (!max)
		return 0;
	attr->batch.count = 0;
	/* one value (and one key) staged in hive's memory */
	vbuf = malloc((size_t)vsize + map->key_size + 1);
	if (!vbuf)
		return -ENOMEM;
	kbuf = vbuf + vsize;
	if (attr->batch.in_batch &&
	    probe_mem(&batch, (const void *)(uintptr_t)attr->batch.in_batch, sizeof(batch))) {
		free(vbuf);
		return -EFAULT;
	}
	if (batch >= nb) {
		free(vbuf);
		return -ENOENT;
	}
	while (1) {
		uint32_t cnt = 0, idx, steps = 0;
		hive_mutex_t *lk = bucket_lock(map, batch);

		shm_lock(lk);
		for (idx = atomic_load(&buckets(map)[batch].head); idx && idx <= map->max_entries &&
		     steps < map->max_entries; steps++)
			idx = atomic_load(&elem_at(map, idx - 1)->next), cnt++;
		if (cnt > max - total) {
			shm_unlock(lk);
			if (total == 0)
				ret = -ENOSPC;
			break;
		}
		if (cnt && (!keys || !values)) {
			shm_unlock(lk);
			ret = -EFAULT;
			break;
		}
		idx = atomic_load(&buckets(map)[batch].head);
		while (idx && idx <= map->max_entries && cnt--) {
			struct elem *e = elem_at(map, idx - 1);

			/* user memory is written through the fault-safe probe */
			load_value(map, e, vbuf);
			if (probe_writev((const struct iovec[]){
						 { keys + (size_t)total * map->key_size, map->key_size },
						 { values + (size_t)total * vsize, vsize } },
					 (const struct iovec[]){ { e->key, map->key_size },
								 { vbuf, vsize } }, 2)) {
				ret = -EFAULT;
				break;
			}
			total++;
			idx = atomic_load(&e->next);
		}
		shm_unlock(lk);
		if (ret == -EFAULT)
			break;
		if (do_delete) {
			uint32_t k;

			/* delete what was copied from this bucket */
			for (k = attr->batch.count; k < total; k++) {
				if (probe_mem(kbuf, keys + (size_t)k * map->key_size, map->key_size))
					continue;
				delete_elem(map, kbuf, NULL);
			}
		}
		attr->batch.count = total;
		batch++;
		if (batch >= nb) {
			ret = -ENOENT;
			break;
		}
	}
	if (ret == -EFAULT)
		goto out;
	if (!attr->batch.out_batch ||
	    probe_write((void *)(uintptr_t)attr->batch.out_batch, &batch, sizeof(batch))) {
		ret = -EFAULT;
		goto out;
	}
	attr->batch.count = total;
out:
	free(vbuf);
	return ret;
}

static int htab_of_maps_sys_lookup(struct hive_map *map, const void *key, void *value,
				   uint64_t flags)
{
	return htab_sys_lookup(map, key, value, flags);
}

/* Unpinned maps die with their last holder; the reference links of a dead
 * hash of maps are not collected here (see docs/bpf-abi.md). */

const struct hive_map_ops hive_htab_ops = {
	.alloc_check = htab_alloc_check,
	.layout = htab_layout,
	.init = htab_init,
	.lookup = htab_lookup,
	.sys_lookup = htab_sys_lookup,
	.update = htab_update,
	.delete = htab_delete,
	.get_next_key = htab_get_next_key,
	.lookup_and_delete = htab_lookup_and_delete,
	.for_each = htab_for_each,
	.lookup_batch = htab_lookup_batch,
	.batch = HIVE_BATCH_LOOKUP | HIVE_BATCH_LOOKUP_DEL | HIVE_BATCH_UPDATE | HIVE_BATCH_DELETE,
};

const struct hive_map_ops hive_hash_of_maps_ops = {
	.alloc_check = htab_of_maps_alloc_check,
	.layout = htab_layout,
	.init = htab_init,
	.lookup = htab_lookup,
	.sys_lookup = htab_of_maps_sys_lookup,
	.update = htab_update,
	.delete = htab_delete,
	.get_next_key = htab_get_next_key,
	.lookup_batch = htab_lookup_batch,
	.batch = HIVE_BATCH_LOOKUP | HIVE_BATCH_LOOKUP_DEL | HIVE_BATCH_UPDATE | HIVE_BATCH_DELETE,
};

/* ---- fast program-side lookups ------------------------------------------------ */

/*
 * htab_lookup for a plain BPF_MAP_TYPE_HASH with the key size a constant
 * (the hash and the key compare compile to straight-line code): the same
 * element, found the same lock-free way (bounded chain walk validated by
 * the bucket's sequence counter).
 */
static inline __attribute__((always_inline)) void *fast_lookup(struct hive_map *map,
							       const void *key, uint32_t ks)
{
	uint32_t hash = hive_key_hash(key, ks, map->def->seed);
	uint32_t b = hash & (map->def->n_buckets - 1), s, idx, steps;
	struct bucket *bk = &buckets(map)[b];
	struct elem *found;

	do {
		s = seq_read_begin(&bk->seq);
		found = NULL;
		idx = atomic_load_explicit(&bk->head, memory_order_acquire);
		steps = 0;
		/* a bad index or a too-long chain: racing a writer, retried */
		while (idx && idx <= map->max_entries && ++steps <= map->max_entries) {
			struct elem *e = elem_at(map, idx - 1);

			if (e->hash == hash && !memcmp(e->key, key, ks)) {
				found = e;
				break;
			}
			idx = atomic_load_explicit(&e->next, memory_order_acquire);
		}
	} while (seq_read_retry(&bk->seq, s));
	return found ? elem_value(map, found) : NULL;
}

static void *htab_lookup_k4(struct hive_map *map, const void *key)
{
	return fast_lookup(map, key, 4);
}

static void *htab_lookup_k8(struct hive_map *map, const void *key)
{
	return fast_lookup(map, key, 8);
}

static void *htab_lookup_k16(struct hive_map *map, const void *key)
{
	return fast_lookup(map, key, 16);
}

htab_lookup_fn htab_fast_lookup(const struct hive_map *map)
{
	if (map->ops != &hive_htab_ops || map->map_type != BPF_MAP_TYPE_HASH)
		return NULL;
	switch (map->key_size) {
	case 4: return htab_lookup_k4;
	case 8: return htab_lookup_k8;
	case 16: return htab_lookup_k16;
	default: return NULL;
	}
}
