#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh: what tracing process lifecycles costs the traced system, for
# proclife and the usual peers, under fork/exec/thread-heavy workloads.
#
#   make bench                    the default run (< 10 minutes on 2 CPUs)
#   BENCH_QUICK=1 make bench      a smoke run of about a minute
#   tools/bench.sh -h             every option
#
# For each workload mode, every configuration is measured ROUNDS times, in an
# order that rotates each round, and each traced run is compared with the
# untraced run of the same round and mode, so drift (thermal, other load on
# the machine) cancels out of the ratios.
#
# Per mode and configuration: workload throughput and its ratio to untraced
# (median, min..max over rounds), the workload's CPU per task and its ratio
# (probes run in the traced tasks, so their cost lands there), the events the
# tracer captured of each kind against the exact count the workload reports,
# the events it says it lost, the tracer's own CPU time and peak RSS, and for
# BPF tracers the run time per BPF program invocation. For proclife also the
# median over short intervals of the mean run time per program
# (tools/build/bpfstats sample).
#
# Every tracer traces the whole machine: the tracer's CPU also covers whatever
# else runs meanwhile. Events are counted on the workload's process tree for
# proclife's JSON outputs (exact, by pid and start time), on the workload's
# comm for text outputs and peers.
#
# Needs root. Peers: apt-get install bpfcc-tools|libbpf-tools forkstat bpftrace
# linux-perf jq

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# run_rounds; its die and note are replaced by the ones below
. "$HERE/lib.sh"

ALL_CONFIGS="untraced,proclife-q,proclife-jsonl,proclife-text,proclife-timeline"
ALL_CONFIGS+=",execsnoop,exitsnoop,execsnoop+exitsnoop,forkstat,bpftrace,perf"
DEFAULT_MODES="forkexec,fork,vfork,thread,true,getppid"
EXTRA_MODES="chain,tree"

usage() {
	cat <<EOF
usage: tools/bench.sh [-p PROCLIFE] [-w WORKLOAD] [-m MODES] [-A] [-n COUNT]
                      [-j PARALLEL] [-r ROUNDS] [-c CONFIGS] [-o OUTDIR] [-q]
                      [PROCLIFE]
       tools/bench.sh -R OUTDIR     print the report of an earlier run again
  -p PROCLIFE  proclife binary (env PROCLIFE, default ./proclife); missing: its rows are skipped
  -w WORKLOAD  workload binary (env WORKLOAD, default tools/build/workload)
  -m MODES     comma-separated workload modes (env MODES, default $DEFAULT_MODES)
  -A           add the modes $EXTRA_MODES (env BENCH_ALL_MODES=1)
  -n COUNT     tasks per run (env COUNT; default 10000, 40000 for thread,
               3000 for true, 4000000 calls for getppid)
  -j PARALLEL  workload workers (env PARALLEL, default: CPUs)
  -r ROUNDS    rounds (env ROUNDS, default 3)
  -c CONFIGS   comma-separated subset (env CONFIGS), default all:
               $ALL_CONFIGS
               also available: proclife-jsonl-nosched (-j --no-sched),
               proclife-jsonl-tracepoint, proclife-jsonl-fentry (-j --hooks ...)
  -o OUTDIR    keep per-run outputs here (env OUTDIR, default a new /tmp dir)
  -q           quick smoke run, about a minute (env BENCH_QUICK=1): modes
               forkexec, thread and getppid, 1 round, 3000 tasks (10000
               threads, 1000000 calls)
Modes: fork, forkexec, vfork, thread, chain, tree (tools/build/workload);
true: fork + exec of the dynamically linked /bin/true (workload -x), its
events counted on the workload's tree (proclife's JSON outputs) only;
getppid: a system-call loop that creates no task (tools/build/sysloop), a
call standing for a task: what a tracer does to system calls it does not
trace (nothing is counted).
Other env: BASELINE=round|each (an untraced run once per round and mode, or
before every traced run: twice the untraced runs, steadier ratios on a busy
machine), BPF_STATS=1|0 (run-time statistics of BPF programs, default 1),
SAMPLE_MS (proclife's per-interval BPF sampling, default 100, 0 = off),
PROCLIFE_EXTRA (options added to every proclife run), SETTLE (s after a
tracer is ready, default 0.3), READY_TIMEOUT (s, 15), RUN_TIMEOUT (s, 300),
STOP_TIMEOUT (s, 60), KEEP=1 (keep the tracers' outputs; default: deleted
once counted).
EOF
}

PROCLIFE=${PROCLIFE:-./proclife}
WORKLOAD=${WORKLOAD:-$HERE/build/workload}
SYSLOOP=${SYSLOOP:-$HERE/build/sysloop}
BPFSTATS=${BPFSTATS:-$HERE/build/bpfstats}
MODES=${MODES:-}
COUNT=${COUNT:-}
PARALLEL=${PARALLEL:-$(nproc)}
ROUNDS=${ROUNDS:-}
CONFIGS=${CONFIGS:-$ALL_CONFIGS}
OUTDIR=${OUTDIR:-}
BPF_STATS=${BPF_STATS:-1}
SAMPLE_MS=${SAMPLE_MS:-100}
PROCLIFE_EXTRA=${PROCLIFE_EXTRA:-}
SETTLE=${SETTLE:-0.3}
BASELINE=${BASELINE:-round}
READY_TIMEOUT=${READY_TIMEOUT:-15}
RUN_TIMEOUT=${RUN_TIMEOUT:-300}
STOP_TIMEOUT=${STOP_TIMEOUT:-60}
KEEP=${KEEP:-0}
BENCH_QUICK=${BENCH_QUICK:-0}
BENCH_ALL_MODES=${BENCH_ALL_MODES:-0}
# Tasks of the workload keep this comm; peers' output is filtered on it, since
# they trace the whole machine.
WL_COMM=workload

REPORT_ONLY=
while getopts "p:w:m:An:j:r:c:o:qR:h" opt; do
	case $opt in
	p) PROCLIFE=$OPTARG ;;
	w) WORKLOAD=$OPTARG ;;
	m) MODES=$OPTARG ;;
	A) BENCH_ALL_MODES=1 ;;
	n) COUNT=$OPTARG ;;
	j) PARALLEL=$OPTARG ;;
	r) ROUNDS=$OPTARG ;;
	c) CONFIGS=$OPTARG ;;
	o) OUTDIR=$OPTARG ;;
	q) BENCH_QUICK=1 ;;
	R) REPORT_ONLY=$OPTARG ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[[ $# -gt 0 ]] && PROCLIFE=$1

if [[ $BENCH_QUICK == 1 ]]; then
	MODES=${MODES:-forkexec,thread,getppid}
	ROUNDS=${ROUNDS:-1}
	QUICK_COUNT=3000
else
	MODES=${MODES:-$DEFAULT_MODES}
	ROUNDS=${ROUNDS:-3}
	QUICK_COUNT=
fi
[[ $BENCH_ALL_MODES == 1 ]] && MODES+=",$EXTRA_MODES"

# Tasks per run of a mode: threads are cheap, so more of them.
mode_count() {
	if [[ -n $COUNT ]]; then
		echo "$COUNT"
	elif [[ -n $QUICK_COUNT ]]; then
		case $1 in
		thread) echo $((QUICK_COUNT * 10 / 3)) ;;
		getppid) echo 1000000 ;;
		true) echo 1000 ;;
		*) echo "$QUICK_COUNT" ;;
		esac
	else
		case $1 in
		thread) echo 40000 ;;
		getppid) echo 4000000 ;;
		true) echo 3000 ;;
		*) echo 10000 ;;
		esac
	fi
}

