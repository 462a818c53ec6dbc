/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a process lives: its pid namespace and numbers, its cgroup (the
 * v2 id, and the cgroup whose path is reported, by the rule of
 * docs/CONTAINERS.md), each cgroup's path sent once, and the filters
 * --cgroup, --container and --pidns. Every read is plain CO-RE from the
 * task, never a helper that only knows `current`: a fork's child, an
 * exec, an exit and the seed iterator are read alike.
 */
#ifndef PL_CGROUP_BPF_H
#define PL_CGROUP_BPF_H

#include "common.bpf.h"

#define PL_PIDNS_LEVEL_MAX	32	/* MAX_PID_NS_LEVEL */
#define PL_CGROUP_FILTER_DEPTH	32	/* levels walked up by --cgroup */
#define PL_HIERARCHIES_MAX	32	/* css_set links walked for v1 */

/* ---- pid namespace ------------------------------------------------------ */

/* The process's numbers as its own namespace sees them (the leader's
 * struct pid: a thread's event is its process's). ns_ppid is the kernel's
 * pid_nr_ns(parent, our ns): 0 when the parent is outside. */
static __always_inline void read_pidns(struct task_struct *task,
				       struct pl_where *w)
{
	struct pid *pid = BPF_CORE_READ(task, group_leader, thread_pid);
	struct pid *ppid = BPF_CORE_READ(task, real_parent, group_leader,
					 thread_pid);
	unsigned int level = BPF_CORE_READ(pid, level) & (PL_PIDNS_LEVEL_MAX - 1);
	struct upid up = {}, pup = {};

	bpf_core_read(&up, sizeof(up), &pid->numbers[level]);
	w->ns_pid = up.nr;
	w->pidns = BPF_CORE_READ(up.ns, ns.inum);
	w->ns_ppid = 0;
	if (ppid && BPF_CORE_READ(ppid, level) >= level) {
		bpf_core_read(&pup, sizeof(pup), &ppid->numbers[level]);
		if (pup.ns == up.ns)
			w->ns_ppid = pup.nr;
	}
}

/* --pidns: the namespace itself or any namespace nested in it. */
static __always_inline bool pidns_selected(struct task_struct *task)
{
	struct pid *pid = BPF_CORE_READ(task, group_leader, thread_pid);
	unsigned int level = BPF_CORE_READ(pid, level);

	for (unsigned int i = 0; i < PL_PIDNS_LEVEL_MAX; i++) {
		struct upid up = {};

		if (i > level)
			break;
		bpf_core_read(&up, sizeof(up), &pid->numbers[i]);
		if (BPF_CORE_READ(up.ns, ns.inum) == target_pidns)
			return true;
	}
	return false;
}

/* ---- which cgroup ------------------------------------------------------- */

/* The task's cgroup in v1 hierarchy hier: a named hierarchy
 * (name=systemd) has no subsys[] slot, so walk the css_set's links, one
 * per hierarchy. A global function (cgroup.bpf.c), for the same reason
 * as pl_cgroup_step(); takes the css_set's address, returns the
 * cgroup's. */
extern __u64 pl_task_v1_cgroup(__u64 cset_addr, __u32 hier);

static __always_inline struct cgroup *task_v1_cgroup(struct task_struct *task,
						     __u32 hier)
{
	return (void *)pl_task_v1_cgroup((__u64)BPF_CORE_READ(task, cgroups),
					 hier);
}

/* The walk itself, for pl_task_v1_cgroup(). It runs at every event of a
 * task in the v2 root: a loop here, not a call a link. */
static __always_inline struct cgroup *css_set_v1_cgroup(struct css_set *cset,
							__u32 hier)
{
	struct list_head *head = &cset->cgrp_links;
	struct list_head *pos = BPF_CORE_READ(cset, cgrp_links.next);
	unsigned long off = bpf_core_field_offset(struct cgrp_cset_link,
						  cgrp_link);

	for (int i = 0; i < PL_HIERARCHIES_MAX; i++) {
		struct cgrp_cset_link *link;
		struct cgroup *cg;

		if (!pos || pos == head)
			break;
		link = (void *)pos - off;
		cg = BPF_CORE_READ(link, cgrp);
		if (BPF_CORE_READ(cg, root, hierarchy_id) == hier)
			return cg;
		pos = list_next(pos);
	}
	return NULL;
}

/* The cgroup whose path the process gets: its v2 cgroup when placed there
 * (not the root), else its cgroup in the v1 hierarchy the loader chose
 * (name=systemd, else the lowest controller hierarchy), else the v2 root. */
