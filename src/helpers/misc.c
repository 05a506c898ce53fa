/*
 * misc.c - helpers about time, identity and plain computation: ktime_*,
 * jiffies64, get_prandom_u32, get_smp_processor_id, get_numa_node_id,
 * get_current_pid_tgid/uid_gid/comm, spin_lock/unlock, loop, strncmp,
 * strtol/strtoul.
 *
 * "Current task" is the host thread running the program: its tgid/tid,
 * uid/gid and thread name (PR_GET_NAME), as the kernel reports `current`.
 */
#include <ctype.h>
#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "helpers/helpers.h"

#define BPF_MAX_LOOPS (8u * 1024 * 1024)  /* the kernel's BPF_MAX_LOOPS */
#define STRTOX_BASE_MASK 0x1fu            /* BPF_STRTOX_BASE_MASK */
#define ASSUMED_HZ 1000u                  /* kernel HZ used by jiffies64 */

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* bpf_ktime_get_ns(): CLOCK_MONOTONIC, as the kernel's ktime_get_mono_fast_ns. */
uint64_t helper_ktime_get_ns(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			     struct hive_run *run)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* bpf_ktime_get_boot_ns(): CLOCK_BOOTTIME (counts suspend). */
uint64_t helper_ktime_get_boot_ns(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				  uint64_t r5, struct hive_run *run)
{
	return clock_ns(CLOCK_BOOTTIME);
}

/* bpf_ktime_get_coarse_ns(): CLOCK_MONOTONIC_COARSE (tick resolution). */
uint64_t helper_ktime_get_coarse_ns(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				    uint64_t r5, struct hive_run *run)
{
	return clock_ns(CLOCK_MONOTONIC_COARSE);
}

/*
 * bpf_jiffies64(): the kernel counts ticks since boot starting at
 * INITIAL_JIFFIES (-300 s worth, as u32). User space cannot read the
 * kernel's HZ; hive assumes 1000 and derives the count from CLOCK_BOOTTIME.
 */
uint64_t helper_jiffies64(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			  struct hive_run *run)
{
	uint64_t initial = (uint32_t)(-300 * (int32_t)ASSUMED_HZ);

	return initial + clock_ns(CLOCK_BOOTTIME) / (1000000000ull / ASSUMED_HZ);
}

/* bpf_get_prandom_u32(): per-thread xorshift64*, seeded from getrandom(). */
uint64_t helper_get_prandom_u32(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				uint64_t r5, struct hive_run *run)
{
	static __thread uint64_t state;

	if (!state) {
		if (getrandom(&state, sizeof(state), GRND_NONBLOCK) != sizeof(state))
			state = clock_ns(CLOCK_MONOTONIC) ^ (uint64_t)syscall(SYS_gettid) << 32;
		state |= 1;
	}
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return (uint32_t)((state * 0x2545f4914f6cdd1dull) >> 32);
}

/* bpf_get_smp_processor_id(): the CPU the host thread runs on now. */
uint64_t helper_get_smp_processor_id(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				     uint64_t r5, struct hive_run *run)
{
	int cpu = sched_getcpu();

	return cpu < 0 ? 0 : (uint32_t)cpu;
}

/* bpf_get_numa_node_id(): the NUMA node of the current CPU. */
uint64_t helper_get_numa_node_id(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				 uint64_t r5, struct hive_run *run)
{
	unsigned cpu, node = 0;

	if (syscall(SYS_getcpu, &cpu, &node, NULL))
		node = 0;
	return node;
}

/* bpf_get_current_pid_tgid(): tgid << 32 | tid of the host thread. */
uint64_t helper_get_current_pid_tgid(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				     uint64_t r5, struct hive_run *run)
{
	return (uint64_t)(uint32_t)getpid() << 32 | (uint32_t)syscall(SYS_gettid);
}

