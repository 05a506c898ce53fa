/*
 * test_jit_maps.c - map helper calls on a known map (src/jit/maps.c): array
 * lookups inlined, other lookups, updates and deletes called directly. Each
 * program runs on the interpreter and the JIT, checked and unchecked, with
 * the maps reset before every run, and must give the same r0, faults,
 * instruction counts and memory. The listing shows which calls were
 * compiled without the generic helper path.
 */
#include <linux/bpf.h>
#include <unistd.h>

#include "helpers/helpers.h"
#include "hive/hive_bpf.h"
#include "jit_testutil.h"
#include "maps/map.h"

/* maps 0-4 take part in every case; map 5 (a queue, no lookup function)
 * only in jit_map_key_planning */
#define NMAPS 6
#define NCASE_MAPS 5

struct maps_env {
	int fd[NMAPS];
	struct hive_map *m[NMAPS];
	bool grant_arrays;        /* static grant of each array's values (as PROG_LOAD) */
};

static struct hive_map *map_of(int fd)
{
	struct hive_map *m = NULL;

	if (map_from_fd(fd, &m))
		return NULL;
	obj_put(&m->obj); /* the fd keeps it */
	return m;
}

static int make_map(uint32_t type, uint32_t ks, uint32_t vs, uint32_t max, uint32_t flags)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = ks;
	a.value_size = vs;
	a.max_entries = max;
	a.map_flags = flags;
	return (int)hive_bpf(BPF_MAP_CREATE, &a, sizeof(a));
}

/* lddw r, map k: imm = k, resolved by the VM's resolver below. */
static int resolve(void *user, const struct hive_insn *insn, uint32_t pc, uint64_t *value)
{
	struct maps_env *e = user;

	(void)pc;
	if (insn->src != HIVE_PSEUDO_MAP_FD || insn->imm < 0 || insn->imm >= NMAPS)
		return -1;
	*value = (uint64_t)(uintptr_t)e->m[insn->imm];
	return 0;
}

/* Fresh contents: array[i] = i * 0x1111 in each 8-byte word; hash has
 * keys 0..9 (value k * 3); every run starts from this. */
static int setup(struct hive_vm *vm, void *user)
{
	struct maps_env *e = user;
	uint64_t v[3];

	for (uint32_t k = 0; k < 10; k++) {
		v[0] = v[1] = v[2] = k * 0x1111;
		hive_map_update_elem(e->fd[0], &k, v, 0);
		hive_map_update_elem(e->fd[4], &k, v, 0);
		v[0] = k * 3;
		hive_map_update_elem(e->fd[1], &k, v, 0);
	}
	for (uint32_t k = 10; k < 20; k++)
		hive_map_delete_elem(e->fd[1], &k);
	hive_vm_register_helper(vm, 1, "map_lookup_elem", helper_map_lookup_elem);
	hive_vm_register_helper(vm, 2, "map_update_elem", helper_map_update_elem);
	hive_vm_register_helper(vm, 3, "map_delete_elem", helper_map_delete_elem);
	hive_vm_set_ldimm_resolver(vm, resolve, e);
	if (e->grant_arrays)
		for (int i = 0; i < NMAPS; i++)
			if (e->m[i]->map_type == BPF_MAP_TYPE_ARRAY)
				hive_vm_grant(vm, e->m[i]->data,
					      (size_t)(e->m[i]->max_entries - 1) * e->m[i]->stride +
						      e->m[i]->value_size,
					      (e->m[i]->map_flags & BPF_F_RDONLY_PROG) ? HIVE_PROT_READ :
											 HIVE_PROT_RW);
	return 0;
}

