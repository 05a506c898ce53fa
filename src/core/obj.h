/*
 * obj.h - hive's kernel-object model: every map (and later every program,
 * BTF and link) is a file whose open file descriptors ARE the handles the
 * bpf() ABI hands out.
 *
 * An object file lives on the hive filesystem (see registry.c): it is
 * created with O_TMPFILE, so it has no name and disappears with its last
 * descriptor or mapping, unless pinned (a hard link under the hive fs) or
 * referenced by another object (a hard link under the state directory).
 *
 *   [ payload: type-specific, position-independent data  ][ header page ]
 *   0                                                     payload_size
 *
 * The payload starts at file offset 0 so that mmap(map_fd, 0) gives user
 * space the kernel's layout (BPF_F_MMAPABLE arrays, ring buffers); the
 * 4 KiB header page at the end names the object (magic, kind, id) and holds
 * its kind's attributes. Everything in the file uses offsets, never
 * pointers, and process-shared locks and atomics: any process may map it
 * at any address.
 *
 * Each process keeps a table (dev, ino) -> struct hive_obj, the object
 * mapped into this process, filled lazily the first time a descriptor of
 * an unknown object is used (after fork, SCM_RIGHTS, OBJ_GET, ...). Every
 * user-visible descriptor carries a shared OFD lock on byte 0: "someone
 * holds a handle" is then one F_OFD_GETLK away, across processes.
 */
#ifndef HIVE_CORE_OBJ_H
#define HIVE_CORE_OBJ_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hive/hive_bpf.h" /* hive_num_possible_cpus() */

#define HIVE_OBJ_MAGIC "HIVEOBJ1"
#define HIVE_HDR_SIZE 4096u
#define HIVE_KIND_AREA 3072u /* bytes of the header page for the kind */

/* Object kinds; each has its own id space, as the kernel's idrs. */
enum hive_obj_kind {
	HIVE_OBJ_NONE = 0,
	HIVE_OBJ_MAP,
	HIVE_OBJ_PROG,
	HIVE_OBJ_BTF,
	HIVE_OBJ_LINK,
	HIVE_OBJ_NKINDS,
};

/* The header page, at file offset payload_size. */
struct hive_obj_hdr {
	char magic[8];               /* HIVE_OBJ_MAGIC */
	uint32_t version;            /* 1 */
	uint32_t kind;               /* enum hive_obj_kind */
	uint32_t id;                 /* registry id (unique per kind and state dir) */
	_Atomic uint32_t flags;      /* HIVE_HDR_F_* (kinds.h) */
	uint64_t payload_size;
	_Atomic uint32_t nrefs;      /* reference links held by other objects */
	_Atomic uint32_t restricted; /* a RDONLY/WRONLY handle was ever made */
	uint32_t creator_pid;
	uint32_t pad;
	uint64_t create_time_ns;
	uint8_t reserved[1024 - 56];
	uint8_t kind_area[HIVE_KIND_AREA]; /* e.g. struct hive_map_def */
};
_Static_assert(sizeof(struct hive_obj_hdr) == HIVE_HDR_SIZE, "header is one page");

/* One object mapped into this process. Refcounted: the table holds one
 * reference while the object is alive; users take one around each use. */
struct hive_obj {
	uint64_t dev, ino;
	enum hive_obj_kind kind;
	uint32_t id;
	int fd;                      /* internal O_RDWR descriptor (no lock) */
	uint8_t *base;               /* mapping of the whole file */
	size_t size;                 /* payload_size + HIVE_HDR_SIZE */
	struct hive_obj_hdr *hdr;
	_Atomic int refcnt;          /* 0: dead, being unmapped */
	pid_t hint_pid;              /* pid that registered this process's hint */
	struct hive_obj *_Atomic next; /* table chain (entries are never freed) */
	struct hive_obj *grave_next;   /* swept entries (obj.c) */
	void (*release)(struct hive_obj *obj); /* kind hook before unmapping */
};

/* Access a descriptor grants (from its open mode). */
#define HIVE_ACC_READ  1u
#define HIVE_ACC_WRITE 2u

/*
 * Create a new object file of @kind with @payload_size bytes of payload
 * (rounded up to pages), allocate its id and map it.
 * @acc_flags: O_RDWR/O_RDONLY/O_WRONLY for the returned handle.
 * On success *objp holds a reference and the return value is the new
 * handle (close-on-exec, OFD-locked); the caller fills the payload and the
 * kind area, then calls obj_publish(). Returns -errno on failure.
 */
int obj_create(enum hive_obj_kind kind, size_t payload_size, int acc_flags,
	       struct hive_obj **objp);
/* Make a created object visible to other processes (registry entry). */
int obj_publish(struct hive_obj *obj, int fd);

/*
 * Resolve handle @fd to the object it refers to, mapping it if this
 * process has not seen it yet. @kind HIVE_OBJ_NONE accepts any kind.
 * On success returns 0, takes a reference in *objp and, when @acc is not
 * NULL, stores the HIVE_ACC_* rights of the descriptor.
 * -EBADF: not an open descriptor; -EINVAL: not a hive object of that kind.
 */
int obj_from_fd(int fd, enum hive_obj_kind kind, struct hive_obj **objp, unsigned *acc);

/* Map an object reachable through @fd (which need not be a handle) and
 * return it referenced; used by the registry after opening by path or id. */
int obj_get_by_fd(int fd, struct hive_obj **objp);

void obj_get(struct hive_obj *obj);
void obj_put(struct hive_obj *obj);

/*
 * Make a new user handle for @obj with access @acc_flags (O_RDONLY,
 * O_WRONLY, O_RDWR): a fresh open file description, close-on-exec, with
 * the shared OFD lock that marks it as a handle. Returns the fd or -errno.
 */
int obj_new_handle(struct hive_obj *obj, int acc_flags);
/* Mark an already open descriptor of an object as a user handle. */
int obj_lock_handle(int fd);

/* Whether some process holds a handle to the file open as @fd, or the
 * file is linked (pinned or referenced). */
bool obj_fd_alive(int fd);

/* This process's view of object (@kind, @id), mapped on demand (prog.c),
 * referenced, or NULL when there is no live object of that kind and id. */
struct hive_obj *obj_by_id(enum hive_obj_kind kind, uint32_t id);
/* Find an object already mapped in this process by its id. Referenced. */
struct hive_obj *obj_find_mapped(enum hive_obj_kind kind, uint32_t id);

/* In a forked child, on its first hive_bpf() call: make every object it
 * inherited findable by id through this process too (cheap otherwise). */
void obj_after_fork(void);
/* Run reg_gc() if it has not run in this process this second. */
void obj_maybe_gc(void);

/* Unmap objects no process holds any more (no handle, no link). Returns
 * the number released. Called from time to time by the map layer. */
int obj_sweep(void);


static inline void *obj_kind_area(struct hive_obj *obj)
{
	return obj->hdr->kind_area;
}

#endif /* HIVE_CORE_OBJ_H */
