/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scheduler accounting: where each task's time goes (on CPU, waiting for a
 * CPU, asleep, in D, stopped), aggregated per task in the kernel and handed
 * over only with the task's exit (or read by an iterator at the end), so a
 * context switch never costs a ring-buffer record.
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

/* The same numbers as enum pl_task_state, plus "not seen yet". */
enum {
	ST_UNKNOWN = 0,		/* not seen since the trace began */
	ST_RUNNING = PL_STATE_RUNNING,
	ST_RUNNABLE = PL_STATE_RUNNABLE,
	ST_SLEEP = PL_STATE_SLEEP,
	ST_BLOCK = PL_STATE_BLOCK,
	ST_STOPPED = PL_STATE_STOPPED,
	ST_DEAD = PL_STATE_DEAD,
};

struct task_sched {
	struct pl_sched acc;
	__u64 since;		/* when the task entered state */
	__u32 state;		/* ST_* */
	__s32 cpu;		/* where it last ran, -1 unknown */
};

/* sched_switch gained prev_state in 5.18; set by the loader from BTF. */
const volatile bool switch_has_prev_state = false;
/* --states: one record per state change of a selected task */
const volatile bool emit_states = false;

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
	static const struct task_sched zero = { .cpu = -1 };
	struct task_sched *ts;
	__u32 tid;

	if (storage)
		return bpf_task_storage_get(&sched_storage, t, NULL,
					    create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
	tid = t->pid;
	ts = bpf_map_lookup_elem(&sched_by_tid, &tid);
	if (ts || !create)
		return ts;
	bpf_map_update_elem(&sched_by_tid, &tid, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&sched_by_tid, &tid);
}

/* Close the current state's interval into its bucket. */
static __always_inline void sched_close(struct task_sched *ts, __u64 now)
{
	__u64 d;

	if (!ts->since) {
		ts->acc.flags |= PL_SCHED_PARTIAL;
		return;
	}
	/* the boot clock read on two CPUs may be a hair out of step */
	d = now > ts->since ? now - ts->since : 0;
	switch (ts->state) {
	case ST_RUNNING:
		ts->acc.run_ns += d;
		break;
	case ST_RUNNABLE:
		ts->acc.wait_ns += d;
		break;
	case ST_SLEEP:
		ts->acc.sleep_ns += d;
		break;
	case ST_BLOCK:
		ts->acc.block_ns += d;
		break;
	case ST_STOPPED:
		ts->acc.stopped_ns += d;
		break;
	default:
		ts->acc.flags |= PL_SCHED_PARTIAL;
		break;
	}
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

static __always_inline void on_switch(__u64 *ctx, bool storage)
{
	bool preempt = ctx[0];
	struct task_struct *prev = (void *)ctx[1];
	struct task_struct *next = (void *)ctx[2];
	__u64 now = bpf_ktime_get_boot_ns();
	unsigned int prev_state;
	struct task_sched *ts;
	__u32 state;

	if (switch_has_prev_state)
		prev_state = ctx[3];
	else
		prev_state = task_state(prev);

	if (prev->pid) {		/* not the idle task */
		ts = sched_get(prev, storage, true);
		if (ts) {
			if (ts->state == ST_RUNNING)
				sched_close(ts, now);
			else
				ts->acc.flags |= PL_SCHED_PARTIAL;
			state = state_after_switch(preempt, prev_state);
			if (state == ST_RUNNABLE)
				ts->acc.nivcsw++;
			else if (state != ST_DEAD)
				ts->acc.nvcsw++;
			ts->state = state;
			ts->since = now;
			if (emit_states)
				emit_state(prev, state, now);
		}
	}
	if (next->pid) {
		__s32 cpu = bpf_get_smp_processor_id();

		ts = sched_get(next, storage, true);
		if (ts) {
			/* no wakeup seen (a signal cut the sleep short, or it
			 * was never seen asleep): it was runnable */
			if (ts->state != ST_UNKNOWN)
				ts->state = ST_RUNNABLE;
			sched_close(ts, now);
			if (ts->cpu >= 0 && ts->cpu != cpu)
				ts->acc.migrations++;
			ts->cpu = cpu;
			ts->state = ST_RUNNING;
			ts->since = now;
			if (emit_states)
				emit_state(next, ST_RUNNING, now);
		}
	}
}

static __always_inline void on_wakeup(struct task_struct *p, bool storage,
				      bool new_task)
{
	__u64 now = bpf_ktime_get_boot_ns();
	struct task_sched *ts = sched_get(p, storage, true);

	if (!ts)
		return;
	if (!new_task) {
		if (ts->state == ST_RUNNING || ts->state == ST_RUNNABLE)
			return;		/* already counted as runnable */
		sched_close(ts, now);
	}
	ts->state = ST_RUNNABLE;
	ts->since = now;
	if (emit_states)
		emit_state(p, ST_RUNNABLE, now);
}

/* The exiting task is on its CPU: count its last slice up to now, and
 * add its time to its process's dead threads unless the process ends. */
static __always_inline void sched_at_exit(struct task_struct *task,
					  bool storage, bool group_dead,
					  __u64 now, struct pl_sched *self,
					  struct pl_sched *proc)
{
	__u32 tgid = task->tgid;
	struct task_sched *ts = sched_get(task, storage, false);
	struct pl_sched *dead;

	__builtin_memset(self, 0, sizeof(*self));
	__builtin_memset(proc, 0, sizeof(*proc));
	if (ts) {
		sched_close(ts, now);
		ts->since = now;
		*self = ts->acc;
	} else {
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
