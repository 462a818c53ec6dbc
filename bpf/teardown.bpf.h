/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A pid namespace's end: when its init dies, zap_pid_ns_processes() stops
 * pid allocation in it (clears PIDNS_ADDING), SIGKILLs every process left
 * and reaps them itself with kernel_wait4(), a wait no syscall tracepoint
 * shows. A process that dies in a namespace (or one nested in it) whose
 * allocation is off dies of that teardown: its exit record says so. Its
 * reap ("ns_teardown") is decided with the other reaps (exit.bpf.c's
 * send_autoreap).
 */
#ifndef PL_TEARDOWN_BPF_H
#define PL_TEARDOWN_BPF_H

#include "common.bpf.h"

#define PIDNS_ADDING	(1U << 31)	/* pid_namespace.pid_allocated */

/*
 * Level i of the task's pid namespaces (pid_addr: its struct pid; tgid:
 * its process): the host tgid of the namespace's init when the namespace
 * is being torn down and the task is not that init, else 0. Global
 * functions (exit.bpf.c), this one and the next: the verifier checks each
 * once, not once per level or state of the exit; they take scalars only
 * (5.10).
 */
__noinline __u32 pl_teardown_level(__u64 pid_addr, __u32 i, __u32 tgid)
{
	struct pid *pid = (void *)pid_addr;
	struct pid_namespace *ns = NULL;
	struct task_struct *init;
	__u32 init_tgid;

	bpf_core_read(&ns, sizeof(ns), &pid->numbers[i & 31].ns);
	if (!ns || (BPF_CORE_READ(ns, pid_allocated) & PIDNS_ADDING))
		return 0;
	init = BPF_CORE_READ(ns, child_reaper);
	init_tgid = init ? BPF_CORE_READ(init, tgid) : 0;
	return init_tgid != tgid ? init_tgid : 0;
}

/* Host tgid of the init whose namespace's end kills the task, or 0. */
__noinline __u32 pl_ns_teardown_reaper(__u64 pid_addr, __u32 tgid)
{
	unsigned int level = BPF_CORE_READ((struct pid *)pid_addr, level);
	__u32 init_tgid;

	for (unsigned int i = 1; i < 32; i++) {
		if (i > level)
			break;
		init_tgid = pl_teardown_level(pid_addr, i, tgid);
		if (init_tgid)
			return init_tgid;
	}
	return 0;
}

static __always_inline __u32 ns_teardown_reaper(struct task_struct *task)
{
	return pl_ns_teardown_reaper((__u64)BPF_CORE_READ(task, thread_pid),
				     task->tgid);
}

#endif /* PL_TEARDOWN_BPF_H */
