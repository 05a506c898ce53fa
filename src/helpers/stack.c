/*
 * stack.c - bpf_get_stackid(ctx, map, flags): store the current call chain
 * in a BPF_MAP_TYPE_STACK_TRACE map and return its id (maps/stack_trace.c
 * does the hashing and slot rules of the kernel's stackmap.c).
 *
 * hive runs in user space, so there is no kernel stack: without
 * BPF_F_USER_STACK the helper answers -EFAULT, as the kernel does when it
 * cannot get a call chain. With BPF_F_USER_STACK the chain is the host
 * thread's own user stack (glibc backtrace()), innermost first; it starts
 * inside hive's engine, below the frame of this helper, and the low 8 bits
 * of flags skip further frames as in the kernel.
 */
#include <errno.h>
#include <execinfo.h>

#include "helpers/helpers.h"
#include "maps/map.h"
#include "util/util.h"

#define F_SKIP_MASK 0xffull            /* BPF_F_SKIP_FIELD_MASK */
#define MAX_DEPTH 127u                 /* PERF_MAX_STACK_DEPTH */

/* bpf_get_stackid(): stack id, or -EINVAL (flags), -EFAULT (no chain),
 * -EEXIST / -ENOMEM (map full or slot taken, see stack_map_store). */
uint64_t helper_get_stackid(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			    struct hive_run *run)
{
	struct hive_map *map = (struct hive_map *)(uintptr_t)r2;
	uint64_t flags = r3, ips[MAX_DEPTH + 1];
	void *frames[MAX_DEPTH + 1];
	uint32_t skip = (uint32_t)(flags & F_SKIP_MASK), nr = 0;
	int n;

	if (flags & ~(F_SKIP_MASK | BPF_F_USER_STACK | BPF_F_FAST_STACK_CMP | BPF_F_REUSE_STACKID))
		return (uint64_t)-EINVAL;
	if (!(flags & BPF_F_USER_STACK))
		return (uint64_t)-EFAULT;
	n = backtrace(frames, (int)HIVE_ARRAY_SIZE(frames));
	/* frame 0 is this helper */
	for (int i = 1 + (int)skip; i < n && nr < MAX_DEPTH; i++)
		ips[nr++] = (uint64_t)(uintptr_t)frames[i];
	return (uint64_t)(int64_t)stack_map_store(map, ips, nr, flags);
}
