/*
 * btf_c.c - BTF as C declarations: `btf dump ... format c` (a header in
 * the layout of bpftool's vmlinux.h) and the declarations the skeleton
 * generator needs.
 *
 * The model: every type id is visited in order; a named struct, union,
 * enum or typedef is defined once, after the types it needs by value
 * (types reached only through pointers need just a forward declaration,
 * emitted right before the definition that uses them). Anonymous types are
 * spelled out inline where they are used. Declarators are built
 * inside-out (pointer, array and function suffixes wrap the name), so
 * function pointers and pointers to arrays come out as valid C. Struct
 * layouts are reproduced exactly: gaps become anonymous bitfields
 * ("long: 32;") and members at unnatural offsets make the struct packed.
 * Names used twice by different types get a "___N" suffix, as libbpf does.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "btf_dump.h"

/* ---- growable strings ------------------------------------------------------ */

struct dstr {
	char *p;
	size_t len, cap;
	bool oom;
};

static void ds_printf(struct dstr *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void ds_printf(struct dstr *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(s->p ? s->p + s->len : NULL, s->p ? s->cap - s->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			s->oom = true;
			return;
		}
		if (s->p && s->len + (size_t)n < s->cap) {
			s->len += (size_t)n;
			return;
		}
		{
			size_t ncap = (s->cap ? s->cap * 2 : 256) + (size_t)n;
			char *np = realloc(s->p, ncap);

			if (!np) {
				s->oom = true;
				return;
			}
			s->p = np;
			s->cap = ncap;
		}
	}
}

static void ds_tabs(struct dstr *s, int n)
{
	while (n-- > 0)
		ds_printf(s, "\t");
}

/* ---- unique names ------------------------------------------------------------- */

struct name_count {
	char *name;
	int count;
};

struct name_set {
	struct name_count *slot;
	size_t cap, used;
};

static uint32_t str_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* Occurrence number of @name (1 for the first), or 0 on allocation failure. */
static int name_set_add(struct name_set *ns, const char *name)
{
	size_t i;

	if (ns->used * 2 >= ns->cap) {
		size_t ncap = ns->cap ? ns->cap * 2 : 1024, j;
		struct name_count *n = calloc(ncap, sizeof(*n));

		if (!n)
			return 0;
		for (j = 0; j < ns->cap; j++) {
			if (!ns->slot[j].name)
				continue;
			for (i = str_hash(ns->slot[j].name) & (ncap - 1); n[i].name; i = (i + 1) & (ncap - 1))
				;
			n[i] = ns->slot[j];
		}
		free(ns->slot);
		ns->slot = n;
		ns->cap = ncap;
	}
	for (i = str_hash(name) & (ns->cap - 1); ns->slot[i].name; i = (i + 1) & (ns->cap - 1))
		if (!strcmp(ns->slot[i].name, name))
			return ++ns->slot[i].count;
	ns->slot[i].name = strdup(name);
	if (!ns->slot[i].name)
		return 0;
	ns->slot[i].count = 1;
	ns->used++;
	return 1;
}

static void name_set_free(struct name_set *ns)
{
	size_t i;

	for (i = 0; i < ns->cap; i++)
		free(ns->slot[i].name);
	free(ns->slot);
}

/* ---- state ----------------------------------------------------------------------- */

enum { ST_NONE, ST_BUSY, ST_DONE };

struct cdump {
	const struct hive_btf *btf;
	uint32_t cnt;
	uint8_t *state;       /* definition: ST_* */
	uint8_t *fwd;         /* forward declaration emitted */
	char **names;         /* unique names, computed on first use */
	struct name_set tags, idents;
	struct dstr out;
	bool strip_mods;      /* skeleton: drop const/volatile */
};

static const struct btf_type *T(const struct cdump *d, uint32_t id)
{
	return hive_btf__type_by_id(d->btf, id);
}

static const char *raw_name(const struct cdump *d, uint32_t id)
{
	const struct btf_type *t = T(d, id);
	const char *n = t ? hive_btf__name_by_offset(d->btf, t->name_off) : NULL;

	return n ? n : "";
}

