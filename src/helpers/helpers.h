/*
 * helpers.h - internal interface of hive's built-in helpers.
 *
 * Implementations are plain functions helper_<NAME>(r1..r5, run) named after
 * the rows of helper_def.h; registry.c generates the id -> function table
 * from that file, so a row with a prototype and no function fails the build.
 *
 * Runs started by core/ (program objects) pass a struct helper_ctx as the
 * run's user pointer: helpers reach the program type and the packet behind
 * the context through it. Pointer arguments are checked with helper_mem()
 * (a no-op for verified programs, a bounds check for unverified ones), map
 * arguments with helper_map(): a refused argument stops the run with
 * -HIVE_EMEM naming the helper.
 */
#ifndef HIVE_HELPERS_INTERNAL_H
#define HIVE_HELPERS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "helpers/helper_proto.h"
#include "hive/hive_vm.h"

#define HELPER_CTX_MAGIC 0x68766378u /* "hvcx" */

/* What a run started by core/ tells its helpers. */
struct helper_ctx {
	uint32_t magic;          /* HELPER_CTX_MAGIC */
	uint32_t prog_type;      /* enum bpf_prog_type */
	void *kctx;              /* the context r1 points at (struct pkt_skb, pkt_xdp, ...) */
	const char *prog_name;
};

/* The helper_ctx of @run, or NULL when the run was not started by core/. */
static inline struct helper_ctx *helper_ctx_of(struct hive_run *run)
{
	struct helper_ctx *hc = hive_run_user(run);

	return hc && hc->magic == HELPER_CTX_MAGIC ? hc : NULL;
}

/*
 * May the program let helper @who access [p, p+len) with @prot
 * (HIVE_PROT_*)? On refusal the run is aborted with -HIVE_EMEM and a
 * message; returns false. len 0 is always fine.
 */
bool helper_mem(struct hive_run *run, const void *p, uint64_t len, unsigned prot,
		const char *who);

/*
 * The map argument @r of helper @who (and of the engine's tail call): @r
 * as a struct hive_map when hive_run_map_ok() accepts it (always in
 * unchecked runs; in checked runs a map of the program's lddw
 * instructions or one granted to the run). On refusal the run is aborted
 * with -HIVE_EMEM and a message; returns NULL.
 */
struct hive_map;
struct hive_map *helper_map(struct hive_run *run, uint64_t r, const char *who);

/* Fault-safe reads of host memory (probe.c): 0 or -EFAULT; never crash. */
int probe_mem(void *dst, const void *src, size_t len);
/* Several fault-safe reads (probe_memv) or writes (probe_writev) in one
 * syscall: @n pairs of equal-length buffers, src[i] copied to dst[i]; 0 or
 * -EFAULT. */
struct iovec;
int probe_memv(const struct iovec *dst, const struct iovec *src, unsigned n);
/* Fault-safe write into host memory (user buffers of bpf() commands). */
int probe_writev(const struct iovec *dst, const struct iovec *src, unsigned n);
int probe_write(void *dst, const void *src, size_t len);
/* Copy a NUL-terminated string of at most size-1 chars + NUL: length
 * copied including the NUL, or -EFAULT (nothing readable at src). */
long probe_str(char *dst, const void *src, size_t size);

/*
 * The kernel's bpf_bprintf_prepare + bstr_printf (printf.c): format @fmt
 * (fmt_size bytes, must contain a NUL) with @args (num_args u64 values)
 * into out[0..out_size) (NUL-terminated when out_size > 0).
 * Returns the length the full text has (as vsnprintf) or -EINVAL/-ENOSPC/
 * -E2BIG as the kernel.
 */
int helper_bprintf(char *out, size_t out_size, const char *fmt, size_t fmt_size,
		   const uint64_t *args, uint32_t num_args);

/* Declarations of every implemented helper, generated from helper_def.h. */
#define HELPER_PROBE_UNSPEC ~, 1,
#define HELPER_SECOND(a, b, ...) b
#define HELPER_IS_UNSPEC_(...) HELPER_SECOND(__VA_ARGS__, 0, )
#define HELPER_IS_UNSPEC(tok) HELPER_IS_UNSPEC_(HELPER_PROBE_##tok)
#define HELPER_IF_0(t, e) t
#define HELPER_IF_1(t, e) e
#define HELPER_IF__(c) HELPER_IF_##c
#define HELPER_IF_(c) HELPER_IF__(c)
/* HELPER_IMPLEMENTED(RET)(yes, no): yes when RET is not UNSPEC. */
#define HELPER_IMPLEMENTED(ret) HELPER_IF_(HELPER_IS_UNSPEC(ret))
/* Helpers the engine runs itself (no helper_<NAME> function). */
#define HELPER_PROBE_ENGINE_tail_call ~, 1,
#define HELPER_BY_ENGINE(name) HELPER_IF_(HELPER_IS_UNSPEC_(HELPER_PROBE_ENGINE_##name))
/* HELPER_HAS_FN(NAME, RET)(yes, no): yes when helper_<NAME> exists. */
#define HELPER_HAS_FN_1(name) HELPER_IF_1
#define HELPER_HAS_FN_0(name) HELPER_BY_ENGINE(name)
#define HELPER_HAS_FN_(c, name) HELPER_HAS_FN_##c(name)
#define HELPER_HAS_FN__(c, name) HELPER_HAS_FN_(c, name)
#define HELPER_HAS_FN(name, ret) HELPER_HAS_FN__(HELPER_IS_UNSPEC(ret), name)

#define HELPER_DECLARE(NAME) \
	uint64_t helper_##NAME(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, \
			       uint64_t r5, struct hive_run *run);
#define X(ID, NAME, RET, A1, A2, A3, A4, A5) HELPER_HAS_FN(NAME, RET)(HELPER_DECLARE(NAME), )
#include "helpers/helper_def.h"
#undef X

#endif /* HIVE_HELPERS_INTERNAL_H */
