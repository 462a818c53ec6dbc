// SPDX-License-Identifier: GPL-2.0
/* A process's bar, cut into scheduler-state segments. */
#include <string.h>

#include "sinks/chart/draw.h"

static const char *const seg_class[SEG_COUNT] = {
	[SEG_RUN] = "qr", [SEG_WAIT] = "qw", [SEG_BLOCK] = "qd",
	[SEG_STOP] = "qt", [SEG_SLEEP] = "qs", [SEG_NONE] = "n",
};

static enum seg seg_of_state(uint32_t state)
{
	switch (state) {
	case PL_STATE_RUNNING: return SEG_RUN;
	case PL_STATE_RUNNABLE: return SEG_WAIT;
	case PL_STATE_SLEEP: return SEG_SLEEP;
	case PL_STATE_BLOCK: return SEG_BLOCK;
	case PL_STATE_STOPPED: return SEG_STOP;
	default: return SEG_NONE;	/* dead: its last switch */
	}
}

/* ---- scheduler shading ---- */

/*
 * Cuts a bar into segments of one state each, at most about one per pixel:
 * phases shorter than a pixel pool until they fill one, which then takes
 * the state that had most of it. Run once per state: only the segments of
 * want are written, as sub-paths of one path, so a bar is at most
 * SEG_COUNT elements whatever the number of state changes.
 */
struct segger {
	struct outbuf *ob;
	enum seg want;
	double y;
	bool open;		/* the path element is started */
	bool pooling;
	double pool_x0, pool_x1;
	double pool[SEG_COUNT];	/* px of each state in the pool */
	bool have_out;
	enum seg out_seg;	/* the last segment, not yet written */
	double out_x0, out_x1;
};

static void seg_write(struct segger *g)
{
	if (!g->have_out || g->out_seg != g->want)
		return;
	if (!g->open)
		chart_put(g->ob, "<path class=\"%s\" d=\"", seg_class[g->want]);
	g->open = true;
	chart_put(g->ob, "M%f %fH%fv%uH%fz", g->out_x0, g->y + BAR_Y, g->out_x1, BAR_H,
	    g->out_x0);
}

static void seg_flush(struct segger *g)
{
	enum seg s, best = SEG_NONE;

	for (s = 0; s < SEG_COUNT; s++)
		if (g->pool[s] > g->pool[best])
			best = s;
	g->pooling = false;
	if (g->have_out && g->out_seg == best && g->out_x1 >= g->pool_x0 - 0.01) {
		g->out_x1 = g->pool_x1;
		return;
	}
	seg_write(g);
	g->have_out = true;
	g->out_seg = best;
	g->out_x0 = g->pool_x0;
	g->out_x1 = g->pool_x1;
}

static void seg_add(struct segger *g, enum seg s, double xa, double xb)
{
	if (xb <= xa)
		return;
	/* A whole pixel or more after a good part of one: keep them apart. */
	if (g->pooling && xb - xa >= 1 && g->pool_x1 - g->pool_x0 >= 0.5)
		seg_flush(g);
	if (!g->pooling) {
		memset(g->pool, 0, sizeof(g->pool));
		g->pooling = true;
		g->pool_x0 = xa;
	}
	g->pool[s] += xb - xa;
	g->pool_x1 = xb;
	if (g->pool_x1 - g->pool_x0 >= 1)
		seg_flush(g);
}

static void seg_end(struct segger *g)
{
	if (g->pooling)
		seg_flush(g);
	seg_write(g);
	if (g->open)
		outbuf_puts(g->ob, "\"/>");
}

bool chart_leader_states(const struct tl_process *p)
{
	const struct tl_thread *t;

	tl_for_each_thread(t, p)
		if (t->tid == p->pid && t->nr_states)
			return true;
	return false;
}

