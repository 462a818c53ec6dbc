// SPDX-License-Identifier: GPL-2.0
/*
 * The live stream (the default output): every event kind as an aligned text
 * line and as a JSON line, the quoting of hostile argv, -T, lost events,
 * how a reap came about, and a failing write. Records are built raw and
 * decoded (tl_events.h) as the tracer's are. Every expected line is written
 * out by hand from the column widths: time 15, event 8, pid 7, ppid 7, comm
 * 16, one space between.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "sinks/stream.h"
#include "tl_synth.h"

/* Boot time 5.123456789 s; wall clock at boot 1700000000 s (2023-11-14
 * 22:13:20 UTC), so every event here is at 22:13:25.123456789 UTC. */
#define TS		5123456789ULL
#define OFFSET		(1700000000LL * 1000000000LL)
#define HMS		"22:13:25.123456 "
#define ISO		"\"t_ns\":5123456789,\"time\":\"2023-11-14T22:13:25.123456789Z\""
#define START		4000000000ULL	/* the processes' start */

static struct stream stream;
static struct outbuf stream_ob;		/* the stream writes into it */
static int stream_fd = -1;

/* The stream's lines go to fd through stream_ob. */
static int start_stream(int fd, bool json, bool threads)
{
	if (outbuf_init(&stream_ob, fd, 0))
		return -1;
	stream_init(&stream, &stream_ob, json, threads, OFFSET);
	return 0;
}

static int stream_flush(struct stream *s)
{
	return outbuf_flush(s->ob);
}

static void end_stream(void)
{
	stream_free(&stream);
	outbuf_free(&stream_ob);
}

static void to_stream(const struct pl_event *ev)
{
	stream_event(&stream, ev);
}

static bool open_stream(bool json, bool threads)
{
	char path[] = "/tmp/test_stream.XXXXXX";

	stream_fd = mkstemp(path);
	if (stream_fd < 0)
		return false;
	unlink(path);
	if (start_stream(stream_fd, json, threads)) {
		close(stream_fd);
		return false;
	}
	tl_feed_hook = to_stream;
	return true;
}

/* Flush, read back everything written, free the stream. */
static char *close_stream(void)
{
	struct stat st;
	char *text = NULL;

	CHECK_EQ_I64(stream_flush(&stream), 0);
	if (!fstat(stream_fd, &st) && (text = malloc((size_t)st.st_size + 1))) {
		if (pread(stream_fd, text, (size_t)st.st_size, 0) != st.st_size)
			st.st_size = 0;
		text[st.st_size] = '\0';
	}
	end_stream();
	close(stream_fd);
	stream_fd = -1;
	tl_feed_hook = NULL;
	return text;
}

static const struct who bash = { .pid = 600, .ppid = 500, .start = START, .comm = "bash" };

/* An exit record: tmpl's fields after the header, the header from w. */
static void feed_exit(struct who w, const struct pl_exit *tmpl)
{
	struct pl_exit *x = (struct pl_exit *)tl_rec;

	tl_hdr(&x->h, PL_EV_EXIT, sizeof(*x), TS, w);
	memcpy((char *)x + sizeof(x->h), (const char *)tmpl + sizeof(tmpl->h),
	       sizeof(*x) - sizeof(x->h));
	tl_feed(NULL, sizeof(*x));
}

/* A reap record as the kernel side sends it: how and flags (PL_REAP_*)
 * decided there; a wait's reaper has a thread, the kernel's none. */
static void feed_reap(struct who w, uint64_t exit_ns, uint32_t reaper,
		      const char *reaper_comm, uint32_t how, uint32_t status,
		      uint32_t flags)
{
	struct pl_reap *r = (struct pl_reap *)tl_rec;

	tl_hdr(&r->h, PL_EV_REAP, sizeof(*r), TS, w);
	r->exit_ns = exit_ns;
	r->reaper_pid = reaper;
	r->reaper_tid = reaper && how != PL_REAP_AUTOREAP ? reaper + 1 : 0;
	r->how = how;
	r->status = status;
	r->flags = flags;
	snprintf(r->reaper_comm, sizeof(r->reaper_comm), "%s", reaper_comm);
	tl_feed(NULL, sizeof(*r));
}

