/*
 * test_data.c - the instruction conformance suite (tests/data/NAME.data) on
 * every hive engine, its opcode coverage, its portability to
 * bpf_conformance's own runner, and the hive-conformance plugin binary.
 *
 * Each case is assembled (or decoded from -- raw), loaded into a fresh VM
 * with the plugin protocol's test helpers (hive_vm_register_test_helpers),
 * and run with -- mem as the context (the engines enter with r1 = its
 * address, r2 = its size, as the plugin protocol wants) and the same bytes
 * as the packet of LD_ABS/LD_IND. A case passes when r0 equals -- result,
 * or when the load or the run fails with a message containing -- error.
 * Every failing case is reported by file name; any failure fails the test.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "data_case.h"
#include "harness.h"
#include "hive/hive_vm.h"
#include "isa/isa.h"

/* ---- capture of library messages ---------------------------------------- */

static char captured[2048];
static size_t captured_len;

static int capture(enum hive_print_level level, const char *fmt, va_list ap)
{
	int n;

	(void)level;
	if (captured_len >= sizeof(captured) - 1)
		return 0;
	n = vsnprintf(captured + captured_len, sizeof(captured) - captured_len, fmt, ap);
	if (n > 0)
		captured_len += (size_t)n < sizeof(captured) - captured_len ?
				(size_t)n : sizeof(captured) - 1 - captured_len;
	return n;
}

static void capture_reset(void)
{
	captured[0] = 0;
	captured_len = 0;
}

/* First line of the captured messages, for reports. */
static const char *first_message(void)
{
	static char line[256];

	snprintf(line, sizeof(line), "%.*s", (int)strcspn(captured, "\n"), captured);
	return line;
}

/* Whether @o is what @c expects; if not, why in @why. */
static bool judge(const struct data_case *c, const struct outcome *o, char *why, size_t len)
{
	static const char *const stage_name[] = { "ran", "load failed", "run failed" };

	if (c->has_result) {
		if (o->stage == STAGE_OK && o->r0 == c->result)
			return true;
		if (o->stage == STAGE_OK)
			snprintf(why, len, "r0 = 0x%" PRIx64 ", expected 0x%" PRIx64, o->r0, c->result);
		else
			snprintf(why, len, "%s: %s (%s), expected r0 = 0x%" PRIx64,
				 stage_name[o->stage], hive_strerror(o->err), first_message(), c->result);
		return false;
	}
	if (o->stage != STAGE_OK &&
	    (strstr(hive_strerror(o->err), c->error) || strstr(captured, c->error)))
		return true;
	if (o->stage == STAGE_OK)
		snprintf(why, len, "ran to r0 = 0x%" PRIx64 ", expected error '%s'", o->r0, c->error);
	else
		snprintf(why, len, "%s: %s (%s), expected error '%s'", stage_name[o->stage],
			 hive_strerror(o->err), first_message(), c->error);
	return false;
}

/*
 * Runs the whole suite on @engine; reports each failing case by name.
 * Unchecked (!checks): only the cases that expect a result, which stay in
 * their memory, so that they can run without runtime checks (on the
 * register interpreter when the engine is the interpreter).
 */
static void run_suite(enum hive_engine engine, bool checks, const char *engine_name)
{
	int n, i, npass = 0, nfail = 0;
	hive_print_fn old;
	char **paths;

	n = data_case_list(&paths);
	REQUIRE(n > 0);
	old = hive_set_print(capture);
	for (i = 0; i < n; i++) {
		struct data_case c;
		struct outcome o;
		char why[768];

		if (data_case_load(paths[i], &c)) {
			test_fail(__FILE__, __LINE__, "%s: %s", c.name, c.why);
			nfail++;
			data_case_free(&c);
			continue;
		}
		if (!checks && !c.has_result) {
			data_case_free(&c);
			continue;
		}
		capture_reset();
		data_case_exec(&c, engine, checks, &o);
		if (judge(&c, &o, why, sizeof(why))) {
			npass++;
		} else {
			test_fail(__FILE__, __LINE__, "%s (%s): %s", c.name, engine_name, why);
			nfail++;
		}
		data_case_free(&c);
	}
	hive_set_print(old);
	printf("      data suite on the %s: %d cases, %d passed, %d failed\n", engine_name,
	       npass + nfail, npass, nfail);
	data_case_list_free(paths, n);
}

