# SPDX-License-Identifier: GPL-2.0
#
# tools/lib.sh: what the tools/ scripts share. Sourced, never run:
#   . "$HERE/lib.sh"
# Needs PROCLIFE set by the caller.

# die MESSAGE: "SCRIPT: MESSAGE" on stderr, then exit 1.
die() {
	echo "$(basename "$0"): $*" >&2
	exit 1
}

# The checks every tool makes first: root, and a built proclife.
need_root_and_proclife() {
	[[ $EUID -eq 0 ]] || die "must run as root"
	[[ -x $PROCLIFE ]] || die "no proclife at $PROCLIFE: run make"
}

# start_proclife OUT ERR ARG...: run "$PROCLIFE ARG..." in the background,
# stdout to OUT and stderr to ERR; set PL_PID and return once it is
# attached (its "tracing" line), or die with its last line if it exits.
start_proclife() {
	local out=$1 err=$2 i
	shift 2
	: >"$err"
	"$PROCLIFE" "$@" >"$out" 2>"$err" </dev/null &
	PL_PID=$!
	for ((i = 0; i < 300; i++)); do
		grep -qE 'attached|tracing' "$err" && break
		kill -0 "$PL_PID" 2>/dev/null || die "proclife exited: $(tail -n 1 "$err")"
		sleep 0.05
	done
	sleep 0.3	# let the first poll settle before the workload starts
}
