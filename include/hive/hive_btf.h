/*
 * hive_btf.h - read-only access to BTF (the BPF Type Format): the .BTF
 * section of an object, the kernel's /sys/kernel/btf/vmlinux, or any raw
 * BTF file.
 *
 * Types use the kernel's own layout (struct btf_type and the records that
 * follow it, <linux/btf.h>); type ids are the ones in the data, id 0 is
 * void. A struct hive_btf is validated when created: every type's records
 * lie inside the data, every name offset is a valid string, every type id
 * a type refers to exists, reference chains have no cycles, and sizes do
 * not overflow. Queries therefore never fail on a hive_btf they are given.
 *
 * Ownership: hive_btf__new/__parse_raw/__load_vmlinux return a BTF the
 * caller frees with hive_btf__free. The BTF of an object
 * (hive_object__btf) belongs to the object. Pointers returned by queries
 * point into the BTF and live as long as it.
 */
#ifndef HIVE_HIVE_BTF_H
#define HIVE_HIVE_BTF_H

#include <linux/btf.h>
#include <stddef.h>
#include <stdint.h>

#include "hive/hive.h"

#ifdef __cplusplus
extern "C" {
#endif

struct hive_btf;

/**
 * @brief Parse raw BTF bytes (a struct btf_header, then types and strings).
 * @param data the bytes; copied, the caller keeps ownership.
 * @param size number of bytes.
 * @return a new BTF, or NULL with errno set (HIVE_EBTF for malformed data,
 *         after a warning naming the offset).
 */
HIVE_API struct hive_btf *hive_btf__new(const void *data, size_t size);

/**
 * @brief Read and parse a raw BTF file such as /sys/kernel/btf/vmlinux.
 * @return a new BTF, or NULL with errno set.
 */
HIVE_API struct hive_btf *hive_btf__parse_raw(const char *path);

/**
 * @brief The running kernel's BTF (/sys/kernel/btf/vmlinux).
 * @return a new BTF, or NULL with errno set (ENOENT if the kernel has none).
 */
HIVE_API struct hive_btf *hive_btf__load_vmlinux(void);

/** @brief Free a BTF created by hive_btf__new/__parse_raw/__load_vmlinux. NULL-safe. */
HIVE_API void hive_btf__free(struct hive_btf *btf);

/** @brief Number of type ids, void included: valid ids are 0 .. cnt-1. */
HIVE_API uint32_t hive_btf__type_cnt(const struct hive_btf *btf);

/**
 * @brief Type by id.
 * @return the type, or NULL (errno EINVAL) if @p id is out of range. Id 0
 *         (void) returns a zeroed type of kind BTF_KIND_UNKN.
 */
HIVE_API const struct btf_type *hive_btf__type_by_id(const struct hive_btf *btf, uint32_t id);

/** @brief String at @p offset of the string section, or NULL if out of range. */
HIVE_API const char *hive_btf__name_by_offset(const struct hive_btf *btf, uint32_t offset);

/**
 * @brief First type named @p name of kind @p kind (BTF_KIND_*).
 * @return its id (> 0), or -ENOENT.
 */
HIVE_API int hive_btf__find_by_name_kind(const struct hive_btf *btf, const char *name,
					 uint32_t kind);

/**
 * @brief Size in bytes of type @p id after typedefs, modifiers, arrays and
 *        variables are resolved.
 * @return the size, or -EINVAL for types without a size (void, function,
 *         forward declaration, function prototype).
 */
HIVE_API int64_t hive_btf__resolve_size(const struct hive_btf *btf, uint32_t id);

/**
 * @brief Skip typedefs, const/volatile/restrict and type tags from @p id.
 * @return the id of the first other type (0 for void).
 */
HIVE_API uint32_t hive_btf__skip_mods_and_typedefs(const struct hive_btf *btf, uint32_t id);

/**
 * @brief The validated raw bytes (header, types, strings).
 * @param size receives the number of bytes; may be NULL.
 */
HIVE_API const void *hive_btf__raw_data(const struct hive_btf *btf, uint32_t *size);

/* Accessors for the records that follow a struct btf_type. */

/** @brief BTF_KIND_* of @p t. */
static inline uint32_t hive_btf_kind(const struct btf_type *t)
{
	return (t->info >> 24) & 0x1f;
}

/** @brief Number of members / params / enumerators / section entries of @p t. */
static inline uint32_t hive_btf_vlen(const struct btf_type *t)
{
	return t->info & 0xffff;
}

/** @brief The kind_flag bit of @p t (bitfield members, union-ness of fwd, ...). */
static inline int hive_btf_kflag(const struct btf_type *t)
{
	return (int)(t->info >> 31);
}

/** @brief The records following @p t (cast to the kind's record type). */
static inline const void *hive_btf_records(const struct btf_type *t)
{
	return t + 1;
}

/** @brief Members of a struct or union. */
static inline const struct btf_member *hive_btf_members(const struct btf_type *t)
{
	return (const struct btf_member *)(t + 1);
}

/** @brief Bit offset of member @p i of struct/union @p t (bitfield-aware). */
static inline uint32_t hive_btf_member_bit_offset(const struct btf_type *t, uint32_t i)
{
	uint32_t off = hive_btf_members(t)[i].offset;

	return hive_btf_kflag(t) ? (off & 0xffffff) : off;
}

/** @brief Bitfield size of member @p i in bits, 0 if not a bitfield. */
static inline uint32_t hive_btf_member_bitfield_size(const struct btf_type *t, uint32_t i)
{
	return hive_btf_kflag(t) ? hive_btf_members(t)[i].offset >> 24 : 0;
}

#ifdef __cplusplus
}
#endif
#endif /* HIVE_HIVE_BTF_H */
