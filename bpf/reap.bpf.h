/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The release of a remembered zombie, shared by both hook variants: a
 * wait syscall and sched_process_free (reap.bpf.c), and release_task
 * (fentry.bpf.c). Whoever saw it, the same rules decide the record: the
 * reaper, "how" after the zombie's last move, its exit status from its
 * exit.
 */
#ifndef PL_REAP_BPF_H
#define PL_REAP_BPF_H

#include "common.bpf.h"
#include "select.bpf.h"
#include "zombie.bpf.h"

/*
 * The zombie pid (global) z was released by reaper (reaper_tid 0 when
 * only its process is known): its reap record, then everything kept
 * about it goes. PL_REAP_EXACT in flags: ts is the release itself, else
 * an upper bound. A zombie already there at the start is reported only
 * when selected (its exit was not, it is in no one's tree otherwise).
 */
static __always_inline void emit_reap(__u32 pid, struct pl_zombie *z,
				      __u32 reaper_pid, __u32 reaper_tid,
				      const char *reaper_comm, __u32 flags,
				      __u64 ts)
{
	struct pl_zombie mine = *z;

	/* a wait and the free (an RCU grace period after the release, but
	 * the waiter may not have returned yet) can both find it: the one
	 * whose delete succeeds sends the one reap */
	if (bpf_map_delete_elem(&zombies, &pid))
		return;
	zombie_bit_clear(pid);
	if (mine.exit_ns || is_selected(pid))
		send_reap(pid, &mine, pl_reap_how_after(mine.reparent),
			  reaper_pid, reaper_tid, reaper_comm, flags, ts);
	forget_zombie(pid, &mine);
}

#endif /* PL_REAP_BPF_H */
