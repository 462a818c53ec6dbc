// SPDX-License-Identifier: GPL-2.0
/*
 * Container ids and systemd units from cgroup paths. A path is read one
 * component at a time, never past its length; the last component that
 * names a container wins, so a container nested in another (docker in
 * docker, kind) is reported as the inner one.
 */
#include <string.h>

#include "model/container.h"

struct span {
	const char *p;
	size_t n;
};

static bool is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* Runtimes write ids as exactly 64 lowercase hex digits; anything else
 * (uppercase, 63 or 65 digits) was not made by one. */
static bool is_id(struct span s)
{
	if (s.n != PL_CONTAINER_ID_LEN)
		return false;
	for (size_t i = 0; i < s.n; i++)
		if (!is_lower_hex(s.p[i]))
			return false;
	return true;
}

static bool starts_with(struct span s, const char *prefix)
{
	size_t n = strlen(prefix);

	return s.n >= n && memcmp(s.p, prefix, n) == 0;
}

static bool ends_with(struct span s, const char *suffix)
{
	size_t n = strlen(suffix);

	return s.n >= n && memcmp(s.p + s.n - n, suffix, n) == 0;
}

static bool equals(struct span s, const char *word)
{
	return s.n == strlen(word) && memcmp(s.p, word, s.n) == 0;
}

/* The id in PREFIX<id>SUFFIX, if S is exactly that. */
static bool id_between(struct span s, const char *prefix, const char *suffix,
		       struct span *id)
{
	size_t a = strlen(prefix), b = strlen(suffix);

	if (!starts_with(s, prefix) || s.n < a + b || !ends_with(s, suffix))
		return false;
	id->p = s.p + a;
	id->n = s.n - a - b;
	return is_id(*id);
}

/* A runtime's own scope names the container in the component itself. */
static enum pl_runtime scope_runtime(struct span c, struct span *id)
{
	if (id_between(c, "docker-", ".scope", id))
		return PL_RUNTIME_DOCKER;
	if (id_between(c, "cri-containerd-", ".scope", id))
		return PL_RUNTIME_CONTAINERD;
	/* crio-conmon-<id>.scope and libpod-conmon-<id>.scope hold the
	 * runtime's monitor, not the container: "conmon-..." is no id */
	if (id_between(c, "crio-", ".scope", id) || id_between(c, "crio-", "", id))
		return PL_RUNTIME_CRIO;
	if (id_between(c, "libpod-", ".scope", id) ||
	    id_between(c, "libpod-", "", id))
		return PL_RUNTIME_PODMAN;
	return PL_RUNTIME_NONE;
}

/* A bare <id> counts only below a parent a runtime names that way. */
static enum pl_runtime leaf_runtime(struct span c, struct span parent,
				    bool in_kubepods)
{
	if (!is_id(c))
		return PL_RUNTIME_NONE;
	if (equals(parent, "docker"))
		return PL_RUNTIME_DOCKER;
	if (in_kubepods && parent.n > 3 && starts_with(parent, "pod"))
		return PL_RUNTIME_KUBERNETES;
	return PL_RUNTIME_NONE;
}

/* The next '/'-separated component at or after *pos; false at the end. */
static bool next_component(const char *path, size_t len, size_t *pos,
			   struct span *c)
{
	size_t i = *pos;

	while (i < len && path[i] == '/')
		i++;
	if (i >= len)
		return false;
	c->p = path + i;
	while (i < len && path[i] != '/')
		i++;
	c->n = (size_t)(path + i - c->p);
	*pos = i;
	return true;
}

