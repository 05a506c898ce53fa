/*
 * test_object_load.c - preparing and loading objects through a backend:
 * hive's bpf() and, where available, the live kernel's. Relocations,
 * global data, .kconfig, CO-RE against a custom target, map-in-map and
 * program-array slots, pinning, func/line info, error paths.
 *
 * Each case runs its body for hive, then for the kernel when
 * test_kernel_bpf_available(); the expected results are the same.
 */
#include <dirent.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "loader_testutil.h"
#include "hive/hive_btf.h"
#include "isa/isa.h"
#include "util/util.h"

#define XDP_PKT_LEN 64

static uint8_t pkt[256];

static void make_udp_packet(uint8_t *p, size_t len)
{
	memset(p, 0, len);
	/* Ethernet: dst, src, IPv4 */
	memcpy(p, "\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00", 14);
	/* IPv4: v4 ihl 5, len, ttl 64, proto 17, 10.0.0.1 -> 10.0.0.2 */
	memcpy(p + 14, "\x45\x00\x00\x32\x00\x00\x00\x00\x40\x11\x00\x00\x0a\x00\x00\x01\x0a\x00\x00\x02", 20);
	/* UDP: 1234 -> 53 */
	memcpy(p + 34, "\x04\xd2\x00\x35\x00\x1e\x00\x00", 8);
}

/* Backends to run a case on: 0 = hive, 1 = kernel (if usable). */
static int nbackends(void)
{
	return test_kernel_bpf_available() ? 2 : 1;
}

static const char *backend_name(int k)
{
	return k ? "kernel" : "hive";
}

/* Every object prepares in hive: maps created, programs relocated, and
 * the final instructions are structurally valid with map fds in place. */
TEST(load_prepare_all_in_hive)
{
	DIR *d;
	struct dirent *e;
	int nobj = 0;

	lt_private_hive_fs();
	lt_capture_start();
	d = opendir(test_build_path("tests/progs"));
	REQUIRE(d);
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		struct hive_object *obj;
		struct hive_program *p = NULL;
		char path[600], msg[256];
		int err;

		if (n < 6 || strcmp(e->d_name + n - 6, ".bpf.o"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", test_build_path("tests/progs"), e->d_name);
		obj = hive_object__open_file(path, NULL);
		REQUIRE(obj);
		err = hive_object__prepare(obj);
		if (err) {
			test_fail(__FILE__, __LINE__, "%s: prepare: %s\n%s", e->d_name, hive_strerror(err), lt_msgs);
			hive_object__close(obj);
			continue;
		}
		while ((p = hive_object__next_program(obj, p))) {
			const struct hive_insn *insn = hive_program__insns(p);
			size_t cnt = hive_program__insn_cnt(p), i;

			if (isa_check_prog(insn, (uint32_t)cnt, 1u << 20, msg, sizeof(msg)))
				test_fail(__FILE__, __LINE__, "%s: %s: %s", e->d_name, hive_program__name(p), msg);
			for (i = 0; i < cnt; i++) {
				struct hive_map *m = NULL;
				int found = 0;

				if (insn[i].code != (HIVE_LD | HIVE_DW | HIVE_IMM))
					continue;
				if (insn[i].src == HIVE_PSEUDO_MAP_FD || insn[i].src == HIVE_PSEUDO_MAP_VALUE) {
					while ((m = hive_object__next_map(obj, m)))
						found |= hive_map__fd(m) == insn[i].imm;
					if (!found)
						test_fail(__FILE__, __LINE__, "%s: %s: insn %zu: fd %d is no map of the object",
							  e->d_name, hive_program__name(p), i, insn[i].imm);
				}
				i++;
			}
		}
		nobj++;
		hive_object__close(obj);
	}
	closedir(d);
	CHECK(nobj >= 30);
}

/* Objects the live kernel accepts through this loader (kernel backend). */
static const char *const kernel_ok[] = {
	"xdp_drop", "xdp_count", "xdp_swap_mac", "xdp_ipv4_filter", "tc_mark", "tc_port_drop",
	"socket_udp", "sockex1", "global_data", "global_sections", "subprogs", "callbacks",
	"map_in_map", "tail_calls", "kconfig", "core_task", "execsnoop", "opensnoop",
	"kprobe_unlink", "funclatency", "raw_tp_sched", "ksyscall_kill", "map_types",
	"syscall_prog", "spin_lock", "cgroup_skb", "bounded_loop", "perf_sample", "sk_lookup_iter",
	"global_funcs",
};

TEST(load_kernel_accepts)
{
	size_t i;

	if (!test_kernel_bpf_available())
		SKIP("the kernel's bpf() is not available");
	lt_capture_start();
	for (i = 0; i < HIVE_ARRAY_SIZE(kernel_ok); i++) {
		struct hive_object *obj = lt_open(kernel_ok[i], 1);
		struct hive_program *p = NULL;
		int err;

		REQUIRE(obj);
		lt_msgs_len = 0;
		err = hive_object__load(obj);
		if (err)
			test_fail(__FILE__, __LINE__, "%s: %s\n%s", kernel_ok[i], hive_strerror(err), lt_msgs);
		while (!err && (p = hive_object__next_program(obj, p)))
			CHECK(hive_program__fd(p) >= 0);
		hive_object__close(obj);
	}
}

/*
 * Objects hive's PROG_LOAD does not take, and the message that says why.
 * verifier: refused by a verifier limitation; such an object may load, and
 * counts when it does. (core_task, a guarded CO-RE poison call in dead
 * code, loads since the verifier neutralises dead code.)
 */
static const struct {
	const char *obj, *why;
	bool verifier;
} hive_refused[] = {
	/* the host's BTF lacks the fields; the kernel refuses it too (reachable) */
	{ "core_local", "the instruction is reachable", false },
	/* the kernel refuses it too: the poison call is reachable */
	{ "core_unguarded", "cannot be satisfied by the target BTF", false },
	/* programs the kernel refuses (test_verify_logs.c compares the logs) */
	{ "reject_cases", "R0 invalid mem access 'map_value_or_null'", false },
	{ "callbacks_bad", "At callback return the register R0 has smin=2 smax=2 should have been in [0, 1]",
	  false },
	{ "ksyms_kfunc", "calling kernel function is not supported", false },
	/* its custom section needs hive_program__set_type (load_autoload_and_set_type) */
	{ "multi_prog", "names no known program type; call hive_program__set_type()", false },
};

/* Every object of tests/progs loads into hive's bpf(), except the listed
 * ones, which fail with their message: 33 of the 37 load. */
TEST(load_all_in_hive)
{
	DIR *d;
	struct dirent *e;
	int loaded = 0;

	lt_private_hive_fs();
	lt_capture_start();
	d = opendir(test_build_path("tests/progs"));
	REQUIRE(d);
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name), i;
		char name[128];
		struct hive_object *obj;
		struct hive_program *p = NULL;
		int err, listed = -1;

		if (n < 6 || n - 6 >= sizeof(name) || strcmp(e->d_name + n - 6, ".bpf.o"))
			continue;
		memcpy(name, e->d_name, n - 6);
		name[n - 6] = 0;
		for (i = 0; i < HIVE_ARRAY_SIZE(hive_refused); i++)
			if (!strcmp(hive_refused[i].obj, name))
				listed = (int)i;
		obj = lt_open(name, 0);
		REQUIRE(obj);
		lt_msgs_len = 0;
		lt_msgs[0] = 0;
		err = hive_object__load(obj);
		if (!err) {
			while ((p = hive_object__next_program(obj, p)))
				CHECK(hive_program__fd(p) >= 0);
			if (listed >= 0 && !hive_refused[listed].verifier)
				test_fail(__FILE__, __LINE__, "%s: loads into hive but is listed as refused", name);
			loaded++;
		} else if (listed < 0) {
			test_fail(__FILE__, __LINE__, "%s: %s\n%s", name, hive_strerror(err), lt_msgs);
		} else if (!lt_msg_has(hive_refused[listed].why)) {
			test_fail(__FILE__, __LINE__, "%s: refused without \"%s\":\n%s", name,
				  hive_refused[listed].why, lt_msgs);
		}
		hive_object__close(obj);
	}
	closedir(d);
	CHECK(loaded >= 33);
}

