/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel side's record of a zombie (the zombies map) from its exit to
 * its reap: its exit status, its parent kept up to date, its pid in each
 * of its pid namespaces, and the one reap record every release sends.
 * Shared by exit.bpf.c (the exit, an autoreap), reap.bpf.c (a wait, the
 * free) and iter.bpf.c (zombies already there at the start).
 */
#ifndef PL_ZOMBIE_BPF_H
#define PL_ZOMBIE_BPF_H

#include "common.bpf.h"
#include "select.bpf.h"

/* The process's wait status, as its parent's wait() would get it. */
static __always_inline __u32 exit_status(struct task_struct *task,
					 struct task_struct *leader,
					 struct signal_struct *sig,
					 bool group_dead)
{
	if (signal_group_exiting(sig))
		return sig->group_exit_code;
	if (group_dead)
		return leader->exit_code;
	return task->exit_code;
}

/*
 * The free of a process reaped by a wait (most of them) would look for a
 * zombies entry that is gone: a miss in a cold bucket, most of the free's
 * cost. A bit per pid says whether to look. Only the holder of a pid's
 * entry sets or clears its bit (its exit, the one reap whose delete
 * succeeded), and each adds only what is not there: the adds cannot carry
 * into other pids' bits (no atomic "or" before 5.12).
 */
static __always_inline __u64 *zombie_bit_word(__u32 pid)
{
	__u32 i = pid >> 6;

	/* masked after the shift, in a form the verifier bounds */
	asm volatile("" : "+r"(i));
	return &zombie_bits[i & (ZOMBIE_BIT_WORDS - 1)];
}

static __always_inline void zombie_bit_set(__u32 pid)
{
	__u64 *w = zombie_bit_word(pid), bit = 1ULL << (pid & 63);

	if (!(*(volatile __u64 *)w & bit))
		__sync_fetch_and_add(w, bit);
}

static __always_inline void zombie_bit_clear(__u32 pid)
{
	__u64 *w = zombie_bit_word(pid), bit = 1ULL << (pid & 63);

	if (*(volatile __u64 *)w & bit)
		__sync_fetch_and_add(w, -bit);
}

static __always_inline bool zombie_bit_test(__u32 pid)
{
	return pid >= ZOMBIE_BIT_WORDS * 64 ||
	       (*(volatile __u64 *)zombie_bit_word(pid) & (1ULL << (pid & 63)));
}

/*
 * A process whose exit record is lost still gets its reap, with its
 * status, and its children's reparents: each record is lost or delivered
 * on its own. The zombie is also filed under its pid in each of its
 * namespaces, as a wait there returns it. ts 0: a zombie already at the
 * start (its exit time unknown). who: the task's header facts (common.bpf.h),
 * pid the leader's struct pid, read by the caller before it branched.
 */
static __always_inline void remember_zombie(struct task_struct *leader,
					    const struct pl_header *who,
					    struct pid *pid, __u32 tgid,
					    __u64 ts, __u32 status)
{
	struct pl_zombie z = {
		.start_ns = who->start_ns,
		.exit_ns = ts,
		.ppid = who->ppid,
		.uid = who->uid,
		.ptraced = leader->ptrace != 0,
		.status = status,
	};
	unsigned int level = BPF_CORE_READ(pid, level);
	struct moved *m = moved_count ? bpf_map_lookup_elem(&moved, &tgid) :
					NULL;

	if (m && m->start_ns == z.start_ns)
		z.reparent = m->reason;
	__builtin_memcpy(z.comm, leader->comm, PL_COMM_LEN);
	if (level > PL_NS_LEVELS)
		count_loss(PL_LOSS_NS_DEEP);
	for (int l = 1; l <= PL_NS_LEVELS; l++) {
		struct pl_ns_pid key = {};
		struct upid up = {};

		if (l > level)
			break;
		bpf_core_read(&up, sizeof(up), &pid->numbers[l]);
		key.ns = (__u64)up.ns;
		key.nr = up.nr;
		z.ns[l - 1] = key.ns;
		z.nr[l - 1] = key.nr;
		bpf_map_update_elem(&zombie_alias, &key, &tgid, BPF_ANY);
	}
	if (bpf_map_update_elem(&zombies, &tgid, &z, BPF_ANY))
		count_loss(PL_LOSS_ZOMBIES_FULL);	/* its reap cannot be seen */
	else
		zombie_bit_set(tgid);
}

/* The reap record: every release, whoever saw it, goes out here. */
static __always_inline void send_reap(__u32 pid, const struct pl_zombie *z,
				      __u32 how, __u32 reaper_pid,
				      __u32 reaper_tid, const char *reaper_comm,
				      __u32 flags, __u64 ts)
{
	struct pl_reap *e = reserve(sizeof(*e), PL_EV_REAP);

	if (!e)
		return;
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
	e->how = how;
	e->status = z->status;
	e->flags = flags | PL_REAP_STATUS | (z->exit_ns ? PL_REAP_EXIT_KNOWN : 0);
	e->pad = 0;
	e->reaper_pid = reaper_pid;
	e->reaper_tid = reaper_tid;
	if (reaper_comm)
		bpf_probe_read_kernel(e->reaper_comm, PL_COMM_LEN, reaper_comm);
	else
		__builtin_memset(e->reaper_comm, 0, PL_COMM_LEN);
	submit(e);
}

/* Everything else kept about a released process goes (its zombies
 * entry went first: reap.bpf.h's emit_reap()). */
static __always_inline void forget_zombie(__u32 pid, struct pl_zombie *z)
{
	__u64 start = z->start_ns;

	for (int l = 0; l < PL_NS_LEVELS; l++) {
		struct pl_ns_pid key = { .ns = z->ns[l], .nr = z->nr[l] };
		__u32 *g;

		if (!key.nr)
			break;
		g = bpf_map_lookup_elem(&zombie_alias, &key);
		if (g && *g == pid)
			bpf_map_delete_elem(&zombie_alias, &key);
	}
	forget_moved(pid, start);
	forget_task(pid, start);
}

#endif /* PL_ZOMBIE_BPF_H */
