/*
 * alu.c - register operands, ALU instructions, 64-bit immediate loads and
 * the legacy packet loads, after the Linux 6.18 verifier.
 *
 * Scalars go through scalar.c's transfer functions. A pointer plus or
 * minus a scalar stays a pointer: a known constant goes into the fixed
 * 'off', anything else into var_off and the bounds (limited to +-2^29 so
 * that later offset arithmetic cannot overflow). Other pointer arithmetic is
 * rejected with the kernel's messages. MOV copies register states and links
 * copies of a scalar through a shared id so a later comparison narrows all
 * of them (see jmp.c).
 */
#include <errno.h>
#include <string.h>

#include "isa/isa.h"
#include "verifier/env.h"

#define BPF_ADDR_SPACE_CAST      1
#define BPF_TO_LE                0x00

static const char *const alu_string[16] = {
	"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "neg", "%=", "^=", "=", "s>>=", "endian",
	"?", "?",
};

/* ---- register operands ------------------------------------------------------ */

bool is_pointer_value(struct venv *env, int regno)
{
	if (env->allow_ptr_leaks)
		return false;
	return cur_regs(env)[regno].type != SCALAR_VALUE;
}

/* Whether the instruction writes all 64 bits of @regno (for subreg_def). */
static bool insn_writes_64(const struct hive_insn *insn)
{
	uint8_t cls = HIVE_CLASS(insn->code);

	if (cls == HIVE_ALU)
		return false;
	if (cls == HIVE_LDX)
		return BPF_SIZE(insn->code) == HIVE_DW || BPF_MODE(insn->code) == HIVE_MEMSX;
	return true;
}

int check_reg_arg(struct venv *env, uint32_t regno, int t)
{
	struct reg_state *regs = cur_regs(env);
	const struct hive_insn *insn = &env->insns[env->insn_idx];

	if (regno >= MAX_BPF_REG) {
		verbose(env, "R%d is invalid\n", regno);
		return -EINVAL;
	}
	mark_reg_scratched(env, regno);
	if (t == SRC_OP) {
		if (regs[regno].type == NOT_INIT) {
			verbose(env, "R%d !read_ok\n", regno);
			return -EACCES;
		}
		return 0;
	}
	if (regno == BPF_REG_FP) {
		verbose(env, "frame pointer is read only\n");
		return -EACCES;
	}
	regs[regno].subreg_def = insn_writes_64(insn) ? DEF_NOT_SUBREG : env->insn_idx + 1;
	if (t == DST_OP)
		mark_reg_unknown(env, regs, regno);
	return 0;
}

void copy_register_state(struct reg_state *dst, const struct reg_state *src)
{
	*dst = *src;
}

void assign_scalar_id_before_mov(struct venv *env, struct reg_state *src)
{
	if (src->type != SCALAR_VALUE)
		return;
	if (src->id & BPF_ADD_CONST) {
		/* rY already carries "+const": a second link is not kept */
		src->id = 0;
		src->off = 0;
	}
	if (!src->id && !tnum_is_const(src->var_off))
		src->id = ++env->id_gen;
}

int reg_bounds_sanity_check(struct venv *env, struct reg_state *reg, const char *ctx)
{
	const char *msg;

	if (!ctx) {
		/* a branch refinement: contradictory bounds only mean the
		 * branch is dead; Linux 6.18 stable forgets them silently */
		if (!reg_bounds_consistent(reg))
			reg_mark_unbounded(reg);
		return 0;
	}

	if (reg->umin_value > reg->umax_value || reg->smin_value > reg->smax_value ||
	    reg->u32_min_value > reg->u32_max_value || reg->s32_min_value > reg->s32_max_value) {
		msg = "range bounds violation";
		goto out;
	}
	if (tnum_is_const(reg->var_off)) {
		uint64_t u = reg->var_off.value;

		if (reg->umin_value != u || reg->umax_value != u ||
		    reg->smin_value != (int64_t)u || reg->smax_value != (int64_t)u) {
			msg = "const tnum out of sync with range bounds";
			goto out;
		}
	}
	if (tnum_subreg_is_const(reg->var_off)) {
		uint32_t u = (uint32_t)reg->var_off.value;

		if (reg->u32_min_value != u || reg->u32_max_value != u ||
		    reg->s32_min_value != (int32_t)u || reg->s32_max_value != (int32_t)u) {
			msg = "const subreg tnum out of sync with range bounds";
			goto out;
		}
	}
	return 0;
out:
	verbose(env, "verifier bug: REG INVARIANTS VIOLATION (%s): %s u64=[0x%llx, 0x%llx] "
		"s64=[0x%llx, 0x%llx] u32=[0x%x, 0x%x] s32=[0x%x, 0x%x] var_off=(0x%llx, 0x%llx)\n",
		ctx, msg, (unsigned long long)reg->umin_value, (unsigned long long)reg->umax_value,
		(unsigned long long)reg->smin_value, (unsigned long long)reg->smax_value,
		reg->u32_min_value, reg->u32_max_value, (uint32_t)reg->s32_min_value,
		(uint32_t)reg->s32_max_value, (unsigned long long)reg->var_off.value,
		(unsigned long long)reg->var_off.mask);
	reg_mark_unbounded(reg);
	return 0;
}

