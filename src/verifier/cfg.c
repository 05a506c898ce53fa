/*
 * cfg.c - the control-flow passes that run before the path walk, after the
 * Linux 6.18 verifier: subprogram discovery (add_subprogs), the per-function
 * jump check (check_subprogs), the depth-first search over the CFG that
 * finds unreachable code and marks prune points (check_cfg), the postorder
 * and the live-register dataflow used by pruning, and the final combined
 * stack-depth check. Messages and errnos are the kernel's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "isa/isa.h"
#include "verifier/env.h"

#define DISCOVERED  0x10
#define EXPLORED    0x20
#define FALLTHROUGH 1
#define BRANCH      2
#define DONE_EXPLORING 0
#define KEEP_EXPLORING 1

#define BPF_FUNC_tail_call    12
#define BPF_JCOND             0xe0

bool bpf_is_ldimm64(const struct hive_insn *insn)
{
	return insn->code == (HIVE_LD | HIVE_IMM | HIVE_DW);
}

bool bpf_pseudo_call(const struct hive_insn *insn)
{
	return insn->code == (HIVE_JMP | HIVE_CALL) && insn->src == BPF_PSEUDO_CALL;
}

bool bpf_pseudo_func(const struct hive_insn *insn)
{
	return bpf_is_ldimm64(insn) && insn->src == BPF_PSEUDO_FUNC;
}

bool bpf_helper_call(const struct hive_insn *insn)
{
	return insn->code == (HIVE_JMP | HIVE_CALL) && insn->src == 0;
}

static bool bpf_pseudo_kfunc_call(const struct hive_insn *insn)
{
	return insn->code == (HIVE_JMP | HIVE_CALL) && insn->src == BPF_PSEUDO_KFUNC_CALL;
}

/* ---- subprograms ------------------------------------------------------------ */

int find_subprog(struct venv *env, int off)
{
	int lo = 0, hi = (int)env->subprog_cnt - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if ((int)env->subprog_info[mid].start == off)
			return mid;
		if ((int)env->subprog_info[mid].start < off)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -ENOENT;
}

static int add_subprog(struct venv *env, int off)
{
	uint32_t i;
	int ret;

	if (off >= (int)env->len || off < 0) {
		verbose(env, "call to invalid destination\n");
		return -EINVAL;
	}
	ret = find_subprog(env, off);
	if (ret >= 0)
		return ret;
	if (env->subprog_cnt >= BPF_MAX_SUBPROGS) {
		verbose(env, "too many subprograms\n");
		return -E2BIG;
	}
	/* insert, keeping the table sorted by start */
	for (i = env->subprog_cnt; i > 0 && (int)env->subprog_info[i - 1].start > off; i--)
		env->subprog_info[i] = env->subprog_info[i - 1];
	memset(&env->subprog_info[i], 0, sizeof(env->subprog_info[i]));
	env->subprog_info[i].start = (uint32_t)off;
	env->subprog_cnt++;
	return (int)i;
}

int add_subprogs(struct venv *env)
{
	uint32_t i;
	int ret;

	ret = add_subprog(env, 0);
	if (ret < 0)
		return ret;
	for (i = 0; i < env->len; i++) {
		const struct hive_insn *insn = &env->insns[i];

		if (!bpf_pseudo_func(insn) && !bpf_pseudo_call(insn) && !bpf_pseudo_kfunc_call(insn))
			continue;
		if (bpf_pseudo_kfunc_call(insn)) {
			/* hive has no kernel BTF: no kfunc can be resolved */
			verbose(env, "calling kernel function is not supported without CONFIG_DEBUG_INFO_BTF\n");
			return -ENOTSUP;
		}
		ret = add_subprog(env, (int)i + insn->imm + 1);
		if (ret < 0)
			return ret;
	}
	/* a fake subprogram past the end simplifies iteration */
	env->subprog_info[env->subprog_cnt].start = env->len;
	if (env->log.level & HIVE_LOG_LEVEL2)
		for (i = 0; i < env->subprog_cnt; i++)
			verbose(env, "func#%d @%d\n", i, env->subprog_info[i].start);
	return 0;
}