static __always_inline struct kernfs_node *path_kn(struct task_struct *task,
						   struct cgroup *dfl,
						   __u32 *hier)
{
	struct cgroup *cg;

	*hier = 0;
	if (!cgroup_v1_hier || BPF_CORE_READ(dfl, level) > 0)
		return BPF_CORE_READ(dfl, kn);
	cg = task_v1_cgroup(task, cgroup_v1_hier);
	if (!cg)
		return BPF_CORE_READ(dfl, kn);
	*hier = cgroup_v1_hier;
	return BPF_CORE_READ(cg, kn);
}

/* --cgroup, --container: the task's cgroup or one above it is listed. */
static __always_inline bool cgroup_selected(struct task_struct *task)
{
	struct cgroup *dfl = BPF_CORE_READ(task, cgroups, dfl_cgrp);
	struct cgroup_key key = {};
	struct kernfs_node *kn = path_kn(task, dfl, &key.hier);

	for (int i = 0; i < PL_CGROUP_FILTER_DEPTH && kn; i++) {
		key.id = BPF_CORE_READ(kn, id);
		if (bpf_map_lookup_elem(&cgroup_filter, &key))
			return true;
		kn = kn_parent(kn);
	}
	return false;
}

/* The filters of this file, for select.bpf.h's task_matches(). */
static __always_inline bool where_matches(struct task_struct *task)
{
	if (filter_cgroup && !cgroup_selected(task))
		return false;
	if (filter_pidns && !pidns_selected(task))
		return false;
	return true;
}

/* ---- --container ------------------------------------------------------- */

/*
 * Does level i of the path just collected in cgroup_scratch name the
 * --container target? If so its cgroup selects from now on. A global
 * function (cgroup.bpf.c): the verifier checks it once, not once per
 * caller's state, which the nested loops would exceed.
 */
extern int pl_match_container_level(__u32 i, __u32 depth, __u32 hier);

/* ---- each cgroup's path, once ------------------------------------------- */

/*
 * Build the path of kn (id, hier) in cgroup_scratch unless it was sent
 * already; returns its length, 0 when there is nothing to send. A global
 * function (cgroup.bpf.c): its walks are checked once per program, not
 * once per state of every caller.
 */
extern int pl_cgroup_path(__u64 kn, __u64 id, __u32 hier);

/* Send the path of kn the first time it is named. Events carry only the
 * id. */
static __always_inline void describe_cgroup(struct kernfs_node *kn, __u64 id,
					    __u32 hier,
					    struct task_struct *task, __u64 ts)
{
	struct cgroup_key key = { .id = id, .hier = hier };
	struct cgroup_scratch *s;
	__u32 zero = 0, len;
	__u64 size;

	if (!kn)
		return;
	len = pl_cgroup_path((__u64)kn, id, hier);
	if (!len)
		return;
	s = bpf_map_lookup_elem(&cgroup_scratch, &zero);
	if (!s)
		return;
	/* len < PL_CGROUP_PATH_MAX; the mask says so */
	size = sizeof(s->rec) + (len & (PL_CGROUP_PATH_MAX - 1));
	fill_header_probe(&s->rec.h, PL_EV_CGROUP, size, task, ts);
	if (bpf_ringbuf_output(&events, &s->rec, size, submit_flags())) {
		count_lost(PL_EV_CGROUP);
		/* not sent: the next event that names it tries again */
		bpf_map_delete_elem(&cgroup_seen, &key);
	}
}

/* Fill w for the task; its cgroup's kernfs node in *path (of the
 * hierarchy the path comes from). */
static __always_inline void read_where(struct task_struct *task,
				       struct pl_where *w,
				       struct kernfs_node **path)
{
	struct cgroup *dfl = BPF_CORE_READ(task, cgroups, dfl_cgrp);
	struct kernfs_node *dfl_kn = BPF_CORE_READ(dfl, kn);
	struct kernfs_node *kn = path_kn(task, dfl, &w->path_hier);

	w->cgroup_id = BPF_CORE_READ(dfl_kn, id);
	w->path_id = kn == dfl_kn ? w->cgroup_id : BPF_CORE_READ(kn, id);
	read_pidns(task, w);
	*path = kn;
}

/* Fill w for the task, and send its cgroup's path the first time. */
static __always_inline void fill_where(struct task_struct *task,
				       struct pl_where *w, __u64 ts)
{
	struct kernfs_node *kn;

	read_where(task, w, &kn);
	describe_cgroup(kn, w->path_id, w->path_hier, task, ts);
}

#endif /* PL_CGROUP_BPF_H */
