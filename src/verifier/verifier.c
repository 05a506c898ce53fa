/*
 * verifier.c - hive_verify(): the passes of the Linux 6.18 verifier
 * (bpf_check) and its path walk (do_check).
 *
 * Passes: log setup, subprograms, per-function jump check, resolution of
 * lddw map references, CFG check, postorder, live registers, then the
 * symbolic walk from the first instruction with R1 = ctx and R10 = fp, and
 * the combined stack depth check. The walk follows one path at a time;
 * conditional jumps push the other side on a stack. At prune points the
 * current state is compared with states saved there before (pruning), and
 * every checkpoint becomes such a saved state. A path ends at the main exit
 * or when pruned; the verdict is the first error of any path.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "isa/isa.h"
#include "verifier/env.h"

#define BPF_F_STRICT_ALIGNMENT   (1U << 0)
#define BPF_F_ANY_ALIGNMENT      (1U << 1)
#define BPF_F_TEST_STATE_FREQ    (1U << 3)
#define BPF_F_SLEEPABLE          (1U << 4)
#define BPF_MAP_TYPE_ARRAY       2
#define BPF_MAP_TYPE_ARRAY_OF_MAPS 12
#define BPF_FUNC_LOOP_ID         181  /* bpf_loop */
#define BPF_MAP_TYPE_HASH_OF_MAPS 13
#define PROCESS_BPF_EXIT         1

/* ---- lddw resolution ---------------------------------------------------------- */

static bool opcode_in_insntable(uint8_t code)
{
	/* the kernel's table: RFC 9669 plus may_goto and the byte/half
	 * atomics (rejected later with their own messages) */
	return isa_table[code].kind != HIVE_K_INVALID || code == 0xe5 || code == 0xd3 ||
	       code == 0xcb;
}

static int add_used_map(struct venv *env, int kind, int32_t ref, const struct vmap **out)
{
	struct hive_verify_map m;
	struct vmap *v;
	uint32_t i;
	int err;

	memset(&m, 0, sizeof(m));
	m.spin_lock_off = -1;
	m.timer_off = -1;
	if (!env->opts->map_resolve)
		err = -EBADF;
	else
		err = env->opts->map_resolve(env->opts->map_ctx, kind, ref, &m);
	if (err) {
		if (kind == BPF_PSEUDO_MAP_FD)
			verbose(env, "fd %d is not pointing to valid bpf_map\n", ref);
		return err;
	}
	for (i = 0; i < env->used_map_cnt; i++) {
		if (env->maps[i].id == m.id && env->maps[i].fd == ref) {
			*out = &env->maps[i];
			return 0;
		}
	}
	if (env->used_map_cnt >= MAX_USED_MAPS) {
		verbose(env, "The total number of maps per program has reached the limit of %u\n",
			MAX_USED_MAPS);
		return -E2BIG;
	}
	v = &env->maps[env->used_map_cnt++];
	v->type = m.map_type;
	v->key_size = m.key_size;
	v->value_size = m.value_size;
	v->max_entries = m.max_entries;
	v->flags = m.map_flags;
	v->id = m.id;
	v->fd = ref;
	v->spin_lock_off = m.spin_lock_off;
	v->timer_off = m.timer_off;
	v->btf_value_type_id = m.btf_value_type_id;
	v->frozen = m.frozen;
	v->value = m.value;
	memcpy(v->name, m.name, sizeof(v->name));
	v->name[sizeof(v->name) - 1] = 0;
	v->inner = NULL;
	if (m.map_type == BPF_MAP_TYPE_ARRAY_OF_MAPS || m.map_type == BPF_MAP_TYPE_HASH_OF_MAPS) {
		struct vmap *in = &env->inner_maps[v - env->maps];

		memset(in, 0, sizeof(*in));
		in->type = m.inner_map_type;
		in->key_size = m.inner_key_size;
		in->value_size = m.inner_value_size;
		in->max_entries = m.inner_max_entries;
		in->flags = m.inner_map_flags;
		in->fd = -1;
		in->spin_lock_off = -1;
		in->timer_off = -1;
		v->inner = in;
	}
	*out = v;
	return 0;
}

