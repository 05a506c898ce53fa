/*
 * skel_user.c - a host program built against the skeleton that
 * `hive gen skeleton` writes for tests/progs/global_data.bpf.o
 * (tests/unit/test_cli_gen.c compiles and runs it). It sets a .rodata
 * constant before load, runs a program, and reads the global variables
 * through the skeleton's typed pointers. Exit 0 when everything matches;
 * otherwise it names the first mismatch on stderr.
 */
#include <stdio.h>
#include <string.h>

#include <linux/types.h>

struct pair {   /* the skeleton names the type; its user defines it */
	__u32 a;
	__u64 b;
};

#include "global_data.skel.h"

#define EXPECT(cond)                                                          \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "skel_user: line %d: %s\n", __LINE__, #cond); \
			return 1;                                             \
		}                                                             \
	} while (0)

static int run(struct hive_program *prog, unsigned *retval)
{
	unsigned char pkt[64] = { 0 };
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = (__u32)hive_program__fd(prog);
	attr.test.data_in = (__u64)(unsigned long)pkt;
	attr.test.data_size_in = sizeof(pkt);
	attr.test.repeat = 1;
	if (hive_bpf(BPF_PROG_TEST_RUN, &attr, sizeof(attr)))
		return -1;
	*retval = attr.test.retval;
	return 0;
}

int main(void)
{
	struct global_data_bpf *skel = global_data_bpf__open();
	unsigned ret;

	EXPECT(skel);
	/* initial values, before load */
	EXPECT(skel->rodata->cfg_mult == 3);
	EXPECT(skel->rodata->cfg_add == 0x1122334455ULL);
	EXPECT(skel->rodata->cfg_pair.a == 7 && skel->rodata->cfg_pair.b == 8);
	EXPECT(skel->data->calls == 100);
	EXPECT(skel->data->totals[3] == 4);
	EXPECT(skel->bss->zero_counter == 0);
	skel->rodata->cfg_mult = 5;
	EXPECT(global_data_bpf__load(skel) == 0);
	EXPECT(skel->rodata->cfg_mult == 5);
	EXPECT(run(skel->progs.global_rw, &ret) == 0);
	/* calls 100 -> 101 (odd: XDP_PASS), totals[0] += cfg_mult (rx_queue_index 0) */
	EXPECT(ret == 2);
	EXPECT(skel->data->calls == 101);
	EXPECT(skel->data->totals[0] == 1 + 5);
	EXPECT(skel->bss->zero_counter == 0x1122334455ULL);
	/* the program sees what user space writes */
	skel->data->calls = 7;
	EXPECT(run(skel->progs.global_rw, &ret) == 0);
	EXPECT(ret == 1 && skel->data->calls == 8);   /* even: XDP_DROP */
	EXPECT(run(skel->progs.global_ro, &ret) == 0);
	EXPECT(ret == 1);                             /* cfg_mult is 5, not 3: XDP_DROP */
	global_data_bpf__destroy(skel);
	printf("skeleton ok\n");
	return 0;
}
