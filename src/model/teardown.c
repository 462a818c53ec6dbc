// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "model/teardown.h"

struct proc_ns {
	uint32_t pid;
	uint64_t pidns;
	struct proc_ns *next;
};

int ns_teardowns_init(struct ns_teardowns *t)
{
	memset(t, 0, sizeof(*t));
	if (pidhash_init(&t->procs, offsetof(struct proc_ns, pid),
			 offsetof(struct proc_ns, next)))
		return -ENOMEM;
	t->procs_ok = true;
	return 0;
}

void ns_teardowns_free(struct ns_teardowns *t)
{
	if (t->procs_ok) {
		for (size_t i = 0; i < ((size_t)1 << t->procs.bits); i++) {
			struct proc_ns *e = t->procs.slots[i], *next;

			for (; e; e = next) {
				next = e->next;
				free(e);
			}
		}
		pidhash_free(&t->procs);
	}
	free(t->dying);
	free(t->levels);
	memset(t, 0, sizeof(*t));
}

/* Room for one more of n in *v (cap *cap): false, counted, when none. */
static bool grow(struct ns_teardowns *t, void **v, size_t n, size_t *cap,
		 size_t size)
{
	void *p;
	size_t c;

	if (n < *cap)
		return true;
	c = *cap ? 2 * *cap : 8;
	p = realloc(*v, c * size);
	if (!p) {
		t->alloc_failures++;
		return false;
	}
	*v = p;
	*cap = c;
	return true;
}

static uint32_t level_of(const struct ns_teardowns *t, uint64_t pidns)
{
	for (size_t i = 0; i < t->n_levels; i++)
		if (t->levels[i].pidns == pidns)
			return t->levels[i].level;
	return NS_LEVEL_UNKNOWN;
}

static void set_level(struct ns_teardowns *t, uint64_t pidns, uint32_t level)
{
	if (level_of(t, pidns) != NS_LEVEL_UNKNOWN ||
	    !grow(t, (void **)&t->levels, t->n_levels, &t->cap_levels,
		  sizeof(*t->levels)))
		return;
	t->levels[t->n_levels++] = (struct ns_level){ pidns, level };
}

static uint64_t pidns_of(const struct ns_teardowns *t, uint32_t pid)
{
	const struct proc_ns *e = t->procs_ok ? pidhash_find(&t->procs, pid) : NULL;

	return e ? e->pidns : 0;
}

/* Where a process lives, and what that says of its namespace's level. */
static void note_where(struct ns_teardowns *t, const struct pl_header *h,
		       const struct pl_where *w)
{
	struct proc_ns *e;

	if (!w->pidns)
		return;
	if (level_of(t, w->pidns) == NS_LEVEL_UNKNOWN) {
		uint64_t parent_ns = pidns_of(t, h->ppid);
		uint32_t up = parent_ns ? level_of(t, parent_ns) : NS_LEVEL_UNKNOWN;

		/* the same numbers inside as outside: the initial namespace */
		if (w->ns_pid == h->pid && w->ns_ppid == h->ppid)
			set_level(t, w->pidns, 0);
		/* an init, born of (or given to) a process in the parent
		 * namespace or one above it: a shallow bound is enough */
		else if (w->ns_pid == 1 && up != NS_LEVEL_UNKNOWN &&
			 parent_ns != w->pidns)
			set_level(t, w->pidns, up + 1);
	}
	if (!t->procs_ok)
		return;
	e = pidhash_find(&t->procs, h->pid);
	if (!e) {
		e = calloc(1, sizeof(*e));
		if (!e) {
			t->alloc_failures++;
			return;
		}
		e->pid = h->pid;
		pidhash_insert(&t->procs, e);
	}
	e->pidns = w->pidns;
}

static void forget_proc(struct ns_teardowns *t, uint32_t pid)
{
	struct proc_ns *e = t->procs_ok ? pidhash_find(&t->procs, pid) : NULL;

	if (e && pidhash_remove(&t->procs, e))
		free(e);
}

