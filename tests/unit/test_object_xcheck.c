/*
 * test_object_xcheck.c - the object loader against two oracles:
 *
 *  1. libbpf itself (libbpf.so.1, opened with dlopen so libhive and the
 *     test binary do not depend on it): the same object loaded into the
 *     live kernel by libbpf and by hive's loader (kernel backend) gets the
 *     same verdict, and every program the same translated instructions
 *     (maps compared by name), func_info and line_info counts.
 *  2. The kernel's BPF_PROG_TEST_RUN vs hive's: the same object loaded by
 *     hive's loader into both, run on the same inputs, gives the same
 *     return value, output packet and map contents.
 */
#include <dlfcn.h>
#include <dirent.h>

#include "loader_testutil.h"
#include "util/util.h"

#if __has_include(<bpf/libbpf.h>)
#include <bpf/libbpf.h>
#define HAVE_LIBBPF_H 1
#endif

/* ------------------------------------------------------ kernel queries */

struct prog_dump {
	struct bpf_insn *insns;
	uint32_t cnt;
	uint32_t nr_func_info, nr_line_info, type;
	uint32_t map_ids[64];
	uint32_t nr_map_ids;
};

static int prog_dump(int fd, struct prog_dump *d)
{
	struct bpf_prog_info info;
	union bpf_attr a;

	memset(d, 0, sizeof(*d));
	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = sizeof(info);
	a.info.info = (uintptr_t)&info;
	if (lt_bpf(1, BPF_OBJ_GET_INFO_BY_FD, &a))
		return -1;
	d->cnt = info.xlated_prog_len / 8;
	d->insns = calloc(d->cnt + 1, 8);
	d->nr_func_info = info.nr_func_info;
	d->nr_line_info = info.nr_line_info;
	d->type = info.type;
	memset(&info, 0, sizeof(info));
	info.xlated_prog_len = d->cnt * 8;
	info.xlated_prog_insns = (uintptr_t)d->insns;
	info.nr_map_ids = 64;
	info.map_ids = (uintptr_t)d->map_ids;
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = sizeof(info);
	a.info.info = (uintptr_t)&info;
	if (lt_bpf(1, BPF_OBJ_GET_INFO_BY_FD, &a))
		return -1;
	d->nr_map_ids = info.nr_map_ids < 64 ? info.nr_map_ids : 64;
	return 0;
}

/* Name of kernel map @id ("" if gone). */
static void map_name_of(uint32_t id, char *name)
{
	struct bpf_map_info info;
	union bpf_attr a;
	int fd;

	name[0] = 0;
	memset(&a, 0, sizeof(a));
	a.map_id = id;
	fd = lt_bpf(1, BPF_MAP_GET_FD_BY_ID, &a);
	if (fd < 0)
		return;
	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = sizeof(info);
	a.info.info = (uintptr_t)&info;
	if (!lt_bpf(1, BPF_OBJ_GET_INFO_BY_FD, &a))
		snprintf(name, BPF_OBJ_NAME_LEN, "%s", info.name);
	close(fd);
}

/* Compare two xlated programs; lddw map references are compared by map name. */
static int same_xlated(const char *what, const struct prog_dump *x, const struct prog_dump *y)
{
	uint32_t i;

	if (x->cnt != y->cnt) {
		test_fail(__FILE__, __LINE__, "%s: %u vs %u translated insns", what, x->cnt, y->cnt);
		return 0;
	}
	for (i = 0; i < x->cnt; i++) {
		const struct bpf_insn *a = &x->insns[i], *b = &y->insns[i];

		if (a->code == (BPF_LD | BPF_DW | BPF_IMM) && i + 1 < x->cnt &&
		    (a->src_reg == BPF_PSEUDO_MAP_FD || a->src_reg == BPF_PSEUDO_MAP_VALUE)) {
			char na[BPF_OBJ_NAME_LEN], nb[BPF_OBJ_NAME_LEN];

			map_name_of((uint32_t)a->imm, na);
			map_name_of((uint32_t)b->imm, nb);
			if (a->src_reg != b->src_reg || strcmp(na, nb) || x->insns[i + 1].imm != y->insns[i + 1].imm) {
				test_fail(__FILE__, __LINE__, "%s: insn %u: map %s+%d vs %s+%d", what, i, na,
					  x->insns[i + 1].imm, nb, y->insns[i + 1].imm);
				return 0;
			}
			i++;
			continue;
		}
		if (memcmp(a, b, sizeof(*a))) {
			test_fail(__FILE__, __LINE__, "%s: insn %u differs: %02x %x %x %d %d vs %02x %x %x %d %d",
				  what, i, a->code, a->dst_reg, a->src_reg, a->off, a->imm, b->code, b->dst_reg,
				  b->src_reg, b->off, b->imm);
			return 0;
		}
	}
	return 1;
}

