/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scheduler accounting: where each task's time goes (on CPU, waiting for a
 * CPU, asleep, in D, stopped), aggregated per task in the kernel and handed
 * over only with the task's exit (or read by an iterator at the end), so a
 * context switch never costs a ring-buffer record.
 *
 * The kernel already keeps, per task, when it last came onto a CPU and how
 * long it has waited on run queues in all (sched_info, CONFIG_SCHED_INFO),
 * in the clock of the run queue. So only the switch-out needs a program:
 * at each one, the time off CPU since the task's previous switch-out is
 * split into the kernel's waiting and the sleep state it left in, and its
 * slice is counted up to the run queue's clock, just brought up to date by
 * the scheduler. No clock is read and the task switched in is not touched;
 * wakeups need no program at all.
 *
 * Per-task state lives in task storage where the kernel has it (5.11+),
 * else in a hash keyed by tid. Each handler body is written once and
 * inlined twice with a constant, so each program touches one map only;
 * the loader autoloads the pair the kernel supports.
 *
 * This header holds what the switch (sched.bpf.c), the exit (exit.bpf.c)
 * and the iterator at the end (iter.bpf.c) share.
 */
#ifndef PL_SCHED_ACCOUNT_BPF_H
#define PL_SCHED_ACCOUNT_BPF_H

#include "common.bpf.h"

/* The same numbers as enum pl_task_state, plus "not known". */
enum {
	ST_UNKNOWN = 0,		/* left the CPU before the trace began */
	ST_RUNNING = PL_STATE_RUNNING,
	ST_RUNNABLE = PL_STATE_RUNNABLE,
	ST_SLEEP = PL_STATE_SLEEP,
	ST_BLOCK = PL_STATE_BLOCK,
	ST_STOPPED = PL_STATE_STOPPED,
	ST_DEAD = PL_STATE_DEAD,
	ST_NEW = 0x80,		/* born in the trace, not run yet */
};

static __always_inline struct clock_cal *this_cpu_cal(void)
{
	__u32 cpu = bpf_get_smp_processor_id() & (CAL_CPUS - 1);

	return bpf_map_lookup_elem(&clock_cal, &cpu);
}

