/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The timeline as Trace Event Format JSON ({"traceEvents":[...]} form), for
 * Perfetto UI and chrome://tracing: a track per process named after its
 * comm, a sub-track per thread, the lifetime as "X" slices (running, then
 * zombie), instants for exec, rename, exit and reap, and a "fork" flow from
 * each parent to its child. Timestamps are microseconds from the trace
 * start, with nanosecond decimals.
 */
#ifndef PL_OUT_CHROME_H
#define PL_OUT_CHROME_H

#include "util/outbuf.h"
#include "model/timeline.h"
#include "model/trace_info.h"

/* Needs timeline_finish(). Returns 0, -ENOMEM, or -errno of a failed write. */
int chrome_write(const struct timeline *tl, const struct pl_trace_info *info,
		 struct outbuf *ob);

#endif
