// SPDX-License-Identifier: GPL-2.0
/*
 * bpfcheck: can this kernel run what proclife needs?  No libbpf, only the
 * raw bpf() syscall, so it links statically and runs in the bare test VM.
 *
 *   1. load a socket filter (the bpf syscall works at all)
 *   2. create a BPF ring buffer map (5.8+); before 5.11 BPF memory is
 *      charged to RLIMIT_MEMLOCK (64 KiB by default), so an EPERM there
 *      is retried with the limit raised, as libbpf does
 *   3. find btf_trace_sched_process_exec in /sys/kernel/btf/vmlinux, load a
 *      tp_btf program on it that counts execs in an array map, attach it,
 *      exec /bin/true a few times and read the count back
 *   4. the same with classic tracepoints through perf_event_open:
 *      sched/sched_process_exec and syscalls/sys_enter_execve
 *
 *   5. with --hooks, for information: fentry, fexit, kprobe and kretprobe
 *      on the kernel functions of the lifecycle (release_task, the exec
 *      and wait paths), one "# hook" line each: attached and how many
 *      calls it saw, or which step the kernel refused
 *
 * Prints one "ok"/"not ok" line per check and exits with the number of
 * failures.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/perf_event.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NR_EXECS 3

static char verifier_log[65536];
static int failures;

static void result(int ok, const char *what, const char *why)
{
	if (ok) {
		printf("ok - %s\n", what);
	} else {
		printf("not ok - %s: %s\n", what, why);
		failures++;
	}
}

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int quiet_loads;	/* hook probes: a refusal is a result, not noise */

static int prog_load(int type, const struct bpf_insn *insns, size_t n,
		     int attach_type, uint32_t btf_id)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.insns = (uint64_t)(uintptr_t)insns;
	attr.insn_cnt = n;
	attr.license = (uint64_t)(uintptr_t)"GPL";
	attr.expected_attach_type = attach_type;
	attr.attach_btf_id = btf_id;
	attr.log_buf = (uint64_t)(uintptr_t)verifier_log;
	attr.log_size = sizeof(verifier_log);
	attr.log_level = 1;
	verifier_log[0] = '\0';
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0 && verifier_log[0] && !quiet_loads)
		fprintf(stderr, "verifier log:\n%s\n", verifier_log);
	return fd;
}

static int map_create(int type, uint32_t key_size, uint32_t value_size,
		      uint32_t max_entries)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = type;
	attr.key_size = key_size;
	attr.value_size = value_size;
	attr.max_entries = max_entries;
	return sys_bpf(BPF_MAP_CREATE, &attr);
}

static uint64_t counter_read(int map_fd)
{
	union bpf_attr attr;
	uint32_t key = 0;
	uint64_t value = 0;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = map_fd;
	attr.key = (uint64_t)(uintptr_t)&key;
	attr.value = (uint64_t)(uintptr_t)&value;
	if (sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr) < 0)
		return 0;
	return value;
}

/* The program: counter[0] += 1 (atomically), return 0. */
static int counter_prog_load(int map_fd, int type, int attach_type,
			     uint32_t btf_id)
{
	struct bpf_insn insns[] = {
		/* *(u32 *)(r10 - 4) = 0: the key */
		{ .code = BPF_ST | BPF_MEM | BPF_W, .dst_reg = 10, .off = -4 },
		/* r2 = r10 - 4 */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = 2, .src_reg = 10 },
		{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = 2, .imm = -4 },
		/* r1 = map (a 16-byte ld_imm64 with the map fd) */
		{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = 1,
		  .src_reg = BPF_PSEUDO_MAP_FD, .imm = map_fd },
		{ 0 },
		/* r0 = bpf_map_lookup_elem(r1, r2) */
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_map_lookup_elem },
		/* if r0 == NULL skip the add */
		{ .code = BPF_JMP | BPF_JEQ | BPF_K, .dst_reg = 0, .off = 2 },
		/* lock *(u64 *)r0 += 1 */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 1, .imm = 1 },
		{ .code = BPF_STX | BPF_XADD | BPF_DW, .dst_reg = 0, .src_reg = 1 },
		/* return 0 */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return prog_load(type, insns, ARRAY_SIZE(insns), attach_type, btf_id);
}

