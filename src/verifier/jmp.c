/*
 * jmp.c - conditional jumps and the stack of pending branches, after the
 * Linux 6.18 verifier.
 *
 * A conditional jump first asks whether the outcome is already decided
 * (is_branch_taken); then only that side is followed, and the registers the
 * decision rested on are marked precise. Otherwise the other side is pushed
 * (push_stack) with a copy of the state, and both copies are narrowed by the
 * condition (reg_set_min_max) together with every register linked to the
 * compared ones by id. Comparisons of a maybe-NULL pointer with 0 turn it,
 * and all its copies, into a valid pointer or a scalar 0; packet pointer
 * comparisons against pkt_end give their copies an accessible range.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "verifier/env.h"

#define BPF_JCOND     0xe0
#define BPF_MAY_GOTO  0
#define MAX_PACKET_OFF 0xffff
#define BPF_MAP_TYPE_SOCKMAP  15
#define BPF_MAP_TYPE_SOCKHASH 18
#define BPF_MAP_TYPE_XSKMAP   17

struct vstate *push_stack(struct venv *env, int insn_idx, int prev_insn_idx, bool speculative)
{
	struct stack_elem *elem = calloc(1, sizeof(*elem));

	if (!elem)
		return NULL;
	elem->insn_idx = insn_idx;
	elem->prev_insn_idx = prev_insn_idx;
	elem->next = env->head;
	elem->log_pos = env->log.end_pos;
	env->head = elem;
	env->stack_size++;
	if (copy_verifier_state(&elem->st, env->cur_state))
		return NULL;
	elem->st.speculative |= speculative;
	if (env->stack_size > BPF_COMPLEXITY_LIMIT_JMP_SEQ) {
		verbose(env, "The sequence of %d jumps is too complex.\n", env->stack_size);
		return NULL;
	}
	if (elem->st.parent)
		elem->st.parent->branches++;
	return &elem->st;
}

/* push_stack failures: -E2BIG past the jump limit, -ENOMEM otherwise */
static int push_err(struct venv *env)
{
	return env->stack_size > BPF_COMPLEXITY_LIMIT_JMP_SEQ ? -E2BIG : -ENOMEM;
}

/* Visit every register and every spilled register of every frame. */
#define for_each_reg_in_vstate(vst, fr, reg, body)					\
	do {										\
		uint32_t fr_i_, slot_i_;						\
		for (fr_i_ = 0; fr_i_ <= (vst)->curframe; fr_i_++) {			\
			struct func_state *fr = (vst)->frame[fr_i_];			\
			for (slot_i_ = 0; slot_i_ < MAX_BPF_REG; slot_i_++) {		\
				struct reg_state *reg = &fr->regs[slot_i_];		\
				body;							\
			}								\
			for (slot_i_ = 0; slot_i_ < (uint32_t)fr->allocated_stack / BPF_REG_SIZE; slot_i_++) { \
				struct reg_state *reg;					\
				if (!is_spilled_reg(&fr->stack[slot_i_]))		\
					continue;					\
				reg = &fr->stack[slot_i_].spilled_ptr;			\
				body;							\
			}								\
		}									\
	} while (0)

/* ---- NULL checks ------------------------------------------------------------ */

void mark_ptr_not_null_reg(struct reg_state *reg)
{
	if (base_type(reg->type) == CONST_PTR_TO_MAP) {
		/* a map-in-map lookup: the id names this inner map (timers) */
		reg->type = CONST_PTR_TO_MAP;
		if (reg->map_ptr->timer_off >= 0)
			reg->map_uid = reg->id;
		return;
	}
	if (base_type(reg->type) == PTR_TO_MAP_VALUE) {
		const struct vmap *map = reg->map_ptr;

		if (map->type == BPF_MAP_TYPE_XSKMAP) {
			reg->type = PTR_TO_XDP_SOCK;
		} else if (map->type == BPF_MAP_TYPE_XSKMAP) {
			reg->type = PTR_TO_XDP_SOCK;
		} else if (map->type == BPF_MAP_TYPE_SOCKMAP || map->type == BPF_MAP_TYPE_SOCKHASH) {
			reg->type = PTR_TO_SOCKET;
		} else {
			reg->type = PTR_TO_MAP_VALUE;
		}
		return;
	}
	reg->type &= ~PTR_MAYBE_NULL;
}

