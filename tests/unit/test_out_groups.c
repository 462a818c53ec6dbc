// SPDX-License-Identifier: GPL-2.0
/*
 * The outputs that group processes by container: --tree (the host's tree,
 * then each container's under its line), --summary (totals per container)
 * and the chrome trace (labels and sort order). A runc-like timeline: a
 * host shell starts runc, whose child becomes a container's init, and a
 * second container beside it.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "sinks/chrome.h"
#include "sinks/summary.h"
#include "sinks/tree.h"
#include "model/cgroups.h"
#include "tl_events.h"

#define MS 1000000ULL
#define ID_A "aaaaaaaaaaaa0000000000000000000000000000000000000000000000000001"
#define ID_B "bbbbbbbbbbbb0000000000000000000000000000000000000000000000000002"
#define PATH_A "/docker/" ID_A
#define PATH_B "/system.slice/docker-" ID_B ".scope"

static struct cgroups cg;

static char *read_all(int fd)
{
	struct stat st;
	char *text = NULL;

	if (!fstat(fd, &st) && (text = malloc((size_t)st.st_size + 1))) {
		if (pread(fd, text, (size_t)st.st_size, 0) != st.st_size)
			st.st_size = 0;
		text[st.st_size] = '\0';
	}
	return text;
}

enum what { TREE, SUMMARY, CHROME };

static char *render(const struct timeline *tl, enum what what)
{
	char path[] = "/tmp/test_out_groups.XXXXXX";
	struct pl_trace_info info = { .cgroups = &cg, .hostname = "h",
				      .kernel = "k" };
	struct outbuf ob;
	char *text = NULL;
	int fd = mkstemp(path);

	if (fd < 0)
		return NULL;
	unlink(path);
	info.filters.pidns = -1;
	if (outbuf_init(&ob, fd, 64) == 0) {
		if (what == TREE)
			CHECK_EQ_I64(tree_write_grouped(tl, &cg, &ob), 0);
		else if (what == SUMMARY)
			CHECK_EQ_I64(summary_write_grouped(tl, &cg, &ob), 0);
		else
			CHECK_EQ_I64(chrome_write(tl, &info, &ob), 0);
		outbuf_free(&ob);
		text = read_all(fd);
	}
	close(fd);
	return text;
}

static void at(uint64_t path_id, uint32_t ns_pid, uint32_t ns_ppid)
{
	memset(&tl_where, 0, sizeof(tl_where));
	tl_where.cgroup_id = path_id;
	tl_where.path_id = path_id;
	tl_where.pidns = ns_pid == 1 || ns_ppid ? 4026532000ULL : 4026531836ULL;
	tl_where.ns_pid = ns_pid;
	tl_where.ns_ppid = ns_ppid;
}

/*
 *   1 init ── 100 runc ─┬─ 200 sh  (container A, its init) ── 201 sleep (A)
 *                       ├─ 101 runc (host)
 *                       └─ 300 sh  (container B, its init)
 */
static struct timeline *runc_timeline(void)
{
	struct timeline *tl = timeline_new(true);
	struct who init = { .pid = 1, .ppid = 0, .start = 10, .comm = "init" };
	struct who runc = { .pid = 100, .ppid = 1, .start = 1 * MS, .comm = "runc" };
	struct who runc2 = { .pid = 101, .ppid = 100, .start = 2 * MS, .comm = "runc" };
	struct who a = { .pid = 200, .ppid = 100, .start = 3 * MS, .comm = "sh" };
	struct who a2 = { .pid = 201, .ppid = 200, .start = 4 * MS, .comm = "sleep" };
	struct who b = { .pid = 300, .ppid = 100, .start = 5 * MS, .comm = "sh" };

	if (!tl)
		return NULL;
	at(10, 1, 0);
	tl_where.ns_pid = 1;
	tl_where.pidns = 4026531836ULL;
	ev_seed(tl, 100, init, 0, 0);
	at(10, 100, 1);
	tl_where.pidns = 4026531836ULL;
	ev_fork(tl, runc.start, runc, PL_BIRTH_FORK, 0, 0);
	at(10, 101, 100);
	tl_where.pidns = 4026531836ULL;
	ev_fork(tl, runc2.start, runc2, PL_BIRTH_FORK, 0, 0);
	at(20, 1, 0);
	ev_fork(tl, a.start, a, PL_BIRTH_FORK, 0, 0);
	at(20, 2, 1);
	ev_fork(tl, a2.start, a2, PL_BIRTH_FORK, 0, 0);
	at(30, 1, 0);
	ev_fork(tl, b.start, b, PL_BIRTH_FORK, 0, 0);
	at(20, 2, 1);
	ev_exit(tl, 6 * MS, a2, 0, 0x200, PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER);
	ev_reap(tl, 7 * MS, a2, 200, PL_REAP_WAIT, 0x200);
	memset(&tl_where, 0, sizeof(tl_where));
	timeline_finish(tl, 10 * MS);
	return tl;
}