static bool maps_open(struct maps_env *e)
{
	e->fd[0] = make_map(BPF_MAP_TYPE_ARRAY, 4, 20, 10, 0);       /* stride 24: imul */
	e->fd[1] = make_map(BPF_MAP_TYPE_HASH, 4, 8, 16, 0);
	e->fd[2] = make_map(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4, 0);
	e->fd[3] = make_map(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0);         /* stride 8: shift */
	e->fd[4] = make_map(BPF_MAP_TYPE_ARRAY, 4, 16, 10, BPF_F_RDONLY_PROG);
	e->fd[5] = make_map(BPF_MAP_TYPE_QUEUE, 0, 8, 4, 0);
	for (int i = 0; i < NMAPS; i++) {
		if (e->fd[i] < 0)
			return false;
		e->m[i] = map_of(e->fd[i]);
		if (!e->m[i])
			return false;
	}
	return true;
}

static void maps_close(struct maps_env *e)
{
	for (int i = 0; i < NMAPS; i++)
		if (e->fd[i] >= 0)
			close(e->fd[i]);
}

/* *(u32 *)(fp - 4) = key (imm or r9); r1 = map (lddw, or r6 set at entry
 * when @via_r6); r2 = fp - 4; call @helper. */
static void call_on(struct jt_prog *g, int map, int32_t key, bool key_r9, int helper, bool via_r6)
{
	if (key_r9)
		jt_push(g, HIVE_STX_MEM(HIVE_W, 10, 9, -4));
	else
		jt_push(g, HIVE_ST_MEM(HIVE_W, 10, -4, key));
	if (via_r6)
		jt_push(g, HIVE_MOV64_REG(1, 6));
	else {
		jt_push(g, HIVE_LD_IMM64_LO(1, HIVE_PSEUDO_MAP_FD, map));
		jt_push(g, HIVE_LD_IMM64_HI(0));
	}
	jt_push(g, HIVE_MOV64_REG(2, 10));
	jt_push(g, HIVE_ALU64_IMM(HIVE_ADD, 2, -4));
	if (helper == 2) {
		jt_push(g, HIVE_ST_MEM(HIVE_DW, 10, -32, 0x77));
		jt_push(g, HIVE_MOV64_REG(3, 10));
		jt_push(g, HIVE_ALU64_IMM(HIVE_ADD, 3, -32));
		jt_push(g, HIVE_MOV64_IMM(4, 0));
	}
	jt_push(g, HIVE_CALL_HELPER(helper));
}

/* r8 = r8 * 31 + (r0 ? *(u64 *)(r0 + off) + 1 : 0) */
static void fold_value(struct jt_prog *g, int16_t off)
{
	jt_push(g, HIVE_ALU64_IMM(HIVE_MUL, 8, 31));
	jt_push(g, HIVE_JMP_IMM(HIVE_JEQ, 0, 0, 2));
	jt_push(g, HIVE_LDX_MEM(HIVE_DW, 0, 0, off));
	jt_push(g, HIVE_ALU64_IMM(HIVE_ADD, 0, 1));
	jt_push(g, HIVE_ALU64_REG(HIVE_ADD, 8, 0));
}

/* r8 = r8 * 31 + r0 (an update/delete result) */
static void fold_r0(struct jt_prog *g)
{
	jt_push(g, HIVE_ALU64_IMM(HIVE_MUL, 8, 31));
	jt_push(g, HIVE_ALU64_REG(HIVE_ADD, 8, 0));
}

static void prologue(struct jt_prog *g, int map6)
{
	jt_push(g, HIVE_MOV64_IMM(8, 0));
	jt_push(g, HIVE_LD_IMM64_LO(6, HIVE_PSEUDO_MAP_FD, map6));
	jt_push(g, HIVE_LD_IMM64_HI(0));
}

static void epilogue(struct jt_prog *g)
{
	jt_push(g, HIVE_MOV64_REG(0, 8));
	jt_push(g, HIVE_EXIT_INSN());
}

