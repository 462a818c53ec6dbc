// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "model/container.h"

#ifndef PROCLIFE_VERSION
#define PROCLIFE_VERSION "dev"
#endif

#define RINGBUF_DEFAULT	(4ULL << 20)	/* 0 lost over a 60 s storm here; its RSS counts twice */
#define RINGBUF_MIN	(4096ULL)
#define RINGBUF_MAX	(1ULL << 30)

enum {
	OPT_TREE = 256,
	OPT_RINGBUF,
	OPT_ARGV_BYTES,
	OPT_BTF,
	OPT_STATES,
	OPT_NO_SCHED,
	OPT_HOOKS,
	OPT_SUMMARY,
	OPT_OUTPUT_MODE,
	OPT_KEEP_ROOT,
	OPT_FAILED,
	OPT_SHOW_USER,
	OPT_TIME,
	OPT_SERVICE,
	OPT_ROTATE_SIZE,
	OPT_ROTATE_AGE,
	OPT_ROTATE_KEEP,
	OPT_MAX_PROCS,
	OPT_CGROUP,
	OPT_CONTAINER,
	OPT_PIDNS,
};

#define ROTATE_KEEP_DEFAULT	10
#define ROTATE_KEEP_MAX		10000

#define OUTPUT_MODE_DEFAULT 0600	/* as perf.data: command lines are private */