static bool is_tag_kind(uint32_t k)
{
	return k == BTF_KIND_STRUCT || k == BTF_KIND_UNION || k == BTF_KIND_ENUM ||
	       k == BTF_KIND_ENUM64 || k == BTF_KIND_FWD;
}

/* The C name of named type @id: its BTF name, "___N" appended when another type took it. */
static const char *cname(struct cdump *d, uint32_t id)
{
	const char *base = raw_name(d, id);
	int n;

	if (!base[0] || id >= d->cnt)
		return base;
	if (d->names[id])
		return d->names[id];
	n = name_set_add(is_tag_kind(hive_btf_kind(T(d, id))) ? &d->tags : &d->idents, base);
	if (n <= 1) {
		d->names[id] = strdup(base);
	} else {
		size_t len = strlen(base) + 16;

		d->names[id] = malloc(len);
		if (d->names[id])
			snprintf(d->names[id], len, "%s___%d", base, n);
	}
	return d->names[id] ? d->names[id] : base;
}

static uint32_t skip_mods(const struct cdump *d, uint32_t id)
{
	const struct btf_type *t;

	while ((t = T(d, id)) && id &&
	       (hive_btf_kind(t) == BTF_KIND_CONST || hive_btf_kind(t) == BTF_KIND_VOLATILE ||
		hive_btf_kind(t) == BTF_KIND_RESTRICT || hive_btf_kind(t) == BTF_KIND_TYPE_TAG))
		id = t->type;
	return id;
}

/* ---- layout ------------------------------------------------------------------------ */

static bool is_packed(const struct cdump *d, uint32_t id, int depth);

/* Natural alignment in bytes (libbpf's btf__align_of). */
static uint32_t align_of(const struct cdump *d, uint32_t id, int depth)
{
	const struct btf_type *t = T(d, id);
	uint32_t i, a, max = 1;

	if (!t || depth > 64)
		return 1;
	switch (hive_btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FLOAT:
		return t->size < 8 ? (t->size ? t->size : 1) : 8;
	case BTF_KIND_PTR:
		return 8;
	case BTF_KIND_ARRAY:
		return align_of(d, ((const struct btf_array *)hive_btf_records(t))->type, depth + 1);
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return align_of(d, t->type, depth + 1);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (is_packed(d, id, depth + 1))
			return 1;
		for (i = 0; i < hive_btf_vlen(t); i++) {
			a = align_of(d, hive_btf_members(t)[i].type, depth + 1);
			if (a > max)
				max = a;
		}
		return max;
	default:
		return 1;
	}
}

static uint32_t max_member_align(const struct cdump *d, const struct btf_type *t, int depth)
{
	uint32_t i, a, max = 1;

	for (i = 0; i < hive_btf_vlen(t); i++) {
		a = align_of(d, hive_btf_members(t)[i].type, depth + 1);
		if (a > max)
			max = a;
	}
	return max;
}

/* libbpf's btf_is_struct_packed: a member at an unnatural offset, or an
 * odd size. */
static bool is_packed(const struct cdump *d, uint32_t id, int depth)
{
	const struct btf_type *t = T(d, id);
	uint32_t i, a;

	if (!t || depth > 64)
		return false;
	a = max_member_align(d, t, depth);
	if (t->size % a)
		return true;
	for (i = 0; i < hive_btf_vlen(t); i++) {
		a = align_of(d, hive_btf_members(t)[i].type, depth + 1);
		if (!hive_btf_member_bitfield_size(t, i) && hive_btf_member_bit_offset(t, i) % (8 * a))
			return true;
	}
	return false;
}

/* Anonymous bitfields covering bits [cur, to). */
static void emit_pad(struct dstr *s, uint32_t cur, uint32_t to, int indent)
{
	while (cur < to) {
		uint32_t room = 64 - cur % 64, n = to - cur < room ? to - cur : room;

		ds_tabs(s, indent);
		ds_printf(s, "long: %u;\n", n);
		cur += n;
	}
}

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return a ? (v + a - 1) / a * a : v;
}