static void run_execs(void)
{
	int i;

	for (i = 0; i < NR_EXECS; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
}

static void check_counter(const char *what, int map_fd)
{
	char why[128];
	uint64_t n;

	run_execs();
	n = counter_read(map_fd);
	snprintf(why, sizeof(why), "counted %llu execs, expected >= %d",
		 (unsigned long long)n, NR_EXECS);
	result(n >= NR_EXECS, what, why);
}

/* Size of the data that follows a struct btf_type of this kind. */
static long btf_extra(const struct btf_type *t)
{
	uint32_t vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case 17: /* BTF_KIND_DECL_TAG */
		return 4;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_DATASEC:
	case 19: /* BTF_KIND_ENUM64 */
		return vlen * 12;
	case BTF_KIND_ENUM:
	case BTF_KIND_FUNC_PROTO:
		return vlen * 8;
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case 16: /* BTF_KIND_FLOAT */
	case 18: /* BTF_KIND_TYPE_TAG */
		return 0;
	}
	return -1;
}

/* The BTF id of the type NAME of that kind in the kernel's BTF, or 0. */
static uint32_t btf_find(int kind, const char *name, char *why, size_t whylen)
{
	static char buf[64 << 20];
	static ssize_t len;
	struct btf_header *h = (struct btf_header *)buf;
	const char *types, *strs;
	uint32_t id = 1, off = 0;
	ssize_t n;
	int fd;

	if (!len) {	/* read once */
		fd = open("/sys/kernel/btf/vmlinux", O_RDONLY);
		if (fd < 0) {
			snprintf(why, whylen, "/sys/kernel/btf/vmlinux: %s",
				 strerror(errno));
			return 0;
		}
		while ((n = read(fd, buf + len, sizeof(buf) - len)) > 0)
			len += n;
		close(fd);
	}
	if (len < (ssize_t)sizeof(*h) || h->magic != BTF_MAGIC) {
		snprintf(why, whylen, "bad BTF header");
		return 0;
	}
	types = buf + h->hdr_len + h->type_off;
	strs = buf + h->hdr_len + h->str_off;
	while (off < h->type_len) {
		const struct btf_type *t = (const void *)(types + off);
		long extra = btf_extra(t);

		if (extra < 0) {
			snprintf(why, whylen, "unknown BTF kind %u",
				 BTF_INFO_KIND(t->info));
			return 0;
		}
		if ((int)BTF_INFO_KIND(t->info) == kind &&
		    !strcmp(strs + t->name_off, name))
			return id;
		off += sizeof(*t) + extra;
		id++;
	}
	snprintf(why, whylen, "%s not in the kernel BTF", name);
	return 0;
}

static void check_tp_btf(void)
{
	const char *what = "tp_btf/sched_process_exec loads, attaches and counts";
	union bpf_attr attr;
	char why[256];
	uint32_t btf_id;
	int map_fd, prog_fd, link_fd;

	btf_id = btf_find(BTF_KIND_TYPEDEF, "btf_trace_sched_process_exec", why,
			  sizeof(why));
	if (!btf_id) {
		result(0, what, why);
		return;
	}
	map_fd = map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1);
	if (map_fd < 0) {
		snprintf(why, sizeof(why), "array map: %s", strerror(errno));
		result(0, what, why);
		return;
	}
	prog_fd = counter_prog_load(map_fd, BPF_PROG_TYPE_TRACING,
				    BPF_TRACE_RAW_TP, btf_id);
	if (prog_fd < 0) {
		snprintf(why, sizeof(why), "load (btf id %u): %s", btf_id,
			 strerror(errno));
		result(0, what, why);
		close(map_fd);
		return;
	}
	memset(&attr, 0, sizeof(attr));
	attr.raw_tracepoint.prog_fd = prog_fd;
	link_fd = sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &attr);
	if (link_fd < 0) {
		snprintf(why, sizeof(why), "attach: %s", strerror(errno));
		result(0, what, why);
	} else {
		check_counter(what, map_fd);
		close(link_fd);
	}
	close(prog_fd);
	close(map_fd);
}

