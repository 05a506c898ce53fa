#!/bin/sh
# session.sh - one scripted session of map and program commands, run by
# tests/unit/test_cli_kernel.c twice: with TOOL=bpftool on the live kernel
# and with TOOL=hive. Every command runs with -j; the script prints the
# command, its JSON with the values that legitimately differ masked (ids,
# times, sizes in memory, tags of rewritten programs), and its exit code.
# The two transcripts must be identical. (hive has no BTF objects yet, so
# the kernel's btf_id, and the function signatures and source lines that
# come from a program's BTF, are dropped too.)
#
#   TOOL    bpftool or the hive binary
#   PIN     a fresh directory for pins under /sys/fs/bpf, as the tool names it
#   PINDIR  the same directory as a real path (created and removed here)
#   OBJ     directory of the test BPF objects (tests/progs, built)
#   PLAIN   tests/cli/plain.bpf.c compiled (a socket filter returning 1)
#   DATA    a 64-byte packet file

set -u

mask() {
	sed -e 's/"id":[0-9]*/"id":ID/g' \
	    -e 's/"map_ids":\[[0-9,]*\]/"map_ids":[IDS]/g' \
	    -e 's/"loaded_at":[0-9]*/"loaded_at":T/g' \
	    -e 's/"uid":[0-9]*/"uid":U/g' \
	    -e 's/"duration":[0-9]*/"duration":T/g' \
	    -e 's/"bytes_\(memlock\|jited\|xlated\)":[0-9]*/"bytes_\1":N/g' \
	    -e 's/,"btf_id":[0-9]*//g' \
	    -e 's/"proto":"[^"]*",//g' \
	    -e 's/"src":"[^"]*",//g' \
	    -e 's/ (\([0-9]*\))/ (ID)/g'
}

# the command, its masked JSON, and the tool's exit status
run() {
	echo "\$ $*"
	out=$("$TOOL" -j "$@" 2>/dev/null)
	st=$?
	printf '%s\n' "$out" | mask
	echo "exit $st"
}

mkdir -p "$PINDIR" || exit 1

# hash map: create, update flags, lookup, show, delete
run map create "$PIN/h" type hash key 4 value 8 entries 8 name sess_h
run map show pinned "$PIN/h"
run map update pinned "$PIN/h" key 1 0 0 0 value 1 2 3 4 5 6 7 8
run map update pinned "$PIN/h" key 1 0 0 0 value 1 1 1 1 1 1 1 1 noexist
run map update pinned "$PIN/h" key 2 0 0 0 value 0 0 0 0 0 0 0 0 exist
run map update pinned "$PIN/h" key hex 02 00 00 00 value hex ff 00 00 00 00 00 00 01 any
run map lookup pinned "$PIN/h" key 1 0 0 0
run map lookup pinned "$PIN/h" key 2 0 0 0
run map lookup pinned "$PIN/h" key 9 0 0 0
run map lookup pinned "$PIN/h" key 1 0 0
run map lookup pinned "$PIN/h" key 1 0 0 zz
run map delete pinned "$PIN/h" key 2 0 0 0
run map delete pinned "$PIN/h" key 2 0 0 0
run map dump pinned "$PIN/h"
run map getnext pinned "$PIN/h" key 1 0 0 0

# array: ordered dumps and walks
run map create "$PIN/a" type array key 4 value 4 entries 3 name sess_a
run map update pinned "$PIN/a" key 1 0 0 0 value 7 0 0 0
run map dump pinned "$PIN/a"
run map getnext pinned "$PIN/a"
run map getnext pinned "$PIN/a" key 1 0 0 0
run map getnext pinned "$PIN/a" key 2 0 0 0
run map delete pinned "$PIN/a" key 1 0 0 0
run map freeze pinned "$PIN/a"
run map show pinned "$PIN/a"
run map update pinned "$PIN/a" key 1 0 0 0 value 8 0 0 0

# per-CPU values
run map create "$PIN/pc" type percpu_array key 4 value 4 entries 1 name sess_pc
run map update pinned "$PIN/pc" key 0 0 0 0 value 5 0 0 0
run map lookup pinned "$PIN/pc" key 0 0 0 0

# queue
run map create "$PIN/q" type queue key 0 value 4 entries 2 name sess_q
run map push pinned "$PIN/q" value 1 0 0 0
run map push pinned "$PIN/q" value 2 0 0 0
run map push pinned "$PIN/q" value 3 0 0 0
run map peek pinned "$PIN/q"
run map pop pinned "$PIN/q"
run map dequeue pinned "$PIN/q"
run map pop pinned "$PIN/q"

# map errors
run map create "$PIN/x" type nosuch key 4 value 4 entries 1 name x
run map create "$PIN/x" type hash key 4 value 0 entries 1 name x
run map create "$PIN/x" type hash key 4 value 4 entries 1
run map show pinned "$PIN/none"

# programs: a socket filter without context access (same xlated code)
run prog load "$PLAIN" "$PIN/plain"
run prog show pinned "$PIN/plain"
run prog dump xlated pinned "$PIN/plain"
run prog dump xlated pinned "$PIN/plain" opcodes
run prog run pinned "$PIN/plain" data_in "$DATA"
run prog run pinned "$PIN/plain" data_in "$DATA" data_out - repeat 3
run prog run pinned "$PIN/plain" data_in "$DATA" bogus 1
run prog pin pinned "$PIN/plain" "$PIN/plain"

# an XDP program with a map
run prog load "$OBJ/xdp_count.bpf.o" "$PIN/xdp" pinmaps "$PIN/xdpmaps"
run prog show pinned "$PIN/xdp"
run prog run pinned "$PIN/xdp" data_in "$DATA"
run map show pinned "$PIN/xdpmaps/rxcnt"
run prog show id 4000000000
run prog load "$OBJ/xdp_count.bpf.o" "$PIN/xdp2" map name nosuch pinned "$PIN/xdpmaps/rxcnt"

# BTF of an object file (no kernel involved)
run btf dump file "$OBJ/global_data.bpf.o"

rm -rf "$PINDIR"
exit 0
