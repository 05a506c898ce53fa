/*
 * test_helper_map_args.c - map arguments of unverified (checked) programs:
 * a helper taking a map (map_lookup_elem, map_delete_elem, ...) and the
 * tail call accept only a map of the running program's lddw instructions
 * or one a map-in-map lookup handed to the run (hive_run_map_ok); anything
 * else (0, a stack address, a granted buffer, a real map that did not come
 * through a map lddw) stops the run with -HIVE_EMEM and a message naming
 * the helper, instead of crashing the host. Raw VMs run on the interpreter
 * and the JIT (VT_TEST); the tail call goes through core's resolver
 * (PROG_LOAD of an sk_lookup program, which loads unverified).
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "helpers/helpers.h"
#include "hive/hive_bpf.h"
#include "maps/map.h"
#include "vm_testutil.h"

#define LDDW(d, s, v) HIVE_LD_IMM64_LO(d, s, v), HIVE_LD_IMM64_HI(v)

static int make_map(uint32_t type, uint32_t vs, uint32_t max, int inner_fd)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = 4;
	a.value_size = vs;
	a.max_entries = max;
	a.inner_map_fd = inner_fd > 0 ? (uint32_t)inner_fd : 0;
	return (int)hive_bpf(BPF_MAP_CREATE, &a, sizeof(a));
}

static struct hive_map *map_of(int fd)
{
	struct hive_map *m = NULL;

	if (map_from_fd(fd, &m))
		return NULL;
	obj_put(&m->obj); /* the fd keeps it */
	return m;
}

/* lddw r, map_fd k: imm = k, an index into tm_maps */
static struct hive_map *tm_maps[2];

static int resolve(void *user, const struct hive_insn *insn, uint32_t pc, uint64_t *value)
{
	(void)user;
	(void)pc;
	if (insn->src != HIVE_PSEUDO_MAP_FD || insn->imm < 0 || insn->imm >= 2 ||
	    !tm_maps[insn->imm])
		return -EINVAL;
	*value = (uint64_t)(uintptr_t)tm_maps[insn->imm];
	return 0;
}

/* A VM on vt_engine with the map helpers and the resolver. */
static struct hive_vm *map_vm(bool checks)
{
	struct hive_vm *vm = vt_vm();

	if (!vm)
		return NULL;
	hive_vm_set_checks(vm, checks);
	hive_vm_register_helper(vm, BPF_FUNC_map_lookup_elem, "map_lookup_elem",
				helper_map_lookup_elem);
	hive_vm_register_helper(vm, BPF_FUNC_map_delete_elem, "map_delete_elem",
				helper_map_delete_elem);
	hive_vm_set_ldimm_resolver(vm, resolve, NULL);
	return vm;
}

enum bad_arg { BAD_ZERO, BAD_STACK, BAD_GRANTED, BAD_MAP_IMM, BAD_MAP_CTX, GOOD_LDDW };

static const char *const bad_names[] = { "0", "stack address", "granted buffer",
					 "map through a plain lddw", "map read from ctx",
					 "map lddw" };

/*
 * r1 = @kind; *(u32 *)(r10 - 4) = 0; r2 = r10 - 4; call @helper;
 * r0 = 77 when the helper returned NULL / 0 else 88; exit. Returns the
 * number of instructions.
 */
static uint32_t build(struct hive_insn *p, enum bad_arg kind, int helper, const void *buf)
{
	uint64_t m = (uint64_t)(uintptr_t)tm_maps[0];
	uint32_t n = 0;

	switch (kind) {
	case BAD_ZERO:
		p[n++] = HIVE_MOV64_IMM(1, 0);
		break;
	case BAD_STACK:
		p[n++] = HIVE_MOV64_REG(1, 10);
		p[n++] = HIVE_ALU64_IMM(HIVE_ADD, 1, -64);
		break;
	case BAD_GRANTED:
		p[n++] = HIVE_LD_IMM64_LO(1, 0, (uintptr_t)buf);
		p[n++] = HIVE_LD_IMM64_HI((uintptr_t)buf);
		break;
	case BAD_MAP_IMM:
		p[n++] = HIVE_LD_IMM64_LO(1, 0, m);
		p[n++] = HIVE_LD_IMM64_HI(m);
		break;
	case BAD_MAP_CTX:
		p[n++] = HIVE_LDX_MEM(HIVE_DW, 1, 1, 0);
		break;
	case GOOD_LDDW:
		p[n++] = HIVE_LD_IMM64_LO(1, HIVE_PSEUDO_MAP_FD, 0);
		p[n++] = HIVE_LD_IMM64_HI(0);
		break;
	}
	p[n++] = HIVE_ST_MEM(HIVE_W, 10, -4, 0);
	p[n++] = HIVE_MOV64_REG(2, 10);
	p[n++] = HIVE_ALU64_IMM(HIVE_ADD, 2, -4);
	p[n++] = HIVE_CALL_HELPER(helper);
	p[n++] = HIVE_MOV64_IMM(6, 77);
	p[n++] = HIVE_JMP_IMM(HIVE_JEQ, 0, 0, 1);
	p[n++] = HIVE_MOV64_IMM(6, 88);
	p[n++] = HIVE_MOV64_REG(0, 6);
	p[n++] = HIVE_EXIT_INSN();
	return n;
}

