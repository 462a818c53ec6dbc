// SPDX-License-Identifier: GPL-2.0
/* Reconstruction of process lives from synthetic event sequences. */
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "sinks/document.h"
#include "sinks/tree.h"
#include "tl_events.h"

#define MS 1000000ULL

static const struct tl_process *find(const struct timeline *tl, uint32_t pid,
				     uint64_t start)
{
	return timeline_lookup(tl, pid, start);
}

static unsigned int count_threads(const struct tl_process *p)
{
	const struct tl_thread *t;
	unsigned int n = 0;

	tl_for_each_thread(t, p)
		n++;
	return n;
}

static void test_plain_life(void)
{
	struct timeline *tl = timeline_new(true);
	struct who parent = { .pid = 100, .ppid = 1, .start = 1000, .comm = "bash" };
	struct who child = { .pid = 200, .ppid = 100, .start = 2 * MS, .comm = "bash" };
	static const char argv[] = "true\0-x";
	const struct tl_process *p, *c;
	const struct tl_exec *e;
	const char *arg;
	size_t pos = 0, len;

	REQUIRE(tl);
	CHECK_EQ_I64(ev_seed(tl, 500, parent, 0, 0), 0);
	CHECK_EQ_I64(ev_fork(tl, 2 * MS, child, PL_BIRTH_FORK, 0, 0), 0);
	child.comm = "true";
	CHECK_EQ_I64(ev_exec(tl, 3 * MS, child, 0, "/bin/true", argv,
			     sizeof(argv), 0, 0), 0);
	CHECK_EQ_I64(ev_exit(tl, 4 * MS, child, 0, 0,
			     PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER), 0);
	CHECK_EQ_I64(ev_reap(tl, 5 * MS, child, 100, PL_REAP_WAIT, 0), 0);
	timeline_finish(tl, 10 * MS);

	CHECK_EQ_U64(timeline_count(tl), 2);
	p = timeline_proc(tl, 0);
	c = timeline_proc(tl, 1);
	REQUIRE(p && c);
	CHECK_EQ_U64(p->pid, 100);
	CHECK(p->flags & TL_PROC_PRE_EXISTING);
	CHECK(tl_created_by_name(p) == NULL);
	CHECK(p->first_child == c);
	CHECK(c->parent == p);
	CHECK(find(tl, 200, 2 * MS) == c);
	CHECK(find(tl, 200, 2 * MS + 1) == NULL);

	CHECK_EQ_STR(tl_created_by_name(c), "fork");
	CHECK_EQ_U64(c->gaps, 0);
	CHECK_EQ_STR(c->comm, "true");
	e = c->execs;
	REQUIRE(e && !e->next);
	CHECK(tl_last_exec(c) == e);
	CHECK_EQ_U64(e->t_ns, 3 * MS);
	CHECK_EQ_STR(tl_exec_filename(e), "/bin/true");
	CHECK_EQ_U64(e->old_tid, 200);
	CHECK(pl_argv_next(tl_exec_argv(e), e->argv_len, &pos, &arg, &len));
	CHECK_EQ_MEM(arg, len, "true", 4);
	CHECK(pl_argv_next(tl_exec_argv(e), e->argv_len, &pos, &arg, &len));
	CHECK_EQ_MEM(arg, len, "-x", 2);
	CHECK(!pl_argv_next(tl_exec_argv(e), e->argv_len, &pos, &arg, &len));

	CHECK(c->flags & TL_PROC_EXITED);
	CHECK_EQ_U64(c->exit_ns, 4 * MS);
	CHECK(WIFEXITED((int)c->exit_status) && WEXITSTATUS((int)c->exit_status) == 0);
	CHECK_EQ_U64(c->rusage.cpu_ns, 5100);
	CHECK(c->flags & TL_PROC_REAPED);
	CHECK_EQ_U64(c->reap_ns, 5 * MS);
	CHECK_EQ_U64(c->reaper_pid, 100);
	CHECK_EQ_STR(tl_reap_how_name(c), "wait");
	CHECK_EQ_U64(count_threads(c), 1);
	CHECK(c->threads->flags & TL_THREAD_EXITED);
	CHECK_EQ_U64(c->threads->exit_ns, 4 * MS);
	CHECK_EQ_U64(c->nr_live_threads, 0);
	timeline_free(tl);
}

