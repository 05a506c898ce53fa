/*
 * x86_64_call.c - frames, calls and everything that leaves straight-line
 * code: the entry trampolines, the uniform function prologue/epilogue,
 * helper calls, local calls, tail calls, the out-of-line stubs and the
 * shared routines they jump to, and the C functions generated code calls.
 *
 * Frames. Every eBPF function (the main program, each local-call target,
 * each callback target) has the same native frame:
 *
 *     [return address] [rbx] [r13] [r14] [r15] [rbp]   <- rsp (16-aligned)
 *
 * i.e. the caller's r6-r9 and r10. The prologue pushes them and sets
 * rbp (eBPF r10) from r11, which every call site loads with the callee's
 * frame top; every `exit` pops them and returns. Because all frames look
 * alike, an `exit` reached from anywhere returns from the current frame
 * (as in the interpreter), and a tail call can continue in another
 * program's code inside the current frame.
 *
 * Entry trampoline, jit_entry(ctx, run): saves what the prologue does not
 * (r12, and in checked runs rbx/rbp/r13-r15 so r6-r9 can start at zero),
 * records rsp in run->jit_sp and calls the main function with
 * r1 = ctx, r2 = ctx size. An error anywhere jumps to the abort routine,
 * which resets rsp from run->jit_sp and returns through the main frame's
 * epilogue, restoring every host register.
 */
#include <errno.h>
#include <stddef.h>

#include "jit/x86_64.h"
#include "util/util.h"

#if HIVE_JIT_X86_64

/* Offset of the stack slot bytes above run->jit_sp that hold the main
 * function's saved registers: ret, rbx, r13, r14, r15, rbp. */
#define MAIN_FRAME_BYTES 48

/* ---- runtime, called from generated code ------------------------------------ */

/* A refused access stops the run: the rest of its block, charged on
 * entry, was not executed. */
static int jit_rt_memcheck(struct hive_run *run, uint64_t addr, uint32_t packed,
			   uint32_t refund)
{
	int err = vm_check_access(run, addr, (packed >> 2) & 15, packed & 3, packed >> 8);

	if (err)
		run->budget_left += refund;
	return err;
}

static void jit_rt_depth(struct hive_run *run, uint32_t pc)
{
	vm_run_fail(run, -HIVE_EDEPTH, pc, "call depth limit of %d frames exceeded",
		    HIVE_MAX_CALL_FRAMES);
}

/*
 * The charge of the block at @pc (@n instructions) did not fit: the
 * interpreter would have run as many of its instructions as the budget had
 * left and stopped at the next one; report that pc.
 */
static void jit_rt_budget(struct hive_run *run, uint32_t pc, uint32_t n)
{
	const struct hive_vm *vm = run->vm;
	uint64_t left = run->budget_left + n;   /* undo the failed subtraction */
	uint64_t i;

	for (i = 0; i < left && i < n && pc < vm->ninsns; i++)
		pc += vm->insns[pc].code == HIVE_OP_LDDW ? 2 : 1;
	run->budget_left = 0;
	vm_run_fail(run, -HIVE_EBUDGET, pc, "instruction budget of %llu exhausted",
		    (unsigned long long)run->budget_start);
}

static void jit_rt_helper_err(struct hive_run *run, uint32_t pc)
{
	if (!run->fault_set) {  /* stopped by a helper (hive_run_abort) */
		run->fault_set = true;
		run->fault_pc = pc;
	}
}

static void jit_rt_misaligned(struct hive_run *run, uint64_t addr, uint32_t packed,
			      uint32_t refund)
{
	run->budget_left += refund;
	vm_run_fail(run, -HIVE_EMEM, packed >> 8, "misaligned atomic access at 0x%llx",
		    (unsigned long long)addr);
	run->fault_addr = addr;
	run->fault_size = packed & 0xff;
}

/*
 * bpf_tail_call(ctx, map, index) at @pc. Returns 0 to fall through (slot
 * empty or limit reached), 1 when the run failed, 2 to continue in an
 * interpreted target, else the code address of a compiled target's pc 0.
 */
