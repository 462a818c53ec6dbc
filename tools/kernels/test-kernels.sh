#!/bin/bash
# test-kernels.sh [-s] [-p PAYLOAD_DIR] [VERSION...] - run proclife's tests
# on each kernel in qemu.
#
#   (default)       the proclife payload: payload/run-tests.sh with a static
#                   proclife, the static fixtures and the smoke test's
#                   bpfcheck (see "Binaries" below)
#   -s              the smoke test only (smoke/: BTF, tracepoints, raw bpf())
#   -b              no tests: what each hook variant costs a getppid() loop
#                   (syscost/run-tests.sh), figures printed per kernel
#   -p PAYLOAD_DIR  a ready payload directory (see mkinitramfs.sh)
#   VERSION         default: 5.10 6.1 6.12 host; CI runs only the oldest:
#                   test-kernels.sh 5.10
#
# Binaries: PROCLIFE_STATIC (a statically linked proclife) and
# FIXTURES_STATIC (a directory of statically linked fixtures), if set, are
# used as they are. Otherwise they are built with `make STATIC=1` and
# `make fixtures STATIC=1` in a private copy of the source tree
# ($PROCLIFE_KERNELS_DIR/static-src, kept between runs so only changes are
# rebuilt), never in the working tree, whose build/ stays dynamic.
#
# The VMs run one after the other (each has 2 cpus). Prints one line per
# kernel and "kernels: N passed, N failed, N skipped"; exits 0 only if every
# available kernel passed (the host's kernel, absent from /boot here, is a
# skip).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export PROCLIFE_KERNELS_DIR=${PROCLIFE_KERNELS_DIR:-$root/build/kernels}

usage() {
	echo "usage: $0 [-s | -b] [-p PAYLOAD_DIR] [VERSION...]" >&2
	exit 2
}

payload=
smoke=0
syscost=0
while getopts "sbp:h" opt; do
	case "$opt" in
	s) smoke=1 ;;
	b) syscost=1 ;;
	p) payload=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
versions=${*:-5.10 6.1 6.12 host}
cc=${CC:-cc}

die() { echo "test-kernels: $*" >&2; exit 1; }

is_static() {
	file -L "$1" 2>/dev/null | grep -q 'statically linked' && return 0
	command -v readelf >/dev/null || return 0
	! readelf -l "$1" 2>/dev/null | grep -q INTERP
}

