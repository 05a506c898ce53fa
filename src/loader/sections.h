/*
 * sections.h - program section names -> program type, expected attach type
 * and attach target (the table itself is sec_def.h).
 *
 * The numeric program and attach types are the kernel ABI values of Linux
 * 6.18 (enum bpf_prog_type, enum bpf_attach_type), spelled out here because
 * the build host's <linux/bpf.h> may be older than the types we name.
 */
#ifndef HIVE_LOADER_SECTIONS_H
#define HIVE_LOADER_SECTIONS_H

#include <stdint.h>

enum sec_prog_type {
	SEC_PROG_UNSPEC = 0,
	SEC_PROG_SOCKET_FILTER = 1,
	SEC_PROG_KPROBE = 2,
	SEC_PROG_SCHED_CLS = 3,
	SEC_PROG_SCHED_ACT = 4,
	SEC_PROG_TRACEPOINT = 5,
	SEC_PROG_XDP = 6,
	SEC_PROG_PERF_EVENT = 7,
	SEC_PROG_CGROUP_SKB = 8,
	SEC_PROG_CGROUP_SOCK = 9,
	SEC_PROG_LWT_IN = 10,
	SEC_PROG_LWT_OUT = 11,
	SEC_PROG_LWT_XMIT = 12,
	SEC_PROG_SOCK_OPS = 13,
	SEC_PROG_SK_SKB = 14,
	SEC_PROG_CGROUP_DEVICE = 15,
	SEC_PROG_SK_MSG = 16,
	SEC_PROG_RAW_TRACEPOINT = 17,
	SEC_PROG_CGROUP_SOCK_ADDR = 18,
	SEC_PROG_LWT_SEG6LOCAL = 19,
	SEC_PROG_LIRC_MODE2 = 20,
	SEC_PROG_SK_REUSEPORT = 21,
	SEC_PROG_FLOW_DISSECTOR = 22,
	SEC_PROG_CGROUP_SYSCTL = 23,
	SEC_PROG_RAW_TRACEPOINT_WRITABLE = 24,
	SEC_PROG_CGROUP_SOCKOPT = 25,
	SEC_PROG_TRACING = 26,
	SEC_PROG_STRUCT_OPS = 27,
	SEC_PROG_EXT = 28,
	SEC_PROG_LSM = 29,
	SEC_PROG_SK_LOOKUP = 30,
	SEC_PROG_SYSCALL = 31,
	SEC_PROG_NETFILTER = 32,
};

