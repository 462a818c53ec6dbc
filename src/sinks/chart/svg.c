// SPDX-License-Identifier: GPL-2.0
/*
 * The markup writer and the SVG element. Numbers are written by hand, not
 * with printf's %f, which follows the locale's decimal point.
 */
#include <stdarg.h>
#include <string.h>

#include "sinks/chart/draw.h"
#include "util/timefmt.h"
#include "util/xml.h"

/* ---- output helpers ---- */

/* A coordinate with at most one decimal. Clamped: corrupt times must not
 * overflow the conversion (the chart is wrong then, never undefined). */
static void put_num(struct outbuf *ob, double v)
{
	long long t;

	if (!(v > -1e15))	/* NaN too */
		v = -1e15;
	else if (v > 1e15)
		v = 1e15;
	t = (long long)(v * 10 + (v < 0 ? -0.5 : 0.5));

	if (t < 0) {
		outbuf_putc(ob, '-');
		t = -t;
	}
	outbuf_u64(ob, (uint64_t)(t / 10));
	if (t % 10) {
		outbuf_putc(ob, '.');
		outbuf_putc(ob, (char)('0' + t % 10));
	}
}

/*
 * printf for markup, checked by the compiler: %s trusted text as is (escape
 * with xml_escape first), %f a number with at most one decimal, %u, %zu,
 * %%. Nothing else.
 */
void chart_put(struct outbuf *ob, const char *fmt, ...)
{
	const char *p, *run = fmt;
	va_list ap;

	va_start(ap, fmt);
	for (p = fmt; *p; p++) {
		if (*p != '%' || !p[1])
			continue;
		outbuf_put(ob, run, (size_t)(p - run));
		switch (*++p) {
		case 's':
			outbuf_puts(ob, va_arg(ap, const char *));
			break;
		case 'f':
			put_num(ob, va_arg(ap, double));
			break;
		case 'u':
			outbuf_u64(ob, va_arg(ap, unsigned int));
			break;
		case 'z':
			if (p[1] == 'u')
				p++;
			outbuf_u64(ob, va_arg(ap, size_t));
			break;
		default:
			outbuf_putc(ob, *p);	/* %% */
		}
		run = p + 1;
	}
	outbuf_puts(ob, run);
	va_end(ap);
}

void chart_put_comm(struct outbuf *ob, const char *comm)
{
	xml_escape(ob, comm, strnlen(comm, PL_COMM_LEN));
}

double chart_x_of(const struct chart *c, uint64_t ns)
{
	return c->x0 + (double)(ns - c->t0) * c->scale;
}

/* ---- documents ---- */

const char chart_style[] =
	".plc text{font:11px monospace;fill:#222}"
	".plc .t1{font:bold 13px sans-serif}"
	".plc .t2,.plc .l{font:11px sans-serif;fill:#444}"
	".plc .d{fill:#888}"
	".plc .ax text{font:10px sans-serif;fill:#555;text-anchor:middle}"
	".plc .ax path,.plc .g{stroke:#ccc;stroke-width:1;fill:none}"
	".plc .g{stroke:#eee}"
	".plc .f{stroke:#c3cad3;stroke-width:1;fill:none}"
	".plc .h{fill:transparent}"
	".plc .r:hover .h{fill:#fff3c4}"
	".plc .hit .h{fill:#ffe08a}"
	".plc .b{fill:#4e79a7}.plc .k{fill:#8c9db0}"
	".plc .z{fill:#c9a0dc}"
	".plc .x{fill:#1b1b1b}.plc .xf{fill:#e15759;opacity:.6}"
	".plc circle{stroke:#fff;stroke-width:1}"
	".plc .s0{fill:#59a14f}.plc .s1{fill:#f28e2b}.plc .s2{fill:#e15759}"
	".plc .p,.plc .a{fill:#4e79a7}.plc .za{fill:#c9a0dc}"
	".plc .r:hover .b{fill:#2f5d8a}.plc .r:hover .z{fill:#a66fbf}"
	/* Scheduler states: dark for on-CPU, warm for waiting, pale for idle. */
	".plc .qr{fill:#1f5fa6}.plc .qw{fill:#f2a900}.plc .qs{fill:#a9c8e6}"
	".plc .qd{fill:#8e1f5c}.plc .qt{fill:#5f5f5f}"
	".plc .n{fill:#fff;stroke:#9aa7b6;stroke-width:1}"
	".plc .n2{font-style:italic;fill:#666}"
	/* a container's header row: a band across the chart */
	".plc .cb{fill:#e3ecf7}.plc .ct{font:bold 11px sans-serif;fill:#1f3f66}"
	".plc .ct .d{font-weight:normal}";

static void svg_open(struct chart *c, double height)
{
	chart_put(c->ob, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plc\" "
	    "width=\"%u\" height=\"%f\" viewBox=\"0 0 %u %f\">\n",
	    c->width, height, c->width, height);
}

/* The chart: parts picks what this svg element holds. */
void chart_svg(struct chart *c, unsigned int parts, bool with_style)
{
	double y = 4, top, bottom;
	size_t i;

	top = (parts & PART_TITLE ? TITLE_H : 0) + (parts & PART_LEGEND ? c->legend_h : 0) +
	      (parts & PART_TOP_AXIS ? AXIS_H : 0) + 4;
	bottom = top + (double)(parts & PART_ROWS ? c->rows.n : 0) * ROW_H;
	svg_open(c, bottom + (parts & PART_ROWS ? AXIS_H + 20 : 0));
	if (with_style)
		chart_put(c->ob, "<style>%s</style>\n", chart_style);
	chart_put(c->ob, "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n");
	if (parts & PART_TITLE) {
		chart_write_title(c);
		y += TITLE_H;
	}
	if (parts & PART_LEGEND) {
		chart_write_legend(c, y - 4);
		y += c->legend_h;
	}
	if (parts & PART_TOP_AXIS)
		chart_write_axis(c, y - 4);
	if (parts & PART_ROWS) {
		/* Zebra rows from a pattern: one element whatever the count. */
		chart_put(c->ob, "<defs><pattern id=\"zebra\" width=\"8\" height=\"%u\" "
		    "patternUnits=\"userSpaceOnUse\" y=\"%f\"><rect y=\"%u\" "
		    "width=\"8\" height=\"%u\" fill=\"#f5f7fa\"/></pattern></defs>"
		    "<rect x=\"0\" y=\"%f\" width=\"%u\" height=\"%f\" "
		    "fill=\"url(#zebra)\"/>\n", 2 * ROW_H, top, ROW_H, ROW_H, top,
		    c->width, bottom - top);
		chart_write_grid(c, top, bottom);
		chart_write_tree_guides(c, top);
		for (i = 0; i < c->rows.n; i++) {
			if (c->rows.rows[i].p)
				chart_write_row(c, i, top);
			else
				chart_write_group_header(c, i, top);
		}
		if (!c->rows.n)
			chart_put(c->ob, "<text x=\"8\" y=\"%f\">no processes</text>\n",
			    top + 11);
		chart_write_axis(c, bottom);
		if (c->rows.hidden)
			chart_put(c->ob, "<text class=\"l\" x=\"8\" y=\"%f\">%zu more processes "
			    "not drawn: use --format json or chrome</text>\n",
			    bottom + AXIS_H + 12, c->rows.hidden);
	}
	chart_put(c->ob, "</svg>\n");
}
