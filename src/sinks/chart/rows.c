// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sinks/chart/rows.h"

#define NO_ROW ((size_t)-1)

struct builder {
	const struct timeline *tl;
	struct chart_rows *cr;
	size_t nprocs;
	size_t max_rows;
	bool fold;
	bool *visited;		/* by timeline index */
	size_t *row_of;		/* by timeline index */
	const struct tl_process **stack;	/* next child to visit, per depth */
};

/* Timeline index of p: the table is sorted by (start_ns, pid). */
static size_t index_of(const struct timeline *tl, const struct tl_process *p)
{
	size_t lo = 0, hi = timeline_count(tl);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct tl_process *q = timeline_proc(tl, mid);

		if (q == p)
			return mid;
		if (q->start_ns < p->start_ns ||
		    (q->start_ns == p->start_ns && q->pid < p->pid))
			lo = mid + 1;
		else
			hi = mid;
	}
	return NO_ROW;
}

static bool foldable(const struct tl_process *a, const struct tl_process *b)
{
	return !a->first_child && !b->first_child &&
	       strncmp(a->comm, b->comm, PL_COMM_LEN) == 0;
}

/* Marks p and the count-1 siblings after it visited; the row if it fits. */
static void add_row(struct builder *b, const struct tl_process *p,
		    uint32_t depth, uint32_t count)
{
	struct chart_rows *cr = b->cr;
	const struct tl_process *q = p;
	size_t row = cr->n < b->max_rows ? cr->n : NO_ROW;
	uint32_t i;

	for (i = 0; i < count; i++, q = q->next_sibling) {
		size_t k = index_of(b->tl, q);

		if (k != NO_ROW) {
			b->visited[k] = true;
			b->row_of[k] = row;
		}
	}
	if (row == NO_ROW) {
		cr->hidden += count;
		return;
	}
	if (count > 1)
		cr->folded += count;
	cr->rows[row] = (struct chart_row){ .p = p, .depth = depth,
					    .count = count, .parent_row = -1 };
	cr->n++;
}

static bool visited(struct builder *b, const struct tl_process *p)
{
	size_t k = index_of(b->tl, p);

	/* Not in the table (never after finish): treat as done. */
	return k == NO_ROW || b->visited[k];
}

/* A run of unvisited leaf siblings sharing p's comm, p included. */
static uint32_t run_length(struct builder *b, const struct tl_process *p)
{
	const struct tl_process *q = p->next_sibling;
	uint32_t n = 1;

	if (!b->fold || p->first_child)
		return 1;
	for (; q && n < UINT32_MAX && foldable(p, q) && !visited(b, q);
	     q = q->next_sibling)
		n++;
	return n;
}

/* Depth-first with an explicit stack; visited marks make cycles harmless. */
static void walk(struct builder *b, const struct tl_process *root)
{
	size_t sp = 0;

	add_row(b, root, 0, 1);
	b->stack[sp++] = root->first_child;
	while (sp) {
		const struct tl_process *c = b->stack[sp - 1];
		const struct tl_process *next = c;
		uint32_t n, i;

		if (!c) {
			sp--;
			continue;
		}
		if (visited(b, c)) {
			b->stack[sp - 1] = c->next_sibling;
			continue;
		}
		n = run_length(b, c);
		add_row(b, c, (uint32_t)sp, n);
		for (i = 0; i < n; i++)
			next = next->next_sibling;
		b->stack[sp - 1] = next;
		/* Each push is a node seen once: n + 1 entries are enough. */
		if (n == 1 && c->first_child && sp <= b->nprocs)
			b->stack[sp++] = c->first_child;
	}
}

int chart_rows_build(struct chart_rows *cr, const struct timeline *tl,
		     size_t collapse_at, size_t max_rows)
{
	struct builder b = { .tl = tl, .cr = cr, .max_rows = max_rows };
	size_t i, n = timeline_count(tl);
	int err = -ENOMEM;

	memset(cr, 0, sizeof(*cr));
	b.nprocs = n;
	b.fold = collapse_at && n > collapse_at;
	cr->rows = calloc(n ? n : 1, sizeof(*cr->rows));
	b.visited = calloc(n ? n : 1, sizeof(*b.visited));
	b.row_of = malloc((n ? n : 1) * sizeof(*b.row_of));
	b.stack = malloc((n + 1) * sizeof(*b.stack));
	if (!cr->rows || !b.visited || !b.row_of || !b.stack)
		goto cleanup;
	for (i = 0; i < n; i++)
		b.row_of[i] = NO_ROW;

	for (i = 0; i < n; i++) {
		const struct tl_process *p = timeline_proc(tl, i);

		if (!p->parent)
			walk(&b, p);
	}
	/* Only a parent cycle (never from a sane kernel) leaves any behind. */
	for (i = 0; i < n; i++)
		if (!b.visited[i])
			walk(&b, timeline_proc(tl, i));

	for (i = 0; i < cr->n; i++) {
		const struct tl_process *parent = cr->rows[i].p->parent;
		size_t k = parent ? index_of(tl, parent) : NO_ROW;

		if (k != NO_ROW && b.row_of[k] != NO_ROW)
			cr->rows[i].parent_row = (int64_t)b.row_of[k];
	}
	err = 0;
cleanup:
	if (err)
		chart_rows_free(cr);
	free(b.visited);
	free(b.row_of);
	free(b.stack);
	return err;
}

void chart_rows_free(struct chart_rows *cr)
{
	free(cr->rows);
	memset(cr, 0, sizeof(*cr));
}
