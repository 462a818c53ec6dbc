// SPDX-License-Identifier: GPL-2.0
/*
 * The end of a zombie in the tracepoint variant: reaped by a wait4() or
 * waitid() (its pid as the waiter's namespace sees it, translated), or
 * released by something no hooked syscall shows (io_uring's waitid,
 * kernel_wait4()): seen at its free (sched_process_free), an upper bound.
 * In both variants the free is the last word: the fentry variant's
 * release_task (fentry.bpf.c) misses a leader released inside the
 * release of its last thread.
 * sched_process_free is also where the hash by tid forgets a task's
 * scheduler accounting.
 */
#include "common.bpf.h"
#include "select.bpf.h"
#include "sched_account.bpf.h"
#include "reap.bpf.h"

/* Where a waitid() in flight will write the reaped pid. */
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

/* The global pid of a zombie that a wait in the current task's pid
 * namespace returned as nr; 0 when none of ours. */
static __always_inline __u32 waited_pid(__u32 nr)
{
	struct task_struct *cur = (void *)bpf_get_current_task();
	struct pid *pid = BPF_CORE_READ(cur, thread_pid);
	unsigned int level = BPF_CORE_READ(pid, level);
	struct pl_ns_pid key = { .nr = nr };
	__u32 *g;

	if (!level)
		return nr;
	if (level > PL_NS_LEVELS)
		return 0;
	bpf_core_read(&key.ns, sizeof(key.ns), &pid->numbers[level].ns);
	g = bpf_map_lookup_elem(&zombie_alias, &key);
	return g ? *g : 0;
}

/* A wait by the current task released the zombie nr (its namespace's pid). */
static __always_inline void reaped_by_wait(__u32 nr, __u64 ts)
{
	__u64 cur = bpf_get_current_pid_tgid();
	__u32 pid = waited_pid(nr);
	struct pl_zombie *z;
	char comm[PL_COMM_LEN];

	if (!pid)
		return;
	z = bpf_map_lookup_elem(&zombies, &pid);
	if (!z)
		return;
	/* a ptracer's wait reports the zombie but leaves it to the parent */
	if (z->ptraced && (cur >> 32) != z->ppid)
		return;
	bpf_get_current_comm(comm, PL_COMM_LEN);
	emit_reap(pid, z, cur >> 32, (__u32)cur, comm, PL_REAP_EXACT, ts);
}

/* A wait that returns a pid of one of our zombies reaped it; stop and
 * continue reports cannot match, a zombie never stops. */
SEC("tracepoint/syscalls/sys_exit_wait4")
int handle_exit_wait4(struct sys_exit_rec *ctx)
{
	if (ctx->ret > 0)
		reaped_by_wait(ctx->ret, bpf_ktime_get_boot_ns());
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_waitid")
int handle_enter_waitid(struct sys_enter_rec *ctx)
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
int handle_exit_waitid(struct sys_exit_rec *ctx)
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
		reaped_by_wait(info.pid, bpf_ktime_get_boot_ns());
	bpf_map_delete_elem(&wait_args, &tid);
	return 0;
}

/* The last word on every task. A zombie still recorded here was released
 * by something no hooked syscall shows (io_uring's waitid, the kernel's
 * own kernel_wait4()): its reaper is the parent at release, the time an
 * upper bound (the free follows the release by an RCU grace period). */
static __always_inline int on_free(struct task_struct *task, bool storage)
{
	__u32 pid = task->pid;
	struct pl_zombie *z;
	__u64 start;

	if (!storage)
		sched_forget(task);
	if (pid != task->tgid)
		return 0;
	/* not before: a thread's free reads no more of its cold task_struct */
	start = task->start_boottime;
	forget_group_exit(task);
	z = zombie_bit_test(pid) ? bpf_map_lookup_elem(&zombies, &pid) : NULL;
	if (z && z->start_ns == start) {
		struct task_struct *parent = task->real_parent;

		emit_reap(pid, z, parent->tgid, 0, parent->comm, 0,
			  bpf_ktime_get_boot_ns());
		return 0;
	}
	forget_moved(pid, start);
	forget_task(pid, start);
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
