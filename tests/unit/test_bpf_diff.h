/*
 * test_bpf_diff.h - a small table-driven harness that runs one script of map
 * commands against the live kernel (syscall(SYS_bpf)) and against
 * hive_bpf(), and compares every step: return value (handle or not),
 * errno, and the bytes the command wrote (values, keys, counts, info).
 *
 * Maps are named by slot (0..7) so scripts do not depend on fd numbers.
 * Keys and values are built from 64-bit seeds written little-endian into
 * the first bytes (per-CPU values: seed + cpu in each CPU's slot); a value
 * marked VFD is the descriptor of another slot (fd maps).
 */
#ifndef HIVE_TEST_BPF_DIFF_H
#define HIVE_TEST_BPF_DIFF_H

#include <linux/bpf.h>
#include <stdint.h>

enum diff_opcode {
	D_CREATE,     /* slot = map_create(type, ks, vs, max, mflags, extra, inner slot) */
	D_UPDATE,     /* update(slot, key k, value v, flags) */
	D_LOOKUP,     /* lookup(slot, k): compare value bytes */
	D_LOOKUP_FL,  /* lookup with flags */
	D_DELETE,
	D_NEXT,       /* get_next_key(slot, k or NOKEY) */
	D_LOOKUP_DEL,
	D_FREEZE,
	D_KEYS,       /* walk every key from NULL; compare (sorted if UNORDERED) */
	D_BLOOKUP,    /* lookup batch of cnt, repeated until the map is exhausted */
	D_BLOOKUP_DEL,
	D_BUPDATE,    /* update batch: cnt keys k..k+cnt-1, values v.. */
	D_BDELETE,
	D_POKE,       /* raw cmd on slot's fd with byte @off set to 1, attr size @size */
	D_INFO,       /* get info (id zeroed before comparing) */
	D_CLOSE,
	D_REOPEN_RO,  /* slot = a BPF_F_RDONLY (flags) handle of slot v via GET_FD_BY_ID */
	D_PROG,       /* slot = a trivial program (r0 = 0; exit) of prog type @type */
	D_OPEN,       /* slot = open(path in .cmd's place: see DOPEN) */
};

#define NOKEY UINT64_MAX
#define UNORDERED 1u   /* D_KEYS/D_BLOOKUP: compare as sets */
#define NOOUT 2u       /* compare return and errno only */
#define VFD 4u         /* value is the fd of slot v */

struct diff_op {
	enum diff_opcode op;
	int slot;
	uint32_t type, ks, vs, max, mflags;
	uint64_t extra;
	int inner;
	uint64_t k, v, flags;
	uint32_t cnt;
	unsigned opt;
	int cmd;
	uint32_t off, size;
};

#define DC(s, t, KS, VS, MX, FL) \
	{ .op = D_CREATE, .slot = (s), .type = (t), .ks = (KS), .vs = (VS), .max = (MX), .mflags = (FL), .inner = -1 }
#define DCX(s, t, KS, VS, MX, FL, EX, IN) \
	{ .op = D_CREATE, .slot = (s), .type = (t), .ks = (KS), .vs = (VS), .max = (MX), .mflags = (FL), \
	  .extra = (EX), .inner = (IN) }
#define DU(s, K, V, F) { .op = D_UPDATE, .slot = (s), .k = (K), .v = (V), .flags = (F) }
#define DUFD(s, K, V, F) { .op = D_UPDATE, .slot = (s), .k = (K), .v = (V), .flags = (F), .opt = VFD }
#define DL(s, K) { .op = D_LOOKUP, .slot = (s), .k = (K) }
#define DLN(s, K) { .op = D_LOOKUP, .slot = (s), .k = (K), .opt = NOOUT }
#define DLF(s, K, F) { .op = D_LOOKUP_FL, .slot = (s), .k = (K), .flags = (F) }
#define DD(s, K) { .op = D_DELETE, .slot = (s), .k = (K) }
#define DN(s, K) { .op = D_NEXT, .slot = (s), .k = (K) }
#define DLD(s, K, F) { .op = D_LOOKUP_DEL, .slot = (s), .k = (K), .flags = (F) }
#define DF(s) { .op = D_FREEZE, .slot = (s) }
#define DK(s) { .op = D_KEYS, .slot = (s) }
#define DKU(s) { .op = D_KEYS, .slot = (s), .opt = UNORDERED }
#define DBL(s, N, O) { .op = D_BLOOKUP, .slot = (s), .cnt = (N), .opt = (O) }
#define DBLD(s, N, O) { .op = D_BLOOKUP_DEL, .slot = (s), .cnt = (N), .opt = (O) }
#define DBU(s, K, V, N) { .op = D_BUPDATE, .slot = (s), .k = (K), .v = (V), .cnt = (N) }
#define DBD(s, K, N) { .op = D_BDELETE, .slot = (s), .k = (K), .cnt = (N) }
#define DP(s, CMD, OFF, SZ) { .op = D_POKE, .slot = (s), .cmd = (CMD), .off = (OFF), .size = (SZ) }
#define DI(s) { .op = D_INFO, .slot = (s) }
#define DCL(s) { .op = D_CLOSE, .slot = (s) }
#define DOPEN(s, which) { .op = D_OPEN, .slot = (s), .v = (which) }
#define DPROG(s, t) { .op = D_PROG, .slot = (s), .type = (t) }
#define DRO(s, from, fl) { .op = D_REOPEN_RO, .slot = (s), .v = (from), .flags = (fl) }

/* LPM trie keys of 8 bytes: prefix length and an IPv4 address. */
#define LPMK(plen, a, b, c, d) \
	((uint64_t)(plen) | ((uint64_t)(a) << 32) | ((uint64_t)(b) << 40) | \
	 ((uint64_t)(c) << 48) | ((uint64_t)(d) << 56))

/*
 * Run @ops on both sides and compare. Returns 1 when the kernel is not
 * available (the caller SKIPs, hive side already ran), 0 otherwise;
 * mismatches are reported through the harness as failures naming the
 * step.
 */
int diff_run(const char *name, const struct diff_op *ops, int n);

#define DIFF_RUN(ops) diff_run(__func__, ops, (int)(sizeof(ops) / sizeof((ops)[0])))

#endif /* HIVE_TEST_BPF_DIFF_H */
