// SPDX-License-Identifier: GPL-2.0
/*
 * The end of a zombie: reaped by a wait4() or waitid() of its parent, or
 * released by the kernel (sched_process_free) without a wait we saw.
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
	forget_group_exit(task);
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
