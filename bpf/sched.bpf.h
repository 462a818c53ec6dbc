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
 */
#ifndef PL_SCHED_BPF_H
#define PL_SCHED_BPF_H

#include "common.bpf.h"

#define TASK_INTERRUPTIBLE	0x0001
#define TASK_UNINTERRUPTIBLE	0x0002
#define __TASK_STOPPED		0x0004
#define __TASK_TRACED		0x0008
#define TASK_PARKED		0x0040
#define TASK_DEAD		0x0080
#define TASK_NOLOAD		0x0400

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

/*
 * What a switch-out writes comes first: with the 8 bytes of the storage's
 * own header before it, those 56 bytes are one cache line. Waiting needs
 * no field of its own: it is the kernel's run_delay since first sight.
 */
struct task_sched {
	__u64 out_ns;		/* run-queue clock at the last switch-out */
	__u64 run_delay;	/* the kernel's sched_info.run_delay then */
	__u64 run_ns;
	__u64 sleep_ns;
	__u64 block_ns;
	__u64 stopped_ns;
	__u32 pcount;		/* the kernel's sched_info.pcount then */
	__u8 state;		/* ST_* it left the CPU in */
	__u8 flags;		/* PL_SCHED_* */
	__u8 seen;
	__u8 emitted;		/* --states: the last state recorded */
	/* the kernel's counters at first sight: 0 for a task born in the
	 * trace, whose figures are then the kernel's own */
	__u64 base_run_delay;
	__u64 base_migrations;
	__u32 base_nvcsw;
	__u32 base_nivcsw;
	/* the hash by tid only: whose record it is (a tid can be reused
	 * before sched_process_free removes its last owner's) */
	__u64 start_ns;
};

/* sched_switch gained prev_state in 5.18; set by the loader from BTF. */
const volatile bool switch_has_prev_state = false;
/* false with --no-sched, or where the kernel cannot support it */
const volatile bool account_sched = true;
/* --states: one record per state change of a selected task */
const volatile bool emit_states = false;
/* Boot-clock time the programs were attached: tasks started after it are
 * seen whole (the kernel's counters start at their birth). */
__u64 trace_start_ns = 0;

/*
 * The run-queue clock (sched_clock) minus the boot clock, per CPU, for the
 * two places that need "now" in run-queue time where the scheduler has not
 * just updated it: the exit tracepoint and the iterator at the end. Taken
 * at a switch at most every CAL_PERIOD_NS; the offset is one 8-byte word,
 * so a reader preempted on the same CPU never sees half an update.
 */
#define CAL_PERIOD_NS	(10 * 1000 * 1000)
#define CAL_CPUS	4096

struct clock_cal {
	__s64 boot_minus_rq;
	__u64 rq_ns;		/* when it was taken, 0 never */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CAL_CPUS);
	__type(key, __u32);
	__type(value, struct clock_cal);
} clock_cal SEC(".maps");

static __always_inline struct clock_cal *this_cpu_cal(void)
{
	__u32 cpu = bpf_get_smp_processor_id() & (CAL_CPUS - 1);

	return bpf_map_lookup_elem(&clock_cal, &cpu);
}

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_sched);
} sched_storage SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PL_MAX_PROCS);
	__type(key, __u32);
	__type(value, struct task_sched);
} sched_by_tid SEC(".maps");

/* Threads that ended: their time, summed per process until it ends. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PL_MAX_PROCS);
	__type(key, __u32);
	__type(value, struct pl_sched);
} sched_dead_threads SEC(".maps");

/* task_struct->state became __state in 5.14 */
struct task_struct___pre514 {
	long state;
} __attribute__((preserve_access_index));

