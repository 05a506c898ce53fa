#!/bin/sh
# gen_big_object.sh OUT.c [N] - write the source of a ~1 MB BPF object:
# N (170) kprobe programs each with a subprogram, 16 hash maps, global
# data and ~11 CO-RE relocations per program against vmlinux. Used by the
# loader's timing test (tests/unit/test_object_perf.c) and `make bench`
# (bench/bench_object.c); compile with clang -O2 -g -target bpf against
# the build directory's vmlinux.h.
set -e
out=$1
n=${2:-170}
{
	printf '#include "vmlinux.h"\n#include <bpf/bpf_helpers.h>\n'
	printf '#include <bpf/bpf_tracing.h>\n#include <bpf/bpf_core_read.h>\n'
	i=0
	while [ $i -lt 16 ]; do
		printf 'struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 1024); '
		printf '__type(key, u32); __type(value, u64); } counts_%d SEC(".maps");\n' $i
		i=$((i + 1))
	done
	printf 'u64 glob[%d];\nconst volatile u64 cfg[64] = { 1 };\n' "$n"
	i=0
	while [ $i -lt "$n" ]; do
		printf 'static __noinline u64 helper_%d(u32 x, struct task_struct *t)\n{\n' $i
		printf '\treturn x * %d + BPF_CORE_READ(t, tgid) +\n' $((i + 1))
		printf '\t       (bpf_core_field_exists(t->pid) ? BPF_CORE_READ(t, flags) : 0);\n}\n'
		printf 'SEC("kprobe/do_nanosleep")\nint BPF_KPROBE(prog_%d)\n{\n' $i
		printf '\tstruct task_struct *t = (void *)bpf_get_current_task();\n'
		printf '\tu32 k = %d + BPF_CORE_READ(t, pid);\n' $i
		printf '\tu64 *v = bpf_map_lookup_elem(&counts_%d, &k);\n\n' $((i % 16))
		printf '\tif (v)\n\t\t*v += helper_%d(k, t) + cfg[%d];\n' $i $((i % 64))
		printf '\tglob[%d] += BPF_CORE_READ(t, real_parent, tgid) + BPF_CORE_READ(t, mm, total_vm);\n' $i
		printf '\treturn 0;\n}\n'
		i=$((i + 1))
	done
	printf 'char LICENSE[] SEC("license") = "GPL";\n'
} > "$out"