/* ------------------------------------------------------------- libbpf */

#ifdef HAVE_LIBBPF_H
struct libbpf_api {
	void *dl;
	typeof(&bpf_object__open_file) open_file;
	typeof(&bpf_object__load) load;
	typeof(&bpf_object__close) close;
	typeof(&bpf_object__next_program) next_program;
	typeof(&bpf_program__fd) prog_fd;
	typeof(&bpf_program__name) prog_name;
	typeof(&bpf_program__type) prog_type;
	typeof(&bpf_program__set_autoload) set_autoload;
	typeof(&libbpf_set_print) set_print;
};

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

static int libbpf_open(struct libbpf_api *l)
{
	l->dl = dlopen("libbpf.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!l->dl)
		return -1;
	l->open_file = dlsym(l->dl, "bpf_object__open_file");
	l->load = dlsym(l->dl, "bpf_object__load");
	l->close = dlsym(l->dl, "bpf_object__close");
	l->next_program = dlsym(l->dl, "bpf_object__next_program");
	l->prog_fd = dlsym(l->dl, "bpf_program__fd");
	l->prog_name = dlsym(l->dl, "bpf_program__name");
	l->prog_type = dlsym(l->dl, "bpf_program__type");
	l->set_autoload = dlsym(l->dl, "bpf_program__set_autoload");
	l->set_print = dlsym(l->dl, "libbpf_set_print");
	if (!l->open_file || !l->load || !l->close || !l->next_program || !l->prog_fd ||
	    !l->prog_name || !l->prog_type || !l->set_autoload || !l->set_print)
		return -1;
	l->set_print(libbpf_quiet);
	return 0;
}

/* Objects compared; pinning needs a bpffs and is covered elsewhere. */
static int skip_object(const char *name)
{
	return !strcmp(name, "pinned_maps.bpf.o");
}

/*
 * libbpf 1.1 sets LINUX_HAS_SYSCALL_WRAPPER by creating a kprobe; without
 * the kprobe PMU it says 0 where hive (by kallsyms) says 1, so the verifier
 * prunes different branches of BPF_KSYSCALL programs.
 */
static int skip_xlated(const char *name)
{
	return !strcmp(name, "ksyscall_kill.bpf.o") &&
	       access("/sys/bus/event_source/devices/kprobe/type", F_OK);
}

/* Typed ksyms need data symbols in kallsyms (CONFIG_KALLSYMS_ALL). */
static int unloadable(const char *prog)
{
	char line[256];
	FILE *f;
	int found = 0;

	if (strcmp(prog, "use_ksym_var"))
		return 0;
	f = fopen("/proc/kallsyms", "r");
	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, " bpf_prog_active\n") != NULL;
	if (f)
		fclose(f);
	return !found;
}

