/*
 * insn.c - the opcode descriptor table generated from insn_def.h and the
 * structural checks on raw instruction streams.
 *
 * These checks are what every consumer may assume before it decodes:
 * a legal opcode, registers r0..r10, zero reserved fields, valid sub-op
 * selectors and in-range jumps. Safety (memory, termination, types) is the
 * verifier's business, or the runtime checks' for unverified programs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "isa.h"

const struct isa_desc isa_table[256] = {
#define X(name, code, kind, mnem, width) [code] = { #name, mnem, HIVE_K_##kind, width },
#include "insn_def.h"
#undef X
};

_Static_assert(HIVE_NUM_OPCODES == 125, "insn_def.h lists every RFC 9669 opcode once");

static int fail(char *msg, size_t msglen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *msg, size_t msglen, const char *fmt, ...)
{
	va_list ap;

	if (msg && msglen) {
		va_start(ap, fmt);
		vsnprintf(msg, msglen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

const char *isa_atomic_name(int32_t imm)
{
	switch (imm) {
	case HIVE_ADD:                return "add";
	case HIVE_OR:                 return "or";
	case HIVE_AND:                return "and";
	case HIVE_XOR:                return "xor";
	case HIVE_ADD | HIVE_FETCH:   return "fetch_add";
	case HIVE_OR | HIVE_FETCH:    return "fetch_or";
	case HIVE_AND | HIVE_FETCH:   return "fetch_and";
	case HIVE_XOR | HIVE_FETCH:   return "fetch_xor";
	case HIVE_XCHG:               return "xchg";
	case HIVE_CMPXCHG:            return "cmpxchg";
	default:                      return NULL;
	}
}

int64_t isa_jump_target(const struct hive_insn *insn, uint32_t pc)
{
	if (insn->code == HIVE_OP_JA32)
		return (int64_t)pc + insn->imm + 1;
	return (int64_t)pc + insn->off + 1;
}

int isa_is_jump(const struct hive_insn *insn)
{
	uint8_t k = isa_table[insn->code].kind;

	return k == HIVE_K_JA || k == HIVE_K_JA32 || k == HIVE_K_JCC_K || k == HIVE_K_JCC_X;
}

int isa_check_insn(const struct hive_insn *insns, uint32_t cnt, uint32_t pc,
		   char *msg, size_t msglen)
{
	const struct hive_insn *in = &insns[pc];
	const struct isa_desc *d = &isa_table[in->code];

	if (d->kind == HIVE_K_INVALID)
		return fail(msg, msglen, "unknown opcode 0x%02x", in->code);
	if (in->dst > 10 || in->src > 10)
		return fail(msg, msglen, "invalid register r%u", in->dst > 10 ? in->dst : in->src);

	switch (d->kind) {
	case HIVE_K_ALU_K:   /* src and off reserved */
		if (in->src || in->off)
			return fail(msg, msglen, "%s uses reserved fields", d->mnem);
		break;
	case HIVE_K_ALU_X:   /* imm and off reserved */
		if (in->imm || in->off)
			return fail(msg, msglen, "%s uses reserved fields", d->mnem);
		break;
	case HIVE_K_DIV_K:   /* off selects signedness */
		if (in->src || (in->off != 0 && in->off != 1))
			return fail(msg, msglen, "%s uses reserved fields", d->mnem);
		break;
	case HIVE_K_DIV_X:
		if (in->imm || (in->off != 0 && in->off != 1))
			return fail(msg, msglen, "%s uses reserved fields", d->mnem);
		break;
	case HIVE_K_MOV_X:   /* off selects movsx width */
		if (in->imm || (in->off != 0 && in->off != 8 && in->off != 16 &&
				!(in->off == 32 && d->width == 64)))
			return fail(msg, msglen, "%s uses reserved fields", d->mnem);
		break;
	case HIVE_K_NEG:
		if (in->src || in->off || in->imm)
			return fail(msg, msglen, "%s uses reserved fields", d->mnem);
		break;
	case HIVE_K_END:
		if (in->src || in->off)
			return fail(msg, msglen, "%s uses reserved fields", d->mnem);
		if (in->imm != 16 && in->imm != 32 && in->imm != 64)
			return fail(msg, msglen, "invalid byte swap width %d", in->imm);
		break;
	case HIVE_K_JA:
		if (in->src || in->dst || in->imm)
			return fail(msg, msglen, "ja uses reserved fields");
		break;
	case HIVE_K_JA32:
		if (in->src || in->dst || in->off)
			return fail(msg, msglen, "gotol uses reserved fields");
		break;
	case HIVE_K_JCC_K:
		if (in->src)
			return fail(msg, msglen, "%s uses reserved fields", d->mnem);
		break;
	case HIVE_K_JCC_X:
		if (in->imm)
			return fail(msg, msglen, "%s uses reserved fields", d->mnem);
		break;
	case HIVE_K_CALL:
		if (in->dst || in->off || in->src > HIVE_PSEUDO_KFUNC_CALL)
			return fail(msg, msglen, "call uses reserved fields");
		break;
	case HIVE_K_EXIT:
		if (in->src || in->dst || in->off || in->imm)
			return fail(msg, msglen, "exit uses reserved fields");
		break;
	case HIVE_K_LDDW:
		if (pc + 1 >= cnt)
			return fail(msg, msglen, "lddw is truncated (needs a second slot)");
		if (in->off || in->src > HIVE_PSEUDO_MAP_IDX_VALUE)
			return fail(msg, msglen, "lddw uses reserved fields");
		if (in[1].code || in[1].dst || in[1].src || in[1].off)
			return fail(msg, msglen, "lddw second slot uses reserved fields");
		break;
	case HIVE_K_LDABS:
		if (in->dst || in->src || in->off)
			return fail(msg, msglen, "%s uses reserved fields", d->mnem);
		break;
	case HIVE_K_LDIND:
		if (in->dst || in->off)
			return fail(msg, msglen, "%s uses reserved fields", d->mnem);
		break;
	case HIVE_K_LDX:
	case HIVE_K_LDXSX:
	case HIVE_K_STX:
		if (in->imm)
			return fail(msg, msglen, "%s uses reserved fields", d->mnem);
		break;
	case HIVE_K_ST:
		if (in->src)
			return fail(msg, msglen, "%s uses reserved fields", d->mnem);
		break;
	case HIVE_K_ATOMIC:
		if (!isa_atomic_name(in->imm))
			return fail(msg, msglen, "invalid atomic operation 0x%x", (unsigned)in->imm);
		break;
	default:
		return fail(msg, msglen, "unknown opcode 0x%02x", in->code);
	}

	/* r10 is the read-only frame pointer: nothing may write it. */
	if (in->dst == HIVE_REG_FP) {
		switch (d->kind) {
		case HIVE_K_ST: case HIVE_K_STX: case HIVE_K_ATOMIC:
		case HIVE_K_JCC_K: case HIVE_K_JCC_X:
			break;
		default:
			return fail(msg, msglen, "frame pointer r10 is read only");
		}
	}
	return 0;
}

