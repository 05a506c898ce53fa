/*
 * prog.h - program objects (prog.c), their types and contexts
 * (prog_types.h, prog_ctx.c) and test runs (prog_run.c).
 *
 * A program is an object file (core/obj.h) like a map: the kind area of
 * its header page holds struct hive_prog_def; the payload holds the
 * translated instructions (map references as map ids, the form
 * BPF_OBJ_GET_INFO_BY_FD dumps) and the ids of the maps it uses. Any
 * process that gets a handle (fd passing, GET_FD_BY_ID, OBJ_GET) attaches
 * to it: the maps are resolved to its own struct hive_map, a VM is built
 * (JIT where available), helpers are bound. The program keeps its maps
 * alive through registry reference links.
 *
 * Verification: PROG_LOAD calls prog_verify (below; src/verifier/load.c),
 * the kernel's verifier. Verified programs run without runtime checks.
 * Program types the verifier does not model load unverified and run in checked mode:
 * every memory access is bounds-checked at run time and an instruction
 * budget stops endless loops; their context accesses are found by a small
 * dataflow pass (prog_ctx.c). Either way they are checked/rewritten as the
 * kernel's convert_ctx_accesses would.
 */
#ifndef HIVE_CORE_PROG_H
#define HIVE_CORE_PROG_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/obj.h"
#include "hive/hive_insn.h"
#include "hive/hive_vm.h"

struct hive_map;

#define HIVE_PROG_MAX_MAPS 64u  /* the kernel's MAX_USED_MAPS */

/* Attributes of a program, in the header page (shared by every process). */
struct hive_prog_def {
	uint32_t prog_type;
	uint32_t expected_attach_type;
	uint32_t prog_flags;
	uint32_t insn_cnt;           /* as loaded (= xlated count: rewrites are 1:1) */
	uint32_t nr_maps;
	uint32_t gpl;                /* license is GPL-compatible */
	uint32_t verified;           /* 1: verifier accepted; 0: runs checked */
	uint32_t max_ctx_offset;     /* highest context byte accessed + 1 */
	uint32_t load_uid;
	uint32_t ifindex;
	char name[16];               /* BPF_OBJ_NAME_LEN */
	uint8_t tag[8];              /* BPF_TAG_SIZE */
	uint64_t load_time_ns;       /* CLOCK_BOOTTIME at load, as the kernel */
	uint64_t insns_off;          /* xlated instructions in the payload */
	uint64_t maps_off;           /* u32 map ids in the payload */
	_Atomic uint64_t run_cnt;    /* with stats enabled */
	_Atomic uint64_t run_time_ns;
	/* BTF (prog_btf.c): func_info and line_info records in the payload */
	uint32_t btf_id;             /* 0: loaded without BTF */
	uint32_t nr_func_info, nr_line_info;
	uint32_t pad;
	uint64_t func_info_off;      /* struct bpf_func_info[nr_func_info] */
	uint64_t line_info_off;      /* struct bpf_line_info[nr_line_info] */
	uint8_t reserved[96];
};

/* A program mapped into this process. */
struct hive_prog {
	struct hive_obj obj;         /* first: a program is an object */
	struct hive_prog_def *def;
	struct hive_insn *insns;     /* xlated, in the payload (map ids) */
	struct hive_map **maps;      /* this process's maps, referenced */
	uint32_t nr_maps;            /* entries of maps (def->nr_maps at attach) */
	struct hive_vm *vm;
};

static inline struct hive_prog *to_prog(struct hive_obj *obj)
{
	return (struct hive_prog *)obj;
}

/* ---- verifier plug (defined by src/verifier/load.c) ------------------------ */
struct prog_verify_env {
	uint32_t prog_type, expected_attach_type, prog_flags;
	bool gpl;
	struct hive_insn *insns;        /* relocated: map lddw imm = map id; dead code is
					 * neutralised in place when verified */
	uint32_t insn_cnt;
	struct hive_map *const *maps;   /* the maps the lddw ids name */
	uint32_t nr_maps;
	const struct hive_btf *btf;     /* program BTF (prog_btf_fd), or NULL */
	const struct bpf_func_info *func_info;  /* checked records, or NULL */
	uint32_t nr_func_info;
	const struct bpf_line_info *line_info;
	uint32_t nr_line_info;
	char *log_buf;                  /* user's buffer (may be NULL) */
	uint32_t log_size, log_level;
	uint32_t log_true_size;         /* out: with the NUL, 0 if nothing was logged */
	uint8_t *ctx_access;            /* out, insn_cnt entries: 1 = context access */
	uint32_t max_ctx_offset;        /* out */
	bool verified;                  /* out: false = load unverified (checked mode) */
	const char *unverified_why;     /* out: why not verified (static text) */
};
/*
 * Returns 0 (accepted, or not modelled: see @verified), -EACCES/-EINVAL/
 * -E2BIG (rejected, log written), -ENOSPC (log too small), -ENOMEM.
 */
int prog_verify(struct prog_verify_env *env);

