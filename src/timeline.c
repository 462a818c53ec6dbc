// SPDX-License-Identifier: GPL-2.0
/*
 * Rebuilding process lives from events. Every handler first finds the
 * subject process by (pid, start_ns), creating it (and marking the gap)
 * when its birth was missed, so no event sequence can crash the table.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pidhash.h"
#include "timeline.h"

struct timeline {
	bool keep_finished;
	bool prune_untraced;
	bool prune_ancestors;
	bool seeds_linked;	/* parents of seeded processes resolved */
	bool finished;
	struct pidhash procs;	/* live process by pid */
	struct pidhash threads;	/* live thread by tid */
	struct tl_process *all_head;	/* every process in memory */
	struct tl_process *all_tail;
	struct tl_process **sorted;	/* after finish: by (start_ns, pid) */
	size_t nsorted;
	uint64_t end_ns;
	struct tl_stats st;
};

static const char *const gap_names[TL_GAP_COUNT] = {
	"fork_lost", "exit_lost", "reap_lost", "reparent_lost", "thread_lost",
};

/* ---- tree and list plumbing ---- */

static void link_child(struct tl_process *parent, struct tl_process *c)
{
	c->parent = parent;
	c->next_sibling = NULL;
	c->prev_sibling = parent->last_child;
	if (parent->last_child)
		parent->last_child->next_sibling = c;
	else
		parent->first_child = c;
	parent->last_child = c;
}

static void unlink_child(struct tl_process *c)
{
	struct tl_process *parent = c->parent;

	if (!parent)
		return;
	if (c->prev_sibling)
		c->prev_sibling->next_sibling = c->next_sibling;
	else
		parent->first_child = c->next_sibling;
	if (c->next_sibling)
		c->next_sibling->prev_sibling = c->prev_sibling;
	else
		parent->last_child = c->prev_sibling;
	c->parent = c->next_sibling = c->prev_sibling = NULL;
}

static void set_comm(char *dst, const char *src)
{
	memcpy(dst, src, PL_COMM_LEN);
	dst[PL_COMM_LEN - 1] = '\0';
}

/* ---- threads ---- */

static void drop_thread(struct tl_process *p, struct tl_thread *t)
{
	if (t->prev)
		t->prev->next = t->next;
	else
		p->threads = t->next;
	if (t->next)
		t->next->prev = t->prev;
	else
		p->last_thread = t->prev;
	p->nr_threads--;
	free(t->sched);
	free(t->states);
	free(t);
}

/*
 * inferred: the exit was not seen, ts is only an upper bound; gap: that is
 * news (not already explained by a missed process exit).
 */
static void end_thread(struct timeline *tl, struct tl_thread *t, uint64_t ts,
		       bool inferred, bool gap)
{
	struct tl_process *p = t->proc;

	if (t->flags & TL_THREAD_EXITED)
		return;
	t->flags |= TL_THREAD_EXITED;
	if (inferred)
		t->flags |= TL_THREAD_END_INFERRED;
	if (gap)
		p->gaps |= TL_GAP_THREAD;
	/* A bound from another task's event can precede this one's birth. */
	t->exit_ns = ts > t->start_ns ? ts : t->start_ns;
	pidhash_remove(&tl->threads, t);
	p->nr_live_threads--;
	/* Stream mode keeps only live tasks. */
	if (!tl->keep_finished)
		drop_thread(p, t);
}

/* End every live thread of p but keep (NULL: all). */
static void end_threads(struct timeline *tl, struct tl_process *p,
			const struct tl_thread *keep, uint64_t ts, bool gap)
{
	struct tl_thread *t, *next;

	for (t = p->threads; t && p->nr_live_threads; t = next) {
		next = t->next;
		if (t != keep)
			end_thread(tl, t, ts, true, gap);
	}
}

static struct tl_thread *add_thread(struct timeline *tl, struct tl_process *p,
				    uint32_t tid, uint64_t start_ns,
				    const char *comm)
{
	struct tl_thread *t, *old;

	t = calloc(1, sizeof(*t));
	if (!t) {
		tl->st.alloc_failures++;
		return NULL;
	}
	t->proc = p;
	t->tid = tid;
	t->start_ns = start_ns;
	set_comm(t->comm, comm);

	/* A live thread already holding this tid missed its exit. */
	old = pidhash_find(&tl->threads, tid);
	if (old)
		end_thread(tl, old, start_ns, true, true);
	pidhash_insert(&tl->threads, t);

	t->prev = p->last_thread;
	if (p->last_thread)
		p->last_thread->next = t;
	else
		p->threads = t;
	p->last_thread = t;
	p->nr_threads++;
	p->nr_live_threads++;
	return t;
}

