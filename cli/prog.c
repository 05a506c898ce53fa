/*
 * prog.c - `hive prog`: bpftool's program commands over hive's bpf() ABI
 * and object loader.
 *
 *   hive prog { show | list } [PROG]
 *   hive prog dump xlated PROG [{ file FILE | opcodes | visual | linum }]
 *   hive prog dump jited  PROG [{ file FILE | opcodes | linum }]
 *   hive prog pin PROG FILE
 *   hive prog { load | loadall } OBJ PATH [type TYPE] [map { idx IDX | name NAME } MAP]
 *                                [pinmaps MAP_DIR] [autoattach]
 *   hive prog run PROG data_in FILE [data_out FILE [data_size_out L]]
 *                 [ctx_in FILE [ctx_out FILE [ctx_size_out M]]] [repeat N]
 *   hive prog tracelog
 *
 * Output follows bpftool 7.1. A program's instructions, source lines and
 * function signatures come from BPF_OBJ_GET_INFO_BY_FD (line and function
 * info when the program carries BTF); "visual" draws the control-flow
 * graph in DOT (cfg.c of bpftool); jited code is disassembled with
 * capstone when hive was built with it. `--interpret` makes this process
 * run programs on the interpreter.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf_dump.h"
#include "common.h"
#include "hive/hive_asm.h"
#include "hive/hive_bpf.h"
#include "hive/hive_events.h"
#include "hive/hive_object.h"
#include "prog_dump.h"
#include "sys.h"

static int usage(void);

/* ---- show ---------------------------------------------------------------------- */

static void print_tag(const unsigned char *tag, char *buf)
{
	int i;

	for (i = 0; i < BPF_TAG_SIZE; i++)
		sprintf(buf + 2 * i, "%02x", tag[i]);
}

/* The map ids of @fd, as the second GET_INFO call of bpftool. */
static uint32_t *prog_map_ids(int fd, uint32_t nr)
{
	struct bpf_prog_info info;
	uint32_t *ids = calloc(nr ? nr : 1, sizeof(uint32_t)), len = sizeof(info);

	if (!ids)
		return NULL;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = nr;
	info.map_ids = (uint64_t)(uintptr_t)ids;
	if (cli_obj_info(fd, &info, &len) || info.nr_map_ids < nr) {
		free(ids);
		return NULL;
	}
	return ids;
}

static void show_maps(int fd, uint32_t nr)
{
	uint32_t *ids = prog_map_ids(fd, nr), i;

	if (!ids)
		return;
	if (json_wtr) {
		jw_name(json_wtr, "map_ids");
		jw_start_array(json_wtr);
		for (i = 0; i < nr; i++)
			jw_uint(json_wtr, ids[i]);
		jw_end_array(json_wtr);
	} else {
		printf("  map_ids ");
		for (i = 0; i < nr; i++)
			printf("%u%s", ids[i], i == nr - 1 ? "" : ",");
	}
	free(ids);
}

/*
 * bpftool's "metadata": variables named bpf_metadata_* in the program's
 * .rodata map, printed with their BTF types.
 */
