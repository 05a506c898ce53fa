/*
 * objcmd.c - BPF_OBJ_PIN, BPF_OBJ_GET, BPF_*_GET_NEXT_ID,
 * BPF_*_GET_FD_BY_ID and BPF_OBJ_GET_INFO_BY_FD, with the kernel's checks
 * in the kernel's order (so that the same misuse gives the same errno).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "core/attr.h"
#include "core/btf_obj.h"
#include "core/prog.h"
#include "core/registry.h"
#include "core/sys.h"
#include "helpers/helpers.h"
#include "maps/map.h"
#include "util/util.h"

int (*hive_obj_info_ext)(struct hive_obj *obj, union bpf_attr *attr);

int bpf_file_flag(unsigned flags)
{
	if ((flags & BPF_F_RDONLY) && (flags & BPF_F_WRONLY))
		return -EINVAL;
	if (flags & BPF_F_RDONLY)
		return O_RDONLY;
	if (flags & BPF_F_WRONLY)
		return O_WRONLY;
	return O_RDWR;
}

static uint32_t attr_path_fd(const union bpf_attr *attr)
{
	uint32_t v;

	memcpy(&v, (const unsigned char *)attr + HIVE_ATTR_PATH_FD_OFF, 4);
	return v;
}

/*
 * Copy a user path into @buf (PATH_MAX + 1 bytes), the kernel's getname():
 * EFAULT for NULL or unreadable memory (also a string running into an
 * unmapped page), ENOENT for "", ENAMETOOLONG from PATH_MAX bytes on.
 */
static int get_path(const union bpf_attr *attr, char *buf)
{
	const char *p = (const char *)(uintptr_t)attr->pathname;
	long n;
	char c;

	if (!p)
		return -EFAULT;
	n = probe_str(buf, p, PATH_MAX + 1);
	if (n < 0)
		return -EFAULT;
	if (n > PATH_MAX)
		return -ENAMETOOLONG;
	/* the NUL must be the string's own, not where a fault cut it */
	if (probe_mem(&c, p + n - 1, 1) || c)
		return -EFAULT;
	return n == 1 ? -ENOENT : 0;
}

int sys_obj_pin(union bpf_attr *attr)
{
	struct hive_obj *obj;
	char path[PATH_MAX + 1];
	int dirfd, err;

	if (attr_tail_nonzero(attr, HIVE_OBJ_END) || (attr->file_flags & ~HIVE_F_PATH_FD))
		return -EINVAL;
	if (!(attr->file_flags & HIVE_F_PATH_FD) && attr_path_fd(attr))
		return -EINVAL;
	dirfd = attr->file_flags & HIVE_F_PATH_FD ? (int)attr_path_fd(attr) : AT_FDCWD;
	err = obj_from_fd((int)attr->bpf_fd, HIVE_OBJ_NONE, &obj, NULL);
	if (err)
		return err;
	/* the kernel pins maps, programs and links, not BTF */
	err = obj->kind == HIVE_OBJ_BTF ? -EINVAL : get_path(attr, path);
	if (!err)
		err = reg_pin(obj, dirfd, path);
	obj_put(obj);
	return err;
}

int sys_obj_get(union bpf_attr *attr)
{
	struct hive_obj *obj;
	char path[PATH_MAX + 1];
	int dirfd, f_flags, fd, err;

	if (attr_tail_nonzero(attr, HIVE_OBJ_END) || attr->bpf_fd != 0 ||
	    (attr->file_flags & ~(BPF_F_RDONLY | BPF_F_WRONLY | HIVE_F_PATH_FD)))
		return -EINVAL;
	if (!(attr->file_flags & HIVE_F_PATH_FD) && attr_path_fd(attr))
		return -EINVAL;
	dirfd = attr->file_flags & HIVE_F_PATH_FD ? (int)attr_path_fd(attr) : AT_FDCWD;
	f_flags = bpf_file_flag(attr->file_flags);
	if (f_flags < 0)
		return f_flags;
	err = get_path(attr, path);
	if (err)
		return err;
	fd = reg_open_pinned(dirfd, path, O_RDWR);
	if (fd < 0)
		return fd;
	err = obj_get_by_fd(fd, &obj);
	close(fd);
	if (err)
		return err == -ENOMEM ? err : -EACCES;
	/* programs and links ignore the access flags, as in the kernel */
	fd = obj_new_handle(obj, obj->kind == HIVE_OBJ_MAP ? f_flags : O_RDWR);
	obj_put(obj);
	return fd;
}

int sys_get_next_id(enum hive_obj_kind kind, union bpf_attr *attr)
{
	uint32_t next;
	int err;

	if (attr_tail_nonzero(attr, HIVE_GET_NEXT_ID_END) || attr->start_id >= INT_MAX)
		return -EINVAL;
	err = reg_next_id(kind, attr->start_id, &next);
	if (err)
		return err;
	attr->next_id = next;
	return 0;
}

int sys_get_fd_by_id(enum hive_obj_kind kind, uint32_t id, unsigned flags)
{
	struct hive_obj *obj;
	int f_flags, fd, err;

	f_flags = bpf_file_flag(flags);
	if (f_flags < 0)
		return f_flags;
	obj = obj_find_mapped(kind, id);
	if (obj && !obj_fd_alive(obj->fd)) {
		obj_put(obj);
		obj = NULL;
	}
	if (!obj) {
		fd = reg_open_id(kind, id, O_RDWR);
		if (fd < 0)
			return -ENOENT;
		err = obj_get_by_fd(fd, &obj);
		close(fd);
		if (err)
			return -ENOENT;
	}
	fd = obj_new_handle(obj, f_flags);
	obj_put(obj);
	return fd;
}

int sys_map_get_fd_by_id(union bpf_attr *attr)
{
	if (attr_tail_nonzero(attr, HIVE_GET_FD_BY_ID_END) ||
	    (attr->open_flags & ~(BPF_F_RDONLY | BPF_F_WRONLY)))
		return -EINVAL;
	return sys_get_fd_by_id(HIVE_OBJ_MAP, attr->map_id, attr->open_flags);
}

int sys_obj_get_info(union bpf_attr *attr)
{
	struct hive_obj *obj;
	int err;

	if (attr_tail_nonzero(attr, HIVE_INFO_END))
		return -EINVAL;
	err = obj_from_fd((int)attr->info.bpf_fd, HIVE_OBJ_NONE, &obj, NULL);
	if (err == -EBADF)
		return -EBADFD;
	if (err)
		return err;
	if (obj->kind == HIVE_OBJ_MAP) {
		err = map_cmd_info(to_map(obj), attr);
	} else if (obj->kind == HIVE_OBJ_PROG) {
		err = prog_obj_info(obj, attr);
	} else if (obj->kind == HIVE_OBJ_BTF) {
		err = btf_obj_info(obj, attr);
	} else if (hive_obj_info_ext) {
		err = hive_obj_info_ext(obj, attr);
	} else {
		err = -EINVAL;
	}
	obj_put(obj);
	return err;
}
