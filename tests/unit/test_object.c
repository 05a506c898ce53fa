/*
 * test_object.c - opening the test programs (tests/progs/NAME.bpf.o) with the
 * object loader, without any backend: programs, section -> type table,
 * BTF-defined maps, global data, options, refusals.
 */
#include <dirent.h>
#include <linux/btf.h>

#include "loader_testutil.h"
#include "hive/hive_btf.h"
#include "loader/sections.h"
#include "util/util.h"

/* Every compiled test program opens; there are at least 30 of them. */
TEST(object_open_all_test_programs)
{
	DIR *d = opendir(test_build_path("tests/progs"));
	struct dirent *e;
	int nobj = 0, nprog = 0;

	REQUIRE(d);
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		struct hive_object *obj;
		struct hive_program *p = NULL;
		char path[600];
		int here = 0;

		if (n < 6 || strcmp(e->d_name + n - 6, ".bpf.o"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", test_build_path("tests/progs"), e->d_name);
		obj = hive_object__open_file(path, NULL);
		if (!obj) {
			test_fail(__FILE__, __LINE__, "%s does not open: %s", e->d_name, strerror(errno));
			continue;
		}
		while ((p = hive_object__next_program(obj, p))) {
			CHECK(hive_program__insn_cnt(p) > 0);
			CHECK(hive_program__insns(p) != NULL);
			CHECK(hive_program__autoload(p));
			here++;
		}
		if (strcmp(e->d_name, "core_target.bpf.o"))
			CHECK(here > 0);
		CHECK(hive_object__btf(obj) != NULL);
		nprog += here;
		nobj++;
		hive_object__close(obj);
	}
	closedir(d);
	CHECK(nobj >= 30);
	CHECK(nprog >= 50);
}

struct sec_case {
	const char *obj, *prog, *sec;
	int type, attach;
	const char *target;
	uint32_t flags;
};

static const struct sec_case sec_cases[] = {
	{ "xdp_drop", "xdp_drop_runts", "xdp", BPF_PROG_TYPE_XDP, SEC_ATTACH_XDP, "", 0 },
	{ "tc_port_drop", "tc_ingress", "tc/ingress", BPF_PROG_TYPE_SCHED_CLS, SEC_ATTACH_TCX_INGRESS, "", 0 },
	{ "tc_port_drop", "tc_egress", "classifier", BPF_PROG_TYPE_SCHED_CLS, 0, "", 0 },
	{ "tc_mark", "tc_mark_proto", "tc", BPF_PROG_TYPE_SCHED_CLS, 0, "", 0 },
	{ "socket_udp", "udp_only", "socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, "", 0 },
	{ "execsnoop", "tracepoint__syscalls__sys_enter_execve", "tracepoint/syscalls/sys_enter_execve",
	  BPF_PROG_TYPE_TRACEPOINT, 0, "syscalls/sys_enter_execve", 0 },
	{ "global_sections", "sections_tp", "tracepoint/syscalls/sys_enter_getpid",
	  BPF_PROG_TYPE_TRACEPOINT, 0, "syscalls/sys_enter_getpid", 0 },
	{ "kprobe_unlink", "do_unlinkat", "kprobe/do_unlinkat", BPF_PROG_TYPE_KPROBE, 0, "do_unlinkat", 0 },
	{ "kprobe_unlink", "do_unlinkat_exit", "kretprobe/do_unlinkat", BPF_PROG_TYPE_KPROBE, 0, "do_unlinkat", 0 },
	{ "raw_tp_sched", "raw_switch", "raw_tp/sched_switch", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, "sched_switch", 0 },
	{ "raw_tp_sched", "btf_switch", "tp_btf/sched_switch", BPF_PROG_TYPE_TRACING, SEC_ATTACH_TRACE_RAW_TP, "sched_switch", 0 },
	{ "ksyscall_kill", "entry_kill", "ksyscall/kill", BPF_PROG_TYPE_KPROBE, 0, "kill", 0 },
	{ "fentry_unlink", "fentry_unlinkat", "fentry/do_unlinkat", BPF_PROG_TYPE_TRACING, SEC_ATTACH_TRACE_FENTRY, "do_unlinkat", 0 },
	{ "fentry_unlink", "fexit_unlinkat", "fexit/do_unlinkat", BPF_PROG_TYPE_TRACING, SEC_ATTACH_TRACE_FEXIT, "do_unlinkat", 0 },
	{ "lsm_file_open", "deny_open", "lsm/file_open", BPF_PROG_TYPE_LSM, SEC_ATTACH_LSM_MAC, "file_open", 0 },
	{ "syscall_prog", "add_args", "syscall", BPF_PROG_TYPE_SYSCALL, 0, "", BPF_F_SLEEPABLE },
	{ "cgroup_skb", "count_ingress", "cgroup_skb/ingress", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS, "", 0 },
	{ "cgroup_skb", "count_egress", "cgroup_skb/egress", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS, "", 0 },
	{ "perf_sample", "do_sample", "perf_event", BPF_PROG_TYPE_PERF_EVENT, 0, "", 0 },
	{ "sk_lookup_iter", "dump_task", "iter/task", BPF_PROG_TYPE_TRACING, SEC_ATTACH_TRACE_ITER, "task", 0 },
	{ "sk_lookup_iter", "pass_lookup", "sk_lookup", BPF_PROG_TYPE_SK_LOOKUP, SEC_ATTACH_SK_LOOKUP, "", 0 },
	{ "multi_prog", "untyped", "hive_custom_section", BPF_PROG_TYPE_UNSPEC, 0, "", 0 },
	{ "multi_prog", "second_xdp", "xdp", BPF_PROG_TYPE_XDP, SEC_ATTACH_XDP, "", 0 },
};

/* Section names select type, expected attach type, target and flags. */
TEST(object_section_names)
{
	size_t i;

	for (i = 0; i < HIVE_ARRAY_SIZE(sec_cases); i++) {
		const struct sec_case *c = &sec_cases[i];
		struct hive_object *obj = hive_object__open_file(lt_prog_path(c->obj), NULL);
		struct hive_program *p;

		REQUIRE(obj);
		p = hive_object__find_program_by_name(obj, c->prog);
		if (!p) {
			test_fail(__FILE__, __LINE__, "%s: no program %s", c->obj, c->prog);
			hive_object__close(obj);
			continue;
		}
		CHECK_STR(hive_program__section_name(p), c->sec);
		CHECK_EQ(hive_program__type(p), c->type);
		CHECK_EQ(hive_program__expected_attach_type(p), c->attach);
		CHECK_STR(hive_program__attach_target(p), c->target);
		CHECK_EQ(hive_program__flags(p), c->flags);
		hive_object__close(obj);
	}
}

/* The matching rules of sec_def.h ('+', '/', exact), as libbpf's. */
TEST(object_sec_def_matching)
{
	const struct sec_def *d;

	d = sec_def_find("kprobe");
	REQUIRE(d);
	CHECK_EQ(d->prog_type, SEC_PROG_KPROBE);
	CHECK_STR(sec_def_target(d, "kprobe"), "");
	d = sec_def_find("kprobe/do_sys_open+0x10");
	REQUIRE(d);
	CHECK_STR(sec_def_target(d, "kprobe/do_sys_open+0x10"), "do_sys_open+0x10");
	CHECK(sec_def_find("kprobex") == NULL);
	CHECK(sec_def_find("xdp/foo") == NULL); /* "xdp" is exact */
	d = sec_def_find("xdp.frags");
	REQUIRE(d);
	CHECK(d->flags & SEC_FRAGS);
	d = sec_def_find("xdp/devmap");
	REQUIRE(d);
	CHECK_EQ(d->attach_type, SEC_ATTACH_XDP_DEVMAP);
	d = sec_def_find("kretprobe.multi/vfs_*");
	REQUIRE(d);
	CHECK(d->flags & SEC_RET);
	CHECK_EQ(d->attach_type, SEC_ATTACH_TRACE_KPROBE_MULTI);
	d = sec_def_find("uprobe.s//bin/bash:readline");
	REQUIRE(d);
	CHECK(d->flags & SEC_SLEEPABLE);
	CHECK_STR(sec_def_target(d, "uprobe.s//bin/bash:readline"), "/bin/bash:readline");
	d = sec_def_find("lsm.s/bprm_check_security");
	REQUIRE(d);
	CHECK(d->flags & SEC_BTF);
	CHECK(d->flags & SEC_SLEEPABLE);
	CHECK(sec_def_find("") == NULL);
	CHECK(sec_def_find(".text") == NULL);
	CHECK(sec_def_count() > 90);
}

/* Several programs per section, .text subprograms hidden, autoload/type setters. */
TEST(object_programs_and_setters)
{
	struct hive_object *obj = hive_object__open_file(lt_prog_path("multi_prog"), NULL);
	struct hive_program *p = NULL;
	const char *names[8];
	int n = 0;

	REQUIRE(obj);
	while ((p = hive_object__next_program(obj, p)) && n < 8)
		names[n++] = hive_program__name(p);
	REQUIRE(n == 4);
	CHECK_STR(names[0], "first_xdp");
	CHECK_STR(names[1], "second_xdp");
	p = hive_object__find_program_by_name(obj, "untyped");
	REQUIRE(p);
	CHECK_EQ(hive_program__set_type(p, BPF_PROG_TYPE_SOCKET_FILTER), 0);
	CHECK_EQ(hive_program__type(p), BPF_PROG_TYPE_SOCKET_FILTER);
	CHECK_EQ(hive_program__set_autoload(p, false), 0);
	CHECK(!hive_program__autoload(p));
	CHECK(hive_object__find_program_by_name(obj, "nope") == NULL);
	CHECK_EQ(errno, ENOENT);
	hive_object__close(obj);

	/* .text functions are subprograms, not programs. */
	obj = hive_object__open_file(lt_prog_path("subprogs"), NULL);
	REQUIRE(obj);
	CHECK(hive_object__find_program_by_name(obj, "square") == NULL);
	CHECK(hive_object__find_program_by_name(obj, "add_to_slot") == NULL);
	CHECK(hive_object__find_program_by_name(obj, "subprog_c") != NULL);
	CHECK_STR(hive_object__name(obj), "subprogs");
	CHECK_STR(hive_object__license(obj), "GPL");
	hive_object__close(obj);
}

/* BTF-defined maps: types, sizes from __type, flags, inner maps. */
TEST(object_btf_maps)
{
	struct hive_object *obj = hive_object__open_file(lt_prog_path("xdp_ipv4_filter"), NULL);
	struct hive_map *m;

	REQUIRE(obj);
	m = hive_object__find_map_by_name(obj, "blocked_src");
	REQUIRE(m);
	CHECK_EQ(hive_map__type(m), BPF_MAP_TYPE_LPM_TRIE);
	CHECK_EQ(hive_map__key_size(m), 8);
	CHECK_EQ(hive_map__value_size(m), 4);
	CHECK_EQ(hive_map__max_entries(m), 1024);
	CHECK_EQ(hive_map__map_flags(m), BPF_F_NO_PREALLOC);
	CHECK(hive_map__btf_key_type_id(m) > 0);
	m = hive_object__find_map_by_name(obj, "closed_ports");
	REQUIRE(m);
	CHECK_EQ(hive_map__key_size(m), 2);
	CHECK_EQ(hive_map__value_size(m), 1);
	CHECK(hive_map__initial_value(m, NULL) == NULL);
	CHECK_EQ(hive_map__fd(m), -1);
	hive_object__close(obj);

	obj = hive_object__open_file(lt_prog_path("map_in_map"), NULL);
	REQUIRE(obj);
	m = hive_object__find_map_by_name(obj, "outer_arr");
	REQUIRE(m);
	CHECK_EQ(hive_map__type(m), BPF_MAP_TYPE_ARRAY_OF_MAPS);
	CHECK_EQ(hive_map__value_size(m), 4);
	CHECK_EQ(hive_map__max_entries(m), 8);
	REQUIRE(hive_map__inner_map(m));
	CHECK_EQ(hive_map__type(hive_map__inner_map(m)), BPF_MAP_TYPE_ARRAY);
	CHECK_EQ(hive_map__max_entries(hive_map__inner_map(m)), 4);
	m = hive_object__find_map_by_name(obj, "outer_hash");
	REQUIRE(m && hive_map__inner_map(m));
	CHECK_EQ(hive_map__type(hive_map__inner_map(m)), BPF_MAP_TYPE_HASH);
	CHECK_EQ(hive_map__value_size(hive_map__inner_map(m)), 8);
	hive_object__close(obj);

	obj = hive_object__open_file(lt_prog_path("map_types"), NULL);
	REQUIRE(obj);
	m = hive_object__find_map_by_name(obj, "bloom");
	REQUIRE(m);
	CHECK_EQ(hive_map__type(m), BPF_MAP_TYPE_BLOOM_FILTER);
	CHECK_EQ(hive_map__key_size(m), 0);
	CHECK_EQ(hive_map__value_size(m), 4);
	m = hive_object__find_map_by_name(obj, "lru_pcpu");
	REQUIRE(m);
	CHECK_EQ(hive_map__key_size(m), 8);
	CHECK_EQ(hive_map__value_size(m), 16);
	CHECK_EQ(hive_map__btf_key_type_id(m), 0);
	hive_object__close(obj);
}

/* Global data sections become array maps with their initial contents. */
TEST(object_global_data_maps)
{
	struct hive_object *obj = hive_object__open_file(lt_prog_path("global_data"), NULL);
	struct hive_map *ro, *data, *bss;
	uint32_t v;
	size_t sz;
	uint8_t *p;

	REQUIRE(obj);
	ro = hive_object__find_map_by_name(obj, ".rodata");
	data = hive_object__find_map_by_name(obj, ".data");
	bss = hive_object__find_map_by_name(obj, ".bss");
	REQUIRE(ro && data && bss);
	CHECK_STR(hive_map__name(ro), "global_d.rodata");
	CHECK(hive_object__find_map_by_name(obj, "global_d.data") == data);
	CHECK_EQ(hive_map__type(ro), BPF_MAP_TYPE_ARRAY);
	CHECK_EQ(hive_map__max_entries(ro), 1);
	CHECK_EQ(hive_map__map_flags(ro), BPF_F_MMAPABLE | BPF_F_RDONLY_PROG);
	CHECK_EQ(hive_map__map_flags(data), BPF_F_MMAPABLE);
	p = hive_map__initial_value(ro, &sz);
	REQUIRE(p);
	CHECK_EQ(sz, hive_map__value_size(ro));
	memcpy(&v, p, 4);
	CHECK_EQ(v, 3); /* cfg_mult, the first .rodata variable */
	p = hive_map__initial_value(data, &sz);
	REQUIRE(p);
	memcpy(&v, p, 4);
	CHECK_EQ(v, 100); /* calls */
	p = hive_map__initial_value(bss, &sz);
	REQUIRE(p);
	CHECK_EQ(p[0], 0);
	/* Settable before prepare, size must match. */
	CHECK_EQ(hive_map__set_initial_value(ro, p, sz), -EINVAL); /* wrong size */
	{
		uint8_t buf[256];

		REQUIRE(hive_map__value_size(ro) <= sizeof(buf));
		memcpy(buf, hive_map__initial_value(ro, NULL), hive_map__value_size(ro));
		v = 5;
		memcpy(buf, &v, 4);
		CHECK_EQ(hive_map__set_initial_value(ro, buf, hive_map__value_size(ro)), 0);
		CHECK_EQ(((uint8_t *)hive_map__initial_value(ro, NULL))[0], 5);
	}
	CHECK_EQ(hive_map__set_value_size(bss, 64), 0);
	CHECK_EQ(hive_map__value_size(bss), 64);
	p = hive_map__initial_value(bss, &sz);
	CHECK_EQ(sz, 64);
	CHECK_EQ(p[63], 0);
	hive_object__close(obj);

	obj = hive_object__open_file(lt_prog_path("global_sections"), NULL);
	REQUIRE(obj);
	CHECK(hive_object__find_map_by_name(obj, ".data.tables") != NULL);
	CHECK(hive_object__find_map_by_name(obj, ".rodata.limits") != NULL);
	CHECK(hive_object__find_map_by_name(obj, ".bss.scratch") != NULL);
	CHECK(hive_object__find_map_by_name(obj, ".rodata") != NULL); /* string literals */
	{
		struct hive_map *t = hive_object__find_map_by_name(obj, ".data.tables");
		uint64_t first, last;

		p = hive_map__initial_value(t, &sz);
		REQUIRE(p && sz == 128 * 8);
		memcpy(&first, p, 8);
		memcpy(&last, p + 127 * 8, 8);
		CHECK_EQ(first, 1);
		CHECK_EQ(last, 127);
		CHECK_STR(hive_map__name(t), ".data.tables");
	}
	hive_object__close(obj);
}

/* The .kconfig externs get their own read-only map. */
TEST(object_kconfig_map)
{
	struct hive_object *obj = hive_object__open_file(lt_prog_path("kconfig"), NULL);
	struct hive_map *m;

	REQUIRE(obj);
	m = hive_object__find_map_by_name(obj, ".kconfig");
	REQUIRE(m);
	CHECK_STR(hive_map__name(m), "kconfig.kconfig");
	CHECK_EQ(hive_map__map_flags(m), BPF_F_MMAPABLE | BPF_F_RDONLY_PROG);
	/* 4+1+4+1+4+16+1+4 bytes of externs, aligned */
	CHECK(hive_map__value_size(m) >= 35);
	hive_object__close(obj);
}

/* Options: sz checked, unknown tail bytes refused, object_name honored. */
TEST(object_open_options)
{
	struct {
		struct hive_object_open_opts o;
		char tail[16];
	} big;
	struct hive_object_open_opts o = { .sz = sizeof(o), .object_name = "renamed.bpf.o" };
	struct hive_object *obj;

	lt_capture_start();
	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	obj = hive_object__open_file(lt_prog_path("xdp_drop"), &big.o);
	CHECK(obj != NULL);
	hive_object__close(obj);
	big.tail[3] = 1;
	CHECK(hive_object__open_file(lt_prog_path("xdp_drop"), &big.o) == NULL);
	CHECK_EQ(errno, EINVAL);
	o.sz = 2;
	CHECK(hive_object__open_file(lt_prog_path("xdp_drop"), &o) == NULL);
	o.sz = sizeof(o);
	obj = hive_object__open_file(lt_prog_path("global_data"), &o);
	REQUIRE(obj);
	CHECK_STR(hive_object__name(obj), "renamed");
	CHECK(hive_object__find_map_by_name(obj, "renamed.rodata") != NULL);
	hive_object__close(obj);
	CHECK(hive_object__open_file("/nonexistent/x.bpf.o", NULL) == NULL);
	CHECK_EQ(errno, ENOENT);
	CHECK(hive_object__open_file("/tmp", NULL) == NULL);
	CHECK(hive_object__open_mem(NULL, 10, NULL) == NULL);
	hive_object__close(NULL);
}

/* open_mem copies the buffer: the caller may free it right away. */
TEST(object_open_mem)
{
	size_t size;
	void *buf = lt_read(lt_prog_path("subprogs"), &size);
	struct hive_object *obj;

	REQUIRE(buf);
	obj = hive_object__open_mem(buf, size, NULL);
	memset(buf, 0xff, size);
	free(buf);
	REQUIRE(obj);
	CHECK(hive_object__find_program_by_name(obj, "subprog_a") != NULL);
	CHECK(hive_object__find_map_by_name(obj, "acc") != NULL);
	hive_object__close(obj);
}

/* A legacy SEC("maps") section is refused with a pointer to .maps. */
TEST(object_legacy_maps_refused)
{
	size_t size;
	uint8_t *buf = lt_read(lt_prog_path("sockex1"), &size);
	struct hive_object *obj;
	int idx;

	REQUIRE(buf);
	/* Rename the section ".maps" to "maps" (its name, one byte later). */
	idx = lt_sec_idx(buf, ".maps");
	REQUIRE(idx > 0);
	lt_shdr(buf, (unsigned)idx)->sh_name++;
	REQUIRE(!strcmp(lt_sec_name(buf, (unsigned)idx), "maps"));
	lt_capture_start();
	obj = hive_object__open_mem(buf, size, NULL);
	CHECK(obj == NULL);
	CHECK_EQ(errno, EOPNOTSUPP);
	CHECK(lt_msg_has("legacy map definitions"));
	CHECK(lt_msg_has("section 'maps'"));
	free(buf);
}

/* The object's BTF is reachable and describes the map types. */
TEST(object_btf_access)
{
	struct hive_object *obj = hive_object__open_file(lt_prog_path("spin_lock"), NULL);
	const struct btf_type *t;
	struct hive_btf *btf;
	struct hive_map *m;
	int id;

	REQUIRE(obj);
	btf = hive_object__btf(obj);
	REQUIRE(btf);
	id = hive_btf__find_by_name_kind(btf, "locked_val", BTF_KIND_STRUCT);
	REQUIRE(id > 0);
	CHECK_EQ(hive_btf__resolve_size(btf, (uint32_t)id), 24);
	m = hive_object__find_map_by_name(obj, "stats");
	REQUIRE(m);
	CHECK_EQ(hive_map__btf_value_type_id(m), (uint32_t)id);
	t = hive_btf__type_by_id(btf, (uint32_t)id);
	REQUIRE(t);
	CHECK_EQ(hive_btf_vlen(t), 3);
	CHECK_STR(hive_btf__name_by_offset(btf, hive_btf_members(t)[0].name_off), "lock");
	hive_object__close(obj);
}

/* docs/loader.md lists every entry of sec_def.h. */
TEST(object_docs_list_every_section)
{
	size_t size;
	char *doc = lt_read(test_path("docs/loader.md"), &size), *d;
	uint32_t i;

	REQUIRE(doc);
	d = realloc(doc, size + 1);
	REQUIRE(d);
	d[size] = 0;
	for (i = 0; i < sec_def_count(); i++) {
		char cell[80];

		snprintf(cell, sizeof(cell), "| `%s` |", sec_def_at(i)->name);
		if (!strstr(d, cell))
			test_fail(__FILE__, __LINE__, "docs/loader.md does not list section '%s'",
				  sec_def_at(i)->name);
	}
	free(d);
}

/* An object built without -g has no BTF: programs without maps still load
 * (no func/line info); BTF-defined maps cannot exist without it. */
TEST(object_without_btf)
{
	char src[600], out[600], cmd[1600];
	struct hive_object *obj;
	struct hive_program *p;
	uint32_t n;

	snprintf(src, sizeof(src), "%s", test_path("tests/progs/xdp_drop.bpf.c"));
	snprintf(out, sizeof(out), "%s", test_build_path("tests/progs/xdp_drop.nobtf.o"));
	snprintf(cmd, sizeof(cmd), "clang -O2 -target bpf -I%s/include -idirafter /usr/include/x86_64-linux-gnu "
		 "-c %s -o %s 2>/dev/null", HIVE_SRC_DIR, src, out);
	if (system(cmd))
		SKIP("clang is not available");
	lt_private_hive_fs();
	obj = hive_object__open_file(out, NULL);
	REQUIRE(obj);
	CHECK(hive_object__btf(obj) == NULL);
	REQUIRE(hive_object__load(obj) == 0);
	p = hive_object__next_program(obj, NULL);
	CHECK(hive_program__fd(p) >= 0);
	CHECK(hive_program__func_info(p, &n) == NULL);
	CHECK_EQ(n, 0);
	hive_object__close(obj);

	snprintf(src, sizeof(src), "%s", test_path("tests/progs/xdp_count.bpf.c"));
	snprintf(out, sizeof(out), "%s", test_build_path("tests/progs/xdp_count.nobtf.o"));
	snprintf(cmd, sizeof(cmd), "clang -O2 -target bpf -I%s/include -idirafter /usr/include/x86_64-linux-gnu "
		 "-c %s -o %s 2>/dev/null", HIVE_SRC_DIR, src, out);
	REQUIRE(system(cmd) == 0);
	lt_capture_start();
	CHECK(hive_object__open_file(out, NULL) == NULL);
	CHECK(lt_msg_has("need the object's BTF (compile with -g)"));
}
