// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model/cgroupfs.h"

/* Does the mount's option list hold every name of key ("cpu,cpuacct")? */
static bool options_hold(const char *opts, const char *key)
{
	char buf[64], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", key);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t n = strlen(tok);
		const char *p = opts;
		bool found = false;

		while ((p = strstr(p, tok))) {
			if ((p == opts || p[-1] == ',') && (p[n] == ',' || !p[n])) {
				found = true;
				break;
			}
			p += n;
		}
		if (!found)
			return false;
	}
	return true;
}

/* The mount point and super options of each cgroup mount. */
static void read_mounts(struct cgroupfs *fs, FILE *mi, const char *cgroup_text)
{
	char line[4096];

	while (fgets(line, sizeof(line), mi)) {
		char *sep = strstr(line, " - "), mnt[PATH_MAX], fstype[32],
		     src[256], opts[1024];
		const char *p;
		int hid;
		char key[64];

		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
		    sscanf(sep + 3, "%31s %255s %1023s", fstype, src, opts) != 3)
			continue;
		if (fs->n == CGFS_MAX_MOUNTS)
			break;
		if (!strcmp(fstype, "cgroup2")) {
			if (cgroupfs_mount(fs, 0))
				continue;
			fs->m[fs->n].hier = 0;
			fs->m[fs->n].key[0] = '\0';
			snprintf(fs->m[fs->n].dir, PATH_MAX, "%s", mnt);
			fs->n++;
			continue;
		}
		if (strcmp(fstype, "cgroup"))
			continue;
		/* which line of /proc/self/cgroup is this hierarchy */
		for (p = cgroup_text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
			if (sscanf(p, "%d:%63[^:]:", &hid, key) != 2 || hid <= 0)
				continue;
			if (!options_hold(opts, key) || cgroupfs_mount(fs, hid))
				continue;
			fs->m[fs->n].hier = (uint32_t)hid;
			snprintf(fs->m[fs->n].key, sizeof(fs->m[0].key), "%s", key);
			snprintf(fs->m[fs->n].dir, PATH_MAX, "%s", mnt);
			fs->n++;
			break;
		}
	}
}

const struct cgfs_mount *cgroupfs_mount(const struct cgroupfs *fs,
					uint32_t hier)
{
	for (unsigned int i = 0; i < fs->n; i++)
		if (fs->m[i].hier == hier)
			return &fs->m[i];
	return NULL;
}

uint32_t cgroupfs_pick_v1(const char *text, const struct cgroupfs *mounted)
{
	uint32_t lowest = 0;
	const char *p;

	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		char key[64];
		int hid;

		if (sscanf(p, "%d:%63[^:]:", &hid, key) != 2 || hid <= 0)
			continue;
		if (mounted && !cgroupfs_mount(mounted, hid))
			continue;
		if (!strcmp(key, "name=systemd"))
			return (uint32_t)hid;
		if (!lowest || (uint32_t)hid < lowest)
			lowest = (uint32_t)hid;
	}
	return lowest;
}

int cgroupfs_read(struct cgroupfs *fs, const char *root)
{
	char path[PATH_MAX], text[8192];
	size_t n;
	FILE *f;

	memset(fs, 0, sizeof(*fs));
	snprintf(path, sizeof(path), "%s/proc/self/cgroup", root);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	snprintf(path, sizeof(path), "%s/proc/self/mountinfo", root);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	read_mounts(fs, f, text);
	fclose(f);
	fs->v1_hier = cgroupfs_pick_v1(text, fs);
	return 0;
}

static int add_key(struct cgfs_keys *keys, uint32_t hier, uint64_t id)
{
	for (size_t i = 0; i < keys->n; i++)
		if (keys->k[i].hier == hier && keys->k[i].id == id)
			return 0;
	if (keys->n == CGFS_MAX_KEYS)
		return -1;
	keys->k[keys->n].hier = hier;
	keys->k[keys->n].id = id;
	keys->n++;
	return 0;
}

/* The hierarchies the kernel reads paths from: v2 and the fallback. */
static bool followed(const struct cgroupfs *fs, uint32_t hier)
{
	return hier == 0 || hier == fs->v1_hier;
}

static bool is_dir(const char *path, struct stat *st)
{
	return !stat(path, st) && S_ISDIR(st->st_mode);
}

int cgroupfs_resolve_path(const struct cgroupfs *fs, const char *path,
			  struct cgfs_keys *keys, char *err, size_t size)
{
	char full[PATH_MAX];
	struct stat st;

