/*
 * btf.c - parsing, validation and queries of BTF.
 *
 * btf_parse() copies the bytes and validates them in three passes, so that
 * nothing downstream (object loader, CO-RE, dumps) ever checks a bound:
 *
 *   1. header: magic, version, flags, section offsets inside the data, the
 *      type section 4-byte aligned, the string section NUL-delimited;
 *   2. types: each record set fits in the type section, the kind is known,
 *      per-kind fields are sane (int widths, enum sizes), names are valid
 *      string offsets, referenced type ids exist;
 *   3. resolution: an iterative depth-first walk over the by-value edges
 *      (typedef/modifier -> target, array -> element, struct -> members,
 *      var -> type, ...) rejects reference cycles (a pointer breaks a cycle,
 *      as in C) and computes every type's size in post-order, refusing
 *      arrays whose size overflows 32 bits and members that lie outside
 *      their struct.
 *
 * The essential-name index (btf_index_*) serves CO-RE candidate lookup in
 * large target BTFs (vmlinux has ~150k types) without a linear scan per
 * relocation.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btf.h"
#include "util/util.h"

#define BTF_MAX_TYPES 0xfffff      /* as the kernel's BTF_MAX_TYPE */
#define BTF_MAX_SIZE (256u << 20)  /* refuse absurd inputs early */

static const char *const kind_names[NR_BTF_KINDS] = {
	[BTF_KIND_UNKN] = "void",	[BTF_KIND_INT] = "int",
	[BTF_KIND_PTR] = "ptr",		[BTF_KIND_ARRAY] = "array",
	[BTF_KIND_STRUCT] = "struct",	[BTF_KIND_UNION] = "union",
	[BTF_KIND_ENUM] = "enum",	[BTF_KIND_FWD] = "fwd",
	[BTF_KIND_TYPEDEF] = "typedef", [BTF_KIND_VOLATILE] = "volatile",
	[BTF_KIND_CONST] = "const",	[BTF_KIND_RESTRICT] = "restrict",
	[BTF_KIND_FUNC] = "func",	[BTF_KIND_FUNC_PROTO] = "func_proto",
	[BTF_KIND_VAR] = "var",		[BTF_KIND_DATASEC] = "datasec",
	[BTF_KIND_FLOAT] = "float",	[BTF_KIND_DECL_TAG] = "decl_tag",
	[BTF_KIND_TYPE_TAG] = "type_tag", [BTF_KIND_ENUM64] = "enum64",
};

const char *btf_kind_str(uint32_t kind)
{
	return kind < NR_BTF_KINDS ? kind_names[kind] : "unknown";
}

/* Where btf_bad() messages go: a warning, or the buffer of btf_parse_msg()
 * (BTF_LOAD writes them into its log instead of printing). */
static _Thread_local char *bad_msg;
static _Thread_local size_t bad_msg_size;

