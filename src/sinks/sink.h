/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sinks: every output proclife writes, behind one small ops table.
 *
 * A sink is one output instance: a format (the ops) writing to one
 * destination (a file, or an fd such as stdout). Live sinks take each
 * event while tracing (event, then flush after each batch) and their
 * files are written in place as events come (tail -f works); end-of-trace
 * sinks take the finished timeline (finish) and their files are written
 * atomically, named only when complete. Several instances of the same
 * format may run side by side (one per -o), each with its own fd and
 * settings. Every file is created with the run's mode (0600 by default:
 * they hold every traced command line).
 *
 * Long-running use (--service): a live file is rotated between two
 * batches past a size or an age, or reopened by its name (SIGHUP, after
 * logrotate moved it); each new piece begins as a file does (piece()).
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
#include <sys/types.h>

#include "pipeline/event.h"
#include "model/timeline.h"
#include "model/trace_info.h"
#include "sinks/file.h"
#include "sinks/stream_view.h"
#include "util/outbuf.h"

struct pl_sink;
struct cgroups;

struct pl_sink_ops {
	const char *name;	/* the format's name, as -F spells it */
	bool timeline;		/* finish() needs the finished timeline */
	size_t buf_size;	/* the outbuf's size; 0: outbuf's default */
	/* All optional. Each returns 0 or -errno. */
	int (*open)(struct pl_sink *s);		/* set priv up, header */
	/* Live sinks; a record (jsonl -o) also takes the trace's other
	 * records through it: PL_EV_SEED at the start, PL_EV_SCHED at the
	 * end. Others ignore those. */
	int (*event)(struct pl_sink *s, const struct pl_event *ev);
	/* a process running at the start (PL_EV_SEED), before any event */
	int (*seed)(struct pl_sink *s, const struct pl_event *ev);
	/* The trace has begun (info: its start, host, filters). */
	int (*begin)(struct pl_sink *s, const struct pl_trace_info *info);
	/* A new piece of a rotated or reopened live file: its first lines. */
	int (*piece)(struct pl_sink *s);
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
	bool record;		/* jsonl: the record proclife report replays */
	const struct stream_view *view;	/* text: what to show; NULL: all */
	uint64_t piece_ns;	/* CLOCK_BOOTTIME: when the live file began */
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
	/* live files (--rotate-*): 0 never */
	uint64_t rotate_size;	/* bytes */
	uint64_t rotate_age_ns;
	unsigned int rotate_keep;
};

/* How one output is written, besides its format and destination. */
struct sink_conf {
	bool threads;		/* thread-level events too */
	bool record;		/* jsonl: write the record (sinks/record.h) */
	const struct stream_view *view;	/* text: -e, --failed, --time... */
	unsigned int mode;	/* a file's mode; 0: 0600 */
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
/* The same with every setting; path "-" is standard output. */
int sink_set_add_conf(struct sink_set *set, const char *format,
		      const char *path, int fd, const struct sink_conf *conf,
		      char *err, size_t err_size);
/* Give every file to uid:gid (CMD's user under sudo), later pieces
 * too. 0, or -errno with err holding one line. */
int sink_set_chown(struct sink_set *set, uid_t uid, gid_t gid, char *err,
		   size_t err_size);
/* Whether some sink writes to standard output. */
bool sink_set_to_stdout(const struct sink_set *set);
/* Whether some sink is a record (it wants the seed and sched records). */
bool sink_set_records(const struct sink_set *set);
/* Buffers and headers: 0, or -ENOMEM (said; fatal). */
int sink_set_open(struct sink_set *set, int64_t boot_offset_ns);
/* True when some sink needs the finished timeline. */
bool sink_set_needs_timeline(const struct sink_set *set);
/* The trace has begun: each sink's begin() (the policy above). */
void sink_set_begin(struct sink_set *set, const struct pl_trace_info *info);
/* One event to every live sink that is on. */
void sink_set_event(struct sink_set *set, const struct pl_event *ev);
/* A running task read at the start, to every live sink that is on. */
void sink_set_seed(struct sink_set *set, const struct pl_event *ev);
/* Write out what the live sinks buffered. Always 0 (the policy above). */
/* Write out what the live sinks buffered, then rotate the live files
 * past rotate_size or rotate_age_ns (between two batches: no event is cut,
 * lost or written twice). Always 0 (the policy above). */
int sink_set_flush(struct sink_set *set);
/* SIGHUP: each live file again by its name (logrotate moved it); a new
 * empty file begins a piece. Always 0 (the policy above). */
int sink_set_reopen(struct sink_set *set);
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
