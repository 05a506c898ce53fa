/*
 * test_map_semantics.c - map behaviour the kernel comparison cannot pin
 * down (LRU eviction is approximate on both sides) and the internal API
 * the program helpers use (map.h): value pointers, per-CPU slots, queue
 * and bloom operations, ring buffer records in the kernel's mmap layout,
 * stack ids, map-in-map, and many threads on one map.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "harness.h"
#include "hive/hive_bpf.h"
#include "test_bpf_fs.h"
#include "maps/map.h"
#include "maps/ringbuf.h"

static struct hive_map *map_of(int fd)
{
	struct hive_map *m = NULL;

	if (map_from_fd(fd, &m))
		return NULL;
	obj_put(&m->obj); /* the handle keeps it */
	return m;
}

static uint32_t count_keys(int fd, uint32_t ks)
{
	uint8_t a[64], b[64];
	uint32_t n = 0;
	void *prev = NULL;

	while (!hive_map_get_next_key(fd, prev, n & 1 ? b : a)) {
		prev = n & 1 ? b : a;
		n++;
	}
	(void)ks;
	return n;
}

TEST(map_lru_evicts_least_recently_used)
{
	uint32_t k, hot = 3;
	uint64_t v;
	int fd;

	private_fs();
	fd = hive_map_create(BPF_MAP_TYPE_LRU_HASH, "l", 4, 8, 64, NULL);
	REQUIRE(fd >= 0);
	for (k = 0; k < 64; k++) {
		v = k;
		CHECK_EQ(hive_map_update_elem(fd, &k, &v, BPF_NOEXIST), 0);
	}
	/* keep one key hot while 100 new keys push the others out */
	for (k = 100; k < 200; k++) {
		v = k;
		CHECK_EQ(hive_map_lookup_elem(fd, &hot, &v), 0);
		CHECK_EQ(hive_map_update_elem(fd, &k, &v, BPF_ANY), 0); /* never E2BIG */
		CHECK_EQ(hive_map_lookup_elem(fd, &k, &v), 0);          /* newest is there */
	}
	CHECK_EQ(count_keys(fd, 4), 64);
	CHECK_EQ(hive_map_lookup_elem(fd, &hot, &v), 0);
	CHECK_EQ(v, 3);
	k = 0;
	CHECK_EQ(hive_map_lookup_elem(fd, &k, &v), -ENOENT);    /* cold and old: gone */
	close(fd);
	cleanup_fs();
}

TEST(map_program_side_api)
{
	struct hive_map *h, *pa, *q, *bl, *aom;
	uint32_t k = 7, ids;
	uint64_t v = 70, *p, out;
	int fd, pfd, qfd, bfd, inner, afd, cpu;

	private_fs();
	fd = hive_map_create(BPF_MAP_TYPE_HASH, "h", 4, 8, 8, NULL);
	REQUIRE(fd >= 0 && (h = map_of(fd)));
	CHECK(map_lookup_elem_ptr(h, &k) == NULL);
	CHECK_EQ(map_update_elem(h, &k, &v, BPF_NOEXIST), 0);
	p = map_lookup_elem_ptr(h, &k);
	REQUIRE(p != NULL);
	CHECK_EQ(*p, 70);
	*p = 71; /* programs write through the pointer */
	CHECK_EQ(hive_map_lookup_elem(fd, &k, &out), 0);
	CHECK_EQ(out, 71);
	CHECK_EQ(map_delete_elem(h, &k), 0);
	CHECK_EQ(map_delete_elem(h, &k), -ENOENT);

	/* per-CPU: a program updates its CPU's slot, new elements zero the others */
	pfd = hive_map_create(BPF_MAP_TYPE_PERCPU_HASH, "p", 4, 8, 8, NULL);
	REQUIRE(pfd >= 0 && (pa = map_of(pfd)));
	CHECK_EQ(map_update_elem(pa, &k, &v, BPF_ANY), 0);
	ids = 0;
	for (cpu = 0; cpu < hive_num_possible_cpus(); cpu++) {
		uint64_t *s = map_lookup_percpu_ptr(pa, &k, (uint32_t)cpu);

		REQUIRE(s != NULL);
		ids += *s == 70;
		CHECK(*s == 70 || *s == 0);
	}
	CHECK_EQ(ids, 1);
	CHECK(map_lookup_percpu_ptr(pa, &k, 1000) == NULL);

	/* queue: push/pop/peek */
	qfd = hive_map_create(BPF_MAP_TYPE_QUEUE, "q", 0, 8, 2, NULL);
	REQUIRE(qfd >= 0 && (q = map_of(qfd)));
	v = 1;
	CHECK_EQ(map_push_elem(q, &v, 0), 0);
	v = 2;
	CHECK_EQ(map_push_elem(q, &v, 0), 0);
	CHECK_EQ(map_push_elem(q, &v, 0), -E2BIG);
	CHECK_EQ(map_peek_elem(q, &out), 0);
	CHECK_EQ(out, 1);
	CHECK_EQ(map_pop_elem(q, &out), 0);
	CHECK_EQ(out, 1);

	/* bloom: no false negatives */
	bfd = hive_map_create(BPF_MAP_TYPE_BLOOM_FILTER, "b", 0, 8, 100, NULL);
	REQUIRE(bfd >= 0 && (bl = map_of(bfd)));
	for (v = 0; v < 100; v++)
		CHECK_EQ(map_push_elem(bl, &v, 0), 0);
	for (v = 0; v < 100; v++)
		CHECK_EQ(map_peek_elem(bl, &v), 0);

	/* map-in-map: the program sees the inner map itself */
	inner = hive_map_create(BPF_MAP_TYPE_ARRAY, "in", 4, 8, 4, NULL);
	REQUIRE(inner >= 0);
	{
		HIVE_MAP_CREATE_OPTS(o, .inner_map_fd = (uint32_t)inner);

		afd = hive_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "aom", 4, 4, 2, &o);
	}
	REQUIRE(afd >= 0 && (aom = map_of(afd)));
	k = 1;
	CHECK_EQ(hive_map_update_elem(afd, &k, &inner, 0), 0);
	{
		struct hive_map *got = map_get_inner(aom, &k), *want = map_of(inner);

		CHECK(got == want);
		if (got)
			obj_put(&got->obj);
	}
	k = 0;
	CHECK(map_get_inner(aom, &k) == NULL);
	close(afd);
	close(inner);
	close(fd);
	close(pfd);
	close(qfd);
	close(bfd);
	cleanup_fs();
}