/* Global data: initial values (one changed before load), direct value
 * access from the program, .rodata frozen. */
TEST(load_global_data)
{
	int k;

	lt_private_hive_fs();
	lt_capture_start();
	for (k = 0; k < nbackends(); k++) {
		struct hive_object *obj = lt_open("global_data", k);
		struct hive_map *ro, *data;
		struct hive_program *p;
		uint8_t val[256], buf[256];
		uint32_t zero = 0, retval = 0, v, calls;
		uint64_t tot[4];

		REQUIRE(obj);
		ro = hive_object__find_map_by_name(obj, ".rodata");
		data = hive_object__find_map_by_name(obj, ".data");
		REQUIRE(ro && data);
		memcpy(buf, hive_map__initial_value(ro, NULL), hive_map__value_size(ro));
		v = 5; /* cfg_mult */
		memcpy(buf, &v, 4);
		REQUIRE(hive_map__set_initial_value(ro, buf, hive_map__value_size(ro)) == 0);
		REQUIRE(hive_object__load(obj) == 0);
		CHECK_EQ(hive_map__set_initial_value(ro, buf, hive_map__value_size(ro)), -EBUSY);
		p = hive_object__find_program_by_name(obj, "global_rw");
		REQUIRE(p);
		make_udp_packet(pkt, XDP_PKT_LEN);
		REQUIRE(lt_test_run(k, hive_program__fd(p), pkt, XDP_PKT_LEN, NULL, NULL, NULL, 0, &retval) == 0);
		CHECK_EQ(retval, XDP_PASS); /* calls: 100 -> 101, odd */
		REQUIRE(lt_map_lookup(k, hive_map__fd(data), &zero, val) == 0);
		memcpy(&calls, val, 4);
		memcpy(tot, val + 8, sizeof(tot));
		CHECK_EQ(calls, 101);
		CHECK_EQ(tot[0], 1 + 5); /* rx queue 0: totals[0] += cfg_mult */
		CHECK_EQ(tot[1], 2);
		/* .rodata is frozen: user space cannot write it any more. */
		CHECK_EQ(lt_map_update(k, hive_map__fd(ro), &zero, buf), -EPERM);
		p = hive_object__find_program_by_name(obj, "global_ro");
		REQUIRE(lt_test_run(k, hive_program__fd(p), pkt, XDP_PKT_LEN, NULL, NULL, NULL, 0, &retval) == 0);
		CHECK_EQ(retval, XDP_DROP); /* cfg_mult is 5, not 3 */
		hive_object__close(obj);
	}
}

