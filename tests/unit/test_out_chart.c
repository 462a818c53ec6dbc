// SPDX-License-Identifier: GPL-2.0
/*
 * The SVG/HTML chart on synthetic timelines. With PROCLIFE_OUT_DEMO=DIR the
 * charts of a 50- and a 3000-process tree are also written to DIR, to look
 * at in a browser.
 */
#include <errno.h>

#include "check.h"
#include "sinks/chart/rows.h"
#include "sinks/chart/chart.h"
#include "out_test.h"
#include "tl_synth.h"

/* The row label of each process in the scenario, escaped. */
static const char *const scenario_labels[] = {
	">systemd <tspan class=\"d\">1</tspan>",
	">bash <tspan class=\"d\">500</tspan>",
	">make <tspan class=\"d\">600</tspan>",
	">sh <tspan class=\"d\">601</tspan>",
	">cc1 <tspan class=\"d\">602</tspan>",
	">sleep <tspan class=\"d\">604</tspan>",
	">&lt;w&gt;&amp;&#39;&quot; <tspan class=\"d\">605</tspan>",
	">bash <tspan class=\"d\">607</tspan>",
};
#define NLABELS (sizeof(scenario_labels) / sizeof(scenario_labels[0]))

static void check_scenario_chart(const char *data)
{
	size_t i;

	for (i = 0; i < NLABELS; i++)
		if (!CHECK(strstr(data, scenario_labels[i])))
			fprintf(stderr, "    missing label %s\n", scenario_labels[i]);
	CHECK_EQ_U64(out_count(data, "<g class=\"r\">"), 8);
	CHECK_EQ_U64(out_count(data, "<g class=\"r\"><title>"), 8);
	/* The hostile argv shows escaped, never as markup. */
	CHECK(!strstr(data, "<script>&"));
	CHECK(strstr(data, "$ sh -c &lt;script&gt;&amp;&quot;&#39;\\x0a\\xff"));
	CHECK(strstr(data, "&lt;all&gt;"));
	/* Markers: exit 0 (601, 600), exit 1 (602), signals (604, 607). */
	CHECK_EQ_U64(out_count(data, "<circle class=\"s0\" cx"), 2 + 1);
	CHECK_EQ_U64(out_count(data, "<circle class=\"s1\" cx"), 1 + 1);
	CHECK_EQ_U64(out_count(data, "<circle class=\"s2\" cx"), 2 + 1);
	/* Zombies 601 602 604 600 607; one open (607); pre-existing 1 500. */
	CHECK_EQ_U64(out_count(data, "<rect class=\"z\""), 5 + 1);
	CHECK_EQ_U64(out_count(data, "<path class=\"za\""), 1);
	CHECK_EQ_U64(out_count(data, "<path class=\"p\""), 2 + 1);
	CHECK_EQ_U64(out_count(data, "<path class=\"a\""), 3 + 1);
	/* Execs: make, sh, cc1, sleep; one failed (605). */
	CHECK_EQ_U64(out_count(data, "<rect class=\"x\""), 4 + 1);
	CHECK_EQ_U64(out_count(data, "<rect class=\"xf\""), 1 + 1);
	CHECK(strstr(data, "killed by SIGKILL"));
	CHECK(strstr(data, "killed by SIGSEGV (core)"));
	CHECK(strstr(data, "reaped by 600 (wait) after 20ms as a zombie"));
	CHECK(strstr(data, "zombie, not reaped by the end"));
	CHECK(strstr(data, "still running at the end"));
	CHECK(strstr(data, "(pid 605, ppid 600, reparented to 1)"));
	CHECK(strstr(data, "2 threads, 1 exec"));
	/* No network, ever. */
	CHECK(!strstr(data, "http://") || !strstr(data, "src=\"http"));
	CHECK(!strstr(data, "https://"));
}

