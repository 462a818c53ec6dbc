// SPDX-License-Identifier: GPL-2.0
/*
 * workload: create an exact number of tasks as fast as possible, so a
 * tracer's overhead and event loss can be measured against a known count.
 *
 * Modes: fork, forkexec, vfork, thread, chain, tree.  Prints one JSON line:
 * {"mode":..,"pid":..,"tasks":..,"execs":..,"helpers":..,"seconds":..,
 *  "rate_per_s":..,"cpu_s":..,"cpu_us_per_task":..}
 * "pid" is the workload's own process, the root of every task it creates, so
 * a tracer's output can be counted on that tree rather than on a comm.
 * With -t SECONDS it runs for that long instead of a fixed count, and "tasks"
 * says how many it created.
 * "tasks" counts only the tasks the mode created; "helpers" is the number of
 * worker processes forked to run in parallel (0 with -j 1), so the exact
 * number of new tasks a tracer sees is tasks + helpers.  "cpu_s" is the CPU
 * time of the workload and all its (reaped) descendants: a tracer's probes
 * run in the context of the traced tasks, so this is where their cost shows,
 * and it is less disturbed by other load on the machine than the rate.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NOOP_ARG	"--noop"
#define MAX_WIDTH	64
#define MAX_DEPTH	4096
#define MAX_PARALLEL	1024

enum mode { M_FORK, M_FORKEXEC, M_VFORK, M_THREAD, M_CHAIN, M_TREE };

static const char *const mode_names[] = {
	[M_FORK] = "fork", [M_FORKEXEC] = "forkexec", [M_VFORK] = "vfork",
	[M_THREAD] = "thread", [M_CHAIN] = "chain", [M_TREE] = "tree",
};

/*
 * Shared between the main process, the workers and every process of a
 * chain or tree (MAP_SHARED survives fork), so counts stay exact whoever
 * did the fork.
 */
struct shared {
	atomic_long remaining;	/* tasks not yet claimed by a worker */
	atomic_long tasks;	/* successful forks/clones */
	atomic_long execs;	/* successful execs */
	atomic_int failed;	/* set once; everyone stops */
	int fail_errno;
	char fail_what[32];
};

static struct shared *sh;
static double deadline;			/* -t: CLOCK_MONOTONIC end, 0 none */
static enum mode mode = M_FORK;
static int width = 4, depth;
static const char *target;		/* exec target; default: ourselves */
static char self_path[PATH_MAX];
static char *exec_argv[3];
static char *const empty_env[] = { NULL };
static char *const *exec_env = empty_env;
extern char **environ;

#if defined(__x86_64__) && defined(WORKLOAD_EARLY_NOOP)
/*
 * Entry point (linked with -e workload_entry): "workload --noop" exits here,
 * before libc starts up.  A static glibc's start-up costs more than the rest
 * of the exec, so this makes forkexec/vfork runs ~2.5x faster and the tracer,
 * not the target, the bottleneck.  Anything else jumps to the normal _start
 * with the stack untouched.
 */
__asm__(
	".text\n"
	".globl workload_entry\n"
	".type workload_entry, @function\n"
	"workload_entry:\n"
	"	cmpq $2, (%rsp)\n"		/* argc == 2 */
	"	jne 2f\n"
	"	movq 16(%rsp), %rsi\n"		/* argv[1] */
	"	leaq workload_noop_arg(%rip), %rdi\n"
	"1:	movb (%rdi), %al\n"
	"	cmpb (%rsi), %al\n"
	"	jne 2f\n"
	"	incq %rdi\n"
	"	incq %rsi\n"
	"	testb %al, %al\n"
	"	jne 1b\n"
	"	movl $231, %eax\n"		/* exit_group(0) */
	"	xorl %edi, %edi\n"
	"	syscall\n"
	"2:	jmp _start\n"
	".size workload_entry, . - workload_entry\n"
	".section .rodata\n"
	"workload_noop_arg: .asciz \"" NOOP_ARG "\"\n"
	".text\n");
#endif

static void fail(const char *what, int err)
{
	int expected = 0;

	/* Keep the first failure: later ones are usually its consequences. */
	if (atomic_compare_exchange_strong(&sh->failed, &expected, 1)) {
		size_t i;

		/* No stdio: this may run in a vfork()ed or forked child. */
		for (i = 0; what[i] && i < sizeof(sh->fail_what) - 1; i++)
			sh->fail_what[i] = what[i];
		sh->fail_what[i] = '\0';
		sh->fail_errno = err;
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long claim(long want)
{
	long cur = atomic_load(&sh->remaining), take;

	if (deadline && now() >= deadline)
		return 0;
	do {
		if (cur <= 0 || atomic_load(&sh->failed))
			return 0;
		take = cur < want ? cur : want;
	} while (!atomic_compare_exchange_weak(&sh->remaining, &cur, cur - take));
	return take;
}

/* Tasks in a full tree below one node: w + w^2 + ... + w^d, capped. */
static long subtree_cap(int w, int d)
{
	long cap = 0, level = 1;

	for (int i = 0; i < d; i++) {
		if (level > LONG_MAX / 2 / w)
			return LONG_MAX / 2;
		level *= w;
		cap += level;
		if (cap > LONG_MAX / 2)
			return LONG_MAX / 2;
	}
	return cap;
}

static int reap(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR) {
			fail("waitpid", errno);
			return -1;
		}
	}
	return 0;
}

