/*
 * sections.c - matching ELF section names against the sec_def.h table.
 *
 * A name in the table ending in '+' matches itself or itself followed by
 * "/<anything>" (SEC("kprobe") and SEC("kprobe/do_unlinkat")); ending in
 * '/' it matches any name starting with it; otherwise the match is exact.
 * This is libbpf's convention since 1.0, so objects written for libbpf
 * select the same program types here.
 */
#include <string.h>

#include <linux/btf.h>

#include "sections.h"
#include "util/util.h"

static const struct sec_def sec_defs[] = {
#define X(name, prog, attach, flags) { name, SEC_PROG_##prog, attach, flags },
#include "sec_def.h"
#undef X
};

static int matches(const char *def, const char *sec)
{
	size_t len = strlen(def);

	if (def[len - 1] == '/')
		return !strncmp(sec, def, len);
	if (def[len - 1] == '+') {
		len--;
		return !strncmp(sec, def, len) && (sec[len] == '\0' || sec[len] == '/');
	}
	return !strcmp(sec, def);
}

const struct sec_def *sec_def_find(const char *sec)
{
	uint32_t i;

	for (i = 0; i < HIVE_ARRAY_SIZE(sec_defs); i++)
		if (matches(sec_defs[i].name, sec))
			return &sec_defs[i];
	return NULL;
}

const char *sec_def_target(const struct sec_def *def, const char *sec)
{
	size_t len = strlen(def->name);

	if (def->name[len - 1] == '+' || def->name[len - 1] == '/') {
		len--;
		if (sec[len] == '/')
			len++;
		return sec + len;
	}
	return "";
}

const char *sec_def_btf_prefix(const struct sec_def *def, uint32_t *btf_kind)
{
	*btf_kind = BTF_KIND_FUNC;
	switch (def->attach_type) {
	case SEC_ATTACH_TRACE_RAW_TP:
		*btf_kind = BTF_KIND_TYPEDEF;
		return "btf_trace_";
	case SEC_ATTACH_LSM_MAC:
	case SEC_ATTACH_LSM_CGROUP:
		return "bpf_lsm_";
	case SEC_ATTACH_TRACE_ITER:
		return "bpf_iter_";
	default:
		return "";
	}
}

uint32_t sec_def_count(void)
{
	return HIVE_ARRAY_SIZE(sec_defs);
}

const struct sec_def *sec_def_at(uint32_t i)
{
	return i < HIVE_ARRAY_SIZE(sec_defs) ? &sec_defs[i] : NULL;
}
