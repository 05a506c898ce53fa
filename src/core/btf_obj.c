/*
 * btf_obj.c - BTF objects of hive's bpf(): BPF_BTF_LOAD, BPF_BTF_GET_FD_BY_ID,
 * BPF_BTF_GET_NEXT_ID and BPF_OBJ_GET_INFO_BY_FD on a BTF (Linux 6.18).
 *
 * BTF_LOAD checks the attributes and the header in the kernel's order with
 * the kernel's messages (btf_parse_hdr, btf_check_sec_info,
 * btf_parse_str_sec), then validates the types with loader/btf.c plus the
 * kernel's rules that loader does not need (names, encodings, kind flags,
 * linkage, DATASEC bounds). The log follows the kernel's: the header
 * fields, one line per type (members, enumerators and section entries
 * indented), and the reason of a refusal; rotating unless BPF_LOG_FIXED,
 * -ENOSPC when it did not fit, log_true_size written back. Refusals are
 * -EINVAL, an unsupported version or flags -ENOTSUPP (524), as the kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/attr.h"
#include "core/btf_obj.h"
#include "core/kinds.h"
#include "core/registry.h"
#include "core/sys.h"
#include "helpers/helpers.h"
#include "loader/btf.h"
#include "maps/map.h"
#include "util/util.h"
/* the verifier's log (verifier/log.c); its MAX_BPF_REG is the kernel's
 * internal one, <linux/bpf.h>'s is the UAPI one */
#undef MAX_BPF_REG
#include "verifier/env.h"

#define BTF_LOAD_END 40u             /* one past btf_token_fd */
#define BTF_LOG_TRUE_SIZE_OFF 28u    /* attr.btf_log_true_size */
#define BTF_FLAGS_OFF 32u            /* attr.btf_flags */
#define BTF_TOKEN_FD_OFF 36u         /* attr.btf_token_fd */
#define BTF_GET_FD_BY_ID_END 16u     /* one past fd_by_id_token_fd */
#define BTF_KMAX_SIZE (16u << 20)    /* the kernel's BTF_MAX_SIZE */
#define BTF_KMAX_NAME_OFFSET 0xffffffu
#define BTF_INFO_SIZE 32u            /* sizeof(struct bpf_btf_info) */
#define ENOTSUPP_K 524

/* ---- the object kind ------------------------------------------------------ */

static int btf_attach(struct hive_obj *obj)
{
	struct hive_btf_obj *b = to_btf_obj(obj);
	char msg[64];

	b->def = obj_kind_area(obj);
	if (b->btf)
		return 0; /* BTF_LOAD parsed it already (obj_publish attaches) */
	if (b->def->data_size > obj->hdr->payload_size)
		return -EINVAL;
	b->btf = btf_parse_msg(obj->base, b->def->data_size, msg, sizeof(msg));
	return b->btf ? 0 : -EINVAL;
}

static void btf_detach(struct hive_obj *obj)
{
	struct hive_btf_obj *b = to_btf_obj(obj);

	hive_btf__free(b->btf);
	b->btf = NULL;
}

const struct hive_kind_ops hive_btf_kind_ops = {
	.obj_size = sizeof(struct hive_btf_obj),
	.attach = btf_attach,
	.detach = btf_detach,
};

int btf_obj_from_fd(int fd, struct hive_btf_obj **btfp)
{
	struct hive_obj *obj;
	int err = obj_from_fd(fd, HIVE_OBJ_BTF, &obj, NULL);

	if (err)
		return err;
	*btfp = to_btf_obj(obj);
	return 0;
}

struct hive_btf_obj *btf_obj_get_by_id(uint32_t id)
{
	struct hive_obj *o = obj_by_id(HIVE_OBJ_BTF, id);

	return o ? to_btf_obj(o) : NULL;
}

/* ---- log ------------------------------------------------------------------- */

