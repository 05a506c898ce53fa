/*
 * prog_dump.c - a loaded program's instructions as bpftool shows them,
 * and BPF_PROG_TEST_RUN with bpftool's options (see prog_dump.h).
 *
 * xlated: the instructions BPF_OBJ_GET_INFO_BY_FD returns, one "%4d: "
 * line each in the kernel disassembler's text (hive_disasm_insn), with the
 * function signature and source line before the instructions that start
 * them when the program carries func/line info and BTF.
 *
 * visual: bpftool's cfg.c model. Functions start at 0 and at every
 * local-call target; a basic block starts at a function start, at a jump
 * target and after a conditional jump (calls and exits do not end blocks).
 * Each block has a fall-through edge to the next block unless it ends
 * with `goto`; jumps add an edge to their target; the last block falls
 * into EXIT.
 *
 * jited: the native code is disassembled with capstone (AT&T syntax, as
 * objdump) when hive is built with it.
 *
 * With --kernel the instructions are the kernel's: helper calls carry the
 * helper's address relative to __bpf_call_base and local calls the index
 * of the callee's JIT image, so their names come from /proc/kallsyms (as
 * bpftool's kernel_syms_*).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if __has_include(<capstone/capstone.h>)
#include <capstone/capstone.h>
#define HAVE_CAPSTONE 1
#else
#define HAVE_CAPSTONE 0
#endif

#include "btf_dump.h"
#include "common.h"
#include "hive/hive_asm.h"
#include "hive/hive_bpf.h"
#include "hive/hive_insn.h"
#include "prog_dump.h"
#include "sys.h"

#define BPF_CLASS_OF(code) ((code) & 0x07)
#define BPF_OP_OF(code) ((code) & 0xf0)

/* Everything GET_INFO returns about the code of one program. */
struct prog_code {
	struct bpf_prog_info info;
	void *buf;                        /* xlated or jited bytes */
	uint32_t len;
	uint64_t *ksyms;                  /* addresses of the JIT images (one per function) */
	uint32_t *flens;                  /* jited: bytes of each function (nr_jited_func_lens) */
	uint64_t *jlinfo;                 /* jited: address of each line_info record's code */
	char **text;                      /* xlated: disassembly per pc (NULL: 2nd lddw slot) */
	struct bpf_func_info *finfo;      /* nr info.nr_func_info, rec size info.func_info_rec_size */
	struct bpf_line_info *linfo;
	struct hive_btf *btf;
	/* jited dumps of hive's own programs: the eBPF instruction of each block */
	const struct prog_code *xl;       /* xlated code with text, or NULL */
	uint32_t *ioff;                   /* ioff[pc]: code offset of insn pc */
	uint32_t nio, next_insn;          /* entries of ioff; next to print */
};

static void code_free(struct prog_code *c)
{
	uint32_t i;

	if (c->text)
		for (i = 0; i < c->len / 8; i++)
			free(c->text[i]);
	free(c->text);
	free(c->ksyms);
	free(c->flens);
	free(c->jlinfo);
	free(c->ioff);
	free(c->buf);
	free(c->finfo);
	free(c->linfo);
	hive_btf__free(c->btf);
}