/* bpf_get_current_uid_gid(): gid << 32 | uid (real ids, as current_uid_gid). */
uint64_t helper_get_current_uid_gid(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				    uint64_t r5, struct hive_run *run)
{
	return (uint64_t)getgid() << 32 | getuid();
}

/* bpf_get_current_comm(buf, size): thread name, NUL-padded to size. */
uint64_t helper_get_current_comm(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				 uint64_t r5, struct hive_run *run)
{
	char *buf = (char *)(uintptr_t)r1;
	char comm[17] = "";
	uint32_t size = (uint32_t)r2;

	if (!helper_mem(run, buf, size, HIVE_PROT_WRITE, "get_current_comm"))
		return 0;
	if (!size)
		return (uint64_t)-EINVAL;
	prctl(PR_GET_NAME, comm);
	memset(buf, 0, size);
	memcpy(buf, comm, strnlen(comm, size - 1));
	return 0;
}

/*
 * bpf_spin_lock(lock): struct bpf_spin_lock is one u32 inside a map value;
 * 0 free, 1 held. Test-and-test-and-set; maps may be shared between
 * processes, so the lock lives in the value itself.
 */
uint64_t helper_spin_lock(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			  struct hive_run *run)
{
	_Atomic uint32_t *lock = (_Atomic uint32_t *)(uintptr_t)r1;

	if (!helper_mem(run, (void *)lock, 4, HIVE_PROT_RW, "spin_lock"))
		return 0;
	for (;;) {
		if (!atomic_exchange_explicit(lock, 1, memory_order_acquire))
			return 0;
		while (atomic_load_explicit(lock, memory_order_relaxed))
			sched_yield();
	}
}

/* bpf_spin_unlock(lock). */
uint64_t helper_spin_unlock(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			    struct hive_run *run)
{
	_Atomic uint32_t *lock = (_Atomic uint32_t *)(uintptr_t)r1;

	if (!helper_mem(run, (void *)lock, 4, HIVE_PROT_RW, "spin_unlock"))
		return 0;
	atomic_store_explicit(lock, 0, memory_order_release);
	return 0;
}

/*
 * bpf_loop(nr_loops, callback, ctx, flags): call callback(i, ctx) for
 * i = 0.. until it returns non-zero; returns the number of calls made.
 * -EINVAL for flags, -E2BIG above BPF_MAX_LOOPS.
 */
uint64_t helper_loop(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
		     struct hive_run *run)
{
	uint32_t nr = (uint32_t)r1, i;
	uint64_t ret;

	if (r4)
		return (uint64_t)-EINVAL;
	if (nr > BPF_MAX_LOOPS)
		return (uint64_t)-E2BIG;
	for (i = 0; i < nr; i++) {
		if (hive_run_call(run, r2, i, r3, 0, 0, 0, &ret))
			return 0; /* the run stops with the callback's error */
		if (ret)
			return i + 1;
	}
	return i;
}

/* bpf_strncmp(s1, s1_sz, s2): kernel strncmp, -1/0/1; s2 is NUL-terminated. */
uint64_t helper_strncmp(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			struct hive_run *run)
{
	const unsigned char *s1 = (const void *)(uintptr_t)r1, *s2 = (const void *)(uintptr_t)r3;
	uint32_t n = (uint32_t)r2;

	if (!helper_mem(run, s1, n, HIVE_PROT_READ, "strncmp"))
		return 0;
	for (uint32_t i = 0; i < n; i++) {
		if (!helper_mem(run, s2 + i, 1, HIVE_PROT_READ, "strncmp"))
			return 0;
		if (s1[i] != s2[i])
			return s1[i] < s2[i] ? (uint64_t)-1 : 1;
		if (!s1[i])
			break;
	}
	return 0;
}

/* The kernel's isspace(): also 0xa0 (its _ctype table marks NBSP as space). */
static bool kspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

static int digit_val(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (unsigned char)tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return 99;
}

