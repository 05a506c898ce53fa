/*
 * sys.c - the command line's bpf() backend (see sys.h). hive's bpf()
 * and the kernel's take the same commands and attributes; this file turns
 * both into "0/fd or -errno" and supplies the two things that are not
 * bpf() commands: a handle's fdinfo and the bpffs root.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli.h"
#include "hive/hive_bpf.h"
#include "sys.h"

int cli_kernel(void)
{
	return cli_opts.kernel;
}

int cli_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	long ret = cli_opts.kernel ? syscall(__NR_bpf, cmd, attr, size) : hive_bpf(cmd, attr, size);

	return ret < 0 ? -errno : (int)ret;
}

static uint64_t ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

int cli_map_create(uint32_t type, const char *name, uint32_t key_size, uint32_t value_size,
		   uint32_t max_entries, uint32_t flags, int inner_fd)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = key_size;
	a.value_size = value_size;
	a.max_entries = max_entries;
	a.map_flags = flags;
	a.inner_map_fd = inner_fd >= 0 ? (uint32_t)inner_fd : 0;
	if (name)
		strncpy(a.map_name, name, sizeof(a.map_name) - 1);
	return cli_bpf(BPF_MAP_CREATE, &a, sizeof(a));
}

/* The element commands share one attribute layout. */
static int elem(int cmd, int fd, const void *key, const void *value, uint64_t flags)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	a.key = ptr(key);
	a.value = ptr(value);
	a.flags = flags;
	return cli_bpf(cmd, &a, sizeof(a));
}

int cli_map_lookup(int fd, const void *key, void *value)
{
	return elem(BPF_MAP_LOOKUP_ELEM, fd, key, value, 0);
}

int cli_map_update(int fd, const void *key, const void *value, uint64_t flags)
{
	return elem(BPF_MAP_UPDATE_ELEM, fd, key, value, flags);
}

int cli_map_delete(int fd, const void *key)
{
	return elem(BPF_MAP_DELETE_ELEM, fd, key, NULL, 0);
}

int cli_map_lookup_and_delete(int fd, const void *key, void *value)
{
	return elem(BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, key, value, 0);
}

int cli_map_next_key(int fd, const void *key, void *next)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	a.key = ptr(key);
	a.next_key = ptr(next);
	return cli_bpf(BPF_MAP_GET_NEXT_KEY, &a, sizeof(a));
}

int cli_map_freeze(int fd)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	return cli_bpf(BPF_MAP_FREEZE, &a, sizeof(a));
}

int cli_obj_pin(int fd, const char *path)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.pathname = ptr(path);
	a.bpf_fd = (uint32_t)fd;
	return cli_bpf(BPF_OBJ_PIN, &a, sizeof(a));
}

int cli_obj_get(const char *path)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.pathname = ptr(path);
	return cli_bpf(BPF_OBJ_GET, &a, sizeof(a));
}

int cli_obj_info(int fd, void *info, uint32_t *len)
{
	union bpf_attr a;
	int err;

	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = *len;
	a.info.info = ptr(info);
	err = cli_bpf(BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a));
	if (!err)
		*len = a.info.info_len;
	return err;
}

int cli_fdinfo(int fd, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int f;

	if (!cli_opts.kernel)
		return hive_obj_fdinfo(fd, buf, size);
	if (!size)
		return -EINVAL;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return -errno;
	n = read(f, buf, size - 1);
	close(f);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
}

const char *cli_fs_root(void)
{
	return cli_opts.kernel ? "/sys/fs/bpf" : hive_fs_path();
}