TEST(data_suite_interp)
{
	run_suite(HIVE_ENGINE_INTERP, true, "interpreter");
}

/* The cases that expect a result, unchecked: the register interpreter
 * where the build has it (else interp.c without checks). */
TEST(data_suite_interp_unchecked)
{
	run_suite(HIVE_ENGINE_INTERP, false, "interpreter, unchecked");
}

TEST(data_suite_jit)
{
	const struct hive_insn probe[] = { HIVE_MOV64_IMM(0, 0), HIVE_EXIT_INSN() };
	struct hive_vm *vm = hive_vm_create();
	hive_print_fn old;
	int err;

	REQUIRE(vm);
	REQUIRE(hive_vm_set_engine(vm, HIVE_ENGINE_JIT) == 0);
	old = hive_set_print(NULL);
	err = hive_vm_load(vm, probe, 2);
	hive_set_print(old);
	hive_vm_destroy(vm);
	if (err == -HIVE_ENOJIT)
		SKIP("JIT engine not available (hive_vm_load: %s): data cases not run on the JIT",
		     hive_strerror(err));
	REQUIRE(err == 0);
	run_suite(HIVE_ENGINE_JIT, true, "JIT");
}

/* ---- coverage ------------------------------------------------------------ */

/*
 * An instruction form: the opcode byte plus the field that selects a
 * variant of it (off for sdiv/smod and movsx, imm for byte swaps and
 * atomics, src for calls). Legal selectors are found by asking
 * isa_check_insn, so nothing here lists opcodes or variants by hand.
 */
#define SEL_NONE 0x7fffffff

static int32_t selector(const struct hive_insn *in)
{
	switch (isa_table[in->code].kind) {
	case HIVE_K_DIV_K: case HIVE_K_DIV_X: case HIVE_K_MOV_X:
		return in->off;
	case HIVE_K_END: case HIVE_K_ATOMIC:
		return in->imm;
	case HIVE_K_CALL:
		return in->src;
	default:
		return SEL_NONE;
	}
}

/* Whether selector @sel is legal for opcode @code (other fields typical). */
static bool selector_legal(uint8_t code, int32_t sel)
{
	struct hive_insn in[2] = { { .code = code, .dst = 1, .src = 2 }, { 0 } };

	switch (isa_table[code].kind) {
	case HIVE_K_DIV_K: in[0].src = 0; in[0].imm = 1; in[0].off = (int16_t)sel; break;
	case HIVE_K_DIV_X: case HIVE_K_MOV_X: in[0].off = (int16_t)sel; break;
	case HIVE_K_END: in[0].src = 0; in[0].imm = sel; break;
	case HIVE_K_ATOMIC: in[0].imm = sel; break;
	case HIVE_K_CALL: in[0].dst = 0; in[0].src = (uint8_t)sel; break;
	default: return false;
	}
	return isa_check_insn(in, 2, 0, NULL, 0) == 0;
}

struct form_set {
	uint8_t seen_op[256];
	struct { uint8_t code; int32_t sel; } seen[1024];
	int nseen;
};

static void note_form(struct form_set *fs, const struct hive_insn *in)
{
	int32_t sel = selector(in);
	int i;

	fs->seen_op[in->code] = 1;
	if (sel == SEL_NONE)
		return;
	for (i = 0; i < fs->nseen; i++)
		if (fs->seen[i].code == in->code && fs->seen[i].sel == sel)
			return;
	if (fs->nseen < (int)(sizeof(fs->seen) / sizeof(fs->seen[0]))) {
		fs->seen[fs->nseen].code = in->code;
		fs->seen[fs->nseen].sel = sel;
		fs->nseen++;
	}
}