/* Report "<what>: malformed BTF: ..." and return -HIVE_EBTF. */
static int btf_bad_report(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int btf_bad_report(const char *what, const char *fmt, ...)
{
	char msg[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (bad_msg) {
		snprintf(bad_msg, bad_msg_size, "%s", msg);
		hive_pr_debug("%s: malformed BTF: %s\n", what, msg);
	} else {
		hive_pr_warn("%s: malformed BTF: %s\n", what, msg);
	}
	return -HIVE_EBTF;
}

#define btf_bad(what, fmt, ...) btf_bad_report((what), fmt, ##__VA_ARGS__)

/* ---------------------------------------------------------------- header */

static int check_header(struct hive_btf *btf)
{
	const struct btf_header *h = &btf->hdr;
	uint64_t data_len, type_end, str_end;

	if (btf->raw_size < sizeof(*h))
		return btf_bad(btf->what, "offset 0x0: %u bytes, the header needs %zu", btf->raw_size,
			       sizeof(*h));
	memcpy(&btf->hdr, btf->raw, sizeof(*h));
	if (h->magic == 0x9feb)
		return btf_bad(btf->what, "offset 0x0: big-endian BTF is not supported");
	if (h->magic != BTF_MAGIC)
		return btf_bad(btf->what, "offset 0x0: bad magic 0x%04x", h->magic);
	if (h->version != BTF_VERSION)
		return btf_bad(btf->what, "offset 0x2: version %u, expected %u", h->version, BTF_VERSION);
	if (h->flags)
		return btf_bad(btf->what, "offset 0x3: unknown flags 0x%x", h->flags);
	if (h->hdr_len < sizeof(*h) || h->hdr_len > btf->raw_size)
		return btf_bad(btf->what, "offset 0x4: header length %u (file has %u bytes)", h->hdr_len,
			       btf->raw_size);
	/* A longer header than we know must be zero past our fields. */
	for (uint32_t i = sizeof(*h); i < h->hdr_len; i++)
		if (btf->raw[i])
			return btf_bad(btf->what, "offset 0x%x: unknown non-zero header byte", i);
	data_len = btf->raw_size - h->hdr_len;
	type_end = (uint64_t)h->type_off + h->type_len;
	str_end = (uint64_t)h->str_off + h->str_len;
	if (type_end > data_len)
		return btf_bad(btf->what, "offset 0x%x: type section [0x%x, +0x%x) past the data (0x%llx)",
			       h->hdr_len + h->type_off, h->type_off, h->type_len,
			       (unsigned long long)data_len);
	if (str_end > data_len)
		return btf_bad(btf->what, "offset 0x%x: string section [0x%x, +0x%x) past the data (0x%llx)",
			       h->hdr_len + h->str_off, h->str_off, h->str_len,
			       (unsigned long long)data_len);
	if ((h->hdr_len + h->type_off) % 4 || h->type_len % 4)
		return btf_bad(btf->what, "offset 0x%x: type section not 4-byte aligned",
			       h->hdr_len + h->type_off);
	if (h->type_off < str_end && h->str_off < type_end)
		return btf_bad(btf->what, "offset 0x%x: type and string sections overlap",
			       h->hdr_len + h->str_off);
	if (!h->str_len || h->str_len > 0xffffff)
		return btf_bad(btf->what, "offset 0x%x: string section length %u", h->hdr_len + h->str_off,
			       h->str_len);
	btf->strs = (const char *)btf->raw + h->hdr_len + h->str_off;
	btf->str_len = h->str_len;
	if (btf->strs[0] || btf->strs[btf->str_len - 1])
		return btf_bad(btf->what, "offset 0x%x: string section must start and end with NUL",
			       h->hdr_len + h->str_off);
	btf->types = btf->raw + h->hdr_len + h->type_off;
	btf->types_len = h->type_len;
	return 0;
}

/* ----------------------------------------------------------------- types */

/* Bytes of records following a type of kind @k with @vlen entries, or -1. */
static int64_t record_size(uint32_t k, uint32_t vlen)
{
	switch (k) {
	case BTF_KIND_INT:
		return 4;
	case BTF_KIND_PTR: case BTF_KIND_FWD: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_FUNC: case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		return (int64_t)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (int64_t)vlen * sizeof(struct btf_enum);
	case BTF_KIND_ENUM64:
		return (int64_t)vlen * sizeof(struct btf_enum64);
	case BTF_KIND_FUNC_PROTO:
		return (int64_t)vlen * sizeof(struct btf_param);
	case BTF_KIND_VAR:
		return sizeof(struct btf_var);
	case BTF_KIND_DATASEC:
		return (int64_t)vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_DECL_TAG:
		return sizeof(struct btf_decl_tag);
	default:
		return -1;
	}
}

/* Pass 1: locate every type and check its record bounds and kind. */
static int index_types(struct hive_btf *btf)
{
	uint32_t off = 0, n = 1, cap = 1024;

	btf->type_off = malloc(cap * sizeof(uint32_t));
	if (!btf->type_off)
		return -ENOMEM;
	btf->type_off[0] = 0;
	while (off < btf->types_len) {
		const struct btf_type *t;
		int64_t rs;

		if (btf->types_len - off < sizeof(*t))
			return btf_bad(btf->what, "type [%u] at type offset 0x%x: truncated header", n, off);
		t = (const struct btf_type *)(btf->types + off);
		rs = record_size(hive_btf_kind(t), hive_btf_vlen(t));
		if (rs < 0)
			return btf_bad(btf->what, "type [%u] at type offset 0x%x: unknown kind %u", n, off,
				       hive_btf_kind(t));
		if ((uint64_t)rs > btf->types_len - off - sizeof(*t))
			return btf_bad(btf->what, "type [%u] %s at type offset 0x%x: %u records run past the type section",
				       n, btf_kind_str(hive_btf_kind(t)), off, hive_btf_vlen(t));
		if (n > BTF_MAX_TYPES)
			return btf_bad(btf->what, "more than %u types", BTF_MAX_TYPES);
		if (n == cap) {
			uint32_t *p = realloc(btf->type_off, 2 * cap * sizeof(uint32_t));

			if (!p)
				return -ENOMEM;
			btf->type_off = p;
			cap *= 2;
		}
		btf->type_off[n++] = off;
		off += sizeof(*t) + (uint32_t)rs;
	}
	btf->nr_types = n;
	return 0;
}

const struct btf_type *btf_type(const struct hive_btf *btf, uint32_t id)
{
	static const struct btf_type void_type;

	if (id == 0)
		return &void_type;
	return (const struct btf_type *)(btf->types + btf->type_off[id]);
}

const char *btf_str(const struct hive_btf *btf, uint32_t off)
{
	return off < btf->str_len ? btf->strs + off : NULL;
}

const char *btf_name(const struct hive_btf *btf, const struct btf_type *t)
{
	const char *s = btf_str(btf, t->name_off);

	return s ? s : "";
}

#define CHECK_ID(id_, what_)                                                                 \
	do {                                                                                 \
		if ((id_) >= btf->nr_types)                                                  \
			return btf_bad(btf->what, "type [%u] %s: %s refers to type %u, past the %u types", \
				       id, btf_kind_str(k), what_, (id_), btf->nr_types);       \
	} while (0)

#define CHECK_STR(off_, what_)                                                               \
	do {                                                                                 \
		if ((off_) >= btf->str_len)                                                  \
			return btf_bad(btf->what, "type [%u] %s: %s offset 0x%x past the strings (0x%x)", \
				       id, btf_kind_str(k), what_, (off_), btf->str_len);        \
	} while (0)

/* Pass 2: per-kind field checks, names and referenced ids. */
static int check_type(struct hive_btf *btf, uint32_t id)
{
	const struct btf_type *t = btf_type(btf, id);
	uint32_t k = hive_btf_kind(t), vlen = hive_btf_vlen(t), i, enc;

	CHECK_STR(t->name_off, "name");
	switch (k) {
	case BTF_KIND_INT:
		enc = btf_int_encoding(t);
		if (!t->size || t->size > 16)
			return btf_bad(btf->what, "type [%u] int: size %u", id, t->size);
		if (BTF_INT_BITS(enc) > 128 || BTF_INT_OFFSET(enc) + BTF_INT_BITS(enc) > t->size * 8)
			return btf_bad(btf->what, "type [%u] int: %u bits at bit %u do not fit in %u bytes",
				       id, BTF_INT_BITS(enc), BTF_INT_OFFSET(enc), t->size);
		break;
	case BTF_KIND_FLOAT:
		if (t->size != 2 && t->size != 4 && t->size != 8 && t->size != 12 && t->size != 16)
			return btf_bad(btf->what, "type [%u] float: size %u", id, t->size);
		break;
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
		if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8)
			return btf_bad(btf->what, "type [%u] %s: size %u", id, btf_kind_str(k), t->size);
		for (i = 0; i < vlen; i++)
			CHECK_STR(k == BTF_KIND_ENUM ? btf_enums(t)[i].name_off : btf_enums64(t)[i].name_off,
				  "enumerator name");
		break;
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG: case BTF_KIND_VAR: case BTF_KIND_DECL_TAG:
		CHECK_ID(t->type, "the type");
		if (k == BTF_KIND_VAR && btf_var(t)->linkage > BTF_VAR_GLOBAL_EXTERN)
			return btf_bad(btf->what, "type [%u] var: linkage %u", id, btf_var(t)->linkage);
		break;
	case BTF_KIND_FUNC:
		CHECK_ID(t->type, "the prototype");
		if (hive_btf_kind(btf_type(btf, t->type)) != BTF_KIND_FUNC_PROTO)
			return btf_bad(btf->what, "type [%u] func: type %u is not a func_proto", id, t->type);
		if (vlen > BTF_FUNC_EXTERN)
			return btf_bad(btf->what, "type [%u] func: linkage %u", id, vlen);
		break;
	case BTF_KIND_ARRAY:
		CHECK_ID(btf_array(t)->type, "the element type");
		CHECK_ID(btf_array(t)->index_type, "the index type");
		break;
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		for (i = 0; i < vlen; i++) {
			CHECK_ID(hive_btf_members(t)[i].type, "a member");
			CHECK_STR(hive_btf_members(t)[i].name_off, "member name");
		}
		break;
	case BTF_KIND_FUNC_PROTO:
		CHECK_ID(t->type, "the return type");
		for (i = 0; i < vlen; i++) {
			CHECK_ID(btf_params(t)[i].type, "a parameter");
			CHECK_STR(btf_params(t)[i].name_off, "parameter name");
		}
		break;
	case BTF_KIND_DATASEC:
		for (i = 0; i < vlen; i++) {
			uint32_t vk;

			CHECK_ID(btf_secinfos(t)[i].type, "an entry");
			vk = hive_btf_kind(btf_type(btf, btf_secinfos(t)[i].type));
			if (vk != BTF_KIND_VAR && vk != BTF_KIND_FUNC)
				return btf_bad(btf->what, "type [%u] datasec: entry %u is a %s, not a var",
					       id, i, btf_kind_str(vk));
		}
		break;
	default:
		break;
	}
	return 0;
}

/* ------------------------------------------------------------ resolution */

/* Number of by-value edges of @t (pointers do not count: they break cycles). */
static uint32_t edge_count(const struct btf_type *t)
{
	switch (hive_btf_kind(t)) {
	case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST: case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG: case BTF_KIND_VAR: case BTF_KIND_FUNC: case BTF_KIND_DECL_TAG:
	case BTF_KIND_ARRAY:
		return 1;
	case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_DATASEC:
		return hive_btf_vlen(t);
	case BTF_KIND_FUNC_PROTO:
		return hive_btf_vlen(t) + 1;
	default:
		return 0;
	}
}

static uint32_t edge(const struct btf_type *t, uint32_t i)
{
	switch (hive_btf_kind(t)) {
	case BTF_KIND_ARRAY:
		return btf_array(t)->type;
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		return hive_btf_members(t)[i].type;
	case BTF_KIND_DATASEC:
		return btf_secinfos(t)[i].type;
	case BTF_KIND_FUNC_PROTO:
		return i == 0 ? t->type : btf_params(t)[i - 1].type;
	default:
		return t->type;
	}
}

/* Size of @id once its edges are resolved (post-order). */
static int compute_size(struct hive_btf *btf, uint32_t id)
{
	const struct btf_type *t = btf_type(btf, id);
	uint32_t k = hive_btf_kind(t), i, sz;
	uint64_t total;

	switch (k) {
	case BTF_KIND_INT: case BTF_KIND_ENUM: case BTF_KIND_ENUM64: case BTF_KIND_FLOAT:
	case BTF_KIND_DATASEC:
		sz = t->size;
		break;
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		sz = t->size;
		for (i = 0; i < hive_btf_vlen(t); i++) {
			uint32_t mt = hive_btf_members(t)[i].type, msz = btf->sizes[mt];
			uint64_t bit_off = hive_btf_member_bit_offset(t, i);
			uint64_t bits = hive_btf_member_bitfield_size(t, i);

			if (msz == BTF_NO_SIZE)
				return btf_bad(btf->what, "type [%u] %s '%s': member %u has sizeless type %u",
					       id, btf_kind_str(k), btf_name(btf, t), i, mt);
			if (!bits)
				bits = (uint64_t)msz * 8;
			if (bit_off + bits > (uint64_t)t->size * 8)
				return btf_bad(btf->what, "type [%u] %s '%s': member %u (bits %llu..%llu) outside its %u bytes",
					       id, btf_kind_str(k), btf_name(btf, t), i,
					       (unsigned long long)bit_off,
					       (unsigned long long)(bit_off + bits), t->size);
		}
		break;
	case BTF_KIND_PTR:
		sz = 8;
		break;
	case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST: case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG: case BTF_KIND_VAR:
		sz = btf->sizes[t->type];
		break;
	case BTF_KIND_ARRAY:
		sz = btf->sizes[btf_array(t)->type];
		if (sz == BTF_NO_SIZE)
			return btf_bad(btf->what, "type [%u] array: element type %u has no size", id,
				       btf_array(t)->type);
		total = (uint64_t)sz * btf_array(t)->nelems;
		if (total >= BTF_NO_SIZE)
			return btf_bad(btf->what, "type [%u] array: %u elements of %u bytes overflow 32 bits",
				       id, btf_array(t)->nelems, sz);
		sz = (uint32_t)total;
		break;
	default:
		sz = BTF_NO_SIZE;
		break;
	}
	btf->sizes[id] = sz;
	return 0;
}

struct frame {
	uint32_t id;
	uint32_t next;  /* next edge to visit */
};

/* Pass 3: iterative DFS; state 0 new, 1 on the stack, 2 resolved. */
static int resolve_all(struct hive_btf *btf)
{
	uint32_t n = btf->nr_types, root;
	struct frame *stack;
	uint8_t *state;
	int err = 0;

	btf->sizes = malloc(n * sizeof(uint32_t));
	state = calloc(n, 1);
	stack = malloc(n * sizeof(*stack));
	if (!btf->sizes || !state || !stack) {
		err = -ENOMEM;
		goto out;
	}
	btf->sizes[0] = BTF_NO_SIZE;
	state[0] = 2;
	for (root = 1; root < n && !err; root++) {
		uint32_t sp = 0;

		if (state[root])
			continue;
		stack[sp++] = (struct frame){ root, 0 };
		state[root] = 1;
		while (sp) {
			struct frame *f = &stack[sp - 1];
			const struct btf_type *t = btf_type(btf, f->id);

			if (f->next < edge_count(t)) {
				uint32_t to = edge(t, f->next++);

				if (state[to] == 1) {
					err = btf_bad(btf->what, "type [%u] %s '%s': reference cycle through type %u",
						      f->id, btf_kind_str(hive_btf_kind(t)), btf_name(btf, t), to);
					break;
				}
				if (state[to] == 0) {
					state[to] = 1;
					stack[sp++] = (struct frame){ to, 0 };
				}
				continue;
			}
			err = compute_size(btf, f->id);
			if (err)
				break;
			state[f->id] = 2;
			sp--;
		}
	}
out:
	free(stack);
	free(state);
	return err;
}

/* ------------------------------------------------------------ lifecycle */

struct hive_btf *btf_parse(const void *data, size_t size, const char *what)
{
	struct hive_btf *btf;
	uint32_t id;
	int err;

	if (size > BTF_MAX_SIZE) {
		errno = -btf_bad(what, "%zu bytes is too large", size);
		return NULL;
	}
	btf = calloc(1, sizeof(*btf));
	if (!btf)
		return NULL;
	btf->what = what ? what : "BTF";
	btf->raw_size = (uint32_t)size;
	btf->raw = malloc(size ? size : 1);
	if (!btf->raw) {
		err = -ENOMEM;
		goto err;
	}
	if (size)
		memcpy(btf->raw, data, size);
	err = check_header(btf);
	if (!err)
		err = index_types(btf);
	for (id = 1; !err && id < btf->nr_types; id++)
		err = check_type(btf, id);
	if (!err)
		err = resolve_all(btf);
	if (err)
		goto err;
	btf->what = NULL; /* borrowed: only messages during parsing use it */
	return btf;
err:
	hive_btf__free(btf);
	errno = -err;
	return NULL;
}

struct hive_btf *btf_parse_msg(const void *data, size_t size, char *msg, size_t msg_size)
{
	struct hive_btf *btf;

	msg[0] = 0;
	bad_msg = msg;
	bad_msg_size = msg_size;
	btf = btf_parse(data, size, "BTF");
	bad_msg = NULL;
	return btf;
}

struct hive_btf *hive_btf__new(const void *data, size_t size)
{
	return btf_parse(data, size, "BTF");
}

struct hive_btf *hive_btf__parse_raw(const char *path)
{
	struct hive_btf *btf = NULL;
	struct stat st;
	uint8_t *buf = NULL;
	size_t got = 0;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	/* sysfs files report a size; read until EOF anyway. */
	if (fstat(fd, &st) < 0) {
		err = errno;
		goto out;
	}
	if ((uint64_t)st.st_size > BTF_MAX_SIZE) {
		hive_pr_warn("%s: %lld bytes is too large for BTF\n", path, (long long)st.st_size);
		err = HIVE_EBTF;
		goto out;
	}
	{
		size_t cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 1 << 20;

		buf = malloc(cap);
		if (!buf) {
			err = ENOMEM;
			goto out;
		}
		for (;;) {
			ssize_t r;

			if (got == cap) {
				uint8_t *p;

				if (cap >= BTF_MAX_SIZE) {
					err = E2BIG;
					goto out;
				}
				p = realloc(buf, cap * 2);
				if (!p) {
					err = ENOMEM;
					goto out;
				}
				buf = p;
				cap *= 2;
			}
			r = read(fd, buf + got, cap - got);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				err = errno;
				goto out;
			}
			if (r == 0)
				break;
			got += (size_t)r;
		}
	}
	btf = btf_parse(buf, got, path);
	if (!btf)
		err = errno;
out:
	free(buf);
	close(fd);
	if (err)
		errno = err;
	return btf;
}

