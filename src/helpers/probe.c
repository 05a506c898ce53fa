/*
 * probe.c - fault-safe reads of the host process's memory and the
 * bpf_probe_read* helpers built on them.
 *
 * In the kernel, probe_read copies with page faults disabled and returns
 * -EFAULT for unmapped memory. hive does the same in user space with
 * process_vm_readv() on its own pid: the kernel performs the copy and
 * reports EFAULT instead of delivering SIGSEGV. Where that syscall is
 * refused (seccomp, ENOSYS), /proc/self/mem is the fallback. Reads never
 * crash; a failed read zeroes the destination, as the kernel does.
 *
 * "kernel" and "user" variants read the same host address space.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "helpers/helpers.h"

#define PAGE 4096u

static atomic_int use_procmem; /* process_vm_readv refused: use /proc/self/mem */

/* This process's pid for process_vm_readv/writev, cached (a getpid() per
 * copy doubled the cost of a bpf() map command); a fork resets it in the
 * child, as obj.c does for its own pid. */
static atomic_int self_pid;
static pthread_once_t pid_once = PTHREAD_ONCE_INIT;

static void pid_reset(void)
{
	atomic_store(&self_pid, 0);
}

static void pid_init(void)
{
	pthread_atfork(NULL, NULL, pid_reset);
}

static pid_t probe_pid(void)
{
	pid_t pid;

	pthread_once(&pid_once, pid_init);
	pid = atomic_load(&self_pid);
	if (!pid) {
		pid = getpid();
		atomic_store(&self_pid, pid);
	}
	return pid;
}

static int read_procmem(void *dst, const void *src, size_t len)
{
	static atomic_int memfd = -1;
	int fd = atomic_load(&memfd);
	ssize_t n;

	if (fd < 0) {
		int expected = -1;

		fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -EFAULT;
		if (!atomic_compare_exchange_strong(&memfd, &expected, fd)) {
			close(fd);
			fd = expected;
		}
	}
	n = pread(fd, dst, len, (off_t)(uintptr_t)src);
	return n == (ssize_t)len ? 0 : -EFAULT;
}

int probe_mem(void *dst, const void *src, size_t len)
{
	struct iovec local = { dst, len }, remote = { (void *)src, len };
	ssize_t n;

	if (!len)
		return 0;
	if ((uintptr_t)src + len < (uintptr_t)src)
		return -EFAULT;
	if (!atomic_load(&use_procmem)) {
		n = process_vm_readv(probe_pid(), &local, 1, &remote, 1, 0);
		if (n == (ssize_t)len)
			return 0;
		if (n >= 0 || errno == EFAULT)
			return -EFAULT;
		if (errno != EPERM && errno != ENOSYS)
			return -EFAULT;
		atomic_store(&use_procmem, 1);
	}
	return read_procmem(dst, src, len);
}

int probe_memv(const struct iovec *dst, const struct iovec *src, unsigned n)
{
	size_t total = 0;
	unsigned i;
	ssize_t r;

	for (i = 0; i < n; i++) {
		if ((uintptr_t)src[i].iov_base + src[i].iov_len < (uintptr_t)src[i].iov_base ||
		    dst[i].iov_len != src[i].iov_len)
			return -EFAULT;
		total += src[i].iov_len;
	}
	if (!total)
		return 0;
	if (!atomic_load(&use_procmem)) {
		r = process_vm_readv(probe_pid(), dst, n, src, n, 0);
		if (r == (ssize_t)total)
			return 0;
		if (r >= 0 || (errno != EPERM && errno != ENOSYS))
			return -EFAULT;
	}
	for (i = 0; i < n; i++)                      /* one at a time (fallback) */
		if (probe_mem(dst[i].iov_base, src[i].iov_base, src[i].iov_len))
			return -EFAULT;
	return 0;
}

