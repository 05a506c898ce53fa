/*
 * hive_bpf.h - the bpf() system call as a library: hive_bpf() takes the
 * kernel's command numbers and union bpf_attr (<linux/bpf.h>) and returns
 * what the kernel returns (a handle >= 0, or -1 with errno), so code
 * written against syscall(SYS_bpf, ...) runs on hive by swapping the
 * function. Thin wrappers in libbpf's shape return negative errno.
 *
 * Handles are real file descriptors: close(), dup(), fork(), exec (they
 * are close-on-exec, as the kernel's) and SCM_RIGHTS behave as with the
 * kernel's map descriptors. Objects are shared between processes like
 * kernel objects: ids are unique per hive filesystem, pinned objects
 * outlive their creator, and an unpinned object disappears with the last
 * descriptor to it. The hive filesystem (the bpffs of hive) is HIVE_FS if
 * set, else /run/hive for root, else $XDG_RUNTIME_DIR/hive, else
 * /tmp/hive-UID; OBJ_PIN outside it fails with EPERM, OBJ_GET with EACCES.
 * See docs/bpf-abi.md for the design and docs/maps.md for the map types.
 */
#ifndef HIVE_BPF_H
#define HIVE_BPF_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

#include "hive.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief The bpf() system call, served in user space.
 * @param cmd a BPF_* command (enum bpf_cmd).
 * @param attr the command's attributes; read, and written back for the
 *   commands that return data in it (GET_NEXT_ID, GET_INFO, batches).
 * @param size bytes of @p attr (as the kernel's third argument).
 * @return as the kernel: a new handle or 0 on success, -1 with errno on
 *   failure. Commands hive does not implement fail with EINVAL.
 */
HIVE_API int hive_bpf(int cmd, union bpf_attr *attr, unsigned int size);

/** Options of hive_map_create(), as libbpf's bpf_map_create_opts. */
struct hive_map_create_opts {
	size_t sz;                  /**< sizeof(struct hive_map_create_opts) */
	uint32_t btf_fd;
	uint32_t btf_key_type_id;
	uint32_t btf_value_type_id;
	uint32_t btf_vmlinux_value_type_id;
	uint32_t inner_map_fd;      /**< template for ARRAY/HASH_OF_MAPS */
	uint32_t map_flags;         /**< BPF_F_* creation flags */
	uint64_t map_extra;         /**< bloom filter: number of hashes */
	uint32_t numa_node;
	uint32_t map_ifindex;
};
#define HIVE_MAP_CREATE_OPTS(name, ...) \
	struct hive_map_create_opts name = { .sz = sizeof(struct hive_map_create_opts), __VA_ARGS__ }

/** Options of the batch wrappers, as libbpf's bpf_map_batch_opts. */
struct hive_map_batch_opts {
	size_t sz;                  /**< sizeof(struct hive_map_batch_opts) */
	uint64_t elem_flags;
	uint64_t flags;
};

/**
 * @brief BPF_MAP_CREATE.
 * @param name map name (up to 15 characters of [A-Za-z0-9_.]) or NULL.
 * @param opts NULL or options (sz must be set).
 * @return a map handle, or a negative errno.
 */
HIVE_API int hive_map_create(enum bpf_map_type type, const char *name, uint32_t key_size,
			     uint32_t value_size, uint32_t max_entries,
			     const struct hive_map_create_opts *opts);
/** @brief BPF_MAP_LOOKUP_ELEM. @return 0 or a negative errno (-ENOENT: no such key). */
HIVE_API int hive_map_lookup_elem(int fd, const void *key, void *value);
/** @brief BPF_MAP_LOOKUP_ELEM with flags (BPF_F_LOCK). */
HIVE_API int hive_map_lookup_elem_flags(int fd, const void *key, void *value, uint64_t flags);
/** @brief BPF_MAP_UPDATE_ELEM with BPF_ANY/BPF_NOEXIST/BPF_EXIST. @return 0 or -errno. */
HIVE_API int hive_map_update_elem(int fd, const void *key, const void *value, uint64_t flags);
/** @brief BPF_MAP_DELETE_ELEM. @return 0 or -errno. */
HIVE_API int hive_map_delete_elem(int fd, const void *key);
/** @brief BPF_MAP_GET_NEXT_KEY (@p key NULL: first key). @return 0, -ENOENT at the end. */
HIVE_API int hive_map_get_next_key(int fd, const void *key, void *next_key);
/** @brief BPF_MAP_LOOKUP_AND_DELETE_ELEM (queues/stacks: pop, key NULL). */
HIVE_API int hive_map_lookup_and_delete_elem(int fd, const void *key, void *value);
/** @brief BPF_MAP_FREEZE: no more writes from user space. */
HIVE_API int hive_map_freeze(int fd);
/**
 * @brief BPF_MAP_LOOKUP_BATCH. @p count: in, room in @p keys/@p values;
 * out, elements copied. @return 0, -ENOENT when the map was exhausted
 * (with *count valid), or -errno.
 */
HIVE_API int hive_map_lookup_batch(int fd, void *in_batch, void *out_batch, void *keys,
				   void *values, uint32_t *count,
				   const struct hive_map_batch_opts *opts);
/** @brief BPF_MAP_LOOKUP_AND_DELETE_BATCH (see hive_map_lookup_batch). */
HIVE_API int hive_map_lookup_and_delete_batch(int fd, void *in_batch, void *out_batch,
					      void *keys, void *values, uint32_t *count,
					      const struct hive_map_batch_opts *opts);
/** @brief BPF_MAP_UPDATE_BATCH. */
HIVE_API int hive_map_update_batch(int fd, const void *keys, const void *values,
				   uint32_t *count, const struct hive_map_batch_opts *opts);
/** @brief BPF_MAP_DELETE_BATCH. */
HIVE_API int hive_map_delete_batch(int fd, const void *keys, uint32_t *count,
				   const struct hive_map_batch_opts *opts);
/** @brief BPF_OBJ_PIN: pin the object behind @p fd at @p path (in the hive fs). */
HIVE_API int hive_obj_pin(int fd, const char *path);
/** @brief BPF_OBJ_GET: a new handle to the object pinned at @p path. */
HIVE_API int hive_obj_get(const char *path);
/** @brief BPF_OBJ_GET with BPF_F_RDONLY / BPF_F_WRONLY in @p file_flags. */
HIVE_API int hive_obj_get_flags(const char *path, uint32_t file_flags);
/** @brief BPF_MAP_GET_NEXT_ID: the next live map id after @p start_id. */
HIVE_API int hive_map_get_next_id(uint32_t start_id, uint32_t *next_id);
/** @brief BPF_MAP_GET_FD_BY_ID: a new handle to live map @p id. */
HIVE_API int hive_map_get_fd_by_id(uint32_t id);
/**
 * @brief BPF_OBJ_GET_INFO_BY_FD. @p info_len: in, size of @p info; out,
 * bytes written. For maps, @p info is a struct bpf_map_info.
 */
HIVE_API int hive_obj_get_info_by_fd(int fd, void *info, uint32_t *info_len);
/**
 * @brief Where the code of each instruction of a JIT-compiled hive
 * program lies (a hive extension of BPF_OBJ_GET_INFO_BY_FD's jited fields).
 * @param prog_fd a hive program handle.
 * @param offs out: offs[pc] is the byte offset, in the code
 *   bpf_prog_info.jited_prog_insns reports, where the code of xlated
 *   instruction pc starts (the first instruction of a function: its
 *   prologue, as jited_ksyms); the second slot of an lddw repeats the
 *   first's. min(@p cnt, instruction count) entries are written; may be
 *   NULL when @p cnt is 0.
 * @param cnt entries of @p offs.
 * @return the program's instruction count, -EBADF/-EINVAL for a handle
 *   that is not a hive program, -HIVE_ENOJIT when it is not JIT-compiled.
 */
HIVE_API int hive_prog_jited_insn_offsets(int prog_fd, uint32_t *offs, uint32_t cnt);

/**
 * @brief The directory that plays bpffs for hive (created if missing).
 * @return a static string, or NULL with errno set.
 */
HIVE_API const char *hive_fs_path(void);

/** @brief Number of possible CPUs (the per-CPU value count of per-CPU maps). */
HIVE_API int hive_num_possible_cpus(void);

/**
 * @brief The lines the kernel shows in /proc/PID/fdinfo for a bpf handle,
 *        for a hive handle: "map_type:\t1\nkey_size:\t4\n...memlock:\t8192\n
 *        map_id:\t3\nfrozen:\t0\n" for a map, "prog_type:...prog_jited:...
 *        prog_tag:...memlock:...prog_id:..." for a program, "btf_id:" or
 *        "link_id:" for the other kinds (memlock: bytes of the object's file).
 * @param buf receives the NUL-terminated text (cut to fit, as snprintf).
 * @return the full length (as snprintf), or -EBADF / -EINVAL (not a hive handle).
 */
HIVE_API int hive_obj_fdinfo(int fd, char *buf, size_t size);

/** @brief bpftool's name of a map type ("hash", "percpu_array"), or NULL. */
HIVE_API const char *hive_map_type_str(enum bpf_map_type type);

/** @brief libbpf's name of a program type ("xdp", "sched_cls"), or NULL. */
HIVE_API const char *hive_prog_type_str(enum bpf_prog_type type);

#ifdef __cplusplus
}
#endif
#endif /* HIVE_BPF_H */
