/*
 * state.c - path states: allocation, copying, register resets, jump
 * history, and the comparisons that decide pruning (regsafe, stacksafe,
 * refsafe, states_equal), after the Linux 6.18 verifier.
 *
 * A saved ("old") state prunes the current one when everything the old
 * state's continuation relied on also holds now: live registers only, and
 * for scalars only the precise ones are compared by range (a non-precise
 * old scalar matches anything). Register ids must correspond one-to-one
 * between the two states (check_ids).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "verifier/env.h"

/* ---- allocation and copies ---------------------------------------------- */

struct func_state *func_state_new(void)
{
	return calloc(1, sizeof(struct func_state));
}

void free_func_state(struct func_state *state)
{
	if (!state)
		return;
	free(state->stack);
	free(state);
}

void free_verifier_state(struct vstate *state, bool free_self)
{
	uint32_t i;

	for (i = 0; i <= state->curframe && i < MAX_CALL_FRAMES; i++) {
		free_func_state(state->frame[i]);
		state->frame[i] = NULL;
	}
	free(state->refs);
	state->refs = NULL;
	free(state->jmp_history);
	state->jmp_history = NULL;
	state->jmp_history_cnt = 0;
	if (free_self)
		free(state);
}

static int copy_func_state(struct func_state *dst, const struct func_state *src)
{
	struct stack_slot *stack = dst->stack;
	size_t n = (size_t)src->allocated_stack / BPF_REG_SIZE;

	if (n) {
		stack = realloc(stack, n * sizeof(*stack));
		if (!stack)
			return -ENOMEM;
		memcpy(stack, src->stack, n * sizeof(*stack));
	}
	*dst = *src;
	dst->stack = n ? stack : NULL;
	if (!n)
		free(stack);
	return 0;
}

int copy_verifier_state(struct vstate *dst, const struct vstate *src)
{
	struct jmp_history_entry *hist = dst->jmp_history;
	struct ref_state *refs = dst->refs;
	uint32_t i;
	int err;

	/* jump history */
	if (src->jmp_history_cnt) {
		hist = realloc(hist, src->jmp_history_cnt * sizeof(*hist));
		if (!hist)
			return -ENOMEM;
		memcpy(hist, src->jmp_history, src->jmp_history_cnt * sizeof(*hist));
	}
	dst->jmp_history = hist;
	dst->jmp_history_cnt = src->jmp_history_cnt;
	/* frames the source does not have */
	for (i = src->curframe + 1; i <= dst->curframe && i < MAX_CALL_FRAMES; i++) {
		free_func_state(dst->frame[i]);
		dst->frame[i] = NULL;
	}
	/* references */
	if (src->acquired_refs) {
		refs = realloc(refs, src->acquired_refs * sizeof(*refs));
		if (!refs)
			return -ENOMEM;
		memcpy(refs, src->refs, src->acquired_refs * sizeof(*refs));
	}
	dst->refs = refs;
	dst->acquired_refs = src->acquired_refs;
	dst->active_locks = src->active_locks;
	dst->active_preempt_locks = src->active_preempt_locks;
	dst->active_irq_id = src->active_irq_id;
	dst->active_lock_id = src->active_lock_id;
	dst->active_lock_ptr = src->active_lock_ptr;
	dst->active_rcu_lock = src->active_rcu_lock;
	dst->speculative = src->speculative;
	dst->in_sleepable = src->in_sleepable;
	dst->cleaned = src->cleaned;
	dst->curframe = src->curframe;
	dst->branches = src->branches;
	dst->parent = src->parent;
	dst->first_insn_idx = src->first_insn_idx;
	dst->last_insn_idx = src->last_insn_idx;
	dst->dfs_depth = src->dfs_depth;
	dst->callback_unroll_depth = src->callback_unroll_depth;
	dst->may_goto_depth = src->may_goto_depth;
	dst->equal_state = src->equal_state;
	dst->insn_idx = src->insn_idx;
	for (i = 0; i <= src->curframe; i++) {
		if (!dst->frame[i]) {
			dst->frame[i] = func_state_new();
			if (!dst->frame[i])
				return -ENOMEM;
		}
		err = copy_func_state(dst->frame[i], src->frame[i]);
		if (err)
			return err;
	}
	return 0;
}

