/*
 * elf.h - a bounds-checked reader for the ELF64 relocatable objects clang
 * emits for the BPF target (e_machine EM_BPF, ET_REL, little-endian).
 *
 * elf_open() validates the headers, the section table, the section-name
 * string table, the one symbol table and its string table once; afterwards
 * every accessor returns data that lies inside the file, names that are
 * NUL-terminated, and indexes that are in range. Nothing here knows about
 * maps or programs: object.c interprets the sections.
 *
 * The reader never keeps pointers to misaligned structures: symbols and
 * relocations are copied out with memcpy, so a hostile file cannot cause
 * unaligned accesses.
 */
#ifndef HIVE_LOADER_ELF_H
#define HIVE_LOADER_ELF_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#ifndef EM_BPF
#define EM_BPF 247
#endif

/* Relocation types of the BPF target (llvm/BinaryFormat/ELFRelocs/BPF.def). */
#define HIVE_R_BPF_NONE        0
#define HIVE_R_BPF_64_64       1  /* lddw imm pair: address of a symbol */
#define HIVE_R_BPF_64_ABS64    2  /* 64-bit data word: address of a symbol */
#define HIVE_R_BPF_64_ABS32    3  /* 32-bit data word (debug sections) */
#define HIVE_R_BPF_64_NODYLD32 4  /* 32-bit data word, no dynamic fixup (.BTF.ext) */
#define HIVE_R_BPF_64_32       10 /* call imm: pc-relative function */

/* One section, as validated by elf_open. */
struct elf_sec {
	const char *name;     /* NUL-terminated, inside the file */
	uint32_t idx;         /* section header index */
	uint32_t type;        /* SHT_* */
	uint64_t flags;       /* SHF_* */
	uint64_t off;         /* file offset (0 for SHT_NOBITS) */
	uint64_t size;        /* bytes */
	uint32_t link, info;  /* sh_link, sh_info */
	uint64_t entsize;
	const uint8_t *data;  /* file bytes, NULL for SHT_NOBITS and SHT_NULL */
};

/* One symbol, copied out of the symbol table. */
struct elf_sym {
	const char *name;     /* "" when unnamed; never NULL */
	uint64_t value;
	uint64_t size;
	uint16_t shndx;       /* SHN_UNDEF, SHN_ABS, SHN_COMMON or a valid index */
	uint8_t type;         /* STT_* */
	uint8_t bind;         /* STB_* */
	uint8_t visibility;   /* STV_* */
};

/* One SHT_REL entry. */
struct elf_rel {
	uint64_t off;         /* offset in the target section (not yet checked) */
	uint32_t sym;         /* valid symbol index */
	uint32_t type;        /* HIVE_R_BPF_* */
};

struct elf_file {
	const char *path;     /* for messages; borrowed */
	const uint8_t *buf;   /* the whole file; borrowed */
	size_t size;
	struct elf_sec *secs; /* secs[0] is the null section; owned */
	uint32_t nsecs;
	uint32_t symtab_idx;  /* 0 when the object has no symbols */
	uint32_t nsyms;
	const uint8_t *syms;  /* raw Elf64_Sym array */
	const char *strtab;   /* symbol names; NUL at strtab[strtab_size - 1] */
	uint64_t strtab_size;
};

/*
 * elf_open - validate @buf (@size bytes, the file @path) and fill @ef.
 * The buffer is borrowed and must outlive @ef.
 * Returns 0, or -HIVE_EFORMAT after a warning naming the file, section and
 * offset, or -ENOMEM.
 */
int elf_open(struct elf_file *ef, const char *path, const void *buf, size_t size);

/* elf_close - free what elf_open allocated (not the buffer). NULL-safe. */
void elf_close(struct elf_file *ef);

/* Section by index, or NULL when out of range. */
const struct elf_sec *elf_sec(const struct elf_file *ef, uint32_t idx);

/* First section named @name, or NULL. */
const struct elf_sec *elf_sec_by_name(const struct elf_file *ef, const char *name);

/*
 * elf_sym - copy symbol @idx into @sym. Returns 0, or -HIVE_EFORMAT (with a
 * warning) when @idx is past the table or its name offset is bad.
 */
int elf_sym(const struct elf_file *ef, uint32_t idx, struct elf_sym *sym);

/* Number of entries of the SHT_REL section @rs. */
static inline uint32_t elf_rel_count(const struct elf_sec *rs)
{
	return (uint32_t)(rs->size / sizeof(Elf64_Rel));
}

/*
 * elf_rel - entry @i of the SHT_REL section @rs (validated by elf_open:
 * right entry size, links to the symbol table, targets a real section).
 * Returns 0, or -HIVE_EFORMAT when the symbol index is out of range.
 */
int elf_rel(const struct elf_file *ef, const struct elf_sec *rs, uint32_t i,
	    struct elf_rel *rel);

/* Warning prefixed with "<file>: section '<name>' (<idx>)". @sec may be NULL. */
void elf_warn(const struct elf_file *ef, const struct elf_sec *sec, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* HIVE_LOADER_ELF_H */
