/*
 * load.c - everything that talks to a bpf() backend: the backend choice,
 * the target BTF, loading the object's BTF, program loading with verifier
 * logs, and the prepare/load sequence.
 *
 * Backends: hive's own hive_bpf() by default; the live kernel's bpf()
 * syscall with .kernel = true; or the caller's function. All follow the
 * kernel's convention (fd/0, or -1 with errno); obj_bpf() turns that into
 * our negative-errno convention.
 *
 * Prepare runs, in order: CO-RE relocation (needs only the target BTF),
 * extern resolution (.kconfig values, kernel symbols), BTF_LOAD of the
 * object's BTF (sanitized: DATASEC sizes and variable offsets filled in
 * from the ELF, extern variables made allocated, kfunc entries replaced,
 * as the kernel wants them), map creation, then data relocation and
 * linking. Load then runs PROG_LOAD for every autoload program and fills
 * program-array slots.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "object.h"
#include "util/util.h"

#include "hive/hive_bpf.h"

#define LOG_BUF_SIZE (1u << 20)

/* ------------------------------------------------------------- backend */

int obj_bpf(const struct hive_object *obj, int cmd, union bpf_attr *attr, unsigned int size)
{
	int ret;

	errno = 0;
	if (obj->bpf)
		ret = obj->bpf(cmd, attr, size);
	else if (obj->kernel)
		ret = (int)syscall(SYS_bpf, cmd, attr, size);
	else
		ret = hive_bpf(cmd, attr, size);
	if (ret < 0)
		return errno ? -errno : -EINVAL;
	return ret;
}

const char *obj_default_pin_root(const struct hive_object *obj)
{
	if (!obj->bpf && !obj->kernel && hive_fs_path())
		return hive_fs_path();
	return "/sys/fs/bpf";
}

uint32_t obj_possible_cpus(void)
{
	int n = hive_num_possible_cpus();

	return n > 0 ? (uint32_t)n : 1;
}

void obj_close_fd(const struct hive_object *obj, int fd)
{
	if (fd < 0)
		return;
	if (obj->close_fd)
		obj->close_fd(fd);
	else
		close(fd);
}

/* ---------------------------------------------------------- target BTF */

/* A raw BTF file, or an ELF file whose .BTF section is used. */
static struct hive_btf *load_btf_file(const char *path)
{
	struct hive_object_open_opts opts = { .sz = sizeof(opts) };
	struct hive_object *o;
	struct hive_btf *btf;
	char magic[4] = { 0 };
	bool is_elf;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		hive_pr_warn("%s: cannot open: %s\n", path, strerror(errno));
		return NULL;
	}
	is_elf = fread(magic, 1, 4, f) == 4 && !memcmp(magic, "\177ELF", 4);
	fclose(f);
	if (!is_elf)
		return hive_btf__parse_raw(path);
	/* An ELF object: take its validated .BTF. */
	o = hive_object__open_file(path, &opts);
	if (!o)
		return NULL;
	btf = o->btf;
	o->btf = NULL;
	hive_object__close(o);
	if (!btf) {
		hive_pr_warn("%s: no .BTF section\n", path);
		errno = ENOENT;
	}
	return btf;
}

int obj_target_btf(struct hive_object *obj, struct hive_btf **out)
{
	if (!obj->target_btf) {
		if (obj->btf_custom_path)
			obj->target_btf = load_btf_file(obj->btf_custom_path);
		else
			obj->target_btf = hive_btf__load_vmlinux();
		if (!obj->target_btf)
			return errno ? -errno : -ENOENT;
	}
	*out = obj->target_btf;
	return 0;
}

/* ------------------------------------------------------------ BTF_LOAD */

struct btf_buf {
	uint8_t *data;
	size_t len, cap;
};

