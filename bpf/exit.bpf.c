// SPDX-License-Identifier: GPL-2.0
/*
 * A task's exit (sched_process_exit): its status, resource use and
 * scheduler accounting, whether it ends the process, and the children
 * it leaves to a new parent (reported here, just before exit_notify()
 * moves them). What happens to the zombie afterwards: reap.bpf.c.
 */
#include "common.bpf.h"
#include "select.bpf.h"
#include "sched_account.bpf.h"
#include "zombie.bpf.h"
#include "cgroup.bpf.h"
#include "teardown.bpf.h"

/* Threads that ended: their time, summed per process until it ends. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PL_MAX_PROCS);
	__type(key, __u32);
	__type(value, struct pl_sched);
} sched_dead_threads SEC(".maps");

static __always_inline void read_task_rusage(struct pl_rusage *r,
					     struct task_struct *t)
{
	r->user_ns = t->utime;
	r->sys_ns = t->stime;
	r->cpu_ns = t->se.sum_exec_runtime;
	r->nvcsw = t->nvcsw;
	r->nivcsw = t->nivcsw;
	r->min_flt = t->min_flt;
	r->maj_flt = t->maj_flt;
	r->maxrss_kb = 0;
}

/* What getrusage(RUSAGE_SELF) would say: released threads are summed in
 * signal_struct; add the dying thread and a zombie leader. */
static __always_inline void read_proc_rusage(struct pl_rusage *r,
					     const struct pl_rusage *self,
					     struct task_struct *task,
					     struct task_struct *leader,
					     struct signal_struct *sig)
{
	r->user_ns = self->user_ns + sig->utime;
	r->sys_ns = self->sys_ns + sig->stime;
	r->cpu_ns = self->cpu_ns + sig->sum_sched_runtime;
	r->nvcsw = self->nvcsw + sig->nvcsw;
	r->nivcsw = self->nivcsw + sig->nivcsw;
	r->min_flt = self->min_flt + sig->min_flt;
	r->maj_flt = self->maj_flt + sig->maj_flt;
	r->maxrss_kb = sig->maxrss * 4;	/* pages, 4 KiB */
	if (leader != task) {
		struct pl_rusage l;

		read_task_rusage(&l, leader);
		r->user_ns += l.user_ns;
		r->sys_ns += l.sys_ns;
		r->cpu_ns += l.cpu_ns;
		r->nvcsw += l.nvcsw;
		r->nivcsw += l.nivcsw;
		r->min_flt += l.min_flt;
		r->maj_flt += l.maj_flt;
	}
}

/* Will exit_notify() release the process at once? Mirrors
 * do_notify_parent(): the parent ignores SIGCHLD or set SA_NOCLDWAIT (as
 * an exiting namespace init does, to release what it leaves). */
static __always_inline bool will_autoreap(struct task_struct *task,
					  struct task_struct *leader,
					  struct signal_struct *sig,
					  struct sighand_struct *sh)
{
	unsigned long handler = 0, flags = 0;

	if (leader->exit_signal != SIGCHLD ||
	    leader->ptrace)
		return false;
	/* other threads not yet released keep the leader a zombie */
	if (leader == task && sig->nr_threads > 1)
		return false;
	if (!sh)
		return false;
	handler = (unsigned long)sh->action[SIGCHLD - 1].sa.sa_handler;
	flags = sh->action[SIGCHLD - 1].sa.sa_flags;
	return handler == SIG_IGN || (flags & SA_NOCLDWAIT);
}

/*
 * One ancestor r (an address) in the search for a child subreaper: 0 when
 * the search ends there (no task, the idle task, another pid namespace),
 * r | 1 when r is a live subreaper, else r's parent. A global function:
 * the verifier checks it once, not once per ancestor.
 */
