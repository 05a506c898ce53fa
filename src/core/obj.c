/*
 * obj.c - object files, their mapping into this process, and handles.
 *
 * See obj.h for the model. This file owns the per-process object table:
 * 256 hash chains keyed by (st_dev, st_ino), read without locks (entries
 * are never freed, only unlinked after the sweep finds them dead), written
 * under table_lock. A lookup by handle costs one fstat().
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "core/kinds.h"
#include "core/obj.h"
#include "core/registry.h"
#include "util/util.h"

#define TABLE_BUCKETS 256
#define TMPFS_MAGIC_ 0x01021994

static struct hive_obj *_Atomic table[TABLE_BUCKETS];
/* Swept entries: unlinked from the table but never freed (a lock-free
 * reader may still stand on one); kept reachable here. */
static struct hive_obj *graveyard;
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int table_count;
static pid_t cur_pid;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static _Atomic int rehint; /* forked: register this process's mappings */

static void atfork_child(void)
{
	cur_pid = getpid();
	atomic_store(&rehint, 1);
	pthread_mutex_init(&table_lock, NULL);
}

static void atfork_prepare(void)
{
	pthread_mutex_lock(&table_lock);
}

static void atfork_parent(void)
{
	pthread_mutex_unlock(&table_lock);
}

static void init_once_fn(void)
{
	cur_pid = getpid();
	pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
}

static pid_t my_pid(void)
{
	pthread_once(&init_once, init_once_fn);
	return cur_pid;
}

static unsigned bucket_of(uint64_t dev, uint64_t ino)
{
	uint64_t h = (dev * 0x9e3779b97f4a7c15ull) ^ (ino * 0xc2b2ae3d27d4eb4full);

	return (unsigned)(h >> 56) % TABLE_BUCKETS;
}

/* Take a reference unless the object is dead (refcnt 0). */
static bool obj_tryget(struct hive_obj *obj)
{
	int c = atomic_load_explicit(&obj->refcnt, memory_order_relaxed);

	while (c > 0)
		if (atomic_compare_exchange_weak(&obj->refcnt, &c, c + 1))
			return true;
	return false;
}

static struct hive_obj *table_find(uint64_t dev, uint64_t ino)
{
	struct hive_obj *o = atomic_load_explicit(&table[bucket_of(dev, ino)], memory_order_acquire);

	for (; o; o = o->next)
		if (o->ino == ino && o->dev == dev && obj_tryget(o))
			return o;
	return NULL;
}

void obj_get(struct hive_obj *obj)
{
	atomic_fetch_add(&obj->refcnt, 1);
}

void obj_put(struct hive_obj *obj)
{
	if (obj)
		atomic_fetch_sub(&obj->refcnt, 1);
}

