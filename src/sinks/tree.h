/* SPDX-License-Identifier: GPL-2.0 */
/* --tree: the process tree with lifetimes, exit status and zombie time. */
#ifndef PL_OUT_TREE_H
#define PL_OUT_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "util/outbuf.h"
#include "model/timeline.h"

/*
 * Write the tree of a finished timeline (timeline_finish() done), one line
 * per process, children under their birth parent in start order, and
 * flush. Returns 0, or -errno of the first write error or -ENOMEM.
 */
int tree_write(const struct timeline *tl, struct outbuf *ob);
/* The same, the processes grouped by container (cg: the cgroups the
 * trace described; NULL: no grouping). */
struct cgroups;
int tree_write_grouped(const struct timeline *tl, const struct cgroups *cg,
		       struct outbuf *ob);

#endif
