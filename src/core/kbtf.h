/*
 * kbtf.h - the running kernel's BTF (/sys/kernel/btf/vmlinux) as hive's
 * program types and helpers use it: read once per process, shared, never
 * freed. Tracing and LSM programs name their attach point by a vmlinux
 * BTF id (attach_btf_id); the synthetic task_struct of
 * bpf_get_current_task (helpers/task.c) is laid out by its member offsets.
 */
#ifndef HIVE_CORE_KBTF_H
#define HIVE_CORE_KBTF_H

#include <stddef.h>
#include <stdint.h>

struct hive_btf;

/* The vmlinux BTF, parsed on first use; NULL (errno set) when the kernel
 * has none or it does not parse. Thread-safe. */
const struct hive_btf *kbtf_vmlinux(void);

/*
 * Byte offset of member @name of struct/union @type_id of @btf, looking
 * into anonymous struct/union members as C does. *@size (may be NULL)
 * gets the member's byte size. Returns the offset or -ENOENT (no such
 * member, or a bitfield).
 */
long kbtf_member_off(const struct hive_btf *btf, uint32_t type_id, const char *name,
		     uint32_t *size);

/* Id of the struct named @name in vmlinux, or -ENOENT. */
int kbtf_struct_id(const struct hive_btf *btf, const char *name);

/*
 * The attach point of a tracing/LSM program: checks vmlinux BTF id @btf_id
 * against the kind the attach type needs (the kernel's
 * bpf_check_attach_target) and counts the u64 context slots the program
 * may read (arguments, plus the return value for fexit, fmod_ret and LSM).
 * *@name (may be NULL) gets the attach point's BTF name, *@ptr_mask (may
 * be NULL) a bit per slot holding a pointer (read as a whole u64 only).
 * Returns the slot count, or -EINVAL with the kernel's message in @msg.
 */
int kbtf_attach_slots(uint32_t prog_type, uint32_t attach_type, uint32_t btf_id,
		      const char **name, uint32_t *ptr_mask, char *msg, size_t msg_size);

#endif /* HIVE_CORE_KBTF_H */
