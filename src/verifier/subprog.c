/*
 * subprog.c - global subprograms (Linux 6.18's btf_prepare_func_args,
 * btf_check_subprog_call and the global branch of check_func_call).
 *
 * With func_info, a function of global linkage is not verified in the
 * context of each call: its BTF prototype is its contract. Each argument
 * becomes a class (prepare_func_args): an int or enum is any scalar, a
 * pointer to the program type's context struct (by name, as the kernel
 * compares it) is the context, any other pointer to a sized type is
 * memory of that size that may be NULL. Functions must return an int or
 * an enum. At a call site the caller's R1-R5 are checked against the
 * classes; a mismatch refuses the program. The call does not enter the
 * callee: R0-R5 are clobbered, R0 becomes an unknown scalar, and the
 * callee is marked called. After the main program, verifier.c verifies
 * each called global function once, starting from registers made from
 * its prototype (init_subprog_args).
 *
 * Static functions are verified in their callers' context, but their
 * prototype is still compared with the arguments (the kernel does so to
 * know which functions an extension program may replace): a mismatch is
 * only logged, once, and marks the function unreliable.
 *
 * Argument tags (BTF decl tags "arg:ctx", "arg:nonnull") are honoured;
 * "arg:trusted", "arg:untrusted", "arg:nullable", "arg:arena" and
 * struct bpf_dynptr arguments need kernel types hive does not model: the
 * call is refused with a message saying so (the kernel may accept it).
 */
#include <errno.h>
#include <linux/btf.h>
#include <string.h>

#include "hive/hive_btf.h"
#include "util/util.h"
#include "verifier/env.h"

#define MAX_BPF_FUNC_REG_ARGS 5

enum {
	ARG_TAG_CTX = 1 << 0,
	ARG_TAG_NONNULL = 1 << 1,
	ARG_TAG_OTHER = 1 << 2,   /* a tag hive does not model */
};

/* The struct name of each program type's context in vmlinux
 * (include/linux/bpf_types.h); "" where the context is not a named struct
 * (tracepoints: u64, tracing and syscall programs: void *). */
static const char *ctx_struct_name(uint32_t prog_type)
{
	switch (prog_type) {
	case 1: case 3: case 4: case 8: case 10: case 11: case 12: case 14: case 19: case 22:
		return "__sk_buff";
	case 2:
		return "pt_regs";       /* bpf_user_pt_regs_t on x86-64 */
	case 6:
		return "xdp_md";
	case 7:
		return "bpf_perf_event_data";
	case 9:
		return "bpf_sock";
	case 13:
		return "bpf_sock_ops";
	case 15:
		return "bpf_cgroup_dev_ctx";
	case 16:
		return "sk_msg_md";
	case 17: case 24:
		return "bpf_raw_tracepoint_args";
	case 18:
		return "bpf_sock_addr";
	case 21:
		return "sk_reuseport_md";
	case 23:
		return "bpf_sysctl";
	case 25:
		return "bpf_sockopt";
	case 30:
		return "bpf_sk_lookup";
	case 32:
		return "bpf_nf_ctx";
	default:
		return "";
	}
}

static bool btf_is_modifier(const struct btf_type *t)
{
	switch (hive_btf_kind(t)) {
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return true;
	default:
		return false;
	}
}

/* @id with typedefs and qualifiers skipped (void: the zeroed type). */
static const struct btf_type *skip_mods(const struct hive_btf *btf, uint32_t id)
{
	return hive_btf__type_by_id(btf, hive_btf__skip_mods_and_typedefs(btf, id));
}

static bool btf_is_scalar_kind(const struct btf_type *t)
{
	uint32_t k = hive_btf_kind(t);

	return k == BTF_KIND_INT || k == BTF_KIND_ENUM || k == BTF_KIND_ENUM64;
}

/* The kernel's btf_type_str(): the kind's name. */
static const char *kind_str(const struct btf_type *t)
{
	static const char *const names[] = {
		"UNKNOWN", "INT", "PTR", "ARRAY", "STRUCT", "UNION", "ENUM", "FWD", "TYPEDEF",
		"VOLATILE", "CONST", "RESTRICT", "FUNC", "FUNC_PROTO", "VAR", "DATASEC", "FLOAT",
		"DECL_TAG", "TYPE_TAG", "ENUM64",
	};
	uint32_t k = hive_btf_kind(t);

	return k < HIVE_ARRAY_SIZE(names) ? names[k] : "UNKNOWN";
}

static const char *type_name(const struct hive_btf *btf, const struct btf_type *t)
{
	const char *s = hive_btf__name_by_offset(btf, t->name_off);

	return s ? s : "";
}

/* Whether pointer @ptr points to the program type's context struct
 * (btf_is_prog_ctx_type: the names are compared, not the members). */
