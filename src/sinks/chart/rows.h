/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rows of the timeline chart: the process tree depth-first from its
 * roots, children in start order. Large tables fold runs of sibling leaves
 * that share a comm into one row, and stop at a row limit, so the chart
 * stays readable and its size linear.
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
	int64_t parent_row;		/* row of p's parent, -1 if none is drawn */
};

struct chart_rows {
	struct chart_row *rows;
	size_t n;
	size_t hidden;		/* processes past max_rows, not drawn */
	size_t folded;		/* processes drawn in a shared row */
};

/*
 * After timeline_finish(). collapse_at: fold runs when the table holds more
 * processes than this (0: never). Returns 0 or -ENOMEM.
 */
int chart_rows_build(struct chart_rows *cr, const struct timeline *tl,
		     size_t collapse_at, size_t max_rows);
void chart_rows_free(struct chart_rows *cr);

#endif
