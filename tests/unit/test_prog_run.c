/*
 * test_prog_run.c - BPF_PROG_LOAD + BPF_PROG_TEST_RUN through hive_bpf(),
 * compared with the live kernel: the same raw instructions are loaded into
 * both and run with the same data and context; retval, errno, data_out,
 * data_size_out and ctx_out must agree.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness.h"
#include "hive/hive_bpf.h"
#include "hive/hive_insn.h"

#define I(x) ((struct bpf_insn *)(x))

struct run_res {
	int load_err;          /* errno of PROG_LOAD, 0 if loaded */
	int err;               /* errno of TEST_RUN */
	uint32_t retval, size_out, ctx_size_out;
	uint8_t data_out[4096];
	uint8_t ctx_out[256];
};

struct run_in {
	uint32_t type, attach;
	const struct hive_insn *insns;
	uint32_t cnt;
	const void *data;
	uint32_t size, size_out;     /* size_out 0: whole buffer */
	const void *ctx;
	uint32_t ctx_size, ctx_size_out;
	uint32_t repeat, flags, cpu;
	uint32_t prog_flags;
	int map_fd;                  /* replaces imm of lddw src=1 with imm 0x4d4150 */
	bool no_data_out;
};

static long kbpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static long hbpf(int cmd, union bpf_attr *attr)
{
	return hive_bpf(cmd, attr, sizeof(*attr));
}

static void do_run(long (*bpf)(int, union bpf_attr *), const struct run_in *in, int map_fd,
		   struct run_res *r)
{
	struct hive_insn insns[64];
	union bpf_attr a;
	int fd;

	memset(r, 0, sizeof(*r));
	memcpy(insns, in->insns, in->cnt * sizeof(*insns));
	for (uint32_t i = 0; i < in->cnt; i++)
		if (insns[i].code == (HIVE_LD | HIVE_DW | HIVE_IMM) && insns[i].src == 1 &&
		    insns[i].imm == 0x4d4150)
			insns[i].imm = map_fd;
	memset(&a, 0, sizeof(a));
	a.prog_type = in->type;
	a.expected_attach_type = in->attach;
	a.insns = (uintptr_t)insns;
	a.insn_cnt = in->cnt;
	a.license = (uintptr_t)"GPL";
	a.prog_flags = in->prog_flags;
	fd = (int)bpf(BPF_PROG_LOAD, &a);
	if (fd < 0) {
		r->load_err = errno;
		return;
	}
	memset(&a, 0, sizeof(a));
	a.test.prog_fd = fd;
	a.test.data_in = (uintptr_t)in->data;
	a.test.data_size_in = in->size;
	if (!in->no_data_out)
		a.test.data_out = (uintptr_t)r->data_out;
	a.test.data_size_out = in->size_out;
	a.test.ctx_in = (uintptr_t)in->ctx;
	a.test.ctx_size_in = in->ctx_size;
	if (in->ctx_size_out) {
		a.test.ctx_out = (uintptr_t)r->ctx_out;
		a.test.ctx_size_out = in->ctx_size_out;
	}
	a.test.repeat = in->repeat;
	a.test.flags = in->flags;
	a.test.cpu = in->cpu;
	if (bpf(BPF_PROG_TEST_RUN, &a) < 0)
		r->err = errno;
	r->retval = a.test.retval;
	r->size_out = a.test.data_size_out;
	r->ctx_size_out = a.test.ctx_size_out;
	close(fd);
}