static const char usage_text[] =
"Usage: proclife [OPTIONS]                 trace live until Ctrl-C, SIGTERM, SIGHUP or -d\n"
"       proclife [OPTIONS] -- CMD [ARG...] run CMD, trace it and its descendants\n"
"       proclife report FILE.jsonl [-o OUT]... [--tree] [--summary]\n"
"                                          rebuild a recorded trace's outputs\n"
"\n"
"Trace process lifecycles: fork, exec, exit, reparent and reap, with who\n"
"started each process, how it ended and who reaped it.\n"
"\n"
"Selection (a task that matches stays traced for life, with its descendants):\n"
"  -p, --pid PID[,PID...]  only these processes and their descendants\n"
"  -c, --comm NAME[,NAME...]  only tasks named NAME (at most 15 bytes);\n"
"                          repeat or list up to 8 names: any of them\n"
"  -u, --uid USER[,USER...]  only tasks of this user (real uid; name or\n"
"                          number); repeat or list up to 8: any of them\n"
"      --cgroup PATH       only tasks in cgroup PATH or below it (a path\n"
"                          from the cgroup root, or a directory of a mount)\n"
"      --container ID      only tasks of the container whose id starts\n"
"                          with ID (a unique prefix, as docker takes it)\n"
"      --pidns INUM        only tasks in pid namespace INUM (its inode, or\n"
"                          /proc/PID/ns/pid) or one nested in it\n"
"  -K, --kthreads          include kernel threads\n"
"  -T, --threads           show thread events in the stream\n"
"\n"
"Output:\n"
"  -j, --json              stream JSON Lines instead of text\n"
"  -q, --quiet             no live stream\n"
"  -e, --events LIST       events the stream shows: fork, thread, exec, exit,\n"
"                          reap, reparent, rename, lost, state, cgroup_move,\n"
"                          all (default)\n"
"      --failed            the stream shows only failed execs, exits that\n"
"                          are not 0 or by a signal, and losses\n"
"      --show-user         a USER column in the text stream, \"user\" in JSON\n"
"      --time FMT          text stream times: wall (default), rel (seconds\n"
"                          since the start) or iso (UTC)\n"
"  -o, --output FILE       write the trace to FILE ('-': standard output, in\n"
"                          place of the live stream); repeat for several\n"
"  -F, --format FMT        format of the -o before it: json (timeline,\n"
"                          default), chrome (Perfetto), svg, html, written\n"
"                          at the end; jsonl (every event) and text (the\n"
"                          stream), written as events come; taken from\n"
"                          FILE's extension (.jsonl .html .svg .txt) if not\n"
"                          given\n"
"      --output-mode MODE  mode of the files written, octal (default 0600:\n"
"                          they hold every traced command line); e.g. 0640\n"
"      --tree              print the process tree at the end\n"
"      --summary           print the top processes by CPU, run-queue wait\n"
"                          and D state at the end\n"
"\n"
"Command mode (started through sudo, CMD runs as the user who ran sudo, with\n"
"their groups, and the files written are theirs):\n"
"  -U, --user USER         run CMD as USER (name or uid) and their groups\n"
"      --keep-root         run CMD as root and keep the files root's\n"
"\n"
"Control:\n"
"      --service           long-running: SIGHUP reopens the live files\n"
"                          (logrotate) instead of ending the trace; only\n"
"                          live files (jsonl, text), no document\n"
"      --rotate-size SIZE  rotate each live file past SIZE (K/M/G suffix):\n"
"                          FILE -> FILE.1 -> FILE.2 ...; implies --service\n"
"      --rotate-age SEC    rotate each live file every SEC seconds; implies\n"
"                          --service\n"
"      --rotate-keep N     rotated files kept (default 10)\n"
"  -d, --duration SEC      stop after SEC seconds; with CMD, as timeout(1):\n"
"                          CMD gets SIGTERM (SIGKILL 5 s later) and its end\n"
"                          is traced\n"
"      --ringbuf-size SIZE ring buffer size (power of two, K/M/G suffix;\n"
"                          default 4M, 4K to 1G)\n"
"      --argv-bytes N      argv bytes kept per exec (default 4096, max 16384)\n"
"      --max-procs N       live processes the kernel side keeps track of\n"
"                          (default 65536, 16 to 4194304; past it, counted)\n"
"      --no-sched          no scheduler accounting (sched_switch untouched)\n"
"      --states            record every scheduler state change (costlier)\n"
"      --hooks KIND        auto (default), fentry or tracepoint: how reaps\n"
"                          and failed execs are caught (-v says which)\n"
"      --btf PATH          relocate against this BTF file instead of the\n"
"                          kernel's (testing); the kernel's own BTF is\n"
"                          still required\n"
"  -v, --verbose           show libbpf's log\n"
"  -h, --help              this help\n"
"  -V, --version           version\n"
"\n"
"Exit status: 0 done, 1 runtime failure, 2 usage error; with CMD, CMD's\n"
"status (128+N if a signal N killed it).\n"
"\n"
"Examples:\n"
"  sudo proclife                      trace every process until Ctrl-C\n"
"  sudo proclife -j -- make -j8       trace a build, as JSON Lines\n"
"  sudo proclife -p 1234 -o t.json    trace pid 1234's tree, save a timeline\n"
"  sudo proclife -c cron --tree       trace cron and what it starts\n"
"  sudo proclife --container 3f2a9c   trace one container's processes\n";

void pl_print_usage(void)
{
	fputs(usage_text, stdout);
}

static void set_err(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
}

static bool parse_u64(const char *s, unsigned long long *out)
{
	char *end;

	if (!*s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return !errno && !*end;
}

static int parse_pids(const char *arg, struct pl_options *o, char *err,
		      size_t size)
{
	char buf[1024], *tok, *save = NULL;

	if (strlen(arg) >= sizeof(buf)) {
		set_err(err, size, "-p: list too long");
		return -1;
	}
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned long long pid;

		if (!parse_u64(tok, &pid) || pid == 0 || pid > INT_MAX) {
			set_err(err, size, "-p: '%s' is not a process id", tok);
			return -1;
		}
		if (o->nr_pids == PL_MAX_PIDS) {
			set_err(err, size, "-p: at most %d pids", PL_MAX_PIDS);
			return -1;
		}
		o->pids[o->nr_pids++] = (uint32_t)pid;
	}
	if (!o->nr_pids) {
		set_err(err, size, "-p: '%s' names no process id", arg);
		return -1;
	}
	return 0;
}