TEST(map_ringbuf_kernel_layout)
{
	struct hive_map *rb;
	uint8_t *cons, *prod;
	uint64_t cpos, ppos;
	uint32_t len;
	char msg[] = "hello ring";
	void *s;
	int fd, i, ok = 0;

	private_fs();
	fd = hive_map_create(BPF_MAP_TYPE_RINGBUF, "rb", 0, 0, 4096, NULL);
	REQUIRE(fd >= 0 && (rb = map_of(fd)));
	/* consume with the kernel's mmap layout, as libbpf does */
	cons = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	prod = mmap(NULL, 4096 + 2 * 4096, PROT_READ, MAP_SHARED, fd, 4096);
	REQUIRE(cons != MAP_FAILED && prod != MAP_FAILED);
	/* enough records to wrap around the 4 KiB ring several times */
	for (i = 0; i < 100; i++) {
		CHECK_EQ(ringbuf_output(rb, msg, sizeof(msg), 0), 0);
		s = ringbuf_reserve(rb, 300, 0);
		REQUIRE(s != NULL);
		memset(s, i, 300);
		ringbuf_commit(rb, s, 0, i % 2);
		CHECK_EQ(ringbuf_query(rb, BPF_RB_AVAIL_DATA), 312 + 24); /* headers, 8-byte rounding */
		cpos = *(uint64_t *)cons;
		ppos = *(uint64_t *)prod;
		while (cpos < ppos) {
			uint8_t *rec = prod + 4096 + (cpos & 4095);

			memcpy(&len, rec, 4);
			if (!(len & HIVE_RINGBUF_DISCARD_BIT)) {
				if ((len & 0xfffffff) == sizeof(msg))
					ok += !memcmp(rec + 8, msg, sizeof(msg));
				else
					ok += rec[8] == (uint8_t)i && rec[8 + 299] == (uint8_t)i;
			}
			cpos += ((len & 0x3fffffff) + 8 + 7) & ~7ull;
		}
		__atomic_store_n((uint64_t *)cons, cpos, __ATOMIC_RELEASE);
	}
	CHECK_EQ(ok, 150); /* every output and every even reservation */
	CHECK(ringbuf_reserve(rb, 5000, 0) == NULL);
	CHECK_EQ(ringbuf_query(rb, BPF_RB_RING_SIZE), 4096);
	munmap(cons, 4096);
	munmap(prod, 3 * 4096);
	close(fd);
	cleanup_fs();
}