static void test_scenario_svg(void)
{
	struct timeline *tl = timeline_new(true);
	struct pl_trace_info info;
	struct out_file f;

	REQUIRE(tl);
	syn_scenario(tl, &info);
	REQUIRE(out_run(&f, chart_write_svg, tl, &info, ".svg"));
	CHECK_EQ_I64(f.ret, 0);
	CHECK(strncmp(f.data, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 44) == 0);
	check_scenario_chart(f.data);
	CHECK(strstr(f.data, "proclife: make -j2 &lt;all&gt;"));
	CHECK(out_check("svg", f.path, NULL) <= 0);
	out_done(&f);
	timeline_free(tl);
}

static void test_scenario_html(void)
{
	struct timeline *tl = timeline_new(true);
	struct pl_trace_info info;
	struct out_file f;

	REQUIRE(tl);
	syn_scenario(tl, &info);
	REQUIRE(out_run(&f, chart_write_html, tl, &info, ".html"));
	CHECK_EQ_I64(f.ret, 0);
	CHECK(strncmp(f.data, "<!DOCTYPE html>", 15) == 0);
	check_scenario_chart(f.data);
	CHECK_EQ_U64(out_count(f.data, "<script>"), 1);
	CHECK(strstr(f.data, "<title>proclife: make -j2 &lt;all&gt;</title>"));
	CHECK(strstr(f.data, "host testhost"));
	CHECK(strstr(f.data, "kernel 6.1.0-test"));
	CHECK(strstr(f.data, "start 2023-11-14T22:13:30.000000000Z"));
	CHECK(strstr(f.data, "8 processes (2 pre-existing), 9 threads"));
	CHECK(out_check("html", f.path, NULL) <= 0);
	out_done(&f);
	timeline_free(tl);
}

/* The tree order: depth-first, children in start order. */
static void test_rows(void)
{
	static const uint32_t order[] = { 1, 500, 600, 601, 602, 604, 605, 607 };
	static const uint32_t depth[] = { 0, 1, 2, 3, 3, 3, 3, 2 };
	struct timeline *tl = timeline_new(true);
	struct pl_trace_info info;
	struct chart_rows cr;
	size_t i;

	REQUIRE(tl);
	syn_scenario(tl, &info);
	REQUIRE(chart_rows_build(&cr, tl, 0, 100) == 0);
	CHECK_EQ_U64(cr.n, 8);
	for (i = 0; i < cr.n && i < 8; i++) {
		CHECK_EQ_U64(cr.rows[i].p->pid, order[i]);
		CHECK_EQ_U64(cr.rows[i].depth, depth[i]);
		CHECK_EQ_U64(cr.rows[i].count, 1);
	}
	CHECK_EQ_I64(cr.rows[0].parent_row, -1);
	CHECK_EQ_I64(cr.rows[3].parent_row, 2);
	chart_rows_free(&cr);

	/* Row limit: the rest is counted, not drawn. */
	REQUIRE(chart_rows_build(&cr, tl, 0, 3) == 0);
	CHECK_EQ_U64(cr.n, 3);
	CHECK_EQ_U64(cr.hidden, 5);
	chart_rows_free(&cr);
	timeline_free(tl);
}

static void test_empty(void)
{
	struct timeline *tl = timeline_new(true);
	struct pl_trace_info info;
	struct out_file f;

	REQUIRE(tl);
	syn_info(&info, SYN_T0);
	info.command = NULL;
	info.hostname = NULL;
	timeline_finish(tl, info.end_ns);
	REQUIRE(out_run(&f, chart_write_svg, tl, &info, ".svg"));
	CHECK_EQ_I64(f.ret, 0);
	CHECK(strstr(f.data, "no processes"));
	CHECK(strstr(f.data, "system-wide trace"));
	CHECK(out_check("svg", f.path, NULL) <= 0);
	out_done(&f);
	REQUIRE(out_run(&f, chart_write_html, tl, &info, ".html"));
	CHECK_EQ_I64(f.ret, 0);
	CHECK(out_check("html", f.path, NULL) <= 0);
	out_done(&f);
	timeline_free(tl);
}