enum sec_attach_type {
	SEC_ATTACH_CGROUP_INET_INGRESS = 0,
	SEC_ATTACH_CGROUP_INET_EGRESS = 1,
	SEC_ATTACH_CGROUP_INET_SOCK_CREATE = 2,
	SEC_ATTACH_CGROUP_SOCK_OPS = 3,
	SEC_ATTACH_SK_SKB_STREAM_PARSER = 4,
	SEC_ATTACH_SK_SKB_STREAM_VERDICT = 5,
	SEC_ATTACH_CGROUP_DEVICE = 6,
	SEC_ATTACH_SK_MSG_VERDICT = 7,
	SEC_ATTACH_CGROUP_INET4_BIND = 8,
	SEC_ATTACH_CGROUP_INET6_BIND = 9,
	SEC_ATTACH_CGROUP_INET4_CONNECT = 10,
	SEC_ATTACH_CGROUP_INET6_CONNECT = 11,
	SEC_ATTACH_CGROUP_INET4_POST_BIND = 12,
	SEC_ATTACH_CGROUP_INET6_POST_BIND = 13,
	SEC_ATTACH_CGROUP_UDP4_SENDMSG = 14,
	SEC_ATTACH_CGROUP_UDP6_SENDMSG = 15,
	SEC_ATTACH_LIRC_MODE2 = 16,
	SEC_ATTACH_FLOW_DISSECTOR = 17,
	SEC_ATTACH_CGROUP_SYSCTL = 18,
	SEC_ATTACH_CGROUP_UDP4_RECVMSG = 19,
	SEC_ATTACH_CGROUP_UDP6_RECVMSG = 20,
	SEC_ATTACH_CGROUP_GETSOCKOPT = 21,
	SEC_ATTACH_CGROUP_SETSOCKOPT = 22,
	SEC_ATTACH_TRACE_RAW_TP = 23,
	SEC_ATTACH_TRACE_FENTRY = 24,
	SEC_ATTACH_TRACE_FEXIT = 25,
	SEC_ATTACH_MODIFY_RETURN = 26,
	SEC_ATTACH_LSM_MAC = 27,
	SEC_ATTACH_TRACE_ITER = 28,
	SEC_ATTACH_CGROUP_INET4_GETPEERNAME = 29,
	SEC_ATTACH_CGROUP_INET6_GETPEERNAME = 30,
	SEC_ATTACH_CGROUP_INET4_GETSOCKNAME = 31,
	SEC_ATTACH_CGROUP_INET6_GETSOCKNAME = 32,
	SEC_ATTACH_XDP_DEVMAP = 33,
	SEC_ATTACH_CGROUP_INET_SOCK_RELEASE = 34,
	SEC_ATTACH_XDP_CPUMAP = 35,
	SEC_ATTACH_SK_LOOKUP = 36,
	SEC_ATTACH_XDP = 37,
	SEC_ATTACH_SK_SKB_VERDICT = 38,
	SEC_ATTACH_SK_REUSEPORT_SELECT = 39,
	SEC_ATTACH_SK_REUSEPORT_SELECT_OR_MIGRATE = 40,
	SEC_ATTACH_PERF_EVENT = 41,
	SEC_ATTACH_TRACE_KPROBE_MULTI = 42,
	SEC_ATTACH_LSM_CGROUP = 43,
	SEC_ATTACH_STRUCT_OPS = 44,
	SEC_ATTACH_NETFILTER = 45,
	SEC_ATTACH_TCX_INGRESS = 46,
	SEC_ATTACH_TCX_EGRESS = 47,
	SEC_ATTACH_TRACE_UPROBE_MULTI = 48,
	SEC_ATTACH_CGROUP_UNIX_CONNECT = 49,
	SEC_ATTACH_CGROUP_UNIX_SENDMSG = 50,
	SEC_ATTACH_CGROUP_UNIX_RECVMSG = 51,
	SEC_ATTACH_CGROUP_UNIX_GETPEERNAME = 52,
	SEC_ATTACH_CGROUP_UNIX_GETSOCKNAME = 53,
	SEC_ATTACH_NETKIT_PRIMARY = 54,
	SEC_ATTACH_NETKIT_PEER = 55,
	SEC_ATTACH_TRACE_KPROBE_SESSION = 56,
	SEC_ATTACH_TRACE_UPROBE_SESSION = 57,
};

/* FLAGS column of sec_def.h. */
#define SEC_SLEEPABLE (1u << 0) /* BPF_F_SLEEPABLE */
#define SEC_FRAGS     (1u << 1) /* BPF_F_XDP_HAS_FRAGS */
#define SEC_BTF       (1u << 2) /* target resolved to a kernel BTF id */
#define SEC_RET       (1u << 3) /* return probe */
#define SEC_SYSCALL   (1u << 4) /* target is a syscall name */

struct sec_def {
	const char *name;      /* as in sec_def.h, with its '+' or '/' suffix */
	uint32_t prog_type;    /* enum sec_prog_type */
	uint32_t attach_type;  /* enum sec_attach_type */
	uint32_t flags;        /* SEC_* */
};

/*
 * sec_def_find - the first table entry matching section name @sec, or NULL
 * when the section is not a program section of any known kind.
 */
const struct sec_def *sec_def_find(const char *sec);

/*
 * sec_def_target - the attach target named by @sec under @def: the text
 * after "<prefix>/" ("syscalls/sys_enter_openat" for
 * "tracepoint/syscalls/sys_enter_openat"), or "" when there is none.
 */
const char *sec_def_target(const struct sec_def *def, const char *sec);

/*
 * sec_def_btf_target - for SEC_BTF entries, the prefix and BTF kind under
 * which the kernel names the attach target: "bpf_lsm_" + FUNC for LSM,
 * "btf_trace_" + TYPEDEF for tp_btf, "bpf_iter_" + FUNC for iterators,
 * "" + FUNC otherwise.
 */
const char *sec_def_btf_prefix(const struct sec_def *def, uint32_t *btf_kind);

/* Number of table entries and entry @i (for documentation and tests). */
uint32_t sec_def_count(void);
const struct sec_def *sec_def_at(uint32_t i);

#endif /* HIVE_LOADER_SECTIONS_H */
