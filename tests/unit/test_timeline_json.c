// SPDX-License-Identifier: GPL-2.0
/* The timeline document: key fields, and the schema when python has it. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "util/names.h"
#include "sinks/document.h"
#include "tl_events.h"

#define MS 1000000ULL
#define VALIDATOR "tests/validate_timeline.py"

static char doc_path[] = "/tmp/test_timeline_json.XXXXXX";
static char *doc;
static size_t doc_len;

/* A small trace with one of each interesting thing. */
static struct timeline *build(void)
{
	struct timeline *tl = timeline_new(true);
	struct who init = { .pid = 1, .ppid = 0, .start = 10, .comm = "init" };
	struct who sh = { .pid = 100, .ppid = 1, .start = 500, .comm = "sh" };
	struct who a = { .pid = 200, .ppid = 100, .start = 2 * MS, .comm = "sh" };
	struct who b = { .pid = 201, .ppid = 100, .start = 3 * MS, .comm = "sh" };
	struct who bt = { .pid = 201, .tid = 202, .ppid = 100, .start = 3 * MS,
			  .comm = "sh" };
	struct who ghost = { .pid = 300, .ppid = 1, .start = 4 * MS, .comm = "gh\"o\n" };
	static const char argv[] = "sh\0-c\0echo hi";
	static const char bad[] = "crash\0\xff\x01";

	if (!tl)
		return NULL;
	ev_seed(tl, 100, sh, 0, 0);
	ev_seed(tl, 100, init, 0, 0);
	ev_fork(tl, a.start, a, PL_BIRTH_FORK, 0, 0);
	ev_exec(tl, a.start + 10, a, 0, "/nonexistent", "x", 2, -ENOENT, 0);
	a.comm = "sh";
	ev_exec(tl, a.start + 20, a, 0, "/bin/sh", argv, sizeof(argv), 0, 0);
	a.comm = "renamed";
	ev_comm(tl, a.start + 30, a, "sh");
	ev_exit(tl, 5 * MS, a, 0, 0x300, PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER);
	ev_reap(tl, 6 * MS, a, 100, PL_REAP_WAIT, 0x300);

	ev_fork(tl, b.start, b, PL_BIRTH_VFORK, 0x4100, 0);
	ev_fork(tl, b.start + 1, bt, PL_BIRTH_THREAD, 0x3d0f00, b.start + 1);
	b.comm = "crash";
	ev_exec(tl, b.start + 50, b, 202, "/bin/crash", bad, sizeof(bad) - 1, 0,
		PL_EXEC_ARGV_TRUNC);
	ev_exit(tl, 7 * MS, b, 0, 0x8b, PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER |
		PL_EXIT_AUTOREAP);

	ev_lost(tl, 8 * MS, 3);
	ev_exit(tl, 9 * MS, ghost, 0, 15, PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER);
	timeline_finish(tl, 10 * MS);
	return tl;
}

static void write_doc(void)
{
	static const uint32_t pids[] = { 100, 1 };
	static char *const command[] = { "sh", "-c", "echo hi", NULL };
	static const char comms[][PL_COMM_LEN] = { "true", "echo" };
	static const uint32_t uids[] = { 0, 65534 };
	struct pl_trace_info info = {
		.hostname = "box",
		.kernel = "6.1.0-test",
		.boot_offset_ns = 1700000000LL * 1000000000LL,
		.start_ns = 1 * MS,
		.end_ns = 10 * MS,
		.command = command,
		.filters = { .pids = pids, .n_pids = 2, .comms = comms,
			     .n_comms = 2, .uids = uids, .n_uids = 2, .pidns = -1,
			     .threads = true },
		.events = 42,
		.lost = 3,
		.version = "0.1.0",
	};
	struct timeline *tl = build();
	struct outbuf ob;
	struct stat st;
	int fd;

	REQUIRE(tl);
	fd = mkstemp(doc_path);
	REQUIRE(fd >= 0);
	REQUIRE(outbuf_init(&ob, fd, 0) == 0);
	CHECK_EQ_I64(timeline_json_write(tl, &info, &ob), 0);
	outbuf_free(&ob);
	timeline_free(tl);

	REQUIRE(fstat(fd, &st) == 0);
	doc_len = (size_t)st.st_size;
	doc = malloc(doc_len + 1);
	REQUIRE(doc);
	REQUIRE(pread(fd, doc, doc_len, 0) == (ssize_t)doc_len);
	doc[doc_len] = '\0';
	close(fd);
}