static bool form_seen(const struct form_set *fs, uint8_t code, int32_t sel)
{
	int i;

	for (i = 0; i < fs->nseen; i++)
		if (fs->seen[i].code == code && fs->seen[i].sel == sel)
			return true;
	return false;
}

TEST(data_suite_coverage)
{
	static struct form_set fs;
	int n, i, nops = 0, ops_hit = 0, nforms = 0, forms_hit = 0;
	char **paths;
	int code;

	n = data_case_list(&paths);
	REQUIRE(n > 0);
	for (i = 0; i < n; i++) {
		struct data_case c;
		uint32_t pc;

		if (!data_case_load(paths[i], &c)) {
			for (pc = 0; pc < c.cnt; pc++) {
				note_form(&fs, &c.insns[pc]);
				if (c.insns[pc].code == HIVE_OP_LDDW)
					pc++;
			}
		}
		data_case_free(&c);
	}
	data_case_list_free(paths, n);

	for (code = 0; code < 256; code++) {
		int32_t sel, lo = 0, hi = -1;

		if (isa_table[code].kind == HIVE_K_INVALID)
			continue;
		nops++;
		if (fs.seen_op[code])
			ops_hit++;
		else
			test_fail(__FILE__, __LINE__, "opcode 0x%02x (%s) appears in no case", code,
				  isa_table[code].name);
		switch (isa_table[code].kind) {
		case HIVE_K_DIV_K: case HIVE_K_DIV_X: case HIVE_K_MOV_X: case HIVE_K_END:
			hi = 64;
			break;
		case HIVE_K_ATOMIC:
			hi = 0xff;
			break;
		case HIVE_K_CALL:   /* kfunc calls (src 2) need kernel BTF: not in this format */
			hi = HIVE_PSEUDO_CALL;
			break;
		default:
			break;
		}
		for (sel = lo; sel <= hi; sel++) {
			if (!selector_legal((uint8_t)code, sel))
				continue;
			nforms++;
			if (form_seen(&fs, (uint8_t)code, sel))
				forms_hit++;
			else
				test_fail(__FILE__, __LINE__, "form 0x%02x (%s) selector %d appears in no case",
					  code, isa_table[code].name, sel);
		}
	}
	printf("      data suite coverage: %d/%d opcodes of insn_def.h, %d/%d selected variants "
	       "(sdiv/smod, movsx, bswap widths, atomic ops, call kinds)\n",
	       ops_hit, nops, forms_hit, nforms);
	CHECK_EQ(nops, HIVE_NUM_OPCODES);
}

/* ---- portability to bpf_conformance's runner ---------------------------- */

TEST(data_suite_format)
{
	int n, i, bad = 0;
	char **paths;

	n = data_case_list(&paths);
	REQUIRE(n > 0);
	for (i = 0; i < n; i++) {
		struct data_case c;
		char why[512];

		if (data_case_load(paths[i], &c)) {
			test_fail(__FILE__, __LINE__, "%s: %s", c.name, c.why);
			bad++;
		} else if (data_case_lint(paths[i], &c, why, sizeof(why))) {
			test_fail(__FILE__, __LINE__, "%s: %s", c.name, why);
			bad++;
		}
		data_case_free(&c);
	}
	data_case_list_free(paths, n);
	printf("      data suite format: %d files, %d unreadable by bpf_conformance's parser\n",
	       n, bad);
}

/* ---- the plugin binary --------------------------------------------------- */

/*
 * Runs @plugin as bpf_conformance's runner does: argv[1] = the memory in
 * hex, argv[2] = the plugin options, the program's bytes in hex on
 * stdin, r0 in hex (or an error message) on stdout, exit status 0 on
 * success. Returns the exit status (or -1) with stdout in @out.
 */