static int resolve_pseudo_ldimm64(struct venv *env)
{
	struct hive_insn *insn = env->insns;
	uint32_t i;
	int err;

	for (i = 0; i < env->len; i++, insn++) {
		if (HIVE_CLASS(insn->code) == HIVE_LDX &&
		    ((BPF_MODE(insn->code) != HIVE_MEM && BPF_MODE(insn->code) != HIVE_MEMSX) ||
		     insn->imm != 0)) {
			verbose(env, "BPF_LDX uses reserved fields\n");
			return -EINVAL;
		}
		if (insn->code == (HIVE_LD | HIVE_IMM | HIVE_DW)) {
			const struct vmap *map = NULL;
			int kind;

			if (i == env->len - 1 || insn[1].code != 0 || insn[1].dst != 0 ||
			    insn[1].src != 0 || insn[1].off != 0) {
				verbose(env, "invalid bpf_ld_imm64 insn\n");
				return -EINVAL;
			}
			if (insn->src == 0 || insn->src == BPF_PSEUDO_FUNC)
				goto next_insn;
			if (insn->src == BPF_PSEUDO_BTF_ID) {
				verbose(env, "kernel btf_id %d is not a function\n", insn->imm);
				return -EINVAL;
			}
			switch (insn->src) {
			case BPF_PSEUDO_MAP_VALUE:
			case BPF_PSEUDO_MAP_IDX_VALUE:
				break;
			case BPF_PSEUDO_MAP_FD:
			case BPF_PSEUDO_MAP_IDX:
				if (insn[1].imm == 0)
					break;
				/* fall through */
			default:
				verbose(env, "unrecognized bpf_ld_imm64 insn\n");
				return -EINVAL;
			}
			kind = (insn->src == BPF_PSEUDO_MAP_IDX || insn->src == BPF_PSEUDO_MAP_IDX_VALUE) ?
			       BPF_PSEUDO_MAP_IDX : BPF_PSEUDO_MAP_FD;
			err = add_used_map(env, kind, insn->imm, &map);
			if (err)
				return err;
			env->aux[i].map = map;
			if (insn->src == BPF_PSEUDO_MAP_VALUE || insn->src == BPF_PSEUDO_MAP_IDX_VALUE) {
				uint32_t off = (uint32_t)insn[1].imm;

				if (off >= BPF_MAX_VAR_OFF) {
					verbose(env, "direct value offset of %u is not allowed\n", off);
					return -EINVAL;
				}
				/* only single-element arrays have a value address */
				if (map->type != BPF_MAP_TYPE_ARRAY) {
					verbose(env, "no direct value access support for this map type\n");
					return -EINVAL;
				}
				if (map->max_entries != 1 || off >= map->value_size) {
					verbose(env, "invalid access to map value pointer, value_size=%u off=%u\n",
						map->value_size, off);
					return map->max_entries != 1 ? -EOPNOTSUPP : -EINVAL;
				}
				env->aux[i].map_off = off;
				env->aux[i].is_ldimm64_value = true;
			}
next_insn:
			insn++;
			i++;
			continue;
		}
		if (!opcode_in_insntable(insn->code)) {
			verbose(env, "unknown opcode %02x\n", insn->code);
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- the branch stack ---------------------------------------------------------- */

static int pop_stack(struct venv *env, int *prev_insn_idx, int *insn_idx, bool pop_log)
{
	struct stack_elem *head = env->head;
	int err;

	if (!head)
		return -ENOENT;
	if (env->cur_state) {
		err = copy_verifier_state(env->cur_state, &head->st);
		if (err)
			return err;
	}
	if (pop_log)
		vlog_reset(&env->log, head->log_pos);
	if (insn_idx)
		*insn_idx = head->insn_idx;
	if (prev_insn_idx)
		*prev_insn_idx = head->prev_insn_idx;
	env->head = head->next;
	free_verifier_state(&head->st, false);
	free(head);
	env->stack_size--;
	return 0;
}

/* ---- explored states ---------------------------------------------------------------- */

static struct state_list **explored_bucket(struct venv *env, int idx)
{
	struct func_state *f = cur_func(env);

	return &env->explored[((uint32_t)idx ^ (uint32_t)f->callsite) % env->len];
}

/* same_callsites(): the same call chain */
static bool same_call_chain(const struct vstate *a, const struct vstate *b)
{
	uint32_t fr;

	if (a->curframe != b->curframe)
		return false;
	for (fr = 0; fr <= a->curframe; fr++)
		if (a->frame[fr]->callsite != b->frame[fr]->callsite)
			return false;
	return true;
}

struct vstate *find_prev_entry(struct venv *env, struct vstate *cur, int insn_idx)
{
	struct state_list *sl;

	/* newest first; a state with live branches is on the current path */
	for (sl = *explored_bucket(env, insn_idx); sl; sl = sl->next)
		if (sl->state.insn_idx == (uint32_t)insn_idx && sl->state.branches &&
		    same_call_chain(&sl->state, cur) && sl->state.dfs_depth < cur->dfs_depth)
			return &sl->state;
	return NULL;
}

static void update_peak_states(struct venv *env)
{
	uint32_t cur = env->explored_states_size + env->free_list_size + env->num_backedges;

	if (cur > env->peak_states)
		env->peak_states = cur;
}

/* ---- loops: SCC visits ------------------------------------------------------------ */

/* The call sites leading to the innermost frame inside an SCC. */
static bool compute_scc_callchain(struct venv *env, const struct vstate *st,
				  struct scc_callchain *cc)
{
	uint32_t i, scc, insn_idx;

	memset(cc, 0, sizeof(*cc));
	for (i = 0; i <= st->curframe; i++) {
		insn_idx = frame_insn_idx(st, i);
		scc = env->aux[insn_idx].scc;
		if (scc) {
			cc->scc = scc;
			break;
		} else if (i < st->curframe) {
			cc->callsites[i] = insn_idx;
		} else {
			return false;
		}
	}
	return true;
}

static struct scc_visit *scc_visit_lookup(struct venv *env, const struct scc_callchain *cc)
{
	struct scc_info *info = env->scc_info[cc->scc];
	uint32_t i;

	if (!info)
		return NULL;
	for (i = 0; i < info->num_visits; i++)
		if (!memcmp(cc, &info->visits[i].callchain, sizeof(*cc)))
			return &info->visits[i];
	return NULL;
}

static struct scc_visit *scc_visit_alloc(struct venv *env, const struct scc_callchain *cc)
{
	struct scc_info *info = env->scc_info[cc->scc];
	uint32_t n = info ? info->num_visits : 0;
	struct scc_visit *visit;

	info = realloc(info, sizeof(*info) + sizeof(struct scc_visit) * (n + 1));
	if (!info)
		return NULL;
	env->scc_info[cc->scc] = info;
	info->num_visits = n + 1;
	visit = &info->visits[n];
	memset(visit, 0, sizeof(*visit));
	visit->callchain = *cc;
	return visit;
}

/* "(callsite,...,scc)" */
static const char *format_callchain(struct venv *env, const struct scc_callchain *cc)
{
	char *buf = env->tmp_str_buf;
	int d = 0;
	uint32_t i;

	d += snprintf(buf + d, TMP_STR_BUF_LEN - (size_t)d, "(");
	for (i = 0; i < MAX_CALL_FRAMES - 1 && cc->callsites[i]; i++)
		d += snprintf(buf + d, TMP_STR_BUF_LEN - (size_t)d, "%u,", cc->callsites[i]);
	snprintf(buf + d, TMP_STR_BUF_LEN - (size_t)d, "%u)", cc->scc);
	return buf;
}

static int maybe_enter_scc(struct venv *env, struct vstate *st)
{
	struct scc_callchain cc;
	struct scc_visit *visit;

	if (!compute_scc_callchain(env, st, &cc))
		return 0;
	visit = scc_visit_lookup(env, &cc);
	if (!visit)
		visit = scc_visit_alloc(env, &cc);
	if (!visit)
		return -ENOMEM;
	if (!visit->entry_state) {
		visit->entry_state = st;
		if (env->log.level & HIVE_LOG_LEVEL2)
			verbose(env, "SCC enter %s\n", format_callchain(env, &cc));
	}
	return 0;
}

static void free_backedges(struct scc_visit *visit)
{
	struct scc_backedge *b, *next;

	for (b = visit->backedges; b; b = next) {
		next = b->next;
		free_verifier_state(&b->state, false);
		free(b);
	}
	visit->backedges = NULL;
}

/* Loop states match while their marks are incomplete; when the loop is done
 * the precision found afterwards flows back through every backedge. */
static int propagate_backedges(struct venv *env, struct scc_visit *visit)
{
	struct scc_backedge *b;
	bool changed;
	int i = 0, err;

	do {
		if (i++ > 64) {
			if (env->log.level & HIVE_LOG_LEVEL2)
				verbose(env, "%s: too many iterations\n", "propagate_backedges");
			for (b = visit->backedges; b; b = b->next)
				mark_all_scalars_precise(env, &b->state);
			break;
		}
		changed = false;
		for (b = visit->backedges; b; b = b->next) {
			err = propagate_precision(env, b->state.equal_state, &b->state, &changed);
			if (err)
				return err;
		}
	} while (changed);
	free_backedges(visit);
	return 0;
}

static int maybe_exit_scc(struct venv *env, struct vstate *st)
{
	struct scc_callchain cc;
	struct scc_visit *visit;

	if (!compute_scc_callchain(env, st, &cc))
		return 0;
	visit = scc_visit_lookup(env, &cc);
	if (!visit) {
		if (!st->speculative) {
			verbose(env, "verifier bug: scc exit: no visit info for call chain %s\n",
				format_callchain(env, &cc));
			return -EFAULT;
		}
		return 0;
	}
	if (visit->entry_state != st)
		return 0;
	if (env->log.level & HIVE_LOG_LEVEL2)
		verbose(env, "SCC exit %s\n", format_callchain(env, &cc));
	visit->entry_state = NULL;
	env->num_backedges -= visit->num_backedges;
	visit->num_backedges = 0;
	update_peak_states(env);
	return propagate_backedges(env, visit);
}

static int add_scc_backedge(struct venv *env, struct vstate *st, struct scc_backedge *b)
{
	struct scc_callchain cc;
	struct scc_visit *visit;

	if (!compute_scc_callchain(env, st, &cc)) {
		verbose(env, "verifier bug: add backedge: no SCC in verification path, insn_idx %d\n",
			st->insn_idx);
		return -EFAULT;
	}
	visit = scc_visit_lookup(env, &cc);
	if (!visit) {
		verbose(env, "verifier bug: add backedge: no visit info for call chain %s\n",
			format_callchain(env, &cc));
		return -EFAULT;
	}
	if (env->log.level & HIVE_LOG_LEVEL2)
		verbose(env, "SCC backedge %s\n", format_callchain(env, &cc));
	b->next = visit->backedges;
	visit->backedges = b;
	visit->num_backedges++;
	env->num_backedges++;
	update_peak_states(env);
	return 0;
}

/* A state in an SCC still being explored: its precision marks are not final. */
bool incomplete_read_marks(struct venv *env, const struct vstate *st)
{
	struct scc_callchain cc;
	struct scc_visit *visit;

	if (!compute_scc_callchain(env, st, &cc))
		return false;
	visit = scc_visit_lookup(env, &cc);
	return visit && visit->backedges;
}

static void maybe_free_state(struct venv *env, struct state_list *sl)
{
	struct state_list **p;

	if (!sl->in_free_list || sl->state.branches != 0 || incomplete_read_marks(env, &sl->state))
		return;
	for (p = &env->free_list; *p; p = &(*p)->next) {
		if (*p == sl) {
			*p = sl->next;
			break;
		}
	}
	free_verifier_state(&sl->state, false);
	free(sl);
	env->free_list_size--;
}

static int update_branch_counts(struct venv *env, struct vstate *st)
{
	struct state_list *sl = NULL, *parent_sl;
	struct vstate *parent;
	int err;

	while (st) {
		uint32_t br = --st->branches;

		if (br)
			break;
		err = maybe_exit_scc(env, st);
		if (err)
			return err;
		/* parents are always saved states; read the link before
		 * the finished state (st itself) may be freed */
		parent = st->parent;
		parent_sl = parent ? (struct state_list *)parent : NULL;
		if (sl)
			maybe_free_state(env, sl);
		st = parent;
		sl = parent_sl;
	}
	return 0;
}

static bool states_maybe_looping(const struct vstate *old, const struct vstate *cur)
{
	const struct func_state *fold, *fcur;
	uint32_t fr = cur->curframe;
	int i;

	if (old->curframe != fr)
		return false;
	fold = old->frame[fr];
	fcur = cur->frame[fr];
	for (i = 0; i < MAX_BPF_REG; i++) {
		const struct reg_state *a = &fold->regs[i], *b = &fcur->regs[i];

		if (memcmp(a, b, offsetof(struct reg_state, frameno)))
			return false;
	}
	return true;
}

static int is_state_visited(struct venv *env, int insn_idx)
{
	struct vstate *cur = env->cur_state;
	struct state_list **head = explored_bucket(env, insn_idx), **pp, *sl, *new_sl;
	bool force_new_state, add_new_state, loop;
	uint32_t states_cnt = 0, n;
	int err;

	force_new_state = (env->prog_flags & BPF_F_TEST_STATE_FREQ) ||
			  env->aux[insn_idx].force_checkpoint || cur->jmp_history_cnt > 40;
	/* a checkpoint needs two jumps and eight instructions since the last */
	add_new_state = force_new_state;
	if (env->jmps_processed - env->prev_jmps_processed >= 2 &&
	    env->insn_processed - env->prev_insn_processed >= 8)
		add_new_state = true;
	clean_live_states(env, *head, insn_idx, cur);

	for (pp = head; (sl = *pp) != NULL;) {
		states_cnt++;
		if (sl->state.insn_idx != (uint32_t)insn_idx) {
			pp = &sl->next;
			continue;
		}
		if (sl->state.branches) {
			/* a callback's next iteration equal by range to an
			 * earlier one on this path: the loop converged */
			if (env->aux[insn_idx].calls_callback) {
				if (states_equal(env, &sl->state, cur, RANGE_WITHIN)) {
					loop = true;
					goto hit;
				}
				goto skip_inf_loop_check;
			}
			/* a state on the current path: maybe an infinite loop */
			if (states_maybe_looping(&sl->state, cur) &&
			    states_equal(env, &sl->state, cur, EXACT) &&
			    sl->state.may_goto_depth == cur->may_goto_depth &&
			    sl->state.callback_unroll_depth == cur->callback_unroll_depth) {
				verbose_linfo(env, (uint32_t)insn_idx, "; ");
				verbose(env, "infinite loop detected at insn %d\n", insn_idx);
				verbose(env, "cur state:");
				print_verifier_state(env, cur, cur->curframe, true);
				verbose(env, "old state:");
				print_verifier_state(env, &sl->state, cur->curframe, true);
				return -EINVAL;
			}
skip_inf_loop_check:
			/* inside loops, checkpoint less often */
			if (!force_new_state && env->jmps_processed - env->prev_jmps_processed < 20 &&
			    env->insn_processed - env->prev_insn_processed < 100)
				add_new_state = false;
			goto miss;
		}
		/* inside a loop still being explored, compare exactly by range */
		loop = incomplete_read_marks(env, &sl->state);
		if (states_equal(env, &sl->state, cur, loop ? RANGE_WITHIN : NOT_EXACT)) {
hit:
			sl->hit_cnt++;
			/* the continuation's precise registers are ours too */
			err = 0;
			if (env->aux[env->insn_idx].jmp_point)
				err = push_jmp_history(env, cur, 0, 0);
			if (!err)
				err = propagate_precision(env, &sl->state, cur, NULL);
			if (err)
				return err;
			if (loop) {
				struct scc_backedge *b = calloc(1, sizeof(*b));

				if (!b)
					return -ENOMEM;
				err = copy_verifier_state(&b->state, cur);
				b->state.equal_state = &sl->state;
				b->state.insn_idx = (uint32_t)insn_idx;
				if (!err)
					err = add_scc_backedge(env, &sl->state, b);
				if (err) {
					free_verifier_state(&b->state, false);
					free(b);
					return err;
				}
			}
			return 1;
		}
miss:
		if (add_new_state)
			sl->miss_cnt++;
		/* states that keep missing are dropped */
		n = (env->aux[insn_idx].force_checkpoint && sl->state.branches > 0) ? 64 : 3;
		if (sl->miss_cnt > sl->hit_cnt * n + n) {
			*pp = sl->next;
			sl->in_free_list = true;
			sl->next = env->free_list;
			env->free_list = sl;
			env->free_list_size++;
			env->explored_states_size--;
			maybe_free_state(env, sl);
			continue;
		}
		pp = &sl->next;
	}
	if (env->max_states_per_insn < states_cnt)
		env->max_states_per_insn = states_cnt;
	if (!env->bpf_capable && states_cnt > BPF_COMPLEXITY_LIMIT_STATES)
		return 0;
	if (!add_new_state)
		return 0;

	/* checkpoint: the current state is saved and becomes the parent */
	new_sl = calloc(1, sizeof(*new_sl));
	if (!new_sl)
		return -ENOMEM;
	env->total_states++;
	env->explored_states_size++;
	update_peak_states(env);
	env->prev_jmps_processed = env->jmps_processed;
	env->prev_insn_processed = env->insn_processed;
	if (env->bpf_capable)
		mark_all_scalars_imprecise(env, cur);
	err = copy_verifier_state(&new_sl->state, cur);
	if (err) {
		free_verifier_state(&new_sl->state, false);
		free(new_sl);
		return err;
	}
	new_sl->state.insn_idx = (uint32_t)insn_idx;
	err = maybe_enter_scc(env, &new_sl->state);
	if (err) {
		free_verifier_state(&new_sl->state, false);
		free(new_sl);
		return err;
	}
	cur->parent = &new_sl->state;
	cur->first_insn_idx = (uint32_t)insn_idx;
	cur->dfs_depth = new_sl->state.dfs_depth + 1;
	free(cur->jmp_history);
	cur->jmp_history = NULL;
	cur->jmp_history_cnt = 0;
	new_sl->next = *head;
	*head = new_sl;
	return 0;
}

static void free_states(struct venv *env)
{
	struct state_list *sl, *next;
	uint32_t i;

	for (sl = env->free_list; sl; sl = next) {
		next = sl->next;
		free_verifier_state(&sl->state, false);
		free(sl);
	}
	env->free_list = NULL;
	env->free_list_size = 0;
	if (!env->explored)
		return;
	for (i = 0; i < env->len; i++) {
		for (sl = env->explored[i]; sl; sl = next) {
			next = sl->next;
			free_verifier_state(&sl->state, false);
			free(sl);
		}
		env->explored[i] = NULL;
	}
}

/* ---- one instruction ------------------------------------------------------------------ */

static int process_bpf_exit_full(struct venv *env, bool *do_print_state)
{
	int err = check_resource_leak(env, false, !env->cur_state->curframe,
				      "BPF_EXIT instruction in main prog");

	if (err)
		return err;
	if (env->cur_state->curframe) {
		/* return from a subprogram: its stack marks are complete */
		err = live_stack_update(env);
		if (err)
			return err;
		err = prepare_func_exit(env, &env->insn_idx);
		if (err)
			return err;
		*do_print_state = true;
		return 0;
	}
	err = check_return_code(env, 0, "R0");
	if (err)
		return err;
	return PROCESS_BPF_EXIT;
}

static int do_check_insn(struct venv *env, bool *do_print_state)
{
	const struct hive_insn *insn = &env->insns[env->insn_idx];
	uint8_t cls = HIVE_CLASS(insn->code);
	int err;

	if (cls == HIVE_ALU || cls == HIVE_ALU64) {
		err = check_alu_op(env, insn);
		if (err)
			return err;
	} else if (cls == HIVE_LDX) {
		err = check_load_mem(env, insn, false, BPF_MODE(insn->code) == HIVE_MEMSX, "ldx");
		if (err)
			return err;
	} else if (cls == HIVE_STX) {
		if (BPF_MODE(insn->code) == HIVE_ATOMIC) {
			err = check_atomic(env, insn);
			if (err)
				return err;
			env->insn_idx++;
			return 0;
		}
		if (BPF_MODE(insn->code) != HIVE_MEM || insn->imm != 0) {
			verbose(env, "BPF_STX uses reserved fields\n");
			return -EINVAL;
		}
		err = check_store_reg(env, insn, false);
		if (err)
			return err;
	} else if (cls == HIVE_ST) {
		uint32_t dst_type;

		if (BPF_MODE(insn->code) != HIVE_MEM || insn->src != 0) {
			verbose(env, "BPF_ST uses reserved fields\n");
			return -EINVAL;
		}
		err = check_reg_arg(env, insn->dst, SRC_OP);
		if (err)
			return err;
		dst_type = cur_regs(env)[insn->dst].type;
		err = check_mem_access(env, env->insn_idx, insn->dst, insn->off, BPF_SIZE(insn->code),
				       BPF_WRITE, -1, false, false);
		if (err)
			return err;
		err = save_aux_ptr_type(env, dst_type);
		if (err)
			return err;
	} else if (cls == HIVE_JMP || cls == HIVE_JMP32) {
		uint8_t opcode = BPF_OP(insn->code);

		env->jmps_processed++;
		if (opcode == HIVE_CALL) {
			if (BPF_SRC(insn->code) != HIVE_K ||
			    (insn->src != 2 && insn->off != 0) ||
			    (insn->src != 0 && insn->src != 1 && insn->src != 2) ||
			    insn->dst != 0 || cls == HIVE_JMP32) {
				verbose(env, "BPF_CALL uses reserved fields\n");
				return -EINVAL;
			}
			if (env->cur_state->active_locks) {
				if ((insn->src == 0 && insn->imm != 94) || insn->src == 2) {
					verbose(env, "function calls are not allowed while holding a lock\n");
					return -EINVAL;
				}
			}
			if (insn->src == 1)
				err = check_func_call(env, insn, &env->insn_idx);
			else
				err = check_helper_call(env, insn, &env->insn_idx);
			if (err)
				return err;
			mark_reg_scratched(env, 0);
		} else if (opcode == HIVE_JA) {
			if (BPF_SRC(insn->code) != HIVE_K || insn->src != 0 || insn->dst != 0 ||
			    (cls == HIVE_JMP && insn->imm != 0) || (cls == HIVE_JMP32 && insn->off != 0)) {
				verbose(env, "BPF_JA uses reserved fields\n");
				return -EINVAL;
			}
			env->insn_idx += (cls == HIVE_JMP ? insn->off : insn->imm) + 1;
			return 0;
		} else if (opcode == HIVE_EXIT) {
			if (BPF_SRC(insn->code) != HIVE_K || insn->imm != 0 || insn->src != 0 ||
			    insn->dst != 0 || cls == HIVE_JMP32) {
				verbose(env, "BPF_EXIT uses reserved fields\n");
				return -EINVAL;
			}
			return process_bpf_exit_full(env, do_print_state);
		} else {
			err = check_cond_jmp_op(env, insn, &env->insn_idx);
			if (err)
				return err;
		}
	} else if (cls == HIVE_LD) {
		uint8_t mode = BPF_MODE(insn->code);

		if (mode == HIVE_ABS || mode == HIVE_IND) {
			err = check_ld_abs(env, insn);
			if (err)
				return err;
		} else if (mode == HIVE_IMM) {
			err = check_ld_imm(env, insn);
			if (err)
				return err;
			env->insn_idx++;
		} else {
			verbose(env, "invalid BPF_LD mode\n");
			return -EINVAL;
		}
	} else {
		verbose(env, "unknown insn class %d\n", cls);
		return -EINVAL;
	}
	env->insn_idx++;
	return 0;
}

/* ---- the walk ---------------------------------------------------------------------- */

static int do_check(struct venv *env)
{
	bool pop_log = !(env->log.level & HIVE_LOG_LEVEL2);
	bool do_print_state = false;
	int prev_insn_idx = -1;
	int err, err2;

	for (;;) {
		struct vstate *state = env->cur_state;
		const struct hive_insn *insn;

		env->cur_hist_ent = NULL;
		env->prev_insn_idx = prev_insn_idx;
		if (env->insn_idx < 0 || (uint32_t)env->insn_idx >= env->len) {
			verbose(env, "invalid insn idx %d insn_cnt %d\n", env->insn_idx, env->len);
			return -EFAULT;
		}
		insn = &env->insns[env->insn_idx];
		if (++env->insn_processed > BPF_COMPLEXITY_LIMIT_INSNS) {
			verbose(env, "BPF program is too large. Processed %d insn\n",
				env->insn_processed);
			return -E2BIG;
		}
		state->last_insn_idx = (uint32_t)env->prev_insn_idx;
		state->insn_idx = (uint32_t)env->insn_idx;
		if (env->aux[env->insn_idx].prune_point) {
			err = is_state_visited(env, env->insn_idx);
			if (err < 0)
				return err;
			if (err == 1) {
				/* an equivalent state was proven safe */
				if (env->log.level & (HIVE_LOG_LEVEL1 | HIVE_LOG_LEVEL2)) {
					if (do_print_state)
						verbose(env, "\nfrom %d to %d%s: safe\n", env->prev_insn_idx,
							env->insn_idx,
							state->speculative ? " (speculative execution)" : "");
					else
						verbose(env, "%d: safe\n", env->insn_idx);
				}
				goto process_bpf_exit;
			}
		}
		if (env->aux[env->insn_idx].jmp_point) {
			err = push_jmp_history(env, state, 0, 0);
			if (err)
				return err;
		}
		if ((env->log.level & HIVE_LOG_LEVEL2) && do_print_state) {
			verbose(env, "\nfrom %d to %d%s:", env->prev_insn_idx, env->insn_idx,
				state->speculative ? " (speculative execution)" : "");
			print_verifier_state(env, state, state->curframe, true);
			do_print_state = false;
		}
		if (env->log.level & (HIVE_LOG_LEVEL1 | HIVE_LOG_LEVEL2)) {
			if (env->scratched_regs || env->scratched_stack_slots)
				print_insn_state(env, state, state->curframe);
			verbose_linfo(env, (uint32_t)env->insn_idx, "; ");
			env->prev_log_pos = env->log.end_pos;
			verbose(env, "%d: ", env->insn_idx);
			verbose_insn(env, insn);
			env->prev_insn_print_pos = env->log.end_pos - env->prev_log_pos;
			env->prev_log_pos = env->log.end_pos;
		}
		env->aux[env->insn_idx].seen = true;
		prev_insn_idx = env->insn_idx;
		/* the instruction's full-slot stack writes are collected */
		err = live_stack_reset_write_marks(env, (uint32_t)env->insn_idx);
		if (err)
			return err;
		err = do_check_insn(env, &do_print_state);
		if (err < 0)
			return err;
		err2 = live_stack_commit_write_marks(env);
		if (err2)
			return err2;
		if (err == PROCESS_BPF_EXIT)
			goto process_bpf_exit;
		continue;
process_bpf_exit:
		mark_verifier_state_scratched(env);
		err = update_branch_counts(env, env->cur_state);
		if (err)
			return err;
		err = live_stack_update(env);
		if (err)
			return err;
		err = pop_stack(env, &prev_insn_idx, &env->insn_idx, pop_log);
		if (err < 0) {
			if (err != -ENOENT)
				return err;
			break;
		}
		do_print_state = true;
	}
	return 0;
}

/*
 * One verification pass (do_check_common): the main program from its
 * context argument, or global subprogram @subprog on its own from its
 * prototype. Level 1 keeps only the log of a failing pass.
 */
static int do_check_common(struct venv *env, uint32_t subprog)
{
	bool pop_log = !(env->log.level & HIVE_LOG_LEVEL2);
	struct vstate *state = calloc(1, sizeof(*state));
	struct reg_state *regs;
	int ret;

	env->prev_linfo = NULL;
	if (!state)
		return -ENOMEM;
	state->branches = 1;
	state->in_sleepable = env->prog_flags & BPF_F_SLEEPABLE;
	state->frame[0] = func_state_new();
	if (!state->frame[0]) {
		free(state);
		return -ENOMEM;
	}
	env->cur_state = state;
	env->insn_idx = (int)env->subprog_info[subprog].start;
	live_stack_reset_callchain(env);
	init_func_state(env, state->frame[0], BPF_MAIN_FUNC, 0, subprog);
	state->first_insn_idx = env->subprog_info[subprog].start;
	state->last_insn_idx = (uint32_t)-1;
	regs = state->frame[0]->regs;
	if (subprog) {
		verbose(env, "Validating %s() func#%u...\n", subprog_name(env, subprog), subprog);
		ret = init_subprog_args(env, subprog, regs);
		if (ret)
			goto out;
	} else {
		/* the main function's prototype is read too (its messages
		 * stay in the log of a failing pass) */
		if (env->func_info)
			prepare_func_args(env, 0);
		/* the first argument: the context */
		regs[1].type = PTR_TO_CTX;
		mark_reg_known_zero(env, regs, 1);
	}
	ret = do_check(env);
out:
	if (env->cur_state) {
		free_verifier_state(env->cur_state, true);
		env->cur_state = NULL;
	}
	while (!pop_stack(env, NULL, NULL, false))
		;
	if (!ret && pop_log)
		vlog_reset(&env->log, 0);
	free_states(env);
	return ret;
}

/*
 * Global subprograms a verified path called, each verified once on its
 * own (do_check_subprogs); those may call more, hence the repeat until a
 * round verifies none. Global functions nothing reaches stay unverified.
 */
static int do_check_subprogs(struct venv *env)
{
	uint32_t i, new_cnt;
	int ret;

	if (!env->func_info)
		return 0;
	do {
		new_cnt = 0;
		for (i = 1; i < env->subprog_cnt; i++) {
			struct subprog_info *sub = &env->subprog_info[i];

			if (!subprog_is_global(env, i) || !sub->called || sub->verified)
				continue;
			ret = do_check_common(env, i);
			if (ret)
				return ret;
			if (env->log.level & (HIVE_LOG_LEVEL1 | HIVE_LOG_LEVEL2))
				verbose(env, "Func#%u ('%s') is safe for any args that match its prototype\n",
					i, subprog_name(env, i));
			sub->verified = true;
			new_cnt++;
		}
	} while (new_cnt);
	return 0;
}

static int check_attach(struct venv *env)
{
	if (env->prog_type == 31) {
		if (env->prog_flags & BPF_F_SLEEPABLE)
			return 0;
		verbose(env, "Syscall programs can only be sleepable\n");
		return -EINVAL;
	}
	if (env->prog_flags & BPF_F_SLEEPABLE) {
		verbose(env, "Only fentry/fexit/fmod_ret, lsm, iter, uprobe, and struct_ops programs can be sleepable\n");
		return -EINVAL;
	}
	return 0;
}

/*
 * The kernel's optimize_bpf_loop, as far as it shows: after verification
 * each bpf_loop call fit for inlining (flags a known 0, the same callback
 * on every visit) is replaced by a loop that keeps three registers in new
 * stack slots of its function, so that function's stack depth grows by 24
 * bytes plus the rounding of its depth to 8, once per function. hive runs
 * the helper instead of inlining; only the reported depth follows.
 */
static void account_loop_inlining(struct venv *env)
{
	for (uint32_t s = 0; s < env->subprog_cnt; s++) {
		struct subprog_info *si = &env->subprog_info[s];
		uint32_t end = env->subprog_info[s + 1].start;

		for (uint32_t i = si->start; i < end; i++) {
			const struct hive_insn *in = &env->insns[i];

			if (in->code != (HIVE_JMP | HIVE_CALL) || in->src || in->imm != BPF_FUNC_LOOP_ID ||
			    !env->aux[i].loop_inline_seen || !env->aux[i].loop_fit_for_inline)
				continue;
			si->stack_depth += 3 * BPF_REG_SIZE + (((si->stack_depth + 7) & ~7u) - si->stack_depth);
			break;
		}
	}
}

/* The statistics; @ok: verified, when the kernel has removed the
 * subprograms no path reached (opt_remove_dead_code) before printing. */
static void print_verification_stats(struct venv *env, uint64_t usec, bool ok)
{
	uint32_t i;
	bool first = true;

	if (env->log.level & HIVE_LOG_STATS) {
		verbose(env, "verification time %llu usec\n", (unsigned long long)usec);
		verbose(env, "stack depth ");
		for (i = 0; i < env->subprog_cnt; i++) {
			if (ok && i && !env->aux[env->subprog_info[i].start].seen)
				continue;
			verbose(env, "%s%d", first ? "" : "+", env->subprog_info[i].stack_depth);
			first = false;
		}
		verbose(env, "\n");
	}
	verbose(env, "processed %d insns (limit %d) max_states_per_insn %d total_states %d peak_states %d mark_read %d\n",
		env->insn_processed, BPF_COMPLEXITY_LIMIT_INSNS, env->max_states_per_insn,
		env->total_states, env->peak_states, env->longest_mark_read_walk);
}

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Reject non-zero bytes past the option fields this library knows. */
static int check_opts(const struct hive_verify_opts *opts)
{
	const unsigned char *p = (const unsigned char *)opts;
	size_t i;

	if (!opts || opts->sz < offsetof(struct hive_verify_opts, insn_processed))
		return -EINVAL;
	for (i = sizeof(*opts); i < opts->sz; i++)
		if (p[i])
			return -E2BIG;
	return 0;
}

/* Per-instruction results for the loader: reached, context access. */
static void export_insn_flags(const struct venv *env, uint8_t *out)
{
	uint32_t i;

	for (i = 0; i < env->len; i++) {
		out[i] = 0;
		if (env->aux[i].seen)
			out[i] |= VINSN_SEEN;
		if (env->aux[i].ptr_type == PTR_TO_CTX)
			out[i] |= VINSN_CTX;
		/* the second slot of a reached lddw is reached too */
		if (i && bpf_is_ldimm64(&env->insns[i - 1]) && (out[i - 1] & VINSN_SEEN))
			out[i] |= VINSN_SEEN;
	}
}

int hive_verify(const struct hive_insn *insns, uint32_t cnt, struct hive_verify_opts *opts)
{
	return verifier_run(insns, cnt, opts, NULL);
}

int verifier_run(const struct hive_insn *insns, uint32_t cnt, struct hive_verify_opts *opts,
		 uint8_t *insn_flags)
{
	struct venv *env;
	uint64_t start = now_usec();
	uint32_t true_size = 0, i;
	int ret, err;

	ret = check_opts(opts);
	if (ret)
		return ret;
	opts->log_true_size = 0;
	opts->insn_processed = 0;
	if (!insns || cnt == 0 || cnt > BPF_COMPLEXITY_LIMIT_INSNS)
		return -E2BIG;
	if (!prog_type_supported(opts->prog_type))
		return -EINVAL;
	env = calloc(1, sizeof(*env));
	if (!env)
		return -ENOMEM;
	env->opts = opts;
	env->len = cnt;
	env->prog_type = opts->prog_type;
	env->expected_attach_type = opts->expected_attach_type;
	env->prog_flags = opts->prog_flags;
	env->gpl = opts->gpl;
	if (opts->sz >= offsetof(struct hive_verify_opts, line_info_cnt) + sizeof(uint32_t)) {
		env->btf = opts->btf;
		env->func_info = opts->func_info;
		env->func_info_cnt = opts->func_info ? opts->func_info_cnt : 0;
		env->line_info = opts->line_info;
		env->line_info_cnt = opts->line_info && opts->btf ? opts->line_info_cnt : 0;
	}
	/* a privileged loader: CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN */
	env->bpf_capable = true;
	env->allow_ptr_leaks = true;
	env->allow_uninit_stack = true;
	env->bypass_spec_v1 = true;
	env->bypass_spec_v4 = true;
	env->insns = malloc(cnt * sizeof(*insns));
	env->aux = calloc(cnt, sizeof(*env->aux));
	env->explored = calloc(cnt, sizeof(*env->explored));
	if (!env->insns || !env->aux || !env->explored) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(env->insns, insns, cnt * sizeof(*insns));
	ret = vlog_init(&env->log, opts->log_level, opts->log_buf, opts->log_size);
	if (ret)
		goto out;
	mark_verifier_state_clean(env);
	env->strict_alignment = !!(env->prog_flags & BPF_F_STRICT_ALIGNMENT);
	if (env->prog_flags & BPF_F_ANY_ALIGNMENT)
		env->strict_alignment = false;

	ret = add_subprogs(env);
	if (!ret)
		ret = check_subprogs(env);
	if (!ret)
		ret = check_btf_info(env);
	if (!ret)
		ret = resolve_pseudo_ldimm64(env);
	if (!ret)
		ret = check_cfg(env);
	if (!ret)
		ret = compute_postorder(env);
	if (!ret)
		ret = check_attach(env);
	if (!ret)
		ret = compute_scc(env);
	if (!ret) {
		env->scc_info = calloc(env->num_scc ? env->num_scc : 1, sizeof(*env->scc_info));
		if (!env->scc_info)
			ret = -ENOMEM;
	}
	if (!ret)
		ret = compute_live_registers(env);
	if (!ret)
		ret = live_stack_init(env);
	if (!ret)
		ret = do_check_common(env, 0);
	if (!ret)
		ret = do_check_subprogs(env);
	if (!ret)
		ret = check_max_stack_depth(env);
	if (!ret)
		account_loop_inlining(env);

	print_verification_stats(env, now_usec() - start, !ret);
	opts->insn_processed = env->insn_processed;
	opts->subprog_cnt = env->subprog_cnt;
	for (i = 0; i < env->subprog_cnt && i < 8; i++)
		opts->stack_depth[i] = env->subprog_info[i].stack_depth;
	err = vlog_finalize(&env->log, &true_size);
	if (err)
		ret = err;
	opts->log_true_size = true_size;
	if (!ret && insn_flags)
		export_insn_flags(env, insn_flags);
out:
	free_states(env);
	live_stack_free(env);
	if (env->scc_info) {
		for (i = 0; i < env->num_scc; i++) {
			if (!env->scc_info[i])
				continue;
			for (uint32_t v = 0; v < env->scc_info[i]->num_visits; v++)
				free_backedges(&env->scc_info[i]->visits[v]);
			free(env->scc_info[i]);
		}
		free(env->scc_info);
	}
	free(env->insn_postorder);
	free(env->explored);
	free(env->aux);
	free(env->insns);
	free(env);
	return ret;
}
