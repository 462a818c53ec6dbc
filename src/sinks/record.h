/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lines a JSON Lines record (-o x.jsonl) holds besides the events, so
 * that proclife report rebuilds the very timeline the live run had:
 *   {"record":"header", ...}  the trace's facts, first
 *   {"record":"seed", ...}    a task running when the trace began
 *   {"record":"sched", ...}   a task alive at the end, its accounting
 *   {"record":"select", ...}  a process selected mid-life (-c, -u)
 *   {"record":"end", ...}     end time, counts, losses, the selected processes
 * They have no "event" key: readers of the events skip them.
 */
#ifndef PL_RECORD_H
#define PL_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/trace_info.h"
#include "pipeline/event.h"
#include "sinks/stream.h"

#define RECORD_SCHEMA "proclife.record/1"

/* prune: filters were on (context pruned); ancestors: command mode. */
void record_header(struct stream *s, const struct pl_trace_info *info,
		   bool prune, bool prune_ancestors);
void record_seed(struct stream *s, const struct pl_event *ev);
void record_sched(struct stream *s, const struct pl_event *ev);
void record_select(struct stream *s, const struct pl_event *ev);
void record_end(struct stream *s, const struct pl_trace_info *info,
		const uint32_t *selected, size_t n_selected);

#endif
