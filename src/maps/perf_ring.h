/*
 * perf_ring.h - hive's per-CPU perf buffers: what a PERF_EVENT_ARRAY slot
 * refers to when user space consumes it with hive_perf_buffer__new().
 *
 * The kernel stores perf event fds in the array; bpf_perf_event_output()
 * writes into the event's mmap'ed ring. In hive a perf ring is a map
 * object (BPF_MAP_TYPE_ARRAY, BPF_F_MMAPABLE, value_size 4096, 1 + 2^n
 * entries, named "hive_perf_buf") laid out as the kernel's perf mmap area:
 *   page 0       struct perf_event_mmap_page (data_head, data_tail,
 *                data_offset, data_size as the kernel), and at offset
 *                2048 hive's control block (magic, cpu, futex word, lost
 *                count, producer lock)
 *   pages 1..2^n data: PERF_RECORD_SAMPLE records {perf_event_header,
 *                u32 size, raw bytes padded to 8} and PERF_RECORD_LOST
 *                {perf_event_header, u64 id, u64 lost}, as the kernel's.
 * Storing the ring's map fd in a PERF_EVENT_ARRAY slot stores
 * PERF_RING_TAG | ring id (perf event fds keep the pid<<32 | fd encoding),
 * so producers in any process find the ring by id. The slot holds no
 * reference: when the consumer closes the ring, outputs get -ENOENT, as
 * with a closed perf event in the kernel.
 */
#ifndef HIVE_MAPS_PERF_RING_H
#define HIVE_MAPS_PERF_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/shm.h"
#include "maps/map.h"

#define PERF_RING_MAGIC "HIVEPRB1"
#define PERF_RING_NAME "hive_perf_buf"
#define PERF_RING_PAGE 4096u
#define PERF_RING_CTL_OFF 2048u
#define PERF_RING_TAG (1ull << 63)

struct perf_ring_ctl {
	char magic[8];            /* PERF_RING_MAGIC */
	uint32_t cpu;             /* the CPU the ring is bound to (event->oncpu) */
	_Atomic uint32_t notify;  /* futex word bumped per record */
	_Atomic uint64_t lost;    /* samples dropped since the last LOST record */
	hive_mutex_t lock;        /* producers of this ring */
};

/* Whether @m is a perf ring (shape and magic). */
bool perf_ring_valid(struct hive_map *m);
/* The control block of a perf ring. */
static inline struct perf_ring_ctl *perf_ring_ctl(struct hive_map *m)
{
	return (struct perf_ring_ctl *)(m->data + PERF_RING_CTL_OFF);
}
/* Initialise a freshly created ring array @m bound to @cpu: 0 or -EINVAL. */
int perf_ring_init(struct hive_map *m, uint32_t cpu);
/* For fd_array.c: the slot value for a perf ring map fd @fd: 0, or
 * -EBADF when @fd is not a perf ring. */
int perf_ring_slot_value(int fd, uint64_t *val);

/*
 * bpf_perf_event_output() after the flags check: write one sample of
 * @n1 bytes from @d1 followed by @n2 bytes from @d2 into the ring that
 * slot @index of PERF_EVENT_ARRAY @array refers to (@index
 * BPF_F_CURRENT_CPU: the current CPU). Returns 0, -E2BIG (index out of
 * range), -ENOENT (empty slot, or its ring is gone), -EOPNOTSUPP (the ring
 * is bound to another CPU, or the slot holds a kernel perf event hive
 * cannot write to), -ENOSPC (ring full: the sample is counted as lost).
 */
int perf_ring_output(struct hive_map *array, uint64_t index, const void *d1, uint32_t n1,
		     const void *d2, uint32_t n2);

#endif /* HIVE_MAPS_PERF_RING_H */
