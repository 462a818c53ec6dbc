// SPDX-License-Identifier: GPL-2.0
/*
 * A process's life up to its exit: birth (task_newtask), exec
 * (sched_process_exec, and the execve/execveat syscalls for the execs
 * that fail), rename (task_rename) and, for -u, setuid (the syscalls). Each handler decides selection
 * first and reserves ring-buffer space only for records that will be
 * delivered.
 */
#include "common.bpf.h"
#include "select.bpf.h"
#include "exec.bpf.h"
#include "path.bpf.h"

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
					 const struct pl_header *who,
					 __u32 parent_tgid, __u32 tgid)
{
	struct pl_track *t, val = { .start_ns = child->start_boottime };

	if (!filter_active)
		return true;
	t = bpf_map_lookup_elem(&tracked, &parent_tgid);
	if (t && t->bits) {
		val.bits = t->bits;
		if (!track(tgid, &val))
			return false;
		if (val.bits & TRACK_SELECTED)
			return true;
	} else {
		/* a stale entry of an earlier life of this pid */
		bpf_map_delete_elem(&tracked, &tgid);
	}
	return select_task_who(child, who, tgid, NULL, 0);
}

/* task_newtask runs in the creator, before the child can run: the birth
 * record always precedes anything the child does. */
SEC("tp_btf/task_newtask")
int BPF_PROG(handle_newtask, struct task_struct *task, u64 clone_flags)
{
	__u64 ts = bpf_ktime_get_boot_ns();
	__u64 cur = bpf_get_current_pid_tgid();	/* the creator */
	__u32 tgid = task->tgid;
	struct pl_header who;
	struct pl_fork *e;
	struct pl_where w;
	bool selected;

	if (!trace_kthreads && is_kthread(task))
		return 0;
	task_header(&who, task, task->group_leader);	/* before branching */
	/* the child's own cgroup and numbers (CLONE_INTO_CGROUP,
	 * CLONE_NEWPID), read first: a new container is matched */
	fill_where_birth(task, &w, ts, who.ppid);
	if (clone_flags & CLONE_THREAD)
		selected = is_selected(tgid);
	else
		selected = select_child(task, &who, cur >> 32, tgid);
	if (!selected)
		return 0;

	e = reserve(sizeof(*e), PL_EV_FORK);
	if (!e)
		return 0;
	put_header(&e->h, &who, PL_EV_FORK, sizeof(*e), ts);
	e->clone_flags = clone_flags;
	e->task_start_ns = task->start_boottime;
	e->parent_tid = (__u32)cur;
	e->kind = birth_kind(task, clone_flags);
	e->exit_signal = task->exit_signal;
	e->creator_pid = cur >> 32;
	e->w = w;
	submit(e);
	return 0;
}

/* ---- exec ------------------------------------------------------------- */

#define PATH_COMPONENTS		64	/* path components walked at most */

/* A path walk goes one component a step, its state in this CPU's scratch
 * (s->walk): two helper calls a component (the dentry's parent and name,
 * then the name's bytes), one a mount crossed (path.bpf.h). A global
 * function: the verifier checks it once, not once per component. Returns
 * 1 at the root (or when the buffer is full). */
__noinline long pl_path_step(void)
{
	struct scratch *s = get_scratch();
	struct path_state *st;
	struct dentry *dentry;
	struct dentry_up d;
	__u32 pos, n;

	if (!s)
		return 1;
	st = &s->walk;
	dentry = st->dentry;
	if (dentry == st->root) {
		struct mount_up m;

		if (st->up == st->mnt)
			return 1;	/* the root of everything */
		read_mount_up(&m, st->up);
		st->dentry = st->mountpoint;
		st->mnt = st->up;
		st->root = m.root;
		st->up = m.parent;
		st->mountpoint = m.mountpoint;
		return 0;
	}
	read_dentry_up(&d, dentry);
	if (dentry == d.parent)
		return 1;		/* the root of a detached tree */
	pos = st->pos & (PL_FILENAME_MAX - 1);
	n = d.len & NAME_MAX_READ;
	if (n + 1 > pos) {
		st->trunc = 1;
		return 1;
	}
	pos -= n + 1;
	bpf_probe_read_kernel(s->path + ((pos + 1) & (PL_FILENAME_MAX - 1)), n,
			      d.name);
	s->path[pos & (PL_FILENAME_MAX - 1)] = '/';
	st->pos = pos;
	st->dentry = d.parent;
	return 0;
}

