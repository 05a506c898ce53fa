/*
 * sec_names.c - hive_prog_type_by_name(): the program type a section name
 * selects, for tools that take a type by name (`hive prog load ... type
 * xdp`, as libbpf_prog_type_by_name for bpftool). The table is sec_def.h.
 */
#include <errno.h>

#include "hive/hive_object.h"
#include "sections.h"

int hive_prog_type_by_name(const char *name, enum bpf_prog_type *type,
			   enum bpf_attach_type *attach)
{
	const struct sec_def *def;

	if (!name || !type || !attach)
		return -EINVAL;
	def = sec_def_find(name);
	if (!def)
		return -ESRCH;
	*type = (enum bpf_prog_type)def->prog_type;
	*attach = (enum bpf_attach_type)def->attach_type;
	return 0;
}
