// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/report.h"
#include "cli/run_as.h"
#include "model/cgroups.h"
#include "model/teardown.h"
#include "model/timeline.h"
#include "pipeline/event.h"
#include "pipeline/replay.h"
#include "sinks/sink.h"
#include "util/json_parse.h"
#include "util/names.h"

#ifndef PROCLIFE_VERSION
#define PROCLIFE_VERSION "dev"
#endif

static const char report_usage[] =
"Usage: proclife report FILE.jsonl [-o OUT [-F FMT]]... [--tree] [--summary]\n"
"\n"
"Rebuild the trace recorded in FILE.jsonl (written by proclife -o FILE.jsonl)\n"
"and write its outputs, as the live run would have written them:\n"
"  -o, --output OUT        write to OUT ('-': standard output); repeat\n"
"  -F, --format FMT        format of the -o before it: json (default),\n"
"                          chrome, svg, html, text; from OUT's extension\n"
"      --tree              print the process tree\n"
"      --summary           print the top processes by CPU, wait and D\n"
"      --output-mode MODE  mode of the files written (default 0600)\n"
"  -h, --help              this help\n";

/* The options report takes: the output ones of the tracer. */
static bool allowed(const char *arg)
{
	static const char *const ok[] = {
		"-o", "--output", "-F", "--format", "--tree", "--summary",
		"--output-mode", "-h", "--help",
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		size_t n = strlen(ok[i]);

		if (!strncmp(arg, ok[i], n) && (!arg[n] || arg[n] == '=' ||
						 (n == 2 && arg[1] != '-')))
			return true;
	}
	return false;
}

struct replay {
	const char *path;
	struct timeline *tl;
	struct sink_set *sinks;
	struct pl_trace_info info;
	struct cgroups cgroups;		/* the paths the record names */
	struct ns_teardowns teardowns;	/* dying namespace inits */
	bool cgroups_ok;
	char *cgroup, *container;	/* the recorded --cgroup, --container */
	char *hostname, *kernel, *version;
	char **command;
	uint32_t pids[PL_MAX_PIDS];
	char comms[PL_MAX_COMMS][PL_COMM_LEN];
	uint32_t uids[PL_MAX_UIDS];
	uint32_t *selected;
	size_t n_selected;
	bool have_header, have_end;
	bool opened;			/* the sinks: after the header */
	uint64_t events, lost, last_ns;
	unsigned char rec[PL_FILENAME_MAX + PL_ARGV_MAX + 4096];
};

static char *dup_str(const struct jv *o, const char *key)
{
	const char *s = jv_str(o, key, NULL);

	return strdup(s ? s : "");
}

static size_t u32s(const struct jv *arr, uint32_t *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; arr && arr->type == JV_ARR && i < arr->n && n < max; i++)
		if (arr->items[i].type == JV_NUM && !arr->items[i].neg)
			out[n++] = (uint32_t)arr->items[i].u;
	return n;
}

/*
 * The sinks open once the record says how the live run set them up (its
 * header, or the first other line of a record without one): a text output
 * shows thread events with the recorded -T only, and has the CONTAINER
 * column from its first line with --container, as the live stream did.
 */
static int open_sinks(struct replay *r)
{
	const struct pl_sink_ops *text = pl_sink_find("text");
	struct sink_set *set = r->sinks;

	if (r->opened)
		return 0;
	r->opened = true;
	for (unsigned int i = 0; i < set->n; i++)
		if (set->sinks[i].ops == text)
			set->sinks[i].threads = r->info.filters.threads;
	sink_set_cgroups(set, &r->cgroups, r->container != NULL);
	return sink_set_open(set, r->info.boot_offset_ns);
}

