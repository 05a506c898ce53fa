/*
 * analysis.c - what the code generator needs to know about a program
 * before emitting it: function starts (prologue points), basic blocks (the
 * budget of a checked run is charged once per block, at its first
 * instruction), jump targets (no instruction fusion across them) and the
 * liveness of every eBPF register after every instruction.
 *
 * Liveness follows the engines' contract (vm_internal.h): in a checked run
 * registers r1-r5 survive helper calls and a callee's r0-r5 are visible to
 * its caller, exactly as in the interpreter, so the JIT must preserve what
 * may be read. In an unchecked run the program was verified with the
 * kernel's rules: r1-r5 are clobbered by calls and only r0 is returned.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "jit/jit_internal.h"

/* Registers an instruction reads (use) and surely writes (def). */
struct usedef {
	uint16_t use;
	uint16_t def;
};

/* Whether helper call @in is bpf_tail_call. */
static bool is_tail_call(const struct hive_insn *in)
{
	return in->src == 0 && (uint32_t)in->imm == HIVE_HELPER_TAIL_CALL;
}

static struct usedef insn_usedef(const struct jit_ctx *c, const struct hive_insn *in)
{
	const struct isa_desc *d = isa_desc(in->code);
	uint16_t dst = (uint16_t)JREG(in->dst), src = (uint16_t)JREG(in->src);
	struct usedef u = { 0, 0 };

	switch (d->kind) {
	case HIVE_K_ALU_K:
		/* mov imm: dst = imm; other ops: dst op= imm */
		u.use = (in->code & 0xf0) == HIVE_MOV ? 0 : dst;
		u.def = dst;
		break;
	case HIVE_K_ALU_X:
	case HIVE_K_DIV_X:
		u.use = dst | src;
		u.def = dst;
		break;
	case HIVE_K_MOV_X:          /* dst = src (movsx) */
		u.use = src;
		u.def = dst;
		break;
	case HIVE_K_DIV_K:
	case HIVE_K_NEG:
	case HIVE_K_END:
		u.use = dst;
		u.def = dst;
		break;
	case HIVE_K_JA:
	case HIVE_K_JA32:
		break;
	case HIVE_K_JCC_K:
		u.use = dst;
		break;
	case HIVE_K_JCC_X:
		u.use = dst | src;
		break;
	case HIVE_K_CALL:
		if (in->src == HIVE_PSEUDO_CALL) {
			/* checked: the callee may read anything and may leave
			 * r0-r5 as they were; verified: args in, r0 out, r1-r5
			 * clobbered */
			u.use = c->checks ? JREGS_ALL : JREGS_ARGS;
			u.def = c->checks ? 0 : JREGS_CALLER;
		} else if (is_tail_call(in)) {
			/* success continues in the target with every register */
			u.use = c->checks ? JREGS_ALL : (JREG(1) | JREG(2) | JREG(3));
			u.def = c->checks ? 0 : JREGS_CALLER;
		} else {
			u.use = JREGS_ARGS;
			u.def = c->checks ? JREG(0) : JREGS_CALLER;
		}
		break;
	case HIVE_K_EXIT:
		/* callers of a checked function may read r0-r5 afterwards */
		u.use = c->checks ? JREGS_CALLER : JREG(0);
		break;
	case HIVE_K_LDDW:
		u.def = dst;
		break;
	case HIVE_K_LDABS:
	case HIVE_K_LDIND:
		/* out of bounds exits the function with r0 = 0 */
		u.use = (d->kind == HIVE_K_LDIND ? src : 0) |
			(c->checks ? JREGS_ARGS : 0);
		u.def = JREG(0);
		break;
	case HIVE_K_LDX:
	case HIVE_K_LDXSX:
		u.use = src;
		u.def = dst;
		break;
	case HIVE_K_ST:
		u.use = dst;
		break;
	case HIVE_K_STX:
		u.use = dst | src;
		break;
	case HIVE_K_ATOMIC:
		u.use = dst | src;
		if (in->imm == HIVE_CMPXCHG) {
			u.use |= JREG(0);
			u.def = JREG(0);
		} else if (in->imm & HIVE_FETCH) {
			u.def = src;
		}
		break;
	default:
		break;
	}
	u.use &= JREGS_ALL & ~JREG(10);
	u.def &= JREGS_ALL & ~JREG(10);
	return u;
}

/* Whether execution may continue at pc + width after @in. */
static bool falls_through(const struct hive_insn *in)
{
	uint8_t k = isa_desc(in->code)->kind;

	return k != HIVE_K_JA && k != HIVE_K_JA32 && k != HIVE_K_EXIT;
}

