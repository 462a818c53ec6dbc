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

# run_rounds ROUNDS SHIFT_BY_MODE EVERY RUN SKIP CFG...: the benchmarks'
# measuring order. For each round and each mode of MODE_LIST (MODE set),
# "RUN ROUND CFG" for every CFG, rotated one place a round (and a mode,
# with SHIFT_BY_MODE 1) so drift never lands on the same configuration.
# EVERY > 0: "untraced" is run first, after every EVERY traced runs and
# once more at the end if any came since, not in the rotation. SKIP (a
# function, or empty): "SKIP CFG" succeeds for a CFG the mode does not run.
run_rounds() {
	local rounds=$1 by_mode=$2 every=$3 run=$4 skip=$5 r mi i n c since
	shift 5
	local cfgs=("$@")

	n=${#cfgs[@]}
	for ((r = 1; r <= rounds; r++)); do
		for ((mi = 0; mi < ${#MODE_LIST[@]}; mi++)); do
			MODE=${MODE_LIST[$mi]}
			since=0
			if ((every > 0)); then
				"$run" "$r" untraced
			fi
			for ((i = 0; i < n; i++)); do
				c=${cfgs[$(((i + r - 1 + mi * by_mode) % n))]}
				if ((every > 0)) && [[ $c == untraced ]]; then
					continue
				fi
				if [[ -n $skip ]] && "$skip" "$c"; then
					continue
				fi
				"$run" "$r" "$c"
				if ((every > 0 && ++since == every)); then
					"$run" "$r" untraced
					since=0
				fi
			done
			if ((since > 0)); then
				"$run" "$r" untraced
			fi
		done
	done
}
