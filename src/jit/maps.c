/*
 * maps.c - map helper calls on a known map, compiled without the generic
 * helper path. The kernel's verifier records the map of every call site
 * (its per-call-site map pointer state) and its fixups then inline array
 * lookups and call the map's own functions directly; this file does the
 * same from the JIT's side:
 *
 *  1. jit_find_map_calls: a forward dataflow over basic blocks tracking,
 *     for r0-r9, which map lddw (BPF_PSEUDO_MAP_FD / MAP_IDX) the register
 *     holds on every path. Calls to hive's own bpf_map_lookup_elem,
 *     bpf_map_update_elem and bpf_map_delete_elem helpers (the ones that
 *     read r1 as a struct hive_map) whose r1 is one map are recorded.
 *  2. jit_emit_map_call: for such a call,
 *       - lookup on a BPF_MAP_TYPE_ARRAY: inline, branch-free
 *         `idx < max_entries ? data + idx * stride : NULL`; in a checked
 *         run only when the array's value area is a static grant of the
 *         VM (so the helper would grant nothing either) and the key lies in
 *         the current stack frame, else the generic call is the slow path;
 *       - unchecked runs, other maps: a direct call of the family's lookup
 *         (a plain hash's specialised for its key size, maps/fast.h, else
 *         map->ops->lookup), of map_update_elem / map_delete_elem, with no
 *         helper argument checks (verified code) and no run->err test (none
 *         of these can stop a run).
 *     Unchecked runs also plan each such call from its basic block
 *     (plan_calls): an array key stored to the stack as a constant folds
 *     the lookup to the element's address, a key stored from a register
 *     is taken from that register (no reload through r2), and the
 *     argument setup the direct call does not read (r1 = map, and the
 *     r2 = r10 - off chain of a forwarded key) emits no code (JF_ELIDED).
 *     Constant blinding keeps the generic path (no map-derived constants
 *     in the code).
 * Results are the helper's exactly: same pointer, same NULL, same return
 * codes; checked runs keep r1-r5 as the interpreter does.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/helpers.h"
#include "jit/x86_64.h"
#include "maps/fast.h"
#include "maps/map.h"

/* Register state of the dataflow: no path seen yet / not one map. */
#define MK_TOP  0ull
#define MK_VARY UINT64_MAX
#define MK_REGS 10u

enum map_call_kind { MC_NONE, MC_LOOKUP, MC_UPDATE, MC_DELETE };

/* Which of hive's map helpers the call at @in is (as registered in the VM). */
static enum map_call_kind map_call_kind(const struct jit_ctx *c, const struct hive_insn *in)
{
	uint32_t id = (uint32_t)in->imm;
	hive_helper_fn fn;

	if (in->code != HIVE_OP_CALL || in->src != 0 || id >= c->vm->nhelpers)
		return MC_NONE;
	fn = c->vm->helpers[id].fn;
	if (fn == helper_map_lookup_elem)
		return MC_LOOKUP;
	if (fn == helper_map_update_elem)
		return MC_UPDATE;
	if (fn == helper_map_delete_elem)
		return MC_DELETE;
	return MC_NONE;
}

static uint64_t meet(uint64_t a, uint64_t b)
{
	if (a == MK_TOP)
		return b;
	if (b == MK_TOP || a == b)
		return a;
	return MK_VARY;
}

/* Register states after the instruction at @pc. */
static void transfer(const struct jit_ctx *c, uint32_t pc, uint64_t st[MK_REGS])
{
	const struct hive_insn *in = &c->insns[pc];
	uint16_t defs;
	unsigned r;

	if (in->code == HIVE_OP_LDDW) {
		uint64_t v = c->vm->ldimm[pc];
		bool map = in->src == HIVE_PSEUDO_MAP_FD || in->src == HIVE_PSEUDO_MAP_IDX;

		if (in->dst < MK_REGS)
			st[in->dst] = map && v != MK_TOP && v != MK_VARY ? v : MK_VARY;
		return;
	}
	if (in->code == (HIVE_ALU64 | HIVE_MOV | HIVE_X) && in->off == 0 && in->dst < MK_REGS) {
		st[in->dst] = in->src < MK_REGS ? st[in->src] : MK_VARY;  /* dst = src */
		return;
	}
	defs = jit_insn_clobbers(c, in);
	for (r = 0; r < MK_REGS; r++)
		if (defs & JREG(r))
			st[r] = MK_VARY;
}

