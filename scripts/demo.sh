#!/bin/sh
# demo.sh - the main job of `make demo`: assemble and run the example
# programs in examples/asm on every engine, and show the disassembly of one.
set -e
BUILD=${1:-build}
for f in examples/asm/*.s; do
	echo "== $f"
	case "$f" in
	*sum_bytes*) "$BUILD/examples/run_asm" "$f" "hive" ;;
	*) "$BUILD/examples/run_asm" "$f" ;;
	esac
done
echo "== hive disasm of examples/asm/gcd.s"
"$BUILD/hive" asm examples/asm/gcd.s -o "$BUILD/gcd.bin"
"$BUILD/hive" disasm "$BUILD/gcd.bin"
