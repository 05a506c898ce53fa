/*
 * vm.c - the embedding API of include/hive/hive_vm.h around the engines:
 * VM lifecycle and configuration, loading (structural checks, helper and
 * lddw resolution, engine choice), the memory-grant registry and the
 * runtime checks behind it, and the per-run state handed to helpers.
 *
 * The interpreter loop itself lives in interp.c, the compiler in jit/.
 * A VM is configured by one thread, then may be run by many: everything a
 * run changes lives in its struct hive_run, which hive_vm_run() keeps on
 * its own C stack (stack frames included), so a run costs no allocation
 * unless helpers grant more than HIVE_RUN_DYN_INLINE regions or
 * HIVE_RUN_MAPS_INLINE maps (hive_run_grant_map).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"
#include "vm_internal.h"
#include "interp.h"
#include "rinterp.h"

/* ---- lifecycle and configuration --------------------------------------- */

struct hive_vm *hive_vm_create(void)
{
	struct hive_vm *vm = calloc(1, sizeof(*vm));

	if (!vm) {
		errno = ENOMEM;
		return NULL;
	}
	vm->budget = HIVE_DEFAULT_BUDGET;
	vm->engine_req = HIVE_ENGINE_AUTO;
	vm->engine = HIVE_ENGINE_AUTO;
	vm->checks = true;
	vm->checks_req = true;
	return vm;
}

/* Drop the loaded program (and its JIT image); configuration stays. */
static void unload(struct hive_vm *vm)
{
	jit_free(vm);
	vm->jit_code = NULL;
	vm->jit_size = 0;
	vm->jit_entry = NULL;
	vm->jit_call = NULL;
	hive_zfree(&vm->jit_offsets);
	hive_zfree(&vm->insns);
	hive_zfree(&vm->ldimm);
	hive_zfree(&vm->pc_flags);
	hive_zfree(&vm->map_vals);
	vm->nmap_vals = 0;
	interp_release(vm);
	rinterp_release(vm);
	vm->ninsns = 0;
	vm->engine = HIVE_ENGINE_AUTO;
}

void hive_vm_destroy(struct hive_vm *vm)
{
	uint32_t i;

	if (!vm)
		return;
	unload(vm);
	for (i = 0; i < vm->nhelpers; i++)
		free(vm->helpers[i].name);
	free(vm->helpers);
	free(vm->regions);
	free(vm);
}

int hive_vm_register_helper(struct hive_vm *vm, uint32_t id, const char *name,
			    hive_helper_fn fn)
{
	char *copy;

	if (!vm || !fn || id > HIVE_MAX_HELPER_ID)
		return -EINVAL;
	if (name) {
		copy = strdup(name);
	} else {
		copy = malloc(16);
		if (copy)
			snprintf(copy, 16, "helper_%u", id);
	}
	if (!copy)
		return -ENOMEM;
	if (id >= vm->nhelpers) {
		struct hive_helper *h = realloc(vm->helpers, (size_t)(id + 1) * sizeof(*h));

		if (!h) {
			free(copy);
			return -ENOMEM;
		}
		memset(h + vm->nhelpers, 0, (size_t)(id + 1 - vm->nhelpers) * sizeof(*h));
		vm->helpers = h;
		vm->nhelpers = id + 1;
	}
	if (id == HIVE_HELPER_TAIL_CALL)
		hive_pr_debug("hive_vm_register_helper: helper 12 is bpf_tail_call, run by the "
			      "engine through hive_vm_set_tail_call(); %s will not be called\n", copy);
	free(vm->helpers[id].name);
	vm->helpers[id].name = copy;
	vm->helpers[id].fn = fn;
	return 0;
}

static bool prot_valid(unsigned prot)
{
	return prot && !(prot & ~HIVE_PROT_RW);
}

int hive_vm_grant(struct hive_vm *vm, void *addr, size_t len, unsigned prot)
{
	struct hive_region *r;
	uintptr_t start = (uintptr_t)addr;

	if (!vm || !addr || !len || !prot_valid(prot) || len > UINTPTR_MAX - start)
		return -EINVAL;
	r = realloc(vm->regions, (vm->nregions + 1) * sizeof(*r));
	if (!r)
		return -ENOMEM;
	vm->regions = r;
	r[vm->nregions++] = (struct hive_region){ start, start + len, prot };
	return 0;
}

