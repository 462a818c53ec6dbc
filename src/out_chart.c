// SPDX-License-Identifier: GPL-2.0
/*
 * The SVG/HTML timeline chart. The size stays linear in the number of
 * processes: a few short elements per row, tooltips of bounded length, one
 * path for all grid lines and one for all fork links. Numbers are written
 * by hand, not with printf's %f, which follows the locale's decimal point.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "chart_rows.h"
#include "lifespan.h"
#include "out_chart.h"
#include "timefmt.h"
#include "xml.h"

#define ROW_H		14
#define BAR_Y		2	/* bar top within its row */
#define BAR_H		10
#define CHAR_W		6.7	/* 11px monospace */
#define INDENT		10	/* per tree level */
#define LABEL_MIN	150
#define LABEL_MAX	360
#define GUTTER		14	/* room for the "started before" mark */
#define CHART_W		1360	/* the whole chart: time gets what labels leave */
#define TIME_MIN	700
#define RIGHT_M		24	/* room for the "still alive" mark */
#define TITLE_H		44
#define LEGEND_ROW	18	/* one line of the legend */
#define AXIS_H		24
#define ARGV_SHOWN	400	/* bytes of argv in a tooltip */

/* What one SVG element carries: the chart file has all, the page splits. */
#define PART_TITLE	(1U << 0)
#define PART_LEGEND	(1U << 1)
#define PART_TOP_AXIS	(1U << 2)
#define PART_ROWS	(1U << 3)

/*
 * Scheduler states as the bars draw them, in stacking order: a bar without
 * --states data stacks each state's share of the life in this order.
 * SEG_NONE is time with no state known (drawn as the hollow "n" bar).
 */
enum seg {
	SEG_RUN,
	SEG_WAIT,
	SEG_BLOCK,
	SEG_STOP,
	SEG_SLEEP,
	SEG_NONE,
	SEG_COUNT,
};

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

struct chart {
	struct outbuf *ob;
	const struct timeline *tl;
	const struct pl_trace_info *info;
	struct chart_rows rows;
	uint64_t t0, t1;
	double x0;		/* x of t0 */
	double scale;		/* px per ns */
	double time_w;		/* px of the time axis */
	unsigned int label_w;
	unsigned int width;
	unsigned int legend_h;
	bool have_sched;	/* some bar is shaded by scheduler state */
	bool have_states;	/* some bar draws --states phases */
	bool have_stopped;	/* some bar has stopped time */
	bool have_unknown;	/* some bar has no accounting */
};

/* Trace-wide counts for the header. */
struct chart_counts {
	size_t procs, threads, execs, failed_execs;
	size_t ok, fail, killed, alive, unreaped, pre_existing;
};

/* ---- output helpers ---- */

/* A coordinate with at most one decimal. Clamped: corrupt times must not
 * overflow the conversion (the chart is wrong then, never undefined). */
static void put_num(struct outbuf *ob, double v)
{
	long long t;

	if (!(v > -1e15))	/* NaN too */
		v = -1e15;
	else if (v > 1e15)
		v = 1e15;
	t = (long long)(v * 10 + (v < 0 ? -0.5 : 0.5));

	if (t < 0) {
		outbuf_putc(ob, '-');
		t = -t;
	}
	outbuf_u64(ob, (uint64_t)(t / 10));
	if (t % 10) {
		outbuf_putc(ob, '.');
		outbuf_putc(ob, (char)('0' + t % 10));
	}
}

/*
 * printf for markup, checked by the compiler: %s trusted text as is (escape
 * with xml_escape first), %f a number with at most one decimal, %u, %zu,
 * %%. Nothing else.
 */
static void put(struct outbuf *ob, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct outbuf *ob, const char *fmt, ...)
{
	const char *p, *run = fmt;
	va_list ap;

	va_start(ap, fmt);
	for (p = fmt; *p; p++) {
		if (*p != '%' || !p[1])
			continue;
		outbuf_put(ob, run, (size_t)(p - run));
		switch (*++p) {
		case 's':
			outbuf_puts(ob, va_arg(ap, const char *));
			break;
		case 'f':
			put_num(ob, va_arg(ap, double));
			break;
		case 'u':
			outbuf_u64(ob, va_arg(ap, unsigned int));
			break;
		case 'z':
			if (p[1] == 'u')
				p++;
			outbuf_u64(ob, va_arg(ap, size_t));
			break;
		default:
			outbuf_putc(ob, *p);	/* %% */
		}
		run = p + 1;
	}
	outbuf_puts(ob, run);
	va_end(ap);
}

