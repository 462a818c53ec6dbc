// SPDX-License-Identifier: GPL-2.0
/* Writes the timeline document; every field name here is in the schema. */
#include <stdio.h>
#include <string.h>

#include "util/json.h"
#include "util/names.h"
#include "util/json_fields.h"
#include "sinks/sink.h"
#include "sinks/document.h"
#include "sinks/where.h"
#include "util/timefmt.h"

static void kv_time(struct json *j, const char *key, uint64_t ns,
		    int64_t boot_offset_ns)
{
	char buf[64];

	pl_time_iso(buf, sizeof(buf), ns, boot_offset_ns);
	json_kv_str(j, key, buf);
}

/* A u64 that may be unknown. */
static void kv_opt_u64(struct json *j, const char *key, bool known, uint64_t v)
{
	if (known)
		json_kv_u64(j, key, v);
	else
		json_kv_null(j, key);
}

static void kv_id(struct json *j, const char *key, const struct tl_process *p)
{
	char id[TL_ID_LEN];

	if (!p) {
		json_kv_null(j, key);
		return;
	}
	tl_proc_id(id, sizeof(id), p);
	json_kv_str(j, key, id);
}

static void kv_sched(struct json *j, const struct tl_sched *sched)
{
	if (sched)
		json_sched(j, &sched->v);
	else
		json_kv_null(j, "sched");
}

static void write_host(struct json *j, const struct pl_trace_info *info)
{
	json_key(j, "host");
	json_obj_begin(j);
	json_kv_opt_str(j, "hostname", info->hostname);
	json_kv_opt_str(j, "kernel", info->kernel);
	kv_time(j, "boot_time", 0, info->boot_offset_ns);
	json_kv_str(j, "clock", "CLOCK_BOOTTIME");
	json_obj_end(j);
}

static void write_filters(struct json *j, const struct pl_trace_filters *f)
{
	json_key(j, "filters");
	json_obj_begin(j);
	json_key(j, "pids");
	if (f->pids) {
		json_arr_begin(j);
		for (size_t i = 0; i < f->n_pids; i++)
			json_u64(j, f->pids[i]);
		json_arr_end(j);
	} else {
		json_null(j);
	}
	json_key(j, "comm");
	if (f->n_comms) {
		json_arr_begin(j);
		for (size_t i = 0; i < f->n_comms; i++)
			json_strn(j, f->comms[i], strnlen(f->comms[i], PL_COMM_LEN));
		json_arr_end(j);
	} else {
		json_null(j);
	}
	json_key(j, "uid");
	if (f->n_uids) {
		json_arr_begin(j);
		for (size_t i = 0; i < f->n_uids; i++)
			json_u64(j, f->uids[i]);
		json_arr_end(j);
	} else {
		json_null(j);
	}
	json_kv_opt_str(j, "cgroup", f->cgroup);
	json_kv_opt_str(j, "container", f->container);
	if (f->pidns >= 0)
		json_kv_i64(j, "pidns", f->pidns);
	else
		json_kv_null(j, "pidns");
	json_kv_bool(j, "threads", f->threads);
	json_kv_bool(j, "kthreads", f->kthreads);
	json_obj_end(j);
}

static void write_trace(struct json *j, const struct pl_trace_info *info)
{
	json_key(j, "trace");
	json_obj_begin(j);
	json_kv_u64(j, "start_ns", info->start_ns);
	json_kv_u64(j, "end_ns", info->end_ns);
	kv_time(j, "start_time", info->start_ns, info->boot_offset_ns);
	kv_time(j, "end_time", info->end_ns, info->boot_offset_ns);
	json_strv(j, "command", info->command);
	write_filters(j, &info->filters);
	json_key(j, "losses");
	json_obj_begin(j);
	for (uint32_t k = 0; k < PL_LOSS_KINDS; k++)
		json_kv_u64(j, pl_loss_kind_name(k), info->losses[k]);
	json_obj_end(j);
	json_kv_u64(j, "events", info->events);
	json_kv_u64(j, "lost_events", info->lost);
	json_obj_end(j);
}

static void write_clone_flags(struct json *j, const struct tl_process *p)
{
	uint64_t rest = p->clone_flags;
	char hex[24];

	json_key(j, "clone_flags");
	if (!p->created_by) {
		json_null(j);
		return;
	}
	json_arr_begin(j);
	for (size_t i = 0; i < pl_clone_flag_count; i++) {
		if (p->clone_flags & pl_clone_flag_names[i].flag) {
			json_str(j, pl_clone_flag_names[i].name);
			rest &= ~pl_clone_flag_names[i].flag;
		}
	}
	/* Bits newer than this table: still shown, never dropped. */
	if (rest) {
		snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long)rest);
		json_str(j, hex);
	}
	json_arr_end(j);
}

