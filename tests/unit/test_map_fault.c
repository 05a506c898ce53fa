/*
 * test_map_fault.c - user buffers of map commands that are partly or
 * wholly unmapped: the key and value of an update (read in one go by
 * hive), the key/value pairs of batch updates and batch lookups (written
 * in one go): EFAULT and an unchanged map, never a crash, the same as the
 * live kernel for the same commands.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness.h"
#include "hive/hive_bpf.h"

typedef long (*bpf_fn)(int cmd, union bpf_attr *a, unsigned size);

static long hive_sys(int cmd, union bpf_attr *a, unsigned size)
{
	return hive_bpf(cmd, a, size);
}

static long kernel_sys(int cmd, union bpf_attr *a, unsigned size)
{
	return syscall(SYS_bpf, cmd, a, size);
}

static long call(bpf_fn sys, int cmd, union bpf_attr *a)
{
	return sys(cmd, a, sizeof(*a)) ? -errno : 0;
}

static long elem(bpf_fn sys, int cmd, int fd, const void *k, void *v)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	a.key = (uintptr_t)k;
	a.value = (uintptr_t)v;
	return call(sys, cmd, &a);
}

static long batch(bpf_fn sys, int cmd, int fd, void *keys, void *values, uint32_t n,
		  uint32_t *count)
{
	union bpf_attr a;
	uint64_t out = 0;
	long r;

	memset(&a, 0, sizeof(a));
	a.batch.map_fd = (uint32_t)fd;
	a.batch.keys = (uintptr_t)keys;
	a.batch.values = (uintptr_t)values;
	a.batch.count = n;
	if (cmd == BPF_MAP_LOOKUP_BATCH)
		a.batch.out_batch = (uintptr_t)&out;
	r = call(sys, cmd, &a);
	*count = a.batch.count;
	return r;
}

/* Results of the sequence on @type, appended to @res (at most 32). */
static int sequence(bpf_fn sys, uint32_t type, uint8_t *edge, long *res)
{
	union bpf_attr a;
	uint32_t keys[4] = { 0, 1, 2, 3 }, cnt = 0;
	uint64_t vals[4] = { 10, 11, 12, 13 }, v = 0;
	uint8_t *bad = edge + 4096;     /* PROT_NONE page after @edge */
	int fd, n = 0;

	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = 4;
	a.value_size = 8;
	a.max_entries = 4;
	fd = (int)sys(BPF_MAP_CREATE, &a, sizeof(a));
	if (fd < 0)
		return -1;
	res[n++] = elem(sys, BPF_MAP_UPDATE_ELEM, fd, &keys[1], &vals[1]);
	res[n++] = elem(sys, BPF_MAP_UPDATE_ELEM, fd, bad, &vals[2]);          /* key unmapped */
	res[n++] = elem(sys, BPF_MAP_UPDATE_ELEM, fd, &keys[2], bad);          /* value unmapped */
	memcpy(edge + 4096 - 4, &vals[3], 4);
	res[n++] = elem(sys, BPF_MAP_UPDATE_ELEM, fd, &keys[3], edge + 4096 - 4); /* value straddles */
	memcpy(edge + 4096 - 2, &keys[2], 2);
	res[n++] = elem(sys, BPF_MAP_UPDATE_ELEM, fd, edge + 4096 - 2, &vals[2]); /* key straddles */
	res[n++] = elem(sys, BPF_MAP_LOOKUP_ELEM, fd, &keys[2], &v);   /* not stored: ENOENT or 0 */
	res[n++] = (long)v;
	res[n++] = elem(sys, BPF_MAP_LOOKUP_ELEM, fd, &keys[1], edge + 4096 - 4); /* out straddles */
	res[n++] = batch(sys, BPF_MAP_UPDATE_BATCH, fd, keys, bad, 2, &cnt);
	res[n++] = cnt;
	res[n++] = batch(sys, BPF_MAP_UPDATE_BATCH, fd, keys, edge + 4096 - 8, 2, &cnt); /* 2nd bad */
	res[n++] = cnt;
	res[n++] = elem(sys, BPF_MAP_LOOKUP_ELEM, fd, &keys[0], &v);
	res[n++] = (long)v;
	res[n++] = batch(sys, BPF_MAP_LOOKUP_BATCH, fd, keys, bad, 4, &cnt);
	res[n++] = batch(sys, BPF_MAP_LOOKUP_BATCH, fd, bad, vals, 4, &cnt);
	close(fd);
	return n;
}

TEST(map_fault_update_and_batch_buffers)
{
	static const uint32_t types[] = { BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_HASH };
	uint8_t *edge = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long h[32], k[32];
	int nh, nk;

	REQUIRE(edge != MAP_FAILED);
	REQUIRE(mprotect(edge + 4096, 4096, PROT_NONE) == 0);
	for (unsigned t = 0; t < 2; t++) {
		nh = sequence(hive_sys, types[t], edge, h);
		REQUIRE(nh > 0);
		/* hive alone: every bad buffer is EFAULT, the map unchanged */
		CHECK_EQ(h[0], 0);
		CHECK_EQ(h[1], -EFAULT);
		CHECK_EQ(h[2], -EFAULT);
		CHECK_EQ(h[3], -EFAULT);
		CHECK_EQ(h[4], -EFAULT);
		CHECK_EQ(h[7], -EFAULT);
		CHECK_EQ(h[8], -EFAULT);
		CHECK_EQ(h[10], -EFAULT);
		if (!test_kernel_bpf_available())
			continue;
		nk = sequence(kernel_sys, types[t], edge, k);
		REQUIRE(nk == nh);
		for (int i = 0; i < nh; i++)
			if (h[i] != k[i])
				test_fail(__FILE__, __LINE__, "type %u step %d: hive %ld, kernel %ld",
					  types[t], i, h[i], k[i]);
	}
	munmap(edge, 8192);
}