static void put_comm(struct outbuf *ob, const char *comm)
{
	xml_escape(ob, comm, strnlen(comm, PL_COMM_LEN));
}

static void put_duration(struct outbuf *ob, uint64_t ns)
{
	char buf[32];

	pl_fmt_duration(buf, sizeof(buf), ns);
	outbuf_puts(ob, buf);
}

static double x_of(const struct chart *c, uint64_t ns)
{
	return c->x0 + (double)(ns - c->t0) * c->scale;
}

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

	return n + (r->count > 1 ? 2 + digits(r->count) : digits(r->p->pid));
}

/* Deep trees saturate their indent rather than push labels off the column. */
static double label_x(const struct chart *c, const struct chart_row *r)
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
		double w = 8 + (double)r->depth * INDENT + label_chars(r) * CHAR_W;

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

static void count_all(const struct chart *c, struct chart_counts *k)
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

/* ---- header, legend, axis ---- */

static void put_command(struct outbuf *ob, const struct pl_trace_info *info)
{
	char *const *a;

	if (!info->command || !info->command[0]) {
		outbuf_puts(ob, "system-wide trace");
		return;
	}
	for (a = info->command; *a; a++) {
		if (a != info->command)
			outbuf_putc(ob, ' ');
		xml_puts(ob, *a);
	}
}

/* "host · kernel · start · duration": the line under both titles. */
static void put_facts(struct chart *c)
{
	const struct pl_trace_info *info = c->info;
	char iso[48];

	pl_time_iso(iso, sizeof(iso), c->t0, info->boot_offset_ns);
	outbuf_puts(c->ob, "host ");
	xml_puts(c->ob, info->hostname ? info->hostname : "?");
	outbuf_puts(c->ob, " \xc2\xb7 kernel ");
	xml_puts(c->ob, info->kernel ? info->kernel : "?");
	put(c->ob, " \xc2\xb7 start %s \xc2\xb7 duration ", iso);
	put_duration(c->ob, c->t1 - c->t0);
}

static void put_counts(struct chart *c)
{
	struct chart_counts k;

	count_all(c, &k);
	put(c->ob, "%zu processes (%zu pre-existing), %zu threads, %zu execs (%zu failed); "
	    "exit 0: %zu, exit \xe2\x89\xa0 0: %zu, killed: %zu; at the end: %zu alive, "
	    "%zu zombies; %zu events, %zu lost",
	    k.procs, k.pre_existing, k.threads, k.execs, k.failed_execs, k.ok,
	    k.fail, k.killed, k.alive, k.unreaped, (size_t)c->info->events,
	    (size_t)c->info->lost);
	if (c->rows.folded)
		put(c->ob, "; %zu childless siblings sharing a comm drawn in shared rows",
		    c->rows.folded);
	if (c->rows.hidden)
		put(c->ob, "; %zu processes past the first %u rows not drawn",
		    c->rows.hidden, CHART_MAX_ROWS);
}

static void write_title(struct chart *c)
{
	put(c->ob, "<text class=\"t1\" x=\"8\" y=\"16\">proclife: ");
	put_command(c->ob, c->info);
	put(c->ob, "</text>\n<text class=\"t2\" x=\"8\" y=\"30\">");
	put_facts(c);
	put(c->ob, "</text>\n<text class=\"t2\" x=\"8\" y=\"42\">");
	put_counts(c);
	put(c->ob, "</text>\n");
}

/* One legend entry: a shape drawn in a 14 px band at the origin, then text. */
static void legend_item(struct chart *c, double *x, double y, const char *shape,
			unsigned int w, const char *text)
{
	put(c->ob, "<g transform=\"translate(%f %f)\">%s"
	    "<text class=\"l\" x=\"%u\" y=\"11\">%s</text></g>\n",
	    *x, y, shape, w + 4, text);
	*x += w + 20 + strlen(text) * 5.8;
}

#define SWATCH(cls) "<rect class=\"" cls "\" y=\"2\" width=\"18\" height=\"10\"/>"

