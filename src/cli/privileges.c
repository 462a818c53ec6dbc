// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "cli/privileges.h"

#define DEFAULT_BTF "/sys/kernel/btf/vmlinux"
#define TRACEFS "/sys/kernel/tracing"
#define DEBUGFS_TRACING "/sys/kernel/debug/tracing"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

/*
 * Without root (CAP_SYS_ADMIN), proclife needs exactly:
 *   CAP_BPF             load the programs, create the maps
 *   CAP_PERFMON         tracing programs, reading kernel memory, and the
 *                       perf events that attach the tracepoints
 *   CAP_DAC_READ_SEARCH read the tracepoint ids in tracefs, which the
 *                       kernel mounts 0700 root (libbpf attaches
 *                       tracepoint programs by those ids)
 * Found by running as an unprivileged user with each subset
 * (tests/integration/test_caps.py).
 */
static bool has_cap(const struct __user_cap_data_struct *d, int cap)
{
	return d[cap / 32].effective & (1U << (cap % 32));
}

struct caps {
	bool known;
	bool sys_admin, bpf, perfmon;
};

static void read_caps(struct caps *c)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { 0 };

	memset(c, 0, sizeof(*c));
	if (syscall(SYS_capget, &hdr, data)) {
		c->sys_admin = c->bpf = c->perfmon = geteuid() == 0;
		return;
	}
	c->known = true;
	c->sys_admin = has_cap(data, CAP_SYS_ADMIN);
	c->bpf = has_cap(data, CAP_BPF);
	c->perfmon = has_cap(data, CAP_PERFMON);
}

static const char needs[] =
	"run it as root (sudo), or give it CAP_BPF, CAP_PERFMON and CAP_DAC_READ_SEARCH";

static bool privileged(const struct caps *c)
{
	if (c->sys_admin || (c->bpf && c->perfmon))
		return true;
	fprintf(stderr, "proclife: not allowed to trace: %s%s%s %s missing: %s\n",
		c->bpf ? "" : "CAP_BPF",
		!c->bpf && !c->perfmon ? " and " : "",
		c->perfmon ? "" : "CAP_PERFMON",
		!c->bpf && !c->perfmon ? "are" : "is", needs);
	return false;
}

/* 0, or the errno of stat (ENOENT: absent, EACCES: not ours to read). */
static int look(const char *path)
{
	struct stat st;

	return stat(path, &st) ? errno : 0;
}

static bool exists(const char *path)
{
	return !look(path);
}

/* Open for reading: the real check (access(2) ignores capabilities for a
 * non-root real uid). */
static int readable(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* libbpf finds tracepoints through tracefs; mount it when nobody has.
 * NULL after one line saying what is wrong. */
static const char *tracing_dir(const struct caps *c)
{
	int err = look(TRACEFS "/events");

	if (!err)
		return TRACEFS;
	if (err == EACCES) {
		fprintf(stderr, "proclife: cannot read tracefs at %s (permission denied): CAP_DAC_READ_SEARCH is missing: %s\n",
			TRACEFS, needs);
		return NULL;
	}
	if (exists(DEBUGFS_TRACING "/events"))
		return DEBUGFS_TRACING;
	if (!mount("tracefs", TRACEFS, "tracefs", 0, NULL) &&
	    exists(TRACEFS "/events"))
		return TRACEFS;
	if (errno == EPERM && !c->sys_admin)
		fprintf(stderr, "proclife: tracefs is not mounted at %s and mounting it needs root: run 'sudo mount -t tracefs tracefs %s'\n",
			TRACEFS, TRACEFS);
	else
		fprintf(stderr, "proclife: tracefs is not mounted and cannot be: run 'mount -t tracefs tracefs %s'\n",
			TRACEFS);
	return NULL;
}

static const char *const tracepoints[] = {
	"sched/sched_process_exec",
	"sched/sched_process_exit",
	"sched/sched_process_free",
	"task/task_newtask",
	"task/task_rename",
	"syscalls/sys_enter_execve",
	"syscalls/sys_exit_execve",
	"syscalls/sys_enter_execveat",
	"syscalls/sys_exit_execveat",
	"syscalls/sys_exit_wait4",
	"syscalls/sys_enter_waitid",
	"syscalls/sys_exit_waitid",
};

int check_privileges(const char *btf_path)
{
	const char *btf = btf_path ? btf_path : DEFAULT_BTF;
	const char *dir;
	char path[256];
	struct caps caps;
	int err;

	read_caps(&caps);
	if (!privileged(&caps))
		return 1;
	if (access(btf, R_OK)) {
		fprintf(stderr, "proclife: no kernel BTF at %s (%s): proclife needs a kernel built with CONFIG_DEBUG_INFO_BTF=y, or --btf FILE\n",
			btf, strerror(errno));
		return 1;
	}
	if (btf_path) {
		struct btf *btf = btf__parse(btf_path, NULL);
		long err = libbpf_get_error(btf);

		if (err) {
			fprintf(stderr, "proclife: %s is not a usable BTF file (%s): give the kernel's BTF, e.g. /sys/kernel/btf/vmlinux\n",
				btf_path, err == -EINVAL || err < -4000 ?
				"bad format" : strerror((int)-err));
			return 1;
		}
		btf__free(btf);
	}
	dir = tracing_dir(&caps);
	if (!dir)
		return 1;
	for (size_t i = 0; i < sizeof(tracepoints) / sizeof(tracepoints[0]); i++) {
		snprintf(path, sizeof(path), "%s/events/%s/id", dir, tracepoints[i]);
		err = readable(path);
		if (err == EACCES) {
			fprintf(stderr, "proclife: cannot read %s (permission denied): CAP_DAC_READ_SEARCH is missing: %s\n",
				path, needs);
			return 1;
		}
		if (err) {
			fprintf(stderr, "proclife: the kernel has no tracepoint %s (%s needs CONFIG_FTRACE_SYSCALLS and CONFIG_TRACEPOINTS)\n",
				tracepoints[i], tracepoints[i]);
			return 1;
		}
	}
	return 0;
}
