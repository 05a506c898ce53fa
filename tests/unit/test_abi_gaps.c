/*
 * test_abi_gaps.c - bpf() ABI corners against the live kernel: wild user
 * pointers in union bpf_attr (NULL, (void *)1, an inaccessible page, a
 * read-only page for outputs) give the kernel's errno instead of a crash,
 * and the inner map a map-in-map lookup returns to a program is not
 * memory the program may read or write.
 */
#include <sys/mman.h>

#include "loader_testutil.h"
#include "hive/hive_insn.h"
#include "util/util.h"

static int map_create(int k, uint32_t type, uint32_t ks, uint32_t vs, uint32_t max, int inner)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = ks;
	a.value_size = vs;
	a.max_entries = max;
	a.inner_map_fd = (uint32_t)inner;
	return lt_bpf(k, BPF_MAP_CREATE, &a);
}

static int elem_cmd(int k, int cmd, int fd, uint64_t key, uint64_t value, uint64_t flags)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	a.key = key;
	a.value = value;
	a.flags = flags;
	return lt_bpf(k, cmd, &a);
}

static int batch_cmd(int k, int cmd, int fd, uint64_t in, uint64_t out, uint64_t keys,
		     uint64_t values, uint32_t count)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.batch.map_fd = (uint32_t)fd;
	a.batch.in_batch = in;
	a.batch.out_batch = out;
	a.batch.keys = keys;
	a.batch.values = values;
	a.batch.count = count;
	return lt_bpf(k, cmd, &a);
}

/*
 * Three bad pointers: (void *)1, a PROT_NONE page (not unmapped: hive maps
 * objects and could reuse the range) and a read-only page (fine to read,
 * EFAULT to write). Free with free_bad().
 */
static void make_bad(uint64_t bad[3])
{
	void *none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	bad[0] = 1;
	bad[1] = none == MAP_FAILED ? 2 : (uintptr_t)none;
	bad[2] = ro == MAP_FAILED ? 3 : (uintptr_t)ro;
}

static void free_bad(const uint64_t bad[3])
{
	munmap((void *)(uintptr_t)bad[1], 4096);
	munmap((void *)(uintptr_t)bad[2], 4096);
}

/* Element, batch and info commands with bad pointers in each pointer
 * field: hive answers what the kernel answers (and does not crash). */