/* The live thread tid of p, or NULL. */
static struct tl_thread *find_thread(struct timeline *tl, struct tl_process *p,
				     uint32_t tid)
{
	struct tl_thread *t = pidhash_find(&tl->threads, tid);

	return t && t->proc == p ? t : NULL;
}

/* An exited thread tid (with its end inferred), or NULL. Rare: a scan. */
static struct tl_thread *ended_thread(struct tl_process *p, uint32_t tid,
				      bool inferred)
{
	struct tl_thread *t;

	for (t = p->last_thread; t; t = t->prev)
		if (t->tid == tid && (t->flags & TL_THREAD_EXITED) &&
		    (!inferred || (t->flags & TL_THREAD_END_INFERRED)))
			return t;
	return NULL;
}

/* ---- processes ---- */

static void free_lists(struct tl_process *p)
{
	struct tl_thread *t, *tn;
	struct tl_exec *e, *en;
	struct tl_rename *r, *rn;
	struct tl_reparent *q, *qn;

	for (t = p->threads; t; t = tn) {
		tn = t->next;
		free(t->sched);
		free(t->states);
		free(t);
	}
	free(p->sched);
	p->sched = NULL;
	for (e = p->execs; e; e = en) {
		en = e->next;
		free(e);
	}
	for (r = p->renames; r; r = rn) {
		rn = r->next;
		free(r);
	}
	for (q = p->reparents; q; q = qn) {
		qn = q->next;
		free(q);
	}
}

static void free_proc(struct timeline *tl, struct tl_process *p)
{
	struct tl_process *c, *cn;
	struct tl_thread *t;

	if (pidhash_find(&tl->procs, p->pid) == p)
		pidhash_remove(&tl->procs, p);
	for (t = p->threads; t; t = t->next)
		if (!(t->flags & TL_THREAD_EXITED))
			pidhash_remove(&tl->threads, t);
	unlink_child(p);
	for (c = p->first_child; c; c = cn) {
		cn = c->next_sibling;
		c->parent = c->next_sibling = c->prev_sibling = NULL;
	}
	if (p->all_prev)
		p->all_prev->all_next = p->all_next;
	else
		tl->all_head = p->all_next;
	if (p->all_next)
		p->all_next->all_prev = p->all_prev;
	else
		tl->all_tail = p->all_prev;
	free_lists(p);
	free(p);
	tl->st.freed++;
	tl->st.held--;
}

/* Stream mode: drop a process once nothing more can happen to it. */
static void maybe_free(struct timeline *tl, struct tl_process *p)
{
	if (!tl->keep_finished && (p->flags & TL_PROC_REAPED) &&
	    !p->nr_live_threads)
		free_proc(tl, p);
}

static struct tl_process *new_proc(struct timeline *tl,
				   const struct pl_header *h)
{
	struct tl_process *p = calloc(1, sizeof(*p));

	if (!p) {
		tl->st.alloc_failures++;
		return NULL;
	}
	p->pid = h->pid;
	p->start_ns = h->start_ns;
	p->ppid = p->cur_ppid = h->ppid;
	p->uid = h->uid;
	p->kind = TL_KIND_PROCESS;
	set_comm(p->comm, h->comm);
	p->exec_tail = &p->execs;
	p->rename_tail = &p->renames;
	p->reparent_tail = &p->reparents;

	p->all_prev = tl->all_tail;
	if (tl->all_tail)
		tl->all_tail->all_next = p;
	else
		tl->all_head = p;
	tl->all_tail = p;
	pidhash_insert(&tl->procs, p);
	tl->st.processes++;
	tl->st.held++;
	return p;
}

/* Link to the live parent now; seeded processes wait for link_seeds(). */
static void link_parent(struct timeline *tl, struct tl_process *p)
{
	struct tl_process *parent = pidhash_find(&tl->procs, p->ppid);

	if (parent && parent != p)
		link_child(parent, p);
}

/* pid is being reused (or the old life's end was missed): retire p. */
static void retire(struct timeline *tl, struct tl_process *p, uint64_t ts)
{
	pidhash_remove(&tl->procs, p);
	if (!(p->flags & TL_PROC_REAPED)) {
		p->gaps |= TL_GAP_REAP;
		if (!(p->flags & (TL_PROC_EXITED | TL_PROC_ZOMBIE_AT_START)))
			p->gaps |= TL_GAP_EXIT;
	}
	end_threads(tl, p, NULL, p->flags & TL_PROC_EXITED ? p->exit_ns : ts,
		    p->flags & TL_PROC_EXITED);
	if (!tl->keep_finished)
		free_proc(tl, p);
}

