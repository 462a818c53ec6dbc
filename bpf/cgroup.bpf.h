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

/* The parent's tgid in the namespace ns at level: the kernel's
 * pid_nr_ns(parent, ns), 0 when the parent is outside it. */
static __always_inline __u32 ns_ppid_of(struct task_struct *task,
					unsigned int level,
					struct pid_namespace *ns)
{
	struct pid *ppid = BPF_CORE_READ(task, real_parent, group_leader,
					 thread_pid);
	struct upid pup = {};

	if (!ppid || BPF_CORE_READ(ppid, level) < level)
		return 0;
	bpf_core_read(&pup, sizeof(pup),
		      &ppid->numbers[level & (PL_PIDNS_LEVEL_MAX - 1)]);
	return pup.ns == ns ? pup.nr : 0;
}

/* The process's numbers as its own namespace sees them (the leader's
 * struct pid: a thread's event is its process's). Returns the namespace,
 * its level in *level. */
static __always_inline struct pid_namespace *read_pidns(struct task_struct *task,
							struct pl_where *w,
							__u32 *level)
{
	struct pid *pid = BPF_CORE_READ(task, group_leader, thread_pid);
	unsigned int lvl = BPF_CORE_READ(pid, level) & (PL_PIDNS_LEVEL_MAX - 1);
	struct upid up = {};

	bpf_core_read(&up, sizeof(up), &pid->numbers[lvl]);
	w->ns_pid = up.nr;
	w->pidns = BPF_CORE_READ(up.ns, ns.inum);
	w->ns_ppid = ns_ppid_of(task, lvl, up.ns);
	*level = lvl;
	return up.ns;
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
 * id. False when it is still to be sent (no room in the ring buffer). */
static __always_inline bool describe_cgroup(struct kernfs_node *kn, __u64 id,
					    __u32 hier,
					    struct task_struct *task, __u64 ts)
{
	struct cgroup_key key = { .id = id, .hier = hier };
	struct cgroup_scratch *s;
	__u32 zero = 0, len;
	__u64 size;

	if (!kn)
		return true;
	len = pl_cgroup_path((__u64)kn, id, hier);
	if (!len)
		return true;
	s = bpf_map_lookup_elem(&cgroup_scratch, &zero);
	if (!s)
		return false;
	/* len < PL_CGROUP_PATH_MAX; the mask says so */
	size = sizeof(s->rec) + (len & (PL_CGROUP_PATH_MAX - 1));
	fill_header_probe(&s->rec.h, PL_EV_CGROUP, size, task, ts);
	if (bpf_ringbuf_output(&events, &s->rec, size, submit_flags())) {
		count_lost(PL_EV_CGROUP);
		/* not sent: the next event that names it tries again */
		bpf_map_delete_elem(&cgroup_seen, &key);
		return false;
	}
	return true;
}

/* ---- where, cached ------------------------------------------------------
 *
 * Reading where a task lives walks its css_set (on a hybrid host, the v1
 * links one by one) and its pid: some forty helper calls, at every birth,
 * exec and exit. None of it changes without a cgroup migration, and the
 * pid namespace never does, so a task keeps what it read in its task
 * storage, good while cgroup_gen (bumped at every migration) has not
 * moved since. A task without a good cache of its own takes its
 * parent's (or its creator's) when both are in one css_set: both hold
 * it, so it is the same one, and the parent's cache says what it is.
 * Only ns_ppid, which a reparent changes, is read at each event; in the
 * host's namespace it is the parent's tgid, already known.
 *
 * The cache lives in the scheduler's per-task storage, which the switch
 * program creates at a task's first switch-out: created here, at a birth
 * in the creator's context, it would cost more than all the rest (an
 * allocation with interrupts saved and restored). Where the kernel has
 * no task storage for tracing (5.10), every event reads afresh.
 */

/* The count a cache must hold to be good now: read before the task, so a
 * migration racing with the read leaves a count that no longer matches. */
static __always_inline __u64 where_gen_now(void)
{
	__u64 gen = *(volatile __u64 *)&cgroup_gen + 1;

	asm volatile("" ::: "memory");
	return gen;
}

/* The cache in a task's storage (ts from task storage, or NULL). */
static __always_inline struct where_cache *where_in(struct task_sched *ts)
{
	if (!task_storage || !ts)
		return NULL;
	/* the offset only after the test: the verifier refuses it before */
	asm volatile("" : "+r"(ts));
	return &ts->where;
}

static __always_inline struct where_cache *where_cache_of(struct task_struct *task,
							   bool create)
{
	if (!task_storage)
		return NULL;
	return where_in(bpf_task_storage_get(&sched_storage, task, NULL,
					     create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0));
}

static __always_inline void where_store(struct where_cache *c, __u64 gen,
					const struct pl_where *w, __u32 level,
					struct pid_namespace *ns)
{
	c->cgroup_id = w->cgroup_id;
	c->path_id = w->path_id;
	c->path_hier = w->path_hier;
	c->pidns = w->pidns;
	c->ns_pid = w->ns_pid;
	c->level = level;
	c->pidns_ptr = (__u64)ns;
	c->gen = gen;
}

/*
 * The task's where read afresh into cgroup_scratch (cgroup.bpf.c). A
 * global function: the verifier checks the walks once, not once per
 * caller and state. task_addr is the task's address as a plain number
 * (all a global function takes, 5.10).
 */
extern int pl_where_afresh(__u64 task_addr);

/* A pointer the verifier knows, as the plain number a global function
 * takes: read back through a helper, which it cannot follow. */
static __always_inline __u64 addr_of(const void *p)
{
	__u64 a = 0;

	bpf_probe_read_kernel(&a, sizeof(a), &p);
	return a;
}

/* w read afresh for the task at task_addr, its path not sent; the rest
 * of what was read stays in the scratch returned (NULL, w zeroed, when
 * nothing could be read). */
static __always_inline struct cgroup_scratch *where_read(__u64 task_addr,
							 struct pl_where *w)
{
	struct cgroup_scratch *s;
	__u32 zero = 0;

	s = bpf_map_lookup_elem(&cgroup_scratch, &zero);
	if (!s || !pl_where_afresh(task_addr)) {
		__builtin_memset(w, 0, sizeof(*w));
		return NULL;
	}
	*w = s->where;
	return s;
}

/* Read w afresh, and keep it in c (when there is one) unless its
 * cgroup's path is still to be sent. */
static __always_inline void where_afresh(struct task_struct *task,
					 struct pl_where *w, __u64 ts,
					 struct where_cache *c, __u64 gen)
{
	struct cgroup_scratch *s = where_read(addr_of(task), w);
	__u32 level;
	__u64 kn, ns;

	if (!s)
		return;
	kn = s->where_kn;
	ns = s->where_ns;
	level = s->where_level;
	/* a path still to be sent is looked for again at the next event */
	if (describe_cgroup((void *)kn, w->path_id, w->path_hier, task, ts) &&
	    c)
		where_store(c, gen, w, level, (void *)ns);
}

/* w from a good cache: the cgroup part as it is; the pid part as it is
 * for the same process, by the host's numbers when both are in the
 * host's namespace, else read. Returns the level, the namespace in *ns. */
static __always_inline __u32 where_from_cache(struct task_struct *task,
					      const struct where_cache *c,
					      bool same_process,
					      struct pl_where *w,
					      struct pid_namespace **ns)
{
	__u32 level = c->level;

	w->cgroup_id = c->cgroup_id;
	w->path_id = c->path_id;
	w->path_hier = c->path_hier;
	*ns = (void *)c->pidns_ptr;
	if (same_process) {
		w->pidns = c->pidns;
		w->ns_pid = c->ns_pid;
	} else if (level == 0 && BPF_CORE_READ(task, thread_pid, level) == 0) {
		w->pidns = c->pidns;
		w->ns_pid = task->tgid;
	} else {
		*ns = read_pidns(task, w, &level);
	}
	return level;
}

/*
 * Fill w for the task (a pointer the verifier knows), c its cache (or
 * NULL); ppid is its parent's tgid, rel (or NULL) a live task whose cache
 * it may share: its parent, or its creator.
 */
static __always_inline void fill_where_cached(struct task_struct *task,
					      struct pl_where *w, __u64 ts,
					      __u32 ppid,
					      struct task_struct *rel,
					      struct where_cache *c)
{
	__u64 gen = where_gen_now();
	struct where_cache *rc = NULL;
	struct pid_namespace *ns;
	__u32 level;

	if (c && c->gen == gen) {
		level = where_from_cache(task, c, true, w, &ns);
	} else {
		/* helper reads: a plain load of a pointer costs the
		 * verifier a search of the kernel's BTF on each path */
		if (rel && BPF_CORE_READ(task, cgroups) ==
			   BPF_CORE_READ(rel, cgroups))
			rc = where_cache_of(rel, false);
		if (!rc || rc->gen != gen) {
			where_afresh(task, w, ts, c, gen);
			return;
		}
		level = where_from_cache(task, rc,
					 BPF_CORE_READ(task, tgid) ==
					 BPF_CORE_READ(rel, tgid), w, &ns);
		if (c)
			where_store(c, gen, w, level, ns);
	}
	w->ns_ppid = level ? ns_ppid_of(task, level, ns) : ppid;
}

static __always_inline void fill_where(struct task_struct *task,
				       struct pl_where *w, __u64 ts,
				       __u32 ppid, struct task_struct *rel,
				       bool create)
{
	fill_where_cached(task, w, ts, ppid, rel, where_cache_of(task, create));
}

/*
 * A new task's where, from its creator's cache (made good first, once
 * for all its children). A migration holds off forks and bumps the count
 * before it lets them go: the creator cannot have moved unseen.
 * CLONE_INTO_CGROUP shows as another css_set.
 */
static __always_inline void fill_where_birth(struct task_struct *task,
					     struct pl_where *w, __u64 ts,
					     __u32 ppid)
{
	struct task_struct *creator;
	struct where_cache *cc;
	struct pl_where cw;
	__u64 gen;

	if (!task_storage) {
		fill_where(task, w, ts, ppid, NULL, false);
		return;
	}
	creator = bpf_get_current_task_btf();
	gen = where_gen_now();
	cc = where_cache_of(creator, true);
	if (cc && cc->gen != gen)
		where_afresh(creator, &cw, ts, cc, gen);
	fill_where(task, w, ts, ppid, creator, false);
}

#endif /* PL_CGROUP_BPF_H */
