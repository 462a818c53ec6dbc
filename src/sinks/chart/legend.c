// SPDX-License-Identifier: GPL-2.0
/* Title, facts and counts, legend, time axis and grid. */
#include <stdio.h>
#include <string.h>

#include "sinks/chart/draw.h"
#include "util/text.h"
#include "util/timefmt.h"
#include "util/xml.h"

/* ---- header, legend, axis ---- */

void chart_put_command(struct outbuf *ob, const struct pl_trace_info *info)
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
void chart_put_facts(struct chart *c)
{
	const struct pl_trace_info *info = c->info;
	char iso[48];

	pl_time_iso(iso, sizeof(iso), c->t0, info->boot_offset_ns);
	outbuf_puts(c->ob, "host ");
	xml_puts(c->ob, info->hostname ? info->hostname : "?");
	outbuf_puts(c->ob, " \xc2\xb7 kernel ");
	xml_puts(c->ob, info->kernel ? info->kernel : "?");
	chart_put(c->ob, " \xc2\xb7 start %s \xc2\xb7 duration ", iso);
	text_duration(c->ob, c->t1 - c->t0, PL_DUR_SHORT);
}

void chart_put_counts(struct chart *c)
{
	struct chart_counts k;

	chart_count_all(c, &k);
	chart_put(c->ob, "%zu processes (%zu pre-existing), %zu threads, %zu execs (%zu failed); "
	    "exit 0: %zu, exit \xe2\x89\xa0 0: %zu, killed: %zu; at the end: %zu alive, "
	    "%zu zombies; %zu events, %zu lost",
	    k.procs, k.pre_existing, k.threads, k.execs, k.failed_execs, k.ok,
	    k.fail, k.killed, k.alive, k.unreaped, (size_t)c->info->events,
	    (size_t)c->info->lost);
	if (c->groups.n)
		chart_put(c->ob, "; %zu in %zu container%s (grouped below the host's)",
		    k.procs - c->group_procs[0], c->groups.n,
		    c->groups.n == 1 ? "" : "s");
	if (c->rows.folded)
		chart_put(c->ob, "; %zu childless siblings sharing a comm drawn in shared rows",
		    c->rows.folded);
	if (c->rows.hidden)
		chart_put(c->ob, "; %zu processes past the first %u rows not drawn",
		    c->rows.hidden, CHART_MAX_ROWS);
}

void chart_write_title(struct chart *c)
{
	chart_put(c->ob, "<text class=\"t1\" x=\"8\" y=\"16\">proclife: ");
	chart_put_command(c->ob, c->info);
	chart_put(c->ob, "</text>\n<text class=\"t2\" x=\"8\" y=\"30\">");
	chart_put_facts(c);
	chart_put(c->ob, "</text>\n<text class=\"t2\" x=\"8\" y=\"42\">");
	chart_put_counts(c);
	chart_put(c->ob, "</text>\n");
}

/* One legend entry: a shape drawn in a 14 px band at the origin, then text. */
static void legend_item(struct chart *c, double *x, double y, const char *shape,
			unsigned int w, const char *text)
{
	chart_put(c->ob, "<g transform=\"translate(%f %f)\">%s"
	    "<text class=\"l\" x=\"%u\" y=\"11\">%s</text></g>\n",
	    *x, y, shape, w + 4, text);
	*x += w + 20 + strlen(text) * 5.8;
}

#define SWATCH(cls) "<rect class=\"" cls "\" y=\"2\" width=\"18\" height=\"10\"/>"

/* With scheduler data: a row of bar colours, then a row of markers. */
void chart_write_legend(struct chart *c, double y)
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
		chart_put(c->ob, "<text class=\"l n2\" x=\"%f\" y=\"%f\">%s</text>\n", x,
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
void chart_write_axis(struct chart *c, double y)
{
	uint64_t span = c->t1 - c->t0;
	uint64_t step = tick_step(span ? span : 1);
	uint64_t t;

	chart_put(c->ob, "<g class=\"ax\">\n");
	for (t = 0; t <= span && t + step > t; t += step) {
		double x = chart_x_of(c, c->t0 + t);

		chart_put(c->ob, "<path d=\"M%f %fv6\"/><text x=\"%f\" y=\"%f\">", x,
		    y + AXIS_H - 7, x, y + AXIS_H - 10);
		if (t) {
			outbuf_putc(c->ob, '+');
			text_duration(c->ob, t, PL_DUR_SHORT);
		} else {
			outbuf_putc(c->ob, '0');
		}
		chart_put(c->ob, "</text>\n");
		if (span - t < step)
			break;
	}
	chart_put(c->ob, "<path d=\"M%f %fH%f\"/></g>\n", c->x0, y + AXIS_H - 1,
	    c->x0 + c->time_w);
}

void chart_write_grid(struct chart *c, double top, double bottom)
{
	uint64_t span = c->t1 - c->t0;
	uint64_t step = tick_step(span ? span : 1);
	uint64_t t;

	chart_put(c->ob, "<path class=\"g\" d=\"");
	for (t = 0; t <= span && t + step > t; t += step) {
		chart_put(c->ob, "M%f %fV%f", chart_x_of(c, c->t0 + t), top, bottom);
		if (span - t < step)
			break;
	}
	chart_put(c->ob, "\"/>\n");
}
