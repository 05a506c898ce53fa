/*
 * test_kernel_data.c - the conformance cases of tests/data run by the live
 * kernel (BPF_PROG_LOAD + BPF_PROG_TEST_RUN) and compared with hive.
 *
 * The kernel is the oracle, but it only runs what its verifier accepts:
 * cases it refuses (constant shifts >= width, zero divisors, recursion,
 * unaligned stack access, ...) are counted and named, never failed. Cases
 * that call the plugin's helpers 0..5 are not loaded at all: those ids are
 * different kernel helpers.
 *
 * test_run reports only 32 bits of r0, so each case is loaded twice: as is
 * (low half) and with "r0 >>= 32" inserted before every exit of the main
 * function (high half); jump and local-call offsets are recomputed around
 * the inserted instructions.
 *
 * How -- mem reaches the program (r1 = address, r2 = length):
 *  - STACK: a BPF_PROG_TYPE_SYSCALL program whose prologue copies the bytes
 *    to the bottom of its stack frame, r1 = r10 - 512, r2 = length. Stack
 *    pointers allow arithmetic, atomics and sign-extending loads.
 *  - CTX: the bytes are the syscall program's context (r1); tried when the
 *    stack copy is refused or too large.
 *  - PKT: programs with LD_ABS/LD_IND run as BPF_PROG_TYPE_SCHED_CLS with
 *    the bytes as the packet (they start with r6 = r1).
 * Cases without memory run as syscall programs with no context.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "data_case.h"
#include "harness.h"
#include "isa/isa.h"

#define STACK_COPY_MAX 256u
#define KLOG_SIZE (1u << 20)

enum strategy { KS_PLAIN, KS_STACK, KS_CTX, KS_PKT };

static const char *const strategy_name[] = { "plain", "stack", "ctx", "pkt" };

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* ---- program building ---------------------------------------------------- */

struct kprog {
	struct hive_insn *insns;
	uint32_t cnt;
};

/* The prologue that puts -- mem where @s wants it (see the file comment). */
static int build_prologue(const struct data_case *c, enum strategy s, struct kprog *p)
{
	uint32_t n = 0, i;

	p->insns = calloc(3 * c->mem_len + 8, sizeof(*p->insns));
	if (!p->insns)
		return -ENOMEM;
	if (s == KS_STACK) {
		for (i = 0; i < c->mem_len;) {
			int16_t off = (int16_t)(i - HIVE_STACK_SIZE);

			if (c->mem_len - i >= 8) {  /* r0 = 8 bytes; *(u64 *)(r10 + off) = r0 */
				uint64_t v = 0;
				int b;

				for (b = 7; b >= 0; b--)
					v = v << 8 | c->mem[i + b];
				p->insns[n++] = HIVE_LD_IMM64_LO(0, 0, v);
				p->insns[n++] = HIVE_LD_IMM64_HI(v);
				p->insns[n++] = HIVE_STX_MEM(HIVE_DW, 10, 0, off);
				i += 8;
			} else {                    /* *(u8 *)(r10 + off) = byte */
				p->insns[n++] = HIVE_ST_MEM(HIVE_B, 10, off, c->mem[i]);
				i++;
			}
		}
		p->insns[n++] = HIVE_MOV64_REG(1, 10);                           /* r1 = r10 */
		p->insns[n++] = HIVE_ALU64_IMM(HIVE_ADD, 1, -(int32_t)HIVE_STACK_SIZE); /* r1 -= 512 */
	}
	if (s == KS_STACK || s == KS_CTX)
		p->insns[n++] = HIVE_MOV64_IMM(2, (int32_t)c->mem_len);          /* r2 = length */
	p->cnt = n;
	return 0;
}

/* Start of the first subprogram (target of a local call), or cnt. */
static uint32_t main_end(const struct hive_insn *in, uint32_t cnt)
{
	uint32_t pc, end = cnt;

	for (pc = 0; pc < cnt; pc++) {
		if (in[pc].code == HIVE_OP_CALL && in[pc].src == HIVE_PSEUDO_CALL) {
			int64_t t = (int64_t)pc + in[pc].imm + 1;

			if (t >= 0 && t < end)
				end = (uint32_t)t;
		}
		if (in[pc].code == HIVE_OP_LDDW)
			pc++;
	}
	return end;
}

