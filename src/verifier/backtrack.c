/*
 * backtrack.c - precision tracking, after the Linux 6.18 verifier
 * (__mark_chain_precision and backtrack_insn).
 *
 * Scalars start imprecise: state pruning may then treat any two values as
 * equal. When an exact value matters (a pointer offset, a helper size, a
 * decided branch), the registers and stack slots it was computed from are
 * found by walking the jump history backwards, instruction by instruction,
 * through the chain of parent states, and marked precise there, so that a
 * later state is pruned against them only if its value fits.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "verifier/env.h"

#define LR_FRAMENO_BITS 3
#define LR_SPI_BITS     6
#define LR_ENTRY_BITS   (LR_SPI_BITS + LR_FRAMENO_BITS + 1)
#define LR_SIZE_BITS    4
#define LR_FRAMENO_MASK ((1ULL << LR_FRAMENO_BITS) - 1)
#define LR_SPI_MASK     ((1ULL << LR_SPI_BITS) - 1)
#define LR_SIZE_MASK    ((1ULL << LR_SIZE_BITS) - 1)
#define LR_SPI_OFF      LR_FRAMENO_BITS
#define LR_IS_REG_OFF   (LR_SPI_BITS + LR_FRAMENO_BITS)

uint64_t linked_regs_pack(const struct linked_regs *s)
{
	uint64_t val = 0;
	int i;

	for (i = 0; i < s->cnt; i++) {
		const struct linked_reg *e = &s->entries[i];
		uint64_t tmp = e->frameno | ((uint64_t)e->spi << LR_SPI_OFF) |
			       ((uint64_t)(e->is_reg ? 1 : 0) << LR_IS_REG_OFF);

		val <<= LR_ENTRY_BITS;
		val |= tmp;
	}
	val <<= LR_SIZE_BITS;
	val |= (uint64_t)s->cnt;
	return val;
}

void linked_regs_unpack(uint64_t val, struct linked_regs *s)
{
	int i;

	s->cnt = (int)(val & LR_SIZE_MASK);
	val >>= LR_SIZE_BITS;
	for (i = 0; i < s->cnt; i++) {
		struct linked_reg *e = &s->entries[i];

		e->frameno = val & LR_FRAMENO_MASK;
		e->spi = (val >> LR_SPI_OFF) & LR_SPI_MASK;
		e->is_reg = (val >> LR_IS_REG_OFF) & 1;
		val >>= LR_ENTRY_BITS;
	}
}

/* ---- backtracking masks ----------------------------------------------------- */

static void bt_init(struct backtrack *bt, uint32_t frame)
{
	bt->frame = frame;
}

static void bt_reset(struct backtrack *bt)
{
	memset(bt, 0, sizeof(*bt));
}

static bool bt_empty(const struct backtrack *bt)
{
	uint64_t mask = 0;
	uint32_t i;

	for (i = 0; i <= bt->frame; i++)
		mask |= bt->reg_masks[i] | bt->stack_masks[i];
	return mask == 0;
}

void bt_set_frame_reg(struct backtrack *bt, uint32_t frame, uint32_t reg)
{
	bt->reg_masks[frame] |= 1U << reg;
}

void bt_set_frame_slot(struct backtrack *bt, uint32_t frame, uint32_t slot)
{
	bt->stack_masks[frame] |= 1ULL << slot;
}

static void bt_clear_frame_reg(struct backtrack *bt, uint32_t frame, uint32_t reg)
{
	bt->reg_masks[frame] &= ~(1U << reg);
}

static void bt_clear_frame_slot(struct backtrack *bt, uint32_t frame, uint32_t slot)
{
	bt->stack_masks[frame] &= ~(1ULL << slot);
}

static void bt_set_reg(struct backtrack *bt, uint32_t reg)
{
	bt_set_frame_reg(bt, bt->frame, reg);
}

static void bt_clear_reg(struct backtrack *bt, uint32_t reg)
{
	bt_clear_frame_reg(bt, bt->frame, reg);
}

static bool bt_is_reg_set(const struct backtrack *bt, uint32_t reg)
{
	return bt->reg_masks[bt->frame] & (1U << reg);
}

