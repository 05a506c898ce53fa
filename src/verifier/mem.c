/*
 * mem.c - loads, stores and atomics, per kind of pointer, after the Linux
 * 6.18 verifier (check_mem_access and its helpers).
 *
 * Stack: 8-byte slots with a type per byte. An aligned 8-byte store of a
 * register spills its whole state (pointers included) and a load fills it
 * back; narrower scalar spills are tracked too; other stores make the bytes
 * MISC (or ZERO). Reading never-written bytes is allowed to root
 * (allow_uninit_stack). Map values, map keys and memory regions must be
 * accessed within their size for every possible offset; packets within the
 * range proven by a comparison with pkt_end; the context as its program
 * type's table says (ctx.c).
 */
#include <errno.h>
#include <string.h>

#include "verifier/env.h"

#define BPF_F_RDONLY_PROG (1U << 7)
#define BPF_F_WRONLY_PROG (1U << 8)
#define BPF_LOAD_ACQ  0x100
#define BPF_STORE_REL 0x110
#define MAX_PACKET_OFF 0xffff
#define BPF_MAP_TYPE_ARRAY_ID 2  /* BPF_MAP_TYPE_ARRAY */

/* ---- helpers on slots ------------------------------------------------------- */

static void mark_stack_slot_misc(struct venv *env, uint8_t *stype)
{
	if (*stype == STACK_ZERO)
		return;
	if (env->allow_ptr_leaks && *stype == STACK_INVALID)
		return;
	*stype = STACK_MISC;
}

static void scrub_spilled_slot(uint8_t *stype)
{
	if (*stype != STACK_INVALID)
		*stype = STACK_MISC;
}

static bool is_stack_slot_special(const struct stack_slot *stack)
{
	uint8_t t = stack->slot_type[BPF_REG_SIZE - 1];

	return t == STACK_SPILL || t == STACK_DYNPTR || t == STACK_ITER || t == STACK_IRQ_FLAG;
}

static bool is_spillable_regtype(uint32_t type)
{
	switch (base_type(type)) {
	case PTR_TO_MAP_VALUE:
	case PTR_TO_STACK:
	case PTR_TO_CTX:
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META:
	case PTR_TO_PACKET_END:
	case PTR_TO_FLOW_KEYS:
	case CONST_PTR_TO_MAP:
	case PTR_TO_SOCKET:
	case PTR_TO_SOCK_COMMON:
	case PTR_TO_TCP_SOCK:
	case PTR_TO_XDP_SOCK:
	case PTR_TO_BTF_ID:
	case PTR_TO_BUF:
	case PTR_TO_MEM:
	case PTR_TO_FUNC:
	case PTR_TO_MAP_KEY:
	case PTR_TO_ARENA:
		return true;
	default:
		return false;
	}
}

static bool register_is_null(const struct reg_state *reg)
{
	return reg->type == SCALAR_VALUE && tnum_equals_const(reg->var_off, 0);
}

static int get_reg_width(const struct reg_state *reg)
{
	return reg->umax_value ? 64 - __builtin_clzll(reg->umax_value) : 0;
}

static void save_register_state(struct venv *env, struct func_state *state, int spi,
				const struct reg_state *reg, int size)
{
	int i;

	copy_register_state(&state->stack[spi].spilled_ptr, reg);
	for (i = BPF_REG_SIZE; i > BPF_REG_SIZE - size; i--)
		state->stack[spi].slot_type[i - 1] = STACK_SPILL;
	/* the bytes above a narrow spill */
	for (; i; i--)
		mark_stack_slot_misc(env, &state->stack[spi].slot_type[i - 1]);
}

static bool is_bpf_st_mem(const struct hive_insn *insn)
{
	return HIVE_CLASS(insn->code) == HIVE_ST && BPF_MODE(insn->code) == HIVE_MEM;
}

/* ---- stack writes ----------------------------------------------------------- */

static int check_stack_write_fixed_off(struct venv *env, struct func_state *state, int off,
				       int size, int value_regno, int insn_idx)
{
	struct func_state *cur = cur_func(env);
	int i, slot = -off - 1, spi = slot / BPF_REG_SIZE, err;
	const struct hive_insn *insn = &env->insns[insn_idx];
	struct reg_state *reg = NULL;
	uint32_t insn_flags = (uint32_t)insn_stack_access_flags((int)state->frameno, spi);

	if (!env->allow_ptr_leaks && is_spilled_reg(&state->stack[spi]) &&
	    !is_spilled_scalar_reg(&state->stack[spi]) && size != BPF_REG_SIZE) {
		verbose(env, "attempt to corrupt spilled pointer on stack\n");
		return -EACCES;
	}
	if (value_regno >= 0)
		reg = &cur->regs[value_regno];
	/* only a whole slot counts as written: a partial write keeps the
	 * rest of the slot live */
	if (!(off % BPF_REG_SIZE) && size == BPF_REG_SIZE)
		live_stack_mark_write(env, state->frameno, 1ULL << spi);
	mark_stack_slot_scratched(env, (uint32_t)spi);
	if (reg && !(off % BPF_REG_SIZE) && reg->type == SCALAR_VALUE && env->bpf_capable) {
		bool fits = get_reg_width(reg) <= 8 * size;

		/* a spill links the slot to the register through an id */
		if (fits)
			assign_scalar_id_before_mov(env, reg);
		save_register_state(env, state, spi, reg, size);
		if (!fits)
			state->stack[spi].spilled_ptr.id = 0;
	} else if (!reg && !(off % BPF_REG_SIZE) && is_bpf_st_mem(insn) && env->bpf_capable) {
		/* a stored immediate is spilled as a known scalar */
		struct reg_state *tmp = &env->fake_reg[0];

		memset(tmp, 0, sizeof(*tmp));
		reg_mark_known(tmp, (uint64_t)(int64_t)insn->imm);
		tmp->type = SCALAR_VALUE;
		save_register_state(env, state, spi, tmp, size);
	} else if (reg && is_spillable_regtype(reg->type)) {
		/* a pointer spill */
		if (size != BPF_REG_SIZE) {
			verbose(env, "invalid size of register spill\n");
			return -EACCES;
		}
		if (state != cur && reg->type == PTR_TO_STACK) {
			verbose(env, "cannot spill pointers to stack into stack frame of the caller\n");
			return -EINVAL;
		}
		save_register_state(env, state, spi, reg, size);
	} else {
		uint8_t type = STACK_MISC;

		/* plain data destroys any spilled register */
		state->stack[spi].spilled_ptr.type = NOT_INIT;
		if (is_stack_slot_special(&state->stack[spi]))
			for (i = 0; i < BPF_REG_SIZE; i++)
				scrub_spilled_slot(&state->stack[spi].slot_type[i]);
		if ((reg && register_is_null(reg)) ||
		    (!reg && is_bpf_st_mem(insn) && insn->imm == 0)) {
			/* zeroes stay known: the source must then be exact */
			err = mark_chain_precision(env, value_regno);
			if (err)
				return err;
			type = STACK_ZERO;
		}
		for (i = 0; i < size; i++)
			state->stack[spi].slot_type[(slot - i) % BPF_REG_SIZE] = type;
		insn_flags = 0;
	}
	if (insn_flags)
		return push_jmp_history(env, env->cur_state, insn_flags, 0);
	return 0;
}

