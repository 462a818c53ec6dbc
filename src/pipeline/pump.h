/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pump: polls the ring buffer, puts records back in time order
 * (reorder), decodes them and hands each event to the sinks. It owns the
 * trace's counters (events, lost, malformed, out of order) and reports
 * them once at the end.
 */
#ifndef PL_PUMP_H
#define PL_PUMP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/tracer.h"
#include "pipeline/event.h"
#include "pipeline/reorder.h"

/* One decoded event, in time order, to every sink. */
typedef void (*pump_event_fn)(void *ctx, const struct pl_event *ev);
/* After each batch: write out what the sinks buffered. 0 or -errno (fatal). */
typedef int (*pump_flush_fn)(void *ctx);
/* A cgroup's path (PL_EV_CGROUP), handed over as soon as it is read, not
 * in time order: the events that name the cgroup find it known. */
typedef void (*pump_cgroup_fn)(void *ctx, const struct pl_event *ev);
/* Checked before each wait: true ends the loop. */
typedef bool (*pump_stop_fn)(void *ctx);

struct pump {
	struct tracer *tracer;
	struct reorder reorder;
	pump_event_fn on_event;
	pump_flush_fn flush;
	pump_cgroup_fn on_cgroup;	/* NULL: cgroup records are dropped */
	void *ctx;
	uint64_t events;	/* events handed to the sinks */
	uint64_t lost;		/* the kernel's losses, plus our allocation failures */
	uint64_t losses[PL_LOSS_KINDS];	/* the same by kind (enum pl_loss_kind) */
	uint64_t pending[PL_LOSS_KINDS];	/* ours, not yet in a lost record */
	uint64_t malformed;	/* records that failed to decode */
};

void pump_init(struct pump *p, struct tracer *t, pump_event_fn on_event,
	       pump_flush_fn flush, void *ctx);
void pump_free(struct pump *p);
void pump_set_cgroup_fn(struct pump *p, pump_cgroup_fn on_cgroup);
/* The ring buffer's callback (ctx: the pump). */
int pump_on_record(void *ctx, void *data, size_t size);
/*
 * Read what the kernel has, and emit what can no longer be overtaken
 * (everything when final). 0 or -errno, said on stderr.
 */
int pump_once(struct pump *p, bool final);
/* Poll until stop() says so; *deadline (CLOCK_BOOTTIME ns, 0: none; stop()
 * may move it) only shortens the waits, stop() decides. sigmask is in
 * place during each wait only (see cli/signals.h). */
int pump_loop(struct pump *p, pump_stop_fn stop, const uint64_t *deadline,
	      const sigset_t *sigmask);
/* A loss in user space (enum pl_loss_kind: loader or timeline memory):
 * reported in the next lost record, like the kernel's. */
void pump_note_loss(struct pump *p, uint32_t kind);
/* The trace is over: losses noted after the last lost record go into the
 * totals (and the document) all the same. */
void pump_settle(struct pump *p);
/* "proclife: N events, N lost[ (KIND N, ...)][, N malformed][, N out of
 * order]" on stderr. */
void pump_print_totals(const struct pump *p);

#endif
