// SPDX-License-Identifier: GPL-2.0
/*
 * Trace Event Format writer. Rules the viewers rely on: "X" slices on one
 * (pid, tid) track must nest, so a process's running and zombie slices are
 * disjoint and a leader thread that ends early nests inside the running
 * slice; flow "s"/"f" pairs share name, cat and id.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "util/json_fields.h"
#include "model/lifespan.h"
#include "util/names.h"
#include "sinks/containers.h"
#include "sinks/sink.h"
#include "sinks/chrome.h"
#include "util/timefmt.h"

struct chrome {
	struct json j;
	uint64_t t0, t1;	/* the window: ts 0 is t0 */
	uint64_t flow_id;
};

static size_t comm_len(const char *comm)
{
	return strnlen(comm, PL_COMM_LEN);
}

/* Exact microseconds from ns: integer arithmetic, no trailing zeros. */
static void kv_us(struct chrome *c, const char *key, uint64_t ns)
{
	unsigned int frac = (unsigned int)(ns % 1000);
	unsigned long long us = (unsigned long long)(ns / 1000);
	char buf[32];

	if (!frac)
		snprintf(buf, sizeof(buf), "%llu", us);
	else if (frac % 100 == 0)
		snprintf(buf, sizeof(buf), "%llu.%u", us, frac / 100);
	else if (frac % 10 == 0)
		snprintf(buf, sizeof(buf), "%llu.%02u", us, frac / 10);
	else
		snprintf(buf, sizeof(buf), "%llu.%03u", us, frac);
	json_key(&c->j, key);
	json_raw(&c->j, buf);
}

/* A trace timestamp, relative to the window start. */
static void kv_ts(struct chrome *c, const char *key, uint64_t ns)
{
	kv_us(c, key, ns > c->t0 ? ns - c->t0 : 0);
}

/* Opens an event object; the caller adds the rest and closes it. */
static void ev_begin(struct chrome *c, const char *ph, const char *name,
		     size_t name_len, const char *cat, uint32_t pid, uint32_t tid)
{
	struct json *j = &c->j;

	json_obj_begin(j);
	json_kv_strn(j, "name", name, name_len);
	if (cat)
		json_kv_str(j, "cat", cat);
	json_kv_str(j, "ph", ph);
	json_kv_u64(j, "pid", pid);
	json_kv_u64(j, "tid", tid);
}

static void ev_meta(struct chrome *c, const char *what, uint32_t pid,
		    uint32_t tid, const char *name, size_t name_len)
{
	struct json *j = &c->j;

	ev_begin(c, "M", what, strlen(what), NULL, pid, tid);
	json_key(j, "args");
	json_obj_begin(j);
	json_kv_strn(j, "name", name, name_len);
	json_obj_end(j);
	json_obj_end(j);
}

static void ev_slice(struct chrome *c, const char *name, size_t name_len,
		     const char *cat, uint32_t pid, uint32_t tid, uint64_t start,
		     uint64_t end)
{
	ev_begin(c, "X", name, name_len, cat, pid, tid);
	kv_ts(c, "ts", start);
	kv_us(c, "dur", end > start ? end - start : 0);
}

static void ev_instant(struct chrome *c, const char *name, size_t name_len,
		       const char *cat, uint32_t pid, uint32_t tid, uint64_t t)
{
	ev_begin(c, "i", name, name_len, cat, pid, tid);
	json_kv_str(&c->j, "s", "t");
	kv_ts(c, "ts", t);
}

static void kv_id(struct json *j, const struct tl_process *p)
{
	char id[TL_ID_LEN];

	tl_proc_id(id, sizeof(id), p);
	json_kv_str(j, "id", id);
}

/* ---- metadata: one process_name per pid (pids are reused), thread names ---- */

struct by_pid {
	const struct tl_process *p;
	size_t index;		/* in start order */
};