static void xcheck_object(struct libbpf_api *l, const char *file)
{
	char path[600], target[600], what[300];
	struct hive_object_open_opts ho = { .sz = sizeof(ho), .kernel = true };
	struct bpf_object_open_opts lo = { .sz = sizeof(lo) };
	struct hive_object *h;
	struct bpf_object *b;
	struct bpf_program *lp;
	int hrc, lrc;

	snprintf(path, sizeof(path), "%s/%s", test_build_path("tests/progs"), file);
	if (!strcmp(file, "core_local.bpf.o")) {
		snprintf(target, sizeof(target), "%s", lt_prog_path("core_target"));
		ho.btf_custom_path = lo.btf_custom_path = target;
	}
	h = hive_object__open_file(path, &ho);
	b = l->open_file(path, &lo);
	if (!h || !b) {
		test_fail(__FILE__, __LINE__, "%s: open hive %p libbpf %p", file, (void *)h, (void *)b);
		goto out;
	}
	/* Programs libbpf 1.1 cannot type, or this kernel cannot load,
	 * stay out on both sides. */
	for (lp = l->next_program(b, NULL); lp; lp = l->next_program(b, lp)) {
		if (l->prog_type(lp) != BPF_PROG_TYPE_UNSPEC && !unloadable(l->prog_name(lp)))
			continue;
		l->set_autoload(lp, false);
		hive_program__set_autoload(hive_object__find_program_by_name(h, l->prog_name(lp)), false);
	}
	lt_capture_start();
	hrc = hive_object__load(h);
	lrc = l->load(b);
	if ((hrc == 0) != (lrc == 0)) {
		test_fail(__FILE__, __LINE__, "%s: hive loader %d, libbpf %d\n%s", file, hrc, lrc, lt_msgs);
		goto out;
	}
	for (lp = l->next_program(b, NULL); lp && !hrc; lp = l->next_program(b, lp)) {
		struct hive_program *hp = hive_object__find_program_by_name(h, l->prog_name(lp));
		struct prog_dump dh, dl;

		if (!hp) {
			test_fail(__FILE__, __LINE__, "%s: hive has no program %s", file, l->prog_name(lp));
			continue;
		}
		if (l->prog_fd(lp) < 0 && hive_program__fd(hp) < 0)
			continue;
		snprintf(what, sizeof(what), "%s: %s", file, l->prog_name(lp));
		if (prog_dump(hive_program__fd(hp), &dh) || prog_dump(l->prog_fd(lp), &dl)) {
			test_fail(__FILE__, __LINE__, "%s: no program info", what);
			continue;
		}
		if (skip_xlated(file))
			goto next;
		same_xlated(what, &dh, &dl);
		if (dh.type != dl.type || dh.nr_func_info != dl.nr_func_info ||
		    dh.nr_line_info != dl.nr_line_info || dh.nr_map_ids != dl.nr_map_ids)
			test_fail(__FILE__, __LINE__, "%s: type %u/%u func_info %u/%u line_info %u/%u maps %u/%u",
				  what, dh.type, dl.type, dh.nr_func_info, dl.nr_func_info, dh.nr_line_info,
				  dl.nr_line_info, dh.nr_map_ids, dl.nr_map_ids);
next:
		free(dh.insns);
		free(dl.insns);
	}
out:
	hive_object__close(h);
	if (b)
		l->close(b);
}
#endif

/* Every test object: same verdict and translated programs as libbpf. */
TEST(xcheck_libbpf_kernel_loads)
{
#ifdef HAVE_LIBBPF_H
	struct libbpf_api l;
	struct dirent *e;
	DIR *d;
	int n = 0;

	if (!test_kernel_bpf_available())
		SKIP("the kernel's bpf() is not available");
	if (libbpf_open(&l))
		SKIP("libbpf.so.1 is not installed");
	d = opendir(test_build_path("tests/progs"));
	REQUIRE(d);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len < 6 || strcmp(e->d_name + len - 6, ".bpf.o") || skip_object(e->d_name))
			continue;
		xcheck_object(&l, e->d_name);
		n++;
	}
	closedir(d);
	CHECK(n >= 30);
	dlclose(l.dl);
#else
	SKIP("built without <bpf/libbpf.h>");
#endif
}

/* ------------------------------------------------- TEST_RUN: kernel vs hive */

enum input { IN_UDP, IN_TCP23, IN_SHORT, IN_BIG, IN_SYSCALL };

struct run_case {
	const char *obj, *prog;
	enum input in;
};

