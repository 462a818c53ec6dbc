// SPDX-License-Identifier: GPL-2.0
/*
 * Like pstree, with each life summed up on its line:
 *
 *	100 bash [pre-existing]  running 2.51s+
 *	|-200 sh -c 'echo hi'  12.3ms  exit 0  zombie 1.20ms  [cpu 1.10ms wait 52us]
 *	`-201 ./crash  1.20s  killed by SIGSEGV (core)  autoreaped  [cpu 1.19s wait 3ms]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/names.h"
#include "model/lifespan.h"
#include "sinks/sink.h"
#include "sinks/tree.h"
#include "util/text.h"
#include "util/timefmt.h"

#define CMD_MAX 200	/* display bytes of a command line before "..." */

/* The last program's argv (or filename), else the comm. */
static void put_command(struct outbuf *ob, const struct tl_process *p)
{
	const struct tl_exec *e = tl_last_exec(p);
	const char *arg;
	size_t pos = 0, n, shown = 0;
	bool any = false;

	if (!e) {
		if (p->kind == TL_KIND_KTHREAD)
			outbuf_putc(ob, '[');
		text_shell_arg(ob, p->comm, strnlen(p->comm, sizeof(p->comm)));
		if (p->kind == TL_KIND_KTHREAD)
			outbuf_putc(ob, ']');
		return;
	}
	while (pl_argv_next(tl_exec_argv(e), e->argv_len, &pos, &arg, &n)) {
		if (shown >= CMD_MAX) {
			outbuf_puts(ob, " ...");
			return;
		}
		if (any)
			outbuf_putc(ob, ' ');
		text_shell_arg(ob, arg, n > CMD_MAX ? CMD_MAX : n);
		if (n > CMD_MAX)
			outbuf_puts(ob, "...");
		shown += n + 1;
		any = true;
	}
	if (!any)
		text_shell_arg(ob, tl_exec_filename(e), e->filename_len);
	if (e->flags & PL_EXEC_ARGV_TRUNC)
		outbuf_puts(ob, " ...");
}

static void put_status(struct outbuf *ob, const struct tl_process *p)
{
	char st[48];

	if (lifespan_status(p) == LS_STATUS_NONE)
		outbuf_puts(ob, "exit unknown");
	else
		outbuf_put(ob, st, lifespan_status_str(st, sizeof(st), p, true));
}

/* Lifetime, how it ended and how long it stayed a zombie. */
static void put_life(struct outbuf *ob, const struct tl_process *p,
		     uint64_t end_ns)
{
	bool exited = p->flags & TL_PROC_EXITED;
	bool reaped = p->flags & TL_PROC_REAPED;
	const char *how = tl_reap_how_name(p);

	outbuf_puts(ob, "  ");
	if (exited) {
		text_duration(ob, p->exit_ns - p->start_ns, PL_DUR_FIXED);
	} else if (reaped) {
		/* Exit lost: it ended at the reap at the latest. */
		outbuf_puts(ob, "<=");
		text_duration(ob, p->reap_ns > p->start_ns ? p->reap_ns - p->start_ns : 0, PL_DUR_FIXED);
	} else if (!(p->flags & TL_PROC_ZOMBIE_AT_START)) {
		outbuf_puts(ob, "running ");
		text_duration(ob, end_ns > p->start_ns ? end_ns - p->start_ns : 0, PL_DUR_FIXED);
		outbuf_putc(ob, '+');
		return;
	}
	if (exited || reaped) {
		outbuf_puts(ob, "  ");
		put_status(ob, p);
	} else {
		outbuf_puts(ob, "zombie at start");
	}

	if (reaped && p->reap_how == TL_REAP_AUTOREAP) {
		outbuf_puts(ob, "  autoreaped");
	} else if (reaped) {
		if (exited) {
			outbuf_puts(ob, "  zombie ");
			text_duration(ob, p->reap_ns - p->exit_ns, PL_DUR_FIXED);
		} else {
			outbuf_puts(ob, "  reaped");
		}
		if (p->reap_how != TL_REAP_WAIT && how) {
			outbuf_puts(ob, " (reaped by ");
			outbuf_puts(ob, how);
			outbuf_putc(ob, ' ');
			outbuf_u64(ob, p->reaper_pid);
			outbuf_putc(ob, ')');
		}
	} else if (exited) {
		outbuf_puts(ob, "  zombie ");
		text_duration(ob, end_ns > p->exit_ns ? end_ns - p->exit_ns : 0, PL_DUR_FIXED);
		outbuf_puts(ob, "+ (not reaped)");
	}
}

