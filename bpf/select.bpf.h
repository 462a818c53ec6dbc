/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which processes are traced (-p, -c, -u, CMD): decided once per process
 * and remembered in the tracked map for the rest of its life.
 */
#ifndef PL_SELECT_BPF_H
#define PL_SELECT_BPF_H

#include "common.bpf.h"
#include "cgroup.bpf.h"

static __always_inline bool comm_matches(const char *comm)
{
	for (int i = 0; i < PL_COMM_LEN; i++) {
		if (comm[i] != target_comm[i])
			return false;
		if (!comm[i])
			return true;
	}
	return true;
}

/* Do the task's current facts satisfy -c, -u and the cgroup and namespace
 * filters? (-p is tree membership.) */
static __always_inline bool task_matches(struct task_struct *task,
					 const char *comm)
{
	if (filter_uid && task->real_cred->uid.val != target_uid)
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

/*
 * Is the process traced? When it is not yet, look again with its current
 * facts (comm is the name it is about to take, or NULL for its own), and
 * remember a match for the rest of its life.
 */
static __always_inline bool select_task(struct task_struct *task, __u32 tgid,
					const char *comm)
{
	__u8 *bits, val = 0;

	if (!filter_active)
		return true;
	bits = bpf_map_lookup_elem(&tracked, &tgid);
	if (bits) {
		if (*bits & TRACK_SELECTED)
			return true;
		val = *bits;
	}
	if (filter_pids && !(val & TRACK_IN_TREE))
		return false;
	if (!task_matches(task, comm))
		return false;
	val |= TRACK_SELECTED;
	bpf_map_update_elem(&tracked, &tgid, &val, BPF_ANY);
	return true;
}

static __always_inline bool is_selected(__u32 tgid)
{
	__u8 *bits;

	if (!filter_active)
		return true;
	bits = bpf_map_lookup_elem(&tracked, &tgid);
	return bits && (*bits & TRACK_SELECTED);
}

static __always_inline void forget_task(__u32 tgid)
{
	if (filter_active)
		bpf_map_delete_elem(&tracked, &tgid);
}

#endif /* PL_SELECT_BPF_H */