/* --states: the phases of the thread(s) that held the pid, at their times. */
static void shade_states(struct chart *c, struct segger *g,
			 const struct tl_process *p, const struct lifespan *ls)
{
	const struct tl_thread *t;
	uint64_t at = ls->start, lo, a, b;
	uint32_t i;

	tl_for_each_thread(t, p) {
		if (t->tid != p->pid || !t->nr_states)
			continue;
		lo = t->old_tid ? lifespan_takeover(p, t, t->start_ns) : t->start_ns;
		if (lo < at)
			lo = at;
		for (i = 0; i < t->nr_states; i++) {
			if (!lifespan_phase(t, i, c->t1, lo, ls->exit, &a, &b))
				continue;
			seg_add(g, SEG_NONE, chart_x_of(c, at), chart_x_of(c, a));
			seg_add(g, seg_of_state(t->states[i].state), chart_x_of(c, a),
				chart_x_of(c, b));
			at = b;
		}
	}
	if (at < ls->exit)
		seg_add(g, SEG_NONE, chart_x_of(c, at), chart_x_of(c, ls->exit));
}

uint64_t chart_sched_total(const struct pl_sched *s)
{
	return s->run_ns + s->wait_ns + s->sleep_ns + s->block_ns + s->stopped_ns;
}

/*
 * The part of the bar the figures cover, 0 to 1. Partial figures (a task
 * seen first mid-life) cover only the time since it was picked up: the
 * rest is unknown, not drawn as the shares (a pre-existing sleeper would
 * show as running). Measured on the leader thread when it has figures.
 */
double chart_known_share(const struct tl_process *p, const struct lifespan *ls)
{
	const struct pl_sched *s = &p->sched->v;
	const struct tl_thread *t;
	uint64_t span = ls->exit > ls->start ? ls->exit - ls->start : 0;
	uint32_t threads = 0;
	double share;

	if (!(s->flags & PL_SCHED_PARTIAL) || !span)
		return 1.0;
	tl_for_each_thread(t, p) {
		if (t->tid == p->pid && t->sched) {
			s = &t->sched->v;
			threads = 1;
			break;
		}
		threads += t->sched != NULL;
	}
	share = (double)chart_sched_total(s) /
		((double)span * (threads ? threads : 1));
	return share < 1.0 ? share : 1.0;
}

/* No --states: each state's share of the life, stacked in enum seg order. */
static void shade_shares(struct segger *g, const struct pl_sched *s, double xs,
			 double w)
{
	const uint64_t v[SEG_NONE] = {
		[SEG_RUN] = s->run_ns, [SEG_WAIT] = s->wait_ns,
		[SEG_BLOCK] = s->block_ns, [SEG_STOP] = s->stopped_ns,
		[SEG_SLEEP] = s->sleep_ns,
	};
	double total = (double)chart_sched_total(s), cum = 0;
	enum seg k;

	for (k = 0; k < SEG_NONE; k++) {
		seg_add(g, k, xs + w * cum / total, xs + w * (cum + (double)v[k]) / total);
		cum += (double)v[k];
	}
}

/* The running phase: shaded by scheduler state when it is known. */
void chart_write_alive(struct chart *c, const struct tl_process *p,
		       const struct lifespan *ls, double y)
{
	double xs = chart_x_of(c, ls->start), xe = chart_x_of(c, ls->exit);
	double w = xe - xs < 1 ? 1.0 : xe - xs;
	bool states = xe - xs >= 1 && chart_leader_states(p);
	struct segger g;
	double known;
	enum seg k;

	if (!states && (!p->sched || !chart_sched_total(&p->sched->v))) {
		chart_put(c->ob, "<rect class=\"%s\" x=\"%f\" y=\"%f\" width=\"%f\" "
		    "height=\"%u\"/>", c->have_sched ? "n" :
		    p->kind == TL_KIND_KTHREAD ? "k" : "b", xs, y + BAR_Y, w, BAR_H);
		return;
	}
	known = states ? 1.0 : chart_known_share(p, ls);
	for (k = 0; k < SEG_COUNT; k++) {
		memset(&g, 0, sizeof(g));
		g.ob = c->ob;
		g.want = k;
		g.y = y;
		if (states) {
			shade_states(c, &g, p, ls);
		} else {
			/* what came before the figures begin is unknown */
			seg_add(&g, SEG_NONE, xs, xs + w * (1 - known));
			shade_shares(&g, &p->sched->v, xs + w * (1 - known),
				     w * known);
		}
		seg_end(&g);
	}
}
