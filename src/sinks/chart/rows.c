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
	uint64_t *shape;	/* by timeline index: comm and subtree, hashed */
	uint32_t *subtree;	/* by timeline index: descendants */
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

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdULL;
}

/*
 * Every process's shape: its comm and kind, then its children's shapes in
 * order. A child starts after its parent, so the table read backwards (by
 * start) has every child done before its parent.
 */
static void compute_shapes(struct builder *b)
{
	for (size_t i = b->nprocs; i-- > 0;) {
		const struct tl_process *p = timeline_proc(b->tl, i), *c;
		uint64_t h = 1469598103934665603ULL;
		uint32_t below = 0;

		for (size_t k = 0; k < PL_COMM_LEN && p->comm[k]; k++)
			h = mix(h, (unsigned char)p->comm[k]);
		h = mix(h, p->kind);
		tl_for_each_child(c, p) {
			size_t k = index_of(b->tl, c);

			/* a later-started child only: anything else is a cycle */
			if (k == NO_ROW || k <= i)
				continue;
			h = mix(h, b->shape[k]);
			below += 1 + b->subtree[k];
		}
		b->shape[i] = h;
		b->subtree[i] = below;
	}
}

static bool foldable(struct builder *b, const struct tl_process *a,
		     const struct tl_process *q)
{
	size_t i = index_of(b->tl, a), k = index_of(b->tl, q);

	return i != NO_ROW && k != NO_ROW && b->shape[i] == b->shape[k] &&
	       b->subtree[i] == b->subtree[k] &&
	       strncmp(a->comm, q->comm, PL_COMM_LEN) == 0;
}

/* The descendants of a folded process are drawn in its row. */
static void fold_subtree(struct builder *b, const struct tl_process *p,
			 size_t row)
{
	/* the second half of the stack: the walk's is the first */
	const struct tl_process **stack = b->stack + b->nprocs + 1;
	size_t room = b->nprocs + 1, sp = 0;

	if (p->first_child)
		stack[sp++] = p->first_child;
	while (sp) {
		const struct tl_process *c = stack[--sp];
		size_t k = index_of(b->tl, c);

		if (!c || k == NO_ROW || b->visited[k])
			continue;
		b->visited[k] = true;
		b->row_of[k] = row;
		if (c->next_sibling && sp < room)
			stack[sp++] = c->next_sibling;
		if (c->first_child && sp < room)
			stack[sp++] = c->first_child;
	}
}

/* Marks p and the count-1 siblings after it visited; the row if it fits. */
static void add_row(struct builder *b, const struct tl_process *p,
		    uint32_t depth, uint32_t count)
{
	struct chart_rows *cr = b->cr;
	const struct tl_process *q = p;
	size_t row = cr->n < b->max_rows ? cr->n : NO_ROW;
	uint32_t i;

	size_t k0 = index_of(b->tl, p);
	uint32_t below = count > 1 && k0 != NO_ROW ? b->subtree[k0] : 0;

	for (i = 0; i < count; i++, q = q->next_sibling) {
		size_t k = index_of(b->tl, q);

		if (k != NO_ROW) {
			b->visited[k] = true;
			b->row_of[k] = row;
		}
		if (count > 1)
			fold_subtree(b, q, row);
	}
	if (row == NO_ROW) {
		cr->hidden += (size_t)count * (1 + below);
		return;
	}
	if (count > 1)
		cr->folded += (size_t)count * (1 + below);
	cr->rows[row] = (struct chart_row){ .p = p, .depth = depth,
					    .count = count, .descendants = below,
					    .parent_row = -1 };
	cr->n++;
}

static bool visited(struct builder *b, const struct tl_process *p)
{
	size_t k = index_of(b->tl, p);

	/* Not in the table (never after finish): treat as done. */
	return k == NO_ROW || b->visited[k];
}

/*
 * A run of unvisited identical siblings, p included: CHART_FOLD_RUN or
 * more anywhere; in a large table, any run of leaves (as before).
 */
static uint32_t run_length(struct builder *b, const struct tl_process *p)
{
	const struct tl_process *q = p->next_sibling;
	uint32_t n = 1;

	for (; q && n < UINT32_MAX && foldable(b, p, q) && !visited(b, q);
	     q = q->next_sibling)
		n++;
	if (n >= CHART_FOLD_RUN || (b->fold && !p->first_child))
		return n;
	return 1;
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
	b.stack = malloc((2 * n + 2) * sizeof(*b.stack));
	b.shape = malloc((n ? n : 1) * sizeof(*b.shape));
	b.subtree = malloc((n ? n : 1) * sizeof(*b.subtree));
	if (!cr->rows || !b.visited || !b.row_of || !b.stack || !b.shape ||
	    !b.subtree)
		goto cleanup;
	compute_shapes(&b);
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
	free(b.shape);
	free(b.subtree);
	return err;
}

void chart_rows_free(struct chart_rows *cr)
{
	free(cr->rows);
	memset(cr, 0, sizeof(*cr));
}