static void blog(struct vlog *log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void blog(struct vlog *log, const char *fmt, ...)
{
	va_list ap;

	if (!log->level)
		return;
	va_start(ap, fmt);
	vlog_write(log, fmt, ap);
	va_end(ap);
}

static const char *const kind_upper[NR_BTF_KINDS] = {
	[BTF_KIND_UNKN] = "UNKNOWN",	 [BTF_KIND_INT] = "INT",
	[BTF_KIND_PTR] = "PTR",		 [BTF_KIND_ARRAY] = "ARRAY",
	[BTF_KIND_STRUCT] = "STRUCT",	 [BTF_KIND_UNION] = "UNION",
	[BTF_KIND_ENUM] = "ENUM",	 [BTF_KIND_FWD] = "FWD",
	[BTF_KIND_TYPEDEF] = "TYPEDEF",	 [BTF_KIND_VOLATILE] = "VOLATILE",
	[BTF_KIND_CONST] = "CONST",	 [BTF_KIND_RESTRICT] = "RESTRICT",
	[BTF_KIND_FUNC] = "FUNC",	 [BTF_KIND_FUNC_PROTO] = "FUNC_PROTO",
	[BTF_KIND_VAR] = "VAR",		 [BTF_KIND_DATASEC] = "DATASEC",
	[BTF_KIND_FLOAT] = "FLOAT",	 [BTF_KIND_DECL_TAG] = "DECL_TAG",
	[BTF_KIND_TYPE_TAG] = "TYPE_TAG", [BTF_KIND_ENUM64] = "ENUM64",
};

/* __btf_name_by_offset(): "(anon)" for an empty name. */
static const char *lname(const struct hive_btf *btf, uint32_t off)
{
	const char *s = btf_str(btf, off);

	return s && *s ? s : "(anon)";
}

static const char *int_encoding(uint32_t enc)
{
	switch (BTF_INT_ENCODING(enc)) {
	case BTF_INT_SIGNED:
		return "SIGNED";
	case BTF_INT_CHAR:
		return "CHAR";
	case BTF_INT_BOOL:
		return "BOOL";
	default:
		return "(none)";
	}
}

/* One type as the kernel's check_meta passes log it: "[id] KIND name ...";
 * @entries: with its members, enumerators or section entries. */
static void log_type(struct vlog *log, const struct hive_btf *btf, uint32_t id, bool entries)
{
	const struct btf_type *t = btf_type(btf, id);
	uint32_t k = hive_btf_kind(t), vlen = hive_btf_vlen(t), i;
	char args[256];
	size_t n = 0;

	blog(log, "[%u] %s %s ", id, kind_upper[k], lname(btf, t->name_off));
	switch (k) {
	case BTF_KIND_INT:
		blog(log, "size=%u bits_offset=%u nr_bits=%u encoding=%s\n", t->size,
		     BTF_INT_OFFSET(btf_int_encoding(t)), BTF_INT_BITS(btf_int_encoding(t)),
		     int_encoding(btf_int_encoding(t)));
		break;
	case BTF_KIND_ARRAY:
		blog(log, "type_id=%u index_type_id=%u nr_elems=%u\n", btf_array(t)->type,
		     btf_array(t)->index_type, btf_array(t)->nelems);
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		blog(log, "size=%u vlen=%u\n", t->size, vlen);
		for (i = 0; entries && i < vlen; i++) {
			const struct btf_member *m = &hive_btf_members(t)[i];

			if (hive_btf_kflag(t))
				blog(log, "\t%s type_id=%u bitfield_size=%u bits_offset=%u\n",
				     lname(btf, m->name_off), m->type, BTF_MEMBER_BITFIELD_SIZE(m->offset),
				     BTF_MEMBER_BIT_OFFSET(m->offset));
			else
				blog(log, "\t%s type_id=%u bits_offset=%u\n", lname(btf, m->name_off),
				     m->type, m->offset);
		}
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		blog(log, "size=%u vlen=%u\n", t->size, vlen);
		for (i = 0; entries && i < vlen; i++) {
			if (k == BTF_KIND_ENUM && hive_btf_kflag(t))
				blog(log, "\t%s val=%d\n", btf_enum_name(btf, t, i), btf_enums(t)[i].val);
			else if (k == BTF_KIND_ENUM)
				blog(log, "\t%s val=%u\n", btf_enum_name(btf, t, i),
				     (uint32_t)btf_enums(t)[i].val);
			else if (hive_btf_kflag(t))
				blog(log, "\t%s val=%lld\n", btf_enum_name(btf, t, i),
				     (long long)btf_enum_value(t, i));
			else
				blog(log, "\t%s val=%llu\n", btf_enum_name(btf, t, i),
				     (unsigned long long)btf_enum_value(t, i));
		}
		break;
	case BTF_KIND_FWD:
		blog(log, "%s\n", hive_btf_kflag(t) ? "union" : "struct");
		break;
	case BTF_KIND_FUNC_PROTO:
		args[0] = 0;
		for (i = 0; i < vlen && n < sizeof(args); i++) {
			const struct btf_param *p = &btf_params(t)[i];

			if (i + 1 == vlen && !p->type && !p->name_off)
				n += (size_t)snprintf(args + n, sizeof(args) - n, "%svararg", i ? ", " : "");
			else
				n += (size_t)snprintf(args + n, sizeof(args) - n, "%s%u %s", i ? ", " : "",
						      p->type, lname(btf, p->name_off));
		}
		blog(log, "return=%u args=(%s)\n", t->type, vlen ? args : "void");
		break;
	case BTF_KIND_VAR:
		blog(log, "type_id=%u linkage=%u\n", t->type, btf_var(t)->linkage);
		break;
	case BTF_KIND_DATASEC:
		blog(log, "size=%u vlen=%u\n", t->size, vlen);
		for (i = 0; entries && i < vlen; i++)
			blog(log, "\t type_id=%u offset=%u size=%u\n", btf_secinfos(t)[i].type,
			     btf_secinfos(t)[i].offset, btf_secinfos(t)[i].size);
		break;
	case BTF_KIND_FLOAT:
		blog(log, "size=%u\n", t->size);
		break;
	case BTF_KIND_DECL_TAG:
		blog(log, "type=%u component_idx=%d\n", t->type,
		     ((const struct btf_decl_tag *)(t + 1))->component_idx);
		break;
	default: /* pointers, typedefs, modifiers, functions */
		blog(log, "type_id=%u\n", t->type);
		break;
	}
}

/* ---- the kernel's checks that loader/btf.c does not make ---------------------- */

/* btf_name_valid_identifier(); @dots: also '.' (variables, sections). */
static bool name_ok(const struct hive_btf *btf, uint32_t off, bool dots)
{
	const char *s = btf_str(btf, off);
	size_t i;

	if (!s || !*s)
		return false;
	for (i = 0; s[i]; i++) {
		char c = s[i];
		bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';

		if (i >= 511)
			return false;
		if (alpha || (dots && c == '.') || (i && c >= '0' && c <= '9'))
			continue;
		/* sections are named like ".rodata.str1.1" or "?.struct_ops" */
		if (dots && c == '?' && i == 0)
			continue;
		return false;
	}
	return true;
}

/* Kinds whose kind_flag means something. */
static bool kflag_ok(uint32_t k)
{
	return k == BTF_KIND_STRUCT || k == BTF_KIND_UNION || k == BTF_KIND_FWD ||
	       k == BTF_KIND_ENUM || k == BTF_KIND_ENUM64 || k == BTF_KIND_DECL_TAG ||
	       k == BTF_KIND_TYPE_TAG;
}

/* Returns NULL or the reason type @id is refused (logged after its line);
 * *@err: the errno of a refusal. */
static const char *kernel_rules(const struct hive_btf *btf, uint32_t id, int *err)
{
	const struct btf_type *t = btf_type(btf, id);
	uint32_t k = hive_btf_kind(t), vlen = hive_btf_vlen(t), i, enc, last_end = 0;

	if (hive_btf_kflag(t) && !kflag_ok(k))
		return "Invalid btf_info kind_flag";
	switch (k) {
	case BTF_KIND_INT:
		enc = BTF_INT_ENCODING(btf_int_encoding(t));
		if (vlen)
			return "vlen != 0";
		if (enc && enc != BTF_INT_SIGNED && enc != BTF_INT_CHAR && enc != BTF_INT_BOOL) {
			*err = -ENOTSUPP_K;
			return "Unsupported encoding";
		}
		break;
	case BTF_KIND_PTR: case BTF_KIND_CONST: case BTF_KIND_VOLATILE: case BTF_KIND_RESTRICT:
		if (vlen)
			return "vlen != 0";
		if (t->name_off)
			return "Invalid name";
		break;
	case BTF_KIND_TYPEDEF:
		if (vlen)
			return "vlen != 0";
		if (!name_ok(btf, t->name_off, false))
			return "Invalid name";
		break;
	case BTF_KIND_TYPE_TAG:
		if (vlen)
			return "vlen != 0";
		if (!btf_str(btf, t->name_off) || !*btf_str(btf, t->name_off))
			return "Invalid name";
		break;
	case BTF_KIND_ARRAY:
		if (t->name_off)
			return "Invalid name";
		if (vlen)
			return "vlen != 0";
		if (t->size)
			return "size != 0";
		break;
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		if (t->name_off && !name_ok(btf, t->name_off, false))
			return "Invalid name";
		for (i = 0; i < vlen; i++) {
			const struct btf_member *m = &hive_btf_members(t)[i];

			if (m->name_off && !name_ok(btf, m->name_off, false))
				return "Invalid member name";
			if (!hive_btf_member_bitfield_size(t, i) &&
			    hive_btf_member_bit_offset(t, i) % 8 &&
			    hive_btf_kind(btf_skip_mods_typedefs(btf, m->type, NULL)) != BTF_KIND_INT)
				return "Member is not byte aligned";
		}
		break;
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
		if (t->name_off && !name_ok(btf, t->name_off, false))
			return "Invalid name";
		for (i = 0; i < vlen; i++) {
			uint32_t off = k == BTF_KIND_ENUM ? btf_enums(t)[i].name_off
							  : btf_enums64(t)[i].name_off;

			if (!name_ok(btf, off, false))
				return "Invalid name";
		}
		break;
	case BTF_KIND_FWD:
		if (vlen)
			return "vlen != 0";
		if (!name_ok(btf, t->name_off, false))
			return "Invalid name";
		break;
	case BTF_KIND_FUNC_PROTO:
		if (t->name_off)
			return "Invalid name";
		for (i = 0; i < vlen; i++) {
			const struct btf_param *p = &btf_params(t)[i];

			if (!p->type && i + 1 < vlen)
				return "Invalid arg#";
			if (p->type && p->name_off && !name_ok(btf, p->name_off, false))
				return "Invalid arg#";
		}
		break;
	case BTF_KIND_FUNC:
		if (!name_ok(btf, t->name_off, false))
			return "Invalid name";
		if (vlen > BTF_FUNC_GLOBAL)
			return "Invalid func linkage";
		break;
	case BTF_KIND_VAR:
		if (vlen)
			return "vlen != 0";
		if (!name_ok(btf, t->name_off, true))
			return "Invalid name";
		if (btf_var(t)->linkage > BTF_VAR_GLOBAL_ALLOCATED)
			return "Linkage not supported";
		break;
	case BTF_KIND_DATASEC:
		if (!vlen)
			return "vlen == 0";
		if (!t->size)
			return "size == 0";
		if (!name_ok(btf, t->name_off, true))
			return "Invalid name";
		for (i = 0; i < vlen; i++) {
			const struct btf_var_secinfo *v = &btf_secinfos(t)[i];

			if (!v->size)
				return "Invalid size";
			if (v->offset < last_end || (uint64_t)v->offset + v->size > t->size)
				return "Invalid offset+size";
			last_end = v->offset + v->size;
		}
		break;
	default:
		break;
	}
	return NULL;
}

/* ---- special fields --------------------------------------------------------------- */

/* Whether @id (modifiers skipped) is struct bpf_spin_lock of the right size. */
static bool is_spin_lock(const struct hive_btf *btf, uint32_t id)
{
	const struct btf_type *t = btf_skip_mods(btf, id, NULL);

	return hive_btf_kind(t) == BTF_KIND_STRUCT && t->size == 4 &&
	       !strcmp(btf_name(btf, t), "bpf_spin_lock");
}

/*
 * The bpf_spin_lock of struct @t (direct members, and members of nested
 * structs) at byte @base: *off set when found. -E2BIG for a second one
 * (the kernel's "seen twice"), -EINVAL for a misaligned one.
 */
static int find_spin_lock(const struct hive_btf *btf, const struct btf_type *t, uint32_t base,
			  int depth, int32_t *off)
{
	uint32_t i;
	int err;

	for (i = 0; i < hive_btf_vlen(t); i++) {
		uint32_t mid = hive_btf_members(t)[i].type;
		uint32_t moff = base + hive_btf_member_bit_offset(t, i) / 8;
		const struct btf_type *mt = btf_skip_mods_typedefs(btf, mid, NULL);

		if (is_spin_lock(btf, mid)) {
			if (*off >= 0)
				return -E2BIG;
			if (hive_btf_member_bit_offset(t, i) % 32)
				return -EINVAL;
			*off = (int32_t)moff;
		} else if (btf_is_composite(mt) && depth < 8) {
			err = find_spin_lock(btf, mt, moff, depth + 1, off);
			if (err)
				return err;
		}
	}
	return 0;
}

int btf_spin_lock_off(const struct hive_btf *btf, uint32_t id, int32_t *off)
{
	const struct btf_type *t = btf_skip_mods_typedefs(btf, id, NULL);

	*off = -1;
	if (!btf_is_composite(t))
		return 0;
	return find_spin_lock(btf, t, 0, 0, off);
}

/* ---- BTF_LOAD ---------------------------------------------------------------- */

/* btf_parse_hdr(), btf_check_sec_info() and btf_parse_str_sec(). */
static int check_header(struct vlog *log, const uint8_t *data, uint32_t size)
{
	struct btf_header h = { 0 };
	uint32_t hdr_len, total, end, i;
	struct { uint32_t off, len; } sec[2], tmp;

	if (size < offsetof(struct btf_header, hdr_len) + 4) {
		blog(log, "hdr_len not found");
		return -EINVAL;
	}
	memcpy(&hdr_len, data + offsetof(struct btf_header, hdr_len), 4);
	if (size < hdr_len) {
		blog(log, "btf_header not found");
		return -EINVAL;
	}
	for (i = sizeof(h); i < hdr_len; i++)
		if (data[i]) {
			blog(log, "Unsupported btf_header");
			return -E2BIG;
		}
	memcpy(&h, data, hdr_len < sizeof(h) ? hdr_len : sizeof(h));
	blog(log, "magic: 0x%x\n", h.magic);
	blog(log, "version: %u\n", h.version);
	blog(log, "flags: 0x%x\n", h.flags);
	blog(log, "hdr_len: %u\n", h.hdr_len);
	blog(log, "type_off: %u\n", h.type_off);
	blog(log, "type_len: %u\n", h.type_len);
	blog(log, "str_off: %u\n", h.str_off);
	blog(log, "str_len: %u\n", h.str_len);
	blog(log, "btf_total_size: %u\n", size);
	if (h.magic != BTF_MAGIC) {
		blog(log, "Invalid magic");
		return -EINVAL;
	}
	if (h.version != BTF_VERSION) {
		blog(log, "Unsupported version");
		return -ENOTSUPP_K;
	}
	if (h.flags) {
		blog(log, "Unsupported flags");
		return -ENOTSUPP_K;
	}
	if (size == hdr_len) {
		blog(log, "No data");
		return -EINVAL;
	}
	/* sections in offset order, without gaps or overlaps, filling the data */
	sec[0].off = h.type_off, sec[0].len = h.type_len;
	sec[1].off = h.str_off, sec[1].len = h.str_len;
	if (sec[1].off < sec[0].off) {
		tmp = sec[0];
		sec[0] = sec[1];
		sec[1] = tmp;
	}
	total = 0;
	end = size - hdr_len;
	for (i = 0; i < 2; i++) {
		if (end < sec[i].off) {
			blog(log, "Invalid section offset");
			return -EINVAL;
		}
		if (total < sec[i].off) {
			blog(log, "Unsupported section found");
			return -EINVAL;
		}
		if (total > sec[i].off) {
			blog(log, "Section overlap found");
			return -EINVAL;
		}
		if (end - total < sec[i].len) {
			blog(log, "Total section length too long");
			return -EINVAL;
		}
		total += sec[i].len;
	}
	if (total != end) {
		blog(log, "Unsupported section found");
		return -EINVAL;
	}
	/* the string section: last, NUL first and last */
	if ((uint64_t)hdr_len + h.str_off + h.str_len != size) {
		blog(log, "String section is not at the end");
		return -EINVAL;
	}
	if (!h.str_len || h.str_len - 1 > BTF_KMAX_NAME_OFFSET ||
	    data[hdr_len + h.str_off + h.str_len - 1] || data[hdr_len + h.str_off]) {
		blog(log, "Invalid string section");
		return -EINVAL;
	}
	if (h.type_off & 3) {
		blog(log, "Unaligned type_off");
		return -EINVAL;
	}
	if (!h.type_len) {
		blog(log, "No type found");
		return -EINVAL;
	}
	if (h.hdr_len < sizeof(h) || h.type_len % 4) {
		/* what loader/btf.c needs that the checks above imply for the kernel */
		blog(log, "Unsupported btf_header");
		return -EINVAL;
	}
	return 0;
}

/* Validate @size bytes into *btfp, logging as the kernel. */
static int validate(struct vlog *log, const uint8_t *data, uint32_t size, struct hive_btf **btfp)
{
	struct hive_btf *btf;
	char msg[320];
	uint32_t id;
	int err;

	err = check_header(log, data, size);
	if (err)
		return err;
	btf = btf_parse_msg(data, size, msg, sizeof(msg));
	if (!btf) {
		if (errno == ENOMEM)
			return -ENOMEM;
		blog(log, "%s\n", msg[0] ? msg : "Invalid BTF");
		/* the kernel's resolver says "Loop detected" with -EEXIST */
		return strstr(msg, "reference cycle") ? -EEXIST : -EINVAL;
	}
	for (id = 1; id < btf->nr_types; id++) {
		const char *why;

		err = -EINVAL;
		why = kernel_rules(btf, id, &err);
		log_type(log, btf, id, true);
		if (why) {
			blog(log, "[%u] %s\n", id, why);
			hive_btf__free(btf);
			return err;
		}
	}
	/* the resolve pass: section entries hold their variables */
	for (id = 1; id < btf->nr_types; id++) {
		const struct btf_type *t = btf_type(btf, id);

		for (uint32_t i = 0; hive_btf_kind(t) == BTF_KIND_DATASEC && i < hive_btf_vlen(t); i++) {
			const struct btf_var_secinfo *v = &btf_secinfos(t)[i];

			if (btf_size_of(btf, v->type) <= v->size)
				continue;
			log_type(log, btf, id, false);
			blog(log, "\t type_id=%u offset=%u size=%u Invalid size\n", v->type, v->offset,
			     v->size);
			hive_btf__free(btf);
			return -EINVAL;
		}
	}
	/* btf_parse_struct_metas(): a struct may hold one lock */
	for (id = 1; id < btf->nr_types; id++) {
		int32_t off;

		if (!btf_is_composite(btf_type(btf, id)))
			continue;
		err = btf_spin_lock_off(btf, id, &off);
		if (err == -E2BIG) {
			hive_btf__free(btf);
			return err;
		}
	}
	*btfp = btf;
	return 0;
}

static uint32_t attr_u32(const union bpf_attr *attr, size_t off)
{
	uint32_t v;

	memcpy(&v, (const unsigned char *)attr + off, 4);
	return v;
}

static int btf_load(union bpf_attr *attr)
{
	uint32_t flags = attr_u32(attr, BTF_FLAGS_OFF), size = attr->btf_size, true_size;
	const void *udata = (const void *)(uintptr_t)attr->btf;
	struct hive_btf *btf = NULL;
	struct hive_btf_def *def;
	struct hive_obj *obj;
	struct vlog log;
	uint8_t *data = NULL;
	int err, fd;

	if (attr_tail_nonzero(attr, BTF_LOAD_END))
		return -EINVAL;
	if (flags & ~HIVE_F_TOKEN_FD)
		return -EINVAL;
	if (flags & HIVE_F_TOKEN_FD) {
		/* hive has no BPF tokens: no descriptor is one */
		hive_pr_debug("hive: BPF tokens are not supported\n");
		return fcntl((int)attr_u32(attr, BTF_TOKEN_FD_OFF), F_GETFD) < 0 ? -EBADF : -EINVAL;
	}
	err = vlog_init(&log, attr->btf_log_level, (char *)(uintptr_t)attr->btf_log_buf,
			attr->btf_log_size);
	if (err)
		return err;
	if (size > BTF_KMAX_SIZE)
		return -E2BIG;
	if (!size)
		return -EINVAL;
	if (!udata)
		return -EFAULT;
	data = malloc(size);
	if (!data)
		return -ENOMEM;
	if (probe_mem(data, udata, size)) {
		err = -EFAULT;
		goto out;
	}
	err = validate(&log, data, size, &btf);
	if (!err)
		err = vlog_finalize(&log, &true_size);
	else
		vlog_finalize(&log, &true_size);
	if (log.level)
		memcpy((unsigned char *)attr + BTF_LOG_TRUE_SIZE_OFF, &true_size, 4);
	if (err)
		goto out;
	fd = obj_create(HIVE_OBJ_BTF, size, O_RDWR, &obj);
	if (fd < 0) {
		err = fd;
		goto out;
	}
	def = obj_kind_area(obj);
	memset(def, 0, sizeof(*def));
	def->data_size = size;
	memcpy(obj->base, data, size);
	to_btf_obj(obj)->def = def;
	to_btf_obj(obj)->btf = btf;
	btf = NULL;
	err = obj_publish(obj, fd);
	if (err) {
		btf_detach(obj);
		close(fd);
		obj_abandon(obj);
		goto out;
	}
	obj_put(obj);
	err = fd;
out:
	hive_btf__free(btf);
	free(data);
	return err;
}

/* ---- ids and info -------------------------------------------------------------- */

static int btf_get_fd_by_id(union bpf_attr *attr)
{
	if (attr_tail_nonzero(attr, BTF_GET_FD_BY_ID_END))
		return -EINVAL;
	if (attr->open_flags & ~HIVE_F_TOKEN_FD)
		return -EINVAL;
	if (attr->open_flags & HIVE_F_TOKEN_FD)
		return -EINVAL; /* no tokens here */
	if (attr_u32(attr, 12))
		return -EINVAL; /* a token fd without the flag */
	return sys_get_fd_by_id(HIVE_OBJ_BTF, attr->btf_id, 0);
}

int btf_obj_info(struct hive_obj *obj, union bpf_attr *attr)
{
	struct hive_btf_obj *b = to_btf_obj(obj);
	unsigned char *uinfo = (unsigned char *)(uintptr_t)attr->info.info;
	uint32_t len = attr->info.info_len, i, copy;
	struct bpf_btf_info info;
	char *uname;

	if (len > 4096)
		return -E2BIG;
	if (len && !uinfo)
		return -EFAULT;
	for (i = BTF_INFO_SIZE; i < len; i++)
		if (uinfo[i])
			return -E2BIG;
	if (len > BTF_INFO_SIZE)
		len = BTF_INFO_SIZE;
	memset(&info, 0, sizeof(info));
	memcpy(&info, uinfo, len);
	info.id = obj->id;
	copy = info.btf_size < b->def->data_size ? info.btf_size : b->def->data_size;
	if (copy && probe_write((void *)(uintptr_t)info.btf, obj->base, copy))
		return -EFAULT;
	info.btf_size = b->def->data_size;
	info.kernel_btf = b->def->kernel_btf;
	uname = (char *)(uintptr_t)info.name;
	if (!uname != !info.name_len)
		return -EINVAL;
	/* BTF loaded by user space has no name */
	info.name_len = 0;
	if (uname && probe_write(uname, "", 1))
		return -EFAULT;
	memcpy(uinfo, &info, len);
	attr->info.info_len = len;
	return 0;
}

int btf_obj_cmd(int cmd, union bpf_attr *attr, unsigned size)
{
	(void)size;
	switch (cmd) {
	case BPF_BTF_LOAD:
		return btf_load(attr);
	case BPF_BTF_GET_FD_BY_ID:
		return btf_get_fd_by_id(attr);
	case BPF_BTF_GET_NEXT_ID:
		return sys_get_next_id(HIVE_OBJ_BTF, attr);
	default:
		return -ENOSYS;
	}
}

/* ---- maps ------------------------------------------------------------------------ */

/* btf_type_id_size(): the size of a type a key or value may have, or -1. */
static int64_t kv_size(const struct hive_btf *btf, uint32_t id)
{
	const struct btf_type *t;

	if (!id || id >= btf->nr_types)
		return -1;
	t = btf_skip_mods_typedefs(btf, id, NULL);
	switch (hive_btf_kind(t)) {
	case BTF_KIND_INT: case BTF_KIND_PTR: case BTF_KIND_ARRAY: case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: case BTF_KIND_ENUM: case BTF_KIND_ENUM64: case BTF_KIND_FLOAT:
	case BTF_KIND_DATASEC:
		return btf_size_of(btf, id) == BTF_NO_SIZE ? -1 : (int64_t)btf_size_of(btf, id);
	default:
		return -1;
	}
}

/* The map type's own map_check_btf(): 0, an errno, or 1 when it has none. */
static int type_check_btf(const union bpf_attr *attr, const struct hive_btf *btf,
			  const struct btf_type *key)
{
	uint32_t k = hive_btf_kind(key), enc;

	switch (attr->map_type) {
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
		/* keyless: only the one-entry array of a global data section */
		if (k == BTF_KIND_UNKN)
			return attr->map_type == BPF_MAP_TYPE_ARRAY && attr->max_entries == 1 &&
			       hive_btf_kind(btf_type(btf, attr->btf_value_type_id)) == BTF_KIND_DATASEC
			       ? 0 : -EINVAL;
		if (k != BTF_KIND_INT)
			return -EINVAL;
		enc = btf_int_encoding(key);
		return BTF_INT_BITS(enc) == 32 && !BTF_INT_OFFSET(enc) ? 0 : -EINVAL;
	case BPF_MAP_TYPE_LPM_TRIE:
		return k == BTF_KIND_STRUCT ? 0 : -EINVAL;
	case BPF_MAP_TYPE_BLOOM_FILTER:
		return k == BTF_KIND_UNKN ? 0 : -EINVAL;
	case BPF_MAP_TYPE_HASH: case BPF_MAP_TYPE_PERCPU_HASH: case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH: case BPF_MAP_TYPE_HASH_OF_MAPS:
	case BPF_MAP_TYPE_ARRAY_OF_MAPS: case BPF_MAP_TYPE_QUEUE: case BPF_MAP_TYPE_STACK:
	case BPF_MAP_TYPE_PROG_ARRAY:
		return 1;
	default:
		/* map_check_no_btf() */
		return -ENOTSUPP_K;
	}
}

int btf_map_check(const union bpf_attr *attr, struct hive_map_def *def, struct hive_btf_obj **btfp)
{
	struct hive_btf_obj *b;
	const struct hive_btf *btf;
	const struct btf_type *key;
	int32_t lock = -1;
	int err;

	def->spin_lock_off = -1;
	if (btfp)
		*btfp = NULL;
	if (!attr->btf_key_type_id && !attr->btf_value_type_id && !attr->btf_vmlinux_value_type_id)
		return 0;
	err = btf_obj_from_fd((int)attr->btf_fd, &b);
	if (err)
		return err;
	btf = b->btf;
	err = -EINVAL;
	if (!attr->btf_value_type_id)
		goto out; /* vmlinux value types: struct_ops maps, which hive has not */
	if (attr->btf_key_type_id) {
		if (kv_size(btf, attr->btf_key_type_id) != attr->key_size)
			goto out;
		key = btf_skip_mods_typedefs(btf, attr->btf_key_type_id, NULL);
	} else {
		key = btf_type(btf, 0);
		if (type_check_btf(attr, btf, key) == 1)
			goto out;
	}
	if (kv_size(btf, attr->btf_value_type_id) != attr->value_size)
		goto out;
	err = btf_spin_lock_off(btf, attr->btf_value_type_id, &lock);
	if (err)
		goto out;
	if (lock >= 0) {
		err = -EACCES;
		if (attr->map_flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG))
			goto out;
		err = -EOPNOTSUPP;
		if (attr->map_type != BPF_MAP_TYPE_HASH && attr->map_type != BPF_MAP_TYPE_ARRAY &&
		    attr->map_type != BPF_MAP_TYPE_CGROUP_STORAGE &&
		    attr->map_type != BPF_MAP_TYPE_SK_STORAGE &&
		    attr->map_type != BPF_MAP_TYPE_INODE_STORAGE &&
		    attr->map_type != BPF_MAP_TYPE_TASK_STORAGE)
			goto out;
	}
	err = type_check_btf(attr, btf, key);
	if (err == 1)
		err = 0;
	if (err)
		goto out;
	def->btf_id = b->obj.id;
	def->btf_key_type_id = attr->btf_key_type_id;
	def->btf_value_type_id = attr->btf_value_type_id;
	def->spin_lock_off = lock;
	if (btfp) {
		*btfp = b;
		return 0;
	}
out:
	obj_put(&b->obj);
	return err;
}
