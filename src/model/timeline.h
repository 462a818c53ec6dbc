/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The process table: rebuilds each process's life (fork, execs, renames,
 * threads, exit, reparents, reap) from the decoded event stream.
 *
 * A process is keyed by (pid, start_ns), never by pid alone. Events come in
 * timestamp order but may have gaps; what the trace missed is recorded in
 * tl_process.gaps, never guessed silently.
 *
 * Usage: timeline_new(); timeline_seed() for each PL_EV_SEED record;
 * timeline_add() for every later event; timeline_finish(); then read.
 * Writers treat every struct below as read-only; fields marked private are
 * the table's own bookkeeping.
 */
#ifndef PL_TIMELINE_H
#define PL_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "proclife.h"
#include "pipeline/event.h"

/* Scheduler accounting of a thread (from its exit, or read at the end)
 * or of a process (its threads summed). NULL when none was taken. */
struct tl_sched {
	struct pl_sched v;
};

enum tl_kind {
	TL_KIND_PROCESS,
	TL_KIND_KTHREAD,
};

/* How the zombie was released: the "reaper.how" of the timeline document. */
enum tl_reap_how {
	TL_REAP_NONE,		/* not reaped (yet) */
	TL_REAP_WAIT,		/* waited for by its original parent */
	TL_REAP_AUTOREAP,	/* released by the kernel at once */
	TL_REAP_SUBREAPER,	/* waited for by a child subreaper it was given to */
	TL_REAP_INIT,		/* waited for by init after reparenting */
	TL_REAP_NS_TEARDOWN,	/* released by the kernel: its namespace's init exited */
};

/* tl_process.flags */
#define TL_PROC_PRE_EXISTING	(1U << 0)	/* running when the trace began */
#define TL_PROC_EXITED		(1U << 1)	/* exit seen: exit_ns, rusage valid */
#define TL_PROC_REAPED		(1U << 2)	/* reap_ns, reaper_pid, reap_how valid */
#define TL_PROC_ZOMBIE_AT_START	(1U << 3)	/* seeded as a zombie: exit time unknown */
#define TL_PROC_STATUS		(1U << 4)	/* exit_status valid (from the exit,
						 * or from the reaper if it was lost) */
#define TL_PROC_TRACED		(1U << 5)	/* had an event during the trace, or
						 * selected at the start */
#define TL_PROC_REAP_EXACT	(1U << 6)	/* reap_ns is the release, not a bound */
#define TL_PROC_SELECTED_LATE	(1U << 7)	/* picked up mid-life by -c, -u or a
						 * move into --cgroup/--container */
#define TL_PROC_EXIT_NS		(1U << 8)	/* exit_ns known: from the exit, or
						 * from the zombie record its reap carries */
#define TL_PROC_WHERE		(1U << 9)	/* where is known */
#define TL_PROC_NS_TEARDOWN	(1U << 10)	/* killed as its pid namespace ended */

/* tl_process.gaps: what the trace missed about this process. */
#define TL_GAP_FORK		(1U << 0)	/* first seen after birth, not seeded */
#define TL_GAP_EXIT		(1U << 1)	/* reaped or replaced with no exit seen */
#define TL_GAP_REAP		(1U << 2)	/* pid reused with no reap seen */
#define TL_GAP_REPARENT		(1U << 3)	/* parent changed with no reparent seen */
#define TL_GAP_THREAD		(1U << 4)	/* a thread's birth or exit was missed */
#define TL_GAP_COUNT		5

/* tl_thread.flags */
#define TL_THREAD_EXITED	(1U << 0)
#define TL_THREAD_PRE_EXISTING	(1U << 1)
#define TL_THREAD_END_INFERRED	(1U << 2)	/* exit not seen: exit_ns is an upper bound */

/* One exec attempt, successful (ret 0) or failed (ret -errno). */
struct tl_exec {
	struct tl_exec *next;
	uint64_t t_ns;
	int32_t ret;
	uint32_t flags;		/* PL_EXEC_* (truncation) */
	uint32_t tid;		/* tid after the exec (== pid when it succeeded) */
	uint32_t old_tid;	/* tid of the thread that called exec */
	uint32_t filename_len;	/* without the NUL that follows it in data */
	uint32_t argv_len;	/* NUL-terminated strings: use pl_argv_next() */
	uint32_t argc;		/* the kernel's count */
	uint32_t cut_index;	/* with PL_EXEC_ARGV_TRUNC */
	uint32_t exe_len;	/* real executable path, 0 if unknown */
	uint32_t interp_len;	/* with PL_EXEC_SCRIPT */
	uint32_t argv0_len;	/* the caller's argv[0] */
	uint32_t cwd_len;	/* 0: none (a failed exec) */
	char data[];		/* filename, NUL, argv, exe, interp, argv0,
				 * cwd path, NUL */
};

/* The working directory at a successful exec ("/a/b", ".../b" when cut),
 * NULL for a failed one. */
