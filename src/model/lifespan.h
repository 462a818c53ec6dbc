/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The phases of one process as the timeline outputs draw them: running
 * (start -> exit) then zombie (exit -> reap), clamped to the trace window,
 * with what is known and what was inferred. Shared by the chrome and chart
 * writers so both draw the same life.
 */
#ifndef PL_LIFESPAN_H
#define PL_LIFESPAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/timeline.h"
#include "model/trace_info.h"

struct lifespan {
	uint64_t start;		/* birth, or the trace start if earlier */
	uint64_t exit;		/* end of the running phase */
	uint64_t end;		/* end of the zombie phase; == exit without one */
	bool pre_existing;	/* born before the trace: start is clamped */
	bool alive;		/* still running at the trace end */
	bool zombie;		/* has a zombie phase */
	bool unreaped;		/* still a zombie at the trace end */
	bool end_inferred;	/* exit or reap missed: the end is a bound */
};

enum ls_status {
	LS_STATUS_NONE,		/* no exit seen */
	LS_STATUS_OK,		/* exit code 0 */
	LS_STATUS_FAIL,		/* exit code != 0 */
	LS_STATUS_SIGNAL,	/* killed by a signal */
};

/*
 * The window to draw: the trace start and end, widened to cover every
 * event in the table so that nothing falls outside it.
 */
void lifespan_window(const struct timeline *tl, const struct pl_trace_info *info,
		     uint64_t *t0, uint64_t *t1);
void lifespan_of(const struct tl_process *p, uint64_t t0, uint64_t t1,
		 struct lifespan *ls);
/* Start and end of a thread, clamped like the process; alive if still running. */
void lifespan_thread(const struct tl_thread *t, uint64_t t0, uint64_t t1,
		     uint64_t *start, uint64_t *end, bool *alive);

/*
 * When thread t, a non-leader that exec'd (t->old_tid set), took over the
 * leader's pid: the time of its exec, or dflt if that was not seen.
 */
uint64_t lifespan_takeover(const struct tl_process *p, const struct tl_thread *t,
			   uint64_t dflt);
/*
 * --states: phase i of thread t, the time it spent in t->states[i].state,
 * until the next change, its exit, or t1 when still alive. Clipped to
 * [lo, hi] into [*a, *b); false when nothing is left of it.
 */
bool lifespan_phase(const struct tl_thread *t, uint32_t i, uint64_t t1,
		    uint64_t lo, uint64_t hi, uint64_t *a, uint64_t *b);

enum ls_status lifespan_status(const struct tl_process *p);
/* pl_status_str() of a known status: "exit 3", "SIGSEGV (core)" (with
 * killed_by: "killed by SIGSEGV (core)"); "" when unknown. */
size_t lifespan_status_str(char *buf, size_t size, const struct tl_process *p,
			   bool killed_by);

#endif
