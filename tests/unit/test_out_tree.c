// SPDX-License-Identifier: GPL-2.0
/* --tree text: durations, quoting, statuses and the tree drawing. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "sinks/tree.h"
#include "util/timefmt.h"
#include "tl_events.h"

#define MS 1000000ULL

static char *render(struct timeline *tl)
{
	char path[] = "/tmp/test_out_tree.XXXXXX";
	struct outbuf ob;
	struct stat st;
	char *text = NULL;
	int fd = mkstemp(path);

	if (fd < 0)
		return NULL;
	unlink(path);
	if (outbuf_init(&ob, fd, 64) == 0) {	/* small: exercise flushes */
		CHECK_EQ_I64(tree_write(tl, &ob), 0);
		outbuf_free(&ob);
		if (!fstat(fd, &st) && (text = malloc((size_t)st.st_size + 1))) {
			if (pread(fd, text, (size_t)st.st_size, 0) != st.st_size)
				st.st_size = 0;
			text[st.st_size] = '\0';
		}
	}
	close(fd);
	return text;
}

static void test_durations(void)
{
	static const struct {
		uint64_t ns;
		const char *text;
	} cases[] = {
		{ 0, "0ns" }, { 999, "999ns" }, { 1000, "1.00us" },
		{ 12345, "12.3us" }, { 999499, "999us" }, { 999500, "1.00ms" },
		{ 12300000, "12.3ms" }, { 123456789, "123ms" },
		{ 1200000000, "1.20s" }, { 12340000000ULL, "12.3s" },
		{ 99940000000ULL, "99.9s" }, { 99960000000ULL, "1m40s" },
		{ 123000000000ULL, "2m03s" }, { 3723000000000ULL, "1h02m" },
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pl_fmt_duration(buf, sizeof(buf), cases[i].ns, PL_DUR_FIXED);
		CHECK_EQ_STR(buf, cases[i].text);
	}
	CHECK_EQ_U64(pl_fmt_duration(buf, 4, 12300000, PL_DUR_FIXED), 3);
	CHECK_EQ_STR(buf, "12.");
}

static void test_tree(void)
{
	struct timeline *tl = timeline_new(true);
	struct who init = { .pid = 1, .ppid = 0, .start = 10, .comm = "init" };
	struct who sh = { .pid = 100, .ppid = 1, .start = 1 * MS, .comm = "sh" };
	struct who a = { .pid = 200, .ppid = 100, .start = 2 * MS, .comm = "sh" };
	struct who b = { .pid = 201, .ppid = 100, .start = 3 * MS, .comm = "crash" };
	struct who c = { .pid = 202, .ppid = 200, .start = 4 * MS, .comm = "sleep" };
	struct who bt = { .pid = 201, .tid = 203, .ppid = 100, .start = 3 * MS };
	struct who ghost = { .pid = 300, .ppid = 1, .start = 5 * MS, .comm = "x\ty" };
	struct who kt = { .pid = 400, .ppid = 2, .start = 6 * MS, .comm = "kworker/0:1" };
	static const char argv_a[] = "sh\0-c\0echo 'hi'\0";
	static const char argv_b[] = "./crash\0a\nb";
	char *text;
	const char *want =
		"1 init [pre-existing]  running 10.0ms+\n"
		"|-100 sh [pre-existing]  running 9.00ms+\n"
		"| |-200 sh -c 'echo '\\''hi'\\'''  4.00ms  exit 0  zombie 1.00ms  [cpu 7.00us wait 3.00us]\n"
		"| | `-202 sleep  4.00ms  exit 0  zombie 2.00ms+ (not reaped)  [cpu 7.00us wait 3.00us]\n"
		"| `-201 ./crash $'a\\nb' ...  4.00ms  killed by SIGSEGV (core)  autoreaped  2 threads  [cpu 14.0us wait 6.00us]\n"
		"`-300 $'x\\ty'  <=2.00ms  exit 1  reaped  [missed: fork_lost,exit_lost]\n"
		"400 [kworker/0:1]  running 4.00ms+\n";

	REQUIRE(tl);
	ev_seed(tl, 100, init, 0, 0);
	ev_seed(tl, 100, sh, 0, 0);
	ev_fork(tl, a.start, a, PL_BIRTH_FORK, 0, 0);
	ev_exec(tl, a.start + 1, a, 0, "/bin/sh", argv_a, sizeof(argv_a) - 1, 0, 0);
	ev_fork(tl, b.start, b, PL_BIRTH_FORK, 0, 0);
	ev_fork(tl, b.start + 1, bt, PL_BIRTH_THREAD, 0x3d0f00, b.start + 1);
	ev_exit(tl, b.start + 2, bt, b.start + 1, 0, 0);
	ev_exec(tl, b.start + 3, b, 0, "./crash", argv_b, sizeof(argv_b) - 1, 0,
		PL_EXEC_ARGV_TRUNC);
	ev_fork(tl, c.start, c, PL_BIRTH_FORK, 0, 0);
	ev_exit(tl, 6 * MS, a, 0, 0, PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER);
	ev_fork(tl, kt.start, kt, PL_BIRTH_KTHREAD, 0x800100, 0);
	ev_reap(tl, 7 * MS, a, 100, PL_REAP_WAIT, 0);
	ev_exit(tl, 7 * MS, b, 0, 0x8b, PL_EXIT_GROUP_DEAD | PL_EXIT_AUTOREAP);
	ev_exit(tl, 8 * MS, c, 0, 0, PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER);
	ev_reap(tl, 7 * MS, ghost, 1, PL_REAP_WAIT, 0x100);
	timeline_finish(tl, 10 * MS);

	text = render(tl);
	REQUIRE(text);
	CHECK_EQ_STR(text, want);
	free(text);
	timeline_free(tl);
}

static void test_empty_and_deep(void)
{
	struct timeline *tl = timeline_new(true);
	char *text;
	size_t lines = 0;

	REQUIRE(tl);
	timeline_finish(tl, 0);
	text = render(tl);
	CHECK_EQ_STR(text, "(no processes)\n");
	free(text);
	timeline_free(tl);

	/* A fork chain 20000 deep: no recursion, prefixes grow. */
	tl = timeline_new(true);
	REQUIRE(tl);
	for (uint32_t i = 0; i < 20000; i++) {
		struct who w = { .pid = 10 + i, .ppid = 9 + i, .start = 1000 + i };

		ev_fork(tl, w.start, w, PL_BIRTH_FORK, 0, 0);
	}
	timeline_finish(tl, 1 * MS);
	text = render(tl);
	REQUIRE(text);
	for (char *p = text; *p; p++)
		lines += *p == '\n';
	CHECK_EQ_U64(lines, 20000);
	CHECK(strstr(text, "\n`-11 task  running") != NULL);
	CHECK(strstr(text, "\n  `-12 task  running") != NULL);
	free(text);
	timeline_free(tl);
}

int main(void)
{
	RUN(test_durations);
	RUN(test_tree);
	RUN(test_empty_and_deep);
	return CHECK_DONE();
}
