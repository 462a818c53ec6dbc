// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "pipeline/event.h"
#include "pipeline/replay.h"
#include "proclife.h"
#include "util/names.h"

static const char *const birth_names[] = {
	[PL_BIRTH_FORK] = "fork", [PL_BIRTH_VFORK] = "vfork",
	[PL_BIRTH_CLONE] = "clone", [PL_BIRTH_THREAD] = "thread",
	[PL_BIRTH_KTHREAD] = "kthread",
};

static const char *const state_names[] = {
	[PL_STATE_RUNNING] = "running", [PL_STATE_RUNNABLE] = "runnable",
	[PL_STATE_SLEEP] = "sleeping", [PL_STATE_BLOCK] = "blocked",
	[PL_STATE_STOPPED] = "stopped", [PL_STATE_DEAD] = "dead",
};

static uint32_t index_of(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 1; s && i < n; i++)
		if (names[i] && !strcmp(names[i], s))
			return (uint32_t)i;
	return 0;
}

static void copy_comm(char *dst, const char *src, size_t len)
{
	memset(dst, 0, PL_COMM_LEN);
	if (src)
		memcpy(dst, src, len < PL_COMM_LEN - 1 ? len : PL_COMM_LEN - 1);
}

static void header(struct pl_header *h, const struct jv *o, uint32_t type,
		   size_t size)
{
	size_t len = 0;
	const char *comm = jv_str(o, "comm", &len);

	h->ts_ns = jv_u64(o, "t_ns", 0);
	/* state lines keep it in raw only */
	h->start_ns = jv_u64(o, "start_ns", jv_u64(jv_get(o, "raw"), "start_ns", 0));
	h->type = type;
	h->size = (uint32_t)size;
	h->pid = (uint32_t)jv_u64(o, "pid", 0);
	h->tid = (uint32_t)jv_u64(o, "tid", h->pid);
	h->ppid = (uint32_t)jv_u64(o, "ppid", 0);
	h->uid = (uint32_t)jv_u64(o, "uid", 0);
	copy_comm(h->comm, comm, len);
}

static void rusage(struct pl_rusage *ru, const struct jv *o)
{
	memset(ru, 0, sizeof(*ru));
	if (!o)
		return;
	ru->user_ns = jv_u64(o, "user_ns", 0);
	ru->sys_ns = jv_u64(o, "sys_ns", 0);
	ru->cpu_ns = jv_u64(o, "cpu_ns", 0);
	ru->nvcsw = jv_u64(o, "nvcsw", 0);
	ru->nivcsw = jv_u64(o, "nivcsw", 0);
	ru->min_flt = jv_u64(o, "min_flt", 0);
	ru->maj_flt = jv_u64(o, "maj_flt", 0);
	ru->maxrss_kb = jv_u64(o, "maxrss_kb", 0);
}

/* json_sched's object; null (or absent) is "no accounting". */
static void sched(struct pl_sched *sc, const struct jv *o)
{
	memset(sc, 0, sizeof(*sc));
	if (!o || o->type != JV_OBJ) {
		sc->flags = PL_SCHED_MISSING;
		return;
	}
	sc->run_ns = jv_u64(o, "run_ns", 0);
	sc->wait_ns = jv_u64(o, "wait_ns", 0);
	sc->sleep_ns = jv_u64(o, "sleep_ns", 0);
	sc->block_ns = jv_u64(o, "block_ns", 0);
	sc->stopped_ns = jv_u64(o, "stopped_ns", 0);
	sc->nvcsw = (uint32_t)jv_u64(o, "nvcsw", 0);
	sc->nivcsw = (uint32_t)jv_u64(o, "nivcsw", 0);
	sc->migrations = (uint32_t)jv_u64(o, "migrations", 0);
	if (jv_bool(o, "partial", false))
		sc->flags |= PL_SCHED_PARTIAL;
}

