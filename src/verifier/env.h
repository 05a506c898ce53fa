/*
 * env.h - the verifier's working environment (struct venv) and the functions
 * its modules share.
 *
 * One venv lives for one hive_verify() call. It owns a private copy of the
 * instructions, the per-instruction auxiliary data, the subprogram table,
 * the log, the current path state, the stack of pending branches and the
 * explored states used for pruning. Modules:
 *   verifier.c  entry, do_check loop, branch stack, pruning, exits
 *   cfg.c       subprograms, DFS over the CFG, postorder, live registers
 *   state.c     state allocation/copy/compare, stack growth
 *   log.c       log buffer (kernel's log.c) and state printing
 *   alu.c       ALU instructions, pointer arithmetic
 *   jmp.c       conditional jumps: branch prediction and refinement
 *   mem.c       loads/stores per pointer kind, stack slots, atomics
 *   ctx.c       program types: context layout, return ranges, helpers allowed
 *   call.c      helper calls and bpf-to-bpf calls
 *   backtrack.c precision marking
 *   btf_info.c  func_info (names, prototypes, linkage) and line_info
 *   subprog.c   global subprograms: arguments from the BTF prototype
 */
#ifndef HIVE_VERIFIER_ENV_H
#define HIVE_VERIFIER_ENV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "hive/hive_verifier.h"
#include "verifier/scalar.h"
#include "verifier/run.h"
#include "verifier/state.h"

#define BPF_COMPLEXITY_LIMIT_INSNS    1000000
#define BPF_COMPLEXITY_LIMIT_JMP_SEQ  8192
#define BPF_COMPLEXITY_LIMIT_STATES   64
#define BPF_MAX_SUBPROGS              256
#define MAX_USED_MAPS                 64
#define BPF_ID_MAP_SIZE               ((MAX_BPF_REG + MAX_BPF_STACK / BPF_REG_SIZE) * MAX_CALL_FRAMES)
#define TMP_STR_BUF_LEN               320
#define BPF_MAIN_FUNC                 (-1)
#define BPF_REGMASK_ARGS              ((1U << 1) | (1U << 2) | (1U << 3) | (1U << 4) | (1U << 5))
#define ALL_CALLER_SAVED_REGS         0x3fU   /* r0-r5 */
#define ENOTSUPP_                     524     /* the kernel's internal ENOTSUPP */

/* src_reg of lddw (maps, functions, BTF ids) and of calls */
#define BPF_PSEUDO_MAP_FD             1
#define BPF_PSEUDO_MAP_VALUE          2
#define BPF_PSEUDO_BTF_ID             3
#define BPF_PSEUDO_FUNC               4
#define BPF_PSEUDO_MAP_IDX            5
#define BPF_PSEUDO_MAP_IDX_VALUE      6
#define BPF_PSEUDO_CALL               1
#define BPF_PSEUDO_KFUNC_CALL         2

/* Access kinds (enum bpf_access_type). */
enum access_type { BPF_READ = 1, BPF_WRITE = 2 };

/* The kernel's log (struct bpf_verifier_log). */
struct vlog {
	uint64_t start_pos;
	uint64_t end_pos;
	char *ubuf;
	uint32_t level;
	uint32_t len_total;
	uint32_t len_max;
	char kbuf[1024];
};

/* Per-instruction facts (struct bpf_insn_aux_data, the parts used). */
struct insn_aux {
	uint32_t ptr_type;          /* pointer type first seen by a load/store */
	const struct vmap *map;     /* lddw of a map */
	bool seen;
	bool prune_point;
	bool force_checkpoint;
	bool jmp_point;
	bool calls_callback;
	bool loop_inline_seen;      /* bpf_loop: the inline state below is set */
	bool loop_fit_for_inline;   /* bpf_loop: flags 0 and one callback on every visit */
	uint32_t loop_callback_subprog;
	bool is_ldimm64_value;      /* lddw of a map value address */
	uint16_t live_regs_before;
	uint32_t scc;
	uint32_t map_off;           /* map value offset of a PSEUDO_MAP_VALUE */
};

/* An argument of a global subprogram, from its BTF prototype
 * (struct bpf_subprog_arg_info). */
