// SPDX-License-Identifier: GPL-2.0
/* The selection rule: which filters are on, which running tasks are kept,
 * and the TRACK_* bits each running process gets. */
#include <string.h>

#include "model/selection.h"
#include "check.h"

static struct pl_options opts;

static void reset(void)
{
	memset(&opts, 0, sizeof(opts));
	opts.uid = -1;
}

static struct pl_seed seed(uint32_t pid, uint32_t ppid, uint32_t uid,
			   const char *comm, uint32_t flags)
{
	struct pl_seed s;

	memset(&s, 0, sizeof(s));
	s.h.pid = pid;
	s.h.ppid = ppid;
	s.h.uid = uid;
	strncpy(s.h.comm, comm, sizeof(s.h.comm) - 1);
	s.flags = flags;
	return s;
}

static uint8_t bits_of(const struct selection *sel, uint32_t pid)
{
	for (size_t i = 0; i < sel->n; i++)
		if (sel->tasks[i].pid == pid)
			return sel->tasks[i].bits;
	return 0xff;	/* not remembered */
}

/* init(1) > sh(10) > make(20) > cc(30); init > cron(40, uid 7) */
static void add_tree(struct selection *sel)
{
	struct pl_seed s[] = {
		seed(1, 0, 0, "init", 0), seed(10, 1, 0, "sh", 0),
		seed(20, 10, 0, "make", 0), seed(30, 20, 0, "cc", 0),
		seed(40, 1, 7, "cron", 0),
		seed(2, 0, 0, "kthreadd", PL_SEED_KTHREAD),
		seed(31, 30, 0, "cc", PL_SEED_THREAD),
	};

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		selection_add_seed(sel, &s[i]);
	selection_compute(sel);
}

static void test_rule(void)
{
	struct selection_rule r;
	static char *cmd[] = { "true", NULL };

	reset();
	selection_rule(&opts, &r);
	CHECK(!r.active);
	CHECK(!r.pids && !r.comm && !r.uid);

	opts.uid = 7;
	selection_rule(&opts, &r);
	CHECK(r.active && r.uid && !r.pids);
	CHECK_EQ_U64(r.target_uid, 7);

	reset();
	opts.command = cmd;
	selection_rule(&opts, &r);
	CHECK(r.active && r.pids);	/* CMD's tree */
}

static void test_kthreads_kept_only_with_K(void)
{
	struct pl_seed k = seed(2, 0, 0, "kthreadd", PL_SEED_KTHREAD);
	struct pl_seed u = seed(10, 1, 0, "sh", 0);

	reset();
	CHECK(!selection_keeps_seed(&opts, &k));
	CHECK(selection_keeps_seed(&opts, &u));
	opts.kthreads = true;
	CHECK(selection_keeps_seed(&opts, &k));
}

static void test_pid_and_descendants(void)
{
	struct selection sel;

	reset();
	opts.pids[0] = 20;
	opts.nr_pids = 1;
	selection_init(&sel, &opts);
	add_tree(&sel);
	CHECK_EQ_U64(sel.n, 5);	/* no kernel thread, no thread */
	CHECK_EQ_U64(bits_of(&sel, 20), TRACK_IN_TREE | TRACK_SELECTED);
	CHECK_EQ_U64(bits_of(&sel, 30), TRACK_IN_TREE | TRACK_SELECTED);
	CHECK_EQ_U64(bits_of(&sel, 10), 0);
	CHECK_EQ_U64(bits_of(&sel, 40), 0);
	selection_free(&sel);
}

static void test_comm_within_pid_tree(void)
{
	struct selection sel;

	reset();
	opts.pids[0] = 10;
	opts.nr_pids = 1;
	strcpy(opts.comm, "cc");
	selection_init(&sel, &opts);
	add_tree(&sel);
	CHECK_EQ_U64(bits_of(&sel, 10), TRACK_IN_TREE);
	CHECK_EQ_U64(bits_of(&sel, 20), TRACK_IN_TREE);
	CHECK_EQ_U64(bits_of(&sel, 30), TRACK_IN_TREE | TRACK_SELECTED);
	selection_free(&sel);
}

static void test_uid_inherited(void)
{
	struct selection sel;

	reset();
	opts.uid = 7;
	selection_init(&sel, &opts);
	add_tree(&sel);
	CHECK_EQ_U64(bits_of(&sel, 40), TRACK_SELECTED);
	CHECK_EQ_U64(bits_of(&sel, 1), 0);
	CHECK_EQ_U64(bits_of(&sel, 30), 0);
	selection_free(&sel);
}

static void test_command_mode_selects_nothing_running(void)
{
	static char *cmd[] = { "true", NULL };
	struct selection sel;

	reset();
	opts.command = cmd;
	selection_init(&sel, &opts);
	add_tree(&sel);
	for (size_t i = 0; i < sel.n; i++)
		CHECK_EQ_U64(sel.tasks[i].bits, 0);
	selection_free(&sel);
}

int main(void)
{
	RUN(test_rule);
	RUN(test_kthreads_kept_only_with_K);
	RUN(test_pid_and_descendants);
	RUN(test_comm_within_pid_tree);
	RUN(test_uid_inherited);
	RUN(test_command_mode_selects_nothing_running);
	return CHECK_DONE();
}
