// SPDX-License-Identifier: GPL-2.0
/*
 * A process moved to another cgroup (a cgroup.procs write, runc exec
 * joining a container). The tracepoint fires once per hierarchy written
 * to, after the move: only the hierarchy the process's path comes from is
 * reported, else one move would show once per hierarchy. A move into a
 * cgroup that --cgroup or --container selects selects the process, like a
 * rename does for -c.
 */
#include "common.bpf.h"
#include "select.bpf.h"
#include "cgroup.bpf.h"

/* ---- --container: the id in a path component --------------------------- */

/* Without an early exit, like id_matches(): few paths to verify. */
static __always_inline bool lit_at(const char *name, __u32 off,
				   const char *lit, __u32 n)
{
	__u32 bad = 0;

	for (__u32 i = 0; i < n; i++)
		bad |= name[(off + i) & (CG_NAME_SLOT - 1)] ^ lit[i];
	return !bad;
}

/*
 * Where the container id starts in a component that names a container
 * (the table of docs/CONTAINERS.md; src/model/container.c is the full
 * parser), or -1. A bare <id> counts below "docker" or a pod of a
 * kubepods tree: parent is the next level up, kube whether one above is
 * kubepods*.
 */
static __always_inline int id_offset(const char *name, __u32 len,
				     const char *parent, __u32 parent_len,
				     bool kube)
{
	const __u32 id = PL_CONTAINER_ID_MAX, scope = 6;

	if (len == id)
		return (parent_len == 6 && lit_at(parent, 0, "docker", 6)) ||
		       (kube && parent_len > 3 && lit_at(parent, 0, "pod", 3)) ?
		       0 : -1;
	if (len == 7 + id + scope && lit_at(name, 7 + id, ".scope", scope) &&
	    (lit_at(name, 0, "docker-", 7) || lit_at(name, 0, "libpod-", 7)))
		return 7;
	if (len == 15 + id + scope && lit_at(name, 15 + id, ".scope", scope) &&
	    lit_at(name, 0, "cri-containerd-", 15))
		return 15;
	if ((len == 5 + id + scope && lit_at(name, 5 + id, ".scope", scope)) ||
	    len == 5 + id)
		return lit_at(name, 0, "crio-", 5) ? 5 : -1;
	if (len == 7 + id && lit_at(name, 0, "libpod-", 7))
		return 7;
	return -1;
}

/*
 * 64 lowercase hex digits at off, starting with the --container target.
 * Arithmetic, no comparison: BPF has no set-on-condition, so each test
 * would be a branch, and 64 of them more paths than the verifier takes.
 * For small ints, (a | b) < 0 says a < 0 or b < 0.
 */
static __always_inline bool id_matches(const char *name, __u32 off)
{
	int tlen = target_container_len, bad = 0;

	for (int i = 0; i < PL_CONTAINER_ID_MAX; i++) {
		int c = (__u8)name[(off + i) & (CG_NAME_SLOT - 1)];
		int t = (__u8)target_container[i];
		int not_digit = ((c - '0') | ('9' - c)) >> 31;	/* 0 or -1 */
		int not_af = ((c - 'a') | ('f' - c)) >> 31;
		int in_prefix = (i - tlen) >> 31;		/* i < tlen */
		int differs = -(((c ^ t) + 255) >> 8);		/* c != t */

		bad |= (not_digit & not_af) | (in_prefix & differs);
	}
	return !bad;
}

/* A cgroup described for the first time (cgroup.bpf.h): if level i of
 * its path names the --container target, that level's cgroup selects from
 * now on: a container that appears during the trace. */
__noinline int pl_match_container_level(__u32 i, __u32 depth, __u32 hier)
{
	struct cgroup_key key = { .hier = hier };
	__u32 zero = 0, up, up_len;
	struct cgroup_scratch *s;
	bool kube = false;
	__u8 one = 1;
	int off;

	s = bpf_map_lookup_elem(&cgroup_scratch, &zero);
	if (!s || i >= depth)
		return 0;
	/* every index masked: the verifier checks this function alone */
	i &= PL_CGROUP_DEPTH_MAX - 1;
	/* kubepods* above the pod */
	for (__u32 k = 0; k < PL_CGROUP_DEPTH_MAX; k++) {
		__u32 m = k & (PL_CGROUP_DEPTH_MAX - 1);

		if (k > i && k < depth && s->lens[m] >= 8 &&
		    lit_at(s->names[m], 0, "kubepods", 8))
			kube = true;
	}
	up = (i + 1) & (PL_CGROUP_DEPTH_MAX - 1);
	up_len = i + 1 < depth ? s->lens[up] : 0;
	off = id_offset(s->names[i], s->lens[i], s->names[up], up_len, kube);
	if (off < 0 || !id_matches(s->names[i], off & 15))
		return 0;
	key.id = s->ids[i];
	bpf_map_update_elem(&cgroup_filter, &key, &one, BPF_ANY);
	return 1;
}

/* ---- moves ------------------------------------------------------------- */

SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(handle_cgroup_attach, struct cgroup *dst, const char *path,
	     struct task_struct *task, bool threadgroup)
{
	__u64 ts = bpf_ktime_get_boot_ns();
	struct pl_cgroup_move *e;
	struct pl_where w;
	struct cgroup *dfl;
	__u32 hier;

	if (!trace_kthreads && is_kthread(task))
		return 0;
	dfl = BPF_CORE_READ(task, cgroups, dfl_cgrp);
	path_kn(task, dfl, &hier);
	if (BPF_CORE_READ(dst, root, hierarchy_id) != hier)
		return 0;	/* not the hierarchy its path comes from */
	/* first: a container that appeared is matched by --container */
	fill_where(task, &w, ts);
	if (!select_task(task, task->tgid, NULL))
		return 0;
	e = reserve(sizeof(*e), PL_EV_CGROUP_MOVE);
	if (!e)
		return 0;
	fill_header(&e->h, PL_EV_CGROUP_MOVE, sizeof(*e), task, ts);
	e->w = w;
	submit(e);
	return 0;
}