# The sources (no build output, no git) into $1, then a static build there.
# The copy is refreshed, not recreated: make rebuilds only what changed
# (tar keeps the mtimes).
build_static() {
	local src=$1

	mkdir -p "$src"
	rm -rf "$src/src" "$src/bpf" "$src/include" "$src/vmlinux" \
		"$src/tests/fixtures"/*.[ch]
	# vmlinux/: the pinned kernel types the BPF programs compile against
	(cd "$root" && tar -c --exclude=tests/fixtures/build --exclude='*.o' \
		Makefile bpf include src tests/fixtures vmlinux) |
		(cd "$src" && tar -x) || die "cannot copy the sources to $src"
	echo "test-kernels: building the static proclife and fixtures in $src" >&2
	make -C "$src" STATIC=1 proclife >"$src/build.log" 2>&1 &&
		make -C "$src" STATIC=1 fixtures >>"$src/build.log" 2>&1 || {
		tail -20 "$src/build.log" >&2
		die "static build failed (log: $src/build.log)"
	}
}

# The static proclife PL, checked and stripped (a smaller initramfs
# boots faster), into DIR.
put_proclife() {
	local dir=$1 pl=$2

	[ -x "$pl" ] || die "no proclife at $pl"
	is_static "$pl" || die "$pl is dynamically linked: the VM has no libc" \
		"(make STATIC=1, or unset PROCLIFE_STATIC)"
	strip -o "$dir/proclife" "$pl" 2>/dev/null || cp "$pl" "$dir/proclife"
}

make_payload() {
	local dir=$1 pl fx f

	pl=${PROCLIFE_STATIC:-}
	fx=${FIXTURES_STATIC:-}
	if [ -z "$pl" ] || [ -z "$fx" ]; then
		build_static "$PROCLIFE_KERNELS_DIR/static-src"
		pl=${pl:-$PROCLIFE_KERNELS_DIR/static-src/proclife}
		fx=${fx:-$PROCLIFE_KERNELS_DIR/static-src/tests/fixtures/build}
	fi
	[ -d "$fx" ] || die "no fixtures in $fx"

	rm -rf "$dir"
	mkdir -p "$dir/fixtures"
	put_proclife "$dir" "$pl"
	for f in "$fx"/*; do
		[ -f "$f" ] && [ -x "$f" ] || continue
		is_static "$f" || die "$f is dynamically linked (make fixtures STATIC=1)"
		strip -o "$dir/fixtures/$(basename "$f")" "$f" 2>/dev/null ||
			cp "$f" "$dir/fixtures/"
	done
	cp "$here/payload/run-tests.sh" "$here/payload/jl.awk" "$dir/"
	$cc -static -O2 -Wall -o "$dir/bpfcheck" "$here/smoke/bpfcheck.c" ||
		die "cannot build bpfcheck (a static libc is needed: apt-get install libc6-dev)"
}

# The getppid() bench: the static proclife, sysloop and the script.
make_syscost() {
	local dir=$1 pl=${PROCLIFE_STATIC:-}

	if [ -z "$pl" ]; then
		build_static "$PROCLIFE_KERNELS_DIR/static-src"
		pl=$PROCLIFE_KERNELS_DIR/static-src/proclife
	fi
	rm -rf "$dir"
	mkdir -p "$dir"
	put_proclife "$dir" "$pl"
	$cc -static -O2 -Wall -o "$dir/sysloop" "$root/tools/sysloop.c" ||
		die "cannot build sysloop (a static libc is needed: apt-get install libc6-dev)"
	cp "$here/syscost/run-tests.sh" "$dir/"
}

make_smoke() {
	local dir=$1 prog

	mkdir -p "$dir"
	for prog in hello bpfcheck; do
		$cc -static -O2 -Wall -o "$dir/$prog" "$here/smoke/$prog.c" ||
			die "cannot build $prog (a static libc is needed: apt-get install libc6-dev)"
	done
	cp "$here/smoke/run-tests.sh" "$dir/"
}

if [ -z "$payload" ]; then
	if [ $smoke = 1 ]; then
		payload=$PROCLIFE_KERNELS_DIR/smoke-payload
		make_smoke "$payload"
	elif [ $syscost = 1 ]; then
		payload=$PROCLIFE_KERNELS_DIR/syscost-payload
		make_syscost "$payload"
	else
		payload=$PROCLIFE_KERNELS_DIR/payload
		make_payload "$payload"
	fi
fi

# One initramfs for all kernels.
initrd=$PROCLIFE_KERNELS_DIR/initramfs.cpio.gz
"$here/mkinitramfs.sh" -o "$initrd" "$payload" >/dev/null || exit 1

passed=0 failed=0 skipped=0
summary=
for v in $versions; do
	start=$(date +%s)
	out=$PROCLIFE_KERNELS_DIR/logs/$v.payload.txt
	mkdir -p "$(dirname "$out")"
	"$here/run-kernel.sh" "$v" "$initrd" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	secs=$(($(date +%s) - start))
	release=$(cat "$PROCLIFE_KERNELS_DIR/$v/release" 2>/dev/null || echo "?")
	checks=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -1)
	case $rc in
	0)  passed=$((passed + 1)); res=PASS ;;
	77) skipped=$((skipped + 1)); res=SKIP; release="not available"; checks= ;;
	*)  failed=$((failed + 1)); res="FAIL ($rc)" ;;
	esac
	summary+=$(printf '%-5s %-28s %-9s %4ss  %s' "$v" "$release" "$res" "$secs" \
		"${checks:+checks: $checks}")$'\n'
	if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
		summary+=$(grep -E '^FAIL ' "$out" | sed 's/^/        /' | head -20)
		[ -n "$(grep -E '^FAIL ' "$out" | head -1)" ] && summary+=$'\n'
	fi
done

echo
echo "kernel tests:"
printf '%s' "$summary"
if [ $syscost = 1 ]; then
	for v in $versions; do
		grep -h '^SYSCOST ' "$PROCLIFE_KERNELS_DIR/logs/$v.payload.txt" 2>/dev/null |
			sed "s/^/$v /"
	done
fi
echo "kernels: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
