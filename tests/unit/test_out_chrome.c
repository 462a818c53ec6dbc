// SPDX-License-Identifier: GPL-2.0
/* The Trace Event Format writer on synthetic timelines. */
#include <errno.h>

#include "check.h"
#include "sinks/chrome.h"
#include "out_test.h"
#include "tl_synth.h"

static void test_scenario(void)
{
	struct timeline *tl = timeline_new(true);
	struct pl_trace_info info;
	struct out_file f;

	REQUIRE(tl);
	syn_scenario(tl, &info);
	REQUIRE(out_run(&f, chrome_write, tl, &info, ".json"));
	CHECK_EQ_I64(f.ret, 0);
	CHECK(strncmp(f.data, "{\"traceEvents\":[", 16) == 0);
	CHECK(strstr(f.data, "\"displayTimeUnit\": \"ns\""));
	/* The exact text older Perfetto versions misread as "ts in ns". */
	CHECK(!strstr(f.data, "\"displayTimeUnit\":\"ns\""));
	CHECK(strstr(f.data, "\"metadata\":{\"tool\":\"proclife\""));
	/* One track name per process; no pid is reused here. */
	CHECK_EQ_U64(out_count(f.data, "\"name\":\"process_name\""), 8);
	CHECK_EQ_U64(out_count(f.data, "\"name\":\"process_sort_index\""), 8);
	/* 8 running, 5 zombie (601 602 604 600 607), 1 thread. */
	CHECK_EQ_U64(out_count(f.data, "\"ph\":\"X\""), 14);
	CHECK_EQ_U64(out_count(f.data, "\"ph\":\"s\""), 6);
	CHECK_EQ_U64(out_count(f.data, "\"ph\":\"f\",\"pid\""), 6);
	CHECK(strstr(f.data, "\"name\":\"zombie\",\"cat\":\"zombie\",\"ph\":\"X\","
		     "\"pid\":602,\"tid\":602,\"ts\":70000,\"dur\":20000"));
	CHECK(strstr(f.data, "\"pid\":602,\"tid\":603,\"ts\":30000,\"dur\":20000"));
	CHECK(strstr(f.data, "\"argv\":[\"sh\",\"-c\",\"<script>&\\\"'\\n\\udcff\"]"));
	CHECK(strstr(f.data, "\"name\":\"SIGKILL\""));
	CHECK(strstr(f.data, "\"name\":\"SIGSEGV (core)\""));
	CHECK(strstr(f.data, "\"name\":\"exec nonexistent failed\""));
	CHECK(strstr(f.data, "\"start_time\":\"2023-11-14T22:13:30.000000000Z\""));
	CHECK(out_check("chrome", f.path, "--scenario") <= 0);
	out_done(&f);
	timeline_free(tl);
}

/* Sub-microsecond times keep their nanoseconds. */
static void test_ns_precision(void)
{
	struct timeline *tl = timeline_new(true);
	struct who w = { .pid = 10, .ppid = 1, .start = SYN_T0 + 1234567, .comm = "x" };
	struct pl_trace_info info;
	struct out_file f;

	REQUIRE(tl);
	ev_fork(tl, w.start, w, PL_BIRTH_FORK, 0, 0);
	ev_exit(tl, SYN_T0 + 2000000, w, 0, 0, PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER);
	ev_reap(tl, SYN_T0 + 2000050, w, 1, PL_REAP_WAIT, 0);
	syn_info(&info, SYN_T0 + 3000000);
	timeline_finish(tl, info.end_ns);
	REQUIRE(out_run(&f, chrome_write, tl, &info, ".json"));
	CHECK_EQ_I64(f.ret, 0);
	CHECK(strstr(f.data, "\"ts\":1234.567,\"dur\":765.433"));
	CHECK(strstr(f.data, "\"ts\":2000,\"dur\":0.05"));
	/* The parent is not in the table: no flow. */
	CHECK_EQ_U64(out_count(f.data, "\"ph\":\"s\""), 0);
	CHECK(out_check("chrome", f.path, NULL) <= 0);
	out_done(&f);
	timeline_free(tl);
}

static void test_empty(void)
{
	struct timeline *tl = timeline_new(true);
	struct pl_trace_info info;
	struct out_file f;

	REQUIRE(tl);
	syn_info(&info, SYN_T0 + 1000);
	info.command = NULL;
	timeline_finish(tl, info.end_ns);
	REQUIRE(out_run(&f, chrome_write, tl, &info, ".json"));
	CHECK_EQ_I64(f.ret, 0);
	CHECK(strncmp(f.data, "{\"traceEvents\":[]", 17) == 0);
	CHECK(strstr(f.data, "\"command\":null"));
	CHECK(out_check("chrome", f.path, NULL) <= 0);
	out_done(&f);
	timeline_free(tl);
}

