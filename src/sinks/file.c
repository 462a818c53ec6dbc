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

bool out_file_is_stdout(const char *path)
{
	return !strcmp(path, "-");
}

int out_file_open(struct out_file *f, const char *path, unsigned int mode,
		  char *err, size_t err_size)
{
	char *copy, *dir;
	struct stat st;
	int ret = 0;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->path = path;
	if (out_file_is_stdout(path)) {
		f->fd = STDOUT_FILENO;
		f->to_stdout = true;
		return 0;
	}
	copy = strdup(path);
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
	f->fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
	if (f->fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR)) {
		/* filesystems without O_TMPFILE: a named temporary file */
		if (asprintf(&f->tmp_path, "%s.tmp-XXXXXX", path) < 0) {
			f->tmp_path = NULL;
			ret = -ENOMEM;
			goto cleanup;
		}
		f->fd = mkostemp(f->tmp_path, O_CLOEXEC);
	}
	if (f->fd >= 0 && fchmod(f->fd, mode)) {
		ret = -errno;
		snprintf(err, err_size, "-o: cannot set the mode of '%s': %s",
			 path, strerror(errno));
		out_file_abort(f);
		goto cleanup;
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

int out_file_open_live(struct out_file *f, const char *path, unsigned int mode,
		       char *err, size_t err_size)
{
	struct stat st;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->path = path;
	f->live = true;
	f->mode = mode;
	if (out_file_is_stdout(path)) {
		f->fd = STDOUT_FILENO;
		f->to_stdout = true;
		return 0;
	}
	if ((!stat(path, &st) && S_ISDIR(st.st_mode)) ||
	    path[strlen(path) - 1] == '/') {
		snprintf(err, err_size, "-o: '%s' is a directory", path);
		return -EISDIR;
	}
	if (!stat(path, &st) && !S_ISREG(st.st_mode)) {
		/* a device or pipe: its mode is not ours to change */
		f->direct = true;
		f->fd = open(path, O_WRONLY | O_CLOEXEC);
		if (f->fd < 0) {
			snprintf(err, err_size, "-o: cannot open '%s': %s",
				 path, strerror(errno));
			return -errno;
		}
		return 0;
	}
	f->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (f->fd < 0 || fchmod(f->fd, mode)) {
		int ret = -errno;

		snprintf(err, err_size, "-o: cannot create '%s': %s", path,
			 strerror(errno));
		if (f->fd >= 0)
			close(f->fd);
		f->fd = -1;
		return ret;
	}
	return 0;
}

int out_file_reopen(struct out_file *f)
{
	int fd;

	if (f->to_stdout || f->direct || !f->live)
		return f->fd;
	fd = open(f->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, f->mode);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, f->mode) ||
	    (f->chown && fchown(fd, f->owner_uid, f->owner_gid))) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	if (f->fd >= 0)
		close(f->fd);
	f->fd = fd;
	return fd;
}

static int rename_numbered(const char *path, unsigned int from, unsigned int to)
{
	char *a = NULL, *b = NULL;
	int ret = 0;

	if ((from ? asprintf(&a, "%s.%u", path, from) : asprintf(&a, "%s", path)) < 0 ||
	    asprintf(&b, "%s.%u", path, to) < 0) {
		ret = -ENOMEM;
		goto out;
	}
	if (rename(a, b) && errno != ENOENT)
		ret = -errno;
out:
	free(a);
	free(b);
	return ret;
}

int out_file_rotate(struct out_file *f, unsigned int keep)
{
	char *oldest = NULL;
	int fd, ret;

	if (f->to_stdout || f->direct || !f->live || !keep)
		return -EINVAL;
	if (fsync(f->fd) && errno != EINVAL)
		return -errno;
	if (asprintf(&oldest, "%s.%u", f->path, keep) < 0)
		return -ENOMEM;
	unlink(oldest);
	free(oldest);
	for (unsigned int i = keep - 1; i >= 1; i--) {
		ret = rename_numbered(f->path, i, i + 1);
		if (ret)
			return ret;
	}
	ret = rename_numbered(f->path, 0, 1);
	if (ret)
		return ret;
	fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, f->mode);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, f->mode) ||
	    (f->chown && fchown(fd, f->owner_uid, f->owner_gid))) {
		ret = -errno;
		close(fd);
		return ret;
	}
	close(f->fd);
	f->fd = fd;
	return fd;
}

int out_file_chown(struct out_file *f, uid_t uid, gid_t gid)
{
	if (f->to_stdout || f->direct || f->fd < 0)
		return 0;
	f->chown = true;
	f->owner_uid = uid;
	f->owner_gid = gid;
	return fchown(f->fd, uid, gid) ? -errno : 0;
}

int out_file_commit(struct out_file *f)
{
	char proc[64], *tmp = NULL;
	int ret = 0;

	if (f->to_stdout) {
		f->fd = -1;	/* written in place; standard output stays open */
		return 0;
	}
	if (fsync(f->fd) && errno != EINVAL)
		return -errno;
	if (f->direct || f->live)
		goto out;	/* in place already */
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

/* A live file that could not be written whole goes too: no half file is
 * left under FILE's name. */
void out_file_abort(struct out_file *f)
{
	if (f->live && !f->to_stdout && !f->direct && f->fd >= 0)
		unlink(f->path);
	if (f->fd >= 0 && !f->to_stdout)
		close(f->fd);
	if (f->tmp_path) {
		unlink(f->tmp_path);
		free(f->tmp_path);
	}
	f->fd = -1;
	f->tmp_path = NULL;
}