static bool bt_is_frame_reg_set(const struct backtrack *bt, uint32_t frame, uint32_t reg)
{
	return bt->reg_masks[frame] & (1U << reg);
}

static bool bt_is_frame_slot_set(const struct backtrack *bt, uint32_t frame, uint32_t slot)
{
	return bt->stack_masks[frame] & (1ULL << slot);
}

/* Backwards out of a subprogram into its caller's frame. */
static int bt_subprog_exit(struct venv *env, struct backtrack *bt)
{
	if (bt->frame == 0) {
		verbose(env, "verifier bug: subprog exit from frame 0\n");
		return -EFAULT;
	}
	bt->frame--;
	return 0;
}

/* "r0,r2,r4" */
static void fmt_reg_mask(char *buf, size_t sz, uint32_t mask)
{
	size_t n = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < 32 && n < sz; i++)
		if (mask & (1U << i))
			n += (size_t)snprintf(buf + n, sz - n, "%sr%d", n ? "," : "", i);
}

/* "-8,-24,-40" */
void fmt_stack_mask(char *buf, size_t sz, uint64_t mask)
{
	size_t n = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < 64 && n < sz; i++)
		if (mask & (1ULL << i))
			n += (size_t)snprintf(buf + n, sz - n, "%s%d", n ? "," : "", -(i + 1) * 8);
}

/* If one of the registers linked at this instruction is tracked, all are. */
static void bt_sync_linked_regs(struct backtrack *bt, const struct jmp_history_entry *hist)
{
	struct linked_regs lr;
	bool some = false;
	int i;

	if (!hist || hist->linked_regs == 0)
		return;
	linked_regs_unpack(hist->linked_regs, &lr);
	for (i = 0; i < lr.cnt; i++) {
		const struct linked_reg *e = &lr.entries[i];

		if ((e->is_reg && bt_is_frame_reg_set(bt, e->frameno, e->regno)) ||
		    (!e->is_reg && bt_is_frame_slot_set(bt, e->frameno, e->spi))) {
			some = true;
			break;
		}
	}
	if (!some)
		return;
	for (i = 0; i < lr.cnt; i++) {
		const struct linked_reg *e = &lr.entries[i];

		if (e->is_reg)
			bt_set_frame_reg(bt, e->frameno, e->regno);
		else
			bt_set_frame_slot(bt, e->frameno, e->spi);
	}
}

/* ---- one instruction backwards -------------------------------------------- */

