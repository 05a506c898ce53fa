/*
 * object.h - the loader's private model of an opened object, shared by
 * object.c (open, ELF collection, getters), maps.c (map definitions and
 * creation), externs.c (.kconfig/.ksyms), reloc.c (relocations, linking),
 * core_reloc.c (CO-RE) and load.c (backend, BTF and program loading).
 *
 * Model. Every function symbol of an executable section becomes a struct
 * hive_program: those in program sections are programs, those in .text are
 * subprograms (hidden from iteration, appended to the programs that call
 * them). Each keeps its own copy of its instructions and the relocations
 * that fall inside it, indexed relative to its first instruction. Maps are
 * BTF-defined (.maps), global data (one per .data/.rodata/.bss section), or
 * the .kconfig extern map. Arrays of programs and maps never move after
 * open, so the pointers handed to users stay valid.
 */
#ifndef HIVE_LOADER_OBJECT_H
#define HIVE_LOADER_OBJECT_H

#include <stdbool.h>
#include <stdint.h>

#include "hive/hive_object.h"
#include "btf.h"
#include "btf_ext.h"
#include "elf.h"
#include "sections.h"

#define OBJ_NAME_LEN 16 /* BPF_OBJ_NAME_LEN */
/* Largest value of the one-entry arrays behind .data/.rodata/.bss/.kconfig:
 * the kernel's array maps refuse a value_size above INT_MAX with E2BIG. */
#define OBJ_MAX_MAP_VALUE 0x7fffffffu

enum map_kind {
	MAP_USER,    /* BTF-defined in .maps */
	MAP_DATA,    /* .data, .data.* */
	MAP_RODATA,  /* .rodata, .rodata.* */
	MAP_BSS,     /* .bss, .bss.* */
	MAP_KCONFIG, /* .kconfig externs */
};

/* What an ELF section is to the loader. */
enum sec_kind {
	SEC_OTHER = 0,
	SEC_PROG,    /* executable: programs or .text subprograms */
	SEC_MAPS,    /* .maps */
	SEC_GDATA,   /* global data, backed by map sec_map */
};

struct sec_info {
	enum sec_kind kind;
	int map_idx;        /* SEC_GDATA: its map */
	uint32_t rel_idx;   /* SHT_REL section targeting it, 0 if none */
};

enum init_slot_kind { SLOT_MAP, SLOT_PROG };

struct init_slot {
	uint32_t idx;       /* array index in the outer map */
	enum init_slot_kind kind;
	int target;         /* map index or program index */
};

struct hive_map {
	struct hive_object *obj;
	char *name;          /* backend-visible name */
	char *real_name;     /* variable or section name */
	enum map_kind kind;
	uint32_t sec_idx;    /* .maps or the data section */
	uint64_t sec_off;    /* MAP_USER: offset of the variable in .maps */
	uint64_t sec_size;   /* MAP_USER: size of the variable */
	uint32_t type, key_size, value_size, max_entries, map_flags, numa_node;
	uint64_t map_extra;
	uint32_t pinning;    /* LIBBPF_PIN_* */
	uint32_t btf_key_type_id, btf_value_type_id;
	uint32_t btf_var_id; /* MAP_USER: the VAR; data maps: the DATASEC (0 if none) */
	struct hive_map *inner;   /* map-in-map template (owned) */
	struct init_slot *slots;  /* initial contents of map-in-map / prog array */
	uint32_t nr_slots;
	uint8_t *data;       /* data maps: initial value (value_size bytes) */
	char *pin_path;
	int fd;
	bool reused;         /* fd taken over from a pinned map */
	bool pinned;
	bool is_inner;       /* template owned by another map */
};

enum reloc_type {
	RELO_MAP,          /* lddw -> BPF_PSEUDO_MAP_FD of map_idx */
	RELO_DATA,         /* lddw -> BPF_PSEUDO_MAP_VALUE of map_idx + sym_off */
	RELO_CALL,         /* call -> .text function at sym_off/8 + imm + 1 */
	RELO_SUBPROG_ADDR, /* lddw -> BPF_PSEUDO_FUNC of .text at (sym_off + imm)/8 */
	RELO_EXTERN_VAR,   /* lddw of an extern variable (ext_idx) */
	RELO_EXTERN_FUNC,  /* call of an extern function (kfunc, ext_idx) */
};