/* Steps a call: a loop of PATH_COMPONENTS steps in the exec handler
 * itself would cost the verifier one walk per step, twice. Returns 1
 * when a step ended the walk. */
#define PATH_BATCH		16
_Static_assert(PATH_COMPONENTS % PATH_BATCH == 0, "whole batches");

__noinline long pl_path_steps(void)
{
	for (int i = 0; i < PATH_BATCH; i++)
		if (pl_path_step())
			return 1;
	return 0;
}

/*
 * A path (an open file's, the working directory) into s->path, built from
 * its dentries up to the root, crossing mounts (no bpf_d_path on
 * tracepoints), backwards; returns the offset of the first byte and sets
 * *len; *trunc when it did not fit (or had more than PATH_COMPONENTS
 * components).
 */
static __always_inline __u32 path_walk(struct scratch *s,
				       struct vfsmount *vfsmnt,
				       struct dentry *dentry,
				       __u32 *len, bool *trunc)
{
	struct path_state *st = &s->walk;
	struct mount *mnt = real_mount(vfsmnt);
	struct mount_up m;
	__u32 pos;

	read_mount_up(&m, mnt);
	st->dentry = dentry;
	st->mnt = mnt;
	st->root = m.root;
	st->up = m.parent;
	st->mountpoint = m.mountpoint;
	st->pos = PL_FILENAME_MAX - 1;
	st->trunc = 0;
	s->path[PL_FILENAME_MAX - 1] = '\0';
	for (int i = 0; i < PATH_COMPONENTS / PATH_BATCH; i++) {
		if (pl_path_steps())
			break;
		if (i == PATH_COMPONENTS / PATH_BATCH - 1)
			st->trunc = 1;
	}
	pos = st->pos & (PL_FILENAME_MAX - 1);
	if (pos == PL_FILENAME_MAX - 1) {	/* the root itself */
		pos--;
		s->path[pos] = '/';
	}
	*trunc = st->trunc;
	*len = PL_FILENAME_MAX - 1 - pos;
	return pos;
}

/* Append len bytes (< PL_FILENAME_MAX) of src to the record at *off.
 * Branch-free on purpose: every branch here would multiply the states
 * the verifier walks through the whole exec handler. */
#define RECORD_OFF_MASK	32767
_Static_assert(SCRATCH_SIZE >= RECORD_OFF_MASK + PL_FILENAME_MAX,
	       "an append at any masked offset fits the scratch buffer");

static __always_inline __u32 append(struct scratch *s, __u32 *off,
				    const char *src, __u32 len)
{
	__u64 n = len, at = *off;

	/* keep the masks: the verifier needs them, the compiler would drop them */
	asm volatile("" : "+r"(n), "+r"(at));
	n &= PL_FILENAME_MAX - 1;
	at &= RECORD_OFF_MASK;
	bpf_probe_read_kernel(s->buf + at, n, src);
	*off = at + n;
	return n;
}

