// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "sinks/where.h"
#include "util/json_fields.h"

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
	json_kv_opt_str(j, "cgroup", e ? e->path : NULL);
	if (e && e->cut)
		json_kv_bool(j, "cgroup_truncated", true);
	json_kv_opt_str(j, "container_id",
			e && e->in_container ? e->container.id : NULL);
	json_kv_opt_str(j, "unit", e ? e->unit : NULL);
}

void json_where_fields(struct json *j, const struct cgroups *cg,
		       const struct pl_where *w)
{
	const struct json_u64_field ns[] = {
		JSON_U64_OF(w, pidns), JSON_U64_OF(w, ns_pid),
		JSON_U64_OF(w, ns_ppid),
	};

	json_cgroup_fields(j, cg, w);
	json_kv_u64s(j, ns, JSON_FIELD_COUNT(ns));
}

void json_where_ids(struct json *j, const struct pl_where *w)
{
	const struct json_u64_field ids[] = {
		JSON_U64_OF(w, cgroup_id), JSON_U64_OF(w, path_id),
		JSON_U64_OF(w, path_hier), JSON_U64_OF(w, pidns),
		JSON_U64_OF(w, ns_pid), JSON_U64_OF(w, ns_ppid),
	};

	json_u64_object(j, "where", ids, JSON_FIELD_COUNT(ids));
}
