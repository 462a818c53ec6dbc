/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Maps, settings and helpers shared by the lifecycle programs: the ring
 * buffer and its loss counters, task selection, and record headers.
 */
#ifndef PL_COMMON_BPF_H
#define PL_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "proclife.h"

#define PF_KTHREAD		0x00200000
#define CLONE_VM		0x00000100
#define CLONE_VFORK		0x00004000
#define CLONE_THREAD		0x00010000
#define CSIGNAL			0x000000ff
/* tid bookkeeping only: glibc fork() passes these */
#define CLONE_TID_FLAGS		(0x00100000 | 0x00200000 | 0x01000000)
#define SIGCHLD			17
#define SIG_IGN			1
#define SA_NOCLDWAIT		2
#define SIGNAL_GROUP_EXIT	0x00000004
#define SIGNAL_GROUP_COREDUMP	0x00000008	/* kernels before 5.16 */
#define WEXITED			0x00000004
#define WNOWAIT			0x01000000
#define CLD_EXITED		1
#define CLD_DUMPED		3

/* Settings: fixed before load, so the verifier prunes what is off. */
const volatile bool filter_active = false;	/* any of -p, -c, -u, CMD */
const volatile bool filter_pids = false;	/* -p or command mode */
const volatile bool filter_comm = false;
const volatile bool filter_uid = false;
/* -c and -u: a task matches any of the names, and any of the users */
const volatile __u32 nr_target_uids = 0;
const volatile __u32 target_uids[PL_MAX_UIDS] = {};
const volatile __u32 nr_target_comms = 0;
const volatile char target_comms[PL_MAX_COMMS][PL_COMM_LEN] = {};
const volatile bool trace_kthreads = false;
const volatile __u32 argv_limit = PL_ARGV_DEFAULT;
/* Pending bytes past which a submit wakes the loader; below it the loader
 * polls on its own clock, so a storm costs no wake-up per event. */
const volatile __u64 wakeup_bytes = 1 << 20;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} events SEC(".maps");

/* Records the ring buffer could not take, per event type. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PL_LOST_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

/* tracked: tgid -> TRACK_* bits, only used while filters are on. */
#define TRACK_IN_TREE	1	/* one of -p PIDs, CMD, or a descendant */
#define TRACK_SELECTED	2	/* matches every filter: traced for life */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PL_MAX_PROCS);
	__type(key, __u32);
	__type(value, __u8);
} tracked SEC(".maps");

/* Processes that exited and still wait for their reaper. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PL_MAX_PROCS);
	__type(key, __u32);
	__type(value, struct pl_zombie);
} zombies SEC(".maps");

static __always_inline void count_lost(__u32 type)
{
	__u64 *n = bpf_map_lookup_elem(&lost, &type);

	if (n)
		(*n)++;		/* per-CPU slot: no atomics needed */
}

static __always_inline __u64 submit_flags(void)
{
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

static __always_inline void *reserve(__u32 size, __u32 type)
{
	void *rec = bpf_ringbuf_reserve(&events, size, 0);

	if (!rec)
		count_lost(type);
	return rec;
}

static __always_inline void submit(void *rec)
{
	bpf_ringbuf_submit(rec, submit_flags());
}

/* For records built in scratch memory (variable size). */
static __always_inline void output(void *rec, __u64 size, __u32 type)
{
	if (bpf_ringbuf_output(&events, rec, size, submit_flags()))
		count_lost(type);
}

/*
 * Fields are read directly where the verifier knows the pointer's type
 * (tracepoint arguments, the task iterator): a plain load, where
 * BPF_CORE_READ costs a helper call per field. The _probe variants are for
 * pointers it does not know (found by walking a list, or from
 * bpf_get_current_task() in syscall tracepoints).
 */
static __always_inline bool is_kthread(struct task_struct *task)
{
	return task->flags & PF_KTHREAD;
}

static __always_inline void fill_header(struct pl_header *h, __u32 type,
					__u32 size, struct task_struct *task,
					__u64 ts)
{
	h->ts_ns = ts;
	h->start_ns = task->group_leader->start_boottime;
	h->type = type;
	h->size = size;
	h->pid = task->tgid;
	h->tid = task->pid;
	h->ppid = task->real_parent->tgid;
	h->uid = task->real_cred->uid.val;
	__builtin_memcpy(h->comm, task->comm, PL_COMM_LEN);
}

static __always_inline void fill_header_probe(struct pl_header *h, __u32 type,
					      __u32 size,
					      struct task_struct *task,
					      __u64 ts)
{
	h->ts_ns = ts;
	h->start_ns = BPF_CORE_READ(task, group_leader, start_boottime);
	h->type = type;
	h->size = size;
	h->pid = BPF_CORE_READ(task, tgid);
	h->tid = BPF_CORE_READ(task, pid);
	h->ppid = BPF_CORE_READ(task, real_parent, tgid);
	h->uid = BPF_CORE_READ(task, real_cred, uid.val);
	BPF_CORE_READ_INTO(&h->comm, task, comm);
}

static __always_inline bool comm_is(const char *comm, __u32 k)
{
	for (int i = 0; i < PL_COMM_LEN; i++) {
		if (comm[i] != target_comms[k][i])
			return false;
		if (!comm[i])
			return true;
	}
	return true;
}

static __always_inline bool comm_matches(const char *comm)
{
	for (__u32 k = 0; k < PL_MAX_COMMS && k < nr_target_comms; k++)
		if (comm_is(comm, k))
			return true;
	return false;
}

static __always_inline bool uid_matches(__u32 uid)
{
	for (__u32 k = 0; k < PL_MAX_UIDS && k < nr_target_uids; k++)
		if (uid == target_uids[k])
			return true;
	return false;
}

/* Do the task's current facts satisfy -c and -u? (-p is tree membership.) */
static __always_inline bool task_matches(struct task_struct *task,
					 const char *comm)
{
	if (filter_uid && !uid_matches(task->real_cred->uid.val))
		return false;
	if (filter_comm) {
		char buf[PL_COMM_LEN];

		if (!comm) {
			__builtin_memcpy(buf, task->comm, PL_COMM_LEN);
			comm = buf;
		}
		if (!comm_matches(comm))
			return false;
	}
	return true;
}

/*
 * Is the process traced? When it is not yet, look again with its current
 * facts (comm is the name it is about to take, or NULL for its own), and
 * remember a match for the rest of its life.
 */
static __always_inline bool select_task(struct task_struct *task, __u32 tgid,
					const char *comm)
{
	__u8 *bits, val = 0;

	if (!filter_active)
		return true;
	bits = bpf_map_lookup_elem(&tracked, &tgid);
	if (bits) {
		if (*bits & TRACK_SELECTED)
			return true;
		val = *bits;
	}
	if (filter_pids && !(val & TRACK_IN_TREE))
		return false;
	if (!task_matches(task, comm))
		return false;
	val |= TRACK_SELECTED;
	bpf_map_update_elem(&tracked, &tgid, &val, BPF_ANY);
	return true;
}

static __always_inline bool is_selected(__u32 tgid)
{
	__u8 *bits;

	if (!filter_active)
		return true;
	bits = bpf_map_lookup_elem(&tracked, &tgid);
	return bits && (*bits & TRACK_SELECTED);
}

static __always_inline void forget_task(__u32 tgid)
{
	if (filter_active)
		bpf_map_delete_elem(&tracked, &tgid);
}

#endif /* PL_COMMON_BPF_H */
