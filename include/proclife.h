/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event records shared by the BPF programs and the loader.
 *
 * Only fixed-width kernel-uapi types here: this header is included by
 * the BPF programs (with vmlinux.h) and by src/ (with <linux/types.h>).
 * Every record starts with struct pl_header; variable parts (filename,
 * argv) follow the fixed part and their lengths are in the fixed part.
 */
#ifndef PROCLIFE_H
#define PROCLIFE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define PL_COMM_LEN		16
/* Kernel-side limits; longer values are cut and flagged, never silently. */
#define PL_FILENAME_MAX		512
#define PL_ARGV_MAX		16384	/* hard cap of --argv-bytes */
#define PL_ARGV_DEFAULT		4096	/* default of --argv-bytes */
#define PL_FAILED_ARGS_MAX	32	/* argv pointers read on a failed exec */
#define PL_FAILED_ARG_LEN	128	/* bytes read per argument of a failed exec */
#define PL_REPARENT_MAX		128	/* children reported per exiting parent */
#define PL_PID_FILTER_MAX	1024
#define PL_MAX_PROCS		65536	/* live selected processes tracked in maps */
#define PL_CGROUP_PATH_MAX	1024	/* bytes of a cgroup path record (cut: flagged) */
#define PL_CGROUP_DEPTH_MAX	16	/* levels of a cgroup path walked up */
#define PL_CONTAINER_ID_MAX	64	/* hex digits of a container id */

enum pl_event_type {
	PL_EV_FORK = 1,		/* new process or thread (task_newtask) */
	PL_EV_EXEC,		/* successful exec (sched_process_exec) */
	PL_EV_EXEC_FAIL,	/* execve/execveat returned an error */
	PL_EV_COMM,		/* task renamed itself (task_rename) */
	PL_EV_EXIT,		/* task exit (sched_process_exit) */
	PL_EV_REPARENT,		/* parent died, new parent chosen */
	PL_EV_REAP,		/* zombie released */
	PL_EV_SEED,		/* already running at start (task iterator) */
	PL_EV_SCHED,		/* still running at the end (task iterator) */
	PL_EV_STATE,		/* --states: a task changed scheduler state */
	PL_EV_CGROUP,		/* a cgroup's path, once per cgroup (pl_cgroup) */
	PL_EV_CGROUP_MOVE,	/* a process moved to another cgroup */
	PL_EV_TYPE_MAX,
};

/* How a task was created, decided from clone flags and PF_KTHREAD. */
enum pl_birth_kind {
	PL_BIRTH_FORK = 1,
	PL_BIRTH_VFORK,
	PL_BIRTH_CLONE,
	PL_BIRTH_THREAD,
	PL_BIRTH_KTHREAD,
};

/* Who released a zombie. */
enum pl_reap_source {
	PL_REAP_WAIT = 1,	/* wait4/waitid returned its pid */
	PL_REAP_RELEASE,	/* freed without a wait we saw: autoreap */
	PL_REAP_NS_TEARDOWN,	/* killed and reaped by its pid namespace's end */
};

/* Why a child got a new parent. */
enum pl_reparent_reason {
	PL_REPARENT_SUBREAPER = 1,
	PL_REPARENT_INIT,
};

/* pl_exec.flags and pl_exec_fail.flags */
#define PL_EXEC_FILENAME_TRUNC	(1U << 0)
#define PL_EXEC_ARGV_TRUNC	(1U << 1)
#define PL_EXEC_AT		(1U << 2)	/* execveat */

/* pl_exit.flags */
#define PL_EXIT_GROUP_DEAD	(1U << 0)	/* last thread: the process ended */
#define PL_EXIT_LEADER		(1U << 1)	/* the thread group leader */
#define PL_EXIT_AUTOREAP	(1U << 2)	/* released at once, no zombie */
#define PL_EXIT_NS_TEARDOWN	(1U << 3)	/* killed as its pid namespace ended */

/* Common prefix of every record. The task is the subject of the event. */
struct pl_header {
	__u64 ts_ns;		/* CLOCK_BOOTTIME */
	__u64 start_ns;		/* process (leader) start, CLOCK_BOOTTIME */
	__u32 type;		/* enum pl_event_type */
	__u32 size;		/* bytes of the whole record */
	__u32 pid;		/* tgid */
	__u32 tid;
	__u32 ppid;		/* tgid of the real parent */
	__u32 uid;		/* real uid */
	char comm[PL_COMM_LEN];
};