int grow_stack_state(struct venv *env, struct func_state *state, int size)
{
	size_t old_n = (size_t)state->allocated_stack / BPF_REG_SIZE, n;
	struct stack_slot *stack;

	size = (size + BPF_REG_SIZE - 1) / BPF_REG_SIZE * BPF_REG_SIZE;
	n = (size_t)size / BPF_REG_SIZE;
	if (old_n >= n)
		return 0;
	stack = realloc(state->stack, n * sizeof(*stack));
	if (!stack)
		return -ENOMEM;
	memset(stack + old_n, 0, (n - old_n) * sizeof(*stack));
	state->stack = stack;
	state->allocated_stack = size;
	/* the subprogram's known maximum */
	if (env->subprog_info[state->subprogno].stack_depth < (uint32_t)size)
		env->subprog_info[state->subprogno].stack_depth = (uint32_t)size;
	return 0;
}

/* ---- register resets ------------------------------------------------------ */

void mark_reg_unknown_raw(struct venv *env, struct reg_state *reg)
{
	reg_mark_unknown_scalar(reg, !env->bpf_capable);
}

void mark_reg_not_init_raw(struct reg_state *reg)
{
	reg_mark_unknown_scalar(reg, false);
	reg->type = NOT_INIT;
}

void mark_reg_not_init(struct venv *env, struct reg_state *regs, uint32_t regno)
{
	mark_reg_unknown_raw(env, &regs[regno]);
	regs[regno].type = NOT_INIT;
}

void mark_reg_unknown(struct venv *env, struct reg_state *regs, uint32_t regno)
{
	mark_reg_unknown_raw(env, &regs[regno]);
}

void mark_reg_known_zero(struct venv *env, struct reg_state *regs, uint32_t regno)
{
	(void)env;
	reg_mark_known(&regs[regno], 0);
}

void mark_reg_const_zero(struct venv *env, struct reg_state *reg)
{
	reg_mark_known(reg, 0);
	reg->type = SCALAR_VALUE;
	reg->precise = !env->bpf_capable;
}

void init_func_state(struct venv *env, struct func_state *state, int callsite,
		     uint32_t frameno, uint32_t subprogno)
{
	int i;

	state->callsite = callsite;
	state->frameno = frameno;
	state->subprogno = subprogno;
	state->callback_ret_range = (struct retval_range){ 0, 0, false };
	for (i = 0; i < MAX_BPF_REG; i++) {
		mark_reg_not_init(env, state->regs, (uint32_t)i);
		state->regs[i].subreg_def = DEF_NOT_SUBREG;
	}
	/* the frame pointer */
	state->regs[BPF_REG_FP].type = PTR_TO_STACK;
	mark_reg_known_zero(env, state->regs, BPF_REG_FP);
	state->regs[BPF_REG_FP].frameno = frameno;
	mark_verifier_state_scratched(env);
}

/* ---- jump history ----------------------------------------------------------- */

int push_jmp_history(struct venv *env, struct vstate *cur, uint32_t insn_flags,
		     uint64_t linked_regs)
{
	struct jmp_history_entry *p;
	uint32_t cnt;

	/* one entry per instruction: merge flags into the current one */
	if (env->cur_hist_ent) {
		env->cur_hist_ent->flags |= insn_flags;
		env->cur_hist_ent->linked_regs = linked_regs;
		return 0;
	}
	cnt = cur->jmp_history_cnt + 1;
	p = realloc(cur->jmp_history, cnt * sizeof(*p));
	if (!p)
		return -ENOMEM;
	cur->jmp_history = p;
	p = &cur->jmp_history[cnt - 1];
	p->idx = (uint32_t)env->insn_idx;
	p->prev_idx = (uint32_t)env->prev_insn_idx & 0xfffff;
	p->flags = insn_flags;
	p->linked_regs = linked_regs;
	cur->jmp_history_cnt = cnt;
	env->cur_hist_ent = p;
	return 0;
}

