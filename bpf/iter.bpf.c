// SPDX-License-Identifier: GPL-2.0
/*
 * Task iterators the loader runs itself: at the start, every task already
 * there (the seed; a zombie among them is recorded for its reap); at the
 * end, the zombies that still are (the others were released with no
 * record yet) and the scheduler accounting of every task still alive.
 */
#include "common.bpf.h"
#include "sched_account.bpf.h"
#include "zombie.bpf.h"
#include "select.bpf.h"

/* ---- seed: tasks already running at start ------------------------------ */

SEC("iter/task")
int seed_tasks(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct pl_seed rec = {};
	bool leader;

	if (!task)
		return 0;
	/* run once: pointers followed with helpers, which cost the
	 * verifier no BTF search (task_header()) */
	fill_header_probe(&rec.h, PL_EV_SEED, sizeof(rec), task, 0);
	leader = BPF_CORE_READ(task, group_leader) == task;
	rec.task_start_ns = task->start_boottime;
	if (task->flags & PF_KTHREAD)
		rec.flags |= PL_SEED_KTHREAD;
	if (!leader)
		rec.flags |= PL_SEED_THREAD;
	if (task->exit_state && leader && !(task->flags & PF_KTHREAD)) {
		/* a zombie already: its reap is still to come; exit_ns 0
		 * says its exit was not seen */
		rec.flags |= PL_SEED_ZOMBIE;
		rec.exit_code = exit_status(task, task, task->signal, true);
		remember_zombie(task, &rec.h, BPF_CORE_READ(task, thread_pid),
				task->tgid, 0, rec.exit_code);
	} else if (task->exit_state) {
		rec.flags |= PL_SEED_ZOMBIE;
	}
	fill_where(task, &rec.w, 0, rec.h.ppid, NULL, false);
	if (where_matches(task))
		rec.flags |= PL_SEED_WHERE_MATCH;
	bpf_seq_write(seq, &rec, sizeof(rec));
	return 0;
}

/* ---- the end: zombies released with no record ---------------------------- */

/* Marks every zombie still a zombie task; the loader then reports the
 * others as released before the end, at a bounded time. */
SEC("iter/task")
int zombies_at_end(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct pl_zombie *z;
	__u32 tgid;

	if (!task || !task->exit_state ||
	    BPF_CORE_READ(task, group_leader) != task)
		return 0;
	tgid = task->tgid;
	z = bpf_map_lookup_elem(&zombies, &tgid);
	if (z && z->start_ns == task->start_boottime)
		z->seen_at_end = 1;
	return 0;
}

/* ---- the end: scheduler accounting of tasks still alive ----------------- */

static __always_inline int dump_sched(struct bpf_iter__task *ctx, bool storage)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct pl_sched_end rec = {};
	struct task_sched tmp;
	struct task_sched *ts;
	__u64 now, rq_now;

	if (!task || !task->pid || task->exit_state)
		return 0;
	now = bpf_ktime_get_boot_ns();
	/* run once: helpers, which cost the verifier no BTF search
	 * (task_header()) */
	fill_header_probe(&rec.h, PL_EV_SCHED, sizeof(rec), task, now);
	rq_now = BPF_CORE_READ(task, se.cfs_rq, rq, clock);
	ts = sched_get(task, storage, false);
	if (!sched_snapshot(task, ts, &tmp, task->on_cpu, rq_time_at(rq_now, now),
			    &rec.sched))
		return 0;
	rec.task_start_ns = task->start_boottime;
	bpf_seq_write(seq, &rec, sizeof(rec));
	return 0;
}

SEC("iter/task")
int dump_sched_ts(struct bpf_iter__task *ctx)
{
	return dump_sched(ctx, true);
}

SEC("iter/task")
int dump_sched_hash(struct bpf_iter__task *ctx)
{
	return dump_sched(ctx, false);
}
