// SPDX-License-Identifier: GPL-2.0
/*
 * The fentry variant: where the kernel lets BPF attach to its functions
 * (fentry/fexit, 5.5+ with BTF and trampolines), these programs replace
 * the seven syscalls: tracepoints, which put every system call of every
 * task on the slow path while they are attached:
 *
 *   release_task       the reap itself, at its exact moment, with the
 *                      reaper (the current task), including releases no
 *                      wait syscall shows;
 *   fexit of execve(at)  failed execs, their arguments read from the
 *                      registers the syscall wrapper received;
 *   fentry of execveat the flag of a successful execveat (rare).
 *
 * The loader loads either these or the tracepoint programs (tracer.c).
 */
#include "common.bpf.h"
#include "select.bpf.h"
#include "exec.bpf.h"
#include "reap.bpf.h"

/* The syscall wrappers' names, and the calls' numbers. */
#if defined(__TARGET_ARCH_x86)
#define SYSCALL(name) "__x64_sys_" #name
#define NR_EXECVE	59
#define NR_EXECVEAT	322
#define REGS_NR(r)	BPF_CORE_READ(r, orig_ax)
#elif defined(__TARGET_ARCH_arm64)
#define SYSCALL(name) "__arm64_sys_" #name
#define NR_EXECVE	221
#define NR_EXECVEAT	281
#define REGS_NR(r)	BPF_CORE_READ(r, syscallno)
#else
#error "fentry.bpf.c: syscall wrapper names unknown for this architecture"
#endif

/*
 * The caller's registers, as the syscall wrapper got them: the pt_regs at
 * the top of the task's kernel stack (task_pt_regs(), the same on x86-64
 * and arm64). Not the wrapper's own argument: on 5.10 its BTF type is a
 * forward declaration the verifier will not let a program read. The stack
 * is 16 KiB, 32 KiB with KASAN: the one whose syscall number matches is
 * the right one; neither: NULL.
 */
static __always_inline struct pt_regs *syscall_regs(long nr)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	void *stack = BPF_CORE_READ(task, stack);
	struct pt_regs *regs;

	if (!stack)
		return NULL;
	regs = (struct pt_regs *)(stack + (16 << 10)) - 1;
	if (REGS_NR(regs) == nr)
		return regs;
	regs = (struct pt_regs *)(stack + (32 << 10)) - 1;
	if (REGS_NR(regs) == nr)
		return regs;
	return NULL;
}

/*
 * release_task() runs for every task that goes away: a thread (by itself),
 * a process reaped by a wait (in the waiter), autoreaped (by itself, in
 * exit_notify(): no zombie was remembered then), released by a dying
 * parent or the last thread of its group (zap_leader: that release is
 * inside this call and is caught at sched_process_free instead), a ptrace
 * detach, and the old leader of a de_thread() (a pid that is not the tgid
 * by then). Only a remembered zombie, same pid and start, is a reap.
 */
SEC("fentry/release_task")
int BPF_PROG(handle_release, struct task_struct *p)
{
	__u32 pid = p->pid;
	struct pl_zombie *z;
	__u64 cur;

	if (pid != p->tgid)
		return 0;
	z = bpf_map_lookup_elem(&zombies, &pid);
	if (!z || z->start_ns != p->start_boottime)
		return 0;
	cur = bpf_get_current_pid_tgid();
	/* the parent (or a thread of it) releasing it: its wait; anyone
	 * else: the kernel released it (a reaper that ignores SIGCHLD) */
	emit_reap(pid, (cur >> 32) == z->ppid ? PL_REAP_WAIT : PL_REAP_RELEASE,
		  bpf_ktime_get_boot_ns());
	return 0;
}

/* A failed exec of a traced process: its record from the caller's
 * registers (arguments at argi, argi + 1). */
static __always_inline int exec_returned(long ret, long nr, int argi,
					 __u32 flags)
{
	struct pt_regs *regs;
	__u64 filename, argv;

	if (ret >= 0)
		return 0;
	if (!is_selected(bpf_get_current_pid_tgid() >> 32))
		return 0;
	regs = syscall_regs(nr);
	if (!regs) {
		count_lost(PL_EV_EXEC_FAIL);	/* said, never silent */
		return 0;
	}
	if (argi == 0) {
		filename = PT_REGS_PARM1_CORE_SYSCALL(regs);
		argv = PT_REGS_PARM2_CORE_SYSCALL(regs);
	} else {
		filename = PT_REGS_PARM2_CORE_SYSCALL(regs);
		argv = PT_REGS_PARM3_CORE_SYSCALL(regs);
	}
	emit_exec_fail(ret, filename, argv, flags);
	return 0;
}

/* ctx[0] is the wrapper's pt_regs (unread, see syscall_regs), ctx[1] what
 * it returned. */
SEC("fexit/" SYSCALL(execve))
int handle_execve_ret(__u64 *ctx)
{
	return exec_returned((long)ctx[1], NR_EXECVE, 0, 0);
}

/* The stash only tells handle_exec that a success came from execveat. */
SEC("fentry/" SYSCALL(execveat))
int handle_execveat_entry(__u64 *ctx)
{
	struct exec_args a = { .flags = PL_EXEC_AT };
	__u64 cur = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)cur;

	if (is_selected(cur >> 32))
		bpf_map_update_elem(&exec_args, &tid, &a, BPF_ANY);
	return 0;
}

SEC("fexit/" SYSCALL(execveat))
int handle_execveat_ret(__u64 *ctx)
{
	__u32 tid = bpf_get_current_pid_tgid();

	/* a success consumed the stash already (handle_exec) */
	bpf_map_delete_elem(&exec_args, &tid);
	return exec_returned((long)ctx[1], NR_EXECVEAT, 1, PL_EXEC_AT);
}
