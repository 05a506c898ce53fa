/*
 * dump.c - hive_vm_dump_jited(): the generated x86-64 code, disassembled
 * with libcapstone and interleaved with the eBPF instructions it came from
 * (the text of hive_disasm_insn, bpftool's "xlated" syntax). Addresses are
 * image offsets, so jump targets read as offsets of the same listing.
 * Used by `hive prog dump jited` and `hive disasm --jit`.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hive/hive_asm.h"
#include "jit/jit_internal.h"

#if __has_include(<capstone/capstone.h>) && HIVE_JIT_X86_64
#include <capstone/capstone.h>
#define HAVE_CAPSTONE 1
#else
#define HAVE_CAPSTONE 0
#endif

#if HAVE_CAPSTONE
struct strbuf {
	char *s;
	size_t len, cap;
	int err;
};

static void sb_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->err)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->err = -EINVAL;
			return;
		}
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = (b->cap + (size_t)n + 1) * 2;
		char *s = realloc(b->s, cap);

		if (!s) {
			b->err = -ENOMEM;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
}

/* Disassemble image bytes [start, end), one line per x86 instruction. */
static void dump_range(struct strbuf *b, csh cs, const uint8_t *code, uint32_t start,
		       uint32_t end, unsigned flags)
{
	const uint8_t *p = code + start;
	size_t left = end > start ? end - start : 0;
	uint64_t addr = start;
	cs_insn *insn = cs_malloc(cs);

	if (!insn) {
		b->err = -ENOMEM;
		return;
	}
	while (left) {
		if (!cs_disasm_iter(cs, &p, &left, &addr, insn)) {
			/* not an instruction (padding): show the byte */
			sb_printf(b, "    %5llx:  (bad) 0x%02x\n", (unsigned long long)addr, *p);
			p++;
			left--;
			addr++;
			continue;
		}
		sb_printf(b, "    %5llx:  ", (unsigned long long)insn->address);
		if (flags & HIVE_DUMP_JIT_BYTES) {
			uint16_t i;

			for (i = 0; i < insn->size; i++)
				sb_printf(b, "%02x ", insn->bytes[i]);
			sb_printf(b, "%*s", 3 * (12 - (insn->size < 12 ? insn->size : 12)), "");
		}
		sb_printf(b, "%s%s%s\n", insn->mnemonic, insn->op_str[0] ? " " : "", insn->op_str);
	}
	cs_free(insn, 1);
}

static void dump_program(struct strbuf *b, csh cs, const struct hive_vm *vm, unsigned flags)
{
	const uint8_t *code = vm->jit_code;
	const struct jit_hdr *h = vm->jit_code;
	const uint32_t *off = vm->jit_offsets;
	uint32_t pc = 0, next;
	char text[160];

	if (flags & HIVE_DUMP_JIT_ALL) {
		sb_printf(b, "; entry\n");
		dump_range(b, cs, code, h->entry, off[0] - jit_prologue_at(vm, 0), flags);
	}
	while (pc < vm->ninsns) {
		int w = hive_disasm_insn(vm->insns, vm->ninsns, pc, HIVE_DISASM_XLATED, text,
					 sizeof(text));
		uint32_t end;

		if (w <= 0) {
			snprintf(text, sizeof(text), "(%02x) ?", vm->insns[pc].code);
			w = 1;
		}
		next = pc + (uint32_t)w;
		if (jit_func_start(vm, pc) && (pc || jit_prologue_at(vm, 0))) {
			sb_printf(b, "; function at pc %u\n", pc);
			dump_range(b, cs, code, off[pc] - jit_prologue_at(vm, pc), off[pc], flags);
		}
		sb_printf(b, "%4u: %s\n", pc, text);
		end = next < vm->ninsns ? off[next] : h->stubs;
		if (next < vm->ninsns)
			end -= jit_prologue_at(vm, next);
		dump_range(b, cs, code, off[pc], end, flags);
		pc = next;
	}
	if (flags & HIVE_DUMP_JIT_ALL) {
		sb_printf(b, "; stubs\n");
		dump_range(b, cs, code, h->stubs, h->common, flags);
		sb_printf(b, "; shared routines\n");
		dump_range(b, cs, code, h->common, h->code_size, flags);
	}
}
#endif

int hive_vm_dump_jited(struct hive_vm *vm, unsigned flags, char **out)
{
#if HAVE_CAPSTONE
	struct strbuf b = { NULL, 0, 0, 0 };
	csh cs;

	if (!vm || !out)
		return -EINVAL;
	*out = NULL;
	if (!vm->ninsns)
		return -HIVE_ENOPROG;
	if (!vm->jit_code || !vm->jit_offsets)
		return -HIVE_ENOJIT;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
		return -ENOMEM;
	b.cap = 4096;
	b.s = malloc(b.cap);
	if (!b.s) {
		cs_close(&cs);
		return -ENOMEM;
	}
	b.s[0] = 0;
	dump_program(&b, cs, vm, flags);
	cs_close(&cs);
	if (b.err) {
		free(b.s);
		return b.err;
	}
	*out = b.s;
	return 0;
#else
	(void)flags;
	if (!vm || !out)
		return -EINVAL;
	*out = NULL;
	return -HIVE_ENOJIT;
#endif
}
