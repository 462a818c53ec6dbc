#!/bin/busybox sh
# shellcheck shell=dash
# /init of the test VM (copied in by mkinitramfs.sh).
#
# Mounts what a BPF tracer needs, runs /payload/run-tests.sh and prints
#   PROCLIFE-TEST-EXIT: N
# with its exit status, then powers the VM off.  run-kernel.sh parses
# that line; nothing after it matters.
#
# Kernel command line switches (run-kernel.sh passes extra ones through):
#   proclife.shell=1    run an interactive shell instead of the payload
#   proclife.args=A,B   arguments for run-tests.sh (commas become spaces)

/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/root TERM=vt100
# tells a payload it runs in the test VM (run-tests.sh quiets the console)
export PROCLIFE_VM=1

mount -t devtmpfs devtmpfs /dev 2>/dev/null
# The kernel opens /dev/console before /init only if the node is in the
# archive; make sure stdio goes to the serial console either way.
exec </dev/console >/dev/console 2>&1

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=755 tmpfs /run
mount -t tracefs tracefs /sys/kernel/tracing
mount -t debugfs debugfs /sys/kernel/debug
mount -t bpf bpf /sys/fs/bpf
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
hostname proclife-vm
ip link set lo up 2>/dev/null

shell=0
args=
for opt in $(cat /proc/cmdline); do
	case "$opt" in
	proclife.shell=1) shell=1 ;;
	proclife.args=*) args=$(echo "${opt#proclife.args=}" | tr , ' ') ;;
	esac
done

echo "PROCLIFE-VM: kernel $(uname -r), $(nproc) cpus, init ready"

if [ $shell = 1 ]; then
	# setsid + cttyhack give the shell a controlling tty, so Ctrl-C works.
	setsid cttyhack sh -l
	rc=$?
elif [ -f /payload/run-tests.sh ]; then
	# shellcheck disable=SC2086 # $args is split on purpose
	(cd /payload && sh ./run-tests.sh $args)
	rc=$?
else
	echo "PROCLIFE-VM: no /payload/run-tests.sh"
	rc=127
fi

echo "PROCLIFE-TEST-EXIT: $rc"
sync
poweroff -f
# Not reached unless poweroff failed: try the sysrq way, then let init exit,
# which panics the kernel (panic=-1 reboots, and qemu -no-reboot stops).
echo o > /proc/sysrq-trigger
sleep 5
exit $rc
