/*
 * test_bpf_objects.c - the object model of hive_bpf(): handles are real
 * descriptors (dup, close, fork, exec, SCM_RIGHTS), objects are shared by
 * processes (pins outlive their creator, ids are system-wide and never
 * name dead objects, concurrent writers from several processes), pinning
 * rules of the hive fs, info, and unimplemented types.
 *
 * Each test works in a private hive fs (HIVE_FS = a fresh directory).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "hive/hive_bpf.h"
#include "test_bpf_fs.h"

static const char *fs_path(const char *name)
{
	static char buf[2][512];
	static int i;

	i ^= 1;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", fsdir, name);
	return buf[i];
}

static int hash_map(uint32_t max)
{
	return hive_map_create(BPF_MAP_TYPE_HASH, "t", 4, 8, max, NULL);
}

static uint64_t get(int fd, uint32_t k)
{
	uint64_t v = UINT64_MAX;

	if (hive_map_lookup_elem(fd, &k, &v))
		return UINT64_MAX;
	return v;
}

static int set(int fd, uint32_t k, uint64_t v)
{
	return hive_map_update_elem(fd, &k, &v, BPF_ANY);
}

static int wait_ok(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return 0;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

TEST(bpf_obj_fd_semantics)
{
	int fd, d, fl;
	pid_t pid;

	private_fs();
	fd = hash_map(8);
	REQUIRE(fd >= 0);
	fl = fcntl(fd, F_GETFD);
	CHECK(fl >= 0 && (fl & FD_CLOEXEC)); /* like the kernel's map fds */
	CHECK_EQ(set(fd, 1, 11), 0);
	d = dup(fd);
	CHECK_EQ(get(d, 1), 11);
	close(fd);
	CHECK_EQ(set(d, 2, 22), 0); /* the dup keeps the map */
	pid = fork();
	if (pid == 0)
		_exit(get(d, 2) == 22 && set(d, 3, 33) == 0 ? 0 : 1);
	CHECK(wait_ok(pid));
	CHECK_EQ(get(d, 3), 33); /* written by the child */
	close(d);
	CHECK_EQ(get(d, 1), UINT64_MAX);
	CHECK_EQ(hive_map_lookup_elem(d, &(uint32_t){ 1 }, &(uint64_t){ 0 }), -EBADF);
	fd = open("/dev/null", O_RDONLY);
	CHECK_EQ(hive_map_lookup_elem(fd, &(uint32_t){ 1 }, &(uint64_t){ 0 }), -EINVAL);
	close(fd);
	cleanup_fs();
}

TEST(bpf_obj_scm_rights)
{
	int sv[2], fd = -1;
	char c = 0, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &c, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			     .msg_controllen = sizeof(ctl) };
	struct cmsghdr *cm;
	pid_t pid;

	private_fs();
	REQUIRE(!socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	if (pid == 0) {
		/* the child creates an unpinned map, fills it, sends it, exits */
		int m = hash_map(4);

		if (m < 0 || set(m, 7, 77))
			_exit(1);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &m, sizeof(int));
		_exit(sendmsg(sv[1], &mh, 0) == 1 ? 0 : 1);
	}
	CHECK(wait_ok(pid));
	REQUIRE(recvmsg(sv[0], &mh, 0) == 1);
	cm = CMSG_FIRSTHDR(&mh);
	REQUIRE(cm && cm->cmsg_type == SCM_RIGHTS);
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	CHECK_EQ(get(fd, 7), 77); /* its creator is gone; the received fd holds it */
	CHECK_EQ(set(fd, 8, 88), 0);
	CHECK_EQ(get(fd, 8), 88);
	close(fd);
	close(sv[0]);
	close(sv[1]);
	cleanup_fs();
}

