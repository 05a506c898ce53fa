/*
 * task.c - bpf_get_current_task() and bpf_get_current_task_btf(): a
 * synthetic struct task_struct for the host thread running the program.
 *
 * The kernel hands tracing programs a pointer to `current`, which they read
 * with CO-RE (bpf_probe_read_kernel at offsets the loader relocated against
 * the kernel's BTF) or, for the BTF variant, with direct loads. hive gives
 * each thread its own zeroed buffer of sizeof(struct task_struct) bytes laid
 * out by /sys/kernel/btf/vmlinux (the BTF the loader relocates against by
 * default), so those reads land on the right fields. Filled fields:
 *   pid (thread id), tgid (process id), comm (thread name), real_parent and
 *   parent (a second synthetic task: pid = tgid = getppid(), comm from
 *   /proc), group_leader (the task itself when the thread leads its group),
 *   cred and real_cred (a synthetic struct cred: uid/gid, euid/egid,
 *   suid/sgid, fsuid/fsgid of the process), start_time and start_boottime
 *   (the thread's start from /proc/thread-self/stat, clock-tick resolution).
 * Everything else is zero: mm is NULL (as for a kernel thread), the
 * parent's own parent and cred are NULL. The memory is the host's, so
 * bpf_probe_read_kernel reads it; the BTF variant also grants it (read
 * only) to the run for checked execution.
 *
 * The identity fields are refreshed at every call (fork, setuid and
 * prctl(PR_SET_NAME) show up); the start time once per thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/kbtf.h"
#include "hive/hive_btf.h"
#include "helpers/helpers.h"
#include "util/util.h"

#define TASK_COMM_LEN 16

/* Offsets in the kernel's structs (-1: the kernel has no such member). */
struct task_layout {
	size_t task_size, cred_size;
	long pid, tgid, comm, real_parent, parent, group_leader, cred, real_cred;
	long start_time, start_boottime;
	long uid, gid, suid, sgid, euid, egid, fsuid, fsgid;
};

struct task_buf {
	uint8_t *task, *parent, *cred;   /* one allocation */
	int ppid;                        /* parent whose comm is filled */
};

static struct task_layout layout;
static int layout_err;
static pthread_once_t layout_once = PTHREAD_ONCE_INIT;
static pthread_key_t buf_key;
static __thread struct task_buf *cur_buf;

static long member(const struct hive_btf *btf, int id, const char *name)
{
	return kbtf_member_off(btf, (uint32_t)id, name, NULL);
}

static void free_buf(void *p)
{
	struct task_buf *b = p;

	free(b->task);
	free(b);
}

static void build_layout(void)
{
	const struct hive_btf *btf = kbtf_vmlinux();
	int task, cred;

	if (!btf) {
		layout_err = -ENOENT;
		return;
	}
	task = kbtf_struct_id(btf, "task_struct");
	cred = kbtf_struct_id(btf, "cred");
	if (task < 0 || cred < 0 || pthread_key_create(&buf_key, free_buf)) {
		layout_err = -ENOENT;
		return;
	}
	layout.task_size = (size_t)hive_btf__resolve_size(btf, (uint32_t)task);
	layout.cred_size = (size_t)hive_btf__resolve_size(btf, (uint32_t)cred);
	layout.pid = member(btf, task, "pid");
	layout.tgid = member(btf, task, "tgid");
	layout.comm = member(btf, task, "comm");
	layout.real_parent = member(btf, task, "real_parent");
	layout.parent = member(btf, task, "parent");
	layout.group_leader = member(btf, task, "group_leader");
	layout.cred = member(btf, task, "cred");
	layout.real_cred = member(btf, task, "real_cred");
	layout.start_time = member(btf, task, "start_time");
	layout.start_boottime = member(btf, task, "start_boottime");
	/* kuid_t/kgid_t wrap one u32 (val) at offset 0 */
	layout.uid = member(btf, cred, "uid");
	layout.gid = member(btf, cred, "gid");
	layout.suid = member(btf, cred, "suid");
	layout.sgid = member(btf, cred, "sgid");
	layout.euid = member(btf, cred, "euid");
	layout.egid = member(btf, cred, "egid");
	layout.fsuid = member(btf, cred, "fsuid");
	layout.fsgid = member(btf, cred, "fsgid");
	if (layout.pid < 0 || layout.tgid < 0 || layout.comm < 0 ||
	    layout.task_size < (size_t)layout.comm + TASK_COMM_LEN)
		layout_err = -ENOENT;
}

static void put32(uint8_t *base, long off, uint32_t v)
{
	if (off >= 0)
		memcpy(base + off, &v, 4);
}

static void put64(uint8_t *base, long off, uint64_t v)
{
	if (off >= 0)
		memcpy(base + off, &v, 8);
}

static void put_ptr(uint8_t *base, long off, const void *p)
{
	put64(base, off, (uint64_t)(uintptr_t)p);
}