/* ---- pointer arithmetic ----------------------------------------------------- */

static bool check_reg_sane_offset(struct venv *env, const struct reg_state *reg, uint32_t type)
{
	bool known = tnum_is_const(reg->var_off);
	int64_t val = (int64_t)reg->var_off.value, smin = reg->smin_value;

	if (known && (val >= BPF_MAX_VAR_OFF || val <= -BPF_MAX_VAR_OFF)) {
		verbose(env, "math between %s pointer and %lld is not allowed\n",
			reg_type_str(env, type), (long long)val);
		return false;
	}
	if (reg->off >= BPF_MAX_VAR_OFF || reg->off <= -BPF_MAX_VAR_OFF) {
		verbose(env, "%s pointer offset %d is not allowed\n", reg_type_str(env, type),
			reg->off);
		return false;
	}
	if (smin == S64_MIN) {
		verbose(env, "math between %s pointer and register with unbounded min value is not allowed\n",
			reg_type_str(env, type));
		return false;
	}
	if (smin >= BPF_MAX_VAR_OFF || smin <= -BPF_MAX_VAR_OFF) {
		verbose(env, "value %lld makes %s pointer be out of bounds\n", (long long)smin,
			reg_type_str(env, type));
		return false;
	}
	return true;
}

/* The resulting pointer: fixed and minimum variable offsets stay below 2^29. */
static bool check_ptr_sane_offset(struct venv *env, const struct reg_state *reg, uint32_t type)
{
	if (reg->off >= BPF_MAX_VAR_OFF || reg->off <= -BPF_MAX_VAR_OFF) {
		verbose(env, "%s pointer offset %d is not allowed\n", reg_type_str(env, type),
			reg->off);
		return false;
	}
	if (reg->smin_value >= BPF_MAX_VAR_OFF || reg->smin_value <= -BPF_MAX_VAR_OFF) {
		verbose(env, "%s pointer offset %lld is not allowed\n", reg_type_str(env, type),
			(long long)reg->smin_value);
		return false;
	}
	return true;
}

static bool reg_is_pkt_pointer(const struct reg_state *reg)
{
	return reg->type == PTR_TO_PACKET || reg->type == PTR_TO_PACKET_META;
}

/* Copy the type-specific payload (map pointer, packet range, ...). */
static void copy_raw(struct reg_state *dst, const struct reg_state *src)
{
	memcpy(&dst->map_ptr, &src->map_ptr,
	       offsetof(struct reg_state, var_off) - offsetof(struct reg_state, map_ptr));
}

static void clear_raw(struct reg_state *dst)
{
	memset(&dst->map_ptr, 0,
	       offsetof(struct reg_state, var_off) - offsetof(struct reg_state, map_ptr));
}

