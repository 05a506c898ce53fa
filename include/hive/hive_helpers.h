/*
 * hive_helpers.h - helper prototypes and embedder-registered helpers.
 *
 * Every helper a program calls has a prototype in the style of the kernel's
 * struct bpf_func_proto: a return class and five argument classes. The
 * verifier checks calls against it; the runtime binds the implementation.
 * hive's built-in helpers (the kernel's ids, <linux/bpf.h>) come from one
 * table (src/helpers/helper_def.h). Embedders add their own helpers with
 * hive_helper_register(): programs loaded afterwards through hive_bpf()
 * may call them like built-in ones.
 *
 * Argument classes are a base kind plus flags, as in the kernel
 * (ARG_PTR_TO_MEM | MEM_RDONLY ...). Return classes likewise.
 */
#ifndef HIVE_HELPERS_H
#define HIVE_HELPERS_H

#include <stdint.h>

#include "hive.h"
#include "hive_vm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Flags combined with a base class (the kernel's bpf_type_flag). */
#define HIVE_PTR_MAYBE_NULL  (1u << 8)  /**< NULL is accepted / may be returned */
#define HIVE_MEM_RDONLY      (1u << 9)  /**< the helper only reads the memory */
#define HIVE_MEM_RINGBUF     (1u << 10) /**< memory from bpf_ringbuf_reserve */
#define HIVE_MEM_UNINIT      (1u << 11) /**< may be uninitialised; the helper fills it */
#define HIVE_MEM_WRITE       (1u << 12) /**< the helper writes the memory */
#define HIVE_OBJ_RELEASE     (1u << 13) /**< the helper releases the reference */
#define HIVE_MEM_FIXED_SIZE  (1u << 14) /**< size given by the prototype, not an argument */
#define HIVE_RET_GPL_ONLY    (1u << 15) /**< in helper_def.h RET only: gpl_only helper */
#define HIVE_CLASS_BASE(c)   ((c) & 0xffu)

/** Base argument classes (the kernel's enum bpf_arg_type). */
enum hive_arg_base {
	HIVE_ARGB_DONTCARE = 0,          /**< unused argument */
	HIVE_ARGB_CONST_MAP_PTR,         /**< map pointer from lddw */
	HIVE_ARGB_PTR_TO_MAP_KEY,        /**< key_size bytes, initialised */
	HIVE_ARGB_PTR_TO_MAP_VALUE,      /**< value_size bytes */
	HIVE_ARGB_PTR_TO_MEM,            /**< memory, size in the next argument */
	HIVE_ARGB_CONST_SIZE,            /**< size of the previous argument, > 0 */
	HIVE_ARGB_CONST_SIZE_OR_ZERO,    /**< size of the previous argument, >= 0 */
	HIVE_ARGB_PTR_TO_CTX,            /**< the program's context */
	HIVE_ARGB_ANYTHING,              /**< any initialised value */
	HIVE_ARGB_PTR_TO_SPIN_LOCK,      /**< struct bpf_spin_lock in a map value */
	HIVE_ARGB_PTR_TO_RINGBUF_MEM,    /**< a reserved ring buffer record */
	HIVE_ARGB_CONST_ALLOC_SIZE_OR_ZERO, /**< size of memory the helper returns */
	HIVE_ARGB_PTR_TO_FUNC,           /**< callback from lddw BPF_PSEUDO_FUNC */
	HIVE_ARGB_PTR_TO_STACK,          /**< pointer into the stack */
	HIVE_ARGB_PTR_TO_CONST_STR,      /**< NUL-terminated string in a read-only map */
	HIVE_ARGB_MAX
};

/* Argument classes: the tokens of helper_def.h's ARG columns. */
#define HIVE_ARG_UNSPEC                 HIVE_ARGB_DONTCARE
#define HIVE_ARG_ANYTHING               HIVE_ARGB_ANYTHING
#define HIVE_ARG_CONST_MAP_PTR          HIVE_ARGB_CONST_MAP_PTR
#define HIVE_ARG_PTR_TO_MAP_KEY         HIVE_ARGB_PTR_TO_MAP_KEY
#define HIVE_ARG_PTR_TO_MAP_VALUE       HIVE_ARGB_PTR_TO_MAP_VALUE
#define HIVE_ARG_PTR_TO_UNINIT_MAP_VALUE \
	(HIVE_ARGB_PTR_TO_MAP_VALUE | HIVE_MEM_UNINIT | HIVE_MEM_WRITE)
#define HIVE_ARG_PTR_TO_MEM             HIVE_ARGB_PTR_TO_MEM
#define HIVE_ARG_PTR_TO_MEM_RDONLY      (HIVE_ARGB_PTR_TO_MEM | HIVE_MEM_RDONLY)
#define HIVE_ARG_PTR_TO_MEM_OR_NULL     (HIVE_ARGB_PTR_TO_MEM | HIVE_PTR_MAYBE_NULL | HIVE_MEM_WRITE)
#define HIVE_ARG_PTR_TO_MEM_OR_NULL_RDONLY \
	(HIVE_ARGB_PTR_TO_MEM | HIVE_PTR_MAYBE_NULL | HIVE_MEM_RDONLY)
