/*
 * test_btf_obj.c - BTF objects of hive_bpf() against the live kernel:
 * BPF_BTF_LOAD of good and malformed BTF (fd or errno, the log byte for
 * byte, log_true_size, rotating and fixed logs, ENOSPC), the attribute
 * rules, BPF_OBJ_GET_INFO_BY_FD, BPF_BTF_GET_FD_BY_ID, pinning; then the
 * BTF the object loader sends for real objects (captured through a
 * recording backend) loaded into both.
 *
 * Kernel comparisons SKIP without bpf(); hive-only checks always run.
 */
#include <errno.h>
#include <linux/btf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness.h"
#include "hive/hive_bpf.h"
#include "hive/hive_insn.h"
#include "hive/hive_object.h"
#include "test_bpf_fs.h"

static int kbpf(int cmd, union bpf_attr *attr, unsigned size)
{
	return (int)syscall(SYS_bpf, cmd, attr, size);
}

typedef int (*bpf_fn)(int cmd, union bpf_attr *attr, unsigned size);

/* Raw BTF: header, @tlen bytes of type records, @slen bytes of strings. */
static size_t mk_btf(uint8_t *out, const uint32_t *types, uint32_t tlen, const char *strs,
		     uint32_t slen)
{
	struct btf_header h = { BTF_MAGIC, BTF_VERSION, 0, sizeof(h), 0, tlen, tlen, slen };

	memcpy(out, &h, sizeof(h));
	memcpy(out + sizeof(h), types, tlen);
	memcpy(out + sizeof(h) + tlen, strs, slen);
	return sizeof(h) + tlen + slen;
}

struct load_res {
	int fd, err;
	uint32_t true_size;
	char log[8192];
};

static void load_with(bpf_fn fn, const void *data, uint32_t size, uint32_t level, uint32_t log_size,
		      struct load_res *r)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	memset(r->log, 0x5a, sizeof(r->log));
	r->log[sizeof(r->log) - 1] = 0;
	a.btf = (uint64_t)(uintptr_t)data;
	a.btf_size = size;
	if (log_size) {
		a.btf_log_buf = (uint64_t)(uintptr_t)r->log;
		a.btf_log_size = log_size;
	}
	a.btf_log_level = level;
	errno = 0;
	r->fd = fn(BPF_BTF_LOAD, &a, sizeof(a));
	r->err = r->fd < 0 ? errno : 0;
	memcpy(&r->true_size, (char *)&a + 28, 4);
	if (log_size < sizeof(r->log))
		r->log[log_size] = 0;
}

/* Report the first line where two logs differ. */
static void log_diff(const char *what, const char *a, const char *b)
{
	const char *la = a, *lb = b;
	int line = 1;

	while (*a && *a == *b) {
		if (*a == '\n') {
			line++;
			la = a + 1;
			lb = b + 1;
		}
		a++;
		b++;
	}
	test_fail(__FILE__, __LINE__, "%s: logs differ at line %d\n    kernel: '%.*s'\n    hive:   '%.*s'",
		  what, line, (int)strcspn(la, "\n"), la, (int)strcspn(lb, "\n"), lb);
}

/* The end of a log (where the verdict is). */
static const char *tail(const char *log)
{
	size_t n = strlen(log);

	return n > 300 ? log + n - 300 : log;
}

/* Load into both; compare outcome, errno, log and true size. */
static void load_both(const char *what, const void *data, uint32_t size, uint32_t level,
		      uint32_t log_size)
{
	static struct load_res k, h;

	load_with(kbpf, data, size, level, log_size, &k);
	load_with(hive_bpf, data, size, level, log_size, &h);
	if ((k.fd >= 0) != (h.fd >= 0) || k.err != h.err)
		test_fail(__FILE__, __LINE__, "%s: kernel fd %d errno %d, hive fd %d errno %d\n  kernel log: %.300s\n  hive log: %.300s",
			  what, k.fd, k.err, h.fd, h.err, tail(k.log), tail(h.log));
	else if (log_size && strcmp(k.log, h.log))
		log_diff(what, k.log, h.log);
	else if (k.true_size != h.true_size)
		test_fail(__FILE__, __LINE__, "%s: log_true_size kernel %u hive %u", what, k.true_size,
			  h.true_size);
	if (k.fd >= 0)
		close(k.fd);
	if (h.fd >= 0)
		close(h.fd);
}

#define T_INT(name, size, bits, enc) (name), BTF_KIND_INT << 24, (size), ((enc) << 24) | (bits)

