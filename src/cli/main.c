// SPDX-License-Identifier: GPL-2.0
/*
 * proclife: trace process lifecycles.
 *
 * Flow: parse and check options, attach the BPF programs, read the tasks
 * already running, start CMD if any, then let the pump (pipeline/pump.c)
 * hand every event in time order to the sinks (sinks/sink.h) and the
 * timeline. At the end, drain everything and let each sink finish.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/command.h"
#include "sinks/sink.h"
#include "cli/privileges.h"
#include "cli/report.h"
#include "cli/run_as.h"
#include "cli/signals.h"
#include "pipeline/pump.h"
#include "model/selection.h"
#include "model/teardown.h"
#include "util/timefmt.h"
#include "model/timeline.h"
#include "kernel/tracer.h"
#include "model/cgroups.h"
#include "model/cgroupfs.h"

/* -d with a command: from SIGTERM to SIGKILL */
#define KILL_GRACE_NS	(5 * 1000 * 1000 * 1000ULL)

struct app {
	struct pl_options opts;
	struct tracer tracer;
	struct pump pump;
	struct sink_set sinks;	/* the stream, the reports, one per -o */
	struct timeline *tl;	/* when a sink needs it at the end */
	struct selection sel;
	struct cgroups cgroups;		/* every cgroup the kernel described */
	struct ns_teardowns teardowns;	/* dying namespace inits */
	bool cgroups_ok;
	struct cgroupfs cgfs;
	struct cgfs_keys cg_keys;	/* --cgroup, --container: what selects */
	int64_t boot_offset_ns;
	uint64_t start_ns;
	uint64_t end_ns;
	uint64_t deadline;	/* -d: CLOCK_BOOTTIME ns, or 0 */
	struct command cmd;
	struct run_as run_as;	/* CMD's user, the files' owner */
	pid_t child;
	int child_status;
	bool child_done;
	bool cmd_not_started;	/* a stop signal came first */
	sig_atomic_t hangups_seen;	/* SIGHUPs acted on (--service) */
	int deadline_signal;	/* -d with CMD: the last signal -d sent it */
	int failed;		/* a runtime error ended the trace */
};

/* One line whatever the bad value holds: control bytes shown as \xNN. */
static int die_usage(const char *msg)
{
	fputs("proclife: ", stderr);
	for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fprintf(stderr, "\\x%02x", *p);
		else
			fputc(*p, stderr);
	}
	fputs(" (see 'proclife --help')\n", stderr);
	return 2;
}

/* ---- records from the kernel ------------------------------------------- */

/* Every event, in time order, to every sink that is on. */
static void on_event(void *ctx, const struct pl_event *ev)
{
	struct app *app = ctx;
	uint64_t failures = app->teardowns.alloc_failures;
	struct pl_event fixed;
	struct pl_reap reap;

	if (ns_teardowns_event(&app->teardowns, ev, &fixed, &reap))
		ev = &fixed;
	if (app->teardowns.alloc_failures != failures)
		pump_note_loss(&app->pump, PL_LOSS_TIMELINE_ALLOC);
	sink_set_event(&app->sinks, ev);
	if (app->tl && timeline_add(app->tl, ev) == -ENOMEM)
		pump_note_loss(&app->pump, PL_LOSS_TIMELINE_ALLOC);
}

/* A cgroup's path, as soon as it is read: events that name it follow. */
static void on_cgroup(void *ctx, const struct pl_event *ev)
{
	struct app *app = ctx;

	if (app->cgroups_ok)
		cgroups_add_record(&app->cgroups, ev->cgroup, ev->path,
				   ev->path_len);
}

static int on_seed_record(void *ctx, void *data, size_t size)
{
	struct app *app = ctx;
	struct pl_event ev;

	if (pl_event_decode(data, size, &ev) || ev.type != PL_EV_SEED)
		return 0;
	if (!selection_keeps_seed(&app->opts, ev.seed))
		return 0;
	selection_add_seed(&app->sel, ev.seed);
	ns_teardowns_event(&app->teardowns, &ev, NULL, NULL);
	sink_set_seed(&app->sinks, &ev);
	if (app->tl)
		timeline_seed(app->tl, &ev);
	sink_set_event(&app->sinks, &ev);	/* the records keep it */
	return 0;
}

