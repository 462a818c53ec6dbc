// SPDX-License-Identifier: GPL-2.0
#include <errno.h>

#include "sinks/chart/chart.h"
#include "sinks/chrome.h"
#include "sinks/summary.h"
#include "sinks/document.h"
#include "sinks/tree.h"
#include "util/outbuf.h"
#include "sinks/output.h"

/* 0, or -errno of the first failure (writer or write(2)). */
static int finish(struct outbuf *ob, int err)
{
	int ferr = outbuf_flush(ob);

	if (!err)
		err = ferr ? ferr : (ob->err ? -ob->err : 0);
	outbuf_free(ob);
	return err;
}

int output_write(const struct timeline *tl, const struct pl_trace_info *info,
		 enum pl_format fmt, int fd)
{
	struct outbuf ob;
	int err;

	if (outbuf_init(&ob, fd, 1 << 20))
		return -ENOMEM;
	switch (fmt) {
	case PL_FMT_JSON:
		err = timeline_json_write(tl, info, &ob);
		break;
	case PL_FMT_CHROME:
		err = chrome_write(tl, info, &ob);
		break;
	case PL_FMT_SVG:
		err = chart_write_svg(tl, info, &ob);
		break;
	case PL_FMT_HTML:
		err = chart_write_html(tl, info, &ob);
		break;
	default:
		err = -EINVAL;	/* jsonl is streamed while tracing */
		break;
	}
	return finish(&ob, err);
}

int output_tree(const struct timeline *tl, const struct pl_trace_info *info,
		int fd)
{
	struct outbuf ob;

	if (outbuf_init(&ob, fd, 0))
		return -ENOMEM;
	return finish(&ob, tree_write(tl, &ob));
}

int output_summary(const struct timeline *tl, int fd)
{
	struct outbuf ob;

	if (outbuf_init(&ob, fd, 0))
		return -ENOMEM;
	return finish(&ob, summary_write(tl, &ob));
}
