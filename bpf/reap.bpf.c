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
#include "teardown.bpf.h"

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

static __always_inline void emit_reap(__u32 pid, __u32 source, __u64 ts)
{
	__u64 cur = bpf_get_current_pid_tgid();
	struct pl_zombie *z = bpf_map_lookup_elem(&zombies, &pid);
	__u32 reaper = cur >> 32;
	struct pl_reap *e;

	if (!z)
		return;
	teardown_reap(z, &source, &reaper);
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
		} else if (source == PL_REAP_NS_TEARDOWN) {
			e->reaper_pid = reaper;
			e->reaper_tid = reaper;
			__builtin_memset(e->reaper_comm, 0, PL_COMM_LEN);
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
