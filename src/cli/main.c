// SPDX-License-Identifier: GPL-2.0
/*
 * proclife: trace process lifecycles.
 *
 * Flow: parse and check options, attach the BPF programs, read the tasks
 * already running, start CMD if any, then let the pump (pipeline/pump.c)
 * hand every event in time order to the stream and the timeline. At the
 * end, drain everything and write the output file.
 */
#define _GNU_SOURCE
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
#include "cli/outputs.h"
#include "sinks/file.h"
#include "sinks/stream.h"
#include "sinks/output.h"
#include "cli/privileges.h"
#include "cli/report.h"
#include "cli/run_as.h"
#include "cli/signals.h"
#include "pipeline/pump.h"
#include "model/selection.h"
#include "util/timefmt.h"
#include "model/timeline.h"
#include "kernel/tracer.h"

/* -d with a command: from SIGTERM to SIGKILL */
#define KILL_GRACE_NS	(5 * 1000 * 1000 * 1000ULL)

struct app {
	struct pl_options opts;
	struct tracer tracer;
	struct pump pump;
	struct stream stream;
	bool stream_on;
	struct run_outputs outs;	/* -o, each in its format */
	struct timeline *tl;
	struct selection sel;
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
	bool stream_closed;	/* stdout went away (EPIPE): stop streaming */
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

	if (app->stream_on && !app->stream_closed)
		stream_event(&app->stream, ev);
	outputs_event(&app->outs, ev);
	if (app->tl)
		timeline_add(app->tl, ev);
}

static int on_seed_record(void *ctx, void *data, size_t size)
{
	struct app *app = ctx;
	struct pl_event ev;

	if (pl_event_decode(data, size, &ev) || ev.type != PL_EV_SEED)
		return 0;
	if ((ev.seed->flags & PL_SEED_KTHREAD) && !app->opts.kthreads)
		return 0;
	selection_add_seed(&app->sel, ev.seed);
	if (app->tl)
		timeline_seed(app->tl, &ev);
	outputs_seed(&app->outs, &ev);
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
	outputs_sched(&app->outs, &ev);
	return 0;
}