/* With scheduler data: a row of bar colours, then a row of markers. */
static void write_legend(struct chart *c, double y)
{
	static const struct {
		const char *shape;
		unsigned int w;
		const char *text;
	} marks[] = {
		{ "<rect class=\"x\" x=\"1\" y=\"1\" width=\"2\" height=\"12\"/>", 4,
		  "exec" },
		{ "<rect class=\"xf\" x=\"1\" y=\"1\" width=\"2\" height=\"12\"/>", 4,
		  "failed exec" },
		{ "<circle class=\"s0\" cx=\"4\" cy=\"7\" r=\"3.5\"/>", 8, "exit 0" },
		{ "<circle class=\"s1\" cx=\"4\" cy=\"7\" r=\"3.5\"/>", 8,
		  "exit \xe2\x89\xa0 0" },
		{ "<circle class=\"s2\" cx=\"4\" cy=\"7\" r=\"3.5\"/>", 8,
		  "killed by a signal" },
		{ "<path class=\"p\" d=\"M7 2l-6 5l6 5z\"/>", 8,
		  "started before the trace" },
		{ "<path class=\"a\" d=\"M1 2l6 5l-6 5z\"/>", 8,
		  "still alive at the end" },
	};
	double x = 8, y0 = y + 4;
	size_t i;

	if (c->have_sched) {
		legend_item(c, &x, y0, SWATCH("qr"), 18, "running");
		legend_item(c, &x, y0, SWATCH("qw"), 18, "runnable (waiting for a CPU)");
		legend_item(c, &x, y0, SWATCH("qs"), 18, "sleeping (S)");
		legend_item(c, &x, y0, SWATCH("qd"), 18, "blocked (D)");
		if (c->have_stopped)
			legend_item(c, &x, y0, SWATCH("qt"), 18, "stopped");
		legend_item(c, &x, y0, SWATCH("z"), 18, "zombie (exit \xe2\x86\x92 reap)");
		if (c->have_unknown)
			legend_item(c, &x, y0,
				    "<rect class=\"n\" x=\"0.5\" y=\"2.5\" width=\"17\" "
				    "height=\"9\"/>", 18, "alive, no scheduler data");
		x = 8;
		y0 += LEGEND_ROW;
	} else {
		legend_item(c, &x, y0, SWATCH("b"), 18, "running");
		legend_item(c, &x, y0, SWATCH("z"), 18, "zombie (exit \xe2\x86\x92 reap)");
	}
	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		legend_item(c, &x, y0, marks[i].shape, marks[i].w, marks[i].text);
	if (c->have_sched)
		put(c->ob, "<text class=\"l n2\" x=\"%f\" y=\"%f\">%s</text>\n", x,
		    y0 + 11, c->have_states ?
		    "bar colours: the leader thread\xe2\x80\x99s state over time "
		    "(--states), else each state\xe2\x80\x99s share of the life" :
		    "bar colours: each state\xe2\x80\x99s share of the life, "
		    "in this order (--states draws real times)");
}

/* A round step (1, 2 or 5 times a power of ten ns) giving about 10 ticks. */
static uint64_t tick_step(uint64_t span)
{
	uint64_t step = 1;

	/* 1e18 ns is 31 years: beyond it, ten ticks at most, no overflow */
	if (span > 1000000000000000000ULL)
		return span / 10 + 1;
	for (;;) {
		if (step * 10 >= span)
			return step;
		if (step * 20 >= span)
			return step * 2;
		if (step * 50 >= span)
			return step * 5;
		step *= 10;
	}
}

/* Tick labels on top of short tick marks; y is the axis band's top. */
static void write_axis(struct chart *c, double y)
{
	uint64_t span = c->t1 - c->t0;
	uint64_t step = tick_step(span ? span : 1);
	uint64_t t;

	put(c->ob, "<g class=\"ax\">\n");
	for (t = 0; t <= span && t + step > t; t += step) {
		double x = x_of(c, c->t0 + t);

		put(c->ob, "<path d=\"M%f %fv6\"/><text x=\"%f\" y=\"%f\">", x,
		    y + AXIS_H - 7, x, y + AXIS_H - 10);
		if (t) {
			outbuf_putc(c->ob, '+');
			put_duration(c->ob, t);
		} else {
			outbuf_putc(c->ob, '0');
		}
		put(c->ob, "</text>\n");
		if (span - t < step)
			break;
	}
	put(c->ob, "<path d=\"M%f %fH%f\"/></g>\n", c->x0, y + AXIS_H - 1,
	    c->x0 + c->time_w);
}

static void write_grid(struct chart *c, double top, double bottom)
{
	uint64_t span = c->t1 - c->t0;
	uint64_t step = tick_step(span ? span : 1);
	uint64_t t;

	put(c->ob, "<path class=\"g\" d=\"");
	for (t = 0; t <= span && t + step > t; t += step) {
		put(c->ob, "M%f %fV%f", x_of(c, c->t0 + t), top, bottom);
		if (span - t < step)
			break;
	}
	put(c->ob, "\"/>\n");
}

