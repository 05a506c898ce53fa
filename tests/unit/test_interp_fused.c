/*
 * test_interp_fused.c - the interpreter's predecoded form (src/vm/
 * predecode.c) must not show: fused entries (three-address simple ops, the
 * shift idioms, pairs) compute what the instructions compute one by one,
 * jumps may land between instructions that would otherwise fuse, the
 * instruction budget stops at the exact instruction even inside fused
 * code, faults report exact pcs and counts, and stack accesses lose their
 * check only while r10 is the frame pointer.
 */
#include "harness.h"
#include "hive/hive_vm.h"
#include "vm_testutil.h"
#include "vm/vm_internal.h"

/* Load @p on the interpreter with checks @checked and budget @budget. */
static struct hive_vm *load_interp(const struct hive_insn *p, uint32_t cnt, bool checked,
				   uint64_t budget)
{
	struct hive_vm *vm = hive_vm_create();

	if (!vm)
		return NULL;
	hive_vm_set_engine(vm, HIVE_ENGINE_INTERP);
	hive_vm_set_checks(vm, checked);
	hive_vm_set_budget(vm, budget);
	if (hive_vm_load(vm, p, cnt)) {
		hive_vm_destroy(vm);
		return NULL;
	}
	return vm;
}

/* ---- random straight-line ALU code against a reference ------------------ */

static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* The reference: one 64-bit ALU instruction on r[]. */
static void ref_alu(uint64_t *r, const struct hive_insn *in)
{
	uint64_t *d = &r[in->dst];
	uint64_t v = (in->code & HIVE_X) ? r[in->src] : (uint64_t)(int64_t)in->imm;

	switch (in->code & 0xf0) {
	case HIVE_ADD:  *d += v; break;
	case HIVE_SUB:  *d -= v; break;
	case HIVE_MUL:  *d *= v; break;
	case HIVE_OR:   *d |= v; break;
	case HIVE_AND:  *d &= v; break;
	case HIVE_XOR:  *d ^= v; break;
	case HIVE_LSH:  *d <<= v & 63; break;
	case HIVE_RSH:  *d >>= v & 63; break;
	case HIVE_ARSH: *d = (uint64_t)((int64_t)*d >> (v & 63)); break;
	case HIVE_NEG:  *d = 0 - *d; break;
	default:        *d = v; break;     /* HIVE_MOV */
	}
}

static const uint8_t alu_ops[] = {
	HIVE_ADD, HIVE_SUB, HIVE_MUL, HIVE_OR, HIVE_AND, HIVE_XOR, HIVE_LSH, HIVE_RSH,
	HIVE_ARSH, HIVE_NEG, HIVE_MOV,
};

/* One random 64-bit ALU instruction on r0..r5 with dst @d. */
static struct hive_insn rnd_alu(uint8_t d, uint8_t s)
{
	uint8_t op = alu_ops[rnd() % sizeof(alu_ops)];
	int32_t imm = (int32_t)rnd();

	if (op == HIVE_NEG)
		return HIVE_INSN(HIVE_ALU64 | HIVE_NEG, d, 0, 0, 0);
	if (op == HIVE_LSH || op == HIVE_RSH || op == HIVE_ARSH)
		imm &= 127;             /* masked to 63 */
	return rnd() & 1 ? HIVE_ALU64_REG(op, d, s) : HIVE_ALU64_IMM(op, d, imm);
}

/*
 * Append a random group to p: mostly the shapes clang emits and the
 * predecoder fuses (mov then an op on the same register, whose source may
 * be the destination itself; the 32-bit shift idioms), sometimes any op.
 * Returns the instructions appended.
 */
static int gen_group(struct hive_insn *p)
{
	uint8_t d = rnd() % 6, s = rnd() % 6;

	switch (rnd() % 4) {
	case 0:         /* d = s; d op= (d, s or imm) */
		p[0] = HIVE_MOV64_REG(d, s);
		p[1] = rnd_alu(d, rnd() & 1 ? d : s);
		return 2;
	case 1:         /* [d = s;] d <<= 32; d >>= 32 (or s>>= 32) */
		p[0] = HIVE_MOV64_REG(d, s);
		p[1] = HIVE_ALU64_IMM(HIVE_LSH, d, 32);
		p[2] = HIVE_ALU64_IMM(rnd() & 1 ? HIVE_RSH : HIVE_ARSH, d, 32);
		if (rnd() & 1)
			return 3;
		p[0] = p[1];
		p[1] = p[2];
		return 2;
	default:
		p[0] = rnd_alu(d, s);
		return 1;
	}
}