uint32_t frame_insn_idx(const struct vstate *st, uint32_t frame)
{
	return frame == st->curframe ? st->insn_idx : (uint32_t)st->frame[frame + 1]->callsite;
}

/* ---- comparisons ------------------------------------------------------------ */

/* old range contains cur range, in all four views */
static bool range_within(const struct reg_state *old, const struct reg_state *cur)
{
	return old->umin_value <= cur->umin_value && old->umax_value >= cur->umax_value &&
	       old->smin_value <= cur->smin_value && old->smax_value >= cur->smax_value &&
	       old->u32_min_value <= cur->u32_min_value &&
	       old->u32_max_value >= cur->u32_max_value &&
	       old->s32_min_value <= cur->s32_min_value &&
	       old->s32_max_value >= cur->s32_max_value;
}

/* Registers ids must map one-to-one from the old state to the current. */
static bool check_ids(uint32_t old_id, uint32_t cur_id, struct idmap *idmap)
{
	uint32_t i;

	if (!!old_id != !!cur_id)
		return false;
	if (old_id == 0)
		return true;
	for (i = 0; i < BPF_ID_MAP_SIZE; i++) {
		struct id_pair *m = &idmap->map[i];

		if (!m->old) {
			m->old = old_id;
			m->cur = cur_id;
			return true;
		}
		if (m->old == old_id)
			return m->cur == cur_id;
		if (m->cur == cur_id)
			return false;
	}
	return false;
}

/* As check_ids, with a fresh id standing for a missing one. */
/*
 * Scalar ids (Linux 6.18 stable). An old register without an id relied on
 * no link, so any current id is fine. A linked old register needs a
 * consistent mapping; a current register without an id gets a fresh one,
 * so that two independent current registers cannot both satisfy one old
 * link. With BPF_ADD_CONST the base ids (flag stripped) must map too.
 */
static bool check_scalar_ids(uint32_t old_id, uint32_t cur_id, struct idmap *idmap)
{
	if (!old_id)
		return true;
	cur_id = cur_id ? cur_id : ++idmap->tmp_id_gen;
	if (!check_ids(old_id, cur_id, idmap))
		return false;
	if (old_id & BPF_ADD_CONST)
		return check_ids(old_id & ~BPF_ADD_CONST, cur_id & ~BPF_ADD_CONST, idmap);
	return true;
}

/* Everything up to the ids: type, off, payload, var_off, bounds. */
static bool regs_prefix_equal(const struct reg_state *a, const struct reg_state *b)
{
	return a->type == b->type && a->off == b->off &&
	       !memcmp(&a->map_ptr, &b->map_ptr,
		       sizeof(struct reg_state) - offsetof(struct reg_state, map_ptr) -
		       (sizeof(struct reg_state) - offsetof(struct reg_state, var_off))) &&
	       a->var_off.value == b->var_off.value && a->var_off.mask == b->var_off.mask &&
	       a->smin_value == b->smin_value && a->smax_value == b->smax_value &&
	       a->umin_value == b->umin_value && a->umax_value == b->umax_value &&
	       a->s32_min_value == b->s32_min_value && a->s32_max_value == b->s32_max_value &&
	       a->u32_min_value == b->u32_min_value && a->u32_max_value == b->u32_max_value;
}

static bool regs_exact(const struct reg_state *rold, const struct reg_state *rcur,
		       struct idmap *idmap)
{
	return regs_prefix_equal(rold, rcur) && check_ids(rold->id, rcur->id, idmap) &&
	       check_ids(rold->ref_obj_id, rcur->ref_obj_id, idmap);
}

