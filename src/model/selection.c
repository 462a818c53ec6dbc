// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/selection.h"
#include "kernel/tracer.h"

void selection_rule(const struct pl_options *o, struct selection_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->pids = o->nr_pids || o->command;
	/* the names and users themselves: o->comms, o->uids (any of them) */
	r->comm = o->nr_comms > 0;
	r->uid = o->nr_uids > 0;
	/* decided by the kernel's reads of cgroup and namespace */
	r->where = o->cgroup || o->container || o->cgroup_filter ||
		   o->pidns >= 0;
	r->active = r->pids || r->comm || r->uid || r->where;
	r->kthreads = o->kthreads;
}

bool selection_keeps_seed(const struct pl_options *o,
			  const struct pl_seed *seed)
{
	return !(seed->flags & PL_SEED_KTHREAD) || o->kthreads;
}

void selection_init(struct selection *sel, const struct pl_options *opts)
{
	struct selection_rule r;

	memset(sel, 0, sizeof(*sel));
	sel->opts = opts;
	selection_rule(opts, &r);
	sel->active = r.active;
}

void selection_free(struct selection *sel)
{
	free(sel->tasks);
	sel->tasks = NULL;
	sel->n = sel->cap = 0;
}

void selection_add_seed(struct selection *sel, const struct pl_seed *seed)
{
	struct sel_task *t;

	if (!sel->active || (seed->flags & PL_SEED_THREAD) ||
	    !selection_keeps_seed(sel->opts, seed))
		return;
	if (sel->n == sel->cap) {
		size_t cap = sel->cap ? sel->cap * 2 : 256;
		struct sel_task *v = realloc(sel->tasks, cap * sizeof(*v));

		if (!v)
			return;
		sel->tasks = v;
		sel->cap = cap;
	}
	t = &sel->tasks[sel->n++];
	memset(t, 0, sizeof(*t));
	t->pid = seed->h.pid;
	t->ppid = seed->h.ppid;
	t->uid = seed->h.uid;
	t->start_ns = seed->h.start_ns;
	t->where_match = seed->flags & PL_SEED_WHERE_MATCH;
	memcpy(t->comm, seed->h.comm, PL_COMM_LEN);
}

static int cmp_pid(const void *a, const void *b)
{
	const struct sel_task *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static struct sel_task *find(struct selection *sel, uint32_t pid)
{
	struct sel_task key = { .pid = pid };

	return bsearch(&key, sel->tasks, sel->n, sizeof(key), cmp_pid);
}

static bool listed_pid(const struct pl_options *o, uint32_t pid)
{
	for (unsigned int i = 0; i < o->nr_pids; i++)
		if (o->pids[i] == pid)
			return true;
	return false;
}

static bool uid_matches(const struct pl_options *o, uint32_t uid)
{
	for (unsigned int i = 0; i < o->nr_uids; i++)
		if (o->uids[i] == uid)
			return true;
	return false;
}

static bool comm_matches(const struct pl_options *o, const char *comm)
{
	for (unsigned int i = 0; i < o->nr_comms; i++)
		if (!strncmp(comm, o->comms[i], PL_COMM_LEN))
			return true;
	return false;
}

/* Several values of one filter: any of them; several filters: all. */
static bool matches(const struct pl_options *o, const struct sel_task *t)
{
	if (o->nr_uids && !uid_matches(o, t->uid))
		return false;
	if (o->nr_comms && !comm_matches(o, t->comm))
		return false;
	/* --cgroup, --container, --pidns: decided by the kernel's reads */
	if ((o->cgroup || o->container || o->pidns >= 0) && !t->where_match)
		return false;
	return true;
}

/* The parent's bits, then what the process's own facts add. */
static uint8_t own_bits(const struct pl_options *o, const struct sel_task *t,
			uint8_t bits)
{
	if (listed_pid(o, t->pid))
		bits |= TRACK_IN_TREE;
	if (!(bits & TRACK_SELECTED) && matches(o, t) &&
	    (!o->nr_pids || (bits & TRACK_IN_TREE)))
		bits |= TRACK_SELECTED;
	/* command mode: nothing that runs already is CMD's */
	return o->command ? 0 : bits;
}

/*
 * A process inherits its parent's bits. Walk up to the first ancestor
 * already decided, then decide each one on the way back down: a loop, not
 * recursion, since a parent chain may be as long as the task list.
 */
static void compute(struct selection *sel, struct sel_task *t)
{
	struct sel_task *top = t, *p, *below;
	uint8_t bits;

	if (t->done)
		return;
	t->on_path = true;
	t->down = NULL;
	for (;;) {
		p = top->ppid != top->pid ? find(sel, top->ppid) : NULL;
		/* on the path already: a loop in a racy snapshot, cut here */
		if (!p || p->done || p->on_path)
			break;
		p->on_path = true;
		p->down = top;
		top = p;
	}
	bits = p && p->done ? p->bits : 0;
	for (; top; top = below) {
		below = top->down;
		bits = own_bits(sel->opts, top, bits);
		top->bits = bits;
		top->done = true;
		top->on_path = false;
	}
}

void selection_compute(struct selection *sel)
{
	qsort(sel->tasks, sel->n, sizeof(*sel->tasks), cmp_pid);
	for (size_t i = 0; i < sel->n; i++) {
		sel->tasks[i].done = false;
		sel->tasks[i].on_path = false;
	}
	for (size_t i = 0; i < sel->n; i++)
		compute(sel, &sel->tasks[i]);
}

static int store(struct selection *sel, struct tracer *tracer)
{
	selection_compute(sel);
	for (size_t i = 0; i < sel->n; i++) {
		struct sel_task *t = &sel->tasks[i];
		int err;

		if (!t->bits)
			continue;
		err = tracer_track(tracer, t->pid, t->bits, t->start_ns);
		if (err) {
			fprintf(stderr, "proclife: cannot select pid %u: %s\n",
				t->pid, strerror(-err));
			return err;
		}
	}
	return 0;
}

static int reseed(void *ctx, void *data, size_t size)
{
	if (size == sizeof(struct pl_seed))
		selection_add_seed(ctx, data);
	return 0;
}

int selection_apply(struct selection *sel, struct tracer *tracer)
{
	int err;

	if (!sel->active || sel->opts->command)
		return 0;
	err = store(sel, tracer);
	if (err)
		return err;
	sel->n = 0;
	err = tracer_seed(tracer, reseed, sel);
	if (err)
		return err;
	return store(sel, tracer);
}

int selection_command_begin(struct selection *sel, struct tracer *tracer)
{
	return tracer_track(tracer, getpid(), TRACK_IN_TREE, 0);
}

void selection_command_end(struct selection *sel, struct tracer *tracer)
{
	tracer_untrack(tracer, getpid());
}
