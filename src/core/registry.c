/*
 * registry.c - the hive filesystem: where object files live, how ids are
 * allocated and found again by any process, pinning.
 *
 * Ids: a shared counter page (<state>/ids) gives candidates; mkdir of
 * <state>/<kind>/<id> claims one. The directory holds hints, symlinks
 * through which the object can be reopened: /proc/PID/fd/N of a process
 * that maps it, or a pin path. An id is live while one hint opens a file
 * whose header names that id and the object is alive (a handle exists
 * somewhere or it is linked); stale hints and dead ids are pruned by
 * whoever meets them. Nothing outlives an unpinned object but a few
 * dangling symlinks that the next reader removes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/kinds.h"
#include "core/registry.h"
#include "util/util.h"

static const char *const kind_dir[HIVE_OBJ_NKINDS] = {
	[HIVE_OBJ_MAP] = "map", [HIVE_OBJ_PROG] = "prog",
	[HIVE_OBJ_BTF] = "btf", [HIVE_OBJ_LINK] = "link",
};

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
#define ROOT_MAX 3072                /* longest hive fs root path */
static char root_path[ROOT_MAX];   /* realpath of the hive fs root */
static char state_path[ROOT_MAX + 16]; /* root/.hive */
static char env_seen[PATH_MAX];    /* HIVE_FS value the paths were made for */
static _Atomic uint32_t *ids_page; /* mapped <state>/ids */

static int mkdir_p(const char *path, mode_t mode)
{
	char tmp[PATH_MAX];
	char *p;

	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, mode) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, mode) && errno != EEXIST)
		return -errno;
	return 0;
}

static int default_root(char *buf, size_t len)
{
	const char *env = getenv("HIVE_FS"), *xdg;

	if (env && *env)
		return snprintf(buf, len, "%s", env) >= (int)len ? -ENAMETOOLONG : 0;
	if (geteuid() == 0)
		return snprintf(buf, len, "/run/hive") >= (int)len ? -ENAMETOOLONG : 0;
	xdg = getenv("XDG_RUNTIME_DIR");
	if (xdg && *xdg)
		return snprintf(buf, len, "%s/hive", xdg) >= (int)len ? -ENAMETOOLONG : 0;
	return snprintf(buf, len, "/tmp/hive-%u", (unsigned)geteuid()) >= (int)len ?
		-ENAMETOOLONG : 0;
}

/* (Re)compute the root and state paths; reg_lock held. */
static int setup_locked(void)
{
	const char *env = getenv("HIVE_FS");
	char want[PATH_MAX], sub[PATH_MAX + 16];
	unsigned k;
	int err, fd;
	void *page;

	if (state_path[0] && !strcmp(env_seen, env ? env : ""))
		return 0;
	err = default_root(want, sizeof(want));
	if (err)
		return err;
	err = mkdir_p(want, 0700);
	if (err) {
		hive_pr_warn("hive: cannot create the hive filesystem %s: %s\n", want, strerror(-err));
		return err;
	}
	{
		char real[PATH_MAX];

		if (!realpath(want, real))
			return -errno;
		if (strlen(real) >= sizeof(root_path))
			return -ENAMETOOLONG;
		memcpy(root_path, real, strlen(real) + 1);
	}
	snprintf(state_path, sizeof(state_path), "%s/.hive", root_path);
	for (k = 1; k < HIVE_OBJ_NKINDS; k++) {
		snprintf(sub, sizeof(sub), "%s/%s", state_path, kind_dir[k]);
		err = mkdir_p(sub, 0700);
		if (err)
			goto err_reset;
	}
	snprintf(sub, sizeof(sub), "%s/refs", state_path);
	err = mkdir_p(sub, 0700);
	if (err)
		goto err_reset;
	snprintf(sub, sizeof(sub), "%s/anchor", state_path);
	err = mkdir_p(sub, 0700);
	if (err)
		goto err_reset;
	snprintf(sub, sizeof(sub), "%s/ids", state_path);
	fd = open(sub, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		goto err_reset;
	}
	if (ftruncate(fd, 4096) && errno != EPERM) {
		err = -errno;
		close(fd);
		goto err_reset;
	}
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (page == MAP_FAILED) {
		err = -errno;
		goto err_reset;
	}
	if (ids_page)
		munmap((void *)ids_page, 4096);
	ids_page = page;
	snprintf(env_seen, sizeof(env_seen), "%s", env ? env : "");
	return 0;
err_reset:
	state_path[0] = 0;
	return err;
}

