#!/bin/sh
# demo.sh - the main job of `make demo`: the path of a real program through
# hive. A clang-built XDP object (tests/progs/xdp_count.bpf.c, per-protocol
# packet counters in a per-CPU array) is verified with the kernel's rules,
# loaded and pinned in a private hive file system, test-run on a UDP packet
# (JIT-compiled, no runtime checks since it was verified), and its map is
# read back; then the hand-written programs of examples/asm run on the
# interpreter and the JIT, and one is disassembled.
set -e
BUILD=${1:-build}
HIVE="$BUILD/hive"
OBJ="$BUILD/tests/progs/xdp_count.bpf.o"
HIVE_FS="$BUILD/demo-fs"
export HIVE_FS
rm -rf "$HIVE_FS"
mkdir -p "$HIVE_FS"
trap 'rm -rf "$HIVE_FS"' EXIT

# Ethernet + IPv4 (10.0.0.1 -> 10.0.0.2, UDP) + UDP 1234 -> 53, padded to 64 bytes
printf '\002\000\000\000\000\001\002\000\000\000\000\002\010\000' > "$HIVE_FS/pkt"
printf '\105\000\000\062\000\000\000\000\100\021\000\000\012\000\000\001\012\000\000\002' >> "$HIVE_FS/pkt"
printf '\004\322\000\065\000\036\000\000' >> "$HIVE_FS/pkt"
head -c 22 /dev/zero >> "$HIVE_FS/pkt"

echo "== hive verify $OBJ"
"$HIVE" verify "$OBJ"
echo "== hive prog loadall $OBJ (pinned under \$HIVE_FS)"
"$HIVE" prog loadall "$OBJ" "$HIVE_FS/demo" pinmaps "$HIVE_FS/maps"
"$HIVE" prog show pinned "$HIVE_FS/demo/xdp_prog1"
echo "== hive prog run ... data_in <UDP packet> repeat 1000"
"$HIVE" prog run pinned "$HIVE_FS/demo/xdp_prog1" data_in "$HIVE_FS/pkt" repeat 1000
echo "== hive map lookup ... key 17 (IPPROTO_UDP): the per-CPU counters"
"$HIVE" map lookup pinned "$HIVE_FS/maps/rxcnt" key 17 0 0 0
echo "== hive prog dump xlated (with source lines)"
"$HIVE" prog dump xlated pinned "$HIVE_FS/demo/xdp_prog1" | head -12

for f in examples/asm/*.s; do
	echo "== $f"
	case "$f" in
	*sum_bytes*) "$BUILD/examples/run_asm" "$f" "hive" ;;
	*) "$BUILD/examples/run_asm" "$f" ;;
	esac
done
echo "== hive disasm of examples/asm/gcd.s"
"$HIVE" asm examples/asm/gcd.s -o "$BUILD/gcd.bin"
"$HIVE" disasm "$BUILD/gcd.bin"
