/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every program file includes: the kernel's types, the shared maps
 * and settings, the compatibility shims, and the helpers that build
 * records: reserve or output, count what is lost, fill the header.
 */
#ifndef PL_COMMON_BPF_H
#define PL_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "proclife.h"
#include "track.h"
#include "maps.bpf.h"
#include "core_fixes.bpf.h"

/*
 * The records of the syscalls: tracepoints (the format files under
 * events/syscalls/), the same on every kernel: plain structs, where the
 * kernel's trace_event_raw_sys_enter/exit would cost each start a search
 * through the kernel BTF for their CO-RE relocations.
 */
struct sys_enter_rec {
	__u64 common;		/* struct trace_entry */
	long id;		/* __syscall_nr */
	unsigned long args[6];
};

struct sys_exit_rec {
	__u64 common;
	long id;
	long ret;
};

/*
 * A list_head's two links, read at their fixed places (next, then prev)
 * without a CO-RE relocation of their own, for the same reason.
 */
static __always_inline void *list_next(const void *node)
{
	void *p = NULL;

	bpf_probe_read_kernel(&p, sizeof(p), node);
	return p;
}

static __always_inline void *list_prev(const void *node)
{
	void *p = NULL;

	bpf_probe_read_kernel(&p, sizeof(p), (const char *)node + sizeof(p));
	return p;
}

/* Kernel constants (macros, so not in vmlinux.h). */
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
#define WEXITED			0x00000004
#define WNOWAIT			0x01000000
#define CLD_EXITED		1
#define CLD_DUMPED		3
#define PF_EXITING		0x00000004

static __always_inline void count_lost(__u32 type)
{
	__u64 *n = bpf_map_lookup_elem(&lost, &type);

	if (n)
		(*n)++;		/* per-CPU slot: no atomics needed */
	/* tells the loader to read the slots (tracer_lost) */
	__sync_fetch_and_add(&lost_generation, 1);
}

/* A loss other than a full ring buffer (enum pl_loss_kind). */
static __always_inline void count_loss(__u32 kind)
{
	count_lost(PL_LOST_KIND_BASE + kind);
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

/*
 * What a record's header says of the task (all but type, size and time),
 * read once where a program starts and copied into each record it sends.
 * On 6.3+ kernels the verifier pays a search through the kernel's BTF for
 * each load of a pointer field (group_leader, real_parent, real_cred)
 * from a pointer it trusts, on every path that reaches the load: read
 * before the program branches, each is checked once.
 */
static __always_inline void task_header(struct pl_header *h,
					struct task_struct *task,
					struct task_struct *leader)
{
	h->ts_ns = 0;
	h->start_ns = leader->start_boottime;
	h->type = 0;
	h->size = 0;
	h->pid = task->tgid;
	h->tid = task->pid;
	h->ppid = task->real_parent->tgid;
	h->uid = task->real_cred->uid.val;
	__builtin_memcpy(h->comm, task->comm, PL_COMM_LEN);
}

static __always_inline void put_header(struct pl_header *h,
				       const struct pl_header *who,
				       __u32 type, __u32 size, __u64 ts)
{
	*h = *who;
	h->ts_ns = ts;
	h->type = type;
	h->size = size;
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

#endif /* PL_COMMON_BPF_H */
