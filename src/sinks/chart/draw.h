/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The chart's drawing state and the pieces its files share, private to
 * src/sinks/chart/: layout.c (sizes, what the legend needs), legend.c
 * (title, legend, axis, grid), segment.c (bars cut into scheduler-state
 * segments), tooltip.c, bars.c (one row), svg.c (markup writer and the
 * SVG element), html.c (the two entry points, the page around the SVG).
 */
#ifndef PL_CHART_DRAW_H
#define PL_CHART_DRAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/lifespan.h"
#include "model/timeline.h"
#include "model/trace_info.h"
#include "sinks/chart/chart.h"
#include "sinks/chart/rows.h"
#include "sinks/containers.h"
#include "util/outbuf.h"

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

struct chart {
	struct outbuf *ob;
	const struct timeline *tl;
	const struct pl_trace_info *info;
	struct chart_rows rows;
	struct ctr_groups groups;	/* the containers, from info->cgroups */
	size_t *group_procs;	/* processes per group (0: the host) */
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


/* svg.c */
void chart_put(struct outbuf *ob, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void chart_put_comm(struct outbuf *ob, const char *comm);
double chart_x_of(const struct chart *c, uint64_t ns);
void chart_svg(struct chart *c, unsigned int parts, bool with_style);

/* layout.c */
double chart_label_x(const struct chart *c, const struct chart_row *r);
void chart_count_all(const struct chart *c, struct chart_counts *k);
int chart_init(struct chart *c, const struct timeline *tl,
	       const struct pl_trace_info *info, struct outbuf *ob);
void chart_done(struct chart *c);

/* legend.c */
void chart_put_command(struct outbuf *ob, const struct pl_trace_info *info);
void chart_put_facts(struct chart *c);
void chart_put_counts(struct chart *c);
void chart_write_title(struct chart *c);
void chart_write_legend(struct chart *c, double y);
void chart_write_axis(struct chart *c, double y);
void chart_write_grid(struct chart *c, double top, double bottom);

/* segment.c */
bool chart_leader_states(const struct tl_process *p);
uint64_t chart_sched_total(const struct pl_sched *s);
double chart_known_share(const struct tl_process *p, const struct lifespan *ls);
void chart_write_alive(struct chart *c, const struct tl_process *p,
		       const struct lifespan *ls, double y);

/* tooltip.c */
void chart_write_tooltip(struct chart *c, const struct tl_process *p,
			 const struct lifespan *ls);
void chart_write_folded_tooltip(struct chart *c, const struct chart_row *r);

/* bars.c */
void chart_write_tree_guides(struct chart *c, double top);
void chart_write_row(struct chart *c, size_t i, double top);
void chart_write_group_header(struct chart *c, size_t i, double top);

/* the chart's CSS, in the SVG file and in the page */
extern const char chart_style[];

#endif