static void show_metadata(int fd, uint32_t nr)
{
	static const char pfx[] = "bpf_metadata_";
	uint32_t *ids = nr ? prog_map_ids(fd, nr) : NULL, i, zero = 0;
	struct bpf_map_info mi;
	struct hive_btf *btf = NULL;
	const struct btf_type *sec;
	void *value = NULL;
	bool header = false;
	int mfd;

	for (i = 0; ids && i < nr && !value; i++) {
		mfd = obj_get_fd_by_id(OBJ_MAP, ids[i]);
		if (mfd < 0)
			continue;
		if (!cli_map_info(mfd, &mi) && mi.type == BPF_MAP_TYPE_ARRAY && mi.key_size == 4 &&
		    mi.max_entries == 1 && mi.btf_value_type_id && strstr(mi.name, ".rodata")) {
			value = malloc(mi.value_size);
			if (value && cli_map_lookup(mfd, &zero, value)) {
				free(value);
				value = NULL;
			}
		}
		close(mfd);
	}
	free(ids);
	if (!value)
		return;
	btf = cli_btf_load_by_id(mi.btf_id);
	sec = btf ? hive_btf__type_by_id(btf, mi.btf_value_type_id) : NULL;
	if (!sec || hive_btf_kind(sec) != BTF_KIND_DATASEC)
		goto out;
	for (i = 0; i < hive_btf_vlen(sec); i++) {
		const struct btf_var_secinfo *v = &((const struct btf_var_secinfo *)hive_btf_records(sec))[i];
		const struct btf_type *var = hive_btf__type_by_id(btf, v->type);
		const char *name = var ? hive_btf__name_by_offset(btf, var->name_off) : NULL;
		struct json_writer *w;

		if (!name || strncmp(name, pfx, sizeof(pfx) - 1) || v->offset > mi.value_size)
			continue;
		if (json_wtr) {
			if (!header) {
				jw_name(json_wtr, "metadata");
				jw_start_object(json_wtr);
				header = true;
			}
			jw_name(json_wtr, name + sizeof(pfx) - 1);
			cli_btf_value(json_wtr, btf, var->type, (char *)value + v->offset,
				       mi.value_size - v->offset, false);
			continue;
		}
		if (!header) {
			printf("\tmetadata:");
			header = true;
		}
		printf("\n\t\t%s = ", name + sizeof(pfx) - 1);
		w = jw_new(stdout, false);
		if (w) {
			cli_btf_value(w, btf, var->type, (char *)value + v->offset,
				       mi.value_size - v->offset, true);
			free(w); /* no trailing newline: the value ends the line */
		}
	}
	if (header) {
		if (json_wtr)
			jw_end_object(json_wtr);
		else
			printf("\n");
	}
out:
	hive_btf__free(btf);
	free(value);
}

static void show_header_json(const struct bpf_prog_info *info)
{
	const char *type = cli_prog_type_name(info->type);
	char tag[2 * BPF_TAG_SIZE + 1];

	jw_uint_field(json_wtr, "id", info->id);
	if (type)
		jw_string_field(json_wtr, "type", type);
	else
		jw_uint_field(json_wtr, "type", info->type);
	if (info->name[0])
		jw_string_field(json_wtr, "name", info->name);
	print_tag(info->tag, tag);
	jw_string_field(json_wtr, "tag", tag);
	jw_bool_field(json_wtr, "gpl_compatible", info->gpl_compatible);
	if (info->run_time_ns) {
		jw_uint_field(json_wtr, "run_time_ns", info->run_time_ns);
		jw_uint_field(json_wtr, "run_cnt", info->run_cnt);
	}
	if (info->recursion_misses)
		jw_uint_field(json_wtr, "recursion_misses", info->recursion_misses);
}

static void show_header_plain(const struct bpf_prog_info *info)
{
	const char *type = cli_prog_type_name(info->type);
	char tag[2 * BPF_TAG_SIZE + 1];

	printf("%u: ", info->id);
	if (type)
		printf("%s  ", type);
	else
		printf("type %u  ", info->type);
	if (info->name[0])
		printf("name %s  ", info->name);
	print_tag(info->tag, tag);
	printf("tag %s%s", tag, info->gpl_compatible ? "  gpl" : "");
	if (info->run_time_ns)
		printf(" run_time_ns %llu run_cnt %llu", (unsigned long long)info->run_time_ns,
		       (unsigned long long)info->run_cnt);
	if (info->recursion_misses)
		printf(" recursion_misses %llu", (unsigned long long)info->recursion_misses);
	printf("\n");
}

