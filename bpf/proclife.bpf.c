// SPDX-License-Identifier: GPL-2.0
/*
 * Process lifecycle: birth, exec, rename, exit, reparent and reap, on
 * tracepoints only. Each handler decides selection first and reserves
 * ring-buffer space only for records that will be delivered.
 */
#include "common.bpf.h"
#include "sched.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Argument pointers of an execve/execveat in flight, for its failure. */
struct exec_args {
	__u64 filename;
	__u64 argv;
	__u32 flags;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct exec_args);
} exec_args SEC(".maps");

struct wait_args {
	__u64 infop;
	__u32 options;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct wait_args);
} wait_args SEC(".maps");

#define SCRATCH_SIZE (sizeof(struct pl_exec) + PL_FILENAME_MAX + PL_ARGV_MAX)

struct scratch {
	char buf[SCRATCH_SIZE];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
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
	e->pad = 0;
	submit(e);
	return 0;
}

/* ---- exec ------------------------------------------------------------- */

static __always_inline struct scratch *get_scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch, &zero);
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
	__u64 size;

	struct exec_args *a = bpf_map_lookup_elem(&exec_args, &old_tid);
	__u32 at = a ? a->flags & PL_EXEC_AT : 0;

	if (a)
		bpf_map_delete_elem(&exec_args, &old_tid);
	if (!trace_kthreads && is_kthread(task))
		return 0;
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

#define FAILED_ARGV_SPACE (PL_FAILED_ARGS_MAX * PL_FAILED_ARG_LEN)
_Static_assert(PL_FAILED_ARG_LEN == 128, "cut detection uses n >> 7");
_Static_assert(PL_FILENAME_MAX + FAILED_ARGV_SPACE + PL_FAILED_ARG_LEN <= PL_ARGV_MAX,
	       "failed-exec argv fits the scratch buffer");

/* A failed exec changes nothing, so its arguments are still in the
 * caller's memory: read them now that the error is known. */
