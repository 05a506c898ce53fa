/*
 * btf.c - `hive btf`: list BTF objects and dump BTF, as bpftool.
 *
 *   hive btf { show | list } [id BTF_ID]
 *   hive btf dump BTF_SRC [format { raw | c }]
 *   BTF_SRC := { id BTF_ID | prog PROG | map MAP [{ key | value | kv | all }] | file FILE }
 *
 * FILE is raw BTF (/sys/kernel/btf/vmlinux) or an ELF object, whose .BTF
 * section is dumped as stored (as bpftool, before any loader fix-ups).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf_dump.h"
#include "common.h"
#include "hive/hive_bpf.h"
#include "sys.h"

static int usage(void);

/* ---- BTF from files ---------------------------------------------------------- */

/* The .BTF section of ELF file @path, parsed; NULL with errno. */
static struct hive_btf *btf_from_elf(const char *path)
{
	struct hive_btf *btf = NULL;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	Elf *elf;
	int fd, err = ENOENT;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		errno = EINVAL;
		return NULL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getshdrstrndx(elf, &shstrndx)) {
		err = EINVAL;
		goto out;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, ".BTF"))
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || !data->d_buf || sh.sh_type == SHT_NOBITS) {
			err = EINVAL;
			break;
		}
		btf = hive_btf__new(data->d_buf, data->d_size);
		err = btf ? 0 : errno;
		break;
	}
out:
	if (elf)
		elf_end(elf);
	close(fd);
	if (!btf)
		errno = err;
	return btf;
}

struct hive_btf *cli_btf_from_file(const char *path)
{
	uint16_t magic = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = read(fd, &magic, sizeof(magic));
	close(fd);
	if (n == sizeof(magic) && magic == BTF_MAGIC)
		return hive_btf__parse_raw(path);
	return btf_from_elf(path);
}

/* ---- show --------------------------------------------------------------------- */

struct id_pair {
	uint32_t obj_id, btf_id;
};

struct id_table {
	struct id_pair *e;
	size_t n;
};

/* Programs or maps by the BTF they use. */
static int build_table(struct id_table *tab, enum obj_type type)
{
	uint32_t id = 0;
	int err, fd;

	for (;;) {
		union {
			struct bpf_prog_info prog;
			struct bpf_map_info map;
		} info;
		uint32_t btf_id;
		struct id_pair *ne;

		err = obj_get_next_id(type, id, &id);
		if (err == -ENOENT)
			return 0;
		if (err)
			return p_err("can't get next %s: %s", obj_type_name(type), hive_strerror(err));
		fd = obj_get_fd_by_id(type, id);
		if (fd == -ENOENT)
			continue;
		if (fd < 0)
			return p_err("can't get %s by id (%u): %s", obj_type_name(type), id,
				     hive_strerror(fd));
		err = type == OBJ_PROG ? cli_prog_info(fd, &info.prog) : cli_map_info(fd, &info.map);
		close(fd);
		if (err)
			return p_err("can't get %s info: %s", obj_type_name(type), hive_strerror(err));
		btf_id = type == OBJ_PROG ? info.prog.btf_id : info.map.btf_id;
		if (!btf_id)
			continue;
		ne = realloc(tab->e, (tab->n + 1) * sizeof(*ne));
		if (!ne)
			return p_err("mem alloc failed");
		tab->e = ne;
		ne[tab->n].obj_id = id;
		ne[tab->n++].btf_id = btf_id;
	}
}

static void show_ids(const struct id_table *tab, uint32_t btf_id, const char *field,
		     const char *label)
{
	bool first = true;
	size_t i;

	if (json_wtr) {
		jw_name(json_wtr, field);
		jw_start_array(json_wtr);
	}
	for (i = 0; i < tab->n; i++) {
		if (tab->e[i].btf_id != btf_id)
			continue;
		if (json_wtr) {
			jw_uint(json_wtr, tab->e[i].obj_id);
		} else {
			printf("%s%u", first ? label : ",", tab->e[i].obj_id);
			first = false;
		}
	}
	if (json_wtr)
		jw_end_array(json_wtr);
}