TEST(abi_wild_pointers_vs_kernel)
{
	uint64_t good_key = 1, good_val = 7, bad[3];
	static const uint32_t types[] = { BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_ARRAY };
	int compared = 0;

	if (!test_kernel_bpf_available())
		SKIP("the kernel's bpf() is not available");
	lt_private_hive_fs();
	make_bad(bad);
	for (size_t t = 0; t < HIVE_ARRAY_SIZE(types); t++) {
		int fd[2];

		for (int k = 0; k < 2; k++) {
			fd[k] = map_create(k, types[t], 4, 8, 4, 0);
			REQUIRE(fd[k] >= 0);
			CHECK_EQ(elem_cmd(k, BPF_MAP_UPDATE_ELEM, fd[k], (uintptr_t)&good_key,
					  (uintptr_t)&good_val, 0), 0);
		}
		for (size_t b = 0; b < HIVE_ARRAY_SIZE(bad); b++) {
			/* which argument is bad: key, value, next_key, info, batch fields */
			for (int what = 0; what < 11; what++) {
				int r[2];

				for (int k = 0; k < 2; k++) {
					uint8_t out[64], keys[64], vals[64];
					union bpf_attr a;
					uint32_t zero = 0;

					switch (what) {
					case 0:
						r[k] = elem_cmd(k, BPF_MAP_LOOKUP_ELEM, fd[k], bad[b], (uintptr_t)out, 0);
						break;
					case 1:
						r[k] = elem_cmd(k, BPF_MAP_LOOKUP_ELEM, fd[k], (uintptr_t)&good_key, bad[b], 0);
						break;
					case 2:
						r[k] = elem_cmd(k, BPF_MAP_UPDATE_ELEM, fd[k], bad[b], (uintptr_t)&good_val, 0);
						break;
					case 3:
						r[k] = elem_cmd(k, BPF_MAP_UPDATE_ELEM, fd[k], (uintptr_t)&good_key, bad[b], 0);
						break;
					case 4:
						r[k] = elem_cmd(k, BPF_MAP_DELETE_ELEM, fd[k], bad[b], 0, 0);
						break;
					case 5:
						memset(&a, 0, sizeof(a));
						a.map_fd = (uint32_t)fd[k];
						a.key = (uintptr_t)&zero;
						a.next_key = bad[b];
						r[k] = lt_bpf(k, BPF_MAP_GET_NEXT_KEY, &a);
						break;
					case 6:
						memset(&a, 0, sizeof(a));
						a.map_fd = (uint32_t)fd[k];
						a.key = bad[b];
						a.next_key = (uintptr_t)out;
						r[k] = lt_bpf(k, BPF_MAP_GET_NEXT_KEY, &a);
						break;
					case 7:
						memset(&a, 0, sizeof(a));
						a.info.bpf_fd = (uint32_t)fd[k];
						a.info.info = bad[b];
						a.info.info_len = 64;
						r[k] = lt_bpf(k, BPF_OBJ_GET_INFO_BY_FD, &a);
						break;
					case 8:
						r[k] = batch_cmd(k, BPF_MAP_LOOKUP_BATCH, fd[k], 0, (uintptr_t)out, bad[b],
								 (uintptr_t)vals, 4);
						break;
					case 9:
						r[k] = batch_cmd(k, BPF_MAP_LOOKUP_BATCH, fd[k], 0, bad[b], (uintptr_t)keys,
								 (uintptr_t)vals, 4);
						break;
					default:
						r[k] = batch_cmd(k, BPF_MAP_UPDATE_BATCH, fd[k], 0, 0, bad[b], (uintptr_t)vals, 1);
						break;
					}
				}
				compared++;
				if (r[0] != r[1])
					test_fail(__FILE__, __LINE__, "%s: case %d, pointer %zu: hive %d, kernel %d",
						  types[t] == BPF_MAP_TYPE_HASH ? "hash" : "array", what, b, r[0], r[1]);
			}
		}
		close(fd[0]);
		close(fd[1]);
	}
	free_bad(bad);
	CHECK(compared == 66);
}

/* OBJ_PIN and OBJ_GET with bad path pointers: NULL, (void *)1, an
 * unmapped page, "", a string running into an unmapped page. */
TEST(abi_path_pointers_vs_kernel)
{
	uint8_t *pages, *unmapped;
	uint64_t paths[5];

	if (!test_kernel_bpf_available())
		SKIP("the kernel's bpf() is not available");
	lt_private_hive_fs();
	pages = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(pages != MAP_FAILED);
	unmapped = pages + 4096;
	/* PROT_NONE, not unmapped: hive maps objects and could reuse the range */
	REQUIRE(mprotect(unmapped, 4096, PROT_NONE) == 0);
	memset(pages, 'a', 4096); /* no NUL before the hole */
	paths[0] = 0;
	paths[1] = 1;
	paths[2] = (uintptr_t)unmapped;
	paths[3] = (uintptr_t)"";
	paths[4] = (uintptr_t)(unmapped - 16);
	for (size_t i = 0; i < HIVE_ARRAY_SIZE(paths); i++) {
		for (int cmd = 0; cmd < 2; cmd++) {
			int r[2];

			for (int k = 0; k < 2; k++) {
				int fd = map_create(k, BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0);
				union bpf_attr a;

				REQUIRE(fd >= 0);
				memset(&a, 0, sizeof(a));
				a.pathname = paths[i];
				a.bpf_fd = cmd ? 0 : (uint32_t)fd;
				r[k] = lt_bpf(k, cmd ? BPF_OBJ_GET : BPF_OBJ_PIN, &a);
				if (r[k] >= 0 && cmd)
					close(r[k]);
				close(fd);
			}
			if (r[0] != r[1])
				test_fail(__FILE__, __LINE__, "%s, path %zu: hive %d, kernel %d",
					  cmd ? "OBJ_GET" : "OBJ_PIN", i, r[0], r[1]);
		}
	}
	munmap(pages, 8192);
}