static void keep_demo(const struct out_file *f, const char *name)
{
	const char *demo = getenv("PROCLIFE_OUT_DEMO");
	char cmd[512];

	if (!demo)
		return;
	snprintf(cmd, sizeof(cmd), "cp %s %s/%s", f->path, demo, name);
	CHECK(system(cmd) == 0);
}

/* Sizes stay linear: bytes per process bounded, whatever the count. */
static void random_chart(uint32_t n, uint64_t span, const char *name)
{
	struct timeline *tl = timeline_new(true);
	struct pl_trace_info info;
	struct out_file f;
	char file[64];

	REQUIRE(tl);
	syn_random(tl, &info, n, span, n);
	REQUIRE(out_run(&f, chart_write_svg, tl, &info, ".svg"));
	CHECK_EQ_I64(f.ret, 0);
	CHECK(f.len < 200000 + (size_t)n * 900);
	CHECK(out_check("svg", f.path, NULL) <= 0);
	fprintf(stderr, "chart: %u processes, svg %zu bytes", n + 3, f.len);
	snprintf(file, sizeof(file), "%s.svg", name);
	keep_demo(&f, file);
	out_done(&f);
	REQUIRE(out_run(&f, chart_write_html, tl, &info, ".html"));
	CHECK_EQ_I64(f.ret, 0);
	CHECK(f.len < 200000 + (size_t)n * 900);
	CHECK(out_check("html", f.path, NULL) <= 0);
	fprintf(stderr, ", html %zu bytes\n", f.len);
	snprintf(file, sizeof(file), "%s.html", name);
	keep_demo(&f, file);
	out_done(&f);
	timeline_free(tl);
}

static void test_random_50(void)
{
	random_chart(50, 3000 * SYN_MS, "demo50");
}

static void test_random_3000(void)
{
	random_chart(3000, 20000 * SYN_MS, "demo3000");
}

/* Past CHART_COLLAPSE_AT rows fold; the file still grows linearly. */
static void test_random_6000(void)
{
	struct timeline *tl = timeline_new(true);
	struct pl_trace_info info;
	struct chart_rows cr;

	REQUIRE(tl);
	syn_random(tl, &info, 6000, 30000 * SYN_MS, 3);
	REQUIRE(chart_rows_build(&cr, tl, CHART_COLLAPSE_AT, CHART_MAX_ROWS) == 0);
	CHECK(cr.n < 6003);
	CHECK(cr.folded > 0);
	CHECK_EQ_U64(cr.hidden, 0);
	fprintf(stderr, "chart: 6003 processes in %zu rows (%zu folded)\n", cr.n,
		cr.folded);
	chart_rows_free(&cr);
	timeline_free(tl);
	random_chart(6000, 30000 * SYN_MS, "demo6000");
}

static bool find_row(const char *data, const char *head, char *buf, size_t size);

/* A whole life: fork, exit at end, reaped at once. */
static void life(struct timeline *tl, struct who w, uint64_t end)
{
	ev_fork(tl, w.start, w, PL_BIRTH_FORK, 0, 0);
	ev_exit(tl, end, w, 0, 0, PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER);
	ev_reap(tl, end + 1000, w, w.ppid, PL_REAP_WAIT, 0);
}

/*
 * A build of 10,001 processes: make starts 2,500 "sh -c cc" whose subtree
 * is cc -> cc1 and as, all alike. The chart draws make and one row for the
 * 2,500 (x2500, their subtrees folded in), with the spread of lifetimes.
 * And 1,000 identical "workload" children of a spawner, among 3 others:
 * a row of 1,000, not 1,000 rows, in a table far below CHART_COLLAPSE_AT.
 */
