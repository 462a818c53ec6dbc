/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Synthetic event records for the timeline tests: each helper builds a raw
 * record as the kernel would, decodes it with pl_event_decode() and feeds
 * it to the timeline, so the tests exercise the same path as the tracer.
 */
#ifndef PL_TL_EVENTS_H
#define PL_TL_EVENTS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/event.h"
#include "model/timeline.h"

/* The task an event is about. */
struct who {
	uint32_t pid;
	uint32_t tid;
	uint32_t ppid;
	uint64_t start;		/* process start */
	const char *comm;
};

static _Alignas(8) unsigned char tl_rec[PL_FILENAME_MAX + PL_ARGV_MAX + 256];

/* Where the processes of the next fork, seed and exit records live (all zero,
 * as the tests without cgroups have it, unless a test sets it). */
static struct pl_where tl_where __attribute__((unused));

static inline void tl_hdr(struct pl_header *h, uint32_t type, size_t size,
		   uint64_t ts, struct who w)
{
	memset(h, 0, size);
	h->ts_ns = ts;
	h->start_ns = w.start;
	h->type = type;
	h->size = (uint32_t)size;
	h->pid = w.pid;
	h->tid = w.tid ? w.tid : w.pid;
	h->ppid = w.ppid;
	h->uid = 1000;
	snprintf(h->comm, sizeof(h->comm), "%s", w.comm ? w.comm : "task");
}

/*
 * When set, decoded records go to this function instead of a timeline (the
 * helpers' tl may then be NULL): the stream tests feed their writer so.
 */
static void (*tl_feed_hook)(const struct pl_event *ev) __attribute__((unused));

static inline int tl_feed(struct timeline *tl, size_t size)
{
	struct pl_event ev;

	if (pl_event_decode(tl_rec, size, &ev)) {
		fprintf(stderr, "tl_feed: record of type %u does not decode\n",
			((struct pl_header *)tl_rec)->type);
		abort();
	}
	if (tl_feed_hook) {
		tl_feed_hook(&ev);
		return 0;
	}
	if (ev.type == PL_EV_SEED)
		return timeline_seed(tl, &ev);
	return timeline_add(tl, &ev);
}

/* A new process (kind FORK, VFORK, CLONE, KTHREAD) or thread (THREAD). */
static inline int ev_fork(struct timeline *tl, uint64_t ts, struct who w,
		   uint32_t kind, uint64_t clone_flags, uint64_t task_start)
{
	struct pl_fork *f = (struct pl_fork *)tl_rec;

	tl_hdr(&f->h, PL_EV_FORK, sizeof(*f), ts, w);
	f->kind = kind;
	f->clone_flags = clone_flags;
	f->task_start_ns = task_start ? task_start : w.start;
	f->parent_tid = w.ppid;
	f->exit_signal = 17;
	f->w = tl_where;
	return tl_feed(tl, sizeof(*f));
}

/* argv: NUL-separated, argv_len bytes. ret != 0: a failed exec. */
static inline int ev_exec(struct timeline *tl, uint64_t ts, struct who w,
		   uint32_t old_tid, const char *filename, const char *argv,
		   size_t argv_len, int ret, uint32_t flags)
{
	size_t flen = strlen(filename);
	size_t fixed = ret ? sizeof(struct pl_exec_fail) : sizeof(struct pl_exec);
	char *tail = (char *)tl_rec + fixed;
	uint32_t argc = 0;

	for (size_t i = 0; i < argv_len; i++)
		argc += argv[i] == '\0';
	if (ret) {
		struct pl_exec_fail *x = (struct pl_exec_fail *)tl_rec;

		tl_hdr(&x->h, PL_EV_EXEC_FAIL, fixed + flen + argv_len, ts, w);
		x->ret = ret;
		x->flags = flags;
		x->argc = argc;
		x->filename_len = (uint32_t)flen;
		x->argv_len = (uint32_t)argv_len;
	} else {
		struct pl_exec *x = (struct pl_exec *)tl_rec;

		/* the kernel walks the working directory: the root here */
		tl_hdr(&x->h, PL_EV_EXEC, fixed + flen + argv_len + 1, ts, w);
		x->old_tid = old_tid ? old_tid : w.pid;
		x->cwd_len = 1;
		x->flags = flags;
		x->argc = argc;
		x->filename_len = (uint32_t)flen;
		x->argv_len = (uint32_t)argv_len;
	}
	memcpy(tail, filename, flen);
	memcpy(tail + flen, argv, argv_len);
	if (ret)
		return tl_feed(tl, fixed + flen + argv_len);
	tail[flen + argv_len] = '/';
	return tl_feed(tl, fixed + flen + argv_len + 1);
}

static inline int ev_comm(struct timeline *tl, uint64_t ts, struct who w,
		   const char *old)
{
	struct pl_comm *c = (struct pl_comm *)tl_rec;

	tl_hdr(&c->h, PL_EV_COMM, sizeof(*c), ts, w);
	snprintf(c->old_comm, sizeof(c->old_comm), "%s", old);
	return tl_feed(tl, sizeof(*c));
}