__noinline __u64 pl_subreaper_step(__u64 r_addr, __u32 level)
{
	struct task_struct *r = (void *)r_addr;
	struct signal_struct *rs;

	if (!r || BPF_CORE_READ(r, pid) == 0 ||
	    BPF_CORE_READ(r, thread_pid, level) != level)
		return 0;
	rs = BPF_CORE_READ(r, signal);
	if (BPF_CORE_READ_BITFIELD_PROBED(rs, is_child_subreaper) &&
	    BPF_CORE_READ(rs, live.counter) > 0)
		return r_addr | 1;	/* a task_struct is aligned */
	return (__u64)BPF_CORE_READ(r, real_parent);
}

/* find_new_reaper(): a live child subreaper among the ancestors in the same
 * pid namespace, else the namespace's init. */
static __always_inline struct task_struct *new_reaper(struct task_struct *father,
						       __u32 *reason)
{
	struct signal_struct *sig = BPF_CORE_READ(father, signal);
	struct pid *pid = BPF_CORE_READ(father, thread_pid);
	unsigned int level = BPF_CORE_READ(pid, level);
	struct pid_namespace *ns = NULL;

	if (BPF_CORE_READ_BITFIELD_PROBED(sig, has_child_subreaper)) {
		__u64 r = (__u64)BPF_CORE_READ(father, real_parent);

		for (int i = 0; i < 32 && r; i++) {
			r = pl_subreaper_step(r, level);
			if (r & 1) {
				*reason = PL_REPARENT_SUBREAPER;
				return (void *)(r & ~1ULL);
			}
		}
	}
	*reason = PL_REPARENT_INIT;
	if (level > 31)
		return NULL;
	bpf_core_read(&ns, sizeof(ns), &pid->numbers[level].ns);
	return ns ? BPF_CORE_READ(ns, child_reaper) : NULL;
}

/*
 * The new parent of a dying process's children (new_reaper()): its tgid,
 * and the reason (enum pl_reparent_reason) << 32. A global function: the
 * verifier checks its walk once, not once per state of the exit; father
 * is the dying task's address (a global function takes scalars only,
 * 5.10).
 */
__noinline __u64 pl_new_reaper(__u64 father_addr)
{
	struct task_struct *father = (void *)father_addr;
	struct task_struct *reaper = NULL;
	__u32 reason = 0;

	reaper = new_reaper(father, &reason);
	return (__u64)reason << 32 | (reaper ? BPF_CORE_READ(reaper, tgid) : 0);
}

/* Is task its pid namespace's init (the namespace's child reaper)? */
static __always_inline bool is_ns_init(struct task_struct *task)
{
	struct pid *pid = BPF_CORE_READ(task, thread_pid);
	unsigned int level = BPF_CORE_READ(pid, level);
	struct pid_namespace *ns = NULL;

	if (level > 31)
		return false;
	bpf_core_read(&ns, sizeof(ns), &pid->numbers[level].ns);
	return ns && BPF_CORE_READ(ns, child_reaper, tgid) ==
		     BPF_CORE_READ(task, tgid);
}

/* A live child given to a new parent: its reap will say so. */
static __always_inline void note_moved(struct task_struct *child, __u32 tgid,
				       __u32 reason, __u32 new_ppid)
{
	struct moved m = {
		.start_ns = BPF_CORE_READ(child, start_boottime),
		.reason = reason,
	};
	struct pl_zombie *z = bpf_map_lookup_elem(&zombies, &tgid);

	/* a zombie child now waits for its new parent */
	if (z && z->start_ns == m.start_ns) {
		z->reparent = reason;
		z->ppid = new_ppid;
		return;
	}
	/* counted before it can be looked for; a replaced entry (of an
	 * earlier life of the pid) is not counted again */
	__sync_fetch_and_add(&moved_count, 1);
	if (!bpf_map_update_elem(&moved, &tgid, &m, BPF_NOEXIST))
		return;
	__sync_fetch_and_sub(&moved_count, 1);
	if (bpf_map_update_elem(&moved, &tgid, &m, BPF_EXIST))
		count_loss(PL_LOSS_REPARENT_LIMIT);
}