/* PROG_LOAD and program info with bad pointers: log_buf, insns, license,
 * fd_array, info; for programs the kernel accepts and refuses. */
TEST(abi_prog_pointers_vs_kernel)
{
	static const struct hive_insn ok[] = { HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN() };
	static const struct hive_insn unknown[] = { HIVE_CALL_HELPER(10000), HIVE_EXIT_INSN() };
	uint64_t bad[3];

	if (!test_kernel_bpf_available())
		SKIP("the kernel's bpf() is not available");
	lt_private_hive_fs();
	make_bad(bad);
	for (size_t b = 0; b < HIVE_ARRAY_SIZE(bad); b++) {
		for (int what = 0; what < 6; what++) {
			int r[2];

			for (int k = 0; k < 2; k++) {
				int map = map_create(k, BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0);
				struct hive_insn idx[] = {
					HIVE_LD_IMM64_LO(1, HIVE_PSEUDO_MAP_IDX, 0), HIVE_LD_IMM64_HI(0),
					HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN(),
				};
				union bpf_attr a;

				REQUIRE(map >= 0);
				memset(&a, 0, sizeof(a));
				a.prog_type = BPF_PROG_TYPE_XDP;
				a.insns = (uintptr_t)(what == 1 ? unknown : ok);
				a.insn_cnt = 2;
				a.license = (uintptr_t)"GPL";
				switch (what) {
				case 0: /* accepted program, log to a bad buffer */
				case 1: /* refused program, log to a bad buffer */
					a.log_buf = bad[b];
					a.log_size = 4096;
					a.log_level = 1;
					break;
				case 2:
					a.insns = bad[b];
					break;
				case 3:
					a.license = bad[b];
					break;
				case 4:
					a.insns = (uintptr_t)idx;
					a.insn_cnt = HIVE_ARRAY_SIZE(idx);
					a.fd_array = bad[b];
					break;
				default:
					break;
				}
				r[k] = lt_bpf(k, BPF_PROG_LOAD, &a);
				if (what == 5 && r[k] >= 0) {
					int fd = r[k];

					memset(&a, 0, sizeof(a));
					a.info.bpf_fd = (uint32_t)fd;
					a.info.info = bad[b];
					a.info.info_len = 64;
					r[k] = lt_bpf(k, BPF_OBJ_GET_INFO_BY_FD, &a);
					close(fd);
				} else if (r[k] >= 0) {
					close(r[k]);
					r[k] = 0;
				}
				close(map);
			}
			if (r[0] != r[1])
				test_fail(__FILE__, __LINE__, "case %d, pointer %zu: hive %d, kernel %d", what, b,
					  r[0], r[1]);
		}
	}
	free_bad(bad);
}

/*
 * A program that looks up an ARRAY_OF_MAPS slot and writes to the inner
 * map pointer as memory: the kernel's verifier refuses it (the value is
 * CONST_PTR_TO_MAP). hive refuses it at load (verifier) or stops the
 * checked run (the pointer is never granted). Using the pointer as a map
 * argument works in both. (Reads are not compared: the kernel lets
 * programs read struct bpf_map fields through BTF, which hive's struct
 * hive_map does not mirror; a checked run stops on them too.)
 */
