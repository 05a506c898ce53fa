/*
 * disasm.c - `hive disasm`: print raw eBPF instructions as text, in the
 * format of `bpftool prog dump xlated` (default) or in the bpf_conformance
 * syntax that `hive asm` reads back.
 *
 *   hive [-j|-p] disasm [FILE | -] [--conformance] [--opcodes] [--labels] [--hex]
 *   hive disasm [FILE | -] --jit [--checked] [--opcodes] [--hex]
 *
 * Input is raw little-endian instructions, or with --hex, hex bytes as text
 * (whitespace, commas, 0x prefixes and # comments ignored). --jit compiles
 * the program with hive's JIT and prints each instruction followed by the
 * x86-64 code generated for it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hive/hive_asm.h"
#include "hive/hive_vm.h"

static int usage(FILE *f)
{
	fprintf(f, "Usage: hive [-j|-p] disasm [FILE | -] [--conformance] [--opcodes] [--labels] [--hex]\n"
		   "       hive disasm help\n\n"
		   "Print raw eBPF instructions as text.\n\n"
		   "  FILE           raw 8-byte little-endian instructions; '-' or nothing reads stdin\n"
		   "  --hex          the input is hex text (\"b7 00 00 00 00 00 00 00 ...\")\n"
		   "  --conformance  bpf_conformance/uBPF syntax, one instruction per line\n"
		   "                 (default: the text of 'bpftool prog dump xlated')\n"
		   "  --opcodes      add the raw bytes of each instruction, as bpftool's 'opcodes'\n"
		   "  --labels       with --conformance: name jump targets with labels\n"
		   "  --jit          compile with hive's x86-64 JIT and show the code of each\n"
		   "                 instruction (--opcodes: with its bytes; --checked: the code of\n"
		   "                 an unverified program, with runtime checks)\n");
	return f == stderr;
}

/* Stand-ins so any program loads for --jit: the code is shown, never run. */
static uint64_t no_helper(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			  struct hive_run *run)
{
	(void)r1, (void)r2, (void)r3, (void)r4, (void)r5, (void)run;
	return 0;
}

static int no_ldimm(void *user, const struct hive_insn *insn, uint32_t pc, uint64_t *value)
{
	(void)user, (void)insn, (void)pc;
	*value = 0;
	return 0;
}

static struct hive_vm *no_tail(void *user, struct hive_run *run, uint64_t map, uint32_t index)
{
	(void)user, (void)run, (void)map, (void)index;
	return NULL;
}

/* --jit: load on the JIT engine, print hive_vm_dump_jited's listing. */
static int print_jit(const struct hive_insn *insns, uint32_t cnt, bool checked, bool bytes)
{
	struct hive_vm *vm = hive_vm_create();
	char *text = NULL;
	uint32_t pc;
	int r;

	if (!vm)
		return cli_error("out of memory");
	for (pc = 0; pc < cnt; pc++)
		if (insns[pc].code == 0x85 && insns[pc].src == 0 && insns[pc].imm >= 0 &&
		    insns[pc].imm != 12)
			hive_vm_register_helper(vm, (uint32_t)insns[pc].imm, NULL, no_helper);
	hive_vm_set_ldimm_resolver(vm, no_ldimm, NULL);
	hive_vm_set_tail_call(vm, no_tail, NULL);
	hive_vm_set_engine(vm, HIVE_ENGINE_JIT);
	hive_vm_set_checks(vm, checked);
	r = hive_vm_load(vm, insns, cnt);
	if (r) {
		r = cli_error("cannot compile: %s", hive_strerror(r));
		goto out;
	}
	r = hive_vm_dump_jited(vm, bytes ? HIVE_DUMP_JIT_BYTES : 0, &text);
	if (r) {
		r = cli_error("cannot disassemble the JIT code: %s", hive_strerror(r));
		goto out;
	}
	fputs(text, stdout);
	r = fflush(stdout) ? cli_error("write failed: %s", strerror(errno)) : 0;
out:
	free(text);
	hive_vm_destroy(vm);
	return r;
}

