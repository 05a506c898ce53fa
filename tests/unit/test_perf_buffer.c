/*
 * test_perf_buffer.c - bpf_perf_event_output() into PERF_EVENT_ARRAY maps
 * and the perf buffer consumer (hive_perf_buffer__*): samples reach the
 * callback with their CPU (BPF_F_CURRENT_CPU and explicit indexes), the
 * epoll descriptor wakes for a producer in a forked child, a full buffer
 * reports its lost samples, and the helper's errors (bad flags, empty
 * slot, index out of range, ctx length beyond the packet) are the live
 * kernel's for the same program.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "test_cli_util.h"
#include "hive/hive_bpf.h"
#include "hive/hive_events.h"
#include "hive/hive_insn.h"

#define MAGIC 0x1122334455667788ull

typedef long (*bpf_fn)(int cmd, union bpf_attr *a, unsigned size);

static long hive_sys(int cmd, union bpf_attr *a, unsigned size)
{
	return hive_bpf(cmd, a, size);
}

static long kernel_sys(int cmd, union bpf_attr *a, unsigned size)
{
	return syscall(SYS_bpf, cmd, a, size);
}

static int perf_array(bpf_fn sys, uint32_t max_entries)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_PERF_EVENT_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = max_entries;
	return (int)sys(BPF_MAP_CREATE, &a, sizeof(a));
}

/* A socket filter that outputs the 8 bytes MAGIC with @flags and returns
 * the helper's result. */
static int load_output(bpf_fn sys, int map_fd, uint64_t flags)
{
	struct hive_insn prog[] = {
		HIVE_MOV64_REG(6, 1),
		HIVE_LD_IMM64_LO(2, 0, MAGIC),
		HIVE_LD_IMM64_HI(MAGIC),
		HIVE_STX_MEM(HIVE_DW, 10, 2, -8),
		HIVE_MOV64_REG(1, 6),
		HIVE_LD_IMM64_LO(2, 1, map_fd),
		HIVE_LD_IMM64_HI(0),
		HIVE_LD_IMM64_LO(3, 0, flags),
		HIVE_LD_IMM64_HI(flags),
		HIVE_MOV64_REG(4, 10),
		HIVE_ALU64_IMM(HIVE_ADD, 4, -8),
		HIVE_MOV64_IMM(5, 8),
		HIVE_CALL_HELPER(BPF_FUNC_perf_event_output),
		HIVE_EXIT_INSN(),
	};
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = (uintptr_t)prog;
	a.insn_cnt = sizeof(prog) / sizeof(prog[0]);
	a.license = (uintptr_t)"GPL";
	return (int)sys(BPF_PROG_LOAD, &a, sizeof(a));
}

/* Run with a 64-byte packet: the program's return value (the helper's
 * result), or a value no helper returns when the run itself failed. */
static int64_t run(bpf_fn sys, int prog_fd)
{
	uint8_t pkt[64];
	union bpf_attr a;

	memset(pkt, 0xab, sizeof(pkt));
	memset(&a, 0, sizeof(a));
	a.test.prog_fd = prog_fd;
	a.test.data_in = (uintptr_t)pkt;
	a.test.data_size_in = sizeof(pkt);
	if (sys(BPF_PROG_TEST_RUN, &a, sizeof(a)))
		return 1000 - errno;
	return (int32_t)a.test.retval;
}

static int64_t output_once(bpf_fn sys, int map_fd, uint64_t flags)
{
	int prog = load_output(sys, map_fd, flags);
	int64_t r;

	if (prog < 0)
		return 2000 - errno;
	r = run(sys, prog);
	close(prog);
	return r;
}

static int pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

struct got {
	int n, cpu[512];
	uint64_t v[512];
	uint32_t size[512];
	uint64_t lost;
	int lost_calls;
};

static void on_sample(void *ctx, int cpu, void *data, uint32_t size)
{
	struct got *g = ctx;

	if (g->n < 512) {
		g->cpu[g->n] = cpu;
		g->size[g->n] = size;
		memcpy(&g->v[g->n], data, 8);
	}
	g->n++;
}

static void on_lost(void *ctx, int cpu, uint64_t cnt)
{
	struct got *g = ctx;

	(void)cpu;
	g->lost += cnt;
	g->lost_calls++;
}

