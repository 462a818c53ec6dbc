// SPDX-License-Identifier: GPL-2.0
/*
 * Scheduler accounting at each context switch (sched_switch), and the
 * --states records of each change of state (sched_switch, sched_wakeup,
 * sched_wakeup_new). How the time is split: sched_account.bpf.h.
 */
#include "common.bpf.h"
#include "select.bpf.h"
#include "sched_account.bpf.h"

/* prev_state bits (macros, so not in vmlinux.h) */
#define TASK_INTERRUPTIBLE	0x0001
#define TASK_UNINTERRUPTIBLE	0x0002
#define __TASK_STOPPED		0x0004
#define __TASK_TRACED		0x0008
#define TASK_PARKED		0x0040
#define TASK_DEAD		0x0080
#define TASK_NOLOAD		0x0400

static __always_inline void calibrate(__u64 rq_now)
{
	struct clock_cal *c = this_cpu_cal();

	if (!c || rq_now - c->rq_ns < CAL_PERIOD_NS)
		return;
	c->boot_minus_rq = bpf_ktime_get_boot_ns() - rq_now;
	c->rq_ns = rq_now;
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

	prev_state = switch_prev_state(ctx, prev);
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

SEC("tp_btf/sched_switch")
int handle_switch_ts(__u64 *ctx)
{
	on_switch(ctx, true);
	return 0;
}

SEC("tp_btf/sched_switch")
int handle_switch_hash(__u64 *ctx)
{
	on_switch(ctx, false);
	return 0;
}

/* wakeups only for --states: accounting takes waits from the kernel */
SEC("tp_btf/sched_wakeup")
int BPF_PROG(handle_wakeup_ts, struct task_struct *p)
{
	on_wakeup(p, true);
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(handle_wakeup_hash, struct task_struct *p)
{
	on_wakeup(p, false);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(handle_wakeup_new_ts, struct task_struct *p)
{
	on_wakeup(p, true);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(handle_wakeup_new_hash, struct task_struct *p)
{
	on_wakeup(p, false);
	return 0;
}
