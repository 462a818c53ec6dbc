#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/soak.sh [MINUTES] - does proclife leak under hours of churn?
#
# Runs a process storm in a loop for MINUTES (default 10) under two live
# proclife instances in stream mode:
#   devnull  proclife -j > /dev/null
#   file     proclife -j > FILE        (FILE removed at the end unless KEEP=1)
# samples each one's VmRSS and open fd count every 5 s into a TSV, then
# prints a table (one row a minute) and a verdict: after warm-up, RSS and fds
# must stay flat: the max over the last third of the run at most the max over
# the first third + 1 MiB (RSS) and + 0 (fds). Both instances must end with
# status 0 on SIGINT.
#
# Warm-up: 30 s in, both tracers are stopped (SIGSTOP) for SOAK_STALL
# seconds (default 3): the backlog that piles up in the ring buffer meanwhile
# is read at once on SIGCONT, so the buffers that grow with a backlog (the
# reorder arena: it never shrinks) reach their high-water mark inside the
# first third, as they would at the first burst of a long run; a stall under
# load later in the run then does not read as a leak. The TSV also has
# RssAnon (the heap: where a leak would show).
#
# Needs root, ./proclife and the fixtures (make && make fixtures). The
# workload: tests/fixtures/build/storm -n 500 -j 2, then threads 16, then
# 0.2 s of rest, over and over (~1000 processes/s on 2 cores), or the
# command in SOAK_WORKLOAD, run in a loop.
#
# Environment: PROCLIFE (default ./proclife), SOAK_DIR (default a new
# directory in /tmp: soak.tsv, the stream file, stderr logs), SOAK_INTERVAL
# (seconds between samples, default 5), SOAK_STALL (seconds, default 3; 0:
# no forced backlog), KEEP=1 keeps the stream file.
# Exit status: 0 flat, 1 growth or a failed instance, 2 usage.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
minutes=${1:-10}
case "$minutes" in
''|*[!0-9]*) echo "usage: $0 [MINUTES]" >&2; exit 2 ;;
esac
pl=${PROCLIFE:-$root/proclife}
fx=$root/tests/fixtures/build
interval=${SOAK_INTERVAL:-5}
dir=${SOAK_DIR:-$(mktemp -d /tmp/proclife-soak.XXXXXX)}
mkdir -p "$dir"
tsv=$dir/soak.tsv

[ "$(id -u)" = 0 ] || { echo "soak: needs root" >&2; exit 2; }
[ -x "$pl" ] || { echo "soak: no proclife at $pl (make)" >&2; exit 2; }
if [ -z "${SOAK_WORKLOAD:-}" ]; then
	for f in storm threads; do
		[ -x "$fx/$f" ] || { echo "soak: no $fx/$f (make fixtures)" >&2; exit 2; }
	done
fi

pids=()
wl=
cleanup() {
	[ -n "$wl" ] && kill "$wl" 2>/dev/null
	for p in "${pids[@]}"; do
		kill -INT "$p" 2>/dev/null
	done
	[ "${KEEP:-0}" = 1 ] || rm -f "$dir/stream.jsonl"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# --- the tracers -------------------------------------------------------------
"$pl" -j > /dev/null 2> "$dir/devnull.err" &
pids+=($!)
"$pl" -j > "$dir/stream.jsonl" 2> "$dir/file.err" &
pids+=($!)
names=(devnull file)
for i in 0 1; do
	for _ in $(seq 100); do
		grep -q tracing "$dir/${names[$i]}.err" && break
		sleep 0.1
	done
	grep -q tracing "$dir/${names[$i]}.err" || {
		echo "soak: proclife (${names[$i]}) did not start:" >&2
		cat "$dir/${names[$i]}.err" >&2
		exit 1
	}
done

# --- the workload ------------------------------------------------------------
(
	while :; do
		if [ -n "${SOAK_WORKLOAD:-}" ]; then
			sh -c "$SOAK_WORKLOAD" > /dev/null 2>&1
		else
			"$fx/storm" -n 500 -j 2 > /dev/null
			"$fx/threads" 16 > /dev/null
			sleep 0.2
		fi
	done
) &
wl=$!

# --- sampling ------------------------------------------------------------------
rss_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
nfds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }

