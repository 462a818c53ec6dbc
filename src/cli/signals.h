/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Signals that end or steer a run (SIGINT, SIGTERM, SIGHUP) and SIGCHLD.
 *
 * They are blocked from the first line of main, so one that arrives while
 * the programs load is kept pending instead of lost: a background job of a
 * script starts with SIGINT ignored, and a SIGINT sent before the handler
 * was in place used to vanish, leaving the tracer running. They are let
 * through only inside the loop's wait (epoll_pwait), so one that comes
 * between the check of the flags and the wait still ends the wait at once.
 */
#ifndef PL_SIGNALS_H
#define PL_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

struct run_signals {
	volatile sig_atomic_t stops;	/* SIGINT, SIGTERM and SIGHUP seen */
	volatile sig_atomic_t forward;	/* signal to pass on to CMD, or 0 */
	volatile sig_atomic_t hangups;	/* SIGHUP seen (a reopen request) */
	volatile sig_atomic_t last;	/* the last of them */
};

extern struct run_signals run_signals;

/* Block them and remember the mask and dispositions proclife was given. */
void signals_block(void);
/* Catch them (they stay blocked until signals_wait_mask lets them in). */
void signals_install(void);
/* Long-running mode: SIGHUP asks for a reopen (hangups) and ends nothing. */
void signals_hup_reopens(bool on);
/* Take the handlers' note of any signal pending now. */
void signals_deliver_pending(void);
/* The mask to wait with: the signals above let through. */
const sigset_t *signals_wait_mask(void);
/* In CMD's child before exec: the mask and ignored dispositions proclife
 * was started with, as if proclife were not there. */
void signals_restore_for_child(void);

#endif
