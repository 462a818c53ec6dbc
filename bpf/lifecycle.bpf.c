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

/* Argument pointers of an execve/execveat in flight, for its failure. */
struct exec_args {
	__u64 filename;
	__u64 argv;
	__u32 flags;
	__u32 argv0_len;	/* bytes of the caller's argv[0], no NUL */
	char argv0[PL_ARGV0_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct exec_args);
} exec_args SEC(".maps");

#define SCRATCH_SIZE (sizeof(struct pl_exec) + PL_FILENAME_MAX + ARGS_AREA + \
		      2 * PL_FILENAME_MAX + PL_ARGV0_MAX)
#define ARGS_AREA (2 * PL_ARGV_MAX)	/* argv, and the mask's room */

#define NAME_MAX_READ	255	/* bytes of one path component */

/* A path walk's state (see path_step). */
struct path_state {
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	__u32 pos;		/* first byte written so far in path[] */
	__u32 trunc;
};

/* A failed exec's argument walk (see argv_step). */
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

/* One buffer per CPU (the loader sets max_entries to the CPU count): a
 * plain array, as a per-CPU one is limited to 32 KiB a value. Programs
 * here do not migrate while they run. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

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
	bool selected;

	if (!trace_kthreads && is_kthread(task))
		return 0;
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
	e->creator_pid = cur >> 32;
	submit(e);
	return 0;
}

/* ---- exec ------------------------------------------------------------- */

static __always_inline struct scratch *get_scratch(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&scratch, &cpu);
}

/* Read the filename (kernel or user string) into dst. Returns its length
 * without the NUL and sets *trunc when it filled the whole buffer. */
static __always_inline __u32 read_filename(char *dst, const char *src,
					   bool user, bool *trunc)
{
	long n;

	if (user)
		n = bpf_probe_read_user_str(dst, PL_FILENAME_MAX, src);
	else
		n = bpf_probe_read_kernel_str(dst, PL_FILENAME_MAX, src);
	if (n <= 0)
		return 0;
	*trunc = n >= PL_FILENAME_MAX;
	return (n - 1) & (PL_FILENAME_MAX - 1);
}

#define PATH_COMPONENTS		64	/* path components walked at most */

/* A path walk goes one component a step, its state in this CPU's scratch
 * (s->walk). A global function: the verifier checks it once, not once per
 * component. Returns 1 at the root (or when the buffer is full). */
__noinline long pl_path_step(void)
{
	struct scratch *s = get_scratch();
	struct path_state *st;

	if (!s)
		return 1;
	st = &s->walk;
	{
	/* locals: a CO-RE read must not relocate our own struct's fields */
	struct dentry *dentry = st->dentry;
	struct vfsmount *vfsmnt = st->vfsmnt;
	struct mount *mnt = st->mnt;
	struct dentry *parent = BPF_CORE_READ(dentry, d_parent);
	struct dentry *root = BPF_CORE_READ(vfsmnt, mnt_root);
	__u32 pos = st->pos & (PL_FILENAME_MAX - 1);
	struct qstr name;
	__u32 n;

	if (dentry == root) {
		struct mount *up = BPF_CORE_READ(mnt, mnt_parent);

		if (up == mnt)
			return 1;	/* the root of everything */
		st->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		st->mnt = up;
		st->vfsmnt = &up->mnt;
		return 0;
	}
	if (dentry == parent)
		return 1;		/* the root of a detached tree */
	name = BPF_CORE_READ(dentry, d_name);
	n = name.len & NAME_MAX_READ;
	if (n + 1 > pos) {
		st->trunc = 1;
		return 1;
	}
	pos -= n + 1;
	bpf_probe_read_kernel(s->path + ((pos + 1) & (PL_FILENAME_MAX - 1)), n,
			      name.name);
	s->path[pos & (PL_FILENAME_MAX - 1)] = '/';
	st->pos = pos;
	st->dentry = parent;
	return 0;
	}
}

/*
 * The path of an open file into s->path, built from its dentries up to
 * the root, crossing mounts (no bpf_d_path on tracepoints), backwards;
 * returns the offset of the first byte and sets *len; *trunc when it did
 * not fit (or had more than PATH_COMPONENTS components).
 */