static bool reg_may_point_to_spin_lock(const struct reg_state *reg)
{
	return reg->type == PTR_TO_MAP_VALUE && reg->map_ptr && reg->map_ptr->spin_lock_off >= 0;
}

static void mark_ptr_or_null_reg(struct reg_state *reg, uint32_t id, bool is_null)
{
	if (!type_may_be_null(reg->type) || reg->id != id || !reg->id)
		return;
	/* NULL-able pointers never had arithmetic done on them */
	if (reg->smin_value || reg->smax_value || !tnum_equals_const(reg->var_off, 0) || reg->off)
		return;
	if (is_null) {
		/* the NULL side: a scalar 0 */
		reg->type = SCALAR_VALUE;
		reg->id = 0;
		reg->ref_obj_id = 0;
		return;
	}
	mark_ptr_not_null_reg(reg);
	if (!reg_may_point_to_spin_lock(reg))
		reg->id = 0;
}

static void release_reference_state(struct vstate *st, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < st->acquired_refs; i++) {
		if (st->refs[i].id == id) {
			memmove(&st->refs[i], &st->refs[i + 1],
				(st->acquired_refs - i - 1) * sizeof(st->refs[0]));
			st->acquired_refs--;
			return;
		}
	}
}

void mark_ptr_or_null_regs(struct vstate *vstate, uint32_t regno, bool is_null)
{
	struct reg_state *regs = vstate->frame[vstate->curframe]->regs;
	uint32_t ref_obj_id = regs[regno].ref_obj_id, id = regs[regno].id;

	/* the NULL side of an acquired pointer holds no reference */
	if (ref_obj_id && ref_obj_id == id && is_null)
		release_reference_state(vstate, id);
	for_each_reg_in_vstate(vstate, fr, reg, mark_ptr_or_null_reg(reg, id, is_null));
}

/* ---- packet pointers ----------------------------------------------------------- */

static bool reg_is_pkt_pointer_any(const struct reg_state *reg)
{
	return reg->type == PTR_TO_PACKET || reg->type == PTR_TO_PACKET_META ||
	       reg->type == PTR_TO_PACKET_END;
}

static bool reg_is_init_pkt_pointer(const struct reg_state *reg, uint32_t which)
{
	return reg->type == which && reg->id == 0 && reg->off == 0 &&
	       tnum_equals_const(reg->var_off, 0);
}

static void find_good_pkt_pointers(struct vstate *vstate, const struct reg_state *dst_reg,
				   uint32_t type, bool range_right_open)
{
	uint32_t id = dst_reg->id;
	int new_range;

	if (dst_reg->off < 0 || (dst_reg->off == 0 && range_right_open))
		return;
	if (dst_reg->umax_value > MAX_PACKET_OFF ||
	    dst_reg->umax_value + (uint64_t)(int64_t)dst_reg->off > MAX_PACKET_OFF)
		return;
	new_range = dst_reg->off;
	if (range_right_open)
		new_range++;
	/* every copy of the compared pointer may access that far */
	for_each_reg_in_vstate(vstate, fr, reg, {
		if (reg->type == type && reg->id == id && reg->range < new_range)
			reg->range = new_range;
	});
}

static void mark_pkt_end(struct vstate *vstate, uint32_t regn, bool range_open)
{
	struct reg_state *reg = &vstate->frame[vstate->curframe]->regs[regn];

	if (reg->type != PTR_TO_PACKET)
		return;
	reg->range = range_open ? BEYOND_PKT_END : AT_PKT_END;
}

static bool try_match_pkt_pointers(const struct hive_insn *insn, struct reg_state *dst_reg,
				   struct reg_state *src_reg, struct vstate *this_branch,
				   struct vstate *other_branch)
{
	bool dst_data_end, dst_end_data;