/* Run on both; compare everything observable. */
static void compare(const struct run_in *in, int kmap, int hmap, const char *what)
{
	static struct run_res k, h;

	do_run(kbpf, in, kmap, &k);
	do_run(hbpf, in, hmap, &h);
	if (k.load_err != h.load_err || k.err != h.err || k.retval != h.retval ||
	    k.size_out != h.size_out || k.ctx_size_out != h.ctx_size_out)
		test_fail(__FILE__, __LINE__,
			  "%s: kernel load %d run %d retval %u size %u ctx %u / hive load %d run %d "
			  "retval %u size %u ctx %u", what, k.load_err, k.err, k.retval, k.size_out,
			  k.ctx_size_out, h.load_err, h.err, h.retval, h.size_out, h.ctx_size_out);
	else if (memcmp(k.data_out, h.data_out, sizeof(k.data_out)))
		test_fail(__FILE__, __LINE__, "%s: data_out differs", what);
	else if (memcmp(k.ctx_out, h.ctx_out, sizeof(k.ctx_out)))
		test_fail(__FILE__, __LINE__, "%s: ctx_out differs", what);
}

static uint8_t pkt[256];

static void fill_pkt(void)
{
	for (unsigned i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)(i * 7 + 3);
	memset(pkt, 0, 6);          /* to the loopback address: PACKET_HOST */
	pkt[12] = 0x08;             /* IPv4 */
	pkt[13] = 0x00;
}

#define NEED_KERNEL()                                                   \
	do {                                                            \
		if (!test_kernel_bpf_available())                       \
			SKIP("kernel bpf() not available");             \
		fill_pkt();                                             \
	} while (0)

TEST(prog_run_xdp_pass_and_sizes)
{
	static const struct hive_insn prog[] = {
		HIVE_MOV64_IMM(0, 2), /* XDP_PASS */
		HIVE_EXIT_INSN(),
	};
	struct run_in in = { .type = BPF_PROG_TYPE_XDP, .insns = prog, .cnt = 2, .data = pkt,
			     .size = 64 };

	NEED_KERNEL();
	compare(&in, -1, -1, "pass");
	in.size_out = 10;                    /* ENOSPC, full size reported */
	compare(&in, -1, -1, "enospc");
	in.size_out = 0;
	in.size = 13;                        /* below ETH_HLEN */
	compare(&in, -1, -1, "short");
	in.size = 64;
	in.repeat = 100;
	compare(&in, -1, -1, "repeat");
	in.flags = 8;
	compare(&in, -1, -1, "bad flags");
	in.flags = 0;
	in.size = 4000;                      /* past the linear part: fragments */
	in.data = calloc(1, 4000);
	compare(&in, -1, -1, "frags");
	free((void *)in.data);
}

TEST(prog_run_xdp_ctx_rewrite)
{
	/* r2 = data, r3 = data_end; if data + 14 > data_end return 1;
	 * data[0] = 0xaa; return data_end - data + ingress_ifindex * 1000 */
	static const struct hive_insn prog[] = {
		HIVE_LDX_MEM(HIVE_W, 2, 1, 0),
		HIVE_LDX_MEM(HIVE_W, 3, 1, 4),
		HIVE_LDX_MEM(HIVE_W, 6, 1, 12),
		HIVE_MOV64_REG(4, 2),
		HIVE_ALU64_IMM(HIVE_ADD, 4, 14),
		HIVE_JMP_REG(HIVE_JGT, 4, 3, 6),
		HIVE_ST_MEM(HIVE_B, 2, 0, 0xaa),
		HIVE_MOV64_REG(0, 3),
		HIVE_ALU64_REG(HIVE_SUB, 0, 2),
		HIVE_ALU64_IMM(HIVE_MUL, 6, 1000),
		HIVE_ALU64_REG(HIVE_ADD, 0, 6),
		HIVE_EXIT_INSN(),
		HIVE_MOV64_IMM(0, 1),
		HIVE_EXIT_INSN(),
	};
	struct xdp_md ctx = { .data = 8, .data_end = 40 };
	struct run_in in = { .type = BPF_PROG_TYPE_XDP, .insns = prog, .cnt = 14, .data = pkt,
			     .size = 60 };

	NEED_KERNEL();
	compare(&in, -1, -1, "plain");
	in.ctx = &ctx;
	in.ctx_size = sizeof(ctx);
	in.ctx_size_out = sizeof(ctx);
	compare(&in, -1, -1, "meta 8");
	ctx.data = 6;                        /* metadata not a multiple of 4 */
	compare(&in, -1, -1, "meta 6");
	ctx.data = 8;
	ctx.egress_ifindex = 1;
	compare(&in, -1, -1, "egress");
	ctx.egress_ifindex = 0;
	ctx.data_end = 61;                   /* past data_size_in */
	compare(&in, -1, -1, "data_end");
	ctx.data_end = 40;
	ctx.ingress_ifindex = 1;
	ctx.rx_queue_index = 0;
	compare(&in, -1, -1, "ingress lo");
	ctx.ingress_ifindex = 0;
	ctx.rx_queue_index = 1;
	compare(&in, -1, -1, "queue without device");
}

