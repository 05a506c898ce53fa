/*
 * test_verify_logs.c - hive's verifier against the live kernel's on every
 * clang-built test object: `hive verify OBJ log_level 2` (hive's PROG_LOAD)
 * and `hive --kernel verify OBJ log_level 2` (the same loader, the kernel's
 * PROG_LOAD) must give the same verdict for every program and, except for
 * the objects listed below with the reason, the same level-2 log byte for
 * byte (map addresses masked: hive prints its own). The level-2 log holds
 * every path, every register and stack state, the live-register table,
 * the pruning and precision lines and the source lines of line_info, so
 * this compares most of the verifier's reasoning, not only its verdict.
 * Objects with identical logs are also compared at log_level 4 (the
 * statistics: stack depths, processed counts), the time line left out.
 */
#include <dirent.h>
#include <stdbool.h>
#include <string.h>
#include <sys/utsname.h>

#include "harness.h"
#include "test_cli_util.h"

/* Objects whose logs are known to differ, and why. */
static const struct {
	const char *obj;
	const char *why;
	bool verdict_too;  /* the verdict differs too */
} log_differs[] = {
	{ "ksyms_kfunc.bpf.o", "kfuncs and typed ksyms: hive has no kernel functions or symbols",
	  true },
	{ "fentry_unlink.bpf.o", "tracing programs are not verified by hive", false },
	{ "lsm_file_open.bpf.o", "LSM programs are not verified by hive", false },
	{ "raw_tp_sched.bpf.o", "tp_btf programs are not verified by hive", false },
	{ "sk_lookup_iter.bpf.o", "sk_lookup and iterator programs are not verified by hive", false },
};

static const char *differs_why(const char *obj, bool *verdict_too)
{
	for (size_t i = 0; i < sizeof(log_differs) / sizeof(log_differs[0]); i++)
		if (!strcmp(log_differs[i].obj, obj)) {
			*verdict_too = log_differs[i].verdict_too;
			return log_differs[i].why;
		}
	*verdict_too = false;
	return NULL;
}

/* "prog NAME (section S): accepted|rejected (...)|loaded unverified" lines. */
static void verdicts(const char *log, char *out, size_t size)
{
	size_t n = 0;

	out[0] = 0;
	for (const char *p = log; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (strncmp(p, "prog ", 5) || len + 2 > size - n)
			continue;
		memcpy(out + n, p, len);
		n += len;
		out[n++] = '\n';
		out[n] = 0;
	}
}

TEST(verify_logs_match_kernel)
{
	char path[512], hv[4096], kv[4096];
	struct utsname u;
	struct cli c;
	int same = 0, known = 0;
	DIR *d;
	struct dirent *e;

	if (!test_kernel_bpf_available())
		SKIP("the kernel's bpf() is not available");
	if (uname(&u) || strncmp(u.release, "6.18", 4))
		SKIP("the expected logs are Linux 6.18's (running %s)", u.release);
	REQUIRE(cli_init(&c) == 0);
	snprintf(path, sizeof(path), "%s", test_build_path("tests/progs"));
	d = opendir(path);
	REQUIRE(d != NULL);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		bool verdict_too;
		const char *why = differs_why(e->d_name, &verdict_too);
		char *hlog, *klog;

		if (len < 6 || strcmp(e->d_name + len - 6, ".bpf.o"))
			continue;
		cli_run(&c, "verify $OBJ/%s log_level 2", e->d_name);
		hlog = strdup(c.out);
		cli_run(&c, "--kernel verify $OBJ/%s log_level 2", e->d_name);
		klog = strdup(c.out);
		REQUIRE(hlog && klog);
		cli_mask_addrs(hlog);
		cli_mask_addrs(klog);
		verdicts(hlog, hv, sizeof(hv));
		verdicts(klog, kv, sizeof(kv));
		/* programs hive loads unverified have no verdict to compare */
		if (!strstr(hv, "loaded unverified") && !verdict_too && strcmp(hv, kv)) {
			test_fail(__FILE__, __LINE__, "verdicts differ");
			fprintf(stderr, "    %s\n    hive:\n%s    kernel:\n%s", e->d_name, hv, kv);
		}
		if (!strcmp(hlog, klog)) {
			same++;
			if (why)
				fprintf(stderr, "    %s: now identical to the kernel's, drop it from log_differs\n",
					e->d_name);
		} else if (why) {
			known++;
		} else {
			test_fail(__FILE__, __LINE__, "level-2 log differs from the kernel's");
			fprintf(stderr, "    %s (hive, then kernel):\n%.3000s\n----\n%.3000s\n", e->d_name,
				hlog, klog);
		}
		free(hlog);
		free(klog);
		if (why)
			continue;
		/* the statistics (log_level 4): stack depths after the kernel's
		 * rewrites (bpf_loop inlining), counts; the time line varies */
		cli_run(&c, "verify $OBJ/%s log_level 4 | grep -v '^verification time'", e->d_name);
		hlog = strdup(c.out);
		cli_run(&c, "--kernel verify $OBJ/%s log_level 4 | grep -v '^verification time'",
			e->d_name);
		klog = strdup(c.out);
		REQUIRE(hlog && klog);
		if (strcmp(hlog, klog)) {
			test_fail(__FILE__, __LINE__, "level-4 statistics differ from the kernel's");
			fprintf(stderr, "    %s (hive, then kernel):\n%.2000s\n----\n%.2000s\n", e->d_name,
				hlog, klog);
		}
		free(hlog);
		free(klog);
	}
	closedir(d);
	fprintf(stderr, "    %d objects with the kernel's exact level-2 log, %d known to differ\n",
		same, known);
	CHECK(same > 0);
	cli_fini(&c);
}
