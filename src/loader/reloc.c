/*
 * reloc.c - relocations of program code: collected and checked at open,
 * applied at prepare.
 *
 * What clang emits for the BPF target, and what each becomes:
 *
 *   lddw rX, <map of .maps>          R_BPF_64_64  -> src BPF_PSEUDO_MAP_FD, imm map fd
 *   lddw rX, <var in .data/.rodata/.bss/...>
 *                                    R_BPF_64_64  -> src BPF_PSEUDO_MAP_VALUE, imm map fd,
 *                                                    next imm = offset in the section
 *                                                    (symbol value + the lddw's imm)
 *   lddw rX, <function in .text>     R_BPF_64_64  -> src BPF_PSEUDO_FUNC, imm = pc-relative
 *                                                    offset after linking (callbacks)
 *   lddw rX, <extern>                R_BPF_64_64  -> .kconfig value, kernel BTF id (variable
 *                                                    or kfunc), or kallsyms address
 *   call <function in .text>         R_BPF_64_32  -> src BPF_PSEUDO_CALL, imm = pc-relative
 *                                                    offset after linking
 *   call <extern function>           R_BPF_64_32  -> src BPF_PSEUDO_KFUNC_CALL, imm BTF id
 *   call <static function, same section>   none   -> pc-relative, kept after linking
 *
 * R_BPF_64_ABS64 appears in .maps (map-in-map slots, maps.c) and debug
 * sections; R_BPF_64_ABS32 and R_BPF_64_NODYLD32 only in debug and BTF
 * sections, which hive does not relocate (it reads .BTF/.BTF.ext by section
 * offsets, as the kernel does).
 *
 * Linking, as libbpf does it: each program gets the .text functions it
 * calls (transitively) appended after its own instructions, once each, and
 * every call and function address is rewritten relative to the final
 * layout. func_info/line_info follow the functions they describe.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "object.h"
#include "util/util.h"

#define MAX_LINKED_INSNS (1u << 20) /* the kernel's BPF_COMPLEXITY_LIMIT_INSNS */

static bool is_lddw(const struct hive_insn *insn)
{
	return insn->code == (HIVE_LD | HIVE_DW | HIVE_IMM);
}

static bool is_call(const struct hive_insn *insn)
{
	return insn->code == (HIVE_JMP | HIVE_CALL);
}

