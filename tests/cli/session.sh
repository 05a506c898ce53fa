#!/bin/sh
# session.sh - one scripted session of map and program commands, run by
# tests/unit/test_cli_kernel.c twice: with TOOL=bpftool on the live kernel
# and with TOOL=hive. `run` runs a command with -j and prints the command,
# its JSON with the values that legitimately differ masked (ids, times,
# sizes in memory, tags of rewritten programs), and its exit code; `runp`
# runs it without -j and prints stdout and stderr (plain layout, Error:
# lines) with durations masked.
# The two transcripts must be identical (BTF ids masked like the others:
# function signatures and source lines of programs are compared). Left
# out on purpose: the
# documented differences (docs/cli.md: handles matching nothing, unknown
# program types, `-j ... visual`, map-in-map values, which are map ids).
#
#   TOOL    bpftool or the hive binary
#   PIN     a fresh directory for pins under /sys/fs/bpf, as the tool names it
#   PINDIR  the same directory as a real path (created and removed here)
#   OBJ     directory of the test BPF objects (tests/progs, built)
#   PLAIN   tests/cli/plain.bpf.c compiled (a socket filter)
#   DATA    a 64-byte packet file
#   SFX     a number for this run: maps are named s${SFX}_*, the program in
#           PLAIN p$SFX (other runs may share the kernel at the same time)

set -u