static void test_header(void)
{
	char *out;

	REQUIRE(open_stream(false, false));
	stream_header(&stream);
	out = close_stream();
	/* the columns of the lines below */
	CHECK_EQ_STR(out, "TIME            EVENT        PID    PPID COMM             DETAILS\n");
	free(out);

	REQUIRE(open_stream(true, false));
	stream_header(&stream);
	out = close_stream();
	CHECK_EQ_STR(out, "");	/* JSON Lines have no header */
	free(out);
}

static void test_fork_text(void)
{
	struct who c = { .pid = 601, .ppid = 600, .start = START, .comm = "make" };
	struct who k = { .pid = 2, .ppid = 0, .start = START, .comm = "kthreadd" };
	struct who t = { .pid = 601, .tid = 603, .ppid = 600, .start = START, .comm = "worker" };
	char *out;

	REQUIRE(open_stream(false, false));
	ev_fork(NULL, TS, bash, PL_BIRTH_FORK, 0, 0);
	/* vfork's flags are implied by the kind: not listed */
	ev_fork(NULL, TS, c, PL_BIRTH_VFORK, 0x4100, 0);
	ev_fork(NULL, TS, c, PL_BIRTH_CLONE, 0x100 | 0x20000 | 0x100000000ULL, 0);
	ev_fork(NULL, TS, k, PL_BIRTH_KTHREAD, 0, 0);
	ev_fork(NULL, TS, t, PL_BIRTH_THREAD, 0x10f00, TS);	/* hidden: no -T */
	CHECK_EQ_U64(stream.lines, 4);
	out = close_stream();
	CHECK_EQ_STR(out,
		HMS "fork     " "    600 " "    500 " "bash             " "fork\n"
		HMS "fork     " "    601 " "    600 " "make             " "vfork\n"
		HMS "fork     " "    601 " "    600 " "make             "
		"clone CLONE_VM|CLONE_NEWNS|CLONE_CLEAR_SIGHAND\n"
		HMS "fork     " "      2 " "      0 " "kthreadd         " "kthread\n");
	free(out);
}

static void test_fork_json(void)
{
	struct who c = { .pid = 601, .ppid = 600, .start = START, .comm = "make" };
	char *out;

	REQUIRE(open_stream(true, false));
	ev_fork(NULL, TS, bash, PL_BIRTH_FORK, 0, 0);
	ev_fork(NULL, TS, c, PL_BIRTH_VFORK, 0x4100, TS);
	out = close_stream();
	CHECK_EQ_STR(out,
		"{" ISO ",\"event\":\"fork\",\"pid\":600,\"tid\":600,\"ppid\":500,"
		"\"uid\":1000,\"start_ns\":4000000000,\"comm\":\"bash\","
		"\"kind\":\"fork\",\"parent_tid\":500,\"task_start_ns\":4000000000,"
		"\"clone_flags\":[],\"exit_signal\":17}\n"
		"{" ISO ",\"event\":\"fork\",\"pid\":601,\"tid\":601,\"ppid\":600,"
		"\"uid\":1000,\"start_ns\":4000000000,\"comm\":\"make\","
		"\"kind\":\"vfork\",\"parent_tid\":600,\"task_start_ns\":5123456789,"
		"\"clone_flags\":[\"CLONE_VM\",\"CLONE_VFORK\"],\"exit_signal\":17}\n");
	free(out);
}

/* -T shows what happens to threads; without it they are left out. */
static void test_thread_events(void)
{
	struct who t = { .pid = 601, .tid = 603, .ppid = 600, .start = START, .comm = "worker" };
	const struct pl_exit x = {
		.task_start_ns = TS, .exit_code = 0, .flags = 0,
		.task = { .cpu_ns = 9000 },
		.sched = { .run_ns = 7000, .wait_ns = 3000 },
		/* a group's totals: not the thread's, not shown */
		.proc_sched = { .run_ns = 99000000 },
	};
	char *out;

	for (int shown = 0; shown < 2; shown++) {
		REQUIRE(open_stream(false, shown));
		ev_fork(NULL, TS, t, PL_BIRTH_THREAD, 0x10f00, TS);
		ev_comm(NULL, TS, t, "cc1");
		ev_state(NULL, TS, t, PL_STATE_SLEEP, 1);
		feed_exit(t, &x);
		CHECK_EQ_U64(stream.lines, shown ? 4 : 0);
		out = close_stream();
		CHECK_EQ_STR(out, !shown ? "" :
			HMS "thread   " "    601 " "    600 " "worker           " "thread tid 603\n"
			HMS "comm     " "    601 " "    600 " "worker           " "renamed from cc1\n"
			HMS "state    " "    601 " "      0 " "worker           " "sleeping tid 603 cpu 1\n"
			HMS "exit     " "    601 " "    600 " "worker           "
			"exit 0  cpu 7us  runq 3us  (thread)\n");
		free(out);
	}
}

