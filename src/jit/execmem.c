/*
 * execmem.c - memory for generated code, never writable and executable at
 * once (W^X): pages are mapped read/write, the final pass writes the code,
 * then the pages become read/execute for good. The mapping is placed near
 * a given address when the kernel allows it, so calls into libhive and the
 * embedder's helpers can use 32-bit displacements.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "jit/jit_internal.h"
#include "util/util.h"

static size_t page_round(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return (size + page - 1) & ~(page - 1);
}

/* Whether [p, p+size) is within +-2 GiB of @near. */
static bool reaches(uintptr_t p, size_t size, uintptr_t near)
{
	uintptr_t lo = p < near ? p : near;
	uintptr_t hi = p + size > near ? p + size : near;

	return hi - lo < (1ull << 31) - (1ull << 24);
}

/*
 * jit_exec_alloc - RW anonymous pages for @size bytes of code.
 * Returns the mapping (page aligned, size rounded up to pages) or NULL
 * with errno set. Free with jit_exec_free(mem, size).
 */
void *jit_exec_alloc(size_t size, const void *near)
{
	static const uintptr_t gaps[] = { 64u << 20, 512u << 20, 1024u << 20 };
	uintptr_t n = (uintptr_t)near;
	void *p;
	size_t i;

	size = page_round(size);
	for (i = 0; near && i < HIVE_ARRAY_SIZE(gaps); i++) {
		uintptr_t hint = (n > gaps[i] + size ? n - gaps[i] - size : n + gaps[i]) &
				 ~(uintptr_t)0xfffff;

		p = mmap((void *)hint, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
		if (p == MAP_FAILED)
			return NULL;
		if (reaches((uintptr_t)p, size, n))
			return p;
		munmap(p, size);
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/*
 * jit_exec_seal - make the first @used bytes of the @size-byte mapping
 * read/execute and unmap the whole pages beyond them.
 * Returns the new mapping size, or a negative errno (the mapping is then
 * still RW and must be freed with the original size).
 */
int jit_exec_seal(void *mem, size_t size, size_t used)
{
	size_t keep = page_round(used);

	size = page_round(size);
	if (mprotect(mem, keep, PROT_READ | PROT_EXEC))
		return -errno;
	if (keep < size)
		munmap((uint8_t *)mem + keep, size - keep);
	return keep > INT32_MAX ? -E2BIG : (int)keep;
}

void jit_exec_free(void *mem, size_t size)
{
	if (mem)
		munmap(mem, page_round(size));
}