static int adjust_ptr_min_max_vals(struct venv *env, const struct hive_insn *insn,
				   const struct reg_state *ptr_reg, const struct reg_state *off_reg)
{
	struct reg_state *regs = cur_regs(env), *dst_reg = &regs[insn->dst];
	bool known = tnum_is_const(off_reg->var_off);
	int64_t smin_val = off_reg->smin_value, smax_val = off_reg->smax_value;
	int64_t smin_ptr = ptr_reg->smin_value, smax_ptr = ptr_reg->smax_value;
	uint64_t umin_val = off_reg->umin_value, umax_val = off_reg->umax_value;
	uint64_t umin_ptr = ptr_reg->umin_value, umax_ptr = ptr_reg->umax_value;
	uint8_t opcode = BPF_OP(insn->code);
	uint32_t dst = insn->dst;
	struct reg_state ptr = *ptr_reg, off = *off_reg;

	if ((known && (smin_val != smax_val || umin_val != umax_val)) ||
	    smin_val > smax_val || umin_val > umax_val) {
		/* an offset with impossible bounds (dead branch) taints dst */
		mark_reg_unknown_raw(env, dst_reg);
		return 0;
	}
	if (HIVE_CLASS(insn->code) != HIVE_ALU64) {
		/* 32-bit ops on pointers give meaningless scalars */
		if (opcode == HIVE_SUB && env->allow_ptr_leaks) {
			mark_reg_unknown_raw(env, dst_reg);
			return 0;
		}
		verbose(env, "R%d 32-bit pointer arithmetic prohibited\n", dst);
		return -EACCES;
	}
	if (ptr.type & PTR_MAYBE_NULL) {
		verbose(env, "R%d pointer arithmetic on %s prohibited, null-check it first\n", dst,
			reg_type_str(env, ptr.type));
		return -EACCES;
	}
	if (base_type(ptr.type) == PTR_TO_MEM && (ptr.type & PTR_UNTRUSTED))
		return 0;
	switch (base_type(ptr.type)) {
	case PTR_TO_CTX:
	case PTR_TO_MAP_VALUE:
	case PTR_TO_MAP_KEY:
	case PTR_TO_STACK:
	case PTR_TO_PACKET_META:
	case PTR_TO_PACKET:
	case PTR_TO_TP_BUFFER:
	case PTR_TO_BTF_ID:
	case PTR_TO_MEM:
	case PTR_TO_BUF:
	case PTR_TO_FUNC:
	case CONST_PTR_TO_DYNPTR:
		break;
	case PTR_TO_FLOW_KEYS:
		if (known)
			break;
		/* fall through */
	case CONST_PTR_TO_MAP:
		if (known && smin_val == 0 && opcode == HIVE_ADD)
			break;
		/* fall through */
	default:
		verbose(env, "R%d pointer arithmetic on %s prohibited\n", dst,
			reg_type_str(env, ptr.type));
		return -EACCES;
	}
	/* scalar += pointer: dst becomes the pointer */
	dst_reg->type = ptr.type;
	dst_reg->id = ptr.id;
	if (!check_reg_sane_offset(env, &off, ptr.type) ||
	    !check_reg_sane_offset(env, &ptr, ptr.type))
		return -EINVAL;
	/* pointers carry no 32-bit bounds */
	reg_mark32_unbounded(dst_reg);

	switch (opcode) {
	case HIVE_ADD:
		if (known && (int64_t)ptr.off + smin_val == (int64_t)(int32_t)(ptr.off + smin_val)) {
			/* pointer += K: into the fixed offset */
			dst_reg->smin_value = smin_ptr;
			dst_reg->smax_value = smax_ptr;
			dst_reg->umin_value = umin_ptr;
			dst_reg->umax_value = umax_ptr;
			dst_reg->var_off = ptr.var_off;
			dst_reg->off = (int32_t)(ptr.off + smin_val);
			copy_raw(dst_reg, &ptr);
			break;
		}
		/* a new variable offset */
		if (__builtin_add_overflow(smin_ptr, smin_val, &dst_reg->smin_value) ||
		    __builtin_add_overflow(smax_ptr, smax_val, &dst_reg->smax_value)) {
			dst_reg->smin_value = S64_MIN;
			dst_reg->smax_value = S64_MAX;
		}
		if (__builtin_add_overflow(umin_ptr, umin_val, &dst_reg->umin_value) ||
		    __builtin_add_overflow(umax_ptr, umax_val, &dst_reg->umax_value)) {
			dst_reg->umin_value = 0;
			dst_reg->umax_value = U64_MAX;
		}
		dst_reg->var_off = tnum_add(ptr.var_off, off.var_off);
		dst_reg->off = ptr.off;
		copy_raw(dst_reg, &ptr);
		if (reg_is_pkt_pointer(&ptr)) {
			/* a new packet pointer base, no known range */
			dst_reg->id = ++env->id_gen;
			clear_raw(dst_reg);
		}
		break;
	case HIVE_SUB:
		if (dst_reg == off_reg) {
			verbose(env, "R%d tried to subtract pointer from scalar\n", dst);
			return -EACCES;
		}
		if (ptr.type == PTR_TO_STACK) {
			verbose(env, "R%d subtraction from stack pointer prohibited\n", dst);
			return -EACCES;
		}
		if (known && (int64_t)ptr.off - smin_val == (int64_t)(int32_t)(ptr.off - smin_val)) {
			/* pointer -= K: from the fixed offset */
			dst_reg->smin_value = smin_ptr;
			dst_reg->smax_value = smax_ptr;
			dst_reg->umin_value = umin_ptr;
			dst_reg->umax_value = umax_ptr;
			dst_reg->var_off = ptr.var_off;
			dst_reg->id = ptr.id;
			dst_reg->off = (int32_t)(ptr.off - smin_val);
			copy_raw(dst_reg, &ptr);
			break;
		}
		if (__builtin_sub_overflow(smin_ptr, smax_val, &dst_reg->smin_value) ||
		    __builtin_sub_overflow(smax_ptr, smin_val, &dst_reg->smax_value)) {
			dst_reg->smin_value = S64_MIN;
			dst_reg->smax_value = S64_MAX;
		}
		if (umin_ptr < umax_val) {
			dst_reg->umin_value = 0;
			dst_reg->umax_value = U64_MAX;
		} else {
			dst_reg->umin_value = umin_ptr - umax_val;
			dst_reg->umax_value = umax_ptr - umin_val;
		}
		dst_reg->var_off = tnum_sub(ptr.var_off, off.var_off);
		dst_reg->off = ptr.off;
		copy_raw(dst_reg, &ptr);
		if (reg_is_pkt_pointer(&ptr)) {
			dst_reg->id = ++env->id_gen;
			if (smin_val < 0)
				clear_raw(dst_reg);
		}
		break;
	case HIVE_AND:
	case HIVE_OR:
	case HIVE_XOR:
		verbose(env, "R%d bitwise operator %s on pointer prohibited\n", dst,
			alu_string[opcode >> 4]);
		return -EACCES;
	default:
		verbose(env, "R%d pointer arithmetic with %s operator prohibited\n", dst,
			alu_string[opcode >> 4]);
		return -EACCES;
	}
	if (!check_ptr_sane_offset(env, dst_reg, ptr.type))
		return -EINVAL;
	reg_bounds_sync(dst_reg);
	return 0;
}

