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

/* Ordering (phase 1) and emission (phase 2) states of a type. */
enum { ORD_NONE, ORD_BUSY, ORD_DONE };
enum { EM_NONE, EM_BUSY, EM_DONE };

struct cdump {
	const struct hive_btf *btf;
	uint32_t cnt;
	uint8_t *ord;         /* ORD_* */
	uint8_t *em;          /* EM_* */
	uint8_t *fwd;         /* declaration (struct X; or typedef) emitted */
	uint8_t *refd;        /* referenced by another type */
	uint8_t *align;       /* align_of cache (0: not computed) */
	uint32_t *queue;      /* definitions in emission order */
	uint32_t nqueue;
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
	if (d->align && id < d->cnt && d->align[id])
		return d->align[id];
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
		if (!is_packed(d, id, depth + 1)) {
			for (i = 0; i < hive_btf_vlen(t); i++) {
				a = align_of(d, hive_btf_members(t)[i].type, depth + 1);
				if (a > max)
					max = a;
			}
		}
		if (d->align && id < d->cnt)
			d->align[id] = (uint8_t)max; /* at most 8 */
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

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return a ? (v + a - 1) / a * a : v;
}

/*
 * Explicit padding from bit @cur to bit @next (where the next member, of
 * alignment @next_align bytes, or the end of the struct, must land), as
 * libbpf writes it: first the largest of long/int/short/char whose
 * alignment boundary lies in the gap (a "type: N" or "type: 0" marker
 * only where the compiler would not align there by itself), then full
 * "type: bits" units, then the smallest type holding the remainder.
 */
static void emit_pad(struct dstr *s, uint32_t cur, uint32_t next, uint32_t next_align,
		     bool in_bitfield, int indent)
{
	static const struct {
		const char *name;
		uint32_t bits;
	} pads[] = { { "long", 64 }, { "int", 32 }, { "short", 16 }, { "char", 8 } };
	const char *type = "char";
	uint32_t bits = 8, new_off = cur, n;
	size_t i;

	if (cur >= next)
		return;
	for (i = 0; i < 4; i++) {
		type = pads[i].name;
		bits = pads[i].bits;
		new_off = (uint32_t)round_up(cur, bits);
		if (new_off <= next)
			break;
	}
	if (new_off > cur && new_off <= next) {
		if (in_bitfield || (new_off == next && round_up(cur, 8ull * next_align) != new_off) ||
		    (new_off != next && next - new_off <= new_off - cur)) {
			ds_tabs(s, indent);
			ds_printf(s, "%s: %u;\n", type, in_bitfield ? new_off - cur : 0);
		}
		cur = new_off;
	}
	while (cur < next) {
		n = next - cur < bits ? next - cur : bits;
		if (n == bits) {
			ds_tabs(s, indent);
			ds_printf(s, "%s: %u;\n", type, bits);
			cur += n;
			continue;
		}
		for (i = 4; i-- > 0;)
			if (pads[i].bits >= n) {
				type = pads[i].name;
				bits = pads[i].bits;
				break;
			}
		ds_tabs(s, indent);
		ds_printf(s, "%s: %u;\n", type, n);
		cur += n;
	}
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
	bool packed = !uni && is_packed(d, id, depth), prev_bitfield = false;
	uint32_t i, n = hive_btf_vlen(t), cur = 0;

	ds_printf(s, "%s", uni ? "union" : "struct");
	if (raw_name(d, id)[0])
		ds_printf(s, " %s", cname(d, id));
	ds_printf(s, " {");
	if (n || t->size)
		ds_printf(s, "\n");
	for (i = 0; i < n; i++) {
		uint32_t off = hive_btf_member_bit_offset(t, i);
		uint32_t bsz = hive_btf_member_bitfield_size(t, i);
		uint32_t align = packed ? 1 : align_of(d, m[i].type, depth + 1);
		const char *mname = hive_btf__name_by_offset(d->btf, m[i].name_off);
		int64_t msize;

		emit_pad(s, cur, off, align, prev_bitfield && bsz, indent + 1);
		ds_tabs(s, indent + 1);
		emit_decl(d, s, m[i].type, mname ? mname : "", indent + 1, depth + 1);
		if (bsz) {
			ds_printf(s, ": %u", bsz);
			cur = off + bsz;
			prev_bitfield = true;
		} else {
			msize = hive_btf__resolve_size(d->btf, m[i].type);
			cur = off + (uint32_t)(msize > 0 ? msize : 0) * 8;
			prev_bitfield = false;
		}
		ds_printf(s, ";\n");
	}
	if (!uni)
		emit_pad(s, cur, t->size * 8, packed ? 1 : align_of(d, id, depth), false, indent + 1);
	if (n || t->size)
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
			/* libbpf's spacing: "T * (*f)(...)", "T * const name", "T * const" */
			if (quals[0]) {
				quals[strlen(quals) - 1] = '\0';
				ds_printf(&next, "%s* %s%s%s%s", paren ? "(" : "", quals,
					  cur.len ? " " : "", cur.p ? cur.p : "", paren ? ")" : "");
			} else {
				ds_printf(&next, "%s*%s%s%s", paren ? "(" : "",
					  cur.p && cur.p[0] == '(' ? " " : "", cur.p ? cur.p : "",
					  paren ? ")" : "");
			}
			free(cur.p);
			cur = next;
			quals[0] = '\0';
			id = t->type;
			continue;
		}
		case BTF_KIND_ARRAY:
			/* qualifiers of an array belong to its elements, which carry
			 * their own (GCC repeats them): drop them, as libbpf */
			quals[0] = '\0';
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