/*
 * One child of a dying process: report its move, or (past
 * PL_REPARENT_MAX, report 0) count it. A global function: the verifier
 * checks it once, not once per child of the walk. Arguments are scalars
 * (all a global function may take on 5.10): pos is the child's sibling
 * list node, head the parent's list, ppids the new parent << 32 | the
 * dying one. Returns the next node, 0 at the end of the list.
 */
__noinline long pl_reparent_step(__u64 pos, __u64 head, __u64 ts, __u64 ppids,
				 __u32 reason_report)
{
	__u32 off = bpf_core_field_offset(struct task_struct, sibling);
	__u32 reason = reason_report & 0xffff;
	struct task_struct *child;
	struct pl_reparent *e;
	__u64 next;
	__u32 tgid;

	if (!pos || pos == head)
		return 0;
	child = (void *)(pos - off);
	next = (__u64)BPF_CORE_READ(child, sibling.next);
	tgid = BPF_CORE_READ(child, tgid);
	if (!is_selected(tgid))
		return next;
	note_moved(child, tgid, reason, ppids >> 32);
	if (!(reason_report >> 16)) {
		count_loss(PL_LOSS_REPARENT_LIMIT);
		return next;
	}
	e = reserve(sizeof(*e), PL_EV_REPARENT);
	if (!e)
		return next;
	fill_header_probe(&e->h, PL_EV_REPARENT, sizeof(*e), child, ts);
	e->h.ppid = ppids >> 32;
	e->old_ppid = (__u32)ppids;
	e->reason = reason;
	submit(e);
	return next;
}

/* Children a call: a loop of PL_REPARENT_MAX + PL_REPARENT_MORE steps in
 * the exit itself would cost the verifier one walk per step. */
#define REPARENT_BATCH	32
_Static_assert(PL_REPARENT_MAX % REPARENT_BATCH == 0 &&
	       PL_REPARENT_MORE % REPARENT_BATCH == 0, "whole batches");

__noinline long pl_reparent_batch(__u64 pos, __u64 head, __u64 ts,
				  __u64 ppids, __u32 reason_report)
{
	for (int i = 0; i < REPARENT_BATCH && pos; i++)
		pos = pl_reparent_step(pos, head, ts, ppids, reason_report);
	return pos;
}

/* The children of a dying process move to a new parent in exit_notify(),
 * right after this tracepoint: report each move now, with the new parent.
 * When the dying process is its namespace's init, nothing moves: the
 * kernel kills and releases them (zap_pid_ns_processes). Past
 * PL_REPARENT_MAX children, moves are counted as lost records (and still
 * decide their reap's "how"), up to PL_REPARENT_MORE more; one more is
 * counted when any is left after that. */
static __always_inline void report_reparents(struct task_struct *father,
					     __u64 ts)
{
	struct list_head *first = BPF_CORE_READ(father, children.next);
	__u32 father_tgid = BPF_CORE_READ(father, tgid);
	__u32 reason, new_ppid;
	__u64 pos, head, ppids, found;

	if (!first || first == &father->children)
		return;		/* no children: the common case */
	/* the list head's address as a plain number, as the first node
	 * points back to it (a pointer may not be passed as one) */
	pos = (__u64)first;
	head = (__u64)list_prev(first);
	/* head is &father->children: father's address as a number */
	found = pl_new_reaper(head - bpf_core_field_offset(struct task_struct,
							  children));
	new_ppid = (__u32)found;
	reason = found >> 32;
	if (new_ppid == father_tgid)
		return;		/* an init: its namespace is torn down */
	ppids = (__u64)new_ppid << 32 | father_tgid;
	for (int i = 0; i < PL_REPARENT_MAX / REPARENT_BATCH && pos; i++)
		pos = pl_reparent_batch(pos, head, ts, ppids, reason | 1 << 16);
	for (int i = 0; i < PL_REPARENT_MORE / REPARENT_BATCH && pos; i++)
		pos = pl_reparent_batch(pos, head, ts, ppids, reason);
	if (pos && pos != head)
		count_loss(PL_LOSS_REPARENT_LIMIT);	/* at least one more */
}