static int add_mapcall(struct jit_ctx *c, uint32_t pc, uint64_t map, uint32_t *cap)
{
	if (c->nmapcalls == *cap) {
		uint32_t ncap = *cap ? *cap * 2 : 16;
		struct jit_mapcall *m = realloc(c->mapcalls, ncap * sizeof(*m));

		if (!m)
			return -ENOMEM;
		c->mapcalls = m;
		*cap = ncap;
	}
	c->mapcalls[c->nmapcalls++] = (struct jit_mapcall){ .pc = pc, .map = (void *)(uintptr_t)map,
							     .key = JIT_KEY_MEM };
	return 0;
}

/* Whether the known-map call @kind on @m is an inline array lookup. */
static bool array_inline(const struct hive_map *m, enum map_call_kind kind)
{
	return kind == MC_LOOKUP && m->map_type == BPF_MAP_TYPE_ARRAY && m->max_entries &&
	       m->stride && m->stride <= INT32_MAX;
}

/* Whether jit_emit_map_call compiles the call without the generic helper
 * in an unchecked run (so it reads neither r1 nor, for arrays, r3-r5). */
static bool direct_call(const struct jit_ctx *c, const struct hive_map *m,
			enum map_call_kind kind)
{
	return !c->checks && !c->blind && kind != MC_NONE &&
	       (array_inline(m, kind) || kind != MC_LOOKUP || m->ops->lookup);
}

/* First pc of the basic block holding @pc: every path to @pc runs
 * [start, pc) in order, and that range holds no jump, call or packet
 * load (they end blocks). */
static uint32_t block_start(const struct jit_ctx *c, uint32_t pc)
{
	while (pc > 0 && !(c->pcflags[pc] & JF_LEADER))
		pc--;
	return pc;
}

/* The last pc in [lo, end) that may write eBPF register @r, or UINT32_MAX. */
static uint32_t last_def(const struct jit_ctx *c, uint32_t lo, uint32_t end, unsigned r)
{
	while (end-- > lo)
		if (!(c->pcflags[end] & JF_LDDW2) &&
		    (jit_insn_clobbers(c, &c->insns[end]) & JREG(r)))
			return end;
	return UINT32_MAX;
}

/* Whether an instruction in (lo, end) other than the one at @skip may read
 * register @r (conservatively: names it as dst or src). */
static bool read_between(const struct jit_ctx *c, uint32_t lo, uint32_t end, unsigned r,
			 uint32_t skip)
{
	for (uint32_t q = lo + 1; q < end; q++) {
		const struct hive_insn *in = &c->insns[q];

		if (q == skip || (c->pcflags[q] & JF_LDDW2) || in->code == HIVE_OP_LDDW)
			continue;           /* an lddw only writes dst */
		if (in->dst == r || in->src == r)
			return true;
	}
	return false;
}

/* The store in [lo, pc) that last wrote any of the 4 bytes at r10 + @off:
 * *qs = its pc (UINT32_MAX: none). False when bytes there may have been
 * written unseen: a store or atomic through another register (it may
 * point into the stack), or an atomic on the stack. */
static bool key_store(const struct jit_ctx *c, uint32_t lo, uint32_t pc, int16_t off,
		      uint32_t *qs)
{
	static const uint8_t bytes[4] = { 4, 2, 1, 8 };   /* W, H, B, DW */

	*qs = UINT32_MAX;
	while (pc-- > lo) {
		const struct hive_insn *in = &c->insns[pc];
		uint8_t cls = HIVE_CLASS(in->code);
		int32_t b_lo = in->off, b_hi = b_lo + bytes[(in->code >> 3) & 3];

		if ((c->pcflags[pc] & JF_LDDW2) || (cls != HIVE_ST && cls != HIVE_STX))
			continue;
		if ((in->code & 0xe0) != HIVE_MEM || in->dst != 10)
			return false;
		if (b_hi > off && b_lo < off + 4) {
			*qs = pc;
			return true;
		}
	}
	return true;
}

/*
 * What the write @d of a forwarded key register tells about its value:
 * zero upper half after a 32-bit ALU operation (not a byte swap, which
 * may be 64-bit) or an AND with a non-negative immediate; below the
 * array's max_entries after an AND with an immediate below it.
 */
static void key_bounds(struct jit_mapcall *mc, const struct hive_insn *d, const struct hive_map *m)
{
	bool and = d->code == (HIVE_ALU | HIVE_AND | HIVE_K) || d->code == (HIVE_ALU64 | HIVE_AND | HIVE_K);
	uint64_t bound = HIVE_CLASS(d->code) == HIVE_ALU ? (uint32_t)d->imm : (uint64_t)(int64_t)d->imm;

	if ((HIVE_CLASS(d->code) == HIVE_ALU && isa_desc(d->code)->kind != HIVE_K_END) ||
	    (and && d->imm >= 0))
		mc->key_zext = 1;
	if (and && bound < m->max_entries)
		mc->key_inrange = 1;
}

