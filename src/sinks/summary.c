// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"
#include "model/lifespan.h"
#include "sinks/containers.h"
#include "sinks/sink.h"
#include "sinks/summary.h"
#include "util/timefmt.h"

enum column { COL_RUN, COL_WAIT, COL_BLOCK };

static uint64_t value(const struct tl_process *p, enum column c)
{
	const struct pl_sched *s = &p->sched->v;

	switch (c) {
	case COL_RUN: return s->run_ns;
	case COL_WAIT: return s->wait_ns;
	case COL_BLOCK: return s->block_ns;
	}
	return 0;
}

/* The top SUMMARY_TOP by one column, by insertion into a tiny array. */
static size_t top(const struct timeline *tl, enum column c,
		  const struct tl_process **best)
{
	size_t n = 0;

	for (size_t i = 0; i < timeline_count(tl); i++) {
		const struct tl_process *p = timeline_proc(tl, i);
		size_t k;

		if (!p->sched || !value(p, c))
			continue;
		for (k = n; k > 0 && value(best[k - 1], c) < value(p, c); k--)
			if (k < SUMMARY_TOP)
				best[k] = best[k - 1];
		if (k < SUMMARY_TOP) {
			best[k] = p;
			if (n < SUMMARY_TOP)
				n++;
		}
	}
	return n;
}

static void write_column(const struct timeline *tl, struct outbuf *ob,
			 enum column c, const char *title)
{
	const struct tl_process *best[SUMMARY_TOP];
	size_t n = top(tl, c, best);

	outbuf_puts(ob, title);
	outbuf_putc(ob, '\n');
	if (!n)
		outbuf_puts(ob, "  (none)\n");
	for (size_t i = 0; i < n; i++) {
		const struct tl_process *p = best[i];
		size_t len = strnlen(p->comm, PL_COMM_LEN);

		outbuf_puts(ob, "  ");
		outbuf_str_pad(ob, "", 0);
		text_duration(ob, value(p, c), PL_DUR_SHORT);
		outbuf_puts(ob, "\t");
		outbuf_u64(ob, p->pid);
		outbuf_putc(ob, ' ');
		text_escaped(ob, p->comm, len);
		if (p->sched->v.flags & PL_SCHED_PARTIAL)
			outbuf_puts(ob, " (partial)");
		outbuf_putc(ob, '\n');
	}
}

/* One group's sums: processes, exits that failed, scheduler times. */
struct totals {
	uint64_t procs, failed, run_ns, wait_ns, block_ns;
};

static void put_totals(struct outbuf *ob, const char *name,
		       const struct totals *t)
{
	outbuf_puts(ob, "  ");
	outbuf_str_pad(ob, name, 14);
	outbuf_u64_pad(ob, t->procs, 6);
	outbuf_u64_pad(ob, t->failed, 7);
	outbuf_puts(ob, "  ");
	text_duration(ob, t->run_ns, PL_DUR_SHORT);
	outbuf_puts(ob, "\t");
	text_duration(ob, t->wait_ns, PL_DUR_SHORT);
	outbuf_puts(ob, "\t");
	text_duration(ob, t->block_ns, PL_DUR_SHORT);
	outbuf_putc(ob, '\n');
}

/* Totals per container (the host first), when any process is in one. */
static int write_containers(const struct timeline *tl,
			    const struct cgroups *cg, struct outbuf *ob)
{
	char short_id[PL_CONTAINER_SHORT_LEN + 1];
	struct ctr_groups g;
	struct totals *t;
	int err = ctr_groups_build(&g, tl, cg);

	if (err || !g.n)
		return err;
	t = calloc(g.n + 1, sizeof(*t));
	if (!t) {
		ctr_groups_free(&g);
		return -ENOMEM;
	}
	for (size_t i = 0; i < timeline_count(tl); i++) {
		const struct tl_process *p = timeline_proc(tl, i);
		struct totals *x = &t[ctr_group_of(&g, p)];

		x->procs++;
		if (lifespan_status(p) == LS_STATUS_FAIL ||
		    lifespan_status(p) == LS_STATUS_SIGNAL)
			x->failed++;
		if (p->sched) {
			x->run_ns += p->sched->v.run_ns;
			x->wait_ns += p->sched->v.wait_ns;
			x->block_ns += p->sched->v.block_ns;
		}
	}
	outbuf_puts(ob, "Totals per container:\n");
	outbuf_puts(ob, "  CONTAINER      PROCS FAILED  ON CPU\tWAITING\tIN D\n");
	put_totals(ob, "(host)", &t[0]);
	for (size_t i = 0; i < g.n; i++)
		put_totals(ob, pl_container_short(g.ids[i], short_id), &t[i + 1]);
	free(t);
	ctr_groups_free(&g);
	return 0;
}

int summary_write_grouped(const struct timeline *tl, const struct cgroups *cg,
			  struct outbuf *ob)
{
	int err;

	write_column(tl, ob, COL_RUN, "Top processes by time on CPU:");
	write_column(tl, ob, COL_WAIT, "Top processes by time waiting for a CPU:");
	write_column(tl, ob, COL_BLOCK, "Top processes by time in D (uninterruptible):");
	err = write_containers(tl, cg, ob);
	if (outbuf_flush(ob))
		return -ob->err;
	return err;
}

int summary_write(const struct timeline *tl, struct outbuf *ob)
{
	return summary_write_grouped(tl, NULL, ob);
}

static int summary_finish(struct pl_sink *s, const struct timeline *tl,
			  const struct pl_trace_info *info)
{
	return summary_write_grouped(tl, info->cgroups, &s->ob);
}

const struct pl_sink_ops pl_sink_summary = {
	.name = "summary",
	.timeline = true,
	.finish = summary_finish,
};