static void test_identical_siblings_fold(void)
{
	static char row[4 << 20];
	struct timeline *tl = timeline_new(true);
	struct who make = { .pid = 100, .ppid = 1, .start = SYN_T0 + 1000, .comm = "make" };
	struct pl_trace_info info;
	struct chart_rows cr;
	struct out_file f;
	uint32_t pid = 1000, i;

	REQUIRE(tl);
	ev_fork(tl, make.start, make, PL_BIRTH_FORK, 0, 0);
	for (i = 0; i < 2500; i++) {
		uint64_t t = SYN_T0 + 10000 + (uint64_t)i * 100000;
		struct who sh = { .pid = pid++, .ppid = 100, .start = t, .comm = "sh" };
		struct who cc = { .pid = pid++, .ppid = sh.pid, .start = t + 10, .comm = "cc" };
		struct who cc1 = { .pid = pid++, .ppid = cc.pid, .start = t + 20, .comm = "cc1" };
		struct who as = { .pid = pid++, .ppid = cc.pid, .start = t + 30, .comm = "as" };

		ev_fork(tl, sh.start, sh, PL_BIRTH_FORK, 0, 0);
		ev_fork(tl, cc.start, cc, PL_BIRTH_FORK, 0, 0);
		life(tl, cc1, t + 40000 + (i % 7) * 1000);
		life(tl, as, t + 60000);
		ev_exit(tl, t + 70000, cc, 0, 0, PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER);
		ev_reap(tl, t + 70010, cc, sh.pid, PL_REAP_WAIT, 0);
		ev_exit(tl, t + 80000, sh, 0, 0, PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER);
		ev_reap(tl, t + 80010, sh, 100, PL_REAP_WAIT, 0);
	}
	syn_info(&info, SYN_T0 + 300000000ULL);
	timeline_finish(tl, info.end_ns);
	CHECK_EQ_U64(timeline_count(tl), 10001);
	REQUIRE(chart_rows_build(&cr, tl, CHART_COLLAPSE_AT, CHART_MAX_ROWS) == 0);
	CHECK_EQ_U64(cr.n, 2);
	CHECK_EQ_U64(cr.hidden, 0);
	CHECK_EQ_U64(cr.folded, 10000);
	CHECK_EQ_U64(cr.rows[1].count, 2500);
	CHECK_EQ_U64(cr.rows[1].descendants, 3);
	CHECK_EQ_I64(cr.rows[1].parent_row, 0);
	chart_rows_free(&cr);
	REQUIRE(out_run(&f, chart_write_html, tl, &info, ".html"));
	CHECK_EQ_I64(f.ret, 0);
	CHECK(f.len < 2 * 1000 * 1000);		/* a browser opens it at once */
	CHECK(out_check("html", f.path, NULL) <= 0);
	CHECK(strstr(f.data, ">sh <tspan class=\"d\">\xc3\x97" "2500\xe2\x96\xb8</tspan>"));
	REQUIRE(find_row(f.data, "2500 \xc3\x97 sh (pids", row, sizeof(row)));
	CHECK(strstr(row, "exit 0: 2500, exit \xe2\x89\xa0 0: 0"));
	CHECK(strstr(row, "&#10;lifetime 80us \xe2\x80\xa6 80us, median 80us"));
	CHECK(strstr(row, "each with the same subtree of 3 processes, folded into this row"));
	fprintf(stderr, "chart: 10001 processes in 2 rows, html %zu bytes\n", f.len);
	keep_demo(&f, "build10000.html");
	out_done(&f);
	timeline_free(tl);

	/* a spawner's 1,000 identical children among 3 others, a small table */
	tl = timeline_new(true);
	REQUIRE(tl);
	{
		struct who sp = { .pid = 50, .ppid = 1, .start = SYN_T0 + 10, .comm = "spawner" };

		ev_fork(tl, sp.start, sp, PL_BIRTH_FORK, 0, 0);
		pid = 2000;
		for (i = 0; i < 1003; i++) {
			uint64_t t = SYN_T0 + 1000 + (uint64_t)i * 10000;
			struct who w = { .pid = pid++, .ppid = 50, .start = t,
					 .comm = i == 0 || i == 500 || i == 1002 ?
					 "other" : "workload" };

			life(tl, w, t + 5000 + (i % 10) * 100);
		}
	}
	syn_info(&info, SYN_T0 + 20000000ULL);
	timeline_finish(tl, info.end_ns);
	REQUIRE(chart_rows_build(&cr, tl, CHART_COLLAPSE_AT, CHART_MAX_ROWS) == 0);
	/* spawner, other, 499 workload, other, 501 workload, other */
	CHECK_EQ_U64(cr.n, 6);
	CHECK_EQ_U64(cr.rows[2].count, 499);
	CHECK_EQ_U64(cr.rows[4].count, 501);
	CHECK_EQ_U64(cr.rows[2].descendants, 0);
	CHECK_EQ_U64(cr.folded, 1000);
	chart_rows_free(&cr);
	REQUIRE(out_run(&f, chart_write_svg, tl, &info, ".svg"));
	CHECK_EQ_I64(f.ret, 0);
	REQUIRE(find_row(f.data, "499 \xc3\x97 workload (pids", row, sizeof(row)));
	CHECK(strstr(row, "&#10;lifetime 5us \xe2\x80\xa6 5.9us, median 5.5us</title>"));
	CHECK(strstr(row, "workload <tspan class=\"d\">\xc3\x97" "499</tspan>"));
	out_done(&f);
	timeline_free(tl);
}

