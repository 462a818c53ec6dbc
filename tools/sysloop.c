// SPDX-License-Identifier: GPL-2.0
/*
 * sysloop: a system-call-heavy load that creates no task: each of -j
 * worker processes calls getppid() (a call no tracer of lifecycles cares
 * about) until -n calls are made in all. What a tracer costs here is what
 * it does to every system call: the syscalls: tracepoints put each call
 * of every task on the slow path.
 *
 * Prints one JSON line with the field names of workload's, a call
 * standing for a task: {"mode":"getppid","pid":..,"tasks":CALLS,
 * "seconds":..,"rate_per_s":..,"cpu_s":..,"cpu_us_per_task":..}
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double tv_s(struct timeval tv)
{
	return tv.tv_sec + tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	long calls = 10000000, per;
	int workers = 1, opt, status, failed = 0;
	struct rusage ru;
	double t0, t;

	while ((opt = getopt(argc, argv, "n:j:q")) != -1) {
		switch (opt) {
		case 'n':
			calls = strtol(optarg, NULL, 10);
			break;
		case 'j':
			workers = atoi(optarg);
			break;
		case 'q':	/* accepted for workload's command line */
			break;
		default:
			fprintf(stderr, "usage: sysloop [-n CALLS] [-j WORKERS]\n");
			return 2;
		}
	}
	if (calls <= 0 || workers <= 0 || workers > 1024) {
		fprintf(stderr, "sysloop: bad -n or -j\n");
		return 2;
	}
	per = calls / workers;
	calls = per * workers;
	t0 = now();
	for (int w = 0; w < workers; w++) {
		pid_t pid = fork();

		if (pid < 0) {
			fprintf(stderr, "sysloop: fork: %s\n", strerror(errno));
			return 1;
		}
		if (pid == 0) {
			for (long i = 0; i < per; i++)
				syscall(SYS_getppid);
			_exit(0);
		}
	}
	while (wait(&status) > 0)
		failed |= !WIFEXITED(status) || WEXITSTATUS(status);
	t = now() - t0;
	getrusage(RUSAGE_CHILDREN, &ru);
	printf("{\"mode\":\"getppid\",\"pid\":%d,\"tasks\":%ld,\"execs\":0,"
	       "\"helpers\":%d,\"seconds\":%.6f,\"rate_per_s\":%.1f,"
	       "\"cpu_s\":%.6f,\"cpu_us_per_task\":%.6f}\n",
	       getpid(), calls, workers, t, calls / t,
	       tv_s(ru.ru_utime) + tv_s(ru.ru_stime),
	       (tv_s(ru.ru_utime) + tv_s(ru.ru_stime)) * 1e6 / calls);
	return failed;
}
