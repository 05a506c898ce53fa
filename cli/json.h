/*
 * json.h - the streaming JSON writer behind `hive -j` / `hive -p`.
 *
 * It produces the same bytes as bpftool's writer, so scripts (and diffs)
 * written against `bpftool -j` read hive's output unchanged:
 *  - compact (-j): no whitespace at all: {"id":3,"type":"hash"}
 *  - pretty (-p): four spaces per level, a newline before each member name
 *    and before a closing bracket of a non-empty container, "name": value;
 *    array elements that are not objects stay on the opening line
 *    ([{ ... },{ ... }] and "key": ["0x01","0x02"\n    ]), as bpftool.
 * Strings are escaped as proper JSON (bpftool writes \' and turns a
 * backslash into \n; hive does not copy those two bugs).
 *
 * One writer, json_wtr, exists while the command runs with -j/-p (created
 * and finished by main.c); it is NULL for plain output. Other writers may
 * be made for plain-text views that borrow the JSON layout (bpftool prints
 * BTF-typed map values that way).
 */
#ifndef HIVE_CLI_JSON_H
#define HIVE_CLI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json_writer;

/* The -j/-p writer on stdout, or NULL without -j. */
extern struct json_writer *json_wtr;

/* A writer on @out (NULL on allocation failure). */
struct json_writer *jw_new(FILE *out, bool pretty);
/* Free @w; prints the final newline if anything was written. NULL-safe. */
void jw_destroy(struct json_writer *w);
/* Whether anything was written through @w. */
bool jw_used(const struct json_writer *w);
/* Forget the separator state: the next value starts without a comma
 * (bpftool's jsonw_reset, for several top-level values on one writer). */
void jw_reset(struct json_writer *w);

void jw_start_object(struct json_writer *w);
void jw_end_object(struct json_writer *w);
void jw_start_array(struct json_writer *w);
void jw_end_array(struct json_writer *w);
/* A member name; the next call writes its value. */
void jw_name(struct json_writer *w, const char *name);

void jw_string(struct json_writer *w, const char *s);
void jw_uint(struct json_writer *w, uint64_t v);
void jw_int(struct json_writer *w, int64_t v);
void jw_bool(struct json_writer *w, bool v);
void jw_null(struct json_writer *w);
/* A raw value, printf-formatted (a number, or pre-quoted text). */
void jw_printf(struct json_writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void jw_string_field(struct json_writer *w, const char *name, const char *s);
void jw_uint_field(struct json_writer *w, const char *name, uint64_t v);
void jw_int_field(struct json_writer *w, const char *name, int64_t v);
void jw_bool_field(struct json_writer *w, const char *name, bool v);
void jw_null_field(struct json_writer *w, const char *name);

/* Bytes as bpftool's print_hex_data_json: ["0x01","0xff"]. */
void jw_hex_bytes(struct json_writer *w, const void *data, size_t len);
/* Bytes as bpftool's print_data_json: [1,255]. */
void jw_dec_bytes(struct json_writer *w, const void *data, size_t len);

#endif
