/*
 * predecode.c - turns a loaded program into the interpreter's code
 * (interp.h), once per hive_vm_load().
 *
 * 1. Each instruction is decoded alone (decode): operands extracted,
 *    immediates kept for sign extension at use, lddw values folded, selector
 *    fields (movsx widths, signed division, byte-swap widths, call kinds)
 *    turned into specialised ops, 64-bit ALU instructions into the
 *    three-address simple ops, and accesses that need no runtime check
 *    (every access of an unchecked run; in a checked run, r10-relative
 *    accesses inside the current frame) into their unchecked ops.
 * 2. Neighbours merge (absorb): `rX = rY; rX OP= Z` into one simple op,
 *    `rX <<= 32; rX >>= 32` into a 32-bit mov (s>>= 32: a movsx).
 * 3. Pairs fuse (pair_op): an opener followed by a simple op or a
 *    conditional jump becomes one entry.
 * Nothing merges across a jump target, a call target or a callback entry:
 * every place control can arrive at starts an entry. Then the budget
 * segments are counted and jump targets become entry pointers.
 *
 * The result is read-only afterwards, so any number of threads may run
 * the program at once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vm_internal.h"
#include "interp.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define HOST_BIG_ENDIAN 1
#else
#define HOST_BIG_ENDIAN 0
#endif

/* General op of every opcode byte (0 for illegal bytes, never looked up). */
static const uint8_t base_op[256] = {
#define X(name, code, kind, mnem, width) [code] = IOP_##name,
#include "isa/insn_def.h"
#undef X
};

/* The openers lead INTERP_SIMPLE in the same order (pair_op relies on it). */
enum {
#define Y(name, ...) OPENER_##name,
	INTERP_OPENERS(Y, 0)
#undef Y
};
#define Y(name, ...) _Static_assert(IOP_##name - IOP_SIMPLE == OPENER_##name, \
				    "INTERP_OPENERS must lead INTERP_SIMPLE");
INTERP_OPENERS(Y, 0)
#undef Y
/* The producers lead INTERP_OPENERS in the same order. */
#define Y(name, ...) _Static_assert(IOP_##name - IOP_SIMPLE == OPENER_##name, \
				    "INTERP_PRODUCERS must lead INTERP_OPENERS");
INTERP_PRODUCERS(Y, 0)
#undef Y

/* An entry under construction. */
struct unit {
	struct ientry e;        /* op number in e.op; target pc in e.imm64 */
	uint32_t pc;            /* first instruction */
	uint32_t slots;         /* instruction slots covered */
	uint32_t ncomp;         /* instructions covered (an lddw counts once) */
	bool ends;              /* the last one may transfer control */
	bool target;            /* the last one jumps or calls: e.imm64 is a pc */
};

/* Whether an instruction may transfer control: it ends a budget segment. */
static bool ends_segment(const struct hive_insn *in)
{
	switch (isa_desc(in->code)->kind) {
	case HIVE_K_JA: case HIVE_K_JA32: case HIVE_K_JCC_K: case HIVE_K_JCC_X:
	case HIVE_K_CALL: case HIVE_K_EXIT:
	case HIVE_K_LDABS: case HIVE_K_LDIND:   /* out of bounds: the program exits */
		return true;
	default:
		return false;
	}
}

/* Whether an instruction jumps or calls a local function. */
static bool has_target(const struct hive_insn *in)
{
	return isa_is_jump(in) || (in->code == HIVE_OP_CALL && in->src == HIVE_PSEUDO_CALL);
}

/*
 * Whether r10 stays the frame pointer for the whole program. isa_check_prog
 * refuses every write to r10 but one: an atomic fetch (or xchg) names its
 * src register as destination of the old value. Such a program keeps the
 * checked handlers for its stack accesses.
 */
static bool fp_is_stable(const struct hive_vm *vm)
{
	uint32_t pc;

	for (pc = 0; pc < vm->ninsns; pc++) {
		const struct hive_insn *in = &vm->insns[pc];

		if (isa_desc(in->code)->kind == HIVE_K_ATOMIC && in->src == HIVE_REG_FP &&
		    (in->imm & HIVE_FETCH) && in->imm != HIVE_CMPXCHG)
			return false;
	}
	return true;
}