/* .kconfig: host values, option overrides, __weak defaults. */
TEST(load_kconfig_values)
{
	struct hive_object_open_opts o = {
		.sz = sizeof(o),
		.kconfig = "CONFIG_HZ=1000\nCONFIG_HIVE_TEST_VALUE=42\nCONFIG_LOCALVERSION=\"xyz\"\n"
			   "CONFIG_BPF_JIT=m\n",
	};
	unsigned a = 0, b = 0, c = 0;
	struct utsname u;
	int k;

	REQUIRE(uname(&u) == 0 && sscanf(u.release, "%u.%u.%u", &a, &b, &c) >= 2);
	lt_private_hive_fs();
	for (k = 0; k < nbackends(); k++) {
		struct hive_object *obj;
		struct hive_map *bss;
		uint64_t seen[8];
		uint32_t zero = 0, retval;

		o.kernel = k;
		obj = hive_object__open_file(lt_prog_path("kconfig"), &o);
		REQUIRE(obj);
		REQUIRE(hive_object__load(obj) == 0);
		make_udp_packet(pkt, XDP_PKT_LEN);
		REQUIRE(lt_test_run(k, hive_program__fd(hive_object__next_program(obj, NULL)), pkt,
				    XDP_PKT_LEN, NULL, NULL, NULL, 0, &retval) == 0);
		bss = hive_object__find_map_by_name(obj, ".bss");
		REQUIRE(bss && lt_map_lookup(k, hive_map__fd(bss), &zero, seen) == 0);
		CHECK_EQ(seen[0], (a << 16) + (b << 8) + (c > 255 ? 255 : c));
		CHECK_EQ(seen[1], 1);   /* CONFIG_BPF_SYSCALL=y (we run BPF) */
		CHECK_EQ(seen[2], 2);   /* tristate m */
		CHECK(seen[3] == 'y' || seen[3] == 0);
		CHECK_EQ(seen[4], 1000);
		CHECK_EQ(seen[5], 'x');
		CHECK_EQ(seen[6], 0);   /* weak, unknown */
		CHECK_EQ(seen[7], 42);
		hive_object__close(obj);
	}
}

/* A strong CONFIG_ extern with no value fails the load, naming it. */
TEST(load_kconfig_missing_strong)
{
	size_t size;
	uint8_t *buf = lt_read(lt_prog_path("kconfig"), &size);
	struct hive_object_open_opts o = { .sz = sizeof(o), .kconfig = "CONFIG_HZ=100\n" };
	struct hive_object *obj;
	int idx;
	unsigned i, n;

	REQUIRE(buf);
	/* Make the weak CONFIG_HIVE_DOES_NOT_EXIST strong (symbol binding). */
	idx = lt_sec_idx(buf, ".symtab");
	REQUIRE(idx > 0);
	n = (unsigned)(lt_shdr(buf, (unsigned)idx)->sh_size / sizeof(Elf64_Sym));
	for (i = 0; i < n; i++) {
		Elf64_Sym *s = (Elf64_Sym *)(buf + lt_shdr(buf, (unsigned)idx)->sh_offset) + i;
		const char *name = (const char *)buf + lt_shdr(buf, lt_shdr(buf, (unsigned)idx)->sh_link)->sh_offset + s->st_name;

		if (!strcmp(name, "CONFIG_HIVE_DOES_NOT_EXIST"))
			s->st_info = ELF64_ST_INFO(STB_GLOBAL, ELF64_ST_TYPE(s->st_info));
	}
	lt_private_hive_fs();
	lt_capture_start();
	obj = hive_object__open_mem(buf, size, &o);
	REQUIRE(obj);
	CHECK_EQ(hive_object__prepare(obj), -HIVE_ERELOC);
	CHECK(lt_msg_has("CONFIG_HIVE_DOES_NOT_EXIST"));
	CHECK(lt_msg_has("no value"));
	hive_object__close(obj);
	free(buf);
}

/*
 * CO-RE against core_target.bpf.o: the values the relocated program
 * computes. Returns 1 if the backend refused the (guarded, dead) poisoned
 * instruction, which the kernel's verifier prunes.
 */
