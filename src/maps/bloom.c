/*
 * bloom.c - BPF_MAP_TYPE_BLOOM_FILTER: a bit array sized and hashed as the
 * kernel's bloom_filter.c (nr_hash_funcs = map_extra & 0xf, default 5;
 * bits = roundup_pow_of_two(max_entries * k * 7 / 5), at least 64; jhash
 * with seed + i), so that with BPF_F_ZERO_SEED the same values test
 * positive as on the kernel. Push sets bits with atomic OR; peek tests.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/shm.h"
#include "maps/family.h"

struct bloom_ctl {
	uint32_t nr_hash;
	uint32_t mask;       /* bits - 1 */
	uint64_t words;
};

/* bloom_map_alloc_check() and the checks of bloom_map_alloc() */
static int bloom_alloc_check(const union bpf_attr *attr)
{
	if (attr->value_size > HIVE_KMALLOC_MAX_SIZE)
		return -E2BIG;
	if (attr->key_size != 0 || attr->value_size == 0 || attr->max_entries == 0 ||
	    (attr->map_flags & ~map_type_flag_mask(attr->map_type)) ||
	    !map_flags_access_ok(attr->map_flags) || (attr->map_extra & ~0xfull))
		return -EINVAL;
	return 0;
}

static void bloom_geometry(const union bpf_attr *attr, uint32_t *nr_hash, uint32_t *mask,
			   uint64_t *bytes)
{
	uint32_t k = attr->map_extra ? (uint32_t)attr->map_extra : 5;
	uint64_t nr_bits = (uint64_t)attr->max_entries * k;

	*nr_hash = k;
	if (nr_bits > UINT32_MAX || (nr_bits / 5) * 7 > UINT32_MAX ||
	    (nr_bits / 5) * 7 > (1ull << 31)) {
		*bytes = (UINT32_MAX / 8) + 1;
		*mask = UINT32_MAX;
	} else {
		nr_bits = (nr_bits / 5) * 7;
		nr_bits = nr_bits <= 64 ? 64 : roundup_pow2(nr_bits);
		*bytes = nr_bits / 8;
		*mask = (uint32_t)(nr_bits - 1);
	}
	*bytes = (*bytes + 7) & ~7ull;
}

static uint32_t rand32(void)
{
	uint32_t s = 0x9747b28cu;
	FILE *f = fopen("/dev/urandom", "re");

	if (f) {
		if (fread(&s, sizeof(s), 1, f) != 1)
			s = 0x9747b28cu;
		fclose(f);
	}
	return s;
}

static int bloom_layout(const union bpf_attr *attr, struct hive_map_def *def, size_t *payload)
{
	uint32_t k, mask;
	uint64_t bytes;

	bloom_geometry(attr, &k, &mask, &bytes);
	def->ncpus = 1;
	def->seed = (attr->map_flags & BPF_F_ZERO_SEED) ? 0 : rand32();
	def->data_off = 0;
	def->ctl_off = bytes;
	*payload = bytes + sizeof(struct bloom_ctl);
	return 0;
}

static struct bloom_ctl *bctl(struct hive_map *map)
{
	return map->ctl;
}

static int bloom_init(struct hive_map *map)
{
	union bpf_attr a;
	uint64_t bytes;

	memset(&a, 0, sizeof(a));
	a.max_entries = map->max_entries;
	a.map_extra = map->def->map_extra;
	bloom_geometry(&a, &bctl(map)->nr_hash, &bctl(map)->mask, &bytes);
	bctl(map)->words = bytes / 8;
	return 0;
}

static uint32_t bit_of(struct hive_map *map, const void *value, uint32_t i)
{
	return hive_key_hash(value, map->value_size, map->def->seed + i) & bctl(map)->mask;
}

static int bloom_push(struct hive_map *map, const void *value, uint64_t flags)
{
	_Atomic uint64_t *bits = (_Atomic uint64_t *)map->data;
	uint32_t i;

	if (flags != BPF_ANY)
		return -EINVAL;
	for (i = 0; i < bctl(map)->nr_hash; i++) {
		uint32_t h = bit_of(map, value, i);

		atomic_fetch_or_explicit(&bits[h / 64], 1ull << (h % 64), memory_order_relaxed);
	}
	return 0;
}

static int bloom_peek(struct hive_map *map, void *value)
{
	_Atomic uint64_t *bits = (_Atomic uint64_t *)map->data;
	uint32_t i;

	for (i = 0; i < bctl(map)->nr_hash; i++) {
		uint32_t h = bit_of(map, value, i);

		if (!(atomic_load_explicit(&bits[h / 64], memory_order_relaxed) & (1ull << (h % 64))))
			return -ENOENT;
	}
	return 0;
}

static int bloom_pop(struct hive_map *map, void *value)
{
	return -EOPNOTSUPP;
}

static int bloom_sys_lookup(struct hive_map *map, const void *key, void *value, uint64_t flags)
{
	return bloom_peek(map, value);
}

static int bloom_update(struct hive_map *map, const void *key, const void *value, uint64_t flags,
			bool sys)
{
	return -EINVAL;
}

static int bloom_delete(struct hive_map *map, const void *key)
{
	return -EOPNOTSUPP;
}

static int bloom_get_next_key(struct hive_map *map, const void *key, void *next_key)
{
	return -EOPNOTSUPP;
}

const struct hive_map_ops hive_bloom_ops = {
	.alloc_check = bloom_alloc_check,
	.layout = bloom_layout,
	.init = bloom_init,
	.sys_lookup = bloom_sys_lookup,
	.update = bloom_update,
	.delete = bloom_delete,
	.get_next_key = bloom_get_next_key,
	.push = bloom_push,
	.pop = bloom_pop,
	.peek = bloom_peek,
};
