/*
 * test_bpf_diff.c - the engine of test_bpf_diff.h: runs a script of map
 * commands on the kernel and on hive, compares step by step.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness.h"
#include "hive/hive_bpf.h"
#include "test_bpf_diff.h"

#define NSLOTS 8
#define OUTMAX 16384

struct side {
	const char *name;
	long (*bpf)(int cmd, union bpf_attr *attr, unsigned size);
	int fds[NSLOTS];
};

struct res {
	long ret;      /* >= 0 success (handles are reported as 0) */
	int err;
	uint32_t len;
	uint8_t *out;
};

struct slot_meta {
	uint32_t type, ks, vs;
};

static long kernel_bpf(int cmd, union bpf_attr *attr, unsigned size)
{
	return syscall(SYS_bpf, cmd, attr, size);
}

static long hive_side_bpf(int cmd, union bpf_attr *attr, unsigned size)
{
	return hive_bpf(cmd, attr, size);
}

static int ncpus(void)
{
	return hive_num_possible_cpus();
}

static uint32_t sys_vsize(const struct slot_meta *m)
{
	switch (m->type) {
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
		return ((m->vs + 7) & ~7u) * (uint32_t)ncpus();
	case BPF_MAP_TYPE_PROG_ARRAY:
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
		return 4;
	default:
		return m->vs;
	}
}

static bool is_percpu(uint32_t t)
{
	return t == BPF_MAP_TYPE_PERCPU_HASH || t == BPF_MAP_TYPE_LRU_PERCPU_HASH ||
	       t == BPF_MAP_TYPE_PERCPU_ARRAY;
}

static void fill(uint8_t *buf, uint32_t len, uint64_t seed)
{
	memset(buf, 0, len);
	memcpy(buf, &seed, len < 8 ? len : 8);
}

static void fill_value(uint8_t *buf, const struct slot_meta *m, uint64_t seed)
{
	uint32_t sz = sys_vsize(m), cpu, stride = (m->vs + 7) & ~7u;

	memset(buf, 0, sz);
	if (!is_percpu(m->type)) {
		fill(buf, sz, seed);
		return;
	}
	for (cpu = 0; cpu < (uint32_t)ncpus(); cpu++)
		fill(buf + cpu * stride, m->vs, seed + cpu);
}

static void put(struct res *r, const void *p, uint32_t n)
{
	if (r->len + n > OUTMAX)
		n = OUTMAX - r->len;
	memcpy(r->out + r->len, p, n);
	r->len += n;
}

static int cmp_bytes(const void *a, const void *b, void *size)
{
	return memcmp(a, b, *(size_t *)size);
}

/* qsort of fixed-size records (the size passed through a global: qsort_r) */
static void sort_records(uint8_t *p, uint32_t n, size_t size)
{
	qsort_r(p, n, size, cmp_bytes, &size);
}

static void do_call(struct side *s, struct res *r, int cmd, union bpf_attr *a, unsigned size)
{
	errno = 0;
	r->ret = s->bpf(cmd, a, size);
	r->err = r->ret < 0 ? errno : 0;
}

