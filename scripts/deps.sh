#!/bin/sh
# deps.sh - install the Debian 12 packages hive needs, if any are missing.
# As root it runs apt-get; otherwise it prints the exact command and fails.
set -e
PKGS="make gcc clang llvm pkg-config libelf-dev zlib1g-dev libcapstone-dev libpcap-dev \
libyaml-dev libbpf-dev bpftool libclang-rt-14-dev"
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "hive: missing packages:$missing" >&2
	echo "run: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "hive: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq $missing >/dev/null