static int cmp_pid(const void *a, const void *b)
{
	const struct by_pid *x = a, *y = b;

	if (x->p->pid != y->p->pid)
		return x->p->pid < y->p->pid ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* A container's processes: labelled with it (both viewers show a
 * process's labels beside its name) and sorted together. */
static void container_meta(struct chrome *c, const struct tl_process *p,
			   const char *id)
{
	char label[PL_CONTAINER_SHORT_LEN + 16];
	char short_id[PL_CONTAINER_SHORT_LEN + 1];
	struct json *j = &c->j;

	snprintf(label, sizeof(label), "container %s",
		 pl_container_short(id, short_id));
	ev_begin(c, "M", "process_labels", 14, NULL, p->pid, 0);
	json_key(j, "args");
	json_obj_begin(j);
	json_kv_str(j, "labels", label);
	json_kv_str(j, "container_id", id);
	json_obj_end(j);
	json_obj_end(j);
}

static void process_meta(struct chrome *c, const struct tl_process *p,
			 size_t lives, size_t sort_index, const char *ctr)
{
	const struct tl_exec *e = tl_last_exec(p);
	struct json *j = &c->j;

	/* The viewers add the pid: "comm (pid)" in chrome, "comm pid" in Perfetto. */
	ev_begin(c, "M", "process_name", 12, NULL, p->pid, 0);
	json_key(j, "args");
	json_obj_begin(j);
	json_kv_strn(j, "name", p->comm, comm_len(p->comm));
	kv_id(j, p);
	if (e)
		json_argv(j, "argv", tl_exec_argv(e), e->argv_len);
	if (lives > 1)
		json_kv_u64(j, "lives", lives);
	if (ctr)
		json_kv_str(j, "container_id", ctr);
	json_obj_end(j);
	json_obj_end(j);
	if (ctr)
		container_meta(c, p, ctr);

	ev_begin(c, "M", "process_sort_index", 18, NULL, p->pid, 0);
	json_key(j, "args");
	json_obj_begin(j);
	json_kv_u64(j, "sort_index", sort_index);
	json_obj_end(j);
	json_obj_end(j);
}

static int write_process_meta(struct chrome *c, const struct timeline *tl,
			      const struct cgroups *cg)
{
	size_t i, k, n = timeline_count(tl);
	struct ctr_groups groups;
	struct by_pid *v;
	int err;

	err = ctr_groups_build(&groups, tl, cg);
	if (err)
		return err;
	v = malloc((n ? n : 1) * sizeof(*v));
	if (!v) {
		ctr_groups_free(&groups);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		v[i].p = timeline_proc(tl, i);
		v[i].index = i;
	}
	qsort(v, n, sizeof(*v), cmp_pid);
	for (i = 0; i < n; i = k) {
		for (k = i + 1; k < n && v[k].p->pid == v[i].p->pid; k++)
			;
		/* The first life names the track and orders it: the
		 * host's processes first, then each container's */
		process_meta(c, v[i].p, k - i,
			     ctr_group_of(&groups, v[i].p) * n + v[i].index,
			     ctr_of(cg, v[i].p));
	}
	free(v);
	ctr_groups_free(&groups);
	return 0;
}

static void thread_meta(struct chrome *c, const struct tl_process *p)
{
	const struct tl_thread *t;

	ev_meta(c, "thread_name", p->pid, p->pid, p->comm, comm_len(p->comm));
	tl_for_each_thread(t, p) {
		if (t->old_tid)
			ev_meta(c, "thread_name", p->pid, t->old_tid, t->comm,
				comm_len(t->comm));
		else if (t->tid != p->pid)
			ev_meta(c, "thread_name", p->pid, t->tid, t->comm,
				comm_len(t->comm));
	}
}

/* ---- the process track ---- */

static void exit_args(struct json *j, const struct tl_process *p)
{
	json_exit_fields(j, p->exit_status);
}

/* Where the time went: the pl_sched counters, as the timeline doc names them. */
static void sched_obj(struct json *j, const struct tl_sched *ts)
{
	json_sched(j, &ts->v);
}

static void running_slice(struct chrome *c, const struct tl_process *p,
			  const struct lifespan *ls)
{
	const struct tl_exec *e = tl_last_exec(p);
	struct json *j = &c->j;

	ev_slice(c, p->comm, comm_len(p->comm), "process", p->pid, p->pid,
		 ls->start, ls->exit);
	json_key(j, "args");
	json_obj_begin(j);
	kv_id(j, p);
	json_kv_u64(j, "pid", p->pid);
	json_kv_u64(j, "ppid", p->ppid);
	if (p->kind == TL_KIND_KTHREAD)
		json_kv_bool(j, "kthread", true);
	if (tl_created_by_name(p))
		json_kv_str(j, "created_by", tl_created_by_name(p));
	if (e) {
		json_kv_strn(j, "filename", tl_exec_filename(e), e->filename_len);
		json_argv(j, "argv", tl_exec_argv(e), e->argv_len);
	}
	if (ls->pre_existing)
		json_kv_bool(j, "pre_existing", true);
	if (ls->alive)
		json_kv_bool(j, "alive", true);
	if (ls->end_inferred)
		json_kv_bool(j, "end_inferred", true);
	if (p->flags & TL_PROC_EXITED) {
		json_kv_u64(j, "cpu_ns", p->rusage.cpu_ns);
		json_kv_u64(j, "maxrss_kb", p->rusage.maxrss_kb);
	}
	if (p->sched)
		sched_obj(j, p->sched);
	json_obj_end(j);
	json_obj_end(j);
}

static void zombie_slice(struct chrome *c, const struct tl_process *p,
			 const struct lifespan *ls)
{
	const char *how = tl_reap_how_name(p);
	struct json *j = &c->j;

	ev_slice(c, "zombie", 6, "zombie", p->pid, p->pid, ls->exit, ls->end);
	json_key(j, "args");
	json_obj_begin(j);
	kv_id(j, p);
	if (p->flags & TL_PROC_ZOMBIE_AT_START)
		json_kv_bool(j, "pre_existing", true);
	if (ls->unreaped) {
		json_kv_bool(j, "unreaped", true);
	} else {
		json_kv_u64(j, "zombie_ns", ls->end - ls->exit);
		json_kv_u64(j, "reaper", p->reaper_pid);
		json_kv_str(j, "how", how);
	}
	json_obj_end(j);
	json_obj_end(j);
}

static void exit_instant(struct chrome *c, const struct tl_process *p)
{
	struct json *j = &c->j;
	char name[40];
	size_t n;

	n = lifespan_status_str(name, sizeof(name), p, false);
	ev_instant(c, name, n, "exit", p->pid, p->pid, p->exit_ns);
	json_key(j, "args");
	json_obj_begin(j);
	exit_args(j, p);
	json_obj_end(j);
	json_obj_end(j);
}

static void reap_instant(struct chrome *c, const struct tl_process *p)
{
	struct json *j = &c->j;

	ev_instant(c, "reap", 4, "reap", p->pid, p->pid, p->reap_ns);
	json_key(j, "args");
	json_obj_begin(j);
	json_kv_u64(j, "reaper", p->reaper_pid);
	json_kv_str(j, "how", tl_reap_how_name(p));
	json_obj_end(j);
	json_obj_end(j);
}

static void exec_instant(struct chrome *c, const struct tl_process *p,
			 const struct tl_exec *e)
{
	const char *fn = tl_exec_filename(e);
	const char *base = fn;
	struct json *j = &c->j;
	char name[80];
	size_t i;
	int n;

	for (i = 0; i < e->filename_len; i++)
		if (fn[i] == '/')
			base = fn + i + 1;
	if (e->ret)
		n = snprintf(name, sizeof(name), "exec %.50s failed", base);
	else
		n = snprintf(name, sizeof(name), "exec %.64s", base);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(name))
		n = sizeof(name) - 1;
	ev_instant(c, name, (size_t)n, "exec", p->pid, e->ret ? e->old_tid : e->tid,
		   e->t_ns);
	json_key(j, "args");
	json_obj_begin(j);
	json_exec_fields(j, &(struct json_exec){
		.filename = fn, .filename_len = e->filename_len,
		.argv = tl_exec_argv(e), .argv_len = e->argv_len,
		.ret = e->ret,
		.old_tid = e->old_tid != e->tid && !e->ret ? e->old_tid : 0,
		.argc = e->argc, .flags = e->flags, .cut_index = e->cut_index,
		.exe = tl_exec_exe(e), .exe_len = e->exe_len,
		.interp = tl_exec_interp(e), .interp_len = e->interp_len,
		.argv0 = tl_exec_argv0(e), .argv0_len = e->argv0_len,
	});
	json_obj_end(j);
	json_obj_end(j);
}

