#!/bin/sh
# make test: unit tests, docs and install checks (no privileges), then
# integration tests (root).
# Optional parts, for CI and long runs:
#   PROCLIFE_TEST_VALGRIND=1      the unit tests again under valgrind
#   PROCLIFE_TEST_FUZZ=SECONDS    each fuzz target for SECONDS
#   PROCLIFE_TEST_KERNELS="5.10"  the static binary on these kernels (qemu)
# Closes with the plain line "N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
log=$(mktemp)
trap 'rm -f "$log"' EXIT
missing=0

# Each part must print its "<part>: N passed, N failed" line; a part that
# dies before it counts as a failure.
part() {
	name=$1
	shift
	"$@" 2>&1 | tee -a "$log"
	grep -qE "^$name: [0-9]+ passed, [0-9]+ failed" "$log" || {
		echo "$name: no result line: counted as a failure"
		missing=$((missing + 1))
	}
}

# libFuzzer's run script prints PASS/FAIL per target: make it a part line.
fuzz() {
	out=$(tests/fuzz/run.sh "$1" 2>&1)
	echo "$out"
	echo "fuzz: $(echo "$out" | grep -c '^PASS ') passed, $(echo "$out" | grep -c '^FAIL ') failed"
}

part unit tests/run-unit.sh "$@"
# -h, man page and completion agree; make install/uninstall (no root)
part docs tests/check-docs.py ./proclife
part install tests/check-install.sh
# make -j2 clean all is reliable; the build needs no kernel BTF
part build tests/check-build.sh
if [ "$(id -u)" = 0 ]; then
	part integration tests/run-integration.sh
else
	echo "integration: skipped (not root: run 'sudo make test')"
fi
[ -n "${PROCLIFE_TEST_VALGRIND:-}" ] && part valgrind tests/run-valgrind.sh "$@"
[ -n "${PROCLIFE_TEST_FUZZ:-}" ] && part fuzz fuzz "$PROCLIFE_TEST_FUZZ"
if [ -n "${PROCLIFE_TEST_KERNELS:-}" ] && [ "$(id -u)" = 0 ]; then
	# shellcheck disable=SC2086 # a list of versions
	part kernels tools/kernels/test-kernels.sh $PROCLIFE_TEST_KERNELS
fi

sum() {
	grep -E "^(unit|docs|install|build|integration|valgrind|fuzz|kernels): [0-9]+ passed" "$log" |
		sed -E "s/^[a-z]+: ([0-9]+) passed, ([0-9]+) failed.*/\\$1/" |
		awk '{ s += $1 } END { print s + 0 }'
}
passed=$(sum 1)
failed=$(($(sum 2) + missing))
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
