/*
 * btf_dump.c - BTF on the command line: typed values (bpftool's
 * btf_dumper), type names and signatures (btf_dumper_type_only), the raw
 * type listing of `btf dump ... format raw`, and loading a BTF object by
 * id. The C format lives in btf_c.c.
 *
 * Values come from maps and are untrusted: every read is checked against
 * the bytes available, and a type that does not fit is an error, never
 * an out-of-bounds read.
 */
#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf_dump.h"
#include "common.h"
#include "hive/hive_bpf.h"
#include "sys.h"

/* ---- loading --------------------------------------------------------------- */

struct hive_btf *cli_btf_load_by_id(uint32_t id)
{
	struct bpf_btf_info info;
	struct hive_btf *btf = NULL;
	uint32_t len = sizeof(info);
	void *raw = NULL;
	int fd, err;

	fd = obj_get_fd_by_id(OBJ_BTF, id);
	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	memset(&info, 0, sizeof(info));
	err = cli_obj_info(fd, &info, &len);
	if (err)
		goto out;
	raw = malloc(info.btf_size ? info.btf_size : 1);
	if (!raw) {
		err = -ENOMEM;
		goto out;
	}
	len = info.btf_size;
	memset(&info, 0, sizeof(info));
	info.btf = (uint64_t)(uintptr_t)raw;
	info.btf_size = len;
	len = sizeof(info);
	err = cli_obj_info(fd, &info, &len);
	if (err)
		goto out;
	btf = hive_btf__new(raw, info.btf_size);
	if (!btf)
		err = -errno;
out:
	free(raw);
	close(fd);
	if (err)
		errno = -err;
	return btf;
}

/* ---- values ------------------------------------------------------------------- */

struct dumper {
	struct json_writer *w;
	const struct hive_btf *btf;
	bool plain;
};

static int dump_type(const struct dumper *d, uint32_t id, unsigned bit_off, const uint8_t *data,
		     size_t avail);

/* Little-endian load of @n (<= 16) bytes into a 128-bit pair. */
static void load_bits(const uint8_t *p, size_t n, uint64_t v[2])
{
	size_t i;

	v[0] = v[1] = 0;
	for (i = 0; i < n && i < 16; i++)
		v[i / 8] |= (uint64_t)p[i] << (8 * (i % 8));
}

/* A bitfield of @nr_bits at @bit_off of @data, as bpftool: hex, quoted in JSON. */
static int dump_bitfield(const struct dumper *d, unsigned nr_bits, unsigned bit_off,
			 const uint8_t *data, size_t avail)
{
	size_t bytes = (bit_off + nr_bits + 7) / 8;
	uint64_t v[2], lo, hi;

	if (nr_bits == 0 || nr_bits > 128 || bytes > avail || bytes > 16)
		return -EINVAL;
	load_bits(data, bytes, v);
	/* shift right by bit_off, keep nr_bits */
	if (bit_off >= 64) {
		lo = v[1] >> (bit_off - 64);
		hi = 0;
	} else if (bit_off) {
		lo = (v[0] >> bit_off) | (v[1] << (64 - bit_off));
		hi = v[1] >> bit_off;
	} else {
		lo = v[0];
		hi = v[1];
	}
	if (nr_bits < 64) {
		lo &= (1ull << nr_bits) - 1;
		hi = 0;
	} else if (nr_bits < 128) {
		hi &= nr_bits == 64 ? 0 : (1ull << (nr_bits - 64)) - 1;
	}
	if (hi)
		jw_printf(d->w, d->plain ? "0x%" PRIx64 "%016" PRIx64 : "\"0x%" PRIx64 "%016" PRIx64 "\"",
			  hi, lo);
	else
		jw_printf(d->w, d->plain ? "0x%" PRIx64 : "\"0x%" PRIx64 "\"", lo);
	return 0;
}

