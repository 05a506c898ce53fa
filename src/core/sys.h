/*
 * sys.h - command handlers of hive_bpf() that are not map-specific
 * (objcmd.c): pinning, ids, info. Each takes the zero-extended attr and
 * returns a handle, 0, or -errno.
 */
#ifndef HIVE_CORE_SYS_H
#define HIVE_CORE_SYS_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/obj.h"

/* Whether bytes [end, HIVE_ATTR_SIZE) of @attr are not all zero. */
bool attr_tail_nonzero(const union bpf_attr *attr, size_t end);

/* Extra command handler a later module installs (programs, BTF, links):
 * return -ENOSYS for commands it does not serve. */
extern int (*hive_bpf_ext)(int cmd, union bpf_attr *attr, unsigned int size);

int sys_obj_pin(union bpf_attr *attr);
int sys_obj_get(union bpf_attr *attr);
int sys_get_next_id(enum hive_obj_kind kind, union bpf_attr *attr);
int sys_map_get_fd_by_id(union bpf_attr *attr);
int sys_obj_get_info(union bpf_attr *attr);

/* Open a handle to object (@kind, @id) with BPF_F_RDONLY/WRONLY @flags. */
int sys_get_fd_by_id(enum hive_obj_kind kind, uint32_t id, unsigned flags);

/* Per-kind info filler a later module installs (programs, BTF, links). */
extern int (*hive_obj_info_ext)(struct hive_obj *obj, union bpf_attr *attr);

/* O_RDONLY/O_WRONLY/O_RDWR for BPF_F_RDONLY/BPF_F_WRONLY, or -EINVAL. */
int bpf_file_flag(unsigned flags);

#endif /* HIVE_CORE_SYS_H */