/* A child forked while another thread held reg_lock starts with a fresh
 * one (the paths it guards are recomputed when incomplete). Not locked
 * in a prepare handler: obj.c takes reg_lock under its table lock, and
 * its own prepare handler takes the table lock. */
static void reg_atfork_child(void)
{
	pthread_mutex_init(&reg_lock, NULL);
}

static void reg_init(void)
{
	pthread_atfork(NULL, NULL, reg_atfork_child);
}

static int setup(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	int err;

	pthread_once(&once, reg_init);
	pthread_mutex_lock(&reg_lock);
	err = setup_locked();
	pthread_mutex_unlock(&reg_lock);
	return err;
}

/* @path once set up, else NULL with errno */
static const char *ready(const char *path)
{
	int err = setup();

	if (err) {
		errno = -err;
		return NULL;
	}
	return path;
}

const char *reg_root(void)
{
	return ready(root_path);
}

const char *reg_state(void)
{
	return ready(state_path);
}

static void id_dir(char *buf, size_t len, enum hive_obj_kind kind, uint32_t id)
{
	snprintf(buf, len, "%s/%s/%u", state_path, kind_dir[kind], id);
}

int reg_alloc_id(enum hive_obj_kind kind, uint32_t *id)
{
	char dir[PATH_MAX];
	unsigned tries;
	int err = setup();

	if (err)
		return err;
	for (tries = 0; tries < 1u << 20; tries++) {
		uint32_t n = atomic_fetch_add(&ids_page[kind], 1) + 1;

		if (n == 0 || n > INT_MAX) {
			/* wrap around like the kernel's idr_alloc_cyclic */
			uint32_t cur = n;

			atomic_compare_exchange_strong(&ids_page[kind], &cur, 0);
			continue;
		}
		id_dir(dir, sizeof(dir), kind, n);
		if (!mkdir(dir, 0700)) {
			*id = n;
			return 0;
		}
		if (errno != EEXIST)
			return -errno;
	}
	return -ENOSPC;
}

int reg_add_hint(enum hive_obj_kind kind, uint32_t id, pid_t pid, int fd)
{
	char dir[PATH_MAX], name[PATH_MAX + 32], target[64];

	if (setup())
		return -ENOENT;
	id_dir(dir, sizeof(dir), kind, id);
	snprintf(name, sizeof(name), "%s/P%d.%d", dir, (int)pid, fd);
	snprintf(target, sizeof(target), "/proc/%d/fd/%d", (int)pid, fd);
	if (symlink(target, name) && errno != EEXIST)
		return -errno;
	return 0;
}

void reg_del_hint(enum hive_obj_kind kind, uint32_t id, pid_t pid, int fd)
{
	char dir[PATH_MAX], name[PATH_MAX + 32];

	if (setup())
		return;
	id_dir(dir, sizeof(dir), kind, id);
	snprintf(name, sizeof(name), "%s/P%d.%d", dir, (int)pid, fd);
	unlink(name);
}

/* Whether the file open as @fd is the live object (@kind, @id). */
static bool fd_is(int fd, enum hive_obj_kind kind, uint32_t id)
{
	struct hive_obj_hdr hdr;
	struct stat st;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size < (off_t)HIVE_HDR_SIZE ||
	    pread(fd, &hdr, 64, st.st_size - HIVE_HDR_SIZE) != 64)
		return false;
	return !memcmp(hdr.magic, HIVE_OBJ_MAGIC, 8) && hdr.kind == (uint32_t)kind &&
	       hdr.id == id && (hdr.flags & HIVE_HDR_F_READY);
}

/* Remove an id directory whose hints are all stale. Young directories are
 * left alone: their creator may be between mkdir and its first hint. */