TEST(map_stack_trace_ids)
{
	uint64_t ips[3] = { 0x1000, 0x2000, 0x3000 }, out[4];
	struct hive_map *st;
	uint32_t id;
	int fd, sid, sid2;

	private_fs();
	fd = hive_map_create(BPF_MAP_TYPE_STACK_TRACE, "st", 4, 32, 16, NULL);
	REQUIRE(fd >= 0 && (st = map_of(fd)));
	sid = stack_map_store(st, ips, 3, 0);
	CHECK(sid >= 0);
	sid2 = stack_map_store(st, ips, 3, 0);
	CHECK_EQ(sid2, sid); /* same trace, same id */
	id = (uint32_t)sid;
	CHECK_EQ(hive_map_lookup_elem(fd, &id, out), 0);
	CHECK_EQ(out[0], 0x1000);
	CHECK_EQ(out[2], 0x3000);
	CHECK_EQ(out[3], 0);
	CHECK_EQ(hive_map_get_next_key(fd, NULL, &id), 0);
	CHECK_EQ(id, (uint32_t)sid);
	CHECK_EQ(hive_map_delete_elem(fd, &id), 0);
	CHECK_EQ(hive_map_lookup_elem(fd, &id, out), -ENOENT);
	close(fd);
	cleanup_fs();
}

struct thr {
	int fd;
	int base;
	int bad;
};

static void *hammer(void *arg)
{
	struct thr *t = arg;
	uint32_t i, k;
	uint64_t v, r;

	for (i = 0; i < 20000; i++) {
		k = (uint32_t)t->base + (i % 500);
		v = ((uint64_t)k << 32) | k;
		if (hive_map_update_elem(t->fd, &k, &v, BPF_ANY))
			t->bad++;
		if (!hive_map_lookup_elem(t->fd, &k, &r) && r != v)
			t->bad++;
		if (i % 7 == 0)
			hive_map_delete_elem(t->fd, &k);
	}
	return NULL;
}

TEST(map_threads_hash_and_lru)
{
	static const enum bpf_map_type types[] = { BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_LRU_HASH };
	pthread_t th[4];
	struct thr t[4];
	unsigned ti;
	int i;

	private_fs();
	for (ti = 0; ti < 2; ti++) {
		int fd = hive_map_create(types[ti], "m", 4, 8, ti ? 700 : 2048, NULL);

		REQUIRE(fd >= 0);
		for (i = 0; i < 4; i++) {
			t[i] = (struct thr){ fd, i * 500, 0 };
			pthread_create(&th[i], NULL, hammer, &t[i]);
		}
		for (i = 0; i < 4; i++) {
			pthread_join(th[i], NULL);
			CHECK_EQ(t[i].bad, 0);
		}
		CHECK(count_keys(fd, 4) <= (ti ? 700u : 2000u));
		close(fd);
	}
	cleanup_fs();
}

/* User space produces into a USER_RINGBUF through its mmap, with the
 * kernel's protocol; the drain side (programs) sees the samples in order,
 * skips discarded ones, stops at a busy one. */
TEST(map_user_ringbuf_protocol)
{
	struct hive_map *rb;
	uint8_t *cons, *prod, *data;
	uint64_t p = 0;
	uint32_t size, i, seen = 0;
	void *s;
	int fd, err;

	private_fs();
	fd = hive_map_create(BPF_MAP_TYPE_USER_RINGBUF, "urb", 0, 0, 4096, NULL);
	REQUIRE(fd >= 0 && (rb = map_of(fd)));
	cons = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	prod = mmap(NULL, 4096 + 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 4096);
	REQUIRE(cons != MAP_FAILED && prod != MAP_FAILED);
	data = prod + 4096;
	CHECK(user_ringbuf_try_lock(rb));
	CHECK(!user_ringbuf_try_lock(rb)); /* one drainer at a time */
	for (i = 0; i < 30; i++) {
		uint32_t len = 100 + i, hdr;
		uint64_t at = p & 4095;

		/* produce: header busy, payload, commit (discard every third) */
		hdr = len | HIVE_RINGBUF_BUSY_BIT;
		memcpy(data + at, &hdr, 4);
		memset(data + ((p + 8) & 4095), (int)i, len);
		p += (len + 8 + 7) & ~7u;
		__atomic_store_n((uint64_t *)prod, p, __ATOMIC_RELEASE);
		CHECK_EQ(user_ringbuf_peek(rb, &s, &size), -ENODATA); /* still busy */
		hdr = len | (i % 3 == 2 ? HIVE_RINGBUF_DISCARD_BIT : 0);
		__atomic_store_n((uint32_t *)(data + at), hdr, __ATOMIC_RELEASE);
		/* drain */
		while ((err = user_ringbuf_peek(rb, &s, &size)) != -ENODATA) {
			if (err == -EAGAIN)
				continue;
			REQUIRE(err == 0);
			CHECK_EQ(size, len);
			CHECK_EQ(((uint8_t *)s)[0], (uint8_t)i);
			CHECK_EQ(((uint8_t *)s)[size - 1], (uint8_t)i);
			seen++;
			user_ringbuf_release(rb, size, 0);
		}
		CHECK_EQ(*(uint64_t *)cons, p);
	}
	CHECK_EQ(seen, 20);
	user_ringbuf_unlock(rb);
	munmap(cons, 4096);
	munmap(prod, 3 * 4096);
	close(fd);
	cleanup_fs();
}
