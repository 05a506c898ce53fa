/*
 * stack_trace.c - BPF_MAP_TYPE_STACK_TRACE: stack ids -> arrays of
 * instruction pointers, filled by bpf_get_stackid() (stack_map_store) and
 * read from user space. n_buckets = roundup_pow_of_two(max_entries)
 * slots; a trace goes to slot jhash2(ips) & (n_buckets - 1) as in the
 * kernel's stackmap.c. Slots are written under one robust lock and read
 * with the slot's sequence counter.
 */
#include <errno.h>
#include <string.h>

#include "core/shm.h"
#include "maps/family.h"

struct st_slot {
	_Atomic uint32_t seq;
	uint32_t nr;         /* 0: empty */
	uint32_t hash;
	uint32_t pad;
	uint64_t ips[];
};

struct st_ctl {
	hive_mutex_t lock;
	uint32_t count;
	uint32_t slot_size;
};

#define BUILD_ID_SIZE 32u /* sizeof(struct bpf_stack_build_id) */

static int st_alloc_check(const union bpf_attr *attr)
{
	uint32_t vs = attr->value_size;

	if (attr->map_flags & ~map_type_flag_mask(attr->map_type))
		return -EINVAL;
	if (attr->max_entries == 0 || attr->key_size != 4 || vs < 8 || vs % 8)
		return -EINVAL;
	if (attr->map_flags & BPF_F_STACK_BUILD_ID) {
		if (vs % BUILD_ID_SIZE || vs / BUILD_ID_SIZE > HIVE_PERF_MAX_STACK)
			return -EINVAL;
	} else if (vs / 8 > HIVE_PERF_MAX_STACK) {
		return -EINVAL;
	}
	if (attr->max_entries > (1u << 31))
		return -E2BIG;
	return 0;
}

static int st_layout(const union bpf_attr *attr, struct hive_map_def *def, size_t *payload)
{
	uint64_t nb = roundup_pow2(attr->max_entries);
	uint64_t ss = sizeof(struct st_slot) + attr->value_size;

	def->ncpus = 1;
	def->n_buckets = (uint32_t)nb;
	def->data_off = 0;
	def->ctl_off = nb * ss;
	*payload = def->ctl_off + sizeof(struct st_ctl);
	if (*payload > (1ull << 36))
		return -ENOMEM;
	return 0;
}

static struct st_ctl *sctl(struct hive_map *map)
{
	return map->ctl;
}

static struct st_slot *st_slot_at(struct hive_map *map, uint32_t id)
{
	return (struct st_slot *)(map->data + (uint64_t)id * sctl(map)->slot_size);
}

static int st_init(struct hive_map *map)
{
	sctl(map)->slot_size = sizeof(struct st_slot) + map->value_size;
	return shm_mutex_init(&sctl(map)->lock);
}

static int st_sys_lookup(struct hive_map *map, const void *key, void *value, uint64_t flags)
{
	struct st_slot *s;
	uint32_t id, seq, nr;

	memcpy(&id, key, 4);
	if (id >= map->def->n_buckets)
		return -ENOENT;
	s = st_slot_at(map, id);
	do {
		seq = seq_read_begin(&s->seq);
		nr = s->nr;
		if (nr > map->value_size / 8)
			nr = map->value_size / 8;
		if (nr) {
			memcpy(value, s->ips, (size_t)nr * 8);
			memset((uint8_t *)value + (size_t)nr * 8, 0, map->value_size - (size_t)nr * 8);
		}
	} while (seq_read_retry(&s->seq, seq));
	return nr ? 0 : -ENOENT;
}

/* Empty slot @s (lock held); returns 0 or -ENOENT when already empty. */
static int slot_clear(struct hive_map *map, struct st_slot *s)
{
	if (!s->nr)
		return -ENOENT;
	seq_write_begin(&s->seq);
	s->nr = 0;
	seq_write_end(&s->seq);
	sctl(map)->count--;
	return 0;
}

/* bpf_stackmap_extract(..., delete = true) */
static int st_lookup_and_delete(struct hive_map *map, const void *key, void *value,
				uint64_t flags)
{
	uint32_t id;
	int err;

	memcpy(&id, key, 4);
	if (id >= map->def->n_buckets)
		return -ENOENT;
	shm_lock(&sctl(map)->lock);
	err = st_sys_lookup(map, key, value, 0);
	if (!err)
		err = slot_clear(map, st_slot_at(map, id));
	shm_unlock(&sctl(map)->lock);
	return err;
}

static int st_update(struct hive_map *map, const void *key, const void *value, uint64_t flags,
		     bool sys)
{
	return -EINVAL;
}

static int st_delete(struct hive_map *map, const void *key)
{
	uint32_t id;
	int err;

	memcpy(&id, key, 4);
	if (id >= map->def->n_buckets)
		return -E2BIG;
	shm_lock(&sctl(map)->lock);
	err = slot_clear(map, st_slot_at(map, id));
	shm_unlock(&sctl(map)->lock);
	return err;
}

static int st_get_next_key(struct hive_map *map, const void *key, void *next_key)
{
	uint32_t id = 0, nb = map->def->n_buckets;

	if (key) {
		memcpy(&id, key, 4);
		if (id >= nb || !st_slot_at(map, id)->nr)
			id = 0;
		else
			id++;
	}
	while (id < nb && !st_slot_at(map, id)->nr)
		id++;
	if (id >= nb)
		return -ENOENT;
	memcpy(next_key, &id, 4);
	return 0;
}

/*
 * bpf_get_stackid() storage: @ips[0..nr) (already skipped as the flags
 * asked). Returns the stack id, -EEXIST when another trace holds the slot
 * (without BPF_F_REUSE_STACKID), -ENOMEM when max_entries traces are held.
 */
int stack_map_store(struct hive_map *map, const uint64_t *ips, uint32_t nr, uint64_t flags)
{
	uint32_t hash, id, max = map->value_size / 8;
	struct st_slot *s;
	int ret;

	if (map->map_type != BPF_MAP_TYPE_STACK_TRACE)
		return -EINVAL;
	if (nr > max)
		nr = max;
	if (!nr)
		return -EFAULT;
	hash = hive_jhash2(ips, nr * 2, 0);
	id = hash & (map->def->n_buckets - 1);
	s = st_slot_at(map, id);
	shm_lock(&sctl(map)->lock);
	if (s->nr && s->hash == hash && s->nr == nr && !memcmp(s->ips, ips, (size_t)nr * 8)) {
		ret = (int)id;
	} else if (s->nr && !(flags & BPF_F_REUSE_STACKID)) {
		ret = -EEXIST;
	} else if (!s->nr && sctl(map)->count >= map->max_entries) {
		ret = -ENOMEM;
	} else {
		if (!s->nr)
			sctl(map)->count++;
		seq_write_begin(&s->seq);
		s->nr = nr;
		s->hash = hash;
		memcpy(s->ips, ips, (size_t)nr * 8);
		seq_write_end(&s->seq);
		ret = (int)id;
	}
	shm_unlock(&sctl(map)->lock);
	return ret;
}

const struct hive_map_ops hive_stack_trace_ops = {
	.alloc_check = st_alloc_check,
	.layout = st_layout,
	.init = st_init,
	.sys_lookup = st_sys_lookup,
	.update = st_update,
	.delete = st_delete,
	.get_next_key = st_get_next_key,
	.lookup_and_delete = st_lookup_and_delete,
};