/* status: a wait status; flags: PL_EXIT_*. */
static inline int ev_reap_full(struct timeline *tl, uint64_t ts,
				struct who w, uint32_t reaper, uint32_t how,
				uint32_t status, uint32_t flags,
				uint64_t exit_ns);

static inline int ev_exit(struct timeline *tl, uint64_t ts, struct who w,
		   uint64_t task_start, uint32_t status, uint32_t flags)
{
	int err;

	struct pl_exit *x = (struct pl_exit *)tl_rec;

	tl_hdr(&x->h, PL_EV_EXIT, sizeof(*x), ts, w);
	x->task_start_ns = task_start ? task_start : w.start;
	x->exit_code = status;
	x->flags = flags;
	x->exit_signal = 17;
	x->w = tl_where;
	x->task.user_ns = 1000;
	x->task.cpu_ns = 1500;
	x->proc.user_ns = 2000;
	x->proc.sys_ns = 3000;
	x->proc.cpu_ns = 5100;
	x->proc.nvcsw = 4;
	x->proc.nivcsw = 5;
	x->proc.min_flt = 60;
	x->proc.maj_flt = 7;
	x->proc.maxrss_kb = 1024;
	/* each exiting thread ran 7us, waited 3us, slept 11us */
	x->sched.run_ns = 7000;
	x->sched.wait_ns = 3000;
	x->sched.sleep_ns = 11000;
	x->sched.nvcsw = 2;
	x->sched.nivcsw = 1;
	err = tl_feed(tl, sizeof(*x));
	/* as the kernel side does: an autoreap's reap follows its exit */
	if (!err && (flags & PL_EXIT_AUTOREAP))
		err = ev_reap_full(tl, ts, w, w.ppid, PL_REAP_AUTOREAP, status,
				   PL_REAP_EXACT | PL_REAP_STATUS |
				   PL_REAP_EXIT_KNOWN, ts);
	return err;
}

/* w.ppid is the new parent. */
static inline int ev_reparent(struct timeline *tl, uint64_t ts, struct who w,
		       uint32_t old_ppid, uint32_t reason)
{
	struct pl_reparent *r = (struct pl_reparent *)tl_rec;

	tl_hdr(&r->h, PL_EV_REPARENT, sizeof(*r), ts, w);
	r->old_ppid = old_ppid;
	r->reason = reason;
	return tl_feed(tl, sizeof(*r));
}

static inline int ev_reap_full(struct timeline *tl, uint64_t ts,
				struct who w, uint32_t reaper, uint32_t how,
				uint32_t status, uint32_t flags,
				uint64_t exit_ns)
{
	struct pl_reap *r = (struct pl_reap *)tl_rec;
	const struct tl_process *by = tl ? timeline_live(tl, reaper) : NULL;

	tl_hdr(&r->h, PL_EV_REAP, sizeof(*r), ts, w);
	r->reaper_pid = reaper;
	r->reaper_tid = reaper;
	r->how = how;
	r->status = status;
	/* the kernel gives the reaper's name as it is then */
	snprintf(r->reaper_comm, sizeof(r->reaper_comm), "%.15s",
		 by ? by->comm : "reaper");
	r->flags = flags;
	r->exit_ns = exit_ns;
	return tl_feed(tl, sizeof(*r));
}

/* A reap by a wait (how: enum pl_reap_how, decided by the kernel side),
 * carrying the exit status the zombie record kept. */
static inline int ev_reap(struct timeline *tl, uint64_t ts, struct who w,
		   uint32_t reaper, uint32_t how, uint32_t status)
{
	return ev_reap_full(tl, ts, w, reaper, how, status,
			    PL_REAP_EXACT | PL_REAP_STATUS, 0);
}

static inline int ev_seed(struct timeline *tl, uint64_t ts, struct who w,
		   uint64_t task_start, uint32_t flags)
{
	struct pl_seed *s = (struct pl_seed *)tl_rec;

	tl_hdr(&s->h, PL_EV_SEED, sizeof(*s), ts, w);
	s->task_start_ns = task_start ? task_start : w.start;
	s->flags = flags;
	s->w = tl_where;
	return tl_feed(tl, sizeof(*s));
}

static inline int ev_lost(struct timeline *tl, uint64_t ts, uint64_t count)
{
	struct pl_lost *l = (struct pl_lost *)tl_rec;
	struct who none = { 0 };

	tl_hdr(&l->h, PL_EV_LOST, sizeof(*l), ts, none);
	l->count = count;
	return tl_feed(tl, sizeof(*l));
}

/* The whole life of a short child: fork, exec, exit 0, reaped by ppid. */
static inline void ev_life(struct timeline *tl, uint64_t ts, struct who w)
{
	static const char argv[] = "sh\0-c\0echo hi";

	ev_fork(tl, ts, w, PL_BIRTH_FORK, 0, 0);
	ev_exec(tl, ts + 10, w, 0, "/bin/sh", argv, sizeof(argv), 0, 0);
	ev_exit(tl, ts + 20, w, 0, 0, PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER);
	ev_reap(tl, ts + 30, w, w.ppid, PL_REAP_WAIT, 0);
}

#endif
