/*
 * map.c - `hive map`: bpftool's map commands over hive's bpf() ABI.
 *
 *   hive map { show | list } [MAP]
 *   hive map create FILE type TYPE key KEY_SIZE value VALUE_SIZE
 *                   entries MAX_ENTRIES name NAME [flags FLAGS] [inner_map MAP]
 *   hive map dump MAP
 *   hive map update MAP [key DATA] [value VALUE] [UPDATE_FLAGS]
 *   hive map { lookup | peek } MAP [key DATA]
 *   hive map getnext MAP [key DATA]
 *   hive map delete MAP key DATA
 *   hive map pin MAP FILE
 *   hive map event_pipe MAP
 *   hive map { push | enqueue } MAP value VALUE
 *   hive map { pop | dequeue } MAP
 *   hive map freeze MAP
 *
 * Output, messages and exit codes follow bpftool 7.1 (plain and -j/-p);
 * maps whose info names BTF types print their typed values as bpftool
 * does. event_pipe reads perf event arrays and ring buffer maps through
 * hive's consumers (hive_events.h).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "btf_dump.h"
#include "common.h"
#include "hive/hive_bpf.h"
#include "hive/hive_events.h"
#include "sys.h"

static int usage(void);

static size_t round_up8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* Syscall view of a value: per-CPU maps carry one 8-byte aligned slot per CPU. */
static size_t value_bytes(const struct bpf_map_info *info)
{
	if (map_is_per_cpu(info->type))
		return round_up8(info->value_size) * possible_cpus();
	return info->value_size;
}

/* ---- show ------------------------------------------------------------------ */

static void show_header_json(const struct bpf_map_info *info, struct json_writer *w)
{
	const char *type = cli_map_type_name(info->type);

	jw_uint_field(w, "id", info->id);
	if (type)
		jw_string_field(w, "type", type);
	else
		jw_uint_field(w, "type", info->type);
	if (info->name[0])
		jw_string_field(w, "name", info->name);
	jw_name(w, "flags");
	jw_printf(w, "%d", (int)info->map_flags);
}

static void show_header_plain(const struct bpf_map_info *info)
{
	const char *type = cli_map_type_name(info->type);

	printf("%u: ", info->id);
	if (type)
		printf("%s  ", type);
	else
		printf("type %u  ", info->type);
	if (info->name[0])
		printf("name %s  ", info->name);
	printf("flags 0x%x\n", info->map_flags);
}

static void show_json(int fd, const struct bpf_map_info *info, const struct pinned_table *pins)
{
	char *memlock = get_fdinfo(fd, "memlock"), *frozen = get_fdinfo(fd, "frozen");
	const char *path;
	size_t it = 0;

	jw_start_object(json_wtr);
	show_header_json(info, json_wtr);
	jw_uint_field(json_wtr, "bytes_key", info->key_size);
	jw_uint_field(json_wtr, "bytes_value", info->value_size);
	jw_uint_field(json_wtr, "max_entries", info->max_entries);
	if (memlock)
		jw_int_field(json_wtr, "bytes_memlock", atoll(memlock));
	if (info->type == BPF_MAP_TYPE_PROG_ARRAY) {
		char *owner = get_fdinfo(fd, "owner_prog_type");

		if (owner) {
			const char *t = cli_prog_type_name((uint32_t)atoi(owner));

			if (t)
				jw_string_field(json_wtr, "owner_prog_type", t);
			else
				jw_uint_field(json_wtr, "owner_prog_type", (uint32_t)atoi(owner));
		}
		free(owner);
	}
	jw_int_field(json_wtr, "frozen", frozen ? atoi(frozen) : 0);
	if (info->btf_id)
		jw_int_field(json_wtr, "btf_id", info->btf_id);
	if (pins) {
		jw_name(json_wtr, "pinned");
		jw_start_array(json_wtr);
		while ((path = pinned_table_next(pins, info->id, &it)))
			jw_string(json_wtr, path);
		jw_end_array(json_wtr);
	}
	jw_end_object(json_wtr);
	free(memlock);
	free(frozen);
}

static void show_plain(int fd, const struct bpf_map_info *info, const struct pinned_table *pins)
{
	char *memlock = get_fdinfo(fd, "memlock"), *frozen_s = get_fdinfo(fd, "frozen");
	int frozen = frozen_s ? atoi(frozen_s) : 0;
	const char *path;
	size_t it = 0;

	show_header_plain(info);
	printf("\tkey %uB  value %uB  max_entries %u", info->key_size, info->value_size,
	       info->max_entries);
	if (memlock)
		printf("  memlock %sB", memlock);
	if (info->type == BPF_MAP_TYPE_PROG_ARRAY) {
		char *owner = get_fdinfo(fd, "owner_prog_type");

		if (owner) {
			const char *t = cli_prog_type_name((uint32_t)atoi(owner));

			printf("\n\t");
			if (t)
				printf("owner_prog_type %s  ", t);
			else
				printf("owner_prog_type %d  ", atoi(owner));
		}
		free(owner);
	}
	while ((path = pinned_table_next(pins, info->id, &it)))
		printf("\n\tpinned %s", path);
	if (info->btf_id || frozen)
		printf("\n\t");
	if (info->btf_id)
		printf("btf_id %u", info->btf_id);
	if (frozen)
		printf("%sfrozen", info->btf_id ? "  " : "");
	printf("\n");
	free(memlock);
	free(frozen_s);
}

