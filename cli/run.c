/*
 * run.c - `hive run FILE [prog NAME] [RUN_OPTIONS]`: load an object and
 * test-run one of its programs in one step, no build step and no pinning.
 *
 * FILE is an ELF object, or a C source (*.c) that is first compiled with
 * `clang -O2 -g -target bpf` ($CLANG, default "clang"; extra flags from
 * $HIVE_BPF_CFLAGS, split on spaces). Only the chosen program (the first
 * one by default) is loaded. RUN_OPTIONS are those of `hive prog run`
 * (data_in FILE, data_out FILE, data_size_out L, ctx_in FILE, ctx_out FILE,
 * ctx_size_out M, repeat N); the output is the same ("Return value: ...").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "hive/hive_object.h"
#include "prog_dump.h"

#define MAX_CC_ARGS 64

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

/* Compile @src into @out with clang for the BPF target; 0 or -1 (message printed). */
static int compile(const char *src, const char *out)
{
	const char *clang = getenv("CLANG");
	char *extra = getenv("HIVE_BPF_CFLAGS") ? strdup(getenv("HIVE_BPF_CFLAGS")) : NULL;
	char multiarch[128] = "";
	const char *argv[MAX_CC_ARGS];
	struct utsname un;
	struct stat st;
	int argc = 0, status;
	pid_t pid;

	if (!clang || !*clang)
		clang = "clang";
	argv[argc++] = clang;
	argv[argc++] = "-O2";
	argv[argc++] = "-g";
	argv[argc++] = "-target";
	argv[argc++] = "bpf";
	/* the host's multiarch asm headers, as the Makefile's BPF build */
	if (!uname(&un)) {
		snprintf(multiarch, sizeof(multiarch), "/usr/include/%s-linux-gnu", un.machine);
		if (!stat(multiarch, &st) && S_ISDIR(st.st_mode)) {
			argv[argc++] = "-idirafter";
			argv[argc++] = multiarch;
		}
		if (!strcmp(un.machine, "x86_64"))
			argv[argc++] = "-D__TARGET_ARCH_x86";
	}
	if (extra) {
		char *tok, *save = NULL;

		for (tok = strtok_r(extra, " \t", &save); tok && argc < MAX_CC_ARGS - 5;
		     tok = strtok_r(NULL, " \t", &save))
			argv[argc++] = tok;
	}
	argv[argc++] = "-c";
	argv[argc++] = src;
	argv[argc++] = "-o";
	argv[argc++] = out;
	argv[argc] = NULL;
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		free(extra);
		return p_err("fork: %s", strerror(errno));
	}
	if (!pid) {
		/* clang's diagnostics go to stderr; with -j keep stdout JSON only */
		if (json_wtr)
			dup2(STDERR_FILENO, STDOUT_FILENO);
		execvp(clang, (char *const *)argv);
		fprintf(stderr, "Error: can't run %s: %s\n", clang, strerror(errno));
		_exit(127);
	}
	free(extra);
	if (waitpid(pid, &status, 0) < 0)
		return p_err("waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return p_err("compiling %s failed (%s exit status %d)", src, clang,
			     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}

static int do_run(int argc, char **argv)
{
	struct hive_object_open_opts opts = { .sz = sizeof(opts) };
	struct hive_program *prog = NULL, *p;
	struct hive_object *obj = NULL;
	struct prog_run_opts ro;
	char tmpdir[] = "/tmp/hive-run-XXXXXX", objpath[64] = "";
	const char *file, *name = NULL;
	int err = -1;

	if (argc < 1)
		return p_err("expected an object file or a C source");
	file = *argv++;
	argc--;
	if (argc >= 1 && !strcmp(*argv, "prog")) {
		if (argc < 2)
			return p_err("'prog' needs a program name");
		name = argv[1];
		argc -= 2, argv += 2;
	}
	if (prog_run_parse(argc, argv, &ro) || check_fs())
		return -1;
	if (has_suffix(file, ".c")) {
		if (!mkdtemp(tmpdir))
			return p_err("can't create a temporary directory: %s", strerror(errno));
		snprintf(objpath, sizeof(objpath), "%s/prog.bpf.o", tmpdir);
		if (compile(file, objpath))
			goto out;
	}
	if (cli_opts.debug)
		opts.kernel_log_level = 1 + 2 + 4;
	opts.kernel = cli_opts.kernel;
	obj = hive_object__open_file(objpath[0] ? objpath : file, &opts);
	if (!obj) {
		p_err("failed to open object file %s: %s", file, hive_strerror(errno));
		goto out;
	}
	if (name) {
		prog = hive_object__find_program_by_name(obj, name);
		if (!prog) {
			p_err("no program named '%s' in %s", name, file);
			goto out;
		}
	} else {
		prog = hive_object__next_program(obj, NULL);
		if (!prog) {
			p_err("object file doesn't contain any bpf program");
			goto out;
		}
	}
	/* load only what runs: another program's rejection must not stop it */
	for (p = hive_object__next_program(obj, NULL); p; p = hive_object__next_program(obj, p))
		hive_program__set_autoload(p, p == prog);
	if (hive_object__load(obj)) {
		p_err("failed to load program '%s'", hive_program__name(prog));
		goto out;
	}
	if (!ro.data_in && !ro.ctx_in) {
		switch (hive_program__type(prog)) {
		case BPF_PROG_TYPE_XDP:
		case BPF_PROG_TYPE_SOCKET_FILTER:
		case BPF_PROG_TYPE_SCHED_CLS:
		case BPF_PROG_TYPE_SCHED_ACT:
			p_err("program '%s' needs a packet: data_in FILE", hive_program__name(prog));
			goto out;
		default:
			break;
		}
	}
	err = prog_test_run(hive_program__fd(prog), &ro);
out:
	hive_object__close(obj);
	if (objpath[0]) {
		unlink(objpath);
		rmdir(tmpdir);
	}
	return err;
}

static void print_usage(FILE *f)
{
	fprintf(f, "Usage: hive run FILE [prog NAME] \\\n"
		   "                [data_in FILE [data_out FILE [data_size_out L]]] \\\n"
		   "                [ctx_in FILE [ctx_out FILE [ctx_size_out M]]] \\\n"
		   "                [repeat N]\n"
		   "       hive run help\n"
		   "\n"
		   "       Load FILE (an ELF object, or a C source compiled first with\n"
		   "       '$CLANG -O2 -g -target bpf $HIVE_BPF_CFLAGS') and test-run program NAME\n"
		   "       (default: the first one), as 'hive prog run'. FILE names '-' for stdin\n"
		   "       and stdout work as in 'hive prog run'. --interpret runs it on the\n"
		   "       interpreter.\n");
}

static const struct family family = { "run", print_usage };

int cmd_run(int argc, char **argv)
{
	if (argc == 1 && !strcmp(argv[0], "help"))
		return family_help(&family);
	if (argc < 1)
		return family_usage(&family);
	return do_run(argc, argv);
}
