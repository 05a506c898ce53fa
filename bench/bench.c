/*
 * bench.c - times each benchmark program on hive's engines, natively and,
 * where bpf() is permitted, on the kernel's JIT through BPF_PROG_TEST_RUN,
 * all in the same run.
 *
 * Usage: bench DIR     (DIR holds NAME.bin raw programs built by bench/Makefile)
 *
 * Socket-filter programs (BENCH in progs/) run on hive through
 * hive_vm_exec (ctx: skb->len = SEED), unchecked and checked; XDP programs
 * (BENCH_XDP) run through hive's own PROG_LOAD + PROG_TEST_RUN (so the
 * context rewriting is the loader's) on a 512-byte UDP packet, and the
 * kernel gets the same packet. Every engine's result is cross-checked with
 * the native build before timing. Figures: ns per program run, thread CPU
 * time, best of BATCHES timed batches, and for hive's engines and native
 * code the best of ROUNDS such measurements taken one after the other, so
 * that a burst of load from elsewhere on the host does not decide a ratio
 * (the kernel: the best of its own per-run averages). The JIT's compile time is reported per instruction,
 * for each program and for a generated 1,000,000-instruction program.
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

#include "hive/hive_bpf.h"
#include "hive/hive_insn.h"
#include "hive/hive_vm.h"

#define SEED 64u
#define BATCHES 5
#define ROUNDS 3
#define PKT_LEN 512u

typedef uint64_t u64;

struct xdp_native { unsigned long data, data_end; };

/* Natively compiled twins from progs/ (bench_prog.h names them native_X). */
#define SKB_LIST(X) X(fib) X(crc32) X(sieve) X(collatz) X(hash) X(bsort) X(matmul) X(bits) \
	X(calls) X(branchy) X(mix)
#define XDP_LIST(X) X(pkt)
#define DECL(n) u64 native_##n(unsigned seed);
SKB_LIST(DECL)
#undef DECL
#define DECL(n) int native_##n(struct xdp_native *ctx);
XDP_LIST(DECL)
#undef DECL

static const struct {
	const char *name;
	u64 (*fn)(unsigned seed);
	int (*xdp)(struct xdp_native *ctx);
} natives[] = {
#define ENT(n) { #n, native_##n, NULL },
	SKB_LIST(ENT)
#undef ENT
#define ENT(n) { #n, NULL, native_##n },
	XDP_LIST(ENT)
#undef ENT
};

static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static u64 (*volatile native_ptr)(unsigned);
static int (*volatile native_xdp_ptr)(struct xdp_native *);

/* Time `body` (ns of thread CPU time per iteration): iterations for
 * ~30 ms, then the best of BATCHES batches. */
#define TIME_NS(result, body)                                                 \
	do {                                                                  \
		double best_ = 1e30;                                          \
		long iters_ = 1;                                              \
		for (;;) {                                                    \
			double t0_ = cpu_ns();                                \
			for (long i_ = 0; i_ < iters_; i_++) { body; }        \
			double dt_ = cpu_ns() - t0_;                          \
			if (dt_ > 3e7) {                                      \
				best_ = dt_ / iters_;                         \
				break;                                        \
			}                                                     \
			iters_ *= 4;                                          \
		}                                                             \
		for (int r_ = 1; r_ < BATCHES; r_++) {                        \
			double t0_ = cpu_ns();                                \
			for (long i_ = 0; i_ < iters_; i_++) { body; }        \
			double dt_ = (cpu_ns() - t0_) / iters_;               \
			if (dt_ < best_)                                      \
				best_ = dt_;                                  \
		}                                                             \
		(result) = best_;                                             \
	} while (0)

/* The packet of the XDP programs: Ethernet, IPv4 (proto UDP), UDP, payload. */
static void make_packet(unsigned char *p)
{
	for (unsigned i = 0; i < PKT_LEN; i++)
		p[i] = (unsigned char)(i * 37 + SEED);
	p[12] = 0x08, p[13] = 0x00;   /* ethertype IPv4 */
	p[14] = 0x45;                 /* version 4, ihl 5 */
	p[23] = 17;                   /* UDP */
}

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

typedef long (*bpf_fn)(int cmd, union bpf_attr *attr);

static long kbpf(int cmd, union bpf_attr *a)
{
	return syscall(SYS_bpf, cmd, a, sizeof(*a));
}

static long hbpf(int cmd, union bpf_attr *a)
{
	return hive_bpf(cmd, a, sizeof(*a));
}

