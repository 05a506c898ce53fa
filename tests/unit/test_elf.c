/*
 * test_elf.c - malformed objects: the corpus of tests/elf/corpus.txt (one
 * mutation of a good object per line, with the message expected), and a
 * deterministic sweep of random byte corruptions over every test object.
 * Each must be refused (or, for the sweep, opened) without a crash, and a
 * refusal must come with a message naming the file.
 */
#include <ctype.h>
#include <sys/stat.h>

#include "loader_testutil.h"
#include "loader/btf.h"
#include "util/util.h"

struct blob {
	uint8_t *buf;
	size_t size;
};

static uint64_t parse_value(const char *s, size_t size, int *ok)
{
	char *end;
	uint64_t v;

	*ok = 1;
	if (!strncmp(s, "size", 4)) {
		v = size;
		if (s[4] == '+')
			v += strtoull(s + 5, &end, 0);
		else if (s[4] == '-')
			v -= strtoull(s + 5, &end, 0);
		else if (s[4])
			*ok = 0;
		return v;
	}
	v = strtoull(s, &end, 0);
	*ok = end != s && !*end;
	return v;
}

static Elf64_Sym *find_sym(struct blob *b, const char *name, unsigned *idx)
{
	int st = lt_sec_idx(b->buf, ".symtab");
	Elf64_Shdr *sh;
	unsigned i, n;

	if (st < 0)
		return NULL;
	sh = lt_shdr(b->buf, (unsigned)st);
	n = (unsigned)(sh->sh_size / sizeof(Elf64_Sym));
	for (i = 0; i < n; i++) {
		Elf64_Sym *s = (Elf64_Sym *)(b->buf + sh->sh_offset) + i;
		const char *sn = (const char *)b->buf + lt_shdr(b->buf, sh->sh_link)->sh_offset + s->st_name;

		if (!strcmp(sn, name) || (!s->st_name && ELF64_ST_TYPE(s->st_info) == STT_SECTION &&
					  !strcmp(lt_sec_name(b->buf, s->st_shndx), name))) {
			if (idx)
				*idx = i;
			return s;
		}
	}
	return NULL;
}

/* The good object's .BTF, parsed, for locating types. */
static struct hive_btf *good_btf(struct blob *b, uint8_t **base)
{
	int idx = lt_sec_idx(b->buf, ".BTF");
	Elf64_Shdr *sh;

	if (idx < 0)
		return NULL;
	sh = lt_shdr(b->buf, (unsigned)idx);
	*base = b->buf + sh->sh_offset;
	return btf_parse(*base, sh->sh_size, "test");
}

static int set_field(void *p, size_t width, uint64_t v)
{
	switch (width) {
	case 1: *(uint8_t *)p = (uint8_t)v; break;
	case 2: { uint16_t x = (uint16_t)v; memcpy(p, &x, 2); break; }
	case 4: { uint32_t x = (uint32_t)v; memcpy(p, &x, 4); break; }
	default: memcpy(p, &v, 8); break;
	}
	return 0;
}

#define FIELD(name_, st_, f_) { name_, offsetof(st_, f_), sizeof(((st_ *)0)->f_) }

struct field {
	const char *name;
	size_t off, width;
};

static const struct field ehdr_fields[] = {
	{ "class", EI_CLASS, 1 }, { "data", EI_DATA, 1 }, { "version", EI_VERSION, 1 },
	FIELD("type", Elf64_Ehdr, e_type), FIELD("machine", Elf64_Ehdr, e_machine),
	FIELD("shoff", Elf64_Ehdr, e_shoff), FIELD("shnum", Elf64_Ehdr, e_shnum),
	FIELD("shstrndx", Elf64_Ehdr, e_shstrndx), FIELD("shentsize", Elf64_Ehdr, e_shentsize),
};
static const struct field shdr_fields[] = {
	FIELD("name", Elf64_Shdr, sh_name), FIELD("type", Elf64_Shdr, sh_type),
	FIELD("offset", Elf64_Shdr, sh_offset), FIELD("size", Elf64_Shdr, sh_size),
	FIELD("link", Elf64_Shdr, sh_link), FIELD("info", Elf64_Shdr, sh_info),
	FIELD("entsize", Elf64_Shdr, sh_entsize),
};
static const struct field sym_fields[] = {
	FIELD("name", Elf64_Sym, st_name), FIELD("info", Elf64_Sym, st_info),
	FIELD("shndx", Elf64_Sym, st_shndx), FIELD("value", Elf64_Sym, st_value),
	FIELD("size", Elf64_Sym, st_size),
};
static const struct field btf_fields[] = {
	FIELD("magic", struct btf_header, magic), FIELD("version", struct btf_header, version),
	FIELD("flags", struct btf_header, flags), FIELD("hdr_len", struct btf_header, hdr_len),
	FIELD("type_off", struct btf_header, type_off), FIELD("type_len", struct btf_header, type_len),
	FIELD("str_off", struct btf_header, str_off), FIELD("str_len", struct btf_header, str_len),
};
static const struct field ext_fields[] = {
	{ "magic", 0, 2 }, { "hdr_len", 4, 4 }, { "func_off", 8, 4 }, { "func_len", 12, 4 },
	{ "line_off", 16, 4 }, { "line_len", 20, 4 }, { "core_off", 24, 4 }, { "core_len", 28, 4 },
};

