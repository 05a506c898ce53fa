/*
 * test_perf_array_release.c - PERF_EVENT_ARRAY entries belong to the map
 * handle they were stored through (the kernel's
 * perf_event_fd_array_release): closing that handle (a descriptor from
 * MAP_GET_FD_BY_ID, or its last dup) or the death of the process that
 * held it empties the entry, while closing the perf event keeps it, and a
 * handle shared by dup() or fork() keeps it while any copy is open. The
 * same sequence runs on the live kernel and on hive, observed through
 * MAP_DELETE_ELEM (0, or ENOENT for an empty slot); then, on hive, through
 * the perf buffer a consumer stored with a handle it closed.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "hive/hive_bpf.h"
#include "hive/hive_events.h"
#include "core/obj.h"
#include "maps/perf_ring.h"

typedef long (*bpf_fn)(int cmd, union bpf_attr *a, unsigned size);

static long hive_sys(int cmd, union bpf_attr *a, unsigned size)
{
	return hive_bpf(cmd, a, size);
}

static long kernel_sys(int cmd, union bpf_attr *a, unsigned size)
{
	return syscall(SYS_bpf, cmd, a, size);
}

/* A BPF_OUTPUT software event on CPU 0, as libbpf's perf buffer opens. */
static int perf_event(void)
{
	struct perf_event_attr pa;

	memset(&pa, 0, sizeof(pa));
	pa.size = sizeof(pa);
	pa.type = PERF_TYPE_SOFTWARE;
	pa.config = PERF_COUNT_SW_BPF_OUTPUT;
	pa.sample_type = PERF_SAMPLE_RAW;
	pa.sample_period = 1;
	pa.wakeup_events = 1;
	return (int)syscall(SYS_perf_event_open, &pa, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
}

static int create(bpf_fn sys)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_PERF_EVENT_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 8;
	return (int)sys(BPF_MAP_CREATE, &a, sizeof(a));
}

/* Another handle (open file description) of map @fd. */
static int reopen(bpf_fn sys, int fd)
{
	struct bpf_map_info info;
	union bpf_attr a;

	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info = (uintptr_t)&info;
	a.info.info_len = sizeof(info);
	if (sys(BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a)))
		return -1;
	memset(&a, 0, sizeof(a));
	a.map_id = info.id;
	return (int)sys(BPF_MAP_GET_FD_BY_ID, &a, sizeof(a));
}

static int store(bpf_fn sys, int map_fd, uint32_t key, int value)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)map_fd;
	a.key = (uintptr_t)&key;
	a.value = (uintptr_t)&value;
	return sys(BPF_MAP_UPDATE_ELEM, &a, sizeof(a)) ? -errno : 0;
}

static int del(bpf_fn sys, int map_fd, uint32_t key)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)map_fd;
	a.key = (uintptr_t)&key;
	return sys(BPF_MAP_DELETE_ELEM, &a, sizeof(a)) ? -errno : 0;
}

/* In a child: store @ev at @key through a handle of its own (@own) or the
 * inherited @map_fd, then exit. The child's status: 0 when stored. */
