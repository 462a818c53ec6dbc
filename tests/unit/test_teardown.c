// SPDX-License-Identifier: GPL-2.0
/*
 * The teardown's reaps the kernel side reports as waits: a reap by a
 * namespace's init after its exit is the teardown's; one before it, by a
 * host process, by an init whose pid was born again, or long after, is
 * not. A bounded reap counts only in a namespace the kernel side follows.
 */
#include "check.h"
#include "model/teardown.h"

#define MS 1000000ULL
#define HOST_NS 4026531836ULL

static struct ns_teardowns t;

static struct pl_where where(uint64_t pidns, uint32_t ns_pid, uint32_t ns_ppid)
{
	return (struct pl_where){ .pidns = (uint32_t)pidns, .ns_pid = ns_pid,
				  .ns_ppid = ns_ppid };
}

/* A process born: pid's fork by ppid, living in w. */
static void fork_of(uint32_t pid, uint32_t ppid, uint64_t ts, struct pl_where w)
{
	struct pl_fork f;
	struct pl_event ev = { .h = &f.h, .type = PL_EV_FORK, .fork = &f,
			       .where = &f.w };

	memset(&f, 0, sizeof(f));
	f.h.type = PL_EV_FORK;
	f.h.pid = f.h.tid = pid;
	f.h.ppid = ppid;
	f.h.ts_ns = ts;
	f.kind = PL_BIRTH_FORK;
	f.w = w;
	CHECK(!ns_teardowns_event(&t, &ev, NULL, NULL));
}

static void exit_of(uint32_t pid, uint64_t ts, struct pl_where w, uint32_t flags,
		    uint32_t teardown_reaper)
{
	struct pl_exit x;
	struct pl_event ev = { .h = &x.h, .type = PL_EV_EXIT, .exit = &x,
			       .where = &x.w };

	memset(&x, 0, sizeof(x));
	x.h.type = PL_EV_EXIT;
	x.h.pid = x.h.tid = pid;
	x.h.ts_ns = ts;
	x.flags = flags | PL_EXIT_LEADER;
	x.w = w;
	x.teardown_reaper = teardown_reaper;
	CHECK(!ns_teardowns_event(&t, &ev, NULL, NULL));
}

/* The how a reap ends up with; a fixed one is a whole copy. */
static uint32_t reap_how(uint32_t pid, uint64_t ts, uint32_t reaper, uint32_t how,
			 bool exact)
{
	struct pl_reap r, copy;
	struct pl_event ev = { .h = &r.h, .type = PL_EV_REAP, .reap = &r }, fixed;

	memset(&r, 0, sizeof(r));
	r.h.type = PL_EV_REAP;
	r.h.pid = r.h.tid = pid;
	r.h.ts_ns = ts;
	r.reaper_pid = reaper;
	r.how = how;
	r.status = 9 << 8;
	r.flags = PL_REAP_STATUS | (exact ? PL_REAP_EXACT : 0);
	if (!ns_teardowns_event(&t, &ev, &fixed, &copy))
		return r.how;
	CHECK(fixed.reap == &copy && fixed.h == &copy.h);
	CHECK_EQ_U64(copy.status, r.status);
	CHECK_EQ_U64(copy.flags, r.flags);
	CHECK_EQ_U64(copy.reaper_pid, reaper);
	CHECK(r.how != PL_REAP_NS_TEARDOWN);	/* the original stands */
	return copy.how;
}

/* host 100 -> init 500 (ns A, level 1) -> 501.. children */
static void one_level(void)
{
	fork_of(100, 1, 1 * MS, where(HOST_NS, 100, 1));
	fork_of(500, 100, 2 * MS, where(4026532001ULL, 1, 0));
}

static void test_zombie_released_by_dying_init(void)
{
	REQUIRE(ns_teardowns_init(&t) == 0);
	one_level();
	for (uint32_t pid = 501; pid <= 507; pid++)
		fork_of(pid, 500, 3 * MS, where(4026532001ULL, pid - 499, 1));
	/* a wait while the init lives is a wait */
	CHECK_EQ_U64(reap_how(501, 90 * MS, 500, PL_REAP_WAIT, true), PL_REAP_WAIT);
	exit_of(500, 100 * MS, where(4026532001ULL, 1, 0), PL_EXIT_GROUP_DEAD, 0);
	/* exact or bounded, after its exit: the teardown's */
	CHECK_EQ_U64(reap_how(502, 101 * MS, 500, PL_REAP_WAIT, true), PL_REAP_NS_TEARDOWN);
	CHECK_EQ_U64(reap_how(503, 102 * MS, 500, PL_REAP_INIT, false), PL_REAP_NS_TEARDOWN);
	/* another reaper, too late, or the kernel's own: as they are */
	CHECK_EQ_U64(reap_how(504, 101 * MS, 100, PL_REAP_WAIT, true), PL_REAP_WAIT);
	CHECK_EQ_U64(reap_how(505, 100 * MS + NS_TEARDOWN_WINDOW_NS + 1, 500,
			      PL_REAP_WAIT, true), PL_REAP_WAIT);
	CHECK_EQ_U64(reap_how(506, 101 * MS, 500, PL_REAP_AUTOREAP, true),
		     PL_REAP_AUTOREAP);
	ns_teardowns_free(&t);
}

