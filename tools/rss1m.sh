#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# rss1m.sh: proclife's memory while it streams a storm of a million processes.
#
# Runs `workload -m fork -n COUNT` (the fastest way to make processes) under
# `proclife -j > /dev/null` and samples proclife's memory every second:
# VmHWM (the kernel's peak RSS), and from smaps the part of RSS that is the
# ring buffer's mapping (anon_inode:bpf-map: kernel pages, mapped twice for
# the wrap-around, so 2 x --ringbuf-size once touched) and the rest, the
# loader's own memory (heap, stack, binary, libraries).
#
#   tools/rss1m.sh [-p PROCLIFE] [-n COUNT] [-j PARALLEL] [-- PROCLIFE_OPTION...]
#
# COUNT default 1000000 (several minutes at ~10k processes/s). Reports the
# elapsed time, the rate, and the peaks; target: loader peak RSS <= 20 MiB.

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROCLIFE=${PROCLIFE:-./proclife}
WORKLOAD=${WORKLOAD:-$HERE/build/workload}
COUNT=1000000
PARALLEL=$(nproc)

while getopts "p:n:j:h" opt; do
	case $opt in
	p) PROCLIFE=$OPTARG ;;
	n) COUNT=$OPTARG ;;
	j) PARALLEL=$OPTARG ;;
	h) sed -n '3,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
EXTRA=("$@")

. "$HERE/lib.sh"
need_root_and_proclife
[[ -x $WORKLOAD ]] || die "no workload at $WORKLOAD: run 'make -C tools'"
OUT=$(mktemp -d /tmp/proclife-rss.XXXXXX) || die "mktemp failed"

PL_PID=
WL_PID=
cleanup() {
	[[ -n $WL_PID ]] && kill -TERM "$WL_PID" 2>/dev/null
	[[ -n $PL_PID ]] && kill -TERM "$PL_PID" 2>/dev/null
}
trap cleanup EXIT

# One line: t_s VmRSS_kB VmHWM_kB ringbuf_rss_kB own_rss_kB RssAnon_kB
mem_sample() {
	awk -v t="$1" '
		FILENAME ~ /status$/ && /^(VmRSS|VmHWM|RssAnon):/ { v[$1] = $2; next }
		FILENAME ~ /smaps$/ && /^[0-9a-f]+-[0-9a-f]+ / { ring = ($6 == "anon_inode:bpf-map"); next }
		FILENAME ~ /smaps$/ && /^Rss:/ { if (ring) r += $2; else o += $2 }
		END { printf "%s\t%d\t%d\t%d\t%d\t%d\n", t, v["VmRSS:"], v["VmHWM:"], r, o, v["RssAnon:"] }
	' "/proc/$2/status" "/proc/$2/smaps" 2>/dev/null
}

start_proclife /dev/null "$OUT/proclife.err" "${EXTRA[@]}" -j
mem_sample 0 "$PL_PID" >"$OUT/mem.tsv"
echo "rss1m.sh: fork storm of $COUNT processes under proclife ${EXTRA[*]} -j > /dev/null" >&2

t0=$SECONDS
"$WORKLOAD" -m fork -n "$COUNT" -j "$PARALLEL" -q >"$OUT/wl.json" &
WL_PID=$!
while kill -0 "$WL_PID" 2>/dev/null; do
	mem_sample $((SECONDS - t0)) "$PL_PID" >>"$OUT/mem.tsv"
	sleep 1
done
wait "$WL_PID" || die "workload failed"
WL_PID=
# Let it drain, then the last samples and the stop.
sleep 1
mem_sample $((SECONDS - t0)) "$PL_PID" >>"$OUT/mem.tsv"
ticks=$(awk '{ sub(/.*\) /, ""); split($0, f, " "); print f[12] + f[13] }' "/proc/$PL_PID/stat")
kill -INT "$PL_PID"
last=
while kill -0 "$PL_PID" 2>/dev/null; do
	s=$(mem_sample $((SECONDS - t0)) "$PL_PID")
	[[ -n $s && ${s#*	} != "0	0	0	0	0" ]] && last=$s
	sleep 0.05
done
wait "$PL_PID"
PL_PID=
[[ -n $last ]] && echo "$last" >>"$OUT/mem.tsv"

wl=$(cat "$OUT/wl.json")
awk -F'\t' -v wl="$(jq -r '"\(.tasks) processes in \(.seconds | floor) s (\(.rate_per_s | floor)/s)"' <<<"$wl")" \
	-v totals="$(grep -oE '[0-9]+ events, [0-9]+ lost' "$OUT/proclife.err" | tail -n 1)" \
	-v cpu="$(awk -v t="$ticks" -v h="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / h }')" '
	{
		if ($3 > hwm) hwm = $3
		if ($4 > ring) ring = $4
		if ($5 > own) own = $5
		if ($6 > anon) anon = $6
		if (NR == 1) { own0 = $5; anon0 = $6 }
		n++
	}
	END {
		printf "workload: %s\n", wl
		printf "proclife: %s; CPU %s s\n", totals, cpu
		printf "VmHWM (peak RSS, kernel):           %6.1f MiB\n", hwm / 1024
		printf "  ring buffer mapping (peak sample): %6.1f MiB\n", ring / 1024
		printf "  loader own RSS (peak sample):      %6.1f MiB (%.1f MiB at start)\n", own / 1024, own0 / 1024
		printf "  of which anonymous (peak sample):  %6.1f MiB (%.1f MiB at start)\n", anon / 1024, anon0 / 1024
		printf "samples: %d, one a second\n", n
		printf "target <= 20 MiB: VmHWM %s; own RSS %s\n",
			hwm <= 20480 ? "met" : sprintf("NOT met (+%.0f%%)", 100 * (hwm - 20480) / 20480),
			own <= 20480 ? "met" : sprintf("NOT met (+%.0f%%)", 100 * (own - 20480) / 20480)
	}' "$OUT/mem.tsv" | tee "$OUT/result.txt"
echo "rss1m.sh: samples in $OUT/mem.tsv (t_s VmRSS VmHWM ring own anon, kB)" >&2
