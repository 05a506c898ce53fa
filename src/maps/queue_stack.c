/*
 * queue_stack.c - BPF_MAP_TYPE_QUEUE (FIFO) and BPF_MAP_TYPE_STACK (LIFO).
 *
 * A ring of max_entries + 1 value slots with head and tail indices under
 * one robust lock, as the kernel's queue_stack_maps.c. No keys: push is an
 * update with a NULL key (BPF_EXIST overwrites the oldest element when
 * full), pop is lookup-and-delete, peek is lookup.
 */
#include <errno.h>
#include <string.h>

#include "core/shm.h"
#include "maps/family.h"

struct qs_ctl {
	hive_mutex_t lock;
	uint32_t head;   /* next slot to write */
	uint32_t tail;   /* oldest element */
	uint32_t size;   /* max_entries + 1 */
};

static bool is_stack(const struct hive_map *map)
{
	return map->map_type == BPF_MAP_TYPE_STACK;
}

/* queue_stack_map_alloc_check() */
static int qs_alloc_check(const union bpf_attr *attr)
{
	if (attr->max_entries == 0 || attr->key_size != 0 || attr->value_size == 0 ||
	    (attr->map_flags & ~map_type_flag_mask(attr->map_type)) ||
	    !map_flags_access_ok(attr->map_flags))
		return -EINVAL;
	if (attr->value_size > HIVE_KMALLOC_MAX_SIZE)
		return -E2BIG;
	return 0;
}

static int qs_layout(const union bpf_attr *attr, struct hive_map_def *def, size_t *payload)
{
	uint64_t data = ((uint64_t)attr->max_entries + 1) * attr->value_size;

	def->ncpus = 1;
	def->data_off = 0;
	def->ctl_off = (data + 63) & ~63ull;
	*payload = def->ctl_off + sizeof(struct qs_ctl);
	if (*payload > (1ull << 36))
		return -ENOMEM;
	return 0;
}

static struct qs_ctl *qctl(struct hive_map *map)
{
	return map->ctl;
}

static int qs_init(struct hive_map *map)
{
	qctl(map)->size = map->max_entries + 1;
	return shm_mutex_init(&qctl(map)->lock);
}

static uint8_t *qslot(struct hive_map *map, uint32_t i)
{
	return map->data + (uint64_t)i * map->value_size;
}

static int qs_push(struct hive_map *map, const void *value, uint64_t flags)
{
	struct qs_ctl *c = qctl(map);
	bool replace = flags & BPF_EXIST;

	if ((flags & BPF_NOEXIST) || flags > BPF_EXIST)
		return -EINVAL;
	shm_lock(&c->lock);
	if ((c->head + 1) % c->size == c->tail) { /* full */
		if (!replace) {
			shm_unlock(&c->lock);
			return -E2BIG;
		}
		/* drop the oldest element */
		if (++c->tail >= c->size)
			c->tail = 0;
	}
	memcpy(qslot(map, c->head), value, map->value_size);
	if (++c->head >= c->size)
		c->head = 0;
	shm_unlock(&c->lock);
	return 0;
}

static int qs_take(struct hive_map *map, void *value, bool del)
{
	struct qs_ctl *c = qctl(map);
	uint32_t i;

	shm_lock(&c->lock);
	if (c->head == c->tail) {
		shm_unlock(&c->lock);
		return -ENOENT;
	}
	if (is_stack(map)) {
		i = c->head ? c->head - 1 : c->size - 1;
		memcpy(value, qslot(map, i), map->value_size);
		if (del)
			c->head = i;
	} else {
		memcpy(value, qslot(map, c->tail), map->value_size);
		if (del && ++c->tail >= c->size)
			c->tail = 0;
	}
	shm_unlock(&c->lock);
	return 0;
}

static int qs_pop(struct hive_map *map, void *value)
{
	return qs_take(map, value, true);
}

static int qs_peek(struct hive_map *map, void *value)
{
	return qs_take(map, value, false);
}

static int qs_update(struct hive_map *map, const void *key, const void *value, uint64_t flags,
		     bool sys)
{
	return -EINVAL;
}

static int qs_delete(struct hive_map *map, const void *key)
{
	return -EINVAL;
}

static int qs_get_next_key(struct hive_map *map, const void *key, void *next_key)
{
	return -EINVAL;
}

const struct hive_map_ops hive_queue_stack_ops = {
	.alloc_check = qs_alloc_check,
	.layout = qs_layout,
	.init = qs_init,
	.update = qs_update,
	.delete = qs_delete,
	.get_next_key = qs_get_next_key,
	.push = qs_push,
	.pop = qs_pop,
	.peek = qs_peek,
};
