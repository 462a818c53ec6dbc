// SPDX-License-Identifier: GPL-2.0
/*
 * boottime-exec FILE CMD [ARG...]: write CLOCK_BOOTTIME in nanoseconds to
 * FILE, then exec CMD. proclife stamps its events on the same clock, so the
 * t_ns of an event minus this stamp is the time from CMD's exec to that event
 * (tools/startup.sh measures proclife's start-up this way).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec ts;
	char buf[32];
	int fd, len;

	if (argc < 3) {
		fprintf(stderr, "usage: boottime-exec FILE CMD [ARG...]\n");
		return 2;
	}
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "boottime-exec: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	/* Taken last before the exec: only the write and the close follow. */
	clock_gettime(CLOCK_BOOTTIME, &ts);
	len = snprintf(buf, sizeof(buf), "%lld\n",
		       (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	if (write(fd, buf, len) != len) {
		fprintf(stderr, "boottime-exec: write %s failed\n", argv[1]);
		return 1;
	}
	close(fd);
	execvp(argv[2], argv + 2);
	fprintf(stderr, "boottime-exec: %s: %s\n", argv[2], strerror(errno));
	return 127;
}
