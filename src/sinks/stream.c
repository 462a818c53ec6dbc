// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "util/json_fields.h"
#include "sinks/where.h"
#include "model/container.h"
#include "util/names.h"
#include "sinks/record.h"
#include "sinks/sink.h"
#include "sinks/stream.h"
#include "util/text.h"
#include "util/timefmt.h"
#include "model/timeline.h"

/* Where a process was last seen (pidhash entry). */
struct stream_where {
	struct stream_where *next;
	uint32_t pid;
	uint64_t start_ns;
	struct pl_where w;
};

int stream_init(struct stream *s, struct outbuf *ob, bool json, bool threads,
		int64_t boot_offset_ns)
{
	memset(s, 0, sizeof(*s));
	if (pidhash_init(&s->where, offsetof(struct stream_where, pid),
			 offsetof(struct stream_where, next)))
		return -ENOMEM;
	s->where_ok = true;
	s->ob = ob;
	json_init(&s->j, ob);
	s->json = json;
	s->threads = threads;
	s->boot_offset_ns = boot_offset_ns;
	stream_view_default(&s->view);
	return 0;
}

void stream_set_view(struct stream *s, const struct stream_view *v)
{
	s->view = *v;
}

void stream_free(struct stream *s)
{
	if (s->where_ok) {
		for (size_t i = 0; i < (1UL << s->where.bits); i++) {
			struct stream_where *w = s->where.slots[i], *wn;

			for (; w; w = wn) {
				wn = w->next;
				free(w);
			}
		}
		pidhash_free(&s->where);
		s->where_ok = false;
	}
}

void stream_set_cgroups(struct stream *s, const struct cgroups *cg,
			bool container_column)
{
	s->cgroups = cg;
	s->container_column = container_column;
}

/* ---- where each process lives ------------------------------------------ */

static void note_where(struct stream *s, const struct pl_header *h,
		       const struct pl_where *w)
{
	struct stream_where *e;

	if (!s->where_ok || !s->cgroups)
		return;
	e = pidhash_find(&s->where, h->pid);
	if (!e) {
		e = calloc(1, sizeof(*e));
		if (!e)
			return;		/* the line just shows no container */
		e->pid = h->pid;
		pidhash_insert(&s->where, e);
	}
	e->start_ns = h->start_ns;
	e->w = *w;
}

static const struct pl_where *known_where(struct stream *s,
					  const struct pl_header *h)
{
	struct stream_where *e;

	if (!s->where_ok)
		return NULL;
	e = pidhash_find(&s->where, h->pid);
	return e && e->start_ns == h->start_ns ? &e->w : NULL;
}

static void forget_where(struct stream *s, const struct pl_header *h)
{
	struct stream_where *e;

	if (!s->where_ok)
		return;
	e = pidhash_find(&s->where, h->pid);
	if (e && e->start_ns == h->start_ns) {
		pidhash_remove(&s->where, e);
		free(e);
	}
}

void stream_seed(struct stream *s, const struct pl_event *ev)
{
	if (ev->where && !(ev->seed->flags & PL_SEED_THREAD))
		note_where(s, ev->h, ev->where);
}

/* Thread-level events are shown with -T only. */
static bool is_thread_event(const struct pl_event *ev)
{
	switch (ev->type) {
	case PL_EV_FORK:
		return ev->fork->kind == PL_BIRTH_THREAD;
	case PL_EV_EXIT:
		return !(ev->exit->flags & PL_EXIT_GROUP_DEAD);
	case PL_EV_COMM:
	case PL_EV_STATE:
		return ev->h->tid != ev->h->pid;
	default:
		return false;
	}
}

/* ---- text ------------------------------------------------------------- */

static void text_argv(struct outbuf *ob, const struct pl_event *ev)
{
	size_t pos = 0, len;
	const char *arg;

	while (pl_argv_next(ev->argv, ev->argv_len, &pos, &arg, &len)) {
		outbuf_putc(ob, ' ');
		text_shell_arg(ob, arg, len);
	}
	if (ev->exec_flags & PL_EXEC_ARGV_TRUNC)
		outbuf_puts(ob, " [argv truncated]");
}

static size_t comm_len(const char *comm)
{
	const char *nul = memchr(comm, '\0', PL_COMM_LEN);

	return nul ? (size_t)(nul - comm) : PL_COMM_LEN;
}

