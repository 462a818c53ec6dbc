// SPDX-License-Identifier: GPL-2.0
/*
 * Sizes: label column, time scale, legend height, from the rows drawn. The
 * size stays linear in the number of processes: a few short elements per
 * row, tooltips of bounded length, one path for all grid lines and one for
 * all fork links.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sinks/chart/draw.h"

/* ---- layout ---- */

static unsigned int digits(uint64_t v)
{
	unsigned int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static unsigned int label_chars(const struct chart_row *r)
{
	unsigned int n = (unsigned int)strnlen(r->p->comm, PL_COMM_LEN) + 1;

	return n + (r->count > 1 ? 2 + digits(r->count) + (r->descendants ? 1 : 0) :
		    digits(r->p->pid));
}

/* Deep trees saturate their indent rather than push labels off the column. */
double chart_label_x(const struct chart *c, const struct chart_row *r)
{
	double want = 4 + (double)r->depth * INDENT;
	double room = c->label_w - 4 - label_chars(r) * CHAR_W;

	return want < room ? want : room > 4 ? room : 4;
}

static void layout(struct chart *c)
{
	double widest = 0;
	size_t i;

	for (i = 0; i < c->rows.n; i++) {
		const struct chart_row *r = &c->rows.rows[i];
		double w;

		if (!r->p)
			continue;	/* a header's line spans the chart */
		w = 8 + (double)r->depth * INDENT + label_chars(r) * CHAR_W;
		if (w > widest)
			widest = w;
	}
	c->label_w = widest < LABEL_MIN ? LABEL_MIN :
		     widest > LABEL_MAX ? LABEL_MAX : (unsigned int)widest;
	c->x0 = c->label_w + GUTTER;
	c->time_w = CHART_W - c->x0 - RIGHT_M;
	if (c->time_w < TIME_MIN)
		c->time_w = TIME_MIN;
	c->scale = c->time_w / (double)(c->t1 > c->t0 ? c->t1 - c->t0 : 1);
	c->width = (unsigned int)(c->x0 + c->time_w) + RIGHT_M;
}

void chart_count_all(const struct chart *c, struct chart_counts *k)
{
	size_t i, n = timeline_count(c->tl);

	memset(k, 0, sizeof(*k));
	k->procs = n;
	for (i = 0; i < n; i++) {
		const struct tl_process *p = timeline_proc(c->tl, i);
		const struct tl_exec *e;
		struct lifespan ls;

		lifespan_of(p, c->t0, c->t1, &ls);
		k->threads += p->nr_threads;
		tl_for_each_exec(e, p) {
			k->execs++;
			k->failed_execs += e->ret != 0;
		}
		switch (lifespan_status(p)) {
		case LS_STATUS_OK: k->ok++; break;
		case LS_STATUS_FAIL: k->fail++; break;
		case LS_STATUS_SIGNAL: k->killed++; break;
		case LS_STATUS_NONE: break;
		}
		k->alive += ls.alive;
		k->unreaped += ls.unreaped;
		k->pre_existing += ls.pre_existing;
	}
}

/* A --states bar with a visible stretch before its first state or after its last. */
static bool states_gap(const struct chart *c, const struct tl_process *p)
{
	const struct tl_thread *t, *first = NULL, *last = NULL;
	double px = 1 / c->scale;
	struct lifespan ls;
	uint64_t end;

	lifespan_of(p, c->t0, c->t1, &ls);
	tl_for_each_thread(t, p) {
		if (t->tid != p->pid || !t->nr_states)
			continue;
		first = first ? first : t;
		last = t;
	}
	if (!first)
		return false;
	end = last->flags & TL_THREAD_EXITED ? last->exit_ns : c->t1;
	if (last->states[last->nr_states - 1].state == PL_STATE_DEAD)
		end = last->states[last->nr_states - 1].t_ns;
	return (double)first->states[0].t_ns - (double)ls.start > px ||
	       (double)ls.exit - (double)end > px;
}

/* What the legend needs to explain, over the processes drawn. */
static void scan_sched(struct chart *c)
{
	bool unknown = false;
	size_t i;
	uint32_t k;

	for (i = 0; i < c->rows.n; i++) {
		const struct tl_process *q = c->rows.rows[i].p;

		for (k = 0; k < c->rows.rows[i].count && q; k++, q = q->next_sibling) {
			bool states = chart_leader_states(q);
			const struct tl_thread *t;
			uint32_t j;

			if (q->flags & TL_PROC_ZOMBIE_AT_START)
				continue;
			c->have_states |= states;
			if (q->sched && chart_sched_total(&q->sched->v)) {
				struct lifespan ls;

				c->have_sched = true;
				c->have_stopped |= q->sched->v.stopped_ns != 0;
				lifespan_of(q, c->t0, c->t1, &ls);
				unknown |= !states && chart_known_share(q, &ls) < 1.0;
			} else if (!states) {
				unknown = true;
			}
			unknown |= states && states_gap(c, q);
			tl_for_each_thread(t, q)
				for (j = 0; j < t->nr_states && t->tid == q->pid; j++)
					c->have_stopped |= t->states[j].state ==
							   PL_STATE_STOPPED;
		}
	}
	c->have_sched |= c->have_states;
	c->have_unknown = c->have_sched && unknown;
	c->legend_h = 4 + (c->have_sched ? 2 : 1) * LEGEND_ROW;
}

void chart_done(struct chart *c)
{
	chart_rows_free(&c->rows);
	ctr_groups_free(&c->groups);
	free(c->group_procs);
	c->group_procs = NULL;
}

int chart_init(struct chart *c, const struct timeline *tl,
	       const struct pl_trace_info *info, struct outbuf *ob)
{
	memset(c, 0, sizeof(*c));
	c->ob = ob;
	c->tl = tl;
	c->info = info;
	lifespan_window(tl, info, &c->t0, &c->t1);
	/* grouped by container as the tree is (docs/CONTAINERS.md) */
	if (ctr_groups_build(&c->groups, tl, info->cgroups))
		return -ENOMEM;
	c->group_procs = calloc(c->groups.n + 1, sizeof(*c->group_procs));
	if (!c->group_procs)
		goto nomem;
	for (size_t i = 0; i < timeline_count(tl); i++)
		c->group_procs[ctr_group_of(&c->groups, timeline_proc(tl, i))]++;
	if (chart_rows_build_grouped(&c->rows, tl, &c->groups,
				     CHART_COLLAPSE_AT, CHART_MAX_ROWS))
		goto nomem;
	layout(c);
	scan_sched(c);
	return 0;
nomem:
	chart_done(c);
	return -ENOMEM;
}