/*
 * argv is read from the new image's own stack, where the kernel has just
 * copied it: what the program really got, boundaries and all. The real
 * executable is the new image's file (the interpreter of a #! script);
 * the name the caller gave is bprm->filename, the script's name.
 */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_exec, struct task_struct *task, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	__u64 ts = bpf_ktime_get_boot_ns();
	__u32 tgid = task->tgid;
	__u32 old_tid = old_pid;
	unsigned long arg_start, arg_end, len;
	char argv0[PL_ARGV0_MAX];
	__u32 fname_len, at = 0, off, n, argv0_len = 0;
	struct exec_args *a;
	struct scratch *s;
	struct pl_exec *e;
	bool trunc = false;
	struct pl_where w;
	char *pathbuf;
	struct task_struct *parent;
	struct fs_struct *fs;
	struct mm_struct *mm;
	struct file *file;
	const char *filename, *interp;
	struct path path;
	struct pl_header who;
	__u64 size;

	/* every pointer followed, read before the branches (task_header()) */
	task_header(&who, task, task->group_leader);
	parent = task->real_parent;
	mm = task->mm;
	file = bprm->file;
	filename = bprm->filename;
	interp = bprm->interp;
	asm volatile("" :: "r"(parent), "r"(mm), "r"(file), "r"(filename),
		     "r"(interp) : "memory");
	a = bpf_map_lookup_elem(&exec_args, &old_tid);
	if (a) {
		at = a->flags & PL_EXEC_AT;
		argv0_len = a->argv0_len;
		if (argv0_len > PL_ARGV0_MAX)
			argv0_len = PL_ARGV0_MAX;
		__builtin_memcpy(argv0, a->argv0, PL_ARGV0_MAX);
		bpf_map_delete_elem(&exec_args, &old_tid);
	}
	if (!trace_kthreads && is_kthread(task))
		return 0;
	fill_where(task, &w, ts, who.ppid, parent, false);	/* first: a new container is matched */
	if (!select_task_who(task, &who, tgid, NULL, PL_SELECT_EXEC))
		return 0;
	s = get_scratch();
	if (!s)
		return 0;
	e = (void *)s->buf;
	e->old_tid = old_tid;
	e->flags = at;
	e->argc = bprm->argc;
	e->cut_index = 0;
	e->cwd_len = 0;
	e->w = w;

	fname_len = read_filename(s->buf + sizeof(*e), filename, false, &trunc);
	if (trunc)
		e->flags |= PL_EXEC_FILENAME_TRUNC;
	e->filename_len = fname_len;

	arg_start = mm->arg_start;
	arg_end = mm->arg_end;
	len = arg_end > arg_start ? arg_end - arg_start : 0;
	if (len > argv_limit) {
		len = argv_limit;
		e->flags |= PL_EXEC_ARGV_TRUNC;
	}
	if (len > PL_ARGV_MAX)
		len = PL_ARGV_MAX;
	if (len && bpf_probe_read_user(s->buf + sizeof(*e) + fname_len, len,
				       (void *)arg_start)) {
		len = 0;
		e->flags |= PL_EXEC_ARGV_UNREADABLE;
		count_loss(PL_LOSS_ARGV_UNREADABLE);
	}
	e->argv_len = len;
	off = sizeof(*e) + fname_len + len;

	/* the real executable, then the script's interpreter line */
	pathbuf = s->path;
	{
		__u32 plen = 0, start;
		bool ptrunc;

		/* a struct path in one read (plain loads would cost each
		 * start a search of the kernel's BTF per pointer field) */
		BPF_CORE_READ_INTO(&path, file, f_path);
		start = path_walk(s, path.mnt, path.dentry, &plen, &ptrunc);
		if (ptrunc)
			e->flags |= PL_EXEC_EXE_TRUNC;
		e->exe_len = append(s, &off, pathbuf + (start & (PL_FILENAME_MAX - 1)),
				    plen);
	}
	e->interp_len = 0;
	if (interp != filename) {
		e->flags |= PL_EXEC_SCRIPT;
		n = read_filename(pathbuf, interp, false, &trunc);
		e->interp_len = append(s, &off, pathbuf, n);
	}
	e->argv0_len = append(s, &off, argv0, argv0_len);

	/* the working directory, by the same walk */
	fs = BPF_CORE_READ(task, fs);
	if (fs) {
		__u32 plen = 0, start;
		bool ptrunc;

		BPF_CORE_READ_INTO(&path, fs, pwd);
		start = path_walk(s, path.mnt, path.dentry, &plen, &ptrunc);
		if (ptrunc)
			e->flags |= PL_EXEC_CWD_TRUNC;
		e->cwd_len = append(s, &off, pathbuf + (start & (PL_FILENAME_MAX - 1)),
				    plen);
	}

	size = off;
	put_header(&e->h, &who, PL_EV_EXEC, size, ts);
	if (size > SCRATCH_SIZE)
		return 0;
	output(e, size, PL_EV_EXEC);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int handle_enter_execve(struct sys_enter_rec *ctx)
{
	stash_exec(ctx->args[0], ctx->args[1], 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int handle_enter_execveat(struct sys_enter_rec *ctx)
{
	stash_exec(ctx->args[1], ctx->args[2], PL_EXEC_AT);
	return 0;
}

/* One argument of a failed exec (exec.bpf.h): a global function, for the
 * same reason as pl_path_step. */
__noinline long pl_argv_step(__u32 i)
{
	struct scratch *s = get_scratch();
	struct argv_state *w;
	const char *p = NULL;
	__u64 room, off;
	long n;

	if (!s)
		return 1;
	w = &s->av;
	if (bpf_probe_read_user(&p, sizeof(p), (void *)(w->argv + i * sizeof(p)))) {
		w->flags |= PL_EXEC_ARGV_UNREADABLE;
		w->end = 1;
		return 1;
	}
	if (!p) {
		w->end = 1;
		return 1;
	}
	w->argc++;
	if (w->flags & PL_EXEC_ARGV_TRUNC)
		return 0;		/* only counting now */
	off = w->off;
	/* the mask keeps the verifier sure it is not negative */
	room = (w->limit - off) & (2 * PL_ARGV_MAX - 1);
	if (off >= w->limit || !room || room > PL_ARGV_MAX) {
		w->cut_index = w->argc - 1;	/* not a byte of it kept */
		w->flags |= PL_EXEC_ARGV_TRUNC;
		return 0;
	}
	n = bpf_probe_read_user_str(s->buf + FAILED_ARGV_AT +
				    (off & (PL_ARGV_MAX - 1)), room, p);
	if (n <= 0) {
		w->flags |= PL_EXEC_ARGV_UNREADABLE;
		w->end = 1;
		return 1;
	}
	w->off = off + n;
	if (n == room) {
		/* filled the room: cut (or fits to the byte) */
		w->cut_index = w->argc - 1;
		w->flags |= PL_EXEC_ARGV_TRUNC;
	}
	return 0;
}

/* ARGV_BATCH arguments from the first: see exec.bpf.h. */
__noinline long pl_argv_steps(__u32 first)
{
	for (__u32 i = 0; i < ARGV_BATCH; i++)
		if (pl_argv_step(first + i))
			return 1;
	return 0;
}

/* The end of a stashed exec call: a failure is reported here (a success
 * consumed the stash in handle_exec). */
static __always_inline int exec_failed(struct sys_exit_rec *ctx)
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
int handle_exit_execve(struct sys_exit_rec *ctx)
{
	return exec_failed(ctx);
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int handle_exit_execveat(struct sys_exit_rec *ctx)
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
	struct pl_comm *e;
	char name[PL_COMM_LEN] = {};
	__u64 ts;

	if (!trace_kthreads && is_kthread(task))
		return 0;
	/* every exec renames: the clock (~100 ns here) only past that */
	if (in_exec(task))
		return 0;
	ts = bpf_ktime_get_boot_ns();
	bpf_probe_read_kernel_str(name, sizeof(name), comm);
	if (!select_task_why(task, task->tgid, name, PL_SELECT_COMM))
		return 0;
	e = reserve(sizeof(*e), PL_EV_COMM);
	if (!e)
		return 0;
	/* seldom: helpers, which cost the verifier no BTF search */
	fill_header_probe(&e->h, PL_EV_COMM, sizeof(*e), task, ts);
	__builtin_memcpy(e->old_comm, e->h.comm, PL_COMM_LEN);
	__builtin_memcpy(e->h.comm, name, PL_COMM_LEN);
	submit(e);
	return 0;
}

/* ---- setuid: -u picks up a process when it takes the uid --------------- */

static __always_inline int on_setuid(long ret)
{
	struct task_struct *task;

	if (!filter_uid || ret != 0)
		return 0;
	/* a trusted task pointer (5.11+); before, -u waits for the next
	 * exec, rename or fork */
	task = current_task_trusted();
	if (!task || (!trace_kthreads && is_kthread(task)))
		return 0;
	select_task_why(task, task->tgid, NULL, PL_SELECT_UID);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_setuid")
int handle_exit_setuid(struct sys_exit_rec *ctx)
{
	return on_setuid(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_setreuid")
int handle_exit_setreuid(struct sys_exit_rec *ctx)
{
	return on_setuid(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_setresuid")
int handle_exit_setresuid(struct sys_exit_rec *ctx)
{
	return on_setuid(ctx->ret);
}