static void test_tree_by_container(void)
{
	struct timeline *tl = runc_timeline();
	char *text;
	const char *want =
		"1 init [pre-existing]  running 10.0ms+\n"
		"`-100 runc  running 9.00ms+\n"
		"  `-101 runc  running 8.00ms+\n"
		"\n"
		"container aaaaaaaaaaaa  " PATH_A "\n"
		"200 sh [ns pid 1] [from 100]  running 7.00ms+\n"
		"`-201 sleep [ns pid 2]  2.00ms  exit 2  zombie 1.00ms  [cpu 7.00us wait 3.00us]\n"
		"\n"
		"container bbbbbbbbbbbb  " PATH_B "\n"
		"300 sh [ns pid 1] [from 100]  running 5.00ms+\n";

	REQUIRE(tl);
	text = render(tl, TREE);
	REQUIRE(text);
	CHECK_EQ_STR(text, want);
	free(text);

	/* without the cgroup table: one tree, as before */
	{
		char path[] = "/tmp/test_out_groups.XXXXXX";
		struct outbuf ob;
		int fd = mkstemp(path);

		REQUIRE(fd >= 0);
		unlink(path);
		REQUIRE(outbuf_init(&ob, fd, 64) == 0);
		CHECK_EQ_I64(tree_write(tl, &ob), 0);
		outbuf_free(&ob);
		text = read_all(fd);
		close(fd);
		REQUIRE(text);
		CHECK(strstr(text, "container") == NULL);
		CHECK(strstr(text, "|-200 sh") != NULL);
		CHECK(strstr(text, "`-300 sh") != NULL);
		free(text);
	}
	timeline_free(tl);
}

static void test_summary_per_container(void)
{
	struct timeline *tl = runc_timeline();
	char *text, *totals;

	REQUIRE(tl);
	text = render(tl, SUMMARY);
	REQUIRE(text);
	totals = strstr(text, "Totals per container:\n");
	REQUIRE(totals);
	/* 3 host processes, A: 2 with one failed exit (code 2), B: 1 */
	CHECK(strstr(totals, "\n  (host)             3      0  ") != NULL);
	CHECK(strstr(totals, "\n  aaaaaaaaaaaa       2      1  ") != NULL);
	CHECK(strstr(totals, "\n  bbbbbbbbbbbb       1      0  ") != NULL);
	CHECK(strstr(totals, "aaaaaaaaaaaa") < strstr(totals, "bbbbbbbbbbbb"));
	free(text);
	timeline_free(tl);
}

static void test_chrome_labels(void)
{
	struct timeline *tl = runc_timeline();
	char *text, *p;

	REQUIRE(tl);
	text = render(tl, CHROME);
	REQUIRE(text);
	CHECK(strstr(text, "\"name\":\"process_labels\"") != NULL);
	p = strstr(text, "\"pid\":200,\"tid\":0,\"args\":{\"labels\":\"container aaaaaaaaaaaa\",\"container_id\":\"" ID_A "\"}");
	CHECK(p != NULL);
	CHECK(strstr(text, "\"pid\":300,\"tid\":0,\"args\":{\"labels\":\"container bbbbbbbbbbbb\"") != NULL);
	/* no label on the host's processes */
	CHECK(strstr(text, "\"pid\":100,\"tid\":0,\"args\":{\"labels\"") == NULL);
	free(text);
	timeline_free(tl);
}

int main(void)
{
	if (cgroups_init(&cg) ||
	    cgroups_add(&cg, 0, 10, "/", 1, false) ||
	    cgroups_add(&cg, 0, 20, PATH_A, strlen(PATH_A), false) ||
	    cgroups_add(&cg, 0, 30, PATH_B, strlen(PATH_B), false))
		return 1;
	RUN(test_tree_by_container);
	RUN(test_summary_per_container);
	RUN(test_chrome_labels);
	cgroups_free(&cg);
	return CHECK_DONE();
}
