/* SPDX-License-Identifier: GPL-2.0 */
/* The timeline document (docs/INTERFACE.md, docs/timeline.schema.json). */
#ifndef PL_OUT_TIMELINE_JSON_H
#define PL_OUT_TIMELINE_JSON_H

#include "util/outbuf.h"
#include "model/timeline.h"
#include "model/trace_info.h"

#define PL_TIMELINE_SCHEMA "proclife.timeline/1"

/*
 * Write the whole document for a finished timeline (timeline_finish() done)
 * and flush. Returns 0, or -errno of the first write error.
 */
int timeline_json_write(const struct timeline *tl,
			const struct pl_trace_info *info, struct outbuf *ob);

#endif