static __always_inline int exec_failed(struct trace_event_raw_sys_exit *ctx)
{
	__u64 ts = bpf_ktime_get_boot_ns();
	__u32 tid = bpf_get_current_pid_tgid();
	struct exec_args *a = bpf_map_lookup_elem(&exec_args, &tid);
	struct task_struct *cur;
	struct pl_exec_fail *e;
	struct scratch *s;
	bool trunc = false;
	__u32 fname_len, off = 0, argc = 0, cut = 0;
	char *args;
	__u64 size;

	if (!a)
		return 0;
	if (ctx->ret >= 0)
		goto out;
	s = get_scratch();
	if (!s)
		goto out;
	e = (void *)s->buf;
	e->ret = ctx->ret;
	e->flags = a->flags;
	e->pad = 0;
	fname_len = read_filename(s->buf + sizeof(*e),
				  (const char *)a->filename, true, &trunc);
	if (trunc)
		e->flags |= PL_EXEC_FILENAME_TRUNC;
	e->filename_len = fname_len;
	args = s->buf + sizeof(*e) + PL_FILENAME_MAX;

	for (int i = 0; i < PL_FAILED_ARGS_MAX; i++) {
		const char *p = NULL;
		long n;

		if (bpf_probe_read_user(&p, sizeof(p),
					(void *)(a->argv + i * sizeof(p))) || !p)
			break;
		/* the mask bounds the write; the region has LEN bytes of slack */
		n = bpf_probe_read_user_str(args + (off & (FAILED_ARGV_SPACE - 1)),
					    PL_FAILED_ARG_LEN, p);
		if (n <= 0)
			break;
		cut |= n >> 7;	/* n == PL_FAILED_ARG_LEN: the arg was cut */
		off += n;
		argc++;
		if (off >= FAILED_ARGV_SPACE)
			break;
	}
	if (cut || argc == PL_FAILED_ARGS_MAX || off > FAILED_ARGV_SPACE)
		e->flags |= PL_EXEC_ARGV_TRUNC;
	/* close the gap so argv follows the filename directly */
	if (off > FAILED_ARGV_SPACE)
		off = FAILED_ARGV_SPACE;
	if (off)
		bpf_probe_read_kernel(s->buf + sizeof(*e) + fname_len, off, args);
	e->argc = argc;
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
	struct task_struct___in_execve {
		unsigned int in_execve:1;
	} __attribute__((preserve_access_index)) *t = (void *)task;
	__u32 tid;

	if (bpf_core_field_exists(t->in_execve))
		return BPF_CORE_READ_BITFIELD_PROBED(t, in_execve);
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

/* ---- exit ------------------------------------------------------------- */

static __always_inline void read_task_rusage(struct pl_rusage *r,
					     struct task_struct *t)
{
	r->user_ns = t->utime;
	r->sys_ns = t->stime;
	r->cpu_ns = t->se.sum_exec_runtime;
	r->nvcsw = t->nvcsw;
	r->nivcsw = t->nivcsw;
	r->min_flt = t->min_flt;
	r->maj_flt = t->maj_flt;
	r->maxrss_kb = 0;
}

/* What getrusage(RUSAGE_SELF) would say: released threads are summed in
 * signal_struct; add the dying thread and a zombie leader. */
static __always_inline void read_proc_rusage(struct pl_rusage *r,
					     const struct pl_rusage *self,
					     struct task_struct *task,
					     struct signal_struct *sig)
{
	struct task_struct *leader = task->group_leader;

	r->user_ns = self->user_ns + sig->utime;
	r->sys_ns = self->sys_ns + sig->stime;
	r->cpu_ns = self->cpu_ns + sig->sum_sched_runtime;
	r->nvcsw = self->nvcsw + sig->nvcsw;
	r->nivcsw = self->nivcsw + sig->nivcsw;
	r->min_flt = self->min_flt + sig->min_flt;
	r->maj_flt = self->maj_flt + sig->maj_flt;
	r->maxrss_kb = sig->maxrss * 4;	/* pages, 4 KiB */
	if (leader != task) {
		struct pl_rusage l;

		read_task_rusage(&l, leader);
		r->user_ns += l.user_ns;
		r->sys_ns += l.sys_ns;
		r->cpu_ns += l.cpu_ns;
		r->nvcsw += l.nvcsw;
		r->nivcsw += l.nivcsw;
		r->min_flt += l.min_flt;
		r->maj_flt += l.maj_flt;
	}
}

/* Will exit_notify() release the process at once? Mirrors
 * do_notify_parent(): the parent ignores SIGCHLD or set SA_NOCLDWAIT. */
static __always_inline bool will_autoreap(struct task_struct *task,
					  struct signal_struct *sig)
{
	struct task_struct *leader = task->group_leader;
	struct task_struct *parent = leader->real_parent;
	struct sighand_struct *sh = parent->sighand;
	unsigned long handler = 0, flags = 0;

	if (leader->exit_signal != SIGCHLD ||
	    leader->ptrace)
		return false;
	/* other threads not yet released keep the leader a zombie */
	if (leader == task && sig->nr_threads > 1)
		return false;
	if (!sh)
		return false;
	handler = (unsigned long)sh->action[SIGCHLD - 1].sa.sa_handler;
	flags = sh->action[SIGCHLD - 1].sa.sa_flags;
	return handler == SIG_IGN || (flags & SA_NOCLDWAIT);
}

/* find_new_reaper(): a live child subreaper among the ancestors in the same
 * pid namespace, else the namespace's init. */
static __always_inline struct task_struct *new_reaper(struct task_struct *father,
						       __u32 *reason)
{
	struct signal_struct *sig = BPF_CORE_READ(father, signal);
	struct pid *pid = BPF_CORE_READ(father, thread_pid);
	unsigned int level = BPF_CORE_READ(pid, level);
	struct pid_namespace *ns = NULL;

	if (BPF_CORE_READ_BITFIELD_PROBED(sig, has_child_subreaper)) {
		struct task_struct *r = BPF_CORE_READ(father, real_parent);

		for (int i = 0; i < 32; i++) {
			struct signal_struct *rs;

			if (!r || BPF_CORE_READ(r, pid) == 0 ||
			    BPF_CORE_READ(r, thread_pid, level) != level)
				break;
			rs = BPF_CORE_READ(r, signal);
			if (BPF_CORE_READ_BITFIELD_PROBED(rs, is_child_subreaper) &&
			    BPF_CORE_READ(rs, live.counter) > 0) {
				*reason = PL_REPARENT_SUBREAPER;
				return r;
			}
			r = BPF_CORE_READ(r, real_parent);
		}
	}
	*reason = PL_REPARENT_INIT;
	if (level > 31)
		return NULL;
	bpf_core_read(&ns, sizeof(ns), &pid->numbers[level].ns);
	return ns ? BPF_CORE_READ(ns, child_reaper) : NULL;
}

/* The children of a dying process move to a new parent in exit_notify(),
 * right after this tracepoint: report each move now, with the new parent. */
static __always_inline void report_reparents(struct task_struct *father,
					     __u64 ts)
{
	struct list_head *head = &father->children;
	struct list_head *pos = BPF_CORE_READ(father, children.next);
	__u32 off = bpf_core_field_offset(struct task_struct, sibling);
	__u32 father_tgid = BPF_CORE_READ(father, tgid);
	struct task_struct *reaper;
	__u32 reason = 0, new_ppid = 0;

	if (!pos || pos == head)
		return;		/* no children: the common case */
	reaper = new_reaper(father, &reason);
	if (reaper)
		new_ppid = BPF_CORE_READ(reaper, tgid);

	for (int i = 0; i < PL_REPARENT_MAX; i++) {
		struct task_struct *child;
		struct pl_reparent *e;
		struct pl_zombie *z;
		__u32 tgid;

		if (!pos || pos == head)
			break;
		child = (void *)pos - off;
		pos = BPF_CORE_READ(child, sibling.next);
		tgid = BPF_CORE_READ(child, tgid);
		if (!is_selected(tgid))
			continue;
		/* a zombie child now waits for its new parent */
		z = bpf_map_lookup_elem(&zombies, &tgid);
		if (z)
			z->ppid = new_ppid;
		e = reserve(sizeof(*e), PL_EV_REPARENT);
		if (!e)
			continue;
		fill_header_probe(&e->h, PL_EV_REPARENT, sizeof(*e), child, ts);
		e->h.ppid = new_ppid;
		e->old_ppid = father_tgid;
		e->reason = reason;
		submit(e);
	}
}

/* A process whose exit record is lost still gets its reap and its
 * children's reparents: each record is lost or delivered on its own. */
static __always_inline void remember_zombie(struct task_struct *task,
					    __u32 tgid, __u64 ts)
{
	struct pl_zombie z = {
		.start_ns = task->group_leader->start_boottime,
		.exit_ns = ts,
		.ppid = task->real_parent->tgid,
		.uid = task->real_cred->uid.val,
		.ptraced = task->group_leader->ptrace != 0,
	};

	__builtin_memcpy(z.comm, task->group_leader->comm, PL_COMM_LEN);
	if (bpf_map_update_elem(&zombies, &tgid, &z, BPF_ANY))
		count_lost(PL_EV_REAP);	/* its reap cannot be seen */
}

/* sched_process_exit passes the kernel's own group_dead since 6.15
 * (set by the loader from BTF); before, signal->live is read, and two
 * threads ending together may both see it at zero: the first to claim
 * the signal_struct is the process's exit. */
const volatile bool exit_has_group_dead = false;

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);		/* the signal_struct */
	__type(value, __u8);
} group_exits SEC(".maps");