/*
 * Tree guides in the label column, all in one path: from under the
 * parent's label down to the child's row, then across to its label.
 */
static void write_tree_guides(struct chart *c, double top)
{
	bool any = false;
	size_t i;

	for (i = 0; i < c->rows.n; i++) {
		const struct chart_row *r = &c->rows.rows[i];
		const struct chart_row *pr;
		double px, cx;

		if (r->parent_row < 0)
			continue;
		pr = &c->rows.rows[r->parent_row];
		px = label_x(c, pr) + 3;
		cx = label_x(c, r) - 2;
		if (cx <= px)
			continue;
		if (!any)
			put(c->ob, "<path class=\"f\" d=\"");
		any = true;
		put(c->ob, "M%f %fV%fH%f", px,
		    top + (double)r->parent_row * ROW_H + ROW_H - 1,
		    top + (double)i * ROW_H + ROW_H / 2.0, cx);
	}
	if (any)
		put(c->ob, "\"/>\n");
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
		put(g->ob, "<path class=\"%s\" d=\"", seg_class[g->want]);
	g->open = true;
	put(g->ob, "M%f %fH%fv%uH%fz", g->out_x0, g->y + BAR_Y, g->out_x1, BAR_H,
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

static bool leader_states(const struct tl_process *p)
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
			seg_add(g, SEG_NONE, x_of(c, at), x_of(c, a));
			seg_add(g, seg_of_state(t->states[i].state), x_of(c, a),
				x_of(c, b));
			at = b;
		}
	}
	if (at < ls->exit)
		seg_add(g, SEG_NONE, x_of(c, at), x_of(c, ls->exit));
}

static uint64_t sched_total(const struct pl_sched *s)
{
	return s->run_ns + s->wait_ns + s->sleep_ns + s->block_ns + s->stopped_ns;
}

/*
 * The part of the bar the figures cover, 0 to 1. Partial figures (a task
 * seen first mid-life) cover only the time since it was picked up: the
 * rest is unknown, not drawn as the shares (a pre-existing sleeper would
 * show as running). Measured on the leader thread when it has figures.
 */
static double known_share(const struct tl_process *p, const struct lifespan *ls)
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
	share = (double)sched_total(s) / ((double)span * (threads ? threads : 1));
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
	double total = (double)sched_total(s), cum = 0;
	enum seg k;

	for (k = 0; k < SEG_NONE; k++) {
		seg_add(g, k, xs + w * cum / total, xs + w * (cum + (double)v[k]) / total);
		cum += (double)v[k];
	}
}

/* ---- rows ---- */

static void put_argv(struct outbuf *ob, const struct tl_exec *e)
{
	const char *argv = tl_exec_argv(e), *arg;
	size_t pos = 0, len, shown = 0;

	outbuf_puts(ob, "$");
	if (!e->argv_len) {
		/* No argv read: the program is all we know. */
		outbuf_putc(ob, ' ');
		xml_escape(ob, tl_exec_filename(e), e->filename_len);
	}
	while (pl_argv_next(argv, e->argv_len, &pos, &arg, &len)) {
		outbuf_putc(ob, ' ');
		if (shown + len > ARGV_SHOWN) {
			if (shown < ARGV_SHOWN)
				xml_escape(ob, arg, ARGV_SHOWN - shown);
			outbuf_puts(ob, "\xe2\x80\xa6");
			return;
		}
		xml_escape(ob, arg, len);
		shown += len + 1;
	}
	if (e->flags & PL_EXEC_ARGV_TRUNC)
		outbuf_puts(ob, " \xe2\x80\xa6 (truncated)");
}

static void put_exit_line(struct chart *c, const struct tl_process *p,
			  const struct lifespan *ls)
{
	char st[40];

	switch (lifespan_status(p)) {
	case LS_STATUS_SIGNAL:
		lifespan_status_str(st, sizeof(st), p);
		put(c->ob, "killed by %s", st);
		break;
	case LS_STATUS_OK:
	case LS_STATUS_FAIL:
		lifespan_status_str(st, sizeof(st), p);
		put(c->ob, "%s", st);
		break;
	case LS_STATUS_NONE:
		put(c->ob, "%s", ls->alive ? "still running at the end" :
		    ls->unreaped ? "exited before the trace" : "exit not seen");
	}
	if (ls->unreaped) {
		put(c->ob, "; zombie, not reaped by the end");
	} else if (p->flags & TL_PROC_REAPED) {
		put(c->ob, "; reaped by %u (%s) after ", p->reaper_pid,
		    tl_reap_how_name(p) ? tl_reap_how_name(p) : "?");
		put_duration(c->ob, ls->end - ls->exit);
		outbuf_puts(c->ob, " as a zombie");
	}
}

