/*
 * object.c - opening an object: reading the file, classifying its ELF
 * sections, building the programs, then handing over to maps.c, externs.c
 * and reloc.c; and the getters/setters of the public object API.
 *
 * Open never touches a backend: it only parses and validates, so an object
 * can be inspected (and fuzzed) without any bpf() at all. Everything that
 * creates something lives in load.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "object.h"
#include "util/util.h"

#define OBJ_MAX_FILE (1u << 30)

void obj_warn(const struct hive_object *obj, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hive_pr_warn("%s: %s\n", obj->path, msg);
}

/* Options structs start with sz; bytes past what we know must be zero. */
static int opts_valid(const void *opts, size_t known)
{
	const uint8_t *p = opts;
	size_t sz, i;

	if (!opts)
		return 1;
	memcpy(&sz, opts, sizeof(sz));
	if (sz < sizeof(size_t)) {
		hive_pr_warn("hive_object_open_opts: sz %zu too small\n", sz);
		return 0;
	}
	for (i = known; i < sz; i++) {
		if (p[i]) {
			hive_pr_warn("hive_object_open_opts: unknown non-zero byte at offset %zu\n", i);
			return 0;
		}
	}
	return 1;
}

/* Field @f of opts if the caller's struct is big enough to hold it. */
#define OPT(o, f, def) \
	((o) && (o)->sz >= offsetof(struct hive_object_open_opts, f) + sizeof((o)->f) ? (o)->f : (def))

/* ------------------------------------------------------------ sections */

static bool is_data_name(const char *n, const char *base)
{
	size_t l = strlen(base);

	return !strncmp(n, base, l) && (n[l] == '\0' || n[l] == '.');
}

static int collect_sections(struct hive_object *obj)
{
	struct elf_file *ef = &obj->elf;
	const struct elf_sec *btf = NULL, *ext = NULL;
	uint32_t i;

	obj->secs = calloc(ef->nsecs, sizeof(*obj->secs));
	if (!obj->secs)
		return -ENOMEM;
	for (i = 1; i < ef->nsecs; i++) {
		const struct elf_sec *s = &ef->secs[i];
		struct sec_info *si = &obj->secs[i];

		si->map_idx = -1;
		if (s->type == SHT_REL) {
			if (obj->secs[s->info].rel_idx) {
				elf_warn(ef, s, "second relocation section for section %u (first is %u)",
					 s->info, obj->secs[s->info].rel_idx);
				return -HIVE_EFORMAT;
			}
			obj->secs[s->info].rel_idx = i;
			continue;
		}
		if (!strcmp(s->name, "license")) {
			size_t n = s->size < sizeof(obj->license) - 1 ? s->size : sizeof(obj->license) - 1;

			if (s->data) {
				memcpy(obj->license, s->data, n);
				obj->license[n] = 0;
			}
		} else if (!strcmp(s->name, "version")) {
			if (s->size != 4 || !s->data) {
				elf_warn(ef, s, "offset 0x%llx: size %llu, expected 4",
					 (unsigned long long)s->off, (unsigned long long)s->size);
				return -HIVE_EFORMAT;
			}
			memcpy(&obj->kern_version, s->data, 4);
		} else if (!strcmp(s->name, "maps")) {
			elf_warn(ef, s, "legacy map definitions (SEC(\"maps\"), struct bpf_map_def) are not supported: "
				 "declare maps in SEC(\".maps\") with __uint/__type (BTF-defined maps)");
			return -EOPNOTSUPP;
		} else if (!strcmp(s->name, ".maps")) {
			if (s->type != SHT_PROGBITS) {
				elf_warn(ef, s, "offset 0x%llx: .maps is not SHT_PROGBITS",
					 (unsigned long long)s->off);
				return -HIVE_EFORMAT;
			}
			obj->maps_shndx = i;
			si->kind = SEC_MAPS;
		} else if (!strcmp(s->name, ".BTF")) {
			btf = s;
		} else if (!strcmp(s->name, ".BTF.ext")) {
			ext = s;
		} else if (s->type == SHT_PROGBITS && (s->flags & SHF_EXECINSTR)) {
			if (s->size % sizeof(struct hive_insn)) {
				elf_warn(ef, s, "offset 0x%llx: code size %llu is not a multiple of 8",
					 (unsigned long long)s->off, (unsigned long long)s->size);
				return -HIVE_EFORMAT;
			}
			if (s->size / sizeof(struct hive_insn) > UINT32_MAX / 2) {
				elf_warn(ef, s, "too many instructions");
				return -HIVE_EFORMAT;
			}
			si->kind = SEC_PROG;
			if (!strcmp(s->name, ".text"))
				obj->text_shndx = i;
		} else if (s->size && ((s->type == SHT_PROGBITS &&
					(is_data_name(s->name, ".data") || is_data_name(s->name, ".rodata"))) ||
				       (s->type == SHT_NOBITS && is_data_name(s->name, ".bss")))) {
			si->kind = SEC_GDATA;
		} else if (!strcmp(s->name, ".struct_ops") || !strcmp(s->name, ".struct_ops.link")) {
			elf_warn(ef, s, "struct_ops maps are not supported");
			return -EOPNOTSUPP;
		}
	}
	if (btf) {
		snprintf(obj->btf_what, sizeof(obj->btf_what), "%s: section '.BTF' (%u)", obj->path,
			 btf->idx);
		if (!btf->data) {
			elf_warn(ef, btf, "has no data");
			return -HIVE_EFORMAT;
		}
		obj->btf = btf_parse(btf->data, btf->size, obj->btf_what);
		if (!obj->btf)
			return -errno;
	}
	if (ext && obj->btf) {
		char what[160];

		snprintf(what, sizeof(what), "%s: section '.BTF.ext' (%u)", obj->path, ext->idx);
		if (!ext->data || ext->size > UINT32_MAX) {
			elf_warn(ef, ext, "bad size");
			return -HIVE_EFORMAT;
		}
		obj->btf_ext = btf_ext_parse(ext->data, (uint32_t)ext->size, obj->btf, what);
		if (!obj->btf_ext)
			return -errno;
	}
	return 0;
}