/* r0 = helper(ctx, OFF); if r0 != 0 return r0 + 1000 ; return data_end - data */
#define ADJUST_PROG(helper, off)                                                \
	{                                                                       \
		HIVE_MOV64_REG(6, 1),                                           \
		HIVE_MOV64_IMM(2, off),                                         \
		HIVE_CALL_HELPER(helper),                                       \
		HIVE_JMP_IMM(HIVE_JEQ, 0, 0, 2),                                \
		HIVE_ALU64_IMM(HIVE_ADD, 0, 1000),                              \
		HIVE_EXIT_INSN(),                                               \
		HIVE_LDX_MEM(HIVE_W, 2, 6, 0),                                  \
		HIVE_LDX_MEM(HIVE_W, 0, 6, 4),                                  \
		HIVE_ALU64_REG(HIVE_SUB, 0, 2),                                 \
		HIVE_EXIT_INSN(),                                               \
	}

static void adjust(int helper, int off)
{
	struct hive_insn prog[10] = ADJUST_PROG(0, 0);
	struct xdp_md ctx = { .data = 8, .data_end = 64 };
	struct run_in in = { .type = BPF_PROG_TYPE_XDP, .insns = prog, .cnt = 10, .data = pkt,
			     .size = 64 };
	char what[64];

	prog[1].imm = off;
	prog[2].imm = helper;
	snprintf(what, sizeof(what), "helper %d offset %d", helper, off);
	compare(&in, -1, -1, what);
	in.ctx = &ctx;
	in.ctx_size = sizeof(ctx);
	in.ctx_size_out = sizeof(ctx);
	snprintf(what, sizeof(what), "helper %d offset %d with metadata", helper, off);
	compare(&in, -1, -1, what);
}