static void test_exec(void)
{
	static const char argv[] = "sh\0-c\0echo hi";
	struct who w = bash;
	char *out;

	w.comm = "sh";
	REQUIRE(open_stream(false, false));
	ev_exec(NULL, TS, w, 0, "/bin/sh", argv, sizeof(argv), 0, 0);
	/* a non-leader's exec, through execveat, everything cut */
	ev_exec(NULL, TS, w, 603, "/bin/sh", argv, sizeof(argv) - 1, 0,
		PL_EXEC_AT | PL_EXEC_FILENAME_TRUNC | PL_EXEC_ARGV_TRUNC);
	out = close_stream();
	CHECK_EQ_STR(out,
		HMS "exec     " "    600 " "    500 " "sh               "
		"/bin/sh sh -c 'echo hi'\n"
		HMS "exec     " "    600 " "    500 " "sh               "
		"/bin/sh[...] sh -c 'echo hi' [argv truncated]\n");
	free(out);

	REQUIRE(open_stream(true, false));
	ev_exec(NULL, TS, w, 0, "/bin/sh", argv, sizeof(argv), 0, 0);
	ev_exec(NULL, TS, w, 603, "/bin/sh", argv, sizeof(argv) - 1, 0,
		PL_EXEC_AT | PL_EXEC_FILENAME_TRUNC | PL_EXEC_ARGV_TRUNC);
	out = close_stream();
	CHECK_EQ_STR(out,
		"{" ISO ",\"event\":\"exec\",\"pid\":600,\"tid\":600,\"ppid\":500,"
		"\"uid\":1000,\"start_ns\":4000000000,\"comm\":\"sh\","
		"\"filename\":\"/bin/sh\",\"argv\":[\"sh\",\"-c\",\"echo hi\"],"
		"\"ret\":0,\"argc\":3,\"cwd\":\"/\"}\n"
		"{" ISO ",\"event\":\"exec\",\"pid\":600,\"tid\":600,\"ppid\":500,"
		"\"uid\":1000,\"start_ns\":4000000000,\"comm\":\"sh\","
		"\"filename\":\"/bin/sh\",\"argv\":[\"sh\",\"-c\",\"echo hi\"],"
		"\"ret\":0,\"old_tid\":603,\"argc\":2,\"execveat\":true,"
		"\"filename_truncated\":true,\"argv_truncated\":true,"
		"\"argv_cut_index\":2,\"cwd\":\"/\"}\n");
	free(out);
}

/* argv bytes a hostile program can pass: each must come out unambiguous. */
static const char hostile[] =
	"printf\0a'b\0\0$HOME\0tab\there\0new\nline\0\x1b[31m\0back\\slash\0"
	"it's\n\0h\xc3\xa9llo\0-x=1,2\0<b>&\"\0\xff";

static void test_hostile_argv_text(void)
{
	struct who w = bash;
	char *out;

	REQUIRE(open_stream(false, false));
	ev_exec(NULL, TS, w, 0, "/tmp/evil\nname\\", hostile, sizeof(hostile), 0, 0);
	out = close_stream();
	/* as a shell would need them typed: '...' with '\'' for a quote,
	 * $'...' once there is a control byte; UTF-8 and other high bytes
	 * as they are; the filename with \xNN and a doubled backslash */
	CHECK_EQ_STR(out,
		HMS "exec     " "    600 " "    500 " "bash             "
		"/tmp/evil\\x0aname\\\\ printf 'a'\\''b' '' '$HOME' $'tab\\there' "
		"$'new\\nline' $'\\x1b[31m' 'back\\slash' $'it\\'s\\n' h\xc3\xa9llo "
		"-x=1,2 '<b>&\"' \xff\n");
	free(out);
}

