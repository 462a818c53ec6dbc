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

/* ---- which cgroup ------------------------------------------------------- */

__noinline __u64 pl_task_v1_cgroup(__u64 cset_addr, __u32 hier)
{
	return (__u64)css_set_v1_cgroup((void *)cset_addr, hier);
}

/* ---- each cgroup's path, once ------------------------------------------- */

#define CG_BACK_END	(PL_CGROUP_PATH_MAX - 1)	/* room for the path */

/*
 * One level of the walk up from a cgroup (state in cgroup_scratch): its
 * name and id kept for --container, and "/name" put before the path so
 * far while it fits (the leaf side is kept; a level that does not fit
 * ends the path, flagged cut). A global function: the verifier checks it
 * once, not once per level and state. Returns 1 at the hierarchy's root,
 * whose own name is not part of the path, or past the deepest level
 * walked (flagged cut).
 */
__noinline int pl_cgroup_step(void)
{
	struct cgroup_scratch *s;
	struct kernfs_node *kn, *parent;
	__u32 zero = 0, i, pos, n;
	long len;

	s = bpf_map_lookup_elem(&cgroup_scratch, &zero);
	if (!s)
		return 1;
	kn = (void *)s->walk_kn;
	parent = kn_parent(kn);
	if (!parent)
		return 1;
	i = s->walk_depth;
	if (i >= PL_CGROUP_DEPTH_MAX) {
		s->rec.flags |= PL_CGROUP_CUT;	/* deeper than the walk */
		return 1;
	}
	len = bpf_probe_read_kernel_str(s->names[i], CG_NAME_SLOT,
					BPF_CORE_READ(kn, name));
	n = len > 0 ? (len - 1) & (CG_NAME_SLOT - 1) : 0;
	s->lens[i] = n;
	s->ids[i] = BPF_CORE_READ(kn, id);
	s->walk_depth = i + 1;
	s->walk_kn = (__u64)parent;
	if (s->walk_full)
		return 0;
	pos = s->walk_pos & CG_BACK_END;
	if (n + 1 > pos) {
		s->walk_full = 1;
		s->rec.flags |= PL_CGROUP_CUT;
		return 0;
	}
	pos -= n + 1;
	/* masked: the verifier does not follow the test above */
	s->back[pos & CG_BACK_END] = '/';
	bpf_probe_read_kernel(s->back + ((pos + 1) & CG_BACK_END), n,
			      s->names[i]);
	s->walk_pos = pos;
	return 0;
}

/*
 * The path of kn (id, hier) up to its hierarchy's root, joined root
 * first, into cgroup_scratch's record; the cgroup is marked sent (the
 * caller unmarks it when the record cannot go out). Returns the path's
 * length, 0 when it was sent already (or there is no room to remember
 * it). kn is the kernfs node's address: a global function takes scalars
 * only (5.10).
 */
__noinline int pl_cgroup_path(__u64 kn, __u64 id, __u32 hier)
{
	struct cgroup_key key = { .id = id, .hier = hier };
	struct cgroup_scratch *s;
	__u32 zero = 0, depth, pos, len;
	__u8 one = 1;

	if (!kn || bpf_map_update_elem(&cgroup_seen, &key, &one, BPF_NOEXIST))
		return 0;	/* sent already (or no room to remember it) */
	s = bpf_map_lookup_elem(&cgroup_scratch, &zero);
	if (!s) {
		bpf_map_delete_elem(&cgroup_seen, &key);
		return 0;
	}
	s->rec.flags = 0;
	s->walk_kn = kn;
	s->walk_depth = 0;
	s->walk_pos = CG_BACK_END;
	s->walk_full = 0;
	/* one step more than the levels: the last finds a walk too deep */
	for (__u32 i = 0; i <= PL_CGROUP_DEPTH_MAX; i++)
		if (pl_cgroup_step())
			break;
	depth = s->walk_depth;
	if (match_container)
		for (__u32 i = 0; i < PL_CGROUP_DEPTH_MAX; i++) {
			if (i >= depth)
				break;
			pl_match_container_level(i, depth, hier);
		}
	pos = s->walk_pos & CG_BACK_END;
	len = CG_BACK_END - pos;
	if (len) {
		bpf_probe_read_kernel(s->path, len, s->back + pos);
	} else {
		s->path[0] = '/';	/* the root */
		len = 1;
	}
	s->rec.id = id;
	s->rec.hier = hier;
	s->rec.path_len = len;
	s->rec.pad = 0;
	return len;
}

/* ---- where, afresh ------------------------------------------------------ */

/* Small and a leaf (the v1 walk inlined): it is called from programs
 * whose own stacks are large, and a call chain's stacks must fit 512
 * bytes (6.12 and older round each frame up). */
__noinline int pl_where_afresh(__u64 task_addr)
{
	struct task_struct *task = (void *)task_addr;
	struct cgroup *dfl = BPF_CORE_READ(task, cgroups, dfl_cgrp);
	struct kernfs_node *dfl_kn = BPF_CORE_READ(dfl, kn);
	struct cgroup_scratch *s;
	struct kernfs_node *kn;
	__u32 zero = 0;

	s = bpf_map_lookup_elem(&cgroup_scratch, &zero);
	if (!s)
		return 0;
	kn = dfl_kn;
	s->where.path_hier = 0;
	if (cgroup_v1_hier && BPF_CORE_READ(dfl, level) == 0) {
		struct cgroup *cg = css_set_v1_cgroup(BPF_CORE_READ(task, cgroups),
						      cgroup_v1_hier);

		if (cg) {
			kn = BPF_CORE_READ(cg, kn);
			s->where.path_hier = cgroup_v1_hier;
		}
	}
	s->where.cgroup_id = BPF_CORE_READ(dfl_kn, id);
	s->where.path_id = kn == dfl_kn ? s->where.cgroup_id :
					  BPF_CORE_READ(kn, id);
	s->where_kn = (__u64)kn;
	s->where_ns = (__u64)read_pidns(task, &s->where, &s->where_level);
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

	/* first: every task's cached where is to be read again */
	__sync_fetch_and_add(&cgroup_gen, 1);
	if (!trace_kthreads && is_kthread(task))
		return 0;
	dfl = BPF_CORE_READ(task, cgroups, dfl_cgrp);
	path_kn(task, dfl, &hier);
	if (BPF_CORE_READ(dst, root, hierarchy_id) != hier)
		return 0;	/* not the hierarchy its path comes from */
	/* first: a container that appeared is matched by --container */
	fill_where(task, &w, ts, BPF_CORE_READ(task, real_parent, tgid), NULL,
		   true);
	if (!select_task(task, task->tgid, NULL))
		return 0;
	e = reserve(sizeof(*e), PL_EV_CGROUP_MOVE);
	if (!e)
		return 0;
	/* seldom: helpers, which cost the verifier no BTF search */
	fill_header_probe(&e->h, PL_EV_CGROUP_MOVE, sizeof(*e), task, ts);
	e->w = w;
	submit(e);
	return 0;
}

/* cgroup v1's other migration (a cpuset left without CPUs or memory hands
 * its tasks to its parent): cached wheres are read again. */
SEC("tp_btf/cgroup_transfer_tasks")
int BPF_PROG(handle_cgroup_transfer, struct cgroup *dst, const char *path,
	     struct task_struct *task, bool threadgroup)
{
	__sync_fetch_and_add(&cgroup_gen, 1);
	return 0;
}