static int check_stack_write_var_off(struct venv *env, struct func_state *state, int ptr_regno,
				     int off, int size, int value_regno, int insn_idx)
{
	struct func_state *cur = cur_func(env);
	struct reg_state *ptr_reg = &cur->regs[ptr_regno], *value_reg = NULL;
	const struct hive_insn *insn = &env->insns[insn_idx];
	bool writing_zero = false, zero_used = false;
	int min_off, max_off, i, err;

	min_off = (int)(ptr_reg->smin_value + off);
	max_off = (int)(ptr_reg->smax_value + off + size);
	if (value_regno >= 0)
		value_reg = &cur->regs[value_regno];
	if ((value_reg && register_is_null(value_reg)) ||
	    (!value_reg && is_bpf_st_mem(insn) && insn->imm == 0))
		writing_zero = true;
	/* every slot in range may be written */
	for (i = min_off; i < max_off; i++) {
		int slot = -i - 1, spi = slot / BPF_REG_SIZE;
		uint8_t *stype = &state->stack[spi].slot_type[slot % BPF_REG_SIZE], new_type;

		mark_stack_slot_scratched(env, (uint32_t)spi);
		if (!env->allow_ptr_leaks && *stype != STACK_MISC && *stype != STACK_ZERO) {
			verbose(env, "spilled ptr in range of var-offset stack write; insn %d, ptr off: %d",
				insn_idx, i);
			return -EINVAL;
		}
		if (writing_zero && *stype == STACK_SPILL &&
		    is_spilled_scalar_reg(&state->stack[spi])) {
			struct reg_state *spill = &state->stack[spi].spilled_ptr;

			if (tnum_is_const(spill->var_off) && spill->var_off.value == 0) {
				zero_used = true;
				continue;
			}
		}
		state->stack[spi].spilled_ptr.type = NOT_INIT;
		new_type = STACK_MISC;
		if (writing_zero && *stype == STACK_ZERO) {
			new_type = STACK_ZERO;
			zero_used = true;
		}
		if (*stype == STACK_INVALID && !env->allow_uninit_stack) {
			verbose(env, "uninit stack in range of var-offset write prohibited for !root; insn %d, off: %d",
				insn_idx, i);
			return -EINVAL;
		}
		*stype = new_type;
	}
	if (zero_used) {
		err = mark_chain_precision(env, value_regno);
		if (err)
			return err;
	}
	return 0;
}

/* ---- stack reads ------------------------------------------------------------ */

static void mark_reg_stack_read(struct venv *env, struct func_state *ptr_state, int min_off,
				int max_off, int dst_regno)
{
	struct func_state *state = cur_func(env);
	int i, zeros = 0;

	for (i = min_off; i < max_off; i++) {
		int slot = -i - 1, spi = slot / BPF_REG_SIZE;

		mark_stack_slot_scratched(env, (uint32_t)spi);
		if (ptr_state->stack[spi].slot_type[slot % BPF_REG_SIZE] != STACK_ZERO)
			break;
		zeros++;
	}
	if (zeros == max_off - min_off)
		mark_reg_const_zero(env, &state->regs[dst_regno]);
	else
		mark_reg_unknown(env, state->regs, (uint32_t)dst_regno);
}

