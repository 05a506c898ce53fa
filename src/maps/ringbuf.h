/*
 * ringbuf.h - the BPF ring buffer (BPF_MAP_TYPE_RINGBUF) for the helpers
 * (bpf_ringbuf_reserve/submit/discard/output/query) and for consumers.
 *
 * File layout, as the kernel's mmap layout of a ring buffer map:
 *   0              consumer page: u64 consumer_pos (user space writes it)
 *   4096           producer page: u64 producer_pos, u64 pending_pos
 *   8192           data, max_entries bytes, followed by a second
 *                  max_entries bytes where records that wrap continue
 *                  (the kernel maps the data pages twice; here the file
 *                  holds the room, so a record is always contiguous)
 * Records: an 8-byte header {u32 len | BUSY | DISCARD, u32 pg_off} then
 * the sample, rounded up to 8 bytes. A consumer reads records at
 * consumer_pos & (max_entries - 1) exactly as with the kernel
 * (mmap(fd, 0, 4096) for the consumer page, mmap(fd, 4096, 4096 + 2 *
 * max_entries) for the rest).
 */
#ifndef HIVE_MAPS_RINGBUF_H
#define HIVE_MAPS_RINGBUF_H

#include <stdbool.h>
#include <stdint.h>

#include "maps/map.h"

#define HIVE_RINGBUF_BUSY_BIT    (1u << 31)
#define HIVE_RINGBUF_DISCARD_BIT (1u << 30)
#define HIVE_RINGBUF_HDR_SZ      8u

/* bpf_ringbuf_reserve(): a pointer to @size writable bytes, or NULL. */
void *ringbuf_reserve(struct hive_map *map, uint64_t size, uint64_t flags);
/* bpf_ringbuf_submit/discard(): commit a reserved sample. */
void ringbuf_commit(struct hive_map *map, void *sample, uint64_t flags, int discard);
/* bpf_ringbuf_output(): reserve + copy + submit. 0 or -EAGAIN/-EINVAL. */
int ringbuf_output(struct hive_map *map, const void *data, uint64_t size, uint64_t flags);
/* bpf_ringbuf_query() */
uint64_t ringbuf_query(struct hive_map *map, uint64_t flags);
/* Consumers: futex word bumped on every wakeup-worthy commit. */
_Atomic uint32_t *ringbuf_notify_word(struct hive_map *map);

/*
 * BPF_MAP_TYPE_USER_RINGBUF (same layout; user space produces with the
 * kernel's protocol: reserve at producer_pos, write the header with the
 * BUSY bit, clear it to commit, advance producer_pos). For
 * bpf_user_ringbuf_drain(): take the drain lock (else -EBUSY), then peek
 * and release samples until peek says -ENODATA; -EAGAIN means a discarded
 * sample was skipped (peek again).
 */
bool user_ringbuf_try_lock(struct hive_map *map);
void user_ringbuf_unlock(struct hive_map *map);
/* The next sample: 0 with *sample and *size set, -ENODATA (none, or busy),
 * -EAGAIN (discarded one skipped), -EINVAL/-E2BIG (corrupt producer). */
int user_ringbuf_peek(struct hive_map *map, void **sample, uint32_t *size);
/* Consume the sample just peeked; wakes producers unless BPF_RB_NO_WAKEUP. */
void user_ringbuf_release(struct hive_map *map, uint32_t size, uint64_t flags);

#endif /* HIVE_MAPS_RINGBUF_H */
