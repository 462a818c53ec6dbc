#!/bin/bash
# mkinitramfs.sh - build the initramfs of the test VM.
#
#   mkinitramfs.sh -o OUT.cpio.gz [-a SRC[:DEST]]... [PAYLOAD_DIR]
#
#   -o OUT          the gzip'd cpio archive to write
#   -a SRC[:DEST]   add one more file (DEST: absolute path in the VM,
#                   default /payload/$(basename SRC)); repeatable
#   PAYLOAD_DIR     copied to /payload; /init runs /payload/run-tests.sh
#
# The archive holds busybox (static, from busybox-static), /init (init.sh
# beside this script) and the payload; nothing else, so every program in the
# payload must be statically linked: a dynamic one is reported as a warning
# (it cannot run: the VM has no libc).
#
# Environment: BUSYBOX  the static busybox to use (default /bin/busybox).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
busybox=${BUSYBOX:-/bin/busybox}

die() { echo "mkinitramfs: $*" >&2; exit 1; }
usage() {
	echo "usage: $0 -o OUT.cpio.gz [-a SRC[:DEST]]... [PAYLOAD_DIR]" >&2
	exit 2
}

out=
adds=()
while getopts "o:a:h" opt; do
	case "$opt" in
	o) out=$OPTARG ;;
	a) adds+=("$OPTARG") ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$out" ] || usage
[ $# -le 1 ] || usage
payload=${1:-}

for tool in cpio gzip; do
	command -v $tool >/dev/null || die "$tool not found: apt-get install $tool"
done
[ -x "$busybox" ] || die "$busybox not found: apt-get install busybox-static"
if command -v readelf >/dev/null && readelf -l "$busybox" | grep -q INTERP; then
	die "$busybox is dynamically linked: apt-get install busybox-static"
fi
[ -z "$payload" ] || [ -d "$payload" ] || die "$payload: not a directory"

stage=$(mktemp -d)
chmod 755 "$stage"
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,etc,root,proc,sys,dev,tmp,run,payload}
cp "$busybox" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
install -m 755 "$here/init.sh" "$stage/init"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' \
	> "$stage/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$stage/etc/group"
# Without root mknod fails; init.sh then reopens the console itself.
mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null || true

if [ -n "$payload" ]; then
	cp -a "$payload/." "$stage/payload/"
fi
for a in "${adds[@]+"${adds[@]}"}"; do
	src=${a%%:*}
	dest=/payload/$(basename "$src")
	[ "$src" = "$a" ] || dest=${a#*:}
	[ -e "$src" ] || die "$src: no such file"
	mkdir -p "$stage$(dirname "$dest")"
	cp -a "$src" "$stage$dest"
done

# A dynamically linked program would fail in the VM with a puzzling
# "not found": say so now.
if command -v readelf >/dev/null; then
	while IFS= read -r -d '' f; do
		if head -c 4 "$f" | grep -q 'ELF' &&
		   readelf -l "$f" 2>/dev/null | grep -q 'Requesting program interpreter'; then
			echo "mkinitramfs: warning: ${f#"$stage"} is dynamically linked" \
			     "and will not run in the VM (link it with -static)" >&2
		fi
	done < <(find "$stage/payload" -type f -perm -u+x -print0)
fi

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --owner=0:0 --quiet) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