static int show_one(int fd, const struct pinned_table *pins)
{
	struct bpf_map_info info;
	int err = cli_map_info(fd, &info);

	if (err)
		return p_err("can't get map info: %s", hive_strerror(err));
	if (json_wtr)
		show_json(fd, &info, pins);
	else
		show_plain(fd, &info, pins);
	return 0;
}

static int do_show(int argc, char **argv)
{
	return show_objects(OBJ_MAP, argc, argv, show_one);
}

/* ---- element printing -------------------------------------------------------- */

/* The BTF describing @info's key/value, or NULL (none, or message printed). */
static struct hive_btf *map_btf(const struct bpf_map_info *info, bool *failed)
{
	struct hive_btf *btf;

	*failed = false;
	if (!info->btf_id || (!info->btf_value_type_id && !info->btf_vmlinux_value_type_id))
		return NULL;
	btf = info->btf_vmlinux_value_type_id ? hive_btf__load_vmlinux() : cli_btf_load_by_id(info->btf_id);
	if (!btf) {
		p_err(info->btf_vmlinux_value_type_id ? "failed to get kernel btf" : "failed to get btf");
		*failed = true;
	}
	return btf;
}

/* bpftool's do_dump_btf: {"key": typed, "value": typed} or per-CPU "values". */
static int dump_btf(struct json_writer *w, const struct hive_btf *btf,
		    const struct bpf_map_info *info, const void *key, const void *value, bool plain)
{
	uint32_t vid = info->btf_vmlinux_value_type_id ? info->btf_vmlinux_value_type_id :
		       info->btf_value_type_id;
	int err = 0;

	jw_start_object(w);
	if (info->btf_key_type_id) {
		jw_name(w, "key");
		err = cli_btf_value(w, btf, info->btf_key_type_id, key, info->key_size, plain);
		if (err)
			goto out;
	}
	if (!map_is_per_cpu(info->type)) {
		jw_name(w, "value");
		err = cli_btf_value(w, btf, vid, value, info->value_size, plain);
	} else {
		unsigned i, n = possible_cpus();
		size_t step = round_up8(info->value_size);

		jw_name(w, "values");
		jw_start_array(w);
		for (i = 0; i < n && !err; i++) {
			jw_start_object(w);
			jw_int_field(w, "cpu", i);
			jw_name(w, "value");
			err = cli_btf_value(w, btf, vid, (const char *)value + i * step,
					     info->value_size, plain);
			jw_end_object(w);
		}
		jw_end_array(w);
	}
out:
	jw_end_object(w);
	return err;
}

static void print_entry_json(const struct bpf_map_info *info, const void *key, const void *value,
			     const struct hive_btf *btf)
{
	jw_start_object(json_wtr);
	jw_name(json_wtr, "key");
	jw_hex_bytes(json_wtr, key, info->key_size);
	if (!map_is_per_cpu(info->type)) {
		jw_name(json_wtr, "value");
		jw_hex_bytes(json_wtr, value, info->value_size);
	} else {
		unsigned i, n = possible_cpus();
		size_t step = round_up8(info->value_size);

		jw_name(json_wtr, "values");
		jw_start_array(json_wtr);
		for (i = 0; i < n; i++) {
			jw_start_object(json_wtr);
			jw_int_field(json_wtr, "cpu", i);
			jw_name(json_wtr, "value");
			jw_hex_bytes(json_wtr, (const char *)value + i * step, info->value_size);
			jw_end_object(json_wtr);
		}
		jw_end_array(json_wtr);
	}
	if (btf) {
		jw_name(json_wtr, "formatted");
		dump_btf(json_wtr, btf, info, key, value, false);
	}
	jw_end_object(json_wtr);
}