static int get_code(int fd, bool jited, struct prog_code *c)
{
	struct bpf_prog_info first;
	uint32_t len = sizeof(c->info);
	int err;

	memset(c, 0, sizeof(*c));
	err = cli_prog_info(fd, &first);
	if (err)
		return p_err("can't get prog info: %s", hive_strerror(err));
	c->len = jited ? first.jited_prog_len : first.xlated_prog_len;
	c->buf = calloc(1, c->len ? c->len : 1);
	if (first.nr_func_info && first.func_info_rec_size >= sizeof(struct bpf_func_info))
		c->finfo = calloc(first.nr_func_info, first.func_info_rec_size);
	if (first.nr_line_info && first.line_info_rec_size >= sizeof(struct bpf_line_info))
		c->linfo = calloc(first.nr_line_info, first.line_info_rec_size);
	if (first.nr_jited_ksyms)
		c->ksyms = calloc(first.nr_jited_ksyms, sizeof(uint64_t));
	if (jited && first.nr_jited_func_lens)
		c->flens = calloc(first.nr_jited_func_lens, sizeof(uint32_t));
	if (jited && first.nr_jited_line_info && first.jited_line_info_rec_size == 8)
		c->jlinfo = calloc(first.nr_jited_line_info, sizeof(uint64_t));
	if (!c->buf)
		return p_err("mem alloc failed");
	memset(&c->info, 0, sizeof(c->info));
	if (jited) {
		c->info.jited_prog_len = c->len;
		c->info.jited_prog_insns = (uint64_t)(uintptr_t)c->buf;
	} else {
		c->info.xlated_prog_len = c->len;
		c->info.xlated_prog_insns = (uint64_t)(uintptr_t)c->buf;
	}
	if (c->finfo) {
		c->info.nr_func_info = first.nr_func_info;
		c->info.func_info_rec_size = first.func_info_rec_size;
		c->info.func_info = (uint64_t)(uintptr_t)c->finfo;
	}
	if (c->linfo) {
		c->info.nr_line_info = first.nr_line_info;
		c->info.line_info_rec_size = first.line_info_rec_size;
		c->info.line_info = (uint64_t)(uintptr_t)c->linfo;
	}
	if (c->ksyms) {
		c->info.nr_jited_ksyms = first.nr_jited_ksyms;
		c->info.jited_ksyms = (uint64_t)(uintptr_t)c->ksyms;
	}
	if (c->flens) {
		c->info.nr_jited_func_lens = first.nr_jited_func_lens;
		c->info.jited_func_lens = (uint64_t)(uintptr_t)c->flens;
	}
	if (c->jlinfo) {
		c->info.nr_jited_line_info = first.nr_jited_line_info;
		c->info.jited_line_info_rec_size = 8;
		c->info.jited_line_info = (uint64_t)(uintptr_t)c->jlinfo;
	}
	err = cli_obj_info(fd, &c->info, &len);
	if (err)
		return p_err("can't get prog info: %s", hive_strerror(err));
	/* a program may have changed between the calls: keep what fits */
	if ((jited ? c->info.jited_prog_len : c->info.xlated_prog_len) < c->len)
		c->len = jited ? c->info.jited_prog_len : c->info.xlated_prog_len;
	if (c->info.nr_func_info > first.nr_func_info || !c->finfo)
		c->info.nr_func_info = c->finfo ? first.nr_func_info : 0;
	if (c->info.nr_line_info > first.nr_line_info || !c->linfo)
		c->info.nr_line_info = c->linfo ? first.nr_line_info : 0;
	if (c->info.nr_jited_ksyms > first.nr_jited_ksyms || !c->ksyms)
		c->info.nr_jited_ksyms = c->ksyms ? first.nr_jited_ksyms : 0;
	if (c->info.nr_jited_func_lens > first.nr_jited_func_lens || !c->flens)
		c->info.nr_jited_func_lens = c->flens ? first.nr_jited_func_lens : 0;
	if (c->info.nr_jited_line_info > first.nr_jited_line_info || !c->jlinfo)
		c->info.nr_jited_line_info = c->jlinfo ? first.nr_jited_line_info : 0;
	if (c->info.btf_id && (c->finfo || c->linfo)) {
		c->btf = cli_btf_load_by_id(c->info.btf_id);
		if (!c->btf)
			return p_err("failed to get btf");
	}
	return 0;
}

static const struct bpf_func_info *func_rec(const struct prog_code *c, uint32_t i)
{
	return (const void *)((const char *)c->finfo + (size_t)i * c->info.func_info_rec_size);
}

static const struct bpf_line_info *line_rec(const struct prog_code *c, uint32_t i)
{
	return (const void *)((const char *)c->linfo + (size_t)i * c->info.line_info_rec_size);
}

/* libbpf's bpf_prog_linfo__lfind: the last record from @skip on that starts at or before @pc. */
static const struct bpf_line_info *line_find(const struct prog_code *c, uint32_t pc, uint32_t skip)
{
	uint32_t i;

	if (!c->btf || skip >= c->info.nr_line_info || pc < line_rec(c, skip)->insn_off)
		return NULL;
	for (i = skip; i < c->info.nr_line_info && line_rec(c, i)->insn_off <= pc; i++)
		;
	return line_rec(c, i - 1);
}

static const char *ltrim(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	return s;
}

/* ---- kernel symbols (--kernel) -------------------------------------------------------- */

struct ksym {
	uint64_t addr;
	char *name;
};

static struct ksym *ksyms;
static size_t nksyms;
static uint64_t call_base;

static int ksym_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct ksym *)a)->addr, y = ((const struct ksym *)b)->addr;

	return x < y ? -1 : x > y;
}

/* /proc/kallsyms, sorted by address (once). */
static void ksyms_load(void)
{
	char line[512], name[256];
	unsigned long long addr;
	size_t cap = 0;
	FILE *f;
	char t;

	if (ksyms || !(f = fopen("/proc/kallsyms", "r")))
		return;
	while (fgets(line, sizeof(line), f)) {
		struct ksym *n;

		if (sscanf(line, "%llx %c %255s", &addr, &t, name) != 3)
			continue;
		if (!strcmp(name, "__bpf_call_base"))
			call_base = addr;
		if (nksyms == cap) {     /* geometric growth: ~200k symbols */
			size_t ncap = cap ? cap * 2 : 4096;

			n = realloc(ksyms, ncap * sizeof(*n));
			if (!n)
				break;
			ksyms = n;
			cap = ncap;
		}
		ksyms[nksyms].addr = addr;
		ksyms[nksyms].name = strdup(name);
		if (ksyms[nksyms].name)
			nksyms++;
	}
	fclose(f);
	qsort(ksyms, nksyms, sizeof(*ksyms), ksym_cmp);
}

static const char *ksym_at(uint64_t addr)
{
	struct ksym key = { addr, NULL }, *k;

	k = bsearch(&key, ksyms, nksyms, sizeof(*ksyms), ksym_cmp);
	return k && addr ? k->name : NULL;
}

