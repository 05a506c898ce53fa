/*
 * map.h - hive's maps: the per-process view of a map object, the ops
 * vtable each map family implements, and the internal API the syscall
 * layer (core/syscall.c) and the program helpers use.
 *
 * A map is an object file (core/obj.h): its payload holds the data, laid
 * out by the family's layout() and addressed by offsets; the header page
 * holds struct hive_map_def. Several processes and threads use one map at
 * once: families use process-shared robust locks (shm.h) for writers and
 * let array and hash lookups run without any global lock.
 *
 * Two views of a value:
 *  - syscall view: what bpf(BPF_MAP_*_ELEM) copies in/out: for per-CPU maps
 *    ncpus * round_up(value_size, 8) bytes; for fd maps (prog/map arrays,
 *    hash of maps) a u32 fd in, a u32 id out.
 *  - program view: map_lookup_elem_ptr() returns a pointer into the shared
 *    mapping (for per-CPU maps, the calling CPU's slot), valid while the
 *    process holds the map; updates from programs pass one value.
 *
 * Internal API for the helpers (all return 0 or -errno unless stated):
 *   map_lookup_elem_ptr(map, key)            value pointer or NULL
 *   map_lookup_percpu_ptr(map, key, cpu)     per-CPU slot pointer or NULL
 *   map_update_elem(map, key, value, flags)  program-side update
 *   map_delete_elem(map, key)
 *   map_push_elem / map_pop_elem / map_peek_elem (queue, stack, bloom)
 *   map_for_each(map, cb, ctx)               bpf_for_each_map_elem
 *   map_get_inner(map, key)                  map-in-map: inner map, referenced
 *   map_prog_array_get(map, index, &id)      prog array slot -> prog id
 *   stack_map_store(map, ips, nr, flags)     bpf_get_stackid
 *   ringbuf_* (ringbuf.h)                    reserve/submit/discard/output
 */
#ifndef HIVE_MAPS_MAP_H
#define HIVE_MAPS_MAP_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/obj.h"

/* Attributes of a map, in the header page (shared by every process). */
struct hive_map_def {
	uint32_t map_type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;          /* creation flags less RDONLY/WRONLY */
	int32_t numa_node;
	char name[16];
	uint64_t map_extra;
	_Atomic uint32_t frozen;
	uint32_t ncpus;              /* possible CPUs at creation (per-CPU maps) */
	uint32_t stride;             /* round_up(value_size, 8) */
	uint32_t n_buckets;          /* hash and stack maps */
	uint32_t seed;               /* hash seed (0 with BPF_F_ZERO_SEED) */
	uint32_t pad;
	uint64_t ctl_off;            /* family control block in the payload */
	uint64_t data_off;           /* family data in the payload */
	uint64_t data_size;          /* bytes user space may mmap (MMAPABLE, ringbuf) */
	/* map-in-map: the inner map template */
	uint32_t inner_type, inner_key_size, inner_value_size, inner_max_entries;
	uint32_t inner_map_flags;
	uint32_t btf_id, btf_key_type_id, btf_value_type_id, btf_vmlinux_value_type_id;
	uint32_t prog_type;          /* prog array owner (0: none yet) */
	int32_t spin_lock_off;       /* bpf_spin_lock in values (BTF), -1: none */
	uint8_t reserved[124];
};

struct hive_map;

/* Callback of map_for_each: return non-zero to stop. */
typedef long (*hive_map_iter_fn)(struct hive_map *map, void *key, void *value, void *ctx);

/*
 * Ops of one map family. NULL entries mean "not supported" and map to the
 * kernel's error for that command (see map.c).
 */
struct hive_map_ops {
	/* creation: check attributes (kernel's map_alloc_check + the checks
	 * of its map_alloc), then size the payload and fill the def. */
	int (*alloc_check)(const union bpf_attr *attr);
	int (*layout)(const union bpf_attr *attr, struct hive_map_def *def, size_t *payload);
	int (*init)(struct hive_map *map);          /* fresh payload: locks, lists */
	/* element access */
	void *(*lookup)(struct hive_map *map, const void *key);  /* program view */
	int (*sys_lookup)(struct hive_map *map, const void *key, void *value, uint64_t flags);
	int (*update)(struct hive_map *map, const void *key, const void *value, uint64_t flags,
		      bool sys);
	int (*delete)(struct hive_map *map, const void *key);
	int (*get_next_key)(struct hive_map *map, const void *key, void *next_key);
	int (*lookup_and_delete)(struct hive_map *map, const void *key, void *value,
				 uint64_t flags);
	int (*push)(struct hive_map *map, const void *value, uint64_t flags);
	int (*pop)(struct hive_map *map, void *value);
	int (*peek)(struct hive_map *map, void *value);
	int (*for_each)(struct hive_map *map, hive_map_iter_fn cb, void *ctx);
	/* batch: the hash family walks buckets; others use the generic loop */
	int (*lookup_batch)(struct hive_map *map, union bpf_attr *attr, bool do_delete);
	unsigned batch;              /* HIVE_BATCH_* supported */
	/* releasing objects referenced by slots (fd maps) when freed */
	void (*detach)(struct hive_map *map);
};

#define HIVE_BATCH_LOOKUP     1u
#define HIVE_BATCH_LOOKUP_DEL 2u
#define HIVE_BATCH_UPDATE     4u
#define HIVE_BATCH_DELETE     8u

