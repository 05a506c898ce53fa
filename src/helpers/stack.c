/*
 * stack.c - bpf_get_stackid(ctx, map, flags): store the current call chain
 * in a BPF_MAP_TYPE_STACK_TRACE map and return its id (maps/stack_trace.c
 * does the hashing and slot rules of the kernel's stackmap.c);
 * bpf_get_stack(ctx, buf, size, flags): copy the chain into a buffer.
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
#include <string.h>

#include "helpers/helpers.h"
#include "maps/map.h"
#include "util/util.h"

#define F_SKIP_MASK 0xffull            /* BPF_F_SKIP_FIELD_MASK */
#define MAX_DEPTH 127u                 /* PERF_MAX_STACK_DEPTH */

/*
 * The host thread's user call chain above the helper that called this,
 * innermost first, @skip more frames left out: the number of addresses
 * stored in @ips (at most @max), or -1 when there are fewer than @skip
 * frames above the helper. Not inlined: its own frame is counted.
 */
static __attribute__((noinline)) int user_chain(uint64_t *ips, uint32_t max, uint32_t skip)
{
	void *frames[MAX_DEPTH + 2];
	int n = backtrace(frames, (int)HIVE_ARRAY_SIZE(frames)), nr = 0;

	/* frame 0 is this function, frame 1 the helper */
	if (n - 2 < (int)skip)
		return -1;
	for (int i = 2 + (int)skip; i < n && nr < (int)max; i++)
		ips[nr++] = (uint64_t)(uintptr_t)frames[i];
	return nr;
}

/* bpf_get_stackid(): stack id, or -EINVAL (flags), -EFAULT (no chain),
 * -EEXIST / -ENOMEM (map full or slot taken, see stack_map_store). */
uint64_t helper_get_stackid(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			    struct hive_run *run)
{
	struct hive_map *map = helper_map(run, r2, "get_stackid");
	uint64_t flags = r3, ips[MAX_DEPTH];
	int nr;

	if (!map)
		return 0;
	if (flags & ~(F_SKIP_MASK | BPF_F_USER_STACK | BPF_F_FAST_STACK_CMP | BPF_F_REUSE_STACKID))
		return (uint64_t)-EINVAL;
	if (!(flags & BPF_F_USER_STACK))
		return (uint64_t)-EFAULT;
	nr = user_chain(ips, MAX_DEPTH, (uint32_t)(flags & F_SKIP_MASK));
	/* everything skipped: an empty chain, as stack_map_store decides */
	return (uint64_t)(int64_t)stack_map_store(map, ips, nr < 0 ? 0 : (uint32_t)nr, flags);
}

/* struct bpf_stack_build_id: the kernel falls back to status IP (2) with
 * the address when it cannot read a build id; hive never reads them. */
struct stack_build_id {
	int32_t status;
	uint8_t build_id[20];
	uint64_t ip;
};
#define BUILD_ID_STATUS_IP 2

/*
 * bpf_get_stack(): the kernel's __bpf_get_stack. @size bytes at @buf get
 * whole entries (u64 addresses, or struct bpf_stack_build_id with
 * BPF_F_USER_BUILD_ID), the rest zeroes. Returns the bytes of entries
 * copied; -EINVAL (flags, size not a multiple of the entry, build ids of a
 * kernel stack) or -EFAULT (no chain: every kernel stack in hive, fewer
 * frames than skipped), with the whole buffer zeroed.
 */
uint64_t helper_get_stack(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			  struct hive_run *run)
{
	uint8_t *buf = (uint8_t *)(uintptr_t)r2;
	uint64_t size = r3, flags = r4, ips[MAX_DEPTH];
	bool user = flags & BPF_F_USER_STACK, build_id = flags & BPF_F_USER_BUILD_ID;
	uint32_t elem, want;
	int64_t err = -EINVAL;
	int nr;

	(void)r1;
	(void)r5;
	if (!helper_mem(run, buf, size, HIVE_PROT_WRITE, "get_stack"))
		return 0;
	if (flags & ~(F_SKIP_MASK | BPF_F_USER_STACK | BPF_F_USER_BUILD_ID))
		goto clear;
	if (!user && build_id)
		goto clear;
	elem = build_id ? sizeof(struct stack_build_id) : sizeof(uint64_t);
	if (size % elem)
		goto clear;
	err = -EFAULT;
	if (!user)
		goto clear;
	want = size / elem < MAX_DEPTH ? (uint32_t)(size / elem) : MAX_DEPTH;
	nr = user_chain(ips, want, (uint32_t)(flags & F_SKIP_MASK));
	if (nr < 0)
		goto clear;
	for (int i = 0; i < nr; i++) {
		if (build_id) {
			struct stack_build_id id = { .status = BUILD_ID_STATUS_IP, .ip = ips[i] };

			memcpy(buf + (size_t)i * elem, &id, sizeof(id));
		} else {
			memcpy(buf + (size_t)i * elem, &ips[i], sizeof(ips[i]));
		}
	}
	memset(buf + (size_t)nr * elem, 0, size - (size_t)nr * elem);
	return (uint64_t)nr * elem;
clear:
	memset(buf, 0, size);
	return (uint64_t)err;
}