/* Thread start in ns since boot: field 22 of /proc/thread-self/stat. */
static uint64_t thread_start_ns(void)
{
	char buf[1024], *p;
	unsigned long long ticks;
	long hz = sysconf(_SC_CLK_TCK);
	ssize_t n;
	int fd = open("/proc/thread-self/stat", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	p = strrchr(buf, ')'); /* comm may hold spaces */
	if (!p || hz <= 0)
		return 0;
	/* after ")": state is field 3; starttime is field 22 */
	if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
		   &ticks) != 1)
		return 0;
	return ticks * (1000000000ull / (unsigned long long)hz);
}

static void parent_comm(struct task_buf *b, int ppid)
{
	char path[64], comm[TASK_COMM_LEN + 1] = { 0 };
	ssize_t n;
	int fd;

	memset(b->parent + layout.comm, 0, TASK_COMM_LEN);
	snprintf(path, sizeof(path), "/proc/%d/comm", ppid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, comm, TASK_COMM_LEN);
	close(fd);
	while (n > 0 && (comm[n - 1] == '\n' || !comm[n - 1]))
		n--;
	if (n > TASK_COMM_LEN - 1)
		n = TASK_COMM_LEN - 1;
	if (n > 0)
		memcpy(b->parent + layout.comm, comm, (size_t)n);
}

static struct task_buf *task_buf(void)
{
	size_t tsz, csz;
	struct task_buf *b;

	if (cur_buf)
		return cur_buf;
	pthread_once(&layout_once, build_layout);
	if (layout_err)
		return NULL;
	tsz = (layout.task_size + 63) & ~(size_t)63;
	csz = (layout.cred_size + 63) & ~(size_t)63;
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->task = aligned_alloc(64, 2 * tsz + csz);
	if (!b->task || pthread_setspecific(buf_key, b)) {
		free(b->task);
		free(b);
		return NULL;
	}
	memset(b->task, 0, 2 * tsz + csz);
	b->parent = b->task + tsz;
	b->cred = b->parent + tsz;
	b->ppid = -1;
	put64(b->task, layout.start_time, thread_start_ns());
	put64(b->task, layout.start_boottime, thread_start_ns());
	cur_buf = b;
	return b;
}

/* Refresh the identity of the calling thread; NULL if hive cannot lay out
 * a task_struct (no kernel BTF). */
static struct task_buf *current_task(void)
{
	struct task_buf *b = task_buf();
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	int pid, tid, ppid;

	if (!b)
		return NULL;
	pid = getpid();
	tid = (int)syscall(SYS_gettid);
	ppid = getppid();
	put32(b->task, layout.pid, (uint32_t)tid);
	put32(b->task, layout.tgid, (uint32_t)pid);
	prctl(PR_GET_NAME, (unsigned long)(b->task + layout.comm), 0, 0, 0);
	put_ptr(b->task, layout.real_parent, b->parent);
	put_ptr(b->task, layout.parent, b->parent);
	put_ptr(b->task, layout.group_leader, tid == pid ? b->task : NULL);
	if (ppid != b->ppid) {
		put32(b->parent, layout.pid, (uint32_t)ppid);
		put32(b->parent, layout.tgid, (uint32_t)ppid);
		parent_comm(b, ppid);
		b->ppid = ppid;
	}
	if (!getresuid(&ru, &eu, &su) && !getresgid(&rg, &eg, &sg)) {
		put32(b->cred, layout.uid, ru);
		put32(b->cred, layout.euid, eu);
		put32(b->cred, layout.suid, su);
		put32(b->cred, layout.gid, rg);
		put32(b->cred, layout.egid, eg);
		put32(b->cred, layout.sgid, sg);
		/* setfsuid/setfsgid(-1) change nothing and return the current value */
		put32(b->cred, layout.fsuid, (uint32_t)setfsuid((uid_t)-1));
		put32(b->cred, layout.fsgid, (uint32_t)setfsgid((gid_t)-1));
	}
	put_ptr(b->task, layout.cred, b->cred);
	put_ptr(b->task, layout.real_cred, b->cred);
	return b;
}

static void grant_ro(struct hive_run *run, void *p, size_t len)
{
	if (hive_run_check(run, p, len, HIVE_PROT_READ))
		hive_run_grant(run, p, len, HIVE_PROT_READ);
}

/* bpf_get_current_task(): the task as an integer (read with probe reads). */
uint64_t helper_get_current_task(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
				 struct hive_run *run)
{
	struct task_buf *b = current_task();

	if (!b) {
		hive_pr_warn("bpf_get_current_task: no kernel BTF to lay out struct task_struct; returning NULL\n");
		return 0;
	}
	return (uint64_t)(uintptr_t)b->task;
}

/* bpf_get_current_task_btf(): the same task as a trusted BTF pointer; the
 * task, its parent and cred are granted read-only to the run. */
uint64_t helper_get_current_task_btf(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				     uint64_t r5, struct hive_run *run)
{
	struct task_buf *b = current_task();

	if (!b) {
		hive_pr_warn("bpf_get_current_task_btf: no kernel BTF to lay out struct task_struct\n");
		hive_run_abort(run, -HIVE_EMEM);
		return 0;
	}
	grant_ro(run, b->task, layout.task_size);
	grant_ro(run, b->parent, layout.task_size);
	grant_ro(run, b->cred, layout.cred_size);
	return (uint64_t)(uintptr_t)b->task;
}
