/*
 * sys.h - the bpf() the command line talks to: hive's (hive_bpf, the
 * default) or, with --kernel, the running kernel's (syscall(SYS_bpf)), so
 * the same commands inspect either world. Every function returns 0, a
 * descriptor, or a negative errno.
 */
#ifndef HIVE_CLI_SYS_H
#define HIVE_CLI_SYS_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

/* One bpf() command on the selected backend. */
int cli_bpf(int cmd, union bpf_attr *attr, unsigned int size);

int cli_map_create(uint32_t type, const char *name, uint32_t key_size, uint32_t value_size,
		   uint32_t max_entries, uint32_t flags, int inner_fd);
int cli_map_lookup(int fd, const void *key, void *value);
int cli_map_update(int fd, const void *key, const void *value, uint64_t flags);
int cli_map_delete(int fd, const void *key);
int cli_map_next_key(int fd, const void *key, void *next);
int cli_map_lookup_and_delete(int fd, const void *key, void *value);
int cli_map_freeze(int fd);
int cli_obj_pin(int fd, const char *path);
int cli_obj_get(const char *path);
int cli_obj_info(int fd, void *info, uint32_t *len);

/* The fdinfo lines of handle @fd (hive_obj_fdinfo, or /proc/self/fdinfo
 * with --kernel); the length, or -errno. */
int cli_fdinfo(int fd, char *buf, size_t size);

/* The bpffs: hive's filesystem (created if missing), or /sys/fs/bpf. */
const char *cli_fs_root(void);

/* Whether --kernel is in effect. */
int cli_kernel(void);

#endif