	keys->n = 0;
	if (!path || path[0] != '/') {
		snprintf(err, size, "--cgroup: '%s' is not an absolute path", path ? path : "");
		return -1;
	}
	/* a directory of a mounted hierarchy */
	for (unsigned int i = 0; i < fs->n; i++) {
		size_t n = strlen(fs->m[i].dir);

		if (strncmp(path, fs->m[i].dir, n) || (path[n] && path[n] != '/'))
			continue;
		if (!followed(fs, fs->m[i].hier)) {
			snprintf(err, size,
				 "--cgroup: '%s' is in the v1 '%s' hierarchy: proclife follows cgroup v2%s",
				 path, fs->m[i].key, fs->v1_hier ? " and name=systemd (or the first v1 hierarchy)" : "");
			return -1;
		}
		if (!is_dir(path, &st)) {
			snprintf(err, size, "--cgroup: no cgroup directory '%s'", path);
			return -1;
		}
		add_key(keys, fs->m[i].hier, st.st_ino);
		return 0;
	}
	/* a path from a hierarchy's root, as /proc/PID/cgroup shows it */
	for (unsigned int i = 0; i < fs->n; i++) {
		if (!followed(fs, fs->m[i].hier))
			continue;
		snprintf(full, sizeof(full), "%s%s", fs->m[i].dir,
			 strcmp(path, "/") ? path : "");
		if (is_dir(full, &st))
			add_key(keys, fs->m[i].hier, st.st_ino);
	}
	if (!keys->n) {
		snprintf(err, size, "--cgroup: no cgroup '%s' (a path from the cgroup root, or a directory under a cgroup mount)",
			 path);
		return -1;
	}
	return 0;
}

/* ---- the container scan ------------------------------------------------ */

struct found {
	char id[PL_CONTAINER_ID_LEN + 1];
	uint32_t hier;
	uint64_t ino;
};

static struct {
	struct found *v;
	size_t n, cap;
	size_t root_len;
	uint32_t hier;
	bool failed;
} scan;

static int visit(const char *path, const struct stat *st, int type,
		 struct FTW *ftw)
{
	const char *rel = path + scan.root_len;
	struct pl_container c;

	if (type != FTW_D)
		return 0;
	if (!pl_container_parse(rel, strlen(rel), &c))
		return 0;
	if (scan.n == scan.cap) {
		size_t cap = scan.cap ? scan.cap * 2 : 64;
		struct found *v = realloc(scan.v, cap * sizeof(*v));

		if (!v) {
			scan.failed = true;
			return 1;
		}
		scan.v = v;
		scan.cap = cap;
	}
	memcpy(scan.v[scan.n].id, c.id, sizeof(c.id));
	scan.v[scan.n].hier = scan.hier;
	scan.v[scan.n].ino = st->st_ino;
	scan.n++;
	return 0;
}

int cgroupfs_find_container(const struct cgroupfs *fs, const char *prefix,
			    char id[PL_CONTAINER_ID_LEN + 1],
			    struct cgfs_keys *keys, char *err, size_t size)
{
	enum pl_prefix_match m;
	const char **ids = NULL;
	size_t first = 0;
	int ret = 0;

	id[0] = '\0';
	keys->n = 0;
	if (!pl_container_prefix_valid(prefix)) {
		snprintf(err, size, "--container: '%s' is not a container id (1 to 64 lowercase hex digits)",
			 prefix);
		return -1;
	}
	memset(&scan, 0, sizeof(scan));
	for (unsigned int i = 0; i < fs->n && !scan.failed; i++) {
		if (!followed(fs, fs->m[i].hier))
			continue;
		scan.root_len = strlen(fs->m[i].dir);
		scan.hier = fs->m[i].hier;
		nftw(fs->m[i].dir, visit, 16, FTW_PHYS);
	}
	if (scan.failed) {
		snprintf(err, size, "--container: out of memory");
		ret = -1;
		goto cleanup;
	}
	ids = calloc(scan.n + 1, sizeof(*ids));
	if (!ids) {
		snprintf(err, size, "--container: out of memory");
		ret = -1;
		goto cleanup;
	}
	for (size_t i = 0; i < scan.n; i++)
		ids[i] = scan.v[i].id;
	m = pl_container_match_prefix(prefix, ids, scan.n, &first);
	if (m == PL_PREFIX_AMBIGUOUS) {
		size_t off = (size_t)snprintf(err, size,
			"--container: '%s' names more than one container:", prefix);
		size_t plen = strlen(prefix);

		for (size_t i = 0; i < scan.n && off < size; i++) {
			bool dup = false;

			if (strncmp(ids[i], prefix, plen))
				continue;
			for (size_t k = 0; k < i && !dup; k++)
				dup = !strcmp(ids[k], ids[i]);
			if (!dup)
				off += (size_t)snprintf(err + off, size - off,
							" %.*s", PL_CONTAINER_SHORT_LEN,
							ids[i]);
		}
		ret = -1;
		goto cleanup;
	}
	if (m == PL_PREFIX_UNIQUE) {
		memcpy(id, ids[first], PL_CONTAINER_ID_LEN + 1);
		for (size_t i = 0; i < scan.n; i++)
			if (!strcmp(scan.v[i].id, id) &&
			    add_key(keys, scan.v[i].hier, scan.v[i].ino)) {
				snprintf(err, size, "--container: more than %d cgroups",
					 CGFS_MAX_KEYS);
				ret = -1;
				goto cleanup;
			}
	}
cleanup:
	free(ids);
	free(scan.v);
	memset(&scan, 0, sizeof(scan));
	return ret;
}
