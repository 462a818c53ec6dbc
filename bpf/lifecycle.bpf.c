// SPDX-License-Identifier: GPL-2.0
/*
 * A process's life up to its exit: birth (task_newtask), exec
 * (sched_process_exec, and the execve/execveat syscalls for the execs
 * that fail) and rename (task_rename). Each handler decides selection
 * first and reserves ring-buffer space only for records that will be
 * delivered.
 */
#include "common.bpf.h"
#include "select.bpf.h"
#include "exec.bpf.h"

/* ---- birth ------------------------------------------------------------ */

static __always_inline __u32 birth_kind(struct task_struct *task, __u64 flags)
{
	if (is_kthread(task))
		return PL_BIRTH_KTHREAD;
	if (flags & CLONE_THREAD)
		return PL_BIRTH_THREAD;
	if (flags & CLONE_VFORK)
		return PL_BIRTH_VFORK;
	/* the exit signal is not in the flags by now, but in the task */
	if ((flags & ~(__u64)(CSIGNAL | CLONE_TID_FLAGS)) == 0 &&
	    task->exit_signal == SIGCHLD)
		return PL_BIRTH_FORK;
	return PL_BIRTH_CLONE;
}

/* A new process inherits its parent's tree membership and selection. */
static __always_inline bool select_child(struct task_struct *child,
					 __u32 parent_tgid, __u32 tgid)
{
	__u8 *bits, val;

	if (!filter_active)
		return true;
	bits = bpf_map_lookup_elem(&tracked, &parent_tgid);
	if (bits && *bits) {
		val = *bits;
		bpf_map_update_elem(&tracked, &tgid, &val, BPF_ANY);
		if (val & TRACK_SELECTED)
			return true;
	}
	return select_task(child, tgid, NULL);
}

/* task_newtask runs in the creator, before the child can run: the birth
 * record always precedes anything the child does. */
SEC("tp_btf/task_newtask")
int BPF_PROG(handle_newtask, struct task_struct *task, u64 clone_flags)
{
	__u64 ts = bpf_ktime_get_boot_ns();
	__u64 cur = bpf_get_current_pid_tgid();	/* the creator */
	__u32 tgid = task->tgid;
	struct pl_fork *e;
	struct pl_where w;
	bool selected;

	if (!trace_kthreads && is_kthread(task))
		return 0;
	/* the child's own cgroup and numbers (CLONE_INTO_CGROUP,
	 * CLONE_NEWPID), read first: a new container is matched */
	fill_where(task, &w, ts);
	if (clone_flags & CLONE_THREAD)
		selected = is_selected(tgid);
	else
		selected = select_child(task, cur >> 32, tgid);
	if (!selected)
		return 0;

	e = reserve(sizeof(*e), PL_EV_FORK);
	if (!e)
		return 0;
	fill_header(&e->h, PL_EV_FORK, sizeof(*e), task, ts);
	e->clone_flags = clone_flags;
	e->task_start_ns = task->start_boottime;
	e->parent_tid = (__u32)cur;
	e->kind = birth_kind(task, clone_flags);
	e->exit_signal = task->exit_signal;
	e->pad = 0;
	e->w = w;
	submit(e);
	return 0;
}

/* ---- exec ------------------------------------------------------------- */

