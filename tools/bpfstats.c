// SPDX-License-Identifier: GPL-2.0
/*
 * bpfstats: run time of BPF programs, for the benchmarks.
 *
 *   bpfstats hold
 *	turn the kernel's per-program run-time statistics on and keep them on
 *	until SIGINT/SIGTERM.
 *   bpfstats sample [-i MS] [-d SECS] PID...
 *	every MS milliseconds (default 100), print one line per BPF program
 *	held by one of PIDs:  t_ns <tab> prog_id <tab> run_time_ns <tab> run_cnt
 *	<tab> name, until every PID is gone, SECS have passed, or SIGINT/TERM.
 *
 * Statistics are turned on with BPF_ENABLE_STATS, not with the
 * kernel.bpf_stats_enabled sysctl: they stay on while this process holds the
 * descriptor, whatever anyone else writes to the sysctl meanwhile, and go off
 * by themselves when it exits, however it exits.
 *
 * Programs are found through /proc/PID/fdinfo (program and link descriptors
 * both name their prog_id) and read by id, so a sample costs one bpf()
 * call per program and no parsing.
 */
#include <dirent.h>
#include <errno.h>
#include <linux/bpf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_PROGS	256

struct prog {
	__u32 id;
	int fd;
};

static volatile sig_atomic_t exiting;

static void on_signal(int sig)
{
	exiting = 1;
}

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int enable_stats(void)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.enable_stats.type = BPF_STATS_RUN_TIME;
	fd = sys_bpf(BPF_ENABLE_STATS, &attr);
	if (fd < 0)
		fprintf(stderr, "bpfstats: BPF_ENABLE_STATS: %s (root and kernel 5.8+ needed)\n",
			strerror(errno));
	return fd;
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int have_prog(const struct prog *p, int n, __u32 id)
{
	for (int i = 0; i < n; i++)
		if (p[i].id == id)
			return 1;
	return 0;
}

/* Adds the programs pid holds to p[*n]; returns -1 when pid is gone. */
static int scan_pid(int pid, struct prog *p, int *n)
{
	char path[300], line[256];
	struct dirent *de;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo", pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((de = readdir(dir)) && *n < MAX_PROGS) {
		FILE *f;
		__u32 id;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", pid, de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			union bpf_attr attr;
			int fd;

			if (sscanf(line, "prog_id: %u", &id) != 1 || have_prog(p, *n, id))
				continue;
			memset(&attr, 0, sizeof(attr));
			attr.prog_id = id;
			fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
			if (fd < 0)
				continue;
			p[*n].id = id;
			p[*n].fd = fd;
			(*n)++;
		}
		fclose(f);
	}
	closedir(dir);
	return 0;
}

static void sample(const struct prog *p, int n)
{
	__u64 t = now_ns();

	for (int i = 0; i < n; i++) {
		struct bpf_prog_info info;
		union bpf_attr attr;

		memset(&info, 0, sizeof(info));
		memset(&attr, 0, sizeof(attr));
		attr.info.bpf_fd = p[i].fd;
		attr.info.info_len = sizeof(info);
		attr.info.info = (__u64)(unsigned long)&info;
		if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr))
			continue;
		printf("%llu\t%u\t%llu\t%llu\t%s\n", (unsigned long long)t, p[i].id,
		       (unsigned long long)info.run_time_ns,
		       (unsigned long long)info.run_cnt, info.name);
	}
	fflush(stdout);
}

static int any_alive(const int *pids, int n)
{
	char path[64];

	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/proc/%d/fdinfo", pids[i]);
		if (!access(path, F_OK))
			return 1;
	}
	return 0;
}

static int cmd_hold(void)
{
	int fd = enable_stats();

	if (fd < 0)
		return 1;
	printf("bpfstats: run-time statistics on\n");
	fflush(stdout);
	while (!exiting)
		pause();
	close(fd);
	return 0;
}

static int cmd_sample(int argc, char **argv)
{
	long interval_ms = 100, duration_s = 0;
	struct prog progs[MAX_PROGS];
	int pids[64], npids = 0, n = 0, opt, stats_fd;
	struct timespec next;
	__u64 end = 0;

	while ((opt = getopt(argc, argv, "i:d:")) != -1) {
		switch (opt) {
		case 'i':
			interval_ms = strtol(optarg, NULL, 10);
			break;
		case 'd':
			duration_s = strtol(optarg, NULL, 10);
			break;
		default:
			return 2;
		}
	}
	if (interval_ms < 1 || optind >= argc) {
		fprintf(stderr, "usage: bpfstats sample [-i MS] [-d SECS] PID...\n");
		return 2;
	}
	for (int i = optind; i < argc && npids < 64; i++)
		pids[npids++] = atoi(argv[i]);

	stats_fd = enable_stats();
	if (stats_fd < 0)
		return 1;
	for (int i = 0; i < npids; i++)
		scan_pid(pids[i], progs, &n);
	if (!n) {
		fprintf(stderr, "bpfstats: no BPF programs held by the given pids\n");
		return 1;
	}
	if (duration_s)
		end = now_ns() + duration_s * 1000000000ull;
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!exiting) {
		sample(progs, n);
		if ((end && now_ns() >= end) || !any_alive(pids, npids))
			break;
		next.tv_nsec += interval_ms % 1000 * 1000000;
		next.tv_sec += interval_ms / 1000 + next.tv_nsec / 1000000000;
		next.tv_nsec %= 1000000000;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	/* the last word: counts up to the stop, even when stopped mid-interval */
	if (exiting)
		sample(progs, n);
	for (int i = 0; i < n; i++)
		close(progs[i].fd);
	close(stats_fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (argc >= 2 && !strcmp(argv[1], "hold"))
		return cmd_hold();
	if (argc >= 2 && !strcmp(argv[1], "sample"))
		return cmd_sample(argc - 1, argv + 1);
	fprintf(stderr, "usage: bpfstats hold | bpfstats sample [-i MS] [-d SECS] PID...\n");
	return 2;
}