static __always_inline __u32 file_path(struct scratch *s, struct file *file,
				       __u32 *len, bool *trunc)
{
	struct path_state *st = &s->walk;
	__u32 pos;

	st->vfsmnt = BPF_CORE_READ(file, f_path.mnt);
	st->dentry = BPF_CORE_READ(file, f_path.dentry);
	st->mnt = container_of(st->vfsmnt, struct mount, mnt);
	st->pos = PL_FILENAME_MAX - 1;
	st->trunc = 0;
	s->path[PL_FILENAME_MAX - 1] = '\0';
	for (int i = 0; i < PATH_COMPONENTS; i++) {
		if (pl_path_step())
			break;
		if (i == PATH_COMPONENTS - 1)
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
	char *pathbuf;
	__u64 size;

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
	if (!select_task_why(task, tgid, NULL, PL_SELECT_EXEC))
		return 0;
	s = get_scratch();
	if (!s)
		return 0;
	e = (void *)s->buf;
	e->old_tid = old_tid;
	e->flags = at;
	e->argc = bprm->argc;
	e->cut_index = 0;
	e->pad = 0;

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

		start = file_path(s, bprm->file, &plen, &ptrunc);
		if (ptrunc)
			e->flags |= PL_EXEC_EXE_TRUNC;
		e->exe_len = append(s, &off, pathbuf + (start & (PL_FILENAME_MAX - 1)),
				    plen);
	}
	e->interp_len = 0;
	if (bprm->interp != bprm->filename) {
		e->flags |= PL_EXEC_SCRIPT;
		n = read_filename(pathbuf, bprm->interp, false, &trunc);
		e->interp_len = append(s, &off, pathbuf, n);
	}
	e->argv0_len = append(s, &off, argv0, argv0_len);

	size = off;
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
	const char *arg0 = NULL;
	long n;

	if (!is_selected(cur >> 32))
		return 0;
	/* the caller's argv[0]: a #! script's new image does not keep it */
	if (!bpf_probe_read_user(&arg0, sizeof(arg0), (void *)argv) && arg0) {
		n = bpf_probe_read_user_str(a.argv0, PL_ARGV0_MAX, arg0);
		a.argv0_len = n > 0 ? n - 1 : 0;
	}
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

/* Arguments of a failed exec: read one by one from the caller's memory,
 * within --argv-bytes like a successful exec's, and counted past it as
 * the kernel's count() does, up to FAILED_ARGS (argc is then a lower
 * bound, flagged). The state is in the scratch map (s->av), as for the
 * path walk. */
#define FAILED_ARGS		1024
#define FAILED_ARGV_AT		(sizeof(struct pl_exec_fail) + PL_FILENAME_MAX)

/* A global function, for the same reason as pl_path_step. Returns 1 at
 * the end of argv (or at an unreadable pointer). */
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

/* A failed exec changes nothing, so its arguments are still in the
 * caller's memory: read them now that the error is known. */
static __always_inline int exec_failed(struct trace_event_raw_sys_exit *ctx)
{
	__u64 ts = bpf_ktime_get_boot_ns();
	__u32 tid = bpf_get_current_pid_tgid();
	struct exec_args *a = bpf_map_lookup_elem(&exec_args, &tid);
	struct task_struct *cur;
	struct argv_state *w;
	struct pl_exec_fail *e;
	struct scratch *s;
	bool trunc = false;
	__u32 fname_len;
	__u64 off, size;

	if (!a)
		return 0;
	if (ctx->ret >= 0)
		goto out;
	s = get_scratch();
	if (!s)
		goto out;
	e = (void *)s->buf;
	e->ret = ctx->ret;
	fname_len = read_filename(s->buf + sizeof(*e),
				  (const char *)a->filename, true, &trunc);
	e->filename_len = fname_len;
	w = &s->av;
	w->argv = a->argv;
	w->off = 0;
	w->limit = argv_limit > PL_ARGV_MAX ? PL_ARGV_MAX : argv_limit;
	w->argc = 0;
	w->cut_index = 0;
	w->flags = a->flags | (trunc ? PL_EXEC_FILENAME_TRUNC : 0);
	w->end = 0;
	for (__u32 i = 0; i < FAILED_ARGS; i++)
		if (pl_argv_step(i))
			break;
	if (!w->end)
		w->flags |= PL_EXEC_ARGV_TRUNC;	/* argc is a lower bound */
	if (w->flags & PL_EXEC_ARGV_UNREADABLE)
		count_loss(PL_LOSS_ARGV_UNREADABLE);
	e->flags = w->flags;
	e->cut_index = w->cut_index;
	off = w->off;
	if (off > PL_ARGV_MAX)
		off = PL_ARGV_MAX;
	/* close the gap so argv follows the filename directly */
	if (off)
		bpf_probe_read_kernel(s->buf + sizeof(*e) + fname_len, off,
				      s->buf + FAILED_ARGV_AT);
	e->argc = w->argc;
	e->argv_len = off;
	size = sizeof(*e) + fname_len + off;
	cur = (void *)bpf_get_current_task();
	fill_header_probe(&e->h, PL_EV_EXEC_FAIL, size, cur, ts);
	if (size <= SCRATCH_SIZE)
		output(e, size, PL_EV_EXEC_FAIL);
out:
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
	if (!select_task_why(task, task->tgid, name, PL_SELECT_COMM))
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
int handle_exit_setuid(struct trace_event_raw_sys_exit *ctx)
{
	return on_setuid(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_setreuid")
int handle_exit_setreuid(struct trace_event_raw_sys_exit *ctx)
{
	return on_setuid(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_setresuid")
int handle_exit_setresuid(struct trace_event_raw_sys_exit *ctx)
{
	return on_setuid(ctx->ret);
}
