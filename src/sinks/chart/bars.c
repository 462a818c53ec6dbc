// SPDX-License-Identifier: GPL-2.0
/* One row of the chart: label, bar marks, tree guides. */
#include <string.h>

#include "sinks/chart/draw.h"
#include "util/xml.h"

/*
 * Tree guides in the label column, all in one path: from under the
 * parent's label down to the child's row, then across to its label.
 */
void chart_write_tree_guides(struct chart *c, double top)
{
	bool any = false;
	size_t i;

	for (i = 0; i < c->rows.n; i++) {
		const struct chart_row *r = &c->rows.rows[i];
		const struct chart_row *pr;
		double px, cx;

		if (r->parent_row < 0)
			continue;
		pr = &c->rows.rows[r->parent_row];
		px = chart_label_x(c, pr) + 3;
		cx = chart_label_x(c, r) - 2;
		if (cx <= px)
			continue;
		if (!any)
			chart_put(c->ob, "<path class=\"f\" d=\"");
		any = true;
		chart_put(c->ob, "M%f %fV%fH%f", px,
		    top + (double)r->parent_row * ROW_H + ROW_H - 1,
		    top + (double)i * ROW_H + ROW_H / 2.0, cx);
	}
	if (any)
		chart_put(c->ob, "\"/>\n");
}

static void write_bars(struct chart *c, const struct tl_process *p,
		       const struct lifespan *ls, double y)
{
	static const char *const dot[] = {
		[LS_STATUS_OK] = "s0", [LS_STATUS_FAIL] = "s1",
		[LS_STATUS_SIGNAL] = "s2",
	};
	double xs = chart_x_of(c, ls->start), xe = chart_x_of(c, ls->exit);
	double xz = chart_x_of(c, ls->end);
	enum ls_status st = lifespan_status(p);
	const struct tl_exec *e;

	if (!(p->flags & TL_PROC_ZOMBIE_AT_START))
		chart_write_alive(c, p, ls, y);
	if (ls->zombie)
		chart_put(c->ob, "<rect class=\"z\" x=\"%f\" y=\"%f\" width=\"%f\" height=\"%u\"/>",
		    xe, y + BAR_Y, xz - xe < 1 ? 1.0 : xz - xe, BAR_H);
	if (ls->pre_existing)
		chart_put(c->ob, "<path class=\"p\" d=\"M%f %fl-6 5l6 5z\"/>", xs - 1,
		    y + BAR_Y);
	if (ls->alive || ls->unreaped)
		chart_put(c->ob, "<path class=\"%s\" d=\"M%f %fl6 5l-6 5z\"/>",
		    ls->alive ? "a" : "za", xz + 1, y + BAR_Y);
	tl_for_each_exec(e, p)
		chart_put(c->ob, "<rect class=\"%s\" x=\"%f\" y=\"%f\" width=\"2\" height=\"12\"/>",
		    e->ret ? "xf" : "x", chart_x_of(c, e->t_ns < c->t0 ? c->t0 : e->t_ns) - 1,
		    y + 1);
	if (st != LS_STATUS_NONE && (p->flags & TL_PROC_EXITED))
		chart_put(c->ob, "<circle class=\"%s\" cx=\"%f\" cy=\"%f\" r=\"3.5\"/>",
		    dot[st], xe, y + ROW_H / 2.0);
}

void chart_write_row(struct chart *c, size_t i, double top)
{
	const struct chart_row *r = &c->rows.rows[i];
	const struct tl_process *q = r->p;
	double y = top + (double)i * ROW_H;
	struct lifespan ls;
	uint32_t k;

	lifespan_of(r->p, c->t0, c->t1, &ls);
	chart_put(c->ob, "<g class=\"r\">");
	if (r->count > 1)
		chart_write_folded_tooltip(c, r);
	else
		chart_write_tooltip(c, r->p, &ls);
	chart_put(c->ob, "<rect class=\"h\" y=\"%f\" width=\"%u\" height=\"%u\"/>",
	    y, c->width, ROW_H);
	chart_put(c->ob, "<text x=\"%f\" y=\"%f\">", chart_label_x(c, r), y + 11);
	chart_put_comm(c->ob, r->p->comm);
	/* "x N", and a triangle when their subtrees are folded in too */
	if (r->count > 1)
		chart_put(c->ob, " <tspan class=\"d\">\xc3\x97%u%s</tspan></text>",
			  r->count, r->descendants ? "\xe2\x96\xb8" : "");
	else
		chart_put(c->ob, " <tspan class=\"d\">%u</tspan></text>", r->p->pid);
	for (k = 0; k < r->count && q; k++, q = q->next_sibling) {
		if (k)
			lifespan_of(q, c->t0, c->t1, &ls);
		write_bars(c, q, &ls, y);
	}
	chart_put(c->ob, "</g>\n");
}

/*
 * A container's header: a band across the chart with its short id and
 * cgroup path; the tooltip gives the full id, the runtime the path names
 * and how many processes are in the group.
 */
void chart_write_group_header(struct chart *c, size_t i, double top)
{
	const struct chart_row *r = &c->rows.rows[i];
	const char *id = c->groups.ids[r->group - 1];
	const char *path = c->groups.paths[r->group - 1];
	char short_id[PL_CONTAINER_SHORT_LEN + 1];
	struct pl_container ctr;
	double y = top + (double)i * ROW_H;
	const char *runtime = pl_container_parse(path, strlen(path), &ctr) ?
			      pl_runtime_name(ctr.runtime) : NULL;
	size_t procs = c->group_procs[r->group];

	chart_put(c->ob, "<g class=\"c\" data-container=\"%s\"><title>container %s&#10;",
		  id, id);
	xml_escape(c->ob, path, strlen(path));
	chart_put(c->ob, "&#10;%s%s%zu process%s</title>", runtime ? runtime : "",
		  runtime ? ", " : "", procs, procs == 1 ? "" : "es");
	chart_put(c->ob, "<rect class=\"cb\" y=\"%f\" width=\"%u\" height=\"%u\"/>",
		  y, c->width, ROW_H);
	chart_put(c->ob, "<text class=\"ct\" x=\"4\" y=\"%f\">container %s "
		  "<tspan class=\"d\">", y + 11, pl_container_short(id, short_id));
	xml_escape(c->ob, path, strlen(path));
	chart_put(c->ob, "</tspan></text></g>\n");
}
