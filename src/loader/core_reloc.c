/*
 * core_reloc.c - CO-RE ("compile once, run everywhere") relocations: the
 * .BTF.ext records clang emits for __builtin_preserve_*_info, resolved
 * against a target BTF (the running kernel's vmlinux, or a file the user
 * names) with the semantics libbpf defines.
 *
 * A record names an instruction, a local root type and an accessor string.
 *   field relocations ("0:1:2"): the first number indexes the root as an
 *     array (pointer arithmetic), the rest select struct/union members
 *     (by index, anonymous members included) or array elements. The result
 *     is a byte offset, size, existence, signedness or bitfield shifts.
 *   type relocations ("0"): local/target type id, existence, size, match.
 *   enum relocations ("N"): existence or value of enumerator N.
 *
 * Resolution: candidates are target types of the same kind whose name,
 * without a "___flavor" suffix, equals the local one. The local spec (the
 * named members and array indexes along the path) is matched against each
 * candidate: members are found by name, descending into anonymous
 * structs/unions; field types must be compatible (composite vs composite,
 * same kind otherwise, enums and forward declarations by name, integers
 * of any size). All matching candidates must agree on the result, else the
 * relocation is ambiguous and fails. With no candidate, existence checks
 * evaluate to 0 and the rest poison the instruction: it becomes
 * `call 0xbad2310`, which the verifier accepts only as dead code (that is
 * how bpf_core_field_exists() guards work); load.c turns a verifier
 * rejection of that call back into a message naming the relocation.
 *
 * The patched instruction must hold the value clang computed for the local
 * type (ALU imm, load/store offset, or lddw immediate); that is checked
 * before it is replaced, so a relocation never rewrites an unrelated field.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "object.h"
#include "util/util.h"

#define SPEC_MAX 64         /* accessors per spec, as libbpf's BPF_CORE_SPEC_MAX_LEN */
#define MAX_DEPTH 32        /* type-compatibility recursion */
#define POISON_IMM 0xbad2310 /* "bad relo": call 195896080 */

struct accessor {
	uint32_t type_id;   /* composite holding the member, or array element type */
	uint32_t idx;       /* member index or array index */
	const char *name;   /* member name; NULL for array indexes */
};

struct spec {
	const struct hive_btf *btf;
	uint32_t root_type_id;
	uint32_t kind;
	struct accessor acc[SPEC_MAX]; /* named members and array indexes */
	int len;
	uint32_t raw[SPEC_MAX];        /* all indexes, anonymous members included */
	int raw_len;
	uint64_t bit_offset;
};

struct relo_res {
	uint64_t orig_val, new_val;
	uint32_t orig_sz, new_sz;
	uint32_t orig_type_id, new_type_id;
	bool poison;
	bool validate;
	bool fail_memsz_adjust;
};

struct cands {
	uint32_t *ids;
	uint32_t n;
	bool done;
};

struct core_ctx {
	struct hive_object *obj;
	struct hive_btf *local;
	struct hive_btf *targ;
	struct cands *cache;   /* per local type id */
};

static bool is_field_kind(uint32_t k)
{
	return k <= CORE_FIELD_RSHIFT_U64;
}

static bool is_type_kind(uint32_t k)
{
	return (k >= CORE_TYPE_ID_LOCAL && k <= CORE_TYPE_SIZE) || k == CORE_TYPE_MATCHES;
}

static bool is_enumval_kind(uint32_t k)
{
	return k == CORE_ENUMVAL_EXISTS || k == CORE_ENUMVAL_VALUE;
}

/* ------------------------------------------------------------ messages */