static void print_entry_plain(const struct bpf_map_info *info, const void *key, const void *value)
{
	if (!map_is_per_cpu(info->type)) {
		bool brk = info->key_size > 16 || info->value_size > 16;
		bool single = info->key_size + info->value_size <= 24 && !brk;

		if (info->key_size) {
			printf("key:%c", brk ? '\n' : ' ');
			fprint_hex(stdout, key, info->key_size, " ");
			printf(single ? "  " : "\n");
		}
		if (info->value_size) {
			printf("value:%c", brk ? '\n' : ' ');
			fprint_hex(stdout, value, info->value_size, " ");
		}
		printf("\n");
	} else {
		unsigned i, n = possible_cpus();
		size_t step = round_up8(info->value_size);

		if (info->key_size) {
			printf("key:\n");
			fprint_hex(stdout, key, info->key_size, " ");
			printf("\n");
		}
		for (i = 0; info->value_size && i < n; i++) {
			printf("value (CPU %02u):%c", i, info->value_size > 16 ? '\n' : ' ');
			fprint_hex(stdout, (const char *)value + i * step, info->value_size, " ");
			printf("\n");
		}
	}
}

static void print_entry_error(const struct bpf_map_info *info, const void *key, int err)
{
	const char *msg;
	bool brk, single;

	/* empty slots of fd arrays are not errors */
	if ((map_is_map_of_maps(info->type) || map_is_map_of_progs(info->type)) && err == -ENOENT)
		return;
	if (json_wtr) {
		jw_start_object(json_wtr);
		jw_name(json_wtr, "key");
		jw_hex_bytes(json_wtr, key, info->key_size);
		jw_name(json_wtr, "value");
		jw_start_object(json_wtr);
		jw_string_field(json_wtr, "error", hive_strerror(err));
		jw_end_object(json_wtr);
		jw_end_object(json_wtr);
		return;
	}
	msg = err == -ENOENT ? "<no entry>" : hive_strerror(err);
	brk = info->key_size > 16 || strlen(msg) > 16;
	single = info->key_size + strlen(msg) <= 24 && !brk;
	printf("key:%c", brk ? '\n' : ' ');
	fprint_hex(stdout, key, info->key_size, " ");
	printf(single ? "  " : "\n");
	printf("value:%c%s\n", brk ? '\n' : ' ', msg);
}

/* One looked-up element, in the form of the current output mode. */
static void print_key_value(const struct bpf_map_info *info, const void *key, const void *value)
{
	struct hive_btf *btf;
	bool failed;

	btf = map_btf(info, &failed);
	if (failed)
		return;
	if (json_wtr) {
		print_entry_json(info, key, value, btf);
	} else if (btf) {
		struct json_writer *w = jw_new(stdout, true);

		if (w) {
			dump_btf(w, btf, info, key, value, true);
			jw_destroy(w);
		} else {
			print_entry_plain(info, key, value);
		}
	} else {
		print_entry_plain(info, key, value);
	}
	hive_btf__free(btf);
}

/* ---- dump ---------------------------------------------------------------------- */

static int dump_map(int fd, const struct bpf_map_info *info, struct json_writer *w,
		    const struct hive_btf *btf, bool header)
{
	void *key = calloc(1, info->key_size ? info->key_size : 1);
	void *value = calloc(1, value_bytes(info) ? value_bytes(info) : 1);
	void *prev = NULL;
	unsigned n = 0;
	int err;

	if (!key || !value) {
		err = p_err("mem alloc failed");
		goto out;
	}
	if (w) {
		if (header) {
			jw_start_object(w);
			show_header_json(info, w);
			jw_name(w, "elements");
		}
		jw_start_array(w);
	} else if (header) {
		show_header_plain(info);
	}
	for (;;) {
		err = cli_map_next_key(fd, prev, key);
		if (err) {
			if (err == -ENOENT)
				err = 0;
			break;
		}
		err = cli_map_lookup(fd, key, value);
		if (err) {
			print_entry_error(info, key, err);
		} else {
			n++;
			if (json_wtr)
				print_entry_json(info, key, value, btf);
			else if (w)
				dump_btf(w, btf, info, key, value, true);
			else
				print_entry_plain(info, key, value);
		}
		prev = key;
	}
	if (w) {
		jw_end_array(w);
		if (header)
			jw_end_object(w);
	} else {
		printf("Found %u element%s\n", n, n != 1 ? "s" : "");
	}
out:
	free(key);
	free(value);
	return err;
}