	if (BPF_SRC(insn->code) != HIVE_X || HIVE_CLASS(insn->code) == HIVE_JMP32)
		return false;
	/* pkt' OP pkt_end (or meta' OP pkt) and the mirrored form */
	dst_data_end = (dst_reg->type == PTR_TO_PACKET && src_reg->type == PTR_TO_PACKET_END) ||
		       (dst_reg->type == PTR_TO_PACKET_META &&
			reg_is_init_pkt_pointer(src_reg, PTR_TO_PACKET));
	dst_end_data = (dst_reg->type == PTR_TO_PACKET_END && src_reg->type == PTR_TO_PACKET) ||
		       (reg_is_init_pkt_pointer(dst_reg, PTR_TO_PACKET) &&
			src_reg->type == PTR_TO_PACKET_META);
	switch (BPF_OP(insn->code)) {
	case HIVE_JGT:
		if (dst_data_end) {
			find_good_pkt_pointers(this_branch, dst_reg, dst_reg->type, false);
			mark_pkt_end(other_branch, insn->dst, true);
		} else if (dst_end_data) {
			find_good_pkt_pointers(other_branch, src_reg, src_reg->type, true);
			mark_pkt_end(this_branch, insn->src, false);
		} else {
			return false;
		}
		break;
	case HIVE_JLT:
		if (dst_data_end) {
			find_good_pkt_pointers(other_branch, dst_reg, dst_reg->type, true);
			mark_pkt_end(this_branch, insn->dst, false);
		} else if (dst_end_data) {
			find_good_pkt_pointers(this_branch, src_reg, src_reg->type, false);
			mark_pkt_end(other_branch, insn->src, true);
		} else {
			return false;
		}
		break;
	case HIVE_JGE:
		if (dst_data_end) {
			find_good_pkt_pointers(this_branch, dst_reg, dst_reg->type, true);
			mark_pkt_end(other_branch, insn->dst, false);
		} else if (dst_end_data) {
			find_good_pkt_pointers(other_branch, src_reg, src_reg->type, false);
			mark_pkt_end(this_branch, insn->src, true);
		} else {
			return false;
		}
		break;
	case HIVE_JLE:
		if (dst_data_end) {
			find_good_pkt_pointers(other_branch, dst_reg, dst_reg->type, false);
			mark_pkt_end(this_branch, insn->dst, true);
		} else if (dst_end_data) {
			find_good_pkt_pointers(this_branch, src_reg, src_reg->type, true);
			mark_pkt_end(other_branch, insn->src, false);
		} else {
			return false;
		}
		break;
	default:
		return false;
	}
	return true;
}

static int is_pkt_ptr_branch_taken(const struct reg_state *dst_reg,
				   const struct reg_state *src_reg, uint8_t opcode)
{
	const struct reg_state *pkt;

	if (src_reg->type == PTR_TO_PACKET_END) {
		pkt = dst_reg;
	} else if (dst_reg->type == PTR_TO_PACKET_END) {
		pkt = src_reg;
		opcode = jmp_flip_opcode(opcode);
	} else {
		return -1;
	}
	if (pkt->range >= 0)
		return -1;
	switch (opcode) {
	case HIVE_JLE:
	case HIVE_JGT:
		/* at least one byte beyond pkt_end */
		if (pkt->range == BEYOND_PKT_END)
			return opcode == HIVE_JGT;
		break;
	case HIVE_JLT:
	case HIVE_JGE:
		if (pkt->range == BEYOND_PKT_END || pkt->range == AT_PKT_END)
			return opcode == HIVE_JGE;
		break;
	}
	return -1;
}

/* ---- branch prediction --------------------------------------------------------- */

static bool reg_not_null(const struct reg_state *reg)
{
	uint32_t type = reg->type;

	if (type_may_be_null(type))
		return false;
	type = base_type(type);
	return type == PTR_TO_SOCKET || type == PTR_TO_TCP_SOCK || type == PTR_TO_MAP_VALUE ||
	       type == PTR_TO_MAP_KEY || type == PTR_TO_SOCK_COMMON ||
	       (type == PTR_TO_MEM && !(reg->type & PTR_UNTRUSTED)) || type == CONST_PTR_TO_MAP;
}

static int is_branch_taken(const struct reg_state *reg1, const struct reg_state *reg2,
			   uint8_t opcode, bool is_jmp32)
{
	const struct reg_state *tmp;
	uint64_t val;

	if (reg_is_pkt_pointer_any(reg1) && reg_is_pkt_pointer_any(reg2) && !is_jmp32)
		return is_pkt_ptr_branch_taken(reg1, reg2, opcode);
	if (reg1->type != SCALAR_VALUE || reg2->type != SCALAR_VALUE) {
		/* a non-NULL pointer compared with 0 */
		if (!reg_is_const(reg2, is_jmp32)) {
			opcode = jmp_flip_opcode(opcode);
			tmp = reg1;
			reg1 = reg2;
			reg2 = tmp;
		}
		if (!reg_is_const(reg2, is_jmp32))
			return -1;
		if (!reg_not_null(reg1))
			return -1;
		val = reg_const_value(reg2, is_jmp32);
		if (val != 0)
			return -1;
		if (opcode == HIVE_JEQ)
			return 0;
		if (opcode == HIVE_JNE)
			return 1;
		return -1;
	}
	return scalar_branch_taken(reg1, reg2, opcode, is_jmp32);
}

