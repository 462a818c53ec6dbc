/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which container (and which systemd unit) a cgroup path belongs to, from
 * the path alone: no runtime's API. The layouts and the rule for nested
 * containers are in docs/CONTAINERS.md.
 */
#ifndef PL_MODEL_CONTAINER_H
#define PL_MODEL_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>

#define PL_CONTAINER_ID_LEN 64		/* hex digits of a full id */
#define PL_CONTAINER_SHORT_LEN 12	/* as docker ps shows it */
#define PL_SYSTEMD_UNIT_MAX 255		/* systemd's UNIT_NAME_MAX - 1 */

enum pl_runtime {
	PL_RUNTIME_NONE,
	PL_RUNTIME_DOCKER,
	PL_RUNTIME_CONTAINERD,
	PL_RUNTIME_CRIO,
	PL_RUNTIME_PODMAN,
	PL_RUNTIME_KUBERNETES,	/* a kubelet cgroupfs pod: runtime unknown */
};

struct pl_container {
	char id[PL_CONTAINER_ID_LEN + 1];	/* 64 lowercase hex, NUL */
	enum pl_runtime runtime;
};

/*
 * The innermost container in cgroup path PATH (LEN bytes, need not be
 * NUL-terminated; a NUL inside is just a byte that matches no rule).
 * Returns true and fills *out, or false for a host cgroup.
 */
bool pl_container_parse(const char *path, size_t len, struct pl_container *out);

/* The container id of PATH (NUL-terminated) copied into ID, or NULL. */
const char *pl_container_id(const char *path,
			    char id[PL_CONTAINER_ID_LEN + 1]);

/* "docker", "containerd", "crio", "podman", "kubernetes"; NULL for none. */
const char *pl_runtime_name(enum pl_runtime runtime);

/* The first 12 characters of ID into SHORT (NUL-terminated). */
const char *pl_container_short(const char *id,
			       char short_id[PL_CONTAINER_SHORT_LEN + 1]);

/*
 * The innermost systemd unit (.service or .scope) in PATH, copied into
 * UNIT (NUL-terminated): "/system.slice/nginx.service" -> "nginx.service".
 * Returns UNIT, or NULL when no component is a unit or UNIT is too small.
 */
const char *pl_systemd_unit(const char *path, size_t len, char *unit,
			    size_t size);

/* 1..64 lowercase hex digits: what --container accepts. */
bool pl_container_prefix_valid(const char *prefix);

enum pl_prefix_match {
	PL_PREFIX_NONE,		/* no known id starts with it */
	PL_PREFIX_UNIQUE,	/* one id (*index says which) */
	PL_PREFIX_AMBIGUOUS,	/* two different ids start with it */
};

/*
 * Which of IDS (N full ids; the same id may appear more than once, e.g.
 * once per cgroup) PREFIX names, the way docker resolves a short id: a
 * full id matches itself; otherwise the prefix must be unique. *index is
 * the first entry of the match (set only for PL_PREFIX_UNIQUE).
 */
enum pl_prefix_match pl_container_match_prefix(const char *prefix,
					       const char *const *ids, size_t n,
					       size_t *index);

#endif