TEST(btf_load_vs_kernel)
{
	static const char strs[] = "\0int\0x\0s\0a b\0u64";
	uint32_t good[] = { T_INT(1, 4, 32, BTF_INT_SIGNED) };
	uint32_t ptr[] = { T_INT(1, 4, 32, 0), 0, BTF_KIND_PTR << 24, 1 };
	uint32_t st[] = { T_INT(1, 4, 32, 0), 7, (BTF_KIND_STRUCT << 24) | 2, 8, 5, 1, 0, 0, 1, 32 };
	uint32_t bad_name_off[] = { T_INT(99, 4, 32, 0) };
	uint32_t bad_type_id[] = { 0, BTF_KIND_PTR << 24, 7 };
	uint32_t named_ptr[] = { 1, BTF_KIND_PTR << 24, 0 };
	uint32_t bad_int[] = { T_INT(1, 3, 24, 0) };
	uint32_t bad_enc[] = { T_INT(1, 4, 32, 3) };
	uint32_t cycle[] = { 5, BTF_KIND_TYPEDEF << 24, 2, 7, BTF_KIND_TYPEDEF << 24, 1 };
	uint32_t bad_typedef_name[] = { T_INT(1, 4, 32, 0), 11, BTF_KIND_TYPEDEF << 24, 1 };
	uint32_t big_member[] = { T_INT(1, 4, 32, 0), 7, (BTF_KIND_STRUCT << 24) | 1, 4, 5, 1, 32 };
	uint32_t bad_kind[] = { 0, 31u << 24, 0 };
	uint32_t kflag_ptr[] = { T_INT(1, 4, 32, 0), 0, (1u << 31) | BTF_KIND_PTR << 24, 1 };
	uint8_t d[512];
	size_t n;

	if (!test_kernel_bpf_available())
		SKIP("bpf() not permitted");
	private_fs();
	n = mk_btf(d, good, sizeof(good), strs, sizeof(strs));
	load_both("int", d, (uint32_t)n, 1, 4096);
	load_both("int, no log", d, (uint32_t)n, 0, 0);
	load_both("int, level without buffer", d, (uint32_t)n, 1, 0);
	load_both("int, rotating log of 40", d, (uint32_t)n, 1, 40);
	load_both("int, fixed log of 40", d, (uint32_t)n, 1 | 8, 40);
	load_both("int, level 16", d, (uint32_t)n, 16, 4096);
	load_both("truncated", d, (uint32_t)n - 1, 1, 4096);
	load_both("size 10", d, 10, 1, 4096);
	load_both("size 4", d, 4, 1, 4096);
	d[0] = 0x12;
	load_both("bad magic", d, (uint32_t)n, 1, 4096);
	d[0] = 0x9f;
	d[2] = 2;
	load_both("version 2", d, (uint32_t)n, 1, 4096);
	d[2] = 1;
	d[3] = 1;
	load_both("flags 1", d, (uint32_t)n, 1, 4096);
	d[3] = 0;
	((struct btf_header *)d)->type_off = 4;
	load_both("gap before types", d, (uint32_t)n, 1, 4096);
	((struct btf_header *)d)->type_off = 0;
	((struct btf_header *)d)->type_len = 0;
	((struct btf_header *)d)->str_off = 0;
	((struct btf_header *)d)->str_len = (uint32_t)n - 24;
	load_both("no types", d, (uint32_t)n, 1, 4096);

	n = mk_btf(d, ptr, sizeof(ptr), strs, sizeof(strs));
	load_both("ptr", d, (uint32_t)n, 1, 4096);
	n = mk_btf(d, st, sizeof(st), strs, sizeof(strs));
	load_both("struct", d, (uint32_t)n, 1, 4096);
	n = mk_btf(d, bad_name_off, sizeof(bad_name_off), strs, sizeof(strs));
	load_both("name offset", d, (uint32_t)n, 0, 0);
	n = mk_btf(d, bad_type_id, sizeof(bad_type_id), strs, sizeof(strs));
	load_both("type id", d, (uint32_t)n, 0, 0);
	n = mk_btf(d, named_ptr, sizeof(named_ptr), strs, sizeof(strs));
	load_both("named ptr", d, (uint32_t)n, 0, 0);
	n = mk_btf(d, bad_int, sizeof(bad_int), strs, sizeof(strs));
	load_both("int size 3", d, (uint32_t)n, 0, 0);
	n = mk_btf(d, bad_enc, sizeof(bad_enc), strs, sizeof(strs));
	load_both("int encoding 3", d, (uint32_t)n, 0, 0);
	n = mk_btf(d, cycle, sizeof(cycle), strs, sizeof(strs));
	load_both("typedef cycle", d, (uint32_t)n, 0, 0);
	n = mk_btf(d, bad_typedef_name, sizeof(bad_typedef_name), strs, sizeof(strs));
	load_both("typedef named 'a b'", d, (uint32_t)n, 0, 0);
	n = mk_btf(d, big_member, sizeof(big_member), strs, sizeof(strs));
	load_both("member past the struct", d, (uint32_t)n, 0, 0);
	n = mk_btf(d, bad_kind, sizeof(bad_kind), strs, sizeof(strs));
	load_both("kind 31", d, (uint32_t)n, 0, 0);
	n = mk_btf(d, kflag_ptr, sizeof(kflag_ptr), strs, sizeof(strs));
	load_both("ptr with kind_flag", d, (uint32_t)n, 0, 0);
	n = mk_btf(d, good, sizeof(good), "\0int", 4);
	load_both("strings without a final NUL", d, (uint32_t)n, 0, 0);
	n = mk_btf(d, good, sizeof(good), "xint", 5);
	load_both("strings not starting with NUL", d, (uint32_t)n, 0, 0);
	cleanup_fs();
}

/* Run @fn on a copy of @a; return the result or -errno. */
static int run(bpf_fn fn, int cmd, const union bpf_attr *a)
{
	union bpf_attr c = *a;
	int r;

	errno = 0;
	r = fn(cmd, &c, sizeof(c));
	if (r >= 0 && cmd == BPF_BTF_LOAD)
		close(r);
	return r < 0 ? -errno : (r > 0 ? 1 : 0);
}

