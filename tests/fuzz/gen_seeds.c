// SPDX-License-Identifier: GPL-2.0
/*
 * gen_seeds DIR: write the seed corpus of the fuzz targets into
 * DIR/fuzz_event, DIR/fuzz_json and DIR/fuzz_args.
 *
 * fuzz_event seeds are real records, laid out with the structs of
 * include/proclife.h exactly as the BPF programs write them into the ring
 * buffer, framed as fuzz_event.c reads them (an option byte, then a 16-bit
 * little-endian length before each record).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/types.h>

#include "proclife.h"
#include "pipeline/event.h"

#define MS 1000000ULL

static char dir[4096];

struct seed {
	unsigned char buf[65536];
	size_t len;
};

static void seed_begin(struct seed *s, unsigned char opt)
{
	s->len = 0;
	s->buf[s->len++] = opt;
}

static void add(struct seed *s, const void *rec, size_t size)
{
	if (s->len + 2 + size > sizeof(s->buf)) {
		fprintf(stderr, "gen_seeds: seed too big\n");
		exit(1);
	}
	s->buf[s->len++] = size & 0xff;
	s->buf[s->len++] = size >> 8;
	memcpy(s->buf + s->len, rec, size);
	s->len += size;
}

static void write_file(const char *sub, const char *name, const void *p,
		       size_t n)
{
	char path[8192];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void seed_write(struct seed *s, const char *name)
{
	write_file("fuzz_event", name, s->buf, s->len);
}

static void header(struct pl_header *h, uint32_t type, uint32_t size,
		   uint64_t ts, uint64_t start, uint32_t pid, uint32_t tid,
		   uint32_t ppid, const char *comm)
{
	memset(h, 0, sizeof(*h));
	h->ts_ns = ts;
	h->start_ns = start;
	h->type = type;
	h->size = size;
	h->pid = pid;
	h->tid = tid;
	h->ppid = ppid;
	h->uid = 1000;
	strncpy(h->comm, comm, PL_COMM_LEN - 1);
}

static void add_seed(struct seed *s, uint64_t ts, uint64_t start, uint32_t pid,
		     uint32_t ppid, const char *comm, uint32_t flags)
{
	struct pl_seed r = { 0 };

	header(&r.h, PL_EV_SEED, sizeof(r), ts, start, pid, pid, ppid, comm);
	r.task_start_ns = start;
	r.flags = flags;
	add(s, &r, sizeof(r));
}

static void add_fork(struct seed *s, uint64_t ts, uint32_t pid, uint32_t tid,
		     uint32_t ppid, uint32_t parent_tid, uint64_t start,
		     uint64_t task_start, uint32_t kind, uint64_t flags,
		     const char *comm)
{
	struct pl_fork r = { 0 };

	header(&r.h, PL_EV_FORK, sizeof(r), ts, start, pid, tid, ppid, comm);
	r.clone_flags = flags;
	r.task_start_ns = task_start;
	r.parent_tid = parent_tid;
	r.kind = kind;
	r.exit_signal = kind == PL_BIRTH_THREAD ? -1 : 17;
	add(s, &r, sizeof(r));
}

/* argv: strings separated by '\0' in a buffer of argv_len bytes. */
static void add_exec(struct seed *s, uint32_t type, uint64_t ts, uint32_t pid,
		     uint32_t tid, uint32_t old_tid, uint32_t ppid,
		     uint64_t start, const char *comm, const char *filename,
		     const char *argv, size_t argv_len, uint32_t argc,
		     int32_t ret, uint32_t flags)
{
	unsigned char rec[2048];
	size_t flen = strlen(filename);
	size_t fixed = type == PL_EV_EXEC ? sizeof(struct pl_exec)
					  : sizeof(struct pl_exec_fail);
	size_t size = fixed + flen + argv_len;

	memset(rec, 0, sizeof(rec));
	header((struct pl_header *)rec, type, size, ts, start, pid, tid, ppid,
	       comm);
	if (type == PL_EV_EXEC) {
		struct pl_exec *e = (struct pl_exec *)rec;

		e->old_tid = old_tid;
		e->flags = flags;
		e->argc = argc;
		e->filename_len = flen;
		e->argv_len = argv_len;
	} else {
		struct pl_exec_fail *e = (struct pl_exec_fail *)rec;

		e->ret = ret;
		e->flags = flags;
		e->argc = argc;
		e->filename_len = flen;
		e->argv_len = argv_len;
	}
	memcpy(rec + fixed, filename, flen);
	memcpy(rec + fixed + flen, argv, argv_len);
	add(s, rec, size);
}