static int do_dump(int argc, char **argv)
{
	struct json_writer *btf_wtr = NULL;
	struct hive_btf **btfs = NULL;
	struct bpf_map_info *infos = NULL;
	int *fds = NULL, n, i, err = -1;
	bool typed = true, failed;

	if (argc != 2)
		return usage();
	n = map_parse_fds(&argc, &argv, &fds);
	if (n < 1) {
		if (!n)
			p_err("no map matches this handle");
		free(fds);
		return -1;
	}
	infos = calloc((size_t)n, sizeof(*infos));
	btfs = calloc((size_t)n, sizeof(*btfs));
	if (!infos || !btfs) {
		p_err("mem alloc failed");
		goto out;
	}
	for (i = 0; i < n; i++) {
		err = cli_map_info(fds[i], &infos[i]);
		if (err) {
			err = p_err("can't get map info: %s", hive_strerror(err));
			goto out;
		}
		btfs[i] = map_btf(&infos[i], &failed);
		if (failed) {
			err = -1;
			goto out;
		}
		if (!infos[i].btf_id)
			typed = false;
	}
	/* plain output of BTF-described maps is pretty JSON of the typed values */
	if (!json_wtr && typed) {
		btf_wtr = jw_new(stdout, true);
		if (!btf_wtr)
			p_info("failed to create json writer for btf. falling back to plain output");
	}
	if ((json_wtr || btf_wtr) && n > 1)
		jw_start_array(json_wtr ? json_wtr : btf_wtr);
	err = 0;
	for (i = 0; i < n && !err; i++) {
		err = dump_map(fds[i], &infos[i], json_wtr ? json_wtr : btf_wtr, btfs[i], n > 1);
		if (!json_wtr && !btf_wtr && i != n - 1)
			printf("\n");
	}
	if ((json_wtr || btf_wtr) && n > 1)
		jw_end_array(json_wtr ? json_wtr : btf_wtr);
	jw_destroy(btf_wtr);
out:
	for (i = 0; i < n; i++) {
		close(fds[i]);
		if (btfs)
			hive_btf__free(btfs[i]);
	}
	free(btfs);
	free(infos);
	free(fds);
	return err;
}

/* ---- parsing elements ------------------------------------------------------------- */

/* bpftool's parse_bytes: [hex] then exactly @n byte words. */
static char **parse_bytes(char **argv, const char *name, unsigned char *val, unsigned n)
{
	unsigned i = 0, base = 0;

	if (*argv && cli_is_prefix(*argv, "hex")) {
		base = 16;
		argv++;
	}
	while (i < n && argv[i]) {
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(argv[i], &end, (int)base);
		if (!argv[i][0] || *end || errno || v > 0xff) {
			p_err("error parsing byte: %s", argv[i]);
			return NULL;
		}
		val[i++] = (unsigned char)v;
	}
	if (i != n) {
		p_err("%s expected %u bytes got %u", name, n, i);
		return NULL;
	}
	return argv + i;
}

/*
 * bpftool's parse_elem: key DATA, value VALUE and one of any/exist/noexist,
 * in any order. NULL @key/@value mean "not expected here". For fd arrays
 * the value is a MAP or PROG handle; its fd goes to *value_fd.
 */
static int parse_elem(char **argv, const struct bpf_map_info *info, void *key, void *value,
		      uint32_t key_size, uint32_t value_size, uint64_t *flags, int *value_fd)
{
	while (*argv) {
		if (cli_is_prefix(*argv, "key")) {
			if (!key)
				return p_err(key_size ? "duplicate key" : "unnecessary key");
			argv = parse_bytes(argv + 1, "key", key, key_size);
			if (!argv)
				return -1;
			key = NULL;
		} else if (cli_is_prefix(*argv, "value")) {
			if (!value)
				return p_err(value_size ? "duplicate value" : "unnecessary value");
			argv++;
			if (map_is_map_of_maps(info->type) || map_is_map_of_progs(info->type)) {
				bool maps = map_is_map_of_maps(info->type);
				int argc = 2, fd;

				if (value_size != 4)
					return p_err(maps ? "value smaller than 4B for map in map?" :
							    "value smaller than 4B for map of progs?");
				if (!argv[0] || !argv[1])
					return p_err(maps ? "not enough value arguments for map in map" :
							    "not enough value arguments for map of progs");
				if (!maps && cli_is_prefix(*argv, "id"))
					p_info("Warning: updating program array via MAP_ID, make sure this map is kept open\n"
					       "         by some process or pinned otherwise update will be lost");
				fd = maps ? map_parse_fd(&argc, &argv) : prog_parse_fd(&argc, &argv);
				if (fd < 0)
					return -1;
				*value_fd = fd;
				memcpy(value, &(uint32_t){ (uint32_t)fd }, 4);
			} else {
				argv = parse_bytes(argv, "value", value, value_size);
				if (!argv)
					return -1;
				if (map_is_per_cpu(info->type)) {
					unsigned i, n = possible_cpus();
					size_t step = round_up8(value_size);

					for (i = 1; i < n; i++)
						memcpy((char *)value + i * step, value, value_size);
				}
			}
			value = NULL;
		} else if (cli_is_prefix(*argv, "any") || cli_is_prefix(*argv, "noexist") ||
			   cli_is_prefix(*argv, "exist")) {
			if (!flags)
				return p_err("flags specified multiple times: %s", *argv);
			if (cli_is_prefix(*argv, "any"))
				*flags = BPF_ANY;
			else if (cli_is_prefix(*argv, "noexist"))
				*flags = BPF_NOEXIST;
			else
				*flags = BPF_EXIST;
			flags = NULL;
			argv++;
		} else {
			return p_err("expected key or value, got: %s", *argv);
		}
	}
	if (key || value)
		return p_err("did not find %s", key ? "key" : "value");
	return 0;
}

