/*
 * ringbuf.c - BPF_MAP_TYPE_RINGBUF and BPF_MAP_TYPE_USER_RINGBUF: creation
 * checks, the producer side of RINGBUF (reserve/commit under one robust
 * lock, as the kernel's spinlock), the consumer side of USER_RINGBUF
 * (user space produces, programs drain), and the map commands (all
 * ENOTSUPP, as in the kernel). See ringbuf.h for the layout.
 */
#include <errno.h>
#include <stdbool.h>
#include <linux/futex.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/shm.h"
#include "maps/family.h"
#include "maps/ringbuf.h"

#define RB_PAGE 4096u
#define RB_MAX_RECORD ((1u << 28) - 1) /* the kernel's RINGBUF_MAX_RECORD_SZ */

struct rb_ctl {
	hive_mutex_t lock;
	_Atomic uint32_t notify;  /* futex word for consumers (producers) */
	_Atomic uint32_t busy;    /* USER_RINGBUF: a drain is running */
};

/* ringbuf_map_alloc() checks */
static int rb_alloc_check(const union bpf_attr *attr)
{
	if (attr->map_flags & ~map_type_flag_mask(attr->map_type))
		return -EINVAL;
	if (attr->key_size || attr->value_size || !is_pow2(attr->max_entries) ||
	    attr->max_entries % RB_PAGE)
		return -EINVAL;
	return 0;
}

static int rb_layout(const union bpf_attr *attr, struct hive_map_def *def, size_t *payload)
{
	uint64_t data = 2ull * attr->max_entries;

	def->ncpus = 1;
	def->data_off = 2 * RB_PAGE;
	def->data_size = 2 * RB_PAGE + data;
	def->ctl_off = 2 * RB_PAGE + data;
	*payload = def->ctl_off + sizeof(struct rb_ctl);
	return 0;
}

static struct rb_ctl *rctl(struct hive_map *map)
{
	return map->ctl;
}

static _Atomic uint64_t *cons_pos(struct hive_map *map)
{
	return (_Atomic uint64_t *)map->base;
}

static _Atomic uint64_t *prod_pos(struct hive_map *map)
{
	return (_Atomic uint64_t *)(map->base + RB_PAGE);
}

static uint64_t *pend_pos(struct hive_map *map)
{
	return (uint64_t *)(map->base + RB_PAGE + 8);
}

static int rb_init(struct hive_map *map)
{
	return shm_mutex_init(&rctl(map)->lock);
}

_Atomic uint32_t *ringbuf_notify_word(struct hive_map *map)
{
	return &rctl(map)->notify;
}

void *ringbuf_reserve(struct hive_map *map, uint64_t size, uint64_t flags)
{
	uint64_t mask = map->max_entries - 1, len, cons, pend, prod, newp;
	_Atomic uint32_t *hdr;

	if (map->map_type != BPF_MAP_TYPE_RINGBUF || flags || size > RB_MAX_RECORD)
		return NULL;
	len = (size + HIVE_RINGBUF_HDR_SZ + 7) & ~7ull;
	if (len > map->max_entries)
		return NULL;
	cons = atomic_load_explicit(cons_pos(map), memory_order_acquire);
	shm_lock(&rctl(map)->lock);
	pend = *pend_pos(map);
	prod = atomic_load_explicit(prod_pos(map), memory_order_relaxed);
	newp = prod + len;
	/* skip committed records to find the oldest one still busy */
	while (pend < prod) {
		uint32_t l = atomic_load((_Atomic uint32_t *)(map->data + (pend & mask)));

		if (l & HIVE_RINGBUF_BUSY_BIT)
			break;
		pend += ((l & ~HIVE_RINGBUF_DISCARD_BIT) + HIVE_RINGBUF_HDR_SZ + 7) & ~7ull;
	}
	*pend_pos(map) = pend;
	if (newp - cons > mask || newp - pend > mask) {
		shm_unlock(&rctl(map)->lock);
		return NULL;
	}
	hdr = (_Atomic uint32_t *)(map->data + (prod & mask));
	atomic_store_explicit(hdr, (uint32_t)size | HIVE_RINGBUF_BUSY_BIT, memory_order_relaxed);
	/* pg_off: pages from the start of the ring (kernel: from its struct) */
	((uint32_t *)hdr)[1] = (uint32_t)(((uint8_t *)hdr - map->base) / RB_PAGE);
	atomic_store_explicit(prod_pos(map), newp, memory_order_release);
	shm_unlock(&rctl(map)->lock);
	return (uint8_t *)hdr + HIVE_RINGBUF_HDR_SZ;
}

void ringbuf_commit(struct hive_map *map, void *sample, uint64_t flags, int discard)
{
	_Atomic uint32_t *hdr = (_Atomic uint32_t *)((uint8_t *)sample - HIVE_RINGBUF_HDR_SZ);
	uint32_t len = atomic_load(hdr) ^ HIVE_RINGBUF_BUSY_BIT;

	if (discard)
		len |= HIVE_RINGBUF_DISCARD_BIT;
	atomic_exchange(hdr, len);
	if (!(flags & BPF_RB_NO_WAKEUP)) {
		atomic_fetch_add(&rctl(map)->notify, 1);
		syscall(SYS_futex, &rctl(map)->notify, FUTEX_WAKE, 0x7fffffff, NULL, NULL, 0);
	}
}