static int check_stack_read_fixed_off(struct venv *env, struct func_state *reg_state, int off,
				      int size, int dst_regno)
{
	struct func_state *state = cur_func(env);
	int i, slot = -off - 1, spi = slot / BPF_REG_SIZE;
	uint8_t *stype = reg_state->stack[spi].slot_type, type;
	struct reg_state *reg = &reg_state->stack[spi].spilled_ptr;
	uint32_t insn_flags = (uint32_t)insn_stack_access_flags((int)reg_state->frameno, spi);
	int err;

	mark_stack_slot_scratched(env, (uint32_t)spi);
	err = live_stack_mark_read(env, reg_state->frameno, (uint32_t)env->insn_idx, 1ULL << spi);
	if (err)
		return err;
	if (is_spilled_reg(&reg_state->stack[spi])) {
		int spill_size = 1;

		for (i = BPF_REG_SIZE - 1; i > 0 && stype[i - 1] == STACK_SPILL; i--)
			spill_size++;
		if (size != BPF_REG_SIZE || spill_size != BPF_REG_SIZE) {
			if (reg->type != SCALAR_VALUE) {
				verbose(env, "invalid size of register fill\n");
				return -EACCES;
			}
			if (dst_regno < 0)
				return 0;
			if (size <= spill_size && !(off % BPF_REG_SIZE)) {
				/* a narrow fill of a scalar spill */
				int32_t subreg_def = state->regs[dst_regno].subreg_def;

				copy_register_state(&state->regs[dst_regno], reg);
				state->regs[dst_regno].subreg_def = subreg_def;
				if (get_reg_width(reg) > size * 8)
					state->regs[dst_regno].id = 0;
			} else {
				int spill_cnt = 0, zero_cnt = 0;

				for (i = 0; i < size; i++) {
					type = stype[(slot - i) % BPF_REG_SIZE];
					if (type == STACK_SPILL) {
						spill_cnt++;
						continue;
					}
					if (type == STACK_MISC)
						continue;
					if (type == STACK_ZERO) {
						zero_cnt++;
						continue;
					}
					if (type == STACK_INVALID && env->allow_uninit_stack)
						continue;
					verbose(env, "invalid read from stack off %d+%d size %d\n", off, i,
						size);
					return -EACCES;
				}
				if (spill_cnt == size && tnum_is_const(reg->var_off) &&
				    reg->var_off.value == 0) {
					mark_reg_const_zero(env, &state->regs[dst_regno]);
				} else if (zero_cnt == size) {
					mark_reg_const_zero(env, &state->regs[dst_regno]);
					insn_flags = 0;
				} else {
					mark_reg_unknown(env, state->regs, (uint32_t)dst_regno);
					insn_flags = 0;
				}
			}
		} else if (dst_regno >= 0) {
			/* fill: the register comes back as it was spilled */
			copy_register_state(&state->regs[dst_regno], reg);
		} else if (!env->allow_ptr_leaks && reg->type != SCALAR_VALUE) {
			verbose(env, "leaking pointer from stack off %d\n", off);
			return -EACCES;
		}
	} else {
		for (i = 0; i < size; i++) {
			type = stype[(slot - i) % BPF_REG_SIZE];
			if (type == STACK_MISC || type == STACK_ZERO)
				continue;
			if (type == STACK_INVALID && env->allow_uninit_stack)
				continue;
			verbose(env, "invalid read from stack off %d+%d size %d\n", off, i, size);
			return -EACCES;
		}
		if (dst_regno >= 0)
			mark_reg_stack_read(env, reg_state, off, off + size, dst_regno);
		insn_flags = 0;
	}
	if (insn_flags)
		return push_jmp_history(env, env->cur_state, insn_flags, 0);
	return 0;
}

static int check_stack_access_within_bounds(struct venv *env, int regno, int off,
					    int access_size, enum access_type type)
{
	struct reg_state *reg = &cur_regs(env)[regno];
	struct func_state *state = reg_func(env, reg);
	const char *err_extra = type == BPF_READ ? " read from" : " write to";
	int64_t min_off, max_off, min_valid;
	int err = 0;

	if (tnum_is_const(reg->var_off)) {
		min_off = (int64_t)reg->var_off.value + off;
		max_off = min_off + access_size;
	} else {
		if (reg->smax_value >= BPF_MAX_VAR_OFF || reg->smin_value <= -BPF_MAX_VAR_OFF) {
			verbose(env, "invalid unbounded variable-offset%s stack R%d\n", err_extra,
				regno);
			return -EACCES;
		}
		min_off = reg->smin_value + off;
		max_off = reg->smax_value + off + access_size;
	}
	min_valid = (type == BPF_WRITE || env->allow_uninit_stack) ? -MAX_BPF_STACK :
								      -state->allocated_stack;
	if (min_off < min_valid || min_off > -1)
		err = -EACCES;
	if (!err && max_off > 0)
		err = -EINVAL;
	if (!err && access_size < 0)
		err = -EFAULT;
	if (err) {
		if (tnum_is_const(reg->var_off)) {
			verbose(env, "invalid%s stack R%d off=%d size=%d\n", err_extra, regno, off,
				access_size);
		} else {
			char tn[48];

			tnum_strn(tn, sizeof(tn), reg->var_off);
			verbose(env, "invalid variable-offset%s stack R%d var_off=%s off=%d size=%d\n",
				err_extra, regno, tn, off, access_size);
		}
		return err;
	}
	return grow_stack_state(env, state, (int)-min_off);
}

static int check_stack_read(struct venv *env, int ptr_regno, int off, int size, int dst_regno)
{
	struct reg_state *reg = &cur_regs(env)[ptr_regno];
	struct func_state *state = reg_func(env, reg);
	int err, min_off, max_off;

	if (dst_regno < 0 && !tnum_is_const(reg->var_off)) {
		char tn[48];

		tnum_strn(tn, sizeof(tn), reg->var_off);
		verbose(env, "variable offset stack pointer cannot be passed into helper function; var_off=%s off=%d size=%d\n",
			tn, off, size);
		return -EACCES;
	}
	if (tnum_is_const(reg->var_off))
		return check_stack_read_fixed_off(env, state, off + (int)reg->var_off.value, size,
						  dst_regno);
	/* variable offset: a scalar, zero if every byte is zero */
	err = check_stack_range_initialized(env, ptr_regno, off, size, false, BPF_READ, NULL);
	if (err)
		return err;
	min_off = (int)(reg->smin_value + off);
	max_off = (int)(reg->smax_value + off);
	mark_reg_stack_read(env, state, min_off, max_off + size, dst_regno);
	return 0;
}