/*
 * The process an event is about. A birth we never saw creates it with
 * TL_GAP_FORK. NULL for a stale event of an older life, or on ENOMEM.
 */
static struct tl_process *get_proc(struct timeline *tl,
				   const struct pl_header *h)
{
	struct tl_process *p = pidhash_find(&tl->procs, h->pid);

	if (p) {
		if (p->start_ns == h->start_ns || !h->start_ns) {
			p->flags |= TL_PROC_TRACED;
			return p;
		}
		if (h->start_ns < p->start_ns)
			return NULL;
		retire(tl, p, h->ts_ns);
	}
	p = new_proc(tl, h);
	if (!p)
		return NULL;
	p->flags |= TL_PROC_TRACED;
	p->gaps |= TL_GAP_FORK;
	link_parent(tl, p);
	add_thread(tl, p, h->pid, h->start_ns, h->comm);
	return p;
}

static struct tl_reparent *add_reparent(struct timeline *tl,
					struct tl_process *p, uint64_t ts,
					uint32_t ppid, uint32_t reason)
{
	struct tl_reparent *r = calloc(1, sizeof(*r));

	if (!r) {
		tl->st.alloc_failures++;
		return NULL;
	}
	r->t_ns = ts;
	r->ppid = ppid;
	r->old_ppid = p->cur_ppid;
	r->reason = reason;
	*p->reparent_tail = r;
	p->reparent_tail = &r->next;
	p->cur_ppid = ppid;
	return r;
}

/*
 * Facts every event header carries. A reparent we missed shows as a
 * different ppid on a later event.
 */
static void note_header(struct timeline *tl, struct tl_process *p,
		       const struct pl_header *h)
{
	if (h->ppid && h->ppid != p->cur_ppid) {
		add_reparent(tl, p, h->ts_ns, h->ppid, 0);
		p->gaps |= TL_GAP_REPARENT;
	}
	p->uid = h->uid;
}

/*
 * A task's name as a record saw it, for a process whose renames the trace
 * may not follow (a pre-existing one outside the selection, or whose exec
 * came before the trace): the tree names it as the stream does.
 */
static void note_current_comm(struct timeline *tl, struct tl_process *p,
			      uint32_t tid, const char *comm)
{
	struct tl_thread *t = find_thread(tl, p, tid);

	if (t)
		set_comm(t->comm, comm);
	if (tid == p->pid)
		set_comm(p->comm, comm);
}

static void set_reaped(struct tl_process *p, uint64_t ts, uint8_t how,
		       uint32_t reaper)
{
	p->flags |= TL_PROC_REAPED;
	p->reap_ns = ts;
	p->reap_how = how;
	p->reaper_pid = reaper;
}

/* ---- event handlers ---- */

static uint8_t birth_of(const struct pl_fork *f)
{
	switch (f->kind) {
	case PL_BIRTH_FORK:
	case PL_BIRTH_VFORK:
	case PL_BIRTH_CLONE:
		return (uint8_t)f->kind;
	}
	/* Kernel threads: decided by the flags like any other clone. */
	if (f->clone_flags & 0x00004000ULL)	/* CLONE_VFORK */
		return PL_BIRTH_VFORK;
	if (!(f->clone_flags & ~0xffULL))
		return PL_BIRTH_FORK;
	return PL_BIRTH_CLONE;
}

static void fork_event(struct timeline *tl, const struct pl_event *ev)
{
	const struct pl_header *h = ev->h;
	const struct pl_fork *f = ev->fork;
	struct tl_process *p;

	if (f->kind == PL_BIRTH_THREAD) {
		p = get_proc(tl, h);
		if (!p)
			return;
		note_header(tl, p, h);
		add_thread(tl, p, h->tid, f->task_start_ns, h->comm);
		return;
	}

	p = pidhash_find(&tl->procs, h->pid);
	if (p && h->start_ns < p->start_ns)
		return;		/* stale: an older life of this pid */
	if (p && p->start_ns == h->start_ns) {
		/* Born while the seeds were read: it is not pre-existing. */
		p->flags &= ~TL_PROC_PRE_EXISTING;
		p->gaps &= ~TL_GAP_FORK;
	} else {
		if (p)
			retire(tl, p, h->ts_ns);
		p = new_proc(tl, h);
		if (!p)
			return;
		link_parent(tl, p);
		add_thread(tl, p, h->tid, f->task_start_ns ? f->task_start_ns :
			   h->start_ns, h->comm);
	}
	p->flags |= TL_PROC_TRACED;
	p->kind = f->kind == PL_BIRTH_KTHREAD ? TL_KIND_KTHREAD : TL_KIND_PROCESS;
	p->created_by = birth_of(f);
	p->clone_flags = f->clone_flags;
}