int hive_vm_set_budget(struct hive_vm *vm, uint64_t max_insns)
{
	if (!vm)
		return -EINVAL;
	vm->budget = max_insns;
	return 0;
}

int hive_vm_set_engine(struct hive_vm *vm, enum hive_engine engine)
{
	if (!vm || (engine != HIVE_ENGINE_AUTO && engine != HIVE_ENGINE_INTERP &&
		    engine != HIVE_ENGINE_JIT))
		return -EINVAL;
	vm->engine_req = engine;
	return 0;
}

enum hive_engine hive_vm_engine(const struct hive_vm *vm)
{
	return vm ? vm->engine : HIVE_ENGINE_AUTO;
}

int hive_vm_set_checks(struct hive_vm *vm, bool on)
{
	if (!vm)
		return -EINVAL;
	vm->checks_req = on;
	return 0;
}

int hive_vm_set_ldimm_resolver(struct hive_vm *vm, hive_ldimm_fn fn, void *user)
{
	if (!vm)
		return -EINVAL;
	vm->ldimm_fn = fn;
	vm->ldimm_user = user;
	return 0;
}

int hive_vm_set_tail_call(struct hive_vm *vm, hive_tail_call_fn fn, void *user)
{
	if (!vm)
		return -EINVAL;
	vm->tail_fn = fn;
	vm->tail_user = user;
	return 0;
}

/* ---- loading ------------------------------------------------------------ */

static int load_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int load_fail(int err, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hive_pr_warn("hive_vm_load: %s\n", msg);
	return err;
}

/* Calls: helpers must be registered (12 needs a tail-call resolver), local
 * targets were range-checked by isa_check_prog, kfuncs do not exist here. */
static int check_call(const struct hive_vm *vm, const struct hive_insn *in, uint32_t pc)
{
	uint32_t id = (uint32_t)in->imm;

	if (in->src == HIVE_PSEUDO_KFUNC_CALL)
		return load_fail(-EINVAL, "pc %u: kfunc call (BTF id %d) is not supported", pc,
				 in->imm);
	if (in->src == HIVE_PSEUDO_CALL)
		return 0;
	if (in->imm < 0 || id > HIVE_MAX_HELPER_ID)
		return load_fail(-EINVAL, "pc %u: invalid helper id %d", pc, in->imm);
	if (id == HIVE_HELPER_TAIL_CALL) {
		if (!vm->tail_fn)
			return load_fail(-EINVAL, "pc %u: call to bpf_tail_call (helper 12) needs "
					 "a tail-call resolver (hive_vm_set_tail_call)", pc);
		return 0;
	}
	if (id >= vm->nhelpers || !vm->helpers[id].fn)
		return load_fail(-EINVAL, "pc %u: call to unregistered helper %u", pc, id);
	return 0;
}

static const char *pseudo_name(unsigned src)
{
	switch (src) {
	case HIVE_PSEUDO_MAP_FD:        return "map fd";
	case HIVE_PSEUDO_MAP_VALUE:     return "map value";
	case HIVE_PSEUDO_BTF_ID:        return "BTF id";
	case HIVE_PSEUDO_MAP_IDX:       return "map index";
	case HIVE_PSEUDO_MAP_IDX_VALUE: return "map index value";
	default:                        return "pseudo";
	}
}