/*
 * Create exactly @budget descendants below the calling process, at most
 * @d levels deep and @width children per node.  Each child takes as much of
 * the budget as its own subtree can hold, so a budget below the full tree
 * size still comes out exact.  Children run concurrently; the caller waits
 * for all of them.  Only async-signal-safe calls: this runs in forked
 * children.
 */
static void spawn_tree(long budget, int d)
{
	pid_t kids[MAX_WIDTH];
	long sub = subtree_cap(width, d - 1);
	int n = 0, status;

	while (budget > 0 && n < width && !atomic_load(&sh->failed)) {
		long mine = budget - 1 < sub ? budget - 1 : sub;
		pid_t pid = fork();

		if (pid < 0) {
			fail("fork", errno);
			break;
		}
		if (pid == 0) {
			spawn_tree(mine, d - 1);
			_exit(0);
		}
		atomic_fetch_add(&sh->tasks, 1);
		kids[n++] = pid;
		budget -= 1 + mine;
	}
	for (int i = 0; i < n; i++)
		reap(kids[i], &status);
}

static void *thread_noop(void *arg)
{
	return NULL;
}

static void do_exec(void)
{
	execve(exec_argv[0], exec_argv, exec_env);
	fail("execve", errno);
	_exit(127);
}

/* Its own function so vfork()'s returns-twice does not clobber locals. */
static pid_t spawn_vfork(void)
{
	pid_t pid = vfork();

	if (pid == 0)
		do_exec();
	return pid;
}

static void run_one(void)
{
	pthread_t th;
	pid_t pid;
	int err, status;

	switch (mode) {
	case M_THREAD:
		err = pthread_create(&th, NULL, thread_noop, NULL);
		if (err) {
			fail("pthread_create", err);
			return;
		}
		atomic_fetch_add(&sh->tasks, 1);
		err = pthread_join(th, NULL);
		if (err)
			fail("pthread_join", err);
		return;
	case M_VFORK:
		pid = spawn_vfork();
		break;
	default:
		pid = fork();
		if (pid == 0) {
			if (mode == M_FORK)
				_exit(0);
			do_exec();
		}
		break;
	}
	if (pid < 0) {
		fail(mode == M_VFORK ? "vfork" : "fork", errno);
		return;
	}
	atomic_fetch_add(&sh->tasks, 1);
	if (reap(pid, &status) < 0)
		return;
	/* A failed exec has already set sh->failed before the child exited. */
	if (mode != M_FORK && !atomic_load(&sh->failed))
		atomic_fetch_add(&sh->execs, 1);
}

static void worker(void)
{
	long n;

	if (mode == M_CHAIN || mode == M_TREE) {
		long cap = subtree_cap(width, depth);

		while ((n = claim(cap)) > 0)
			spawn_tree(n, depth);
		return;
	}
	while (claim(1) > 0)
		run_one();
}

static double tv_secs(const struct timeval *tv)
{
	return tv->tv_sec + tv->tv_usec / 1e6;
}

/* User + system CPU of this process and every descendant it has reaped. */
static double cpu_secs(void)
{
	struct rusage self, kids;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	return tv_secs(&self.ru_utime) + tv_secs(&self.ru_stime) +
	       tv_secs(&kids.ru_utime) + tv_secs(&kids.ru_stime);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: workload [-m MODE] [-n COUNT | -t SECONDS] [-j PARALLEL] [-d DEPTH]\n"
		"                [-w WIDTH] [-x PATH] [-q]\n"
		"  -m MODE   fork | forkexec | vfork | thread | chain | tree (default fork)\n"
		"  -n COUNT  exact number of tasks to create (default 10000)\n"
		"  -t SECS   create tasks for SECS seconds instead (the count is reported)\n"
		"  -j N      worker processes running the loop at once (default: CPUs)\n"
		"  -d DEPTH  chain/tree depth (default 64 for chain, 3 for tree)\n"
		"  -w WIDTH  tree fan-out per level, 1..%d (default 4)\n"
		"  -x PATH   exec PATH instead of this binary with " NOOP_ARG "\n"
		"  -q        no human-readable summary on stderr\n"
		"Prints one JSON line on stdout. Exit 0 ok, 1 a task could not be created,\n"
		"2 usage error.\n", MAX_WIDTH);
}