static void test_hostile_argv_json(void)
{
	struct who w = bash;
	char *out;

	REQUIRE(open_stream(true, false));
	ev_exec(NULL, TS, w, 0, "/tmp/evil\nname\\", hostile, sizeof(hostile), 0, 0);
	out = close_stream();
	/* JSON escapes; the byte that is not UTF-8 as a lone surrogate */
	CHECK_EQ_STR(out,
		"{" ISO ",\"event\":\"exec\",\"pid\":600,\"tid\":600,\"ppid\":500,"
		"\"uid\":1000,\"start_ns\":4000000000,\"comm\":\"bash\","
		"\"filename\":\"/tmp/evil\\nname\\\\\","
		"\"argv\":[\"printf\",\"a'b\",\"\",\"$HOME\",\"tab\\there\","
		"\"new\\nline\",\"\\u001b[31m\",\"back\\\\slash\",\"it's\\n\","
		"\"h\xc3\xa9llo\",\"-x=1,2\",\"<b>&\\\"\",\"\\udcff\"],"
		"\"ret\":0,\"argc\":13,\"cwd\":\"/\"}\n");
	free(out);
}

static void test_exec_failed(void)
{
	static const char argv[] = "nonexistent\0--x";
	struct who w = bash;
	char *out;

	REQUIRE(open_stream(false, false));
	ev_exec(NULL, TS, w, 0, "/nonexistent", argv, sizeof(argv), -2, 0);
	ev_exec(NULL, TS, w, 0, "/x", "x", 2, -9999, 0);	/* no name known */
	out = close_stream();
	CHECK_EQ_STR(out,
		HMS "exec!    " "    600 " "    500 " "bash             "
		"FAILED ENOENT /nonexistent nonexistent --x\n"
		HMS "exec!    " "    600 " "    500 " "bash             "
		"FAILED -9999 /x x\n");
	free(out);

	REQUIRE(open_stream(true, false));
	ev_exec(NULL, TS, w, 0, "/nonexistent", argv, sizeof(argv), -2, 0);
	ev_exec(NULL, TS, w, 0, "/x", "x", 2, -9999, 0);
	out = close_stream();
	CHECK_EQ_STR(out,
		"{" ISO ",\"event\":\"exec\",\"pid\":600,\"tid\":600,\"ppid\":500,"
		"\"uid\":1000,\"start_ns\":4000000000,\"comm\":\"bash\","
		"\"filename\":\"/nonexistent\",\"argv\":[\"nonexistent\",\"--x\"],"
		"\"ret\":-2,\"errno\":\"ENOENT\",\"argc\":2}\n"
		"{" ISO ",\"event\":\"exec\",\"pid\":600,\"tid\":600,\"ppid\":500,"
		"\"uid\":1000,\"start_ns\":4000000000,\"comm\":\"bash\","
		"\"filename\":\"/x\",\"argv\":[\"x\"],\"ret\":-9999,\"errno\":null,"
		"\"argc\":1}\n");
	free(out);
}

static void test_comm(void)
{
	struct who w = bash, u = bash;
	char *out;

	w.comm = "a\\b";
	u.comm = "h\xc3\xa9llo";
	REQUIRE(open_stream(false, false));
	ev_comm(NULL, TS, w, "old\x01");
	ev_comm(NULL, TS, u, "x");
	out = close_stream();
	/* the columns stay aligned: the comm is padded by the columns it
	 * takes once escaped (4 for a\\b, 5 for the UTF-8 name) */
	CHECK_EQ_STR(out,
		HMS "comm     " "    600 " "    500 " "a\\\\b             "
		"renamed from old\\x01\n"
		HMS "comm     " "    600 " "    500 " "h\xc3\xa9llo            "
		"renamed from x\n");
	free(out);

	REQUIRE(open_stream(true, false));
	ev_comm(NULL, TS, w, "old\x01");
	out = close_stream();
	CHECK_EQ_STR(out,
		"{" ISO ",\"event\":\"comm\",\"pid\":600,\"tid\":600,\"ppid\":500,"
		"\"uid\":1000,\"start_ns\":4000000000,\"comm\":\"a\\\\b\","
		"\"old_comm\":\"old\\u0001\"}\n");
	free(out);
}

static const uint32_t dead = PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER;