/*
 * dst &= C or dst |= C with dst in [-1, 0] (LLVM's select-to-mask: "x s>>=
 * 63; x &= C"): as Linux 6.18 stable's maybe_fork_scalars, both values are
 * explored. A pending path re-runs this instruction with dst = 0; this one
 * goes on with dst = -1. The 64-bit range decides first, then the 32-bit one.
 */
static int maybe_fork_scalars(struct venv *env, const struct hive_insn *insn,
			      struct reg_state *dst_reg)
{
	struct vstate *branch;
	struct reg_state *regs;
	bool alu32;

	if (dst_reg->smin_value == -1 && dst_reg->smax_value == 0)
		alu32 = false;
	else if (dst_reg->s32_min_value == -1 && dst_reg->s32_max_value == 0)
		alu32 = true;
	else
		return 0;
	branch = push_stack(env, env->insn_idx, env->insn_idx, false);
	if (!branch)
		return env->stack_size > BPF_COMPLEXITY_LIMIT_JMP_SEQ ? -E2BIG : -ENOMEM;
	regs = branch->frame[branch->curframe]->regs;
	if (alu32) {
		reg_mark32_known(&regs[insn->dst], 0);
		reg_mark32_known(dst_reg, UINT64_MAX);
	} else {
		reg_mark_known(&regs[insn->dst], 0);
		reg_mark_known(dst_reg, UINT64_MAX);
	}
	return 0;
}

/* dst = dst OP src (or imm) for scalars, after the safety checks. */
static int adjust_scalar_min_max_vals(struct venv *env, const struct hive_insn *insn,
				      struct reg_state *dst_reg, struct reg_state src_reg)
{
	bool alu32 = HIVE_CLASS(insn->code) != HIVE_ALU64;
	uint8_t op = BPF_OP(insn->code);
	int err;