static void test_pid_reuse(void)
{
	struct timeline *tl = timeline_new(true);
	struct who a = { .pid = 300, .ppid = 1, .start = 1 * MS };
	struct who b = { .pid = 300, .ppid = 1, .start = 5 * MS };
	struct who c = { .pid = 301, .ppid = 1, .start = 2 * MS };
	struct who d = { .pid = 301, .ppid = 1, .start = 6 * MS };
	const struct tl_process *pa, *pb, *pc, *pd;

	REQUIRE(tl);
	ev_life(tl, a.start, a);
	ev_fork(tl, c.start, c, PL_BIRTH_FORK, 0, 0);
	ev_lost(tl, 3 * MS, 2);		/* c's exit and reap */
	ev_life(tl, b.start, b);
	ev_fork(tl, d.start, d, PL_BIRTH_FORK, 0, 0);
	timeline_finish(tl, 10 * MS);

	CHECK_EQ_U64(timeline_count(tl), 4);
	pa = find(tl, 300, a.start);
	pb = find(tl, 300, b.start);
	pc = find(tl, 301, c.start);
	pd = find(tl, 301, d.start);
	REQUIRE(pa && pb && pc && pd);
	CHECK(pa != pb);
	CHECK_EQ_U64(pa->gaps, 0);
	CHECK_EQ_U64(pb->gaps, 0);
	CHECK_EQ_U64(pa->reap_ns, a.start + 30);
	CHECK_EQ_U64(pb->reap_ns, b.start + 30);
	/* The first life of 301 ended unseen: both ends are gaps. */
	CHECK_EQ_U64(pc->gaps, TL_GAP_EXIT | TL_GAP_REAP);
	CHECK(!(pc->flags & (TL_PROC_EXITED | TL_PROC_REAPED)));
	CHECK_EQ_U64(pd->gaps, 0);
	CHECK(timeline_live(tl, 301) == pd);
	CHECK(timeline_live(tl, 300) == pb);
	timeline_free(tl);
}

static void test_lost_fork(void)
{
	struct timeline *tl = timeline_new(true);
	struct who w = { .pid = 400, .ppid = 1, .start = 1 * MS, .comm = "ghost" };
	struct who v = { .pid = 401, .ppid = 1, .start = 2 * MS, .comm = "ghost2" };
	const struct tl_process *p;
	struct tl_stats st;

	REQUIRE(tl);
	ev_lost(tl, 3 * MS, 5);
	ev_exit(tl, 4 * MS, w, 0, 9, PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER);
	ev_reap(tl, 5 * MS, w, 1, PL_REAP_WAIT, 9);
	/* A reap alone: its exit is missing too. */
	ev_reap(tl, 6 * MS, v, 1, PL_REAP_WAIT, 0x8b);
	timeline_finish(tl, 10 * MS);

	timeline_stats(tl, &st);
	CHECK_EQ_U64(st.lost_events, 5);
	p = find(tl, 400, w.start);
	REQUIRE(p);
	CHECK_EQ_U64(p->gaps, TL_GAP_FORK);
	CHECK(tl_created_by_name(p) == NULL);
	CHECK(!(p->flags & TL_PROC_PRE_EXISTING));
	CHECK(WIFSIGNALED((int)p->exit_status) && WTERMSIG((int)p->exit_status) == 9);
	CHECK_EQ_STR(tl_reap_how_name(p), "wait");

	p = find(tl, 401, v.start);
	REQUIRE(p);
	CHECK_EQ_U64(p->gaps, TL_GAP_FORK | TL_GAP_EXIT);
	CHECK(!(p->flags & TL_PROC_EXITED));
	CHECK(p->flags & TL_PROC_REAPED);
	/* The status the reaper saw stands in for the lost exit. */
	CHECK(WIFSIGNALED((int)p->exit_status) && WCOREDUMP((int)p->exit_status));
	CHECK_EQ_U64(p->nr_live_threads, 0);
	timeline_free(tl);
}

static void test_reap_before_exit(void)
{
	struct timeline *tl = timeline_new(true);
	struct who w = { .pid = 500, .ppid = 1, .start = 1 * MS };
	const struct tl_process *p;

	REQUIRE(tl);
	ev_fork(tl, 1 * MS, w, PL_BIRTH_FORK, 0, 0);
	ev_lost(tl, 2 * MS, 1);
	ev_reap(tl, 4 * MS, w, 1, PL_REAP_WAIT, 0x100);
	/* The partner shows up late: the table takes it, nothing breaks. */
	ev_exit(tl, 3 * MS, w, 0, 0x100, PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER);
	/* And a duplicate reap is ignored. */
	ev_reap(tl, 5 * MS, w, 1, PL_REAP_WAIT, 0);
	timeline_finish(tl, 10 * MS);

	CHECK_EQ_U64(timeline_count(tl), 1);
	p = find(tl, 500, w.start);
	REQUIRE(p);
	CHECK_EQ_U64(p->gaps, 0);
	CHECK(p->flags & TL_PROC_EXITED);
	CHECK_EQ_U64(p->exit_ns, 3 * MS);
	CHECK_EQ_U64(p->reap_ns, 4 * MS);
	CHECK_EQ_U64(WEXITSTATUS((int)p->exit_status), 1);
	timeline_free(tl);
}