/* ---- element commands ---------------------------------------------------------------- */

/* The map of an element command and its buffers: key, next key (getnext)
 * and value, each as large as the map's (a per-CPU value has every CPU). */
struct elem {
	struct bpf_map_info info;
	void *key, *next, *value;
	int fd;
};

/*
 * "MAP ..." of an element command: open the map and allocate the buffers.
 * Maps without keys (queue, stack) get no key buffer unless @key_always
 * (bpftool's getnext and delete allocate one anyway, which changes their
 * messages). Returns 0, or -1 with a message or the usage printed.
 */
static int elem_open(struct elem *e, int *argc, char ***argv, bool key_always)
{
	size_t ksize;

	memset(e, 0, sizeof(*e));
	e->fd = -1;
	if (*argc < 2)
		return usage();
	e->fd = map_parse_fd_and_info(argc, argv, &e->info);
	if (e->fd < 0)
		return -1;
	ksize = e->info.key_size ? e->info.key_size : key_always;
	e->key = ksize ? calloc(1, ksize) : NULL;
	e->next = ksize ? calloc(1, ksize) : NULL;
	e->value = e->info.value_size ? calloc(1, value_bytes(&e->info)) : NULL;
	if ((ksize && (!e->key || !e->next)) || (e->info.value_size && !e->value)) {
		free(e->key);
		free(e->next);
		free(e->value);
		close(e->fd);
		return p_err("mem alloc failed");
	}
	return 0;
}

/* Release @e; with -j, a command that succeeded silently prints null
 * (@null_ok). Returns @err. */
static int elem_close(struct elem *e, int err, bool null_ok)
{
	free(e->key);
	free(e->next);
	free(e->value);
	close(e->fd);
	if (!err && null_ok && json_wtr)
		jw_null(json_wtr);
	return err;
}

/* update, push, enqueue */
static int do_update(int argc, char **argv)
{
	uint64_t flags = BPF_ANY;
	int err, value_fd = -1;
	struct elem e;

	if (elem_open(&e, &argc, &argv, false))
		return -1;
	err = parse_elem(argv, &e.info, e.key, e.value, e.info.key_size, e.info.value_size, &flags,
			 &value_fd);
	if (!err) {
		err = cli_map_update(e.fd, e.key, e.value, flags);
		if (err)
			p_err("update failed: %s", hive_strerror(err)); /* exit -errno, as bpftool */
	}
	if (value_fd >= 0)
		close(value_fd);
	return elem_close(&e, err, true);
}

/* lookup, peek */
static int do_lookup(int argc, char **argv)
{
	struct elem e;
	int err;

	if (elem_open(&e, &argc, &argv, false))
		return -1;
	err = parse_elem(argv, &e.info, e.key, NULL, e.info.key_size, 0, NULL, NULL);
	if (!err) {
		err = cli_map_lookup(e.fd, e.key, e.value);
		if (err == -ENOENT && json_wtr) {
			jw_null(json_wtr);
		} else if (err == -ENOENT) {
			printf("key:\n");
			fprint_hex(stdout, e.key, e.info.key_size, " ");
			printf("\n\nNot found\n");
		} else if (err) {
			p_err("lookup failed: %s", hive_strerror(err));
		} else {
			print_key_value(&e.info, e.key, e.value);
		}
	}
	return elem_close(&e, err, false);
}

/* bpftool's "key:" block: the bytes, or None for the first key. */
static void print_key_block(const char *label, const void *key, uint32_t size)
{
	if (!key) {
		printf("%s: None\n", label);
		return;
	}
	printf("%s:\n", label);
	fprint_hex(stdout, key, size, " ");
	printf("\n");
}

static int do_getnext(int argc, char **argv)
{
	struct elem e;
	void *key;
	int err;

	if (elem_open(&e, &argc, &argv, true))
		return -1;
	key = argc ? e.key : NULL; /* no key: the first one */
	err = argc ? parse_elem(argv, &e.info, e.key, NULL, e.info.key_size, 0, NULL, NULL) : 0;
	if (!err) {
		err = cli_map_next_key(e.fd, key, e.next);
		if (err)
			p_err("can't get next key: %s", hive_strerror(err));
	}
	if (!err && json_wtr) {
		jw_start_object(json_wtr);
		if (key) {
			jw_name(json_wtr, "key");
			jw_hex_bytes(json_wtr, key, e.info.key_size);
		} else {
			jw_null_field(json_wtr, "key");
		}
		jw_name(json_wtr, "next_key");
		jw_hex_bytes(json_wtr, e.next, e.info.key_size);
		jw_end_object(json_wtr);
	} else if (!err) {
		print_key_block("key", key, e.info.key_size);
		print_key_block("next key", e.next, e.info.key_size);
	}
	return elem_close(&e, err, false);
}

