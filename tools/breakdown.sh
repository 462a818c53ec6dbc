#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# breakdown.sh: where a traced task's cost goes. For each storm, proclife is
# run whole and with one program (or group) left out at a time (the
# progskip.so shim: no special build), beside untraced runs, `perf record`
# of the sched lifecycle tracepoints, and empty BPF programs on the seven
# syscalls: tracepoints proclife uses (emptytp: the hook's cost alone).
#
#   tools/breakdown.sh                      every mode and configuration, 3 rounds
#   tools/breakdown.sh -m thread,fork -r 5 -c untraced,full,no-syscalls
#   tools/breakdown.sh -R DIR               the report of an earlier run again
#
# Per run: the workload's rate and CPU per task (getrusage of its children:
# BPF programs run there), the tracer's own CPU while the workload ran
# (schedstat) and its BPF programs' run time (BPF_ENABLE_STATS, delta over
# the workload). Configurations rotate each round; each traced run is
# compared with the mean of the nearest untraced runs before and after it.
# The cost of a configuration = (workload + tracer CPU per task) - untraced
# workload CPU per task; what a program costs = full's cost - the cost
# without it.
#
# Modes: fork, vfork, forkexec, thread (proclife streams with -T; the
# configuration "full-noT" without it), getppid (tools/build/sysloop: a
# system-call loop that creates no task).
#
# Needs root, tools built (make -C tools), perf for the perf configuration.

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
# run_rounds; its die and note are replaced by the ones below
. "$HERE/lib.sh"

SYSCALL_PROGS=handle_enter_execve,handle_enter_execveat,handle_exit_execve,handle_exit_execveat
SYSCALL_PROGS+=,handle_exit_wait4,handle_enter_waitid,handle_exit_waitid
SYSCALL_TPS=(syscalls/sys_enter_execve syscalls/sys_exit_execve
	syscalls/sys_enter_execveat syscalls/sys_exit_execveat
	syscalls/sys_exit_wait4 syscalls/sys_enter_waitid syscalls/sys_exit_waitid)

ALL_CONFIGS="untraced,perf,full,full-noT,quiet,nosched,no-syscalls,syscalls-only"
ALL_CONFIGS+=",empty-syscalls,no-switch,no-newtask,no-exec,no-exit,no-free,no-wait"
ALL_CONFIGS+=",no-execsys"
ALL_MODES="thread,fork,vfork,forkexec,getppid"

usage() {
	cat <<EOF
usage: tools/breakdown.sh [-p PROCLIFE] [-m MODES] [-c CONFIGS] [-r ROUNDS]
                          [-o OUTDIR] [-S]
       tools/breakdown.sh -R OUTDIR
  -p PROCLIFE  proclife binary, linked with libbpf dynamically (default ./proclife)
  -m MODES     default $ALL_MODES
  -c CONFIGS   default all: $ALL_CONFIGS
  -r ROUNDS    default 3
  -o OUTDIR    default a new /tmp/proclife-breakdown.XXXXXX
  -S           no BPF run-time statistics (they add ~70 ns to every program
               run on this VM: CPU figures without them, no BPF column)
Configurations (proclife ones stream JSON to a file, -j; -T in thread mode):
  full            every program proclife loads by default
  full-noT        thread mode only: without -T (thread events not streamed)
  quiet           -q: no stream (the loader still reads the ring buffer)
  nosched         --no-sched
  no-syscalls     without the 7 syscalls: programs ($SYSCALL_PROGS)
  syscalls-only   only those 7
  empty-syscalls  not proclife: empty BPF programs on those 7 tracepoints
  no-switch       without handle_switch_ts (accounting otherwise on)
  no-newtask, no-exec (handle_exec, handle_rename), no-exit (handle_exit_ts),
  no-free (handle_free_ts), no-wait (wait4, waitid programs),
  no-execsys (the 4 execve/execveat programs)
  perf            perf record -a of sched_process_{fork,exec,exit}
Env: COUNT_<MODE> (tasks per run: thread 40000, fork 10000, vfork 10000,
forkexec 10000, getppid 4000000), PARALLEL (workers, default CPUs),
SETTLE (s after attach, 0.3).
EOF
}