/* ------------------------------------------------------------ programs */

struct func_sym {
	uint32_t sym_idx;
	uint64_t value, size;
	const char *name;
	uint8_t bind;
};

static int cmp_func(const void *a, const void *b)
{
	const struct func_sym *x = a, *y = b;

	return x->value < y->value ? -1 : x->value > y->value;
}

static int add_prog(struct hive_object *obj, const struct elf_sec *s, const struct func_sym *f,
		    uint32_t *cap)
{
	struct hive_program *p;

	if (obj->nr_progs == *cap) {
		uint32_t ncap = *cap ? *cap * 2 : 8;
		struct hive_program *np = realloc(obj->progs, ncap * sizeof(*np));

		if (!np)
			return -ENOMEM;
		obj->progs = np;
		*cap = ncap;
	}
	p = &obj->progs[obj->nr_progs];
	memset(p, 0, sizeof(*p));
	p->obj = obj;
	p->idx = obj->nr_progs;
	p->fd = -1;
	p->sec_idx = s->idx;
	p->sec_name = (char *)s->name;
	p->sec_insn_off = (uint32_t)(f->value / 8);
	p->sec_insn_cnt = (uint32_t)(f->size / 8);
	p->is_subprog = s->idx == obj->text_shndx;
	p->autoload = !p->is_subprog;
	p->name = strdup(f->name);
	p->insn_cnt = p->sec_insn_cnt;
	p->insns = malloc(p->insn_cnt * sizeof(*p->insns));
	if (!p->name || !p->insns) {
		free(p->name);
		free(p->insns);
		return -ENOMEM;
	}
	memcpy(p->insns, s->data + f->value, p->insn_cnt * sizeof(*p->insns));
	if (!p->is_subprog) {
		p->def = sec_def_find(s->name);
		if (p->def) {
			p->type = p->def->prog_type;
			p->expected_attach_type = p->def->attach_type;
			if (p->def->flags & SEC_SLEEPABLE)
				p->prog_flags |= BPF_F_SLEEPABLE;
			if (p->def->flags & SEC_FRAGS)
				p->prog_flags |= 1u << 5; /* BPF_F_XDP_HAS_FRAGS */
		}
	}
	obj->nr_progs++;
	return 0;
}

