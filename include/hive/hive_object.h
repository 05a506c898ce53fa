/*
 * hive_object.h - the object loader: open the ELF object clang builds with
 * `clang -O2 -g -target bpf` (the same file libbpf loads into the kernel),
 * inspect and adjust its programs and maps, then load it.
 *
 * Life cycle, as in libbpf:
 *
 *   open     hive_object__open_file/__open_mem parse and validate the ELF,
 *            BTF and BTF.ext; find programs (by section name), maps (.maps,
 *            global data, .kconfig externs) and relocations. Nothing is
 *            created yet: types, sizes, autoload and initial values may be
 *            changed.
 *   prepare  hive_object__prepare resolves CO-RE relocations against the
 *            target BTF, loads the object's BTF, creates (or reuses pinned)
 *            maps, and relocates every program: hive_program__insns then
 *            returns the final instructions. Optional: load does it.
 *   load     hive_object__load loads every program whose autoload is on.
 *   close    hive_object__close destroys everything the object created
 *            (map and program fds; pinned files stay) and frees it.
 *
 * Every bpf() command goes through a backend: hive's own bpf() (libhive's
 * hive_bpf) by default, or the live kernel's syscall when the open options
 * say .kernel = true, or a function the caller supplies (.bpf). The same
 * object can therefore be loaded into hive and into the kernel and compared.
 *
 * Ownership: the object owns its programs, maps, BTF and every fd it
 * created; pointers to them stay valid until hive_object__close. Strings
 * returned by getters live as long as the object. Buffers given to setters
 * are copied unless stated otherwise.
 *
 * Errors: functions return 0 or a positive value, or a negative errno /
 * -HIVE_E* code (HIVE_EFORMAT malformed ELF, HIVE_EBTF malformed BTF,
 * HIVE_ERELOC bad or unresolvable relocation); open returns NULL with errno
 * set. Every failure is also reported through the hive_set_print callback
 * with the file, section and offset (or program and instruction) at fault.
 */
#ifndef HIVE_HIVE_OBJECT_H
#define HIVE_HIVE_OBJECT_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hive/hive.h"
#include "hive/hive_insn.h"