/* ---- declarations ---------------------------------------------------------------------- */

static void emit_decl(struct cdump *d, struct dstr *s, uint32_t id, const char *inner, int indent,
		      int depth);

static void emit_enum_body(struct cdump *d, struct dstr *s, uint32_t id, int indent)
{
	const struct btf_type *t = T(d, id);
	bool sign = hive_btf_kflag(t);
	uint32_t i, n = hive_btf_vlen(t);

	if (raw_name(d, id)[0])
		ds_printf(s, "enum %s {\n", cname(d, id));
	else
		ds_printf(s, "enum {\n");
	for (i = 0; i < n; i++) {
		uint32_t noff;
		int64_t v;
		const char *ename;
		int k;

		if (hive_btf_kind(t) == BTF_KIND_ENUM) {
			const struct btf_enum *e = &((const struct btf_enum *)hive_btf_records(t))[i];

			noff = e->name_off;
			v = sign ? (int64_t)e->val : (int64_t)(uint32_t)e->val;
		} else {
			const struct btf_enum64 *e = &((const struct btf_enum64 *)hive_btf_records(t))[i];

			noff = e->name_off;
			v = (int64_t)((uint64_t)e->val_hi32 << 32 | e->val_lo32);
		}
		ename = hive_btf__name_by_offset(d->btf, noff);
		if (!ename)
			ename = "";
		ds_tabs(s, indent + 1);
		/* enumerators share the ordinary identifier namespace */
		k = name_set_add(&d->idents, ename);
		if (k > 1)
			ds_printf(s, "%s___%d", ename, k);
		else
			ds_printf(s, "%s", ename);
		if (hive_btf_kind(t) == BTF_KIND_ENUM64)
			ds_printf(s, sign ? " = %" PRId64 "LL,\n" : " = %" PRIu64 "ULL,\n", v);
		else
			ds_printf(s, sign ? " = %" PRId64 ",\n" : " = %" PRIu64 ",\n", v);
	}
	ds_tabs(s, indent);
	ds_printf(s, "}");
}

static void emit_struct_body(struct cdump *d, struct dstr *s, uint32_t id, int indent, int depth)
{
	const struct btf_type *t = T(d, id);
	const struct btf_member *m = hive_btf_members(t);
	bool uni = hive_btf_kind(t) == BTF_KIND_UNION;
	bool packed = !uni && is_packed(d, id, depth);
	uint32_t i, n = hive_btf_vlen(t), cur = 0;

	ds_printf(s, "%s", uni ? "union" : "struct");
	if (raw_name(d, id)[0])
		ds_printf(s, " %s", cname(d, id));
	ds_printf(s, " {\n");
	for (i = 0; i < n; i++) {
		uint32_t off = hive_btf_member_bit_offset(t, i);
		uint32_t bsz = hive_btf_member_bitfield_size(t, i);
		const char *mname = hive_btf__name_by_offset(d->btf, m[i].name_off);
		int64_t msize = hive_btf__resolve_size(d->btf, m[i].type);

		if (!uni) {
			uint32_t natural;

			if (bsz) {
				uint32_t unit = msize > 0 ? (uint32_t)msize * 8 : 8;

				natural = (cur % unit) + bsz <= unit ? cur : (uint32_t)round_up(cur, unit);
			} else {
				natural = packed ? cur :
					  (uint32_t)round_up(cur, 8ull * align_of(d, m[i].type, depth + 1));
			}
			if (off > natural)
				emit_pad(s, cur, off, indent + 1);
		}
		ds_tabs(s, indent + 1);
		emit_decl(d, s, m[i].type, mname ? mname : "", indent + 1, depth + 1);
		if (bsz)
			ds_printf(s, ": %u", bsz);
		ds_printf(s, ";\n");
		if (!uni) {
			uint32_t end = off + (bsz ? bsz : (msize > 0 ? (uint32_t)msize * 8 : 0));

			if (end > cur)
				cur = end;
		}
	}
	if (!uni) {
		uint32_t a = packed ? 1 : max_member_align(d, t, depth);

		if ((uint64_t)t->size * 8 > round_up(cur, 8ull * a))
			emit_pad(s, cur, t->size * 8, indent + 1);
	}
	ds_tabs(s, indent);
	ds_printf(s, "}%s", packed ? " __attribute__((packed))" : "");
}