static void rename_instant(struct chrome *c, const struct tl_process *p,
			   const struct tl_rename *r)
{
	struct json *j = &c->j;

	ev_instant(c, "rename", 6, "comm", p->pid, r->tid, r->t_ns);
	json_key(j, "args");
	json_obj_begin(j);
	json_kv_strn(j, "comm", r->comm, comm_len(r->comm));
	json_kv_u64(j, "tid", r->tid);
	json_obj_end(j);
	json_obj_end(j);
}

/* ---- threads ---- */

static void thread_slice_on(struct chrome *c, const struct tl_process *p,
			    const struct tl_thread *t, uint32_t tid,
			    uint64_t start, uint64_t end, bool alive)
{
	struct json *j = &c->j;

	ev_slice(c, t->comm, comm_len(t->comm), "thread", p->pid, tid, start, end);
	json_key(j, "args");
	json_obj_begin(j);
	json_kv_u64(j, "tid", tid);
	if (t->flags & TL_THREAD_PRE_EXISTING)
		json_kv_bool(j, "pre_existing", true);
	if (alive)
		json_kv_bool(j, "alive", true);
	if (t->flags & TL_THREAD_END_INFERRED)
		json_kv_bool(j, "end_inferred", true);
	if (t->sched)
		sched_obj(j, t->sched);
	json_obj_end(j);
	json_obj_end(j);
}