/* Tasks alive at the end: their scheduler accounting so far. */
static int on_sched_end_record(void *ctx, void *data, size_t size)
{
	struct app *app = ctx;
	struct pl_event ev;

	if (pl_event_decode(data, size, &ev))
		return 0;
	if (app->tl)
		timeline_add(app->tl, &ev);
	sink_set_event(&app->sinks, &ev);	/* the records keep it */
	return 0;
}

static int flush_sinks(void *ctx)
{
	struct app *app = ctx;

	return sink_set_flush(&app->sinks);
}

/* ---- command mode ------------------------------------------------------ */

static void check_child(struct app *app)
{
	int status;

	if (!app->child || app->child_done)
		return;
	if (waitpid(app->child, &status, WNOHANG) == app->child) {
		app->child_status = status;
		app->child_done = true;
	}
}

static int command_status(const struct app *app)
{
	if (WIFEXITED(app->child_status))
		return WEXITSTATUS(app->child_status);
	if (WIFSIGNALED(app->child_status))
		return 128 + WTERMSIG(app->child_status);
	return 1;
}

/* ---- set-up ------------------------------------------------------------ */

/* --pidns: an inode number some process lives in, or a namespace file. */
static int resolve_pidns(struct pl_options *o, char *err, size_t size)
{
	struct dirent *d;
	struct stat st;
	DIR *proc;
	bool found = false;

	if (!o->pidns_arg)
		return 0;
	if (o->pidns_arg[0] == '/') {
		if (stat(o->pidns_arg, &st)) {
			snprintf(err, size, "--pidns: cannot read '%s': %s",
				 o->pidns_arg, strerror(errno));
			return -1;
		}
		o->pidns = (long long)st.st_ino;
		return 0;
	}
	proc = opendir("/proc");
	while (proc && !found && (d = readdir(proc))) {
		char path[64];

		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/ns/pid", d->d_name);
		found = !stat(path, &st) && (long long)st.st_ino == o->pidns;
	}
	if (proc)
		closedir(proc);
	if (!found) {
		snprintf(err, size, "--pidns: no process lives in pid namespace %lld",
			 o->pidns);
		return -1;
	}
	return 0;
}

/* Cgroup hierarchies, --cgroup and --container, resolved before attaching. */
static int resolve_cgroups(struct app *app, char *err, size_t size)
{
	struct pl_options *o = &app->opts;
	int ret;

	ret = cgroupfs_read(&app->cgfs, "");
	if (ret) {
		/* no cgroup paths, but only a filter needs them */
		if (!o->cgroup && !o->container)
			return 0;
		snprintf(err, size, "cannot read this process's cgroups: %s",
			 strerror(-ret));
		return -1;
	}
	o->cgroup_v1_hier = app->cgfs.v1_hier;
	if (o->cgroup && o->container) {
		snprintf(err, size, "--cgroup and --container exclude each other");
		return -1;
	}
	if (o->cgroup) {
		if (cgroupfs_resolve_path(&app->cgfs, o->cgroup, &app->cg_keys,
					  err, size))
			return -1;
		o->cgroup_filter = true;
	}
	if (o->container) {
		if (cgroupfs_find_container(&app->cgfs, o->container,
					    o->container_target, &app->cg_keys,
					    err, size))
			return -1;
		if (!o->container_target[0]) {
			snprintf(o->container_target, sizeof(o->container_target),
				 "%s", o->container);
			fprintf(stderr, "proclife: no container '%s' yet: tracing the containers whose id starts with it as they appear\n",
				o->container);
		}
		o->cgroup_filter = true;
	}
	return 0;
}

/*
 * The outputs asked for, in the order they finish: the stream on stdout,
 * the tree and summary (on stderr when stdout carries JSON or a -o -),
 * then each -o in its format. Every file is opened (and so checked) now.
 */