static int backtrack_insn(struct venv *env, int idx, int subseq_idx,
			  const struct jmp_history_entry *hist, struct backtrack *bt)
{
	const struct hive_insn *insn = &env->insns[idx];
	uint8_t cls = HIVE_CLASS(insn->code), opcode = BPF_OP(insn->code), mode = BPF_MODE(insn->code);
	uint32_t dreg = insn->dst, sreg = insn->src, spi, fr, i;

	if (insn->code == 0)
		return 0;
	if (env->log.level & HIVE_LOG_LEVEL2) {
		fmt_reg_mask(env->tmp_str_buf, TMP_STR_BUF_LEN, bt->reg_masks[bt->frame]);
		verbose(env, "mark_precise: frame%d: regs=%s ", bt->frame, env->tmp_str_buf);
		fmt_stack_mask(env->tmp_str_buf, TMP_STR_BUF_LEN, bt->stack_masks[bt->frame]);
		verbose(env, "stack=%s before ", env->tmp_str_buf);
		verbose(env, "%d: ", idx);
		verbose_insn(env, insn);
	}
	bt_sync_linked_regs(bt, hist);

	if (cls == HIVE_ALU || cls == HIVE_ALU64) {
		if (!bt_is_reg_set(bt, dreg))
			return 0;
		if (opcode == HIVE_END || opcode == HIVE_NEG)
			return 0;
		if (opcode == HIVE_MOV) {
			/* the value came from sreg (or an immediate) */
			bt_clear_reg(bt, dreg);
			if (BPF_SRC(insn->code) == HIVE_X && sreg != BPF_REG_FP)
				bt_set_reg(bt, sreg);
		} else if (BPF_SRC(insn->code) == HIVE_X && sreg != BPF_REG_FP) {
			bt_set_reg(bt, sreg);
		}
	} else if (cls == HIVE_LDX ||
		   (cls == HIVE_STX && mode == HIVE_ATOMIC &&
		    (insn->imm == 0x100 || (insn->imm & HIVE_FETCH)))) {
		/* a load: ldx, load_acquire, or the old value an atomic
		 * fetch leaves in sreg (r0 for cmpxchg) */
		uint32_t load_reg = dreg;

		if (cls == HIVE_STX && (insn->imm & HIVE_FETCH))
			load_reg = insn->imm == HIVE_CMPXCHG ? 0 : sreg;
		if (!bt_is_reg_set(bt, load_reg))
			return 0;
		bt_clear_reg(bt, load_reg);
		/* only a fill from the stack carries the value further */
		if (!hist || !(hist->flags & INSN_F_STACK_ACCESS))
			return 0;
		spi = (uint32_t)insn_stack_access_spi((int)hist->flags);
		fr = (uint32_t)insn_stack_access_frameno((int)hist->flags);
		bt_set_frame_slot(bt, fr, spi);
	} else if (cls == HIVE_STX || cls == HIVE_ST) {
		if (bt_is_reg_set(bt, dreg))
			/* a scalar used as a store address: pointer subtraction */
			return -ENOTSUPP_;
		if (!hist || !(hist->flags & INSN_F_STACK_ACCESS))
			return 0;
		spi = (uint32_t)insn_stack_access_spi((int)hist->flags);
		fr = (uint32_t)insn_stack_access_frameno((int)hist->flags);
		if (!bt_is_frame_slot_set(bt, fr, spi))
			return 0;
		bt_clear_frame_slot(bt, fr, spi);
		if (cls == HIVE_STX)
			bt_set_reg(bt, sreg);
	} else if (cls == HIVE_JMP || cls == HIVE_JMP32) {
		if (bpf_pseudo_call(insn) &&
		    subprog_is_global(env, (uint32_t)find_subprog(env, idx + insn->imm + 1))) {
			/* a global subprogram was not entered: it set r0 and
			 * clobbered r1-r5 */
			if (subseq_idx != idx + 1) {
				verbose(env, "verifier bug: extra insn from subprog\n");
				return -EFAULT;
			}
			if (bt->reg_masks[bt->frame] & BPF_REGMASK_ARGS) {
				verbose(env, "verifier bug: global subprog unexpected regs %x\n",
					bt->reg_masks[bt->frame]);
				return -EFAULT;
			}
			bt_clear_reg(bt, 0);
			return 0;
		} else if (bpf_pseudo_call(insn)) {
			/* entering a static subprogram backwards: only its
			 * arguments may still be wanted, in the caller */
			if (bt->reg_masks[bt->frame] & ~BPF_REGMASK_ARGS) {
				verbose(env, "verifier bug: static subprog unexpected regs %x\n",
					bt->reg_masks[bt->frame]);
				return -EFAULT;
			}
			if (bt->stack_masks[bt->frame]) {
				verbose(env, "verifier bug: static subprog leftover stack slots %llx\n",
					(unsigned long long)bt->stack_masks[bt->frame]);
				return -EFAULT;
			}
			for (i = 1; i <= 5; i++) {
				if (bt_is_reg_set(bt, i)) {
					bt_clear_reg(bt, i);
					bt_set_frame_reg(bt, bt->frame - 1, i);
				}
			}
			return bt_subprog_exit(env, bt);
		} else if (env->aux[idx].calls_callback && idx != subseq_idx - 1) {
			/* entering a callback backwards (bpf_loop & co): r1-r5
			 * were set by the helper, not passed by the caller */
			if (bt->reg_masks[bt->frame] & ~BPF_REGMASK_ARGS) {
				verbose(env, "verifier bug: callback unexpected regs %x\n",
					bt->reg_masks[bt->frame]);
				return -EFAULT;
			}
			if (bt->stack_masks[bt->frame]) {
				verbose(env, "verifier bug: callback leftover stack slots %llx\n",
					(unsigned long long)bt->stack_masks[bt->frame]);
				return -EFAULT;
			}
			for (i = 1; i <= 5; i++)
				bt_clear_reg(bt, i);
			return bt_subprog_exit(env, bt);
		} else if (opcode == HIVE_CALL) {
			/* a helper sets r0 and needs nothing of r1-r5 here */
			bt_clear_reg(bt, 0);
			if (bt->reg_masks[bt->frame] & BPF_REGMASK_ARGS) {
				verbose(env, "verifier bug: backtracking call unexpected regs %x\n",
					bt->reg_masks[bt->frame]);
				return -EFAULT;
			}
		} else if (opcode == HIVE_EXIT) {
			bool r0_precise;

			/* after a subprogram r1-r5 are clobbered, but a callback
			 * returns to the helper call, which reads them */
			if ((bt->reg_masks[bt->frame] & BPF_REGMASK_ARGS) &&
			    !(subseq_idx >= 0 && env->aux[subseq_idx].calls_callback)) {
				verbose(env, "verifier bug: backtracking exit unexpected regs %x\n",
					bt->reg_masks[bt->frame]);
				return -EFAULT;
			}
			/* back into the callee: r0 came from its exit */
			r0_precise = subseq_idx - 1 >= 0 &&
				     bpf_pseudo_call(&env->insns[subseq_idx - 1]) &&
				     bt_is_reg_set(bt, 0);
			bt_clear_reg(bt, 0);
			if (bt->frame == MAX_CALL_FRAMES - 1) {
				verbose(env, "verifier bug: subprog enter from frame %d\n", bt->frame);
				return -EFAULT;
			}
			bt->frame++;
			if (r0_precise)
				bt_set_reg(bt, 0);
			return 0;
		} else if (BPF_SRC(insn->code) == HIVE_X) {
			if (!bt_is_reg_set(bt, dreg) && !bt_is_reg_set(bt, sreg))
				return 0;
			/* both compared registers decided the branch */
			if (!hist || !(hist->flags & INSN_F_SRC_REG_STACK))
				bt_set_reg(bt, sreg);
			if (!hist || !(hist->flags & INSN_F_DST_REG_STACK))
				bt_set_reg(bt, dreg);
		}
	} else if (cls == HIVE_LD) {
		if (!bt_is_reg_set(bt, dreg))
			return 0;
		bt_clear_reg(bt, dreg);
		if (mode == HIVE_IND || mode == HIVE_ABS)
			return -ENOTSUPP_;
	}
	bt_sync_linked_regs(bt, hist);
	return 0;
}

