/*
 * test_rinterp_fused.c - the register interpreter's fused entries against
 * interp.c. Random straight-line programs with forward jumps are drawn
 * from the instructions the fused families are made of (moves, immediate
 * and register ALU ops in both widths, 32-bit shifts, loads and stores off
 * r10 or a stack pointer, conditional jumps), with the pairs of some
 * families drawn as such, on only five registers, so that the register
 * relations the fusions look for (same destination, a value moved then
 * used, a counter added then compared) come up often. Each program runs
 * unchecked on both interpreters; r0 (all registers folded) and the stack
 * frame must agree.
 */
#include <string.h>

#include "harness.h"
#include "hive/hive_vm.h"
#include "vm_testutil.h"
#include "vm/vm_internal.h"

#define RF_BODY 48      /* random instructions per program */
#define RF_MAX (64 + RF_BODY + 2 * HIVE_NREGS + 64 + 4)

static uint64_t rf_state = 0x2545f4914f6cdd1dull;

static uint32_t rf_rnd(uint32_t n)
{
	rf_state ^= rf_state << 13;
	rf_state ^= rf_state >> 7;
	rf_state ^= rf_state << 17;
	return (uint32_t)(rf_state % n);
}

/* r0-r4 are the working registers; r5 points at r10 - 256. */
static uint8_t rf_reg(void)
{
	return (uint8_t)rf_rnd(5);
}

static int32_t rf_imm(void)
{
	static const int32_t pick[] = { 0, 1, 2, 3, 7, 8, 13, 32, 255, -1, -2, -8, 0x7fffffff,
					(int32_t)0x80000000, 0x12345, 4, 16, 24, 31, 33 };

	return pick[rf_rnd(sizeof(pick) / sizeof(pick[0]))];
}

/* A memory operand: base r10 (offset -256..-8) or r5 (0..248), 8-aligned. */
static void rf_mem(uint8_t *base, int16_t *off)
{
	if (rf_rnd(2)) {
		*base = 10;
		*off = (int16_t)(-8 * (1 + (int)rf_rnd(32)));
	} else {
		*base = 5;
		*off = (int16_t)(8 * (int)rf_rnd(32));
	}
}

/* The conditional jump operations. */
static const uint8_t rf_jmp[] = { HIVE_JEQ, HIVE_JNE, HIVE_JGT, HIVE_JGE, HIVE_JLT, HIVE_JLE,
				  HIVE_JSGT, HIVE_JSGE, HIVE_JSLT, HIVE_JSLE, HIVE_JSET };

static struct hive_insn rf_one(uint32_t left)
{
	static const uint8_t alu_x[] = { HIVE_ADD, HIVE_SUB, HIVE_AND, HIVE_OR, HIVE_XOR, HIVE_MUL,
					 HIVE_MOV, HIVE_MOV, HIVE_MOV };
	static const uint8_t alu_k[] = { HIVE_ADD, HIVE_SUB, HIVE_AND, HIVE_OR, HIVE_XOR, HIVE_MUL,
					 HIVE_MOV, HIVE_LSH, HIVE_RSH, HIVE_ARSH };
	static const uint8_t sizes[] = { HIVE_B, HIVE_H, HIVE_W, HIVE_DW };
	uint8_t base, d = rf_reg(), s = rf_reg(), op;
	int16_t off;
	int32_t k;

