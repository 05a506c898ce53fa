/*
 * bench_maps.c - user-space map operations per second through hive_bpf()
 * next to the kernel's bpf() for the same commands: lookup, update and
 * delete (+ re-insert) on a hash map and an array, with one and two
 * threads. Each figure is the best of three 200 ms runs.
 *
 * Usage: bench_maps
 */
#include <errno.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "hive/hive_bpf.h"

#define NKEYS 65536u

typedef int (*bpf_fn)(int cmd, union bpf_attr *attr, unsigned size);

static int kernel_bpf(int cmd, union bpf_attr *attr, unsigned size)
{
	return (int)syscall(SYS_bpf, cmd, attr, size);
}

enum op { OP_LOOKUP, OP_UPDATE, OP_DELETE };

struct job {
	bpf_fn bpf;
	int fd;
	enum op op;
	unsigned seed;
	double secs;
	long ops;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *worker(void *arg)
{
	struct job *j = arg;
	union bpf_attr a;
	uint64_t v = 1;
	uint32_t k = j->seed;
	double t0 = now(), t;
	long n = 0;

	do {
		for (int i = 0; i < 1024; i++) {
			k = (k * 1103515245u + 12345u) % NKEYS;
			memset(&a, 0, sizeof(a));
			a.map_fd = (uint32_t)j->fd;
			a.key = (uint64_t)(uintptr_t)&k;
			a.value = (uint64_t)(uintptr_t)&v;
			switch (j->op) {
			case OP_LOOKUP:
				j->bpf(BPF_MAP_LOOKUP_ELEM, &a, sizeof(a));
				break;
			case OP_UPDATE:
				j->bpf(BPF_MAP_UPDATE_ELEM, &a, sizeof(a));
				break;
			case OP_DELETE:
				/* delete and put back, so the map stays full */
				j->bpf(BPF_MAP_DELETE_ELEM, &a, sizeof(a));
				j->bpf(BPF_MAP_UPDATE_ELEM, &a, sizeof(a));
				break;
			}
			n++;
		}
		t = now();
	} while (t - t0 < 0.2);
	j->secs = t - t0;
	j->ops = n;
	return NULL;
}

static double run(bpf_fn bpf, int fd, enum op op, int threads)
{
	double best = 0;

	for (int rep = 0; rep < 3; rep++) {
		pthread_t th[2];
		struct job j[2];
		double rate = 0;

		for (int i = 0; i < threads; i++) {
			j[i] = (struct job){ bpf, fd, op, 7u + 31u * (unsigned)i, 0, 0 };
			pthread_create(&th[i], NULL, worker, &j[i]);
		}
		for (int i = 0; i < threads; i++) {
			pthread_join(th[i], NULL);
			rate += j[i].ops / j[i].secs;
		}
		if (rate > best)
			best = rate;
	}
	return best;
}

static int create(bpf_fn bpf, uint32_t type)
{
	union bpf_attr a;
	uint64_t v = 1;
	int fd;

	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = 4;
	a.value_size = 8;
	a.max_entries = NKEYS;
	fd = bpf(BPF_MAP_CREATE, &a, sizeof(a));
	if (fd < 0)
		return -1;
	for (uint32_t k = 0; k < NKEYS; k++) {
		memset(&a, 0, sizeof(a));
		a.map_fd = (uint32_t)fd;
		a.key = (uint64_t)(uintptr_t)&k;
		a.value = (uint64_t)(uintptr_t)&v;
		bpf(BPF_MAP_UPDATE_ELEM, &a, sizeof(a));
	}
	return fd;
}

int main(void)
{
	static const struct { const char *name; uint32_t type; } maps[] = {
		{ "hash", BPF_MAP_TYPE_HASH }, { "array", BPF_MAP_TYPE_ARRAY },
	};
	static const char *const ops[] = { "lookup", "update", "delete+update" };
	int kfd, hfd;

	printf("%-6s %-14s %7s %14s %14s %14s %14s\n", "map", "op", "", "hive 1T Mops", "hive 2T Mops",
	       "kernel 1T Mops", "kernel 2T Mops");
	for (unsigned m = 0; m < 2; m++) {
		hfd = create(hive_bpf, maps[m].type);
		kfd = create(kernel_bpf, maps[m].type);
		if (hfd < 0) {
			fprintf(stderr, "bench_maps: hive map: %s\n", strerror(errno));
			return 1;
		}
		for (unsigned o = 0; o < 3; o++) {
			if (maps[m].type == BPF_MAP_TYPE_ARRAY && o == OP_DELETE)
				continue;
			printf("%-6s %-14s %7s %14.2f %14.2f", maps[m].name, ops[o], "",
			       run(hive_bpf, hfd, o, 1) / 1e6, run(hive_bpf, hfd, o, 2) / 1e6);
			if (kfd >= 0)
				printf(" %14.2f %14.2f\n", run(kernel_bpf, kfd, o, 1) / 1e6,
				       run(kernel_bpf, kfd, o, 2) / 1e6);
			else
				printf(" %14s %14s\n", "n/a", "n/a");
		}
		close(hfd);
		if (kfd >= 0)
			close(kfd);
	}
	return 0;
}