static uintptr_t jit_rt_tail_call(struct hive_run *run, uint64_t map, uint64_t index,
				  uint32_t pc)
{
	struct hive_vm *vm = run->vm, *target;

	if (run->tail_calls >= HIVE_MAX_TAIL_CALLS)
		return 0;
	target = vm->tail_fn(vm->tail_user, run, map, (uint32_t)index);
	if (run->err) {
		jit_rt_helper_err(run, pc);
		return 1;
	}
	if (!target || !target->ninsns)
		return 0;
	run->tail_calls++;
	run->vm = target;
	/* compiled code runs in this frame, unless its frame is lean */
	if (target->jit_entry && target->jit_offsets &&
	    !(((const struct jit_hdr *)target->jit_code)->flags & JIT_HDR_LEAN))
		return (uintptr_t)target->jit_code + target->jit_offsets[0];
	return 2;
}

/*
 * Tail call into a program that cannot continue in this frame's code; its
 * r0 becomes the current function's return value. A lean compiled program
 * (it calls nothing and cannot fail) runs through its own entry on the
 * current frame (stack_top moved there for the call). Interpreted code
 * runs from pc 0 in a new frame with r1-r5.
 */
static uint64_t jit_rt_tail_interp(struct hive_run *run, const uint64_t args[5])
{
	const struct hive_vm *target = run->vm;
	uintptr_t top = run->stack_top;
	uint64_t r0 = 0;

	if (target->jit_entry) {
		run->stack_top = top - (uintptr_t)run->depth * HIVE_STACK_SIZE;
		r0 = target->jit_entry((void *)(uintptr_t)args[0], run);
		run->stack_top = top;
		return r0;
	}
	if (vm_call_function(run, 0, args, &r0))
		return 0;
	return r0;
}

/* ---- prologue, epilogue ------------------------------------------------------- */

/* Bytes of a custom prologue with these saves (the epilogue mirrors it). */
static uint32_t mask_bytes(uint8_t mask)
{
	return (mask & LEAN_RBX ? 1 : 0) + (mask & LEAN_R13 ? 2 : 0) + (mask & LEAN_R14 ? 2 : 0) +
	       (mask & LEAN_R15 ? 2 : 0) + (mask & FM_PAD ? 4 : 0);
}

uint32_t jit_prologue_len(const struct jit_ctx *c, uint32_t pc)
{
	if (c->lean)
		return 0;
	if (c->custom)
		return mask_bytes(c->fmask[pc]);
	return JIT_PROLOGUE_LEN;
}

/* Host registers of lean and custom frames, in push order. */
static const struct { uint8_t bit; int8_t reg; } saved_regs[] = {
	{ LEAN_RBX, RBX }, { LEAN_R13, R13 }, { LEAN_R14, R14 }, { LEAN_R15, R15 },
	{ LEAN_R12, R12 },
};

static void push_set(struct jit_ctx *c, uint8_t mask)
{
	unsigned i;

	for (i = 0; i < HIVE_ARRAY_SIZE(saved_regs); i++)
		if (mask & saved_regs[i].bit)
			emit_push(c, saved_regs[i].reg);
}

static void pop_set(struct jit_ctx *c, uint8_t mask)
{
	unsigned i;

	for (i = HIVE_ARRAY_SIZE(saved_regs); i-- > 0;)
		if (mask & saved_regs[i].bit)
			emit_pop(c, saved_regs[i].reg);
}

void jit_emit_prologue(struct jit_ctx *c)
{
	if (c->custom) {
		push_set(c, c->cur_mask);                    /* what this function writes */
		if (c->cur_mask & FM_PAD)
			emit_alu_ri(c, true, ALU_SUB, RSP, 8);
		return;
	}
	emit_push(c, RBX);                                   /* push r6 */
	emit_push(c, R13);                                   /* push r7 */
	emit_push(c, R14);                                   /* push r8 */
	emit_push(c, R15);                                   /* push r9 */
	emit_push(c, RBP);                                   /* push r10 */
	emit_mov_rr(c, true, RBP, TMP);                      /* r10 = frame top (r11) */
}

