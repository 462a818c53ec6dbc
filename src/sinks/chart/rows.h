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

struct chart_row {
	const struct tl_process *p;	/* the row's process, or the first of a run */
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
};

/* Identical siblings this many in a row share a row in any chart. */
#define CHART_FOLD_RUN	8

/*
 * After timeline_finish(). collapse_at: fold runs when the table holds more
 * processes than this (0: never). Returns 0 or -ENOMEM.
 */
int chart_rows_build(struct chart_rows *cr, const struct timeline *tl,
		     size_t collapse_at, size_t max_rows);
void chart_rows_free(struct chart_rows *cr);

#endif
