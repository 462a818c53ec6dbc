#!/bin/sh
# shellcheck shell=dash
# run-tests.sh [CHECK...] - proclife's lifecycle checks on the running kernel.
#
# The payload of the kernel matrix (tools/kernels/test-kernels.sh): run by
# busybox sh as root in the test VM, with only busybox, the static proclife
# and the static fixtures. Each check runs a fixture under
# `proclife -j -- FIXTURE` and asserts on the JSON stream with awk (jl.awk
# beside this script), matching it against the fixture's own report.
# Prints "PASS name" or "FAIL name" (with the reasons) per check and ends
# with "N passed, N failed"; exits 1 if any failed.
#
# Runs on a normal host too (as root):
#   PROCLIFE=./proclife FIXTURES=tests/fixtures/build \
#       sh tools/kernels/payload/run-tests.sh [CHECK...]
#
# The checks run once per hook variant (proclife --hooks): tracepoint, then
# fentry; "smoke" and "kernel_log" once. A kernel that refuses fentry skips
# that variant, except in the test VM (PROCLIFE_VM set: the matrix's kernels
# all allow it), where that is a failure. The argument variants=A+B (or
# PL_VARIANTS="A B") picks the variants, e.g. variants=fentry.
#
# Environment: PROCLIFE (default ./proclife beside this script), FIXTURES
# (default ./fixtures beside it), AWK (default awk), PL_TIMEOUT (seconds per
# traced run, default 180: qemu without KVM is slow), PL_KEEP=1 keeps the
# work directory, PL_VARIANTS, PL_REQUIRE_FENTRY=1|0 (default 1 in the VM).
here=$(cd "$(dirname "$0")" && pwd)
PL=${PROCLIFE:-$here/proclife}
FX=${FIXTURES:-$here/fixtures}
AWK=${AWK:-awk}
LIMIT=${PL_TIMEOUT:-180}
JL=$here/jl.awk
MS=1000000

CHECKS="smoke loads fork_exec vfork_exec threads threads_without_T thread_exec
die_signal zombie_late orphan_subreaper sigchld_ignore rename exec_fail
failed_exec hostile_argv storm sched states timeline pidns pid_reuse
reap_nowait namespaces container_ns pidns_zombie kernel_log"

W=$(mktemp -d "${TMPDIR:-/tmp}/proclife-tests.XXXXXX") || exit 1
[ "${PL_KEEP:-0}" = 1 ] || trap 'rm -rf "$W"' EXIT
passed=0
failed=0
loaded=1

# ---- JSON helpers (awk with jl.awk) ----------------------------------------

