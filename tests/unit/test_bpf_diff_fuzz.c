/*
 * test_bpf_diff_fuzz.c - random MAP_CREATE attributes (a fixed seed, a few
 * thousand draws) given to the kernel and to hive: the verdict (created or
 * the errno) must be the same, whatever the type, sizes, flags, extra,
 * template or name. Sizes are drawn so that no map is large.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness.h"
#include "hive/hive_bpf.h"
#include "test_bpf_diff.h"

#define HIVE_ARRAY_SIZE_(x) (sizeof(x) / sizeof((x)[0]))

static uint64_t seed;

static uint32_t rnd(void)
{
	seed = seed * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(seed >> 33);
}

/* A valid attribute set for each implemented type, then 0 to 3 fields
 * changed at random. */
static void random_attr(union bpf_attr *a, int inner_k)
{
	static const struct { uint32_t type, ks, vs, max, flags; } base[] = {
		{ BPF_MAP_TYPE_HASH, 4, 8, 64, 0 },
		{ BPF_MAP_TYPE_ARRAY, 4, 8, 64, 0 },
		{ BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 8, 0 },
		{ BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 8, 0 },
		{ BPF_MAP_TYPE_PERCPU_HASH, 8, 16, 32, 0 },
		{ BPF_MAP_TYPE_PERCPU_ARRAY, 4, 12, 16, 0 },
		{ BPF_MAP_TYPE_STACK_TRACE, 4, 64, 16, 0 },
		{ BPF_MAP_TYPE_CGROUP_ARRAY, 4, 4, 4, 0 },
		{ BPF_MAP_TYPE_LRU_HASH, 4, 8, 64, 0 },
		{ BPF_MAP_TYPE_LRU_PERCPU_HASH, 4, 8, 64, 0 },
		{ BPF_MAP_TYPE_LPM_TRIE, 8, 8, 64, BPF_F_NO_PREALLOC },
		{ BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 4, 0 },
		{ BPF_MAP_TYPE_HASH_OF_MAPS, 4, 4, 4, 0 },
		{ BPF_MAP_TYPE_QUEUE, 0, 8, 16, 0 },
		{ BPF_MAP_TYPE_STACK, 0, 8, 16, 0 },
		{ BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0 },
		{ BPF_MAP_TYPE_BLOOM_FILTER, 0, 8, 100, 0 },
		{ BPF_MAP_TYPE_USER_RINGBUF, 0, 0, 8192, 0 },
	};
	static const uint32_t sizes[] = { 0, 1, 3, 4, 5, 8, 12, 16, 20, 64, 260, 261, 513, 4096,
					  32768, 32776 };
	static const uint32_t entries[] = { 0, 1, 2, 3, 7, 64, 4096, 4097, 8192, 12288, 65536 };
	static const char *const names[] = { "m", "a.b_c", "bad-name", "0123456789abcde",
					     "0123456789abcdef", "" };
	unsigned b = rnd() % HIVE_ARRAY_SIZE_(base), n = rnd() % 4, i;
	const char *nm;

	memset(a, 0, sizeof(*a));
	a->map_type = base[b].type;
	a->key_size = base[b].ks;
	a->value_size = base[b].vs;
	a->max_entries = base[b].max;
	a->map_flags = base[b].flags;
	if (a->map_type == BPF_MAP_TYPE_ARRAY_OF_MAPS || a->map_type == BPF_MAP_TYPE_HASH_OF_MAPS)
		a->inner_map_fd = (uint32_t)inner_k;
	nm = "m";
	for (i = 0; i < n; i++) {
		switch (rnd() % 9) {
		case 0: a->key_size = sizes[rnd() % HIVE_ARRAY_SIZE_(sizes)]; break;
		case 1: a->value_size = sizes[rnd() % HIVE_ARRAY_SIZE_(sizes)]; break;
		case 2: a->max_entries = entries[rnd() % HIVE_ARRAY_SIZE_(entries)]; break;
		case 3: a->map_flags ^= 1u << (rnd() % 14); break;
		case 4: a->map_flags = rnd() & 0xfffffu; break;
		case 5: a->map_extra = rnd() % 20; break;
		case 6: a->inner_map_fd = rnd() % 2 ? 9999 : a->inner_map_fd ? 0 : (uint32_t)inner_k;
			break;
		case 7: a->numa_node = rnd() % 3; break;
		default: nm = names[rnd() % HIVE_ARRAY_SIZE_(names)]; break;
		}
	}
	memcpy(a->map_name, nm, strlen(nm) < sizeof(a->map_name) ? strlen(nm) :
	       sizeof(a->map_name));
	/* keep every map small: at most 64 MiB of values */
	if ((uint64_t)a->max_entries * (a->value_size + a->key_size + 64) > (64ull << 20))
		a->max_entries = 64;
}

static bool implemented(uint32_t t)
{
	return (t >= 1 && t <= 13) || t == BPF_MAP_TYPE_QUEUE || t == BPF_MAP_TYPE_STACK ||
	       t == BPF_MAP_TYPE_RINGBUF || t == BPF_MAP_TYPE_BLOOM_FILTER ||
	       t == BPF_MAP_TYPE_USER_RINGBUF;
}