PROCLIFE=${PROCLIFE:-$PWD/proclife}
MODES=$ALL_MODES
CONFIGS=$ALL_CONFIGS
ROUNDS=3
OUTDIR=
STATS=1
REPORT_ONLY=
PARALLEL=${PARALLEL:-$(nproc)}
SETTLE=${SETTLE:-0.3}
WORKLOAD=$HERE/build/workload
SYSLOOP=$HERE/build/sysloop
EMPTYTP=$HERE/build/emptytp
PROGSKIP=$HERE/build/progskip.so
BPFSTATS=$HERE/build/bpfstats

while getopts "p:m:c:r:o:SR:h" opt; do
	case $opt in
	p) PROCLIFE=$OPTARG ;;
	m) MODES=$OPTARG ;;
	c) CONFIGS=$OPTARG ;;
	r) ROUNDS=$OPTARG ;;
	o) OUTDIR=$OPTARG ;;
	S) STATS=0 ;;
	R) REPORT_ONLY=$OPTARG ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done

die() { echo "breakdown.sh: $*" >&2; exit 1; }
note() { echo "breakdown.sh: $*" >&2; }

mode_count() {
	local v="COUNT_$1"
	case $1 in
	thread) echo "${!v:-40000}" ;;
	getppid) echo "${!v:-4000000}" ;;
	*) echo "${!v:-10000}" ;;
	esac
}

# ---- configurations: CMD (argv), ENVS (env assignments), READY (ERE) -------

