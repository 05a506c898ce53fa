/*
 * json.c - streaming JSON writer with bpftool's byte-exact layout (see
 * json.h). State is one separator flag and a depth: a value or a name
 * writes a comma first when the enclosing container already holds
 * something; in pretty mode a name and a closing bracket start a new,
 * indented line.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "json.h"

struct json_writer {
	FILE *out;
	unsigned depth;
	bool pretty;
	bool sep;          /* the container holds a value: next one needs ',' */
	bool used;
};

struct json_writer *json_wtr;

struct json_writer *jw_new(FILE *out, bool pretty)
{
	struct json_writer *w = calloc(1, sizeof(*w));

	if (w) {
		w->out = out;
		w->pretty = pretty;
	}
	return w;
}

void jw_destroy(struct json_writer *w)
{
	if (!w)
		return;
	if (w->used)
		fputc('\n', w->out);
	fflush(w->out);
	free(w);
}

bool jw_used(const struct json_writer *w)
{
	return w && w->used;
}

void jw_reset(struct json_writer *w)
{
	w->sep = false;
}

/* New line and indentation (pretty only). */
static void eol(struct json_writer *w)
{
	unsigned i;

	if (!w->pretty)
		return;
	fputc('\n', w->out);
	for (i = 0; i < w->depth; i++)
		fputs("    ", w->out);
}

/* Comma before a value that follows another one. */
static void eor(struct json_writer *w)
{
	if (w->sep)
		fputc(',', w->out);
	w->sep = true;
	w->used = true;
}

static void puts_quoted(struct json_writer *w, const char *s)
{
	fputc('"', w->out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '"':
			fputs("\\\"", w->out);
			break;
		case '\\':
			fputs("\\\\", w->out);
			break;
		case '\n':
			fputs("\\n", w->out);
			break;
		case '\t':
			fputs("\\t", w->out);
			break;
		case '\r':
			fputs("\\r", w->out);
			break;
		case '\b':
			fputs("\\b", w->out);
			break;
		case '\f':
			fputs("\\f", w->out);
			break;
		default:
			if (c < 0x20)
				fprintf(w->out, "\\u%04x", c);
			else
				fputc(c, w->out);
		}
	}
	fputc('"', w->out);
}

static void begin(struct json_writer *w, int c)
{
	eor(w);
	fputc(c, w->out);
	w->depth++;
	w->sep = false;
}

static void end(struct json_writer *w, int c)
{
	if (w->depth)
		w->depth--;
	if (w->sep)
		eol(w);
	fputc(c, w->out);
	w->sep = true;
	w->used = true;
}

void jw_start_object(struct json_writer *w)
{
	begin(w, '{');
}

void jw_end_object(struct json_writer *w)
{
	end(w, '}');
}

void jw_start_array(struct json_writer *w)
{
	begin(w, '[');
}

void jw_end_array(struct json_writer *w)
{
	end(w, ']');
}

void jw_name(struct json_writer *w, const char *name)
{
	eor(w);
	eol(w);
	w->sep = false;
	puts_quoted(w, name);
	fputc(':', w->out);
	if (w->pretty)
		fputc(' ', w->out);
}

void jw_printf(struct json_writer *w, const char *fmt, ...)
{
	va_list ap;

	eor(w);
	va_start(ap, fmt);
	vfprintf(w->out, fmt, ap);
	va_end(ap);
}

void jw_string(struct json_writer *w, const char *s)
{
	eor(w);
	puts_quoted(w, s);
}

void jw_uint(struct json_writer *w, uint64_t v)
{
	jw_printf(w, "%llu", (unsigned long long)v);
}

void jw_int(struct json_writer *w, int64_t v)
{
	jw_printf(w, "%lld", (long long)v);
}

void jw_bool(struct json_writer *w, bool v)
{
	jw_printf(w, "%s", v ? "true" : "false");
}

void jw_null(struct json_writer *w)
{
	jw_printf(w, "null");
}

void jw_string_field(struct json_writer *w, const char *name, const char *s)
{
	jw_name(w, name);
	jw_string(w, s);
}

void jw_uint_field(struct json_writer *w, const char *name, uint64_t v)
{
	jw_name(w, name);
	jw_uint(w, v);
}

void jw_int_field(struct json_writer *w, const char *name, int64_t v)
{
	jw_name(w, name);
	jw_int(w, v);
}

void jw_bool_field(struct json_writer *w, const char *name, bool v)
{
	jw_name(w, name);
	jw_bool(w, v);
}

void jw_null_field(struct json_writer *w, const char *name)
{
	jw_name(w, name);
	jw_null(w);
}

void jw_hex_bytes(struct json_writer *w, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	jw_start_array(w);
	for (i = 0; i < len; i++)
		jw_printf(w, "\"0x%02x\"", p[i]);
	jw_end_array(w);
}

void jw_dec_bytes(struct json_writer *w, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	jw_start_array(w);
	for (i = 0; i < len; i++)
		jw_printf(w, "%u", p[i]);
	jw_end_array(w);
}