static void test_exec_from_thread(void)
{
	struct timeline *tl = timeline_new(true);
	struct who leader = { .pid = 600, .ppid = 1, .start = 1 * MS, .comm = "app" };
	struct who thr = { .pid = 600, .tid = 601, .ppid = 1, .start = 1 * MS,
			   .comm = "app" };
	struct who other = { .pid = 600, .tid = 602, .ppid = 1, .start = 1 * MS,
			     .comm = "app" };
	struct who after = { .pid = 600, .ppid = 1, .start = 1 * MS, .comm = "ls" };
	static const char argv[] = "ls";
	const struct tl_process *p;
	const struct tl_thread *t;

	REQUIRE(tl);
	ev_fork(tl, 1 * MS, leader, PL_BIRTH_FORK, 0, 0);
	ev_fork(tl, 2 * MS, thr, PL_BIRTH_THREAD, 0x3d0f00, 2 * MS);
	ev_fork(tl, 2 * MS + 1, other, PL_BIRTH_THREAD, 0x3d0f00, 2 * MS + 1);
	/* de_thread: the other threads and the old leader die first. */
	ev_exit(tl, 3 * MS, other, 2 * MS + 1, 9, 0);
	ev_exit(tl, 3 * MS + 1, leader, 0, 9, PL_EXIT_LEADER);
	ev_exec(tl, 4 * MS, after, 601, "/bin/ls", argv, sizeof(argv), 0, 0);
	after.tid = 600;
	ev_exit(tl, 5 * MS, after, 2 * MS, 0, PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER);
	timeline_finish(tl, 10 * MS);

	p = find(tl, 600, 1 * MS);
	REQUIRE(p);
	CHECK_EQ_U64(p->gaps, 0);
	CHECK_EQ_STR(p->comm, "ls");
	REQUIRE(p->execs);
	CHECK_EQ_U64(p->execs->old_tid, 601);
	CHECK_EQ_U64(p->execs->tid, 600);
	CHECK_EQ_U64(count_threads(p), 3);
	t = p->threads;			/* the old leader */
	CHECK_EQ_U64(t->tid, 600);
	CHECK_EQ_U64(t->old_tid, 0);
	CHECK_EQ_U64(t->exit_ns, 3 * MS + 1);
	t = t->next;			/* the thread that exec'd */
	CHECK_EQ_U64(t->tid, 600);
	CHECK_EQ_U64(t->old_tid, 601);
	CHECK_EQ_U64(t->start_ns, 2 * MS);
	CHECK_EQ_U64(t->exit_ns, 5 * MS);
	CHECK_EQ_STR(t->comm, "ls");
	CHECK(!(t->flags & TL_THREAD_END_INFERRED));
	t = t->next;
	CHECK_EQ_U64(t->tid, 602);
	CHECK_EQ_U64(t->exit_ns, 3 * MS);
	CHECK_EQ_U64(p->exit_ns, 5 * MS);
	timeline_free(tl);
}

/* An exec from a thread whose leader's exit was not reported. */
static void test_exec_from_thread_no_leader_exit(void)
{
	struct timeline *tl = timeline_new(true);
	struct who leader = { .pid = 610, .ppid = 1, .start = 1 * MS };
	struct who thr = { .pid = 610, .tid = 611, .ppid = 1, .start = 1 * MS };
	const struct tl_process *p;

	REQUIRE(tl);
	ev_fork(tl, 1 * MS, leader, PL_BIRTH_FORK, 0, 0);
	ev_fork(tl, 2 * MS, thr, PL_BIRTH_THREAD, 0x3d0f00, 2 * MS);
	ev_exec(tl, 4 * MS, leader, 611, "/bin/ls", "ls", 3, 0, 0);
	timeline_finish(tl, 10 * MS);
	p = find(tl, 610, 1 * MS);
	REQUIRE(p && p->threads && p->threads->next);
	CHECK_EQ_U64(p->gaps, 0);
	CHECK_EQ_U64(p->threads->exit_ns, 4 * MS);
	CHECK_EQ_U64(p->nr_live_threads, 1);
	CHECK_EQ_U64(p->threads->next->tid, 610);
	CHECK(!(p->threads->next->flags & TL_THREAD_EXITED));
	timeline_free(tl);
}

static void test_subreaper(void)
{
	struct timeline *tl = timeline_new(true);
	struct who sub = { .pid = 700, .ppid = 1, .start = 100, .comm = "sub" };
	struct who mid = { .pid = 701, .ppid = 700, .start = 1 * MS };
	struct who orphan = { .pid = 702, .ppid = 701, .start = 2 * MS };
	struct who lost = { .pid = 703, .ppid = 701, .start = 2 * MS + 5 };
	const struct tl_process *p;
	const struct tl_reparent *r;

	REQUIRE(tl);
	ev_seed(tl, 50, sub, 0, 0);
	ev_fork(tl, mid.start, mid, PL_BIRTH_FORK, 0, 0);
	ev_fork(tl, orphan.start, orphan, PL_BIRTH_FORK, 0, 0);
	ev_fork(tl, lost.start, lost, PL_BIRTH_FORK, 0, 0);
	ev_exit(tl, 3 * MS, mid, 0, 0, PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER);
	orphan.ppid = 700;
	ev_reparent(tl, 3 * MS + 1, orphan, 701, PL_REPARENT_SUBREAPER);
	/* 703's reparent event is missing (over the kernel's limit). */
	ev_reap(tl, 4 * MS, mid, 700, PL_REAP_WAIT, 0);
	ev_exit(tl, 5 * MS, orphan, 0, 0, PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER);
	ev_reap(tl, 6 * MS, orphan, 700, PL_REAP_SUBREAPER, 0);
	lost.ppid = 1;
	ev_exit(tl, 7 * MS, lost, 0, 0, PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER);
	ev_reap(tl, 8 * MS, lost, 1, PL_REAP_INIT, 0);
	timeline_finish(tl, 10 * MS);

	p = find(tl, 702, orphan.start);
	REQUIRE(p);
	CHECK_EQ_U64(p->ppid, 701);
	CHECK_EQ_U64(p->cur_ppid, 700);
	CHECK_EQ_STR(tl_reap_how_name(p), "subreaper");
	CHECK_EQ_U64(p->reaper_pid, 700);
	CHECK_EQ_U64(p->gaps, 0);
	r = p->reparents;
	REQUIRE(r);
	CHECK_EQ_U64(r->t_ns, 3 * MS + 1);
	CHECK_EQ_U64(r->ppid, 700);
	CHECK_EQ_U64(r->old_ppid, 701);
	CHECK_EQ_U64(r->reason, PL_REPARENT_SUBREAPER);
	CHECK(!r->next);
	/* The tree keeps the birth parent. */
	CHECK(p->parent == find(tl, 701, mid.start));

	p = find(tl, 703, lost.start);
	REQUIRE(p);
	CHECK_EQ_U64(p->gaps, TL_GAP_REPARENT);
	REQUIRE(p->reparents);
	CHECK_EQ_U64(p->reparents->t_ns, 7 * MS);
	CHECK_EQ_U64(p->reparents->ppid, 1);
	CHECK_EQ_U64(p->reparents->reason, 0);
	CHECK_EQ_STR(tl_reap_how_name(p), "init");
	timeline_free(tl);
}