static void test_deeper_than_followed(void)
{
	uint64_t ns = 4026532001ULL;
	uint32_t parent = 100, pid = 500;

	REQUIRE(ns_teardowns_init(&t) == 0);
	fork_of(100, 1, 1 * MS, where(HOST_NS, 100, 1));
	/* five nested namespaces, each init born of the one above */
	for (int level = 1; level <= PL_NS_LEVELS + 1; level++, ns++) {
		fork_of(pid, parent, 2 * MS, where(ns, 1, 0));
		parent = pid++;
	}
	fork_of(600, parent, 3 * MS, where(ns - 1, 2, 1));
	exit_of(parent, 100 * MS, where(ns - 1, 1, 0), PL_EXIT_GROUP_DEAD, 0);
	/* bounded: its wait could not be matched, the time says nothing */
	CHECK_EQ_U64(reap_how(600, 101 * MS, parent, PL_REAP_WAIT, false), PL_REAP_WAIT);
	/* exact: release_task saw it after the exit */
	CHECK_EQ_U64(reap_how(601, 101 * MS, parent, PL_REAP_WAIT, true),
		     PL_REAP_NS_TEARDOWN);
	/* one level up (4) is followed */
	fork_of(700, parent - 1, 3 * MS, where(ns - 2, 3, 1));
	exit_of(parent - 1, 110 * MS, where(ns - 2, 1, 0), PL_EXIT_GROUP_DEAD, 0);
	CHECK_EQ_U64(reap_how(700, 111 * MS, parent - 1, PL_REAP_WAIT, false),
		     PL_REAP_NS_TEARDOWN);
	ns_teardowns_free(&t);
}

static void test_host_and_threads_are_no_init(void)
{
	REQUIRE(ns_teardowns_init(&t) == 0);
	one_level();
	/* the host's init, an init's thread that leaves the group alive, a
	 * host process */
	exit_of(1, 100 * MS, where(HOST_NS, 1, 0), PL_EXIT_GROUP_DEAD, 0);
	exit_of(500, 100 * MS, where(4026532001ULL, 1, 0), 0, 0);
	exit_of(100, 100 * MS, where(HOST_NS, 100, 1), PL_EXIT_GROUP_DEAD, 0);
	CHECK_EQ_U64(reap_how(2, 101 * MS, 1, PL_REAP_INIT, true), PL_REAP_INIT);
	CHECK_EQ_U64(reap_how(3, 101 * MS, 500, PL_REAP_WAIT, true), PL_REAP_WAIT);
	CHECK_EQ_U64(reap_how(4, 101 * MS, 100, PL_REAP_WAIT, true), PL_REAP_WAIT);
	CHECK_EQ_U64(t.n_dying, 0);
	ns_teardowns_free(&t);
}

static void test_untraced_init_and_pid_reuse(void)
{
	REQUIRE(ns_teardowns_init(&t) == 0);
	one_level();
	/* init 500's exit is not seen; a process its teardown killed says
	 * who it was */
	fork_of(501, 500, 3 * MS, where(4026532001ULL, 2, 1));
	exit_of(501, 100 * MS, where(4026532001ULL, 2, 1),
		PL_EXIT_GROUP_DEAD | PL_EXIT_NS_TEARDOWN, 500);
	CHECK_EQ_U64(reap_how(502, 101 * MS, 500, PL_REAP_WAIT, false),
		     PL_REAP_NS_TEARDOWN);
	/* pid 500 born again: its reaps are its own */
	fork_of(500, 100, 102 * MS, where(HOST_NS, 500, 100));
	CHECK_EQ_U64(reap_how(503, 103 * MS, 500, PL_REAP_WAIT, true), PL_REAP_WAIT);
	ns_teardowns_free(&t);
}

static void test_window_expires(void)
{
	REQUIRE(ns_teardowns_init(&t) == 0);
	fork_of(100, 1, 1 * MS, where(HOST_NS, 100, 1));
	for (uint32_t i = 0; i < 100; i++) {
		fork_of(1000 + i, 100, 2 * MS, where(4026533000ULL + i, 1, 0));
		exit_of(1000 + i, (uint64_t)(i + 1) * NS_TEARDOWN_WINDOW_NS,
			where(4026533000ULL + i, 1, 0), PL_EXIT_GROUP_DEAD, 0);
	}
	/* the older ones left as the window moved on */
	CHECK(t.n_dying <= 2);
	CHECK_EQ_U64(t.alloc_failures, 0);
	ns_teardowns_free(&t);
}

int main(void)
{
	RUN(test_zombie_released_by_dying_init);
	RUN(test_deeper_than_followed);
	RUN(test_host_and_threads_are_no_init);
	RUN(test_untraced_init_and_pid_reuse);
	RUN(test_window_expires);
	return CHECK_DONE();
}
