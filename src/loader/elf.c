/*
 * elf.c - validation and bounds-checked access for ELF64 BPF objects.
 *
 * elf_open() checks, in order: the identification bytes (class, data
 * encoding, version), the header (ET_REL, EM_BPF, entry sizes), the section
 * table (inside the file, counts through the SHN_XINDEX extensions), every
 * section's bytes (inside the file unless SHT_NOBITS), the section-name
 * string table, section names, the single symbol table with its string
 * table, and every relocation section's shape (entry size, links, target).
 * Per-entry checks (symbol index, relocation offset within the target) are
 * left to the accessors and to reloc.c, which know what each entry means.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "elf.h"
#include "util/util.h"

void elf_warn(const struct elf_file *ef, const struct elf_sec *sec, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (sec)
		hive_pr_warn("%s: section '%s' (%u): %s\n", ef->path, sec->name ? sec->name : "?",
			     sec->idx, msg);
	else
		hive_pr_warn("%s: %s\n", ef->path, msg);
}

/* Whether [off, off + len) lies inside a buffer of @size bytes. */
static int in_bounds(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* Warn "<file>: ..." and evaluate to -HIVE_EFORMAT. */
#define bad(ef, fmt, ...) (hive_pr_warn("%s: " fmt "\n", (ef)->path, ##__VA_ARGS__), -HIVE_EFORMAT)

static int check_ident(struct elf_file *ef, const Elf64_Ehdr *eh)
{
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return bad(ef, "offset 0x0: not an ELF file (bad magic)");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return bad(ef, "offset 0x%x: ELF class %u, expected ELFCLASS64", EI_CLASS,
			   eh->e_ident[EI_CLASS]);
	if (eh->e_ident[EI_DATA] == ELFDATA2MSB)
		return bad(ef, "offset 0x%x: big-endian object (bpfeb); hive needs little-endian (bpfel)",
			   EI_DATA);
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return bad(ef, "offset 0x%x: unknown data encoding %u", EI_DATA, eh->e_ident[EI_DATA]);
	if (eh->e_ident[EI_VERSION] != EV_CURRENT)
		return bad(ef, "offset 0x%x: ELF version %u", EI_VERSION, eh->e_ident[EI_VERSION]);
	if (eh->e_type != ET_REL)
		return bad(ef, "offset 0x%zx: e_type %u, expected ET_REL (relocatable object)",
			   offsetof(Elf64_Ehdr, e_type), eh->e_type);
	if (eh->e_machine != EM_BPF)
		return bad(ef, "offset 0x%zx: e_machine %u, expected EM_BPF (%u)",
			   offsetof(Elf64_Ehdr, e_machine), eh->e_machine, EM_BPF);
	if (eh->e_shentsize != sizeof(Elf64_Shdr))
		return bad(ef, "offset 0x%zx: e_shentsize %u, expected %zu",
			   offsetof(Elf64_Ehdr, e_shentsize), eh->e_shentsize, sizeof(Elf64_Shdr));
	return 0;
}

static void read_shdr(const struct elf_file *ef, uint64_t shoff, uint32_t i, Elf64_Shdr *sh)
{
	memcpy(sh, ef->buf + shoff + (uint64_t)i * sizeof(*sh), sizeof(*sh));
}

/* Name of section @i from the section-name table @shstr, or NULL if bad. */
static const char *sec_name(const struct elf_sec *shstr, uint32_t name_off)
{
	if (name_off >= shstr->size)
		return NULL;
	return (const char *)shstr->data + name_off;
}

static int load_sections(struct elf_file *ef, const Elf64_Ehdr *eh)
{
	uint64_t shoff = eh->e_shoff, nsecs = eh->e_shnum;
	uint32_t shstrndx = eh->e_shstrndx, i;
	const struct elf_sec *shstr;
	Elf64_Shdr sh;

	if (!shoff)
		return bad(ef, "offset 0x%zx: no section header table", offsetof(Elf64_Ehdr, e_shoff));
	if (!in_bounds(shoff, sizeof(sh), ef->size))
		return bad(ef, "offset 0x%zx: section header table at 0x%llx is past the end (%zu bytes)",
			   offsetof(Elf64_Ehdr, e_shoff), (unsigned long long)shoff, ef->size);
	read_shdr(ef, shoff, 0, &sh);
	/* Extended numbering: the real counts live in section 0. */
	if (nsecs == 0)
		nsecs = sh.sh_size;
	if (shstrndx == SHN_XINDEX)
		shstrndx = sh.sh_link;
	if (nsecs == 0 || nsecs > 0xfff0)
		return bad(ef, "offset 0x%zx: %llu sections", offsetof(Elf64_Ehdr, e_shnum),
			   (unsigned long long)nsecs);
	if (!in_bounds(shoff, nsecs * sizeof(sh), ef->size))
		return bad(ef, "offset 0x%llx: section header table (%llu entries) runs past the end (%zu bytes)",
			   (unsigned long long)shoff, (unsigned long long)nsecs, ef->size);
	if (shstrndx == SHN_UNDEF || shstrndx >= nsecs)
		return bad(ef, "offset 0x%zx: section-name table index %u out of range (%llu sections)",
			   offsetof(Elf64_Ehdr, e_shstrndx), shstrndx, (unsigned long long)nsecs);

	ef->secs = calloc(nsecs, sizeof(*ef->secs));
	if (!ef->secs)
		return -ENOMEM;
	ef->nsecs = (uint32_t)nsecs;
	for (i = 0; i < nsecs; i++) {
		struct elf_sec *s = &ef->secs[i];

		read_shdr(ef, shoff, i, &sh);
		s->idx = i;
		s->type = sh.sh_type;
		s->flags = sh.sh_flags;
		s->off = sh.sh_offset;
		s->size = sh.sh_size;
		s->link = sh.sh_link;
		s->info = sh.sh_info;
		s->entsize = sh.sh_entsize;
		s->name = (const char *)(uintptr_t)sh.sh_name; /* offset until resolved below */
		if (i == 0 || s->type == SHT_NULL || s->type == SHT_NOBITS)
			continue;
		if (!in_bounds(s->off, s->size, ef->size))
			return bad(ef, "section %u: offset 0x%llx size 0x%llx runs past the end of the file (%zu bytes)",
				   i, (unsigned long long)s->off, (unsigned long long)s->size, ef->size);
		s->data = ef->buf + s->off;
	}

	shstr = &ef->secs[shstrndx];
	if (shstr->type != SHT_STRTAB || !shstr->size || shstr->data[shstr->size - 1])
		return bad(ef, "section %u: section-name table is not a NUL-terminated SHT_STRTAB (offset 0x%llx)",
			   shstrndx, (unsigned long long)shstr->off);
	for (i = 0; i < nsecs; i++) {
		struct elf_sec *s = &ef->secs[i];
		uint32_t off = (uint32_t)(uintptr_t)s->name;

		s->name = sec_name(shstr, off);
		if (!s->name)
			return bad(ef, "section %u: name offset 0x%x past the section-name table (%llu bytes)",
				   i, off, (unsigned long long)shstr->size);
	}
	return 0;
}

static int load_symtab(struct elf_file *ef)
{
	const struct elf_sec *sym = NULL, *str;
	uint32_t i;

	for (i = 1; i < ef->nsecs; i++) {
		if (ef->secs[i].type != SHT_SYMTAB)
			continue;
		if (sym) {
			elf_warn(ef, &ef->secs[i], "offset 0x%llx: second symbol table (first is section %u)",
				 (unsigned long long)ef->secs[i].off, sym->idx);
			return -HIVE_EFORMAT;
		}
		sym = &ef->secs[i];
	}
	if (!sym)
		return 0;
	if (sym->entsize != sizeof(Elf64_Sym) || sym->size % sizeof(Elf64_Sym)) {
		elf_warn(ef, sym, "offset 0x%llx: entry size %llu / size %llu, expected multiples of %zu",
			 (unsigned long long)sym->off, (unsigned long long)sym->entsize,
			 (unsigned long long)sym->size, sizeof(Elf64_Sym));
		return -HIVE_EFORMAT;
	}
	if (sym->link == 0 || sym->link >= ef->nsecs) {
		elf_warn(ef, sym, "offset 0x%llx: string table link %u out of range",
			 (unsigned long long)sym->off, sym->link);
		return -HIVE_EFORMAT;
	}
	str = &ef->secs[sym->link];
	if (str->type != SHT_STRTAB || !str->size || str->data[str->size - 1]) {
		elf_warn(ef, str, "offset 0x%llx: symbol string table is not a NUL-terminated SHT_STRTAB",
			 (unsigned long long)str->off);
		return -HIVE_EFORMAT;
	}
	if (sym->size / sizeof(Elf64_Sym) > UINT32_MAX) {
		elf_warn(ef, sym, "too many symbols");
		return -HIVE_EFORMAT;
	}
	ef->symtab_idx = sym->idx;
	ef->nsyms = (uint32_t)(sym->size / sizeof(Elf64_Sym));
	ef->syms = sym->data;
	ef->strtab = (const char *)str->data;
	ef->strtab_size = str->size;
	return 0;
}

static int check_rel_sections(struct elf_file *ef)
{
	uint32_t i;

	for (i = 1; i < ef->nsecs; i++) {
		const struct elf_sec *s = &ef->secs[i];

		if (s->type == SHT_RELA) {
			elf_warn(ef, s, "offset 0x%llx: SHT_RELA relocations are not used by the BPF target",
				 (unsigned long long)s->off);
			return -HIVE_EFORMAT;
		}
		if (s->type != SHT_REL)
			continue;
		if (s->entsize != sizeof(Elf64_Rel) || s->size % sizeof(Elf64_Rel)) {
			elf_warn(ef, s, "offset 0x%llx: entry size %llu / size %llu, expected multiples of %zu",
				 (unsigned long long)s->off, (unsigned long long)s->entsize,
				 (unsigned long long)s->size, sizeof(Elf64_Rel));
			return -HIVE_EFORMAT;
		}
		if (!ef->symtab_idx || s->link != ef->symtab_idx) {
			elf_warn(ef, s, "offset 0x%llx: sh_link %u is not the symbol table",
				 (unsigned long long)s->off, s->link);
			return -HIVE_EFORMAT;
		}
		if (s->info == 0 || s->info >= ef->nsecs) {
			elf_warn(ef, s, "offset 0x%llx: target section %u out of range",
				 (unsigned long long)s->off, s->info);
			return -HIVE_EFORMAT;
		}
	}
	return 0;
}

int elf_open(struct elf_file *ef, const char *path, const void *buf, size_t size)
{
	Elf64_Ehdr eh;
	int err;

	memset(ef, 0, sizeof(*ef));
	ef->path = path ? path : "(memory)";
	ef->buf = buf;
	ef->size = size;
	if (!buf || size < sizeof(eh))
		return bad(ef, "offset 0x0: truncated: %zu bytes, an ELF64 header needs %zu", size,
			   sizeof(eh));
	memcpy(&eh, buf, sizeof(eh));
	err = check_ident(ef, &eh);
	if (!err)
		err = load_sections(ef, &eh);
	if (!err)
		err = load_symtab(ef);
	if (!err)
		err = check_rel_sections(ef);
	if (err)
		elf_close(ef);
	return err;
}

void elf_close(struct elf_file *ef)
{
	if (!ef)
		return;
	hive_zfree(&ef->secs);
	ef->nsecs = 0;
}

const struct elf_sec *elf_sec(const struct elf_file *ef, uint32_t idx)
{
	return idx < ef->nsecs ? &ef->secs[idx] : NULL;
}

const struct elf_sec *elf_sec_by_name(const struct elf_file *ef, const char *name)
{
	uint32_t i;

	for (i = 1; i < ef->nsecs; i++)
		if (!strcmp(ef->secs[i].name, name))
			return &ef->secs[i];
	return NULL;
}

int elf_sym(const struct elf_file *ef, uint32_t idx, struct elf_sym *sym)
{
	const struct elf_sec *st = elf_sec(ef, ef->symtab_idx);
	Elf64_Sym s;

	if (idx >= ef->nsyms) {
		elf_warn(ef, st, "symbol index %u out of range (%u symbols)", idx, ef->nsyms);
		return -HIVE_EFORMAT;
	}
	memcpy(&s, ef->syms + (uint64_t)idx * sizeof(s), sizeof(s));
	if (s.st_name >= ef->strtab_size) {
		elf_warn(ef, st, "offset 0x%llx: symbol %u name offset 0x%x past the string table",
			 (unsigned long long)(st->off + (uint64_t)idx * sizeof(s)), idx, s.st_name);
		return -HIVE_EFORMAT;
	}
	if (s.st_shndx != SHN_UNDEF && s.st_shndx < SHN_LORESERVE && s.st_shndx >= ef->nsecs) {
		elf_warn(ef, st, "offset 0x%llx: symbol %u ('%s') in section %u, past the %u sections",
			 (unsigned long long)(st->off + (uint64_t)idx * sizeof(s)), idx,
			 ef->strtab + s.st_name, s.st_shndx, ef->nsecs);
		return -HIVE_EFORMAT;
	}
	if (s.st_shndx == SHN_XINDEX) {
		elf_warn(ef, st, "symbol %u ('%s'): extended section indexes are not supported", idx,
			 ef->strtab + s.st_name);
		return -HIVE_EFORMAT;
	}
	sym->name = ef->strtab + s.st_name;
	sym->value = s.st_value;
	sym->size = s.st_size;
	sym->shndx = s.st_shndx;
	sym->type = ELF64_ST_TYPE(s.st_info);
	sym->bind = ELF64_ST_BIND(s.st_info);
	sym->visibility = ELF64_ST_VISIBILITY(s.st_other);
	return 0;
}

int elf_rel(const struct elf_file *ef, const struct elf_sec *rs, uint32_t i, struct elf_rel *rel)
{
	Elf64_Rel r;

	memcpy(&r, rs->data + (uint64_t)i * sizeof(r), sizeof(r));
	rel->off = r.r_offset;
	rel->sym = (uint32_t)ELF64_R_SYM(r.r_info);
	rel->type = (uint32_t)ELF64_R_TYPE(r.r_info);
	if (rel->sym >= ef->nsyms) {
		elf_warn(ef, rs, "offset 0x%llx: relocation %u names symbol %u, past the %u symbols",
			 (unsigned long long)(rs->off + (uint64_t)i * sizeof(r)), i, rel->sym, ef->nsyms);
		return -HIVE_EFORMAT;
	}
	return 0;
}