/* The record's "where" ids (written with -o FILE.jsonl). */
static void where(struct pl_where *w, const struct jv *o)
{
	const struct jv *x = jv_get(o, "where");

	memset(w, 0, sizeof(*w));
	if (!x || x->type != JV_OBJ)
		return;
	w->cgroup_id = jv_u64(x, "cgroup_id", 0);
	w->path_id = jv_u64(x, "path_id", 0);
	w->path_hier = (uint32_t)jv_u64(x, "path_hier", 0);
	w->pidns = (uint32_t)jv_u64(x, "pidns", 0);
	w->ns_pid = (uint32_t)jv_u64(x, "ns_pid", 0);
	w->ns_ppid = (uint32_t)jv_u64(x, "ns_ppid", 0);
}

ssize_t replay_cgroup(const struct jv *o, void *buf, size_t size)
{
	struct pl_cgroup *c = buf;
	const struct jv *x = jv_get(o, "where");
	size_t len = 0;
	const char *path = jv_str(o, "cgroup", &len);

	if (!path || !x || x->type != JV_OBJ)
		return 0;
	if (size < sizeof(*c) + len)
		return -1;
	memset(c, 0, sizeof(*c));
	header(&c->h, o, PL_EV_CGROUP, sizeof(*c) + len);
	c->id = jv_u64(x, "path_id", 0);
	c->hier = (uint32_t)jv_u64(x, "path_hier", 0);
	c->flags = jv_bool(o, "cgroup_truncated", false) ? PL_CGROUP_CUT : 0;
	c->path_len = (uint32_t)len;
	memcpy(c + 1, path, len);
	return (ssize_t)(sizeof(*c) + len);
}

/* filename and argv after the fixed part; their lengths, or -1. */
static ssize_t strings(const struct jv *o, char *out, size_t room,
		       uint32_t *filename_len, uint32_t *argv_len,
		       uint32_t *argc)
{
	const struct jv *argv = jv_get(o, "argv");
	size_t flen = 0, used;
	const char *fname = jv_str(o, "filename", &flen);

	if (flen > room)
		return -1;
	memcpy(out, fname ? fname : "", flen);
	used = flen;
	*argc = 0;
	for (size_t i = 0; argv && argv->type == JV_ARR && i < argv->n; i++) {
		const struct jv *a = &argv->items[i];

		if (a->type != JV_STR || used + a->len + 1 > room)
			return -1;
		memcpy(out + used, a->s, a->len);
		used += a->len;
		out[used++] = '\0';
		(*argc)++;
	}
	*filename_len = (uint32_t)flen;
	*argv_len = (uint32_t)(used - flen);
	return (ssize_t)used;
}

/* The path as the kernel gave it ("..." of a cut one is ours). */
static ssize_t cwd_path(const char *path, char *out, size_t room)
{
	size_t len;

	if (!path)
		return 0;
	if (!strncmp(path, "...", 3))
		path += 3;
	len = strlen(path);
	if (len > room)
		return -1;
	memcpy(out, path, len);
	return (ssize_t)len;
}

/* A raw string of an exec record appended at *used; its length, or -1. */
static ssize_t raw_str(const struct jv *raw, const char *key, char *out,
		       size_t room)
{
	size_t len = 0;
	const char *s = jv_str(raw, key, &len);

	if (!s)
		return 0;
	if (len > room)
		return -1;
	memcpy(out, s, len);
	return (ssize_t)len;
}

static uint32_t exec_flags(const struct jv *o)
{
	return (jv_bool(o, "execveat", false) ? PL_EXEC_AT : 0) |
	       (jv_bool(o, "cwd_truncated", false) ? PL_EXEC_CWD_TRUNC : 0) |
	       (jv_bool(o, "filename_truncated", false) ? PL_EXEC_FILENAME_TRUNC : 0) |
	       (jv_bool(o, "argv_truncated", false) ? PL_EXEC_ARGV_TRUNC : 0);
}

