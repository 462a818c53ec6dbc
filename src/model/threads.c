// SPDX-License-Identifier: GPL-2.0
/* The threads of a process: birth, end (seen or inferred), sched totals. */
#include <stdlib.h>
#include <string.h>

#include "model/table.h"

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
void tl_end_thread(struct timeline *tl, struct tl_thread *t, uint64_t ts,
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
void tl_end_threads(struct timeline *tl, struct tl_process *p,
		    const struct tl_thread *keep, uint64_t ts, bool gap)
{
	struct tl_thread *t, *next;

	for (t = p->threads; t && p->nr_live_threads; t = next) {
		next = t->next;
		if (t != keep)
			tl_end_thread(tl, t, ts, true, gap);
	}
}

/*
 * The process is over (reaped, or its pid reused): its threads end at its
 * exit, or, when the exit was missed, no later than ts.
 */
void tl_end_remaining_threads(struct timeline *tl, struct tl_process *p,
			      uint64_t ts)
{
	bool exited = p->flags & TL_PROC_EXITED;

	tl_end_threads(tl, p, NULL, exited ? p->exit_ns : ts, exited);
}

struct tl_thread *tl_add_thread(struct timeline *tl, struct tl_process *p,
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
	tl_set_comm(t->comm, comm);

	/* A live thread already holding this tid missed its exit. */
	old = pidhash_find(&tl->threads, tid);
	if (old)
		tl_end_thread(tl, old, start_ns, true, true);
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
struct tl_thread *tl_find_thread(struct timeline *tl, struct tl_process *p,
				 uint32_t tid)
{
	struct tl_thread *t = pidhash_find(&tl->threads, tid);

	return t && t->proc == p ? t : NULL;
}

/* An exited thread tid (with its end inferred), or NULL. Rare: a scan. */
struct tl_thread *tl_ended_thread(struct tl_process *p, uint32_t tid,
				  bool inferred)
{
	struct tl_thread *t;

	for (t = p->last_thread; t; t = t->prev)
		if (t->tid == tid && (t->flags & TL_THREAD_EXITED) &&
		    (!inferred || (t->flags & TL_THREAD_END_INFERRED)))
			return t;
	return NULL;
}

void tl_set_sched(struct timeline *tl, struct tl_sched **dst,
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
void tl_sum_process_sched(struct timeline *tl, struct tl_process *p)
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
		tl_set_sched(tl, &p->sched, &acc);
}
