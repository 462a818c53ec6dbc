// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
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

static bool has_cap(const struct __user_cap_data_struct *d, int cap)
{
	return d[cap / 32].effective & (1U << (cap % 32));
}

static bool privileged(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { 0 };

	if (syscall(SYS_capget, &hdr, data))
		return geteuid() == 0;
	if (has_cap(data, CAP_SYS_ADMIN))
		return true;
	return has_cap(data, CAP_BPF) && has_cap(data, CAP_PERFMON);
}

static bool exists(const char *path)
{
	struct stat st;

	return !stat(path, &st);
}

/* libbpf finds tracepoints through tracefs; mount it when nobody has. */
static const char *tracing_dir(void)
{
	if (exists(TRACEFS "/events"))
		return TRACEFS;
	if (exists(DEBUGFS_TRACING "/events"))
		return DEBUGFS_TRACING;
	if (!mount("tracefs", TRACEFS, "tracefs", 0, NULL) &&
	    exists(TRACEFS "/events"))
		return TRACEFS;
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

	if (!privileged()) {
		fprintf(stderr, "proclife: needs root to load BPF programs (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN): run it with sudo\n");
		return 1;
	}
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
	dir = tracing_dir();
	if (!dir) {
		fprintf(stderr, "proclife: tracefs is not mounted and cannot be: run 'mount -t tracefs tracefs %s'\n",
			TRACEFS);
		return 1;
	}
	for (size_t i = 0; i < sizeof(tracepoints) / sizeof(tracepoints[0]); i++) {
		snprintf(path, sizeof(path), "%s/events/%s", dir, tracepoints[i]);
		if (!exists(path)) {
			fprintf(stderr, "proclife: the kernel has no tracepoint %s (%s needs CONFIG_FTRACE_SYSCALLS and CONFIG_TRACEPOINTS)\n",
				tracepoints[i], tracepoints[i]);
			return 1;
		}
	}
	return 0;
}