static const struct field *find_field(const struct field *f, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(f[i].name, name))
			return &f[i];
	return NULL;
}

/* Start of table @t (func/line/core) of the object's .BTF.ext, or NULL. */
static uint8_t *ext_table(struct blob *b, const char *t)
{
	int idx = lt_sec_idx(b->buf, ".BTF.ext");
	uint32_t hdr_len, off;
	uint8_t *ext;

	if (idx < 0)
		return NULL;
	ext = b->buf + lt_shdr(b->buf, (unsigned)idx)->sh_offset;
	memcpy(&hdr_len, ext + 4, 4);
	memcpy(&off, ext + (!strcmp(t, "func") ? 8 : !strcmp(t, "line") ? 16 : 24), 4);
	return ext + hdr_len + off;
}

/* Apply one mutation (argv-style words) to @b. Returns 0 or -1 (bad line). */
static int mutate(struct blob *b, char **w, int n)
{
	const struct field *f;
	uint64_t v;
	int ok = 0, idx;

	if (n == 2 && !strcmp(w[0], "truncate")) {
		v = parse_value(w[1], b->size, &ok);
		if (ok && v <= b->size)
			b->size = v;
		return ok ? 0 : -1;
	}
	if (n == 3 && !strcmp(w[0], "ehdr") && (f = find_field(ehdr_fields, HIVE_ARRAY_SIZE(ehdr_fields), w[1]))) {
		v = parse_value(w[2], b->size, &ok);
		return ok ? set_field(b->buf + f->off, f->width, v) : -1;
	}
	if (n == 4 && !strcmp(w[0], "shdr") && (f = find_field(shdr_fields, HIVE_ARRAY_SIZE(shdr_fields), w[2]))) {
		idx = lt_sec_idx(b->buf, w[1]);
		v = parse_value(w[3], b->size, &ok);
		if (idx < 0 || !ok)
			return -1;
		return set_field((uint8_t *)lt_shdr(b->buf, (unsigned)idx) + f->off, f->width, v);
	}
	if (n == 4 && !strcmp(w[0], "sym") && (f = find_field(sym_fields, HIVE_ARRAY_SIZE(sym_fields), w[2]))) {
		Elf64_Sym *s = find_sym(b, w[1], NULL);

		v = parse_value(w[3], b->size, &ok);
		if (!s || !ok)
			return -1;
		return set_field((uint8_t *)s + f->off, f->width, v);
	}
	if (n == 5 && !strcmp(w[0], "rel")) {
		Elf64_Rel *r;
		unsigned i = (unsigned)atoi(w[2]), si;

		idx = lt_sec_idx(b->buf, w[1]);
		if (idx < 0 || i >= lt_shdr(b->buf, (unsigned)idx)->sh_size / sizeof(*r))
			return -1;
		r = (Elf64_Rel *)(b->buf + lt_shdr(b->buf, (unsigned)idx)->sh_offset) + i;
		if (!strcmp(w[3], "offset")) {
			r->r_offset = parse_value(w[4], b->size, &ok);
		} else if (!strcmp(w[3], "sym")) {
			v = parse_value(w[4], b->size, &ok);
			if (!ok && find_sym(b, w[4], &si)) {
				v = si;
				ok = 1;
			}
			r->r_info = ELF64_R_INFO(v, ELF64_R_TYPE(r->r_info));
		} else if (!strcmp(w[3], "type")) {
			v = parse_value(w[4], b->size, &ok);
			r->r_info = ELF64_R_INFO(ELF64_R_SYM(r->r_info), v);
		}
		return ok ? 0 : -1;
	}
	if (n == 5 && !strcmp(w[0], "insn")) {
		struct bpf_insn *in;
		unsigned i = (unsigned)atoi(w[2]);

		idx = lt_sec_idx(b->buf, w[1]);
		v = parse_value(w[4], b->size, &ok);
		if (idx < 0 || !ok || i >= lt_shdr(b->buf, (unsigned)idx)->sh_size / 8)
			return -1;
		in = (struct bpf_insn *)(b->buf + lt_shdr(b->buf, (unsigned)idx)->sh_offset) + i;
		if (!strcmp(w[3], "code"))
			in->code = (uint8_t)v;
		else if (!strcmp(w[3], "src"))
			in->src_reg = v & 15;
		else if (!strcmp(w[3], "off"))
			in->off = (int16_t)v;
		else if (!strcmp(w[3], "imm"))
			in->imm = (int32_t)v;
		else
			return -1;
		return 0;
	}
	if (n == 3 && !strcmp(w[0], "btf") && (f = find_field(btf_fields, HIVE_ARRAY_SIZE(btf_fields), w[1]))) {
		idx = lt_sec_idx(b->buf, ".BTF");
		v = parse_value(w[2], b->size, &ok);
		if (idx < 0 || !ok)
			return -1;
		return set_field(b->buf + lt_shdr(b->buf, (unsigned)idx)->sh_offset + f->off, f->width, v);
	}
	if (n == 4 && !strcmp(w[0], "btftype")) {
		uint8_t *base;
		struct hive_btf *btf = good_btf(b, &base);
		struct btf_type *t;
		uint32_t id = 0, k;
		int rc = 0;

		if (!btf)
			return -1;
		if (w[1][0] == '#')
			id = (uint32_t)atoi(w[1] + 1);
		else
			for (k = 1; k < btf->nr_types && !id; k++)
				if (!strcmp(btf_name(btf, btf_type(btf, k)), w[1]))
					id = k;
		v = parse_value(w[3], b->size, &ok);
		if (!id || id >= btf->nr_types || !ok) {
			hive_btf__free(btf);
			return -1;
		}
		t = (struct btf_type *)(base + btf->hdr.hdr_len + btf->hdr.type_off + btf->type_off[id]);
		if (!strcmp(w[2], "name_off"))
			t->name_off = (uint32_t)v;
		else if (!strcmp(w[2], "info"))
			t->info = (uint32_t)v;
		else if (!strcmp(w[2], "size"))
			t->size = (uint32_t)v;
		else if (!strcmp(w[2], "kind"))
			t->info = (t->info & ~(0x1fu << 24)) | (uint32_t)v << 24;
		else if (!strcmp(w[2], "vlen"))
			t->info = (t->info & ~0xffffu) | ((uint32_t)v & 0xffff);
		else if (w[2][0] == 'w')
			memcpy((uint32_t *)(t + 1) + atoi(w[2] + 1), &(uint32_t){ (uint32_t)v }, 4);
		else
			rc = -1;
		hive_btf__free(btf);
		return rc;
	}
	if (n == 3 && !strcmp(w[0], "btfext") && (f = find_field(ext_fields, HIVE_ARRAY_SIZE(ext_fields), w[1]))) {
		idx = lt_sec_idx(b->buf, ".BTF.ext");
		v = parse_value(w[2], b->size, &ok);
		if (idx < 0 || !ok)
			return -1;
		return set_field(b->buf + lt_shdr(b->buf, (unsigned)idx)->sh_offset + f->off, f->width, v);
	}
	if (n == 3 && !strcmp(w[0], "btfext_recsize")) {
		uint8_t *tab = ext_table(b, w[1]);

		v = parse_value(w[2], b->size, &ok);
		return tab && ok ? set_field(tab, 4, v) : -1;
	}
	if (n == 4 && !strcmp(w[0], "btfext_blk")) {
		uint8_t *tab = ext_table(b, w[1]);

		v = parse_value(w[3], b->size, &ok);
		return tab && ok ? set_field(tab + 4 + 4 * atoi(w[2]), 4, v) : -1;
	}
	if (n == 5 && !strcmp(w[0], "btfext_rec")) {
		uint8_t *tab = ext_table(b, w[1]);
		uint32_t rec_size;

		v = parse_value(w[4], b->size, &ok);
		if (!tab || !ok)
			return -1;
		memcpy(&rec_size, tab, 4);
		return set_field(tab + 12 + rec_size * (uint32_t)atoi(w[2]) + 4 * (uint32_t)atoi(w[3]), 4, v);
	}
	return -1;
}