static struct tl_exec *new_exec(struct timeline *tl, const struct pl_event *ev)
{
	size_t flen = ev->filename ? ev->filename_len : 0;
	size_t alen = ev->argv ? ev->argv_len : 0;
	struct tl_exec *e = malloc(sizeof(*e) + flen + 1 + alen);

	if (!e) {
		tl->st.alloc_failures++;
		return NULL;
	}
	memset(e, 0, sizeof(*e));
	e->t_ns = ev->h->ts_ns;
	e->flags = ev->exec_flags;
	e->tid = ev->h->tid;
	e->filename_len = (uint32_t)flen;
	e->argv_len = (uint32_t)alen;
	if (flen)
		memcpy(e->data, ev->filename, flen);
	e->data[flen] = '\0';
	if (alen)
		memcpy(e->data + flen + 1, ev->argv, alen);
	return e;
}

/* The exec'ing thread becomes the leader: it takes over pid as its tid. */
static void take_over_leader(struct timeline *tl, struct tl_process *p,
			     uint32_t old_tid, uint64_t ts, const char *comm)
{
	struct tl_thread *t = find_thread(tl, p, old_tid);
	struct tl_thread *leader = find_thread(tl, p, p->pid);

	if (leader)
		end_thread(tl, leader, ts, false, false);
	if (!t) {
		/* Its birth was missed: its start is unknown, ts bounds it. */
		t = add_thread(tl, p, old_tid, ts, comm);
		if (!t)
			return;
		p->gaps |= TL_GAP_THREAD;
	}
	pidhash_remove(&tl->threads, t);
	t->old_tid = old_tid;
	t->tid = p->pid;
	pidhash_insert(&tl->threads, t);
}

static void exec_event(struct timeline *tl, const struct pl_event *ev)
{
	const struct pl_header *h = ev->h;
	struct tl_process *p = get_proc(tl, h);
	struct tl_exec *e;
	struct tl_thread *t;

	if (!p)
		return;
	note_header(tl, p, h);
	e = new_exec(tl, ev);
	if (!e)
		return;
	*p->exec_tail = e;
	p->exec_tail = &e->next;

	if (ev->type == PL_EV_EXEC_FAIL) {
		e->ret = ev->exec_fail->ret;
		e->old_tid = h->tid;
		return;
	}
	e->old_tid = ev->exec->old_tid ? ev->exec->old_tid : h->tid;
	if (e->old_tid != p->pid)
		take_over_leader(tl, p, e->old_tid, h->ts_ns, h->comm);
	t = find_thread(tl, p, p->pid);
	/* exec kills every other thread; their exits should have come first. */
	end_threads(tl, p, t, h->ts_ns, true);
	set_comm(p->comm, h->comm);
	if (t)
		set_comm(t->comm, h->comm);
}

static void comm_event(struct timeline *tl, const struct pl_event *ev)
{
	const struct pl_header *h = ev->h;
	struct tl_process *p = get_proc(tl, h);
	struct tl_rename *r;
	struct tl_thread *t;

	if (!p)
		return;
	note_header(tl, p, h);
	t = find_thread(tl, p, h->tid);
	if (t)
		set_comm(t->comm, h->comm);
	if (h->tid == p->pid)
		set_comm(p->comm, h->comm);
	r = calloc(1, sizeof(*r));
	if (!r) {
		tl->st.alloc_failures++;
		return;
	}
	r->t_ns = h->ts_ns;
	r->tid = h->tid;
	set_comm(r->comm, h->comm);
	*p->rename_tail = r;
	p->rename_tail = &r->next;
}

static void set_sched(struct timeline *tl, struct tl_sched **dst,
		      const struct pl_sched *src)
{
	if (src->flags & PL_SCHED_MISSING)
		return;
	if (!*dst) {
		*dst = malloc(sizeof(**dst));
		if (!*dst) {
			tl->st.alloc_failures++;
			return;
		}
	}
	(*dst)->v = *src;
}

/* A task still alive at the end, with its scheduler accounting. */
static void sched_end_event(struct timeline *tl, const struct pl_event *ev)
{
	const struct pl_sched_end *r = ev->sched_end;
	struct tl_process *p = pidhash_find(&tl->procs, r->h.pid);
	struct tl_thread *t;

	if (!p || p->start_ns != r->h.start_ns)
		return;
	t = find_thread(tl, p, r->h.tid);
	if (t && t->start_ns == r->task_start_ns) {
		set_sched(tl, &t->sched, &r->sched);
		/* read at the end: the name it has now */
		note_current_comm(tl, p, r->h.tid, r->h.comm);
	}
}