static void prune_id(const char *dir)
{
	struct stat st;
	struct dirent *de;
	DIR *d;

	if (stat(dir, &st) || time(NULL) - st.st_mtime < 10)
		return;
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		char p[PATH_MAX + 300];

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

int reg_open_id(enum hive_obj_kind kind, uint32_t id, int oflags)
{
	char dir[PATH_MAX];
	struct dirent *de;
	int fd = -ENOENT, nhints = 0;
	bool dead_found = false;
	DIR *d;

	if (kind <= HIVE_OBJ_NONE || kind >= HIVE_OBJ_NKINDS || setup())
		return -ENOENT;
	id_dir(dir, sizeof(dir), kind, id);
	d = opendir(dir);
	if (!d)
		return -ENOENT;
	while ((de = readdir(d))) {
		char p[PATH_MAX + 300];
		int f;

		if (de->d_name[0] == '.')
			continue;
		nhints++;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		f = open(p, oflags | O_CLOEXEC);
		if (f < 0) {
			if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP) {
				unlink(p); /* the process or the pin is gone */
				nhints--;
			}
			continue;
		}
		if (!fd_is(f, kind, id)) {
			close(f);
			unlink(p);
			nhints--;
			continue;
		}
		if (!obj_fd_alive(f)) {
			/* the anchor does not count: a dead object is pruned */
			close(f);
			dead_found = true;
			continue;
		}
		fd = f;
		break;
	}
	closedir(d);
	if (fd < 0 && (nhints == 0 || dead_found))
		prune_id(dir);
	return fd;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int reg_next_id(enum hive_obj_kind kind, uint32_t start, uint32_t *next)
{
	char dir[PATH_MAX];
	uint32_t *ids = NULL, *tmp;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	int ret = -ENOENT;
	DIR *d;

	if (setup())
		return -ENOENT;
	snprintf(dir, sizeof(dir), "%s/%s", state_path, kind_dir[kind]);
	d = opendir(dir);
	if (!d)
		return -ENOENT;
	while ((de = readdir(d))) {
		char *end;
		unsigned long v = strtoul(de->d_name, &end, 10);

		if (*end || end == de->d_name || v <= start || v > UINT32_MAX)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			tmp = realloc(ids, cap * sizeof(*ids));
			if (!tmp) {
				ret = -ENOMEM;
				goto out;
			}
			ids = tmp;
		}
		ids[n++] = (uint32_t)v;
	}
	if (n)
		qsort(ids, n, sizeof(*ids), cmp_u32);
	for (i = 0; i < n; i++) {
		int fd = reg_open_id(kind, ids[i], O_RDONLY);

		if (fd >= 0) {
			close(fd);
			*next = ids[i];
			ret = 0;
			break;
		}
	}
out:
	closedir(d);
	free(ids);
	return ret;
}

/* ---- anchors: linking an object file more than once --------------------- */

/*
 * An O_TMPFILE file can be linked only while it never had a link: once
 * its links are all removed it could not be pinned again. So the first
 * time an object is linked (pin, reference), it gets an anchor link
 * <state>/anchor/<kind>.<id> first; obj_fd_alive() does not count it, and
 * reg_gc() removes it once the object has no handle and no other link.
 */
static int anchor(struct hive_obj *obj)
{
	char p[PATH_MAX + 32], src[64];

	if (atomic_load(&obj->hdr->flags) & HIVE_HDR_F_ANCHORED)
		return 0;
	snprintf(p, sizeof(p), "%s/anchor/%s.%u", state_path, kind_dir[obj->kind], obj->id);
	snprintf(src, sizeof(src), "/proc/self/fd/%d", obj->fd);
	if (linkat(AT_FDCWD, src, AT_FDCWD, p, AT_SYMLINK_FOLLOW) && errno != EEXIST)
		return errno == EXDEV ? -EPERM : -errno;
	atomic_fetch_or(&obj->hdr->flags, HIVE_HDR_F_ANCHORED);
	return 0;
}

/* Whether the holder named "<kind><id>" at the start of a ref link name is
 * alive; @memo caches answers during one collection pass. */
struct holder_memo {
	char name[32];
	bool alive;
};

static bool holder_alive(const char *name, struct holder_memo *memo, unsigned *nmemo)
{
	size_t hl = strcspn(name, ".");
	bool alive = true;
	unsigned k, i;

	if (hl >= sizeof(memo[0].name))
		return true;
	for (i = 0; i < *nmemo; i++)
		if (!strncmp(memo[i].name, name, hl) && !memo[i].name[hl])
			return memo[i].alive;
	for (k = 1; k < HIVE_OBJ_NKINDS; k++) {
		size_t l = strlen(kind_dir[k]);

		if (!strncmp(name, kind_dir[k], l) && name[l] >= '0' && name[l] <= '9') {
			uint32_t id = (uint32_t)strtoul(name + l, NULL, 10);
			int fd = reg_open_id(k, id, O_RDONLY);

			alive = fd >= 0;
			if (fd >= 0)
				close(fd);
			break;
		}
	}
	if (*nmemo < 64) {
		memcpy(memo[*nmemo].name, name, hl);
		memo[*nmemo].name[hl] = 0;
		memo[(*nmemo)++].alive = alive;
	}
	return alive;
}