static void run_op(struct side *s, const struct diff_op *o, struct slot_meta *meta, struct res *r)
{
	static uint8_t key[512], key2[512], val[65536], tok[512], tok2[512];
	static uint8_t keys[65536], vals[262144];
	struct slot_meta *m = o->slot >= 0 && o->slot < NSLOTS ? &meta[o->slot] : &meta[0];
	int fd = o->slot >= 0 && o->slot < NSLOTS ? s->fds[o->slot] : -1;
	uint32_t vsz = sys_vsize(m);
	union bpf_attr a;
	unsigned char raw[4200];

	memset(&a, 0, sizeof(a));
	r->len = 0;
	switch (o->op) {
	case D_CREATE:
		a.map_type = o->type;
		a.key_size = o->ks;
		a.value_size = o->vs;
		a.max_entries = o->max;
		a.map_flags = o->mflags;
		a.map_extra = o->extra;
		if (o->inner >= 0)
			a.inner_map_fd = (uint32_t)s->fds[o->inner];
		snprintf(a.map_name, sizeof(a.map_name), "m%d", o->slot);
		do_call(s, r, BPF_MAP_CREATE, &a, sizeof(a));
		if (r->ret >= 0) {
			if (s->fds[o->slot] >= 0)
				close(s->fds[o->slot]);
			s->fds[o->slot] = (int)r->ret;
			r->ret = 0;
		}
		m->type = o->type;
		m->ks = o->ks;
		m->vs = o->vs;
		return;
	case D_UPDATE:
		fill(key, m->ks, o->k);
		if (o->opt & VFD) {
			uint32_t v = o->v < NSLOTS ? (uint32_t)s->fds[o->v] : (uint32_t)o->v;

			memcpy(val, &v, 4);
		} else {
			fill_value(val, m, o->v);
		}
		a.map_fd = (uint32_t)fd;
		a.key = o->k == NOKEY ? 0 : (uint64_t)(uintptr_t)key;
		a.value = (uint64_t)(uintptr_t)val;
		a.flags = o->flags;
		do_call(s, r, BPF_MAP_UPDATE_ELEM, &a, sizeof(a));
		return;
	case D_LOOKUP:
	case D_LOOKUP_FL:
	case D_LOOKUP_DEL:
		fill(key, m->ks, o->k);
		if (m->type == BPF_MAP_TYPE_BLOOM_FILTER)
			fill_value(val, m, o->v ? o->v : o->k);
		else
			memset(val, 0, vsz + 8);
		a.map_fd = (uint32_t)fd;
		a.key = o->k == NOKEY ? 0 : (uint64_t)(uintptr_t)key;
		a.value = (uint64_t)(uintptr_t)val;
		a.flags = o->flags;
		do_call(s, r, o->op == D_LOOKUP_DEL ? BPF_MAP_LOOKUP_AND_DELETE_ELEM :
			BPF_MAP_LOOKUP_ELEM, &a, sizeof(a));
		if (!r->ret && !(o->opt & NOOUT))
			put(r, val, vsz);
		return;
	case D_DELETE:
		fill(key, m->ks, o->k);
		a.map_fd = (uint32_t)fd;
		a.key = o->k == NOKEY ? 0 : (uint64_t)(uintptr_t)key;
		do_call(s, r, BPF_MAP_DELETE_ELEM, &a, sizeof(a));
		return;
	case D_NEXT:
		fill(key, m->ks, o->k);
		memset(key2, 0xee, sizeof(key2));
		a.map_fd = (uint32_t)fd;
		a.key = o->k == NOKEY ? 0 : (uint64_t)(uintptr_t)key;
		a.next_key = (uint64_t)(uintptr_t)key2;
		do_call(s, r, BPF_MAP_GET_NEXT_KEY, &a, sizeof(a));
		if (!r->ret)
			put(r, key2, m->ks);
		return;
	case D_FREEZE:
		a.map_fd = (uint32_t)fd;
		do_call(s, r, BPF_MAP_FREEZE, &a, sizeof(a));
		return;
	case D_KEYS: {
		uint32_t n = 0;
		uint8_t *prev = NULL;

		while (n < 4096) {
			memset(&a, 0, sizeof(a));
			a.map_fd = (uint32_t)fd;
			a.key = (uint64_t)(uintptr_t)prev;
			a.next_key = (uint64_t)(uintptr_t)(keys + (size_t)n * m->ks);
			do_call(s, r, BPF_MAP_GET_NEXT_KEY, &a, sizeof(a));
			if (r->ret)
				break;
			prev = keys + (size_t)n * m->ks;
			n++;
		}
		if (o->opt & UNORDERED)
			sort_records(keys, n, m->ks);
		put(r, &n, 4);
		put(r, keys, n * m->ks);
		r->ret = n; /* the final errno is compared below */
		return;
	}
	case D_BLOOKUP:
	case D_BLOOKUP_DEL: {
		uint32_t total = 0, rounds = 0, recsz = m->ks + vsz;
		bool first = true;

		while (rounds++ < 1000) {
			memset(&a, 0, sizeof(a));
			a.batch.map_fd = (uint32_t)fd;
			a.batch.in_batch = first ? 0 : (uint64_t)(uintptr_t)tok;
			a.batch.out_batch = (uint64_t)(uintptr_t)tok2;
			a.batch.keys = (uint64_t)(uintptr_t)(keys + (size_t)total * m->ks);
			a.batch.values = (uint64_t)(uintptr_t)(vals + (size_t)total * vsz);
			a.batch.count = o->cnt;
			do_call(s, r, o->op == D_BLOOKUP ? BPF_MAP_LOOKUP_BATCH :
				BPF_MAP_LOOKUP_AND_DELETE_BATCH, &a, sizeof(a));
			if (!(o->opt & UNORDERED)) {
				put(r, &a.batch.count, 4);
				put(r, &r->err, 4);
			}
			/* the count is only meaningful on success or at the end */
			if (!r->ret || r->err == ENOENT)
				total += a.batch.count;
			if (r->ret)
				break;
			memcpy(tok, tok2, sizeof(tok));
			first = false;
		}
		{
			/* records key|value for comparison */
			static uint8_t recs[262144 + 65536];
			uint32_t i;

			if (o->opt & NOOUT) /* values are ids: not comparable */
				memset(vals, 0, (size_t)total * vsz);
			for (i = 0; i < total && (size_t)(i + 1) * recsz <= sizeof(recs); i++) {
				memcpy(recs + (size_t)i * recsz, keys + (size_t)i * m->ks, m->ks);
				memcpy(recs + (size_t)i * recsz + m->ks, vals + (size_t)i * vsz, vsz);
			}
			if (o->opt & UNORDERED)
				sort_records(recs, i, recsz);
			put(r, &total, 4);
			put(r, recs, i * recsz);
		}
		return;
	}
	case D_BUPDATE:
	case D_BDELETE: {
		uint32_t i;

		for (i = 0; i < o->cnt; i++) {
			fill(keys + (size_t)i * m->ks, m->ks, o->k + i);
			fill_value(vals + (size_t)i * vsz, m, o->v + i);
		}
		a.batch.map_fd = (uint32_t)fd;
		a.batch.keys = (uint64_t)(uintptr_t)keys;
		a.batch.values = (uint64_t)(uintptr_t)vals;
		a.batch.count = o->cnt;
		a.batch.elem_flags = o->flags;
		do_call(s, r, o->op == D_BUPDATE ? BPF_MAP_UPDATE_BATCH : BPF_MAP_DELETE_BATCH, &a,
			sizeof(a));
		put(r, &a.batch.count, 4);
		return;
	}
	case D_POKE: {
		union bpf_attr *pa = (union bpf_attr *)raw;

		memset(raw, 0, sizeof(raw));
		fill(key, m->ks, 0);
		switch (o->cmd) {
		case BPF_MAP_LOOKUP_BATCH:
		case BPF_MAP_UPDATE_BATCH:
		case BPF_MAP_DELETE_BATCH:
		case BPF_MAP_LOOKUP_AND_DELETE_BATCH:
			pa->batch.map_fd = (uint32_t)fd;
			pa->batch.keys = (uint64_t)(uintptr_t)keys;
			pa->batch.values = (uint64_t)(uintptr_t)vals;
			pa->batch.out_batch = (uint64_t)(uintptr_t)tok2;
			break;
		case BPF_OBJ_GET_INFO_BY_FD:
			pa->info.bpf_fd = (uint32_t)fd;
			pa->info.info = (uint64_t)(uintptr_t)vals;
			pa->info.info_len = 8;
			break;
		case BPF_MAP_GET_NEXT_ID:
		case BPF_MAP_GET_FD_BY_ID:
			pa->start_id = 0x7ffffff0;
			break;
		case BPF_MAP_CREATE:
			pa->map_type = BPF_MAP_TYPE_ARRAY;
			pa->key_size = 4;
			pa->value_size = 4;
			pa->max_entries = 1;
			break;
		default:
			pa->map_fd = (uint32_t)fd;
			pa->key = (uint64_t)(uintptr_t)key;
			pa->value = (uint64_t)(uintptr_t)val;
			break;
		}
		if (o->off < sizeof(raw))
			raw[o->off] |= 1;
		do_call(s, r, o->cmd, pa, o->size);
		if (r->ret > 0 && (o->cmd == BPF_MAP_CREATE || o->cmd == BPF_MAP_GET_FD_BY_ID)) {
			close((int)r->ret);
			r->ret = 0;
		}
		return;
	}
	case D_INFO: {
		struct bpf_map_info *info = (struct bpf_map_info *)vals;

		memset(vals, 0, 256);
		a.info.bpf_fd = (uint32_t)fd;
		a.info.info_len = 104;
		a.info.info = (uint64_t)(uintptr_t)vals;
		do_call(s, r, BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a));
		info->id = 0;
		put(r, &a.info.info_len, 4);
		put(r, vals, 104);
		return;
	}
	case D_CLOSE:
		if (fd >= 0)
			close(fd);
		s->fds[o->slot] = -1;
		r->ret = 0;
		r->err = 0;
		return;
	case D_REOPEN_RO: {
		struct bpf_map_info info;

		memset(&info, 0, sizeof(info));
		a.info.bpf_fd = (uint32_t)s->fds[o->v];
		a.info.info_len = sizeof(info);
		a.info.info = (uint64_t)(uintptr_t)&info;
		do_call(s, r, BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a));
		memset(&a, 0, sizeof(a));
		a.map_id = info.id;
		a.open_flags = (uint32_t)o->flags;
		do_call(s, r, BPF_MAP_GET_FD_BY_ID, &a, sizeof(a));
		if (r->ret >= 0) {
			if (s->fds[o->slot] >= 0)
				close(s->fds[o->slot]);
			s->fds[o->slot] = (int)r->ret;
			r->ret = 0;
		}
		meta[o->slot] = meta[o->v];
		return;
	}
	case D_OPEN: {
		/* 0: the cgroup v2 root, 1: a cgroup v1 or plain directory,
		 * 2: /dev/null */
		const char *paths[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/cpu", "/dev/null" };
		int f;

		if (!access("/sys/fs/cgroup/unified/cgroup.procs", F_OK))
			paths[0] = "/sys/fs/cgroup/unified";
		if (access(paths[1], F_OK))
			paths[1] = "/tmp";
		f = open(paths[o->v % 3], O_RDONLY | O_CLOEXEC);

		r->ret = f < 0 ? -1 : 0;
		r->err = f < 0 ? errno : 0;
		if (f >= 0) {
			if (s->fds[o->slot] >= 0)
				close(s->fds[o->slot]);
			s->fds[o->slot] = f;
		}
		memset(m, 0, sizeof(*m));
		return;
	}
	case D_PROG: {
		static const struct bpf_insn prog[2] = {
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
			{ .code = BPF_JMP | BPF_EXIT },
		};

		a.prog_type = o->type;
		a.insns = (uint64_t)(uintptr_t)prog;
		a.insn_cnt = 2;
		a.license = (uint64_t)(uintptr_t)"GPL";
		do_call(s, r, BPF_PROG_LOAD, &a, sizeof(a));
		if (r->ret >= 0) {
			if (s->fds[o->slot] >= 0)
				close(s->fds[o->slot]);
			s->fds[o->slot] = (int)r->ret;
			r->ret = 0;
		}
		memset(m, 0, sizeof(*m));
		return;
	}
	}
}