int probe_writev(const struct iovec *dst, const struct iovec *src, unsigned n)
{
	size_t total = 0;
	unsigned i;

	for (i = 0; i < n; i++) {
		if (dst[i].iov_len != src[i].iov_len)
			return -EFAULT;
		total += src[i].iov_len;
	}
	if (!total)
		return 0;
	if (process_vm_writev(probe_pid(), src, n, dst, n, 0) == (ssize_t)total)
		return 0;
	if (errno != EPERM && errno != ENOSYS)
		return -EFAULT;
	for (i = 0; i < n; i++)                      /* one at a time (fallback) */
		if (probe_write(dst[i].iov_base, src[i].iov_base, src[i].iov_len))
			return -EFAULT;
	return 0;
}

int probe_write(void *dst, const void *src, size_t len)
{
	struct iovec local = { (void *)src, len }, remote = { dst, len };

	if (!len)
		return 0;
	if (process_vm_writev(probe_pid(), &local, 1, &remote, 1, 0) == (ssize_t)len)
		return 0;
	if (errno == EPERM || errno == ENOSYS) {
		/* no cross-memory syscalls here: plain copy (callers' own buffers) */
		memcpy(dst, src, len);
		return 0;
	}
	return -EFAULT;
}

long probe_str(char *dst, const void *src, size_t size)
{
	const char *s = src;
	size_t done = 0;

	if (!size)
		return 0;
	while (done < size - 1) {
		/* Read up to the end of the source page: never cross into a page
		 * that the string does not need. */
		size_t chunk = PAGE - ((uintptr_t)(s + done) % PAGE);
		char *nul;

		if (chunk > size - 1 - done)
			chunk = size - 1 - done;
		if (probe_mem(dst + done, s + done, chunk)) {
			if (!done)
				return -EFAULT;
			break;
		}
		nul = memchr(dst + done, 0, chunk);
		if (nul)
			return nul - dst + 1;
		done += chunk;
	}
	dst[done] = 0;
	return (long)done + 1;
}

static uint64_t read_common(uint64_t r1, uint64_t r2, uint64_t r3, struct hive_run *run,
			    const char *who)
{
	void *dst = (void *)(uintptr_t)r1;
	uint32_t size = (uint32_t)r2;
	int err;

	if (!helper_mem(run, dst, size, HIVE_PROT_WRITE, who))
		return 0;
	err = probe_mem(dst, (const void *)(uintptr_t)r3, size);
	if (err)
		memset(dst, 0, size);
	return (uint64_t)(int64_t)err;
}

static uint64_t read_str_common(uint64_t r1, uint64_t r2, uint64_t r3, struct hive_run *run,
				const char *who)
{
	char *dst = (char *)(uintptr_t)r1;
	uint32_t size = (uint32_t)r2;
	long n;

	if (!helper_mem(run, dst, size, HIVE_PROT_WRITE, who))
		return 0;
	n = probe_str(dst, (const void *)(uintptr_t)r3, size);
	if (n < 0)
		memset(dst, 0, size);
	return (uint64_t)(int64_t)n;
}

/* bpf_probe_read(dst, size, src): 0 or -EFAULT (dst zeroed). */
uint64_t helper_probe_read(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			   struct hive_run *run)
{
	return read_common(r1, r2, r3, run, "probe_read");
}

uint64_t helper_probe_read_user(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				uint64_t r5, struct hive_run *run)
{
	return read_common(r1, r2, r3, run, "probe_read_user");
}

uint64_t helper_probe_read_kernel(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				  uint64_t r5, struct hive_run *run)
{
	return read_common(r1, r2, r3, run, "probe_read_kernel");
}

/* bpf_probe_read_str(dst, size, src): bytes copied including the NUL, or -EFAULT. */
uint64_t helper_probe_read_str(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
			       uint64_t r5, struct hive_run *run)
{
	return read_str_common(r1, r2, r3, run, "probe_read_str");
}

uint64_t helper_probe_read_user_str(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				    uint64_t r5, struct hive_run *run)
{
	return read_str_common(r1, r2, r3, run, "probe_read_user_str");
}

uint64_t helper_probe_read_kernel_str(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				      uint64_t r5, struct hive_run *run)
{
	return read_str_common(r1, r2, r3, run, "probe_read_kernel_str");
}