/* Whether an access of @size bytes at reg @base + @off needs no check:
 * unchecked runs, and r10-relative accesses inside the current frame. */
static bool no_check(const struct hive_vm *vm, bool fp_ok, unsigned base, int16_t off,
		     unsigned size)
{
	return !vm->checks || (fp_ok && base == HIVE_REG_FP && off >= -HIVE_STACK_SIZE &&
			       off <= -(int)size);
}

/* Unchecked op of a load or store opcode. */
static unsigned unchecked_op(uint8_t code)
{
	switch (code) {
	case HIVE_OP_LDXW:  return IOP_S_LDXW;
	case HIVE_OP_LDXH:  return IOP_S_LDXH;
	case HIVE_OP_LDXB:  return IOP_S_LDXB;
	case HIVE_OP_LDXDW: return IOP_S_LDXDW;
	case HIVE_OP_LDXSW: return IOP_LDXSW_U;
	case HIVE_OP_LDXSH: return IOP_LDXSH_U;
	case HIVE_OP_LDXSB: return IOP_LDXSB_U;
	case HIVE_OP_STW:   return IOP_STW_U;
	case HIVE_OP_STH:   return IOP_STH_U;
	case HIVE_OP_STB:   return IOP_STB_U;
	case HIVE_OP_STDW:  return IOP_STDW_U;
	case HIVE_OP_STXW:  return IOP_S_STXW;
	case HIVE_OP_STXH:  return IOP_S_STXH;
	case HIVE_OP_STXB:  return IOP_S_STXB;
	default:            return IOP_S_STXDW;
	}
}

/* Simple op of a 64-bit ALU opcode (two-address: s = d), or 0. */
static unsigned simple_alu(uint8_t code)
{
	switch (code) {
	case HIVE_OP_MOV64_IMM:  return IOP_S_MOVI;
	case HIVE_OP_ADD64_IMM:  return IOP_S_ADDI;
	case HIVE_OP_AND64_IMM:  return IOP_S_ANDI;
	case HIVE_OP_OR64_IMM:   return IOP_S_ORI;
	case HIVE_OP_XOR64_IMM:  return IOP_S_XORI;
	case HIVE_OP_LSH64_IMM:  return IOP_S_LSHI;
	case HIVE_OP_RSH64_IMM:  return IOP_S_RSHI;
	case HIVE_OP_ARSH64_IMM: return IOP_S_ARSHI;
	case HIVE_OP_MUL64_IMM:  return IOP_S_MULI;
	case HIVE_OP_ADD64_REG:  return IOP_S_ADD;
	case HIVE_OP_SUB64_REG:  return IOP_S_SUB;
	case HIVE_OP_AND64_REG:  return IOP_S_AND;
	case HIVE_OP_OR64_REG:   return IOP_S_OR;
	case HIVE_OP_XOR64_REG:  return IOP_S_XOR;
	case HIVE_OP_MUL64_REG:  return IOP_S_MUL;
	case HIVE_OP_NEG64:      return IOP_S_NEG;
	default:                 return 0;
	}
}

/* Simple ops whose k is a register index. */
static bool k_is_reg(unsigned op)
{
	return op == IOP_S_ADD || op == IOP_S_SUB || op == IOP_S_AND || op == IOP_S_OR ||
	       op == IOP_S_XOR || op == IOP_S_MUL;
}

/* Op of a byte swap: BSWAP (always), LE or BE (swap when the host differs). */
static unsigned end_op(const struct hive_insn *in)
{
	bool swap = in->code == HIVE_OP_BSWAP ||
		    (in->code == HIVE_OP_BE) != HOST_BIG_ENDIAN;

	switch (in->imm) {
	case 16: return swap ? IOP_BSWAP16 : IOP_ZEXT16;
	case 32: return swap ? IOP_BSWAP32 : IOP_ZEXT32;
	default: return swap ? IOP_BSWAP64 : IOP_NOP;
	}
}