	if (!scalar_alu_computable(insn->code, &src_reg)) {
		mark_reg_unknown_raw(env, dst_reg);
		return 0;
	}
	if ((op == HIVE_AND || op == HIVE_OR) && tnum_is_const(src_reg.var_off)) {
		err = maybe_fork_scalars(env, insn, dst_reg);
		if (err)
			return err;
	}
	scalar_alu(dst_reg, &src_reg, op, alu32);
	return 0;
}

static int adjust_reg_min_max_vals(struct venv *env, const struct hive_insn *insn)
{
	struct reg_state *regs = cur_regs(env), *dst_reg = &regs[insn->dst], *src_reg;
	struct reg_state *ptr_reg = NULL, off_reg;
	bool alu32 = HIVE_CLASS(insn->code) != HIVE_ALU64, src_const;
	uint64_t val, dst_umax;
	uint8_t opcode = BPF_OP(insn->code);
	int err;

	if (dst_reg->type == PTR_TO_ARENA) {
		if (HIVE_CLASS(insn->code) == HIVE_ALU64)
			dst_reg->subreg_def = env->insn_idx + 1;
		return 0;
	}
	if (dst_reg->type != SCALAR_VALUE)
		ptr_reg = dst_reg;
	if (BPF_SRC(insn->code) == HIVE_X) {
		src_reg = &regs[insn->src];
		if (src_reg->type != SCALAR_VALUE) {
			if (dst_reg->type != SCALAR_VALUE) {
				/* pointer OP pointer: only subtraction, as a scalar */
				if (opcode == HIVE_SUB && env->allow_ptr_leaks) {
					mark_reg_unknown(env, regs, insn->dst);
					return 0;
				}
				verbose(env, "R%d pointer %s pointer prohibited\n", insn->dst,
					alu_string[opcode >> 4]);
				return -EACCES;
			}
			/* scalar += pointer */
			err = mark_chain_precision(env, insn->dst);
			if (err)
				return err;
			return adjust_ptr_min_max_vals(env, insn, src_reg, dst_reg);
		} else if (ptr_reg) {
			/* pointer += scalar */
			err = mark_chain_precision(env, insn->src);
			if (err)
				return err;
			return adjust_ptr_min_max_vals(env, insn, dst_reg, src_reg);
		} else if (dst_reg->precise) {
			/* a precise dst needs a precise src */
			err = mark_chain_precision(env, insn->src);
			if (err)
				return err;
		}
	} else {
		/* the immediate as a known scalar */
		memset(&off_reg, 0, sizeof(off_reg));
		off_reg.type = SCALAR_VALUE;
		reg_mark_known(&off_reg, (uint64_t)(int64_t)insn->imm);
		src_reg = &off_reg;
		if (ptr_reg)
			return adjust_ptr_min_max_vals(env, insn, ptr_reg, src_reg);
	}
	/* the link needs the source's constness and dst's width before the op */
	src_const = reg_is_const(src_reg, alu32);
	val = reg_const_value(src_reg, alu32);
	dst_umax = dst_reg->umax_value;
	err = adjust_scalar_min_max_vals(env, insn, dst_reg, *src_reg);
	if (err)
		return err;
	/* r1 = r2; r1 += K (or -= K, 32-bit too) keeps r1 linked to r2 */
	if (env->bpf_capable && (opcode == HIVE_ADD || opcode == HIVE_SUB) && dst_reg->id &&
	    src_const) {
		int32_t off;

		if (!alu32 && ((int64_t)val < S32_MIN || (int64_t)val > S32_MAX))
			goto clear_id;
		/* a 32-bit op only keeps the link if the upper half was 0 */
		if (alu32 && dst_umax > U32_MAX)
			goto clear_id;
		off = (int32_t)val;
		if (opcode == HIVE_SUB) {
			if (off == S32_MIN)
				goto clear_id;
			off = -off;
		}
		/* only one delta per link */
		if (dst_reg->id & BPF_ADD_CONST)
			goto clear_id;
		dst_reg->id |= alu32 ? BPF_ADD_CONST32 : BPF_ADD_CONST64;
		dst_reg->off = off;
		return 0;
	}
clear_id:
	dst_reg->off = 0;
	dst_reg->id = 0;
	return 0;
}

/* ---- the ALU class ------------------------------------------------------------ */

