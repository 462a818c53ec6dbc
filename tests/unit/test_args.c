// SPDX-License-Identifier: GPL-2.0
/* Option parsing: every accepted form, and every error with its message. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/args.h"
#include "check.h"

static struct pl_options opts;
static char err[512];

/* Parse a NULL-terminated list of words after "proclife". */
static enum pl_parse_result parse(const char *first, ...)
{
	static char *argv[64];
	va_list ap;
	int argc = 0;

	argv[argc++] = "proclife";
	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	return pl_parse_args(argc, argv, &opts, err, sizeof(err));
}

#define P(...) parse(__VA_ARGS__, NULL)

static void test_defaults(void)
{
	CHECK_EQ_U64(parse(NULL), PL_PARSE_OK);
	CHECK_EQ_U64(opts.nr_pids, 0);
	CHECK_EQ_U64(opts.nr_uids, 0);
	CHECK_EQ_U64(opts.nr_comms, 0);
	CHECK(!opts.json && !opts.quiet && !opts.threads && !opts.kthreads);
	CHECK(opts.command == NULL);
	CHECK_EQ_U64(opts.nr_outputs, 0);
	CHECK_EQ_U64(opts.ringbuf_size, 4 << 20);
	CHECK_EQ_U64(opts.argv_bytes, PL_ARGV_DEFAULT);
}

static void test_short_and_long_flags(void)
{
	CHECK_EQ_U64(P("-j", "-q", "-T", "-K", "-v", "--tree"), PL_PARSE_OK);
	CHECK(opts.json && opts.quiet && opts.threads && opts.kthreads);
	CHECK(opts.tree);
	CHECK_EQ_U64(opts.verbose, 1);
	CHECK_EQ_U64(P("--json", "--quiet", "--threads", "--kthreads"), PL_PARSE_OK);
	CHECK(opts.json && opts.quiet && opts.threads && opts.kthreads);
	CHECK_EQ_U64(P("-jqT"), PL_PARSE_OK);
	CHECK(opts.json && opts.quiet && opts.threads);
}

