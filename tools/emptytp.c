// SPDX-License-Identifier: GPL-2.0
/*
 * emptytp: attach a BPF program that does nothing ("return 0") to each
 * tracepoint named, and hold it until SIGINT or SIGTERM. What the hook
 * alone costs the traced tasks, apart from any program's body: for the
 * syscalls: tracepoints, every system call of every task then takes the
 * slow path (syscall work flags), whichever call it is.
 *
 *   emptytp syscalls/sys_enter_execve syscalls/sys_exit_wait4 ...
 *
 * Prints "attached N" on stderr once every program is on. Raw bpf() and
 * perf_event_open(), no libbpf: it links statically.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static int load_empty(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_TRACEPOINT;
	attr.insns = (uint64_t)(uintptr_t)insns;
	attr.insn_cnt = 2;
	attr.license = (uint64_t)(uintptr_t)"GPL";
	return syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
}

/* Attach prog_fd to tracefs event "category/name"; the perf fd, or -1. */
static int attach(int prog_fd, const char *event)
{
	struct perf_event_attr pattr;
	char path[256], id[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/tracing/events/%s/id", event);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "emptytp: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = read(fd, id, sizeof(id) - 1);
	close(fd);
	id[n > 0 ? n : 0] = '\0';

	memset(&pattr, 0, sizeof(pattr));
	pattr.type = PERF_TYPE_TRACEPOINT;
	pattr.size = sizeof(pattr);
	pattr.config = strtoull(id, NULL, 10);
	pattr.sample_period = 1;
	pattr.wakeup_events = 1;
	fd = syscall(__NR_perf_event_open, &pattr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "emptytp: perf_event_open %s: %s\n", event,
			strerror(errno));
		return -1;
	}
	if (ioctl(fd, PERF_EVENT_IOC_SET_BPF, prog_fd) < 0 ||
	    ioctl(fd, PERF_EVENT_IOC_ENABLE, 0) < 0) {
		fprintf(stderr, "emptytp: attach %s: %s\n", event, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	int prog_fd;

	if (argc < 2) {
		fprintf(stderr, "usage: emptytp CATEGORY/EVENT...\n");
		return 2;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	prog_fd = load_empty();
	if (prog_fd < 0) {
		fprintf(stderr, "emptytp: BPF_PROG_LOAD: %s\n", strerror(errno));
		return 1;
	}
	for (int i = 1; i < argc; i++)
		if (attach(prog_fd, argv[i]) < 0)
			return 1;
	fprintf(stderr, "emptytp: attached %d\n", argc - 1);
	while (!stop)
		pause();
	return 0;
}
