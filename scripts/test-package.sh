#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The Debian package, end to end, as root on Debian 12: build it with
# dpkg-buildpackage from a copy of this tree, install it with apt, check
# what it installed, then purge it. A failed build shows its log's tail.
# Closes with "package: N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
checks_begin package

if [ "$(id -u)" != 0 ]; then
	echo "package: needs root (apt-get install, dpkg -P)"
	ok 1 "running as root"
	checks_done
fi
if dpkg -s proclife >/dev/null 2>&1; then
	# purging it at the end would take away someone's install
	echo "package: proclife is already installed here: not touching it"
	ok 1 "proclife not installed before the test"
	checks_done
fi

scratch_dir
work=$scratch
version=$(dpkg-parsechangelog -l debian/changelog -S Version)
src=$work/proclife-$version
mkdir "$src"
tar --exclude=./.git -cf - . | tar -C "$src" -xf -

# What a checkout holds after "debian/rules clean": the build must leave
# exactly that behind once cleaned again.
tree() {
	(cd "$src" && find . -path ./vmlinux/vmlinux.h -prune -o -print | sort)
}
(cd "$src" && debian/rules clean) >"$work/clean.log" 2>&1
ok $? "debian/rules clean on the copied tree"
tree >"$work/before"

start=$(date +%s)
(cd "$src" && dpkg-buildpackage -b -us -uc -Jauto) >"$work/build.log" 2>&1
rc=$?
took=$(($(date +%s) - start))
[ "$rc" = 0 ] || tail -n 40 "$work/build.log"
ok $rc "dpkg-buildpackage -b -us -uc (${took}s)"

deb=$(ls "$work"/proclife_"$version"_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ]
ok $? "built ${deb##*/}"
[ -n "$deb" ] || checks_done

(cd "$src" && debian/rules clean) >>"$work/clean.log" 2>&1
tree >"$work/after"
diff "$work/before" "$work/after"
ok $? "debian/rules clean removes every build artifact"

dpkg-deb -f "$deb" Depends | grep -q 'libbpf1'
ok $? "Depends names libbpf1: $(dpkg-deb -f "$deb" Depends)"

DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" \
	>"$work/apt.log" 2>&1
rc=$?
[ "$rc" = 0 ] || cat "$work/apt.log"
ok $rc "apt-get install ./${deb##*/}"

got=$(/usr/sbin/proclife -V 2>&1)
[ "$got" = "proclife ${version%%-*}" ]
ok $? "/usr/sbin/proclife -V: $got"
[ "$(command -v proclife)" = /usr/sbin/proclife ]
ok $? "proclife on PATH is /usr/sbin/proclife"

dpkg -L proclife >"$work/files"
for f in /usr/sbin/proclife /usr/share/man/man8/proclife.8.gz \
	 /usr/share/bash-completion/completions/proclife \
	 /usr/share/doc/proclife/README.md.gz \
	 /usr/share/doc/proclife/copyright \
	 /usr/share/doc/proclife/timeline.schema.json \
	 /lib/systemd/system/proclife.service; do
	grep -qx "$f" "$work/files" && test -e "$f"
	ok $? "dpkg -L lists $f"
done
gzip -dc /usr/share/man/man8/proclife.8.gz | cmp -s - docs/proclife.8
ok $? "the installed man page is docs/proclife.8"
# the unit is shipped, not enabled: the admin turns it on
! ls /etc/systemd/system/*.wants/proclife.service >/dev/null 2>&1
ok $? "proclife.service is not enabled"

DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq proclife \
	>"$work/purge.log" 2>&1
rc=$?
[ "$rc" = 0 ] || cat "$work/purge.log"
ok $rc "apt-get purge proclife"
! dpkg -s proclife >/dev/null 2>&1 && ! test -e /usr/sbin/proclife
ok $? "purged: no package, no /usr/sbin/proclife"

checks_done