static int prog_load(bpf_fn bpf, uint32_t type, const struct hive_insn *insns, unsigned cnt)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = cnt;
	attr.license = (uintptr_t)"GPL";
	return (int)bpf(BPF_PROG_LOAD, &attr);
}

/* The program's input: socket filters see skb->len = data_size_in -
 * ETH_HLEN, XDP programs the packet. */
static void test_input(bool xdp, unsigned char *data, uint32_t *size)
{
	if (xdp) {
		make_packet(data);
		*size = PKT_LEN;
	} else {
		memset(data, 0, SEED + 14);
		*size = SEED + 14;
	}
}

/* The kernel JIT through BPF_PROG_TEST_RUN: best average ns per run, or < 0. */
static double kernel_ns(bool xdp, const struct hive_insn *insns, unsigned cnt, u64 *ret)
{
	unsigned char data[PKT_LEN];
	union bpf_attr attr;
	double best = 1e30;
	uint32_t size;
	int fd, i;

	fd = prog_load(kbpf, xdp ? BPF_PROG_TYPE_XDP : BPF_PROG_TYPE_SOCKET_FILTER, insns, cnt);
	if (fd < 0)
		return -1;
	test_input(xdp, data, &size);
	for (i = 0; i < BATCHES; i++) {
		memset(&attr, 0, sizeof(attr));
		attr.test.prog_fd = fd;
		attr.test.data_in = (uintptr_t)data;
		attr.test.data_size_in = size;
		attr.test.repeat = 20000;
		if (kbpf(BPF_PROG_TEST_RUN, &attr)) {
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
	double compile_ns;     /* JIT: thread CPU time of hive_vm_load per insn */
	u64 r0;
	int ok;
	int verified;          /* XDP through PROG_LOAD: hive's verifier accepted it */
};

static struct engine_result run_vm(const struct hive_insn *insns, unsigned cnt,
				   enum hive_engine engine, bool checks)
{
	struct engine_result res = { 0 };
	struct { unsigned len; } ctx = { SEED };
	struct hive_vm *vm = NULL;
	double best = 1e30;
	u64 r0 = 0;

	/* compile (or predecode) several times: the best load time */
	for (int i = 0; i < BATCHES; i++) {
		double t0;

		hive_vm_destroy(vm);
		vm = hive_vm_create();
		if (!vm)
			return res;
		hive_vm_set_engine(vm, engine);
		hive_vm_set_checks(vm, checks);
		t0 = cpu_ns();
		if (hive_vm_load(vm, insns, cnt) || hive_vm_engine(vm) != engine) {
			hive_vm_destroy(vm);
			return res;
		}
		if (cpu_ns() - t0 < best)
			best = cpu_ns() - t0;
	}
	res.compile_ns = best / cnt;
	if (hive_vm_exec(vm, &ctx, sizeof(ctx), &r0)) {
		hive_vm_destroy(vm);
		return res;
	}
	res.r0 = r0;
	TIME_NS(res.ns, hive_vm_exec(vm, &ctx, sizeof(ctx), &r0));
	res.ok = 1;
	hive_vm_destroy(vm);
	return res;
}

/* XDP programs on hive: PROG_LOAD (engine by HIVE_ENGINE) and TEST_RUN
 * with repeat, thread CPU time per run. */
static struct engine_result run_hive_xdp(const struct hive_insn *insns, unsigned cnt,
					 const char *engine)
{
	struct engine_result res = { 0 };
	unsigned char data[PKT_LEN];
	struct bpf_prog_info info;
	union bpf_attr attr;
	double best = 1e30;
	uint32_t size;
	int fd;

	setenv("HIVE_ENGINE", engine, 1);
	fd = prog_load(hbpf, BPF_PROG_TYPE_XDP, insns, cnt);
	unsetenv("HIVE_ENGINE");
	if (fd < 0)
		return res;
	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info = (uintptr_t)&info;
	attr.info.info_len = sizeof(info);
	if (!hbpf(BPF_OBJ_GET_INFO_BY_FD, &attr))
		res.verified = info.verified_insns != 0;
	test_input(true, data, &size);
	for (int i = 0; i < BATCHES; i++) {
		double t0 = cpu_ns();

		memset(&attr, 0, sizeof(attr));
		attr.test.prog_fd = fd;
		attr.test.data_in = (uintptr_t)data;
		attr.test.data_size_in = size;
		attr.test.repeat = 20000;
		if (hbpf(BPF_PROG_TEST_RUN, &attr)) {
			close(fd);
			return res;
		}
		t0 = (cpu_ns() - t0) / 20000;
		if (t0 < best)
			best = t0;
		res.r0 = attr.test.retval;
	}
	close(fd);
	res.ns = best;
	res.ok = 1;
	return res;
}

/* JIT compile speed on a generated program of @n instructions: ALU,
 * compares and forward jumps, stack loads and stores (straight-line
 * blocks of 8). ns per instruction (thread CPU time), or < 0. */
static double compile_large(unsigned n)
{
	struct hive_insn *p = malloc((size_t)n * sizeof(*p));
	struct hive_vm *vm;
	double t0, dt = -1;
	unsigned i;

	if (!p)
		return -1;
	for (i = 0; i + 1 < n; i++) {
		switch (i % 8) {
		case 0: p[i] = HIVE_ALU64_IMM(HIVE_ADD, 1, (int32_t)i); break;
		case 1: p[i] = HIVE_ALU64_REG(HIVE_XOR, 0, 1); break;
		case 2: p[i] = HIVE_STX_MEM(HIVE_DW, 10, 0, -8); break;
		case 3: p[i] = HIVE_JMP_IMM(HIVE_JGT, 0, 1000, 1); break;
		case 4: p[i] = HIVE_ALU32_IMM(HIVE_MUL, 2, 7); break;
		case 5: p[i] = HIVE_LDX_MEM(HIVE_DW, 3, 10, -8); break;
		case 6: p[i] = HIVE_ALU64_REG(HIVE_ADD, 0, 3); break;
		default: p[i] = HIVE_ALU64_IMM(HIVE_RSH, 0, 3); break;
		}
	}
	p[n - 1] = HIVE_EXIT_INSN();
	vm = hive_vm_create();
	if (vm) {
		hive_vm_set_engine(vm, HIVE_ENGINE_JIT);
		hive_vm_set_checks(vm, false);
		t0 = cpu_ns();
		if (!hive_vm_load(vm, p, n) && hive_vm_engine(vm) == HIVE_ENGINE_JIT)
			dt = (cpu_ns() - t0) / n;
		hive_vm_destroy(vm);
	}
	free(p);
	return dt;
}

/* Round @r's result @b against the best so far @a (round 0: @b). A
 * failed round fails the cell. */
static struct engine_result best_of(int r, struct engine_result a, struct engine_result b)
{
	if (r == 0 || !b.ok)
		return b;
	if (!a.ok)
		return a;
	if (b.ns < a.ns)
		a.ns = b.ns;
	if (b.compile_ns > 0 && b.compile_ns < a.compile_ns)
		a.compile_ns = b.compile_ns;
	return a;
}

static void cell(double ns, int ok)
{
	if (ok)
		printf(" %10.1f", ns);
	else
		printf(" %10s", "n/a");
}

static void ratio(double a, double b, int ok, double *g, int *n)
{
	if (ok && a > 0 && b > 0) {
		printf(" %8.2f", a / b);
		*g += log(a / b);
		(*n)++;
	} else {
		printf(" %8s", "n/a");
	}
}

int main(int argc, char **argv)
{
	double g_int = 0, g_jit = 0, g_ker = 0, g_jk = 0, g_cmp = 0, big;
	int n_int = 0, n_jit = 0, n_ker = 0, n_jk = 0, n_cmp = 0, bad = 0, xdp_checked = 0;
	double loads[3];
	size_t p;

	if (argc < 2) {
		fprintf(stderr, "usage: bench DIR\n");
		return 2;
	}
	hive_set_print(NULL);
	if (getloadavg(loads, 3) == 3)
		printf("hive benchmark: ns per run (thread CPU time, best of %d batches x %d rounds), "
		       "seed %u, load average %.2f %.2f %.2f\n\n", BATCHES, ROUNDS, SEED, loads[0],
		       loads[1], loads[2]);
	printf("%-8s %5s %10s %10s %10s %10s %10s %8s %8s %8s %8s\n", "program", "insns",
	       "interp", "interp-chk", "jit", "kernel", "native", "int/nat", "jit/nat",
	       "jit/kern", "cmp ns/i");
	for (p = 0; p < sizeof(natives) / sizeof(natives[0]); p++) {
		struct hive_insn *insns = NULL;
		struct engine_result in = { 0 }, inc = { 0 }, jit = { 0 };
		bool xdp = natives[p].xdp != NULL;
		unsigned cnt = 0;
		double nat = 0, ker;
		u64 nr, kr = 0;

		if (read_prog(argv[1], natives[p].name, &insns, &cnt)) {
			printf("%-8s missing program\n", natives[p].name);
			bad++;
			continue;
		}
		if (xdp) {
			unsigned char pkt[PKT_LEN];
			struct xdp_native md = { (uintptr_t)pkt, (uintptr_t)pkt + PKT_LEN };

			make_packet(pkt);
			native_xdp_ptr = natives[p].xdp;
			nr = (unsigned)native_xdp_ptr(&md);
			for (int r = 0; r < ROUNDS; r++) {
				struct engine_result a, b;
				double t;

				TIME_NS(t, native_xdp_ptr(&md));
				a = run_hive_xdp(insns, cnt, "interp");
				b = run_hive_xdp(insns, cnt, "jit");
				nat = r ? fmin(nat, t) : t;
				in = best_of(r, in, a);
				jit = best_of(r, jit, b);
			}
			xdp_checked |= jit.ok && !jit.verified;
			/* compile speed of the same instructions on the raw VM */
			inc = run_vm(insns, cnt, HIVE_ENGINE_JIT, false);
			jit.compile_ns = inc.compile_ns;
			inc.ok = 0;
		} else {
			native_ptr = natives[p].fn;
			nr = native_ptr(SEED);
			for (int r = 0; r < ROUNDS; r++) {
				double t;

				TIME_NS(t, native_ptr(SEED));
				nat = r ? fmin(nat, t) : t;
				in = best_of(r, in, run_vm(insns, cnt, HIVE_ENGINE_INTERP, false));
				inc = best_of(r, inc, run_vm(insns, cnt, HIVE_ENGINE_INTERP, true));
				jit = best_of(r, jit, run_vm(insns, cnt, HIVE_ENGINE_JIT, false));
			}
		}
		ker = kernel_ns(xdp, insns, cnt, &kr);

		/* Same answer everywhere, or the figures mean nothing. */
		if ((in.ok && (unsigned)in.r0 != (unsigned)nr) ||
		    (inc.ok && (unsigned)inc.r0 != (unsigned)nr) ||
		    (jit.ok && (unsigned)jit.r0 != (unsigned)nr) ||
		    (ker >= 0 && (unsigned)kr != (unsigned)nr)) {
			printf("%-8s RESULT MISMATCH native=%llx interp=%llx jit=%llx kernel=%llx\n",
			       natives[p].name, (unsigned long long)nr, (unsigned long long)in.r0,
			       (unsigned long long)jit.r0, (unsigned long long)kr);
			bad++;
			free(insns);
			continue;
		}
		printf("%-8s %5u", natives[p].name, cnt);
		cell(in.ns, in.ok);
		cell(inc.ns, inc.ok);
		cell(jit.ns, jit.ok);
		cell(ker, ker >= 0);
		cell(nat, 1);
		ratio(in.ns, nat, in.ok, &g_int, &n_int);
		ratio(jit.ns, nat, jit.ok, &g_jit, &n_jit);
		ratio(jit.ns, ker, jit.ok && ker > 0, &g_jk, &n_jk);
		if (jit.compile_ns > 0) {
			printf(" %8.0f", jit.compile_ns);
			g_cmp += log(jit.compile_ns);
			n_cmp++;
		} else {
			printf(" %8s", "n/a");
		}
		if (ker > 0) {
			g_ker += log(ker / nat);
			n_ker++;
		}
		printf("%s\n", xdp ? "  (xdp)" : "");
		free(insns);
	}
	printf("\ngeomean ratios:");
	if (n_int)
		printf(" interp/native %.2fx", exp(g_int / n_int));
	if (n_jit)
		printf(", jit/native %.2fx", exp(g_jit / n_jit));
	if (n_ker)
		printf(", kernel/native %.2fx", exp(g_ker / n_ker));
	if (n_jk)
		printf(", jit/kernel %.2fx", exp(g_jk / n_jk));
	printf("\n");
	if (n_cmp)
		printf("JIT compile: geomean %.0f ns per instruction over these programs", exp(g_cmp / n_cmp));
	big = compile_large(1000000);
	if (big > 0)
		printf("; 1,000,000 instructions: %.0f ns per instruction (%.3f s)\n", big, big * 1e6 / 1e9);
	else
		printf("; 1,000,000 instructions: failed\n");
	if (xdp_checked)
		printf("xdp rows: hive's PROG_LOAD did not verify the program, so it ran with runtime checks\n");
	if (!n_ker)
		printf("kernel column: bpf() not permitted here (n/a)\n");
	return bad ? 1 : 0;
}