static int check_mov(struct venv *env, const struct hive_insn *insn)
{
	struct reg_state *regs = cur_regs(env);
	struct reg_state *src_reg, *dst_reg;
	int err;

	if (BPF_SRC(insn->code) == HIVE_X) {
		if (HIVE_CLASS(insn->code) == HIVE_ALU) {
			if ((insn->off != 0 && insn->off != 8 && insn->off != 16) || insn->imm) {
				verbose(env, "BPF_MOV uses reserved fields\n");
				return -EINVAL;
			}
		} else if (insn->off == BPF_ADDR_SPACE_CAST) {
			if (insn->imm != 1 && insn->imm != 1 << 16) {
				verbose(env, "addr_space_cast insn can only convert between address space 1 and 0\n");
				return -EINVAL;
			}
			verbose(env, "addr_space_cast insn can only be used in a program that has an associated arena\n");
			return -EINVAL;
		} else {
			if ((insn->off != 0 && insn->off != 8 && insn->off != 16 && insn->off != 32) ||
			    insn->imm) {
				verbose(env, "BPF_MOV uses reserved fields\n");
				return -EINVAL;
			}
		}
		err = check_reg_arg(env, insn->src, SRC_OP);
		if (err)
			return err;
	} else {
		if (insn->src != 0 || insn->off != 0) {
			verbose(env, "BPF_MOV uses reserved fields\n");
			return -EINVAL;
		}
	}
	err = check_reg_arg(env, insn->dst, DST_OP_NO_MARK);
	if (err)
		return err;

	if (BPF_SRC(insn->code) == HIVE_K) {
		/* R = imm */
		mark_reg_unknown(env, regs, insn->dst);
		regs[insn->dst].type = SCALAR_VALUE;
		if (HIVE_CLASS(insn->code) == HIVE_ALU64)
			reg_mark_known(&regs[insn->dst], (uint64_t)(int64_t)insn->imm);
		else
			reg_mark_known(&regs[insn->dst], (uint32_t)insn->imm);
		return 0;
	}
	src_reg = &regs[insn->src];
	dst_reg = &regs[insn->dst];
	if (HIVE_CLASS(insn->code) == HIVE_ALU64) {
		if (insn->off == 0) {
			/* R1 = R2: the copy shares the scalar's id */
			assign_scalar_id_before_mov(env, src_reg);
			copy_register_state(dst_reg, src_reg);
			dst_reg->subreg_def = DEF_NOT_SUBREG;
		} else if (is_pointer_value(env, insn->src)) {
			verbose(env, "R%d sign-extension part of pointer\n", insn->src);
			return -EACCES;
		} else if (src_reg->type == SCALAR_VALUE) {
			/* R1 = (s8, s16, s32)R2 */
			bool no_sext = src_reg->umax_value < (1ULL << (insn->off - 1));

			if (no_sext)
				assign_scalar_id_before_mov(env, src_reg);
			copy_register_state(dst_reg, src_reg);
			if (!no_sext)
				dst_reg->id = 0;
			reg_coerce_to_size_sx(dst_reg, insn->off >> 3);
			dst_reg->subreg_def = DEF_NOT_SUBREG;
		} else {
			mark_reg_unknown(env, regs, insn->dst);
		}
		return 0;
	}
	/* W1 = W2 */
	if (is_pointer_value(env, insn->src)) {
		verbose(env, "R%d partial copy of pointer\n", insn->src);
		return -EACCES;
	} else if (src_reg->type == SCALAR_VALUE) {
		if (insn->off == 0) {
			bool is_u32 = (64 - (src_reg->umax_value ? __builtin_clzll(src_reg->umax_value) : 64)) <= 32;

			if (is_u32)
				assign_scalar_id_before_mov(env, src_reg);
			copy_register_state(dst_reg, src_reg);
			/* a wider source must not pass its range back */
			if (!is_u32)
				dst_reg->id = 0;
			dst_reg->subreg_def = env->insn_idx + 1;
		} else {
			/* W1 = (s8, s16)W2 */
			bool no_sext = src_reg->umax_value < (1ULL << (insn->off - 1));

			if (no_sext)
				assign_scalar_id_before_mov(env, src_reg);
			copy_register_state(dst_reg, src_reg);
			if (!no_sext)
				dst_reg->id = 0;
			dst_reg->subreg_def = env->insn_idx + 1;
			reg_coerce_subreg_to_size_sx(dst_reg, insn->off >> 3);
		}
	} else {
		mark_reg_unknown(env, regs, insn->dst);
	}
	reg_zext_32_to_64(dst_reg);
	reg_bounds_sync(dst_reg);
	return 0;
}

