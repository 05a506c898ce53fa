/*
 * kinds.h - per-kind hooks of the object layer. Each kind of object (map,
 * program, BTF, link) supplies the size of its per-process structure
 * (which starts with struct hive_obj) and how to attach to a freshly
 * mapped file and detach before unmapping.
 *
 * The map layer defines hive_map_kind_ops (maps/map.c). Other kinds define
 * hive_prog_kind_ops, hive_btf_kind_ops, hive_link_kind_ops in their own
 * modules: obj.c refers to them weakly, so a kind nobody implements yet is
 * simply refused (-EINVAL).
 */
#ifndef HIVE_CORE_KINDS_H
#define HIVE_CORE_KINDS_H

#include <stddef.h>

#include "core/obj.h"

#define HIVE_HDR_F_READY 1u    /* fully initialised; others may map it */
#define HIVE_HDR_F_ANCHORED 2u /* has an anchor link (not counted as a pin) */

struct hive_kind_ops {
	size_t obj_size;                       /* sizeof the per-process struct */
	int (*attach)(struct hive_obj *obj);   /* derive per-process state */
	void (*detach)(struct hive_obj *obj);  /* undo attach before unmap */
};

extern const struct hive_kind_ops hive_map_kind_ops;
extern const struct hive_kind_ops hive_prog_kind_ops __attribute__((weak));
extern const struct hive_kind_ops hive_btf_kind_ops __attribute__((weak));
extern const struct hive_kind_ops hive_link_kind_ops __attribute__((weak));

static inline const struct hive_kind_ops *hive_kind(unsigned kind)
{
	switch (kind) {
	case HIVE_OBJ_MAP:
		return &hive_map_kind_ops;
	case HIVE_OBJ_PROG:
		return &hive_prog_kind_ops;
	case HIVE_OBJ_BTF:
		return &hive_btf_kind_ops;
	case HIVE_OBJ_LINK:
		return &hive_link_kind_ops;
	default:
		return NULL;
	}
}

/* Abandon an object obj_create() made but that was never published. */
void obj_abandon(struct hive_obj *obj);

#endif /* HIVE_CORE_KINDS_H */