static bool open_array(int *fd)
{
	uint32_t k = 0;
	uint64_t v = 5;

	*fd = make_map(BPF_MAP_TYPE_ARRAY, 8, 4, 0);
	if (*fd < 0)
		return false;
	tm_maps[0] = map_of(*fd);
	tm_maps[1] = NULL;
	return tm_maps[0] && hive_map_update_elem(*fd, &k, &v, 0) == 0;
}

VT_TEST(helper_map_args_checked)
{
	static const struct {
		int id;
		const char *name;
	} helpers[] = {
		{ BPF_FUNC_map_lookup_elem, "bpf_map_lookup_elem" },
		{ BPF_FUNC_map_delete_elem, "bpf_map_delete_elem" },
	};
	static uint64_t buf[8];
	struct hive_insn p[16];
	int fd;

	REQUIRE(open_array(&fd));
	for (size_t h = 0; h < sizeof(helpers) / sizeof(helpers[0]); h++) {
		for (int kind = BAD_ZERO; kind <= GOOD_LDDW; kind++) {
			struct hive_vm *vm = map_vm(true);
			uint64_t ctx[1] = { (uint64_t)(uintptr_t)tm_maps[0] };
			uint32_t n = build(p, (enum bad_arg)kind, helpers[h].id, buf);
			uint64_t r0 = 1;
			int err;

			REQUIRE(vm);
			hive_vm_grant(vm, buf, sizeof(buf), HIVE_PROT_RW);
			REQUIRE(hive_vm_load(vm, p, n) == 0);
			vt_capture();
			err = hive_vm_exec(vm, ctx, sizeof(ctx), &r0);
			hive_set_print(NULL);
			if (kind == GOOD_LDDW) {
				CHECK_EQ(err, 0);
				/* lookup: the value; delete: an array refuses (-EINVAL) */
				CHECK_EQ(r0, 88);
			} else {
				if (err != -HIVE_EMEM || !strstr(vt_log, helpers[h].name) ||
				    !strstr(vt_log, "not a map of the program"))
					test_fail(__FILE__, __LINE__, "%s, r1 = %s: err %d, log \"%s\"",
						  helpers[h].name, bad_names[kind], err, vt_log);
				CHECK_EQ(r0, 0);
			}
			hive_vm_destroy(vm);
		}
	}
	close(fd);
}

/* Verified programs (unchecked runs) are trusted: a real map passed any
 * way works, without a scan (hive_run_map_ok is true). */
TEST(helper_map_args_unchecked_trusted)
{
	struct hive_insn p[16];
	uint32_t n;
	int fd;

	REQUIRE(open_array(&fd));
	vt_engine = HIVE_ENGINE_INTERP;
	for (int kind = BAD_MAP_IMM; kind <= GOOD_LDDW; kind++) {
		struct hive_vm *vm = map_vm(false);
		uint64_t ctx[1] = { (uint64_t)(uintptr_t)tm_maps[0] };
		uint64_t r0 = 0;

		REQUIRE(vm);
		n = build(p, (enum bad_arg)kind, BPF_FUNC_map_lookup_elem, NULL);
		REQUIRE(hive_vm_load(vm, p, n) == 0);
		CHECK_EQ(hive_vm_exec(vm, ctx, sizeof(ctx), &r0), 0);
		CHECK_EQ(r0, 88);
		hive_vm_destroy(vm);
	}
	close(fd);
}

