#!/bin/bash
# install-deps.sh - install what the kernel VM tests need (Debian 12, root).
#
#   qemu-system-x86   the VM (TCG: no KVM needed)
#   busybox-static    the VM's userland
#   cpio              packs the initramfs
#   gcc, libc6-dev    build the static smoke-test programs (libc.a)
#
# With QEMU_BACKPORTS=1, qemu comes from bookworm-backports (10.0) instead of
# bookworm (7.2); see README.md for why.  The backports suite is used only
# through a private apt configuration in a temporary directory: the
# machine's own apt sources are not changed.
set -euo pipefail

[ "$(id -u)" -eq 0 ] || { echo "install-deps: run as root" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt_install="apt-get install -y -q --no-install-recommends"

apt-get update -q
$apt_install qemu-system-x86 busybox-static cpio gcc libc6-dev

if [ "${QEMU_BACKPORTS:-0}" = 1 ]; then
	keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/sources.list.d" "$tmp/lists/partial"
	# shellcheck source=apt-mirror.sh
	. "$(dirname "$0")/apt-mirror.sh"
	mirror=${PROCLIFE_KERNEL_MIRROR:-$(apt_mirror)} ||
		{ echo "install-deps: no Debian mirror in the apt sources" >&2; exit 1; }
	for suite in bookworm bookworm-updates bookworm-backports; do
		echo "deb [signed-by=$keyring] $mirror/debian $suite main"
	done > "$tmp/sources.list"
	echo "deb [signed-by=$keyring] $mirror/debian-security bookworm-security main" \
		>> "$tmp/sources.list"
	opts=(-o "Dir::Etc::sourcelist=$tmp/sources.list"
	      -o "Dir::Etc::sourceparts=$tmp/sources.list.d"
	      -o "Dir::State::Lists=$tmp/lists")
	apt-get "${opts[@]}" update -q
	# Only qemu and what must match its version come from backports.
	$apt_install "${opts[@]}" qemu-system-x86/bookworm-backports \
		qemu-system-common/bookworm-backports \
		qemu-system-data/bookworm-backports seabios/bookworm-backports
fi
qemu-system-x86_64 --version | head -1
