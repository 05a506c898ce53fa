/*
 * test_object_perf.c - how long opening and relocating a large object
 * takes. The object (~1 MB: 170 kprobe programs, 170 subprograms, 16 maps,
 * global data, ~1,900 CO-RE relocations against vmlinux) is generated and
 * compiled with clang once into the build directory.
 *
 * Prepare runs through a backend that only hands out descriptor numbers,
 * so the time is the loader's own: ELF/BTF/BTF.ext parsing and checks,
 * vmlinux BTF parsing, CO-RE resolution, linking and data relocation.
 */
#include <sys/stat.h>
#include <time.h>

#include "loader_testutil.h"
#include "hive/hive_btf.h"

#define BIG_PROGS 170

static int big_fd = 1000;

static int numbers_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	(void)attr;
	(void)size;
	if (cmd == BPF_MAP_CREATE || cmd == BPF_PROG_LOAD)
		return big_fd++;
	if (cmd == BPF_MAP_UPDATE_ELEM || cmd == BPF_MAP_FREEZE)
		return 0;
	errno = EINVAL;
	return -1;
}

static int numbers_close(int fd)
{
	(void)fd;
	return 0;
}

static int write_source(const char *path)
{
	FILE *f = fopen(path, "w");
	int i;

	if (!f)
		return -1;
	fprintf(f, "#include \"vmlinux.h\"\n#include <bpf/bpf_helpers.h>\n"
		   "#include <bpf/bpf_tracing.h>\n#include <bpf/bpf_core_read.h>\n");
	for (i = 0; i < 16; i++)
		fprintf(f, "struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 1024); "
			   "__type(key, u32); __type(value, u64); } counts_%d SEC(\".maps\");\n", i);
	fprintf(f, "u64 glob[%d];\nconst volatile u64 cfg[64] = { 1 };\n", BIG_PROGS);
	for (i = 0; i < BIG_PROGS; i++)
		fprintf(f,
			"static __noinline u64 helper_%d(u32 x, struct task_struct *t)\n{\n"
			"\treturn x * %d + BPF_CORE_READ(t, tgid) +\n"
			"\t       (bpf_core_field_exists(t->pid) ? BPF_CORE_READ(t, flags) : 0);\n}\n"
			"SEC(\"kprobe/do_nanosleep\")\nint BPF_KPROBE(prog_%d)\n{\n"
			"\tstruct task_struct *t = (void *)bpf_get_current_task();\n"
			"\tu32 k = %d + BPF_CORE_READ(t, pid);\n"
			"\tu64 *v = bpf_map_lookup_elem(&counts_%d, &k);\n\n"
			"\tif (v)\n\t\t*v += helper_%d(k, t) + cfg[%d];\n"
			"\tglob[%d] += BPF_CORE_READ(t, real_parent, tgid) + BPF_CORE_READ(t, mm, total_vm);\n"
			"\treturn 0;\n}\n",
			i, i + 1, i, i, i % 16, i, i % 64, i);
	fprintf(f, "char LICENSE[] SEC(\"license\") = \"GPL\";\n");
	return fclose(f);
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

TEST(object_perf_1mb)
{
	struct hive_object_open_opts o = { .sz = sizeof(o), .bpf = numbers_bpf, .close = numbers_close };
	char src[600], obj_path[600], cmd[2400];
	double open_ms = 1e9, prep_ms = 1e9, btf_ms = 1e9;
	struct stat st;
	int i, progs = 0;

	if (access("/sys/kernel/btf/vmlinux", R_OK))
		SKIP("no /sys/kernel/btf/vmlinux (the object does CO-RE against it)");
	snprintf(src, sizeof(src), "%s", test_build_path("tests/perf/big.bpf.c"));
	snprintf(obj_path, sizeof(obj_path), "%s", test_build_path("tests/perf/big.bpf.o"));
	if (stat(obj_path, &st)) {
		mkdir(test_build_path("tests/perf"), 0755);
		REQUIRE(write_source(src) == 0);
		snprintf(cmd, sizeof(cmd),
			 "clang -O2 -g -target bpf -D__TARGET_ARCH_x86 -I%s -I%s/include "
			 "-idirafter /usr/include/x86_64-linux-gnu -c %s -o %s 2>/dev/null",
			 test_build_path("tests/progs"), HIVE_SRC_DIR, src, obj_path);
		if (system(cmd) || stat(obj_path, &st))
			SKIP("clang could not build the generated object");
	}
	lt_capture_start();
	/* Best of three: the machine is shared. */
	for (i = 0; i < 3; i++) {
		struct timespec t0;
		struct hive_object *obj;
		struct hive_program *p = NULL;
		double t;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		obj = hive_object__open_file(obj_path, &o);
		t = ms_since(&t0);
		REQUIRE(obj);
		open_ms = t < open_ms ? t : open_ms;
		REQUIRE(hive_object__prepare(obj) == 0);
		t = ms_since(&t0);
		prep_ms = t < prep_ms ? t : prep_ms;
		progs = 0;
		while ((p = hive_object__next_program(obj, p)))
			progs++;
		hive_object__close(obj);
		/* The target BTF's share of prepare. */
		clock_gettime(CLOCK_MONOTONIC, &t0);
		hive_btf__free(hive_btf__load_vmlinux());
		t = ms_since(&t0);
		btf_ms = t < btf_ms ? t : btf_ms;
	}
	CHECK_EQ(progs, BIG_PROGS);
	CHECK(st.st_size > 900 * 1024);
	printf("%.2f MB object, %d programs: open %.1f ms, open+relocate %.1f ms "
	       "(of which parsing vmlinux BTF %.1f ms)\n",
	       (double)st.st_size / (1 << 20), progs, open_ms, prep_ms, btf_ms);
	/* Generous bounds: a regression by an order of magnitude fails. */
	CHECK(open_ms < 1000);
	CHECK(prep_ms < 5000);
}