int check_subprogs(struct venv *env)
{
	struct subprog_info *subprog = env->subprog_info;
	int start = (int)subprog[0].start, end = (int)subprog[1].start;
	uint32_t cur = 0;
	int i, off;

	for (i = 0; i < (int)env->len; i++) {
		const struct hive_insn *insn = &env->insns[i];
		uint8_t code = insn->code;

		if (code == (HIVE_JMP | HIVE_CALL) && insn->src == 0 && insn->imm == BPF_FUNC_tail_call)
			subprog[cur].has_tail_call = true;
		if (HIVE_CLASS(code) == HIVE_LD && (BPF_MODE(code) == HIVE_ABS || BPF_MODE(code) == HIVE_IND))
			subprog[cur].has_ld_abs = true;
		if (HIVE_CLASS(code) != HIVE_JMP && HIVE_CLASS(code) != HIVE_JMP32)
			goto next;
		if (BPF_OP(code) == HIVE_EXIT || BPF_OP(code) == HIVE_CALL)
			goto next;
		/* jumps stay within their function */
		off = code == (HIVE_JMP32 | HIVE_JA) ? i + insn->imm + 1 : i + insn->off + 1;
		if (off < start || off >= end) {
			verbose(env, "jump out of range from insn %d to %d\n", i, off);
			return -EINVAL;
		}
next:
		if (i == end - 1) {
			/* no falling through into the next function */
			if (code != (HIVE_JMP | HIVE_EXIT) && code != (HIVE_JMP32 | HIVE_JA) &&
			    code != (HIVE_JMP | HIVE_JA)) {
				verbose(env, "last insn is not an exit or jmp\n");
				return -EINVAL;
			}
			start = end;
			cur++;
			if (cur < env->subprog_cnt)
				end = (int)subprog[cur + 1].start;
		}
	}
	return 0;
}

/* ---- depth-first search ---------------------------------------------------- */

struct cfg_walk {
	int *state;
	int *stack;
	int cur;
};

static void mark_prune_point(struct venv *env, int idx)
{
	env->aux[idx].prune_point = true;
}

static void mark_jmp_point(struct venv *env, int idx)
{
	env->aux[idx].jmp_point = true;
}

static int push_insn(struct venv *env, struct cfg_walk *w, int t, int to, int e)
{
	if (e == FALLTHROUGH && w->state[t] >= (DISCOVERED | FALLTHROUGH))
		return DONE_EXPLORING;
	if (e == BRANCH && w->state[t] >= (DISCOVERED | BRANCH))
		return DONE_EXPLORING;
	if (to < 0 || to >= (int)env->len) {
		verbose_linfo(env, (uint32_t)t, "%d: ", t);
		verbose(env, "jump out of range from insn %d to %d\n", t, to);
		return -EINVAL;
	}
	if (e == BRANCH) {
		/* jump targets are pruning points */
		mark_prune_point(env, to);
		mark_jmp_point(env, to);
	}
	if (w->state[to] == 0) {
		/* tree edge */
		w->state[t] = DISCOVERED | e;
		w->state[to] = DISCOVERED;
		if (w->cur >= (int)env->len)
			return -E2BIG;
		w->stack[w->cur++] = to;
		return KEEP_EXPLORING;
	} else if ((w->state[to] & 0xF0) == DISCOVERED) {
		/* back-edge: a loop, left to the path walk when privileged */
		if (env->bpf_capable)
			return DONE_EXPLORING;
		verbose(env, "back-edge from insn %d to %d\n", t, to);
		return -EINVAL;
	} else if (w->state[to] == EXPLORED) {
		/* forward or cross edge */
		w->state[t] = DISCOVERED | e;
	} else {
		verbose(env, "verifier bug: insn state internal bug\n");
		return -EFAULT;
	}
	return DONE_EXPLORING;
}

/* Helpers that call a BPF callback synchronously (bpf_loop & co). */
static bool is_sync_callback_helper(int32_t id)
{
	return id == 164 /* for_each_map_elem */ || id == 180 /* find_vma */ ||
	       id == 181 /* loop */ || id == 209 /* user_ringbuf_drain */;
}