TEST(prog_run_xdp_adjust)
{
	static const int head[] = { -300, -256, -232, -216, -215, -200, -8, 0, 8, 50, 51, 60 };
	static const int tail[] = { -60, -50, -51, 0, 100, 3456, 3457, 3500 };
	static const int meta[] = { -4, -3, -32, -36, -40, -216, -248, -252, -256, 4, 8, 12 };

	NEED_KERNEL();
	for (unsigned i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		adjust(BPF_FUNC_xdp_adjust_head, head[i]);
	for (unsigned i = 0; i < sizeof(tail) / sizeof(tail[0]); i++)
		adjust(BPF_FUNC_xdp_adjust_tail, tail[i]);
	for (unsigned i = 0; i < sizeof(meta) / sizeof(meta[0]); i++)
		adjust(BPF_FUNC_xdp_adjust_meta, meta[i]);
}

TEST(prog_run_skb_fields)
{
	/* tc: r0 = len + protocol*2 + pkt_type*3 + ifindex*5 + mark*7 + (data_end-data)*11;
	 * mark += 1; priority = 9; cb[2] = 0x1234 */
	static const struct hive_insn prog[] = {
		HIVE_LDX_MEM(HIVE_W, 0, 1, offsetof(struct __sk_buff, len)),
		HIVE_LDX_MEM(HIVE_W, 2, 1, offsetof(struct __sk_buff, protocol)),
		HIVE_ALU64_IMM(HIVE_MUL, 2, 2),
		HIVE_ALU64_REG(HIVE_ADD, 0, 2),
		HIVE_LDX_MEM(HIVE_W, 2, 1, offsetof(struct __sk_buff, pkt_type)),
		HIVE_ALU64_IMM(HIVE_MUL, 2, 3),
		HIVE_ALU64_REG(HIVE_ADD, 0, 2),
		HIVE_LDX_MEM(HIVE_W, 2, 1, offsetof(struct __sk_buff, ifindex)),
		HIVE_ALU64_IMM(HIVE_MUL, 2, 5),
		HIVE_ALU64_REG(HIVE_ADD, 0, 2),
		HIVE_LDX_MEM(HIVE_W, 2, 1, offsetof(struct __sk_buff, mark)),
		HIVE_MOV64_REG(3, 2),
		HIVE_ALU64_IMM(HIVE_ADD, 3, 1),
		HIVE_STX_MEM(HIVE_W, 1, 3, offsetof(struct __sk_buff, mark)),
		HIVE_ALU64_IMM(HIVE_MUL, 2, 7),
		HIVE_ALU64_REG(HIVE_ADD, 0, 2),
		HIVE_LDX_MEM(HIVE_W, 2, 1, offsetof(struct __sk_buff, data)),
		HIVE_LDX_MEM(HIVE_W, 3, 1, offsetof(struct __sk_buff, data_end)),
		HIVE_ALU64_REG(HIVE_SUB, 3, 2),
		HIVE_ALU64_IMM(HIVE_MUL, 3, 11),
		HIVE_ALU64_REG(HIVE_ADD, 0, 3),
		HIVE_ST_MEM(HIVE_W, 1, offsetof(struct __sk_buff, priority), 9),
		HIVE_ST_MEM(HIVE_W, 1, offsetof(struct __sk_buff, cb) + 8, 0x1234),
		HIVE_LDX_MEM(HIVE_B, 2, 1, offsetof(struct __sk_buff, protocol) + 1),
		HIVE_ALU64_REG(HIVE_ADD, 0, 2),
		HIVE_EXIT_INSN(),
	};
	struct __sk_buff ctx = { .mark = 77, .priority = 3 };
	struct run_in in = { .type = BPF_PROG_TYPE_SCHED_CLS, .insns = prog,
			     .cnt = sizeof(prog) / sizeof(prog[0]), .data = pkt, .size = 100 };

	NEED_KERNEL();
	compare(&in, -1, -1, "tc");
	in.ctx = &ctx;
	in.ctx_size = sizeof(ctx);
	in.ctx_size_out = sizeof(ctx);
	compare(&in, -1, -1, "tc ctx");
	ctx.len = 5;                          /* not settable: EINVAL */
	compare(&in, -1, -1, "tc ctx len");
	ctx.len = 0;
	ctx.wire_len = 50;                    /* below len */
	compare(&in, -1, -1, "wire_len");
	ctx.wire_len = 0;
	pkt[0] = 0xff;                        /* multicast/broadcast */
	compare(&in, -1, -1, "multicast");
	memset(pkt, 0xff, 6);
	compare(&in, -1, -1, "broadcast");
	pkt[0] = 2;
	compare(&in, -1, -1, "otherhost");
	pkt[12] = 0x05;                       /* 802.3 length field */
	compare(&in, -1, -1, "802.3");
	in.type = BPF_PROG_TYPE_SCHED_ACT;
	compare(&in, -1, -1, "act");
	in.size = 13;
	compare(&in, -1, -1, "short");
	in.size = 3800;
	in.data = calloc(1, 3800);
	compare(&in, -1, -1, "too long");
	free((void *)in.data);
}

TEST(prog_run_socket_filter)
{
	/* r0 = len + mark; cb[0] = 5; LD_ABS byte 0 (network header) added */
	static const struct hive_insn prog[] = {
		HIVE_MOV64_REG(6, 1),
		HIVE_LDX_MEM(HIVE_W, 7, 6, offsetof(struct __sk_buff, len)),
		HIVE_LDX_MEM(HIVE_W, 2, 6, offsetof(struct __sk_buff, mark)),
		HIVE_ALU64_REG(HIVE_ADD, 7, 2),
		HIVE_ST_MEM(HIVE_W, 6, offsetof(struct __sk_buff, cb), 5),
		HIVE_INSN(HIVE_LD | HIVE_B | HIVE_ABS, 0, 0, 0, 0),
		HIVE_ALU64_REG(HIVE_ADD, 0, 7),
		HIVE_EXIT_INSN(),
	};
	struct __sk_buff ctx = { .mark = 1 };
	struct run_in in = { .type = BPF_PROG_TYPE_SOCKET_FILTER, .insns = prog, .cnt = 8,
			     .data = pkt, .size = 80, .ctx = &ctx, .ctx_size = sizeof(ctx),
			     .ctx_size_out = sizeof(ctx) };

	NEED_KERNEL();
	compare(&in, -1, -1, "socket filter");
	in.ctx_size_out = 8;                  /* ctx_out truncated: ENOSPC */
	compare(&in, -1, -1, "ctx enospc");
}

TEST(prog_run_skb_bytes_and_csum)
{
	/* load 4 bytes at 20 to stack, store them at 4, csum_diff(stack 8 bytes) */
	static const struct hive_insn prog[] = {
		HIVE_MOV64_REG(6, 1),
		HIVE_MOV64_REG(1, 6),
		HIVE_MOV64_IMM(2, 20),
		HIVE_MOV64_REG(3, 10),
		HIVE_ALU64_IMM(HIVE_ADD, 3, -8),
		HIVE_MOV64_IMM(4, 8),
		HIVE_CALL_HELPER(BPF_FUNC_skb_load_bytes),
		HIVE_MOV64_REG(7, 0),
		HIVE_MOV64_REG(1, 6),
		HIVE_MOV64_IMM(2, 4),
		HIVE_MOV64_REG(3, 10),
		HIVE_ALU64_IMM(HIVE_ADD, 3, -8),
		HIVE_MOV64_IMM(4, 4),
		HIVE_MOV64_IMM(5, 0),
		HIVE_CALL_HELPER(BPF_FUNC_skb_store_bytes),
		HIVE_ALU64_IMM(HIVE_LSH, 0, 8),
		HIVE_ALU64_REG(HIVE_ADD, 7, 0),
		HIVE_MOV64_IMM(1, 0),
		HIVE_MOV64_IMM(2, 0),
		HIVE_MOV64_REG(3, 10),
		HIVE_ALU64_IMM(HIVE_ADD, 3, -8),
		HIVE_MOV64_IMM(4, 8),
		HIVE_MOV64_IMM(5, 0x1234),
		HIVE_CALL_HELPER(BPF_FUNC_csum_diff),
		HIVE_ALU64_IMM(HIVE_LSH, 0, 16),
		HIVE_ALU64_REG(HIVE_ADD, 0, 7),
		HIVE_EXIT_INSN(),
	};
	struct run_in in = { .type = BPF_PROG_TYPE_SCHED_CLS, .insns = prog,
			     .cnt = sizeof(prog) / sizeof(prog[0]), .data = pkt, .size = 64 };

	NEED_KERNEL();
	compare(&in, -1, -1, "bytes");
	in.size = 24;                         /* IPv4 without its header: EINVAL */
	compare(&in, -1, -1, "ipv4 short");
	pkt[12] = 0x86, pkt[13] = 0xdd;       /* IPv6 needs 40 bytes */
	in.size = 50;
	compare(&in, -1, -1, "ipv6 short");
	in.size = 54;
	compare(&in, -1, -1, "ipv6");
	pkt[12] = 0x88, pkt[13] = 0xb5;       /* other protocol: no minimum */
	in.size = 24;                         /* load at 20..28 fails: -EFAULT */
	compare(&in, -1, -1, "bytes short");
}

TEST(prog_run_raw_tp_syscall_kprobe)
{
	static const struct hive_insn raw[] = {
		HIVE_LDX_MEM(HIVE_DW, 0, 1, 0),
		HIVE_LDX_MEM(HIVE_DW, 2, 1, 8),
		HIVE_ALU64_REG(HIVE_ADD, 0, 2),
		HIVE_EXIT_INSN(),
	};
	static const struct hive_insn sys[] = {
		HIVE_LDX_MEM(HIVE_W, 0, 1, 0),
		HIVE_ST_MEM(HIVE_W, 1, 4, 99),
		HIVE_EXIT_INSN(),
	};
	static const struct hive_insn ret7[] = { HIVE_MOV64_IMM(0, 7), HIVE_EXIT_INSN() };
	uint64_t args[3] = { 40, 2, 0 };
	uint32_t sctx[2] = { 5, 0 };
	struct run_in in = { .type = BPF_PROG_TYPE_RAW_TRACEPOINT, .insns = raw, .cnt = 4,
			     .ctx = args, .ctx_size = 16, .no_data_out = true };

	NEED_KERNEL();
	compare(&in, -1, -1, "raw_tp");
	in.ctx_size = 8;                      /* below the highest access */
	compare(&in, -1, -1, "raw_tp short ctx");
	in.ctx_size = 16;
	in.repeat = 2;
	compare(&in, -1, -1, "raw_tp repeat");
	in.repeat = 0;
	in.cpu = 1;
	compare(&in, -1, -1, "raw_tp cpu without flag");
	in = (struct run_in){ .type = BPF_PROG_TYPE_SYSCALL, .insns = sys, .cnt = 3, .ctx = sctx,
			      .ctx_size = 8, .no_data_out = true };
	compare(&in, -1, -1, "syscall not sleepable");
	in.prog_flags = BPF_F_SLEEPABLE;
	compare(&in, -1, -1, "syscall");
	CHECK_EQ(sctx[1], 99);               /* ctx written back (by the second run too) */
	in = (struct run_in){ .type = BPF_PROG_TYPE_KPROBE, .insns = ret7, .cnt = 2,
			      .no_data_out = true };
	compare(&in, -1, -1, "kprobe: no test_run");
	in.type = BPF_PROG_TYPE_TRACEPOINT;
	compare(&in, -1, -1, "tracepoint: no test_run");
}

TEST(prog_load_rejects_like_kernel)
{
	static const struct hive_insn xdp_write[] = {
		HIVE_ST_MEM(HIVE_W, 1, 0, 0), HIVE_MOV64_IMM(0, 2), HIVE_EXIT_INSN(),
	};
	static const struct hive_insn xdp_narrow[] = {
		HIVE_LDX_MEM(HIVE_B, 0, 1, 0), HIVE_EXIT_INSN(),
	};
	static const struct hive_insn xdp_oob[] = {
		HIVE_LDX_MEM(HIVE_W, 0, 1, 24), HIVE_EXIT_INSN(),
	};
	static const struct hive_insn xdp_skb_helper[] = {
		HIVE_MOV64_IMM(2, 0), HIVE_MOV64_REG(3, 10), HIVE_ALU64_IMM(HIVE_ADD, 3, -8),
		HIVE_MOV64_IMM(4, 4), HIVE_CALL_HELPER(BPF_FUNC_skb_load_bytes), HIVE_EXIT_INSN(),
	};
	static const struct hive_insn tc_write_len[] = {
		HIVE_ST_MEM(HIVE_W, 1, 0, 0), HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN(),
	};
	static const struct hive_insn unknown_helper[] = {
		HIVE_CALL_HELPER(100000), HIVE_EXIT_INSN(),
	};
	struct run_in in = { .type = BPF_PROG_TYPE_XDP, .data = pkt, .size = 64 };

	NEED_KERNEL();
	in.insns = xdp_write, in.cnt = 3;
	compare(&in, -1, -1, "xdp ctx write");
	in.insns = xdp_narrow, in.cnt = 2;
	compare(&in, -1, -1, "xdp narrow load");
	in.insns = xdp_oob, in.cnt = 2;
	compare(&in, -1, -1, "xdp ctx out of bounds");
	in.insns = xdp_skb_helper, in.cnt = 6;
	compare(&in, -1, -1, "xdp calls skb helper");
	in.insns = unknown_helper, in.cnt = 2;
	compare(&in, -1, -1, "unknown helper");
	in.type = BPF_PROG_TYPE_SCHED_CLS;
	in.insns = tc_write_len, in.cnt = 3;
	compare(&in, -1, -1, "tc write len");
	in.type = 999;
	compare(&in, -1, -1, "unknown type");
}

TEST(prog_info_tag_and_maps)
{
	/* r1 = map; r2 = fp-4 (key 0); lookup; return r0 != 0 */
	static const struct hive_insn prog[] = {
		HIVE_ST_MEM(HIVE_W, 10, -4, 0),
		HIVE_LD_IMM64_LO(1, 1, 0x4d4150),
		HIVE_LD_IMM64_HI(0x4d4150),
		HIVE_MOV64_REG(2, 10),
		HIVE_ALU64_IMM(HIVE_ADD, 2, -4),
		HIVE_CALL_HELPER(BPF_FUNC_map_lookup_elem),
		HIVE_JMP_IMM(HIVE_JEQ, 0, 0, 2),
		HIVE_LDX_MEM(HIVE_W, 0, 0, 0),
		HIVE_EXIT_INSN(),
		HIVE_MOV64_IMM(0, 1234),
		HIVE_EXIT_INSN(),
	};
	struct hive_insn insns[11];
	struct bpf_prog_info ki, hi;
	union bpf_attr a;
	uint32_t key = 0, val = 4321, kids[4], hids[4];
	int kmap, hmap, kfd, hfd;

	NEED_KERNEL();
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 4;
	kmap = (int)kbpf(BPF_MAP_CREATE, &a);
	hmap = (int)hbpf(BPF_MAP_CREATE, &a);
	REQUIRE(kmap >= 0 && hmap >= 0);
	memset(&a, 0, sizeof(a));
	a.map_fd = kmap, a.key = (uintptr_t)&key, a.value = (uintptr_t)&val;
	REQUIRE(kbpf(BPF_MAP_UPDATE_ELEM, &a) == 0);
	a.map_fd = hmap;
	REQUIRE(hbpf(BPF_MAP_UPDATE_ELEM, &a) == 0);
	{
		struct run_in in = { .type = BPF_PROG_TYPE_XDP, .insns = prog, .cnt = 11,
				     .data = pkt, .size = 64 };

		compare(&in, kmap, hmap, "map lookup");
	}
	/* load both for info */
	memcpy(insns, prog, sizeof(prog));
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_XDP;
	a.insns = (uintptr_t)insns;
	a.insn_cnt = 11;
	a.license = (uintptr_t)"GPL";
	strcpy(a.prog_name, "tagtest");
	insns[1].imm = kmap;
	kfd = (int)kbpf(BPF_PROG_LOAD, &a);
	insns[1].imm = hmap;
	hfd = (int)hbpf(BPF_PROG_LOAD, &a);
	REQUIRE(kfd >= 0 && hfd >= 0);
	memset(&ki, 0, sizeof(ki));
	memset(&hi, 0, sizeof(hi));
	ki.nr_map_ids = hi.nr_map_ids = 4;
	ki.map_ids = (uintptr_t)kids;
	hi.map_ids = (uintptr_t)hids;
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = kfd, a.info.info_len = sizeof(ki), a.info.info = (uintptr_t)&ki;
	REQUIRE(kbpf(BPF_OBJ_GET_INFO_BY_FD, &a) == 0);
	a.info.bpf_fd = hfd, a.info.info_len = sizeof(hi), a.info.info = (uintptr_t)&hi;
	REQUIRE(hbpf(BPF_OBJ_GET_INFO_BY_FD, &a) == 0);
	CHECK(!memcmp(ki.tag, hi.tag, 8));
	CHECK_EQ(ki.type, hi.type);
	CHECK_EQ(ki.nr_map_ids, hi.nr_map_ids);
	CHECK_STR(ki.name, hi.name);
	CHECK_EQ(hi.xlated_prog_len, 11 * 8);
	CHECK_EQ(hi.gpl_compatible, 1);
	{
		union bpf_attr m;
		struct bpf_map_info mi;

		memset(&m, 0, sizeof(m));
		memset(&mi, 0, sizeof(mi));
		m.info.bpf_fd = hmap, m.info.info_len = sizeof(mi), m.info.info = (uintptr_t)&mi;
		REQUIRE(hbpf(BPF_OBJ_GET_INFO_BY_FD, &m) == 0);
		CHECK_EQ(hids[0], mi.id);
	}
	/* the program id can be found again */
	memset(&a, 0, sizeof(a));
	a.prog_id = hi.id;
	{
		int fd2 = (int)hbpf(BPF_PROG_GET_FD_BY_ID, &a);

		CHECK(fd2 >= 0);
		if (fd2 >= 0)
			close(fd2);
	}
	close(kfd);
	close(hfd);
	close(kmap);
	close(hmap);
}

/* Load @insns as XDP into kernel or hive; -errno on failure. */
static int load_xdp(long (*bpf)(int, union bpf_attr *), const struct hive_insn *insns,
		    uint32_t cnt)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_XDP;
	a.insns = (uintptr_t)insns;
	a.insn_cnt = cnt;
	a.license = (uintptr_t)"GPL";
	fd = (int)bpf(BPF_PROG_LOAD, &a);
	return fd < 0 ? -errno : fd;
}