/* ---- refinement ------------------------------------------------------------------ */

static int reg_set_min_max(struct venv *env, struct reg_state *true_reg1,
			   struct reg_state *true_reg2, struct reg_state *false_reg1,
			   struct reg_state *false_reg2, uint8_t opcode, bool is_jmp32)
{
	bool same;
	int err;

	/* nothing to learn about pointers */
	if (false_reg1->type != SCALAR_VALUE || false_reg2->type != SCALAR_VALUE)
		return 0;
	regs_refine_cond_op(false_reg1, false_reg2, jmp_rev_opcode(opcode), is_jmp32);
	reg_bounds_sync(false_reg1);
	reg_bounds_sync(false_reg2);
	regs_refine_cond_op(true_reg1, true_reg2, opcode, is_jmp32);
	reg_bounds_sync(true_reg1);
	reg_bounds_sync(true_reg2);
	/* A register compared with itself ("if w9 >= w9") is refined on both
	 * sides at once; the impossible side then fails the kernel's sanity
	 * check, which logs a "verifier bug" line, forgets the bounds and goes
	 * on (Linux 6.18.44). Other contradictions are forgotten silently
	 * (a NULL context). */
	same = false_reg1 == false_reg2;
	err = reg_bounds_sanity_check(env, true_reg1, same ? "true_reg1" : NULL);
	err = err ? err : reg_bounds_sanity_check(env, true_reg2, same ? "true_reg2" : NULL);
	err = err ? err : reg_bounds_sanity_check(env, false_reg1, same ? "false_reg1" : NULL);
	err = err ? err : reg_bounds_sanity_check(env, false_reg2, same ? "false_reg2" : NULL);
	return err;
}

static void collect_one(struct linked_regs *set, struct reg_state *reg, uint32_t id,
			uint32_t frameno, uint32_t spi_or_reg, bool is_reg)
{
	struct linked_reg *e;

	if (reg->type != SCALAR_VALUE || (reg->id & ~BPF_ADD_CONST) != id)
		return;
	if (set->cnt >= LINKED_REGS_MAX) {
		/* too many copies: the rest forget the link */
		reg->id = 0;
		return;
	}
	e = &set->entries[set->cnt++];
	e->frameno = (uint8_t)frameno;
	e->is_reg = is_reg;
	e->regno = (uint8_t)spi_or_reg;
}

static void collect_linked_regs(struct venv *env, struct vstate *vstate, uint32_t id,
				struct linked_regs *set)
{
	int i, j;

	id &= ~BPF_ADD_CONST;
	for (i = (int)vstate->curframe; i >= 0; i--) {
		uint16_t live = env->aux[frame_insn_idx(vstate, (uint32_t)i)].live_regs_before;
		struct func_state *func = vstate->frame[i];

		for (j = 0; j < BPF_REG_FP; j++)
			if (live & (1U << j))
				collect_one(set, &func->regs[j], id, (uint32_t)i, (uint32_t)j, true);
		for (j = 0; j < func->allocated_stack / BPF_REG_SIZE; j++)
			if (is_spilled_reg(&func->stack[j]))
				collect_one(set, &func->stack[j].spilled_ptr, id, (uint32_t)i,
					    (uint32_t)j, false);
	}
}