TEST(bpf_obj_pin_outlives_creator)
{
	struct bpf_map_info info;
	uint32_t len = sizeof(info), id, next;
	pid_t pid;
	int fd, fd2;

	private_fs();
	pid = fork();
	if (pid == 0) {
		int m = hash_map(4);

		_exit(m >= 0 && !set(m, 1, 100) && !hive_obj_pin(m, fs_path("pinned")) ? 0 : 1);
	}
	CHECK(wait_ok(pid));
	fd = hive_obj_get(fs_path("pinned"));
	REQUIRE(fd >= 0);
	CHECK_EQ(get(fd, 1), 100);
	memset(&info, 0, sizeof(info));
	CHECK_EQ(hive_obj_get_info_by_fd(fd, &info, &len), 0);
	id = info.id;
	CHECK(id > 0);
	CHECK_STR(info.name, "t");
	/* the id is listed and opens the same map */
	CHECK_EQ(hive_map_get_next_id(0, &next), 0);
	CHECK_EQ(next, id);
	fd2 = hive_map_get_fd_by_id(id);
	CHECK(fd2 >= 0);
	CHECK_EQ(get(fd2, 1), 100);
	close(fd2);
	/* unpin and drop the last handle: the id is gone */
	CHECK_EQ(unlink(fs_path("pinned")), 0);
	close(fd);
	CHECK_EQ(hive_map_get_fd_by_id(id), -ENOENT);
	CHECK_EQ(hive_map_get_next_id(0, &next), -ENOENT);
	cleanup_fs();
}

TEST(bpf_obj_dead_process_leaves_nothing)
{
	int pfd[2], fd;
	uint32_t id = 0, next;
	pid_t pid;

	private_fs();
	REQUIRE(!pipe(pfd));
	pid = fork();
	if (pid == 0) {
		struct bpf_map_info info;
		uint32_t len = sizeof(info);
		int m = hash_map(1024);

		memset(&info, 0, sizeof(info));
		if (m < 0 || hive_obj_get_info_by_fd(m, &info, &len))
			_exit(1);
		_exit(write(pfd[1], &info.id, 4) == 4 ? 0 : 1);
	}
	CHECK(wait_ok(pid));
	REQUIRE(read(pfd[0], &id, 4) == 4);
	CHECK(id > 0);
	CHECK_EQ(hive_map_get_fd_by_id(id), -ENOENT);
	CHECK_EQ(hive_map_get_next_id(0, &next), -ENOENT);
	/* a live map still gets listed */
	fd = hash_map(4);
	CHECK_EQ(hive_map_get_next_id(0, &next), 0);
	CHECK(next > id);
	close(fd);
	close(pfd[0]);
	close(pfd[1]);
	cleanup_fs();
}

TEST(bpf_obj_pin_rules)
{
	char outside[] = "/tmp/hive-outside-XXXXXX";
	int fd, g, f;

	private_fs();
	fd = hash_map(4);
	REQUIRE(fd >= 0);
	REQUIRE(mkdtemp(outside));
	CHECK_EQ(hive_obj_pin(fd, "/tmp/hive-outside-pin"), -EPERM);
	CHECK_EQ(hive_obj_pin(fd, fs_path("nodir/x")), -ENOENT);
	CHECK_EQ(hive_obj_pin(fd, fs_path(".hive/x")), -EPERM); /* the state dir */
	CHECK_EQ(hive_obj_pin(fd, fs_path("a")), 0);
	CHECK_EQ(hive_obj_pin(fd, fs_path("a")), -EEXIST);
	CHECK(!mkdir(fs_path("dir"), 0700));
	CHECK_EQ(hive_obj_pin(fd, fs_path("dir/b")), 0);
	CHECK_EQ(hive_obj_pin(0, fs_path("c")), -EINVAL);        /* stdin is no object */
	CHECK_EQ(hive_obj_get(fs_path("missing")), -ENOENT);
	f = open(fs_path("plain"), O_CREAT | O_WRONLY, 0600);
	close(f);
	CHECK_EQ(hive_obj_get(fs_path("plain")), -EACCES);       /* not an object */
	CHECK_EQ(hive_obj_get("/etc/passwd"), -EACCES);          /* outside */
	CHECK_EQ(hive_obj_get(""), -ENOENT);
	CHECK_EQ(hive_obj_get(NULL), -EFAULT);
	/* unpin everything, then pin again (the kernel allows it) */
	CHECK(!unlink(fs_path("a")));
	CHECK(!unlink(fs_path("dir/b")));
	CHECK_EQ(hive_obj_pin(fd, fs_path("again")), 0);
	g = hive_obj_get_flags(fs_path("again"), BPF_F_RDONLY);
	CHECK(g >= 0);
	CHECK_EQ(set(g, 1, 1), -EPERM);
	CHECK_EQ(set(fd, 1, 5), 0);
	CHECK_EQ(get(g, 1), 5);
	CHECK_EQ(hive_obj_get_flags(fs_path("again"), BPF_F_RDONLY | BPF_F_WRONLY), -EINVAL);
	close(g);
	close(fd);
	rmdir(outside);
	cleanup_fs();
}

