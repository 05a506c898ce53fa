/*
 * prog.c - program objects: BPF_PROG_LOAD (attribute checks, map
 * relocations, helper policy, context rewrite, tag), the per-process view
 * of a program (VM, resolved maps, tail calls), BPF_OBJ_GET_INFO_BY_FD for
 * programs and BPF_PROG_BIND_MAP.
 *
 * The verifier (prog_verify) runs after map relocation; the helper policy
 * and context rewrite follow on the code it reached (dead code is
 * neutralised). Programs of types it does not model are accepted after the structural, relocation, helper and context checks
 * and run in checked mode: the VM bounds-checks every access and enforces
 * an instruction budget. PROG_LOAD says so in the log when a log buffer is
 * given.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/attr.h"
#include "core/btf_obj.h"
#include "core/kinds.h"
#include "core/prog.h"
#include "core/registry.h"
#include "core/sys.h"
#include "helpers/helper_proto.h"
#include "helpers/helpers.h"
#include "isa/isa.h"
#include "maps/map.h"
#include "util/util.h"
#include "vm/vm_internal.h"

#define PROG_LOAD_END 152u /* one past fd_array_cnt (Linux 6.18's BPF_PROG_LOAD_LAST_FIELD) */
#define PROG_LOG_TRUE_SIZE_OFF 140u /* attr.log_true_size (Linux 6.4+) */

/* ---- log ---------------------------------------------------------------- */

struct plog {
	char *buf;
	uint32_t size, level, used, true_size;
	bool fault;              /* the user's buffer could not be written: EFAULT */
};

