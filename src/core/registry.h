/*
 * registry.h - the hive filesystem, object ids and pinning (registry.c).
 *
 * Layout of the hive filesystem (HIVE_FS, else /run/hive for root, else
 * $XDG_RUNTIME_DIR/hive, else /tmp/hive-UID):
 *
 *   <root>/...                 user pins (OBJ_PIN/OBJ_GET), like /sys/fs/bpf
 *   <root>/.hive/              state directory (pins refused there)
 *   <root>/.hive/ids           counter page: next id per object kind
 *   <root>/.hive/<kind>/<id>/  one directory per live id, holding hints:
 *        P<pid>.<fd>  -> /proc/<pid>/fd/<fd>   a process that maps it
 *        L<n>         -> <pin path>            a pin
 *   <root>/.hive/refs/         hard links that keep referenced objects alive
 *
 * Object files are O_TMPFILE files of the state directory: same filesystem
 * as the pins, so pinning is a link of the open file (linkat through
 * /proc/self/fd, which needs no capability).
 */
#ifndef HIVE_CORE_REGISTRY_H
#define HIVE_CORE_REGISTRY_H

#include <stdint.h>

#include "core/obj.h"

/* Root of the hive fs and its state directory (created on demand). NULL
 * with errno set when neither can be created. */
const char *reg_root(void);
const char *reg_state(void);

/* Claim a fresh id of @kind for the object open as @fd (its internal
 * descriptor) and register this process as a holder. */
int reg_alloc_id(enum hive_obj_kind kind, uint32_t *id);
/* Record that process @pid maps object (@kind, @id) through descriptor @fd. */
int reg_add_hint(enum hive_obj_kind kind, uint32_t id, pid_t pid, int fd);
void reg_del_hint(enum hive_obj_kind kind, uint32_t id, pid_t pid, int fd);

/* The smallest live id of @kind greater than @start: 0 or -ENOENT. */
int reg_next_id(enum hive_obj_kind kind, uint32_t start, uint32_t *next);
/* Open (not as a handle) the live object (@kind, @id) with @oflags
 * (O_RDWR, O_RDONLY...). Returns an fd or -ENOENT. */
int reg_open_id(enum hive_obj_kind kind, uint32_t id, int oflags);

/* Pin the object open as @fd at @path (relative to @dirfd). */
int reg_pin(struct hive_obj *obj, int dirfd, const char *path);
/* Open the pinned object at @path; returns an fd (not yet a handle). */
int reg_open_pinned(int dirfd, const char *path, int oflags);

/* Reference links: slot @slot of holder (@hkind, @hid) keeps @target alive
 * (a hard link under <state>/refs). Links of holders that died are not
 * collected yet (see docs/bpf-abi.md). */
int reg_ref_add(enum hive_obj_kind hkind, uint32_t hid, uint64_t slot, struct hive_obj *target);
int reg_ref_del(enum hive_obj_kind hkind, uint32_t hid, uint64_t slot, struct hive_obj *target);

/* Collect reference links of dead holders and anchors of dead objects;
 * returns how many links were removed. */
int reg_gc(void);

#endif /* HIVE_CORE_REGISTRY_H */