struct reloc {
	enum reloc_type type;
	uint32_t insn_idx;   /* relative to the function's first instruction */
	int map_idx;
	int ext_idx;
	uint64_t sym_off;
	uint32_t sym_idx;    /* for messages */
};

/* An instruction CO-RE poisoned, for explaining a verifier rejection. */
struct core_poison {
	uint32_t insn;      /* function-relative (poisons) or final (lpoisons) */
	char *desc;         /* the relocation: kind and local type path */
};

struct hive_program {
	struct hive_object *obj;
	uint32_t idx;             /* in obj->progs */
	char *name;               /* function name */
	char *sec_name;           /* borrowed from the ELF */
	uint32_t sec_idx;
	uint32_t sec_insn_off;    /* first instruction within the section */
	uint32_t sec_insn_cnt;    /* instructions of this function */
	const struct sec_def *def;  /* NULL: unknown section or .text */
	bool is_subprog;          /* .text function */
	bool autoload;
	uint32_t type, expected_attach_type, prog_flags;
	uint32_t attach_btf_id;
	struct hive_insn *insns;  /* own copy; final program after prepare */
	uint32_t insn_cnt;
	struct reloc *relos;
	uint32_t nr_relos;
	/* Linking: where this function sits in the program being linked. */
	uint32_t sub_insn_off;
	bool linked;
	struct bpf_func_info *func_info;   /* final, after prepare */
	uint32_t func_info_cnt;
	struct bpf_line_info *line_info;
	uint32_t line_info_cnt;
	struct core_poison *poisons;   /* in this function's own instructions */
	uint32_t nr_poisons;
	struct core_poison *lpoisons;  /* in the linked program (borrowed descs) */
	uint32_t nr_lpoisons;
	char *log_buf;            /* user buffer, borrowed */
	size_t log_size;
	uint32_t log_level;
	int fd;
};

enum extern_type { EXT_KCFG, EXT_KSYM };

/* How a .kconfig extern's value is encoded (from its BTF type). */
enum kcfg_type {
	KCFG_UNKNOWN,
	KCFG_CHAR,     /* char: 'y', 'n', 'm' */
	KCFG_BOOL,     /* bool: y -> 1, n -> 0 */
	KCFG_INT,      /* integer of sz bytes, signed or not */
	KCFG_TRISTATE, /* enum libbpf_tristate: n 0, y 1, m 2 */
	KCFG_CHAR_ARR, /* char[N]: quoted string value */
};

struct extern_desc {
	char *name;
	enum extern_type type;
	uint32_t sym_idx;
	uint32_t btf_id;          /* VAR or FUNC in the object BTF */
	bool weak;
	bool resolved;
	/* EXT_KCFG */
	enum kcfg_type kcfg;
	uint32_t sz, align, data_off;
	bool is_signed;
	/* EXT_KSYM */
	bool is_func;
	bool typed;               /* has a BTF type other than void/int */
	uint32_t kernel_btf_id;
	uint64_t addr;            /* untyped ksym: /proc/kallsyms address */
};

enum obj_state { OBJ_OPENED, OBJ_PREPARED, OBJ_LOADED, OBJ_FAILED };

struct hive_object {
	char *path;                 /* for messages ("foo.bpf.o") */
	char name[64];
	uint8_t *buf;               /* owned copy of the file */
	size_t size;
	struct elf_file elf;
	struct sec_info *secs;      /* per ELF section */
	struct hive_btf *btf;       /* object BTF (owned), may be NULL */
	struct btf_ext *btf_ext;    /* may be NULL */
	char btf_what[128];         /* "file: .BTF", for messages */
	struct hive_program *progs; /* programs and subprograms */
	uint32_t nr_progs;
	struct hive_map *maps;
	uint32_t nr_maps;
	struct extern_desc *externs;
	uint32_t nr_externs;
	int kconfig_map_idx;        /* -1 if none */
	uint32_t text_shndx, maps_shndx;
	char license[128];
	uint32_t kern_version;
	/* options */
	hive_bpf_fn bpf;
	hive_close_fn close_fd;
	bool kernel;
	char *btf_custom_path;
	char *kconfig_extra;
	char *pin_root;
	uint32_t log_level;
	/* load state */
	struct hive_btf *target_btf;  /* CO-RE / attach target (owned) */
	int btf_fd;
	enum obj_state state;
};

