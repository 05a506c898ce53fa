/*
 * common.h - what the bpftool-style command families (prog, map, btf, gen,
 * run) share: error and info messages, argument cursors, object handles
 * (MAP := id|pinned|name, PROG := id|pinned|tag|name), pinning on the hive
 * filesystem, fdinfo fields, hex output, and type names.
 *
 * Conventions, as bpftool's: a command returns 0 or a negative value (the
 * process exits with its low byte, 255 for -1); errors are reported once,
 * through p_err(), before returning.
 */
#ifndef HIVE_CLI_COMMON_H
#define HIVE_CLI_COMMON_H

#include <linux/bpf.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "json.h"

/* bpftool's error: "Error: ..." on stderr or {"error":"..."}. Returns -1. */
int p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A note on stderr (nothing with -j). */
void p_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));



/* Lines of the families' usage texts, as bpftool's HELP_SPEC_* */
#define HELP_SPEC_MAP "       MAP := { id MAP_ID | pinned FILE | name MAP_NAME }\n"
#define HELP_SPEC_PROGRAM "       PROG := { id PROG_ID | pinned FILE | tag PROG_TAG | name PROG_NAME }\n"
#define HELP_SPEC_OPTIONS "       OPTIONS := { {-j|--json} [{-p|--pretty}] | {-d|--debug}"

/* A family's usage text and name, for help and usage errors. */
struct family {
	const char *name;                 /* "map" */
	void (*print_usage)(FILE *f);
};
/* `OBJECT help`: the usage on stdout (null with -j). Returns 0. */
int family_help(const struct family *f);
/* Wrong arguments: the usage on stderr (null with -j), as bpftool. Returns -1. */
int family_usage(const struct family *f);
/* An unknown subcommand @word: "unknown map command 'x'", then the usage. Returns -1. */
int family_unknown(const struct family *f, const char *word);

/* One subcommand of a family. */
struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
};

/*
 * Dispatch argv[0] (prefix match) to @cmds; no argument runs cmds[0];
 * "help" prints @f's usage; an unknown word is an error with the usage.
 * Subcommands get the words after their own: argv[-1] is the subcommand.
 */
int cmd_select(const struct family *f, const struct cmd *cmds, int argc, char **argv);

/* SIGINT/SIGHUP/SIGTERM set cli_stop (no SA_RESTART: blocking reads return). */
extern volatile sig_atomic_t cli_stop;
void cli_catch_stop(void);

/* "'%s' needs at least %d arguments, %d found" unless argc >= @cnt. */
bool req_args(int argc, char **argv, int cnt);
/* "what is '%s'?" Returns -1. */
int bad_arg(const char *arg);
/* Parse an unsigned integer argument (base 0); false on junk. */
bool parse_u32(const char *s, uint32_t *v);

/* ---- object handles ------------------------------------------------------ */

struct pinned_table;

enum obj_type { OBJ_UNKNOWN, OBJ_PROG, OBJ_MAP, OBJ_LINK, OBJ_BTF };

/*
 * MAP := { id ID | pinned FILE | name NAME }: consume the words, return the
 * number of matching handles in *fds (malloc'd; name may match several),
 * or -1 after an error message.
 */
int map_parse_fds(int *argc, char ***argv, int **fds);
/* Exactly one map ("several maps match this handle" otherwise). */
int map_parse_fd(int *argc, char ***argv);
/* One map and its info. */
int map_parse_fd_and_info(int *argc, char ***argv, struct bpf_map_info *info);
/* PROG := { id ID | pinned FILE | tag TAG | name NAME }. */
int prog_parse_fds(int *argc, char ***argv, int **fds);
int prog_parse_fd(int *argc, char ***argv);

/* BPF_*_GET_NEXT_ID / BPF_*_GET_FD_BY_ID for objects of @type: 0 / a fd,
 * or -errno (-ENOENT past the last id). */
