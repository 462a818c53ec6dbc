/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels proclife runs on (5.10 and later)
 * that the programs must bridge, with the kernel commit that made it.
 * vmlinux.h comes from a newer kernel (vmlinux/), so what is older is
 * reached through ___flavour types whose fields CO-RE probes at load, and
 * tracepoint arguments that not every kernel passes are used only where
 * the loader found them in the kernel's BTF (src/tracer.c sets the
 * *_has_* settings).
 *
 * Not needed, for the record:
 *   cf25e24db61c "time: Rename tsk->real_start_time to ->start_boottime"
 *   (5.5): older than any supported kernel, so start_boottime is used as is.
 * Not CO-RE: task storage for tracing programs (5.11) is a program
 * variant (the *_ts and *_hash programs) chosen by the loader.
 */
#ifndef PL_CORE_FIXES_BPF_H
#define PL_CORE_FIXES_BPF_H

/*
 * task_struct fields that not every kernel has, probed at load (below).
 * One flavour for all: libbpf looks for each local type's candidates
 * through the whole kernel BTF at every start.
 */
struct task_struct___compat {
	long state;			/* before 5.14 */
	unsigned int in_execve:1;	/* may go */
} __attribute__((preserve_access_index));

/*
 * 2f064a59a11f "sched: Change task_struct::state" (5.14) renamed it
 * __state and made it an unsigned int.
 */
static __always_inline unsigned int task_state(struct task_struct *t)
{
	struct task_struct___compat *old = (void *)t;

	if (bpf_core_field_exists(old->state))
		return old->state;
	return t->__state;
}

/*
 * fa2c3254d7cf "sched/tracing: Don't re-read p->state when emitting
 * sched_switch event" (5.18) gave sched_switch the state the task left in,
 * and 9c2136be0878 "sched/tracing: Append prev_state to tp args instead"
 * (5.18) put it last. Before, the task's state is read, which a racing
 * wakeup may already have reset to running.
 */
static __always_inline unsigned int switch_prev_state(__u64 *ctx,
						      struct task_struct *prev)
{
	if (switch_has_prev_state)
		return ctx[3];
	return task_state(prev);
}

/*
 * 3e816361e94a "sched/tracepoints: Move and extend the
 * sched_process_exit() tracepoint" (6.15) passes the kernel's own
 * group_dead. Before, signal->live is read (decremented just before the
 * tracepoint: zero means the group is dead), and two threads ending
 * together may both see it at zero: the first to claim the signal_struct
 * in group_exits is the process's exit.
 */
static __always_inline bool exit_group_dead(__u64 *ctx,
					    struct signal_struct *sig,
					    __u32 live)
{
	__u64 key = (__u64)sig;
	__u8 one = 1;

	if (exit_has_group_dead)
		return ctx[1];
	return live == 0 &&
	       !bpf_map_update_elem(&group_exits, &key, &one, BPF_NOEXIST);
}

/* The process is freed: drop its claim (kept only where it was made). */
static __always_inline void forget_group_exit(struct task_struct *leader)
{
	__u64 key = (__u64)leader->signal;

	if (!exit_has_group_dead)
		bpf_map_delete_elem(&group_exits, &key);
}

/*
 * 2f824d4d197e "signal: Remove SIGNAL_GROUP_COREDUMP" (5.16), after
 * 752dc9707567 "signal: During coredumps set SIGNAL_GROUP_EXIT in
 * zap_process": before 5.16 a core dump set only its own flag.
 * Either means group_exit_code holds the process's status.
 */
#define SIGNAL_GROUP_EXIT	0x00000004
#define SIGNAL_GROUP_COREDUMP	0x00000008	/* kernels before 5.16 */

static __always_inline bool signal_group_exiting(struct signal_struct *sig)
{
	return sig->flags & (SIGNAL_GROUP_EXIT | SIGNAL_GROUP_COREDUMP);
}

/*
 * task_struct::in_execve, set for the whole of an execve, is in every
 * kernel checked (the BTF of Debian's 5.10, 6.1 and 6.12 and of 6.18),
 * but only LSMs read it, so it may go: it is probed, and without it the
 * caller falls back on its own record of execs in flight. Returns false
 * when the field is not there (*known = false).
 */
static __always_inline bool task_in_execve(struct task_struct *task,
					   bool *known)
{
	struct task_struct___compat *t = (void *)task;

	*known = bpf_core_field_exists(t->in_execve);
	if (!*known)
		return false;
	return BPF_CORE_READ_BITFIELD_PROBED(t, in_execve);
}

/*
 * bpf_get_current_task_btf (5.11): a task pointer the verifier trusts, as
 * syscall tracepoints need to use the helpers written for tp_btf
 * programs. NULL before (the caller then does without).
 */
static __always_inline struct task_struct *current_task_trusted(void)
{
	if (!bpf_core_enum_value_exists(enum bpf_func_id,
					BPF_FUNC_get_current_task_btf))
		return NULL;
	return bpf_get_current_task_btf();
}

/*
 * 633488947ef6 "kernfs: Use RCU to access kernfs_node::parent." (6.15)
 * renamed kernfs_node::parent to __parent (RCU-protected now; a tracing
 * program reads it like any kernel pointer). The pinned vmlinux.h has
 * the old name; the new one is a flavour. Both are probed at load.
 */
struct kernfs_node___615 {
	struct kernfs_node___615 *__parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(struct kernfs_node___615, __parent))
		return (void *)BPF_CORE_READ((struct kernfs_node___615 *)kn,
					     __parent);
	return BPF_CORE_READ(kn, parent);
}

#endif /* PL_CORE_FIXES_BPF_H */
