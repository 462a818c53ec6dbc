// SPDX-License-Identifier: GPL-2.0
/*
 * The process table: processes by (pid, start_ns), the live pid hash, the
 * list of every process in memory and the tree; sorting and lookups once
 * the trace is finished.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/table.h"

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

void tl_set_comm(char *dst, const char *src)
{
	memcpy(dst, src, PL_COMM_LEN);
	dst[PL_COMM_LEN - 1] = '\0';
}

/* ---- processes ---- */

static void free_lists(struct tl_process *p)
{
	struct tl_thread *t, *tn;
	struct tl_exec *e, *en;
	struct tl_rename *r, *rn;
	struct tl_reparent *q, *qn;
	struct tl_move *m, *mn;

	for (m = p->moves; m; m = mn) {
		mn = m->next;
		free(m);
	}
	p->moves = NULL;
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
void tl_maybe_free(struct timeline *tl, struct tl_process *p)
{
	if (!tl->keep_finished && (p->flags & TL_PROC_REAPED) &&
	    !p->nr_live_threads)
		free_proc(tl, p);
}

struct tl_process *tl_new_proc(struct timeline *tl,
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
	tl_set_comm(p->comm, h->comm);
	p->exec_tail = &p->execs;
	p->rename_tail = &p->renames;
	p->reparent_tail = &p->reparents;
	p->move_tail = &p->moves;

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

/* Link to the live parent now; seeded processes wait for tl_link_seeds(). */
void tl_link_parent(struct timeline *tl, struct tl_process *p)
{
	struct tl_process *parent = pidhash_find(&tl->procs, p->ppid);

	if (parent && parent != p)
		link_child(parent, p);
}

/* pid is being reused (or the old life's end was missed): retire p. */
void tl_retire(struct timeline *tl, struct tl_process *p, uint64_t ts)
{
	pidhash_remove(&tl->procs, p);
	if (!(p->flags & TL_PROC_REAPED)) {
		p->gaps |= TL_GAP_REAP;
		tl_note_exit_unseen(p);
	}
	tl_end_remaining_threads(tl, p, ts);
	if (!tl->keep_finished)
		free_proc(tl, p);
}

/*
 * The process an event is about. A birth we never saw creates it with
 * TL_GAP_FORK. NULL for a stale event of an older life, or on ENOMEM.
 */
struct tl_process *tl_get_proc(struct timeline *tl,
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
		tl_retire(tl, p, h->ts_ns);
	}
	p = tl_new_proc(tl, h);
	if (!p)
		return NULL;
	p->flags |= TL_PROC_TRACED;
	p->gaps |= TL_GAP_FORK;
	tl_link_parent(tl, p);
	tl_add_thread(tl, p, h->pid, h->start_ns, h->comm);
	return p;
}

struct tl_reparent *tl_add_reparent(struct timeline *tl,
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
void tl_note_header(struct timeline *tl, struct tl_process *p,
		    const struct pl_header *h)
{
	if (h->ppid && h->ppid != p->cur_ppid) {
		tl_add_reparent(tl, p, h->ts_ns, h->ppid, 0);
		p->gaps |= TL_GAP_REPARENT;
	}
	p->uid = h->uid;
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

void timeline_mark_selected(struct timeline *tl, uint32_t pid,
			    uint64_t start_ns)
{
	struct tl_process *p = pidhash_find(&tl->procs, pid);

	if (p && p->start_ns == start_ns)
		p->flags |= TL_PROC_TRACED;
}

void timeline_prune_untraced(struct timeline *tl, bool prune)
{
	tl->prune_untraced = prune;
}

void timeline_select_by_where(struct timeline *tl, bool on)
{
	tl->select_by_where = on;
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

	tl_link_seeds(tl);
	if (tl->prune_untraced)
		prune(tl);
	for (p = tl->all_head; p; p = p->all_next)
		tl_sum_process_sched(tl, p);
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
	const struct tl_move *m;
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
	tl_for_each_move(m, p)
		bytes += chunk(sizeof(*m));
	return bytes;
}