static int check_stack_write(struct venv *env, int ptr_regno, int off, int size,
			     int value_regno, int insn_idx)
{
	struct reg_state *reg = &cur_regs(env)[ptr_regno];
	struct func_state *state = reg_func(env, reg);

	if (tnum_is_const(reg->var_off))
		return check_stack_write_fixed_off(env, state, off + (int)reg->var_off.value, size,
						   value_regno, insn_idx);
	return check_stack_write_var_off(env, state, ptr_regno, off, size, value_regno, insn_idx);
}

int check_stack_range_initialized(struct venv *env, int regno, int off, int access_size,
				  bool zero_size_allowed, enum access_type type,
				  struct call_meta *meta)
{
	struct reg_state *reg = &cur_regs(env)[regno];
	struct func_state *state = reg_func(env, reg);
	bool clobber = type == BPF_WRITE;
	int err, min_off, max_off, i, j;

	if (access_size == 0 && !zero_size_allowed) {
		verbose(env, "invalid zero-sized read\n");
		return -EACCES;
	}
	err = check_stack_access_within_bounds(env, regno, off, access_size, type);
	if (err)
		return err;
	if (tnum_is_const(reg->var_off)) {
		min_off = max_off = (int)reg->var_off.value + off;
	} else {
		if (!env->bypass_spec_v1) {
			char tn[48];

			tnum_strn(tn, sizeof(tn), reg->var_off);
			verbose(env, "R%d variable offset stack access prohibited for !root, var_off=%s\n",
				regno, tn);
			return -EACCES;
		}
		/* an uninitialised buffer needs a fixed offset */
		if (meta && meta->raw_mode)
			meta = NULL;
		min_off = (int)(reg->smin_value + off);
		max_off = (int)(reg->smax_value + off);
	}
	if (meta && meta->raw_mode) {
		/* the helper fills the buffer: bounds only; the bytes become
		 * MISC after the call */
		meta->access_size = access_size;
		meta->regno = regno;
		return 0;
	}
	for (i = min_off; i < max_off + access_size; i++) {
		int slot = -i - 1, spi = slot / BPF_REG_SIZE;
		uint8_t *stype;

		if (state->allocated_stack <= slot) {
			verbose(env, "allocated_stack too small\n");
			return -EFAULT;
		}
		stype = &state->stack[spi].slot_type[slot % BPF_REG_SIZE];
		if (*stype == STACK_MISC)
			goto mark;
		if (*stype == STACK_ZERO || (*stype == STACK_INVALID && env->allow_uninit_stack)) {
			/* a helper may write anything there */
			if (clobber)
				*stype = STACK_MISC;
			goto mark;
		}
		if (is_spilled_reg(&state->stack[spi]) &&
		    (state->stack[spi].spilled_ptr.type == SCALAR_VALUE || env->allow_ptr_leaks)) {
			if (clobber) {
				mark_reg_unknown_raw(env, &state->stack[spi].spilled_ptr);
				for (j = 0; j < BPF_REG_SIZE; j++)
					scrub_spilled_slot(&state->stack[spi].slot_type[j]);
			}
			goto mark;
		}
		if (tnum_is_const(reg->var_off)) {
			verbose(env, "invalid read from stack R%d off %d+%d size %d\n", regno, min_off,
				i - min_off, access_size);
		} else {
			char tn[48];

			tnum_strn(tn, sizeof(tn), reg->var_off);
			verbose(env, "invalid read from stack R%d var_off %s+%d size %d\n", regno, tn,
				i - min_off, access_size);
		}
		return -EACCES;
mark:
		/* any byte read makes the whole slot read */
		err = live_stack_mark_read(env, reg->frameno, (uint32_t)env->insn_idx, 1ULL << spi);
		if (err)
			return err;
	}
	return 0;
}

/* ---- bounded regions ---------------------------------------------------------- */

static int check_mem_access_size(struct venv *env, int regno, int off, int size,
				 uint32_t mem_size, bool zero_size_allowed)
{
	bool size_ok = size > 0 || (size == 0 && zero_size_allowed);
	struct reg_state *reg;

	if (off >= 0 && size_ok && (uint64_t)off + (uint64_t)size <= mem_size)
		return 0;
	reg = &cur_regs(env)[regno];
	switch (reg->type) {
	case PTR_TO_MAP_KEY:
		verbose(env, "invalid access to map key, key_size=%d off=%d size=%d\n", mem_size, off,
			size);
		break;
	case PTR_TO_MAP_VALUE:
		verbose(env, "invalid access to map value, value_size=%d off=%d size=%d\n", mem_size,
			off, size);
		break;
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META:
	case PTR_TO_PACKET_END:
		verbose(env, "invalid access to packet, off=%d size=%d, R%d(id=%d,off=%d,r=%d)\n", off,
			size, regno, reg->id, off, mem_size);
		break;
	default:
		verbose(env, "invalid access to memory, mem_size=%u off=%d size=%d\n", mem_size, off,
			size);
	}
	return -EACCES;
}

int check_mem_region_access(struct venv *env, uint32_t regno, int off, int size,
			    uint32_t mem_size, bool zero_size_allowed)
{
	struct reg_state *reg = &cur_regs(env)[regno];
	int err;

	/* every offset from smin to umax must be in bounds */
	if (reg->smin_value < 0 &&
	    (reg->smin_value == S64_MIN ||
	     (off + reg->smin_value != (int64_t)(int32_t)(off + reg->smin_value)) ||
	     reg->smin_value + off < 0)) {
		verbose(env, "R%d min value is negative, either use unsigned index or do a if (index >=0) check.\n",
			regno);
		return -EACCES;
	}
	err = check_mem_access_size(env, (int)regno, (int)(reg->smin_value + off), size, mem_size,
				    zero_size_allowed);
	if (err) {
		verbose(env, "R%d min value is outside of the allowed memory range\n", regno);
		return err;
	}
	if (reg->umax_value >= BPF_MAX_VAR_OFF) {
		verbose(env, "R%d unbounded memory access, make sure to bounds check any such access\n",
			regno);
		return -EACCES;
	}
	err = check_mem_access_size(env, (int)regno, (int)(reg->umax_value + off), size, mem_size,
				    zero_size_allowed);
	if (err) {
		verbose(env, "R%d max value is outside of the allowed memory range\n", regno);
		return err;
	}
	return 0;
}