static void test_exit_text(void)
{
	const struct pl_exit code3 = {
		.exit_code = 3 << 8, .flags = dead,
		.proc = { .cpu_ns = 1400000, .maxrss_kb = 2048 },
		.proc_sched = { .run_ns = 1500000, .wait_ns = 250000 },
		.sched = { .run_ns = 77 },	/* the leader alone: not shown */
	};
	const struct pl_exit killed = {	/* no accounting: the kernel's cpu */
		.exit_code = 9, .flags = dead,
		.proc = { .cpu_ns = 42000, .maxrss_kb = 512 },
		.proc_sched = { .run_ns = 1, .flags = PL_SCHED_MISSING },
	};
	const struct pl_exit core = {
		.exit_code = 11 | 0x80, .flags = dead,
		.proc_sched = { .run_ns = 1500000, .wait_ns = 250000,
				.block_ns = 2000000 },
	};
	const struct pl_exit rt = { .exit_code = 34, .flags = dead };
	char *out;

	REQUIRE(open_stream(false, false));
	feed_exit(bash, &code3);
	feed_exit(bash, &killed);
	feed_exit(bash, &core);
	feed_exit(bash, &rt);
	out = close_stream();
	CHECK_EQ_STR(out,
		HMS "exit     " "    600 " "    500 " "bash             "
		"exit 3  cpu 1.5ms  runq 250us  maxrss 2M\n"
		HMS "exit     " "    600 " "    500 " "bash             "
		"killed by SIGKILL  cpu 42us  maxrss 512K\n"
		HMS "exit     " "    600 " "    500 " "bash             "
		"killed by SIGSEGV (core)  cpu 1.5ms  runq 250us  D 2ms\n"
		HMS "exit     " "    600 " "    500 " "bash             "
		"killed by SIGRTMIN+2  cpu 0ns  runq 0ns\n");
	free(out);
}

static void test_exit_json(void)
{
	const struct pl_exit code3 = {
		.task_start_ns = START, .exit_code = 3 << 8, .flags = dead,
		.proc = { .user_ns = 1000000, .sys_ns = 400000, .cpu_ns = 1400000,
			  .nvcsw = 3, .nivcsw = 4, .min_flt = 50, .maj_flt = 1,
			  .maxrss_kb = 2048 },
		.task = { .user_ns = 5 },
		.proc_sched = { .run_ns = 1500000, .wait_ns = 250000,
				.sleep_ns = 6, .block_ns = 7, .stopped_ns = 8,
				.nvcsw = 9, .nivcsw = 10, .migrations = 11,
				.flags = PL_SCHED_PARTIAL },
	};
	const struct pl_exit core = {
		.task_start_ns = START, .exit_code = 11 | 0x80, .flags = dead,
		.proc_sched = { .flags = PL_SCHED_MISSING },
	};
	char *out;

	REQUIRE(open_stream(true, false));
	feed_exit(bash, &code3);
	feed_exit(bash, &core);
	out = close_stream();
	CHECK_EQ_STR(out,
		"{" ISO ",\"event\":\"exit\",\"pid\":600,\"tid\":600,\"ppid\":500,"
		"\"uid\":1000,\"start_ns\":4000000000,\"comm\":\"bash\","
		"\"code\":3,\"signal\":null,\"core_dumped\":false,"
		"\"group_dead\":true,\"task_start_ns\":4000000000,"
		"\"rusage\":{\"user_ns\":1000000,\"sys_ns\":400000,\"cpu_ns\":1400000,"
		"\"nvcsw\":3,\"nivcsw\":4,\"min_flt\":50,\"maj_flt\":1,\"maxrss_kb\":2048},"
		"\"sched\":{\"run_ns\":1500000,\"wait_ns\":250000,\"sleep_ns\":6,"
		"\"block_ns\":7,\"stopped_ns\":8,\"nvcsw\":9,\"nivcsw\":10,"
		"\"migrations\":11,\"partial\":true}}\n"
		"{" ISO ",\"event\":\"exit\",\"pid\":600,\"tid\":600,\"ppid\":500,"
		"\"uid\":1000,\"start_ns\":4000000000,\"comm\":\"bash\","
		"\"code\":null,\"signal\":\"SIGSEGV\",\"core_dumped\":true,"
		"\"group_dead\":true,\"task_start_ns\":4000000000,"
		"\"rusage\":{\"user_ns\":0,\"sys_ns\":0,\"cpu_ns\":0,"
		"\"nvcsw\":0,\"nivcsw\":0,\"min_flt\":0,\"maj_flt\":0,\"maxrss_kb\":0},"
		"\"sched\":null}\n");
	free(out);
}

