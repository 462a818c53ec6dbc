// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"
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

int summary_write(const struct timeline *tl, struct outbuf *ob)
{
	write_column(tl, ob, COL_RUN, "Top processes by time on CPU:");
	write_column(tl, ob, COL_WAIT, "Top processes by time waiting for a CPU:");
	write_column(tl, ob, COL_BLOCK, "Top processes by time in D (uninterruptible):");
	if (outbuf_flush(ob))
		return -ob->err;
	return 0;
}

static int summary_finish(struct pl_sink *s, const struct timeline *tl,
			  const struct pl_trace_info *info)
{
	return summary_write(tl, &s->ob);
}

const struct pl_sink_ops pl_sink_summary = {
	.name = "summary",
	.timeline = true,
	.finish = summary_finish,
};