/*
 * Map-in-map in a checked run: the inner map a lookup returns is a map
 * argument for the rest of the run (its value is then read); the same
 * inner map passed in through ctx by a later run is refused.
 */
VT_TEST(helper_map_args_map_in_map)
{
	const struct hive_insn p[] = {
		LDDW(1, HIVE_PSEUDO_MAP_FD, 1),                 /* outer */
		HIVE_ST_MEM(HIVE_W, 10, -4, 0),
		HIVE_MOV64_REG(2, 10),
		HIVE_ALU64_IMM(HIVE_ADD, 2, -4),
		HIVE_CALL_HELPER(BPF_FUNC_map_lookup_elem),
		HIVE_JMP_IMM(HIVE_JEQ, 0, 0, 6),
		HIVE_MOV64_REG(1, 0),                           /* inner */
		HIVE_MOV64_REG(2, 10),
		HIVE_ALU64_IMM(HIVE_ADD, 2, -4),
		HIVE_CALL_HELPER(BPF_FUNC_map_lookup_elem),
		HIVE_JMP_IMM(HIVE_JEQ, 0, 0, 1),
		HIVE_LDX_MEM(HIVE_DW, 0, 0, 0),                 /* inner[0] */
		HIVE_EXIT_INSN(),
	};
	struct hive_insn q[16];
	int inner, outer;
	uint32_t k = 0, n;
	uint64_t v = 0x1234, r0 = 0;
	struct hive_vm *vm;
	int ifd;

	REQUIRE(open_array(&inner));
	outer = make_map(BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 2, inner);
	REQUIRE(outer >= 0);
	ifd = inner;
	REQUIRE(hive_map_update_elem(outer, &k, &ifd, 0) == 0);
	REQUIRE(hive_map_update_elem(inner, &k, &v, 0) == 0);
	tm_maps[1] = map_of(outer);
	REQUIRE(tm_maps[1]);

	vm = map_vm(true);
	REQUIRE(vm);
	REQUIRE(hive_vm_load(vm, p, VT_CNT(p)) == 0);
	CHECK_EQ(hive_vm_exec(vm, NULL, 0, &r0), 0);
	CHECK_EQ(r0, 0x1234);
	/* a second run: the grant was per run, the inner map works again */
	r0 = 0;
	CHECK_EQ(hive_vm_exec(vm, NULL, 0, &r0), 0);
	CHECK_EQ(r0, 0x1234);
	hive_vm_destroy(vm);

	/* the inner map through ctx, without the lookup: refused (tm_maps[0]
	 * is the inner map, which no lddw of this program names) */
	vm = map_vm(true);
	REQUIRE(vm);
	n = build(q, BAD_MAP_CTX, BPF_FUNC_map_lookup_elem, NULL);
	REQUIRE(hive_vm_load(vm, q, n) == 0);
	{
		uint64_t ctx[1] = { (uint64_t)(uintptr_t)tm_maps[0] };

		vt_capture();
		CHECK_EQ(hive_vm_exec(vm, ctx, sizeof(ctx), &r0), -HIVE_EMEM);
		hive_set_print(NULL);
		CHECK(strstr(vt_log, "bpf_map_lookup_elem") != NULL);
	}
	hive_vm_destroy(vm);
	close(outer);
	close(inner);
}

