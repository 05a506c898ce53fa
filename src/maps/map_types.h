/*
 * map_types.h - THE table of map types (no include guard).
 *
 *     X(ID, NAME, OPS, FLAGS)
 *
 *   ID     the kernel's enum bpf_map_type value (Linux 6.18)
 *   NAME   bpftool's name for the type
 *   OPS    the family's struct hive_map_ops, or NONE where hive does not
 *          implement the type (creation fails with EINVAL and a message
 *          naming it)
 *   FLAGS  the creation flags the kernel accepts for the type (its
 *          *_CREATE_FLAG_MASK); the family's alloc_check applies them in
 *          the kernel's order
 *
 * Generates the ops lookup, the type names (messages, CLI) and the flag
 * masks. Ids past the last line are unknown to the kernel too (EINVAL).
 */
#define HIVE_F_ACCESS (BPF_F_RDONLY | BPF_F_WRONLY | BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)
#define HIVE_F_HTAB (BPF_F_NO_PREALLOC | BPF_F_NO_COMMON_LRU | BPF_F_NUMA_NODE | HIVE_F_ACCESS | \
		     BPF_F_ZERO_SEED)
#define HIVE_F_ARRAY (BPF_F_NUMA_NODE | BPF_F_MMAPABLE | HIVE_F_ACCESS | BPF_F_PRESERVE_ELEMS | \
		      BPF_F_INNER_MAP)

X( 0, unspec,                NONE,                 0)
X( 1, hash,                  hive_htab_ops,        HIVE_F_HTAB)
X( 2, array,                 hive_array_ops,       HIVE_F_ARRAY)
X( 3, prog_array,            hive_fd_array_ops,    HIVE_F_ARRAY)
X( 4, perf_event_array,      hive_fd_array_ops,    HIVE_F_ARRAY)
X( 5, percpu_hash,           hive_htab_ops,        HIVE_F_HTAB)
X( 6, percpu_array,          hive_array_ops,       HIVE_F_ARRAY)
X( 7, stack_trace,           hive_stack_trace_ops, BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY | \
						    BPF_F_STACK_BUILD_ID)
X( 8, cgroup_array,          hive_fd_array_ops,    HIVE_F_ARRAY)
X( 9, lru_hash,              hive_htab_ops,        HIVE_F_HTAB)
X(10, lru_percpu_hash,       hive_htab_ops,        HIVE_F_HTAB)
X(11, lpm_trie,              hive_lpm_trie_ops,    BPF_F_NO_PREALLOC | BPF_F_NUMA_NODE | HIVE_F_ACCESS)
X(12, array_of_maps,         hive_array_of_maps_ops, HIVE_F_ARRAY)
X(13, hash_of_maps,          hive_hash_of_maps_ops, HIVE_F_HTAB)
X(14, devmap,                NONE,                 0)
X(15, sockmap,               NONE,                 0)
X(16, cpumap,                NONE,                 0)
X(17, xskmap,                NONE,                 0)
X(18, sockhash,              NONE,                 0)
X(19, cgroup_storage,        NONE,                 0)
X(20, reuseport_sockarray,   NONE,                 0)
X(21, percpu_cgroup_storage, NONE,                 0)
X(22, queue,                 hive_queue_stack_ops, BPF_F_NUMA_NODE | HIVE_F_ACCESS)
X(23, stack,                 hive_queue_stack_ops, BPF_F_NUMA_NODE | HIVE_F_ACCESS)
X(24, sk_storage,            NONE,                 0)
X(25, devmap_hash,           NONE,                 0)
X(26, struct_ops,            NONE,                 0)
X(27, ringbuf,               hive_ringbuf_ops,     BPF_F_NUMA_NODE)
X(28, inode_storage,         NONE,                 0)
X(29, task_storage,          NONE,                 0)
X(30, bloom_filter,          hive_bloom_ops,       BPF_F_NUMA_NODE | BPF_F_ZERO_SEED | HIVE_F_ACCESS)
X(31, user_ringbuf,          hive_ringbuf_ops,     BPF_F_NUMA_NODE)
X(32, cgrp_storage,          NONE,                 0)
X(33, arena,                 NONE,                 0)