TEST(btf_load_attr_vs_kernel)
{
	uint32_t good[] = { T_INT(1, 4, 32, 0) };
	union bpf_attr a;
	uint8_t d[128];
	size_t n;
	int i;

	if (!test_kernel_bpf_available())
		SKIP("bpf() not permitted");
	private_fs();
	n = mk_btf(d, good, sizeof(good), "\0int", 5);
	for (i = 0; i < 9; i++) {
		memset(&a, 0, sizeof(a));
		a.btf = (uint64_t)(uintptr_t)d;
		a.btf_size = (uint32_t)n;
		switch (i) {
		case 0: ((uint32_t *)&a)[8] = 1; break;               /* btf_flags */
		case 1: ((uint32_t *)&a)[8] = 1u << 16; break;        /* TOKEN_FD, fd 0 */
		case 2: ((uint32_t *)&a)[9] = 3; break;               /* token fd without flag */
		case 3: ((uint32_t *)&a)[10] = 1; break;              /* past the last field */
		case 4: a.btf = 0; break;
		case 5: a.btf_size = 0; break;
		case 6: a.btf_size = 17u << 20; break;
		case 7: a.btf_log_size = 100; break;                  /* size without buffer */
		case 8: a.btf_log_buf = (uint64_t)(uintptr_t)d; a.btf_log_size = 8; break; /* no level */
		}
		CHECK_EQ(run(hive_bpf, BPF_BTF_LOAD, &a), run(kbpf, BPF_BTF_LOAD, &a));
	}
	cleanup_fs();
}

static int info_of(bpf_fn fn, int fd, struct bpf_btf_info *info, uint32_t len, uint32_t *out_len)
{
	union bpf_attr a;
	int r;

	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = len;
	a.info.info = (uint64_t)(uintptr_t)info;
	errno = 0;
	r = fn(BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a));
	*out_len = a.info.info_len;
	return r < 0 ? -errno : r;
}

static int load_fd(bpf_fn fn, const void *d, size_t n)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.btf = (uint64_t)(uintptr_t)d;
	a.btf_size = (uint32_t)n;
	return fn(BPF_BTF_LOAD, &a, sizeof(a));
}

TEST(btf_info_ids_pin_vs_kernel)
{
	uint32_t good[] = { T_INT(1, 4, 32, 0) };
	bpf_fn fns[2] = { kbpf, hive_bpf };
	uint32_t ids[2], lens[2], sizes[2];
	int rs[2], i;
	uint8_t d[128];
	size_t n;

	if (!test_kernel_bpf_available())
		SKIP("bpf() not permitted");
	private_fs();
	n = mk_btf(d, good, sizeof(good), "\0int", 5);
	for (i = 0; i < 2; i++) {
		struct bpf_btf_info info;
		uint8_t raw[128];
		char name[16] = "zz";
		union bpf_attr a;
		int fd = load_fd(fns[i], d, n), fd2;

		REQUIRE(fd >= 0);
		memset(&info, 0, sizeof(info));
		info.btf = (uint64_t)(uintptr_t)raw;
		info.btf_size = sizeof(raw);
		info.name = (uint64_t)(uintptr_t)name;
		info.name_len = sizeof(name);
		CHECK_EQ(info_of(fns[i], fd, &info, sizeof(info), &lens[i]), 0);
		CHECK(!memcmp(raw, d, n));
		CHECK_EQ(info.btf_size, (uint32_t)n);
		CHECK_EQ(info.name_len, 0u);
		CHECK_EQ(name[0], 0);
		CHECK_EQ(info.kernel_btf, 0u);
		ids[i] = info.id;
		/* a short buffer gets a prefix; btf_size is the whole size */
		memset(&info, 0, sizeof(info));
		info.btf = (uint64_t)(uintptr_t)raw;
		info.btf_size = 3;
		CHECK_EQ(info_of(fns[i], fd, &info, sizeof(info), &lens[i]), 0);
		sizes[i] = info.btf_size;
		/* name without name_len */
		memset(&info, 0, sizeof(info));
		info.name = (uint64_t)(uintptr_t)name;
		rs[i] = info_of(fns[i], fd, &info, sizeof(info), &lens[i]);
		/* by id, and its access flags */
		memset(&a, 0, sizeof(a));
		a.btf_id = ids[i];
		fd2 = fns[i](BPF_BTF_GET_FD_BY_ID, &a, sizeof(a));
		CHECK(fd2 >= 0);
		memset(&info, 0, sizeof(info));
		CHECK_EQ(info_of(fns[i], fd2, &info, sizeof(info), &lens[i]), 0);
		CHECK_EQ(info.id, ids[i]);
		close(fd2);
		a.open_flags = BPF_F_RDONLY;
		CHECK_EQ(run(fns[i], BPF_BTF_GET_FD_BY_ID, &a), -EINVAL);
		memset(&a, 0, sizeof(a));
		a.btf_id = 0x7ffffff0;
		CHECK_EQ(run(fns[i], BPF_BTF_GET_FD_BY_ID, &a), -ENOENT);
		/* the next id after ours' predecessor is ours */
		memset(&a, 0, sizeof(a));
		a.start_id = ids[i] - 1;
		CHECK_EQ(run(fns[i], BPF_BTF_GET_NEXT_ID, &a), 0);
		CHECK_EQ(fns[i](BPF_BTF_GET_NEXT_ID, &a, sizeof(a)), 0);
		CHECK_EQ(a.next_id, ids[i]);
		/* BTF cannot be pinned */
		memset(&a, 0, sizeof(a));
		a.bpf_fd = (uint32_t)fd;
		a.pathname = (uint64_t)(uintptr_t)(i ? "btf-pin" : "/sys/fs/bpf/hive-btf-pin");
		CHECK_EQ(run(fns[i], BPF_OBJ_PIN, &a), -EINVAL);
		close(fd);
	}
	CHECK_EQ(lens[0], lens[1]);
	CHECK_EQ(sizes[0], sizes[1]);
	CHECK_EQ(rs[0], rs[1]);
	cleanup_fs();
}

/* ---- the loader's BTF of real objects --------------------------------------- */

static uint8_t *captured;
static uint32_t captured_size;

/* A kernel backend that keeps a copy of the first BTF_LOAD. */
static int recording_bpf(int cmd, union bpf_attr *attr, unsigned size)
{
	if (cmd == BPF_BTF_LOAD && !captured) {
		captured = malloc(attr->btf_size);
		if (captured) {
			memcpy(captured, (const void *)(uintptr_t)attr->btf, attr->btf_size);
			captured_size = attr->btf_size;
		}
	}
	return kbpf(cmd, attr, size);
}

