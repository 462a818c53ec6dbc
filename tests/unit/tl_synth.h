/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Synthetic timelines for the output tests (chrome, chart): a small
 * hand-made scenario with every kind of life, and a random process tree of
 * any size for the size and rendering checks. Built from raw records via
 * tl_events.h, so they go through the same decoding as the tracer's.
 */
#ifndef PL_TL_SYNTH_H
#define PL_TL_SYNTH_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tl_events.h"
#include "model/trace_info.h"

#define SYN_MS		1000000ULL
#define SYN_T0		(10000 * SYN_MS)	/* trace start, CLOCK_BOOTTIME */

/* Hostile bytes in argv: markup, quotes, a newline, invalid UTF-8. */
static const char syn_hostile_arg[] = "<script>&\"'\n\xff";

static inline void syn_info(struct pl_trace_info *info, uint64_t end_ns)
{
	static char *const command[] = { "make", "-j2", "<all>", NULL };

	memset(info, 0, sizeof(*info));
	info->hostname = "testhost";
	info->kernel = "6.1.0-test";
	info->boot_offset_ns = 1700000000LL * 1000000000LL;
	info->start_ns = SYN_T0;
	info->end_ns = end_ns;
	info->command = command;
	
	info->events = 42;
	info->version = "test";
}

/*
 * pid 1 systemd and 500 bash: pre-existing. 600 make (child of 500, execs)
 * forks 601 sh (hostile argv, exit 0), 602 cc1 (a thread 603, exit 1, 20 ms
 * zombie), 604 sleep (SIGKILL), 605 (failed exec, renames itself, outlives
 * make: reparented to 1, alive at the end); 607 crashes with a core and
 * stays a zombie. Trace: SYN_T0 .. SYN_T0 + 120 ms.
 */
