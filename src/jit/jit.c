/*
 * jit.c - the JIT driver: analysis, layout passes, the final pass into W^X
 * memory, and the entry points the VM uses (jit_compile, jit_free, the
 * hive_run_call() entry).
 *
 * Passes. Pass 0 bounds the code size: every jump long, every helper call
 * absolute, every loop head fully padded; the code memory is mapped with
 * that size (its address then decides which helper calls can be rel32).
 * Later passes emit every jump short unless an earlier pass saw its
 * displacement out of rel8 range; after each pass the recorded jumps are
 * checked and the ones that do not fit become long for good. Loop heads
 * are padded with NOPs to JIT_ALIGN from their actual position. When a pass
 * makes no jump long, the layout is settled: one more pass writes the code
 * and must reproduce it exactly. Any failure returns an error and
 * hive_vm_load falls back to the interpreter.
 *
 * Image: a 32-byte header (struct jit_hdr), the entry trampoline, the
 * eBPF body in program order (each function preceded by its prologue),
 * out-of-line stubs, shared routines.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "jit/x86_64.h"
#include "util/util.h"

int jit_test_flags;

int hive_vm_set_jit_blinding(struct hive_vm *vm, bool on)
{
	if (!vm)
		return -EINVAL;
	vm->jit_blind = on;
	return 0;
}

#if HIVE_JIT_X86_64

/* Generated code offsets are 32-bit; stay far from the limit. */
#define JIT_MAX_IMAGE (1u << 30)

_Static_assert(sizeof(struct jit_hdr) == JIT_HDR_SIZE, "image header size");

void jit_add_stub(struct jit_ctx *c, enum jit_stub_kind kind, uint32_t arg, uint32_t arg2,
		  uint32_t back)
{
	if (c->nstubs == c->stub_cap) {
		uint32_t cap = c->stub_cap ? c->stub_cap * 2 : 64;
		struct jit_stub *s = realloc(c->stubs, (size_t)cap * sizeof(*s));

		if (!s) {
			c->err = -ENOMEM;
			return;
		}
		c->stubs = s;
		c->stub_cap = cap;
	}
	c->stubs[c->nstubs++] = (struct jit_stub){ (uint8_t)kind, arg, arg2, back };
	c->stub_bytes += jit_stub_size(kind);
}

void jit_add_jump(struct jit_ctx *c, uint32_t target, uint32_t end)
{
	if (c->njumps == c->jump_cap) {
		uint32_t cap = c->jump_cap ? c->jump_cap * 2 : 256;
		struct jit_jump *j = realloc(c->jumps, (size_t)cap * sizeof(*j));

		if (!j) {
			c->err = -ENOMEM;
			return;
		}
		c->jumps = j;
		c->jump_cap = cap;
	}
	c->jumps[c->njumps++] = (struct jit_jump){ c->cur_pc, target, end };
}

/* Make long every short jump of the last pass that did not reach; returns
 * whether any changed. */
static bool promote_jumps(struct jit_ctx *c)
{
	bool changed = false;
	uint32_t i;

	for (i = 0; i < c->njumps; i++) {
		const struct jit_jump *j = &c->jumps[i];

		if (!c->jlong[j->pc] && !is_imm8((int64_t)c->off[j->target] - j->end)) {
			c->jlong[j->pc] = 1;
			changed = true;
		}
	}
	return changed;
}

