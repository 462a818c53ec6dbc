// SPDX-License-Identifier: GPL-2.0
/*
 * The loader's per-event cost without a kernel: synthetic records of a
 * fork + exec + exit + reap storm (as two CPUs would interleave them) go
 * through what the pump does with ring-buffer records (copy into the
 * reorder stage, emit in time order, decode) and the stream sink (JSON
 * Lines or text) into /dev/null.
 *
 *   build/tests/stream_bench [-n TASKS] [-t] [-T] [-o FILE]
 *     -t text instead of JSON Lines; -T thread storm (thread + thread exit);
 *     -o the stream to FILE instead of /dev/null
 *
 * Prints events, lines, bytes and CPU ns per event. For counts that do not
 * depend on the machine's load: tools/stream-cost.sh (callgrind).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "pipeline/event.h"
#include "pipeline/pump.h"
#include "sinks/stream.h"

#define BATCH		256	/* records per pump */
#define HOLD_NS		2000000ULL

struct bench {
	struct pump pump;
	struct outbuf ob;
	struct stream stream;
	uint64_t emitted;
};

static void on_event(void *ctx, const struct pl_event *ev)
{
	struct bench *b = ctx;

	stream_event(&b->stream, ev);
	b->emitted++;
}

static int no_flush(void *ctx)
{
	return 0;
}

static int emit(const void *rec, size_t size, void *ctx)
{
	struct bench *b = ctx;
	struct pl_event ev;

	if (pl_event_decode(rec, size, &ev))
		return -1;
	on_event(b, &ev);
	return 0;
}

static void header(struct pl_header *h, uint32_t type, uint32_t size,
		   uint64_t ts, uint32_t pid, uint32_t tid, uint32_t ppid,
		   const char *comm)
{
	memset(h, 0, sizeof(*h));
	h->ts_ns = ts;
	h->start_ns = ts - 1000;
	h->type = type;
	h->size = size;
	h->pid = pid;
	h->tid = tid;
	h->ppid = ppid;
	h->uid = 1000;
	strncpy(h->comm, comm, PL_COMM_LEN);
}

/* The records one task leaves in a storm, stamped from ts on. */
static size_t task_records(char *buf, uint32_t pid, uint64_t ts, bool threads)
{
	static const char fname[] = "/usr/lib/proclife/workload";
	static const char argv[] = "workload\0--noop\0";
	uint32_t parent = 4242;
	size_t off = 0;
	struct pl_fork *f = (void *)(buf + off);

	memset(f, 0, sizeof(*f));
	header(&f->h, PL_EV_FORK, sizeof(*f), ts, threads ? parent : pid, pid,
	       threads ? 1 : parent, "workload");
	f->clone_flags = threads ? 0x3d0f00 : 0x1200011;
	f->task_start_ns = ts - 500;
	f->parent_tid = parent;
	f->kind = threads ? PL_BIRTH_THREAD : PL_BIRTH_FORK;
	f->exit_signal = threads ? -1 : 17;
	off += sizeof(*f);

	if (!threads) {
		struct pl_exec *e = (void *)(buf + off);
		size_t size = sizeof(*e) + sizeof(fname) - 1 + sizeof(argv) - 1;

		memset(e, 0, sizeof(*e));
		header(&e->h, PL_EV_EXEC, size, ts + 30000, pid, pid, parent,
		       "workload");
		e->old_tid = pid;
		e->argc = 2;
		e->filename_len = sizeof(fname) - 1;
		e->argv_len = sizeof(argv) - 1;
		memcpy(e + 1, fname, e->filename_len);
		memcpy((char *)(e + 1) + e->filename_len, argv, e->argv_len);
		off += (size + 7) & ~7UL;
	}

	struct pl_exit *x = (void *)(buf + off);

	memset(x, 0, sizeof(*x));
	header(&x->h, PL_EV_EXIT, sizeof(*x), ts + 60000,
	       threads ? parent : pid, pid, threads ? 1 : parent, "workload");
	x->task_start_ns = ts - 500;
	x->flags = threads ? 0 : PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER;
	x->exit_signal = threads ? -1 : 17;
	for (struct pl_rusage *ru = &x->task; ru <= &x->proc; ru++) {
		ru->user_ns = 12000;
		ru->sys_ns = 345678;
		ru->cpu_ns = 357678;
		ru->nvcsw = 2;
		ru->nivcsw = 1;
		ru->min_flt = 57;
		ru->maxrss_kb = threads ? 0 : 1024;
	}
	x->sched.run_ns = x->proc_sched.run_ns = 360001;
	x->sched.wait_ns = x->proc_sched.wait_ns = 12345;
	x->sched.sleep_ns = x->proc_sched.sleep_ns = 4567;
	x->sched.nvcsw = x->proc_sched.nvcsw = 2;
	x->sched.migrations = x->proc_sched.migrations = 1;
	off += sizeof(*x);

	if (!threads) {
		struct pl_reap *r = (void *)(buf + off);

		memset(r, 0, sizeof(*r));
		header(&r->h, PL_EV_REAP, sizeof(*r), ts + 80000, pid, pid,
		       parent, "workload");
		r->exit_ns = ts + 60000;
		r->reaper_pid = parent;
		r->reaper_tid = parent;
		r->source = PL_REAP_WAIT;
		strncpy(r->reaper_comm, "workload", PL_COMM_LEN);
		off += sizeof(*r);
	}
	return off;
}