/* Two processes hammer one pinned map: distinct keys and one shared
 * counter under BPF_NOEXIST/BPF_EXIST rules; every key must be there. */
TEST(bpf_obj_concurrent_processes)
{
	enum { N = 3000 };
	pid_t pids[2];
	int fd, i, p;
	uint32_t k, cnt = 0;

	private_fs();
	fd = hive_map_create(BPF_MAP_TYPE_HASH, "c", 4, 8, 2 * N + 16, NULL);
	REQUIRE(fd >= 0);
	REQUIRE(!hive_obj_pin(fd, fs_path("shared")));
	for (p = 0; p < 2; p++) {
		pids[p] = fork();
		if (pids[p] == 0) {
			int m = hive_obj_get(fs_path("shared")), bad = 0;

			for (i = 0; i < N; i++) {
				bad |= set(m, (uint32_t)(p * N + i), (uint64_t)(p * N + i) * 3) != 0;
				if (i % 3 == 0)
					bad |= get(m, (uint32_t)(p * N + i)) != (uint64_t)(p * N + i) * 3;
				if (i % 5 == 0) { /* churn: delete and re-add */
					k = (uint32_t)(p * N + i);
					bad |= hive_map_delete_elem(m, &k) != 0;
					bad |= set(m, k, (uint64_t)k * 3) != 0;
				}
			}
			_exit(bad);
		}
	}
	for (p = 0; p < 2; p++)
		CHECK(wait_ok(pids[p]));
	for (k = 0; k < 2 * N; k++)
		cnt += get(fd, k) == (uint64_t)k * 3;
	CHECK_EQ(cnt, 2 * N);
	close(fd);
	cleanup_fs();
}

/* Readers never see a torn value while another process rewrites it. */
TEST(bpf_obj_no_torn_reads)
{
	struct { uint64_t a, b, c, d; } v, r;
	uint32_t k = 5;
	int fd, i, torn = 0;
	pid_t pid;

	private_fs();
	fd = hive_map_create(BPF_MAP_TYPE_HASH, "t", 4, sizeof(v), 16, NULL);
	REQUIRE(fd >= 0);
	memset(&v, 0, sizeof(v));
	REQUIRE(!hive_map_update_elem(fd, &k, &v, BPF_ANY));
	pid = fork();
	if (pid == 0) {
		for (i = 1; i < 200000; i++) {
			v.a = v.b = v.c = v.d = (uint64_t)i;
			hive_map_update_elem(fd, &k, &v, BPF_ANY);
		}
		_exit(0);
	}
	for (i = 0; i < 200000; i++) {
		if (hive_map_lookup_elem(fd, &k, &r))
			continue;
		torn += r.a != r.b || r.b != r.c || r.c != r.d;
	}
	CHECK(wait_ok(pid));
	CHECK_EQ(torn, 0);
	close(fd);
	cleanup_fs();
}

/* A fresh program image sees a handle it inherited across exec. */
TEST(bpf_obj_exec_child)
{
	const char *env = getenv("HIVE_TEST_EXEC_FD");
	int fd;
	pid_t pid;

	if (env) { /* we are the exec'd image: check and write back */
		fd = atoi(env);
		CHECK_EQ(get(fd, 1), 4242);
		CHECK_EQ(set(fd, 2, 4343), 0);
		return;
	}
	private_fs();
	fd = hash_map(4);
	REQUIRE(fd >= 0);
	REQUIRE(!set(fd, 1, 4242));
	REQUIRE(!fcntl(fd, F_SETFD, 0)); /* keep it across exec */
	pid = fork();
	if (pid == 0) {
		char buf[16];
		int devnull = open("/dev/null", O_WRONLY);

		snprintf(buf, sizeof(buf), "%d", fd);
		setenv("HIVE_TEST_EXEC_FD", buf, 1);
		dup2(devnull, 1);
		execl("/proc/self/exe", "run_tests", "bpf_obj_exec_child", (char *)NULL);
		_exit(127);
	}
	CHECK(wait_ok(pid));
	CHECK_EQ(get(fd, 2), 4343);
	close(fd);
	cleanup_fs();
}

