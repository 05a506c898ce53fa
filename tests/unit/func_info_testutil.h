/*
 * func_info_testutil.h - the BTF and func_info a raw-instruction program
 * needs to pass callbacks (bpf_loop, bpf_for_each_map_elem): the verifier
 * refuses a BPF_PSEUDO_FUNC lddw without func_info ("missing btf
 * func_info"), as the kernel does.
 *
 * fi_prog_load() loads a BTF of one global "main" function and static
 * "cb" functions, all "int (void)", through @bpf (hive's or the kernel's
 * bpf()), then the program with func_info records for subprogram starts
 * 0 and @cb_off[0..n_cb). The BTF fd is closed before returning.
 */
#ifndef HIVE_TESTS_FUNC_INFO_TESTUTIL_H
#define HIVE_TESTS_FUNC_INFO_TESTUTIL_H

#include <errno.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "hive/hive_insn.h"

typedef long (*fi_bpf_fn)(int cmd, union bpf_attr *attr);

struct fi_load {
	uint32_t prog_type;
	const struct hive_insn *insns;
	uint32_t insn_cnt;
	const uint32_t *cb_off;      /* first instruction of each callback */
	uint32_t n_cb;               /* at most 7 */
	uint32_t global_cb;          /* 1 + index of a callback made global, 0: none */
	uint32_t prog_flags;
	char *log;
	uint32_t log_size, log_level;
};

/* A program fd, or -errno. */
static inline int fi_prog_load(fi_bpf_fn bpf, const struct fi_load *l)
{
	static const char strs[] = "\0int\0main\0cb";
	const uint32_t types[] = {
		1, BTF_KIND_INT << 24, 4, (BTF_INT_SIGNED << 24) | 32,     /* [1] int */
		0, BTF_KIND_FUNC_PROTO << 24, 1,                            /* [2] int (void) */
		5, (BTF_KIND_FUNC << 24) | BTF_FUNC_GLOBAL, 2,              /* [3] main */
		10, BTF_KIND_FUNC << 24, 2,                                 /* [4] static cb */
		10, (BTF_KIND_FUNC << 24) | BTF_FUNC_GLOBAL, 2,             /* [5] global cb */
	};
	struct btf_header h = { BTF_MAGIC, BTF_VERSION, 0, sizeof(h), 0, sizeof(types),
				sizeof(types), sizeof(strs) };
	uint8_t blob[sizeof(h) + sizeof(types) + sizeof(strs)];
	struct bpf_func_info fi[8];
	union bpf_attr a;
	int btf_fd, fd, err;

	if (l->n_cb > 7)
		return -E2BIG;
	memcpy(blob, &h, sizeof(h));
	memcpy(blob + sizeof(h), types, sizeof(types));
	memcpy(blob + sizeof(h) + sizeof(types), strs, sizeof(strs));
	memset(&a, 0, sizeof(a));
	a.btf = (uintptr_t)blob;
	a.btf_size = sizeof(blob);
	btf_fd = (int)bpf(BPF_BTF_LOAD, &a);
	if (btf_fd < 0)
		return -errno;
	fi[0].insn_off = 0;
	fi[0].type_id = 3;
	for (uint32_t i = 0; i < l->n_cb; i++) {
		fi[i + 1].insn_off = l->cb_off[i];
		fi[i + 1].type_id = l->global_cb == i + 1 ? 5 : 4;
	}
	memset(&a, 0, sizeof(a));
	a.prog_type = l->prog_type;
	a.prog_flags = l->prog_flags;
	a.insns = (uintptr_t)l->insns;
	a.insn_cnt = l->insn_cnt;
	a.license = (uintptr_t)"GPL";
	a.prog_btf_fd = (uint32_t)btf_fd;
	a.func_info = (uintptr_t)fi;
	a.func_info_cnt = l->n_cb + 1;
	a.func_info_rec_size = sizeof(fi[0]);
	a.log_buf = (uintptr_t)l->log;
	a.log_size = l->log_size;
	a.log_level = l->log_level;
	fd = (int)bpf(BPF_PROG_LOAD, &a);
	err = errno;
	close(btf_fd);
	return fd < 0 ? -err : fd;
}

#endif /* HIVE_TESTS_FUNC_INFO_TESTUTIL_H */