static int show_btf(int fd, const struct id_table *progs, const struct id_table *maps)
{
	struct bpf_btf_info info;
	char name[64] = "";
	uint32_t len = sizeof(info);
	int err;

	memset(&info, 0, sizeof(info));
	info.name = (uint64_t)(uintptr_t)name;
	info.name_len = sizeof(name);
	err = cli_obj_info(fd, &info, &len);
	if (err)
		return p_err("can't get BTF object info: %s", hive_strerror(err));
	name[sizeof(name) - 1] = '\0';
	if (json_wtr) {
		jw_start_object(json_wtr);
		jw_uint_field(json_wtr, "id", info.id);
		jw_uint_field(json_wtr, "size", info.btf_size);
		show_ids(progs, info.id, "prog_ids", NULL);
		show_ids(maps, info.id, "map_ids", NULL);
		jw_bool_field(json_wtr, "kernel", info.kernel_btf);
		if (name[0])
			jw_string_field(json_wtr, "name", name);
		jw_end_object(json_wtr);
	} else {
		printf("%u: ", info.id);
		if (info.kernel_btf)
			printf("name [%s]  ", name);
		else if (name[0])
			printf("name %s  ", name);
		else
			printf("name <anon>  ");
		printf("size %uB", info.btf_size);
		show_ids(progs, info.id, "prog_ids", "  prog_ids ");
		show_ids(maps, info.id, "map_ids", "  map_ids ");
		printf("\n");
	}
	return 0;
}

static int do_show(int argc, char **argv)
{
	struct id_table progs = { 0 }, maps = { 0 };
	uint32_t id = 0;
	int fd = -1, err;

	if (check_fs())
		return -1;
	if (argc == 2) {
		if (!cli_is_prefix(argv[0], "id"))
			return p_err("expected 'id', got: '%s'?", argv[0]);
		if (!parse_u32(argv[1], &id))
			return p_err("can't parse %s as ID", argv[1]);
		fd = obj_get_fd_by_id(OBJ_BTF, id);
		if (fd < 0)
			return p_err("can't get BTF object by id (%u): %s", id, hive_strerror(fd));
	} else if (argc) {
		return bad_arg(argv[0]);
	}
	err = build_table(&progs, OBJ_PROG);
	if (!err)
		err = build_table(&maps, OBJ_MAP);
	if (err)
		goto out;
	if (fd >= 0) {
		err = show_btf(fd, &progs, &maps);
		goto out;
	}
	if (json_wtr)
		jw_start_array(json_wtr);
	id = 0;
	for (;;) {
		err = obj_get_next_id(OBJ_BTF, id, &id);
		if (err == -ENOENT) {
			err = 0;
			break;
		}
		if (err) {
			err = p_err("can't get next BTF object: %s", hive_strerror(err));
			break;
		}
		fd = obj_get_fd_by_id(OBJ_BTF, id);
		if (fd == -ENOENT) {
			fd = -1;
			continue;
		}
		if (fd < 0) {
			err = p_err("can't get BTF object by id (%u): %s", id, hive_strerror(fd));
			fd = -1;
			break;
		}
		err = show_btf(fd, &progs, &maps);
		close(fd);
		fd = -1;
		if (err)
			break;
	}
	if (json_wtr)
		jw_end_array(json_wtr);
out:
	if (fd >= 0)
		close(fd);
	free(progs.e);
	free(maps.e);
	return err;
}

/* ---- dump ----------------------------------------------------------------------- */

