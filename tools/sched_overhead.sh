#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# sched_overhead.sh: what proclife's scheduler accounting costs the traced
# system, against no tracing, proclife without accounting, and two peers that
# also hook the scheduler (libbpf-tools runqlat, perf sched record).
#
# Workloads: `perf bench sched pipe` (two tasks ping-ponging through a pipe:
# nearly all of its time is context switches and wakeups) and `perf bench
# sched messaging` (groups of senders and receivers on sockets: switches,
# wakeups and 20 * 2 * groups forks and exits per run).
#
# Throughput: every configuration runs both workloads once per round, in an
# order that rotates each round; each traced run is divided by the untraced
# run of the same round, so drift (other load, thermal) cancels out of the
# ratio. Reported per configuration: median throughput, and the ratio to
# untraced as median (min..max) over the rounds.
#
# Cost per event: with kernel.bpf_stats_enabled=1 the kernel adds up, per BPF
# program, the time spent in it (run_time_ns) and the runs (run_cnt). Their
# quotient over a whole benchmark is the MEAN time per run, which is what
# bpftool shows; it is reported as the stand-in for the median, which the
# kernel does not keep. As an estimate of the median, the counters are also
# sampled every SAMPLE_MS during the benchmark and the median of the
# per-interval means is given (with their p10..p90; intervals with fewer
# than a quarter of the busiest one's runs, before the benchmark starts or
# after it ends, are left out): a median of means, not
# of single runs, but robust to the few slow intervals (page faults, storage
# allocation at first sight of a task, preemption of the tracer's reader).
# The stats phase runs separately from the throughput rounds, because
# bpf_stats itself adds two clock reads to every run of every program.
#
# Needs root, perf (linux-perf), python3, bpftool; runqlat from libbpf-tools
# (apt-get install libbpf-tools) for its rows, else they are skipped.

set -uo pipefail

usage() {
	cat <<EOF
usage: tools/sched_overhead.sh [-p PROCLIFE] [-r ROUNDS] [-l PIPE_LOOPS]
                               [-g MSG_GROUPS] [-m MSG_LOOPS] [-c CONFIGS]
                               [-s SAMPLE_MS] [-S] [-T] [-o OUTDIR]
  -p PROCLIFE   proclife binary (env PROCLIFE, default ./proclife)
  -r ROUNDS     throughput rounds (env ROUNDS, default 5)
  -l LOOPS      perf bench sched pipe -l (env PIPE_LOOPS, default 200000)
  -g GROUPS     perf bench sched messaging -g (env MSG_GROUPS, default 10)
  -m LOOPS      perf bench sched messaging -l (env MSG_LOOPS, default 200)
  -c CONFIGS    comma-separated subset (env CONFIGS), default all:
                $ALL_CONFIGS
                (and proclife-base: the binary in env PROCLIFE_BASE, an earlier
                build for a before/after comparison)
  -s SAMPLE_MS  bpf_stats sampling interval (env SAMPLE_MS, default 100)
  -S            stats phase only (no throughput rounds)
  -T            throughput rounds only (no stats phase)
  -o OUTDIR     keep raw results here (env OUTDIR, default a new /tmp dir)
Env BENCHES picks workloads (default "pipe pipe1 messaging"; pipe1 is
pipe pinned to one CPU). Writes the Markdown tables to stdout and to OUTDIR/results.md.
EOF
}

BENCHES=${BENCHES:-pipe pipe1 messaging}
ALL_CONFIGS="untraced,proclife,proclife-nosched,runqlat,perf-sched"
# not in the default run: it needs PROCLIFE_BASE
KNOWN_CONFIGS="$ALL_CONFIGS,proclife-base"

PROCLIFE=${PROCLIFE:-./proclife}
ROUNDS=${ROUNDS:-5}
PIPE_LOOPS=${PIPE_LOOPS:-200000}
MSG_GROUPS=${MSG_GROUPS:-10}
MSG_LOOPS=${MSG_LOOPS:-200}
CONFIGS=${CONFIGS:-$ALL_CONFIGS}
SAMPLE_MS=${SAMPLE_MS:-100}
OUTDIR=${OUTDIR:-}
DO_ROUNDS=1
DO_STATS=1
READY_TIMEOUT=${READY_TIMEOUT:-20}
RUNQLAT=${RUNQLAT:-/usr/sbin/runqlat}

