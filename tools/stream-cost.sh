#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# stream-cost.sh: the loader's instructions per event, counted by
# callgrind over tests/bench/stream_bench (synthetic storm records through
# the reorder stage, the decoder and the stream sink into /dev/null). The
# count does not depend on the machine's load, so before/after figures of
# one change compare on a shared machine.
#
#   make stream-bench               (builds build/tests/stream_bench)
#   tools/stream-cost.sh [BENCH] [TASKS]
#
# Prints, per format: events, instructions per event (whole program, the
# set-up and teardown of a run included, amortized over TASKS tasks), and
# CPU ns per event of a run without valgrind (noisy).
set -euo pipefail

BENCH=${1:-build/tests/stream_bench}
TASKS=${2:-20000}
command -v valgrind >/dev/null || { echo "stream-cost.sh: needs valgrind" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf '%-26s %8s %14s %12s\n' "workload" "events" "Ir/event" "ns/event"
for args in "" "-T" "-t" "-t -T"; do
	case "$args" in
	"") name="fork+exec storm, JSON" ;;
	"-T") name="thread storm -T, JSON" ;;
	"-t") name="fork+exec storm, text" ;;
	"-t -T") name="thread storm -T, text" ;;
	esac
	# shellcheck disable=SC2086
	valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" \
		"$BENCH" -n "$TASKS" $args > "$tmp/out" 2> "$tmp/err"
	events=$(sed -n 's/.* events \([0-9]*\) .*/\1/p' "$tmp/out")
	ir=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/err")
	# shellcheck disable=SC2086
	ns=$("$BENCH" -n $((TASKS * 10)) $args | sed -n 's/.*cpu_ns_per_event \([0-9.]*\).*/\1/p')
	printf '%-26s %8s %14.0f %12s\n' "$name" "$events" \
		"$(echo "$ir / $events" | bc -l)" "$ns"
done
