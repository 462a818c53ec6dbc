/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The selection rule, the one place user space computes it: which
 * filters are on (and so what the kernel side is told: selection_rule),
 * which running tasks are kept, and which of them are traced: -p PIDs and
 * their descendants, -c and -u matches and their descendants, in command
 * mode CMD and its descendants only. New processes are decided in the
 * kernel (bpf/) as they fork, exec or rename, by the same rule.
 */
#ifndef PL_SELECTION_H
#define PL_SELECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/args.h"
#include "proclife.h"
#include "track.h"

struct tracer;

/* The rule as the kernel side takes it (rodata, bpf/maps.bpf.h). */
struct selection_rule {
	bool active;		/* any filter, or command mode */
	bool pids;		/* tree membership: -p, or CMD's own tree */
	bool comm;		/* -c: any of opts->comms */
	bool uid;		/* -u: any of opts->uids */
	bool where;		/* --cgroup, --container, --pidns */
	bool kthreads;		/* -K: kernel threads shown */
};

void selection_rule(const struct pl_options *opts, struct selection_rule *r);
/* A task from the task iterator is shown (kernel threads only with -K). */
bool selection_keeps_seed(const struct pl_options *opts,
			  const struct pl_seed *seed);

struct sel_task {
	uint32_t pid;
	uint32_t ppid;
	uint32_t uid;
	uint64_t start_ns;
	uint8_t bits;		/* TRACK_* once computed */
	bool done;
	bool where_match;	/* PL_SEED_WHERE_MATCH */
	bool on_path;		/* being computed: its ancestors are walked */
	char comm[PL_COMM_LEN];
	struct sel_task *down;	/* the child the walk came up from */
};

struct selection {
	const struct pl_options *opts;
	bool active;
	struct sel_task *tasks;
	size_t n, cap;
};

void selection_init(struct selection *sel, const struct pl_options *opts);
void selection_free(struct selection *sel);
/* Remember one running task (from the task iterator). */
void selection_add_seed(struct selection *sel, const struct pl_seed *seed);
/* Compute each remembered process's TRACK_* bits. */
void selection_compute(struct selection *sel);
/* Compute and store the bits in the kernel; a second look at the running
 * tasks catches processes forked while the first was being applied. */
int selection_apply(struct selection *sel, struct tracer *tracer);
/*
 * Command mode: CMD is forked by us, so we are in the tree while it is
 * (begin), and no longer once it runs (end). 0 or -errno.
 */
int selection_command_begin(struct selection *sel, struct tracer *tracer);
void selection_command_end(struct selection *sel, struct tracer *tracer);

#endif