static void add_comm(struct seed *s, uint64_t ts, uint32_t pid, uint32_t tid,
		     uint32_t ppid, uint64_t start, const char *old,
		     const char *comm)
{
	struct pl_comm r = { 0 };

	header(&r.h, PL_EV_COMM, sizeof(r), ts, start, pid, tid, ppid, comm);
	strncpy(r.old_comm, old, PL_COMM_LEN - 1);
	add(s, &r, sizeof(r));
}

static void fill_sched(struct pl_sched *sc, uint64_t run)
{
	sc->run_ns = run;
	sc->wait_ns = run / 3;
	sc->sleep_ns = run * 2;
	sc->block_ns = run / 10;
	sc->nvcsw = 3;
	sc->nivcsw = 1;
	sc->migrations = 1;
}

static void add_exit(struct seed *s, uint64_t ts, uint32_t pid, uint32_t tid,
		     uint32_t ppid, uint64_t start, uint64_t task_start,
		     const char *comm, uint32_t status, uint32_t flags,
		     uint32_t nr_threads)
{
	struct pl_exit r = { 0 };

	header(&r.h, PL_EV_EXIT, sizeof(r), ts, start, pid, tid, ppid, comm);
	r.task_start_ns = task_start;
	r.exit_code = status;
	r.flags = flags;
	r.exit_signal = 17;
	r.nr_threads = nr_threads;
	r.task.user_ns = 4 * MS;
	r.task.sys_ns = 2 * MS;
	r.task.cpu_ns = 6 * MS + 123;
	r.task.min_flt = 90;
	r.task.maxrss_kb = 1632;
	r.proc = r.task;
	fill_sched(&r.sched, 6 * MS);
	if (flags & PL_EXIT_GROUP_DEAD)
		fill_sched(&r.proc_sched, 9 * MS);
	add(s, &r, sizeof(r));
}

static void add_reparent(struct seed *s, uint64_t ts, uint32_t pid,
			 uint32_t new_ppid, uint32_t old_ppid, uint64_t start,
			 const char *comm, uint32_t reason)
{
	struct pl_reparent r = { 0 };

	header(&r.h, PL_EV_REPARENT, sizeof(r), ts, start, pid, pid, new_ppid,
	       comm);
	r.old_ppid = old_ppid;
	r.reason = reason;
	add(s, &r, sizeof(r));
}

static void add_reap(struct seed *s, uint64_t ts, uint32_t pid, uint32_t ppid,
		     uint64_t start, uint64_t exit_ns, const char *comm,
		     uint32_t reaper, const char *reaper_comm, uint32_t source,
		     uint32_t status)
{
	struct pl_reap r = { 0 };

	header(&r.h, PL_EV_REAP, sizeof(r), ts, start, pid, pid, ppid, comm);
	r.exit_ns = exit_ns;
	r.reaper_pid = reaper;
	r.reaper_tid = reaper;
	r.source = source;
	r.status = status;
	strncpy(r.reaper_comm, reaper_comm, PL_COMM_LEN - 1);
	add(s, &r, sizeof(r));
}

static void add_sched_end(struct seed *s, uint64_t ts, uint32_t pid,
			  uint32_t tid, uint32_t ppid, uint64_t start,
			  const char *comm)
{
	struct pl_sched_end r = { 0 };

	header(&r.h, PL_EV_SCHED, sizeof(r), ts, start, pid, tid, ppid, comm);
	r.task_start_ns = start;
	fill_sched(&r.sched, 20 * MS);
	add(s, &r, sizeof(r));
}

static void add_lost(struct seed *s, uint64_t ts)
{
	struct pl_lost r = { 0 };

	r.h.ts_ns = ts;
	r.h.type = PL_EV_LOST;
	r.h.size = sizeof(r);
	r.by_type[PL_EV_FORK] = 3;
	r.by_type[PL_EV_EXIT] = 2;
	r.count = 5;
	add(s, &r, sizeof(r));
}

#define ARGV(lit) lit, sizeof(lit) - 1