static int collect_progs_in(struct hive_object *obj, const struct elf_sec *s, uint32_t *cap)
{
	struct func_sym *fs = NULL;
	uint32_t n = 0, i, fcap = 0;
	uint64_t end = 0;
	int err = 0;

	for (i = 1; i < obj->elf.nsyms; i++) {
		struct elf_sym sym;

		err = elf_sym(&obj->elf, i, &sym);
		if (err)
			goto out;
		if (sym.type != STT_FUNC || sym.shndx != s->idx)
			continue;
		if (!sym.name[0]) {
			elf_warn(&obj->elf, s, "offset 0x%llx: unnamed function symbol %u",
				 (unsigned long long)sym.value, i);
			err = -HIVE_EFORMAT;
			goto out;
		}
		if (sym.value % 8 || sym.size % 8 || sym.value > s->size || sym.size > s->size - sym.value) {
			elf_warn(&obj->elf, s, "offset 0x%llx: function '%s' (size %llu) is misaligned or outside the section (%llu bytes)",
				 (unsigned long long)sym.value, sym.name, (unsigned long long)sym.size,
				 (unsigned long long)s->size);
			err = -HIVE_EFORMAT;
			goto out;
		}
		if (!sym.size)
			continue;
		if (s->idx != obj->text_shndx && sym.bind == STB_LOCAL) {
			elf_warn(&obj->elf, s, "offset 0x%llx: program '%s' is static; programs must be global functions",
				 (unsigned long long)sym.value, sym.name);
			err = -EOPNOTSUPP;
			goto out;
		}
		if (n == fcap) {
			struct func_sym *p;

			fcap = fcap ? 2 * fcap : 16;
			p = realloc(fs, fcap * sizeof(*fs));
			if (!p) {
				err = -ENOMEM;
				goto out;
			}
			fs = p;
		}
		fs[n++] = (struct func_sym){ i, sym.value, sym.size, sym.name, sym.bind };
	}
	if (n)
		qsort(fs, n, sizeof(*fs), cmp_func);
	for (i = 0; i < n; i++) {
		if (fs[i].value < end) {
			elf_warn(&obj->elf, s, "offset 0x%llx: function '%s' overlaps the previous one",
				 (unsigned long long)fs[i].value, fs[i].name);
			err = -HIVE_EFORMAT;
			goto out;
		}
		end = fs[i].value + fs[i].size;
		err = add_prog(obj, s, &fs[i], cap);
		if (err)
			goto out;
	}
out:
	free(fs);
	return err;
}

static int collect_progs(struct hive_object *obj)
{
	uint32_t i, cap = 0, j;
	int err;

	for (i = 1; i < obj->elf.nsecs; i++) {
		if (obj->secs[i].kind != SEC_PROG)
			continue;
		err = collect_progs_in(obj, &obj->elf.secs[i], &cap);
		if (err)
			return err;
	}
	/* Program names are how users find them: they must be unique. */
	for (i = 0; i < obj->nr_progs; i++)
		for (j = i + 1; j < obj->nr_progs; j++)
			if (!strcmp(obj->progs[i].name, obj->progs[j].name)) {
				obj_warn(obj, "two functions named '%s' (sections '%s' and '%s')",
					 obj->progs[i].name, obj->progs[i].sec_name, obj->progs[j].sec_name);
				return -HIVE_EFORMAT;
			}
	return 0;
}

/* --------------------------------------------------------- .BTF.ext records */

