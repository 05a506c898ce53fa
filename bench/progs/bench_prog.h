/*
 * bench_prog.h - lets one C source build both as an eBPF socket filter
 * (clang -target bpf) and as a native function (clang -O2), so the
 * benchmark compares the same code on hive's engines, the kernel and the
 * host CPU.
 *
 *   BENCH(name) { ... return v; }   body sees `u32 seed` = skb->len
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
#define BENCH(name)                                                            \
	INLINE u64 name##_body(u32 seed);                                      \
	__attribute__((section("socket/" #name), used))                        \
	int name(struct __sk_buff *skb) { return (int)name##_body(skb->len); } \
	INLINE u64 name##_body(u32 seed)
char _license[] __attribute__((section("license"), used)) = "GPL";
#else
#define BENCH(name)                                                            \
	INLINE u64 name##_body(u32 seed);                                      \
	__attribute__((noinline)) u64 native_##name(u32 seed) { return name##_body(seed); } \
	INLINE u64 name##_body(u32 seed)
#endif

#endif
