/*
 * hive_verifier.h - the eBPF verifier: decides, as Linux 6.18's
 * BPF_PROG_LOAD would, whether a program is safe to load, and writes the
 * same log.
 *
 * The verdict is the errno the kernel would return: 0 (accepted), -EINVAL
 * (malformed program: bad opcode, jump, CFG, reserved fields, infinite loop),
 * -EACCES (unsafe: memory, types, pointer leaks, uninitialised reads),
 * -E2BIG (too complex: 1M processed insns, 8192 pending branches, call
 * depth) or -ENOSPC (the log buffer was too small; the real verdict is then
 * hidden, as in the kernel). The log follows the kernel's log.c: levels 1
 * and 2, the statistics bit, fixed or rotating buffer, true size.
 *
 * The verifier models a privileged (CAP_BPF + CAP_PERFMON) loader; maps are
 * described by a resolver callback, so it needs no map objects.
 */
#ifndef HIVE_VERIFIER_H
#define HIVE_VERIFIER_H

#include <stddef.h>
#include <stdint.h>

#include "hive/hive.h"
#include "hive/hive_insn.h"

#ifdef __cplusplus
extern "C" {
#endif

struct hive_btf;
struct bpf_func_info;
struct bpf_line_info;

/* log_level bits, as the kernel's BPF_LOG_* */
#define HIVE_LOG_LEVEL1 1u  /**< the failing path (or nothing on success) */
#define HIVE_LOG_LEVEL2 2u  /**< every path, every state */
#define HIVE_LOG_STATS  4u  /**< verification time and stack depths */
#define HIVE_LOG_FIXED  8u  /**< stop at the buffer's end instead of rotating */

/** What the verifier needs to know about a map referenced by an lddw. */
struct hive_verify_map {
	uint32_t map_type;    /**< BPF_MAP_TYPE_* */
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;   /**< creation flags (BPF_F_RDONLY_PROG, ...) */
	uint32_t id;          /**< map id, printed instead of the kernel address */
	int32_t spin_lock_off; /**< offset of a struct bpf_spin_lock in the value, or -1 */
	int32_t timer_off;    /**< offset of a struct bpf_timer in the value, or -1 */
	uint32_t btf_value_type_id; /**< 0: the map has no BTF (no spin locks then) */
	int frozen;           /**< read-only map frozen by user space (BPF_F_RDONLY_PROG) */
	const void *value;    /**< contents of a frozen single-element array, or NULL */
	char name[16];        /**< map name, for messages */
	/* map-in-map (ARRAY_OF_MAPS, HASH_OF_MAPS): the inner map template */
	uint32_t inner_map_type;    /**< BPF_MAP_TYPE_* of the inner maps */
	uint32_t inner_key_size;    /**< their key size */
	uint32_t inner_value_size;  /**< their value size */
	uint32_t inner_max_entries; /**< their max_entries */
	uint32_t inner_map_flags;   /**< their creation flags */
};

/**
 * @brief Resolver for map references in lddw instructions.
 * @param ctx     opts->map_ctx
 * @param kind    1 (BPF_PSEUDO_MAP_FD / MAP_VALUE: @p ref is a map fd) or
 *                5 (BPF_PSEUDO_MAP_IDX / IDX_VALUE: @p ref indexes fd_array)
 * @param ref     the lddw's imm
 * @param out     to fill
 * @return 0, or a negative errno (-EBADF for an unknown fd is what the
 *         kernel reports).
 */
typedef int (*hive_map_resolve_fn)(void *ctx, int kind, int32_t ref, struct hive_verify_map *out);

/** Options of hive_verify(); start with sz (use HIVE_VERIFY_OPTS_INIT). */
struct hive_verify_opts {
	size_t sz;                 /**< sizeof(struct hive_verify_opts) */
	uint32_t prog_type;        /**< BPF_PROG_TYPE_* */
	uint32_t expected_attach_type;
	uint32_t prog_flags;       /**< BPF_F_STRICT_ALIGNMENT, BPF_F_ANY_ALIGNMENT, ... */
	uint32_t log_level;        /**< HIVE_LOG_* bits, 0 for no log */
	char *log_buf;             /**< caller's buffer, may be NULL with log_size 0 */
	uint32_t log_size;
	uint32_t log_true_size;    /**< out: bytes the full log needs (with the NUL) */
	int gpl;                   /**< license is GPL-compatible */
	hive_map_resolve_fn map_resolve; /**< NULL: every map reference fails with -EBADF */
	void *map_ctx;
	uint32_t insn_processed;   /**< out: the "processed N insns" count */
	uint32_t stack_depth[8];   /**< out: stack depth of the first 8 subprograms */
	uint32_t subprog_cnt;      /**< out */
	/* Program BTF (optional, as PROG_LOAD's prog_btf_fd, func_info and
	 * line_info). With func_info, functions of global linkage are verified
	 * on their own from their BTF prototype and callbacks (bpf_loop, ...)
	 * are allowed; line_info adds "; source @ file:line" lines to the log.
	 * The records must already be checked against the program (the
	 * kernel's check_btf_info: one func_info per subprogram, in order). */
	const struct hive_btf *btf;             /**< BTF the records refer to */
	const struct bpf_func_info *func_info;  /**< kernel layout, or NULL */
	uint32_t func_info_cnt;
	const struct bpf_line_info *line_info;  /**< kernel layout, or NULL */
	uint32_t line_info_cnt;
};

#define HIVE_VERIFY_OPTS_INIT { .sz = sizeof(struct hive_verify_opts), .gpl = 1 }

/**
 * @brief Verify a program as Linux 6.18's BPF_PROG_LOAD would (privileged).
 * @param insns instructions (lddw takes two slots)
 * @param cnt   number of slots
 * @param opts  options and outputs; not NULL; sz must cover the known fields,
 *              bytes past them must be zero
 * @return 0 if accepted; -EINVAL, -EACCES, -E2BIG, -ENOSPC, -ENOMEM, -EBADF,
 *         -EFAULT (internal inconsistency, "verifier bug") as the kernel.
 */
HIVE_API int hive_verify(const struct hive_insn *insns, uint32_t cnt,
			 struct hive_verify_opts *opts);

#ifdef __cplusplus
}
#endif
#endif /* HIVE_VERIFIER_H */