/* ---- marking -------------------------------------------------------------------- */

void mark_all_scalars_precise(struct venv *env, struct vstate *st)
{
	struct func_state *func;
	struct reg_state *reg;
	uint32_t i;
	int j;

	if (env->log.level & HIVE_LOG_LEVEL2)
		verbose(env, "mark_precise: frame%d: falling back to forcing all scalars precise\n",
			st->curframe);
	for (st = st->parent; st; st = st->parent) {
		for (i = 0; i <= st->curframe; i++) {
			func = st->frame[i];
			for (j = 0; j < BPF_REG_FP; j++) {
				reg = &func->regs[j];
				if (reg->type != SCALAR_VALUE || reg->precise)
					continue;
				reg->precise = true;
				if (env->log.level & HIVE_LOG_LEVEL2)
					verbose(env, "force_precise: frame%d: forcing r%d to be precise\n",
						i, j);
			}
			for (j = 0; j < func->allocated_stack / BPF_REG_SIZE; j++) {
				if (!is_spilled_reg(&func->stack[j]))
					continue;
				reg = &func->stack[j].spilled_ptr;
				if (reg->type != SCALAR_VALUE || reg->precise)
					continue;
				reg->precise = true;
				if (env->log.level & HIVE_LOG_LEVEL2)
					verbose(env, "force_precise: frame%d: forcing fp%d to be precise\n",
						i, -(j + 1) * 8);
			}
		}
	}
}

void mark_all_scalars_imprecise(struct venv *env, struct vstate *st)
{
	uint32_t i;
	int j;

	(void)env;
	for (i = 0; i <= st->curframe; i++) {
		struct func_state *func = st->frame[i];

		for (j = 0; j < BPF_REG_FP; j++)
			if (func->regs[j].type == SCALAR_VALUE)
				func->regs[j].precise = false;
		for (j = 0; j < func->allocated_stack / BPF_REG_SIZE; j++)
			if (is_spilled_reg(&func->stack[j]) &&
			    func->stack[j].spilled_ptr.type == SCALAR_VALUE)
				func->stack[j].spilled_ptr.precise = false;
	}
}

