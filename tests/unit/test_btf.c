/*
 * test_btf.c - BTF parsing and queries: synthetic BTF built here (cycles,
 * overflows, deep chains, header variants), the running kernel's vmlinux
 * BTF, and the essential-name rules of CO-RE.
 */
#include <time.h>

#include "loader_testutil.h"
#include "loader/btf.h"

/* ---- a tiny BTF builder */

struct bb {
	uint8_t types[1 << 22];
	uint32_t tlen;
	char strs[4096];
	uint32_t slen;
	uint32_t ntypes;
	uint8_t out[(1 << 22) + 8192];
};

static void bb_init(struct bb *b)
{
	b->tlen = 0;
	b->slen = 1;
	b->strs[0] = 0;
	b->ntypes = 0;
}

static uint32_t bb_str(struct bb *b, const char *s)
{
	uint32_t off = b->slen;

	memcpy(b->strs + off, s, strlen(s) + 1);
	b->slen += (uint32_t)strlen(s) + 1;
	return off;
}

static void bb_u32(struct bb *b, uint32_t v)
{
	memcpy(b->types + b->tlen, &v, 4);
	b->tlen += 4;
}

/* Adds a type header; returns its id. */
static uint32_t bb_type(struct bb *b, const char *name, uint32_t kind, uint32_t vlen, uint32_t size_type)
{
	bb_u32(b, name ? bb_str(b, name) : 0);
	bb_u32(b, kind << 24 | vlen);
	bb_u32(b, size_type);
	return ++b->ntypes;
}

static uint32_t bb_int(struct bb *b, const char *name, uint32_t size)
{
	uint32_t id = bb_type(b, name, BTF_KIND_INT, 0, size);

	bb_u32(b, size * 8);
	return id;
}

static size_t bb_finish(struct bb *b)
{
	struct btf_header h = {
		.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
		.type_off = 0, .type_len = b->tlen, .str_off = b->tlen, .str_len = b->slen,
	};

	memcpy(b->out, &h, sizeof(h));
	memcpy(b->out + sizeof(h), b->types, b->tlen);
	memcpy(b->out + sizeof(h) + b->tlen, b->strs, b->slen);
	return sizeof(h) + b->tlen + b->slen;
}

static struct bb bld;

/* Parse what the builder holds; 1 if accepted. Messages are captured. */
static int bb_ok(struct bb *b, struct hive_btf **out)
{
	size_t n = bb_finish(b);
	struct hive_btf *btf;

	lt_capture_start();
	btf = hive_btf__new(b->out, n);
	if (out)
		*out = btf;
	else
		hive_btf__free(btf);
	return btf != NULL;
}

TEST(btf_valid_and_queries)
{
	struct hive_btf *btf;
	uint32_t i32, node, ptr, td, cv, arr, sz;

	bb_init(&bld);
	i32 = bb_int(&bld, "int", 4);
	node = bb_type(&bld, "node", BTF_KIND_STRUCT, 2, 16);
	bb_u32(&bld, bb_str(&bld, "next"));
	bb_u32(&bld, node + 1);   /* the pointer defined below: a forward reference */
	bb_u32(&bld, 0);
	bb_u32(&bld, bb_str(&bld, "val"));
	bb_u32(&bld, i32);
	bb_u32(&bld, 64);
	ptr = bb_type(&bld, NULL, BTF_KIND_PTR, 0, node);
	(void)ptr;
	td = bb_type(&bld, "node_t", BTF_KIND_TYPEDEF, 0, node);
	cv = bb_type(&bld, NULL, BTF_KIND_CONST, 0, td);
	arr = bb_type(&bld, NULL, BTF_KIND_ARRAY, 0, 0);
	bb_u32(&bld, cv);
	bb_u32(&bld, i32);
	bb_u32(&bld, 10);
	REQUIRE(bb_ok(&bld, &btf));
	CHECK_EQ(hive_btf__type_cnt(btf), 7);
	CHECK_EQ(hive_btf__resolve_size(btf, node), 16);
	CHECK_EQ(hive_btf__resolve_size(btf, cv), 16);
	CHECK_EQ(hive_btf__resolve_size(btf, arr), 160);
	CHECK_EQ(hive_btf__resolve_size(btf, 0), -EINVAL);
	CHECK_EQ(hive_btf__skip_mods_and_typedefs(btf, cv), node);
	CHECK_EQ(hive_btf__find_by_name_kind(btf, "node_t", BTF_KIND_TYPEDEF), (int)td);
	CHECK_EQ(hive_btf__find_by_name_kind(btf, "node_t", BTF_KIND_STRUCT), -ENOENT);
	CHECK(hive_btf__type_by_id(btf, 7) == NULL);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(hive_btf_kind(hive_btf__type_by_id(btf, 0)), BTF_KIND_UNKN);
	CHECK_STR(hive_btf__name_by_offset(btf, hive_btf__type_by_id(btf, i32)->name_off), "int");
	CHECK(hive_btf__name_by_offset(btf, 100000) == NULL);
	{
		/* The raw bytes parse again to the same BTF. */
		const void *raw = hive_btf__raw_data(btf, &sz);
		struct hive_btf *again = hive_btf__new(raw, sz);

		REQUIRE(again);
		CHECK_EQ(hive_btf__type_cnt(again), 7);
		hive_btf__free(again);
	}
	hive_btf__free(btf);
}