TEST(jit_map_lookup_array_inline)
{
	static const int32_t keys[] = { 0, 1, 9, 10, -1, 0x7fffffff, 5 };
	struct maps_env e = { .grant_arrays = true };
	struct jt_env env = { .setup = setup, .user = &e };
	struct jt_prog g = { 0 };

	REQUIRE(maps_open(&e));
	for (int map = 0; map < NCASE_MAPS; map++) {
		char what[64];

		g.n = 0;
		prologue(&g, map);
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			call_on(&g, map, keys[i], false, 1, i & 1);
			fold_value(&g, 0);
		}
		/* a key from a register, after a loop-carried map in r6 */
		jt_push(&g, HIVE_MOV64_IMM(9, 3));
		call_on(&g, map, 0, true, 1, true);
		fold_value(&g, 0);
		epilogue(&g);
		snprintf(what, sizeof(what), "lookups on map %d", map);
		jt_compare2(&g, &env, what);
	}
	jt_free(&g);
	maps_close(&e);
}

TEST(jit_map_update_delete_direct)
{
	struct maps_env e = { .grant_arrays = true };
	struct jt_env env = { .setup = setup, .user = &e };
	struct jt_prog g = { 0 };

	REQUIRE(maps_open(&e));
	for (int map = 0; map < NCASE_MAPS; map++) {
		char what[64];

		g.n = 0;
		prologue(&g, map);
		call_on(&g, map, 3, false, 2, false);    /* update existing */
		fold_r0(&g);
		call_on(&g, map, 12, false, 2, true);    /* new key / out of range */
		fold_r0(&g);
		call_on(&g, map, 12, false, 1, false);   /* sees the update */
		fold_value(&g, 0);
		call_on(&g, map, 3, false, 3, false);    /* delete (EINVAL on arrays) */
		fold_r0(&g);
		call_on(&g, map, 3, false, 3, true);     /* again: ENOENT on hash */
		fold_r0(&g);
		call_on(&g, map, 3, false, 1, false);
		fold_value(&g, 0);
		epilogue(&g);
		snprintf(what, sizeof(what), "update/delete on map %d", map);
		jt_compare2(&g, &env, what);
	}
	jt_free(&g);
	maps_close(&e);
}

/* Checked runs: reading past the looked-up value is refused the same way
 * with and without the array's static grant; a key outside the current
 * frame takes the helper (slow) path. */
TEST(jit_map_lookup_checked_edges)
{
	struct maps_env e = { .grant_arrays = false };
	struct jt_env env = { .setup = setup, .user = &e };
	uint8_t key[8] = { 2, 0, 0, 0 };
	struct jt_prog g = { 0 };

	REQUIRE(maps_open(&e));
	for (int grant = 0; grant < 2; grant++) {
		e.grant_arrays = grant;
		g.n = 0;
		prologue(&g, 0);
		call_on(&g, 0, 4, false, 1, false);
		jt_push(&g, HIVE_JMP_IMM(HIVE_JEQ, 0, 0, 1));
		jt_push(&g, HIVE_LDX_MEM(HIVE_DW, 8, 0, 24));  /* the next element's first word */
		/* key in the ctx, not on the stack */
		jt_push(&g, HIVE_LD_IMM64_LO(1, HIVE_PSEUDO_MAP_FD, 0));
		jt_push(&g, HIVE_LD_IMM64_HI(0));
		jt_push(&g, HIVE_MOV64_REG(2, 7));
		jt_push(&g, HIVE_CALL_HELPER(1));
		fold_value(&g, 8);
		epilogue(&g);
		/* r7 = ctx (r1 at entry) */
		memmove(&g.p[1], &g.p[0], (g.n) * sizeof(g.p[0]));
		g.n++;
		g.p[0] = HIVE_MOV64_REG(7, 1);
		env.mem = key;
		env.memlen = sizeof(key);
		env.checks = true;
		jt_compare(&g, &env, grant ? "checked, granted array" : "checked, no grant");
	}
	jt_free(&g);
	maps_close(&e);
}

/* Run @g unchecked on the JIT (with constant blinding if @blind), check
 * r0 against @r0 (UINT64_MAX: load only, for programs that cannot run),
 * and return its listing (the caller frees it; NULL after a failed
 * check). */