/*
 * --states: thread t's phases on track tid, clipped to [lo, hi], the slice
 * they nest in; zero-length ones are dropped, as viewers draw them oddly.
 */
static void state_slices(struct chrome *c, const struct tl_process *p,
			 const struct tl_thread *t, uint32_t tid, uint64_t lo,
			 uint64_t hi)
{
	static const struct {
		const char *name;
		size_t len;
	} names[] = {
		[PL_STATE_RUNNING] = { "Running", 7 },
		[PL_STATE_RUNNABLE] = { "Runnable", 8 },
		[PL_STATE_SLEEP] = { "Sleeping", 8 },
		[PL_STATE_BLOCK] = { "D (uninterruptible)", 19 },
		[PL_STATE_STOPPED] = { "Stopped", 7 },
	};
	struct json *j = &c->j;
	uint64_t a, b;
	uint32_t i, st;

	for (i = 0; i < t->nr_states; i++) {
		st = t->states[i].state;
		if (st >= sizeof(names) / sizeof(names[0]) || !names[st].name)
			continue;
		if (!lifespan_phase(t, i, c->t1, lo, hi, &a, &b))
			continue;
		ev_slice(c, names[st].name, names[st].len, "state", p->pid, tid, a, b);
		if (t->states[i].cpu >= 0) {
			json_key(j, "args");
			json_obj_begin(j);
			json_kv_i64(j, "cpu", t->states[i].cpu);
			json_obj_end(j);
		}
		json_obj_end(j);
	}
}

static void thread_slices(struct chrome *c, const struct tl_process *p,
			  const struct lifespan *ls)
{
	const struct tl_thread *t;
	uint64_t start, end, mid;
	bool alive;

	tl_for_each_thread(t, p) {
		lifespan_thread(t, c->t0, c->t1, &start, &end, &alive);
		if (t->tid != p->pid) {
			thread_slice_on(c, p, t, t->tid, start, end, alive);
			state_slices(c, p, t, t->tid, start, end);
			continue;
		}
		if (t->old_tid) {
			mid = lifespan_takeover(p, t, start);
			mid = mid < start ? start : mid > end ? end : mid;
			thread_slice_on(c, p, t, t->old_tid, start, mid, false);
			state_slices(c, p, t, t->old_tid, start, mid);
			start = mid;
		}
		/*
		 * On the leader track the process slice already shows the
		 * leader; only a leader gone early gets its own, nested one.
		 * Its states nest in both.
		 */
		if (start < ls->start)
			start = ls->start;
		if (!alive && end < ls->exit && start <= end)
			thread_slice_on(c, p, t, p->pid, start, end, false);
		if (!(p->flags & TL_PROC_ZOMBIE_AT_START))
			state_slices(c, p, t, p->pid, start,
				     end < ls->exit ? end : ls->exit);
	}
}

/* ---- per process ---- */