/*
 * The key of the inline array lookup at @mc->pc, for unchecked runs
 * (verified code reaches the call only through its block): r2 must be
 * `r2 = r10; r2 += off` in the block, and the last write of the key's
 * bytes in the block a u32 store at r10 + off:
 *   *(u32 *)(r10 + off) = K                 JIT_KEY_CONST K
 *   rX = K; ...; *(u32 *)(r10 + off) = rX   JIT_KEY_CONST K (no write of
 *                                           rX between; also when fusion
 *                                           stored K without setting rX)
 *   *(u32 *)(r10 + off) = rX                JIT_KEY_REG rX (no write of
 *                                           rX after the store)
 * else JIT_KEY_MEM (the lookup reads *(u32 *)r2). With a known key and no
 * other reader of r2, the r2 chain is elided (the store stays).
 */
static void plan_array_key(struct jit_ctx *c, struct jit_mapcall *mc, uint32_t lo)
{
	uint32_t pc = mc->pc, qa, qm, qs, d;
	const struct hive_insn *add, *mov, *st;
	unsigned rk;
	int16_t off;

	qa = last_def(c, lo, pc, 2);
	if (qa == UINT32_MAX)
		return;
	qm = last_def(c, lo, qa, 2);
	add = &c->insns[qa];
	if (qm == UINT32_MAX || add->code != HIVE_OP_ADD64_IMM || add->imm > -4 ||
	    add->imm < -HIVE_STACK_SIZE)
		return;                                      /* r2 += off, a stack slot */
	mov = &c->insns[qm];
	if (mov->code != HIVE_OP_MOV64_REG || mov->src != 10 || mov->off)
		return;                                      /* r2 = r10 */
	off = (int16_t)add->imm;
	if (!key_store(c, lo, pc, off, &qs) || qs == UINT32_MAX)
		return;
	st = &c->insns[qs];
	if (st->off != off || (st->code & 0x18) != HIVE_W)
		return;                                      /* not one u32 store of the key */
	if (HIVE_CLASS(st->code) == HIVE_ST) {
		mc->key = JIT_KEY_CONST;
		mc->key_imm = (uint32_t)st->imm;
	} else {
		rk = st->src;                                /* r10 too: rbp holds it */
		d = last_def(c, lo, qs, rk);
		if (d != UINT32_MAX &&
		    (c->insns[d].code == HIVE_OP_MOV64_IMM || c->insns[d].code == HIVE_OP_MOV_IMM)) {
			mc->key = JIT_KEY_CONST;
			mc->key_imm = (uint32_t)c->insns[d].imm;
		} else if (last_def(c, qs + 1, pc, rk) == UINT32_MAX) {
			mc->key = JIT_KEY_REG;
			mc->key_reg = (uint8_t)rk;
			if (d != UINT32_MAX)
				key_bounds(mc, &c->insns[d], mc->map);
		} else {
			return;
		}
	}
	if (!read_between(c, qm, pc, 2, qa))
		c->pcflags[qm] |= JF_ELIDED, c->pcflags[qa] |= JF_ELIDED;
}

/*
 * Unchecked runs: for each known-map call compiled directly, elide the
 * block's last write of r1 when nothing else reads it before the call (the
 * call does not read r1, and verified code cannot read r1-r5 after a
 * call). That write is an lddw or `r1 = rX`: the dataflow knows the map
 * of r1 through no other instruction. Then plan the key of inline array
 * lookups (plan_array_key).
 */
static void plan_calls(struct jit_ctx *c)
{
	for (uint32_t i = 0; i < c->nmapcalls; i++) {
		struct jit_mapcall *mc = &c->mapcalls[i];
		enum map_call_kind kind = map_call_kind(c, &c->insns[mc->pc]);
		struct hive_map *m = mc->map;
		uint32_t lo = block_start(c, mc->pc), q1;

		if (!direct_call(c, m, kind))
			continue;
		q1 = last_def(c, lo, mc->pc, 1);
		if (q1 != UINT32_MAX && !read_between(c, q1, mc->pc, 1, UINT32_MAX))
			c->pcflags[q1] |= JF_ELIDED;
		if (array_inline(m, kind))
			plan_array_key(c, mc, lo);
	}
}