TEST(btf_load_objects_vs_kernel)
{
	static const char *const objs[] = {
		"tests/progs/global_data.bpf.o", "tests/progs/spin_lock.bpf.o",
		"tests/progs/map_types.bpf.o", "tests/progs/subprogs.bpf.o",
		"tests/progs/map_in_map.bpf.o", "tests/progs/execsnoop.bpf.o",
	};
	struct hive_object_open_opts opts = { .sz = sizeof(opts), .bpf = recording_bpf };
	size_t i;

	if (!test_kernel_bpf_available())
		SKIP("bpf() not permitted");
	private_fs();
	for (i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		struct hive_object *o = hive_object__open_file(test_build_path(objs[i]), &opts);

		REQUIRE(o);
		captured = NULL;
		hive_object__prepare(o);
		hive_object__close(o);
		if (!captured) {
			test_fail(__FILE__, __LINE__, "%s: no BTF_LOAD", objs[i]);
			continue;
		}
		load_both(objs[i], captured, captured_size, 1, 8192);
		free(captured);
		captured = NULL;
	}
	cleanup_fs();
}

/* ---- maps with BTF ------------------------------------------------------------ */

/*
 * [1] u32  [2] u64  [3] struct bpf_spin_lock { u32 val; }
 * [4] struct locked { struct bpf_spin_lock lock; u32 n; }   lock at 0
 * [5] struct late { u64 a; struct bpf_spin_lock lock; u32 n; }  lock at 8
 * [6] struct two { struct bpf_spin_lock a; struct bpf_spin_lock b; } (@two only)
 * [7] ptr to u32  [8] func_proto void()  [9] typedef u32_t -> u32
 * [10] DATASEC .data size 8 {[11]}  [11] VAR v u64  [12] struct lpm {u32 prefixlen; u32 data}
 * [13] int u32 with 16 bits
 */
/* Offset of string @x in a string section (each string NUL-terminated). */
static uint32_t str_off(const char *strs, size_t size, const char *x)
{
	size_t off;

	for (off = 1; off < size; off += strlen(strs + off) + 1)
		if (!strcmp(strs + off, x))
			return (uint32_t)off;
	return 0;
}

static size_t map_btf(uint8_t *d, bool two)
{
	static const char strs[] = "\0u32\0u64\0bpf_spin_lock\0val\0locked\0lock\0n\0late\0a\0two\0b\0"
				   "u32_t\0.data\0v\0lpm\0prefixlen\0data";
#define S(x) str_off(strs, sizeof(strs), x)
	uint32_t types[] = {
		T_INT(S("u32"), 4, 32, 0),
		T_INT(S("u64"), 8, 64, 0),
		S("bpf_spin_lock"), (BTF_KIND_STRUCT << 24) | 1, 4, S("val"), 1, 0,
		S("locked"), (BTF_KIND_STRUCT << 24) | 2, 8, S("lock"), 3, 0, S("n"), 1, 32,
		S("late"), (BTF_KIND_STRUCT << 24) | 3, 16, S("a"), 2, 0, S("lock"), 3, 64, S("n"), 1, 96,
		S("two"), (BTF_KIND_STRUCT << 24) | 2, 8, S("a"), 3, 0, S("b"), two ? 3 : 1, 32,
		0, BTF_KIND_PTR << 24, 1,
		0, BTF_KIND_FUNC_PROTO << 24, 0,
		S("u32_t"), BTF_KIND_TYPEDEF << 24, 1,
		S(".data"), (BTF_KIND_DATASEC << 24) | 1, 8, 11, 0, 8,
		S("v"), BTF_KIND_VAR << 24, 2, 1,
		S("lpm"), (BTF_KIND_STRUCT << 24) | 2, 8, S("prefixlen"), 1, 0, S("data"), 1, 32,
		T_INT(S("u32"), 4, 16, 0),
	};
#undef S
	return mk_btf(d, types, sizeof(types), strs, sizeof(strs));
}

struct mcase {
	uint32_t type, ks, vs, max, flags, key_id, value_id;
};

static int create_map(bpf_fn fn, int btf_fd, const struct mcase *c)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = c->type;
	a.key_size = c->ks;
	a.value_size = c->vs;
	a.max_entries = c->max;
	a.map_flags = c->flags;
	a.btf_fd = (uint32_t)btf_fd;
	a.btf_key_type_id = c->key_id;
	a.btf_value_type_id = c->value_id;
	if (c->type == BPF_MAP_TYPE_BLOOM_FILTER)
		a.map_extra = 3;
	errno = 0;
	return fn(BPF_MAP_CREATE, &a, sizeof(a));
}