/* Run @p (n instructions, then r0 = r@k; exit) and compare with want[k],
 * on the register interpreter (when the build has it) and on interp.c. */
static bool same_as_ref(struct hive_insn *p, int n, const uint64_t *want, int k)
{
	struct hive_vm *vm;
	uint64_t r0 = 0, r0_loop = 0;
	bool ok;

	p[n] = HIVE_MOV64_REG(0, k);
	p[n + 1] = HIVE_EXIT_INSN();
	vm = load_interp(p, (uint32_t)n + 2, false, 0);
	ok = vm && hive_vm_exec(vm, NULL, 0, &r0) == 0 && r0 == want[k];
	if (vm) {
		vm->rinterp_off = true;
		ok = ok && hive_vm_exec(vm, NULL, 0, &r0_loop) == 0 && r0_loop == want[k];
	}
	hive_vm_destroy(vm);
	return ok;
}

TEST(interp_fused_alu_matches_reference)
{
	struct hive_insn p[80];
	int round;

	for (round = 0; round < 300; round++) {
		uint64_t r[HIVE_NREGS] = { 0 };
		int n = 0, i, k;

		for (i = 0; i < 6; i++)
			p[n++] = HIVE_MOV64_IMM(i, (int32_t)rnd());
		while (n < 64)
			n += gen_group(&p[n]);
		for (i = 0; i < n; i++)
			ref_alu(r, &p[i]);
		for (k = 0; k < 6; k++) {
			if (!same_as_ref(p, n, r, k)) {
				CHECK(!"interpreter result differs from the reference");
				return;
			}
		}
	}
}

/* A jump into the middle of `r2 = r1; r2 += 5` and of a shift idiom. */
TEST(interp_fused_jump_between_parts)
{
	struct hive_insn p[] = {
		HIVE_MOV64_IMM(1, 10),
		HIVE_MOV64_IMM(2, 100),
		HIVE_LD_IMM64_LO(3, 0, 0x1234567890ull),
		HIVE_LD_IMM64_HI(0x1234567890ull),
		HIVE_JMP_IMM(HIVE_JEQ, 1, 10, 1),       /* taken: pc 6 */
		HIVE_MOV64_REG(2, 1),                   /* skipped */
		HIVE_ALU64_IMM(HIVE_ADD, 2, 5),         /* r2 = 105 */
		HIVE_JMP_IMM(HIVE_JNE, 1, 10, 1),       /* not taken */
		HIVE_ALU64_IMM(HIVE_LSH, 3, 32),        /* r3 = 0x7890 << 32 */
		HIVE_JMP_IMM(HIVE_JEQ, 1, 10, 0),       /* lands on the next pc */
		HIVE_ALU64_IMM(HIVE_RSH, 3, 32),        /* r3 = 0x34567890 */
		HIVE_MOV64_REG(0, 2),
		HIVE_ALU64_REG(HIVE_ADD, 0, 3),
		HIVE_EXIT_INSN(),
	};
	struct hive_vm *vm = load_interp(p, VT_CNT(p), true, 0);
	uint64_t r0 = 0;

	REQUIRE(vm);
	CHECK_EQ(hive_vm_exec(vm, NULL, 0, &r0), 0);
	CHECK_EQ(r0, 105 + 0x34567890ull);
	hive_vm_destroy(vm);
}

/*
 * Budget: a loop whose body fuses (mov + shifts into one op, pairs, a
 * pair ending in the loop's jump) must stop at exactly the instruction
 * the budget runs out on, for every budget, with exact counts.
 */
