/*
 * fdinfo.c - what the kernel shows in /proc/PID/fdinfo for a bpf handle,
 * for hive's handles (hive_obj_fdinfo), and the names of map and program
 * types (hive_map_type_str, hive_prog_type_str).
 *
 * Tools such as bpftool read some object attributes only from fdinfo
 * (memlock, frozen, the owner of a program array); hive's handles are
 * files of the hive filesystem, whose real fdinfo says nothing about the
 * object, so this renders the kernel's lines from the object itself.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/obj.h"
#include "core/prog.h"
#include "hive/hive_bpf.h"
#include "maps/map.h"
#include "util/util.h"

/* Append to buf (snprintf semantics across calls); returns the new length. */
static size_t put(char *buf, size_t size, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static size_t put(char *buf, size_t size, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(len < size ? buf + len : NULL, len < size ? size - len : 0, fmt, ap);
	va_end(ap);
	return n < 0 ? len : len + (size_t)n;
}

static size_t map_lines(struct hive_map *m, char *buf, size_t size, size_t len)
{
	const struct hive_map_def *d = m->def;

	/* kernel's bpf_map_show_fdinfo() */
	len = put(buf, size, len,
		  "map_type:\t%u\nkey_size:\t%u\nvalue_size:\t%u\nmax_entries:\t%u\n"
		  "map_flags:\t%#x\nmap_extra:\t%#llx\nmemlock:\t%llu\nmap_id:\t%u\n",
		  d->map_type, d->key_size, d->value_size, d->max_entries, d->map_flags,
		  (unsigned long long)d->map_extra, (unsigned long long)m->obj.size, m->obj.id);
	if (d->map_type == BPF_MAP_TYPE_PROG_ARRAY && d->prog_type)
		len = put(buf, size, len, "owner_prog_type:\t%u\n", d->prog_type);
	return put(buf, size, len, "frozen:\t%u\n", (unsigned)atomic_load(&d->frozen));
}

static size_t prog_lines(struct hive_prog *p, char *buf, size_t size, size_t len)
{
	const struct hive_prog_def *d = p->def;
	bool jited = p->vm && hive_vm_engine(p->vm) == HIVE_ENGINE_JIT;

	/* kernel's bpf_prog_show_fdinfo() */
	return put(buf, size, len,
		   "prog_type:\t%u\nprog_jited:\t%d\nprog_tag:\t%02x%02x%02x%02x%02x%02x%02x%02x\n"
		   "memlock:\t%llu\nprog_id:\t%u\nrun_time_ns:\t%llu\nrun_cnt:\t%llu\n"
		   "recursion_misses:\t0\nverified_insns:\t%u\n",
		   d->prog_type, jited, d->tag[0], d->tag[1], d->tag[2], d->tag[3], d->tag[4],
		   d->tag[5], d->tag[6], d->tag[7], (unsigned long long)p->obj.size, p->obj.id,
		   (unsigned long long)atomic_load(&d->run_time_ns),
		   (unsigned long long)atomic_load(&d->run_cnt), d->verified ? d->insn_cnt : 0);
}

int hive_obj_fdinfo(int fd, char *buf, size_t size)
{
	struct hive_obj *obj;
	size_t len = 0;
	int err;

	if (!buf && size)
		return -EINVAL;
	err = obj_from_fd(fd, HIVE_OBJ_NONE, &obj, NULL);
	if (err)
		return err;
	switch (obj->kind) {
	case HIVE_OBJ_MAP:
		len = map_lines(to_map(obj), buf, size, 0);
		break;
	case HIVE_OBJ_PROG:
		len = prog_lines(to_prog(obj), buf, size, 0);
		break;
	case HIVE_OBJ_BTF:
		len = put(buf, size, 0, "btf_id:\t%u\n", obj->id);
		break;
	case HIVE_OBJ_LINK:
		len = put(buf, size, 0, "link_id:\t%u\n", obj->id);
		break;
	default:
		err = -EINVAL;
		break;
	}
	obj_put(obj);
	if (err)
		return err;
	if (size && len >= size)
		buf[size - 1] = '\0';
	return len > INT32_MAX ? -E2BIG : (int)len;
}

const char *hive_map_type_str(enum bpf_map_type type)
{
	static const char *const names[] = {
#define X(id, name, ops, flags) [id] = #name,
#include "maps/map_types.h"
#undef X
	};

	if ((unsigned)type < HIVE_ARRAY_SIZE(names))
		return names[type];
	return NULL;
}

const char *hive_prog_type_str(enum bpf_prog_type type)
{
	/* libbpf's names (bpftool prints them). prog_types.h lists only the
	 * types hive runs; this names every type of <linux/bpf.h>. */
	static const char *const names[] = {
		"unspec", "socket_filter", "kprobe", "sched_cls", "sched_act", "tracepoint",
		"xdp", "perf_event", "cgroup_skb", "cgroup_sock", "lwt_in", "lwt_out",
		"lwt_xmit", "sock_ops", "sk_skb", "cgroup_device", "sk_msg", "raw_tracepoint",
		"cgroup_sock_addr", "lwt_seg6local", "lirc_mode2", "sk_reuseport",
		"flow_dissector", "cgroup_sysctl", "raw_tracepoint_writable", "cgroup_sockopt",
		"tracing", "struct_ops", "ext", "lsm", "sk_lookup", "syscall", "netfilter",
	};

	if ((unsigned)type < HIVE_ARRAY_SIZE(names))
		return names[type];
	return NULL;
}