TEST(bpf_diff_fuzz_map_create)
{
	union bpf_attr a, b;
	int i, j, bad = 0, kin, hin, created = 0, nseen = 0, seen[16];
	hive_print_fn old;

	if (!test_kernel_bpf_available())
		SKIP("bpf() not permitted: nothing to compare with");
	/* templates for map-in-map: an array on each side */
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 4;
	kin = (int)syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a));
	hin = hive_bpf(BPF_MAP_CREATE, &a, sizeof(a));
	REQUIRE(kin >= 0 && hin >= 0);
	old = hive_set_print(NULL); /* refusals of unimplemented types are warned */
	seed = getenv("HIVE_FUZZ_SEED") ? strtoull(getenv("HIVE_FUZZ_SEED"), NULL, 0) : 2024;
	for (i = 0; i < 3000 && bad < 10; i++) {
		long kr, hr;
		int ke, he;
		uint64_t s0 = seed;

		random_attr(&a, kin);
		seed = s0;
		random_attr(&b, hin);
		errno = 0;
		kr = syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a));
		ke = kr < 0 ? errno : 0;
		errno = 0;
		hr = hive_bpf(BPF_MAP_CREATE, &b, sizeof(b));
		he = hr < 0 ? errno : 0;
		created += kr >= 0 && hr >= 0;
		for (j = 0; j < nseen && seen[j] != ke; j++)
			;
		if (j == nseen && nseen < 16)
			seen[nseen++] = ke;
		if (kr >= 0)
			close((int)kr);
		if (hr >= 0)
			close((int)hr);
		if ((kr < 0) != (hr < 0) || ke != he) {
			/* map types hive does not implement are refused on purpose */
			if (!implemented(a.map_type) && a.map_type < 34 && he == EINVAL)
				continue;
			test_fail(__FILE__, __LINE__,
				  "draw %d: type %u key %u value %u max %u flags 0x%x extra %llu inner %s numa %u name \"%.16s\": kernel %s, hive %s",
				  i, a.map_type, a.key_size, a.value_size, a.max_entries, a.map_flags,
				  (unsigned long long)a.map_extra, a.inner_map_fd ? "yes" : "no",
				  a.numa_node, a.map_name, kr >= 0 ? "ok" : strerror(ke),
				  hr >= 0 ? "ok" : strerror(he));
			bad++;
		}
	}
	hive_set_print(old);
	/* the draws reach both successes and several different refusals */
	CHECK(created > 100);
	CHECK(nseen >= 4); /* success and at least three different errno */
	close(kin);
	close(hin);
}

/*
 * Random element commands on every implemented type: one map per round,
 * 80 commands drawn from update/lookup/delete/get_next_key/lookup-and-
 * delete/batches with keys from a small domain (or none), random flags,
 * compared step by step by the diff harness. Hash maps use a zero seed so
 * that even the key order is comparable; LRU maps are never filled.
 */
TEST(bpf_diff_fuzz_elements)
{
	static const struct { uint32_t type, ks, vs, max, flags; } maps[] = {
		{ BPF_MAP_TYPE_HASH, 4, 8, 16, BPF_F_ZERO_SEED },
		{ BPF_MAP_TYPE_HASH, 3, 5, 16, BPF_F_ZERO_SEED | BPF_F_NO_PREALLOC },
		{ BPF_MAP_TYPE_ARRAY, 4, 12, 16, 0 },
		{ BPF_MAP_TYPE_PERCPU_HASH, 4, 4, 16, BPF_F_ZERO_SEED },
		{ BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 16, 0 },
		{ BPF_MAP_TYPE_LRU_HASH, 4, 8, 256, BPF_F_ZERO_SEED },
		{ BPF_MAP_TYPE_LPM_TRIE, 8, 8, 16, BPF_F_NO_PREALLOC },
		{ BPF_MAP_TYPE_QUEUE, 0, 8, 8, 0 },
		{ BPF_MAP_TYPE_STACK, 0, 8, 8, 0 },
		{ BPF_MAP_TYPE_BLOOM_FILTER, 0, 8, 16, BPF_F_ZERO_SEED },
		{ BPF_MAP_TYPE_STACK_TRACE, 4, 16, 8, 0 },
		{ BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0 },
	};
	struct diff_op ops[90];
	unsigned round, m, i;
	int n, skipped = 0;

	seed = getenv("HIVE_FUZZ_SEED") ? strtoull(getenv("HIVE_FUZZ_SEED"), NULL, 0) : 99;
	for (round = 0; round < 24; round++) {
		m = round % (unsigned)HIVE_ARRAY_SIZE_(maps);
		n = 0;
		ops[n++] = (struct diff_op)DC(0, maps[m].type, maps[m].ks, maps[m].vs, maps[m].max,
					       maps[m].flags);
		for (i = 0; i < 80; i++) {
			struct diff_op o;
			uint64_t k = rnd() % 24;
			uint64_t fl = rnd() % 7 == 0 ? rnd() % 6 : rnd() % 3;

			if (maps[m].type == BPF_MAP_TYPE_LPM_TRIE)
				k = LPMK(rnd() % 34, rnd() % 3 * 64, rnd() % 2, 0, 0);
			if (maps[m].ks == 0 && rnd() % 8)
				k = NOKEY;
			if (rnd() % 16 == 0)
				k = NOKEY;
			switch (rnd() % 10) {
			case 0: case 1: case 2:
				o = (struct diff_op)DU(0, k, rnd(), fl);
				break;
			case 3: case 4:
				o = (struct diff_op)DL(0, k);
				break;
			case 5:
				o = (struct diff_op)DD(0, k);
				break;
			case 6:
				o = (struct diff_op)DN(0, k);
				break;
			case 7:
				o = (struct diff_op)DLD(0, k, rnd() % 5 == 0 ? BPF_F_LOCK : 0);
				break;
			case 8:
				o = (struct diff_op)DBU(0, k == NOKEY ? 0 : k, rnd(), 1 + rnd() % 4);
				break;
			default:
				o = (struct diff_op)DBL(0, 1 + rnd() % 6, 0);
				break;
			}
			ops[n++] = o;
		}
		ops[n++] = (struct diff_op)DK(0);
		skipped |= diff_run(__func__, ops, n);
	}
	if (skipped)
		SKIP("bpf() not permitted: only the hive side ran");
}
