/*
 * call.c - helper calls and bpf-to-bpf calls, after the Linux 6.18
 * verifier (check_helper_call, check_func_arg, check_func_call,
 * prepare_func_exit).
 *
 * A helper's prototype comes from src/helpers/helper_def.h (the kernel's
 * struct bpf_func_proto classes); whether a program type may call it comes
 * from helper_avail.h. Each argument is checked against its class: map
 * pointers, keys and values sized by the map, memory with its size in the
 * next argument (stack bytes must be initialised unless the helper fills
 * them), the context, plain values. After the call r1-r5 are unreadable
 * and r0 holds the return class. Acquired references (ring buffer records)
 * must be released on every path.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/helper_proto.h"
#include "hive/hive_helpers.h"
#include "verifier/env.h"

#define BPF_FUNC_MAX_ID 212
#define MAX_ERRNO 4095

enum {
	FN_map_lookup_elem = 1, FN_map_update_elem = 2, FN_map_delete_elem = 3,
	FN_probe_read_str = 45, FN_tail_call = 12, FN_get_smp_processor_id = 8,
	FN_perf_event_read = 22, FN_perf_event_output = 25, FN_get_stackid = 27,
	FN_skb_under_cgroup = 33, FN_current_task_under_cgroup = 37, FN_redirect_map = 51,
	FN_sock_map_update = 53, FN_perf_event_read_value = 55, FN_sk_redirect_map = 52,
	FN_msg_redirect_map = 60, FN_sock_hash_update = 70, FN_msg_redirect_hash = 71,
	FN_sk_redirect_hash = 72, FN_get_local_storage = 81, FN_sk_select_reuseport = 82,
	FN_map_push_elem = 87, FN_map_pop_elem = 88, FN_map_peek_elem = 89,
	FN_spin_lock = 93, FN_spin_unlock = 94, FN_skb_output = 111,
	FN_probe_read_user_str = 114, FN_probe_read_kernel_str = 115, FN_ringbuf_output = 130,
	FN_ringbuf_reserve = 131, FN_ringbuf_submit = 132, FN_ringbuf_discard = 133,
	FN_ringbuf_query = 134, FN_get_task_stack = 141, FN_xdp_output = 121,
	FN_get_stack = 67, FN_for_each_map_elem = 164, FN_loop = 181, FN_map_lookup_percpu_elem = 195,
	FN_ringbuf_reserve_dynptr = 198, FN_ringbuf_submit_dynptr = 199,
	FN_ringbuf_discard_dynptr = 200, FN_user_ringbuf_drain = 209,
};

enum {
	MT_HASH = 1, MT_ARRAY = 2, MT_PROG_ARRAY = 3, MT_PERF_EVENT_ARRAY = 4,
	MT_PERCPU_HASH = 5, MT_PERCPU_ARRAY = 6, MT_STACK_TRACE = 7, MT_CGROUP_ARRAY = 8,
	MT_LRU_HASH = 9, MT_LRU_PERCPU_HASH = 10, MT_LPM_TRIE = 11, MT_ARRAY_OF_MAPS = 12,
	MT_HASH_OF_MAPS = 13, MT_DEVMAP = 14, MT_SOCKMAP = 15, MT_CPUMAP = 16, MT_XSKMAP = 17,
	MT_SOCKHASH = 18, MT_CGROUP_STORAGE = 19, MT_REUSEPORT_SOCKARRAY = 20,
	MT_PERCPU_CGROUP_STORAGE = 21, MT_QUEUE = 22, MT_STACK = 23, MT_SK_STORAGE = 24,
	MT_DEVMAP_HASH = 25, MT_STRUCT_OPS = 26, MT_RINGBUF = 27, MT_INODE_STORAGE = 28,
	MT_TASK_STORAGE = 29, MT_BLOOM_FILTER = 30, MT_USER_RINGBUF = 31, MT_CGRP_STORAGE = 32,
	MT_ARENA = 33,
};

/* ---- the prototype table ------------------------------------------------------ */

struct proto {
	const char *name;
	uint32_t ret;
	uint32_t args[5];
	uint32_t arg_size[5];  /* HIVE_MEM_FIXED_SIZE bytes; 0: 8 */
};

