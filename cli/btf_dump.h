/*
 * btf_dump.h - BTF for the command line: typed values as bpftool prints
 * them (map dumps, program metadata), type names and function signatures,
 * and whole-BTF dumps in bpftool's "raw" and "c" formats.
 */
#ifndef HIVE_CLI_BTF_DUMP_H
#define HIVE_CLI_BTF_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hive/hive_btf.h"
#include "json.h"

/*
 * Write the value at @data of BTF type @type_id through @w (bpftool's
 * btf_dumper_type): integers as numbers, char arrays holding a string as
 * strings, structs/unions as objects, arrays as arrays, enums by name,
 * pointers as numbers (as %p text when @plain), DATASEC as {"sec":[...]}.
 * @size bounds the readable bytes. Returns 0 or -EINVAL (unsupported
 * kind, or the type does not fit in @size).
 */
int cli_btf_value(struct json_writer *w, const struct hive_btf *btf, uint32_t type_id,
		   const void *data, size_t size, bool plain);

/*
 * A type as C text without a declaration name (bpftool's
 * btf_dumper_type_only): "int ", "struct foo *", "int xdp_prog(struct xdp_md * ctx)".
 * Empty on failure.
 */
void cli_btf_type_only(const struct hive_btf *btf, uint32_t type_id, char *buf, size_t size);

/* BTF of a file: raw BTF (BTF_MAGIC) or the .BTF section of an ELF
 * object, as stored. NULL with errno. (btf.c) */
struct hive_btf *cli_btf_from_file(const char *path);

/* The BTF object with id @id (BTF_GET_FD_BY_ID + GET_INFO), or NULL with errno. */
struct hive_btf *cli_btf_load_by_id(uint32_t id);

/* `btf dump ... format raw`: every type from @first_id (1 for all), or
 * only @ids[0..nr) when @nr > 0, as bpftool prints them (JSON when json_wtr). */
int cli_btf_dump_raw(const struct hive_btf *btf, const uint32_t *ids, uint32_t nr);

/* `btf dump ... format c`: a C header declaring every type (or @ids),
 * ordered so that it compiles, wrapped as bpftool's vmlinux.h. */
int cli_btf_dump_c(const struct hive_btf *btf, FILE *out, const uint32_t *ids, uint32_t nr);

/*
 * Declaration of one variable @name of type @type_id as C (for the
 * skeleton generator): "int counter", "char tag[8]", "struct pair last",
 * anonymous types spelled out inline at @indent tabs; const/volatile
 * dropped when @strip_mods.
 */
int cli_btf_c_decl(const struct hive_btf *btf, FILE *out, uint32_t type_id, const char *name,
	       int indent, bool strip_mods);

/* Natural alignment of a type in bytes (libbpf's btf__align_of). */
uint32_t cli_btf_c_align(const struct hive_btf *btf, uint32_t type_id);

#endif
