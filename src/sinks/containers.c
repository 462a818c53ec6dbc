// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sinks/containers.h"

const char *ctr_of(const struct cgroups *cg, const struct tl_process *p)
{
	if (!cg || !(p->flags & TL_PROC_WHERE))
		return NULL;
	return cgroups_container_id(cg, &p->where);
}

/* The same container seen in several cgroups (hierarchies, sub-cgroups)
 * has one id but several entries: compared by value. */
static size_t find(const struct ctr_groups *g, const char *id)
{
	for (size_t i = 0; i < g->n; i++)
		if (!strcmp(g->ids[i], id))
			return i + 1;
	return 0;
}

int ctr_groups_build(struct ctr_groups *g, const struct timeline *tl,
		     const struct cgroups *cg)
{
	size_t cap = 0;

	memset(g, 0, sizeof(*g));
	g->cg = cg;
	for (size_t i = 0; cg && i < timeline_count(tl); i++) {
		const struct tl_process *p = timeline_proc(tl, i);
		const char *id = ctr_of(cg, p);

		if (!id || find(g, id))
			continue;
		if (g->n == cap) {
			size_t ncap = cap ? 2 * cap : 8;
			const char **ids = realloc(g->ids, ncap * sizeof(*ids));
			const char **paths;

			if (!ids)
				goto nomem;
			g->ids = ids;
			paths = realloc(g->paths, ncap * sizeof(*paths));
			if (!paths)
				goto nomem;
			g->paths = paths;
			cap = ncap;
		}
		g->ids[g->n] = id;
		g->paths[g->n] = cgroups_where(cg, &p->where)->path;
		g->n++;
	}
	return 0;
nomem:
	ctr_groups_free(g);
	return -ENOMEM;
}

void ctr_groups_free(struct ctr_groups *g)
{
	free(g->ids);
	free(g->paths);
	g->ids = g->paths = NULL;
	g->n = 0;
}

size_t ctr_group_of(const struct ctr_groups *g, const struct tl_process *p)
{
	const char *id = g->n ? ctr_of(g->cg, p) : NULL;

	return id ? find(g, id) : 0;
}