static inline void syn_scenario(struct timeline *tl, struct pl_trace_info *info)
{
	static const char make_argv[] = "make\0-j2";
	static const char cc1_argv[] = "cc1\0-O2\0main.c";
	static const char sleep_argv[] = "sleep\0" "100";
	static const char bad_argv[] = "nonexistent";
	char sh_argv[64];
	size_t sh_len;
	const uint64_t t = SYN_T0;
	const uint32_t dead = PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER;
	struct who init = { .pid = 1, .start = 300 * SYN_MS, .comm = "systemd" };
	struct who bash = { .pid = 500, .ppid = 1, .start = 2000 * SYN_MS, .comm = "bash" };
	struct who make = { .pid = 600, .ppid = 500, .start = t + 10 * SYN_MS, .comm = "bash" };
	struct who sh = { .pid = 601, .ppid = 600, .start = t + 20 * SYN_MS, .comm = "make" };
	struct who cc1 = { .pid = 602, .ppid = 600, .start = t + 25 * SYN_MS, .comm = "make" };
	struct who thr = cc1;
	struct who slp = { .pid = 604, .ppid = 600, .start = t + 30 * SYN_MS, .comm = "make" };
	struct who wrk = { .pid = 605, .ppid = 600, .start = t + 40 * SYN_MS, .comm = "make" };
	struct who crash = { .pid = 607, .ppid = 500, .start = t + 100 * SYN_MS, .comm = "bash" };

	/* "sh", "-c", hostile: argv strings back to back. */
	memcpy(sh_argv, "sh\0-c\0", 6);
	memcpy(sh_argv + 6, syn_hostile_arg, sizeof(syn_hostile_arg));
	sh_len = 6 + sizeof(syn_hostile_arg);

	syn_info(info, t + 120 * SYN_MS);
	ev_seed(tl, t, init, 0, 0);
	ev_seed(tl, t, bash, 0, 0);

	ev_fork(tl, make.start, make, PL_BIRTH_FORK, 0, 0);
	make.comm = "make";
	ev_exec(tl, t + 12 * SYN_MS, make, 0, "/usr/bin/make", make_argv,
		sizeof(make_argv), 0, 0);

	ev_fork(tl, sh.start, sh, PL_BIRTH_FORK, 0, 0);
	sh.comm = "sh";
	ev_exec(tl, t + 21 * SYN_MS, sh, 0, "/bin/sh", sh_argv, sh_len, 0, 0);

	ev_fork(tl, cc1.start, cc1, PL_BIRTH_VFORK, 0x4100, 0);
	cc1.comm = "cc1";
	ev_exec(tl, t + 26 * SYN_MS, cc1, 0, "/usr/lib/gcc/cc1", cc1_argv,
		sizeof(cc1_argv), 0, 0);
	thr.tid = 603;
	thr.comm = "cc1-worker";
	ev_fork(tl, t + 30 * SYN_MS, thr, PL_BIRTH_THREAD, 0x10f00,
		t + 30 * SYN_MS);

	ev_fork(tl, slp.start, slp, PL_BIRTH_FORK, 0, 0);
	slp.comm = "sleep";
	ev_exec(tl, t + 31 * SYN_MS, slp, 0, "/bin/sleep", sleep_argv,
		sizeof(sleep_argv), 0, 0);

	ev_fork(tl, wrk.start, wrk, PL_BIRTH_CLONE, 0x100, 0);
	ev_exec(tl, t + 42 * SYN_MS, wrk, 0, "/nonexistent", bad_argv,
		sizeof(bad_argv), -2, 0);
	wrk.comm = "<w>&'\"";
	ev_comm(tl, t + 45 * SYN_MS, wrk, "make");

	ev_exit(tl, t + 50 * SYN_MS, thr, t + 30 * SYN_MS, 0, 0);
	ev_exit(tl, t + 60 * SYN_MS, sh, 0, 0, dead);
	ev_reap(tl, t + 61 * SYN_MS, sh, 600, PL_REAP_WAIT, 0);
	ev_exit(tl, t + 70 * SYN_MS, cc1, 0, 1 << 8, dead);
	ev_exit(tl, t + 80 * SYN_MS, slp, 0, 9, dead);
	ev_reap(tl, t + 81 * SYN_MS, slp, 600, PL_REAP_WAIT, 9);
	ev_reap(tl, t + 90 * SYN_MS, cc1, 600, PL_REAP_WAIT, 1 << 8);

	ev_exit(tl, t + 95 * SYN_MS, make, 0, 0, dead);
	wrk.ppid = 1;
	ev_reparent(tl, t + 95 * SYN_MS, wrk, 600, PL_REPARENT_INIT);
	ev_reap(tl, t + 96 * SYN_MS, make, 500, PL_REAP_WAIT, 0);

	ev_fork(tl, crash.start, crash, PL_BIRTH_FORK, 0, 0);
	ev_exit(tl, t + 105 * SYN_MS, crash, 0, 11 | 0x80, dead);

	timeline_finish(tl, info->end_ns);
}

/* ---- scheduler accounting and --states ---- */

/* An exit like ev_exit's, with the thread's scheduler accounting s. */
static inline int ev_exit_sched(struct timeline *tl, uint64_t ts, struct who w,
				uint64_t task_start, uint32_t status,
				uint32_t flags, const struct pl_sched *s)
{
	struct pl_exit *x = (struct pl_exit *)tl_rec;

	tl_hdr(&x->h, PL_EV_EXIT, sizeof(*x), ts, w);
	x->task_start_ns = task_start ? task_start : w.start;
	x->exit_code = status;
	x->flags = flags;
	x->exit_signal = 17;
	x->proc.cpu_ns = s->run_ns;
	x->sched = *s;
	return tl_feed(tl, sizeof(*x));
}

/* --states: the task w entered state (enum pl_task_state) at ts. */
static inline int ev_state(struct timeline *tl, uint64_t ts, struct who w,
			   uint32_t state, int32_t cpu)
{
	struct pl_state *r = (struct pl_state *)tl_rec;

	tl_hdr(&r->h, PL_EV_STATE, sizeof(*r), ts, w);
	r->h.ppid = 0;		/* as the kernel side leaves them */
	r->h.uid = 0;
	r->state = state;
	r->cpu = cpu;
	return tl_feed(tl, sizeof(*r));
}