/*
 * Where a process lives, read at birth, exec, exit, seed and cgroup move:
 * its cgroup (the v2 id, and the cgroup whose path is reported, by the
 * rule of docs/CONTAINERS.md) and its pid namespace. The path comes once
 * per cgroup in a pl_cgroup record, keyed by (path_hier, path_id).
 */
struct pl_where {
	__u64 cgroup_id;	/* v2 cgroup id (its kernfs id; 1 is the root) */
	__u64 path_id;		/* kernfs id of the cgroup the path names */
	__u32 path_hier;	/* its hierarchy: 0 v2, else a v1 hierarchy id */
	__u32 pidns;		/* inode of the process's pid namespace */
	__u32 ns_pid;		/* tgid as its own namespace sees it */
	__u32 ns_ppid;		/* the parent's tgid there; 0: outside it */
};

/* pl_cgroup.flags */
#define PL_CGROUP_CUT		(1U << 0)	/* root side of the path cut */

/* A cgroup's path from its hierarchy's root, sent the first time an event
 * names it (h: the task that named it). */
struct pl_cgroup {
	struct pl_header h;
	__u64 id;		/* kernfs id (pl_where.path_id) */
	__u32 hier;		/* pl_where.path_hier */
	__u32 flags;		/* PL_CGROUP_* */
	__u32 path_len;		/* bytes of path, without NUL */
	__u32 pad;
	/* then: path bytes, "/a/b" ("/" for the root) */
};

/* The process (h.tid: the task moved) now lives in w (a cgroup.procs
 * write, runc exec joining a container). Only the hierarchy its path
 * comes from is reported. */
struct pl_cgroup_move {
	struct pl_header h;
	struct pl_where w;
};

struct pl_fork {
	struct pl_header h;	/* the child */
	__u64 clone_flags;
	__u64 task_start_ns;	/* the new task's own start */
	__u32 parent_tid;	/* the creating thread */
	__u32 kind;		/* enum pl_birth_kind */
	__s32 exit_signal;
	__u32 pad;
	struct pl_where w;	/* the child's own (CLONE_INTO_CGROUP, CLONE_NEWPID) */
};

struct pl_exec {
	struct pl_header h;
	__u32 old_tid;		/* tid before exec; differs when a thread execs */
	__u32 flags;
	__u32 argc;
	__u32 filename_len;	/* bytes of filename, without NUL */
	__u32 argv_len;		/* bytes of argv: NUL-terminated strings */
	__u32 pad;
	struct pl_where w;
	/* then: filename bytes, argv bytes */
};

struct pl_exec_fail {
	struct pl_header h;
	__s32 ret;		/* -errno */
	__u32 flags;
	__u32 argc;		/* arguments read (at most PL_FAILED_ARGS_MAX) */
	__u32 filename_len;
	__u32 argv_len;
	__u32 pad;
	struct pl_where w;	/* the caller's: where the failed attempt ran */
	/* then: filename bytes, argv bytes */
};

struct pl_comm {
	struct pl_header h;	/* h.comm is the new name */
	char old_comm[PL_COMM_LEN];
};

/* Resource use the kernel holds at exit. Times in ns. */
struct pl_rusage {
	__u64 user_ns;
	__u64 sys_ns;
	__u64 cpu_ns;		/* sum_exec_runtime: precise on-CPU time */
	__u64 nvcsw;
	__u64 nivcsw;
	__u64 min_flt;
	__u64 maj_flt;
	__u64 maxrss_kb;	/* process high-water RSS, 0 for threads */
};

/* pl_sched.flags */
#define PL_SCHED_PARTIAL	(1U << 0)	/* part of its life not seen */
#define PL_SCHED_MISSING	(1U << 1)	/* no accounting for this task */

/* Where a task's time went, from sched_switch and wakeups. Times in ns. */
struct pl_sched {
	__u64 run_ns;		/* on a CPU */
	__u64 wait_ns;		/* runnable, waiting for a CPU */
	__u64 sleep_ns;		/* S: interruptible sleep */
	__u64 block_ns;		/* D: uninterruptible sleep */
	__u64 stopped_ns;	/* T or t: stopped or traced */
	__u32 nvcsw;		/* switches out to sleep */
	__u32 nivcsw;		/* switches out while runnable */
	__u32 migrations;	/* moves to another CPU */
	__u32 flags;		/* PL_SCHED_* */
};