/* The exiting task is on its CPU: count its last slice up to now, and
 * add its time to its process's dead threads unless the process ends. */
static __always_inline void sched_at_exit(struct task_struct *task,
					  struct signal_struct *sig,
					  struct cfs_rq *cfs_rq,
					  struct task_sched *ts, bool group_dead,
					  __u64 now_boot, struct pl_sched *self,
					  struct pl_sched *proc)
{
	__u32 tgid = task->tgid;
	struct task_sched tmp;
	struct pl_sched *dead;

	__builtin_memset(proc, 0, sizeof(*proc));
	if (!account_sched ||
	    !sched_snapshot(task, ts, &tmp, true,
			    rq_time_at(cfs_rq->rq->clock, now_boot), self)) {
		__builtin_memset(self, 0, sizeof(*self));
		self->flags |= PL_SCHED_MISSING;
	}
	if (!group_dead) {
		/* threads of one process may end at once: add atomically */
		static const struct pl_sched zero;

		dead = bpf_map_lookup_elem(&sched_dead_threads, &tgid);
		if (!dead) {
			bpf_map_update_elem(&sched_dead_threads, &tgid, &zero,
					    BPF_NOEXIST);
			dead = bpf_map_lookup_elem(&sched_dead_threads, &tgid);
			if (!dead)
				return;
		}
		__sync_fetch_and_add(&dead->run_ns, self->run_ns);
		__sync_fetch_and_add(&dead->wait_ns, self->wait_ns);
		__sync_fetch_and_add(&dead->sleep_ns, self->sleep_ns);
		__sync_fetch_and_add(&dead->block_ns, self->block_ns);
		__sync_fetch_and_add(&dead->stopped_ns, self->stopped_ns);
		__sync_fetch_and_add(&dead->nvcsw, self->nvcsw);
		__sync_fetch_and_add(&dead->nivcsw, self->nivcsw);
		__sync_fetch_and_add(&dead->migrations, self->migrations);
		if (self->flags)	/* rare, and only ever set: no atomic or on 5.10 */
			dead->flags |= self->flags;
		return;
	}
	/* a process none of whose threads ended before (no thread exited
	 * and unreleased, none released into sum_sched_runtime) has no
	 * entry: most processes, no lookup */
	dead = sig->nr_threads > 1 || sig->sum_sched_runtime ?
	       bpf_map_lookup_elem(&sched_dead_threads, &tgid) : NULL;
	*proc = *self;
	if (dead) {
		proc->run_ns += dead->run_ns;
		proc->wait_ns += dead->wait_ns;
		proc->sleep_ns += dead->sleep_ns;
		proc->block_ns += dead->block_ns;
		proc->stopped_ns += dead->stopped_ns;
		proc->nvcsw += dead->nvcsw;
		proc->nivcsw += dead->nivcsw;
		proc->migrations += dead->migrations;
		proc->flags |= dead->flags;
		bpf_map_delete_elem(&sched_dead_threads, &tgid);
	}
}

/* Released in exit_notify(), just after: the reap is exact, and its
 * reaper the parent that let the kernel do it (or the exiting namespace
 * init that tears its namespace down). */
static __always_inline void send_autoreap(struct task_struct *leader,
					  struct task_struct *parent,
					  const struct pl_header *who,
					  __u32 tgid, __u32 status, __u64 ts)
{
	struct pl_zombie z = {
		.start_ns = who->start_ns,
		.exit_ns = ts,
		.ppid = parent->tgid,
		.uid = who->uid,
		.status = status,
	};
	__u32 how = PL_REAP_AUTOREAP;

	__builtin_memcpy(z.comm, leader->comm, PL_COMM_LEN);
	if ((parent->flags & PF_EXITING) && is_ns_init(parent))
		how = PL_REAP_NS_TEARDOWN;
	send_reap(tgid, &z, how, parent->tgid, 0, parent->comm, PL_REAP_EXACT,
		  ts);
	forget_moved(tgid, z.start_ns);
	forget_task(tgid, z.start_ns);
}