/* Call add for each comma-separated item of arg; an empty one is an error. */
static int each_item(const char *opt, const char *arg, struct pl_options *o,
		     int (*add)(const char *item, struct pl_options *o,
				char *err, size_t size),
		     char *err, size_t size)
{
	char buf[1024], *tok, *save = NULL;
	size_t len = strlen(arg);

	if (len >= sizeof(buf)) {
		set_err(err, size, "%s: list too long", opt);
		return -1;
	}
	if (!len || arg[0] == ',' || arg[len - 1] == ',' || strstr(arg, ",,")) {
		set_err(err, size, "%s: '%s' has an empty item", opt, arg);
		return -1;
	}
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (add(tok, o, err, size))
			return -1;
	return 0;
}

static int add_comm(const char *name, struct pl_options *o, char *err,
		    size_t size)
{
	if (strlen(name) >= PL_COMM_LEN) {
		set_err(err, size, "-c: '%s' is not a comm (1 to %d bytes)",
			name, PL_COMM_LEN - 1);
		return -1;
	}
	for (unsigned int i = 0; i < o->nr_comms; i++)
		if (!strcmp(o->comms[i], name))
			return 0;
	if (o->nr_comms == PL_MAX_COMMS) {
		set_err(err, size, "-c: at most %d names", PL_MAX_COMMS);
		return -1;
	}
	strcpy(o->comms[o->nr_comms++], name);
	return 0;
}

static int add_uid(const char *arg, struct pl_options *o, char *err,
		   size_t size)
{
	unsigned long long uid;
	struct passwd *pw;

	if (parse_u64(arg, &uid)) {
		if (uid >= UINT32_MAX) {
			set_err(err, size, "-u: '%s' is not a uid", arg);
			return -1;
		}
	} else {
		pw = getpwnam(arg);
		if (!pw) {
			set_err(err, size, "-u: no user '%s'", arg);
			return -1;
		}
		uid = pw->pw_uid;
	}
	for (unsigned int i = 0; i < o->nr_uids; i++)
		if (o->uids[i] == uid)
			return 0;
	if (o->nr_uids == PL_MAX_UIDS) {
		set_err(err, size, "-u: at most %d users", PL_MAX_UIDS);
		return -1;
	}
	o->uids[o->nr_uids++] = (uint32_t)uid;
	return 0;
}

static int parse_size(const char *arg, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)*arg))
		return -1;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	default: break;
	}
	if (*end == 'i' || *end == 'B')
		end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
	if (*end)
		return -1;
	*out = v;
	return 0;
}

/* An octal file mode, 0 to 0777, that leaves the owner able to read. */
static int parse_mode(const char *arg, unsigned int *mode)
{
	unsigned long v;
	char *end;

	if (!*arg || strspn(arg, "01234567") != strlen(arg) || strlen(arg) > 4)
		return -1;
	v = strtoul(arg, &end, 8);
	if (*end || v > 0777 || !(v & 0400))
		return -1;
	*mode = (unsigned int)v;
	return 0;
}

static int parse_format(const char *arg, enum pl_format *fmt)
{
	static const char *const names[] = {
		[PL_FMT_JSON] = "json", [PL_FMT_JSONL] = "jsonl",
		[PL_FMT_CHROME] = "chrome", [PL_FMT_SVG] = "svg",
		[PL_FMT_HTML] = "html", [PL_FMT_TEXT] = "text",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(arg, names[i])) {
			*fmt = (enum pl_format)i;
			return 0;
		}
	}
	return -1;
}

const char *pl_format_name(enum pl_format fmt)
{
	switch (fmt) {
	case PL_FMT_JSON: return "json";
	case PL_FMT_JSONL: return "jsonl";
	case PL_FMT_CHROME: return "chrome";
	case PL_FMT_SVG: return "svg";
	case PL_FMT_HTML: return "html";
	case PL_FMT_TEXT: return "text";
	}
	return "?";
}

/* -F follows the file name when not given: x.html means html, x.txt the
 * text stream; .json and anything else the timeline document. */