/* Copy what the branch learned about known_reg into its linked copies. */
static void sync_linked_regs(struct vstate *vstate, struct reg_state *known_reg,
			     const struct linked_regs *set)
{
	struct reg_state fake;
	int i;

	for (i = 0; i < set->cnt; i++) {
		const struct linked_reg *e = &set->entries[i];
		struct reg_state *reg = e->is_reg ? &vstate->frame[e->frameno]->regs[e->regno] :
			&vstate->frame[e->frameno]->stack[e->spi].spilled_ptr;
		int32_t saved_subreg_def, saved_off;
		uint32_t saved_id;

		if (reg->type != SCALAR_VALUE || reg == known_reg)
			continue;
		if ((reg->id & ~BPF_ADD_CONST) != (known_reg->id & ~BPF_ADD_CONST))
			continue;
		saved_subreg_def = reg->subreg_def;
		if ((!(reg->id & BPF_ADD_CONST) && !(known_reg->id & BPF_ADD_CONST)) ||
		    reg->off == known_reg->off) {
			copy_register_state(reg, known_reg);
			reg->subreg_def = saved_subreg_def;
			continue;
		}
		/* reg = known_reg + (reg's delta - known's delta) */
		saved_off = reg->off;
		saved_id = reg->id;
		memset(&fake, 0, sizeof(fake));
		fake.type = SCALAR_VALUE;
		reg_mark_known(&fake, (uint64_t)((int64_t)saved_off - (int64_t)known_reg->off));
		copy_register_state(reg, known_reg);
		reg->off = saved_off;
		reg->id = saved_id;
		reg->subreg_def = saved_subreg_def;
		scalar_add_no_sync(reg, &fake);
		/* a 32-bit delta wraps in the subregister */
		if (reg->id & BPF_ADD_CONST32)
			reg_zext_32_to_64(reg);
		reg_bounds_sync(reg);
	}
}