static int take_header(struct replay *r, const struct jv *o)
{
	struct pl_trace_filters *f = &r->info.filters;
	const struct jv *cmd = jv_get(o, "command");
	const struct jv *comms = jv_get(o, "comms");

	r->have_header = true;
	r->hostname = dup_str(o, "hostname");
	r->kernel = dup_str(o, "kernel");
	r->version = dup_str(o, "version");
	r->info.hostname = r->hostname;
	r->info.kernel = r->kernel;
	r->info.version = r->version;
	r->info.boot_offset_ns = jv_i64(o, "boot_offset_ns", 0);
	r->info.start_ns = jv_u64(o, "start_ns", 0);
	if (cmd && cmd->type == JV_ARR) {
		r->command = calloc(cmd->n + 1, sizeof(*r->command));
		if (!r->command)
			return -ENOMEM;
		for (size_t i = 0; i < cmd->n; i++)
			r->command[i] = strdup(cmd->items[i].type == JV_STR ?
					       cmd->items[i].s : "");
		r->info.command = r->command;
	}
	f->n_pids = u32s(jv_get(o, "pids"), r->pids, PL_MAX_PIDS);
	f->pids = f->n_pids ? r->pids : NULL;
	for (size_t i = 0; comms && comms->type == JV_ARR && i < comms->n &&
	     f->n_comms < PL_MAX_COMMS; i++) {
		if (comms->items[i].type != JV_STR)
			continue;
		snprintf(r->comms[f->n_comms++], PL_COMM_LEN, "%s",
			 comms->items[i].s);
	}
	f->comms = r->comms;
	f->n_uids = u32s(jv_get(o, "uids"), r->uids, PL_MAX_UIDS);
	f->uids = r->uids;
	f->pidns = jv_i64(o, "pidns", -1);
	if (jv_str(o, "cgroup", NULL)) {
		r->cgroup = dup_str(o, "cgroup");
		f->cgroup = r->cgroup;
	}
	if (jv_str(o, "container", NULL)) {
		r->container = dup_str(o, "container");
		f->container = r->container;
	}
	f->threads = jv_bool(o, "threads", false);
	f->kthreads = jv_bool(o, "kthreads", false);
	timeline_prune_untraced(r->tl, jv_bool(o, "prune", false));
	timeline_prune_ancestors(r->tl, jv_bool(o, "prune_ancestors", false));
	timeline_select_by_where(r->tl, f->cgroup || f->container);
	if (open_sinks(r))
		return -ENOMEM;
	/* a text output's times: the recorded run's clock */
	sink_set_begin(r->sinks, &r->info);
	return 0;
}

static int take_end(struct replay *r, const struct jv *o)
{
	const struct jv *sel = jv_get(o, "selected");

	r->have_end = true;
	r->info.end_ns = jv_u64(o, "end_ns", r->last_ns);
	r->info.events = jv_u64(o, "events", r->events);
	r->info.lost = jv_u64(o, "lost", r->lost);
	for (uint32_t k = 0; k < PL_LOSS_KINDS; k++)
		r->info.losses[k] = jv_u64(jv_get(o, "losses"),
					   pl_loss_kind_name(k), 0);
	if (sel && sel->type == JV_ARR && sel->n) {
		r->selected = calloc(sel->n, sizeof(*r->selected));
		if (!r->selected)
			return -ENOMEM;
		r->n_selected = u32s(sel, r->selected, sel->n);
	}
	return 0;
}

/* One line; 0, or 1 with the reason said. cut: the file ends inside this
 * line (a run killed mid-write): unreadable, it is skipped and said so. */