static unsigned mov_op(const struct hive_insn *in)
{
	bool w64 = in->code == HIVE_OP_MOV64_REG;

	switch (in->off) {
	case 8:  return w64 ? IOP_MOVSX64_8 : IOP_MOVSX_8;
	case 16: return w64 ? IOP_MOVSX64_16 : IOP_MOVSX_16;
	case 32: return IOP_MOVSX64_32;
	default: return w64 ? IOP_S_MOV : IOP_S_MOV32;
	}
}

/* Unsigned division and modulo (off 0) have their own ops. */
static unsigned div_op(const struct hive_insn *in)
{
	if (in->off)
		return base_op[in->code];
	switch (in->code) {
	case HIVE_OP_DIV64_IMM: return IOP_UDIV64_IMM;
	case HIVE_OP_DIV64_REG: return IOP_UDIV64_REG;
	case HIVE_OP_MOD64_IMM: return IOP_UMOD64_IMM;
	case HIVE_OP_MOD64_REG: return IOP_UMOD64_REG;
	case HIVE_OP_DIV_IMM:   return IOP_UDIV_IMM;
	case HIVE_OP_DIV_REG:   return IOP_UDIV_REG;
	case HIVE_OP_MOD_IMM:   return IOP_UMOD_IMM;
	default:                return IOP_UMOD_REG;
	}
}

/* ALU instruction: a simple op where there is one, else its own op. */
static unsigned decode_alu(const struct hive_insn *in, struct ientry *e)
{
	unsigned op = simple_alu(in->code);

	if (in->code == HIVE_OP_SUB64_IMM && in->imm != INT32_MIN) {
		e->k = -in->imm;                /* dst -= imm: dst += -imm */
		op = IOP_S_ADDI;
	} else if (in->code == HIVE_OP_MOV_IMM && in->imm >= 0) {
		op = IOP_S_MOVI;                /* zero-extension keeps the value */
	}
	if (!op)
		return base_op[in->code];
	if (op != IOP_S_MOVI)
		e->s = in->dst;                 /* two-address: s = d */
	if (k_is_reg(op))
		e->k = in->src;
	return op;
}

/*
 * Decode the instruction at @pc into @e (op number, not yet a handler).
 * Jump and call targets are left as pcs in e->imm64. Returns the
 * instruction's slots.
 */
static unsigned decode(const struct hive_vm *vm, bool fp_ok, uint32_t pc, struct ientry *e)
{
	const struct hive_insn *in = &vm->insns[pc];
	const struct isa_desc *d = isa_desc(in->code);
	unsigned op = base_op[in->code];

	memset(e, 0, sizeof(*e));
	e->d = in->dst;
	e->s = in->src;
	switch (d->kind) {
	case HIVE_K_ALU_K:
		e->k = in->imm;
		op = decode_alu(in, e);
		break;
	case HIVE_K_ALU_X:
	case HIVE_K_NEG:
		op = decode_alu(in, e);
		break;
	case HIVE_K_DIV_K:
		e->k = in->imm;
		e->k2 = in->off;
		op = div_op(in);
		break;
	case HIVE_K_DIV_X:
		e->k2 = in->off;
		op = div_op(in);
		break;
	case HIVE_K_MOV_X:
		e->k2 = in->off;
		op = mov_op(in);
		break;
	case HIVE_K_END:
		e->k = in->imm;
		op = end_op(in);
		break;
	case HIVE_K_JA:
	case HIVE_K_JCC_K:
	case HIVE_K_JCC_X:
		e->k = in->imm;
		e->imm64 = (uint64_t)((int64_t)pc + 1 + in->off);
		break;
	case HIVE_K_JA32:
		e->imm64 = (uint64_t)((int64_t)pc + 1 + in->imm);
		break;
	case HIVE_K_CALL:
		e->k = in->imm;
		if (in->src == HIVE_PSEUDO_CALL) {
			op = IOP_CALL_LOCAL;
			e->imm64 = (uint64_t)((int64_t)pc + 1 + in->imm);
		} else if ((uint32_t)in->imm == HIVE_HELPER_TAIL_CALL) {
			op = IOP_TAIL_CALL;
		} else {
			op = IOP_CALL_HELPER;
		}
		break;
	case HIVE_K_LDDW:
		e->imm64 = vm->ldimm[pc];
		e->s = 0;
		e->op = op;
		return 2;
	case HIVE_K_LDABS:
	case HIVE_K_LDIND:
		e->k = in->imm;
		break;
	case HIVE_K_LDX:
	case HIVE_K_LDXSX:
		e->k = in->off;
		if (no_check(vm, fp_ok, in->src, in->off, isa_bytes(d->width)))
			op = unchecked_op(in->code);
		break;
	case HIVE_K_ST:
	case HIVE_K_STX:
		e->k = in->off;
		e->k2 = in->imm;
		if (no_check(vm, fp_ok, in->dst, in->off, isa_bytes(d->width)))
			op = unchecked_op(in->code);
		break;
	case HIVE_K_ATOMIC:
		e->k = in->off;
		e->k2 = in->imm;
		break;
	default:        /* EXIT: no operand */
		break;
	}
	e->op = op;
	return 1;
}

