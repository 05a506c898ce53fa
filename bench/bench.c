/*
 * bench.c - times each benchmark program on hive's engines, natively and,
 * where bpf() is permitted, on the kernel's JIT through BPF_PROG_TEST_RUN.
 *
 * Usage: bench DIR     (DIR holds NAME.bin raw programs built by bench/Makefile)
 *
 * Every engine runs the same instructions with the same input (skb->len =
 * SEED); results are cross-checked before timing. Figures are the best of
 * three timed batches, in ns per program run.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "hive/hive_vm.h"

#define SEED 64u

typedef uint64_t u64;

/* Natively compiled twins from progs/ (bench_prog.h names them native_X). */
#define NATIVE_LIST(X) X(fib) X(crc32) X(sieve) X(collatz) X(hash) X(bsort) X(matmul) X(bits)
#define DECL(n) u64 native_##n(unsigned seed);
NATIVE_LIST(DECL)
#undef DECL

static const struct {
	const char *name;
	u64 (*fn)(unsigned seed);
} natives[] = {
#define ENT(n) { #n, native_##n },
	NATIVE_LIST(ENT)
#undef ENT
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static u64 (*volatile native_ptr)(unsigned);

/* Time `body` over enough iterations for ~100 ms, best of three. */
#define TIME_NS(result, body)                                                 \
	do {                                                                  \
		double best_ = 1e30;                                          \
		long iters_ = 1;                                              \
		for (;;) {                                                    \
			double t0_ = now_ns();                                \
			for (long i_ = 0; i_ < iters_; i_++) { body; }        \
			double dt_ = now_ns() - t0_;                          \
			if (dt_ > 3e7) {                                      \
				best_ = dt_ / iters_;                         \
				break;                                        \
			}                                                     \
			iters_ *= 4;                                          \
		}                                                             \
		for (int r_ = 0; r_ < 2; r_++) {                              \
			double t0_ = now_ns();                                \
			for (long i_ = 0; i_ < iters_; i_++) { body; }        \
			double dt_ = (now_ns() - t0_) / iters_;               \
			if (dt_ < best_)                                      \
				best_ = dt_;                                  \
		}                                                             \
		(result) = best_;                                             \
	} while (0)

static int read_prog(const char *dir, const char *name, struct hive_insn **insns, unsigned *cnt)
{
	char path[4096];
	FILE *f;
	long sz;

	snprintf(path, sizeof(path), "%s/%s.bin", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return -errno;
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	rewind(f);
	*insns = malloc(sz ? sz : 1);
	if (!*insns || fread(*insns, 1, sz, f) != (size_t)sz) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	*cnt = sz / 8;
	return 0;
}

/* The kernel JIT through BPF_PROG_TEST_RUN: average ns per run, or < 0. */
static double kernel_ns(const struct hive_insn *insns, unsigned cnt, u64 *ret)
{
	/* Socket filters see skb->len = data_size_in - ETH_HLEN. */
	unsigned char data[SEED + 14];
	union bpf_attr attr;
	double best = 1e30;
	int fd, i;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = cnt;
	attr.license = (uintptr_t)"GPL";
	fd = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0)
		return -1;
	memset(data, 0, sizeof(data));
	for (i = 0; i < 3; i++) {
		memset(&attr, 0, sizeof(attr));
		attr.test.prog_fd = fd;
		attr.test.data_in = (uintptr_t)data;
		attr.test.data_size_in = sizeof(data);
		attr.test.repeat = 20000;
		if (syscall(SYS_bpf, BPF_PROG_TEST_RUN, &attr, sizeof(attr))) {
			close(fd);
			return -1;
		}
		*ret = attr.test.retval;
		if (attr.test.duration < best)
			best = attr.test.duration;
	}
	close(fd);
	return best;
}

struct engine_result {
	double ns;
	u64 r0;
	int ok;
};

static struct engine_result run_vm(const struct hive_insn *insns, unsigned cnt,
				   enum hive_engine engine, bool checks)
{
	struct engine_result res = { 0 };
	struct { unsigned len; } ctx = { SEED };
	struct hive_vm *vm = hive_vm_create();
	u64 r0 = 0;

	if (!vm)
		return res;
	hive_vm_set_engine(vm, engine);
	hive_vm_set_checks(vm, checks);
	if (hive_vm_load(vm, insns, cnt) || hive_vm_engine(vm) != engine ||
	    hive_vm_exec(vm, &ctx, sizeof(ctx), &r0)) {
		hive_vm_destroy(vm);
		return res;
	}
	res.r0 = r0;
	TIME_NS(res.ns, hive_vm_exec(vm, &ctx, sizeof(ctx), &r0));
	res.ok = 1;
	hive_vm_destroy(vm);
	return res;
}

static void cell(double ns, int ok)
{
	if (ok)
		printf(" %10.1f", ns);
	else
		printf(" %10s", "n/a");
}

int main(int argc, char **argv)
{
	double g_int = 0, g_intc = 0, g_jit = 0, g_ker = 0, g_jk = 0;
	int n_int = 0, n_jit = 0, n_ker = 0, n_jk = 0, bad = 0;
	size_t p;

	if (argc < 2) {
		fprintf(stderr, "usage: bench DIR\n");
		return 2;
	}
	hive_set_print(NULL);
	printf("hive benchmark: ns per run (best of 3), seed %u\n\n", SEED);
	printf("%-9s %5s %10s %10s %10s %10s %10s %9s %9s %9s\n", "program", "insns",
	       "interp", "interp-chk", "jit", "kernel", "native", "int/nat", "jit/nat", "jit/kern");
	for (p = 0; p < sizeof(natives) / sizeof(natives[0]); p++) {
		struct hive_insn *insns = NULL;
		struct engine_result in, inc, jit;
		unsigned cnt;
		double nat, ker;
		u64 nr, kr = 0;

		if (read_prog(argv[1], natives[p].name, &insns, &cnt)) {
			printf("%-9s missing program\n", natives[p].name);
			bad++;
			continue;
		}
		native_ptr = natives[p].fn;
		nr = native_ptr(SEED);
		TIME_NS(nat, native_ptr(SEED));
		in = run_vm(insns, cnt, HIVE_ENGINE_INTERP, false);
		inc = run_vm(insns, cnt, HIVE_ENGINE_INTERP, true);
		jit = run_vm(insns, cnt, HIVE_ENGINE_JIT, false);
		ker = kernel_ns(insns, cnt, &kr);

		/* Same answer everywhere, or the figures mean nothing. */
		if ((in.ok && (unsigned)in.r0 != (unsigned)nr) ||
		    (inc.ok && (unsigned)inc.r0 != (unsigned)nr) ||
		    (jit.ok && (unsigned)jit.r0 != (unsigned)nr) ||
		    (ker >= 0 && (unsigned)kr != (unsigned)nr)) {
			printf("%-9s RESULT MISMATCH native=%llx interp=%llx jit=%llx kernel=%llx\n",
			       natives[p].name, (unsigned long long)nr, (unsigned long long)in.r0,
			       (unsigned long long)jit.r0, (unsigned long long)kr);
			bad++;
			free(insns);
			continue;
		}
		printf("%-9s %5u", natives[p].name, cnt);
		cell(in.ns, in.ok);
		cell(inc.ns, inc.ok);
		cell(jit.ns, jit.ok);
		cell(ker, ker >= 0);
		cell(nat, 1);
		if (in.ok) {
			printf(" %9.2f", in.ns / nat);
			g_int += log(in.ns / nat);
			g_intc += log(inc.ns / nat);
			n_int++;
		} else {
			printf(" %9s", "n/a");
		}
		if (jit.ok) {
			printf(" %9.2f", jit.ns / nat);
			g_jit += log(jit.ns / nat);
			n_jit++;
		} else {
			printf(" %9s", "n/a");
		}
		if (jit.ok && ker > 0) {
			printf(" %9.2f", jit.ns / ker);
			g_jk += log(jit.ns / ker);
			n_jk++;
		} else {
			printf(" %9s", "n/a");
		}
		if (ker > 0) {
			g_ker += log(ker / nat);
			n_ker++;
		}
		printf("\n");
		free(insns);
	}
	printf("\ngeomean ratios:");
	if (n_int)
		printf(" interp/native %.2fx, interp-checked/native %.2fx", exp(g_int / n_int),
		       exp(g_intc / n_int));
	if (n_jit)
		printf(", jit/native %.2fx", exp(g_jit / n_jit));
	if (n_ker)
		printf(", kernel/native %.2fx", exp(g_ker / n_ker));
	if (n_jk)
		printf(", jit/kernel %.2fx", exp(g_jk / n_jk));
	printf("\n");
	if (!n_ker)
		printf("kernel column: bpf() not permitted here (n/a)\n");
	return bad ? 1 : 0;
}
