/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the output-writer tests: write through a writer into a temp
 * file, read it back, count substrings, and run tests/unit/out_check.py.
 */
#ifndef PL_OUT_TEST_H
#define PL_OUT_TEST_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/outbuf.h"
#include "model/timeline.h"
#include "model/trace_info.h"

struct out_file {
	char path[64];
	char *data;		/* NUL-terminated */
	size_t len;
	int ret;		/* the writer's return */
};

/* Write into a new temp file and read it back; false on a setup failure. */
static inline bool out_run(struct out_file *f,
			   int (*w)(const struct timeline *,
				    const struct pl_trace_info *, struct outbuf *),
			   const struct timeline *tl,
			   const struct pl_trace_info *info, const char *suffix)
{
	struct outbuf ob;
	struct stat st;
	int fd;

	snprintf(f->path, sizeof(f->path), "/tmp/pl_out_XXXXXX%s", suffix);
	fd = mkstemps(f->path, (int)strlen(suffix));
	if (fd < 0)
		return false;
	if (outbuf_init(&ob, fd, 0)) {
		close(fd);
		return false;
	}
	f->ret = w(tl, info, &ob);
	outbuf_free(&ob);
	f->data = NULL;
	if (fstat(fd, &st) == 0 && (f->data = malloc((size_t)st.st_size + 1))) {
		f->len = (size_t)pread(fd, f->data, (size_t)st.st_size, 0);
		f->data[f->len < (size_t)st.st_size ? f->len : (size_t)st.st_size] = '\0';
	}
	close(fd);
	return f->data != NULL;
}

/* Write to /dev/full: the writer's return (it must report -ENOSPC), or 1
 * when there is no /dev/full to try. */
static inline int out_run_full(int (*w)(const struct timeline *,
					const struct pl_trace_info *,
					struct outbuf *),
			       const struct timeline *tl,
			       const struct pl_trace_info *info)
{
	struct outbuf ob;
	int fd = open("/dev/full", O_WRONLY);
	int ret;

	if (fd < 0)
		return 1;
	if (outbuf_init(&ob, fd, 4096)) {
		close(fd);
		return 1;
	}
	ret = w(tl, info, &ob);
	outbuf_free(&ob);
	close(fd);
	return ret;
}

/* Keep the file if PROCLIFE_KEEP_OUTPUT is set, else remove it. */
static inline void out_done(struct out_file *f)
{
	if (getenv("PROCLIFE_KEEP_OUTPUT"))
		fprintf(stderr, "kept %s\n", f->path);
	else
		unlink(f->path);
	free(f->data);
	f->data = NULL;
}

static inline size_t out_count(const char *hay, const char *needle)
{
	size_t n = 0, k = strlen(needle);

	for (const char *p = hay; (p = strstr(p, needle)); p += k)
		n++;
	return n;
}

/*
 * Run out_check.py (found next to this header) on the file: 0 when it
 * passes, -1 when python3 is missing (the check is skipped), else 1.
 */
static inline int out_check(const char *kind, const char *path, const char *extra)
{
	char dir[256], cmd[768];
	const char *slash = strrchr(__FILE__, '/');
	int st;

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - __FILE__) : 1,
		 slash ? __FILE__ : ".");
	snprintf(cmd, sizeof(cmd), "%s/out_check.py", dir);
	if (access(cmd, R_OK)) {
		fprintf(stderr, "out_check: no %s here, %s check of %s skipped\n",
			cmd, kind, path);
		return -1;
	}
	if (system("python3 -c '' >/dev/null 2>&1") != 0) {
		fprintf(stderr, "out_check: no python3, %s check of %s skipped\n",
			kind, path);
		return -1;
	}
	snprintf(cmd, sizeof(cmd), "python3 %s/out_check.py %s %s %s", dir, kind,
		 path, extra ? extra : "");
	st = system(cmd);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}

#endif
