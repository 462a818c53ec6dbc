// SPDX-License-Identifier: GPL-2.0
/*
 * Like pstree, with each life summed up on its line:
 *
 *	100 bash [pre-existing]  running 2.51s+
 *	|-200 sh -c 'echo hi'  12.3ms  exit 0  zombie 1.20ms  [cpu 1.10ms wait 52us]
 *	`-201 ./crash  1.20s  killed by SIGSEGV (core)  autoreaped  [cpu 1.19s wait 3ms]
 *
 * When processes live in containers, the host's tree comes first, then
 * each container's under a "container ID  PATH" line: a process whose
 * parent is elsewhere (a container's init, a runc exec) heads a tree of
 * its container, and its line says the parent ("[from 4242]").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/names.h"
#include "model/lifespan.h"
#include "sinks/containers.h"
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

/* Inside a pid namespace: its pid there; heading a container's tree
 * whose parent is elsewhere: that parent. */
static void put_ns(struct outbuf *ob, const struct tl_process *p, bool head)
{
	if ((p->flags & TL_PROC_WHERE) && p->where.ns_pid &&
	    p->where.ns_pid != p->pid) {
		outbuf_puts(ob, " [ns pid ");
		outbuf_u64(ob, p->where.ns_pid);
		outbuf_putc(ob, ']');
	}
	if (head && p->parent) {
		outbuf_puts(ob, " [from ");
		outbuf_u64(ob, p->parent->pid);
		outbuf_putc(ob, ']');
	}
}

static void put_line(struct outbuf *ob, const struct tl_process *p,
		     uint64_t end_ns, bool head)
{
	uint32_t threads = p->nr_threads;

	outbuf_u64(ob, p->pid);
	outbuf_putc(ob, ' ');
	put_command(ob, p);
	put_ns(ob, p, head);
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
	const struct ctr_groups *groups;
	size_t group;		/* the one being drawn: 0 the host */
};

static bool in_group(const struct walk *w, const struct tl_process *p)
{
	return ctr_group_of(w->groups, p) == w->group;
}

/* c or its first next sibling in the group drawn, or NULL. */
static const struct tl_process *in_group_from(const struct walk *w,
					      const struct tl_process *c)
{
	while (c && !in_group(w, c))
		c = c->next_sibling;
	return c;
}

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
	const struct tl_process *first = in_group_from(w, root->first_child);

	put_line(ob, root, end_ns, w->group != 0);
	w->depth = 0;
	if (first && push(w, first, 0))
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
		f->next = in_group_from(w, c->next_sibling);
		last = !f->next;
		outbuf_put(ob, w->prefix, plen);
		outbuf_puts(ob, last ? "`-" : "|-");
		put_line(ob, c, end_ns, false);
		first = in_group_from(w, c->first_child);
		if (first) {
			if (push(w, first, plen + 2))
				return -ENOMEM;
			memcpy(w->prefix + plen, last ? "  " : "| ", 2);
		}
	}
	return 0;
}

/* The trees of one group: each process whose parent is not in it. */
static int walk_group(struct walk *w, struct outbuf *ob,
		      const struct timeline *tl, uint64_t end_ns)
{
	int err = 0;

	for (size_t i = 0; i < timeline_count(tl) && !err && !ob->err; i++) {
		const struct tl_process *p = timeline_proc(tl, i);

		if (in_group(w, p) && (!p->parent || !in_group(w, p->parent)))
			err = walk_root(w, ob, p, end_ns);
	}
	return err;
}

int tree_write_grouped(const struct timeline *tl, const struct cgroups *cg,
		       struct outbuf *ob)
{
	struct ctr_groups groups;
	struct walk w = { .groups = &groups };
	uint64_t end_ns = timeline_end_ns(tl);
	char short_id[PL_CONTAINER_SHORT_LEN + 1];
	int err;

	err = ctr_groups_build(&groups, tl, cg);
	if (err)
		return err;
	if (!timeline_count(tl))
		outbuf_puts(ob, "(no processes)\n");
	err = walk_group(&w, ob, tl, end_ns);
	for (size_t g = 0; g < groups.n && !err && !ob->err; g++) {
		outbuf_puts(ob, "\ncontainer ");
		outbuf_puts(ob, pl_container_short(groups.ids[g], short_id));
		outbuf_puts(ob, "  ");
		text_escaped(ob, groups.paths[g], strlen(groups.paths[g]));
		outbuf_putc(ob, '\n');
		w.group = g + 1;
		err = walk_group(&w, ob, tl, end_ns);
	}
	ctr_groups_free(&groups);
	free(w.stack);
	free(w.prefix);
	if (err) {
		outbuf_flush(ob);
		return err;
	}
	return outbuf_flush(ob);
}

int tree_write(const struct timeline *tl, struct outbuf *ob)
{
	return tree_write_grouped(tl, NULL, ob);
}

static int tree_finish(struct pl_sink *s, const struct timeline *tl,
		       const struct pl_trace_info *info)
{
	return tree_write_grouped(tl, info->cgroups, &s->ob);
}

const struct pl_sink_ops pl_sink_tree = {
	.name = "tree",
	.timeline = true,
	.finish = tree_finish,
};
