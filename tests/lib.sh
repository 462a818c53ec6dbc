# SPDX-License-Identifier: GPL-2.0
# What the shell checks share; sourced from the top of the tree by
# tests/check-build.sh, tests/check-install.sh and scripts/test-package.sh:
#	checks_begin NAME	count from zero; the closing line names NAME
#	ok STATUS TEXT		PASS TEXT when STATUS is 0, else FAIL TEXT
#	scratch_dir		$scratch: a new directory, removed on exit
#	checks_done		"NAME: N passed, N failed", exit 1 on a failure

checks_begin() {
	check_name=$1
	passed=0
	failed=0
}

ok() {
	if [ "$1" = 0 ]; then
		passed=$((passed + 1))
		echo "PASS $2"
	else
		failed=$((failed + 1))
		echo "FAIL $2"
	fi
}

scratch_dir() {
	scratch=$(mktemp -d) || exit 1
	trap 'rm -rf "$scratch"' EXIT
}

checks_done() {
	echo "$check_name: $passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit
}
