#!/bin/bash
# run-kernel.sh VERSION PAYLOAD - boot a kernel in qemu and run a test payload.
#
#   VERSION   as for fetch-kernel.sh: 5.10, 6.1, 6.12 or host
#   PAYLOAD   a directory (packed with mkinitramfs.sh; its run-tests.sh is
#             run in the VM) or a ready initramfs (*.cpio.gz)
#
# The VM is qemu-system-x86_64 (TCG: no KVM needed), q35, 2 cpus, 1 GiB,
# serial console only.  The whole serial log is written to
# $PROCLIFE_VM_LOGDIR/VERSION.log; the payload's own output (the lines between
# init's ready line and its exit marker) is printed when the VM is done.
#
# Exit status: the payload's (from the "PROCLIFE-TEST-EXIT: N" line);
# 125 the VM gave no exit line (boot failure, panic, timeout: the log's last
# lines are printed), after PROCLIFE_VM_RETRIES retries; 77 kernel not
# available (skip); 2 usage.
#
# Environment:
#   PROCLIFE_VM_TIMEOUT  seconds before the VM is killed (default 1500)
#   PROCLIFE_VM_MEM      memory (default 1G)
#   PROCLIFE_VM_SMP      cpus (default 2)
#   PROCLIFE_VM_ACCEL    qemu accelerator (default tcg; kvm where allowed)
#   PROCLIFE_VM_APPEND   extra kernel command line (e.g. proclife.args=-v,x)
#   PROCLIFE_VM_LOGDIR   where logs go (default $PROCLIFE_KERNELS_DIR/logs)
#   PROCLIFE_VM_VERBOSE  1: also stream the serial console while it runs
#   PROCLIFE_VM_SHELL    1: interactive shell in the VM instead of the payload
#   PROCLIFE_VM_RETRIES  boots retried when the VM gives no exit line (default 1)
#   PROCLIFE_QEMU        the qemu binary (default qemu-system-x86_64)
#   and those of fetch-kernel.sh (PROCLIFE_KERNELS_DIR, ...).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export PROCLIFE_KERNELS_DIR=${PROCLIFE_KERNELS_DIR:-$root/build/kernels}
# both hook variants take ~11 min on a slow CI machine under TCG
timeout_s=${PROCLIFE_VM_TIMEOUT:-1500}
logdir=${PROCLIFE_VM_LOGDIR:-$PROCLIFE_KERNELS_DIR/logs}

usage() {
	echo "usage: $0 5.10|6.1|6.12|host PAYLOAD_DIR|INITRAMFS.cpio.gz" >&2
	exit 2
}
fail() { echo "run-kernel: $*" >&2; exit 125; }