/* Every other helper with a map argument: r<arg> = 0 is refused. */
VT_TEST(helper_map_args_every_map_helper)
{
	static const struct {
		int id;
		const char *name;
		hive_helper_fn fn;
		int arg;
	} helpers[] = {
		{ BPF_FUNC_map_update_elem, "map_update_elem", helper_map_update_elem, 1 },
		{ BPF_FUNC_map_push_elem, "map_push_elem", helper_map_push_elem, 1 },
		{ BPF_FUNC_map_pop_elem, "map_pop_elem", helper_map_pop_elem, 1 },
		{ BPF_FUNC_map_peek_elem, "map_peek_elem", helper_map_peek_elem, 1 },
		{ BPF_FUNC_for_each_map_elem, "for_each_map_elem", helper_for_each_map_elem, 1 },
		{ BPF_FUNC_ringbuf_output, "ringbuf_output", helper_ringbuf_output, 1 },
		{ BPF_FUNC_ringbuf_reserve, "ringbuf_reserve", helper_ringbuf_reserve, 1 },
		{ BPF_FUNC_ringbuf_query, "ringbuf_query", helper_ringbuf_query, 1 },
		{ BPF_FUNC_perf_event_output, "perf_event_output", helper_perf_event_output, 2 },
		{ BPF_FUNC_get_stackid, "get_stackid", helper_get_stackid, 2 },
	};

	for (size_t h = 0; h < sizeof(helpers) / sizeof(helpers[0]); h++) {
		const struct hive_insn p[] = {
			HIVE_MOV64_REG(6, 1),
			HIVE_MOV64_IMM(1, 0),
			HIVE_MOV64_IMM(2, 0),
			HIVE_MOV64_IMM(3, 0),
			HIVE_MOV64_IMM(4, 0),
			HIVE_MOV64_IMM(5, 0),
			HIVE_MOV64_REG(helpers[h].arg == 1 ? 2 : 1, 6),  /* the other: ctx */
			HIVE_CALL_HELPER(helpers[h].id),
			HIVE_EXIT_INSN(),
		};
		struct hive_vm *vm = vt_vm();
		uint64_t ctx[2] = { 0, 0 }, r0 = 1;
		char who[64];

		REQUIRE(vm);
		hive_vm_register_helper(vm, (uint32_t)helpers[h].id, helpers[h].name, helpers[h].fn);
		REQUIRE(hive_vm_load(vm, p, VT_CNT(p)) == 0);
		vt_capture();
		CHECK_EQ(hive_vm_exec(vm, ctx, sizeof(ctx), &r0), -HIVE_EMEM);
		hive_set_print(NULL);
		snprintf(who, sizeof(who), "helper bpf_%s: map argument 0x0", helpers[h].name);
		if (!strstr(vt_log, who))
			test_fail(__FILE__, __LINE__, "%s: log \"%s\"", helpers[h].name, vt_log);
		hive_vm_destroy(vm);
	}
}

/* A map of the program of the wrong type for the ringbuf helpers: refused
 * by type (an array has no ring layout), the run goes on. */
VT_TEST(helper_map_args_ringbuf_wrong_type)
{
	const struct hive_insn p[] = {
		LDDW(1, HIVE_PSEUDO_MAP_FD, 0),
		HIVE_MOV64_IMM(2, 8),
		HIVE_MOV64_IMM(3, 0),
		HIVE_CALL_HELPER(BPF_FUNC_ringbuf_reserve),
		HIVE_MOV64_REG(6, 0),
		LDDW(1, HIVE_PSEUDO_MAP_FD, 0),
		HIVE_MOV64_REG(2, 10),
		HIVE_ALU64_IMM(HIVE_ADD, 2, -8),
		HIVE_MOV64_IMM(3, 8),
		HIVE_MOV64_IMM(4, 0),
		HIVE_CALL_HELPER(BPF_FUNC_ringbuf_output),
		HIVE_ALU64_REG(HIVE_ADD, 0, 6),
		HIVE_EXIT_INSN(),
	};
	struct hive_vm *vm;
	uint64_t r0 = 0;
	int fd;

	REQUIRE(open_array(&fd));
	vm = map_vm(true);
	REQUIRE(vm);
	hive_vm_register_helper(vm, BPF_FUNC_ringbuf_reserve, "ringbuf_reserve",
				helper_ringbuf_reserve);
	hive_vm_register_helper(vm, BPF_FUNC_ringbuf_output, "ringbuf_output",
				helper_ringbuf_output);
	REQUIRE(hive_vm_load(vm, p, VT_CNT(p)) == 0);
	CHECK_EQ(hive_vm_exec(vm, NULL, 0, &r0), 0);
	CHECK_EQ(r0, (uint64_t)-EINVAL);        /* reserve NULL, output -EINVAL */
	hive_vm_destroy(vm);
	close(fd);
}

/* ---- hive_run_map_ok / hive_run_grant_map directly ------------------------ */

#define N_GRANTS 40

/* r1 = the program's map: returns a bit mask of what hive_run_map_ok says
 * for it (1), for 0 (2), for values 0x1000.. before (4) and after (8)
 * granting N_GRANTS of them (past the inline list), and for an ungranted
 * neighbour (16). */