static inline const char *tl_exec_cwd(const struct tl_exec *e)
{
	return e->cwd_len ? e->data + e->filename_len + 1 + e->argv_len +
			    e->exe_len + e->interp_len + e->argv0_len : NULL;
}

static inline const char *tl_exec_filename(const struct tl_exec *e)
{
	return e->data;
}

static inline const char *tl_exec_argv(const struct tl_exec *e)
{
	return e->data + e->filename_len + 1;
}

static inline const char *tl_exec_exe(const struct tl_exec *e)
{
	return tl_exec_argv(e) + e->argv_len;
}

static inline const char *tl_exec_interp(const struct tl_exec *e)
{
	return tl_exec_exe(e) + e->exe_len;
}

static inline const char *tl_exec_argv0(const struct tl_exec *e)
{
	return tl_exec_interp(e) + e->interp_len;
}

struct tl_rename {
	struct tl_rename *next;
	uint64_t t_ns;
	uint32_t tid;		/* the renamed thread; == pid for the process */
	char comm[PL_COMM_LEN];
};

struct tl_reparent {
	struct tl_reparent *next;
	uint64_t t_ns;
	uint32_t ppid;		/* new parent */
	uint32_t old_ppid;
	uint32_t reason;	/* enum pl_reparent_reason; 0: event missed, inferred */
};

/* A move to another cgroup (a cgroup.procs write, runc exec). */
struct tl_move {
	struct tl_move *next;
	uint64_t t_ns;
	struct pl_where from;	/* from.cgroup_id 0: where it was is unknown */
	struct pl_where to;
};

/*
 * Every task of a process, the leader included, in start order. After an
 * exec by a non-leader thread, that thread's entry carries tid = pid and
 * old_tid = its former tid; the old leader's entry ends at the exec.
 */
/* --states: the thread entered state (enum pl_task_state) at t_ns. */
struct tl_state {
	uint64_t t_ns;
	uint32_t state;
	int32_t cpu;
};

struct tl_thread {
	struct tl_thread *next;
	struct tl_thread *prev;
	struct tl_process *proc;
	uint64_t start_ns;
	uint64_t exit_ns;	/* valid with TL_THREAD_EXITED */
	uint32_t tid;
	uint32_t old_tid;	/* 0, or the tid before it exec'd as a non-leader */
	uint32_t flags;		/* TL_THREAD_* */
	char comm[PL_COMM_LEN];
	struct tl_sched *sched;
	struct tl_state *states;	/* --states only: nr_states, in time order */
	uint32_t nr_states;
	uint32_t cap_states;	/* private */
	struct tl_thread *hnext;	/* private: live tid hash */
};

struct tl_process {
	uint64_t start_ns;	/* with pid: the identity, "pid@start_ns" */
	uint32_t pid;
	uint32_t ppid;		/* parent at birth, or at trace start if pre-existing */
	uint32_t cur_ppid;	/* parent now, after reparents */
	uint32_t uid;		/* last seen real uid */
	uint32_t flags;		/* TL_PROC_* */
	uint32_t gaps;		/* TL_GAP_* */
	uint8_t kind;		/* enum tl_kind */
	uint8_t created_by;	/* enum pl_birth_kind (FORK, VFORK, CLONE); 0 unknown */
	uint32_t created_by_pid;	/* the creator (not the parent with
					 * CLONE_PARENT); 0 unknown */
	uint8_t reap_how;	/* enum tl_reap_how */
	char comm[PL_COMM_LEN];	/* last comm of the leader */
	uint64_t clone_flags;

	uint64_t exit_ns;	/* with TL_PROC_EXITED */
	uint64_t selected_ns;	/* with TL_PROC_SELECTED_LATE: when */
	uint32_t exit_status;	/* with TL_PROC_STATUS: a wait status (WIFSIGNALED...) */
	uint32_t reaper_pid;	/* with TL_PROC_REAPED; 0 if unknown */
	uint64_t reap_ns;	/* with TL_PROC_REAPED */
	struct pl_rusage rusage;	/* whole process, with TL_PROC_EXITED */

	/* Lists in time order; NULL when empty. */
	struct tl_exec *execs;
	struct tl_rename *renames;
	struct tl_reparent *reparents;
	struct tl_thread *threads;
	uint32_t nr_threads;	/* entries in threads */
	uint32_t nr_live_threads;

	/* The process tree: children in start order after timeline_finish(). */
	struct tl_process *parent;	/* NULL if not in the table */
	struct tl_process *first_child;
	struct tl_process *next_sibling;

	struct tl_sched *sched;

	/* Where it lives (TL_PROC_WHERE): as last seen (birth, seed, exec,
	 * exit, move); the path is in the trace's cgroup table. */
	struct pl_where where;
	struct tl_move *moves;

	/* private */
	struct tl_move **move_tail;
	struct tl_exec **exec_tail;
	struct tl_rename **rename_tail;
	struct tl_reparent **reparent_tail;
	struct tl_thread *last_thread;
	struct tl_process *last_child;
	struct tl_process *prev_sibling;
	struct tl_process *hnext;	/* live pid hash */
	struct tl_process *all_prev;	/* every process held in memory */
	struct tl_process *all_next;
};

