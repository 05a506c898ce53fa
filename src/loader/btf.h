/*
 * btf.h - libhive's internal view of BTF: the parsed struct hive_btf behind
 * the public read-only API (hive_btf.h), plus the pieces the loader needs
 * that users do not: an index of types by "essential" name for CO-RE
 * candidate lookup, and typed shortcuts that assume validated data.
 *
 * Everything here relies on btf_parse() having validated the data (record
 * bounds, type ids, string offsets, no reference cycles), so lookups by id
 * below do no further checking unless stated.
 */
#ifndef HIVE_LOADER_BTF_H
#define HIVE_LOADER_BTF_H

#include <stdbool.h>
#include <stdint.h>

#include "hive/hive_btf.h"

#define BTF_NO_SIZE UINT32_MAX

struct hive_btf {
	uint8_t *raw;              /* owned copy: header, types, strings */
	uint32_t raw_size;
	struct btf_header hdr;
	const char *strs;          /* inside raw */
	uint32_t str_len;
	uint8_t *types;            /* inside raw (writable: the loader fixes up DATASECs) */
	uint32_t types_len;
	uint32_t nr_types;         /* ids 0 .. nr_types-1, 0 is void */
	uint32_t *type_off;        /* byte offset of each type in types; [0] unused */
	uint32_t *sizes;           /* resolved byte size per id, BTF_NO_SIZE if none */
	/* Essential-name index (CO-RE candidates), built on first use. */
	uint32_t *idx_head;        /* bucket -> first id, 0 = empty */
	uint32_t *idx_next;        /* id -> next id in the same bucket */
	uint32_t idx_mask;
	const char *what;          /* source named in messages, during btf_parse only */
};

/*
 * btf_parse - validate @size raw bytes and build a BTF over a copy of them.
 * @what names the source in messages ("foo.bpf.o: .BTF").
 * Returns the BTF or NULL with errno (HIVE_EBTF after a warning, ENOMEM).
 */
struct hive_btf *btf_parse(const void *data, size_t size, const char *what);

/* btf_parse() that writes the reason of a refusal into @msg instead of
 * warning (BTF_LOAD puts it in the caller's log). */
struct hive_btf *btf_parse_msg(const void *data, size_t size, char *msg, size_t msg_size);

/* Type @id of a validated BTF (id < nr_types; 0 gives a static void type). */
const struct btf_type *btf_type(const struct hive_btf *btf, uint32_t id);

/* Name of @t ("" if anonymous). */
const char *btf_name(const struct hive_btf *btf, const struct btf_type *t);

/* String at @off, or NULL if out of range. */
const char *btf_str(const struct hive_btf *btf, uint32_t off);

/* Skip typedefs and modifiers; *@res_id (may be NULL) gets the final id. */
const struct btf_type *btf_skip_mods_typedefs(const struct hive_btf *btf, uint32_t id,
					      uint32_t *res_id);

/* Skip modifiers only (const, volatile, restrict, type tags). */
const struct btf_type *btf_skip_mods(const struct hive_btf *btf, uint32_t id, uint32_t *res_id);

/* Resolved size of @id, or BTF_NO_SIZE. */
static inline uint32_t btf_size_of(const struct hive_btf *btf, uint32_t id)
{
	return id < btf->nr_types ? btf->sizes[id] : BTF_NO_SIZE;
}

static inline bool btf_is_composite(const struct btf_type *t)
{
	uint32_t k = hive_btf_kind(t);

	return k == BTF_KIND_STRUCT || k == BTF_KIND_UNION;
}

static inline bool btf_is_any_enum(const struct btf_type *t)
{
	uint32_t k = hive_btf_kind(t);

	return k == BTF_KIND_ENUM || k == BTF_KIND_ENUM64;
}

static inline bool btf_is_mod(const struct btf_type *t)
{
	uint32_t k = hive_btf_kind(t);

	return k == BTF_KIND_VOLATILE || k == BTF_KIND_CONST || k == BTF_KIND_RESTRICT ||
	       k == BTF_KIND_TYPE_TAG;
}

static inline const struct btf_array *btf_array(const struct btf_type *t)
{
	return (const struct btf_array *)(t + 1);
}

static inline const struct btf_param *btf_params(const struct btf_type *t)
{
	return (const struct btf_param *)(t + 1);
}

static inline const struct btf_enum *btf_enums(const struct btf_type *t)
{
	return (const struct btf_enum *)(t + 1);
}

static inline const struct btf_enum64 *btf_enums64(const struct btf_type *t)
{
	return (const struct btf_enum64 *)(t + 1);
}

static inline struct btf_var *btf_var(const struct btf_type *t)
{
	return (struct btf_var *)(uintptr_t)(t + 1);
}

static inline struct btf_var_secinfo *btf_secinfos(const struct btf_type *t)
{
	return (struct btf_var_secinfo *)(uintptr_t)(t + 1);
}

static inline uint32_t btf_int_encoding(const struct btf_type *t)
{
	return *(const uint32_t *)(t + 1);
}

/* Name of enumerator @i of an ENUM or ENUM64, and its value. */
const char *btf_enum_name(const struct hive_btf *btf, const struct btf_type *t, uint32_t i);
int64_t btf_enum_value(const struct btf_type *t, uint32_t i);

/* Length of @name without a "___flavor" suffix (CO-RE essential name). */
size_t btf_essential_len(const char *name);

/*
 * btf_index_first/next - iterate the named types whose essential name is
 * @name[0..len). Builds the index on first call (returns 0 = end, also on
 * ENOMEM, which is reported through errno).
 */
uint32_t btf_index_first(struct hive_btf *btf, const char *name, size_t len);
uint32_t btf_index_next(const struct hive_btf *btf, uint32_t id, const char *name, size_t len);

/* Human name of a kind ("struct", "typedef", ...). */
const char *btf_kind_str(uint32_t kind);

#endif /* HIVE_LOADER_BTF_H */
