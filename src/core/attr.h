/*
 * attr.h - the parts of the bpf() ABI newer than the system's
 * <linux/bpf.h> (Linux 6.1 headers here; hive follows Linux 6.18), written
 * from the ABI's documented layout: sizes, offsets and flag values only.
 */
#ifndef HIVE_CORE_ATTR_H
#define HIVE_CORE_ATTR_H

#include <linux/bpf.h>
#include <stddef.h>

/* sizeof(union bpf_attr) of Linux 6.18: larger user structs must have a
 * zero tail (E2BIG otherwise), as bpf_check_uarg_tail_zero(). */
#define HIVE_ATTR_SIZE 168u
/* Anything larger than a page is refused outright. */
#define HIVE_ATTR_MAX 4096u

/* Map creation fields after map_extra (Linux 6.9+). */
#define HIVE_ATTR_VALUE_TYPE_BTF_OBJ_FD_OFF 72u
#define HIVE_ATTR_MAP_TOKEN_FD_OFF 76u
#define HIVE_ATTR_EXCL_PROG_HASH_OFF 80u
#define HIVE_ATTR_EXCL_PROG_HASH_SIZE_OFF 88u

/* BPF_OBJ_PIN / BPF_OBJ_GET: path_fd after file_flags (Linux 6.5+). */
#define HIVE_ATTR_PATH_FD_OFF 16u
#define HIVE_F_PATH_FD (1u << 14)

/* Newer map creation flags. */
#define HIVE_F_VTYPE_BTF_OBJ_FD (1u << 15)
#define HIVE_F_TOKEN_FD (1u << 16)

/* One past the last field each command reads (the kernel's
 * CMD##_LAST_FIELD), Linux 6.18. Bytes from there to HIVE_ATTR_SIZE must
 * be zero (EINVAL otherwise). */
#define HIVE_MAP_CREATE_END 92u         /* excl_prog_hash_size */
#define HIVE_MAP_ELEM_END 32u           /* flags */
#define HIVE_MAP_GET_NEXT_KEY_END 24u   /* next_key */
#define HIVE_MAP_FREEZE_END 4u          /* map_fd */
#define HIVE_MAP_BATCH_END 56u          /* batch.flags */
#define HIVE_OBJ_END 20u                /* path_fd */
#define HIVE_GET_NEXT_ID_END 8u         /* next_id */
#define HIVE_GET_FD_BY_ID_END 12u       /* open_flags */
#define HIVE_INFO_END 16u               /* info.info */

/* Raw view of an attr buffer: HIVE_ATTR_SIZE bytes, zero-extended. */
union hive_attr_buf {
	union bpf_attr attr;
	unsigned char raw[HIVE_ATTR_SIZE];
};

#endif /* HIVE_CORE_ATTR_H */
