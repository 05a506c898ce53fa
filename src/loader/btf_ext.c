/*
 * btf_ext.c - parsing of .BTF.ext (function info, line info, CO-RE records).
 *
 * Layout: a header (magic 0xeB9F, version 1, hdr_len, then offset/length
 * pairs relative to the end of the header for each table); each table is a
 * u32 record size followed by blocks of { u32 section-name offset, u32
 * count, count records }. The CO-RE pair is optional (older headers stop
 * before it). Each table is checked for bounds, record size and section
 * names here; record contents (instruction offsets, type ids, strings) are
 * checked where they are used, with the program and instruction at hand.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>

#include "btf_ext.h"
#include "util/util.h"

struct ext_header {
	uint16_t magic;
	uint8_t version;
	uint8_t flags;
	uint32_t hdr_len;
	uint32_t func_info_off;
	uint32_t func_info_len;
	uint32_t line_info_off;
	uint32_t line_info_len;
	uint32_t core_relo_off;
	uint32_t core_relo_len;
};

#define EXT_MIN_HDR offsetof(struct ext_header, core_relo_off)

const char *core_kind_str(uint32_t kind)
{
	switch (kind) {
#define CORE_KIND_CASE(name, val, str) case val: return str;
	HIVE_CORE_RELO_KINDS(CORE_KIND_CASE)
#undef CORE_KIND_CASE
	default:
		return "unknown";
	}
}

/* Warn "<what>: malformed .BTF.ext: ..." and evaluate to -HIVE_EBTF. */
#define ext_bad(what, fmt, ...) \
	(hive_pr_warn("%s: malformed .BTF.ext: " fmt "\n", (what), ##__VA_ARGS__), -HIVE_EBTF)

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * Parse one table at [@off, @off + @len) of the data (after the header,
 * whose length is @base). @min_rec is the smallest record size accepted.
 */
static int parse_info(struct btf_ext *ext, struct btf_ext_info *info, uint32_t base,
		      uint32_t off, uint32_t len, uint32_t min_rec, const char *tname,
		      const struct hive_btf *btf, const char *what)
{
	const uint8_t *p, *end;
	uint32_t n = 0;

	if (!len)
		return 0;
	if ((uint64_t)base + off + len > ext->size)
		return ext_bad(what, "%s table at offset 0x%x (+0x%x) past the section (0x%x bytes)",
			       tname, base + off, len, ext->size);
	if ((base + off) % 4)
		return ext_bad(what, "%s table at offset 0x%x is not 4-byte aligned", tname, base + off);
	if (len < 4)
		return ext_bad(what, "%s table at offset 0x%x: truncated", tname, base + off);
	p = ext->raw + base + off;
	end = p + len;
	info->rec_size = rd32(p);
	if (info->rec_size < min_rec || info->rec_size % 4 || info->rec_size > 1024)
		return ext_bad(what, "%s table at offset 0x%x: record size %u (minimum %u, multiple of 4)",
			       tname, base + off, info->rec_size, min_rec);
	/* First pass: count and check the blocks. */
	for (p += 4; p < end; n++) {
		uint32_t name_off, num;

		if (end - p < 8)
			return ext_bad(what, "%s block %u at offset 0x%tx: truncated header", tname, n,
				       p - ext->raw);
		name_off = rd32(p);
		num = rd32(p + 4);
		if (!btf_str(btf, name_off) || !btf_str(btf, name_off)[0])
			return ext_bad(what, "%s block %u at offset 0x%tx: bad section name offset 0x%x",
				       tname, n, p - ext->raw, name_off);
		if (!num)
			return ext_bad(what, "%s block %u ('%s') at offset 0x%tx: no records", tname, n,
				       btf_str(btf, name_off), p - ext->raw);
		if ((uint64_t)num * info->rec_size > (uint64_t)(end - p - 8))
			return ext_bad(what, "%s block %u ('%s') at offset 0x%tx: %u records of %u bytes run past the table",
				       tname, n, btf_str(btf, name_off), p - ext->raw, num, info->rec_size);
		p += 8 + (uint64_t)num * info->rec_size;
	}
	info->secs = calloc(n, sizeof(*info->secs));
	if (!info->secs)
		return -ENOMEM;
	info->nsecs = n;
	p = ext->raw + base + off + 4;
	for (n = 0; n < info->nsecs; n++) {
		struct btf_ext_sec *s = &info->secs[n];

		s->name = btf_str(btf, rd32(p));
		s->num = rd32(p + 4);
		s->recs = p + 8;
		p += 8 + (uint64_t)s->num * info->rec_size;
	}
	return 0;
}

struct btf_ext *btf_ext_parse(const void *data, uint32_t size, const struct hive_btf *btf,
			      const char *what)
{
	struct ext_header h = { 0 };
	struct btf_ext *ext;
	int err;

	ext = calloc(1, sizeof(*ext));
	if (!ext)
		return NULL;
	ext->raw = malloc(size ? size : 1);
	if (!ext->raw) {
		err = -ENOMEM;
		goto err;
	}
	if (size)
		memcpy(ext->raw, data, size);
	ext->size = size;
	if (size < EXT_MIN_HDR) {
		err = ext_bad(what, "offset 0x0: %u bytes, the header needs %zu", size, EXT_MIN_HDR);
		goto err;
	}
	memcpy(&h, ext->raw, EXT_MIN_HDR);
	if (h.magic != BTF_MAGIC || h.version != BTF_VERSION || h.flags) {
		err = ext_bad(what, "offset 0x0: bad magic/version/flags 0x%04x/%u/0x%x", h.magic,
			      h.version, h.flags);
		goto err;
	}
	if (h.hdr_len < EXT_MIN_HDR || h.hdr_len > size || h.hdr_len % 4) {
		err = ext_bad(what, "offset 0x4: header length %u (section has %u bytes)", h.hdr_len, size);
		goto err;
	}
	if (h.hdr_len >= sizeof(h))
		memcpy(&h, ext->raw, sizeof(h));
	err = parse_info(ext, &ext->func, h.hdr_len, h.func_info_off, h.func_info_len,
			 sizeof(struct bpf_func_info), "func_info", btf, what);
	if (!err)
		err = parse_info(ext, &ext->line, h.hdr_len, h.line_info_off, h.line_info_len,
				 sizeof(struct bpf_line_info), "line_info", btf, what);
	if (!err && h.hdr_len >= sizeof(h))
		err = parse_info(ext, &ext->core, h.hdr_len, h.core_relo_off, h.core_relo_len,
				 sizeof(struct core_relo), "core_relo", btf, what);
	if (err)
		goto err;
	return ext;
err:
	btf_ext_free(ext);
	errno = -err;
	return NULL;
}

void btf_ext_free(struct btf_ext *ext)
{
	if (!ext)
		return;
	free(ext->func.secs);
	free(ext->line.secs);
	free(ext->core.secs);
	free(ext->raw);
	free(ext);
}

const struct btf_ext_sec *btf_ext_find(const struct btf_ext_info *info, const char *sec_name)
{
	uint32_t i;

	for (i = 0; i < info->nsecs; i++)
		if (!strcmp(info->secs[i].name, sec_name))
			return &info->secs[i];
	return NULL;
}