/*
 * build_prog - the prologue, then the case's instructions; with @high,
 * "r0 >>= 32" before each exit of the main function. Jumps and local calls
 * keep their targets: a jump to a patched exit lands on the inserted
 * shift. Returns 0 or -ENOMEM / -ERANGE (a target outside the program).
 */
static int build_prog(const struct data_case *c, const struct kprog *pro, bool high,
		      struct kprog *out)
{
	uint32_t end = high ? main_end(c->insns, c->cnt) : 0, pc, extra = 0;
	uint32_t *newpc = calloc(c->cnt, sizeof(*newpc));
	int err = 0;

	if (!newpc)
		return -ENOMEM;
	for (pc = 0; pc < c->cnt; pc++) {
		newpc[pc] = pro->cnt + pc + extra;
		if (pc < end && c->insns[pc].code == HIVE_OP_EXIT)
			extra++;
	}
	out->cnt = pro->cnt + c->cnt + extra;
	out->insns = calloc(out->cnt, sizeof(*out->insns));
	if (!out->insns) {
		free(newpc);
		return -ENOMEM;
	}
	memcpy(out->insns, pro->insns, pro->cnt * sizeof(*out->insns));
	for (pc = 0; pc < c->cnt; pc++) {
		struct hive_insn in = c->insns[pc];
		uint32_t at = newpc[pc];
		int64_t t = INT64_MIN, delta;

		if (pc < end && in.code == HIVE_OP_EXIT)  /* r0 >>= 32 */
			out->insns[at++] = HIVE_ALU64_IMM(HIVE_RSH, 0, 32);
		if (isa_is_jump(&in))
			t = isa_jump_target(&in, pc);
		else if (in.code == HIVE_OP_CALL && in.src == HIVE_PSEUDO_CALL)
			t = (int64_t)pc + in.imm + 1;
		if (t != INT64_MIN) {
			if (t < 0 || t >= c->cnt) {
				err = -ERANGE;
				break;
			}
			delta = (int64_t)newpc[t] - at - 1;
			if (in.code == HIVE_OP_JA32 || in.code == HIVE_OP_CALL)
				in.imm = (int32_t)delta;
			else if (delta >= INT16_MIN && delta <= INT16_MAX)
				in.off = (int16_t)delta;
			else
				err = -ERANGE;
		}
		out->insns[at] = in;
		if (in.code == HIVE_OP_LDDW && pc + 1 < c->cnt) {  /* second slot */
			pc++;
			out->insns[at + 1] = c->insns[pc];
		}
	}
	free(newpc);
	if (err) {
		free(out->insns);
		out->insns = NULL;
	}
	return err;
}

/* ---- load and run ----------------------------------------------------------- */

static uint32_t prog_type(enum strategy s)
{
	return s == KS_PKT ? BPF_PROG_TYPE_SCHED_CLS : BPF_PROG_TYPE_SYSCALL;
}

/* Last meaningful line of a verifier log, into @why. */
static void log_reason(const char *log, char *why, size_t len)
{
	const char *p = log, *best = NULL;
	size_t best_len = 0;

	while (*p) {
		size_t n = strcspn(p, "\n");

		if (n && strncmp(p, "processed ", 10) && strncmp(p, "verification time", 17) &&
		    strncmp(p, "stack depth", 11)) {
			best = p;
			best_len = n;
		}
		p += n + (p[n] ? 1 : 0);
	}
	snprintf(why, len, "%.*s", (int)(best_len > 160 ? 160 : best_len), best ? best : "");
}

/* BPF_PROG_LOAD; on refusal the verifier's reason is in @why. */
static int kload(const struct kprog *p, enum strategy s, char *why, size_t len)
{
	union bpf_attr attr;
	char *log;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = prog_type(s);
	attr.insns = (uintptr_t)p->insns;
	attr.insn_cnt = p->cnt;
	attr.license = (uintptr_t)"GPL";
	if (s != KS_PKT)
		attr.prog_flags = BPF_F_SLEEPABLE;  /* syscall programs must be sleepable */
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd >= 0)
		return fd;
	snprintf(why, len, "%s", strerror(errno));
	log = calloc(1, KLOG_SIZE);
	if (!log)
		return -1;
	attr.log_level = 1;
	attr.log_buf = (uintptr_t)log;
	attr.log_size = KLOG_SIZE;
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd >= 0) {  /* accepted with a log: should not happen, keep it */
		free(log);
		return fd;
	}
	if (log[0])
		log_reason(log, why, len);
	free(log);
	return -1;
}