static __always_inline struct task_sched *sched_get(struct task_struct *t,
						    bool storage, bool create)
{
	static const struct task_sched zero;
	__u64 start = t->start_boottime;
	struct task_sched *ts;
	__u32 tid;

	if (storage)
		return bpf_task_storage_get(&sched_storage, t, NULL,
					    create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
	tid = t->pid;
	ts = bpf_map_lookup_elem(&sched_by_tid, &tid);
	if (ts && ts->start_ns != start) {	/* a former owner's */
		if (!create)
			return NULL;
		*ts = zero;
		ts->start_ns = start;
	}
	if (ts || !create)
		return ts;
	bpf_map_update_elem(&sched_by_tid, &tid, &zero, BPF_NOEXIST);
	ts = bpf_map_lookup_elem(&sched_by_tid, &tid);
	if (ts)
		ts->start_ns = start;
	return ts;
}

/* sched_process_free, hash by tid: forget the task's record, unless the
 * tid has a new owner already. */
static __always_inline void sched_forget(struct task_struct *t)
{
	__u32 tid = t->pid;
	struct task_sched *ts = bpf_map_lookup_elem(&sched_by_tid, &tid);

	if (ts && ts->start_ns == t->start_boottime)
		bpf_map_delete_elem(&sched_by_tid, &tid);
}

/* The clock of the run queue the task is on (its CPU's): the task's
 * group run queue points to it (CONFIG_FAIR_GROUP_SCHED, which the loader
 * checks for; every task has one, whatever its class). */
static __always_inline __u64 rq_clock_of(struct task_struct *t)
{
	return t->se.cfs_rq->rq->clock;
}

/* "now" in run-queue time, off the switch path: the boot clock moved by
 * this CPU's offset, or rq_now, the run queue's last update before any
 * switch (rq_clock_of()). */
static __always_inline __u64 rq_time_at(__u64 rq_now, __u64 boot_ns)
{
	struct clock_cal *c = this_cpu_cal();
	__u64 moved;

	if (!c || !c->rq_ns)
		return rq_now;
	moved = boot_ns - c->boot_minus_rq;
	return moved > rq_now ? moved : rq_now;
}

static __always_inline bool born_in_trace(struct task_struct *t)
{
	return t->start_boottime >= trace_start_ns;
}

/* First sight of a task. One born during the trace is taken from its
 * birth, where the kernel's counters start: it was runnable until its
 * first switch-in. One older is taken from its current slice, partial. */
static __always_inline void sched_first_sight(struct task_sched *ts,
					      struct task_struct *t)
{
	__u64 run_delay = t->sched_info.run_delay;
	__u32 pcount = t->sched_info.pcount;

	ts->seen = 1;
	if (born_in_trace(t)) {
		ts->state = ST_NEW;
		return;
	}
	ts->flags |= PL_SCHED_PARTIAL;
	ts->state = ST_UNKNOWN;
	ts->pcount = pcount ? pcount - 1 : 0;
	ts->run_delay = run_delay;
	ts->base_run_delay = run_delay;
	ts->base_nvcsw = t->nvcsw;
	ts->base_nivcsw = t->nivcsw;
	ts->base_migrations = t->se.nr_migrations;
}

/* Time off CPU in a sleep state (the waiting is the kernel's). */
static __always_inline void sched_add_off(struct task_sched *ts, __u64 off,
					  __u64 wait)
{
	__u64 d = off > wait ? off - wait : 0;

	switch (ts->state) {
	case ST_NEW:		/* runnable since birth: all of it waiting */
		break;
	case ST_RUNNABLE:
		/* all of it waiting, but for a sleep that the state read
		 * before 5.18 missed (a racing wakeup had reset it) */
	case ST_SLEEP:
		ts->sleep_ns += d;
		break;
	case ST_BLOCK:
		ts->block_ns += d;
		break;
	case ST_STOPPED:
		ts->stopped_ns += d;
		break;
	default:		/* before the trace: not counted */
		ts->flags |= PL_SCHED_PARTIAL;
		break;
	}
}

/*
 * Count the time off CPU since the last switch-out seen, up to the task's
 * latest switch-in (sched_info.last_arrival): what the kernel added to
 * run_delay was waiting, the rest is the state it left in. Returns that
 * switch-in, or 0 when the task has not been switched in since. When
 * switches were missed only the waiting is known, and the task is partial.
 */
static __always_inline __u64 sched_catch_up(struct task_sched *ts,
					    struct task_struct *t)
{
	__u64 arrival = t->sched_info.last_arrival;
	__u64 run_delay = t->sched_info.run_delay;
	__u32 pcount = t->sched_info.pcount;
	__u64 off;

	if (!ts->seen)
		sched_first_sight(ts, t);
	if (pcount == ts->pcount)
		return 0;
	if (pcount != (__u32)(ts->pcount + 1)) {
		ts->flags |= PL_SCHED_PARTIAL;
	} else {
		/* run-queue clocks of two CPUs may be a hair out of step */
		off = arrival > ts->out_ns ? arrival - ts->out_ns : 0;
		sched_add_off(ts, off, run_delay - ts->run_delay);
	}
	ts->pcount = pcount;
	ts->run_delay = run_delay;
	return arrival;
}

/* The wait of a task on a run queue now, not yet in run_delay. */
static __always_inline __u64 sched_pending_wait(struct task_struct *t,
						__u64 now)
{
	__u64 queued = t->sched_info.last_queued;

	return queued && now > queued ? now - queued : 0;
}

/* A task that is not on a CPU: its time since the last switch-out. */
static __always_inline void sched_catch_up_off(struct task_sched *ts,
					       struct task_struct *t, __u64 now)
{
	__u64 wait = t->sched_info.run_delay - ts->run_delay;
	__u64 off = now > ts->out_ns ? now - ts->out_ns : 0;

	sched_add_off(ts, off, wait + sched_pending_wait(t, now));
	ts->out_ns = now;
	ts->run_delay = t->sched_info.run_delay;
}

static __always_inline void sched_add_run(struct task_sched *ts,
					  __u64 arrival, __u64 now)
{
	if (arrival && now > arrival)
		ts->run_ns += now - arrival;
}

/* The figures as delivered: waiting, switch counts and migrations are
 * the kernel's since the task's first sight. */
static __always_inline void sched_result(struct pl_sched *out,
					 const struct task_sched *ts,
					 struct task_struct *t, __u64 pending)
{
	out->run_ns = ts->run_ns;
	out->wait_ns = t->sched_info.run_delay - ts->base_run_delay + pending;
	out->sleep_ns = ts->sleep_ns;
	out->block_ns = ts->block_ns;
	out->stopped_ns = ts->stopped_ns;
	out->nvcsw = t->nvcsw - ts->base_nvcsw;
	out->nivcsw = t->nivcsw - ts->base_nivcsw;
	out->migrations = t->se.nr_migrations - ts->base_migrations;
	out->flags = ts->flags;
}

/* Where a task's time went up to now (run-queue time), for a task on a
 * CPU (its exit) or anywhere (the iterator at the end). Without a record,
 * a task born in the trace or running now is still accounted. */
static __always_inline bool sched_snapshot(struct task_struct *t,
					   struct task_sched *ts,
					   struct task_sched *tmp,
					   bool on_cpu, __u64 now,
					   struct pl_sched *out)
{
	__u64 arrival, pending = 0;

	if (!ts) {
		if (!on_cpu && !born_in_trace(t))
			return false;
		__builtin_memset(tmp, 0, sizeof(*tmp));
		ts = tmp;
	}
	if (on_cpu) {
		arrival = sched_catch_up(ts, t);
		sched_add_run(ts, arrival, now);
	} else {
		arrival = sched_catch_up(ts, t);
		if (arrival)	/* ran and left the CPU unseen */
			ts->flags |= PL_SCHED_PARTIAL;
		sched_catch_up_off(ts, t, now);
		pending = sched_pending_wait(t, now);
	}
	sched_result(out, ts, t, pending);
	return true;
}

#endif /* PL_SCHED_ACCOUNT_BPF_H */
