/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which of the processes already running are traced when filters are on:
 * -p PIDs and their descendants, -c and -u matches and their descendants.
 * New processes are decided in the kernel as they fork, exec or rename.
 */
#ifndef PL_SELECTION_H
#define PL_SELECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/args.h"
#include "proclife.h"

struct tracer;

struct sel_task {
	uint32_t pid;
	uint32_t ppid;
	uint32_t uid;
	uint8_t bits;		/* TRACK_* once computed */
	bool done;
	bool where_match;	/* PL_SEED_WHERE_MATCH */
	char comm[PL_COMM_LEN];
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

#endif