static void check_tracepoint(const char *category, const char *event)
{
	struct perf_event_attr pattr;
	char what[160], why[512], path[256], idbuf[32];
	int map_fd = -1, prog_fd = -1, pfd = -1, fd;
	ssize_t n;

	snprintf(what, sizeof(what), "tracepoint/%s/%s loads, attaches and counts",
		 category, event);
	snprintf(path, sizeof(path), "/sys/kernel/tracing/events/%s/%s/id",
		 category, event);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		snprintf(why, sizeof(why), "%s: %s", path, strerror(errno));
		result(0, what, why);
		return;
	}
	n = read(fd, idbuf, sizeof(idbuf) - 1);
	close(fd);
	idbuf[n > 0 ? n : 0] = '\0';

	map_fd = map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1);
	if (map_fd < 0) {
		snprintf(why, sizeof(why), "array map: %s", strerror(errno));
		goto fail;
	}
	prog_fd = counter_prog_load(map_fd, BPF_PROG_TYPE_TRACEPOINT, 0, 0);
	if (prog_fd < 0) {
		snprintf(why, sizeof(why), "load: %s", strerror(errno));
		goto fail;
	}
	memset(&pattr, 0, sizeof(pattr));
	pattr.type = PERF_TYPE_TRACEPOINT;
	pattr.size = sizeof(pattr);
	pattr.config = strtoull(idbuf, NULL, 10);
	pattr.sample_period = 1;
	pattr.wakeup_events = 1;
	pfd = syscall(__NR_perf_event_open, &pattr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0) {
		snprintf(why, sizeof(why), "perf_event_open: %s", strerror(errno));
		goto fail;
	}
	if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog_fd) < 0 ||
	    ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0) < 0) {
		snprintf(why, sizeof(why), "attach: %s", strerror(errno));
		goto fail;
	}
	check_counter(what, map_fd);
	goto out;
fail:
	result(0, what, why);
out:
	if (pfd >= 0)
		close(pfd);
	if (prog_fd >= 0)
		close(prog_fd);
	if (map_fd >= 0)
		close(map_fd);
}

/*
 * Hooks on kernel functions, for information: "# hook KIND/FUNC: ..." lines
 * that are neither ok nor not ok (a function may be inlined away or the
 * kernel may refuse a program type). Each hook is attached alone, then
 * forks, execs (one that succeeds, one that fails) and waits are made.
 */
static const char *const hook_funcs[] = {
	"release_task", "wait_task_zombie", "do_wait", "kernel_wait4",
	"kernel_waitid", "do_execveat_common", "bprm_execve", "exec_binprm",
	"begin_new_exec", "__x64_sys_execve", "__x64_sys_execveat",
	"__x64_sys_wait4", "__x64_sys_waitid", "do_exit", "exit_notify",
};

