/*
 * verify.c - `hive verify FILE [type TYPE] [prog NAME] [log_level N]`: run
 * the verifier on the programs of an object file, or on raw instructions,
 * and print each verdict with the verifier's log.
 *
 * An ELF object is loaded one program at a time through hive's PROG_LOAD
 * (with --kernel: the running kernel's), after the loader's usual work
 * (maps created, CO-RE and map relocations), so the verdict and log are
 * exactly those of a load. Any other file is raw little-endian instructions
 * (e.g. `hive asm` output or `prog dump xlated ... file`), given to
 * hive_verify() as they are (map references cannot be resolved there);
 * TYPE defaults to socket_filter for them. log_level is the kernel's: 1
 * (default), 2 (every state), +4 (statistics: "verification time N usec").
 *
 * Output per program: "prog NAME (section S): accepted", "loaded
 * unverified (runs checked)" (a type or feature the verifier does not
 * model) or "rejected (errno text)", then the log. Exit status 0 when every program was
 * accepted, 255 otherwise. With -j: an array of {name, section, accepted,
 * errno, log}.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "sys.h"
#include "hive/hive_object.h"
#include "hive/hive_verifier.h"

#define VERIFY_LOG_SIZE (16u << 20)

struct verify_args {
	const char *file;
	const char *prog;             /* only this program, or NULL */
	enum bpf_prog_type type;      /* BPF_PROG_TYPE_UNSPEC: the section's */
	enum bpf_attach_type attach;
	uint32_t log_level;
};

static void print_usage(FILE *f)
{
	fprintf(f, "Usage: hive [--kernel] [-j|-p] verify FILE [type TYPE] [prog NAME] [log_level N]\n"
		   "       hive verify help\n\n"
		   "Run the verifier on the programs of FILE and print each verdict and log.\n\n"
		   "  FILE         an ELF object (each program loaded alone through PROG_LOAD:\n"
		   "               hive's, or the running kernel's with --kernel), or raw\n"
		   "               instructions (any other file; type defaults to socket_filter)\n"
		   "  type TYPE    program type, as 'prog load' (default: from the section name)\n"
		   "  prog NAME    only this program\n"
		   "  log_level N  1 (default), 2 (every state), +4 (statistics)\n");
}

static const struct family verify_family = { "verify", print_usage };

/* One verdict: text or a JSON object. */
static void report(const char *name, const char *sec, int err, const char *log)
{
	if (json_wtr) {
		jw_start_object(json_wtr);
		jw_string_field(json_wtr, "name", name);
		jw_string_field(json_wtr, "section", sec);
		jw_bool_field(json_wtr, "accepted", err == 0);
		jw_int_field(json_wtr, "errno", err < 0 ? -err : err);
		jw_string_field(json_wtr, "log", log);
		jw_end_object(json_wtr);
		return;
	}
	if (err)
		printf("prog %s (section %s): rejected (%s)\n", name, sec, hive_strerror(err));
	else if (strstr(log, "hive: loaded without verification"))
		printf("prog %s (section %s): loaded unverified (runs checked)\n", name, sec);
	else
		printf("prog %s (section %s): accepted\n", name, sec);
	fputs(log, stdout);
	if (*log && log[strlen(log) - 1] != '\n')
		putchar('\n');
}

static int verify_raw(const struct verify_args *a, const unsigned char *data, size_t len,
		      char *log)
{
	struct hive_verify_opts o = HIVE_VERIFY_OPTS_INIT;
	int err;

	if (!len || len % sizeof(struct hive_insn))
		return p_err("%s: %zu bytes is not a whole number of instructions", a->file, len);
	o.prog_type = a->type == BPF_PROG_TYPE_UNSPEC ? BPF_PROG_TYPE_SOCKET_FILTER : a->type;
	o.expected_attach_type = a->attach;
	o.log_level = a->log_level;
	o.log_buf = log;
	o.log_size = VERIFY_LOG_SIZE;
	err = hive_verify((const struct hive_insn *)(const void *)data,
			  (uint32_t)(len / sizeof(struct hive_insn)), &o);
	report("raw", "-", err, log);
	return err ? -1 : 0;
}