/* BPF_PROG_TEST_RUN once; the 32-bit retval in @ret. */
static int krun(int fd, const struct data_case *c, enum strategy s, uint32_t *ret)
{
	union bpf_attr attr;
	uint8_t buf[512];
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = fd;
	if (s == KS_CTX || s == KS_PKT) {
		if (c->mem_len > sizeof(buf))
			return -E2BIG;
		memcpy(buf, c->mem, c->mem_len);
	}
	if (s == KS_CTX) {
		attr.test.ctx_in = (uintptr_t)buf;
		attr.test.ctx_size_in = (uint32_t)c->mem_len;
	} else if (s == KS_PKT) {
		attr.test.data_in = (uintptr_t)buf;
		attr.test.data_size_in = (uint32_t)c->mem_len;
		attr.test.repeat = 1;
	}
	err = sys_bpf(BPF_PROG_TEST_RUN, &attr);
	if (err)
		return -errno;
	*ret = attr.test.retval;
	return 0;
}

/*
 * Runs the case in the kernel with strategy @s: 1 with the full r0 in
 * @r0, 0 if the verifier refused it (reason in @why), or a negative
 * errno if the kernel loaded but could not run it.
 */
static int kernel_case(const struct data_case *c, enum strategy s, uint64_t *r0, char *why,
		       size_t len)
{
	struct kprog pro = { 0 }, lo = { 0 }, hi = { 0 };
	int fd_lo = -1, fd_hi = -1, ret = 0;
	uint32_t vlo = 0, vhi = 0;

	ret = build_prologue(c, s, &pro);
	if (!ret)
		ret = build_prog(c, &pro, false, &lo);
	if (!ret)
		ret = build_prog(c, &pro, true, &hi);
	if (ret) {
		snprintf(why, len, "cannot rewrite: %s", strerror(-ret));
		goto out;
	}
	fd_lo = kload(&lo, s, why, len);
	if (fd_lo < 0)
		goto out;
	fd_hi = kload(&hi, s, why, len);
	if (fd_hi < 0)
		goto out;
	ret = krun(fd_lo, c, s, &vlo);
	if (!ret)
		ret = krun(fd_hi, c, s, &vhi);
	if (ret) {
		snprintf(why, len, "BPF_PROG_TEST_RUN: %s", strerror(-ret));
		goto out;
	}
	*r0 = (uint64_t)vhi << 32 | vlo;
	ret = 1;
out:
	if (fd_lo >= 0)
		close(fd_lo);
	if (fd_hi >= 0)
		close(fd_hi);
	free(pro.insns);
	free(lo.insns);
	free(hi.insns);
	return ret;
}

static bool uses_packet(const struct data_case *c)
{
	uint32_t pc;

	for (pc = 0; pc < c->cnt; pc++) {
		uint8_t k = isa_table[c->insns[pc].code].kind;

		if (k == HIVE_K_LDABS || k == HIVE_K_LDIND)
			return true;
		if (c->insns[pc].code == HIVE_OP_LDDW)
			pc++;
	}
	return false;
}

/*
 * The case through every strategy that fits it until one is accepted:
 * 1 with @r0 and the strategy used, 0 if all were refused (first reason
 * in @why), negative on a run error.
 */
static int kernel_try(const struct data_case *c, uint64_t *r0, enum strategy *used, char *why,
		      size_t len)
{
	enum strategy order[2];
	char reason[256];
	int n = 0, i, ret = 0;

	if (uses_packet(c))
		order[n++] = KS_PKT;
	else if (!c->mem)
		order[n++] = KS_PLAIN;
	else if (c->error)   /* only the context keeps the bounds of -- mem */
		order[n++] = KS_CTX;
	else {
		if (c->mem_len <= STACK_COPY_MAX)
			order[n++] = KS_STACK;
		order[n++] = KS_CTX;
	}
	why[0] = 0;
	for (i = 0; i < n; i++) {
		reason[0] = 0;
		ret = kernel_case(c, order[i], r0, reason, sizeof(reason));
		if (!why[0] || ret)
			snprintf(why, len, "%s: %s", strategy_name[order[i]], reason);
		if (ret) {
			*used = order[i];
			return ret;
		}
	}
	return 0;
}