static char *listing(struct maps_env *e, const struct jt_prog *g, bool blind, uint64_t r0)
{
	struct hive_vm *vm = hive_vm_create();
	char *text = NULL;
	uint64_t got = 0;

	CHECK(vm != NULL);
	if (!vm)
		return NULL;
	hive_vm_set_engine(vm, HIVE_ENGINE_JIT);
	hive_vm_set_checks(vm, false);
	hive_vm_set_jit_blinding(vm, blind);
	setup(vm, e);
	CHECK_EQ(hive_vm_load(vm, g->p, g->n), 0);
	if (r0 != UINT64_MAX) {
		CHECK_EQ(hive_vm_exec(vm, NULL, 0, &got), 0);
		CHECK_EQ(got, r0);
	}
	CHECK_EQ(hive_vm_dump_jited(vm, 0, &text), 0);
	hive_vm_destroy(vm);
	return text;
}

/* The listing: an unchecked array lookup has no call (a constant key
 * folds to the element's address, a key from a register gives the
 * branch-free inline lookup), a hash lookup calls the family's function;
 * with blinding the helper is called. */
TEST(jit_map_listing)
{
	struct maps_env e = { .grant_arrays = true };
	struct jt_prog g = { 0 };
	char *text;

	REQUIRE(maps_open(&e));
	for (int c = 0; c < 3; c++) {
		g.n = 0;
		prologue(&g, 0);
		call_on(&g, c == 1 ? 1 : 0, 9, false, 1, false);
		fold_value(&g, 0);
		epilogue(&g);
		text = listing(&e, &g, c == 2, c == 1 ? 9 * 3 + 1 : 9 * 0x1111 + 1);
		REQUIRE(text);
		/* x86 lines read "  <offset>:  <insn>" */
		if (c == 0)
			CHECK(!strstr(text, ":  call"));
		else
			CHECK(strstr(text, ":  call") != NULL);
		if (c == 0)
			CHECK(!strstr(text, "jae"));
		free(text);
	}
	/* keys the JIT must not fold: 9 from r9 = r8 + 9 (forwarded from r9);
	 * 1, then a byte store into it after r2 is formed (still 1); 0x101
	 * with its low byte set to 2 before r2 is formed (0x102: NULL) */
	for (int c = 0; c < 3; c++) {
		g.n = 0;
		prologue(&g, 0);
		if (c == 0) {
			jt_push(&g, HIVE_MOV64_REG(9, 8));
			jt_push(&g, HIVE_ALU64_IMM(HIVE_ADD, 9, 9));
			jt_push(&g, HIVE_STX_MEM(HIVE_W, 10, 9, -4));
		} else {
			jt_push(&g, HIVE_ST_MEM(HIVE_W, 10, -4, c == 1 ? 1 : 0x101));
		}
		if (c == 2)
			jt_push(&g, HIVE_ST_MEM(HIVE_B, 10, -4, 2));
		jt_push(&g, HIVE_LD_IMM64_LO(1, HIVE_PSEUDO_MAP_FD, 0));
		jt_push(&g, HIVE_LD_IMM64_HI(0));
		jt_push(&g, HIVE_MOV64_REG(2, 10));
		jt_push(&g, HIVE_ALU64_IMM(HIVE_ADD, 2, -4));
		if (c == 1)
			jt_push(&g, HIVE_ST_MEM(HIVE_B, 10, -3, 0));
		jt_push(&g, HIVE_CALL_HELPER(1));
		fold_value(&g, 0);
		epilogue(&g);
		text = listing(&e, &g, false, c == 2 ? 0 : (c == 0 ? 9 : 1) * 0x1111 + 1);
		REQUIRE(text);
		CHECK(strstr(text, "jae") != NULL);
		CHECK(!!strstr(text, "mov r10d, r15d") == (c == 0));
		free(text);
	}
	jt_free(&g);
	maps_close(&e);
}