TEST(interp_fused_budget_exact)
{
	struct hive_insn p[] = {
		HIVE_MOV64_IMM(0, 0),                   /* 0 */
		HIVE_MOV64_IMM(1, 0),                   /* 1 */
		HIVE_ALU64_IMM(HIVE_ADD, 1, 1),         /* 2: loop */
		HIVE_MOV64_REG(2, 1),                   /* 3 */
		HIVE_ALU64_IMM(HIVE_LSH, 2, 32),        /* 4 */
		HIVE_ALU64_IMM(HIVE_RSH, 2, 32),        /* 5 */
		HIVE_ALU64_REG(HIVE_ADD, 0, 2),         /* 6 */
		HIVE_STX_MEM(HIVE_DW, 10, 0, -8),       /* 7 */
		HIVE_LDX_MEM(HIVE_DW, 3, 10, -8),       /* 8 */
		HIVE_JMP_IMM(HIVE_JLT, 1, 10, -8),      /* 9: -> 2 */
		HIVE_EXIT_INSN(),                       /* 10 */
	};
	uint32_t trace[100], n = 0, i, b;
	struct hive_vm *vm = load_interp(p, VT_CNT(p), true, 0);
	HIVE_VM_RUN_OPTS(opts);
	uint64_t r0;

	REQUIRE(vm);
	trace[n++] = 0;
	trace[n++] = 1;
	for (i = 0; i < 10; i++)
		for (b = 2; b <= 9; b++)
			trace[n++] = b;
	trace[n++] = 10;
	hive_set_print(NULL);
	for (b = 1; b < n; b++) {
		hive_vm_set_budget(vm, b);
		if (hive_vm_run(vm, &opts, &r0) != -HIVE_EBUDGET || opts.insns_run != b ||
		    opts.fault_pc != trace[b]) {
			CHECK_EQ(b, 0);         /* names the first budget that fails */
			break;
		}
	}
	hive_vm_set_budget(vm, n);
	CHECK_EQ(hive_vm_run(vm, &opts, &r0), 0);
	CHECK_EQ(r0, 55);
	CHECK_EQ(opts.insns_run, n);
	hive_vm_destroy(vm);

	vm = load_interp(p, VT_CNT(p), false, 0);        /* interp.c counts unchecked too */
	REQUIRE(vm);
	vm->rinterp_off = true;
	CHECK_EQ(hive_vm_run(vm, &opts, &r0), 0);
	CHECK_EQ(opts.insns_run, n);
	vm->rinterp_off = false;                          /* the register one does not */
	CHECK_EQ(hive_vm_run(vm, &opts, &r0), 0);
	CHECK_EQ(r0, 55);
	CHECK_EQ(opts.insns_run, vm->rcode ? 0 : n);
	hive_vm_destroy(vm);
}

/* A fault after fused code reports its pc and counts what ran. */
TEST(interp_fused_fault_counts)
{
	struct hive_insn p[] = {
		HIVE_MOV64_IMM(1, 5),
		HIVE_MOV64_REG(2, 1),
		HIVE_ALU64_IMM(HIVE_ADD, 2, 3),         /* r2 = 8 */
		HIVE_STX_MEM(HIVE_DW, 10, 2, -8),
		HIVE_LDX_MEM(HIVE_DW, 3, 2, 0),         /* pc 4: reads address 8 */
		HIVE_MOV64_IMM(0, 0),
		HIVE_EXIT_INSN(),
	};
	struct hive_vm *vm = load_interp(p, VT_CNT(p), true, 1000);
	HIVE_VM_RUN_OPTS(opts);
	uint64_t r0;

	REQUIRE(vm);
	vt_capture();
	CHECK_EQ(hive_vm_run(vm, &opts, &r0), -HIVE_EMEM);
	CHECK_EQ(opts.fault_pc, 4);
	CHECK_EQ(opts.fault_addr, 8);
	CHECK_EQ(opts.insns_run, 5);
	hive_vm_destroy(vm);
}

/*
 * r10-relative accesses inside the frame run unchecked, unless the
 * program can write r10: an atomic xchg names its src as destination.
 */
TEST(interp_fused_r10_written_keeps_checks)
{
	struct hive_insn p[] = {
		HIVE_MOV64_IMM(1, 0),
		HIVE_STX_MEM(HIVE_DW, 10, 1, -8),
		HIVE_INSN(HIVE_STX | HIVE_DW | HIVE_ATOMIC, 10, 10, -8, HIVE_XCHG), /* r10 = 0 */
		HIVE_STX_MEM(HIVE_DW, 10, 1, -8),       /* pc 3: now at address -8 */
		HIVE_MOV64_IMM(0, 0),
		HIVE_EXIT_INSN(),
	};
	struct hive_vm *vm = load_interp(p, VT_CNT(p), true, 0);
	HIVE_VM_RUN_OPTS(opts);
	uint64_t r0;

	REQUIRE(vm);
	vt_capture();
	CHECK_EQ(hive_vm_run(vm, &opts, &r0), -HIVE_EMEM);
	CHECK_EQ(opts.fault_pc, 3);
	CHECK_EQ(opts.fault_addr, (uint64_t)-8);
	hive_vm_destroy(vm);
}
