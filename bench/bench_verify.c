/*
 * bench_verify.c - verification time per program: hive's verifier next to
 * the kernel's, both as reported by the verifier itself with the log
 * statistics bit (BPF_LOG_STATS, "verification time N usec").
 *
 *   bench_verify DIR...    every *.bpf.o (each program loaded alone) and
 *                          every *.bin (raw socket_filter programs, or xdp
 *                          for the names listed in $BENCH_VERIFY_XDP)
 *                          under the directories
 *
 * Each program is loaded BENCH_VERIFY_RUNS times (default 5) through hive's
 * BPF_PROG_LOAD and through the kernel's; the best time of each is printed
 * with the processed instruction count, then the totals. Loads that fail
 * print their errno instead. The kernel column needs bpf() (root); without
 * it, "-".
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hive/hive.h"
#include "hive/hive_bpf.h"
#include "hive/hive_object.h"

#define LOG_SIZE (1u << 20)

static char logbuf[LOG_SIZE];

struct timing {
	long long usec;     /* best, -1: failed / not available */
	long long processed;
	int err;
};

/* "verification time N usec" and "processed N insns" of a stats log. */
static void parse(const char *log, long long *usec, long long *processed)
{
	const char *p = strstr(log, "verification time ");

	*usec = p ? strtoll(p + 18, NULL, 10) : -1;
	p = strstr(log, "processed ");
	*processed = p ? strtoll(p + 10, NULL, 10) : -1;
}

static void best(struct timing *t, int err, const char *log)
{
	long long usec, processed;

	t->err = err;
	if (err)
		return;
	parse(log, &usec, &processed);
	if (usec >= 0 && (t->usec < 0 || usec < t->usec))
		t->usec = usec;
	t->processed = processed;
}

static int kernel_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	long r = syscall(SYS_bpf, cmd, attr, size);

	return r < 0 ? -errno : (int)r;
}

/* Program @idx of object @path, alone, on the kernel or hive. */
static int load_obj_prog(const char *path, int idx, int kernel, char *name, size_t nlen)
{
	struct hive_object_open_opts oo = { .sz = sizeof(oo), .kernel = kernel };
	struct hive_program *p, *sel = NULL;
	struct hive_object *obj;
	int i = 0, err;

	obj = hive_object__open_file(path, &oo);
	if (!obj)
		return -ENOENT;
	for (p = hive_object__next_program(obj, NULL); p; p = hive_object__next_program(obj, p), i++) {
		hive_program__set_autoload(p, i == idx);
		if (i == idx)
			sel = p;
	}
	if (!sel) {
		hive_object__close(obj);
		return -ENOENT;
	}
	snprintf(name, nlen, "%s", hive_program__name(sel));
	logbuf[0] = 0;
	hive_program__set_log_buf(sel, logbuf, LOG_SIZE);
	hive_program__set_log_level(sel, 1 | 4);
	err = hive_object__load(obj);
	hive_object__close(obj);
	return err;
}

static int load_raw(const void *insns, size_t len, unsigned type, int kernel)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = type;
	a.insns = (uintptr_t)insns;
	a.insn_cnt = (uint32_t)(len / 8);
	a.license = (uintptr_t)"GPL";
	a.log_buf = (uintptr_t)logbuf;
	a.log_size = LOG_SIZE;
	a.log_level = 1 | 4;
	logbuf[0] = 0;
	if (kernel) {
		fd = kernel_bpf(BPF_PROG_LOAD, &a, sizeof(a));
	} else {
		fd = hive_bpf(BPF_PROG_LOAD, &a, sizeof(a));
		fd = fd < 0 ? -errno : fd;
	}
	if (fd >= 0)
		close(fd);
	return fd < 0 ? fd : 0;
}

static int runs(void)
{
	const char *s = getenv("BENCH_VERIFY_RUNS");
	int n = s ? atoi(s) : 5;

	return n > 0 ? n : 5;
}

static long long tot_hive, tot_kernel;
static int nprogs, nslower, kernel_ok = 1;