/* A reparent is remembered per process (pid and start) until its reap. */
static void test_reparent_and_reap_text(void)
{
	struct who orphan = { .pid = 605, .ppid = 1, .start = START, .comm = "w" };
	struct who reused = orphan;	/* same pid, a later process */
	struct who sub = { .pid = 606, .ppid = 400, .start = START, .comm = "s" };
	struct who sh = { .pid = 601, .ppid = 600, .start = START, .comm = "sh" };
	const struct pl_exit autoreap = { .flags = dead | PL_EXIT_AUTOREAP,
					  .proc_sched = { .flags = PL_SCHED_MISSING } };
	char *out;

	reused.start = START + 1;
	REQUIRE(open_stream(false, false));
	ev_reparent(NULL, TS, orphan, 600, PL_REPARENT_INIT);
	ev_reparent(NULL, TS, sub, 600, PL_REPARENT_SUBREAPER);
	/* the stream renders what the record says: no reparent bookkeeping */
	feed_reap(sh, TS - 1000000, 600, "make", PL_REAP_WAIT, 0,
		  PL_REAP_EXACT | PL_REAP_EXIT_KNOWN);
	feed_reap(reused, TS - 2500, 1, "systemd", PL_REAP_WAIT, 0,
		  PL_REAP_EXACT | PL_REAP_EXIT_KNOWN);
	feed_reap(orphan, TS - 4000000000ULL, 1, "systemd", PL_REAP_INIT, 0,
		  PL_REAP_EXACT | PL_REAP_EXIT_KNOWN);
	/* released with no wait seen: the time is an upper bound */
	feed_reap(orphan, TS - 3000, 1, "systemd", PL_REAP_INIT, 0,
		  PL_REAP_EXIT_KNOWN);
	feed_exit(sub, &autoreap);
	/* the kernel's release at the exit, with the status it kept */
	feed_reap(sub, TS, 400, "p", PL_REAP_AUTOREAP, 0,
		  PL_REAP_EXACT | PL_REAP_STATUS | PL_REAP_EXIT_KNOWN);
	/* a zombie already at the start: no exit time, no zombie time */
	feed_reap(sub, 0, 400, "p", PL_REAP_WAIT, 9 | 0x80,
		  PL_REAP_EXACT | PL_REAP_STATUS);
	feed_reap(sh, TS + 5, 600, "make", PL_REAP_WAIT, 0,
		  PL_REAP_EXACT | PL_REAP_EXIT_KNOWN);	/* exit after reap */
	CHECK_EQ_U64(stream.lines, 10);
	out = close_stream();
	CHECK_EQ_STR(out,
		HMS "reparent " "    605 " "      1 " "w                " "from 600 to init 1\n"
		HMS "reparent " "    606 " "    400 " "s                " "from 600 to subreaper 400\n"
		HMS "reap     " "    601 " "    600 " "sh               " "wait by 600 make  zombie 1ms\n"
		HMS "reap     " "    605 " "      1 " "w                " "wait by 1 systemd  zombie 2.5us\n"
		HMS "reap     " "    605 " "      1 " "w                " "init by 1 systemd  zombie 4s\n"
		HMS "reap     " "    605 " "      1 " "w                " "init by 1 systemd  zombie <= 3us\n"
		HMS "exit     " "    606 " "    400 " "s                " "exit 0  cpu 0ns\n"
		HMS "reap     " "    606 " "    400 " "s                " "autoreap by 400 p  exit 0  zombie 0ns\n"
		HMS "reap     " "    606 " "    400 " "s                " "wait by 400 p  killed by SIGKILL (core)\n"
		HMS "reap     " "    601 " "    600 " "sh               " "wait by 600 make  zombie 0ns\n");
	free(out);
}