enum subprog_arg_type {
	SUBPROG_ARG_SCALAR = 1,      /* int or enum: any scalar (ARG_ANYTHING) */
	SUBPROG_ARG_CTX,             /* the program's context (ARG_PTR_TO_CTX) */
	SUBPROG_ARG_MEM,             /* mem_size readable/writable bytes (ARG_PTR_TO_MEM) */
	SUBPROG_ARG_MEM_OR_NULL,     /* the same, or NULL */
};

struct subprog_arg {
	uint8_t type;                /* enum subprog_arg_type */
	uint32_t mem_size;
};

struct subprog_info {
	uint32_t start;
	uint32_t stack_depth;
	uint32_t postorder_start;
	bool has_tail_call;
	bool has_ld_abs;
	bool is_cb;
	bool is_async_cb;
	bool changes_pkt_data;
	uint32_t btf_id;            /* FUNC type of its func_info, 0 without */
	uint8_t linkage;            /* BTF_FUNC_STATIC / GLOBAL (func_info) */
	/* global subprograms (subprog.c) */
	bool args_cached;           /* args[] hold the BTF prototype */
	bool unreliable;            /* its BTF did not match a call */
	bool called;                /* a verified path calls it */
	bool verified;              /* verified on its own */
	uint8_t arg_cnt;
	struct subprog_arg args[5];
};

/* A saved state for pruning (struct bpf_verifier_state_list). */
struct state_list {
	struct vstate state;
	struct state_list *next;
	uint32_t miss_cnt;
	uint32_t hit_cnt;
	bool in_free_list;
};

/* Loops: states that closed a cycle in an SCC, kept until every path
 * entering the SCC is explored (struct bpf_scc_backedge / visit / info). */
struct scc_backedge {
	struct scc_backedge *next;
	struct vstate state;
};

struct scc_callchain {
	uint32_t callsites[MAX_CALL_FRAMES - 1];
	uint32_t scc;
};

struct scc_visit {
	struct scc_callchain callchain;
	struct vstate *entry_state;
	struct scc_backedge *backedges;
	uint32_t num_backedges;
};

struct scc_info {
	uint32_t num_visits;
	struct scc_visit visits[];
};

/* A pending branch (struct bpf_verifier_stack_elem). */
struct stack_elem {
	struct vstate st;
	int insn_idx;
	int prev_insn_idx;
	struct stack_elem *next;
	uint64_t log_pos;
};

struct id_pair {
	uint32_t old;
	uint32_t cur;
};

struct idmap {
	uint32_t tmp_id_gen;
	struct id_pair map[BPF_ID_MAP_SIZE];
};

/* Precision backtracking masks (struct backtrack_state). */
struct backtrack {
	uint32_t frame;
	uint32_t reg_masks[MAX_CALL_FRAMES];
	uint64_t stack_masks[MAX_CALL_FRAMES];
};

/* Linked registers recorded in jump history for precision propagation. */
#define LINKED_REGS_MAX 6
struct linked_reg {
	uint8_t frameno;
	union {
		uint8_t spi;
		uint8_t regno;
	};
	bool is_reg;
};

struct linked_regs {
	int cnt;
	struct linked_reg entries[LINKED_REGS_MAX];
};

struct live_stack;

