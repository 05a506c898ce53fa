/*
 * test_prog_types.c - the program types added for tracing and cgroup
 * programs (perf_event, cgroup_skb, tracing, lsm, sk_lookup) and the
 * current-task helpers, against the live kernel: the same context
 * accesses are accepted or refused with the same errno, BPF_PROG_TEST_RUN
 * of every program of the test objects gives the same error, retval and
 * output, and bpf_get_current_task() read through CO-RE offsets gives the
 * fields the kernel's real task_struct gives.
 */
#include <arpa/inet.h>
#include <sys/prctl.h>

#include "loader_testutil.h"
#include "core/kbtf.h"
#include "hive/hive_btf.h"
#include "hive/hive_insn.h"
#include "util/util.h"

static int load_raw(int k, uint32_t type, uint32_t attach, uint32_t btf_id, uint32_t flags,
		    const struct hive_insn *insns, uint32_t cnt)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_type = type;
	a.expected_attach_type = attach;
	a.attach_btf_id = btf_id;
	a.prog_flags = flags;
	a.insns = (uintptr_t)insns;
	a.insn_cnt = cnt;
	a.license = (uintptr_t)"GPL";
	return lt_bpf(k, BPF_PROG_LOAD, &a);
}

static int vmlinux_id(const char *name, uint32_t kind)
{
	const struct hive_btf *btf = kbtf_vmlinux();

	return btf ? hive_btf__find_by_name_kind(btf, name, kind) : -ENOENT;
}

/* ------------------------------------------------ context access rules */

struct ctx_type {
	const char *what;
	uint32_t type, attach;
	const char *btf_name;     /* attach point, NULL if none */
	uint32_t btf_kind;
	int32_t max_off;          /* offsets probed: 0 .. max_off + 8 */
};

static const struct ctx_type ctx_types[] = {
	{ "cgroup_skb", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS, NULL, 0, 192 },
	{ "perf_event", BPF_PROG_TYPE_PERF_EVENT, 0, NULL, 0, 184 },
	{ "sk_lookup", BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, NULL, 0, 72 },
	{ "tp_btf", BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, "btf_trace_sched_switch", BTF_KIND_TYPEDEF, 96 },
	{ "iter", BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, "bpf_iter_task", BTF_KIND_FUNC, 96 },
};

/* Every aligned read (1/2/4/8 bytes) and 4-byte write of the context
 * below max_off + 8 gets the kernel's verdict. */
TEST(prog_types_ctx_access_vs_kernel)
{
	int checked = 0;

	if (!test_kernel_bpf_available())
		SKIP("the kernel's bpf() is not available");
	lt_private_hive_fs();
	for (size_t t = 0; t < HIVE_ARRAY_SIZE(ctx_types); t++) {
		const struct ctx_type *c = &ctx_types[t];
		int btf_id = 0;

		if (c->btf_name) {
			btf_id = vmlinux_id(c->btf_name, c->btf_kind);
			REQUIRE(btf_id > 0);
		}
		for (int32_t off = 0; off < c->max_off + 8; off++) {
			for (int sz = 0; sz < 5; sz++) {
				static const uint8_t sizes[] = { HIVE_B, HIVE_H, HIVE_W, HIVE_DW, HIVE_W };
				static const int bytes[] = { 1, 2, 4, 8, 4 };
				struct hive_insn prog[3] = {
					sz == 4 ? HIVE_ST_MEM(HIVE_W, 1, (int16_t)off, 0)
						: HIVE_LDX_MEM(sizes[sz], 0, 1, (int16_t)off),
					HIVE_MOV64_IMM(0, 0),
					HIVE_EXIT_INSN(),
				};
				int fk, fh;

				if (off % bytes[sz])
					continue;
				fk = load_raw(1, c->type, c->attach, (uint32_t)btf_id, 0, prog, 3);
				fh = load_raw(0, c->type, c->attach, (uint32_t)btf_id, 0, prog, 3);
				if (c->type == BPF_PROG_TYPE_CGROUP_SKB && off == 168 && sz == 3) {
					/* __sk_buff->sk: hive has no socket objects and says so */
					CHECK(fk >= 0);
					CHECK_EQ(fh, -EINVAL);
					if (fk >= 0)
						close(fk);
					continue;
				}
				if ((fk >= 0) != (fh >= 0) || (fk < 0 && fk != fh))
					test_fail(__FILE__, __LINE__, "%s: %s of %d bytes at %d: kernel %d, hive %d",
						  c->what, sz == 4 ? "write" : "read", bytes[sz], off, fk < 0 ? fk : 0,
						  fh < 0 ? fh : 0);
				if (fk >= 0)
					close(fk);
				if (fh >= 0)
					close(fh);
				checked++;
			}
		}
	}
	CHECK(checked > 400);
}