struct hive_btf *hive_btf__load_vmlinux(void)
{
	return hive_btf__parse_raw("/sys/kernel/btf/vmlinux");
}

void hive_btf__free(struct hive_btf *btf)
{
	if (!btf)
		return;
	free(btf->raw);
	free(btf->type_off);
	free(btf->sizes);
	free(btf->idx_head);
	free(btf->idx_next);
	free(btf);
}

/* --------------------------------------------------------------- queries */

uint32_t hive_btf__type_cnt(const struct hive_btf *btf)
{
	return btf->nr_types;
}

const struct btf_type *hive_btf__type_by_id(const struct hive_btf *btf, uint32_t id)
{
	if (id >= btf->nr_types) {
		errno = EINVAL;
		return NULL;
	}
	return btf_type(btf, id);
}

const char *hive_btf__name_by_offset(const struct hive_btf *btf, uint32_t offset)
{
	return btf_str(btf, offset);
}

int hive_btf__find_by_name_kind(const struct hive_btf *btf, const char *name, uint32_t kind)
{
	uint32_t id;

	for (id = 1; id < btf->nr_types; id++) {
		const struct btf_type *t = btf_type(btf, id);

		if (hive_btf_kind(t) == kind && !strcmp(btf_name(btf, t), name))
			return (int)id;
	}
	return -ENOENT;
}