TEST(btf_map_create_vs_kernel)
{
	static const struct mcase cases[] = {
		{ BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, 1, 2 },
		{ BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, 9, 2 },       /* typedef key */
		{ BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, 1, 1 },       /* value size differs */
		{ BPF_MAP_TYPE_ARRAY, 4, 4, 4, 0, 2, 1 },       /* key size differs */
		{ BPF_MAP_TYPE_ARRAY, 4, 4, 4, 0, 13, 1 },      /* 16-bit key */
		{ BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, 7, 2 },       /* pointer key (8 bytes) */
		{ BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, 1, 8 },       /* func_proto value */
		{ BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, 1, 99 },      /* no such type */
		{ BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, 1, 0 },       /* key without value */
		{ BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, 0, 10 },      /* .data datasec */
		{ BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0, 0, 10 },      /* datasec, 2 entries */
		{ BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, 0, 2 },       /* keyless, not a datasec */
		{ BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, 1, 4 },       /* spin lock */
		{ BPF_MAP_TYPE_ARRAY, 4, 16, 4, 0, 1, 5 },      /* spin lock at 8 */
		{ BPF_MAP_TYPE_ARRAY, 4, 8, 4, BPF_F_MMAPABLE, 1, 4 },
		{ BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4, 0, 1, 2 },
		{ BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4, 0, 1, 4 },
		{ BPF_MAP_TYPE_HASH, 4, 8, 4, 0, 1, 2 },
		{ BPF_MAP_TYPE_HASH, 4, 8, 4, 0, 0, 2 },        /* keyless hash */
		{ BPF_MAP_TYPE_HASH, 8, 8, 4, 0, 12, 2 },       /* struct key */
		{ BPF_MAP_TYPE_HASH, 4, 8, 4, 0, 1, 4 },
		{ BPF_MAP_TYPE_HASH, 4, 8, 4, BPF_F_NO_PREALLOC, 1, 4 },
		{ BPF_MAP_TYPE_PERCPU_HASH, 4, 8, 4, 0, 1, 4 },
		{ BPF_MAP_TYPE_LRU_HASH, 4, 8, 4, 0, 1, 4 },
		{ BPF_MAP_TYPE_LRU_HASH, 4, 8, 4, 0, 1, 2 },
		{ BPF_MAP_TYPE_LPM_TRIE, 8, 8, 4, BPF_F_NO_PREALLOC, 12, 2 },
		{ BPF_MAP_TYPE_LPM_TRIE, 8, 8, 4, BPF_F_NO_PREALLOC, 2, 2 },
		{ BPF_MAP_TYPE_BLOOM_FILTER, 0, 8, 4, 0, 0, 2 },
		{ BPF_MAP_TYPE_QUEUE, 0, 8, 4, 0, 0, 2 },
		{ BPF_MAP_TYPE_STACK, 0, 8, 4, 0, 0, 2 },
		{ BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0, 1, 1 },
		{ BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 4, 0, 1, 1 },
		{ BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0, 0, 1 },
		{ BPF_MAP_TYPE_STACK_TRACE, 4, 8, 4, 0, 1, 2 },
		{ BPF_MAP_TYPE_CGROUP_ARRAY, 4, 4, 4, 0, 1, 1 },
	};
	uint8_t d[1024];
	size_t n, i;
	int kb, hb, kf, hf;

	if (!test_kernel_bpf_available())
		SKIP("bpf() not permitted");
	private_fs();
	/* a struct with two locks: the whole BTF is refused */
	n = map_btf(d, true);
	load_both("two spin locks", d, (uint32_t)n, 1, 8192);
	n = map_btf(d, false);
	load_both("map BTF", d, (uint32_t)n, 1, 8192);
	kb = load_fd(kbpf, d, n);
	hb = load_fd(hive_bpf, d, n);
	REQUIRE(kb >= 0);
	REQUIRE(hb >= 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ke, he;

		kf = create_map(kbpf, kb, &cases[i]);
		ke = kf < 0 ? errno : 0;
		hf = create_map(hive_bpf, hb, &cases[i]);
		he = hf < 0 ? errno : 0;
		if ((kf < 0) != (hf < 0) || ke != he)
			test_fail(__FILE__, __LINE__, "case %zu (type %u key %u value %u): kernel %d/%d hive %d/%d", i,
				  cases[i].type, cases[i].key_id, cases[i].value_id, kf, ke, hf, he);
		if (kf >= 0 && hf >= 0) {
			struct bpf_map_info ki, hi;
			union bpf_attr a;

			memset(&ki, 0, sizeof(ki));
			memset(&hi, 0, sizeof(hi));
			memset(&a, 0, sizeof(a));
			a.info.bpf_fd = (uint32_t)kf;
			a.info.info_len = sizeof(ki);
			a.info.info = (uint64_t)(uintptr_t)&ki;
			CHECK_EQ(kbpf(BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a)), 0);
			a.info.bpf_fd = (uint32_t)hf;
			a.info.info_len = sizeof(hi);
			a.info.info = (uint64_t)(uintptr_t)&hi;
			CHECK_EQ(hive_bpf(BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a)), 0);
			CHECK_EQ(ki.btf_key_type_id, hi.btf_key_type_id);
			CHECK_EQ(ki.btf_value_type_id, hi.btf_value_type_id);
			CHECK(ki.btf_id != 0 && hi.btf_id != 0);
		}
		if (kf >= 0)
			close(kf);
		if (hf >= 0)
			close(hf);
	}
	/* not a BTF descriptor */
	{
		struct mcase c = { BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, 1, 2 };
		int ke, he;

		kf = create_map(kbpf, 999, &c);
		ke = errno;
		hf = create_map(hive_bpf, 999, &c);
		he = errno;
		CHECK(kf < 0 && hf < 0);
		CHECK_EQ(ke, he);
		kf = create_map(kbpf, 0, &c);
		ke = errno;
		hf = create_map(hive_bpf, 0, &c);
		he = errno;
		CHECK(kf < 0 && hf < 0);
		CHECK_EQ(ke, he);
	}
	close(kb);
	close(hb);
	cleanup_fs();
}