static int add_sinks(struct app *app, char *err, size_t err_size)
{
	const struct pl_options *o = &app->opts;
	struct sink_set *set = &app->sinks;
	struct sink_conf stream = { .threads = o->threads, .view = &o->view };
	bool stdout_taken = !o->quiet && o->json;
	int report_fd;

	for (unsigned int i = 0; i < o->nr_outputs; i++)
		stdout_taken |= out_file_is_stdout(o->outputs[i].path);
	report_fd = stdout_taken ? STDERR_FILENO : STDOUT_FILENO;
	set->rotate_size = o->rotate_size;
	set->rotate_age_ns = (uint64_t)(o->rotate_age * 1e9);
	set->rotate_keep = o->rotate_keep;
	if (!o->quiet &&
	    sink_set_add_conf(set, o->json ? "jsonl" : "text", NULL,
			      STDOUT_FILENO, &stream, err, err_size))
		return -1;
	if (o->tree &&
	    sink_set_add(set, "tree", NULL, report_fd, true, err, err_size))
		return -1;
	if (o->summary && !o->no_sched &&
	    sink_set_add(set, "summary", NULL, report_fd, true, err, err_size))
		return -1;
	for (unsigned int i = 0; i < o->nr_outputs; i++) {
		const struct pl_output *out = &o->outputs[i];
		bool text = out->format == PL_FMT_TEXT;
		/* a JSON Lines -o is a record: every event, for report; a
		 * text file is the stream as it would show */
		struct sink_conf conf = {
			.threads = text ? o->threads : true,
			.record = out->format == PL_FMT_JSONL,
			.view = text ? &o->view : NULL,
			.mode = o->output_mode,
		};

		if (sink_set_add_conf(set, pl_format_name(out->format),
				      out->path, -1, &conf, err, err_size))
			return -1;
	}
	if (app->run_as.chown_files &&
	    sink_set_chown(set, app->run_as.owner_uid, app->run_as.owner_gid,
			   err, err_size))
		return -1;
	return 0;
}

/* Everything a user can get wrong is checked before attaching. */
static int check_inputs(struct app *app)
{
	struct pl_options *o = &app->opts;
	char err[512];
	int ret;

	if (resolve_pidns(o, err, sizeof(err)) ||
	    resolve_cgroups(app, err, sizeof(err)))
		return die_usage(err);

	for (unsigned int i = 0; i < o->nr_pids; i++) {
		char path[32];
		struct stat st;

		snprintf(path, sizeof(path), "/proc/%u", o->pids[i]);
		if (stat(path, &st)) {
			snprintf(err, sizeof(err), "-p: no process %u",
				 o->pids[i]);
			return die_usage(err);
		}
	}
	if (run_as_resolve(&app->run_as, o, err, sizeof(err)))
		return die_usage(err);
	if (add_sinks(app, err, sizeof(err)))
		return die_usage(err);
	tracer_set_verbosity(o->verbose);
	ret = check_privileges(o->btf_path);
	if (ret)
		return ret;
	if (o->command)
		return command_resolve(&app->cmd, o->command);
	return 0;
}

static int start_outputs(struct app *app)
{
	sink_set_cgroups(&app->sinks, &app->cgroups,
			 app->opts.container != NULL);
	if (sink_set_open(&app->sinks, app->boot_offset_ns))
		return -ENOMEM;
	if (sink_set_needs_timeline(&app->sinks)) {
		app->tl = timeline_new(true);
		if (!app->tl) {
			fprintf(stderr, "proclife: out of memory\n");
			return -ENOMEM;
		}
		timeline_prune_untraced(app->tl, app->sel.active);
		timeline_prune_ancestors(app->tl, app->opts.command != NULL);
		timeline_select_by_where(app->tl, app->opts.cgroup_filter);
	}
	return 0;
}

/* ---- the loop ---------------------------------------------------------- */

/*
 * -d with a command ends the run as timeout(1) would: CMD gets SIGTERM
 * (its end is still traced), then SIGKILL if it is still there after
 * KILL_GRACE_NS; the deadline moves to that second step, then goes.
 */
static void command_deadline(struct app *app)
{
	if (!app->deadline_signal) {
		app->deadline_signal = SIGTERM;
		kill(app->child, SIGTERM);
		app->deadline = pl_now_boot_ns() + KILL_GRACE_NS;
	} else {
		app->deadline_signal = SIGKILL;
		kill(app->child, SIGKILL);
		app->deadline = 0;
	}
}

static bool time_to_stop(void *ctx)
{
	struct app *app = ctx;

	/* --service: SIGHUP, the live files again by their names */
	if (app->hangups_seen != run_signals.hangups) {
		app->hangups_seen = run_signals.hangups;
		sink_set_reopen(&app->sinks);
	}

	if (sink_set_all_stopped(&app->sinks))
		return true;	/* no output left to trace for */
	if (app->child)
		check_child(app);
	if (app->deadline && pl_now_boot_ns() >= app->deadline) {
		if (!app->child || app->child_done)
			return true;
		command_deadline(app);
	}
	if (app->child) {
		if (app->child_done)
			return true;
		/* ^C reaches CMD too: wait for it, unless asked twice */
		if (run_signals.forward && run_signals.stops == 1) {
			kill(app->child, run_signals.forward);
			run_signals.forward = 0;
		}
		return run_signals.stops > 1;
	}
	return run_signals.stops > 0;
}

