/*
 * liveness.c - which stack slots may still be read (Linux 6.18's
 * callchain-sensitive stack liveness, kernel/bpf/liveness.c).
 *
 * While do_check() walks the program, every stack access is reported here:
 * reads as "may_read" slots of the instruction, full 8-byte writes as
 * "must_write" slots (the intersection over all visits). The marks are
 * kept per function instance, i.e. per call chain (the call instructions
 * leading to the subprogram plus its first instruction), and per frame of
 * that chain, since a callee can touch its callers' stacks.
 *
 * When a path ends (an exit, before popping the next branch) the instances
 * of the current call chain are brought to a fixed point with the textbook
 * equations, iterating over the subprogram's instructions in postorder:
 *
 *   live_after  = union of live_before of the successors
 *   live_before = (live_after - must_write) + may_read
 *   must_write_acc = (intersection over successors) + must_write
 *
 * and a callee's entry marks are folded into its call instruction in the
 * caller's instance. A finished state's stack slots that are not live at
 * its instruction are then forgotten (clean_func_state), which is what lets
 * more states prune each other. Only the complexity, never the verdict of a
 * safe program, depends on this.
 *
 * Level-2 logs show every change as "(callchain) frame F insn I +live ..."
 * and "(callchain) live stack update done in N iterations", as the kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verifier/env.h"

struct callchain {
	uint32_t callsites[MAX_CALL_FRAMES];   /* call insn per frame; subprog start last */
	uint32_t sp_starts[MAX_CALL_FRAMES];   /* first insn of each frame's subprogram */
	uint32_t curframe;
};

struct frame_masks {
	uint64_t may_read;        /* slots this instruction may read */
	uint64_t must_write;      /* slots it writes on every visit */
	uint64_t must_write_acc;  /* slots it or all its continuations write */
	uint64_t live_before;     /* slots it or a successor may read */
};

struct func_instance {
	struct func_instance *next;        /* hash chain */
	struct callchain cc;
	uint32_t insn_cnt;
	bool updated;
	bool must_write_dropped;
	struct frame_masks *frames[MAX_CALL_FRAMES];
	bool *must_write_set;              /* per insn: must_write initialised */
};

#define LIVE_BUCKETS 256

struct live_stack {
	struct func_instance *buckets[LIVE_BUCKETS];
	struct {
		struct func_instance *instances[MAX_CALL_FRAMES];
		uint32_t curframe;
		uint32_t insn_idx;
	} query;
	struct func_instance *cur_instance;   /* the call chain of env->cur_state */
	uint64_t write_masks_acc[MAX_CALL_FRAMES];
	uint32_t write_insn_idx;
};

static void compute_callchain(struct venv *env, const struct vstate *st, struct callchain *cc,
			      uint32_t frameno)
{
	uint32_t i;

	memset(cc, 0, sizeof(*cc));
	for (i = 0; i <= frameno; i++) {
		cc->sp_starts[i] = env->subprog_info[st->frame[i]->subprogno].start;
		if (i < st->curframe)
			cc->callsites[i] = (uint32_t)st->frame[i + 1]->callsite;
	}
	cc->curframe = frameno;
	cc->callsites[frameno] = cc->sp_starts[frameno];
}

static uint32_t hash_callchain(const struct callchain *cc)
{
	uint32_t h = 2166136261u, i;

	for (i = 0; i <= cc->curframe; i++)
		h = (h ^ cc->callsites[i]) * 16777619u;
	return h % LIVE_BUCKETS;
}

static bool same_chain(const struct callchain *a, const struct callchain *b)
{
	uint32_t i;

	if (a->curframe != b->curframe)
		return false;
	for (i = 0; i <= a->curframe; i++)
		if (a->callsites[i] != b->callsites[i])
			return false;
	return true;
}

/* The instance of @cc, created on first use. NULL when out of memory. */
static struct func_instance *instance_of(struct venv *env, const struct callchain *cc)
{
	struct live_stack *ls = env->live_stack;
	uint32_t key = hash_callchain(cc), start = cc->sp_starts[cc->curframe], sub;
	struct func_instance *f;