/* --states: a live thread changed state. */
static void state_event(struct timeline *tl, const struct pl_event *ev)
{
	const struct pl_state *r = ev->state;
	struct tl_process *p = pidhash_find(&tl->procs, r->h.pid);
	struct tl_thread *t;

	if (!p || p->start_ns != r->h.start_ns)
		return;
	t = find_thread(tl, p, r->h.tid);
	if (!t)
		return;
	if (t->nr_states == t->cap_states) {
		uint32_t cap = t->cap_states ? t->cap_states * 2 : 16;
		struct tl_state *v = realloc(t->states, cap * sizeof(*v));

		if (!v) {
			tl->st.alloc_failures++;
			return;
		}
		t->states = v;
		t->cap_states = cap;
	}
	t->states[t->nr_states].t_ns = r->h.ts_ns;
	t->states[t->nr_states].state = r->state;
	t->states[t->nr_states].cpu = r->cpu;
	t->nr_states++;
}

static void sum_sched(struct pl_sched *acc, const struct pl_sched *s)
{
	acc->run_ns += s->run_ns;
	acc->wait_ns += s->wait_ns;
	acc->sleep_ns += s->sleep_ns;
	acc->block_ns += s->block_ns;
	acc->stopped_ns += s->stopped_ns;
	acc->nvcsw += s->nvcsw;
	acc->nivcsw += s->nivcsw;
	acc->migrations += s->migrations;
	acc->flags |= s->flags;
}

/* A process's time is its threads' time. */
static void sum_process_sched(struct timeline *tl, struct tl_process *p)
{
	struct pl_sched acc = { 0 };
	struct tl_thread *t;
	bool any = false;

	for (t = p->threads; t; t = t->next) {
		if (!t->sched) {
			acc.flags |= PL_SCHED_PARTIAL;
			continue;
		}
		sum_sched(&acc, &t->sched->v);
		any = true;
	}
	if (any)
		set_sched(tl, &p->sched, &acc);
}

static void exit_event(struct timeline *tl, const struct pl_event *ev)
{
	const struct pl_header *h = ev->h;
	const struct pl_exit *x = ev->exit;
	struct tl_process *p = get_proc(tl, h);
	struct tl_thread *t;

	if (!p)
		return;
	note_header(tl, p, h);
	t = find_thread(tl, p, h->tid);
	if (!t && (t = ended_thread(p, h->tid, true))) {
		/* A late exit of a thread whose end we had to guess. */
		t->flags &= ~TL_THREAD_END_INFERRED;
		t->exit_ns = h->ts_ns;
	} else if (!t) {
		/* Its birth was missed; its start is in the record. */
		t = add_thread(tl, p, h->tid, x->task_start_ns, h->comm);
		p->gaps |= TL_GAP_THREAD;
	}
	if (t) {
		set_comm(t->comm, h->comm);
		set_sched(tl, &t->sched, &x->sched);	/* end_thread may free t */
		end_thread(tl, t, h->ts_ns, false, false);
	}
	if (!(x->flags & PL_EXIT_GROUP_DEAD))
		return;

	if (!(p->flags & TL_PROC_EXITED)) {
		p->flags |= TL_PROC_EXITED | TL_PROC_STATUS;
		p->flags &= ~TL_PROC_ZOMBIE_AT_START;
		p->exit_ns = h->ts_ns;
		p->exit_status = x->exit_code;
		p->rusage = x->proc;
		/* The exit came after a reap we saw: the loss was only of order. */
		if (p->flags & TL_PROC_REAPED)
			p->gaps &= ~TL_GAP_EXIT;
	}
	if (h->tid == p->pid)
		set_comm(p->comm, h->comm);
	end_threads(tl, p, NULL, h->ts_ns, true);
	if ((x->flags & PL_EXIT_AUTOREAP) && !(p->flags & TL_PROC_REAPED))
		set_reaped(p, h->ts_ns, TL_REAP_AUTOREAP, p->cur_ppid);
	maybe_free(tl, p);
}

static void reparent_event(struct timeline *tl, const struct pl_event *ev)
{
	const struct pl_header *h = ev->h;
	const struct pl_reparent *rp = ev->reparent;
	struct tl_process *p = get_proc(tl, h);

	if (!p)
		return;
	if (rp->old_ppid != p->cur_ppid)
		p->gaps |= TL_GAP_REPARENT;
	add_reparent(tl, p, h->ts_ns, h->ppid, rp->reason);
	p->uid = h->uid;
}