static void text_comm(struct outbuf *ob, const char *comm)
{
	text_escaped(ob, comm, comm_len(comm));
}

/* Columns the comm takes once escaped as text_escaped() writes it: a
 * doubled backslash, \xNN for a control byte, one per UTF-8 character. */
static size_t comm_cols(const char *comm)
{
	size_t n = comm_len(comm), cols = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = comm[i];

		if (c == '\\')
			cols += 2;
		else if (c < 0x20 || c == 0x7f)
			cols += 4;
		else
			cols += (c & 0xc0) != 0x80;
	}
	return cols;
}

static void text_status(struct outbuf *ob, uint32_t status)
{
	char buf[48];

	outbuf_put(ob, buf, pl_status_str(buf, sizeof(buf), status, true));
}

static void text_details(struct stream *s, const struct pl_event *ev)
{
	struct outbuf *ob = s->ob;
	char buf[32];

	switch (ev->type) {
	case PL_EV_FORK:
		outbuf_puts(ob, pl_birth_name(ev->fork->kind));
		if (ev->fork->kind == PL_BIRTH_THREAD) {
			outbuf_puts(ob, " tid ");
			outbuf_u64(ob, ev->h->tid);
		} else if (ev->fork->kind == PL_BIRTH_CLONE) {
			const char *sep = " ";

			for (size_t i = 0; i < pl_clone_flag_count; i++) {
				if (!(ev->fork->clone_flags & pl_clone_flag_names[i].flag))
					continue;
				outbuf_puts(ob, sep);
				outbuf_puts(ob, pl_clone_flag_names[i].name);
				sep = "|";
			}
		}
		break;
	case PL_EV_EXEC:
	case PL_EV_EXEC_FAIL:
		if (ev->type == PL_EV_EXEC_FAIL) {
			const char *name = pl_errno_name(-ev->exec_fail->ret);

			outbuf_puts(ob, "FAILED ");
			if (name)
				outbuf_puts(ob, name);
			else
				outbuf_i64(ob, ev->exec_fail->ret);
			outbuf_putc(ob, ' ');
		}
		text_escaped(ob, ev->filename, ev->filename_len);
		if (ev->exec_flags & PL_EXEC_FILENAME_TRUNC)
			outbuf_puts(ob, "[...]");
		text_argv(ob, ev);
		break;
	case PL_EV_COMM:
		outbuf_puts(ob, "renamed from ");
		text_comm(ob, ev->comm->old_comm);
		break;
	case PL_EV_EXIT: {
		const struct pl_rusage *ru = (ev->exit->flags & PL_EXIT_GROUP_DEAD) ?
					     &ev->exit->proc : &ev->exit->task;

		const struct pl_sched *sc = (ev->exit->flags & PL_EXIT_GROUP_DEAD) ?
					    &ev->exit->proc_sched : &ev->exit->sched;

		text_status(ob, ev->exit->exit_code);
		/* switch-exact when accounted; the kernel's sum_exec_runtime
		 * misses a short task's last slice */
		outbuf_puts(ob, "  cpu ");
		text_duration(ob, sc->flags & PL_SCHED_MISSING ? ru->cpu_ns :
			      sc->run_ns, PL_DUR_SHORT);
		if (!(sc->flags & PL_SCHED_MISSING)) {
			outbuf_puts(ob, "  runq ");
			text_duration(ob, sc->wait_ns, PL_DUR_SHORT);
			if (sc->block_ns) {
				outbuf_puts(ob, "  D ");
				text_duration(ob, sc->block_ns, PL_DUR_SHORT);
			}
		}
		if (ru->maxrss_kb) {
			outbuf_puts(ob, "  maxrss ");
			outbuf_put(ob, buf, pl_fmt_kib(buf, sizeof(buf), ru->maxrss_kb));
		}
		if (!(ev->exit->flags & PL_EXIT_GROUP_DEAD))
			outbuf_puts(ob, "  (thread)");
		if (ev->exit->flags & PL_EXIT_NS_TEARDOWN)
			outbuf_puts(ob, "  (pid namespace ended)");
		break;
	}
	case PL_EV_CGROUP_MOVE: {
		const struct cg_entry *e = cgroups_where(s->cgroups, ev->where);

		outbuf_puts(ob, "moved to ");
		if (e)
			text_escaped(ob, e->path, strlen(e->path));
		else
			outbuf_u64(ob, ev->where->cgroup_id);
		if (ev->h->tid != ev->h->pid) {
			outbuf_puts(ob, " tid ");
			outbuf_u64(ob, ev->h->tid);
		}
		break;
	}
	case PL_EV_REPARENT:
		outbuf_puts(ob, "from ");
		outbuf_u64(ob, ev->reparent->old_ppid);
		outbuf_puts(ob, ev->reparent->reason == PL_REPARENT_SUBREAPER ?
			    " to subreaper " : " to init ");
		outbuf_u64(ob, ev->h->ppid);
		break;
	case PL_EV_LOST:
		outbuf_u64(ob, ev->lost->count);
		outbuf_puts(ob, " events lost");
		for (uint32_t k = 0, n = 0; k < PL_LOSS_KINDS; k++) {
			if (!pl_lost_kind(ev->lost, k))
				continue;
			outbuf_puts(ob, n++ ? ", " : " (");
			outbuf_puts(ob, pl_loss_kind_name(k));
			outbuf_putc(ob, ' ');
			outbuf_u64(ob, pl_lost_kind(ev->lost, k));
		}
		if (ev->lost->count)
			outbuf_putc(ob, ')');
		break;
	case PL_EV_STATE:
		outbuf_puts(ob, tl_state_name(ev->state->state));
		outbuf_puts(ob, " tid ");
		outbuf_u64(ob, ev->h->tid);
		outbuf_puts(ob, " cpu ");
		outbuf_i64(ob, ev->state->cpu);
		break;
	}
}

