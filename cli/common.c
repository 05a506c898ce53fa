/*
 * common.c - helpers shared by the bpftool-style families (see common.h):
 * messages, argument checks, MAP/PROG handles, pinning on the hive
 * filesystem, fdinfo, hex output and type names. Everything goes through
 * the public API (hive_bpf.h).
 */
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "hive/hive_bpf.h"
#include "sys.h"

int p_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_verror(fmt, ap);
	va_end(ap);
	return -1;
}

void p_info(const char *fmt, ...)
{
	va_list ap;

	if (json_wtr)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int family_help(const struct family *f)
{
	if (json_wtr)
		jw_null(json_wtr);
	else
		f->print_usage(stdout);
	return 0;
}

int family_usage(const struct family *f)
{
	if (json_wtr)
		jw_null(json_wtr);
	else
		f->print_usage(stderr);
	return -1;
}

int family_unknown(const struct family *f, const char *word)
{
	p_err("unknown %s command '%s'", f->name, word);
	if (!json_wtr)
		f->print_usage(stderr);
	return -1;
}

volatile sig_atomic_t cli_stop;

static void on_stop(int sig)
{
	(void)sig;
	cli_stop = 1;
}

void cli_catch_stop(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int cmd_select(const struct family *f, const struct cmd *cmds, int argc, char **argv)
{
	size_t i;

	if (argc < 1)
		return cmds[0].fn(argc, argv);
	for (i = 0; cmds[i].name; i++)
		if (cli_is_prefix(argv[0], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	if (cli_is_prefix(argv[0], "help"))
		return family_help(f);
	return family_unknown(f, argv[0]);
}

bool req_args(int argc, char **argv, int cnt)
{
	if (argc >= cnt)
		return true;
	p_err("'%s' needs at least %d arguments, %d found", argv[-1], cnt, argc);
	return false;
}

int bad_arg(const char *arg)
{
	return p_err("what is '%s'?", arg);
}

bool parse_u32(const char *s, uint32_t *v)
{
	char *end;
	unsigned long long x;

	errno = 0;
	x = strtoull(s, &end, 0);
	if (!*s || *end || errno || x > UINT32_MAX)
		return false;
	*v = (uint32_t)x;
	return true;
}

/* ---- fdinfo ------------------------------------------------------------- */

char *get_fdinfo(int fd, const char *key)
{
	char buf[2048], *line, *end;
	size_t klen = strlen(key);

	if (cli_fdinfo(fd, buf, sizeof(buf)) < 0)
		return NULL;
	for (line = buf; *line; line = end + 1) {
		end = strchr(line, '\n');
		if (!end)
			break;
		if (!strncmp(line, key, klen) && line[klen] == ':' && line[klen + 1] == '\t') {
			*end = '\0';
			return strdup(line + klen + 2);
		}
	}
	return NULL;
}

enum obj_type get_fd_type(int fd)
{
	char *v;

	/* the kind's own first fdinfo line tells it (the kernel's come after
	 * pos/flags/mnt_id/ino) */
	if ((v = get_fdinfo(fd, "map_type"))) {
		free(v);
		return OBJ_MAP;
	}
	if ((v = get_fdinfo(fd, "prog_type"))) {
		free(v);
		return OBJ_PROG;
	}
	if ((v = get_fdinfo(fd, "link_type")) || (v = get_fdinfo(fd, "link_id"))) {
		free(v);
		return OBJ_LINK;
	}
	if ((v = get_fdinfo(fd, "btf_id"))) {
		free(v);
		return OBJ_BTF;
	}
	return OBJ_UNKNOWN;
}

const char *obj_type_name(enum obj_type t)
{
	static const char *const names[] = { "unknown", "prog", "map", "link", "btf" };

	return (unsigned)t < 5 ? names[t] : names[0];
}

int cli_map_info(int fd, struct bpf_map_info *info)
{
	uint32_t len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return cli_obj_info(fd, info, &len);
}

int cli_prog_info(int fd, struct bpf_prog_info *info)
{
	uint32_t len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return cli_obj_info(fd, info, &len);
}

/* ---- pinning ---------------------------------------------------------------- */

#define KERNEL_BPFFS "/sys/fs/bpf"

const char *pin_path(const char *path, char *buf, size_t len)
{
	size_t k = strlen(KERNEL_BPFFS);
	const char *root;

	if (cli_kernel() || strncmp(path, KERNEL_BPFFS, k) || (path[k] && path[k] != '/'))
		return path;
	root = hive_fs_path();
	if (!root) {
		p_err("no hive file system: %s", strerror(errno));
		return NULL;
	}
	if ((size_t)snprintf(buf, len, "%s%s", root, path + k) >= len) {
		p_err("path too long: %s", path);
		return NULL;
	}
	return buf;
}

/* Whether @path is under the hive filesystem. */
static bool in_hive_fs(const char *path)
{
	const char *root = cli_fs_root();
	char dir[4096], real[4096], *slash;
	size_t n;

	if (cli_kernel())
		return true; /* the kernel says where pins may go */
	if (!root || strlen(path) >= sizeof(dir))
		return false;
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	if (!realpath(slash ? (dir[0] ? dir : "/") : ".", real))
		return false;
	n = strlen(root);
	return !strncmp(real, root, n) && (real[n] == '\0' || real[n] == '/');
}

int open_obj_pinned(const char *path, bool quiet)
{
	char buf[4096];
	const char *p = pin_path(path, buf, sizeof(buf));
	int fd;

	if (!p)
		return -1;
	fd = cli_obj_get(p);
	if (fd < 0 && !quiet) {
		if (fd == -EACCES && !in_hive_fs(p))
			p_err("bpf obj get (%s): not in the hive file system (%s)", path,
			      hive_fs_path() ? hive_fs_path() : "?");
		else
			p_err("bpf obj get (%s): %s", path, hive_strerror(fd));
	}
	return fd < 0 ? -1 : fd;
}

int open_obj_pinned_any(const char *path, enum obj_type type)
{
	enum obj_type t;
	int fd = open_obj_pinned(path, false);

	if (fd < 0)
		return -1;
	t = get_fd_type(fd);
	if (t != type) {
		p_err("incorrect object type: %s", obj_type_name(t));
		close(fd);
		return -1;
	}
	return fd;
}

int check_fs(void)
{
	struct stat st;
	const char *env = getenv("HIVE_FS");

	if (cli_kernel())
		return 0; /* the kernel's bpffs: pins fail where it is not mounted */
	if (cli_opts.nomount && env && *env && stat(env, &st))
		return p_err("no BPF file system found, not mounting it due to --nomount option");
	if (!hive_fs_path())
		return p_err("can't create the hive file system: %s", strerror(errno));
	return 0;
}

int pin_fd(int fd, const char *name, char *why, size_t len)
{
	char buf[4096];
	const char *p = pin_path(name, buf, sizeof(buf));
	int err;

	if (!p) {
		snprintf(why, len, "path too long");
		return -ENAMETOOLONG;
	}
	err = cli_obj_pin(fd, p);
	if (err == -EPERM && !in_hive_fs(p))
		snprintf(why, len, "not in the hive file system (%s)", hive_fs_path());
	else if (err)
		snprintf(why, len, "%s", hive_strerror(err));
	return err;
}

int check_pin_dir(const char *name)
{
	char buf[4096], dir[4096], *slash;
	const char *p = pin_path(name, buf, sizeof(buf));
	struct stat st;

	if (!p)
		return -1;
	if (cli_kernel() || strlen(name) >= sizeof(dir))
		return 0;
	strcpy(dir, p);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir || !stat((*slash = '\0', dir), &st))
		return 0;
	/* what bpftool says when the directory is not on a bpffs it could mount */
	if (cli_opts.nomount)
		return p_err("no BPF file system found, not mounting it due to --nomount option");
	strcpy(dir, name);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	return p_err("can't mount BPF file system to pin the object (%s): mount --make-private %s failed: %s",
		     name, dir, strerror(ENOENT));
}

int do_pin_fd(int fd, const char *name)
{
	char why[512];
	int err;

	if (check_fs() || check_pin_dir(name))
		return -1;
	err = pin_fd(fd, name, why, sizeof(why));
	if (err)
		p_err("can't pin the object (%s): %s", name, why);
	return err; /* -errno: the exit status, as bpftool's */
}

int do_pin_any(int argc, char **argv, int (*get_fd)(int *, char ***))
{
	int fd, err;

	if (!req_args(argc, argv, 3))
		return -EINVAL; /* bpftool's exit status here */
	fd = get_fd(&argc, &argv);
	if (fd < 0)
		return -1;
	if (argc != 1) {
		close(fd);
		return argc ? bad_arg(argv[1]) : p_err("expected a file name");
	}
	err = do_pin_fd(fd, *argv);
	close(fd);
	return err;
}

int create_pin_dir(const char *dir)
{
	char buf[4096], tmp[4096];
	const char *p;
	struct stat st;

	if (check_fs())
		return -1;
	p = pin_path(dir, tmp, sizeof(tmp));
	if (!p)
		return -1;
	if (!stat(p, &st)) {
		if (!S_ISDIR(st.st_mode))
			return p_err("'%s' is not a directory", dir);
	} else if (mkdir(p, 0700)) {
		return p_err("failed to create dir '%s': %s", dir, strerror(errno));
	}
	if ((size_t)snprintf(buf, sizeof(buf), "%s/.", p) >= sizeof(buf) || !in_hive_fs(buf))
		return p_err("'%s' is not in the hive file system (%s)", dir, hive_fs_path());
	return 0;
}

/* ---- handles ----------------------------------------------------------------- */

static int push_fd(int **fds, int *n, int fd)
{
	int *nf = realloc(*fds, (size_t)(*n + 1) * sizeof(int));

	if (!nf) {
		close(fd);
		return p_err("mem alloc failed");
	}
	*fds = nf;
	(*fds)[(*n)++] = fd;
	return 0;
}

static void close_fds(int *fds, int n)
{
	while (n-- > 0)
		close(fds[n]);
}

int obj_get_next_id(enum obj_type type, uint32_t id, uint32_t *next)
{
	union bpf_attr attr;
	int err, cmd = type == OBJ_PROG ? BPF_PROG_GET_NEXT_ID :
		  type == OBJ_BTF ? BPF_BTF_GET_NEXT_ID :
		  type == OBJ_LINK ? BPF_LINK_GET_NEXT_ID : BPF_MAP_GET_NEXT_ID;

	memset(&attr, 0, sizeof(attr));
	attr.start_id = id;
	err = cli_bpf(cmd, &attr, sizeof(attr));
	if (err)
		return err;
	*next = attr.next_id;
	return 0;
}

int obj_get_fd_by_id(enum obj_type type, uint32_t id)
{
	union bpf_attr attr;
	int fd, cmd = type == OBJ_PROG ? BPF_PROG_GET_FD_BY_ID :
		      type == OBJ_BTF ? BPF_BTF_GET_FD_BY_ID :
		      type == OBJ_LINK ? BPF_LINK_GET_FD_BY_ID : BPF_MAP_GET_FD_BY_ID;

	memset(&attr, 0, sizeof(attr));
	attr.map_id = id; /* prog_id, btf_id and link_id share the slot */
	fd = cli_bpf(cmd, &attr, sizeof(attr));
	return fd;
}

/* Every live map (or program) for which @match(info, arg) holds. */
static int fds_by_match(bool prog, bool (*match)(const void *info, const void *arg),
			const void *arg, int **fds)
{
	uint32_t id = 0;
	int n = 0, err, fd;

	for (;;) {
		union {
			struct bpf_map_info map;
			struct bpf_prog_info prog;
		} info;

		err = obj_get_next_id(prog ? OBJ_PROG : OBJ_MAP, id, &id);
		if (err == -ENOENT)
			return n;
		if (err) {
			p_err("%s", hive_strerror(err));
			goto err;
		}
		fd = obj_get_fd_by_id(prog ? OBJ_PROG : OBJ_MAP, id);
		if (fd == -ENOENT)
			continue; /* gone meanwhile */
		if (fd < 0) {
			p_err("can't get %s by id (%u): %s", prog ? "prog" : "map", id,
			      hive_strerror(fd));
			goto err;
		}
		err = prog ? cli_prog_info(fd, &info.prog) : cli_map_info(fd, &info.map);
		if (err) {
			p_err("can't get %s info (%u): %s", prog ? "prog" : "map", id,
			      hive_strerror(err));
			close(fd);
			goto err;
		}
		if (!match(&info, arg)) {
			close(fd);
			continue;
		}
		if (push_fd(fds, &n, fd))
			goto err;
	}
err:
	close_fds(*fds, n);
	return -1;
}

static bool map_name_is(const void *info, const void *name)
{
	return !strncmp(((const struct bpf_map_info *)info)->name, name, BPF_OBJ_NAME_LEN);
}

static bool prog_name_is(const void *info, const void *name)
{
	return !strncmp(((const struct bpf_prog_info *)info)->name, name, BPF_OBJ_NAME_LEN);
}

static bool prog_tag_is(const void *info, const void *tag)
{
	return !memcmp(((const struct bpf_prog_info *)info)->tag, tag, BPF_TAG_SIZE);
}

static int parse_fds(bool prog, int *argc, char ***argv, int **fds)
{
	char *word = **argv;
	uint32_t id;
	int fd;

	*fds = NULL;
	if (!word)
		return p_err(prog ? "expected 'id', 'tag', 'name' or 'pinned', got: '(null)'?" :
				    "expected 'id', 'name' or 'pinned', got: '(null)'?");
	if (cli_is_prefix(word, "id") || cli_is_prefix(word, "pinned") ||
	    cli_is_prefix(word, "name") || (prog && cli_is_prefix(word, "tag"))) {
		if (*argc < 2)
			return p_err("what is '%s'?", word); /* handle word without its argument */
	}
	if (cli_is_prefix(word, "id")) {
		if (!parse_u32((*argv)[1], &id))
			return p_err("can't parse %s as ID", (*argv)[1]);
		*argc -= 2;
		*argv += 2;
		fd = obj_get_fd_by_id(prog ? OBJ_PROG : OBJ_MAP, id);
		if (fd < 0)
			return p_err(prog ? "get by id (%u): %s" : "get map by id (%u): %s", id,
				     hive_strerror(fd));
		return push_fd(fds, &(int){ 0 }, fd) ? -1 : 1;
	}
	if (prog && cli_is_prefix(word, "tag")) {
		unsigned char tag[BPF_TAG_SIZE];
		const char *t = (*argv)[1];
		int i;

		for (i = 0; i < BPF_TAG_SIZE; i++)
			if (sscanf(t + 2 * i, "%2hhx", &tag[i]) != 1)
				return p_err("can't parse tag");
		*argc -= 2;
		*argv += 2;
		return fds_by_match(true, prog_tag_is, tag, fds);
	}
	if (cli_is_prefix(word, "name")) {
		const char *name = (*argv)[1];

		if (strlen(name) > BPF_OBJ_NAME_LEN - 1)
			return p_err("can't parse name");
		*argc -= 2;
		*argv += 2;
		return fds_by_match(prog, prog ? prog_name_is : map_name_is, name, fds);
	}
	if (cli_is_prefix(word, "pinned")) {
		const char *path = (*argv)[1];

		*argc -= 2;
		*argv += 2;
		fd = open_obj_pinned_any(path, prog ? OBJ_PROG : OBJ_MAP);
		if (fd < 0)
			return -1;
		return push_fd(fds, &(int){ 0 }, fd) ? -1 : 1;
	}
	return p_err(prog ? "expected 'id', 'tag', 'name' or 'pinned', got: '%s'?" :
			    "expected 'id', 'name' or 'pinned', got: '%s'?", word);
}

int map_parse_fds(int *argc, char ***argv, int **fds)
{
	return parse_fds(false, argc, argv, fds);
}

int prog_parse_fds(int *argc, char ***argv, int **fds)
{
	return parse_fds(true, argc, argv, fds);
}

static int parse_one(bool prog, int *argc, char ***argv)
{
	int *fds = NULL, n, fd = -1;

	n = parse_fds(prog, argc, argv, &fds);
	if (n == 1) {
		fd = fds[0];
	} else if (n > 1) {
		p_err(prog ? "several programs match this handle" : "several maps match this handle");
		close_fds(fds, n);
	} else if (n == 0) {
		p_err(prog ? "no program matches this handle" : "no map matches this handle");
	}
	free(fds);
	return fd;
}

int map_parse_fd(int *argc, char ***argv)
{
	return parse_one(false, argc, argv);
}

int prog_parse_fd(int *argc, char ***argv)
{
	return parse_one(true, argc, argv);
}

int map_parse_fd_and_info(int *argc, char ***argv, struct bpf_map_info *info)
{
	int fd = map_parse_fd(argc, argv), err;

	if (fd < 0)
		return -1;
	err = cli_map_info(fd, info);
	if (err) {
		p_err("can't get map info: %s", hive_strerror(err));
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- show / list ------------------------------------------------------------- */

int show_objects(enum obj_type type, int argc, char **argv,
		 int (*show)(int fd, const struct pinned_table *pins))
{
	struct pinned_table *pins = cli_opts.show_pinned ? pinned_table_build(type) : NULL;
	bool prog = type == OBJ_PROG;
	uint32_t id = 0;
	int err = 0, fd, i, n, *fds = NULL;

	if (argc == 2) {
		n = parse_fds(prog, &argc, &argv, &fds);
		if (n < 1) {
			if (!n)
				p_err(prog ? "no program matches this handle" : "no map matches this handle");
			err = -1;
			goto out;
		}
		if (json_wtr && n > 1)
			jw_start_array(json_wtr);
		for (i = 0; i < n; i++) {
			if (!err)
				err = show(fds[i], pins);
			close(fds[i]);
		}
		if (json_wtr && n > 1)
			jw_end_array(json_wtr);
		goto out;
	}
	if (argc) {
		err = bad_arg(argv[0]);
		goto out;
	}
	if (json_wtr)
		jw_start_array(json_wtr);
	for (;;) {
		err = obj_get_next_id(type, id, &id);
		if (err == -ENOENT) {
			err = 0;
			break;
		}
		if (err) {
			err = p_err("can't get next %s: %s", prog ? "program" : "map", hive_strerror(err));
			break;
		}
		fd = obj_get_fd_by_id(type, id);
		if (fd == -ENOENT)
			continue; /* gone meanwhile */
		if (fd < 0) {
			err = p_err("can't get %s by id (%u): %s", prog ? "prog" : "map", id,
				    hive_strerror(fd));
			break;
		}
		err = show(fd, pins);
		close(fd);
		if (err)
			break;
	}
	if (json_wtr)
		jw_end_array(json_wtr);
out:
	free(fds);
	pinned_table_free(pins);
	return err;
}

/* ---- pinned objects (-f) ----------------------------------------------------- */

struct pinned_entry {
	uint32_t id;
	char *path;
};

struct pinned_table {
	struct pinned_entry *e;
	size_t n;
};

static struct pinned_table *walk_table;
static enum obj_type walk_type;

static int walk_cb(const char *fpath, const struct stat *sb, int flag, struct FTW *ftw)
{
	union {
		struct bpf_map_info map;
		struct bpf_prog_info prog;
	} info;
	struct pinned_entry *ne;
	uint32_t len = sizeof(info);
	int fd;

	(void)sb;
	if (flag == FTW_D && !strcmp(fpath + ftw->base, ".hive"))
		return FTW_SKIP_SUBTREE; /* hive's own state */
	if (flag != FTW_F)
		return FTW_CONTINUE;
	fd = cli_obj_get(fpath);
	if (fd < 0)
		return FTW_CONTINUE;
	memset(&info, 0, sizeof(info));
	if (get_fd_type(fd) == walk_type && !cli_obj_info(fd, &info, &len)) {
		ne = realloc(walk_table->e, (walk_table->n + 1) * sizeof(*ne));
		if (ne) {
			walk_table->e = ne;
			ne[walk_table->n].id = walk_type == OBJ_PROG ? info.prog.id : info.map.id;
			ne[walk_table->n].path = strdup(fpath);
			if (ne[walk_table->n].path)
				walk_table->n++;
		}
	}
	close(fd);
	return FTW_CONTINUE;
}

struct pinned_table *pinned_table_build(enum obj_type type)
{
	struct pinned_table *t = calloc(1, sizeof(*t));
	const char *root = cli_fs_root();

	if (!t || !root)
		return t;
	walk_table = t;
	walk_type = type;
	nftw(root, walk_cb, 16, FTW_PHYS | FTW_ACTIONRETVAL);
	walk_table = NULL;
	return t;
}

const char *pinned_table_next(const struct pinned_table *t, uint32_t id, size_t *it)
{
	if (!t)
		return NULL;
	for (; *it < t->n; (*it)++)
		if (t->e[*it].id == id)
			return t->e[(*it)++].path;
	return NULL;
}

void pinned_table_free(struct pinned_table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++)
		free(t->e[i].path);
	free(t->e);
	free(t);
}

/* ---- output ------------------------------------------------------------------ */

void fprint_hex(FILE *f, const void *data, size_t n, const char *sep)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *pfx = "";

		if (!i)
			pfx = "";
		else if (!(i % 16))
			fputc('\n', f);
		else if (!(i % 8))
			fputs("  ", f);
		else
			pfx = sep;
		fprintf(f, "%s%02x", pfx, p[i]);
	}
}

void print_boot_time(uint64_t nsecs, char *buf, size_t size)
{
	struct timespec real, boot;
	time_t secs;
	struct tm tm;

	if (clock_gettime(CLOCK_REALTIME, &real) || clock_gettime(CLOCK_BOOTTIME, &boot)) {
		snprintf(buf, size, "%llu", (unsigned long long)(nsecs / 1000000000));
		return;
	}
	secs = (real.tv_sec - boot.tv_sec) +
	       (time_t)((real.tv_nsec - boot.tv_nsec + (int64_t)nsecs) / 1000000000);
	if (!localtime_r(&secs, &tm)) {
		snprintf(buf, size, "%llu", (unsigned long long)(nsecs / 1000000000));
		return;
	}
	strftime(buf, size, json_wtr ? "%s" : "%FT%T%z", &tm);
}

const char *cli_map_type_name(uint32_t type)
{
	/* bpftool 7.1 (libbpf 1.1) knows the types up to user_ringbuf */
	return type <= BPF_MAP_TYPE_USER_RINGBUF ? hive_map_type_str(type) : NULL;
}

const char *cli_prog_type_name(uint32_t type)
{
	return type <= BPF_PROG_TYPE_SYSCALL ? hive_prog_type_str(type) : NULL;
}

bool map_is_per_cpu(uint32_t type)
{
	return type == BPF_MAP_TYPE_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

bool map_is_map_of_maps(uint32_t type)
{
	return type == BPF_MAP_TYPE_ARRAY_OF_MAPS || type == BPF_MAP_TYPE_HASH_OF_MAPS;
}

bool map_is_map_of_progs(uint32_t type)
{
	return type == BPF_MAP_TYPE_PROG_ARRAY;
}

unsigned possible_cpus(void)
{
	int n = hive_num_possible_cpus();

	return n > 0 ? (unsigned)n : 1;
}
