// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/cgroups.h"

#define INITIAL_BUCKETS 256

int cgroups_init(struct cgroups *t)
{
	memset(t, 0, sizeof(*t));
	t->buckets = calloc(INITIAL_BUCKETS, sizeof(*t->buckets));
	if (!t->buckets)
		return -ENOMEM;
	t->nbuckets = INITIAL_BUCKETS;
	return 0;
}

void cgroups_free(struct cgroups *t)
{
	for (size_t i = 0; i < t->nbuckets; i++) {
		struct cg_entry *e = t->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			free((void *)e->unit);
			free(e);
		}
	}
	free(t->buckets);
	memset(t, 0, sizeof(*t));
}

static size_t bucket_of(const struct cgroups *t, uint32_t hier, uint64_t id)
{
	uint64_t h = (id ^ ((uint64_t)hier << 56)) * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 32) & (t->nbuckets - 1);
}

/* Double the table when it is as full as it is wide: chains stay short. */
static void grow(struct cgroups *t)
{
	size_t n = t->nbuckets * 2;
	struct cg_entry **b = calloc(n, sizeof(*b)), **old = t->buckets;
	size_t old_n = t->nbuckets;

	if (!b)
		return;		/* longer chains, still correct */
	t->buckets = b;
	t->nbuckets = n;
	for (size_t i = 0; i < old_n; i++) {
		struct cg_entry *e = old[i], *next;

		for (; e; e = next) {
			size_t k = bucket_of(t, e->hier, e->id);

			next = e->next;
			e->next = b[k];
			b[k] = e;
		}
	}
	free(old);
}

const struct cg_entry *cgroups_find(const struct cgroups *t, uint32_t hier,
				    uint64_t id)
{
	const struct cg_entry *e;

	if (!t || !t->buckets)
		return NULL;
	for (e = t->buckets[bucket_of(t, hier, id)]; e; e = e->next)
		if (e->id == id && e->hier == hier)
			return e;
	return NULL;
}

static void unlink_entry(struct cgroups *t, uint32_t hier, uint64_t id)
{
	struct cg_entry **pp = &t->buckets[bucket_of(t, hier, id)], *e;

	for (; (e = *pp); pp = &e->next) {
		if (e->id == id && e->hier == hier) {
			*pp = e->next;
			if (e->in_container)
				t->containers--;
			free((void *)e->unit);
			free(e);
			t->count--;
			return;
		}
	}
}

int cgroups_add(struct cgroups *t, uint32_t hier, uint64_t id,
		const char *path, size_t len, bool cut)
{
	struct cg_entry *e;
	char unit[PL_SYSTEMD_UNIT_MAX + 1];
	size_t k;

	/* described again (evicted from the kernel's memory): the newest wins */
	unlink_entry(t, hier, id);
	e = malloc(sizeof(*e) + len + 1);
	if (!e) {
		t->alloc_failures++;
		return -ENOMEM;
	}
	memset(e, 0, sizeof(*e));
	e->id = id;
	e->hier = hier;
	e->cut = cut;
	memcpy(e->path, path, len);
	e->path[len] = '\0';
	e->in_container = pl_container_parse(path, len, &e->container);
	if (pl_systemd_unit(path, len, unit, sizeof(unit))) {
		e->unit = strdup(unit);
		if (!e->unit)
			t->alloc_failures++;
	}
	if (e->in_container)
		t->containers++;
	if (t->count >= t->nbuckets)
		grow(t);
	k = bucket_of(t, hier, id);
	e->next = t->buckets[k];
	t->buckets[k] = e;
	t->count++;
	return 0;
}

int cgroups_add_record(struct cgroups *t, const struct pl_cgroup *rec,
		       const char *path, size_t len)
{
	return cgroups_add(t, rec->hier, rec->id, path, len,
			   rec->flags & PL_CGROUP_CUT);
}

const struct cg_entry *cgroups_where(const struct cgroups *t,
				     const struct pl_where *w)
{
	return w ? cgroups_find(t, w->path_hier, w->path_id) : NULL;
}

const char *cgroups_container_id(const struct cgroups *t,
				 const struct pl_where *w)
{
	const struct cg_entry *e = cgroups_where(t, w);

	return e && e->in_container ? e->container.id : NULL;
}