/* --show-user: the name, or the uid when it has none; "-" for a loss. */
static void text_user(struct outbuf *ob, const struct pl_event *ev)
{
	const char *name = NULL;
	char num[16];

	if (ev->type == PL_EV_LOST) {
		name = "-";
	} else {
		name = stream_view_user(ev->h->uid);
		if (!name) {
			snprintf(num, sizeof(num), "%u", ev->h->uid);
			name = num;
		}
	}
	outbuf_str_pad(ob, name, 8);
	outbuf_putc(ob, ' ');
}

static void text_line(struct stream *s, const struct pl_event *ev,
		      const char *name)
{
	struct outbuf *ob = s->ob;
	char buf[32];
	size_t n;

	n = stream_view_time(&s->view, buf, sizeof(buf), ev->h->ts_ns,
			     s->boot_offset_ns);
	outbuf_put(ob, buf, n);
	outbuf_putc(ob, ' ');
	outbuf_str_pad(ob, name, 8);
	outbuf_putc(ob, ' ');
	outbuf_u64_pad(ob, ev->h->pid, 7);
	outbuf_putc(ob, ' ');
	outbuf_u64_pad(ob, ev->h->ppid, 7);
	outbuf_putc(ob, ' ');
	if (s->view.show_user)
		text_user(ob, ev);
	n = comm_cols(ev->h->comm);
	text_comm(ob, ev->h->comm);
	for (; n < PL_COMM_LEN; n++)
		outbuf_putc(ob, ' ');
	outbuf_putc(ob, ' ');
	if (s->container_column) {
		const struct pl_where *w = ev->where ? ev->where :
					   known_where(s, ev->h);
		const char *id = cgroups_container_id(s->cgroups, w);
		char short_id[PL_CONTAINER_SHORT_LEN + 1];

		outbuf_str_pad(ob, id ? pl_container_short(id, short_id) : "-",
			       PL_CONTAINER_SHORT_LEN);
		outbuf_putc(ob, ' ');
	}
}

static void text_reap(struct stream *s, const struct pl_event *ev)
{
	const struct pl_reap *r = ev->reap;
	const char *how = pl_reap_how_name(r->how);
	struct outbuf *ob = s->ob;

	text_line(s, ev, "reap");
	outbuf_puts(ob, how ? how : "unknown");
	if (r->reaper_pid) {
		outbuf_puts(ob, " by ");
		outbuf_u64(ob, r->reaper_pid);
		outbuf_putc(ob, ' ');
		text_comm(ob, r->reaper_comm);
	}
	if (r->flags & PL_REAP_STATUS) {
		outbuf_puts(ob, "  ");
		text_status(ob, r->status);
	}
	if (r->flags & PL_REAP_EXIT_KNOWN) {
		outbuf_puts(ob, "  zombie ");
		if (!(r->flags & PL_REAP_EXACT))
			outbuf_puts(ob, "<= ");
		text_duration(ob, pl_reap_zombie_ns(r), PL_DUR_SHORT);
	}
	outbuf_putc(ob, '\n');
}