int64_t hive_btf__resolve_size(const struct hive_btf *btf, uint32_t id)
{
	uint32_t sz = btf_size_of(btf, id);

	return sz == BTF_NO_SIZE ? -EINVAL : (int64_t)sz;
}

const struct btf_type *btf_skip_mods(const struct hive_btf *btf, uint32_t id, uint32_t *res_id)
{
	const struct btf_type *t = btf_type(btf, id);

	/* Validated BTF has no cycles: this terminates. */
	while (btf_is_mod(t)) {
		id = t->type;
		t = btf_type(btf, id);
	}
	if (res_id)
		*res_id = id;
	return t;
}

const struct btf_type *btf_skip_mods_typedefs(const struct hive_btf *btf, uint32_t id,
					      uint32_t *res_id)
{
	const struct btf_type *t = btf_type(btf, id);

	while (btf_is_mod(t) || hive_btf_kind(t) == BTF_KIND_TYPEDEF) {
		id = t->type;
		t = btf_type(btf, id);
	}
	if (res_id)
		*res_id = id;
	return t;
}

uint32_t hive_btf__skip_mods_and_typedefs(const struct hive_btf *btf, uint32_t id)
{
	uint32_t res;

	if (id >= btf->nr_types)
		return 0;
	btf_skip_mods_typedefs(btf, id, &res);
	return res;
}

