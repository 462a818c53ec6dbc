// SPDX-License-Identifier: GPL-2.0
/*
 * Which running processes a filtered trace starts with: -p PIDs and their
 * descendants, -c and -u matches and theirs, kernel threads with -k only,
 * nothing in command mode. Seeds are built as the task iterator sends them.
 */
#include <stdlib.h>

#include "check.h"
#include "kernel/tracer.h"	/* TRACK_* */
#include "model/selection.h"

static void seed(struct selection *sel, uint32_t pid, uint32_t tid,
		 uint32_t ppid, uint32_t uid, const char *comm, uint32_t flags)
{
	struct pl_seed s;

	memset(&s, 0, sizeof(s));
	s.h.type = PL_EV_SEED;
	s.h.size = sizeof(s);
	s.h.pid = pid;
	s.h.tid = tid ? tid : pid;
	s.h.ppid = ppid;
	s.h.uid = uid;
	s.flags = flags;
	strncpy(s.h.comm, comm, sizeof(s.h.comm));
	selection_add_seed(sel, &s);
}

/*
 *   1 systemd (0) ─┬─ 100 sshd (0) ── 200 bash (1000) ─┬─ 300 make (1000) ── 301 cc (1000)
 *                  │                                   └─ thread 201 of bash
 *                  └─ 400 cron (0) ── 401 bash (0)
 *   2 kthreadd ── 3 kworker/0:1        (kernel threads)
 *   500 bash (1000), its parent 999 not listed (it exited)
 */
static void seed_all(struct selection *sel)
{
	/* not in pid order: the iterator's order is not relied on */
	seed(sel, 401, 0, 400, 0, "bash", 0);
	seed(sel, 1, 0, 0, 0, "systemd", 0);
	seed(sel, 2, 0, 0, 0, "kthreadd", PL_SEED_KTHREAD);
	seed(sel, 3, 0, 2, 0, "kworker/0:1", PL_SEED_KTHREAD);
	seed(sel, 100, 0, 1, 0, "sshd", 0);
	seed(sel, 200, 0, 100, 1000, "bash", 0);
	seed(sel, 200, 201, 100, 1000, "bash", PL_SEED_THREAD);
	seed(sel, 301, 0, 300, 1000, "cc", 0);
	seed(sel, 300, 0, 200, 1000, "make", 0);
	seed(sel, 400, 0, 1, 0, "cron", 0);
	seed(sel, 500, 0, 999, 1000, "bash", 0);
}

static const uint32_t all_pids[] = { 1, 2, 3, 100, 200, 300, 301, 400, 401, 500 };
#define NPIDS (sizeof(all_pids) / sizeof(all_pids[0]))

/* The bits of pid after selection_compute(), -1 when it was not kept. */
static int bits_of(const struct selection *sel, uint32_t pid)
{
	for (size_t i = 0; i < sel->n; i++)
		if (sel->tasks[i].pid == pid)
			return sel->tasks[i].bits;
	return -1;
}

static struct pl_options no_filter(void)
{
	struct pl_options o;

	memset(&o, 0, sizeof(o));
	o.nr_uids = 0;
	o.pidns = -1;
	return o;
}

/* Run opts over the seeded tree; expect[i] are the bits of all_pids[i]. */
static void check_bits(const struct pl_options *o, const int expect[NPIDS],
		       size_t kept)
{
	struct selection sel;

	selection_init(&sel, o);
	CHECK(sel.active);
	seed_all(&sel);
	CHECK_EQ_U64(sel.n, kept);
	selection_compute(&sel);
	for (size_t i = 0; i < NPIDS; i++)
		if (!CHECK_EQ_I64(bits_of(&sel, all_pids[i]), expect[i]))
			fprintf(stderr, "    (pid %u)\n", all_pids[i]);
	selection_free(&sel);
	CHECK(sel.tasks == NULL);
}

#define S	(TRACK_SELECTED)
#define T	(TRACK_IN_TREE)
#define TS	(TRACK_IN_TREE | TRACK_SELECTED)

/* Without a filter nothing is remembered: everything is traced anyway. */
static void test_inactive(void)
{
	struct pl_options o = no_filter();
	struct selection sel;

	o.kthreads = true;
	o.threads = true;
	selection_init(&sel, &o);
	CHECK(!sel.active);
	seed_all(&sel);
	CHECK_EQ_U64(sel.n, 0);
	selection_free(&sel);
}

