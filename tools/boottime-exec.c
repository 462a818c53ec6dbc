// SPDX-License-Identifier: GPL-2.0
/*
 * boottime-exec [-r] FILE CMD [ARG...]: write CLOCK_BOOTTIME in nanoseconds
 * to FILE, then exec CMD. proclife stamps its events on the same clock, so
 * the t_ns of an event minus this stamp is the time from CMD's exec to that
 * event (tools/startup.sh measures proclife's start-up this way).
 *
 * -r: run CMD as a child instead (the stamp is taken in the child, just
 * before its exec), wait for it, and add a second line: the time it
 * ended. Exits with CMD's status.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Append CLOCK_BOOTTIME to fd; 0 or -1. */
static int stamp(int fd)
{
	struct timespec ts;
	char buf[32];
	int len;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	len = snprintf(buf, sizeof(buf), "%lld\n",
		       (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	return write(fd, buf, len) == len ? 0 : -1;
}

int main(int argc, char **argv)
{
	bool wait_end = argc > 1 && !strcmp(argv[1], "-r");
	int fd, status;
	pid_t pid = 0;

	argv += wait_end;
	argc -= wait_end;
	if (argc < 3) {
		fprintf(stderr, "usage: boottime-exec [-r] FILE CMD [ARG...]\n");
		return 2;
	}
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "boottime-exec: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (wait_end) {
		pid = fork();
		if (pid < 0) {
			fprintf(stderr, "boottime-exec: fork: %s\n", strerror(errno));
			return 1;
		}
	}
	if (!pid) {
		/* Taken last before the exec: only the write and the close
		 * follow. */
		if (stamp(fd)) {
			fprintf(stderr, "boottime-exec: write %s failed\n", argv[1]);
			_exit(1);
		}
		close(fd);
		execvp(argv[2], argv + 2);
		fprintf(stderr, "boottime-exec: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "boottime-exec: waitpid: %s\n", strerror(errno));
			return 1;
		}
	if (stamp(fd)) {
		fprintf(stderr, "boottime-exec: write %s failed\n", argv[1]);
		return 1;
	}
	close(fd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