const void *hive_btf__raw_data(const struct hive_btf *btf, uint32_t *size)
{
	if (size)
		*size = btf->raw_size;
	return btf->raw;
}

const char *btf_enum_name(const struct hive_btf *btf, const struct btf_type *t, uint32_t i)
{
	const char *s = btf_str(btf, hive_btf_kind(t) == BTF_KIND_ENUM ? btf_enums(t)[i].name_off
								       : btf_enums64(t)[i].name_off);
	return s ? s : "";
}

int64_t btf_enum_value(const struct btf_type *t, uint32_t i)
{
	if (hive_btf_kind(t) == BTF_KIND_ENUM) {
		/* kflag set: signed values. */
		if (hive_btf_kflag(t))
			return btf_enums(t)[i].val;
		return (uint32_t)btf_enums(t)[i].val;
	}
	return (int64_t)(((uint64_t)btf_enums64(t)[i].val_hi32 << 32) | btf_enums64(t)[i].val_lo32);
}

/* ------------------------------------------------- essential-name index */

size_t btf_essential_len(const char *name)
{
	size_t n = strlen(name), i;

	/*
	 * "task_struct___v2" -> "task_struct": the last "X___Y" where X and Y
	 * are not underscores separates the name from its flavor.
	 */
	for (i = n >= 5 ? n - 5 + 1 : 0; i-- > 0;)
		if (name[i] != '_' && name[i + 1] == '_' && name[i + 2] == '_' &&
		    name[i + 3] == '_' && name[i + 4] != '_')
			return i + 1;
	return n;
}