struct pl_exit {
	struct pl_header h;
	__u64 task_start_ns;
	__u32 exit_code;	/* wait status: code << 8 | core 0x80 | signal */
	__u32 flags;		/* PL_EXIT_* */
	__s32 exit_signal;	/* signal sent to the parent */
	__u32 nr_threads;	/* live threads left in the group */
	struct pl_rusage task;	/* this thread */
	struct pl_rusage proc;	/* whole process, valid with GROUP_DEAD */
	struct pl_sched sched;	/* this thread */
	struct pl_sched proc_sched;	/* whole process, with GROUP_DEAD */
	struct pl_where w;
	__u32 teardown_reaper;	/* NS_TEARDOWN: host tgid of the namespace's init */
	__u32 pad;
};

struct pl_reparent {
	struct pl_header h;	/* the child; h.ppid is the new parent */
	__u32 old_ppid;
	__u32 reason;		/* enum pl_reparent_reason */
};

struct pl_reap {
	struct pl_header h;	/* the reaped process */
	__u64 exit_ns;		/* when it became a zombie */
	__u32 reaper_pid;	/* tgid, 0 when unknown */
	__u32 reaper_tid;
	__u32 source;		/* enum pl_reap_source */
	__u32 status;		/* wait status as seen by the reaper */
	char reaper_comm[PL_COMM_LEN];
};

/* pl_seed.flags */
#define PL_SEED_KTHREAD		(1U << 0)
#define PL_SEED_THREAD		(1U << 1)	/* not the group leader */
#define PL_SEED_ZOMBIE		(1U << 2)	/* exited, not yet reaped */
#define PL_SEED_WHERE_MATCH	(1U << 3)	/* matches --cgroup, --container, --pidns */

/* A task that was already running when the trace began. */
struct pl_seed {
	struct pl_header h;
	__u64 task_start_ns;
	__u32 flags;		/* PL_SEED_* */
	__u32 pad;
	struct pl_where w;
};

/* Scheduler states of --states records. */
enum pl_task_state {
	PL_STATE_RUNNING = 1,	/* R, on a CPU */
	PL_STATE_RUNNABLE,	/* R, waiting for a CPU */
	PL_STATE_SLEEP,		/* S */
	PL_STATE_BLOCK,		/* D */
	PL_STATE_STOPPED,	/* T, t */
	PL_STATE_DEAD,		/* its last switch */
};

/* --states: the task entered state at h.ts_ns. h.ppid and h.uid are left
 * zero: this record is about time, and must stay cheap. */
struct pl_state {
	struct pl_header h;
	__u32 state;		/* enum pl_task_state */
	__s32 cpu;
};

/* A task alive when the trace ends, with its scheduler accounting. */
struct pl_sched_end {
	struct pl_header h;
	__u64 task_start_ns;
	struct pl_sched sched;
};

/* Value of the zombies map: a process that exited and awaits its reaper. */
struct pl_zombie {
	__u64 start_ns;
	__u64 exit_ns;
	__u32 ppid;		/* the parent to reap it, kept up to date */
	__u32 uid;
	char comm[PL_COMM_LEN];
	__u32 ptraced;		/* a tracer's wait is not the reap */
	__u32 teardown_reaper;	/* killed by its namespace's end: the init's tgid */
};

/* Index of the lost counter array: one counter per event type. */
#define PL_LOST_SLOTS	PL_EV_TYPE_MAX

/*
 * The sizes both sides were built with. This header is compiled by clang
 * for the BPF target and by the C compiler for the loader: a record that
 * changes on one side only (a field added, padding that differs) stops
 * both builds here instead of being misread at run time. Change a size
 * only together with the record.
 */
#define PL_RECORD_SIZE(name, bytes) \
	_Static_assert(sizeof(struct name) == (bytes), \
		       "struct " #name " is not " #bytes " bytes")

PL_RECORD_SIZE(pl_header, 56);
PL_RECORD_SIZE(pl_where, 32);
PL_RECORD_SIZE(pl_cgroup, 80);
PL_RECORD_SIZE(pl_cgroup_move, 88);
PL_RECORD_SIZE(pl_fork, 120);
PL_RECORD_SIZE(pl_exec, 112);
PL_RECORD_SIZE(pl_exec_fail, 112);
PL_RECORD_SIZE(pl_comm, 72);
PL_RECORD_SIZE(pl_rusage, 64);
PL_RECORD_SIZE(pl_sched, 56);
PL_RECORD_SIZE(pl_exit, 360);
PL_RECORD_SIZE(pl_reparent, 64);
PL_RECORD_SIZE(pl_reap, 96);
PL_RECORD_SIZE(pl_seed, 104);
PL_RECORD_SIZE(pl_state, 64);
PL_RECORD_SIZE(pl_sched_end, 120);
PL_RECORD_SIZE(pl_zombie, 48);

#endif /* PROCLIFE_H */