int hive_num_possible_cpus(void)
{
	static _Atomic int cached;
	char buf[256];
	int n = atomic_load(&cached), fd, cnt = 0;
	ssize_t len;
	char *p;

	if (n > 0)
		return n;
	fd = open("/sys/devices/system/cpu/possible", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto fallback;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		goto fallback;
	buf[len] = 0;
	/* "0-3,5,7-8": count every CPU named by a range or a number */
	for (p = buf; *p && *p != '\n';) {
		unsigned long a, b;
		char *end;

		a = strtoul(p, &end, 10);
		if (end == p)
			goto fallback;
		b = a;
		if (*end == '-') {
			p = end + 1;
			b = strtoul(p, &end, 10);
			if (end == p || b < a)
				goto fallback;
		}
		cnt += (int)(b - a + 1);
		p = end;
		if (*p == ',')
			p++;
	}
	if (cnt <= 0)
		goto fallback;
	atomic_store(&cached, cnt);
	return cnt;
fallback:
	cnt = (int)sysconf(_SC_NPROCESSORS_CONF);
	if (cnt <= 0)
		cnt = 1;
	atomic_store(&cached, cnt);
	return cnt;
}

/* ---- OFD locks: one shared lock per user handle ------------------------ */

int obj_lock_handle(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	struct flock lk = { .l_whence = SEEK_SET, .l_len = 1 };
	unsigned tries;

	if (fl < 0)
		return -errno;
	if ((fl & O_ACCMODE) != O_WRONLY) {
		/* readers share byte 0 */
		lk.l_type = F_RDLCK;
		lk.l_start = 0;
		return fcntl(fd, F_OFD_SETLK, &lk) ? -errno : 0;
	}
	/* A write-only description cannot take a read lock: it takes a write
	 * lock on a byte of its own, far past the end of the file. */
	lk.l_type = F_WRLCK;
	for (tries = 0; tries < 64; tries++) {
		uint64_t r = ((uint64_t)my_pid() << 20) ^ ((uint64_t)fd << 8) ^
			     ((uint64_t)time(NULL) * 2654435761u) ^ (tries * 0x9e3779b1u);

		lk.l_start = (off_t)((1ull << 40) + (r & 0xffffffffull));
		if (!fcntl(fd, F_OFD_SETLK, &lk))
			return 0;
		if (errno != EAGAIN && errno != EACCES)
			return -errno;
	}
	return -EAGAIN;
}

bool obj_fd_alive(int fd)
{
	struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
	struct hive_obj_hdr hdr;
	struct stat st;

	if (!fcntl(fd, F_OFD_GETLK, &lk) && lk.l_type != F_UNLCK)
		return true;
	if (fstat(fd, &st) || st.st_nlink == 0)
		return false;
	/* links besides the anchor: pins and references */
	if (st.st_size >= (off_t)HIVE_HDR_SIZE &&
	    pread(fd, &hdr, 64, st.st_size - HIVE_HDR_SIZE) == 64 &&
	    (hdr.flags & HIVE_HDR_F_ANCHORED))
		return st.st_nlink > 1;
	return true;
}

/* ---- mapping ----------------------------------------------------------- */

static int reopen(int fd, int oflags)
{
	char path[64];
	int nfd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	nfd = open(path, oflags | O_CLOEXEC);
	return nfd < 0 ? -errno : nfd;
}

static int read_hdr(int fd, const struct stat *st, struct hive_obj_hdr *hdr)
{
	ssize_t n;

	if (!S_ISREG(st->st_mode) || st->st_size < (off_t)HIVE_HDR_SIZE ||
	    st->st_size % HIVE_HDR_SIZE)
		return -EINVAL;
	n = pread(fd, hdr, 64, st->st_size - HIVE_HDR_SIZE);
	if (n != 64)
		return -EINVAL;
	if (memcmp(hdr->magic, HIVE_OBJ_MAGIC, 8) || hdr->version != 1 ||
	    hdr->kind == HIVE_OBJ_NONE || hdr->kind >= HIVE_OBJ_NKINDS ||
	    hdr->payload_size + HIVE_HDR_SIZE != (uint64_t)st->st_size)
		return -EINVAL;
	return 0;
}

static struct hive_obj *obj_alloc(enum hive_obj_kind kind)
{
	const struct hive_kind_ops *ops = hive_kind(kind);
	size_t sz = ops && ops->obj_size ? ops->obj_size : sizeof(struct hive_obj);
	struct hive_obj *obj = calloc(1, sz);

	if (!obj)
		return NULL;
	obj->kind = kind;
	obj->fd = -1;
	atomic_init(&obj->refcnt, 1);
	return obj;
}

static void obj_free_unpublished(struct hive_obj *obj)
{
	if (obj->base)
		munmap(obj->base, obj->size);
	if (obj->fd >= 0)
		close(obj->fd);
	free(obj);
}

/* Insert @obj (refcnt 1 = the table's reference) unless another thread
 * mapped the same file first; returns the object to use, referenced. */
static struct hive_obj *table_insert(struct hive_obj *obj)
{
	unsigned b = bucket_of(obj->dev, obj->ino);
	struct hive_obj *old;

	pthread_mutex_lock(&table_lock);
	old = table_find(obj->dev, obj->ino);
	if (old) {
		pthread_mutex_unlock(&table_lock);
		return old;
	}
	obj->next = atomic_load(&table[b]);
	atomic_fetch_add(&obj->refcnt, 1); /* the caller's reference */
	atomic_store_explicit(&table[b], obj, memory_order_release);
	atomic_fetch_add(&table_count, 1);
	pthread_mutex_unlock(&table_lock);
	return obj;
}

int obj_get_by_fd(int fd, struct hive_obj **objp)
{
	struct hive_obj_hdr hdr;
	struct hive_obj *obj, *got;
	const struct hive_kind_ops *ops;
	struct stat st;
	int err;

	if (fstat(fd, &st))
		return -errno;
	got = table_find(st.st_dev, st.st_ino);
	if (got) {
		*objp = got;
		return 0;
	}
	err = read_hdr(fd, &st, &hdr);
	if (err)
		return err;
	if (!(hdr.flags & HIVE_HDR_F_READY))
		return -ENOENT;
	ops = hive_kind(hdr.kind);
	if (!ops)
		return -EINVAL; /* a kind this build does not know */
	obj = obj_alloc(hdr.kind);
	if (!obj)
		return -ENOMEM;
	obj->dev = st.st_dev;
	obj->ino = st.st_ino;
	obj->id = hdr.id;
	obj->size = st.st_size;
	obj->fd = reopen(fd, O_RDWR);
	if (obj->fd < 0) {
		err = obj->fd;
		goto err_free;
	}
	obj->base = mmap(NULL, obj->size, PROT_READ | PROT_WRITE, MAP_SHARED, obj->fd, 0);
	if (obj->base == MAP_FAILED) {
		obj->base = NULL;
		err = -errno;
		goto err_free;
	}
	obj->hdr = (struct hive_obj_hdr *)(obj->base + obj->size - HIVE_HDR_SIZE);
	if (ops->attach) {
		err = ops->attach(obj);
		if (err)
			goto err_free;
	}
	got = table_insert(obj);
	if (got != obj) {
		if (ops->detach)
			ops->detach(obj);
		obj_free_unpublished(obj);
		*objp = got;
		return 0;
	}
	obj->hint_pid = my_pid();
	reg_add_hint(obj->kind, obj->id, obj->hint_pid, obj->fd);
	*objp = obj;
	return 0;
err_free:
	obj_free_unpublished(obj);
	return err;
}

int obj_from_fd(int fd, enum hive_obj_kind kind, struct hive_obj **objp, unsigned *acc)
{
	struct hive_obj *obj;
	struct stat st;
	int err;

	if (fd < 0 || fstat(fd, &st))
		return -EBADF;
	obj = table_find(st.st_dev, st.st_ino);
	if (!obj) {
		err = obj_get_by_fd(fd, &obj);
		if (err)
			return err == -EBADF ? -EBADF : -EINVAL;
	} else if (obj->hint_pid != my_pid()) {
		/* first use in a forked child: let other processes find it here */
		obj->hint_pid = cur_pid;
		reg_add_hint(obj->kind, obj->id, cur_pid, obj->fd);
	}
	if (kind != HIVE_OBJ_NONE && obj->kind != kind) {
		obj_put(obj);
		return -EINVAL;
	}
	if (acc) {
		*acc = HIVE_ACC_READ | HIVE_ACC_WRITE;
		if (atomic_load_explicit(&obj->hdr->restricted, memory_order_relaxed)) {
			int fl = fcntl(fd, F_GETFL);

			if (fl >= 0 && (fl & O_ACCMODE) == O_RDONLY)
				*acc = HIVE_ACC_READ;
			else if (fl >= 0 && (fl & O_ACCMODE) == O_WRONLY)
				*acc = HIVE_ACC_WRITE;
		}
	}
	*objp = obj;
	return 0;
}

int obj_new_handle(struct hive_obj *obj, int acc_flags)
{
	int fd, err;

	fd = reopen(obj->fd, acc_flags & O_ACCMODE);
	if (fd < 0)
		return fd;
	if ((acc_flags & O_ACCMODE) != O_RDWR)
		atomic_store(&obj->hdr->restricted, 1);
	err = obj_lock_handle(fd);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

static bool fs_is_tmpfs(int fd)
{
	struct statfs sf;

	return !fstatfs(fd, &sf) && (sf.f_type == TMPFS_MAGIC_);
}

int obj_create(enum hive_obj_kind kind, size_t payload_size, int acc_flags,
	       struct hive_obj **objp)
{
	const char *state = reg_state();
	struct hive_obj *obj;
	struct timespec ts;
	struct stat st;
	size_t payload;
	int err, fd;

	if (!state)
		return -errno;
	if (payload_size > ((size_t)1 << 40))
		return -ENOMEM;
	payload = (payload_size + HIVE_HDR_SIZE - 1) / HIVE_HDR_SIZE * HIVE_HDR_SIZE;
	obj = obj_alloc(kind);
	if (!obj)
		return -ENOMEM;
	obj->fd = open(state, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (obj->fd < 0) {
		err = -errno;
		hive_pr_warn("hive: cannot create an object file in %s: %s\n", state, strerror(errno));
		goto err_free;
	}
	obj->size = payload + HIVE_HDR_SIZE;
	if (ftruncate(obj->fd, obj->size)) {
		err = errno == EFBIG || errno == EINVAL ? -ENOMEM : -errno;
		goto err_free;
	}
	/* On tmpfs, reserve the memory now: a full tmpfs must fail the create
	 * with ENOMEM (like the kernel's allocation), not SIGBUS later. */
	if (fs_is_tmpfs(obj->fd) && fallocate(obj->fd, 0, 0, obj->size)) {
		err = -ENOMEM;
		goto err_free;
	}
	obj->base = mmap(NULL, obj->size, PROT_READ | PROT_WRITE, MAP_SHARED, obj->fd, 0);
	if (obj->base == MAP_FAILED) {
		obj->base = NULL;
		err = -ENOMEM;
		goto err_free;
	}
	if (fstat(obj->fd, &st)) {
		err = -errno;
		goto err_free;
	}
	obj->dev = st.st_dev;
	obj->ino = st.st_ino;
	obj->hdr = (struct hive_obj_hdr *)(obj->base + payload);
	memcpy(obj->hdr->magic, HIVE_OBJ_MAGIC, 8);
	obj->hdr->version = 1;
	obj->hdr->kind = kind;
	obj->hdr->payload_size = payload;
	obj->hdr->creator_pid = (uint32_t)my_pid();
	clock_gettime(CLOCK_REALTIME, &ts);
	obj->hdr->create_time_ns = (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
	err = reg_alloc_id(kind, &obj->id);
	if (err)
		goto err_free;
	obj->hdr->id = obj->id;
	fd = obj_new_handle(obj, acc_flags);
	if (fd < 0) {
		err = fd;
		goto err_free;
	}
	*objp = obj;
	return fd;
err_free:
	obj_free_unpublished(obj);
	return err;
}

/* Collect dead anchors and references now and then (at most once a second
 * per process, from any hive_bpf() call), so that what dead processes and
 * removed pins left behind goes away. */
void obj_maybe_gc(void)
{
	static _Atomic time_t last;
	time_t now = time(NULL), prev = atomic_load(&last);

	if (now != prev && atomic_compare_exchange_strong(&last, &prev, now))
		reg_gc();
}

int obj_publish(struct hive_obj *obj, int fd)
{
	const struct hive_kind_ops *ops = hive_kind(obj->kind);
	struct hive_obj *got;
	int err;

	(void)fd;
	if (ops && ops->attach) {
		err = ops->attach(obj);
		if (err)
			return err;
	}
	atomic_thread_fence(memory_order_release);
	obj->hdr->flags |= HIVE_HDR_F_READY;
	got = table_insert(obj);
	/* a fresh inode cannot be in the table yet */
	if (got != obj)
		return -EEXIST;
	/* refcnt is now 2: the table's and the caller's */
	obj->hint_pid = my_pid();
	reg_add_hint(obj->kind, obj->id, obj->hint_pid, obj->fd);
	if (atomic_load(&table_count) > 64 && atomic_load(&table_count) % 16 == 0)
		obj_sweep();
	obj_maybe_gc();
	return 0;
}

/* Abandon an object obj_create() made but that was never published. */
void obj_abandon(struct hive_obj *obj)
{
	obj_free_unpublished(obj);
}

struct hive_obj *obj_find_mapped(enum hive_obj_kind kind, uint32_t id)
{
	unsigned b;

	for (b = 0; b < TABLE_BUCKETS; b++) {
		struct hive_obj *o = atomic_load_explicit(&table[b], memory_order_acquire);

		for (; o; o = o->next)
			if (o->kind == kind && o->id == id && obj_tryget(o))
				return o;
	}
	return NULL;
}

void obj_after_fork(void)
{
	unsigned b;

	if (!atomic_load_explicit(&rehint, memory_order_relaxed) || !atomic_exchange(&rehint, 0))
		return;
	pthread_mutex_lock(&table_lock);
	for (b = 0; b < TABLE_BUCKETS; b++) {
		struct hive_obj *o = atomic_load(&table[b]);

		for (; o; o = o->next)
			if (atomic_load(&o->refcnt) > 0 && o->hint_pid != cur_pid) {
				o->hint_pid = cur_pid;
				reg_add_hint(o->kind, o->id, cur_pid, o->fd);
			}
	}
	pthread_mutex_unlock(&table_lock);
}

int obj_sweep(void)
{
	int released = 0;
	unsigned b;

	pthread_mutex_lock(&table_lock);
	for (b = 0; b < TABLE_BUCKETS; b++) {
		struct hive_obj *_Atomic *link = &table[b];
		struct hive_obj *o;

		while ((o = atomic_load(link))) {
			int one = 1;
			const struct hive_kind_ops *ops;

			if (atomic_load(&o->refcnt) != 1 || obj_fd_alive(o->fd) ||
			    !atomic_compare_exchange_strong(&o->refcnt, &one, 0)) {
				link = &o->next;
				continue;
			}
			/* Dead: unlink (readers already on it keep a valid next
			 * pointer; the struct itself is never freed). */
			atomic_store(link, o->next);
			atomic_fetch_sub(&table_count, 1);
			o->grave_next = graveyard;
			graveyard = o;
			ops = hive_kind(o->kind);
			if (ops && ops->detach)
				ops->detach(o);
			reg_del_hint(o->kind, o->id, o->hint_pid, o->fd);
			munmap(o->base, o->size);
			o->base = NULL;
			close(o->fd);
			o->fd = -1;
			released++;
		}
	}
	pthread_mutex_unlock(&table_lock);
	return released;
}
