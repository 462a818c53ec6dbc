#!/bin/sh
# Install what proclife needs to build and test on Debian 12 (bookworm).
set -eu
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: run as root (sudo make deps)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
	make gcc clang llvm libbpf-dev libelf-dev zlib1g-dev libzstd-dev \
	bpftool pkg-config python3 python3-jsonschema util-linux file strace \
	valgrind libclang-rt-14-dev groff-base debhelper dpkg-dev runc crun \
	busybox-static >/dev/null
echo "install-deps: done"
