/*
 * perf_ring.c - the producer side of hive's perf buffers (perf_ring.h):
 * finding the ring a PERF_EVENT_ARRAY slot refers to and writing records
 * into it as the kernel's perf_output_begin/perf_output_end do.
 */
#include <errno.h>
#include <linux/futex.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/obj.h"
#include "maps/family.h"
#include "maps/perf_ring.h"

_Static_assert(sizeof(struct perf_event_mmap_page) <= PERF_RING_CTL_OFF,
	       "control block after the mmap page");
_Static_assert(PERF_RING_CTL_OFF + sizeof(struct perf_ring_ctl) <= PERF_RING_PAGE,
	       "control block in page 0");

struct lost_record {
	struct perf_event_header header;
	uint64_t id;
	uint64_t lost;
};

bool perf_ring_valid(struct hive_map *m)
{
	uint32_t pages = m->max_entries - 1;

	return m->map_type == BPF_MAP_TYPE_ARRAY && (m->map_flags & BPF_F_MMAPABLE) &&
	       m->value_size == PERF_RING_PAGE && m->max_entries >= 2 &&
	       !(pages & (pages - 1)) &&
	       !memcmp(perf_ring_ctl(m)->magic, PERF_RING_MAGIC, 8);
}

int perf_ring_init(struct hive_map *m, uint32_t cpu)
{
	struct perf_event_mmap_page *pg = (struct perf_event_mmap_page *)m->data;
	struct perf_ring_ctl *c = perf_ring_ctl(m);
	int err;

	if (m->map_type != BPF_MAP_TYPE_ARRAY || !(m->map_flags & BPF_F_MMAPABLE) ||
	    m->value_size != PERF_RING_PAGE || m->max_entries < 2)
		return -EINVAL;
	pg->version = 0;
	pg->compat_version = 0;
	pg->data_offset = PERF_RING_PAGE;
	pg->data_size = (uint64_t)(m->max_entries - 1) * PERF_RING_PAGE;
	c->cpu = cpu;
	err = shm_mutex_init(&c->lock);
	if (err)
		return err;
	memcpy(c->magic, PERF_RING_MAGIC, 8);
	return 0;
}

int perf_ring_slot_value(int fd, uint64_t *val)
{
	struct hive_map *m;
	int ok;

	if (map_from_fd(fd, &m))
		return -EBADF;
	ok = perf_ring_valid(m);
	if (ok)
		*val = PERF_RING_TAG | m->obj.id;
	obj_put(&m->obj);
	return ok ? 0 : -EBADF;
}

/* Copy @n bytes to ring offset @pos, wrapping at the end of the data. */
static void put(uint8_t *data, uint64_t size, uint64_t pos, const void *src, uint32_t n)
{
	uint64_t off = pos & (size - 1);
	uint64_t first = size - off < n ? size - off : n;

	if (!n)
		return; /* src may be NULL (no ctx bytes) */
	memcpy(data + off, src, first);
	memcpy(data, (const uint8_t *)src + first, n - first);
}

/* Write the record(s) under the ring's lock: 0 or -ENOSPC. */
static int write_sample(struct hive_map *ring, const void *d1, uint32_t n1, const void *d2,
			uint32_t n2)
{
	struct perf_event_mmap_page *pg = (struct perf_event_mmap_page *)ring->data;
	struct perf_ring_ctl *c = perf_ring_ctl(ring);
	uint8_t *data = ring->data + PERF_RING_PAGE;
	uint64_t size = (uint64_t)(ring->max_entries - 1) * PERF_RING_PAGE;
	/* perf_prepare_sample(): the raw part is padded so the record is u64-aligned */
	uint32_t raw = (uint32_t)((((uint64_t)n1 + n2 + 4 + 7) & ~7ull) - 4);
	uint64_t need = sizeof(struct perf_event_header) + 4ull + raw;
	static const uint8_t zeros[8];
	struct perf_event_header h = { PERF_RECORD_SAMPLE, 0, (uint16_t)need };
	struct lost_record lr;
	uint64_t head, tail, lost;

	if (need > 0xffff)
		return -E2BIG; /* does not fit perf_event_header.size */
	shm_lock(&c->lock);
	head = __atomic_load_n(&pg->data_head, __ATOMIC_RELAXED);
	tail = __atomic_load_n(&pg->data_tail, __ATOMIC_ACQUIRE);
	if (tail > head || head - tail > size)
		tail = head - size; /* a corrupt consumer position: ring taken as full */
	lost = atomic_load(&c->lost);
	if (size - (head - tail) < need + (lost ? sizeof(lr) : 0)) {
		atomic_fetch_add(&c->lost, 1);
		shm_unlock(&c->lock);
		return -ENOSPC;
	}
	if (lost) {
		/* perf_output_begin(): the LOST record goes before the sample */
		lr.header.type = PERF_RECORD_LOST;
		lr.header.misc = 0;
		lr.header.size = sizeof(lr);
		lr.id = 0;
		lr.lost = lost;
		put(data, size, head, &lr, sizeof(lr));
		head += sizeof(lr);
		atomic_fetch_sub(&c->lost, lost);
	}
	put(data, size, head, &h, sizeof(h));
	put(data, size, head + 8, &raw, 4);
	put(data, size, head + 12, d1, n1);
	put(data, size, head + 12 + n1, d2, n2);
	put(data, size, head + 12 + n1 + n2, zeros, raw - n1 - n2);
	__atomic_store_n(&pg->data_head, head + need, __ATOMIC_RELEASE);
	shm_unlock(&c->lock);
	/* wakeup_events = 1, as libbpf opens its events: wake per sample */
	atomic_fetch_add(&c->notify, 1);
	syscall(SYS_futex, &c->notify, FUTEX_WAKE, 0x7fffffff, NULL, NULL, 0);
	return 0;
}

int perf_ring_output(struct hive_map *array, uint64_t index, const void *d1, uint32_t n1,
		     const void *d2, uint32_t n2)
{
	int cpu = sched_getcpu(), pid, fd, err;
	struct hive_map *ring;

	if (cpu < 0)
		cpu = 0;
	if (index == BPF_F_CURRENT_CPU)
		index = (uint32_t)cpu;
	if (index >= array->max_entries)
		return -E2BIG;
	if (perf_array_get(array, (uint32_t)index, &pid, &fd))
		return -ENOENT;
	if (pid >= 0)
		return -EOPNOTSUPP; /* a kernel perf event: hive cannot write into it */
	ring = inner_resolve((uint32_t)fd);
	if (!ring)
		return -ENOENT; /* the consumer closed it */
	if (!perf_ring_valid(ring)) {
		err = -ENOENT;
		goto out;
	}
	/* __bpf_perf_event_output(): event->oncpu != smp_processor_id() */
	if (perf_ring_ctl(ring)->cpu != (uint32_t)cpu) {
		err = -EOPNOTSUPP;
		goto out;
	}
	err = write_sample(ring, d1, n1, d2, n2);
out:
	obj_put(&ring->obj);
	return err;
}