/* A map mapped into this process. */
struct hive_map {
	struct hive_obj obj;         /* first: a map is an object */
	const struct hive_map_ops *ops;
	struct hive_map_def *def;    /* in the header page */
	uint8_t *base;               /* payload start */
	void *ctl;                   /* base + def->ctl_off */
	uint8_t *data;               /* base + def->data_off */
	uint32_t map_type, key_size, value_size, max_entries, map_flags;
	uint32_t ncpus, stride;
};

static inline struct hive_map *to_map(struct hive_obj *obj)
{
	return (struct hive_map *)obj;
}

/* Size of the syscall view of a value. */
uint32_t map_sys_value_size(const struct hive_map *map);

/* The CPU slot a program running now uses for per-CPU maps. */
uint32_t map_this_cpu(const struct hive_map *map);

/* ---- syscall side (core/syscall.c) -------------------------------------- */
int map_create(union bpf_attr *attr);
int map_cmd_lookup(union bpf_attr *attr);
int map_cmd_update(union bpf_attr *attr);
int map_cmd_delete(union bpf_attr *attr);
int map_cmd_get_next_key(union bpf_attr *attr);
int map_cmd_lookup_and_delete(union bpf_attr *attr);
int map_cmd_freeze(union bpf_attr *attr);
int map_cmd_batch(int cmd, union bpf_attr *attr);
/* BPF_OBJ_GET_INFO_BY_FD on a map: fills attr->info.info, sets info_len. */
int map_cmd_info(struct hive_map *map, union bpf_attr *attr);

/* ---- program side (helpers) --------------------------------------------- */
void *map_lookup_elem_ptr(struct hive_map *map, const void *key);
void *map_lookup_percpu_ptr(struct hive_map *map, const void *key, uint32_t cpu);
int map_update_elem(struct hive_map *map, const void *key, const void *value, uint64_t flags);
int map_delete_elem(struct hive_map *map, const void *key);
int map_push_elem(struct hive_map *map, const void *value, uint64_t flags);
int map_pop_elem(struct hive_map *map, void *value);
int map_peek_elem(struct hive_map *map, void *value);
int map_for_each(struct hive_map *map, hive_map_iter_fn cb, void *ctx);
/* Map-in-map: the inner map stored at @key, referenced (put with
 * obj_put(&inner->obj)), or NULL. */
struct hive_map *map_get_inner(struct hive_map *map, const void *key);
/* Prog array: id of the program at @index, or -ENOENT. */
int map_prog_array_get(struct hive_map *map, uint32_t index, uint32_t *prog_id);
/* Prog array owner type: the first program type stored or loaded with the
 * array wins; 0, or -EINVAL for another type (PROG_LOAD calls it for the
 * prog arrays a program tail-calls into, as the kernel). */
int map_prog_array_compatible(struct hive_map *map, uint32_t prog_type);
/* Cgroup array: the cgroup id (the cgroup v2 directory's inode) at @index. */
int cgroup_array_get(struct hive_map *map, uint32_t index, uint64_t *cgroup_id);
/* Perf event array: what slot @index holds: a hive perf ring (*pid -1,
 * *fd its map id) or the perf event descriptor *fd of process *pid;
 * -ENOENT when empty or when the map handle it was stored through has been
 * released (the slot is then emptied, as the kernel's
 * perf_event_fd_array_release). */
int perf_array_get(struct hive_map *map, uint32_t index, int *pid, int *fd);
/* The map descriptor of the bpf() command this thread is running (-1
 * outside one): PERF_EVENT_ARRAY slots remember the handle they were
 * stored through. */
extern _Thread_local int map_cmd_fd;
/* Stack trace map: store a trace for bpf_get_stackid(); the stack id,
 * -EEXIST (slot taken, no BPF_F_REUSE_STACKID) or -ENOMEM (full). */
int stack_map_store(struct hive_map *map, const uint64_t *ips, uint32_t nr, uint64_t flags);
/* Resolve a map handle for the loader/verifier (referenced). */
int map_from_fd(int fd, struct hive_map **mapp);

/* Hook filled by the program module: is @fd a program handle, and which
 * id has it? Default (no program support linked): -EINVAL / -EBADF. */
extern int (*hive_prog_fd_to_id)(int fd, uint32_t *id);

/* ---- helpers for families ----------------------------------------------- */
static inline uint32_t round_up8(uint32_t v)
{
	return (v + 7u) & ~7u;
}

static inline uint64_t page_align(uint64_t v)
{
	return (v + 4095u) & ~(uint64_t)4095u;
}

static inline bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static inline uint64_t roundup_pow2(uint64_t v)
{
	uint64_t r = 1;

	while (r < v)
		r <<= 1;
	return r;
}

/* bpf_map_flags_access_ok() */
static inline bool map_flags_access_ok(uint32_t flags)
{
	return (flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)) !=
	       (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG);
}

static inline int32_t attr_numa_node(const union bpf_attr *attr)
{
	return (attr->map_flags & BPF_F_NUMA_NODE) ? (int32_t)attr->numa_node : -1;
}

/* The kernel's limits the families check against. */
#define HIVE_KMALLOC_MAX_SIZE (4u << 20)   /* x86-64: order-10 pages */
#define HIVE_PCPU_MIN_UNIT_SIZE (32u << 10)
#define HIVE_PERF_MAX_STACK 127u
#define HIVE_ENOTSUPP 524                 /* the kernel's internal ENOTSUPP */

#endif /* HIVE_MAPS_MAP_H */