/* " 9.2ms (98%)": a time and its share of the accounted total. */
static void put_share(struct outbuf *ob, const char *what, uint64_t ns,
		      uint64_t total)
{
	uint64_t pct = total ? (ns * 200 / total + 1) / 2 : 0;

	put(ob, "%s ", what);
	if (!ns) {
		outbuf_putc(ob, '0');
		return;
	}
	put_duration(ob, ns);
	if (pct)
		put(ob, " (%u%%)", (unsigned int)pct);
	else
		outbuf_puts(ob, " (&lt;1%)");
}

/* Where the time went: two lines of the tooltip. */
static void put_sched(struct chart *c, const struct tl_process *p)
{
	const struct pl_sched *s = &p->sched->v;
	uint64_t total = sched_total(s);

	outbuf_puts(c->ob, "&#10;");
	put_share(c->ob, "running", s->run_ns, total);
	put_share(c->ob, ", runnable", s->wait_ns, total);
	put_share(c->ob, ", sleeping", s->sleep_ns, total);
	put_share(c->ob, ", D", s->block_ns, total);
	if (s->stopped_ns)
		put_share(c->ob, ", stopped", s->stopped_ns, total);
	put(c->ob, "&#10;%u voluntary + %u involuntary switches, %u migration%s",
	    s->nvcsw, s->nivcsw, s->migrations, s->migrations == 1 ? "" : "s");
	if (p->nr_threads > 1)
		outbuf_puts(c->ob, "; threads summed");
	if (s->flags & PL_SCHED_PARTIAL)
		outbuf_puts(c->ob, "; partial: part of its life was not seen");
}

/* The tooltip: newlines are &#10;, which the browsers show as breaks. */
static void write_tooltip(struct chart *c, const struct tl_process *p,
			  const struct lifespan *ls)
{
	const struct tl_exec *e = tl_last_exec(p), *x;
	unsigned int execs = 0, failed = 0;
	uint64_t born = p->start_ns < ls->start ? p->start_ns : ls->start;
	char id[TL_ID_LEN];

	tl_proc_id(id, sizeof(id), p);
	outbuf_puts(c->ob, "<title>");
	put_comm(c->ob, p->comm);
	put(c->ob, " (pid %u, ppid %u", p->pid, p->ppid);
	if (p->cur_ppid != p->ppid)
		put(c->ob, ", reparented to %u", p->cur_ppid);
	put(c->ob, ")%s&#10;", p->kind == TL_KIND_KTHREAD ? " kernel thread" : "");
	if (e) {
		put_argv(c->ob, e);
		outbuf_puts(c->ob, "&#10;");
	}
	if (ls->pre_existing) {
		outbuf_puts(c->ob, "started ");
		put_duration(c->ob, ls->start - born);
		outbuf_puts(c->ob, " before the trace");
	} else {
		outbuf_puts(c->ob, "started at +");
		put_duration(c->ob, ls->start - c->t0);
	}
	outbuf_puts(c->ob, "; lifetime ");
	put_duration(c->ob, ls->end - born);
	if (ls->zombie) {
		outbuf_puts(c->ob, " (running ");
		put_duration(c->ob, ls->exit - born);
		outbuf_puts(c->ob, ", zombie ");
		put_duration(c->ob, ls->end - ls->exit);
		outbuf_putc(c->ob, ')');
	}
	if (ls->alive || ls->unreaped)
		outbuf_puts(c->ob, " so far");
	outbuf_puts(c->ob, "&#10;");
	put_exit_line(c, p, ls);
	tl_for_each_exec(x, p) {
		execs++;
		failed += x->ret != 0;
	}
	put(c->ob, "&#10;%u thread%s, %u exec%s", p->nr_threads,
	    p->nr_threads == 1 ? "" : "s", execs, execs == 1 ? "" : "s");
	if (failed)
		put(c->ob, " (%u failed)", failed);
	put(c->ob, "; id %s", id);
	if (p->sched)
		put_sched(c, p);
	if (leader_states(p))
		outbuf_puts(c->ob, "&#10;bar: the leader thread\xe2\x80\x99s states over time");
	outbuf_puts(c->ob, "</title>");
}

