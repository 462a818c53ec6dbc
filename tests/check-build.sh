#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The build itself: `make -j2 clean all` always leaves a binary, and the
# build never needs the running kernel's BTF (vmlinux.h is pinned per
# arch). Works on a copy of the tree so the caller's build/ is untouched.
# The no-BTF build needs root (a private mount namespace hides
# /sys/kernel/btf); without root it is skipped and said so.
# Closes with "build: N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
checks_begin build
scratch_dir
copy=$scratch

# the tracked sources only: what a fresh clone has
git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$copy"

# twice: the first from nothing, the second with build/ to clean
for round in 1 2; do
	rm -f "$copy/proclife"
	out=$(make -C "$copy" --no-print-directory -j2 clean all 2>&1)
	status=$?
	[ $status = 0 ] && [ -x "$copy/proclife" ]
	ok $? "make -j2 clean all leaves ./proclife (round $round)" ||
		echo "$out" | tail -5
done

if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
	# a tmpfs over /sys/kernel/btf: the kernel "has no BTF" for this build
	out=$(unshare -m sh -c '
		mount -t tmpfs none /sys/kernel/btf &&
		test ! -e /sys/kernel/btf/vmlinux &&
		make -C "$1" --no-print-directory -j2 clean all' sh "$copy" 2>&1)
	status=$?
	[ $status = 0 ] && [ -x "$copy/proclife" ]
	ok $? "builds with no /sys/kernel/btf/vmlinux" || echo "$out" | tail -5
else
	echo "SKIP no-BTF build (needs root for a private mount namespace)"
fi

checks_done