/* Names of kernel calls in xlated code (hive_disasm_resolve_fn). */
static int kernel_call_name(void *ctx, const struct hive_insn *in, char *buf, size_t len)
{
	const struct prog_code *c = ctx;
	const char *name;
	uint64_t addr;

	if (in->code != (HIVE_JMP | HIVE_CALL))
		return 0;
	ksyms_load();
	if (in->src == HIVE_PSEUDO_CALL) {
		if (!c->info.nr_jited_ksyms || (uint32_t)in->imm >= c->info.nr_jited_ksyms) {
			snprintf(buf, len, "%+d", in->off);
			return 1;
		}
		addr = c->ksyms[in->imm];
		name = ksym_at(addr);
		if (name)
			snprintf(buf, len, "%+d#%s", in->off, name);
		else
			snprintf(buf, len, "%+d#0x%llx", in->off, (unsigned long long)addr);
		return 1;
	}
	if (in->src)
		return 0;
	addr = call_base + (uint64_t)(int64_t)in->imm;
	name = ksym_at(addr);
	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)addr);
	return 1;
}

/* The text of every instruction ("(op) ..."), from one disassembly of
 * the program (with kernel names under --kernel). */
static int disasm_all(struct prog_code *c)
{
	const struct hive_insn *in = c->buf;
	uint32_t cnt = c->len / 8, pc;
	char *out = NULL, *line, *save = NULL;
	int err;

	c->text = calloc(cnt ? cnt : 1, sizeof(char *));
	if (!c->text)
		return p_err("mem alloc failed");
	err = hive_disasm_resolved(in, cnt, HIVE_DISASM_XLATED, 0,
				   cli_kernel() ? kernel_call_name : NULL, c, &out);
	if (err)
		return p_err("can't disassemble the program: %s", hive_strerror(err));
	/* "%4d: (op) text" lines, in pc order */
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');

		pc = (uint32_t)strtoul(line, NULL, 10);
		if (!colon || pc >= cnt)
			continue;
		c->text[pc] = strdup(colon + 2);
	}
	free(out);
	for (pc = 0; pc < cnt; pc++) {
		if (c->text[pc] || (pc && in[pc - 1].code == (HIVE_LD | HIVE_IMM | HIVE_DW)))
			continue;
		c->text[pc] = malloc(32);
		if (c->text[pc])
			snprintf(c->text[pc], 32, "(%02x) unknown", in[pc].code);
	}
	return 0;
}

/* ---- xlated as text and JSON -------------------------------------------------------- */

static void print_line(const struct prog_code *c, const struct bpf_line_info *l, bool linum)
{
	const char *src = hive_btf__name_by_offset(c->btf, l->line_off);
	const char *file = hive_btf__name_by_offset(c->btf, l->file_name_off);

	if (!src)
		return;
	if (json_wtr) {
		jw_string_field(json_wtr, "src", ltrim(src));
		if (linum) {
			if (file)
				jw_string_field(json_wtr, "file", file);
			if (BPF_LINE_INFO_LINE_NUM(l->line_col))
				jw_int_field(json_wtr, "line_num", BPF_LINE_INFO_LINE_NUM(l->line_col));
			if (BPF_LINE_INFO_LINE_COL(l->line_col))
				jw_int_field(json_wtr, "line_col", BPF_LINE_INFO_LINE_COL(l->line_col));
		}
	} else if (linum) {
		printf("; %s [file:%s line_num:%u line_col:%u]\n", ltrim(src), file ? file : "",
		       BPF_LINE_INFO_LINE_NUM(l->line_col), BPF_LINE_INFO_LINE_COL(l->line_col));
	} else {
		printf("; %s\n", ltrim(src));
	}
}

static int dump_xlated(const struct prog_code *c, const struct prog_dump_opts *o)
{
	const struct hive_insn *in = c->buf;
	uint32_t cnt = c->len / 8, pc, frec = 0, lskip = 0;
	char text[256], sig[1024];

	if (!cnt)
		return p_err("error retrieving insn dump: no instructions returned");
	if (json_wtr)
		jw_start_array(json_wtr);
	for (pc = 0; pc < cnt; pc++) {
		bool wide = in[pc].code == (HIVE_LD | HIVE_IMM | HIVE_DW);
		const struct bpf_line_info *l;

		snprintf(text, sizeof(text), "%s", c->text[pc] ? c->text[pc] : "");
		if (json_wtr)
			jw_start_object(json_wtr);
		if (c->btf && frec < c->info.nr_func_info && func_rec(c, frec)->insn_off == pc) {
			cli_btf_type_only(c->btf, func_rec(c, frec)->type_id, sig, sizeof(sig));
			if (sig[0]) {
				if (json_wtr)
					jw_string_field(json_wtr, "proto", sig);
				else
					printf("%s:\n", sig);
			}
			frec++;
		}
		l = line_find(c, pc, lskip);
		if (l) {
			print_line(c, l, o->linum);
			lskip++;
		}
		if (json_wtr) {
			jw_string_field(json_wtr, "disasm", text);
			if (o->opcodes) {
				jw_name(json_wtr, "opcodes");
				jw_start_object(json_wtr);
				jw_name(json_wtr, "code");
				jw_printf(json_wtr, "\"0x%02x\"", in[pc].code);
				jw_name(json_wtr, "src_reg");
				jw_printf(json_wtr, "\"0x%x\"", in[pc].src);
				jw_name(json_wtr, "dst_reg");
				jw_printf(json_wtr, "\"0x%x\"", in[pc].dst);
				jw_name(json_wtr, "off");
				jw_hex_bytes(json_wtr, (const char *)&in[pc] + 2, 2);
				jw_name(json_wtr, "imm");
				if (wide && pc + 1 < cnt) {
					unsigned char imm[12];

					memcpy(imm, (const char *)&in[pc] + 4, 4);
					memcpy(imm + 4, &in[pc + 1], 8);
					jw_hex_bytes(json_wtr, imm, 12);
				} else {
					jw_hex_bytes(json_wtr, (const char *)&in[pc] + 4, 4);
				}
				jw_end_object(json_wtr);
			}
			jw_end_object(json_wtr);
		} else {
			printf("%4u: %s\n", pc, text);
			if (o->opcodes) {
				printf("       ");
				fprint_hex(stdout, &in[pc], 8, " ");
				if (wide && pc + 1 < cnt) {
					printf(" ");
					fprint_hex(stdout, &in[pc + 1], 8, " ");
				}
				printf("\n");
			}
		}
		if (wide)
			pc++;
	}
	if (json_wtr)
		jw_end_array(json_wtr);
	return 0;
}

