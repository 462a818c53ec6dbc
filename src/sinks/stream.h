/* SPDX-License-Identifier: GPL-2.0 */
/* The live event stream: aligned text or JSON Lines, one event a line. */
#ifndef PL_OUT_STREAM_H
#define PL_OUT_STREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "pipeline/event.h"
#include "model/cgroups.h"
#include "model/pidhash.h"
#include "sinks/stream_view.h"
#include "util/json.h"
#include "util/outbuf.h"

struct stream {
	struct outbuf *ob;	/* the caller's */
	struct json j;
	bool json;
	bool threads;		/* show thread-level events */
	int64_t boot_offset_ns;
	uint64_t lines;
	/* the cgroups described so far (NULL: none known) */
	const struct cgroups *cgroups;
	/* text: the CONTAINER column, on from the first process in one */
	bool container_column;
	/* where each process was last seen, for the lines whose record
	 * does not say (rename, reparent, reap) */
	struct pidhash where;
	bool where_ok;
	struct stream_view view;	/* every event, by default */
	/* a JSON Lines record (-o x.jsonl): "raw" fields that the readable
	 * ones lose, so proclife report can rebuild the trace exactly */
	bool record;
	char *header;		/* a record's header line, for each new piece */
	size_t header_len;
};

/* Lines go to ob, which stays the caller's (and so does flushing it).
 * 0 or -ENOMEM. */
int stream_init(struct stream *s, struct outbuf *ob, bool json, bool threads,
		int64_t boot_offset_ns);
void stream_free(struct stream *s);
/* The cgroup table events are resolved against; container_column: show
 * the column from the start. */
void stream_set_cgroups(struct stream *s, const struct cgroups *cg,
			bool container_column);
/* A process running at the start (PL_EV_SEED): where it lives. */
void stream_seed(struct stream *s, const struct pl_event *ev);
/* What to show (-e, --failed, --show-user, --time); before the header. */
void stream_set_view(struct stream *s, const struct stream_view *v);
/* Column header for text mode. */
void stream_header(struct stream *s);
void stream_event(struct stream *s, const struct pl_event *ev);

#endif
