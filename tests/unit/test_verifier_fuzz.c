/*
 * test_verifier_fuzz.c - differential random test of the verifier against
 * the live kernel.
 *
 * A structured generator (verifier/vgen.h; fixed seeds, so every run checks
 * the same programs) builds programs the way compilers and people write them: a
 * prologue that keeps the context in r6 and scalars in r7..r9 and zeroes
 * eight stack slots, then nested blocks of scalar arithmetic (64/32-bit,
 * signed division, sign extension, byte swaps), conditional branches
 * (JMP/JMP32, immediate and register), stack spills and fills, context
 * loads and stores, packet bounds checks and accesses, map lookups with
 * null checks and value accesses, atomics, bounded loops, helper calls,
 * LD_ABS/LD_IND and bpf-to-bpf calls. Most programs are safe; about a
 * third get one injected fault from a list of classic mistakes (missing
 * null check, access past the checked packet range, uninitialised
 * register or stack, bad context offset, unbounded offsets, ...).
 *
 * Each program is loaded by the kernel and by hive_verify() at log level 1:
 * the verdict and errno must be equal and, for rejected programs, so must
 * the error line. Whole-log equality (which also covers the instruction
 * and state counts, i.e. pruning) is measured and reported per program
 * type. VT_FUZZ_N=<count> and VT_FUZZ_SEED=<first> run other seeds (each
 * type stops after VT_FUZZ_SECONDS, 80 by default, and says how far it got);
 * VT_FUZZ_SAVE=<dir> writes each program as <dir>/<type>_<seed>.bin (raw
 * instructions, map fds renumbered 3 + VT_MAP_* index) to reproduce a
 * disagreement. The first seeds whose logs differ are printed;
 * VT_FUZZ_DUMP=1 prints both logs too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "verifier/vtest.h"
#include "verifier/vgen.h"

/* ---- the differential run ----------------------------------------------------- */

struct fuzz_stats {
	uint32_t progs, accepted, verdict, errline, log;
};

static const struct {
	uint32_t type;
	const char *name;
	uint32_t gen_as;      /* the generator's program type (context layout) */
	uint32_t prog_flags;
} fuzz_types[] = {
	{ 1, "socket_filter", 1, 0 }, { 2, "kprobe", 2, 0 }, { 3, "sched_cls", 3, 0 },
	{ 5, "tracepoint", 5, 0 }, { 6, "xdp", 6, 0 }, { 17, "raw_tracepoint", 17, 0 },
	/* sched_act has sched_cls's context; syscall programs must be
	 * sleepable and read their context (user memory) like raw_tp args */
	{ 4, "sched_act", 3, 0 }, { 31, "syscall", 17, 1u << 4 /* BPF_F_SLEEPABLE */ },
};

static uint32_t env_u32(const char *name, uint32_t def)
{
	const char *s = getenv(name);

	return s && *s ? (uint32_t)strtoul(s, NULL, 0) : def;
}

static void fuzz_one(const struct gen *g, uint32_t seed, uint32_t pt, uint32_t flags,
		     struct fuzz_stats *st, int *fails)
{
	struct vt_result k, h;
	char ke[256], he[256];
	char *kn, *hn;

	const char *save = getenv("VT_FUZZ_SAVE");