/* A thread that execs takes over the leader's pid: slices must still nest. */
static void test_thread_exec(void)
{
	struct timeline *tl = timeline_new(true);
	struct who p = { .pid = 20, .ppid = 1, .start = SYN_T0 + 1000, .comm = "app" };
	struct who t = p;
	static const char argv[] = "new";
	struct pl_trace_info info;
	struct out_file f;

	REQUIRE(tl);
	ev_fork(tl, p.start, p, PL_BIRTH_FORK, 0, 0);
	ev_state(tl, SYN_T0 + 1000, p, PL_STATE_RUNNING, 0);
	ev_state(tl, SYN_T0 + 1500, p, PL_STATE_SLEEP, 0);
	t.tid = 21;
	ev_fork(tl, SYN_T0 + 2000, t, PL_BIRTH_THREAD, 0x10f00, SYN_T0 + 2000);
	ev_state(tl, SYN_T0 + 2000, t, PL_STATE_RUNNING, 1);
	ev_state(tl, SYN_T0 + 2500, t, PL_STATE_SLEEP, 1);
	ev_state(tl, SYN_T0 + 2900, p, PL_STATE_DEAD, 0);
	ev_exit(tl, SYN_T0 + 2900, p, 0, 0, PL_EXIT_LEADER);
	t.comm = "new";
	t.tid = 20;	/* at exec the thread already holds the pid */
	ev_exec(tl, SYN_T0 + 3000, t, 21, "/bin/new", argv, sizeof(argv), 0, 0);
	ev_state(tl, SYN_T0 + 3000, t, PL_STATE_RUNNING, 1);
	ev_state(tl, SYN_T0 + 4000, t, PL_STATE_SLEEP, 1);
	syn_info(&info, SYN_T0 + 5000);
	timeline_finish(tl, info.end_ns);
	REQUIRE(out_run(&f, chrome_write, tl, &info, ".json"));
	CHECK_EQ_I64(f.ret, 0);
	/* The old tid's slice ends at the exec; the old leader's is nested. */
	CHECK(strstr(f.data, "\"pid\":20,\"tid\":21,\"ts\":2,\"dur\":1"));
	CHECK(strstr(f.data, "\"pid\":20,\"tid\":20,\"ts\":1,\"dur\":1.9"));
	CHECK(strstr(f.data, "\"old_tid\":21"));
	/* States: the old leader's in its slice, the thread's split at the exec. */
	CHECK(strstr(f.data, "\"cat\":\"state\",\"ph\":\"X\",\"pid\":20,\"tid\":20,"
		     "\"ts\":1,\"dur\":0.5,"));
	CHECK(strstr(f.data, "\"cat\":\"state\",\"ph\":\"X\",\"pid\":20,\"tid\":20,"
		     "\"ts\":1.5,\"dur\":1.4,"));
	CHECK(strstr(f.data, "\"cat\":\"state\",\"ph\":\"X\",\"pid\":20,\"tid\":21,"
		     "\"ts\":2,\"dur\":0.5,"));
	CHECK(strstr(f.data, "\"cat\":\"state\",\"ph\":\"X\",\"pid\":20,\"tid\":21,"
		     "\"ts\":2.5,\"dur\":0.5,"));
	CHECK(strstr(f.data, "\"cat\":\"state\",\"ph\":\"X\",\"pid\":20,\"tid\":20,"
		     "\"ts\":3,\"dur\":1,"));
	CHECK(strstr(f.data, "\"cat\":\"state\",\"ph\":\"X\",\"pid\":20,\"tid\":20,"
		     "\"ts\":4,\"dur\":1,"));
	CHECK_EQ_U64(out_count(f.data, "\"cat\":\"state\""), 6);
	CHECK(out_check("chrome", f.path, NULL) <= 0);
	out_done(&f);
	timeline_free(tl);
}

