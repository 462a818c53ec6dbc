/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host's cgroup hierarchies as user space sees them: which are
 * mounted where, which v1 hierarchy gives the path of a process at the v2
 * root (docs/CONTAINERS.md), and the cgroups --cgroup and --container
 * name. Read before anything attaches, so bad values stop the start.
 */
#ifndef PL_MODEL_CGROUPFS_H
#define PL_MODEL_CGROUPFS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/container.h"

#define CGFS_MAX_MOUNTS 32

struct cgfs_mount {
	uint32_t hier;		/* 0: v2 */
	char key[64];		/* "" (v2), "name=systemd", "cpu,cpuacct" */
	char dir[PATH_MAX];
};

struct cgroupfs {
	struct cgfs_mount m[CGFS_MAX_MOUNTS];
	unsigned int n;
	uint32_t v1_hier;	/* the v1 fallback hierarchy, 0: none */
};

/* A cgroup the kernel's filter map holds: kernfs id in a hierarchy. */
struct cgfs_key {
	uint64_t id;
	uint32_t hier;
};

#define CGFS_MAX_KEYS 1024

struct cgfs_keys {
	struct cgfs_key k[CGFS_MAX_KEYS];
	size_t n;
};

/* Read /proc/self/cgroup and /proc/self/mountinfo (root: "" or a test
 * directory holding proc/self/...). 0 or -errno. */
int cgroupfs_read(struct cgroupfs *fs, const char *root);
/* From the lines of /proc/self/cgroup (NUL-terminated text) alone: the
 * v1 fallback hierarchy among those in mounted (NULL: all). */
uint32_t cgroupfs_pick_v1(const char *proc_cgroup,
			  const struct cgroupfs *mounted);
const struct cgfs_mount *cgroupfs_mount(const struct cgroupfs *fs,
					uint32_t hier);

/* --cgroup PATH: a directory under a mount of v2 or of the fallback
 * hierarchy, or a path from a hierarchy's root found in either. Fills
 * keys; 0, or -1 with one line in err. */
int cgroupfs_resolve_path(const struct cgroupfs *fs, const char *path,
			  struct cgfs_keys *keys, char *err, size_t err_size);

/*
 * --container PREFIX against the cgroups that exist: every cgroup of v2
 * and of the fallback hierarchy whose path names a container. A unique
 * match fills id (the full id) and keys (that container's cgroups);
 * none leaves id empty (a container that may appear later); two ids:
 * -1 with the candidates in err.
 */
int cgroupfs_find_container(const struct cgroupfs *fs, const char *prefix,
			    char id[PL_CONTAINER_ID_LEN + 1],
			    struct cgfs_keys *keys, char *err, size_t err_size);

#endif
