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

/* 0, or the errno that keeps this user from reading path's directory. */
static int readable_dir(const char *path)
{
	return faccessat(AT_FDCWD, path, R_OK | X_OK, AT_EACCESS) ? errno : 0;
}

/* Open for reading: the real check, capabilities included. */
static int readable(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/*
 * libbpf finds tracepoints through tracefs: where it answers, or NULL
 * with one line saying what is missing. Mounted when nobody has.
 */
static const char *tracing_dir(const struct caps *c)
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
		fprintf(stderr, "proclife: cannot read tracefs at %s (permission denied): CAP_DAC_READ_SEARCH is missing: %s\n",
			denied, needs);
		return NULL;
	}
	if (mount("tracefs", TRACEFS, "tracefs", 0, NULL)) {
		if (errno == EPERM && !c->sys_admin)
			fprintf(stderr, "proclife: tracefs is not mounted at %s and mounting it needs root: run 'sudo mount -t tracefs tracefs %s'\n",
				TRACEFS, TRACEFS);
		else
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
	err = readable(path);
	if (!err)
		return 0;
	if (err == EACCES)
		fprintf(stderr, "proclife: cannot read %s (permission denied): CAP_DAC_READ_SEARCH is missing: %s\n",
			path, needs);
	else if (err == ENOENT)
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
		long perr = libbpf_get_error(btf);

		if (perr) {
			fprintf(stderr, "proclife: %s is not a usable BTF file (%s): give the kernel's BTF, e.g. /sys/kernel/btf/vmlinux\n",
				btf_path, perr == -EINVAL || perr < -4000 ?
				"bad format" : strerror((int)-perr));
			return 1;
		}
		btf__free(btf);
	}
	dir = tracing_dir(&caps);
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