int check_cond_jmp_op(struct venv *env, const struct hive_insn *insn, int *insn_idx)
{
	struct vstate *this_branch = env->cur_state, *other_branch;
	struct reg_state *regs = this_branch->frame[this_branch->curframe]->regs;
	struct reg_state *dst_reg, *src_reg, *other_regs, *eq_regs;
	struct linked_regs linked = { 0 };
	uint8_t opcode = BPF_OP(insn->code);
	uint32_t insn_flags = 0;
	bool is_jmp32;
	int pred, err;

	if (opcode == HIVE_JA || opcode > BPF_JCOND) {
		verbose(env, "invalid BPF_JMP/JMP32 opcode %x\n", opcode);
		return -EINVAL;
	}
	if (opcode == BPF_JCOND) {
		/* may_goto: hive does not run it yet */
		verbose(env, "invalid may_goto imm %d\n", insn->imm);
		return -EINVAL;
	}
	err = check_reg_arg(env, insn->dst, SRC_OP);
	if (err)
		return err;
	dst_reg = &regs[insn->dst];
	if (BPF_SRC(insn->code) == HIVE_X) {
		if (insn->imm != 0) {
			verbose(env, "BPF_JMP/JMP32 uses reserved fields\n");
			return -EINVAL;
		}
		err = check_reg_arg(env, insn->src, SRC_OP);
		if (err)
			return err;
		src_reg = &regs[insn->src];
		if (!(reg_is_pkt_pointer_any(dst_reg) && reg_is_pkt_pointer_any(src_reg)) &&
		    is_pointer_value(env, insn->src)) {
			verbose(env, "R%d pointer comparison prohibited\n", insn->src);
			return -EACCES;
		}
		if (src_reg->type == PTR_TO_STACK)
			insn_flags |= INSN_F_SRC_REG_STACK;
		if (dst_reg->type == PTR_TO_STACK)
			insn_flags |= INSN_F_DST_REG_STACK;
	} else {
		if (insn->src != 0) {
			verbose(env, "BPF_JMP/JMP32 uses reserved fields\n");
			return -EINVAL;
		}
		src_reg = &env->fake_reg[0];
		memset(src_reg, 0, sizeof(*src_reg));
		src_reg->type = SCALAR_VALUE;
		reg_mark_known(src_reg, (uint64_t)(int64_t)insn->imm);
		if (dst_reg->type == PTR_TO_STACK)
			insn_flags |= INSN_F_DST_REG_STACK;
	}
	if (insn_flags) {
		err = push_jmp_history(env, this_branch, insn_flags, 0);
		if (err)
			return err;
	}
	is_jmp32 = HIVE_CLASS(insn->code) == HIVE_JMP32;
	pred = is_branch_taken(dst_reg, src_reg, opcode, is_jmp32);
	if (pred >= 0) {
		/* the decision depends on these values: they must be exact */
		if (dst_reg->type == SCALAR_VALUE)
			err = mark_chain_precision(env, insn->dst);
		if (BPF_SRC(insn->code) == HIVE_X && !err && src_reg->type == SCALAR_VALUE)
			err = mark_chain_precision(env, insn->src);
		if (err)
			return err;
	}
	if (pred == 1) {
		/* only the jump */
		if (env->log.level & HIVE_LOG_LEVEL1 || env->log.level & HIVE_LOG_LEVEL2)
			print_insn_state(env, this_branch, this_branch->curframe);
		*insn_idx += insn->off;
		return 0;
	} else if (pred == 0) {
		/* only the fall-through */
		if (env->log.level & (HIVE_LOG_LEVEL1 | HIVE_LOG_LEVEL2))
			print_insn_state(env, this_branch, this_branch->curframe);
		return 0;
	}
	/* linked scalars go into the history before the states split */
	if (BPF_SRC(insn->code) == HIVE_X && src_reg->type == SCALAR_VALUE && src_reg->id)
		collect_linked_regs(env, this_branch, src_reg->id, &linked);
	if (dst_reg->type == SCALAR_VALUE && dst_reg->id)
		collect_linked_regs(env, this_branch, dst_reg->id, &linked);
	if (linked.cnt > 1) {
		err = push_jmp_history(env, this_branch, 0, linked_regs_pack(&linked));
		if (err)
			return err;
	}
	other_branch = push_stack(env, *insn_idx + insn->off + 1, *insn_idx, false);
	if (!other_branch)
		return push_err(env);
	other_regs = other_branch->frame[other_branch->curframe]->regs;
	if (BPF_SRC(insn->code) == HIVE_X) {
		err = reg_set_min_max(env, &other_regs[insn->dst], &other_regs[insn->src],
				      dst_reg, src_reg, opcode, is_jmp32);
	} else {
		env->fake_reg[1] = env->fake_reg[0];
		err = reg_set_min_max(env, &other_regs[insn->dst], &env->fake_reg[0], dst_reg,
				      &env->fake_reg[1], opcode, is_jmp32);
	}
	if (err)
		return err;
	if (BPF_SRC(insn->code) == HIVE_X && src_reg->type == SCALAR_VALUE && src_reg->id &&
	    src_reg->id == other_regs[insn->src].id) {
		sync_linked_regs(this_branch, src_reg, &linked);
		sync_linked_regs(other_branch, &other_regs[insn->src], &linked);
	}
	if (dst_reg->type == SCALAR_VALUE && dst_reg->id &&
	    dst_reg->id == other_regs[insn->dst].id) {
		sync_linked_regs(this_branch, dst_reg, &linked);
		sync_linked_regs(other_branch, &other_regs[insn->dst], &linked);
	}
	/* maybe-NULL compared with a non-NULL pointer */
	if (!is_jmp32 && BPF_SRC(insn->code) == HIVE_X && src_reg->type != SCALAR_VALUE &&
	    dst_reg->type != SCALAR_VALUE &&
	    type_may_be_null(src_reg->type) != type_may_be_null(dst_reg->type) &&
	    base_type(src_reg->type) != PTR_TO_BTF_ID && base_type(dst_reg->type) != PTR_TO_BTF_ID) {
		eq_regs = NULL;
		if (opcode == HIVE_JEQ)
			eq_regs = other_regs;
		else if (opcode == HIVE_JNE)
			eq_regs = regs;
		if (eq_regs) {
			if (type_may_be_null(src_reg->type))
				mark_ptr_not_null_reg(&eq_regs[insn->src]);
			else
				mark_ptr_not_null_reg(&eq_regs[insn->dst]);
		}
	}
	if (!is_jmp32 && BPF_SRC(insn->code) == HIVE_K && insn->imm == 0 &&
	    (opcode == HIVE_JEQ || opcode == HIVE_JNE) && type_may_be_null(dst_reg->type)) {
		/* R == 0 on a maybe-NULL pointer: all its copies follow */
		mark_ptr_or_null_regs(this_branch, insn->dst, opcode == HIVE_JNE);
		mark_ptr_or_null_regs(other_branch, insn->dst, opcode == HIVE_JEQ);
	} else if (!try_match_pkt_pointers(insn, dst_reg, &regs[insn->src], this_branch,
					   other_branch) &&
		   is_pointer_value(env, insn->dst)) {
		verbose(env, "R%d pointer comparison prohibited\n", insn->dst);
		return -EACCES;
	}
	if (env->log.level & (HIVE_LOG_LEVEL1 | HIVE_LOG_LEVEL2))
		print_insn_state(env, this_branch, this_branch->curframe);
	return 0;
}
