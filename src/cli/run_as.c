// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/run_as.h"

#define MAX_GROUPS 65536

/* A user by name or number. */
static struct passwd *find_user(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s && !*end && !errno && v < UINT_MAX)
		return getpwuid((uid_t)v);
	return getpwnam(s);
}

/* The user's supplementary groups, as initgroups(3) would set them. */
static int load_groups(struct run_as *ra, const char *name, gid_t gid)
{
	int n = 64;

	for (;;) {
		gid_t *g = realloc(ra->groups, n * sizeof(*g));
		int want = n;

		if (!g)
			return -ENOMEM;
		ra->groups = g;
		if (getgrouplist(name, gid, g, &want) >= 0) {
			ra->ngroups = want;
			return 0;
		}
		if (want <= n || want > MAX_GROUPS)
			return -E2BIG;
		n = want;
	}
}

static int take_user(struct run_as *ra, const struct passwd *pw, gid_t gid)
{
	ra->uid = pw->pw_uid;
	ra->gid = gid;
	ra->name = strdup(pw->pw_name);
	ra->home = strdup(pw->pw_dir ? pw->pw_dir : "/");
	if (!ra->name || !ra->home)
		return -ENOMEM;
	return load_groups(ra, pw->pw_name, gid);
}

/* SUDO_UID and SUDO_GID, when proclife runs as root through sudo. */
static bool sudo_invoker(uid_t *uid, gid_t *gid)
{
	const char *su = getenv("SUDO_UID"), *sg = getenv("SUDO_GID");
	unsigned long u, g;
	char *end;

	if (!su || !sg || geteuid() != 0)
		return false;
	errno = 0;
	u = strtoul(su, &end, 10);
	if (!*su || *end || errno || u >= UINT_MAX)
		return false;
	g = strtoul(sg, &end, 10);
	if (!*sg || *end || errno || g >= UINT_MAX)
		return false;
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return u != 0;
}

int run_as_resolve(struct run_as *ra, const struct pl_options *o, char *err,
		   size_t err_size)
{
	struct passwd *pw;
	uid_t su;
	gid_t sg;
	bool sudo;
	int ret;

	memset(ra, 0, sizeof(*ra));
	sudo = !o->keep_root && sudo_invoker(&su, &sg);
	if (sudo) {
		ra->chown_files = true;
		ra->owner_uid = su;
		ra->owner_gid = sg;
	}
	if (!o->command)
		return 0;
	if (o->run_user) {
		pw = find_user(o->run_user);
		if (!pw) {
			snprintf(err, err_size, "-U: no user '%s'", o->run_user);
			return -1;
		}
		if (geteuid() != 0 && pw->pw_uid != geteuid()) {
			snprintf(err, err_size,
				 "-U: running CMD as '%s' needs root", o->run_user);
			return -1;
		}
		if (geteuid() != 0)
			return 0;	/* already that user */
		ret = take_user(ra, pw, pw->pw_gid);
	} else if (sudo) {
		pw = getpwuid(su);
		if (!pw) {
			snprintf(err, err_size,
				 "SUDO_UID %u is no user here (use --keep-root or -U USER)",
				 (unsigned int)su);
			return -1;
		}
		ret = take_user(ra, pw, sg);
	} else {
		return 0;
	}
	if (ret) {
		snprintf(err, err_size, "cannot read the groups of '%s': %s",
			 ra->name ? ra->name : "?", strerror(-ret));
		return -1;
	}
	ra->cmd_switch = true;
	return 0;
}

int run_as_apply(const struct run_as *ra)
{
	if (!ra->cmd_switch)
		return 0;
	if (setgroups(ra->ngroups, ra->groups) || setgid(ra->gid) ||
	    setuid(ra->uid))
		return -errno;
	/* no way back: setuid from root drops every capability */
	if (setuid(0) == 0 && ra->uid != 0)
		return -EPERM;
	if (setenv("USER", ra->name, 1) || setenv("LOGNAME", ra->name, 1) ||
	    setenv("HOME", ra->home, 1))
		return -errno;
	return 0;
}

void run_as_free(struct run_as *ra)
{
	free(ra->groups);
	free(ra->name);
	free(ra->home);
	memset(ra, 0, sizeof(*ra));
}
