/*
 * state.h - the abstract machine state the verifier walks with: register
 * states, stack slots, call frames, whole path states and references.
 *
 * The layout follows the Linux kernel's include/linux/bpf_verifier.h
 * (6.18): a register has a base type plus flags, a fixed offset, a tnum of
 * known bits and eight numeric bounds; a frame has eleven registers and a
 * growable stack of 8-byte slots with one type byte per byte; a path state
 * has up to eight frames, the references it holds and the jump history used
 * by precision backtracking. state.c copies, frees, compares and prints them.
 */
#ifndef HIVE_VERIFIER_STATE_H
#define HIVE_VERIFIER_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "hive/hive_insn.h"
#include "verifier/tnum.h"

#ifndef MAX_BPF_REG
#define MAX_BPF_REG         11
#endif
#define BPF_REG_FP          10
#define BPF_REG_SIZE        8
#define MAX_BPF_STACK       512
#define MAX_CALL_FRAMES     8
#define BPF_MAX_VAR_OFF     (1 << 29)
#define BPF_MAX_VAR_SIZ     (1 << 29)
#define DEF_NOT_SUBREG      0
#define BPF_ADD_CONST64     (1U << 31)
#define BPF_ADD_CONST32     (1U << 30)
#define BPF_ADD_CONST       (BPF_ADD_CONST64 | BPF_ADD_CONST32)

#define S64_MIN ((int64_t)(1ULL << 63))
#define S64_MAX ((int64_t)((1ULL << 63) - 1))
#define U64_MAX (~0ULL)
#define S32_MIN ((int32_t)0x80000000)
#define S32_MAX ((int32_t)0x7fffffff)
#define U32_MAX 0xffffffffU

/* Base register types (enum bpf_reg_type). */
enum reg_type {
	NOT_INIT = 0,
	SCALAR_VALUE,
	PTR_TO_CTX,
	CONST_PTR_TO_MAP,
	PTR_TO_MAP_VALUE,
	PTR_TO_MAP_KEY,
	PTR_TO_STACK,
	PTR_TO_PACKET_META,
	PTR_TO_PACKET,
	PTR_TO_PACKET_END,
	PTR_TO_FLOW_KEYS,
	PTR_TO_SOCKET,
	PTR_TO_SOCK_COMMON,
	PTR_TO_TCP_SOCK,
	PTR_TO_TP_BUFFER,
	PTR_TO_XDP_SOCK,
	PTR_TO_BTF_ID,
	PTR_TO_MEM,
	PTR_TO_ARENA,
	PTR_TO_BUF,
	PTR_TO_FUNC,
	CONST_PTR_TO_DYNPTR,
	__BPF_REG_TYPE_MAX,
};

/* Type flags above the base type (enum bpf_type_flag). */
#define BPF_BASE_TYPE_BITS 8
#define PTR_MAYBE_NULL  (1U << (0 + BPF_BASE_TYPE_BITS))
#define MEM_RDONLY      (1U << (1 + BPF_BASE_TYPE_BITS))
#define MEM_RINGBUF     (1U << (2 + BPF_BASE_TYPE_BITS))
#define MEM_USER        (1U << (3 + BPF_BASE_TYPE_BITS))
#define MEM_PERCPU      (1U << (4 + BPF_BASE_TYPE_BITS))
#define OBJ_RELEASE     (1U << (5 + BPF_BASE_TYPE_BITS))
#define PTR_UNTRUSTED   (1U << (6 + BPF_BASE_TYPE_BITS))
#define MEM_UNINIT      (1U << (7 + BPF_BASE_TYPE_BITS))
#define DYNPTR_TYPE_LOCAL   (1U << (8 + BPF_BASE_TYPE_BITS))
#define DYNPTR_TYPE_RINGBUF (1U << (9 + BPF_BASE_TYPE_BITS))
#define MEM_FIXED_SIZE  (1U << (10 + BPF_BASE_TYPE_BITS))
#define MEM_ALLOC       (1U << (11 + BPF_BASE_TYPE_BITS))
#define PTR_TRUSTED     (1U << (12 + BPF_BASE_TYPE_BITS))
#define MEM_RCU         (1U << (13 + BPF_BASE_TYPE_BITS))
#define NON_OWN_REF     (1U << (14 + BPF_BASE_TYPE_BITS))
#define DYNPTR_TYPE_SKB (1U << (15 + BPF_BASE_TYPE_BITS))
#define DYNPTR_TYPE_XDP (1U << (16 + BPF_BASE_TYPE_BITS))
#define MEM_ALIGNED     (1U << (17 + BPF_BASE_TYPE_BITS))
#define MEM_WRITE       (1U << (18 + BPF_BASE_TYPE_BITS))

#define PTR_TO_MAP_VALUE_OR_NULL (PTR_MAYBE_NULL | PTR_TO_MAP_VALUE)

static inline uint32_t base_type(uint32_t type)
{
	return type & ((1U << BPF_BASE_TYPE_BITS) - 1);
}

static inline uint32_t type_flag(uint32_t type)
{
	return type & ~((1U << BPF_BASE_TYPE_BITS) - 1);
}

static inline bool type_may_be_null(uint32_t type)
{
	return type & PTR_MAYBE_NULL;
}