/* Element commands on a value with a bpf_spin_lock, and BPF_F_LOCK. */
static void lock_script(bpf_fn fn, int btf_fd, uint32_t type, char *out, size_t size)
{
	struct mcase with = { type, 4, 8, 4, 0, 1, 4 }, without = { type, 4, 8, 4, 0, 1, 2 };
	int fds[2] = { create_map(fn, btf_fd, &with), create_map(fn, btf_fd, &without) };
	size_t n = 0;
	int m, step;

	for (m = 0; m < 2; m++) {
		for (step = 0; step < 8; step++) {
			uint32_t key = 1, v[2] = { 0xdeadbeef, 100u + (uint32_t)step }, keys[4], vals[8];
			union bpf_attr a;
			int r;

			memset(&a, 0, sizeof(a));
			a.map_fd = (uint32_t)fds[m];
			a.key = (uint64_t)(uintptr_t)&key;
			a.value = (uint64_t)(uintptr_t)v;
			switch (step) {
			case 0: r = fn(BPF_MAP_UPDATE_ELEM, &a, sizeof(a)); break;
			case 1: a.flags = BPF_F_LOCK; r = fn(BPF_MAP_UPDATE_ELEM, &a, sizeof(a)); break;
			case 2: a.flags = BPF_F_LOCK | BPF_NOEXIST; r = fn(BPF_MAP_UPDATE_ELEM, &a, sizeof(a)); break;
			case 3: v[0] = v[1] = 7; r = fn(BPF_MAP_LOOKUP_ELEM, &a, sizeof(a)); break;
			case 4: v[0] = v[1] = 7; a.flags = BPF_F_LOCK; r = fn(BPF_MAP_LOOKUP_ELEM, &a, sizeof(a)); break;
			case 5: a.flags = BPF_F_LOCK | 8; r = fn(BPF_MAP_LOOKUP_ELEM, &a, sizeof(a)); break;
			case 6:
				key = 2;
				a.flags = BPF_F_LOCK;
				r = fn(BPF_MAP_UPDATE_ELEM, &a, sizeof(a));
				break;
			default:
				memset(&a, 0, sizeof(a));
				memset(vals, 0x77, sizeof(vals));
				a.batch.map_fd = (uint32_t)fds[m];
				a.batch.keys = (uint64_t)(uintptr_t)keys;
				a.batch.values = (uint64_t)(uintptr_t)vals;
				a.batch.count = 1;
				a.batch.elem_flags = BPF_F_LOCK;
				r = fn(BPF_MAP_UPDATE_BATCH, &a, sizeof(a));
				keys[0] = 3;
				n += (size_t)snprintf(out + n, size - n, "[ub %d %d]", r < 0 ? -errno : r,
						      a.batch.count);
				a.batch.count = 4;
				r = type == BPF_MAP_TYPE_ARRAY ? fn(BPF_MAP_LOOKUP_BATCH, &a, sizeof(a)) : 0;
				break;
			}
			n += (size_t)snprintf(out + n, size - n, "[%d %d %x %x]", step, r < 0 ? -errno : r,
					      v[0], v[1]);
		}
		close(fds[m]);
	}
}

TEST(btf_map_spin_lock_vs_kernel)
{
	static const uint32_t types[] = { BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_HASH };
	char k[1024], h[1024];
	uint8_t d[1024];
	size_t n, i;
	int kb, hb;

	if (!test_kernel_bpf_available())
		SKIP("bpf() not permitted");
	private_fs();
	n = map_btf(d, false);
	kb = load_fd(kbpf, d, n);
	hb = load_fd(hive_bpf, d, n);
	REQUIRE(kb >= 0 && hb >= 0);
	for (i = 0; i < 2; i++) {
		lock_script(kbpf, kb, types[i], k, sizeof(k));
		lock_script(hive_bpf, hb, types[i], h, sizeof(h));
		CHECK_STR(h, k);
		if (getenv("BTF_OBJ_DEBUG"))
			fprintf(stderr, "%s\n", k);
	}
	close(kb);
	close(hb);
	cleanup_fs();
}

/* ---- programs and maps of real objects: hive's loader vs the kernel's -------- */

static int prog_info_of(bpf_fn fn, int fd, struct bpf_prog_info *info, struct bpf_func_info *fi,
			uint32_t nfi, struct bpf_line_info *li, uint32_t nli)
{
	union bpf_attr a;

	memset(info, 0, sizeof(*info));
	info->nr_func_info = nfi;
	info->func_info_rec_size = sizeof(*fi);
	info->func_info = (uint64_t)(uintptr_t)fi;
	info->nr_line_info = nli;
	info->line_info_rec_size = sizeof(*li);
	info->line_info = (uint64_t)(uintptr_t)li;
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = sizeof(*info);
	a.info.info = (uint64_t)(uintptr_t)info;
	return fn(BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a));
}