void stream_header(struct stream *s)
{
	size_t w = stream_view_time_width(&s->view);

	if (s->json)
		return;
	outbuf_str_pad(s->ob, "TIME", w + 1);
	outbuf_puts(s->ob, "EVENT        PID    PPID ");
	if (s->view.show_user)
		outbuf_puts(s->ob, "USER     ");
	outbuf_puts(s->ob, s->container_column ?
		    "COMM             CONTAINER    DETAILS\n" :
		    "COMM             DETAILS\n");
}

/* The first process seen in a container turns the column on: the header
 * is written again with it. */
static void maybe_container_column(struct stream *s, const struct pl_event *ev)
{
	if (s->json || s->container_column || !ev->where ||
	    !cgroups_container_id(s->cgroups, ev->where))
		return;
	s->container_column = true;
	stream_header(s);
}

/* ---- JSON Lines ------------------------------------------------------- */

static void json_common(struct stream *s, const struct pl_event *ev,
			const char *name)
{
	struct json *j = &s->j;
	char buf[48];
	size_t n;

	json_reset(j);
	json_obj_begin(j);
	json_kv_u64(j, "t_ns", ev->h->ts_ns);
	n = pl_time_iso(buf, sizeof(buf), ev->h->ts_ns, s->boot_offset_ns);
	json_kv_strn(j, "time", buf, n);
	json_kv_str(j, "event", name);
	json_kv_u64(j, "pid", ev->h->pid);
	json_kv_u64(j, "tid", ev->h->tid);
	if (ev->type != PL_EV_LOST && ev->type != PL_EV_STATE) {
		json_kv_u64(j, "ppid", ev->h->ppid);
		json_kv_u64(j, "uid", ev->h->uid);
		if (s->view.show_user)
			json_kv_opt_str(j, "user",
					stream_view_user(ev->h->uid));
		json_kv_u64(j, "start_ns", ev->h->start_ns);
	}
	json_kv_strn(j, "comm", ev->h->comm, comm_len(ev->h->comm));
	/* with the table of cgroups the tracer keeps (stream_set_cgroups) */
	if (ev->where && s->cgroups)
		json_where_fields(j, s->cgroups, ev->where);
	/* a record keeps the ids the path is looked up by (report) */
	if (ev->where && s->record)
		json_where_ids(j, ev->where);
}