[ $# -eq 2 ] || usage
version=$1
payload=$2
[ -e "$payload" ] || usage
qemu_bin=${PROCLIFE_QEMU:-qemu-system-x86_64}
command -v "$qemu_bin" >/dev/null ||
	fail "$qemu_bin not found: apt-get install qemu-system-x86"

kdir=$("$here/fetch-kernel.sh" "$version" | tail -1)
rc=${PIPESTATUS[0]}
[ "$rc" -eq 77 ] && exit 77
[ "$rc" -eq 0 ] || fail "no kernel $version (fetch-kernel.sh status $rc)"
release=$(cat "$kdir/release" 2>/dev/null || echo "$version")

mkdir -p "$logdir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ -d "$payload" ]; then
	initrd=$tmp/initramfs.cpio.gz
	"$here/mkinitramfs.sh" -o "$initrd" "$payload" >/dev/null ||
		fail "mkinitramfs.sh failed"
else
	initrd=$payload
fi

append="console=ttyS0 panic=-1 mitigations=off"
[ "${PROCLIFE_VM_SHELL:-0}" = 1 ] && append="$append proclife.shell=1"
append="$append ${PROCLIFE_VM_APPEND:-}"

qemu=("$qemu_bin"
	-machine q35 -accel "${PROCLIFE_VM_ACCEL:-tcg}" -cpu max
	-smp "${PROCLIFE_VM_SMP:-2}" -m "${PROCLIFE_VM_MEM:-1G}"
	-nographic -nodefaults -no-user-config -serial stdio -no-reboot
	-kernel "$kdir/vmlinuz" -initrd "$initrd" -append "$append")

# qemu 7.2 (Debian 12's own) randomly crashes 6.12 guests under TCG: garbage
# EFLAGS, double faults, early in boot, in most runs.  10.0 does not.
qemu_major=$("$qemu_bin" --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p' | head -1)
if [ -n "$qemu_major" ] && [ "$qemu_major" -lt 8 ]; then
	echo "run-kernel: warning: qemu $qemu_major.x crashes recent guest kernels" \
	     "under TCG at random; install qemu from bookworm-backports:" \
	     "QEMU_BACKPORTS=1 $here/install-deps.sh" >&2
fi

if [ "${PROCLIFE_VM_SHELL:-0}" = 1 ]; then
	# Interactive: the terminal is the console (Ctrl-A X quits qemu).
	"${qemu[@]}"
	exit
fi

qpid=
trap 'rm -rf "$tmp"' EXIT
trap '[ -n "$qpid" ] && kill "$qpid" 2>/dev/null; exit 130' INT TERM

# boot LOG: one VM run, its serial console in LOG; sets $secs and $marker.
boot() {
	local log=$1 start qrc

	start=$(date +%s.%N)
	: > "$log"
	timeout -k 5 "$timeout_s" "${qemu[@]}" </dev/null >"$log" 2>&1 &
	qpid=$!
	if [ "${PROCLIFE_VM_VERBOSE:-0}" = 1 ]; then
		tail -n +1 -f --pid="$qpid" "$log" &
	fi
	wait "$qpid"
	qrc=$?
	qpid=
	wait
	secs=$(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $start }")
	# Serial output ends lines with \r\n.
	tr -d '\r' < "$log" > "$tmp/log"
	marker=$(grep -a '^PROCLIFE-TEST-EXIT: ' "$tmp/log" | tail -1)
	if [ -z "$marker" ]; then
		echo "run-kernel: $version ($release): no exit line from the VM" \
		     "(status $qrc$([ "$qrc" -eq 124 ] && echo ", timed out after ${timeout_s}s")," \
		     "$secs s); last lines of $log:" >&2
		tail -n 40 "$tmp/log" >&2
	fi
}

# A VM that dies without the exit line is retried: TCG has rare hangs (a
# vCPU's timer that never fires) that say nothing about the payload.  A real
# kernel crash caused by the payload happens again and still fails.  A VM
# whose payload had begun its checks when the time ran out is not retried:
# it was slow, not hung, and a second try would only double the wait.
retries=${PROCLIFE_VM_RETRIES:-1}
try=0
rm -f "$logdir/$version".retry*.log
while :; do
	log=$logdir/$version.log
	[ $try -eq 0 ] || log=$logdir/$version.retry$try.log
	echo "run-kernel: booting $version ($release), log $log" >&2
	boot "$log"
	[ -z "$marker" ] && [ $try -lt "$retries" ] || break
	if grep -aqE '^(PASS|FAIL) ' "$tmp/log"; then
		echo "run-kernel: $version: the checks had begun; not retried" >&2
		break
	fi
	try=$((try + 1))
	echo "run-kernel: $version: retrying ($try of $retries)" >&2
done
[ -n "$marker" ] || exit 125
status=${marker#PROCLIFE-TEST-EXIT: }

if [ "${PROCLIFE_VM_VERBOSE:-0}" != 1 ]; then
	sed -n '/^PROCLIFE-VM: .*init ready$/,/^PROCLIFE-TEST-EXIT: /p' "$tmp/log"
fi
echo "run-kernel: $version ($release): payload exit $status, $secs s" >&2
case "$status" in
''|*[!0-9]*) exit 125 ;;
esac
exit "$status"
