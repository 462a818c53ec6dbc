// SPDX-License-Identifier: GPL-2.0
/* What the live stream shows: -e lists, --failed, --time and user names. */
#include <string.h>

#include "check.h"
#include "sinks/stream_view.h"

static struct pl_exit ex;
static struct pl_fork fk;
static struct pl_event ev;

static const struct pl_event *exit_ev(uint32_t status, uint32_t flags)
{
	memset(&ex, 0, sizeof(ex));
	ex.h.type = PL_EV_EXIT;
	ex.exit_code = status;
	ex.flags = flags;
	memset(&ev, 0, sizeof(ev));
	ev.type = PL_EV_EXIT;
	ev.h = &ex.h;
	ev.exit = &ex;
	return &ev;
}

static const struct pl_event *fork_ev(uint32_t kind)
{
	memset(&fk, 0, sizeof(fk));
	fk.h.type = PL_EV_FORK;
	fk.kind = kind;
	memset(&ev, 0, sizeof(ev));
	ev.type = PL_EV_FORK;
	ev.h = &fk.h;
	ev.fork = &fk;
	return &ev;
}

static void test_event_lists(void)
{
	uint32_t bits;
	char bad[32];

	CHECK_EQ_I64(stream_view_parse_events("exec", &bits, bad, sizeof(bad)), 0);
	CHECK_EQ_U64(bits, SV_EXEC);
	CHECK_EQ_I64(stream_view_parse_events("fork,exit,rename", &bits, bad, sizeof(bad)), 0);
	CHECK_EQ_U64(bits, SV_FORK | SV_EXIT | SV_COMM);
	CHECK_EQ_I64(stream_view_parse_events("comm,reap,reparent,lost,thread,state",
					      &bits, bad, sizeof(bad)), 0);
	CHECK_EQ_U64(bits, SV_COMM | SV_REAP | SV_REPARENT | SV_LOST | SV_THREAD | SV_STATE);
	CHECK_EQ_I64(stream_view_parse_events("all", &bits, bad, sizeof(bad)), 0);
	CHECK_EQ_U64(bits, SV_ALL);
	CHECK_EQ_I64(stream_view_parse_events("exec,forks", &bits, bad, sizeof(bad)), -1);
	CHECK_EQ_STR(bad, "forks");
	CHECK_EQ_I64(stream_view_parse_events("exec,,exit", &bits, bad, sizeof(bad)), -1);
	CHECK_EQ_STR(bad, "");
	CHECK_EQ_I64(stream_view_parse_events("", &bits, bad, sizeof(bad)), -1);
	CHECK_EQ_I64(stream_view_parse_events("exec,", &bits, bad, sizeof(bad)), -1);
}

static void test_shows(void)
{
	struct stream_view v;

	stream_view_default(&v);
	CHECK(stream_view_shows(&v, fork_ev(PL_BIRTH_FORK)));
	CHECK(stream_view_shows(&v, exit_ev(0, PL_EXIT_GROUP_DEAD)));
	v.events = SV_EXIT;
	CHECK(!stream_view_shows(&v, fork_ev(PL_BIRTH_FORK)));
	CHECK(stream_view_shows(&v, exit_ev(0, PL_EXIT_GROUP_DEAD)));
	v.events = SV_THREAD;
	CHECK(stream_view_shows(&v, fork_ev(PL_BIRTH_THREAD)));
	CHECK(!stream_view_shows(&v, fork_ev(PL_BIRTH_FORK)));

	/* --failed: exits that are not 0 or by a signal; group exits only */
	stream_view_default(&v);
	v.failed_only = true;
	CHECK(!stream_view_shows(&v, exit_ev(0, PL_EXIT_GROUP_DEAD)));
	CHECK(stream_view_shows(&v, exit_ev(3 << 8, PL_EXIT_GROUP_DEAD)));
	CHECK(stream_view_shows(&v, exit_ev(9, PL_EXIT_GROUP_DEAD)));		/* SIGKILL */
	CHECK(stream_view_shows(&v, exit_ev(11 | 0x80, PL_EXIT_GROUP_DEAD)));	/* core */
	CHECK(!stream_view_shows(&v, exit_ev(3 << 8, 0)));	/* a thread */
	CHECK(!stream_view_shows(&v, fork_ev(PL_BIRTH_FORK)));
	memset(&ev, 0, sizeof(ev));
	ev.type = PL_EV_EXEC_FAIL;
	CHECK(stream_view_shows(&v, &ev));
	ev.type = PL_EV_EXEC;
	CHECK(!stream_view_shows(&v, &ev));
	ev.type = PL_EV_LOST;
	CHECK(stream_view_shows(&v, &ev));
	v.events = SV_EXEC;	/* with -e: both apply */
	CHECK(!stream_view_shows(&v, exit_ev(3 << 8, PL_EXIT_GROUP_DEAD)));
}

static void test_times(void)
{
	struct stream_view v;
	enum stream_time t;
	char buf[64];
	size_t n;

	CHECK_EQ_I64(stream_view_parse_time("wall", &t), 0);
	CHECK_EQ_U64(t, STREAM_TIME_WALL);
	CHECK_EQ_I64(stream_view_parse_time("rel", &t), 0);
	CHECK_EQ_U64(t, STREAM_TIME_REL);
	CHECK_EQ_I64(stream_view_parse_time("iso", &t), 0);
	CHECK_EQ_U64(t, STREAM_TIME_ISO);
	CHECK_EQ_I64(stream_view_parse_time("utc", &t), -1);

	stream_view_default(&v);
	v.time = STREAM_TIME_REL;
	v.start_ns = 5000000000ULL;
	n = stream_view_time(&v, buf, sizeof(buf), 5000000000ULL + 62123456789ULL, 0);
	CHECK_EQ_STR(buf, "         62.123456");
	CHECK_EQ_U64(n, stream_view_time_width(&v));
	n = stream_view_time(&v, buf, sizeof(buf), 4000000000ULL, 0);
	CHECK_EQ_STR(buf, "          0.000000");
	v.time = STREAM_TIME_ISO;
	n = stream_view_time(&v, buf, sizeof(buf), 1000000000ULL, 1700000000LL * 1000000000LL);
	CHECK_EQ_STR(buf, "2023-11-14T22:13:21.000000000Z");
	CHECK_EQ_U64(n, stream_view_time_width(&v));
	v.time = STREAM_TIME_WALL;
	n = stream_view_time(&v, buf, sizeof(buf), 1000000000ULL, 1700000000LL * 1000000000LL);
	CHECK_EQ_U64(n, stream_view_time_width(&v));
}

static void test_user_names(void)
{
	CHECK_EQ_STR(stream_view_user(0), "root");
	CHECK_EQ_STR(stream_view_user(0), "root");	/* cached */
	CHECK(stream_view_user(4000000000U) == NULL);
}

int main(void)
{
	RUN(test_event_lists);
	RUN(test_shows);
	RUN(test_times);
	RUN(test_user_names);
	return CHECK_DONE();
}
