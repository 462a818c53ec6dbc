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
#define PL_REPARENT_MORE	1024	/* children past it still counted and
					 * remembered for their reap's "how" */
#define PL_PID_FILTER_MAX	1024
#define PL_MAX_COMMS		8	/* names one run filters on (-c) */
#define PL_MAX_UIDS		8	/* users one run filters on (-u) */
#define PL_MAX_PROCS		65536	/* live selected processes tracked in maps */
#define PL_NS_LEVELS		4	/* pid namespace levels below the initial one
					 * under which a zombie can be found */
#define PL_ARGV0_MAX		64	/* bytes of the caller's argv[0] kept */
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
	PL_EV_SELECT,		/* a process selected mid-life (-c, -u) */
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

/* How a zombie was released: decided once, in the kernel side. */
enum pl_reap_how {
	PL_REAP_WAIT = 1,	/* by its parent (wait4/waitid/io_uring waitid) */
	PL_REAP_SUBREAPER,	/* by the child subreaper it was given to */
	PL_REAP_INIT,		/* by its namespace's init after a reparent */
	PL_REAP_AUTOREAP,	/* by the kernel at its exit: SIGCHLD ignored,
				 * SA_NOCLDWAIT or no exit signal */
	PL_REAP_NS_TEARDOWN,	/* by the kernel: its namespace's init exited */
};

/* pl_reap.flags */
#define PL_REAP_EXACT		(1U << 0)	/* ts is the release; else an upper bound */
#define PL_REAP_STATUS		(1U << 1)	/* status is the exit status */
#define PL_REAP_EXIT_KNOWN	(1U << 2)	/* exit_ns is the exit (not a seeded zombie) */

/* Kinds of loss besides a full ring buffer: one counter each. */
enum pl_loss_kind {
	PL_LOSS_RING_FULL = 0,	/* kept per event type in the lost map */
	PL_LOSS_ARGV_UNREADABLE,
	PL_LOSS_REPARENT_LIMIT,
	PL_LOSS_TRACKED_FULL,
	PL_LOSS_ZOMBIES_FULL,
	PL_LOSS_NS_DEEP,
	PL_LOSS_LOADER_ALLOC,	/* user space: a ring record not allocated */
	PL_LOSS_TIMELINE_ALLOC,	/* user space: the model out of memory */
	PL_LOSS_KINDS,
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
#define PL_EXEC_ARGV_UNREADABLE	(1U << 3)	/* part of argv could not be read */
#define PL_EXEC_SCRIPT		(1U << 4)	/* interp differs from filename: #! */
#define PL_EXEC_EXE_TRUNC	(1U << 5)
#define PL_EXEC_CWD_TRUNC	(1U << 6)	/* cwd cut: too deep or too long */

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
	struct pl_header h;	/* the child; h.ppid is the real parent */
	__u64 clone_flags;
	__u64 task_start_ns;	/* the new task's own start */
	__u32 parent_tid;	/* the creating thread */
	__u32 kind;		/* enum pl_birth_kind */
	__s32 exit_signal;
	__u32 creator_pid;	/* tgid of the creator (differs with CLONE_PARENT) */
	struct pl_where w;	/* the child's own (CLONE_INTO_CGROUP, CLONE_NEWPID) */
};

struct pl_exec {
	struct pl_header h;
	__u32 old_tid;		/* tid before exec; differs when a thread execs */
	__u32 flags;
	__u32 argc;
	__u32 filename_len;	/* bytes of filename, without NUL */
	__u32 argv_len;		/* bytes of argv: NUL-terminated strings */
	__u32 cut_index;	/* with ARGV_TRUNC: first argument not kept whole */
	__u32 exe_len;		/* real path of the executable that runs */
	__u32 interp_len;	/* with SCRIPT: bprm->interp, the script's path */
	__u32 argv0_len;	/* the caller's argv[0] (PL_ARGV0_MAX) */
	__u32 cwd_len;		/* the working directory at exec */
	struct pl_where w;
	/* then: filename, argv, exe, interp, argv0, cwd bytes */
};