static int get_prev_insn_idx(const struct vstate *st, int i, uint32_t *history)
{
	uint32_t cnt = *history;

	if (i == (int)st->first_insn_idx) {
		if (cnt == 0)
			return -ENOENT;
		if (cnt == 1 && st->jmp_history[0].idx == (uint32_t)i)
			return -ENOENT;
	}
	if (cnt && st->jmp_history[cnt - 1].idx == (uint32_t)i) {
		i = (int)st->jmp_history[cnt - 1].prev_idx;
		(*history)--;
	} else {
		i--;
	}
	return i;
}

static const struct jmp_history_entry *get_jmp_hist_entry(const struct vstate *st,
							   uint32_t hist_end, int insn_idx)
{
	if (hist_end > 0 && st->jmp_history[hist_end - 1].idx == (uint32_t)insn_idx)
		return &st->jmp_history[hist_end - 1];
	return NULL;
}

static int mark_chain(struct venv *env, struct vstate *starting_state, int regno, bool *changed)
{
	struct backtrack *bt = &env->bt;
	struct vstate *st = starting_state;
	int first_idx = (int)st->first_insn_idx, last_idx = (int)st->insn_idx, subseq_idx = -1;
	bool skip_first = true;
	struct func_state *func;
	struct reg_state *reg;
	int i, err;
	uint32_t fr;

	if (!env->bpf_capable)
		return 0;
	bt_init(bt, starting_state->curframe);
	func = st->frame[bt->frame];
	if (regno >= 0) {
		reg = &func->regs[regno];
		if (reg->type != SCALAR_VALUE) {
			verbose(env, "verifier bug: backtracking misuse\n");
			return -EFAULT;
		}
		bt_set_reg(bt, (uint32_t)regno);
	}
	if (bt_empty(bt))
		return 0;
	for (;;) {
		uint32_t history = st->jmp_history_cnt;

		if (env->log.level & HIVE_LOG_LEVEL2)
			verbose(env, "mark_precise: frame%d: last_idx %d first_idx %d subseq_idx %d \n",
				bt->frame, last_idx, first_idx, subseq_idx);
		if (last_idx < 0) {
			/* the entry of a global function verified on its own:
			 * wanted arguments are its R1-R5, which are final */
			if (st->curframe == 0 && st->frame[0]->subprogno > 0 &&
			    st->frame[0]->callsite == BPF_MAIN_FUNC && !bt->stack_masks[0] &&
			    !(bt->reg_masks[0] & ~BPF_REGMASK_ARGS)) {
				for (i = 1; i <= 5; i++) {
					if (!bt_is_reg_set(bt, (uint32_t)i))
						continue;
					bt_clear_reg(bt, (uint32_t)i);
					reg = &st->frame[0]->regs[i];
					if (reg->type == SCALAR_VALUE) {
						reg->precise = true;
						*changed = true;
					}
				}
				return 0;
			}
			verbose(env, "verifier bug: backtracking func entry subprog %d reg_mask %x stack_mask %llx\n",
				st->frame[0]->subprogno, bt->reg_masks[bt->frame],
				(unsigned long long)bt->stack_masks[bt->frame]);
			return -EFAULT;
		}
		for (i = last_idx;;) {
			if (skip_first) {
				err = 0;
				skip_first = false;
			} else {
				err = backtrack_insn(env, i, subseq_idx,
						     get_jmp_hist_entry(st, history, i), bt);
			}
			if (err == -ENOTSUPP_) {
				mark_all_scalars_precise(env, starting_state);
				bt_reset(bt);
				return 0;
			} else if (err) {
				return err;
			}
			if (bt_empty(bt))
				return 0;
			subseq_idx = i;
			i = get_prev_insn_idx(st, i, &history);
			if (i == -ENOENT)
				break;
			if (i >= (int)env->len) {
				verbose(env, "verifier bug: backtracking idx %d\n", i);
				return -EFAULT;
			}
		}
		st = st->parent;
		if (!st)
			break;
		for (fr = bt->frame + 1; fr-- > 0;) {
			uint32_t rmask = bt->reg_masks[fr];
			uint64_t smask = bt->stack_masks[fr];
			int k;

			func = st->frame[fr];
			for (k = 0; k < 32; k++) {
				if (!(rmask & (1U << k)))
					continue;
				reg = &func->regs[k];
				if (reg->type != SCALAR_VALUE) {
					bt_clear_frame_reg(bt, fr, (uint32_t)k);
					continue;
				}
				if (reg->precise) {
					bt_clear_frame_reg(bt, fr, (uint32_t)k);
				} else {
					reg->precise = true;
					*changed = true;
				}
			}
			for (k = 0; k < 64; k++) {
				if (!(smask & (1ULL << k)))
					continue;
				if (k >= func->allocated_stack / BPF_REG_SIZE) {
					verbose(env, "verifier bug: stack slot %d, total slots %d\n", k,
						func->allocated_stack / BPF_REG_SIZE);
					return -EFAULT;
				}
				if (!is_spilled_scalar_reg(&func->stack[k])) {
					bt_clear_frame_slot(bt, fr, (uint32_t)k);
					continue;
				}
				reg = &func->stack[k].spilled_ptr;
				if (reg->precise) {
					bt_clear_frame_slot(bt, fr, (uint32_t)k);
				} else {
					reg->precise = true;
					*changed = true;
				}
			}
			if (env->log.level & HIVE_LOG_LEVEL2) {
				fmt_reg_mask(env->tmp_str_buf, TMP_STR_BUF_LEN, bt->reg_masks[fr]);
				verbose(env, "mark_precise: frame%d: parent state regs=%s ", fr,
					env->tmp_str_buf);
				fmt_stack_mask(env->tmp_str_buf, TMP_STR_BUF_LEN, bt->stack_masks[fr]);
				verbose(env, "stack=%s: ", env->tmp_str_buf);
				print_verifier_state(env, st, fr, true);
			}
		}
		if (bt_empty(bt))
			return 0;
		subseq_idx = first_idx;
		last_idx = (int)st->last_insn_idx;
		first_idx = (int)st->first_insn_idx;
	}
	/* something was missed (e.g. a stack access through a copy of r10) */
	if (!bt_empty(bt)) {
		mark_all_scalars_precise(env, starting_state);
		bt_reset(bt);
	}
	return 0;
}