static int dump_int(const struct dumper *d, const struct btf_type *t, unsigned bit_off,
		    const uint8_t *data, size_t avail)
{
	uint32_t enc = *(const uint32_t *)hive_btf_records(t);
	unsigned bits = BTF_INT_BITS(enc), off = BTF_INT_OFFSET(enc);
	uint64_t u = 0;

	if (bit_off || off || (bits != 8 && bits != 16 && bits != 32 && bits != 64)) {
		unsigned total = bit_off + off;

		if (total / 8 > avail)
			return -EINVAL;
		return dump_bitfield(d, bits, total % 8, data + total / 8, avail - total / 8);
	}
	if (bits / 8 > avail)
		return -EINVAL;
	memcpy(&u, data, bits / 8);
	switch (BTF_INT_ENCODING(enc)) {
	case 0:
		jw_printf(d->w, "%" PRIu64, u);
		break;
	case BTF_INT_SIGNED:
		if (bits == 8)
			jw_printf(d->w, "%d", (int8_t)u);
		else if (bits == 16)
			jw_printf(d->w, "%d", (int16_t)u);
		else if (bits == 32)
			jw_printf(d->w, "%d", (int32_t)u);
		else
			jw_printf(d->w, "%" PRId64, (int64_t)u);
		break;
	case BTF_INT_CHAR:
		if (isprint((int)(u & 0xff)))
			jw_printf(d->w, "\"%c\"", (char)u);
		else if (d->plain)
			jw_printf(d->w, "0x%x", (unsigned)(u & 0xff));
		else
			jw_printf(d->w, "\"\\u00%02x\"", (unsigned)(u & 0xff));
		break;
	case BTF_INT_BOOL:
		jw_bool(d->w, u != 0);
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

/* A char array holding a NUL-terminated printable string (bpftool's is_str_array). */
static bool is_str_array(const struct hive_btf *btf, const struct btf_array *arr,
			 const uint8_t *s, size_t avail)
{
	const struct btf_type *e = hive_btf__type_by_id(btf, arr->type);
	uint32_t i, enc;

	if (!arr->nelems || arr->nelems > avail)
		return false;
	while (e && (hive_btf_kind(e) == BTF_KIND_CONST || hive_btf_kind(e) == BTF_KIND_VOLATILE ||
		     hive_btf_kind(e) == BTF_KIND_RESTRICT || hive_btf_kind(e) == BTF_KIND_TYPE_TAG))
		e = hive_btf__type_by_id(btf, e->type);
	if (!e || hive_btf_kind(e) != BTF_KIND_INT || e->size != 1)
		return false;
	enc = *(const uint32_t *)hive_btf_records(e);
	if (BTF_INT_ENCODING(enc) != BTF_INT_CHAR &&
	    strcmp(hive_btf__name_by_offset(btf, e->name_off) ?: "", "char"))
		return false;
	for (i = 0; i < arr->nelems; i++) {
		if (!s[i])
			return true;
		if (s[i] <= 0x1f || s[i] >= 0x7f)
			return false;
	}
	return false;
}

static int dump_array(const struct dumper *d, const struct btf_type *t, const uint8_t *data,
		      size_t avail)
{
	const struct btf_array *arr = hive_btf_records(t);
	int64_t esize = hive_btf__resolve_size(d->btf, arr->type);
	uint32_t i;
	int err = 0;

	if (is_str_array(d->btf, arr, data, avail)) {
		jw_string(d->w, (const char *)data);
		return 0;
	}
	if (esize < 0 || (uint64_t)esize * arr->nelems > avail)
		return -EINVAL;
	jw_start_array(d->w);
	for (i = 0; i < arr->nelems && !err; i++)
		err = dump_type(d, arr->type, 0, data + i * esize, avail - i * esize);
	jw_end_array(d->w);
	return err;
}

static int dump_struct(const struct dumper *d, const struct btf_type *t, const uint8_t *data,
		       size_t avail)
{
	const struct btf_member *m = hive_btf_members(t);
	uint32_t i, n = hive_btf_vlen(t);
	int err = 0;

	if (t->size > avail)
		return -EINVAL;
	jw_start_object(d->w);
	for (i = 0; i < n && !err; i++) {
		uint32_t off = hive_btf_member_bit_offset(t, i);
		uint32_t bsz = hive_btf_member_bitfield_size(t, i);
		const char *name = hive_btf__name_by_offset(d->btf, m[i].name_off);

		if (off / 8 > avail)
			return -EINVAL;
		jw_name(d->w, name ? name : "");
		if (bsz)
			err = dump_bitfield(d, bsz, off % 8, data + off / 8, avail - off / 8);
		else
			err = dump_type(d, m[i].type, off % 8, data + off / 8, avail - off / 8);
	}
	jw_end_object(d->w);
	return err;
}

static int dump_enum(const struct dumper *d, const struct btf_type *t, const uint8_t *data,
		     size_t avail)
{
	uint32_t i, n = hive_btf_vlen(t);
	int64_t v = 0;
	uint64_t u = 0;

	if (t->size > avail || (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8))
		return -EINVAL;
	memcpy(&u, data, t->size);
	if (hive_btf_kind(t) == BTF_KIND_ENUM64) {
		const struct btf_enum64 *e = hive_btf_records(t);

		for (i = 0; i < n; i++)
			if (u == ((uint64_t)e[i].val_hi32 << 32 | e[i].val_lo32)) {
				jw_string(d->w, hive_btf__name_by_offset(d->btf, e[i].name_off));
				return 0;
			}
		jw_printf(d->w, "%" PRId64, (int64_t)u);
		return 0;
	}
	/* sign-extend, as bpftool */
	v = t->size == 1 ? (int8_t)u : t->size == 2 ? (int16_t)u : t->size == 4 ? (int32_t)u :
								(int64_t)u;
	{
		const struct btf_enum *e = hive_btf_records(t);

		for (i = 0; i < n; i++)
			if (v == e[i].val) {
				jw_string(d->w, hive_btf__name_by_offset(d->btf, e[i].name_off));
				return 0;
			}
	}
	jw_printf(d->w, "%" PRId64, v);
	return 0;
}

static int dump_datasec(const struct dumper *d, const struct btf_type *t, const uint8_t *data,
			size_t avail)
{
	const struct btf_var_secinfo *v = hive_btf_records(t);
	uint32_t i, n = hive_btf_vlen(t);
	int err = 0;

	jw_start_object(d->w);
	jw_name(d->w, hive_btf__name_by_offset(d->btf, t->name_off) ?: "");
	jw_start_array(d->w);
	for (i = 0; i < n && !err; i++) {
		if (v[i].offset > avail || v[i].size > avail - v[i].offset)
			err = -EINVAL;
		else
			err = dump_type(d, v[i].type, 0, data + v[i].offset, avail - v[i].offset);
	}
	jw_end_array(d->w);
	jw_end_object(d->w);
	return err;
}

static int dump_type(const struct dumper *d, uint32_t id, unsigned bit_off, const uint8_t *data,
		     size_t avail)
{
	const struct btf_type *t = hive_btf__type_by_id(d->btf, id);
	uint64_t p = 0;

	if (!t)
		return -EINVAL;
	switch (hive_btf_kind(t)) {
	case BTF_KIND_INT:
		return dump_int(d, t, bit_off, data, avail);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return dump_struct(d, t, data, avail);
	case BTF_KIND_ARRAY:
		return dump_array(d, t, data, avail);
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return dump_enum(d, t, data, avail);
	case BTF_KIND_PTR:
		if (avail < 8)
			return -EINVAL;
		memcpy(&p, data, 8);
		if (d->plain)
			jw_printf(d->w, p ? "0x%" PRIx64 : "(nil)", p);
		else
			jw_printf(d->w, "%" PRIu64, p);
		return 0;
	case BTF_KIND_UNKN:
		jw_printf(d->w, "(unknown)");
		return 0;
	case BTF_KIND_FWD:
		jw_printf(d->w, "(fwd-kind-invalid)");
		return -EINVAL;
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return dump_type(d, hive_btf__skip_mods_and_typedefs(d->btf, id), bit_off, data, avail);
	case BTF_KIND_VAR:
		jw_start_object(d->w);
		jw_name(d->w, hive_btf__name_by_offset(d->btf, t->name_off) ?: "");
		{
			int err = dump_type(d, t->type, bit_off, data, avail);

			jw_end_object(d->w);
			return err;
		}
	case BTF_KIND_DATASEC:
		return dump_datasec(d, t, data, avail);
	case BTF_KIND_FLOAT:
		if (t->size == 4 && avail >= 4) {
			float f;

			memcpy(&f, data, 4);
			jw_printf(d->w, "%f", (double)f);
			return 0;
		}
		if (t->size == 8 && avail >= 8) {
			double f;

			memcpy(&f, data, 8);
			jw_printf(d->w, "%f", f);
			return 0;
		}
		jw_printf(d->w, "(unsupported-kind");
		return -EINVAL;
	default:
		jw_printf(d->w, "(unsupported-kind");
		return -EINVAL;
	}
}

int cli_btf_value(struct json_writer *w, const struct hive_btf *btf, uint32_t type_id,
		   const void *data, size_t size, bool plain)
{
	struct dumper d = { w, btf, plain };

	return dump_type(&d, type_id, 0, data, size);
}

/* ---- type names ------------------------------------------------------------------- */

struct sbuf {
	char *buf;
	size_t size, pos;
	bool overflow;
};

static void sb_printf(struct sbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(s->buf + s->pos, s->pos < s->size ? s->size - s->pos : 0, fmt, ap);
	va_end(ap);
	if (n < 0 || s->pos + (size_t)n >= s->size)
		s->overflow = true;
	else
		s->pos += (size_t)n;
}

static const char *name_of(const struct hive_btf *btf, uint32_t off)
{
	const char *n = hive_btf__name_by_offset(btf, off);

	return n ? n : "";
}

static void type_only(const struct hive_btf *btf, uint32_t id, struct sbuf *s, int depth);

/* bpftool's btf_dump_func: "RET NAME(TYPE ARG, ...)". */
static void func_sig(const struct hive_btf *btf, const struct btf_type *proto,
		     const struct btf_type *func, struct sbuf *s, int depth)
{
	const struct btf_param *p = hive_btf_records(proto);
	uint32_t i, n = hive_btf_vlen(proto);

	type_only(btf, proto->type, s, depth + 1);
	sb_printf(s, "%s(", func ? name_of(btf, func->name_off) : "");
	for (i = 0; i < n && !s->overflow; i++) {
		if (i)
			sb_printf(s, ", ");
		if (!p[i].type) {
			sb_printf(s, "...");
			continue;
		}
		type_only(btf, p[i].type, s, depth + 1);
		if (p[i].name_off)
			sb_printf(s, "%s", name_of(btf, p[i].name_off));
		else if (s->pos && s->buf[s->pos - 1] == ' ')
			s->buf[--s->pos] = '\0';
	}
	sb_printf(s, ")");
}

static void type_only(const struct hive_btf *btf, uint32_t id, struct sbuf *s, int depth)
{
	const struct btf_type *t;

	if (depth > 32) {
		s->overflow = true; /* absurd nesting: give up */
		return;
	}
	if (!id) {
		sb_printf(s, "void ");
		return;
	}
	t = hive_btf__type_by_id(btf, id);
	if (!t) {
		s->overflow = true;
		return;
	}
	switch (hive_btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_FLOAT:
		sb_printf(s, "%s ", name_of(btf, t->name_off));
		break;
	case BTF_KIND_STRUCT:
		sb_printf(s, "struct %s ", name_of(btf, t->name_off));
		break;
	case BTF_KIND_UNION:
		sb_printf(s, "union %s ", name_of(btf, t->name_off));
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		sb_printf(s, "enum %s ", name_of(btf, t->name_off));
		break;
	case BTF_KIND_ARRAY:
		type_only(btf, ((const struct btf_array *)hive_btf_records(t))->type, s, depth + 1);
		sb_printf(s, "[%u]", ((const struct btf_array *)hive_btf_records(t))->nelems);
		break;
	case BTF_KIND_PTR:
		type_only(btf, t->type, s, depth + 1);
		sb_printf(s, "* ");
		break;
	case BTF_KIND_FWD:
		sb_printf(s, "%s %s ", hive_btf_kflag(t) ? "union" : "struct", name_of(btf, t->name_off));
		break;
	case BTF_KIND_VOLATILE:
		sb_printf(s, "volatile ");
		type_only(btf, t->type, s, depth + 1);
		break;
	case BTF_KIND_CONST:
		sb_printf(s, "const ");
		type_only(btf, t->type, s, depth + 1);
		break;
	case BTF_KIND_RESTRICT:
		sb_printf(s, "restrict ");
		type_only(btf, t->type, s, depth + 1);
		break;
	case BTF_KIND_TYPE_TAG:
		type_only(btf, t->type, s, depth + 1);
		break;
	case BTF_KIND_FUNC_PROTO:
		func_sig(btf, t, NULL, s, depth);
		break;
	case BTF_KIND_FUNC: {
		const struct btf_type *proto = hive_btf__type_by_id(btf, t->type);

		if (!proto || hive_btf_kind(proto) != BTF_KIND_FUNC_PROTO) {
			s->overflow = true;
			return;
		}
		func_sig(btf, proto, t, s, depth);
		break;
	}
	case BTF_KIND_VAR:
		if (((const struct btf_var *)hive_btf_records(t))->linkage == BTF_VAR_STATIC)
			sb_printf(s, "static ");
		type_only(btf, t->type, s, depth + 1);
		sb_printf(s, " %s", name_of(btf, t->name_off));
		break;
	case BTF_KIND_DATASEC:
		sb_printf(s, "section (\"%s\") ", name_of(btf, t->name_off));
		break;
	default:
		s->overflow = true;
	}
}

void cli_btf_type_only(const struct hive_btf *btf, uint32_t type_id, char *buf, size_t size)
{
	struct sbuf s = { buf, size, 0, false };

	if (!size)
		return;
	buf[0] = '\0';
	if (!btf)
		return;
	type_only(btf, type_id, &s, 0);
	if (s.overflow)
		buf[0] = '\0';
}

/* ---- raw listing ------------------------------------------------------------------------ */

static const char *const kind_names[] = {
	[BTF_KIND_UNKN] = "UNKNOWN", [BTF_KIND_INT] = "INT", [BTF_KIND_PTR] = "PTR",
	[BTF_KIND_ARRAY] = "ARRAY", [BTF_KIND_STRUCT] = "STRUCT", [BTF_KIND_UNION] = "UNION",
	[BTF_KIND_ENUM] = "ENUM", [BTF_KIND_FWD] = "FWD", [BTF_KIND_TYPEDEF] = "TYPEDEF",
	[BTF_KIND_VOLATILE] = "VOLATILE", [BTF_KIND_CONST] = "CONST",
	[BTF_KIND_RESTRICT] = "RESTRICT", [BTF_KIND_FUNC] = "FUNC",
	[BTF_KIND_FUNC_PROTO] = "FUNC_PROTO", [BTF_KIND_VAR] = "VAR",
	[BTF_KIND_DATASEC] = "DATASEC", [BTF_KIND_FLOAT] = "FLOAT",
	[BTF_KIND_DECL_TAG] = "DECL_TAG", [BTF_KIND_TYPE_TAG] = "TYPE_TAG",
	[BTF_KIND_ENUM64] = "ENUM64",
};

static const char *raw_name(const struct hive_btf *btf, uint32_t off)
{
	const char *n;

	if (!off)
		return "(anon)";
	n = hive_btf__name_by_offset(btf, off);
	return n ? n : "(invalid)";
}

static const char *int_enc(uint32_t enc)
{
	switch (enc) {
	case 0:
		return "(none)";
	case BTF_INT_SIGNED:
		return "SIGNED";
	case BTF_INT_CHAR:
		return "CHAR";
	case BTF_INT_BOOL:
		return "BOOL";
	default:
		return "UNKN";
	}
}

static const char *linkage_str(uint32_t l)
{
	switch (l) {
	case BTF_VAR_STATIC:
		return "static";
	case BTF_VAR_GLOBAL_ALLOCATED:
		return "global";
	case BTF_VAR_GLOBAL_EXTERN:
		return "extern";
	default:
		return "(unknown)";
	}
}

/* One type of `format raw`, plain ("[id] KIND 'name' ...") or as a JSON object. */
static void raw_type(const struct hive_btf *btf, uint32_t id)
{
	const struct btf_type *t = hive_btf__type_by_id(btf, id);
	struct json_writer *w = json_wtr;
	uint32_t kind = hive_btf_kind(t), i, n = hive_btf_vlen(t);
	const char *kname = kind < sizeof(kind_names) / sizeof(kind_names[0]) && kind_names[kind] ?
			    kind_names[kind] : "UNKNOWN";

	if (w) {
		jw_start_object(w);
		jw_uint_field(w, "id", id);
		jw_string_field(w, "kind", kname);
		jw_string_field(w, "name", raw_name(btf, t->name_off));
	} else {
		printf("[%u] %s '%s'", id, kname, raw_name(btf, t->name_off));
	}
	switch (kind) {
	case BTF_KIND_INT: {
		uint32_t v = *(const uint32_t *)hive_btf_records(t);

		if (w) {
			jw_uint_field(w, "size", t->size);
			jw_uint_field(w, "bits_offset", BTF_INT_OFFSET(v));
			jw_uint_field(w, "nr_bits", BTF_INT_BITS(v));
			jw_string_field(w, "encoding", int_enc(BTF_INT_ENCODING(v)));
		} else {
			printf(" size=%u bits_offset=%u nr_bits=%u encoding=%s", t->size,
			       BTF_INT_OFFSET(v), BTF_INT_BITS(v), int_enc(BTF_INT_ENCODING(v)));
		}
		break;
	}
	case BTF_KIND_PTR:
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_TYPE_TAG:
		if (w)
			jw_uint_field(w, "type_id", t->type);
		else
			printf(" type_id=%u", t->type);
		break;
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = hive_btf_records(t);

		if (w) {
			jw_uint_field(w, "type_id", a->type);
			jw_uint_field(w, "index_type_id", a->index_type);
			jw_uint_field(w, "nr_elems", a->nelems);
		} else {
			printf(" type_id=%u index_type_id=%u nr_elems=%u", a->type, a->index_type,
			       a->nelems);
		}
		break;
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		const struct btf_member *m = hive_btf_members(t);

		if (w) {
			jw_uint_field(w, "size", t->size);
			jw_uint_field(w, "vlen", n);
			jw_name(w, "members");
			jw_start_array(w);
		} else {
			printf(" size=%u vlen=%u", t->size, n);
		}
		for (i = 0; i < n; i++) {
			uint32_t off = hive_btf_member_bit_offset(t, i);
			uint32_t bsz = hive_btf_member_bitfield_size(t, i);

			if (w) {
				jw_start_object(w);
				jw_string_field(w, "name", raw_name(btf, m[i].name_off));
				jw_uint_field(w, "type_id", m[i].type);
				jw_uint_field(w, "bits_offset", off);
				if (bsz)
					jw_uint_field(w, "bitfield_size", bsz);
				jw_end_object(w);
			} else {
				printf("\n\t'%s' type_id=%u bits_offset=%u", raw_name(btf, m[i].name_off),
				       m[i].type, off);
				if (bsz)
					printf(" bitfield_size=%u", bsz);
			}
		}
		if (w)
			jw_end_array(w);
		break;
	}
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64: {
		bool sign = hive_btf_kflag(t);
		const char *enc = sign ? "SIGNED" : "UNSIGNED";

		if (w) {
			jw_string_field(w, "encoding", enc);
			jw_uint_field(w, "size", t->size);
			jw_uint_field(w, "vlen", n);
			jw_name(w, "values");
			jw_start_array(w);
		} else {
			printf(" encoding=%s size=%u vlen=%u", enc, t->size, n);
		}
		for (i = 0; i < n; i++) {
			uint32_t noff;
			uint64_t v;

			if (kind == BTF_KIND_ENUM) {
				const struct btf_enum *e = &((const struct btf_enum *)hive_btf_records(t))[i];

				noff = e->name_off;
				/* JSON: bpftool 7.1 widens the s32 value either way */
				v = (uint64_t)(int64_t)e->val;
			} else {
				const struct btf_enum64 *e = &((const struct btf_enum64 *)hive_btf_records(t))[i];

				noff = e->name_off;
				v = (uint64_t)e->val_hi32 << 32 | e->val_lo32;
			}
			if (w) {
				jw_start_object(w);
				jw_string_field(w, "name", raw_name(btf, noff));
				jw_name(w, "val");
				if (sign)
					jw_int(w, (int64_t)v);
				else
					jw_uint(w, v);
				jw_end_object(w);
			} else if (kind == BTF_KIND_ENUM) {
				if (sign)
					printf("\n\t'%s' val=%d", raw_name(btf, noff), (int32_t)v);
				else
					printf("\n\t'%s' val=%u", raw_name(btf, noff), (uint32_t)v);
			} else {
				if (sign)
					printf("\n\t'%s' val=%lldLL", raw_name(btf, noff), (long long)v);
				else
					printf("\n\t'%s' val=%lluULL", raw_name(btf, noff),
					       (unsigned long long)v);
			}
		}
		if (w)
			jw_end_array(w);
		break;
	}
	case BTF_KIND_FWD: {
		const char *fk = hive_btf_kflag(t) ? "union" : "struct";

		if (w)
			jw_string_field(w, "fwd_kind", fk);
		else
			printf(" fwd_kind=%s", fk);
		break;
	}
	case BTF_KIND_FUNC: {
		const char *l = linkage_str(n); /* FUNC keeps its linkage in vlen */

		if (w) {
			jw_uint_field(w, "type_id", t->type);
			jw_string_field(w, "linkage", l);
		} else {
			printf(" type_id=%u linkage=%s", t->type, l);
		}
		break;
	}
	case BTF_KIND_FUNC_PROTO: {
		const struct btf_param *p = hive_btf_records(t);

		if (w) {
			jw_uint_field(w, "ret_type_id", t->type);
			jw_uint_field(w, "vlen", n);
			jw_name(w, "params");
			jw_start_array(w);
		} else {
			printf(" ret_type_id=%u vlen=%u", t->type, n);
		}
		for (i = 0; i < n; i++) {
			if (w) {
				jw_start_object(w);
				jw_string_field(w, "name", raw_name(btf, p[i].name_off));
				jw_uint_field(w, "type_id", p[i].type);
				jw_end_object(w);
			} else {
				printf("\n\t'%s' type_id=%u", raw_name(btf, p[i].name_off), p[i].type);
			}
		}
		if (w)
			jw_end_array(w);
		break;
	}
	case BTF_KIND_VAR: {
		const char *l = linkage_str(((const struct btf_var *)hive_btf_records(t))->linkage);

		if (w) {
			jw_uint_field(w, "type_id", t->type);
			jw_string_field(w, "linkage", l);
		} else {
			printf(" type_id=%u, linkage=%s", t->type, l);
		}
		break;
	}
	case BTF_KIND_DATASEC: {
		const struct btf_var_secinfo *v = hive_btf_records(t);

		if (w) {
			jw_uint_field(w, "size", t->size);
			jw_uint_field(w, "vlen", n);
			jw_name(w, "vars");
			jw_start_array(w);
		} else {
			printf(" size=%u vlen=%u", t->size, n);
		}
		for (i = 0; i < n; i++) {
			if (w) {
				jw_start_object(w);
				jw_uint_field(w, "type_id", v[i].type);
				jw_uint_field(w, "offset", v[i].offset);
				jw_uint_field(w, "size", v[i].size);
				jw_end_object(w);
			} else {
				const struct btf_type *vt = hive_btf__type_by_id(btf, v[i].type);

				uint32_t vk = vt ? hive_btf_kind(vt) : BTF_KIND_UNKN;

				printf("\n\ttype_id=%u offset=%u size=%u", v[i].type, v[i].offset, v[i].size);
				if (vt)
					printf(" (%s '%s')",
					       vk < sizeof(kind_names) / sizeof(kind_names[0]) && kind_names[vk] ?
					       kind_names[vk] : "UNKNOWN", raw_name(btf, vt->name_off));
			}
		}
		if (w)
			jw_end_array(w);
		break;
	}
	case BTF_KIND_FLOAT:
		if (w)
			jw_uint_field(w, "size", t->size);
		else
			printf(" size=%u", t->size);
		break;
	case BTF_KIND_DECL_TAG: {
		int32_t idx = ((const struct btf_decl_tag *)hive_btf_records(t))->component_idx;

		if (w) {
			jw_uint_field(w, "type_id", t->type);
			jw_int_field(w, "component_idx", idx);
		} else {
			printf(" type_id=%u component_idx=%d", t->type, idx);
		}
		break;
	}
	default:
		break;
	}
	if (w)
		jw_end_object(w);
	else
		printf("\n");
}

int cli_btf_dump_raw(const struct hive_btf *btf, const uint32_t *ids, uint32_t nr)
{
	uint32_t i, cnt = hive_btf__type_cnt(btf);

	if (json_wtr) {
		jw_start_object(json_wtr);
		jw_name(json_wtr, "types");
		jw_start_array(json_wtr);
	}
	if (nr) {
		for (i = 0; i < nr; i++)
			if (ids[i] && ids[i] < cnt)
				raw_type(btf, ids[i]);
	} else {
		for (i = 1; i < cnt; i++)
			raw_type(btf, i);
	}
	if (json_wtr) {
		jw_end_array(json_wtr);
		jw_end_object(json_wtr);
	}
	return 0;
}