static void test_autoreap(void)
{
	struct timeline *tl = timeline_new(true);
	struct who a = { .pid = 800, .ppid = 1, .start = 1 * MS };
	struct who b = { .pid = 801, .ppid = 1, .start = 2 * MS };
	const struct tl_process *p;

	REQUIRE(tl);
	ev_fork(tl, a.start, a, PL_BIRTH_FORK, 0, 0);
	ev_exit(tl, 3 * MS, a, 0, 0,
		PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER | PL_EXIT_AUTOREAP);
	ev_fork(tl, b.start + 2 * MS, b, PL_BIRTH_VFORK, 0x4100, 0);
	ev_exit(tl, 5 * MS, b, 0, 0, PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER);
	ev_reap(tl, 5 * MS + 10, b, 1, PL_REAP_AUTOREAP, 0);
	timeline_finish(tl, 10 * MS);

	p = find(tl, 800, a.start);
	REQUIRE(p);
	CHECK(p->flags & TL_PROC_REAPED);
	CHECK_EQ_U64(p->reap_ns, p->exit_ns);
	CHECK_EQ_STR(tl_reap_how_name(p), "autoreap");
	CHECK_EQ_U64(p->reaper_pid, 1);
	p = find(tl, 801, b.start);
	REQUIRE(p);
	CHECK_EQ_STR(tl_created_by_name(p), "vfork");
	CHECK_EQ_U64(p->clone_flags, 0x4100);
	CHECK_EQ_STR(tl_reap_how_name(p), "autoreap");
	CHECK_EQ_U64(p->reap_ns - p->exit_ns, 10);
	timeline_free(tl);
}

static void test_threads(void)
{
	struct timeline *tl = timeline_new(true);
	struct who w = { .pid = 900, .ppid = 1, .start = 1 * MS, .comm = "srv" };
	struct who t1 = { .pid = 900, .tid = 901, .ppid = 1, .start = 1 * MS,
			  .comm = "srv" };
	struct who t2 = { .pid = 900, .tid = 902, .ppid = 1, .start = 1 * MS,
			  .comm = "srv" };
	const struct tl_process *p;
	const struct tl_thread *t;

	REQUIRE(tl);
	ev_fork(tl, w.start, w, PL_BIRTH_FORK, 0, 0);
	ev_fork(tl, 2 * MS, t1, PL_BIRTH_THREAD, 0x3d0f00, 2 * MS);
	ev_fork(tl, 3 * MS, t2, PL_BIRTH_THREAD, 0x3d0f00, 3 * MS);
	t1.comm = "worker";
	ev_comm(tl, 4 * MS, t1, "srv");
	ev_exit(tl, 5 * MS, t1, 2 * MS, 0, 0);
	ev_exit(tl, 6 * MS, t2, 3 * MS, 0, 0);
	ev_exit(tl, 7 * MS, w, 0, 0x200, PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER);
	ev_reap(tl, 8 * MS, w, 1, PL_REAP_WAIT, 0x200);
	timeline_finish(tl, 10 * MS);

	CHECK_EQ_U64(timeline_count(tl), 1);
	p = find(tl, 900, w.start);
	REQUIRE(p);
	CHECK_EQ_U64(p->gaps, 0);
	CHECK_EQ_U64(p->nr_threads, 3);
	CHECK_EQ_STR(p->comm, "srv");
	REQUIRE(p->renames);
	CHECK_EQ_U64(p->renames->tid, 901);
	CHECK_EQ_STR(p->renames->comm, "worker");
	t = p->threads;
	CHECK_EQ_U64(t->tid, 900);
	CHECK_EQ_U64(t->exit_ns, 7 * MS);
	t = t->next;
	CHECK_EQ_U64(t->tid, 901);
	CHECK_EQ_STR(t->comm, "worker");
	CHECK_EQ_U64(t->start_ns, 2 * MS);
	CHECK_EQ_U64(t->exit_ns, 5 * MS);
	t = t->next;
	CHECK_EQ_U64(t->tid, 902);
	CHECK_EQ_U64(t->exit_ns, 6 * MS);
	CHECK_EQ_U64(WEXITSTATUS((int)p->exit_status), 2);
	timeline_free(tl);
}

