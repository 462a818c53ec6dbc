// SPDX-License-Identifier: GPL-2.0
/*
 * The -o file: written under no name (or a temporary one) and given its
 * name only on commit, so FILE is the old file or a whole new one. Failed
 * opens say why in one line; a failed write or commit leaves no partial
 * file and no temporary behind. Each test works in its own new directory.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "sinks/file.h"
#include "util/outbuf.h"

static char dir[64];

static bool make_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test_file.XXXXXX");
	return mkdtemp(dir) != NULL;
}

/* Remove dir and what is in it (one level, and one level below that). */
static void remove_dir(const char *d)
{
	DIR *dp = opendir(d);
	struct dirent *e;
	char path[512];

	while (dp && (e = readdir(dp))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", d, e->d_name);
		if (unlink(path))	/* a directory */
			remove_dir(path);
	}
	if (dp)
		closedir(dp);
	chmod(d, 0700);
	rmdir(d);
}

/* The names in dir, sorted, joined with spaces. */
static void list_dir(char *out, size_t size)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, "..") &&
		    len < size)
			len += (size_t)snprintf(out + len, size - len, "%s%s",
						len ? " " : "", names[i]->d_name);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

static void write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			perror(path);
		close(fd);
	}
}

/* The whole file, NUL-terminated, in buf; "" if it cannot be read. */
static const char *read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	return buf;
}

static void put(int fd, const char *text)
{
	CHECK_EQ_I64(write(fd, text, strlen(text)), (int64_t)strlen(text));
}

static void test_new_file(void)
{
	struct out_file f;
	char path[128], err[256] = "", names[256], buf[64];
	struct stat st;

	REQUIRE(make_dir());
	snprintf(path, sizeof(path), "%s/trace.json", dir);
	REQUIRE(out_file_open(&f, path, 0600, err, sizeof(err)) == 0);
	CHECK_EQ_STR(err, "");
	CHECK(f.fd >= 0);
	put(f.fd, "{\"ok\":1}\n");
	/* not there under its name until committed */
	CHECK(access(path, F_OK) != 0);
	CHECK_EQ_I64(out_file_commit(&f), 0);
	CHECK_EQ_I64(f.fd, -1);
	CHECK_EQ_STR(read_text(path, buf, sizeof(buf)), "{\"ok\":1}\n");
	CHECK(stat(path, &st) == 0 && S_ISREG(st.st_mode));
	/* exactly the mode asked for (0600 by default), the umask aside */
	CHECK_EQ_U64(st.st_mode & 0777, 0600);
	list_dir(names, sizeof(names));
	CHECK_EQ_STR(names, "trace.json");	/* no temporary left */
	out_file_abort(&f);			/* after commit: harmless */
	CHECK_EQ_STR(read_text(path, buf, sizeof(buf)), "{\"ok\":1}\n");
	remove_dir(dir);
}

/* An old FILE stays whole until the new one replaces it at once. */
static void test_replace(void)
{
	struct out_file f;
	char path[128], err[256], names[256], buf[64];
	struct stat before, after;

	REQUIRE(make_dir());
	snprintf(path, sizeof(path), "%s/out.svg", dir);
	write_text(path, "old contents");
	REQUIRE(stat(path, &before) == 0);
	REQUIRE(out_file_open(&f, path, 0600, err, sizeof(err)) == 0);
	put(f.fd, "new");
	CHECK_EQ_STR(read_text(path, buf, sizeof(buf)), "old contents");
	CHECK_EQ_I64(out_file_commit(&f), 0);
	CHECK_EQ_STR(read_text(path, buf, sizeof(buf)), "new");
	/* a new file took the name: the old one was not truncated */
	CHECK(stat(path, &after) == 0 && after.st_ino != before.st_ino);
	list_dir(names, sizeof(names));
	CHECK_EQ_STR(names, "out.svg");
	remove_dir(dir);
}

static void test_abort(void)
{
	struct out_file f;
	char path[128], fresh[128], err[256], names[256], buf[64];

	REQUIRE(make_dir());
	snprintf(path, sizeof(path), "%s/kept", dir);
	snprintf(fresh, sizeof(fresh), "%s/never", dir);
	write_text(path, "old contents");

	REQUIRE(out_file_open(&f, path, 0600, err, sizeof(err)) == 0);
	put(f.fd, "half a trace");
	out_file_abort(&f);
	CHECK_EQ_I64(f.fd, -1);
	CHECK_EQ_STR(read_text(path, buf, sizeof(buf)), "old contents");

	REQUIRE(out_file_open(&f, fresh, 0600, err, sizeof(err)) == 0);
	put(f.fd, "half a trace");
	out_file_abort(&f);
	out_file_abort(&f);			/* twice: harmless */
	CHECK(access(fresh, F_OK) != 0);
	list_dir(names, sizeof(names));
	CHECK_EQ_STR(names, "kept");
	remove_dir(dir);
}

