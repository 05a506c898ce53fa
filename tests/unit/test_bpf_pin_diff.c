/*
 * test_bpf_pin_diff.c - OBJ_PIN / OBJ_GET errors on hive's filesystem next
 * to the kernel's bpffs (mounted for the test on a temporary directory):
 * same errno for pins outside, existing paths, missing directories,
 * non-object files, access flags.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness.h"
#include "hive/hive_bpf.h"

typedef long (*bpf_fn)(int cmd, union bpf_attr *attr, unsigned size);

static long kbpf(int cmd, union bpf_attr *attr, unsigned size)
{
	return syscall(SYS_bpf, cmd, attr, size);
}

static long hbpf(int cmd, union bpf_attr *attr, unsigned size)
{
	return hive_bpf(cmd, attr, size);
}

static int pin(bpf_fn f, int fd, const char *path, unsigned flags)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.bpf_fd = (uint32_t)fd;
	a.pathname = (uint64_t)(uintptr_t)path;
	a.file_flags = flags;
	return f(BPF_OBJ_PIN, &a, sizeof(a)) < 0 ? -errno : 0;
}

static int get(bpf_fn f, const char *path, unsigned flags)
{
	union bpf_attr a;
	long r;

	memset(&a, 0, sizeof(a));
	a.pathname = (uint64_t)(uintptr_t)path;
	a.file_flags = flags;
	r = f(BPF_OBJ_GET, &a, sizeof(a));
	if (r < 0)
		return -errno;
	close((int)r);
	return 0;
}

static int mkmap(bpf_fn f)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 2;
	return (int)f(BPF_MAP_CREATE, &a, sizeof(a));
}

/* The same sequence on one side; results into r[]. */
static void script(bpf_fn f, const char *root, const char *outside, int *r)
{
	char p[512], q[512];
	int fd = mkmap(f), n = 0, pf;

	snprintf(p, sizeof(p), "%s/m", root);
	r[n++] = pin(f, fd, p, 0);
	r[n++] = pin(f, fd, p, 0);                       /* exists */
	snprintf(q, sizeof(q), "%s/none/m", root);
	r[n++] = pin(f, fd, q, 0);                       /* no directory */
	snprintf(q, sizeof(q), "%s/m", outside);
	r[n++] = pin(f, fd, q, 0);                       /* not the bpf fs */
	r[n++] = pin(f, 0, p, 0);                        /* not an object */
	r[n++] = pin(f, fd, p, 1u << 3);                 /* flags */
	r[n++] = get(f, p, 0);
	r[n++] = get(f, p, BPF_F_RDONLY);
	r[n++] = get(f, p, BPF_F_RDONLY | BPF_F_WRONLY);
	r[n++] = get(f, p, 1);
	snprintf(q, sizeof(q), "%s/missing", root);
	r[n++] = get(f, q, 0);
	snprintf(q, sizeof(q), "%s/plain", outside);
	pf = open(q, O_CREAT | O_WRONLY, 0600);
	close(pf);
	r[n++] = get(f, q, 0);                           /* a plain file elsewhere */
	r[n++] = get(f, "", 0);
	snprintf(q, sizeof(q), "%s/dir", root);
	r[n++] = mkdir(q, 0700) ? -errno : 0;
	snprintf(q, sizeof(q), "%s/dir/m2", root);
	r[n++] = pin(f, fd, q, 0);
	r[n++] = unlink(p) ? -errno : 0;
	r[n++] = pin(f, fd, p, 0);                       /* pin again after unpin */
	r[n++] = get(f, p, 0);
	close(fd);
}

#define NR 18

TEST(bpf_pin_errors_match_bpffs)
{
	char kdir[] = "/tmp/hive-bpffs-XXXXXX", hdir[] = "/tmp/hive-fs-XXXXXX";
	char out[] = "/tmp/hive-out-XXXXXX", cmd[256];
	int rk[NR], rh[NR], i;

	bool kernel;

	REQUIRE(mkdtemp(hdir) && mkdtemp(out));
	setenv("HIVE_FS", hdir, 1);
	script(hbpf, hdir, out, rh);
	kernel = test_kernel_bpf_available() && mkdtemp(kdir);
	if (kernel && mount("bpf", kdir, "bpf", 0, NULL)) {
		rmdir(kdir);
		kernel = false;
	}
	if (kernel) {
		script(kbpf, kdir, out, rk);
		umount(kdir);
		rmdir(kdir);
		for (i = 0; i < NR; i++)
			if (rk[i] != rh[i])
				test_fail(__FILE__, __LINE__, "step %d: kernel %d (%s), hive %d (%s)", i,
					  rk[i], strerror(-rk[i]), rh[i], strerror(-rh[i]));
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", hdir, out);
	if (system(cmd) || !kernel)
		SKIP("cannot mount a bpf filesystem (needs bpf() and CAP_SYS_ADMIN)");
}