TEST(btf_prog_func_line_info_vs_kernel)
{
	static const char *const objs[] = {
		"tests/progs/subprogs.bpf.o", "tests/progs/callbacks.bpf.o",
		"tests/progs/xdp_count.bpf.o", "tests/progs/spin_lock.bpf.o",
		"tests/progs/tail_calls.bpf.o",
	};
	struct hive_object_open_opts ko = { .sz = sizeof(ko), .kernel = true };
	size_t i;

	if (!test_kernel_bpf_available())
		SKIP("bpf() not permitted");
	private_fs();
	for (i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		struct hive_object *k = hive_object__open_file(test_build_path(objs[i]), &ko);
		struct hive_object *h = hive_object__open_file(test_build_path(objs[i]), NULL);
		struct hive_program *kp, *hp;
		struct hive_map *km, *hm;

		REQUIRE(k && h);
		if (hive_object__load(k)) {
			hive_object__close(k);
			hive_object__close(h);
			continue; /* the kernel refuses it: nothing to compare */
		}
		CHECK_EQ(hive_object__load(h), 0);
		CHECK(hive_object__btf_fd(h) >= 0);
		for (kp = hive_object__next_program(k, NULL), hp = hive_object__next_program(h, NULL);
		     kp && hp; kp = hive_object__next_program(k, kp), hp = hive_object__next_program(h, hp)) {
			static struct bpf_func_info kf[64], hf[64];
			static struct bpf_line_info kl[512], hl[512];
			const struct bpf_func_info *lf;
			const struct bpf_line_info *ll;
			struct bpf_prog_info ki, hi;
			uint32_t nlf = 0, nll = 0;

			if (hive_program__fd(kp) < 0 || hive_program__fd(hp) < 0)
				continue;
			memset(kf, 0, sizeof(kf));
			memset(hf, 0, sizeof(hf));
			memset(kl, 0, sizeof(kl));
			memset(hl, 0, sizeof(hl));
			CHECK_EQ(prog_info_of(kbpf, hive_program__fd(kp), &ki, kf, 64, kl, 512), 0);
			CHECK_EQ(prog_info_of(hive_bpf, hive_program__fd(hp), &hi, hf, 64, hl, 512), 0);
			CHECK(ki.btf_id && hi.btf_id);
			CHECK_EQ(hi.nr_func_info, ki.nr_func_info);
			CHECK_EQ(hi.nr_line_info, ki.nr_line_info);
			CHECK_EQ(hi.func_info_rec_size, ki.func_info_rec_size);
			CHECK_EQ(hi.line_info_rec_size, ki.line_info_rec_size);
			/* the kernel's xlated code grows where it rewrites; hive's is
			 * 1:1, so its offsets are the loaded ones: compare those with
			 * what the loader passed, the rest with the kernel */
			lf = hive_program__func_info(hp, &nlf);
			ll = hive_program__line_info(hp, &nll);
			CHECK_EQ(hi.nr_func_info, nlf);
			CHECK_EQ(hi.nr_line_info, nll);
			for (uint32_t j = 0; j < ki.nr_func_info && j < 64 && j < nlf; j++)
				if (kf[j].type_id != hf[j].type_id || hf[j].insn_off != lf[j].insn_off)
					test_fail(__FILE__, __LINE__, "%s: %s: func_info[%u] kernel {%u, %u} hive {%u, %u}",
						  objs[i], hive_program__name(hp), j, kf[j].insn_off, kf[j].type_id,
						  hf[j].insn_off, hf[j].type_id);
			for (uint32_t j = 0; j < ki.nr_line_info && j < 512 && j < nll; j++)
				if (kl[j].file_name_off != hl[j].file_name_off || kl[j].line_off != hl[j].line_off ||
				    kl[j].line_col != hl[j].line_col || hl[j].insn_off != ll[j].insn_off) {
					test_fail(__FILE__, __LINE__, "%s: %s: line_info[%u] kernel {%u %u %u %u} hive {%u %u %u %u}",
						  objs[i], hive_program__name(hp), j, kl[j].insn_off, kl[j].file_name_off,
						  kl[j].line_off, kl[j].line_col, hl[j].insn_off, hl[j].file_name_off,
						  hl[j].line_off, hl[j].line_col);
					break;
				}
		}
		for (km = hive_object__next_map(k, NULL), hm = hive_object__next_map(h, NULL); km && hm;
		     km = hive_object__next_map(k, km), hm = hive_object__next_map(h, hm)) {
			struct bpf_map_info ki, hi;
			union bpf_attr a;

			memset(&ki, 0, sizeof(ki));
			memset(&hi, 0, sizeof(hi));
			memset(&a, 0, sizeof(a));
			a.info.bpf_fd = (uint32_t)hive_map__fd(km);
			a.info.info_len = sizeof(ki);
			a.info.info = (uint64_t)(uintptr_t)&ki;
			CHECK_EQ(kbpf(BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a)), 0);
			a.info.bpf_fd = (uint32_t)hive_map__fd(hm);
			a.info.info = (uint64_t)(uintptr_t)&hi;
			CHECK_EQ(hive_bpf(BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a)), 0);
			CHECK_EQ(hi.btf_key_type_id, ki.btf_key_type_id);
			CHECK_EQ(hi.btf_value_type_id, ki.btf_value_type_id);
			CHECK_EQ(!!hi.btf_id, !!ki.btf_id);
		}
		hive_object__close(k);
		hive_object__close(h);
	}
	cleanup_fs();
}

/* ---- PROG_LOAD's func_info / line_info rules ---------------------------------- */

struct pcase {
	uint32_t frs, nfi, lrs, nli;
	struct { uint32_t off, type; } fi[3];
	struct { uint32_t off, file, line; } li[3];
	uint32_t tail;               /* a non-zero word past the record */
	int btf;                     /* 0: the BTF, 1: fd 999, 2: a map */
};