/* bpf_tail_call through a prog array: taken into slot 0, falls through on an empty slot. */
static void tail_call(long (*bpf)(int, union bpf_attr *), uint32_t index, uint32_t *retval)
{
	static const struct hive_insn target[] = { HIVE_MOV64_IMM(0, 42), HIVE_EXIT_INSN() };
	struct hive_insn prog[] = {
		HIVE_LD_IMM64_LO(2, 1, 0),
		HIVE_LD_IMM64_HI(0),
		HIVE_MOV64_IMM(3, (int32_t)index),
		HIVE_CALL_HELPER(BPF_FUNC_tail_call),
		HIVE_MOV64_IMM(0, 1),
		HIVE_EXIT_INSN(),
	};
	union bpf_attr a;
	uint32_t key = 0;
	int map, tfd, fd;

	*retval = 0;
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_PROG_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 2;
	map = (int)bpf(BPF_MAP_CREATE, &a);
	tfd = load_xdp(bpf, target, 2);
	if (map < 0 || tfd < 0)
		return;
	memset(&a, 0, sizeof(a));
	a.map_fd = map, a.key = (uintptr_t)&key, a.value = (uintptr_t)&tfd;
	if (bpf(BPF_MAP_UPDATE_ELEM, &a))
		return;
	prog[0].imm = map;
	fd = load_xdp(bpf, prog, 6);
	if (fd >= 0) {
		memset(&a, 0, sizeof(a));
		a.test.prog_fd = fd;
		a.test.data_in = (uintptr_t)pkt;
		a.test.data_size_in = 64;
		if (bpf(BPF_PROG_TEST_RUN, &a) == 0)
			*retval = a.test.retval;
		close(fd);
	}
	close(tfd);
	close(map);
}

TEST(prog_run_tail_call)
{
	uint32_t k, h;

	NEED_KERNEL();
	tail_call(kbpf, 0, &k);
	tail_call(hbpf, 0, &h);
	CHECK_EQ(k, 42);
	CHECK_EQ(h, k);
	tail_call(kbpf, 1, &k);
	tail_call(hbpf, 1, &h);
	CHECK_EQ(k, 1);
	CHECK_EQ(h, k);
}
