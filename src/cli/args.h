/* SPDX-License-Identifier: GPL-2.0 */
/* Command-line options: parsed and checked before anything is attached. */
#ifndef PL_ARGS_H
#define PL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proclife.h"
#include "sinks/stream_view.h"

#define PL_MAX_PIDS 64

enum pl_format {
	PL_FMT_JSON = 0,
	PL_FMT_JSONL,
	PL_FMT_CHROME,
	PL_FMT_SVG,
	PL_FMT_HTML,
	PL_FMT_TEXT,		/* the text stream, written live */
};

/* How reaps and failed execs are caught (--hooks). */
enum pl_hooks {
	PL_HOOKS_AUTO = 0,	/* fentry where the kernel allows it */
	PL_HOOKS_FENTRY,	/* release_task and the exec syscalls' fexit */
	PL_HOOKS_TRACEPOINT,	/* the syscalls: tracepoints (everywhere) */
};

#define PL_MAX_OUTPUTS 8

/* One -o: a file and its format. */
struct pl_output {
	const char *path;	/* "-": standard output */
	enum pl_format format;
	bool format_set;	/* by -F, not from the name */
};

/* Written as events come (tail -f works), not at the end. */
static inline bool pl_format_live(enum pl_format fmt)
{
	return fmt == PL_FMT_JSONL || fmt == PL_FMT_TEXT;
}

struct pl_options {
	uint32_t pids[PL_MAX_PIDS];
	unsigned int nr_pids;
	char comms[PL_MAX_COMMS][PL_COMM_LEN];	/* -c: any of these names */
	unsigned int nr_comms;
	uint32_t uids[PL_MAX_UIDS];	/* -u: any of these users */
	unsigned int nr_uids;
	const char *cgroup;		/* --cgroup PATH, or NULL */
	const char *container;		/* --container PREFIX, or NULL */
	const char *pidns_arg;		/* --pidns as given, or NULL */
	long long pidns;		/* --pidns inode, -1 when not filtering */
	bool threads;
	bool kthreads;
	bool json;
	bool quiet;
	bool tree;
	bool states;
	bool no_sched;		/* no scheduler accounting */
	bool summary;		/* top tasks by CPU, wait and D at the end */
	enum pl_hooks hooks;
	struct stream_view view;	/* -e, --failed, --show-user, --time */
	int verbose;
	struct pl_output outputs[PL_MAX_OUTPUTS];	/* -o, in order */
	unsigned int nr_outputs;
	unsigned int output_mode;	/* of every file written (0600) */
	bool service;			/* long-running: SIGHUP reopens */
	uint64_t rotate_size;		/* bytes, 0: no rotation by size */
	double rotate_age;		/* seconds, 0: no rotation by age */
	unsigned int rotate_keep;	/* rotated pieces kept */
	double duration;		/* seconds, 0: until stopped */
	uint64_t ringbuf_size;		/* bytes, power of two */
	uint32_t argv_bytes;
	uint32_t max_procs;		/* entries of the kernel side's process maps */
	const char *btf_path;		/* NULL: the running kernel's */
	char **command;			/* argv of CMD, NULL for live mode */
	/* resolved before attaching (cli/main.c), for the kernel side */
	uint32_t cgroup_v1_hier;	/* v1 hierarchy of paths at the v2 root */
	bool cgroup_filter;		/* --cgroup or --container */
	char container_target[65];	/* full id, or the prefix if none yet */
	const char *run_user;		/* -U: CMD's user, NULL: see run_as.h */
	bool keep_root;			/* --keep-root: no switch under sudo */
};

enum pl_parse_result {
	PL_PARSE_OK = 0,
	PL_PARSE_EXIT,		/* --help or --version was printed: exit 0 */
	PL_PARSE_ERROR,		/* err holds one line: exit 2 */
};

/* Parse argv into opts. Never exits; on error fills err (no newline). */
enum pl_parse_result pl_parse_args(int argc, char **argv,
				   struct pl_options *opts,
				   char *err, size_t err_size);

const char *pl_format_name(enum pl_format fmt);
void pl_print_usage(void);

#endif