void emit_epilogue(struct jit_ctx *c)
{
	if (c->lean) {
		pop_set(c, c->lean_saves);
		emit_pop(c, RBP);
		emit_ret(c);                                 /* back to jit_entry's caller */
		return;
	}
	if (c->custom) {
		if (c->cur_mask & FM_PAD)
			emit_alu_ri(c, true, ALU_ADD, RSP, 8);
		pop_set(c, c->cur_mask);
		emit_ret(c);                                 /* r10 is the caller's business */
		return;
	}
	emit_pop(c, RBP);                                    /* restore the caller's r10 */
	emit_pop(c, R15);                                    /* r9 */
	emit_pop(c, R14);                                    /* r8 */
	emit_pop(c, R13);                                    /* r7 */
	emit_pop(c, RBX);                                    /* r6 */
	emit_ret(c);
}

/*
 * sub qword run->budget_left, n; jb stub: the whole block is charged on
 * entry (blocks end at every jump, call, exit and packet load, so a run
 * that completes is charged exactly the instructions it executed).
 */
void jit_emit_budget(struct jit_ctx *c, uint32_t pc)
{
	struct x86_mem m = RUNF(budget_left);
	uint32_t n = c->block_len[pc];

	emit_alu_mi(c, true, ALU_SUB, &m, (int32_t)n);        /* sub run->budget_left, n */
	emit_jcc_stub(c, CC_B, STUB_BUDGET, pc, n);           /* jb: spent */
}

/* Image offset of eBPF instruction @pc (this pass if already placed). */
static uint32_t pc_off(const struct jit_ctx *c, uint32_t pc)
{
	return pc <= c->cur_pc ? c->off[pc] : c->prev[pc];
}

static void emit_common_jcc(struct jit_ctx *c, int cc, enum jit_common which)
{
	if (cc < 0)
		emit_jmp_off(c, c->prev_common[which]);
	else
		emit_jcc_off(c, (enum x86_cc)cc, c->prev_common[which]);
}

/* ---- calls ---------------------------------------------------------------------- */

/*
 * call pc + imm + 1: depth check (-HIVE_EDEPTH as the interpreter), the
 * callee's frame 512 bytes below ours (zeroed in checked runs), run->depth
 * kept current for the memory checks and hive_run_call().
 */
static void emit_local_call(struct jit_ctx *c, const struct hive_insn *in, uint32_t pc)
{
	struct x86_mem depth = RUNF(depth), m;
	uint32_t target = pc + (uint32_t)in->imm + 1;
	uint32_t entry = pc_off(c, target) - jit_prologue_len(c, target);

	if (c->track_depth) {
		emit_alu_mi(c, false, ALU_CMP, &depth, HIVE_MAX_CALL_FRAMES - 2); /* cmp depth, 6 */
		emit_jcc_stub(c, CC_A, STUB_DEPTH, pc, 0);   /* ja: too deep */
		emit_op_rm(c, 0, 0xff, 0, &depth);           /* inc dword run->depth */
	} else {
		/* no reader of run->depth: the new frame must fit in run->stack */
		struct x86_mem stack = RUNF(stack);

		m = mem_bd(RBP, -2 * HIVE_STACK_SIZE);
		emit_lea(c, true, TMP2, &m);                 /* lea r10, [rbp - 1024] */
		emit_op_rm(c, OP_W, 0x3b, TMP2, &stack);     /* cmp r10, run->stack */
		emit_jcc_stub(c, CC_B, STUB_DEPTH, pc, 0);   /* jb: too deep */
	}
	if (c->custom) {
		m = mem_bd(RBP, -HIVE_STACK_SIZE);
		emit_lea(c, true, RBP, &m);                  /* r10 -= 512 */
		emit_call_off(c, entry);                     /* call the function */
		m = mem_bd(RBP, HIVE_STACK_SIZE);
		emit_lea(c, true, RBP, &m);                  /* r10 += 512 */
	} else {
		m = mem_bd(RBP, -HIVE_STACK_SIZE);
		emit_lea(c, true, TMP, &m);                  /* lea r11, [rbp - 512] */
		if (c->checks)
			emit_call_off(c, c->prev_common[COMMON_ZERO]); /* zero the new frame */
		emit_call_off(c, entry);                     /* call the function */
	}
	if (c->track_depth)
		emit_op_rm(c, 0, 0xff, 1, &depth);           /* dec dword run->depth */
	if (c->has_tail) {
		/* a tail call in the callee changed run->vm: back to ours */
		struct x86_mem vmf = RUNF(vm);

		emit_prefix_op(c, OP_W, TMP >> 3, false, (uint8_t)(0xb8 | (TMP & 7)));
		emit8(c, (uint64_t)(uintptr_t)c->vm);        /* movabs r11, vm */
		emit_op_rm(c, OP_W, 0x89, TMP, &vmf);        /* mov run->vm, r11 */
	}
}