static void test_bad_paths(void)
{
	struct out_file f;
	char path[128], err[256], expect[300], names[256];

	REQUIRE(make_dir());
	/* a directory, or a name ending in '/' */
	CHECK_EQ_I64(out_file_open(&f, dir, 0600, err, sizeof(err)), -EISDIR);
	snprintf(expect, sizeof(expect), "-o: '%s' is a directory", dir);
	CHECK_EQ_STR(err, expect);
	CHECK_EQ_I64(f.fd, -1);
	out_file_abort(&f);
	snprintf(path, sizeof(path), "%s/new/", dir);
	CHECK_EQ_I64(out_file_open(&f, path, 0600, err, sizeof(err)), -EISDIR);
	snprintf(expect, sizeof(expect), "-o: '%s' is a directory", path);
	CHECK_EQ_STR(err, expect);

	/* a directory that does not exist */
	snprintf(path, sizeof(path), "%s/nope/out.json", dir);
	CHECK_EQ_I64(out_file_open(&f, path, 0600, err, sizeof(err)), -ENOENT);
	snprintf(expect, sizeof(expect),
		 "-o: cannot create '%s': No such file or directory", path);
	CHECK_EQ_STR(err, expect);
	CHECK_EQ_I64(f.fd, -1);
	out_file_abort(&f);

	/* a short error buffer: cut, still a string */
	CHECK_EQ_I64(out_file_open(&f, path, 0600, err, 8), -ENOENT);
	CHECK_EQ_STR(err, "-o: can");
	list_dir(names, sizeof(names));
	CHECK_EQ_STR(names, "");
	remove_dir(dir);
}

/*
 * A directory we may not write to: checked as a user without the right
 * (root drops to nobody in a child for it), before anything is traced.
 */
static void test_readonly_dir(void)
{
	char path[128];
	pid_t child;
	int st;

	REQUIRE(make_dir());
	REQUIRE(chmod(dir, 0555) == 0);
	snprintf(path, sizeof(path), "%s/out.json", dir);
	child = fork();
	REQUIRE(child >= 0);
	if (!child) {
		struct out_file f;
		char err[256], expect[300];
		int ret;

		if (geteuid() == 0 && (setgid(65534) || setuid(65534)))
			_exit(3);	/* cannot drop root: not tried */
		ret = out_file_open(&f, path, 0600, err, sizeof(err));
		snprintf(expect, sizeof(expect),
			 "-o: cannot create '%s': Permission denied", path);
		_exit(ret == -EACCES && !strcmp(err, expect) && f.fd == -1 ? 0 : 1);
	}
	REQUIRE(waitpid(child, &st, 0) == child);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 3)
		fprintf(stderr, "test_file: cannot drop root, read-only dir not tried\n");
	else
		CHECK_EQ_I64(WIFEXITED(st) ? WEXITSTATUS(st) : 99, 0);
	CHECK(access(path, F_OK) != 0);
	remove_dir(dir);
}

/* The name is taken by a directory by the time of the commit: the
 * commit fails, says why, and leaves no temporary. */
static void test_commit_fails(void)
{
	struct out_file f;
	char path[128], inner[160], err[256], names[256];
	int ret;

	REQUIRE(make_dir());
	snprintf(path, sizeof(path), "%s/out", dir);
	REQUIRE(out_file_open(&f, path, 0600, err, sizeof(err)) == 0);
	put(f.fd, "data");
	REQUIRE(mkdir(path, 0755) == 0);
	snprintf(inner, sizeof(inner), "%s/x", path);
	write_text(inner, "x");
	ret = out_file_commit(&f);
	CHECK(ret == -EISDIR || ret == -ENOTEMPTY || ret == -EEXIST);
	out_file_abort(&f);		/* what main does after a failure */
	list_dir(names, sizeof(names));
	CHECK_EQ_STR(names, "out");	/* the directory, nothing else */
	remove_dir(dir);
}

/*
 * A write fails half-way (the file size limit stands in for a full disk):
 * the writer reports it, the caller aborts, and the old FILE is intact.
 */
static void test_write_fails(void)
{
	struct out_file f;
	struct outbuf ob;
	struct rlimit old, small;
	char path[128], err[256], names[256], buf[64], chunk[1024];
	void (*old_handler)(int);
	int ret;

	REQUIRE(make_dir());
	snprintf(path, sizeof(path), "%s/trace.json", dir);
	write_text(path, "old contents");
	REQUIRE(out_file_open(&f, path, 0600, err, sizeof(err)) == 0);
	REQUIRE(outbuf_init(&ob, f.fd, 4096) == 0);

	REQUIRE(getrlimit(RLIMIT_FSIZE, &old) == 0);
	small = old;
	small.rlim_cur = 8192;
	old_handler = signal(SIGXFSZ, SIG_IGN);
	REQUIRE(setrlimit(RLIMIT_FSIZE, &small) == 0);
	memset(chunk, 'a', sizeof(chunk));
	for (int i = 0; i < 32; i++)
		outbuf_put(&ob, chunk, sizeof(chunk));
	ret = outbuf_flush(&ob);
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, old_handler);

	CHECK_EQ_I64(ret, -EFBIG);
	outbuf_free(&ob);
	out_file_abort(&f);
	CHECK_EQ_STR(read_text(path, buf, sizeof(buf)), "old contents");
	list_dir(names, sizeof(names));
	CHECK_EQ_STR(names, "trace.json");
	remove_dir(dir);
}

