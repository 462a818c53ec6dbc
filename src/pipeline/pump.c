// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pipeline/pump.h"
#include "util/names.h"
#include "util/timefmt.h"

/* How long a record waits for older ones from other CPUs. */
#define HOLD_NS		(2 * 1000 * 1000ULL)
/* Busy or not, pump at most this often: each pump costs a wake-up, a
 * ring-buffer pass and a write(), so a storm's records go out every 10 ms,
 * not every hold (1-3 ms). */
#define POLL_MIN_MS	10
#define POLL_MAX_MS	100

void pump_init(struct pump *p, struct tracer *t, pump_event_fn on_event,
	       pump_flush_fn flush, void *ctx)
{
	memset(p, 0, sizeof(*p));
	p->tracer = t;
	p->on_event = on_event;
	p->flush = flush;
	p->ctx = ctx;
	reorder_init(&p->reorder);
}

void pump_set_cgroup_fn(struct pump *p, pump_cgroup_fn on_cgroup)
{
	p->on_cgroup = on_cgroup;
}

void pump_free(struct pump *p)
{
	reorder_free(&p->reorder);
}

int pump_on_record(void *ctx, void *data, size_t size)
{
	struct pump *p = ctx;
	const struct pl_header *h = data;

	if (size < sizeof(*h)) {
		p->malformed++;
		return 0;
	}
	if (h->type == PL_EV_CGROUP) {
		struct pl_event ev;

		if (pl_event_decode(data, size, &ev))
			p->malformed++;
		else if (p->on_cgroup)
			p->on_cgroup(p->ctx, &ev);
		return 0;
	}
	if (reorder_push(&p->reorder, h->ts_ns, data, size))
		pump_note_loss(p, PL_LOSS_LOADER_ALLOC);	/* never silent */
	return 0;
}

static int emit_record(const void *rec, size_t size, void *ctx)
{
	struct pump *p = ctx;
	struct pl_event ev;

	if (pl_event_decode(rec, size, &ev)) {
		p->malformed++;
		return 0;
	}
	if (ev.type == PL_EV_LOST) {
		p->lost += ev.lost->count;
		for (uint32_t k = 0; k < PL_LOSS_KINDS; k++)
			p->losses[k] += pl_lost_kind(ev.lost, k);
	} else {
		p->events++;
	}
	p->on_event(p->ctx, &ev);
	return 0;
}

void pump_note_loss(struct pump *p, uint32_t kind)
{
	if (kind < PL_LOSS_KINDS)
		p->pending[kind]++;
}

void pump_settle(struct pump *p)
{
	for (uint32_t k = 0; k < PL_LOSS_KINDS; k++) {
		p->losses[k] += p->pending[k];
		p->lost += p->pending[k];
		p->pending[k] = 0;
	}
}

/* The kernel's new losses and ours become one PL_EV_LOST record. */
static void check_lost(struct pump *p, bool final)
{
	struct pl_lost rec;

	tracer_lost(p->tracer, &rec, final);
	for (uint32_t k = 0; k < PL_LOSS_KINDS; k++) {
		rec.by_type[PL_LOST_KIND_BASE + k] += p->pending[k];
		rec.count += p->pending[k];
		p->pending[k] = 0;
	}
	if (!rec.count)
		return;
	rec.h.ts_ns = pl_now_boot_ns();
	rec.h.type = PL_EV_LOST;
	rec.h.size = sizeof(rec);
	if (reorder_push(&p->reorder, rec.h.ts_ns, &rec, sizeof(rec))) {
		/* not even this record: the totals still say it */
		p->lost += rec.count + 1;
		for (uint32_t k = 0; k < PL_LOSS_KINDS; k++)
			p->losses[k] += pl_lost_kind(&rec, k);
		p->losses[PL_LOSS_LOADER_ALLOC]++;
	}
}

int pump_once(struct pump *p, bool final)
{
	uint64_t now = pl_now_boot_ns();
	int n;

	n = tracer_consume(p->tracer);
	if (n < 0) {
		fprintf(stderr, "proclife: reading the ring buffer failed: %s\n",
			strerror(-n));
		return n;
	}
	check_lost(p, final);
	reorder_flush(&p->reorder, final ? UINT64_MAX : now - HOLD_NS,
		      emit_record, p);
	return p->flush(p->ctx);
}

static int next_timeout(struct pump *p, int idle_ms, uint64_t deadline)
{
	uint64_t now = pl_now_boot_ns(), oldest = reorder_oldest(&p->reorder);
	int ms = idle_ms;

	if (oldest != UINT64_MAX) {
		uint64_t due = oldest + HOLD_NS;
		int wait = due > now ? (int)((due - now) / 1000000) + 1 : 1;

		if (wait < POLL_MIN_MS)
			wait = POLL_MIN_MS;

		if (wait < ms)
			ms = wait;
	}
	if (deadline) {
		int left = deadline > now ? (int)((deadline - now) / 1000000) + 1 : 0;

		if (left < ms)
			ms = left;
	}
	return ms;
}

int pump_loop(struct pump *p, pump_stop_fn stop, const uint64_t *deadline,
	      const sigset_t *sigmask)
{
	int idle_ms = POLL_MIN_MS;
	int err;

	while (!stop(p->ctx)) {
		uint64_t before = p->reorder.seq;

		err = tracer_wait(p->tracer, next_timeout(p, idle_ms, *deadline),
				  sigmask);
		if (err)
			return err;
		err = pump_once(p, false);
		if (err)
			return err;
		/* back off while idle, wake up fast again on activity */
		if (p->reorder.seq == before)
			idle_ms = idle_ms * 2 > POLL_MAX_MS ? POLL_MAX_MS : idle_ms * 2;
		else
			idle_ms = POLL_MIN_MS;
	}
	return 0;
}

void pump_print_totals(const struct pump *p)
{
	const char *sep = " (";

	fprintf(stderr, "proclife: %llu events, %llu lost",
		(unsigned long long)p->events, (unsigned long long)p->lost);
	for (uint32_t k = 0; k < PL_LOSS_KINDS; k++) {
		if (!p->losses[k])
			continue;
		fprintf(stderr, "%s%s %llu", sep, pl_loss_kind_name(k),
			(unsigned long long)p->losses[k]);
		sep = ", ";
	}
	if (sep[0] == ',')
		fputc(')', stderr);
	if (p->malformed)
		fprintf(stderr, ", %llu malformed",
			(unsigned long long)p->malformed);
	if (p->reorder.late)
		fprintf(stderr, ", %llu out of order",
			(unsigned long long)p->reorder.late);
	fputc('\n', stderr);
}