static void test_leader_exits_first(void)
{
	struct timeline *tl = timeline_new(true);
	struct who w = { .pid = 1000, .ppid = 1, .start = 1 * MS };
	struct who t1 = { .pid = 1000, .tid = 1001, .ppid = 1, .start = 1 * MS };
	const struct tl_process *p;

	REQUIRE(tl);
	ev_fork(tl, w.start, w, PL_BIRTH_FORK, 0, 0);
	ev_fork(tl, 2 * MS, t1, PL_BIRTH_THREAD, 0x3d0f00, 2 * MS);
	ev_exit(tl, 3 * MS, w, 0, 0, PL_EXIT_LEADER);	/* pthread_exit */
	p = timeline_live(tl, 1000);
	REQUIRE(p);
	CHECK(!(p->flags & TL_PROC_EXITED));
	CHECK_EQ_U64(p->nr_live_threads, 1);
	ev_exit(tl, 5 * MS, t1, 2 * MS, 0x300, PL_EXIT_GROUP_DEAD);
	ev_reap(tl, 6 * MS, w, 1, PL_REAP_WAIT, 0x300);
	timeline_finish(tl, 10 * MS);

	p = find(tl, 1000, w.start);
	REQUIRE(p);
	CHECK_EQ_U64(p->gaps, 0);
	CHECK_EQ_U64(p->exit_ns, 5 * MS);
	CHECK_EQ_U64(WEXITSTATUS((int)p->exit_status), 3);
	CHECK_EQ_U64(p->threads->exit_ns, 3 * MS);
	CHECK_EQ_U64(p->threads->next->exit_ns, 5 * MS);
	CHECK_EQ_U64(p->reap_ns - p->exit_ns, 1 * MS);
	timeline_free(tl);
}

static void test_seeds(void)
{
	struct timeline *tl = timeline_new(true);
	struct who init = { .pid = 1, .ppid = 0, .start = 10, .comm = "init" };
	struct who kthreadd = { .pid = 2, .ppid = 0, .start = 11, .comm = "kthreadd" };
	struct who bash = { .pid = 50, .ppid = 1, .start = 500, .comm = "bash" };
	struct who bash_thr = { .pid = 50, .tid = 51, .ppid = 1, .start = 500,
				.comm = "bash" };
	struct who zombie = { .pid = 60, .ppid = 50, .start = 600, .comm = "z" };
	struct who child = { .pid = 70, .ppid = 50, .start = 2 * MS, .comm = "ls" };
	struct who late = { .pid = 80, .ppid = 50, .start = 900, .comm = "late" };
	struct who latest = { .pid = 90, .ppid = 50, .start = 950, .comm = "latest" };
	const struct tl_process *pi, *pb, *pz, *pc, *pk, *q;

	REQUIRE(tl);
	/* Child before parent: parents are resolved once all seeds are in. */
	ev_seed(tl, 1 * MS, zombie, 0, PL_SEED_ZOMBIE);
	ev_seed(tl, 1 * MS, bash_thr, 700, PL_SEED_THREAD);
	ev_seed(tl, 1 * MS, bash, 0, 0);
	ev_seed(tl, 1 * MS, init, 0, 0);
	ev_seed(tl, 1 * MS, kthreadd, 0, PL_SEED_KTHREAD);
	ev_fork(tl, child.start, child, PL_BIRTH_FORK, 0, 0);
	ev_reap(tl, 3 * MS, zombie, 50, PL_REAP_WAIT, 0x100);
	/* Seeds racing live events: no duplicate, and parents still linked. */
	ev_seed(tl, 4 * MS, child, 0, 0);
	ev_exit(tl, 5 * MS, late, 0, 0, PL_EXIT_LEADER);	/* thread exit */
	ev_seed(tl, 6 * MS, late, 0, 0);
	ev_seed(tl, 6 * MS, latest, 0, 0);
	timeline_finish(tl, 10 * MS);

	CHECK_EQ_U64(timeline_count(tl), 7);
	q = find(tl, 70, child.start);
	REQUIRE(q);
	CHECK_EQ_U64(q->nr_threads, 1);
	CHECK_EQ_U64(q->nr_live_threads, 1);
	CHECK(!(q->flags & TL_PROC_PRE_EXISTING));
	q = find(tl, 80, late.start);
	REQUIRE(q);
	CHECK_EQ_U64(q->gaps, 0);
	CHECK(q->flags & TL_PROC_PRE_EXISTING);
	CHECK_EQ_U64(q->nr_threads, 1);
	q = find(tl, 90, latest.start);
	REQUIRE(q);
	CHECK(q->parent == find(tl, 50, 500));
	CHECK(q->flags & TL_PROC_PRE_EXISTING);
	pi = timeline_proc(tl, 0);
	pk = timeline_proc(tl, 1);
	pb = find(tl, 50, 500);
	pz = find(tl, 60, 600);
	pc = find(tl, 70, child.start);
	REQUIRE(pi && pb && pz && pc && pk);
	CHECK_EQ_U64(pi->pid, 1);
	CHECK_EQ_U64(pk->kind, TL_KIND_KTHREAD);
	CHECK(pi->parent == NULL);
	CHECK(pb->parent == pi);
	CHECK(pz->parent == pb);
	CHECK(pc->parent == pb);
	CHECK(pb->first_child == pz);
	CHECK(pc->next_sibling == NULL);
	CHECK(pb->flags & TL_PROC_PRE_EXISTING);
	CHECK_EQ_STR(pb->comm, "bash");
	CHECK_EQ_U64(pb->nr_threads, 2);
	CHECK_EQ_U64(pb->threads->tid, 51);	/* seeded first */
	CHECK_EQ_U64(pb->gaps, 0);
	CHECK(!(pc->flags & TL_PROC_PRE_EXISTING));
	/* A zombie at start: exit time unknown, not a gap. */
	CHECK(pz->flags & TL_PROC_ZOMBIE_AT_START);
	CHECK(!(pz->flags & TL_PROC_EXITED));
	CHECK(pz->flags & TL_PROC_REAPED);
	CHECK_EQ_U64(pz->gaps, 0);
	CHECK_EQ_STR(tl_reap_how_name(pz), "wait");
	timeline_free(tl);
}

