#!/bin/sh
# Run unit-test programs; each prints "test_X: N passed, N failed".
# Prints their sum as "unit: N passed, N failed" and fails if any failed.
passed=0
failed=0
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	echo "$out"
	line=$(echo "$out" | grep -E '[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	p=$(echo "$line" | sed -E 's/.* ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	[ -n "$line" ] || { p=0; f=1; echo "$t: no result line"; }
	[ "$rc" = 0 ] || [ "$f" != 0 ] || { f=1; echo "$t: exit status $rc"; }
	passed=$((passed + p))
	failed=$((failed + f))
done
echo "unit: $passed passed, $failed failed"
[ "$failed" = 0 ]
