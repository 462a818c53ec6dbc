/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel side: load, configure and attach the BPF programs, read the
 * ring buffer, the loss counters and the task iterator. */
#ifndef PL_TRACER_H
#define PL_TRACER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/args.h"
#include "pipeline/event.h"
#include "track.h"

struct proclife_bpf;
struct ring_buffer;

typedef int (*tracer_record_fn)(void *ctx, void *data, size_t size);

struct tracer {
	struct proclife_bpf *skel;
	struct ring_buffer *rb;
	int epoll_fd;
	int ncpus;
	bool fentry;		/* the fentry variant runs (--hooks) */
	uint64_t lost_seen[PL_LOST_SLOTS];
	uint64_t lost_generation_seen;	/* the programs' lost_generation */
	bool lost_recheck;		/* read the slots once more */
	uint64_t *percpu;	/* ncpus counters, scratch for map reads */
};

/* libbpf's log: quiet at 0, warnings at 1, debug at 2. */
void tracer_set_verbosity(int level);

typedef int (*tracer_name_fn)(void *ctx, const char *name);
/*
 * Each tracefs event ("CATEGORY/NAME") a program of the BPF object
 * attaches to, read from the programs' section names: fn(ctx, name) for
 * each until it returns non-zero. Loads nothing. 0, fn's value, or -errno.
 */
int tracer_tracefs_events(tracer_name_fn fn, void *ctx);

/* Load and attach. On failure prints one line saying what is missing and
 * returns -errno. on_record gets every ring-buffer record. */
int tracer_open(struct tracer *t, const struct pl_options *opts,
		tracer_record_fn on_record, void *ctx);
void tracer_close(struct tracer *t);

/* Read every task already running through the task iterator. */
int tracer_seed(struct tracer *t, tracer_record_fn on_record, void *ctx);

/* Read the scheduler accounting of every task still alive (PL_EV_SCHED). */
int tracer_sched_end(struct tracer *t, tracer_record_fn on_record, void *ctx);

/* Mark a process as in the -p tree and/or selected (TRACK_* bits, track.h). */
int tracer_track(struct tracer *t, uint32_t tgid, uint8_t bits,
		 uint64_t start_ns);
/*
 * At the end: every zombie the kernel side still holds that is no longer
 * a zombie (and exited before end_ns) was released with no record yet
 * (its free was still to come): hand on_record a reap bounded by end_ns.
 */
int tracer_zombies_left(struct tracer *t, uint64_t end_ns,
			tracer_record_fn on_record, void *ctx);
void tracer_untrack(struct tracer *t, uint32_t tgid);
/* --cgroup, --container: processes in this cgroup or below are selected. */
int tracer_add_cgroup_filter(struct tracer *t, uint32_t hier, uint64_t id);

/* Wait up to timeout_ms for the kernel's wake-up, with sigmask in place
 * during the wait only (epoll_pwait); 0 or -errno. */
int tracer_wait(struct tracer *t, int timeout_ms, const sigset_t *sigmask);
/* Hand every pending record to on_record. Returns records or -errno. */
int tracer_consume(struct tracer *t);
/* New losses since the last call, into out (count and by_type);
 * returns the count. Reads the kernel's counters only when something was
 * lost since the last look, or when all is set. */
uint64_t tracer_lost(struct tracer *t, struct pl_lost *out, bool all);

#endif
