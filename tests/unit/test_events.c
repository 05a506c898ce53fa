/*
 * test_events.c - ring buffer consumers (hive_ring_buffer__*): records a
 * program emits with bpf_ringbuf_output / reserve+submit / discard reach
 * the callbacks in order, from this process and from a forked producer,
 * and the epoll descriptor becomes readable.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "hive/hive_bpf.h"
#include "hive/hive_events.h"
#include "hive/hive_insn.h"

static long hbpf(int cmd, union bpf_attr *a)
{
	return hive_bpf(cmd, a, sizeof(*a));
}

struct got {
	int n;
	uint64_t v[16];
	size_t size[16];
};

static int on_sample(void *ctx, void *data, size_t size)
{
	struct got *g = ctx;

	if (g->n < 16) {
		memcpy(&g->v[g->n], data, 8);
		g->size[g->n] = size;
	}
	g->n++;
	return 0;
}

/* output 8 bytes, reserve+submit 16, reserve+discard 8 */
static int load_producer(int map_fd)
{
	struct hive_insn prog[] = {
		HIVE_LD_IMM64_LO(6, 1, map_fd),
		HIVE_LD_IMM64_HI(0),
		HIVE_LD_IMM64_LO(1, 0, 0x1122334455667788ull),
		HIVE_LD_IMM64_HI(0x1122334455667788ull),
		HIVE_STX_MEM(HIVE_DW, 10, 1, -8),
		HIVE_MOV64_REG(1, 6),
		HIVE_MOV64_REG(2, 10),
		HIVE_ALU64_IMM(HIVE_ADD, 2, -8),
		HIVE_MOV64_IMM(3, 8),
		HIVE_MOV64_IMM(4, 0),
		HIVE_CALL_HELPER(BPF_FUNC_ringbuf_output),
		HIVE_MOV64_REG(1, 6),
		HIVE_MOV64_IMM(2, 16),
		HIVE_MOV64_IMM(3, 0),
		HIVE_CALL_HELPER(BPF_FUNC_ringbuf_reserve),
		HIVE_JMP_IMM(HIVE_JEQ, 0, 0, 5), /* no record: skip to the next reserve */
		HIVE_ST_MEM(HIVE_DW, 0, 0, 7),
		HIVE_ST_MEM(HIVE_DW, 0, 8, 9),
		HIVE_MOV64_REG(1, 0),
		HIVE_MOV64_IMM(2, 0),
		HIVE_CALL_HELPER(BPF_FUNC_ringbuf_submit),
		HIVE_MOV64_REG(1, 6),
		HIVE_MOV64_IMM(2, 8),
		HIVE_MOV64_IMM(3, 0),
		HIVE_CALL_HELPER(BPF_FUNC_ringbuf_reserve),
		HIVE_JMP_IMM(HIVE_JEQ, 0, 0, 3),
		HIVE_MOV64_REG(1, 0),
		HIVE_MOV64_IMM(2, 0),
		HIVE_CALL_HELPER(BPF_FUNC_ringbuf_discard),
		HIVE_MOV64_IMM(0, 0),
		HIVE_EXIT_INSN(),
	};
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
	a.insns = (uintptr_t)prog;
	a.insn_cnt = sizeof(prog) / sizeof(prog[0]);
	a.license = (uintptr_t)"GPL";
	return (int)hbpf(BPF_PROG_LOAD, &a);
}

static int run(int prog_fd)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.test.prog_fd = prog_fd;
	return (int)hbpf(BPF_PROG_TEST_RUN, &a);
}

TEST(events_ring_buffer_consume_and_poll)
{
	struct hive_ring_buffer *rb;
	struct got g = { 0 };
	struct pollfd pfd;
	union bpf_attr a;
	int map, prog;
	pid_t pid;
	int status;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_RINGBUF;
	a.max_entries = 4096;
	map = (int)hbpf(BPF_MAP_CREATE, &a);
	REQUIRE(map >= 0);
	prog = load_producer(map);
	REQUIRE(prog >= 0);
	rb = hive_ring_buffer__new(map, on_sample, &g, NULL);
	REQUIRE(rb);
	CHECK_EQ(hive_ring_buffer__consume(rb), 0);
	REQUIRE(run(prog) == 0);
	CHECK_EQ(hive_ring_buffer__consume(rb), 2);       /* discarded one is skipped */
	CHECK_EQ(g.n, 2);
	CHECK(g.v[0] == 0x1122334455667788ull && g.size[0] == 8);
	CHECK(g.v[1] == 7 && g.size[1] == 16);
	/* a producer in another process wakes the epoll descriptor */
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		usleep(100000);
		_exit(run(prog) == 0 ? 0 : 1);
	}
	pfd.fd = hive_ring_buffer__epoll_fd(rb);
	pfd.events = POLLIN;
	CHECK_EQ(poll(&pfd, 1, 5000), 1);
	/* The wakeup comes with the child's first record; let it finish its
	 * run so both records are there to consume. */
	REQUIRE(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_EQ(hive_ring_buffer__poll(rb, 1000), 2);
	CHECK_EQ(g.n, 4);
	/* nothing more: poll times out */
	CHECK_EQ(hive_ring_buffer__poll(rb, 50), 0);
	/* many runs wrap around the 4 KiB ring */
	for (int i = 0; i < 200; i++) {
		REQUIRE(run(prog) == 0);
		CHECK_EQ(hive_ring_buffer__consume(rb), 2);
	}
	CHECK_EQ(g.n, 404);
	hive_ring_buffer__free(rb);
	/* not a ring buffer */
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 1;
	{
		int arr = (int)hbpf(BPF_MAP_CREATE, &a);

		REQUIRE(arr >= 0);
		CHECK(hive_ring_buffer__new(arr, on_sample, &g, NULL) == NULL && errno == EINVAL);
		close(arr);
	}
	close(prog);
	close(map);
}
