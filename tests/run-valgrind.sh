#!/bin/sh
# tests/run-valgrind.sh [TEST_BINARY...] - every unit test under valgrind.
#
# Default: build/tests/test_* (make build/tests/test_X first, or make test).
# Each runs under memcheck with --leak-check=full --errors-for-leak-kinds=
# definite,indirect --error-exitcode=9: an invalid read or write, a use of
# uninitialised memory, a definite or indirect leak, or a failing test fails
# it. Prints PASS/FAIL per binary (with valgrind's error summary and the
# first errors on failure) and closes with "valgrind: N passed, N failed".
# The logs stay in $VALGRIND_LOGS (default build/valgrind).
#
# Not for a SANITIZE=1 build: ASan and valgrind do not mix.
cd "$(dirname "$0")/.." || exit 1
command -v valgrind >/dev/null || {
	echo "run-valgrind: valgrind is missing (apt-get install valgrind)"
	exit 1
}
logs=${VALGRIND_LOGS:-build/valgrind}
mkdir -p "$logs" || exit 1
[ $# -gt 0 ] || set -- build/tests/test_*
passed=0
failed=0
for t in "$@"; do
	[ -x "$t" ] || { echo "run-valgrind: $t: not built"; failed=$((failed + 1)); continue; }
	name=$(basename "$t")
	if nm "$t" 2>/dev/null | grep -q __asan_init; then
		echo "FAIL $name: built with ASan (SANITIZE=1): rebuild without it"
		failed=$((failed + 1))
		continue
	fi
	log=$logs/$name.log
	valgrind --tool=memcheck --leak-check=full \
		--errors-for-leak-kinds=definite,indirect \
		--show-leak-kinds=definite,indirect --track-origins=yes \
		--error-exitcode=9 --log-file="$log" "$t" > "$logs/$name.out" 2>&1
	rc=$?
	summary=$(grep 'ERROR SUMMARY' "$log" | tail -1 | sed 's/^==[0-9]*== //')
	if [ $rc -eq 0 ]; then
		echo "PASS $name ($summary)"
		passed=$((passed + 1))
	else
		echo "FAIL $name (status $rc; $summary; log $log)"
		[ $rc -eq 9 ] || tail -5 "$logs/$name.out" | sed 's/^/    | /'
		grep -E '^==[0-9]+== (Invalid|Conditional|Use of|Syscall param|[0-9,]+ bytes in .* (definitely|indirectly) lost|   (at|by) )' \
			"$log" | head -30 | sed 's/^==[0-9]*== /    | /'
		failed=$((failed + 1))
	fi
done
echo "valgrind: $passed passed, $failed failed"
[ $failed -eq 0 ]
