// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "sinks/record.h"
#include "sinks/where.h"
#include "util/json_fields.h"
#include "util/names.h"

static size_t comm_len(const char *comm)
{
	return strnlen(comm, PL_COMM_LEN);
}

static void begin(struct stream *s, const char *what)
{
	json_reset(&s->j);
	json_obj_begin(&s->j);
	json_kv_str(&s->j, "record", what);
}

static void end(struct stream *s)
{
	json_obj_end(&s->j);
	outbuf_putc(s->ob, '\n');
}

static void task(struct json *j, const struct pl_header *h)
{
	json_kv_u64(j, "t_ns", h->ts_ns);
	json_kv_u64(j, "pid", h->pid);
	json_kv_u64(j, "tid", h->tid);
	json_kv_u64(j, "ppid", h->ppid);
	json_kv_u64(j, "uid", h->uid);
	json_kv_u64(j, "start_ns", h->start_ns);
	json_kv_strn(j, "comm", h->comm, comm_len(h->comm));
}

void record_header(struct stream *s, const struct pl_trace_info *info,
		   bool prune, bool prune_ancestors)
{
	struct json *j = &s->j;
	const struct pl_trace_filters *f = &info->filters;

	begin(s, "header");
	json_kv_str(j, "schema", RECORD_SCHEMA);
	json_kv_str(j, "version", info->version ? info->version : "");
	json_kv_str(j, "hostname", info->hostname ? info->hostname : "");
	json_kv_str(j, "kernel", info->kernel ? info->kernel : "");
	json_kv_i64(j, "boot_offset_ns", info->boot_offset_ns);
	json_kv_u64(j, "start_ns", info->start_ns);
	json_strv(j, "command", info->command);
	json_u32s(j, "pids", f->pids, f->n_pids);
	json_key(j, "comms");
	json_arr_begin(j);
	for (size_t i = 0; i < f->n_comms; i++)
		json_strn(j, f->comms[i], comm_len(f->comms[i]));
	json_arr_end(j);
	json_u32s(j, "uids", f->uids, f->n_uids);
	json_kv_bool(j, "threads", f->threads);
	json_kv_bool(j, "kthreads", f->kthreads);
	json_kv_bool(j, "prune", prune);
	json_kv_bool(j, "prune_ancestors", prune_ancestors);
	json_kv_opt_str(j, "cgroup", f->cgroup);
	json_kv_opt_str(j, "container", f->container);
	json_kv_i64(j, "pidns", f->pidns);
	end(s);
}

void record_seed(struct stream *s, const struct pl_event *ev)
{
	begin(s, "seed");
	task(&s->j, ev->h);
	json_kv_u64(&s->j, "task_start_ns", ev->seed->task_start_ns);
	json_kv_u64(&s->j, "flags", ev->seed->flags);
	json_kv_u64(&s->j, "exit_code", ev->seed->exit_code);
	if (s->cgroups)
		json_where_fields(&s->j, s->cgroups, ev->where);
	json_where_ids(&s->j, ev->where);
	end(s);
}

void record_select(struct stream *s, const struct pl_event *ev)
{
	begin(s, "select");
	task(&s->j, ev->h);
	json_kv_u64(&s->j, "reason", ev->select->reason);
	end(s);
}

void record_sched(struct stream *s, const struct pl_event *ev)
{
	begin(s, "sched");
	task(&s->j, ev->h);
	json_kv_u64(&s->j, "task_start_ns", ev->sched_end->task_start_ns);
	json_sched(&s->j, &ev->sched_end->sched);
	end(s);
}

/* Every cgroup path the tracer learnt, once each: some (a seed's, read
 * before its path came) are named by no line that shows the path. */
static void record_cgroups(struct stream *s)
{
	const struct cgroups *cg = s->cgroups;

	for (size_t b = 0; cg && b < cg->nbuckets; b++) {
		for (const struct cg_entry *e = cg->buckets[b]; e; e = e->next) {
			begin(s, "cgroup");
			json_kv_u64(&s->j, "hier", e->hier);
			json_kv_u64(&s->j, "id", e->id);
			json_kv_str(&s->j, "path", e->path);
			json_kv_bool(&s->j, "cut", e->cut);
			end(s);
		}
	}
}

void record_end(struct stream *s, const struct pl_trace_info *info,
		const uint32_t *selected, size_t n_selected)
{
	record_cgroups(s);
	begin(s, "end");
	json_kv_u64(&s->j, "end_ns", info->end_ns);
	json_kv_u64(&s->j, "events", info->events);
	json_kv_u64(&s->j, "lost", info->lost);
	json_key(&s->j, "losses");
	json_obj_begin(&s->j);
	for (uint32_t k = 0; k < PL_LOSS_KINDS; k++)
		json_kv_u64(&s->j, pl_loss_kind_name(k), info->losses[k]);
	json_obj_end(&s->j);
	json_u32s(&s->j, "selected", selected, n_selected);
	end(s);
}