static void format_from_name(struct pl_output *out)
{
	const char *dot = strrchr(out->path, '.');
	enum pl_format fmt;

	if (out->format_set || !dot)
		return;
	if (!strcmp(dot, ".txt")) {
		out->format = PL_FMT_TEXT;
		return;
	}
	if (!parse_format(dot + 1, &fmt) && fmt != PL_FMT_CHROME &&
	    fmt != PL_FMT_TEXT)
		out->format = fmt;
}

/*
 * Long-running mode writes live files only: a document, --tree and
 * --summary come at the end and would hold every process in memory until
 * then (render them later from the record: proclife report).
 */
static int check_service(const struct pl_options *o, char *err, size_t size)
{
	bool live_file = false;

	if (o->command) {
		set_err(err, size, "--service and --rotate-* are for a live trace, not a command");
		return -1;
	}
	for (unsigned int i = 0; i < o->nr_outputs; i++) {
		if (!pl_format_live(o->outputs[i].format)) {
			set_err(err, size,
				"--service: '%s' is a document, written at the end: record JSON Lines and render it with proclife report",
				o->outputs[i].path);
			return -1;
		}
		live_file |= strcmp(o->outputs[i].path, "-") != 0;
	}
	if (o->tree || o->summary) {
		set_err(err, size,
			"--service: --tree and --summary come at the end: render them from the record with proclife report");
		return -1;
	}
	if (!live_file) {
		set_err(err, size,
			"--service and --rotate-* need a live file: -o FILE.jsonl or -o FILE.txt");
		return -1;
	}
	return 0;
}

/* -o FILE: a new output; a -F given before any -o is its format. */
static int add_output(struct pl_options *o, const char *path,
		      const struct pl_output *pending, char *err, size_t size)
{
	struct pl_output *out;

	if (!*path) {
		set_err(err, size, "-o: empty file name");
		return -1;
	}
	for (unsigned int i = 0; i < o->nr_outputs; i++) {
		if (!strcmp(o->outputs[i].path, path)) {
			set_err(err, size, "-o: '%s' given twice", path);
			return -1;
		}
	}
	if (o->nr_outputs == PL_MAX_OUTPUTS) {
		set_err(err, size, "-o: at most %d outputs", PL_MAX_OUTPUTS);
		return -1;
	}
	out = &o->outputs[o->nr_outputs++];
	out->path = path;
	out->format = pending->format_set ? pending->format : PL_FMT_JSON;
	out->format_set = pending->format_set;
	return 0;
}

static const struct option long_opts[] = {
	{ "pid", required_argument, NULL, 'p' },
	{ "comm", required_argument, NULL, 'c' },
	{ "uid", required_argument, NULL, 'u' },
	{ "threads", no_argument, NULL, 'T' },
	{ "kthreads", no_argument, NULL, 'K' },
	{ "json", no_argument, NULL, 'j' },
	{ "output", required_argument, NULL, 'o' },
	{ "format", required_argument, NULL, 'F' },
	{ "duration", required_argument, NULL, 'd' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "tree", no_argument, NULL, OPT_TREE },
	{ "states", no_argument, NULL, OPT_STATES },
	{ "no-sched", no_argument, NULL, OPT_NO_SCHED },
	{ "hooks", required_argument, NULL, OPT_HOOKS },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "output-mode", required_argument, NULL, OPT_OUTPUT_MODE },
	{ "user", required_argument, NULL, 'U' },
	{ "keep-root", no_argument, NULL, OPT_KEEP_ROOT },
	{ "events", required_argument, NULL, 'e' },
	{ "failed", no_argument, NULL, OPT_FAILED },
	{ "show-user", no_argument, NULL, OPT_SHOW_USER },
	{ "time", required_argument, NULL, OPT_TIME },
	{ "service", no_argument, NULL, OPT_SERVICE },
	{ "rotate-size", required_argument, NULL, OPT_ROTATE_SIZE },
	{ "rotate-age", required_argument, NULL, OPT_ROTATE_AGE },
	{ "rotate-keep", required_argument, NULL, OPT_ROTATE_KEEP },
	{ "ringbuf-size", required_argument, NULL, OPT_RINGBUF },
	{ "argv-bytes", required_argument, NULL, OPT_ARGV_BYTES },
	{ "btf", required_argument, NULL, OPT_BTF },
	{ "max-procs", required_argument, NULL, OPT_MAX_PROCS },
	{ "cgroup", required_argument, NULL, OPT_CGROUP },
	{ "container", required_argument, NULL, OPT_CONTAINER },
	{ "pidns", required_argument, NULL, OPT_PIDNS },
	{ NULL, 0, NULL, 0 },
};