static ssize_t exec_record(const struct jv *o, void *buf, size_t size)
{
	const struct jv *raw = jv_get(o, "raw");
	int64_t ret = jv_i64(o, "ret", 0);
	size_t fixed = ret ? sizeof(struct pl_exec_fail) : sizeof(struct pl_exec);
	uint32_t flen, alen, argc;
	ssize_t n;

	if (size < fixed)
		return -1;
	n = strings(o, (char *)buf + fixed, size - fixed, &flen, &alen, &argc);
	if (n < 0)
		return -1;
	if (ret) {
		struct pl_exec_fail *e = buf;

		header(&e->h, o, PL_EV_EXEC_FAIL, fixed + n);
		e->ret = (int32_t)ret;
		e->flags = (uint32_t)jv_u64(raw, "flags", exec_flags(o));
		e->argc = (uint32_t)jv_u64(raw, "argc", argc);
		e->cut_index = (uint32_t)jv_u64(raw, "cut_index", 0);
		e->filename_len = flen;
		e->argv_len = alen;
		where(&e->w, o);
	} else {
		struct pl_exec *e = buf;
		char *out = (char *)buf + fixed;
		size_t room = size - fixed;
		ssize_t x = 0, i = 0, a0 = 0, c = 0;

		x = raw_str(raw, "exe", out + n, room - (size_t)n);
		if (x >= 0)
			i = raw_str(raw, "interp", out + n + x, room - (size_t)(n + x));
		if (x >= 0 && i >= 0)
			a0 = raw_str(raw, "argv0", out + n + x + i,
				     room - (size_t)(n + x + i));
		if (x >= 0 && i >= 0 && a0 >= 0)
			c = cwd_path(jv_str(o, "cwd", NULL), out + n + x + i + a0,
				     room - (size_t)(n + x + i + a0));
		if (x < 0 || i < 0 || a0 < 0 || c < 0)
			return -1;
		e->exe_len = (uint32_t)x;
		e->interp_len = (uint32_t)i;
		e->argv0_len = (uint32_t)a0;
		e->cwd_len = (uint32_t)c;
		n += x + i + a0 + c;
		header(&e->h, o, PL_EV_EXEC, fixed + n);
		e->old_tid = (uint32_t)jv_u64(o, "old_tid", e->h.tid);
		e->flags = (uint32_t)jv_u64(raw, "flags", exec_flags(o));
		e->argc = (uint32_t)jv_u64(raw, "argc", jv_u64(o, "argc", argc));
		e->cut_index = (uint32_t)jv_u64(raw, "cut_index", 0);
		e->filename_len = flen;
		e->argv_len = alen;
		where(&e->w, o);
	}
	return (ssize_t)(fixed + n);
}

static ssize_t exit_record(const struct jv *o, struct pl_exit *x)
{
	const struct jv *raw = jv_get(o, "raw");
	bool group_dead = jv_bool(o, "group_dead", true);
	int64_t code = jv_i64(o, "code", 0);

	header(&x->h, o, PL_EV_EXIT, sizeof(*x));
	x->task_start_ns = jv_u64(o, "task_start_ns", x->h.start_ns);
	/* without raw: the code (a signal's death has no number here) */
	x->exit_code = (uint32_t)jv_u64(raw, "exit_code", (uint64_t)(code & 0xff) << 8);
	x->flags = (uint32_t)jv_u64(raw, "flags",
				    (group_dead ? PL_EXIT_GROUP_DEAD : 0) |
				    (x->h.tid == x->h.pid ? PL_EXIT_LEADER : 0));
	x->exit_signal = (int32_t)jv_i64(raw, "exit_signal", 17);
	x->nr_threads = (uint32_t)jv_u64(raw, "nr_threads", 0);
	where(&x->w, o);
	if (group_dead) {
		rusage(&x->proc, jv_get(o, "rusage"));
		sched(&x->proc_sched, jv_get(o, "sched"));
		rusage(&x->task, raw ? jv_get(raw, "rusage") : jv_get(o, "rusage"));
		sched(&x->sched, raw ? jv_get(raw, "sched") : jv_get(o, "sched"));
	} else {
		rusage(&x->task, jv_get(o, "rusage"));
		sched(&x->sched, jv_get(o, "sched"));
		x->proc_sched.flags = PL_SCHED_MISSING;
	}
	return sizeof(*x);
}