int check_alu_op(struct venv *env, const struct hive_insn *insn)
{
	struct reg_state *regs = cur_regs(env);
	uint8_t opcode = BPF_OP(insn->code);
	int err;

	if (opcode == HIVE_END || opcode == HIVE_NEG) {
		if (opcode == HIVE_NEG) {
			if (BPF_SRC(insn->code) != HIVE_K || insn->src != 0 || insn->off != 0 ||
			    insn->imm != 0) {
				verbose(env, "BPF_NEG uses reserved fields\n");
				return -EINVAL;
			}
		} else {
			if (insn->src != 0 || insn->off != 0 ||
			    (insn->imm != 16 && insn->imm != 32 && insn->imm != 64) ||
			    (HIVE_CLASS(insn->code) == HIVE_ALU64 && BPF_SRC(insn->code) != BPF_TO_LE)) {
				verbose(env, "BPF_END uses reserved fields\n");
				return -EINVAL;
			}
		}
		err = check_reg_arg(env, insn->dst, SRC_OP);
		if (err)
			return err;
		if (is_pointer_value(env, insn->dst)) {
			verbose(env, "R%d pointer arithmetic prohibited\n", insn->dst);
			return -EACCES;
		}
		if (opcode == HIVE_NEG && regs[insn->dst].type == SCALAR_VALUE) {
			err = check_reg_arg(env, insn->dst, DST_OP_NO_MARK);
			if (!err)
				err = adjust_scalar_min_max_vals(env, insn, &regs[insn->dst],
								 regs[insn->dst]);
		} else if (regs[insn->dst].type == SCALAR_VALUE) {
			/* byte swaps keep track of the known bits */
			err = check_reg_arg(env, insn->dst, DST_OP_NO_MARK);
			if (!err)
				scalar_byte_swap(&regs[insn->dst], insn->code, insn->imm);
		} else {
			err = check_reg_arg(env, insn->dst, DST_OP);
		}
		if (err)
			return err;
	} else if (opcode == HIVE_MOV) {
		err = check_mov(env, insn);
		if (err)
			return err;
	} else if (opcode > HIVE_END) {
		verbose(env, "invalid BPF_ALU opcode %x\n", opcode);
		return -EINVAL;
	} else {
		/* add, sub, mul, div, or, and, lsh, rsh, mod, xor, arsh */
		if (BPF_SRC(insn->code) == HIVE_X) {
			if (insn->imm != 0 || (insn->off != 0 && insn->off != 1) ||
			    (insn->off == 1 && opcode != HIVE_MOD && opcode != HIVE_DIV)) {
				verbose(env, "BPF_ALU uses reserved fields\n");
				return -EINVAL;
			}
			err = check_reg_arg(env, insn->src, SRC_OP);
			if (err)
				return err;
		} else {
			if (insn->src != 0 || (insn->off != 0 && insn->off != 1) ||
			    (insn->off == 1 && opcode != HIVE_MOD && opcode != HIVE_DIV)) {
				verbose(env, "BPF_ALU uses reserved fields\n");
				return -EINVAL;
			}
		}
		err = check_reg_arg(env, insn->dst, SRC_OP);
		if (err)
			return err;
		if ((opcode == HIVE_MOD || opcode == HIVE_DIV) && BPF_SRC(insn->code) == HIVE_K &&
		    insn->imm == 0) {
			verbose(env, "div by zero\n");
			return -EINVAL;
		}
		if ((opcode == HIVE_LSH || opcode == HIVE_RSH || opcode == HIVE_ARSH) &&
		    BPF_SRC(insn->code) == HIVE_K) {
			int size = HIVE_CLASS(insn->code) == HIVE_ALU64 ? 64 : 32;

			if (insn->imm < 0 || insn->imm >= size) {
				verbose(env, "invalid shift %d\n", insn->imm);
				return -EINVAL;
			}
		}
		err = check_reg_arg(env, insn->dst, DST_OP_NO_MARK);
		if (!err)
			err = adjust_reg_min_max_vals(env, insn);
		if (err)
			return err;
	}
	return reg_bounds_sanity_check(env, &regs[insn->dst], "alu");
}

/* ---- 64-bit immediates and legacy packet loads ------------------------------ */

