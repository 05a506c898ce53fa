/*
 * perf_buffer.c - the perf buffer consumer (hive_perf_buffer__*), libbpf's
 * perf_buffer__* for hive's BPF_MAP_TYPE_PERF_EVENT_ARRAY maps.
 *
 * Where libbpf opens one PERF_COUNT_SW_BPF_OUTPUT event per CPU, mmaps it
 * and stores its fd in the map, this creates one perf ring per CPU (a hive
 * map object with the kernel's perf mmap layout, maps/perf_ring.h) and
 * stores the ring's fd in slot <cpu>; bpf_perf_event_output() in any
 * process then writes there. Records are read from data_tail up to
 * data_head (acquire) and data_tail is published with release ordering,
 * as a consumer of a kernel perf buffer does. Wakeups come through the
 * watcher shared with the ring buffer consumer (events.h).
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/events.h"
#include "core/obj.h"
#include "hive/hive_bpf.h"
#include "hive/hive_events.h"
#include "maps/perf_ring.h"
#include "util/util.h"

struct cpu_buf {
	struct hive_map *ring;
	int fd;                   /* handle of the ring (kept open: it keeps the ring alive) */
	int cpu;
	uint8_t *copy;            /* a record that wraps is copied here */
};

struct hive_perf_buffer {
	struct hive_map *map;     /* the perf event array */
	struct cpu_buf *bufs;
	uint32_t nbufs;
	hive_perf_buffer_sample_fn sample_cb;
	hive_perf_buffer_lost_fn lost_cb;
	void *ctx;
	struct ev_watch w;
};

/* Create the ring of @cpu and store it in slot @cpu of @map_fd. */
static int buf_open(struct cpu_buf *b, int map_fd, int cpu, size_t page_cnt)
{
	union bpf_attr a;
	uint32_t key = (uint32_t)cpu;
	int fd, err;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = PERF_RING_PAGE;
	a.max_entries = (uint32_t)page_cnt + 1;
	a.map_flags = BPF_F_MMAPABLE;
	memcpy(a.map_name, PERF_RING_NAME, sizeof(PERF_RING_NAME));
	fd = (int)hive_bpf(BPF_MAP_CREATE, &a, sizeof(a));
	if (fd < 0)
		return -errno;
	err = map_from_fd(fd, &b->ring);
	if (err)
		goto err_close;
	err = perf_ring_init(b->ring, (uint32_t)cpu);
	if (err)
		goto err_put;
	b->copy = malloc(0x10000);
	if (!b->copy) {
		err = -ENOMEM;
		goto err_put;
	}
	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)map_fd;
	a.key = (uintptr_t)&key;
	a.value = (uintptr_t)&fd;
	if (hive_bpf(BPF_MAP_UPDATE_ELEM, &a, sizeof(a)) < 0) {
		err = -errno;
		hive_pr_warn("perf buffer: can't store the buffer of CPU %d: %s\n", cpu,
			     hive_strerror(err));
		goto err_copy;
	}
	b->fd = fd;
	b->cpu = cpu;
	return 0;
err_copy:
	free(b->copy);
err_put:
	obj_put(&b->ring->obj);
err_close:
	close(fd);
	return err;
}

/* Empty the slot if it still refers to this buffer's ring. */
static void buf_close(struct hive_perf_buffer *pb, struct cpu_buf *b)
{
	uint32_t key = (uint32_t)b->cpu;
	int pid, id;

	if (!perf_array_get(pb->map, key, &pid, &id) && pid < 0 &&
	    (uint32_t)id == b->ring->obj.id)
		map_delete_elem(pb->map, &key);
	free(b->copy);
	obj_put(&b->ring->obj);
	close(b->fd);
}

struct hive_perf_buffer *hive_perf_buffer__new(int map_fd, size_t page_cnt,
					       hive_perf_buffer_sample_fn sample_cb,
					       hive_perf_buffer_lost_fn lost_cb, void *ctx,
					       const struct hive_perf_buffer_opts *opts)
{
	struct hive_perf_buffer *pb;
	int ncpus, err;

	if ((opts && opts->sz < sizeof(size_t)) || !sample_cb || !page_cnt ||
	    (page_cnt & (page_cnt - 1)) || page_cnt > (1u << 20)) {
		hive_pr_warn("perf buffer: page_cnt must be a power of 2 and sample_cb set\n");
		errno = EINVAL;
		return NULL;
	}
	pb = calloc(1, sizeof(*pb));
	if (!pb) {
		errno = ENOMEM;
		return NULL;
	}
	err = map_from_fd(map_fd, &pb->map);
	if (err)
		goto err_free;
	if (pb->map->map_type != BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
		err = -EINVAL;
		goto err_map;
	}
	pb->sample_cb = sample_cb;
	pb->lost_cb = lost_cb;
	pb->ctx = ctx;
	ncpus = hive_num_possible_cpus();
	if (ncpus <= 0)
		ncpus = 1;
	if ((uint32_t)ncpus > pb->map->max_entries)
		ncpus = (int)pb->map->max_entries;
	pb->bufs = calloc((size_t)ncpus, sizeof(*pb->bufs));
	if (!pb->bufs) {
		err = -ENOMEM;
		goto err_map;
	}
	err = ev_watch_init(&pb->w);
	if (err)
		goto err_bufs;
	for (int cpu = 0; cpu < ncpus; cpu++) {
		struct cpu_buf *b = &pb->bufs[pb->nbufs];

		err = buf_open(b, map_fd, cpu, page_cnt);
		if (err)
			goto err_rings;
		pb->nbufs++;
		err = ev_watch_add(&pb->w, &perf_ring_ctl(b->ring)->notify);
		if (err)
			goto err_rings;
	}
	err = ev_watch_start(&pb->w);
	if (err)
		goto err_rings;
	return pb;
err_rings:
	ev_watch_fini(&pb->w);
	while (pb->nbufs)
		buf_close(pb, &pb->bufs[--pb->nbufs]);
err_bufs:
	free(pb->bufs);
err_map:
	obj_put(&pb->map->obj);
err_free:
	free(pb);
	errno = err == -EBADF ? EBADF : -err;
	return NULL;
}