static bool is_prog_ctx_ptr(const struct venv *env, const struct btf_type *ptr)
{
	const struct hive_btf *btf = env->btf;
	uint32_t id = ptr->type;
	const struct btf_type *t = hive_btf__type_by_id(btf, id);

	/* kprobes also take the bpf_user_pt_regs_t typedef itself */
	if (env->prog_type == 2) {
		while (t && btf_is_modifier(t) && hive_btf_kind(t) != BTF_KIND_TYPEDEF)
			t = hive_btf__type_by_id(btf, t->type);
		if (t && hive_btf_kind(t) == BTF_KIND_TYPEDEF &&
		    !strcmp(type_name(btf, t), "bpf_user_pt_regs_t"))
			return true;
	}
	t = skip_mods(btf, id);
	if (!t || hive_btf_kind(t) != BTF_KIND_STRUCT)
		return false;
	return ctx_struct_name(env->prog_type)[0] &&
	       !strcmp(type_name(btf, t), ctx_struct_name(env->prog_type));
}

/* The "arg:" decl tags of argument @arg of FUNC @fn_id as ARG_TAG_* bits;
 * -EOPNOTSUPP (logged) for a tag on a static function or an unknown tag. */
static int arg_tags(struct venv *env, uint32_t fn_id, uint32_t arg, bool is_global)
{
	uint32_t n = hive_btf__type_cnt(env->btf), id;
	int tags = 0;

	for (id = fn_id + 1; id < n; id++) {
		const struct btf_type *t = hive_btf__type_by_id(env->btf, id);
		const struct btf_decl_tag *dt;
		const char *tag;

		if (!t || hive_btf_kind(t) != BTF_KIND_DECL_TAG || t->type != fn_id)
			continue;
		dt = hive_btf_records(t);
		tag = type_name(env->btf, t);
		if (dt->component_idx != (int32_t)arg || strncmp(tag, "arg:", 4))
			continue;
		if (!is_global) {
			verbose(env, "arg#%u type tag is not supported in static functions\n", arg);
			return -EOPNOTSUPP;
		}
		tag += 4;
		if (!strcmp(tag, "ctx")) {
			tags |= ARG_TAG_CTX;
		} else if (!strcmp(tag, "nonnull")) {
			tags |= ARG_TAG_NONNULL;
		} else if (!strcmp(tag, "trusted") || !strcmp(tag, "untrusted") ||
			   !strcmp(tag, "nullable") || !strcmp(tag, "arena")) {
			tags |= ARG_TAG_OTHER;
		} else {
			verbose(env, "arg#%u has unsupported set of tags\n", arg);
			return -EOPNOTSUPP;
		}
	}
	return tags;
}

/* Refusal of an argument kind hive does not model. */
static int unmodelled_arg(struct venv *env, uint32_t arg, const char *what)
{
	verbose(env, "arg#%u: %s arguments of global functions are not supported by hive\n", arg,
		what);
	return -EINVAL;
}

/* One pointer argument: its class in @a, 0 or an error. */
static int prepare_ptr_arg(struct venv *env, uint32_t i, const struct btf_type *ptr, int tags,
			   bool is_global, struct subprog_arg *a)
{
	const struct hive_btf *btf = env->btf;
	const struct btf_type *t;
	int64_t size;

	if ((tags & ARG_TAG_CTX) || is_prog_ctx_ptr(env, ptr)) {
		if (tags & ~ARG_TAG_CTX) {
			verbose(env, "arg#%u has invalid combination of tags\n", i);
			return -EINVAL;
		}
		t = skip_mods(btf, ptr->type);
		/* arg:ctx on void * or the context struct itself */
		if ((tags & ARG_TAG_CTX) && hive_btf_kind(t) != BTF_KIND_UNKN &&
		    !is_prog_ctx_ptr(env, ptr))
			return unmodelled_arg(env, i, "arg:ctx on another type than the context");
		a->type = SUBPROG_ARG_CTX;
		return 0;
	}
	t = skip_mods(btf, ptr->type);
	if (t && hive_btf_kind(t) == BTF_KIND_STRUCT && !strcmp(type_name(btf, t), "bpf_dynptr"))
		return tags ? (verbose(env, "arg#%u has invalid combination of tags\n", i), -EINVAL)
			    : unmodelled_arg(env, i, "struct bpf_dynptr");
	if (tags & ARG_TAG_OTHER)
		return unmodelled_arg(env, i, "tagged (trusted, untrusted, nullable, arena)");
	if (!is_global)
		return -EINVAL;
	/* generic memory of the pointed-to type's size */
	if (tags & ~ARG_TAG_NONNULL) {
		verbose(env, "arg#%u has invalid combination of tags\n", i);
		return -EINVAL;
	}
	size = hive_btf__resolve_size(btf, hive_btf__skip_mods_and_typedefs(btf, ptr->type));
	if (size < 0 || size > UINT32_MAX) {
		verbose(env, "arg#%u reference type('%s %s') size cannot be determined: %d\n", i,
			kind_str(t), type_name(btf, t), -EINVAL);
		return -EINVAL;
	}
	a->type = (tags & ARG_TAG_NONNULL) ? SUBPROG_ARG_MEM : SUBPROG_ARG_MEM_OR_NULL;
	a->mem_size = (uint32_t)size;
	return 0;
}