static void test_reparent_and_reap_json(void)
{
	struct who orphan = { .pid = 605, .ppid = 400, .start = START, .comm = "w" };
	const struct pl_exit autoreap = { .task_start_ns = START,
					  .flags = dead | PL_EXIT_AUTOREAP,
					  .proc_sched = { .flags = PL_SCHED_MISSING } };
	const char *common =
		"{" ISO ",\"event\":\"%s\",\"pid\":605,\"tid\":605,\"ppid\":400,"
		"\"uid\":1000,\"start_ns\":4000000000,\"comm\":\"w\",";
	char expect[2048], *out;
	int n = 0;

	REQUIRE(open_stream(true, false));
	ev_reparent(NULL, TS, orphan, 600, PL_REPARENT_SUBREAPER);
	feed_reap(orphan, TS - 1000000, 400, "keeper", PL_REAP_SUBREAPER, 3 << 8,
		  PL_REAP_EXACT | PL_REAP_STATUS | PL_REAP_EXIT_KNOWN);
	ev_reparent(NULL, TS, orphan, 600, PL_REPARENT_INIT);
	feed_exit(orphan, &autoreap);
	feed_reap(orphan, TS - 1000000000, 400, "keeper", PL_REAP_AUTOREAP, 0,
		  PL_REAP_EXACT | PL_REAP_STATUS | PL_REAP_EXIT_KNOWN);
	/* an exit time after the reap (a corrupt record): no wrap-around */
	feed_reap(orphan, TS + 1000, 400, "keeper", PL_REAP_WAIT, 0,
		  PL_REAP_EXIT_KNOWN);
	out = close_stream();

	n += snprintf(expect + n, sizeof(expect) - n, common, "reparent");
	n += snprintf(expect + n, sizeof(expect) - n,
		      "\"old_ppid\":600,\"reason\":\"subreaper\"}\n");
	n += snprintf(expect + n, sizeof(expect) - n, common, "reap");
	n += snprintf(expect + n, sizeof(expect) - n,
		      "\"how\":\"subreaper\",\"reaper\":{\"pid\":400,\"tid\":401,"
		      "\"comm\":\"keeper\"},\"exact\":true,\"code\":3,\"signal\":null,"
		      "\"core_dumped\":false,\"exit_ns\":5122456789,\"zombie_ns\":1000000}\n");
	n += snprintf(expect + n, sizeof(expect) - n, common, "reparent");
	n += snprintf(expect + n, sizeof(expect) - n,
		      "\"old_ppid\":600,\"reason\":\"init\"}\n");
	n += snprintf(expect + n, sizeof(expect) - n, common, "exit");
	n += snprintf(expect + n, sizeof(expect) - n,
		      "\"code\":0,\"signal\":null,\"core_dumped\":false,"
		      "\"group_dead\":true,\"task_start_ns\":4000000000,"
		      "\"rusage\":{\"user_ns\":0,\"sys_ns\":0,\"cpu_ns\":0,"
		      "\"nvcsw\":0,\"nivcsw\":0,\"min_flt\":0,\"maj_flt\":0,"
		      "\"maxrss_kb\":0},\"sched\":null}\n");
	n += snprintf(expect + n, sizeof(expect) - n, common, "reap");
	n += snprintf(expect + n, sizeof(expect) - n,
		      "\"how\":\"autoreap\",\"reaper\":{\"pid\":400,\"tid\":null,"
		      "\"comm\":\"keeper\"},\"exact\":true,\"code\":0,\"signal\":null,"
		      "\"core_dumped\":false,\"exit_ns\":4123456789,\"zombie_ns\":1000000000}\n");
	n += snprintf(expect + n, sizeof(expect) - n, common, "reap");
	n += snprintf(expect + n, sizeof(expect) - n,
		      "\"how\":\"wait\",\"reaper\":{\"pid\":400,\"tid\":401,"
		      "\"comm\":\"keeper\"},\"exact\":false,\"code\":null,\"signal\":null,"
		      "\"core_dumped\":null,\"exit_ns\":5123457789,\"zombie_ns\":0}\n");
	REQUIRE(n > 0 && (size_t)n < sizeof(expect));
	CHECK_EQ_STR(out, expect);
	free(out);
}

static void feed_lost(uint64_t count, const uint64_t *by_type)
{
	struct pl_lost *l = (struct pl_lost *)tl_rec;
	struct who none = { .comm = "" };

	tl_hdr(&l->h, PL_EV_LOST, sizeof(*l), TS, none);
	l->count = count;
	memcpy(l->by_type, by_type, sizeof(l->by_type));
	tl_feed(NULL, sizeof(*l));
}