struct venv {
	/* program */
	struct hive_insn *insns;     /* private copy, lddw immediates resolved */
	uint32_t len;
	uint32_t prog_type;
	uint32_t expected_attach_type;
	uint32_t prog_flags;
	bool gpl;
	struct hive_verify_opts *opts;
	/* program BTF (opts, may be absent) */
	const struct hive_btf *btf;
	const struct bpf_func_info *func_info;
	uint32_t func_info_cnt;
	const struct bpf_line_info *line_info;
	uint32_t line_info_cnt;
	const struct bpf_line_info *prev_linfo;  /* last printed by verbose_linfo */
	/* privileges (always root here) */
	bool bpf_capable;
	bool allow_ptr_leaks;
	bool allow_uninit_stack;
	bool bypass_spec_v1;
	bool bypass_spec_v4;
	bool strict_alignment;
	/* analysis tables */
	struct insn_aux *aux;
	struct subprog_info subprog_info[BPF_MAX_SUBPROGS + 2];
	uint32_t subprog_cnt;
	int *insn_postorder;
	uint32_t cur_postorder;
	uint32_t num_scc;
	struct scc_info **scc_info;     /* per SCC number: the visits */
	uint32_t num_backedges;
	struct vmap maps[MAX_USED_MAPS];
	struct vmap inner_maps[MAX_USED_MAPS];  /* templates of maps[i].inner */
	uint32_t used_map_cnt;
	/* the walk */
	struct vstate *cur_state;
	struct stack_elem *head;
	uint32_t stack_size;
	struct state_list **explored;   /* per instruction */
	uint32_t id_gen;
	int insn_idx;
	int prev_insn_idx;
	bool seen_direct_write;
	struct reg_state fake_reg[2];
	struct idmap idmap_scratch;
	struct backtrack bt;
	struct jmp_history_entry *cur_hist_ent;
	struct live_stack *live_stack;  /* liveness.c */
	/* statistics */
	uint32_t insn_processed;
	uint32_t prev_insn_processed;
	uint32_t jmps_processed;
	uint32_t prev_jmps_processed;
	uint32_t max_states_per_insn;
	uint32_t total_states;
	uint32_t peak_states;
	uint32_t explored_states_size;
	uint32_t free_list_size;
	struct state_list *free_list;
	uint32_t longest_mark_read_walk;
	/* logging */
	struct vlog log;
	uint32_t scratched_regs;
	uint64_t scratched_stack_slots;
	uint64_t prev_log_pos;
	uint64_t prev_insn_print_pos;
	char tmp_str_buf[TMP_STR_BUF_LEN];
};