int reg_gc(void)
{
	char dir[PATH_MAX], p[PATH_MAX + 300];
	struct dirent *de;
	int removed = 0, pass;
	DIR *d;

	if (setup())
		return 0;
	for (pass = 0; pass < 3; pass++) {
		struct holder_memo memo[64];
		unsigned nmemo = 0;
		int before = removed;

		/* references held by objects that are gone */
		snprintf(dir, sizeof(dir), "%s/refs", state_path);
		d = opendir(dir);
		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.' || holder_alive(de->d_name, memo, &nmemo))
				continue;
			snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
			if (!unlink(p))
				removed++;
		}
		if (d)
			closedir(d);
		/* anchors of objects nothing holds any more */
		snprintf(dir, sizeof(dir), "%s/anchor", state_path);
		d = opendir(dir);
		while (d && (de = readdir(d))) {
			struct stat st;
			int fd;

			if (de->d_name[0] == '.')
				continue;
			snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
			fd = open(p, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			if (!fstat(fd, &st) && st.st_nlink <= 1 && !obj_fd_alive(fd) && !unlink(p))
				removed++;
			close(fd);
		}
		if (d)
			closedir(d);
		if (removed == before)
			break;
	}
	return removed;
}

/* ---- pinning ------------------------------------------------------------ */

/* Split @path into a parent directory fd (O_PATH) and its last component.
 * Checks the parent lies inside the hive fs (outside: -EPERM when
 * @for_pin, else the caller decides). */
static int open_parent(int dirfd, const char *path, char *base, size_t baselen, bool *inside)
{
	char parent[PATH_MAX], real[PATH_MAX], link[64];
	const char *slash;
	size_t rl;
	ssize_t n;
	int pfd;

	if (!*path)
		return -ENOENT;
	slash = strrchr(path, '/');
	if (slash) {
		size_t plen = slash == path ? 1 : (size_t)(slash - path);

		if (plen >= sizeof(parent))
			return -ENAMETOOLONG;
		memcpy(parent, path, plen);
		parent[plen] = 0;
		if (snprintf(base, baselen, "%s", slash + 1) >= (int)baselen)
			return -ENAMETOOLONG;
	} else {
		snprintf(parent, sizeof(parent), ".");
		if (snprintf(base, baselen, "%s", path) >= (int)baselen)
			return -ENAMETOOLONG;
	}
	pfd = openat(dirfd, parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0)
		return -errno;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", pfd);
	n = readlink(link, real, sizeof(real) - 1);
	if (n < 0) {
		close(pfd);
		return -errno;
	}
	real[n] = 0;
	rl = strlen(root_path);
	*inside = !strncmp(real, root_path, rl) && (real[rl] == 0 || real[rl] == '/') &&
		  strncmp(real, state_path, strlen(state_path));
	/* the state directory itself is not part of the user-visible fs */
	if (*inside && !strcmp(real, root_path) && !strcmp(base, ".hive"))
		*inside = false;
	return pfd;
}