/* Events about nobody we know, in odd orders: recorded, never a crash. */
/*
 * A pre-existing process outside the trace's view renamed itself: the
 * records that name it as it is now (a reap it did, the end-of-trace
 * accounting) give it its current name, as the stream shows it.
 */
static void test_current_name_of_pre_existing(void)
{
	struct timeline *tl = timeline_new(true);
	struct who shell = { .pid = 50, .ppid = 1, .start = 500, .comm = "bash" };
	struct who kid = { .pid = 70, .ppid = 50, .start = 2 * MS, .comm = "ls" };
	struct who other = { .pid = 60, .ppid = 1, .start = 600, .comm = "old" };
	struct pl_sched_end *r = (struct pl_sched_end *)tl_rec;
	struct pl_reap *rp = (struct pl_reap *)tl_rec;
	const struct tl_process *p;

	REQUIRE(tl);
	ev_seed(tl, 1 * MS, shell, 0, 0);
	ev_seed(tl, 1 * MS, other, 0, 0);
	ev_life(tl, kid.start, kid);
	/* the reap names the reaper as it is now */
	tl_hdr(&rp->h, PL_EV_REAP, sizeof(*rp), 9 * MS, kid);
	rp->reaper_pid = rp->reaper_tid = 50;
	rp->how = PL_REAP_WAIT;
	rp->flags = PL_REAP_EXACT | PL_REAP_EXIT_KNOWN;
	snprintf(rp->reaper_comm, sizeof(rp->reaper_comm), "renamed-sh");
	REQUIRE(tl_feed(tl, sizeof(*rp)) == 0);
	/* the end-of-trace accounting reads every live task's name */
	other.comm = "new";
	tl_hdr(&r->h, PL_EV_SCHED, sizeof(*r), 10 * MS, other);
	r->task_start_ns = other.start;
	r->sched.run_ns = 1000;
	r->sched.flags = PL_SCHED_PARTIAL;
	REQUIRE(tl_feed(tl, sizeof(*r)) == 0);
	timeline_finish(tl, 10 * MS);

	p = find(tl, 50, 500);
	REQUIRE(p);
	CHECK_EQ_STR(p->comm, "renamed-sh");
	CHECK_EQ_STR(p->threads->comm, "renamed-sh");
	p = find(tl, 60, 600);
	REQUIRE(p);
	CHECK_EQ_STR(p->comm, "new");
	timeline_free(tl);
}