/* ---- log.c ---- */
int vlog_init(struct vlog *log, uint32_t level, char *buf, uint32_t size);
void vlog_write(struct vlog *log, const char *fmt, va_list ap);
/* vsnprintf, faster for the log's simple formats (same output and result). */
int vlog_vformat(char *buf, size_t size, const char *fmt, va_list ap);
void vlog_reset(struct vlog *log, uint64_t new_pos);
int vlog_finalize(struct vlog *log, uint32_t *true_size);
static inline bool vlog_needed(const struct vlog *log)
{
	return log->level != 0;
}
void verbose(struct venv *env, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *reg_type_str(struct venv *env, uint32_t type);
void print_verifier_state(struct venv *env, const struct vstate *vstate, uint32_t frameno,
			  bool print_all);
void print_insn_state(struct venv *env, const struct vstate *vstate, uint32_t frameno);
void verbose_insn(struct venv *env, const struct hive_insn *insn);
uint32_t vlog_alignment(uint64_t pos);

static inline void mark_reg_scratched(struct venv *env, uint32_t regno)
{
	env->scratched_regs |= 1U << regno;
}

static inline void mark_stack_slot_scratched(struct venv *env, uint32_t spi)
{
	env->scratched_stack_slots |= 1ULL << spi;
}

static inline void mark_verifier_state_clean(struct venv *env)
{
	env->scratched_regs = 0;
	env->scratched_stack_slots = 0;
}

static inline void mark_verifier_state_scratched(struct venv *env)
{
	env->scratched_regs = ~0U;
	env->scratched_stack_slots = ~0ULL;
}

/* ---- state.c ---- */
struct func_state *func_state_new(void);
void free_func_state(struct func_state *state);
void free_verifier_state(struct vstate *state, bool free_self);
int copy_verifier_state(struct vstate *dst, const struct vstate *src);
int grow_stack_state(struct venv *env, struct func_state *state, int size);
void mark_reg_not_init_raw(struct reg_state *reg);
void mark_reg_not_init(struct venv *env, struct reg_state *regs, uint32_t regno);
void mark_reg_unknown(struct venv *env, struct reg_state *regs, uint32_t regno);
void mark_reg_unknown_raw(struct venv *env, struct reg_state *reg);
void mark_reg_known_zero(struct venv *env, struct reg_state *regs, uint32_t regno);
void mark_reg_const_zero(struct venv *env, struct reg_state *reg);
void init_func_state(struct venv *env, struct func_state *state, int callsite,
		     uint32_t frameno, uint32_t subprogno);
int push_jmp_history(struct venv *env, struct vstate *cur, uint32_t insn_flags,
		     uint64_t linked_regs);
bool states_equal(struct venv *env, struct vstate *old, struct vstate *cur, int exact);
enum { NOT_EXACT, EXACT, RANGE_WITHIN };
void clean_live_states(struct venv *env, struct state_list *head, int insn, struct vstate *cur);
bool incomplete_read_marks(struct venv *env, const struct vstate *st);
/* The checkpoint at @insn_idx on the current path (a loop's earlier
 * iteration) with @cur's call sites, or NULL (verifier.c). */
struct vstate *find_prev_entry(struct venv *env, struct vstate *cur, int insn_idx);
/* Scalars of @cur that are imprecise and differ from @old (an earlier
 * state of the same loop) become unknown (widen_imprecise_scalars). */
void widen_imprecise_scalars(struct venv *env, const struct vstate *old, struct vstate *cur);
uint32_t frame_insn_idx(const struct vstate *st, uint32_t frame);

static inline struct func_state *cur_func(struct venv *env)
{
	return env->cur_state->frame[env->cur_state->curframe];
}

static inline struct reg_state *cur_regs(struct venv *env)
{
	return cur_func(env)->regs;
}

/* Frame a PTR_TO_STACK register points into. */
static inline struct func_state *reg_func(struct venv *env, const struct reg_state *reg)
{
	return env->cur_state->frame[reg->frameno];
}

static inline bool is_spilled_reg(const struct stack_slot *stack)
{
	return stack->slot_type[BPF_REG_SIZE - 1] == STACK_SPILL;
}

static inline bool is_spilled_scalar_reg(const struct stack_slot *stack)
{
	return is_spilled_reg(stack) && stack->spilled_ptr.type == SCALAR_VALUE;
}

static inline bool is_spilled_scalar_reg64(const struct stack_slot *stack)
{
	return is_spilled_scalar_reg(stack) && stack->slot_type[0] == STACK_SPILL;
}

/* ---- cfg.c ---- */
int add_subprogs(struct venv *env);
int check_subprogs(struct venv *env);
int check_cfg(struct venv *env);
int compute_postorder(struct venv *env);
int compute_live_registers(struct venv *env);
int compute_scc(struct venv *env);
int find_subprog(struct venv *env, int off);
/* Successors of @idx within its function (fallthrough first); 0 after exit. */
int insn_successors(struct venv *env, uint32_t idx, uint32_t succ[2]);
bool bpf_is_ldimm64(const struct hive_insn *insn);
bool bpf_pseudo_call(const struct hive_insn *insn);
bool bpf_pseudo_func(const struct hive_insn *insn);
bool bpf_helper_call(const struct hive_insn *insn);
int check_max_stack_depth(struct venv *env);

/* ---- alu.c ---- */
int check_alu_op(struct venv *env, const struct hive_insn *insn);
int check_reg_arg(struct venv *env, uint32_t regno, int t);
enum { SRC_OP, DST_OP, DST_OP_NO_MARK };
bool is_pointer_value(struct venv *env, int regno);
void assign_scalar_id_before_mov(struct venv *env, struct reg_state *src);
void copy_register_state(struct reg_state *dst, const struct reg_state *src);
int check_ld_imm(struct venv *env, const struct hive_insn *insn);
int check_ld_abs(struct venv *env, const struct hive_insn *insn);
int reg_bounds_sanity_check(struct venv *env, struct reg_state *reg, const char *ctx);

/* ---- jmp.c ---- */
int check_cond_jmp_op(struct venv *env, const struct hive_insn *insn, int *insn_idx);
struct vstate *push_stack(struct venv *env, int insn_idx, int prev_insn_idx, bool speculative);
void mark_ptr_or_null_regs(struct vstate *vstate, uint32_t regno, bool is_null);
/* a maybe-NULL pointer known not to be NULL */
void mark_ptr_not_null_reg(struct reg_state *reg);

/* What check_func_arg learns about a helper call (struct bpf_call_arg_meta). */
struct call_meta {
	const struct vmap *map_ptr;
	uint32_t map_uid;
	bool raw_mode;
	bool pkt_access;
	uint8_t release_regno;
	int regno;
	int access_size;
	int mem_size;
	uint64_t msize_max_value;
	int ref_obj_id;
	int func_id;
	int64_t const_map_key;
	int subprogno;          /* the callback of an ARG_PTR_TO_FUNC */
};

/* ---- mem.c ---- */
int check_mem_access(struct venv *env, int insn_idx, uint32_t regno, int off, int bpf_size,
		     enum access_type t, int value_regno, bool strict_alignment_once,
		     bool is_ldsx);
int check_load_mem(struct venv *env, const struct hive_insn *insn, bool strict_once,
		   bool is_ldsx, const char *ctx);
int check_store_reg(struct venv *env, const struct hive_insn *insn, bool strict_once);
int check_atomic(struct venv *env, const struct hive_insn *insn);
int check_stack_range_initialized(struct venv *env, int regno, int off, int access_size,
				  bool zero_size_allowed, enum access_type type,
				  struct call_meta *meta);
int check_mem_region_access(struct venv *env, uint32_t regno, int off, int size,
			    uint32_t mem_size, bool zero_size_allowed);
int check_map_access(struct venv *env, uint32_t regno, int off, int size,
		     bool zero_size_allowed);
int check_packet_access(struct venv *env, uint32_t regno, int off, int size,
			bool zero_size_allowed);
int save_aux_ptr_type(struct venv *env, uint32_t type);
int check_ptr_off_reg(struct venv *env, const struct reg_state *reg, int regno);
int __check_ptr_off_reg(struct venv *env, const struct reg_state *reg, int regno,
			bool fixed_off_ok);
bool may_access_direct_pkt_data(struct venv *env, bool helper, bool pkt_access,
				enum access_type t);

/* ---- ctx.c ---- */
struct ctx_access {
	uint32_t reg_type;       /* SCALAR_VALUE or a packet pointer type */
	uint32_t ctx_field_size;
};
bool ctx_is_valid_access(struct venv *env, int off, int size, enum access_type t,
			 struct ctx_access *info);
bool prog_type_supported(uint32_t prog_type);
bool prog_helper_allowed(struct venv *env, uint32_t func_id);
int check_return_code(struct venv *env, int regno, const char *reg_name);
/* "<ctx> the register <reg_name> has smin=.. smax=.. should have been in [min, max]" */
void verbose_invalid_scalar(struct venv *env, const struct reg_state *reg, int32_t minval,
			    int32_t maxval, const char *ctx, const char *reg_name);
bool prog_may_ld_abs(uint32_t prog_type);

/* ---- call.c ---- */
int check_helper_call(struct venv *env, const struct hive_insn *insn, int *insn_idx);
int check_func_call(struct venv *env, const struct hive_insn *insn, int *insn_idx);
int prepare_func_exit(struct venv *env, int *insn_idx);
int check_resource_leak(struct venv *env, bool exception_exit, bool check_lock,
			const char *prefix);
const char *helper_func_name(uint32_t id);
int helper_num_params(uint32_t id);
/* @regno points at @mem_size bytes the callee may read and write (NULL too). */
int check_mem_reg(struct venv *env, struct reg_state *reg, uint32_t regno, uint32_t mem_size);
int check_func_arg_reg_off(struct venv *env, const struct reg_state *reg, int regno,
			   uint32_t arg_type);
bool helper_changes_pkt_data(int func_id);
void clear_all_pkt_pointers(struct venv *env);

/* ---- btf_info.c ---- */
struct btf_type;
/* func_info against the subprograms, linkage and return-type rules (or,
 * without func_info, no LD_ABS/tail calls in subprograms): 0 or -EINVAL. */
int check_btf_info(struct venv *env);
bool subprog_is_global(const struct venv *env, uint32_t subprog);
/* BTF name of @subprog ("" without func_info). */
const char *subprog_name(const struct venv *env, uint32_t subprog);
/* FUNC_PROTO of @subprog, NULL without func_info. */
const struct btf_type *subprog_func_proto(const struct venv *env, uint32_t subprog);
/* "; <line> @ <file>:<n>" (after @prefix_fmt) when @insn_off starts a new
 * line_info record since the last one printed. */
void verbose_linfo(struct venv *env, uint32_t insn_off, const char *prefix_fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- subprog.c: global subprograms ---- */
/* The prototype of @subprog as argument classes (btf_prepare_func_args):
 * 0, or -EINVAL with a logged reason for a global, silently for a static
 * one, or -EFAULT. Cached in subprog_info. */
int prepare_func_args(struct venv *env, uint32_t subprog);
/* The caller's @regs against the prototype of @subprog
 * (btf_check_subprog_call): 0, -EINVAL/-EACCES with a logged reason, or
 * -EFAULT. A mismatch marks the subprogram unreliable. */
int check_subprog_call(struct venv *env, uint32_t subprog, struct reg_state *regs);
/* The call of global @subprog from the current state, whose arguments
 * were checked with result @err: either refused (the error) or the call
 * returns an unknown scalar in R0 without entering the callee. */
int call_global_subprog(struct venv *env, uint32_t subprog, int err);
/* R1-R5 of a subprogram verified on its own, from its prototype. */
int init_subprog_args(struct venv *env, uint32_t subprog, struct reg_state *regs);

/* ---- liveness.c: stack slots that may still be read ---- */
int live_stack_init(struct venv *env);
void live_stack_free(struct venv *env);
/* the call stack of cur_state changed (entering a subprogram) */
void live_stack_reset_callchain(struct venv *env);
/* @mask slots of frame @frame may be read by @insn_idx */
int live_stack_mark_read(struct venv *env, uint32_t frame, uint32_t insn_idx, uint64_t mask);
/* bracket one instruction: its full-slot writes are collected in between */
int live_stack_reset_write_marks(struct venv *env, uint32_t insn_idx);
void live_stack_mark_write(struct venv *env, uint32_t frame, uint64_t mask);
int live_stack_commit_write_marks(struct venv *env);
/* fixed point for the call chains of cur_state (at exits, before popping) */
int live_stack_update(struct venv *env);
/* answer live_stack_slot_alive() for the frames of @st at its insn */
int live_stack_query_init(struct venv *env, const struct vstate *st);
bool live_stack_slot_alive(struct venv *env, uint32_t frameno, uint32_t spi);

/* ---- backtrack.c ---- */
void fmt_stack_mask(char *buf, size_t sz, uint64_t mask);
int mark_chain_precision(struct venv *env, int regno);
int mark_chain_precision_batch(struct venv *env, struct vstate *starting_state);
int propagate_precision(struct venv *env, const struct vstate *old, struct vstate *cur,
			bool *changed);
void mark_all_scalars_imprecise(struct venv *env, struct vstate *st);
void mark_all_scalars_precise(struct venv *env, struct vstate *st);
void bt_set_frame_reg(struct backtrack *bt, uint32_t frame, uint32_t reg);
void bt_set_frame_slot(struct backtrack *bt, uint32_t frame, uint32_t slot);
uint64_t linked_regs_pack(const struct linked_regs *s);
void linked_regs_unpack(uint64_t val, struct linked_regs *s);

/* insn_flags for jmp history of stack accesses */
static inline int insn_stack_access_flags(int frameno, int spi)
{
	return INSN_F_STACK_ACCESS | (spi << INSN_F_SPI_SHIFT) | frameno;
}

static inline int insn_stack_access_spi(int insn_flags)
{
	return (insn_flags >> INSN_F_SPI_SHIFT) & INSN_F_SPI_MASK;
}

static inline int insn_stack_access_frameno(int insn_flags)
{
	return insn_flags & INSN_F_FRAMENO_MASK;
}

/* Size in bytes of a BPF_SIZE field. */
static inline int bpf_size_to_bytes(int bpf_size)
{
	switch (bpf_size) {
	case HIVE_W:  return 4;
	case HIVE_H:  return 2;
	case HIVE_B:  return 1;
	case HIVE_DW: return 8;
	default:      return -22;
	}
}

#define BPF_SIZE(code) ((code) & 0x18)
#define BPF_MODE(code) ((code) & 0xe0)
#define BPF_OP(code)   ((code) & 0xf0)
#define BPF_SRC(code)  ((code) & 0x08)

#endif /* HIVE_VERIFIER_ENV_H */