int prepare_func_args(struct venv *env, uint32_t subprog)
{
	struct subprog_info *sub = &env->subprog_info[subprog];
	bool is_global = subprog_is_global(env, subprog);
	const struct btf_type *fn, *proto, *t;
	const struct btf_param *params;
	const char *tname;
	uint32_t i, nargs;
	int tags, err;

	if (sub->args_cached)
		return 0;
	if (!env->func_info) {
		verbose(env, "verifier bug: func_info undefined\n");
		return -EFAULT;
	}
	fn = hive_btf__type_by_id(env->btf, sub->btf_id);
	proto = subprog_func_proto(env, subprog);
	if (!fn || !proto) {
		verbose(env, "BTF of func#%u doesn't point to KIND_FUNC\n", subprog);
		return -EFAULT;
	}
	tname = subprog_name(env, subprog);
	params = hive_btf_records(proto);
	nargs = hive_btf_vlen(proto);
	if (nargs > MAX_BPF_FUNC_REG_ARGS) {
		if (!is_global)
			return -EINVAL;
		verbose(env, "Global function %s() with %u > %d args. Buggy compiler.\n", tname,
			nargs, MAX_BPF_FUNC_REG_ARGS);
		return -EINVAL;
	}
	/* the result is a scalar: int or enum */
	t = skip_mods(env->btf, proto->type);
	if (!t || !btf_is_scalar_kind(t)) {
		if (!is_global)
			return -EINVAL;
		verbose(env, "Global function %s() doesn't return scalar. Only those are supported.\n",
			tname);
		return -EINVAL;
	}
	for (i = 0; i < nargs; i++) {
		struct subprog_arg *a = &sub->args[i];

		tags = arg_tags(env, sub->btf_id, i, is_global);
		if (tags < 0)
			return tags;
		t = skip_mods(env->btf, params[i].type);
		if (t && hive_btf_kind(t) == BTF_KIND_PTR) {
			err = prepare_ptr_arg(env, i, t, tags, is_global, a);
			if (err)
				return err;
			continue;
		}
		if (tags) {
			verbose(env, "arg#%u has pointer tag, but is not a pointer type\n", i);
			return -EINVAL;
		}
		if (t && btf_is_scalar_kind(t)) {
			a->type = SUBPROG_ARG_SCALAR;
			continue;
		}
		if (!is_global)
			return -EINVAL;
		verbose(env, "Arg#%u type %s in %s() is not supported yet.\n", i,
			t ? kind_str(t) : "UNKNOWN", tname);
		return -EINVAL;
	}
	sub->arg_cnt = (uint8_t)nargs;
	sub->args_cached = true;
	return 0;
}

/* The caller's registers against the prototype (btf_check_func_arg_match). */
static int check_func_arg_match(struct venv *env, uint32_t subprog, struct reg_state *regs)
{
	struct subprog_info *sub = &env->subprog_info[subprog];
	uint32_t i;
	int err;

	err = prepare_func_args(env, subprog);
	if (err)
		return err;
	for (i = 0; i < sub->arg_cnt; i++) {
		uint32_t regno = i + 1;
		struct reg_state *reg = &regs[regno];
		const struct subprog_arg *a = &sub->args[i];

		switch (a->type) {
		case SUBPROG_ARG_SCALAR:
			if (reg->type != SCALAR_VALUE) {
				verbose(env, "R%u is not a scalar\n", regno);
				return -EINVAL;
			}
			break;
		case SUBPROG_ARG_CTX:
			err = check_func_arg_reg_off(env, reg, (int)regno, 0);
			if (err < 0)
				return err;
			if (reg->type != PTR_TO_CTX) {
				verbose(env, "arg#%u expects pointer to ctx\n", i);
				return -EINVAL;
			}
			break;
		case SUBPROG_ARG_MEM:
		case SUBPROG_ARG_MEM_OR_NULL:
			err = check_func_arg_reg_off(env, reg, (int)regno, 0);
			if (err < 0)
				return err;
			if (check_mem_reg(env, reg, regno, a->mem_size))
				return -EINVAL;
			/* arg:nonnull: neither NULL nor maybe NULL */
			if (a->type == SUBPROG_ARG_MEM &&
			    (type_may_be_null(reg->type) ||
			     (reg->type == SCALAR_VALUE && tnum_equals_const(reg->var_off, 0)))) {
				verbose(env, "arg#%u is expected to be non-NULL\n", i);
				return -EINVAL;
			}
			break;
		default:
			verbose(env, "verifier bug: unrecognized arg#%u type %u\n", i, a->type);
			return -EFAULT;
		}
	}
	return 0;
}

