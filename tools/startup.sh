#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# startup.sh: how long from starting proclife to tracing?
#
# Runs `proclife -j -- /bin/true` RUNS times, each through
# tools/build/boottime-exec, which stamps CLOCK_BOOTTIME just before it execs
# proclife. proclife starts the command only once it is attached, so the t_ns
# of the command's exec event (same clock) minus the stamp is the time from
# proclife's exec to the first event it can see. Also reported: the whole run
# (exec to exit, including the final drain and the summary).
#
#   tools/startup.sh [-p PROCLIFE] [-n RUNS] [-- PROCLIFE_OPTION...]
#
# RUNS default 50. Target: start-to-attached <= 200 ms (median and p90).

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROCLIFE=${PROCLIFE:-./proclife}
STAMP=$HERE/build/boottime-exec
RUNS=50

while getopts "p:n:h" opt; do
	case $opt in
	p) PROCLIFE=$OPTARG ;;
	n) RUNS=$OPTARG ;;
	h) sed -n '3,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
EXTRA=("$@")

. "$HERE/lib.sh"
need_root_and_proclife
[[ -x $STAMP ]] || die "no $STAMP: run 'make -C tools'"
OUT=$(mktemp -d /tmp/proclife-startup.XXXXXX) || die "mktemp failed"
trap 'rm -rf "$OUT"' EXIT

: >"$OUT/times"
for ((i = 0; i < RUNS; i++)); do
	"$STAMP" "$OUT/t0" "$PROCLIFE" "${EXTRA[@]}" -j -- /bin/true >"$OUT/out" 2>"$OUT/err" ||
		die "run $i failed: $(tail -n 1 "$OUT/err")"
	t0=$(<"$OUT/t0")
	# The exec of /bin/true: the command's first event of its own.
	t_exec=$(jq -r 'select(.event == "exec" and .filename == "/bin/true") | .t_ns' "$OUT/out" |
		head -n 1)
	t_first=$(head -n 1 "$OUT/out" | jq -r .t_ns)
	[[ -n $t_exec ]] || die "run $i: no exec event for /bin/true"
	echo "$((t_first - t0)) $((t_exec - t0))" >>"$OUT/times"
	sleep 0.05
done

# Whole runs, timed by the shell (exec to exit).
: >"$OUT/walls"
for ((i = 0; i < 10; i++)); do
	s=$EPOCHREALTIME
	"$PROCLIFE" "${EXTRA[@]}" -j -- /bin/true >/dev/null 2>&1
	e=$EPOCHREALTIME
	awk -v s="$s" -v e="$e" 'BEGIN { printf "%.0f\n", (e - s) * 1e9 }' >>"$OUT/walls"
done

stats() {	# column of a file: median p90 min max in ms
	sort -n | awk '{ a[++n] = $1 } END {
		k = int(0.9 * n + 0.999999)
		printf "median %.1f ms, p90 %.1f ms, min %.1f ms, max %.1f ms",
			(n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2) / 1e6,
			a[k] / 1e6, a[1] / 1e6, a[n] / 1e6 }'
}
echo "proclife start-up, $RUNS runs of: proclife ${EXTRA[*]} -j -- /bin/true (kernel $(uname -r), $(nproc) CPUs)"
echo "  exec of proclife -> first event (fork of the command): $(awk '{ print $1 }' "$OUT/times" | stats)"
echo "  exec of proclife -> exec of the command (attached):    $(awk '{ print $2 }' "$OUT/times" | stats)"
echo "  whole run, exec to exit (10 runs):                      $(stats <"$OUT/walls")"
awk '{ print $2 }' "$OUT/times" | sort -n | awk '{ a[++n] = $1 } END {
	m = n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2; p = a[int(0.9 * n + 0.999999)]
	printf "target <= 200 ms: median %s, p90 %s\n", m <= 2e8 ? "met" : "NOT met",
		p <= 2e8 ? "met" : "NOT met" }'