static int run_loop(struct app *app)
{
	if (app->opts.duration > 0)
		app->deadline = app->start_ns + (uint64_t)(app->opts.duration * 1e9);
	return pump_loop(&app->pump, time_to_stop, &app->deadline,
			 signals_wait_mask());
}

static void fill_trace_info(struct app *app, struct pl_trace_info *info,
			    char *hostname, size_t hn_size, struct utsname *uts)
{
	const struct pl_options *o = &app->opts;

	memset(info, 0, sizeof(*info));
	if (gethostname(hostname, hn_size))
		strcpy(hostname, "unknown");
	hostname[hn_size - 1] = '\0';
	uname(uts);
	info->hostname = hostname;
	info->kernel = uts->release;
	info->boot_offset_ns = app->boot_offset_ns;
	info->start_ns = app->start_ns;
	info->end_ns = app->end_ns;
	info->command = o->command;
	info->filters.pids = o->nr_pids ? o->pids : NULL;
	info->filters.n_pids = o->nr_pids;
	info->filters.comms = o->comms;
	info->filters.n_comms = o->nr_comms;
	info->filters.uids = o->uids;
	info->filters.n_uids = o->nr_uids;
	info->filters.cgroup = o->cgroup;
	info->filters.container = o->container;
	info->filters.pidns = o->pidns;
	info->cgroups = &app->cgroups;
	info->filters.threads = o->threads;
	info->filters.kthreads = o->kthreads;
	info->events = app->pump.events;
	info->lost = app->pump.lost;
	memcpy(info->losses, app->pump.losses, sizeof(info->losses));
	info->version = PROCLIFE_VERSION;
	info->pruned = app->sel.active;
	info->ancestors_pruned = o->command != NULL;
}

/* 0, or -EIO when any output failed (each said once, sinks/sink.h). */
static int finish_outputs(struct app *app)
{
	struct pl_trace_info info;
	char hostname[256];
	struct utsname uts;
	uint32_t *selected = calloc(app->sel.n ? app->sel.n : 1, sizeof(*selected));
	size_t n_selected = 0;
	int err;

	/* a selected process with no event (a pre-existing sleeper under -p)
	 * is in the trace all the same */
	for (size_t i = 0; selected && i < app->sel.n; i++)
		if (app->sel.tasks[i].bits & TRACK_SELECTED)
			selected[n_selected++] = app->sel.tasks[i].pid;
	if (app->tl) {
		for (size_t i = 0; i < app->sel.n; i++)
			if (app->sel.tasks[i].bits & TRACK_SELECTED)
				timeline_mark_selected(app->tl,
						       app->sel.tasks[i].pid,
						       app->sel.tasks[i].start_ns);
		timeline_finish(app->tl, app->end_ns);
	}
	fill_trace_info(app, &info, hostname, sizeof(hostname), &uts);
	info.selected = selected;
	info.n_selected = n_selected;
	err = sink_set_finish(&app->sinks, app->tl, &info);
	free(selected);
	return err;
}