static const struct run_case run_cases[] = {
	{ "xdp_drop", "xdp_drop_runts", IN_UDP },
	{ "xdp_drop", "xdp_drop_runts", IN_SHORT },
	{ "xdp_count", "xdp_prog1", IN_UDP },
	{ "xdp_swap_mac", "xdp_bounce", IN_UDP },
	{ "xdp_ipv4_filter", "xdp_filter_v4", IN_UDP },
	{ "xdp_ipv4_filter", "xdp_filter_v4", IN_TCP23 },
	{ "tc_mark", "tc_mark_proto", IN_UDP },
	{ "tc_port_drop", "tc_ingress", IN_TCP23 },
	{ "tc_port_drop", "tc_egress", IN_UDP },
	{ "socket_udp", "udp_only", IN_UDP },
	{ "socket_udp", "udp_only", IN_TCP23 },
	{ "sockex1", "bpf_prog1", IN_UDP },
	{ "global_data", "global_rw", IN_UDP },
	{ "global_data", "global_ro", IN_UDP },
	{ "subprogs", "subprog_a", IN_UDP },
	{ "subprogs", "subprog_b", IN_UDP },
	{ "subprogs", "subprog_c", IN_BIG },
	{ "callbacks", "loop_and_iter", IN_UDP },
	{ "global_funcs", "glob_xdp", IN_UDP },
	{ "global_funcs", "glob_map", IN_UDP },
	{ "global_funcs", "glob_chain", IN_UDP },
	{ "global_funcs", "glob_tc", IN_BIG },
	{ "global_funcs", "glob_pkt", IN_UDP },
	{ "global_funcs", "glob_pkt", IN_SHORT },
	{ "map_in_map", "mim_lookup", IN_UDP },
	{ "tail_calls", "dispatch", IN_UDP },
	{ "tail_calls", "dispatch", IN_BIG },
	{ "kconfig", "read_kconfig", IN_UDP },
	{ "syscall_prog", "add_args", IN_SYSCALL },
	{ "bounded_loop", "csum_bytes", IN_BIG },
	{ "spin_lock", "locked_count", IN_UDP },
	{ "map_types", "use_maps", IN_UDP },
	{ "multi_prog", "first_xdp", IN_UDP },
	{ "multi_prog", "second_xdp", IN_UDP },
	{ "multi_prog", "a_socket", IN_BIG },
};

struct run_result {
	int err;
	uint32_t retval, out_size;
	uint8_t out[512];
	uint8_t ctx[64];
	uint8_t maps[4096];   /* non-per-CPU array/hash contents, key-sorted */
	size_t maps_len;
};

static size_t input(enum input in, uint8_t *p)
{
	memset(p, 0, 300);
	memcpy(p, "\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00", 14);
	memcpy(p + 14, "\x45\x00\x00\x32\x00\x00\x00\x00\x40\x11\x00\x00\x0a\x00\x00\x01\x0a\x00\x00\x02", 20);
	memcpy(p + 34, "\x04\xd2\x00\x35\x00\x1e\x00\x00", 8);
	switch (in) {
	case IN_TCP23:
		p[23] = 6;                /* TCP */
		memcpy(p + 34, "\x04\xd2\x00\x17", 4);
		return 74;
	case IN_SHORT:
		return 14; /* the shortest packet a test run takes */
	case IN_BIG:
		for (int i = 42; i < 300; i++)
			p[i] = (uint8_t)(i * 7);
		return 300;
	default:
		return 64;
	}
}

/* Append the contents of @m (hash/array, not per-CPU) to @r->maps. */
static void dump_map(int k, struct hive_map *m, struct run_result *r)
{
	uint8_t key[64], next[64], val[512];
	uint32_t ks = hive_map__key_size(m), vs = hive_map__value_size(m);
	enum bpf_map_type t = hive_map__type(m);
	union bpf_attr a;
	int first = 1;

	if ((t != BPF_MAP_TYPE_ARRAY && t != BPF_MAP_TYPE_HASH) || ks > sizeof(key) || vs > sizeof(val))
		return;
	if (hive_map__map_flags(m) & BPF_F_RDONLY_PROG)
		return;
	for (;;) {
		memset(&a, 0, sizeof(a));
		a.map_fd = (uint32_t)hive_map__fd(m);
		a.key = first ? 0 : (uintptr_t)key;
		a.next_key = (uintptr_t)next;
		if (lt_bpf(k, BPF_MAP_GET_NEXT_KEY, &a))
			break;
		first = 0;
		memcpy(key, next, ks);
		if (lt_map_lookup(k, hive_map__fd(m), key, val))
			continue;
		/* Spin locks hold whatever the lock word was: skip it. */
		if (!strcmp(hive_map__name(m), "stats"))
			memset(val, 0, 4);
		if (r->maps_len + ks + vs <= sizeof(r->maps)) {
			memcpy(r->maps + r->maps_len, key, ks);
			memcpy(r->maps + r->maps_len + ks, val, vs);
			r->maps_len += ks + vs;
		}
	}
}