static int do_delete(int argc, char **argv)
{
	struct elem e;
	int err;

	if (elem_open(&e, &argc, &argv, true))
		return -1;
	err = parse_elem(argv, &e.info, e.key, NULL, e.info.key_size, 0, NULL, NULL);
	if (!err) {
		err = cli_map_delete(e.fd, e.key);
		if (err)
			p_err("delete failed: %s", hive_strerror(err));
	}
	return elem_close(&e, err, true);
}

/* pop, dequeue */
static int do_pop(int argc, char **argv)
{
	struct elem e;
	int err;

	if (elem_open(&e, &argc, &argv, false))
		return -1;
	if (argc)
		return elem_close(&e, bad_arg(*argv), false);
	err = cli_map_lookup_and_delete(e.fd, e.key, e.value);
	if (err == -ENOENT && json_wtr)
		jw_null(json_wtr);
	else if (err == -ENOENT)
		printf("Error: empty map\n");
	else if (err)
		p_err("pop failed: %s", hive_strerror(err));
	else
		print_key_value(&e.info, e.key, e.value);
	return elem_close(&e, err, false);
}

static int do_freeze(int argc, char **argv)
{
	int fd, err;

	if (!req_args(argc, argv, 2))
		return -1;
	fd = map_parse_fd(&argc, &argv);
	if (fd < 0)
		return -1;
	if (argc) {
		close(fd);
		return bad_arg(*argv);
	}
	err = cli_map_freeze(fd);
	close(fd);
	if (err)
		return p_err("failed to freeze map: %s", hive_strerror(err));
	if (json_wtr)
		jw_null(json_wtr);
	return 0;
}

static int do_pin(int argc, char **argv)
{
	int err = do_pin_any(argc, argv, map_parse_fd);

	if (!err && json_wtr)
		jw_null(json_wtr);
	return err;
}

/* ---- create -------------------------------------------------------------------------- */

static int map_type_from_str(const char *s)
{
	uint32_t t;
	const char *name;

	/* no prefix matching, as bpftool: future names could shadow */
	for (t = 0; (name = cli_map_type_name(t)) != NULL; t++)
		if (!strcmp(name, s))
			return (int)t;
	return -1;
}

static int parse_u32_arg(int *argc, char ***argv, uint32_t *val, const char *what)
{
	(*argc)--;
	(*argv)++;
	if (*val)
		return p_err("%s already specified", what);
	if (!parse_u32(**argv, val))
		return p_err("can't parse %s as %s", **argv, what);
	(*argc)--;
	(*argv)++;
	return 0;
}

static int do_create(int argc, char **argv)
{
	uint32_t key_size = 0, value_size = 0, max_entries = 0, flags = 0;
	const char *name = NULL, *file;
	int type = 0, fd, err = -1, inner_fd = -1;

	if (!req_args(argc, argv, 7))
		return -1;
	file = *argv++;
	argc--;
	while (argc) {
		if (!req_args(argc, argv, 2))
			goto out;
		if (cli_is_prefix(*argv, "type")) {
			argc--;
			argv++;
			if (type) {
				p_err("map type already specified");
				goto out;
			}
			type = map_type_from_str(*argv);
			if (type < 0) {
				p_err("unrecognized map type: %s", *argv);
				goto out;
			}
			argc--;
			argv++;
		} else if (cli_is_prefix(*argv, "name")) {
			name = argv[1];
			argc -= 2;
			argv += 2;
		} else if (cli_is_prefix(*argv, "key")) {
			if (parse_u32_arg(&argc, &argv, &key_size, "key size"))
				goto out;
		} else if (cli_is_prefix(*argv, "value")) {
			if (parse_u32_arg(&argc, &argv, &value_size, "value size"))
				goto out;
		} else if (cli_is_prefix(*argv, "entries")) {
			if (parse_u32_arg(&argc, &argv, &max_entries, "max entries"))
				goto out;
		} else if (cli_is_prefix(*argv, "flags")) {
			if (parse_u32_arg(&argc, &argv, &flags, "flags"))
				goto out;
		} else if (cli_is_prefix(*argv, "dev")) {
			p_err("offloading maps to a device (dev %s) is not supported by hive", argv[1]);
			goto out;
		} else if (cli_is_prefix(*argv, "inner_map")) {
			struct bpf_map_info inner;

			argc--;
			argv++;
			if (!req_args(argc, argv, 2))
				goto out;
			if (inner_fd >= 0) {
				p_err("inner map already specified");
				goto out;
			}
			inner_fd = map_parse_fd_and_info(&argc, &argv, &inner);
			if (inner_fd < 0)
				goto out;
		} else {
			p_err("unknown arg %s", *argv);
			goto out;
		}
	}
	if (!name) {
		p_err("map name not specified");
		goto out;
	}
	fd = cli_map_create((uint32_t)type, name, key_size, value_size, max_entries, flags, inner_fd);
	if (fd < 0) {
		p_err("map create failed: %s", hive_strerror(fd));
		goto out;
	}
	/* unpinned, the map goes away with its only fd: nothing half-created */
	err = do_pin_fd(fd, file);
	close(fd);
	if (!err && json_wtr)
		jw_null(json_wtr);
out:
	if (inner_fd >= 0)
		close(inner_fd);
	return err;
}