static int hexval(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/* Hex text to bytes, in place. Returns the byte count or -1 (*bad = offset). */
static long parse_hex(unsigned char *s, size_t len, size_t *bad)
{
	size_t i = 0, n = 0;

	while (i < len) {
		if (isspace(s[i]) || s[i] == ',') {
			i++;
		} else if (s[i] == '#') {
			while (i < len && s[i] != '\n')
				i++;
		} else if (s[i] == '0' && i + 1 < len && (s[i + 1] == 'x' || s[i + 1] == 'X') &&
			   i + 2 < len && isxdigit(s[i + 2])) {
			i += 2;
		} else if (isxdigit(s[i]) && i + 1 < len && isxdigit(s[i + 1])) {
			s[n++] = (unsigned char)(hexval(s[i]) << 4 | hexval(s[i + 1]));
			i += 2;
		} else {
			*bad = i;
			return -1;
		}
	}
	return (long)n;
}

/* bpftool's print_hex_data_json: ["0x00","0x01",...] */
static void json_bytes(const unsigned char *b, int n)
{
	int i;

	putchar('[');
	for (i = 0; i < n; i++)
		printf(i ? ",\"0x%02x\"" : "\"0x%02x\"", b[i]);
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

/* The shape of `bpftool -j prog dump xlated [opcodes]`, compact or -p pretty. */
static int print_json(const struct hive_insn *insns, uint32_t cnt, enum hive_disasm_style style,
		      int opcodes)
{
	const char *nl = cli_opts.pretty ? "\n" : "", *i2 = cli_opts.pretty ? "        " : "";
	const char *i3 = cli_opts.pretty ? "            " : "", *sp = cli_opts.pretty ? " " : "";
	char line[256];
	uint32_t pc;
	int n;

	for (pc = 0; pc < cnt; pc += (uint32_t)n) {   /* all or nothing: valid JSON */
		n = hive_disasm_insn(insns, cnt, pc, style, NULL, 0);
		if (n < 0)
			return cli_error("pc %u: cannot decode instruction (code 0x%02x)", pc,
					 insns[pc].code);
	}
	putchar('[');
	for (pc = 0; pc < cnt; pc += (uint32_t)n) {
		const unsigned char *b = (const unsigned char *)&insns[pc];

		n = hive_disasm_insn(insns, cnt, pc, style, line, sizeof(line));
		printf("%s{%s%s\"disasm\":%s", pc ? "," : "", nl, i2, sp);
		json_string(line);
		if (opcodes) {
			printf(",%s%s\"opcodes\":%s{%s", nl, i2, sp, nl);
			printf("%s\"code\":%s\"0x%02x\",%s", i3, sp, b[0], nl);
			printf("%s\"src_reg\":%s\"0x%x\",%s", i3, sp, b[1] >> 4, nl);
			printf("%s\"dst_reg\":%s\"0x%x\",%s", i3, sp, b[1] & 0xf, nl);
			printf("%s\"off\":%s", i3, sp);
			json_bytes(b + 2, 2);
			printf("%s%s],%s%s\"imm\":%s", nl, cli_opts.pretty ? i3 : "", nl, i3, sp);
			json_bytes(b + 4, n == 2 ? 12 : 4);
			printf("%s%s]%s%s}", nl, cli_opts.pretty ? i3 : "", nl, i2);
		}
		printf("%s%s}", nl, cli_opts.pretty ? "    " : "");
	}
	printf("%s]\n", nl);
	return 0;
}

int cmd_disasm(int argc, char **argv)
{
	enum hive_disasm_style style = HIVE_DISASM_XLATED;
	unsigned flags = 0;
	const char *in = NULL;
	unsigned char *data = NULL;
	size_t len = 0, bad = 0;
	char *text = NULL;
	uint32_t cnt, pc;
	int i, hex = 0, jit = 0, checked = 0, r;
	long n;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "help") && !in)
			return usage(stdout);
		if (!strcmp(argv[i], "--conformance"))
			style = HIVE_DISASM_CONFORMANCE;
		else if (!strcmp(argv[i], "--opcodes") || !strcmp(argv[i], "opcodes"))
			flags |= HIVE_DISASM_OPCODES;
		else if (!strcmp(argv[i], "--labels"))
			flags |= HIVE_DISASM_LABELS;
		else if (!strcmp(argv[i], "--hex"))
			hex = 1;
		else if (!strcmp(argv[i], "--jit"))
			jit = 1;
		else if (!strcmp(argv[i], "--checked"))
			checked = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_error("unknown option '%s'", argv[i]);
		else if (in)
			return cli_error("too many arguments: '%s'", argv[i]);
		else
			in = argv[i];
	}
	if (!in)
		in = "-";
	r = cli_read_file(in, &data, &len);
	if (r)
		return cli_error("can't read '%s': %s", in, strerror(-r));
	if (hex) {
		n = parse_hex(data, len, &bad);
		if (n < 0) {
			r = cli_error("'%s': not hex at byte %zu", in, bad);
			goto out;
		}
		len = (size_t)n;
	}
	if (len == 0 || len % 8 || len / 8 > UINT32_MAX) {
		r = cli_error("'%s': %zu bytes is not a whole number of 8-byte instructions", in, len);
		goto out;
	}
	cnt = (uint32_t)(len / 8);
	if (jit) {
		r = cli_opts.json ? cli_error("--jit has no JSON output") :
		    print_jit((struct hive_insn *)data, cnt, checked, !!(flags & HIVE_DISASM_OPCODES));
		goto out;
	}
	if (cli_opts.json) {
		r = print_json((struct hive_insn *)data, cnt, style, !!(flags & HIVE_DISASM_OPCODES));
		goto out;
	}
	r = hive_disasm((struct hive_insn *)data, cnt, style, flags, &text);
	if (r == -EINVAL) {
		char line[256];

		for (pc = 0; pc < cnt; pc += (uint32_t)r) {
			r = hive_disasm_insn((struct hive_insn *)data, cnt, pc, style, line,
					     sizeof(line));
			if (r < 0)
				break;
		}
		r = cli_error("pc %u: cannot decode instruction (code 0x%02x)%s", pc,
			      data[pc * 8], style == HIVE_DISASM_CONFORMANCE ?
			      " in conformance syntax" : "");
		goto out;
	}
	if (r) {
		r = cli_error("disassembly failed: %s", strerror(-r));
		goto out;
	}
	fputs(text, stdout);
	r = fflush(stdout) ? cli_error("write failed: %s", strerror(errno)) : 0;
out:
	free(text);
	free(data);
	return r;
}