#define SYN_SCHED_TINY	2000	/* 1 us state changes in io's 60..62 ms */

/*
 * Trace SYN_T0 .. +100 ms. pid 10 "shell": seeded, no accounting.
 * 20 "worker" (+10 .. +50 ms, reaped +60): accounting only, run 30 ms,
 * runnable 4, sleep 4, D 2 (run is 3/4 of its life), 5 + 7 switches, 3
 * migrations. 30 "io" (+20 .. +80, reaped +81), --states on its leader:
 * runnable 20, running 21, sleeping 30, D 40..60, then SYN_SCHED_TINY
 * alternating running/runnable changes until 62, running, stopped 70..75,
 * running, dead 80; its thread 31 (+25 .. +45): running 25, sleeping and
 * runnable both at 26 (a zero-length phase), running 27, sleeping 28..45.
 * io's accounting is partial and sums to run 23, runnable 3, sleep 23,
 * D 20, stopped 5. 40 "late" (+90, alive at the end): running from 90.
 */
static inline void syn_sched(struct timeline *tl, struct pl_trace_info *info)
{
	const uint64_t t = SYN_T0, ms = SYN_MS;
	const uint32_t dead = PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER;
	struct who shell = { .pid = 10, .ppid = 1, .start = 2000 * ms, .comm = "shell" };
	struct who wk = { .pid = 20, .ppid = 10, .start = t + 10 * ms, .comm = "worker" };
	struct who io = { .pid = 30, .ppid = 10, .start = t + 20 * ms, .comm = "io" };
	struct who thr = { .pid = 30, .tid = 31, .ppid = 10, .start = t + 20 * ms,
			   .comm = "io-thr" };
	struct who late = { .pid = 40, .ppid = 10, .start = t + 90 * ms, .comm = "late" };
	const struct pl_sched wk_s = {
		.run_ns = 30 * ms, .wait_ns = 4 * ms, .sleep_ns = 4 * ms,
		.block_ns = 2 * ms, .nvcsw = 5, .nivcsw = 7, .migrations = 3,
	};
	const struct pl_sched io_s = {
		.run_ns = 20 * ms, .wait_ns = 2 * ms, .sleep_ns = 10 * ms,
		.block_ns = 20 * ms, .stopped_ns = 5 * ms, .nvcsw = 40,
		.nivcsw = 1000, .migrations = 2, .flags = PL_SCHED_PARTIAL,
	};
	const struct pl_sched thr_s = {
		.run_ns = 3 * ms, .wait_ns = 1 * ms, .sleep_ns = 13 * ms,
		.nvcsw = 2, .nivcsw = 1,
	};
	uint32_t i;

	syn_info(info, t + 100 * ms);
	info->command = NULL;
	ev_seed(tl, t, shell, 0, 0);

	ev_fork(tl, wk.start, wk, PL_BIRTH_FORK, 0, 0);
	ev_exit_sched(tl, t + 50 * ms, wk, 0, 0, dead, &wk_s);
	ev_reap(tl, t + 60 * ms, wk, 10, PL_REAP_WAIT, 0);

	ev_fork(tl, io.start, io, PL_BIRTH_FORK, 0, 0);
	ev_state(tl, t + 20 * ms, io, PL_STATE_RUNNABLE, 0);
	ev_state(tl, t + 21 * ms, io, PL_STATE_RUNNING, 0);
	ev_fork(tl, t + 25 * ms, thr, PL_BIRTH_THREAD, 0x10f00, t + 25 * ms);
	ev_state(tl, t + 25 * ms, thr, PL_STATE_RUNNING, 1);
	ev_state(tl, t + 26 * ms, thr, PL_STATE_SLEEP, 1);
	ev_state(tl, t + 26 * ms, thr, PL_STATE_RUNNABLE, 1);
	ev_state(tl, t + 27 * ms, thr, PL_STATE_RUNNING, 1);
	ev_state(tl, t + 28 * ms, thr, PL_STATE_SLEEP, 1);
	ev_state(tl, t + 30 * ms, io, PL_STATE_SLEEP, 0);
	ev_state(tl, t + 40 * ms, io, PL_STATE_BLOCK, 0);
	ev_exit_sched(tl, t + 45 * ms, thr, t + 25 * ms, 0, 0, &thr_s);
	ev_state(tl, t + 60 * ms, io, PL_STATE_RUNNING, 2);
	for (i = 1; i < SYN_SCHED_TINY; i++)
		ev_state(tl, t + 60 * ms + i * 1000, io,
			 i % 2 ? PL_STATE_RUNNABLE : PL_STATE_RUNNING, 2);
	ev_state(tl, t + 62 * ms, io, PL_STATE_RUNNING, 3);
	ev_state(tl, t + 70 * ms, io, PL_STATE_STOPPED, 3);
	ev_state(tl, t + 75 * ms, io, PL_STATE_RUNNING, 3);
	ev_state(tl, t + 80 * ms, io, PL_STATE_DEAD, 3);
	ev_exit_sched(tl, t + 80 * ms, io, 0, 0, dead, &io_s);
	ev_reap(tl, t + 81 * ms, io, 10, PL_REAP_WAIT, 0);

	ev_fork(tl, late.start, late, PL_BIRTH_FORK, 0, 0);
	ev_state(tl, t + 90 * ms, late, PL_STATE_RUNNING, 0);

	timeline_finish(tl, info->end_ns);
}

