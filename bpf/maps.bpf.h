/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every map and setting used by more than one program file, said once.
 * maps.bpf.c defines them (PL_DEFINE_SHARED); every other file sees them
 * as extern, and `bpftool gen object` resolves each extern to that one
 * definition, checking that both sides agree. Maps used by a single file
 * live in that file.
 *
 * The settings are what the loader (src/tracer.c) writes into the
 * skeleton's rodata before load, so the verifier prunes what is off;
 * trace_start_ns is written into bss after load.
 */
#ifndef PL_MAPS_BPF_H
#define PL_MAPS_BPF_H

#ifdef PL_DEFINE_SHARED
#define PL_SHARED
#define PL_INIT(...)	= __VA_ARGS__
#else
#define PL_SHARED	extern
#define PL_INIT(...)
#endif

/* ---- settings --------------------------------------------------------- */

PL_SHARED const volatile bool filter_active PL_INIT(false);	/* any of -p, -c, -u, CMD, --cgroup, --container, --pidns */
PL_SHARED const volatile bool filter_pids PL_INIT(false);	/* -p or command mode */
PL_SHARED const volatile bool filter_comm PL_INIT(false);
PL_SHARED const volatile bool filter_uid PL_INIT(false);
/* -c and -u: a task matches any of the names, and any of the users */
PL_SHARED const volatile __u32 nr_target_uids PL_INIT(0);
PL_SHARED const volatile __u32 target_uids[PL_MAX_UIDS] PL_INIT({});
PL_SHARED const volatile __u32 nr_target_comms PL_INIT(0);
PL_SHARED const volatile char target_comms[PL_MAX_COMMS][PL_COMM_LEN] PL_INIT({});
PL_SHARED const volatile bool trace_kthreads PL_INIT(false);
PL_SHARED const volatile __u32 argv_limit PL_INIT(PL_ARGV_DEFAULT);
/* Pending bytes past which a submit wakes the loader; below it the loader
 * polls on its own clock, so a storm costs no wake-up per event. */
PL_SHARED const volatile __u64 wakeup_bytes PL_INIT(1 << 20);
/* false with --no-sched, or where the kernel cannot support it */
PL_SHARED const volatile bool account_sched PL_INIT(true);
/* --states: one record per state change of a selected task */
PL_SHARED const volatile bool emit_states PL_INIT(false);
/* The fentry variant runs (fentry.bpf.c): reaps at release_task, failed
 * execs at the syscall's fexit; no syscalls: tracepoint. */
PL_SHARED const volatile bool hooks_fentry PL_INIT(false);
/* Tracepoint shapes, set by the loader from BTF: see core_fixes.bpf.h. */
PL_SHARED const volatile bool switch_has_prev_state PL_INIT(false);
PL_SHARED const volatile bool exit_has_group_dead PL_INIT(false);
/* Containers (cgroup.bpf.h): the v1 hierarchy whose path a process at
 * the v2 root gets (0: none mounted), and the filters --cgroup and
 * --container (filter_cgroup: cgroup_filter holds the ids that select;
 * match_container: a container appearing later adds its own) and --pidns. */
PL_SHARED const volatile __u32 cgroup_v1_hier PL_INIT(0);
PL_SHARED const volatile bool filter_cgroup PL_INIT(false);
PL_SHARED const volatile bool match_container PL_INIT(false);
PL_SHARED const volatile char target_container[PL_CONTAINER_ID_MAX] PL_INIT({});
PL_SHARED const volatile __u32 target_container_len PL_INIT(0);
PL_SHARED const volatile bool filter_pidns PL_INIT(false);
PL_SHARED const volatile __u32 target_pidns PL_INIT(0);
/* Boot-clock time the programs were attached: tasks started after it are
 * seen whole (the kernel's counters start at their birth). */
PL_SHARED __u64 trace_start_ns PL_INIT(0);

/* Per-task state is in task storage (5.11+), not a hash by tid: each
 * task's where is then cached there (cgroup.bpf.h). */
PL_SHARED const volatile bool task_storage PL_INIT(false);
/* Bumped at every cgroup migration: a task's cached where is good while
 * the count has not moved since it was read (cgroup.bpf.h). */