while getopts "p:r:l:g:m:c:s:STo:h" opt; do
	case $opt in
	p) PROCLIFE=$OPTARG ;;
	r) ROUNDS=$OPTARG ;;
	l) PIPE_LOOPS=$OPTARG ;;
	g) MSG_GROUPS=$OPTARG ;;
	m) MSG_LOOPS=$OPTARG ;;
	c) CONFIGS=$OPTARG ;;
	s) SAMPLE_MS=$OPTARG ;;
	S) DO_ROUNDS=0 ;;
	T) DO_STATS=0 ;;
	o) OUTDIR=$OPTARG ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done

die() { echo "sched_overhead.sh: $*" >&2; exit 1; }
note() { echo "sched_overhead.sh: $*" >&2; }

[[ $EUID -eq 0 ]] || die "must run as root (tracers and bpf_stats need it)"
for n in ROUNDS PIPE_LOOPS MSG_GROUPS MSG_LOOPS SAMPLE_MS; do
	[[ ${!n} =~ ^[1-9][0-9]*$ ]] || die "bad $n '${!n}': a positive whole number"
done
command -v perf >/dev/null || die "perf is missing: apt-get install linux-perf"
command -v python3 >/dev/null || die "python3 is missing"
command -v bpftool >/dev/null || die "bpftool is missing: apt-get install bpftool"
[[ $PROCLIFE == */* && $PROCLIFE != /* ]] && PROCLIFE=$PWD/$PROCLIFE
[[ -x $PROCLIFE ]] || die "no proclife at $PROCLIFE: run make, or pass -p"
IFS=, read -ra CFG_LIST <<<"$CONFIGS"
for c in "${CFG_LIST[@]}"; do
	[[ ,$KNOWN_CONFIGS, == *,$c,* ]] || die "unknown configuration '$c' (known: $KNOWN_CONFIGS)"
done
[[ ,$CONFIGS, == *,untraced,* ]] ||
	die "the configurations must include untraced (ratios are to it)"

if [[ -z $OUTDIR ]]; then
	OUTDIR=$(mktemp -d /tmp/proclife-sched-overhead.XXXXXX) || die "mktemp failed"
else
	mkdir -p "$OUTDIR" || die "cannot create $OUTDIR"
fi
RUNS=$OUTDIR/runs.tsv
RESULTS=$OUTDIR/results.md

# ---- cleanup: tracers we started are ended, the sysctl restored ------------

TRACER_PID=
SAMPLER_PID=
STATS_SAVED=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo 0)

cleanup() {
	trap - EXIT INT TERM
	[[ -n $SAMPLER_PID ]] && kill -TERM "$SAMPLER_PID" 2>/dev/null
	if [[ -n $TRACER_PID ]]; then
		# each tracer leads its own session (setsid): end it and its children
		kill -INT -- "-$TRACER_PID" 2>/dev/null
		sleep 1
		kill -KILL -- "-$TRACER_PID" 2>/dev/null
	fi
	sysctl -qw kernel.bpf_stats_enabled="$STATS_SAVED" 2>/dev/null
}
trap cleanup EXIT
trap 'note "interrupted"; exit 130' INT TERM

# ---- configurations --------------------------------------------------------

# cfg_NAME DIR sets CMD (the tracer's argv, empty for none) and READY (how
# to tell it is attached: "stderr:REGEX", "links" = holds BPF links, "file:PATH").
cfg_untraced() { CMD=(); READY=; }
cfg_proclife() { CMD=("$PROCLIFE" -q); READY="stderr:tracing"; }
cfg_proclife_nosched() { CMD=("$PROCLIFE" -q --no-sched); READY="stderr:tracing"; }
# an earlier build (env PROCLIFE_BASE), for a before/after comparison
cfg_proclife_base() { CMD=("$PROCLIFE_BASE" -q); READY="stderr:tracing"; }
cfg_runqlat() { CMD=("$RUNQLAT"); READY="links"; }
cfg_perf_sched() { CMD=(perf sched record -a -o "$1/perf.data"); READY="file:$1/perf.data"; }

available() {
	case $1 in
	proclife-base)
		[[ -n ${PROCLIFE_BASE:-} && -x $PROCLIFE_BASE ]] && return 0
		note "PROCLIFE_BASE is not set to a proclife binary: skipped"
		return 1 ;;
	runqlat)
		[[ -x $RUNQLAT ]] && return 0
		note "no $RUNQLAT (apt-get install libbpf-tools): skipped"
		return 1 ;;
	esac
	return 0
}

# Holds at least one BPF link: attached.
has_links() { grep -qs '^link_id:' /proc/"$1"/fdinfo/* 2>/dev/null; }

alive() { [[ -e /proc/$1 ]] && ! grep -qs '^State:.*Z' /proc/"$1"/status; }

# start_tracer NAME DIR: sets TRACER_PID (empty for untraced).
start_tracer() {
	local name=$1 dir=$2 deadline
	TRACER_PID=
	"cfg_${name//-/_}" "$dir"
	[[ ${#CMD[@]} -eq 0 ]] && return 0
	setsid "${CMD[@]}" >"$dir/out" 2>"$dir/err" </dev/null &
	TRACER_PID=$!
	deadline=$((SECONDS + READY_TIMEOUT))
	while ((SECONDS < deadline)); do
		alive "$TRACER_PID" || { note "$name ended early: $(tail -n 3 "$dir/err")"; return 1; }
		case $READY in
		stderr:*) grep -qE -- "${READY#stderr:}" "$dir/err" && break ;;
		links) has_links "$TRACER_PID" && break ;;
		file:*) [[ -s ${READY#file:} ]] && break ;;
		esac
		sleep 0.1
	done
	((SECONDS < deadline)) || { note "$name not ready after ${READY_TIMEOUT}s"; return 1; }
	sleep 0.5	# let it settle (its first reads, the seed of running tasks)
}

stop_tracer() {
	local pid=$TRACER_PID i
	[[ -z $pid ]] && return 0
	kill -INT "$pid" 2>/dev/null
	for ((i = 0; i < 600; i++)); do
		alive "$pid" || break
		sleep 0.1
	done
	alive "$pid" && kill -KILL -- "-$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	TRACER_PID=
	rm -f "$1/perf.data" "$1/perf.data.old"
}

# ---- workloads: seconds of one run -----------------------------------------

bench_pipe() {
	perf bench sched pipe -l "$PIPE_LOOPS" 2>&1 | awk '/Total time:/ { print $3 }'
}
# the same pinned to one CPU: no idle CPU to wake, every op two switches
# back to back, the densest load of switches (and so of proclife's work)
bench_pipe1() {
	taskset -c 0 perf bench sched pipe -l "$PIPE_LOOPS" 2>&1 |
		awk '/Total time:/ { print $3 }'
}
bench_messaging() {
	perf bench sched messaging -g "$MSG_GROUPS" -l "$MSG_LOOPS" 2>&1 |
		awk '/Total time:/ { print $3 }'
}

# ---- throughput rounds -----------------------------------------------------

run_rounds() {
	local r i n=${#CFG_LIST[@]} name dir secs bench
	local -a order
	: >"$RUNS"
	for ((r = 0; r < ROUNDS; r++)); do
		order=()
		for ((i = 0; i < n; i++)); do
			order+=("${CFG_LIST[$(((i + r) % n))]}")
		done
		note "round $((r + 1))/$ROUNDS: ${order[*]}"
		for name in "${order[@]}"; do
			available "$name" || continue
			dir=$OUTDIR/r$r-$name
			mkdir -p "$dir"
			start_tracer "$name" "$dir" || { stop_tracer "$dir"; continue; }
			for bench in $BENCHES; do
				secs=$("bench_$bench")
				[[ -n $secs ]] || { note "$bench under $name gave no time"; continue; }
				printf '%d\t%s\t%s\t%s\n' "$r" "$name" "$bench" "$secs" >>"$RUNS"
			done
			stop_tracer "$dir"
		done
	done
}

summarize_rounds() {
	python3 - "$RUNS" "$PIPE_LOOPS" "$MSG_GROUPS" "$MSG_LOOPS" "$CONFIGS" <<'EOF'
import collections, statistics, sys
runs, configs = sys.argv[1], sys.argv[5].split(",")
pipe_loops, groups, loops = (int(a) for a in sys.argv[2:5])
secs = collections.defaultdict(dict)          # (bench, cfg) -> {round: s}
for line in open(runs):
    r, cfg, bench, s = line.split()
    secs[(bench, cfg)][int(r)] = float(s)
# pipe: one op = a round trip; messaging: each of 20 senders per group sends
# `loops` messages to each of 20 receivers
work = {"pipe": (pipe_loops, "ops/s"), "pipe1": (pipe_loops, "ops/s"),
        "messaging": (groups * 20 * 20 * loops, "msgs/s")}
print("| benchmark | configuration | throughput (median) "
      "| ratio to untraced, median (min..max) | rounds |")
print("|---|---|---:|---|---:|")
for bench in ("pipe", "pipe1", "messaging"):
    base = secs.get((bench, "untraced"), {})
    for cfg in configs:
        got = secs.get((bench, cfg))
        if not got:
            continue
        n, unit = work[bench]
        thr = statistics.median(n / s for s in got.values())
        ratios = [base[r] / s for r, s in got.items() if r in base]
        rt = "-"
        if ratios:
            rt = "%.3f (%.3f..%.3f)" % (statistics.median(ratios), min(ratios), max(ratios))
        print("| %s | %s | %.0f %s | %s | %d |" % (bench, cfg, thr, unit, rt, len(got)))
EOF
}

# ---- cost per event (bpf_stats) --------------------------------------------

# Sample run_time_ns/run_cnt of the named programs a process holds, from
# /proc/PID/fdinfo (no fork per sample), every SAMPLE_MS until SIGTERM.
SAMPLER=$OUTDIR/sampler.py
cat >"$SAMPLER" <<'EOF'
import json, os, signal, subprocess, sys, time
pid, interval = int(sys.argv[1]), float(sys.argv[2]) / 1000
out, names = sys.argv[3], sys.argv[4].split(",")
fds = {}
for fd in os.listdir("/proc/%d/fdinfo" % pid):
    try:
        info = dict(l.split(":", 1) for l in open("/proc/%d/fdinfo/%s" % (pid, fd)) if ":" in l)
    except OSError:
        continue
    if "prog_id" in info and "run_cnt" in info:
        pid_ = int(info["prog_id"])
        show = json.loads(subprocess.run(["bpftool", "prog", "show", "id", str(pid_), "-j"],
                                         capture_output=True, text=True).stdout or "{}")
        if show.get("name") in names:
            fds[fd] = show["name"]
stop = False
def on_term(*_):
    global stop
    stop = True
signal.signal(signal.SIGTERM, on_term)
with open(out, "w") as f:
    while True:
        t = time.monotonic()
        for fd, name in fds.items():
            try:
                info = dict(l.split(":", 1) for l in open("/proc/%d/fdinfo/%s" % (pid, fd)))
            except OSError:
                stop = True
                break
            f.write("%.6f %s %s %s\n" % (t, name, info["run_time_ns"].strip(),
                                         info["run_cnt"].strip()))
        f.flush()
        if stop:
            break
        time.sleep(max(0.0, interval - (time.monotonic() - t)))
EOF

# stats_for TRACER BENCH PROGRAMS: one sampled run of BENCH under TRACER.
stats_for() {
	local name=$1 bench=$2 progs=$3 dir=$OUTDIR/stats-$1-$2
	mkdir -p "$dir"
	start_tracer "$name" "$dir" || { stop_tracer "$dir"; return 1; }
	python3 "$SAMPLER" "$TRACER_PID" "$SAMPLE_MS" "$OUTDIR/$bench-$name.samples" "$progs" &
	SAMPLER_PID=$!
	sleep 0.3
	"bench_$bench" >/dev/null
	sleep 0.2
	kill -TERM "$SAMPLER_PID" 2>/dev/null
	wait "$SAMPLER_PID" 2>/dev/null
	SAMPLER_PID=
	stop_tracer "$dir"
}

# The programs measured: proclife's (task-storage or hash variant), and
# runqlat's (tp_btf or raw_tp variant).
PROCLIFE_PROGS=handle_switch_ts,handle_wakeup_ts,handle_wakeup_new_ts
PROCLIFE_PROGS+=,handle_switch_hash,handle_wakeup_hash,handle_wakeup_new_hash
RUNQLAT_PROGS=sched_switch,sched_wakeup,sched_wakeup_new
RUNQLAT_PROGS+=,handle_sched_switch,handle_sched_wakeup,handle_sched_wakeup_new

run_stats() {
	local bench
	sysctl -qw kernel.bpf_stats_enabled=1 || die "cannot set kernel.bpf_stats_enabled"
	for bench in $BENCHES; do
		stats_for proclife "$bench" "$PROCLIFE_PROGS"
		if available runqlat; then
			stats_for runqlat "$bench" "$RUNQLAT_PROGS"
		fi
	done
	sysctl -qw kernel.bpf_stats_enabled="$STATS_SAVED"
}

# ---- main ------------------------------------------------------------------

switch_progs() {
	bpftool prog show 2>/dev/null |
		grep -cE 'name (handle_switch|sched_switch|handle_sched_switch)' || true
}

{
	echo "# proclife scheduler accounting: overhead"
	echo
	echo "$(date -u +%Y-%m-%dT%H:%M:%SZ), $(uname -r), $(nproc) CPUs, $(basename "$PROCLIFE")" \
		"$("$PROCLIFE" -V 2>/dev/null | head -n 1)"
	echo "perf bench sched pipe -l $PIPE_LOOPS (pipe1: the same under taskset -c 0);" \
		"perf bench sched messaging -g $MSG_GROUPS -l $MSG_LOOPS;" \
		"$ROUNDS rounds; BPF programs on sched_switch before the start (someone else's" \
		"tracers, which every configuration pays for): $(switch_progs)"
	echo
} >"$RESULTS"

if ((DO_ROUNDS)); then
	run_rounds
	{
		echo "## Throughput"
		echo
		summarize_rounds
		echo
	} >>"$RESULTS"
fi
if ((DO_STATS)); then
	run_stats
	{
		echo "## Time per program run (kernel.bpf_stats_enabled=1)"
		echo
		echo "mean = run_time_ns / run_cnt over the whole benchmark (what bpftool shows;" \
			"the stand-in for the median, which the kernel does not keep);" \
			"median = median of the per-${SAMPLE_MS} ms means."
		echo
		echo "| benchmark | tracer | runs | mean ns/run | median of ${SAMPLE_MS} ms means" \
			"| p10..p90 of means | intervals |"
		echo "|---|---|---:|---:|---:|---|---:|"
		echo "STATS_ROWS"
		echo
	} >>"$RESULTS"
	# one row per program (files are BENCH-TRACER.samples)
	rows=$(cd "$OUTDIR" && for f in pipe-*.samples pipe1-*.samples messaging-*.samples; do
		[[ -e $f ]] || continue
		b=${f%%-*}; t=${f#*-}; t=${t%.samples}
		python3 - "$f" "$b" "$t" <<'EOF'
import collections, statistics, sys
path, bench, tracer = sys.argv[1:]
series = collections.defaultdict(list)
for line in open(path):
    t, name, rt, rc = line.split()
    series[name].append((float(t), int(rt), int(rc)))
for name in sorted(series):
    s = series[name]
    dt, dc = s[-1][1] - s[0][1], s[-1][2] - s[0][2]
    steps = [(b[1] - a[1], b[2] - a[2]) for a, b in zip(s, s[1:]) if b[2] > a[2]]
    if not dc or not steps:
        continue
    # intervals of the benchmark proper: the few runs before it starts and
    # after it ends come with cold caches and would weigh as much as a busy one
    busiest = max(c for _, c in steps)
    means = [t / c for t, c in steps if c >= busiest / 4]
    q = statistics.quantiles(means, n=10) if len(means) >= 2 else [means[0]] * 9
    print("| %s | %s %s | %d | %.0f | %.0f | %.0f..%.0f | %d |" % (
        bench, tracer, name, dc, dt / dc, statistics.median(means), q[0], q[-1], len(means)))
EOF
	done)
	python3 - "$RESULTS" "$rows" <<'EOF'
import sys
path, rows = sys.argv[1], sys.argv[2]
text = open(path).read().replace("STATS_ROWS", rows if rows else "| - | no samples | | | | | |")
open(path, "w").write(text)
EOF
fi
echo "BPF programs on sched_switch after the end: $(switch_progs)" >>"$RESULTS"
cat "$RESULTS"
note "raw results in $OUTDIR"