static uint64_t helper_probe(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			     struct hive_run *run)
{
	uint64_t mask = 0;
	bool all = true;

	mask |= hive_run_map_ok(run, r1) ? 1 : 0;
	mask |= hive_run_map_ok(run, 0) ? 2 : 0;
	mask |= hive_run_map_ok(run, 0x1000) ? 4 : 0;
	for (uint64_t i = 0; i < N_GRANTS; i++)
		if (hive_run_grant_map(run, 0x1000 + i * 8))
			all = false;
	for (uint64_t i = 0; i < N_GRANTS; i++)
		if (!hive_run_map_ok(run, 0x1000 + i * 8))
			all = false;
	mask |= all ? 8 : 0;
	mask |= hive_run_map_ok(run, 0x1004) ? 16 : 0;
	return mask;
}

VT_TEST(helper_map_args_api)
{
	const struct hive_insn p[] = {
		LDDW(2, HIVE_PSEUDO_MAP_FD, 0),                 /* a second map lddw */
		LDDW(1, HIVE_PSEUDO_MAP_FD, 1),
		HIVE_CALL_HELPER(100),
		HIVE_EXIT_INSN(),
	};
	uint64_t r0 = 0;
	struct hive_vm *vm;

	tm_maps[0] = (struct hive_map *)(uintptr_t)0x5000;  /* never dereferenced */
	tm_maps[1] = (struct hive_map *)(uintptr_t)0x7000;
	CHECK(!hive_run_map_ok(NULL, 0x5000));
	CHECK_EQ(hive_run_grant_map(NULL, 0x5000), -EINVAL);

	vm = map_vm(true);
	REQUIRE(vm);
	hive_vm_register_helper(vm, 100, "probe", helper_probe);
	REQUIRE(hive_vm_load(vm, p, VT_CNT(p)) == 0);
	CHECK_EQ(hive_vm_exec(vm, NULL, 0, &r0), 0);
	CHECK_EQ(r0, 1 | 8);
	/* grants do not outlive their run */
	CHECK_EQ(hive_vm_exec(vm, NULL, 0, &r0), 0);
	CHECK_EQ(r0, 1 | 8);
	hive_vm_destroy(vm);

	vm = map_vm(false);                                 /* unchecked: all true */
	REQUIRE(vm);
	hive_vm_register_helper(vm, 100, "probe", helper_probe);
	REQUIRE(hive_vm_load(vm, p, VT_CNT(p)) == 0);
	CHECK_EQ(hive_vm_exec(vm, NULL, 0, &r0), 0);
	CHECK_EQ(r0, 1 | 2 | 4 | 8 | 16);
	hive_vm_destroy(vm);
	tm_maps[0] = tm_maps[1] = NULL;
}

/* ---- the tail call through core (PROG_LOAD, unverified sk_lookup) -------- */

static int load_sk_lookup(const struct hive_insn *p, uint32_t cnt)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SK_LOOKUP;
	a.expected_attach_type = BPF_SK_LOOKUP;
	a.insns = (uintptr_t)p;
	a.insn_cnt = cnt;
	a.license = (uintptr_t)"GPL";
	return (int)hive_bpf(BPF_PROG_LOAD, &a, sizeof(a));
}

/* TEST_RUN of @fd: 0 with *retval set, or -errno. */
static int test_run(int fd, uint32_t *retval)
{
	struct bpf_sk_lookup ctx;
	union bpf_attr a;

	memset(&ctx, 0, sizeof(ctx));
	ctx.family = 2; /* AF_INET */
	memset(&a, 0, sizeof(a));
	a.test.prog_fd = (uint32_t)fd;
	a.test.ctx_in = (uintptr_t)&ctx;
	a.test.ctx_size_in = sizeof(ctx);
	if (hive_bpf(BPF_PROG_TEST_RUN, &a, sizeof(a)) < 0)
		return -errno;
	*retval = a.test.retval;
	return 0;
}

enum tail_arg { TAIL_ZERO, TAIL_STACK, TAIL_GRANTED, TAIL_MAP_DELETE0, TAIL_PROG_ARRAY };

/*
 * r2 = @kind (the prog array for TAIL_PROG_ARRAY, an array's value, which
 * PROG_LOAD grants, for TAIL_GRANTED); r3 = 0; tail call; r0 = 0; exit.
 * TAIL_MAP_DELETE0 is the fuzzer's case: map_delete_elem(r1 = 0).
 */
