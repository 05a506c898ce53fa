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
	_Atomic uint32_t *notify;
	uint32_t seen;            /* notify value the watcher last reported */
};

struct hive_ring_buffer {
	struct ring *rings;
	uint32_t nrings;
	int efd;
	pthread_t watcher;
	bool watching;
	pthread_mutex_t lock;     /* rings array vs the watcher */
	atomic_bool stop;
};

static void *watch(void *arg)
{
	struct hive_ring_buffer *rb = arg;

	while (!atomic_load(&rb->stop)) {
		pthread_mutex_lock(&rb->lock);
		uint32_t n = rb->nrings;
		for (uint32_t i = 0; i < n; i++) {
			struct ring *r = &rb->rings[i];
			uint32_t v = atomic_load(r->notify);
			struct timespec ts = { 0, WATCH_SLICE_NS / (long)n };

			if (v != r->seen) {
				uint64_t one = 1;

				r->seen = v;
				if (write(rb->efd, &one, sizeof(one)) < 0)
					hive_pr_debug("ring buffer: eventfd write failed\n");
				continue;
			}
			pthread_mutex_unlock(&rb->lock);
			/* shared futex: producers in other processes wake it */
			syscall(SYS_futex, r->notify, FUTEX_WAIT, v, &ts, NULL, 0);
			pthread_mutex_lock(&rb->lock);
			if (n != rb->nrings)
				break;
		}
		pthread_mutex_unlock(&rb->lock);
	}
	return NULL;
}

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
	r->notify = ringbuf_notify_word(m);
	r->seen = atomic_load(r->notify);
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
	pthread_mutex_lock(&rb->lock);
	rings = realloc(rb->rings, (rb->nrings + 1) * sizeof(*rings));
	if (!rings) {
		pthread_mutex_unlock(&rb->lock);
		obj_put(&r.map->obj);
		return -ENOMEM;
	}
	rings[rb->nrings] = r;
	rb->rings = rings;
	rb->nrings++;
	pthread_mutex_unlock(&rb->lock);
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
	pthread_mutex_init(&rb->lock, NULL);
	rb->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (rb->efd < 0) {
		err = -errno;
		goto err_free;
	}
	err = hive_ring_buffer__add(rb, map_fd, fn, ctx);
	if (err)
		goto err_close;
	err = -pthread_create(&rb->watcher, NULL, watch, rb);
	if (err)
		goto err_close;
	rb->watching = true;
	return rb;
err_close:
	close(rb->efd);
err_free:
	for (uint32_t i = 0; i < rb->nrings; i++)
		obj_put(&rb->rings[i].map->obj);
	free(rb->rings);
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
	uint64_t ticks;
	int total = 0;

	if (!rb)
		return -EINVAL;
	/* the descriptor means "new records since the last consume" */
	if (read(rb->efd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		hive_pr_debug("ring buffer: eventfd read failed\n");
	pthread_mutex_lock(&rb->lock);
	for (uint32_t i = 0; i < rb->nrings; i++) {
		int n = consume_ring(&rb->rings[i]);

		if (n < 0 || (n > 0 && total < 0)) {
			total = n;
			break;
		}
		total += n;
	}
	pthread_mutex_unlock(&rb->lock);
	return total;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int hive_ring_buffer__poll(struct hive_ring_buffer *rb, int timeout_ms)
{
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	struct pollfd pfd;
	int n;

	if (!rb)
		return -EINVAL;
	for (;;) {
		int wait;

		n = hive_ring_buffer__consume(rb);
		if (n)
			return n;
		wait = deadline < 0 ? -1 : (int)(deadline - now_ms());
		if (deadline >= 0 && wait <= 0)
			return 0;
		pfd.fd = rb->efd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, wait) < 0)
			return -errno;
	}
}

int hive_ring_buffer__epoll_fd(const struct hive_ring_buffer *rb)
{
	return rb ? rb->efd : -EINVAL;
}

void hive_ring_buffer__free(struct hive_ring_buffer *rb)
{
	if (!rb)
		return;
	atomic_store(&rb->stop, true);
	if (rb->watching) {
		/* wake the watcher: bump nothing, just wake our own waiters */
		for (uint32_t i = 0; i < rb->nrings; i++)
			syscall(SYS_futex, rb->rings[i].notify, FUTEX_WAKE, 0x7fffffff, NULL, NULL, 0);
		pthread_join(rb->watcher, NULL);
	}
	for (uint32_t i = 0; i < rb->nrings; i++)
		obj_put(&rb->rings[i].map->obj);
	free(rb->rings);
	close(rb->efd);
	pthread_mutex_destroy(&rb->lock);
	free(rb);
}