static int show_prog(int fd, const struct pinned_table *pins)
{
	struct bpf_prog_info info;
	char *memlock, when[64];
	const char *path;
	size_t it = 0;
	int err = cli_prog_info(fd, &info);

	if (err)
		return p_err("can't get prog info: %s", hive_strerror(err));
	memlock = get_fdinfo(fd, "memlock");
	if (json_wtr) {
		jw_start_object(json_wtr);
		show_header_json(&info);
		if (info.load_time) {
			print_boot_time(info.load_time, when, sizeof(when));
			jw_name(json_wtr, "loaded_at");
			jw_printf(json_wtr, "%s", when);
			jw_uint_field(json_wtr, "uid", info.created_by_uid);
		}
		jw_uint_field(json_wtr, "bytes_xlated", info.xlated_prog_len);
		jw_bool_field(json_wtr, "jited", info.jited_prog_len != 0);
		if (info.jited_prog_len)
			jw_uint_field(json_wtr, "bytes_jited", info.jited_prog_len);
		if (memlock)
			jw_int_field(json_wtr, "bytes_memlock", atoll(memlock));
		if (info.nr_map_ids)
			show_maps(fd, info.nr_map_ids);
		if (info.btf_id)
			jw_int_field(json_wtr, "btf_id", info.btf_id);
		if (pins) {
			jw_name(json_wtr, "pinned");
			jw_start_array(json_wtr);
			while ((path = pinned_table_next(pins, info.id, &it)))
				jw_string(json_wtr, path);
			jw_end_array(json_wtr);
		}
		show_metadata(fd, info.nr_map_ids);
		jw_end_object(json_wtr);
	} else {
		show_header_plain(&info);
		if (info.load_time) {
			print_boot_time(info.load_time, when, sizeof(when));
			printf("\tloaded_at %s  uid %u\n", when, info.created_by_uid);
		}
		printf("\txlated %uB", info.xlated_prog_len);
		if (info.jited_prog_len)
			printf("  jited %uB", info.jited_prog_len);
		else
			printf("  not jited");
		if (memlock)
			printf("  memlock %sB", memlock);
		if (info.nr_map_ids)
			show_maps(fd, info.nr_map_ids);
		while ((path = pinned_table_next(pins, info.id, &it)))
			printf("\n\tpinned %s", path);
		if (info.btf_id)
			printf("\n\tbtf_id %u", info.btf_id);
		printf("\n");
		show_metadata(fd, info.nr_map_ids);
	}
	free(memlock);
	return 0;
}

static int do_show(int argc, char **argv)
{
	return show_objects(OBJ_PROG, argc, argv, show_prog);
}

/* ---- dump ----------------------------------------------------------------------- */