/*
 * The kernel's __bpf_strtoull: skip spaces, optional '-', radix prefix
 * (base 0: 0x -> 16, 0 -> 8), digits. Returns characters consumed or
 * -EINVAL (no digits, bad flags) / -ERANGE (overflow).
 */
static long strtoull_k(const char *buf, size_t buf_len, uint64_t flags, uint64_t *res,
		       bool *neg)
{
	const char *cur = buf, *end = buf + buf_len;
	unsigned base = flags & STRTOX_BASE_MASK;
	char str[64], *p;
	size_t consumed, len;
	uint64_t v = 0;
	bool overflow = false;
	unsigned digits = 0;

	if (!buf || !buf_len || (flags & ~(uint64_t)STRTOX_BASE_MASK))
		return -EINVAL;
	if (base != 0 && base != 8 && base != 10 && base != 16)
		return -EINVAL;
	while (cur < end && kspace((unsigned char)*cur))
		cur++;
	*neg = cur < end && *cur == '-';
	if (*neg)
		cur++;
	consumed = (size_t)(cur - buf);
	len = buf_len - consumed;
	if (!len)
		return -EINVAL;
	if (len > sizeof(str) - 1)
		len = sizeof(str) - 1;
	memcpy(str, cur, len);
	str[len] = 0;
	p = str;
	if (base == 0) {
		if (p[0] == '0')
			base = (tolower((unsigned char)p[1]) == 'x' && isxdigit((unsigned char)p[2])) ? 16 : 8;
		else
			base = 10;
	}
	if (base == 16 && p[0] == '0' && tolower((unsigned char)p[1]) == 'x')
		p += 2;
	for (;; p++, digits++) {
		unsigned d = (unsigned)digit_val((unsigned char)*p);

		if (d >= base)
			break;
		if (v > (UINT64_MAX - d) / base)
			overflow = true;
		v = v * base + d;
	}
	if (overflow)
		return -ERANGE;
	if (!digits)
		return -EINVAL;
	*res = v;
	return (long)(consumed + (size_t)(p - str));
}

static bool strtox_args(struct hive_run *run, uint64_t r1, uint64_t r2, uint64_t r4,
			const char *who)
{
	return helper_mem(run, (void *)(uintptr_t)r1, (uint32_t)r2, HIVE_PROT_READ, who) &&
	       helper_mem(run, (void *)(uintptr_t)r4, 8, HIVE_PROT_WRITE, who);
}

/* bpf_strtol(buf, buf_len, flags, res): signed; -ERANGE outside s64. */
uint64_t helper_strtol(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
		       struct hive_run *run)
{
	uint64_t v = 0;
	bool neg = false;
	long n;

	if (!strtox_args(run, r1, r2, r4, "strtol"))
		return 0;
	n = strtoull_k((const char *)(uintptr_t)r1, (uint32_t)r2, r3, &v, &neg);
	if (n < 0)
		return (uint64_t)n;
	if (neg) {
		if ((int64_t)(0 - v) > 0)
			return (uint64_t)-ERANGE;
		v = 0 - v;
	} else if ((int64_t)v < 0) {
		return (uint64_t)-ERANGE;
	}
	memcpy((void *)(uintptr_t)r4, &v, 8);
	return (uint64_t)n;
}

/* bpf_strtoul(buf, buf_len, flags, res): unsigned; a '-' sign is -EINVAL. */
uint64_t helper_strtoul(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			struct hive_run *run)
{
	uint64_t v = 0;
	bool neg = false;
	long n;

	if (!strtox_args(run, r1, r2, r4, "strtoul"))
		return 0;
	n = strtoull_k((const char *)(uintptr_t)r1, (uint32_t)r2, r3, &v, &neg);
	if (n < 0)
		return (uint64_t)n;
	if (neg)
		return (uint64_t)-EINVAL;
	memcpy((void *)(uintptr_t)r4, &v, 8);
	return (uint64_t)n;
}