/* ---- event_pipe ------------------------------------------------------------------------- */

/* One ring buffer record, in the layout of bpftool's perf samples. */
static int print_record(void *ctx, void *data, size_t size)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (json_wtr) {
		jw_start_object(json_wtr);
		jw_uint_field(json_wtr, "timestamp",
			      (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec);
		jw_uint_field(json_wtr, "type", 9); /* PERF_RECORD_SAMPLE */
		jw_name(json_wtr, "data");
		jw_dec_bytes(json_wtr, data, size);
		jw_end_object(json_wtr);
	} else {
		printf("== @%ld.%ld ringbuf size: %zu =====\n", (long)ts.tv_sec, ts.tv_nsec, size);
		fprint_hex(stdout, data, size, " ");
		printf("\n");
	}
	fflush(stdout);
	return 0;
}

/* Perf event arrays: one hive perf buffer per CPU, records printed as
 * bpftool's (the time is when the record was read: hive samples carry
 * none). */
static void print_perf_sample(void *ctx, int cpu, void *data, uint32_t size)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (json_wtr) {
		jw_start_object(json_wtr);
		jw_uint_field(json_wtr, "type", 9); /* PERF_RECORD_SAMPLE */
		jw_uint_field(json_wtr, "cpu", (uint64_t)cpu);
		jw_uint_field(json_wtr, "index", (uint64_t)cpu);
		jw_name(json_wtr, "data");
		jw_dec_bytes(json_wtr, data, size);
		jw_end_object(json_wtr);
	} else {
		printf("== @%lld.%09ld CPU: %d index: %d =====\n", (long long)ts.tv_sec, ts.tv_nsec,
		       cpu, cpu);
		fprint_hex(stdout, data, size, " ");
		printf("\n");
	}
	fflush(stdout);
}

static void print_perf_lost(void *ctx, int cpu, uint64_t cnt)
{
	(void)ctx;
	if (json_wtr) {
		jw_start_object(json_wtr);
		jw_uint_field(json_wtr, "type", 2); /* PERF_RECORD_LOST */
		jw_uint_field(json_wtr, "cpu", (uint64_t)cpu);
		jw_uint_field(json_wtr, "index", (uint64_t)cpu);
		jw_name(json_wtr, "lost");
		jw_start_object(json_wtr);
		jw_uint_field(json_wtr, "id", 0);
		jw_uint_field(json_wtr, "count", cnt);
		jw_end_object(json_wtr);
		jw_end_object(json_wtr);
	} else {
		printf("lost %llu events\n", (unsigned long long)cnt);
	}
	fflush(stdout);
}

static int poll_perf(void *consumer)
{
	return hive_perf_buffer__poll(consumer, 200);
}

static int poll_ring(void *consumer)
{
	return hive_ring_buffer__poll(consumer, 200);
}

/* Poll @consumer until a signal stops us; the records are printed by the
 * consumer's callbacks (a JSON array around them with -j). */
static int event_loop(int (*poll_fn)(void *consumer), void *consumer, const char *what)
{
	int err = 0;

	cli_catch_stop();
	if (json_wtr)
		jw_start_array(json_wtr);
	while (!cli_stop) {
		err = poll_fn(consumer);
		if (err == -EINTR)
			err = 0;
		if (err < 0) {
			p_err("%s poll failed: %s", what, hive_strerror(err));
			break;
		}
		err = 0;
	}
	if (json_wtr)
		jw_end_array(json_wtr);
	else
		fprintf(stderr, "Stopping...\n");
	return err < 0 ? -1 : 0;
}