static int visit_func_call_insn(struct venv *env, struct cfg_walk *w, int t, bool visit_callee)
{
	int sz = bpf_is_ldimm64(&env->insns[t]) ? 2 : 1;
	int ret;

	ret = push_insn(env, w, t, t + sz, FALLTHROUGH);
	if (ret)
		return ret;
	mark_prune_point(env, t + sz);
	/* returning from a subprogram is a non-linear step in the history */
	mark_jmp_point(env, t + sz);
	if (visit_callee) {
		mark_prune_point(env, t);
		ret = push_insn(env, w, t, t + env->insns[t].imm + 1, BRANCH);
	}
	return ret;
}

static int visit_insn(struct venv *env, struct cfg_walk *w, int t)
{
	const struct hive_insn *insn = &env->insns[t];
	int ret, off;

	if (bpf_pseudo_func(insn))
		return visit_func_call_insn(env, w, t, true);
	/* everything but jumps falls through */
	if (HIVE_CLASS(insn->code) != HIVE_JMP && HIVE_CLASS(insn->code) != HIVE_JMP32)
		return push_insn(env, w, t, t + (bpf_is_ldimm64(insn) ? 2 : 1), FALLTHROUGH);

	switch (BPF_OP(insn->code)) {
	case HIVE_EXIT:
		return DONE_EXPLORING;
	case HIVE_CALL:
		if (bpf_helper_call(insn) && is_sync_callback_helper(insn->imm)) {
			env->aux[t].calls_callback = true;
			env->aux[t].force_checkpoint = true;
			mark_prune_point(env, t);
			mark_jmp_point(env, t);
		}
		return visit_func_call_insn(env, w, t, insn->src == BPF_PSEUDO_CALL);
	case HIVE_JA:
		off = HIVE_CLASS(insn->code) == HIVE_JMP ? insn->off : insn->imm;
		/* unconditional jump: one edge */
		ret = push_insn(env, w, t, t + off + 1, FALLTHROUGH);
		if (ret)
			return ret;
		mark_prune_point(env, t + off + 1);
		mark_jmp_point(env, t + off + 1);
		return ret;
	default:
		/* conditional jump: two edges */
		mark_prune_point(env, t);
		if (insn->code == (HIVE_JMP | BPF_JCOND))
			env->aux[t].force_checkpoint = true;
		ret = push_insn(env, w, t, t + 1, FALLTHROUGH);
		if (ret)
			return ret;
		return push_insn(env, w, t, t + insn->off + 1, BRANCH);
	}
}

int check_cfg(struct venv *env)
{
	struct cfg_walk w;
	uint32_t i;
	int ret = 0;

	w.state = calloc(env->len, sizeof(int));
	w.stack = calloc(env->len, sizeof(int));
	if (!w.state || !w.stack) {
		ret = -ENOMEM;
		goto out;
	}
	w.state[0] = DISCOVERED;
	w.stack[0] = 0;
	w.cur = 1;
	while (w.cur > 0) {
		int t = w.stack[w.cur - 1];

		ret = visit_insn(env, &w, t);
		if (ret == DONE_EXPLORING) {
			w.state[t] = EXPLORED;
			w.cur--;
		} else if (ret != KEEP_EXPLORING) {
			goto out;
		}
	}
	for (i = 0; i < env->len; i++) {
		if (w.state[i] != EXPLORED) {
			verbose(env, "unreachable insn %d\n", i);
			ret = -EINVAL;
			goto out;
		}
		if (bpf_is_ldimm64(&env->insns[i])) {
			if (w.state[i + 1] != 0) {
				verbose(env, "jump into the middle of ldimm64 insn %d\n", i);
				ret = -EINVAL;
				goto out;
			}
			i++;
		}
	}
	ret = 0;
out:
	free(w.state);
	free(w.stack);
	return ret;
}

/* ---- postorder and live registers ----------------------------------------- */