PL_SHARED __u64 cgroup_gen PL_INIT(0);

/* ---- records and their losses ----------------------------------------- */

PL_SHARED struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} events SEC(".maps");

/* Records the ring buffer could not take, per event type. */
PL_SHARED struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PL_LOST_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

/* Bumped after every count in `lost`: the loader reads it through the
 * mmap'd .bss at no syscall cost and reads `lost` only when it moved. */
PL_SHARED __u64 lost_generation PL_INIT(0);

/* ---- exec -------------------------------------------------------------- */

/* An execve/execveat in flight: its argument pointers, for its failure
 * (the tracepoint variant), its flags, and the caller's argv[0] (a #!
 * script's new image does not keep it). */
struct exec_args {
	__u64 filename;
	__u64 argv;
	__u32 flags;
	__u32 argv0_len;	/* bytes of the caller's argv[0], no NUL */
	char argv0[PL_ARGV0_MAX];
};

PL_SHARED struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct exec_args);
} exec_args SEC(".maps");

#define ARGS_AREA (2 * PL_ARGV_MAX)	/* argv, and the mask's room */
#define SCRATCH_SIZE (sizeof(struct pl_exec) + PL_FILENAME_MAX + ARGS_AREA + \
		      3 * PL_FILENAME_MAX + PL_ARGV0_MAX)	/* + cwd */

#define NAME_MAX_READ	255	/* bytes of one path component */

/* A path walk's state (see pl_path_step). */
struct path_state {
	struct dentry *dentry;
	struct mount *mnt;		/* the mount dentry is on */
	struct dentry *root;		/* mnt's root dentry */
	struct mount *up;		/* mnt's parent mount */
	struct dentry *mountpoint;	/* where mnt is mounted in up */
	__u32 pos;		/* first byte written so far in path[] */
	__u32 trunc;
};

/* A failed exec's argument walk (see pl_argv_step). */
struct argv_state {
	__u64 argv;		/* the caller's pointer array */
	__u64 off;		/* bytes kept */
	__u64 limit;		/* --argv-bytes */
	__u32 argc;
	__u32 cut_index;
	__u32 flags;
	__u32 end;		/* the NULL (or an unreadable pointer) was reached */
};

struct scratch {
	char buf[SCRATCH_SIZE];
	char path[PL_FILENAME_MAX + NAME_MAX_READ + 1];
	struct path_state walk;
	struct argv_state av;
};

/* Where exec records (variable size) are built. One buffer per CPU (the
 * loader sets max_entries to the CPU count): a plain array, as a per-CPU
 * one is limited to 32 KiB a value. Programs here do not migrate while
 * they run. */
PL_SHARED struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

/* ---- selection and lifecycle ------------------------------------------ */

/* tracked: tgid -> TRACK_* bits (track.h), only used while filters are on. */

PL_SHARED struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PL_MAX_PROCS);
	__type(key, __u32);
	__type(value, struct pl_track);
} tracked SEC(".maps");

/* Processes that exited and still wait for their reaper. */
PL_SHARED struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PL_MAX_PROCS);
	__type(key, __u32);
	__type(value, struct pl_zombie);
} zombies SEC(".maps");

/* One bit per global pid (PID_MAX_LIMIT is 4M on 64 bits), set while
 * that pid may have a zombies entry (zombie.bpf.h): 512 KiB of .bss. */
#define ZOMBIE_BIT_WORDS	(4194304 / 64)
PL_SHARED __u64 zombie_bits[ZOMBIE_BIT_WORDS];

/* A zombie under its pid in each of its namespaces: wait4() and waitid()
 * give the waiter's view, the zombies map is keyed by the global pid.
 * Preallocated, as every map of a tracing program must be (5.10 warns). */
PL_SHARED struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PL_MAX_PROCS);
	__type(key, struct pl_ns_pid);
	__type(value, __u32);
} zombie_alias SEC(".maps");

/* Live processes given to a new parent: their reap says "subreaper" or
 * "init". Keyed by tgid, checked against the start. */
struct moved {
	__u64 start_ns;
	__u32 reason;		/* enum pl_reparent_reason */
	__u32 pad;
};

