/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reap record, shared by both hook variants: the syscall tracepoints
 * and sched_process_free (reap.bpf.c), and release_task (fentry.bpf.c).
 */
#ifndef PL_REAP_BPF_H
#define PL_REAP_BPF_H

#include "common.bpf.h"
#include "select.bpf.h"
#include "teardown.bpf.h"

/* The zombie pid's end: a record from its zombies entry, then forget it.
 * PL_REAP_WAIT: the current task reaped it. */
static __always_inline void emit_reap(__u32 pid, __u32 source, __u64 ts)
{
	__u64 cur = bpf_get_current_pid_tgid();
	struct pl_zombie *z = bpf_map_lookup_elem(&zombies, &pid);
	__u32 reaper = cur >> 32;
	struct pl_reap *e;

	if (!z)
		return;
	teardown_reap(z, &source, &reaper);
	/* a ptracer's wait reports the zombie but leaves it to the parent */
	if (source == PL_REAP_WAIT && z->ptraced && (cur >> 32) != z->ppid)
		return;
	e = reserve(sizeof(*e), PL_EV_REAP);
	if (e) {
		e->h.ts_ns = ts;
		e->h.start_ns = z->start_ns;
		e->exit_ns = z->exit_ns;
		e->h.type = PL_EV_REAP;
		e->h.size = sizeof(*e);
		e->h.pid = pid;
		e->h.tid = pid;
		e->h.ppid = z->ppid;
		e->h.uid = z->uid;
		__builtin_memcpy(e->h.comm, z->comm, PL_COMM_LEN);
		e->source = source;
		e->status = 0;
		if (source == PL_REAP_WAIT) {
			e->reaper_pid = cur >> 32;
			e->reaper_tid = (__u32)cur;
			bpf_get_current_comm(e->reaper_comm, PL_COMM_LEN);
		} else if (source == PL_REAP_NS_TEARDOWN) {
			e->reaper_pid = reaper;
			e->reaper_tid = reaper;
			__builtin_memset(e->reaper_comm, 0, PL_COMM_LEN);
		} else {
			e->reaper_pid = 0;
			e->reaper_tid = 0;
			__builtin_memset(e->reaper_comm, 0, PL_COMM_LEN);
		}
		submit(e);
	}
	bpf_map_delete_elem(&zombies, &pid);
	forget_task(pid);
}

#endif /* PL_REAP_BPF_H */
