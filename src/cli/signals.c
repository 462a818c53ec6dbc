// SPDX-License-Identifier: GPL-2.0
#include <signal.h>
#include <string.h>

#include "cli/signals.h"

struct run_signals run_signals;

static const int handled[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD };
#define HANDLED_SIGHUP 2	/* its index in handled[] */
#define N_HANDLED (sizeof(handled) / sizeof(handled[0]))

static sigset_t start_mask;		/* the mask proclife was started with */
static sigset_t wait_mask;		/* start_mask with ours let through */
static bool ignored_at_start[N_HANDLED];
static volatile sig_atomic_t hup_reopens;

void signals_hup_reopens(bool on)
{
	hup_reopens = on;
}

static void on_stop(int sig)
{
	if (sig == SIGHUP && hup_reopens) {
		run_signals.hangups++;
		return;
	}
	run_signals.stops++;
	run_signals.last = sig;
	if (sig == SIGHUP)
		run_signals.hangups++;
	/* ^C reaches CMD from the terminal; SIGTERM and SIGHUP may not */
	if (sig != SIGINT)
		run_signals.forward = sig;
}

/* Only ends the wait, to reap CMD at once. */
static void on_child(int sig)
{
}

void signals_block(void)
{
	sigset_t ours;

	sigemptyset(&ours);
	for (size_t i = 0; i < N_HANDLED; i++) {
		struct sigaction old;

		sigaddset(&ours, handled[i]);
		if (!sigaction(handled[i], NULL, &old))
			ignored_at_start[i] = old.sa_handler == SIG_IGN;
	}
	sigprocmask(SIG_BLOCK, &ours, &start_mask);
	wait_mask = start_mask;
	for (size_t i = 0; i < N_HANDLED; i++)
		sigdelset(&wait_mask, handled[i]);
}

void signals_install(void)
{
	struct sigaction stop = { .sa_handler = on_stop };
	struct sigaction child = { .sa_handler = on_child,
				   .sa_flags = SA_NOCLDSTOP };

	sigemptyset(&stop.sa_mask);
	for (size_t i = 0; i < N_HANDLED; i++)
		sigaddset(&stop.sa_mask, handled[i]);
	child.sa_mask = stop.sa_mask;
	sigaction(SIGINT, &stop, NULL);
	sigaction(SIGTERM, &stop, NULL);
	/*
	 * Under nohup(1) a hangup is meant to pass unnoticed: by proclife
	 * and by CMD, which keeps SIGHUP ignored too. A shell's background
	 * job has SIGINT ignored, yet `kill -INT` must still end the trace,
	 * so only SIGHUP is left as it was; --service takes it for reopening.
	 */
	if (hup_reopens || !ignored_at_start[HANDLED_SIGHUP])
		sigaction(SIGHUP, &stop, NULL);
	sigaction(SIGCHLD, &child, NULL);
	signal(SIGPIPE, SIG_IGN);
}

void signals_deliver_pending(void)
{
	sigset_t blocked;

	/* pending ones are delivered on the way out of the first call */
	sigprocmask(SIG_SETMASK, &wait_mask, &blocked);
	sigprocmask(SIG_SETMASK, &blocked, NULL);
}

const sigset_t *signals_wait_mask(void)
{
	return &wait_mask;
}

void signals_restore_for_child(void)
{
	for (size_t i = 0; i < N_HANDLED; i++)
		signal(handled[i], ignored_at_start[i] ? SIG_IGN : SIG_DFL);
	signal(SIGPIPE, SIG_DFL);	/* ignored dispositions survive exec */
	sigprocmask(SIG_SETMASK, &start_mask, NULL);
}
