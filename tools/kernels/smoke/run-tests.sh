#!/bin/sh
# Smoke test of the test VM itself: run by /init in the VM (see ../init.sh).
# Checks what proclife depends on and ends with "N passed, N failed".
pass=0
fail=0
check() {
	# check DESCRIPTION COMMAND...
	what=$1
	shift
	if "$@"; then
		echo "ok - $what"
		pass=$((pass + 1))
	else
		echo "not ok - $what"
		fail=$((fail + 1))
	fi
}

echo "kernel: $(uname -r)"
check "/sys/kernel/btf/vmlinux exists" test -s /sys/kernel/btf/vmlinux
echo "sched events: $(ls /sys/kernel/tracing/events/sched/ | tr '\n' ' ')"
check "sched_process_{fork,exec,exit,free} tracepoints" \
	test -d /sys/kernel/tracing/events/sched/sched_process_fork -a \
	     -d /sys/kernel/tracing/events/sched/sched_process_exec -a \
	     -d /sys/kernel/tracing/events/sched/sched_process_exit -a \
	     -d /sys/kernel/tracing/events/sched/sched_process_free
echo "exec syscall events: $(cd /sys/kernel/tracing/events/syscalls && echo *exec*)"
check "syscalls/sys_enter_execve tracepoint" \
	test -d /sys/kernel/tracing/events/syscalls/sys_enter_execve
check "static hello world runs" ./hello

./bpfcheck --hooks > /tmp/bpfcheck.out 2>&1
bpf_rc=$?
cat /tmp/bpfcheck.out
pass=$((pass + $(grep -c '^ok ' /tmp/bpfcheck.out)))
fail=$((fail + $(grep -c '^not ok ' /tmp/bpfcheck.out)))
[ $bpf_rc -eq 0 ] || [ "$(grep -c '^not ok ' /tmp/bpfcheck.out)" -gt 0 ] || {
	echo "not ok - bpfcheck exited $bpf_rc"
	fail=$((fail + 1))
}

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