/* Packet pointer range markers for comparisons against pkt_end. */
#define BEYOND_PKT_END (-2)
#define AT_PKT_END     (-1)

/*
 * A map as the verifier sees it (resolved from an lddw pseudo map fd or
 * index through the caller's resolver).
 */
struct vmap {
	uint32_t type;        /* BPF_MAP_TYPE_* */
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t flags;       /* map_flags (BPF_F_RDONLY_PROG, ...) */
	uint32_t id;          /* distinct per map in the program */
	int32_t fd;
	/* BTF-described special fields in the value (-1 when absent). */
	int32_t spin_lock_off;
	int32_t timer_off;
	uint32_t btf_value_type_id;
	bool frozen;
	const void *value;
	char name[16];
	const struct vmap *inner;  /* map-in-map: the inner map template */
};

/* One register (struct bpf_reg_state). */
struct reg_state {
	uint32_t type;        /* base type | flags */
	int32_t off;          /* fixed offset from the pointed object */
	union {
		int32_t range;        /* packet: bytes known accessible from off 0 */
		struct {
			const struct vmap *map_ptr;
			uint32_t map_uid;
		};
		struct {
			uint32_t mem_size;    /* PTR_TO_MEM / PTR_TO_BUF */
			uint32_t dynptr_id;
		};
		struct {              /* PTR_TO_BTF_ID (minimal) */
			uint32_t btf_id;
		};
		struct {              /* spilled dynptr / iterator */
			uint32_t dynptr_type;
			bool first_slot;
		} dynptr;
		struct {              /* callback return range, PTR_TO_FUNC */
			uint32_t subprogno;
		};
	};
	struct tnum var_off;
	int64_t smin_value, smax_value;
	uint64_t umin_value, umax_value;
	int32_t s32_min_value, s32_max_value;
	uint32_t u32_min_value, u32_max_value;
	uint32_t id;          /* links copies: null checks, scalar ranges */
	uint32_t ref_obj_id;  /* reference this pointer carries, 0 if none */
	uint32_t frameno;     /* frame of a PTR_TO_STACK */
	int32_t subreg_def;   /* insn + 1 that last wrote only 32 bits */
	bool precise;
};

/* Per-byte stack slot types (enum bpf_stack_slot_type). */
enum stack_slot_type {
	STACK_INVALID,
	STACK_SPILL,
	STACK_MISC,
	STACK_ZERO,
	STACK_DYNPTR,
	STACK_ITER,
	STACK_IRQ_FLAG,
};

struct stack_slot {
	struct reg_state spilled_ptr;
	uint8_t slot_type[BPF_REG_SIZE];
};

/* A reference the program holds (acquired pointer, lock, ...). */
enum ref_type {
	REF_TYPE_PTR = 1,
	REF_TYPE_IRQ = 2,
	REF_TYPE_LOCK = 3,
	REF_TYPE_RES_LOCK = 4,
};

struct ref_state {
	uint32_t type;
	uint32_t id;
	int32_t insn_idx;
	const void *ptr;      /* lock owner (map) */
};

struct retval_range {
	int32_t minval, maxval;
	bool return_32bit;
};

/* One call frame (struct bpf_func_state). */
struct func_state {
	struct reg_state regs[MAX_BPF_REG];
	int32_t callsite;     /* insn of the call that created the frame */
	uint32_t frameno;
	uint32_t subprogno;
	uint32_t async_entry_cnt;
	struct retval_range callback_ret_range;
	bool in_callback_fn;
	bool in_async_callback_fn;
	bool in_exception_callback_fn;
	uint32_t callback_depth;
	int allocated_stack;  /* bytes, multiple of 8 */
	struct stack_slot *stack;
};

/* One jump-history entry (struct bpf_jmp_history_entry). */
struct jmp_history_entry {
	uint32_t idx;
	uint32_t prev_idx : 20;
	uint32_t flags : 12;
	uint64_t linked_regs;
};

#define INSN_F_FRAMENO_MASK 0x7
#define INSN_F_SPI_MASK     0x3f
#define INSN_F_SPI_SHIFT    3
#define INSN_F_STACK_ACCESS (1 << 9)
#define INSN_F_DST_REG_STACK (1 << 10)
#define INSN_F_SRC_REG_STACK (1 << 11)

/* A whole path state (struct bpf_verifier_state). */
struct vstate {
	struct func_state *frame[MAX_CALL_FRAMES];
	struct vstate *parent;
	uint32_t branches;     /* live children (unfinished paths) */
	uint32_t insn_idx;
	uint32_t curframe;
	struct ref_state *refs;
	uint32_t acquired_refs;
	uint32_t active_locks;
	uint32_t active_preempt_locks;
	uint32_t active_irq_id;
	uint32_t active_lock_id;
	const void *active_lock_ptr;
	bool active_rcu_lock;
	bool speculative;
	bool in_sleepable;
	bool cleaned;
	uint32_t first_insn_idx;
	uint32_t last_insn_idx;
	struct vstate *equal_state;   /* loop detection: state this one mirrors */
	struct jmp_history_entry *jmp_history;
	uint32_t jmp_history_cnt;
	uint32_t dfs_depth;
	uint32_t callback_unroll_depth;
	uint32_t may_goto_depth;
};

#endif /* HIVE_VERIFIER_STATE_H */