struct pl_exec_fail {
	struct pl_header h;
	__s32 ret;		/* -errno */
	__u32 flags;
	__u32 argc;		/* arguments read */
	__u32 filename_len;
	__u32 argv_len;
	__u32 cut_index;	/* with ARGV_TRUNC: first argument not kept whole */
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
	__u32 reaper_tid;	/* 0 when only the process is known */
	__u32 how;		/* enum pl_reap_how */
	__u32 status;		/* wait status, with PL_REAP_STATUS */
	__u32 flags;		/* PL_REAP_* */
	__u32 pad;
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
	__u32 exit_code;	/* with PL_SEED_ZOMBIE: its wait status */
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

/* Why a process was selected mid-life. */
enum pl_select_reason {
	PL_SELECT_EXEC = 1,	/* its exec gave it the -c name */
	PL_SELECT_COMM,		/* a rename gave it the -c name */
	PL_SELECT_UID,		/* a setuid gave it the -u uid */
};

/* A process picked up mid-life: nothing before it was lost, it was not
 * selected then. Comes before the record of the event that selected it. */
struct pl_select {
	struct pl_header h;
	__u32 reason;		/* enum pl_select_reason */
	__u32 pad;
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
	__u64 exit_ns;		/* 0: already a zombie at the start */
	__u32 ppid;		/* the parent to reap it, kept up to date */
	__u32 uid;
	char comm[PL_COMM_LEN];
	__u32 ptraced;		/* a tracer's wait is not the reap */
	__u32 status;		/* exit status: the reap carries it */
	__u32 reparent;		/* enum pl_reparent_reason of its last move, or 0 */
	__u32 seen_at_end;	/* set by the end-of-trace iterator: still a zombie */
	__u64 ns[PL_NS_LEVELS];	/* its pid namespaces below the initial one */
	__u32 nr[PL_NS_LEVELS];	/* and its pid in each (0: none) */
};

/* The reap's "how" for a reaper that waited, after the zombie's last
 * move (enum pl_reparent_reason, 0 if none). Shared by both sides. */
static inline __u32 pl_reap_how_after(__u32 reparent)
{
	if (reparent == PL_REPARENT_SUBREAPER)
		return PL_REAP_SUBREAPER;
	if (reparent == PL_REPARENT_INIT)
		return PL_REAP_INIT;
	return PL_REAP_WAIT;
}

/* Key of the zombie_alias map: a zombie's pid as a namespace sees it. */
struct pl_ns_pid {
	__u64 ns;
	__u32 nr;
	__u32 pad;
};

/* Value of the tracked map (only with filters): selection for one life. */
struct pl_track {
	__u64 start_ns;		/* the process's start: a reused pid is another life */
	__u32 bits;		/* TRACK_* */
	__u32 reparent;		/* enum pl_reparent_reason of its last move, or 0 */
};

/* Index of the lost counter array: one counter per event type, then one
 * per loss kind (PL_LOST_KIND_BASE + enum pl_loss_kind). */
#define PL_LOST_KIND_BASE	PL_EV_TYPE_MAX
#define PL_LOST_SLOTS	(PL_LOST_KIND_BASE + PL_LOSS_KINDS)

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
PL_RECORD_SIZE(pl_exec, 128);
PL_RECORD_SIZE(pl_exec_fail, 112);
PL_RECORD_SIZE(pl_comm, 72);
PL_RECORD_SIZE(pl_rusage, 64);
PL_RECORD_SIZE(pl_sched, 56);
PL_RECORD_SIZE(pl_exit, 360);
PL_RECORD_SIZE(pl_reparent, 64);
PL_RECORD_SIZE(pl_reap, 104);
PL_RECORD_SIZE(pl_seed, 104);
PL_RECORD_SIZE(pl_state, 64);
PL_RECORD_SIZE(pl_sched_end, 120);
PL_RECORD_SIZE(pl_zombie, 104);
PL_RECORD_SIZE(pl_select, 64);
PL_RECORD_SIZE(pl_track, 16);
PL_RECORD_SIZE(pl_ns_pid, 16);

#endif /* PROCLIFE_H */
