#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tests/fuzz/run.sh [SECONDS] [TARGET...] - build the libFuzzer targets and
# run each for SECONDS (default 30).
#
#   fuzz_event  ring-buffer records -> decode -> text and JSON stream ->
#               timeline -> every output format (JSON checked for validity)
#   fuzz_json   json_escape / json_strn: valid JSON, and the bytes decode
#               back (surrogateescape)
#   fuzz_args   pl_parse_args on argv split from the input on NUL
#
# Built with clang -fsanitize=fuzzer,address,undefined (UB aborts) from
# src/**/*.c except the loader side (cli/main.c, kernel/tracer.c, pipeline/pump.c,
# model/selection.c, cli/privileges.c), so no BPF skeleton, libbpf or root is needed.
# Seeds: tests/fuzz/corpus/TARGET (gen_seeds.c writes them; run.sh makes
# them when missing), plus regress-* inputs that once crashed a target (run
# first, so a regression fails at once: regress-misaligned-record, the reorder
# arena's alignment; regress-chart-sched-overflow, sched times whose sum wraps
# give the SVG chart coordinates out of range of long long in put_num());
# what the fuzzer finds goes to build/fuzz/corpus/TARGET,
# crashes to build/fuzz/artifacts/. Exit status: 0 no crash, 1 a crash (its
# input and reproduction command are printed), 2 build failure.
#
# Environment: CLANG (default clang), FUZZ_OUT (default build/fuzz),
# FUZZ_FLAGS (more libFuzzer flags, e.g. -jobs=2 or -max_len=8192),
# FUZZ_CFLAGS (more compiler flags, e.g. -fno-sanitize=alignment to look
# past a known misaligned-record finding).
#
# Reproduce a crash:   build/fuzz/fuzz_event build/fuzz/artifacts/crash-...
# Minimize it:         build/fuzz/fuzz_event -minimize_crash=1 -runs=10000 CRASH
cd "$(dirname "$0")/../.." || exit 2
secs=${1:-30}
[ $# -gt 0 ] && shift
targets=${*:-fuzz_event fuzz_json fuzz_args}
clang=${CLANG:-clang}
out=${FUZZ_OUT:-build/fuzz}
case "$secs" in
''|*[!0-9]*) echo "usage: $0 [SECONDS] [fuzz_event|fuzz_json|fuzz_args...]" >&2; exit 2 ;;
esac

cflags="-g -O1 -std=gnu11 -fno-omit-frame-pointer -fsanitize=address,undefined
	-fno-sanitize-recover=all -Iinclude -Isrc -Ibuild -Itests/fuzz
	-DPROCLIFE_VERSION=\"fuzz\" -Wall -Wno-unused-parameter ${FUZZ_CFLAGS:-}"
mkdir -p "$out/obj" "$out/artifacts" || exit 2
# other flags than last time: rebuild everything
if [ "$(cat "$out/obj/.flags" 2>/dev/null)" != "$clang $cflags" ]; then
	rm -f "$out"/obj/*.o
	echo "$clang $cflags" > "$out/obj/.flags"
fi

# The library once, instrumented for coverage (fuzzer-no-link).
objs=
for src in src/*/*.c src/*/*/*.c; do
	# the loader side (BPF, libbpf, the live selection) is not fuzzed here
	case "$src" in
	src/cli/main.c|src/kernel/tracer.c|src/pipeline/pump.c|src/model/selection.c|src/cli/privileges.c) continue ;;
	esac
	# one flat object folder: src/sinks/chart/rows.c -> sinks-chart-rows.o
	rel=${src#src/}
	obj=$out/obj/$(echo "${rel%.c}" | tr / -).o
	if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] ||
	   [ -n "$(find src include -name '*.h' -newer "$obj" | head -1)" ]; then
		# shellcheck disable=SC2086
		$clang $cflags -fsanitize=fuzzer-no-link -c "$src" -o "$obj" || exit 2
	fi
	objs="$objs $obj"
done
for t in $targets; do
	[ -f "tests/fuzz/$t.c" ] || { echo "run.sh: no target $t" >&2; exit 2; }
	# shellcheck disable=SC2086
	$clang $cflags -fsanitize=fuzzer "tests/fuzz/$t.c" $objs -o "$out/$t" || exit 2
done

# Seeds: real records laid out with include/proclife.h.
for t in $targets; do
	if [ -z "$(ls "tests/fuzz/corpus/$t" 2>/dev/null)" ]; then
		# shellcheck disable=SC2086
		cc -O1 -Iinclude -Isrc tests/fuzz/gen_seeds.c -o "$out/gen_seeds" &&
			"$out/gen_seeds" tests/fuzz/corpus || exit 2
		break
	fi
done

status=0
summary=
for t in $targets; do
	mkdir -p "$out/corpus/$t"
	log=$out/$t.log
	echo "== $t: ${secs}s"
	# shellcheck disable=SC2086
	"$out/$t" -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$out/artifacts/$t-" -timeout=10 -rss_limit_mb=2048 \
		$FUZZ_FLAGS "$out/corpus/$t" "tests/fuzz/corpus/$t" > "$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -E '^#[0-9]+' "$log" | tail -1 | sed -n 's/.*\(cov: [0-9]*\).*/\1/p')
	if [ $rc -ne 0 ]; then
		status=1
		echo "FAIL $t (status $rc): last lines of $log:"
		grep -E 'ERROR|runtime error|SUMMARY|fuzz_[a-z]+:|Test unit written|^ *#[0-9]+ 0x' "$log" |
			head -40
		summary="$summary$t: CRASH after ${execs:-?} executions ($log)
"
	else
		echo "PASS $t: ${execs:-?} executions, ${cov:-cov: ?}"
		summary="$summary$t: ${execs:-?} executions, no crash, ${cov:-cov: ?}
"
	fi
done
echo
printf '%s' "$summary"
exit $status
