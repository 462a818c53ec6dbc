#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make install / uninstall into a scratch DESTDIR: every file lands where
# PREFIX says, the installed binary runs, uninstall takes it all back.
# No privileges needed. Closes with "install: N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
checks_begin install
scratch_dir
root=$scratch

# install with PREFIX=$2 into $1, show make's output only when it fails
install_into() {
	if ! out=$(make --no-print-directory install DESTDIR="$1" PREFIX="$2" \
		   2>&1); then
		echo "$out"
		return 1
	fi
}

files_of() {
	(cd "$1" && find . -type f | sort)
}

# 1. PREFIX=/usr, as the Debian package does it
d=$root/usr-prefix
install_into "$d" /usr
ok $? "make install DESTDIR=... PREFIX=/usr"
for f in sbin/proclife share/man/man8/proclife.8 \
	 share/bash-completion/completions/proclife \
	 share/doc/proclife/README.md share/doc/proclife/timeline.schema.json; do
	test -s "$d/usr/$f"
	ok $? "installed /usr/$f"
done
test -x "$d/usr/sbin/proclife"
ok $? "/usr/sbin/proclife is executable"
want=$(./proclife -V)
got=$("$d/usr/sbin/proclife" -V 2>&1)
[ -n "$want" ] && [ "$got" = "$want" ]
ok $? "installed binary runs -V: '$got'"
cmp -s docs/proclife.8 "$d/usr/share/man/man8/proclife.8" &&
	cmp -s scripts/proclife.bash-completion \
	       "$d/usr/share/bash-completion/completions/proclife"
ok $? "man page and completion installed unchanged"
bash -c '. "$1" && complete -p proclife' sh \
	"$d/usr/share/bash-completion/completions/proclife" >/dev/null 2>&1
ok $? "installed completion registers itself for proclife"
stray=$(files_of "$d" | grep -v '^\./usr/')
[ -z "$stray" ]
ok $? "nothing installed outside PREFIX${stray:+: $stray}"

# 2. make uninstall takes every file back
make --no-print-directory uninstall DESTDIR="$d" PREFIX=/usr >/dev/null 2>&1
ok $? "make uninstall"
left=$(files_of "$d")
[ -z "$left" ]
ok $? "uninstall leaves no file${left:+: $left}"

# 3. the default PREFIX is /usr/local; GZIP_MAN=1 compresses the man page
d=$root/local
make --no-print-directory install DESTDIR="$d" GZIP_MAN=1 >/dev/null 2>&1
ok $? "make install DESTDIR=... GZIP_MAN=1 (default PREFIX)"
test -x "$d/usr/local/sbin/proclife" &&
	gzip -dc "$d/usr/local/share/man/man8/proclife.8.gz" |
	cmp -s - docs/proclife.8 &&
	! test -e "$d/usr/local/share/man/man8/proclife.8"
ok $? "default PREFIX /usr/local, man page gzipped"
make --no-print-directory uninstall DESTDIR="$d" >/dev/null 2>&1
left=$(files_of "$d")
[ -z "$left" ]
ok $? "uninstall of the default PREFIX leaves no file${left:+: $left}"

checks_done