static void test_pids(void)
{
	CHECK_EQ_U64(P("-p", "1,22,333"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.nr_pids, 3);
	CHECK_EQ_U64(opts.pids[0], 1);
	CHECK_EQ_U64(opts.pids[2], 333);
	CHECK_EQ_U64(P("--pid=7"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.pids[0], 7);
	CHECK_EQ_U64(P("-p", "abc"), PL_PARSE_ERROR);
	CHECK(strstr(err, "'abc'") != NULL);
	CHECK_EQ_U64(P("-p", "0"), PL_PARSE_ERROR);
	CHECK_EQ_U64(P("-p", "-5"), PL_PARSE_ERROR);
	CHECK_EQ_U64(P("-p", "12x"), PL_PARSE_ERROR);
	CHECK_EQ_U64(P("-p", "99999999999"), PL_PARSE_ERROR);
	CHECK_EQ_U64(P("-p", ","), PL_PARSE_ERROR);
}

static void test_comm(void)
{
	CHECK_EQ_U64(P("-c", "bash"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.nr_comms, 1);
	CHECK_EQ_STR(opts.comms[0], "bash");
	CHECK_EQ_U64(P("-c", "123456789012345"), PL_PARSE_OK);
	CHECK_EQ_U64(P("-c", "1234567890123456"), PL_PARSE_ERROR);
	CHECK(strstr(err, "1234567890123456") != NULL);
	CHECK_EQ_U64(P("-c", ""), PL_PARSE_ERROR);
}

/* Repeated and listed names accumulate (any of them), up to 8. */
static void test_comm_list(void)
{
	CHECK_EQ_U64(P("-c", "true", "-c", "echo"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.nr_comms, 2);
	CHECK_EQ_STR(opts.comms[0], "true");
	CHECK_EQ_STR(opts.comms[1], "echo");
	CHECK_EQ_U64(P("-c", "true,echo"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.nr_comms, 2);
	CHECK_EQ_STR(opts.comms[1], "echo");
	CHECK_EQ_U64(P("-c", "a,b", "--comm=c", "-c", "a"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.nr_comms, 3);	/* the repeated a counts once */
	CHECK_EQ_U64(P("-c", "1,2,3,4,5,6,7,8"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.nr_comms, 8);
	CHECK_EQ_U64(P("-c", "1,2,3,4,5,6,7,8", "-c", "9"), PL_PARSE_ERROR);
	CHECK(strstr(err, "at most 8") != NULL);
	CHECK_EQ_U64(P("-c", "a,,b"), PL_PARSE_ERROR);
	CHECK(strstr(err, "empty") != NULL);
	CHECK_EQ_U64(P("-c", "a,"), PL_PARSE_ERROR);
	CHECK_EQ_U64(P("-c", ","), PL_PARSE_ERROR);
	CHECK_EQ_U64(P("-c", "ok,1234567890123456"), PL_PARSE_ERROR);
	CHECK(strstr(err, "'1234567890123456'") != NULL);
}

static void test_uid(void)
{
	CHECK_EQ_U64(P("-u", "1000"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.nr_uids, 1);
	CHECK_EQ_U64(opts.uids[0], 1000);
	CHECK_EQ_U64(P("-u", "root"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.uids[0], 0);
	CHECK_EQ_U64(P("-u", "no-such-user-here"), PL_PARSE_ERROR);
	CHECK(strstr(err, "no-such-user-here") != NULL);
	CHECK_EQ_U64(P("-u", "4294967295"), PL_PARSE_ERROR);
	/* repeated and listed: any of them */
	CHECK_EQ_U64(P("-u", "0", "-u", "nobody"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.nr_uids, 2);
	CHECK_EQ_U64(opts.uids[0], 0);
	CHECK_EQ_U64(opts.uids[1], 65534);
	CHECK_EQ_U64(P("-u", "root,65534,0"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.nr_uids, 2);
	CHECK_EQ_U64(P("-u", "1,2,3,4", "-u", "5,6,7,8,9"), PL_PARSE_ERROR);
	CHECK(strstr(err, "at most 8") != NULL);
	CHECK_EQ_U64(P("-u", "0,,1"), PL_PARSE_ERROR);
}

static void test_output_and_format(void)
{
	CHECK_EQ_U64(P("-o", "t.json"), PL_PARSE_OK);
	CHECK_EQ_STR(opts.outputs[0].path, "t.json");
	CHECK_EQ_U64(opts.outputs[0].format, PL_FMT_JSON);
	CHECK_EQ_U64(P("-o", "t.html"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.outputs[0].format, PL_FMT_HTML);
	CHECK_EQ_U64(P("-o", "t.svg"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.outputs[0].format, PL_FMT_SVG);
	CHECK_EQ_U64(P("-o", "t.jsonl"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.outputs[0].format, PL_FMT_JSONL);
	CHECK_EQ_U64(P("-o", "t.html", "-F", "chrome"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.outputs[0].format, PL_FMT_CHROME);
	CHECK_EQ_U64(P("-F", "json"), PL_PARSE_ERROR);
	CHECK(strstr(err, "-o") != NULL);
	CHECK_EQ_U64(P("-o", "x", "-F", "pdf"), PL_PARSE_ERROR);
	CHECK(strstr(err, "'pdf'") != NULL);
	CHECK_EQ_U64(P("-o", ""), PL_PARSE_ERROR);
}

/* Files are private by default; --output-mode takes an octal mode. */
static void test_output_mode(void)
{
	CHECK_EQ_U64(P("-o", "t.json"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.output_mode, 0600);
	CHECK_EQ_U64(P("--output-mode", "0640", "-o", "t.json"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.output_mode, 0640);
	CHECK_EQ_U64(P("--output-mode=644"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.output_mode, 0644);
	CHECK_EQ_U64(P("--output-mode", "0400"), PL_PARSE_OK);
	CHECK_EQ_U64(P("--output-mode", "0800"), PL_PARSE_ERROR);
	CHECK(strstr(err, "'0800'") != NULL);
	CHECK_EQ_U64(P("--output-mode", "01777"), PL_PARSE_ERROR);
	CHECK_EQ_U64(P("--output-mode", "0040"), PL_PARSE_ERROR);
	CHECK_EQ_U64(P("--output-mode", "rw"), PL_PARSE_ERROR);
	CHECK_EQ_U64(P("--output-mode", ""), PL_PARSE_ERROR);
}

/* -U picks CMD's user; --keep-root keeps root; both need a command. */
static void test_run_user(void)
{
	CHECK_EQ_U64(P("-U", "nobody", "--", "ls"), PL_PARSE_OK);
	CHECK_EQ_STR(opts.run_user, "nobody");
	CHECK(!opts.keep_root);
	CHECK_EQ_U64(P("--user=1000", "--", "ls"), PL_PARSE_OK);
	CHECK_EQ_STR(opts.run_user, "1000");
	CHECK_EQ_U64(P("--keep-root", "--", "ls"), PL_PARSE_OK);
	CHECK(opts.keep_root && !opts.run_user);
	CHECK_EQ_U64(P("-U", "nobody"), PL_PARSE_ERROR);
	CHECK(strstr(err, "needs a command") != NULL);
	CHECK_EQ_U64(P("-U", "nobody", "--keep-root", "--", "ls"), PL_PARSE_ERROR);
	CHECK(strstr(err, "exclude") != NULL);
	CHECK_EQ_U64(P("-U", "", "--", "ls"), PL_PARSE_ERROR);
}

/* -e lists accumulate; --failed, --show-user, --time. */
static void test_view_options(void)
{
	CHECK_EQ_U64(P(NULL), PL_PARSE_OK);
	CHECK_EQ_U64(opts.view.events, SV_ALL);
	CHECK(!opts.view.failed_only && !opts.view.show_user);
	CHECK_EQ_U64(opts.view.time, STREAM_TIME_WALL);
	CHECK_EQ_U64(P("-e", "exec", "--events", "exit,rename"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.view.events, SV_EXEC | SV_EXIT | SV_COMM);
	CHECK(!opts.threads);
	CHECK_EQ_U64(P("-e", "thread"), PL_PARSE_OK);
	CHECK(opts.threads);
	CHECK_EQ_U64(P("-e", "forks"), PL_PARSE_ERROR);
	CHECK(strstr(err, "'forks'") != NULL);
	CHECK_EQ_U64(P("--failed", "--show-user", "--time", "iso"), PL_PARSE_OK);
	CHECK(opts.view.failed_only && opts.view.show_user);
	CHECK_EQ_U64(opts.view.time, STREAM_TIME_ISO);
	CHECK_EQ_U64(P("--time=rel"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.view.time, STREAM_TIME_REL);
	CHECK_EQ_U64(P("--time", "local"), PL_PARSE_ERROR);
	CHECK(strstr(err, "'local'") != NULL);
}

/* Several -o, each with its format: its extension, or the -F after it. */
static void test_several_outputs(void)
{
	CHECK_EQ_U64(P("-o", "a.json", "-o", "b.html", "-o", "c.jsonl", "-o",
		       "d.txt", "-o", "e.json", "-F", "chrome", "-o", "f", "-F",
		       "svg"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.nr_outputs, 6);
	CHECK_EQ_U64(opts.outputs[0].format, PL_FMT_JSON);
	CHECK_EQ_U64(opts.outputs[1].format, PL_FMT_HTML);
	CHECK_EQ_U64(opts.outputs[2].format, PL_FMT_JSONL);
	CHECK_EQ_U64(opts.outputs[3].format, PL_FMT_TEXT);
	CHECK_EQ_U64(opts.outputs[4].format, PL_FMT_CHROME);
	CHECK_EQ_STR(opts.outputs[5].path, "f");
	CHECK_EQ_U64(opts.outputs[5].format, PL_FMT_SVG);
	CHECK(pl_format_live(opts.outputs[2].format) &&
	      pl_format_live(opts.outputs[3].format));
	CHECK(!pl_format_live(opts.outputs[0].format));
	/* the old order still works: -F before the one -o */
	CHECK_EQ_U64(P("-F", "jsonl", "-o", "x"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.outputs[0].format, PL_FMT_JSONL);
	CHECK_EQ_U64(P("-o", "run.log", "-F", "text"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.outputs[0].format, PL_FMT_TEXT);
	CHECK_EQ_U64(P("-o", "a", "-F", "svg", "-F", "html"), PL_PARSE_ERROR);
	CHECK(strstr(err, "already has a format") != NULL);
	CHECK_EQ_U64(P("-F", "svg", "-F", "html", "-o", "a"), PL_PARSE_ERROR);
	CHECK_EQ_U64(P("-o", "a", "-o", "a"), PL_PARSE_ERROR);
	CHECK(strstr(err, "twice") != NULL);
	CHECK_EQ_U64(P("-o", "1", "-o", "2", "-o", "3", "-o", "4", "-o", "5",
		       "-o", "6", "-o", "7", "-o", "8", "-o", "9"), PL_PARSE_ERROR);
	CHECK(strstr(err, "at most 8") != NULL);
	CHECK_EQ_U64(P("-o", "a.svg", "-o", "-", "-F", "jsonl"), PL_PARSE_OK);
	CHECK(opts.quiet);
}

/* -o - is standard output: the document replaces the live stream there. */
static void test_output_stdout(void)
{
	CHECK_EQ_U64(P("-o", "-"), PL_PARSE_OK);
	CHECK_EQ_STR(opts.outputs[0].path, "-");
	CHECK_EQ_U64(opts.outputs[0].format, PL_FMT_JSON);
	CHECK(opts.quiet);
	CHECK_EQ_U64(P("-o", "-", "-F", "html"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.outputs[0].format, PL_FMT_HTML);
	CHECK_EQ_U64(P("-q", "-j", "-o", "-"), PL_PARSE_OK);
	CHECK_EQ_U64(P("-j", "-o", "-"), PL_PARSE_ERROR);
	CHECK(strstr(err, "standard output") != NULL);
}

static void test_duration(void)
{
	CHECK_EQ_U64(P("-d", "2.5"), PL_PARSE_OK);
	CHECK(opts.duration > 2.49 && opts.duration < 2.51);
	CHECK_EQ_U64(P("-d", "0"), PL_PARSE_ERROR);
	CHECK_EQ_U64(P("-d", "-1"), PL_PARSE_ERROR);
	CHECK_EQ_U64(P("-d", "soon"), PL_PARSE_ERROR);
	CHECK(strstr(err, "'soon'") != NULL);
	CHECK_EQ_U64(P("-d", "nan"), PL_PARSE_ERROR);
}

static void test_ringbuf_and_argv_bytes(void)
{
	CHECK_EQ_U64(P("--ringbuf-size", "64K"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.ringbuf_size, 65536);
	CHECK_EQ_U64(P("--ringbuf-size", "2MiB"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.ringbuf_size, 2 << 20);
	CHECK_EQ_U64(P("--ringbuf-size", "4096"), PL_PARSE_OK);
	CHECK_EQ_U64(P("--ringbuf-size", "1000"), PL_PARSE_ERROR);
	CHECK_EQ_U64(P("--ringbuf-size", "3M"), PL_PARSE_ERROR);
	CHECK_EQ_U64(P("--ringbuf-size", "2G"), PL_PARSE_ERROR);
	CHECK_EQ_U64(P("--argv-bytes", "16384"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.argv_bytes, 16384);
	CHECK_EQ_U64(P("--argv-bytes", "16385"), PL_PARSE_ERROR);
	CHECK_EQ_U64(P("--argv-bytes", "x"), PL_PARSE_ERROR);
}

static void test_command(void)
{
	CHECK_EQ_U64(P("-j", "--", "make", "-j8", "--tree"), PL_PARSE_OK);
	REQUIRE(opts.command != NULL);
	CHECK_EQ_STR(opts.command[0], "make");
	CHECK_EQ_STR(opts.command[1], "-j8");
	CHECK_EQ_STR(opts.command[2], "--tree");	/* CMD's, not ours */
	CHECK(!opts.tree);
	CHECK(opts.command[3] == NULL);
	CHECK_EQ_U64(P("--"), PL_PARSE_ERROR);
	CHECK_EQ_U64(P("make"), PL_PARSE_ERROR);
	CHECK(strstr(err, "'make'") != NULL);
	CHECK_EQ_U64(P("-p", "1", "--", "ls"), PL_PARSE_ERROR);
	/* the separator is never taken as an option's value */
	CHECK_EQ_U64(P("-o", "--", "ls"), PL_PARSE_ERROR);
	CHECK(strstr(err, "-o") != NULL);
	CHECK_EQ_U64(P("-c", "--", "ls"), PL_PARSE_ERROR);
}

static void test_unknown_and_missing(void)
{
	CHECK_EQ_U64(P("--bogus"), PL_PARSE_ERROR);
	CHECK(strstr(err, "--bogus") != NULL);
	CHECK_EQ_U64(P("-Z"), PL_PARSE_ERROR);
	CHECK(strstr(err, "-Z") != NULL);
	CHECK_EQ_U64(P("-p"), PL_PARSE_ERROR);
	CHECK(strstr(err, "-p") != NULL);
	CHECK_EQ_U64(P("--output"), PL_PARSE_ERROR);
}

static void test_reparse_is_clean(void)
{
	CHECK_EQ_U64(P("-p", "5", "-j"), PL_PARSE_OK);
	CHECK_EQ_U64(P("-q"), PL_PARSE_OK);
	CHECK_EQ_U64(opts.nr_pids, 0);	/* nothing left from the last parse */
	CHECK(!opts.json);
}

int main(void)
{
	RUN(test_defaults);
	RUN(test_short_and_long_flags);
	RUN(test_pids);
	RUN(test_comm);
	RUN(test_comm_list);
	RUN(test_uid);
	RUN(test_output_and_format);
	RUN(test_output_stdout);
	RUN(test_output_mode);
	RUN(test_run_user);
	RUN(test_view_options);
	RUN(test_several_outputs);
	RUN(test_duration);
	RUN(test_ringbuf_and_argv_bytes);
	RUN(test_command);
	RUN(test_unknown_and_missing);
	RUN(test_reparse_is_clean);
	return CHECK_DONE();
}