static int run_core_target(int k)
{
	struct hive_object_open_opts o = { .sz = sizeof(o), .kernel = k };
	struct hive_object *obj;
	struct hive_map *bss, *sample;
	uint64_t out[32];
	uint8_t s[128];
	uint32_t zero = 0, retval = 0;
	uint16_t narrowed = 0xbeef;
	char target[512];
	int local_id;

	snprintf(target, sizeof(target), "%s", lt_prog_path("core_target"));
	o.btf_custom_path = target;
	obj = hive_object__open_file(lt_prog_path("core_local"), &o);
	if (!obj) {
		test_fail(__FILE__, __LINE__, "open failed");
		return 0;
	}
	sample = hive_object__find_map_by_name(obj, ".data.sample");
	if (!sample || hive_map__value_size(sample) > sizeof(s)) {
		test_fail(__FILE__, __LINE__, "no .data.sample");
		hive_object__close(obj);
		return 0;
	}
	memset(s, 0, sizeof(s));
	s[16] = 37 << 2;             /* target 'mode': bits 2..7 of byte 16 */
	memcpy(s + 44, &narrowed, 2); /* target 'narrowed' (u16) at 44 */
	CHECK_EQ(hive_map__set_initial_value(sample, s, hive_map__value_size(sample)), 0);
	lt_capture_start();
	if (hive_object__load(obj)) {
		hive_object__close(obj);
		test_fail(__FILE__, __LINE__, "%s: load failed:\n%s", backend_name(k), lt_msgs);
		return 0;
	}
	make_udp_packet(pkt, XDP_PKT_LEN);
	CHECK_EQ(lt_test_run(k, hive_program__fd(hive_object__next_program(obj, NULL)), pkt,
			     XDP_PKT_LEN, NULL, NULL, NULL, 0, &retval), 0);
	CHECK_EQ(retval, XDP_PASS);
	bss = hive_object__find_map_by_name(obj, ".bss");
	memset(out, 0, sizeof(out));
	CHECK(bss && lt_map_lookup(k, hive_map__fd(bss), &zero, out) == 0);
	CHECK_EQ(out[0], 0);      /* grown: offset */
	CHECK_EQ(out[1], 8);      /* grown: int -> long long */
	CHECK_EQ(out[2], 12);     /* flags: inside an anonymous union */
	CHECK_EQ(out[3], 28);     /* &arr[2] */
	CHECK_EQ(out[4], 0);      /* only_local is gone */
	CHECK_EQ(out[5], 1);      /* tag exists */
	CHECK_EQ(out[6], 52);     /* inner.y */
	CHECK_EQ(out[7], 1);      /* sign_flip became signed */
	CHECK_EQ(out[8], 0);      /* struct hive_core_missing */
	CHECK_EQ(out[9], 64);     /* sizeof(struct hive_core_s) in the target */
	CHECK_EQ(out[10], 0);     /* HC_LOCAL_ONLY does not exist */
	CHECK_EQ(out[11], 20);    /* HC_RUNNING renumbered */
	CHECK_EQ(out[12], 12);    /* ___flavor matches hive_core_s */
	CHECK_EQ(out[13], 2);     /* narrowed: u32 -> u16 */
	CHECK_EQ(out[14], 1);
	CHECK_EQ(out[15], 37);    /* bitfield read with the target's shifts */
	CHECK_EQ(out[16], 24);    /* arr[6] */
	CHECK_EQ(out[17], 1);     /* hive_core_same exists */
	CHECK_EQ(out[21], 1);     /* hive_core_diff exists (a different shape) */
	CHECK_EQ(out[18], 0xdead); /* guarded: the poisoned read is dead code */
	CHECK_EQ(out[19], 0xbeef); /* load narrowed to 2 bytes */
	local_id = hive_btf__find_by_name_kind(hive_object__btf(obj), "hive_core_s", BTF_KIND_STRUCT);
	CHECK_EQ(out[20], local_id);
	hive_object__close(obj);
	return 0;
}

TEST(load_core_custom_target_kernel)
{
	if (!test_kernel_bpf_available())
		SKIP("the kernel's bpf() is not available");
	run_core_target(1);
}

TEST(load_core_custom_target_hive)
{
	lt_private_hive_fs();
	/* the verifier neutralises the guarded poison call in dead code */
	run_core_target(0);
}

/* Turn every TYPE_EXISTS record of @buf's .BTF.ext into TYPE_MATCHES. */
static int exists_to_matches(uint8_t *buf)
{
	int idx = lt_sec_idx(buf, ".BTF.ext");
	uint32_t hdr_len, off, len, rec, n = 0;
	uint8_t *ext, *p, *end;

	if (idx < 0)
		return 0;
	ext = buf + lt_shdr(buf, (unsigned)idx)->sh_offset;
	memcpy(&hdr_len, ext + 4, 4);
	memcpy(&off, ext + 24, 4);
	memcpy(&len, ext + 28, 4);
	p = ext + hdr_len + off;
	end = p + len;
	memcpy(&rec, p, 4);
	for (p += 4; p < end;) {
		uint32_t num, i, kind;

		memcpy(&num, p + 4, 4);
		for (i = 0; i < num; i++) {
			uint8_t *r = p + 8 + i * rec;

			memcpy(&kind, r + 12, 4);
			if (kind == 8) {
				kind = 12;
				memcpy(r + 12, &kind, 4);
				n++;
			}
		}
		p += 8 + num * rec;
	}
	return (int)n;
}

/* bpf_core_type_matches (clang 14 cannot emit it: records rewritten). */
TEST(load_core_type_matches)
{
	struct hive_object_open_opts o = { .sz = sizeof(o), .kernel = true };
	size_t size;
	uint8_t *buf = lt_read(lt_prog_path("core_local"), &size);
	char target[512];
	struct hive_object *obj;
	uint64_t out[32];
	uint32_t zero = 0, retval;

	REQUIRE(buf);
	REQUIRE(exists_to_matches(buf) == 4);
	if (!test_kernel_bpf_available())
		SKIP("the kernel's bpf() is not available (hive refuses the dead poisoned call)");
	snprintf(target, sizeof(target), "%s", lt_prog_path("core_target"));
	o.btf_custom_path = target;
	obj = hive_object__open_mem(buf, size, &o);
	REQUIRE(obj);
	lt_capture_start();
	if (hive_object__load(obj)) {
		test_fail(__FILE__, __LINE__, "%s", lt_msgs);
		hive_object__close(obj);
		free(buf);
		return;
	}
	make_udp_packet(pkt, XDP_PKT_LEN);
	CHECK_EQ(lt_test_run(1, hive_program__fd(hive_object__next_program(obj, NULL)), pkt,
			     XDP_PKT_LEN, NULL, NULL, NULL, 0, &retval), 0);
	CHECK_EQ(lt_map_lookup(1, hive_map__fd(hive_object__find_map_by_name(obj, ".bss")), &zero, out), 0);
	CHECK_EQ(out[8], 0);   /* hive_core_missing: no candidate */
	CHECK_EQ(out[14], 0);  /* hive_core_s: 'grown' is int here, long long there */
	CHECK_EQ(out[17], 1);  /* hive_core_same */
	CHECK_EQ(out[21], 0);  /* hive_core_diff: int vs long */
	hive_object__close(obj);
	free(buf);
}