int mark_chain_precision(struct venv *env, int regno)
{
	bool changed;

	return mark_chain(env, env->cur_state, regno, &changed);
}

int mark_chain_precision_batch(struct venv *env, struct vstate *starting_state)
{
	bool changed;

	return mark_chain(env, starting_state, -1, &changed);
}

int propagate_precision(struct venv *env, const struct vstate *old, struct vstate *cur,
			bool *changed)
{
	bool tmp;

	const struct func_state *state;
	const struct reg_state *r;
	bool first;
	int i, fr;

	for (fr = (int)old->curframe; fr >= 0; fr--) {
		state = old->frame[fr];
		first = true;
		for (i = 0; i < BPF_REG_FP; i++) {
			r = &state->regs[i];
			if (r->type != SCALAR_VALUE || !r->precise)
				continue;
			if (env->log.level & HIVE_LOG_LEVEL2) {
				if (first)
					verbose(env, "frame %d: propagating r%d", fr, i);
				else
					verbose(env, ",r%d", i);
			}
			bt_set_frame_reg(&env->bt, (uint32_t)fr, (uint32_t)i);
			first = false;
		}
		for (i = 0; i < state->allocated_stack / BPF_REG_SIZE; i++) {
			if (!is_spilled_reg(&state->stack[i]))
				continue;
			r = &state->stack[i].spilled_ptr;
			if (r->type != SCALAR_VALUE || !r->precise)
				continue;
			if (env->log.level & HIVE_LOG_LEVEL2) {
				if (first)
					verbose(env, "frame %d: propagating fp%d", fr, (-i - 1) * 8);
				else
					verbose(env, ",fp%d", (-i - 1) * 8);
			}
			bt_set_frame_slot(&env->bt, (uint32_t)fr, (uint32_t)i);
			first = false;
		}
		if (!first)
			verbose(env, "\n");
	}
	return mark_chain(env, cur, -1, changed ? changed : &tmp);
}