/* ---- scheduler shading ---- */

/* The row whose tooltip starts with head ("comm (pid N,"), NUL-terminated in buf. */
static bool find_row(const char *data, const char *head, char *buf, size_t size)
{
	char key[96];
	const char *a, *b;

	snprintf(key, sizeof(key), "<g class=\"r\"><title>%s", head);
	a = strstr(data, key);
	b = a ? strstr(a, "</g>") : NULL;
	if (!b || (size_t)(b - a) >= size) {
		fprintf(stderr, "    no row %s\n", head);
		buf[0] = '\0';
		return false;
	}
	memcpy(buf, a, (size_t)(b - a));
	buf[b - a] = '\0';
	return true;
}

struct segs {
	unsigned int n;		/* sub-paths */
	double w;		/* their widths summed */
	double x0, x1;		/* leftmost start, rightmost end */
};

/* The sub-paths "Mx yHx1v10Hxz" of the row's path of class cls. */
static struct segs segs_of(const char *row, const char *cls)
{
	struct segs g = { .x0 = 1e9, .x1 = -1 };
	char key[48];
	const char *p;
	double a, y, b;
	int used;

	snprintf(key, sizeof(key), "<path class=\"%s\" d=\"", cls);
	p = strstr(row, key);
	if (!p)
		return g;
	for (p += strlen(key); *p == 'M'; p += used) {
		used = 0;
		if (sscanf(p, "M%lf %lfH%lfv10H%*fz%n", &a, &y, &b, &used) < 3 || !used)
			break;
		g.n++;
		g.w += b - a;
		g.x0 = a < g.x0 ? a : g.x0;
		g.x1 = b > g.x1 ? b : g.x1;
	}
	return g;
}

static double rect_x(const char *row, const char *cls)
{
	char key[48];
	const char *p;
	double x = -1;

	snprintf(key, sizeof(key), "<rect class=\"%s\" x=\"", cls);
	p = strstr(row, key);
	if (p)
		sscanf(p + strlen(key), "%lf", &x);
	return x;
}

