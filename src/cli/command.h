/* SPDX-License-Identifier: GPL-2.0 */
/* Command mode: find CMD, start it held back, release it once traced. */
#ifndef PL_COMMAND_H
#define PL_COMMAND_H

#include <limits.h>
#include <sys/types.h>

struct run_as;

struct command {
	char path[PATH_MAX];	/* CMD resolved through PATH */
	char **argv;
	pid_t pid;
	int release_fd;
};

/*
 * Resolve argv[0] like the shell does, before anything is attached, so a
 * missing command is one clear line, not a trace of failed execs.
 * Returns 0, or the exit status to use (127 not found, 126 not runnable)
 * after printing one line.
 */
int command_resolve(struct command *cmd, char **argv);
/* Fork CMD blocked before its exec, already as the user ra says (NULL:
 * proclife's own). 0 or -errno. */
int command_spawn(struct command *cmd, const struct run_as *ra);
/* Let it exec. 0 or -errno. */
int command_release(struct command *cmd);

#endif