/* Successors of an instruction inside its function (calls fall through). */
int insn_successors(struct venv *env, uint32_t idx, uint32_t succ[2])
{
	const struct hive_insn *insn = &env->insns[idx];
	uint8_t cls = HIVE_CLASS(insn->code), op = BPF_OP(insn->code);
	int n = 0;

	if (cls != HIVE_JMP && cls != HIVE_JMP32) {
		succ[n++] = idx + (bpf_is_ldimm64(insn) ? 2 : 1);
		return n;
	}
	if (op == HIVE_EXIT)
		return 0;
	if (op == HIVE_CALL) {
		succ[n++] = idx + 1;
		return n;
	}
	if (op == HIVE_JA) {
		succ[n++] = idx + (cls == HIVE_JMP32 ? insn->imm : insn->off) + 1;
		return n;
	}
	succ[n++] = idx + 1;
	succ[n++] = idx + insn->off + 1;
	return n;
}

int compute_postorder(struct venv *env)
{
	int *state = calloc(env->len, sizeof(int));
	int *stack = calloc(env->len + 1, sizeof(int));
	uint32_t i, cur = 0;

	free(env->insn_postorder);
	env->insn_postorder = calloc(env->len, sizeof(int));
	if (!state || !stack || !env->insn_postorder) {
		free(state);
		free(stack);
		return -ENOMEM;
	}
	for (i = 0; i < env->subprog_cnt; i++) {
		uint32_t sz = 1;

		env->subprog_info[i].postorder_start = cur;
		stack[0] = (int)env->subprog_info[i].start;
		do {
			uint32_t succ[2];
			int top = stack[sz - 1], n, s;

			state[top] |= DISCOVERED;
			if (state[top] & EXPLORED) {
				env->insn_postorder[cur++] = top;
				sz--;
				continue;
			}
			n = insn_successors(env, (uint32_t)top, succ);
			for (s = 0; s < n; s++) {
				if (succ[s] < env->len && !state[succ[s]] && sz < env->len) {
					stack[sz++] = (int)succ[s];
					state[succ[s]] |= DISCOVERED;
				}
			}
			state[top] |= EXPLORED;
		} while (sz);
	}
	env->subprog_info[i].postorder_start = cur;
	env->cur_postorder = cur;
	free(state);
	free(stack);
	return 0;
}

struct live {
	uint16_t use, def, in, out;
};

/* Registers an instruction reads (use) and writes (def). */
static void insn_use_def(struct venv *env, const struct hive_insn *insn, struct live *l)
{
	uint8_t cls = HIVE_CLASS(insn->code), op = BPF_OP(insn->code), mode = BPF_MODE(insn->code);
	uint16_t src = (uint16_t)(1U << insn->src), dst = (uint16_t)(1U << insn->dst), r0 = 1;
	uint16_t def = 0, use = 0xffff;
	int n;

	switch (cls) {
	case HIVE_LD:
		if (mode == HIVE_IMM && BPF_SIZE(insn->code) == HIVE_DW) {
			def = dst;
			use = 0;
		}
		break;
	case HIVE_LDX:
		if (mode == HIVE_MEM || mode == HIVE_MEMSX) {
			def = dst;
			use = src;
		}
		break;
	case HIVE_ST:
		if (mode == HIVE_MEM) {
			def = 0;
			use = dst;
		}
		break;
	case HIVE_STX:
		if (mode == HIVE_MEM) {
			def = 0;
			use = dst | src;
		} else if (mode == HIVE_ATOMIC) {
			if (insn->imm == HIVE_CMPXCHG) {
				use = r0 | dst | src;
				def = r0;
			} else if (insn->imm == 0x100) {      /* load-acquire */
				def = dst;
				use = src;
			} else if (insn->imm == 0x110) {      /* store-release */
				def = 0;
				use = dst | src;
			} else {
				use = dst | src;
				def = (insn->imm & HIVE_FETCH) ? src : 0;
			}
		}
		break;
	case HIVE_ALU:
	case HIVE_ALU64:
		def = dst;
		if (op == HIVE_END)
			use = dst;
		else if (op == HIVE_MOV)
			use = BPF_SRC(insn->code) == HIVE_K ? 0 : src;
		else
			use = BPF_SRC(insn->code) == HIVE_K ? dst : (dst | src);
		break;
	case HIVE_JMP:
	case HIVE_JMP32:
		if (op == HIVE_JA || op == BPF_JCOND) {
			def = 0;
			use = 0;
		} else if (op == HIVE_EXIT) {
			def = 0;
			use = r0;
		} else if (op == HIVE_CALL) {
			def = ALL_CALLER_SAVED_REGS;
			use = def & ~r0;
			/* a known helper reads only its parameters */
			if (bpf_helper_call(insn) && prog_helper_allowed(env, (uint32_t)insn->imm) &&
			    (n = helper_num_params((uint32_t)insn->imm)) >= 0)
				use = (uint16_t)(((1U << (n + 1)) - 1) & ~1U);
		} else {
			def = 0;
			use = BPF_SRC(insn->code) == HIVE_K ? dst : (dst | src);
		}
		break;
	}
	l->def = def;
	l->use = use;
}