static void write_folded_tooltip(struct chart *c, const struct chart_row *r)
{
	const struct tl_process *q = r->p;
	size_t st[4] = { 0 };
	uint32_t i, lo = q->pid, hi = q->pid;

	for (i = 0; i < r->count && q; i++, q = q->next_sibling) {
		st[lifespan_status(q)]++;
		lo = q->pid < lo ? q->pid : lo;
		hi = q->pid > hi ? q->pid : hi;
	}
	put(c->ob, "<title>%u \xc3\x97 ", r->count);
	put_comm(c->ob, r->p->comm);
	put(c->ob, " (pids %u\xe2\x80\xa6%u), children of %u&#10;exit 0: %zu, "
	    "exit \xe2\x89\xa0 0: %zu, killed: %zu, no exit seen: %zu</title>",
	    lo, hi, r->p->ppid, st[LS_STATUS_OK], st[LS_STATUS_FAIL],
	    st[LS_STATUS_SIGNAL], st[LS_STATUS_NONE]);
}

/* The running phase: shaded by scheduler state when it is known. */
static void write_alive(struct chart *c, const struct tl_process *p,
			const struct lifespan *ls, double y)
{
	double xs = x_of(c, ls->start), xe = x_of(c, ls->exit);
	double w = xe - xs < 1 ? 1.0 : xe - xs;
	bool states = xe - xs >= 1 && leader_states(p);
	struct segger g;
	double known;
	enum seg k;

	if (!states && (!p->sched || !sched_total(&p->sched->v))) {
		put(c->ob, "<rect class=\"%s\" x=\"%f\" y=\"%f\" width=\"%f\" "
		    "height=\"%u\"/>", c->have_sched ? "n" :
		    p->kind == TL_KIND_KTHREAD ? "k" : "b", xs, y + BAR_Y, w, BAR_H);
		return;
	}
	known = states ? 1.0 : known_share(p, ls);
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

static void write_bars(struct chart *c, const struct tl_process *p,
		       const struct lifespan *ls, double y)
{
	static const char *const dot[] = {
		[LS_STATUS_OK] = "s0", [LS_STATUS_FAIL] = "s1",
		[LS_STATUS_SIGNAL] = "s2",
	};
	double xs = x_of(c, ls->start), xe = x_of(c, ls->exit);
	double xz = x_of(c, ls->end);
	enum ls_status st = lifespan_status(p);
	const struct tl_exec *e;

	if (!(p->flags & TL_PROC_ZOMBIE_AT_START))
		write_alive(c, p, ls, y);
	if (ls->zombie)
		put(c->ob, "<rect class=\"z\" x=\"%f\" y=\"%f\" width=\"%f\" height=\"%u\"/>",
		    xe, y + BAR_Y, xz - xe < 1 ? 1.0 : xz - xe, BAR_H);
	if (ls->pre_existing)
		put(c->ob, "<path class=\"p\" d=\"M%f %fl-6 5l6 5z\"/>", xs - 1,
		    y + BAR_Y);
	if (ls->alive || ls->unreaped)
		put(c->ob, "<path class=\"%s\" d=\"M%f %fl6 5l-6 5z\"/>",
		    ls->alive ? "a" : "za", xz + 1, y + BAR_Y);
	tl_for_each_exec(e, p)
		put(c->ob, "<rect class=\"%s\" x=\"%f\" y=\"%f\" width=\"2\" height=\"12\"/>",
		    e->ret ? "xf" : "x", x_of(c, e->t_ns < c->t0 ? c->t0 : e->t_ns) - 1,
		    y + 1);
	if (st != LS_STATUS_NONE && (p->flags & TL_PROC_EXITED))
		put(c->ob, "<circle class=\"%s\" cx=\"%f\" cy=\"%f\" r=\"3.5\"/>",
		    dot[st], xe, y + ROW_H / 2.0);
}

static void write_row(struct chart *c, size_t i, double top)
{
	const struct chart_row *r = &c->rows.rows[i];
	const struct tl_process *q = r->p;
	double y = top + (double)i * ROW_H;
	struct lifespan ls;
	uint32_t k;

	lifespan_of(r->p, c->t0, c->t1, &ls);
	put(c->ob, "<g class=\"r\">");
	if (r->count > 1)
		write_folded_tooltip(c, r);
	else
		write_tooltip(c, r->p, &ls);
	put(c->ob, "<rect class=\"h\" y=\"%f\" width=\"%u\" height=\"%u\"/>",
	    y, c->width, ROW_H);
	put(c->ob, "<text x=\"%f\" y=\"%f\">", label_x(c, r), y + 11);
	put_comm(c->ob, r->p->comm);
	if (r->count > 1)
		put(c->ob, " <tspan class=\"d\">\xc3\x97%u</tspan></text>", r->count);
	else
		put(c->ob, " <tspan class=\"d\">%u</tspan></text>", r->p->pid);
	for (k = 0; k < r->count && q; k++, q = q->next_sibling) {
		if (k)
			lifespan_of(q, c->t0, c->t1, &ls);
		write_bars(c, q, &ls, y);
	}
	put(c->ob, "</g>\n");
}

/* ---- documents ---- */

static const char style[] =
	".plc text{font:11px monospace;fill:#222}"
	".plc .t1{font:bold 13px sans-serif}"
	".plc .t2,.plc .l{font:11px sans-serif;fill:#444}"
	".plc .d{fill:#888}"
	".plc .ax text{font:10px sans-serif;fill:#555;text-anchor:middle}"
	".plc .ax path,.plc .g{stroke:#ccc;stroke-width:1;fill:none}"
	".plc .g{stroke:#eee}"
	".plc .f{stroke:#c3cad3;stroke-width:1;fill:none}"
	".plc .h{fill:transparent}"
	".plc .r:hover .h{fill:#fff3c4}"
	".plc .hit .h{fill:#ffe08a}"
	".plc .b{fill:#4e79a7}.plc .k{fill:#8c9db0}"
	".plc .z{fill:#c9a0dc}"
	".plc .x{fill:#1b1b1b}.plc .xf{fill:#e15759;opacity:.6}"
	".plc circle{stroke:#fff;stroke-width:1}"
	".plc .s0{fill:#59a14f}.plc .s1{fill:#f28e2b}.plc .s2{fill:#e15759}"
	".plc .p,.plc .a{fill:#4e79a7}.plc .za{fill:#c9a0dc}"
	".plc .r:hover .b{fill:#2f5d8a}.plc .r:hover .z{fill:#a66fbf}"
	/* Scheduler states: dark for on-CPU, warm for waiting, pale for idle. */
	".plc .qr{fill:#1f5fa6}.plc .qw{fill:#f2a900}.plc .qs{fill:#a9c8e6}"
	".plc .qd{fill:#8e1f5c}.plc .qt{fill:#5f5f5f}"
	".plc .n{fill:#fff;stroke:#9aa7b6;stroke-width:1}"
	".plc .n2{font-style:italic;fill:#666}";

static void svg_open(struct chart *c, double height)
{
	put(c->ob, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plc\" "
	    "width=\"%u\" height=\"%f\" viewBox=\"0 0 %u %f\">\n",
	    c->width, height, c->width, height);
}

/* The chart: parts picks what this svg element holds. */
static void write_svg(struct chart *c, unsigned int parts, bool with_style)
{
	double y = 4, top, bottom;
	size_t i;

	top = (parts & PART_TITLE ? TITLE_H : 0) + (parts & PART_LEGEND ? c->legend_h : 0) +
	      (parts & PART_TOP_AXIS ? AXIS_H : 0) + 4;
	bottom = top + (double)(parts & PART_ROWS ? c->rows.n : 0) * ROW_H;
	svg_open(c, bottom + (parts & PART_ROWS ? AXIS_H + 20 : 0));
	if (with_style)
		put(c->ob, "<style>%s</style>\n", style);
	put(c->ob, "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n");
	if (parts & PART_TITLE) {
		write_title(c);
		y += TITLE_H;
	}
	if (parts & PART_LEGEND) {
		write_legend(c, y - 4);
		y += c->legend_h;
	}
	if (parts & PART_TOP_AXIS)
		write_axis(c, y - 4);
	if (parts & PART_ROWS) {
		/* Zebra rows from a pattern: one element whatever the count. */
		put(c->ob, "<defs><pattern id=\"zebra\" width=\"8\" height=\"%u\" "
		    "patternUnits=\"userSpaceOnUse\" y=\"%f\"><rect y=\"%u\" "
		    "width=\"8\" height=\"%u\" fill=\"#f5f7fa\"/></pattern></defs>"
		    "<rect x=\"0\" y=\"%f\" width=\"%u\" height=\"%f\" "
		    "fill=\"url(#zebra)\"/>\n", 2 * ROW_H, top, ROW_H, ROW_H, top,
		    c->width, bottom - top);
		write_grid(c, top, bottom);
		write_tree_guides(c, top);
		for (i = 0; i < c->rows.n; i++)
			write_row(c, i, top);
		if (!c->rows.n)
			put(c->ob, "<text x=\"8\" y=\"%f\">no processes</text>\n",
			    top + 11);
		write_axis(c, bottom);
		if (c->rows.hidden)
			put(c->ob, "<text class=\"l\" x=\"8\" y=\"%f\">%zu more processes "
			    "not drawn: use --format json or chrome</text>\n",
			    bottom + AXIS_H + 12, c->rows.hidden);
	}
	put(c->ob, "</svg>\n");
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
			bool states = leader_states(q);
			const struct tl_thread *t;
			uint32_t j;

			if (q->flags & TL_PROC_ZOMBIE_AT_START)
				continue;
			c->have_states |= states;
			if (q->sched && sched_total(&q->sched->v)) {
				struct lifespan ls;

				c->have_sched = true;
				c->have_stopped |= q->sched->v.stopped_ns != 0;
				lifespan_of(q, c->t0, c->t1, &ls);
				unknown |= !states && known_share(q, &ls) < 1.0;
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

static int chart_init(struct chart *c, const struct timeline *tl,
		      const struct pl_trace_info *info, struct outbuf *ob)
{
	memset(c, 0, sizeof(*c));
	c->ob = ob;
	c->tl = tl;
	c->info = info;
	lifespan_window(tl, info, &c->t0, &c->t1);
	if (chart_rows_build(&c->rows, tl, CHART_COLLAPSE_AT, CHART_MAX_ROWS))
		return -ENOMEM;
	layout(c);
	scan_sched(c);
	return 0;
}

int chart_write_svg(const struct timeline *tl, const struct pl_trace_info *info,
		    struct outbuf *ob)
{
	struct chart c;
	int err;

	err = chart_init(&c, tl, info, ob);
	if (err)
		return err;
	put(ob, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	write_svg(&c, PART_TITLE | PART_LEGEND | PART_TOP_AXIS | PART_ROWS, true);
	chart_rows_free(&c.rows);
	return outbuf_flush(ob);
}

/* Find box: marks the rows whose text (label, tooltip) has the query. */
static const char script[] =
	"(function(){var q=document.getElementById('q'),n=document.getElementById('qn'),"
	"rows=document.querySelectorAll('#chart g.r');"
	"q.addEventListener('input',function(){var t=q.value.toLowerCase(),k=0,f=null;"
	"rows.forEach(function(r){var m=t!==''&&r.textContent.toLowerCase().indexOf(t)>=0;"
	"r.classList.toggle('hit',m);if(m){k++;if(!f)f=r;}});"
	"n.textContent=t?k+' rows':'';if(f)f.scrollIntoView({block:'center'});});})();";

int chart_write_html(const struct timeline *tl, const struct pl_trace_info *info,
		     struct outbuf *ob)
{
	struct chart c;
	int err;

	err = chart_init(&c, tl, info, ob);
	if (err)
		return err;
	put(ob, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	    "<title>proclife: ");
	put_command(ob, info);
	put(ob, "</title>\n<style>body{margin:0;font:13px sans-serif;color:#222}"
	    "header{padding:8px 12px}h1{font-size:15px;margin:0 0 4px}"
	    ".m{color:#555;margin:2px 0}#top{position:sticky;top:0;z-index:1;"
	    "background:#fff;border-bottom:1px solid #ddd}#top svg{display:block}"
	    "input{font:12px monospace;width:24em}%s</style>\n</head><body>\n"
	    "<header><h1>proclife: ", style);
	put_command(ob, info);
	put(ob, "</h1>\n<div class=\"m\">");
	put_facts(&c);
	put(ob, "</div>\n<div class=\"m\">");
	put_counts(&c);
	put(ob, "</div>\n<div class=\"m\">Find: <input id=\"q\" "
	    "placeholder=\"comm, pid or argv\"> <span id=\"qn\"></span> "
	    "&#8212; hover a row for its details</div></header>\n<div id=\"top\">");
	write_svg(&c, PART_LEGEND | PART_TOP_AXIS, false);
	put(ob, "</div>\n<div id=\"chart\">\n");
	write_svg(&c, PART_ROWS, false);
	put(ob, "</div>\n<script>%s</script>\n</body></html>\n", script);
	chart_rows_free(&c.rows);
	return outbuf_flush(ob);
}