	switch (rf_rnd(13)) {
	case 12:        /* a 32-bit ALU op (the register interpreter's w forms) */
		if (rf_rnd(4) == 0)
			return HIVE_ALU32_IMM(HIVE_NEG, d, 0);
		op = alu_k[rf_rnd(sizeof(alu_k))];
		k = op == HIVE_LSH || op == HIVE_RSH || op == HIVE_ARSH ? (int32_t)rf_rnd(32) : rf_imm();
		return rf_rnd(2) ? HIVE_ALU32_IMM(op, d, k) :
				   HIVE_ALU32_REG(alu_x[rf_rnd(sizeof(alu_x))], d, s);
	case 0: case 1:
		return HIVE_ALU64_REG(alu_x[rf_rnd(sizeof(alu_x))], d, s);
	case 2: case 3:
		op = alu_k[rf_rnd(sizeof(alu_k))];
		k = rf_imm();
		if (op == HIVE_LSH || op == HIVE_RSH || op == HIVE_ARSH)
			k = rf_rnd(3) ? 32 : (int32_t)rf_rnd(64);
		return HIVE_ALU64_IMM(op, d, k);
	case 4:
		return rf_rnd(3) ? HIVE_ALU64_IMM(HIVE_LSH, d, 32) :
				   HIVE_ALU64_IMM(rf_rnd(2) ? HIVE_RSH : HIVE_ARSH, d, 32);
	case 5:
		return rf_rnd(2) ? HIVE_ALU64_IMM(HIVE_NEG, d, 0) : HIVE_MOV64_REG(d, 10);
	case 6: case 7:
		rf_mem(&base, &off);
		return HIVE_LDX_MEM(sizes[rf_rnd(4)], d, base, off);
	case 8:
		rf_mem(&base, &off);
		return HIVE_STX_MEM(sizes[rf_rnd(4)], base, s, off);
	case 9:
		rf_mem(&base, &off);
		return HIVE_ST_MEM(sizes[rf_rnd(4)], base, off, rf_imm());
	default:        /* forward conditional jump, 0..3 ahead, inside the body */
		off = (int16_t)rf_rnd((left < 3 ? left : 3) + 1);
		op = rf_jmp[rf_rnd(sizeof(rf_jmp))];
		return rf_rnd(2) ? HIVE_JMP_IMM(op, d, rf_imm(), off) : HIVE_JMP_REG(op, d, s, off);
	}
}

/* Two instructions in one of the shapes of the pair families (the same
 * register where the family wants it), at @p; @left instructions of the
 * body follow the second. */
static void rf_pair(struct hive_insn *p, uint32_t left)
{
	uint8_t d = rf_reg(), s = rf_reg(), base;
	int16_t off, fwd = (int16_t)rf_rnd((left < 3 ? left : 3) + 1);

	static const uint8_t w_x[] = { HIVE_ADD, HIVE_AND, HIVE_OR, HIVE_XOR };
	static const uint8_t w_k[] = { HIVE_ADD, HIVE_SUB, HIVE_AND, HIVE_OR, HIVE_XOR, HIVE_MUL,
				       HIVE_LSH, HIVE_RSH, HIVE_ARSH };
	uint8_t op;

	switch (rf_rnd(14)) {
	case 11:        /* NW: wA = -wA; wA &= imm */
		p[0] = HIVE_ALU32_IMM(HIVE_NEG, d, 0);
		p[1] = HIVE_ALU32_IMM(HIVE_AND, d, rf_imm());
		break;
	case 12:        /* AX: wA &= imm; wA ^= wB */
		p[0] = HIVE_ALU32_IMM(HIVE_AND, d, rf_imm());
		p[1] = HIVE_ALU32_REG(HIVE_XOR, d, s);
		break;
	case 13:        /* OS, 32-bit: wA ^= wB; wA >>= imm */
		p[0] = HIVE_ALU32_REG(HIVE_XOR, d, s);
		p[1] = HIVE_ALU32_IMM(HIVE_RSH, d, (int32_t)rf_rnd(32));
		break;
	case 6:         /* T, 32-bit: wA = wB (or rA = rB); wA OP= wC */
		p[0] = rf_rnd(2) ? HIVE_ALU32_REG(HIVE_MOV, d, s) : HIVE_MOV64_REG(d, s);
		p[1] = HIVE_ALU32_REG(w_x[rf_rnd(sizeof(w_x))], d, rf_reg());
		break;
	case 7:         /* TI, 32-bit: wA = wB (or rA = rB); wA OP= imm */
		op = w_k[rf_rnd(sizeof(w_k))];
		p[0] = rf_rnd(2) ? HIVE_ALU32_REG(HIVE_MOV, d, s) : HIVE_MOV64_REG(d, s);
		p[1] = HIVE_ALU32_IMM(op, d, op == HIVE_LSH || op == HIVE_RSH || op == HIVE_ARSH ?
						 (int32_t)rf_rnd(32) : rf_imm());
		break;
	case 8:         /* IW: wA += imm (or -=); rB = rC */
		p[0] = HIVE_ALU32_IMM(rf_rnd(2) ? HIVE_ADD : HIVE_SUB, d, rf_imm());
		p[1] = HIVE_MOV64_REG(s, rf_reg());
		break;
	case 9:         /* AW: wA &= imm; wA = -wA */
		p[0] = HIVE_ALU32_IMM(HIVE_AND, d, rf_imm());
		p[1] = HIVE_ALU32_IMM(HIVE_NEG, d, 0);
		break;
	case 10:        /* RW: wA >>= imm; wB &= imm */
		p[0] = HIVE_ALU32_IMM(HIVE_RSH, d, (int32_t)rf_rnd(32));
		p[1] = HIVE_ALU32_IMM(HIVE_AND, s, rf_imm());
		break;
	case 0:         /* NJ: rA &= imm; if rA OP imm goto */
		p[0] = HIVE_ALU64_IMM(HIVE_AND, d, rf_imm());
		p[1] = HIVE_JMP_IMM(rf_jmp[rf_rnd(sizeof(rf_jmp))], d, rf_imm(), fwd);
		break;
	case 1:         /* AR: rA &= rB; rA >>= imm */
		p[0] = HIVE_ALU64_REG(HIVE_AND, d, s);
		p[1] = HIVE_ALU64_IMM(HIVE_RSH, d, (int32_t)rf_rnd(64));
		break;
	case 2:         /* SB: *(u8 *)(rA + off) = rB; rB += imm */
		rf_mem(&base, &off);
		p[0] = HIVE_STX_MEM(HIVE_B, base, s, off);
		p[1] = HIVE_ALU64_IMM(rf_rnd(2) ? HIVE_ADD : HIVE_SUB, s, rf_imm());
		break;
	case 3:         /* RN: rA >>= imm; rB &= imm */
		p[0] = HIVE_ALU64_IMM(HIVE_RSH, d, (int32_t)rf_rnd(64));
		p[1] = HIVE_ALU64_IMM(HIVE_AND, s, rf_imm());
		break;
	case 4:         /* MV: rA = rB; goto */
		p[0] = HIVE_MOV64_REG(d, s);
		p[1] = HIVE_JMP_A(fwd);
		break;
	default:        /* KM: rA = imm; rB = rC */
		p[0] = HIVE_MOV64_IMM(d, rf_imm());
		p[1] = HIVE_MOV64_REG(s, rf_reg());
		break;
	}
}