static int load_caller(enum tail_arg kind, int prog_array, int array)
{
	struct hive_insn p[16];
	uint32_t n = 0;

	switch (kind) {
	case TAIL_ZERO:
		p[n++] = HIVE_MOV64_IMM(2, 0);
		break;
	case TAIL_STACK:
		p[n++] = HIVE_MOV64_REG(2, 10);
		p[n++] = HIVE_ALU64_IMM(HIVE_ADD, 2, -8);
		break;
	case TAIL_GRANTED:
		p[n++] = HIVE_LD_IMM64_LO(2, HIVE_PSEUDO_MAP_VALUE, array);
		p[n++] = HIVE_LD_IMM64_HI(0);
		break;
	case TAIL_MAP_DELETE0:
		p[n++] = HIVE_MOV64_IMM(1, 0);
		p[n++] = HIVE_MOV64_REG(2, 10);
		p[n++] = HIVE_ALU64_IMM(HIVE_ADD, 2, -8);
		p[n++] = HIVE_CALL_HELPER(BPF_FUNC_map_delete_elem);
		p[n++] = HIVE_MOV64_IMM(0, 0);
		p[n++] = HIVE_EXIT_INSN();
		return load_sk_lookup(p, n);
	case TAIL_PROG_ARRAY:
		p[n++] = HIVE_LD_IMM64_LO(2, HIVE_PSEUDO_MAP_FD, prog_array);
		p[n++] = HIVE_LD_IMM64_HI(0);
		break;
	}
	p[n++] = HIVE_MOV64_IMM(3, 0);
	p[n++] = HIVE_CALL_HELPER(BPF_FUNC_tail_call);
	p[n++] = HIVE_MOV64_IMM(0, 0);
	p[n++] = HIVE_EXIT_INSN();
	return load_sk_lookup(p, n);
}

TEST(helper_map_args_tail_call_core)
{
	static const struct hive_insn target[] = { HIVE_MOV64_IMM(0, 1), HIVE_EXIT_INSN() };
	static const char *const names[] = { "0", "stack address", "granted map value",
					     "map_delete_elem(0)", "prog array" };
	static char dir[] = "/tmp/hive-maparg-XXXXXX";
	uint32_t k = 0;
	int pa, arr, tfd;

	REQUIRE(mkdtemp(dir));
	setenv("HIVE_FS", dir, 1);
	pa = make_map(BPF_MAP_TYPE_PROG_ARRAY, 4, 2, 0);
	arr = make_map(BPF_MAP_TYPE_ARRAY, 8, 1, 0);    /* lddw map value needs 1 entry */
	tfd = load_sk_lookup(target, VT_CNT(target));
	REQUIRE(pa >= 0 && arr >= 0 && tfd >= 0);
	REQUIRE(hive_map_update_elem(pa, &k, &tfd, 0) == 0);
	for (int e = 0; e < 2; e++) {
		const char *engine = e ? "jit" : "interp";

		if (e && !vt_jit_available())
			break;
		setenv("HIVE_ENGINE", engine, 1);
		for (int kind = TAIL_ZERO; kind <= TAIL_PROG_ARRAY; kind++) {
			int fd = load_caller((enum tail_arg)kind, pa, arr), err;
			const char *who = kind == TAIL_MAP_DELETE0 ? "bpf_map_delete_elem" :
								     "bpf_tail_call";
			uint32_t retval = 77;

			REQUIRE(fd >= 0);
			vt_capture();
			err = test_run(fd, &retval);
			hive_set_print(NULL);
			if (kind == TAIL_PROG_ARRAY) {
				CHECK_EQ(err, 0);
				CHECK_EQ(retval, 1);    /* the target ran */
			} else if (err == 0 || !strstr(vt_log, who) ||
				   !strstr(vt_log, "not a map of the program")) {
				test_fail(__FILE__, __LINE__, "%s, r2 = %s: err %d, log \"%s\"",
					  engine, names[kind], err, vt_log);
			} else {
				CHECK_EQ(err, -HIVE_EMEM);
			}
			close(fd);
		}
	}
	unsetenv("HIVE_ENGINE");
	close(tfd);
	close(arr);
	close(pa);
}