static int run_plugin(const char *plugin, const char *mem_hex, const char *options,
		      const char *prog_hex, char *out, size_t outlen)
{
	int in_pipe[2], out_pipe[2], status;
	size_t len = 0;
	ssize_t r;
	pid_t pid;

	if (pipe(in_pipe))
		return -1;
	if (pipe(out_pipe)) {
		close(in_pipe[0]);
		close(in_pipe[1]);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		if (devnull >= 0)  /* the plugin repeats its errors on stderr */
			dup2(devnull, 2);
		dup2(in_pipe[0], 0);
		dup2(out_pipe[1], 1);
		close(in_pipe[0]);
		close(in_pipe[1]);
		close(out_pipe[0]);
		close(out_pipe[1]);
		execl(plugin, plugin, mem_hex, options, (char *)NULL);
		_exit(127);
	}
	close(in_pipe[0]);
	close(out_pipe[1]);
	if (pid > 0) {
		if (write(in_pipe[1], prog_hex, strlen(prog_hex)) < 0 || write(in_pipe[1], "\n", 1) < 0)
			out[0] = 0;
	}
	close(in_pipe[1]);
	while (pid > 0 && len < outlen - 1 && (r = read(out_pipe[0], out + len, outlen - 1 - len)) > 0)
		len += (size_t)r;
	out[len] = 0;
	close(out_pipe[0]);
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* One case through the plugin; false with @why on a mismatch. */
static bool plugin_case(const char *plugin, const char *options, const struct data_case *c,
			char *why, size_t len)
{
	char *mem_hex = data_case_hex(c->mem, c->mem_len);
	char *prog_hex = data_case_hex(c->insns, (size_t)c->cnt * sizeof(*c->insns));
	char out[4096];
	bool ok = false;
	int status;

	if (!mem_hex || !prog_hex) {
		snprintf(why, len, "out of memory");
		goto out;
	}
	status = run_plugin(plugin, mem_hex, options, prog_hex, out, sizeof(out));
	out[strcspn(out, "\r\n")] = 0;
	if (c->has_result) {
		char *end;
		uint64_t v;

		errno = 0;
		v = strtoull(out, &end, 16);
		ok = status == 0 && !errno && end != out && v == c->result;
		if (!ok)
			snprintf(why, len, "exit %d, output '%.200s', expected 0x%" PRIx64, status, out,
				 c->result);
	} else {
		ok = status > 0 && strstr(out, c->error);
		if (!ok)
			snprintf(why, len, "exit %d, output '%.200s', expected an error with '%.200s'", status,
				 out, c->error);
	}
out:
	free(mem_hex);
	free(prog_hex);
	return ok;
}

/* The plugin on a sample of cases with @options; -1 if its JIT is missing. */
static int plugin_suite(const char *plugin, const char *options)
{
	int n, i, ran = 0, npass = 0;
	char **paths;

	n = data_case_list(&paths);
	if (n <= 0)
		return n;
	/* A sample: every fifth case, plus every case with memory (r1/r2 and
	 * memory faults are where a plugin is most likely to differ). */
	for (i = 0; i < n; i++) {
		struct data_case c;
		char why[1024];

		if (data_case_load(paths[i], &c) || (i % 5 && !c.mem)) {
			data_case_free(&c);
			continue;
		}
		if (plugin_case(plugin, options, &c, why, sizeof(why))) {
			npass++;
		} else if (!ran && strstr(why, "JIT not available")) {
			data_case_free(&c);
			data_case_list_free(paths, n);
			return -1;
		} else {
			test_fail(__FILE__, __LINE__, "%s via hive-conformance %s: %s", c.name, options,
				  why);
		}
		ran++;
		data_case_free(&c);
	}
	data_case_list_free(paths, n);
	printf("      hive-conformance %s: %d sampled cases, %d passed\n",
	       options[0] ? options : "(interpreter)", ran, npass);
	return 0;
}

TEST(data_conformance_plugin)
{
	const char *plugin = test_build_path("hive-conformance");

	if (access(plugin, X_OK))
		SKIP("%s is not built (tools/hive_conformance.c missing?)", plugin);
	REQUIRE(plugin_suite(plugin, "") == 0);
	if (plugin_suite(plugin, "--jit") < 0)
		printf("      hive-conformance --jit: JIT not available, not run\n");
}