/* Append a line to the user's log (kernel fixed mode: truncated, -ENOSPC later). */
static void plog(struct plog *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void plog(struct plog *l, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	hive_pr_debug("prog_load: %s", tmp);
	l->true_size += (uint32_t)n;
	if (!l->buf || !l->level || l->used + 1 >= l->size)
		return;
	if ((uint32_t)n > l->size - 1 - l->used)
		n = (int)(l->size - 1 - l->used);
	/* the user's buffer, written fault-safe (copy_to_user) */
	if (probe_write(l->buf + l->used, tmp, (size_t)n) ||
	    probe_write(l->buf + l->used + n, "", 1)) {
		l->fault = true;
		return;
	}
	l->used += (uint32_t)n;
}

/* ---- per-process attach -------------------------------------------------- */

static uint32_t *prog_map_ids(struct hive_prog *p)
{
	return (uint32_t *)(p->obj.base + p->def->maps_off);
}

struct hive_obj *obj_by_id(enum hive_obj_kind kind, uint32_t id)
{
	struct hive_obj *o = obj_find_mapped(kind, id);
	int fd, err;

	if (o)
		return o;
	fd = reg_open_id(kind, id, O_RDWR);
	if (fd < 0)
		return NULL;
	err = obj_get_by_fd(fd, &o);
	close(fd);
	if (err)
		return NULL;
	if (o->kind != kind) {
		obj_put(o);
		return NULL;
	}
	return o;
}

static struct hive_map *map_by_id(uint32_t id)
{
	struct hive_obj *o = obj_by_id(HIVE_OBJ_MAP, id);

	return o ? to_map(o) : NULL;
}

struct hive_prog *prog_get_by_id(uint32_t id)
{
	struct hive_obj *o = obj_by_id(HIVE_OBJ_PROG, id);

	return o ? to_prog(o) : NULL;
}

/* lddw resolver of the VM: map ids in the xlated code -> this process's maps. */
static int resolve_ldimm(void *user, const struct hive_insn *insn, uint32_t pc, uint64_t *value)
{
	struct hive_prog *p = user;
	uint32_t *ids = prog_map_ids(p);

	for (uint32_t i = 0; i < p->nr_maps; i++) {
		struct hive_map *m = p->maps[i];

		if (ids[i] != (uint32_t)insn[0].imm)
			continue;
		if (insn[0].src == HIVE_PSEUDO_MAP_FD) {
			*value = (uint64_t)(uintptr_t)m;
			return 0;
		}
		if (insn[0].src == HIVE_PSEUDO_MAP_VALUE) {
			uint32_t zero = 0;
			uint8_t *v = map_lookup_elem_ptr(m, &zero);

			if (!v)
				return -EINVAL;
			*value = (uint64_t)(uintptr_t)(v + (uint32_t)insn[1].imm);
			return 0;
		}
	}
	hive_pr_warn("prog %u: pc %u: lddw refers to map id %d the program does not hold\n",
		     p->obj.id, pc, insn[0].imm);
	return -EINVAL;
}

/*
 * bpf_tail_call through a prog array: the target's VM, or NULL (fall
 * through). A checked run's @map must be a map of the calling program
 * (helper_map): anything else stops the run with -HIVE_EMEM.
 */
static struct hive_vm *resolve_tail_call(void *user, struct hive_run *run, uint64_t map,
					 uint32_t index)
{
	struct hive_map *m = helper_map(run, map, "tail_call");
	struct hive_prog *target;
	struct hive_vm *vm;
	uint32_t id;

	if (!m || map_prog_array_get(m, index, &id))
		return NULL;
	target = prog_get_by_id(id);
	if (!target)
		return NULL;
	vm = target->vm;
	/* The program array holds a reference link to the target, so the
	 * target stays mapped after this put while the run uses it. */
	obj_put(&target->obj);
	return vm;
}

/* Build this process's VM for the program: helpers, grants, resolvers. */
static int prog_build_vm(struct hive_prog *p)
{
	const struct hive_insn *in = p->insns;
	uint32_t cnt = p->def->insn_cnt;
	int err;

	const char *engine = getenv("HIVE_ENGINE");
	const char *checks = getenv("HIVE_VM_CHECKS");

	p->vm = hive_vm_create();
	if (!p->vm)
		return -ENOMEM;
	/* HIVE_ENGINE=interp|jit forces an engine (benchmarks, debugging) */
	if (engine && !strcmp(engine, "interp"))
		hive_vm_set_engine(p->vm, HIVE_ENGINE_INTERP);
	else if (engine && !strcmp(engine, "jit"))
		hive_vm_set_engine(p->vm, HIVE_ENGINE_JIT);
	for (uint32_t pc = 0; pc < cnt; pc++) {
		struct helper_desc d;

		if (in[pc].code != (HIVE_JMP | HIVE_CALL) || in[pc].src != 0)
			continue;
		if (helper_lookup((uint32_t)in[pc].imm, &d) || !d.fn)
			continue; /* tail_call: the engine's own */
		err = hive_vm_register_helper(p->vm, (uint32_t)in[pc].imm, d.name, d.fn);
		if (err)
			return err;
	}
	/* Unverified programs may use every value of their arrays (global
	 * data through lddw map values, lookups): one static grant per array,
	 * so lookups need no per-run grant and the JIT can inline them. */
	for (uint32_t i = 0; i < p->nr_maps; i++) {
		struct hive_map *m = p->maps[i];
		uint32_t zero = 0;
		void *v;

		if (m->map_type != BPF_MAP_TYPE_ARRAY)
			continue;
		v = map_lookup_elem_ptr(m, &zero);
		if (v)
			hive_vm_grant(p->vm, v,
				      (size_t)(m->max_entries - 1) * m->stride + m->value_size,
				      (m->map_flags & BPF_F_RDONLY_PROG) ? HIVE_PROT_READ : HIVE_PROT_RW);
	}
	hive_vm_set_ldimm_resolver(p->vm, resolve_ldimm, p);
	hive_vm_set_tail_call(p->vm, resolve_tail_call, p);
	/* verified programs run without runtime checks; HIVE_VM_CHECKS=1 keeps
	 * them (tests of the verifier's safety, debugging) */
	hive_vm_set_checks(p->vm, !p->def->verified || (checks && !strcmp(checks, "1")));
	return hive_vm_load(p->vm, p->insns, cnt);
}

static void prog_detach(struct hive_obj *obj)
{
	struct hive_prog *p = to_prog(obj);
	bool dead = !obj_fd_alive(obj->fd);

	hive_vm_destroy(p->vm);
	p->vm = NULL;
	if (p->maps) {
		for (uint32_t i = 0; i < p->nr_maps; i++) {
			if (!p->maps[i])
				continue;
			if (dead)
				reg_ref_del(HIVE_OBJ_PROG, obj->id, i, &p->maps[i]->obj);
			obj_put(&p->maps[i]->obj);
		}
		free(p->maps);
		p->maps = NULL;
	}
	if (dead && p->def)
		prog_btf_unstore(obj, p->def);
	/* maps bound later with PROG_BIND_MAP */
	for (uint32_t i = p->nr_maps; dead && i < p->def->nr_maps; i++) {
		struct hive_map *m = map_by_id(prog_map_ids(p)[i]);

		if (m) {
			reg_ref_del(HIVE_OBJ_PROG, obj->id, i, &m->obj);
			obj_put(&m->obj);
		}
	}
}

static int prog_attach(struct hive_obj *obj)
{
	struct hive_prog *p = to_prog(obj);
	uint32_t *ids;
	int err;

	p->def = obj_kind_area(obj);
	if (p->def->insns_off + (uint64_t)p->def->insn_cnt * 8 > obj->hdr->payload_size ||
	    p->def->maps_off + (uint64_t)p->def->nr_maps * 4 > obj->hdr->payload_size ||
	    p->def->nr_maps > HIVE_PROG_MAX_MAPS)
		return -EINVAL;
	p->insns = (struct hive_insn *)(obj->base + p->def->insns_off);
	p->maps = calloc(p->def->nr_maps + 1, sizeof(*p->maps));
	if (!p->maps)
		return -ENOMEM;
	p->nr_maps = p->def->nr_maps;
	ids = prog_map_ids(p);
	for (uint32_t i = 0; i < p->def->nr_maps; i++) {
		p->maps[i] = map_by_id(ids[i]);
		if (!p->maps[i]) {
			err = -ENOENT;
			goto err;
		}
	}
	err = prog_build_vm(p);
	if (err)
		goto err;
	return 0;
err:
	prog_detach(obj);
	return err;
}

const struct hive_kind_ops hive_prog_kind_ops = {
	.obj_size = sizeof(struct hive_prog),
	.attach = prog_attach,
	.detach = prog_detach,
};

int prog_from_fd(int fd, struct hive_prog **progp)
{
	struct hive_obj *obj;
	int err = obj_from_fd(fd, HIVE_OBJ_PROG, &obj, NULL);

	if (err)
		return err;
	*progp = to_prog(obj);
	return 0;
}

/* ---- PROG_LOAD ---------------------------------------------------------------- */

/* license_is_gpl_compatible() */
static bool gpl_license(const char *l)
{
	static const char *const ok[] = { "GPL", "GPL v2", "GPL and additional rights",
					  "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL" };

	for (size_t i = 0; i < HIVE_ARRAY_SIZE(ok); i++)
		if (!strcmp(l, ok[i]))
			return true;
	return false;
}

/* bpf_obj_name_cpy(): [A-Za-z0-9_.], NUL within 16 bytes. */
static int copy_name(char dst[16], const char *src)
{
	int i;

	memset(dst, 0, 16);
	for (i = 0; i < 16 && src[i]; i++) {
		char c = src[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.'))
			return -EINVAL;
		dst[i] = c;
	}
	return i == 16 ? -EINVAL : 0;
}

struct load {
	union bpf_attr *attr;
	struct plog log;
	struct hive_insn *insns;     /* working copy: becomes the xlated code */
	uint32_t cnt;
	struct hive_map *maps[HIVE_PROG_MAX_MAPS];
	uint32_t nr_maps;
	bool gpl;
	bool verified;
	uint32_t max_ctx_offset;
	struct prog_btf btf;         /* prog_btf_fd, func_info, line_info */
};

static int add_map(struct load *ld, struct hive_map *m, uint32_t *idx)
{
	for (uint32_t i = 0; i < ld->nr_maps; i++) {
		if (ld->maps[i] == m) {
			obj_put(&m->obj);
			*idx = i;
			return 0;
		}
	}
	if (ld->nr_maps == HIVE_PROG_MAX_MAPS) {
		obj_put(&m->obj);
		plog(&ld->log, "too many maps used by the program (max %u)\n", HIVE_PROG_MAX_MAPS);
		return -E2BIG;
	}
	*idx = ld->nr_maps;
	ld->maps[ld->nr_maps++] = m;
	return 0;
}

/* Resolve lddw map references: fd or fd_array index -> map; the xlated form
 * keeps src MAP_FD/MAP_VALUE with imm = map id (what info dumps show). */
static int relocate_maps(struct load *ld)
{
	const int32_t *fd_array = (const int32_t *)(uintptr_t)ld->attr->fd_array;

	for (uint32_t pc = 0; pc < ld->cnt; pc++) {
		struct hive_insn *in = &ld->insns[pc];
		struct hive_map *m;
		uint32_t idx, off = 0;
		int fd, err, src;

		if (!isa_is_lddw(in))
			continue;
		if (pc + 1 >= ld->cnt) {
			plog(&ld->log, "invalid bpf_ld_imm64 insn\n");
			return -EINVAL;
		}
		src = in->src;
		pc++;
		if (src == 0 || src == HIVE_PSEUDO_FUNC)
			continue;
		if (src != HIVE_PSEUDO_MAP_FD && src != HIVE_PSEUDO_MAP_VALUE &&
		    src != HIVE_PSEUDO_MAP_IDX && src != HIVE_PSEUDO_MAP_IDX_VALUE) {
			plog(&ld->log, "unrecognized bpf_ld_imm64 insn\n");
			return -EINVAL;
		}
		if (src == HIVE_PSEUDO_MAP_IDX || src == HIVE_PSEUDO_MAP_IDX_VALUE) {
			if (!fd_array) {
				plog(&ld->log, "fd_idx without fd_array is invalid\n");
				return -EPROTO;
			}
			if (probe_mem(&fd, fd_array + in->imm, sizeof(fd)))
				return -EFAULT;
		} else {
			fd = in->imm;
		}
		err = map_from_fd(fd, &m);
		if (err) {
			plog(&ld->log, "fd %d is not pointing to valid bpf_map\n", fd);
			return err; /* EBADF: no such fd; EINVAL: not a map */
		}
		if (src == HIVE_PSEUDO_MAP_VALUE || src == HIVE_PSEUDO_MAP_IDX_VALUE) {
			off = (uint32_t)in[1].imm;
			if (m->map_type != BPF_MAP_TYPE_ARRAY || m->max_entries != 1) {
				plog(&ld->log, "direct value access on map type %u is not allowed\n",
				     m->map_type);
				obj_put(&m->obj);
				return -EINVAL;
			}
			if (off >= m->value_size) {
				plog(&ld->log, "invalid access to map value pointer, value_size=%u off=%u\n",
				     m->value_size, off);
				obj_put(&m->obj);
				return -EINVAL;
			}
		}
		err = add_map(ld, m, &idx);
		if (err)
			return err;
		in->src = (src == HIVE_PSEUDO_MAP_FD || src == HIVE_PSEUDO_MAP_IDX) ? HIVE_PSEUDO_MAP_FD
										 : HIVE_PSEUDO_MAP_VALUE;
		in->imm = (int32_t)ld->maps[idx]->obj.id;
		in[1].imm = (int32_t)off;
	}
	return 0;
}

/* Every call must name a helper this type may use (get_func_proto). */
static int check_calls(struct load *ld)
{
	uint32_t type = ld->attr->prog_type;

	for (uint32_t pc = 0; pc < ld->cnt; pc++) {
		const struct hive_insn *in = &ld->insns[pc];
		struct helper_desc d;
		uint32_t id = (uint32_t)in->imm;

		if (in->code != (HIVE_JMP | HIVE_CALL))
			continue;
		if (in->src == HIVE_PSEUDO_KFUNC_CALL) {
			plog(&ld->log, "calling kernel function is not supported (pc %u)\n", pc);
			return -EINVAL;
		}
		if (in->src != 0)
			continue;
		if (helper_lookup(id, &d)) {
			plog(&ld->log, "invalid func unknown#%d\n", in->imm);
			return -EINVAL;
		}
		if (!prog_type_helper_ok(type, id)) {
			plog(&ld->log, "program of this type cannot use helper bpf_%s#%u\n", d.name, id);
			return -EINVAL;
		}
		if (d.proto.gpl_only && !ld->gpl) {
			plog(&ld->log, "cannot call GPL-restricted function from non-GPL compatible program\n");
			return -EINVAL;
		}
	}
	return 0;
}

/* Check and rewrite context accesses (found by the verifier or by prog_ctx_scan). */
static int convert_ctx(struct load *ld, const uint8_t *acc)
{
	char msg[256];

	for (uint32_t pc = 0; pc < ld->cnt; pc++) {
		struct hive_insn *in = &ld->insns[pc];
		const struct isa_desc *d = isa_desc(in->code);
		struct ctx_access a = { 0 };
		uint8_t sz;
		int err;

		if (!acc[pc])
			continue;
		a.off = in->off;
		a.size = isa_bytes(d->width);
		a.write = d->kind == HIVE_K_ST || d->kind == HIVE_K_STX;
		a.ldsx = d->kind == HIVE_K_LDXSX;
		a.attach_btf_id = ld->attr->attach_btf_id;
		err = prog_ctx_convert(ld->attr->prog_type, ld->attr->expected_attach_type, &a, msg,
				       sizeof(msg));
		if (err) {
			plog(&ld->log, "%s\n", msg);
			return err;
		}
		if ((uint32_t)(a.off + (int32_t)a.size) > ld->max_ctx_offset)
			ld->max_ctx_offset = (uint32_t)(a.off + (int32_t)a.size);
		sz = a.new_size == 8 ? HIVE_DW : a.new_size == 4 ? HIVE_W : a.new_size == 2 ? HIVE_H : HIVE_B;
		in->code = (uint8_t)((in->code & ~0x18) | sz);
		in->off = (int16_t)a.new_off;
	}
	return 0;
}

static int check_attr(union bpf_attr *attr, struct plog *log, char *license, char name[16])
{
	const uint32_t flags_ok = BPF_F_STRICT_ALIGNMENT | BPF_F_ANY_ALIGNMENT |
				  BPF_F_TEST_STATE_FREQ | BPF_F_SLEEPABLE | BPF_F_TEST_RND_HI32 |
				  BPF_F_XDP_HAS_FRAGS | (1u << 6) /* XDP_DEV_BOUND_ONLY */ |
				  (1u << 7) /* TEST_REG_INVARIANTS */ | (1u << 16) /* TOKEN_FD */;
	const char *lic = (const char *)(uintptr_t)attr->license;
	char msg[256];
	int err;

	if (attr_tail_nonzero(attr, PROG_LOAD_END))
		return -EINVAL;
	if (attr->prog_flags & ~flags_ok)
		return -EINVAL;
	if (!!attr->log_buf != !!attr->log_size || (attr->log_buf && !attr->log_level) ||
	    (attr->log_level & ~7u) || attr->log_size > (UINT32_MAX >> 2))
		return -EINVAL;
	if (attr->insn_cnt == 0 || attr->insn_cnt > HIVE_MAX_INSNS)
		return -E2BIG;
	if (!attr->insns)
		return -EFAULT;
	license[0] = 0;
	if (lic) {
		long n = probe_str(license, lic, 128);

		if (n < 0)
			return -EFAULT;
	}
	if (copy_name(name, attr->prog_name))
		return -EINVAL;
	if (!prog_type_known(attr->prog_type)) {
		plog(log, "hive: program type %u is not supported\n", attr->prog_type);
		return -EINVAL;
	}
	/* attach types, attach points, sleepable rules (prog_ctx.c) */
	err = prog_type_check_load(attr, msg, sizeof(msg));
	if (err && msg[0])
		plog(log, "%s\n", msg);
	return err;
}

/* Create the object: payload = xlated code, then the map ids. */
static int publish(struct load *ld, const char *name)
{
	size_t code = (size_t)ld->cnt * sizeof(struct hive_insn);
	struct hive_prog_def *def;
	struct hive_obj *obj;
	struct timespec ts;
	uint32_t *ids;
	int fd, err;

	/* room for every map id PROG_BIND_MAP may add */
	fd = obj_create(HIVE_OBJ_PROG, code + HIVE_PROG_MAX_MAPS * 4u + prog_btf_payload(&ld->btf),
			O_RDWR, &obj);
	if (fd < 0)
		return fd;
	def = obj_kind_area(obj);
	memset(def, 0, sizeof(*def));
	def->prog_type = ld->attr->prog_type;
	def->expected_attach_type = ld->attr->expected_attach_type;
	def->prog_flags = ld->attr->prog_flags;
	def->insn_cnt = ld->cnt;
	def->nr_maps = ld->nr_maps;
	def->gpl = ld->gpl;
	def->verified = ld->verified;
	def->max_ctx_offset = ld->max_ctx_offset;
	def->load_uid = getuid();
	def->ifindex = ld->attr->prog_ifindex;
	memcpy(def->name, name, 16);
	clock_gettime(CLOCK_BOOTTIME, &ts);
	def->load_time_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	def->insns_off = 0;
	def->maps_off = code;
	memcpy(obj->base, ld->insns, code);
	ids = (uint32_t *)(obj->base + code);
	for (uint32_t i = 0; i < ld->nr_maps; i++) {
		ids[i] = ld->maps[i]->obj.id;
		err = reg_ref_add(HIVE_OBJ_PROG, obj->id, i, &ld->maps[i]->obj);
		if (err)
			goto err;
	}
	err = prog_btf_store(&ld->btf, obj, def, code + HIVE_PROG_MAX_MAPS * 4u);
	if (err)
		goto err;
	err = prog_calc_tag((const struct hive_insn *)(uintptr_t)ld->attr->insns, ld->cnt, def->tag);
	if (err)
		goto err;
	err = obj_publish(obj, fd);
	if (err) {
		plog(&ld->log, "hive: the program cannot run: %s\n", hive_strerror(err));
		goto err;
	}
	obj_put(obj);
	return fd;
err:
	for (uint32_t i = 0; i < ld->nr_maps; i++)
		reg_ref_del(HIVE_OBJ_PROG, obj->id, i, &ld->maps[i]->obj);
	prog_btf_unstore(obj, def);
	close(fd);
	obj_abandon(obj);
	return err;
}

int prog_cmd_load(union bpf_attr *attr, unsigned size)
{
	struct load ld = { .attr = attr };
	char license[128], name[16], msg[256];
	struct prog_verify_env env = { 0 };
	uint8_t *acc = NULL;
	int err;

	(void)size;
	ld.log = (struct plog){ .buf = (char *)(uintptr_t)attr->log_buf, .size = attr->log_size,
				.level = attr->log_level };
	err = check_attr(attr, &ld.log, license, name);
	if (err)
		return err;
	if (ld.log.buf && ld.log.size)
		ld.log.fault = probe_write(ld.log.buf, "", 1) != 0;
	ld.cnt = attr->insn_cnt;
	ld.gpl = gpl_license(license);
	ld.insns = malloc((size_t)ld.cnt * sizeof(*ld.insns));
	acc = calloc(ld.cnt, 1);
	if (!ld.insns || !acc) {
		err = -ENOMEM;
		goto out;
	}
	if (probe_mem(ld.insns, (const void *)(uintptr_t)attr->insns, (size_t)ld.cnt * 8)) {
		err = -EFAULT;
		goto out;
	}
	err = prog_btf_load(&ld.btf, attr, ld.insns, ld.cnt, msg, sizeof(msg));
	if (err) {
		if (msg[0])
			plog(&ld.log, "%s", msg);
		goto out;
	}
	err = relocate_maps(&ld);
	if (err)
		goto out;
	env = (struct prog_verify_env){
		.prog_type = attr->prog_type, .expected_attach_type = attr->expected_attach_type,
		.prog_flags = attr->prog_flags, .gpl = ld.gpl, .insns = ld.insns,
		.insn_cnt = ld.cnt, .maps = ld.maps, .nr_maps = ld.nr_maps,
		.btf = ld.btf.btf ? ld.btf.btf->btf : NULL,
		.func_info = ld.btf.func_info, .nr_func_info = ld.btf.nr_func_info,
		.line_info = ld.btf.line_info, .nr_line_info = ld.btf.nr_line_info,
		.log_buf = ld.log.buf, .log_size = ld.log.size, .log_level = ld.log.level,
		.ctx_access = acc,
	};
	err = prog_verify(&env);
	ld.verified = env.verified;
	if (env.log_true_size) {
		/* plog continues the verifier's log */
		ld.log.true_size = env.log_true_size - 1;
		ld.log.used = ld.log.size && ld.log.true_size >= ld.log.size ? ld.log.size - 1
									     : ld.log.true_size;
	}
	if (err)
		goto out;
	err = check_calls(&ld);
	if (err)
		goto out;
	if (!ld.verified) {
		err = prog_ctx_scan(ld.insns, ld.cnt, acc, msg, sizeof(msg));
		if (err) {
			plog(&ld.log, "%s\n", msg);
			goto out;
		}
	}
	err = convert_ctx(&ld, acc);
	if (err)
		goto out;
	if (!ld.verified)
		plog(&ld.log, "hive: loaded without verification (%s): the program runs with "
			      "runtime memory checks and an instruction budget\n",
		     env.unverified_why ? env.unverified_why : "no verifier");
	err = publish(&ld, name);
out:
	if (ld.log.fault) {
		/* the kernel fails the load when it cannot write the log
		 * (bpf_vlog_finalize), whatever the verdict */
		if (err >= 0)
			close(err);
		err = -EFAULT;
	}
	if (err < 0 && err != -ENOMEM)
		hive_pr_debug("prog_load: %s\n", hive_strerror(err));
	for (uint32_t i = 0; i < ld.nr_maps; i++)
		obj_put(&ld.maps[i]->obj);
	prog_btf_release(&ld.btf);
	free(ld.insns);
	free(acc);
	if (ld.log.level) {
		uint32_t true_size = ld.log.true_size + 1;

		memcpy((char *)attr + PROG_LOG_TRUE_SIZE_OFF, &true_size, 4);
	}
	return err;
}

/* ---- info ---------------------------------------------------------------------- */

static int copy_out(uint64_t uptr, uint32_t ulen, const void *src, uint32_t len)
{
	if (!uptr || !ulen)
		return 0;
	if (len > ulen)
		len = ulen;
	return probe_write((void *)(uintptr_t)uptr, src, len);
}

/* Write entry @i (@size bytes: 4 or 8) of user array @uptr: 0 or -EFAULT. */
static int put_elem(uint64_t uptr, uint32_t i, uint64_t v, uint32_t size)
{
	uint32_t v32 = (uint32_t)v;

	return probe_write((void *)(uintptr_t)(uptr + (uint64_t)i * size),
			   size == 8 ? (const void *)&v : (const void *)&v32, size);
}

/*
 * The kernel's per-function JIT fields: jited_ksyms (u64 address of each
 * function's first byte), jited_func_lens (u32 bytes of each function: up
 * to the next function, the last one to the end of the reported code, so
 * they add up to jited_prog_len) and jited_line_info (u64 address of the
 * code of each line_info record's insn_off; a function's first record is
 * its prologue, as the kernel's jited_linfo). Functions are pc 0 and the
 * local call / callback targets, in pc order, as the kernel's subprogs.
 * Counts are always the full ones; min(user count, full) entries are
 * copied (a user count with a NULL pointer is EFAULT, as the kernel's). Addresses are of this process's
 * image. Programs not JIT-compiled report 0 functions and 0 lines.
 */
static int jit_info(const struct hive_prog *p, struct bpf_prog_info *info,
		    const struct bpf_prog_info *u, uint32_t info_len, uint64_t base, uint32_t jlen)
{
	const struct hive_prog_def *def = p->def;
	const struct bpf_line_info *li = (const void *)(p->obj.base + def->line_info_off);
	uint32_t nf = 0, pc, i, prev = 0;
	bool fs;
	int64_t off;

	info->jited_ksyms = u->jited_ksyms;
	info->jited_func_lens = u->jited_func_lens;
	info->jited_line_info = u->jited_line_info;
	if (!jlen)
		return 0;
	for (pc = 0; pc < def->insn_cnt; pc++) {
		off = jit_pc_code_offset(p->vm, pc, &fs);
		if (off < 0 || !fs)
			continue;
		if (nf && info_len >= offsetof(struct bpf_prog_info, jited_func_lens) + 8 &&
		    nf - 1 < u->nr_jited_func_lens &&
		    put_elem(u->jited_func_lens, nf - 1, (uint64_t)off - prev, 4))
			return -EFAULT;
		if (info_len >= offsetof(struct bpf_prog_info, jited_ksyms) + 8 &&
		    nf < u->nr_jited_ksyms && put_elem(u->jited_ksyms, nf, base + (uint64_t)off, 8))
			return -EFAULT;
		prev = (uint32_t)off;
		nf++;
	}
	if (nf && info_len >= offsetof(struct bpf_prog_info, jited_func_lens) + 8 &&
	    nf - 1 < u->nr_jited_func_lens &&
	    put_elem(u->jited_func_lens, nf - 1, jlen - prev, 4))
		return -EFAULT;
	info->nr_jited_ksyms = nf;
	info->nr_jited_func_lens = nf;
	info->nr_jited_line_info = def->nr_line_info;
	if (info_len < offsetof(struct bpf_prog_info, jited_line_info) + 8)
		return 0;
	for (i = 0; i < def->nr_line_info && i < u->nr_jited_line_info; i++) {
		off = jit_pc_code_offset(p->vm, li[i].insn_off, NULL);
		if (off < 0)
			off = 0;
		if (put_elem(u->jited_line_info, i, base + (uint64_t)off, 8))
			return -EFAULT;
	}
	return 0;
}

int prog_get_info(struct hive_prog *p, struct bpf_prog_info *info, uint32_t info_len)
{
	struct bpf_prog_info u = *info; /* the caller's buffer pointers and sizes */
	const struct hive_prog_def *def = p->def;
	uint32_t xlen = def->insn_cnt * 8, jlen = 0;
	const void *jcode = NULL;
	int err = 0;

	if (p->vm && hive_vm_engine(p->vm) == HIVE_ENGINE_JIT)
		jlen = jit_image_code(p->vm, &jcode);
	memset(info, 0, sizeof(*info));
	info->type = def->prog_type;
	info->id = p->obj.id;
	memcpy(info->tag, def->tag, 8);
	info->xlated_prog_len = xlen;
	info->jited_prog_len = jlen;
	info->load_time = def->load_time_ns;
	info->created_by_uid = def->load_uid;
	info->nr_map_ids = def->nr_maps;
	memcpy(info->name, def->name, sizeof(info->name));
	info->ifindex = def->ifindex;
	info->gpl_compatible = def->gpl;
	info->run_time_ns = atomic_load(&p->def->run_time_ns);
	info->run_cnt = atomic_load(&p->def->run_cnt);
	info->verified_insns = def->verified ? def->insn_cnt : 0;
	info->xlated_prog_insns = u.xlated_prog_insns;
	info->jited_prog_insns = u.jited_prog_insns;
	info->map_ids = u.map_ids;
	if (info_len >= offsetof(struct bpf_prog_info, xlated_prog_insns) + 8)
		err = copy_out(u.xlated_prog_insns, u.xlated_prog_len, p->insns, xlen);
	if (!err && info_len >= offsetof(struct bpf_prog_info, jited_prog_insns) + 8)
		err = copy_out(u.jited_prog_insns, u.jited_prog_len, jcode, jlen);
	if (!err && info_len >= offsetof(struct bpf_prog_info, map_ids) + 8)
		err = copy_out(u.map_ids, u.nr_map_ids * 4, prog_map_ids(p), def->nr_maps * 4);
	if (err)
		return -EFAULT;
	err = prog_btf_info(p, info, &u, info_len);
	if (err)
		return err;
	return jit_info(p, info, &u, info_len, (uint64_t)(uintptr_t)jcode, jlen);
}

int hive_prog_jited_insn_offsets(int prog_fd, uint32_t *offs, uint32_t cnt)
{
	struct hive_prog *p;
	uint32_t pc, n;
	int64_t off;
	int err;

	if (cnt && !offs)
		return -EINVAL;
	err = prog_from_fd(prog_fd, &p);
	if (err)
		return err;
	n = p->def->insn_cnt;
	err = (int)n;
	if (!p->vm || hive_vm_engine(p->vm) != HIVE_ENGINE_JIT || n > INT32_MAX) {
		err = -HIVE_ENOJIT;
		goto out;
	}
	for (pc = 0; pc < n && pc < cnt; pc++) {
		off = jit_pc_code_offset(p->vm, pc, NULL);
		if (off < 0) {
			err = -HIVE_ENOJIT;
			goto out;
		}
		offs[pc] = (uint32_t)off;
		if (p->insns[pc].code == (HIVE_LD | HIVE_IMM | HIVE_DW) && pc + 1 < n &&
		    ++pc < cnt)
			offs[pc] = (uint32_t)off;       /* lddw's second slot */
	}
out:
	obj_put(&p->obj);
	return err;
}

static int prog_info_cmd(struct hive_prog *p, union bpf_attr *attr)
{
	unsigned char buf[sizeof(struct bpf_prog_info)];
	unsigned char *uinfo = (unsigned char *)(uintptr_t)attr->info.info;
	uint32_t len = attr->info.info_len, i;
	int err;

	if (len > 4096)
		return -E2BIG;
	if (len && !uinfo)
		return -EFAULT;
	/* user memory through the fault-safe probes: EFAULT, never a crash */
	for (i = sizeof(buf); i < len; i++) {
		unsigned char b;

		if (probe_mem(&b, uinfo + i, 1))
			return -EFAULT;
		if (b)
			return -E2BIG;
	}
	if (len > sizeof(buf))
		len = sizeof(buf);
	memset(buf, 0, sizeof(buf));
	if (probe_mem(buf, uinfo, len))
		return -EFAULT;
	err = prog_get_info(p, (struct bpf_prog_info *)buf, len);
	if (err)
		return err;
	if (probe_write(uinfo, buf, len))
		return -EFAULT;
	attr->info.info_len = len;
	return 0;
}

/* ---- PROG_BIND_MAP --------------------------------------------------------------- */

int prog_cmd_bind_map(union bpf_attr *attr)
{
	struct hive_prog *p;
	struct hive_map *m;
	int err;

	if (attr_tail_nonzero(attr, offsetof(union bpf_attr, prog_bind_map.flags) + 4))
		return -EINVAL;
	if (attr->prog_bind_map.flags)
		return -EINVAL;
	err = prog_from_fd((int)attr->prog_bind_map.prog_fd, &p);
	if (err)
		return err;
	err = map_from_fd((int)attr->prog_bind_map.map_fd, &m);
	if (err)
		goto out_prog;
	/* The map ids live in the object file, which has room for
	 * HIVE_PROG_MAX_MAPS of them. Already used maps are fine. */
	for (uint32_t i = 0; i < p->def->nr_maps; i++)
		if (prog_map_ids(p)[i] == m->obj.id)
			goto out;
	if (p->def->nr_maps >= HIVE_PROG_MAX_MAPS ||
	    p->def->maps_off + (p->def->nr_maps + 1) * 4ull > p->obj.hdr->payload_size) {
		err = -E2BIG;
		goto out;
	}
	err = reg_ref_add(HIVE_OBJ_PROG, p->obj.id, p->def->nr_maps, &m->obj);
	if (err)
		goto out;
	prog_map_ids(p)[p->def->nr_maps] = m->obj.id;
	p->def->nr_maps++;
out:
	obj_put(&m->obj);
out_prog:
	obj_put(&p->obj);
	return err;
}

/* ---- dispatch (called from core/syscall.c) ---------------------------------------- */

int prog_cmd(int cmd, union bpf_attr *attr, unsigned size)
{
	switch (cmd) {
	case BPF_PROG_LOAD:
		return prog_cmd_load(attr, size);
	case BPF_PROG_TEST_RUN:
		return prog_cmd_test_run(attr);
	case BPF_PROG_GET_NEXT_ID:
		return sys_get_next_id(HIVE_OBJ_PROG, attr);
	case BPF_PROG_GET_FD_BY_ID:
		if (attr_tail_nonzero(attr, offsetof(union bpf_attr, open_flags) + 4))
			return -EINVAL;
		return sys_get_fd_by_id(HIVE_OBJ_PROG, attr->prog_id, 0);
	case BPF_PROG_BIND_MAP:
		return prog_cmd_bind_map(attr);
	default:
		return -ENOSYS;
	}
}

int prog_obj_info(struct hive_obj *obj, union bpf_attr *attr)
{
	return prog_info_cmd(to_prog(obj), attr);
}
