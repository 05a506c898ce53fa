/*
 * test_verifier_safety.c - the verifier never accepts a program that faults.
 *
 * Random programs from the verifier fuzz generator (verifier/vgen.h, fixed
 * seeds) are loaded through hive's own BPF_PROG_LOAD, so the verifier and
 * the loader's fixups (context rewrite, dead code) are the ones verified
 * programs get. Each program the verifier accepts is then test-run on the
 * interpreter in CHECKED mode (HIVE_VM_CHECKS=1: every memory access
 * bounds-checked, an instruction budget) with a packet or context of its
 * type (kprobe and tracepoint programs, which have no BPF_PROG_TEST_RUN, run
 * directly through the loader's prog_exec): a run that faults (out-of-bounds or unpermitted access, budget,
 * division trap...) means the verifier accepted an unsafe program, and the
 * test fails naming the seed. No kernel is needed.
 *
 * VT_SAFETY_N=<count> and VT_SAFETY_SEED=<first> run other seeds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "hive/hive.h"
#include "hive/hive_bpf.h"
#include "core/prog.h"
#include "verifier/vtest.h"
#include "verifier/vgen.h"

struct safety_stats {
	uint32_t progs, accepted, ran, faults;
};

static uint32_t env_u32(const char *name, uint32_t def)
{
	const char *s = getenv(name);

	return s && *s ? (uint32_t)strtoul(s, NULL, 0) : def;
}

static int load(const struct gen *g, uint32_t pt)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = pt;
	a.insns = (uintptr_t)g->insn;
	a.insn_cnt = g->cnt;
	a.license = (uintptr_t)"GPL";
	fd = hive_bpf(BPF_PROG_LOAD, &a, sizeof(a));
	return fd < 0 ? -errno : fd;
}

/* One run with a 128-byte packet (skb, xdp) or a zeroed context (others). */
static int run(int fd, uint32_t pt, uint64_t seed)
{
	static uint8_t pkt[128], ctx[4096];
	union bpf_attr a;

	for (size_t i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)(i * 7 + seed);
	memset(ctx, 0, sizeof(ctx));
	memset(&a, 0, sizeof(a));
	a.test.prog_fd = (uint32_t)fd;
	if (pt == BPF_PROG_TYPE_SOCKET_FILTER || pt == BPF_PROG_TYPE_SCHED_CLS ||
	    pt == BPF_PROG_TYPE_XDP) {
		a.test.data_in = (uintptr_t)pkt;
		a.test.data_size_in = sizeof(pkt);
	} else if (pt == BPF_PROG_TYPE_RAW_TRACEPOINT) {
		a.test.ctx_in = (uintptr_t)ctx;
		a.test.ctx_size_in = 64;
	} else {
		/* kprobe, tracepoint: no BPF_PROG_TEST_RUN (as the kernel); run
		 * the program directly on a zeroed context of its type */
		struct hive_prog *p;
		uint64_t r0;
		int err = prog_from_fd(fd, &p);

		if (err)
			return err;
		err = prog_exec(p, ctx, prog_type_ctx_size(pt), &r0);
		obj_put(&p->obj);
		return err;
	}
	return hive_bpf(BPF_PROG_TEST_RUN, &a, sizeof(a)) ? -errno : 0;
}

static void safety_type(uint32_t pt, const char *name)
{
	uint32_t n = env_u32("VT_SAFETY_N", 150), first = env_u32("VT_SAFETY_SEED", 1);
	struct safety_stats st = { 0, 0, 0, 0 };
	static struct gen g;
	int fails = 0;

	static char dir[] = "/tmp/hive-vsafety-XXXXXX";

	REQUIRE(mkdtemp(dir));
	setenv("HIVE_FS", dir, 1); /* a private hive fs for this (forked) test */
	setenv("HIVE_VM_CHECKS", "1", 1);
	setenv("HIVE_ENGINE", "interp", 1);
	REQUIRE(vt_maps_open_hive() == 0);
	for (uint32_t seed = first; seed < first + n; seed++) {
		int fd, err;

		gen_program(&g, seed, pt);
		st.progs++;
		fd = load(&g, pt);
		if (fd < 0)
			continue;
		st.accepted++;
		err = run(fd, pt, seed);
		if (err == -EOPNOTSUPP || err == -524 /* ENOTSUPP */) {
			close(fd);
			continue; /* no test run for this type */
		}
		st.ran++;
		if (err) {
			st.faults++;
			if (fails++ < 5)
				test_fail(__FILE__, __LINE__,
					  "%s seed %u (%u insns, %s): accepted by the verifier, faults when run "
					  "checked: %s", name, seed, g.cnt,
					  g.fault ? "fault injected" : "no fault injected", hive_strerror(err));
		}
		close(fd);
	}
	printf("verifier_safety %s: %u programs, %u accepted, %u run checked, %u faulted\n", name,
	       st.progs, st.accepted, st.ran, st.faults);
	CHECK_EQ(st.faults, 0);
	CHECK(st.ran > 0);
}

/*
 * The control: a run that faults is seen. The program reads through a
 * made-up pointer; its type (sk_lookup) is one the verifier does not
 * model, so it loads unverified and runs checked.
 */
TEST(verifier_safety_sees_faults)
{
	static const struct hive_insn prog[] = {
		HIVE_MOV64_IMM(1, 4096),
		HIVE_LDX_MEM(HIVE_DW, 0, 1, 0),              /* *(u64 *)4096 */
		HIVE_EXIT_INSN(),
	};
	static char dir[] = "/tmp/hive-vsafety-XXXXXX";
	struct bpf_sk_lookup ctx;
	union bpf_attr a;
	int fd;

	REQUIRE(mkdtemp(dir));
	setenv("HIVE_FS", dir, 1);
	setenv("HIVE_ENGINE", "interp", 1);
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SK_LOOKUP;
	a.expected_attach_type = BPF_SK_LOOKUP;
	a.insns = (uintptr_t)prog;
	a.insn_cnt = ARRAY_SIZE(prog);
	a.license = (uintptr_t)"GPL";
	fd = hive_bpf(BPF_PROG_LOAD, &a, sizeof(a));
	REQUIRE(fd >= 0);
	memset(&ctx, 0, sizeof(ctx));
	ctx.family = 2;  /* AF_INET */
	memset(&a, 0, sizeof(a));
	a.test.prog_fd = (uint32_t)fd;
	a.test.ctx_in = (uintptr_t)&ctx;
	a.test.ctx_size_in = sizeof(ctx);
	CHECK(hive_bpf(BPF_PROG_TEST_RUN, &a, sizeof(a)) < 0);
	close(fd);
}

TEST(verifier_safety_socket_filter)
{
	safety_type(BPF_PROG_TYPE_SOCKET_FILTER, "socket_filter");
}

TEST(verifier_safety_sched_cls)
{
	safety_type(BPF_PROG_TYPE_SCHED_CLS, "sched_cls");
}

TEST(verifier_safety_xdp)
{
	safety_type(BPF_PROG_TYPE_XDP, "xdp");
}

TEST(verifier_safety_kprobe)
{
	safety_type(BPF_PROG_TYPE_KPROBE, "kprobe");
}

TEST(verifier_safety_raw_tracepoint)
{
	safety_type(BPF_PROG_TYPE_RAW_TRACEPOINT, "raw_tracepoint");
}

TEST(verifier_safety_tracepoint)
{
	safety_type(BPF_PROG_TYPE_TRACEPOINT, "tracepoint");
}
