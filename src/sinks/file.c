// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sinks/file.h"

int out_file_open(struct out_file *f, const char *path, char *err,
		  size_t err_size)
{
	char *copy = strdup(path), *dir;
	struct stat st;
	int ret = 0;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->path = path;
	if (!copy)
		return -ENOMEM;
	if ((!stat(path, &st) && S_ISDIR(st.st_mode)) ||
	    path[strlen(path) - 1] == '/') {
		snprintf(err, err_size, "-o: '%s' is a directory", path);
		ret = -EISDIR;
		goto cleanup;
	}
	if (!stat(path, &st) && !S_ISREG(st.st_mode)) {
		f->direct = true;
		f->fd = open(path, O_WRONLY | O_CLOEXEC);
		if (f->fd < 0) {
			ret = -errno;
			snprintf(err, err_size, "-o: cannot open '%s': %s",
				 path, strerror(errno));
		}
		goto cleanup;
	}
	dir = dirname(copy);
	f->fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
	if (f->fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR)) {
		/* filesystems without O_TMPFILE: a named temporary file */
		if (asprintf(&f->tmp_path, "%s.tmp-XXXXXX", path) < 0) {
			f->tmp_path = NULL;
			ret = -ENOMEM;
			goto cleanup;
		}
		f->fd = mkostemp(f->tmp_path, O_CLOEXEC);
		if (f->fd >= 0)
			fchmod(f->fd, 0644);
	}
	if (f->fd < 0) {
		ret = -errno;
		snprintf(err, err_size, "-o: cannot create '%s': %s", path,
			 strerror(errno));
		free(f->tmp_path);
		f->tmp_path = NULL;
	}
cleanup:
	free(copy);
	return ret;
}

int out_file_commit(struct out_file *f)
{
	char proc[64], *tmp = NULL;
	int ret = 0;

	if (fsync(f->fd) && errno != EINVAL)
		return -errno;
	if (f->direct)
		goto out;
	if (f->tmp_path) {
		if (rename(f->tmp_path, f->path))
			return -errno;
		free(f->tmp_path);
		f->tmp_path = NULL;
		goto out;
	}
	/* an unnamed file gets a temporary name, then takes FILE's atomically */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", f->fd);
	if (asprintf(&tmp, "%s.tmp-%d", f->path, getpid()) < 0)
		return -ENOMEM;
	unlink(tmp);
	if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) ||
	    rename(tmp, f->path)) {
		ret = -errno;
		unlink(tmp);
	}
	free(tmp);
out:
	close(f->fd);
	f->fd = -1;
	return ret;
}

void out_file_abort(struct out_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	if (f->tmp_path) {
		unlink(f->tmp_path);
		free(f->tmp_path);
	}
	f->fd = -1;
	f->tmp_path = NULL;
}