static bool regsafe(struct venv *env, const struct reg_state *rold,
		    const struct reg_state *rcur, struct idmap *idmap, int exact)
{
	(void)env;
	if (exact == EXACT)
		return regs_exact(rold, rcur, idmap);
	/* the explored continuation never read it */
	if (rold->type == NOT_INIT)
		return true;
	/* types, flags included, must match exactly */
	if (rold->type != rcur->type)
		return false;
	switch (base_type(rold->type)) {
	case SCALAR_VALUE:
		if (!rold->precise && exact == NOT_EXACT)
			return true;
		/* a link (with a delta) in the old state must be the same link
		 * now; links only in the current state merely add constraints */
		if ((rold->id & BPF_ADD_CONST) && !(rcur->id & BPF_ADD_CONST))
			return false;
		if (rold->id && !(rold->id & BPF_ADD_CONST) && (rcur->id & BPF_ADD_CONST))
			return false;
		if ((rold->id & BPF_ADD_CONST) && rold->off != rcur->off)
			return false;
		if (!check_scalar_ids(rold->id, rcur->id, idmap))
			return false;
		return range_within(rold, rcur) && tnum_in(rold->var_off, rcur->var_off);
	case PTR_TO_MAP_KEY:
	case PTR_TO_MAP_VALUE:
	case PTR_TO_MEM:
	case PTR_TO_BUF:
	case PTR_TO_TP_BUFFER:
		/* same object, current offsets within the old ones */
		return rold->off == rcur->off &&
		       !memcmp(&rold->map_ptr, &rcur->map_ptr,
			       offsetof(struct reg_state, var_off) - offsetof(struct reg_state, map_ptr)) &&
		       range_within(rold, rcur) && tnum_in(rold->var_off, rcur->var_off) &&
		       check_ids(rold->id, rcur->id, idmap) &&
		       check_ids(rold->ref_obj_id, rcur->ref_obj_id, idmap);
	case PTR_TO_PACKET_META:
	case PTR_TO_PACKET:
		/* at least as much range, same offset; the pkt_end markers
		 * (AT_PKT_END, BEYOND_PKT_END) only match themselves */
		if (rold->range < 0 || rcur->range < 0) {
			if (rold->range != rcur->range)
				return false;
		} else if (rold->range > rcur->range) {
			return false;
		}
		if (rold->off != rcur->off)
			return false;
		if (!check_ids(rold->id, rcur->id, idmap))
			return false;
		return range_within(rold, rcur) && tnum_in(rold->var_off, rcur->var_off);
	case PTR_TO_STACK:
		/* fp-8 of one frame is not fp-8 of another */
		return regs_exact(rold, rcur, idmap) && rold->frameno == rcur->frameno;
	case PTR_TO_ARENA:
		return true;
	default:
		return regs_exact(rold, rcur, idmap);
	}
}

static bool is_stack_all_misc(struct venv *env, const struct stack_slot *stack)
{
	int i;

	for (i = 0; i < BPF_REG_SIZE; i++) {
		if (stack->slot_type[i] == STACK_MISC ||
		    (stack->slot_type[i] == STACK_INVALID && env->allow_uninit_stack))
			continue;
		return false;
	}
	return true;
}

static const struct reg_state *scalar_reg_for_stack(struct venv *env,
						    const struct stack_slot *stack,
						    const struct reg_state *unbound)
{
	if (is_spilled_scalar_reg64(stack))
		return &stack->spilled_ptr;
	if (is_stack_all_misc(env, stack))
		return unbound;
	return NULL;
}