/* Multi-byte NOPs (the recommended encodings), @k bytes in total. */
static void emit_nops(struct jit_ctx *c, uint32_t k)
{
	static const uint8_t nops[9][9] = {
		{ 0x90 },
		{ 0x66, 0x90 },
		{ 0x0f, 0x1f, 0x00 },
		{ 0x0f, 0x1f, 0x40, 0x00 },
		{ 0x0f, 0x1f, 0x44, 0x00, 0x00 },
		{ 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
		{ 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
		{ 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
		{ 0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
	};

	while (k) {
		uint32_t n = k > 9 ? 9 : k, i;

		for (i = 0; i < n; i++)
			emit1(c, nops[n - 1][i]);
		k -= n;
	}
}

/* Append the bytes of ibuf to the image (final pass) and advance. */
static int flush(struct jit_ctx *c)
{
	if (c->err)
		return c->err;
	if (c->ilen > JIT_INSN_MAX)
		return -E2BIG;
	if (c->image) {
		if ((uint64_t)c->pos + c->ilen > c->image_size)
			return -EFAULT;
		memcpy(c->image + c->pos, c->ibuf, c->ilen);
	}
	c->pos += c->ilen;
	c->ilen = 0;
	return c->pos > JIT_MAX_IMAGE ? -E2BIG : 0;
}

/* Whether the instruction before pc can fall through into it. */
static bool falls_into(const struct jit_ctx *c, uint32_t pc)
{
	uint32_t prev;

	if (!pc)
		return false;
	prev = (c->pcflags[pc - 1] & JF_LDDW2) ? pc - 2 : pc - 1;
	return !(c->pcflags[prev] & JF_NOFALL);
}

static int do_pass(struct jit_ctx *c)
{
	struct jit_hdr hdr = { { 'H', 'J', 'I', 'T' }, JIT_HDR_SIZE, 0, 0, 0, 0, 0, 0 };
	uint32_t pc, i;
	int k, err;

	c->pos = 0;
	c->ilen = 0;
	c->nstubs = 0;
	c->stub_bytes = 0;
	c->njumps = 0;
	c->err = 0;
	c->cur_pc = 0;

	hdr.cb_entry = c->prev_common[COMMON_CB_ENTRY];
	hdr.flags = (c->checks ? JIT_HDR_CHECKED : 0) | (c->lean || c->custom ? JIT_HDR_LEAN : 0);
	hdr.code_size = c->prev_size;
	hdr.stubs = c->prev_stub_base;
	hdr.common = c->prev_common[0];
	memcpy(c->ibuf, &hdr, sizeof(hdr));
	c->ilen = sizeof(hdr);
	jit_emit_entry(c);
	err = flush(c);
	if (err)
		return err;

	for (pc = 0; pc < c->n; pc += (uint32_t)k) {
		uint8_t f = c->pcflags[pc];

		if ((f & JF_FSTART) && c->lean) {
			/* the lean entry falls into pc 0, the only function */
		} else if (f & JF_FSTART) {
			c->cur_mask = c->custom ? c->fmask[pc] : 0;
			if (falls_into(c, pc) && jit_prologue_len(c, pc))
				emit2(c, 0xeb, (uint8_t)jit_prologue_len(c, pc)); /* jmp over it */
			jit_emit_prologue(c);
		} else if ((f & JF_LOOP) && !falls_into(c, pc)) {
			/* loop head after a jump or exit: NOPs (never executed)
			 * up to the next JIT_ALIGN boundary */
			emit_nops(c, c->upper ? JIT_ALIGN - 1 : (JIT_ALIGN - c->pos % JIT_ALIGN) % JIT_ALIGN);
		}
		err = flush(c);
		if (err)
			return err;
		c->off[pc] = c->pos;
		c->cur_pc = pc;
		if (c->checks && (f & JF_LEADER))
			jit_emit_budget(c, pc);
		k = jit_emit_group(c, pc);
		if (k <= 0)
			return k < 0 ? k : -EFAULT;
		if (pc + (uint32_t)k > c->n)
			return -EFAULT;
		for (i = 1; i < (uint32_t)k; i++)
			c->off[pc + i] = c->pos + c->ilen;
		err = flush(c);
		if (err)
			return err;
	}
	c->off[c->n] = c->pos;
	c->cur_pc = c->n;

	c->stub_base = c->pos;
	for (i = 0; i < c->nstubs; i++) {
		jit_emit_stub(c, &c->stubs[i], c->pos);
		err = flush(c);
		if (err)
			return err;
	}
	for (i = 0; i < COMMON_COUNT; i++) {
		c->common[i] = c->pos;
		jit_emit_common(c, (enum jit_common)i);
		err = flush(c);
		if (err)
			return err;
	}
	return 0;
}

static void swap_layout(struct jit_ctx *c)
{
	uint32_t *t = c->off;

	c->off = c->prev;
	c->prev = t;
	memcpy(c->prev_common, c->common, sizeof(c->common));
	c->prev_stub_base = c->stub_base;
	c->prev_size = c->pos;
}

static bool program_has_tail_call(const struct hive_vm *vm)
{
	uint32_t pc;

	for (pc = 0; pc < vm->ninsns; pc++) {
		const struct hive_insn *in = &vm->insns[pc];

		if (in->code == HIVE_OP_CALL && in->src == 0 &&
		    (uint32_t)in->imm == HIVE_HELPER_TAIL_CALL)
			return true;
		if (in->code == HIVE_OP_LDDW)
			pc++;
	}
	return false;
}

/*
 * Whether the program can use a lean frame (see jit_ctx.lean), and which
 * host callee-saved registers it then saves: those of the eBPF registers
 * it names (r6-r9), and r12 when packet loads read the run.
 */
static void choose_frame(struct jit_ctx *c)
{
	static const uint8_t bits[] = { LEAN_RBX, LEAN_R13, LEAN_R14, LEAN_R15 };
	uint32_t pc;

	c->lean = !c->checks;
	c->lean_saves = 0;
	for (pc = 0; pc < c->n && c->lean; pc++) {
		const struct hive_insn *in = &c->insns[pc];
		uint8_t k = isa_desc(in->code)->kind;

		if (k == HIVE_K_CALL || k == HIVE_K_ATOMIC ||
		    (k == HIVE_K_LDDW && in->src == HIVE_PSEUDO_FUNC))
			c->lean = false;
		if (k == HIVE_K_LDABS || k == HIVE_K_LDIND)
			c->lean_saves |= LEAN_R12;
		if (in->dst >= 6 && in->dst <= 9)
			c->lean_saves |= bits[in->dst - 6];
		if (in->src >= 6 && in->src <= 9 && k != HIVE_K_LDDW)
			c->lean_saves |= bits[in->src - 6];
		if (k == HIVE_K_LDDW)
			pc++;
	}
}

/* Whether control passes between functions other than by call and exit
 * (a jump into another function's code, or falling into the next one):
 * the verifier refuses that, the uniform frames still run it right. */
static bool crosses_functions(const struct jit_ctx *c)
{
	uint32_t *fn = malloc((size_t)c->n * sizeof(*fn)), pc, id = 0;
	bool cross = false;

	if (!fn)
		return true;
	for (pc = 0; pc < c->n; pc++) {
		if (pc && (c->pcflags[pc] & JF_FSTART)) {
			id++;
			cross |= falls_into(c, pc);
		}
		fn[pc] = id;
	}
	for (pc = 0; pc < c->n && !cross; pc++) {
		const struct hive_insn *in = &c->insns[pc];

		if (c->pcflags[pc] & JF_LDDW2)
			continue;
		if (isa_is_jump(in))
			cross = fn[isa_jump_target(in, pc)] != fn[pc];
	}
	free(fn);
	return cross;
}

/*
 * Frames of the program's functions: custom frames (see jit_ctx.custom)
 * when the program is unchecked, not lean, and has no tail call and no
 * callback; run->depth is kept only when something may read it.
 */
static int plan_frames(struct jit_ctx *c)
{
	static const uint8_t bits[] = { LEAN_RBX, LEAN_R13, LEAN_R14, LEAN_R15 };
	bool helpers = false, funcs = false;
	uint8_t mask = 0, all = 0;
	uint32_t pc, start = 0;
	bool calls = false;

	for (pc = 0; pc < c->n; pc++) {
		const struct hive_insn *in = &c->insns[pc];

		helpers |= in->code == HIVE_OP_CALL && in->src == 0;
		funcs |= in->code == HIVE_OP_LDDW && in->src == HIVE_PSEUDO_FUNC;
		if (in->code == HIVE_OP_LDDW)
			pc++;
	}
	c->track_depth = c->checks || helpers || funcs;
	c->custom = !c->checks && !c->lean && !c->has_tail && !funcs && !crosses_functions(c);
	if (!c->custom)
		return 0;
	c->fmask = calloc(c->n, 1);
	if (!c->fmask)
		return -ENOMEM;
	/* per function: callee-saved registers named, calls (alignment) */
	for (pc = 0; pc <= c->n; pc++) {
		const struct hive_insn *in;
		uint8_t k;

		if (pc == c->n || (pc && (c->pcflags[pc] & JF_FSTART))) {
			unsigned pushes = (unsigned)__builtin_popcount(mask);

			if (calls && !(pushes & 1))
				mask |= FM_PAD;
			c->fmask[start] = mask;
			all |= mask & 0x0f;
			if (pc == c->n)
				break;
			start = pc;
			mask = 0;
			calls = false;
		}
		if (c->pcflags[pc] & JF_LDDW2)
			continue;
		in = &c->insns[pc];
		k = isa_desc(in->code)->kind;
		calls |= k == HIVE_K_CALL || k == HIVE_K_ATOMIC;
		if (in->dst >= 6 && in->dst <= 9)
			mask |= bits[in->dst - 6];
		if (k == HIVE_K_ATOMIC && (in->imm & HIVE_FETCH) && in->src >= 6 && in->src <= 9)
			mask |= bits[in->src - 6];
	}
	/* the main function saves what any function does (an error unwinds
	 * straight to its frame) and always keeps rsp 16-aligned */
	c->fmask[0] = (uint8_t)(all | (__builtin_popcount(all) & 1 ? 0 : FM_PAD));
	return 0;
}

static uint64_t random_key(void)
{
	uint64_t k = 0;
	struct timespec ts;

	if (getrandom(&k, sizeof(k), GRND_NONBLOCK) != sizeof(k)) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		k = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)(uintptr_t)&k;
	}
	return k;
}

/*
 * vm->jit_offsets: 2n + 1 entries. [pc] is the image offset of the code of
 * pc ([n]: the end of the body); [n + 1 + pc] is the prologue length of
 * the function starting at pc (0 elsewhere), so its entry point is
 * [pc] - [n + 1 + pc].
 */
static int offset_table(struct jit_ctx *c)
{
	uint32_t *t = realloc(c->off, (2 * (size_t)c->n + 1) * sizeof(*t)), pc;

	if (!t)
		return -ENOMEM;
	c->off = t;
	for (pc = 0; pc < c->n; pc++)
		t[c->n + 1 + pc] = (c->pcflags[pc] & JF_FSTART) ? jit_prologue_len(c, pc) : 0;
	return 0;
}

/* The hive_run_call() entry of compiled programs (vm->jit_call). */
static int jit_call(struct hive_run *run, uint32_t pc, const uint64_t args[5], uint64_t *r0)
{
	typedef uint64_t (*cb_fn)(struct hive_run *, uintptr_t, const uint64_t *, uintptr_t);
	struct hive_vm *vm = run->vm;
	const struct jit_hdr *h = vm->jit_code;
	uint32_t depth = run->depth;
	uintptr_t frame, fn;
	cb_fn cb;
	uint64_t ret;

	if (run->err)
		return run->err;
	if (!h || pc >= vm->ninsns)
		return -EINVAL;
	if (depth + 1 >= HIVE_MAX_CALL_FRAMES) {
		vm_run_fail(run, -HIVE_EDEPTH, pc, "callback exceeds the call depth limit of %d "
			    "frames", HIVE_MAX_CALL_FRAMES);
		return run->err;
	}
	frame = run->stack_top - (uintptr_t)(depth + 1) * HIVE_STACK_SIZE;
	if (vm->checks)
		memset((void *)(frame - HIVE_STACK_SIZE), 0, HIVE_STACK_SIZE);
	cb = (cb_fn)((uintptr_t)vm->jit_code + h->cb_entry);
	fn = (uintptr_t)vm->jit_code + vm->jit_offsets[pc] - jit_prologue_at(vm, pc);
	run->depth = depth + 1;
	ret = cb(run, fn, args, frame);
	run->depth = depth;
	run->vm = vm;
	if (run->err)
		return run->err;
	*r0 = ret;
	return 0;
}

static void ctx_free(struct jit_ctx *c)
{
	jit_analysis_free(c);
	free(c->off);
	free(c->prev);
	free(c->stubs);
	free(c->jlong);
	free(c->jumps);
	free(c->fmask);
	free(c);
}

int jit_compile(struct hive_vm *vm)
{
	struct jit_ctx *c;
	size_t alloc = 0;
	void *mem = NULL;
	int err, pass, sealed;
	bool converged = false;

	if (!vm || !vm->ninsns || !vm->insns || !vm->ldimm)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->vm = vm;
	c->insns = vm->insns;
	c->n = vm->ninsns;
	c->checks = vm->checks;
	c->blind = vm->jit_blind;
	c->blind_key = c->blind ? random_key() : 0;
	c->bmi2 = jit_host_bmi2() && !(jit_test_flags & JIT_TEST_NO_BMI2);
	c->has_tail = program_has_tail_call(vm);
	choose_frame(c);
	c->off = calloc((size_t)c->n + 1, sizeof(*c->off));
	c->prev = calloc((size_t)c->n + 1, sizeof(*c->prev));
	c->jlong = calloc(c->n, 1);
	if (!c->off || !c->prev || !c->jlong) {
		err = -ENOMEM;
		goto out;
	}
	err = jit_analyze(c);
	if (!err)
		err = plan_frames(c);
	if (err)
		goto out;

	/* pass 0: the largest layout, mapped */
	c->upper = true;
	err = do_pass(c);
	if (err)
		goto out;
	{
		const void *near = (const void *)jit_compile;

		if (vm->nhelpers && vm->helpers[vm->nhelpers - 1].fn)
			near = (const void *)vm->helpers[vm->nhelpers - 1].fn;
		alloc = c->pos;
		mem = jit_test_flags & JIT_TEST_FAIL_ALLOC ? NULL : jit_exec_alloc(alloc, near);
		if (!mem) {
			err = -ENOMEM;
			goto out;
		}
		c->image_addr = (uintptr_t)mem;
		c->image_size = (uint32_t)alloc;
	}
	swap_layout(c);
	c->upper = false;
	for (pass = 1; !converged; pass++) {
		if (pass == JIT_MAX_PASSES)     /* give up on short jumps */
			memset(c->jlong, 1, c->n);
		err = do_pass(c);
		if (err)
			goto out;
		converged = !promote_jumps(c);
		swap_layout(c);
	}
	/* final pass: write the settled layout */
	c->image = mem;
	err = do_pass(c);
	if (err)
		goto out;
	if (memcmp(c->off, c->prev, ((size_t)c->n + 1) * sizeof(*c->off)) ||
	    memcmp(c->common, c->prev_common, sizeof(c->common))) {
		err = -EFAULT;  /* the final pass must reproduce the layout */
		goto out;
	}
	err = offset_table(c);
	if (err)
		goto out;
	sealed = jit_exec_seal(mem, alloc, c->pos);
	if (sealed < 0) {
		err = sealed;
		goto out;
	}
	vm->jit_code = mem;
	vm->jit_size = (size_t)sealed;
	vm->jit_entry = (hive_jit_entry)((uintptr_t)mem + JIT_HDR_SIZE);
	vm->jit_call = jit_call;
	vm->jit_offsets = c->off;       /* see offset_table(), owned by the vm */
	c->off = NULL;
	mem = NULL;
	hive_pr_debug("jit: %u insns -> %u bytes in %d passes%s\n", c->n, c->pos, pass + 1,
		      c->checks ? " (checked)" : "");
out:
	if (mem)
		jit_exec_free(mem, alloc);
	if (err)
		hive_pr_debug("jit: cannot compile (%s)\n", hive_strerror(err));
	ctx_free(c);
	return err;
}

void jit_free(struct hive_vm *vm)
{
	if (!vm || !vm->jit_code)
		return;
	jit_exec_free(vm->jit_code, vm->jit_size);
	vm->jit_code = NULL;
	vm->jit_size = 0;
	vm->jit_entry = NULL;
	vm->jit_call = NULL;
}

uint32_t jit_image_code(const struct hive_vm *vm, const void **code)
{
	const struct jit_hdr *h;
	uint32_t start;

	*code = NULL;
	if (!vm || !vm->jit_code || !vm->jit_offsets || !vm->ninsns)
		return 0;
	h = vm->jit_code;
	/* the first function's prologue sits just before the code of pc 0 */
	start = vm->jit_offsets[0] - jit_prologue_at(vm, 0);
	if (start >= h->code_size)
		return 0;
	*code = (const uint8_t *)vm->jit_code + start;
	return h->code_size - start;
}

int64_t jit_pc_code_offset(const struct hive_vm *vm, uint32_t pc, bool *func_start)
{
	uint32_t start, at;
	bool fs;

	if (func_start)
		*func_start = false;
	if (!vm || !vm->jit_code || !vm->jit_offsets || !vm->ninsns || pc > vm->ninsns)
		return -1;
	start = vm->jit_offsets[0] - jit_prologue_at(vm, 0);
	fs = pc < vm->ninsns && jit_func_start(vm, pc);
	at = vm->jit_offsets[pc];
	if (fs)
		at -= jit_prologue_at(vm, pc);
	if (at < start)
		return -1;
	if (func_start)
		*func_start = fs;
	return at - start;
}

#else /* no backend for this host */

int jit_compile(struct hive_vm *vm)
{
	(void)vm;
	return -HIVE_ENOJIT;
}

void jit_free(struct hive_vm *vm)
{
	(void)vm;
}

uint32_t jit_image_code(const struct hive_vm *vm, const void **code)
{
	(void)vm;
	*code = NULL;
	return 0;
}

int64_t jit_pc_code_offset(const struct hive_vm *vm, uint32_t pc, bool *func_start)
{
	(void)vm;
	(void)pc;
	if (func_start)
		*func_start = false;
	return -1;
}

#endif /* HIVE_JIT_X86_64 */