/* ---- the test ---------------------------------------------------------------- */

struct name_list {
	char *text;
	size_t len;
	FILE *f;
	int n;
};

static void list_add(struct name_list *l, const char *name, const char *why)
{
	if (!l->f)
		l->f = open_memstream(&l->text, &l->len);
	if (!l->f)
		return;
	fprintf(l->f, "%s%s", l->n ? ", " : "", name);
	if (why && getenv("HIVE_DATA_VERBOSE"))
		fprintf(l->f, " (%s)", why);
	l->n++;
}

static const char *list_text(struct name_list *l)
{
	if (l->f) {
		fclose(l->f);
		l->f = NULL;
	}
	return l->text ? l->text : "";
}

TEST(data_suite_kernel)
{
	struct name_list refused = { 0 }, helpers = { 0 }, err_ran = { 0 };
	int n, i, nres = 0, agree = 0, disagree = 0, nerr = 0, err_refused = 0;
	hive_print_fn old;
	char **paths;

	if (!test_kernel_bpf_available())
		SKIP("kernel bpf() not available");
	n = data_case_list(&paths);
	REQUIRE(n > 0);
	old = hive_set_print(NULL);
	for (i = 0; i < n; i++) {
		enum strategy used = KS_PLAIN;
		struct data_case c;
		struct outcome o;
		char why[512];
		uint64_t kr0 = 0;
		int ret;

		if (data_case_load(paths[i], &c)) {
			test_fail(__FILE__, __LINE__, "%s: %s", c.name, c.why);
			data_case_free(&c);
			continue;
		}
		if (data_case_calls_helper(&c)) {
			list_add(&helpers, c.name, NULL);
			data_case_free(&c);
			continue;
		}
		ret = kernel_try(&c, &kr0, &used, why, sizeof(why));
		if (c.error) {  /* hive reports an error: the kernel should refuse it (at
				 * load, or at test_run for a context too small) */
			nerr++;
			if (ret == 1)
				list_add(&err_ran, c.name, NULL);
			else
				err_refused++;
			data_case_free(&c);
			continue;
		}
		nres++;
		if (ret < 0) {
			test_fail(__FILE__, __LINE__, "%s: the kernel loaded but did not run it: %s",
				  c.name, why);
		} else if (ret == 0) {
			list_add(&refused, c.name, why);
		} else {
			data_case_exec(&c, HIVE_ENGINE_INTERP, true, &o);
			if (kr0 == c.result && o.stage == STAGE_OK && o.r0 == kr0) {
				agree++;
			} else {
				disagree++;
				test_fail(__FILE__, __LINE__, "%s (%s): kernel r0 = 0x%" PRIx64
					  ", hive %s0x%" PRIx64 ", expected 0x%" PRIx64, c.name,
					  strategy_name[used], kr0,
					  o.stage == STAGE_OK ? "r0 = " : "failed, ", o.stage == STAGE_OK ?
					  o.r0 : (uint64_t)(int64_t)o.err, c.result);
			}
		}
		data_case_free(&c);
	}
	hive_set_print(old);
	data_case_list_free(paths, n);
	printf("      kernel: %d cases with a result: %d run by the kernel (%d agree with hive and "
	       "the expected r0, %d disagree), %d refused by the verifier\n", nres,
	       agree + disagree, agree, disagree, refused.n);
	printf("      kernel: refused: %s\n", list_text(&refused));
	printf("      kernel: %d cases not loaded (plugin helpers 0..5): %s\n", helpers.n,
	       list_text(&helpers));
	printf("      kernel: %d error cases: %d refused by the kernel too, %d accepted%s%s\n", nerr,
	       err_refused, err_ran.n, err_ran.n ? ": " : "", list_text(&err_ran));
	free(refused.text);
	free(helpers.text);
	free(err_ran.text);
}
