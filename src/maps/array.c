/*
 * array.c - BPF_MAP_TYPE_ARRAY and BPF_MAP_TYPE_PERCPU_ARRAY.
 *
 * Payload: max_entries values at a stride of round_up(value_size, 8)
 * starting at offset 0, so that with BPF_F_MMAPABLE user space can
 * mmap(map_fd, 0) and see the values exactly where the kernel puts them.
 * Per-CPU arrays keep ncpus consecutive slots per index. Elements always
 * exist (delete is EINVAL); lookups are plain index arithmetic, no lock;
 * updates are plain copies, as in the kernel (a concurrent reader may see
 * a partly written value).
 */
#include <errno.h>
#include <string.h>

#include "maps/family.h"

static bool is_percpu(uint32_t type)
{
	return type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

/* array_map_alloc_check() and the size checks of array_map_alloc() */
int array_alloc_check(const union bpf_attr *attr)
{
	bool percpu = is_percpu(attr->map_type);

	if (attr->max_entries == 0 || attr->key_size != 4 || attr->value_size == 0 ||
	    (attr->map_flags & ~map_type_flag_mask(attr->map_type)) ||
	    !map_flags_access_ok(attr->map_flags) || (percpu && attr_numa_node(attr) != -1))
		return -EINVAL;
	if (attr->map_type != BPF_MAP_TYPE_ARRAY &&
	    (attr->map_flags & (BPF_F_MMAPABLE | BPF_F_INNER_MAP)))
		return -EINVAL;
	if (attr->map_type != BPF_MAP_TYPE_PERF_EVENT_ARRAY &&
	    (attr->map_flags & BPF_F_PRESERVE_ELEMS))
		return -EINVAL;
	if (attr->value_size > 0x7fffffffu)
		return -E2BIG;
	if (percpu && round_up8(attr->value_size) > HIVE_PCPU_MIN_UNIT_SIZE)
		return -E2BIG;
	return 0;
}

static int array_layout(const union bpf_attr *attr, struct hive_map_def *def, size_t *payload)
{
	uint64_t size = (uint64_t)attr->max_entries * def->stride;

	if (is_percpu(attr->map_type))
		size *= def->ncpus;
	else
		def->ncpus = 1;
	if (attr->map_flags & BPF_F_MMAPABLE)
		def->data_size = page_align(size);
	def->data_off = 0;
	def->ctl_off = 0;
	*payload = size;
	return 0;
}

static uint8_t *slot(struct hive_map *map, uint32_t idx, uint32_t cpu)
{
	return map->data + ((uint64_t)idx * map->ncpus + cpu) * map->stride;
}

static void *array_lookup(struct hive_map *map, const void *key)
{
	uint32_t idx;

	memcpy(&idx, key, 4);
	if (idx >= map->max_entries)
		return NULL;
	return slot(map, idx, is_percpu(map->map_type) ? map_this_cpu(map) : 0);
}

void *map_lookup_percpu_ptr(struct hive_map *map, const void *key, uint32_t cpu)
{
	uint32_t idx;

	if (cpu >= map->ncpus)
		return NULL;
	if (map->map_type == BPF_MAP_TYPE_PERCPU_ARRAY) {
		memcpy(&idx, key, 4);
		if (idx >= map->max_entries)
			return NULL;
		return slot(map, idx, cpu);
	}
	return htab_percpu_ptr(map, key, cpu);
}

static int array_sys_lookup(struct hive_map *map, const void *key, void *value, uint64_t flags)
{
	uint32_t idx, cpu;

	memcpy(&idx, key, 4);
	if (idx >= map->max_entries)
		return -ENOENT;
	if (!is_percpu(map->map_type)) {
		memcpy(value, slot(map, idx, 0), map->value_size);
		return 0;
	}
	/* bpf_percpu_array_copy(): every possible CPU, stride apart */
	for (cpu = 0; cpu < map->ncpus; cpu++)
		memcpy((uint8_t *)value + (size_t)cpu * map->stride, slot(map, idx, cpu), map->stride);
	return 0;
}

static int array_update(struct hive_map *map, const void *key, const void *value, uint64_t flags,
			bool sys)
{
	uint32_t idx, cpu;

	memcpy(&idx, key, 4);
	if ((flags & ~(uint64_t)BPF_F_LOCK) > BPF_EXIST)
		return -EINVAL;
	if (idx >= map->max_entries)
		return -E2BIG;
	if (flags & BPF_NOEXIST)
		return -EEXIST;
	if (flags & BPF_F_LOCK)
		return -EINVAL;
	if (!is_percpu(map->map_type)) {
		memcpy(slot(map, idx, 0), value, map->value_size);
		return 0;
	}
	if (!sys) {
		memcpy(slot(map, idx, map_this_cpu(map)), value, map->value_size);
		return 0;
	}
	for (cpu = 0; cpu < map->ncpus; cpu++)
		memcpy(slot(map, idx, cpu), (const uint8_t *)value + (size_t)cpu * map->stride,
		       map->value_size);
	return 0;
}

static int array_delete(struct hive_map *map, const void *key)
{
	return -EINVAL;
}

/* array_map_get_next_key(): 0 for a missing/out-of-range key, ENOENT after the last */
int array_get_next_key(struct hive_map *map, const void *key, void *next_key)
{
	uint32_t idx = UINT32_MAX, next;

	if (key)
		memcpy(&idx, key, 4);
	if (idx >= map->max_entries) {
		next = 0;
	} else {
		if (idx == map->max_entries - 1)
			return -ENOENT;
		next = idx + 1;
	}
	memcpy(next_key, &next, 4);
	return 0;
}

static int array_for_each(struct hive_map *map, hive_map_iter_fn cb, void *ctx)
{
	uint32_t i;
	int n = 0;

	for (i = 0; i < map->max_entries; i++) {
		void *v = slot(map, i, is_percpu(map->map_type) ? map_this_cpu(map) : 0);

		n++;
		if (cb(map, &i, v, ctx))
			break;
	}
	return n;
}

const struct hive_map_ops hive_array_ops = {
	.alloc_check = array_alloc_check,
	.layout = array_layout,
	.lookup = array_lookup,
	.sys_lookup = array_sys_lookup,
	.update = array_update,
	.delete = array_delete,
	.get_next_key = array_get_next_key,
	.for_each = array_for_each,
	.batch = HIVE_BATCH_LOOKUP | HIVE_BATCH_UPDATE,
};
