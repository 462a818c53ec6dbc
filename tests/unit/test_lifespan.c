// SPDX-License-Identifier: GPL-2.0
/*
 * The phases the timeline outputs draw: a life's start, exit and end within
 * the window, what is inferred, thread spans, --states phases, the window
 * itself, and exit statuses. Plain processes are built by hand for the
 * corner cases; statuses and the window come from real event sequences.
 */
#include <stdlib.h>

#include "check.h"
#include "model/lifespan.h"
#include "tl_synth.h"

#define MS 1000000ULL

static void check_ls(const struct lifespan *ls, uint64_t start, uint64_t exit,
		     uint64_t end, const char *flags)
{
	CHECK_EQ_U64(ls->start, start);
	CHECK_EQ_U64(ls->exit, exit);
	CHECK_EQ_U64(ls->end, end);
	/* flags: the letters of those set, p a z u i */
	CHECK_EQ_U64(ls->pre_existing, strchr(flags, 'p') != NULL);
	CHECK_EQ_U64(ls->alive, strchr(flags, 'a') != NULL);
	CHECK_EQ_U64(ls->zombie, strchr(flags, 'z') != NULL);
	CHECK_EQ_U64(ls->unreaped, strchr(flags, 'u') != NULL);
	CHECK_EQ_U64(ls->end_inferred, strchr(flags, 'i') != NULL);
}

static struct tl_process proc(uint64_t start, uint32_t flags, uint64_t exit,
			      uint64_t reap)
{
	struct tl_process p;

	memset(&p, 0, sizeof(p));
	p.pid = 42;
	p.start_ns = start;
	p.flags = flags;
	p.exit_ns = exit;
	p.reap_ns = reap;
	return p;
}

#define EX	TL_PROC_EXITED
#define RP	TL_PROC_REAPED

/* Window [100, 1000] throughout. */
static void test_lifespan_of(void)
{
	struct tl_process p;
	struct lifespan ls;

	/* born, ran, zombie for 50, reaped */
	p = proc(200, EX | RP, 300, 350);
	lifespan_of(&p, 100, 1000, &ls);
	check_ls(&ls, 200, 300, 350, "z");

	/* reaped the instant it exited: no zombie phase */
	p = proc(200, EX | RP, 300, 300);
	lifespan_of(&p, 100, 1000, &ls);
	check_ls(&ls, 200, 300, 300, "");

	/* still running at the end */
	p = proc(200, 0, 0, 0);
	lifespan_of(&p, 100, 1000, &ls);
	check_ls(&ls, 200, 1000, 1000, "a");

	/* running before the trace: the flag, or a start before the window */
	p = proc(50, TL_PROC_PRE_EXISTING, 0, 0);
	lifespan_of(&p, 100, 1000, &ls);
	check_ls(&ls, 100, 1000, 1000, "pa");
	p = proc(50, EX | RP, 400, 450);
	lifespan_of(&p, 100, 1000, &ls);
	check_ls(&ls, 100, 400, 450, "pz");

	/* a zombie at the end: its zombie phase runs to the end */
	p = proc(200, EX, 300, 0);
	lifespan_of(&p, 100, 1000, &ls);
	check_ls(&ls, 200, 300, 1000, "zu");
	/* ... even when it exited at the very end */
	p = proc(200, EX, 1000, 0);
	lifespan_of(&p, 100, 1000, &ls);
	check_ls(&ls, 200, 1000, 1000, "zu");

	/* seeded as a zombie: the exit is unknown, the zombie phase is all */
	p = proc(50, TL_PROC_PRE_EXISTING | TL_PROC_ZOMBIE_AT_START, 0, 600);
	p.flags |= RP;
	lifespan_of(&p, 100, 1000, &ls);
	check_ls(&ls, 100, 100, 600, "pz");
	p = proc(50, TL_PROC_PRE_EXISTING | TL_PROC_ZOMBIE_AT_START, 0, 0);
	lifespan_of(&p, 100, 1000, &ls);
	check_ls(&ls, 100, 100, 1000, "pzu");

	/* reaped with no exit seen: it ran until the reap, at most */
	p = proc(200, RP, 0, 700);
	lifespan_of(&p, 100, 1000, &ls);
	check_ls(&ls, 200, 700, 700, "i");

	/* times past the window are cut to it; an exit before the start
	 * (a bad record) is moved to the start */
	p = proc(200, EX | RP, 900, 5000);
	lifespan_of(&p, 100, 1000, &ls);
	check_ls(&ls, 200, 900, 1000, "z");
	p = proc(200, EX | RP, 150, 160);
	lifespan_of(&p, 100, 1000, &ls);
	check_ls(&ls, 200, 200, 200, "");
	p = proc(2000, EX | RP, 2100, 2200);	/* wholly after it */
	lifespan_of(&p, 100, 1000, &ls);
	check_ls(&ls, 1000, 1000, 1000, "");
}

