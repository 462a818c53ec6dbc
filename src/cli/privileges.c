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
#include "kernel/tracer.h"

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

/* 0, or the errno that keeps this user from reading path's directory. */
static int readable_dir(const char *path)
{
	return faccessat(AT_FDCWD, path, R_OK | X_OK, AT_EACCESS) ? errno : 0;
}

/*
 * libbpf finds tracepoints through tracefs: where it answers, or NULL
 * with one line saying what is missing. Mounted when nobody has.
 */
static const char *tracing_dir(void)
{
	static const char *const dirs[] = { TRACEFS, DEBUGFS_TRACING };
	const char *denied = NULL;
	int err;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char events[64];

		snprintf(events, sizeof(events), "%s/events", dirs[i]);
		err = readable_dir(events);
		if (!err)
			return dirs[i];
		if (err != ENOENT && !denied)
			denied = dirs[i];
	}
	if (denied) {
		fprintf(stderr, "proclife: tracefs is mounted at %s but this user cannot read it: run as root, or give this user access to %s\n",
			denied, denied);
		return NULL;
	}
	if (mount("tracefs", TRACEFS, "tracefs", 0, NULL)) {
		fprintf(stderr, "proclife: tracefs is not mounted and mounting it failed (%s): run 'mount -t tracefs tracefs %s'\n",
			strerror(errno), TRACEFS);
		return NULL;
	}
	err = readable_dir(TRACEFS "/events");
	if (err) {
		fprintf(stderr, "proclife: tracefs mounted at %s has no readable events directory (%s)\n",
			TRACEFS, strerror(err));
		return NULL;
	}
	return TRACEFS;
}

/* One tracefs event a BPF program attaches to must be there (ctx: dir). */
static int check_event(void *ctx, const char *event)
{
	char path[256];
	int err;

	snprintf(path, sizeof(path), "%s/events/%s/id", (const char *)ctx,
		 event);
	if (!faccessat(AT_FDCWD, path, R_OK, AT_EACCESS))
		return 0;
	err = errno;
	if (err == ENOENT)
		fprintf(stderr, "proclife: the kernel has no tracepoint %s (%s needs CONFIG_FTRACE_SYSCALLS and CONFIG_TRACEPOINTS)\n",
			event, event);
	else
		fprintf(stderr, "proclife: cannot read %s: %s\n", path,
			strerror(err));
	return 1;
}

int check_privileges(const char *btf_path)
{
	const char *btf = btf_path ? btf_path : DEFAULT_BTF;
	const char *dir;
	int err;

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
		long perr = libbpf_get_error(btf);

		if (perr) {
			fprintf(stderr, "proclife: %s is not a usable BTF file (%s): give the kernel's BTF, e.g. /sys/kernel/btf/vmlinux\n",
				btf_path, perr == -EINVAL || perr < -4000 ?
				"bad format" : strerror((int)-perr));
			return 1;
		}
		btf__free(btf);
	}
	dir = tracing_dir();
	if (!dir)
		return 1;
	err = tracer_tracefs_events(check_event, (void *)dir);
	if (err < 0) {
		fprintf(stderr, "proclife: cannot read the BPF object: %s\n",
			strerror(-err));
		return 1;
	}
	return err;
}
