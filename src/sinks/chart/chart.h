/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The timeline as a self-contained chart: the process tree down the left,
 * time across, one bar per process (running, then zombie) with exec and
 * exit markers and a hover tooltip. SVG alone, or an HTML page that embeds
 * the same SVG under a header; neither loads anything from the network.
 */
#ifndef PL_OUT_CHART_H
#define PL_OUT_CHART_H

#include "util/outbuf.h"
#include "model/timeline.h"
#include "model/trace_info.h"

/* Past this many processes, sibling leaves with the same comm share a row. */
#define CHART_COLLAPSE_AT	5000
/* Rows drawn at most; the rest are counted in a closing note. */
#define CHART_MAX_ROWS		20000

/* Both need timeline_finish(). Return 0, -ENOMEM, or -errno of a failed write. */
int chart_write_svg(const struct timeline *tl, const struct pl_trace_info *info,
		    struct outbuf *ob);
int chart_write_html(const struct timeline *tl, const struct pl_trace_info *info,
		     struct outbuf *ob);

#endif