TEST(bpf_obj_ids)
{
	int fds[3], i, ro;
	uint32_t ids[3], id = 0, n = 0, len;
	struct bpf_map_info info;

	private_fs();
	for (i = 0; i < 3; i++) {
		fds[i] = hash_map(4);
		REQUIRE(fds[i] >= 0);
		len = sizeof(info);
		memset(&info, 0, sizeof(info));
		CHECK_EQ(hive_obj_get_info_by_fd(fds[i], &info, &len), 0);
		ids[i] = info.id;
		if (i)
			CHECK(ids[i] > ids[i - 1]);
	}
	while (!hive_map_get_next_id(id, &id))
		CHECK_EQ(id, ids[n++]);
	CHECK_EQ(n, 3);
	close(fds[1]);
	CHECK_EQ(hive_map_get_next_id(ids[0], &id), 0);
	CHECK_EQ(id, ids[2]); /* the closed one is skipped */
	ro = hive_map_get_fd_by_id(ids[2]);
	CHECK(ro >= 0);
	CHECK_EQ(set(ro, 1, 9), 0);
	CHECK_EQ(get(fds[2], 1), 9);
	close(ro);
	ro = -1;
	{
		union bpf_attr a;

		memset(&a, 0, sizeof(a));
		a.map_id = ids[2];
		a.open_flags = BPF_F_RDONLY;
		ro = hive_bpf(BPF_MAP_GET_FD_BY_ID, &a, sizeof(a));
	}
	CHECK(ro >= 0);
	CHECK_EQ(set(ro, 1, 10), -EPERM);
	CHECK_EQ(get(ro, 1), 9);
	close(ro);
	close(fds[0]);
	close(fds[2]);
	cleanup_fs();
}

TEST(bpf_obj_mmapable_array)
{
	uint64_t *p, v;
	uint32_t k;
	int fd;

	private_fs();
	{
		HIVE_MAP_CREATE_OPTS(o, .map_flags = BPF_F_MMAPABLE);

		fd = hive_map_create(BPF_MAP_TYPE_ARRAY, "g", 4, 8, 1000, &o);
	}
	REQUIRE(fd >= 0);
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	REQUIRE(p != MAP_FAILED);
	k = 3;
	v = 0xabc;
	CHECK_EQ(hive_map_update_elem(fd, &k, &v, 0), 0);
	CHECK_EQ(p[3], 0xabc);
	p[999] = 77; /* value 999 at offset 999 * 8, as on the kernel */
	k = 999;
	CHECK_EQ(hive_map_lookup_elem(fd, &k, &v), 0);
	CHECK_EQ(v, 77);
	munmap(p, 8192);
	close(fd);
	cleanup_fs();
}

static char last_msg[512];

static int capture(enum hive_print_level level, const char *fmt, va_list ap)
{
	vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
	return 0;
}

TEST(bpf_obj_unimplemented_type_named)
{
	hive_print_fn old;

	private_fs();
	old = hive_set_print(capture);
	CHECK_EQ(hive_map_create(BPF_MAP_TYPE_SOCKMAP, "s", 4, 4, 4, NULL), -EINVAL);
	CHECK(strstr(last_msg, "sockmap") != NULL);
	hive_set_print(old);
	cleanup_fs();
}

TEST(bpf_obj_percpu_values)
{
	int n = hive_num_possible_cpus(), fd, c;
	uint64_t vals[64];
	uint32_t k = 0;
	FILE *f = fopen("/sys/devices/system/cpu/possible", "r");

	CHECK(n >= 1 && n <= 64);
	if (f)
		fclose(f);
	private_fs();
	fd = hive_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "p", 4, 4, 2, NULL);
	REQUIRE(fd >= 0);
	for (c = 0; c < n; c++)
		vals[c] = 0x100 + c; /* 4-byte values, 8-byte slots */
	CHECK_EQ(hive_map_update_elem(fd, &k, vals, 0), 0);
	memset(vals, 0xff, sizeof(vals));
	CHECK_EQ(hive_map_lookup_elem(fd, &k, vals), 0);
	for (c = 0; c < n; c++)
		CHECK_EQ(vals[c], 0x100 + c);
	close(fd);
	cleanup_fs();
}