/*
 * argv is read from the new image's own stack, where the kernel has just
 * copied it: what the program really got, boundaries and all.
 */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_exec, struct task_struct *task, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	__u64 ts = bpf_ktime_get_boot_ns();
	__u32 tgid = task->tgid;
	__u32 old_tid = old_pid;
	unsigned long arg_start, arg_end, len;
	struct scratch *s;
	struct pl_exec *e;
	bool trunc = false;
	__u32 fname_len;
	struct pl_where w;
	__u64 size;

	struct exec_args *a = bpf_map_lookup_elem(&exec_args, &old_tid);
	__u32 at = a ? a->flags & PL_EXEC_AT : 0;

	if (a)
		bpf_map_delete_elem(&exec_args, &old_tid);
	if (!trace_kthreads && is_kthread(task))
		return 0;
	fill_where(task, &w, ts);	/* first: a new container is matched */
	if (!select_task(task, tgid, NULL))
		return 0;
	s = get_scratch();
	if (!s)
		return 0;
	e = (void *)s->buf;
	e->old_tid = old_tid;
	e->flags = at;
	e->argc = bprm->argc;
	e->pad = 0;
	e->w = w;

	fname_len = read_filename(s->buf + sizeof(*e), bprm->filename, false,
				  &trunc);
	if (trunc)
		e->flags |= PL_EXEC_FILENAME_TRUNC;
	e->filename_len = fname_len;

	arg_start = task->mm->arg_start;
	arg_end = task->mm->arg_end;
	len = arg_end > arg_start ? arg_end - arg_start : 0;
	if (len > argv_limit) {
		len = argv_limit;
		e->flags |= PL_EXEC_ARGV_TRUNC;
	}
	if (len > PL_ARGV_MAX)
		len = PL_ARGV_MAX;
	if (len && bpf_probe_read_user(s->buf + sizeof(*e) + fname_len, len,
				       (void *)arg_start))
		len = 0;
	e->argv_len = len;

	size = sizeof(*e) + fname_len + len;
	fill_header(&e->h, PL_EV_EXEC, size, task, ts);
	if (size > SCRATCH_SIZE)
		return 0;
	output(e, size, PL_EV_EXEC);
	return 0;
}

static __always_inline int stash_exec(__u64 filename, __u64 argv, __u32 flags)
{
	__u64 cur = bpf_get_current_pid_tgid();
	struct exec_args a = { .filename = filename, .argv = argv, .flags = flags };
	__u32 tid = (__u32)cur;

	if (!is_selected(cur >> 32))
		return 0;
	bpf_map_update_elem(&exec_args, &tid, &a, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int handle_enter_execve(struct trace_event_raw_sys_enter *ctx)
{
	return stash_exec(ctx->args[0], ctx->args[1], 0);
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int handle_enter_execveat(struct trace_event_raw_sys_enter *ctx)
{
	return stash_exec(ctx->args[1], ctx->args[2], PL_EXEC_AT);
}

/* A failed exec changes nothing, so its arguments are still in the
 * caller's memory: read them now that the error is known. */
static __always_inline int exec_failed(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = bpf_get_current_pid_tgid();
	struct exec_args *a = bpf_map_lookup_elem(&exec_args, &tid);

	if (!a)
		return 0;
	if (ctx->ret < 0)
		emit_exec_fail(ctx->ret, a->filename, a->argv, a->flags);
	bpf_map_delete_elem(&exec_args, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_execve")
int handle_exit_execve(struct trace_event_raw_sys_exit *ctx)
{
	return exec_failed(ctx);
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int handle_exit_execveat(struct trace_event_raw_sys_exit *ctx)
{
	return exec_failed(ctx);
}

/* ---- rename ----------------------------------------------------------- */

/* Every exec renames the task too; that is part of the exec record. */
static __always_inline bool in_exec(struct task_struct *task)
{
	bool known, in = task_in_execve(task, &known);
	__u32 tid;

	if (known)
		return in;
	if (hooks_fentry)	/* no stash of every exec: see exec.bpf.h */
		return exec_mm_fresh(task);
	tid = BPF_CORE_READ(task, pid);
	return bpf_map_lookup_elem(&exec_args, &tid) != NULL;
}

SEC("tp_btf/task_rename")
int BPF_PROG(handle_rename, struct task_struct *task, const char *comm)
{
	__u64 ts = bpf_ktime_get_boot_ns();
	struct pl_comm *e;
	char name[PL_COMM_LEN] = {};

	if (!trace_kthreads && is_kthread(task))
		return 0;
	if (in_exec(task))
		return 0;
	bpf_probe_read_kernel_str(name, sizeof(name), comm);
	if (!select_task(task, task->tgid, name))
		return 0;
	e = reserve(sizeof(*e), PL_EV_COMM);
	if (!e)
		return 0;
	fill_header(&e->h, PL_EV_COMM, sizeof(*e), task, ts);
	__builtin_memcpy(e->old_comm, e->h.comm, PL_COMM_LEN);
	__builtin_memcpy(e->h.comm, name, PL_COMM_LEN);
	submit(e);
	return 0;
}