/* ---- random trees ---- */

struct syn_rng {
	uint64_t s;
};

static inline uint64_t syn_next(struct syn_rng *r)
{
	/* xorshift64*: deterministic and good enough for shapes */
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 2685821657736338717ULL;
}

/* Uniform in [0, n). */
static inline uint64_t syn_below(struct syn_rng *r, uint64_t n)
{
	return n ? syn_next(r) % n : 0;
}

struct syn_proc {
	struct who w;
	uint64_t exit;		/* 0: alive at the end */
	uint64_t reap;		/* 0: not reaped */
	uint32_t status;
	uint32_t parent;	/* index */
	uint32_t reparent_to;	/* 0, or the new parent */
	uint64_t reparent_at;
	uint32_t prog;
	uint32_t nthreads;
	bool seeded;
	bool bad_exec;
};

enum syn_kind { SK_FORK, SK_EXEC_FAIL, SK_EXEC, SK_THREAD, SK_THREAD_EXIT,
		SK_REPARENT, SK_EXIT, SK_REAP };

struct syn_ev {
	uint64_t ts;
	uint32_t seq;		/* keeps same-time events in creation order */
	uint32_t proc;
	uint32_t kind;
	uint32_t arg;
};

static inline int syn_cmp(const void *a, const void *b)
{
	const struct syn_ev *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const struct {
	const char *comm, *file, *argv;
	size_t len;
} syn_progs[] = {
#define P(c, f, a) { c, f, a, sizeof(a) }
	P("sh", "/bin/sh", "sh\0-c\0cc -O2 -c src/foo.c -o build/foo.o"),
	P("cc1", "/usr/lib/gcc/x86_64-linux-gnu/12/cc1", "cc1\0-quiet\0src/foo.c\0-O2"),
	P("as", "/usr/bin/as", "as\0--64\0-o\0build/foo.o\0/tmp/ccXYZ.s"),
	P("ld", "/usr/bin/ld", "ld\0-o\0proclife\0build/a.o\0build/b.o\0-lbpf"),
	P("make", "/usr/bin/make", "make\0-C\0tests\0all"),
	P("python3", "/usr/bin/python3", "python3\0tools/check.py\0--fast"),
	P("grep", "/bin/grep", "grep\0-r\0TODO\0src"),
	P("git", "/usr/bin/git", "git\0rev-parse\0HEAD"),
#undef P
};
#define SYN_NPROGS (sizeof(syn_progs) / sizeof(syn_progs[0]))

/*
 * n processes over span_ns: three pre-existing ones (systemd, sshd, bash),
 * then a random recursive tree under bash with execs, threads, failed
 * execs, non-zero exits, signals, long zombies, orphans reparented to init,
 * and a few still alive at the end. Returns the end of the trace.
 */
static inline uint64_t syn_random(struct timeline *tl, struct pl_trace_info *info,
				  uint32_t n, uint64_t span_ns, uint64_t seed)
{
	struct syn_rng rng = { seed * 0x9e3779b97f4a7c15ULL + 1 };
	struct syn_proc *ps = calloc(n + 3, sizeof(*ps));
	struct syn_ev *ev = calloc((size_t)(n + 3) * 12, sizeof(*ev));
	const uint64_t t0 = SYN_T0, end = SYN_T0 + span_ns;
	const uint32_t dead = PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER;
	uint32_t np = 3, nev = 0, i, k;

	if (!ps || !ev)
		abort();
	ps[0] = (struct syn_proc){ .w = { .pid = 1, .start = 300 * SYN_MS, .comm = "systemd" },
				   .seeded = true };
	ps[1] = (struct syn_proc){ .w = { .pid = 700, .ppid = 1, .start = 900 * SYN_MS,
				   .comm = "sshd" }, .seeded = true };
	ps[2] = (struct syn_proc){ .w = { .pid = 800, .ppid = 700, .start = 5000 * SYN_MS,
				   .comm = "bash" }, .seeded = true, .parent = 1 };

	for (i = 3; i < n + 3; i++, np++) {
		struct syn_proc *c = &ps[i], *p;
		uint64_t life, lo, hi;
		uint32_t j, r;

		/* bash, or a random earlier process that still has time to fork. */
		for (k = 0; k < 20; k++) {
			j = i == 3 || syn_below(&rng, 100) < 30 ? 2 :
			    2 + (uint32_t)syn_below(&rng, i - 2);
			p = &ps[j];
			lo = p->seeded ? t0 : p->w.start + 200000;
			hi = p->exit ? p->exit : end;
			if (hi > lo + 1000000)
				break;
			j = 2;
		}
		p = &ps[j];
		lo = p->seeded ? t0 : p->w.start + 200000;
		hi = p->exit ? p->exit : end;
		if (hi <= lo + 1000000) {
			p = &ps[2];
			j = 2;
			lo = t0;
			hi = end;
		}
		c->parent = j;
		c->w.pid = 1000 + i;
		c->w.ppid = p->w.pid;
		c->w.start = lo + syn_below(&rng, hi - lo - 1000000);
		c->w.comm = p->prog ? syn_progs[p->prog - 1].comm : p->w.comm;
		/* Mostly short lives, some long. */
		r = (uint32_t)syn_below(&rng, 100);
		life = r < 60 ? 1000000 + syn_below(&rng, 40 * SYN_MS) :
		       r < 90 ? syn_below(&rng, span_ns / 10) + 50 * SYN_MS :
		       syn_below(&rng, span_ns) + SYN_MS;
		c->exit = c->w.start + life;
		if (c->exit >= end || syn_below(&rng, 100) < 2)
			c->exit = 0;
		/* Children mostly die with or before their parent. */
		if (c->exit && p->exit && c->exit > p->exit && syn_below(&rng, 100) < 80)
			c->exit = p->exit - syn_below(&rng, 500000) - 1;
		if (c->exit && c->exit <= c->w.start + 100000)
			c->exit = c->w.start + 100000;
		if (syn_below(&rng, 100) < 85)
			c->prog = 1 + (uint32_t)syn_below(&rng, SYN_NPROGS);
		c->bad_exec = syn_below(&rng, 100) < 3;
		c->nthreads = syn_below(&rng, 100) < 6 ? 1 + (uint32_t)syn_below(&rng, 4) : 0;
		r = (uint32_t)syn_below(&rng, 100);
		c->status = r < 85 ? 0 : r < 94 ? (1 + syn_below(&rng, 2)) << 8 :
			    r < 97 ? 9 : r < 99 ? 15 : (11 | 0x80);
		if (c->exit) {
			r = (uint32_t)syn_below(&rng, 100);
			c->reap = c->exit + (r < 90 ? 20000 + syn_below(&rng, 500000) :
					     r < 98 ? syn_below(&rng, 80 * SYN_MS) : end);
		}
		/* Outlived the parent: init adopts it (and its zombie). */
		if (p->exit && (!c->exit || c->reap > p->exit)) {
			c->reparent_to = 1;
			c->reparent_at = p->exit;
			if (c->exit && c->reap > p->exit)
				c->reap = (c->exit > p->exit ? c->exit : p->exit) + 300000;
		}
		if (c->reap >= end)
			c->reap = 0;
		if (c->exit && c->exit >= end)
			c->exit = c->reap = 0;
	}

	for (i = 3; i < np; i++) {
		struct syn_proc *c = &ps[i];
		uint64_t x = c->w.start + 50000;

#define ADD(t, kd, a) (ev[nev] = (struct syn_ev){ .ts = (t), .seq = nev, \
			.proc = i, .kind = (kd), .arg = (a) }, nev++)
		ADD(c->w.start, SK_FORK, 0);
		if (c->bad_exec)
			ADD(x, SK_EXEC_FAIL, 0);
		if (c->prog)
			ADD(x + 10000, SK_EXEC, 0);
		for (k = 0; k < c->nthreads; k++) {
			uint64_t hi = c->exit ? c->exit : end;
			uint64_t ts = x + 20000 + syn_below(&rng, (hi - x) / 2);

			ADD(ts, SK_THREAD, k);
			if (c->exit)
				ADD(ts + syn_below(&rng, hi - ts - 1000) + 1, SK_THREAD_EXIT, k);
		}
		if (c->reparent_to)
			ADD(c->reparent_at, SK_REPARENT, 0);
		if (c->exit)
			ADD(c->exit, SK_EXIT, 0);
		if (c->reap)
			ADD(c->reap, SK_REAP, 0);
#undef ADD
	}
	qsort(ev, nev, sizeof(*ev), syn_cmp);

	syn_info(info, end);
	for (i = 0; i < 3; i++)
		ev_seed(tl, t0, ps[i].w, 0, 0);
	for (k = 0; k < nev; k++) {
		struct syn_proc *c = &ps[ev[k].proc];
		struct who w = c->w;

		if (c->reparent_to && ev[k].ts >= c->reparent_at && ev[k].kind != SK_FORK)
			w.ppid = c->reparent_to;
		if (c->prog && ev[k].kind >= SK_EXEC)
			w.comm = syn_progs[c->prog - 1].comm;
		switch (ev[k].kind) {
		case SK_FORK:
			ev_fork(tl, ev[k].ts, w, PL_BIRTH_FORK, 0, 0);
			break;
		case SK_EXEC_FAIL:
			ev_exec(tl, ev[k].ts, w, 0, "/usr/local/bin/missing",
				"missing\0--x", 11, -2, 0);
			break;
		case SK_EXEC:
			ev_exec(tl, ev[k].ts, w, 0, syn_progs[c->prog - 1].file,
				syn_progs[c->prog - 1].argv,
				syn_progs[c->prog - 1].len, 0, 0);
			break;
		case SK_THREAD:
		case SK_THREAD_EXIT:
			w.tid = 200000 + ev[k].proc * 4 + ev[k].arg;
			w.comm = "worker";
			if (ev[k].kind == SK_THREAD)
				ev_fork(tl, ev[k].ts, w, PL_BIRTH_THREAD, 0x10f00,
					ev[k].ts);
			else
				ev_exit(tl, ev[k].ts, w, 0, 0, 0);
			break;
		case SK_REPARENT:
			ev_reparent(tl, ev[k].ts, w, c->w.ppid, PL_REPARENT_INIT);
			break;
		case SK_EXIT:
			ev_exit(tl, ev[k].ts, w, 0, c->status, dead);
			break;
		case SK_REAP:
			ev_reap(tl, ev[k].ts, w, w.ppid, PL_REAP_WAIT, c->status);
			break;
		}
	}
	timeline_finish(tl, end);
	free(ps);
	free(ev);
	return end;
}

#endif
