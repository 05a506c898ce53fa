/*
 * bench_prog_maps.c - map operations from program code: hash and array
 * lookups per second on hive (PROG_LOAD + PROG_TEST_RUN with repeat
 * through hive_bpf, on the JIT and on the interpreter) and on the kernel
 * (the same instructions through bpf(BPF_PROG_TEST_RUN)).
 *
 * The XDP program looks up 16 keys ROUNDS (64) times per run (a bounded loop,
 * the map pointer kept in r6) and counts hits (checked: the return value
 * must be KEYS * ROUNDS). Figures: millions of lookups per second; hive:
 * thread CPU time around PROG_TEST_RUN / repeat, kernel: its own average
 * ns per run, best of BATCHES each. The "hive-jit-unchk" column runs the
 * same instructions on hive's JIT without runtime checks (as verified
 * programs run), through the embedding API and hive's map helpers.
 */
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "helpers/helpers.h"
#include "hive/hive.h"
#include "hive/hive_bpf.h"
#include "hive/hive_insn.h"
#include "hive/hive_vm.h"
#include "maps/map.h"

#define KEYS 16
#define ROUNDS 64
#define REPEAT 5000
#define BATCHES 5
#define NINSNS (5 + KEYS * 10 + 4)

typedef long (*bpf_fn)(int cmd, union bpf_attr *attr);

static long kbpf(int cmd, union bpf_attr *a)
{
	return syscall(SYS_bpf, cmd, a, sizeof(*a));
}

static long hbpf(int cmd, union bpf_attr *a)
{
	return hive_bpf(cmd, a, sizeof(*a));
}