static void json_details(struct stream *s, const struct pl_event *ev)
{
	struct json *j = &s->j;

	switch (ev->type) {
	case PL_EV_FORK:
		json_kv_str(j, "kind", pl_birth_name(ev->fork->kind));
		json_kv_u64(j, "parent_tid", ev->fork->parent_tid);
		json_kv_u64(j, "task_start_ns", ev->fork->task_start_ns);
		json_key(j, "clone_flags");
		json_arr_begin(j);
		for (size_t i = 0; i < pl_clone_flag_count; i++)
			if (ev->fork->clone_flags & pl_clone_flag_names[i].flag)
				json_str(j, pl_clone_flag_names[i].name);
		json_arr_end(j);
		json_kv_i64(j, "exit_signal", ev->fork->exit_signal);
		/* only when it is not the parent: CLONE_PARENT */
		if (ev->fork->kind != PL_BIRTH_THREAD && ev->fork->creator_pid &&
		    ev->fork->creator_pid != ev->h->ppid)
			json_kv_u64(j, "created_by_pid", ev->fork->creator_pid);
		if (s->record) {
			json_key(j, "raw");
			json_obj_begin(j);
			json_kv_u64(j, "clone_flags", ev->fork->clone_flags);
			json_kv_u64(j, "kind", ev->fork->kind);
			json_kv_u64(j, "creator_pid", ev->fork->creator_pid);
			json_obj_end(j);
		}
		break;
	case PL_EV_EXEC:
	case PL_EV_EXEC_FAIL:
		json_exec_fields(j, &(struct json_exec){
			.filename = ev->filename, .filename_len = ev->filename_len,
			.argv = ev->argv, .argv_len = ev->argv_len,
			.ret = ev->type == PL_EV_EXEC ? 0 : ev->exec_fail->ret,
			.old_tid = ev->type == PL_EV_EXEC &&
				   ev->exec->old_tid != ev->h->tid ?
				   ev->exec->old_tid : 0,
			.argc = ev->argc, .flags = ev->exec_flags,
			.cut_index = ev->cut_index,
			.exe = ev->exe, .exe_len = ev->exe_len,
			.interp = ev->interp, .interp_len = ev->interp_len,
			.argv0 = ev->argv0, .argv0_len = ev->argv0_len,
		});
		if (ev->type == PL_EV_EXEC) {
			char cwd[PL_CWD_PATH_MAX];
			size_t n = pl_cwd_path(ev, cwd, sizeof(cwd));

			if (n)
				json_kv_strn(j, "cwd", cwd, n);
			else
				json_kv_null(j, "cwd");
			if (ev->exec_flags & PL_EXEC_CWD_TRUNC)
				json_kv_bool(j, "cwd_truncated", true);
		}
		if (s->record) {
			/* what the readable fields leave out or reshape */
			json_key(j, "raw");
			json_obj_begin(j);
			json_kv_u64(j, "flags", ev->exec_flags);
			json_kv_u64(j, "argc", ev->argc);
			json_kv_u64(j, "cut_index", ev->cut_index);
			json_kv_strn(j, "exe", ev->exe ? ev->exe : "", ev->exe_len);
			json_kv_strn(j, "interp", ev->interp ? ev->interp : "",
				     ev->interp_len);
			json_kv_strn(j, "argv0", ev->argv0 ? ev->argv0 : "",
				     ev->argv0_len);
			json_obj_end(j);
		}
		break;
	case PL_EV_COMM:
		json_kv_strn(j, "old_comm", ev->comm->old_comm,
			     comm_len(ev->comm->old_comm));
		break;
	case PL_EV_EXIT: {
		bool group_dead = ev->exit->flags & PL_EXIT_GROUP_DEAD;

		json_exit_fields(j, ev->exit->exit_code);
		json_kv_bool(j, "group_dead", group_dead);
		json_kv_u64(j, "task_start_ns", ev->exit->task_start_ns);
		json_rusage(j, group_dead ? &ev->exit->proc : &ev->exit->task);
		json_sched(j, group_dead ? &ev->exit->proc_sched : &ev->exit->sched);
		if (ev->exit->flags & PL_EXIT_NS_TEARDOWN)
			json_kv_bool(j, "ns_teardown", true);
		if (s->record) {
			json_key(j, "raw");
			json_obj_begin(j);
			json_kv_u64(j, "exit_code", ev->exit->exit_code);
			json_kv_u64(j, "flags", ev->exit->flags);
			json_kv_i64(j, "exit_signal", ev->exit->exit_signal);
			json_kv_u64(j, "nr_threads", ev->exit->nr_threads);
			json_rusage(j, &ev->exit->task);
			json_sched(j, &ev->exit->sched);	/* the thread's */
			json_obj_end(j);
		}
		break;
	}
	case PL_EV_REPARENT:
		json_kv_u64(j, "old_ppid", ev->reparent->old_ppid);
		json_kv_str(j, "reason", ev->reparent->reason ==
			    PL_REPARENT_SUBREAPER ? "subreaper" : "init");
		break;
	case PL_EV_STATE:
		json_kv_str(j, "state", tl_state_name(ev->state->state));
		json_kv_i64(j, "cpu", ev->state->cpu);
		if (s->record) {
			json_key(j, "raw");
			json_obj_begin(j);
			json_kv_u64(j, "start_ns", ev->h->start_ns);
			json_obj_end(j);
		}
		break;
	case PL_EV_LOST:
		json_kv_u64(j, "count", ev->lost->count);
		json_key(j, "by_event");
		json_obj_begin(j);
		for (uint32_t t = 1; t < PL_LOST_KIND_BASE; t++) {
			struct pl_event tmp = { .type = t };
			struct pl_fork f = { .kind = PL_BIRTH_FORK };

			if (!ev->lost->by_type[t])
				continue;
			tmp.fork = &f;
			json_kv_u64(j, t == PL_EV_EXEC_FAIL ? "exec_failed" :
				    pl_event_name(&tmp), ev->lost->by_type[t]);
		}
		json_obj_end(j);
		json_key(j, "by_kind");
		json_obj_begin(j);
		for (uint32_t k = 0; k < PL_LOSS_KINDS; k++)
			if (pl_lost_kind(ev->lost, k))
				json_kv_u64(j, pl_loss_kind_name(k),
					    pl_lost_kind(ev->lost, k));
		json_obj_end(j);
		break;
	}
}