int check_map_access(struct venv *env, uint32_t regno, int off, int size, bool zero_size_allowed)
{
	struct reg_state *reg = &cur_regs(env)[regno];
	const struct vmap *map = reg->map_ptr;
	int err;

	err = check_mem_region_access(env, regno, off, size, map->value_size, zero_size_allowed);
	if (err)
		return err;
	/* special fields may not be touched by loads and stores */
	if (map->spin_lock_off >= 0) {
		int64_t p = map->spin_lock_off;

		if (reg->smin_value + off < p + 4 && p < (int64_t)reg->umax_value + off + size) {
			verbose(env, "bpf_spin_lock cannot be accessed directly by load/store\n");
			return -EACCES;
		}
	}
	if (map->timer_off >= 0) {
		int64_t p = map->timer_off;

		if (reg->smin_value + off < p + 16 && p < (int64_t)reg->umax_value + off + size) {
			verbose(env, "bpf_timer cannot be accessed directly by load/store\n");
			return -EACCES;
		}
	}
	return 0;
}

bool may_access_direct_pkt_data(struct venv *env, bool helper, bool pkt_access,
				enum access_type t)
{
	switch (env->prog_type) {
	case 10: /* LWT_IN */
	case 11: /* LWT_OUT */
	case 18: /* LWT_SEG6LOCAL */
	case 21: /* SK_REUSEPORT */
	case 22: /* FLOW_DISSECTOR */
	case 8:  /* CGROUP_SKB */
		if (t == BPF_WRITE)
			return false;
		/* fall through */
	case 3:  /* SCHED_CLS */
	case 4:  /* SCHED_ACT */
	case 6:  /* XDP */
	case 12: /* LWT_XMIT */
	case 14: /* SK_SKB */
	case 16: /* SK_MSG */
		if (helper)
			return pkt_access;
		env->seen_direct_write = true;
		return true;
	case 25: /* CGROUP_SOCKOPT */
		return true;
	default:
		return false;
	}
}

int check_packet_access(struct venv *env, uint32_t regno, int off, int size,
			bool zero_size_allowed)
{
	struct reg_state *reg = &cur_regs(env)[regno];
	int err;

	if (reg->smin_value < 0) {
		verbose(env, "R%d min value is negative, either use unsigned index or do a if (index >=0) check.\n",
			regno);
		return -EACCES;
	}
	err = reg->range < 0 ? -EINVAL :
	      check_mem_access_size(env, (int)regno, off, size, (uint32_t)reg->range,
				    zero_size_allowed);
	if (err) {
		verbose(env, "R%d offset is outside of the packet\n", regno);
		return err;
	}
	return 0;
}

int __check_ptr_off_reg(struct venv *env, const struct reg_state *reg, int regno,
			bool fixed_off_ok)
{
	/* only the pointer as it was handed out */
	if (reg->off < 0) {
		verbose(env, "negative offset %s ptr R%d off=%d disallowed\n",
			reg_type_str(env, reg->type), regno, reg->off);
		return -EACCES;
	}
	if (!fixed_off_ok && reg->off) {
		verbose(env, "dereference of modified %s ptr R%d off=%d disallowed\n",
			reg_type_str(env, reg->type), regno, reg->off);
		return -EACCES;
	}
	if (!tnum_is_const(reg->var_off) || reg->var_off.value) {
		char tn[48];

		tnum_strn(tn, sizeof(tn), reg->var_off);
		verbose(env, "variable %s access var_off=%s disallowed\n",
			reg_type_str(env, reg->type), tn);
		return -EACCES;
	}
	return 0;
}

int check_ptr_off_reg(struct venv *env, const struct reg_state *reg, int regno)
{
	return __check_ptr_off_reg(env, reg, regno, false);
}

static int check_ctx_access(struct venv *env, int off, int size, enum access_type t,
			    struct ctx_access *info)
{
	if (ctx_is_valid_access(env, off, size, t, info))
		return 0;
	verbose(env, "invalid bpf_context access off=%d size=%d\n", off, size);
	return -EACCES;
}

/* ---- alignment ------------------------------------------------------------------ */

static int check_ptr_alignment(struct venv *env, const struct reg_state *reg, int off, int size,
			       bool strict_once)
{
	bool strict = env->strict_alignment || strict_once;
	const char *desc = "";
	struct tnum reg_off;
	char tn[48];

	switch (reg->type) {
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META:
		/* NET_IP_ALIGN == 2 */
		if (!strict || size == 1)
			return 0;
		reg_off = tnum_add(reg->var_off, tnum_const((uint64_t)(int64_t)(2 + reg->off + off)));
		if (!tnum_is_aligned(reg_off, (uint64_t)size)) {
			tnum_strn(tn, sizeof(tn), reg->var_off);
			verbose(env, "misaligned packet access off %d+%s+%d+%d size %d\n", 2, tn,
				reg->off, off, size);
			return -EACCES;
		}
		return 0;
	case PTR_TO_FLOW_KEYS:
		desc = "flow keys ";
		break;
	case PTR_TO_MAP_KEY:
		desc = "key ";
		break;
	case PTR_TO_MAP_VALUE:
		desc = "value ";
		break;
	case PTR_TO_CTX:
		desc = "context ";
		break;
	case PTR_TO_STACK:
		/* spill tracking needs aligned stack accesses */
		desc = "stack ";
		strict = true;
		break;
	case PTR_TO_SOCKET:
		desc = "sock ";
		break;
	case PTR_TO_SOCK_COMMON:
		desc = "sock_common ";
		break;
	case PTR_TO_TCP_SOCK:
		desc = "tcp_sock ";
		break;
	case PTR_TO_XDP_SOCK:
		desc = "xdp_sock ";
		break;
	case PTR_TO_ARENA:
		return 0;
	default:
		break;
	}
	if (!strict || size == 1)
		return 0;
	reg_off = tnum_add(reg->var_off, tnum_const((uint64_t)(int64_t)(reg->off + off)));
	if (!tnum_is_aligned(reg_off, (uint64_t)size)) {
		tnum_strn(tn, sizeof(tn), reg->var_off);
		verbose(env, "misaligned %saccess off %s+%d+%d size %d\n", desc, tn, reg->off, off,
			size);
		return -EACCES;
	}
	return 0;
}