static bool stacksafe(struct venv *env, const struct func_state *old,
		      const struct func_state *cur, struct idmap *idmap, int exact)
{
	struct reg_state unbound;
	int i, spi;

	reg_mark_unknown_scalar(&unbound, false);
	/* only the slots the explored state had matter */
	for (i = 0; i < old->allocated_stack; i++) {
		const struct reg_state *old_reg, *cur_reg;
		uint8_t ot;

		spi = i / BPF_REG_SIZE;
		ot = old->stack[spi].slot_type[i % BPF_REG_SIZE];
		if (exact == EXACT &&
		    (i >= cur->allocated_stack ||
		     ot != cur->stack[spi].slot_type[i % BPF_REG_SIZE]))
			return false;
		if (ot == STACK_INVALID)
			continue;
		if (env->allow_uninit_stack && ot == STACK_MISC)
			continue;
		if (i >= cur->allocated_stack)
			return false;
		/* 64-bit scalar spill vs all-misc slot and vice versa */
		old_reg = scalar_reg_for_stack(env, &old->stack[spi], &unbound);
		cur_reg = scalar_reg_for_stack(env, &cur->stack[spi], &unbound);
		if (old_reg && cur_reg) {
			if (!regsafe(env, old_reg, cur_reg, idmap, exact))
				return false;
			i += BPF_REG_SIZE - 1;
			continue;
		}
		/* misc data was safe, so zeroes are too (not the reverse) */
		if (ot == STACK_MISC && cur->stack[spi].slot_type[i % BPF_REG_SIZE] == STACK_ZERO)
			continue;
		if (ot != cur->stack[spi].slot_type[i % BPF_REG_SIZE])
			return false;
		if (i % BPF_REG_SIZE != BPF_REG_SIZE - 1)
			continue;
		switch (old->stack[spi].slot_type[BPF_REG_SIZE - 1]) {
		case STACK_SPILL:
			if (!regsafe(env, &old->stack[spi].spilled_ptr, &cur->stack[spi].spilled_ptr,
				     idmap, exact))
				return false;
			break;
		case STACK_MISC:
		case STACK_ZERO:
		case STACK_INVALID:
			continue;
		default:
			return false;
		}
	}
	return true;
}

static bool refsafe(const struct vstate *old, const struct vstate *cur, struct idmap *idmap)
{
	uint32_t i;

	if (old->acquired_refs != cur->acquired_refs)
		return false;
	if (old->active_locks != cur->active_locks)
		return false;
	if (old->active_preempt_locks != cur->active_preempt_locks)
		return false;
	if (old->active_rcu_lock != cur->active_rcu_lock)
		return false;
	if (!check_ids(old->active_irq_id, cur->active_irq_id, idmap))
		return false;
	if (!check_ids(old->active_lock_id, cur->active_lock_id, idmap) ||
	    old->active_lock_ptr != cur->active_lock_ptr)
		return false;
	for (i = 0; i < old->acquired_refs; i++) {
		if (!check_ids(old->refs[i].id, cur->refs[i].id, idmap) ||
		    old->refs[i].type != cur->refs[i].type)
			return false;
		if ((old->refs[i].type == REF_TYPE_LOCK || old->refs[i].type == REF_TYPE_RES_LOCK) &&
		    old->refs[i].ptr != cur->refs[i].ptr)
			return false;
	}
	return true;
}

static bool func_states_equal(struct venv *env, const struct func_state *old,
			      const struct func_state *cur, uint32_t insn_idx, int exact)
{
	uint16_t live = env->aux[insn_idx].live_regs_before;
	int i;

	if (old->callback_depth > cur->callback_depth)
		return false;
	for (i = 0; i < MAX_BPF_REG; i++)
		if (((1U << i) & live) &&
		    !regsafe(env, &old->regs[i], &cur->regs[i], &env->idmap_scratch, exact))
			return false;
	return stacksafe(env, old, cur, &env->idmap_scratch, exact);
}

bool states_equal(struct venv *env, struct vstate *old, struct vstate *cur, int exact)
{
	uint32_t i;

	if (old->curframe != cur->curframe)
		return false;
	env->idmap_scratch.tmp_id_gen = env->id_gen;
	memset(env->idmap_scratch.map, 0, sizeof(env->idmap_scratch.map));
	/* a speculative state never prunes a real one */
	if (old->speculative && !cur->speculative)
		return false;
	if (old->in_sleepable != cur->in_sleepable)
		return false;
	if (!refsafe(old, cur, &env->idmap_scratch))
		return false;
	for (i = 0; i <= old->curframe; i++) {
		if (old->frame[i]->callsite != cur->frame[i]->callsite)
			return false;
		if (!func_states_equal(env, old->frame[i], cur->frame[i],
				       frame_insn_idx(old, i), exact))
			return false;
	}
	return true;
}

