/*
 * wrappers.c - libbpf-shaped one-command wrappers over hive_bpf(): fill a
 * union bpf_attr, call, turn -1/errno into a negative errno.
 */
#include <errno.h>
#include <string.h>

#include "core/registry.h"
#include "hive/hive_bpf.h"

static int call(int cmd, union bpf_attr *attr)
{
	int ret = hive_bpf(cmd, attr, sizeof(*attr));

	return ret < 0 ? -errno : ret;
}

#define OPT(opts, field, dflt) \
	((opts) && (opts)->sz >= offsetof(__typeof__(*(opts)), field) + sizeof((opts)->field) ? \
	 (opts)->field : (dflt))

int hive_map_create(enum bpf_map_type type, const char *name, uint32_t key_size,
		    uint32_t value_size, uint32_t max_entries,
		    const struct hive_map_create_opts *opts)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = type;
	attr.key_size = key_size;
	attr.value_size = value_size;
	attr.max_entries = max_entries;
	if (name)
		strncpy(attr.map_name, name, sizeof(attr.map_name) - 1);
	attr.btf_fd = OPT(opts, btf_fd, 0);
	attr.btf_key_type_id = OPT(opts, btf_key_type_id, 0);
	attr.btf_value_type_id = OPT(opts, btf_value_type_id, 0);
	attr.btf_vmlinux_value_type_id = OPT(opts, btf_vmlinux_value_type_id, 0);
	attr.inner_map_fd = OPT(opts, inner_map_fd, 0);
	attr.map_flags = OPT(opts, map_flags, 0);
	attr.map_extra = OPT(opts, map_extra, 0);
	attr.numa_node = OPT(opts, numa_node, 0);
	attr.map_ifindex = OPT(opts, map_ifindex, 0);
	return call(BPF_MAP_CREATE, &attr);
}

static int elem(int cmd, int fd, const void *key, void *value, uint64_t flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (uint32_t)fd;
	attr.key = (uint64_t)(uintptr_t)key;
	attr.value = (uint64_t)(uintptr_t)value;
	attr.flags = flags;
	return call(cmd, &attr);
}

int hive_map_lookup_elem(int fd, const void *key, void *value)
{
	return elem(BPF_MAP_LOOKUP_ELEM, fd, key, value, 0);
}

int hive_map_lookup_elem_flags(int fd, const void *key, void *value, uint64_t flags)
{
	return elem(BPF_MAP_LOOKUP_ELEM, fd, key, value, flags);
}

int hive_map_update_elem(int fd, const void *key, const void *value, uint64_t flags)
{
	return elem(BPF_MAP_UPDATE_ELEM, fd, key, (void *)(uintptr_t)value, flags);
}

int hive_map_delete_elem(int fd, const void *key)
{
	return elem(BPF_MAP_DELETE_ELEM, fd, key, NULL, 0);
}

int hive_map_get_next_key(int fd, const void *key, void *next_key)
{
	return elem(BPF_MAP_GET_NEXT_KEY, fd, key, next_key, 0);
}

int hive_map_lookup_and_delete_elem(int fd, const void *key, void *value)
{
	return elem(BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, key, value, 0);
}

int hive_map_freeze(int fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (uint32_t)fd;
	return call(BPF_MAP_FREEZE, &attr);
}

static int batch(int cmd, int fd, void *in_batch, void *out_batch, const void *keys,
		 const void *values, uint32_t *count, const struct hive_map_batch_opts *opts)
{
	union bpf_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.batch.map_fd = (uint32_t)fd;
	attr.batch.in_batch = (uint64_t)(uintptr_t)in_batch;
	attr.batch.out_batch = (uint64_t)(uintptr_t)out_batch;
	attr.batch.keys = (uint64_t)(uintptr_t)keys;
	attr.batch.values = (uint64_t)(uintptr_t)values;
	attr.batch.count = count ? *count : 0;
	attr.batch.elem_flags = OPT(opts, elem_flags, 0);
	attr.batch.flags = OPT(opts, flags, 0);
	ret = call(cmd, &attr);
	if (count)
		*count = attr.batch.count;
	return ret;
}

int hive_map_lookup_batch(int fd, void *in_batch, void *out_batch, void *keys, void *values,
			  uint32_t *count, const struct hive_map_batch_opts *opts)
{
	return batch(BPF_MAP_LOOKUP_BATCH, fd, in_batch, out_batch, keys, values, count, opts);
}

int hive_map_lookup_and_delete_batch(int fd, void *in_batch, void *out_batch, void *keys,
				     void *values, uint32_t *count,
				     const struct hive_map_batch_opts *opts)
{
	return batch(BPF_MAP_LOOKUP_AND_DELETE_BATCH, fd, in_batch, out_batch, keys, values,
		     count, opts);
}

int hive_map_update_batch(int fd, const void *keys, const void *values, uint32_t *count,
			  const struct hive_map_batch_opts *opts)
{
	return batch(BPF_MAP_UPDATE_BATCH, fd, NULL, NULL, keys, values, count, opts);
}

int hive_map_delete_batch(int fd, const void *keys, uint32_t *count,
			  const struct hive_map_batch_opts *opts)
{
	return batch(BPF_MAP_DELETE_BATCH, fd, NULL, NULL, keys, NULL, count, opts);
}

int hive_obj_get_flags(const char *path, uint32_t file_flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = (uint64_t)(uintptr_t)path;
	attr.file_flags = file_flags;
	return call(BPF_OBJ_GET, &attr);
}

int hive_obj_get(const char *path)
{
	return hive_obj_get_flags(path, 0);
}

int hive_obj_pin(int fd, const char *path)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = (uint64_t)(uintptr_t)path;
	attr.bpf_fd = (uint32_t)fd;
	return call(BPF_OBJ_PIN, &attr);
}

int hive_map_get_next_id(uint32_t start_id, uint32_t *next_id)
{
	union bpf_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.start_id = start_id;
	ret = call(BPF_MAP_GET_NEXT_ID, &attr);
	if (!ret && next_id)
		*next_id = attr.next_id;
	return ret;
}

int hive_map_get_fd_by_id(uint32_t id)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_id = id;
	return call(BPF_MAP_GET_FD_BY_ID, &attr);
}

int hive_obj_get_info_by_fd(int fd, void *info, uint32_t *info_len)
{
	union bpf_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (uint32_t)fd;
	attr.info.info_len = info_len ? *info_len : 0;
	attr.info.info = (uint64_t)(uintptr_t)info;
	ret = call(BPF_OBJ_GET_INFO_BY_FD, &attr);
	if (!ret && info_len)
		*info_len = attr.info.info_len;
	return ret;
}

const char *hive_fs_path(void)
{
	return reg_root();
}