static void run_one(int k, const struct run_case *c, struct run_result *r)
{
	struct hive_object_open_opts o = { .sz = sizeof(o), .kernel = k };
	struct hive_object *obj;
	struct hive_program *p, *q = NULL;
	struct hive_map *m = NULL;
	uint8_t data[320];
	size_t n;

	memset(r, 0, sizeof(*r));
	obj = hive_object__open_file(lt_prog_path(c->obj), &o);
	if (!obj) {
		r->err = -errno;
		return;
	}
	/* Load only the program under test (and, for tail calls, its targets). */
	p = hive_object__find_program_by_name(obj, c->prog);
	while ((q = hive_object__next_program(obj, q)))
		if (q != p && strcmp(c->obj, "tail_calls"))
			hive_program__set_autoload(q, false);
	r->err = p ? hive_object__load(obj) : -ENOENT;
	if (r->err)
		goto out;
	n = input(c->in, data);
	r->out_size = sizeof(r->out);
	if (c->in == IN_SYSCALL) {
		uint64_t args[3] = { 40, 2, 0 };
		union bpf_attr a;

		/* syscall programs: ctx in, written back in place; nothing else */
		memcpy(r->ctx, args, sizeof(args));
		memset(&a, 0, sizeof(a));
		a.test.prog_fd = (uint32_t)hive_program__fd(p);
		a.test.ctx_in = (uintptr_t)r->ctx;
		a.test.ctx_size_in = sizeof(args);
		r->err = lt_bpf(k, BPF_PROG_TEST_RUN, &a);
		r->retval = a.test.retval;
		r->out_size = 0;
	} else {
		r->err = lt_test_run(k, hive_program__fd(p), data, (uint32_t)n, r->out, &r->out_size, NULL,
				     0, &r->retval);
	}
	while ((m = hive_object__next_map(obj, m)))
		dump_map(k, m, r);
out:
	hive_object__close(obj);
}

TEST(xcheck_test_run_kernel_vs_hive)
{
	size_t i;

	if (!test_kernel_bpf_available())
		SKIP("the kernel's bpf() is not available");
	lt_private_hive_fs();
	lt_capture_start();
	for (i = 0; i < HIVE_ARRAY_SIZE(run_cases); i++) {
		const struct run_case *c = &run_cases[i];
		static struct run_result rk, rh;

		run_one(1, c, &rk);
		run_one(0, c, &rh);
		if (rk.err || rh.err) {
			test_fail(__FILE__, __LINE__, "%s/%s: kernel %d, hive %d\n%s", c->obj, c->prog, rk.err,
				  rh.err, lt_msgs);
			continue;
		}
		if (rk.retval != rh.retval)
			test_fail(__FILE__, __LINE__, "%s/%s: retval kernel %u, hive %u", c->obj, c->prog,
				  rk.retval, rh.retval);
		if (rk.out_size != rh.out_size || memcmp(rk.out, rh.out, rk.out_size))
			test_fail(__FILE__, __LINE__, "%s/%s: output packet differs (%u vs %u bytes)", c->obj,
				  c->prog, rk.out_size, rh.out_size);
		if (memcmp(rk.ctx, rh.ctx, sizeof(rk.ctx)))
			test_fail(__FILE__, __LINE__, "%s/%s: ctx out differs", c->obj, c->prog);
		if (rk.maps_len != rh.maps_len || memcmp(rk.maps, rh.maps, rk.maps_len))
			test_fail(__FILE__, __LINE__, "%s/%s: map contents differ (%zu vs %zu bytes)", c->obj,
				  c->prog, rk.maps_len, rh.maps_len);
		lt_msgs_len = 0;
		lt_msgs[0] = 0;
	}
}