/* Simple ops that write d from s as their main operand: a preceding
 * `d = a` can be folded in by reading a instead (absorb). */
static bool reads_s_into_d(unsigned op)
{
	if (op < IOP_SIMPLE || op >= IOP_SIMPLE + INTERP_NSIMPLE)
		return false;
	switch (op) {
	case IOP_S_MOVI: case IOP_S_MOV:
	case IOP_S_STXB: case IOP_S_STXH: case IOP_S_STXW: case IOP_S_STXDW:
		return false;
	default:
		return true;
	}
}

/*
 * Merge unit @b into @a when the two are one simple op (step 2 of the file
 * comment). Returns whether it did.
 */
static bool absorb(struct unit *a, const struct unit *b)
{
	struct ientry *x = &a->e;
	const struct ientry *y = &b->e;
	unsigned op = (unsigned)y->op;

	if (x->op == IOP_S_MOV && reads_s_into_d(op) && y->d == x->d && y->s == x->d) {
		uint8_t src = x->s;             /* d = a; d OP= z  ->  d = a OP z */

		*x = *y;
		x->s = src;
		if (k_is_reg(op) && y->k == y->d)
			x->k = src;             /* z was d, which held a */
	} else if (x->op == IOP_S_LSHI && x->k == 32 && y->d == x->d && y->s == x->d &&
		   y->k == 32 && (op == IOP_S_RSHI || op == IOP_S_ARSHI)) {
		/* d = x << 32 >> 32: (u32)x; with s>> 32: (s32)x */
		x->op = op == IOP_S_RSHI ? IOP_S_MOV32 : IOP_MOVSX64_32;
		x->k = 0;
	} else {
		return false;
	}
	a->slots += b->slots;
	a->ncomp += b->ncomp;
	a->ends = b->ends;
	a->target = b->target;
	return true;
}

/* Conditional jumps that may close a pair, in INTERP_CONDS order. */
static const uint16_t cond_ops[] = {
#define Y(name, ...) IOP_##name,
	INTERP_CONDS(Y, 0)
#undef Y
};

/* Simple ops that may close a chain through k, in INTERP_KREADERS order. */
static const uint16_t kreader_ops[] = {
#define Y(name, ...) IOP_##name,
	INTERP_KREADERS(Y, 0)
#undef Y
};

/* Index of @op in @list of @n ops, or -1. */
static int index_of(const uint16_t *list, unsigned n, uintptr_t op)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (list[i] == op)
			return (int)i;
	return -1;
}

/*
 * Op of the pair @a then @b (step 3 of the file comment), or 0: a chain
 * when @a writes a register that @b reads as its s (simple op) or its d
 * (conditional jump), else a plain pair.
 */