static void test_comm(void)
{
	struct pl_options o = no_filter();
	/* 1 2 3 100 200 300 301 400 401 500: every bash and what it started */
	const int expect[NPIDS] = { 0, -1, -1, 0, S, S, S, 0, S, S };

	strcpy(o.comms[0], "bash");
	o.nr_comms = 1;
	check_bits(&o, expect, 8);	/* no kernel threads, no thread 201 */
}

static void test_uid(void)
{
	struct pl_options o = no_filter();
	const int expect[NPIDS] = { 0, -1, -1, 0, S, S, S, 0, 0, S };

	o.uids[0] = 1000;
	o.nr_uids = 1;
	check_bits(&o, expect, 8);
}

/* -u 0 -c bash: both must hold; uid 0 is a filter, not "none". */
static void test_comm_and_uid(void)
{
	struct pl_options o = no_filter();
	const int expect[NPIDS] = { 0, -1, -1, 0, 0, 0, 0, 0, S, 0 };

	strcpy(o.comms[0], "bash");
	o.nr_comms = 1;
	o.uids[0] = 0;
	o.nr_uids = 1;
	check_bits(&o, expect, 8);
}

static void test_pids(void)
{
	struct pl_options o = no_filter();
	const int sub[NPIDS] = { 0, -1, -1, 0, 0, TS, TS, 0, 0, 0 };
	/* -p 100 -u 1000: sshd is in the tree but not uid 1000 */
	const int uid[NPIDS] = { 0, -1, -1, T, TS, TS, TS, 0, 0, 0 };
	/* -p 300 -c cc: make is the tree's root, only cc matches */
	const int cc[NPIDS] = { 0, -1, -1, 0, 0, T, TS, 0, 0, 0 };
	/* two roots, one of them inside the other's tree; a pid not running */
	const int two[NPIDS] = { 0, -1, -1, 0, TS, TS, TS, 0, TS, 0 };

	o.pids[0] = 300;
	o.nr_pids = 1;
	check_bits(&o, sub, 8);

	o.pids[0] = 100;
	o.uids[0] = 1000;
	o.nr_uids = 1;
	check_bits(&o, uid, 8);

	o.pids[0] = 300;
	o.nr_uids = 0;
	strcpy(o.comms[0], "cc");
	o.nr_comms = 1;
	check_bits(&o, cc, 8);

	o.nr_comms = 0;
	o.pids[0] = 200;
	o.pids[1] = 300;
	o.pids[2] = 401;
	o.pids[3] = 4242;
	o.nr_pids = 4;
	check_bits(&o, two, 8);
}

/* Kernel threads are kept with -k only. */
static void test_kthreads(void)
{
	struct pl_options o = no_filter();
	const int with[NPIDS] = { 0, 0, S, 0, 0, 0, 0, 0, 0, 0 };
	const int without[NPIDS] = { 0, -1, -1, 0, 0, 0, 0, 0, 0, 0 };

	strcpy(o.comms[0], "kworker/0:1");
	o.nr_comms = 1;
	o.kthreads = true;
	check_bits(&o, with, 10);
	o.kthreads = false;
	check_bits(&o, without, 8);
}

/* A comm is compared over all 16 bytes: a prefix does not match. */
static void test_comm_exact(void)
{
	struct pl_options o = no_filter();
	const int expect[NPIDS] = { 0, -1, -1, 0, 0, 0, 0, 0, 0, 0 };

	strcpy(o.comms[0], "bas");
	o.nr_comms = 1;
	check_bits(&o, expect, 8);
}

/* Command mode: nothing already running belongs to CMD. */
static void test_command(void)
{
	static char *cmd[] = { "true", NULL };
	struct pl_options o = no_filter();
	const int expect[NPIDS] = { 0, -1, -1, 0, 0, 0, 0, 0, 0, 0 };

	o.command = cmd;
	strcpy(o.comms[0], "bash");
	o.nr_comms = 1;
	o.pids[0] = 200;
	o.nr_pids = 1;
	check_bits(&o, expect, 8);
}