TEST(perf_buffer_current_cpu_and_indexes)
{
	int ncpus = hive_num_possible_cpus();
	struct hive_perf_buffer *pb;
	struct got g = { 0 };
	int map, prog;

	REQUIRE(ncpus >= 1);
	map = perf_array(hive_sys, (uint32_t)ncpus);
	REQUIRE(map >= 0);
	/* no buffers yet: the slots are empty */
	CHECK_EQ(output_once(hive_sys, map, BPF_F_CURRENT_CPU), -ENOENT);
	CHECK(hive_perf_buffer__new(map, 3, on_sample, on_lost, &g, NULL) == NULL && errno == EINVAL);
	pb = hive_perf_buffer__new(map, 4, on_sample, on_lost, &g, NULL);
	REQUIRE(pb);
	CHECK_EQ(hive_perf_buffer__buffer_cnt(pb), (size_t)ncpus);
	CHECK_EQ(hive_perf_buffer__consume(pb), 0);
	REQUIRE(pin_cpu(0) == 0);
	prog = load_output(hive_sys, map, BPF_F_CURRENT_CPU);
	REQUIRE(prog >= 0);
	CHECK_EQ(run(hive_sys, prog), 0);
	CHECK_EQ(run(hive_sys, prog), 0);
	CHECK_EQ(hive_perf_buffer__consume(pb), 2);
	CHECK_EQ(g.n, 2);
	CHECK(g.cpu[0] == 0 && g.cpu[1] == 0);
	CHECK(g.v[0] == MAGIC && g.size[0] == 12); /* 4 + 12 is u64-aligned, as the kernel pads */
	close(prog);
	/* explicit index: the buffer of the CPU the program runs on */
	CHECK_EQ(output_once(hive_sys, map, 0), 0);
	CHECK_EQ(output_once(hive_sys, map, (uint64_t)ncpus), -E2BIG);
	CHECK_EQ(output_once(hive_sys, map, 1ull << 60), -EINVAL);
	/* ctx length: packet bytes are appended (socket filters may) */
	CHECK_EQ(output_once(hive_sys, map, BPF_F_CURRENT_CPU | (4ull << 32)), 0);
	CHECK_EQ(output_once(hive_sys, map, BPF_F_CURRENT_CPU | (65ull << 32)), -EFAULT);
	CHECK_EQ(hive_perf_buffer__poll(pb, 100), 2);
	REQUIRE(g.n == 4);
	CHECK(g.cpu[2] == 0 && g.v[2] == MAGIC && g.size[2] == 12);
	CHECK(g.cpu[3] == 0 && g.v[3] == MAGIC && g.size[3] == 12);
	if (ncpus >= 2) {
		/* another CPU's buffer: -EOPNOTSUPP (event->oncpu != cpu) */
		CHECK_EQ(output_once(hive_sys, map, 1), -EOPNOTSUPP);
		REQUIRE(pin_cpu(1) == 0);
		CHECK_EQ(output_once(hive_sys, map, 1), 0);
		CHECK_EQ(output_once(hive_sys, map, BPF_F_CURRENT_CPU), 0);
		CHECK_EQ(hive_perf_buffer__consume(pb), 2);
		REQUIRE(g.n == 6);
		CHECK(g.cpu[4] == 1 && g.cpu[5] == 1 && g.v[5] == MAGIC);
	}
	CHECK_EQ(hive_perf_buffer__poll(pb, 20), 0);
	hive_perf_buffer__free(pb);
	/* the consumer is gone: its slots are empty again */
	CHECK_EQ(output_once(hive_sys, map, BPF_F_CURRENT_CPU), -ENOENT);
	close(map);
}

TEST(perf_buffer_epoll_forked_producer)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	struct hive_perf_buffer *pb;
	struct got g = { 0 };
	int map, prog, ep, status;
	pid_t pid;

	map = perf_array(hive_sys, (uint32_t)hive_num_possible_cpus());
	REQUIRE(map >= 0);
	prog = load_output(hive_sys, map, BPF_F_CURRENT_CPU);
	REQUIRE(prog >= 0);
	pb = hive_perf_buffer__new(map, 1, on_sample, NULL, &g, NULL);
	REQUIRE(pb);
	ep = epoll_create1(EPOLL_CLOEXEC);
	REQUIRE(ep >= 0);
	REQUIRE(epoll_ctl(ep, EPOLL_CTL_ADD, hive_perf_buffer__epoll_fd(pb), &ev) == 0);
	CHECK_EQ(epoll_wait(ep, &out, 1, 50), 0);
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		usleep(100000);
		_exit(run(hive_sys, prog) == 0 && run(hive_sys, prog) == 0 ? 0 : 1);
	}
	CHECK_EQ(epoll_wait(ep, &out, 1, 5000), 1);
	REQUIRE(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_EQ(hive_perf_buffer__poll(pb, 1000), 2);
	CHECK_EQ(g.n, 2);
	CHECK(g.v[0] == MAGIC && g.v[1] == MAGIC);
	CHECK_EQ(epoll_wait(ep, &out, 1, 0), 0);
	close(ep);
	hive_perf_buffer__free(pb);
	close(prog);
	close(map);
}

TEST(perf_buffer_overflow_reports_lost)
{
	struct hive_perf_buffer *pb;
	struct got g = { 0 };
	int map, prog, ok = 0, full = 0;

	REQUIRE(pin_cpu(0) == 0);
	map = perf_array(hive_sys, (uint32_t)hive_num_possible_cpus());
	REQUIRE(map >= 0);
	prog = load_output(hive_sys, map, BPF_F_CURRENT_CPU);
	REQUIRE(prog >= 0);
	pb = hive_perf_buffer__new(map, 1, on_sample, on_lost, &g, NULL);
	REQUIRE(pb);
	/* one page holds 4096 / 24 = 170 records of 24 bytes */
	for (int i = 0; i < 200; i++) {
		int64_t r = run(hive_sys, prog);

		ok += r == 0;
		full += r == -ENOSPC;
	}
	CHECK_EQ(ok, 170);
	CHECK_EQ(full, 30);
	CHECK_EQ(hive_perf_buffer__consume(pb), 170);
	CHECK_EQ(g.lost_calls, 0);
	/* the next sample is preceded by a LOST record */
	CHECK_EQ(run(hive_sys, prog), 0);
	CHECK_EQ(hive_perf_buffer__consume(pb), 2);
	CHECK_EQ(g.lost_calls, 1);
	CHECK_EQ(g.lost, 30);
	CHECK_EQ(g.n, 171);
	hive_perf_buffer__free(pb);
	close(prog);
	close(map);
}

