#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bpfns.sh: run time of each of proclife's BPF programs per invocation.
#
# The kernel only keeps totals per program (run_time_ns, run_cnt), so the
# median run time is approximated: tools/build/bpfstats samples the totals
# every INTERVAL ms while a workload runs, each interval with at least MIN
# runs gives one mean (delta run_time_ns / delta run_cnt), and the median of
# those interval means is reported with their 10th and 90th percentiles and
# the overall mean. Runs include every task on the machine, not only the
# workload's.
#
#   tools/bpfns.sh [-p PROCLIFE] [-m MODES] [-t SECONDS] [-i MS] [-n MIN]
#
# MODES default forkexec,thread (forkexec drives birth, exec, exit and reap;
# thread adds thread births and exits); SECONDS per mode (default 10); MS
# default 20; MIN default 20. Targets checked at the end: birth, exit and
# reap programs <= 300 ns, exec <= 1000 ns (median of interval means).
# Env: PROCLIFE_EXTRA (options added to proclife).

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROCLIFE=${PROCLIFE:-./proclife}
WORKLOAD=${WORKLOAD:-$HERE/build/workload}
BPFSTATS=$HERE/build/bpfstats
MODES=forkexec,thread
SECS=10
IVAL=20
MIN=20
PROCLIFE_EXTRA=${PROCLIFE_EXTRA:-}

while getopts "p:m:t:i:n:h" opt; do
	case $opt in
	p) PROCLIFE=$OPTARG ;;
	m) MODES=$OPTARG ;;
	t) SECS=$OPTARG ;;
	i) IVAL=$OPTARG ;;
	n) MIN=$OPTARG ;;
	h) sed -n '3,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) exit 2 ;;
	esac
done

. "$HERE/lib.sh"
need_root_and_proclife
[[ -x $WORKLOAD && -x $BPFSTATS ]] || die "run 'make -C tools' first"
OUT=$(mktemp -d /tmp/proclife-bpfns.XXXXXX) || die "mktemp failed"

PL_PID=
SAMPLER=
cleanup() {
	[[ -n $SAMPLER ]] && kill -TERM "$SAMPLER" 2>/dev/null
	[[ -n $PL_PID ]] && kill -TERM "$PL_PID" 2>/dev/null
}
trap cleanup EXIT

# shellcheck disable=SC2086 # PROCLIFE_EXTRA is a list of options
start_proclife /dev/null "$OUT/proclife.err" $PROCLIFE_EXTRA -j
# Full program names (the kernel keeps 15 bytes; bpftool reads BTF).
ids=$(grep -h '^prog_id:' /proc/"$PL_PID"/fdinfo/* | awk '{ print $2 }' | sort -un | paste -sd, -)
bpftool prog show -j | jq -r --arg ids "$ids" '($ids | split(",") | map(tonumber)) as $w
	| .[] | select(.id as $i | $w | index($i)) | "\(.id)\t\(.name)"' >"$OUT/names.tsv"

IFS=, read -ra mode_list <<<"$MODES"
for m in "${mode_list[@]}"; do
	"$BPFSTATS" sample -i "$IVAL" "$PL_PID" >"$OUT/$m.samples" &
	SAMPLER=$!
	"$WORKLOAD" -m "$m" -t "$SECS" -q >"$OUT/$m.wl.json" || die "workload $m failed"
	kill -INT "$SAMPLER"
	wait "$SAMPLER"
	SAMPLER=
	echo "bpfns.sh: $m: $(jq -r '"\(.tasks) tasks, \(.rate_per_s | floor)/s"' "$OUT/$m.wl.json")" >&2
done
kill -INT "$PL_PID"
wait "$PL_PID"
PL_PID=

echo "## proclife BPF run time per invocation"
echo
echo "Kernel $(uname -r), $(nproc) CPUs; ${SECS} s per mode; ${IVAL} ms intervals with >= $MIN runs;" \
	"medians of interval means (delta run_time_ns / delta run_cnt, BPF_ENABLE_STATS)."
for m in "${mode_list[@]}"; do
	echo
	echo "### Mode $m ($(jq -r '"\(.tasks) tasks, \(.rate_per_s | floor)/s"' "$OUT/$m.wl.json"))"
	echo
	echo "| program | runs | runs/s | ns/run mean | median of interval means | p10..p90 | intervals | target |"
	echo "|---|---:|---:|---:|---:|---:|---:|---|"
	awk -F'\t' -v min="$MIN" -v secs="$SECS" '
	function sortn(a, n,    i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	}
	function pct(s, p,    a, n, k) {
		n = split(s, a, " "); sortn(a, n)
		k = int(p * n + 0.999999); if (k < 1) k = 1
		return a[k]
	}
	NR == FNR { name[$1] = $2; next }
	{
		id = $2
		if (!(id in first_rt)) { first_rt[id] = $3; first_cnt[id] = $4; first_t[id] = $1 }
		else if ($4 - cnt[id] >= min) {
			iv[id] = iv[id] " " ($3 - rt[id]) / ($4 - cnt[id]); n[id]++
		}
		if (!(id in cnt) || $4 - cnt[id] >= min || $4 == cnt[id]) { rt[id] = $3; cnt[id] = $4 }
		last_rt[id] = $3; last_cnt[id] = $4; last_t[id] = $1
	}
	END {
		target["handle_newtask"] = 300; target["handle_exit_ts"] = 300
		target["handle_exit_hash"] = 300; target["handle_exit_wait4"] = 300
		target["handle_free_ts"] = 300; target["handle_free_hash"] = 300
		target["handle_exec"] = 1000
		for (id in last_cnt) {
			runs = last_cnt[id] - first_cnt[id]
			if (runs <= 0) continue
			nm = (id in name) ? name[id] : id
			med = n[id] ? pct(iv[id], 0.5) : -1
			t = "-"
			if ((nm in target) && n[id] < 10)
				t = "(too few runs)"
			else if (nm in target)
				t = sprintf("<= %d ns: %s", target[nm], med < 0 ? "?" : (med <= target[nm] ? "met" : sprintf("NOT met (+%.0f%%)", 100 * (med - target[nm]) / target[nm])))
			printf "| %s | %d | %.0f | %.0f | %s | %s | %d | %s |\n", nm, runs,
				runs / ((last_t[id] - first_t[id]) / 1e9),
				(last_rt[id] - first_rt[id]) / runs,
				med < 0 ? "-" : sprintf("%.0f", med),
				n[id] ? sprintf("%.0f..%.0f", pct(iv[id], 0.1), pct(iv[id], 0.9)) : "-",
				n[id], t
		}
	}' "$OUT/names.tsv" "$OUT/$m.samples" | sort -t'|' -k3,3nr
done
rm -rf "$OUT"