static uint64_t cpu_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ULL +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ULL;
}

int main(int argc, char **argv)
{
	static char rec[4096] __attribute__((aligned(8)));
	struct bench b = { 0 };
	bool json = true, threads = false;
	long tasks = 100000;
	uint64_t ts = 1000000000000ULL, t0, pushed = 0;
	const char *out = "/dev/null";
	int fd, opt;

	while ((opt = getopt(argc, argv, "n:tTo:")) != -1) {
		switch (opt) {
		case 'n': tasks = atol(optarg); break;
		case 't': json = false; break;
		case 'T': threads = true; break;
		case 'o': out = optarg; break;
		default:
			fprintf(stderr, "usage: %s [-n TASKS] [-t] [-T] [-o FILE]\n", argv[0]);
			return 2;
		}
	}
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || outbuf_init(&b.ob, fd, 0)) {
		perror("stream_bench");
		return 1;
	}
	stream_init(&b.stream, &b.ob, json, threads, 0);
	pump_init(&b.pump, NULL, on_event, no_flush, &b);
	stream_header(&b.stream);
	t0 = cpu_ns();
	for (long i = 0; i < tasks; i++) {
		/* two CPUs: odd tasks' records are stamped a little earlier,
		 * so about half the pushes insert before the tail */
		uint64_t t = ts + (uint64_t)i * 40000 - (i & 1) * 25000;
		size_t len = task_records(rec, 100000 + (uint32_t)(i % 4000000),
					  t, threads), off = 0;

		while (off < len) {
			const struct pl_header *h = (const void *)(rec + off);

			pump_on_record(&b.pump, rec + off, h->size);
			off += (h->size + 7) & ~7UL;
			if (++pushed % BATCH == 0)
				reorder_flush(&b.pump.reorder, t - HOLD_NS,
					      emit, &b);
		}
	}
	reorder_flush(&b.pump.reorder, UINT64_MAX, emit, &b);
	outbuf_flush(&b.ob);
	t0 = cpu_ns() - t0;
	printf("records %llu events %llu lines %llu malformed %llu cpu_ns_per_event %.1f\n",
	       (unsigned long long)pushed, (unsigned long long)b.emitted,
	       (unsigned long long)b.stream.lines,
	       (unsigned long long)b.pump.malformed,
	       b.emitted ? (double)t0 / (double)b.emitted : 0.0);
	stream_free(&b.stream);
	outbuf_free(&b.ob);
	pump_free(&b.pump);
	close(fd);
	return b.emitted == pushed ? 0 : 1;
}
