/*
 * ringbuf_helpers.c - bpf_ringbuf_output/reserve/submit/discard/query on
 * top of the map layer's ring buffer (maps/ringbuf.h).
 *
 * submit/discard get only the sample pointer, as in the kernel: the ring
 * it came from is found in a small per-thread table of the rings this
 * thread reserved from (a program run is single-threaded). Reserved
 * samples are granted to unverified runs for the rest of the run. The map
 * argument of an unverified run is checked (helper_map) and must be a
 * RINGBUF.
 */
#include <errno.h>

#include "helpers/helpers.h"
#include "maps/ringbuf.h"
#include "util/util.h"

#define RINGS_PER_THREAD 8

static __thread struct hive_map *rings[RINGS_PER_THREAD];
static __thread unsigned next_ring;

static bool in_ring(struct hive_map *m, const void *p)
{
	const uint8_t *b = m->data;

	return (const uint8_t *)p >= b && (const uint8_t *)p < b + 2ull * m->max_entries;
}

static void remember(struct hive_map *m)
{
	for (unsigned i = 0; i < RINGS_PER_THREAD; i++)
		if (rings[i] == m)
			return;
	rings[next_ring++ % RINGS_PER_THREAD] = m;
}

static struct hive_map *ring_of(const void *sample)
{
	for (unsigned i = 0; i < RINGS_PER_THREAD; i++)
		if (rings[i] && in_ring(rings[i], sample))
			return rings[i];
	return NULL;
}

/* A RINGBUF map only: the verifier proves it for verified programs; an
 * unverified one may pass another map of its own (then false). */
static bool is_ring(const struct hive_map *m)
{
	return m->map_type == BPF_MAP_TYPE_RINGBUF;
}

/* bpf_ringbuf_output(ringbuf, data, size, flags): 0 or -EAGAIN/-EINVAL. */
uint64_t helper_ringbuf_output(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
			       uint64_t r5, struct hive_run *run)
{
	struct hive_map *m = helper_map(run, r1, "ringbuf_output");
	const void *data = (const void *)(uintptr_t)r2;

	if (!m || !helper_mem(run, data, r3, HIVE_PROT_READ, "ringbuf_output"))
		return 0;
	if (!is_ring(m))
		return (uint64_t)-EINVAL;
	return (uint64_t)(int64_t)ringbuf_output(m, data, r3, r4);
}

/* bpf_ringbuf_reserve(ringbuf, size, flags): sample pointer or NULL. */
uint64_t helper_ringbuf_reserve(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				uint64_t r5, struct hive_run *run)
{
	struct hive_map *m = helper_map(run, r1, "ringbuf_reserve");
	void *p;

	if (!m || !is_ring(m))
		return 0;
	p = ringbuf_reserve(m, r2, r3);
	if (p) {
		remember(m);
		if (hive_run_check(run, p, r2, HIVE_PROT_RW))
			hive_run_grant(run, p, r2, HIVE_PROT_RW);
	}
	return (uint64_t)(uintptr_t)p;
}

static uint64_t commit(uint64_t r1, uint64_t r2, struct hive_run *run, int discard,
		       const char *who)
{
	struct hive_map *m = ring_of((void *)(uintptr_t)r1);

	if (!m) {
		hive_pr_warn("helper bpf_%s: %p is not a reserved ring buffer sample\n", who,
			     (void *)(uintptr_t)r1);
		hive_run_abort(run, -EINVAL);
		return 0;
	}
	ringbuf_commit(m, (void *)(uintptr_t)r1, r2, discard);
	return 0;
}

/* bpf_ringbuf_submit(sample, flags) */
uint64_t helper_ringbuf_submit(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
			       uint64_t r5, struct hive_run *run)
{
	return commit(r1, r2, run, 0, "ringbuf_submit");
}

/* bpf_ringbuf_discard(sample, flags) */
uint64_t helper_ringbuf_discard(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				uint64_t r5, struct hive_run *run)
{
	return commit(r1, r2, run, 1, "ringbuf_discard");
}

/* bpf_ringbuf_query(ringbuf, flags) */
uint64_t helper_ringbuf_query(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
			      uint64_t r5, struct hive_run *run)
{
	struct hive_map *m = helper_map(run, r1, "ringbuf_query");

	if (!m || !is_ring(m))
		return 0;
	return ringbuf_query(m, r2);
}