int compute_live_registers(struct venv *env)
{
	struct live *st = calloc(env->len, sizeof(*st));
	bool changed = true;
	uint32_t i;
	int j;

	if (!st)
		return -ENOMEM;
	for (i = 0; i < env->len; i++)
		insn_use_def(env, &env->insns[i], &st[i]);
	/* backward dataflow to a fixed point */
	while (changed) {
		changed = false;
		for (i = 0; i < env->cur_postorder; i++) {
			uint32_t idx = (uint32_t)env->insn_postorder[i], succ[2];
			uint16_t new_out = 0, new_in;
			int n, s;

			n = insn_successors(env, idx, succ);
			for (s = 0; s < n; s++)
				if (succ[s] < env->len)
					new_out |= st[succ[s]].in;
			new_in = (uint16_t)((new_out & ~st[idx].def) | st[idx].use);
			if (new_out != st[idx].out || new_in != st[idx].in) {
				st[idx].in = new_in;
				st[idx].out = new_out;
				changed = true;
			}
		}
	}
	for (i = 0; i < env->len; i++)
		env->aux[i].live_regs_before = st[i].in;
	if (env->log.level & HIVE_LOG_LEVEL2) {
		verbose(env, "Live regs before insn:\n");
		for (i = 0; i < env->len; i++) {
			if (env->aux[i].scc)
				verbose(env, "%3d ", env->aux[i].scc);
			else
				verbose(env, "    ");
			verbose(env, "%3d: ", i);
			for (j = 0; j < 10; j++)
				verbose(env, (env->aux[i].live_regs_before & (1U << j)) ? "%d" : ".", j);
			verbose(env, " ");
			verbose_insn(env, &env->insns[i]);
			if (bpf_is_ldimm64(&env->insns[i]))
				i++;
		}
	}
	free(st);
	return 0;
}

/* ---- strongly connected components -------------------------------------- */

/*
 * Tarjan's algorithm in the iterative form of the kernel's compute_scc():
 * instructions on a cycle get a component number (1, 2, ...), others 0.
 * A single instruction is a component only if it jumps to itself or calls
 * a callback (bpf_loop: an implicit loop).
 */