static void test_lost(void)
{
	uint64_t by[PL_LOST_SLOTS] = { 0 };
	uint64_t none[PL_LOST_SLOTS] = { 0 };
	char *out;

	by[PL_EV_FORK] = 5;
	by[PL_EV_EXEC] = 3;
	by[PL_EV_EXEC_FAIL] = 1;
	by[PL_EV_EXIT] = 2;
	by[PL_EV_STATE] = 1;
	REQUIRE(open_stream(false, false));
	feed_lost(12, by);
	out = close_stream();
	CHECK_EQ_STR(out,
		HMS "lost     " "      0 " "      0 "
		"        " "        " " "	/* no comm: 16 blank columns */
		"12 events lost (ring_full 12)\n");
	free(out);

	REQUIRE(open_stream(true, false));
	feed_lost(12, by);
	feed_lost(0, none);
	out = close_stream();
	/* no ppid, uid, start: a loss is about no process */
	CHECK_EQ_STR(out,
		"{" ISO ",\"event\":\"lost\",\"pid\":0,\"tid\":0,\"comm\":\"\","
		"\"count\":12,\"by_event\":{\"fork\":5,\"exec\":3,\"exec_failed\":1,"
		"\"exit\":2,\"state\":1},\"by_kind\":{\"ring_full\":12}}\n"
		"{" ISO ",\"event\":\"lost\",\"pid\":0,\"tid\":0,\"comm\":\"\","
		"\"count\":0,\"by_event\":{},\"by_kind\":{}}\n");
	free(out);
}

static void test_state(void)
{
	struct who io = { .pid = 30, .ppid = 10, .start = START, .comm = "io" };
	char *out;

	REQUIRE(open_stream(false, false));
	ev_state(NULL, TS, io, PL_STATE_RUNNING, 2);
	ev_state(NULL, TS, io, PL_STATE_BLOCK, -1);
	ev_state(NULL, TS, io, 99, 0);
	out = close_stream();
	CHECK_EQ_STR(out,
		HMS "state    " "     30 " "      0 " "io               " "running tid 30 cpu 2\n"
		HMS "state    " "     30 " "      0 " "io               " "blocked tid 30 cpu -1\n"
		HMS "state    " "     30 " "      0 " "io               " "unknown tid 30 cpu 0\n");
	free(out);

	REQUIRE(open_stream(true, false));
	ev_state(NULL, TS, io, PL_STATE_STOPPED, 3);
	out = close_stream();
	CHECK_EQ_STR(out,
		"{" ISO ",\"event\":\"state\",\"pid\":30,\"tid\":30,\"comm\":\"io\","
		"\"state\":\"stopped\",\"cpu\":3}\n");
	free(out);
}

/* Seeds and end-of-trace accounting feed the timeline, not the stream. */
static void test_silent_records(void)
{
	struct pl_sched_end *e = (struct pl_sched_end *)tl_rec;
	char *out;

	for (int json = 0; json < 2; json++) {
		REQUIRE(open_stream(json, true));
		ev_seed(NULL, TS, bash, 0, 0);
		ev_seed(NULL, TS, bash, 0, PL_SEED_ZOMBIE);
		tl_hdr(&e->h, PL_EV_SCHED, sizeof(*e), TS, bash);
		e->sched.run_ns = 1;
		tl_feed(NULL, sizeof(*e));
		CHECK_EQ_U64(stream.lines, 0);
		out = close_stream();
		CHECK_EQ_STR(out, "");
		free(out);
	}
}

/* A full disk: the flush says so (the writer keeps no partial success). */
static void test_write_error(void)
{
	int fd = open("/dev/full", O_WRONLY);

	if (fd < 0) {
		fprintf(stderr, "test_stream: no /dev/full, write error not tried\n");
		return;
	}
	REQUIRE(start_stream(fd, true, false) == 0);
	tl_feed_hook = to_stream;
	ev_fork(NULL, TS, bash, PL_BIRTH_FORK, 0, 0);
	tl_feed_hook = NULL;
	CHECK_EQ_U64(stream.lines, 1);
	CHECK_EQ_I64(stream_flush(&stream), -ENOSPC);
	/* sticky: a second flush does not pretend it worked */
	CHECK_EQ_I64(stream_flush(&stream), -ENOSPC);
	end_stream();
	close(fd);
}

int main(void)
{
	/* the text stream prints local time */
	setenv("TZ", "UTC", 1);
	tzset();
	RUN(test_header);
	RUN(test_fork_text);
	RUN(test_fork_json);
	RUN(test_thread_events);
	RUN(test_exec);
	RUN(test_hostile_argv_text);
	RUN(test_hostile_argv_json);
	RUN(test_exec_failed);
	RUN(test_comm);
	RUN(test_exit_text);
	RUN(test_exit_json);
	RUN(test_reparent_and_reap_text);
	RUN(test_reparent_and_reap_json);
	RUN(test_lost);
	RUN(test_state);
	RUN(test_silent_records);
	RUN(test_write_error);
	return CHECK_DONE();
}