/* ---- loops: widening --------------------------------------------------------- */

static void maybe_widen_reg(struct venv *env, const struct reg_state *rold,
			    struct reg_state *rcur, struct idmap *idmap)
{
	if (rold->type != SCALAR_VALUE || rcur->type != SCALAR_VALUE)
		return;
	if (rold->precise || rcur->precise || regs_exact(rold, rcur, idmap))
		return;
	mark_reg_unknown_raw(env, rcur);
}

/*
 * A callback returning to its call site: the values an iteration changed
 * and nothing needs exactly forget their bounds, so that the next
 * iteration's state can be found equal to this one and the loop converges
 * (ctx->i++ in a bpf_loop callback, say).
 */
void widen_imprecise_scalars(struct venv *env, const struct vstate *old, struct vstate *cur)
{
	const struct func_state *fold;
	struct func_state *fcur;
	int fr, i, slots;

	env->idmap_scratch.tmp_id_gen = env->id_gen;
	memset(env->idmap_scratch.map, 0, sizeof(env->idmap_scratch.map));
	for (fr = (int)old->curframe; fr >= 0; fr--) {
		fold = old->frame[fr];
		fcur = cur->frame[fr];
		for (i = 0; i < MAX_BPF_REG; i++)
			maybe_widen_reg(env, &fold->regs[i], &fcur->regs[i], &env->idmap_scratch);
		slots = fold->allocated_stack < fcur->allocated_stack ? fold->allocated_stack :
									fcur->allocated_stack;
		for (i = 0; i < slots / BPF_REG_SIZE; i++) {
			if (!is_spilled_reg(&fold->stack[i]) || !is_spilled_reg(&fcur->stack[i]))
				continue;
			maybe_widen_reg(env, &fold->stack[i].spilled_ptr, &fcur->stack[i].spilled_ptr,
					&env->idmap_scratch);
		}
	}
}

/* ---- cleaning finished states --------------------------------------------- */

static bool same_callsites(const struct vstate *a, const struct vstate *b)
{
	int fr;

	if (a->curframe != b->curframe)
		return false;
	for (fr = (int)a->curframe; fr >= 0; fr--)
		if (a->frame[fr]->callsite != b->frame[fr]->callsite)
			return false;
	return true;
}

/* Dead registers of a finished state are forgotten (NOT_INIT compares
 * equal to anything). */
static void clean_func_state(struct venv *env, struct func_state *st, uint32_t ip)
{
	uint16_t live = env->aux[ip].live_regs_before;
	int i;

	for (i = 0; i < BPF_REG_FP; i++)
		if (!(live & (1U << i)))
			mark_reg_not_init(env, st->regs, (uint32_t)i);
	/* stack slots nothing may read any more (liveness.c) */
	for (i = 0; i < (int)(st->allocated_stack / BPF_REG_SIZE); i++) {
		if (live_stack_slot_alive(env, st->frameno, (uint32_t)i))
			continue;
		mark_reg_not_init_raw(&st->stack[i].spilled_ptr);
		memset(st->stack[i].slot_type, STACK_INVALID, BPF_REG_SIZE);
	}
}

void clean_live_states(struct venv *env, struct state_list *head, int insn, struct vstate *cur)
{
	struct state_list *sl;
	uint32_t i;

	for (sl = head; sl; sl = sl->next) {
		if (sl->state.branches)
			continue;
		if (sl->state.insn_idx != (uint32_t)insn || !same_callsites(&sl->state, cur))
			continue;
		if (sl->state.cleaned)
			continue;
		if (incomplete_read_marks(env, &sl->state))
			continue;
		if (live_stack_query_init(env, &sl->state))
			continue;
		sl->state.cleaned = true;
		for (i = 0; i <= sl->state.curframe; i++)
			clean_func_state(env, sl->state.frame[i], frame_insn_idx(&sl->state, i));
	}
}