/* Value of the lddw at @pc into ldimm[pc]; insns are the VM's own copy. */
static int resolve_lddw(struct hive_vm *vm, uint32_t pc)
{
	const struct hive_insn *in = &vm->insns[pc];
	uint64_t value = 0;
	int err;

	switch (in->src) {
	case 0:         /* plain 64-bit immediate */
		value = (uint64_t)(uint32_t)in[0].imm | (uint64_t)(uint32_t)in[1].imm << 32;
		break;
	case HIVE_PSEUDO_FUNC:  /* address of the target slot: hive_run_call decodes it */
		if (in[1].imm)
			return load_fail(-EINVAL, "pc %u: lddw func uses its second immediate", pc);
		vm->pc_flags[pc + 1 + in->imm] |= VM_PC_FUNC;
		value = (uint64_t)(uintptr_t)&vm->insns[pc + 1 + in->imm];
		break;
	default:
		if (!vm->ldimm_fn)
			return load_fail(-EINVAL, "pc %u: lddw %s (src %u) needs a resolver "
					 "(hive_vm_set_ldimm_resolver)", pc, pseudo_name(in->src),
					 in->src);
		err = vm->ldimm_fn(vm->ldimm_user, in, pc, &value);
		if (err)
			return load_fail(err < 0 ? err : -EINVAL, "pc %u: cannot resolve lddw %s %d: %s",
					 pc, pseudo_name(in->src), in->imm, hive_strerror(err));
		break;
	}
	vm->ldimm[pc] = value;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static bool is_map_lddw(const struct hive_insn *in)
{
	return in->code == HIVE_OP_LDDW &&
	       (in->src == HIVE_PSEUDO_MAP_FD || in->src == HIVE_PSEUDO_MAP_IDX);
}

/* vm->map_vals: the sorted, distinct values of the map lddws (after prepare). */
static int collect_maps(struct hive_vm *vm)
{
	uint32_t pc, n = 0, i, out;

	for (pc = 0; pc < vm->ninsns; pc++)
		if (!(vm->pc_flags[pc] & VM_PC_LDDW2) && is_map_lddw(&vm->insns[pc]))
			n++;
	if (!n)
		return 0;
	vm->map_vals = malloc((size_t)n * sizeof(*vm->map_vals));
	if (!vm->map_vals)
		return -ENOMEM;
	for (pc = 0, i = 0; pc < vm->ninsns; pc++)
		if (!(vm->pc_flags[pc] & VM_PC_LDDW2) && is_map_lddw(&vm->insns[pc]))
			vm->map_vals[i++] = vm->ldimm[pc];
	qsort(vm->map_vals, n, sizeof(*vm->map_vals), cmp_u64);
	for (i = 1, out = 1; i < n; i++)
		if (vm->map_vals[i] != vm->map_vals[out - 1])
			vm->map_vals[out++] = vm->map_vals[i];
	vm->nmap_vals = out;
	return 0;
}

/* Checks beyond isa_check_prog, then lddw values and flags. */
static int prepare(struct hive_vm *vm)
{
	const struct hive_insn *last = &vm->insns[vm->ninsns - 1];
	uint32_t pc;
	int err;

	/* Nothing may run off the end: the last slot must be exit or a goto
	 * (a second lddw slot has code 0, so a trailing lddw fails too). */
	if (last->code != HIVE_OP_EXIT && last->code != HIVE_OP_JA && last->code != HIVE_OP_JA32)
		return load_fail(-EINVAL, "pc %u: last instruction must be exit or ja "
				 "(execution would fall off the end)", vm->ninsns - 1);
	for (pc = 0; pc < vm->ninsns; pc++) {
		const struct hive_insn *in = &vm->insns[pc];

		if (in->code == HIVE_OP_CALL) {
			err = check_call(vm, in, pc);
			if (err)
				return err;
			if (in->src == HIVE_PSEUDO_CALL)
				vm->pc_flags[pc + 1 + in->imm] |= VM_PC_CALL;
		} else if (in->code == HIVE_OP_LDDW) {
			err = resolve_lddw(vm, pc);
			if (err)
				return err;
			vm->pc_flags[++pc] |= VM_PC_LDDW2;
		}
	}
	return collect_maps(vm);
}

int hive_vm_load(struct hive_vm *vm, const struct hive_insn *insns, uint32_t cnt)
{
	char msg[192];
	int err;

	if (!vm || !insns)
		return -EINVAL;
	unload(vm);
	err = isa_check_prog(insns, cnt, HIVE_MAX_INSNS, msg, sizeof(msg));
	if (err)
		return load_fail(err, "%s", msg);

	vm->insns = malloc((size_t)cnt * sizeof(*insns));
	vm->ldimm = calloc(cnt, sizeof(*vm->ldimm));
	vm->pc_flags = calloc(cnt, 1);
	if (!vm->insns || !vm->ldimm || !vm->pc_flags) {
		err = -ENOMEM;
		goto err_unload;
	}
	memcpy(vm->insns, insns, (size_t)cnt * sizeof(*insns));
	vm->ninsns = cnt;
	vm->checks = vm->checks_req;
	err = prepare(vm);
	if (!err)
		err = interp_prepare(vm);
	if (!err)
		err = rinterp_prepare(vm);
	if (err)
		goto err_unload;

	vm->engine = HIVE_ENGINE_INTERP;
	if (vm->engine_req == HIVE_ENGINE_INTERP)
		return 0;
	err = jit_compile(vm);
	if (!err && vm->jit_entry) {
		vm->engine = HIVE_ENGINE_JIT;
		return 0;
	}
	if (!err)
		err = -HIVE_ENOJIT;
	if (vm->engine_req == HIVE_ENGINE_AUTO) {
		hive_pr_debug("hive_vm_load: JIT unavailable (%s), using the interpreter\n",
			      hive_strerror(err));
		return 0;
	}
	load_fail(err, "JIT compilation failed: %s", hive_strerror(err));
err_unload:
	unload(vm);
	return err;
}

/* ---- runs ---------------------------------------------------------------- */

void vm_run_fail(struct hive_run *run, int err, uint32_t pc, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	if (run->err)
		return;
	run->err = err;
	run->fault_set = true;
	run->fault_pc = pc;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hive_pr_warn("hive_vm_run: pc %u: %s\n", pc, msg);
}

static bool in_region(const struct hive_region *r, uintptr_t a, size_t size, unsigned prot)
{
	return a >= r->start && a < r->end && size <= r->end - a && !(prot & ~r->prot);
}

/* Whether a checked run may access [a, a+size) with prot (no side effect
 * but the last-hit cache). */
static bool access_ok(struct hive_run *run, uintptr_t a, size_t size, unsigned prot)
{
	const struct hive_vm *vm = run->vm;
	struct hive_region r;
	uint32_t i;

	r.start = run->stack_top - (size_t)(run->depth + 1) * HIVE_STACK_SIZE;
	r.end = run->stack_top;
	r.prot = HIVE_PROT_RW;
	if (in_region(&r, a, size, prot))
		return true;
	r = (struct hive_region){ run->ctx_start, run->ctx_end, run->ctx_prot };
	if (in_region(&r, a, size, prot))
		return true;
	if (in_region(&run->hit, a, size, prot))
		return true;
	for (i = 0; i < vm->nregions; i++) {
		if (in_region(&vm->regions[i], a, size, prot)) {
			run->hit = vm->regions[i];
			return true;
		}
	}
	for (i = 0; i < run->ndyn; i++) {
		if (in_region(&run->dyn[i], a, size, prot)) {
			run->hit = run->dyn[i];
			return true;
		}
	}
	return false;
}

static const char *prot_name(unsigned prot)
{
	switch (prot) {
	case HIVE_PROT_READ:  return "read";
	case HIVE_PROT_WRITE: return "write";
	default:              return "read-modify-write";
	}
}

int vm_check_access(struct hive_run *run, uint64_t addr, uint32_t size, unsigned prot,
		    uint32_t pc)
{
	if (addr <= UINTPTR_MAX && access_ok(run, (uintptr_t)addr, size, prot))
		return 0;
	if (run->err)
		return run->err;
	vm_run_fail(run, -HIVE_EMEM, pc, "invalid %s of %u bytes at 0x%" PRIx64
		    " (outside the stack, the context and granted memory)",
		    prot_name(prot), size, addr);
	run->fault_addr = addr;
	run->fault_size = size;
	return -HIVE_EMEM;
}

/* Bytes past the fields this library knows must be zero (forward
 * compatibility, as libbpf's OPTS_VALID). */
static bool opts_valid(const struct hive_vm_run_opts *opts)
{
	const unsigned char *p = (const unsigned char *)opts;
	size_t i;

	if (opts->sz < sizeof(*opts))
		return false;
	for (i = sizeof(*opts); i < opts->sz; i++)
		if (p[i])
			return false;
	return true;
}

int hive_vm_run(struct hive_vm *vm, struct hive_vm_run_opts *opts, uint64_t *r0)
{
	_Alignas(16) uint8_t stack[HIVE_RUN_STACK_SIZE];
	struct hive_vm_run_opts none = { .sz = sizeof(none) };
	struct hive_run run;
	uint64_t ret;

	if (!vm || !r0)
		return -EINVAL;
	if (!opts)
		opts = &none;
	if (!opts_valid(opts) || (opts->ctx_size && !opts->ctx) ||
	    (opts->ctx_prot & ~HIVE_PROT_RW) ||
	    opts->ctx_size > UINTPTR_MAX - (uintptr_t)opts->ctx)
		return -EINVAL;
	*r0 = 0;
	opts->insns_run = 0;
	opts->fault_pc = 0;
	opts->fault_addr = 0;
	opts->fault_size = 0;
	if (!vm->ninsns)
		return -HIVE_ENOPROG;

	/* Only the fields the engines read before writing are initialised. */
	run.vm = vm;
	run.opts = opts;
	run.ctx = opts->ctx;
	run.ctx_start = (uintptr_t)opts->ctx;
	run.ctx_end = run.ctx_start + opts->ctx_size;
	run.ctx_prot = opts->ctx_prot ? opts->ctx_prot : HIVE_PROT_RW;
	run.pkt = opts->pkt;
	run.pkt_size = opts->pkt ? opts->pkt_size : 0;
	run.stack = stack;
	run.stack_top = (uintptr_t)stack + sizeof(stack);
	run.dyn = run.dyn_inline;
	run.ndyn = 0;
	run.dyn_cap = HIVE_RUN_DYN_INLINE;
	run.hit = (struct hive_region){ 0, 0, 0 };
	run.budget_left = vm->checks && vm->budget ? vm->budget : UINT64_MAX;
	run.budget_start = run.budget_left;
	run.insns_run = 0;
	run.tail_calls = 0;
	run.tail_target = NULL;
	run.depth = 0;
	run.jit = vm->jit_entry != NULL;
	run.jit_sp = 0;
	run.err = 0;
	run.fault_set = false;
	run.fault_pc = 0;
	run.fault_addr = 0;
	run.fault_size = 0;
	run.maps = run.maps_inline;
	run.nmaps = 0;
	run.maps_cap = HIVE_RUN_MAPS_INLINE;
	if (vm->checks)  /* unverified code reads zeros, not host stack bytes */
		vm_zero_frame(stack + sizeof(stack) - HIVE_STACK_SIZE);

	if (run.jit) {
		ret = vm->jit_entry(opts->ctx, &run);
	} else {
		ret = vm->rcode && !vm->checks && !vm->rinterp_off ? rinterp_run(&run)
								    : vm_interpret(&run);
		run.insns_run = run.budget_start - run.budget_left;
	}

	if (run.dyn != run.dyn_inline)
		free(run.dyn);
	if (run.maps != run.maps_inline)
		free(run.maps);
	opts->insns_run = run.insns_run;
	if (run.err) {
		opts->fault_pc = run.fault_pc;
		opts->fault_addr = run.fault_addr;
		opts->fault_size = run.fault_size;
		return run.err;
	}
	*r0 = ret;
	return 0;
}

int hive_vm_exec(struct hive_vm *vm, void *ctx, size_t ctx_size, uint64_t *r0)
{
	HIVE_VM_RUN_OPTS(opts, .ctx = ctx, .ctx_size = ctx_size, .ctx_prot = HIVE_PROT_RW);

	return hive_vm_run(vm, &opts, r0);
}

/* ---- for helpers, during a run ---------------------------------------- */

struct hive_vm *hive_run_vm(struct hive_run *run)
{
	return run ? run->vm : NULL;
}

void *hive_run_user(struct hive_run *run)
{
	return run ? run->opts->user : NULL;
}

int hive_run_grant(struct hive_run *run, void *addr, size_t len, unsigned prot)
{
	uintptr_t start = (uintptr_t)addr;

	if (!run || !addr || !len || !prot_valid(prot) || len > UINTPTR_MAX - start)
		return -EINVAL;
	if (run->ndyn == run->dyn_cap) {
		uint32_t cap = run->dyn_cap * 2;
		struct hive_region *d;

		if (run->dyn == run->dyn_inline) {
			d = malloc(cap * sizeof(*d));
			if (d)
				memcpy(d, run->dyn_inline, sizeof(run->dyn_inline));
		} else {
			d = realloc(run->dyn, cap * sizeof(*d));
		}
		if (!d)
			return -ENOMEM;
		run->dyn = d;
		run->dyn_cap = cap;
	}
	run->dyn[run->ndyn++] = (struct hive_region){ start, start + len, prot };
	return 0;
}

int hive_run_check(struct hive_run *run, const void *addr, size_t len, unsigned prot)
{
	if (!run)
		return -EINVAL;
	if (!run->vm->checks || !len)
		return 0;
	if (!prot_valid(prot))
		return -EINVAL;
	return access_ok(run, (uintptr_t)addr, len, prot) ? 0 : -HIVE_EMEM;
}

bool hive_run_map_ok(struct hive_run *run, uint64_t value)
{
	const struct hive_vm *vm;
	uint32_t lo, hi, i;

	if (!run)
		return false;
	vm = run->vm;
	if (!vm->checks)
		return true;
	for (lo = 0, hi = vm->nmap_vals; lo < hi;) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (vm->map_vals[mid] == value)
			return true;
		if (vm->map_vals[mid] < value)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = 0; i < run->nmaps; i++)
		if (run->maps[i] == value)
			return true;
	return false;
}