TEST(btf_cycles_refused)
{
	uint32_t a, b, s;

	/* typedef A -> typedef B -> A */
	bb_init(&bld);
	a = bb_type(&bld, "A", BTF_KIND_TYPEDEF, 0, 2);
	bb_type(&bld, "B", BTF_KIND_TYPEDEF, 0, a);
	CHECK(!bb_ok(&bld, NULL));
	CHECK(lt_msg_has("reference cycle"));

	/* const -> volatile -> const */
	bb_init(&bld);
	a = bb_type(&bld, NULL, BTF_KIND_CONST, 0, 2);
	bb_type(&bld, NULL, BTF_KIND_VOLATILE, 0, a);
	CHECK(!bb_ok(&bld, NULL));

	/* struct S { struct S s; } by value */
	bb_init(&bld);
	s = bb_type(&bld, "S", BTF_KIND_STRUCT, 1, 8);
	bb_u32(&bld, bb_str(&bld, "s"));
	bb_u32(&bld, s);
	bb_u32(&bld, 0);
	CHECK(!bb_ok(&bld, NULL));
	CHECK(lt_msg_has("type [1] struct 'S'"));

	/* an array of itself */
	bb_init(&bld);
	b = bb_int(&bld, "int", 4);
	a = bb_type(&bld, NULL, BTF_KIND_ARRAY, 0, 0);
	bb_u32(&bld, a);
	bb_u32(&bld, b);
	bb_u32(&bld, 2);
	CHECK(!bb_ok(&bld, NULL));

	/* a function returning its own prototype */
	bb_init(&bld);
	bb_type(&bld, NULL, BTF_KIND_FUNC_PROTO, 0, 1);
	CHECK(!bb_ok(&bld, NULL));
}

TEST(btf_sizes_refused)
{
	uint32_t i, a;

	/* 4-byte elements x 2^31: overflows 32 bits */
	bb_init(&bld);
	i = bb_int(&bld, "int", 4);
	a = bb_type(&bld, NULL, BTF_KIND_ARRAY, 0, 0);
	bb_u32(&bld, i);
	bb_u32(&bld, i);
	bb_u32(&bld, 0x80000000u);
	CHECK(!bb_ok(&bld, NULL));
	CHECK(lt_msg_has("overflow 32 bits"));

	/* nested arrays multiplying past 4 GiB */
	bb_init(&bld);
	i = bb_int(&bld, "long", 8);
	a = bb_type(&bld, NULL, BTF_KIND_ARRAY, 0, 0);
	bb_u32(&bld, i);
	bb_u32(&bld, i);
	bb_u32(&bld, 0x10000);
	a = bb_type(&bld, NULL, BTF_KIND_ARRAY, 0, 0);
	bb_u32(&bld, a - 1 + 1);
	bb_u32(&bld, i);
	bb_u32(&bld, 0x10000);
	CHECK(!bb_ok(&bld, NULL));

	/* a member past the end of its struct */
	bb_init(&bld);
	i = bb_int(&bld, "int", 4);
	bb_type(&bld, "S", BTF_KIND_STRUCT, 1, 4);
	bb_u32(&bld, bb_str(&bld, "x"));
	bb_u32(&bld, i);
	bb_u32(&bld, 8);
	CHECK(!bb_ok(&bld, NULL));
	CHECK(lt_msg_has("outside its 4 bytes"));

	/* a member of a type without size */
	bb_init(&bld);
	bb_type(&bld, "S", BTF_KIND_STRUCT, 1, 4);
	bb_u32(&bld, bb_str(&bld, "f"));
	bb_u32(&bld, 2);
	bb_u32(&bld, 0);
	bb_type(&bld, "F", BTF_KIND_FWD, 0, 0);
	CHECK(!bb_ok(&bld, NULL));
	CHECK(lt_msg_has("sizeless"));
}