TEST(abi_map_in_map_value_not_memory)
{
	for (int variant = 1; variant < 3; variant++) {
		int r[2] = { 0, 0 };
		uint32_t retval[2] = { 0, 0 };

		for (int k = 0; k < 2; k++) {
			int inner, outer, fd;
			uint32_t zero = 0, val = 42;

			if (k && !test_kernel_bpf_available())
				break;
			inner = map_create(k, BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0);
			REQUIRE(inner >= 0);
			CHECK_EQ(elem_cmd(k, BPF_MAP_UPDATE_ELEM, inner, (uintptr_t)&zero, (uintptr_t)&val, 0), 0);
			outer = map_create(k, BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 1, inner);
			REQUIRE(outer >= 0);
			CHECK_EQ(elem_cmd(k, BPF_MAP_UPDATE_ELEM, outer, (uintptr_t)&zero, (uintptr_t)&inner, 0), 0);
			{
				struct hive_insn prog[] = {
					HIVE_ST_MEM(HIVE_W, 10, -4, 0),
					HIVE_LD_IMM64_LO(1, HIVE_PSEUDO_MAP_FD, outer), HIVE_LD_IMM64_HI(0),
					HIVE_MOV64_REG(2, 10),
					HIVE_ALU64_IMM(HIVE_ADD, 2, -4),
					HIVE_CALL_HELPER(1),
					HIVE_JMP_IMM(HIVE_JEQ, 0, 0, 7),
					/* variant 1: write the inner map "value" */
					variant == 0 ? HIVE_LDX_MEM(HIVE_W, 0, 0, 0) : variant == 1 ? HIVE_ST_MEM(HIVE_W, 0, 0, 1) : HIVE_MOV64_REG(1, 0),
					/* variant 2: look up key 0 of the inner map */
					variant == 2 ? HIVE_MOV64_REG(2, 10) : HIVE_MOV64_IMM(0, 0),
					variant == 2 ? HIVE_ALU64_IMM(HIVE_ADD, 2, -4) : HIVE_MOV64_IMM(0, 0),
					variant == 2 ? HIVE_CALL_HELPER(1) : HIVE_MOV64_IMM(0, 0),
					variant == 2 ? HIVE_JMP_IMM(HIVE_JEQ, 0, 0, 2) : HIVE_MOV64_IMM(0, 0),
					variant == 2 ? HIVE_LDX_MEM(HIVE_W, 0, 0, 0) : HIVE_MOV64_IMM(0, 0),
					HIVE_EXIT_INSN(),
					HIVE_MOV64_IMM(0, 0),
					HIVE_EXIT_INSN(),
				};
				union bpf_attr a;
				uint8_t pkt[64] = { 0 };

				memset(&a, 0, sizeof(a));
				a.prog_type = BPF_PROG_TYPE_XDP;
				a.insns = (uintptr_t)prog;
				a.insn_cnt = HIVE_ARRAY_SIZE(prog);
				a.license = (uintptr_t)"GPL";
				fd = lt_bpf(k, BPF_PROG_LOAD, &a);
				r[k] = fd < 0 ? fd : 0;
				if (fd >= 0) {
					memset(&a, 0, sizeof(a));
					a.test.prog_fd = (uint32_t)fd;
					a.test.data_in = (uintptr_t)pkt;
					a.test.data_size_in = sizeof(pkt);
					r[k] = lt_bpf(k, BPF_PROG_TEST_RUN, &a);
					retval[k] = a.test.retval;
					close(fd);
				}
			}
			close(outer);
			close(inner);
		}
		if (variant == 2) {
			CHECK_EQ(r[0], 0);
			CHECK_EQ(retval[0], 42);
			if (test_kernel_bpf_available()) {
				CHECK_EQ(r[1], 0);
				CHECK_EQ(retval[1], 42);
			}
			continue;
		}
		if (test_kernel_bpf_available())
			CHECK_EQ(r[1], -EACCES);
		/* hive: refused at load like the kernel, or the checked run stops */
		if (r[0] != -EACCES && r[0] != -HIVE_EMEM)
			test_fail(__FILE__, __LINE__, "variant %d: hive %d (retval %u): the inner map was used as memory",
				  variant, r[0], retval[0]);
	}
}