/* A racy snapshot may hold a parent loop: it ends, and the listed pid
 * still gets its own bits. */
static void test_parent_loop(void)
{
	struct pl_options o = no_filter();
	struct selection sel;

	o.pids[0] = 10;
	o.nr_pids = 1;
	selection_init(&sel, &o);
	seed(&sel, 10, 0, 11, 0, "a", 0);
	seed(&sel, 11, 0, 10, 0, "b", 0);
	seed(&sel, 12, 0, 12, 0, "self", 0);	/* its own parent */
	selection_compute(&sel);
	CHECK_EQ_I64(bits_of(&sel, 10), TS);
	CHECK_EQ_I64(bits_of(&sel, 12), 0);
	selection_free(&sel);
}

/*
 * A long parent chain: every process in it descends from the -p root,
 * whatever the order of the pids (they wrap) and however deep it is.
 */
static void test_long_chain(void)
{
	enum { N = 2000 };
	struct pl_options o = no_filter();
	struct selection sel;
	size_t wrong;

	for (int down = 0; down < 2; down++) {
		/* pids rising from the root, then falling (after a wrap) */
		uint32_t root = down ? 100000 : 1000;

		o.pids[0] = root;
		o.nr_pids = 1;
		selection_init(&sel, &o);
		seed(&sel, 1, 0, 0, 0, "init", 0);
		for (uint32_t i = 0; i < N; i++) {
			uint32_t pid = down ? root - i : root + i;
			uint32_t ppid = !i ? 1 : down ? pid + 1 : pid - 1;

			seed(&sel, pid, 0, ppid, 0, "sh", 0);
		}
		CHECK_EQ_U64(sel.n, N + 1);
		selection_compute(&sel);
		wrong = 0;
		for (uint32_t i = 0; i < N; i++)
			wrong += bits_of(&sel, down ? root - i : root + i) != TS;
		if (!CHECK_EQ_U64(wrong, 0))
			fprintf(stderr, "    (pids %s from the root)\n",
				down ? "falling" : "rising");
		CHECK_EQ_I64(bits_of(&sel, 1), 0);
		selection_free(&sel);
	}
}

/* The rule itself: which filters are on. */
static void test_rule(void)
{
	struct pl_options o = no_filter();
	struct selection_rule r;
	static char *cmd[] = { "true", NULL };

	selection_rule(&o, &r);
	CHECK(!r.active);
	CHECK(!r.pids && !r.comm && !r.uid);

	o.uids[0] = 7;
	o.nr_uids = 1;
	selection_rule(&o, &r);
	CHECK(r.active && r.uid && !r.pids);
	CHECK_EQ_U64(o.uids[0], 7);

	o = no_filter();
	o.command = cmd;
	selection_rule(&o, &r);
	CHECK(r.active && r.pids);	/* CMD's tree */

	/* --cgroup, --container, --pidns: decided by the kernel's reads */
	o = no_filter();
	o.pidns = 4026531836LL;
	selection_rule(&o, &r);
	CHECK(r.active && r.where && !r.pids);
	o = no_filter();
	o.container = "abc";
	selection_rule(&o, &r);
	CHECK(r.active && r.where);
	o = no_filter();
	o.cgroup = "/docker";
	selection_rule(&o, &r);
	CHECK(r.active && r.where);
	o = no_filter();
	selection_rule(&o, &r);
	CHECK(!r.where);
}

static void test_keeps_seed(void)
{
	struct pl_options o = no_filter();
	struct pl_seed k, u;

	memset(&k, 0, sizeof(k));
	memset(&u, 0, sizeof(u));
	k.flags = PL_SEED_KTHREAD;
	CHECK(!selection_keeps_seed(&o, &k));
	CHECK(selection_keeps_seed(&o, &u));
	o.kthreads = true;
	CHECK(selection_keeps_seed(&o, &k));
}

int main(void)
{
	RUN(test_rule);
	RUN(test_keeps_seed);
	RUN(test_inactive);
	RUN(test_comm);
	RUN(test_uid);
	RUN(test_comm_and_uid);
	RUN(test_pids);
	RUN(test_kthreads);
	RUN(test_comm_exact);
	RUN(test_command);
	RUN(test_parent_loop);
	RUN(test_long_chain);
	return CHECK_DONE();
}