/*
 * Shared between the loader's files. Unless said otherwise, int functions
 * return 0 or a negative errno / -HIVE_E* after a warning that names the
 * file and the place (section, map, program, instruction) at fault.
 */

/* ---- object.c */
/* Warning "<file>: <message>" through hive_pr_warn. */
void obj_warn(const struct hive_object *obj, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The function containing instruction @insn_idx of section @sec_idx, or NULL. */
struct hive_program *obj_prog_at(const struct hive_object *obj, uint32_t sec_idx,
				 uint32_t insn_idx);
/* Index of the function starting at byte @value of section @sec_idx, or -1. */
int obj_prog_by_sym(const struct hive_object *obj, uint32_t sec_idx, uint64_t value);

/* ---- maps.c */
/* Open: BTF-defined maps of .maps, then one map per global data section. */
int maps_collect(struct hive_object *obj);
/* Open: map-in-map / program-array initial slots from .rel.maps. */
int maps_collect_slots(struct hive_object *obj);
/* Prepare: create (or reuse) every map, write initial values, fill map slots. */
int maps_create(struct hive_object *obj);
/* Load: fill program-array slots once the programs have fds. */
int maps_fill_prog_slots(struct hive_object *obj);
/* Free what a map owns (closing its fd); not the struct. NULL-safe. */
void map_free(struct hive_map *map);
/* The .maps map whose variable starts at @off, or -1. */
int map_by_sec_off(const struct hive_object *obj, uint32_t sec_idx, uint64_t off);
/* Append a zeroed map to obj->maps (open only: the array may move). */
int map_add(struct hive_object *obj, struct hive_map **out);
/* libbpf's name for the map of global data section @real (malloc'd, or NULL). */
char *map_internal_name(const struct hive_object *obj, const char *real);

/* ---- externs.c */
/* Open: .kconfig/.ksyms externs, laid out; adds the .kconfig map. */
int externs_collect(struct hive_object *obj);
/* Prepare: kconfig values into the .kconfig map, ksyms against the target BTF. */
int externs_resolve(struct hive_object *obj);
/* Index of extern @name, or -1. */
int ext_by_name(const struct hive_object *obj, const char *name);

/* ---- reloc.c */
/* Open: check and record every relocation of every code section. */
int relocs_collect(struct hive_object *obj);
/* Prepare: data relocations on every function, then link each program. */
int relocs_apply(struct hive_object *obj);

/* ---- core_reloc.c */
/* Prepare: resolve and patch every CO-RE record (needs the target BTF). */
int core_relocate(struct hive_object *obj);

/* ---- load.c */
/* bpf() through the object's backend: >= 0, or -errno. */
int obj_bpf(const struct hive_object *obj, int cmd, union bpf_attr *attr, unsigned int size);
/* Close a fd the backend returned (the backend's close). Negative fds ignored. */
void obj_close_fd(const struct hive_object *obj, int fd);
/* Where LIBBPF_PIN_BY_NAME maps go by default: the backend's bpffs. */
const char *obj_default_pin_root(const struct hive_object *obj);
/* Possible CPUs (per-CPU map sizes, perf event arrays). */
uint32_t obj_possible_cpus(void);
/* The target BTF (btf_custom_path or vmlinux), loaded once; owned by @obj. */
int obj_target_btf(struct hive_object *obj, struct hive_btf **out);
/* Prepare: BPF_BTF_LOAD of the sanitized object BTF; failure is not fatal. */
int obj_load_btf(struct hive_object *obj);
/* Load: BPF_PROG_LOAD of one linked program, with the verifier log on failure. */
int prog_load(struct hive_object *obj, struct hive_program *prog);

#endif /* HIVE_LOADER_OBJECT_H */