bool pl_container_parse(const char *path, size_t len, struct pl_container *out)
{
	struct span c, parent = { "", 0 }, id;
	enum pl_runtime found = PL_RUNTIME_NONE, rt;
	bool in_kubepods = false;
	size_t pos = 0;

	if (!path)
		return false;
	while (next_component(path, len, &pos, &c)) {
		if (starts_with(c, "kubepods"))
			in_kubepods = true;
		rt = scope_runtime(c, &id);
		if (rt == PL_RUNTIME_NONE) {
			rt = leaf_runtime(c, parent, in_kubepods);
			id = c;
		}
		if (rt != PL_RUNTIME_NONE) {
			found = rt;
			if (out) {
				memcpy(out->id, id.p, PL_CONTAINER_ID_LEN);
				out->id[PL_CONTAINER_ID_LEN] = '\0';
				out->runtime = rt;
			}
		}
		parent = c;
	}
	return found != PL_RUNTIME_NONE;
}

const char *pl_container_id(const char *path, char id[PL_CONTAINER_ID_LEN + 1])
{
	struct pl_container c;

	if (!path || !pl_container_parse(path, strlen(path), &c))
		return NULL;
	memcpy(id, c.id, sizeof(c.id));
	return id;
}

const char *pl_runtime_name(enum pl_runtime runtime)
{
	switch (runtime) {
	case PL_RUNTIME_DOCKER:
		return "docker";
	case PL_RUNTIME_CONTAINERD:
		return "containerd";
	case PL_RUNTIME_CRIO:
		return "crio";
	case PL_RUNTIME_PODMAN:
		return "podman";
	case PL_RUNTIME_KUBERNETES:
		return "kubernetes";
	case PL_RUNTIME_NONE:
		break;
	}
	return NULL;
}

const char *pl_container_short(const char *id,
			       char short_id[PL_CONTAINER_SHORT_LEN + 1])
{
	size_t n = strnlen(id, PL_CONTAINER_SHORT_LEN);

	memcpy(short_id, id, n);
	short_id[n] = '\0';
	return short_id;
}

/* systemd's unit name characters (unit_name_is_valid), '@' for instances. */
static bool is_unit_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == ':' || c == '-' || c == '_' ||
	       c == '.' || c == '\\' || c == '@';
}

static bool is_unit(struct span c)
{
	size_t stem;

	if (c.n > PL_SYSTEMD_UNIT_MAX)
		return false;
	if (ends_with(c, ".service"))
		stem = c.n - strlen(".service");
	else if (ends_with(c, ".scope"))
		stem = c.n - strlen(".scope");
	else
		return false;
	if (stem == 0 || c.p[0] == '@' || c.p[0] == '.')
		return false;
	for (size_t i = 0; i < c.n; i++)
		if (!is_unit_char(c.p[i]))
			return false;
	return true;
}

const char *pl_systemd_unit(const char *path, size_t len, char *unit,
			    size_t size)
{
	struct span c, last = { NULL, 0 };
	size_t pos = 0;

	if (!path || !unit)
		return NULL;
	while (next_component(path, len, &pos, &c))
		if (is_unit(c))
			last = c;
	if (!last.p || last.n >= size)
		return NULL;
	memcpy(unit, last.p, last.n);
	unit[last.n] = '\0';
	return unit;
}

bool pl_container_prefix_valid(const char *prefix)
{
	size_t n;

	if (!prefix)
		return false;
	n = strnlen(prefix, PL_CONTAINER_ID_LEN + 1);
	if (n == 0 || n > PL_CONTAINER_ID_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_lower_hex(prefix[i]))
			return false;
	return true;
}

enum pl_prefix_match pl_container_match_prefix(const char *prefix,
					       const char *const *ids, size_t n,
					       size_t *index)
{
	size_t plen, first = 0;
	bool found = false;

	if (!pl_container_prefix_valid(prefix))
		return PL_PREFIX_NONE;
	plen = strlen(prefix);
	for (size_t i = 0; i < n; i++) {
		if (!ids[i] || strncmp(ids[i], prefix, plen) != 0)
			continue;
		if (!found) {
			first = i;
			found = true;
		} else if (strcmp(ids[i], ids[first]) != 0) {
			return PL_PREFIX_AMBIGUOUS;
		}
	}
	if (!found)
		return PL_PREFIX_NONE;
	if (index)
		*index = first;
	return PL_PREFIX_UNIQUE;
}
