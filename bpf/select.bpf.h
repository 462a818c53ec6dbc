/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which processes are traced (-p, -c, -u, CMD): decided once per process
 * and remembered in the tracked map for the rest of its life.
 */
#ifndef PL_SELECT_BPF_H
#define PL_SELECT_BPF_H

#include "common.bpf.h"
#include "cgroup.bpf.h"

static __always_inline bool comm_is(const char *comm, __u32 k)
{
	for (int i = 0; i < PL_COMM_LEN; i++) {
		if (comm[i] != target_comms[k][i])
			return false;
		if (!comm[i])
			return true;
	}
	return true;
}

static __always_inline bool comm_matches(const char *comm)
{
	for (__u32 k = 0; k < PL_MAX_COMMS && k < nr_target_comms; k++)
		if (comm_is(comm, k))
			return true;
	return false;
}

static __always_inline bool uid_matches(__u32 uid)
{
	for (__u32 k = 0; k < PL_MAX_UIDS && k < nr_target_uids; k++)
		if (uid == target_uids[k])
			return true;
	return false;
}

/* Do the task's current facts satisfy -c, -u and the cgroup and namespace
 * filters? (-p is tree membership.) */
static __always_inline bool task_matches(struct task_struct *task,
					 const char *comm)
{
	if (filter_uid && !uid_matches(task->real_cred->uid.val))
		return false;
	if (filter_comm) {
		char buf[PL_COMM_LEN];

		if (!comm) {
			__builtin_memcpy(buf, task->comm, PL_COMM_LEN);
			comm = buf;
		}
		if (!comm_matches(comm))
			return false;
	}
	return where_matches(task);	/* --cgroup, --container, --pidns */
}

/* Remember a process's selection; a full map leaves it out, counted. */
static __always_inline bool track(__u32 tgid, struct pl_track *val)
{
	if (!bpf_map_update_elem(&tracked, &tgid, val, BPF_ANY))
		return true;
	count_loss(PL_LOSS_TRACKED_FULL);
	return false;
}

/* A tracked entry of another life of this pid (not yet forgotten: its
 * free comes an RCU grace period after its release) does not count.
 * start_ns 0 (set by the loader for its own pid) matches any life. */
static __always_inline struct pl_track *tracked_life(__u32 tgid, __u64 start)
{
	struct pl_track *t = bpf_map_lookup_elem(&tracked, &tgid);

	return t && (!t->start_ns || t->start_ns == start) ? t : NULL;
}

/* A process picked up mid-life: say so before the event that did it. */
static __always_inline void report_selected(const struct pl_header *who,
					    __u32 why)
{
	struct pl_select *e = reserve(sizeof(*e), PL_EV_SELECT);

	if (!e)
		return;
	put_header(&e->h, who, PL_EV_SELECT, sizeof(*e),
		   bpf_ktime_get_boot_ns());
	e->reason = why;
	e->pad = 0;
	submit(e);
}

/*
 * Is the process traced? When it is not yet, look again with its current
 * facts (comm is the name it is about to take, or NULL for its own), and
 * remember a match for the rest of its life. why (enum pl_select_reason;
 * 0 at its birth) is reported when it is picked up now, mid-life. who:
 * the task's header facts (common.bpf.h's task_header()).
 */
static __always_inline bool select_task_who(struct task_struct *task,
					    const struct pl_header *who,
					    __u32 tgid, const char *comm,
					    __u32 why)
{
	__u64 start = who->start_ns;
	struct pl_track *t, val = { .start_ns = start };

	if (!filter_active)
		return true;
	t = tracked_life(tgid, start);
	if (t) {
		if (t->bits & TRACK_SELECTED)
			return true;
		val.bits = t->bits;
		val.reparent = t->reparent;
	}
	if (filter_pids && !(val.bits & TRACK_IN_TREE))
		return false;
	if (!task_matches(task, comm))
		return false;
	val.bits |= TRACK_SELECTED;
	if (!track(tgid, &val))
		return false;
	if (why)
		report_selected(who, why);
	return true;
}

/* The same where the header facts are not at hand: in programs that
 * seldom get this far, read with helpers, which cost the verifier no BTF
 * search (task_header()). */
static __always_inline bool select_task_why(struct task_struct *task,
					    __u32 tgid, const char *comm,
					    __u32 why)
{
	struct pl_header who;

	if (!filter_active)
		return true;
	fill_header_probe(&who, 0, 0, task, 0);
	return select_task_who(task, &who, tgid, comm, why);
}

static __always_inline bool select_task(struct task_struct *task, __u32 tgid,
					const char *comm)
{
	return select_task_why(task, tgid, comm, 0);
}

static __always_inline bool is_selected(__u32 tgid)
{
	struct pl_track *t;

	if (!filter_active)
		return true;
	t = bpf_map_lookup_elem(&tracked, &tgid);
	return t && (t->bits & TRACK_SELECTED);
}

/* The process is released: forget its selection, unless the pid already
 * belongs to a new life. */
static __always_inline void forget_task(__u32 tgid, __u64 start)
{
	struct pl_track *t;

	if (!filter_active)
		return;
	t = bpf_map_lookup_elem(&tracked, &tgid);
	if (t && (!t->start_ns || t->start_ns == start))
		bpf_map_delete_elem(&tracked, &tgid);
}

/* The same for its move to a new parent. */
static __always_inline void forget_moved(__u32 tgid, __u64 start)
{
	struct moved *m;

	if (!moved_count)
		return;
	m = bpf_map_lookup_elem(&moved, &tgid);
	if (m && m->start_ns == start && !bpf_map_delete_elem(&moved, &tgid))
		__sync_fetch_and_sub(&moved_count, 1);
}

#endif /* PL_SELECT_BPF_H */