TEST(perf_buffer_not_a_perf_array)
{
	union bpf_attr a;
	int map;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 1;
	map = (int)hive_bpf(BPF_MAP_CREATE, &a, sizeof(a));
	REQUIRE(map >= 0);
	CHECK(hive_perf_buffer__new(map, 1, on_sample, NULL, NULL, NULL) == NULL && errno == EINVAL);
	CHECK(hive_perf_buffer__new(-1, 1, on_sample, NULL, NULL, NULL) == NULL && errno == EBADF);
	CHECK_EQ(hive_perf_buffer__poll(NULL, 0), -EINVAL);
	hive_perf_buffer__free(NULL);
	close(map);
}

/* Empty slots, an index past the end, bad flags and a ctx length beyond
 * the packet: the same program gives the same result in hive and in the
 * kernel. */
TEST(perf_buffer_errors_match_kernel)
{
	static const uint64_t cases[] = {
		BPF_F_CURRENT_CPU, 0, 1, 7, 8, 100, BPF_F_INDEX_MASK - 1, 1ull << 60, 1ull << 62,
		BPF_F_CURRENT_CPU | (4ull << 32), BPF_F_CURRENT_CPU | (64ull << 32),
		BPF_F_CURRENT_CPU | (65ull << 32), 3 | (1000ull << 32), BPF_F_CTXLEN_MASK,
	};
	int ncpus = hive_num_possible_cpus();
	int hmap, kmap;

	if (!test_kernel_bpf_available())
		SKIP("no kernel bpf()");
	if (ncpus > 8)
		SKIP("the cases assume at most 8 CPUs (this machine has %d)", ncpus);
	hmap = perf_array(hive_sys, 8);
	kmap = perf_array(kernel_sys, 8);
	REQUIRE(hmap >= 0 && kmap >= 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t h = output_once(hive_sys, hmap, cases[i]);
		int64_t k = output_once(kernel_sys, kmap, cases[i]);

		if (h != k)
			test_fail(__FILE__, __LINE__, "flags %#llx: hive %lld, kernel %lld",
				  (unsigned long long)cases[i], (long long)h, (long long)k);
	}
	/* the programs did load and run in the kernel: its verdicts */
	CHECK_EQ(output_once(kernel_sys, kmap, BPF_F_CURRENT_CPU), -ENOENT);
	CHECK_EQ(output_once(kernel_sys, kmap, 8), -E2BIG);
	CHECK_EQ(output_once(kernel_sys, kmap, 1ull << 60), -EINVAL);
	CHECK_EQ(output_once(kernel_sys, kmap, BPF_F_CURRENT_CPU | (65ull << 32)), -EFAULT);
	close(hmap);
	close(kmap);
}

/* `hive map event_pipe` on a perf event array prints what a producer in
 * another process outputs, as bpftool does. */
TEST(perf_buffer_cli_event_pipe)
{
	union bpf_attr a;
	struct cli c;
	char path[600];
	int map, prog, status;
	pid_t pid;

	REQUIRE(cli_init(&c) == 0);
	setenv("HIVE_FS", cli_path(&c, "fs"), 1);
	map = perf_array(hive_sys, (uint32_t)hive_num_possible_cpus());
	REQUIRE(map >= 0);
	snprintf(path, sizeof(path), "%s/pa", cli_path(&c, "fs"));
	memset(&a, 0, sizeof(a));
	a.pathname = (uintptr_t)path;
	a.bpf_fd = (uint32_t)map;
	REQUIRE(hive_sys(BPF_OBJ_PIN, &a, sizeof(a)) == 0);
	prog = load_output(hive_sys, map, BPF_F_CURRENT_CPU | (2ull << 32));
	REQUIRE(prog >= 0);
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		usleep(700000);
		_exit(pin_cpu(0) == 0 && run(hive_sys, prog) == 0 ? 0 : 1);
	}
	cli_sh(&c, "( \"$HIVE\" map event_pipe pinned \"$HIVE_FS/pa\" > ev.txt & pid=$!; "
		   "sleep 1.5; kill -INT $pid; wait $pid ); sed 's/@[0-9.]*/@T/' ev.txt");
	REQUIRE(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_STR(c.out, "== @T CPU: 0 index: 0 =====\n"
			 "88 77 66 55 44 33 22 11  ab ab 00 00\n");
	close(prog);
	close(map);
	cli_fini(&c);
}