static const char *const op_names[] = {
	"CREATE", "UPDATE", "LOOKUP", "LOOKUP_FL", "DELETE", "NEXT", "LOOKUP_DEL", "FREEZE",
	"KEYS", "BLOOKUP", "BLOOKUP_DEL", "BUPDATE", "BDELETE", "POKE", "INFO", "CLOSE",
	"REOPEN", "PROG", "OPEN",
};

static void run_side(struct side *s, const struct diff_op *ops, int n, struct res *res)
{
	struct slot_meta meta[NSLOTS];
	int i;

	memset(meta, 0, sizeof(meta));
	for (i = 0; i < NSLOTS; i++)
		s->fds[i] = -1;
	for (i = 0; i < n; i++)
		run_op(s, &ops[i], meta, &res[i]);
	for (i = 0; i < NSLOTS; i++)
		if (s->fds[i] >= 0)
			close(s->fds[i]);
}

int diff_run(const char *name, const struct diff_op *ops, int n)
{
	struct side k = { "kernel", kernel_bpf, { 0 } }, h = { "hive", hive_side_bpf, { 0 } };
	struct res *rk = calloc((size_t)n, sizeof(*rk)), *rh = calloc((size_t)n, sizeof(*rh));
	int i, kernel = test_kernel_bpf_available(), bad = 0;

	if (!rk || !rh)
		return 0;
	for (i = 0; i < n; i++) {
		rk[i].out = malloc(OUTMAX);
		rh[i].out = malloc(OUTMAX);
	}
	run_side(&h, ops, n, rh);
	if (kernel)
		run_side(&k, ops, n, rk);
	for (i = 0; kernel && i < n && bad < 8; i++) {
		const char *opn = op_names[ops[i].op];

		if ((rk[i].ret < 0) != (rh[i].ret < 0) || rk[i].err != rh[i].err ||
		    (ops[i].op == D_KEYS && rk[i].ret != rh[i].ret)) {
			test_fail(name, i, "step %d %s slot %d: kernel ret %ld errno %d (%s), hive ret %ld errno %d (%s)",
				  i, opn, ops[i].slot, rk[i].ret, rk[i].err, strerror(rk[i].err),
				  rh[i].ret, rh[i].err, strerror(rh[i].err));
			bad++;
			continue;
		}
		if (rk[i].len != rh[i].len || memcmp(rk[i].out, rh[i].out, rk[i].len)) {
			uint32_t j = 0;

			while (j < rk[i].len && j < rh[i].len && rk[i].out[j] == rh[i].out[j])
				j++;
			test_fail(name, i, "step %d %s slot %d: output differs (kernel %u bytes, hive %u bytes, first difference at byte %u: %02x vs %02x)",
				  i, opn, ops[i].slot, rk[i].len, rh[i].len, j,
				  j < rk[i].len ? rk[i].out[j] : 0, j < rh[i].len ? rh[i].out[j] : 0);
			bad++;
		}
	}
	for (i = 0; i < n; i++) {
		free(rk[i].out);
		free(rh[i].out);
	}
	free(rk);
	free(rh);
	return !kernel;
}
