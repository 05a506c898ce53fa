/*
 * btf_obj.h - BTF as a kernel object of hive's bpf() (btf_obj.c).
 *
 * A BTF object is an object file (core/obj.h) whose payload is the raw,
 * validated BTF as BPF_BTF_LOAD received it (what BPF_OBJ_GET_INFO_BY_FD
 * gives back byte for byte); the kind area of its header page holds
 * struct hive_btf_def. Each process that uses it parses the payload once
 * into a struct hive_btf (loader/btf.h) for the checks of MAP_CREATE and
 * PROG_LOAD. Maps and programs that name a BTF keep it alive through a
 * registry reference link in slot HIVE_BTF_REF_SLOT.
 */
#ifndef HIVE_CORE_BTF_OBJ_H
#define HIVE_CORE_BTF_OBJ_H

#include <linux/bpf.h>
#include <stdint.h>

#include "core/obj.h"

struct hive_btf;

/* Reference-link slot of a map or program that holds its BTF (far above
 * any map slot or program map index). */
#define HIVE_BTF_REF_SLOT (1ull << 40)

/* Attributes of a BTF object, in the header page. */
struct hive_btf_def {
	uint32_t data_size;          /* bytes of raw BTF at payload offset 0 */
	uint32_t kernel_btf;         /* always 0: hive has no kernel BTF objects */
	uint8_t reserved[120];
};

/* A BTF object mapped into this process. */
struct hive_btf_obj {
	struct hive_obj obj;         /* first: a BTF is an object */
	struct hive_btf_def *def;
	struct hive_btf *btf;        /* parsed payload (this process) */
};

static inline struct hive_btf_obj *to_btf_obj(struct hive_obj *obj)
{
	return (struct hive_btf_obj *)obj;
}

/* BPF_BTF_LOAD, BPF_BTF_GET_FD_BY_ID, BPF_BTF_GET_NEXT_ID; -ENOSYS for others. */
int btf_obj_cmd(int cmd, union bpf_attr *attr, unsigned size);
/* BPF_OBJ_GET_INFO_BY_FD on a BTF object (struct bpf_btf_info). */
int btf_obj_info(struct hive_obj *obj, union bpf_attr *attr);

/*
 * Resolve BTF handle @fd (the kernel's btf_get_by_fd): -EBADF if @fd is not
 * open, -EINVAL if it is not a BTF. On success *btfp is referenced
 * (obj_put(&(*btfp)->obj) when done).
 */
int btf_obj_from_fd(int fd, struct hive_btf_obj **btfp);
/* This process's view of BTF @id (mapped on demand), referenced, or NULL. */
struct hive_btf_obj *btf_obj_get_by_id(uint32_t id);

/*
 * Offset of the struct bpf_spin_lock in values of type @id (a struct or
 * union, typedefs and modifiers skipped; nested structs searched): *off,
 * or -1 without one. Returns 0, -E2BIG for two locks, -EINVAL for a
 * misaligned one.
 */
int btf_spin_lock_off(const struct hive_btf *btf, uint32_t id, int32_t *off);

/*
 * MAP_CREATE's BTF part (the kernel's map_check_btf and the types'
 * map_check_btf): the key and value types of @attr against its sizes,
 * the special fields of the value and where the type allows them. On
 * success fills def->btf_* and def->spin_lock_off and, when @btfp is not
 * NULL, returns the BTF referenced in *btfp (or NULL when the map has no
 * BTF types). Errors: -EBADF/-EINVAL (btf_fd), -EINVAL (types), -EOPNOTSUPP
 * (a lock where the type has none), -ENOTSUPP (524, a type without BTF).
 */
struct hive_map_def;
int btf_map_check(const union bpf_attr *attr, struct hive_map_def *def, struct hive_btf_obj **btfp);

#endif /* HIVE_CORE_BTF_OBJ_H */