static void run_activity(void)
{
	siginfo_t info;
	pid_t pid;

	run_execs();
	pid = fork();
	if (pid == 0) {
		execl("/nonexistent/proclife-bpfcheck", "x", (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitid(P_PID, pid, &info, WEXITED);
}

/* The PMU type of kprobes and the config bit of a return probe. */
static int kprobe_pmu(int *retbit)
{
	char buf[64] = "";
	int fd, type;

	fd = open("/sys/bus/event_source/devices/kprobe/type", O_RDONLY);
	if (fd < 0)
		return -1;
	if (read(fd, buf, sizeof(buf) - 1) <= 0)
		buf[0] = '\0';
	close(fd);
	type = buf[0] ? atoi(buf) : -1;
	memset(buf, 0, sizeof(buf));
	*retbit = 0;
	fd = open("/sys/bus/event_source/devices/kprobe/format/retprobe", O_RDONLY);
	if (fd >= 0) {
		if (read(fd, buf, sizeof(buf) - 1) > 0 && !strncmp(buf, "config:", 7))
			*retbit = atoi(buf + 7);
		close(fd);
	}
	return type;
}

static void hook_report(const char *kind, const char *func, const char *step,
			int map_fd)
{
	if (step) {
		printf("# hook %s/%s: %s: %s\n", kind, func, step, strerror(errno));
		return;
	}
	run_activity();
	printf("# hook %s/%s: attached, %llu calls seen\n", kind, func,
	       (unsigned long long)counter_read(map_fd));
}

static void check_hook_tracing(const char *func, int attach_type)
{
	const char *kind = attach_type == BPF_TRACE_FENTRY ? "fentry" : "fexit";
	union bpf_attr attr;
	char why[256];
	uint32_t btf_id;
	int map_fd, prog_fd, link_fd;

	btf_id = btf_find(BTF_KIND_FUNC, func, why, sizeof(why));
	if (!btf_id) {
		printf("# hook %s/%s: %s\n", kind, func, why);
		return;
	}
	map_fd = map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1);
	if (map_fd < 0) {
		hook_report(kind, func, "array map", -1);
		return;
	}
	prog_fd = counter_prog_load(map_fd, BPF_PROG_TYPE_TRACING, attach_type,
				    btf_id);
	if (prog_fd < 0) {
		hook_report(kind, func, "load", -1);
		close(map_fd);
		return;
	}
	memset(&attr, 0, sizeof(attr));
	attr.raw_tracepoint.prog_fd = prog_fd;
	link_fd = sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &attr);
	hook_report(kind, func, link_fd < 0 ? "attach" : NULL, map_fd);
	if (link_fd >= 0)
		close(link_fd);
	close(prog_fd);
	close(map_fd);
}

static void check_hook_kprobe(const char *func, bool ret)
{
	const char *kind = ret ? "kretprobe" : "kprobe";
	struct perf_event_attr pattr;
	int map_fd, prog_fd, pfd, type, retbit;

	type = kprobe_pmu(&retbit);
	if (type < 0) {
		printf("# hook %s/%s: no kprobe PMU\n", kind, func);
		return;
	}
	map_fd = map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1);
	if (map_fd < 0) {
		hook_report(kind, func, "array map", -1);
		return;
	}
	prog_fd = counter_prog_load(map_fd, BPF_PROG_TYPE_KPROBE, 0, 0);
	if (prog_fd < 0) {
		hook_report(kind, func, "load", -1);
		close(map_fd);
		return;
	}
	memset(&pattr, 0, sizeof(pattr));
	pattr.type = type;
	pattr.size = sizeof(pattr);
	pattr.config = ret ? 1ULL << retbit : 0;
	pattr.config1 = (uint64_t)(uintptr_t)func;	/* kprobe_func */
	pattr.sample_period = 1;
	pattr.wakeup_events = 1;
	pfd = syscall(__NR_perf_event_open, &pattr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0)
		hook_report(kind, func, "perf_event_open", -1);
	else if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog_fd) < 0 ||
		 ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0) < 0)
		hook_report(kind, func, "attach", -1);
	else
		hook_report(kind, func, NULL, map_fd);
	if (pfd >= 0)
		close(pfd);
	close(prog_fd);
	close(map_fd);
}

static void check_hooks(void)
{
	quiet_loads = 1;
	for (size_t i = 0; i < ARRAY_SIZE(hook_funcs); i++) {
		check_hook_tracing(hook_funcs[i], BPF_TRACE_FENTRY);
		check_hook_tracing(hook_funcs[i], BPF_TRACE_FEXIT);
		check_hook_kprobe(hook_funcs[i], false);
		check_hook_kprobe(hook_funcs[i], true);
	}
	quiet_loads = 0;
}

int main(int argc, char **argv)
{
	struct bpf_insn ret0[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	char why[128];
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);

	fd = prog_load(BPF_PROG_TYPE_SOCKET_FILTER, ret0, ARRAY_SIZE(ret0), 0, 0);
	snprintf(why, sizeof(why), "%s", strerror(errno));
	result(fd >= 0, "bpf(BPF_PROG_LOAD) of a socket filter", why);
	if (fd >= 0)
		close(fd);

	fd = map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, 64 * 1024);
	if (fd < 0 && errno == EPERM) {
		struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };

		printf("# ring buffer: EPERM: memlock-charged BPF memory "
		       "(kernel < 5.11), raising RLIMIT_MEMLOCK\n");
		if (setrlimit(RLIMIT_MEMLOCK, &unlimited) == 0)
			fd = map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, 64 * 1024);
	}
	snprintf(why, sizeof(why), "%s", strerror(errno));
	result(fd >= 0, "bpf(BPF_MAP_CREATE) of a ring buffer", why);
	if (fd >= 0)
		close(fd);

	check_tp_btf();
	check_tracepoint("sched", "sched_process_exec");
	check_tracepoint("syscalls", "sys_enter_execve");
	if (argc > 1 && !strcmp(argv[1], "--hooks"))
		check_hooks();

	return failures;
}