/* ---- the dispatcher ------------------------------------------------------------- */

/* The kernel's bpf_map_is_rdonly: read-only for programs and frozen
 * (user space can no longer write it either). */
static bool map_is_rdonly(const struct vmap *map)
{
	return (map->flags & BPF_F_RDONLY_PROG) && map->frozen;
}

/*
 * bpf_map_direct_read: @size bytes at @off of a read-only map, sign- or
 * zero-extended. Only single-element arrays give their value's address
 * (array_map_direct_value_addr): others fail with -ENOTSUPP (524), as in
 * the kernel, which then refuses the load.
 */
static int map_direct_read(const struct vmap *map, int off, int size, uint64_t *val, bool is_ldsx)
{
	const uint8_t *p;
	unsigned shift;
	uint16_t h;
	uint32_t w;

	if (map->type != BPF_MAP_TYPE_ARRAY_ID || map->max_entries != 1 || !map->value)
		return -524;
	if (off < 0 || (uint32_t)off >= map->value_size)
		return -EINVAL;
	p = (const uint8_t *)map->value + off;
	switch (size) {
	case 1:
		*val = *p;
		break;
	case 2:
		memcpy(&h, p, 2);
		*val = h;
		break;
	case 4:
		memcpy(&w, p, 4);
		*val = w;
		break;
	case 8:
		memcpy(val, p, 8);
		return 0;
	default:
		return -EINVAL;
	}
	/* sign extension from the loaded width (BPF_MEMSX) */
	shift = 64 - 8 * (unsigned)size;
	if (is_ldsx)
		*val = (uint64_t)((int64_t)(*val << shift) >> shift);
	return 0;
}