/* The base type of a declaration (after pointers, arrays and functions). */
static void emit_base(struct cdump *d, struct dstr *s, uint32_t id, int indent, int depth)
{
	const struct btf_type *t = T(d, id);

	if (!id || !t) {
		ds_printf(s, "void");
		return;
	}
	switch (hive_btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
		ds_printf(s, "%s", raw_name(d, id));
		break;
	case BTF_KIND_TYPEDEF:
		ds_printf(s, "%s", cname(d, id));
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (raw_name(d, id)[0])
			ds_printf(s, "%s %s", hive_btf_kind(t) == BTF_KIND_UNION ? "union" : "struct",
				  cname(d, id));
		else
			emit_struct_body(d, s, id, indent, depth);
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (raw_name(d, id)[0])
			ds_printf(s, "enum %s", cname(d, id));
		else
			emit_enum_body(d, s, id, indent);
		break;
	case BTF_KIND_FWD:
		ds_printf(s, "%s %s", hive_btf_kflag(t) ? "union" : "struct", cname(d, id));
		break;
	default:
		ds_printf(s, "void");
		break;
	}
}

static void emit_params(struct cdump *d, struct dstr *s, const struct btf_type *proto, int indent,
			int depth)
{
	const struct btf_param *p = hive_btf_records(proto);
	uint32_t i, n = hive_btf_vlen(proto);

	ds_printf(s, "(");
	if (!n)
		ds_printf(s, "void");
	for (i = 0; i < n; i++) {
		if (i)
			ds_printf(s, ", ");
		if (!p[i].type && i == n - 1) {
			ds_printf(s, "...");
			continue;
		}
		emit_decl(d, s, p[i].type, "", indent, depth + 1);
	}
	ds_printf(s, ")");
}

/*
 * "BASE INNER" for type @id: pointers, arrays and function types wrap
 * @inner (the declarator so far: a name, or "" for an abstract one).
 */
static void emit_decl(struct cdump *d, struct dstr *s, uint32_t id, const char *inner, int indent,
		      int depth)
{
	struct dstr cur = { 0 }, next;
	char quals[64] = "";
	const struct btf_type *t;

	if (depth > 64) {
		ds_printf(s, "void %s", inner);
		return;
	}
	ds_printf(&cur, "%s", inner);
	for (;;) {
		t = id ? T(d, id) : NULL;
		if (!t)
			break;
		switch (hive_btf_kind(t)) {
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
			if (!d->strip_mods && strlen(quals) < sizeof(quals) - 10)
				strcat(quals, hive_btf_kind(t) == BTF_KIND_CONST ? "const " :
					      hive_btf_kind(t) == BTF_KIND_VOLATILE ? "volatile " :
										    "restrict ");
			id = t->type;
			continue;
		case BTF_KIND_TYPE_TAG:
			id = t->type;
			continue;
		case BTF_KIND_PTR: {
			uint32_t k = hive_btf_kind(T(d, skip_mods(d, t->type)) ?: t);
			bool paren = skip_mods(d, t->type) &&
				     (k == BTF_KIND_ARRAY || k == BTF_KIND_FUNC_PROTO);

			memset(&next, 0, sizeof(next));
			ds_printf(&next, "%s*%s%s%s", paren ? "(" : "", quals, cur.p ? cur.p : "",
				  paren ? ")" : "");
			free(cur.p);
			cur = next;
			quals[0] = '\0';
			id = t->type;
			continue;
		}
		case BTF_KIND_ARRAY:
			ds_printf(&cur, "[%u]", ((const struct btf_array *)hive_btf_records(t))->nelems);
			id = ((const struct btf_array *)hive_btf_records(t))->type;
			continue;
		case BTF_KIND_FUNC_PROTO:
			emit_params(d, &cur, t, indent, depth);
			quals[0] = '\0';
			id = t->type;
			continue;
		default:
			break;
		}
		break;
	}
	ds_printf(s, "%s", quals);
	emit_base(d, s, id, indent, depth);
	if (cur.len)
		ds_printf(s, " %s", cur.p);
	if (cur.oom)
		s->oom = true;
	free(cur.p);
}