static int parse_long(const char *s, const char *opt, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "workload: bad %s value '%s' (want %ld..%ld)\n",
			opt, s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_mode(const char *s)
{
	for (size_t i = 0; i < sizeof(mode_names) / sizeof(*mode_names); i++) {
		if (!strcmp(s, mode_names[i])) {
			mode = (enum mode)i;
			return 0;
		}
	}
	fprintf(stderr, "workload: unknown mode '%s' (fork, forkexec, vfork, thread, chain, tree)\n",
		s);
	return -1;
}

int main(int argc, char **argv)
{
	long count = 10000, parallel, v, duration = 0;
	int quiet = 0, opt, status, ret = 1;
	long helpers = 0;
	pid_t workers[MAX_PARALLEL];
	double t0, secs, cpu0, cpu;

	/* The exec target: leave before doing anything else, exec cost only. */
	if (argc == 2 && !strcmp(argv[1], NOOP_ARG))
		_exit(0);

	parallel = sysconf(_SC_NPROCESSORS_ONLN);
	if (parallel < 1)
		parallel = 1;
	while ((opt = getopt(argc, argv, "m:n:t:j:d:w:x:qh")) != -1) {
		switch (opt) {
		case 'm':
			if (parse_mode(optarg))
				return 2;
			break;
		case 'n':
			if (parse_long(optarg, "-n", 1, LONG_MAX / 4, &count))
				return 2;
			break;
		case 't':
			if (parse_long(optarg, "-t", 1, 86400, &duration))
				return 2;
			break;
		case 'j':
			if (parse_long(optarg, "-j", 1, MAX_PARALLEL, &parallel))
				return 2;
			break;
		case 'd':
			if (parse_long(optarg, "-d", 1, MAX_DEPTH, &v))
				return 2;
			depth = v;
			break;
		case 'w':
			if (parse_long(optarg, "-w", 1, MAX_WIDTH, &v))
				return 2;
			width = v;
			break;
		case 'x':
			target = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "workload: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (mode == M_CHAIN)
		width = 1;
	if (!depth)
		depth = mode == M_CHAIN ? 64 : 3;

	if (target) {
		exec_argv[0] = (char *)target;
		exec_env = environ;
	} else {
		/* Not /proc/self/exe: the child's comm would become "exe". */
		ssize_t len = readlink("/proc/self/exe", self_path, sizeof(self_path) - 1);

		if (len < 0) {
			perror("workload: readlink /proc/self/exe");
			return 1;
		}
		self_path[len] = '\0';
		exec_argv[0] = self_path;
		exec_argv[1] = NOOP_ARG;
	}

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("workload: mmap");
		return 1;
	}
	if (duration)
		count = LONG_MAX / 4;	/* the clock ends the run, not the count */
	atomic_store(&sh->remaining, count);

	cpu0 = cpu_secs();
	t0 = now();
	if (duration)
		deadline = t0 + duration;
	if (parallel == 1) {
		worker();
	} else {
		for (long i = 0; i < parallel; i++) {
			pid_t pid = fork();

			if (pid < 0) {
				fail("fork (worker)", errno);
				break;
			}
			if (pid == 0) {
				worker();
				_exit(0);
			}
			workers[helpers++] = pid;
		}
		for (long i = 0; i < helpers; i++)
			reap(workers[i], &status);
	}
	secs = now() - t0;
	cpu = cpu_secs() - cpu0;

	if (atomic_load(&sh->failed)) {
		fprintf(stderr, "workload: %s failed after %ld tasks: %s\n",
			sh->fail_what, atomic_load(&sh->tasks), strerror(sh->fail_errno));
		goto cleanup;
	}
	if (duration)
		count = atomic_load(&sh->tasks);
	if (atomic_load(&sh->tasks) != count) {
		fprintf(stderr, "workload: created %ld tasks, expected %ld\n",
			atomic_load(&sh->tasks), count);
		goto cleanup;
	}
	printf("{\"mode\":\"%s\",\"pid\":%d,\"tasks\":%ld,\"execs\":%ld,\"helpers\":%ld,"
	       "\"parallel\":%ld,\"seconds\":%.6f,\"rate_per_s\":%.1f,"
	       "\"cpu_s\":%.3f,\"cpu_us_per_task\":%.2f}\n",
	       mode_names[mode], (int)getpid(), atomic_load(&sh->tasks), atomic_load(&sh->execs),
	       helpers, parallel, secs, count / secs, cpu, cpu * 1e6 / count);
	if (!quiet)
		fprintf(stderr, "workload: %s: %ld tasks in %.3f s (%.0f/s)\n",
			mode_names[mode], count, secs, count / secs);
	ret = 0;
cleanup:
	munmap(sh, sizeof(*sh));
	return ret;
}