static int do_dump(int argc, char **argv)
{
	struct prog_dump_opts o = { 0 };
	int *fds = NULL, n, i, err = -1;

	if (argc < 1)
		return usage();
	if (cli_is_prefix(*argv, "jited")) {
		o.jited = true;
	} else if (cli_is_prefix(*argv, "xlated")) {
		o.jited = false;
	} else {
		return p_err("expected 'xlated' or 'jited', got: %s", *argv);
	}
	argc--, argv++;
	if (argc < 2)
		return usage();
	n = prog_parse_fds(&argc, &argv, &fds);
	if (n < 1) {
		if (!n)
			p_err("no program matches this handle");
		free(fds);
		return -1;
	}
	while (argc) {
		if (cli_is_prefix(*argv, "file")) {
			argc--, argv++;
			if (!argc) {
				p_err("expected file path");
				goto out;
			}
			if (n > 1) {
				p_err("several programs matched");
				goto out;
			}
			o.file = *argv;
		} else if (cli_is_prefix(*argv, "opcodes")) {
			o.opcodes = true;
		} else if (cli_is_prefix(*argv, "visual") && !o.jited) {
			if (n > 1) {
				p_err("several programs matched");
				goto out;
			}
			o.visual = true;
		} else if (cli_is_prefix(*argv, "linum")) {
			o.linum = true;
		} else {
			usage();
			goto out;
		}
		argc--, argv++;
	}
	if (o.file && (o.opcodes || o.visual || o.linum)) {
		p_err("'file' is not compatible with 'opcodes', 'visual', or 'linum'");
		goto out;
	}
	if (json_wtr && o.visual) {
		p_err("'visual' is not compatible with JSON output");
		goto out;
	}
	if (json_wtr && n > 1)
		jw_start_array(json_wtr);
	err = 0;
	for (i = 0; i < n && !err; i++) {
		struct bpf_prog_info info;

		if (n > 1) {
			err = cli_prog_info(fds[i], &info);
			if (err) {
				err = p_err("can't get prog info: %s", hive_strerror(err));
				break;
			}
			if (json_wtr) {
				jw_start_object(json_wtr);
				show_header_json(&info);
				jw_name(json_wtr, "insns");
			} else {
				show_header_plain(&info);
			}
		}
		err = prog_dump(fds[i], &o);
		if (json_wtr && n > 1)
			jw_end_object(json_wtr);
		else if (n > 1 && i != n - 1)
			printf("\n");
	}
	if (json_wtr && n > 1)
		jw_end_array(json_wtr);
out:
	for (i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
	return err;
}

static int do_pin(int argc, char **argv)
{
	int err = do_pin_any(argc, argv, prog_parse_fd);

	if (!err && json_wtr)
		jw_null(json_wtr);
	return err;
}

/* ---- load / loadall ---------------------------------------------------------------- */

struct map_replace {
	int idx;
	int fd;
	const char *name;
};

static int replace_cmp(const void *a, const void *b)
{
	return ((const struct map_replace *)a)->idx - ((const struct map_replace *)b)->idx;
}

/* "<dir>/<name>" */
static int path_join(char *buf, size_t size, const char *dir, const char *name)
{
	if ((size_t)snprintf(buf, size, "%s/%s", dir, name) >= size)
		return p_err("path too long: %s/%s", dir, name);
	return 0;
}

/* Pin @prog at @path (translated); autoattach falls back to pinning, as
 * bpftool does for programs without an attach point (hive has no hooks).
 * Failures: the reason on stderr, bpftool's message as the error. */
static int pin_program(struct hive_program *prog, const char *path, bool autoattach)
{
	char why[512];
	int err;

	if (autoattach)
		p_info("Program %s does not support autoattach, falling back to pinning",
		       hive_program__name(prog));
	err = pin_fd(hive_program__fd(prog), path, why, sizeof(why));
	if (err)
		p_info("can't pin program %s at %s: %s", hive_program__name(prog), path, why);
	return err;
}

static void unpin(const char *path)
{
	char buf[4096];
	const char *p = pin_path(path, buf, sizeof(buf));

	if (p)
		unlink(p);
}

static int load_with_options(int argc, char **argv, bool first_only)
{
	struct hive_object_open_opts open_opts = { .sz = sizeof(open_opts) };
	enum bpf_prog_type common_type = BPF_PROG_TYPE_UNSPEC;
	enum bpf_attach_type attach_type = 0;
	struct map_replace *repl = NULL;
	struct hive_object *obj = NULL;
	struct hive_program *prog;
	struct hive_map *map;
	const char *file, *pinfile, *pinmaps = NULL;
	char pinmaps_buf[4096];
	bool autoattach = false;
	int nrepl = 0, npinned = 0, i, j, idx, err = -1;

	if (!req_args(argc, argv, 2))
		return -1;
	file = *argv++;
	pinfile = *argv++;
	argc -= 2;
	while (argc) {
		if (cli_is_prefix(*argv, "type")) {
			argc--, argv++;
			if (common_type != BPF_PROG_TYPE_UNSPEC) {
				p_err("program type already specified");
				goto out;
			}
			if (!req_args(argc, argv, 1))
				goto out;
			if (hive_prog_type_by_name(*argv, &common_type, &attach_type)) {
				char with_slash[256];

				/* "kprobe" needs "kprobe/" for some names, as bpftool retries */
				snprintf(with_slash, sizeof(with_slash), "%s/", *argv);
				if (hive_prog_type_by_name(with_slash, &common_type, &attach_type)) {
					p_err("failed to guess program type from '%s'", *argv);
					goto out;
				}
			}
			argc--, argv++;
		} else if (cli_is_prefix(*argv, "map")) {
			struct map_replace *nr;
			const char *name = NULL;
			uint32_t uidx = 0;
			int fd;

			argc--, argv++;
			if (!req_args(argc, argv, 4))
				goto out;
			if (cli_is_prefix(*argv, "idx")) {
				if (!parse_u32(argv[1], &uidx) || uidx > INT32_MAX) {
					p_err("can't parse %s as IDX", argv[1]);
					goto out;
				}
				idx = (int)uidx;
			} else if (cli_is_prefix(*argv, "name")) {
				name = argv[1];
				idx = -1;
			} else {
				p_err("expected 'idx' or 'name', got: '%s'?", *argv);
				goto out;
			}
			argc -= 2, argv += 2;
			fd = map_parse_fd(&argc, &argv);
			if (fd < 0)
				goto out;
			nr = realloc(repl, (size_t)(nrepl + 1) * sizeof(*repl));
			if (!nr) {
				close(fd);
				p_err("mem alloc failed");
				goto out;
			}
			repl = nr;
			repl[nrepl++] = (struct map_replace){ idx, fd, name };
		} else if (cli_is_prefix(*argv, "dev") || cli_is_prefix(*argv, "offload_dev") ||
			   cli_is_prefix(*argv, "xdpmeta_dev")) {
			p_err("offloading programs to a device is not supported by hive");
			goto out;
		} else if (cli_is_prefix(*argv, "pinmaps")) {
			argc--, argv++;
			if (!req_args(argc, argv, 1))
				goto out;
			pinmaps = *argv;
			argc--, argv++;
		} else if (cli_is_prefix(*argv, "autoattach")) {
			autoattach = true;
			argc--, argv++;
		} else {
			p_err("expected no more arguments, 'type', 'map' or 'dev', got: '%s'?", *argv);
			goto out;
		}
	}
	if (cli_opts.debug)
		open_opts.kernel_log_level = 1 + 2 + 4; /* as bpftool -d: full verifier logs */
	open_opts.kernel = cli_kernel();
	obj = hive_object__open_file(file, &open_opts);
	if (!obj) {
		p_err("failed to open object file");
		goto out;
	}
	for (prog = hive_object__next_program(obj, NULL); prog;
	     prog = hive_object__next_program(obj, prog)) {
		if (common_type == BPF_PROG_TYPE_UNSPEC)
			continue; /* the section name chose it */
		if (hive_program__set_type(prog, common_type) ||
		    hive_program__set_expected_attach_type(prog, attach_type)) {
			p_err("can't set the type of program '%s'", hive_program__name(prog));
			goto out;
		}
	}
	/* maps by name first (idx -1), resolved to their index, then by index */
	if (nrepl)
		qsort(repl, (size_t)nrepl, sizeof(*repl), replace_cmp);
	for (j = 0; j < nrepl && repl[j].name; j++) {
		for (i = 0, map = hive_object__next_map(obj, NULL); map;
		     map = hive_object__next_map(obj, map), i++)
			if (!strcmp(hive_map__name(map), repl[j].name)) {
				repl[j].idx = i;
				break;
			}
		if (repl[j].idx == -1) {
			p_err("unable to find map '%s'", repl[j].name);
			goto out;
		}
	}
	if (j)
		qsort(repl, (size_t)nrepl, sizeof(*repl), replace_cmp);
	j = 0;
	for (idx = 0, map = hive_object__next_map(obj, NULL); map;
	     map = hive_object__next_map(obj, map), idx++) {
		if (j < nrepl && idx == repl[j].idx) {
			err = hive_map__reuse_fd(map, repl[j++].fd);
			if (err) {
				p_err("unable to set up map reuse: %d", err);
				err = -1;
				goto out;
			}
			if (j < nrepl && repl[j].idx == idx) {
				p_err("replacement for map idx %d specified more than once", idx);
				err = -1;
				goto out;
			}
		}
	}
	if (j < nrepl) {
		p_err("map idx '%d' not used", repl[j].idx);
		err = -1;
		goto out;
	}
	err = hive_object__load(obj);
	if (err) {
		p_err("failed to load object file");
		err = -1;
		goto out;
	}
	err = -1;
	if (first_only) {
		prog = hive_object__next_program(obj, NULL);
		if (!prog) {
			p_err("object file doesn't contain any bpf program");
			goto out;
		}
		if (check_pin_dir(pinfile))
			goto out;
		if (pin_program(prog, pinfile, autoattach)) {
			p_err("failed to pin program %s", hive_program__section_name(prog));
			goto out;
		}
		npinned = 1;
	} else {
		char path[4096];

		if (create_pin_dir(pinfile))
			goto out;
		for (prog = hive_object__next_program(obj, NULL); prog;
		     prog = hive_object__next_program(obj, prog)) {
			if (hive_program__fd(prog) < 0)
				continue; /* autoload off */
			if (path_join(path, sizeof(path), pinfile, hive_program__name(prog)) ||
			    pin_program(prog, path, autoattach)) {
				p_err("failed to pin all programs");
				goto err_unpin;
			}
			npinned++;
		}
	}
	if (pinmaps) {
		const char *p;

		if (create_pin_dir(pinmaps))
			goto err_unpin;
		p = pin_path(pinmaps, pinmaps_buf, sizeof(pinmaps_buf));
		if (!p || hive_object__pin_maps(obj, p)) {
			p_err("failed to pin all maps");
			goto err_unpin;
		}
	}
	if (json_wtr)
		jw_null(json_wtr);
	err = 0;
	goto out;
err_unpin:
	/* nothing half-created: take back the pins made here (and only those:
	 * a pin that was in the way stays) */
	if (first_only) {
		unpin(pinfile);
	} else {
		char path[4096];

		for (prog = hive_object__next_program(obj, NULL); prog && npinned;
		     prog = hive_object__next_program(obj, prog)) {
			if (hive_program__fd(prog) < 0)
				continue;
			if (!path_join(path, sizeof(path), pinfile, hive_program__name(prog)))
				unpin(path);
			npinned--;
		}
	}
out:
	hive_object__close(obj);
	for (i = 0; i < nrepl; i++)
		close(repl[i].fd);
	free(repl);
	return err;
}

static int do_load(int argc, char **argv)
{
	return load_with_options(argc, argv, true);
}

static int do_loadall(int argc, char **argv)
{
	return load_with_options(argc, argv, false);
}

/* ---- run -------------------------------------------------------------------------- */

static int do_run(int argc, char **argv)
{
	struct prog_run_opts o;
	int fd, err;

	if (!req_args(argc, argv, 4))
		return -1;
	fd = prog_parse_fd(&argc, &argv);
	if (fd < 0)
		return -1;
	err = prog_run_parse(argc, argv, &o);
	if (!err)
		err = prog_test_run(fd, &o);
	close(fd);
	return err;
}

/* ---- tracelog --------------------------------------------------------------------------- */

/*
 * Print the lines @next_line gives (as is, or as an array of JSON strings)
 * until SIGINT/SIGHUP/SIGTERM. @next_line fills @buf and returns > 0 for a
 * line, 0 when there was none yet, or -errno.
 */
static int trace_loop(int (*next_line)(void *src, char *buf, size_t len), void *src)
{
	char line[4096];
	int n, err = 0;

	cli_catch_stop();
	if (json_wtr)
		jw_start_array(json_wtr);
	while (!cli_stop) {
		n = next_line(src, line, sizeof(line));
		if (n == -EINTR || n == 0)
			continue;
		if (n < 0) {
			if (!cli_stop)
				err = p_err("failed to read content from trace pipe: %s", hive_strerror(n));
			break;
		}
		if (json_wtr) {
			jw_string(json_wtr, line);
		} else {
			fputs(line, stdout);
			fflush(stdout);
		}
	}
	if (json_wtr)
		jw_end_array(json_wtr);
	return err;
}

static int pipe_line(void *src, char *buf, size_t len)
{
	if (fgets(buf, (int)len, src))
		return 1;
	return ferror(src) && errno ? -errno : -EIO;
}

static int hive_trace_line(void *src, char *buf, size_t len)
{
	return hive_tracelog_read(src, buf, len, 200);
}

static int do_tracelog(int argc, char **argv)
{
	static const char *const paths[] = { "/sys/kernel/tracing/trace_pipe",
					     "/sys/kernel/debug/tracing/trace_pipe" };
	struct hive_tracelog *t;
	FILE *f = NULL;
	size_t i;
	int err;

	if (argc)
		return bad_arg(*argv);
	if (cli_kernel()) {
		/* --kernel: the kernel's trace_pipe */
		for (i = 0; i < 2 && !f; i++)
			f = fopen(paths[i], "r");
		if (!f)
			return p_err("failed to find trace pipe: %s", strerror(errno));
		err = trace_loop(pipe_line, f);
		fclose(f);
		return err;
	}
	t = hive_tracelog_open();
	if (!t)
		return p_err("failed to open the trace log: %s", strerror(errno));
	err = trace_loop(hive_trace_line, t);
	hive_tracelog_close(t);
	return err;
}

/* ---- help --------------------------------------------------------------------------------- */

static void print_usage(FILE *f)
{
	fprintf(f, "Usage: hive prog { show | list } [PROG]\n"
		   "       hive prog dump xlated PROG [{ file FILE | opcodes | visual | linum }]\n"
		   "       hive prog dump jited  PROG [{ file FILE | opcodes | linum }]\n"
		   "       hive prog pin   PROG FILE\n"
		   "       hive prog { load | loadall } OBJ  PATH \\\n"
		   "                         [type TYPE] \\\n"
		   "                         [map { idx IDX | name NAME } MAP]\\\n"
		   "                         [pinmaps MAP_DIR]\n"
		   "                         [autoattach]\n"
		   "       hive prog run PROG \\\n"
		   "                         data_in FILE \\\n"
		   "                         [data_out FILE [data_size_out L]] \\\n"
		   "                         [ctx_in FILE [ctx_out FILE [ctx_size_out M]]] \\\n"
		   "                         [repeat N]\n"
		   "       hive prog tracelog\n"
		   "       hive prog help\n"
		   "\n"
		   HELP_SPEC_MAP
		   HELP_SPEC_PROGRAM
		   "       TYPE := a program section name of libbpf: { socket | kprobe | kretprobe |\n"
		   "                 classifier | action | tracepoint | raw_tracepoint | xdp |\n"
		   "                 perf_event | cgroup/skb | ... | syscall }\n"
		   HELP_SPEC_OPTIONS " |\n"
		   "                    {-f|--bpffs} | {-m|--mapcompat} | {-n|--nomount} |\n"
		   "                    --interpret }\n"
		   "\n"
		   "       FILE paths under /sys/fs/bpf are the same paths under the hive\n"
		   "       filesystem. hive has no attach points: autoattach pins the programs.\n"
		   "       --interpret runs programs on the interpreter instead of the JIT.\n");
}

static const struct family family = { "prog", print_usage };

static int usage(void)
{
	return family_usage(&family);
}

static const struct cmd cmds[] = {
	{ "show", do_show },
	{ "list", do_show },
	{ "dump", do_dump },
	{ "pin", do_pin },
	{ "load", do_load },
	{ "loadall", do_loadall },
	{ "run", do_run },
	{ "tracelog", do_tracelog },
	{ NULL, NULL },
};

int cmd_prog(int argc, char **argv)
{
	if (argc && cli_is_prefix(argv[0], "help"))
		return family_help(&family);
	if (check_fs())
		return -1;
	return cmd_select(&family, cmds, argc, argv);
}