/* A shell runs "true -x" and waits for it. */
static void seed_lifecycle(unsigned char opt, const char *name)
{
	static struct seed s;
	uint64_t t = 5000 * MS, sh = 1000 * MS, ch = t + 1 * MS;

	seed_begin(&s, opt);
	add_seed(&s, 1, 10, 1, 0, "init", 0);
	add_seed(&s, 2, sh, 100, 1, "sh", 0);
	add_fork(&s, ch, 101, 101, 100, 100, ch, ch, PL_BIRTH_FORK,
		 0x01200000, "sh");
	add_exec(&s, PL_EV_EXEC, ch + 2 * MS, 101, 101, 101, 100, ch, "true",
		 "/bin/true", ARGV("true\0-x\0"), 2, 0, 0);
	add_comm(&s, ch + 3 * MS, 101, 101, 100, ch, "true", "renamed");
	add_exit(&s, ch + 4 * MS, 101, 101, 100, ch, ch, "renamed", 3 << 8,
		 PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER, 0);
	add_reap(&s, ch + 9 * MS, 101, 100, ch, ch + 4 * MS, "renamed", 100,
		 "sh", PL_REAP_WAIT, 3 << 8);
	add_sched_end(&s, ch + 20 * MS, 100, 100, 1, sh, "sh");
	seed_write(&s, name);
}

/* Threads, a thread's exec (old_tid), a death by signal. */
static void seed_threads(unsigned char opt, const char *name)
{
	static struct seed s;
	uint64_t p = 7000 * MS, t1 = p + 2 * MS, t2 = p + 3 * MS;

	seed_begin(&s, opt);
	add_seed(&s, 1, 20 * MS, 200, 1, "bash", 0);
	add_fork(&s, p, 201, 201, 200, 200, p, p, PL_BIRTH_FORK, 0x01200000,
		 "bash");
	add_fork(&s, t1, 201, 202, 200, 201, p, t1, PL_BIRTH_THREAD,
		 0x003d0f00, "app");
	add_fork(&s, t2, 201, 203, 200, 201, p, t2, PL_BIRTH_THREAD,
		 0x003d0f00, "app");
	add_comm(&s, t2 + 1 * MS, 201, 202, 200, p, "app", "worker-0");
	add_exit(&s, t2 + 2 * MS, 201, 203, 200, p, t2, "app", 0, 0, 2);
	add_exit(&s, t2 + 3 * MS, 201, 201, 200, p, p, "app", 0,
		 PL_EXIT_LEADER, 1);
	add_exec(&s, PL_EV_EXEC, t2 + 4 * MS, 201, 201, 202, 200, p, "app",
		 "/usr/bin/app", ARGV("/usr/bin/app\0--execd\0"), 2, 0, 0);
	add_exit(&s, t2 + 5 * MS, 201, 201, 200, p, t1, "app", 0x80 | 11,
		 PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER, 0);
	add_reap(&s, t2 + 6 * MS, 201, 200, p, t2 + 5 * MS, "app", 200, "bash",
		 PL_REAP_WAIT, 0x80 | 11);
	seed_write(&s, name);
}

/* A failed exec, a vfork, an orphan given to a subreaper, autoreap, loss. */
static void seed_orphans(unsigned char opt, const char *name)
{
	static struct seed s;
	uint64_t a = 9000 * MS, m = a + 1 * MS, g = a + 2 * MS, v = a + 3 * MS;

	seed_begin(&s, opt);
	add_seed(&s, 1, 30 * MS, 300, 1, "reaper", 0);
	add_seed(&s, 2, 31 * MS, 305, 300, "zomb", PL_SEED_ZOMBIE);
	add_fork(&s, m, 301, 301, 300, 300, m, m, PL_BIRTH_FORK, 0x01200000,
		 "reaper");
	add_fork(&s, g, 302, 302, 301, 301, g, g, PL_BIRTH_CLONE, 0x00000600,
		 "reaper");
	add_exec(&s, PL_EV_EXEC_FAIL, g + 1 * MS, 302, 302, 302, 301, g,
		 "reaper", "/nonexistent/prog", ARGV("prog\0a b\0"), 2, -2,
		 0);
	add_exec(&s, PL_EV_EXEC_FAIL, g + 1 * MS + 1, 302, 302, 302, 301, g,
		 "reaper", "relative", ARGV("x\0"), 1, -9, PL_EXEC_AT);
	add_fork(&s, v, 303, 303, 300, 300, v, v, PL_BIRTH_VFORK, 0x00004100,
		 "reaper");
	add_exit(&s, v + 1 * MS, 303, 303, 300, v, v, "reaper", 0,
		 PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER | PL_EXIT_AUTOREAP, 0);
	add_reap(&s, v + 1 * MS, 303, 300, v, v + 1 * MS, "reaper", 0, "",
		 PL_REAP_RELEASE, 0);
	add_exit(&s, v + 2 * MS, 301, 301, 300, m, m, "reaper", 0,
		 PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER, 0);
	add_reparent(&s, v + 2 * MS + 1, 302, 300, 301, g, "reaper",
		     PL_REPARENT_SUBREAPER);
	add_reap(&s, v + 3 * MS, 301, 300, m, v + 2 * MS, "reaper", 300,
		 "reaper", PL_REAP_WAIT, 0);
	add_lost(&s, v + 4 * MS);
	add_exit(&s, v + 5 * MS, 302, 302, 300, g, g, "reaper", 4 << 8,
		 PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER, 0);
	add_reap(&s, v + 6 * MS, 302, 300, g, v + 5 * MS, "reaper", 300,
		 "reaper", PL_REAP_WAIT, 4 << 8);
	add_reparent(&s, v + 7 * MS, 305, 1, 300, 31 * MS, "zomb",
		     PL_REPARENT_INIT);
	add_reap(&s, v + 8 * MS, 305, 1, 31 * MS, 0, "zomb", 1, "init",
		 PL_REAP_WAIT, 0);
	seed_write(&s, name);
}

