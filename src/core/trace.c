/*
 * trace.c - the trace log behind bpf_trace_printk: one file in the hive
 * state directory shared by every process, read line by line and consumed
 * by hive_tracelog_read() (`hive prog tracelog`), like trace_pipe.
 *
 * File layout: a 4 KiB header page (magic, the offset of the first
 * unconsumed byte), then lines appended with O_APPEND (one write() per line,
 * so lines of concurrent writers never interleave). Writers hold a shared
 * flock while appending; a reader holds it exclusively while it takes a
 * line and advances the consumed offset, and when everything was consumed
 * and the file grew past TRACE_MAX it truncates it back to the header.
 * A writer that finds the file over TRACE_HARD_MAX (nobody reading) drops
 * the line, as the kernel's ring overwrites old events when nobody reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/registry.h"
#include "core/trace.h"
#include "hive/hive_events.h"
#include "util/util.h"

#define TRACE_MAGIC "HIVETRC1"
#define TRACE_HDR 4096u
#define TRACE_MAX (1u << 20)          /* truncate when consumed and larger */
#define TRACE_HARD_MAX (16u << 20)    /* drop new lines beyond this */
#define TRACE_LINE_MAX 1200u

struct trace_hdr {
	char magic[8];
	_Atomic uint64_t consumed;   /* file offset of the first unread byte */
};

/* Open (creating on first use) the trace file; returns an fd or -errno. */
static int trace_open(void)
{
	const char *state = reg_state();
	char path[4096];
	struct trace_hdr hdr = { TRACE_MAGIC, TRACE_HDR };
	struct stat st;
	int fd;

	if (!state)
		return -errno;
	if (snprintf(path, sizeof(path), "%s/trace", state) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX) == 0) {
		if (fstat(fd, &st) == 0 && st.st_size < (off_t)TRACE_HDR) {
			/* first user: write the header page */
			if (ftruncate(fd, 0) || pwrite(fd, &hdr, sizeof(hdr), 0) != sizeof(hdr) ||
			    ftruncate(fd, TRACE_HDR)) {
				int err = -errno;

				close(fd);
				return err;
			}
		}
		flock(fd, LOCK_UN);
	}
	return fd;
}

static int writer_fd = -1;
static pthread_once_t writer_once = PTHREAD_ONCE_INIT;

static void writer_init(void)
{
	int fd = trace_open();

	if (fd < 0)
		hive_pr_debug("trace log unavailable: %s\n", strerror(-fd));
	writer_fd = fd;
}

void trace_log_printk(const char *text)
{
	char line[TRACE_LINE_MAX + 160], comm[17] = "";
	struct timespec ts;
	struct stat st;
	size_t tlen = strlen(text);
	int cpu = sched_getcpu(), n;

	pthread_once(&writer_once, writer_init);
	if (writer_fd < 0)
		return;
	if (tlen && text[tlen - 1] == '\n')
		tlen--;
	if (tlen > TRACE_LINE_MAX)
		tlen = TRACE_LINE_MAX;
	prctl(PR_GET_NAME, comm);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = snprintf(line, sizeof(line), "%16s-%-7ld [%03d] ...1. %5llu.%06llu: bpf_trace_printk: %.*s\n",
		     comm, (long)syscall(SYS_gettid), cpu < 0 ? 0 : cpu,
		     (unsigned long long)ts.tv_sec, (unsigned long long)ts.tv_nsec / 1000,
		     (int)tlen, text);
	if (n <= 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (flock(writer_fd, LOCK_SH))
		return;
	if (fstat(writer_fd, &st) == 0 && st.st_size < (off_t)TRACE_HARD_MAX) {
		if (write(writer_fd, line, (size_t)n) != n)
			hive_pr_debug("trace log: short write\n");
	}
	flock(writer_fd, LOCK_UN);
}

struct hive_tracelog {
	int fd;
	struct trace_hdr *hdr;
};

struct hive_tracelog *hive_tracelog_open(void)
{
	struct hive_tracelog *t = calloc(1, sizeof(*t));
	int fd, err;

	if (!t) {
		errno = ENOMEM;
		return NULL;
	}
	fd = trace_open();
	if (fd < 0) {
		err = -fd;
		goto err_free;
	}
	t->hdr = mmap(NULL, TRACE_HDR, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (t->hdr == MAP_FAILED) {
		err = errno;
		goto err_close;
	}
	if (memcmp(t->hdr->magic, TRACE_MAGIC, 8)) {
		hive_pr_warn("trace log: bad header in the state directory's trace file\n");
		err = EINVAL;
		goto err_unmap;
	}
	t->fd = fd;
	return t;
err_unmap:
	munmap(t->hdr, TRACE_HDR);
err_close:
	close(fd);
err_free:
	free(t);
	errno = err;
	return NULL;
}

/* Take one line under the exclusive lock: >0 length, 0 nothing, -errno. */
static int take_line(struct hive_tracelog *t, char *buf, size_t size)
{
	uint64_t off = atomic_load(&t->hdr->consumed);
	char tmp[TRACE_LINE_MAX + 200];
	struct stat st;
	ssize_t n;
	char *nl;
	size_t len;

	if (fstat(t->fd, &st))
		return -errno;
	if (off < TRACE_HDR || off > (uint64_t)st.st_size)
		off = TRACE_HDR; /* truncated by someone else */
	if (off == (uint64_t)st.st_size) {
		if (st.st_size > (off_t)TRACE_MAX) {
			if (ftruncate(t->fd, TRACE_HDR) == 0)
				atomic_store(&t->hdr->consumed, TRACE_HDR);
		}
		return 0;
	}
	n = pread(t->fd, tmp, sizeof(tmp) - 1, (off_t)off);
	if (n <= 0)
		return n < 0 ? -errno : 0;
	tmp[n] = 0;
	nl = memchr(tmp, '\n', (size_t)n);
	if (!nl)
		return 0; /* a line still being written */
	len = (size_t)(nl - tmp) + 1;
	atomic_store(&t->hdr->consumed, off + len);
	if (size) {
		size_t c = len < size - 1 ? len : size - 1;

		memcpy(buf, tmp, c);
		buf[c] = 0;
	}
	return (int)len;
}

int hive_tracelog_read(struct hive_tracelog *t, char *buf, size_t size, int timeout_ms)
{
	struct timespec start, now;
	int ret;

	if (!t || (!buf && size))
		return -EINVAL;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (flock(t->fd, LOCK_EX))
			return -errno;
		ret = take_line(t, buf, size);
		flock(t->fd, LOCK_UN);
		if (ret)
			return ret;
		if (timeout_ms == 0)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (timeout_ms > 0 && (now.tv_sec - start.tv_sec) * 1000 +
					      (now.tv_nsec - start.tv_nsec) / 1000000 >= timeout_ms)
			return 0;
		/* trace_pipe blocks; a short sleep keeps this simple and cheap */
		if (poll(NULL, 0, 20) < 0 && errno == EINTR)
			return -EINTR;
	}
}

void hive_tracelog_close(struct hive_tracelog *t)
{
	if (!t)
		return;
	munmap(t->hdr, TRACE_HDR);
	close(t->fd);
	free(t);
}
