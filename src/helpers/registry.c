/*
 * registry.c - the helper registry: built-in prototypes and implementations
 * generated from helper_def.h, plus helpers embedders register at run time
 * (hive_helper_register). helper_lookup() is the one query the verifier,
 * program loading and the disassembler use.
 *
 * Registered helpers live in a small array guarded by a rwlock; lookups
 * copy the entry out, so an unregister never pulls memory from under a
 * caller that is binding helpers to a program.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/helpers.h"
#include "util/util.h"

/* Bytes of the fixed-size memory argument classes (PTR_TO_LONG). */
#define FIXED_SIZE(cls) (((cls) & HIVE_MEM_FIXED_SIZE) ? 8u : 0u)

#define PROTO(RET, A1, A2, A3, A4, A5)                                              \
	{                                                                            \
		.ret = (HIVE_RET_##RET) & ~HIVE_RET_GPL_ONLY,                        \
		.args = { HIVE_ARG_##A1, HIVE_ARG_##A2, HIVE_ARG_##A3, HIVE_ARG_##A4, \
			  HIVE_ARG_##A5 },                                           \
		.arg_size = { FIXED_SIZE(HIVE_ARG_##A1), FIXED_SIZE(HIVE_ARG_##A2),  \
			      FIXED_SIZE(HIVE_ARG_##A3), FIXED_SIZE(HIVE_ARG_##A4),  \
			      FIXED_SIZE(HIVE_ARG_##A5) },                           \
		.gpl_only = !!((HIVE_RET_##RET) & HIVE_RET_GPL_ONLY),               \
	}

static const struct helper_desc builtin[HIVE_HELPER_BUILTIN_MAX] = {
#define X(ID, NAME, RET, A1, A2, A3, A4, A5)                                        \
	[ID] = { #NAME, PROTO(RET, A1, A2, A3, A4, A5),                              \
		 HELPER_HAS_FN(NAME, RET)(helper_##NAME, NULL) },
#include "helpers/helper_def.h"
#undef X
};

struct custom_helper {
	uint32_t id;
	char *name;
	hive_helper_fn fn;
	struct hive_helper_proto proto;
};

static pthread_rwlock_t custom_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct custom_helper *custom;
static uint32_t ncustom, custom_cap;

static const struct helper_desc *builtin_desc(uint32_t id)
{
	if (id >= HIVE_HELPER_BUILTIN_MAX || !builtin[id].name)
		return NULL;
	return &builtin[id];
}

static struct custom_helper *find_custom(uint32_t id)
{
	for (uint32_t i = 0; i < ncustom; i++)
		if (custom[i].id == id)
			return &custom[i];
	return NULL;
}

int helper_lookup(uint32_t id, struct helper_desc *out)
{
	const struct helper_desc *b = builtin_desc(id);
	struct custom_helper *c;
	int err = -ENOENT;

	if (b && b->proto.ret != HIVE_RET_UNSPEC) {
		*out = *b;
		return 0;
	}
	pthread_rwlock_rdlock(&custom_lock);
	c = find_custom(id);
	if (c) {
		/* The name stays valid: custom names are never freed while registered
		 * and callers copy what they keep (hive_vm_register_helper copies). */
		out->name = c->name;
		out->proto = c->proto;
		out->fn = c->fn;
		err = 0;
	}
	pthread_rwlock_unlock(&custom_lock);
	return err;
}

const char *helper_name(uint32_t id)
{
	const struct helper_desc *b = builtin_desc(id);
	struct custom_helper *c;
	const char *name = NULL;

	if (b)
		return b->name;
	pthread_rwlock_rdlock(&custom_lock);
	c = find_custom(id);
	if (c)
		name = c->name;
	pthread_rwlock_unlock(&custom_lock);
	return name;
}

static bool valid_class(uint32_t cls, uint32_t base_max)
{
	uint32_t flags = HIVE_PTR_MAYBE_NULL | HIVE_MEM_RDONLY | HIVE_MEM_RINGBUF |
			 HIVE_MEM_UNINIT | HIVE_MEM_WRITE | HIVE_OBJ_RELEASE |
			 HIVE_MEM_FIXED_SIZE;

	return HIVE_CLASS_BASE(cls) < base_max && !(cls & ~(flags | 0xffu));
}

int hive_helper_register(uint32_t id, const char *name, hive_helper_fn fn,
			 const struct hive_helper_proto *proto)
{
	struct custom_helper *c;
	int err = 0;

	if (!name || !fn || !proto || id > 65535 || proto->ret == HIVE_RET_UNSPEC ||
	    !valid_class(proto->ret, HIVE_RETB_MAX)) {
		hive_pr_warn("hive_helper_register: invalid helper %u (name, fn, prototype)\n", id);
		return -EINVAL;
	}
	for (int i = 0; i < 5; i++) {
		if (!valid_class(proto->args[i], HIVE_ARGB_MAX)) {
			hive_pr_warn("hive_helper_register: helper %u: bad class of argument %d\n",
				     id, i + 1);
			return -EINVAL;
		}
	}
	if (builtin_desc(id) && builtin_desc(id)->proto.ret != HIVE_RET_UNSPEC)
		return -EEXIST;
	pthread_rwlock_wrlock(&custom_lock);
	if (find_custom(id)) {
		err = -EEXIST;
		goto out;
	}
	if (ncustom == custom_cap) {
		uint32_t cap = custom_cap ? custom_cap * 2 : 8;
		void *p = realloc(custom, cap * sizeof(*custom));

		if (!p) {
			err = -ENOMEM;
			goto out;
		}
		custom = p;
		custom_cap = cap;
	}
	c = &custom[ncustom];
	c->name = strdup(name);
	if (!c->name) {
		err = -ENOMEM;
		goto out;
	}
	c->id = id;
	c->fn = fn;
	c->proto = *proto;
	ncustom++;
out:
	pthread_rwlock_unlock(&custom_lock);
	return err;
}

int hive_helper_unregister(uint32_t id)
{
	struct custom_helper *c;
	int err = -ENOENT;

	pthread_rwlock_wrlock(&custom_lock);
	c = find_custom(id);
	if (c) {
		free(c->name);
		*c = custom[--ncustom];
		err = 0;
	}
	pthread_rwlock_unlock(&custom_lock);
	return err;
}

int hive_helper_proto(uint32_t id, struct hive_helper_proto *proto)
{
	struct helper_desc d;
	int err;

	if (!proto)
		return -EINVAL;
	err = helper_lookup(id, &d);
	if (!err)
		*proto = d.proto;
	return err;
}

const char *hive_helper_name(uint32_t id)
{
	return helper_name(id);
}

bool helper_mem(struct hive_run *run, const void *p, uint64_t len, unsigned prot,
		const char *who)
{
	if (!len)
		return true;
	if (len > SIZE_MAX || !hive_run_check(run, p, (size_t)len, prot))
		return true;
	hive_pr_warn("helper bpf_%s: %s access to %p (%llu bytes) outside the program's memory\n",
		     who, (prot & HIVE_PROT_WRITE) ? "write" : "read", p,
		     (unsigned long long)len);
	hive_run_abort(run, -HIVE_EMEM);
	return false;
}

struct hive_map *helper_map(struct hive_run *run, uint64_t r, const char *who)
{
	if (hive_run_map_ok(run, r))
		return (struct hive_map *)(uintptr_t)r;
	hive_pr_warn("helper bpf_%s: map argument 0x%llx is not a map of the program\n", who,
		     (unsigned long long)r);
	hive_run_abort(run, -HIVE_EMEM);
	return NULL;
}
