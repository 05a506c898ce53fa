/*
 * btf_ext.h - the .BTF.ext section: per-ELF-section tables of function
 * info (BTF FUNC of each function), line info (source file, line and column
 * of instructions) and CO-RE relocation records.
 *
 * Record layouts are the kernel's (struct bpf_func_info, struct
 * bpf_line_info from <linux/bpf.h>) and libbpf's struct bpf_core_relo,
 * except that in the object file every insn_off is in bytes from the start
 * of its ELF section; object.c converts to instruction indexes when it
 * builds the per-program copies.
 */
#ifndef HIVE_LOADER_BTF_EXT_H
#define HIVE_LOADER_BTF_EXT_H

#include <stdint.h>

#include "btf.h"

/* CO-RE relocation kinds (libbpf's enum bpf_core_relo_kind, same values). */
#define HIVE_CORE_RELO_KINDS(X)                                          \
	X(FIELD_BYTE_OFFSET, 0, "byte_off")                              \
	X(FIELD_BYTE_SIZE,   1, "byte_sz")                               \
	X(FIELD_EXISTS,      2, "field_exists")                          \
	X(FIELD_SIGNED,      3, "signed")                                \
	X(FIELD_LSHIFT_U64,  4, "lshift_u64")                            \
	X(FIELD_RSHIFT_U64,  5, "rshift_u64")                            \
	X(TYPE_ID_LOCAL,     6, "local_type_id")                         \
	X(TYPE_ID_TARGET,    7, "target_type_id")                        \
	X(TYPE_EXISTS,       8, "type_exists")                           \
	X(TYPE_SIZE,         9, "type_size")                             \
	X(ENUMVAL_EXISTS,   10, "enumval_exists")                        \
	X(ENUMVAL_VALUE,    11, "enumval_value")                         \
	X(TYPE_MATCHES,     12, "type_matches")

enum core_relo_kind {
#define CORE_KIND_ENUM(name, val, str) CORE_##name = val,
	HIVE_CORE_RELO_KINDS(CORE_KIND_ENUM)
#undef CORE_KIND_ENUM
	CORE_KIND_MAX
};

/* One CO-RE record as clang writes it. */
struct core_relo {
	uint32_t insn_off;       /* bytes from the start of the ELF section */
	uint32_t type_id;        /* local (object) BTF type id of the root type */
	uint32_t access_str_off; /* "0:1:2" accessor string in the object BTF */
	uint32_t kind;           /* enum core_relo_kind */
};

/* Records of one ELF section. Records are copied into aligned storage. */
struct btf_ext_sec {
	const char *name;        /* ELF section name (a string of the object BTF) */
	uint32_t num;
	const uint8_t *recs;     /* num * rec_size bytes */
};

struct btf_ext_info {
	uint32_t rec_size;       /* >= the minimum of the record kind, multiple of 4 */
	uint32_t nsecs;
	struct btf_ext_sec *secs;
};

struct btf_ext {
	uint8_t *raw;            /* owned aligned copy of the section */
	uint32_t size;
	struct btf_ext_info func;
	struct btf_ext_info line;
	struct btf_ext_info core;
};

/*
 * btf_ext_parse - validate @size bytes of .BTF.ext against the object BTF
 * @btf (section names must be its strings) and copy them.
 * Returns the parsed tables or NULL with errno (HIVE_EBTF after a warning
 * naming @what and the offset, ENOMEM).
 */
struct btf_ext *btf_ext_parse(const void *data, uint32_t size, const struct hive_btf *btf,
			      const char *what);

/* Free @ext. NULL-safe. */
void btf_ext_free(struct btf_ext *ext);

/* The records of @info for ELF section @sec_name, or NULL. */
const struct btf_ext_sec *btf_ext_find(const struct btf_ext_info *info, const char *sec_name);

/* Name of a CO-RE kind ("byte_off", ...). */
const char *core_kind_str(uint32_t kind);

#endif /* HIVE_LOADER_BTF_EXT_H */