/* Split @line into words; the expectation after '|' goes to *expect. */
static int split(char *line, char **w, int max, char **expect)
{
	char *bar = strchr(line, '|'), *p = line;
	int n = 0;

	if (!bar)
		return 0;
	*bar = 0;
	*expect = bar + 1;
	while (isspace((unsigned char)**expect))
		(*expect)++;
	(*expect)[strcspn(*expect, "\r\n")] = 0;
	while (n < max) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		w[n++] = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (*p)
			*p++ = 0;
	}
	return n;
}

TEST(elf_malformed_corpus)
{
	FILE *f = fopen(test_path("tests/elf/corpus.txt"), "r");
	char line[512], outdir[512];
	int cases = 0;

	REQUIRE(f);
	lt_private_hive_fs();
	snprintf(outdir, sizeof(outdir), "%s", test_build_path("tests/elf"));
	mkdir(outdir, 0755);
	while (fgets(line, sizeof(line), f)) {
		char *w[10], *expect, path[700];
		struct hive_object *obj;
		struct blob b;
		FILE *out;
		int n, err = 0;

		if (line[0] == '#' || !(n = split(line, w, 10, &expect)) || n < 3)
			continue;
		b.buf = lt_read(lt_prog_path(w[1]), &b.size);
		if (!b.buf) {
			test_fail(__FILE__, __LINE__, "%s: no object %s", w[0], w[1]);
			continue;
		}
		if (mutate(&b, w + 2, n - 2)) {
			test_fail(__FILE__, __LINE__, "%s: bad mutation line", w[0]);
			free(b.buf);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s.o", outdir, w[0]);
		out = fopen(path, "wb");
		REQUIRE(out);
		if (b.size)
			fwrite(b.buf, 1, b.size, out);
		fclose(out);
		free(b.buf);
		lt_capture_start();
		obj = hive_object__open_file(path, NULL);
		if (obj) {
			/* Some defects only show when relocating (linking). */
			err = hive_object__prepare(obj);
			hive_object__close(obj);
		}
		if (obj && !err)
			test_fail(__FILE__, __LINE__, "%s: accepted", w[0]);
		else if (!lt_msg_has(expect) || !lt_msg_has(path))
			test_fail(__FILE__, __LINE__, "%s: expected \"%s\" naming %s, got:\n%s", w[0], expect,
				  path, lt_msgs);
		cases++;
	}
	fclose(f);
	CHECK(cases >= 80);
}

/* Deterministic random corruption of every test object: no crash, and a
 * refusal always comes with a message. Run under ASan by make check. */
TEST(elf_random_corruption_sweep)
{
	static const char *const objs[] = { "xdp_count", "subprogs", "map_in_map", "core_local",
					    "kconfig", "global_data", "execsnoop" };
	uint64_t seed = 0x1234567887654321ull;
	unsigned i, round;
	int refused = 0, opened = 0;

	lt_private_hive_fs();
	for (i = 0; i < HIVE_ARRAY_SIZE(objs); i++) {
		size_t size;
		uint8_t *good = lt_read(lt_prog_path(objs[i]), &size), *buf;

		REQUIRE(good);
		buf = malloc(size);
		REQUIRE(buf);
		for (round = 0; round < 300; round++) {
			struct hive_object *obj;
			unsigned flips = 1 + round % 4, j;

			memcpy(buf, good, size);
			for (j = 0; j < flips; j++) {
				seed = seed * 6364136223846793005ull + 1442695040888963407ull;
				buf[(seed >> 33) % size] ^= (uint8_t)(1u << ((seed >> 20) & 7));
			}
			lt_capture_start();
			obj = hive_object__open_mem(buf, size, NULL);
			if (!obj) {
				refused++;
				if (!lt_msgs_len)
					test_fail(__FILE__, __LINE__, "%s round %u: refused without a message",
						  objs[i], round);
				continue;
			}
			opened++;
			hive_object__close(obj);
		}
		free(buf);
		free(good);
	}
	CHECK(refused > 0);
	CHECK(opened > 0);
}
