/*
 * map_helpers.c - the map helpers programs call: lookup, update, delete,
 * push, pop, peek and for_each_map_elem, on top of the map layer's program
 * side (maps/map.h).
 *
 * The map argument is the 64-bit value PROG_LOAD put into the program's
 * lddw BPF_PSEUDO_MAP_FD: a struct hive_map of this process; unverified
 * runs may pass nothing else (helper_map()). Memory a helper hands to the
 * program (a value from lookup, key/value of each for_each step) is
 * granted to unverified runs for the rest of the run, read-only for maps
 * created with BPF_F_RDONLY_PROG. The inner map a map-in-map lookup
 * returns is not memory and is never granted as such: it is granted as a
 * map argument (hive_run_grant_map).
 */
#include <errno.h>

#include "helpers/helpers.h"
#include "maps/map.h"

/* Let an unverified program use [p, p+len) handed out by a map helper. */
static void grant(struct hive_run *run, struct hive_map *map, void *p, size_t len)
{
	unsigned prot = (map->map_flags & BPF_F_RDONLY_PROG) ? HIVE_PROT_READ : HIVE_PROT_RW;

	if (p && len && hive_run_check(run, p, len, prot))
		hive_run_grant(run, p, len, prot);
}

/* bpf_map_lookup_elem(map, key): value pointer or NULL. */
uint64_t helper_map_lookup_elem(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				uint64_t r5, struct hive_run *run)
{
	struct hive_map *map = helper_map(run, r1, "map_lookup_elem");
	const void *key = (const void *)(uintptr_t)r2;
	void *v;

	if (!map || !helper_mem(run, key, map->key_size, HIVE_PROT_READ, "map_lookup_elem"))
		return 0;
	v = map_lookup_elem_ptr(map, key);
	/* a map-in-map lookup returns the inner map (the kernel's
	 * CONST_PTR_TO_MAP): an argument for map helpers, not memory */
	if (map->map_type != BPF_MAP_TYPE_ARRAY_OF_MAPS && map->map_type != BPF_MAP_TYPE_HASH_OF_MAPS)
		grant(run, map, v, map->value_size);
	else if (v && !hive_run_map_ok(run, (uint64_t)(uintptr_t)v))
		hive_run_grant_map(run, (uint64_t)(uintptr_t)v);
	return (uint64_t)(uintptr_t)v;
}

/* bpf_map_update_elem(map, key, value, flags): 0 or -errno. */
uint64_t helper_map_update_elem(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				uint64_t r5, struct hive_run *run)
{
	struct hive_map *map = helper_map(run, r1, "map_update_elem");
	const void *key = (const void *)(uintptr_t)r2, *value = (const void *)(uintptr_t)r3;

	if (!map || !helper_mem(run, key, map->key_size, HIVE_PROT_READ, "map_update_elem") ||
	    !helper_mem(run, value, map->value_size, HIVE_PROT_READ, "map_update_elem"))
		return 0;
	return (uint64_t)(int64_t)map_update_elem(map, key, value, r4);
}

/* bpf_map_delete_elem(map, key): 0 or -errno. */
uint64_t helper_map_delete_elem(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				uint64_t r5, struct hive_run *run)
{
	struct hive_map *map = helper_map(run, r1, "map_delete_elem");
	const void *key = (const void *)(uintptr_t)r2;

	if (!map || !helper_mem(run, key, map->key_size, HIVE_PROT_READ, "map_delete_elem"))
		return 0;
	return (uint64_t)(int64_t)map_delete_elem(map, key);
}

/* bpf_map_push_elem(map, value, flags): queue/stack/bloom filter insert. */
uint64_t helper_map_push_elem(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
			      uint64_t r5, struct hive_run *run)
{
	struct hive_map *map = helper_map(run, r1, "map_push_elem");
	const void *value = (const void *)(uintptr_t)r2;

	if (!map || !helper_mem(run, value, map->value_size, HIVE_PROT_READ, "map_push_elem"))
		return 0;
	return (uint64_t)(int64_t)map_push_elem(map, value, r3);
}

/* bpf_map_pop_elem(map, value): take the head into value. */
uint64_t helper_map_pop_elem(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
			     uint64_t r5, struct hive_run *run)
{
	struct hive_map *map = helper_map(run, r1, "map_pop_elem");
	void *value = (void *)(uintptr_t)r2;

	if (!map || !helper_mem(run, value, map->value_size, HIVE_PROT_WRITE, "map_pop_elem"))
		return 0;
	return (uint64_t)(int64_t)map_pop_elem(map, value);
}

/* bpf_map_peek_elem(map, value): copy the head into value. */
uint64_t helper_map_peek_elem(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
			      uint64_t r5, struct hive_run *run)
{
	struct hive_map *map = helper_map(run, r1, "map_peek_elem");
	void *value = (void *)(uintptr_t)r2;

	if (!map || !helper_mem(run, value, map->value_size, HIVE_PROT_WRITE, "map_peek_elem"))
		return 0;
	return (uint64_t)(int64_t)map_peek_elem(map, value);
}

struct for_each_ctx {
	struct hive_run *run;
	uint64_t callback, callback_ctx;
	long calls;
	int err;
};

static long for_each_step(struct hive_map *map, void *key, void *value, void *ctx)
{
	struct for_each_ctx *fc = ctx;
	uint64_t ret;

	grant(fc->run, map, key, map->key_size);
	grant(fc->run, map, value, map->value_size);
	fc->calls++;
	fc->err = hive_run_call(fc->run, fc->callback, (uint64_t)(uintptr_t)map,
				(uint64_t)(uintptr_t)key, (uint64_t)(uintptr_t)value,
				fc->callback_ctx, 0, &ret);
	return fc->err || ret;
}

/*
 * bpf_for_each_map_elem(map, callback, ctx, flags): callback(map, key,
 * value, ctx) per element until it returns 1; returns the number of calls.
 */
uint64_t helper_for_each_map_elem(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				  uint64_t r5, struct hive_run *run)
{
	struct for_each_ctx fc = { run, r2, r3, 0, 0 };
	struct hive_map *map = helper_map(run, r1, "for_each_map_elem");
	int err;

	if (!map)
		return 0;
	if (r4)
		return (uint64_t)-EINVAL;
	err = map_for_each(map, for_each_step, &fc);
	if (fc.err)
		return 0; /* the run stops with the callback's error */
	if (err < 0)
		return (uint64_t)(int64_t)err;
	return (uint64_t)fc.calls;
}
