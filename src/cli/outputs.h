/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The -o outputs of one run, each in its own format: opened (and so
 * checked) before anything is attached; the live ones (jsonl, text)
 * written as events come, the documents (json, chrome, svg, html) from the
 * timeline at the end, each given its name only when complete.
 */
#ifndef PL_OUTPUTS_H
#define PL_OUTPUTS_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/args.h"
#include "cli/run_as.h"
#include "model/timeline.h"
#include "model/trace_info.h"
#include "pipeline/event.h"
#include "sinks/file.h"
#include "sinks/stream.h"

struct run_output {
	const struct pl_output *spec;
	struct out_file file;
	bool open;
	struct stream stream;	/* live formats */
	bool stream_on;
	bool failed;		/* a write failed: said once, not kept */
	char *header;		/* a record's header line, for each new piece */
	size_t header_len;
	uint64_t opened_ns;	/* when the current piece began */
	uint64_t rotations;
};

struct run_outputs {
	struct run_output v[PL_MAX_OUTPUTS];
	unsigned int n;
	uint64_t rotate_size;	/* bytes, 0: never */
	uint64_t rotate_age_ns;	/* 0: never */
	unsigned int rotate_keep;
};

/* Open every -o. 0, or -1 with err filled with one line (usage error). */
int outputs_open(struct run_outputs *os, const struct pl_options *o,
		 const struct run_as *ra, char *err, size_t err_size);
/* Whether a document needs the timeline. */
bool outputs_need_timeline(const struct run_outputs *os);
/* Whether one of them is standard output. */
bool outputs_to_stdout(const struct run_outputs *os);
/* Start the live streams. 0 or -ENOMEM. */
int outputs_start(struct run_outputs *os, const struct pl_options *o,
		  int64_t boot_offset_ns);
/* The trace has begun: --time rel's zero, and the records' header lines
 * (prune: filters are on; prune_ancestors: command mode). */
void outputs_set_start(struct run_outputs *os, const struct stream_view *v,
		       const struct pl_trace_info *info, bool prune,
		       bool prune_ancestors);
/* Whether one of them is a JSON Lines record (wants seeds and the
 * end-of-trace accounting). */
bool outputs_records(const struct run_outputs *os);
/* A task running when the trace began; one alive at its end. */
void outputs_seed(struct run_outputs *os, const struct pl_event *ev);
void outputs_sched(struct run_outputs *os, const struct pl_event *ev);
/* The records' last line: end, counts, the selected processes. */
void outputs_end(struct run_outputs *os, const struct pl_trace_info *info,
		 const uint32_t *selected, size_t n_selected);
void outputs_event(struct run_outputs *os, const struct pl_event *ev);
/* Write out what the live ones buffered, then rotate those past
 * --rotate-size or --rotate-age (between two events: none is cut, lost or
 * written twice). 0, or -errno of a first failure (said on stderr). */
int outputs_flush(struct run_outputs *os);
/* SIGHUP: the live files again by their names (logrotate). 0 or -errno
 * (said on stderr). */
int outputs_reopen(struct run_outputs *os);
/* Write the documents and give every file its name. 0 or -errno (said). */
int outputs_finish(struct run_outputs *os, const struct timeline *tl,
		   const struct pl_trace_info *info);
/* Drop what is not complete (documents), close the rest. */
void outputs_free(struct run_outputs *os);

#endif