/* Whether @in ends a basic block (control leaves or may leave after it). */
static bool ends_block(const struct hive_insn *in)
{
	uint8_t k = isa_desc(in->code)->kind;

	return isa_is_jump(in) || k == HIVE_K_EXIT || k == HIVE_K_CALL ||
	       k == HIVE_K_LDABS || k == HIVE_K_LDIND;
}

static int mark_flow(struct jit_ctx *c)
{
	const struct hive_insn *insns = c->insns;
	uint32_t pc, n = c->n;

	c->pcflags[0] |= JF_LEADER | JF_FSTART;
	for (pc = 0; pc < n; pc++) {
		const struct hive_insn *in = &insns[pc];
		uint32_t w = 1;

		if (in->code == HIVE_OP_LDDW) {
			if (pc + 1 >= n)
				return -EINVAL;
			c->pcflags[pc + 1] |= JF_LDDW2;
			w = 2;
			if (in->src == HIVE_PSEUDO_FUNC) {
				int64_t t = (int64_t)pc + in->imm + 1;

				if (t < 0 || t >= n)
					return -EINVAL;
				c->pcflags[t] |= JF_FSTART | JF_LEADER | JF_TARGET;
			}
		}
		if (isa_is_jump(in)) {
			int64_t t = isa_jump_target(in, pc);

			if (t < 0 || t >= n)
				return -EINVAL;
			c->pcflags[t] |= JF_LEADER | JF_TARGET | (t <= pc ? JF_LOOP : 0);
		}
		if (in->code == HIVE_OP_CALL && in->src == HIVE_PSEUDO_CALL) {
			int64_t t = (int64_t)pc + in->imm + 1;

			if (t < 0 || t >= n)
				return -EINVAL;
			c->pcflags[t] |= JF_FSTART | JF_LEADER | JF_TARGET;
		}
		if (!falls_through(in))
			c->pcflags[pc] |= JF_NOFALL;
		if (ends_block(in) && pc + w < n)
			c->pcflags[pc + w] |= JF_LEADER;
		pc += w - 1;
	}
	for (pc = 0; pc < n; pc++)
		if ((c->pcflags[pc] & JF_LDDW2) && (c->pcflags[pc] & (JF_TARGET | JF_FSTART)))
			return -EINVAL;   /* the loader refuses these already */
	return 0;
}

/* Block lengths in executed instructions (an lddw counts once). */
static void count_blocks(struct jit_ctx *c)
{
	uint32_t pc, lead = 0, len = 0;

	for (pc = 0; pc < c->n; pc++) {
		if (c->pcflags[pc] & JF_LEADER) {
			if (pc)
				c->block_len[lead] = len;
			lead = pc;
			len = 0;
		}
		if (!(c->pcflags[pc] & JF_LDDW2))
			len++;
	}
	c->block_len[lead] = len;
}

/* Checked runs: instructions of the block after each pc, given back to the
 * budget when the run stops at pc (so insns_run matches the interpreter). */
static void count_rest(struct jit_ctx *c)
{
	uint32_t pc = c->n;

	while (pc-- > 0) {
		uint32_t next;

		if (c->pcflags[pc] & JF_LDDW2)
			continue;
		next = pc + (c->insns[pc].code == HIVE_OP_LDDW ? 2 : 1);
		c->rest[pc] = next >= c->n || (c->pcflags[next] & JF_LEADER) ? 0 : c->rest[next] + 1;
	}
}

/* Whether @in may write r0-r5 beyond its def set: calls (helpers, local
 * calls and tail calls may leave any of them changed). */
uint16_t jit_insn_clobbers(const struct jit_ctx *c, const struct hive_insn *in)
{
	uint16_t def = insn_usedef(c, in).def;

	if (isa_desc(in->code)->kind == HIVE_K_CALL)
		def |= JREGS_CALLER;
	return def;
}