/* Its pid reused with no reap seen: the life ends with its last thread. */
static void test_lifespan_retired(void)
{
	struct tl_thread a, b, c;
	struct tl_process p = proc(200, 0, 0, 0);
	struct lifespan ls;

	p.gaps = TL_GAP_REAP;
	lifespan_of(&p, 100, 1000, &ls);	/* no thread: ends at its start */
	check_ls(&ls, 200, 200, 200, "i");

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	a.flags = TL_THREAD_EXITED;
	a.exit_ns = 400;
	b.flags = TL_THREAD_EXITED;
	b.exit_ns = 650;
	c.exit_ns = 900;		/* not exited: its exit_ns means nothing */
	p.threads = &a;
	a.next = &b;
	b.next = &c;
	lifespan_of(&p, 100, 1000, &ls);
	check_ls(&ls, 200, 650, 650, "i");
}

static void test_lifespan_thread(void)
{
	struct tl_thread t;
	uint64_t a, b;
	bool alive;

	memset(&t, 0, sizeof(t));
	t.start_ns = 300;
	lifespan_thread(&t, 100, 1000, &a, &b, &alive);
	CHECK_EQ_U64(a, 300);
	CHECK_EQ_U64(b, 1000);
	CHECK(alive);

	t.flags = TL_THREAD_EXITED;
	t.exit_ns = 450;
	lifespan_thread(&t, 100, 1000, &a, &b, &alive);
	CHECK_EQ_U64(a, 300);
	CHECK_EQ_U64(b, 450);
	CHECK(!alive);

	/* started before the window, exit reported before its start */
	t.start_ns = 50;
	t.exit_ns = 20;
	lifespan_thread(&t, 100, 1000, &a, &b, &alive);
	CHECK_EQ_U64(a, 100);
	CHECK_EQ_U64(b, 100);
	t.exit_ns = 3000;
	lifespan_thread(&t, 100, 1000, &a, &b, &alive);
	CHECK_EQ_U64(b, 1000);
}

/*
 * running 10, sleeping 15, runnable 15 (zero-length sleep), running 20,
 * then the thread's exit at 30 (or still alive: until t1 = 40).
 */
static void test_lifespan_phase(void)
{
	struct tl_state st[] = {
		{ 10, PL_STATE_RUNNING, 0 }, { 15, PL_STATE_SLEEP, 0 },
		{ 15, PL_STATE_RUNNABLE, 0 }, { 20, PL_STATE_RUNNING, 1 },
	};
	struct tl_thread t;
	uint64_t a = 7, b = 7;

	memset(&t, 0, sizeof(t));
	t.states = st;
	t.nr_states = 4;
	t.flags = TL_THREAD_EXITED;
	t.exit_ns = 30;

	CHECK(lifespan_phase(&t, 0, 40, 0, 100, &a, &b));
	CHECK_EQ_U64(a, 10);
	CHECK_EQ_U64(b, 15);
	CHECK(!lifespan_phase(&t, 1, 40, 0, 100, &a, &b));	/* zero length */
	CHECK(lifespan_phase(&t, 2, 40, 0, 100, &a, &b));
	CHECK_EQ_U64(a, 15);
	CHECK_EQ_U64(b, 20);
	CHECK(lifespan_phase(&t, 3, 40, 0, 100, &a, &b));
	CHECK_EQ_U64(a, 20);
	CHECK_EQ_U64(b, 30);		/* to the exit */
	a = b = 7;
	CHECK(!lifespan_phase(&t, 4, 40, 0, 100, &a, &b));	/* no such phase */
	CHECK_EQ_U64(a, 7);

	/* clipped to [12, 25] */
	CHECK(lifespan_phase(&t, 0, 40, 12, 25, &a, &b));
	CHECK_EQ_U64(a, 12);
	CHECK_EQ_U64(b, 15);
	CHECK(lifespan_phase(&t, 3, 40, 12, 25, &a, &b));
	CHECK_EQ_U64(a, 20);
	CHECK_EQ_U64(b, 25);
	/* wholly outside the clip */
	CHECK(!lifespan_phase(&t, 0, 40, 16, 25, &a, &b));
	CHECK(!lifespan_phase(&t, 3, 40, 0, 18, &a, &b));

	/* still alive: the last phase runs to t1 */
	t.flags = 0;
	CHECK(lifespan_phase(&t, 3, 40, 0, 100, &a, &b));
	CHECK_EQ_U64(a, 20);
	CHECK_EQ_U64(b, 40);

	/* the phases of a thread add up to its life from its first state */
	{
		uint64_t sum = 0;

		for (uint32_t i = 0; i < t.nr_states; i++)
			if (lifespan_phase(&t, i, 40, 0, 100, &a, &b))
				sum += b - a;
		CHECK_EQ_U64(sum, 40 - 10);
	}
}