/* Warn about instruction @i of @prog and evaluate to -HIVE_ERELOC. */
#define rel_bad(obj, prog, i, fmt, ...)                                                        \
	(obj_warn((obj), "section '%s': prog '%s': insn #%u (section offset 0x%llx): " fmt,     \
		  (prog)->sec_name, (prog)->name, (unsigned)(i),                               \
		  (unsigned long long)((prog)->sec_insn_off + (i)) * 8, ##__VA_ARGS__),         \
	 -HIVE_ERELOC)

/* ------------------------------------------------------------ collection */

static int classify(struct hive_object *obj, struct hive_program *prog, const struct elf_rel *rel,
		    const struct elf_sym *sym, struct reloc *r)
{
	uint32_t i = r->insn_idx;
	const struct hive_insn *insn = &prog->insns[i];
	const struct elf_sec *ts;

	if (is_call(insn)) {
		if (rel->type != HIVE_R_BPF_64_32)
			return rel_bad(obj, prog, i, "call relocation of type %u, expected R_BPF_64_32",
				       rel->type);
		if (sym->shndx == SHN_UNDEF) {
			r->ext_idx = ext_by_name(obj, sym->name);
			if (r->ext_idx < 0 || !obj->externs[r->ext_idx].is_func)
				return rel_bad(obj, prog, i, "call to unknown extern '%s'", sym->name);
			r->type = RELO_EXTERN_FUNC;
			return 0;
		}
		if (insn->src != HIVE_PSEUDO_CALL)
			return rel_bad(obj, prog, i, "relocated call is not a BPF-to-BPF call (src %u)",
				       insn->src);
		if (!obj->text_shndx || sym->shndx != obj->text_shndx)
			return rel_bad(obj, prog, i, "call to '%s' outside .text (section %u)", sym->name,
				       sym->shndx);
		if (sym->value % 8)
			return rel_bad(obj, prog, i, "call target '%s' at misaligned offset 0x%llx",
				       sym->name, (unsigned long long)sym->value);
		r->type = RELO_CALL;
		r->sym_off = sym->value;
		return 0;
	}
	if (!is_lddw(insn))
		return rel_bad(obj, prog, i, "relocation against '%s' on opcode 0x%02x (expected lddw or call)",
			       sym->name, insn->code);
	if (i + 1 >= prog->sec_insn_cnt)
		return rel_bad(obj, prog, i, "lddw is missing its second slot");
	if (rel->type != HIVE_R_BPF_64_64)
		return rel_bad(obj, prog, i, "lddw relocation of type %u, expected R_BPF_64_64", rel->type);
	if (sym->shndx == SHN_UNDEF) {
		/* An extern variable, or a kfunc's address (bpf_ksym_exists). */
		r->ext_idx = ext_by_name(obj, sym->name);
		if (r->ext_idx < 0)
			return rel_bad(obj, prog, i, "reference to unknown extern '%s'", sym->name);
		r->type = RELO_EXTERN_VAR;
		return 0;
	}
	if (sym->shndx >= SHN_LORESERVE)
		return rel_bad(obj, prog, i, "symbol '%s' in special section 0x%x", sym->name, sym->shndx);
	ts = elf_sec(&obj->elf, sym->shndx);
	if (sym->shndx == obj->text_shndx) {
		uint64_t at = sym->value + (int64_t)insn->imm;

		if (at % 8 || at >= ts->size)
			return rel_bad(obj, prog, i, "function address .text+0x%llx outside .text or misaligned",
				       (unsigned long long)at);
		r->type = RELO_SUBPROG_ADDR;
		r->sym_off = sym->value;
		return 0;
	}
	if (sym->shndx == obj->maps_shndx) {
		r->map_idx = map_by_sec_off(obj, sym->shndx, sym->value);
		if (r->map_idx < 0)
			return rel_bad(obj, prog, i, "'%s' at .maps+0x%llx is not a map", sym->name,
				       (unsigned long long)sym->value);
		r->type = RELO_MAP;
		return 0;
	}
	if (obj->secs[sym->shndx].kind == SEC_GDATA) {
		int64_t off = (int64_t)sym->value + insn->imm;

		if (off < 0 || (uint64_t)off > ts->size)
			return rel_bad(obj, prog, i, "'%s'+%d is outside section '%s' (%llu bytes)", sym->name,
				       insn->imm, ts->name, (unsigned long long)ts->size);
		r->type = RELO_DATA;
		r->map_idx = obj->secs[sym->shndx].map_idx;
		r->sym_off = sym->value;
		return 0;
	}
	return rel_bad(obj, prog, i, "reference to '%s' in section '%s', which is not a map, global data or .text",
		       sym->name, ts->name);
}

static int cmp_reloc(const void *a, const void *b)
{
	const struct reloc *x = a, *y = b;

	return x->insn_idx < y->insn_idx ? -1 : x->insn_idx > y->insn_idx;
}

static int collect_sec(struct hive_object *obj, const struct elf_sec *s, const struct elf_sec *rs)
{
	uint32_t i, n = elf_rel_count(rs);
	int err;

	for (i = 0; i < n; i++) {
		struct hive_program *prog;
		struct elf_rel rel;
		struct elf_sym sym;
		struct reloc r = { .map_idx = -1, .ext_idx = -1 };

		err = elf_rel(&obj->elf, rs, i, &rel);
		if (!err)
			err = elf_sym(&obj->elf, rel.sym, &sym);
		if (err)
			return err;
		if (rel.off % 8 || rel.off >= s->size) {
			elf_warn(&obj->elf, rs, "offset 0x%llx: relocation %u at 0x%llx is outside section '%s' (%llu bytes) or misaligned",
				 (unsigned long long)(rs->off + (uint64_t)i * sizeof(Elf64_Rel)), i,
				 (unsigned long long)rel.off, s->name, (unsigned long long)s->size);
			return -HIVE_ERELOC;
		}
		prog = obj_prog_at(obj, s->idx, (uint32_t)(rel.off / 8));
		if (!prog) {
			elf_warn(&obj->elf, rs, "relocation %u at 0x%llx is not inside any function", i,
				 (unsigned long long)rel.off);
			return -HIVE_ERELOC;
		}
		r.insn_idx = (uint32_t)(rel.off / 8) - prog->sec_insn_off;
		r.sym_idx = rel.sym;
		err = classify(obj, prog, &rel, &sym, &r);
		if (err)
			return err;
		{
			struct reloc *nr = realloc(prog->relos, (prog->nr_relos + 1) * sizeof(*nr));

			if (!nr)
				return -ENOMEM;
			prog->relos = nr;
			prog->relos[prog->nr_relos++] = r;
		}
	}
	return 0;
}

int relocs_collect(struct hive_object *obj)
{
	uint32_t i, j;
	int err;

	for (i = 1; i < obj->elf.nsecs; i++) {
		if (obj->secs[i].kind != SEC_PROG || !obj->secs[i].rel_idx)
			continue;
		err = collect_sec(obj, &obj->elf.secs[i], &obj->elf.secs[obj->secs[i].rel_idx]);
		if (err)
			return err;
	}
	for (i = 0; i < obj->nr_progs; i++) {
		struct hive_program *p = &obj->progs[i];

		if (p->nr_relos > 1)
			qsort(p->relos, p->nr_relos, sizeof(*p->relos), cmp_reloc);
		for (j = 1; j < p->nr_relos; j++)
			if (p->relos[j].insn_idx == p->relos[j - 1].insn_idx)
				return rel_bad(obj, p, p->relos[j].insn_idx, "two relocations");
	}
	return 0;
}

static const struct reloc *find_reloc(const struct hive_program *prog, uint32_t insn_idx)
{
	uint32_t lo = 0, hi = prog->nr_relos;

	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (prog->relos[mid].insn_idx == insn_idx)
			return &prog->relos[mid];
		if (prog->relos[mid].insn_idx < insn_idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ------------------------------------------------------- data relocation */

static int apply_data(struct hive_object *obj, struct hive_program *prog)
{
	uint32_t k;

	for (k = 0; k < prog->nr_relos; k++) {
		const struct reloc *r = &prog->relos[k];
		struct hive_insn *insn = &prog->insns[r->insn_idx];
		const struct extern_desc *e = r->ext_idx >= 0 ? &obj->externs[r->ext_idx] : NULL;
		const struct hive_map *map = r->map_idx >= 0 ? &obj->maps[r->map_idx] : NULL;

		switch (r->type) {
		case RELO_MAP:
			/* lddw rX, map: imm = map fd */
			insn[0].src = HIVE_PSEUDO_MAP_FD;
			insn[0].imm = map->fd;
			break;
		case RELO_DATA:
			/* lddw rX, &var: imm = map fd, next imm = offset in the value */
			insn[1].imm = insn[0].imm + (int32_t)r->sym_off;
			insn[0].src = HIVE_PSEUDO_MAP_VALUE;
			insn[0].imm = map->fd;
			break;
		case RELO_EXTERN_VAR:
			if (e->type == EXT_KCFG) {
				/* lddw rX, &CONFIG_X: a value of the .kconfig map */
				insn[0].src = HIVE_PSEUDO_MAP_VALUE;
				insn[0].imm = obj->maps[obj->kconfig_map_idx].fd;
				insn[1].imm = (int32_t)e->data_off;
			} else if (e->resolved && e->typed) {
				/* lddw rX, &kernel_var (or a kfunc): by vmlinux BTF id */
				insn[0].src = HIVE_PSEUDO_BTF_ID;
				insn[0].imm = (int32_t)e->kernel_btf_id;
				insn[1].imm = 0;
			} else {
				/* lddw rX, address (0 for an unresolved weak extern) */
				insn[0].src = 0;
				insn[0].imm = e->resolved ? (int32_t)(uint32_t)e->addr : 0;
				insn[1].imm = e->resolved ? (int32_t)(uint32_t)(e->addr >> 32) : 0;
			}
			break;
		case RELO_EXTERN_FUNC:
			/* call kfunc: imm = vmlinux BTF id (0 for an unresolved weak one) */
			insn->src = HIVE_PSEUDO_KFUNC_CALL;
			insn->imm = e->resolved ? (int32_t)e->kernel_btf_id : 0;
			insn->off = 0;
			break;
		case RELO_CALL:
		case RELO_SUBPROG_ADDR:
			break;
		}
		if ((r->type == RELO_MAP || r->type == RELO_DATA) && map->fd < 0)
			return rel_bad(obj, prog, r->insn_idx, "map '%s' was not created", map->name);
	}
	return 0;
}

/* -------------------------------------------------------------- linking */

struct linker {
	struct hive_object *obj;
	struct hive_insn *buf;
	uint32_t len, cap;
	struct hive_program **queue;   /* functions appended, in order */
	uint32_t nq;
};

static int append(struct linker *l, struct hive_program *f)
{
	if (l->len + f->sec_insn_cnt > MAX_LINKED_INSNS) {
		obj_warn(l->obj, "prog '%s': more than %u instructions after linking", f->name,
			 MAX_LINKED_INSNS);
		return -E2BIG;
	}
	if (l->len + f->sec_insn_cnt > l->cap) {
		uint32_t ncap = l->cap ? l->cap : 64;
		struct hive_insn *nb;

		while (ncap < l->len + f->sec_insn_cnt)
			ncap *= 2;
		nb = realloc(l->buf, ncap * sizeof(*nb));
		if (!nb)
			return -ENOMEM;
		l->buf = nb;
		l->cap = ncap;
	}
	memcpy(l->buf + l->len, f->insns, f->sec_insn_cnt * sizeof(*f->insns));
	f->sub_insn_off = l->len;
	f->linked = true;
	l->len += f->sec_insn_cnt;
	l->queue[l->nq++] = f;
	return 0;
}

/*
 * The function called (or whose address is taken) by insn @j of @f, or
 * NULL when @j is neither; <0 in *err on a bad target.
 */
static struct hive_program *call_target(struct linker *l, struct hive_program *f, uint32_t j,
					int *err)
{
	struct hive_object *obj = l->obj;
	const struct hive_insn *insn = &l->buf[f->sub_insn_off + j];
	const struct reloc *r = find_reloc(f, j);
	struct hive_program *sub;
	uint32_t tsec;
	int64_t t;

	*err = 0;
	if (r && r->type == RELO_CALL) {
		/* call imm counts from the next insn, relative to the symbol */
		t = (int64_t)(r->sym_off / 8) + insn->imm + 1;
		tsec = obj->text_shndx;
	} else if (r && r->type == RELO_SUBPROG_ADDR) {
		/* lddw imm is a byte offset from the symbol */
		t = ((int64_t)r->sym_off + insn->imm) / 8;
		tsec = obj->text_shndx;
	} else if (!r && is_call(insn) && insn->src == HIVE_PSEUDO_CALL) {
		/* static call within the section, no relocation */
		t = (int64_t)f->sec_insn_off + j + insn->imm + 1;
		tsec = f->sec_idx;
	} else {
		return NULL;
	}
	sub = t >= 0 && t <= UINT32_MAX ? obj_prog_at(obj, tsec, (uint32_t)t) : NULL;
	if (!sub || sub->sec_insn_off != t) {
		*err = rel_bad(obj, f, j, "call target insn %lld of section %u is not the start of a function",
			       (long long)t, tsec);
		return NULL;
	}
	if (!sub->is_subprog) {
		*err = rel_bad(obj, f, j, "call to program '%s': only .text functions can be called",
			       sub->name);
		return NULL;
	}
	return sub;
}

struct link_frame {
	struct hive_program *f;
	uint32_t j;          /* next instruction of f to look at */
};

/*
 * Append and relocate every function reachable from l->queue[0] (the
 * program), depth first: a function is appended at its first call and
 * processed right away, its caller resumed afterwards - libbpf's order,
 * so the final programs (and the kernel's translation of them) are
 * identical. An explicit stack keeps deep call chains off the C stack.
 */
static int link_calls(struct linker *l)
{
	struct link_frame *stack = calloc(l->obj->nr_progs + 1, sizeof(*stack));
	uint32_t sp = 0;
	int err = 0;

	if (!stack)
		return -ENOMEM;
	stack[sp++] = (struct link_frame){ l->queue[0], 0 };
	while (sp && !err) {
		struct link_frame *fr = &stack[sp - 1];
		struct hive_program *f = fr->f, *sub;
		uint32_t j = fr->j;
		struct hive_insn *insn;

		if (j >= f->sec_insn_cnt) {
			sp--;
			continue;
		}
		insn = &l->buf[f->sub_insn_off + j];
		sub = call_target(l, f, j, &err);
		if (!sub) {
			fr->j += is_lddw(insn) ? 2 : 1;
			continue;
		}
		if (!sub->linked) {
			/* Append, then relocate the callee before resuming here. */
			err = append(l, sub);
			if (err)
				break;
			stack[sp++] = (struct link_frame){ sub, 0 };
			continue;
		}
		insn = &l->buf[f->sub_insn_off + j];
		insn->imm = (int32_t)((int64_t)sub->sub_insn_off - (f->sub_insn_off + j) - 1);
		if (is_lddw(insn))
			insn->src = HIVE_PSEUDO_FUNC;
		fr->j += is_lddw(insn) ? 2 : 1;
	}
	free(stack);
	return err;
}

/* ----------------------------------------------- func_info and line_info */

/* Gather @info records of the linked functions into @out (rec_out bytes each). */
static int gather(struct hive_object *obj, struct hive_program *prog, struct linker *l,
		  const struct btf_ext_info *info, size_t rec_out, void **out, uint32_t *cnt,
		  bool func)
{
	uint32_t q, k, n = 0, cap = 0;
	uint8_t *recs = NULL;

	for (q = 0; q < l->nq; q++) {
		struct hive_program *f = l->queue[q];
		const struct btf_ext_sec *s = btf_ext_find(info, f->sec_name);
		uint32_t found = 0;

		for (k = 0; s && k < s->num; k++) {
			const uint8_t *rec = s->recs + (size_t)k * info->rec_size;
			uint32_t off;

			memcpy(&off, rec, 4);
			if (off % 8 || off / 8 < f->sec_insn_off || off / 8 - f->sec_insn_off >= f->sec_insn_cnt)
				continue;
			if (n == cap) {
				uint8_t *nr;

				cap = cap ? cap * 2 : 16;
				nr = realloc(recs, cap * rec_out);
				if (!nr) {
					free(recs);
					return -ENOMEM;
				}
				recs = nr;
			}
			memcpy(recs + (size_t)n * rec_out, rec, rec_out);
			off = off / 8 - f->sec_insn_off + f->sub_insn_off;
			memcpy(recs + (size_t)n * rec_out, &off, 4);
			n++;
			found++;
		}
		if (func && found != 1) {
			hive_pr_info("%s: prog '%s': function '%s' has %u func_info records; dropping BTF func/line info\n",
				     obj->path, prog->name, f->name, found);
			free(recs);
			*out = NULL;
			*cnt = 0;
			return 1;
		}
	}
	*out = recs;
	*cnt = n;
	return 0;
}

static int build_ext_info(struct hive_object *obj, struct hive_program *prog, struct linker *l)
{
	void *fi = NULL, *li = NULL;
	int err;

	if (!obj->btf_ext)
		return 0;
	if (obj->btf_ext->func.nsecs) {
		err = gather(obj, prog, l, &obj->btf_ext->func, sizeof(struct bpf_func_info), &fi,
			     &prog->func_info_cnt, true);
		if (err < 0)
			return err;
		if (err > 0)
			return 0; /* incomplete: no func_info, hence no line_info either */
		prog->func_info = fi;
	}
	if (obj->btf_ext->line.nsecs && prog->func_info) {
		err = gather(obj, prog, l, &obj->btf_ext->line, sizeof(struct bpf_line_info), &li,
			     &prog->line_info_cnt, false);
		if (err < 0)
			return err;
		prog->line_info = li;
	}
	return 0;
}

/* Poisoned CO-RE instructions of every linked function, in final indexes. */
static int link_poisons(struct hive_program *prog, struct linker *l)
{
	uint32_t q, k, n = 0;

	for (q = 0; q < l->nq; q++)
		n += l->queue[q]->nr_poisons;
	free(prog->lpoisons);
	prog->lpoisons = NULL;
	prog->nr_lpoisons = 0;
	if (!n)
		return 0;
	prog->lpoisons = calloc(n, sizeof(*prog->lpoisons));
	if (!prog->lpoisons)
		return -ENOMEM;
	for (q = 0; q < l->nq; q++) {
		const struct hive_program *f = l->queue[q];

		for (k = 0; k < f->nr_poisons; k++) {
			prog->lpoisons[prog->nr_lpoisons].insn = f->poisons[k].insn + f->sub_insn_off;
			prog->lpoisons[prog->nr_lpoisons++].desc = f->poisons[k].desc;
		}
	}
	return 0;
}

static int link_prog(struct hive_object *obj, struct hive_program *prog)
{
	struct linker l = { .obj = obj };
	uint32_t i;
	int err;

	for (i = 0; i < obj->nr_progs; i++) {
		obj->progs[i].linked = false;
		obj->progs[i].sub_insn_off = 0;
	}
	l.queue = calloc(obj->nr_progs, sizeof(*l.queue));
	if (!l.queue)
		return -ENOMEM;
	err = append(&l, prog);
	if (!err)
		err = link_calls(&l);
	if (!err)
		err = build_ext_info(obj, prog, &l);
	if (!err)
		err = link_poisons(prog, &l);
	if (err) {
		free(l.buf);
		free(l.queue);
		return err;
	}
	free(prog->insns);
	prog->insns = l.buf;
	prog->insn_cnt = l.len;
	free(l.queue);
	return 0;
}

int relocs_apply(struct hive_object *obj)
{
	uint32_t i;
	int err;

	/* Data first, on every function: the copies appended later carry them. */
	for (i = 0; i < obj->nr_progs; i++) {
		err = apply_data(obj, &obj->progs[i]);
		if (err)
			return err;
	}
	for (i = 0; i < obj->nr_progs; i++) {
		struct hive_program *p = &obj->progs[i];

		if (p->is_subprog || !p->autoload)
			continue;
		err = link_prog(obj, p);
		if (err)
			return err;
	}
	return 0;
}
