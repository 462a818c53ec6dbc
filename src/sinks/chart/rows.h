/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rows of the timeline chart: the process tree depth-first from its
 * roots, children in start order. A run of identical siblings (same comm,
 * and the same shape of subtree: their children's names and shapes, in
 * order) is drawn as one row with a count, their subtrees folded into it:
 * a run of CHART_FOLD_RUN or more in any table, of 2 or more past
 * collapse_at processes. The rows stop at a limit, so the chart stays
 * readable and its size linear.
 */
#ifndef PL_CHART_ROWS_H
#define PL_CHART_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "model/timeline.h"
#include "sinks/containers.h"

/*
 * With container groups (docs/CONTAINERS.md), the host's processes come
 * first, then each container's under a header row: p NULL, group its
 * number. A process whose parent is in another group heads a tree of its
 * own group (a container's init under runc): no guide joins them.
 */
struct chart_row {
	const struct tl_process *p;	/* the row's process, or the first of a
					 * run; NULL: a container's header */
	uint32_t group;			/* 0 the host, i + 1 container i */
	uint32_t depth;			/* 0 for a root */
	uint32_t count;			/* > 1: p and its next count-1 siblings */
	uint32_t descendants;		/* of each of them, folded with it */
	int64_t parent_row;		/* row of p's parent, -1 if none is drawn */
};

struct chart_rows {
	struct chart_row *rows;
	size_t n;
	size_t hidden;		/* processes past max_rows, not drawn */
	size_t folded;		/* processes drawn in a shared row, or folded
				 * into one as a subtree */
	size_t headers;		/* container header rows among the n */
};

/* Identical siblings this many in a row share a row in any chart. */
#define CHART_FOLD_RUN	8

/*
 * After timeline_finish(). collapse_at: fold runs when the table holds more
 * processes than this (0: never). Returns 0 or -ENOMEM.
 */
int chart_rows_build(struct chart_rows *cr, const struct timeline *tl,
		     size_t collapse_at, size_t max_rows);
/* The same grouped by container (groups NULL or empty: as above). */
int chart_rows_build_grouped(struct chart_rows *cr, const struct timeline *tl,
			     const struct ctr_groups *groups,
			     size_t collapse_at, size_t max_rows);
void chart_rows_free(struct chart_rows *cr);

#endif