/* A program: frame zeroed, r0-r4 set, r5 = r10 - 256, the body, then r0 =
 * r0 ^ ... ^ r9 ^ every frame slot. Returns the instruction count. */
static uint32_t rf_program(struct hive_insn *p)
{
	uint32_t n = 0, i;

	for (i = 1; i <= 64; i++)
		p[n++] = HIVE_ST_MEM(HIVE_DW, 10, (int16_t)(-8 * (int)i), (int32_t)(i * 0x01010101u));
	for (i = 0; i < 5; i++)
		p[n++] = HIVE_MOV64_IMM(i, rf_imm());
	p[n++] = HIVE_MOV64_REG(5, 10);
	p[n++] = HIVE_ALU64_IMM(HIVE_ADD, 5, -256);
	for (i = 0; i < RF_BODY; i++) {
		if (i + 1 < RF_BODY && rf_rnd(4) == 0) {
			rf_pair(&p[n], RF_BODY - 2 - i);
			n += 2;
			i++;
			continue;
		}
		p[n++] = rf_one(RF_BODY - 1 - i);
	}
	for (i = 1; i < 10; i++)
		p[n++] = HIVE_ALU64_REG(HIVE_XOR, 0, i);
	for (i = 1; i <= 64; i++) {
		p[n++] = HIVE_LDX_MEM(HIVE_DW, 1, 10, (int16_t)(-8 * (int)i));
		p[n++] = HIVE_ALU64_REG(HIVE_XOR, 0, 1);
	}
	p[n++] = HIVE_EXIT_INSN();
	return n;
}

TEST(rinterp_fused_random_against_interp)
{
	static struct hive_insn p[RF_MAX + 64];
	unsigned round, ran = 0;

	for (round = 0; round < 4000; round++) {
		uint32_t n = rf_program(p);
		struct hive_vm *vm = hive_vm_create();
		uint64_t a = 0, b = 1;
		int ea, eb;

		REQUIRE(vm);
		hive_vm_set_engine(vm, HIVE_ENGINE_INTERP);
		hive_vm_set_checks(vm, false);
		REQUIRE(hive_vm_load(vm, p, n) == 0);
		if (!vm->rcode) {
			hive_vm_destroy(vm);
			SKIP("this build has no register interpreter (rinterp.h)");
		}
		ea = hive_vm_exec(vm, NULL, 0, &a);
		vm->rinterp_off = true;
		eb = hive_vm_exec(vm, NULL, 0, &b);
		hive_vm_destroy(vm);
		if (ea || eb || a != b) {
			CHECK_EQ(a, b);
			CHECK_EQ(ea, eb);
			CHECK_EQ(round, UINT32_MAX);    /* names the failing round */
			break;
		}
		ran++;
	}
	CHECK_EQ(ran, 4000);
}
