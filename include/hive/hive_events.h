/*
 * hive_events.h - user-space consumers of what programs emit: records of
 * BPF_MAP_TYPE_RINGBUF maps (in the style of libbpf's ring_buffer__*) and
 * the trace log that bpf_trace_printk() writes, and per-CPU perf buffers
 * of BPF_MAP_TYPE_PERF_EVENT_ARRAY maps that bpf_perf_event_output() fills
 * (in the style of libbpf's perf_buffer__*).
 *
 * Producers may run in any process that has the map: consumers learn about
 * new records through a descriptor that works with poll/epoll
 * (hive_ring_buffer__epoll_fd), so an event loop can wait on hive maps and
 * sockets alike.
 *
 * Ownership: the objects returned by *__new / hive_tracelog_open belong to
 * the caller and are freed by *__free / hive_tracelog_close (NULL is fine).
 * They keep their own references to the maps; the map fds may be closed.
 * Threads: one consumer object is used by one thread at a time.
 */
#ifndef HIVE_EVENTS_H
#define HIVE_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "hive.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- ring buffers (BPF_MAP_TYPE_RINGBUF) ------------------------------- */

/**
 * Called once per committed record, in order. Return 0 to go on; a
 * non-zero value stops the current poll/consume, which returns it.
 */
typedef int (*hive_ring_buffer_sample_fn)(void *ctx, void *data, size_t size);

struct hive_ring_buffer;

/** Options of hive_ring_buffer__new; fill with HIVE_RING_BUFFER_OPTS(). */
struct hive_ring_buffer_opts {
	size_t sz; /**< sizeof(struct hive_ring_buffer_opts) */
};
#define HIVE_RING_BUFFER_OPTS(name, ...) \
	struct hive_ring_buffer_opts name = { .sz = sizeof(struct hive_ring_buffer_opts), __VA_ARGS__ }

/**
 * @brief Consume ring buffer map @p map_fd, calling @p fn(@p ctx, ...) per record.
 * @param opts NULL or options.
 * @return a consumer, or NULL with errno (EINVAL: not a ring buffer map).
 */
HIVE_API struct hive_ring_buffer *hive_ring_buffer__new(int map_fd, hive_ring_buffer_sample_fn fn,
							 void *ctx,
							 const struct hive_ring_buffer_opts *opts);
/** @brief Add another ring buffer map to the same consumer. @return 0 or -errno. */
HIVE_API int hive_ring_buffer__add(struct hive_ring_buffer *rb, int map_fd,
				   hive_ring_buffer_sample_fn fn, void *ctx);
/**
 * @brief Wait up to @p timeout_ms (-1: forever) for records, then consume them.
 * @return records consumed (>= 0), the callback's non-zero value, or -errno
 *   (-EINTR when a signal interrupted the wait).
 */
HIVE_API int hive_ring_buffer__poll(struct hive_ring_buffer *rb, int timeout_ms);
/** @brief Consume what is there without waiting. @return as __poll. */
HIVE_API int hive_ring_buffer__consume(struct hive_ring_buffer *rb);
/** @brief A descriptor that becomes readable when records may be available. */
HIVE_API int hive_ring_buffer__epoll_fd(const struct hive_ring_buffer *rb);
HIVE_API void hive_ring_buffer__free(struct hive_ring_buffer *rb);

/* ---- perf buffers (BPF_MAP_TYPE_PERF_EVENT_ARRAY) ---------------------- */

/** Called per sample with the CPU of its buffer and the raw bytes (the
 * size is padded as the kernel's: 4 + size is a multiple of 8). */
typedef void (*hive_perf_buffer_sample_fn)(void *ctx, int cpu, void *data, uint32_t size);
/** Called when a buffer reports @p cnt samples dropped because it was full. */
typedef void (*hive_perf_buffer_lost_fn)(void *ctx, int cpu, uint64_t cnt);

struct hive_perf_buffer;

/** Options of hive_perf_buffer__new; fill with HIVE_PERF_BUFFER_OPTS(). */
struct hive_perf_buffer_opts {
	size_t sz; /**< sizeof(struct hive_perf_buffer_opts) */
};
#define HIVE_PERF_BUFFER_OPTS(name, ...) \
	struct hive_perf_buffer_opts name = { .sz = sizeof(struct hive_perf_buffer_opts), __VA_ARGS__ }

/**
 * @brief Consume perf event array @p map_fd: one buffer of @p page_cnt data
 * pages per possible CPU (at most max_entries), stored in slot <cpu> of
 * the map as libbpf stores its perf event fds. Each buffer is a hive map
 * object (an mmapable array named "hive_perf_buf", see docs/helpers.md)
 * that bpf_perf_event_output() in any process writes to. As with the
 * kernel, the slots belong to the handle @p map_fd: closing it (its last
 * dup) empties them, so keep it open while consuming.
 * @param page_cnt data pages per CPU, a power of 2.
 * @param sample_cb called per sample (required); @p lost_cb per LOST
 *   report (may be NULL).
 * @param opts NULL or options.
 * @return a consumer, or NULL with errno (EINVAL: not a perf event array,
 *   bad page_cnt or callback; EBADF; ENOMEM...).
 */
HIVE_API struct hive_perf_buffer *hive_perf_buffer__new(int map_fd, size_t page_cnt,
							 hive_perf_buffer_sample_fn sample_cb,
							 hive_perf_buffer_lost_fn lost_cb, void *ctx,
							 const struct hive_perf_buffer_opts *opts);
/**
 * @brief Wait up to @p timeout_ms (-1: forever) for records, then consume them.
 * @return records handled (samples and LOST reports, >= 0), or -errno
 *   (-EINTR when a signal interrupted the wait; -EINVAL on a corrupt buffer,
 *   which is then reset).
 */
HIVE_API int hive_perf_buffer__poll(struct hive_perf_buffer *pb, int timeout_ms);
/** @brief Consume every buffer without waiting. @return as __poll. */
HIVE_API int hive_perf_buffer__consume(struct hive_perf_buffer *pb);
/** @brief A descriptor that becomes readable when records may be available. */
HIVE_API int hive_perf_buffer__epoll_fd(const struct hive_perf_buffer *pb);
/** @brief Number of per-CPU buffers. */
HIVE_API size_t hive_perf_buffer__buffer_cnt(const struct hive_perf_buffer *pb);
/** @brief Empty the map slots that still refer to this consumer's buffers
 * and free it (NULL is fine). */
HIVE_API void hive_perf_buffer__free(struct hive_perf_buffer *pb);

/* ---- trace log (bpf_trace_printk) ---------------------------------------- */

struct hive_tracelog;

/**
 * @brief Open the trace log of the hive filesystem (HIVE_FS, ...).
 * @return a reader, or NULL with errno.
 */
HIVE_API struct hive_tracelog *hive_tracelog_open(void);
/**
 * @brief Take the next line, formatted as the kernel's trace_pipe:
 * `<comm>-<pid> [<cpu>] <flags> <sec>.<usec>: bpf_trace_printk: <text>`.
 * Lines are consumed: each goes to one reader, as with trace_pipe.
 * @param buf receives the line with its newline, NUL-terminated (cut to fit).
 * @param timeout_ms -1 waits forever, 0 does not wait.
 * @return the line's length, 0 when nothing came in time, or -errno.
 */
HIVE_API int hive_tracelog_read(struct hive_tracelog *t, char *buf, size_t size, int timeout_ms);
HIVE_API void hive_tracelog_close(struct hive_tracelog *t);

#ifdef __cplusplus
}
#endif
#endif /* HIVE_EVENTS_H */