static ssize_t reap_record(const struct jv *o, struct pl_reap *r)
{
	const struct jv *raw = jv_get(o, "raw");
	const struct jv *by = jv_get(o, "reaper"), *tid;
	const char *how = jv_str(o, "how", NULL);
	size_t len = 0;
	const char *comm;

	header(&r->h, o, PL_EV_REAP, sizeof(*r));
	r->exit_ns = jv_u64(raw, "exit_ns", jv_u64(o, "exit_ns", r->h.ts_ns));
	r->how = (uint32_t)jv_u64(raw, "how", how && !strcmp(how, "autoreap") ?
				  PL_REAP_AUTOREAP : PL_REAP_WAIT);
	r->status = (uint32_t)jv_u64(raw, "status", 0);
	r->flags = (uint32_t)jv_u64(raw, "flags", PL_REAP_EXIT_KNOWN |
				    (jv_bool(o, "exact", false) ? PL_REAP_EXACT : 0));
	if (by && by->type == JV_OBJ) {
		r->reaper_pid = (uint32_t)jv_u64(by, "pid", 0);
		/* null: only the process is known (a release seen at its
		 * free), never the thread that holds the comm now */
		tid = jv_get(by, "tid");
		r->reaper_tid = tid && tid->type == JV_NULL ? 0 :
				(uint32_t)jv_u64(by, "tid", r->reaper_pid);
		comm = jv_str(by, "comm", &len);
		copy_comm(r->reaper_comm, comm, len);
	}
	return sizeof(*r);
}

static ssize_t lost_record(const struct jv *o, struct pl_lost *l)
{
	const struct jv *by = jv_get(o, "by_event");
	const struct jv *kinds = jv_get(o, "by_kind");

	header(&l->h, o, PL_EV_LOST, sizeof(*l));
	l->count = jv_u64(o, "count", 0);
	for (size_t i = 0; by && by->type == JV_OBJ && i < by->n; i++) {
		const struct jv *m = &by->items[i];
		uint32_t t;

		if (!strcmp(m->key, "exec_failed"))
			t = PL_EV_EXEC_FAIL;
		else if (!strcmp(m->key, "fork"))
			t = PL_EV_FORK;
		else if (!strcmp(m->key, "exec"))
			t = PL_EV_EXEC;
		else if (!strcmp(m->key, "comm"))
			t = PL_EV_COMM;
		else if (!strcmp(m->key, "exit"))
			t = PL_EV_EXIT;
		else if (!strcmp(m->key, "reparent"))
			t = PL_EV_REPARENT;
		else if (!strcmp(m->key, "reap"))
			t = PL_EV_REAP;
		else if (!strcmp(m->key, "state"))
			t = PL_EV_STATE;
		else
			continue;
		if (m->type == JV_NUM && !m->neg)
			l->by_type[t] = m->u;
	}
	for (size_t i = 0; kinds && kinds->type == JV_OBJ && i < kinds->n; i++) {
		const struct jv *m = &kinds->items[i];

		/* a full ring is the sum of by_event: no slot of its own */
		for (uint32_t k = 1; k < PL_LOSS_KINDS; k++)
			if (!strcmp(m->key, pl_loss_kind_name(k)) &&
			    m->type == JV_NUM && !m->neg)
				l->by_type[PL_LOST_KIND_BASE + k] = m->u;
	}
	return sizeof(*l);
}