static int child_store(bpf_fn sys, int map_fd, uint32_t key, int ev, bool own)
{
	int st = -1;
	pid_t p = fork();

	if (p == 0) {
		int fd = own ? reopen(sys, map_fd) : map_fd;

		_exit(fd >= 0 && !store(sys, fd, key, ev) ? 0 : 1);
	}
	if (p < 0 || waitpid(p, &st, 0) != p)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The sequence: each slot's MAP_DELETE_ELEM result through the creating
 * handle after one way of storing and releasing. */
enum { S_REOPEN_CLOSED, S_DUP_CLOSED, S_EVENT_CLOSED, S_CHILD_OWN, S_CHILD_INHERITED,
       S_CREATOR_CLOSED, S_REPLACED, S_N };

static bool sequence(bpf_fn sys, int res[S_N])
{
	int map = create(sys), ev = perf_event(), ev2 = perf_event(), fd, fd2;
	bool ok = map >= 0 && ev >= 0 && ev2 >= 0;

	/* 0: stored through a second handle, which is closed */
	fd = ok ? reopen(sys, map) : -1;
	ok = ok && fd >= 0 && !store(sys, fd, 0, ev);
	if (fd >= 0)
		close(fd);
	/* 1: stored through a dup of the creating handle, the dup closed */
	fd = ok ? dup(map) : -1;
	ok = ok && fd >= 0 && !store(sys, fd, 1, ev);
	if (fd >= 0)
		close(fd);
	/* 2: the perf event closed (after 5 and 6 use it) */
	ok = ok && !store(sys, map, 2, ev2);
	/* 3, 4: a child storing through its own handle / the inherited one */
	ok = ok && !child_store(sys, map, 3, ev, true) && !child_store(sys, map, 4, ev, false);
	/* 5: stored through the creating handle, which is closed while a
	 * second handle stays (the map lives on) */
	fd = ok ? reopen(sys, map) : -1;
	ok = ok && fd >= 0 && !store(sys, map, 5, ev);
	/* 6: stored through a third handle, then again through the second:
	 * the entry is the second's, closing the third keeps it */
	fd2 = ok ? reopen(sys, fd) : -1;
	ok = ok && fd2 >= 0 && !store(sys, fd2, 6, ev) && !store(sys, fd, 6, ev);
	if (fd2 >= 0)
		close(fd2);
	if (ev2 >= 0)
		close(ev2);
	for (int k = 0; ok && k < S_N; k++) {
		if (k == S_CREATOR_CLOSED) {
			close(map);
			map = fd;
			fd = -1;
		}
		res[k] = del(sys, map, (uint32_t)k);
	}
	if (fd >= 0)
		close(fd);
	if (map >= 0)
		close(map);
	if (ev >= 0)
		close(ev);
	return ok;
}

TEST(perf_array_entries_follow_their_map_handle)
{
	static const int want[S_N] = {
		[S_REOPEN_CLOSED] = -ENOENT, [S_DUP_CLOSED] = 0, [S_EVENT_CLOSED] = 0,
		[S_CHILD_OWN] = -ENOENT, [S_CHILD_INHERITED] = 0, [S_CREATOR_CLOSED] = -ENOENT,
		[S_REPLACED] = 0,
	};
	int got[S_N], k, ev = perf_event();

	if (ev < 0)
		SKIP("perf_event_open: %s", strerror(errno));
	close(ev);
	REQUIRE(sequence(hive_sys, got));
	for (k = 0; k < S_N; k++)
		if (got[k] != want[k])
			test_fail(__FILE__, __LINE__, "hive: slot %d: %d, want %d", k, got[k], want[k]);
	if (!test_kernel_bpf_available())
		SKIP("no bpf() here: hive checked against the expected results only");
	REQUIRE(sequence(kernel_sys, got));
	for (k = 0; k < S_N; k++)
		if (got[k] != want[k])
			test_fail(__FILE__, __LINE__, "kernel: slot %d: %d, want %d", k, got[k], want[k]);
}

static void on_sample(void *ctx, int cpu, void *data, uint32_t size)
{
	(void)cpu, (void)data, (void)size;
	++*(int *)ctx;
}

/* hive's own perf buffers: rings stored through a second handle stop
 * taking samples (-ENOENT) once that handle is closed. */
TEST(perf_array_ring_released_with_its_handle)
{
	uint64_t sample = 42;
	struct hive_perf_buffer *pb;
	struct hive_map *m = NULL;
	int map, fd, n = 0;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	REQUIRE(sched_setaffinity(0, sizeof(set), &set) == 0);
	map = create(hive_sys);
	REQUIRE(map >= 0);
	fd = reopen(hive_sys, map);
	REQUIRE(fd >= 0);
	REQUIRE(map_from_fd(map, &m) == 0);
	pb = hive_perf_buffer__new(fd, 1, on_sample, NULL, &n, NULL);
	REQUIRE(pb);
	CHECK_EQ(perf_ring_output(m, BPF_F_CURRENT_CPU, &sample, 8, NULL, 0), 0);
	CHECK_EQ(hive_perf_buffer__consume(pb), 1);
	CHECK_EQ(n, 1);
	close(fd);
	CHECK_EQ(perf_ring_output(m, BPF_F_CURRENT_CPU, &sample, 8, NULL, 0), -ENOENT);
	CHECK_EQ(del(hive_sys, map, 0), -ENOENT);
	CHECK_EQ(hive_perf_buffer__consume(pb), 0);
	hive_perf_buffer__free(pb);
	obj_put(&m->obj);
	close(map);
}
