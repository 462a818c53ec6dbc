/* SPDX-License-Identifier: GPL-2.0 */
/* Where a process lives (cgroup, container, pid namespace), written the
 * same way by the stream and the timeline document. */
#ifndef PL_SINKS_WHERE_H
#define PL_SINKS_WHERE_H

#include "util/json.h"
#include "model/cgroups.h"

/* "cgroup_id", "cgroup", "container_id", "unit" (null when unknown or
 * none; "cgroup_truncated": true when the path was cut). */
void json_cgroup_fields(struct json *j, const struct cgroups *cg,
			const struct pl_where *w);
/* The above, then "pidns", "ns_pid", "ns_ppid". */
void json_where_fields(struct json *j, const struct cgroups *cg,
		       const struct pl_where *w);

/* Do a and b name the same path (a move seen in a second hierarchy)? */
bool where_same_path(const struct cgroups *cg, const struct pl_where *a,
		     const struct pl_where *b);

/* The where as the kernel gave it, in a record ("where": {...}). */
void json_where_ids(struct json *j, const struct pl_where *w);

#endif
