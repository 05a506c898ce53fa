/*
 * vtest.h - shared helpers of the verifier tests (tests/unit/test_verifier*.c):
 * the same raw program is handed to the live kernel's BPF_PROG_LOAD and to
 * hive_verify(), and the verdicts, errnos and logs are compared.
 *
 * Maps: vt_maps_open() creates a fixed set of kernel maps; their fds are the
 * lddw immediates of the test programs (VT_MAP_* indexes vt_map_fd[]), and
 * the resolver hands hive the same map descriptions the kernel has.
 */
#ifndef HIVE_TESTS_VTEST_H
#define HIVE_TESTS_VTEST_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hive/hive_insn.h"
#include "hive/hive_verifier.h"

enum {
	VT_MAP_HASH,        /* hash, key 4, value 8, 16 entries */
	VT_MAP_ARRAY,       /* array, key 4, value 8, 4 entries */
	VT_MAP_ARRAY48,     /* array, key 4, value 48, 1 entry */
	VT_MAP_RINGBUF,     /* ringbuf, 4096 bytes */
	VT_MAP_PERF,        /* perf event array */
	VT_MAP_PROG_ARRAY,  /* prog array, 4 entries */
	VT_MAP_RDONLY,      /* array, value 8, BPF_F_RDONLY_PROG */
	VT_NMAPS
};

/* The attributes of map @idx for BPF_MAP_CREATE (one table for the tests
 * and the fuzz targets). */
static inline void vt_map_attr(int idx, union bpf_attr *attr)
{
	static const struct { uint32_t type, key, value, entries, flags; } defs[VT_NMAPS] = {
		[VT_MAP_HASH]       = { BPF_MAP_TYPE_HASH, 4, 8, 16, 0 },
		[VT_MAP_ARRAY]      = { BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0 },
		[VT_MAP_ARRAY48]    = { BPF_MAP_TYPE_ARRAY, 4, 48, 1, 0 },
		[VT_MAP_RINGBUF]    = { BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0 },
		[VT_MAP_PERF]       = { BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 2, 0 },
		[VT_MAP_PROG_ARRAY] = { BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0 },
		[VT_MAP_RDONLY]     = { BPF_MAP_TYPE_ARRAY, 4, 8, 1, BPF_F_RDONLY_PROG },
	};

	memset(attr, 0, sizeof(*attr));
	attr->map_type = defs[idx].type;
	attr->key_size = defs[idx].key;
	attr->value_size = defs[idx].value;
	attr->max_entries = defs[idx].entries;
	attr->map_flags = defs[idx].flags;
}

/* fds of the maps (kernel) or -1; a fake fd numbering when no kernel */
extern int vt_map_fd[VT_NMAPS];

/* Create the maps (in the kernel when bpf() works). Returns 0 or -errno. */
int vt_maps_open(void);
void vt_maps_close(void);
/* The same maps created through hive_bpf() (hive's PROG_LOAD resolves them);
 * vt_maps_close() then leaves them to process exit. Returns 0 or -errno. */
int vt_maps_open_hive(void);

/* lddw r<dst> = map (two slots) */
#define VT_LD_MAP(dst, idx) \
	HIVE_INSN(HIVE_LD | HIVE_DW | HIVE_IMM, dst, HIVE_PSEUDO_MAP_FD, 0, vt_map_fd[idx]), \
	HIVE_INSN(0, 0, 0, 0, 0)

/* The hive_verify() map resolver for vt maps (kernel info when available). */
int vt_resolve_map(void *ctx, int kind, int32_t ref, struct hive_verify_map *out);

struct vt_result {
	int err;            /* 0 or -errno */
	char *log;          /* malloc'd, NUL-terminated */
	uint32_t true_size;
};

/* Load in the kernel (log level, prog type, flags); fills @r. Returns 0, or
 * -ENOSYS when the kernel's bpf() is not usable. */
int vt_kernel(const struct hive_insn *insns, uint32_t cnt, uint32_t prog_type,
	      uint32_t prog_flags, uint32_t log_level, struct vt_result *r);
/* The same through hive_verify(). */
int vt_hive(const struct hive_insn *insns, uint32_t cnt, uint32_t prog_type,
	    uint32_t prog_flags, uint32_t log_level, struct vt_result *r);
void vt_result_free(struct vt_result *r);

/* One load with the caller's log attributes (buf/size/level as given, no
 * check); returns 0 or -errno and the log_true_size written back.
 * vt_kernel_raw returns -ENOSYS when the kernel's bpf() is not usable. */
int vt_kernel_raw(const struct hive_insn *insns, uint32_t cnt, uint32_t prog_type,
		  uint32_t prog_flags, uint32_t log_level, char *buf, uint32_t size,
		  uint32_t *true_size);
int vt_hive_raw(const struct hive_insn *insns, uint32_t cnt, uint32_t prog_type,
		uint32_t prog_flags, uint32_t log_level, char *buf, uint32_t size,
		uint32_t *true_size);

/* Masks kernel addresses (0xffff + 12 hex digits) and drops the stack
 * liveness debug lines hive does not print; returns a malloc'd copy. */
char *vt_normalize(const char *log);
/* The last line before "processed ..." (the error of a rejected program),
 * copied into @buf. */
void vt_error_line(const char *log, char *buf, size_t len);

#endif /* HIVE_TESTS_VTEST_H */
