/* SPDX-License-Identifier: GPL-2.0 */
/* End-of-trace summary: the processes that used the most CPU, waited the
 * longest for one, and spent the longest in D; totals per container. */
#ifndef PL_OUT_SUMMARY_H
#define PL_OUT_SUMMARY_H

#include "util/outbuf.h"
#include "model/timeline.h"

#define SUMMARY_TOP 5

int summary_write(const struct timeline *tl, struct outbuf *ob);
/* The same, then the totals per container when any process is in one
 * (cg: the cgroups the trace described, or NULL). */
struct cgroups;
int summary_write_grouped(const struct timeline *tl, const struct cgroups *cg,
			  struct outbuf *ob);

#endif