int obj_get_next_id(enum obj_type type, uint32_t id, uint32_t *next);
int obj_get_fd_by_id(enum obj_type type, uint32_t id);

/* BPF_OBJ_GET_INFO_BY_FD into a zeroed @info: 0 or -errno. */
int cli_map_info(int fd, struct bpf_map_info *info);
int cli_prog_info(int fd, struct bpf_prog_info *info);

/* Kind of a handle, from its fdinfo. */
enum obj_type get_fd_type(int fd);
const char *obj_type_name(enum obj_type t);

/* The value of fdinfo field @key ("memlock"), malloc'd, or NULL. */
char *get_fdinfo(int fd, const char *key);

/* ---- pinning --------------------------------------------------------------- */

/*
 * Where a pin path lives on hive: "/sys/fs/bpf/x" (what kernel users type)
 * is "<hive fs>/x"; other paths are used as given. Returns @buf or NULL
 * (message printed) when the path is too long.
 */
const char *pin_path(const char *path, char *buf, size_t len);
/*
 * The hive filesystem (the bpffs of hive) exists, or is created. With -n
 * and an explicit HIVE_FS/--bpffs directory that does not exist, fail as
 * bpftool does when it would have to mount bpffs. Called by commands that
 * use hive's bpf(). Returns 0 or -1 (message printed).
 */
int check_fs(void);
/* OBJ_GET on a (translated) path; errors named unless @quiet. */
int open_obj_pinned(const char *path, bool quiet);
/* ... and check it is of kind @type ("incorrect object type: map"). */
int open_obj_pinned_any(const char *path, enum obj_type type);
/* OBJ_PIN @fd at @name (translated), quietly: 0 or -errno, the reason in @why. */
int pin_fd(int fd, const char *name, char *why, size_t len);
/*
 * The directory of pin path @name exists; otherwise bpftool's message for
 * a directory it cannot mount a bpffs on (or, with -n, will not). 0 or -1.
 */
int check_pin_dir(const char *name);
/* OBJ_PIN @fd at @name (translated), with bpftool's message; 0 or -errno. */
int do_pin_fd(int fd, const char *name);
/* PROG/MAP then FILE: pin it (prog pin, map pin). */
int do_pin_any(int argc, char **argv, int (*get_fd)(int *, char ***));
/* Make directory @dir (translated) on the hive filesystem for pins. */
int create_pin_dir(const char *dir);

/*
 * `{ show | list } [HANDLE]` of maps or programs (@type): every object, or
 * those HANDLE names, through @show (a JSON array around several), with
 * the pinned paths when -f was given. Returns 0 or -1.
 */
int show_objects(enum obj_type type, int argc, char **argv,
		 int (*show)(int fd, const struct pinned_table *pins));

/* Pinned paths of objects of @type, for -f: id -> paths. */
struct pinned_table *pinned_table_build(enum obj_type type);
/* Paths pinned for @id: call with *it = 0 until NULL. */
const char *pinned_table_next(const struct pinned_table *t, uint32_t id, size_t *it);
void pinned_table_free(struct pinned_table *t);

/* ---- output helpers --------------------------------------------------------- */

/* bpftool's fprint_hex: bytes as "%02x" joined by @sep, 16 per line with an
 * extra space every 8. */
void fprint_hex(FILE *f, const void *data, size_t n, const char *sep);
/* Load time (CLOCK_BOOTTIME ns) as local wall time: "%FT%T%z", or the
 * epoch seconds in JSON mode. */
void print_boot_time(uint64_t nsecs, char *buf, size_t size);

const char *cli_map_type_name(uint32_t type);   /* NULL if unknown */
const char *cli_prog_type_name(uint32_t type);  /* NULL if unknown */
bool map_is_per_cpu(uint32_t type);
bool map_is_map_of_maps(uint32_t type);
bool map_is_map_of_progs(uint32_t type);
unsigned possible_cpus(void);

#endif