/* bpf_tail_call: jit_rt_tail_call decides, registers are preserved. */
static void emit_tail_call(struct jit_ctx *c, uint32_t pc)
{
	static const int8_t saved[] = { RAX, RDI, RSI, RDX, RCX, R8 };
	uint32_t j_next;
	int i;

	for (i = 0; i < 6; i++)
		emit_push(c, saved[i]);                      /* r0-r5 (6 pushes: aligned) */
	emit_mov_rr(c, true, RDI, RUN_REG);                  /* rdi = run; rsi = map, rdx = index */
	emit_mov_imm64(c, RCX, pc);                          /* ecx = pc */
	emit_call_abs(c, (const void *)jit_rt_tail_call);
	emit_mov_rr(c, true, TMP, RAX);                      /* r11 = verdict */
	for (i = 5; i >= 0; i--)
		emit_pop(c, saved[i]);
	emit_test_rr(c, true, TMP, TMP);
	j_next = emit_jcc8_fwd(c, CC_E);                     /* 0: fall through */
	emit_alu_ri(c, true, ALU_CMP, TMP, 1);
	emit_common_jcc(c, CC_E, COMMON_ABORT);              /* 1: the run failed */
	emit_alu_ri(c, true, ALU_CMP, TMP, 2);
	emit_common_jcc(c, CC_E, COMMON_TAIL_INTERP);        /* 2: interpreted target */
	emit_op_rr(c, 0, 0xff, 4, TMP);                      /* jmp r11: target's pc 0 */
	patch8_here(c, j_next);
}

/*
 * Helper call fn(r1..r5, run): r1-r5 are already in rdi, rsi, rdx, rcx,
 * r8; r9 gets the run. Checked runs keep r1-r5 that are read later (the
 * interpreter leaves them untouched). A helper that called
 * hive_run_abort() stops the run.
 */
void emit_helper_generic(struct jit_ctx *c, const struct hive_insn *in, uint32_t pc)
{
	static const int8_t args[] = { RDI, RSI, RDX, RCX, R8 };
	uint32_t id = (uint32_t)in->imm;
	struct x86_mem err = RUNF(err);
	int8_t keep[5];
	int nkeep = 0, i;

	if (id >= c->vm->nhelpers || !c->vm->helpers[id].fn) {
		c->err = -EINVAL;       /* the loader refuses these */
		return;
	}
	if (c->checks)
		for (i = 0; i < 5; i++)
			if (c->live[pc] & JREG(i + 1))
				keep[nkeep++] = args[i];
	for (i = 0; i < nkeep; i++)
		emit_push(c, keep[i]);                       /* push live r1-r5 */
	if (nkeep & 1)
		emit_alu_ri(c, true, ALU_SUB, RSP, 8);       /* keep rsp 16-aligned */
	emit_mov_rr(c, true, AUX, RUN_REG);                  /* mov r9, run */
	emit_call_abs(c, (const void *)c->vm->helpers[id].fn); /* r0 = helper(r1..r5, run) */
	if (nkeep & 1)
		emit_alu_ri(c, true, ALU_ADD, RSP, 8);
	for (i = nkeep; i-- > 0;)
		emit_pop(c, keep[i]);
	emit_alu_mi(c, false, ALU_CMP, &err, 0);             /* cmp dword run->err, 0 */
	emit_jcc_stub(c, CC_NE, STUB_HELPER_ERR, pc, 0);     /* jne: stopped by the helper */
}

void emit_call_insn(struct jit_ctx *c, const struct hive_insn *in, uint32_t pc)
{
	if (in->src == HIVE_PSEUDO_CALL) {
		emit_local_call(c, in, pc);
	} else if (in->src == 0 && (uint32_t)in->imm == HIVE_HELPER_TAIL_CALL) {
		emit_tail_call(c, pc);
	} else if (in->src == 0) {
		if (!jit_emit_map_call(c, in, pc))
			emit_helper_generic(c, in, pc);
	} else {
		c->err = -EOPNOTSUPP;   /* kfuncs: the loader refuses them */
	}
}