/* r2 = r10 - 4; call map_lookup_elem (r1 set by the case) */
static void key_call(struct jt_prog *g)
{
	jt_push(g, HIVE_MOV64_REG(2, 10));
	jt_push(g, HIVE_ALU64_IMM(HIVE_ADD, 2, -4));
	jt_push(g, HIVE_CALL_HELPER(1));
}

/* Finish a key case (prologue(0) and the call are in @g): fold the value,
 * then @tail (r7 -= @tail_reg; r8 += r7 when @tail_reg), r0 = r8. Unless
 * @run is false (a program that cannot run), both engines in both modes
 * must agree and the unchecked JIT must return @r0; its listing must
 * (@present) or must not contain @needle. */
static void key_case(struct maps_env *e, struct jt_prog *g, int tail_reg, uint64_t r0,
		     const char *needle, bool present, bool run, const char *what)
{
	struct jt_env env = { .setup = setup, .user = e };
	char *text;

	fold_value(g, 0);
	if (tail_reg) {
		jt_push(g, HIVE_ALU64_REG(HIVE_SUB, 7, tail_reg));
		jt_push(g, HIVE_ALU64_REG(HIVE_ADD, 8, 7));
	}
	epilogue(g);
	if (run)
		jt_compare2(g, &env, what);
	text = listing(e, g, false, run ? r0 : UINT64_MAX);
	if (!text)
		return;
	if (!!strstr(text, needle) != present)
		test_fail(__FILE__, __LINE__, "%s: \"%s\" %s in:\n%s", what, needle,
			  present ? "missing" : "unexpected", text);
	free(text);
	g->n = 0;
	prologue(g, 0);
}

#define V(k) ((uint64_t)(k) * 0x1111 + 1)   /* fold_value of array 0's element k */
#define P(insn) jt_push(&g, insn)

/*
 * The key plan of unchecked inline array lookups and the argument setup
 * the JIT elides (maps.c plan_calls): each case is right on both engines
 * and shows the expected code; each guard of the plan has a case that
 * gives a wrong r0 (or the wrong listing, for programs that cannot run)
 * without it.
 */
