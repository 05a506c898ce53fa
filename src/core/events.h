/*
 * events.h - the wakeup mechanism shared by hive's event consumers (ring
 * buffers in events.c, perf buffers in perf_buffer.c).
 *
 * Producers, in any process, bump a 32-bit futex word in shared memory and
 * FUTEX_WAKE it. A watcher runs one thread per consumer: it waits on the
 * words it was given and turns a change into a tick of an eventfd, the
 * consumer's epoll descriptor. Consumers drain the eventfd before reading
 * their buffers, so a tick means "new data since the last consume".
 */
#ifndef HIVE_CORE_EVENTS_H
#define HIVE_CORE_EVENTS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct ev_watch {
	_Atomic uint32_t **words; /* futex words producers bump */
	uint32_t *seen;           /* value of each word last reported */
	uint32_t n;
	int efd;                  /* the epoll descriptor (eventfd) */
	pthread_t thread;
	bool running;
	pthread_mutex_t lock;     /* words array vs the watcher thread */
	atomic_bool stop;
};

/* Set up @w with no words (creates the eventfd): 0 or -errno. */
int ev_watch_init(struct ev_watch *w);
/* Watch one more word (before or after ev_watch_start): 0 or -ENOMEM. */
int ev_watch_add(struct ev_watch *w, _Atomic uint32_t *word);
/* Start the watcher thread: 0 or -errno. */
int ev_watch_start(struct ev_watch *w);
/* Forget the ticks seen so far (call before consuming). */
void ev_watch_drain(struct ev_watch *w);
/*
 * Call @consume(@arg) until it returns non-zero, waiting on the eventfd
 * between calls, at most @timeout_ms (-1: forever). Returns what @consume
 * returned, 0 on timeout, or -errno of poll (-EINTR).
 */
int ev_watch_poll(struct ev_watch *w, int timeout_ms, int (*consume)(void *arg), void *arg);
/* Stop and join the thread, close the eventfd, free the arrays. */
void ev_watch_fini(struct ev_watch *w);

#endif /* HIVE_CORE_EVENTS_H */
