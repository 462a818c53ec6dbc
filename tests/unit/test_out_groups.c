// SPDX-License-Identifier: GPL-2.0
/*
 * The outputs that group processes by container: --tree (the host's tree,
 * then each container's under its line), --summary (totals per container),
 * the chrome trace (labels and sort order) and the chart (the host's rows,
 * then each container's under a header row). A runc-like timeline: a
 * host shell starts runc, whose child becomes a container's init, and a
 * second container beside it.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "sinks/chart/chart.h"
#include "sinks/chart/rows.h"
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

enum what { TREE, SUMMARY, CHROME, HTML };

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
		else if (what == CHROME)
			CHECK_EQ_I64(chrome_write(tl, &info, &ob), 0);
		else
			CHECK_EQ_I64(chart_write_html(tl, &info, &ob), 0);
		outbuf_free(&ob);
		text = read_all(fd);
	}
	close(fd);
	return text;
}

static size_t out_count_str(const char *s, const char *needle)
{
	size_t n = 0;

	for (s = strstr(s, needle); s; s = strstr(s + 1, needle))
		n++;
	return n;
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

/* The rows: the host's tree, then each container's under its header. */
static void test_chart_rows_by_container(void)
{
	struct timeline *tl = runc_timeline();
	struct ctr_groups g;
	struct chart_rows cr;
	static const struct { uint32_t pid, group; int64_t parent_row; } want[] = {
		{ 1, 0, -1 }, { 100, 0, 0 }, { 101, 0, 1 },
		{ 0, 1, -1 }, { 200, 1, -1 }, { 201, 1, 4 },
		{ 0, 2, -1 }, { 300, 2, -1 },
	};

	REQUIRE(tl);
	REQUIRE(ctr_groups_build(&g, tl, &cg) == 0);
	REQUIRE(chart_rows_build_grouped(&cr, tl, &g, 0, 100) == 0);
	CHECK_EQ_U64(cr.n, 8);
	CHECK_EQ_U64(cr.headers, 2);
	for (size_t i = 0; i < cr.n && i < 8; i++) {
		const struct chart_row *r = &cr.rows[i];

		CHECK_EQ_U64(r->p ? r->p->pid : 0, want[i].pid);
		CHECK_EQ_U64(r->group, want[i].group);
		CHECK_EQ_I64(r->parent_row, want[i].parent_row);
	}
	/* a container's init heads its tree: depth 0, its child 1 */
	CHECK_EQ_U64(cr.rows[4].depth, 0);
	CHECK_EQ_U64(cr.rows[5].depth, 1);
	chart_rows_free(&cr);
	/* rows past the limit: the second header is not drawn, 300 is hidden */
	REQUIRE(chart_rows_build_grouped(&cr, tl, &g, 0, 6) == 0);
	CHECK_EQ_U64(cr.n, 6);
	CHECK_EQ_U64(cr.headers, 1);
	CHECK_EQ_U64(cr.hidden, 1);
	chart_rows_free(&cr);
	ctr_groups_free(&g);

	/* without containers: one tree, the inits under runc, no header */
	REQUIRE(chart_rows_build(&cr, tl, 0, 100) == 0);
	CHECK_EQ_U64(cr.n, 6);
	CHECK_EQ_U64(cr.headers, 0);
	for (size_t i = 0; i < cr.n; i++) {
		CHECK(cr.rows[i].p != NULL);
		if (cr.rows[i].p && cr.rows[i].p->pid == 200)
			CHECK_EQ_U64(cr.rows[cr.rows[i].parent_row].p->pid, 100);
	}
	chart_rows_free(&cr);
	timeline_free(tl);
}

static void test_chart_headers(void)
{
	struct timeline *tl = runc_timeline();
	char *text, *a, *b, *host, *c200, *c300;

	REQUIRE(tl);
	text = render(tl, HTML);
	REQUIRE(text);
	a = strstr(text, "<g class=\"c\" data-container=\"" ID_A "\"><title>container " ID_A
		    "&#10;" PATH_A "&#10;docker, 2 processes</title>");
	b = strstr(text, "<g class=\"c\" data-container=\"" ID_B "\"><title>container " ID_B
		    "&#10;" PATH_B "&#10;docker, 1 process</title>");
	host = strstr(text, ">runc <tspan class=\"d\">101</tspan>");
	c200 = strstr(text, ">sh <tspan class=\"d\">200</tspan>");
	c300 = strstr(text, ">sh <tspan class=\"d\">300</tspan>");
	REQUIRE(a && b && host && c200 && c300);
	/* the host first, then A's header and its processes, then B's */
	CHECK(host < a && a < c200 && c200 < b && b < c300);
	CHECK(strstr(a, ">container aaaaaaaaaaaa <tspan class=\"d\">" PATH_A "</tspan></text>"));
	CHECK(strstr(text, "; 3 in 2 containers (grouped below the host's)"));
	/* headers are no process rows: the find box counts processes only */
	CHECK_EQ_U64(out_count_str(text, "<g class=\"r\">"), 6);
	CHECK_EQ_U64(out_count_str(text, "<g class=\"c\" "), 2);
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
	RUN(test_chart_rows_by_container);
	RUN(test_chart_headers);
	cgroups_free(&cg);
	return CHECK_DONE();
}