static int make_map(bpf_fn bpf, uint32_t type)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = 4;
	a.value_size = 8;
	a.max_entries = 1024;
	fd = (int)bpf(BPF_MAP_CREATE, &a);
	if (fd < 0)
		return -1;
	for (uint32_t k = 0; k < 2 * KEYS; k++) {
		uint64_t v = k * 3;

		memset(&a, 0, sizeof(a));
		a.map_fd = fd, a.key = (uintptr_t)&k, a.value = (uintptr_t)&v;
		if (bpf(BPF_MAP_UPDATE_ELEM, &a)) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* r7 = 0; r8 = ROUNDS; do { for k in 0..15: *(fp-4) = key; if lookup(map,
 * fp-4) r7 += 1; } while (--r8); return r7. The key: KEY_IMM stores k as
 * an immediate, KEY_REG_CONST stores r9 = k (both constants hive's JIT
 * folds), KEY_COMPUTED stores r9 = (r8 + k) & 15, known only at run time
 * (hive's JIT takes it from r9, known below max_entries), KEY_UNBOUNDED
 * r9 = (r8 & 15) + k (taken from r9, compared). Keys 0..31 are in both
 * maps: always a hit. */
enum key_kind { KEY_IMM, KEY_REG_CONST, KEY_COMPUTED, KEY_UNBOUNDED };
static enum key_kind key_kind;
static const int key_insns[] = { 7, 8, 10, 10 };   /* per lookup */

static int build(struct hive_insn *p, int map_fd)
{
	int n = 0;

	p[n++] = HIVE_LD_IMM64_LO(6, 1, map_fd);
	p[n++] = HIVE_LD_IMM64_HI(0);
	p[n++] = HIVE_MOV64_IMM(7, 0);
	p[n++] = HIVE_MOV64_IMM(8, ROUNDS);
	for (int k = 0; k < KEYS; k++) {
		if (key_kind == KEY_IMM) {
			p[n++] = HIVE_ST_MEM(HIVE_W, 10, -4, k);
		} else {
			if (key_kind == KEY_REG_CONST) {
				p[n++] = HIVE_MOV64_IMM(9, k);
			} else if (key_kind == KEY_COMPUTED) {
				p[n++] = HIVE_MOV64_REG(9, 8);
				p[n++] = HIVE_ALU64_IMM(HIVE_ADD, 9, k);
				p[n++] = HIVE_ALU64_IMM(HIVE_AND, 9, KEYS - 1);
			} else {
				p[n++] = HIVE_MOV64_REG(9, 8);
				p[n++] = HIVE_ALU64_IMM(HIVE_AND, 9, KEYS - 1);
				p[n++] = HIVE_ALU64_IMM(HIVE_ADD, 9, k);
			}
			p[n++] = HIVE_STX_MEM(HIVE_W, 10, 9, -4);
		}
		p[n++] = HIVE_MOV64_REG(1, 6);
		p[n++] = HIVE_MOV64_REG(2, 10);
		p[n++] = HIVE_ALU64_IMM(HIVE_ADD, 2, -4);
		p[n++] = HIVE_CALL_HELPER(BPF_FUNC_map_lookup_elem);
		p[n++] = HIVE_JMP_IMM(HIVE_JEQ, 0, 0, 1);
		p[n++] = HIVE_ALU64_IMM(HIVE_ADD, 7, 1);
	}
	p[n++] = HIVE_ALU64_IMM(HIVE_SUB, 8, 1);
	p[n++] = HIVE_JMP_IMM(HIVE_JNE, 8, 0, -(KEYS * key_insns[key_kind] + 2));
	p[n++] = HIVE_MOV64_REG(0, 7);
	p[n++] = HIVE_EXIT_INSN();
	return n;
}

static int load(bpf_fn bpf, int map_fd)
{
	struct hive_insn p[NINSNS];
	union bpf_attr a;
	int n = build(p, map_fd);

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_XDP;
	a.insns = (uintptr_t)p;
	a.insn_cnt = (uint32_t)n;
	a.license = (uintptr_t)"GPL";
	return (int)bpf(BPF_PROG_LOAD, &a);
}

/* Best average ns per run; -1 on error or a wrong result. hive: thread
 * CPU time around the command; the kernel: the duration it reports. */
static double time_run(bpf_fn bpf, int prog_fd, int *verified)
{
	unsigned char pkt[64] = { 0 };
	struct bpf_prog_info info;
	union bpf_attr a;
	double best = -1;

	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = prog_fd;
	a.info.info = (uintptr_t)&info;
	a.info.info_len = sizeof(info);
	*verified = !bpf(BPF_OBJ_GET_INFO_BY_FD, &a) && info.verified_insns;
	for (int i = 0; i < BATCHES; i++) {
		double t0 = cpu_ns(), t;

		memset(&a, 0, sizeof(a));
		a.test.prog_fd = prog_fd;
		a.test.data_in = (uintptr_t)pkt;
		a.test.data_size_in = sizeof(pkt);
		a.test.repeat = REPEAT;
		if (bpf(BPF_PROG_TEST_RUN, &a) || a.test.retval != KEYS * ROUNDS)
			return -1;
		t = bpf == hbpf ? (cpu_ns() - t0) / REPEAT : a.test.duration;
		if (best < 0 || t < best)
			best = t;
	}
	return best;
}

static double measure(bpf_fn bpf, uint32_t type, int *verified)
{
	int map = make_map(bpf, type), prog = map >= 0 ? load(bpf, map) : -1;
	double t = -1;

	if (prog >= 0) {
		t = time_run(bpf, prog, verified);
		close(prog);
	}
	if (map >= 0)
		close(map);
	return t;
}

static int resolve(void *user, const struct hive_insn *insn, uint32_t pc, uint64_t *value)
{
	(void)insn, (void)pc;
	*value = (uint64_t)(uintptr_t)user;
	return 0;
}

/* hive's JIT, no runtime checks (as a verified program runs). */
static double measure_unchecked(uint32_t type)
{
	int map = make_map(hbpf, type);
	struct hive_insn p[NINSNS];
	struct hive_map *m = NULL;
	struct hive_vm *vm = NULL;
	double best = -1;
	uint64_t r0 = 0;
	int n;

	if (map < 0 || map_from_fd(map, &m))
		goto out;
	n = build(p, map);
	vm = hive_vm_create();
	if (!vm)
		goto out;
	hive_vm_set_engine(vm, HIVE_ENGINE_JIT);
	hive_vm_set_checks(vm, false);
	hive_vm_register_helper(vm, BPF_FUNC_map_lookup_elem, "map_lookup_elem",
				helper_map_lookup_elem);
	hive_vm_set_ldimm_resolver(vm, resolve, m);
	if (hive_vm_load(vm, p, (uint32_t)n) || hive_vm_exec(vm, NULL, 0, &r0) ||
	    r0 != KEYS * ROUNDS)
		goto out;
	for (int i = 0; i < BATCHES; i++) {
		double t0 = cpu_ns(), t;

		for (int r = 0; r < REPEAT; r++)
			hive_vm_exec(vm, NULL, 0, &r0);
		t = (cpu_ns() - t0) / REPEAT;
		if (best < 0 || t < best)
			best = t;
	}
out:
	hive_vm_destroy(vm);
	if (m)
		obj_put(&m->obj);
	if (map >= 0)
		close(map);
	return best;
}

static void row(const char *name, uint32_t type)
{
	int verified[4] = { 0 };
	double t[4];

	setenv("HIVE_ENGINE", "jit", 1);
	t[0] = measure(hbpf, type, &verified[0]);
	setenv("HIVE_ENGINE", "interp", 1);
	t[1] = measure(hbpf, type, &verified[1]);
	unsetenv("HIVE_ENGINE");
	t[2] = measure_unchecked(type);
	t[3] = measure(kbpf, type, &verified[3]);
	printf("%-6s", name);
	for (int i = 0; i < 4; i++) {
		if (t[i] > 0)
			printf(" %13.1f", KEYS * ROUNDS * 1e3 / t[i]);
		else
			printf(" %13s", "n/a");
	}
	if (t[2] > 0 && t[3] > 0)
		printf(" %9.2f", t[3] / t[2]);
	printf("   (PROG_LOAD %s)\n", verified[0] ? "verified" : "not verified: checked runs");
}

int main(void)
{
	double loads[3] = { 0 };

	hive_set_print(NULL);
	getloadavg(loads, 3);
	printf("map lookups from program code, millions per second\n");
	printf("(%d lookups per run, best of %d x %d runs; hive: thread CPU time, kernel: "
	       "BPF_PROG_TEST_RUN duration; load average %.2f)\n\n", KEYS * ROUNDS, BATCHES,
	       REPEAT, loads[0]);
	printf("unchk/kern: lookups per second of the unchecked JIT over the kernel's\n\n");
	printf("%-6s %13s %13s %13s %13s %9s\n", "map", "hive-jit", "hive-interp", "jit-unchecked",
	       "kernel", "unchk/kern");
	row("array", BPF_MAP_TYPE_ARRAY);
	row("hash", BPF_MAP_TYPE_HASH);
	key_kind = KEY_REG_CONST;
	printf("key stored from a register set to a constant:\n");
	row("array", BPF_MAP_TYPE_ARRAY);
	row("hash", BPF_MAP_TYPE_HASH);
	key_kind = KEY_COMPUTED;
	printf("key computed in a register, (r8 + k) & 15:\n");
	row("array", BPF_MAP_TYPE_ARRAY);
	row("hash", BPF_MAP_TYPE_HASH);
	key_kind = KEY_UNBOUNDED;
	printf("key computed in a register, (r8 & 15) + k:\n");
	row("array", BPF_MAP_TYPE_ARRAY);
	row("hash", BPF_MAP_TYPE_HASH);
	return 0;
}