int jit_find_map_calls(struct jit_ctx *c)
{
	struct jit_block *blocks = NULL;
	uint32_t nb = 0, *bidx = NULL, b, pc, cap = 0;
	uint64_t *in = NULL, st[MK_REGS];
	bool any_call = false, any_map = false, changed;
	int rounds = 0, err = 0;
	unsigned r;

	for (pc = 0; pc < c->n; pc++) {
		if (c->pcflags[pc] & JF_LDDW2)
			continue;
		any_call |= map_call_kind(c, &c->insns[pc]) != MC_NONE;
		any_map |= c->insns[pc].code == HIVE_OP_LDDW &&
			   (c->insns[pc].src == HIVE_PSEUDO_MAP_FD ||
			    c->insns[pc].src == HIVE_PSEUDO_MAP_IDX);
	}
	if (!any_call || !any_map)
		return 0;
	err = jit_blocks(c, &blocks, &nb, &bidx);
	if (err)
		return err;
	in = calloc((size_t)nb * MK_REGS, sizeof(*in));
	if (!in) {
		err = -ENOMEM;
		goto out;
	}
	/* function entries (main, local-call and callback targets): unknown */
	for (b = 0; b < nb; b++)
		if (c->pcflags[blocks[b].start] & JF_FSTART)
			for (r = 0; r < MK_REGS; r++)
				in[b * MK_REGS + r] = MK_VARY;
	do {
		changed = false;
		for (b = 0; b < nb; b++) {
			memcpy(st, &in[b * MK_REGS], sizeof(st));
			for (pc = blocks[b].start; pc < blocks[b].end; pc++)
				if (!(c->pcflags[pc] & JF_LDDW2))
					transfer(c, pc, st);
			for (int s = 0; s < 2; s++) {
				uint32_t t = blocks[b].succ[s];

				if (t == UINT32_MAX)
					continue;
				for (r = 0; r < MK_REGS; r++) {
					uint64_t *d = &in[t * MK_REGS + r], m = meet(*d, st[r]);

					if (m != *d) {
						*d = m;
						changed = true;
					}
				}
			}
		}
	} while (changed && ++rounds < 64);
	if (changed)
		goto out;       /* not settled: no call site is known */
	for (b = 0; b < nb && !err; b++) {
		memcpy(st, &in[b * MK_REGS], sizeof(st));
		for (pc = blocks[b].start; pc < blocks[b].end && !err; pc++) {
			if (c->pcflags[pc] & JF_LDDW2)
				continue;
			if (map_call_kind(c, &c->insns[pc]) != MC_NONE && st[1] != MK_TOP &&
			    st[1] != MK_VARY)
				err = add_mapcall(c, pc, st[1], &cap);
			transfer(c, pc, st);
		}
	}
	if (!err)
		plan_calls(c);
out:
	free(in);
	free(blocks);
	free(bidx);
	return err;
}