static unsigned pair_op(const struct unit *a, const struct unit *b)
{
	unsigned x = (unsigned)a->e.op - IOP_SIMPLE, y = (unsigned)b->e.op - IOP_SIMPLE;
	bool producer;
	int c;

	if (a->e.op < IOP_SIMPLE || x >= INTERP_NOPENERS)
		return 0;
	producer = x < INTERP_NPRODUCERS;
	if (b->e.op >= IOP_SIMPLE && y < INTERP_NSIMPLE) {
		if (producer && b->e.op != IOP_S_MOVI && b->e.s == a->e.d)
			return IOP_CHAINS_S + x * INTERP_NSIMPLE + y;
		c = index_of(kreader_ops, INTERP_NKREADERS, b->e.op);
		if (producer && c >= 0 && (uint32_t)b->e.k == a->e.d)
			return IOP_CHAINS_K + x * INTERP_NKREADERS + (unsigned)c;
		return IOP_PAIRS_S + x * INTERP_NSIMPLE + y;
	}
	c = index_of(cond_ops, INTERP_NCONDS, b->e.op);
	if (c < 0)
		return 0;
	if (producer && b->e.op != IOP_JA && b->e.d == a->e.d)
		return IOP_CHAINS_C + x * INTERP_NCONDS + (unsigned)c;
	return IOP_PAIRS_C + x * INTERP_NCONDS + (unsigned)c;
}

/* Fuse unit @b into unit @a as the second half of pair op @op. */
static void pair(struct unit *a, const struct unit *b, unsigned op)
{
	a->e.op = op;
	a->e.d2 = b->e.d;
	a->e.s2 = b->e.s;
	a->e.k2 = b->e.k;
	a->e.imm64 = b->e.imm64;        /* jump target pc (simple ops have none) */
	a->slots += b->slots;
	a->ncomp += b->ncomp;
	a->ends = b->ends;
	a->target = b->target;
}

/* Replace op numbers by handler addresses (computed-goto build). */
static void bind(struct ientry *e, const void *const *handlers)
{
	if (handlers)
		e->h = handlers[e->op];
}

unsigned interp_decode_one(const struct hive_vm *vm, uint32_t pc, struct ientry *e)
{
	unsigned slots = decode(vm, vm->icode->fp_ok, pc, e);

	if (has_target(&vm->insns[pc]))
		e->t = NULL;    /* never stepped: they end their segment */
	e->seg = 1;
	bind(e, interp_handlers());
	return slots;
}

void interp_release(struct hive_vm *vm)
{
	struct interp_code *code = vm->icode;

	if (!code)
		return;
	free(code->e);
	free(code->pc);
	free(code->entry);
	free(code);
	vm->icode = NULL;
}

/* Places control can arrive at other than by falling through: pc 0, jump
 * targets, local call targets, callback entries. */
static void mark_targets(const struct hive_vm *vm, uint8_t *is_target)
{
	uint32_t pc;

	is_target[0] = 1;
	for (pc = 0; pc < vm->ninsns; pc++) {
		const struct hive_insn *in = &vm->insns[pc];

		if (vm->pc_flags[pc] & (VM_PC_FUNC | VM_PC_CALL))
			is_target[pc] = 1;
		if (isa_is_jump(in))
			is_target[isa_jump_target(in, pc)] = 1;
	}
}

/* Decode and merge the program into units (steps 1 and 2); returns how
 * many. @u has room for one unit per instruction. */
static uint32_t build_units(const struct hive_vm *vm, bool fp_ok, const uint8_t *is_target,
			    struct unit *u)
{
	uint32_t pc, n = 0;

	for (pc = 0; pc < vm->ninsns;) {
		struct unit *cur = &u[n];

		cur->pc = pc;
		cur->slots = decode(vm, fp_ok, pc, &cur->e);
		cur->ncomp = 1;
		cur->ends = ends_segment(&vm->insns[pc]);
		cur->target = has_target(&vm->insns[pc]);
		pc += cur->slots;
		if (!n || is_target[cur->pc] || !absorb(&u[n - 1], cur))
			n++;
	}
	return n;
}

/* Worth of fusing @a and @b (pair op @op): a pair saves one dispatch; a
 * conditional jump alone costs more than a simple op, and a chain saves a
 * register file round trip too. Two pairs always beat one. */