PL_SHARED struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PL_MAX_PROCS);
	__type(key, __u32);
	__type(value, struct moved);
} moved SEC(".maps");

/* Entries in moved, or more: raised before an insert, lowered after a
 * delete. While it is 0 (no orphan waits for its reap: most of the
 * time), exits, reaps and frees skip their lookups. */
PL_SHARED __u64 moved_count PL_INIT(0);

/* Exits that claimed their signal_struct, where the exit tracepoint does
 * not say whether the group died (core_fixes.bpf.h). */
PL_SHARED struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);		/* the signal_struct */
	__type(value, __u8);
} group_exits SEC(".maps");

/* ---- cgroups ---------------------------------------------------------- */

struct cgroup_key {
	__u64 id;		/* kernfs id */
	__u32 hier;		/* 0: v2, else the v1 hierarchy id */
	__u32 pad;
};

/* Cgroups whose path was sent (pl_cgroup): each is described once. An
 * evicted one is only described again. */
PL_SHARED struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct cgroup_key);
	__type(value, __u8);
} cgroup_seen SEC(".maps");

/* --cgroup, --container: the cgroups whose processes (and those of every
 * cgroup below them) are selected. */
#define PL_CGROUP_FILTER_MAX	1024
PL_SHARED struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PL_CGROUP_FILTER_MAX);
	__type(key, struct cgroup_key);
	__type(value, __u8);
} cgroup_filter SEC(".maps");

/* Per-CPU room to build a cgroup's path (cgroup.bpf.c): each level's
 * name (leaf first), the path as it is built, then the record. */
#define CG_NAME_SLOT	256	/* NAME_MAX and its NUL */
#define CG_PATH_ROOM	(PL_CGROUP_PATH_MAX + CG_NAME_SLOT)

struct cgroup_scratch {
	/* a where read afresh (pl_where_afresh()), for its caller */
	struct pl_where where;
	__u64 where_ns;		/* its pid namespace */
	__u64 where_kn;		/* the kernfs node its path names */
	__u32 where_level;	/* that namespace's level */
	__u32 where_pad;
	char names[PL_CGROUP_DEPTH_MAX][CG_NAME_SLOT];
	__u32 lens[PL_CGROUP_DEPTH_MAX];
	__u64 ids[PL_CGROUP_DEPTH_MAX];
	/* the walk up, one level a step (cgroup.bpf.c) */
	__u64 walk_kn;		/* the next node up */
	__u32 walk_depth;	/* levels named so far */
	__u32 walk_pos;		/* the path so far starts at back[walk_pos] */
	__u32 walk_full;	/* no more levels fit in the path */
	__u32 walk_pad;
	char back[CG_PATH_ROOM];	/* the path, written leaf first from the end */
	struct pl_cgroup rec;
	char path[CG_PATH_ROOM];	/* follows rec: one record */
};

PL_SHARED struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cgroup_scratch);
} cgroup_scratch SEC(".maps");

/* ---- scheduler accounting --------------------------------------------- */

/* Where a task lives, as fill_where() (cgroup.bpf.h) last read it: good
 * while gen is cgroup_gen + 1 (0: never read). Kept with the scheduler's
 * per-task state: one task storage element per task, not two. */
struct where_cache {
	__u64 gen;
	__u64 cgroup_id;
	__u64 path_id;
	__u64 pidns_ptr;	/* its pid namespace (the task holds it) */
	__u32 path_hier;
	__u32 pidns;
	__u32 ns_pid;
	__u32 level;		/* of the pid namespace: 0 is the host's */
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
	struct where_cache where;	/* task storage only */
};

/* Per-task state: task storage where the kernel has it (5.11+), else a
 * hash by tid; the loader creates one of the two. */
PL_SHARED struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_sched);
} sched_storage SEC(".maps");

PL_SHARED struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PL_MAX_PROCS);
	__type(key, __u32);
	__type(value, struct task_sched);
} sched_by_tid SEC(".maps");

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

PL_SHARED struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CAL_CPUS);
	__type(key, __u32);
	__type(value, struct clock_cal);
} clock_cal SEC(".maps");

#endif /* PL_MAPS_BPF_H */