	if (save) {
		char path[512];
		FILE *f;

		uint32_t i;
		int m;

		snprintf(path, sizeof(path), "%s/%u_%u.bin", save, pt, seed);
		f = fopen(path, "wb");
		for (i = 0; f && i < g->cnt; i++) {
			struct hive_insn in = g->insn[i];

			for (m = 0; in.code == (HIVE_LD | HIVE_DW | HIVE_IMM) && m < VT_NMAPS; m++)
				if (in.src == HIVE_PSEUDO_MAP_FD && in.imm == vt_map_fd[m])
					in.imm = 3 + m;
			fwrite(&in, sizeof(in), 1, f);
		}
		if (f)
			fclose(f);
	}
	if (vt_kernel(g->insn, g->cnt, pt, flags, 1, &k))
		return;
	if (vt_hive(g->insn, g->cnt, pt, flags, 1, &h)) {
		vt_result_free(&k);
		return;
	}
	st->progs++;
	st->accepted += k.err == 0;
	vt_error_line(k.log, ke, sizeof(ke));
	vt_error_line(h.log, he, sizeof(he));
	kn = vt_normalize(k.log);
	hn = vt_normalize(h.log);
	if (k.err == h.err) {
		st->verdict++;
		if (k.err == 0 || !strcmp(ke, he))
			st->errline++;
		if (kn && hn && !strcmp(kn, hn))
			st->log++;
		else if (st->progs - st->log <= 3) {
			printf("verifier_fuzz: prog type %u seed %u: same verdict, level-1 log differs\n",
			       pt, seed);
			if (getenv("VT_FUZZ_DUMP"))
				printf("---- kernel:\n%s\n---- hive:\n%s\n", kn ? kn : "", hn ? hn : "");
		}
	}
	if ((k.err != h.err || (k.err && strcmp(ke, he))) && (*fails)++ < 5)
		test_fail(__FILE__, __LINE__, "prog type %u seed %u (%u insns): kernel %d \"%s\", hive %d \"%s\"",
			  pt, seed, g->cnt, k.err, ke, h.err, he);
	free(kn);
	free(hn);
	vt_result_free(&k);
	vt_result_free(&h);
}

/*
 * One program type: seeds first..first+n-1, stopping early (and saying so)
 * if the time budget runs out, e.g. under sanitizers.
 */
static void fuzz_type(uint32_t t)
{
	uint32_t n = env_u32("VT_FUZZ_N", 120), first = env_u32("VT_FUZZ_SEED", 1), i;
	uint32_t budget = env_u32("VT_FUZZ_SECONDS", 80);
	struct fuzz_stats st = { 0, 0, 0, 0, 0 };
	time_t start = time(NULL);
	static struct gen g;
	int fails = 0;

	if (!test_kernel_bpf_available())
		SKIP("the kernel's bpf() is not available");
	REQUIRE(vt_maps_open() == 0);
	for (i = first; i < first + n && (uint32_t)(time(NULL) - start) < budget; i++) {
		gen_program(&g, i, fuzz_types[t].gen_as);
		fuzz_one(&g, i, fuzz_types[t].type, fuzz_types[t].prog_flags, &st, &fails);
	}
	vt_maps_close();
	printf("verifier_fuzz %s: %u/%u programs (%u accepted by the kernel): same verdict+errno %u, "
	       "same error line %u, identical level-1 log %u\n", fuzz_types[t].name, st.progs, n,
	       st.accepted, st.verdict, st.errline, st.log);
	CHECK_EQ(fails, 0);
	CHECK(st.progs > 0);
}

TEST(verifier_fuzz_socket_filter)
{
	fuzz_type(0);
}

TEST(verifier_fuzz_kprobe)
{
	fuzz_type(1);
}

TEST(verifier_fuzz_sched_cls)
{
	fuzz_type(2);
}

TEST(verifier_fuzz_tracepoint)
{
	fuzz_type(3);
}

TEST(verifier_fuzz_xdp)
{
	fuzz_type(4);
}

TEST(verifier_fuzz_raw_tracepoint)
{
	fuzz_type(5);
}

TEST(verifier_fuzz_sched_act)
{
	fuzz_type(6);
}

TEST(verifier_fuzz_syscall)
{
	fuzz_type(7);
}

/* The generator itself: deterministic, and hive accepts most of its programs. */
TEST(verifier_fuzz_generator)
{
	static struct gen a, b;
	struct vt_result h;
	uint32_t i, ok = 0;

	REQUIRE(vt_maps_open() == 0);
	for (i = 1; i <= 100; i++) {
		gen_program(&a, i, 3);
		gen_program(&b, i, 3);
		CHECK_EQ(a.cnt, b.cnt);
		CHECK(!memcmp(a.insn, b.insn, a.cnt * sizeof(a.insn[0])));
		REQUIRE(vt_hive(a.insn, a.cnt, 3, 0, 0, &h) == 0);
		ok += h.err == 0;
		vt_result_free(&h);
	}
	vt_maps_close();
	CHECK(ok >= 30);
}