/* Attach checks: wrong attach types and attach points are refused as the
 * kernel refuses them. */
TEST(prog_types_attach_checks_vs_kernel)
{
	static const struct hive_insn prog[] = { HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN() };
	int sched = vmlinux_id("btf_trace_sched_switch", BTF_KIND_TYPEDEF);
	int func = vmlinux_id("bpf_iter_task", BTF_KIND_FUNC);
	const struct {
		uint32_t type, attach;
		int btf_id;
		uint32_t flags;
	} cases[] = {
		{ BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS, 0, 0 },
		{ BPF_PROG_TYPE_CGROUP_SKB, BPF_XDP, 0, 0 },
		{ BPF_PROG_TYPE_SK_LOOKUP, 0, 0, 0 },
		{ BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, 0, 0 },          /* no btf_id */
		{ BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, func, 0 },       /* not a typedef */
		{ BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, sched, 0 },        /* not a function */
		{ BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, sched, BPF_F_SLEEPABLE },
		{ BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, 1 << 30, 0 },    /* no such id */
		{ BPF_PROG_TYPE_PERF_EVENT, 0, 0, BPF_F_SLEEPABLE },
		/* (this kernel refuses every LSM program with EPERM: not compared) */
	};

	if (!test_kernel_bpf_available())
		SKIP("the kernel's bpf() is not available");
	REQUIRE(sched > 0 && func > 0);
	lt_private_hive_fs();
	for (size_t i = 0; i < HIVE_ARRAY_SIZE(cases); i++) {
		int fk = load_raw(1, cases[i].type, cases[i].attach, (uint32_t)cases[i].btf_id,
				  cases[i].flags, prog, 2);
		int fh = load_raw(0, cases[i].type, cases[i].attach, (uint32_t)cases[i].btf_id,
				  cases[i].flags, prog, 2);

		if ((fk >= 0) != (fh >= 0) || (fk < 0 && fk != fh))
			test_fail(__FILE__, __LINE__, "case %zu (type %u attach %u): kernel %d, hive %d", i,
				  cases[i].type, cases[i].attach, fk < 0 ? fk : 0, fh < 0 ? fh : 0);
		if (fk >= 0)
			close(fk);
		if (fh >= 0)
			close(fh);
	}
}

/* ------------------------------------------------ test runs of the objects */

/* Objects both hive and the kernel load (fentry/fexit and LSM programs are
 * refused by this kernel: EPERM). */
static const char *const run_objs[] = {
	"xdp_drop", "xdp_count", "xdp_swap_mac", "xdp_ipv4_filter", "tc_mark", "tc_port_drop",
	"socket_udp", "sockex1", "global_data", "global_sections", "subprogs", "callbacks",
	"map_in_map", "tail_calls", "kconfig", "execsnoop", "opensnoop", "kprobe_unlink",
	"funclatency", "raw_tp_sched", "ksyscall_kill", "map_types", "syscall_prog", "spin_lock",
	"cgroup_skb", "bounded_loop", "perf_sample", "sk_lookup_iter",
};

