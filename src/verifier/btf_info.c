/*
 * btf_info.c - the program's BTF as the verifier sees it (the kernel's
 * check_btf_func and verbose_linfo).
 *
 * With func_info, each subprogram has a BTF FUNC: its name, its prototype
 * and its linkage. Functions of global linkage are verified on their own
 * (from the prototype, not from the caller's state), static ones in the
 * caller's context, and callbacks must be static. With line_info, the log
 * gets a "; <source line> @ <file>:<line>" line whenever the instruction
 * printed next belongs to a different source line (file and line number;
 * records differing only in the column count as one) than the last one
 * printed. Without func_info every subprogram is static and nameless, and
 * subprograms may not use LD_ABS or tail calls (check_abnormal_return).
 *
 * The records were checked against the program before (core/prog_btf.c for
 * PROG_LOAD: one func_info per subprogram at its first instruction, FUNC
 * type ids, line_info offsets in range); check_btf_info() repeats the
 * layout check so that hive_verify() callers cannot walk it out of range.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <stdarg.h>
#include <string.h>

#include "hive/hive_btf.h"
#include "verifier/env.h"

static const struct btf_type *func_proto(const struct venv *env, uint32_t subprog)
{
	const struct btf_type *t;

	if (!env->func_info || subprog >= env->subprog_cnt)
		return NULL;
	t = hive_btf__type_by_id(env->btf, env->subprog_info[subprog].btf_id);
	if (!t)
		return NULL;
	t = hive_btf__type_by_id(env->btf, t->type);
	return t && hive_btf_kind(t) == BTF_KIND_FUNC_PROTO ? t : NULL;
}

/* An int of at most 8 bytes or an enum (btf_type_is_small_int, btf_is_any_enum). */
static bool btf_scalar_return(const struct venv *env, uint32_t type_id)
{
	const struct btf_type *t;
	uint32_t id = hive_btf__skip_mods_and_typedefs(env->btf, type_id);

	t = hive_btf__type_by_id(env->btf, id);
	if (!t)
		return false;
	if (hive_btf_kind(t) == BTF_KIND_ENUM || hive_btf_kind(t) == BTF_KIND_ENUM64)
		return true;
	return hive_btf_kind(t) == BTF_KIND_INT && t->size <= 8;
}

static int check_abnormal_return(struct venv *env)
{
	uint32_t i;

	for (i = 1; i < env->subprog_cnt; i++) {
		if (env->subprog_info[i].has_ld_abs) {
			verbose(env, "LD_ABS is not allowed in subprogs without BTF\n");
			return -EINVAL;
		}
		if (env->subprog_info[i].has_tail_call) {
			verbose(env, "tail_call is not allowed in subprogs without BTF\n");
			return -EINVAL;
		}
	}
	return 0;
}

int check_btf_info(struct venv *env)
{
	uint32_t i;

	if (!env->func_info_cnt)
		return check_abnormal_return(env);
	if (!env->btf || !env->func_info) {
		verbose(env, "func_info without BTF\n");
		return -EINVAL;
	}
	if (env->func_info_cnt != env->subprog_cnt) {
		verbose(env, "number of funcs in func_info doesn't match number of subprogs\n");
		return -EINVAL;
	}
	for (i = 0; i < env->subprog_cnt; i++) {
		const struct bpf_func_info *fi = &env->func_info[i];
		const struct btf_type *t = hive_btf__type_by_id(env->btf, fi->type_id);
		const struct btf_type *proto;

		if (fi->insn_off != env->subprog_info[i].start) {
			verbose(env, "func_info BTF section doesn't match subprog layout in BPF program\n");
			return -EINVAL;
		}
		if (!fi->type_id || !t || hive_btf_kind(t) != BTF_KIND_FUNC) {
			verbose(env, "invalid type id %d in func info", (int)fi->type_id);
			return -EINVAL;
		}
		env->subprog_info[i].btf_id = fi->type_id;
		env->subprog_info[i].linkage = (uint8_t)hive_btf_vlen(t);
		proto = func_proto(env, i);
		if (!proto) {
			verbose(env, "invalid type id %d in func info", (int)fi->type_id);
			return -EINVAL;
		}
		/* LD_ABS and tail calls set R0 on their own: only in int functions */
		if (i && !btf_scalar_return(env, proto->type) && env->subprog_info[i].has_ld_abs) {
			verbose(env, "LD_ABS is only allowed in functions that return 'int'.\n");
			return -EINVAL;
		}
		if (i && !btf_scalar_return(env, proto->type) && env->subprog_info[i].has_tail_call) {
			verbose(env, "tail_call is only allowed in functions that return 'int'.\n");
			return -EINVAL;
		}
	}
	return 0;
}

bool subprog_is_global(const struct venv *env, uint32_t subprog)
{
	return env->func_info && subprog < env->subprog_cnt &&
	       env->subprog_info[subprog].linkage == BTF_FUNC_GLOBAL;
}

const char *subprog_name(const struct venv *env, uint32_t subprog)
{
	const struct btf_type *t;
	const char *s;

	if (!env->func_info || subprog >= env->subprog_cnt)
		return "";
	t = hive_btf__type_by_id(env->btf, env->subprog_info[subprog].btf_id);
	s = t ? hive_btf__name_by_offset(env->btf, t->name_off) : NULL;
	return s ? s : "";
}

const struct btf_type *subprog_func_proto(const struct venv *env, uint32_t subprog)
{
	return func_proto(env, subprog);
}

/* The line_info record covering @insn_off: the last one starting at or
 * before it (records are sorted and the first starts at 0). */
static const struct bpf_line_info *find_linfo(const struct venv *env, uint32_t insn_off)
{
	uint32_t l = 0, r, m;

	if (!env->line_info_cnt || insn_off >= env->len)
		return NULL;
	r = env->line_info_cnt - 1;
	while (l < r) {
		m = l + (r - l + 1) / 2;
		if (env->line_info[m].insn_off <= insn_off)
			l = m;
		else
			r = m - 1;
	}
	return &env->line_info[l];
}

void verbose_linfo(struct venv *env, uint32_t insn_off, const char *prefix_fmt, ...)
{
	const struct bpf_line_info *linfo;
	const char *line, *file, *base;
	va_list ap;

	if (!vlog_needed(&env->log) || !env->btf)
		return;
	linfo = find_linfo(env, insn_off);
	if (!linfo || linfo == env->prev_linfo)
		return;
	/* records that differ only in the column print the same line once */
	if (env->prev_linfo && linfo->file_name_off == env->prev_linfo->file_name_off &&
	    BPF_LINE_INFO_LINE_NUM(linfo->line_col) ==
	    BPF_LINE_INFO_LINE_NUM(env->prev_linfo->line_col))
		return;
	if (prefix_fmt) {
		va_start(ap, prefix_fmt);
		vlog_write(&env->log, prefix_fmt, ap);
		va_end(ap);
	}
	line = hive_btf__name_by_offset(env->btf, linfo->line_off);
	file = hive_btf__name_by_offset(env->btf, linfo->file_name_off);
	if (!line)
		line = "";
	if (!file)
		file = "";
	while (*line == ' ' || *line == '\t' || *line == '\n' || *line == '\r' ||
	       *line == '\v' || *line == '\f')
		line++;
	base = strrchr(file, '/');
	verbose(env, "%s @ %s:%u\n", line, base ? base + 1 : file,
		BPF_LINE_INFO_LINE_NUM(linfo->line_col));
	env->prev_linfo = linfo;
}
