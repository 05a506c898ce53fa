/*
 * run_tests.c - the single test runner behind `make check`.
 *
 * Usage: run_tests [-v] [-l] [SUBSTRING...]
 *   -l        list test names
 *   -v        print every result, not only failures and skips
 *   SUBSTRING run only tests whose name contains one of them
 *
 * Each test runs in a forked child with a time limit (HIVE_TEST_TIMEOUT
 * seconds, default 120); its verdict travels back over a pipe. The last line
 * is "N passed, N failed, N skipped", preceded by the name and reason of
 * every skipped and failed test.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static struct hive_test *tests;
static int ntests;
static int result_fd = -1;   /* child: where verdicts go */
static int nfail_here;       /* child: failures in this case */

void test_register(struct hive_test *t)
{
	t->next = tests;
	tests = t;
	ntests++;
}

static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void report(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	if (write(result_fd, buf, n) < 0)
		return;
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	char buf[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	nfail_here++;
	if (nfail_here <= 20)
		report("F%s:%d: %s\n", file, line, buf);
}

void test_skip(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	report("S%s\n", buf);
}

int test_failed(void)
{
	return nfail_here;
}

const char *test_path(const char *rel)
{
	static char buf[4][4096];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", HIVE_SRC_DIR, rel);
	return buf[i];
}

const char *test_build_path(const char *rel)
{
	static char buf[4][4096];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", HIVE_BUILD_DIR, rel);
	return buf[i];
}

int test_kernel_bpf_available(void)
{
	/* A two-instruction socket filter: r0 = 0; exit. */
	struct bpf_insn prog[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	int fd;

	if (getenv("HIVE_NO_KERNEL"))
		return 0;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (uintptr_t)prog;
	attr.insn_cnt = 2;
	attr.license = (uintptr_t)"GPL";
	fd = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static int wanted(const struct hive_test *t, int argc, char **argv, int first)
{
	int i;

	if (first >= argc)
		return 1;
	for (i = first; i < argc; i++)
		if (strstr(t->name, argv[i]))
			return 1;
	return 0;
}

struct verdict {
	char kind;          /* 'P', 'F', 'S' */
	char text[4096];
};

static void run_one(struct hive_test *t, struct verdict *v, unsigned timeout)
{
	int fds[2];
	pid_t pid;
	ssize_t n;
	size_t len = 0;
	int status;

	memset(v, 0, sizeof(*v));
	if (pipe(fds)) {
		v->kind = 'F';
		snprintf(v->text, sizeof(v->text), "pipe: %s", strerror(errno));
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		result_fd = fds[1];
		alarm(timeout);
		t->fn();
		fflush(NULL);
		_exit(0);
	}
	close(fds[1]);
	while (len < sizeof(v->text) - 1 &&
	       (n = read(fds[0], v->text + len, sizeof(v->text) - 1 - len)) > 0)
		len += n;
	close(fds[0]);
	waitpid(pid, &status, 0);
	v->text[len] = 0;
	if (strchr(v->text, '\n') && v->text[0] == 'S' && !strstr(v->text, "\nF")) {
		v->kind = 'S';
	} else if (len > 0 && (v->text[0] == 'F' || strstr(v->text, "\nF"))) {
		v->kind = 'F';
	} else {
		v->kind = 'P';
	}
	if (WIFSIGNALED(status)) {
		size_t l = strlen(v->text);
		v->kind = 'F';
		snprintf(v->text + l, sizeof(v->text) - l, "Fkilled by signal %d%s\n",
			 WTERMSIG(status), WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
	} else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		size_t l = strlen(v->text);
		v->kind = 'F';
		snprintf(v->text + l, sizeof(v->text) - l, "Fexit status %d\n", WEXITSTATUS(status));
	}
}

/* Print the verdict's lines without their one-letter tags. */
static void print_lines(const char *text, const char *indent)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);

		if (n > 1)
			printf("%s%.*s\n", indent, n - 1, p + 1);
		p += n + (nl ? 1 : 0);
	}
}

static int by_name(const void *a, const void *b)
{
	const struct hive_test *x = *(struct hive_test *const *)a;
	const struct hive_test *y = *(struct hive_test *const *)b;
	int c = strcmp(x->file, y->file);

	return c ? c : strcmp(x->name, y->name);
}

int main(int argc, char **argv)
{
	struct hive_test **list, *t;
	int verbose = 0, first = 1, i, n = 0;
	int npass = 0, nfail = 0, nskip = 0;
	unsigned timeout = 120;
	struct verdict v;
	char *skipped = NULL, *failed = NULL;
	size_t skipped_len = 0, failed_len = 0;
	FILE *sk, *fl;

	if (getenv("HIVE_TEST_TIMEOUT"))
		timeout = (unsigned)atoi(getenv("HIVE_TEST_TIMEOUT"));
	for (; first < argc && argv[first][0] == '-'; first++) {
		if (!strcmp(argv[first], "-v"))
			verbose = 1;
		else if (!strcmp(argv[first], "-l")) {
			for (t = tests; t; t = t->next)
				printf("%s\n", t->name);
			return 0;
		}
	}
	list = calloc(ntests ? ntests : 1, sizeof(*list));
	if (!list)
		return 2;
	for (t = tests; t; t = t->next)
		list[n++] = t;
	qsort(list, n, sizeof(*list), by_name);

	sk = open_memstream(&skipped, &skipped_len);
	fl = open_memstream(&failed, &failed_len);
	if (!sk || !fl)
		return 2;
	for (i = 0; i < n; i++) {
		t = list[i];
		if (!wanted(t, argc, argv, first))
			continue;
		run_one(t, &v, timeout);
		switch (v.kind) {
		case 'P':
			npass++;
			if (verbose)
				printf("ok    %s\n", t->name);
			break;
		case 'S':
			nskip++;
			printf("skip  %s: %.*s\n", t->name, (int)strcspn(v.text + 1, "\n"), v.text + 1);
			fprintf(sk, "  %s: %.*s\n", t->name, (int)strcspn(v.text + 1, "\n"), v.text + 1);
			break;
		default:
			nfail++;
			printf("FAIL  %s\n", t->name);
			print_lines(v.text, "      ");
			fprintf(fl, "  %s\n", t->name);
			break;
		}
		fflush(stdout);
	}
	fclose(sk);
	fclose(fl);
	if (nskip)
		printf("skipped:\n%s", skipped);
	if (nfail)
		printf("failed:\n%s", failed);
	printf("%d passed, %d failed, %d skipped\n", npass, nfail, nskip);
	free(skipped);
	free(failed);
	free(list);
	return nfail ? 1 : 0;
}
