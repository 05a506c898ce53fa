/*
 * loader_testutil.h - shared pieces of the object-loader tests
 * (test_elf*.c, test_btf*.c, test_object*.c): capturing library messages,
 * reading files, paths of the compiled test programs, a private hive fs,
 * and small bpf() helpers usable with either backend.
 */
#ifndef HIVE_TEST_LOADER_UTIL_H
#define HIVE_TEST_LOADER_UTIL_H

#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness.h"
#include "hive/hive.h"
#include "hive/hive_bpf.h"
#include "hive/hive_object.h"

/* ---- captured messages */

static char lt_msgs[1 << 16];
static size_t lt_msgs_len;

static inline int lt_capture(enum hive_print_level level, const char *fmt, va_list ap)
{
	int n;

	if (level == HIVE_DEBUG)
		return 0;
	n = vsnprintf(lt_msgs + lt_msgs_len, sizeof(lt_msgs) - lt_msgs_len, fmt, ap);
	if (n > 0) {
		lt_msgs_len += (size_t)n;
		if (lt_msgs_len >= sizeof(lt_msgs))
			lt_msgs_len = sizeof(lt_msgs) - 1;
	}
	return n;
}

/* Start capturing library messages (and clear what was captured). */
static inline void lt_capture_start(void)
{
	lt_msgs_len = 0;
	lt_msgs[0] = 0;
	hive_set_print(lt_capture);
}

static inline int lt_msg_has(const char *s)
{
	return strstr(lt_msgs, s) != NULL;
}

/* ---- files */

static inline void *lt_read(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	long n;
	void *buf;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = (size_t)n;
	return buf;
}

/* build/<you>/tests/progs/<name>.bpf.o */
static inline const char *lt_prog_path(const char *name)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "tests/progs/%s.bpf.o", name);
	return test_build_path(rel);
}

/* A private hive fs for this (forked) test: hive pins go there. */
static inline const char *lt_private_hive_fs(void)
{
	static char dir[] = "/tmp/hive-loader-XXXXXX";

	if (!mkdtemp(dir))
		return NULL;
	setenv("HIVE_FS", dir, 1);
	return dir;
}

/* ---- raw ELF access for mutating good objects (trusted input) */

static inline Elf64_Ehdr *lt_ehdr(uint8_t *buf)
{
	return (Elf64_Ehdr *)buf;
}

static inline Elf64_Shdr *lt_shdr(uint8_t *buf, unsigned i)
{
	return (Elf64_Shdr *)(buf + lt_ehdr(buf)->e_shoff) + i;
}

static inline const char *lt_sec_name(uint8_t *buf, unsigned i)
{
	Elf64_Shdr *str = lt_shdr(buf, lt_ehdr(buf)->e_shstrndx);

	return (const char *)buf + str->sh_offset + lt_shdr(buf, i)->sh_name;
}

/* Index of section @name, or -1. */
static inline int lt_sec_idx(uint8_t *buf, const char *name)
{
	unsigned i;

	for (i = 1; i < lt_ehdr(buf)->e_shnum; i++)
		if (!strcmp(lt_sec_name(buf, i), name))
			return (int)i;
	return -1;
}

/* ---- bpf() through either backend */

static inline int lt_bpf(int kernel, int cmd, union bpf_attr *attr)
{
	int r = kernel ? (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr))
		       : hive_bpf(cmd, attr, sizeof(*attr));

	return r < 0 ? -errno : r;
}

static inline int lt_map_lookup(int kernel, int fd, const void *key, void *value)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	a.key = (uintptr_t)key;
	a.value = (uintptr_t)value;
	return lt_bpf(kernel, BPF_MAP_LOOKUP_ELEM, &a);
}

static inline int lt_map_update(int kernel, int fd, const void *key, const void *value)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	a.key = (uintptr_t)key;
	a.value = (uintptr_t)value;
	return lt_bpf(kernel, BPF_MAP_UPDATE_ELEM, &a);
}

/* Run @prog_fd once on @data (packet or ctx); *retval gets the result. */
static inline int lt_test_run(int kernel, int prog_fd, void *data, uint32_t size, void *out,
			      uint32_t *out_size, void *ctx, uint32_t ctx_size, uint32_t *retval)
{
	union bpf_attr a;
	int err;

	memset(&a, 0, sizeof(a));
	a.test.prog_fd = (uint32_t)prog_fd;
	a.test.data_in = (uintptr_t)data;
	a.test.data_size_in = size;
	a.test.data_out = (uintptr_t)out;
	a.test.data_size_out = out_size ? *out_size : 0;
	a.test.ctx_in = (uintptr_t)ctx;
	a.test.ctx_size_in = ctx_size;
	a.test.ctx_out = (uintptr_t)ctx;
	a.test.ctx_size_out = ctx_size;
	a.test.repeat = 1;
	err = lt_bpf(kernel, BPF_PROG_TEST_RUN, &a);
	if (!err) {
		*retval = a.test.retval;
		if (out_size)
			*out_size = a.test.data_size_out;
	}
	return err;
}

/* Open @name with the kernel or the hive backend. */
static inline struct hive_object *lt_open(const char *name, int kernel)
{
	struct hive_object_open_opts o = { .sz = sizeof(o), .kernel = kernel != 0 };

	return hive_object__open_file(lt_prog_path(name), &o);
}

#endif /* HIVE_TEST_LOADER_UTIL_H */
