// SPDX-License-Identifier: GPL-2.0
/*
 * Rebuilding process lives from events. Every handler first finds the
 * subject process by (pid, start_ns), creating it (and marking the gap)
 * when its birth was missed, so no event sequence can crash the table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/table.h"

static void fork_event(struct timeline *tl, const struct pl_event *ev)
{
	const struct pl_header *h = ev->h;
	const struct pl_fork *f = ev->fork;
	struct tl_process *p;

	if (f->kind == PL_BIRTH_THREAD) {
		p = tl_get_proc(tl, h);
		if (!p)
			return;
		tl_note_header(tl, p, h);
		tl_add_thread(tl, p, h->tid, f->task_start_ns, h->comm);
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
			tl_retire(tl, p, h->ts_ns);
		p = tl_new_proc(tl, h);
		if (!p)
			return;
		tl_link_parent(tl, p);
		tl_add_thread(tl, p, h->tid, f->task_start_ns ? f->task_start_ns :
			   h->start_ns, h->comm);
	}
	p->flags |= TL_PROC_TRACED;
	tl_set_birth(p, f);
	tl_set_where(p, &f->w);
}

static struct tl_exec *new_exec(struct timeline *tl, const struct pl_event *ev)
{
	size_t flen = ev->filename ? ev->filename_len : 0;
	size_t alen = ev->argv ? ev->argv_len : 0;
	char cwd[PL_CWD_PATH_MAX];
	size_t clen = pl_cwd_path(ev, cwd, sizeof(cwd));
	size_t more = ev->exe_len + ev->interp_len + ev->argv0_len;
	struct tl_exec *e = malloc(sizeof(*e) + flen + 1 + alen + more +
				   clen + 1);
	char *tail;

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
	e->argc = ev->argc;
	e->cut_index = ev->cut_index;
	e->exe_len = (uint32_t)ev->exe_len;
	e->interp_len = (uint32_t)ev->interp_len;
	e->argv0_len = (uint32_t)ev->argv0_len;
	tail = e->data + flen + 1 + alen;
	if (ev->exe_len)
		memcpy(tail, ev->exe, ev->exe_len);
	tail += ev->exe_len;
	if (ev->interp_len)
		memcpy(tail, ev->interp, ev->interp_len);
	tail += ev->interp_len;
	if (ev->argv0_len)
		memcpy(tail, ev->argv0, ev->argv0_len);
	tail += ev->argv0_len;
	e->cwd_len = (uint32_t)clen;
	memcpy(tail, cwd, clen);
	tail[clen] = '\0';
	return e;
}

/* The exec'ing thread becomes the leader: it takes over pid as its tid. */
static void take_over_leader(struct timeline *tl, struct tl_process *p,
			     uint32_t old_tid, uint64_t ts, const char *comm)
{
	struct tl_thread *t = tl_find_thread(tl, p, old_tid);
	struct tl_thread *leader = tl_find_thread(tl, p, p->pid);

	if (leader)
		tl_end_thread(tl, leader, ts, false, false);
	if (!t) {
		/* Its birth was missed: its start is unknown, ts bounds it. */
		t = tl_add_thread(tl, p, old_tid, ts, comm);
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
	struct tl_process *p = tl_get_proc(tl, h);
	struct tl_exec *e;
	struct tl_thread *t;

	if (!p)
		return;
	tl_note_header(tl, p, h);
	e = new_exec(tl, ev);
	if (!e)
		return;
	*p->exec_tail = e;
	p->exec_tail = &e->next;

	if (ev->type == PL_EV_EXEC_FAIL) {
		e->ret = ev->exec_fail->ret;
		e->old_tid = h->tid;
		tl_set_where(p, &ev->exec_fail->w);
		return;
	}
	tl_set_where(p, &ev->exec->w);
	e->old_tid = ev->exec->old_tid ? ev->exec->old_tid : h->tid;
	if (e->old_tid != p->pid)
		take_over_leader(tl, p, e->old_tid, h->ts_ns, h->comm);
	t = tl_find_thread(tl, p, p->pid);
	/* exec kills every other thread; their exits should have come first. */
	tl_end_threads(tl, p, t, h->ts_ns, true);
	tl_set_comm(p->comm, h->comm);
	if (t)
		tl_set_comm(t->comm, h->comm);
}

static void comm_event(struct timeline *tl, const struct pl_event *ev)
{
	const struct pl_header *h = ev->h;
	struct tl_process *p = tl_get_proc(tl, h);
	struct tl_rename *r;
	struct tl_thread *t;

	if (!p)
		return;
	tl_note_header(tl, p, h);
	t = tl_find_thread(tl, p, h->tid);
	if (t)
		tl_set_comm(t->comm, h->comm);
	if (h->tid == p->pid)
		tl_set_comm(p->comm, h->comm);
	r = calloc(1, sizeof(*r));
	if (!r) {
		tl->st.alloc_failures++;
		return;
	}
	r->t_ns = h->ts_ns;
	r->tid = h->tid;
	tl_set_comm(r->comm, h->comm);
	*p->rename_tail = r;
	p->rename_tail = &r->next;
}

/*
 * A task's name as a record saw it, for a process whose renames the trace
 * may not follow (a pre-existing one outside the selection, or whose exec
 * came before the trace): the tree names it as the stream does.
 */
static void note_current_comm(struct timeline *tl, struct tl_process *p,
			      uint32_t tid, const char *comm)
{
	struct tl_thread *t = tl_find_thread(tl, p, tid);

	if (t)
		tl_set_comm(t->comm, comm);
	if (tid == p->pid)
		tl_set_comm(p->comm, comm);
}

/* A task still alive at the end, with its scheduler accounting. */
static void sched_end_event(struct timeline *tl, const struct pl_event *ev)
{
	const struct pl_sched_end *r = ev->sched_end;
	struct tl_process *p = pidhash_find(&tl->procs, r->h.pid);
	struct tl_thread *t;

	if (!p || p->start_ns != r->h.start_ns)
		return;
	t = tl_find_thread(tl, p, r->h.tid);
	if (t && t->start_ns == r->task_start_ns) {
		tl_set_sched(tl, &t->sched, &r->sched);
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
	t = tl_find_thread(tl, p, r->h.tid);
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

static void exit_event(struct timeline *tl, const struct pl_event *ev)
{
	const struct pl_header *h = ev->h;
	const struct pl_exit *x = ev->exit;
	struct tl_process *p = tl_get_proc(tl, h);
	struct tl_thread *t;

	if (!p)
		return;
	tl_note_header(tl, p, h);
	t = tl_find_thread(tl, p, h->tid);
	if (!t && (t = tl_ended_thread(p, h->tid, true))) {
		/* A late exit of a thread whose end we had to guess. */
		t->flags &= ~TL_THREAD_END_INFERRED;
		t->exit_ns = h->ts_ns;
	} else if (!t) {
		/* Its birth was missed (or came before the process was
		 * selected); its start is in the record. */
		t = tl_add_thread(tl, p, h->tid, x->task_start_ns, h->comm);
		if (!(p->flags & TL_PROC_SELECTED_LATE) ||
		    x->task_start_ns >= p->selected_ns)
			p->gaps |= TL_GAP_THREAD;
	}
	if (t) {
		tl_set_comm(t->comm, h->comm);
		tl_set_sched(tl, &t->sched, &x->sched);	/* tl_end_thread may free t */
		tl_end_thread(tl, t, h->ts_ns, false, false);
	}
	if (!(x->flags & PL_EXIT_GROUP_DEAD))
		return;

	tl_set_exited(p, h->ts_ns, x->exit_code, &x->proc);
	tl_set_where(p, &x->w);
	if (x->flags & PL_EXIT_NS_TEARDOWN)
		p->flags |= TL_PROC_NS_TEARDOWN;
	if (h->tid == p->pid)
		tl_set_comm(p->comm, h->comm);
	tl_end_threads(tl, p, NULL, h->ts_ns, true);
	/* an autoreap's own reap record follows: the kernel side decides it */
	tl_maybe_free(tl, p);
}

/* Picked up mid-life: its earlier life was not selected, not lost. */
static void selected_late(struct tl_process *p, uint64_t ts)
{
	if (!p->created_by)
		p->gaps &= ~TL_GAP_FORK;
	if (!(p->flags & TL_PROC_SELECTED_LATE))
		p->selected_ns = ts;
	p->flags |= TL_PROC_SELECTED_LATE;
}

/* A process moved to another cgroup: where it was and where it went. */
static void move_event(struct timeline *tl, const struct pl_event *ev)
{
	const struct pl_header *h = ev->h;
	struct tl_process *p = tl_get_proc(tl, h);
	struct tl_move *m;

	if (!p || h->tid != h->pid)
		return;		/* a thread of a threaded cgroup: not the process */
	/* first seen at its move into the selected cgroup (runc exec) */
	if (tl->select_by_where && (p->gaps & TL_GAP_FORK) &&
	    !(p->flags & TL_PROC_PRE_EXISTING) && !p->execs)
		selected_late(p, h->ts_ns);
	m = calloc(1, sizeof(*m));
	if (!m) {
		tl->st.alloc_failures++;
		return;
	}
	m->t_ns = h->ts_ns;
	if (p->flags & TL_PROC_WHERE)
		m->from = p->where;
	m->to = ev->move->w;
	*p->move_tail = m;
	p->move_tail = &m->next;
	tl_set_where(p, &m->to);
}

static void reparent_event(struct timeline *tl, const struct pl_event *ev)
{
	const struct pl_header *h = ev->h;
	const struct pl_reparent *rp = ev->reparent;
	struct tl_process *p = tl_get_proc(tl, h);

	if (!p)
		return;
	if (rp->old_ppid != p->cur_ppid)
		p->gaps |= TL_GAP_REPARENT;
	tl_add_reparent(tl, p, h->ts_ns, h->ppid, rp->reason);
	p->uid = h->uid;
}

static void reap_event(struct timeline *tl, const struct pl_event *ev)
{
	const struct pl_header *h = ev->h;
	const struct pl_reap *rp = ev->reap;
	struct tl_process *p = tl_get_proc(tl, h);
	struct tl_process *reaper = rp->reaper_pid ?
		pidhash_find(&tl->procs, rp->reaper_pid) : NULL;

	/* the reaper is alive: it holds its pid now */
	if (reaper && rp->reaper_tid)
		note_current_comm(tl, reaper, rp->reaper_tid, rp->reaper_comm);
	if (!p || (p->flags & TL_PROC_REAPED))
		return;
	tl_note_header(tl, p, h);
	tl_note_exit_unseen(p);
	/* how, reaper, exactness and status: the kernel side decided them */
	tl_set_reaped(p, h->ts_ns, tl_reap_how_of(rp), rp->reaper_pid);
	if (rp->flags & PL_REAP_EXACT)
		p->flags |= TL_PROC_REAP_EXACT;
	if (rp->flags & PL_REAP_STATUS)
		tl_set_reaper_status(p, rp->status);
	/* the exit record is lost, its time is not: the zombie record kept it */
	if (!(p->flags & TL_PROC_EXIT_NS) && (rp->flags & PL_REAP_EXIT_KNOWN)) {
		p->exit_ns = rp->exit_ns;
		p->flags |= TL_PROC_EXIT_NS;
	}
	tl_end_remaining_threads(tl, p, h->ts_ns);
	tl_maybe_free(tl, p);
}

/* By -c or -u. */
static void select_event(struct timeline *tl, const struct pl_event *ev)
{
	struct tl_process *p = tl_get_proc(tl, ev->h);

	if (!p)
		return;
	tl_note_header(tl, p, ev->h);
	selected_late(p, ev->h->ts_ns);
}

int timeline_add(struct timeline *tl, const struct pl_event *ev)
{
	uint64_t failures = tl->st.alloc_failures;

	if (tl->finished)
		return -EINVAL;
	if (ev->type == PL_EV_SEED)
		return timeline_seed(tl, ev);
	tl_link_seeds(tl);
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
	case PL_EV_CGROUP_MOVE:
		move_event(tl, ev);
		break;
	case PL_EV_REAP:
		reap_event(tl, ev);
		break;
	case PL_EV_SELECT:
		select_event(tl, ev);
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
