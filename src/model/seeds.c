// SPDX-License-Identifier: GPL-2.0
/* Processes running when the trace began, read by the task iterator. */
#include <errno.h>

#include "model/table.h"

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
		tl_retire(tl, p, h->ts_ns);
		p = NULL;
	}
	if (!p) {
		p = tl_new_proc(tl, h);
		if (!p)
			return -ENOMEM;
		p->flags |= TL_PROC_PRE_EXISTING;
		/* A seed after live events began: no later pass links it. */
		if (tl->seeds_linked)
			tl_link_parent(tl, p);
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
		if (tl_find_thread(tl, p, h->tid))
			return 0;
		/* A live thread: the process lives even if its leader is a zombie. */
		p->flags &= ~TL_PROC_ZOMBIE_AT_START;
		t = tl_add_thread(tl, p, h->tid, start, h->comm);
		if (!t)
			return -ENOMEM;
		t->flags |= TL_THREAD_PRE_EXISTING;
		return 0;
	}

	p->ppid = p->cur_ppid = h->ppid;
	p->uid = h->uid;
	tl_set_where(p, &s->w);
	tl_set_comm(p->comm, h->comm);
	if (tl_find_thread(tl, p, h->pid) || tl_ended_thread(p, h->pid, false))
		return 0;
	t = tl_add_thread(tl, p, h->pid, start, h->comm);
	if (!t)
		return -ENOMEM;
	t->flags |= TL_THREAD_PRE_EXISTING;
	if (s->flags & PL_SEED_ZOMBIE) {
		/* Exited at some point before it was read. */
		tl_end_thread(tl, t, h->ts_ns, true, false);
		if (!p->nr_live_threads)
			p->flags |= TL_PROC_ZOMBIE_AT_START;
		/* the kernel keeps a zombie's status: known, not guessed */
		if (h->tid == h->pid && !(p->flags & TL_PROC_STATUS)) {
			p->exit_status = s->exit_code;
			p->flags |= TL_PROC_STATUS;
		}
	}
	return 0;
}

/* Seeds come in pid order, so parents are resolved once all are in. */
void tl_link_seeds(struct timeline *tl)
{
	struct tl_process *p;

	if (tl->seeds_linked)
		return;
	tl->seeds_linked = true;
	for (p = tl->all_head; p; p = p->all_next)
		if (!p->parent && (p->flags & TL_PROC_PRE_EXISTING))
			tl_link_parent(tl, p);
}