/* A non-leader's exec: it holds the pid from its successful exec on. */
static void test_lifespan_takeover(void)
{
	struct timeline *tl = timeline_new(true);
	struct who p = { .pid = 700, .ppid = 1, .start = 10 * MS, .comm = "app" };
	struct who w = p;
	const struct tl_process *proc;
	const struct tl_thread *t, *heir = NULL;

	REQUIRE(tl);
	w.tid = 703;
	ev_fork(tl, 10 * MS, p, PL_BIRTH_FORK, 0, 0);
	ev_fork(tl, 20 * MS, w, PL_BIRTH_THREAD, 0x10f00, 20 * MS);
	/* a failed exec by the thread first: no takeover then */
	ev_exec(tl, 30 * MS, w, 703, "/nope", "nope", 5, -2, 0);
	w.tid = 0;
	ev_exec(tl, 40 * MS, w, 703, "/bin/true", "true", 5, 0, 0);
	ev_exit(tl, 50 * MS, p, 0, 0, PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER);
	timeline_finish(tl, 100 * MS);

	proc = timeline_lookup(tl, 700, 10 * MS);
	REQUIRE(proc);
	tl_for_each_thread(t, proc)
		if (t->old_tid == 703)
			heir = t;
	REQUIRE(heir);
	CHECK_EQ_U64(heir->tid, 700);
	CHECK_EQ_U64(lifespan_takeover(proc, heir, 12345), 40 * MS);
	/* the old leader did not exec: the default */
	CHECK_EQ_U64(lifespan_takeover(proc, proc->threads, 12345), 12345);
	timeline_free(tl);
}

/*
 * The window: the trace start and end, widened to every event; processes
 * running before the trace do not pull the start back to their birth.
 */
static void test_lifespan_window(void)
{
	struct timeline *tl = timeline_new(true);
	struct pl_trace_info info;
	struct who init = { .pid = 1, .start = 5 * MS, .comm = "init" };
	struct who a = { .pid = 100, .ppid = 1, .start = 1100 * MS, .comm = "a" };
	struct who early = { .pid = 200, .ppid = 1, .start = 900 * MS, .comm = "e" };
	uint64_t t0, t1;

	REQUIRE(tl);
	syn_info(&info, 2000 * MS);
	info.start_ns = 1000 * MS;
	ev_seed(tl, 1000 * MS, init, 0, 0);
	ev_fork(tl, a.start, a, PL_BIRTH_FORK, 0, 0);
	timeline_finish(tl, 2000 * MS);
	lifespan_window(tl, &info, &t0, &t1);
	CHECK_EQ_U64(t0, 1000 * MS);
	CHECK_EQ_U64(t1, 2000 * MS);
	timeline_free(tl);

	/* an exit after the trace's end; a birth before its start (the fork
	 * record lost, the process first seen by its exec) */
	tl = timeline_new(true);
	REQUIRE(tl);
	ev_seed(tl, 1000 * MS, init, 0, 0);
	ev_fork(tl, a.start, a, PL_BIRTH_FORK, 0, 0);
	ev_exec(tl, 1200 * MS, early, 0, "/bin/e", "e", 2, 0, 0);
	ev_exit(tl, 2500 * MS, a, 0, 0, PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER);
	timeline_finish(tl, 2000 * MS);
	lifespan_window(tl, &info, &t0, &t1);
	CHECK_EQ_U64(t0, 900 * MS);
	CHECK_EQ_U64(t1, 2500 * MS);

	/* no trace info: from the first birth seen */
	lifespan_window(tl, NULL, &t0, &t1);
	CHECK_EQ_U64(t0, 900 * MS);
	CHECK_EQ_U64(t1, 2500 * MS);
	timeline_free(tl);

	/* nothing at all */
	tl = timeline_new(true);
	REQUIRE(tl);
	timeline_finish(tl, 0);
	lifespan_window(tl, NULL, &t0, &t1);
	CHECK_EQ_U64(t0, 0);
	CHECK_EQ_U64(t1, 0);
	timeline_free(tl);
}