/* An unguarded access to a missing field: poisoned, rejected, named. */
TEST(load_core_unguarded_named)
{
	int k;

	lt_private_hive_fs();
	for (k = 0; k < nbackends(); k++) {
		struct hive_object *obj = lt_open("core_unguarded", k);

		REQUIRE(obj);
		lt_capture_start();
		CHECK(hive_object__load(obj) < 0);
		CHECK(lt_msg_has("prog 'read_gone_field'"));
		hive_object__close(obj);
		if (!k)
			continue; /* hive refuses bpf_get_current_task first */
		/* The kernel's verifier names the instruction; we name the relocation. */
		CHECK(lt_msg_has("insn #1: CO-RE relocation byte_off"));
		CHECK(lt_msg_has("hive_removed_field"));
	}
}

/* .ksyms: kfunc calls and typed variables by vmlinux BTF id, weak ones 0. */
TEST(load_ksyms_relocations)
{
	struct hive_btf *vmlinux;
	struct hive_object *obj;
	const struct hive_insn *in;
	struct hive_program *p;
	int kfunc, var, k, seen = 0;
	size_t i, n;

	if (access("/sys/kernel/btf/vmlinux", R_OK))
		SKIP("no /sys/kernel/btf/vmlinux");
	vmlinux = hive_btf__load_vmlinux();
	REQUIRE(vmlinux);
	kfunc = hive_btf__find_by_name_kind(vmlinux, "bpf_dynptr_from_skb", BTF_KIND_FUNC);
	var = hive_btf__find_by_name_kind(vmlinux, "bpf_prog_active", BTF_KIND_VAR);
	hive_btf__free(vmlinux);
	REQUIRE(kfunc > 0 && var > 0);
	lt_private_hive_fs();
	obj = lt_open("ksyms_kfunc", 0);
	REQUIRE(obj);
	REQUIRE(hive_object__prepare(obj) == 0);
	p = hive_object__find_program_by_name(obj, "use_kfunc");
	in = hive_program__insns(p);
	n = hive_program__insn_cnt(p);
	for (i = 0; i < n; i++) {
		if (in[i].code == (HIVE_JMP | HIVE_CALL) && in[i].src == HIVE_PSEUDO_KFUNC_CALL) {
			/* the resolved kfunc, or 0 for the weak missing one */
			CHECK(in[i].imm == kfunc || in[i].imm == 0);
			seen |= in[i].imm == kfunc ? 1 : 2;
		}
		if (in[i].code == (HIVE_LD | HIVE_DW | HIVE_IMM)) {
			if (!in[i].src && !in[i].imm && !in[i + 1].imm)
				seen |= 4; /* a weak extern's address: 0 */
			i++;
		}
	}
	CHECK_EQ(seen, 7);
	p = hive_object__find_program_by_name(obj, "use_ksym_var");
	in = hive_program__insns(p);
	CHECK_EQ(in[0].code, HIVE_LD | HIVE_DW | HIVE_IMM);
	CHECK_EQ(in[0].src, HIVE_PSEUDO_BTF_ID);
	CHECK_EQ(in[0].imm, var);
	hive_object__close(obj);
	if (!test_kernel_bpf_available())
		return;
	/* The kernel runs the kfunc program; the variable needs KALLSYMS_ALL. */
	obj = lt_open("ksyms_kfunc", 1);
	REQUIRE(obj);
	hive_program__set_autoload(hive_object__find_program_by_name(obj, "use_ksym_var"), false);
	lt_capture_start();
	k = hive_object__load(obj);
	if (k)
		test_fail(__FILE__, __LINE__, "%s", lt_msgs);
	CHECK(hive_object__btf_fd(obj) >= 0); /* kfunc declarations sanitized */
	hive_object__close(obj);
}

/* Map-in-map slots hold the inner maps declared in the initializer. */
TEST(load_map_in_map_slots)
{
	int k;

	lt_private_hive_fs();
	for (k = 0; k < nbackends(); k++) {
		struct hive_object *obj = lt_open("map_in_map", k);
		struct hive_map *outer, *ib;
		struct bpf_map_info info;
		uint32_t key = 3, id = 0, retval, len = sizeof(info);
		union bpf_attr a;

		REQUIRE(obj);
		REQUIRE(hive_object__load(obj) == 0);
		outer = hive_object__find_map_by_name(obj, "outer_arr");
		ib = hive_object__find_map_by_name(obj, "inner_b");
		REQUIRE(lt_map_lookup(k, hive_map__fd(outer), &key, &id) == 0);
		memset(&info, 0, sizeof(info));
		memset(&a, 0, sizeof(a));
		a.info.bpf_fd = (uint32_t)hive_map__fd(ib);
		a.info.info_len = len;
		a.info.info = (uintptr_t)&info;
		REQUIRE(lt_bpf(k, BPF_OBJ_GET_INFO_BY_FD, &a) == 0);
		CHECK_EQ(id, info.id);
		key = 1;
		CHECK_EQ(lt_map_lookup(k, hive_map__fd(outer), &key, &id), -ENOENT);
		make_udp_packet(pkt, XDP_PKT_LEN);
		REQUIRE(lt_test_run(k, hive_program__fd(hive_object__next_program(obj, NULL)), pkt,
				    XDP_PKT_LEN, NULL, NULL, NULL, 0, &retval) == 0);
		CHECK_EQ(retval, XDP_PASS); /* inner_b[0]++ worked, outer_hash is empty */
		key = 0;
		REQUIRE(lt_map_lookup(k, hive_map__fd(ib), &key, &id) == 0);
		CHECK_EQ(id, 1);
		hive_object__close(obj);
	}
}

