/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who CMD runs as, and who owns the files proclife writes.
 *
 * Started through sudo, CMD runs as the user who ran sudo (SUDO_UID,
 * SUDO_GID and that user's supplementary groups), so a traced build does
 * not leave root-owned files in their tree, and the files proclife writes
 * are theirs. -U USER picks another user for CMD (as strace -u does);
 * --keep-root keeps root for both. The tracer itself keeps its privileges.
 * Everything is looked up before anything is attached.
 */
#ifndef PL_RUN_AS_H
#define PL_RUN_AS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cli/args.h"

struct run_as {
	bool cmd_switch;	/* CMD changes user */
	uid_t uid;
	gid_t gid;
	gid_t *groups;		/* supplementary groups */
	int ngroups;
	char *name;		/* for USER and LOGNAME */
	char *home;		/* for HOME */
	bool chown_files;	/* outputs go to owner_uid:owner_gid */
	uid_t owner_uid;
	gid_t owner_gid;
};

/* 0, or -1 with err filled with one line (a usage error). */
int run_as_resolve(struct run_as *ra, const struct pl_options *o, char *err,
		   size_t err_size);
/* In CMD's child, before exec: groups, gid, uid, then USER, LOGNAME and
 * HOME. 0 or -errno. */
int run_as_apply(const struct run_as *ra);
void run_as_free(struct run_as *ra);

#endif