struct run_out {
	int err;
	uint32_t retval, size_out, ctx_size_out;
	uint8_t out[256], ctx[256];
};

enum { IN_NONE, IN_PKT, IN_PKT6, IN_CTX, IN_REPEAT, IN_FLAGS, IN_SKL, IN_NINPUTS };

static void run_input(int k, int fd, int in, struct run_out *r)
{
	static uint8_t pkt[128], pkt6[128];
	uint64_t raw[4] = { 1, 2, 3, 4 };
	struct bpf_sk_lookup skl;
	union bpf_attr a;

	memset(pkt, 0, sizeof(pkt));
	memcpy(pkt, "\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00", 14);
	memcpy(pkt + 14, "\x45\x00\x00\x32\x00\x00\x00\x00\x40\x11\x00\x00\x0a\x00\x00\x01\x0a\x00\x00\x02", 20);
	memcpy(pkt + 34, "\x04\xd2\x00\x35\x00\x1e\x00\x00", 8);
	memset(pkt6, 0, sizeof(pkt6));
	memcpy(pkt6, "\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x86\xdd\x60\x00\x00\x00\x00\x08\x11\x40", 22);
	pkt6[14 + 8 + 15] = 1;
	pkt6[14 + 24 + 15] = 2;
	memset(r, 0, sizeof(*r));
	memset(&a, 0, sizeof(a));
	a.test.prog_fd = (uint32_t)fd;
	switch (in) {
	case IN_PKT:
	case IN_PKT6:
		a.test.data_in = (uintptr_t)(in == IN_PKT ? pkt : pkt6);
		a.test.data_size_in = in == IN_PKT ? 64 : 70;
		a.test.data_out = (uintptr_t)r->out;
		a.test.data_size_out = sizeof(r->out);
		break;
	case IN_CTX:
		memcpy(r->ctx, raw, sizeof(raw));
		a.test.ctx_in = (uintptr_t)r->ctx;
		a.test.ctx_size_in = sizeof(raw);
		break;
	case IN_REPEAT:
		a.test.repeat = 3;
		break;
	case IN_FLAGS:
		a.test.flags = 1;
		break;
	case IN_SKL:
		memset(&skl, 0, sizeof(skl));
		skl.family = 2;
		skl.protocol = 6;
		skl.local_port = 7;
		skl.remote_port = htons(4242);
		skl.local_ip4 = htonl(0x7f000001);
		memcpy(r->ctx, &skl, sizeof(skl));
		a.test.ctx_in = a.test.ctx_out = (uintptr_t)r->ctx;
		a.test.ctx_size_in = a.test.ctx_size_out = sizeof(skl);
		break;
	default:
		break;
	}
	r->err = lt_bpf(k, BPF_PROG_TEST_RUN, &a);
	r->retval = a.test.retval;
	r->size_out = a.test.data_size_out;
	r->ctx_size_out = a.test.ctx_size_out;
}

/* Every program of every object both load, on a few inputs (none, an IPv4
 * and an IPv6 packet, a raw context, repeat, a bad flag, an sk_lookup
 * context): same errno; when both ran, same retval, output and context. */
