/*
 * bench_prog.h - lets one C source build both as an eBPF socket filter
 * (clang -target bpf) and as a native function (clang -O2), so the
 * benchmark compares the same code on hive's engines, the kernel and the
 * host CPU.
 *
 *   BENCH(name) { ... return v; }   body sees `u32 seed` = skb->len
 *   BENCH_FN(name, ret, f)(args)   a function of program `name` that is a
 *                                  real call (bpf-to-bpf on the eBPF side)
 *   BENCH_XDP(name) { ... }        XDP program: body sees `struct xdp_md
 *                                  *ctx` (data, data_end); natively the
 *                                  fields are host pointers
 *
 * The seed keeps the compiler from folding the whole computation into a
 * constant. Helpers (static) must be __always_inline: the raw program is
 * taken from the section without relocations.
 */
#ifndef BENCH_PROG_H
#define BENCH_PROG_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef long long s64;

#define INLINE static inline __attribute__((always_inline))

#ifdef __bpf__
struct __sk_buff { u32 len; };
struct xdp_md { u32 data, data_end, data_meta, ingress_ifindex, rx_queue_index, egress_ifindex; };
/* Callees sit in their program's section, after it: clang resolves the
 * calls itself, so the raw section needs no relocation. */
#define BENCH_FN(name, ret, f) static __attribute__((noinline, section("socket/" #name))) ret f
#define BENCH_XDP(name)                                                        \
	__attribute__((section("xdp/" #name), used))                           \
	int name(struct xdp_md *ctx)
#define BENCH(name)                                                            \
	INLINE u64 name##_body(u32 seed);                                      \
	__attribute__((section("socket/" #name), used))                        \
	int name(struct __sk_buff *skb) { return (int)name##_body(skb->len); } \
	INLINE u64 name##_body(u32 seed)
char _license[] __attribute__((section("license"), used)) = "GPL";
#else
struct xdp_md { unsigned long data, data_end; };
#define BENCH_FN(name, ret, f) static __attribute__((noinline)) ret f
#define BENCH_XDP(name) __attribute__((noinline)) int native_##name(struct xdp_md *ctx)
#define BENCH(name)                                                            \
	INLINE u64 name##_body(u32 seed);                                      \
	__attribute__((noinline)) u64 native_##name(u32 seed) { return name##_body(seed); } \
	INLINE u64 name##_body(u32 seed)
#endif

#endif
