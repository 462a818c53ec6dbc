/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exec records built by both hook variants: the failed exec (from the
 * syscall tracepoints' stash, or from the syscall's own registers at
 * fexit) and the helpers of the successful one.
 */
#ifndef PL_EXEC_BPF_H
#define PL_EXEC_BPF_H

#include "common.bpf.h"
#include "cgroup.bpf.h"

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

#define FAILED_ARGV_SPACE (PL_FAILED_ARGS_MAX * PL_FAILED_ARG_LEN)
_Static_assert(sizeof(struct pl_exec_fail) <= sizeof(struct pl_exec),
	       "a failed exec's record fits where the scratch sizes a success's");
_Static_assert(PL_FAILED_ARG_LEN == 128, "cut detection uses n >> 7");
_Static_assert(PL_FILENAME_MAX + FAILED_ARGV_SPACE + PL_FAILED_ARG_LEN <= PL_ARGV_MAX,
	       "failed-exec argv fits the scratch buffer");

/* A failed exec changes nothing, so its arguments are still in the
 * caller's memory: read them now that the error is known. */
static __always_inline void emit_exec_fail(long ret, __u64 filename,
					   __u64 argv, __u32 flags)
{
	__u64 ts = bpf_ktime_get_boot_ns();
	struct task_struct *cur;
	struct pl_exec_fail *e;
	struct scratch *s;
	bool trunc = false;
	__u32 fname_len, off = 0, argc = 0, cut = 0;
	char *args;
	__u64 size;

	s = get_scratch();
	if (!s)
		return;
	e = (void *)s->buf;
	/* Only read: a selected process's cgroup was described already
	 * (at its birth, exec, move, or the start's seed), and the path
	 * walk here would cost the verifier (and the start) more than the
	 * argv loop does. */
	{
		struct kernfs_node *kn;

		read_where((void *)bpf_get_current_task(), &e->w, &kn);
	}
	e->ret = ret;
	e->flags = flags;
	e->pad = 0;
	fname_len = read_filename(s->buf + sizeof(*e), (const char *)filename,
				  true, &trunc);
	if (trunc)
		e->flags |= PL_EXEC_FILENAME_TRUNC;
	e->filename_len = fname_len;
	args = s->buf + sizeof(*e) + PL_FILENAME_MAX;

	for (int i = 0; i < PL_FAILED_ARGS_MAX; i++) {
		const char *p = NULL;
		long n;

		if (bpf_probe_read_user(&p, sizeof(p),
					(void *)(argv + i * sizeof(p))) || !p)
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
}

#endif /* PL_EXEC_BPF_H */