/* Program-array slots are filled after the programs load: tail calls work. */
TEST(load_tail_call_slots)
{
	int k;

	lt_private_hive_fs();
	for (k = 0; k < nbackends(); k++) {
		struct hive_object *obj = lt_open("tail_calls", k);
		struct hive_program *d;
		uint32_t retval;

		REQUIRE(obj);
		REQUIRE(hive_object__load(obj) == 0);
		d = hive_object__find_program_by_name(obj, "dispatch");
		make_udp_packet(pkt, 200);
		REQUIRE(lt_test_run(k, hive_program__fd(d), pkt, 60, NULL, NULL, NULL, 0, &retval) == 0);
		CHECK_EQ(retval, XDP_PASS);  /* stage_small */
		REQUIRE(lt_test_run(k, hive_program__fd(d), pkt, 200, NULL, NULL, NULL, 0, &retval) == 0);
		CHECK_EQ(retval, XDP_DROP);  /* stage_large */
		hive_object__close(obj);
	}
}

static int map_id(int k, int fd)
{
	struct bpf_map_info info;
	union bpf_attr a;

	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = sizeof(info);
	a.info.info = (uintptr_t)&info;
	return lt_bpf(k, BPF_OBJ_GET_INFO_BY_FD, &a) ? -1 : (int)info.id;
}

/* LIBBPF_PIN_BY_NAME: pinned at the first load, reused by the next,
 * refused when incompatible. */
TEST(load_pinning)
{
	char kdir[] = "/tmp/hive-bpffs-XXXXXX";
	int k, mounted = 0;

	lt_private_hive_fs();
	if (test_kernel_bpf_available() && mkdtemp(kdir))
		mounted = mount("bpf", kdir, "bpf", 0, NULL) == 0;
	for (k = 0; k < nbackends(); k++) {
		struct hive_object_open_opts o = { .sz = sizeof(o), .kernel = k };
		struct hive_object *a, *b, *c;
		struct hive_map *ma, *mb, *mc;
		char root[256];

		if (k && !mounted)
			break;
		snprintf(root, sizeof(root), "%s/pins", k ? kdir : getenv("HIVE_FS"));
		if (!k)
			mkdir(root, 0700);
		else
			mkdir(root, 0700);
		o.pin_root_path = root;
		a = hive_object__open_file(lt_prog_path("pinned_maps"), &o);
		b = hive_object__open_file(lt_prog_path("pinned_maps"), &o);
		c = hive_object__open_file(lt_prog_path("pinned_maps"), &o);
		REQUIRE(a && b && c);
		ma = hive_object__find_map_by_name(a, "hive_pinned_counts");
		mb = hive_object__find_map_by_name(b, "hive_pinned_counts");
		mc = hive_object__find_map_by_name(c, "hive_pinned_counts");
		CHECK(strstr(hive_map__pin_path(ma), "/pins/hive_pinned_counts") != NULL);
		REQUIRE(hive_object__load(a) == 0);
		CHECK(hive_map__is_pinned(ma));
		CHECK(access(hive_map__pin_path(ma), F_OK) == 0);
		REQUIRE(hive_object__load(b) == 0);
		CHECK(hive_map__is_pinned(mb));
		CHECK_EQ(map_id(k, hive_map__fd(ma)), map_id(k, hive_map__fd(mb)));
		CHECK(map_id(k, hive_map__fd(hive_object__find_map_by_name(a, "private_counts"))) !=
		      map_id(k, hive_map__fd(hive_object__find_map_by_name(b, "private_counts"))));
		/* Incompatible: the pinned map has 128 entries. */
		REQUIRE(hive_map__set_max_entries(mc, 256) == 0);
		lt_capture_start();
		CHECK(hive_object__load(c) < 0);
		CHECK(lt_msg_has("incompatible"));
		hive_object__close(c);
		hive_object__close(b);
		hive_object__close(a);
		/* Closing does not unpin. */
		CHECK(access(root, F_OK) == 0);
		{
			char p[300];

			snprintf(p, sizeof(p), "%s/hive_pinned_counts", root);
			CHECK(access(p, F_OK) == 0);
			unlink(p);
		}
		rmdir(root);
	}
	if (mounted)
		umount(kdir);
	rmdir(kdir);
}

/* hive_object__pin_maps / __unpin_maps. */
TEST(load_pin_maps_api)
{
	const char *fs = lt_private_hive_fs();
	struct hive_object *obj = lt_open("subprogs", 0);
	char dir[300], p[400];

	REQUIRE(fs && obj);
	snprintf(dir, sizeof(dir), "%s/all", fs);
	mkdir(dir, 0700);
	CHECK_EQ(hive_object__pin_maps(obj, dir), -ENOENT); /* not prepared yet */
	REQUIRE(hive_object__prepare(obj) == 0);
	REQUIRE(hive_object__pin_maps(obj, dir) == 0);
	snprintf(p, sizeof(p), "%s/acc", dir);
	CHECK(access(p, F_OK) == 0);
	snprintf(p, sizeof(p), "%s/subprogs_bss", dir); /* periods replaced, as libbpf */
	CHECK(access(p, F_OK) == 0);
	CHECK_EQ(hive_object__unpin_maps(obj, dir), 0);
	CHECK(access(p, F_OK) != 0);
	hive_object__close(obj);
}

