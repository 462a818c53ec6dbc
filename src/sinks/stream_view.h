/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the live stream shows: which events (-e), failures only (--failed),
 * a user column (--show-user) and how times read (--time). Only the live
 * stream: a recorded JSON Lines file (-o x.jsonl) keeps every event, so
 * `proclife report` can rebuild the whole trace from it.
 */
#ifndef PL_STREAM_VIEW_H
#define PL_STREAM_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pipeline/event.h"

/* -e names, one bit each; "rename" is "comm" (the stream's own name). */
#define SV_FORK		(1U << 0)
#define SV_THREAD	(1U << 1)
#define SV_EXEC		(1U << 2)	/* failed ones included */
#define SV_COMM		(1U << 3)
#define SV_EXIT		(1U << 4)
#define SV_REPARENT	(1U << 5)
#define SV_REAP		(1U << 6)
#define SV_LOST		(1U << 7)
#define SV_STATE	(1U << 8)
#define SV_CGROUP	(1U << 9)	/* cgroup_move */
#define SV_ALL		((1U << 10) - 1)

enum stream_time {
	STREAM_TIME_WALL,	/* 14:00:00.123456, local */
	STREAM_TIME_REL,	/* seconds since the trace began */
	STREAM_TIME_ISO,	/* 2026-11-24T14:00:00.123456789Z */
};

struct stream_view {
	uint32_t events;	/* SV_* shown */
	bool failed_only;	/* failed execs, exits != 0 or by a signal, losses */
	bool show_user;
	enum stream_time time;
	uint64_t start_ns;	/* STREAM_TIME_REL's zero */
};

/* Every event, wall-clock times, no user column. */
void stream_view_default(struct stream_view *v);
/* A comma-separated list of names into SV_* bits. 0, or -1 with the first
 * unknown (or empty) name copied into bad. */
int stream_view_parse_events(const char *list, uint32_t *bits, char *bad,
			     size_t bad_size);
/* "wall", "rel" or "iso". 0 or -1. */
int stream_view_parse_time(const char *s, enum stream_time *t);
/* The SV_* bit of an event (0 for records that are never streamed). */
uint32_t stream_view_bit(const struct pl_event *ev);
/* Whether an event passes -e and --failed. */
bool stream_view_shows(const struct stream_view *v, const struct pl_event *ev);
/* The text stream's time column. Returns the length. */
size_t stream_view_time(const struct stream_view *v, char *buf, size_t size,
			uint64_t ts_ns, int64_t boot_offset_ns);
/* Width of that column (for the header). */
size_t stream_view_time_width(const struct stream_view *v);
/* The name of uid (looked up once, then cached), or NULL if unknown. */
const char *stream_view_user(uint32_t uid);

#endif