/* ---- entry trampolines ---------------------------------------------------------- */

/* Lean entry: push what the program uses, set up r1, r2, r10 (and r12
 * for packet loads), fall into pc 0. */
static void emit_lean_entry(struct jit_ctx *c)
{
	struct x86_mem m;

	emit_push(c, RBP);
	push_set(c, c->lean_saves);
	emit_mov_rr(c, true, TMP2, RSI);                     /* r10 = run */
	if (c->lean_saves & LEAN_R12)
		emit_mov_rr(c, true, RUN_REG, RSI);          /* r12 = run */
	m = mem_bd(TMP2, (int32_t)offsetof(struct hive_run, stack_top));
	emit_op_rm(c, OP_W, 0x8b, RBP, &m);                  /* r10 = frame 0 top */
	m = mem_bd(TMP2, (int32_t)offsetof(struct hive_run, ctx_end));
	emit_op_rm(c, OP_W, 0x8b, RSI, &m);                  /* r2 = ctx_end */
	m = mem_bd(TMP2, (int32_t)offsetof(struct hive_run, ctx_start));
	emit_op_rm(c, OP_W, 0x2b, RSI, &m);                  /*      - ctx_start */
	emit_alu_rr(c, false, ALU_XOR, RAX, RAX);            /* r0, r3-r5 = 0 */
	emit_alu_rr(c, false, ALU_XOR, RDX, RDX);
	emit_alu_rr(c, false, ALU_XOR, RCX, RCX);
	emit_alu_rr(c, false, ALU_XOR, R8, R8);
}

/* Entry with custom frames: rbp and r12 are saved here (functions do not
 * save them), r10 = frame 0, call main. */
static void emit_custom_entry(struct jit_ctx *c)
{
	struct x86_mem m;

	emit_push(c, RBP);
	emit_push(c, RUN_REG);
	m = mem_bd(RSI, (int32_t)offsetof(struct hive_run, jit_sp));
	emit_op_rm(c, 0, 0xff, 6, &m);                       /* push run->jit_sp: aligned */
	emit_mov_rr(c, true, RUN_REG, RSI);                  /* r12 = run */
	m = RUNF(jit_sp);
	emit_op_rm(c, OP_W, 0x89, RSP, &m);                  /* run->jit_sp = rsp */
	m = RUNF(stack_top);
	emit_op_rm(c, OP_W, 0x8b, RBP, &m);                  /* r10 = frame 0 top */
	m = RUNF(ctx_end);
	emit_op_rm(c, OP_W, 0x8b, RSI, &m);                  /* r2 = ctx_end */
	m = RUNF(ctx_start);
	emit_op_rm(c, OP_W, 0x2b, RSI, &m);                  /*      - ctx_start */
	emit_alu_rr(c, false, ALU_XOR, RAX, RAX);            /* r0, r3-r5 = 0 */
	emit_alu_rr(c, false, ALU_XOR, RDX, RDX);
	emit_alu_rr(c, false, ALU_XOR, RCX, RCX);
	emit_alu_rr(c, false, ALU_XOR, R8, R8);
	emit_call_off(c, c->prev[0] - jit_prologue_len(c, 0)); /* call main */
	m = RUNF(jit_sp);
	emit_op_rm(c, 0, 0x8f, 0, &m);                       /* pop run->jit_sp */
	emit_pop(c, RUN_REG);
	emit_pop(c, RBP);
	emit_ret(c);
}

