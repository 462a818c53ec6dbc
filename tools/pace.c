// SPDX-License-Identifier: GPL-2.0
/*
 * pace RATE SECONDS: run "/bin/true lr SEQ" at RATE per second for SECONDS,
 * one at a time (fork, exec, wait), and print how many ran. SEQ numbers the
 * children from 0, so a trace can be checked for each one exactly once
 * (longrun.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double rate = argc > 1 ? atof(argv[1]) : 200;
	double secs = argc > 2 ? atof(argv[2]) : 60;
	double t0 = now(), next = t0;
	unsigned long n = 0;
	char seq[32];

	while (now() - t0 < secs) {
		pid_t pid;
		double d;

		snprintf(seq, sizeof(seq), "%lu", n);
		pid = fork();
		if (pid == 0) {
			execl("/bin/true", "true", "lr", seq, (char *)NULL);
			_exit(127);
		}
		if (pid > 0) {
			waitpid(pid, NULL, 0);
			n++;
		}
		next += 1.0 / rate;
		d = next - now();
		if (d > 0) {
			struct timespec ts = { (time_t)d, (long)((d - (time_t)d) * 1e9) };
			nanosleep(&ts, NULL);
		}
	}
	printf("%lu\n", n);
	return 0;
}
