/*
 * syscall.c - hive_bpf(): the bpf() system call as a library function.
 *
 * Same commands, same union bpf_attr, same results: a handle (>= 0) or -1
 * with errno. Each call copies the caller's attr into a zero-extended
 * buffer of the kernel's size, checks it like the kernel (size over a page
 * or a non-zero tail past the kernel's union: E2BIG; non-zero bytes past
 * the command's last field: EINVAL), dispatches, and copies the attr back
 * for commands that write into it.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "core/attr.h"
#include "core/btf_obj.h"
#include "core/obj.h"
#include "core/prog.h"
#include "core/registry.h"
#include "core/sys.h"
#include "hive/hive_bpf.h"
#include "maps/map.h"
#include "util/util.h"

static const char *cmd_name(int cmd)
{
	static const char *const names[] = {
		"MAP_CREATE", "MAP_LOOKUP_ELEM", "MAP_UPDATE_ELEM", "MAP_DELETE_ELEM",
		"MAP_GET_NEXT_KEY", "PROG_LOAD", "OBJ_PIN", "OBJ_GET", "PROG_ATTACH",
		"PROG_DETACH", "PROG_TEST_RUN", "PROG_GET_NEXT_ID", "MAP_GET_NEXT_ID",
		"PROG_GET_FD_BY_ID", "MAP_GET_FD_BY_ID", "OBJ_GET_INFO_BY_FD", "PROG_QUERY",
		"RAW_TRACEPOINT_OPEN", "BTF_LOAD", "BTF_GET_FD_BY_ID", "TASK_FD_QUERY",
		"MAP_LOOKUP_AND_DELETE_ELEM", "MAP_FREEZE", "BTF_GET_NEXT_ID",
		"MAP_LOOKUP_BATCH", "MAP_LOOKUP_AND_DELETE_BATCH", "MAP_UPDATE_BATCH",
		"MAP_DELETE_BATCH", "LINK_CREATE", "LINK_UPDATE", "LINK_GET_FD_BY_ID",
		"LINK_GET_NEXT_ID", "ENABLE_STATS", "ITER_CREATE", "LINK_DETACH",
		"PROG_BIND_MAP", "TOKEN_CREATE", "PROG_STREAM_READ_BY_FD",
	};

	if (cmd >= 0 && (size_t)cmd < HIVE_ARRAY_SIZE(names))
		return names[cmd];
	return "unknown";
}

bool attr_tail_nonzero(const union bpf_attr *attr, size_t end)
{
	const unsigned char *p = (const unsigned char *)attr;
	size_t i;

	for (i = end; i < HIVE_ATTR_SIZE; i++)
		if (p[i])
			return true;
	return false;
}

/* Extra commands a later module (programs, BTF, links) may serve. */
int (*hive_bpf_ext)(int cmd, union bpf_attr *attr, unsigned int size);

static int do_cmd(int cmd, union bpf_attr *attr, unsigned int size)
{
	switch (cmd) {
	case BPF_MAP_CREATE:
		return map_create(attr);
	case BPF_MAP_LOOKUP_ELEM:
		return map_cmd_lookup(attr);
	case BPF_MAP_UPDATE_ELEM:
		return map_cmd_update(attr);
	case BPF_MAP_DELETE_ELEM:
		return map_cmd_delete(attr);
	case BPF_MAP_GET_NEXT_KEY:
		return map_cmd_get_next_key(attr);
	case BPF_MAP_LOOKUP_AND_DELETE_ELEM:
		return map_cmd_lookup_and_delete(attr);
	case BPF_MAP_FREEZE:
		return map_cmd_freeze(attr);
	case BPF_MAP_LOOKUP_BATCH:
	case BPF_MAP_LOOKUP_AND_DELETE_BATCH:
	case BPF_MAP_UPDATE_BATCH:
	case BPF_MAP_DELETE_BATCH:
		return map_cmd_batch(cmd, attr);
	case BPF_OBJ_PIN:
		return sys_obj_pin(attr);
	case BPF_OBJ_GET:
		return sys_obj_get(attr);
	case BPF_MAP_GET_NEXT_ID:
		return sys_get_next_id(HIVE_OBJ_MAP, attr);
	case BPF_MAP_GET_FD_BY_ID:
		return sys_map_get_fd_by_id(attr);
	case BPF_OBJ_GET_INFO_BY_FD:
		return sys_obj_get_info(attr);
	case BPF_PROG_LOAD:
	case BPF_PROG_TEST_RUN:
	case BPF_PROG_GET_NEXT_ID:
	case BPF_PROG_GET_FD_BY_ID:
	case BPF_PROG_BIND_MAP:
		return prog_cmd(cmd, attr, size);
	case BPF_BTF_LOAD:
	case BPF_BTF_GET_FD_BY_ID:
	case BPF_BTF_GET_NEXT_ID:
		return btf_obj_cmd(cmd, attr, size);
	default:
		break;
	}
	if (hive_bpf_ext) {
		int ret = hive_bpf_ext(cmd, attr, size);

		if (ret != -ENOSYS)
			return ret;
	}
	hive_pr_debug("hive_bpf: command %d (%s) is not implemented\n", cmd, cmd_name(cmd));
	return -EINVAL;
}

int hive_bpf(int cmd, union bpf_attr *uattr, unsigned int size)
{
	union hive_attr_buf buf;
	unsigned int n;
	int ret;

	obj_after_fork();
	obj_maybe_gc();
	if (size > HIVE_ATTR_MAX) {
		errno = E2BIG;
		return -1;
	}
	if (!uattr && size) {
		errno = EFAULT;
		return -1;
	}
	if (size > HIVE_ATTR_SIZE) {
		const unsigned char *p = (const unsigned char *)uattr;
		unsigned int i;

		for (i = HIVE_ATTR_SIZE; i < size; i++)
			if (p[i]) {
				errno = E2BIG;
				return -1;
			}
	}
	n = size < HIVE_ATTR_SIZE ? size : HIVE_ATTR_SIZE;
	memset(&buf, 0, sizeof(buf));
	if (n)
		memcpy(buf.raw, uattr, n);
	ret = do_cmd(cmd, &buf.attr, size);
	/* commands that write results into the attr */
	switch (cmd) {
	case BPF_MAP_GET_NEXT_ID:
	case BPF_PROG_GET_NEXT_ID:
	case BPF_BTF_GET_NEXT_ID:
	case BPF_LINK_GET_NEXT_ID:
	case BPF_OBJ_GET_INFO_BY_FD:
	case BPF_MAP_LOOKUP_BATCH:
	case BPF_MAP_LOOKUP_AND_DELETE_BATCH:
	case BPF_MAP_UPDATE_BATCH:
	case BPF_MAP_DELETE_BATCH:
	case BPF_PROG_TEST_RUN:
	case BPF_PROG_LOAD:
	case BPF_BTF_LOAD:
	case BPF_PROG_QUERY:
		if (n)
			memcpy(uattr, buf.raw, n);
		break;
	default:
		break;
	}
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return ret;
}