ssize_t replay_record(const struct jv *o, void *buf, size_t size)
{
	const char *ev = jv_str(o, "event", NULL);
	const char *rec = jv_str(o, "record", NULL);

	if (size < 512)
		return -1;
	memset(buf, 0, 512);
	if (rec && !strcmp(rec, "seed")) {
		struct pl_seed *s = buf;

		header(&s->h, o, PL_EV_SEED, sizeof(*s));
		s->task_start_ns = jv_u64(o, "task_start_ns", s->h.start_ns);
		s->flags = (uint32_t)jv_u64(o, "flags", 0);
		s->exit_code = (uint32_t)jv_u64(o, "exit_code", 0);
		where(&s->w, o);
		return sizeof(*s);
	}
	if (rec && !strcmp(rec, "select")) {
		struct pl_select *s = buf;

		header(&s->h, o, PL_EV_SELECT, sizeof(*s));
		s->reason = (uint32_t)jv_u64(o, "reason", 0);
		return sizeof(*s);
	}
	if (rec && !strcmp(rec, "sched")) {
		struct pl_sched_end *s = buf;

		header(&s->h, o, PL_EV_SCHED, sizeof(*s));
		s->task_start_ns = jv_u64(o, "task_start_ns", s->h.start_ns);
		sched(&s->sched, jv_get(o, "sched"));
		return sizeof(*s);
	}
	if (!ev)
		return rec ? 0 : -1;
	if (!strcmp(ev, "fork") || !strcmp(ev, "thread")) {
		struct pl_fork *f = buf;
		const struct jv *raw = jv_get(o, "raw");
		uint32_t kind = index_of(birth_names, sizeof(birth_names) /
					 sizeof(birth_names[0]),
					 jv_str(o, "kind", NULL));

		header(&f->h, o, PL_EV_FORK, sizeof(*f));
		f->kind = (uint32_t)jv_u64(raw, "kind", kind ? kind : PL_BIRTH_FORK);
		f->clone_flags = jv_u64(raw, "clone_flags", 0);
		f->creator_pid = (uint32_t)jv_u64(raw, "creator_pid",
						  jv_u64(o, "created_by_pid", f->h.ppid));
		f->task_start_ns = jv_u64(o, "task_start_ns", f->h.start_ns);
		f->parent_tid = (uint32_t)jv_u64(o, "parent_tid", 0);
		f->exit_signal = (int32_t)jv_i64(o, "exit_signal", 0);
		where(&f->w, o);
		return sizeof(*f);
	}
	if (!strcmp(ev, "cgroup_move")) {
		struct pl_cgroup_move *m = buf;

		header(&m->h, o, PL_EV_CGROUP_MOVE, sizeof(*m));
		where(&m->w, o);
		return sizeof(*m);
	}
	if (!strcmp(ev, "exec"))
		return exec_record(o, buf, size);
	if (!strcmp(ev, "comm")) {
		struct pl_comm *c = buf;
		size_t len = 0;
		const char *old = jv_str(o, "old_comm", &len);

		header(&c->h, o, PL_EV_COMM, sizeof(*c));
		copy_comm(c->old_comm, old, len);
		return sizeof(*c);
	}
	if (!strcmp(ev, "exit"))
		return exit_record(o, buf);
	if (!strcmp(ev, "reparent")) {
		struct pl_reparent *r = buf;
		const char *why = jv_str(o, "reason", NULL);

		header(&r->h, o, PL_EV_REPARENT, sizeof(*r));
		r->old_ppid = (uint32_t)jv_u64(o, "old_ppid", 0);
		r->reason = why && !strcmp(why, "subreaper") ?
			    PL_REPARENT_SUBREAPER : PL_REPARENT_INIT;
		return sizeof(*r);
	}
	if (!strcmp(ev, "reap"))
		return reap_record(o, buf);
	if (!strcmp(ev, "lost"))
		return lost_record(o, buf);
	if (!strcmp(ev, "state")) {
		struct pl_state *s = buf;

		header(&s->h, o, PL_EV_STATE, sizeof(*s));
		s->state = index_of(state_names, sizeof(state_names) /
				    sizeof(state_names[0]),
				    jv_str(o, "state", NULL));
		s->cpu = (int32_t)jv_i64(o, "cpu", -1);
		return sizeof(*s);
	}
	return -1;
}
