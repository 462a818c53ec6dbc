#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# storm60.sh: does proclife lose anything in a long storm at maximum rate?
#
# Runs the workload (fork + exec + exit, one worker per CPU, as fast as it
# goes) for SECONDS under `proclife -j > FILE` with default settings, then
# checks, per workload process (by pid and start time, tools/plcount.sh), that
# its birth, exec, exit and reap are all in the stream, and that proclife
# reported no lost event.
#
#   tools/storm60.sh [-p PROCLIFE] [-t SECONDS] [-m MODE] [-j PARALLEL] [-o DIR]
#
# Exit status 0 when every task is complete and nothing was lost, 1 otherwise.
# Env: PROCLIFE_EXTRA (options added to proclife), KEEP=1 (keep the stream).

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROCLIFE=${PROCLIFE:-./proclife}
WORKLOAD=${WORKLOAD:-$HERE/build/workload}
SECS=60
MODE=forkexec
PARALLEL=$(nproc)
OUT=
KEEP=${KEEP:-0}
PROCLIFE_EXTRA=${PROCLIFE_EXTRA:-}

while getopts "p:t:m:j:o:h" opt; do
	case $opt in
	p) PROCLIFE=$OPTARG ;;
	t) SECS=$OPTARG ;;
	m) MODE=$OPTARG ;;
	j) PARALLEL=$OPTARG ;;
	o) OUT=$OPTARG ;;
	h) sed -n '3,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) exit 2 ;;
	esac
done

. "$HERE/lib.sh"
need_root_and_proclife
[[ -x $WORKLOAD ]] || die "no workload at $WORKLOAD: run 'make -C tools'"
[[ $MODE == forkexec || $MODE == vfork ]] || die "mode must exec: forkexec or vfork"
if [[ -z $OUT ]]; then
	OUT=$(mktemp -d /tmp/proclife-storm.XXXXXX) || die "mktemp failed"
else
	mkdir -p "$OUT" || die "cannot create $OUT"
fi

PL_PID=
cleanup() { [[ -n $PL_PID ]] && kill -TERM "$PL_PID" 2>/dev/null; }
trap cleanup EXIT

# shellcheck disable=SC2086 # PROCLIFE_EXTRA is a list of options
start_proclife "$OUT/stream.jsonl" "$OUT/proclife.err" $PROCLIFE_EXTRA -j

echo "storm60.sh: $MODE storm for ${SECS}s, -j $PARALLEL, under proclife -j > $OUT/stream.jsonl" >&2
"$WORKLOAD" -m "$MODE" -t "$SECS" -j "$PARALLEL" -q >"$OUT/wl.json" ||
	die "workload failed"
read -r ticks < <(awk '{ sub(/.*\) /, ""); split($0, f, " "); print f[12] + f[13] }' \
	"/proc/$PL_PID/stat")
hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$PL_PID/status")
t_stop=$(date +%s.%N)
kill -INT "$PL_PID"
wait "$PL_PID"
rc=$?
t_done=$(date +%s.%N)
PL_PID=
[[ $rc == 0 || $rc == 130 ]] || echo "storm60.sh: proclife exit status $rc" >&2

wl=$(cat "$OUT/wl.json")
tasks=$(jq .tasks <<<"$wl")
execs=$(jq .execs <<<"$wl")
helpers=$(jq .helpers <<<"$wl")
root=$(jq .pid <<<"$wl")
counts=$("$HERE/plcount.sh" "$root" "$OUT/stream.jsonl")
declare -A c
for kv in $counts; do c[${kv%%=*}]=${kv#*=}; done
totals=$(grep -oE '[0-9]+ events, [0-9]+ lost' "$OUT/proclife.err" | tail -n 1)
lost=$(awk '{ print $3 }' <<<"$totals")
size=$(stat -c %s "$OUT/stream.jsonl")

procs=$((tasks + helpers + 1))
fail=0
check() {	# name got want
	if [[ $2 == "$3" ]]; then
		printf '  %-34s %10s  ok\n' "$1" "$2"
	else
		printf '  %-34s %10s  FAIL (want %s)\n' "$1" "$2" "$3"
		fail=1
	fi
}
{
	echo "workload: $(jq -r '"\(.tasks) tasks in \(.seconds | floor) s, \(.rate_per_s | floor)/s, \(.helpers) workers"' <<<"$wl")"
	echo "proclife: ${totals:-no totals line}; stream $((size / 1048576)) MiB;" \
		"CPU $(awk -v t="$ticks" -v h="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / h }') s" \
		"during the storm; VmHWM $((hwm / 1024)) MiB;" \
		"drained $(awk -v a="$t_stop" -v b="$t_done" 'BEGIN { printf "%.2f", b - a }') s after the stop"
	check "processes in the workload's tree" "${c[procs]:-0}" "$procs"
	check "with a birth (fork) event" "$((procs - ${c[no_fork]:-$procs}))" "$procs"
	check "with an exec event" "${c[exec]:-0}" "$((execs + 1))"
	check "without exec (workers: no exec)" "${c[no_exec]:-0}" "$helpers"
	check "with an exit event" "$((procs - ${c[no_exit]:-$procs}))" "$procs"
	check "with a reap event" "$((procs - ${c[no_reap]:-$procs}))" "$procs"
	check "lost (totals line)" "${lost:-?}" 0
	check "lost (stream's lost records)" "${c[lost]:-?}" 0
	((fail)) && echo "RESULT: FAIL" || echo "RESULT: PASS (100% of $procs tasks complete, 0 lost)"
} | tee "$OUT/result.txt"
[[ $KEEP == 1 ]] || rm -f "$OUT/stream.jsonl"
exit $fail