die() { echo "bench.sh: $*" >&2; exit 1; }
note() { echo "bench.sh: $*" >&2; }

IFS=, read -ra MODE_LIST <<<"$MODES"

# Checks and the output directory of a run (not of -R).
setup() {
	local m
	[[ $EUID -eq 0 ]] || die "must run as root (tracers need it)"
	[[ -x $WORKLOAD ]] || die "no workload at $WORKLOAD: run 'make -C tools' first"
	command -v jq >/dev/null || die "jq is missing: apt-get install jq"
	[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "bad ROUNDS '$ROUNDS'"
	[[ -z $COUNT || $COUNT =~ ^[1-9][0-9]*$ ]] || die "bad COUNT '$COUNT'"
	[[ $PARALLEL =~ ^[1-9][0-9]*$ ]] || die "bad PARALLEL '$PARALLEL'"
	[[ $SAMPLE_MS =~ ^[0-9]+$ ]] || die "bad SAMPLE_MS '$SAMPLE_MS'"
	case $BPF_STATS in 0|1) ;; *) die "bad BPF_STATS '$BPF_STATS' (0 or 1)" ;; esac
	case $BASELINE in round|each) ;; *) die "bad BASELINE '$BASELINE' (round or each)" ;; esac
	for m in "${MODE_LIST[@]}"; do
		case $m in
		fork|forkexec|vfork|thread|chain|tree|true) ;;
		getppid) [[ -x $SYSLOOP ]] || die "no sysloop at $SYSLOOP: run 'make -C tools' first" ;;
		*) die "unknown mode '$m' (fork, forkexec, vfork, thread, chain, tree, true, getppid)" ;;
		esac
	done
	if [[ $BPF_STATS == 1 && ! -x $BPFSTATS ]]; then
		die "no $BPFSTATS: run 'make -C tools' first (or BPF_STATS=0)"
	fi
	# Peers and proclife need tracefs for the sched tracepoints.
	if [[ ! -d /sys/kernel/tracing/events ]]; then
		mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null ||
			die "tracefs is not mounted and cannot be: mount -t tracefs tracefs /sys/kernel/tracing"
	fi
	# A relative PROCLIFE is relative to where bench.sh was started.
	[[ $PROCLIFE == */* && $PROCLIFE != /* ]] && PROCLIFE=$PWD/$PROCLIFE

	if [[ -z $OUTDIR ]]; then
		OUTDIR=$(mktemp -d /tmp/proclife-bench.XXXXXX) || die "mktemp failed"
	else
		mkdir -p "$OUTDIR" || die "cannot create $OUTDIR"
	fi
	: >"$OUTDIR/runs.tsv"
	: >"$OUTDIR/bpf.tsv"
	: >"$OUTDIR/intervals.tsv"
	: >"$OUTDIR/what.tsv"
}

if [[ -n $REPORT_ONLY ]]; then
	[[ -r $REPORT_ONLY/meta.sh ]] || die "no $REPORT_ONLY/meta.sh: not a bench.sh output directory"
	OUTDIR=$REPORT_ONLY
	# shellcheck source=/dev/null
	. "$OUTDIR/meta.sh"
else
	setup
fi
RUNS=$OUTDIR/runs.tsv
BPF_TSV=$OUTDIR/bpf.tsv
IVAL_TSV=$OUTDIR/intervals.tsv
CLK_TCK=$(getconf CLK_TCK)

# ---- cleanup: every process we started is ended ----------------------------

BG_PIDS=()		# tracers still running, each leads its own session
WL_PID=			# timeout(1) running the workload
SAMPLER_PID=
HOLD_PID=

cleanup() {
	local pid
	trap - EXIT INT TERM
	# timeout(1) passes the signal on to the workload's process group.
	[[ -n $WL_PID ]] && kill -TERM "$WL_PID" 2>/dev/null
	[[ -n $SAMPLER_PID ]] && kill -TERM "$SAMPLER_PID" 2>/dev/null
	for pid in "${BG_PIDS[@]}"; do
		# Each tracer runs in its own session: end it and anything it forked.
		kill -TERM -- "-$pid" 2>/dev/null
	done
	sleep 0.2
	for pid in "${BG_PIDS[@]}"; do
		kill -KILL -- "-$pid" 2>/dev/null
	done
	[[ -n $HOLD_PID ]] && kill -TERM "$HOLD_PID" 2>/dev/null
}
trap cleanup EXIT
trap 'note "interrupted"; exit 130' INT TERM

# ---- helpers ---------------------------------------------------------------

# A sleep without a fork: between the two 'times' samples of a tracer's stop,
# any child we reap would be counted as the tracer's CPU.
if [[ -z $REPORT_ONLY ]]; then
	mkfifo "$OUTDIR/.sleep" || die "mkfifo $OUTDIR/.sleep failed"
	exec {SLEEP_FD}<>"$OUTDIR/.sleep"
	rm -f "$OUTDIR/.sleep"
fi
nap() { read -r -t "$1" -u "$SLEEP_FD"; }

# Running and not yet a zombie (kill -0 succeeds on zombies). No fork.
alive() {
	local line=
	{ read -r line <"/proc/$1/stat"; } 2>/dev/null
	[[ -n $line ]] || return 1
	line=${line##*) }
	[[ ${line%% *} != Z ]]
}

# Pids of the processes in session $1 (the tracer and anything it started).
# $2 = 1 leaves the session leader out (a wrapper shell). No fork.
session_pids() {
	local f line fields pid
	for f in /proc/[0-9]*/stat; do
		{ read -r line <"$f"; } 2>/dev/null || continue
		pid=${line%% *}
		line=${line##*) }
		read -ra fields <<<"$line"
		# after "comm)": state ppid pgrp session
		[[ ${fields[3]} == "$1" ]] || continue
		[[ ${2:-0} == 1 && $pid == "$1" ]] && continue
		echo "$pid"
	done
}

# CPU ticks (user + system, all threads) of the given live processes.
cpu_ticks() {
	local s f pid t=0
	for pid in "$@"; do
		s=$(<"/proc/$pid/stat") || continue
		s=${s##*) }		# comm may hold spaces and parentheses
		read -ra f <<<"$s"
		t=$((t + f[11] + f[12]))
	done
	echo "$t"
}

# Sum of VmHWM (kB) of the given processes.
hwm_kb() {
	local pid line t=0
	for pid in "$@"; do
		while read -r line; do
			[[ $line == VmHWM:* ]] || continue
			line=${line#VmHWM:}
			t=$((t + ${line//[^0-9]/}))
		done <"/proc/$pid/status" 2>/dev/null
	done
	echo "$t"
}

# Children's CPU seconds in a 'times' output file. 'times' must run in this
# shell, not in a $(...) subshell, whose children's times start at zero.
children_cpu() {
	awk 'NR == 2 {
		n = split($0, a, " "); t = 0
		for (i = 1; i <= n; i++) {
			split(a[i], b, "m"); sub("s", "", b[2]); t += b[1] * 60 + b[2]
		}
		printf "%.3f\n", t
	}' "$1"
}

# Ready when READY_RE shows up in every file of READY_FILES or, when the
# configuration named none, in its stdout or its stderr (where a tracer says
# it is ready varies). Returns 0 ready, 1 dead, 2 timed out.
wait_ready() {
	local pid=$1 d=$2 deadline=$((SECONDS + READY_TIMEOUT)) f ok
	while ((SECONDS < deadline)); do
		alive "$pid" || return 1
		if [[ -z $READY_RE ]]; then
			sleep 1
			return 0
		fi
		if ((${#READY_FILES[@]} == 0)); then
			grep -qE -- "$READY_RE" "$d/out" "$d/err" 2>/dev/null && return 0
		else
			ok=1
			for f in "${READY_FILES[@]}"; do
				grep -qE -- "$READY_RE" "$f" 2>/dev/null || { ok=0; break; }
			done
			((ok)) && return 0
		fi
		sleep 0.05
	done
	return 2
}

# SIGINT to the tracer's process group, then SIGTERM and SIGKILL if it takes
# too long; sets STOP_RC. No fork in here (see nap).
stop_tracer() {
	local pid=$1 deadline=$((SECONDS + STOP_TIMEOUT)) sig=TERM i

	kill -INT -- "-$pid" 2>/dev/null
	while alive "$pid"; do
		if ((SECONDS >= deadline)); then
			note "pid $pid still running ${STOP_TIMEOUT}s after SIGINT: SIG$sig"
			kill -"$sig" -- "-$pid" 2>/dev/null
			deadline=$((SECONDS + 5))
			sig=KILL
		fi
		nap 0.05
	done
	wait "$pid"
	STOP_RC=$?
	for i in "${!BG_PIDS[@]}"; do
		[[ ${BG_PIDS[$i]} == "$pid" ]] && unset "BG_PIDS[$i]"
	done
}

# One line per BPF program held by the given pids: id name run_time_ns run_cnt.
bpf_prog_stats() {
	local ids pid
	ids=$(for pid in "$@"; do
		grep -h '^prog_id:' /proc/"$pid"/fdinfo/* 2>/dev/null
	done | awk '{ print $2 }' | sort -un | paste -sd, -)
	[[ -z $ids ]] && return 0
	# Names are cut at 15 bytes without BTF (bpftrace): number the
	# duplicates in load order, which is the same every round.
	bpftool prog show -j 2>/dev/null | jq -r --arg ids "$ids" '
		($ids | split(",") | map(tonumber)) as $want
		| [.[] | select(.id as $i | $want | index($i))] | sort_by(.id)
		| group_by(.name) | .[]
		| if length > 1 then to_entries | map(.value.name += "#\(.key + 1)" | .value)
		  else . end
		| .[] | "\(.id)\t\(.name)\t\(.run_time_ns // 0)\t\(.run_cnt // 0)"'
}

sum_lost() {
	# "Lost 12 events", "lost 3 events on CPU #1": add up the numbers.
	grep -hiE 'lost [0-9]+' "$@" 2>/dev/null |
		grep -oiE 'lost [0-9]+' | awk '{ n += $2 } END { print n + 0 }'
}

# ---- expected counts, from the workload's JSON line ------------------------
#
# P: processes of the workload's tree, the workload itself included (tasks,
#    unless they are threads, and the worker processes); T: threads; E: execs
#    (+1: the workload's own). Counted on the comm, a tree loses the
#    workload's own birth, which its parent (timeout) reports under its comm.
wl_field() { jq -r ".$2" "$1"; }
wl_procs() {
	local tasks
	tasks=$(wl_field "$1" tasks)
	[[ $MODE == thread ]] && tasks=0
	echo $((tasks + $(wl_field "$1" helpers) + 1))
}
wl_threads() { [[ $MODE == thread ]] && wl_field "$1" tasks || echo 0; }
wl_execs() { echo $(($(wl_field "$1" execs) + 1)); }

# ---- configurations --------------------------------------------------------
#
# cfg_NAME DIR sets:
#   CMD         the tracer's argv (empty: untraced); stdout -> DIR/out,
#               stderr -> DIR/err
#   NEED        the binary that must exist, and HINT how to get it
#   READY_RE    ERE that shows up in each of READY_FILES once it is attached
#               (empty: sleep 1)
#   IS_BPF      1 for BPF tracers (their program run time is measured)
#   WRAPPED     1 when CMD is a shell that runs several tracers (left out of
#               the CPU and RSS figures)
# (a "-" or "+" in NAME is "_" in the function names)
#
# count_NAME DIR WLJSON prints, after the stop:
#   fork_captured fork_expected exec_c exec_e exit_c exit_e reap_c reap_e lost
# with "-" where the tracer does not report that kind; sets WHAT, how it
# counted. fork includes thread births, exit thread exits, when the tracer
# shows threads.

cfg_untraced() { CMD=(); NEED=; READY_RE=; IS_BPF=0; }

cfg_execsnoop() {
	CMD=(execsnoop); NEED=execsnoop; HINT="apt-get install libbpf-tools"
	READY_RE='^PCOMM'; IS_BPF=1
}
count_comm_col1() { awk -v c="$WL_COMM" '$1 == c' "$1" | wc -l; }
count_execsnoop() {
	WHAT="execs by comm"
	echo - - "$(count_comm_col1 "$1/out")" "$(wl_execs "$2")" - - - - \
		"$(sum_lost "$1/err" "$1/out")"
}

cfg_exitsnoop() {
	CMD=(exitsnoop -T); NEED=exitsnoop; HINT="apt-get install libbpf-tools"
	READY_RE='^PCOMM'; IS_BPF=1
}
count_exitsnoop() {
	WHAT="exits of every thread (-T) by comm"
	echo - - - - "$(count_comm_col1 "$1/out")" \
		$(($(wl_procs "$2") + $(wl_threads "$2"))) - - "$(sum_lost "$1/err" "$1/out")"
}

cfg_execsnoop_exitsnoop() {
	# Both at once, in a shell that outlives them: SIGINT reaches the whole
	# group, the shell ignores it and waits for both.
	CMD=(sh -c 'execsnoop >"$1/out" 2>"$1/err" &
		exitsnoop -T >"$1/out2" 2>"$1/err2" &
		trap "" INT; wait' sh "$1")
	NEED=exitsnoop; HINT="apt-get install libbpf-tools"
	READY_RE='^PCOMM'; READY_FILES=("$1/out" "$1/out2"); IS_BPF=1; WRAPPED=1
}
count_execsnoop_exitsnoop() {
	WHAT="execsnoop execs + exitsnoop -T exits, by comm"
	echo - - "$(count_comm_col1 "$1/out")" "$(wl_execs "$2")" \
		"$(count_comm_col1 "$1/out2")" $(($(wl_procs "$2") + $(wl_threads "$2"))) - - \
		"$(sum_lost "$1/err" "$1/out" "$1/err2" "$1/out2")"
}

cfg_forkstat() {
	CMD=(forkstat -l -c -e "fork,exec,exit,clone"); NEED=forkstat
	HINT="apt-get install forkstat"; READY_RE='^Time +Event'; IS_BPF=0
}
count_forkstat() {
	# Names come from /proc and a task that is already gone prints as
	# <unknown>: those count too, so other load can inflate this a little.
	local n
	n=$(awk -v c="$WL_COMM" '$NF != c && $NF != "<unknown>" { next }
		($2 == "fork" || $2 == "clone") && ($4 == "child" || $4 == "thread") { f++ }
		$2 == "exec" { e++ }
		$2 == "exit" { x++ }
		END { print f + 0, e + 0, x + 0 }' "$1/out")
	read -r f e x <<<"$n"
	WHAT="by comm read from /proc, approximate; lost = ENOBUFS overflows (events unknown)"
	echo "$f" $(($(wl_procs "$2") - 1 + $(wl_threads "$2"))) "$e" "$(wl_execs "$2")" \
		"$x" $(($(wl_procs "$2") + $(wl_threads "$2"))) - - "$(grep -c 'nobufs' "$1/out")"
}

BT_PROG='tracepoint:sched:sched_process_fork { printf("fork %d %d %s\n", args->parent_pid, args->child_pid, comm); }
tracepoint:sched:sched_process_exec { printf("exec %d %s\n", pid, comm); }
tracepoint:sched:sched_process_exit { printf("exit %d %d %s\n", pid, tid, comm); }'

cfg_bpftrace() {
	CMD=(bpftrace -e "$BT_PROG"); NEED=bpftrace; HINT="apt-get install bpftrace"
	# "Attaching" comes before the attach: SETTLE covers the rest.
	READY_RE='^Attaching'; IS_BPF=1
}
# Lines "KIND ... COMM" (bpftrace) or "COMM KIND" (perf script): per kind.
count_kinds() {
	awk -v c="$WL_COMM" -v col="$2" '
		col == 1 && $NF == c { k = $1 }
		col == 2 && $1 == c { k = $2 }
		k ~ /fork/ { f++ } k ~ /exec/ { e++ } k ~ /exit/ { x++ }
		{ k = "" }
		END { print f + 0, e + 0, x + 0 }' "$1"
}
count_peer_kinds() {
	local f e x
	read -r f e x <<<"$1"
	echo "$f" $(($(wl_procs "$2") - 1 + $(wl_threads "$2"))) "$e" "$(wl_execs "$2")" \
		"$x" $(($(wl_procs "$2") + $(wl_threads "$2"))) - - "$3"
}
count_bpftrace() {
	WHAT="sched fork/exec/exit tracepoints, by comm"
	count_peer_kinds "$(count_kinds "$1/out" 1)" "$2" "$(sum_lost "$1/err" "$1/out")"
}

cfg_perf() {
	# -B: no build-id pass at the end, which would dominate its CPU time.
	CMD=(perf record -q -B -N -a -o "$1/perf.data"
	     -e "sched:sched_process_fork,sched:sched_process_exec,sched:sched_process_exit")
	NEED=perf; HINT="apt-get install linux-perf"; READY_RE=; IS_BPF=0
}
count_perf() {
	perf script -i "$1/perf.data" -F comm,event >"$1/out" 2>"$1/script.err"
	[[ $KEEP == 1 ]] || rm -f "$1/perf.data"
	WHAT="sched fork/exec/exit tracepoints, by comm"
	count_peer_kinds "$(count_kinds "$1/out" 2)" "$2" "$(sum_lost "$1/err" "$1/script.err")"
}

# ---- proclife configurations -----------------------------------------------
#
# Each is started as "$PROCLIFE [opts]" in the background like a peer; ready
# when its stderr says "attached" or "tracing"; stopped with SIGINT; its
# stderr then ends with a totals line "proclife: N events, M lost".
# In thread mode the streams get -T, so that thread births and exits are
# there to count (the BPF side traces threads either way).

proclife_cfg() {
	local t=()
	[[ $MODE == thread && ${1:-} != -q ]] && t=(-T)
	# shellcheck disable=SC2206 # PROCLIFE_EXTRA is a list of options
	CMD=("$PROCLIFE" $PROCLIFE_EXTRA "${t[@]}" "$@"); NEED=$PROCLIFE
	HINT="build proclife, or pass its path (-p / PROCLIFE)"
	READY_RE='attached|tracing'; IS_BPF=1
}
# "N events, M lost" from the totals line; "?" when there is none.
proclife_lost() {
	grep -oE '[0-9]+ events, [0-9]+ lost' "$1/err" | tail -n 1 |
		awk '{ l = $3 } END { print (l == "" ? "?" : l) }'
}

cfg_proclife_q() { proclife_cfg -q; }
count_proclife_q() {
	WHAT="no stream: totals line only"
	echo - - - - - - - - "$(proclife_lost "$1")"
}

cfg_proclife_jsonl() { proclife_cfg -j; }
count_proclife_jsonl() {
	local line k v P T E
	declare -A c=()
	line=$("$HERE/plcount.sh" -c "$WL_COMM" "$(wl_field "$2" pid)" "$1/out")
	for kv in $line; do
		k=${kv%%=*} v=${kv#*=}
		c[$k]=$v
	done
	P=$(wl_procs "$2") T=$(wl_threads "$2") E=$(wl_execs "$2")
	WHAT="the workload's tree by (pid, start), tools/plcount.sh"
	echo $((${c[fork]:-0} + ${c[thread]:-0})) $((P + T)) "${c[exec]:-0}" "$E" \
		$((${c[exit]:-0} + ${c[thread_exit]:-0})) $((P + T)) "${c[reap]:-0}" "$P" \
		"$(proclife_lost "$1")"
}

# Not in the default set: what the scheduler accounting costs.
cfg_proclife_jsonl_nosched() { proclife_cfg -j --no-sched; }
count_proclife_jsonl_nosched() { count_proclife_jsonl "$@"; }

# Not in the default set: one hook variant each (--hooks; the default,
# auto, takes fentry where the kernel allows it).
cfg_proclife_jsonl_tracepoint() { proclife_cfg -j --hooks tracepoint; }
count_proclife_jsonl_tracepoint() { count_proclife_jsonl "$@"; }
cfg_proclife_jsonl_fentry() { proclife_cfg -j --hooks fentry; }
count_proclife_jsonl_fentry() { count_proclife_jsonl "$@"; }

cfg_proclife_text() { proclife_cfg; }
count_proclife_text() {
	local n f e x r P T
	# TIME EVENT PID PPID COMM DETAILS
	n=$(awk -v c="$WL_COMM" '$5 != c { next }
		$2 == "fork" || $2 == "thread" { f++ }
		$2 == "exec" && $6 != "FAILED" { e++ }
		$2 == "exit" { x++ }
		$2 == "reap" { r++ }
		END { print f + 0, e + 0, x + 0, r + 0 }' "$1/out")
	read -r f e x r <<<"$n"
	P=$(wl_procs "$2") T=$(wl_threads "$2")
	WHAT="EVENT and COMM columns"
	echo "$f" $((P - 1 + T)) "$e" "$(wl_execs "$2")" "$x" $((P + T)) "$r" "$P" \
		"$(proclife_lost "$1")"
}

cfg_proclife_timeline() { proclife_cfg -o "$1/timeline.json" -q; }
count_proclife_timeline() {
	local n f e x r P T
	# The workload's tree: the process with its pid that exec'd it, and
	# everything below; threads other than the main one are thread births.
	n=$(jq -r --argjson root "$(wl_field "$2" pid)" --arg c "$WL_COMM" '
		INDEX(.processes[]; .id) as $by
		| [.processes[] | select(.pid == $root and
			any(.execs[]?; (.ret // 0) == 0 and (.argv[0] // "" | endswith($c))))][0].id
		| [recurse($by[.].children[]?)] | map($by[.]) as $ps
		| [([$ps[] | select(.created_by != null)] | length)
		   + ([$ps[] | .pid as $p | .threads[]? | select(.tid != $p)] | length),
		   ([$ps[] | .execs[]? | select((.ret // 0) == 0)] | length),
		   ([$ps[] | select(.exit_ns != null)] | length)
		   + ([$ps[] | .pid as $p | .threads[]? | select(.tid != $p and .exit_ns != null)] | length),
		   ([$ps[] | select(.reap_ns != null)] | length)]
		| map(tostring) | join(" ")' "$1/timeline.json" 2>/dev/null)
	read -r f e x r <<<"$n"
	P=$(wl_procs "$2") T=$(wl_threads "$2")
	WHAT="the workload's tree in the timeline (created_by, execs, exit_ns, reap_ns, threads)"
	echo "${f:-0}" $((P + T)) "${e:-0}" "$(wl_execs "$2")" "${x:-0}" $((P + T)) \
		"${r:-0}" "$P" "$(proclife_lost "$1")"
	[[ $KEEP == 1 ]] || rm -f "$1/timeline.json"
}
# ---- end of proclife configurations ----------------------------------------

# ---- one run ---------------------------------------------------------------

# In the background so that cleanup can stop it; timeout(1) runs it in a
# process group of its own and ends the whole group on expiry.
run_workload() {
	local rc wl=("$WORKLOAD" -m "$MODE")
	[[ $MODE == true ]] && wl=("$WORKLOAD" -m forkexec -x /bin/true)
	[[ $MODE == getppid ]] && wl=("$SYSLOOP")
	timeout -k 5 "$RUN_TIMEOUT" "${wl[@]}" -n "$(mode_count "$MODE")" \
		-j "$PARALLEL" -q >"$1/wl.json" 2>"$1/wl.err" &
	WL_PID=$!
	wait "$WL_PID"
	rc=$?
	WL_PID=
	((rc == 124)) && echo "timed out after ${RUN_TIMEOUT}s" >>"$1/wl.err"
	return "$rc"
}

# Interval means from a bpfstats sample file: mode config prog_id mean_ns
# for each interval with at least MIN runs. Names are joined later.
interval_means() {
	awk -v mode="$MODE" -v cfg="$2" -v min=20 -F'\t' '
		{
			id = $2
			if (id in rt) {
				dr = $3 - rt[id]; dc = $4 - cnt[id]
				if (dc >= min) printf "%s\t%s\t%s\t%.1f\n", mode, cfg, id, dr / dc
			}
			rt[id] = $3; cnt[id] = $4
		}' "$1"
}

# CPU time in ns of every thread of the given processes (schedstat: exact,
# where /proc/PID/stat counts clock ticks). No fork.
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

# Appends one row to runs.tsv:
#    1 mode  2 round  3 config  4 rate  5 wl_cpu_us_per_task
#    6 tracer_cpu_to_stop_s  7 tracer_cpu_total_s  8 hwm_kb
#    9..16 fork_c fork_e exec_c exec_e exit_c exit_e reap_c reap_e
#   17 lost  18 note  19 seq  20 tracer_cpu_during_workload_ns  21 tasks
#   22 bpf_run_time_ns (the tracer's programs, whole run)
RUN_SEQ=0
run_row() {
	local IFS=$'\t'
	echo "$*" >>"$RUNS"
}

run_config() {
	local round=$1 name=$2 fn=${2//[-+]/_} d pid rc ticks hwm cpu0 cpu1
	local cpu_run cpu_total counts=() remark="" pids=() dash8=(- - - - - - - -)

	RUN_SEQ=$((RUN_SEQ + 1))
	d=$OUTDIR/$MODE-r$round-$name
	[[ -e $d ]] && d+=-$RUN_SEQ
	mkdir -p "$d"
	CMD=(); NEED=; HINT=; READY_RE=; READY_FILES=(); IS_BPF=0; WRAPPED=0
	"cfg_$fn" "$d"

	if [[ ${#CMD[@]} -eq 0 ]]; then
		if ! run_workload "$d"; then
			note "$MODE round $round $name: workload failed: $(tail -n 1 "$d/wl.err")"
			return 1
		fi
		run_row "$MODE" "$round" "$name" "$(wl_field "$d/wl.json" rate_per_s)" \
			"$(wl_field "$d/wl.json" cpu_us_per_task)" - - - "${dash8[@]}" - "" \
			"$RUN_SEQ" - "$(wl_field "$d/wl.json" tasks)"
		return 0
	fi

	# Own session (so cleanup can end its whole group); SIGINT restored, as
	# a non-interactive shell starts background jobs with it ignored.
	setsid env --default-signal=INT "${CMD[@]}" >"$d/out" 2>"$d/err" </dev/null &
	pid=$!
	BG_PIDS+=("$pid")
	wait_ready "$pid" "$d"
	rc=$?
	if ((rc == 1)); then
		wait "$pid"
		note "$MODE round $round $name: exited before it was ready (status $?): $(tail -n 1 "$d/err")"
		run_row "$MODE" "$round" "$name" - - - - - "${dash8[@]}" - "died at start" \
			"$RUN_SEQ" - -
		return 1
	fi
	((rc == 2)) && remark="no ready signal after ${READY_TIMEOUT}s; "
	sleep "$SETTLE"

	mapfile -t pids < <(session_pids "$pid" "$WRAPPED")
	if [[ $name == proclife-* && $BPF_STATS == 1 && $SAMPLE_MS -gt 0 ]]; then
		"$BPFSTATS" sample -i "$SAMPLE_MS" "${pids[@]}" >"$d/samples.tsv" 2>/dev/null &
		SAMPLER_PID=$!
	fi
	cpu0=$(cpu_ns "${pids[@]}")
	if ! run_workload "$d"; then
		note "$MODE round $round $name: workload failed: $(tail -n 1 "$d/wl.err")"
		remark+="workload failed; "
	fi
	cpu1=$(cpu_ns "${pids[@]}")
	if [[ -n $SAMPLER_PID ]]; then
		kill -INT "$SAMPLER_PID" 2>/dev/null
		wait "$SAMPLER_PID"
		SAMPLER_PID=
	fi
	# Sample the tracer while it still runs: after the stop it is gone.
	ticks=$(cpu_ticks "${pids[@]}")
	hwm=$(hwm_kb "${pids[@]}")
	if [[ $IS_BPF == 1 && $BPF_STATS == 1 ]]; then
		bpf_prog_stats "${pids[@]}" >"$d/bpf.tsv"
		while IFS=$'\t' read -r id prog rt cnt; do
			printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$MODE" "$round" "$name" "$prog" "$rt" "$cnt"
		done <"$d/bpf.tsv" >>"$BPF_TSV"
		if [[ -s $d/samples.tsv && -s $d/bpf.tsv ]]; then
			# prog_id -> name, from this run's bpftool listing
			interval_means "$d/samples.tsv" "$name" |
				awk -F'\t' -v OFS='\t' 'NR == FNR { name[$1] = $2; next }
					($3 in name) { $3 = name[$3]; print }' "$d/bpf.tsv" - >>"$IVAL_TSV"
		fi
	fi
	times >"$d/times0"
	stop_tracer "$pid"
	times >"$d/times1"
	rc=$STOP_RC
	cpu_total=$(awk -v a="$(children_cpu "$d/times0")" -v b="$(children_cpu "$d/times1")" \
		'BEGIN { printf "%.3f", b - a }')
	case $rc in
	0|130) ;;
	*) remark+="exit status $rc; " ;;
	esac
	cpu_run=$(awk -v t="$ticks" -v h="$CLK_TCK" 'BEGIN { printf "%.3f", t / h }')

	if [[ ! -s $d/wl.json ]]; then
		run_row "$MODE" "$round" "$name" - - "$cpu_run" "$cpu_total" "$hwm" \
			"${dash8[@]}" - "${remark%; }" "$RUN_SEQ" $((cpu1 - cpu0)) -
		return 1
	fi
	# Not in $(...): the count function also sets WHAT.
	WHAT=
	"count_$fn" "$d" "$d/wl.json" >"$d/counts" 2>"$d/count.err"
	read -ra counts <"$d/counts"
	((${#counts[@]} == 9)) || { counts=("${dash8[@]}" "?"); remark+="count failed; "; }
	# no tasks to count; /bin/true's comm is not the workload's
	if [[ $MODE == getppid ||
	      ($MODE == true && $name != proclife-jsonl* && $name != proclife-timeline) ]]; then
		counts=("${dash8[@]}" "${counts[8]}")
	fi
	run_row "$MODE" "$round" "$name" "$(wl_field "$d/wl.json" rate_per_s)" \
		"$(wl_field "$d/wl.json" cpu_us_per_task)" "$cpu_run" "$cpu_total" "$hwm" \
		"${counts[@]}" "${remark%; }" "$RUN_SEQ" $((cpu1 - cpu0)) \
		"$(wl_field "$d/wl.json" tasks)" \
		"$(awk -F'\t' '{ t += $3 } END { print NR ? t : "-" }' "$d/bpf.tsv" 2>/dev/null || echo -)"
	grep -q "^$name	" "$OUTDIR/what.tsv" || printf '%s\t%s\n' "$name" "$WHAT" >>"$OUTDIR/what.tsv"
	if [[ $KEEP != 1 ]]; then
		rm -f "$d/out" "$d/out2"
	fi
}

# ---- main ------------------------------------------------------------------

# Tracers of other users of the machine: their probes also run in the
# "untraced" runs, which makes every ratio look better than it is.
foreign_tracers() {
	local pid comm out=()
	for pid in $(pgrep -x 'proclife|execsnoop|exitsnoop|forkstat|bpftrace|perf|runqlat' 2>/dev/null); do
		[[ $pid == "$HOLD_PID" ]] && continue
		comm=$(tr '\0\n' '  ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-60)
		[[ -n $comm ]] && out+=("$pid ${comm% }")
	done
	(IFS=';'; echo "${out[*]}")
}

run_noted() {
	note "round $1/$ROUNDS, $MODE: $2"
	run_config "$1" "$2"
}

run_all() {
	local c want=()

	IFS=, read -ra want <<<"$CONFIGS"
	# Untraced is the reference of every ratio: always in, always measured.
	CFGS=(untraced)
	SKIPPED=()
	for c in "${want[@]}"; do
		[[ $c == untraced ]] && continue
		if ! declare -F "cfg_${c//[-+]/_}" >/dev/null; then
			die "unknown configuration '$c' (known: $ALL_CONFIGS,proclife-jsonl-nosched,proclife-jsonl-tracepoint,proclife-jsonl-fentry)"
		fi
		CMD=(); NEED=; HINT=; MODE=
		"cfg_${c//[-+]/_}" "$OUTDIR"
		if [[ -n $NEED ]] && ! command -v -- "$NEED" >/dev/null; then
			SKIPPED+=("$c: skipped, $NEED not found ($HINT)")
			continue
		fi
		CFGS+=("$c")
	done

	if [[ $BPF_STATS == 1 ]]; then
		"$BPFSTATS" hold >"$OUTDIR/bpfstats.out" 2>&1 &
		HOLD_PID=$!
		sleep 0.2
		alive "$HOLD_PID" || die "bpfstats hold failed: $(cat "$OUTDIR/bpfstats.out")"
	fi

	FOREIGN_START=$(foreign_tracers)
	LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
	RUN_DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	[[ -n $FOREIGN_START ]] && note "other tracers are running, untraced is not untraced: $FOREIGN_START"
	T_START=$SECONDS
	note "modes=$MODES parallel=$PARALLEL rounds=$ROUNDS baseline=$BASELINE configs=${CFGS[*]}"
	note "outputs in $OUTDIR"
	# BASELINE=each: an untraced run before every traced one, and last
	run_rounds "$ROUNDS" 1 "$([[ $BASELINE == each ]] && echo 1 || echo 0)" \
		run_noted "" "${CFGS[@]}"
	ELAPSED=$((SECONDS - T_START))
	FOREIGN_END=$(foreign_tracers)
	LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
	# What -R needs to print the report again.
	declare -p CFGS SKIPPED MODE_LIST ROUNDS PARALLEL ELAPSED SAMPLE_MS COUNT \
		QUICK_COUNT FOREIGN_START FOREIGN_END LOAD_START LOAD_END RUN_DATE BASELINE >"$OUTDIR/meta.sh"
}

# ---- report ----------------------------------------------------------------

median_awk='
function sortn(a, n,    i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
}
function median(s,    a, n) {
	n = split(s, a, " ")
	if (n == 0) return ""
	sortn(a, n)
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function pct(s, p,    a, n, k) {
	n = split(s, a, " ")
	if (n == 0) return ""
	sortn(a, n)
	k = int(p * n + 0.999999); if (k < 1) k = 1; if (k > n) k = n
	return a[k]
}
function minmax(s, fmt,    a, n, i, lo, hi) {
	n = split(s, a, " ")
	lo = hi = a[1]
	for (i = 2; i <= n; i++) {
		if (a[i] + 0 < lo + 0) lo = a[i]
		if (a[i] + 0 > hi + 0) hi = a[i]
	}
	return sprintf(fmt ".." fmt, lo, hi)
}
function add(arr, k, v) { if (v != "-" && v != "" && v != "?") arr[k] = arr[k] " " v }
'

# Every row gets its baseline: the mean of the nearest untraced runs of the
# same mode before and after it, so slow drift of the machine cancels out.
# Sets, per row i: mode[i] cfg[i] rnd[i] f[i, col]; base_rate[i] base_cpu[i].
baseline_awk='
{
	n++
	mode[n] = $1; rnd[n] = $2; cfg[n] = $3
	for (k = 4; k <= 22; k++) f[n, k] = $k
}
function baselines(    i, j, br, bc, nb) {
	for (i = 1; i <= n; i++) {
		if (cfg[i] == "untraced" || f[i, 4] == "-") continue
		br = bc = nb = 0
		for (j = i - 1; j >= 1; j--)
			if (mode[j] == mode[i] && cfg[j] == "untraced" && f[j, 4] != "-") {
				br += f[j, 4]; bc += f[j, 5]; nb++; break
			}
		for (j = i + 1; j <= n; j++)
			if (mode[j] == mode[i] && cfg[j] == "untraced" && f[j, 4] != "-") {
				br += f[j, 4]; bc += f[j, 5]; nb++; break
			}
		if (nb) { base_rate[i] = br / nb; base_cpu[i] = bc / nb }
	}
}
'

mode_table() {
	awk -F'\t' -v want="$1" -v order="${CFGS[*]}" "$median_awk$baseline_awk"'
	function capcell(c, k,    p) {
		if (!((c, k) in seen)) return "-"
		p = worst[c, k]
		if (wcap[c, k] == wwant[c, k]) return "100%"
		return sprintf("%.1f%% (%d/%d)", p, wcap[c, k], wwant[c, k])
	}
	END {
		baselines()
		for (i = 1; i <= n; i++) {
			if (mode[i] != want) continue
			c = cfg[i]
			add(rate, c, f[i, 4]); add(wcpu, c, f[i, 5])
			if (i in base_rate) {
				ratios[c] = ratios[c] " " f[i, 4] / base_rate[i]
				cratios[c] = cratios[c] " " f[i, 5] / base_cpu[i]
				if (f[i, 22] != "-" && f[i, 22] != "" && f[i, 21] > 0)
					add(bpfus, c, f[i, 22] / 1000 / f[i, 21])
				if (f[i, 20] != "-" && f[i, 21] > 0) {
					tus = f[i, 20] / 1000 / f[i, 21]
					add(tcpu, c, tus)
					tratios[c] = tratios[c] " " (f[i, 5] + tus) / base_cpu[i]
				}
			}
			add(cpur, c, f[i, 6]); add(cput, c, f[i, 7])
			if (f[i, 8] != "-" && f[i, 8] + 0 > hwm[c] + 0) hwm[c] = f[i, 8]
			l = f[i, 17]
			if (l != "-" && l != "") { add(lost, c, l); if (l + 0 > maxlost[c]) maxlost[c] = l }
			if (l == "?") nototal[c] = 1
			for (k = 0; k < 4; k++) {
				cap = f[i, 9 + 2 * k]; wnt = f[i, 10 + 2 * k]
				if (cap == "-" || cap == "" || wnt == "" || wnt == "-") continue
				seen[c, k] = 1
				p = wnt > 0 ? 100 * cap / wnt : 100
				if (!((c, k) in worst) || p < worst[c, k]) {
					worst[c, k] = p; wcap[c, k] = cap; wwant[c, k] = wnt
				}
			}
			if (f[i, 18] != "") notes[c] = notes[c] (notes[c] ? "; " : "") "r" rnd[i] ": " f[i, 18]
		}
		print "| config | rate/s | rate ratio | min..max | workload CPU/task ratio | BPF us/task | tracer CPU us/task | total CPU/task ratio | fork | exec | exit | reap | lost (max) | tracer CPU s | tracer peak RSS MiB | notes |"
		print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
		nc = split(order, cs, " ")
		for (j = 1; j <= nc; j++) {
			c = cs[j]
			m = median(rate[c])
			u = c == "untraced"
			printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", c,
				m == "" ? "-" : sprintf("%.0f", m),
				u ? "1" : (ratios[c] == "" ? "-" : sprintf("%.3f", median(ratios[c]))),
				u || ratios[c] == "" ? "-" : minmax(ratios[c], "%.3f"),
				u ? "1" : (cratios[c] == "" ? "-" : sprintf("%.3f", median(cratios[c]))),
				bpfus[c] == "" ? "-" : sprintf("%.1f", median(bpfus[c])),
				tcpu[c] == "" ? "-" : sprintf("%.1f", median(tcpu[c])),
				u ? "1" : (tratios[c] == "" ? "-" : sprintf("%.3f", median(tratios[c]))),
				capcell(c, 0), capcell(c, 1), capcell(c, 2), capcell(c, 3),
				nototal[c] ? "? (no totals line)" : (lost[c] == "" ? "-" : maxlost[c] + 0),
				cpur[c] == "" ? "-" : sprintf("%.2f / %.2f", median(cpur[c]), median(cput[c])),
				hwm[c] == "" ? "-" : sprintf("%.1f", hwm[c] / 1024),
				notes[c]
		}
	}' "$RUNS"
}

# Per configuration and mode, the median of a ratio ($1): rate (traced
# workload rate / untraced) or cost (total CPU per task, workload + tracer,
# / untraced workload CPU per task). Sets v[mode, cfg] in the awk below.
ratio_awk='
function ratios(metric,    i, tus) {
	baselines()
	for (i = 1; i <= n; i++) {
		if (!(i in base_rate)) continue
		if (metric == "rate")
			v[mode[i], cfg[i]] = v[mode[i], cfg[i]] " " f[i, 4] / base_rate[i]
		else if (f[i, 20] != "-" && f[i, 20] != "" && f[i, 21] > 0) {
			tus = f[i, 20] / 1000 / f[i, 21]
			v[mode[i], cfg[i]] = v[mode[i], cfg[i]] " " (f[i, 5] + tus) / base_cpu[i]
		}
	}
}
'

# One ratio (median) of every configuration in every mode.
summary_table() {
	awk -F'\t' -v metric="$1" -v order="${CFGS[*]}" -v modes="${MODE_LIST[*]}" \
		"$median_awk$baseline_awk$ratio_awk"'
	END {
		ratios(metric)
		nm = split(modes, ms, " ")
		printf "| config |"
		for (j = 1; j <= nm; j++) printf " %s |", ms[j]
		printf "\n|---|"
		for (j = 1; j <= nm; j++) printf "---:|"
		printf "\n"
		nc = split(order, cs, " ")
		for (k = 2; k <= nc; k++) {
			printf "| %s |", cs[k]
			for (j = 1; j <= nm; j++)
				printf " %s |", v[ms[j], cs[k]] == "" ? "-" : sprintf("%.3f", median(v[ms[j], cs[k]]))
			printf "\n"
		}
	}' "$RUNS"
}

# Each proclife configuration against perf record of the same run, per
# mode: rate ratio and cost ratio, and their differences to perf's (the
# issue-14 targets: rate >= 0.95, cost <= 1.05, within 0.03 of perf).
versus_perf_table() {
	awk -F'\t' -v order="${CFGS[*]}" -v modes="${MODE_LIST[*]}" \
		"$median_awk$baseline_awk$ratio_awk"'
	function med(m, c) { return v[m, c] == "" ? "" : median(v[m, c]) }
	END {
		ratios("rate")
		for (k in v) rate[k] = v[k]
		delete v
		ratios("cost")
		nm = split(modes, ms, " ")
		nc = split(order, cs, " ")
		print "| mode | config | rate ratio | perf rate ratio | rate - perf | cost ratio | perf cost ratio | cost - perf | targets |"
		print "|---|---|---:|---:|---:|---:|---:|---:|---|"
		for (j = 1; j <= nm; j++) {
			m = ms[j]
			pr = rate[m, "perf"] == "" ? "" : median(rate[m, "perf"])
			pc = med(m, "perf")
			for (k = 1; k <= nc; k++) {
				c = cs[k]
				if (c !~ /^proclife/ || c == "proclife-q") continue
				r = rate[m, c] == "" ? "" : median(rate[m, c])
				cc = med(m, c)
				if (r == "" && cc == "") continue
				t = ""
				if (r != "" && r < 0.95) t = t "rate<0.95 "
				if (cc != "" && cc > 1.05) t = t "cost>1.05 "
				if (r != "" && pr != "" && r < pr - 0.03) t = t "rate<perf-0.03 "
				if (cc != "" && pc != "" && cc > pc + 0.03) t = t "cost>perf+0.03 "
				printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", m, c,
					r == "" ? "-" : sprintf("%.3f", r),
					pr == "" ? "-" : sprintf("%.3f", pr),
					r == "" || pr == "" ? "-" : sprintf("%+.3f", r - pr),
					cc == "" ? "-" : sprintf("%.3f", cc),
					pc == "" ? "-" : sprintf("%.3f", pc),
					cc == "" || pc == "" ? "-" : sprintf("%+.3f", cc - pc),
					t == "" ? "met" : t
			}
		}
	}' "$RUNS"
}

# BPF run time per program: proclife configurations pooled, peers each.
bpf_table() {
	awk -F'\t' -v mode="$1" -v ivf="$IVAL_TSV" "$median_awk"'
	BEGIN {
		while ((getline l < ivf) > 0) {
			split(l, a, "\t")
			if (a[1] != mode) continue
			g = a[2] ~ /^proclife-/ ? "proclife (all outputs)" : a[2]
			iv[g, a[3]] = iv[g, a[3]] " " a[4]; niv[g, a[3]]++
		}
	}
	$1 != mode { next }
	{
		g = $3 ~ /^proclife-/ ? "proclife (all outputs)" : $3
		k = g SUBSEP $4
		if (!(k in rt)) { keys[++nk] = k }
		rt[k] += $5; cnt[k] += $6; runs[k] = runs[k] " " $6
	}
	END {
		print "| tracer | program | runs per run (median) | ns/run (mean) | ns/run, median of interval means | p10..p90 of interval means | intervals |"
		print "|---|---|---:|---:|---:|---:|---:|"
		for (i = 1; i <= nk; i++) {
			k = keys[i]; split(k, kk, SUBSEP)
			if (median(runs[k]) == 0) continue
			printf "| %s | %s | %d | %s | %s | %s | %s |\n", kk[1], kk[2], median(runs[k]),
				(cnt[k] > 0 ? sprintf("%.0f", rt[k] / cnt[k]) : "-"),
				((k in iv) ? sprintf("%.0f", median(iv[k])) : "-"),
				((k in iv) ? sprintf("%.0f..%.0f", pct(iv[k], 0.1), pct(iv[k], 0.9)) : "-"),
				((k in iv) ? niv[k] : "-")
		}
	}' < <(sort -t $'\t' -k1,1 -k3,3 -k4,4 "$BPF_TSV")
}

report() {
	local m cpu
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	echo "## proclife bench, ${RUN_DATE:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}"
	echo
	echo "Kernel $(uname -r), $(nproc) CPUs ($cpu)," \
		"$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM;" \
		"workload -j $PARALLEL, $ROUNDS round(s), $((ELAPSED / 60)) min $((ELAPSED % 60)) s;" \
		"load average ${LOAD_START:-?} at the start, ${LOAD_END:-?} at the end."
	echo "Medians over rounds. Rate ratio = traced workload rate / untraced rate, the" \
		"untraced rate being the mean of the nearest untraced runs of the same mode" \
		"before and after (untraced runs: $([[ ${BASELINE:-round} == each ]] &&
			echo "before every traced run" || echo "one per round and mode"));" \
		"1 = no slowdown. Workload CPU/task ratio: the same for the CPU" \
		"time per task of the workload and its descendants (probes run there). BPF us/task:" \
		"run time of the tracer's BPF programs per task (all their runs, the machine's" \
		"other tasks included; part of the workload's CPU). Tracer CPU" \
		"us/task: the tracer's own CPU while the workload ran, per task; total CPU/task" \
		"ratio = (workload + tracer CPU per task) / untraced workload CPU per task, the" \
		"least noisy measure on a busy machine. fork/exec/exit/reap: events captured /" \
		"the workload's exact count, worst round (fork includes thread births, exit" \
		"thread exits, where the tracer shows threads; '-': not reported by that" \
		"tracer). Tracer CPU s: from its start to the end of the workload / to its exit" \
		"(start-up and shutdown included). Peak RSS: VmHWM, summed over the tracer's processes."
	if [[ -n ${FOREIGN_START:-}${FOREIGN_END:-} ]]; then
		echo
		echo "**Other tracers were running** (their probes slow the untraced runs too," \
			"so ratios read closer to 1 than on an idle machine): at the start:" \
			"${FOREIGN_START:-none}; at the end: ${FOREIGN_END:-none}."
	fi
	echo
	echo "### Rate ratio to untraced, all modes (median)"
	echo
	summary_table rate
	echo
	echo "### Cost ratio (total CPU per task, workload + tracer, to untraced), all modes (median)"
	echo
	summary_table cost
	if [[ " ${CFGS[*]} " == *" perf "* ]]; then
		echo
		echo "### proclife against perf record, same run (medians; targets: rate ratio >= 0.95," \
			"cost ratio <= 1.05, each within 0.03 of perf record's)"
		echo
		versus_perf_table
	fi
	for m in "${MODE_LIST[@]}"; do
		echo
		echo "### Mode $m ($(mode_count "$m") tasks per run)"
		echo
		mode_table "$m"
		if [[ -s $BPF_TSV ]]; then
			echo
			echo "BPF run time, mode $m (BPF_ENABLE_STATS; runs include other tasks' events;" \
				"interval means over ${SAMPLE_MS} ms intervals with >= 20 runs):"
			echo
			bpf_table "$m"
		fi
	done
	echo
	echo "How events were counted:"
	echo
	awk -F'\t' '{ printf "- %s: %s\n", $1, $2 }' "$OUTDIR/what.tsv"
	for s in "${SKIPPED[@]}"; do
		echo "- $s"
	done
}

if [[ -n $REPORT_ONLY ]]; then
	report
	exit 0
fi
run_all
report | tee "$OUTDIR/results.md"
note "results in $OUTDIR/results.md"