mask() {
	sed -e 's/"id":[0-9]*/"id":ID/g' \
	    -e 's/"map_ids":\[[0-9,]*\]/"map_ids":[IDS]/g' \
	    -e 's/"loaded_at":[0-9]*/"loaded_at":T/g' \
	    -e 's/"uid":[0-9]*/"uid":U/g' \
	    -e 's/"duration":[0-9]*/"duration":T/g' \
	    -e 's/"bytes_\(memlock\|jited\|xlated\)":[0-9]*/"bytes_\1":N/g' \
	    -e 's/"btf_id":[0-9]*/"btf_id":ID/g' \
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

# the same without -j: stdout and stderr together (durations masked)
runp() {
	echo "\$ $*"
	out=$("$TOOL" "$@" 2>&1)
	st=$?
	printf '%s\n' "$out" | sed -e 's/duration\(.*\): [0-9]*ns/duration\1: Tns/'
	echo "exit $st"
}

mkdir -p "$PINDIR" || exit 1

# hash map: create, update flags, lookup, show, delete
run map create "$PIN/h" type hash key 4 value 8 entries 8 name s${SFX}_h
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
run map create "$PIN/a" type array key 4 value 4 entries 3 name s${SFX}_a
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
run map create "$PIN/pc" type percpu_array key 4 value 4 entries 1 name s${SFX}_pc
run map update pinned "$PIN/pc" key 0 0 0 0 value 5 0 0 0
run map lookup pinned "$PIN/pc" key 0 0 0 0

# queue
run map create "$PIN/q" type queue key 0 value 4 entries 2 name s${SFX}_q
run map push pinned "$PIN/q" value 1 0 0 0
run map push pinned "$PIN/q" value 2 0 0 0
run map push pinned "$PIN/q" value 3 0 0 0
run map peek pinned "$PIN/q"
run map pop pinned "$PIN/q"
run map dequeue pinned "$PIN/q"
run map pop pinned "$PIN/q"


# stack, and the queue through its other words
run map create "$PIN/s" type stack key 0 value 4 entries 2 name s${SFX}_s
run map push pinned "$PIN/s" value 1 0 0 0
run map push pinned "$PIN/s" value hex 02 00 00 00
run map peek pinned "$PIN/s"
run map pop pinned "$PIN/s"
run map pop pinned "$PIN/s"
run map pop pinned "$PIN/s"
run map peek pinned "$PIN/s"
run map push pinned "$PIN/s" key 1 0 0 0 value 1 0 0 0
run map push pinned "$PIN/s" value 1 0 0
run map enqueue pinned "$PIN/q" value 4 0 0 0
run map dequeue pinned "$PIN/q"
run map dequeue pinned "$PIN/q"
run map lookup pinned "$PIN/q" key 0 0 0 0
run map lookup pinned "$PIN/q"
run map dump pinned "$PIN/q"
run map getnext pinned "$PIN/q"
run map delete pinned "$PIN/q" key 0 0 0 0
run map delete pinned "$PIN/q"
run map update pinned "$PIN/q" value 1 0 0 0 noexist

# flags, full maps, walks past the end
run map create "$PIN/nf" type hash key 4 value 4 entries 1 name s${SFX}_nf flags 1
run map show pinned "$PIN/nf"
run map update pinned "$PIN/nf" key 1 0 0 0 value 1 0 0 0
run map update pinned "$PIN/nf" key 2 0 0 0 value 1 0 0 0
run map getnext pinned "$PIN/nf" key 1 0 0 0
run map create "$PIN/lpm" type lpm_trie key 8 value 4 entries 4 name s${SFX}_lpm flags 1
run map update pinned "$PIN/lpm" key 32 0 0 0 10 0 0 1 value 1 0 0 0
run map lookup pinned "$PIN/lpm" key 32 0 0 0 10 0 0 1
run map create "$PIN/lpm2" type lpm_trie key 8 value 4 entries 4 name s${SFX}_lpm2
run map create "$PIN/lru" type lru_hash key 4 value 4 entries 2 name s${SFX}_lru
run map update pinned "$PIN/lru" key 1 0 0 0 value 1 0 0 0
run map dump pinned "$PIN/lru"
run map update pinned "$PIN/a" key 3 0 0 0 value 1 0 0 0
run map update pinned "$PIN/h" key 1 0 0 0 value 1 2 3 4 5 6 7 8 noexist

# map-in-map: inner_map by handle, values are maps
run map create "$PIN/in" type array key 4 value 4 entries 2 name s${SFX}_in
run map create "$PIN/out" type array_of_maps key 4 value 4 entries 2 name s${SFX}_out inner_map pinned "$PIN/in"
run map show pinned "$PIN/out"
run map update pinned "$PIN/out" key 0 0 0 0 value pinned "$PIN/in"
run map create "$PIN/out2" type hash_of_maps key 4 value 4 entries 2 name s${SFX}_out2 inner_map name s${SFX}_in
run map create "$PIN/out3" type array_of_maps key 4 value 4 entries 2 name s${SFX}_out3
run map create "$PIN/out4" type array_of_maps key 4 value 4 entries 2 name s${SFX}_out4 inner_map pinned "$PIN/none"

# pins and names
run map pin pinned "$PIN/h" "$PIN/h2"
run map show pinned "$PIN/h2"
run map pin pinned "$PIN/h" "$PIN/h2"
run map pin pinned "$PIN/h" "$PIN/nodir/h"
run map show name s${SFX}_h
run map dump name s${SFX}_lru
run map delete pinned "$PIN/h" key 1 0 0 0 value 1
run map lookup pinned "$PIN/h" key 1 0 0 0 key 1 0 0 0
run map update pinned "$PIN/h" key 1 0 0 0 value 1 2 3 4 5 6 7 8 any exist
run map freeze pinned "$PIN/a"
run map getnext pinned "$PIN/h" key 9 9 9 9
run map show id 4000000000
run map show id abc
run map show bogus 1
run map dump
run map pin pinned "$PIN/h"
run map create "$PIN/x" type hash key 4 value 4 entries 1 name x key 4
run map create "$PIN/x" type hash key 4x value 4 entries 1 name x
run map create "$PIN/x" type hash key 4 value 4 entries 1 name x bogus 1
run map create "$PIN/h" type hash key 4 value 4 entries 1 name x
run map create "$PIN/nodir/x" type hash key 4 value 4 entries 1 name x
run map show pinned "$PIN/x"

# more types: create and show
run map create "$PIN/ph" type percpu_hash key 4 value 4 entries 4 name s${SFX}_ph
run map show pinned "$PIN/ph"
run map update pinned "$PIN/ph" key 1 0 0 0 value 3 0 0 0
run map dump pinned "$PIN/ph"
run map create "$PIN/lph" type lru_percpu_hash key 4 value 4 entries 4 name s${SFX}_lph
run map show pinned "$PIN/lph"
run map create "$PIN/bf" type bloom_filter key 0 value 4 entries 4 name s${SFX}_bf
run map show pinned "$PIN/bf"
run map push pinned "$PIN/bf" value 1 2 3 4
run map peek pinned "$PIN/bf" value 1 2 3 4
run map create "$PIN/rb" type ringbuf key 0 value 0 entries 4096 name s${SFX}_rb
run map show pinned "$PIN/rb"
run map create "$PIN/rb2" type ringbuf key 0 value 0 entries 4000 name s${SFX}_rb2
run map create "$PIN/pa" type prog_array key 4 value 4 entries 4 name s${SFX}_pa
run map show pinned "$PIN/pa"
run map create "$PIN/pea" type perf_event_array key 4 value 4 entries 2 name s${SFX}_pea
run map show pinned "$PIN/pea"
run map create "$PIN/ar0" type array key 4 value 4 entries 0 name s${SFX}_ar0
run map create "$PIN/ar5" type array key 5 value 4 entries 1 name s${SFX}_ar5
run map create "$PIN/big" type hash key 4 value 4 entries 1 name s${SFX}_0123456789abc
run map show pinned "$PIN/big"

# plain output and Error: lines
runp map lookup pinned "$PIN/h" key 1 0 0 0
runp map lookup pinned "$PIN/h" key 9 0 0 0
runp map lookup pinned "$PIN/h" key 1 0 0
runp map dump pinned "$PIN/a"
runp map dump pinned "$PIN/pc"
runp map getnext pinned "$PIN/a"
runp map getnext pinned "$PIN/a" key 0 0 0 0
runp map pop pinned "$PIN/q"
runp map peek pinned "$PIN/s"
runp map update pinned "$PIN/h" key 1 0 0 0 value 1 2 3 4 5 6 7 8 noexist
runp map update pinned "$PIN/h" key 1 0 0 0 value 1 2 3 4 5 6 7 8 any exist
runp map delete pinned "$PIN/h" key 7 0 0 0
runp map create "$PIN/x" type nosuch key 4 value 4 entries 1 name x
runp map create "$PIN/x" type hash key 4 value 4 entries 1
runp map show pinned "$PIN/none"
runp map freeze pinned "$PIN/a"

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


# programs by tag and name, dumps
run prog show name "p$SFX"
tag=$("$TOOL" -j prog show pinned "$PIN/plain" | sed 's/.*"tag":"\([0-9a-f]*\)".*/\1/')
run prog show tag "$tag"
run prog dump xlated tag "$tag" opcodes
run prog dump xlated name "p$SFX"
run prog dump xlated pinned "$PIN/plain" linum
run prog show name
run prog show tag zz
run prog show bogus 1
run prog dump xlated pinned "$PIN/none"
run prog dump bogus pinned "$PIN/plain"
run prog run pinned "$PIN/plain" data_in "$DATA" data_out - data_size_out 8
run prog run pinned "$PIN/plain" data_in /nonexistent
run prog run pinned "$PIN/plain"
run prog run pinned "$PIN/plain" data_in "$DATA" repeat x
run prog pin pinned "$PIN/plain" "$PIN/plain2"
run map update pinned "$PIN/pa" key 0 0 0 0 value pinned "$PIN/plain"
run map update pinned "$PIN/pa" key 9 0 0 0 value pinned "$PIN/plain"
run map update pinned "$PIN/pa" key 1 0 0 0 value pinned "$PIN/none"
run map update pinned "$PIN/pa" key 1 0 0 0 value 1 0 0 0
run map delete pinned "$PIN/pa" key 0 0 0 0
run prog show pinned "$PIN/plain2"
run prog load "$PLAIN" "$PIN/plain"
run prog load "$PLAIN" "$PIN/ty" type xdp
run prog run pinned "$PIN/ty" data_in "$DATA" data_out - data_size_out 80
run prog show pinned "$PIN/ty"
run prog load /nonexistent "$PIN/ne"
run prog load "$PLAIN" "$PIN/nodir/p"
run prog loadall "$OBJ/xdp_count.bpf.o" "$PIN/all" pinmaps "$PIN/allmaps"
run prog show pinned "$PIN/all/xdp_prog1"
run map show pinned "$PIN/allmaps/rxcnt"
run prog loadall "$OBJ/xdp_count.bpf.o" "$PIN/all"
run prog show pinned "$PIN/all/xdp_prog1"
run prog loadall /nonexistent "$PIN/all2"

runp prog run pinned "$PIN/plain" data_in "$DATA"
runp prog run pinned "$PIN/plain" data_in "$DATA" data_out - repeat 2
runp prog run pinned "$PIN/plain" data_in "$DATA" bogus 1
runp prog dump xlated pinned "$PIN/plain"
runp prog dump xlated pinned "$PIN/plain" opcodes
runp prog pin pinned "$PIN/plain" "$PIN/plain"

# an XDP program with a map
run prog load "$OBJ/xdp_count.bpf.o" "$PIN/xdp" pinmaps "$PIN/xdpmaps"
run prog show pinned "$PIN/xdp"
run prog run pinned "$PIN/xdp" data_in "$DATA"
run map show pinned "$PIN/xdpmaps/rxcnt"
run prog show id 4000000000
run prog load "$OBJ/xdp_count.bpf.o" "$PIN/xdp2" map name nosuch pinned "$PIN/xdpmaps/rxcnt"

# BTF of an object file (no kernel involved)
run btf dump file "$OBJ/global_data.bpf.o"
run btf dump file "$OBJ/global_data.bpf.o" format raw
run btf dump file "$OBJ/map_types.bpf.o"
run btf dump bogus 1

rm -rf "$PINDIR"
exit 0