static void json_reap(struct stream *s, const struct pl_event *ev)
{
	const struct pl_reap *r = ev->reap;
	const char *how = pl_reap_how_name(r->how);
	struct json *j = &s->j;

	json_common(s, ev, "reap");
	if (how)
		json_kv_str(j, "how", how);
	else
		json_kv_null(j, "how");
	json_key(j, "reaper");
	if (r->reaper_pid) {
		json_obj_begin(j);
		json_kv_u64(j, "pid", r->reaper_pid);
		if (r->reaper_tid)
			json_kv_u64(j, "tid", r->reaper_tid);
		else
			json_kv_null(j, "tid");
		json_kv_strn(j, "comm", r->reaper_comm, comm_len(r->reaper_comm));
		json_obj_end(j);
	} else {
		json_null(j);
	}
	json_kv_bool(j, "exact", r->flags & PL_REAP_EXACT);
	if (r->flags & PL_REAP_STATUS) {
		json_exit_fields(j, r->status);
	} else {
		json_kv_null(j, "code");
		json_kv_null(j, "signal");
		json_kv_null(j, "core_dumped");
	}
	if (r->flags & PL_REAP_EXIT_KNOWN) {
		json_kv_u64(j, "exit_ns", r->exit_ns);
		/* one clamp for both forms: a bad exit time must not wrap */
		json_kv_u64(j, "zombie_ns", pl_reap_zombie_ns(r));
	} else {
		json_kv_null(j, "exit_ns");
		json_kv_null(j, "zombie_ns");
	}
	if (s->record) {
		json_key(j, "raw");
		json_obj_begin(j);
		json_kv_u64(j, "how", r->how);
		json_kv_u64(j, "status", r->status);
		json_kv_u64(j, "flags", r->flags);
		json_kv_u64(j, "exit_ns", r->exit_ns);
		json_obj_end(j);
	}
	json_obj_end(j);
	outbuf_putc(s->ob, '\n');
}

/* ---- dispatch --------------------------------------------------------- */

void stream_event(struct stream *s, const struct pl_event *ev)
{
	const char *name = pl_event_name(ev);

	/* a late selection only tells the model nothing was lost */
	if (ev->type == PL_EV_SEED || ev->type == PL_EV_SCHED ||
	    ev->type == PL_EV_SELECT || ev->type == PL_EV_CGROUP)
		return;
	if (ev->type == PL_EV_CGROUP_MOVE && ev->h->tid == ev->h->pid) {
		const struct pl_where *known = known_where(s, ev->h);
		struct pl_where was = known ? *known : (struct pl_where){ 0 };

		note_where(s, ev->h, ev->where);
		/* the same place, seen in a second hierarchy: said once; a
		 * record keeps both, the model takes its cgroup id from the
		 * second (the v2 one) */
		if (known && !s->record &&
		    where_same_path(s->cgroups, &was, ev->where))
			return;
	}
	if (ev->where && (ev->type != PL_EV_FORK ||
			  ev->fork->kind != PL_BIRTH_THREAD))
		note_where(s, ev->h, ev->where);
	maybe_container_column(s, ev);
	if (ev->type == PL_EV_REAP) {
		if (stream_view_shows(&s->view, ev)) {
			if (s->json)
				json_reap(s, ev);
			else
				text_reap(s, ev);
			s->lines++;
		}
		forget_where(s, ev->h);
		return;
	}
	if (is_thread_event(ev) && !s->threads)
		return;
	if (!stream_view_shows(&s->view, ev))
		return;

	if (s->json) {
		json_common(s, ev, name);
		json_details(s, ev);
		json_obj_end(&s->j);
		outbuf_putc(s->ob, '\n');
	} else {
		text_line(s, ev, ev->type == PL_EV_EXEC_FAIL ? "exec!" :
			  ev->type == PL_EV_CGROUP_MOVE ? "cgroup" : name);
		text_details(s, ev);
		outbuf_putc(s->ob, '\n');
	}
	s->lines++;
}