enum pl_parse_result pl_parse_args(int argc, char **argv,
				   struct pl_options *o,
				   char *err, size_t size)
{
	unsigned long long n;
	struct pl_output pending = { 0 };	/* a -F before any -o */
	bool events_set = false;
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	o->pidns = -1;
	o->ringbuf_size = RINGBUF_DEFAULT;
	o->argv_bytes = PL_ARGV_DEFAULT;
	o->output_mode = OUTPUT_MODE_DEFAULT;
	stream_view_default(&o->view);
	o->rotate_keep = ROTATE_KEEP_DEFAULT;
	o->max_procs = PL_MAX_PROCS;
	err[0] = '\0';

	optind = 0;	/* full reset: parse may run more than once */
	opterr = 0;
	/* '+': stop at the first non-option, so CMD's options stay CMD's */
	while ((c = getopt_long(argc, argv, "+:p:c:u:TKjo:F:d:qvhVU:e:",
				long_opts, NULL)) != -1) {
		/* "-o -- CMD": the separator is not a value */
		if (optarg && !strcmp(optarg, "--")) {
			set_err(err, size, "option '%s' needs a value",
				argv[optind - 2]);
			return PL_PARSE_ERROR;
		}
		switch (c) {
		case 'p':
			if (parse_pids(optarg, o, err, size))
				return PL_PARSE_ERROR;
			break;
		case 'c':
			if (!*optarg) {
				set_err(err, size,
					"-c: '' is not a comm (1 to %d bytes)",
					PL_COMM_LEN - 1);
				return PL_PARSE_ERROR;
			}
			if (each_item("-c", optarg, o, add_comm, err, size))
				return PL_PARSE_ERROR;
			break;
		case 'u':
			if (each_item("-u", optarg, o, add_uid, err, size))
				return PL_PARSE_ERROR;
			break;
		case 'T': o->threads = true; break;
		case 'K': o->kthreads = true; break;
		case 'j': o->json = true; break;
		case 'q': o->quiet = true; break;
		case 'v': o->verbose++; break;
		case OPT_TREE: o->tree = true; break;
		case OPT_STATES: o->states = true; break;
		case OPT_NO_SCHED: o->no_sched = true; break;
		case OPT_HOOKS:
			if (!strcmp(optarg, "auto")) {
				o->hooks = PL_HOOKS_AUTO;
			} else if (!strcmp(optarg, "fentry")) {
				o->hooks = PL_HOOKS_FENTRY;
			} else if (!strcmp(optarg, "tracepoint")) {
				o->hooks = PL_HOOKS_TRACEPOINT;
			} else {
				set_err(err, size,
					"--hooks: unknown kind '%s' (auto, fentry, tracepoint)",
					optarg);
				return PL_PARSE_ERROR;
			}
			break;
		case OPT_SUMMARY: o->summary = true; break;
		case 'o':
			if (add_output(o, optarg, &pending, err, size))
				return PL_PARSE_ERROR;
			pending.format_set = false;
			break;
		case 'F': {
			/* the -o before it; before any -o, the next one */
			struct pl_output *to = o->nr_outputs ?
				&o->outputs[o->nr_outputs - 1] : &pending;

			if (to->format_set && o->nr_outputs) {
				set_err(err, size,
					"-F: '%s' already has a format (one -F after each -o)",
					to->path);
				return PL_PARSE_ERROR;
			}
			if (to->format_set) {
				set_err(err, size, "-F given twice before -o");
				return PL_PARSE_ERROR;
			}
			if (parse_format(optarg, &to->format)) {
				set_err(err, size,
					"-F: unknown format '%s' (json, jsonl, chrome, svg, html, text)",
					optarg);
				return PL_PARSE_ERROR;
			}
			to->format_set = true;
			break;
		}
		case 'd':
			errno = 0;
			o->duration = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(o->duration > 0) ||
			    o->duration > 1e9) {
				set_err(err, size,
					"-d: '%s' is not a positive number of seconds",
					optarg);
				return PL_PARSE_ERROR;
			}
			break;
		case OPT_RINGBUF:
			if (parse_size(optarg, &o->ringbuf_size) ||
			    o->ringbuf_size < RINGBUF_MIN ||
			    o->ringbuf_size > RINGBUF_MAX ||
			    (o->ringbuf_size & (o->ringbuf_size - 1))) {
				set_err(err, size,
					"--ringbuf-size: '%s' is not a power of two from 4K to 1G",
					optarg);
				return PL_PARSE_ERROR;
			}
			break;
		case OPT_ARGV_BYTES:
			if (!parse_u64(optarg, &n) || n < 16 || n > PL_ARGV_MAX) {
				set_err(err, size,
					"--argv-bytes: '%s' is not a number from 16 to %d",
					optarg, PL_ARGV_MAX);
				return PL_PARSE_ERROR;
			}
			o->argv_bytes = (uint32_t)n;
			break;
		case 'e': {
			uint32_t bits;
			char bad[64];

			if (stream_view_parse_events(optarg, &bits, bad,
						     sizeof(bad))) {
				set_err(err, size,
					"-e: unknown event '%s' (fork, thread, exec, exit, reap, reparent, rename, lost, state, cgroup_move, all)",
					bad);
				return PL_PARSE_ERROR;
			}
			/* repeated -e accumulate, like -c and -u */
			o->view.events = events_set ? o->view.events | bits : bits;
			events_set = true;
			/* thread events are what -T shows */
			if (o->view.events & SV_THREAD)
				o->threads = true;
			break;
		}
		case OPT_SERVICE: o->service = true; break;
		case OPT_ROTATE_SIZE:
			if (parse_size(optarg, &o->rotate_size) ||
			    o->rotate_size < 4096) {
				set_err(err, size,
					"--rotate-size: '%s' is not a size of 4K or more (K/M/G suffix)",
					optarg);
				return PL_PARSE_ERROR;
			}
			o->service = true;
			break;
		case OPT_ROTATE_AGE:
			errno = 0;
			o->rotate_age = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(o->rotate_age >= 1) ||
			    o->rotate_age > 1e9) {
				set_err(err, size,
					"--rotate-age: '%s' is not a number of seconds from 1",
					optarg);
				return PL_PARSE_ERROR;
			}
			o->service = true;
			break;
		case OPT_ROTATE_KEEP:
			if (!parse_u64(optarg, &n) || n < 1 || n > ROTATE_KEEP_MAX) {
				set_err(err, size,
					"--rotate-keep: '%s' is not a number from 1 to %d",
					optarg, ROTATE_KEEP_MAX);
				return PL_PARSE_ERROR;
			}
			o->rotate_keep = (unsigned int)n;
			break;
		case OPT_FAILED: o->view.failed_only = true; break;
		case OPT_SHOW_USER: o->view.show_user = true; break;
		case OPT_TIME:
			if (stream_view_parse_time(optarg, &o->view.time)) {
				set_err(err, size,
					"--time: '%s' is not wall, rel or iso", optarg);
				return PL_PARSE_ERROR;
			}
			break;
		case 'U':
			if (!*optarg) {
				set_err(err, size, "-U: empty user name");
				return PL_PARSE_ERROR;
			}
			o->run_user = optarg;
			break;
		case OPT_KEEP_ROOT:
			o->keep_root = true;
			break;
		case OPT_OUTPUT_MODE:
			if (parse_mode(optarg, &o->output_mode)) {
				set_err(err, size,
					"--output-mode: '%s' is not an octal mode from 0400 to 0777 that lets the owner read it",
					optarg);
				return PL_PARSE_ERROR;
			}
			break;
		case OPT_BTF:
			o->btf_path = optarg;
			break;
		case OPT_MAX_PROCS:
			if (!parse_u64(optarg, &n) || n < 16 || n > (1 << 22)) {
				set_err(err, size,
					"--max-procs: '%s' is not a number from 16 to %d",
					optarg, 1 << 22);
				return PL_PARSE_ERROR;
			}
			o->max_procs = (uint32_t)n;
			break;
		case OPT_CGROUP:
			if (optarg[0] != '/') {
				set_err(err, size,
					"--cgroup: '%s' is not an absolute path",
					optarg);
				return PL_PARSE_ERROR;
			}
			o->cgroup = optarg;
			break;
		case OPT_CONTAINER:
			if (!pl_container_prefix_valid(optarg)) {
				set_err(err, size,
					"--container: '%s' is not a container id (1 to 64 lowercase hex digits)",
					optarg);
				return PL_PARSE_ERROR;
			}
			o->container = optarg;
			break;
		case OPT_PIDNS:
			o->pidns_arg = optarg;
			if (optarg[0] == '/')
				break;	/* a namespace file: main.c stats it */
			if (!parse_u64(optarg, &n) || n == 0 || n > UINT32_MAX) {
				set_err(err, size,
					"--pidns: '%s' is not a namespace inode number (or /proc/PID/ns/pid)",
					optarg);
				return PL_PARSE_ERROR;
			}
			o->pidns = (long long)n;
			break;
		case 'h':
			pl_print_usage();
			return PL_PARSE_EXIT;
		case 'V':
			printf("proclife %s\n", PROCLIFE_VERSION);
			return PL_PARSE_EXIT;
		case ':':
			set_err(err, size, "option '%s' needs a value",
				argv[optind - 1]);
			return PL_PARSE_ERROR;
		default:
			if (optopt)
				set_err(err, size, "unknown option '-%c'", optopt);
			else
				set_err(err, size, "unknown option '%s'",
					argv[optind - 1]);
			return PL_PARSE_ERROR;
		}
	}

	if (optind < argc) {
		/* getopt leaves "--" consumed; anything left is CMD */
		if (strcmp(argv[optind - 1], "--")) {
			set_err(err, size,
				"unexpected argument '%s' (put a command after --)",
				argv[optind]);
			return PL_PARSE_ERROR;
		}
		o->command = &argv[optind];
	} else if (optind > 0 && optind <= argc &&
		   !strcmp(argv[optind - 1], "--")) {
		set_err(err, size, "no command after --");
		return PL_PARSE_ERROR;
	}
	if (pending.format_set) {
		set_err(err, size, "-F needs -o FILE");
		return PL_PARSE_ERROR;
	}
	for (unsigned int i = 0; i < o->nr_outputs; i++) {
		format_from_name(&o->outputs[i]);
		if (strcmp(o->outputs[i].path, "-"))
			continue;
		/* one standard output: the output takes it from the stream */
		if (o->json && !o->quiet) {
			set_err(err, size,
				"-o - and the -j stream both write to standard output (add -q)");
			return PL_PARSE_ERROR;
		}
		o->quiet = true;
	}
	if (o->service && check_service(o, err, size))
		return PL_PARSE_ERROR;
	if (o->run_user && !o->command) {
		set_err(err, size, "-U needs a command (-- CMD)");
		return PL_PARSE_ERROR;
	}
	if (o->run_user && o->keep_root) {
		set_err(err, size, "-U and --keep-root exclude each other");
		return PL_PARSE_ERROR;
	}
	if (o->command && o->nr_pids) {
		set_err(err, size, "-p and a command exclude each other");
		return PL_PARSE_ERROR;
	}
	return PL_PARSE_OK;
}