static __always_inline unsigned int task_state(struct task_struct *t)
{
	struct task_struct___pre514 *old = (void *)t;

	if (bpf_core_field_exists(old->state))
		return old->state;
	return t->__state;
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

static __always_inline void calibrate(__u64 rq_now)
{
	struct clock_cal *c = this_cpu_cal();

	if (!c || rq_now - c->rq_ns < CAL_PERIOD_NS)
		return;
	c->boot_minus_rq = bpf_ktime_get_boot_ns() - rq_now;
	c->rq_ns = rq_now;
}

/* "now" in run-queue time, off the switch path: the boot clock moved by
 * this CPU's offset, or the run queue's last update before any switch. */
static __always_inline __u64 rq_time_of(struct task_struct *t, __u64 boot_ns)
{
	struct clock_cal *c = this_cpu_cal();
	__u64 rq_now = rq_clock_of(t);
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

static __always_inline void emit_state(struct task_struct *t, __u32 state,
				       __u64 now)
{
	__u32 tgid = t->tgid;
	struct pl_state *e;

	if (!is_selected(tgid) || (!trace_kthreads && is_kthread(t)))
		return;
	e = reserve(sizeof(*e), PL_EV_STATE);
	if (!e)
		return;
	__builtin_memset(&e->h, 0, sizeof(e->h));
	e->h.ts_ns = now;
	e->h.start_ns = t->group_leader->start_boottime;
	e->h.type = PL_EV_STATE;
	e->h.size = sizeof(*e);
	e->h.pid = tgid;
	e->h.tid = t->pid;
	__builtin_memcpy(e->h.comm, t->comm, PL_COMM_LEN);
	e->state = state;
	e->cpu = bpf_get_smp_processor_id();
	submit(e);
}

static __always_inline __u32 state_after_switch(bool preempt,
						unsigned int prev_state)
{
	if (preempt || !prev_state)
		return ST_RUNNABLE;
	if (prev_state & TASK_DEAD)
		return ST_DEAD;
	if (prev_state & (__TASK_STOPPED | __TASK_TRACED))
		return ST_STOPPED;
	if ((prev_state & TASK_UNINTERRUPTIBLE) && !(prev_state & TASK_NOLOAD))
		return ST_BLOCK;
	return ST_SLEEP;	/* S, parked, idle */
}

/* --states: record both sides of the switch, and remember what was
 * recorded so that a wakeup of a task already runnable adds nothing. */
static __always_inline void switch_states(struct task_struct *prev,
					  struct task_struct *next,
					  __u32 state, bool storage)
{
	__u64 now = bpf_ktime_get_boot_ns();
	struct task_sched *ts;

	if (prev->pid) {
		ts = sched_get(prev, storage, false);
		if (ts)
			ts->emitted = state;
		emit_state(prev, state, now);
	}
	if (next->pid) {
		ts = sched_get(next, storage, true);
		if (ts)
			ts->emitted = ST_RUNNING;
		emit_state(next, ST_RUNNING, now);
	}
}

/* --states only: a sleeper made runnable. */
static __always_inline void on_wakeup(struct task_struct *p, bool storage)
{
	struct task_sched *ts = sched_get(p, storage, true);

	if (!ts || ts->emitted == ST_RUNNING || ts->emitted == ST_RUNNABLE)
		return;
	ts->emitted = ST_RUNNABLE;
	emit_state(p, ST_RUNNABLE, bpf_ktime_get_boot_ns());
}

static __always_inline void on_switch(__u64 *ctx, bool storage)
{
	bool preempt = ctx[0];
	struct task_struct *prev = (void *)ctx[1];
	struct task_struct *next = (void *)ctx[2];
	unsigned int prev_state;
	struct task_sched *ts;
	__u64 now, arrival;
	__u32 state;

	if (switch_has_prev_state)
		prev_state = ctx[3];
	else
		prev_state = task_state(prev);
	state = state_after_switch(preempt, prev_state);

	/* not the idle task, nor one past its exit (accounted there: a task
	 * that never slept gets no record at all) */
	if (prev->pid && state != ST_DEAD) {
		/* brought up to date by __schedule() just before */
		now = rq_clock_of(prev);
		calibrate(now);
		ts = sched_get(prev, storage, true);
		if (ts) {
			arrival = sched_catch_up(ts, prev);
			sched_add_run(ts, arrival, now);
			ts->state = state;
			ts->out_ns = now;
		}
	}
	if (emit_states)
		switch_states(prev, next, state, storage);
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

/* The exiting task is on its CPU: count its last slice up to now, and
 * add its time to its process's dead threads unless the process ends. */
static __always_inline void sched_at_exit(struct task_struct *task,
					  bool storage, bool group_dead,
					  __u64 now_boot, struct pl_sched *self,
					  struct pl_sched *proc)
{
	__u32 tgid = task->tgid;
	struct task_sched *ts = sched_get(task, storage, false);
	struct task_sched tmp;
	struct pl_sched *dead;

	__builtin_memset(proc, 0, sizeof(*proc));
	if (!account_sched ||
	    !sched_snapshot(task, ts, &tmp, true, rq_time_of(task, now_boot), self)) {
		__builtin_memset(self, 0, sizeof(*self));
		self->flags |= PL_SCHED_MISSING;
	}
	if (!group_dead) {
		/* threads of one process may end at once: add atomically */
		static const struct pl_sched zero;

		dead = bpf_map_lookup_elem(&sched_dead_threads, &tgid);
		if (!dead) {
			bpf_map_update_elem(&sched_dead_threads, &tgid, &zero,
					    BPF_NOEXIST);
			dead = bpf_map_lookup_elem(&sched_dead_threads, &tgid);
			if (!dead)
				return;
		}
		__sync_fetch_and_add(&dead->run_ns, self->run_ns);
		__sync_fetch_and_add(&dead->wait_ns, self->wait_ns);
		__sync_fetch_and_add(&dead->sleep_ns, self->sleep_ns);
		__sync_fetch_and_add(&dead->block_ns, self->block_ns);
		__sync_fetch_and_add(&dead->stopped_ns, self->stopped_ns);
		__sync_fetch_and_add(&dead->nvcsw, self->nvcsw);
		__sync_fetch_and_add(&dead->nivcsw, self->nivcsw);
		__sync_fetch_and_add(&dead->migrations, self->migrations);
		if (self->flags)	/* rare, and only ever set: no atomic or on 5.10 */
			dead->flags |= self->flags;
		return;
	}
	dead = bpf_map_lookup_elem(&sched_dead_threads, &tgid);
	*proc = *self;
	if (dead) {
		proc->run_ns += dead->run_ns;
		proc->wait_ns += dead->wait_ns;
		proc->sleep_ns += dead->sleep_ns;
		proc->block_ns += dead->block_ns;
		proc->stopped_ns += dead->stopped_ns;
		proc->nvcsw += dead->nvcsw;
		proc->nivcsw += dead->nivcsw;
		proc->migrations += dead->migrations;
		proc->flags |= dead->flags;
		bpf_map_delete_elem(&sched_dead_threads, &tgid);
	}
}

#endif /* PL_SCHED_BPF_H */
