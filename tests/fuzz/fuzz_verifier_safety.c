/*
 * fuzz_verifier_safety.c - libFuzzer target: the verifier never accepts a
 * program that faults.
 *
 * The first 8 input bytes seed the verifier tests' structured generator
 * (tests/verifier/vgen.h), the next byte picks the program type; further
 * bytes, 8 at a time, overwrite instructions of the generated program (so
 * the fuzzer also explores programs no template makes). The program is
 * loaded through hive's BPF_PROG_LOAD (the verifier); when accepted it is
 * test-run on the interpreter in checked mode (HIVE_VM_CHECKS=1). A run
 * that faults is an unsafe accept: the target aborts with the listing.
 *
 *   make fuzz
 *   build/fuzz/fuzz_verifier_safety -max_total_time=600 corpus/
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hive/hive.h"
#include "hive/hive_asm.h"
#include "hive/hive_bpf.h"
#include "verifier/vtest.h"
#include "verifier/vgen.h"

int vt_map_fd[VT_NMAPS];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint32_t types[] = {
	BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_KPROBE, BPF_PROG_TYPE_SCHED_CLS,
	BPF_PROG_TYPE_TRACEPOINT, BPF_PROG_TYPE_XDP, BPF_PROG_TYPE_RAW_TRACEPOINT,
};

/* The vgen maps, created once in a private hive fs. */
static int setup(void)
{
	static char dir[] = "/tmp/hive-fuzz-vsafety-XXXXXX";
	union bpf_attr a;

	if (!mkdtemp(dir))
		return -1;
	setenv("HIVE_FS", dir, 1);
	setenv("HIVE_VM_CHECKS", "1", 1);
	setenv("HIVE_ENGINE", "interp", 1);
	for (int i = 0; i < VT_NMAPS; i++) {
		vt_map_attr(i, &a);
		vt_map_fd[i] = hive_bpf(BPF_MAP_CREATE, &a, sizeof(a));
		if (vt_map_fd[i] < 0)
			return -1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gen g;
	static int ready;
	static uint8_t pkt[128], ctx[512];
	uint64_t seed = 0;
	uint32_t pt;
	union bpf_attr a;
	int fd, err;

	if (!ready) {
		if (setup())
			abort();
		ready = 1;
	}
	if (size < 9)
		return 0;
	memcpy(&seed, data, 8);
	pt = types[data[8] % (sizeof(types) / sizeof(types[0]))];
	gen_program(&g, seed, pt);
	for (size_t off = 9, i = 0; off + 8 <= size && i < g.cnt; off += 8, i += 1 + data[off] % 8)
		memcpy(&g.insn[(i + seed) % g.cnt], data + off, 8);
	memset(&a, 0, sizeof(a));
	a.prog_type = pt;
	a.insns = (uintptr_t)g.insn;
	a.insn_cnt = g.cnt;
	a.license = (uintptr_t)"GPL";
	fd = hive_bpf(BPF_PROG_LOAD, &a, sizeof(a));
	if (fd < 0)
		return 0;
	memset(&a, 0, sizeof(a));
	memset(ctx, 0, sizeof(ctx));
	a.test.prog_fd = (uint32_t)fd;
	if (pt == BPF_PROG_TYPE_SOCKET_FILTER || pt == BPF_PROG_TYPE_SCHED_CLS ||
	    pt == BPF_PROG_TYPE_XDP) {
		a.test.data_in = (uintptr_t)pkt;
		a.test.data_size_in = sizeof(pkt);
	} else {
		a.test.ctx_in = (uintptr_t)ctx;
		a.test.ctx_size_in = pt == BPF_PROG_TYPE_KPROBE ? 168 : 64;
	}
	err = hive_bpf(BPF_PROG_TEST_RUN, &a, sizeof(a)) ? errno : 0;
	close(fd);
	/* kprobe and tracepoint programs have no test run (ENOTSUPP, 524) */
	if (err && err != EOPNOTSUPP && err != 524) {
		char *text = NULL;

		hive_disasm(g.insn, g.cnt, HIVE_DISASM_XLATED, 0, &text);

		fprintf(stderr, "verifier accepted a program that faults (type %u): %s\n%s", pt,
			hive_strerror(-err), text ? text : "");
		free(text);
		abort();
	}
	return 0;
}