static void test_garbage(void)
{
	struct timeline *tl = timeline_new(true);
	struct who a = { .pid = 1100, .tid = 1105, .ppid = 1, .start = 1 * MS };
	struct who b = { .pid = 1200, .ppid = 1, .start = 2 * MS };
	struct who c = { .pid = 1300, .ppid = 1, .start = 3 * MS };
	struct who old = { .pid = 1300, .ppid = 1, .start = 1 * MS };
	const struct tl_process *p;

	REQUIRE(tl);
	ev_exit(tl, 5 * MS, a, 1 * MS + 5, 0, PL_EXIT_GROUP_DEAD);
	ev_comm(tl, 6 * MS, b, "x");
	ev_reparent(tl, 6 * MS, b, 77, PL_REPARENT_INIT);
	ev_exec(tl, 7 * MS, b, 0, "/nope", "nope", 5, -2, 0);
	ev_exec(tl, 7 * MS, b, 1299, "/bin/x", "", 0, 0,
		PL_EXEC_ARGV_TRUNC | PL_EXEC_FILENAME_TRUNC);
	ev_fork(tl, 8 * MS, c, PL_BIRTH_FORK, 0, 0);
	ev_exit(tl, 9 * MS, old, 0, 0, PL_EXIT_GROUP_DEAD);	/* stale life */
	ev_exit(tl, 9 * MS, c, 0, 0, PL_EXIT_GROUP_DEAD);
	ev_exit(tl, 9 * MS, c, 0, 0, PL_EXIT_GROUP_DEAD);	/* duplicate */
	timeline_finish(tl, 10 * MS);

	p = find(tl, 1100, a.start);
	REQUIRE(p);
	CHECK(p->gaps & TL_GAP_FORK);
	CHECK(p->flags & TL_PROC_EXITED);
	CHECK_EQ_U64(p->nr_live_threads, 0);
	p = find(tl, 1200, b.start);
	REQUIRE(p);
	CHECK_EQ_U64(p->gaps, TL_GAP_FORK | TL_GAP_REPARENT | TL_GAP_THREAD);
	REQUIRE(p->execs && p->execs->next);
	CHECK_EQ_I64(p->execs->ret, -2);
	CHECK(tl_last_exec(p) == p->execs->next);
	CHECK_EQ_U64(p->execs->next->flags,
		     PL_EXEC_ARGV_TRUNC | PL_EXEC_FILENAME_TRUNC);
	CHECK_EQ_U64(timeline_count(tl), 3);
	timeline_free(tl);
}

/* Stream mode: finished processes go, so memory follows live ones. */
static void test_stream_bounded(void)
{
	struct timeline *tl = timeline_new(false);
	struct who root = { .pid = 1, .ppid = 0, .start = 10, .comm = "init" };
	struct who daemon = { .pid = 2, .ppid = 1, .start = 20, .comm = "d" };
	struct tl_stats st;
	uint64_t ts = 1 * MS, max_held = 0;

	REQUIRE(tl);
	ev_seed(tl, 100, root, 0, 0);
	ev_seed(tl, 100, daemon, 0, 0);
	for (uint32_t i = 0; i < 100000; i++) {
		struct who w = { .pid = 100 + i % 30000, .ppid = 2, .start = ts };
		struct who t = w;

		t.tid = 40000 + i % 1000;
		ev_fork(tl, ts, w, PL_BIRTH_FORK, 0, 0);
		if (i % 3 == 0) {
			ev_fork(tl, ts + 1, t, PL_BIRTH_THREAD, 0x3d0f00, ts + 1);
			ev_exit(tl, ts + 2, t, ts + 1, 0, 0);
		}
		if (i % 100 == 7) {	/* some lives end unseen */
			ts += 100;
			continue;
		}
		ev_exec(tl, ts + 3, w, 0, "/bin/true", "true", 5, 0, 0);
		ev_exit(tl, ts + 4, w, 0, 0, PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER |
			(i % 2 ? PL_EXIT_AUTOREAP : 0));
		if (!(i % 2))
			ev_reap(tl, ts + 5, w, 2, PL_REAP_WAIT, 0);
		timeline_stats(tl, &st);
		if (st.held > max_held)
			max_held = st.held;
		ts += 100;
	}
	timeline_stats(tl, &st);
	/* At most one live child at a time, plus unseen ends until reuse. */
	CHECK(max_held <= 2 + 1 + 300);
	CHECK(st.freed >= 100000 - 300);
	CHECK_EQ_U64(st.processes, 100002);
	timeline_finish(tl, ts);
	CHECK(timeline_count(tl) <= 2 + 300);
	CHECK(timeline_proc(tl, 1)->first_child != NULL);
	timeline_free(tl);
}

/* Large traces stay linear: keep mode over many processes and pids. */
static void test_many_processes(void)
{
	struct timeline *tl = timeline_new(true);
	struct who root = { .pid = 1, .ppid = 0, .start = 10 };
	const uint32_t n = 200000;
	struct tl_stats st;
	uint64_t ts = 1 * MS;

	REQUIRE(tl);
	ev_seed(tl, 100, root, 0, 0);
	for (uint32_t i = 0; i < n; i++) {
		struct who w = { .pid = 2 + i % 100000, .ppid = 1, .start = ts };

		ev_life(tl, ts, w);
		ts += 100;
	}
	timeline_finish(tl, ts);
	timeline_stats(tl, &st);
	CHECK_EQ_U64(timeline_count(tl), n + 1);
	CHECK_EQ_U64(st.held, n + 1);
	for (size_t i = 1; i < timeline_count(tl); i++)
		if (!CHECK(timeline_proc(tl, i - 1)->start_ns <
			   timeline_proc(tl, i)->start_ns))
			break;
	CHECK(timeline_lookup(tl, 2, 1 * MS) != NULL);
	CHECK(timeline_lookup(tl, 2, 1 * MS + 100000ULL * 100) != NULL);
	timeline_free(tl);
}

static uint64_t rnd_state = 42;

static uint32_t rnd(uint32_t n)
{
	rnd_state = rnd_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rnd_state >> 33) % n;
}

/* Every thread count the table keeps must match its lists. */
static bool consistent(const struct tl_process *p)
{
	const struct tl_thread *t;
	uint32_t n = 0, live = 0;

	tl_for_each_thread(t, p) {
		n++;
		live += !(t->flags & TL_THREAD_EXITED);
		if (t->proc != p)
			return false;
	}
	return n == p->nr_threads && live == p->nr_live_threads;
}