static const struct proto protos[] = {
#define X(ID, NAME, RET, A1, A2, A3, A4, A5) \
	[ID] = { #NAME, HIVE_RET_##RET, { HIVE_ARG_##A1, HIVE_ARG_##A2, HIVE_ARG_##A3, HIVE_ARG_##A4, HIVE_ARG_##A5 } },
#include "helpers/helper_def.h"
#undef X
};

const char *helper_func_name(uint32_t id)
{
	static __thread char buf[64];

	if (id < sizeof(protos) / sizeof(protos[0]) && protos[id].name && id) {
		snprintf(buf, sizeof(buf), "bpf_%s", protos[id].name);
		return buf;
	}
	return "unknown";
}

static const struct proto *helper_proto(uint32_t id)
{
	if (id >= sizeof(protos) / sizeof(protos[0]) || !protos[id].name)
		return NULL;
	if (HIVE_CLASS_BASE(protos[id].ret) == HIVE_RETB_UNSPEC)
		return NULL;
	return &protos[id];
}

/*
 * Embedder helpers (hive_helper_register, ids past the kernel's): their
 * registered prototype in @buf, or NULL. Every program type may call them.
 */
static const struct proto *registered_proto(uint32_t id, struct proto *buf)
{
	struct hive_helper_proto hp;

	if (id < BPF_FUNC_MAX_ID || hive_helper_proto(id, &hp))
		return NULL;
	memset(buf, 0, sizeof(*buf));
	buf->name = hive_helper_name(id);
	buf->ret = hp.ret | (hp.gpl_only ? HIVE_RET_GPL_ONLY : 0);
	memcpy(buf->args, hp.args, sizeof(buf->args));
	memcpy(buf->arg_size, hp.arg_size, sizeof(buf->arg_size));
	return buf;
}

int helper_num_params(uint32_t id)
{
	struct proto reg;
	const struct proto *fn = id < BPF_FUNC_MAX_ID ? helper_proto(id) : registered_proto(id, &reg);
	int i;

	if (!fn)
		return -1;
	for (i = 0; i < 5; i++)
		if (HIVE_CLASS_BASE(fn->args[i]) == HIVE_ARGB_DONTCARE)
			break;
	return i;
}

/* ---- references ------------------------------------------------------------------ */

static int acquire_reference(struct venv *env, int insn_idx)
{
	struct vstate *st = env->cur_state;
	struct ref_state *refs = realloc(st->refs, (st->acquired_refs + 1) * sizeof(*refs));

	if (!refs)
		return -ENOMEM;
	st->refs = refs;
	refs[st->acquired_refs].type = REF_TYPE_PTR;
	refs[st->acquired_refs].id = ++env->id_gen;
	refs[st->acquired_refs].insn_idx = insn_idx;
	refs[st->acquired_refs].ptr = NULL;
	st->acquired_refs++;
	return (int)env->id_gen;
}

static int acquire_lock_state(struct venv *env, int insn_idx, uint32_t id, const void *ptr)
{
	struct vstate *st = env->cur_state;
	struct ref_state *refs = realloc(st->refs, (st->acquired_refs + 1) * sizeof(*refs));

	if (!refs)
		return -ENOMEM;
	st->refs = refs;
	refs[st->acquired_refs].type = REF_TYPE_LOCK;
	refs[st->acquired_refs].id = id;
	refs[st->acquired_refs].insn_idx = insn_idx;
	refs[st->acquired_refs].ptr = ptr;
	st->acquired_refs++;
	st->active_locks++;
	st->active_lock_id = id;
	st->active_lock_ptr = ptr;
	return 0;
}

static void erase_ref(struct vstate *st, uint32_t i)
{
	memmove(&st->refs[i], &st->refs[i + 1], (st->acquired_refs - i - 1) * sizeof(st->refs[0]));
	st->acquired_refs--;
}

static int release_lock_state(struct vstate *st, uint32_t id, const void *ptr)
{
	uint32_t i;

	for (i = 0; i < st->acquired_refs; i++) {
		if (st->refs[i].type == REF_TYPE_LOCK && st->refs[i].id == id &&
		    st->refs[i].ptr == ptr) {
			erase_ref(st, i);
			st->active_locks--;
			st->active_lock_id = 0;
			st->active_lock_ptr = NULL;
			/* the innermost remaining lock becomes the active one */
			for (i = st->acquired_refs; i > 0; i--) {
				if (st->refs[i - 1].type == REF_TYPE_LOCK) {
					st->active_lock_id = st->refs[i - 1].id;
					st->active_lock_ptr = st->refs[i - 1].ptr;
					break;
				}
			}
			return 0;
		}
	}
	return -EINVAL;
}

/* Release a reference and invalidate every register carrying it. */
static int release_reference(struct venv *env, uint32_t ref_obj_id)
{
	struct vstate *st = env->cur_state;
	uint32_t i, f, s;

	for (i = 0; i < st->acquired_refs; i++)
		if (st->refs[i].type == REF_TYPE_PTR && st->refs[i].id == ref_obj_id)
			break;
	if (i == st->acquired_refs)
		return -EINVAL;
	erase_ref(st, i);
	for (f = 0; f <= st->curframe; f++) {
		struct func_state *fr = st->frame[f];

		for (s = 0; s < MAX_BPF_REG; s++)
			if (fr->regs[s].ref_obj_id == ref_obj_id)
				mark_reg_unknown_raw(env, &fr->regs[s]);
		for (s = 0; s < (uint32_t)fr->allocated_stack / BPF_REG_SIZE; s++)
			if (is_spilled_reg(&fr->stack[s]) &&
			    fr->stack[s].spilled_ptr.ref_obj_id == ref_obj_id)
				mark_reg_unknown_raw(env, &fr->stack[s].spilled_ptr);
	}
	return 0;
}

int check_resource_leak(struct venv *env, bool exception_exit, bool check_lock,
			const char *prefix)
{
	struct vstate *st = env->cur_state;
	bool lingering = false;
	uint32_t i;

	if (check_lock && st->active_locks) {
		verbose(env, "%s cannot be used inside bpf_spin_lock-ed region\n", prefix);
		return -EINVAL;
	}
	if (exception_exit || !cur_func(env)->frameno) {
		for (i = 0; i < st->acquired_refs; i++) {
			if (st->refs[i].type != REF_TYPE_PTR)
				continue;
			verbose(env, "Unreleased reference id=%d alloc_insn=%d\n", st->refs[i].id,
				st->refs[i].insn_idx);
			lingering = true;
		}
	}
	if (lingering) {
		verbose(env, "%s would lead to reference leak\n", prefix);
		return -EINVAL;
	}
	if (check_lock && st->active_rcu_lock) {
		verbose(env, "%s cannot be used inside bpf_rcu_read_lock-ed region\n", prefix);
		return -EINVAL;
	}
	return 0;
}

/* ---- argument checks ---------------------------------------------------------------- */

static bool register_is_null(const struct reg_state *reg)
{
	return reg->type == SCALAR_VALUE && tnum_equals_const(reg->var_off, 0);
}

/* Register types each base argument class accepts (compatible_reg_types). */
static const uint32_t mem_types[] = {
	PTR_TO_STACK, PTR_TO_PACKET, PTR_TO_PACKET_META, PTR_TO_MAP_KEY, PTR_TO_MAP_VALUE,
	PTR_TO_MEM, PTR_TO_MEM | MEM_RINGBUF, PTR_TO_BUF, PTR_TO_BTF_ID | PTR_TRUSTED, 0,
};
static const uint32_t scalar_types[] = { SCALAR_VALUE, 0 };
static const uint32_t context_types[] = { PTR_TO_CTX, 0 };
static const uint32_t const_map_ptr_types[] = { CONST_PTR_TO_MAP, 0 };
static const uint32_t spin_lock_types[] = { PTR_TO_MAP_VALUE, PTR_TO_BTF_ID | MEM_ALLOC, 0 };
static const uint32_t ringbuf_mem_types[] = { PTR_TO_MEM | MEM_RINGBUF, 0 };
static const uint32_t func_ptr_types[] = { PTR_TO_FUNC, 0 };
static const uint32_t stack_ptr_types[] = { PTR_TO_STACK, 0 };
static const uint32_t const_str_types[] = { PTR_TO_MAP_VALUE, 0 };

static const uint32_t *compatible_types(uint32_t base)
{
	switch (base) {
	case HIVE_ARGB_PTR_TO_MAP_KEY:
	case HIVE_ARGB_PTR_TO_MAP_VALUE:
	case HIVE_ARGB_PTR_TO_MEM:
		return mem_types;
	case HIVE_ARGB_CONST_SIZE:
	case HIVE_ARGB_CONST_SIZE_OR_ZERO:
	case HIVE_ARGB_CONST_ALLOC_SIZE_OR_ZERO:
		return scalar_types;
	case HIVE_ARGB_CONST_MAP_PTR:
		return const_map_ptr_types;
	case HIVE_ARGB_PTR_TO_CTX:
		return context_types;
	case HIVE_ARGB_PTR_TO_SPIN_LOCK:
		return spin_lock_types;
	case HIVE_ARGB_PTR_TO_RINGBUF_MEM:
		return ringbuf_mem_types;
	case HIVE_ARGB_PTR_TO_FUNC:
		return func_ptr_types;
	case HIVE_ARGB_PTR_TO_STACK:
		return stack_ptr_types;
	case HIVE_ARGB_PTR_TO_CONST_STR:
		return const_str_types;
	default:
		return NULL;
	}
}

static int check_reg_type(struct venv *env, uint32_t regno, uint32_t arg_type)
{
	struct reg_state *reg = &cur_regs(env)[regno];
	const uint32_t *compat = compatible_types(HIVE_CLASS_BASE(arg_type));
	uint32_t type = reg->type;
	int i, j;

	if (!compat) {
		verbose(env, "verifier bug: unsupported arg type %d\n", arg_type);
		return -EFAULT;
	}
	/* RDONLY and MAYBE_NULL arguments also take the plain pointer */
	if (arg_type & HIVE_MEM_RDONLY)
		type &= ~MEM_RDONLY;
	if (arg_type & HIVE_PTR_MAYBE_NULL)
		type &= ~PTR_MAYBE_NULL;
	for (i = 0; compat[i]; i++)
		if (type == compat[i])
			return 0;
	verbose(env, "R%d type=%s expected=", regno, reg_type_str(env, reg->type));
	for (j = 0; j + 1 < i; j++)
		verbose(env, "%s, ", reg_type_str(env, compat[j]));
	verbose(env, "%s\n", reg_type_str(env, compat[j]));
	return -EACCES;
}

int check_func_arg_reg_off(struct venv *env, const struct reg_state *reg, int regno,
			   uint32_t arg_type)
{
	if (arg_type & HIVE_OBJ_RELEASE) {
		if (reg->off) {
			verbose(env, "R%d must have zero offset when passed to release func or trusted arg to kfunc\n",
				regno);
			return -EINVAL;
		}
		return __check_ptr_off_reg(env, reg, regno, false);
	}
	switch (reg->type) {
	case PTR_TO_STACK:
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META:
	case PTR_TO_MAP_KEY:
	case PTR_TO_MAP_VALUE:
	case PTR_TO_MEM:
	case PTR_TO_MEM | MEM_RDONLY:
	case PTR_TO_MEM | MEM_RINGBUF:
	case PTR_TO_BUF:
	case PTR_TO_BUF | MEM_RDONLY:
	case PTR_TO_ARENA:
	case SCALAR_VALUE:
		return 0;
	case PTR_TO_BTF_ID:
	case PTR_TO_BTF_ID | MEM_ALLOC:
	case PTR_TO_BTF_ID | PTR_TRUSTED:
	case PTR_TO_BTF_ID | MEM_RCU:
		return __check_ptr_off_reg(env, reg, regno, true);
	default:
		return __check_ptr_off_reg(env, reg, regno, false);
	}
}

static int check_helper_mem_access(struct venv *env, int regno, int access_size,
				   enum access_type access_type, bool zero_size_allowed,
				   struct call_meta *meta)
{
	struct reg_state *reg = &cur_regs(env)[regno];

	switch (base_type(reg->type)) {
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META:
		return check_packet_access(env, (uint32_t)regno, reg->off, access_size,
					   zero_size_allowed);
	case PTR_TO_MAP_KEY:
		if (access_type == BPF_WRITE) {
			verbose(env, "R%d cannot write into %s\n", regno, reg_type_str(env, reg->type));
			return -EACCES;
		}
		return check_mem_region_access(env, (uint32_t)regno, reg->off, access_size,
					       reg->map_ptr->key_size, false);
	case PTR_TO_MAP_VALUE:
		if (access_type == BPF_WRITE && (reg->map_ptr->flags & (1U << 7))) {
			verbose(env, "write into map forbidden, value_size=%d off=%d size=%d\n",
				reg->map_ptr->value_size, reg->off, access_size);
			return -EACCES;
		}
		if (access_type == BPF_READ && (reg->map_ptr->flags & (1U << 8))) {
			verbose(env, "read from map forbidden, value_size=%d off=%d size=%d\n",
				reg->map_ptr->value_size, reg->off, access_size);
			return -EACCES;
		}
		return check_map_access(env, (uint32_t)regno, reg->off, access_size,
					zero_size_allowed);
	case PTR_TO_MEM:
		if ((reg->type & MEM_RDONLY) && access_type == BPF_WRITE) {
			verbose(env, "R%d cannot write into %s\n", regno, reg_type_str(env, reg->type));
			return -EACCES;
		}
		return check_mem_region_access(env, (uint32_t)regno, reg->off, access_size,
					       reg->mem_size, zero_size_allowed);
	case PTR_TO_STACK:
		return check_stack_range_initialized(env, regno, reg->off, access_size,
						     zero_size_allowed, access_type, meta);
	case PTR_TO_CTX:
		if (env->prog_type == 31) {
			/* syscall programs: checked as a byte access at the end */
			if (access_size == 0)
				return zero_size_allowed ? 0 : -EACCES;
			return check_mem_access(env, env->insn_idx, (uint32_t)regno, access_size - 1,
						HIVE_B, access_type, -1, false, false);
		}
		/* fall through */
	default:
		if (zero_size_allowed && access_size == 0 && register_is_null(reg))
			return 0;
		verbose(env, "R%d type=%s ", regno, reg_type_str(env, reg->type));
		verbose(env, "expected=%s\n", reg_type_str(env, PTR_TO_STACK));
		return -EACCES;
	}
}

/*
 * A pointer argument of a global subprogram (check_mem_reg): NULL, or
 * memory of @mem_size bytes that may be read and written, checked as if
 * the pointer were not NULL; the register itself is left as it was.
 */
int check_mem_reg(struct venv *env, struct reg_state *reg, uint32_t regno, uint32_t mem_size)
{
	bool may_be_null = type_may_be_null(reg->type);
	struct reg_state saved;
	int err;

	/* NULL: the callee's NULL check decides, so the zero is precise */
	if (register_is_null(reg))
		return mark_chain_precision(env, (int)regno);
	if (may_be_null) {
		saved = *reg;
		mark_ptr_not_null_reg(reg);
	}
	err = check_helper_mem_access(env, (int)regno, (int)mem_size, BPF_READ, true, NULL);
	if (!err)
		err = check_helper_mem_access(env, (int)regno, (int)mem_size, BPF_WRITE, true, NULL);
	if (may_be_null)
		*reg = saved;
	return err;
}

static int check_mem_size_reg(struct venv *env, struct reg_state *reg, uint32_t regno,
			      enum access_type access_type, bool zero_size_allowed,
			      struct call_meta *meta)
{
	int err;

	meta->msize_max_value = reg->umax_value;
	/* a variable size needs an initialised buffer */
	if (!tnum_is_const(reg->var_off))
		meta = NULL;
	if (reg->smin_value < 0) {
		verbose(env, "R%d min value is negative, either use unsigned or 'var &= const'\n",
			regno);
		return -EACCES;
	}
	if (reg->umin_value == 0 && !zero_size_allowed) {
		verbose(env, "R%d invalid zero-sized read: u64=[%lld,%lld]\n", regno,
			(long long)reg->umin_value, (long long)reg->umax_value);
		return -EACCES;
	}
	if (reg->umax_value >= BPF_MAX_VAR_SIZ) {
		verbose(env, "R%d unbounded memory access, use 'var &= const' or 'if (var < const)'\n",
			regno);
		return -EACCES;
	}
	err = check_helper_mem_access(env, (int)regno - 1, (int)reg->umax_value, access_type,
				      zero_size_allowed, meta);
	if (!err)
		err = mark_chain_precision(env, (int)regno);
	return err;
}

/* A constant key of an array lookup makes the value non-NULL when in range. */
static int get_constant_map_key(struct venv *env, struct reg_state *key, uint32_t key_size,
				int64_t *value)
{
	struct func_state *state = reg_func(env, key);
	int slot, spi, off, spill_size = 0, zero_size = 0, i, err;
	struct reg_state *reg;
	uint8_t *stype;

	if (!env->bpf_capable || key->type != PTR_TO_STACK || !tnum_is_const(key->var_off))
		return -EOPNOTSUPP;
	slot = -(key->off + (int)key->var_off.value) - 1;
	spi = slot / BPF_REG_SIZE;
	off = slot % BPF_REG_SIZE;
	stype = state->stack[spi].slot_type;
	for (i = off; i >= 0 && stype[i] == STACK_ZERO; i--)
		zero_size++;
	if (zero_size >= (int)key_size) {
		*value = 0;
		return 0;
	}
	if (!is_spilled_scalar_reg(&state->stack[spi]))
		return -EOPNOTSUPP;
	for (i = off; i >= 0 && stype[i] == STACK_SPILL; i--)
		spill_size++;
	if (spill_size != (int)key_size)
		return -EOPNOTSUPP;
	reg = &state->stack[spi].spilled_ptr;
	if (!tnum_is_const(reg->var_off))
		return -EOPNOTSUPP;
	/* the key's value decided the result's type: it must stay exact */
	bt_set_frame_slot(&env->bt, key->frameno, (uint32_t)spi);
	err = mark_chain_precision_batch(env, env->cur_state);
	if (err < 0)
		return err;
	*value = (int64_t)reg->var_off.value;
	return 0;
}

static int process_spin_lock(struct venv *env, int regno, bool is_lock)
{
	struct reg_state *reg = &cur_regs(env)[regno];
	struct vstate *cur = env->cur_state;
	const struct vmap *map;
	uint64_t val = reg->var_off.value;

	if (!tnum_is_const(reg->var_off)) {
		verbose(env, "R%d doesn't have constant offset. bpf_spin_lock has to be at the constant offset\n",
			regno);
		return -EINVAL;
	}
	map = reg->map_ptr;
	if (!map->btf_value_type_id) {
		verbose(env, "map '%s' has to have BTF in order to use bpf_spin_lock\n", map->name);
		return -EINVAL;
	}
	if (map->spin_lock_off < 0) {
		verbose(env, "map '%s' has no valid bpf_spin_lock\n", map->name);
		return -EINVAL;
	}
	if ((uint64_t)map->spin_lock_off != val + (uint64_t)(int64_t)reg->off) {
		verbose(env, "off %lld doesn't point to 'struct bpf_spin_lock' that is at %d\n",
			(long long)(val + (uint64_t)(int64_t)reg->off), map->spin_lock_off);
		return -EINVAL;
	}
	if (is_lock) {
		if (cur->active_locks) {
			verbose(env, "Locking two bpf_spin_locks are not allowed\n");
			return -EINVAL;
		}
		return acquire_lock_state(env, env->insn_idx, reg->id, map);
	}
	if (!cur->active_locks) {
		verbose(env, "bpf_spin_unlock without taking a lock\n");
		return -EINVAL;
	}
	if (release_lock_state(cur, reg->id, map)) {
		verbose(env, "bpf_spin_unlock of different lock\n");
		return -EINVAL;
	}
	return 0;
}

static int check_func_arg(struct venv *env, uint32_t arg, struct call_meta *meta,
			  const struct proto *fn)
{
	uint32_t regno = 1 + arg, arg_type = fn->args[arg], base = HIVE_CLASS_BASE(arg_type);
	struct reg_state *reg = &cur_regs(env)[regno];
	int err;

	if (base == HIVE_ARGB_DONTCARE)
		return 0;
	err = check_reg_arg(env, regno, SRC_OP);
	if (err)
		return err;
	if (base == HIVE_ARGB_ANYTHING) {
		if (is_pointer_value(env, (int)regno)) {
			verbose(env, "R%d leaks addr into helper function\n", regno);
			return -EACCES;
		}
		return 0;
	}
	if ((reg->type == PTR_TO_PACKET || reg->type == PTR_TO_PACKET_META) &&
	    !may_access_direct_pkt_data(env, true, meta->pkt_access, BPF_READ)) {
		verbose(env, "helper access to the packet is not allowed\n");
		return -EACCES;
	}
	if (base == HIVE_ARGB_PTR_TO_MAP_VALUE && !meta->map_ptr) {
		verbose(env, "verifier bug: invalid map_ptr to access map->type\n");
		return -EFAULT;
	}
	if (register_is_null(reg) && (arg_type & HIVE_PTR_MAYBE_NULL)) {
		/* NULL picks the helper's other behaviour: keep it exact */
		err = mark_chain_precision(env, (int)regno);
		if (err)
			return err;
	} else {
		err = check_reg_type(env, regno, arg_type);
		if (err)
			return err;
		err = check_func_arg_reg_off(env, reg, (int)regno, arg_type);
		if (err)
			return err;
	}
	if (arg_type & HIVE_OBJ_RELEASE) {
		if (!reg->ref_obj_id && !register_is_null(reg)) {
			verbose(env, "R%d must be referenced when passed to release function\n", regno);
			return -EINVAL;
		}
		meta->release_regno = (uint8_t)regno;
	}
	if (reg->ref_obj_id) {
		if (meta->ref_obj_id) {
			verbose(env, "verifier internal error: more than one arg with ref_obj_id R%d %u %u",
				regno, reg->ref_obj_id, meta->ref_obj_id);
			return -EACCES;
		}
		meta->ref_obj_id = (int)reg->ref_obj_id;
	}

	switch (base) {
	case HIVE_ARGB_CONST_MAP_PTR:
		if (meta->map_ptr && (meta->map_ptr != reg->map_ptr || meta->map_uid != reg->map_uid)) {
			verbose(env, "timer pointer in R1 map_uid=%d doesn't match map pointer in R2 map_uid=%d\n",
				meta->map_uid, reg->map_uid);
			return -EINVAL;
		}
		meta->map_ptr = reg->map_ptr;
		meta->map_uid = reg->map_uid;
		break;
	case HIVE_ARGB_PTR_TO_MAP_KEY:
		if (!meta->map_ptr) {
			verbose(env, "verifier bug: invalid map_ptr to access map->key\n");
			return -EFAULT;
		}
		err = check_helper_mem_access(env, (int)regno, (int)meta->map_ptr->key_size, BPF_READ,
					      false, NULL);
		if (err)
			return err;
		if (meta->map_ptr->type == MT_ARRAY || meta->map_ptr->type == MT_PERCPU_ARRAY) {
			err = get_constant_map_key(env, reg, meta->map_ptr->key_size,
						   &meta->const_map_key);
			if (err < 0) {
				meta->const_map_key = -1;
				if (err != -EOPNOTSUPP)
					return err;
				err = 0;
			}
		}
		break;
	case HIVE_ARGB_PTR_TO_MAP_VALUE:
		if ((arg_type & HIVE_PTR_MAYBE_NULL) && register_is_null(reg))
			return 0;
		if (meta->map_ptr->type == MT_BLOOM_FILTER) {
			/* a bloom filter's "peek" tests the value it is given:
			 * the buffer is read, not filled */
			arg_type &= ~(uint32_t)(HIVE_MEM_UNINIT | HIVE_MEM_WRITE);
		}
		meta->raw_mode = arg_type & HIVE_MEM_UNINIT;
		err = check_helper_mem_access(env, (int)regno, (int)meta->map_ptr->value_size,
					      (arg_type & HIVE_MEM_WRITE) ? BPF_WRITE : BPF_READ,
					      false, meta);
		break;
	case HIVE_ARGB_PTR_TO_FUNC:
		meta->subprogno = (int)reg->subprogno;
		break;
	case HIVE_ARGB_PTR_TO_MEM:
		/* checked together with the size argument that follows */
		meta->raw_mode = arg_type & HIVE_MEM_UNINIT;
		if (arg_type & HIVE_MEM_FIXED_SIZE) {
			err = check_helper_mem_access(env, (int)regno,
						      fn->arg_size[arg] ? (int)fn->arg_size[arg] : 8,
						      (arg_type & HIVE_MEM_WRITE) ? BPF_WRITE : BPF_READ,
						      false, meta);
			if (err)
				return err;
		}
		break;
	case HIVE_ARGB_CONST_SIZE:
	case HIVE_ARGB_CONST_SIZE_OR_ZERO:
		err = check_mem_size_reg(env, reg, regno,
					 (fn->args[arg - 1] & HIVE_MEM_WRITE) ? BPF_WRITE : BPF_READ,
					 base == HIVE_ARGB_CONST_SIZE_OR_ZERO, meta);
		break;
	case HIVE_ARGB_CONST_ALLOC_SIZE_OR_ZERO:
		if (!tnum_is_const(reg->var_off)) {
			verbose(env, "R%d is not a known constant'\n", regno);
			return -EACCES;
		}
		meta->mem_size = (int)reg->var_off.value;
		err = mark_chain_precision(env, (int)regno);
		break;
	case HIVE_ARGB_PTR_TO_SPIN_LOCK:
		if (meta->func_id == FN_spin_lock)
			err = process_spin_lock(env, (int)regno, true);
		else if (meta->func_id == FN_spin_unlock)
			err = process_spin_lock(env, (int)regno, false);
		break;
	case HIVE_ARGB_PTR_TO_CONST_STR:
		/* needs the frozen map's bytes */
		if (!(reg->map_ptr->flags & (1U << 7)) || !reg->map_ptr->frozen) {
			verbose(env, "R%d does not point to a readonly map'\n", regno);
			return -EACCES;
		}
		if (!tnum_is_const(reg->var_off)) {
			verbose(env, "R%d is not a constant address'\n", regno);
			return -EACCES;
		}
		err = check_map_access(env, regno, reg->off,
				       (int)reg->map_ptr->value_size - reg->off, false);
		if (err)
			return err;
		if (!reg->map_ptr->value ||
		    !memchr((const char *)reg->map_ptr->value + reg->off + reg->var_off.value, 0,
			    reg->map_ptr->value_size - (uint32_t)reg->off - (uint32_t)reg->var_off.value)) {
			verbose(env, "string is not zero-terminated\n");
			return -EINVAL;
		}
		break;
	default:
		break;
	}
	return err;
}

static int check_map_func_compatibility(struct venv *env, const struct vmap *map, int func_id)
{
	if (!map)
		return 0;
	/* what the map accepts */
	switch (map->type) {
	case MT_PROG_ARRAY:
		if (func_id != FN_tail_call)
			goto error;
		break;
	case MT_PERF_EVENT_ARRAY:
		if (func_id != FN_perf_event_read && func_id != FN_perf_event_output &&
		    func_id != FN_skb_output && func_id != FN_perf_event_read_value &&
		    func_id != FN_xdp_output)
			goto error;
		break;
	case MT_RINGBUF:
		if (func_id != FN_ringbuf_output && func_id != FN_ringbuf_reserve &&
		    func_id != FN_ringbuf_query && func_id != FN_ringbuf_reserve_dynptr &&
		    func_id != FN_ringbuf_submit_dynptr && func_id != FN_ringbuf_discard_dynptr)
			goto error;
		break;
	case MT_USER_RINGBUF:
		if (func_id != FN_user_ringbuf_drain)
			goto error;
		break;
	case MT_STACK_TRACE:
		if (func_id != FN_get_stackid)
			goto error;
		break;
	case MT_CGROUP_ARRAY:
		if (func_id != FN_skb_under_cgroup && func_id != FN_current_task_under_cgroup)
			goto error;
		break;
	case MT_CGROUP_STORAGE:
	case MT_PERCPU_CGROUP_STORAGE:
		if (func_id != FN_get_local_storage)
			goto error;
		break;
	case MT_DEVMAP:
	case MT_DEVMAP_HASH:
	case MT_XSKMAP:
		if (func_id != FN_redirect_map && func_id != FN_map_lookup_elem)
			goto error;
		break;
	case MT_CPUMAP:
		if (func_id != FN_redirect_map)
			goto error;
		break;
	case MT_ARRAY_OF_MAPS:
	case MT_HASH_OF_MAPS:
		if (func_id != FN_map_lookup_elem)
			goto error;
		break;
	case MT_QUEUE:
	case MT_STACK:
		if (func_id != FN_map_peek_elem && func_id != FN_map_pop_elem &&
		    func_id != FN_map_push_elem)
			goto error;
		break;
	case MT_BLOOM_FILTER:
		if (func_id != FN_map_peek_elem && func_id != FN_map_push_elem)
			goto error;
		break;
	default:
		break;
	}
	/* what the helper accepts */
	switch (func_id) {
	case FN_tail_call:
		if (map->type != MT_PROG_ARRAY)
			goto error;
		if (env->subprog_cnt > 1) {
			verbose(env, "mixing of tail_calls and bpf-to-bpf calls is not supported\n");
			return -EINVAL;
		}
		break;
	case FN_perf_event_read:
	case FN_perf_event_output:
	case FN_perf_event_read_value:
	case FN_skb_output:
	case FN_xdp_output:
		if (map->type != MT_PERF_EVENT_ARRAY)
			goto error;
		break;
	case FN_ringbuf_output:
	case FN_ringbuf_reserve:
	case FN_ringbuf_query:
	case FN_ringbuf_reserve_dynptr:
	case FN_ringbuf_submit_dynptr:
	case FN_ringbuf_discard_dynptr:
		if (map->type != MT_RINGBUF)
			goto error;
		break;
	case FN_get_stackid:
		if (map->type != MT_STACK_TRACE)
			goto error;
		break;
	case FN_current_task_under_cgroup:
	case FN_skb_under_cgroup:
		if (map->type != MT_CGROUP_ARRAY)
			goto error;
		break;
	case FN_redirect_map:
		if (map->type != MT_DEVMAP && map->type != MT_DEVMAP_HASH && map->type != MT_CPUMAP &&
		    map->type != MT_XSKMAP)
			goto error;
		break;
	case FN_map_pop_elem:
		if (map->type != MT_QUEUE && map->type != MT_STACK)
			goto error;
		break;
	case FN_map_peek_elem:
	case FN_map_push_elem:
		if (map->type != MT_QUEUE && map->type != MT_STACK && map->type != MT_BLOOM_FILTER)
			goto error;
		break;
	case FN_map_lookup_percpu_elem:
		if (map->type != MT_PERCPU_ARRAY && map->type != MT_PERCPU_HASH &&
		    map->type != MT_LRU_PERCPU_HASH)
			goto error;
		break;
	default:
		break;
	}
	return 0;
error:
	verbose(env, "cannot pass map_type %d into func %s#%d\n", map->type,
		helper_func_name((uint32_t)func_id), func_id);
	return -EINVAL;
}

static uint32_t nr_cpu_ids(void)
{
	static uint32_t cached;
	FILE *f;
	unsigned a, b;

	if (cached)
		return cached;
	cached = 1;
	f = fopen("/sys/devices/system/cpu/possible", "r");
	if (f) {
		if (fscanf(f, "%u-%u", &a, &b) == 2)
			cached = b + 1;
		else if (fscanf(f, "%u", &a) == 1)
			cached = a + 1;
		fclose(f);
	}
	return cached;
}

static bool is_acquire_function(int func_id, const struct vmap *map)
{
	if (func_id == FN_ringbuf_reserve)
		return true;
	return func_id == FN_map_lookup_elem && map &&
	       (map->type == MT_SOCKMAP || map->type == MT_SOCKHASH);
}

bool helper_changes_pkt_data(int func_id)
{
	switch (func_id) {
	case 9: case 10: case 11: case 13: case 18: case 19: case 31: case 38: case 39:
	case 43: case 44: case 50: case 54: case 63: case 65: case 73: case 74: case 75:
	case 76: case 90: case 91: case 143:
		return true;
	default:
		return false;
	}
}

void clear_all_pkt_pointers(struct venv *env)
{
	struct vstate *st = env->cur_state;
	uint32_t f, s;

	for (f = 0; f <= st->curframe; f++) {
		struct func_state *fr = st->frame[f];

		for (s = 0; s < MAX_BPF_REG; s++) {
			uint32_t t = fr->regs[s].type;

			if (t == PTR_TO_PACKET || t == PTR_TO_PACKET_META || t == PTR_TO_PACKET_END)
				mark_reg_unknown_raw(env, &fr->regs[s]);
		}
		for (s = 0; s < (uint32_t)fr->allocated_stack / BPF_REG_SIZE; s++) {
			struct reg_state *r = &fr->stack[s].spilled_ptr;

			if (is_spilled_reg(&fr->stack[s]) &&
			    (r->type == PTR_TO_PACKET || r->type == PTR_TO_PACKET_META ||
			     r->type == PTR_TO_PACKET_END))
				mark_reg_unknown_raw(env, r);
		}
	}
}

/*
 * bpf_tail_call's map must be a prog array; a constant in-range index is
 * marked precise (the kernel uses it to turn the tail call into a direct
 * jump, so states with other indexes must not be pruned against it).
 */
static int record_func_key(struct venv *env, const struct call_meta *meta, int func_id)
{
	const struct reg_state *r3 = &cur_regs(env)[3];

	if (func_id != FN_tail_call)
		return 0;
	if (!meta->map_ptr || meta->map_ptr->type != MT_PROG_ARRAY) {
		verbose(env, "expected prog array map for tail call");
		return -EINVAL;
	}
	if (!(r3->type == SCALAR_VALUE && tnum_is_const(r3->var_off) &&
	      r3->var_off.value < meta->map_ptr->max_entries))
		return 0;
	return mark_chain_precision(env, 3);
}

/* ---- frames and callbacks --------------------------------------------------- */

typedef int (*set_callee_state_fn)(struct venv *env, struct func_state *caller,
				   struct func_state *callee);

/* A bpf-to-bpf call: the callee sees the caller's r1-r5. */
static int set_callee_state(struct venv *env, struct func_state *caller,
			    struct func_state *callee)
{
	int i;

	(void)env;
	for (i = 1; i <= 5; i++)
		callee->regs[i] = caller->regs[i];
	return 0;
}

/* bpf_loop(nr_loops, callback_fn, callback_ctx, flags) calls
 * callback_fn(u64 index, void *callback_ctx), which returns 0 or 1. */
static int set_loop_callback_state(struct venv *env, struct func_state *caller,
				   struct func_state *callee)
{
	callee->regs[1].type = SCALAR_VALUE;
	callee->regs[2] = caller->regs[3];
	mark_reg_not_init(env, callee->regs, 3);
	mark_reg_not_init(env, callee->regs, 4);
	mark_reg_not_init(env, callee->regs, 5);
	callee->in_callback_fn = true;
	callee->callback_ret_range = (struct retval_range){ 0, 1, false };
	return 0;
}

/* Maps whose elements bpf_for_each_map_elem can visit. */
static bool map_has_for_each(uint32_t type)
{
	return type == MT_HASH || type == MT_ARRAY || type == MT_PERCPU_HASH ||
	       type == MT_PERCPU_ARRAY || type == MT_LRU_HASH || type == MT_LRU_PERCPU_HASH;
}

/* bpf_for_each_map_elem(map, callback_fn, callback_ctx, flags) calls
 * callback_fn(map, key, value, callback_ctx), which returns 0 or 1. */
static int set_map_elem_callback_state(struct venv *env, struct func_state *caller,
				       struct func_state *callee)
{
	const struct vmap *map = caller->regs[1].map_ptr;

	if (!map || !map_has_for_each(map->type)) {
		verbose(env, "callback function not allowed for map\n");
		return -ENOTSUPP_;
	}
	callee->regs[1] = caller->regs[1];
	callee->regs[2].type = PTR_TO_MAP_KEY;
	mark_reg_known_zero(env, callee->regs, 2);
	callee->regs[2].map_ptr = map;
	callee->regs[3].type = PTR_TO_MAP_VALUE;
	mark_reg_known_zero(env, callee->regs, 3);
	callee->regs[3].map_ptr = map;
	callee->regs[3].id = ++env->id_gen;
	callee->regs[4] = caller->regs[3];
	mark_reg_not_init(env, callee->regs, 5);
	callee->in_callback_fn = true;
	callee->callback_ret_range = (struct retval_range){ 0, 1, false };
	return 0;
}

/* A new frame for @subprog called from @callsite on top of @state. */
static int setup_func_entry(struct venv *env, int subprog, int callsite,
			    set_callee_state_fn set_state, struct vstate *state)
{
	struct func_state *callee;
	int err;

	if (state->curframe + 1 >= MAX_CALL_FRAMES) {
		verbose(env, "the call stack of %d frames is too deep\n", state->curframe + 2);
		return -E2BIG;
	}
	if (state->frame[state->curframe + 1]) {
		verbose(env, "verifier bug: Frame %d already allocated\n", state->curframe + 1);
		return -EFAULT;
	}
	callee = func_state_new();
	if (!callee)
		return -ENOMEM;
	state->frame[state->curframe + 1] = callee;
	init_func_state(env, callee, callsite, state->curframe + 1, (uint32_t)subprog);
	err = set_state(env, state->frame[state->curframe], callee);
	if (err) {
		free_func_state(callee);
		state->frame[state->curframe + 1] = NULL;
		return err;
	}
	state->curframe++;
	return 0;
}

/*
 * A helper that calls @subprog back (push_callback_call): the callback's
 * first iteration is a new branch, entered from the call instruction; this
 * path goes on after the call as if the callback never ran. Each branch
 * ends at the callback's exit by going back to the call, which pushes the
 * next iteration, until is_state_visited() finds an iteration equal to an
 * earlier one.
 */
static int push_callback_call(struct venv *env, int insn_idx, int subprog,
			      set_callee_state_fn set_state)
{
	struct func_state *caller = cur_func(env);
	struct vstate *cb;
	int err;

	if (subprog <= 0 || (uint32_t)subprog >= env->subprog_cnt) {
		verbose(env, "verifier bug: callback subprog %d\n", subprog);
		return -EFAULT;
	}
	/* the helper's arguments against the callback's BTF prototype: a
	 * mismatch is only logged (and marks the prototype unreliable) */
	err = check_subprog_call(env, (uint32_t)subprog, caller->regs);
	if (err == -EFAULT)
		return err;
	env->subprog_info[subprog].is_cb = true;
	cb = push_stack(env, (int)env->subprog_info[subprog].start, insn_idx, false);
	if (!cb)
		return env->stack_size > BPF_COMPLEXITY_LIMIT_JMP_SEQ ? -E2BIG : -ENOMEM;
	err = setup_func_entry(env, subprog, insn_idx, set_state, cb);
	if (err)
		return err;
	cb->callback_unroll_depth++;
	cb->frame[cb->curframe - 1]->callback_depth++;
	caller->callback_depth = 0;
	return 0;
}

/*
 * bpf_loop: the kernel inlines calls whose flags are a known 0 and whose
 * callback is the same on every visit (update_loop_inline_state); a 0
 * flags register is therefore marked precise while that holds.
 */
static void update_loop_inline_state(struct venv *env, int insn_idx, int subprog)
{
	struct insn_aux *aux = &env->aux[insn_idx];
	bool zero = register_is_null(&cur_regs(env)[4]);

	if (aux->loop_inline_seen && !aux->loop_fit_for_inline)
		return;
	if (zero)
		mark_chain_precision(env, 4);
	if (!aux->loop_inline_seen) {
		aux->loop_inline_seen = true;
		aux->loop_fit_for_inline = zero;
		aux->loop_callback_subprog = (uint32_t)subprog;
		return;
	}
	aux->loop_fit_for_inline = zero && aux->loop_callback_subprog == (uint32_t)subprog;
}

/* The helpers that call a callback: push its next iteration. */
static int push_callbacks(struct venv *env, int func_id, const struct call_meta *meta,
			  int insn_idx)
{
	struct reg_state *regs = cur_regs(env);
	int err;

	switch (func_id) {
	case FN_for_each_map_elem:
		return push_callback_call(env, insn_idx, meta->subprogno,
					  set_map_elem_callback_state);
	case FN_loop:
		update_loop_inline_state(env, insn_idx, meta->subprogno);
		/* whether the loop is done depends on nr_loops */
		err = mark_chain_precision(env, 1);
		if (err)
			return err;
		if (cur_func(env)->callback_depth < regs[1].umax_value)
			return push_callback_call(env, insn_idx, meta->subprogno,
						  set_loop_callback_state);
		cur_func(env)->callback_depth = 0;
		if (env->log.level & HIVE_LOG_LEVEL2)
			verbose(env, "frame%d bpf_loop iteration limit reached\n",
				env->cur_state->curframe);
		return 0;
	default:
		return 0;
	}
}

int check_helper_call(struct venv *env, const struct hive_insn *insn, int *insn_idx)
{
	static const uint32_t caller_saved[] = { 0, 1, 2, 3, 4, 5 };
	int func_id = insn->imm, i, err;
	struct call_meta meta;
	struct reg_state *regs;
	const struct proto *fn;
	struct proto reg_fn;
	uint32_t ret_type, ret_flag = 0;

	fn = func_id >= BPF_FUNC_MAX_ID ? registered_proto((uint32_t)func_id, &reg_fn) : NULL;
	if (fn)
		goto have_proto;
	if (func_id < 0 || func_id >= BPF_FUNC_MAX_ID) {
		verbose(env, "invalid func %s#%d\n", helper_func_name((uint32_t)func_id), func_id);
		return -EINVAL;
	}
	if (!prog_helper_allowed(env, (uint32_t)func_id)) {
		verbose(env, "program of this type cannot use helper %s#%d\n",
			helper_func_name((uint32_t)func_id), func_id);
		return -EINVAL;
	}
	fn = helper_proto((uint32_t)func_id);
	if (!fn) {
		verbose(env, "helper %s#%d is not supported by hive\n",
			helper_func_name((uint32_t)func_id), func_id);
		return -EINVAL;
	}
have_proto:
	if (!env->gpl && (fn->ret & HIVE_RET_GPL_ONLY)) {
		verbose(env, "cannot call GPL-restricted function from non-GPL compatible program\n");
		return -EINVAL;
	}
	memset(&meta, 0, sizeof(meta));
	meta.func_id = func_id;
	meta.const_map_key = -1;
	/* helpers declared with pkt_access may take packet pointers */
	meta.pkt_access = func_id == FN_map_lookup_elem || func_id == FN_map_update_elem ||
			  func_id == FN_map_delete_elem || func_id == FN_map_push_elem ||
			  func_id == FN_map_pop_elem || func_id == FN_map_peek_elem || func_id == 28;
	for (i = 0; i < 5; i++) {
		err = check_func_arg(env, (uint32_t)i, &meta, fn);
		if (err)
			return err;
	}
	err = record_func_key(env, &meta, func_id);
	if (err)
		return err;
	/* write-protected maps */
	if (meta.map_ptr && (meta.map_ptr->flags & (1U << 7)) &&
	    (func_id == FN_map_delete_elem || func_id == FN_map_update_elem ||
	     func_id == FN_map_push_elem || func_id == FN_map_pop_elem)) {
		verbose(env, "write into map forbidden\n");
		return -EACCES;
	}
	/* a helper-filled stack buffer: its bytes become MISC */
	for (i = 0; i < meta.access_size; i++) {
		err = check_mem_access(env, *insn_idx, (uint32_t)meta.regno, i, HIVE_B, BPF_WRITE, -1,
				       false, false);
		if (err)
			return err;
	}
	regs = cur_regs(env);
	if (meta.release_regno) {
		err = -EINVAL;
		if (meta.ref_obj_id)
			err = release_reference(env, (uint32_t)meta.ref_obj_id);
		else if (register_is_null(&regs[meta.release_regno]))
			err = 0;
		if (err) {
			verbose(env, "func %s#%d reference has not been acquired before\n",
				helper_func_name((uint32_t)func_id), func_id);
			return err;
		}
	}
	if (func_id == FN_tail_call) {
		err = check_resource_leak(env, false, true, "tail_call");
		if (err)
			return err;
	}
	err = push_callbacks(env, func_id, &meta, *insn_idx);
	if (err)
		return err;
	/* r1-r5 are clobbered */
	for (i = 0; i < 6; i++) {
		mark_reg_not_init(env, regs, caller_saved[i]);
		check_reg_arg(env, caller_saved[i], DST_OP_NO_MARK);
	}
	regs[0].subreg_def = DEF_NOT_SUBREG;
	ret_type = fn->ret & ~HIVE_RET_GPL_ONLY;
	if (ret_type & HIVE_PTR_MAYBE_NULL)
		ret_flag |= PTR_MAYBE_NULL;
	if (ret_type & HIVE_MEM_RINGBUF)
		ret_flag |= MEM_RINGBUF;
	switch (HIVE_CLASS_BASE(ret_type)) {
	case HIVE_RETB_INTEGER:
		mark_reg_unknown(env, regs, 0);
		break;
	case HIVE_RETB_VOID:
		regs[0].type = NOT_INIT;
		break;
	case HIVE_RETB_PTR_TO_MAP_VALUE:
		mark_reg_known_zero(env, regs, 0);
		if (!meta.map_ptr) {
			verbose(env, "verifier bug: unexpected null map_ptr\n");
			return -EFAULT;
		}
		/* a constant in-range key of an array cannot miss */
		if (func_id == FN_map_lookup_elem &&
		    (meta.map_ptr->type == MT_ARRAY || meta.map_ptr->type == MT_PERCPU_ARRAY) &&
		    meta.const_map_key >= 0 && meta.const_map_key < meta.map_ptr->max_entries)
			ret_flag &= ~PTR_MAYBE_NULL;
		regs[0].map_ptr = meta.map_ptr;
		regs[0].map_uid = meta.map_uid;
		regs[0].type = PTR_TO_MAP_VALUE | ret_flag;
		if (meta.map_ptr->inner) {
			/* map-in-map: the inner map, described by the outer's template */
			regs[0].type = CONST_PTR_TO_MAP | ret_flag;
			regs[0].map_ptr = meta.map_ptr->inner;
		}
		if (!type_may_be_null(ret_flag) && meta.map_ptr->spin_lock_off >= 0)
			regs[0].id = ++env->id_gen;
		break;
	case HIVE_RETB_PTR_TO_MEM:
		mark_reg_known_zero(env, regs, 0);
		regs[0].type = PTR_TO_MEM | ret_flag;
		regs[0].mem_size = (uint32_t)meta.mem_size;
		break;
	default:
		verbose(env, "unknown return type %u of func %s#%d\n", HIVE_CLASS_BASE(ret_type),
			helper_func_name((uint32_t)func_id), func_id);
		return -EINVAL;
	}
	if (type_may_be_null(regs[0].type))
		regs[0].id = ++env->id_gen;
	if (is_acquire_function(func_id, meta.map_ptr)) {
		int id = acquire_reference(env, *insn_idx);

		if (id < 0)
			return id;
		regs[0].id = (uint32_t)id;
		regs[0].ref_obj_id = (uint32_t)id;
	}
	/* return value ranges some helpers promise */
	if (HIVE_CLASS_BASE(ret_type) == HIVE_RETB_INTEGER) {
		struct reg_state *r0 = &regs[0];

		if (func_id == FN_probe_read_str || func_id == FN_probe_read_kernel_str ||
		    func_id == FN_probe_read_user_str || func_id == FN_get_stack ||
		    func_id == FN_get_task_stack) {
			r0->smax_value = (int64_t)meta.msize_max_value;
			r0->s32_max_value = (int32_t)meta.msize_max_value;
			r0->smin_value = -MAX_ERRNO;
			r0->s32_min_value = -MAX_ERRNO;
			reg_bounds_sync(r0);
		} else if (func_id == FN_get_smp_processor_id) {
			uint32_t n = nr_cpu_ids() - 1;

			r0->umax_value = n;
			r0->u32_max_value = n;
			r0->smax_value = n;
			r0->s32_max_value = (int32_t)n;
			r0->umin_value = 0;
			r0->u32_min_value = 0;
			r0->smin_value = 0;
			r0->s32_min_value = 0;
			reg_bounds_sync(r0);
		}
		err = reg_bounds_sanity_check(env, r0, "retval");
		if (err)
			return err;
	}
	err = check_map_func_compatibility(env, meta.map_ptr, func_id);
	if (err)
		return err;
	if (helper_changes_pkt_data(func_id))
		clear_all_pkt_pointers(env);
	return 0;
}

/* ---- bpf-to-bpf calls -------------------------------------------------------------- */

int check_func_call(struct venv *env, const struct hive_insn *insn, int *insn_idx)
{
	static const uint32_t caller_saved[] = { 0, 1, 2, 3, 4, 5 };
	struct vstate *state = env->cur_state;
	struct func_state *caller;
	int subprog, target = *insn_idx + insn->imm + 1, i, err;

	subprog = find_subprog(env, target);
	if (subprog < 0) {
		verbose(env, "verifier bug: target of func call at insn %d is not a program\n", target);
		return -EFAULT;
	}
	caller = state->frame[state->curframe];
	/* the arguments against the BTF prototype: binding for a global
	 * subprogram, which is not entered but verified on its own later */
	err = check_subprog_call(env, (uint32_t)subprog, caller->regs);
	if (err == -EFAULT)
		return err;
	if (subprog_is_global(env, (uint32_t)subprog))
		return call_global_subprog(env, (uint32_t)subprog, err);
	err = setup_func_entry(env, subprog, *insn_idx, set_callee_state, state);
	if (err)
		return err;
	/* after the call r0-r5 of the caller are clobbered */
	for (i = 0; i < 6; i++) {
		mark_reg_not_init(env, caller->regs, caller_saved[i]);
		mark_reg_scratched(env, caller_saved[i]);
	}
	*insn_idx = (int)env->subprog_info[subprog].start - 1;
	live_stack_reset_callchain(env);
	if (env->log.level & (HIVE_LOG_LEVEL1 | HIVE_LOG_LEVEL2)) {
		verbose(env, "caller:\n");
		print_verifier_state(env, state, caller->frameno, true);
		verbose(env, "callee:\n");
		print_verifier_state(env, state, state->curframe, true);
	}
	return 0;
}

int prepare_func_exit(struct venv *env, int *insn_idx)
{
	struct vstate *state = env->cur_state, *prev;
	struct func_state *caller, *callee = state->frame[state->curframe];
	struct reg_state *r0 = &callee->regs[0];
	bool in_callback_fn = callee->in_callback_fn;
	int err;

	if (r0->type == PTR_TO_STACK) {
		verbose(env, "cannot return stack pointer to the caller\n");
		return -EINVAL;
	}
	caller = state->frame[state->curframe - 1];
	if (in_callback_fn) {
		/* a callback's result steers the helper: a scalar in range,
		 * exactly known */
		if (r0->type != SCALAR_VALUE) {
			verbose(env, "R0 not a scalar value\n");
			return -EACCES;
		}
		err = mark_chain_precision(env, 0);
		if (err)
			return err;
		if (r0->smin_value < callee->callback_ret_range.minval ||
		    r0->smax_value > callee->callback_ret_range.maxval) {
			verbose_invalid_scalar(env, r0, callee->callback_ret_range.minval,
					       callee->callback_ret_range.maxval, "At callback return",
					       "R0");
			return -EINVAL;
		}
		if (!env->aux[callee->callsite].calls_callback) {
			verbose(env, "verifier bug: in callback at %d, callsite %d !calls_callback\n",
				*insn_idx, callee->callsite);
			return -EFAULT;
		}
		/* back to the helper call, which runs the next iteration */
		*insn_idx = callee->callsite;
	} else {
		caller->regs[0] = *r0;
		*insn_idx = callee->callsite + 1;
	}
	if (env->log.level & (HIVE_LOG_LEVEL1 | HIVE_LOG_LEVEL2)) {
		verbose(env, "returning from callee:\n");
		print_verifier_state(env, state, callee->frameno, true);
		verbose(env, "to caller at %d:\n", *insn_idx);
		print_verifier_state(env, state, caller->frameno, true);
	}
	free_func_state(callee);
	state->frame[state->curframe--] = NULL;
	/* iterations differ only in what nothing needs exactly: widen */
	prev = in_callback_fn ? find_prev_entry(env, state, *insn_idx) : NULL;
	if (prev)
		widen_imprecise_scalars(env, prev, state);
	return 0;
}