/* Read the records of one buffer: the number handled, or -EINVAL when the
 * buffer holds a record that cannot be (it is then emptied). */
static int consume_buf(struct hive_perf_buffer *pb, struct cpu_buf *b)
{
	struct perf_event_mmap_page *pg = (struct perf_event_mmap_page *)b->ring->data;
	uint8_t *data = b->ring->data + PERF_RING_PAGE;
	uint64_t size = (uint64_t)(b->ring->max_entries - 1) * PERF_RING_PAGE;
	uint64_t head = __atomic_load_n(&pg->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = __atomic_load_n(&pg->data_tail, __ATOMIC_RELAXED);
	int n = 0;

	while (tail < head) {
		uint64_t off = tail & (size - 1);
		struct perf_event_header h;
		uint8_t *rec;

		if (head - tail > size || head - tail < sizeof(h))
			goto corrupt;
		rec = data + off;
		if (off + sizeof(h) > size) {
			memcpy(b->copy, rec, size - off);
			memcpy(b->copy + (size - off), data, sizeof(h) - (size - off));
			rec = b->copy;
		}
		memcpy(&h, rec, sizeof(h));
		if (h.size < sizeof(h) || h.size > head - tail)
			goto corrupt;
		if (off + h.size > size) {
			/* the record wraps: make it contiguous */
			memcpy(b->copy, data + off, size - off);
			memcpy(b->copy + (size - off), data, h.size - (size - off));
			rec = b->copy;
		}
		if (h.type == PERF_RECORD_SAMPLE) {
			uint32_t raw;

			if (h.size < sizeof(h) + 4)
				goto corrupt;
			memcpy(&raw, rec + sizeof(h), 4);
			if (raw > h.size - sizeof(h) - 4)
				goto corrupt;
			pb->sample_cb(pb->ctx, b->cpu, rec + sizeof(h) + 4, raw);
		} else if (h.type == PERF_RECORD_LOST) {
			uint64_t lost;

			if (h.size < sizeof(h) + 16)
				goto corrupt;
			memcpy(&lost, rec + sizeof(h) + 8, 8);
			if (pb->lost_cb)
				pb->lost_cb(pb->ctx, b->cpu, lost);
		}
		tail += h.size;
		__atomic_store_n(&pg->data_tail, tail, __ATOMIC_RELEASE);
		n++;
	}
	return n;
corrupt:
	hive_pr_warn("perf buffer: corrupt record at %llu in the buffer of CPU %d; buffer emptied\n",
		     (unsigned long long)tail, b->cpu);
	__atomic_store_n(&pg->data_tail, head, __ATOMIC_RELEASE);
	return -EINVAL;
}

int hive_perf_buffer__consume(struct hive_perf_buffer *pb)
{
	int total = 0;

	if (!pb)
		return -EINVAL;
	ev_watch_drain(&pb->w);
	for (uint32_t i = 0; i < pb->nbufs; i++) {
		int n = consume_buf(pb, &pb->bufs[i]);

		if (n < 0)
			return n;
		total += n;
	}
	return total;
}

static int consume_all(void *arg)
{
	return hive_perf_buffer__consume(arg);
}

int hive_perf_buffer__poll(struct hive_perf_buffer *pb, int timeout_ms)
{
	if (!pb)
		return -EINVAL;
	return ev_watch_poll(&pb->w, timeout_ms, consume_all, pb);
}

int hive_perf_buffer__epoll_fd(const struct hive_perf_buffer *pb)
{
	return pb ? pb->w.efd : -EINVAL;
}

size_t hive_perf_buffer__buffer_cnt(const struct hive_perf_buffer *pb)
{
	return pb ? pb->nbufs : 0;
}

void hive_perf_buffer__free(struct hive_perf_buffer *pb)
{
	if (!pb)
		return;
	ev_watch_fini(&pb->w);
	for (uint32_t i = 0; i < pb->nbufs; i++)
		buf_close(pb, &pb->bufs[i]);
	free(pb->bufs);
	obj_put(&pb->map->obj);
	free(pb);
}