TEST(prog_types_test_run_vs_kernel)
{
	int compared = 0, ran = 0;

	if (!test_kernel_bpf_available())
		SKIP("the kernel's bpf() is not available");
	lt_private_hive_fs();
	lt_capture_start();
	for (size_t i = 0; i < HIVE_ARRAY_SIZE(run_objs); i++) {
		struct hive_object *ok = lt_open(run_objs[i], 1), *oh = lt_open(run_objs[i], 0);
		struct hive_program *pk = NULL, *ph;
		int err;

		REQUIRE(ok && oh);
		err = hive_object__load(ok);
		if (err)
			test_fail(__FILE__, __LINE__, "%s: kernel load: %s\n%s", run_objs[i], hive_strerror(err), lt_msgs);
		err = err ?: hive_object__load(oh);
		if (err)
			test_fail(__FILE__, __LINE__, "%s: hive load: %s\n%s", run_objs[i], hive_strerror(err), lt_msgs);
		while (!err && (pk = hive_object__next_program(ok, pk))) {
			ph = hive_object__find_program_by_name(oh, hive_program__name(pk));
			REQUIRE(ph);
			for (int in = 0; in < IN_NINPUTS; in++) {
				static struct run_out rk, rh;

				run_input(1, hive_program__fd(pk), in, &rk);
				run_input(0, hive_program__fd(ph), in, &rh);
				compared++;
				if (rk.err != rh.err) {
					test_fail(__FILE__, __LINE__, "%s/%s input %d: kernel %d, hive %d", run_objs[i],
						  hive_program__name(pk), in, rk.err, rh.err);
					continue;
				}
				if (rk.err)
					continue;
				ran++;
				if (rk.retval != rh.retval || rk.size_out != rh.size_out ||
				    memcmp(rk.out, rh.out, sizeof(rk.out)) || memcmp(rk.ctx, rh.ctx, sizeof(rk.ctx)) ||
				    rk.ctx_size_out != rh.ctx_size_out)
					test_fail(__FILE__, __LINE__, "%s/%s input %d: retval %u/%u, out %u/%u bytes, ctx out %u/%u (kernel/hive)",
						  run_objs[i], hive_program__name(pk), in, rk.retval, rh.retval,
						  rk.size_out, rh.size_out, rk.ctx_size_out, rh.ctx_size_out);
			}
		}
		hive_object__close(ok);
		hive_object__close(oh);
	}
	CHECK(compared > 200);
	CHECK(ran > 40);
}

/* sk_lookup test runs: the context rules of bpf_prog_test_run_sk_lookup. */
TEST(prog_types_sk_lookup_run_vs_kernel)
{
	static const struct hive_insn prog[] = {
		/* r0 = ctx->local_port == 7 ? SK_DROP : SK_PASS, plus family/protocol/port bits */
		HIVE_LDX_MEM(HIVE_W, 2, 1, offsetof(struct bpf_sk_lookup, local_port)),
		HIVE_LDX_MEM(HIVE_W, 3, 1, offsetof(struct bpf_sk_lookup, family)),
		HIVE_LDX_MEM(HIVE_H, 4, 1, offsetof(struct bpf_sk_lookup, remote_port)),
		HIVE_LDX_MEM(HIVE_W, 5, 1, offsetof(struct bpf_sk_lookup, remote_ip6[3])),
		HIVE_LDX_MEM(HIVE_DW, 6, 1, 0),
		HIVE_MOV64_IMM(0, 1),
		HIVE_JMP_IMM(HIVE_JNE, 2, 7, 1),
		HIVE_MOV64_IMM(0, 0),
		HIVE_EXIT_INSN(),
	};
	struct case_ctx {
		uint32_t family, protocol, local_port, ingress_ifindex;
		uint64_t sk;
		int data;
	} cases[] = {
		{ 2, 6, 7, 0, 0, 0 }, { 2, 17, 80, 0, 0, 0 }, { 10, 6, 7, 0, 0, 0 }, { 1, 6, 7, 0, 0, 0 },
		{ 2, 6, 70000, 0, 0, 0 }, { 2, 6, 7, 1, 0, 0 }, { 2, 6, 7, 0, 1, 0 }, { 2, 6, 7, 0, 0, 1 },
		{ 0x10002, 0x10006, 7, 0, 0, 0 },
	};

	if (!test_kernel_bpf_available())
		SKIP("the kernel's bpf() is not available");
	lt_private_hive_fs();
	{
		int fk = load_raw(1, BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, 0, 0, prog, HIVE_ARRAY_SIZE(prog));
		int fh = load_raw(0, BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, 0, 0, prog, HIVE_ARRAY_SIZE(prog));

		REQUIRE(fk >= 0 && fh >= 0);
		for (size_t i = 0; i < HIVE_ARRAY_SIZE(cases); i++) {
			struct bpf_sk_lookup c[2];
			uint8_t data[64] = { 0 };
			union bpf_attr a[2];
			int err[2];

			for (int k = 0; k < 2; k++) {
				memset(&c[k], 0, sizeof(c[k]));
				c[k].family = cases[i].family;
				c[k].protocol = cases[i].protocol;
				c[k].local_port = cases[i].local_port;
				c[k].ingress_ifindex = cases[i].ingress_ifindex;
				c[k].cookie = cases[i].sk;
				c[k].remote_port = htons(1234);
				c[k].remote_ip6[3] = 0x01020304;
				memset(&a[k], 0, sizeof(a[k]));
				a[k].test.prog_fd = (uint32_t)(k ? fk : fh);
				a[k].test.ctx_in = a[k].test.ctx_out = (uintptr_t)&c[k];
				a[k].test.ctx_size_in = a[k].test.ctx_size_out = sizeof(c[k]);
				a[k].test.repeat = 2;
				if (cases[i].data) {
					a[k].test.data_in = (uintptr_t)data;
					a[k].test.data_size_in = sizeof(data);
				}
				err[k] = lt_bpf(k, BPF_PROG_TEST_RUN, &a[k]);
			}
			if (err[0] != err[1] || a[0].test.retval != a[1].test.retval ||
			    memcmp(&c[0], &c[1], sizeof(c[0])))
				test_fail(__FILE__, __LINE__, "case %zu: hive %d retval %u, kernel %d retval %u", i,
					  err[0], a[0].test.retval, err[1], a[1].test.retval);
		}
		close(fk);
		close(fh);
	}
}

