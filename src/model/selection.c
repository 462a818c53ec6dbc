// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/selection.h"
#include "kernel/tracer.h"

#define MAX_DEPTH 256	/* longest parent chain followed */

void selection_init(struct selection *sel, const struct pl_options *opts)
{
	memset(sel, 0, sizeof(*sel));
	sel->opts = opts;
	sel->active = opts->nr_pids || opts->comm[0] || opts->uid >= 0 ||
		      opts->command || opts->cgroup || opts->container ||
		      opts->pidns >= 0;
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

	if (!sel->active || (seed->flags & PL_SEED_THREAD))
		return;
	if ((seed->flags & PL_SEED_KTHREAD) && !sel->opts->kthreads)
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

static bool matches(const struct pl_options *o, const struct sel_task *t)
{
	if (o->uid >= 0 && t->uid != (uint32_t)o->uid)
		return false;
	if (o->comm[0] && strncmp(t->comm, o->comm, PL_COMM_LEN))
		return false;
	/* --cgroup, --container, --pidns: decided by the kernel's reads */
	if ((o->cgroup || o->container || o->pidns >= 0) && !t->where_match)
		return false;
	return true;
}

/* A process inherits its parent's bits, then may match on its own. */
static uint8_t compute(struct selection *sel, struct sel_task *t, int depth)
{
	const struct pl_options *o = sel->opts;
	struct sel_task *parent;
	uint8_t bits = 0;

	if (t->done)
		return t->bits;
	t->done = true;	/* also breaks a cycle in a racy snapshot */
	parent = t->ppid != t->pid ? find(sel, t->ppid) : NULL;
	if (parent && depth < MAX_DEPTH)
		bits = compute(sel, parent, depth + 1);
	if (listed_pid(o, t->pid))
		bits |= TRACK_IN_TREE;
	if (!(bits & TRACK_SELECTED) && matches(o, t) &&
	    (!o->nr_pids || (bits & TRACK_IN_TREE)))
		bits |= TRACK_SELECTED;
	/* command mode: nothing that runs already is CMD's */
	if (o->command)
		bits = 0;
	t->bits = bits;
	return bits;
}

void selection_compute(struct selection *sel)
{
	qsort(sel->tasks, sel->n, sizeof(*sel->tasks), cmp_pid);
	for (size_t i = 0; i < sel->n; i++)
		sel->tasks[i].done = false;
	for (size_t i = 0; i < sel->n; i++)
		compute(sel, &sel->tasks[i], 0);
}

static int store(struct selection *sel, struct tracer *tracer)
{
	selection_compute(sel);
	for (size_t i = 0; i < sel->n; i++) {
		struct sel_task *t = &sel->tasks[i];
		int err;

		if (!t->bits)
			continue;
		err = tracer_track(tracer, t->pid, t->bits);
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