/* ---- ordering (phase 1) ---------------------------------------------------------- */

static void queue_def(struct cdump *d, uint32_t id)
{
	if (d->nqueue < d->cnt)
		d->queue[d->nqueue++] = id;
}

/*
 * Queue the definitions a use of @id needs, dependencies first. A use
 * @through_ptr needs no definition of a named struct/union (a forward
 * declaration will do). Returns true when the use is "strong": a
 * definition is (or will be) emitted, so a typedef of it can be too.
 */
static bool order(struct cdump *d, uint32_t id, bool through_ptr, int depth)
{
	const struct btf_type *t = T(d, id);
	bool strong;
	uint32_t i;

	if (!id)
		return true; /* void is always declared */
	if (!t || depth > 512 || id >= d->cnt)
		return false;
	if (d->ord[id] == ORD_DONE)
		return true;
	if (d->ord[id] == ORD_BUSY)
		return false; /* a loop: only possible through pointers */
	switch (hive_btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
		d->ord[id] = ORD_DONE;
		return false;
	case BTF_KIND_PTR:
		return order(d, t->type, true, depth + 1);
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return order(d, t->type, through_ptr, depth + 1);
	case BTF_KIND_ARRAY:
		return order(d, ((const struct btf_array *)hive_btf_records(t))->type, false, depth + 1);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (through_ptr && raw_name(d, id)[0])
			return false;
		d->ord[id] = ORD_BUSY;
		for (i = 0; i < hive_btf_vlen(t); i++)
			order(d, hive_btf_members(t)[i].type, false, depth + 1);
		if (raw_name(d, id)[0])
			queue_def(d, id);
		d->ord[id] = ORD_DONE;
		return true;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FWD:
		/* named enums and unreferenced anonymous ones are top-level declarations */
		if (raw_name(d, id)[0] || !d->refd[id])
			queue_def(d, id);
		d->ord[id] = ORD_DONE;
		return true;
	case BTF_KIND_TYPEDEF:
		strong = order(d, t->type, through_ptr, depth + 1);
		if (through_ptr && !strong)
			return false; /* declared where it is used through a pointer */
		queue_def(d, id);
		d->ord[id] = ORD_DONE;
		return true;
	case BTF_KIND_FUNC_PROTO:
		strong = order(d, t->type, through_ptr, depth + 1);
		for (i = 0; i < hive_btf_vlen(t); i++)
			if (order(d, ((const struct btf_param *)hive_btf_records(t))[i].type, through_ptr,
				  depth + 1))
				strong = true;
		return strong;
	default:
		/* FUNC, VAR, DATASEC, DECL_TAG declare no C type */
		d->ord[id] = ORD_DONE;
		return false;
	}
}

/* ---- emission (phase 2) ------------------------------------------------------------ */

static void emit_typedef(struct cdump *d, uint32_t id)
{
	/* the compiler's own type cannot be redefined */
	if (!strcmp(raw_name(d, id), "__builtin_va_list"))
		return;
	ds_printf(&d->out, "typedef ");
	emit_decl(d, &d->out, T(d, id)->type, cname(d, id), 0, 0);
	ds_printf(&d->out, ";\n\n");
}

static void emit_fwd(struct cdump *d, uint32_t id, bool uni)
{
	ds_printf(&d->out, "%s %s;\n\n", uni ? "union" : "struct", cname(d, id));
	d->fwd[id] = 1;
}

/*
 * Emit @id: its definition when @cont is 0 (a queued top-level
 * definition); otherwise (a type used inside definition @cont) only the
 * declarations that use needs: forward declarations of structs known by
 * pointer, typedefs.
 */