/* A chain far deeper than any C stack could recurse: still resolved. */
TEST(btf_deep_chain)
{
	struct hive_btf *btf;
	uint32_t i, prev, n = 200000;

	bb_init(&bld);
	prev = bb_int(&bld, "int", 4);
	for (i = 0; i < n; i++)
		prev = bb_type(&bld, NULL, i & 1 ? BTF_KIND_CONST : BTF_KIND_VOLATILE, 0, prev);
	REQUIRE(bb_ok(&bld, &btf));
	CHECK_EQ(hive_btf__resolve_size(btf, prev), 4);
	CHECK_EQ(hive_btf__skip_mods_and_typedefs(btf, prev), 1);
	hive_btf__free(btf);
}

TEST(btf_header_and_strings)
{
	struct btf_header h;
	size_t n;
	uint8_t big[256];

	bb_init(&bld);
	bb_int(&bld, "int", 4);
	n = bb_finish(&bld);
	/* A longer header is fine if the extra bytes are zero. */
	memcpy(&h, bld.out, sizeof(h));
	h.hdr_len = sizeof(h) + 8;
	memset(big, 0, sizeof(big));
	memcpy(big, &h, sizeof(h));
	memcpy(big + sizeof(h) + 8, bld.out + sizeof(h), n - sizeof(h));
	lt_capture_start();
	{
		struct hive_btf *btf = hive_btf__new(big, n + 8);

		CHECK(btf != NULL);
		hive_btf__free(btf);
	}
	big[sizeof(h) + 3] = 1;
	CHECK(hive_btf__new(big, n + 8) == NULL);
	CHECK_EQ(errno, HIVE_EBTF);
	CHECK(lt_msg_has("unknown non-zero header byte"));

	/* Strings must start and end with NUL. */
	bb_init(&bld);
	bb_int(&bld, "int", 4);
	n = bb_finish(&bld);
	bld.out[n - 1] = 'x';
	lt_capture_start();
	CHECK(hive_btf__new(bld.out, n) == NULL);
	CHECK(lt_msg_has("start and end with NUL"));
	CHECK(hive_btf__new(bld.out, 10) == NULL);
	CHECK(hive_btf__new(NULL, 0) == NULL);
	CHECK(hive_btf__parse_raw("/nonexistent") == NULL);
	CHECK_EQ(errno, ENOENT);
}

TEST(btf_essential_names)
{
	CHECK_EQ(btf_essential_len("task_struct___v2"), 11);
	CHECK_EQ(btf_essential_len("task_struct"), 11);
	CHECK_EQ(btf_essential_len("a___b"), 1);
	CHECK_EQ(btf_essential_len("a___b___c"), 5);
	CHECK_EQ(btf_essential_len("___x"), 4);
	CHECK_EQ(btf_essential_len("x___"), 4);
	CHECK_EQ(btf_essential_len("x____y"), 6);
	CHECK_EQ(btf_essential_len(""), 0);
}

/* The running kernel's BTF: parsed, validated and indexed quickly. */
TEST(btf_vmlinux)
{
	struct timespec t0, t1;
	struct hive_btf *btf;
	const struct btf_type *t;
	int id, lh;
	uint32_t cid, n = 0;
	double ms;

	if (access("/sys/kernel/btf/vmlinux", R_OK))
		SKIP("no /sys/kernel/btf/vmlinux");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	btf = hive_btf__load_vmlinux();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	REQUIRE(btf);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	printf("vmlinux BTF: %u types parsed and validated in %.1f ms\n", hive_btf__type_cnt(btf), ms);
	CHECK(hive_btf__type_cnt(btf) > 10000);
	id = hive_btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT);
	REQUIRE(id > 0);
	CHECK(hive_btf__resolve_size(btf, (uint32_t)id) > 1000);
	lh = hive_btf__find_by_name_kind(btf, "list_head", BTF_KIND_STRUCT);
	REQUIRE(lh > 0);
	CHECK_EQ(hive_btf__resolve_size(btf, (uint32_t)lh), 16);
	t = hive_btf__type_by_id(btf, (uint32_t)lh);
	CHECK_EQ(hive_btf_vlen(t), 2);
	/* The CO-RE index finds the same struct by essential name. */
	for (cid = btf_index_first(btf, "task_struct", 11); cid; cid = btf_index_next(btf, cid, "task_struct", 11))
		n += cid == (uint32_t)id;
	CHECK_EQ(n, 1);
	hive_btf__free(btf);
}