/* ---- commands (core/syscall.c dispatch) ---------------------------------- */
int prog_cmd_load(union bpf_attr *attr, unsigned size);
int prog_cmd_test_run(union bpf_attr *attr);
int prog_cmd_bind_map(union bpf_attr *attr);
int prog_get_info(struct hive_prog *prog, struct bpf_prog_info *info, uint32_t info_len);
/* Program commands of hive_bpf(): -ENOSYS for others. */
int prog_cmd(int cmd, union bpf_attr *attr, unsigned size);
/* BPF_OBJ_GET_INFO_BY_FD for a program object. */
int prog_obj_info(struct hive_obj *obj, union bpf_attr *attr);

/* Resolve a program handle (referenced: obj_put(&prog->obj) when done). */
int prog_from_fd(int fd, struct hive_prog **progp);
/* This process's view of program @id (mapped on demand), referenced. */
struct hive_prog *prog_get_by_id(uint32_t id);

/* ---- program types (prog_ctx.c) ------------------------------------------ */
struct ctx_access {
	int32_t off;
	uint32_t size;               /* bytes */
	bool write, ldsx;
	uint32_t attach_btf_id;      /* tracing/LSM: the attach point (vmlinux BTF id) */
	/* out: the rewritten access (off/size into the hive context) */
	int32_t new_off;
	uint32_t new_size;
};

const char *prog_type_name(uint32_t type);
bool prog_type_known(uint32_t type);
uint32_t prog_type_ctx_size(uint32_t type);
bool prog_type_helper_ok(uint32_t type, uint32_t helper_id);
/*
 * Type-specific PROG_LOAD checks (the kernel's bpf_prog_load_check_attach,
 * sleepable rules, bpf_check_attach_target): 0, or -EINVAL with the
 * kernel's message in @msg.
 */
int prog_type_check_load(const union bpf_attr *attr, char *msg, size_t msg_size);
/* 0 (a->new_* set) or -EACCES with the kernel's message in @msg. */
int prog_ctx_convert(uint32_t type, uint32_t attach_type, struct ctx_access *a, char *msg,
		     size_t msg_size);
/*
 * Find the context accesses of a program without the verifier: marks
 * ctx_access[pc] for loads/stores whose base register holds the context.
 * Returns 0 or -EACCES/-EINVAL with a message in @msg.
 */
int prog_ctx_scan(const struct hive_insn *insns, uint32_t cnt, uint8_t *ctx_access, char *msg,
		  size_t msg_size);

/* ---- BTF (prog_btf.c) ------------------------------------------------------ */
struct hive_btf_obj;

/* What PROG_LOAD keeps of prog_btf_fd, func_info and line_info. */
struct prog_btf {
	struct hive_btf_obj *btf;            /* referenced, NULL without BTF */
	struct bpf_func_info *func_info;     /* kernel record size */
	struct bpf_line_info *line_info;
	uint32_t nr_func_info, nr_line_info;
};

/*
 * Check prog_btf_fd, func_info and line_info of @attr against the
 * @cnt instructions as the kernel (see prog_btf.c) and copy the records.
 * Returns 0 (pb filled, or empty without func/line info) or -errno with
 * the kernel's log line in @msg (-E2BIG also writes the record size the
 * kernel expects into @attr). Release with prog_btf_release().
 */
int prog_btf_load(struct prog_btf *pb, union bpf_attr *attr, const struct hive_insn *insns,
		  uint32_t cnt, char *msg, size_t msg_size);
void prog_btf_release(struct prog_btf *pb);
/* Payload bytes the records of @pb need. */
size_t prog_btf_payload(const struct prog_btf *pb);
/* Store @pb's records at payload offset @off of new program @obj, fill
 * the def's BTF fields and reference the BTF (reg link). 0 or -errno. */
int prog_btf_store(const struct prog_btf *pb, struct hive_obj *obj, struct hive_prog_def *def,
		   uint64_t off);
/* Drop the BTF reference of a program (failed publish, last holder gone). */
void prog_btf_unstore(struct hive_obj *obj, const struct hive_prog_def *def);
/* bpf_prog_info's BTF fields from @p; @u is the caller's info (pointers,
 * counts, record sizes: -EINVAL for other record sizes, as the kernel). */
int prog_btf_info(const struct hive_prog *p, struct bpf_prog_info *info,
		  const struct bpf_prog_info *u, uint32_t info_len);

/* ---- tag (prog_tag.c) ------------------------------------------------------ */
void prog_sha256(const void *data, size_t len, uint8_t digest[32]);
/* The kernel's bpf_prog_calc_tag over the instructions as loaded. */
int prog_calc_tag(const struct hive_insn *insns, uint32_t cnt, uint8_t tag[8]);

/* ---- test runs (prog_run.c) ---------------------------------------------- */
int prog_run_test(struct hive_prog *prog, union bpf_attr *attr);

/* Run @prog once on @kctx (its type's hive context) with @ctx_size bytes. */
int prog_exec(struct hive_prog *prog, void *kctx, size_t ctx_size, uint64_t *r0);

#endif /* HIVE_CORE_PROG_H */