static uint8_t reap_how(const struct tl_process *p, const struct pl_reap *rp)
{
	const struct tl_reparent *r, *last = NULL;

	if (rp->source == PL_REAP_RELEASE)
		return TL_REAP_AUTOREAP;
	tl_for_each_reparent(r, p)
		last = r;
	if (!last)
		return TL_REAP_WAIT;
	if (last->reason == PL_REPARENT_INIT)
		return TL_REAP_INIT;
	if (last->reason == PL_REPARENT_SUBREAPER)
		return TL_REAP_SUBREAPER;
	/* Reparent event missed: init is pid 1, anyone else a subreaper. */
	return last->ppid == 1 ? TL_REAP_INIT : TL_REAP_SUBREAPER;
}

static void reap_event(struct timeline *tl, const struct pl_event *ev)
{
	const struct pl_header *h = ev->h;
	const struct pl_reap *rp = ev->reap;
	struct tl_process *p = get_proc(tl, h);
	struct tl_process *reaper = rp->reaper_pid ?
		pidhash_find(&tl->procs, rp->reaper_pid) : NULL;

	/* the reaper is alive: it holds its pid now */
	if (reaper && rp->reaper_tid)
		note_current_comm(tl, reaper, rp->reaper_tid, rp->reaper_comm);

	if (!p || (p->flags & TL_PROC_REAPED))
		return;
	note_header(tl, p, h);
	if (!(p->flags & (TL_PROC_EXITED | TL_PROC_ZOMBIE_AT_START)))
		p->gaps |= TL_GAP_EXIT;
	set_reaped(p, h->ts_ns, reap_how(p, rp), rp->reaper_pid);
	/* Without an exit record, the status the reaper saw is all we have. */
	if (!(p->flags & TL_PROC_EXITED) && rp->source == PL_REAP_WAIT) {
		p->exit_status = rp->status;
		p->flags |= TL_PROC_STATUS;
	}
	end_threads(tl, p, NULL, p->flags & TL_PROC_EXITED ? p->exit_ns :
		    h->ts_ns, p->flags & TL_PROC_EXITED);
	maybe_free(tl, p);
}

/* ---- seeds ---- */

int timeline_seed(struct timeline *tl, const struct pl_event *ev)
{
	const struct pl_header *h = ev->h;
	const struct pl_seed *s = ev->seed;
	struct tl_process *p;
	struct tl_thread *t;
	uint64_t start;

	tl->st.events++;
	if (ev->type != PL_EV_SEED || tl->finished)
		return 0;
	start = s->task_start_ns ? s->task_start_ns : h->start_ns;

	p = pidhash_find(&tl->procs, h->pid);
	if (p && p->start_ns != h->start_ns) {
		if (h->start_ns < p->start_ns)
			return 0;
		retire(tl, p, h->ts_ns);
		p = NULL;
	}
	if (!p) {
		p = new_proc(tl, h);
		if (!p)
			return -ENOMEM;
		p->flags |= TL_PROC_PRE_EXISTING;
		/* A seed after live events began: no later pass links it. */
		if (tl->seeds_linked)
			link_parent(tl, p);
	}
	/* First seen by a live event: the seed explains the missing birth. */
	if ((p->gaps & TL_GAP_FORK) && !p->created_by) {
		p->gaps &= ~TL_GAP_FORK;
		p->flags |= TL_PROC_PRE_EXISTING;
	}
	/* Its fork was seen (a seed racing a fork): keep what live events say. */
	if (!(p->flags & TL_PROC_PRE_EXISTING))
		return 0;
	if (s->flags & PL_SEED_KTHREAD)
		p->kind = TL_KIND_KTHREAD;

	if (s->flags & PL_SEED_THREAD) {
		if (find_thread(tl, p, h->tid))
			return 0;
		/* A live thread: the process lives even if its leader is a zombie. */
		p->flags &= ~TL_PROC_ZOMBIE_AT_START;
		t = add_thread(tl, p, h->tid, start, h->comm);
		if (!t)
			return -ENOMEM;
		t->flags |= TL_THREAD_PRE_EXISTING;
		return 0;
	}

	p->ppid = p->cur_ppid = h->ppid;
	p->uid = h->uid;
	set_comm(p->comm, h->comm);
	if (find_thread(tl, p, h->pid) || ended_thread(p, h->pid, false))
		return 0;
	t = add_thread(tl, p, h->pid, start, h->comm);
	if (!t)
		return -ENOMEM;
	t->flags |= TL_THREAD_PRE_EXISTING;
	if (s->flags & PL_SEED_ZOMBIE) {
		/* Exited at some point before it was read. */
		end_thread(tl, t, h->ts_ns, true, false);
		if (!p->nr_live_threads)
			p->flags |= TL_PROC_ZOMBIE_AT_START;
	}
	return 0;
}