int main(int argc, char **argv)
{
	struct app app = { 0 };
	enum pl_parse_result res;
	char err[512];
	int ret = 1, err_no;

	if (argc > 1 && !strcmp(argv[1], "report"))
		return report_main(argc - 1, argv + 1);
	signals_block();	/* first: none is lost while starting */
	res = pl_parse_args(argc, argv, &app.opts, err, sizeof(err));
	if (res == PL_PARSE_EXIT)
		return 0;
	if (res == PL_PARSE_ERROR)
		return die_usage(err);
	ret = check_inputs(&app);
	if (ret)
		goto cleanup_out;
	ret = 1;

	pump_init(&app.pump, &app.tracer, on_event, flush_sinks, &app);
	if (cgroups_init(&app.cgroups)) {
		fprintf(stderr, "proclife: out of memory\n");
		goto cleanup;
	}
	app.cgroups_ok = true;
	if (ns_teardowns_init(&app.teardowns)) {
		fprintf(stderr, "proclife: out of memory\n");
		goto cleanup;
	}
	pump_set_cgroup_fn(&app.pump, on_cgroup);
	selection_init(&app.sel, &app.opts);
	app.boot_offset_ns = pl_boot_offset_ns();
	if (start_outputs(&app))
		goto cleanup;
	signals_hup_reopens(app.opts.service);
	signals_install();
	if (tracer_open(&app.tracer, &app.opts, pump_on_record, &app.pump))
		goto cleanup;
	app.start_ns = pl_now_boot_ns();
	for (size_t i = 0; i < app.cg_keys.n; i++) {
		if (tracer_add_cgroup_filter(&app.tracer, app.cg_keys.k[i].hier,
					     app.cg_keys.k[i].id)) {
			fprintf(stderr, "proclife: cannot set the cgroup filter: %s\n",
				strerror(errno));
			goto cleanup;
		}
	}
	{
		/* --time rel counts from here; the records' header lines */
		struct pl_trace_info info;
		char hostname[256];
		struct utsname uts;

		fill_trace_info(&app, &info, hostname, sizeof(hostname), &uts);
		sink_set_begin(&app.sinks, &info);
	}

	if (tracer_seed(&app.tracer, on_seed_record, &app)) {
		fprintf(stderr, "proclife: cannot list running tasks: %s\n",
			strerror(errno));
		goto cleanup;
	}
	if (selection_apply(&app.sel, &app.tracer))
		goto cleanup;
	/* selected at the start: in the document even if they stay quiet */
	for (size_t i = 0; app.tl && i < app.sel.n; i++)
		if (app.sel.tasks[i].bits & TRACK_SELECTED)
			timeline_mark_selected(app.tl, app.sel.tasks[i].pid,
					       app.sel.tasks[i].start_ns);

	signals_deliver_pending();
	if (app.opts.command && run_signals.stops) {
		/* stopped while starting: CMD would never see the signal */
		fprintf(stderr, "proclife: signal %d came before %s started: not started\n",
			(int)run_signals.last, app.opts.command[0]);
		app.cmd_not_started = true;
	} else if (app.opts.command) {
		/* CMD inherits tree membership from proclife, for its fork only */
		if (selection_command_begin(&app.sel, &app.tracer))
			goto cleanup;
		err_no = command_spawn(&app.cmd, &app.run_as);
		selection_command_end(&app.sel, &app.tracer);
		if (err_no) {
			fprintf(stderr, "proclife: cannot start %s: %s\n",
				app.opts.command[0], strerror(-err_no));
			goto cleanup;
		}
		app.child = app.cmd.pid;
		if (command_release(&app.cmd)) {
			fprintf(stderr, "proclife: cannot start %s\n",
				app.opts.command[0]);
			goto cleanup;
		}
	} else {
		fprintf(stderr, "proclife: tracing, Ctrl-C to stop\n");
	}

	if (run_loop(&app) || pump_once(&app.pump, false))
		app.failed = 1;
	/* CMD ended: its reap by us is the last record; take it too */
	check_child(&app);
	app.end_ns = pl_now_boot_ns();
	/* zombies released with no record yet: reaps bounded by the end */
	if (tracer_zombies_left(&app.tracer, app.end_ns, pump_on_record,
				&app.pump))
		fprintf(stderr, "proclife: cannot look for zombies released at the end\n");
	if (pump_once(&app.pump, true))
		app.failed = 1;
	pump_settle(&app.pump);
	if ((app.tl || sink_set_records(&app.sinks)) &&
	    tracer_sched_end(&app.tracer, on_sched_end_record, &app))
		fprintf(stderr, "proclife: cannot read the scheduler accounting of live tasks\n");
	if (finish_outputs(&app))
		app.failed = 1;
	pump_print_totals(&app.pump);

	if (app.child) {
		/* the trace is over; CMD's status is still ours to return */
		while (!app.child_done && waitpid(app.child, &app.child_status, 0) < 0 &&
		       errno == EINTR)
			;
		app.child_done = true;
		ret = app.failed ? 1 : command_status(&app);
	} else if (app.cmd_not_started) {
		ret = app.failed ? 1 : 128 + run_signals.last;
	} else {
		ret = app.failed ? 1 : 0;
	}

cleanup:
	if (app.cmd.release_fd > 0)
		close(app.cmd.release_fd);
	if (app.child && !app.child_done) {
		kill(app.child, SIGKILL);
		waitpid(app.child, NULL, 0);
	}
	tracer_close(&app.tracer);
	if (app.tl)
		timeline_free(app.tl);
	pump_free(&app.pump);
	selection_free(&app.sel);
	if (app.cgroups_ok)
		cgroups_free(&app.cgroups);
	ns_teardowns_free(&app.teardowns);
cleanup_out:
	run_as_free(&app.run_as);
	sink_set_close(&app.sinks);
	return ret;
}
