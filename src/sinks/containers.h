/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The containers of a finished timeline, for the outputs that group
 * processes by container (tree, chart, chrome, summary). A process is in
 * the container of its cgroup as last seen (docs/CONTAINERS.md), like the
 * document's container_id; group 0 is the host.
 */
#ifndef PL_SINKS_CONTAINERS_H
#define PL_SINKS_CONTAINERS_H

#include <stddef.h>

#include "model/cgroups.h"
#include "model/timeline.h"

struct ctr_groups {
	const struct cgroups *cg;
	const char **ids;	/* container ids, the first seen first */
	const char **paths;	/* the cgroup path its first process had */
	size_t n;		/* containers; groups are n + 1 with the host */
};

/* p's container id, or NULL (host, where unknown, no cgroup table). */
const char *ctr_of(const struct cgroups *cg, const struct tl_process *p);
/* The containers of tl; none without cg. 0 or -ENOMEM. */
int ctr_groups_build(struct ctr_groups *g, const struct timeline *tl,
		     const struct cgroups *cg);
void ctr_groups_free(struct ctr_groups *g);
/* p's group: 0 the host, i + 1 for ids[i]. */
size_t ctr_group_of(const struct ctr_groups *g, const struct tl_process *p);

#endif
