#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# startup.sh: how long from starting proclife to tracing, and from the end
# of the traced command to proclife's exit?
#
# Runs `proclife -q -- CMD` RUNS times through tools/build/boottime-exec,
# which stamps CLOCK_BOOTTIME just before it execs proclife and again when
# proclife has exited. CMD is boottime-exec itself stamping its own start
# and then exec'ing /bin/true: proclife starts its command only once it is
# attached, so that stamp minus the first is exec-to-attached (the
# loader's own work: BTF, maps, the verifier, attaching, the seed). The
# end is the command's start to proclife's exit: the command's run, the
# last drain, the summary and the detach of every program.
#
#   tools/startup.sh [-p PROCLIFE] [-n RUNS] [-- PROCLIFE_OPTION...]
#
# RUNS default 30; options after -- replace -q (e.g. -- -j -o FILE).
# Target (issue 14): start-to-attached <= 200 ms, median.

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROCLIFE=${PROCLIFE:-./proclife}
STAMP=$HERE/build/boottime-exec
RUNS=30

while getopts "p:n:h" opt; do
	case $opt in
	p) PROCLIFE=$OPTARG ;;
	n) RUNS=$OPTARG ;;
	h) sed -n '3,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
OPTS=("$@")
((${#OPTS[@]})) || OPTS=(-q)

. "$HERE/lib.sh"
need_root_and_proclife
[[ -x $STAMP ]] || die "no $STAMP: run 'make -C tools'"
OUT=$(mktemp -d /tmp/proclife-startup.XXXXXX) || die "mktemp failed"
trap 'rm -rf "$OUT"' EXIT

: >"$OUT/times"
for ((i = 0; i < RUNS; i++)); do
	"$STAMP" -r "$OUT/t0" "$PROCLIFE" "${OPTS[@]}" -- \
		"$STAMP" "$OUT/t1" /bin/true >"$OUT/out" 2>"$OUT/err" ||
		die "run $i failed: $(tail -n 1 "$OUT/err")"
	{ read -r t0 && read -r t_end; } <"$OUT/t0"
	t1=$(<"$OUT/t1")
	[[ -n $t0 && -n $t_end && -n $t1 ]] || die "run $i: a stamp is missing"
	echo "$((t1 - t0)) $((t_end - t1)) $((t_end - t0))" >>"$OUT/times"
	sleep 0.05
done

stats() {	# one column: median p90 min max in ms
	sort -n | awk '{ a[++n] = $1 } END {
		k = int(0.9 * n + 0.999999)
		printf "median %.1f ms, p90 %.1f ms, min %.1f ms, max %.1f ms",
			(n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2) / 1e6,
			a[k] / 1e6, a[1] / 1e6, a[n] / 1e6 }'
}
median() {	# one column, in ms
	sort -n | awk '{ a[++n] = $1 } END {
		printf "%.1f", (n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2) / 1e6 }'
}
col() { awk -v c="$1" '{ print $c }' "$OUT/times"; }

attached=$(col 1 | median)
ending=$(col 2 | median)
whole=$(col 3 | median)
echo "proclife start-up, $RUNS runs of: proclife ${OPTS[*]} -- true (kernel $(uname -r), $(nproc) CPUs)"
echo "  exec of proclife -> exec of the command (attached): $(col 1 | stats)"
echo "  exec of the command -> exit of proclife (the end):  $(col 2 | stats)"
echo "  whole run, exec to exit:                            $(col 3 | stats)"
awk -v a="$attached" -v e="$ending" -v w="$whole" -v n="$RUNS" 'BEGIN {
	printf "start-up: attached %s ms, end %s ms, whole run %s ms (medians of %d); target <= 200 ms %s\n",
		a, e, w, n, a <= 200 ? "met" : "NOT met" }'