/* Open the object with only program number @want autoloaded; load it. */
static int verify_one(const struct verify_args *a, int want, char *log, bool *done)
{
	struct hive_object_open_opts oo = { .sz = sizeof(oo) };
	struct hive_program *p, *sel = NULL;
	struct hive_object *obj;
	int i = 0, err;

	oo.kernel = cli_kernel();
	obj = hive_object__open_file(a->file, &oo);
	if (!obj)
		return p_err("failed to open object file %s: %s", a->file, strerror(errno));
	for (p = hive_object__next_program(obj, NULL); p; p = hive_object__next_program(obj, p), i++) {
		bool mine = i == want;

		hive_program__set_autoload(p, mine);
		if (mine)
			sel = p;
	}
	if (!sel) {
		*done = true;
		hive_object__close(obj);
		return 0;
	}
	if (a->prog && strcmp(hive_program__name(sel), a->prog)) {
		hive_object__close(obj);
		return 1; /* not the one asked for */
	}
	if (a->type != BPF_PROG_TYPE_UNSPEC &&
	    (hive_program__set_type(sel, a->type) ||
	     hive_program__set_expected_attach_type(sel, a->attach))) {
		hive_object__close(obj);
		return p_err("can't set the type of program '%s'", hive_program__name(sel));
	}
	log[0] = 0;
	hive_program__set_log_buf(sel, log, VERIFY_LOG_SIZE);
	hive_program__set_log_level(sel, a->log_level);
	err = hive_object__load(obj);
	report(hive_program__name(sel), hive_program__section_name(sel), err, log);
	hive_object__close(obj);
	return err ? -1 : 0;
}

static int verify_object(const struct verify_args *a, char *log)
{
	bool done = false, found = false, failed = false;
	int r;

	if (json_wtr)
		jw_start_array(json_wtr);
	for (int i = 0; !done; i++) {
		r = verify_one(a, i, log, &done);
		if (done)
			break;
		if (r == 1)
			continue;
		found = true;
		if (r)
			failed = true;
	}
	if (json_wtr)
		jw_end_array(json_wtr);
	if (!found)
		return p_err(a->prog ? "no program named '%s' in %s" : "%s%s has no programs",
			     a->prog ? a->prog : "", a->file);
	return failed ? -1 : 0;
}

int cmd_verify(int argc, char **argv)
{
	struct verify_args a = { .log_level = 1 };
	unsigned char *data = NULL;
	size_t len = 0;
	char *log;
	int r;

	if (argc >= 1 && cli_is_prefix(*argv, "help"))
		return family_help(&verify_family);
	if (argc < 1)
		return family_usage(&verify_family);
	a.file = *argv++, argc--;
	while (argc) {
		if (cli_is_prefix(*argv, "type") && argc >= 2) {
			if (hive_prog_type_by_name(argv[1], &a.type, &a.attach))
				return p_err("failed to guess program type from '%s'", argv[1]);
		} else if (cli_is_prefix(*argv, "prog") && argc >= 2) {
			a.prog = argv[1];
		} else if (cli_is_prefix(*argv, "log_level") && argc >= 2) {
			if (!parse_u32(argv[1], &a.log_level) || !a.log_level || a.log_level > 15)
				return p_err("can't parse %s as a log level (1, 2, +4 statistics, +8 fixed)",
					     argv[1]);
		} else {
			return p_err("expected 'type', 'prog' or 'log_level' with a value, got: '%s'?",
				     *argv);
		}
		argc -= 2, argv += 2;
	}
	r = cli_read_file(a.file, &data, &len);
	if (r)
		return p_err("can't read %s: %s", a.file, strerror(-r));
	log = malloc(VERIFY_LOG_SIZE);
	if (!log) {
		free(data);
		return p_err("mem alloc failed");
	}
	if (len >= 4 && !memcmp(data, "\177ELF", 4)) {
		r = check_fs();
		if (!r)
			r = verify_object(&a, log);
	} else {
		r = verify_raw(&a, data, len, log);
	}
	free(log);
	free(data);
	return r;
}