/* Hostile bytes in every string; truncated argv and filename. */
static void seed_hostile(unsigned char opt, const char *name)
{
	static struct seed s;
	static const char argv[] =
		"\xff\xfe\0new\nline\0tab\there\0ctl\x01\x1b\x7f\0"
		"double\"quote\0back\\slash\0\xc0\xaf\0h\xc3\xa9llo\0"
		"\xf0\x9f\x98\x80\0unterminated";
	uint64_t t = 11000 * MS;

	seed_begin(&s, opt);
	add_fork(&s, t, 401, 401, 400, 400, t, t, PL_BIRTH_FORK, 0, "\x1b[31m");
	add_exec(&s, PL_EV_EXEC, t + 1, 401, 401, 401, 400, t, "\xff\"\\\n",
		 "/tmp/\xff\n\"x", argv, sizeof(argv) - 1, 40, 0,
		 PL_EXEC_ARGV_TRUNC | PL_EXEC_FILENAME_TRUNC);
	add_exit(&s, t + 2, 401, 401, 400, t, t, "\xe6\x97\xa5\xe6\x9c\xac", 0,
		 PL_EXIT_GROUP_DEAD | PL_EXIT_LEADER, 0);
	add_reap(&s, t + 3, 401, 400, t, t + 2, "\xe6\x97\xa5", 400, "\xff\xfe",
		 PL_REAP_WAIT, 0);
	seed_write(&s, name);
}

static void json_seeds(void)
{
	static const struct {
		const char *name;
		const char *s;
		size_t n;
	} seeds[] = {
		{ "plain", ARGV("hello world") },
		{ "empty", "", 0 },
		{ "controls", ARGV("a\0b\x01\x1f\x7f\n\t\r\b\f\"\\/") },
		{ "utf8", ARGV("h\xc3\xa9llo \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80") },
		{ "invalid", ARGV("\xff\xfe\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xe0\x80\x80lone\x80") },
		{ "truncated", ARGV("\xe6\x97 \xf0\x9f\x98") },
	};

	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		write_file("fuzz_json", seeds[i].name, seeds[i].s, seeds[i].n);
}

static void args_seeds(void)
{
	static const struct {
		const char *name;
		const char *s;
		size_t n;
	} seeds[] = {
		{ "command", ARGV("-j\0-T\0--\0ls\0-l") },
		{ "pids", ARGV("-p\0001,2,3\0-o\0/tmp/x.json\0-F\0chrome") },
		{ "sizes", ARGV("--ringbuf-size\0004K\0-d\0000.5\0--argv-bytes\00016384") },
		{ "filters", ARGV("-u\0root\0-c\0bash\0--tree\0-K\0-q") },
		{ "long", ARGV("--json\0--threads\0--output=t.html\0--format=html\0--duration=2\0--no-sched\0--summary\0--states\0--btf\0/sys/kernel/btf/vmlinux\0-vv") },
		{ "help", ARGV("--help") },
		{ "bad", ARGV("-p\0x\0--ringbuf-size\0003M\0-F\0") },
	};

	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		write_file("fuzz_args", seeds[i].name, seeds[i].s, seeds[i].n);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_seeds DIR\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	if (mkdir(dir, 0755) && errno != EEXIST) {
		perror(dir);
		return 1;
	}
	seed_lifecycle(0x04, "lifecycle");
	seed_lifecycle(0x2b, "lifecycle-reorder-stream");
	seed_threads(0x06, "threads");
	seed_threads(0x31, "threads-reorder-stream");
	seed_orphans(0x04, "orphans");
	seed_orphans(0x23, "orphans-reorder-stream");
	seed_hostile(0x06, "hostile");
	seed_hostile(0x27, "hostile-reorder");
	json_seeds();
	args_seeds();
	return 0;
}
