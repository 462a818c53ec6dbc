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
 * Host tgid of the init whose namespace's end kills the task, or 0. A
 * global function (exit.bpf.c): the verifier checks its walk once, not
 * once per state of the exit. pid_addr: the task's struct pid (a global
 * function takes scalars only, 5.10); tgid: its process.
 */
__noinline __u32 pl_ns_teardown_reaper(__u64 pid_addr, __u32 tgid)
{
	struct pid *pid = (void *)pid_addr;
	unsigned int level = BPF_CORE_READ(pid, level);

	for (unsigned int i = 1; i < 32; i++) {
		struct pid_namespace *ns = NULL;
		struct task_struct *init;
		__u32 init_tgid;

		if (i > level)
			break;
		bpf_core_read(&ns, sizeof(ns), &pid->numbers[i].ns);
		if (!ns || (BPF_CORE_READ(ns, pid_allocated) & PIDNS_ADDING))
			continue;
		init = BPF_CORE_READ(ns, child_reaper);
		init_tgid = init ? BPF_CORE_READ(init, tgid) : 0;
		if (init_tgid && init_tgid != tgid)
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
