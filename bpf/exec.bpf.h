/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exec records built by both hook variants: the failed exec (from the
 * syscall tracepoints' stash, or from the syscall's own registers at
 * fexit), the caller's argv[0] kept at the call, and the helpers of the
 * successful one.
 */
#ifndef PL_EXEC_BPF_H
#define PL_EXEC_BPF_H

#include "common.bpf.h"
#include "select.bpf.h"
#include "cgroup.bpf.h"

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

/*
 * Is the task between the point of no return of an exec and its new
 * image's set-up? Its new mm has no arguments yet (mm->arg_start is set by
 * the binary loader after begin_new_exec() renamed the task). For kernels
 * without task->in_execve (6.8+) where no syscall stash says so.
 */
static __always_inline bool exec_mm_fresh(struct task_struct *task)
{
	struct mm_struct *mm = BPF_CORE_READ(task, mm);

	return mm && BPF_CORE_READ(mm, arg_start) == 0;
}

/* An exec call of a selected process: what its success or failure will
 * need, by thread. The caller's argv[0] is read now: a #! script's new
 * image does not keep it. */
static __always_inline void stash_exec(__u64 filename, __u64 argv, __u32 flags)
{
	__u64 cur = bpf_get_current_pid_tgid();
	struct exec_args a = { .filename = filename, .argv = argv, .flags = flags };
	__u32 tid = (__u32)cur;
	const char *arg0 = NULL;
	long n;

	if (!is_selected(cur >> 32))
		return;
	if (!bpf_probe_read_user(&arg0, sizeof(arg0), (void *)argv) && arg0) {
		n = bpf_probe_read_user_str(a.argv0, PL_ARGV0_MAX, arg0);
		a.argv0_len = n > 0 ? n - 1 : 0;
	}
	bpf_map_update_elem(&exec_args, &tid, &a, BPF_ANY);
}

/* Arguments of a failed exec: read one by one from the caller's memory,
 * within --argv-bytes like a successful exec's, and counted past it as
 * the kernel's count() does, up to FAILED_ARGS (argc is then a lower
 * bound, flagged). The walk's state is in the scratch map (s->av). */
#define FAILED_ARGS		1024
#define FAILED_ARGV_AT		(sizeof(struct pl_exec_fail) + PL_FILENAME_MAX)

/* One argument (lifecycle.bpf.c): a global function, verified once, not
 * once per argument. Returns 1 at the end of argv (or at an unreadable
 * pointer). */
long pl_argv_step(__u32 i);
/* ARGV_BATCH of them a call (a loop of FAILED_ARGS steps here would cost
 * the verifier one walk per step). Returns 1 when one ended the walk. */
#define ARGV_BATCH		32
_Static_assert(FAILED_ARGS % ARGV_BATCH == 0, "whole batches");
long pl_argv_steps(__u32 first);

/* A failed exec changes nothing, so its arguments are still in the
 * caller's memory: read them now that the error is known. */
static __always_inline void emit_exec_fail(long ret, __u64 filename,
					   __u64 argv, __u32 flags)
{
	__u64 ts = bpf_ktime_get_boot_ns();
	struct task_struct *cur;
	struct argv_state *w;
	struct pl_exec_fail *e;
	struct scratch *s;
	bool trunc = false;
	__u32 fname_len;
	__u64 off, size;

	s = get_scratch();
	if (!s)
		return;
	e = (void *)s->buf;
	/* Only read: a selected process's cgroup was described already
	 * (at its birth, exec, move, or the start's seed), and the path
	 * walk here would cost the verifier (and the start) more than the
	 * argv loop does. */
	where_read(bpf_get_current_task(), &e->w);
	e->ret = ret;
	fname_len = read_filename(s->buf + sizeof(*e), (const char *)filename,
				  true, &trunc);
	e->filename_len = fname_len;
	w = &s->av;
	w->argv = argv;
	w->off = 0;
	w->limit = argv_limit > PL_ARGV_MAX ? PL_ARGV_MAX : argv_limit;
	w->argc = 0;
	w->cut_index = 0;
	w->flags = flags | (trunc ? PL_EXEC_FILENAME_TRUNC : 0);
	w->end = 0;
	for (__u32 i = 0; i < FAILED_ARGS / ARGV_BATCH; i++)
		if (pl_argv_steps(i * ARGV_BATCH))
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
}

#endif /* PL_EXEC_BPF_H */