static uint32_t name_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	while (len--)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static int build_index(struct hive_btf *btf)
{
	uint32_t n = btf->nr_types, nb = 1, id;

	while (nb < n)
		nb <<= 1;
	btf->idx_head = calloc(nb, sizeof(uint32_t));
	btf->idx_next = calloc(n, sizeof(uint32_t));
	if (!btf->idx_head || !btf->idx_next) {
		hive_zfree(&btf->idx_head);
		hive_zfree(&btf->idx_next);
		return -ENOMEM;
	}
	btf->idx_mask = nb - 1;
	/* Insert in reverse so each chain lists ids in ascending order. */
	for (id = n - 1; id > 0; id--) {
		const char *name = btf_name(btf, btf_type(btf, id));
		uint32_t b;

		if (!name[0])
			continue;
		b = name_hash(name, btf_essential_len(name)) & btf->idx_mask;
		btf->idx_next[id] = btf->idx_head[b];
		btf->idx_head[b] = id;
	}
	return 0;
}

static int name_matches(const struct hive_btf *btf, uint32_t id, const char *name, size_t len)
{
	const char *s = btf_name(btf, btf_type(btf, id));

	return btf_essential_len(s) == len && !memcmp(s, name, len);
}

uint32_t btf_index_next(const struct hive_btf *btf, uint32_t id, const char *name, size_t len)
{
	for (id = btf->idx_next[id]; id; id = btf->idx_next[id])
		if (name_matches(btf, id, name, len))
			return id;
	return 0;
}

uint32_t btf_index_first(struct hive_btf *btf, const char *name, size_t len)
{
	uint32_t id;

	if (!btf->idx_head && build_index(btf)) {
		errno = ENOMEM;
		return 0;
	}
	id = btf->idx_head[name_hash(name, len) & btf->idx_mask];
	if (id && name_matches(btf, id, name, len))
		return id;
	return id ? btf_index_next(btf, id, name, len) : 0;
}