void jit_emit_entry(struct jit_ctx *c)
{
	static const int8_t host[] = { RBX, RBP, R13, R14, R15 };
	struct x86_mem m;
	int i;

	if (c->lean) {
		emit_lean_entry(c);
		return;
	}
	if (c->custom) {
		emit_custom_entry(c);
		return;
	}

	if (c->checks)
		for (i = 0; i < 5; i++)
			emit_push(c, host[i]);               /* host callee-saved */
	emit_push(c, RUN_REG);                               /* push r12 */
	m = mem_bd(RSI, (int32_t)offsetof(struct hive_run, jit_sp));
	emit_op_rm(c, 0, 0xff, 6, &m);                       /* push run->jit_sp (nesting) */
	if (!c->checks)
		emit_alu_ri(c, true, ALU_SUB, RSP, 8);       /* align */
	emit_mov_rr(c, true, RUN_REG, RSI);                  /* r12 = run */
	m = RUNF(jit_sp);
	emit_op_rm(c, OP_W, 0x89, RSP, &m);                  /* run->jit_sp = rsp */
	m = RUNF(ctx_end);
	emit_op_rm(c, OP_W, 0x8b, RSI, &m);                  /* r2 = ctx_end */
	m = RUNF(ctx_start);
	emit_op_rm(c, OP_W, 0x2b, RSI, &m);                  /*      - ctx_start */
	emit_alu_rr(c, false, ALU_XOR, RAX, RAX);            /* r0 = 0 */
	emit_alu_rr(c, false, ALU_XOR, RDX, RDX);            /* r3 = 0 */
	emit_alu_rr(c, false, ALU_XOR, RCX, RCX);            /* r4 = 0 */
	emit_alu_rr(c, false, ALU_XOR, R8, R8);              /* r5 = 0 */
	if (c->checks) {
		emit_alu_rr(c, false, ALU_XOR, RBX, RBX);    /* r6-r9 = 0 */
		emit_alu_rr(c, false, ALU_XOR, R13, R13);
		emit_alu_rr(c, false, ALU_XOR, R14, R14);
		emit_alu_rr(c, false, ALU_XOR, R15, R15);
	}
	m = RUNF(stack_top);
	emit_op_rm(c, OP_W, 0x8b, TMP, &m);                  /* r11 = frame 0 top */
	emit_call_off(c, c->prev[0] - JIT_PROLOGUE_LEN);     /* call main */
	if (c->checks) {
		/* run->insns_run = budget_start - budget_left */
		m = RUNF(budget_start);
		emit_op_rm(c, OP_W, 0x8b, TMP2, &m);
		m = RUNF(budget_left);
		emit_op_rm(c, OP_W, 0x2b, TMP2, &m);
		m = RUNF(insns_run);
		emit_op_rm(c, OP_W, 0x89, TMP2, &m);
	}
	if (!c->checks)
		emit_alu_ri(c, true, ALU_ADD, RSP, 8);
	m = RUNF(jit_sp);
	emit_op_rm(c, 0, 0x8f, 0, &m);                       /* pop run->jit_sp */
	emit_pop(c, RUN_REG);
	if (c->checks)
		for (i = 4; i >= 0; i--)
			emit_pop(c, host[i]);
	emit_ret(c);
}

/* jit_call's entry: (rdi = run, rsi = function, rdx = args, rcx = frame top) */
static void emit_cb_entry(struct jit_ctx *c)
{
	static const int8_t host[] = { RBX, RBP, R13, R14, R15, R12 };
	static const int8_t argregs[] = { RDI, RSI, RDX, RCX, R8 };
	struct x86_mem m;
	int i;

	for (i = 0; i < 6; i++)
		emit_push(c, host[i]);
	m = mem_bd(RDI, (int32_t)offsetof(struct hive_run, jit_sp));
	emit_op_rm(c, 0, 0xff, 6, &m);                       /* push run->jit_sp */
	emit_mov_rr(c, true, RUN_REG, RDI);                  /* r12 = run */
	m = RUNF(jit_sp);
	emit_op_rm(c, OP_W, 0x89, RSP, &m);                  /* run->jit_sp = rsp */
	emit_mov_rr(c, true, TMP, RCX);                      /* r11 = frame top */
	emit_mov_rr(c, true, TMP2, RSI);                     /* r10 = function */
	emit_mov_rr(c, true, AUX, RDX);                      /* r9 = args */
	for (i = 0; i < 5; i++) {
		m = mem_bd(AUX, i * 8);
		emit_op_rm(c, OP_W, 0x8b, argregs[i], &m);   /* r1..r5 = args[] */
	}
	emit_alu_rr(c, false, ALU_XOR, RAX, RAX);            /* r0, r6-r9 = 0 */
	emit_alu_rr(c, false, ALU_XOR, RBX, RBX);
	emit_alu_rr(c, false, ALU_XOR, R13, R13);
	emit_alu_rr(c, false, ALU_XOR, R14, R14);
	emit_alu_rr(c, false, ALU_XOR, R15, R15);
	emit_call_reg(c, TMP2);                              /* call function */
	m = RUNF(jit_sp);
	emit_op_rm(c, 0, 0x8f, 0, &m);                       /* pop run->jit_sp */
	for (i = 5; i >= 0; i--)
		emit_pop(c, host[i]);
	emit_ret(c);
}