/* Warn about record @k of @es and evaluate to -HIVE_EBTF. */
#define ext_bad(obj, table, es, k, off, fmt, ...)                                               \
	(obj_warn((obj), "section '.BTF.ext': %s record %u for section '%s' (insn offset 0x%x): " fmt, \
		  (table), (unsigned)(k), (es)->name, (unsigned)(off), ##__VA_ARGS__), -HIVE_EBTF)

/*
 * Check every func_info, line_info and CO-RE record against the ELF and
 * the BTF: its section is code, its instruction is inside a function, the
 * type ids and strings it names exist. Later stages rely on this.
 */
static int check_btf_ext(struct hive_object *obj)
{
	const struct btf_ext_info *tabs[3] = { &obj->btf_ext->func, &obj->btf_ext->line,
					       &obj->btf_ext->core };
	static const char *const names[3] = { "func_info", "line_info", "CO-RE" };
	const struct hive_btf *btf = obj->btf;
	uint32_t t, i, k;

	for (t = 0; t < 3; t++) {
		for (i = 0; i < tabs[t]->nsecs; i++) {
			const struct btf_ext_sec *es = &tabs[t]->secs[i];
			const struct elf_sec *s = elf_sec_by_name(&obj->elf, es->name);

			if (!s || obj->secs[s->idx].kind != SEC_PROG)
				return ext_bad(obj, names[t], es, 0, 0, "not a code section");
			for (k = 0; k < es->num; k++) {
				const uint8_t *rec = es->recs + (size_t)k * tabs[t]->rec_size;
				uint32_t w[4];

				memcpy(w, rec, t ? 16 : 8);
				if (w[0] % 8 || w[0] >= s->size || !obj_prog_at(obj, s->idx, w[0] / 8))
					return ext_bad(obj, names[t], es, k, w[0], "not an instruction of a function");
				if (t == 0 && (w[1] >= btf->nr_types ||
					       hive_btf_kind(btf_type(btf, w[1])) != BTF_KIND_FUNC))
					return ext_bad(obj, names[t], es, k, w[0], "type %u is not a BTF FUNC", w[1]);
				if (t == 1 && (!btf_str(btf, w[1]) || !btf_str(btf, w[2])))
					return ext_bad(obj, names[t], es, k, w[0], "string offsets 0x%x/0x%x out of range",
						       w[1], w[2]);
				if (t == 2 && (w[1] >= btf->nr_types || !btf_str(btf, w[2]) ||
					       !btf_str(btf, w[2])[0] || w[3] >= CORE_KIND_MAX))
					return ext_bad(obj, names[t], es, k, w[0], "type %u, accessor 0x%x, kind %u invalid",
						       w[1], w[2], w[3]);
			}
		}
	}
	return 0;
}

struct hive_program *obj_prog_at(const struct hive_object *obj, uint32_t sec_idx, uint32_t insn_idx)
{
	uint32_t i;

	for (i = 0; i < obj->nr_progs; i++) {
		struct hive_program *p = &obj->progs[i];

		if (p->sec_idx == sec_idx && insn_idx >= p->sec_insn_off &&
		    insn_idx - p->sec_insn_off < p->sec_insn_cnt)
			return p;
	}
	return NULL;
}

int obj_prog_by_sym(const struct hive_object *obj, uint32_t sec_idx, uint64_t value)
{
	uint32_t i;

	for (i = 0; i < obj->nr_progs; i++)
		if (obj->progs[i].sec_idx == sec_idx && (uint64_t)obj->progs[i].sec_insn_off * 8 == value)
			return (int)i;
	return -1;
}

/* ---------------------------------------------------------------- open */

static void set_name(struct hive_object *obj, const char *name)
{
	const char *base = strrchr(name, '/');
	size_t n;

	base = base ? base + 1 : name;
	n = strcspn(base, ".");
	if (n >= sizeof(obj->name))
		n = sizeof(obj->name) - 1;
	memcpy(obj->name, base, n);
	obj->name[n] = 0;
}

static char *dup_opt(const char *s, int *err)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*err = -ENOMEM;
	return d;
}

static struct hive_object *open_buf(uint8_t *buf, size_t size, const char *path,
				    const struct hive_object_open_opts *opts)
{
	struct hive_object *obj;
	const char *oname;
	int err = 0;

	obj = calloc(1, sizeof(*obj));
	if (!obj) {
		free(buf);
		errno = ENOMEM;
		return NULL;
	}
	obj->buf = buf;
	obj->size = size;
	obj->btf_fd = -1;
	obj->kconfig_map_idx = -1;
	obj->path = strdup(path);
	if (!obj->path) {
		err = -ENOMEM;
		goto err;
	}
	oname = OPT(opts, object_name, NULL);
	set_name(obj, oname ? oname : path);
	obj->kernel = OPT(opts, kernel, false);
	obj->bpf = OPT(opts, bpf, NULL);
	obj->close_fd = OPT(opts, close, NULL);
	obj->log_level = OPT(opts, kernel_log_level, 0);
	obj->btf_custom_path = dup_opt(OPT(opts, btf_custom_path, NULL), &err);
	obj->kconfig_extra = dup_opt(OPT(opts, kconfig, NULL), &err);
	obj->pin_root = dup_opt(OPT(opts, pin_root_path, NULL), &err);
	if (err)
		goto err;

	err = elf_open(&obj->elf, obj->path, obj->buf, obj->size);
	if (err)
		goto err;
	err = collect_sections(obj);
	if (!err)
		err = collect_progs(obj);
	if (!err && obj->btf_ext)
		err = check_btf_ext(obj);
	if (!err)
		err = maps_collect(obj);
	if (!err)
		err = externs_collect(obj);
	if (!err)
		err = relocs_collect(obj);
	if (!err)
		err = maps_collect_slots(obj);
	if (err)
		goto err;
	return obj;
err:
	hive_object__close(obj);
	errno = err < 0 ? -err : EINVAL;
	return NULL;
}

struct hive_object *hive_object__open_mem(const void *buf, size_t size,
					  const struct hive_object_open_opts *opts)
{
	char path[64];
	uint8_t *copy;

	if (!opts_valid(opts, sizeof(*opts)) || !buf || !size) {
		errno = EINVAL;
		return NULL;
	}
	if (size > OBJ_MAX_FILE) {
		errno = E2BIG;
		return NULL;
	}
	copy = malloc(size);
	if (!copy) {
		errno = ENOMEM;
		return NULL;
	}
	memcpy(copy, buf, size);
	snprintf(path, sizeof(path), "%lx-%zx", (unsigned long)(uintptr_t)buf, size);
	return open_buf(copy, size, path, opts);
}

static int read_file(const char *path, uint8_t **out, size_t *size)
{
	struct stat st;
	uint8_t *buf;
	size_t got = 0;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		hive_pr_warn("%s: cannot open: %s\n", path, strerror(errno));
		return err;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		hive_pr_warn("%s: not a regular file\n", path);
		goto out;
	}
	if ((uint64_t)st.st_size > OBJ_MAX_FILE) {
		hive_pr_warn("%s: %lld bytes is too large\n", path, (long long)st.st_size);
		err = -E2BIG;
		goto out;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			err = r < 0 ? -errno : -EIO;
			hive_pr_warn("%s: read failed after %zu bytes\n", path, got);
			free(buf);
			goto out;
		}
		got += (size_t)r;
	}
	*out = buf;
	*size = got;