	for (f = ls->buckets[key]; f; f = f->next)
		if (same_chain(&f->cc, cc))
			return f;
	sub = (uint32_t)find_subprog(env, (int)start);
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->insn_cnt = env->subprog_info[sub + 1].start - env->subprog_info[sub].start;
	f->must_write_set = calloc(f->insn_cnt ? f->insn_cnt : 1, sizeof(bool));
	if (!f->must_write_set) {
		free(f);
		return NULL;
	}
	f->cc = *cc;
	f->next = ls->buckets[key];
	ls->buckets[key] = f;
	return f;
}

static struct func_instance *lookup_instance(struct venv *env, const struct vstate *st,
					     uint32_t frameno)
{
	struct callchain cc;

	compute_callchain(env, st, &cc, frameno);
	return instance_of(env, &cc);
}

int live_stack_init(struct venv *env)
{
	env->live_stack = calloc(1, sizeof(*env->live_stack));
	return env->live_stack ? 0 : -ENOMEM;
}

void live_stack_free(struct venv *env)
{
	struct live_stack *ls = env->live_stack;
	struct func_instance *f, *n;
	uint32_t b, i;

	if (!ls)
		return;
	for (b = 0; b < LIVE_BUCKETS; b++) {
		for (f = ls->buckets[b]; f; f = n) {
			n = f->next;
			for (i = 0; i < MAX_CALL_FRAMES; i++)
				free(f->frames[i]);
			free(f->must_write_set);
			free(f);
		}
	}
	free(ls);
	env->live_stack = NULL;
}

static uint32_t relative_idx(const struct func_instance *f, uint32_t insn_idx)
{
	return insn_idx - f->cc.sp_starts[f->cc.curframe];
}

static struct frame_masks *frame_masks(struct func_instance *f, uint32_t frame, uint32_t insn_idx)
{
	uint32_t rel = relative_idx(f, insn_idx);

	if (!f->frames[frame] || rel >= f->insn_cnt)
		return NULL;
	return &f->frames[frame][rel];
}

static struct frame_masks *alloc_frame_masks(struct func_instance *f, uint32_t frame,
					     uint32_t insn_idx)
{
	if (!f->frames[frame]) {
		f->frames[frame] = calloc(f->insn_cnt ? f->insn_cnt : 1, sizeof(struct frame_masks));
		if (!f->frames[frame])
			return NULL;
	}
	return frame_masks(f, frame, insn_idx);
}

void live_stack_reset_callchain(struct venv *env)
{
	env->live_stack->cur_instance = NULL;
}

static int ensure_cur_instance(struct venv *env)
{
	struct live_stack *ls = env->live_stack;

	if (ls->cur_instance)
		return 0;
	ls->cur_instance = lookup_instance(env, env->cur_state, env->cur_state->curframe);
	return ls->cur_instance ? 0 : -ENOMEM;
}

static int mark_read(struct func_instance *f, uint32_t frame, uint32_t insn_idx, uint64_t mask)
{
	struct frame_masks *m = alloc_frame_masks(f, frame, insn_idx);
	uint64_t now;

	if (!m)
		return -ENOMEM;
	now = m->may_read | mask;
	/* only news beyond what is already live needs a new fixed point */
	if (now != m->may_read && (now | m->live_before) != m->live_before)
		f->updated = true;
	m->may_read = now;
	return 0;
}

int live_stack_mark_read(struct venv *env, uint32_t frame, uint32_t insn_idx, uint64_t mask)
{
	int err = ensure_cur_instance(env);

	return err ? err : mark_read(env->live_stack->cur_instance, frame, insn_idx, mask);
}

static void reset_write_marks(struct venv *env, const struct func_instance *f, uint32_t insn_idx)
{
	struct live_stack *ls = env->live_stack;
	uint32_t i;

	ls->write_insn_idx = insn_idx;
	for (i = 0; i <= f->cc.curframe; i++)
		ls->write_masks_acc[i] = 0;
}

int live_stack_reset_write_marks(struct venv *env, uint32_t insn_idx)
{
	int err = ensure_cur_instance(env);

	if (err)
		return err;
	reset_write_marks(env, env->live_stack->cur_instance, insn_idx);
	return 0;
}

void live_stack_mark_write(struct venv *env, uint32_t frame, uint64_t mask)
{
	env->live_stack->write_masks_acc[frame] |= mask;
}

