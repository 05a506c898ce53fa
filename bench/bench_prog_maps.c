/*
 * bench_prog_maps.c - map operations from program code: hash and array
 * lookups per second on hive (PROG_LOAD + PROG_TEST_RUN with repeat
 * through hive_bpf, on the JIT and on the interpreter) and on the kernel
 * (the same instructions through bpf(BPF_PROG_TEST_RUN)).
 *
 * The XDP program looks up 16 keys per run and counts hits (checked: the
 * return value must be 16). Figures: millions of lookups per second from
 * the average ns per run each side reports, best of three.
 */
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hive/hive.h"
#include "hive/hive_bpf.h"
#include "hive/hive_insn.h"

#define KEYS 16
#define REPEAT 200000

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
	for (uint32_t k = 0; k < KEYS; k++) {
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

/* r7 = 0; for k in 0..15: *(fp-4) = k; if lookup(map, fp-4) r7 += 1; return r7 */
static int load(bpf_fn bpf, int map_fd)
{
	struct hive_insn p[3 + KEYS * 7 + 2];
	union bpf_attr a;
	int n = 0;

	p[n++] = HIVE_LD_IMM64_LO(6, 1, map_fd);
	p[n++] = HIVE_LD_IMM64_HI(0);
	p[n++] = HIVE_MOV64_IMM(7, 0);
	for (int k = 0; k < KEYS; k++) {
		p[n++] = HIVE_ST_MEM(HIVE_W, 10, -4, k);
		p[n++] = HIVE_MOV64_REG(1, 6);
		p[n++] = HIVE_MOV64_REG(2, 10);
		p[n++] = HIVE_ALU64_IMM(HIVE_ADD, 2, -4);
		p[n++] = HIVE_CALL_HELPER(BPF_FUNC_map_lookup_elem);
		p[n++] = HIVE_JMP_IMM(HIVE_JEQ, 0, 0, 1);
		p[n++] = HIVE_ALU64_IMM(HIVE_ADD, 7, 1);
	}
	p[n++] = HIVE_MOV64_REG(0, 7);
	p[n++] = HIVE_EXIT_INSN();
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_XDP;
	a.insns = (uintptr_t)p;
	a.insn_cnt = (uint32_t)n;
	a.license = (uintptr_t)"GPL";
	return (int)bpf(BPF_PROG_LOAD, &a);
}

/* Best of three average ns per run; -1 on error or a wrong result. */
static double time_run(bpf_fn bpf, int prog_fd)
{
	unsigned char pkt[64] = { 0 };
	double best = -1;

	for (int i = 0; i < 3; i++) {
		union bpf_attr a;

		memset(&a, 0, sizeof(a));
		a.test.prog_fd = prog_fd;
		a.test.data_in = (uintptr_t)pkt;
		a.test.data_size_in = sizeof(pkt);
		a.test.repeat = REPEAT;
		if (bpf(BPF_PROG_TEST_RUN, &a) || a.test.retval != KEYS)
			return -1;
		if (best < 0 || a.test.duration < best)
			best = a.test.duration;
	}
	return best;
}

static double measure(bpf_fn bpf, uint32_t type)
{
	int map = make_map(bpf, type), prog = map >= 0 ? load(bpf, map) : -1;
	double t = -1;

	if (prog >= 0) {
		t = time_run(bpf, prog);
		close(prog);
	}
	if (map >= 0)
		close(map);
	return t;
}

static void row(const char *name, uint32_t type)
{
	double t[3];

	setenv("HIVE_ENGINE", "jit", 1);
	t[0] = measure(hbpf, type);
	setenv("HIVE_ENGINE", "interp", 1);
	t[1] = measure(hbpf, type);
	unsetenv("HIVE_ENGINE");
	t[2] = measure(kbpf, type);
	printf("%-6s", name);
	for (int i = 0; i < 3; i++) {
		if (t[i] > 0)
			printf(" %12.1f", KEYS * 1e3 / t[i]);
		else
			printf(" %12s", "n/a");
	}
	if (t[0] > 0 && t[2] > 0)
		printf(" %9.2f", t[2] / t[0]);
	printf("\n");
}

int main(void)
{
	hive_set_print(NULL);
	printf("map lookups from program code, millions per second\n");
	printf("(%d lookups per run, %d runs, best of 3; kernel via BPF_PROG_TEST_RUN)\n\n", KEYS,
	       REPEAT);
	printf("%-6s %12s %12s %12s %9s\n", "map", "hive-jit", "hive-interp", "kernel",
	       "jit/kern");
	row("array", BPF_MAP_TYPE_ARRAY);
	row("hash", BPF_MAP_TYPE_HASH);
	return 0;
}