/* ---- xlated as a DOT graph -------------------------------------------------------------- */

static bool is_jmp(uint8_t code)
{
	return BPF_CLASS_OF(code) == HIVE_JMP || BPF_CLASS_OF(code) == HIVE_JMP32;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Sort and deduplicate; returns the new count. */
static uint32_t uniq(uint32_t *v, uint32_t n)
{
	uint32_t i, k = 0;

	qsort(v, n, sizeof(*v), cmp_u32);
	for (i = 0; i < n; i++)
		if (!k || v[k - 1] != v[i])
			v[k++] = v[i];
	return k;
}

/* Index of the block starting at @pc in @heads[0..n), or -1. */
static int block_at(const uint32_t *heads, uint32_t n, uint32_t pc)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (heads[mid] == pc)
			return (int)mid;
		if (heads[mid] < pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static void graph_insn(const struct prog_code *c, uint32_t pc, bool first, bool opcodes)
{
	const struct hive_insn *in = c->buf;
	uint32_t cnt = c->len / 8;
	const char *text = c->text[pc] ? c->text[pc] : "", *p;

	printf("%s%4u: ", first ? "" : " | ", pc);
	for (p = text; *p; p++) {
		if (*p == '<' || *p == '>' || *p == '|' || *p == '&' || *p == '{' || *p == '}' ||
		    *p == '"' || *p == '\\')
			putchar('\\');
		putchar(*p);
	}
	printf("\\l\\\n");
	if (opcodes) {
		const unsigned char *b = (const unsigned char *)&in[pc];
		int i, n = in[pc].code == (HIVE_LD | HIVE_IMM | HIVE_DW) && pc + 1 < cnt ? 16 : 8;

		printf(" |       ");
		for (i = 0; i < n; i++)
			printf("%02x%s", b[i], i == n - 1 ? "" : " ");
		printf("\\l\\\n");
	}
}

static void edge(unsigned f, int from, int to)
{
	printf("\tfn_%u_bb_%d:s -> fn_%u_bb_%d:n [style=\"solid,bold\", color=black, weight=10, constraint=true];\n",
	       f, from, f, to);
}

/* One function [start, end] of the program as a DOT cluster. */
static int graph_func(const struct prog_code *c, unsigned f, uint32_t start, uint32_t end,
		      bool opcodes)
{
	const struct hive_insn *in = c->buf;
	uint32_t *heads = malloc(sizeof(uint32_t) * (2 * (end - start + 1) + 1)), n = 0, b, pc;

	if (!heads)
		return p_err("mem alloc failed");
	heads[n++] = start;
	for (pc = start; pc <= end; pc++) {
		uint8_t op = BPF_OP_OF(in[pc].code);
		int64_t t;

		if (!is_jmp(in[pc].code) || op == HIVE_EXIT || op == HIVE_CALL)
			continue;
		t = (int64_t)pc + in[pc].off + 1;
		if (t >= start && t <= end)
			heads[n++] = (uint32_t)t;
		if (op != HIVE_JA && pc + 1 <= end)
			heads[n++] = pc + 1;
	}
	n = uniq(heads, n);
	printf("subgraph \"cluster_%u\" {\n\tstyle=\"dashed\";\n\tcolor=\"black\";\n\tlabel=\"func_%u ()\";\n",
	       f, f);
	printf("\tfn_%u_bb_0 [shape=Mdiamond,style=filled,label=\"ENTRY\"];\n\n", f);
	for (b = 0; b < n; b++) {
		uint32_t last = b + 1 < n ? heads[b + 1] - 1 : end;

		printf("\tfn_%u_bb_%u [shape=record,style=filled,label=\"{", f, b + 2);
		for (pc = heads[b]; pc <= last; pc++) {
			graph_insn(c, pc, pc == heads[b], opcodes);
			if (in[pc].code == (HIVE_LD | HIVE_IMM | HIVE_DW))
				pc++;
		}
		printf("}\"];\n\n");
	}
	printf("\tfn_%u_bb_1 [shape=Mdiamond,style=filled,label=\"EXIT\"];\n\n", f);
	edge(f, 0, 2);
	for (b = 0; b < n; b++) {
		uint32_t tail = b + 1 < n ? heads[b + 1] - 1 : end;
		int next = b + 1 < n ? (int)b + 3 : 1;
		uint8_t op = BPF_OP_OF(in[tail].code);
		/* the second slot of an lddw is data, not a jump */
		bool jmp = is_jmp(in[tail].code) &&
			   !(tail > heads[b] && in[tail - 1].code == (HIVE_LD | HIVE_IMM | HIVE_DW));
		int to;

		if (!jmp || op == HIVE_EXIT) {
			edge(f, (int)b + 2, next);
			continue;
		}
		to = block_at(heads, n, (uint32_t)((int64_t)tail + in[tail].off + 1));
		if (op == HIVE_JA) {
			if (to >= 0)
				edge(f, (int)b + 2, to + 2);
			continue;
		}
		edge(f, (int)b + 2, next);
		if (to >= 0)
			edge(f, (int)b + 2, to + 2);
	}
	printf("\tfn_%u_bb_0:s -> fn_%u_bb_1:n [style=\"invis\", constraint=true];\n}\n", f, f);
	free(heads);
	return 0;
}

static int dump_visual(const struct prog_code *c, const struct prog_dump_opts *o)
{
	const struct hive_insn *in = c->buf;
	uint32_t cnt = c->len / 8, *starts, n = 0, pc, i;
	int err = 0;

	if (!cnt)
		return p_err("error retrieving insn dump: no instructions returned");
	starts = malloc(sizeof(uint32_t) * (cnt + 1));
	if (!starts)
		return p_err("mem alloc failed");
	starts[n++] = 0;
	for (pc = 0; pc < cnt; pc++) {
		/* the callee's offset: imm as loaded, off once the kernel JITed it */
		int64_t t = (int64_t)pc + (in[pc].off ? in[pc].off : in[pc].imm) + 1;

		if (in[pc].code == (HIVE_JMP | HIVE_CALL) && in[pc].src == HIVE_PSEUDO_CALL &&
		    t > 0 && t < cnt)
			starts[n++] = (uint32_t)t;
	}
	n = uniq(starts, n);
	printf("digraph \"DOT graph for eBPF program\" {\n");
	for (i = 0; i < n && !err; i++)
		err = graph_func(c, i, starts[i], i + 1 < n ? starts[i + 1] - 1 : cnt - 1, o->opcodes);
	printf("}\n");
	free(starts);
	return err;
}

/* ---- jited ------------------------------------------------------------------------------ */

#if HAVE_CAPSTONE
/*
 * The line info records of function @f (libbpf's dissect_jited_func): the
 * records whose code lies in [ksyms[f], ksyms[f] + flens[f]). Sets *first
 * and returns their count (0 without usable jited line info).
 */
static uint32_t func_lines(const struct prog_code *c, uint32_t f, uint32_t *first)
{
	uint64_t lo, hi;
	uint32_t i, n = 0;

	*first = 0;
	if (!c->btf || !c->jlinfo || !c->ksyms || f >= c->info.nr_jited_ksyms ||
	    c->info.nr_jited_line_info != c->info.nr_line_info)
		return 0;
	lo = c->ksyms[f];
	hi = lo + c->flens[f];
	for (i = 0; i < c->info.nr_jited_line_info; i++) {
		if (c->jlinfo[i] < lo || c->jlinfo[i] >= hi)
			continue;
		if (!n)
			*first = i;
		n++;
	}
	return n;
}

/* libbpf's bpf_prog_linfo__lfind_addr_func: the last record of the
 * function (from @skip on) whose code starts at or before @addr. */
static const struct bpf_line_info *line_at(const struct prog_code *c, uint32_t first, uint32_t n,
					   uint64_t addr, uint32_t skip)
{
	uint32_t i;

	if (skip >= n)
		return NULL;
	for (i = first + skip; i < first + n && addr >= c->jlinfo[i]; i++)
		;
	return i == first + skip ? NULL : line_rec(c, i - 1);
}

/* One function's bytes, as bpftool's disasm_print_insn. */
/* The eBPF instructions whose code starts at or before image offset
 * @at and were not printed yet (hive's programs only). */
static void print_bpf(struct prog_code *c, uint32_t at)
{
	bool any = c->ioff && c->next_insn < c->nio && c->ioff[c->next_insn] <= at;
	const char *t;

	if (!any)
		return;
	if (json_wtr) {
		jw_name(json_wtr, "xlated");
		jw_start_array(json_wtr);
	}
	for (; c->next_insn < c->nio && c->ioff[c->next_insn] <= at; c->next_insn++) {
		t = c->xl->text[c->next_insn];
		if (!t)
			continue;       /* second slot of an lddw */
		if (json_wtr) {
			char buf[300];

			snprintf(buf, sizeof(buf), "%u: %s", c->next_insn, t);
			jw_string(json_wtr, buf);
		} else {
			printf("; %u: %s\n", c->next_insn, t);
		}
	}
	if (json_wtr)
		jw_end_array(json_wtr);
}

static void dump_func(struct prog_code *c, const struct prog_dump_opts *o, csh cs,
		      cs_insn *insn, const uint8_t *code, uint32_t size, uint32_t f, uint32_t base)
{
	uint32_t lfirst = 0, ln = func_lines(c, f, &lfirst), lskip = 0;
	uint64_t addr = 0;
	size_t left = size;

	while (left) {
		const uint8_t *at = code;
		const struct bpf_line_info *l = NULL;
		uint32_t pc = (uint32_t)addr, i, n;
		const char *mn = "(bad)", *ops = "";

		if (ln) {
			l = line_at(c, lfirst, ln, c->ksyms[f] + pc, lskip);
			if (l)
				lskip++;
		}
		if (cs_disasm_iter(cs, &code, &left, &addr, insn)) {
			mn = insn->mnemonic;
			ops = insn->op_str;
			n = insn->size;
		} else {
			n = 1; /* skip one byte, as objdump's (bad) */
			code++;
			left--;
			addr++;
		}
		if (json_wtr) {
			jw_start_object(json_wtr);
			if (l)
				print_line(c, l, o->linum);
			print_bpf(c, base + pc);
			jw_name(json_wtr, "pc");
			jw_printf(json_wtr, "\"0x%x\"", pc);
			jw_string_field(json_wtr, "operation", mn);
			jw_name(json_wtr, "operands");
			jw_start_array(json_wtr);
			if (!ops[0]) {
				jw_null(json_wtr);
			} else {
				char buf[160], *tok, *save = NULL;

				snprintf(buf, sizeof(buf), "%s", ops);
				for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
					jw_string(json_wtr, ltrim(tok));
			}
			jw_end_array(json_wtr);
			if (o->opcodes) {
				jw_name(json_wtr, "opcodes");
				jw_start_array(json_wtr);
				for (i = 0; i < n; i++)
					jw_printf(json_wtr, "\"0x%02x\"", at[i]);
				jw_end_array(json_wtr);
			}
			jw_end_object(json_wtr);
		} else {
			if (l)
				print_line(c, l, o->linum);
			print_bpf(c, base + pc);
			printf("%4x:\t%-6s %s", pc, mn, ops);
			if (o->opcodes) {
				printf("\n\t");
				for (i = 0; i < n; i++)
					printf("%02x ", at[i]);
			}
			printf("\n");
		}
	}
}

/*
 * bpftool's jited dump: with per-function lengths (nr_jited_func_lens),
 * each function is preceded by its BTF prototype (func info) and its
 * symbol name (kallsyms; hive's programs have none: the BTF function
 * name), and source lines are printed at the addresses of
 * jited_line_info. Without them, one flat listing.
 */
static int dump_jited(struct prog_code *c, const struct prog_dump_opts *o)
{
	const uint8_t *code = c->buf;
	uint32_t nf = c->info.nr_jited_func_lens, f, done = 0;
	char sig[1024];
	cs_insn *insn;
	csh cs;

	if (!c->len) {
		p_info("no instructions returned");
		return -1;
	}
	if (!c->flens || nf != c->info.nr_jited_ksyms)
		nf = 0;
	for (f = 0; f < nf; f++) {
		if (c->flens[f] > c->len - done) {
			nf = 0;         /* lengths that do not fit: one listing */
			break;
		}
		done += c->flens[f];
	}
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
		return p_err("can't initialize the disassembler");
	cs_option(cs, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	insn = cs_malloc(cs);
	if (!insn) {
		cs_close(&cs);
		return p_err("mem alloc failed");
	}
	if (json_wtr)
		jw_start_array(json_wtr);
	if (!nf)
		dump_func(c, o, cs, insn, code, c->len, UINT32_MAX, 0);
	if (nf)
		ksyms_load();
	for (f = 0; f < nf; f++) {
		const char *name = ksym_at(c->ksyms[f]);

		sig[0] = '\0';
		if (c->btf && f < c->info.nr_func_info) {
			cli_btf_type_only(c->btf, func_rec(c, f)->type_id, sig, sizeof(sig));
			if (!name) {
				const struct btf_type *t = hive_btf__type_by_id(c->btf,
									 func_rec(c, f)->type_id);

				name = t ? hive_btf__name_by_offset(c->btf, t->name_off) : NULL;
			}
		}
		if (!name)
			name = "";
		if (json_wtr) {
			jw_start_object(json_wtr);
			if (sig[0])
				jw_string_field(json_wtr, "proto", sig);
			jw_string_field(json_wtr, "name", name);
			jw_name(json_wtr, "insns");
			jw_start_array(json_wtr);
		} else {
			if (sig[0])
				printf("%s:\n", sig);
			printf("%s:\n", name);
		}
		dump_func(c, o, cs, insn, code, c->flens[f], f, (uint32_t)(code - (const uint8_t *)c->buf));
		code += c->flens[f];
		if (json_wtr) {
			jw_end_array(json_wtr);
			jw_end_object(json_wtr);
		} else {
			printf("\n");
		}
	}
	if (json_wtr)
		jw_end_array(json_wtr);
	cs_free(insn, 1);
	cs_close(&cs);
	return 0;
}
#else
static int dump_jited(struct prog_code *c, const struct prog_dump_opts *o)
{
	(void)c;
	(void)o;
	return p_err("No disassembler support (hive was built without libcapstone)");
}
#endif

/*
 * For a hive program: its xlated code and text in @xl and the code offset
 * of each instruction in c->ioff (hive_prog_jited_insn_offsets). False
 * (nothing to interleave, quietly) for programs without them.
 */
static bool interleave_prepare(int fd, struct prog_code *c, struct prog_code *xl)
{
	int n = hive_prog_jited_insn_offsets(fd, NULL, 0);

	if (n <= 0)
		return false;
	c->ioff = calloc((size_t)n, sizeof(*c->ioff));
	if (!c->ioff || hive_prog_jited_insn_offsets(fd, c->ioff, (uint32_t)n) != n ||
	    get_code(fd, false, xl) || xl->len / 8 != (uint32_t)n || disasm_all(xl)) {
		free(c->ioff);
		c->ioff = NULL;
		code_free(xl);
		return false;
	}
	c->nio = (uint32_t)n;
	return true;
}

int prog_dump(int fd, const struct prog_dump_opts *o)
{
	struct prog_code c;
	int err = get_code(fd, o->jited, &c);

	if (err)
		goto out;
	if (o->file) {
		FILE *f;
		size_t n;

		if (!c.len) {
			err = o->jited ? (p_info("no instructions returned"), -1) :
					 p_err("error retrieving insn dump: no instructions returned");
			goto out;
		}
		f = fopen(o->file, "wb");
		if (!f) {
			err = p_err("can't open file %s: %s", o->file, strerror(errno));
			goto out;
		}
		n = fwrite(c.buf, 1, c.len, f);
		if (fclose(f) || n != c.len) {
			err = p_err("error writing output file: %s", n != c.len ? "short write" :
										  strerror(errno));
			goto out;
		}
		if (json_wtr)
			jw_null(json_wtr);
	} else if (o->jited) {
		struct prog_code xl;

		/* hive's own programs: interleave the eBPF instructions */
		memset(&xl, 0, sizeof(xl));
		if (!cli_kernel() && interleave_prepare(fd, &c, &xl))
			c.xl = &xl;
		err = dump_jited(&c, o);
		if (c.xl)
			code_free(&xl);
	} else {
		if (o->visual)
			c.info.nr_jited_ksyms = 0; /* graphs name no JIT images, as bpftool */
		err = disasm_all(&c);
		if (!err)
			err = o->visual ? dump_visual(&c, o) : dump_xlated(&c, o);
	}
out:
	code_free(&c);
	return err;
}

/* ---- test runs ------------------------------------------------------------------------------- */

/* bpftool's detect_common_prefix: @arg must not prefix two of the words. */
static bool ambiguous(const char *arg, const char *const *words, int n)
{
	char msg[256] = "";
	int i, hits = 0;

	for (i = 0; i < n; i++)
		if (cli_is_prefix(arg, words[i])) {
			size_t l = strlen(msg);

			snprintf(msg + l, sizeof(msg) - l, "%s'%s'", hits ? " or " : "", words[i]);
			hits++;
		}
	if (hits < 2)
		return false;
	p_err("ambiguous prefix: '%s' could be %s", arg, msg);
	return true;
}

static bool parse_size(char **argv, uint32_t *v, const char *what)
{
	if (!parse_u32(*argv, v)) {
		p_err("can't parse %s as %s", *argv, what);
		return false;
	}
	return true;
}

int prog_run_parse(int argc, char **argv, struct prog_run_opts *o)
{
	static const char *const data[] = { "data_in", "data_out", "data_size_out" };
	static const char *const ctx[] = { "ctx_in", "ctx_out", "ctx_size_out" };

	memset(o, 0, sizeof(*o));
	o->repeat = 1;
	while (argc) {
		const char *w = *argv;

		if (ambiguous(w, data, 3) || ambiguous(w, ctx, 3))
			return -1;
		if (!cli_is_prefix(w, "data_in") && !cli_is_prefix(w, "data_out") &&
		    !cli_is_prefix(w, "data_size_out") && !cli_is_prefix(w, "ctx_in") &&
		    !cli_is_prefix(w, "ctx_out") && !cli_is_prefix(w, "ctx_size_out") &&
		    !cli_is_prefix(w, "repeat"))
			return p_err("expected no more arguments, 'data_in', 'data_out', 'data_size_out', 'ctx_in', 'ctx_out', 'ctx_size_out' or 'repeat', got: '%s'?",
				     w);
		argc--, argv++;
		if (!req_args(argc, argv, 1))
			return -1;
		if (cli_is_prefix(w, "data_in")) {
			o->data_in = *argv;
		} else if (cli_is_prefix(w, "data_out")) {
			o->data_out = *argv;
		} else if (cli_is_prefix(w, "data_size_out")) {
			if (!parse_size(argv, &o->data_size_out, "output data size"))
				return -1;
		} else if (cli_is_prefix(w, "ctx_in")) {
			o->ctx_in = *argv;
		} else if (cli_is_prefix(w, "ctx_out")) {
			o->ctx_out = *argv;
		} else if (cli_is_prefix(w, "ctx_size_out")) {
			if (!parse_size(argv, &o->ctx_size_out, "output context size"))
				return -1;
		} else if (!parse_size(argv, &o->repeat, "repeat number")) {
			return -1;
		} else {
			o->repeat_given = true;
		}
		if (o->data_in && o->ctx_in && !strcmp(o->data_in, "-") && !strcmp(o->ctx_in, "-"))
			return p_err("cannot use standard input for both data_in and ctx_in");
		argc--, argv++;
	}
	return 0;
}

static int read_input(const char *name, unsigned char **data, size_t *len)
{
	int err;

	*data = NULL;
	*len = 0;
	if (!name)
		return 0;
	err = cli_read_file(name, data, len);
	if (err)
		return p_err("failed to open %s: %s", name, strerror(-err));
	if (!*len) {
		/* an empty input is no input (the kernel refuses a pointer with size 0) */
		free(*data);
		*data = NULL;
		return 0;
	}
	if (*len > UINT32_MAX) {
		free(*data);
		*data = NULL;
		return p_err("data_in/ctx_in is too long (max: %u)", UINT32_MAX);
	}
	return 0;
}

/* bpftool's hex_print: od-like rows of 16 bytes with an ASCII column. */
static void hex_print(const unsigned char *data, uint32_t size)
{
	uint32_t i, j;

	for (i = 0; i < size; i += 16) {
		printf("%07x\t", i);
		for (j = i; j < i + 16 && j < size; j++)
			printf("%02x%s", data[j], j % 2 ? " " : "");
		for (; j < i + 16; j++)
			printf("  %s", j % 2 ? " " : "");
		printf("| ");
		for (j = i; j < i + 16 && j < size; j++) {
			char ch = (char)data[j];

			printf("%c%s", ch < ' ' || ch > '~' ? '.' : ch, j == i + 7 ? " " : "");
		}
		printf("\n");
	}
}

static int write_output(const unsigned char *data, uint32_t size, const char *name,
			const char *json_key)
{
	FILE *f;
	size_t n;

	if (!name)
		return 0;
	if (!strcmp(name, "-")) {
		if (json_wtr) {
			jw_name(json_wtr, json_key);
			jw_dec_bytes(json_wtr, data, size);
		} else {
			hex_print(data, size);
		}
		return 0;
	}
	f = fopen(name, "wb");
	if (!f)
		return p_err("failed to open %s: %s", name, strerror(errno));
	n = fwrite(data, 1, size, f);
	if (fclose(f) || n != size)
		return p_err("failed to write output data/ctx: %s", strerror(errno));
	return 0;
}

int prog_test_run(int fd, const struct prog_run_opts *o)
{
	const uint32_t default_size = 32768;
	unsigned char *data_in = NULL, *ctx_in = NULL, *data_out = NULL, *ctx_out = NULL;
	size_t data_len, ctx_len;
	union bpf_attr attr;
	bool syscall_prog;
	int err;

	err = read_input(o->data_in, &data_in, &data_len);
	if (!err)
		err = read_input(o->ctx_in, &ctx_in, &ctx_len);
	if (err)
		goto out;
	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = (uint32_t)fd;
	attr.test.repeat = o->repeat;
	{
		struct bpf_prog_info info;

		syscall_prog = !cli_prog_info(fd, &info) && info.type == BPF_PROG_TYPE_SYSCALL;
	}
	/* syscall programs run once, refuse a repeat count and an output
	 * context (EINVAL): the context is written back into ctx_in */
	if (syscall_prog && !o->repeat_given)
		attr.test.repeat = 0;
	if (data_in) {
		attr.test.data_in = (uint64_t)(uintptr_t)data_in;
		attr.test.data_size_in = (uint32_t)data_len;
		attr.test.data_size_out = o->data_size_out ? o->data_size_out : default_size;
		data_out = calloc(1, attr.test.data_size_out ? attr.test.data_size_out : 1);
		attr.test.data_out = (uint64_t)(uintptr_t)data_out;
	}
	if (ctx_in) {
		attr.test.ctx_in = (uint64_t)(uintptr_t)ctx_in;
		attr.test.ctx_size_in = (uint32_t)ctx_len;
		if (!syscall_prog) {
			attr.test.ctx_size_out = o->ctx_size_out ? o->ctx_size_out : default_size;
			ctx_out = calloc(1, attr.test.ctx_size_out ? attr.test.ctx_size_out : 1);
			attr.test.ctx_out = (uint64_t)(uintptr_t)ctx_out;
		}
	}
	if ((data_in && !data_out) || (ctx_in && !ctx_out && !syscall_prog)) {
		err = p_err("failed to allocate memory for output data/ctx: %s", strerror(ENOMEM));
		goto out;
	}
	err = cli_bpf(BPF_PROG_TEST_RUN, &attr, sizeof(attr));
	if (err) {
		p_err("failed to run program: %s", hive_strerror(err));
		goto out;
	}
	if (json_wtr)
		jw_start_object(json_wtr);
	/* output errors do not hide the return value, as bpftool */
	if (attr.test.data_size_out)
		err += write_output(data_out, attr.test.data_size_out, o->data_out, "data_out");
	if (attr.test.ctx_size_out)
		err += write_output(ctx_out, attr.test.ctx_size_out, o->ctx_out, "ctx_out");
	else if (syscall_prog && ctx_in)
		err += write_output(ctx_in, (uint32_t)ctx_len, o->ctx_out, "ctx_out");
	if (json_wtr) {
		jw_uint_field(json_wtr, "retval", attr.test.retval);
		jw_uint_field(json_wtr, "duration", attr.test.duration);
		jw_end_object(json_wtr);
	} else {
		printf("Return value: %u, duration%s: %uns\n", attr.test.retval,
		       o->repeat > 1 ? " (average)" : "", attr.test.duration);
	}
out:
	free(data_in);
	free(ctx_in);
	free(data_out);
	free(ctx_out);
	return err;
}