/* Every pointer the exit follows from the task, read before it branches
 * (see task_header()). */
struct exit_view {
	struct task_struct *leader;
	struct task_struct *parent;	/* the leader's real parent */
	struct signal_struct *sig;
	struct sighand_struct *parent_sighand;
	struct pid *leader_pid;
	struct cfs_rq *cfs_rq;
	struct pl_header who;
};

static __always_inline int on_exit(__u64 *ctx, bool storage)
{
	struct task_struct *task = (void *)ctx[0];
	__u64 ts = bpf_ktime_get_boot_ns();
	__u32 tgid = task->tgid;
	bool group_dead, autoreap = false;
	__u32 live, status, teardown = 0;
	struct task_sched *own;	/* the task's storage: sched and where */
	struct exit_view v;
	struct pl_exit *e;

	if (!trace_kthreads && is_kthread(task))
		return 0;
	if (!is_selected(tgid))
		return 0;
	own = sched_get(task, storage, false);
	v.leader = task->group_leader;
	v.parent = v.leader->real_parent;
	v.sig = task->signal;
	v.parent_sighand = v.parent->sighand;
	v.leader_pid = v.leader->thread_pid;
	v.cfs_rq = task->se.cfs_rq;
	task_header(&v.who, task, v.leader);
	/* keep the reads here, before the branches (the compiler would
	 * move them to their first use) */
	asm volatile("" :: "r"(v.leader), "r"(v.parent), "r"(v.sig),
		     "r"(v.parent_sighand), "r"(v.leader_pid), "r"(v.cfs_rq)
		     : "memory");
	/* signal->live was decremented just before the tracepoint */
	live = v.sig->live.counter;
	group_dead = exit_group_dead(ctx, v.sig, live);
	status = exit_status(task, v.leader, v.sig, group_dead);
	if (group_dead) {
		autoreap = will_autoreap(task, v.leader, v.sig,
					 v.parent_sighand);
		/* only a namespace below the host's can be torn down */
		teardown = v.leader_pid->level ? ns_teardown_reaper(task) : 0;
		if (!autoreap)
			remember_zombie(v.leader, &v.who, v.leader_pid, tgid,
					ts, status);
	}

	e = reserve(sizeof(*e), PL_EV_EXIT);
	if (e) {
		put_header(&e->h, &v.who, PL_EV_EXIT, sizeof(*e), ts);
		e->task_start_ns = task->start_boottime;
		e->nr_threads = live;
		e->flags = 0;
		if (group_dead)
			e->flags |= PL_EXIT_GROUP_DEAD;
		if (autoreap)
			e->flags |= PL_EXIT_AUTOREAP;
		if (v.leader == task)
			e->flags |= PL_EXIT_LEADER;
		if (teardown)
			e->flags |= PL_EXIT_NS_TEARDOWN;
		e->teardown_reaper = teardown;
		e->pad = 0;
		fill_where_cached(task, &e->w, ts, v.who.ppid, v.parent,
				  where_in(own));
		e->exit_signal = v.leader->exit_signal;
		e->exit_code = status;
		read_task_rusage(&e->task, task);
		if (group_dead)
			read_proc_rusage(&e->proc, &e->task, task, v.leader,
					 v.sig);
		else
			__builtin_memset(&e->proc, 0, sizeof(e->proc));
		sched_at_exit(task, v.sig, v.cfs_rq, own, group_dead, ts,
			      &e->sched, &e->proc_sched);
		submit(e);
	}
	if (group_dead)
		report_reparents(task, ts);
	if (autoreap)
		send_autoreap(v.leader, v.parent, &v.who, tgid, status, ts);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int handle_exit_ts(__u64 *ctx)
{
	return on_exit(ctx, true);
}

SEC("tp_btf/sched_process_exit")
int handle_exit_hash(__u64 *ctx)
{
	return on_exit(ctx, false);
}