static void fork_flow(struct chrome *c, const struct tl_process *p,
		      const struct lifespan *ls)
{
	const struct tl_process *parent = p->parent;
	struct json *j = &c->j;

	if (!parent || ls->pre_existing || !p->created_by)
		return;
	c->flow_id++;
	/* The creating thread is not kept: the flow leaves the parent's leader. */
	ev_begin(c, "s", "fork", 4, "fork", parent->pid, parent->pid);
	kv_ts(c, "ts", ls->start);
	json_kv_u64(j, "id", c->flow_id);
	json_obj_end(j);
	ev_begin(c, "f", "fork", 4, "fork", p->pid, p->pid);
	json_kv_str(j, "bp", "e");
	kv_ts(c, "ts", ls->start);
	json_kv_u64(j, "id", c->flow_id);
	json_obj_end(j);
}

static void write_process(struct chrome *c, const struct tl_process *p)
{
	const struct tl_exec *e;
	const struct tl_rename *r;
	struct lifespan ls;

	lifespan_of(p, c->t0, c->t1, &ls);
	thread_meta(c, p);
	if (!(p->flags & TL_PROC_ZOMBIE_AT_START))
		running_slice(c, p, &ls);
	if (ls.zombie)
		zombie_slice(c, p, &ls);
	thread_slices(c, p, &ls);
	tl_for_each_exec(e, p)
		exec_instant(c, p, e);
	tl_for_each_rename(r, p)
		rename_instant(c, p, r);
	if (p->flags & TL_PROC_EXITED)
		exit_instant(c, p);
	if ((p->flags & TL_PROC_REAPED) && !ls.end_inferred)
		reap_instant(c, p);
	fork_flow(c, p, &ls);
}

static void write_metadata(struct chrome *c, const struct timeline *tl,
			   const struct pl_trace_info *info)
{
	struct json *j = &c->j;
	char iso[48];
	char *const *a;

	json_key(j, "metadata");
	json_obj_begin(j);
	json_kv_str(j, "tool", "proclife");
	if (info->version)
		json_kv_str(j, "version", info->version);
	json_kv_str(j, "hostname", info->hostname);
	json_kv_str(j, "kernel", info->kernel);
	pl_time_iso(iso, sizeof(iso), c->t0, info->boot_offset_ns);
	json_kv_str(j, "start_time", iso);
	json_kv_u64(j, "start_ns", c->t0);
	json_kv_u64(j, "end_ns", c->t1);
	json_kv_i64(j, "boot_offset_ns", info->boot_offset_ns);
	json_key(j, "command");
	if (info->command) {
		json_arr_begin(j);
		for (a = info->command; *a; a++)
			json_str(j, *a);
		json_arr_end(j);
	} else {
		json_null(j);
	}
	json_kv_u64(j, "events", info->events);
	json_kv_u64(j, "lost_events", info->lost);
	json_kv_u64(j, "processes", timeline_count(tl));
	json_obj_end(j);
}

int chrome_write(const struct timeline *tl, const struct pl_trace_info *info,
		 struct outbuf *ob)
{
	struct chrome c = { 0 };
	size_t i, n = timeline_count(tl);
	int err;

	json_init(&c.j, ob);
	lifespan_window(tl, info, &c.t0, &c.t1);
	json_obj_begin(&c.j);
	json_key(&c.j, "traceEvents");
	json_arr_begin(&c.j);
	err = write_process_meta(&c, tl, info->cgroups);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		write_process(&c, timeline_proc(tl, i));
		/* One line per process keeps the file diffable and greppable. */
		outbuf_putc(ob, '\n');
	}
	json_arr_end(&c.j);
	/*
	 * chrome://tracing reads this as the display unit, as the format says.
	 * Older Perfetto trace processors took the exact text
	 * "displayTimeUnit":"ns" to mean ts is in ns; the space keeps them
	 * reading our microseconds as microseconds.
	 */
	json_key(&c.j, "displayTimeUnit");
	json_raw(&c.j, " \"ns\"");
	write_metadata(&c, tl, info);
	json_obj_end(&c.j);
	outbuf_putc(ob, '\n');
	return outbuf_flush(ob);
}

static int chrome_finish(struct pl_sink *s, const struct timeline *tl,
			 const struct pl_trace_info *info)
{
	return chrome_write(tl, info, &s->ob);
}

const struct pl_sink_ops pl_sink_chrome = {
	.name = "chrome",
	.timeline = true,
	.buf_size = 1 << 20,
	.finish = chrome_finish,
};