TEST(jit_map_key_planning)
{
	struct maps_env e = { .grant_arrays = true };
	struct jt_prog g = { 0 };

	REQUIRE(maps_open(&e));
	prologue(&g, 0);
	/* forwarded from r9 (no reload through r2, no r1 = r6, no r2 chain) */
	P(HIVE_MOV64_REG(9, 8)); P(HIVE_ALU64_IMM(HIVE_ADD, 9, 3));
	P(HIVE_STX_MEM(HIVE_W, 10, 9, -4)); P(HIVE_MOV64_REG(1, 6)); key_call(&g);
	key_case(&e, &g, 0, V(3), "mov r10d, r15d", true, true, "forwarded");
	P(HIVE_MOV64_REG(9, 8)); P(HIVE_ALU64_IMM(HIVE_ADD, 9, 3));
	P(HIVE_STX_MEM(HIVE_W, 10, 9, -4)); P(HIVE_MOV64_REG(1, 6)); key_call(&g);
	key_case(&e, &g, 0, V(3), "rdi", false, true, "r1 = r6 elided");
	P(HIVE_MOV64_REG(9, 8)); P(HIVE_ALU64_IMM(HIVE_ADD, 9, 3));
	P(HIVE_STX_MEM(HIVE_W, 10, 9, -4)); P(HIVE_MOV64_REG(1, 6)); key_call(&g);
	key_case(&e, &g, 0, V(3), "rsi", false, true, "r2 chain elided");
	/* from r0 (rax) */
	P(HIVE_MOV64_REG(0, 8)); P(HIVE_ALU64_IMM(HIVE_ADD, 0, 2));
	P(HIVE_STX_MEM(HIVE_W, 10, 0, -4)); P(HIVE_MOV64_REG(1, 6)); key_call(&g);
	key_case(&e, &g, 0, V(2), "mov r10d, eax", true, true, "forwarded from r0");
	/* an AND with an immediate below max_entries (10): no compare; at or
	 * above it: compared, the register used as is (upper half zero) */
	P(HIVE_MOV64_REG(9, 8)); P(HIVE_ALU64_IMM(HIVE_ADD, 9, 13)); P(HIVE_ALU64_IMM(HIVE_AND, 9, 7));
	P(HIVE_STX_MEM(HIVE_W, 10, 9, -4)); P(HIVE_MOV64_REG(1, 6)); key_call(&g);
	key_case(&e, &g, 0, V(5), "jae", false, true, "r9 &= 7");
	P(HIVE_MOV64_REG(9, 8)); P(HIVE_ALU64_IMM(HIVE_ADD, 9, 12)); P(HIVE_ALU64_IMM(HIVE_AND, 9, 15));
	P(HIVE_STX_MEM(HIVE_W, 10, 9, -4)); P(HIVE_MOV64_REG(1, 6)); key_call(&g);
	key_case(&e, &g, 0, 0, "cmp r15d, 0xa", true, true, "r9 &= 15");
	P(HIVE_MOV64_REG(9, 8)); P(HIVE_ALU32_IMM(HIVE_ADD, 9, 12)); P(HIVE_ALU32_IMM(HIVE_AND, 9, 15));
	P(HIVE_STX_MEM(HIVE_W, 10, 9, -4)); P(HIVE_MOV64_REG(1, 6)); key_call(&g);
	key_case(&e, &g, 0, 0, "cmp r15d, 0xa", true, true, "w9 &= 15");
	/* w0 = w8 + 2: r0 (rax) is the result register, copied first */
	P(HIVE_MOV64_REG(0, 8)); P(HIVE_ALU32_IMM(HIVE_ADD, 0, 2));
	P(HIVE_STX_MEM(HIVE_W, 10, 0, -4)); P(HIVE_MOV64_REG(1, 6)); key_call(&g);
	key_case(&e, &g, 0, V(2), "mov r10d, eax", true, true, "w0 += 2");
	/* 32-bit ALU: upper half zero */
	P(HIVE_MOV64_REG(9, 8)); P(HIVE_ALU32_IMM(HIVE_ADD, 9, 4));
	P(HIVE_STX_MEM(HIVE_W, 10, 9, -4)); P(HIVE_MOV64_REG(1, 6)); key_call(&g);
	key_case(&e, &g, 0, V(4), "cmp r15d, 0xa", true, true, "w9 += 4");
	/* r9 = 0x100000003 after r9 &= -1 or a 64-bit byte swap (le64): the
	 * low half 3 is the key, the register is not used as is */
	P(HIVE_LD_IMM64_LO(9, 0, 0x100000003ull)); P(HIVE_LD_IMM64_HI(0x100000003ull));
	P(HIVE_ALU64_IMM(HIVE_AND, 9, -1));
	P(HIVE_STX_MEM(HIVE_W, 10, 9, -4)); P(HIVE_MOV64_REG(1, 6)); key_call(&g);
	key_case(&e, &g, 0, V(3), "mov r10d, r15d", true, true, "r9 &= -1");
	P(HIVE_LD_IMM64_LO(9, 0, 0x100000003ull)); P(HIVE_LD_IMM64_HI(0x100000003ull));
	P(HIVE_INSN(HIVE_ALU | HIVE_END, 9, 0, 0, 64));
	P(HIVE_STX_MEM(HIVE_W, 10, 9, -4)); P(HIVE_MOV64_REG(1, 6)); key_call(&g);
	key_case(&e, &g, 0, V(3), "mov r10d, r15d", true, true, "le64 r9");
	/* r9 written after the store: the key is reloaded */
	P(HIVE_MOV64_REG(9, 8)); P(HIVE_ALU64_IMM(HIVE_ADD, 9, 3));
	P(HIVE_STX_MEM(HIVE_W, 10, 9, -4)); P(HIVE_ALU64_IMM(HIVE_ADD, 9, 1));
	P(HIVE_MOV64_REG(1, 6)); key_call(&g);
	key_case(&e, &g, 0, V(3), "dword ptr [rsi]", true, true, "r9 written after the store");
	/* r9 = 2; r9 += 1: not a constant (forwarded) */
	P(HIVE_MOV64_IMM(9, 2)); P(HIVE_ALU64_IMM(HIVE_ADD, 9, 1));
	P(HIVE_STX_MEM(HIVE_W, 10, 9, -4)); P(HIVE_MOV64_REG(1, 6)); key_call(&g);
	key_case(&e, &g, 0, V(3), "mov r10d, r15d", true, true, "r9 = 2; r9 += 1");
	/* r9 = 5 stored, then r9 = 7: the constant 5 (r9 = 5 fused into the
	 * store, r9 never set); r9 = 6 stored with r9 dead (fused) */
	P(HIVE_MOV64_IMM(9, 5)); P(HIVE_STX_MEM(HIVE_W, 10, 9, -4)); P(HIVE_MOV64_IMM(9, 7));
	P(HIVE_MOV64_REG(1, 6)); key_call(&g);
	key_case(&e, &g, 0, V(5), "jae", false, true, "r9 = 5 stored, r9 = 7");
	P(HIVE_MOV32_IMM(9, 6)); P(HIVE_STX_MEM(HIVE_W, 10, 9, -4));
	P(HIVE_MOV64_REG(1, 6)); key_call(&g);
	key_case(&e, &g, 0, V(6), "jae", false, true, "w9 = 6 stored, r9 dead");
	/* the store after r2 is formed */
	P(HIVE_MOV64_REG(2, 10)); P(HIVE_ALU64_IMM(HIVE_ADD, 2, -4));
	P(HIVE_ST_MEM(HIVE_W, 10, -4, 6)); P(HIVE_MOV64_REG(1, 6)); P(HIVE_CALL_HELPER(1));
	key_case(&e, &g, 0, V(6), "jae", false, true, "store after r2");
	/* a byte store through r3 = r10 - 4 (may alias the key): 2 */
	P(HIVE_ST_MEM(HIVE_W, 10, -4, 1)); P(HIVE_MOV64_REG(3, 10)); P(HIVE_ALU64_IMM(HIVE_ADD, 3, -4));
	P(HIVE_ST_MEM(HIVE_B, 3, 0, 2)); P(HIVE_MOV64_REG(1, 6)); key_call(&g);
	key_case(&e, &g, 0, V(2), "dword ptr [rsi]", true, true, "store through r3");
	/* an atomic add into the key: 1 + 2 */
	P(HIVE_ST_MEM(HIVE_W, 10, -4, 1)); P(HIVE_MOV64_IMM(3, 2));
	P(HIVE_INSN(HIVE_STX | HIVE_W | HIVE_ATOMIC, 10, 3, -4, HIVE_ADD));
	P(HIVE_MOV64_REG(1, 6)); key_call(&g);
	key_case(&e, &g, 0, V(3), "dword ptr [rsi]", true, true, "atomic add into the key");
	/* a u32 store at r10 - 6 overlapping the key: 0x30000 there, key 3 */
	P(HIVE_ST_MEM(HIVE_W, 10, -4, 0)); P(HIVE_ST_MEM(HIVE_W, 10, -6, 0x30000));
	P(HIVE_MOV64_REG(1, 6)); key_call(&g);
	key_case(&e, &g, 0, V(3), "dword ptr [rsi]", true, true, "overlapping store at -6");
	/* r2 = r3 + -4 with r3 = r10 - 8: the key at r10 - 12 (5), not at -4 */
	P(HIVE_ST_MEM(HIVE_W, 10, -4, 1)); P(HIVE_ST_MEM(HIVE_W, 10, -12, 5));
	P(HIVE_MOV64_REG(3, 10)); P(HIVE_ALU64_IMM(HIVE_ADD, 3, -8)); P(HIVE_MOV64_REG(2, 3));
	P(HIVE_ALU64_IMM(HIVE_ADD, 2, -4)); P(HIVE_MOV64_REG(1, 6)); P(HIVE_CALL_HELPER(1));
	key_case(&e, &g, 0, V(5), "dword ptr [rsi]", true, true, "r2 = r3 - 4");
	/* a jump over the second store lands after it: the key is 2 on the
	 * path taken (r8 == 0) */
	P(HIVE_ST_MEM(HIVE_W, 10, -4, 2)); P(HIVE_JMP_IMM(HIVE_JEQ, 8, 0, 1));
	P(HIVE_ST_MEM(HIVE_W, 10, -4, 1)); P(HIVE_MOV64_REG(1, 6)); key_call(&g);
	key_case(&e, &g, 0, V(2), "dword ptr [rsi]", true, true, "jump over a store");
	/* r2 read before the call: the chain stays; r8 += (r2 - r10) */
	P(HIVE_ST_MEM(HIVE_W, 10, -4, 4)); P(HIVE_MOV64_REG(2, 10)); P(HIVE_ALU64_IMM(HIVE_ADD, 2, -4));
	P(HIVE_MOV64_REG(7, 2)); P(HIVE_MOV64_REG(1, 6)); P(HIVE_CALL_HELPER(1));
	key_case(&e, &g, 10, V(4) - 4, "rsi", true, true, "r2 read before the call");
	/* r1 read before the call: r1 = r6 stays; r8 += (r1 - r6) */
	P(HIVE_ST_MEM(HIVE_W, 10, -4, 4)); P(HIVE_MOV64_REG(1, 6)); P(HIVE_MOV64_REG(7, 1));
	key_call(&g);
	key_case(&e, &g, 6, V(4), "mov rdi, rbx", true, true, "r1 read before the call");
	/* r2 += -2 (the key would be out of the frame) and r2 += -65540 (-4
	 * as an s16): no fold; cannot run */
	P(HIVE_ST_MEM(HIVE_W, 10, -2, 1)); P(HIVE_MOV64_REG(1, 6)); P(HIVE_MOV64_REG(2, 10));
	P(HIVE_ALU64_IMM(HIVE_ADD, 2, -2)); P(HIVE_CALL_HELPER(1));
	key_case(&e, &g, 0, 0, "dword ptr [rsi]", true, false, "r2 = r10 - 2");
	P(HIVE_ST_MEM(HIVE_W, 10, -4, 1)); P(HIVE_MOV64_REG(1, 6)); P(HIVE_MOV64_REG(2, 10));
	P(HIVE_ALU64_IMM(HIVE_ADD, 2, -65540)); P(HIVE_CALL_HELPER(1));
	key_case(&e, &g, 0, 0, "dword ptr [rsi]", true, false, "r2 = r10 - 65540");
	/* r2 = r10; r2 = -4 (not an add): no fold; cannot run */
	P(HIVE_ST_MEM(HIVE_W, 10, -4, 1)); P(HIVE_MOV64_REG(1, 6)); P(HIVE_MOV64_REG(2, 10));
	P(HIVE_MOV64_IMM(2, -4)); P(HIVE_CALL_HELPER(1));
	key_case(&e, &g, 0, 0, "dword ptr [rsi]", true, false, "r2 = -4");
	/* a lookup on a map without a lookup function (queue) takes the
	 * helper: its r1 = map stays (rdi would still hold array 0) */
	P(HIVE_ST_MEM(HIVE_W, 10, -4, 1)); P(HIVE_LD_IMM64_LO(1, HIVE_PSEUDO_MAP_FD, 0));
	P(HIVE_LD_IMM64_HI(0)); P(HIVE_LD_IMM64_LO(1, HIVE_PSEUDO_MAP_FD, 5));
	P(HIVE_LD_IMM64_HI(0)); key_call(&g);
	key_case(&e, &g, 0, 0, "call", true, true, "queue lookup");
	jt_free(&g);
	maps_close(&e);
}
