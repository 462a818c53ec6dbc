#!/bin/sh
# shellcheck shell=dash
# run-tests.sh - what each of proclife's hook variants costs a system call
# that no tracer of lifecycles cares about, on the running kernel.
#
# The payload of `tools/kernels/test-kernels.sh -b`: run by busybox sh as
# root in the test VM (no KVM: qemu emulates the CPU, so only ratios of
# runs made side by side mean anything). sysloop makes CALLS getppid()
# calls in one process; it runs untraced, under `proclife -q --hooks
# fentry` and under `proclife -q --hooks tracepoint`, alternated ROUNDS
# times. The tracer is started and attached before the loop starts (its
# start-up is not counted) and stopped after it. Prints one line per run,
# then one line per variant:
#   SYSCOST VARIANT rate_ratio=R cpu_ratio=C (median of ROUNDS; untraced = 1)
# where the untraced figure of each round is the mean of the untraced runs
# before and after it. Under TCG on a shared host a call takes one of two
# costs from run to run (~0.8 or ~1.35 us here, tracer or not, pinned to a
# CPU or not): only the medians of several rounds say anything. Exits 1 if
# a run failed (a number is missing), 0 otherwise: the figures are
# measurements, not pass or fail.
#
# Environment: PL_SYSCOST_CALLS (default 1000000), PL_SYSCOST_ROUNDS
# (default 5), PL_SYSCOST_VARIANTS (default "fentry tracepoint"). On a
# host, as root: PROCLIFE=./proclife SYSLOOP=tools/build/sysloop sh
# tools/kernels/syscost/run-tests.sh
here=$(cd "$(dirname "$0")" && pwd)
PL=${PROCLIFE:-$here/proclife}
LOOP=${SYSLOOP:-$here/sysloop}
VARIANTS=${PL_SYSCOST_VARIANTS:-fentry tracepoint}
CALLS=${PL_SYSCOST_CALLS:-1000000}
ROUNDS=${PL_SYSCOST_ROUNDS:-5}
W=$(mktemp -d "${TMPDIR:-/tmp}/syscost.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
bad=0

# field NAME JSON: a number of sysloop's one-line report
field() {
	echo "$2" | sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p"
}

# untraced: "rate cpu_us_per_call"
untraced() {
	local j
	j=$("$LOOP" -n "$CALLS" -j 1) || return 1
	echo "$(field rate_per_s "$j") $(field cpu_us_per_task "$j")"
}

# traced HOOKS: the same under a live tracer attached beforehand
traced() {
	local pid j i=0
	"$PL" -q --hooks "$1" >/dev/null 2>"$W/err" &
	pid=$!
	while ! grep -q "tracing" "$W/err" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 600 ] || ! kill -0 $pid 2>/dev/null; then
			echo "syscost: proclife --hooks $1 did not start:" >&2
			cat "$W/err" >&2
			kill -9 $pid 2>/dev/null
			return 1
		fi
		sleep 0.5
	done
	j=$("$LOOP" -n "$CALLS" -j 1)
	kill -INT $pid
	wait $pid
	[ -n "$j" ] || return 1
	echo "$(field rate_per_s "$j") $(field cpu_us_per_task "$j")"
}

# median of the numbers on stdin
median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

: > "$W/ratios"
prev=$(untraced) || bad=1
for r in $(seq 1 "$ROUNDS"); do
	for hooks in $VARIANTS; do
		got=$(traced "$hooks") || { bad=1; continue; }
		next=$(untraced) || { bad=1; continue; }
		echo "run $r $hooks: traced $got, untraced before $prev, after $next"
		echo "$hooks $got $prev $next" | awk '{
			base_rate = ($4 + $6) / 2; base_cpu = ($5 + $7) / 2
			printf "%s %.4f %.4f\n", $1, $2 / base_rate, $3 / base_cpu }' \
			>> "$W/ratios"
		prev=$next
	done
done
for hooks in $VARIANTS; do
	rate=$(awk -v h="$hooks" '$1 == h { print $2 }' "$W/ratios" | median)
	cpu=$(awk -v h="$hooks" '$1 == h { print $3 }' "$W/ratios" | median)
	echo "SYSCOST $hooks rate_ratio=${rate:-?} cpu_ratio=${cpu:-?}" \
		"(median of $ROUNDS; getppid x $CALLS; kernel $(uname -r))"
done
[ $bad = 0 ]