/* A corrupted object file in the hive fs is refused, not trusted. */
TEST(bpf_obj_corrupt_file_refused)
{
	struct stat st;
	uint64_t bogus = 1ull << 40;
	hive_print_fn old;
	pid_t pid;
	int f;

	private_fs();
	/* made by a child, so this process has never mapped it */
	pid = fork();
	if (pid == 0) {
		int m = hash_map(16);

		_exit(m >= 0 && !hive_obj_pin(m, fs_path("victim")) ? 0 : 1);
	}
	REQUIRE(wait_ok(pid));
	f = open(fs_path("victim"), O_RDWR);
	REQUIRE(f >= 0);
	REQUIRE(!fstat(f, &st));
	/* struct hive_map_def sits at offset 1024 of the last page; ctl_off at 72 */
	REQUIRE(pwrite(f, &bogus, 8, st.st_size - 4096 + 1024 + 72) == 8);
	close(f);
	old = hive_set_print(NULL);
	CHECK_EQ(hive_obj_get(fs_path("victim")), -EACCES);
	hive_set_print(old);
	cleanup_fs();
}

/* Maps a process created and closed are unmapped again (obj_sweep). */
TEST(bpf_obj_closed_maps_unmapped)
{
	char line[1024];
	int i, n = 0;
	FILE *f;

	private_fs();
	for (i = 0; i < 300; i++) {
		int fd = hash_map(64);

		REQUIRE(fd >= 0);
		close(fd);
	}
	f = fopen("/proc/self/maps", "r");
	REQUIRE(f);
	while (fgets(line, sizeof(line), f))
		n += strstr(line, fsdir) != NULL;
	fclose(f);
	CHECK(n < 100);
	cleanup_fs();
}

/* An inner map lives as long as an outer map stores it, across processes. */
TEST(bpf_obj_inner_map_lifetime)
{
	uint32_t k = 0, inner_id = 0, next;
	pid_t pid;
	int outer, fd;

	private_fs();
	pid = fork();
	if (pid == 0) {
		int in = hive_map_create(BPF_MAP_TYPE_HASH, "in", 4, 8, 4, NULL), out;
		HIVE_MAP_CREATE_OPTS(o, .inner_map_fd = (uint32_t)in);

		out = hive_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "out", 4, 4, 2, &o);
		if (in < 0 || out < 0 || set(in, 1, 123) || hive_map_update_elem(out, &k, &in, 0) ||
		    hive_obj_pin(out, fs_path("outer")))
			_exit(1);
		_exit(0); /* the inner map's only handle dies here */
	}
	REQUIRE(wait_ok(pid));
	outer = hive_obj_get(fs_path("outer"));
	REQUIRE(outer >= 0);
	CHECK_EQ(hive_map_lookup_elem(outer, &k, &inner_id), 0);
	fd = hive_map_get_fd_by_id(inner_id);
	CHECK(fd >= 0);
	CHECK_EQ(get(fd, 1), 123);
	close(fd);
	/* removed from the slot and no handle left: gone */
	CHECK_EQ(hive_map_delete_elem(outer, &k), 0);
	CHECK_EQ(hive_map_get_fd_by_id(inner_id), -ENOENT);
	CHECK_EQ(hive_map_get_next_id(inner_id - 1, &next), 0);
	CHECK(next != inner_id); /* the outer map is listed, the inner one not */
	close(outer);
	cleanup_fs();
}

/* A forked child that outlives its parent keeps the inherited map
 * findable by id once it calls into hive at all. */