int check_subprog_call(struct venv *env, uint32_t subprog, struct reg_state *regs)
{
	struct subprog_info *sub = &env->subprog_info[subprog];
	int err;

	if (!env->func_info)
		return -EINVAL;
	if (!sub->btf_id)
		return -EFAULT;
	if (sub->unreliable)
		return -EINVAL;
	err = check_func_arg_match(env, subprog, regs);
	/* compilers drop or change arguments of static functions */
	if (err)
		sub->unreliable = true;
	return err;
}

/* Whether @subprog or a function it calls may move packet data (a helper
 * that changes packet data), which invalidates the caller's packet
 * pointers. @seen guards against cycles in malformed programs. */
static bool changes_pkt_data(struct venv *env, uint32_t subprog, uint8_t *seen)
{
	uint32_t i, end = env->subprog_info[subprog + 1].start;

	if (seen[subprog])
		return false;
	seen[subprog] = 1;
	for (i = env->subprog_info[subprog].start; i < end && i < env->len; i++) {
		const struct hive_insn *insn = &env->insns[i];
		int callee;

		if (bpf_helper_call(insn) && helper_changes_pkt_data(insn->imm))
			return true;
		if (!bpf_pseudo_call(insn))
			continue;
		callee = find_subprog(env, (int)i + insn->imm + 1);
		if (callee >= 0 && changes_pkt_data(env, (uint32_t)callee, seen))
			return true;
	}
	return false;
}

int call_global_subprog(struct venv *env, uint32_t subprog, int err)
{
	static const uint32_t caller_saved[] = { 0, 1, 2, 3, 4, 5 };
	uint8_t seen[BPF_MAX_SUBPROGS + 2] = { 0 };
	const char *name = subprog_name(env, subprog);
	struct reg_state *regs = cur_regs(env);
	uint32_t i;

	if (env->cur_state->active_locks) {
		verbose(env, "global function calls are not allowed while holding a lock,\n"
			     "use static function instead\n");
		return -EINVAL;
	}
	if (err) {
		verbose(env, "Caller passes invalid args into func#%u ('%s')\n", subprog, name);
		return err;
	}
	verbose(env, "Func#%u ('%s') is global and assumed valid.\n", subprog, name);
	if (changes_pkt_data(env, subprog, seen))
		clear_all_pkt_pointers(env);
	/* verified after the main program */
	env->subprog_info[subprog].called = true;
	for (i = 0; i < HIVE_ARRAY_SIZE(caller_saved); i++) {
		mark_reg_not_init(env, regs, caller_saved[i]);
		check_reg_arg(env, caller_saved[i], DST_OP_NO_MARK);
	}
	/* every global function returns a 64-bit scalar */
	mark_reg_unknown(env, regs, 0);
	regs[0].subreg_def = DEF_NOT_SUBREG;
	return 0;
}

int init_subprog_args(struct venv *env, uint32_t subprog, struct reg_state *regs)
{
	struct subprog_info *sub = &env->subprog_info[subprog];
	uint32_t i;
	int err;

	err = prepare_func_args(env, subprog);
	if (err)
		return err;
	for (i = 1; i <= sub->arg_cnt; i++) {
		const struct subprog_arg *a = &sub->args[i - 1];
		struct reg_state *reg = &regs[i];

		switch (a->type) {
		case SUBPROG_ARG_CTX:
			reg->type = PTR_TO_CTX;
			mark_reg_known_zero(env, regs, i);
			break;
		case SUBPROG_ARG_SCALAR:
			reg->type = SCALAR_VALUE;
			mark_reg_unknown(env, regs, i);
			break;
		case SUBPROG_ARG_MEM:
		case SUBPROG_ARG_MEM_OR_NULL:
			reg->type = PTR_TO_MEM;
			if (a->type == SUBPROG_ARG_MEM_OR_NULL)
				reg->type |= PTR_MAYBE_NULL;
			mark_reg_known_zero(env, regs, i);
			reg->mem_size = a->mem_size;
			if (a->type == SUBPROG_ARG_MEM_OR_NULL)
				reg->id = ++env->id_gen;
			break;
		default:
			verbose(env, "verifier bug: unhandled arg#%u type %u\n", i - 1, a->type);
			return -EFAULT;
		}
	}
	return 0;
}