# jawk FILE PROGRAM: awk over FILE with jl.awk's functions
jawk() {
	"$AWK" "$(cat "$JL")
$2" "$1"
}
# jsel FILE COND EXPR: EXPR for each line of FILE whose object matches COND
jsel() {
	jawk "$1" "{ if (jparse(\$0, J) && ($2)) print $3 }"
}
# jcount FILE COND: how many lines match
jcount() {
	jawk "$1" "BEGIN { c = 0 } { if (jparse(\$0, J) && ($2)) c++ } END { print c }"
}
# rget KEY: raw value of KEY in the report's last line
rget() {
	"$AWK" "$(cat "$JL")
{ last = \$0 } END { if (jparse(last, J)) print J[\"$1\"] }" "$REP"
}
# rline N KEY: raw value of KEY in line N of the report
rarr() {
	# rarr KEY FIELD: FIELD of each element of the report's array KEY
	"$AWK" "$(cat "$JL")
{ last = \$0 } END { if (jparse(last, J)) { n = alen(J[\"$1\"])
for (i = 1; i <= n; i++) if (jparse(aelem(J[\"$1\"], i), E)) print E[\"$2\"] } }" "$REP"
}
rline() {
	"$AWK" "$(cat "$JL")
NR == $1 { if (jparse(\$0, J)) print J[\"$2\"] }" "$REP"
}

# ---- assertions -------------------------------------------------------------

bad=0
why() {
	echo "    $*"
	bad=1
}
# want WHAT GOT EXPECTED
want() {
	[ "$2" = "$3" ] || why "$1: got '$2', expected '$3'"
}
# want_num WHAT GOT OP EXPECTED  (OP: -eq -ge -le -gt -lt)
want_num() {
	case "$2" in
	''|*[!0-9-]*) why "$1: got '$2', not a number"; return ;;
	esac
	[ "$2" "$3" "$4" ] || why "$1: got $2, expected $3 $4"
}
# want_one WHAT COND: exactly one stream line matches COND
want_one() {
	want_num "$1 (events matching)" "$(jcount "$OUT" "$2")" -eq 1
}

# ---- running the tracer -----------------------------------------------------

# trace NAME [PROCLIFE-OPTS...] -- CMD [ARG...]
# proclife -j OPTS -- sh -c 'exec CMD >REPORT': the fixture's report never
# mixes with the stream. Sets OUT, ERR, REP and STATUS.
trace() {
	name=$1
	shift
	OUT=$W/$name.jsonl
	ERR=$W/$name.err
	REP=$W/$name.report
	opts=
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		opts="$opts $1"
		shift
	done
	shift
	: > "$REP"
	# shellcheck disable=SC2086 # opts are split on purpose
	PL_REPORT=$REP timeout "$LIMIT" "$PL" -j --hooks "$HOOKS" $opts -- \
		/bin/sh -c 'exec "$0" "$@" >"$PL_REPORT"' "$@" >"$OUT" 2>"$ERR"
	STATUS=$?
}

# The closing "proclife: N events, M lost" line: lost must be 0.
want_no_loss() {
	lost=$(sed -n 's/^proclife: [0-9]* events, \([0-9]*\) lost.*/\1/p' "$ERR" | tail -1)
	want "events lost" "$lost" 0
	want_num "lost events in the stream" "$(jcount "$OUT" 'S("event") == "lost"')" -eq 0
}

# t_of COND: t_ns of the one matching event
t_of() {
	jsel "$OUT" "$1" 'J["t_ns"]' | head -1
}

# show COND: after a failure, the stream lines matching COND (at most 12)
show() {
	[ $bad = 0 ] && return
	echo "    events matching $1:"
	jsel "$OUT" "$1" '$0' | head -12 | cut -c 1-400 | sed 's/^/    | /'
}

want_order() {
	# want_order WHAT T1 T2 ...: non-decreasing timestamps
	what=$1
	shift
	prev=0
	for t in "$@"; do
		if [ -z "$t" ]; then
			why "$what: an event is missing"
			return
		fi
		[ "$t" -ge "$prev" ] || why "$what: out of order ($*)"
		prev=$t
	done
}

# ---- the checks ---------------------------------------------------------------

check_smoke() {
	# the VM's own smoke test (bpfcheck: raw bpf(), no libbpf), when here
	if [ ! -x "$here/bpfcheck" ]; then
		echo "    (no bpfcheck here: skipped)"
		return
	fi
	"$here/bpfcheck" > "$W/bpfcheck.out" 2>&1 || {
		cat "$W/bpfcheck.out"
		why "bpfcheck failed"
	}
}

check_loads() {
	# live mode for a second: load, attach, seed, stop cleanly
	timeout 120 "$PL" --hooks "$HOOKS" -v -q -d 1 > "$W/loads.out" 2> "$W/loads.err"
	st=$?
	want "proclife -q -d 1 status" "$st" 0
	# -v names the variant that runs
	[ $st -eq 0 ] && ! grep -q "^proclife: hooks: $HOOKS " "$W/loads.err" &&
		why "-v does not say 'hooks: $HOOKS': $(grep hooks "$W/loads.err")"
	[ $st -eq 0 ] && return
	sed 's/^/    | /' "$W/loads.err" | tail -5
	echo "    verifier / libbpf log (proclife -v, state lines dropped):"
	timeout 120 "$PL" --hooks "$HOOKS" -v -q -d 1 2>&1 >/dev/null |
		grep -v -E -e 'R[0-9]+(_w)?=' -e '^[0-9]+: \(' -e '^; ' -e '^ *$' \
			-e '^(last_idx|regs=|parent |mark_precise|propagating)' |
		grep -v -e '^libbpf: \(elf\|sec\|map\|CO-RE\|prog .*: relo\)' |
		tail -25 | sed 's/^/    | /'
	loaded=0
}

check_fork_exec() {
	trace fork_exec -- "$FX/fork_exec" /bin/sh -c "exit 9" arg0-ignored
	want "status" "$STATUS" 0
	P=$(rget parent)
	C=$(rget child)
	want "fixture's child code" "$(rget code)" 9
	want_one "fork" "S(\"event\") == \"fork\" && N(\"pid\") == $C"
	want "fork kind" "$(jsel "$OUT" "S(\"event\") == \"fork\" && N(\"pid\") == $C" 'S("kind")')" fork
	want "fork ppid" "$(jsel "$OUT" "S(\"event\") == \"fork\" && N(\"pid\") == $C" 'J["ppid"]')" "$P"
	want_one "exec" "S(\"event\") == \"exec\" && N(\"pid\") == $C"
	want "exec filename" "$(jsel "$OUT" "S(\"event\") == \"exec\" && N(\"pid\") == $C" 'S("filename")')" /bin/sh
	want "exec argv" "$(jsel "$OUT" "S(\"event\") == \"exec\" && N(\"pid\") == $C" 'J["argv"]')" "$(rget argv)"
	want "exec argc" "$(jsel "$OUT" "S(\"event\") == \"exec\" && N(\"pid\") == $C" 'J["argc"]')" 4
	want "exec ret" "$(jsel "$OUT" "S(\"event\") == \"exec\" && N(\"pid\") == $C" 'J["ret"]')" 0
	want_one "exit" "S(\"event\") == \"exit\" && N(\"pid\") == $C"
	want "exit code" "$(jsel "$OUT" "S(\"event\") == \"exit\" && N(\"pid\") == $C" 'J["code"] "/" J["signal"] "/" J["group_dead"]')" "9/null/true"
	want_one "reap" "S(\"event\") == \"reap\" && N(\"pid\") == $C"
	want "reap how/reaper" "$(jsel "$OUT" "S(\"event\") == \"reap\" && N(\"pid\") == $C" 'S("how") "/" O("reaper", "pid")')" "wait/$P"
	xt=$(t_of "S(\"event\") == \"exit\" && N(\"pid\") == $C")
	set -- $(jsel "$OUT" "S(\"event\") == \"reap\" && N(\"pid\") == $C" 'J["t_ns"] " " J["exit_ns"] " " J["zombie_ns"]')
	want "reap exit_ns = exit t_ns" "${2:-}" "$xt"
	want "zombie_ns = reap - exit" "${3:-}" "$((${1:-0} - ${2:-0}))"
	want_order "fork, exec, exit, reap" \
		"$(t_of "S(\"event\") == \"fork\" && N(\"pid\") == $C")" \
		"$(t_of "S(\"event\") == \"exec\" && N(\"pid\") == $C")" "$xt" \
		"$(t_of "S(\"event\") == \"reap\" && N(\"pid\") == $C")"
	want_no_loss
}

check_vfork_exec() {
	trace vfork_exec -- "$FX/vfork_exec"
	want "status" "$STATUS" 0
	P=$(rget parent)
	C=$(rget child)
	sel="S(\"event\") == \"fork\" && N(\"pid\") == $C"
	want_one "fork" "$sel"
	want "kind" "$(jsel "$OUT" "$sel" 'S("kind")')" vfork
	want "CLONE_VM and CLONE_VFORK" \
		"$(jsel "$OUT" "$sel" '(index(J["clone_flags"], "\"CLONE_VM\"") > 0) (index(J["clone_flags"], "\"CLONE_VFORK\"") > 0)')" 11
	want "exec argv" "$(jsel "$OUT" "S(\"event\") == \"exec\" && N(\"pid\") == $C" 'J["argv"]')" "$(rget argv)"
	want "exit code" "$(jsel "$OUT" "S(\"event\") == \"exit\" && N(\"pid\") == $C" 'J["code"]')" 0
	want "reap" "$(jsel "$OUT" "S(\"event\") == \"reap\" && N(\"pid\") == $C" 'S("how") "/" O("reaper", "pid")')" "wait/$P"
	want_no_loss
}

check_threads() {
	trace threads -T -- "$FX/threads" 4
	want "status" "$STATUS" 0
	P=$(rget pid)
	tids=$(rget threads | tr '{},' '\n\n\n' | sed -n 's/^"tid"://p')
	want_num "threads in the report" "$(echo $tids | wc -w)" -eq 4
	want_num "thread births" "$(jcount "$OUT" "S(\"event\") == \"thread\" && N(\"pid\") == $P")" -eq 4
	for t in $tids; do
		want "birth of $t" \
			"$(jsel "$OUT" "S(\"event\") == \"thread\" && N(\"tid\") == $t" 'S("kind") "/" J["parent_tid"] "/" (index(J["clone_flags"], "CLONE_THREAD") > 0)')" \
			"thread/$P/1"
		want "rename of $t" \
			"$(jsel "$OUT" "S(\"event\") == \"comm\" && N(\"tid\") == $t" 'S("old_comm") "/" S("comm")')" \
			"threads/$(rget threads | tr '{}' '\n\n' | grep "\"tid\":$t," | sed -n 's/.*"name":"\([^"]*\)".*/\1/p')"
		want "exit of $t" \
			"$(jsel "$OUT" "S(\"event\") == \"exit\" && N(\"tid\") == $t" 'J["code"] "/" J["group_dead"]')" "0/false"
	done
	want_one "the process exit (group_dead)" "S(\"event\") == \"exit\" && N(\"pid\") == $P && J[\"group_dead\"] == \"true\""
	want "the process exit" \
		"$(jsel "$OUT" "S(\"event\") == \"exit\" && N(\"pid\") == $P && J[\"group_dead\"] == \"true\"" 'J["tid"] "/" J["code"]')" "$P/0"
	want_num "exits of the process" "$(jcount "$OUT" "S(\"event\") == \"exit\" && N(\"pid\") == $P")" -eq 5
	want "reap" "$(jsel "$OUT" "S(\"event\") == \"reap\" && N(\"pid\") == $P" 'S("how")')" wait
	want_no_loss
	show "S(\"event\") == \"exit\" && N(\"pid\") == $P"
}

check_threads_without_T() {
	trace threads_noT -- "$FX/threads" 4
	want "status" "$STATUS" 0
	P=$(rget pid)
	want_num "thread events without -T" "$(jcount "$OUT" 'S("event") == "thread"')" -eq 0
	want_num "exits of the process" "$(jcount "$OUT" "S(\"event\") == \"exit\" && N(\"pid\") == $P")" -eq 1
	want_no_loss
	show "N(\"pid\") == $P"
}

check_thread_exec() {
	trace thread_exec -T -- "$FX/thread_exec"
	want "status" "$STATUS" 0
	P=$(rline 1 pid)
	X=$(rline 1 exec_tid)
	want "report stages" "$(rline 1 stage) $(rline 2 stage)" '"before_exec" "execd"'
	[ -n "$X" ] && [ "$X" != "$P" ] || why "exec_tid '$X' is not a thread of $P"
	want_one "birth of the exec'ing thread" "S(\"event\") == \"thread\" && N(\"tid\") == $X"
	sel="S(\"event\") == \"exec\" && N(\"pid\") == $P && index(J[\"argv\"], \"--execd\")"
	want_one "the thread's exec" "$sel"
	want "exec tid/old_tid/ret" "$(jsel "$OUT" "$sel" 'J["tid"] "/" J["old_tid"] "/" J["ret"]')" "$P/$X/0"
	want "exec argv" "$(jsel "$OUT" "$sel" 'J["argv"]')" "$(rline 1 argv)"
	want_num "exits as the old tid" "$(jcount "$OUT" "S(\"event\") == \"exit\" && N(\"tid\") == $X")" -eq 0
	want_one "group exit" "S(\"event\") == \"exit\" && N(\"pid\") == $P && J[\"group_dead\"] == \"true\""
	want_one "reap" "S(\"event\") == \"reap\" && N(\"pid\") == $P"
	want_no_loss
}

check_die_signal() {
	trace die_signal -- "$FX/die_signal" SEGV
	want "status" "$STATUS" 0
	P=$(rget parent)
	C=$(rget child)
	want "fixture saw" "$(rget signal)" 11
	want "exit" "$(jsel "$OUT" "S(\"event\") == \"exit\" && N(\"pid\") == $C" 'J["code"] "/" S("signal") "/" J["core_dumped"]')" "null/SIGSEGV/false"
	want "reap" "$(jsel "$OUT" "S(\"event\") == \"reap\" && N(\"pid\") == $C" 'S("how") "/" O("reaper", "pid")')" "wait/$P"
	want_no_loss
}

check_zombie_late() {
	trace zombie_late -- "$FX/zombie_late" 300
	want "status" "$STATUS" 0
	C=$(rget child)
	want "exit code" "$(jsel "$OUT" "S(\"event\") == \"exit\" && N(\"pid\") == $C" 'J["code"]')" 5
	sel="S(\"event\") == \"reap\" && N(\"pid\") == $C"
	want_one "reap" "$sel"
	# a zombie from its exit to at least the wait's start (not "300 ms":
	# under TCG the child may take a while to exit)
	xt=$(jsel "$OUT" "S(\"event\") == \"exit\" && N(\"pid\") == $C" 'J["t_ns"]')
	want_num "zombie_ns" "$(jsel "$OUT" "$sel" 'J["zombie_ns"]')" -ge \
		"$(($(rget wait_start_ns) - xt))"
	rt=$(jsel "$OUT" "$sel" 'J["t_ns"]')
	want_num "reap after the wait began" "$rt" -ge "$(rget wait_start_ns)"
	want_num "reap before the wait returned" "$rt" -le "$(rget wait_return_ns)"
	want_no_loss
}

check_orphan_subreaper() {
	trace orphan_subreaper -- "$FX/orphan_subreaper"
	want "status" "$STATUS" 0
	P=$(rget parent)
	M=$(rget middle)
	G=$(rget grandchild)
	want "report: new parent" "$(rget grandchild_new_ppid)" "$P"
	sel="S(\"event\") == \"reparent\" && N(\"pid\") == $G"
	want_one "reparent" "$sel"
	want "reparent ppid/old_ppid/reason" "$(jsel "$OUT" "$sel" 'J["ppid"] "/" J["old_ppid"] "/" S("reason")')" "$P/$M/subreaper"
	want "grandchild exit" "$(jsel "$OUT" "S(\"event\") == \"exit\" && N(\"pid\") == $G" 'J["code"] "/" J["ppid"]')" "3/$P"
	want "grandchild reap" "$(jsel "$OUT" "S(\"event\") == \"reap\" && N(\"pid\") == $G" 'S("how") "/" O("reaper", "pid")')" "subreaper/$P"
	want "middle reap" "$(jsel "$OUT" "S(\"event\") == \"reap\" && N(\"pid\") == $M" 'S("how") "/" O("reaper", "pid")')" "wait/$P"
	want_order "middle exit, reparent, grandchild exit, reap" \
		"$(t_of "S(\"event\") == \"exit\" && N(\"pid\") == $M")" \
		"$(t_of "$sel")" \
		"$(t_of "S(\"event\") == \"exit\" && N(\"pid\") == $G")" \
		"$(t_of "S(\"event\") == \"reap\" && N(\"pid\") == $G")"
	want_no_loss
}

check_sigchld_ignore() {
	trace sigchld_ignore -- "$FX/sigchld_ignore" 3
	want "status" "$STATUS" 0
	want "fixture saw autoreap" "$(rget autoreaped)" true
	kids=$(rget children | tr -d '[] ' | tr ',' ' ')
	want_num "children" "$(echo $kids | wc -w)" -eq 3
	for c in $kids; do
		want "exit of $c" "$(jsel "$OUT" "S(\"event\") == \"exit\" && N(\"pid\") == $c" 'J["code"]')" 0
		# released by the kernel for the parent that asked it to
		want "reap of $c" "$(jsel "$OUT" "S(\"event\") == \"reap\" && N(\"pid\") == $c" 'S("how") "/" O("reaper", "pid") "/" (N("zombie_ns") <= 5000000)')" "autoreap/$(rget parent)/1"
	done
	want_no_loss
}

check_pidns() {
	# reaps in pid namespaces: the waits return namespace pids; what an
	# exiting init leaves, the kernel kills and releases (ns_teardown)
	trace pidns -- "$FX/pidns_reap"
	want "status" "$STATUS" 0
	I=$(rget init)
	N=$(rget nested_init)
	codes=$(rarr waited code | tr '\n' ' ')
	k=0
	for c in $(rarr waited pid); do
		k=$((k + 1))
		r=$I
		[ $k = 4 ] && r=$N
		code=$(echo $codes | cut -d' ' -f$k)
		want "reap of $c" "$(jsel "$OUT" "S(\"event\") == \"reap\" && N(\"pid\") == $c" 'S("how") "/" O("reaper", "pid") "/" J["code"]')" "wait/$r/$code"
	done
	want_num "children waited for" "$k" -eq 4
	k=0
	for c in $(rarr left pid); do
		k=$((k + 1))
		r=$I
		[ $k = 3 ] && r=$N
		want "teardown of $c" "$(jsel "$OUT" "S(\"event\") == \"reap\" && N(\"pid\") == $c" 'S("how") "/" O("reaper", "pid") "/" S("signal")')" "ns_teardown/$r/SIGKILL"
	done
	want_num "children left to the kernel" "$k" -eq 3
	want "nested init's reap" "$(jsel "$OUT" "S(\"event\") == \"reap\" && N(\"pid\") == $N" 'S("how") "/" O("reaper", "pid") "/" J["code"]')" "wait/$I/15"
	want_num "reparents to oneself" "$(jcount "$OUT" 'S("event") == "reparent" && J["ppid"] == J["old_ppid"]')" -eq 0
	# release_task is the release itself: no reap is only bounded
	# (the tracepoint hooks see an in-kernel wait at the free)
	[ "$HOOKS" = fentry ] &&
		want_num "fentry: bounded reaps" "$(jcount "$OUT" 'S("event") == "reap" && J["exact"] != "true"')" -eq 0
	want_no_loss
}

check_reap_nowait() {
	# a release no wait syscall shows (io_uring's waitid, 6.7+): the
	# parent is the reaper; release_task sees it exactly, the
	# tracepoints at the free (bounded)
	trace reap_nowait -- "$FX/reap_nowait" iouring
	if [ "$(rget supported)" = false ]; then
		echo "    (no IORING_OP_WAITID on this kernel: nothing to check)"
		return
	fi
	want "status" "$STATUS" 0
	C=$(rget child)
	P=$(rget parent)
	sel="S(\"event\") == \"reap\" && N(\"pid\") == $C"
	want_one "reap" "$sel"
	want "reap" "$(jsel "$OUT" "$sel" 'S("how") "/" O("reaper", "pid") "/" J["code"]')" "wait/$P/21"
	rt=$(jsel "$OUT" "$sel" 'J["t_ns"]')
	want_num "reap not before the submit" "$rt" -ge "$(rget submit_ns)"
	if [ "$HOOKS" = fentry ]; then
		want "fentry: exact" "$(jsel "$OUT" "$sel" 'J["exact"]')" true
		want_num "fentry: reap by the completion" "$rt" -le "$(rget complete_ns)"
	fi
	want_no_loss
}

check_pid_reuse() {
	# a pid reused before its first task's free: both lives whole, with
	# and without a filter
	for mode in cmd comm; do
		opts=
		[ $mode = comm ] && opts="-c pid_reuse_fast"
		# shellcheck disable=SC2086 # opts are split on purpose
		trace pid_reuse_$mode $opts -- "$FX/pid_reuse_fast"
		want "$mode: status" "$STATUS" 0
		X=$(rget pid)
		P=$(rget parent)
		G=$(rline 1 grandchild)
		want "$mode: reused" "$(rget reused)" true
		want_num "$mode: lives of $X" "$(jcount "$OUT" "S(\"event\") == \"fork\" && N(\"pid\") == $X")" -eq 2
		want "$mode: exits of $X" "$(jsel "$OUT" "S(\"event\") == \"exit\" && N(\"pid\") == $X" 'J["code"]' | tr '\n' ' ')" "11 22 "
		want "$mode: reapers of $X" "$(jsel "$OUT" "S(\"event\") == \"reap\" && N(\"pid\") == $X" 'O("reaper", "pid")' | tr '\n' ' ')" "$P $P "
		want "$mode: the second life's child" "$(jsel "$OUT" "S(\"event\") == \"fork\" && N(\"pid\") == $G" 'J["ppid"]')" "$X"
		want_no_loss
	done
}

check_rename() {
	trace rename -T -- "$FX/rename"
	want "status" "$STATUS" 0
	P=$(rget pid)
	T=$(rget thread_tid)
	want "renames" "$(jsel "$OUT" "S(\"event\") == \"comm\" && N(\"pid\") == $P" 'J["tid"] ":" S("old_comm") ">" S("comm")' | tr '\n' ' ')" \
		"$P:rename>renamed-1 $P:renamed-1>renamed-2 $T:renamed-2>thr-self $T:thr-self>thr-by-leader "
	want "thread exit comm" "$(jsel "$OUT" "S(\"event\") == \"exit\" && N(\"tid\") == $T" 'S("comm")')" thr-by-leader
	want "reap comm" "$(jsel "$OUT" "S(\"event\") == \"reap\" && N(\"pid\") == $P" 'S("comm")')" renamed-2
	want_no_loss
}

check_exec_fail() {
	trace exec_fail -- "$FX/exec_fail"
	want "status" "$STATUS" 0
	want "fixture ok" "$(rget ok)" true
	P=$(rget pid)
	sel="S(\"event\") == \"exec\" && N(\"pid\") == $P && N(\"ret\") < 0"
	want "errnos" "$(jsel "$OUT" "$sel" 'S("errno") "(" J["ret"] ")"' | tr '\n' ' ')" \
		"ENOENT(-2) EACCES(-13) ENOENT(-2) EBADF(-9) "
	want "first failure" "$(jsel "$OUT" "$sel" 'S("filename") " " J["argv"]' | head -1)" \
		'/nonexistent/prog ["exec_fail-1","a"]'
	want "failed execs change nothing" "$(jsel "$OUT" "$sel" 'S("comm") "/" J["tid"]' | sort -u)" "exec_fail/$P"
	want "execveat flagged" "$(jsel "$OUT" "$sel" '(J["execveat"] == "true")' | tr '\n' ' ')" "0 0 1 1 "
	want "exit" "$(jsel "$OUT" "S(\"event\") == \"exit\" && N(\"pid\") == $P" 'J["code"]')" 0
	want_no_loss
}

check_failed_exec() {
	trace failed_exec -- "$FX/fork_exec" /nonexistent/plx-prog "x y"
	want "status" "$STATUS" 0
	C=$(rget child)
	want "child code" "$(rget code)" 127
	sel="S(\"event\") == \"exec\" && N(\"pid\") == $C"
	want_one "exec" "$sel"
	want "exec" "$(jsel "$OUT" "$sel" 'J["ret"] " " S("errno") " " S("filename") " " J["argv"] " " S("comm")')" \
		'-2 ENOENT /nonexistent/plx-prog ["/nonexistent/plx-prog","x y"] fork_exec'
	want "exit" "$(jsel "$OUT" "S(\"event\") == \"exit\" && N(\"pid\") == $C" 'J["code"]')" 127
	want_no_loss
}

# v2_mount: sets v2 to the cgroup v2 mount (unified or hybrid), else
# fails the check with why
v2_mount() {
	v2=/sys/fs/cgroup
	[ -f $v2/cgroup.procs ] || v2=/sys/fs/cgroup/unified
	[ -f $v2/cgroup.procs ] && return 0
	why "no cgroup v2 mount"
	return 1
}

# A cgroup v2 cgroup and a pid namespace (unshare -pf), one inside the
# other: every record of the namespace's processes says where they live,
# ns_pid at the namespace's level, and --cgroup selects only that cgroup.
# The namespace's init leaves a child: the teardown kills and reaps it.
check_namespaces() {
	v2_mount || return
	cg=$v2/pltest-$$
	mkdir -p "$cg" || { why "cannot create $cg"; return; }
	host_ns=$(readlink /proc/self/ns/pid | tr -cd 0-9)
	cg_id=$(stat -c %i "$cg")
	# shellcheck disable=SC2016 # expanded by the traced shells
	trace namespaces --cgroup "/pltest-$$" -- /bin/sh -c '
		echo $$ > "$0/cgroup.procs"
		unshare -pf /bin/sh -c "/bin/sh -c \"exit 3\"; sleep 30 & exit 4"
		echo "{\"code\":$?}"' "$cg"
	want "status" "$STATUS" 0
	want "unshare's status" "$(rget code)" 4
	init="S(\"event\") == \"exit\" && N(\"code\") == 4 && N(\"ns_pid\") == 1"
	want_one "the namespace's init exit" "$init"
	want "init's namespace numbers" "$(jsel "$OUT" "$init" 'J["ns_ppid"] " " S("cgroup") " " J["cgroup_id"] " " J["container_id"]')" \
		"0 /pltest-$$ $cg_id null"
	ns=$(jsel "$OUT" "$init" 'J["pidns"]')
	[ "$ns" != "$host_ns" ] || why "the init's pidns is the host's ($ns)"
	child="S(\"event\") == \"exit\" && N(\"code\") == 3"
	want_one "the inner child's exit" "$child"
	want "inner child" "$(jsel "$OUT" "$child" 'J["pidns"] " " J["ns_pid"] " " J["ns_ppid"] " " S("cgroup")')" \
		"$ns 2 1 /pltest-$$"
	killed="S(\"event\") == \"exit\" && S(\"signal\") == \"SIGKILL\" && N(\"pidns\") == $ns"
	want_one "the teardown's kill" "$killed"
	want "teardown flagged" "$(jsel "$OUT" "$killed" 'J["ns_teardown"]')" true
	kpid=$(jsel "$OUT" "$killed" 'J["pid"]')
	want "teardown reap" "$(jsel "$OUT" "S(\"event\") == \"reap\" && N(\"pid\") == ${kpid:-0}" 'S("how")')" ns_teardown
	# --cgroup: nothing from outside the cgroup (the shell before its move)
	want_num "records from outside /pltest-$$" \
		"$(jcount "$OUT" "(\"cgroup\" in J) && S(\"cgroup\") != \"/pltest-$$\"")" -eq 0
	want_no_loss
	show "(\"pidns\" in J)"
	rmdir "$cg" 2>/dev/null
}

# A cgroup v2 cgroup named as Docker's systemd driver names a container
# (docker-<64 hex>.scope), selected by --container with a 12-digit prefix;
# inside it a pid namespace with a namespace nested in it (unshare -pf
# twice). Every record carries the container's id, cgroup, unit and v2
# cgroup id; ns_pid and ns_ppid are the numbers at each process's own
# level; the shell that joins the cgroup is selected by its move.
check_container_ns() {
	v2_mount || return
	id=ab$(printf '%062d' $$)
	path=/system.slice/docker-$id.scope
	cg=$v2$path
	mkdir -p "$cg" || { why "cannot create $cg"; return; }
	host_ns=$(readlink /proc/self/ns/pid | tr -cd 0-9)
	cg_id=$(stat -c %i "$cg")
	# shellcheck disable=SC2016 # expanded by the traced shells
	trace container_ns --container "${id%"${id#????????????}"}" -- /bin/sh -c '
		echo $$ > "$0/cgroup.procs"
		unshare -pf /bin/sh -c "/bin/true a; unshare -pf /bin/sh -c \"/bin/true b; exit 6\"; exit 5"
		echo "{\"code\":$?}"' "$cg"
	want "status" "$STATUS" 0
	want "unshare's status" "$(rget code)" 5
	where='("pidns" in J)'
	want_num "records that say where" "$(jcount "$OUT" "$where")" -gt 6
	want_num "records outside the container" \
		"$(jcount "$OUT" "$where && (S(\"container_id\") != \"$id\" || S(\"cgroup\") != \"$path\" || N(\"cgroup_id\") != $cg_id || S(\"unit\") != \"docker-$id.scope\")")" -eq 0
	# the shell joins the cgroup: picked up by its move
	want_one "the shell's move" "S(\"event\") == \"cgroup_move\""
	want "the move's pidns" "$(jsel "$OUT" 'S("event") == "cgroup_move"' 'J["pidns"]')" "$host_ns"
	a="S(\"event\") == \"exec\" && index(J[\"argv\"], \"\\\"a\\\"]\")"
	b="S(\"event\") == \"exec\" && index(J[\"argv\"], \"\\\"b\\\"]\")"
	want_one "true a" "$a"
	want_one "true b" "$b"
	ns_a=$(jsel "$OUT" "$a" 'J["pidns"]')
	ns_b=$(jsel "$OUT" "$b" 'J["pidns"]')
	want "true a's numbers" "$(jsel "$OUT" "$a" 'J["ns_pid"] " " J["ns_ppid"]')" "2 1"
	want "true b's numbers" "$(jsel "$OUT" "$b" 'J["ns_pid"] " " J["ns_ppid"]')" "2 1"
	[ -n "$ns_a" ] && [ "$ns_a" != "$host_ns" ] || why "outer namespace: '$ns_a' (host $host_ns)"
	[ -n "$ns_b" ] && [ "$ns_b" != "$ns_a" ] && [ "$ns_b" != "$host_ns" ] ||
		why "nested namespace: '$ns_b' (outer $ns_a, host $host_ns)"
	# (unshare -f exits with its init's status: the init is the one at 1)
	want "outer init's exit" "$(jsel "$OUT" 'S("event") == "exit" && N("code") == 5 && N("ns_pid") == 1' 'J["pidns"] " " J["ns_ppid"]')" "$ns_a 0"
	want "nested init's exit" "$(jsel "$OUT" 'S("event") == "exit" && N("code") == 6 && N("ns_pid") == 1' 'J["pidns"] " " J["ns_ppid"]')" "$ns_b 0"
	# the nested init's parent (the inner unshare: busybox may run it
	# without an exec) lives in the outer namespace, past its init
	up=$(jsel "$OUT" 'S("event") == "exit" && N("code") == 6 && N("ns_pid") == 1' 'J["ppid"]')
	want_num "inner unshare's ns_pid" "$(jsel "$OUT" "N(\"pid\") == ${up:-0} && N(\"pidns\") == ${ns_a:-0}" 'J["ns_pid"]' | head -1)" -gt 1
	want_no_loss
	show "$where"
	rmdir "$cg" "$v2/system.slice" 2>/dev/null
}

# A namespace's init dies with a zombie child it never waited for: the
# teardown releases it (kernel_wait4 from the exiting init), reported as
# "ns_teardown" like the child the teardown kills.
check_pidns_zombie() {
	trace pidns_zombie -- "$FX/pidns_zombie"
	want "status" "$STATUS" 0
	I=$(rget init)
	Z=$(rget zombie)
	S=$(rget sleeper)
	want "zombie's exit" "$(jsel "$OUT" "S(\"event\") == \"exit\" && N(\"pid\") == ${Z:-0}" 'J["code"] " " ("ns_teardown" in J)')" "9 0"
	want "zombie's reap" "$(jsel "$OUT" "S(\"event\") == \"reap\" && N(\"pid\") == ${Z:-0}" 'S("how") "/" O("reaper", "pid") "/" J["code"]')" "ns_teardown/$I/9"
	want "sleeper's reap" "$(jsel "$OUT" "S(\"event\") == \"reap\" && N(\"pid\") == ${S:-0}" 'S("how") "/" O("reaper", "pid") "/" S("signal")')" "ns_teardown/$I/SIGKILL"
	want "init's reap" "$(jsel "$OUT" "S(\"event\") == \"reap\" && N(\"pid\") == ${I:-0}" 'S("how") "/" J["code"]')" "wait/0"
	want_no_loss
	show '(S("event") == "reap" || S("event") == "exit")'
}

check_hostile_argv() {
	trace hostile_argv -- "$FX/hostile_argv"
	want "status" "$STATUS" 0
	want "fixture's child got its argv" "$(rget received)" true
	lines=$(wc -l < "$OUT")
	want_num "stream lines" "$lines" -gt 3
	want_num "lines that are one JSON object" "$(jcount "$OUT" 1)" -eq "$lines"
	want_num "lines with raw control bytes" \
		"$(tr -d '\n' < "$OUT" | tr -d '\040-\377' | wc -c)" -eq 0
	C=$(rget child)
	sel="S(\"event\") == \"exec\" && N(\"pid\") == $C"
	want_one "exec" "$sel"
	argc=$(rget argc)
	want "argc" "$(jsel "$OUT" "$sel" 'J["argc"]')" "$argc"
	want "argv elements" "$(jsel "$OUT" "$sel" 'alen(J["argv"])')" "$argc"
	# escapes of argv[3..]: "", newline, tab, controls, quote, backslash, bytes
	want "escapes" "$(jsel "$OUT" "$sel" 'aelem(J["argv"], 3) aelem(J["argv"], 4) aelem(J["argv"], 5) aelem(J["argv"], 6) aelem(J["argv"], 7) aelem(J["argv"], 8) aelem(J["argv"], 9)')" \
		'"""new\nline""tab\there""ctl\u0001\u001b\u007f""double\"quote""back\\slash""\udcff\udcfe"'
	want "argv_truncated" "$(jsel "$OUT" "$sel" 'H("argv_truncated")')" 0
	want_no_loss
}

check_storm() {
	trace storm -- "$FX/storm" -n 300 -j 2
	want "status" "$STATUS" 0
	want "fixture count/failures" "$(rget count)/$(rget failures)" 300/0
	P=$(rget parent)
	rget children | tr -d '[] ' | tr ',' '\n' > "$W/storm.children"
	want_num "children in the report" "$(wc -l < "$W/storm.children")" -eq 300
	# per child pid: fork exec exit reap each exactly once
	res=$("$AWK" "$(cat "$JL")"'
	BEGIN {
		while ((getline line < KIDS) > 0)
			kid[line] = 1
	}
	jparse($0, J) && (N("pid") in kid) {
		e = S("event")
		if (e == "fork" || e == "exec" || e == "exit" || e == "reap")
			cnt[N("pid") "/" e]++
		if (e == "exec" && J["ret"] != "0") badexec++
		if (e == "exit" && J["code"] != "0") badexit++
		if (e == "reap" && (S("how") != "wait" || O("reaper", "pid") != P)) badreap++
	}
	END {
		for (k in kid) {
			if (cnt[k "/fork"] != 1 || cnt[k "/exec"] != 1 ||
			    cnt[k "/exit"] != 1 || cnt[k "/reap"] != 1) {
				if (missing < 5)
					printf "pid %s: fork %d exec %d exit %d reap %d; ", k,
						cnt[k "/fork"], cnt[k "/exec"], cnt[k "/exit"], cnt[k "/reap"]
				missing++
			}
		}
		printf "%d incomplete, %d bad execs, %d bad exits, %d bad reaps\n",
			missing, badexec, badexit, badreap
	}' P="$P" KIDS="$W/storm.children" "$OUT")
	want "children's lives" "$res" "0 incomplete, 0 bad execs, 0 bad exits, 0 bad reaps"
	want_no_loss
}

check_sched() {
	# a busy shell loop: its time on CPU must show
	trace sched -- /bin/sh -c 'i=0; while [ $i -lt 50000 ]; do i=$((i + 1)); done; echo "{\"pid\":$$}"'
	want "status" "$STATUS" 0
	P=$(rget pid)
	sel="S(\"event\") == \"exit\" && N(\"pid\") == $P && J[\"group_dead\"] == \"true\""
	want_one "exit of the busy shell" "$sel"
	want "sched fields" "$(jsel "$OUT" "$sel" 'H("sched") (O("sched", "run_ns") != "") (O("sched", "wait_ns") != "") (O("sched", "sleep_ns") != "") (O("sched", "block_ns") != "") (O("sched", "nvcsw") != "") (O("sched", "nivcsw") != "")')" 1111111
	run=$(jsel "$OUT" "$sel" 'O("sched", "run_ns")')
	cpu=$(jsel "$OUT" "$sel" 'O("rusage", "cpu_ns")')
	want_num "run_ns" "$run" -gt $((20 * MS))
	# sched_switch accounting against the kernel's own sum_exec_runtime
	want_num "run_ns vs 2 x cpu_ns ($cpu)" "$run" -le $((cpu * 2 + 5 * MS))
	want_num "2 x run_ns vs cpu_ns ($cpu)" $((run * 2 + 5 * MS)) -ge "$cpu"
	# born in the trace: seen whole, the five times add up to its life
	# (fork to exit) within 3 ms or 5%
	want "partial" "$(jsel "$OUT" "$sel" 'O("sched", "partial")')" false
	life=$(( $(jsel "$OUT" "$sel" 'J["t_ns"]') - $(t_of "S(\"event\") == \"fork\" && N(\"pid\") == $P") ))
	sum=$(jsel "$OUT" "$sel" 'sprintf("%.0f", O("sched", "run_ns") + O("sched", "wait_ns") + O("sched", "sleep_ns") + O("sched", "block_ns") + O("sched", "stopped_ns"))')
	diff=$((sum > life ? sum - life : life - sum))
	slack=$((life / 20 > 3 * MS ? life / 20 : 3 * MS))
	want_num "five times ($sum) vs life ($life)" "$diff" -le "$slack"
	# every exit event of every check so far carries its accounting
	for f in "$W"/*.jsonl; do
		n=$(jcount "$f" 'S("event") == "exit" && (!H("sched") || J["sched"] == "null" || O("sched", "run_ns") == "")')
		want_num "exits without sched in $(basename "$f")" "$n" -eq 0
	done
	want_no_loss
}

check_states() {
	# a 200 ms sleeper under --states (which loads the wakeup programs):
	# seen going to sleep, woken and running again, and its accounting
	# puts the sleep in S (before 5.18 the state is read from the task)
	trace states --states -- "$FX/sched_sleep" 200
	want "status" "$STATUS" 0
	P=$(rget pid)
	for st in sleeping runnable running; do
		want_num "$st states of the sleeper" "$(jcount "$OUT" "S(\"event\") == \"state\" && N(\"pid\") == $P && S(\"state\") == \"$st\"")" -ge 1
	done
	sel="S(\"event\") == \"exit\" && N(\"pid\") == $P && J[\"group_dead\"] == \"true\""
	want_one "exit of the sleeper" "$sel"
	want "partial" "$(jsel "$OUT" "$sel" 'O("sched", "partial")')" false
	want_num "sleep_ns" "$(jsel "$OUT" "$sel" 'O("sched", "sleep_ns")')" -ge $((190 * MS))
	want_no_loss
}

check_timeline() {
	trace timeline -o "$W/timeline.json" -- "$FX/fork_exec"
	want "status" "$STATUS" 0
	# one object over several lines: strings hold no raw newline, join them
	tr -d '\n' < "$W/timeline.json" > "$W/timeline.line"
	echo >> "$W/timeline.line"
	want "document" "$(jsel "$W/timeline.line" 1 'S("schema") " " H("trace") H("processes")')" \
		"proclife.timeline/1 11"
	C=$(rget child)
	grep -q "\"id\":\"$C@" "$W/timeline.json" || why "child $C not in the timeline"
}

check_kernel_log() {
	# nothing proclife did may make the kernel complain
	if ! dmesg > "$W/dmesg.after" 2>/dev/null; then
		echo "    (dmesg not readable: skipped)"
		return
	fi
	tail -n +"$((dmesg_lines + 1))" "$W/dmesg.after" |
		grep -E 'BUG:|WARNING:|Oops|general protection|Call Trace|bpf.*(leak|corrupt)' > "$W/dmesg.bad"
	if [ -s "$W/dmesg.bad" ]; then
		head -20 "$W/dmesg.bad" | sed 's/^/    | /'
		why "kernel warnings during the tests"
	fi
}

# ---- main ---------------------------------------------------------------------

[ -x "$PL" ] || { echo "run-tests: no proclife at $PL"; exit 1; }
[ -d "$FX" ] || { echo "run-tests: no fixtures at $FX"; exit 1; }
echo "kernel $(uname -r), $(nproc 2>/dev/null || echo ?) cpus, $("$PL" -V 2>&1)"
dmesg_lines=$(dmesg 2>/dev/null | wc -l)
# kernel messages (a fixture's segfault) on the console would cut into ours
[ -n "${PROCLIFE_VM:-}" ] && dmesg -n 1 2>/dev/null
VARIANTS=${PL_VARIANTS:-tracepoint fentry}
if [ -n "${PROCLIFE_VM:-}" ]; then
	REQUIRE_FENTRY=${PL_REQUIRE_FENTRY:-1}
else
	REQUIRE_FENTRY=${PL_REQUIRE_FENTRY:-0}
fi
_args=
for _a in "$@"; do
	case $_a in
	variants=*) VARIANTS=$(echo "${_a#variants=}" | tr + ' ') ;;
	*) _args="$_args $_a" ;;
	esac
done
[ -n "$_args" ] && CHECKS=$_args

# run_check CHECK LABEL
run_check() {
	_chk=$1
	if [ $loaded = 0 ] && [ "$_chk" != kernel_log ]; then
		echo "FAIL $_chk$2 (not run: proclife does not load)"
		failed=$((failed + 1))
		return
	fi
	bad=0
	_t0=$(date +%s)
	"check_$_chk" > "$W/check.out" 2>&1
	_secs=$(($(date +%s) - _t0))
	if [ $bad = 0 ]; then
		echo "PASS $_chk$2 (${_secs}s)"
		sed -n 's/^    (/    (/p' "$W/check.out"
		passed=$((passed + 1))
	else
		echo "FAIL $_chk$2 (${_secs}s)"
		cat "$W/check.out"
		if [ -s "${ERR:-/nonexistent}" ] && [ "$_chk" != loads ]; then
			echo "    proclife's stderr (last lines):"
			tail -5 "$ERR" | sed 's/^/    | /'
		fi
		failed=$((failed + 1))
	fi
	ERR=
}

# first: bpfcheck wants the memlock budget of kernels < 5.11 whole, before
# any proclife run's BPF memory (freed lazily) is charged to it
case " $CHECKS " in
*" smoke "*) HOOKS=; run_check smoke "" ;;
esac
for HOOKS in $VARIANTS; do
	loaded=1
	# a kernel without fentry: said once, a failure only where required
	if ! timeout 120 "$PL" --hooks "$HOOKS" -q -d 0.1 > /dev/null 2> "$W/variant.err" &&
	    grep -q "does not allow" "$W/variant.err"; then
		if [ "$REQUIRE_FENTRY" = 1 ]; then
			echo "FAIL variant_$HOOKS: $(head -1 "$W/variant.err")"
			failed=$((failed + 1))
		else
			echo "SKIP variant $HOOKS: $(head -1 "$W/variant.err")"
		fi
		continue
	fi
	echo "== hooks $HOOKS"
	for _c in $CHECKS; do
		case $_c in
		smoke | kernel_log) continue ;;
		esac
		run_check "$_c" " [$HOOKS]"
	done
done
case " $CHECKS " in
*" kernel_log "*) HOOKS=; run_check kernel_log "" ;;
esac
echo "$passed passed, $failed failed"
[ $failed = 0 ]
