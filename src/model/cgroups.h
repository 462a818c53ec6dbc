/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cgroups the kernel described (one pl_cgroup record per cgroup):
 * (hierarchy, kernfs id) -> path, and what the path says (container id,
 * systemd unit), worked out once per cgroup. Events carry only the ids.
 */
#ifndef PL_MODEL_CGROUPS_H
#define PL_MODEL_CGROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proclife.h"
#include "model/container.h"

struct cg_entry {
	struct cg_entry *next;		/* private: hash chain */
	uint64_t id;
	uint32_t hier;			/* 0: v2, else a v1 hierarchy id */
	bool cut;			/* the root side of the path is missing */
	bool in_container;
	struct pl_container container;	/* with in_container */
	const char *unit;		/* systemd unit, or NULL */
	char path[];			/* NUL-terminated */
};

struct cgroups {
	struct cg_entry **buckets;
	size_t nbuckets;
	size_t count;
	uint64_t alloc_failures;
	uint64_t containers;	/* entries in a container */
};

int cgroups_init(struct cgroups *t);
void cgroups_free(struct cgroups *t);
/* Remember (or replace) a cgroup's path. 0 or -ENOMEM (counted). */
int cgroups_add(struct cgroups *t, uint32_t hier, uint64_t id,
		const char *path, size_t len, bool cut);
/* A PL_EV_CGROUP record's content. */
int cgroups_add_record(struct cgroups *t, const struct pl_cgroup *rec,
		       const char *path, size_t len);
const struct cg_entry *cgroups_find(const struct cgroups *t, uint32_t hier,
				    uint64_t id);
/* The cgroup a pl_where names by its path ids; NULL when not described. */
const struct cg_entry *cgroups_where(const struct cgroups *t,
				     const struct pl_where *w);
/* Its container id, or NULL (host, or unknown path). */
const char *cgroups_container_id(const struct cgroups *t,
				 const struct pl_where *w);

#endif
