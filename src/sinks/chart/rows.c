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
	uint32_t *group_of;	/* by timeline index: its container group */
	uint32_t group;		/* the group being walked */
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

/* q in the same group as the process at index i (an unknown one is not). */
static bool same_group(const struct builder *b, size_t i,
		       const struct tl_process *q)
{
	size_t k = index_of(b->tl, q);

	return k != NO_ROW && b->group_of[k] == b->group_of[i];
}

static bool in_walked_group(const struct builder *b, const struct tl_process *q)
{
	size_t k = index_of(b->tl, q);

	return k != NO_ROW && b->group_of[k] == b->group;
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
		h = mix(h, b->group_of[i]);
		tl_for_each_child(c, p) {
			size_t k = index_of(b->tl, c);

			/* a later-started child only: anything else is a cycle;
			 * one in another group is drawn there, not folded here */
			if (k == NO_ROW || k <= i || b->group_of[k] != b->group_of[i])
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

	return i != NO_ROW && k != NO_ROW && b->group_of[i] == b->group_of[k] &&
	       b->shape[i] == b->shape[k] &&
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
		if (c->next_sibling && sp < room)
			stack[sp++] = c->next_sibling;
		/* another group's: drawn there, with its subtree */
		if (b->group_of[k] != b->group)
			continue;
		b->visited[k] = true;
		b->row_of[k] = row;
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
	cr->rows[row] = (struct chart_row){ .p = p, .group = b->group,
					    .depth = depth, .count = count,
					    .descendants = below, .parent_row = -1 };
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
		if (visited(b, c) || !in_walked_group(b, c)) {
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

/* A container's header row, when there is room for it. */
static void add_header(struct builder *b, uint32_t group)
{
	struct chart_rows *cr = b->cr;

	if (cr->n >= b->max_rows)
		return;
	cr->rows[cr->n++] = (struct chart_row){ .group = group, .parent_row = -1 };
	cr->headers++;
}

/* The trees of one group (its processes' indexes, in table order): each
 * process whose parent is not in it. */
static void walk_group(struct builder *b, uint32_t group, const size_t *idx,
		       size_t n)
{
	size_t j;

	b->group = group;
	for (j = 0; j < n; j++) {
		const struct tl_process *p = timeline_proc(b->tl, idx[j]);

		if (!b->visited[idx[j]] &&
		    (!p->parent || !same_group(b, idx[j], p->parent)))
			walk(b, p);
	}
	/* Only a parent cycle (never from a sane kernel) leaves any behind. */
	for (j = 0; j < n; j++)
		if (!b->visited[idx[j]])
			walk(b, timeline_proc(b->tl, idx[j]));
}

/* Each group's processes in table order, the groups one after another
 * (a counting sort: linear whatever the number of containers). */
static int order_by_group(const struct builder *b, size_t ngroups,
			  size_t **order, size_t **start)
{
	size_t i, g, *o = malloc((b->nprocs ? b->nprocs : 1) * sizeof(*o));
	size_t *st = calloc(ngroups + 2, sizeof(*st));

	if (!o || !st) {
		free(o);
		free(st);
		return -ENOMEM;
	}
	for (i = 0; i < b->nprocs; i++)
		st[b->group_of[i] + 1]++;
	for (g = 1; g < ngroups + 2; g++)
		st[g] += st[g - 1];
	for (i = 0; i < b->nprocs; i++)
		o[st[b->group_of[i]]++] = i;
	/* the fill moved each start to the next group's: shift back */
	for (g = ngroups + 1; g > 0; g--)
		st[g] = st[g - 1];
	st[0] = 0;
	*order = o;
	*start = st;
	return 0;
}

int chart_rows_build_grouped(struct chart_rows *cr, const struct timeline *tl,
			     const struct ctr_groups *groups,
			     size_t collapse_at, size_t max_rows)
{
	struct builder b = { .tl = tl, .cr = cr, .max_rows = max_rows };
	size_t i, n = timeline_count(tl), ngroups = groups ? groups->n : 0;
	size_t *order = NULL, *start = NULL;
	int err = -ENOMEM;

	memset(cr, 0, sizeof(*cr));
	b.nprocs = n;
	b.fold = collapse_at && n > collapse_at;
	cr->rows = calloc(n + ngroups ? n + ngroups : 1, sizeof(*cr->rows));
	b.visited = calloc(n ? n : 1, sizeof(*b.visited));
	b.row_of = malloc((n ? n : 1) * sizeof(*b.row_of));
	b.stack = malloc((2 * n + 2) * sizeof(*b.stack));
	b.shape = malloc((n ? n : 1) * sizeof(*b.shape));
	b.subtree = malloc((n ? n : 1) * sizeof(*b.subtree));
	b.group_of = calloc(n ? n : 1, sizeof(*b.group_of));
	if (!cr->rows || !b.visited || !b.row_of || !b.stack || !b.shape ||
	    !b.subtree || !b.group_of)
		goto cleanup;
	for (i = 0; ngroups && i < n; i++)
		b.group_of[i] = (uint32_t)ctr_group_of(groups, timeline_proc(tl, i));
	compute_shapes(&b);
	for (i = 0; i < n; i++)
		b.row_of[i] = NO_ROW;

	if (order_by_group(&b, ngroups, &order, &start))
		goto cleanup;
	walk_group(&b, 0, order, start[1]);
	for (uint32_t g = 1; g <= ngroups; g++) {
		add_header(&b, g);
		walk_group(&b, g, order + start[g], start[g + 1] - start[g]);
	}

	for (i = 0; i < cr->n; i++) {
		const struct tl_process *parent = cr->rows[i].p ?
						  cr->rows[i].p->parent : NULL;
		size_t k = parent ? index_of(tl, parent) : NO_ROW;

		/* a guide stays inside its group */
		if (k != NO_ROW && b.row_of[k] != NO_ROW &&
		    b.group_of[k] == cr->rows[i].group)
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
	free(b.group_of);
	free(order);
	free(start);
	return err;
}

int chart_rows_build(struct chart_rows *cr, const struct timeline *tl,
		     size_t collapse_at, size_t max_rows)
{
	return chart_rows_build_grouped(cr, tl, NULL, collapse_at, max_rows);
}

void chart_rows_free(struct chart_rows *cr)
{
	free(cr->rows);
	memset(cr, 0, sizeof(*cr));
}