cfg() {
	local name=$1 d=$2 t=()
	CMD=() ENVS=() READY='tracing|attached'
	[[ $MODE == thread ]] && t=(-T)
	case $name in
	untraced) ;;
	perf)
		CMD=(perf record -q -B -N -a -o "$d/perf.data"
		     -e sched:sched_process_fork,sched:sched_process_exec,sched:sched_process_exit)
		READY= ;;
	full) CMD=("$PROCLIFE" -j "${t[@]}") ;;
	full-noT) CMD=("$PROCLIFE" -j) ;;
	quiet) CMD=("$PROCLIFE" -q) ;;
	nosched) CMD=("$PROCLIFE" -j "${t[@]}" --no-sched) ;;
	empty-syscalls) CMD=("$EMPTYTP" "${SYSCALL_TPS[@]}") ;;
	# the seed iterator stays: proclife cannot start without it
	syscalls-only) CMD=("$PROCLIFE" -j "${t[@]}"); ENVS=("PROGSKIP_ONLY=$SYSCALL_PROGS,seed_tasks") ;;
	no-syscalls) skip "$SYSCALL_PROGS" ;;
	no-switch) skip handle_switch_ts ;;
	no-newtask) skip handle_newtask ;;
	no-exec) skip handle_exec,handle_rename ;;
	no-exit) skip handle_exit_ts ;;
	no-free) skip handle_free_ts ;;
	no-wait) skip handle_exit_wait4,handle_enter_waitid,handle_exit_waitid ;;
	no-execsys) skip handle_enter_execve,handle_enter_execveat,handle_exit_execve,handle_exit_execveat ;;
	*) die "unknown configuration '$name' (known: $ALL_CONFIGS)" ;;
	esac
	[[ ${#ENVS[@]} -gt 0 ]] && ENVS+=("LD_PRELOAD=$PROGSKIP")
}
skip() { CMD=("$PROCLIFE" -j "${t[@]}"); ENVS=("PROGSKIP_SKIP=$1"); }

# ---- measuring -------------------------------------------------------------

# CPU ns of every thread of the given processes (schedstat).
cpu_ns() {
	local pid f line t=0
	for pid in "$@"; do
		for f in /proc/"$pid"/task/*/schedstat; do
			{ read -r line <"$f"; } 2>/dev/null || continue
			t=$((t + ${line%% *}))
		done
	done
	echo "$t"
}

session_pids() {
	local f line fields pid
	for f in /proc/[0-9]*/stat; do
		{ read -r line <"$f"; } 2>/dev/null || continue
		pid=${line%% *}
		line=${line##*) }
		read -ra fields <<<"$line"
		[[ ${fields[3]} == "$1" ]] && echo "$pid"
	done
}

# "name run_time_ns run_cnt" of every BPF program the given processes hold.
bpf_snapshot() {
	local ids pid
	ids=$(for pid in "$@"; do
		grep -h '^prog_id:' /proc/"$pid"/fdinfo/* 2>/dev/null
	done | awk '{ print $2 }' | sort -un | paste -sd, -)
	[[ -z $ids ]] && return 0
	bpftool prog show -j 2>/dev/null | jq -r --arg ids "$ids" '
		($ids | split(",") | map(tonumber)) as $want
		| .[] | select(.id as $i | $want | index($i))
		| "\(.name)\t\(.run_time_ns // 0)\t\(.run_cnt // 0)"'
}

run_workload() {
	if [[ $MODE == getppid ]]; then
		"$SYSLOOP" -n "$(mode_count getppid)" -j "$PARALLEL" >"$1/wl.json" 2>"$1/wl.err"
	else
		"$WORKLOAD" -m "$MODE" -n "$(mode_count "$MODE")" -j "$PARALLEL" -q \
			>"$1/wl.json" 2>"$1/wl.err"
	fi
}

TRACER=
stop_tracer() {
	[[ -n $TRACER ]] || return 0
	kill -INT -- "-$TRACER" 2>/dev/null
	for _ in $(seq 1 600); do
		kill -0 "$TRACER" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL -- "-$TRACER" 2>/dev/null
	wait "$TRACER" 2>/dev/null
	TRACER=
}
HOLD=
cleanup() {
	stop_tracer
	[[ -n $HOLD ]] && kill -TERM "$HOLD" 2>/dev/null
}
trap cleanup EXIT
trap 'note interrupted; exit 130' INT TERM

# Appends: mode round config tasks rate wl_cpu_us_per_task tracer_cpu_ns bpf_ns
# and, to bpf.tsv, mode round config prog run_time_ns run_cnt (deltas).
run_one() {
	local round=$1 name=$2 d pids=() c0 c1 i
	SEQ=$((SEQ + 1))
	d=$OUTDIR/runs/$SEQ-$MODE-$name
	mkdir -p "$d"
	cfg "$name" "$d"
	if [[ ${#CMD[@]} -gt 0 ]]; then
		setsid env --default-signal=INT "${ENVS[@]}" "${CMD[@]}" \
			>"$d/out" 2>"$d/err" </dev/null &
		TRACER=$!
		if [[ -n $READY ]]; then
			for i in $(seq 1 300); do
				grep -qE "$READY" "$d/err" 2>/dev/null && break
				kill -0 "$TRACER" 2>/dev/null || break
				sleep 0.05
			done
			grep -qE "$READY" "$d/err" || { note "$name did not start: $(tail -n1 "$d/err")"; stop_tracer; return 1; }
		else
			sleep 1
		fi
		sleep "$SETTLE"
		mapfile -t pids < <(session_pids "$TRACER")
		[[ $STATS == 1 ]] && bpf_snapshot "${pids[@]}" >"$d/bpf0"
		c0=$(cpu_ns "${pids[@]}")
	fi
	run_workload "$d" || note "$MODE $name: workload failed: $(tail -n1 "$d/wl.err")"
	if [[ ${#CMD[@]} -gt 0 ]]; then
		c1=$(cpu_ns "${pids[@]}")
		[[ $STATS == 1 ]] && bpf_snapshot "${pids[@]}" >"$d/bpf1"
		stop_tracer
		rm -f "$d/out" "$d/perf.data"
	fi
	[[ -s $d/wl.json ]] || return 1
	local bpf=-
	if [[ -s $d/bpf1 ]]; then
		awk -F'\t' -v OFS='\t' -v m="$MODE" -v r="$round" -v c="$name" '
			NR == FNR { rt[$1] += $2; cnt[$1] += $3; next }
			{ print m, r, c, $1, $2 - rt[$1], $3 - cnt[$1] }' \
			"$d/bpf0" <(awk -F'\t' -v OFS='\t' '{ rt[$1] += $2; cnt[$1] += $3 }
				END { for (k in rt) print k, rt[k], cnt[k] }' "$d/bpf1") >>"$OUTDIR/bpf.tsv"
		bpf=$(awk -F'\t' -v c="$name" -v s="$SEQ" '$3 == c { t += $5 } END { print t + 0 }' \
			<(grep -P "^$MODE\t$round\t$name\t" "$OUTDIR/bpf.tsv"))
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$MODE" "$round" "$name" \
		"$(jq -r .tasks "$d/wl.json")" "$(jq -r .rate_per_s "$d/wl.json")" \
		"$(jq -r .cpu_us_per_task "$d/wl.json")" \
		"$( [[ ${#CMD[@]} -gt 0 ]] && echo $((c1 - c0)) || echo -)" "$bpf" >>"$OUTDIR/runs.tsv"
}

run_noted() {
	[[ $2 == untraced ]] || note "round $1/$ROUNDS $MODE: $2"
	run_one "$1" "$2"
}

# full-noT is the thread mode's alone
not_this_mode() {
	[[ $1 == full-noT && $MODE != thread ]]
}

run_all() {
	local c cfgs=() list=()
	IFS=, read -ra list <<<"$CONFIGS"
	IFS=, read -ra MODE_LIST <<<"$MODES"
	for c in "${list[@]}"; do
		[[ $c == untraced ]] || cfgs+=("$c")
	done
	if [[ $STATS == 1 ]]; then
		"$BPFSTATS" hold >"$OUTDIR/bpfstats.out" 2>&1 &
		HOLD=$!
		sleep 0.2
	fi
	date -u +%Y-%m-%dT%H:%M:%SZ >"$OUTDIR/date"
	cut -d' ' -f1-3 /proc/loadavg >"$OUTDIR/load.start"
	# an untraced run first and every 3 traced ones: drift cancels
	run_rounds "$ROUNDS" 0 3 run_noted not_this_mode "${cfgs[@]}"
	cut -d' ' -f1-3 /proc/loadavg >"$OUTDIR/load.end"
	printf '%s\n' "$MODES" >"$OUTDIR/modes"
	printf '%s\n' "untraced,${cfgs[*]}" | tr ' ' , >"$OUTDIR/configs"
}

# ---- report ----------------------------------------------------------------

report() {
	local m
	echo "## proclife cost breakdown, $(cat "$OUTDIR/date")"
	echo
	echo "Kernel $(uname -r), $(nproc) CPUs; load $(cat "$OUTDIR/load.start") at the start," \
		"$(cat "$OUTDIR/load.end") at the end. Medians over rounds (min..max)."
	echo "cost us/task = (workload CPU + tracer CPU) per task - untraced workload CPU per task" \
		"(the untraced reference: mean of the nearest untraced runs before and after)."
	echo "saves: full's cost minus this configuration's (what the part left out costs)."
	for m in $(tr , ' ' <"$OUTDIR/modes"); do
		echo
		echo "### $m"
		echo
		awk -F'\t' -v want="$m" -v order="$(cat "$OUTDIR/configs")" '
		function sortn(a, n,    i, j, t) {
			for (i = 2; i <= n; i++)
				for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
					t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
				}
		}
		function med(s,    a, n) {
			n = split(s, a, " "); if (!n) return ""
			sortn(a, n)
			return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
		}
		function mm(s, f,    a, n, i, lo, hi) {
			n = split(s, a, " "); if (!n) return "-"
			lo = hi = a[1]
			for (i = 2; i <= n; i++) { if (a[i] + 0 < lo + 0) lo = a[i]; if (a[i] + 0 > hi + 0) hi = a[i] }
			return sprintf(f ".." f, lo, hi)
		}
		$1 == want { n++; cfg[n] = $3; tasks[n] = $4; rate[n] = $5; cpu[n] = $6; tr[n] = $7; bpf[n] = $8 }
		END {
			for (i = 1; i <= n; i++) {
				if (cfg[i] == "untraced") { ucpu = ucpu " " cpu[i]; urate = urate " " rate[i]; continue }
				br = bc = nb = 0
				for (j = i - 1; j >= 1; j--) if (cfg[j] == "untraced") { br += rate[j]; bc += cpu[j]; nb++; break }
				for (j = i + 1; j <= n; j++) if (cfg[j] == "untraced") { br += rate[j]; bc += cpu[j]; nb++; break }
				if (!nb) continue
				br /= nb; bc /= nb
				c = cfg[i]
				tus = tr[i] == "-" ? 0 : tr[i] / 1000 / tasks[i]
				rr[c] = rr[c] " " rate[i] / br
				wr[c] = wr[c] " " cpu[i] / bc
				tc[c] = tc[c] " " tus
				cost[c] = cost[c] " " (cpu[i] + tus - bc)
				tot[c] = tot[c] " " (cpu[i] + tus) / bc
				if (bpf[i] != "-" && bpf[i] != "") bu[c] = bu[c] " " bpf[i] / 1000 / tasks[i]
			}
			printf "untraced: %.0f tasks/s, %.3f us CPU/task (median of %d runs)\n\n", med(urate), med(ucpu), split(ucpu, x, " ")
			print "| config | rate ratio | min..max | workload CPU ratio | BPF us/task | tracer CPU us/task | total CPU ratio | cost us/task | min..max | saves us/task |"
			print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
			full = med(cost["full"])
			nc = split(order, cs, ",")
			for (k = 2; k <= nc; k++) {
				c = cs[k]
				if (rr[c] == "") continue
				printf "| %s | %.3f | %s | %.3f | %s | %.3f | %.3f | %.3f | %s | %s |\n", c,
					med(rr[c]), mm(rr[c], "%.3f"), med(wr[c]),
					bu[c] == "" ? "-" : sprintf("%.2f", med(bu[c])),
					med(tc[c]), med(tot[c]), med(cost[c]), mm(cost[c], "%.3f"),
					(c ~ /^no-|^nosched$|^quiet$|^full-noT$/ && full != "") ? sprintf("%.3f", full - med(cost[c])) : "-"
			}
		}' "$OUTDIR/runs.tsv"
		if [[ -s $OUTDIR/bpf.tsv ]]; then
			echo
			echo "BPF run time of the full configuration, per program (median over rounds):"
			echo
			awk -F'\t' -v want="$m" '
			function sortn(a, n,    i, j, t) {
				for (i = 2; i <= n; i++)
					for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
						t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
					}
			}
			function med(s,    a, n) {
				n = split(s, a, " "); if (!n) return ""
				sortn(a, n)
				return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
			}
			FILENAME ~ /runs.tsv$/ { if ($1 == want && $3 == "full") tasks[$2] = $4; next }
			$1 == want && $3 == "full" && tasks[$2] > 0 && $6 > 0 {
				if (!($4 in seen)) { seen[$4] = 1; names[++np] = $4 }
				per[$4] = per[$4] " " $5 / 1000 / tasks[$2]
				ns[$4] = ns[$4] " " $5 / $6
				runs[$4] = runs[$4] " " $6 / tasks[$2]
			}
			END {
				print "| program | runs/task | ns/run | us/task |"
				print "|---|---:|---:|---:|"
				for (i = 1; i <= np; i++) {
					p = names[i]
					printf "| %s | %.2f | %.0f | %.3f |\n", p, med(runs[p]), med(ns[p]), med(per[p])
				}
			}' "$OUTDIR/runs.tsv" "$OUTDIR/bpf.tsv"
		fi
	done
}

if [[ -n $REPORT_ONLY ]]; then
	OUTDIR=$REPORT_ONLY
	report
	exit 0
fi

[[ $EUID -eq 0 ]] || die "must run as root"
for f in "$WORKLOAD" "$SYSLOOP" "$EMPTYTP" "$PROGSKIP" "$BPFSTATS"; do
	[[ -x $f || -r $f ]] || die "no $f: run 'make -C tools' first"
done
[[ -x $PROCLIFE ]] || die "no proclife at $PROCLIFE"
ldd "$PROCLIFE" 2>/dev/null | grep -q libbpf || die "$PROCLIFE does not link libbpf dynamically: progskip.so cannot act on it"
command -v jq >/dev/null || die "jq is missing"
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing ||
	die "cannot mount tracefs"
[[ -n $OUTDIR ]] || OUTDIR=$(mktemp -d /tmp/proclife-breakdown.XXXXXX)
mkdir -p "$OUTDIR/runs"
: >"$OUTDIR/runs.tsv"
: >"$OUTDIR/bpf.tsv"
note "outputs in $OUTDIR"
SEQ=0
run_all
report | tee "$OUTDIR/results.md"
