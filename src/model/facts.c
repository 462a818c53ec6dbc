// SPDX-License-Identifier: GPL-2.0
/*
 * Lifecycle facts: how a process was born, how it was reaped, and their
 * names in every output.
 */
#include <stdio.h>

#include "model/table.h"
#include "util/names.h"

static const char *const gap_names[TL_GAP_COUNT] = {
	"fork_lost", "exit_lost", "reap_lost", "reparent_lost", "thread_lost",
};

void tl_set_reaped(struct tl_process *p, uint64_t ts, uint8_t how,
		   uint32_t reaper)
{
	p->flags |= TL_PROC_REAPED;
	p->reap_ns = ts;
	p->reap_how = how;
	p->reaper_pid = reaper;
}

/* Where it lives now (its numbers never change, its cgroup may). */
void tl_set_where(struct tl_process *p, const struct pl_where *w)
{
	p->where = *w;
	p->flags |= TL_PROC_WHERE;
}

/* ---- event handlers ---- */

/* The whole group exited: the first exit record decides the status. */
void tl_set_exited(struct tl_process *p, uint64_t ts, uint32_t status,
		   const struct pl_rusage *ru)
{
	if (p->flags & TL_PROC_EXITED)
		return;
	p->flags |= TL_PROC_EXITED | TL_PROC_STATUS | TL_PROC_EXIT_NS;
	p->flags &= ~TL_PROC_ZOMBIE_AT_START;
	p->exit_ns = ts;
	p->exit_status = status;
	p->rusage = *ru;
	/* The exit came after a reap we saw: the loss was only of order. */
	if (p->flags & TL_PROC_REAPED)
		p->gaps &= ~TL_GAP_EXIT;
}

/* Without an exit record, the status the reap carries (the kernel kept it
 * in its zombie record) is all we have; without either, it stays unknown,
 * never 0. */
void tl_set_reaper_status(struct tl_process *p, uint32_t status)
{
	if (p->flags & TL_PROC_EXITED)
		return;
	p->exit_status = status;
	p->flags |= TL_PROC_STATUS;
}

/* Its end came (reap, pid reused) and no exit was seen, nor known before. */
void tl_note_exit_unseen(struct tl_process *p)
{
	if (!(p->flags & (TL_PROC_EXITED | TL_PROC_ZOMBIE_AT_START)))
		p->gaps |= TL_GAP_EXIT;
}

/* A fork, vfork, clone or kernel thread seen being born. */
void tl_set_birth(struct tl_process *p, const struct pl_fork *f)
{
	p->kind = f->kind == PL_BIRTH_KTHREAD ? TL_KIND_KTHREAD : TL_KIND_PROCESS;
	p->created_by = tl_birth_of(f);
	p->created_by_pid = f->creator_pid;
	p->clone_flags = f->clone_flags;
}

uint8_t tl_birth_of(const struct pl_fork *f)
{
	switch (f->kind) {
	case PL_BIRTH_FORK:
	case PL_BIRTH_VFORK:
	case PL_BIRTH_CLONE:
		return (uint8_t)f->kind;
	}
	/* Kernel threads: decided by the flags like any other clone. */
	if (f->clone_flags & 0x00004000ULL)	/* CLONE_VFORK */
		return PL_BIRTH_VFORK;
	if (!(f->clone_flags & ~0xffULL))
		return PL_BIRTH_FORK;
	return PL_BIRTH_CLONE;
}

/* The reap record's "how", decided by the kernel side: only renamed. */
uint8_t tl_reap_how_of(const struct pl_reap *rp)
{
	switch (rp->how) {
	case PL_REAP_WAIT: return TL_REAP_WAIT;
	case PL_REAP_SUBREAPER: return TL_REAP_SUBREAPER;
	case PL_REAP_INIT: return TL_REAP_INIT;
	case PL_REAP_AUTOREAP: return TL_REAP_AUTOREAP;
	case PL_REAP_NS_TEARDOWN: return TL_REAP_NS_TEARDOWN;
	}
	return TL_REAP_NONE;
}

size_t tl_proc_id(char *buf, size_t size, const struct tl_process *p)
{
	int n = snprintf(buf, size, "%u@%llu", p->pid,
			 (unsigned long long)p->start_ns);

	if (n < 0)
		return 0;
	return (size_t)n < size ? (size_t)n : (size ? size - 1 : 0);
}

const char *tl_created_by_name(const struct tl_process *p)
{
	switch (p->created_by) {
	case PL_BIRTH_FORK:
	case PL_BIRTH_VFORK:
	case PL_BIRTH_CLONE:
		return pl_birth_name(p->created_by);
	}
	return NULL;
}

const char *tl_reap_how_name(const struct tl_process *p)
{
	if (!(p->flags & TL_PROC_REAPED))
		return NULL;
	switch (p->reap_how) {
	case TL_REAP_WAIT:
		return "wait";
	case TL_REAP_AUTOREAP:
		return "autoreap";
	case TL_REAP_SUBREAPER:
		return "subreaper";
	case TL_REAP_INIT:
		return "init";
	case TL_REAP_NS_TEARDOWN:
		return "ns_teardown";
	}
	return NULL;
}

const char *tl_gap_name(uint32_t gap_bit)
{
	for (unsigned int i = 0; i < TL_GAP_COUNT; i++)
		if (gap_bit == (1U << i))
			return gap_names[i];
	return NULL;
}

const char *tl_state_name(uint32_t state)
{
	switch (state) {
	case PL_STATE_RUNNING: return "running";
	case PL_STATE_RUNNABLE: return "runnable";
	case PL_STATE_SLEEP: return "sleeping";
	case PL_STATE_BLOCK: return "blocked";
	case PL_STATE_STOPPED: return "stopped";
	case PL_STATE_DEAD: return "dead";
	}
	return "unknown";
}