/*
 * FILE is a device (here a link to /dev/full) or a pipe: it is written to,
 * never replaced by a regular file (as root, -o /dev/null would otherwise
 * turn /dev/null into a file). A full device says so on the write.
 */
static void test_device_target(void)
{
	struct out_file f;
	struct outbuf ob;
	char path[128], err[256], names[256], target[64];
	struct stat st;
	ssize_t n;

	REQUIRE(make_dir());
	snprintf(path, sizeof(path), "%s/full", dir);
	if (stat("/dev/full", &st) || !S_ISCHR(st.st_mode)) {
		fprintf(stderr, "test_file: no /dev/full, device target not tried\n");
		remove_dir(dir);
		return;
	}
	REQUIRE(symlink("/dev/full", path) == 0);
	REQUIRE(out_file_open(&f, path, 0600, err, sizeof(err)) == 0);
	REQUIRE(outbuf_init(&ob, f.fd, 4096) == 0);
	outbuf_puts(&ob, "{\"trace\":[]}\n");
	CHECK_EQ_I64(outbuf_flush(&ob), -ENOSPC);
	outbuf_free(&ob);
	out_file_abort(&f);
	/* the link is still the link, to the same device */
	CHECK(lstat(path, &st) == 0 && S_ISLNK(st.st_mode));
	n = readlink(path, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = '\0';
	CHECK_EQ_STR(target, "/dev/full");
	list_dir(names, sizeof(names));
	CHECK_EQ_STR(names, "full");
	remove_dir(dir);
}

static void test_fifo_target(void)
{
	struct out_file f;
	char path[128], err[256], names[256], buf[64] = "";
	struct stat st;
	ssize_t n;
	int reader;

	REQUIRE(make_dir());
	snprintf(path, sizeof(path), "%s/pipe", dir);
	REQUIRE(mkfifo(path, 0600) == 0);
	reader = open(path, O_RDONLY | O_NONBLOCK);
	REQUIRE(reader >= 0);
	if (CHECK(out_file_open(&f, path, 0600, err, sizeof(err)) == 0)) {
		put(f.fd, "streamed");
		CHECK_EQ_I64(out_file_commit(&f), 0);
		n = read(reader, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		CHECK_EQ_STR(buf, "streamed");
	}
	close(reader);
	CHECK(stat(path, &st) == 0 && S_ISFIFO(st.st_mode));
	list_dir(names, sizeof(names));
	CHECK_EQ_STR(names, "pipe");
	remove_dir(dir);
}

/* A live file on a pipe is written in place, its mode left as it was
 * (never chmod'ed or removed, as /dev/null must not be). */
static void test_live_fifo_target(void)
{
	struct out_file f;
	char path[128], err[256] = "", names[256], buf[64] = "";
	struct stat st;
	ssize_t n;
	int reader;

	REQUIRE(make_dir());
	snprintf(path, sizeof(path), "%s/pipe", dir);
	REQUIRE(mkfifo(path, 0644) == 0);
	reader = open(path, O_RDONLY | O_NONBLOCK);
	REQUIRE(reader >= 0);
	if (CHECK(out_file_open_live(&f, path, 0600, err, sizeof(err)) == 0)) {
		CHECK(f.direct);
		put(f.fd, "live");
		/* neither rotated nor reopened: it is not ours to move */
		CHECK_EQ_I64(out_file_rotate(&f, 3), -EINVAL);
		CHECK_EQ_I64(out_file_reopen(&f), f.fd);
		n = read(reader, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		CHECK_EQ_STR(buf, "live");
		out_file_abort(&f);
	}
	close(reader);
	CHECK(stat(path, &st) == 0 && S_ISFIFO(st.st_mode));
	CHECK_EQ_U64(st.st_mode & 0777, 0644);
	list_dir(names, sizeof(names));
	CHECK_EQ_STR(names, "pipe");
	remove_dir(dir);
}

int main(void)
{
	umask(022);
	RUN(test_new_file);
	RUN(test_replace);
	RUN(test_abort);
	RUN(test_bad_paths);
	RUN(test_readonly_dir);
	RUN(test_commit_fails);
	RUN(test_write_fails);
	RUN(test_device_target);
	RUN(test_fifo_target);
	RUN(test_live_fifo_target);
	return CHECK_DONE();
}