static int do_event_pipe(int argc, char **argv)
{
	struct hive_perf_buffer *pb;
	struct hive_ring_buffer *rb;
	struct bpf_map_info info;
	int fd, err;

	fd = map_parse_fd_and_info(&argc, &argv, &info);
	if (fd < 0)
		return -1;
	if (info.type != BPF_MAP_TYPE_RINGBUF && info.type != BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
		close(fd);
		return p_err("map is not a perf event array or a ring buffer");
	}
	if (argc) {
		close(fd);
		return bad_arg(*argv);
	}
	if (cli_kernel()) {
		close(fd);
		return p_err("event_pipe reads hive's maps only (not with --kernel)");
	}
	if (info.type == BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
		/* the slots belong to the handle they were stored through:
		 * keep it open while reading, as bpftool does */
		pb = hive_perf_buffer__new(fd, 16, print_perf_sample, print_perf_lost, NULL, NULL);
		if (!pb) {
			err = errno;
			close(fd);
			return p_err("can't read the perf event array: %s", strerror(err));
		}
		err = event_loop(poll_perf, pb, "perf buffer");
		hive_perf_buffer__free(pb);
		close(fd);
		return err;
	}
	rb = hive_ring_buffer__new(fd, print_record, NULL, NULL);
	close(fd);
	if (!rb)
		return p_err("can't read the ring buffer: %s", strerror(errno));
	err = event_loop(poll_ring, rb, "ring buffer");
	hive_ring_buffer__free(rb);
	return err;
}

/* ---- help and dispatch --------------------------------------------------------------------- */

static void print_usage(FILE *f)
{
	fprintf(f, "Usage: hive map { show | list }   [MAP]\n"
		   "       hive map create     FILE type TYPE key KEY_SIZE value VALUE_SIZE \\\n"
		   "                                  entries MAX_ENTRIES name NAME [flags FLAGS] \\\n"
		   "                                  [inner_map MAP]\n"
		   "       hive map dump       MAP\n"
		   "       hive map update     MAP [key DATA] [value VALUE] [UPDATE_FLAGS]\n"
		   "       hive map lookup     MAP [key DATA]\n"
		   "       hive map getnext    MAP [key DATA]\n"
		   "       hive map delete     MAP  key DATA\n"
		   "       hive map pin        MAP  FILE\n"
		   "       hive map event_pipe MAP\n"
		   "       hive map peek       MAP\n"
		   "       hive map push       MAP value VALUE\n"
		   "       hive map pop        MAP\n"
		   "       hive map enqueue    MAP value VALUE\n"
		   "       hive map dequeue    MAP\n"
		   "       hive map freeze     MAP\n"
		   "       hive map help\n"
		   "\n"
		   HELP_SPEC_MAP
		   "       DATA := { [hex] BYTES }\n"
		   HELP_SPEC_PROGRAM
		   "       VALUE := { DATA | MAP | PROG }\n"
		   "       UPDATE_FLAGS := { any | exist | noexist }\n"
		   "       TYPE := { hash | array | prog_array | perf_event_array | percpu_hash |\n"
		   "                 percpu_array | stack_trace | cgroup_array | lru_hash |\n"
		   "                 lru_percpu_hash | lpm_trie | array_of_maps | hash_of_maps |\n"
		   "                 devmap | devmap_hash | sockmap | cpumap | xskmap | sockhash |\n"
		   "                 cgroup_storage | reuseport_sockarray | percpu_cgroup_storage |\n"
		   "                 queue | stack | sk_storage | struct_ops | ringbuf | inode_storage |\n"
		   "                 task_storage | bloom_filter | user_ringbuf }\n"
		   HELP_SPEC_OPTIONS " |\n"
		   "                    {-f|--bpffs} | {-n|--nomount} }\n"
		   "\n"
		   "       FILE paths under /sys/fs/bpf are the same paths under the hive\n"
		   "       filesystem; event_pipe reads perf event arrays and ringbuf maps.\n"
		   "       Types hive does not implement fail at create.\n");
}

static const struct family family = { "map", print_usage };

static int usage(void)
{
	return family_usage(&family);
}

static const struct cmd cmds[] = {
	{ "show", do_show },
	{ "list", do_show },
	{ "dump", do_dump },
	{ "update", do_update },
	{ "lookup", do_lookup },
	{ "getnext", do_getnext },
	{ "delete", do_delete },
	{ "pin", do_pin },
	{ "event_pipe", do_event_pipe },
	{ "create", do_create },
	{ "peek", do_lookup },
	{ "push", do_update },
	{ "enqueue", do_update },
	{ "pop", do_pop },
	{ "dequeue", do_pop },
	{ "freeze", do_freeze },
	{ NULL, NULL },
};

int cmd_map(int argc, char **argv)
{
	if (argc && cli_is_prefix(argv[0], "help"))
		return family_help(&family);
	if (check_fs())
		return -1;
	return cmd_select(&family, cmds, argc, argv);
}