#define HIVE_ARG_PTR_TO_UNINIT_MEM      (HIVE_ARGB_PTR_TO_MEM | HIVE_MEM_UNINIT | HIVE_MEM_WRITE)
#define HIVE_ARG_PTR_TO_LONG \
	(HIVE_ARGB_PTR_TO_MEM | HIVE_MEM_FIXED_SIZE | HIVE_MEM_UNINIT | HIVE_MEM_WRITE)
#define HIVE_ARG_CONST_SIZE             HIVE_ARGB_CONST_SIZE
#define HIVE_ARG_CONST_SIZE_OR_ZERO     HIVE_ARGB_CONST_SIZE_OR_ZERO
#define HIVE_ARG_CONST_ALLOC_SIZE_OR_ZERO HIVE_ARGB_CONST_ALLOC_SIZE_OR_ZERO
#define HIVE_ARG_PTR_TO_CTX             HIVE_ARGB_PTR_TO_CTX
#define HIVE_ARG_PTR_TO_FUNC            HIVE_ARGB_PTR_TO_FUNC
#define HIVE_ARG_PTR_TO_STACK_OR_NULL   (HIVE_ARGB_PTR_TO_STACK | HIVE_PTR_MAYBE_NULL)
#define HIVE_ARG_PTR_TO_CONST_STR       HIVE_ARGB_PTR_TO_CONST_STR
#define HIVE_ARG_PTR_TO_SPIN_LOCK       HIVE_ARGB_PTR_TO_SPIN_LOCK
#define HIVE_ARG_PTR_TO_RINGBUF_MEM_RELEASE \
	(HIVE_ARGB_PTR_TO_RINGBUF_MEM | HIVE_OBJ_RELEASE)

/** Base return classes (the kernel's enum bpf_return_type). */
enum hive_ret_base {
	HIVE_RETB_UNSPEC = 0,     /**< helper not available */
	HIVE_RETB_INTEGER,        /**< any scalar */
	HIVE_RETB_VOID,           /**< no value */
	HIVE_RETB_PTR_TO_MAP_VALUE, /**< value of the map argument */
	HIVE_RETB_PTR_TO_MEM,     /**< memory of the size argument */
	HIVE_RETB_PTR_TO_BTF_ID,  /**< kernel object typed by vmlinux BTF (task_struct) */
	HIVE_RETB_MAX
};

/* Return classes: the tokens of helper_def.h's RET column. */
#define HIVE_RET_UNSPEC                    HIVE_RETB_UNSPEC
#define HIVE_RET_INTEGER                   HIVE_RETB_INTEGER
#define HIVE_RET_INTEGER_GPL               (HIVE_RETB_INTEGER | HIVE_RET_GPL_ONLY)
#define HIVE_RET_VOID                      HIVE_RETB_VOID
#define HIVE_RET_PTR_TO_MAP_VALUE_OR_NULL  (HIVE_RETB_PTR_TO_MAP_VALUE | HIVE_PTR_MAYBE_NULL)
#define HIVE_RET_PTR_TO_BTF_ID_TRUSTED_GPL (HIVE_RETB_PTR_TO_BTF_ID | HIVE_RET_GPL_ONLY)
#define HIVE_RET_PTR_TO_RINGBUF_MEM_OR_NULL \
	(HIVE_RETB_PTR_TO_MEM | HIVE_MEM_RINGBUF | HIVE_PTR_MAYBE_NULL)

/** A helper's prototype, as the kernel's struct bpf_func_proto. */
struct hive_helper_proto {
	uint32_t ret;      /**< HIVE_RET_* */
	uint32_t args[5];  /**< HIVE_ARG_*; HIVE_ARG_UNSPEC for unused ones */
	uint32_t arg_size[5]; /**< bytes of HIVE_MEM_FIXED_SIZE arguments */
	int gpl_only;      /**< only GPL-compatible programs may call it */
};

/**
 * @brief Add helper @p id for programs loaded through hive_bpf() from now on.
 * @param id    call number; must not be one of hive's built-in helpers
 * @param name  copied; shown in disassembly and messages
 * @param fn    the implementation
 * @param proto its prototype; ret must not be HIVE_RET_UNSPEC
 * @return 0; -EINVAL (NULL fn/name/proto, id >= 65536, bad classes);
 *   -EEXIST (a built-in or already registered helper); -ENOMEM.
 * Thread-safe. Already loaded programs keep the helpers they were bound to.
 */
HIVE_API int hive_helper_register(uint32_t id, const char *name, hive_helper_fn fn,
				  const struct hive_helper_proto *proto);

/** @brief Remove a helper added by hive_helper_register(). @return 0 or -ENOENT. */
HIVE_API int hive_helper_unregister(uint32_t id);

/**
 * @brief Prototype of helper @p id (built-in or registered).
 * @return 0 with *proto filled; -ENOENT when hive does not provide it.
 */
HIVE_API int hive_helper_proto(uint32_t id, struct hive_helper_proto *proto);

/** @brief Name of helper @p id without the bpf_ prefix, or NULL if unknown. */
HIVE_API const char *hive_helper_name(uint32_t id);

#ifdef __cplusplus
}
#endif
#endif /* HIVE_HELPERS_H */