int check_ld_imm(struct venv *env, const struct hive_insn *insn)
{
	struct reg_state *regs = cur_regs(env), *dst_reg;
	struct insn_aux *aux = &env->aux[env->insn_idx];
	int err;

	if (BPF_SIZE(insn->code) != HIVE_DW) {
		verbose(env, "invalid BPF_LD_IMM insn\n");
		return -EINVAL;
	}
	if (insn->off != 0) {
		verbose(env, "BPF_LD_IMM64 uses reserved fields\n");
		return -EINVAL;
	}
	err = check_reg_arg(env, insn->dst, DST_OP);
	if (err)
		return err;
	dst_reg = &regs[insn->dst];
	if (insn->src == 0) {
		uint64_t imm = ((uint64_t)(uint32_t)insn[1].imm << 32) | (uint32_t)insn->imm;

		dst_reg->type = SCALAR_VALUE;
		reg_mark_known(dst_reg, imm);
		return 0;
	}
	mark_reg_known_zero(env, regs, insn->dst);
	if (insn->src == BPF_PSEUDO_FUNC) {
		/* the address of a callback (bpf_loop, bpf_for_each_map_elem):
		 * a static function described by func_info */
		int subprogno = find_subprog(env, env->insn_idx + insn->imm + 1);

		if (!env->func_info) {
			verbose(env, "missing btf func_info\n");
			return -EINVAL;
		}
		if (subprogno < 0) {
			verbose(env, "verifier bug: no subprogram at the target of ld_imm64 func\n");
			return -EFAULT;
		}
		if (subprog_is_global(env, (uint32_t)subprogno)) {
			verbose(env, "callback function not static\n");
			return -EINVAL;
		}
		dst_reg->type = PTR_TO_FUNC;
		dst_reg->subprogno = (uint32_t)subprogno;
		return 0;
	}
	if (!aux->map) {
		verbose(env, "verifier bug: unexpected src reg value for ldimm64\n");
		return -EFAULT;
	}
	dst_reg->map_ptr = aux->map;
	if (insn->src == BPF_PSEUDO_MAP_VALUE || insn->src == BPF_PSEUDO_MAP_IDX_VALUE) {
		dst_reg->type = PTR_TO_MAP_VALUE;
		dst_reg->off = (int32_t)aux->map_off;
	} else {
		dst_reg->type = CONST_PTR_TO_MAP;
	}
	return 0;
}

int check_ld_abs(struct venv *env, const struct hive_insn *insn)
{
	static const uint32_t caller_saved[] = { 0, 1, 2, 3, 4, 5 };
	struct reg_state *regs = cur_regs(env);
	uint8_t mode = BPF_MODE(insn->code);
	size_t i;
	int err;

	if (!prog_may_ld_abs(env->prog_type)) {
		verbose(env, "BPF_LD_[ABS|IND] instructions not allowed for this program type\n");
		return -EINVAL;
	}
	if (insn->dst != 0 || insn->off != 0 || BPF_SIZE(insn->code) == HIVE_DW ||
	    (mode == HIVE_ABS && insn->src != 0)) {
		verbose(env, "BPF_LD_[ABS|IND] uses reserved fields\n");
		return -EINVAL;
	}
	/* the implicit source, R6 = ctx */
	err = check_reg_arg(env, 6, SRC_OP);
	if (err)
		return err;
	err = check_resource_leak(env, false, true, "BPF_LD_[ABS|IND]");
	if (err)
		return err;
	if (regs[6].type != PTR_TO_CTX) {
		verbose(env, "at the time of BPF_LD_ABS|IND R6 != pointer to skb\n");
		return -EINVAL;
	}
	if (mode == HIVE_IND) {
		err = check_reg_arg(env, insn->src, SRC_OP);
		if (err)
			return err;
	}
	err = check_ptr_off_reg(env, &regs[6], 6);
	if (err < 0)
		return err;
	/* a call in disguise: caller-saved registers are clobbered */
	for (i = 0; i < sizeof(caller_saved) / sizeof(caller_saved[0]); i++) {
		mark_reg_not_init(env, regs, caller_saved[i]);
		check_reg_arg(env, caller_saved[i], DST_OP_NO_MARK);
	}
	mark_reg_unknown(env, regs, 0);
	regs[0].subreg_def = env->insn_idx + 1;
	return 0;
}
