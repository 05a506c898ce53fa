/*
 * events.c - the ring buffer consumer (hive_ring_buffer__*), libbpf's
 * ring_buffer__* for hive's BPF_MAP_TYPE_RINGBUF maps.
 *
 * The map's file has the kernel's layout (maps/ringbuf.h): consumer page,
 * producer page, data. The consumer reads records from consumer_pos up to
 * producer_pos, stops at a record still BUSY, skips DISCARDed ones and
 * publishes the new consumer_pos with release ordering, exactly as a
 * kernel ring buffer consumer does over mmap.
 *
 * Wakeups: producers (in any process) bump a futex word of the map on
 * commit. One watcher thread per consumer waits on those words and turns
 * a change into an eventfd tick: that eventfd is the epoll descriptor.
 * The watcher (ev_watch_*, events.h) is shared with the perf buffer
 * consumer (perf_buffer.c).
 */
#include <errno.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/events.h"
#include "hive/hive_events.h"
#include "maps/ringbuf.h"
#include "util/util.h"

#define RB_PAGE 4096u
#define WATCH_SLICE_NS 50000000l /* futex wait slice: re-check stop and other rings */

struct ring {
	struct hive_map *map;
	hive_ring_buffer_sample_fn fn;
	void *ctx;
	_Atomic uint64_t *cons, *prod;
	uint8_t *data;
	uint64_t mask;
};

struct hive_ring_buffer {
	struct ring *rings;
	uint32_t nrings;
	struct ev_watch w;
};

/* ---- the watcher (shared with perf buffers, see events.h) ---------------- */

static void *watch(void *arg)
{
	struct ev_watch *w = arg;

	while (!atomic_load(&w->stop)) {
		pthread_mutex_lock(&w->lock);
		uint32_t n = w->n;
		for (uint32_t i = 0; i < n; i++) {
			_Atomic uint32_t *word = w->words[i];
			uint32_t v = atomic_load(word);
			struct timespec ts = { 0, WATCH_SLICE_NS / (long)n };

			if (v != w->seen[i]) {
				uint64_t one = 1;

				w->seen[i] = v;
				if (write(w->efd, &one, sizeof(one)) < 0)
					hive_pr_debug("events: eventfd write failed\n");
				continue;
			}
			pthread_mutex_unlock(&w->lock);
			/* shared futex: producers in other processes wake it */
			syscall(SYS_futex, word, FUTEX_WAIT, v, &ts, NULL, 0);
			pthread_mutex_lock(&w->lock);
			if (n != w->n)
				break;
		}
		pthread_mutex_unlock(&w->lock);
		if (!n) {
			struct timespec ts = { 0, WATCH_SLICE_NS };

			nanosleep(&ts, NULL);
		}
	}
	return NULL;
}

int ev_watch_init(struct ev_watch *w)
{
	memset(w, 0, sizeof(*w));
	w->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->efd < 0)
		return -errno;
	pthread_mutex_init(&w->lock, NULL);
	return 0;
}

int ev_watch_add(struct ev_watch *w, _Atomic uint32_t *word)
{
	_Atomic uint32_t **words;
	uint32_t *seen;
	int err = 0;

	pthread_mutex_lock(&w->lock);
	words = realloc(w->words, (w->n + 1) * sizeof(*words));
	if (words)
		w->words = words;
	seen = realloc(w->seen, (w->n + 1) * sizeof(*seen));
	if (seen)
		w->seen = seen;
	if (words && seen) {
		w->words[w->n] = word;
		w->seen[w->n] = atomic_load(word);
		w->n++;
	} else {
		err = -ENOMEM;
	}
	pthread_mutex_unlock(&w->lock);
	return err;
}

int ev_watch_start(struct ev_watch *w)
{
	int err = -pthread_create(&w->thread, NULL, watch, w);

	if (!err)
		w->running = true;
	return err;
}