static void emit_type(struct cdump *d, uint32_t id, uint32_t cont, int depth)
{
	const struct btf_type *t = T(d, id);
	bool top = cont == 0;
	uint32_t i, k;

	if (!id || !t || id >= d->cnt || depth > 512 || d->em[id] == EM_DONE)
		return;
	k = hive_btf_kind(t);
	if (d->em[id] == EM_BUSY) {
		if (d->fwd[id])
			return;
		if ((k == BTF_KIND_STRUCT || k == BTF_KIND_UNION) && id != cont &&
		    raw_name(d, id)[0]) {
			emit_fwd(d, id, k == BTF_KIND_UNION);
		} else if (k == BTF_KIND_TYPEDEF) {
			emit_typedef(d, id);
			d->fwd[id] = 1;
		}
		return;
	}
	switch (k) {
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
		d->em[id] = EM_DONE;
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (top) {
			emit_enum_body(d, &d->out, id, 0);
			ds_printf(&d->out, ";\n\n");
		}
		d->em[id] = EM_DONE;
		break;
	case BTF_KIND_PTR:
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		emit_type(d, t->type, cont, depth + 1);
		break;
	case BTF_KIND_ARRAY:
		emit_type(d, ((const struct btf_array *)hive_btf_records(t))->type, cont, depth + 1);
		break;
	case BTF_KIND_FWD:
		if (!d->fwd[id])
			emit_fwd(d, id, hive_btf_kflag(t));
		d->em[id] = EM_DONE;
		break;
	case BTF_KIND_TYPEDEF:
		d->em[id] = EM_BUSY;
		emit_type(d, t->type, id, depth + 1);
		if (!d->fwd[id])
			emit_typedef(d, id);
		d->fwd[id] = 1;
		d->em[id] = EM_DONE;
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		d->em[id] = EM_BUSY;
		if (top || !raw_name(d, id)[0]) {
			uint32_t inner = raw_name(d, id)[0] ? id : cont;

			/* what the members mention must be declared first */
			for (i = 0; i < hive_btf_vlen(t); i++)
				emit_type(d, hive_btf_members(t)[i].type, inner, depth + 1);
		} else if (!d->fwd[id] && id != cont) {
			emit_fwd(d, id, k == BTF_KIND_UNION);
		}
		if (top) {
			emit_struct_body(d, &d->out, id, 0, 0);
			ds_printf(&d->out, ";\n\n");
			d->em[id] = EM_DONE;
		} else {
			d->em[id] = EM_NONE;
		}
		break;
	case BTF_KIND_FUNC_PROTO:
		emit_type(d, t->type, cont, depth + 1);
		for (i = 0; i < hive_btf_vlen(t); i++)
			emit_type(d, ((const struct btf_param *)hive_btf_records(t))[i].type, cont,
				  depth + 1);
		break;
	default:
		break;
	}
}

/* Which types other types refer to (unreferenced anonymous enums are emitted). */
static void mark_referenced(struct cdump *d)
{
	uint32_t id, i;

	for (id = 1; id < d->cnt; id++) {
		const struct btf_type *t = T(d, id);
		uint32_t n = hive_btf_vlen(t);

#define REF(x) do { if ((x) < d->cnt) d->refd[(x)] = 1; } while (0)
		switch (hive_btf_kind(t)) {
		case BTF_KIND_PTR:
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_FUNC:
		case BTF_KIND_VAR:
		case BTF_KIND_DECL_TAG:
		case BTF_KIND_TYPE_TAG:
			REF(t->type);
			break;
		case BTF_KIND_ARRAY:
			REF(((const struct btf_array *)hive_btf_records(t))->type);
			REF(((const struct btf_array *)hive_btf_records(t))->index_type);
			break;
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			for (i = 0; i < n; i++)
				REF(hive_btf_members(t)[i].type);
			break;
		case BTF_KIND_FUNC_PROTO:
			for (i = 0; i < n; i++)
				REF(((const struct btf_param *)hive_btf_records(t))[i].type);
			break;
		case BTF_KIND_DATASEC:
			for (i = 0; i < n; i++)
				REF(((const struct btf_var_secinfo *)hive_btf_records(t))[i].type);
			break;
		default:
			break;
		}
#undef REF
	}
}

/* Dump @id: order its needs, then emit the queued definitions. */
static void dump_one(struct cdump *d, uint32_t id)
{
	uint32_t i;

	d->nqueue = 0;
	order(d, id, false, 0);
	for (i = 0; i < d->nqueue; i++)
		emit_type(d, d->queue[i], 0, 0);
}

static int cdump_init(struct cdump *d, const struct hive_btf *btf)
{
	memset(d, 0, sizeof(*d));
	d->btf = btf;
	d->cnt = hive_btf__type_cnt(btf);
	d->ord = calloc(d->cnt, 1);
	d->em = calloc(d->cnt, 1);
	d->fwd = calloc(d->cnt, 1);
	d->refd = calloc(d->cnt, 1);
	d->queue = calloc(d->cnt, sizeof(uint32_t));
	d->names = calloc(d->cnt, sizeof(char *));
	d->align = calloc(d->cnt, 1);
	if (!d->ord || !d->em || !d->fwd || !d->refd || !d->queue || !d->names || !d->align)
		return -ENOMEM;
	mark_referenced(d);
	return 0;
}

static void cdump_free(struct cdump *d)
{
	uint32_t i;

	if (d->names)
		for (i = 0; i < d->cnt; i++)
			free(d->names[i]);
	free(d->names);
	free(d->ord);
	free(d->em);
	free(d->fwd);
	free(d->refd);
	free(d->queue);
	free(d->align);
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
			dump_one(&d, ids[i]);
	} else {
		for (i = 1; i < d.cnt; i++)
			dump_one(&d, i);
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
