// SPDX-License-Identifier: GPL-2.0
/* The two chart outputs: a standalone SVG file, and an HTML page. */
#include <string.h>

#include "sinks/sink.h"
#include "sinks/chart/chart.h"
#include "sinks/chart/draw.h"

int chart_write_svg(const struct timeline *tl, const struct pl_trace_info *info,
		    struct outbuf *ob)
{
	struct chart c;
	int err;

	err = chart_init(&c, tl, info, ob);
	if (err)
		return err;
	chart_put(ob, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	chart_svg(&c, PART_TITLE | PART_LEGEND | PART_TOP_AXIS | PART_ROWS, true);
	chart_done(&c);
	return outbuf_flush(ob);
}

/* Find box: marks the rows whose text (label, tooltip) has the query. */
static const char script[] =
	"(function(){var q=document.getElementById('q'),n=document.getElementById('qn'),"
	"rows=document.querySelectorAll('#chart g.r');"
	"q.addEventListener('input',function(){var t=q.value.toLowerCase(),k=0,f=null;"
	"rows.forEach(function(r){var m=t!==''&&r.textContent.toLowerCase().indexOf(t)>=0;"
	"r.classList.toggle('hit',m);if(m){k++;if(!f)f=r;}});"
	"n.textContent=t?k+' rows':'';if(f)f.scrollIntoView({block:'center'});});})();";

int chart_write_html(const struct timeline *tl, const struct pl_trace_info *info,
		     struct outbuf *ob)
{
	struct chart c;
	int err;

	err = chart_init(&c, tl, info, ob);
	if (err)
		return err;
	chart_put(ob, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	    "<title>proclife: ");
	chart_put_command(ob, info);
	chart_put(ob, "</title>\n<style>body{margin:0;font:13px sans-serif;color:#222}"
	    "header{padding:8px 12px}h1{font-size:15px;margin:0 0 4px}"
	    ".m{color:#555;margin:2px 0}#top{position:sticky;top:0;z-index:1;"
	    "background:#fff;border-bottom:1px solid #ddd}#top svg{display:block}"
	    "input{font:12px monospace;width:24em}%s</style>\n</head><body>\n"
	    "<header><h1>proclife: ", chart_style);
	chart_put_command(ob, info);
	chart_put(ob, "</h1>\n<div class=\"m\">");
	chart_put_facts(&c);
	chart_put(ob, "</div>\n<div class=\"m\">");
	chart_put_counts(&c);
	chart_put(ob, "</div>\n<div class=\"m\">Find: <input id=\"q\" "
	    "placeholder=\"comm, pid or argv\"> <span id=\"qn\"></span> "
	    "&#8212; hover a row for its details</div></header>\n<div id=\"top\">");
	chart_svg(&c, PART_LEGEND | PART_TOP_AXIS, false);
	chart_put(ob, "</div>\n<div id=\"chart\">\n");
	chart_svg(&c, PART_ROWS, false);
	chart_put(ob, "</div>\n<script>%s</script>\n</body></html>\n", script);
	chart_done(&c);
	return outbuf_flush(ob);
}

extern const struct pl_sink_ops pl_sink_svg;

/* One finish for both: the SVG alone, or the page around it. */
static int chart_finish(struct pl_sink *s, const struct timeline *tl,
			const struct pl_trace_info *info)
{
	if (s->ops == &pl_sink_svg)
		return chart_write_svg(tl, info, &s->ob);
	return chart_write_html(tl, info, &s->ob);
}

const struct pl_sink_ops pl_sink_svg = {
	.name = "svg", .timeline = true, .buf_size = 1 << 20,
	.finish = chart_finish,
};

const struct pl_sink_ops pl_sink_html = {
	.name = "html", .timeline = true, .buf_size = 1 << 20,
	.finish = chart_finish,
};
