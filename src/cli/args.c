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
	OPT_MAX_PROCS,
	OPT_CGROUP,
	OPT_CONTAINER,
	OPT_PIDNS,
};

static const char usage_text[] =
"Usage: proclife [OPTIONS]                 trace live until Ctrl-C, SIGTERM or -d\n"
"       proclife [OPTIONS] -- CMD [ARG...] run CMD, trace it and its descendants\n"
"\n"
"Trace process lifecycles: fork, exec, exit, reparent and reap, with who\n"
"started each process, how it ended and who reaped it.\n"
"\n"
"Selection (a task that matches stays traced for life, with its descendants):\n"
"  -p, --pid PID[,PID...]  only these processes and their descendants\n"
"  -c, --comm NAME         only tasks named NAME (at most 15 bytes)\n"
"  -u, --uid UID|USER      only tasks of this user (real uid)\n"
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
"  -o, --output FILE       write the whole trace to FILE at the end\n"
"  -F, --format FMT        format of FILE: json (timeline, default), jsonl,\n"
"                          chrome (Perfetto / chrome://tracing), svg, html\n"
"      --tree              print the process tree at the end\n"
"      --summary           print the top processes by CPU, run-queue wait\n"
"                          and D state at the end\n"
"\n"
"Control:\n"
"  -d, --duration SEC      stop after SEC seconds\n"
"      --ringbuf-size SIZE ring buffer size (power of two, K/M/G suffix;\n"
"                          default 4M, 4K to 1G)\n"
"      --argv-bytes N      argv bytes kept per exec (default 4096, max 16384)\n"
"      --max-procs N       live processes the kernel side keeps track of\n"
"                          (default 65536, 16 to 4194304; past it, counted)\n"
"      --no-sched          no scheduler accounting (sched_switch untouched)\n"
"      --states            record every scheduler state change (costlier)\n"
"      --hooks KIND        auto (default), fentry or tracepoint: how reaps\n"
"                          and failed execs are caught (-v says which)\n"
"      --btf PATH          kernel BTF file (default /sys/kernel/btf/vmlinux)\n"
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

static int parse_uid(const char *arg, struct pl_options *o, char *err,
		     size_t size)
{
	unsigned long long uid;
	struct passwd *pw;

	if (parse_u64(arg, &uid)) {
		if (uid >= UINT32_MAX) {
			set_err(err, size, "-u: '%s' is not a uid", arg);
			return -1;
		}
		o->uid = (long long)uid;
		return 0;
	}
	pw = getpwnam(arg);
	if (!pw) {
		set_err(err, size, "-u: no user '%s'", arg);
		return -1;
	}
	o->uid = pw->pw_uid;
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

static int parse_format(const char *arg, enum pl_format *fmt)
{
	static const char *const names[] = {
		[PL_FMT_JSON] = "json", [PL_FMT_JSONL] = "jsonl",
		[PL_FMT_CHROME] = "chrome", [PL_FMT_SVG] = "svg",
		[PL_FMT_HTML] = "html",
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
	}
	return "?";
}

/* -F follows the file name when not given: x.html means html. */
static void format_from_name(struct pl_options *o)
{
	const char *dot = o->output ? strrchr(o->output, '.') : NULL;
	enum pl_format fmt;

	if (o->format_set || !dot)
		return;
	if (!strcmp(dot, ".json"))
		return;
	if (!parse_format(dot + 1, &fmt) && fmt != PL_FMT_CHROME)
		o->format = fmt;
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
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	o->uid = -1;
	o->pidns = -1;
	o->ringbuf_size = RINGBUF_DEFAULT;
	o->argv_bytes = PL_ARGV_DEFAULT;
	o->max_procs = PL_MAX_PROCS;
	err[0] = '\0';

	optind = 0;	/* full reset: parse may run more than once */
	opterr = 0;
	/* '+': stop at the first non-option, so CMD's options stay CMD's */
	while ((c = getopt_long(argc, argv, "+:p:c:u:TKjo:F:d:qvhV",
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
			if (!*optarg || strlen(optarg) >= PL_COMM_LEN) {
				set_err(err, size,
					"-c: '%s' is not a comm (1 to %d bytes)",
					optarg, PL_COMM_LEN - 1);
				return PL_PARSE_ERROR;
			}
			strcpy(o->comm, optarg);
			break;
		case 'u':
			if (parse_uid(optarg, o, err, size))
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
			if (!*optarg) {
				set_err(err, size, "-o: empty file name");
				return PL_PARSE_ERROR;
			}
			o->output = optarg;
			break;
		case 'F':
			if (parse_format(optarg, &o->format)) {
				set_err(err, size,
					"-F: unknown format '%s' (json, jsonl, chrome, svg, html)",
					optarg);
				return PL_PARSE_ERROR;
			}
			o->format_set = true;
			break;
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
	if (o->format_set && !o->output) {
		set_err(err, size, "-F needs -o FILE");
		return PL_PARSE_ERROR;
	}
	if (o->command && o->nr_pids) {
		set_err(err, size, "-p and a command exclude each other");
		return PL_PARSE_ERROR;
	}
	format_from_name(o);
	return PL_PARSE_OK;
}