/* Autoload off skips a program (its section has no type); set_type fixes it. */
TEST(load_autoload_and_set_type)
{
	int k;

	lt_private_hive_fs();
	for (k = 0; k < nbackends(); k++) {
		struct hive_object *obj = lt_open("multi_prog", k);
		struct hive_program *u;

		REQUIRE(obj);
		u = hive_object__find_program_by_name(obj, "untyped");
		lt_capture_start();
		REQUIRE(hive_program__set_autoload(u, false) == 0);
		REQUIRE(hive_object__load(obj) == 0);
		CHECK_EQ(hive_program__fd(u), -1);
		CHECK_EQ(errno, ENOENT);
		CHECK(hive_program__fd(hive_object__find_program_by_name(obj, "a_socket")) >= 0);
		CHECK_EQ(hive_program__set_autoload(u, true), -EBUSY);
		CHECK_EQ(hive_object__load(obj), -EBUSY);
		hive_object__close(obj);

		obj = lt_open("multi_prog", k);
		u = hive_object__find_program_by_name(obj, "untyped");
		CHECK(hive_object__load(obj) < 0);
		CHECK(lt_msg_has("names no known program type"));
		hive_object__close(obj);

		obj = lt_open("multi_prog", k);
		u = hive_object__find_program_by_name(obj, "untyped");
		REQUIRE(hive_program__set_type(u, BPF_PROG_TYPE_SOCKET_FILTER) == 0);
		CHECK_EQ(hive_object__load(obj), 0);
		CHECK(hive_program__fd(u) >= 0);
		hive_object__close(obj);
	}
}

/* Linking appends each called .text function once; func_info and
 * line_info follow, and the kernel agrees on their counts. */
TEST(load_subprogs_func_line_info)
{
	int k;

	lt_private_hive_fs();
	for (k = 0; k < nbackends(); k++) {
		struct hive_object *obj = lt_open("subprogs", k);
		struct hive_program *a;
		const struct bpf_func_info *fi;
		const struct bpf_line_info *li;
		struct hive_btf *btf;
		uint32_t nfi, nli, i, own;

		REQUIRE(obj);
		a = hive_object__find_program_by_name(obj, "subprog_a");
		own = (uint32_t)hive_program__insn_cnt(a);
		REQUIRE(hive_object__prepare(obj) == 0);
		CHECK(hive_program__insn_cnt(a) > own);
		fi = hive_program__func_info(a, &nfi);
		li = hive_program__line_info(a, &nli);
		btf = hive_object__btf(obj);
		REQUIRE(fi && li);
		/* subprog_a, sum_squares, square, add_to_slot, leaf_global */
		CHECK_EQ(nfi, 5);
		CHECK_EQ(fi[0].insn_off, 0);
		for (i = 1; i < nfi; i++)
			CHECK(fi[i].insn_off > fi[i - 1].insn_off);
		CHECK_STR(hive_btf__name_by_offset(btf, hive_btf__type_by_id(btf, fi[0].type_id)->name_off),
			  "subprog_a");
		CHECK(nli > nfi);
		for (i = 0; i < nli; i++) {
			const char *f = hive_btf__name_by_offset(btf, li[i].file_name_off);

			CHECK(f && strstr(f, "subprogs.bpf.c"));
			CHECK(li[i].insn_off < hive_program__insn_cnt(a));
		}
		REQUIRE(hive_object__load(obj) == 0);
		if (k) {
			struct bpf_prog_info info;
			union bpf_attr at;

			CHECK(hive_object__btf_fd(obj) >= 0);
			memset(&info, 0, sizeof(info));
			memset(&at, 0, sizeof(at));
			at.info.bpf_fd = (uint32_t)hive_program__fd(a);
			at.info.info_len = sizeof(info);
			at.info.info = (uintptr_t)&info;
			REQUIRE(lt_bpf(1, BPF_OBJ_GET_INFO_BY_FD, &at) == 0);
			CHECK_EQ(info.nr_func_info, nfi);
			CHECK_EQ(info.nr_line_info, nli);
			CHECK(info.btf_id > 0);
		}
		hive_object__close(obj);
	}
}

/* Callbacks: lddw BPF_PSEUDO_FUNC pointing at the start of the callback. */
TEST(load_callback_relocation)
{
	struct hive_object *obj;
	const struct hive_insn *insn;
	struct hive_program *p;
	size_t i, cnt;
	const struct bpf_func_info *fi;
	uint32_t nfi, j;
	int found = 0;

	lt_private_hive_fs();
	obj = lt_open("callbacks", 0);
	REQUIRE(obj);
	REQUIRE(hive_object__prepare(obj) == 0);
	p = hive_object__next_program(obj, NULL);
	insn = hive_program__insns(p);
	cnt = hive_program__insn_cnt(p);
	fi = hive_program__func_info(p, &nfi);
	REQUIRE(fi && nfi == 3);
	for (i = 0; i + 1 < cnt; i++) {
		if (insn[i].code != (HIVE_LD | HIVE_DW | HIVE_IMM))
			continue;
		if (insn[i].src == HIVE_PSEUDO_FUNC) {
			int64_t t = (int64_t)i + insn[i].imm + 1;
			int start = 0;

			for (j = 1; j < nfi; j++)
				start |= fi[j].insn_off == t;
			CHECK(start);
			found++;
		}
		i++;
	}
	CHECK_EQ(found, 2);
	hive_object__close(obj);
}

