// SPDX-License-Identifier: GPL-2.0
/* The tooltip of a row: identity, argv, exit, scheduler shares. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sinks/chart/draw.h"
#include "util/text.h"
#include "util/timefmt.h"
#include "util/xml.h"

/* ---- rows ---- */

static void put_argv(struct outbuf *ob, const struct tl_exec *e)
{
	const char *argv = tl_exec_argv(e), *arg;
	size_t pos = 0, len, shown = 0;

	outbuf_puts(ob, "$");
	if (!e->argv_len) {
		/* No argv read: the program is all we know. */
		outbuf_putc(ob, ' ');
		xml_escape(ob, tl_exec_filename(e), e->filename_len);
	}
	while (pl_argv_next(argv, e->argv_len, &pos, &arg, &len)) {
		outbuf_putc(ob, ' ');
		if (shown + len > ARGV_SHOWN) {
			if (shown < ARGV_SHOWN)
				xml_escape(ob, arg, ARGV_SHOWN - shown);
			outbuf_puts(ob, "\xe2\x80\xa6");
			return;
		}
		xml_escape(ob, arg, len);
		shown += len + 1;
	}
	if (e->flags & PL_EXEC_ARGV_TRUNC)
		outbuf_puts(ob, " \xe2\x80\xa6 (truncated)");
}

static void put_exit_line(struct chart *c, const struct tl_process *p,
			  const struct lifespan *ls)
{
	char st[48];

	if (lifespan_status_str(st, sizeof(st), p, true))
		chart_put(c->ob, "%s", st);
	else
		chart_put(c->ob, "%s", ls->alive ? "still running at the end" :
		    ls->unreaped ? "exited before the trace" : "exit not seen");
	if (ls->unreaped) {
		chart_put(c->ob, "; zombie, not reaped by the end");
	} else if (p->flags & TL_PROC_REAPED) {
		chart_put(c->ob, "; reaped by %u (%s) after ", p->reaper_pid,
		    tl_reap_how_name(p) ? tl_reap_how_name(p) : "?");
		text_duration(c->ob, ls->end - ls->exit, PL_DUR_SHORT);
		outbuf_puts(c->ob, " as a zombie");
	}
}

/* " 9.2ms (98%)": a time and its share of the accounted total. */
static void put_share(struct outbuf *ob, const char *what, uint64_t ns,
		      uint64_t total)
{
	uint64_t pct = total ? (ns * 200 / total + 1) / 2 : 0;

	chart_put(ob, "%s ", what);
	if (!ns) {
		outbuf_putc(ob, '0');
		return;
	}
	text_duration(ob, ns, PL_DUR_SHORT);
	if (pct)
		chart_put(ob, " (%u%%)", (unsigned int)pct);
	else
		outbuf_puts(ob, " (&lt;1%)");
}

/* Where the time went: two lines of the tooltip. */
static void put_sched(struct chart *c, const struct tl_process *p)
{
	const struct pl_sched *s = &p->sched->v;
	uint64_t total = chart_sched_total(s);

	outbuf_puts(c->ob, "&#10;");
	put_share(c->ob, "running", s->run_ns, total);
	put_share(c->ob, ", runnable", s->wait_ns, total);
	put_share(c->ob, ", sleeping", s->sleep_ns, total);
	put_share(c->ob, ", D", s->block_ns, total);
	if (s->stopped_ns)
		put_share(c->ob, ", stopped", s->stopped_ns, total);
	chart_put(c->ob, "&#10;%u voluntary + %u involuntary switches, %u migration%s",
	    s->nvcsw, s->nivcsw, s->migrations, s->migrations == 1 ? "" : "s");
	if (p->nr_threads > 1)
		outbuf_puts(c->ob, "; threads summed");
	if (s->flags & PL_SCHED_PARTIAL)
		outbuf_puts(c->ob, "; partial: part of its life was not seen");
}