/* ---- stubs and shared routines -------------------------------------------------- */

uint32_t jit_stub_size(enum jit_stub_kind kind)
{
	switch (kind) {
	case STUB_MEMCHECK: return 22;  /* mov r10d; mov r9d; call; jmp */
	case STUB_BUDGET:                /* mov r10d; mov r11d; jmp */
	case STUB_MISALIGN: return 17;  /* mov r10d; mov r9d; jmp */
	case STUB_EXIT0:    return 16;  /* xor; epilogue (up to 14) */
	default:            return 11;  /* mov r10d; jmp */
	}
}

void jit_emit_stub(struct jit_ctx *c, const struct jit_stub *s, uint32_t at)
{
	uint32_t start = c->ilen;

	(void)at;
	if (s->kind == STUB_EXIT0) {
		uint8_t mask = c->cur_mask;

		c->cur_mask = (uint8_t)s->arg;               /* the function's frame */
		emit_alu_rr(c, false, ALU_XOR, RAX, RAX);    /* r0 = 0 */
		emit_epilogue(c);                            /* return from the function */
		c->cur_mask = mask;
	} else {
		emit_prefix_op(c, 0, TMP2 >> 3, false, (uint8_t)(0xb8 | (TMP2 & 7)));
		emit4(c, s->arg);                            /* mov r10d, arg */
	}
	if (s->kind == STUB_MEMCHECK || s->kind == STUB_MISALIGN) {
		emit_prefix_op(c, 0, AUX >> 3, false, (uint8_t)(0xb8 | (AUX & 7)));
		emit4(c, s->arg2);                           /* mov r9d, refund */
	}
	switch (s->kind) {
	case STUB_MEMCHECK:
		emit_call_off(c, c->prev_common[COMMON_MEMCHECK]);
		emit_jmp_off(c, s->back);                    /* resume the access */
		break;
	case STUB_DEPTH:
		emit_jmp_off(c, c->prev_common[COMMON_DEPTH]);
		break;
	case STUB_BUDGET:
		emit_prefix_op(c, 0, TMP >> 3, false, (uint8_t)(0xb8 | (TMP & 7)));
		emit4(c, s->arg2);                           /* mov r11d, block length */
		emit_jmp_off(c, c->prev_common[COMMON_BUDGET]);
		break;
	case STUB_HELPER_ERR:
		emit_jmp_off(c, c->prev_common[COMMON_HELPER_ERR]);
		break;
	case STUB_MISALIGN:
		emit_jmp_off(c, c->prev_common[COMMON_MISALIGN]);
		break;
	default:
		break;
	}
	while (c->ilen - start < jit_stub_size(s->kind))
		emit1(c, 0xcc);                              /* int3 padding */
	if (c->ilen - start != jit_stub_size(s->kind))
		c->err = -EFAULT;
}

/* mov rdi, r12; call fn; jmp abort */
static void emit_fail_call(struct jit_ctx *c, const void *fn)
{
	emit_mov_rr(c, true, RDI, RUN_REG);
	emit_call_abs(c, fn);
	emit_jmp_off(c, c->prev_common[COMMON_ABORT]);
}