/* Exit statuses as the outputs name them, from real event sequences. */
static void test_lifespan_status(void)
{
	static const struct {
		uint32_t status;
		int exit_seen;		/* 0: only the reap (with status) */
		uint32_t source;	/* of the reap; 0: no reap */
		enum ls_status want;
		const char *text;
	} cases[] = {
		{ 0, 1, PL_REAP_WAIT, LS_STATUS_OK, "exit 0" },
		{ 3 << 8, 1, PL_REAP_WAIT, LS_STATUS_FAIL, "exit 3" },
		{ 255 << 8, 1, 0, LS_STATUS_FAIL, "exit 255" },
		{ 9, 1, PL_REAP_WAIT, LS_STATUS_SIGNAL, "SIGKILL" },
		{ 11 | 0x80, 1, 0, LS_STATUS_SIGNAL, "SIGSEGV (core)" },
		{ 35, 1, 0, LS_STATUS_SIGNAL, "SIGRTMIN+3" },
		/* exit lost: the reaper's wait status stands in */
		{ 2 << 8, 0, PL_REAP_WAIT, LS_STATUS_FAIL, "exit 2" },
		{ 15, 0, PL_REAP_WAIT, LS_STATUS_SIGNAL, "SIGTERM" },
		/* exit lost and released without a wait: unknown */
		{ 0, 0, PL_REAP_RELEASE, LS_STATUS_NONE, "" },
		/* still running */
		{ 0, 0, 0, LS_STATUS_NONE, "" },
	};
	struct who w = { .pid = 300, .ppid = 1, .start = 10 * MS, .comm = "x" };
	char buf[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct timeline *tl = timeline_new(true);
		const struct tl_process *p;

		REQUIRE(tl);
		ev_fork(tl, 10 * MS, w, PL_BIRTH_FORK, 0, 0);
		if (cases[i].exit_seen)
			ev_exit(tl, 20 * MS, w, 0, cases[i].status,
				PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER);
		if (cases[i].source)
			ev_reap(tl, 30 * MS, w, 1, cases[i].source,
				cases[i].status);
		timeline_finish(tl, 100 * MS);
		p = timeline_lookup(tl, 300, 10 * MS);
		if (CHECK(p)) {
			if (!CHECK_EQ_U64(lifespan_status(p), cases[i].want))
				fprintf(stderr, "    (case %zu)\n", i);
			memset(buf, 'Z', sizeof(buf));
			CHECK_EQ_U64(lifespan_status_str(buf, sizeof(buf), p, false),
				     strlen(cases[i].text));
			CHECK_EQ_STR(buf, cases[i].text);
		}
		timeline_free(tl);
	}
}

/* A small buffer: cut, NUL-terminated, the length of what is in it. */
static void test_lifespan_status_short_buffer(void)
{
	struct tl_process p = proc(200, EX | TL_PROC_STATUS, 300, 0);
	char buf[16];

	p.exit_status = 11 | 0x80;
	CHECK_EQ_U64(lifespan_status_str(buf, 4, &p, false), 3);
	CHECK_EQ_STR(buf, "SIG");
	CHECK_EQ_U64(lifespan_status_str(buf, 9, &p, false), 8);
	CHECK_EQ_STR(buf, "SIGSEGV ");
	CHECK_EQ_U64(lifespan_status_str(buf, 1, &p, false), 0);
	CHECK_EQ_STR(buf, "");
	buf[0] = 'Z';
	CHECK_EQ_U64(lifespan_status_str(buf, 0, &p, false), 0);
	CHECK_EQ_U64(buf[0], 'Z');	/* size 0: not touched */

	p.exit_status = 42 << 8;
	CHECK_EQ_U64(lifespan_status_str(buf, 5, &p, false), 4);
	CHECK_EQ_STR(buf, "exit");
	CHECK_EQ_U64(lifespan_status_str(buf, sizeof(buf), &p, false), 7);
	CHECK_EQ_STR(buf, "exit 42");
}

int main(void)
{
	RUN(test_lifespan_of);
	RUN(test_lifespan_retired);
	RUN(test_lifespan_thread);
	RUN(test_lifespan_phase);
	RUN(test_lifespan_takeover);
	RUN(test_lifespan_window);
	RUN(test_lifespan_status);
	RUN(test_lifespan_status_short_buffer);
	return CHECK_DONE();
}
