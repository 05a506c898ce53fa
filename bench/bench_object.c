/*
 * bench_object.c - how long a large object takes to open and to load:
 * the ~1 MB object of scripts/gen_big_object.sh (170 kprobe programs with
 * a subprogram each, 16 maps, global data, ~1,900 CO-RE relocations) is
 * opened (ELF, BTF, BTF.ext parsed and checked), then opened and loaded
 * into hive's bpf() (CO-RE against vmlinux BTF, maps created, every
 * program verified and published) and, where bpf() is permitted, into the
 * live kernel through the same loader. Wall time, best of several runs
 * (the machine may be shared); the load average is printed with it.
 *
 *   bench_object OBJ
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hive/hive.h"
#include "hive/hive_object.h"

#define RUNS 5

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int quiet(enum hive_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* Best time of RUNS opens (load = false) or open+load; -errno on failure. */
static int best_of(const char *path, bool load, bool kernel, double *best, int *progs)
{
	struct hive_object_open_opts o = { .sz = sizeof(o), .kernel = kernel };

	*best = 1e12;
	for (int i = 0; i < RUNS; i++) {
		struct hive_program *p = NULL;
		struct hive_object *obj;
		double t0 = now_ms(), t;
		int err = 0;

		obj = hive_object__open_file(path, &o);
		if (!obj)
			return -errno;
		if (load)
			err = hive_object__load(obj);
		t = now_ms() - t0;
		*progs = 0;
		while ((p = hive_object__next_program(obj, p)))
			*progs += hive_program__fd(p) >= 0 || !load;
		hive_object__close(obj);
		if (err)
			return err;
		if (t < *best)
			*best = t;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char fs[] = "/tmp/hive-bench-object-XXXXXX", cmd[64];
	double open_ms, hive_ms, kern_ms, load[3] = { 0 };
	struct stat st;
	int progs = 0, kprogs = 0, err;
	FILE *f;

	if (argc != 2 || stat(argv[1], &st)) {
		fprintf(stderr, "usage: bench_object OBJ (a built object)\n");
		return 2;
	}
	if (!mkdtemp(fs) || setenv("HIVE_FS", fs, 1))
		return 1;
	hive_set_print(quiet);
	if ((f = fopen("/proc/loadavg", "r"))) {
		if (fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
			load[0] = 0;
		fclose(f);
	}
	printf("\nobject loading (%s, %.2f MB; wall time, best of %d; load average %.2f)\n",
	       argv[1], (double)st.st_size / (1 << 20), RUNS, load[0]);
	err = best_of(argv[1], false, false, &open_ms, &progs);
	if (err) {
		printf("  open failed: %s\n", hive_strerror(err));
		return 1;
	}
	printf("  %-42s %8.1f ms  (%d programs)\n", "open (ELF, BTF, BTF.ext)", open_ms, progs);
	err = best_of(argv[1], true, false, &hive_ms, &progs);
	if (err)
		printf("  %-42s failed: %s\n", "open + load into hive", hive_strerror(err));
	else
		printf("  %-42s %8.1f ms  (%d programs loaded)\n", "open + load into hive (verified)",
		       hive_ms, progs);
	err = best_of(argv[1], true, true, &kern_ms, &kprogs);
	if (err)
		printf("  %-42s not measured: %s\n", "open + load into the kernel", hive_strerror(err));
	else
		printf("  %-42s %8.1f ms  (%d programs loaded)\n", "open + load into the kernel (same loader)",
		       kern_ms, kprogs);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fs);
	return system(cmd) ? 1 : 0;
}