static int do_dump(int argc, char **argv)
{
	struct hive_btf *btf = NULL;
	uint32_t roots[2], nroots = 0, btf_id = 0;
	const char *src;
	bool c_format = false, have_id = false;
	int err = -1, fd;

	if (argc < 2)
		return usage();
	src = *argv++;
	argc--;
	if (!cli_is_prefix(src, "file") && check_fs())
		return -1;
	if (cli_is_prefix(src, "map")) {
		struct bpf_map_info info;

		fd = map_parse_fd_and_info(&argc, &argv, &info);
		if (fd < 0)
			return -1;
		close(fd);
		btf_id = info.btf_id;
		have_id = true;
		if (argc && cli_is_prefix(*argv, "key")) {
			roots[nroots++] = info.btf_key_type_id;
			argc--, argv++;
		} else if (argc && cli_is_prefix(*argv, "value")) {
			roots[nroots++] = info.btf_value_type_id;
			argc--, argv++;
		} else if (argc && cli_is_prefix(*argv, "all")) {
			argc--, argv++;
		} else {
			if (argc && cli_is_prefix(*argv, "kv"))
				argc--, argv++;
			roots[nroots++] = info.btf_key_type_id;
			roots[nroots++] = info.btf_value_type_id;
		}
		if (!btf_id)
			return p_err("map has no BTF");
	} else if (cli_is_prefix(src, "prog")) {
		struct bpf_prog_info info;

		fd = prog_parse_fd(&argc, &argv);
		if (fd < 0)
			return -1;
		err = cli_prog_info(fd, &info);
		close(fd);
		if (err)
			return p_err("can't get prog info: %s", hive_strerror(err));
		btf_id = info.btf_id;
		have_id = true;
		if (!btf_id)
			return p_err("program has no BTF");
	} else if (cli_is_prefix(src, "id")) {
		if (!parse_u32(*argv, &btf_id))
			return p_err("can't parse %s as ID", *argv);
		have_id = true;
		argc--, argv++;
	} else if (cli_is_prefix(src, "file")) {
		btf = cli_btf_from_file(*argv);
		if (!btf) {
			err = errno ? -errno : -EINVAL;   /* bpftool exits with the errno */
			p_err("failed to load BTF from %s: %s", *argv, hive_strerror(err));
			goto out;
		}
		argc--, argv++;
	} else {
		return p_err("unrecognized BTF source specifier: '%s'", src);
	}
	while (argc) {
		if (cli_is_prefix(*argv, "format")) {
			argc--, argv++;
			if (argc < 1) {
				p_err("expecting value for 'format' option");
				err = -EINVAL;
				goto out;
			}
			if (!strcmp(*argv, "c")) {
				c_format = true;
			} else if (!strcmp(*argv, "raw")) {
				c_format = false;
			} else {
				p_err("unrecognized format specifier: '%s', possible values: raw, c", *argv);
				err = -EINVAL;
				goto out;
			}
			argc--, argv++;
		} else {
			p_err("unrecognized option: '%s'", *argv);
			err = -EINVAL;
			goto out;
		}
	}
	if (have_id) {
		btf = cli_btf_load_by_id(btf_id);
		if (!btf) {
			err = errno ? -errno : -EINVAL;
			p_err("can't get BTF object by id (%u): %s", btf_id, hive_strerror(err));
			goto out;
		}
	}
	if (c_format) {
		if (json_wtr) {
			p_err("JSON output for C-syntax dump is not supported");
			err = -ENOTSUP;
			goto out;
		}
		err = cli_btf_dump_c(btf, stdout, roots, nroots);
		if (err)
			p_err("C dump failed: %s", hive_strerror(err));
	} else {
		err = cli_btf_dump_raw(btf, roots, nroots);
	}
out:
	hive_btf__free(btf);
	/* bpftool exits with -errno where it has one; hive's own codes: 255 */
	return err < -1 && err > -4000 ? err : err ? -1 : 0;
}

/* ---- help --------------------------------------------------------------------------- */

static void print_usage(FILE *f)
{
	fprintf(f, "Usage: hive btf { show | list } [id BTF_ID]\n"
		   "       hive btf dump BTF_SRC [format FORMAT]\n"
		   "       hive btf help\n"
		   "\n"
		   "       BTF_SRC := { id BTF_ID | prog PROG | map MAP [{key | value | kv | all}] | file FILE }\n"
		   "       FORMAT  := { raw | c }\n"
		   "       MAP := { id MAP_ID | pinned FILE | name MAP_NAME }\n"
		   "       PROG := { id PROG_ID | pinned FILE | tag PROG_TAG | name PROG_NAME }\n"
		   "       OPTIONS := { {-j|--json} [{-p|--pretty}] | {-d|--debug} }\n"
		   "\n"
		   "       FILE is raw BTF (/sys/kernel/btf/vmlinux) or an ELF object (its .BTF).\n");
}

static const struct family family = { "btf", print_usage };

static int usage(void)
{
	return family_usage(&family);
}

static const struct cmd cmds[] = {
	{ "show", do_show },
	{ "list", do_show },
	{ "dump", do_dump },
	{ NULL, NULL },
};

int cmd_btf(int argc, char **argv)
{
	return cmd_select(&family, cmds, argc, argv);
}