/* Where the time went: on a CPU, waiting for one, and in D when any. */
static void put_sched(struct outbuf *ob, const struct tl_process *p)
{
	const struct pl_sched *s;

	if (!p->sched)
		return;
	s = &p->sched->v;
	outbuf_puts(ob, "  [cpu ");
	text_duration(ob, s->run_ns, PL_DUR_FIXED);
	outbuf_puts(ob, " wait ");
	text_duration(ob, s->wait_ns, PL_DUR_FIXED);
	if (s->block_ns) {
		outbuf_puts(ob, " D ");
		text_duration(ob, s->block_ns, PL_DUR_FIXED);
	}
	if (s->flags & PL_SCHED_PARTIAL)
		outbuf_puts(ob, " partial");
	outbuf_putc(ob, ']');
}

static void put_line(struct outbuf *ob, const struct tl_process *p,
		     uint64_t end_ns)
{
	uint32_t threads = p->nr_threads;

	outbuf_u64(ob, p->pid);
	outbuf_putc(ob, ' ');
	put_command(ob, p);
	if (p->flags & TL_PROC_PRE_EXISTING)
		outbuf_puts(ob, " [pre-existing]");
	put_life(ob, p, end_ns);
	if (threads > 1) {
		outbuf_puts(ob, "  ");
		outbuf_u64(ob, threads);
		outbuf_puts(ob, " threads");
	}
	put_sched(ob, p);
	if (p->gaps) {
		const char *sep = "  [missed: ";

		for (unsigned int i = 0; i < TL_GAP_COUNT; i++) {
			if (p->gaps & (1U << i)) {
				outbuf_puts(ob, sep);
				outbuf_puts(ob, tl_gap_name(1U << i));
				sep = ",";
			}
		}
		outbuf_putc(ob, ']');
	}
	outbuf_putc(ob, '\n');
}

/* Per level of the walk: the next child to print and its indentation. */
struct frame {
	const struct tl_process *next;
	size_t plen;
};

struct walk {
	struct frame *stack;
	size_t depth, cap;
	char *prefix;
	size_t prefix_cap;
};

static int push(struct walk *w, const struct tl_process *first, size_t plen)
{
	if (w->depth == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64;
		struct frame *s = realloc(w->stack, cap * sizeof(*s));

		if (!s)
			return -ENOMEM;
		w->stack = s;
		w->cap = cap;
	}
	if (plen + 2 > w->prefix_cap) {
		size_t cap = w->prefix_cap ? 2 * w->prefix_cap : 128;
		char *p = realloc(w->prefix, cap);

		if (!p)
			return -ENOMEM;
		w->prefix = p;
		w->prefix_cap = cap;
	}
	w->stack[w->depth].next = first;
	w->stack[w->depth].plen = plen;
	w->depth++;
	return 0;
}

/* Iterative, so a fork chain a million deep cannot overflow the stack. */
static int walk_root(struct walk *w, struct outbuf *ob,
		     const struct tl_process *root, uint64_t end_ns)
{
	put_line(ob, root, end_ns);
	w->depth = 0;
	if (root->first_child && push(w, root->first_child, 0))
		return -ENOMEM;
	while (w->depth && !ob->err) {
		struct frame *f = &w->stack[w->depth - 1];
		const struct tl_process *c = f->next;
		bool last;
		size_t plen = f->plen;

		if (!c) {
			w->depth--;
			continue;
		}
		last = !c->next_sibling;
		f->next = c->next_sibling;
		outbuf_put(ob, w->prefix, plen);
		outbuf_puts(ob, last ? "`-" : "|-");
		put_line(ob, c, end_ns);
		if (c->first_child) {
			if (push(w, c->first_child, plen + 2))
				return -ENOMEM;
			memcpy(w->prefix + plen, last ? "  " : "| ", 2);
		}
	}
	return 0;
}

int tree_write(const struct timeline *tl, struct outbuf *ob)
{
	struct walk w = { 0 };
	size_t n = timeline_count(tl);
	uint64_t end_ns = timeline_end_ns(tl);
	int err = 0;

	if (!n)
		outbuf_puts(ob, "(no processes)\n");
	for (size_t i = 0; i < n && !err && !ob->err; i++) {
		const struct tl_process *p = timeline_proc(tl, i);

		if (!p->parent)
			err = walk_root(&w, ob, p, end_ns);
	}
	free(w.stack);
	free(w.prefix);
	if (err) {
		outbuf_flush(ob);
		return err;
	}
	return outbuf_flush(ob);
}

static int tree_finish(struct pl_sink *s, const struct timeline *tl,
		       const struct pl_trace_info *info)
{
	return tree_write(tl, &s->ob);
}

const struct pl_sink_ops pl_sink_tree = {
	.name = "tree",
	.timeline = true,
	.finish = tree_finish,
};