/* The writes of one instruction visit: intersected with earlier visits. */
static int commit_write_marks(struct venv *env, struct func_instance *f)
{
	struct live_stack *ls = env->live_stack;
	uint32_t idx, frame;
	struct frame_masks *m;
	uint64_t mask, old;

	if (!f)
		return 0;
	idx = relative_idx(f, ls->write_insn_idx);
	for (frame = 0; frame <= f->cc.curframe; frame++) {
		mask = ls->write_masks_acc[frame];
		if (mask == 0 && !f->must_write_set[idx])
			continue;
		m = alloc_frame_masks(f, frame, ls->write_insn_idx);
		if (!m)
			return -ENOMEM;
		old = m->must_write;
		if (f->must_write_set[idx])
			mask &= old;
		if (old != mask) {
			m->must_write = mask;
			f->updated = true;
		}
		if (old & ~mask)
			f->must_write_dropped = true;
	}
	f->must_write_set[idx] = true;
	ls->write_insn_idx = 0;
	return 0;
}

int live_stack_commit_write_marks(struct venv *env)
{
	return commit_write_marks(env, env->live_stack->cur_instance);
}

static const char *fmt_callchain(struct venv *env, const struct callchain *cc)
{
	char *buf = env->tmp_str_buf;
	size_t n = 0;
	uint32_t i;

	n += (size_t)snprintf(buf + n, TMP_STR_BUF_LEN - n, "(");
	for (i = 0; i <= cc->curframe && n < TMP_STR_BUF_LEN; i++)
		n += (size_t)snprintf(buf + n, TMP_STR_BUF_LEN - n, "%s%u", i ? "," : "",
				      cc->callsites[i]);
	if (n < TMP_STR_BUF_LEN)
		snprintf(buf + n, TMP_STR_BUF_LEN - n, ")");
	return buf;
}

static void log_mask_change(struct venv *env, const struct callchain *cc, const char *pfx,
			    uint32_t frame, uint32_t insn_idx, uint64_t old, uint64_t now)
{
	uint64_t changed = old ^ now, ones = now & changed, zeros = ~now & changed;

	if (!changed)
		return;
	verbose(env, "%s frame %u insn %u ", fmt_callchain(env, cc), frame, insn_idx);
	if (ones) {
		fmt_stack_mask(env->tmp_str_buf, TMP_STR_BUF_LEN, ones);
		verbose(env, "+%s %s ", pfx, env->tmp_str_buf);
	}
	if (zeros) {
		fmt_stack_mask(env->tmp_str_buf, TMP_STR_BUF_LEN, zeros);
		verbose(env, "-%s %s", pfx, env->tmp_str_buf);
	}
	verbose(env, "\n");
}

/* Bring the marks of @f's callee entry into the call instruction of its caller. */
static int propagate_to_outer(struct venv *env, struct func_instance *f)
{
	struct callchain cc = f->cc;
	uint32_t start = f->cc.sp_starts[f->cc.curframe], callsite, frame;
	struct func_instance *outer;
	struct frame_masks *m;
	int err;

	cc.callsites[cc.curframe] = 0;
	cc.sp_starts[cc.curframe] = 0;
	cc.curframe--;
	cc.callsites[cc.curframe] = cc.sp_starts[cc.curframe];
	outer = instance_of(env, &cc);
	if (!outer)
		return -ENOMEM;
	callsite = f->cc.callsites[f->cc.curframe - 1];
	reset_write_marks(env, outer, callsite);
	for (frame = 0; frame < f->cc.curframe; frame++) {
		m = frame_masks(f, frame, start);
		if (!m)
			continue;
		live_stack_mark_write(env, frame, m->must_write_acc);
		err = mark_read(outer, frame, callsite, m->live_before);
		if (err)
			return err;
	}
	return commit_write_marks(env, outer);
}

static bool may_exit(const struct hive_insn *insn)
{
	uint8_t mode = BPF_MODE(insn->code);

	if (HIVE_CLASS(insn->code) == HIVE_LD && (mode == HIVE_ABS || mode == HIVE_IND))
		return true;
	return insn->code == (HIVE_JMP | HIVE_CALL) && insn->src == 0 && insn->imm == 12;
}