/* ---- ordering ---------------------------------------------------------------------- */

static void order(struct cdump *d, uint32_t id, bool through_ptr, int depth);

/* Forward declarations of named structs/unions @id's definition mentions
 * through pointers that are not declared yet. */
static void emit_fwds(struct cdump *d, uint32_t id, uint32_t self, int depth)
{
	const struct btf_type *t = T(d, id);
	uint32_t i;

	if (!t || depth > 64)
		return;
	switch (hive_btf_kind(t)) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (raw_name(d, id)[0] && depth > 0) {
			if (id != self && d->state[id] != ST_DONE && !d->fwd[id]) {
				ds_printf(&d->out, "%s %s;\n\n",
					  hive_btf_kind(t) == BTF_KIND_UNION ? "union" : "struct",
					  cname(d, id));
				d->fwd[id] = 1;
			}
			return;
		}
		for (i = 0; i < hive_btf_vlen(t); i++)
			emit_fwds(d, hive_btf_members(t)[i].type, self, depth + 1);
		break;
	case BTF_KIND_FWD:
		if (!d->fwd[id]) {
			ds_printf(&d->out, "%s %s;\n\n", hive_btf_kflag(t) ? "union" : "struct",
				  cname(d, id));
			d->fwd[id] = 1;
		}
		break;
	case BTF_KIND_PTR:
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		emit_fwds(d, t->type, self, depth + 1);
		break;
	case BTF_KIND_ARRAY:
		emit_fwds(d, ((const struct btf_array *)hive_btf_records(t))->type, self, depth + 1);
		break;
	case BTF_KIND_FUNC_PROTO:
		emit_fwds(d, t->type, self, depth + 1);
		for (i = 0; i < hive_btf_vlen(t); i++)
			emit_fwds(d, ((const struct btf_param *)hive_btf_records(t))[i].type, self,
				  depth + 1);
		break;
	case BTF_KIND_TYPEDEF:
		/* a typedef is always defined before it is used */
		break;
	default:
		break;
	}
}

/* Define named type @id at top level. */
static void emit_def(struct cdump *d, uint32_t id, int depth)
{
	const struct btf_type *t = T(d, id);

	switch (hive_btf_kind(t)) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		emit_fwds(d, id, id, 0);
		emit_struct_body(d, &d->out, id, 0, depth);
		ds_printf(&d->out, ";\n\n");
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		emit_enum_body(d, &d->out, id, 0);
		ds_printf(&d->out, ";\n\n");
		break;
	case BTF_KIND_TYPEDEF:
		emit_fwds(d, t->type, id, 1);
		ds_printf(&d->out, "typedef ");
		emit_decl(d, &d->out, t->type, cname(d, id), 0, depth);
		ds_printf(&d->out, ";\n\n");
		break;
	default:
		break;
	}
}

/* Make sure what a use of @id needs is defined: by value (complete types)
 * or @through_ptr (declarations suffice). */