static struct ns_dying_init *find_dying(struct ns_teardowns *t, uint32_t pid)
{
	for (size_t i = 0; i < t->n_dying; i++)
		if (t->dying[i].pid == pid)
			return &t->dying[i];
	return NULL;
}

static void forget_dying(struct ns_teardowns *t, struct ns_dying_init *e)
{
	*e = t->dying[--t->n_dying];
}

/* Out of their window: no release of theirs can come any more. */
static void expire(struct ns_teardowns *t, uint64_t now)
{
	for (size_t i = 0; i < t->n_dying;) {
		if (now > t->dying[i].exit_ns + NS_TEARDOWN_WINDOW_NS)
			forget_dying(t, &t->dying[i]);
		else
			i++;
	}
}

static void remember_dying(struct ns_teardowns *t, uint32_t pid, uint32_t level,
			   uint64_t ts)
{
	if (!pid || find_dying(t, pid))
		return;
	expire(t, ts);
	if (!grow(t, (void **)&t->dying, t->n_dying, &t->cap_dying,
		  sizeof(*t->dying)))
		return;
	t->dying[t->n_dying++] = (struct ns_dying_init){ .pid = pid,
		.level = level, .exit_ns = ts };
}

static void exit_event(struct ns_teardowns *t, const struct pl_event *ev)
{
	const struct pl_exit *x = ev->exit;
	const struct pl_where *w = ev->where;

	/* a namespace's init (not the host's: it never exits) */
	if ((x->flags & PL_EXIT_GROUP_DEAD) && w && w->ns_pid == 1 &&
	    x->h.pid != 1)
		remember_dying(t, x->h.pid, level_of(t, w->pidns), x->h.ts_ns);
	/* killed by a teardown: its init dies, traced or not; the init's
	 * namespace is the victim's or one above it, no deeper */
	if (x->flags & PL_EXIT_NS_TEARDOWN)
		remember_dying(t, x->teardown_reaper,
			       w ? level_of(t, w->pidns) : NS_LEVEL_UNKNOWN,
			       x->h.ts_ns);
}

/* The reap as the teardown's, if it is: see teardown.h. */
static bool teardown_reap(struct ns_teardowns *t, const struct pl_reap *r)
{
	const struct ns_dying_init *e;

	if (r->how != PL_REAP_WAIT && r->how != PL_REAP_INIT &&
	    r->how != PL_REAP_SUBREAPER)
		return false;
	e = find_dying(t, r->reaper_pid);
	if (!e || r->h.ts_ns < e->exit_ns ||
	    r->h.ts_ns > e->exit_ns + NS_TEARDOWN_WINDOW_NS)
		return false;
	return (r->flags & PL_REAP_EXACT) || e->level <= PL_NS_LEVELS;
}

bool ns_teardowns_event(struct ns_teardowns *t, const struct pl_event *ev,
			struct pl_event *fixed, struct pl_reap *reap)
{
	struct ns_dying_init *e;
	bool ours;

	if (ev->where && (ev->type != PL_EV_FORK ||
			  ev->fork->kind != PL_BIRTH_THREAD))
		note_where(t, ev->h, ev->where);
	switch (ev->type) {
	case PL_EV_EXIT:
		exit_event(t, ev);
		return false;
	case PL_EV_FORK:
		/* the pid is someone else's now */
		e = find_dying(t, ev->h->pid);
		if (e && ev->fork->kind != PL_BIRTH_THREAD)
			forget_dying(t, e);
		return false;
	case PL_EV_REAP:
		break;
	default:
		return false;
	}
	ours = teardown_reap(t, ev->reap);
	forget_proc(t, ev->h->pid);
	if (!ours)
		return false;
	*reap = *ev->reap;
	reap->how = PL_REAP_NS_TEARDOWN;
	*fixed = *ev;
	fixed->reap = reap;
	fixed->h = &reap->h;
	return true;
}