static int flush_streams(void *ctx)
{
	struct app *app = ctx;
	int err;

	if (app->stream_on && !app->stream_closed) {
		err = stream_flush(&app->stream);
		if (err == -EPIPE) {
			app->stream_closed = true;	/* reader left: not an error */
		} else if (err) {
			fprintf(stderr, "proclife: cannot write the stream: %s\n",
				strerror(-err));
			return err;
		}
	}
	/* a file that cannot be written ends the trace (said once) */
	err = outputs_flush(&app->outs);
	if (err)
		return err;
	return 0;
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

/* Everything a user can get wrong is checked before attaching. */
static int check_inputs(struct app *app)
{
	const struct pl_options *o = &app->opts;
	char err[512];
	int ret;

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
	if (outputs_open(&app->outs, o, &app->run_as, err, sizeof(err)))
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
	const struct pl_options *o = &app->opts;

	if (!o->quiet) {
		if (stream_init(&app->stream, STDOUT_FILENO, o->json, o->threads,
				app->boot_offset_ns))
			return -ENOMEM;
		app->stream_on = true;
		stream_set_view(&app->stream, &o->view);
		stream_header(&app->stream);
	}
	if (outputs_start(&app->outs, o, app->boot_offset_ns))
		return -ENOMEM;
	if (outputs_need_timeline(&app->outs) || o->tree || o->summary) {
		app->tl = timeline_new(true);
		if (!app->tl)
			return -ENOMEM;
		timeline_prune_untraced(app->tl, app->sel.active);
		timeline_prune_ancestors(app->tl, o->command != NULL);
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
		if (outputs_reopen(&app->outs)) {
			app->failed = 1;
			return true;
		}
	}

	if (app->stream_closed && !app->outs.n && !app->opts.tree)
		return true;
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
	info->filters.threads = o->threads;
	info->filters.kthreads = o->kthreads;
	info->events = app->pump.events;
	info->lost = app->pump.lost;
	info->version = PROCLIFE_VERSION;
}

static int finish_outputs(struct app *app)
{
	struct pl_trace_info info;
	char hostname[256];
	struct utsname uts;
	int err = 0, report_fd;
	uint32_t *selected = calloc(app->sel.n ? app->sel.n : 1, sizeof(*selected));
	size_t n_selected = 0;

	/* a selected process with no event (a pre-existing sleeper under -p)
	 * is in the trace all the same */
	for (size_t i = 0; selected && i < app->sel.n; i++)
		if (app->sel.tasks[i].bits & TRACK_SELECTED)
			selected[n_selected++] = app->sel.tasks[i].pid;
	if (app->tl) {
		for (size_t i = 0; i < n_selected; i++)
			timeline_mark_selected(app->tl, selected[i]);
		timeline_finish(app->tl, app->end_ns);
	}
	fill_trace_info(app, &info, hostname, sizeof(hostname), &uts);
	outputs_end(&app->outs, &info, selected, n_selected);
	free(selected);

	/* reports go where they do not mix into a JSON stream or document */
	report_fd = (app->stream_on && app->opts.json) ||
		    outputs_to_stdout(&app->outs) ?
		    STDERR_FILENO : STDOUT_FILENO;
	if (app->opts.tree && app->tl) {
		err = output_tree(app->tl, &info, report_fd);
		if (err && err != -EPIPE)
			fprintf(stderr, "proclife: cannot print the tree: %s\n",
				strerror(-err));
		err = 0;
	}
	if (app->opts.summary && app->tl && !app->opts.no_sched) {
		err = output_summary(app->tl, report_fd);
		if (err && err != -EPIPE)
			fprintf(stderr, "proclife: cannot print the summary: %s\n",
				strerror(-err));
		err = 0;
	}
	return outputs_finish(&app->outs, app->tl, &info);
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

	pump_init(&app.pump, &app.tracer, on_event, flush_streams, &app);
	selection_init(&app.sel, &app.opts);
	app.boot_offset_ns = pl_boot_offset_ns();
	if (start_outputs(&app)) {
		fprintf(stderr, "proclife: out of memory\n");
		goto cleanup;
	}
	signals_hup_reopens(app.opts.service);
	signals_install();
	if (tracer_open(&app.tracer, &app.opts, pump_on_record, &app.pump))
		goto cleanup;
	app.start_ns = pl_now_boot_ns();
	/* --time rel counts from here */
	app.opts.view.start_ns = app.start_ns;
	if (app.stream_on)
		stream_set_view(&app.stream, &app.opts.view);
	{
		struct pl_trace_info info;
		char hostname[256];
		struct utsname uts;

		fill_trace_info(&app, &info, hostname, sizeof(hostname), &uts);
		outputs_set_start(&app.outs, &app.opts.view, &info,
				  app.sel.active, app.opts.command != NULL);
	}

	if (tracer_seed(&app.tracer, on_seed_record, &app)) {
		fprintf(stderr, "proclife: cannot list running tasks: %s\n",
			strerror(errno));
		goto cleanup;
	}
	if (selection_apply(&app.sel, &app.tracer))
		goto cleanup;

	signals_deliver_pending();
	if (app.opts.command && run_signals.stops) {
		/* stopped while starting: CMD would never see the signal */
		fprintf(stderr, "proclife: signal %d came before %s started: not started\n",
			(int)run_signals.last, app.opts.command[0]);
		app.cmd_not_started = true;
	} else if (app.opts.command) {
		/* CMD inherits tree membership from proclife, for its fork only */
		if (tracer_track(&app.tracer, getpid(), TRACK_IN_TREE))
			goto cleanup;
		err_no = command_spawn(&app.cmd, &app.run_as);
		tracer_untrack(&app.tracer, getpid());
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
	if (pump_once(&app.pump, true))
		app.failed = 1;
	if ((app.tl || outputs_records(&app.outs)) &&
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
	if (app.stream_on)
		stream_free(&app.stream);
	pump_free(&app.pump);
	selection_free(&app.sel);
cleanup_out:
	run_as_free(&app.run_as);
	outputs_free(&app.outs);
	return ret;
}