int ringbuf_output(struct hive_map *map, const void *data, uint64_t size, uint64_t flags)
{
	void *p;

	if (flags & ~(uint64_t)(BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP))
		return -EINVAL;
	p = ringbuf_reserve(map, size, 0);
	if (!p)
		return -EAGAIN;
	memcpy(p, data, size);
	ringbuf_commit(map, p, flags, 0);
	return 0;
}

uint64_t ringbuf_query(struct hive_map *map, uint64_t flags)
{
	uint64_t c = atomic_load(cons_pos(map)), p = atomic_load(prod_pos(map));

	switch (flags) {
	case BPF_RB_AVAIL_DATA:
		return p - c;
	case BPF_RB_RING_SIZE:
		return map->max_entries;
	case BPF_RB_CONS_POS:
		return c;
	case BPF_RB_PROD_POS:
		return p;
	default:
		return 0;
	}
}

/* ---- USER_RINGBUF: the consumer side, for bpf_user_ringbuf_drain() ----- */

/* __bpf_user_ringbuf_peek() */
int user_ringbuf_peek(struct hive_map *map, void **sample, uint32_t *size)
{
	uint64_t mask = map->max_entries - 1, prod, cons, total;
	uint32_t hdr, len;

	if (map->map_type != BPF_MAP_TYPE_USER_RINGBUF)
		return -EINVAL;
	prod = atomic_load_explicit(prod_pos(map), memory_order_acquire);
	if (prod % 8)
		return -EINVAL;
	cons = atomic_load_explicit(cons_pos(map), memory_order_acquire);
	if (cons >= prod)
		return -ENODATA;
	hdr = atomic_load_explicit((_Atomic uint32_t *)(map->data + (cons & mask)),
				   memory_order_acquire);
	len = hdr & ~(HIVE_RINGBUF_BUSY_BIT | HIVE_RINGBUF_DISCARD_BIT);
	total = ((uint64_t)len + HIVE_RINGBUF_HDR_SZ + 7) & ~7ull;
	if (total > prod - cons)
		return -EINVAL;
	if (total > map->max_entries || len > RB_MAX_RECORD)
		return -E2BIG;
	if (hdr & HIVE_RINGBUF_DISCARD_BIT) {
		/* skipped: the caller tries the next one */
		atomic_store_explicit(cons_pos(map), cons + total, memory_order_release);
		return -EAGAIN;
	}
	if (hdr & HIVE_RINGBUF_BUSY_BIT)
		return -ENODATA;
	*sample = map->data + ((cons + HIVE_RINGBUF_HDR_SZ) & mask);
	*size = len;
	return 0;
}

/* __bpf_user_ringbuf_sample_release(): consume the sample peeked last. */
void user_ringbuf_release(struct hive_map *map, uint32_t size, uint64_t flags)
{
	uint64_t cons = atomic_load(cons_pos(map));
	uint64_t total = ((uint64_t)size + HIVE_RINGBUF_HDR_SZ + 7) & ~7ull;

	atomic_store_explicit(cons_pos(map), cons + total, memory_order_release);
	if (!(flags & BPF_RB_NO_WAKEUP)) {
		atomic_fetch_add(&rctl(map)->notify, 1);
		syscall(SYS_futex, &rctl(map)->notify, FUTEX_WAKE, 0x7fffffff, NULL, NULL, 0);
	}
}

/* One drainer at a time, as the kernel's rb->busy. */
bool user_ringbuf_try_lock(struct hive_map *map)
{
	uint32_t zero = 0;

	return atomic_compare_exchange_strong(&rctl(map)->busy, &zero, 1);
}

void user_ringbuf_unlock(struct hive_map *map)
{
	atomic_store(&rctl(map)->busy, 0);
}

static int rb_sys_lookup(struct hive_map *map, const void *key, void *value, uint64_t flags)
{
	return -HIVE_ENOTSUPP;
}

static int rb_update(struct hive_map *map, const void *key, const void *value, uint64_t flags,
		     bool sys)
{
	return -HIVE_ENOTSUPP;
}

static int rb_delete(struct hive_map *map, const void *key)
{
	return -HIVE_ENOTSUPP;
}

static int rb_get_next_key(struct hive_map *map, const void *key, void *next_key)
{
	return -HIVE_ENOTSUPP;
}

const struct hive_map_ops hive_ringbuf_ops = {
	.alloc_check = rb_alloc_check,
	.layout = rb_layout,
	.init = rb_init,
	.sys_lookup = rb_sys_lookup,
	.update = rb_update,
	.delete = rb_delete,
	.get_next_key = rb_get_next_key,
};
