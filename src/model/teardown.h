/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reaps of a pid namespace's teardown that the kernel side reports as
 * waits. When a namespace's init exits, zap_pid_ns_processes() kills what
 * is left and releases every child of the init with kernel_wait4(): the
 * ones it kills are released at their exit (the kernel side says
 * "ns_teardown"), but a child that was a zombie already is released from
 * the exiting init like a wait. No process waits once its exit began: a
 * reap by an init after its exit is that teardown (docs/LIFECYCLE.md).
 *
 * A bounded reap (seen at the zombie's free, an RCU grace period late)
 * can follow the init's exit even when the init waited before it, but
 * only for a zombie the kernel side could not match at the wait: one
 * deeper than the PL_NS_LEVELS namespaces it follows. So a bounded reap
 * counts only when the init's namespace is known to be that shallow:
 * its level is learnt from the inits' births (the parent's namespace
 * plus one).
 */
#ifndef PL_MODEL_TEARDOWN_H
#define PL_MODEL_TEARDOWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/pidhash.h"
#include "pipeline/event.h"

/* A teardown's releases come within an RCU grace period of the init's
 * exit; a reap later than this is another story. */
#define NS_TEARDOWN_WINDOW_NS	(5ULL * 1000000000ULL)
#define NS_LEVEL_UNKNOWN	UINT32_MAX

struct ns_dying_init {
	uint32_t pid;		/* host tgid of the init */
	uint32_t level;		/* of its namespace, or NS_LEVEL_UNKNOWN */
	uint64_t exit_ns;	/* its exit, or the first teardown exit seen */
};

struct ns_level {
	uint64_t pidns;
	uint32_t level;		/* 0: the initial namespace */
};

struct ns_teardowns {
	struct ns_dying_init *dying;	/* inits in their window: few */
	size_t n_dying, cap_dying;
	struct ns_level *levels;	/* every namespace seen */
	size_t n_levels, cap_levels;
	struct pidhash procs;		/* pid -> its namespace, until reaped */
	bool procs_ok;
	uint64_t alloc_failures;	/* facts not remembered */
};

/* 0 or -ENOMEM. */
int ns_teardowns_init(struct ns_teardowns *t);
void ns_teardowns_free(struct ns_teardowns *t);

/*
 * Take what ev says (seeds too): where processes live, the inits' births
 * and exits, the exits the teardown kills, a pid born again. When ev is
 * a reap the teardown did but the kernel side reported as a wait, fills
 * *fixed with ev's copy whose reap is "ns_teardown" (pointing into
 * *reap) and returns true; else ev stands as it is (fixed and reap
 * may be NULL for a record that is no reap, a seed). What could not be
 * remembered (out of memory) is counted in alloc_failures.
 */
bool ns_teardowns_event(struct ns_teardowns *t, const struct pl_event *ev,
			struct pl_event *fixed, struct pl_reap *reap);

#endif