out:
	close(fd);
	return err;
}

struct hive_object *hive_object__open_file(const char *path,
					   const struct hive_object_open_opts *opts)
{
	uint8_t *buf = NULL;
	size_t size = 0;
	int err;

	if (!path || !opts_valid(opts, sizeof(*opts))) {
		errno = EINVAL;
		return NULL;
	}
	err = read_file(path, &buf, &size);
	if (err) {
		errno = -err;
		return NULL;
	}
	return open_buf(buf, size, path, opts);
}

void hive_object__close(struct hive_object *obj)
{
	uint32_t i, j;

	if (!obj)
		return;
	for (i = 0; i < obj->nr_progs; i++) {
		struct hive_program *p = &obj->progs[i];

		obj_close_fd(obj, p->fd);
		free(p->name);
		free(p->insns);
		free(p->relos);
		free(p->func_info);
		free(p->line_info);
		for (j = 0; j < p->nr_poisons; j++)
			free(p->poisons[j].desc);
		free(p->poisons);
		free(p->lpoisons);
	}
	free(obj->progs);
	for (i = 0; i < obj->nr_maps; i++)
		map_free(&obj->maps[i]);
	free(obj->maps);
	for (i = 0; i < obj->nr_externs; i++)
		free(obj->externs[i].name);
	free(obj->externs);
	obj_close_fd(obj, obj->btf_fd);
	hive_btf__free(obj->target_btf);
	btf_ext_free(obj->btf_ext);
	hive_btf__free(obj->btf);
	free(obj->secs);
	elf_close(&obj->elf);
	free(obj->btf_custom_path);
	free(obj->kconfig_extra);
	free(obj->pin_root);
	free(obj->path);
	free(obj->buf);
	free(obj);
}

/* --------------------------------------------------------- object getters */