int check_mem_access(struct venv *env, int insn_idx, uint32_t regno, int off, int bpf_size,
		     enum access_type t, int value_regno, bool strict_alignment_once,
		     bool is_ldsx)
{
	struct reg_state *regs = cur_regs(env), *reg = &regs[regno];
	int size, err;

	size = bpf_size_to_bytes(bpf_size);
	if (size < 0)
		return size;
	err = check_ptr_alignment(env, reg, off, size, strict_alignment_once);
	if (err)
		return err;
	/* for access checks the fixed offset is part of off */
	off += reg->off;

	if (reg->type == PTR_TO_MAP_KEY) {
		if (t == BPF_WRITE) {
			verbose(env, "write to change key R%d not allowed\n", regno);
			return -EACCES;
		}
		err = check_mem_region_access(env, regno, off, size, reg->map_ptr->key_size, false);
		if (err)
			return err;
		if (value_regno >= 0)
			mark_reg_unknown(env, regs, (uint32_t)value_regno);
	} else if (reg->type == PTR_TO_MAP_VALUE) {
		const struct vmap *map = reg->map_ptr;

		if (t == BPF_WRITE && value_regno >= 0 && is_pointer_value(env, value_regno)) {
			verbose(env, "R%d leaks addr into map\n", value_regno);
			return -EACCES;
		}
		if (t == BPF_WRITE && (map->flags & BPF_F_RDONLY_PROG)) {
			verbose(env, "write into map forbidden, value_size=%d off=%d size=%d\n",
				map->value_size, off, size);
			return -EACCES;
		}
		if (t == BPF_READ && (map->flags & BPF_F_WRONLY_PROG)) {
			verbose(env, "read from map forbidden, value_size=%d off=%d size=%d\n",
				map->value_size, off, size);
			return -EACCES;
		}
		err = check_map_access(env, regno, off, size, false);
		if (err)
			return err;
		if (t == BPF_READ && value_regno >= 0) {
			uint64_t val;

			if (!tnum_is_const(reg->var_off) || !map_is_rdonly(map)) {
				mark_reg_unknown(env, regs, (uint32_t)value_regno);
				goto map_done;
			}
			/* a read-only map's contents are known: track them as scalars */
			err = map_direct_read(map, off + (int)reg->var_off.value, size, &val, is_ldsx);
			if (err)
				return err;
			regs[value_regno].type = SCALAR_VALUE;
			reg_mark_known(&regs[value_regno], val);
		}
map_done:;
	} else if (base_type(reg->type) == PTR_TO_MEM) {
		bool rdonly = reg->type & MEM_RDONLY;

		if (type_may_be_null(reg->type)) {
			verbose(env, "R%d invalid mem access '%s'\n", regno, reg_type_str(env, reg->type));
			return -EACCES;
		}
		if (t == BPF_WRITE && rdonly) {
			verbose(env, "R%d cannot write into %s\n", regno, reg_type_str(env, reg->type));
			return -EACCES;
		}
		if (t == BPF_WRITE && value_regno >= 0 && is_pointer_value(env, value_regno)) {
			verbose(env, "R%d leaks addr into mem\n", value_regno);
			return -EACCES;
		}
		err = check_mem_region_access(env, regno, off, size, reg->mem_size, false);
		if (!err && value_regno >= 0 && (t == BPF_READ || rdonly))
			mark_reg_unknown(env, regs, (uint32_t)value_regno);
	} else if (reg->type == PTR_TO_CTX) {
		struct ctx_access info = { .reg_type = SCALAR_VALUE };

		if (t == BPF_WRITE && value_regno >= 0 && is_pointer_value(env, value_regno)) {
			verbose(env, "R%d leaks addr into ctx\n", value_regno);
			return -EACCES;
		}
		err = check_ptr_off_reg(env, reg, (int)regno);
		if (err < 0)
			return err;
		err = check_ctx_access(env, off, size, t, &info);
		if (err)
			verbose_linfo(env, (uint32_t)insn_idx, "; ");
		if (!err && t == BPF_READ && value_regno >= 0) {
			if (info.reg_type == SCALAR_VALUE) {
				mark_reg_unknown(env, regs, (uint32_t)value_regno);
			} else {
				/* a packet pointer at offset 0 */
				mark_reg_known_zero(env, regs, (uint32_t)value_regno);
				if (type_may_be_null(info.reg_type))
					regs[value_regno].id = ++env->id_gen;
				regs[value_regno].subreg_def = DEF_NOT_SUBREG;
			}
			regs[value_regno].type = info.reg_type;
		}
	} else if (reg->type == PTR_TO_STACK) {
		err = check_stack_access_within_bounds(env, (int)regno, off, size, t);
		if (err)
			return err;
		if (t == BPF_READ)
			err = check_stack_read(env, (int)regno, off, size, value_regno);
		else
			err = check_stack_write(env, (int)regno, off, size, value_regno, insn_idx);
	} else if (reg->type == PTR_TO_PACKET || reg->type == PTR_TO_PACKET_META) {
		if (t == BPF_WRITE && !may_access_direct_pkt_data(env, false, false, t)) {
			verbose(env, "cannot write into packet\n");
			return -EACCES;
		}
		if (t == BPF_WRITE && value_regno >= 0 && is_pointer_value(env, value_regno)) {
			verbose(env, "R%d leaks addr into packet\n", value_regno);
			return -EACCES;
		}
		err = check_packet_access(env, regno, off, size, false);
		if (!err && t == BPF_READ && value_regno >= 0)
			mark_reg_unknown(env, regs, (uint32_t)value_regno);
	} else if (reg->type == PTR_TO_TP_BUFFER) {
		if (off < 0) {
			verbose(env, "R%d invalid tracepoint buffer access: off=%d, size=%d\n", regno, off,
				size);
			return -EACCES;
		}
		if (!tnum_is_const(reg->var_off) || reg->var_off.value) {
			char tn[48];

			tnum_strn(tn, sizeof(tn), reg->var_off);
			verbose(env, "R%d invalid variable buffer offset: off=%d, var_off=%s\n", regno,
				off, tn);
			return -EACCES;
		}
		if (t == BPF_READ && value_regno >= 0)
			mark_reg_unknown(env, regs, (uint32_t)value_regno);
	} else if (reg->type == PTR_TO_SOCKET || reg->type == PTR_TO_SOCK_COMMON ||
		   reg->type == PTR_TO_TCP_SOCK || reg->type == PTR_TO_XDP_SOCK) {
		if (t == BPF_WRITE) {
			verbose(env, "R%d cannot write into %s\n", regno, reg_type_str(env, reg->type));
			return -EACCES;
		}
		verbose(env, "R%d invalid %s access off=%d size=%d\n", regno,
			reg_type_str(env, reg->type), off, size);
		return -EACCES;
	} else if (reg->type == CONST_PTR_TO_MAP) {
		/* the kernel types this access with vmlinux BTF (struct bpf_map) */
		if (off < 0) {
			verbose(env, "R%d is bpf_map invalid negative access: off=%d\n", regno, off);
			return -EACCES;
		}
		if (t != BPF_READ) {
			verbose(env, "only read from bpf_map is supported\n");
			return -EACCES;
		}
		if (value_regno >= 0)
			mark_reg_unknown(env, regs, (uint32_t)value_regno);
	} else {
		verbose(env, "R%d invalid mem access '%s'\n", regno, reg_type_str(env, reg->type));
		return -EACCES;
	}
	if (!err && size < BPF_REG_SIZE && value_regno >= 0 && t == BPF_READ &&
	    regs[value_regno].type == SCALAR_VALUE) {
		/* narrow loads zero- (or sign-) extend */
		if (!is_ldsx)
			reg_coerce_to_size(&regs[value_regno], size);
		else
			reg_coerce_to_size_sx(&regs[value_regno], size);
	}
	return err;
}

/* ---- instruction-level wrappers -------------------------------------------------- */

static bool reg_type_mismatch_ok(uint32_t type)
{
	switch (base_type(type)) {
	case PTR_TO_CTX:
	case PTR_TO_SOCKET:
	case PTR_TO_SOCK_COMMON:
	case PTR_TO_TCP_SOCK:
	case PTR_TO_XDP_SOCK:
	case PTR_TO_BTF_ID:
	case PTR_TO_ARENA:
		return false;
	default:
		return true;
	}
}

int save_aux_ptr_type(struct venv *env, uint32_t type)
{
	uint32_t *prev = &env->aux[env->insn_idx].ptr_type;

	if (*prev == NOT_INIT) {
		*prev = type;
	} else if (type != *prev && (!reg_type_mismatch_ok(type) || !reg_type_mismatch_ok(*prev))) {
		/* one instruction, ctx on one path and another pointer on another */
		verbose(env, "same insn cannot be used with different pointers\n");
		return -EINVAL;
	}
	return 0;
}