#ifdef __cplusplus
extern "C" {
#endif

struct hive_object;
struct hive_program;
struct hive_map;
struct hive_btf;

/**
 * A bpf() implementation with the kernel's semantics: returns a fd or 0, or
 * -1 with errno set, as syscall(SYS_bpf, cmd, attr, size) does.
 */
typedef int (*hive_bpf_fn)(int cmd, union bpf_attr *attr, unsigned int size);

/** Releases a fd returned by a hive_bpf_fn (close(2) for the kernel). */
typedef int (*hive_close_fn)(int fd);

/** Options of hive_object__open_file/__open_mem. Zero means default. */
struct hive_object_open_opts {
	size_t sz;                   /**< sizeof(struct hive_object_open_opts) */
	const char *object_name;     /**< name instead of the file's basename */
	bool kernel;                 /**< load into the live kernel (syscall bpf) */
	hive_bpf_fn bpf;             /**< custom backend; overrides .kernel */
	hive_close_fn close;         /**< how to close the custom backend's fds
					  (default close(2)) */
	const char *btf_custom_path; /**< target BTF for CO-RE instead of
					  /sys/kernel/btf/vmlinux */
	const char *kconfig;         /**< extra "CONFIG_X=y\n" lines, win over the
					  host's config */
	const char *pin_root_path;   /**< directory of LIBBPF_PIN_BY_NAME maps,
					  default /sys/fs/bpf */
	uint32_t kernel_log_level;   /**< verifier log level of every program
					  load (messages on failure regardless) */
	size_t :0;
};

/**
 * @brief Open an object file.
 * @param path the ELF file; read and copied.
 * @param opts NULL or options (sz must be set; bytes past the known fields
 *             must be zero).
 * @return the object (free with hive_object__close), or NULL with errno set.
 */
HIVE_API struct hive_object *hive_object__open_file(const char *path,
						    const struct hive_object_open_opts *opts);

/**
 * @brief Open an object from memory.
 * @param buf the ELF bytes; copied, the caller keeps ownership.
 * @param size bytes in @p buf.
 * @param opts NULL or options; object_name defaults to a name derived from
 *             the buffer address.
 * @return the object, or NULL with errno set.
 */
HIVE_API struct hive_object *hive_object__open_mem(const void *buf, size_t size,
						   const struct hive_object_open_opts *opts);

/**
 * @brief Resolve CO-RE, load BTF, create maps and relocate programs without
 *        loading them (see the life cycle above). Idempotent.
 * @return 0 or a negative error; on error the object can only be closed.
 */
HIVE_API int hive_object__prepare(struct hive_object *obj);

/**
 * @brief Prepare if needed, then load every program with autoload on.
 * @return 0 or a negative error (the first program that failed is named in
 *         the message, with the verifier log).
 */
HIVE_API int hive_object__load(struct hive_object *obj);

/** @brief Close maps and programs, free the object. NULL-safe. */
HIVE_API void hive_object__close(struct hive_object *obj);

/** @brief Object name (file basename up to the first '.'). */
HIVE_API const char *hive_object__name(const struct hive_object *obj);

/** @brief Contents of the "license" section ("" if none). */
HIVE_API const char *hive_object__license(const struct hive_object *obj);

/** @brief Contents of the "version" section (0 if none). */
HIVE_API uint32_t hive_object__kversion(const struct hive_object *obj);

/** @brief The object's BTF (owned by the object), or NULL if it has none. */
HIVE_API struct hive_btf *hive_object__btf(const struct hive_object *obj);

/** @brief fd of the object's BTF in the backend after prepare, or -1. */
HIVE_API int hive_object__btf_fd(const struct hive_object *obj);

/**
 * @brief Iterate programs (subprograms of .text excluded), in section order.
 * @param prev NULL for the first.
 * @return the next program or NULL.
 */
HIVE_API struct hive_program *hive_object__next_program(const struct hive_object *obj,
							struct hive_program *prev);

/** @brief Program by function name, or NULL (errno ENOENT). */
HIVE_API struct hive_program *hive_object__find_program_by_name(const struct hive_object *obj,
								const char *name);

/** @brief Iterate maps (BTF-defined, then global data, then .kconfig). */
HIVE_API struct hive_map *hive_object__next_map(const struct hive_object *obj,
						struct hive_map *prev);

/**
 * @brief Map by name: the variable name of a .maps map, or the section name
 *        (".data", ".rodata", ".bss", ".kconfig", ".data.foo") or the
 *        backend-visible name ("obj.rodata") of a global data map.
 * @return the map or NULL (errno ENOENT).
 */
HIVE_API struct hive_map *hive_object__find_map_by_name(const struct hive_object *obj,
							const char *name);

/**
 * @brief Pin every map under @p path ("<path>/<map name>"); maps with a pin
 *        path set use that path instead. Needs a loaded/prepared object.
 * @param path directory, or NULL to pin only maps with a pin path.
 * @return 0 or a negative error (maps pinned so far are unpinned).
 */
HIVE_API int hive_object__pin_maps(struct hive_object *obj, const char *path);

/** @brief Unpin what hive_object__pin_maps pinned (same @p path). */
HIVE_API int hive_object__unpin_maps(struct hive_object *obj, const char *path);

/**
 * @brief Program type and expected attach type that a section name selects,
 *        by the naming convention the loader applies (libbpf's SEC() names:
 *        "xdp", "socket", "kprobe/do_unlinkat", "classifier", ...).
 * @return 0, -ESRCH when no program section has that name, -EINVAL.
 */
HIVE_API int hive_prog_type_by_name(const char *name, enum bpf_prog_type *type,
				    enum bpf_attach_type *attach);

/* ------------------------------------------------------------ programs */

/** @brief Function name of the program. */
HIVE_API const char *hive_program__name(const struct hive_program *prog);

/** @brief ELF section the program is in ("xdp", "kprobe/do_sys_open"). */
HIVE_API const char *hive_program__section_name(const struct hive_program *prog);

/** @brief Whether hive_object__load loads this program (default true). */
HIVE_API bool hive_program__autoload(const struct hive_program *prog);

/**
 * @brief Turn loading of a program on or off.
 * @return 0, or -EBUSY after the object was prepared.
 */
HIVE_API int hive_program__set_autoload(struct hive_program *prog, bool autoload);

/** @brief Program type (from the section name, or set_type). */
HIVE_API enum bpf_prog_type hive_program__type(const struct hive_program *prog);

/** @brief Override the program type. @return 0 or -EBUSY once prepared. */
HIVE_API int hive_program__set_type(struct hive_program *prog, enum bpf_prog_type type);

/** @brief Expected attach type passed at load. */
HIVE_API enum bpf_attach_type hive_program__expected_attach_type(const struct hive_program *prog);

/** @brief Override the expected attach type. @return 0 or -EBUSY. */
HIVE_API int hive_program__set_expected_attach_type(struct hive_program *prog,
						    enum bpf_attach_type type);

/**
 * @brief Attach target from the section name ("syscalls/sys_enter_openat"
 *        for "tracepoint/syscalls/sys_enter_openat", "do_unlinkat" for
 *        "kprobe/do_unlinkat"); "" when the section names none.
 */
HIVE_API const char *hive_program__attach_target(const struct hive_program *prog);

/** @brief Whether the section marks a return probe (kretprobe, ...). */
HIVE_API bool hive_program__is_retprobe(const struct hive_program *prog);

/** @brief prog_flags passed at load (BPF_F_SLEEPABLE, ...). */
HIVE_API uint32_t hive_program__flags(const struct hive_program *prog);

/** @brief Set prog_flags. @return 0 or -EBUSY once loaded. */
HIVE_API int hive_program__set_flags(struct hive_program *prog, uint32_t flags);

/** @brief Program fd in the backend after load, or -1 (errno ENOENT/EINVAL). */
HIVE_API int hive_program__fd(const struct hive_program *prog);

/**
 * @brief Instructions: the function's own before prepare; after prepare the
 *        final ones (CO-RE and map relocations applied, subprograms
 *        appended), exactly what PROG_LOAD receives. Owned by the program.
 */
HIVE_API const struct hive_insn *hive_program__insns(const struct hive_program *prog);

/** @brief Number of instruction slots of hive_program__insns. */
HIVE_API size_t hive_program__insn_cnt(const struct hive_program *prog);

/**
 * @brief BTF function info of the final program (after prepare): one record
 *        per function, insn_off in instructions. Owned by the program.
 * @param cnt receives the number of records.
 * @return the records or NULL when the object has no BTF.ext.
 */
HIVE_API const struct bpf_func_info *hive_program__func_info(const struct hive_program *prog,
							      uint32_t *cnt);

/**
 * @brief BTF line info of the final program (after prepare): insn_off in
 *        instructions; file_name_off/line_off are strings of
 *        hive_object__btf. Owned by the program.
 */
HIVE_API const struct bpf_line_info *hive_program__line_info(const struct hive_program *prog,
							      uint32_t *cnt);

/**
 * @brief Verifier log buffer for this program's load (the caller's buffer,
 *        not copied; must outlive the load). Level 0 keeps the default
 *        (log only on failure).
 */
HIVE_API int hive_program__set_log_buf(struct hive_program *prog, char *buf, size_t size);
HIVE_API int hive_program__set_log_level(struct hive_program *prog, uint32_t level);

/* ---------------------------------------------------------------- maps */

/** @brief Map name as created in the backend (global data: "obj.rodata"). */
HIVE_API const char *hive_map__name(const struct hive_map *map);

/** @brief fd in the backend after prepare, or -1 (errno EINVAL). */
HIVE_API int hive_map__fd(const struct hive_map *map);

HIVE_API enum bpf_map_type hive_map__type(const struct hive_map *map);
HIVE_API uint32_t hive_map__key_size(const struct hive_map *map);
HIVE_API uint32_t hive_map__value_size(const struct hive_map *map);
HIVE_API uint32_t hive_map__max_entries(const struct hive_map *map);
HIVE_API uint32_t hive_map__map_flags(const struct hive_map *map);

/**
 * @brief Use the existing map behind @p fd instead of creating one (libbpf's
 *        bpf_map__reuse_fd): the fd is duplicated, the map takes that map's
 *        type, sizes, entries and flags, and its initial contents are not
 *        written. Before prepare only.
 * @return 0, -EBUSY after prepare, -EBADF, or the backend's error on @p fd.
 */
HIVE_API int hive_map__reuse_fd(struct hive_map *map, int fd);

/** @brief Setters: allowed before prepare, else -EBUSY. */
HIVE_API int hive_map__set_type(struct hive_map *map, enum bpf_map_type type);
HIVE_API int hive_map__set_key_size(struct hive_map *map, uint32_t size);
HIVE_API int hive_map__set_max_entries(struct hive_map *map, uint32_t max_entries);
HIVE_API int hive_map__set_map_flags(struct hive_map *map, uint32_t flags);

/**
 * @brief Change the value size. For a global data map this resizes its
 *        initial value (zero-filled when growing) and drops its BTF value
 *        type; only the last variable of the section may be affected.
 * @return 0, -EBUSY after prepare, -EINVAL for size 0, -ENOMEM.
 */
HIVE_API int hive_map__set_value_size(struct hive_map *map, uint32_t size);

/**
 * @brief Initial contents of a global data map (.data/.rodata/.bss/
 *        .kconfig): the bytes written at creation. Owned by the map; may be
 *        modified in place before prepare.
 * @param psize receives the size.
 * @return the bytes, or NULL for other maps.
 */
HIVE_API void *hive_map__initial_value(const struct hive_map *map, size_t *psize);

/**
 * @brief Replace the initial value (copied). @p size must equal the value size.
 * @return 0, -EINVAL (size or not a data map), -EBUSY after prepare.
 */
HIVE_API int hive_map__set_initial_value(struct hive_map *map, const void *data, size_t size);

/** @brief Template of the inner maps of a map-in-map, or NULL. */
HIVE_API struct hive_map *hive_map__inner_map(struct hive_map *map);

/** @brief Pin path: set by LIBBPF_PIN_BY_NAME or set_pin_path, or NULL. */
HIVE_API const char *hive_map__pin_path(const struct hive_map *map);

/**
 * @brief Set where the map is pinned (copied); NULL clears. If a map is
 *        pinned there at prepare, it is reused when compatible (same type,
 *        sizes, entries, flags) and the load fails otherwise.
 */
HIVE_API int hive_map__set_pin_path(struct hive_map *map, const char *path);

/** @brief Whether the map is pinned (by us, or reused from its pin path). */
HIVE_API bool hive_map__is_pinned(const struct hive_map *map);

/** @brief BTF ids of the key and value types in hive_object__btf (0 if none). */
HIVE_API uint32_t hive_map__btf_key_type_id(const struct hive_map *map);
HIVE_API uint32_t hive_map__btf_value_type_id(const struct hive_map *map);

#ifdef __cplusplus
}
#endif
#endif /* HIVE_HIVE_OBJECT_H */
