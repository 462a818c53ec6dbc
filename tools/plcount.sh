#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# plcount.sh: count the lifecycle events proclife streamed (-j) for one
# process tree: a root process and everything it forked, however deep.
#
#   tools/plcount.sh [-c COMM] ROOT_PID FILE.jsonl
#
# A task is (pid, start_ns), never a pid alone: pid_max may be small and a
# storm reuses every pid many times. A fork joins the tree when its parent's
# current incarnation (the last birth seen under that pid) is in the tree.
# Several processes may have had ROOT_PID during the trace; the root is the
# one that exec'd a program named COMM (default "workload").
#
# Prints one line of key=value pairs:
#   procs      processes in the tree (root included)
#   fork exec exec_fail exit reap   events of those processes (exec: ret 0;
#              exit: the group leader's, i.e. the process's)
#   thread thread_exit             thread births and exits (stream with -T)
#   no_fork no_exit no_reap         processes missing that event
#   no_exec    processes without a successful exec
#   lost       sum of the stream's "lost" records (machine-wide)
#   other_events  events of tasks outside the tree (machine-wide noise)
#
# Relies on the stream's layout: the header fields (event, pid, tid, ppid,
# start_ns) come before comm and everything else a task can choose.

set -euo pipefail

COMM=workload
if [[ ${1:-} == -c ]]; then
	COMM=$2
	shift 2
fi
if [[ $# -ne 2 ]]; then
	echo "usage: tools/plcount.sh [-c COMM] ROOT_PID FILE.jsonl" >&2
	exit 2
fi

exec awk -v root="$1" -v want_comm="$COMM" '
function num(key,    p) {
	if (!match($0, "\"" key "\":-?[0-9]+"))
		return ""
	p = length(key) + 3
	return substr($0, RSTART + p, RLENGTH - p)
}
function str(key,    p) {
	if (!match($0, "\"" key "\":\"[^\"]*\""))
		return ""
	p = length(key) + 4
	return substr($0, RSTART + p, RLENGTH - p - 1)
}
{
	ev = str("event")
	if (ev == "lost") {
		lost += num("count")
		next
	}
	pid = num("pid")
	key = pid "@" num("start_ns")
	if (ev == "fork") {
		live[pid] = key
		if (pid == root) {
			tree[key] = key		# a candidate root
		} else if ((parent = live[num("ppid")]) != "" && parent in tree) {
			tree[key] = tree[parent]
		} else {
			other++
			next
		}
		n[tree[key], "procs"]++
		n[tree[key], "fork"]++
		flags[key] = "F"
		next
	}
	if (!(key in tree)) {
		# The root may have been running before its fork was traced.
		if (pid == root && ev == "exec") {
			tree[key] = key
			n[key, "procs"]++
			flags[key] = ""
		} else {
			other++
			next
		}
	}
	t = tree[key]
	if (ev == "exec") {
		if (num("ret") != 0) {
			n[t, "exec_fail"]++
		} else {
			n[t, "exec"]++
			flags[key] = flags[key] "E"
			if (key == t && str("comm") == want_comm)
				good[t] = 1
		}
	} else if (ev == "exit") {
		if (num("tid") == pid) {
			n[t, "exit"]++
			flags[key] = flags[key] "X"
		} else {
			n[t, "thread_exit"]++
		}
	} else if (ev == "reap") {
		n[t, "reap"]++
		flags[key] = flags[key] "R"
	} else if (ev == "thread") {
		n[t, "thread"]++
	}
}
END {
	for (t in good)
		r = t
	if (r == "") {
		printf "error=no_root procs=0 other_events=%d lost=%d\n", other, lost
		exit 1
	}
	for (k in tree) {
		if (tree[k] != r)
			continue
		f = flags[k]
		if (index(f, "F") == 0) nf++
		if (index(f, "E") == 0) ne++
		if (index(f, "X") == 0) nx++
		if (index(f, "R") == 0) nr++
	}
	printf "root=%s procs=%d fork=%d exec=%d exec_fail=%d exit=%d reap=%d", r,
		n[r, "procs"], n[r, "fork"], n[r, "exec"], n[r, "exec_fail"],
		n[r, "exit"], n[r, "reap"]
	printf " thread=%d thread_exit=%d", n[r, "thread"], n[r, "thread_exit"]
	printf " no_fork=%d no_exec=%d no_exit=%d no_reap=%d lost=%d other_events=%d\n",
		nf, ne, nx, nr, lost, other
}' "$2"