static int buf_put(struct btf_buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		uint8_t *d;

		while (cap < b->len + n)
			cap *= 2;
		d = realloc(b->data, cap);
		if (!d)
			return -ENOMEM;
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

static int cmp_secinfo(const void *a, const void *b)
{
	const struct btf_var_secinfo *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Offset of the ELF symbol @name in section @shndx. */
static int sym_offset(const struct hive_object *obj, uint32_t shndx, const char *name, uint32_t *off)
{
	uint32_t i;

	for (i = 1; i < obj->elf.nsyms; i++) {
		struct elf_sym s;

		if (elf_sym(&obj->elf, i, &s))
			return -HIVE_EFORMAT;
		if (s.shndx == shndx && !strcmp(s.name, name) && s.type != STT_SECTION) {
			*off = (uint32_t)s.value;
			return 0;
		}
	}
	return -ENOENT;
}

/* A 4-byte int of the object BTF (for .ksyms placeholders), 0 if none. */
static uint32_t find_int4(const struct hive_btf *btf)
{
	uint32_t id;

	for (id = 1; id < btf->nr_types; id++) {
		const struct btf_type *t = btf_type(btf, id);

		if (hive_btf_kind(t) == BTF_KIND_INT && t->size == 4 && !BTF_INT_OFFSET(btf_int_encoding(t)) &&
		    BTF_INT_BITS(btf_int_encoding(t)) == 32)
			return id;
	}
	return 0;
}

/* Rewrite one DATASEC @t (id @id) into @b in the form the kernel accepts. */
static int emit_datasec(struct hive_object *obj, struct btf_buf *b, struct btf_buf *extra,
			const struct btf_type *t, uint32_t int4, uint32_t *next_id)
{
	const char *name = btf_name(obj->btf, t);
	const struct elf_sec *s = elf_sec_by_name(&obj->elf, name);
	uint32_t i, n = hive_btf_vlen(t), size = t->size;
	struct btf_var_secinfo *vs;
	struct btf_type h = *t;
	int err = 0;

	vs = malloc((n ? n : 1) * sizeof(*vs));
	if (!vs)
		return -ENOMEM;
	memcpy(vs, btf_secinfos(t), n * sizeof(*vs));
	if (!strcmp(name, ".kconfig")) {
		size = obj->kconfig_map_idx >= 0 ? obj->maps[obj->kconfig_map_idx].value_size : 0;
		for (i = 0; i < n; i++) {
			const struct btf_type *v = btf_type(obj->btf, vs[i].type);
			int e = ext_by_name(obj, btf_name(obj->btf, v));

			vs[i].offset = e >= 0 ? obj->externs[e].data_off : 0;
		}
		qsort(vs, n, sizeof(*vs), cmp_secinfo);
	} else if (!strcmp(name, ".ksyms")) {
		/* Each extern becomes a 4-byte placeholder variable. */
		for (i = 0; i < n; i++) {
			const struct btf_type *v = btf_type(obj->btf, vs[i].type);

			if (hive_btf_kind(v) == BTF_KIND_FUNC) {
				struct btf_type var = { .name_off = v->name_off,
							.info = BTF_KIND_VAR << 24, .type = int4 };
				struct btf_var lk = { BTF_VAR_GLOBAL_ALLOCATED };

				err = buf_put(extra, &var, sizeof(var));
				if (!err)
					err = buf_put(extra, &lk, sizeof(lk));
				vs[i].type = (*next_id)++;
			}
			vs[i].offset = i * 4;
			vs[i].size = 4;
		}
		size = n * 4;
	} else if (s) {
		size = (uint32_t)s->size;
		for (i = 0; i < n && !err; i++) {
			const struct btf_type *v = btf_type(obj->btf, vs[i].type);

			bool is_static = hive_btf_kind(v) == BTF_KIND_VAR &&
					 btf_var(v)->linkage == BTF_VAR_STATIC;

			/* a static variable clang placed in another section
			 * (.rodata.str1.1) keeps the offset clang gave it, as
			 * in libbpf; BTF_LOAD then decides */
			if (sym_offset(obj, s->idx, btf_name(obj->btf, v), &vs[i].offset) && !is_static) {
				obj_warn(obj, ".BTF: DATASEC '%s': variable '%s' has no symbol", name,
					 btf_name(obj->btf, v));
				err = -HIVE_EBTF;
			}
		}
		qsort(vs, n, sizeof(*vs), cmp_secinfo);
	}
	h.size = size;
	if (!err)
		err = buf_put(b, &h, sizeof(h));
	if (!err)
		err = buf_put(b, vs, n * sizeof(*vs));
	free(vs);
	return err;
}

/*
 * The object BTF as the kernel's BTF_LOAD accepts it (same type ids; new
 * placeholder VARs for kfuncs appended): DATASECs completed, extern
 * variables allocated, kfunc declarations made global with named params.
 */
static int sanitize_btf(struct hive_object *obj, struct btf_buf *out)
{
	struct hive_btf *btf = obj->btf;
	struct btf_buf types = { 0 }, extra = { 0 };
	uint32_t id, next_id = btf->nr_types, int4 = find_int4(btf);
	struct btf_header h = btf->hdr;
	uint32_t *extern_proto;  /* proto id -> a name for its unnamed params */
	int err = 0;

	extern_proto = calloc(btf->nr_types, sizeof(*extern_proto));
	if (!extern_proto)
		return -ENOMEM;
	for (id = 1; id < btf->nr_types; id++) {
		const struct btf_type *t = btf_type(btf, id);

		if (hive_btf_kind(t) == BTF_KIND_FUNC && hive_btf_vlen(t) == BTF_FUNC_EXTERN)
			extern_proto[t->type] = t->name_off;
	}
	for (id = 1; id < btf->nr_types && !err; id++) {
		const struct btf_type *t = btf_type(btf, id);
		uint32_t len = (id + 1 < btf->nr_types ? btf->type_off[id + 1] : btf->types_len) -
			       btf->type_off[id];

		if (hive_btf_kind(t) == BTF_KIND_DATASEC) {
			err = emit_datasec(obj, &types, &extra, t, int4, &next_id);
		} else if (hive_btf_kind(t) == BTF_KIND_FUNC && hive_btf_vlen(t) == BTF_FUNC_EXTERN) {
			/* kfunc declarations: the kernel takes no extern linkage */
			struct btf_type f = *t;

			f.info = (f.info & ~0xffffu) | BTF_FUNC_GLOBAL;
			err = buf_put(&types, &f, sizeof(f));
		} else if (hive_btf_kind(t) == BTF_KIND_FUNC_PROTO && extern_proto[id]) {
			/* ... and wants every parameter of a global function named */
			struct btf_param *pp;
			uint32_t k;

			err = buf_put(&types, t, len);
			pp = (struct btf_param *)(types.data + types.len - len + sizeof(*t));
			for (k = 0; !err && k < hive_btf_vlen(t); k++)
				if (!pp[k].name_off && pp[k].type)
					pp[k].name_off = extern_proto[id];
		} else if (hive_btf_kind(t) == BTF_KIND_VAR &&
			   btf_var(t)->linkage == BTF_VAR_GLOBAL_EXTERN) {
			/* extern variables: allocated placeholders (.ksyms ones become ints) */
			struct btf_type v = *t;
			struct btf_var lk = { BTF_VAR_GLOBAL_ALLOCATED };
			int e = ext_by_name(obj, btf_name(btf, t));

			if (e >= 0 && obj->externs[e].type == EXT_KSYM)
				v.type = int4;
			err = buf_put(&types, &v, sizeof(v));
			if (!err)
				err = buf_put(&types, &lk, sizeof(lk));
		} else {
			err = buf_put(&types, t, len);
		}
	}
	if (!err && extra.len)
		err = int4 ? buf_put(&types, extra.data, extra.len) : -HIVE_EBTF;
	h.hdr_len = sizeof(h);
	h.type_off = 0;
	h.type_len = (uint32_t)types.len;
	h.str_off = h.type_len;
	h.str_len = btf->str_len;
	if (!err)
		err = buf_put(out, &h, sizeof(h));
	if (!err)
		err = buf_put(out, types.data, types.len);
	if (!err)
		err = buf_put(out, btf->strs, btf->str_len);
	free(types.data);
	free(extra.data);
	free(extern_proto);
	return err;
}

int obj_load_btf(struct hive_object *obj)
{
	struct btf_buf raw = { 0 };
	union bpf_attr attr;
	char *log = NULL;
	int fd, err;

	if (!obj->btf)
		return 0;
	err = sanitize_btf(obj, &raw);
	if (err) {
		free(raw.data);
		return err;
	}
	memset(&attr, 0, sizeof(attr));
	attr.btf = (uint64_t)(uintptr_t)raw.data;
	attr.btf_size = (uint32_t)raw.len;
	fd = obj_bpf(obj, BPF_BTF_LOAD, &attr, sizeof(attr));
	if (fd < 0 && fd != -ENOSYS && (log = calloc(1, 64 * 1024))) {
		/* Again with a log, for the message. */
		attr.btf_log_buf = (uint64_t)(uintptr_t)log;
		attr.btf_log_size = 64 * 1024;
		attr.btf_log_level = 1;
		fd = obj_bpf(obj, BPF_BTF_LOAD, &attr, sizeof(attr));
	}
	if (fd < 0) {
		size_t n = log ? strlen(log) : 0;

		/* Not fatal (as in libbpf): maps and programs load without BTF. */
		hive_print(n ? HIVE_INFO : HIVE_DEBUG, "%s: BTF_LOAD failed (%s)%s%s; continuing without BTF\n", obj->path,
			     hive_strerror(fd), n ? ": " : "", n ? log + (n > 400 ? n - 400 : 0) : "");
	} else {
		obj->btf_fd = fd;
	}
	free(log);
	free(raw.data);
	return 0;
}

/* ----------------------------------------------------------- PROG_LOAD */

static int resolve_attach_btf(struct hive_object *obj, struct hive_program *prog)
{
	const char *target = sec_def_target(prog->def, prog->sec_name), *pfx;
	struct hive_btf *vmlinux;
	char name[256];
	uint32_t kind;
	int err, id;

	if (prog->type == SEC_PROG_EXT) {
		obj_warn(obj, "prog '%s': freplace programs need a target program; not supported", prog->name);
		return -EOPNOTSUPP;
	}
	if (!target[0]) {
		obj_warn(obj, "prog '%s': section '%s' must name the attach target ('%s/<name>')",
			 prog->name, prog->sec_name, prog->def->name);
		return -EINVAL;
	}
	err = obj_target_btf(obj, &vmlinux);
	if (err) {
		obj_warn(obj, "prog '%s': attaching to '%s' needs the kernel BTF (%s)", prog->name, target,
			 hive_strerror(err));
		return err;
	}
	pfx = sec_def_btf_prefix(prog->def, &kind);
	snprintf(name, sizeof(name), "%s%s", pfx, target);
	id = hive_btf__find_by_name_kind(vmlinux, name, kind);
	if (id < 0) {
		obj_warn(obj, "prog '%s': no %s '%s' in the target BTF", prog->name, btf_kind_str(kind), name);
		return -ESRCH;
	}
	prog->attach_btf_id = (uint32_t)id;
	return 0;
}

static void copy_prog_name(char *dst, const char *name)
{
	size_t i;

	for (i = 0; i < OBJ_NAME_LEN - 1 && name[i]; i++)
		dst[i] = (name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
			 (name[i] >= '0' && name[i] <= '9') || name[i] == '.' ? name[i] : '_';
	dst[i] = 0;
}

/* After a failed load: name the CO-RE relocation behind a poisoned call the log shows. */
static void explain_poison(struct hive_object *obj, struct hive_program *prog, const char *log)
{
	const char *p = log;
	bool named = false;

	while (p && (p = strstr(p, "unknown#195896080"))) {
		const char *line = p;
		unsigned long insn;
		char *end;
		uint32_t i;

		/* Lines "N: (85) call unknown#195896080" name the instruction. */
		while (line > log && line[-1] != '\n')
			line--;
		insn = strtoul(line, &end, 10);
		p++;
		if (end == line || *end != ':')
			continue;
		for (i = 0; i < prog->nr_lpoisons; i++)
			if (prog->lpoisons[i].insn == insn) {
				obj_warn(obj, "prog '%s': insn #%lu: CO-RE relocation %s cannot be satisfied by the target BTF and the instruction is reachable (guard it with bpf_core_field_exists()/bpf_core_type_exists())",
					 prog->name, insn, prog->lpoisons[i].desc);
				named = true;
			}
	}
	if (named || !strstr(log, "195896080"))
		return;
	/* The log does not say which one: name every candidate. */
	for (uint32_t i = 0; i < prog->nr_lpoisons; i++)
		obj_warn(obj, "prog '%s': insn #%u: CO-RE relocation %s cannot be satisfied by the target BTF; the verifier rejected a poisoned instruction",
			 prog->name, prog->lpoisons[i].insn, prog->lpoisons[i].desc);
}

/* The log of a refused program between libbpf's markers, as bpftool
 * users know it. */
static void print_load_log(const struct hive_object *obj, const struct hive_program *prog,
			   const char *log)
{
	size_t n = strlen(log);

	if (n)
		hive_pr_warn("%s: prog '%s': -- BEGIN PROG LOAD LOG --\n%s%s-- END PROG LOAD LOG --\n",
			     obj->path, prog->name, log, log[n - 1] == '\n' ? "" : "\n");
}

/*
 * Bind every .rodata map to the program (BPF_PROG_BIND_MAP), as libbpf
 * does, so tools find the object's read-only data (bpftool's metadata)
 * even when the program does not reference it. Failure is not fatal.
 */
static void bind_rodata(struct hive_object *obj, struct hive_program *prog)
{
	union bpf_attr attr;
	uint32_t i;
	int err;

	for (i = 0; i < obj->nr_maps; i++) {
		if (obj->maps[i].kind != MAP_RODATA || obj->maps[i].fd < 0)
			continue;
		memset(&attr, 0, sizeof(attr));
		attr.prog_bind_map.prog_fd = (uint32_t)prog->fd;
		attr.prog_bind_map.map_fd = (uint32_t)obj->maps[i].fd;
		err = obj_bpf(obj, BPF_PROG_BIND_MAP, &attr, sizeof(attr));
		if (err)
			hive_pr_debug("%s: prog '%s': binding map '%s' failed: %s\n", obj->path, prog->name,
				      obj->maps[i].name, hive_strerror(err));
	}
}

int prog_load(struct hive_object *obj, struct hive_program *prog)
{
	union bpf_attr attr;
	char *own_log = NULL;
	int fd, err;

	if (prog->type == SEC_PROG_UNSPEC) {
		obj_warn(obj, "prog '%s': section '%s' names no known program type; call hive_program__set_type()",
			 prog->name, prog->sec_name);
		return -EINVAL;
	}
	if (prog->def && (prog->def->flags & SEC_BTF) && !prog->attach_btf_id) {
		err = resolve_attach_btf(obj, prog);
		if (err)
			return err;
	}
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = prog->type;
	attr.expected_attach_type = prog->expected_attach_type;
	attr.insns = (uint64_t)(uintptr_t)prog->insns;
	attr.insn_cnt = prog->insn_cnt;
	attr.license = (uint64_t)(uintptr_t)obj->license;
	attr.kern_version = obj->kern_version;
	attr.prog_flags = prog->prog_flags;
	attr.attach_btf_id = prog->attach_btf_id;
	copy_prog_name(attr.prog_name, prog->name);
	if (obj->btf_fd >= 0 && prog->func_info_cnt) {
		attr.prog_btf_fd = (uint32_t)obj->btf_fd;
		attr.func_info_rec_size = sizeof(struct bpf_func_info);
		attr.func_info = (uint64_t)(uintptr_t)prog->func_info;
		attr.func_info_cnt = prog->func_info_cnt;
		if (prog->line_info_cnt) {
			attr.line_info_rec_size = sizeof(struct bpf_line_info);
			attr.line_info = (uint64_t)(uintptr_t)prog->line_info;
			attr.line_info_cnt = prog->line_info_cnt;
		}
	}
	if (prog->log_buf) {
		attr.log_buf = (uint64_t)(uintptr_t)prog->log_buf;
		attr.log_size = (uint32_t)prog->log_size;
		attr.log_level = prog->log_level ? prog->log_level : 1;
	} else if (prog->log_level || obj->log_level) {
		own_log = malloc(LOG_BUF_SIZE);
		if (!own_log)
			return -ENOMEM;
		own_log[0] = 0;
		attr.log_buf = (uint64_t)(uintptr_t)own_log;
		attr.log_size = LOG_BUF_SIZE;
		attr.log_level = prog->log_level ? prog->log_level : obj->log_level;
	}
	fd = obj_bpf(obj, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0 && !attr.log_buf && fd != -ENOSYS && (own_log = malloc(LOG_BUF_SIZE))) {
		/* Retry with a log so the failure can be explained. */
		own_log[0] = 0;
		attr.log_buf = (uint64_t)(uintptr_t)own_log;
		attr.log_size = LOG_BUF_SIZE;
		attr.log_level = 1;
		fd = obj_bpf(obj, BPF_PROG_LOAD, &attr, sizeof(attr));
	}
	if (fd < 0) {
		const char *log = (const char *)(uintptr_t)attr.log_buf;

		obj_warn(obj, "prog '%s' (section '%s', %u insns): BPF program load failed: %s", prog->name,
			 prog->sec_name, prog->insn_cnt, hive_strerror(fd));
		if (log) {
			print_load_log(obj, prog, log);
			explain_poison(obj, prog, log);
		}
		obj_warn(obj, "prog '%s': failed to load: %d", prog->name, fd);
	} else {
		prog->fd = fd;
		bind_rodata(obj, prog);
		if (own_log && (prog->log_level || obj->log_level) && own_log[0])
			hive_pr_info("-- verifier log of '%s' --\n%s\n", prog->name, own_log);
	}
	free(own_log);
	return fd < 0 ? fd : 0;
}

/* ------------------------------------------------------ prepare / load */

static void unload(struct hive_object *obj)
{
	uint32_t i;

	for (i = 0; i < obj->nr_progs; i++) {
		obj_close_fd(obj, obj->progs[i].fd);
		obj->progs[i].fd = -1;
	}
	for (i = 0; i < obj->nr_maps; i++) {
		struct hive_map *m = &obj->maps[i];

		if (m->pinned && !m->reused && m->pin_path)
			unlink(m->pin_path);
		m->pinned = false;
		obj_close_fd(obj, m->fd);
		m->fd = -1;
	}
	obj_close_fd(obj, obj->btf_fd);
	obj->btf_fd = -1;
	obj->state = OBJ_FAILED;
}

int hive_object__prepare(struct hive_object *obj)
{
	int err;

	if (!obj)
		return -EINVAL;
	if (obj->state == OBJ_PREPARED || obj->state == OBJ_LOADED)
		return 0;
	if (obj->state == OBJ_FAILED)
		return -EINVAL;
	err = core_relocate(obj);
	if (!err)
		err = externs_resolve(obj);
	if (!err)
		err = obj_load_btf(obj);
	if (!err)
		err = maps_create(obj);
	if (!err)
		err = relocs_apply(obj);
	if (err) {
		unload(obj);
		return err;
	}
	obj->state = OBJ_PREPARED;
	return 0;
}

int hive_object__load(struct hive_object *obj)
{
	uint32_t i;
	int err;

	if (!obj)
		return -EINVAL;
	if (obj->state == OBJ_LOADED)
		return -EBUSY;
	err = hive_object__prepare(obj);
	if (err)
		return err;
	for (i = 0; i < obj->nr_progs; i++) {
		struct hive_program *p = &obj->progs[i];

		if (p->is_subprog || !p->autoload)
			continue;
		err = prog_load(obj, p);
		if (err)
			goto err;
	}
	err = maps_fill_prog_slots(obj);
	if (err)
		goto err;
	obj->state = OBJ_LOADED;
	return 0;
err:
	unload(obj);
	return err;
}