int jit_blocks(const struct jit_ctx *c, struct jit_block **blocksp, uint32_t *nbp,
	       uint32_t **bidxp)
{
	uint32_t n = c->n, nb = 0, pc, b;
	struct jit_block *blocks;
	uint32_t *bidx;

	for (pc = 0; pc < n; pc++)
		nb += !!(c->pcflags[pc] & JF_LEADER);
	blocks = calloc(nb, sizeof(*blocks));
	bidx = malloc((size_t)n * sizeof(*bidx));
	if (!blocks || !bidx) {
		free(blocks);
		free(bidx);
		return -ENOMEM;
	}
	b = UINT32_MAX;
	for (pc = 0; pc < n; pc++) {
		if (c->pcflags[pc] & JF_LEADER) {
			if (b != UINT32_MAX)
				blocks[b].end = pc;
			b++;    /* wraps to 0 at the first leader, pc 0 */
			blocks[b].start = pc;
		}
		bidx[pc] = b;
	}
	blocks[b].end = n;

	for (b = 0; b < nb; b++) {
		struct jit_block *bl = &blocks[b];
		const struct hive_insn *last = NULL;
		uint32_t lastpc = bl->start;

		for (pc = bl->start; pc < bl->end; pc++) {
			if (c->pcflags[pc] & JF_LDDW2)
				continue;
			last = &c->insns[pc];
			lastpc = pc;
		}
		bl->succ[0] = bl->succ[1] = UINT32_MAX;
		if (last && falls_through(last)) {
			uint32_t next = lastpc + (last->code == HIVE_OP_LDDW ? 2 : 1);

			if (next < n)
				bl->succ[0] = bidx[next];
		}
		if (last && isa_is_jump(last))
			bl->succ[1] = bidx[(uint32_t)isa_jump_target(last, lastpc)];
	}
	*blocksp = blocks;
	*nbp = nb;
	*bidxp = bidx;
	return 0;
}

/*
 * Liveness: backward dataflow over basic blocks (use/def summaries, then
 * rounds in reverse order until nothing changes), then one backward walk
 * per block recording the live-out set of each instruction.
 */
static int compute_liveness(struct jit_ctx *c)
{
	uint32_t nb, pc, b;
	struct jit_block *blocks;
	uint32_t *bidx;
	bool changed;
	int rounds = 0, err;

	err = jit_blocks(c, &blocks, &nb, &bidx);
	if (err)
		return err;
	/* per-block summaries */
	for (b = 0; b < nb; b++) {
		struct jit_block *bl = &blocks[b];
		uint16_t live = 0, kill = 0;

		/* backward: gen = uses not preceded by a def in the block */
		for (pc = bl->end; pc-- > bl->start;) {
			struct usedef u;

			if (c->pcflags[pc] & JF_LDDW2)
				continue;
			u = insn_usedef(c, &c->insns[pc]);
			live = (uint16_t)((live & ~u.def) | u.use);
			kill |= u.def;
		}
		bl->gen = live;
		bl->kill = kill;
	}

	do {
		changed = false;
		for (b = nb; b-- > 0;) {
			struct jit_block *bl = &blocks[b];
			uint16_t out = 0, in;

			if (bl->succ[0] != UINT32_MAX)
				out |= blocks[bl->succ[0]].in;
			if (bl->succ[1] != UINT32_MAX)
				out |= blocks[bl->succ[1]].in;
			in = (uint16_t)(bl->gen | (out & ~bl->kill));
			if (in != bl->in || out != bl->out) {
				bl->in = in;
				bl->out = out;
				changed = true;
			}
		}
		rounds++;
	} while (changed && rounds < 64);

	/* not converged (pathological flow graph): every register is live,
	 * which is always safe */
	if (changed)
		for (b = 0; b < nb; b++)
			blocks[b].out = JREGS_ALL & ~JREG(10);
	for (b = 0; b < nb; b++) {
		struct jit_block *bl = &blocks[b];
		uint16_t live = bl->out;

		for (pc = bl->end; pc-- > bl->start;) {
			struct usedef u;

			if (c->pcflags[pc] & JF_LDDW2) {
				c->live[pc] = live;
				continue;
			}
			c->live[pc] = live;
			u = insn_usedef(c, &c->insns[pc]);
			live = (uint16_t)((live & ~u.def) | u.use);
		}
	}
	free(blocks);
	free(bidx);
	return 0;
}

int jit_analyze(struct jit_ctx *c)
{
	int err;

	c->pcflags = calloc(c->n, 1);
	c->live = calloc(c->n, sizeof(*c->live));
	c->block_len = calloc(c->n, sizeof(*c->block_len));
	if (c->checks)
		c->rest = calloc(c->n, sizeof(*c->rest));
	if (!c->pcflags || !c->live || !c->block_len || (c->checks && !c->rest))
		return -ENOMEM;
	err = mark_flow(c);
	if (err)
		return err;
	count_blocks(c);
	if (c->checks)
		count_rest(c);
	err = compute_liveness(c);
	return err ? err : jit_find_map_calls(c);
}

void jit_analysis_free(struct jit_ctx *c)
{
	free(c->pcflags);
	free(c->live);
	free(c->block_len);
	free(c->rest);
	free(c->mapcalls);
	c->mapcalls = NULL;
	c->nmapcalls = 0;
	c->rest = NULL;
	c->pcflags = NULL;
	c->live = NULL;
	c->block_len = NULL;
}