#define CHECK_NEAR(a, b) \
	do { \
		double a_ = (a), b_ = (b); \
		if (!CHECK(a_ - b_ <= 1 && b_ - a_ <= 1)) \
			fprintf(stderr, "    %s = %.1f, want %.1f\n", #a, a_, b_); \
	} while (0)

static void check_sched_chart(const char *data)
{
	static char row[65536];
	struct segs run, wait, sleep, blk, stop, none;
	double xs, xe, w, px_ms;

	/* worker: shares of its life, run 3/4 of the alive bar. */
	REQUIRE(find_row(data, "worker (pid 20,", row, sizeof(row)));
	run = segs_of(row, "qr");
	wait = segs_of(row, "qw");
	sleep = segs_of(row, "qs");
	blk = segs_of(row, "qd");
	CHECK_EQ_U64(run.n, 1);
	CHECK_EQ_U64(segs_of(row, "qt").n, 0);
	CHECK(!strstr(row, "class=\"n\""));
	xs = run.x0;
	xe = rect_x(row, "z");	/* the zombie starts at the exit */
	w = xe - xs;
	CHECK(w > 300);
	CHECK_NEAR(run.w, 0.75 * w);
	CHECK_NEAR(wait.w, 0.10 * w);
	CHECK_NEAR(blk.w, 0.05 * w);
	CHECK_NEAR(sleep.w, 0.10 * w);
	CHECK_NEAR(run.w + wait.w + blk.w + sleep.w, w);
	CHECK_NEAR(sleep.x1, xe);
	CHECK(strstr(row, "running 30ms (75%), runnable 4ms (10%), sleeping 4ms (10%), "
		     "D 2ms (5%)&#10;5 voluntary + 7 involuntary switches, 3 migrations"));
	CHECK(!strstr(row, "partial"));
	CHECK(!strstr(row, "stopped"));
	px_ms = w / 40;		/* worker lived 10 .. 50 ms; xs is 10 ms */

	/* io: its leader's states at their times. */
	REQUIRE(find_row(data, "io (pid 30,", row, sizeof(row)));
	wait = segs_of(row, "qw");
	CHECK_NEAR(wait.x0, xs + 10 * px_ms);
	sleep = segs_of(row, "qs");
	CHECK_EQ_U64(sleep.n, 1);
	CHECK_NEAR(sleep.x0, xs + 20 * px_ms);
	CHECK_NEAR(sleep.x1, xs + 30 * px_ms);
	blk = segs_of(row, "qd");
	CHECK_EQ_U64(blk.n, 1);
	CHECK_NEAR(blk.x0, xs + 30 * px_ms);
	CHECK_NEAR(blk.x1, xs + 50 * px_ms);
	stop = segs_of(row, "qt");
	CHECK_EQ_U64(stop.n, 1);
	CHECK_NEAR(stop.x0, xs + 60 * px_ms);
	CHECK_NEAR(stop.x1, xs + 65 * px_ms);
	run = segs_of(row, "qr");
	CHECK_NEAR(run.x1, xs + 70 * px_ms);
	CHECK_NEAR(rect_x(row, "z"), xs + 70 * px_ms);
	/* 2000 changes in 2 ms pool into about a segment per pixel. */
	CHECK(run.n + wait.n <= 4 + (unsigned int)(2 * px_ms) + 2);
	CHECK(strlen(row) < 4000);
	CHECK(strstr(row, "running 23ms (31%), runnable 3ms (4%), sleeping 23ms (31%), "
		     "D 20ms (27%), stopped 5ms (7%)&#10;42 voluntary + 1001 involuntary "
		     "switches, 2 migrations; threads summed; partial: part of its life "
		     "was not seen&#10;bar: the leader thread\xe2\x80\x99s states over time"));

	/* late: running from 90 ms to the end, clipped there. */
	REQUIRE(find_row(data, "late (pid 40,", row, sizeof(row)));
	run = segs_of(row, "qr");
	CHECK_EQ_U64(run.n, 1);
	CHECK_NEAR(run.x0, xs + 80 * px_ms);
	CHECK_NEAR(run.x1, xs + 90 * px_ms);
	none = segs_of(row, "n");
	CHECK_EQ_U64(none.n, 0);
	CHECK(strstr(row, "&#10;bar: the leader thread\xe2\x80\x99s states over time</title>"));
	CHECK(!strstr(row, "switches"));

	/* shell: seeded, nothing known: the hollow bar. */
	REQUIRE(find_row(data, "shell (pid 10,", row, sizeof(row)));
	CHECK(strstr(row, "<rect class=\"n\""));
	CHECK(!strstr(row, "<path class=\"q"));

	/* The legend: a swatch per state seen, the bar without data, the note. */
	CHECK(strstr(data, "<rect class=\"qr\" y=\"2\" width=\"18\" height=\"10\"/>"
		     "<text class=\"l\" x=\"22\" y=\"11\">running</text>"));
	CHECK(strstr(data, ">runnable (waiting for a CPU)</text>"));
	CHECK(strstr(data, ">sleeping (S)</text>"));
	CHECK(strstr(data, ">blocked (D)</text>"));
	CHECK(strstr(data, ">stopped</text>"));
	CHECK(strstr(data, ">alive, no scheduler data</text>"));
	CHECK(strstr(data, "the leader thread\xe2\x80\x99s state over time"));
	/* Distinct colours for each. */
	CHECK(strstr(data, ".plc .qr{fill:#"));
	CHECK(strstr(data, ".plc .qw{fill:#"));
	CHECK(strstr(data, ".plc .qs{fill:#"));
	CHECK(strstr(data, ".plc .qd{fill:#"));
	CHECK(strstr(data, ".plc .qt{fill:#"));
}

static void test_sched(void)
{
	struct timeline *tl = timeline_new(true);
	struct pl_trace_info info;
	struct out_file f;

	REQUIRE(tl);
	syn_sched(tl, &info);
	REQUIRE(out_run(&f, chart_write_svg, tl, &info, ".svg"));
	CHECK_EQ_I64(f.ret, 0);
	check_sched_chart(f.data);
	CHECK(out_check("svg", f.path, NULL) <= 0);
	keep_demo(&f, "sched.svg");
	out_done(&f);
	REQUIRE(out_run(&f, chart_write_html, tl, &info, ".html"));
	CHECK_EQ_I64(f.ret, 0);
	check_sched_chart(f.data);
	CHECK(out_check("html", f.path, NULL) <= 0);
	keep_demo(&f, "sched.html");
	out_done(&f);
	timeline_free(tl);
}

/* No scheduler data anywhere: the plain bars and the one-line legend. */
static void test_no_sched(void)
{
	struct timeline *tl = timeline_new(true);
	struct who w = { .pid = 10, .ppid = 1, .start = SYN_T0 + 1000, .comm = "x" };
	const struct pl_sched none = { .flags = PL_SCHED_MISSING };
	struct pl_trace_info info;
	struct out_file f;

	REQUIRE(tl);
	ev_fork(tl, w.start, w, PL_BIRTH_FORK, 0, 0);
	ev_exit_sched(tl, SYN_T0 + 5000, w, 0, 0, PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER,
		      &none);
	syn_info(&info, SYN_T0 + 9000);
	timeline_finish(tl, info.end_ns);
	REQUIRE(out_run(&f, chart_write_svg, tl, &info, ".svg"));
	CHECK_EQ_I64(f.ret, 0);
	CHECK_EQ_U64(out_count(f.data, "<rect class=\"b\""), 2);
	CHECK(!strstr(f.data, "<path class=\"q"));
	CHECK(!strstr(f.data, "class=\"n\""));
	CHECK(!strstr(f.data, "blocked (D)"));
	CHECK(out_check("svg", f.path, NULL) <= 0);
	out_done(&f);
	timeline_free(tl);
}

/*
 * A pre-existing sleeper with partial figures (1 ms of running seen at the
 * end, nothing of its sleep): the bar is unknown but for the share the
 * figures cover, never all "running".
 */
static void test_partial_is_unknown(void)
{
	static char row[65536];
	struct timeline *tl = timeline_new(true);
	struct who w = { .pid = 50, .ppid = 1, .start = SYN_T0 - 1000 * SYN_MS,
			 .comm = "sleeper" };
	struct pl_sched_end *r = (struct pl_sched_end *)tl_rec;
	struct pl_trace_info info;
	struct segs run, none;
	struct out_file f;

	REQUIRE(tl);
	ev_seed(tl, SYN_T0, w, 0, 0);
	tl_hdr(&r->h, PL_EV_SCHED, sizeof(*r), SYN_T0 + 100 * SYN_MS, w);
	r->task_start_ns = w.start;
	r->sched.run_ns = 1 * SYN_MS;
	r->sched.flags = PL_SCHED_PARTIAL;
	REQUIRE(tl_feed(tl, sizeof(*r)) == 0);
	syn_info(&info, SYN_T0 + 100 * SYN_MS);
	timeline_finish(tl, info.end_ns);
	REQUIRE(out_run(&f, chart_write_svg, tl, &info, ".svg"));
	CHECK_EQ_I64(f.ret, 0);
	REQUIRE(find_row(f.data, "sleeper (pid 50,", row, sizeof(row)));
	run = segs_of(row, "qr");
	none = segs_of(row, "n");
	CHECK_EQ_U64(none.n, 1);
	CHECK_EQ_U64(run.n, 1);
	CHECK(none.w > 0);
	/* 1 ms of 100 ms known: 1% running, after 99% unknown */
	CHECK_NEAR(run.w, (run.w + none.w) * 0.01);
	CHECK_NEAR(none.x1, run.x0);
	CHECK(strstr(f.data, ">alive, no scheduler data</text>"));
	CHECK(out_check("svg", f.path, NULL) <= 0);
	out_done(&f);
	timeline_free(tl);
}

/* An argument that fills the tooltip's argv budget exactly, then more. */
static void test_long_argv(void)
{
	struct timeline *tl = timeline_new(true);
	struct who w = { .pid = 10, .ppid = 1, .start = SYN_T0 + 1000, .comm = "ld" };
	struct pl_trace_info info;
	struct out_file f;
	static char argv[600];
	size_t n = 0;

	REQUIRE(tl);
	memset(argv, 'a', 400);
	n = 400;
	argv[n++] = '\0';
	memcpy(argv + n, "-dynamic-linker", 16);
	n += 16;
	ev_fork(tl, w.start, w, PL_BIRTH_FORK, 0, 0);
	ev_exec(tl, SYN_T0 + 2000, w, 0, "/usr/bin/ld", argv, n, 0, 0);
	syn_info(&info, SYN_T0 + 9000);
	timeline_finish(tl, info.end_ns);
	REQUIRE(out_run(&f, chart_write_svg, tl, &info, ".svg"));
	CHECK_EQ_I64(f.ret, 0);
	CHECK(strstr(f.data, "aaaa \xe2\x80\xa6&#10;"));
	CHECK(!strstr(f.data, "-dynamic"));
	CHECK(out_check("svg", f.path, NULL) <= 0);
	out_done(&f);
	timeline_free(tl);
}

static void test_write_error(void)
{
	struct timeline *tl = timeline_new(true);
	struct pl_trace_info info;
	int ret;

	REQUIRE(tl);
	syn_scenario(tl, &info);
	ret = out_run_full(chart_write_svg, tl, &info);
	if (ret != 1)
		CHECK_EQ_I64(ret, -ENOSPC);
	ret = out_run_full(chart_write_html, tl, &info);
	if (ret != 1)
		CHECK_EQ_I64(ret, -ENOSPC);
	timeline_free(tl);
}

int main(void)
{
	RUN(test_scenario_svg);
	RUN(test_scenario_html);
	RUN(test_rows);
	RUN(test_empty);
	RUN(test_random_50);
	RUN(test_random_3000);
	RUN(test_random_6000);
	RUN(test_sched);
	RUN(test_no_sched);
	RUN(test_partial_is_unknown);
	RUN(test_identical_siblings_fold);
	RUN(test_long_argv);
	RUN(test_write_error);
	return CHECK_DONE();
}