static int take_line(struct replay *r, const char *line, size_t len,
		     unsigned long lineno, bool cut)
{
	struct pl_event ev, fixed;
	struct pl_reap reap;
	const char *rec;
	struct jv o;
	ssize_t size;
	int ret = 0;

	if (jv_parse(line, len, &o) || o.type != JV_OBJ) {
		if (cut) {
			fprintf(stderr, "proclife: %s:%lu: the last line is cut (the run was stopped while writing it): skipped\n",
				r->path, lineno);
			return 0;
		}
		fprintf(stderr, "proclife: %s:%lu: not a JSON object\n", r->path,
			lineno);
		return 1;
	}
	rec = jv_str(&o, "record", NULL);
	if (rec && !strcmp(rec, "header")) {
		ret = take_header(r, &o) ? 1 : 0;
		goto out;
	}
	if (!r->opened && open_sinks(r)) {
		ret = 1;
		goto out;
	}
	if (rec && !strcmp(rec, "cgroup")) {
		size_t len = 0;
		const char *path = jv_str(&o, "path", &len);

		if (path && r->cgroups_ok &&
		    cgroups_add(&r->cgroups, (uint32_t)jv_u64(&o, "hier", 0),
				jv_u64(&o, "id", 0), path, len,
				jv_bool(&o, "cut", false)))
			fprintf(stderr, "proclife: %s:%lu: out of memory for a cgroup path\n",
				r->path, lineno);
		goto out;
	}
	if (rec && !strcmp(rec, "end")) {
		ret = take_end(r, &o) ? 1 : 0;
		goto out;
	}
	/* the path first, as the live pump hands it to the table */
	size = replay_cgroup(&o, r->rec, sizeof(r->rec));
	if (size > 0 && !pl_event_decode(r->rec, (size_t)size, &ev) &&
	    r->cgroups_ok)
		cgroups_add_record(&r->cgroups, ev.cgroup, ev.path, ev.path_len);
	size = replay_record(&o, r->rec, sizeof(r->rec));
	if (size < 0 || (size > 0 && pl_event_decode(r->rec, (size_t)size, &ev))) {
		fprintf(stderr, "proclife: %s:%lu: not a proclife record\n",
			r->path, lineno);
		ret = 1;
		goto out;
	}
	if (!size)
		goto out;
	if (ev.type == PL_EV_SEED) {
		ns_teardowns_event(&r->teardowns, &ev, NULL, NULL);
		timeline_seed(r->tl, &ev);
		goto out;
	}
	/* a record from before the model said so: as the live run says now */
	if (ns_teardowns_event(&r->teardowns, &ev, &fixed, &reap))
		ev = fixed;
	if (ev.type != PL_EV_SCHED) {
		if (ev.type == PL_EV_LOST)
			r->lost += ev.lost->count;
		else
			r->events++;
		if (ev.h->ts_ns > r->last_ns)
			r->last_ns = ev.h->ts_ns;
		sink_set_event(r->sinks, &ev);
	}
	timeline_add(r->tl, &ev);
out:
	jv_free(&o);
	return ret;
}

static int read_record(struct replay *r, FILE *in)
{
	char *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0;
	ssize_t n;
	int ret = 0;

	while ((n = getline(&line, &cap, in)) > 0) {
		bool cut = line[n - 1] != '\n';	/* only the last line can be */

		lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (!n)
			continue;
		ret = take_line(r, line, (size_t)n, lineno, cut);
		if (ret)
			break;
	}
	free(line);
	if (!ret && ferror(in)) {
		fprintf(stderr, "proclife: cannot read %s: %s\n", r->path,
			strerror(errno));
		ret = 1;
	}
	return ret;
}

static void free_replay(struct replay *r)
{
	if (r->command)
		for (char **a = r->command; *a; a++)
			free(*a);
	free(r->command);
	free(r->hostname);
	free(r->kernel);
	free(r->version);
	free(r->selected);
	free(r->cgroup);
	free(r->container);
	if (r->cgroups_ok)
		cgroups_free(&r->cgroups);
	ns_teardowns_free(&r->teardowns);
	if (r->tl)
		timeline_free(r->tl);
}

static int usage_error(const char *msg)
{
	fprintf(stderr, "proclife report: %s (see 'proclife report --help')\n", msg);
	return 2;
}

/*
 * The outputs, as the live run adds them: the tree and summary first (on
 * stderr when a -o is standard output), then each -o in its format.
 */
static int add_sinks(struct sink_set *set, const struct pl_options *o,
		     const struct run_as *ra, char *err, size_t err_size)
{
	bool to_stdout = false;
	int report_fd;

	for (unsigned int i = 0; i < o->nr_outputs; i++)
		to_stdout |= out_file_is_stdout(o->outputs[i].path);
	report_fd = to_stdout ? STDERR_FILENO : STDOUT_FILENO;
	if (o->tree &&
	    sink_set_add(set, "tree", NULL, report_fd, true, err, err_size))
		return -1;
	if (o->summary &&
	    sink_set_add(set, "summary", NULL, report_fd, true, err, err_size))
		return -1;
	for (unsigned int i = 0; i < o->nr_outputs; i++) {
		const struct pl_output *out = &o->outputs[i];
		struct sink_conf conf = { .threads = true,
					  .mode = o->output_mode };

		if (sink_set_add_conf(set, pl_format_name(out->format),
				      out->path, -1, &conf, err, err_size))
			return -1;
	}
	if (ra->chown_files &&
	    sink_set_chown(set, ra->owner_uid, ra->owner_gid, err, err_size))
		return -1;
	return 0;
}