void jit_emit_common(struct jit_ctx *c, enum jit_common which)
{
	static const int8_t saved[] = { RAX, RCX, RDX, RSI, RDI, R8, R9, R10, R11 };
	struct x86_mem m;
	uint32_t loop;
	int i;

	switch (which) {
	case COMMON_ABORT: {
		uint8_t mask = c->cur_mask;
		int32_t frame = MAIN_FRAME_BYTES;

		if (c->custom) {
			c->cur_mask = c->fmask[0];
			frame = 8 + 8 * (int32_t)__builtin_popcount(c->cur_mask & 0x0f) +
				(c->cur_mask & FM_PAD ? 8 : 0);
		}
		m = RUNF(jit_sp);
		emit_op_rm(c, OP_W, 0x8b, RSP, &m);          /* rsp = run->jit_sp */
		emit_alu_ri(c, true, ALU_SUB, RSP, frame);   /* the main function's frame */
		emit_alu_rr(c, false, ALU_XOR, RAX, RAX);    /* r0 = 0 */
		emit_epilogue(c);                            /* back to the trampoline */
		c->cur_mask = mask;
		break;
	}
	case COMMON_MEMCHECK:
		for (i = 0; i < 9; i++)
			emit_push(c, saved[i]);              /* 9 pushes + return: aligned */
		emit_mov_rr(c, true, RDI, RUN_REG);
		emit_mov_rr(c, true, RSI, TMP);              /* address */
		emit_mov_rr(c, false, RDX, TMP2);            /* pc/size/prot */
		emit_mov_rr(c, false, RCX, AUX);             /* refund */
		emit_call_abs(c, (const void *)jit_rt_memcheck);
		emit_test_rr(c, false, RAX, RAX);
		for (i = 8; i >= 0; i--)
			emit_pop(c, saved[i]);
		emit_common_jcc(c, CC_NE, COMMON_ABORT);     /* refused: the run stops */
		emit_ret(c);
		break;
	case COMMON_DEPTH:
		emit_mov_rr(c, false, RSI, TMP2);
		emit_fail_call(c, (const void *)jit_rt_depth);
		break;
	case COMMON_BUDGET:
		emit_mov_rr(c, false, RSI, TMP2);
		emit_mov_rr(c, false, RDX, TMP);
		emit_fail_call(c, (const void *)jit_rt_budget);
		break;
	case COMMON_HELPER_ERR:
		emit_mov_rr(c, false, RSI, TMP2);
		emit_fail_call(c, (const void *)jit_rt_helper_err);
		break;
	case COMMON_MISALIGN:
		emit_mov_rr(c, true, RSI, TMP);
		emit_mov_rr(c, false, RDX, TMP2);
		emit_mov_rr(c, false, RCX, AUX);
		emit_fail_call(c, (const void *)jit_rt_misaligned);
		break;
	case COMMON_ZERO:
		emit_op_rr(c, OP_66 | OP_0F, 0xef, 0, 0);    /* pxor xmm0, xmm0 */
		emit_mov_imm64(c, TMP2, HIVE_STACK_SIZE);    /* mov r10d, 512 */
		loop = c->ilen;
		m = mem_bid(TMP, TMP2, 0, -HIVE_STACK_SIZE - 16);
		emit_op_rm(c, OP_F3 | OP_0F, 0x7f, 0, &m);   /* movdqu [r11 + r10 - 528], xmm0 */
		emit_alu_ri(c, false, ALU_SUB, TMP2, 16);    /* sub r10d, 16 */
		emit2(c, 0x70 | CC_NE, (uint8_t)(loop - (c->ilen + 2))); /* jnz .loop */
		emit_ret(c);
		break;
	case COMMON_TAIL_INTERP:
		for (i = 5; i >= 1; i--)
			emit_push(c, xreg((unsigned)i));     /* args[0..4] = r1..r5 */
		emit_alu_ri(c, true, ALU_SUB, RSP, 8);
		emit_mov_rr(c, true, RDI, RUN_REG);
		m = mem_bd(RSP, 8);
		emit_lea(c, true, RSI, &m);                  /* rsi = args */
		emit_call_abs(c, (const void *)jit_rt_tail_interp);
		emit_alu_ri(c, true, ALU_ADD, RSP, 48);
		m = RUNF(err);
		emit_alu_mi(c, false, ALU_CMP, &m, 0);
		emit_common_jcc(c, CC_NE, COMMON_ABORT);
		emit_epilogue(c);                            /* r0 of the target */
		break;
	case COMMON_CB_ENTRY:
		emit_cb_entry(c);
		break;
	default:
		c->err = -EINVAL;
		break;
	}
}

#endif /* HIVE_JIT_X86_64 */
