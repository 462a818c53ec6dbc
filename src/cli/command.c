// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/command.h"
#include "cli/run_as.h"
#include "cli/signals.h"

static bool runnable_file(const char *path, int *err)
{
	struct stat st;

	if (stat(path, &st)) {
		*err = errno;
		return false;
	}
	if (!S_ISREG(st.st_mode) || access(path, X_OK)) {
		*err = EACCES;
		return false;
	}
	return true;
}

int command_resolve(struct command *cmd, char **argv)
{
	const char *name = argv[0], *path = getenv("PATH");
	int err = ENOENT, seen = 0;

	memset(cmd, 0, sizeof(*cmd));
	cmd->argv = argv;
	cmd->release_fd = -1;
	if (strchr(name, '/')) {
		if (snprintf(cmd->path, sizeof(cmd->path), "%s", name) >=
		    (int)sizeof(cmd->path))
			err = ENAMETOOLONG;
		else if (runnable_file(cmd->path, &err))
			return 0;
		fprintf(stderr, "proclife: %s: %s\n", name, strerror(err));
		return err == EACCES ? 126 : 127;
	}
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t len = strcspn(path, ":");
		int e;

		/* an empty PATH entry means the current directory */
		if (snprintf(cmd->path, sizeof(cmd->path), "%.*s%s%s", (int)len,
			     len ? path : ".", "/", name) < (int)sizeof(cmd->path)) {
			if (runnable_file(cmd->path, &e))
				return 0;
			if (e == EACCES)
				seen = 1;
		}
		path += len + (path[len] == ':');
	}
	fprintf(stderr, "proclife: %s: %s\n", name,
		seen ? "permission denied" : "command not found");
	return seen ? 126 : 127;
}

int command_spawn(struct command *cmd, const struct run_as *ra)
{
	int pipefd[2];
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(pipefd[0]);
		close(pipefd[1]);
		return err;
	}
	if (pid == 0) {
		char go;

		close(pipefd[1]);
		signals_restore_for_child();
		if (ra) {
			int err = run_as_apply(ra);

			if (err) {
				fprintf(stderr, "proclife: cannot run %s as %s: %s\n",
					cmd->argv[0], ra->name, strerror(-err));
				_exit(126);
			}
		}
		if (read(pipefd[0], &go, 1) != 1)
			_exit(127);	/* proclife gave up before release */
		execv(cmd->path, cmd->argv);
		fprintf(stderr, "proclife: %s: %s\n", cmd->argv[0],
			strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(pipefd[0]);
	cmd->pid = pid;
	cmd->release_fd = pipefd[1];
	return 0;
}

int command_release(struct command *cmd)
{
	int err = 0;

	if (write(cmd->release_fd, "g", 1) != 1)
		err = -EPIPE;
	close(cmd->release_fd);
	cmd->release_fd = -1;
	return err;
}