int hive_run_grant_map(struct hive_run *run, uint64_t value)
{
	if (!run || !value)
		return -EINVAL;
	if (run->nmaps == run->maps_cap) {
		uint32_t cap = run->maps_cap * 2;
		uint64_t *m;

		if (run->maps == run->maps_inline) {
			m = malloc(cap * sizeof(*m));
			if (m)
				memcpy(m, run->maps_inline, sizeof(run->maps_inline));
		} else {
			m = realloc(run->maps, cap * sizeof(*m));
		}
		if (!m)
			return -ENOMEM;
		run->maps = m;
		run->maps_cap = cap;
	}
	run->maps[run->nmaps++] = value;
	return 0;
}

int hive_run_call(struct hive_run *run, uint64_t func, uint64_t r1, uint64_t r2,
		  uint64_t r3, uint64_t r4, uint64_t r5, uint64_t *r0)
{
	const uint64_t args[5] = { r1, r2, r3, r4, r5 };
	const struct hive_vm *vm;
	uint64_t off;
	uint32_t pc;

	if (!run || !r0)
		return -EINVAL;
	if (run->err)
		return run->err;
	vm = run->vm;
	/* func is &insns[pc] of an lddw HIVE_PSEUDO_FUNC target of this program. */
	off = func - (uint64_t)(uintptr_t)vm->insns;
	if (func < (uint64_t)(uintptr_t)vm->insns || off % sizeof(struct hive_insn) ||
	    off / sizeof(struct hive_insn) >= vm->ninsns)
		return -EINVAL;
	pc = (uint32_t)(off / sizeof(struct hive_insn));
	if (!(vm->pc_flags[pc] & VM_PC_FUNC))
		return -EINVAL;
	if (run->jit && vm->jit_call)
		return vm->jit_call(run, pc, args, r0);
	return vm_call_function(run, pc, args, r0);
}

void hive_run_abort(struct hive_run *run, int err)
{
	if (!run || run->err)
		return;
	if (err > 0)
		err = -err;
	run->err = err ? err : -ECANCELED;
	hive_pr_debug("hive_vm_run: a helper stopped the program: %s\n", hive_strerror(run->err));
}