int reg_pin(struct hive_obj *obj, int dirfd, const char *path)
{
	char base[NAME_MAX + 1], src[64], hint[PATH_MAX + 32], real[PATH_MAX], link[64];
	static _Atomic unsigned pin_seq;
	bool inside = false;
	ssize_t n;
	int pfd, err;

	err = setup();
	if (err)
		return err;
	pfd = open_parent(dirfd, path, base, sizeof(base), &inside);
	if (pfd < 0)
		return pfd;
	if (!inside) {
		hive_pr_debug("hive: pin path %s is outside the hive filesystem %s\n", path, root_path);
		close(pfd);
		return -EPERM;
	}
	if (!base[0] || !strcmp(base, ".") || !strcmp(base, "..")) {
		close(pfd);
		return -EEXIST;
	}
	err = anchor(obj);
	if (err) {
		close(pfd);
		return err;
	}
	snprintf(src, sizeof(src), "/proc/self/fd/%d", obj->fd);
	if (linkat(AT_FDCWD, src, pfd, base, AT_SYMLINK_FOLLOW)) {
		err = errno == EXDEV ? -EPERM : -errno;
		close(pfd);
		return err;
	}
	/* a hint so that the id stays reachable after every process exits */
	snprintf(link, sizeof(link), "/proc/self/fd/%d", pfd);
	n = readlink(link, real, sizeof(real) - 1);
	close(pfd);
	if (n > 0) {
		char dir[PATH_MAX], target[PATH_MAX * 2];

		real[n] = 0;
		id_dir(dir, sizeof(dir), obj->kind, obj->id);
		snprintf(target, sizeof(target), "%s/%s", real, base);
		snprintf(hint, sizeof(hint), "%s/L%d.%u", dir, (int)getpid(),
			 atomic_fetch_add(&pin_seq, 1));
		if (symlink(target, hint))
			hive_pr_debug("hive: pin hint %s: %s\n", hint, strerror(errno));
	}
	return 0;
}

int reg_open_pinned(int dirfd, const char *path, int oflags)
{
	char base[NAME_MAX + 1];
	bool inside = false;
	struct stat st;
	int pfd, fd, err;

	err = setup();
	if (err)
		return err;
	pfd = open_parent(dirfd, path, base, sizeof(base), &inside);
	if (pfd < 0)
		return pfd;
	if (fstatat(pfd, base, &st, 0)) {
		err = -errno;
		close(pfd);
		return err;
	}
	if (!inside || !S_ISREG(st.st_mode)) {
		close(pfd);
		return -EACCES;
	}
	fd = openat(pfd, base, oflags | O_CLOEXEC | O_NOFOLLOW);
	err = -errno;
	close(pfd);
	if (fd < 0)
		return err == -ELOOP ? -EACCES : err;
	return fd;
}

/* ---- references between objects ---------------------------------------- */

static void ref_path(char *buf, size_t len, enum hive_obj_kind hkind, uint32_t hid,
		     uint64_t slot, struct hive_obj *t)
{
	snprintf(buf, len, "%s/refs/%s%u.%llu.%s%u", state_path, kind_dir[hkind], hid,
		 (unsigned long long)slot, kind_dir[t->kind], t->id);
}

int reg_ref_add(enum hive_obj_kind hkind, uint32_t hid, uint64_t slot, struct hive_obj *target)
{
	char p[PATH_MAX + 64], src[64], dir[PATH_MAX], hint[PATH_MAX + 80];
	int err = setup();

	if (err)
		return err;
	err = anchor(target);
	if (err)
		return err;
	ref_path(p, sizeof(p), hkind, hid, slot, target);
	snprintf(src, sizeof(src), "/proc/self/fd/%d", target->fd);
	if (linkat(AT_FDCWD, src, AT_FDCWD, p, AT_SYMLINK_FOLLOW)) {
		if (errno == EEXIST)
			return 0;
		return -errno;
	}
	atomic_fetch_add(&target->hdr->nrefs, 1);
	id_dir(dir, sizeof(dir), target->kind, target->id);
	snprintf(hint, sizeof(hint), "%s/R%s%u.%llu", dir, kind_dir[hkind], hid,
		 (unsigned long long)slot);
	if (symlink(p, hint) && errno != EEXIST)
		hive_pr_debug("hive: ref hint %s: %s\n", hint, strerror(errno));
	return 0;
}

int reg_ref_del(enum hive_obj_kind hkind, uint32_t hid, uint64_t slot, struct hive_obj *target)
{
	char p[PATH_MAX + 64], dir[PATH_MAX], hint[PATH_MAX + 80];
	int err = setup();

	if (err)
		return err;
	ref_path(p, sizeof(p), hkind, hid, slot, target);
	if (unlink(p))
		return -errno;
	atomic_fetch_sub(&target->hdr->nrefs, 1);
	id_dir(dir, sizeof(dir), target->kind, target->id);
	snprintf(hint, sizeof(hint), "%s/R%s%u.%llu", dir, kind_dir[hkind], hid,
		 (unsigned long long)slot);
	unlink(hint);
	return 0;
}