static bool update_insn(struct venv *env, struct func_instance *f, uint32_t frame,
			uint32_t insn_idx)
{
	uint64_t before, after = 0, acc = ~0ULL;
	struct frame_masks *m, *s;
	uint32_t succ[2];
	bool changed;
	int n, i;

	n = insn_successors(env, insn_idx, succ);
	if (n == 0)
		return false;
	m = frame_masks(f, frame, insn_idx);
	if (!m)
		return false;
	for (i = 0; i < n; i++) {
		s = frame_masks(f, frame, succ[i]);
		if (!s)
			continue;
		after |= s->live_before;
		acc &= s->must_write_acc;
	}
	/* LD_ABS/LD_IND and bpf_tail_call may leave the program right there:
	 * nothing after them is sure to be written */
	if (may_exit(&env->insns[insn_idx]))
		acc = 0;
	acc |= m->must_write;
	before = (after & ~m->must_write) | m->may_read;
	changed = before != m->live_before || acc != m->must_write_acc;
	if ((env->log.level & HIVE_LOG_LEVEL2) &&
	    (m->may_read || m->must_write || insn_idx == f->cc.sp_starts[f->cc.curframe] ||
	     env->aux[insn_idx].prune_point)) {
		log_mask_change(env, &f->cc, "live", frame, insn_idx, m->live_before, before);
		log_mask_change(env, &f->cc, "written", frame, insn_idx, m->must_write_acc, acc);
	}
	m->live_before = before;
	m->must_write_acc = acc;
	return changed;
}

static int update_instance(struct venv *env, struct func_instance *f)
{
	uint32_t start = f->cc.sp_starts[f->cc.curframe], frame, i, po_start, po_end, cnt = 0;
	int sub = find_subprog(env, (int)start);
	bool changed;

	/* smaller must_write sets: the accumulated ones start over */
	if (f->must_write_dropped)
		for (frame = 0; frame <= f->cc.curframe; frame++)
			for (i = 0; f->frames[frame] && i < f->insn_cnt; i++)
				f->frames[frame][i].must_write_acc = 0;
	po_start = env->subprog_info[sub].postorder_start;
	po_end = env->subprog_info[sub + 1].postorder_start;
	do {
		cnt++;
		changed = false;
		for (frame = 0; frame <= f->cc.curframe; frame++) {
			if (!f->frames[frame])
				continue;
			for (i = po_start; i < po_end; i++)
				changed |= update_insn(env, f, frame, (uint32_t)env->insn_postorder[i]);
		}
	} while (changed);
	if (env->log.level & HIVE_LOG_LEVEL2)
		verbose(env, "%s live stack update done in %u iterations\n",
			fmt_callchain(env, &f->cc), cnt);
	return f->cc.curframe > 0 ? propagate_to_outer(env, f) : 0;
}

int live_stack_update(struct venv *env)
{
	struct func_instance *f;
	int frame, err;

	live_stack_reset_callchain(env);
	for (frame = (int)env->cur_state->curframe; frame >= 0; frame--) {
		f = lookup_instance(env, env->cur_state, (uint32_t)frame);
		if (!f)
			return -ENOMEM;
		if (f->updated) {
			err = update_instance(env, f);
			if (err)
				return err;
			f->updated = false;
			f->must_write_dropped = false;
		}
	}
	return 0;
}

int live_stack_query_init(struct venv *env, const struct vstate *st)
{
	struct live_stack *ls = env->live_stack;
	uint32_t frame;

	memset(&ls->query, 0, sizeof(ls->query));
	for (frame = 0; frame <= st->curframe; frame++) {
		ls->query.instances[frame] = lookup_instance(env, st, frame);
		if (!ls->query.instances[frame])
			return -ENOMEM;
	}
	ls->query.curframe = st->curframe;
	ls->query.insn_idx = st->insn_idx;
	return 0;
}

static bool live_before(struct func_instance *f, uint32_t insn_idx, uint32_t frame, uint32_t spi)
{
	struct frame_masks *m = frame_masks(f, frame, insn_idx);

	return m && (m->live_before & (1ULL << spi));
}

bool live_stack_slot_alive(struct venv *env, uint32_t frameno, uint32_t spi)
{
	struct live_stack *ls = env->live_stack;
	struct func_instance *cur = ls->query.instances[ls->query.curframe];
	uint32_t i, callsite;

	if (!cur)
		return true;
	if (live_before(cur, ls->query.insn_idx, frameno, spi))
		return true;
	/* or live after the call that is still to return to frame i (before
	 * it, for a callback: the helper call runs again) */
	for (i = frameno; i < ls->query.curframe; i++) {
		callsite = cur->cc.callsites[i];
		if (live_before(ls->query.instances[i],
				env->aux[callsite].calls_callback ? callsite : callsite + 1, frameno,
				spi))
			return true;
	}
	return false;
}
