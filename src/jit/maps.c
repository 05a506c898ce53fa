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
 *     An array key that is a constant stored to the stack in the same
 *     block (unchecked runs) folds the lookup to the element's address.
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
	c->mapcalls[c->nmapcalls++] = (struct jit_mapcall){ pc, (void *)(uintptr_t)map };
	return 0;
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
out:
	free(in);
	free(blocks);
	free(bidx);
	return err;
}

void *jit_mapcall_map(const struct jit_ctx *c, uint32_t pc)
{
	uint32_t lo = 0, hi = c->nmapcalls;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (c->mapcalls[mid].pc == pc)
			return c->mapcalls[mid].map;
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

/*
 * rax = idx < max_entries ? data + idx * stride : NULL, idx = *(u32 *)r2,
 * without a branch (the address is formed in r10, then a cmov).
 */
static void emit_array_lookup(struct jit_ctx *c, const struct hive_map *m)
{
	struct x86_mem key = mem_bd(RSI, 0), slot;
	uint32_t st = m->stride;

	emit_load(c, 4, RAX, &key);                          /* eax = index */
	emit_mov_imm64(c, TMP, (uint64_t)(uintptr_t)m->data);  /* r11 = value area */
	if (st == 1 || st == 2 || st == 4 || st == 8) {
		slot = mem_bid(TMP, RAX, (unsigned)__builtin_ctz(st), 0);
		emit_lea(c, true, TMP2, &slot);              /* r10 = r11 + rax * stride */
	} else {
		if (!(st & (st - 1))) {
			emit_mov_rr(c, true, TMP2, RAX);
			emit_shift_ri(c, OP_W, SH_SHL, TMP2, (uint8_t)__builtin_ctz(st)); /* r10 = rax << log2 stride */
		} else {
			emit_imul_rri(c, true, TMP2, RAX, (int32_t)st); /* r10 = rax * stride */
		}
		emit_alu_rr(c, true, ALU_ADD, TMP2, TMP);    /* r10 += r11 */
	}
	emit_alu_ri(c, false, ALU_CMP, RAX, (int32_t)m->max_entries); /* cmp eax, max_entries */
	emit_mov_imm64_keepflags(c, RAX, 0);                 /* rax = NULL */
	emit_cmov(c, true, CC_B, RAX, TMP2);                 /* in range: rax = r10 */
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

/*
 * The key of the call at @pc when it is a constant written to the stack in
 * the same basic block, the pattern clang emits for `u32 k = 3;
 * lookup(&map, &k)`: `*(u32 *)(r10 + off) = K`, then `r2 = r10; r2 += off`,
 * with nothing between that could change r2 or the slot (no other write
 * of r2, no store that is not a stack store to other bytes, no atomic, no
 * call). Unchecked runs only: verified code cannot reach the call in
 * another state. Returns true and sets *key.
 */
static bool const_stack_key(const struct jit_ctx *c, uint32_t pc, uint32_t *key)
{
	enum { WANT_ADD, WANT_MOV, WANT_STORE } want = WANT_ADD;
	int16_t off = 0;
	uint32_t q;

	if (c->checks || (c->pcflags[pc] & JF_TARGET))
		return false;
	for (q = pc; q-- > 0;) {
		const struct hive_insn *in = &c->insns[q];
		uint8_t cls = HIVE_CLASS(in->code);

		if (c->pcflags[q] & JF_LDDW2)
			continue;
		if (cls == HIVE_JMP || cls == HIVE_JMP32)
			return false;                /* calls, exits, branches end the scan */
		if (cls == HIVE_ST || cls == HIVE_STX) {
			static const uint8_t bytes[4] = { 4, 2, 1, 8 };   /* W, H, B, DW */
			int32_t lo = in->off, hi = lo + bytes[(in->code >> 3) & 3];

			if ((in->code & 0xe0) != HIVE_MEM || in->dst != 10 || want == WANT_ADD)
				return false;        /* atomics, stores through other pointers,
						      * stores after r2 is formed (offset unknown yet) */
			if (want == WANT_STORE && cls == HIVE_ST && in->off == off &&
			    (in->code & 0x18) == HIVE_W) {
				*key = (uint32_t)in->imm;   /* *(u32 *)(r10 + off) = K */
				return true;
			}
			if (hi > off && lo < off + 4)
				return false;        /* another write to the key's bytes */
		} else if (in->dst == 2 && cls != HIVE_LD) {
			if (want == WANT_ADD && in->code == (HIVE_ALU64 | HIVE_ADD | HIVE_K)) {
				off = (int16_t)in->imm;     /* r2 += off */
				if (in->imm != off || off > -4 || off < -HIVE_STACK_SIZE)
					return false;
				want = WANT_MOV;
			} else if (want == WANT_MOV && in->code == (HIVE_ALU64 | HIVE_MOV | HIVE_X) &&
				   in->src == 10 && in->off == 0) {
				want = WANT_STORE;          /* r2 = r10 */
			} else {
				return false;
			}
		} else if (cls == HIVE_LD && (in->code != (HIVE_LD | HIVE_DW | HIVE_IMM) || in->dst == 2)) {
			return false;                /* lddw r2, LD_ABS/LD_IND (scratch r1-r5) */
		}
		if (c->pcflags[q] & JF_TARGET)
			return false;                /* the block starts here */
	}
	return false;
}

bool jit_emit_map_call(struct jit_ctx *c, const struct hive_insn *in, uint32_t pc)
{
	enum map_call_kind kind = map_call_kind(c, in);
	struct hive_map *m = jit_mapcall_map(c, pc);
	uint32_t j_slow, j_end;
	htab_lookup_fn fast;

	if (!m || c->blind || kind == MC_NONE)
		return false;
	if (kind == MC_LOOKUP && m->map_type == BPF_MAP_TYPE_ARRAY && m->max_entries &&
	    m->stride && m->stride <= INT32_MAX) {
		if (!c->checks) {
			uint32_t k;

			if (const_stack_key(c, pc, &k))          /* rax = the element or NULL */
				emit_mov_imm64(c, RAX, k < m->max_entries ?
					       (uint64_t)(uintptr_t)m->data + (uint64_t)k * m->stride : 0);
			else
				emit_array_lookup(c, m);
			return true;
		}
		if (!array_granted(c, m))
			return false;
		j_slow = emit_key_in_frame(c);
		emit_array_lookup(c, m);
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
