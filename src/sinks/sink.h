/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sinks: every output proclife writes, behind one small ops table.
 *
 * A sink is one output instance: a format (the ops) writing to one
 * destination (a file written atomically, or an fd such as stdout). Live
 * sinks take each event while tracing (event, then flush after each
 * batch); end-of-trace sinks take the finished timeline (finish). Several
 * instances of the same format may run side by side, each with its own
 * fd and settings.
 *
 * Adding an output: one .c file in src/sinks/ defining a pl_sink_ops,
 * and one line in the registry (sink.c).
 *
 * The error policy, the same for every sink (sink_set_*):
 *   - the first failure of a sink (open, event, flush or finish) is said
 *     on one line "proclife: cannot write FORMAT to DEST: REASON", that
 *     sink stops (a file is dropped: the old FILE stays as it was), the
 *     other sinks carry on, and the trace ends with status 1;
 *   - a reader that leaves a pipe (EPIPE) is not an error: the sink stops
 *     quietly and the status is not changed;
 *   - when every sink has stopped, there is nothing left to trace for:
 *     sink_set_all_stopped() tells the loop to end;
 *   - running out of memory while opening is fatal (sink_set_open()).
 */
#ifndef PL_SINK_H
#define PL_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pipeline/event.h"
#include "model/timeline.h"
#include "model/trace_info.h"
#include "sinks/file.h"
#include "util/outbuf.h"

struct pl_sink;
struct cgroups;

struct pl_sink_ops {
	const char *name;	/* the format's name, as -F spells it */
	bool timeline;		/* finish() needs the finished timeline */
	size_t buf_size;	/* the outbuf's size; 0: outbuf's default */
	/* All optional. Each returns 0 or -errno. */
	int (*open)(struct pl_sink *s);		/* set priv up, header */
	int (*event)(struct pl_sink *s, const struct pl_event *ev);
	/* a process running at the start (PL_EV_SEED), before any event */
	int (*seed)(struct pl_sink *s, const struct pl_event *ev);
	int (*flush)(struct pl_sink *s);	/* default: write out ob */
	int (*finish)(struct pl_sink *s, const struct timeline *tl,
		      const struct pl_trace_info *info);
	void (*close)(struct pl_sink *s);	/* free priv */
};

enum pl_sink_state {
	PL_SINK_ON = 0,
	PL_SINK_STOPPED,	/* the reader left, or a failure was said */
	PL_SINK_DONE,		/* finished and written out */
};

struct pl_sink {
	const struct pl_sink_ops *ops;
	const char *dest;	/* for messages: the path, "stdout", "stderr" */
	struct out_file file;	/* file.fd >= 0: a file written atomically */
	bool is_file;
	struct outbuf ob;	/* buffered writes to the destination */
	bool threads;		/* thread-level events too */
	int64_t boot_offset_ns;	/* CLOCK_REALTIME - CLOCK_BOOTTIME */
	/* the cgroups described so far (NULL: none known) */
	const struct cgroups *cgroups;
	bool container_column;	/* text: the CONTAINER column from the start */
	enum pl_sink_state state;
	void *priv;		/* the ops' own state */
};

#define PL_MAX_SINKS 16

struct sink_set {
	struct pl_sink sinks[PL_MAX_SINKS];
	unsigned int n;
	bool failed;		/* a failure was said: exit status 1 */
};

/* The format called name, or NULL. */
const struct pl_sink_ops *pl_sink_find(const char *name);

/*
 * Add a sink writing format to the file path (created atomically: opened
 * and so checked now, named when complete), or to fd (path NULL; the fd
 * stays the caller's). Nothing is written yet. 0, or -errno with err
 * holding one line (no "proclife: " prefix).
 */
int sink_set_add(struct sink_set *set, const char *format, const char *path,
		 int fd, bool threads, char *err, size_t err_size);
/* The cgroup table every sink resolves events against (before open). */
void sink_set_cgroups(struct sink_set *set, const struct cgroups *cg,
		      bool container_column);
/* Buffers and headers: 0, or -ENOMEM (said; fatal). */
int sink_set_open(struct sink_set *set, int64_t boot_offset_ns);
/* True when some sink needs the finished timeline. */
bool sink_set_needs_timeline(const struct sink_set *set);
/* One event to every live sink that is on. */
void sink_set_event(struct sink_set *set, const struct pl_event *ev);
/* A running task read at the start, to every live sink that is on. */
void sink_set_seed(struct sink_set *set, const struct pl_event *ev);
/* Write out what the live sinks buffered. Always 0 (the policy above). */
int sink_set_flush(struct sink_set *set);
/* Some sinks were added and every one has stopped. */
bool sink_set_all_stopped(const struct sink_set *set);
/* End of trace: each sink that is on writes the end of its output and
 * its file gets its name. 0, or -EIO when any sink failed at any time. */
int sink_set_finish(struct sink_set *set, const struct timeline *tl,
		    const struct pl_trace_info *info);
/* Free everything; files not finished are dropped. */
void sink_set_close(struct sink_set *set);

/* One format written whole to fd from a finished timeline (tests, fuzz,
 * replays): 0 or -errno. */
int pl_sink_write(const struct pl_sink_ops *ops, const struct timeline *tl,
		  const struct pl_trace_info *info, int fd);

#endif
