// SPDX-License-Identifier: GPL-2.0
/* Record decoding: sizes are checked so no sink reads past a record. */
#include <string.h>

#include "check.h"
#include "pipeline/event.h"

static char buf[sizeof(struct pl_exec) + 64];

static size_t make_exec(const char *fname, const char *argv, size_t argv_len)
{
	struct pl_exec *e = (void *)buf;
	size_t flen = strlen(fname);

	memset(buf, 0, sizeof(buf));
	e->h.type = PL_EV_EXEC;
	e->filename_len = flen;
	e->argv_len = argv_len;
	memcpy(buf + sizeof(*e), fname, flen);
	memcpy(buf + sizeof(*e) + flen, argv, argv_len);
	e->h.size = sizeof(*e) + flen + argv_len;
	return e->h.size;
}

static void test_exec_decodes_strings(void)
{
	size_t size = make_exec("/bin/ls", "ls\0-l\0", 6);
	struct pl_event ev;
	const char *arg;
	size_t pos = 0, len;

	REQUIRE(pl_event_decode(buf, size, &ev) == 0);
	CHECK_EQ_U64(ev.type, PL_EV_EXEC);
	CHECK_EQ_MEM(ev.filename, ev.filename_len, "/bin/ls", 7);
	CHECK_EQ_STR(pl_event_name(&ev), "exec");
	REQUIRE(pl_argv_next(ev.argv, ev.argv_len, &pos, &arg, &len));
	CHECK_EQ_MEM(arg, len, "ls", 2);
	REQUIRE(pl_argv_next(ev.argv, ev.argv_len, &pos, &arg, &len));
	CHECK_EQ_MEM(arg, len, "-l", 2);
	CHECK(!pl_argv_next(ev.argv, ev.argv_len, &pos, &arg, &len));
}

static void test_argv_boundaries_kept(void)
{
	/* empty arguments and a last argument cut by the kernel limit */
	size_t size = make_exec("x", "\0a\0\0bc", 6);
	const char *want[] = { "", "a", "", "bc" };
	struct pl_event ev;
	const char *arg;
	size_t pos = 0, len, n = 0;

	REQUIRE(pl_event_decode(buf, size, &ev) == 0);
	while (pl_argv_next(ev.argv, ev.argv_len, &pos, &arg, &len)) {
		REQUIRE(n < 4);
		CHECK_EQ_MEM(arg, len, want[n], strlen(want[n]));
		n++;
	}
	CHECK_EQ_U64(n, 4);
}

static void test_rejects_bad_sizes(void)
{
	struct pl_exec *e = (void *)buf;
	struct pl_event ev;
	size_t size = make_exec("/bin/ls", "ls", 3);

	CHECK(pl_event_decode(buf, size - 1, &ev) != 0);	/* h.size differs */
	CHECK(pl_event_decode(buf, 4, &ev) != 0);		/* shorter than a header */
	e->argv_len = 100;					/* lengths past the end */
	CHECK(pl_event_decode(buf, size, &ev) != 0);
	e->argv_len = 3;
	e->filename_len = 0xffffffff;				/* overflow attempt */
	CHECK(pl_event_decode(buf, size, &ev) != 0);
}

static void test_rejects_unknown_type(void)
{
	struct pl_header h = { .type = 77, .size = sizeof(h) };
	struct pl_event ev;

	CHECK(pl_event_decode(&h, sizeof(h), &ev) != 0);
}

static void test_fixed_records(void)
{
	struct pl_fork f = { .h = { .type = PL_EV_FORK, .size = sizeof(f) },
			     .kind = PL_BIRTH_THREAD };
	struct pl_exit x = { .h = { .type = PL_EV_EXIT, .size = sizeof(x) } };
	struct pl_event ev;

	REQUIRE(pl_event_decode(&f, sizeof(f), &ev) == 0);
	CHECK_EQ_STR(pl_event_name(&ev), "thread");
	f.kind = PL_BIRTH_VFORK;
	REQUIRE(pl_event_decode(&f, sizeof(f), &ev) == 0);
	CHECK_EQ_STR(pl_event_name(&ev), "fork");
	REQUIRE(pl_event_decode(&x, sizeof(x), &ev) == 0);
	CHECK_EQ_STR(pl_event_name(&ev), "exit");
	/* a fixed record with a tail is malformed */
	x.h.size = sizeof(x) + 8;
	CHECK(pl_event_decode(&x, sizeof(x) + 8, &ev) != 0);
}

/* The cwd comes after exe, interp and argv0; a cut one reads ".../". */
static void test_cwd_path(void)
{
	static char rec[sizeof(struct pl_exec) + 64];
	struct pl_exec *e = (void *)rec;
	struct pl_event ev;
	char path[64];

	memset(rec, 0, sizeof(rec));
	e->h.type = PL_EV_EXEC;
	memcpy(rec + sizeof(*e), "/bin/ls" "ls\0" "/usr/bin/ls" "/a/b b/c",
	       7 + 3 + 11 + 8);
	e->filename_len = 7;
	e->argv_len = 3;
	e->exe_len = 11;
	e->cwd_len = 8;
	e->h.size = sizeof(*e) + 29;
	REQUIRE(pl_event_decode(rec, e->h.size, &ev) == 0);
	CHECK_EQ_U64(pl_cwd_path(&ev, path, sizeof(path)), 8);
	CHECK_EQ_STR(path, "/a/b b/c");
	CHECK_EQ_U64(pl_cwd_path(&ev, path, 8), 0);	/* no room: nothing */
	e->flags = PL_EXEC_CWD_TRUNC;
	REQUIRE(pl_event_decode(rec, e->h.size, &ev) == 0);
	CHECK_EQ_U64(pl_cwd_path(&ev, path, sizeof(path)), 11);
	CHECK_EQ_STR(path, ".../a/b b/c");
	/* none (a task without fs): no path */
	e->flags = 0;
	e->cwd_len = 0;
	e->h.size = sizeof(*e) + 21;
	REQUIRE(pl_event_decode(rec, e->h.size, &ev) == 0);
	CHECK_EQ_U64(pl_cwd_path(&ev, path, sizeof(path)), 0);
	/* lengths that do not add up are refused */
	e->cwd_len = 4;
	CHECK(pl_event_decode(rec, e->h.size, &ev) != 0);
}

int main(void)
{
	RUN(test_exec_decodes_strings);
	RUN(test_argv_boundaries_kept);
	RUN(test_rejects_bad_sizes);
	RUN(test_rejects_unknown_type);
	RUN(test_fixed_records);
	RUN(test_cwd_path);
	return CHECK_DONE();
}