TEST(bpf_obj_forked_child_registers)
{
	int pfd[2], fd;
	uint32_t id = 0, len;
	struct bpf_map_info info;
	pid_t mid, child;
	char ok = 0;

	private_fs();
	REQUIRE(!pipe(pfd));
	mid = fork();
	if (mid == 0) {
		/* middle process: creates the map, forks the holder, exits */
		int m = hash_map(4), go[2];

		len = sizeof(info);
		memset(&info, 0, sizeof(info));
		if (m < 0 || set(m, 1, 5) || hive_obj_get_info_by_fd(m, &info, &len) || pipe(go))
			_exit(1);
		child = fork();
		if (child == 0) {
			char c;
			uint32_t next;

			close(go[1]);
			if (read(go[0], &c, 1) != 0) /* EOF: the middle process is gone */
				_exit(1);
			hive_map_get_next_id(0, &next); /* any call registers */
			if (write(pfd[1], &info.id, 4) != 4)
				_exit(1);
			sleep(2); /* hold the map while the test looks it up */
			_exit(0);
		}
		close(go[0]);
		_exit(0); /* closing go[1] tells the holder we are gone */
	}
	close(pfd[1]);
	REQUIRE(wait_ok(mid));
	REQUIRE(read(pfd[0], &id, 4) == 4);
	fd = hive_map_get_fd_by_id(id);
	CHECK(fd >= 0);
	CHECK_EQ(get(fd, 1), 5);
	ok = fd >= 0;
	if (fd >= 0)
		close(fd);
	(void)ok;
	close(pfd[0]);
	cleanup_fs();
}

/* After its pin is removed and its last handle closed, nothing of a once
 * pinned map stays on the hive fs (the anchor is collected). */
TEST(bpf_obj_unpinned_map_collected)
{
	char dir[600];
	struct dirent *de;
	int fd, left = 0;
	uint32_t next;
	DIR *d;

	private_fs();
	fd = hash_map(4);
	REQUIRE(fd >= 0);
	REQUIRE(!hive_obj_pin(fd, fs_path("p")));
	close(fd);
	CHECK(!unlink(fs_path("p")));
	sleep(1); /* collection runs at most once a second */
	CHECK_EQ(hive_map_get_next_id(0, &next), -ENOENT);
	snprintf(dir, sizeof(dir), "%s/.hive/anchor", fsdir);
	d = opendir(dir);
	REQUIRE(d);
	while ((de = readdir(d)))
		left += de->d_name[0] != '.';
	closedir(d);
	CHECK_EQ(left, 0);
	cleanup_fs();
}

/* The references of a map that died with its process are collected, and
 * what only they kept alive goes too. */
TEST(bpf_obj_dead_holder_refs_collected)
{
	char dir[600];
	struct dirent *de;
	int pfd[2], left = 0;
	uint32_t inner_id = 0, next;
	pid_t pid;
	DIR *d;

	private_fs();
	REQUIRE(!pipe(pfd));
	pid = fork();
	if (pid == 0) {
		int in = hive_map_create(BPF_MAP_TYPE_ARRAY, "in", 4, 8, 4, NULL), out;
		HIVE_MAP_CREATE_OPTS(o, .inner_map_fd = (uint32_t)in);
		struct bpf_map_info info;
		uint32_t len = sizeof(info), k = 0;

		out = hive_map_create(BPF_MAP_TYPE_HASH_OF_MAPS, "out", 4, 4, 4, &o);
		memset(&info, 0, sizeof(info));
		if (in < 0 || out < 0 || hive_map_update_elem(out, &k, &in, 0) ||
		    hive_obj_get_info_by_fd(in, &info, &len) || write(pfd[1], &info.id, 4) != 4)
			_exit(1);
		_exit(0); /* outer (unpinned) and inner die with us, but a link remains */
	}
	REQUIRE(wait_ok(pid));
	REQUIRE(read(pfd[0], &inner_id, 4) == 4);
	sleep(1); /* collection runs at most once a second */
	hive_map_get_next_id(0, &next);
	CHECK_EQ(hive_map_get_fd_by_id(inner_id), -ENOENT);
	snprintf(dir, sizeof(dir), "%s/.hive/refs", fsdir);
	d = opendir(dir);
	REQUIRE(d);
	while ((de = readdir(d)))
		left += de->d_name[0] != '.';
	closedir(d);
	CHECK_EQ(left, 0);
	close(pfd[0]);
	close(pfd[1]);
	cleanup_fs();
}