int report_main(int argc, char **argv)
{
	struct pl_options opts;
	struct sink_set sinks = { .n = 0 };
	struct run_as ra;
	struct replay *r = NULL;
	char err[512], *sub[argc + 1];
	FILE *in = NULL;
	int ret = 2, n = 0;

	memset(&ra, 0, sizeof(ra));
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(report_usage, stdout);
		return 0;
	}
	if (argc < 2 || argv[1][0] == '-')
		return usage_error("give the JSON Lines record first: proclife report FILE.jsonl ...");
	sub[n++] = "proclife";
	for (int i = 2; i < argc; i++) {
		bool value = i > 2 && (!strcmp(argv[i - 1], "-o") ||
				       !strcmp(argv[i - 1], "--output") ||
				       !strcmp(argv[i - 1], "-F") ||
				       !strcmp(argv[i - 1], "--format") ||
				       !strcmp(argv[i - 1], "--output-mode"));

		if (!value && !allowed(argv[i])) {
			snprintf(err, sizeof(err), "'%s' is not a report option", argv[i]);
			return usage_error(err);
		}
		sub[n++] = argv[i];
	}
	sub[n] = NULL;
	switch (pl_parse_args(n, sub, &opts, err, sizeof(err))) {
	case PL_PARSE_EXIT:
		return 0;
	case PL_PARSE_ERROR:
		return usage_error(err);
	default:
		break;
	}
	if (!opts.nr_outputs && !opts.tree && !opts.summary)
		return usage_error("nothing to write: give -o OUT, --tree or --summary");
	for (unsigned int i = 0; i < opts.nr_outputs; i++)
		if (opts.outputs[i].format == PL_FMT_JSONL)
			return usage_error("a record is JSON Lines already: -o writes json, chrome, svg, html or text");
	in = fopen(argv[1], "re");
	if (!in) {
		snprintf(err, sizeof(err), "cannot open %s: %s", argv[1], strerror(errno));
		return usage_error(err);
	}
	if (run_as_resolve(&ra, &opts, err, sizeof(err)) ||
	    add_sinks(&sinks, &opts, &ra, err, sizeof(err))) {
		ret = usage_error(err);
		goto cleanup;
	}
	ret = 1;
	r = calloc(1, sizeof(*r));
	if (!r || !(r->tl = timeline_new(true))) {
		fprintf(stderr, "proclife: out of memory\n");
		goto cleanup;
	}
	if (cgroups_init(&r->cgroups)) {
		fprintf(stderr, "proclife: out of memory\n");
		goto cleanup;
	}
	r->cgroups_ok = true;
	if (ns_teardowns_init(&r->teardowns)) {
		fprintf(stderr, "proclife: out of memory\n");
		goto cleanup;
	}
	r->path = argv[1];
	r->sinks = &sinks;
	r->info.version = PROCLIFE_VERSION;
	r->info.filters.comms = r->comms;
	r->info.filters.uids = r->uids;
	r->info.filters.pidns = -1;	/* as args.c: no --pidns */
	r->info.cgroups = &r->cgroups;
	if (read_record(r, in) || open_sinks(r))
		goto cleanup;
	if (r->teardowns.alloc_failures)
		fprintf(stderr, "proclife: out of memory: %llu namespace facts not kept (a teardown's reap may show as a wait)\n",
			(unsigned long long)r->teardowns.alloc_failures);
	if (!r->have_header)
		fprintf(stderr, "proclife: %s has no header line (not written with -o FILE.jsonl?): host and filters unknown, running tasks missing\n",
			argv[1]);
	if (!r->have_end) {
		fprintf(stderr, "proclife: %s has no end line (the run did not finish?): the trace ends at its last event\n",
			argv[1]);
		take_end(r, &(struct jv){ .type = JV_OBJ });
	}
	for (size_t i = 0; i < r->n_selected; i++) {
		/* the record keeps pids only: the process running at the start */
		const struct tl_process *p = timeline_live(r->tl, r->selected[i]);

		if (p && (p->flags & TL_PROC_PRE_EXISTING))
			timeline_mark_selected(r->tl, p->pid, p->start_ns);
	}
	timeline_finish(r->tl, r->info.end_ns);
	r->info.selected = r->selected;
	r->info.n_selected = r->n_selected;
	ret = sink_set_finish(&sinks, r->tl, &r->info) ? 1 : 0;
cleanup:
	sink_set_close(&sinks);
	run_as_free(&ra);
	if (r)
		free_replay(r);
	free(r);
	if (in)
		fclose(in);
	return ret;
}