/* Random sequences over few pids, lives and threads: no crash, no leak. */
static void test_random_sequences(void)
{
	static const uint32_t kinds[] = { PL_BIRTH_FORK, PL_BIRTH_VFORK,
		PL_BIRTH_CLONE, PL_BIRTH_THREAD, PL_BIRTH_KTHREAD };

	for (int keep = 0; keep < 2; keep++) {
		struct timeline *tl = timeline_new(keep);
		struct outbuf ob;
		uint64_t ts = 1000;
		size_t n;

		REQUIRE(tl);
		for (int i = 0; i < 40; i++) {
			struct who w = { .pid = 1 + rnd(30), .ppid = rnd(30),
					 .start = 100 + rnd(3) };

			w.tid = rnd(2) ? w.pid : 100 + rnd(20);
			ev_seed(tl, 500, w, 0, rnd(8));
		}
		for (int i = 0; i < 200000; i++) {
			struct who w = { .pid = 1 + rnd(30), .ppid = rnd(30),
					 .start = 100 + rnd(4) * (ts / 4) };

			w.tid = rnd(3) ? w.pid : 100 + rnd(20);
			ts += rnd(1000);
			switch (rnd(8)) {
			case 0:
				ev_fork(tl, ts, w, kinds[rnd(5)], rnd(2) << 14,
					rnd(2) ? 0 : ts);
				break;
			case 1:
				ev_exec(tl, ts, w, rnd(2) ? 0 : 100 + rnd(20),
					"/bin/x", "x\0y", rnd(4), rnd(3) ? 0 : -2, 0);
				break;
			case 2:
				ev_comm(tl, ts, w, "old");
				break;
			case 3:
			case 4:
				ev_exit(tl, ts, w, rnd(2) ? 0 : ts - 1, rnd(300),
					rnd(8));
				break;
			case 5:
				ev_reparent(tl, ts, w, rnd(30), rnd(3));
				break;
			case 6:
				ev_reap(tl, ts, w, rnd(30), 1 + rnd(2), rnd(300));
				break;
			default:
				ev_lost(tl, ts, 1 + rnd(5));
			}
		}
		timeline_finish(tl, ts);
		n = timeline_count(tl);
		for (size_t i = 0; i < n; i++)
			if (!CHECK(consistent(timeline_proc(tl, i))))
				break;
		/* Both writers must take whatever came out. */
		REQUIRE(outbuf_init(&ob, open("/dev/null", O_WRONLY), 0) == 0);
		CHECK_EQ_I64(timeline_json_write(tl, &(struct pl_trace_info){ 0 },
						 &ob), 0);
		CHECK_EQ_I64(tree_write(tl, &ob), 0);
		close(ob.fd);
		outbuf_free(&ob);
		timeline_free(tl);
	}
}

static void test_bytes(void)
{
	struct timeline *tl = timeline_new(true);
	struct who w = { .pid = 5, .ppid = 1, .start = 1 * MS };
	struct who t = { .pid = 5, .tid = 6, .ppid = 1, .start = 1 * MS };
	struct who bare = { .pid = 7, .ppid = 1, .start = 2 * MS };
	const struct tl_process *p;
	size_t typical, minimal, threaded;

	REQUIRE(tl);
	ev_life(tl, w.start, w);
	ev_fork(tl, bare.start, bare, PL_BIRTH_FORK, 0, 0);
	timeline_finish(tl, 10 * MS);
	p = find(tl, 5, w.start);
	REQUIRE(p);
	typical = tl_proc_bytes(p);
	minimal = tl_proc_bytes(find(tl, 7, bare.start));
	timeline_free(tl);

	tl = timeline_new(true);
	REQUIRE(tl);
	ev_fork(tl, w.start, w, PL_BIRTH_FORK, 0, 0);
	ev_fork(tl, w.start + 1, t, PL_BIRTH_THREAD, 0x3d0f00, w.start + 1);
	timeline_finish(tl, 10 * MS);
	threaded = tl_proc_bytes(find(tl, 5, w.start));
	timeline_free(tl);

	printf("timeline bytes per process: fork only %zu, fork+exec(sh -c 'echo hi')"
	       "+exit+reap %zu, each extra thread %zu\n",
	       minimal, typical, threaded - minimal);
	CHECK(minimal > sizeof(struct tl_process));
	CHECK(typical > minimal);
	CHECK(typical < 1024);
}

int main(void)
{
	RUN(test_plain_life);
	RUN(test_pid_reuse);
	RUN(test_lost_fork);
	RUN(test_reap_before_exit);
	RUN(test_exec_from_thread);
	RUN(test_exec_from_thread_no_leader_exit);
	RUN(test_subreaper);
	RUN(test_autoreap);
	RUN(test_threads);
	RUN(test_leader_exits_first);
	RUN(test_seeds);
	RUN(test_current_name_of_pre_existing);
	RUN(test_garbage);
	RUN(test_stream_bounded);
	RUN(test_many_processes);
	RUN(test_random_sequences);
	RUN(test_bytes);
	return CHECK_DONE();
}