static uint32_t pair_worth(unsigned op)
{
	uint32_t w = 4;

	if (op >= IOP_CHAINS_S)
		w++;
	if ((op >= IOP_PAIRS_C && op < IOP_CHAINS_S) || (op >= IOP_CHAINS_C && op < IOP_CHAINS_K))
		w++;
	return w;
}

/*
 * Fuse pairs of units in place (step 3); returns the new count. A second
 * half must not be a place control arrives at. Which neighbours pair is
 * chosen by dynamic programming from the end (@best: n + 2 scratch
 * words): best[i] is the most worth units i.. can make, so a block's
 * closing jump gets a partner even when greedy pairing from the front
 * would have left it alone.
 */
static uint32_t fuse_pairs(const uint8_t *is_target, struct unit *u, uint32_t n, uint32_t *best)
{
	uint32_t i, m = 0;

	best[n] = best[n + 1] = 0;
	for (i = n; i-- > 0;) {
		unsigned op = i + 1 < n && !is_target[u[i + 1].pc] ? pair_op(&u[i], &u[i + 1]) : 0;
		uint32_t with = op ? pair_worth(op) + best[i + 2] : 0;

		best[i] = with > best[i + 1] ? with : best[i + 1];
	}
	for (i = 0; i < n; i++) {
		unsigned op = i + 1 < n && !is_target[u[i + 1].pc] ? pair_op(&u[i], &u[i + 1]) : 0;

		u[m] = u[i];
		if (op && pair_worth(op) + best[i + 2] == best[i] && best[i] != best[i + 1]) {
			pair(&u[m], &u[i + 1], op);
			i++;
		}
		m++;
	}
	return m;
}

/* Lay the units out as the program's code. */
static int emit(struct hive_vm *vm, struct interp_code *code, const struct unit *u, uint32_t n)
{
	const void *const *handlers = interp_handlers();
	uint32_t pc, i;

	code->e = calloc(n, sizeof(*code->e));
	code->pc = calloc(n, sizeof(*code->pc));
	code->entry = malloc((size_t)vm->ninsns * sizeof(*code->entry));
	if (!code->e || !code->pc || !code->entry)
		return -ENOMEM;
	code->n = n;
	for (pc = 0; pc < vm->ninsns; pc++)
		code->entry[pc] = UINT32_MAX;
	for (i = 0; i < n; i++) {
		code->e[i] = u[i].e;
		code->pc[i] = u[i].pc;
		code->entry[u[i].pc] = i;
	}
	/* Segments, from the end: an entry that may transfer control ends one. */
	for (i = n; i-- > 0;)
		code->e[i].seg = u[i].ncomp + (u[i].ends || i + 1 == n ? 0 : code->e[i + 1].seg);
	/* Targets: pcs become entry pointers (isa_check_prog put them inside
	 * the program, never on a second lddw slot; units start there). */
	for (i = 0; i < n; i++) {
		if (u[i].target)
			code->e[i].t = &code->e[code->entry[u[i].e.imm64]];
		bind(&code->e[i], handlers);
	}
	return 0;
}

int interp_prepare(struct hive_vm *vm)
{
	uint8_t *is_target = calloc(vm->ninsns, 1);
	struct unit *u = calloc(vm->ninsns, sizeof(*u));
	uint32_t *best = calloc((size_t)vm->ninsns + 2, sizeof(*best));
	uint32_t n;
	int err = -ENOMEM;

	vm->icode = calloc(1, sizeof(*vm->icode));
	if (!vm->icode || !is_target || !u || !best)
		goto out;
	vm->icode->fp_ok = fp_is_stable(vm);
	mark_targets(vm, is_target);
	n = build_units(vm, vm->icode->fp_ok, is_target, u);
	if (interp_pairs())
		n = fuse_pairs(is_target, u, n, best);
	err = emit(vm, vm->icode, u, n);
out:
	if (err)
		interp_release(vm);
	free(is_target);
	free(u);
	free(best);
	return err;
}
