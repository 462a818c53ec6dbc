/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The -o file: opened (and so checked) before anything is attached,
 * written as an unnamed temporary file in the target's directory, and
 * given its name only when complete, so FILE is either the old file or
 * a whole new one, never half written. A FILE that exists and is not a
 * regular file (a device, a pipe: /dev/stdout, >(cmd)) is written to
 * directly: replacing it would turn /dev/null into a file.
 */
#ifndef PL_OUT_FILE_H
#define PL_OUT_FILE_H

#include <stdbool.h>

struct out_file {
	int fd;
	const char *path;
	char *tmp_path;		/* named fallback when O_TMPFILE is unsupported */
	bool direct;		/* a device or pipe: written in place */
};

/* 0, or -errno with err filled with one line. */
int out_file_open(struct out_file *f, const char *path, char *err,
		  size_t err_size);
/* Sync and give the file its name. 0 or -errno. */
int out_file_commit(struct out_file *f);
/* Drop the temporary file. */
void out_file_abort(struct out_file *f);

#endif