static void write_execs(struct json *j, const struct tl_process *p)
{
	const struct tl_exec *e;

	json_key(j, "execs");
	json_arr_begin(j);
	tl_for_each_exec(e, p) {
		json_obj_begin(j);
		json_kv_u64(j, "t_ns", e->t_ns);
		json_exec_fields(j, &(struct json_exec){
			.filename = tl_exec_filename(e),
			.filename_len = e->filename_len,
			.argv = tl_exec_argv(e), .argv_len = e->argv_len,
			.ret = e->ret,
			.old_tid = e->old_tid != p->pid ? e->old_tid : 0,
			.argc = e->argc, .flags = e->flags,
			.cut_index = e->cut_index,
			.exe = tl_exec_exe(e), .exe_len = e->exe_len,
			.interp = tl_exec_interp(e), .interp_len = e->interp_len,
			.argv0 = tl_exec_argv0(e), .argv0_len = e->argv0_len,
		});
		if (tl_exec_cwd(e))
			json_kv_strn(j, "cwd", tl_exec_cwd(e), e->cwd_len);
		if (e->flags & PL_EXEC_CWD_TRUNC)
			json_kv_bool(j, "cwd_truncated", true);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void write_renames(struct json *j, const struct tl_process *p)
{
	const struct tl_rename *r;

	json_key(j, "renames");
	json_arr_begin(j);
	tl_for_each_rename(r, p) {
		json_obj_begin(j);
		json_kv_u64(j, "t_ns", r->t_ns);
		json_kv_str(j, "comm", r->comm);
		if (r->tid != p->pid)
			json_kv_u64(j, "tid", r->tid);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void write_exit(struct json *j, const struct tl_process *p)
{
	uint32_t st = p->exit_status;

	json_key(j, "exit");
	if (!(p->flags & TL_PROC_STATUS)) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	json_exit_fields(j, st);
	json_obj_end(j);
}

static void write_reaper(struct json *j, const struct tl_process *p)
{
	json_key(j, "reaper");
	if (!(p->flags & TL_PROC_REAPED)) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	kv_opt_u64(j, "pid", p->reaper_pid != 0, p->reaper_pid);
	json_kv_opt_str(j, "how", tl_reap_how_name(p));
	json_obj_end(j);
}

static void write_reparents(struct json *j, const struct tl_process *p)
{
	const struct tl_reparent *r;

	json_key(j, "reparents");
	json_arr_begin(j);
	tl_for_each_reparent(r, p) {
		json_obj_begin(j);
		json_kv_u64(j, "t_ns", r->t_ns);
		json_kv_u64(j, "ppid", r->ppid);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void write_rusage(struct json *j, const struct tl_process *p)
{
	const struct pl_rusage *ru = &p->rusage;

	if (!(p->flags & TL_PROC_EXITED)) {
		json_kv_null(j, "rusage");
		return;
	}
	json_rusage(j, ru);
}

/* --states: [[t_ns, "state", cpu], ...], compact: there can be many. */
static void write_states(struct json *j, const struct tl_thread *t)
{
	json_key(j, "states");
	json_arr_begin(j);
	for (uint32_t i = 0; i < t->nr_states; i++) {
		json_arr_begin(j);
		json_u64(j, t->states[i].t_ns);
		json_str(j, tl_state_name(t->states[i].state));
		json_i64(j, t->states[i].cpu);
		json_arr_end(j);
	}
	json_arr_end(j);
}

static void write_threads(struct json *j, const struct tl_process *p)
{
	const struct tl_thread *t;

	json_key(j, "threads");
	json_arr_begin(j);
	tl_for_each_thread(t, p) {
		json_obj_begin(j);
		json_kv_u64(j, "tid", t->tid);
		json_kv_u64(j, "start_ns", t->start_ns);
		kv_opt_u64(j, "exit_ns", t->flags & TL_THREAD_EXITED, t->exit_ns);
		json_kv_str(j, "comm", t->comm);
		kv_sched(j, t->sched);
		if (t->old_tid)
			json_kv_u64(j, "old_tid", t->old_tid);
		if (t->flags & TL_THREAD_END_INFERRED)
			json_kv_bool(j, "exit_inferred", true);
		if (t->nr_states)
			write_states(j, t);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void write_children(struct json *j, const struct tl_process *p)
{
	const struct tl_process *c;
	char id[TL_ID_LEN];

	json_key(j, "children");
	json_arr_begin(j);
	tl_for_each_child(c, p) {
		tl_proc_id(id, sizeof(id), c);
		json_str(j, id);
	}
	json_arr_end(j);
}

static void write_gaps(struct json *j, const struct tl_process *p)
{
	json_key(j, "gaps");
	json_arr_begin(j);
	for (unsigned int i = 0; i < TL_GAP_COUNT; i++)
		if (p->gaps & (1U << i))
			json_str(j, tl_gap_name(1U << i));
	json_arr_end(j);
}

/* Where it lives (as last seen) and its moves; null when never read. */
static void write_where(struct json *j, const struct tl_process *p,
			const struct cgroups *cg)
{
	const struct tl_move *m;
	const struct pl_where *last = NULL;

	if (p->flags & TL_PROC_WHERE) {
		json_where_fields(j, cg, &p->where);
	} else {
		static const char *const keys[] = {
			"cgroup_id", "cgroup", "container_id", "unit", "pidns",
			"ns_pid", "ns_ppid",
		};

		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			json_kv_null(j, keys[i]);
	}
	json_key(j, "cgroup_moves");
	json_arr_begin(j);
	tl_for_each_move(m, p) {
		const struct pl_where *from = m->from.cgroup_id ? &m->from : last;
		const struct cg_entry *e = from ? cgroups_where(cg, from) : NULL;
		const struct tl_move *to = m;

		last = &m->to;
		/* the same place, seen in a second hierarchy: said once, at
		 * its first time, with where it ended up */
		if (from && where_same_path(cg, from, &m->to))
			continue;
		while (to->next && where_same_path(cg, &to->to, &to->next->to))
			to = to->next;
		json_obj_begin(j);
		json_kv_u64(j, "t_ns", m->t_ns);
		json_cgroup_fields(j, cg, &to->to);
		json_kv_opt_str(j, "from_cgroup", e ? e->path : NULL);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void write_process(struct json *j, const struct tl_process *p,
			  const struct cgroups *cg)
{
	bool exited = p->flags & TL_PROC_EXIT_NS;
	bool reaped = p->flags & TL_PROC_REAPED;

	json_obj_begin(j);
	kv_id(j, "id", p);
	json_kv_u64(j, "pid", p->pid);
	json_kv_u64(j, "ppid", p->ppid);
	kv_id(j, "parent", p->parent);
	json_kv_str(j, "kind", p->kind == TL_KIND_KTHREAD ? "kthread" : "process");
	json_kv_opt_str(j, "created_by", tl_created_by_name(p));
	write_clone_flags(j, p);
	json_kv_u64(j, "start_ns", p->start_ns);
	kv_opt_u64(j, "exit_ns", exited, p->exit_ns);
	kv_opt_u64(j, "reap_ns", reaped, p->reap_ns);
	json_kv_str(j, "comm", p->comm);
	json_kv_u64(j, "uid", p->uid);
	/* the process that called clone(): the parent unless CLONE_PARENT */
	kv_opt_u64(j, "created_by_pid", p->created_by_pid != 0, p->created_by_pid);
	if (reaped)
		json_kv_bool(j, "reap_exact", p->flags & TL_PROC_REAP_EXACT);
	else
		json_kv_null(j, "reap_exact");
	json_kv_bool(j, "selected_late", p->flags & TL_PROC_SELECTED_LATE);
	write_where(j, p, cg);
	write_execs(j, p);
	write_renames(j, p);
	write_exit(j, p);
	write_reaper(j, p);
	kv_opt_u64(j, "zombie_ns", exited && reaped && p->reap_ns >= p->exit_ns,
		   p->reap_ns - p->exit_ns);
	write_reparents(j, p);
	write_rusage(j, p);
	kv_sched(j, p->sched);
	write_threads(j, p);
	write_children(j, p);
	json_kv_bool(j, "pre_existing", p->flags & TL_PROC_PRE_EXISTING);
	if (p->flags & TL_PROC_ZOMBIE_AT_START)
		json_kv_bool(j, "zombie_at_start", true);
	if (p->flags & TL_PROC_NS_TEARDOWN)
		json_kv_bool(j, "ns_teardown", true);
	write_gaps(j, p);
	json_obj_end(j);
}

int timeline_json_write(const struct timeline *tl,
			const struct pl_trace_info *info, struct outbuf *ob)
{
	struct json j;
	size_t n = timeline_count(tl);

	json_init(&j, ob);
	json_obj_begin(&j);
	json_kv_str(&j, "schema", PL_TIMELINE_SCHEMA);
	json_key(&j, "tool");
	json_obj_begin(&j);
	json_kv_str(&j, "name", "proclife");
	json_kv_str(&j, "version", info->version ? info->version : "unknown");
	json_obj_end(&j);
	write_host(&j, info);
	write_trace(&j, info);
	json_key(&j, "processes");
	json_arr_begin(&j);
	for (size_t i = 0; i < n && !ob->err; i++) {
		/* One line per process: diffable, and greppable by id. */
		outbuf_putc(ob, '\n');
		write_process(&j, timeline_proc(tl, i), info->cgroups);
	}
	if (n)
		outbuf_putc(ob, '\n');
	json_arr_end(&j);
	json_obj_end(&j);
	outbuf_putc(ob, '\n');
	return outbuf_flush(ob);
}

static int json_finish(struct pl_sink *s, const struct timeline *tl,
		       const struct pl_trace_info *info)
{
	return timeline_json_write(tl, info, &s->ob);
}

const struct pl_sink_ops pl_sink_json = {
	.name = "json",
	.timeline = true,
	.buf_size = 1 << 20,
	.finish = json_finish,
};
