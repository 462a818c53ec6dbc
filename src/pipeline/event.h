/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding of ring-buffer records (include/proclife.h) into one view that
 * every sink reads. Decoding validates sizes, so a malformed record never
 * makes a sink read past its end.
 */
#ifndef PL_EVENT_H
#define PL_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "proclife.h"

/* Synthesized in user space: events the kernel could not deliver. */
#define PL_EV_LOST 100

struct pl_lost {
	struct pl_header h;	/* ts_ns, type; pid/tid 0 */
	uint64_t count;		/* events lost since the previous lost record */
	uint64_t by_type[PL_LOST_SLOTS];
};

/* A decoded record; pointers point into the raw record. */
struct pl_event {
	const struct pl_header *h;
	uint32_t type;
	union {
		const struct pl_fork *fork;
		const struct pl_exec *exec;
		const struct pl_exec_fail *exec_fail;
		const struct pl_comm *comm;
		const struct pl_exit *exit;
		const struct pl_reparent *reparent;
		const struct pl_reap *reap;
		const struct pl_seed *seed;
		const struct pl_select *select;
		const struct pl_sched_end *sched_end;
		const struct pl_state *state;
		const struct pl_lost *lost;
		const struct pl_cgroup *cgroup;
		const struct pl_cgroup_move *move;
	};
	/* where the process lives, for the records that say it (fork, exec,
	 * exit, seed, cgroup_move); NULL for the others */
	const struct pl_where *where;
	/* PL_EV_CGROUP only: the path, path_len bytes, not NUL-terminated */
	const char *path;
	size_t path_len;
	/* exec and exec_fail only */
	const char *filename;
	size_t filename_len;
	const char *argv;	/* NUL-terminated strings, back to back */
	size_t argv_len;
	uint32_t exec_flags;
	uint32_t argc;		/* the kernel's count of arguments */
	uint32_t cut_index;	/* with PL_EXEC_ARGV_TRUNC: first argument not whole */
	/* successful exec only; lengths 0 when absent */
	const char *exe;	/* real path of the executable that runs */
	size_t exe_len;
	const char *interp;	/* with PL_EXEC_SCRIPT: the interpreter */
	size_t interp_len;
	const char *argv0;	/* the caller's argv[0] */
	size_t argv0_len;
	const char *cwd;	/* the working directory, as the kernel walked it */
	size_t cwd_len;
};

/* The working directory of a successful exec as a path into buf; its
 * length, or 0 for another record. A cut path (PL_EXEC_CWD_TRUNC) begins
 * with ".../" instead of "/". */
size_t pl_cwd_path(const struct pl_event *ev, char *buf, size_t size);
#define PL_CWD_PATH_MAX	(PL_FILENAME_MAX + 8)

/* Losses of one kind (enum pl_loss_kind) in a lost record. */
static inline uint64_t pl_lost_kind(const struct pl_lost *l, uint32_t kind)
{
	uint64_t n = 0;

	if (kind != PL_LOSS_RING_FULL)
		return kind < PL_LOSS_KINDS ? l->by_type[PL_LOST_KIND_BASE + kind] : 0;
	for (uint32_t t = 0; t < PL_LOST_KIND_BASE; t++)
		n += l->by_type[t];
	return n;
}

/* The zombie time a reap record says (0 if the clocks disagree). */
static inline uint64_t pl_reap_zombie_ns(const struct pl_reap *r)
{
	return r->h.ts_ns > r->exit_ns ? r->h.ts_ns - r->exit_ns : 0;
}

/* Decode size bytes at data. Returns 0, or -EINVAL for a malformed record. */
int pl_event_decode(const void *data, size_t size, struct pl_event *ev);

/* Name of an event type as used in the JSON stream ("fork", "exec", ...). */
const char *pl_event_name(const struct pl_event *ev);

/*
 * Iterate the argv strings: pass *pos = 0 first; returns false at the end.
 * An unterminated last string (cut by the kernel limit) is returned too.
 */
bool pl_argv_next(const char *argv, size_t argv_len, size_t *pos,
		  const char **arg, size_t *arg_len);

#endif