static void row(const char *file, const char *name, const struct timing *h, const struct timing *k)
{
	char hs[32], ks[32];

	if (h->err)
		snprintf(hs, sizeof(hs), "err %d", h->err);
	else
		snprintf(hs, sizeof(hs), "%lld", h->usec);
	if (!kernel_ok)
		snprintf(ks, sizeof(ks), "-");
	else if (k->err)
		snprintf(ks, sizeof(ks), "err %d", k->err);
	else
		snprintf(ks, sizeof(ks), "%lld", k->usec);
	printf("%-26s %-22s %8lld %10s %10s\n", file, name, h->processed, hs, ks);
	if (!h->err && !k->err && kernel_ok && h->usec >= 0 && k->usec >= 0) {
		tot_hive += h->usec;
		tot_kernel += k->usec;
		nprogs++;
		nslower += h->usec > k->usec;
	}
}

static void bench_object(const char *dir, const char *file)
{
	char path[PATH_MAX], name[64];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	for (int idx = 0;; idx++) {
		struct timing h = { -1, -1, 0 }, k = { -1, -1, 0 };
		int err = 0;

		for (int r = 0; r < runs(); r++) {
			err = load_obj_prog(path, idx, 0, name, sizeof(name));
			if (err == -ENOENT)
				return;
			best(&h, err, logbuf);
			if (kernel_ok) {
				err = load_obj_prog(path, idx, 1, name, sizeof(name));
				best(&k, err, logbuf);
			}
		}
		row(file, name, &h, &k);
	}
}

static void bench_raw(const char *dir, const char *file)
{
	char path[PATH_MAX], name[64];
	struct timing h = { -1, -1, 0 }, k = { -1, -1, 0 };
	const char *xdp = getenv("BENCH_VERIFY_XDP");
	unsigned type = BPF_PROG_TYPE_SOCKET_FILTER;
	static char insns[1 << 20];
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	snprintf(name, sizeof(name), "%.*s", (int)(strlen(file) - 4), file);
	/* a whole word of $BENCH_VERIFY_XDP */
	for (const char *w = xdp; w && (w = strstr(w, name)); w++)
		if ((w == xdp || w[-1] == ' ') && (!w[strlen(name)] || w[strlen(name)] == ' '))
			type = BPF_PROG_TYPE_XDP;
	f = fopen(path, "rb");
	if (!f)
		return;
	len = fread(insns, 1, sizeof(insns), f);
	fclose(f);
	if (!len || len % 8)
		return;
	for (int r = 0; r < runs(); r++) {
		best(&h, load_raw(insns, len, type, 0), logbuf);
		if (kernel_ok)
			best(&k, load_raw(insns, len, type, 1), logbuf);
	}
	row(file, name, &h, &k);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int main(int argc, char **argv)
{
	static char fs[] = "/tmp/hive-bench-verify-XXXXXX";
	union bpf_attr probe;
	int fd;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR...\n", argv[0]);
		return 2;
	}
	if (mkdtemp(fs))
		setenv("HIVE_FS", fs, 1);
	hive_set_print(NULL);
	memset(&probe, 0, sizeof(probe));
	probe.map_type = BPF_MAP_TYPE_ARRAY;
	probe.key_size = 4;
	probe.value_size = 4;
	probe.max_entries = 1;
	fd = kernel_bpf(BPF_MAP_CREATE, &probe, sizeof(probe));
	if (fd < 0)
		kernel_ok = 0;
	else
		close(fd);
	printf("verification time (usec, best of %d; verifier's own BPF_LOG_STATS figure)\n", runs());
	printf("%-26s %-22s %8s %10s %10s\n", "file", "program", "insns", "hive", "kernel");
	for (int i = 1; i < argc; i++) {
		struct dirent **ents;
		int n = scandir(argv[i], &ents, NULL, by_name);

		for (int j = 0; j < n; j++) {
			const char *e = ents[j]->d_name;
			size_t l = strlen(e);

			if (l > 6 && !strcmp(e + l - 6, ".bpf.o"))
				bench_object(argv[i], e);
			else if (l > 4 && !strcmp(e + l - 4, ".bin"))
				bench_raw(argv[i], e);
			free(ents[j]);
		}
		if (n >= 0)
			free(ents);
	}
	if (nprogs)
		printf("total over %d programs both accepted: hive %lld usec, kernel %lld usec "
		       "(hive slower on %d)\n", nprogs, tot_hive, tot_kernel, nslower);
	return 0;
}
