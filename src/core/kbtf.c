/*
 * kbtf.c - the running kernel's BTF for program types and helpers: loaded
 * once (pthread_once) and kept for the life of the process; member offsets
 * by name; the attach-point checks and argument counts of tracing and LSM
 * programs (the kernel's bpf_check_attach_target and btf_ctx_access).
 */
#include <errno.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/kbtf.h"
#include "hive/hive_btf.h"

static struct hive_btf *vmlinux;
static int vmlinux_errno;
static pthread_once_t vmlinux_once = PTHREAD_ONCE_INIT;

static void load_vmlinux(void)
{
	vmlinux = hive_btf__load_vmlinux();
	if (!vmlinux)
		vmlinux_errno = errno ? errno : ENOENT;
}

const struct hive_btf *kbtf_vmlinux(void)
{
	pthread_once(&vmlinux_once, load_vmlinux);
	if (!vmlinux)
		errno = vmlinux_errno;
	return vmlinux;
}

long kbtf_member_off(const struct hive_btf *btf, uint32_t type_id, const char *name,
		     uint32_t *size)
{
	const struct btf_type *t = hive_btf__type_by_id(btf, hive_btf__skip_mods_and_typedefs(btf, type_id));
	const struct btf_member *m;
	uint32_t kind;

	if (!t)
		return -ENOENT;
	kind = hive_btf_kind(t);
	if (kind != BTF_KIND_STRUCT && kind != BTF_KIND_UNION)
		return -ENOENT;
	m = hive_btf_members(t);
	for (uint32_t i = 0; i < hive_btf_vlen(t); i++) {
		const char *mn = hive_btf__name_by_offset(btf, m[i].name_off);
		uint32_t bit = hive_btf_member_bit_offset(t, i);
		long off;

		if (mn && *mn) {
			if (strcmp(mn, name))
				continue;
			if (hive_btf_member_bitfield_size(t, i) || bit % 8)
				return -ENOENT;
			if (size) {
				int64_t sz = hive_btf__resolve_size(btf, m[i].type);

				*size = sz < 0 ? 0 : (uint32_t)sz;
			}
			return (long)(bit / 8);
		}
		/* anonymous struct/union: its members are the parent's */
		off = kbtf_member_off(btf, m[i].type, name, size);
		if (off >= 0)
			return off + (long)(bit / 8);
	}
	return -ENOENT;
}

int kbtf_struct_id(const struct hive_btf *btf, const char *name)
{
	return hive_btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT);
}

static int fail(char *msg, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *msg, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Bit i of the result: parameter i of func proto @t is a pointer. */
static uint32_t ptr_params(const struct hive_btf *btf, const struct btf_type *t, uint32_t first)
{
	const struct btf_param *pa = (const struct btf_param *)(t + 1);
	uint32_t mask = 0;

	for (uint32_t i = first; i < hive_btf_vlen(t) && i - first < 32; i++) {
		const struct btf_type *at =
			hive_btf__type_by_id(btf, hive_btf__skip_mods_and_typedefs(btf, pa[i].type));

		if (at && hive_btf_kind(at) == BTF_KIND_PTR)
			mask |= 1u << (i - first);
	}
	return mask;
}

static bool ret_is_ptr(const struct hive_btf *btf, const struct btf_type *proto)
{
	const struct btf_type *rt =
		hive_btf__type_by_id(btf, hive_btf__skip_mods_and_typedefs(btf, proto->type));

	return rt && hive_btf_kind(rt) == BTF_KIND_PTR;
}

int kbtf_attach_slots(uint32_t prog_type, uint32_t attach_type, uint32_t btf_id,
		      const char **name, uint32_t *ptr_mask, char *msg, size_t msg_size)
{
	uint32_t dummy;
	const struct hive_btf *btf;
	const struct btf_type *t;
	const char *tname;
	uint32_t nargs;

	if (!btf_id)
		return fail(msg, msg_size, "Tracing programs must provide btf_id");
	btf = kbtf_vmlinux();
	if (!btf)
		return fail(msg, msg_size,
			    "hive: attach_btf_id %u needs the kernel's BTF (/sys/kernel/btf/vmlinux)",
			    btf_id);
	if (btf_id >= hive_btf__type_cnt(btf))
		return fail(msg, msg_size, "attach_btf_id %u is invalid", btf_id);
	t = hive_btf__type_by_id(btf, btf_id);
	tname = hive_btf__name_by_offset(btf, t->name_off);
	if (!tname || !*tname)
		return fail(msg, msg_size, "attach_btf_id %u doesn't have a name", btf_id);
	if (name)
		*name = tname;
	if (!ptr_mask)
		ptr_mask = &dummy;
	if (prog_type == BPF_PROG_TYPE_TRACING && attach_type == BPF_TRACE_RAW_TP) {
		/* tp_btf: typedef btf_trace_<tp> -> pointer -> func proto (void *, args...) */
		if (hive_btf_kind(t) != BTF_KIND_TYPEDEF)
			return fail(msg, msg_size, "attach_btf_id %u is not a typedef", btf_id);
		if (strncmp(tname, "btf_trace_", 10))
			return fail(msg, msg_size, "attach_btf_id %u points to wrong type name %s",
				    btf_id, tname);
		t = hive_btf__type_by_id(btf, t->type);
		if (hive_btf_kind(t) != BTF_KIND_PTR)
			return fail(msg, msg_size,
				    "attach_btf_id %u is not a pointer to a function prototype", btf_id);
		t = hive_btf__type_by_id(btf, t->type);
		if (hive_btf_kind(t) != BTF_KIND_FUNC_PROTO || !hive_btf_vlen(t))
			return fail(msg, msg_size,
				    "attach_btf_id %u is not a pointer to a function prototype", btf_id);
		*ptr_mask = ptr_params(btf, t, 1);
		return (int)hive_btf_vlen(t) - 1;
	}
	if (hive_btf_kind(t) != BTF_KIND_FUNC)
		return fail(msg, msg_size, "attach_btf_id %u is not a function", btf_id);
	if (prog_type == BPF_PROG_TYPE_LSM && strncmp(tname, "bpf_lsm_", 8))
		return fail(msg, msg_size, "attach_btf_id %u points to wrong type name %s",
			    btf_id, tname);
	if (attach_type == BPF_TRACE_ITER && strncmp(tname, "bpf_iter_", 9))
		return fail(msg, msg_size, "attach_btf_id %u points to wrong type name %s",
			    btf_id, tname);
	t = hive_btf__type_by_id(btf, t->type);
	if (hive_btf_kind(t) != BTF_KIND_FUNC_PROTO)
		return fail(msg, msg_size, "attach_btf_id %u is not a function", btf_id);
	nargs = hive_btf_vlen(t);
	*ptr_mask = ptr_params(btf, t, 0);
	if (nargs > 12)
		return fail(msg, msg_size, "The function %s has more than 12 arguments", tname);
	/* fexit, fmod_ret and LSM programs also read the return value */
	if (prog_type == BPF_PROG_TYPE_LSM || attach_type == BPF_TRACE_FEXIT ||
	    attach_type == BPF_MODIFY_RETURN) {
		if (ret_is_ptr(btf, t))
			*ptr_mask |= 1u << nargs;
		nargs++;
	}
	return (int)nargs;
}