/* Seeds come in pid order, so parents are resolved once all are in. */
static void link_seeds(struct timeline *tl)
{
	struct tl_process *p;

	if (tl->seeds_linked)
		return;
	tl->seeds_linked = true;
	for (p = tl->all_head; p; p = p->all_next)
		if (!p->parent && (p->flags & TL_PROC_PRE_EXISTING))
			link_parent(tl, p);
}

/* ---- public ---- */

struct timeline *timeline_new(bool keep_finished)
{
	struct timeline *tl = calloc(1, sizeof(*tl));

	if (!tl)
		return NULL;
	tl->keep_finished = keep_finished;
	if (pidhash_init(&tl->procs, offsetof(struct tl_process, pid),
			 offsetof(struct tl_process, hnext)))
		goto err;
	if (pidhash_init(&tl->threads, offsetof(struct tl_thread, tid),
			 offsetof(struct tl_thread, hnext)))
		goto err;
	return tl;
err:
	pidhash_free(&tl->procs);
	free(tl);
	return NULL;
}

void timeline_free(struct timeline *tl)
{
	struct tl_process *p, *next;

	if (!tl)
		return;
	for (p = tl->all_head; p; p = next) {
		next = p->all_next;
		free_lists(p);
		free(p);
	}
	pidhash_free(&tl->procs);
	pidhash_free(&tl->threads);
	free(tl->sorted);
	free(tl);
}

int timeline_add(struct timeline *tl, const struct pl_event *ev)
{
	uint64_t failures = tl->st.alloc_failures;

	if (tl->finished)
		return -EINVAL;
	if (ev->type == PL_EV_SEED)
		return timeline_seed(tl, ev);
	link_seeds(tl);
	tl->st.events++;

	switch (ev->type) {
	case PL_EV_FORK:
		fork_event(tl, ev);
		break;
	case PL_EV_EXEC:
	case PL_EV_EXEC_FAIL:
		exec_event(tl, ev);
		break;
	case PL_EV_COMM:
		comm_event(tl, ev);
		break;
	case PL_EV_EXIT:
		exit_event(tl, ev);
		break;
	case PL_EV_REPARENT:
		reparent_event(tl, ev);
		break;
	case PL_EV_REAP:
		reap_event(tl, ev);
		break;
	case PL_EV_LOST:
		tl->st.lost_events += ev->lost->count;
		break;
	case PL_EV_SCHED:
		sched_end_event(tl, ev);
		break;
	case PL_EV_STATE:
		state_event(tl, ev);
		break;
	}
	return tl->st.alloc_failures != failures ? -ENOMEM : 0;
}

static int cmp_start(const void *a, const void *b)
{
	const struct tl_process *x = *(const struct tl_process *const *)a;
	const struct tl_process *y = *(const struct tl_process *const *)b;

	if (x->start_ns != y->start_ns)
		return x->start_ns < y->start_ns ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return 0;
}

void timeline_prune_untraced(struct timeline *tl, bool prune)
{
	tl->prune_untraced = prune;
}

void timeline_mark_selected(struct timeline *tl, uint32_t pid)
{
	struct tl_process *p = pidhash_find(&tl->procs, pid);

	if (p && (p->flags & TL_PROC_PRE_EXISTING))
		p->flags |= TL_PROC_TRACED;
}

void timeline_prune_ancestors(struct timeline *tl, bool prune)
{
	tl->prune_ancestors = prune;
}

/* Drop what was only context: processes never traced, with no traced
 * descendant. Ancestors of traced processes stay, for the parent chain. */
static void prune(struct timeline *tl)
{
	struct tl_process *p, *next, *a;

	for (p = tl->all_head; p && !tl->prune_ancestors; p = p->all_next) {
		if (!(p->flags & TL_PROC_TRACED))
			continue;
		for (a = p->parent; a && !(a->flags & TL_PROC_TRACED); a = a->parent)
			a->flags |= TL_PROC_TRACED;
	}
	for (p = tl->all_head; p; p = next) {
		next = p->all_next;
		if (!(p->flags & TL_PROC_TRACED))
			free_proc(tl, p);
	}
}