void ev_watch_drain(struct ev_watch *w)
{
	uint64_t ticks;

	if (read(w->efd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		hive_pr_debug("events: eventfd read failed\n");
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int ev_watch_poll(struct ev_watch *w, int timeout_ms, int (*consume)(void *arg), void *arg)
{
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	struct pollfd pfd;
	int n;

	for (;;) {
		int wait;

		n = consume(arg);
		if (n)
			return n;
		wait = deadline < 0 ? -1 : (int)(deadline - now_ms());
		if (deadline >= 0 && wait <= 0)
			return 0;
		pfd.fd = w->efd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, wait) < 0)
			return -errno;
	}
}

void ev_watch_fini(struct ev_watch *w)
{
	atomic_store(&w->stop, true);
	if (w->running) {
		/* wake the watcher: bump nothing, just wake our own waiters */
		for (uint32_t i = 0; i < w->n; i++)
			syscall(SYS_futex, w->words[i], FUTEX_WAKE, 0x7fffffff, NULL, NULL, 0);
		pthread_join(w->thread, NULL);
		w->running = false;
	}
	free(w->words);
	free(w->seen);
	w->words = NULL;
	w->seen = NULL;
	w->n = 0;
	if (w->efd >= 0)
		close(w->efd);
	w->efd = -1;
	pthread_mutex_destroy(&w->lock);
}

/* ---- ring buffers ---------------------------------------------------------- */

static int ring_init(struct ring *r, int map_fd, hive_ring_buffer_sample_fn fn, void *ctx)
{
	struct hive_map *m;
	int err = map_from_fd(map_fd, &m);

	if (err)
		return err == -EBADF ? -EBADF : -EINVAL;
	if (m->map_type != BPF_MAP_TYPE_RINGBUF) {
		obj_put(&m->obj);
		return -EINVAL;
	}
	r->map = m;
	r->fn = fn;
	r->ctx = ctx;
	r->cons = (_Atomic uint64_t *)m->base;
	r->prod = (_Atomic uint64_t *)(m->base + RB_PAGE);
	r->data = m->data;
	r->mask = m->max_entries - 1ull;
	return 0;
}

int hive_ring_buffer__add(struct hive_ring_buffer *rb, int map_fd, hive_ring_buffer_sample_fn fn,
			  void *ctx)
{
	struct ring r, *rings;
	int err;

	if (!rb || !fn)
		return -EINVAL;
	err = ring_init(&r, map_fd, fn, ctx);
	if (err)
		return err;
	rings = realloc(rb->rings, (rb->nrings + 1) * sizeof(*rings));
	if (!rings) {
		obj_put(&r.map->obj);
		return -ENOMEM;
	}
	rb->rings = rings;
	err = ev_watch_add(&rb->w, ringbuf_notify_word(r.map));
	if (err) {
		obj_put(&r.map->obj);
		return err;
	}
	rings[rb->nrings++] = r;
	return 0;
}

struct hive_ring_buffer *hive_ring_buffer__new(int map_fd, hive_ring_buffer_sample_fn fn, void *ctx,
					       const struct hive_ring_buffer_opts *opts)
{
	struct hive_ring_buffer *rb;
	int err;

	if (opts && opts->sz < sizeof(size_t)) {
		errno = EINVAL;
		return NULL;
	}
	rb = calloc(1, sizeof(*rb));
	if (!rb) {
		errno = ENOMEM;
		return NULL;
	}
	err = ev_watch_init(&rb->w);
	if (err)
		goto err_free;
	err = hive_ring_buffer__add(rb, map_fd, fn, ctx);
	if (err)
		goto err_watch;
	err = ev_watch_start(&rb->w);
	if (err)
		goto err_watch;
	return rb;
err_watch:
	ev_watch_fini(&rb->w);
	for (uint32_t i = 0; i < rb->nrings; i++)
		obj_put(&rb->rings[i].map->obj);
	free(rb->rings);
err_free:
	free(rb);
	errno = -err;
	return NULL;
}

/* Consume one ring: records consumed, or the callback's non-zero value. */
static int consume_ring(struct ring *r)
{
	uint64_t cons = atomic_load_explicit(r->cons, memory_order_acquire);
	int n = 0;

	for (;;) {
		uint64_t prod = atomic_load_explicit(r->prod, memory_order_acquire);
		bool progress = false;

		while (cons < prod) {
			_Atomic uint32_t *hdr = (_Atomic uint32_t *)(r->data + (cons & r->mask));
			uint32_t len = atomic_load_explicit(hdr, memory_order_acquire);
			uint32_t size = len & ~(HIVE_RINGBUF_BUSY_BIT | HIVE_RINGBUF_DISCARD_BIT);
			int ret = 0;

			if (len & HIVE_RINGBUF_BUSY_BIT)
				goto out;
			if (!(len & HIVE_RINGBUF_DISCARD_BIT)) {
				ret = r->fn(r->ctx, (uint8_t *)hdr + HIVE_RINGBUF_HDR_SZ, size);
				n++;
			}
			cons += (size + HIVE_RINGBUF_HDR_SZ + 7) & ~7ull;
			atomic_store_explicit(r->cons, cons, memory_order_release);
			progress = true;
			if (ret)
				return ret;
		}
		if (!progress)
			break;
	}
out:
	return n;
}

int hive_ring_buffer__consume(struct hive_ring_buffer *rb)
{
	int total = 0;

	if (!rb)
		return -EINVAL;
	/* the descriptor means "new records since the last consume" */
	ev_watch_drain(&rb->w);
	for (uint32_t i = 0; i < rb->nrings; i++) {
		int n = consume_ring(&rb->rings[i]);

		if (n < 0 || (n > 0 && total < 0)) {
			total = n;
			break;
		}
		total += n;
	}
	return total;
}

static int consume_all(void *arg)
{
	return hive_ring_buffer__consume(arg);
}

int hive_ring_buffer__poll(struct hive_ring_buffer *rb, int timeout_ms)
{
	if (!rb)
		return -EINVAL;
	return ev_watch_poll(&rb->w, timeout_ms, consume_all, rb);
}

int hive_ring_buffer__epoll_fd(const struct hive_ring_buffer *rb)
{
	return rb ? rb->w.efd : -EINVAL;
}

void hive_ring_buffer__free(struct hive_ring_buffer *rb)
{
	if (!rb)
		return;
	ev_watch_fini(&rb->w);
	for (uint32_t i = 0; i < rb->nrings; i++)
		obj_put(&rb->rings[i].map->obj);
	free(rb->rings);
	free(rb);
}