/* Scheduler totals in the args; --states phases nested in each life. */
static void test_sched_states(void)
{
	struct timeline *tl = timeline_new(true);
	struct pl_trace_info info;
	struct out_file f;

	REQUIRE(tl);
	syn_sched(tl, &info);
	REQUIRE(out_run(&f, chrome_write, tl, &info, ".json"));
	CHECK_EQ_I64(f.ret, 0);
	CHECK(strstr(f.data, "\"sched\":{\"run_ns\":30000000,\"wait_ns\":4000000,"
		     "\"sleep_ns\":4000000,\"block_ns\":2000000,\"stopped_ns\":0,"
		     "\"nvcsw\":5,\"nivcsw\":7,\"migrations\":3,\"partial\":false}"));
	/* io: its two threads summed; partial from the leader. */
	CHECK(strstr(f.data, "\"sched\":{\"run_ns\":23000000,\"wait_ns\":3000000,"
		     "\"sleep_ns\":23000000,\"block_ns\":20000000,\"stopped_ns\":5000000,"
		     "\"nvcsw\":42,\"nivcsw\":1001,\"migrations\":2,\"partial\":true}"));
	/* The thread's own, on its slice. */
	CHECK(strstr(f.data, "\"tid\":31,\"sched\":{\"run_ns\":3000000,"));
	/* The seeded shell has none. */
	CHECK_EQ_U64(out_count(f.data, "\"sched\":"), 3);

	CHECK(strstr(f.data, "{\"name\":\"Runnable\",\"cat\":\"state\",\"ph\":\"X\","
		     "\"pid\":30,\"tid\":30,\"ts\":20000,\"dur\":1000,\"args\":{\"cpu\":0}}"));
	CHECK(strstr(f.data, "{\"name\":\"Running\",\"cat\":\"state\",\"ph\":\"X\","
		     "\"pid\":30,\"tid\":30,\"ts\":21000,\"dur\":9000,"));
	CHECK(strstr(f.data, "{\"name\":\"Sleeping\",\"cat\":\"state\",\"ph\":\"X\","
		     "\"pid\":30,\"tid\":30,\"ts\":30000,\"dur\":10000,"));
	CHECK(strstr(f.data, "{\"name\":\"D (uninterruptible)\",\"cat\":\"state\","
		     "\"ph\":\"X\",\"pid\":30,\"tid\":30,\"ts\":40000,\"dur\":20000,"));
	CHECK(strstr(f.data, "{\"name\":\"Runnable\",\"cat\":\"state\",\"ph\":\"X\","
		     "\"pid\":30,\"tid\":30,\"ts\":60001,\"dur\":1,"));
	CHECK(strstr(f.data, "{\"name\":\"Stopped\",\"cat\":\"state\",\"ph\":\"X\","
		     "\"pid\":30,\"tid\":30,\"ts\":70000,\"dur\":5000,"));
	/* The last phase ends at the exit; "dead" is no slice. */
	CHECK(strstr(f.data, "{\"name\":\"Running\",\"cat\":\"state\",\"ph\":\"X\","
		     "\"pid\":30,\"tid\":30,\"ts\":75000,\"dur\":5000,"));
	/* 4 before the tiny ones, SYN_SCHED_TINY - 1 of them after the first, 3 after. */
	CHECK_EQ_U64(out_count(f.data, "\"cat\":\"state\",\"ph\":\"X\",\"pid\":30,"
			       "\"tid\":30,"), 4 + 1 + (SYN_SCHED_TINY - 1) + 3);
	/* Thread 31: the zero-length sleep at 26 ms is dropped. */
	CHECK_EQ_U64(out_count(f.data, "\"cat\":\"state\",\"ph\":\"X\",\"pid\":30,"
			       "\"tid\":31,"), 4);
	CHECK(!strstr(f.data, "\"pid\":30,\"tid\":31,\"ts\":26000,\"dur\":0"));
	CHECK(strstr(f.data, "{\"name\":\"Sleeping\",\"cat\":\"state\",\"ph\":\"X\","
		     "\"pid\":30,\"tid\":31,\"ts\":28000,\"dur\":17000,"));
	/* Still running at the end: clipped to the trace end. */
	CHECK(strstr(f.data, "{\"name\":\"Running\",\"cat\":\"state\",\"ph\":\"X\","
		     "\"pid\":40,\"tid\":40,\"ts\":90000,\"dur\":10000,"));
	CHECK_EQ_U64(out_count(f.data, "\"cat\":\"state\""),
		     4 + 1 + (SYN_SCHED_TINY - 1) + 3 + 4 + 1);
	CHECK(out_check("chrome", f.path, NULL) <= 0);
	out_done(&f);
	timeline_free(tl);
}

static void test_random_tree(void)
{
	struct timeline *tl = timeline_new(true);
	struct pl_trace_info info;
	struct out_file f;
	const char *demo = getenv("PROCLIFE_OUT_DEMO");

	REQUIRE(tl);
	syn_random(tl, &info, 3000, 20000 * SYN_MS, 7);
	CHECK_EQ_U64(timeline_count(tl), 3003);
	REQUIRE(out_run(&f, chrome_write, tl, &info, ".json"));
	CHECK_EQ_I64(f.ret, 0);
	CHECK_EQ_U64(out_count(f.data, "\"name\":\"process_name\""), 3003);
	CHECK(out_check("chrome", f.path, NULL) <= 0);
	if (demo) {
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "cp %s %s/demo3000.json", f.path, demo);
		CHECK(system(cmd) == 0);
	}
	fprintf(stderr, "chrome: 3003 processes, %zu bytes\n", f.len);
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
	ret = out_run_full(chrome_write, tl, &info);
	if (ret != 1)
		CHECK_EQ_I64(ret, -ENOSPC);
	timeline_free(tl);
}

int main(void)
{
	RUN(test_scenario);
	RUN(test_ns_precision);
	RUN(test_empty);
	RUN(test_thread_exec);
	RUN(test_sched_states);
	RUN(test_random_tree);
	RUN(test_write_error);
	return CHECK_DONE();
}