printf 't_s\trss_kb_devnull\tfds_devnull\trss_kb_file\tfds_file\tanon_kb_devnull\tanon_kb_file\n' > "$tsv"
start=$(date +%s)
end=$((start + minutes * 60))
stall=${SOAK_STALL:-3}
stalled=0
echo "soak: $minutes min, sampling every ${interval}s into $tsv" >&2
while :; do
	now=$(date +%s)
	for p in "${pids[@]}"; do
		kill -0 "$p" 2>/dev/null || { echo "soak: proclife $p died" >&2; exit 1; }
	done
	if [ $stalled = 0 ] && [ "$stall" -gt 0 ] && [ $((now - start)) -ge 30 ]; then
		echo "soak: warm-up: both tracers stopped for ${stall}s (a backlog)" >&2
		kill -STOP "${pids[@]}"
		sleep "$stall"
		kill -CONT "${pids[@]}"
		stalled=1
	fi
	printf '%d\t%d\t%d\t%d\t%d\t%d\t%d\n' $((now - start)) \
		"$(rss_kb "${pids[0]}" VmRSS)" "$(nfds "${pids[0]}")" \
		"$(rss_kb "${pids[1]}" VmRSS)" "$(nfds "${pids[1]}")" \
		"$(rss_kb "${pids[0]}" RssAnon)" "$(rss_kb "${pids[1]}" RssAnon)" >> "$tsv"
	[ "$now" -ge "$end" ] && break
	sleep "$interval"
done

kill "$wl" 2>/dev/null
wait "$wl" 2>/dev/null
wl=
status=0
for i in 0 1; do
	kill -INT "${pids[$i]}"
	wait "${pids[$i]}"
	rc=$?
	totals=$(grep ' events, ' "$dir/${names[$i]}.err" | tail -1)
	echo "soak: ${names[$i]}: status $rc; $totals"
	[ $rc -eq 0 ] || status=1
done
pids=()
bytes=$(stat -c %s "$dir/stream.jsonl" 2>/dev/null || echo 0)
echo "soak: stream file: $((bytes / 1048576)) MiB, $(wc -l < "$dir/stream.jsonl") lines"

# --- table and verdict -----------------------------------------------------------
awk -F'\t' -v interval="$interval" '
NR == 1 { next }
{
	n++; t[n] = $1
	r[0, n] = $2; f[0, n] = $3; r[1, n] = $4; f[1, n] = $5
	a[0, n] = $6; a[1, n] = $7
}
END {
	printf "\n%7s  %27s  %27s\n", "", "devnull: RSS (heap)  fds", "file: RSS (heap)  fds"
	step = int(60 / interval); if (step < 1) step = 1
	for (i = 1; i <= n; i++)
		if (i == 1 || (i - 1) % step == 0 || i == n)
			printf "%4d:%02d  %8.1f MiB (%5.1f) %5d  %8.1f MiB (%5.1f) %5d\n",
				int(t[i] / 60), t[i] % 60, r[0, i] / 1024, a[0, i] / 1024,
				f[0, i], r[1, i] / 1024, a[1, i] / 1024, f[1, i]
	third = int(n / 3)
	if (third < 1) { print "\nsoak: too few samples for a verdict"; exit 1 }
	bad = 0
	split("devnull file", name, " ")
	for (k = 0; k < 2; k++) {
		fr = 0; ff = 0; lr = 0; lf = 0
		for (i = 1; i <= third; i++) {
			if (r[k, i] > fr) fr = r[k, i]
			if (f[k, i] > ff) ff = f[k, i]
		}
		for (i = n - third + 1; i <= n; i++) {
			if (r[k, i] > lr) lr = r[k, i]
			if (f[k, i] > lf) lf = f[k, i]
		}
		ok = lr <= fr + 1024 && lf <= ff
		printf "%s: RSS max %.1f MiB (first third) -> %.1f MiB (last third), fds %d -> %d: %s\n",
			name[k + 1], fr / 1024, lr / 1024, ff, lf, ok ? "flat" : "GROWS"
		if (!ok) bad = 1
	}
	exit bad
}' "$tsv" || status=1
if [ $status = 0 ]; then
	echo "soak: PASS (RSS and fds flat)"
else
	echo "soak: FAIL"
fi
exit $status