/* The tooltip: newlines are &#10;, which the browsers show as breaks. */
void chart_write_tooltip(struct chart *c, const struct tl_process *p,
			 const struct lifespan *ls)
{
	const struct tl_exec *e = tl_last_exec(p), *x;
	unsigned int execs = 0, failed = 0;
	uint64_t born = p->start_ns < ls->start ? p->start_ns : ls->start;
	char id[TL_ID_LEN];

	tl_proc_id(id, sizeof(id), p);
	outbuf_puts(c->ob, "<title>");
	chart_put_comm(c->ob, p->comm);
	chart_put(c->ob, " (pid %u, ppid %u", p->pid, p->ppid);
	if (p->cur_ppid != p->ppid)
		chart_put(c->ob, ", reparented to %u", p->cur_ppid);
	chart_put(c->ob, ")%s&#10;", p->kind == TL_KIND_KTHREAD ? " kernel thread" : "");
	if (e) {
		put_argv(c->ob, e);
		outbuf_puts(c->ob, "&#10;");
	}
	if (ls->pre_existing) {
		outbuf_puts(c->ob, "started ");
		text_duration(c->ob, ls->start - born, PL_DUR_SHORT);
		outbuf_puts(c->ob, " before the trace");
	} else {
		outbuf_puts(c->ob, "started at +");
		text_duration(c->ob, ls->start - c->t0, PL_DUR_SHORT);
	}
	outbuf_puts(c->ob, "; lifetime ");
	text_duration(c->ob, ls->end - born, PL_DUR_SHORT);
	if (ls->zombie) {
		outbuf_puts(c->ob, " (running ");
		text_duration(c->ob, ls->exit - born, PL_DUR_SHORT);
		outbuf_puts(c->ob, ", zombie ");
		text_duration(c->ob, ls->end - ls->exit, PL_DUR_SHORT);
		outbuf_putc(c->ob, ')');
	}
	if (ls->alive || ls->unreaped)
		outbuf_puts(c->ob, " so far");
	outbuf_puts(c->ob, "&#10;");
	put_exit_line(c, p, ls);
	tl_for_each_exec(x, p) {
		execs++;
		failed += x->ret != 0;
	}
	chart_put(c->ob, "&#10;%u thread%s, %u exec%s", p->nr_threads,
	    p->nr_threads == 1 ? "" : "s", execs, execs == 1 ? "" : "s");
	if (failed)
		chart_put(c->ob, " (%u failed)", failed);
	chart_put(c->ob, "; id %s", id);
	if (p->sched)
		put_sched(c, p);
	if (chart_leader_states(p))
		outbuf_puts(c->ob, "&#10;bar: the leader thread\xe2\x80\x99s states over time");
	outbuf_puts(c->ob, "</title>");
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The spread of the lifetimes folded in a row: shortest, median, longest. */
static void put_spread(struct chart *c, const struct chart_row *r)
{
	const struct tl_process *q = r->p;
	uint64_t *life = malloc(r->count * sizeof(*life));
	struct lifespan ls;
	uint32_t i, n = 0;

	if (!life)
		return;
	for (i = 0; i < r->count && q; i++, q = q->next_sibling) {
		lifespan_of(q, c->t0, c->t1, &ls);
		life[n++] = ls.exit - ls.start;
	}
	if (n) {
		qsort(life, n, sizeof(*life), cmp_u64);
		chart_put(c->ob, "&#10;lifetime ");
		text_duration(c->ob, life[0], PL_DUR_SHORT);
		chart_put(c->ob, " \xe2\x80\xa6 ");
		text_duration(c->ob, life[n - 1], PL_DUR_SHORT);
		chart_put(c->ob, ", median ");
		text_duration(c->ob, life[n / 2], PL_DUR_SHORT);
	}
	free(life);
}

void chart_write_folded_tooltip(struct chart *c, const struct chart_row *r)
{
	const struct tl_process *q = r->p;
	size_t st[4] = { 0 };
	uint32_t i, lo = q->pid, hi = q->pid;

	for (i = 0; i < r->count && q; i++, q = q->next_sibling) {
		st[lifespan_status(q)]++;
		lo = q->pid < lo ? q->pid : lo;
		hi = q->pid > hi ? q->pid : hi;
	}
	chart_put(c->ob, "<title>%u \xc3\x97 ", r->count);
	chart_put_comm(c->ob, r->p->comm);
	chart_put(c->ob, " (pids %u\xe2\x80\xa6%u), children of %u&#10;exit 0: %zu, "
	    "exit \xe2\x89\xa0 0: %zu, killed: %zu, no exit seen: %zu",
	    lo, hi, r->p->ppid, st[LS_STATUS_OK], st[LS_STATUS_FAIL],
	    st[LS_STATUS_SIGNAL], st[LS_STATUS_NONE]);
	put_spread(c, r);
	if (r->descendants)
		chart_put(c->ob, "&#10;each with the same subtree of %u "
			  "processes, folded into this row", r->descendants);
	chart_put(c->ob, "</title>");
}