#define tl_for_each_thread(t, p) \
	for ((t) = (p)->threads; (t); (t) = (t)->next)
#define tl_for_each_exec(e, p) \
	for ((e) = (p)->execs; (e); (e) = (e)->next)
#define tl_for_each_rename(r, p) \
	for ((r) = (p)->renames; (r); (r) = (r)->next)
#define tl_for_each_reparent(r, p) \
	for ((r) = (p)->reparents; (r); (r) = (r)->next)
#define tl_for_each_move(m, p) \
	for ((m) = (p)->moves; (m); (m) = (m)->next)
#define tl_for_each_child(c, p) \
	for ((c) = (p)->first_child; (c); (c) = (c)->next_sibling)

struct tl_stats {
	uint64_t events;	/* records given to timeline_add/timeline_seed */
	uint64_t lost_events;	/* sum of PL_EV_LOST counts */
	uint64_t processes;	/* processes ever created */
	uint64_t freed;		/* processes dropped (keep_finished = false) */
	uint64_t live;		/* processes holding their pid in the table (a
				 * reaped one stays until its pid is reused) */
	uint64_t held;		/* processes in memory */
	uint64_t alloc_failures;	/* events (partly) dropped for lack of memory */
};

struct timeline;

/*
 * keep_finished = false: a process is freed once it is reaped and all its
 * threads are gone, and an exited thread at once, so memory follows the
 * live tasks (stream mode; an event arriving after its process was freed
 * starts a new entry marked fork_lost). true: everything is kept for the
 * timeline document. NULL on ENOMEM.
 */
struct timeline *timeline_new(bool keep_finished);
void timeline_free(struct timeline *tl);

/*
 * A PL_EV_SEED record. Seeds normally all come before the first
 * timeline_add(); a late one (racing live events) is merged, not doubled.
 */
int timeline_seed(struct timeline *tl, const struct pl_event *ev);
/*
 * Any event (seeds too), in timestamp order. 0, or -ENOMEM: the event was
 * (partly) dropped and counted in tl_stats.alloc_failures.
 */
int timeline_add(struct timeline *tl, const struct pl_event *ev);
/*
 * With filters on, keep only the processes traced and their ancestors:
 * pre-existing processes outside the selection are dropped at the end.
 */
void timeline_prune_untraced(struct timeline *tl, bool prune);
/*
 * With pruning on, drop the ancestors of traced processes too (command
 * mode: CMD's ancestors are proclife and its shell, not the trace's).
 */
void timeline_prune_ancestors(struct timeline *tl, bool prune);
/*
 * --cgroup or --container: a process moved into the cgroup (runc exec) is
 * selected by its move, mid-life like -c picks one up at an exec: its
 * earlier life was not selected, not lost.
 */
void timeline_select_by_where(struct timeline *tl, bool on);
/* A process running at the start is selected (-p and the like): it is
 * in the document even if it does nothing during the trace. */
void timeline_mark_selected(struct timeline *tl, uint32_t pid,
			    uint64_t start_ns);
/* The trace ended: sort for reading. No timeline_add() after this. */
void timeline_finish(struct timeline *tl, uint64_t end_ns);

/* Processes in memory in (start_ns, pid) order; after timeline_finish(). */
size_t timeline_count(const struct timeline *tl);
const struct tl_process *timeline_proc(const struct timeline *tl, size_t i);
/* By id; after timeline_finish() (binary search), NULL if absent. */
const struct tl_process *timeline_lookup(const struct timeline *tl,
					 uint32_t pid, uint64_t start_ns);
/* The process now holding pid in the live table, NULL if none. Any time. */
const struct tl_process *timeline_live(const struct timeline *tl, uint32_t pid);
uint64_t timeline_end_ns(const struct timeline *tl);
void timeline_stats(const struct timeline *tl, struct tl_stats *st);

/* "running", "runnable", "sleeping", "blocked" (D), "stopped", "dead". */
const char *tl_state_name(uint32_t state);

/* "pid@start_ns" into buf; TL_ID_LEN bytes always suffice. */
#define TL_ID_LEN 32
size_t tl_proc_id(char *buf, size_t size, const struct tl_process *p);
/* "fork", "vfork", "clone", or NULL when the birth was not seen. */
const char *tl_created_by_name(const struct tl_process *p);
/* "wait", "autoreap", "subreaper", "init", "ns_teardown", or NULL. */
const char *tl_reap_how_name(const struct tl_process *p);
/* "fork_lost", ... for one TL_GAP_* bit; NULL for an unknown bit. */
const char *tl_gap_name(uint32_t gap_bit);
/* The last successful exec, or NULL. */
const struct tl_exec *tl_last_exec(const struct tl_process *p);
/* Approximate heap bytes one process costs, everything it owns included. */
size_t tl_proc_bytes(const struct tl_process *p);

#endif
