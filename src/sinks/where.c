// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "sinks/where.h"

bool where_same_path(const struct cgroups *cg, const struct pl_where *a,
		     const struct pl_where *b)
{
	const struct cg_entry *x = cgroups_where(cg, a);
	const struct cg_entry *y = cgroups_where(cg, b);

	if (a->path_hier == b->path_hier && a->path_id == b->path_id)
		return true;
	/* runc writes every hierarchy: the v1 move, then the v2 one */
	return x && y && !strcmp(x->path, y->path);
}

void json_cgroup_fields(struct json *j, const struct cgroups *cg,
			const struct pl_where *w)
{
	const struct cg_entry *e = cgroups_where(cg, w);

	json_kv_u64(j, "cgroup_id", w->cgroup_id);
	if (e) {
		json_kv_str(j, "cgroup", e->path);
		if (e->cut)
			json_kv_bool(j, "cgroup_truncated", true);
	} else {
		json_kv_null(j, "cgroup");
	}
	if (e && e->in_container)
		json_kv_str(j, "container_id", e->container.id);
	else
		json_kv_null(j, "container_id");
	if (e && e->unit)
		json_kv_str(j, "unit", e->unit);
	else
		json_kv_null(j, "unit");
}

void json_where_fields(struct json *j, const struct cgroups *cg,
		       const struct pl_where *w)
{
	json_cgroup_fields(j, cg, w);
	json_kv_u64(j, "pidns", w->pidns);
	json_kv_u64(j, "ns_pid", w->ns_pid);
	json_kv_u64(j, "ns_ppid", w->ns_ppid);
}

void json_where_ids(struct json *j, const struct pl_where *w)
{
	json_key(j, "where");
	json_obj_begin(j);
	json_kv_u64(j, "cgroup_id", w->cgroup_id);
	json_kv_u64(j, "path_id", w->path_id);
	json_kv_u64(j, "path_hier", w->path_hier);
	json_kv_u64(j, "pidns", w->pidns);
	json_kv_u64(j, "ns_pid", w->ns_pid);
	json_kv_u64(j, "ns_ppid", w->ns_ppid);
	json_obj_end(j);
}