#define HAS(s) CHECK(doc && strstr(doc, s))

static void test_header(void)
{
	REQUIRE(doc);
	CHECK(!strncmp(doc, "{\"schema\":\"proclife.timeline/1\",", 32));
	HAS("\"tool\":{\"name\":\"proclife\",\"version\":\"0.1.0\"}");
	HAS("\"host\":{\"hostname\":\"box\",\"kernel\":\"6.1.0-test\","
	    "\"boot_time\":\"2023-11-14T22:13:20.000000000Z\","
	    "\"clock\":\"CLOCK_BOOTTIME\"}");
	HAS("\"trace\":{\"start_ns\":1000000,\"end_ns\":10000000,");
	HAS("\"command\":[\"sh\",\"-c\",\"echo hi\"]");
	HAS("\"filters\":{\"pids\":[100,1],\"comm\":[\"true\",\"echo\"],"
	    "\"uid\":[0,65534],"
	    "\"cgroup\":null,\"container\":null,\"pidns\":null,"
	    "\"threads\":true,\"kthreads\":false}");
	HAS("\"events\":42,\"lost_events\":3}");
	CHECK(!strcmp(doc + doc_len - 4, "\n]}\n"));
}

static void test_processes(void)
{
	REQUIRE(doc);
	/* Start order: init, sh, then the children. */
	CHECK(strstr(doc, "\"id\":\"1@10\"") < strstr(doc, "\"id\":\"100@500\""));
	CHECK(strstr(doc, "\"id\":\"100@500\"") < strstr(doc, "\"id\":\"200@2000000\""));
	HAS("{\"id\":\"100@500\",\"pid\":100,\"ppid\":1,\"parent\":\"1@10\","
	    "\"kind\":\"process\",\"created_by\":null,\"clone_flags\":null,");
	HAS("\"children\":[\"200@2000000\",\"201@3000000\"],\"pre_existing\":true,"
	    "\"gaps\":[]}");
	HAS("{\"id\":\"200@2000000\",\"pid\":200,\"ppid\":100,"
	    "\"parent\":\"100@500\",\"kind\":\"process\",\"created_by\":\"fork\","
	    "\"clone_flags\":[],\"start_ns\":2000000,\"exit_ns\":5000000,"
	    "\"reap_ns\":6000000,\"comm\":\"renamed\",\"uid\":1000,");
	HAS("\"execs\":[{\"t_ns\":2000010,\"filename\":\"/nonexistent\","
	    "\"argv\":[\"x\"],\"ret\":-2,\"errno\":\"ENOENT\",\"argc\":1},"
	    "{\"t_ns\":2000020,\"filename\":\"/bin/sh\","
	    "\"argv\":[\"sh\",\"-c\",\"echo hi\"],\"ret\":0,\"argc\":3,\"cwd\":\"/\"}]");
	HAS("\"renames\":[{\"t_ns\":2000030,\"comm\":\"renamed\"}]");
	HAS("\"exit\":{\"code\":3,\"signal\":null,\"core_dumped\":false},"
	    "\"reaper\":{\"pid\":100,\"how\":\"wait\"},\"zombie_ns\":1000000,"
	    "\"reparents\":[],\"rusage\":{\"user_ns\":2000,\"sys_ns\":3000,"
	    "\"cpu_ns\":5100,\"nvcsw\":4,\"nivcsw\":5,\"min_flt\":60,"
	    "\"maj_flt\":7,\"maxrss_kb\":1024},\"sched\":{\"run_ns\":7000,\"wait_ns\":3000,\"sleep_ns\":11000,\"block_ns\":0,\"stopped_ns\":0,\"nvcsw\":2,\"nivcsw\":1,\"migrations\":0,\"partial\":false},");
	HAS("\"threads\":[{\"tid\":200,\"start_ns\":2000000,\"exit_ns\":5000000,"
	    "\"comm\":\"renamed\",\"sched\":{\"run_ns\":7000,\"wait_ns\":3000,\"sleep_ns\":11000,\"block_ns\":0,\"stopped_ns\":0,\"nvcsw\":2,\"nivcsw\":1,\"migrations\":0,\"partial\":false}}]");

	/* vfork, a thread that execs, a signal with a core, autoreap. */
	HAS("\"created_by\":\"vfork\",\"clone_flags\":[\"CLONE_VM\",\"CLONE_VFORK\"]");
	HAS("{\"t_ns\":3000050,\"filename\":\"/bin/crash\","
	    "\"argv\":[\"crash\",\"\\udcff\\u0001\"],\"ret\":0,\"old_tid\":202,"
	    "\"argc\":1,\"argv_truncated\":true,\"argv_cut_index\":1,\"cwd\":\"/\"}");
	HAS("\"exit\":{\"code\":null,\"signal\":\"SIGSEGV\",\"core_dumped\":true},"
	    "\"reaper\":{\"pid\":100,\"how\":\"autoreap\"},\"zombie_ns\":0,");
	HAS("{\"tid\":201,\"start_ns\":3000000,\"exit_ns\":3000050,"
	    "\"comm\":\"sh\",\"sched\":null}");
	HAS("{\"tid\":201,\"start_ns\":3000001,\"exit_ns\":7000000,"
	    "\"comm\":\"crash\",\"sched\":{\"run_ns\":7000,\"wait_ns\":3000,\"sleep_ns\":11000,\"block_ns\":0,\"stopped_ns\":0,\"nvcsw\":2,\"nivcsw\":1,\"migrations\":0,\"partial\":false},\"old_tid\":202}");

	/* Birth lost: no fork facts, the gap named, odd bytes escaped. */
	HAS("{\"id\":\"300@4000000\",\"pid\":300,\"ppid\":1,\"parent\":\"1@10\","
	    "\"kind\":\"process\",\"created_by\":null,\"clone_flags\":null,");
	HAS("\"comm\":\"gh\\\"o\\n\"");
	HAS("\"exit\":{\"code\":null,\"signal\":\"SIGTERM\",\"core_dumped\":false},"
	    "\"reaper\":null,\"zombie_ns\":null,");
	HAS("\"pre_existing\":false,\"gaps\":[\"fork_lost\"]}");
}