/* ---- the sinks: text and jsonl ----------------------------------------- */

/*
 * Text: the stream as it shows (-e, --failed, --show-user, --time, -T).
 * JSON Lines: every event; to a -o it is a record (sinks/record.h): a
 * header line first, the tasks running at the start and those alive at the
 * end, and an end line, with "raw" fields for what the readable ones lose.
 */
static int stream_sink_open(struct pl_sink *s, bool json)
{
	struct stream *st = malloc(sizeof(*st));

	if (!st)
		return -ENOMEM;
	if (stream_init(st, &s->ob, json, s->threads, s->boot_offset_ns)) {
		free(st);
		return -ENOMEM;
	}
	st->record = json && s->record;
	if (s->view)
		stream_set_view(st, s->view);
	stream_set_cgroups(st, s->cgroups, s->container_column);
	s->priv = st;
	/* a record's header needs the trace's start: begin() writes it */
	if (!st->record)
		stream_header(st);
	return 0;
}

static int text_open(struct pl_sink *s)
{
	return stream_sink_open(s, false);
}

static int jsonl_open(struct pl_sink *s)
{
	return stream_sink_open(s, true);
}

/* --time rel counts from the trace's start (a replay learns its clock
 * here too); a record's header line. */
static int stream_sink_begin(struct pl_sink *s, const struct pl_trace_info *info)
{
	struct stream *st = s->priv;

	st->view.start_ns = info->start_ns;
	st->boot_offset_ns = info->boot_offset_ns;
	if (st->record) {
		/* nothing written before it: the buffer is the header line,
		 * kept to begin each later piece of a rotated record */
		size_t from = s->ob.len;

		record_header(st, info, info->pruned, info->ancestors_pruned);
		free(st->header);
		st->header_len = s->ob.len - from;
		st->header = malloc(st->header_len);
		if (!st->header)
			return -ENOMEM;
		memcpy(st->header, s->ob.buf + from, st->header_len);
	}
	return 0;
}

/* Each piece of a rotated live file reads as a file on its own. */
static int stream_sink_piece(struct pl_sink *s)
{
	struct stream *st = s->priv;

	if (!st->record)
		stream_header(st);
	else if (st->header)
		outbuf_put(&s->ob, st->header, st->header_len);
	return 0;
}

/* Write errors surface at the flush after the batch. */
static int stream_sink_event(struct pl_sink *s, const struct pl_event *ev)
{
	struct stream *st = s->priv;

	if (ev->type == PL_EV_SEED) {
		if (st->record)
			record_seed(st, ev);
	} else if (ev->type == PL_EV_SCHED) {
		if (st->record)
			record_sched(st, ev);
	} else if (ev->type == PL_EV_SELECT) {
		if (st->record)
			record_select(st, ev);
	} else {
		stream_event(st, ev);
	}
	return 0;
}

/* A record's last line: end, counts, the selected processes. */
static int stream_sink_finish(struct pl_sink *s, const struct timeline *tl,
			      const struct pl_trace_info *info)
{
	struct stream *st = s->priv;

	(void)tl;
	if (st->record)
		record_end(st, info, info->selected, info->n_selected);
	return 0;
}

static int stream_sink_seed(struct pl_sink *s, const struct pl_event *ev)
{
	stream_seed(s->priv, ev);
	return 0;
}

static void stream_sink_close(struct pl_sink *s)
{
	struct stream *st = s->priv;

	if (!st)
		return;
	stream_free(st);
	free(st->header);
	free(st);
	s->priv = NULL;
}

const struct pl_sink_ops pl_sink_text = {
	.name = "text",
	.open = text_open,
	.begin = stream_sink_begin,
	.piece = stream_sink_piece,
	.event = stream_sink_event,
	.seed = stream_sink_seed,
	.close = stream_sink_close,
};

const struct pl_sink_ops pl_sink_jsonl = {
	.name = "jsonl",
	.open = jsonl_open,
	.begin = stream_sink_begin,
	.piece = stream_sink_piece,
	.event = stream_sink_event,
	.seed = stream_sink_seed,
	.finish = stream_sink_finish,
	.close = stream_sink_close,
};