const char *hive_object__name(const struct hive_object *obj)
{
	return obj->name;
}

const char *hive_object__license(const struct hive_object *obj)
{
	return obj->license;
}

uint32_t hive_object__kversion(const struct hive_object *obj)
{
	return obj->kern_version;
}

struct hive_btf *hive_object__btf(const struct hive_object *obj)
{
	return obj->btf;
}

int hive_object__btf_fd(const struct hive_object *obj)
{
	return obj->btf_fd;
}

struct hive_program *hive_object__next_program(const struct hive_object *obj,
					       struct hive_program *prev)
{
	uint32_t i = prev ? prev->idx + 1 : 0;

	for (; i < obj->nr_progs; i++)
		if (!obj->progs[i].is_subprog)
			return &obj->progs[i];
	return NULL;
}

struct hive_program *hive_object__find_program_by_name(const struct hive_object *obj,
						       const char *name)
{
	struct hive_program *p = NULL;

	while ((p = hive_object__next_program(obj, p)))
		if (!strcmp(p->name, name))
			return p;
	errno = ENOENT;
	return NULL;
}

/* ------------------------------------------------------ program getters */

const char *hive_program__name(const struct hive_program *prog)
{
	return prog->name;
}

const char *hive_program__section_name(const struct hive_program *prog)
{
	return prog->sec_name;
}

bool hive_program__autoload(const struct hive_program *prog)
{
	return prog->autoload;
}

static int prog_busy(const struct hive_program *prog)
{
	return prog->obj->state != OBJ_OPENED ? -EBUSY : 0;
}

int hive_program__set_autoload(struct hive_program *prog, bool autoload)
{
	int err = prog_busy(prog);

	if (!err)
		prog->autoload = autoload;
	return err;
}

enum bpf_prog_type hive_program__type(const struct hive_program *prog)
{
	return (enum bpf_prog_type)prog->type;
}

int hive_program__set_type(struct hive_program *prog, enum bpf_prog_type type)
{
	int err = prog_busy(prog);

	if (!err)
		prog->type = type;
	return err;
}

enum bpf_attach_type hive_program__expected_attach_type(const struct hive_program *prog)
{
	return (enum bpf_attach_type)prog->expected_attach_type;
}

int hive_program__set_expected_attach_type(struct hive_program *prog, enum bpf_attach_type type)
{
	int err = prog_busy(prog);

	if (!err)
		prog->expected_attach_type = type;
	return err;
}

const char *hive_program__attach_target(const struct hive_program *prog)
{
	return prog->def ? sec_def_target(prog->def, prog->sec_name) : "";
}

bool hive_program__is_retprobe(const struct hive_program *prog)
{
	return prog->def && (prog->def->flags & SEC_RET);
}

uint32_t hive_program__flags(const struct hive_program *prog)
{
	return prog->prog_flags;
}

int hive_program__set_flags(struct hive_program *prog, uint32_t flags)
{
	if (prog->obj->state == OBJ_LOADED)
		return -EBUSY;
	prog->prog_flags = flags;
	return 0;
}

int hive_program__fd(const struct hive_program *prog)
{
	if (prog->fd < 0)
		errno = prog->autoload ? EINVAL : ENOENT;
	return prog->fd;
}

const struct hive_insn *hive_program__insns(const struct hive_program *prog)
{
	return prog->insns;
}

size_t hive_program__insn_cnt(const struct hive_program *prog)
{
	return prog->insn_cnt;
}

const struct bpf_func_info *hive_program__func_info(const struct hive_program *prog, uint32_t *cnt)
{
	*cnt = prog->func_info_cnt;
	return prog->func_info;
}

const struct bpf_line_info *hive_program__line_info(const struct hive_program *prog, uint32_t *cnt)
{
	*cnt = prog->line_info_cnt;
	return prog->line_info;
}

int hive_program__set_log_buf(struct hive_program *prog, char *buf, size_t size)
{
	if ((buf && !size) || (!buf && size) || size > UINT32_MAX)
		return -EINVAL;
	prog->log_buf = buf;
	prog->log_size = size;
	return 0;
}

int hive_program__set_log_level(struct hive_program *prog, uint32_t level)
{
	prog->log_level = level;
	return 0;
}