/* "[12] struct task_struct.pid (0:17 @ offset 2360)" */
static void format_spec(char *buf, size_t len, const struct spec *s)
{
	const struct btf_type *t = btf_type(s->btf, s->root_type_id);
	size_t n;
	int i;

	n = (size_t)snprintf(buf, len, "[%u] %s %s", s->root_type_id, btf_kind_str(hive_btf_kind(t)),
			     btf_name(s->btf, t));
	if (is_type_kind(s->kind) || n >= len)
		return;
	if (is_enumval_kind(s->kind)) {
		t = btf_skip_mods_typedefs(s->btf, s->root_type_id, NULL);
		if (s->len && btf_is_any_enum(t) && s->acc[0].idx < hive_btf_vlen(t))
			snprintf(buf + n, len - n, "::%s = %lld", btf_enum_name(s->btf, t, s->acc[0].idx),
				 (long long)btf_enum_value(t, s->acc[0].idx));
		return;
	}
	for (i = 0; i < s->len && n < len; i++)
		n += (size_t)(s->acc[i].name ? snprintf(buf + n, len - n, ".%s", s->acc[i].name)
					     : i == 0 ? 0 : snprintf(buf + n, len - n, "[%u]", s->acc[i].idx));
	for (i = 0; i < s->raw_len && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%u", i ? ":" : " (", s->raw[i]);
	if (n < len)
		snprintf(buf + n, len - n, " @ offset %llu.%u)", (unsigned long long)(s->bit_offset / 8),
			 (unsigned)(s->bit_offset % 8));
}

static int relo_bad(const struct core_ctx *c, const struct hive_program *prog, uint32_t idx,
		    uint32_t insn, const struct spec *local, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static int relo_bad(const struct core_ctx *c, const struct hive_program *prog, uint32_t idx,
		    uint32_t insn, const struct spec *local, const char *fmt, ...)
{
	char msg[400], sbuf[300] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (local && local->btf)
		format_spec(sbuf, sizeof(sbuf), local);
	obj_warn(c->obj, "prog '%s': insn #%u: CO-RE relocation #%u (%s) %s: %s", prog->name, insn, idx,
		 core_kind_str(local ? local->kind : 0), sbuf, msg);
	return -HIVE_ERELOC;
}

/* ------------------------------------------------------- local spec parse */

static bool is_flex_arr(const struct hive_btf *btf, const struct accessor *parent,
			const struct btf_array *arr)
{
	/* A zero-length array that is the last member of its struct. */
	if (!parent->name || arr->nelems)
		return false;
	return parent->idx == hive_btf_vlen(btf_type(btf, parent->type_id)) - 1;
}

/* Parse "a:b:c" of @relo over the local BTF. Returns 0 or -EINVAL/-E2BIG. */
static int parse_spec(const struct hive_btf *btf, const struct core_relo *relo, struct spec *s)
{
	const char *str = btf_str(btf, relo->access_str_off);
	const struct btf_type *t;
	uint32_t id;
	int i;

	memset(s, 0, sizeof(*s));
	s->btf = btf;
	s->root_type_id = relo->type_id;
	s->kind = relo->kind;
	if (!str || !str[0] || relo->type_id >= btf->nr_types)
		return -EINVAL;
	while (*str) {
		unsigned long v;
		char *end;

		if (*str < '0' || *str > '9')
			return -EINVAL;
		v = strtoul(str, &end, 10);
		if (v > INT_MAX || s->raw_len == SPEC_MAX)
			return v > INT_MAX ? -EINVAL : -E2BIG;
		s->raw[s->raw_len++] = (uint32_t)v;
		str = end;
		if (*str == ':')
			str++;
		else if (*str)
			return -EINVAL;
	}
	if (is_type_kind(relo->kind))
		return s->raw_len == 1 && s->raw[0] == 0 ? 0 : -EINVAL;

	t = btf_skip_mods_typedefs(btf, relo->type_id, &id);
	if (is_enumval_kind(relo->kind)) {
		if (!btf_is_any_enum(t) || s->raw_len > 1 || s->raw[0] >= hive_btf_vlen(t))
			return -EINVAL;
		s->acc[0] = (struct accessor){ id, s->raw[0], btf_enum_name(btf, t, s->raw[0]) };
		s->len = 1;
		return 0;
	}
	if (!is_field_kind(relo->kind))
		return -EINVAL;
	if (btf_size_of(btf, id) == BTF_NO_SIZE)
		return -EINVAL;
	/* The first index is pointer arithmetic on the root. */
	s->acc[0] = (struct accessor){ id, s->raw[0], NULL };
	s->len = 1;
	s->bit_offset = (uint64_t)s->raw[0] * btf_size_of(btf, id) * 8;
	for (i = 1; i < s->raw_len; i++) {
		uint32_t k = s->raw[i];

		t = btf_skip_mods_typedefs(btf, id, &id);
		if (btf_is_composite(t)) {
			const struct btf_member *m;

			if (k >= hive_btf_vlen(t))
				return -EINVAL;
			m = &hive_btf_members(t)[k];
			s->bit_offset += hive_btf_member_bit_offset(t, k);
			if (m->name_off) {
				const char *name = btf_str(btf, m->name_off);

				if (!name || !name[0])
					return -EINVAL;
				s->acc[s->len++] = (struct accessor){ id, k, name };
			}
			id = m->type;
		} else if (hive_btf_kind(t) == BTF_KIND_ARRAY) {
			const struct btf_array *a = btf_array(t);
			bool flex = is_flex_arr(btf, &s->acc[s->len - 1], a);

			btf_skip_mods_typedefs(btf, a->type, &id);
			if (!flex && k >= a->nelems)
				return -EINVAL;
			if (btf_size_of(btf, id) == BTF_NO_SIZE)
				return -EINVAL;
			s->acc[s->len++] = (struct accessor){ id, k, NULL };
			s->bit_offset += (uint64_t)k * btf_size_of(btf, id) * 8;
		} else {
			return -EINVAL;
		}
	}
	return 0;
}

/* -------------------------------------------------------- compatibility */

static bool names_match(const struct hive_btf *lb, uint32_t loff, const struct hive_btf *tb,
			uint32_t toff)
{
	const char *ln = btf_str(lb, loff), *tn = btf_str(tb, toff);
	size_t ll, tl;

	if (!ln || !tn)
		return false;
	ll = btf_essential_len(ln);
	tl = btf_essential_len(tn);
	/* Anonymous on either side matches; else flavor-less names equal. */
	return !ll || !tl || (ll == tl && !strncmp(ln, tn, ll));
}

static bool kinds_compat(const struct btf_type *a, const struct btf_type *b)
{
	return hive_btf_kind(a) == hive_btf_kind(b) || (btf_is_any_enum(a) && btf_is_any_enum(b));
}

static bool int_plain(const struct btf_type *t)
{
	return BTF_INT_OFFSET(btf_int_encoding(t)) == 0;
}

/* Field types: may a local field of @lid be read as a target field of @tid? */
static int fields_compat(const struct hive_btf *lb, uint32_t lid, const struct hive_btf *tb,
			 uint32_t tid)
{
	int depth;

	for (depth = 0; depth < MAX_DEPTH; depth++) {
		const struct btf_type *lt = btf_skip_mods_typedefs(lb, lid, &lid);
		const struct btf_type *tt = btf_skip_mods_typedefs(tb, tid, &tid);

		if (btf_is_composite(lt) && btf_is_composite(tt))
			return 1;
		if (!kinds_compat(lt, tt))
			return 0;
		switch (hive_btf_kind(lt)) {
		case BTF_KIND_PTR: case BTF_KIND_FLOAT:
			return 1;
		case BTF_KIND_FWD: case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
			return names_match(lb, lt->name_off, tb, tt->name_off);
		case BTF_KIND_INT:
			return int_plain(lt) && int_plain(tt);
		case BTF_KIND_ARRAY:
			lid = btf_array(lt)->type;
			tid = btf_array(tt)->type;
			continue;
		default:
			return 0;
		}
	}
	return -EINVAL;
}

/* Types (TYPE_EXISTS/SIZE/ID_TARGET): shape-compatible, names aside. */
static int types_compat(const struct hive_btf *lb, uint32_t lid, const struct hive_btf *tb,
			uint32_t tid, int level)
{
	if (!kinds_compat(btf_type(lb, lid), btf_type(tb, tid)))
		return 0;
	while (level-- > 0) {
		const struct btf_type *lt = btf_skip_mods_typedefs(lb, lid, &lid);
		const struct btf_type *tt = btf_skip_mods_typedefs(tb, tid, &tid);
		uint32_t i;
		int err;

		if (!kinds_compat(lt, tt))
			return 0;
		switch (hive_btf_kind(lt)) {
		case BTF_KIND_UNKN: case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64: case BTF_KIND_FWD: case BTF_KIND_FLOAT:
			return 1;
		case BTF_KIND_INT:
			return int_plain(lt) && int_plain(tt);
		case BTF_KIND_PTR:
			lid = lt->type;
			tid = tt->type;
			continue;
		case BTF_KIND_ARRAY:
			lid = btf_array(lt)->type;
			tid = btf_array(tt)->type;
			continue;
		case BTF_KIND_FUNC_PROTO:
			if (hive_btf_vlen(lt) != hive_btf_vlen(tt))
				return 0;
			for (i = 0; i < hive_btf_vlen(lt); i++) {
				err = types_compat(lb, btf_params(lt)[i].type, tb, btf_params(tt)[i].type,
						   level);
				if (err <= 0)
					return err;
			}
			lid = lt->type;
			tid = tt->type;
			continue;
		default:
			return 0;
		}
	}
	return -EINVAL;
}

/* TYPE_MATCHES: the stricter relation of bpf_core_type_matches(). */
static int types_match(const struct hive_btf *lb, uint32_t lid, const struct hive_btf *tb,
		       uint32_t tid, bool behind_ptr, int level)
{
	const struct btf_type *lt, *tt;
	uint32_t lk, tk, i, j;
	int err;

	if (level <= 0)
		return -EINVAL;
	lt = btf_skip_mods_typedefs(lb, lid, &lid);
	tt = btf_skip_mods_typedefs(tb, tid, &tid);
	if (!names_match(lb, lt->name_off, tb, tt->name_off))
		return 0;
	lk = hive_btf_kind(lt);
	tk = hive_btf_kind(tt);
	switch (lk) {
	case BTF_KIND_UNKN:
		return tk == BTF_KIND_UNKN;
	case BTF_KIND_FWD:
		/* kflag: 0 struct, 1 union; may stand for a definition behind a pointer */
		if (tk == BTF_KIND_FWD)
			return hive_btf_kflag(lt) == hive_btf_kflag(tt);
		return behind_ptr && btf_is_composite(tt) &&
		       (tk == BTF_KIND_UNION) == (bool)hive_btf_kflag(lt);
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		if (tk == BTF_KIND_FWD)
			return behind_ptr && (lk == BTF_KIND_UNION) == (bool)hive_btf_kflag(tt);
		if (tk != lk || hive_btf_vlen(lt) > hive_btf_vlen(tt))
			return 0;
		for (i = 0; i < hive_btf_vlen(lt); i++) {
			const struct btf_member *lm = &hive_btf_members(lt)[i];

			for (j = 0; j < hive_btf_vlen(tt); j++) {
				const struct btf_member *tm = &hive_btf_members(tt)[j];

				if (!names_match(lb, lm->name_off, tb, tm->name_off))
					continue;
				err = types_match(lb, lm->type, tb, tm->type, behind_ptr, level - 1);
				if (err < 0)
					return err;
				if (err > 0)
					break;
			}
			if (j == hive_btf_vlen(tt))
				return 0;
		}
		return 1;
	case BTF_KIND_INT:
		return tk == BTF_KIND_INT && lt->size == tt->size &&
		       (BTF_INT_ENCODING(btf_int_encoding(lt)) & BTF_INT_SIGNED) ==
		       (BTF_INT_ENCODING(btf_int_encoding(tt)) & BTF_INT_SIGNED);
	case BTF_KIND_FLOAT:
		return tk == BTF_KIND_FLOAT && lt->size == tt->size;
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
		if (!btf_is_any_enum(tt) || lt->size != tt->size)
			return 0;
		for (i = 0; i < hive_btf_vlen(lt); i++) {
			const char *ln = btf_enum_name(lb, lt, i);
			size_t ll = btf_essential_len(ln);

			for (j = 0; j < hive_btf_vlen(tt); j++) {
				const char *tn = btf_enum_name(tb, tt, j);

				if (btf_essential_len(tn) == ll && !strncmp(ln, tn, ll))
					break;
			}
			if (j == hive_btf_vlen(tt))
				return 0;
		}
		return 1;
	case BTF_KIND_PTR:
		if (tk != BTF_KIND_PTR)
			return 0;
		return types_match(lb, lt->type, tb, tt->type, true, level - 1);
	case BTF_KIND_ARRAY:
		if (tk != BTF_KIND_ARRAY || btf_array(lt)->nelems != btf_array(tt)->nelems)
			return 0;
		return types_match(lb, btf_array(lt)->type, tb, btf_array(tt)->type, behind_ptr,
				   level - 1);
	case BTF_KIND_FUNC_PROTO:
		if (tk != BTF_KIND_FUNC_PROTO || hive_btf_vlen(lt) != hive_btf_vlen(tt))
			return 0;
		for (i = 0; i < hive_btf_vlen(lt); i++) {
			err = types_match(lb, btf_params(lt)[i].type, tb, btf_params(tt)[i].type,
					  behind_ptr, level - 1);
			if (err <= 0)
				return err;
		}
		return types_match(lb, lt->type, tb, tt->type, behind_ptr, level - 1);
	default:
		return 0;
	}
}

/* ------------------------------------------------------ target matching */

/* Find the local member @la in target composite @tid (through anonymous members). */
static int match_member(const struct spec *local, const struct accessor *la,
			const struct hive_btf *tb, uint32_t tid, struct spec *ts,
			uint32_t *next_id, int depth)
{
	const struct btf_type *lt = btf_type(local->btf, la->type_id), *tt;
	const struct btf_member *lm = &hive_btf_members(lt)[la->idx];
	uint32_t i;

	if (depth > SPEC_MAX)
		return -E2BIG;
	tt = btf_skip_mods_typedefs(tb, tid, &tid);
	if (!btf_is_composite(tt))
		return 0;
	for (i = 0; i < hive_btf_vlen(tt); i++) {
		const struct btf_member *tm = &hive_btf_members(tt)[i];
		uint32_t bit_off = hive_btf_member_bit_offset(tt, i);
		const char *tn = btf_str(tb, tm->name_off);
		int found;

		if (ts->raw_len == SPEC_MAX)
			return -E2BIG;
		/* Speculate this member is the one. */
		ts->bit_offset += bit_off;
		ts->raw[ts->raw_len++] = i;
		if (!tn || !tn[0]) {
			found = match_member(local, la, tb, tm->type, ts, next_id, depth + 1);
			if (found)
				return found;
		} else if (!strcmp(la->name, tn)) {
			if (ts->len == SPEC_MAX)
				return -E2BIG;
			ts->acc[ts->len++] = (struct accessor){ tid, i, tn };
			*next_id = tm->type;
			found = fields_compat(local->btf, lm->type, tb, tm->type);
			if (!found)
				ts->len--;
			return found;
		}
		ts->bit_offset -= bit_off;
		ts->raw_len--;
	}
	return 0;
}

/* Match @local against candidate @tid: 1 match (ts filled), 0 no, <0 error. */
static int spec_match(const struct spec *local, const struct hive_btf *tb, uint32_t tid,
		      struct spec *ts)
{
	const struct btf_type *tt;
	int i, m;

	memset(ts, 0, sizeof(*ts));
	ts->btf = tb;
	ts->root_type_id = tid;
	ts->kind = local->kind;
	if (is_type_kind(local->kind)) {
		if (local->kind == CORE_TYPE_MATCHES)
			return types_match(local->btf, local->root_type_id, tb, tid, false, MAX_DEPTH);
		return types_compat(local->btf, local->root_type_id, tb, tid, MAX_DEPTH);
	}
	if (is_enumval_kind(local->kind)) {
		const char *ln = local->acc[0].name;
		size_t ll = btf_essential_len(ln);
		uint32_t j;

		tt = btf_skip_mods_typedefs(tb, tid, &tid);
		if (!btf_is_any_enum(tt))
			return 0;
		for (j = 0; j < hive_btf_vlen(tt); j++) {
			const char *tn = btf_enum_name(tb, tt, j);

			if (btf_essential_len(tn) == ll && !strncmp(ln, tn, ll)) {
				ts->acc[0] = (struct accessor){ tid, j, tn };
				ts->len = 1;
				ts->raw[0] = j;
				ts->raw_len = 1;
				return 1;
			}
		}
		return 0;
	}
	for (i = 0; i < local->len; i++) {
		const struct accessor *la = &local->acc[i];

		tt = btf_skip_mods_typedefs(tb, tid, &tid);
		if (la->name) {
			m = match_member(local, la, tb, tid, ts, &tid, 0);
			if (m <= 0)
				return m;
			continue;
		}
		/* Array index: the root itself for i == 0, an array element after. */
		if (i > 0) {
			const struct btf_array *a;

			if (hive_btf_kind(tt) != BTF_KIND_ARRAY)
				return 0;
			a = btf_array(tt);
			if (!is_flex_arr(tb, &ts->acc[ts->len - 1], a) && la->idx >= a->nelems)
				return 0;
			btf_skip_mods_typedefs(tb, a->type, &tid);
		}
		if (ts->raw_len == SPEC_MAX || btf_size_of(tb, tid) == BTF_NO_SIZE)
			return ts->raw_len == SPEC_MAX ? -E2BIG : 0;
		ts->acc[ts->len++] = (struct accessor){ tid, la->idx, NULL };
		ts->raw[ts->raw_len++] = la->idx;
		ts->bit_offset += (uint64_t)la->idx * btf_size_of(tb, tid) * 8;
	}
	return 1;
}

/* ------------------------------------------------------------- values */

/* Value of a field relocation under @s (NULL: no target). -EUCLEAN: poison. */
static int calc_field(uint32_t kind, const struct spec *s, uint64_t *val, uint32_t *field_sz,
		      uint32_t *type_id, bool *validate)
{
	const struct accessor *acc;
	const struct btf_type *t, *mt;
	uint32_t bit_sz, byte_sz, mid;
	uint64_t bit_off, byte_off;
	bool bitfield;

	*field_sz = 0;
	if (kind == CORE_FIELD_EXISTS) {
		*val = s ? 1 : 0;
		return 0;
	}
	if (!s)
		return -EUCLEAN;
	acc = &s->acc[s->len - 1];
	if (!acc->name) {
		/* The last step is an array index (or the root itself). */
		if (kind == CORE_FIELD_BYTE_OFFSET) {
			*val = s->bit_offset / 8;
			*field_sz = btf_size_of(s->btf, acc->type_id);
			*type_id = acc->type_id;
		} else if (kind == CORE_FIELD_BYTE_SIZE) {
			*val = btf_size_of(s->btf, acc->type_id);
		} else {
			return -EINVAL;
		}
		if (validate)
			*validate = true;
		return 0;
	}
	t = btf_type(s->btf, acc->type_id);
	mt = btf_skip_mods_typedefs(s->btf, hive_btf_members(t)[acc->idx].type, &mid);
	bit_off = s->bit_offset;
	bit_sz = hive_btf_member_bitfield_size(t, acc->idx);
	bitfield = bit_sz > 0;
	if (bitfield) {
		/* Smallest aligned load that covers the bitfield. */
		byte_sz = mt->size;
		if (!byte_sz)
			return -EINVAL;
		byte_off = bit_off / 8 / byte_sz * byte_sz;
		while (bit_off + bit_sz - byte_off * 8 > (uint64_t)byte_sz * 8) {
			if (byte_sz >= 8)
				return -E2BIG;
			byte_sz *= 2;
			byte_off = bit_off / 8 / byte_sz * byte_sz;
		}
	} else {
		byte_sz = btf_size_of(s->btf, mid);
		if (byte_sz == BTF_NO_SIZE)
			return -EINVAL;
		byte_off = bit_off / 8;
		bit_sz = byte_sz * 8;
	}
	/* Bitfield layouts are the compiler's call: only check what is unambiguous. */
	if (validate)
		*validate = !bitfield;
	switch (kind) {
	case CORE_FIELD_BYTE_OFFSET:
		*val = byte_off;
		if (!bitfield) {
			*field_sz = byte_sz;
			*type_id = mid;
		}
		break;
	case CORE_FIELD_BYTE_SIZE:
		*val = byte_sz;
		break;
	case CORE_FIELD_SIGNED:
		*val = (btf_is_any_enum(mt) && hive_btf_kflag(mt)) ||
		       (hive_btf_kind(mt) == BTF_KIND_INT &&
			(BTF_INT_ENCODING(btf_int_encoding(mt)) & BTF_INT_SIGNED));
		if (validate)
			*validate = true;
		break;
	case CORE_FIELD_LSHIFT_U64:
		/* little-endian: bits above the field */
		*val = 64 - (bit_off + bit_sz - byte_off * 8);
		break;
	case CORE_FIELD_RSHIFT_U64:
		*val = 64 - bit_sz;
		if (validate)
			*validate = true;
		break;
	default:
		return -EOPNOTSUPP;
	}
	return 0;
}

static int calc_type(uint32_t kind, const struct spec *s, uint64_t *val, bool *validate)
{
	if (validate)
		*validate = true;
	if (!s) {
		*val = 0; /* type relocations read 0 when the type is missing */
		return 0;
	}
	switch (kind) {
	case CORE_TYPE_ID_TARGET:
		*val = s->root_type_id;
		if (validate)
			*validate = false; /* ids shift when objects are linked */
		break;
	case CORE_TYPE_EXISTS: case CORE_TYPE_MATCHES:
		*val = 1;
		break;
	case CORE_TYPE_SIZE:
		if (btf_size_of(s->btf, s->root_type_id) == BTF_NO_SIZE)
			return -EINVAL;
		*val = btf_size_of(s->btf, s->root_type_id);
		break;
	default:
		return -EOPNOTSUPP;
	}
	return 0;
}

static int calc_enumval(uint32_t kind, const struct spec *s, uint64_t *val)
{
	const struct btf_type *t;

	if (kind == CORE_ENUMVAL_EXISTS) {
		*val = s ? 1 : 0;
		return 0;
	}
	if (!s)
		return -EUCLEAN;
	t = btf_type(s->btf, s->acc[0].type_id);
	/* 32-bit enum values are sign-extended, as libbpf does. */
	*val = hive_btf_kind(t) == BTF_KIND_ENUM ? (uint64_t)(int64_t)btf_enums(t)[s->acc[0].idx].val
						  : (uint64_t)btf_enum_value(t, s->acc[0].idx);
	return 0;
}

static int calc_relo(uint32_t kind, const struct spec *local, const struct spec *targ,
		     struct relo_res *res)
{
	int err;

	memset(res, 0, sizeof(*res));
	res->validate = true;
	if (is_field_kind(kind)) {
		err = calc_field(kind, local, &res->orig_val, &res->orig_sz, &res->orig_type_id,
				 &res->validate);
		if (!err)
			err = calc_field(kind, targ, &res->new_val, &res->new_sz, &res->new_type_id, NULL);
		if (!err && res->orig_sz != res->new_sz) {
			const struct btf_type *ot = btf_type(local->btf, res->orig_type_id);
			const struct btf_type *nt = btf_type(targ->btf, res->new_type_id);

			/*
			 * A load/store may change width only for pointers (32-bit
			 * kernel pointers) and unsigned integers (zero-extension
			 * keeps the value); anything else would read garbage.
			 */
			if (!(hive_btf_kind(ot) == BTF_KIND_PTR && hive_btf_kind(nt) == BTF_KIND_PTR) &&
			    !(hive_btf_kind(ot) == BTF_KIND_INT && hive_btf_kind(nt) == BTF_KIND_INT &&
			      !(BTF_INT_ENCODING(btf_int_encoding(ot)) & BTF_INT_SIGNED) &&
			      !(BTF_INT_ENCODING(btf_int_encoding(nt)) & BTF_INT_SIGNED)))
				res->fail_memsz_adjust = true;
		}
	} else if (is_type_kind(kind)) {
		err = calc_type(kind, local, &res->orig_val, &res->validate);
		if (!err)
			err = calc_type(kind, targ, &res->new_val, NULL);
	} else if (is_enumval_kind(kind)) {
		err = calc_enumval(kind, local, &res->orig_val);
		if (!err)
			err = calc_enumval(kind, targ, &res->new_val);
	} else {
		err = -EOPNOTSUPP;
	}
	if (err == -EUCLEAN) {
		res->poison = true;
		err = 0;
	}
	return err;
}

/* ---------------------------------------------------------- candidates */

static int find_cands(struct core_ctx *c, uint32_t local_id, const struct cands **out)
{
	struct cands *cs = &c->cache[local_id];
	const struct btf_type *lt = btf_type(c->local, local_id);
	const char *name = btf_name(c->local, lt);
	size_t len = btf_essential_len(name);
	uint32_t id, cap = 0;

	if (cs->done) {
		*out = cs;
		return 0;
	}
	errno = 0;
	for (id = btf_index_first(c->targ, name, len); id; id = btf_index_next(c->targ, id, name, len)) {
		if (hive_btf_kind(btf_type(c->targ, id)) != hive_btf_kind(lt))
			continue;
		if (cs->n == cap) {
			uint32_t *p;

			cap = cap ? cap * 2 : 4;
			p = realloc(cs->ids, cap * sizeof(*p));
			if (!p)
				return -ENOMEM;
			cs->ids = p;
		}
		cs->ids[cs->n++] = id;
	}
	if (errno == ENOMEM)
		return -ENOMEM;
	cs->done = true;
	*out = cs;
	return 0;
}

/* ------------------------------------------------------------ patching */

static void poison_insn(struct hive_insn *insn)
{
	/* call 0xbad2310: rejected by the verifier unless unreachable */
	*insn = HIVE_CALL_HELPER(POISON_IMM);
}

/* Poison insn @i of @prog and remember which relocation did it. */
static int poison_at(struct hive_program *prog, uint32_t i, const struct spec *local)
{
	struct hive_insn *insn = &prog->insns[i];
	struct core_poison *p;
	char sbuf[300];

	if (insn->code == (HIVE_LD | HIVE_DW | HIVE_IMM) && i + 1 < prog->insn_cnt)
		poison_insn(insn + 1);
	poison_insn(insn);
	p = realloc(prog->poisons, (prog->nr_poisons + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	prog->poisons = p;
	format_spec(sbuf, sizeof(sbuf), local);
	p = &prog->poisons[prog->nr_poisons];
	p->insn = i;
	if (asprintf(&p->desc, "%s %s", core_kind_str(local->kind), sbuf) < 0)
		return -ENOMEM;
	prog->nr_poisons++;
	return 0;
}

static int bytes_to_size(uint32_t sz)
{
	switch (sz) {
	case 1: return HIVE_B;
	case 2: return HIVE_H;
	case 4: return HIVE_W;
	case 8: return HIVE_DW;
	default: return -1;
	}
}

static uint32_t size_to_bytes(uint8_t code)
{
	switch (code & 0x18) {
	case HIVE_B: return 1;
	case HIVE_H: return 2;
	case HIVE_W: return 4;
	default: return 8;
	}
}

static int patch_insn(const struct core_ctx *c, struct hive_program *prog, uint32_t ridx,
		      uint32_t i, const struct spec *local, const struct relo_res *res)
{
	struct hive_insn *insn = &prog->insns[i];
	uint8_t cls = HIVE_CLASS(insn->code);
	uint64_t imm;
	int sz;

	if (res->poison)
		goto poison;
	switch (cls) {
	case HIVE_ALU: case HIVE_ALU64:
		/* dst op= imm: the imm is the relocated value */
		if ((insn->code & HIVE_X) != HIVE_K)
			return relo_bad(c, prog, ridx, i, local, "ALU instruction has no immediate");
		if (res->validate && (uint64_t)(int64_t)insn->imm != res->orig_val)
			return relo_bad(c, prog, ridx, i, local, "instruction holds %d, expected %llu",
					insn->imm, (unsigned long long)res->orig_val);
		insn->imm = (int32_t)res->new_val;
		return 0;
	case HIVE_LDX: case HIVE_ST: case HIVE_STX:
		/* memory access: the offset is the relocated field offset */
		if (res->validate && (uint64_t)(int64_t)insn->off != res->orig_val)
			return relo_bad(c, prog, ridx, i, local, "instruction offset %d, expected %llu",
					insn->off, (unsigned long long)res->orig_val);
		if (res->new_val > SHRT_MAX)
			return relo_bad(c, prog, ridx, i, local, "offset %llu does not fit an instruction",
					(unsigned long long)res->new_val);
		if (res->fail_memsz_adjust) {
			hive_pr_info("%s: prog '%s': insn #%u: field size changes from %u to %u bytes and is not a pointer or unsigned integer; poisoned\n",
				     c->obj->path, prog->name, i, res->orig_sz, res->new_sz);
			goto poison;
		}
		insn->off = (int16_t)res->new_val;
		if (res->new_sz != res->orig_sz) {
			if (size_to_bytes(insn->code) != res->orig_sz)
				return relo_bad(c, prog, ridx, i, local, "access size %u, expected %u",
						size_to_bytes(insn->code), res->orig_sz);
			sz = bytes_to_size(res->new_sz);
			if (sz < 0)
				return relo_bad(c, prog, ridx, i, local, "new field size %u is not 1/2/4/8",
						res->new_sz);
			insn->code = (uint8_t)((insn->code & ~0x18) | sz);
		}
		return 0;
	case HIVE_LD:
		/* lddw: the 64-bit immediate is the value */
		if (insn->code != (HIVE_LD | HIVE_DW | HIVE_IMM) || i + 1 >= prog->insn_cnt ||
		    insn[0].src || insn[0].off || insn[1].code || insn[1].dst || insn[1].src ||
		    insn[1].off)
			return relo_bad(c, prog, ridx, i, local, "lddw has an unexpected form");
		imm = (uint32_t)insn[0].imm | ((uint64_t)(uint32_t)insn[1].imm << 32);
		if (res->validate && imm != res->orig_val)
			return relo_bad(c, prog, ridx, i, local, "lddw holds %llu, expected %llu",
					(unsigned long long)imm, (unsigned long long)res->orig_val);
		insn[0].imm = (int32_t)(uint32_t)res->new_val;
		insn[1].imm = (int32_t)(uint32_t)(res->new_val >> 32);
		return 0;
	default:
		return relo_bad(c, prog, ridx, i, local, "cannot relocate opcode 0x%02x", insn->code);
	}
poison:
	return poison_at(prog, i, local);
}

/* ------------------------------------------------------------- driver */

static int relocate_one(struct core_ctx *c, struct hive_program *prog, uint32_t ridx, uint32_t i,
			const struct core_relo *relo)
{
	struct spec local, cand, targ = { 0 };
	struct relo_res res, cres;
	const struct cands *cs;
	char sbuf[300];
	uint32_t k, matched = 0;
	int err;

	if (relo->kind >= CORE_KIND_MAX)
		return relo_bad(c, prog, ridx, i, NULL, "unknown relocation kind %u", relo->kind);
	err = parse_spec(c->local, relo, &local);
	if (err)
		return relo_bad(c, prog, ridx, i, NULL, "bad accessor '%s' for type %u",
				btf_str(c->local, relo->access_str_off) ? btf_str(c->local, relo->access_str_off) : "?",
				relo->type_id);
	if (relo->kind == CORE_TYPE_ID_LOCAL) {
		memset(&res, 0, sizeof(res));
		res.orig_val = res.new_val = local.root_type_id;
		return patch_insn(c, prog, ridx, i, &local, &res);
	}
	if (!btf_name(c->local, btf_type(c->local, relo->type_id))[0])
		return relo_bad(c, prog, ridx, i, &local, "anonymous root types cannot be relocated");
	err = find_cands(c, relo->type_id, &cs);
	if (err)
		return err;
	for (k = 0; k < cs->n; k++) {
		err = spec_match(&local, c->targ, cs->ids[k], &cand);
		if (err < 0)
			return relo_bad(c, prog, ridx, i, &local, "matching candidate [%u] failed (%s)",
					cs->ids[k], hive_strerror(err));
		if (!err)
			continue;
		err = calc_relo(relo->kind, &local, &cand, &cres);
		if (err)
			return relo_bad(c, prog, ridx, i, &local, "cannot compute the value (%s)",
					hive_strerror(err));
		if (!matched) {
			res = cres;
			targ = cand;
		} else if (cand.bit_offset != targ.bit_offset) {
			return relo_bad(c, prog, ridx, i, &local, "ambiguous: candidates [%u] and [%u] put the field at bit %llu and %llu",
					targ.root_type_id, cand.root_type_id,
					(unsigned long long)targ.bit_offset, (unsigned long long)cand.bit_offset);
		} else if (cres.poison != res.poison || cres.new_val != res.new_val) {
			return relo_bad(c, prog, ridx, i, &local, "ambiguous: candidates [%u] and [%u] give %llu and %llu",
					targ.root_type_id, cand.root_type_id,
					(unsigned long long)res.new_val, (unsigned long long)cres.new_val);
		}
		matched++;
	}
	if (!matched) {
		err = calc_relo(relo->kind, &local, NULL, &res);
		if (err)
			return relo_bad(c, prog, ridx, i, &local, "cannot compute the value (%s)",
					hive_strerror(err));
	}
	format_spec(sbuf, sizeof(sbuf), &local);
	if (res.poison)
		hive_pr_debug("%s: prog '%s': insn #%u: CO-RE %s %s: no match in the target BTF, poisoned\n",
			      c->obj->path, prog->name, i, core_kind_str(relo->kind), sbuf);
	else
		hive_pr_debug("%s: prog '%s': insn #%u: CO-RE %s %s: %llu -> %llu\n", c->obj->path,
			      prog->name, i, core_kind_str(relo->kind), sbuf,
			      (unsigned long long)res.orig_val, (unsigned long long)res.new_val);
	return patch_insn(c, prog, ridx, i, &local, &res);
}

static int relocate_sec(struct core_ctx *c, const struct btf_ext_sec *es)
{
	const struct elf_sec *s = elf_sec_by_name(&c->obj->elf, es->name);
	uint32_t k;
	int err;

	/* Records were checked at open (object.c): inside code, in a function. */
	for (k = 0; k < es->num; k++) {
		struct core_relo relo;
		struct hive_program *prog;

		memcpy(&relo, es->recs + (size_t)k * c->obj->btf_ext->core.rec_size, sizeof(relo));
		prog = obj_prog_at(c->obj, s->idx, relo.insn_off / 8);
		if (!prog->autoload && !prog->is_subprog)
			continue; /* not loaded: its relocations need not resolve */
		err = relocate_one(c, prog, k, relo.insn_off / 8 - prog->sec_insn_off, &relo);
		if (err)
			return err;
	}
	return 0;
}

int core_relocate(struct hive_object *obj)
{
	struct core_ctx c = { .obj = obj, .local = obj->btf };
	uint32_t i;
	int err = 0;

	if (!obj->btf_ext || !obj->btf_ext->core.nsecs)
		return 0;
	err = obj_target_btf(obj, &c.targ);
	if (err) {
		obj_warn(obj, "CO-RE relocations need a target BTF (%s): /sys/kernel/btf/vmlinux or the btf_custom_path option",
			 hive_strerror(err));
		return err;
	}
	c.cache = calloc(obj->btf->nr_types, sizeof(*c.cache));
	if (!c.cache)
		return -ENOMEM;
	for (i = 0; i < obj->btf_ext->core.nsecs && !err; i++)
		err = relocate_sec(&c, &obj->btf_ext->core.secs[i]);
	for (i = 0; i < obj->btf->nr_types; i++)
		free(c.cache[i].ids);
	free(c.cache);
	return err;
}
