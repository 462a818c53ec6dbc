/* SPDX-License-Identifier: GPL-2.0 */
/* Facts about a trace that the timeline document records besides events. */
#ifndef PL_TRACE_INFO_H
#define PL_TRACE_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "proclife.h"

struct cgroups;

struct pl_trace_filters {
	const uint32_t *pids;	/* -p: n_pids pids, or NULL */
	size_t n_pids;
	const char (*comms)[PL_COMM_LEN];	/* -c: n_comms names */
	size_t n_comms;
	const uint32_t *uids;	/* -u: n_uids users */
	size_t n_uids;
	const char *cgroup;	/* --cgroup, or NULL */
	const char *container;	/* --container as given, or NULL */
	int64_t pidns;		/* --pidns, or -1 */
	bool threads;		/* -T */
	bool kthreads;		/* -K */
};

struct pl_trace_info {
	const char *hostname;
	const char *kernel;	/* uname release */
	int64_t boot_offset_ns;	/* CLOCK_REALTIME - CLOCK_BOOTTIME */
	uint64_t start_ns;	/* CLOCK_BOOTTIME */
	uint64_t end_ns;
	char *const *command;	/* command mode: NULL-terminated argv; else NULL */
	struct pl_trace_filters filters;
	uint64_t events;	/* events received */
	uint64_t lost;		/* events the kernel could not deliver */
	uint64_t losses[PL_LOSS_KINDS];	/* every loss by kind (enum pl_loss_kind) */
	const char *version;	/* tool version */
	const struct cgroups *cgroups;	/* paths of the cgroups seen */
	/* what a record (-o x.jsonl) keeps for proclife report */
	bool pruned;		/* filters on: context pruned */
	bool ancestors_pruned;	/* command mode: proclife's ancestry pruned */
	const uint32_t *selected;	/* at the end: the selected processes */
	size_t n_selected;
};

#endif