static void order(struct cdump *d, uint32_t id, bool through_ptr, int depth)
{
	const struct btf_type *t = T(d, id);
	uint32_t i;

	if (!id || !t || depth > 256 || id >= d->cnt)
		return;
	switch (hive_btf_kind(t)) {
	case BTF_KIND_PTR:
		order(d, t->type, true, depth + 1);
		break;
	case BTF_KIND_ARRAY:
		order(d, ((const struct btf_array *)hive_btf_records(t))->type, through_ptr, depth + 1);
		break;
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		order(d, t->type, through_ptr, depth + 1);
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (!raw_name(d, id)[0]) {
			/* anonymous: printed inline, its members are needed by value */
			for (i = 0; i < hive_btf_vlen(t); i++)
				order(d, hive_btf_members(t)[i].type, false, depth + 1);
			break;
		}
		if (through_ptr || d->state[id] != ST_NONE)
			break;
		d->state[id] = ST_BUSY;
		for (i = 0; i < hive_btf_vlen(t); i++)
			order(d, hive_btf_members(t)[i].type, false, depth + 1);
		emit_def(d, id, depth);
		d->state[id] = ST_DONE;
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (raw_name(d, id)[0] && d->state[id] == ST_NONE) {
			d->state[id] = ST_DONE;
			emit_def(d, id, depth);
		}
		break;
	case BTF_KIND_FWD:
		break; /* declared by emit_fwds where used */
	case BTF_KIND_TYPEDEF:
		if (d->state[id] == ST_DONE && !through_ptr)
			order(d, t->type, false, depth + 1); /* now needed by value */
		if (d->state[id] != ST_NONE)
			break;
		d->state[id] = ST_BUSY;
		order(d, t->type, through_ptr, depth + 1);
		emit_def(d, id, depth);
		d->state[id] = ST_DONE;
		break;
	case BTF_KIND_FUNC_PROTO:
		order(d, t->type, true, depth + 1);
		for (i = 0; i < hive_btf_vlen(t); i++)
			order(d, ((const struct btf_param *)hive_btf_records(t))[i].type, true,
			      depth + 1);
		break;
	default:
		/* INT, FLOAT: builtin; FUNC, VAR, DATASEC, DECL_TAG: not types of C objects */
		break;
	}
}

static int cdump_init(struct cdump *d, const struct hive_btf *btf)
{
	memset(d, 0, sizeof(*d));
	d->btf = btf;
	d->cnt = hive_btf__type_cnt(btf);
	d->state = calloc(d->cnt, 1);
	d->fwd = calloc(d->cnt, 1);
	d->names = calloc(d->cnt, sizeof(char *));
	if (!d->state || !d->fwd || !d->names)
		return -ENOMEM;
	return 0;
}

static void cdump_free(struct cdump *d)
{
	uint32_t i;

	if (d->names)
		for (i = 0; i < d->cnt; i++)
			free(d->names[i]);
	free(d->names);
	free(d->state);
	free(d->fwd);
	free(d->out.p);
	name_set_free(&d->tags);
	name_set_free(&d->idents);
}

int cli_btf_dump_c(const struct hive_btf *btf, FILE *out, const uint32_t *ids, uint32_t nr)
{
	struct cdump d;
	uint32_t i;
	int err = cdump_init(&d, btf);

	if (err)
		goto out;
	if (nr) {
		for (i = 0; i < nr; i++)
			order(&d, ids[i], false, 0);
	} else {
		for (i = 1; i < d.cnt; i++)
			order(&d, i, false, 0);
	}
	if (d.out.oom) {
		err = -ENOMEM;
		goto out;
	}
	fprintf(out, "#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n\n"
		     "#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n"
		     "#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n"
		     "#endif\n\n");
	if (d.out.len)
		fwrite(d.out.p, 1, d.out.len, out);
	fprintf(out, "#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute pop\n#endif\n\n"
		     "#endif /* __VMLINUX_H__ */\n");
out:
	cdump_free(&d);
	return err;
}

uint32_t cli_btf_c_align(const struct hive_btf *btf, uint32_t type_id)
{
	struct cdump d;

	memset(&d, 0, sizeof(d));
	d.btf = btf;
	return align_of(&d, type_id, 0);
}

int cli_btf_c_decl(const struct hive_btf *btf, FILE *out, uint32_t type_id, const char *name,
	       int indent, bool strip_mods)
{
	struct cdump d;
	int err = cdump_init(&d, btf);

	if (!err) {
		d.strip_mods = strip_mods;
		emit_decl(&d, &d.out, type_id, name, indent, 0);
		if (d.out.oom)
			err = -ENOMEM;
		else if (d.out.len)
			fwrite(d.out.p, 1, d.out.len, out);
	}
	cdump_free(&d);
	return err;
}