/* ------------------------------------------------ the current task */

/*
 * A syscall program (test-runnable in both) reads the current task through
 * bpf_get_current_task + bpf_probe_read_kernel at vmlinux BTF offsets, the
 * way CO-RE-relocated programs do, and stores what it read in its context:
 * pid, tgid, comm, real_parent->tgid, cred->uid, cred->euid, start_time.
 */
TEST(prog_types_current_task_vs_kernel)
{
	const struct hive_btf *btf = kbtf_vmlinux();
	long pid, tgid, comm, parent, cred, start, uid, euid;
	int task_id, cred_id;
	uint64_t ctx[2][8];

	if (!btf)
		SKIP("no kernel BTF (/sys/kernel/btf/vmlinux)");
	task_id = kbtf_struct_id(btf, "task_struct");
	cred_id = kbtf_struct_id(btf, "cred");
	REQUIRE(task_id > 0 && cred_id > 0);
	pid = kbtf_member_off(btf, (uint32_t)task_id, "pid", NULL);
	tgid = kbtf_member_off(btf, (uint32_t)task_id, "tgid", NULL);
	comm = kbtf_member_off(btf, (uint32_t)task_id, "comm", NULL);
	parent = kbtf_member_off(btf, (uint32_t)task_id, "real_parent", NULL);
	cred = kbtf_member_off(btf, (uint32_t)task_id, "cred", NULL);
	start = kbtf_member_off(btf, (uint32_t)task_id, "start_time", NULL);
	uid = kbtf_member_off(btf, (uint32_t)cred_id, "uid", NULL);
	euid = kbtf_member_off(btf, (uint32_t)cred_id, "euid", NULL);
	REQUIRE(pid >= 0 && tgid >= 0 && comm >= 0 && parent >= 0 && cred >= 0 && start >= 0 &&
		uid >= 0 && euid >= 0);
#define RD(base, off)                                                                    \
	HIVE_MOV64_REG(1, 10), HIVE_ALU64_IMM(HIVE_ADD, 1, -8), HIVE_MOV64_IMM(2, 8),     \
		HIVE_MOV64_REG(3, base), HIVE_ALU64_IMM(HIVE_ADD, 3, (int32_t)(off)),       \
		HIVE_CALL_HELPER(113), HIVE_LDX_MEM(HIVE_DW, 0, 10, -8)
#define OUT(slot) HIVE_STX_MEM(HIVE_DW, 6, 0, (slot) * 8)
	struct hive_insn prog[] = {
		HIVE_MOV64_REG(6, 1),
		HIVE_CALL_HELPER(35),
		HIVE_MOV64_REG(7, 0),
		RD(7, pid), OUT(0),
		RD(7, tgid), OUT(1),
		RD(7, comm), OUT(2),
		RD(7, comm + 8), OUT(3),
		RD(7, parent), HIVE_MOV64_REG(8, 0),
		RD(8, tgid), OUT(4),
		RD(7, cred), HIVE_MOV64_REG(9, 0),
		RD(9, uid), OUT(5),
		RD(9, euid), OUT(6),
		RD(7, start), OUT(7),
		HIVE_MOV64_IMM(0, 0),
		HIVE_EXIT_INSN(),
	};
#undef RD
#undef OUT
	int nk = test_kernel_bpf_available() ? 2 : 1;

	lt_private_hive_fs();
	lt_capture_start();
	prctl(PR_SET_NAME, (unsigned long)"hive-task-test", 0, 0, 0);
	for (int k = 0; k < nk; k++) {
		int fd = load_raw(k, BPF_PROG_TYPE_SYSCALL, 0, 0, BPF_F_SLEEPABLE, prog, HIVE_ARRAY_SIZE(prog));
		union bpf_attr a;

		if (fd < 0)
			test_fail(__FILE__, __LINE__, "%s: load: %d\n%s", k ? "kernel" : "hive", fd, lt_msgs);
		REQUIRE(fd >= 0);
		memset(ctx[k], 0, sizeof(ctx[k]));
		memset(&a, 0, sizeof(a));
		a.test.prog_fd = (uint32_t)fd;
		a.test.ctx_in = (uintptr_t)ctx[k];
		a.test.ctx_size_in = sizeof(ctx[k]);
		CHECK_EQ(lt_bpf(k, BPF_PROG_TEST_RUN, &a), 0);
		close(fd);
	}
	/* hive against the process itself */
	CHECK_EQ((uint32_t)ctx[0][0], (uint32_t)syscall(SYS_gettid));
	CHECK_EQ((uint32_t)ctx[0][1], (uint32_t)getpid());
	CHECK_STR((const char *)&ctx[0][2], "hive-task-test");
	CHECK_EQ((uint32_t)ctx[0][4], (uint32_t)getppid());
	CHECK_EQ((uint32_t)ctx[0][5], (uint32_t)getuid());
	CHECK_EQ((uint32_t)ctx[0][6], (uint32_t)geteuid());
	CHECK(ctx[0][7] > 0);
	if (nk < 2)
		return;
	/* and against the kernel's task_struct, field by field */
	CHECK_EQ((uint32_t)ctx[0][0], (uint32_t)ctx[1][0]);
	CHECK_EQ((uint32_t)ctx[0][1], (uint32_t)ctx[1][1]);
	CHECK(!memcmp(&ctx[0][2], &ctx[1][2], 16));
	CHECK_EQ((uint32_t)ctx[0][4], (uint32_t)ctx[1][4]);
	CHECK_EQ((uint32_t)ctx[0][5], (uint32_t)ctx[1][5]);
	CHECK_EQ((uint32_t)ctx[0][6], (uint32_t)ctx[1][6]);
	/* start_time: hive reads /proc's clock-tick start time (10 ms) */
	CHECK(ctx[0][7] <= ctx[1][7] + 20000000ull && ctx[1][7] <= ctx[0][7] + 20000000ull);
}
