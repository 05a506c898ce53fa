/*
 * helper_proto.h - glue between helper_def.h and its users: prototype
 * classes (HIVE_RET_* / HIVE_ARG_*, defined in the public hive_helpers.h so
 * embedders' helpers use the same classes), the generated table of
 * built-in prototypes, and the lookup that also covers helpers registered
 * at run time by embedders.
 *
 * The helper table is ONE table (helper_def.h). From it:
 *   - helper_protos[id]  prototype and name (verifier, disassembler, docs);
 *   - helper_impls[id]   implementation pointer, generated in registry.c:
 *                        a row whose RET column is not UNSPEC must have a
 *                        function helper_<NAME> (the build fails otherwise).
 */
#ifndef HIVE_HELPER_PROTO_H
#define HIVE_HELPER_PROTO_H

#include <stdbool.h>
#include <stdint.h>

#include "hive/hive_helpers.h"

/* HIVE_HELPER_ID_<name> = id; the rows are in increasing id order, so the
 * enumerator after them is one past the largest built-in helper id. */
enum {
#define X(ID, NAME, RET, A1, A2, A3, A4, A5) HIVE_HELPER_ID_##NAME = ID,
#include "helper_def.h"
#undef X
	HIVE_HELPER_BUILTIN_MAX
};

struct helper_desc {
	const char *name;              /* without the bpf_ prefix; NULL: no such id */
	struct hive_helper_proto proto;
	hive_helper_fn fn;             /* NULL: not implemented, or run by the engine (tail_call) */
};

/*
 * Look up helper @id among the built-in and the registered helpers.
 * Fills *out (a copy: registered helpers may go away) and returns 0, or
 * -ENOENT when hive has no implementation for @id.
 */
int helper_lookup(uint32_t id, struct helper_desc *out);

/* Name of a helper id (built-in table or registered), NULL if unknown. */
const char *helper_name(uint32_t id);

#endif /* HIVE_HELPER_PROTO_H */
