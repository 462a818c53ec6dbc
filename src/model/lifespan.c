// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <sys/wait.h>

#include "model/lifespan.h"
#include "util/names.h"

static uint64_t clamp(uint64_t v, uint64_t lo, uint64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static uint64_t last_event_ns(const struct tl_process *p)
{
	const struct tl_thread *t;
	const struct tl_exec *e;
	const struct tl_rename *r;
	uint64_t last = p->start_ns;

	if (p->flags & TL_PROC_EXITED)
		last = max_u64(last, p->exit_ns);
	if (p->flags & TL_PROC_REAPED)
		last = max_u64(last, p->reap_ns);
	tl_for_each_thread(t, p)
		if (t->flags & TL_THREAD_EXITED)
			last = max_u64(last, t->exit_ns);
	tl_for_each_exec(e, p)
		last = max_u64(last, e->t_ns);
	tl_for_each_rename(r, p)
		last = max_u64(last, r->t_ns);
	return last;
}

void lifespan_window(const struct timeline *tl, const struct pl_trace_info *info,
		     uint64_t *t0, uint64_t *t1)
{
	size_t i, n = timeline_count(tl);
	uint64_t lo = info ? info->start_ns : 0;
	uint64_t hi = max_u64(info ? info->end_ns : 0, timeline_end_ns(tl));
	uint64_t born = UINT64_MAX;	/* first birth seen in the trace */

	for (i = 0; i < n; i++) {
		const struct tl_process *p = timeline_proc(tl, i);

		if (!(p->flags & TL_PROC_PRE_EXISTING) && p->start_ns < born)
			born = p->start_ns;
		hi = max_u64(hi, last_event_ns(p));
	}
	/* Pre-existing processes started long before: they never widen it. */
	if (born < lo || (!lo && born != UINT64_MAX))
		lo = born;
	if (!lo && n)
		lo = timeline_proc(tl, 0)->start_ns;
	*t0 = lo;
	*t1 = max_u64(hi, lo);
}

/* A process retired for pid reuse ends with its last thread. */
static uint64_t last_thread_exit(const struct tl_process *p, uint64_t dflt)
{
	const struct tl_thread *t;
	uint64_t last = 0;

	tl_for_each_thread(t, p)
		if (t->flags & TL_THREAD_EXITED)
			last = max_u64(last, t->exit_ns);
	return last ? last : dflt;
}

void lifespan_of(const struct tl_process *p, uint64_t t0, uint64_t t1,
		 struct lifespan *ls)
{
	uint32_t f = p->flags;

	ls->pre_existing = (f & TL_PROC_PRE_EXISTING) || p->start_ns < t0;
	ls->start = clamp(p->start_ns, t0, t1);
	ls->alive = ls->zombie = ls->unreaped = ls->end_inferred = false;

	if (f & (TL_PROC_EXITED | TL_PROC_ZOMBIE_AT_START)) {
		ls->exit = f & TL_PROC_EXITED ? p->exit_ns : ls->start;
		ls->unreaped = !(f & TL_PROC_REAPED);
		ls->end = ls->unreaped ? t1 : p->reap_ns;
	} else if (f & TL_PROC_REAPED) {
		ls->exit = ls->end = p->reap_ns;
		ls->end_inferred = true;
	} else if (p->gaps & TL_GAP_REAP) {
		ls->exit = ls->end = last_thread_exit(p, ls->start);
		ls->end_inferred = true;
	} else {
		ls->exit = ls->end = t1;
		ls->alive = true;
	}
	ls->exit = clamp(ls->exit, ls->start, t1);
	ls->end = clamp(ls->end, ls->exit, t1);
	ls->zombie = ls->end > ls->exit || ls->unreaped;
}

void lifespan_thread(const struct tl_thread *t, uint64_t t0, uint64_t t1,
		     uint64_t *start, uint64_t *end, bool *alive)
{
	*start = clamp(t->start_ns, t0, t1);
	*alive = !(t->flags & TL_THREAD_EXITED);
	*end = *alive ? t1 : clamp(t->exit_ns, *start, t1);
}

uint64_t lifespan_takeover(const struct tl_process *p, const struct tl_thread *t,
			   uint64_t dflt)
{
	const struct tl_exec *e;

	tl_for_each_exec(e, p)
		if (!e->ret && e->old_tid == t->old_tid && e->t_ns >= t->start_ns)
			return e->t_ns;
	return dflt;
}

bool lifespan_phase(const struct tl_thread *t, uint32_t i, uint64_t t1,
		    uint64_t lo, uint64_t hi, uint64_t *a, uint64_t *b)
{
	uint64_t end;

	if (i >= t->nr_states)
		return false;
	if (i + 1 < t->nr_states)
		end = t->states[i + 1].t_ns;
	else
		end = t->flags & TL_THREAD_EXITED ? t->exit_ns : t1;
	*a = clamp(t->states[i].t_ns, lo, hi);
	*b = clamp(end, *a, hi);
	return *b > *a;
}

/*
 * The one rule for "status known": TL_PROC_STATUS, set by the exit record
 * or, when that was lost, by the reaper's wait status (model/facts.c).
 */
static bool status_known(const struct tl_process *p)
{
	return p->flags & TL_PROC_STATUS;
}

enum ls_status lifespan_status(const struct tl_process *p)
{
	int st = (int)p->exit_status;

	if (!status_known(p))
		return LS_STATUS_NONE;
	if (WIFSIGNALED(st))
		return LS_STATUS_SIGNAL;
	return WEXITSTATUS(st) ? LS_STATUS_FAIL : LS_STATUS_OK;
}

size_t lifespan_status_str(char *buf, size_t size, const struct tl_process *p,
			   bool killed_by)
{
	if (size)
		buf[0] = '\0';
	if (!status_known(p))
		return 0;
	return pl_status_str(buf, size, p->exit_status, killed_by);
}
