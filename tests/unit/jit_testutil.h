/*
 * jit_testutil.h - shared by the JIT tests: a growable instruction buffer
 * with builders, and a runner that executes one program on both engines
 * (interpreter and JIT) in the same mode and compares every observable:
 * return code, r0, fault pc/address/size, instructions run, and the bytes
 * of the memory the program was given.
 */
#ifndef HIVE_TEST_JIT_TESTUTIL_H
#define HIVE_TEST_JIT_TESTUTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "hive/hive_asm.h"
#include "hive/hive_vm.h"

struct jt_prog {
	struct hive_insn *p;
	uint32_t n, cap;
};

static inline void jt_push(struct jt_prog *g, struct hive_insn in)
{
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 256;
		g->p = realloc(g->p, g->cap * sizeof(*g->p));
		if (!g->p)
			abort();
	}
	g->p[g->n++] = in;
}

static inline void jt_lddw(struct jt_prog *g, unsigned reg, uint64_t v)
{
	jt_push(g, HIVE_LD_IMM64_LO(reg, 0, v));
	jt_push(g, HIVE_LD_IMM64_HI(v));
}

static inline void jt_free(struct jt_prog *g)
{
	free(g->p);
	memset(g, 0, sizeof(*g));
}

/* Assemble @src into @g (replacing it); false (and a test failure) on a
 * syntax error. */
static inline bool jt_asm(struct jt_prog *g, const char *src)
{
	struct hive_insn *insns;
	uint32_t cnt;
	char err[256];

	if (hive_asm(src, &insns, &cnt, err, sizeof(err))) {
		test_fail(__FILE__, __LINE__, "asm: %s", err);
		return false;
	}
	free(g->p);
	g->p = insns;
	g->n = g->cap = cnt;
	return true;
}

struct jt_outcome {
	int load;           /* hive_vm_load result */
	int rc;             /* hive_vm_run result */
	uint64_t r0;
	uint32_t fault_pc;
	uint64_t fault_addr;   /* relative to the memory buffer when inside it */
	uint32_t fault_size;
	uint64_t insns_run;
	enum hive_engine engine;
};

struct jt_env {
	bool checks;
	uint64_t budget;            /* 0: default */
	uint8_t *mem;               /* ctx (granted as ctx) */
	size_t memlen;
	unsigned ctx_prot;          /* 0: read/write */
	const void *pkt;
	size_t pkt_size;
	int (*setup)(struct hive_vm *vm, void *user);   /* helpers etc. */
	void *user;
};

/* Run @g once on @engine; @mem is restored from @init first. */
static inline struct jt_outcome jt_run(const struct jt_prog *g, enum hive_engine engine,
				       const struct jt_env *env, const uint8_t *init)
{
	struct jt_outcome o;
	struct hive_vm *vm = hive_vm_create();
	HIVE_VM_RUN_OPTS(opts, .ctx = env->mem, .ctx_size = env->memlen, .pkt = env->pkt,
			 .pkt_size = env->pkt_size, .user = env->user, .ctx_prot = env->ctx_prot);

	memset(&o, 0, sizeof(o));
	if (!vm) {
		o.load = -12;
		return o;
	}
	hive_vm_set_engine(vm, engine);
	hive_vm_set_checks(vm, env->checks);
	if (env->budget)
		hive_vm_set_budget(vm, env->budget);
	if (env->setup)
		env->setup(vm, env->user);
	o.load = hive_vm_load(vm, g->p, g->n);
	o.engine = hive_vm_engine(vm);
	if (!o.load) {
		if (env->mem && init)
			memcpy(env->mem, init, env->memlen);
		o.rc = hive_vm_run(vm, &opts, &o.r0);
		o.fault_pc = opts.fault_pc;
		o.fault_addr = opts.fault_addr;
		if (env->mem && opts.fault_addr >= (uintptr_t)env->mem &&
		    opts.fault_addr < (uintptr_t)env->mem + env->memlen + 4096)
			o.fault_addr -= (uintptr_t)env->mem;
		o.fault_size = opts.fault_size;
		o.insns_run = opts.insns_run;
	}
	hive_vm_destroy(vm);
	return o;
}

/*
 * Run on the interpreter and the JIT with the same env and initial memory;
 * CHECK that everything observable agrees (@what names the case in
 * failures). Returns true when they agree. @budget_exact: compare
 * insns_run and fault_pc of budget failures too.
 */
static inline bool jt_compare(const struct jt_prog *g, const struct jt_env *env, const char *what)
{
	uint8_t *init = NULL, *after_interp = NULL;
	struct jt_outcome a, b;
	bool ok = true;

	if (env->mem) {
		init = malloc(env->memlen);
		after_interp = malloc(env->memlen);
		if (!init || !after_interp)
			abort();
		memcpy(init, env->mem, env->memlen);
	}
	a = jt_run(g, HIVE_ENGINE_INTERP, env, init);
	if (env->mem)
		memcpy(after_interp, env->mem, env->memlen);
	b = jt_run(g, HIVE_ENGINE_JIT, env, init);
	if (b.engine != HIVE_ENGINE_JIT || a.load || b.load) {
		test_fail(__FILE__, __LINE__, "%s: load interp %d jit %d (engine %d)", what, a.load,
			  b.load, b.engine);
		ok = false;
	} else if (a.rc != b.rc || a.r0 != b.r0 || a.fault_pc != b.fault_pc ||
		   a.fault_addr != b.fault_addr || a.fault_size != b.fault_size ||
		   (env->checks && a.insns_run != b.insns_run)) {
		test_fail(__FILE__, __LINE__,
			  "%s (%s): interp rc %d r0 %#llx fault pc %u addr %#llx size %u insns %llu; "
			  "jit rc %d r0 %#llx fault pc %u addr %#llx size %u insns %llu", what,
			  env->checks ? "checked" : "unchecked", a.rc, (unsigned long long)a.r0,
			  a.fault_pc, (unsigned long long)a.fault_addr, a.fault_size,
			  (unsigned long long)a.insns_run, b.rc, (unsigned long long)b.r0,
			  b.fault_pc, (unsigned long long)b.fault_addr, b.fault_size,
			  (unsigned long long)b.insns_run);
		ok = false;
	} else if (env->mem && memcmp(after_interp, env->mem, env->memlen)) {
		size_t i = 0;

		while (after_interp[i] == env->mem[i])
			i++;
		test_fail(__FILE__, __LINE__, "%s (%s): memory differs at byte %zu: interp %#x jit %#x",
			  what, env->checks ? "checked" : "unchecked", i, after_interp[i],
			  env->mem[i]);
		ok = false;
	}
	free(init);
	free(after_interp);
	return ok;
}

/* Both modes. */
static inline bool jt_compare2(const struct jt_prog *g, struct jt_env *env, const char *what)
{
	bool ok;

	env->checks = false;
	ok = jt_compare(g, env, what);
	env->checks = true;
	return jt_compare(g, env, what) && ok;
}

#endif /* HIVE_TEST_JIT_TESTUTIL_H */