void timeline_finish(struct timeline *tl, uint64_t end_ns)
{
	struct tl_process *p;
	size_t i, n = 0;

	link_seeds(tl);
	if (tl->prune_untraced)
		prune(tl);
	for (p = tl->all_head; p; p = p->all_next)
		sum_process_sched(tl, p);
	tl->finished = true;
	tl->end_ns = end_ns;
	free(tl->sorted);
	tl->nsorted = 0;
	tl->sorted = malloc((tl->st.held ? tl->st.held : 1) * sizeof(*tl->sorted));
	if (!tl->sorted) {
		tl->st.alloc_failures++;
		return;
	}
	for (p = tl->all_head; p; p = p->all_next)
		tl->sorted[n++] = p;
	qsort(tl->sorted, n, sizeof(*tl->sorted), cmp_start);
	tl->nsorted = n;

	/* Relink children so that each list is in start order. */
	for (i = 0; i < n; i++) {
		p = tl->sorted[i];
		p->first_child = p->last_child = NULL;
	}
	for (i = 0; i < n; i++) {
		p = tl->sorted[i];
		if (p->parent)
			link_child(p->parent, p);
	}
}

size_t timeline_count(const struct timeline *tl)
{
	return tl->nsorted;
}

const struct tl_process *timeline_proc(const struct timeline *tl, size_t i)
{
	return i < tl->nsorted ? tl->sorted[i] : NULL;
}

const struct tl_process *timeline_lookup(const struct timeline *tl,
					 uint32_t pid, uint64_t start_ns)
{
	size_t lo = 0, hi = tl->nsorted;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct tl_process *p = tl->sorted[mid];

		if (p->start_ns == start_ns && p->pid == pid)
			return p;
		if (p->start_ns < start_ns ||
		    (p->start_ns == start_ns && p->pid < pid))
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct tl_process *timeline_live(const struct timeline *tl, uint32_t pid)
{
	return pidhash_find(&tl->procs, pid);
}

uint64_t timeline_end_ns(const struct timeline *tl)
{
	return tl->end_ns;
}

void timeline_stats(const struct timeline *tl, struct tl_stats *st)
{
	*st = tl->st;
	st->live = tl->procs.count;
}

size_t tl_proc_id(char *buf, size_t size, const struct tl_process *p)
{
	int n = snprintf(buf, size, "%u@%llu", p->pid,
			 (unsigned long long)p->start_ns);

	if (n < 0)
		return 0;
	return (size_t)n < size ? (size_t)n : (size ? size - 1 : 0);
}

const char *tl_created_by_name(const struct tl_process *p)
{
	switch (p->created_by) {
	case PL_BIRTH_FORK:
		return "fork";
	case PL_BIRTH_VFORK:
		return "vfork";
	case PL_BIRTH_CLONE:
		return "clone";
	}
	return NULL;
}

const char *tl_reap_how_name(const struct tl_process *p)
{
	if (!(p->flags & TL_PROC_REAPED))
		return NULL;
	switch (p->reap_how) {
	case TL_REAP_WAIT:
		return "wait";
	case TL_REAP_AUTOREAP:
		return "autoreap";
	case TL_REAP_SUBREAPER:
		return "subreaper";
	case TL_REAP_INIT:
		return "init";
	}
	return NULL;
}

const char *tl_gap_name(uint32_t gap_bit)
{
	for (unsigned int i = 0; i < TL_GAP_COUNT; i++)
		if (gap_bit == (1U << i))
			return gap_names[i];
	return NULL;
}

const struct tl_exec *tl_last_exec(const struct tl_process *p)
{
	const struct tl_exec *e, *last = NULL;

	tl_for_each_exec(e, p)
		if (!e->ret)
			last = e;
	return last;
}

/* glibc malloc: 8 bytes of header, chunks rounded to 16. */
static size_t chunk(size_t n)
{
	n += 8;
	return n < 32 ? 32 : (n + 15) & ~(size_t)15;
}

size_t tl_proc_bytes(const struct tl_process *p)
{
	const struct tl_thread *t;
	const struct tl_exec *e;
	const struct tl_rename *r;
	const struct tl_reparent *q;
	/* One pid hash slot and one sorted-array slot per process. */
	size_t bytes = chunk(sizeof(*p)) + 2 * sizeof(void *);

	tl_for_each_thread(t, p)
		bytes += chunk(sizeof(*t)) + sizeof(void *);
	tl_for_each_exec(e, p)
		bytes += chunk(sizeof(*e) + e->filename_len + 1 + e->argv_len);
	tl_for_each_rename(r, p)
		bytes += chunk(sizeof(*r));
	tl_for_each_reparent(q, p)
		bytes += chunk(sizeof(*q));
	return bytes;
}

const char *tl_state_name(uint32_t state)
{
	switch (state) {
	case PL_STATE_RUNNING: return "running";
	case PL_STATE_RUNNABLE: return "runnable";
	case PL_STATE_SLEEP: return "sleeping";
	case PL_STATE_BLOCK: return "blocked";
	case PL_STATE_STOPPED: return "stopped";
	case PL_STATE_DEAD: return "dead";
	}
	return "unknown";
}