static int load_prog_case(bpf_fn fn, int btf_fd, int map_fd, const struct pcase *c, uint32_t *frs_out,
			  uint32_t *lrs_out)
{
	/* main calls sub (subprograms at 0 and 3) */
	static const struct hive_insn insns[] = {
		{ .code = HIVE_JMP | HIVE_CALL, .src = 1, .imm = 2 },
		{ .code = HIVE_ALU64 | HIVE_MOV | HIVE_K, .dst = 0, .imm = 0 },
		{ .code = HIVE_JMP | HIVE_EXIT },
		{ .code = HIVE_ALU64 | HIVE_MOV | HIVE_K, .dst = 0, .imm = 1 },
		{ .code = HIVE_JMP | HIVE_EXIT },
	};
	uint32_t fi[3 * 4], li[3 * 6];
	union bpf_attr a;
	int fd;

	memset(fi, 0, sizeof(fi));
	memset(li, 0, sizeof(li));
	for (uint32_t i = 0; i < 3; i++) {
		uint32_t *f = (uint32_t *)((uint8_t *)fi + i * c->frs);
		uint32_t *l = (uint32_t *)((uint8_t *)li + i * c->lrs);

		if (i < c->nfi && c->frs >= 8) {
			f[0] = c->fi[i].off;
			f[1] = c->fi[i].type;
			if (c->tail && c->frs > 8)
				f[2] = c->tail;
		}
		if (i < c->nli && c->lrs >= 16) {
			l[0] = c->li[i].off;
			l[1] = c->li[i].file;
			l[2] = c->li[i].line;
			l[3] = 5 << 10 | 1;
			if (c->tail && c->lrs > 16)
				l[4] = c->tail;
		}
	}
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = 5;
	a.license = (uint64_t)(uintptr_t)"GPL";
	a.prog_btf_fd = (uint32_t)(c->btf == 0 ? btf_fd : c->btf == 1 ? 999 : map_fd);
	a.func_info_rec_size = c->frs;
	a.func_info_cnt = c->nfi;
	a.func_info = (uint64_t)(uintptr_t)fi;
	a.line_info_rec_size = c->lrs;
	a.line_info_cnt = c->nli;
	a.line_info = (uint64_t)(uintptr_t)li;
	errno = 0;
	fd = fn(BPF_PROG_LOAD, &a, sizeof(a));
	*frs_out = a.func_info_rec_size;
	*lrs_out = a.line_info_rec_size;
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return -errno;
}

TEST(btf_prog_load_rules_vs_kernel)
{
	static const char strs[] = "\0int\0main\0sub\0f.c\0line";
	/* [1] int  [2] int (void)  [3] main  [4] sub (static) */
	uint32_t types[] = {
		T_INT(1, 4, 32, BTF_INT_SIGNED),
		0, BTF_KIND_FUNC_PROTO << 24, 1,
		5, (BTF_KIND_FUNC << 24) | BTF_FUNC_GLOBAL, 2,
		10, BTF_KIND_FUNC << 24, 2,
	};
#define FI2 { { 0, 3 }, { 3, 4 } }
#define LI2 { { 0, 14, 18 }, { 3, 14, 18 } }
	static const struct pcase cases[] = {
		{ 8, 2, 16, 2, FI2, LI2, 0, 0 },                     /* valid */
		{ 8, 2, 0, 0, FI2, { { 0 } }, 0, 0 },                 /* func_info only */
		{ 0, 0, 16, 2, { { 0 } }, LI2, 0, 0 },                /* line_info only */
		{ 7, 2, 16, 2, FI2, LI2, 0, 0 },                      /* func rec size */
		{ 12, 2, 16, 2, FI2, LI2, 0, 0 },                     /* larger, zero tail */
		{ 12, 2, 16, 2, FI2, LI2, 1, 0 },                     /* non-zero tail */
		{ 8, 2, 20, 2, FI2, LI2, 1, 0 },                      /* line tail */
		{ 8, 2, 15, 2, FI2, LI2, 0, 0 },                      /* line rec size */
		{ 8, 2, 16, 2, { { 1, 3 }, { 3, 4 } }, LI2, 0, 0 },   /* first off */
		{ 8, 2, 16, 2, { { 0, 1 }, { 3, 4 } }, LI2, 0, 0 },   /* not a FUNC */
		{ 8, 2, 16, 2, { { 0, 3 }, { 3, 40 } }, LI2, 0, 0 },  /* no such type */
		{ 8, 1, 16, 2, FI2, LI2, 0, 0 },                      /* too few */
		{ 8, 2, 16, 2, { { 0, 3 }, { 2, 4 } }, LI2, 0, 0 },   /* layout */
		{ 8, 2, 16, 2, { { 0, 3 }, { 0, 4 } }, LI2, 0, 0 },   /* not increasing */
		{ 8, 2, 16, 1, FI2, LI2, 0, 0 },                      /* line missing for func#1 */
		{ 8, 2, 16, 2, FI2, { { 0, 14, 18 }, { 5, 14, 18 } }, 0, 0 }, /* past the end */
		{ 8, 2, 16, 2, FI2, { { 1, 14, 18 }, { 3, 14, 18 } }, 0, 0 }, /* func#0 */
		{ 8, 2, 16, 2, FI2, { { 0, 14, 999 }, { 3, 14, 18 } }, 0, 0 }, /* string */
		{ 8, 2, 16, 2, FI2, LI2, 0, 1 },                      /* bad fd */
		{ 8, 2, 16, 2, FI2, LI2, 0, 2 },                      /* a map fd */
	};
	struct mcase mc = { BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, 0, 0 };
	uint8_t d[256];
	size_t n, i;
	int kb, hb, km, hm;

	if (!test_kernel_bpf_available())
		SKIP("bpf() not permitted");
	private_fs();
	n = mk_btf(d, types, sizeof(types), strs, sizeof(strs));
	kb = load_fd(kbpf, d, n);
	hb = load_fd(hive_bpf, d, n);
	km = create_map(kbpf, -1, &mc);
	hm = create_map(hive_bpf, -1, &mc);
	REQUIRE(kb >= 0 && hb >= 0 && km >= 0 && hm >= 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t kf, kl, hf, hl;
		int ke = load_prog_case(kbpf, kb, km, &cases[i], &kf, &kl);
		int he = load_prog_case(hive_bpf, hb, hm, &cases[i], &hf, &hl);

		if (i < 3)
			CHECK_EQ(ke, 0); /* the valid ones load */
		if (ke != he || kf != hf || kl != hl)
			test_fail(__FILE__, __LINE__, "case %zu: kernel %d (rec sizes %u %u), hive %d (%u %u)", i, ke,
				  kf, kl, he, hf, hl);
	}
	close(kb);
	close(hb);
	close(km);
	close(hm);
	cleanup_fs();
#undef FI2
#undef LI2
}