int check_load_mem(struct venv *env, const struct hive_insn *insn, bool strict_once,
		   bool is_ldsx, const char *ctx)
{
	struct reg_state *regs = cur_regs(env);
	uint32_t src_type;
	int err;

	err = check_reg_arg(env, insn->src, SRC_OP);
	if (err)
		return err;
	err = check_reg_arg(env, insn->dst, DST_OP_NO_MARK);
	if (err)
		return err;
	src_type = regs[insn->src].type;
	err = check_mem_access(env, env->insn_idx, insn->src, insn->off, BPF_SIZE(insn->code),
			       BPF_READ, insn->dst, strict_once, is_ldsx);
	if (!err)
		err = save_aux_ptr_type(env, src_type);
	if (!err)
		err = reg_bounds_sanity_check(env, &regs[insn->dst], ctx);
	return err;
}

int check_store_reg(struct venv *env, const struct hive_insn *insn, bool strict_once)
{
	struct reg_state *regs = cur_regs(env);
	uint32_t dst_type;
	int err;

	err = check_reg_arg(env, insn->src, SRC_OP);
	if (err)
		return err;
	err = check_reg_arg(env, insn->dst, SRC_OP);
	if (err)
		return err;
	dst_type = regs[insn->dst].type;
	err = check_mem_access(env, env->insn_idx, insn->dst, insn->off, BPF_SIZE(insn->code),
			       BPF_WRITE, insn->src, strict_once, false);
	if (!err)
		err = save_aux_ptr_type(env, dst_type);
	return err;
}

static bool atomic_ptr_type_ok(struct venv *env, int regno)
{
	uint32_t t = cur_regs(env)[regno].type;

	return !(t == PTR_TO_CTX || t == PTR_TO_PACKET || t == PTR_TO_PACKET_META ||
		 t == PTR_TO_FLOW_KEYS || t == PTR_TO_SOCKET || t == PTR_TO_SOCK_COMMON ||
		 t == PTR_TO_TCP_SOCK || t == PTR_TO_XDP_SOCK);
}

static int check_atomic_rmw(struct venv *env, const struct hive_insn *insn)
{
	int load_reg, err;

	if (BPF_SIZE(insn->code) != HIVE_W && BPF_SIZE(insn->code) != HIVE_DW) {
		verbose(env, "invalid atomic operand size\n");
		return -EINVAL;
	}
	err = check_reg_arg(env, insn->src, SRC_OP);
	if (err)
		return err;
	err = check_reg_arg(env, insn->dst, SRC_OP);
	if (err)
		return err;
	if (insn->imm == HIVE_CMPXCHG) {
		err = check_reg_arg(env, 0, SRC_OP);
		if (err)
			return err;
		if (is_pointer_value(env, 0)) {
			verbose(env, "R%d leaks addr into mem\n", 0);
			return -EACCES;
		}
	}
	if (is_pointer_value(env, insn->src)) {
		verbose(env, "R%d leaks addr into mem\n", insn->src);
		return -EACCES;
	}
	if (!atomic_ptr_type_ok(env, insn->dst)) {
		verbose(env, "BPF_ATOMIC stores into R%d %s is not allowed\n", insn->dst,
			reg_type_str(env, cur_regs(env)[insn->dst].type));
		return -EACCES;
	}
	if (insn->imm & HIVE_FETCH) {
		load_reg = insn->imm == HIVE_CMPXCHG ? 0 : insn->src;
		err = check_reg_arg(env, (uint32_t)load_reg, DST_OP);
		if (err)
			return err;
	} else {
		load_reg = -1;
	}
	/* read, then (fetch) fill the loaded register, then write */
	err = check_mem_access(env, env->insn_idx, insn->dst, insn->off, BPF_SIZE(insn->code),
			       BPF_READ, -1, true, false);
	if (!err && load_reg >= 0)
		err = check_mem_access(env, env->insn_idx, insn->dst, insn->off,
				       BPF_SIZE(insn->code), BPF_READ, load_reg, true, false);
	if (err)
		return err;
	return check_mem_access(env, env->insn_idx, insn->dst, insn->off, BPF_SIZE(insn->code),
				BPF_WRITE, -1, true, false);
}

int check_atomic(struct venv *env, const struct hive_insn *insn)
{
	int err;

	switch (insn->imm) {
	case HIVE_ADD:
	case HIVE_ADD | HIVE_FETCH:
	case HIVE_AND:
	case HIVE_AND | HIVE_FETCH:
	case HIVE_OR:
	case HIVE_OR | HIVE_FETCH:
	case HIVE_XOR:
	case HIVE_XOR | HIVE_FETCH:
	case HIVE_XCHG:
	case HIVE_CMPXCHG:
		return check_atomic_rmw(env, insn);
	case BPF_LOAD_ACQ:
		err = check_load_mem(env, insn, true, false, "atomic_load");
		if (err)
			return err;
		if (!atomic_ptr_type_ok(env, insn->src)) {
			verbose(env, "BPF_ATOMIC loads from R%d %s is not allowed\n", insn->src,
				reg_type_str(env, cur_regs(env)[insn->src].type));
			return -EACCES;
		}
		return 0;
	case BPF_STORE_REL:
		err = check_store_reg(env, insn, true);
		if (err)
			return err;
		if (!atomic_ptr_type_ok(env, insn->dst)) {
			verbose(env, "BPF_ATOMIC stores into R%d %s is not allowed\n", insn->dst,
				reg_type_str(env, cur_regs(env)[insn->dst].type));
			return -EACCES;
		}
		return 0;
	default:
		verbose(env, "BPF_ATOMIC uses invalid atomic opcode %02x\n", insn->imm);
		return -EINVAL;
	}
}