static __always_inline bool claim_group_exit(struct signal_struct *sig)
{
	__u64 key = (__u64)sig;
	__u8 one = 1;

	return !bpf_map_update_elem(&group_exits, &key, &one, BPF_NOEXIST);
}

static __always_inline int on_exit(__u64 *ctx, bool storage)
{
	struct task_struct *task = (void *)ctx[0];
	__u64 ts = bpf_ktime_get_boot_ns();
	struct signal_struct *sig = task->signal;
	__u32 tgid = task->tgid;
	bool group_dead, autoreap = false;
	__u32 sig_flags, live;
	struct pl_exit *e;

	if (!trace_kthreads && is_kthread(task))
		return 0;
	if (!is_selected(tgid))
		return 0;
	/* signal->live was decremented just before: zero means group dead */
	live = sig->live.counter;
	if (exit_has_group_dead)
		group_dead = ctx[1];
	else
		group_dead = live == 0 && claim_group_exit(sig);
	if (group_dead) {
		autoreap = will_autoreap(task, sig);
		if (!autoreap)
			remember_zombie(task, tgid, ts);
	}

	e = reserve(sizeof(*e), PL_EV_EXIT);
	if (e) {
		fill_header(&e->h, PL_EV_EXIT, sizeof(*e), task, ts);
		e->task_start_ns = task->start_boottime;
		e->nr_threads = live;
		e->flags = 0;
		if (group_dead)
			e->flags |= PL_EXIT_GROUP_DEAD;
		if (autoreap)
			e->flags |= PL_EXIT_AUTOREAP;
		if (task->group_leader == task)
			e->flags |= PL_EXIT_LEADER;
		e->exit_signal = task->group_leader->exit_signal;
		sig_flags = sig->flags;
		if (sig_flags & (SIGNAL_GROUP_EXIT | SIGNAL_GROUP_COREDUMP))
			e->exit_code = sig->group_exit_code;
		else if (group_dead)
			e->exit_code = task->group_leader->exit_code;
		else
			e->exit_code = task->exit_code;
		read_task_rusage(&e->task, task);
		if (group_dead)
			read_proc_rusage(&e->proc, &e->task, task, sig);
		else
			__builtin_memset(&e->proc, 0, sizeof(e->proc));
		sched_at_exit(task, storage, group_dead, ts, &e->sched,
			      &e->proc_sched);
		submit(e);
	}
	if (group_dead)
		report_reparents(task, ts);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int handle_exit_ts(__u64 *ctx)
{
	return on_exit(ctx, true);
}

SEC("tp_btf/sched_process_exit")
int handle_exit_hash(__u64 *ctx)
{
	return on_exit(ctx, false);
}

/* ---- reap ------------------------------------------------------------- */

static __always_inline void emit_reap(__u32 pid, __u32 source, __u64 ts)
{
	__u64 cur = bpf_get_current_pid_tgid();
	struct pl_zombie *z = bpf_map_lookup_elem(&zombies, &pid);
	struct pl_reap *e;

	if (!z)
		return;
	/* a ptracer's wait reports the zombie but leaves it to the parent */
	if (source == PL_REAP_WAIT && z->ptraced && (cur >> 32) != z->ppid)
		return;
	e = reserve(sizeof(*e), PL_EV_REAP);
	if (e) {
		e->h.ts_ns = ts;
		e->h.start_ns = z->start_ns;
		e->exit_ns = z->exit_ns;
		e->h.type = PL_EV_REAP;
		e->h.size = sizeof(*e);
		e->h.pid = pid;
		e->h.tid = pid;
		e->h.ppid = z->ppid;
		e->h.uid = z->uid;
		__builtin_memcpy(e->h.comm, z->comm, PL_COMM_LEN);
		e->source = source;
		e->status = 0;
		if (source == PL_REAP_WAIT) {
			e->reaper_pid = cur >> 32;
			e->reaper_tid = (__u32)cur;
			bpf_get_current_comm(e->reaper_comm, PL_COMM_LEN);
		} else {
			e->reaper_pid = 0;
			e->reaper_tid = 0;
			__builtin_memset(e->reaper_comm, 0, PL_COMM_LEN);
		}
		submit(e);
	}
	bpf_map_delete_elem(&zombies, &pid);
	forget_task(pid);
}

/* A wait that returns a pid of one of our zombies reaped it; stop and
 * continue reports cannot match, a zombie never stops. */
SEC("tracepoint/syscalls/sys_exit_wait4")
int handle_exit_wait4(struct trace_event_raw_sys_exit *ctx)
{
	if (ctx->ret > 0)
		emit_reap(ctx->ret, PL_REAP_WAIT, bpf_ktime_get_boot_ns());
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_waitid")
int handle_enter_waitid(struct trace_event_raw_sys_enter *ctx)
{
	struct wait_args a = { .infop = ctx->args[2], .options = ctx->args[3] };
	__u32 tid = bpf_get_current_pid_tgid();

	if (!(a.options & WEXITED) || (a.options & WNOWAIT) || !a.infop)
		return 0;
	bpf_map_update_elem(&wait_args, &tid, &a, BPF_ANY);
	return 0;
}

/* waitid() returns 0; the reaped pid is in the caller's siginfo. */
SEC("tracepoint/syscalls/sys_exit_waitid")
int handle_exit_waitid(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = bpf_get_current_pid_tgid();
	struct wait_args *a = bpf_map_lookup_elem(&wait_args, &tid);
	struct {
		int signo, err, code, pad;
		int pid;
	} info;

	if (!a)
		return 0;
	if (ctx->ret == 0 &&
	    !bpf_probe_read_user(&info, sizeof(info), (void *)a->infop) &&
	    info.pid > 0 && info.code >= CLD_EXITED && info.code <= CLD_DUMPED)
		emit_reap(info.pid, PL_REAP_WAIT, bpf_ktime_get_boot_ns());
	bpf_map_delete_elem(&wait_args, &tid);
	return 0;
}

/* The last word on every task: a zombie freed without a wait we saw was
 * released by the kernel (autoreap after a race, or by a new parent). */
static __always_inline int on_free(struct task_struct *task, bool storage)
{
	__u32 pid = task->pid;
	struct pl_zombie *z;

	if (!storage)
		sched_forget(task);
	if (pid != task->tgid)
		return 0;
	if (!exit_has_group_dead) {
		__u64 key = (__u64)task->signal;

		bpf_map_delete_elem(&group_exits, &key);
	}
	z = bpf_map_lookup_elem(&zombies, &pid);
	if (z && z->start_ns == task->start_boottime)
		emit_reap(pid, PL_REAP_RELEASE, bpf_ktime_get_boot_ns());
	else if (!z)
		forget_task(pid);
	return 0;
}

SEC("tp_btf/sched_process_free")
int BPF_PROG(handle_free_ts, struct task_struct *task)
{
	return on_free(task, true);
}

SEC("tp_btf/sched_process_free")
int BPF_PROG(handle_free_hash, struct task_struct *task)
{
	return on_free(task, false);
}

/* ---- scheduler accounting ---------------------------------------------- */

SEC("tp_btf/sched_switch")
int handle_switch_ts(__u64 *ctx)
{
	on_switch(ctx, true);
	return 0;
}

SEC("tp_btf/sched_switch")
int handle_switch_hash(__u64 *ctx)
{
	on_switch(ctx, false);
	return 0;
}

/* wakeups only for --states: accounting takes waits from the kernel */
SEC("tp_btf/sched_wakeup")
int BPF_PROG(handle_wakeup_ts, struct task_struct *p)
{
	on_wakeup(p, true);
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(handle_wakeup_hash, struct task_struct *p)
{
	on_wakeup(p, false);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(handle_wakeup_new_ts, struct task_struct *p)
{
	on_wakeup(p, true);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(handle_wakeup_new_hash, struct task_struct *p)
{
	on_wakeup(p, false);
	return 0;
}

/* ---- seed: tasks already running at start ------------------------------ */

SEC("iter/task")
int seed_tasks(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct pl_seed rec = {};

	if (!task)
		return 0;
	fill_header(&rec.h, PL_EV_SEED, sizeof(rec), task, 0);
	rec.task_start_ns = task->start_boottime;
	if (task->flags & PF_KTHREAD)
		rec.flags |= PL_SEED_KTHREAD;
	if (task->group_leader != task)
		rec.flags |= PL_SEED_THREAD;
	if (task->exit_state)
		rec.flags |= PL_SEED_ZOMBIE;
	bpf_seq_write(seq, &rec, sizeof(rec));
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
	__u64 now;

	if (!task || !task->pid || task->exit_state)
		return 0;
	ts = sched_get(task, storage, false);
	now = bpf_ktime_get_boot_ns();
	if (!sched_snapshot(task, ts, &tmp, task->on_cpu, rq_time_of(task, now),
			    &rec.sched))
		return 0;
	fill_header(&rec.h, PL_EV_SCHED, sizeof(rec), task, now);
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