/* Setters take effect; after prepare they are refused. */
TEST(load_setters_apply)
{
	int k;

	lt_private_hive_fs();
	for (k = 0; k < nbackends(); k++) {
		struct hive_object *obj = lt_open("xdp_count", k);
		struct hive_map *m;
		struct bpf_map_info info;
		union bpf_attr a;

		REQUIRE(obj);
		m = hive_object__find_map_by_name(obj, "rxcnt");
		REQUIRE(hive_map__set_max_entries(m, 512) == 0);
		REQUIRE(hive_object__prepare(obj) == 0);
		CHECK_EQ(hive_object__prepare(obj), 0); /* idempotent */
		CHECK_EQ(hive_map__set_max_entries(m, 8), -EBUSY);
		CHECK_EQ(hive_map__set_value_size(m, 8), -EBUSY);
		memset(&info, 0, sizeof(info));
		memset(&a, 0, sizeof(a));
		a.info.bpf_fd = (uint32_t)hive_map__fd(m);
		a.info.info_len = sizeof(info);
		a.info.info = (uintptr_t)&info;
		REQUIRE(lt_bpf(k, BPF_OBJ_GET_INFO_BY_FD, &a) == 0);
		CHECK_EQ(info.max_entries, 512);
		CHECK_STR(info.name, "rxcnt");
		REQUIRE(hive_object__load(obj) == 0);
		hive_object__close(obj);
	}
}

/* hive_map__reuse_fd: the program uses a map made outside the object. */
TEST(load_map_reuse_fd)
{
	int k;

	lt_private_hive_fs();
	for (k = 0; k < nbackends(); k++) {
		struct hive_object *obj = lt_open("subprogs", k);
		struct hive_map *acc;
		union bpf_attr a;
		uint32_t one = 1, retval;
		uint64_t v = 0;
		int fd;

		REQUIRE(obj);
		memset(&a, 0, sizeof(a));
		a.map_type = BPF_MAP_TYPE_ARRAY;
		a.key_size = 4;
		a.value_size = 8;
		a.max_entries = 8;
		memcpy(a.map_name, "outside", 8);
		fd = lt_bpf(k, BPF_MAP_CREATE, &a);
		REQUIRE(fd >= 0);
		acc = hive_object__find_map_by_name(obj, "acc");
		REQUIRE(hive_map__reuse_fd(acc, fd) == 0);
		CHECK(hive_map__fd(acc) >= 0 && hive_map__fd(acc) != fd);
		REQUIRE(hive_object__load(obj) == 0);
		CHECK_EQ(map_id(k, hive_map__fd(acc)), map_id(k, fd));
		make_udp_packet(pkt, XDP_PKT_LEN);
		REQUIRE(lt_test_run(k, hive_program__fd(hive_object__find_program_by_name(obj, "subprog_b")),
				    pkt, XDP_PKT_LEN, NULL, NULL, NULL, 0, &retval) == 0);
		hive_object__close(obj);
		/* The caller's fd outlives the object and saw the update. */
		one = 2;
		REQUIRE(lt_map_lookup(k, fd, &one, &v) == 0);
		CHECK_EQ(v, 9); /* subprog_b: add_to_slot(2, square(3)) */
		close(fd);
	}
}

/* hive_prog_type_by_name: the section table, for tools. */
TEST(load_prog_type_by_name)
{
	enum bpf_prog_type t;
	enum bpf_attach_type a;

	CHECK_EQ(hive_prog_type_by_name("xdp", &t, &a), 0);
	CHECK_EQ(t, BPF_PROG_TYPE_XDP);
	CHECK_EQ(a, BPF_XDP);
	CHECK_EQ(hive_prog_type_by_name("kprobe/do_unlinkat", &t, &a), 0);
	CHECK_EQ(t, BPF_PROG_TYPE_KPROBE);
	CHECK_EQ(hive_prog_type_by_name("nope", &t, &a), -ESRCH);
	CHECK_EQ(hive_prog_type_by_name(NULL, &t, &a), -EINVAL);
}

/* A backend that counts fds and fails the Nth MAP_CREATE: no leaks. */
static int live_fds, create_calls, fail_at;
static bool retry_without_btf;

static int counting_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	int r;

	/* the loader retries a map without BTF (as libbpf): that fails too */
	if (cmd == BPF_MAP_CREATE && (++create_calls == fail_at || (create_calls == fail_at + 1 &&
								     !attr->btf_value_type_id &&
								     retry_without_btf))) {
		retry_without_btf = create_calls == fail_at && attr->btf_value_type_id;
		errno = ENOMEM;
		return -1;
	}
	r = hive_bpf(cmd, attr, size);
	if (r >= 0 && (cmd == BPF_MAP_CREATE || cmd == BPF_PROG_LOAD || cmd == BPF_BTF_LOAD ||
		       cmd == BPF_OBJ_GET))
		live_fds++;
	return r;
}

static int counting_close(int fd)
{
	live_fds--;
	return close(fd);
}

TEST(load_custom_backend_no_leaks)
{
	struct hive_object_open_opts o = { .sz = sizeof(o), .bpf = counting_bpf, .close = counting_close };
	struct hive_object *obj;
	int n;

	lt_private_hive_fs();
	lt_capture_start();
	for (n = 1; n <= 6; n++) {
		live_fds = create_calls = 0;
		fail_at = n;
		obj = hive_object__open_file(lt_prog_path("map_in_map"), &o);
		REQUIRE(obj);
		CHECK_EQ(hive_object__load(obj), -ENOMEM);
		CHECK_EQ(live_fds, 0);
		CHECK(lt_msg_has("create failed"));
		hive_object__close(obj);
		CHECK_EQ(live_fds, 0);
	}
	live_fds = create_calls = 0;
	fail_at = 0;
	obj = hive_object__open_file(lt_prog_path("map_in_map"), &o);
	REQUIRE(obj);
	CHECK_EQ(hive_object__load(obj), 0);
	CHECK(live_fds >= 5);
	hive_object__close(obj);
	CHECK_EQ(live_fds, 0);
}