const struct jit_mapcall *jit_mapcall_at(const struct jit_ctx *c, uint32_t pc)
{
	uint32_t lo = 0, hi = c->nmapcalls;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (c->mapcalls[mid].pc == pc)
			return &c->mapcalls[mid];
		if (c->mapcalls[mid].pc < pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

#if HIVE_JIT_X86_64

/* Whether a static grant of the VM covers every value of array @m. */
static bool array_granted(const struct jit_ctx *c, const struct hive_map *m)
{
	uintptr_t start = (uintptr_t)m->data;
	uintptr_t end = start + (uint64_t)(m->max_entries - 1) * m->stride + m->value_size;
	uint32_t i;

	for (i = 0; i < c->vm->nregions; i++)
		if (c->vm->regions[i].start <= start && c->vm->regions[i].end >= end)
			return true;
	return false;
}

/* rax = data + idx * stride, idx a zero-extended host register (not rax). */
static void emit_elem_addr(struct jit_ctx *c, const struct hive_map *m, int idx)
{
	struct x86_mem slot;
	uint32_t st = m->stride;

	if (st == 1 || st == 2 || st == 4 || st == 8) {
		emit_mov_imm64(c, RAX, (uint64_t)(uintptr_t)m->data);  /* rax = value area */
		slot = mem_bid(RAX, idx, (unsigned)__builtin_ctz(st), 0);
		emit_lea(c, true, RAX, &slot);               /* rax += idx * stride */
		return;
	}
	if (!(st & (st - 1))) {
		emit_mov_rr(c, true, RAX, idx);
		emit_shift_ri(c, OP_W, SH_SHL, RAX, (uint8_t)__builtin_ctz(st)); /* rax = idx << log2 stride */
	} else {
		emit_imul_rri(c, true, RAX, idx, (int32_t)st);  /* rax = idx * stride */
	}
	emit_mov_imm64(c, TMP, (uint64_t)(uintptr_t)m->data);  /* r11 = value area */
	emit_alu_rr(c, true, ALU_ADD, RAX, TMP);             /* rax += r11 */
}

/*
 * rax = idx < max_entries ? data + idx * stride : NULL. idx: *(u32 *)r2
 * (@mc NULL or JIT_KEY_MEM), or the low 32 bits of the forwarded register
 * (used as is when its upper half is known zero; no compare when it is
 * known below max_entries). As the kernel's inline lookup for privileged
 * programs: a predicted branch, no index masking.
 */
static void emit_array_lookup(struct jit_ctx *c, const struct hive_map *m,
			      const struct jit_mapcall *mc)
{
	struct x86_mem key = mem_bd(RSI, 0);
	int idx = TMP2;
	uint32_t j_null;

	if (!mc || mc->key != JIT_KEY_REG) {
		emit_load(c, 4, TMP2, &key);                 /* r10d = *(u32 *)r2 */
	} else if (!mc->key_zext || xreg(mc->key_reg) == RAX) {
		emit_mov_rr(c, false, TMP2, xreg(mc->key_reg)); /* r10d = the key register */
	} else {
		idx = xreg(mc->key_reg);                     /* upper half already zero */
		if (mc->key_inrange) {
			emit_elem_addr(c, m, idx);           /* rax = its element */
			return;
		}
	}
	emit_alu_rr(c, false, ALU_XOR, RAX, RAX);            /* rax = NULL */
	emit_alu_ri(c, false, ALU_CMP, idx, (int32_t)m->max_entries); /* cmp idx, max_entries */
	j_null = emit_jcc8_fwd(c, CC_AE);                    /* jae .null */
	emit_elem_addr(c, m, idx);                           /* rax = the element */
	patch8_here(c, j_null);
}

/* Checked run: jump to the returned byte's target unless r2 .. r2+4 lies
 * in the current frame [r10 - 512, r10). */
static uint32_t emit_key_in_frame(struct jit_ctx *c)
{
	emit_mov_rr(c, true, TMP, RBP);                      /* r11 = r10 */
	emit_alu_rr(c, true, ALU_SUB, TMP, RSI);             /* r11 -= r2 */
	emit_alu_ri(c, true, ALU_SUB, TMP, 4);               /* r11 -= 4 */
	emit_alu_ri(c, true, ALU_CMP, TMP, HIVE_STACK_SIZE - 4); /* within [0, 508]? */
	return emit_jcc8_fwd(c, CC_A);                       /* ja .slow */
}

bool jit_emit_map_call(struct jit_ctx *c, const struct hive_insn *in, uint32_t pc)
{
	enum map_call_kind kind = map_call_kind(c, in);
	const struct jit_mapcall *mc = jit_mapcall_at(c, pc);
	struct hive_map *m = mc ? mc->map : NULL;
	uint32_t j_slow, j_end;
	htab_lookup_fn fast;

	if (!m || c->blind || kind == MC_NONE)
		return false;
	if (array_inline(m, kind)) {
		if (!c->checks) {
			if (mc->key == JIT_KEY_CONST)                /* rax = the element or NULL */
				emit_mov_imm64(c, RAX, mc->key_imm < m->max_entries ?
					       (uint64_t)(uintptr_t)m->data +
						       (uint64_t)mc->key_imm * m->stride : 0);
			else
				emit_array_lookup(c, m, mc);
			return true;
		}
		if (!array_granted(c, m))
			return false;
		j_slow = emit_key_in_frame(c);
		emit_array_lookup(c, m, NULL);
		j_end = emit_jcc8_fwd(c, -1);                    /* jmp .done */
		patch8_here(c, j_slow);
		emit_helper_generic(c, in, pc);                  /* .slow: the helper */
		patch8_here(c, j_end);
		return true;
	}
	if (c->checks || (kind == MC_LOOKUP && !m->ops->lookup))
		return false;
	emit_mov_imm64(c, RDI, (uint64_t)(uintptr_t)m);      /* r1 = map */
	switch (kind) {
	case MC_LOOKUP:
		fast = htab_fast_lookup(m);
		emit_call_abs(c, (const void *)(fast ? fast : m->ops->lookup)); /* r0 = lookup(map, key) */
		break;
	case MC_UPDATE:
		emit_call_abs(c, (const void *)map_update_elem); /* eax = update(map, k, v, flags) */
		emit_op_rr(c, OP_W, 0x63, RAX, RAX);             /* movsxd rax, eax */
		break;
	default:
		emit_call_abs(c, (const void *)map_delete_elem); /* eax = delete(map, key) */
		emit_op_rr(c, OP_W, 0x63, RAX, RAX);             /* movsxd rax, eax */
		break;
	}
	return true;
}

#endif /* HIVE_JIT_X86_64 */