int compute_scc(struct venv *env)
{
	const uint32_t not_on_stack = UINT32_MAX;
	uint32_t n = env->len, *stack, *pre, *low, *dfs;
	uint32_t next_pre = 1, next_scc = 1, i, j, t, w, succ[2];
	int stack_sz, dfs_sz, succ_cnt, err = 0;
	bool assign;

	stack = calloc(n, sizeof(*stack));
	pre = calloc(n, sizeof(*pre));
	low = calloc(n, sizeof(*low));
	dfs = calloc(n, sizeof(*dfs));
	if (!stack || !pre || !low || !dfs) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (pre[i])
			continue;
		stack_sz = 0;
		dfs_sz = 1;
		dfs[0] = i;
dfs_continue:
		while (dfs_sz) {
			w = dfs[dfs_sz - 1];
			if (pre[w] == 0) {
				low[w] = next_pre;
				pre[w] = next_pre;
				next_pre++;
				stack[stack_sz++] = w;
			}
			succ_cnt = insn_successors(env, w, succ);
			for (j = 0; j < (uint32_t)succ_cnt; j++) {
				if (succ[j] >= n)
					continue;
				if (pre[succ[j]]) {
					if (low[succ[j]] < low[w])
						low[w] = low[succ[j]];
				} else {
					dfs[dfs_sz++] = succ[j];
					goto dfs_continue;
				}
			}
			/* something below on the stack reaches w: keep it */
			if (low[w] < pre[w]) {
				dfs_sz--;
				goto dfs_continue;
			}
			assign = stack[stack_sz - 1] != w;
			for (j = 0; j < (uint32_t)succ_cnt; j++)
				if (succ[j] == w)
					assign = true;
			/* a call that runs a callback again and again is a loop */
			if (env->aux[w].calls_callback)
				assign = true;
			do {
				t = stack[--stack_sz];
				low[t] = not_on_stack;
				if (assign)
					env->aux[t].scc = next_scc;
			} while (t != w);
			if (assign)
				next_scc++;
			dfs_sz--;
		}
	}
	env->num_scc = next_scc;
out:
	free(stack);
	free(pre);
	free(low);
	free(dfs);
	return err;
}

/* ---- stack depth -------------------------------------------------------------- */

static bool priv_stack_prog_type(uint32_t t)
{
	/* kprobe, tracepoint, perf_event, raw_tracepoint: the x86 JIT gives
	 * them a private stack when the main program uses >= 64 bytes */
	return t == 2 || t == 5 || t == 7 || t == 17;
}

int check_max_stack_depth(struct venv *env)
{
	struct subprog_info *subprog = env->subprog_info;
	int depth = 0, frame = 0, idx = 0, i, sdepth, next_insn, sidx;
	int ret_insn[MAX_CALL_FRAMES], ret_prog[MAX_CALL_FRAMES];
	bool priv = false;
	uint32_t k;

	for (k = 0; k < env->subprog_cnt; k++)
		if (subprog[k].has_tail_call)
			goto no_priv;
	priv = priv_stack_prog_type(env->prog_type);
no_priv:
	i = (int)subprog[0].start;
process_func:
	if (idx && subprog[idx].has_tail_call && depth >= 256) {
		verbose(env, "tail_calls are not allowed when call stack of previous frames is %d bytes. Too large\n",
			depth);
		return -EACCES;
	}
	/* the JIT rounds each frame up to 16 bytes */
	sdepth = (int)((subprog[idx].stack_depth + 15) / 16 * 16);
	if (priv && sdepth >= 64) {
		if (sdepth > MAX_BPF_STACK) {
			verbose(env, "stack size of subprog %d is %d. Too large\n", idx, sdepth);
			return -EACCES;
		}
	} else {
		depth += sdepth;
		if (depth > MAX_BPF_STACK) {
			verbose(env, "combined stack size of %d calls is %d. Too large\n", frame + 1,
				depth);
			return -EACCES;
		}
	}
continue_func:
	for (; i < (int)subprog[idx + 1].start; i++) {
		if (!bpf_pseudo_call(&env->insns[i]) && !bpf_pseudo_func(&env->insns[i]))
			continue;
		ret_insn[frame] = i + 1;
		ret_prog[frame] = idx;
		next_insn = i + env->insns[i].imm + 1;
		sidx = find_subprog(env, next_insn);
		if (sidx < 0)
			return -EFAULT;
		/* callbacks passed by pointer (bpf_loop) run in a nested frame */
		i = next_insn;
		idx = sidx;
		frame++;
		if (frame >= MAX_CALL_FRAMES) {
			verbose(env, "the call stack of %d frames is too deep !\n", frame);
			return -E2BIG;
		}
		goto process_func;
	}
	if (frame == 0)
		return 0;
	sdepth = (int)((subprog[idx].stack_depth + 15) / 16 * 16);
	if (!(priv && sdepth >= 64))
		depth -= sdepth;
	frame--;
	i = ret_insn[frame];
	idx = ret_prog[frame];
	goto continue_func;
}