/* The schema and the cross checks, when python3-jsonschema is installed. */
static void test_schema(void)
{
	char cmd[512];
	int rc;

	REQUIRE(doc);
	if (access(VALIDATOR, R_OK) ||
	    system("/usr/bin/python3 -c 'import jsonschema' 2>/dev/null")) {
		printf("test_timeline_json: schema check skipped "
		       "(no python3-jsonschema or not run from the top)\n");
		return;
	}
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 " VALIDATOR " %s", doc_path);
	rc = system(cmd);
	CHECK(WIFEXITED(rc) && WEXITSTATUS(rc) == 0);
}

static void test_names(void)
{
	char buf[32];

	CHECK_EQ_STR(pl_signal_name(11), "SIGSEGV");
	CHECK(pl_signal_name(0) == NULL);
	CHECK(pl_signal_name(40) == NULL);
	pl_signal_str(buf, sizeof(buf), 34);
	CHECK_EQ_STR(buf, "SIGRTMIN+2");
	pl_signal_str(buf, sizeof(buf), 64);
	CHECK_EQ_STR(buf, "SIGRTMAX");
	pl_signal_str(buf, sizeof(buf), 99);
	CHECK_EQ_STR(buf, "SIG99");
	CHECK_EQ_STR(pl_errno_name(2), "ENOENT");
	CHECK_EQ_STR(pl_errno_name(11), "EAGAIN");
	CHECK_EQ_STR(pl_errno_name(95), "EOPNOTSUPP");
	CHECK(pl_errno_name(0) == NULL);
	CHECK(pl_errno_name(41) == NULL);	/* a hole in the numbering */
	CHECK(pl_errno_name(100000) == NULL);
	CHECK_EQ_U64(pl_clone_flag_count, 27);
	for (size_t i = 1; i < pl_clone_flag_count; i++)
		CHECK(pl_clone_flag_names[i].flag == pl_clone_flag_names[i - 1].flag << 1);
}

int main(void)
{
	write_doc();
	RUN(test_header);
	RUN(test_processes);
	RUN(test_schema);
	RUN(test_names);
	if (getenv("KEEP_DOC"))
		fprintf(stderr, "document kept: %s\n", doc_path);
	else
		unlink(doc_path);
	free(doc);
	return CHECK_DONE();
}