/* Target of a control transfer at pc that stays in the program, or -1. */
static int64_t transfer_target(const struct hive_insn *in, uint32_t pc)
{
	if (isa_is_jump(in))
		return isa_jump_target(in, pc);
	if ((in->code == HIVE_OP_CALL && in->src == HIVE_PSEUDO_CALL) ||
	    (in->code == HIVE_OP_LDDW && in->src == HIVE_PSEUDO_FUNC))
		return (int64_t)pc + in->imm + 1;
	return INT64_MIN;
}

int isa_check_prog(const struct hive_insn *insns, uint32_t cnt, uint32_t max_insns,
		   char *msg, size_t msglen)
{
	uint8_t *second = NULL;  /* second[pc]: pc is the second slot of an lddw */
	char why[128];
	uint32_t pc;
	int err = 0;

	if (!insns || cnt == 0)
		return fail(msg, msglen, "empty program");
	if (cnt > max_insns) {
		if (msg && msglen)
			snprintf(msg, msglen, "program has %u instructions, limit is %u", cnt, max_insns);
		return -E2BIG;
	}
	second = calloc(cnt, 1);
	if (!second)
		return -ENOMEM;
	for (pc = 0; pc < cnt; pc++) {
		err = isa_check_insn(insns, cnt, pc, why, sizeof(why));
		if (err) {
			err = fail(msg, msglen, "pc %u: %s", pc, why);
			goto out;
		}
		if (insns[pc].code == HIVE_OP_LDDW)
			second[++pc] = 1;
	}
	for (pc = 0; pc < cnt; pc++) {
		int64_t target;

		if (second[pc])
			continue;
		target = transfer_target(&insns[pc], pc);
		if (target == INT64_MIN)
			continue;
		if (target < 0 || target >= cnt) {
			err = fail(msg, msglen, "pc %u: jump out of range to %lld", pc,
				   (long long)target);
			goto out;
		}
		if (second[target]) {
			err = fail(msg, msglen, "pc %u: jump into the middle of lddw at %lld", pc,
				   (long long)target - 1);
			goto out;
		}
	}
out:
	free(second);
	return err;
}
