/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The -o file: opened (and so checked) before anything is attached,
 * written as an unnamed temporary file in the target's directory, and
 * given its name only when complete, so FILE is either the old file or
 * a whole new one, never half written. A FILE that exists and is not a
 * regular file (a device, a pipe: /dev/stdout, >(cmd)) is written to
 * directly, its mode untouched: replacing it would turn /dev/null into a
 * file. "-" is standard output, written in place (nothing to rename).
 *
 * A live file (JSON Lines or text written as events come, so tail -f
 * works) is opened in place instead, and can be reopened by its name
 * after logrotate moved it (SIGHUP).
 */
#ifndef PL_OUT_FILE_H
#define PL_OUT_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct out_file {
	int fd;
	const char *path;
	char *tmp_path;		/* named fallback when O_TMPFILE is unsupported */
	bool direct;		/* a device or pipe: written in place */
	bool to_stdout;		/* "-": the fd is standard output's */
	bool live;		/* written in place */
	unsigned int mode;
	bool chown;		/* owner_uid:owner_gid for new files */
	uid_t owner_uid;
	gid_t owner_gid;
};

/* Whether a -o name means standard output. */
bool out_file_is_stdout(const char *path);

/* 0, or -errno with err filled with one line. The file gets exactly mode
 * (the umask aside: the mode is the user's explicit choice). */
int out_file_open(struct out_file *f, const char *path, unsigned int mode,
		  char *err, size_t err_size);
/* A live file: created (or truncated) in place. 0, or -errno with err. */
int out_file_open_live(struct out_file *f, const char *path, unsigned int mode,
		       char *err, size_t err_size);
/* A live file again by its name, appended to or created (after logrotate
 * renamed it): the new fd, 0 or -errno; the old one is closed. */
int out_file_reopen(struct out_file *f);
/*
 * Rotate a live file as logrotate numbers them: FILE.keep dropped,
 * FILE.(keep-1) -> FILE.keep, ..., FILE -> FILE.1, then a new empty FILE
 * (keep >= 1). The new fd, or -errno.
 */
int out_file_rotate(struct out_file *f, unsigned int keep);
/* Hand the file to uid:gid (a no-op for standard output); a live file's
 * later reopens too. 0 or -errno. */
int out_file_chown(struct out_file *f, uid_t uid, gid_t gid);
/* Sync and give the file its name. 0 or -errno. */
int out_file_commit(struct out_file *f);
/* Drop the temporary file (a live file: remove it). */
void out_file_abort(struct out_file *f);

#endif
