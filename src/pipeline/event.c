// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "pipeline/event.h"

static size_t fixed_size(uint32_t type)
{
	switch (type) {
	case PL_EV_FORK: return sizeof(struct pl_fork);
	case PL_EV_EXEC: return sizeof(struct pl_exec);
	case PL_EV_EXEC_FAIL: return sizeof(struct pl_exec_fail);
	case PL_EV_COMM: return sizeof(struct pl_comm);
	case PL_EV_EXIT: return sizeof(struct pl_exit);
	case PL_EV_REPARENT: return sizeof(struct pl_reparent);
	case PL_EV_REAP: return sizeof(struct pl_reap);
	case PL_EV_SEED: return sizeof(struct pl_seed);
	case PL_EV_SELECT: return sizeof(struct pl_select);
	case PL_EV_SCHED: return sizeof(struct pl_sched_end);
	case PL_EV_STATE: return sizeof(struct pl_state);
	case PL_EV_CGROUP: return sizeof(struct pl_cgroup);
	case PL_EV_CGROUP_MOVE: return sizeof(struct pl_cgroup_move);
	case PL_EV_LOST: return sizeof(struct pl_lost);
	}
	return 0;
}

/* Variable parts: the lengths in the fixed part must add up to the size. */
static int decode_strings(struct pl_event *ev, const char *tail, size_t avail,
			  uint32_t fname_len, uint32_t argv_len, uint32_t flags)
{
	if ((uint64_t)fname_len + argv_len != avail)
		return -EINVAL;
	ev->filename = tail;
	ev->filename_len = fname_len;
	ev->argv = tail + fname_len;
	ev->argv_len = argv_len;
	ev->exec_flags = flags;
	return 0;
}

size_t pl_cwd_path(const struct pl_event *ev, char *buf, size_t size)
{
	size_t len = 0;

	if (ev->type != PL_EV_EXEC || !ev->cwd_len || size < 5)
		return 0;
	/* the kernel kept the deepest part of a cut path */
	if (ev->exec_flags & PL_EXEC_CWD_TRUNC) {
		memcpy(buf, "...", 3);
		len = 3;
	}
	if (len + ev->cwd_len >= size)
		return 0;
	memcpy(buf + len, ev->cwd, ev->cwd_len);
	len += ev->cwd_len;
	buf[len] = '\0';
	return len;
}

/* The argument a cut argv ends in: the complete strings before it. */
static uint32_t count_complete(const char *argv, size_t len)
{
	uint32_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += argv[i] == '\0';
	return n;
}

static int decode_exec(struct pl_event *ev, const char *tail, size_t avail)
{
	const struct pl_exec *x = ev->exec;
	uint64_t sum = (uint64_t)x->filename_len + x->argv_len + x->exe_len +
		       x->interp_len + x->argv0_len + x->cwd_len;

	if (sum != avail)
		return -EINVAL;
	ev->filename = tail;
	ev->filename_len = x->filename_len;
	ev->argv = tail + x->filename_len;
	ev->argv_len = x->argv_len;
	ev->exe = ev->argv + x->argv_len;
	ev->exe_len = x->exe_len;
	ev->interp = ev->exe + x->exe_len;
	ev->interp_len = x->interp_len;
	ev->argv0 = ev->interp + x->interp_len;
	ev->argv0_len = x->argv0_len;
	ev->cwd = x->cwd_len ? ev->argv0 + x->argv0_len : NULL;
	ev->cwd_len = x->cwd_len;
	ev->exec_flags = x->flags;
	ev->argc = x->argc;
	if (x->flags & PL_EXEC_ARGV_TRUNC)
		ev->cut_index = count_complete(ev->argv, ev->argv_len);
	return 0;
}

int pl_event_decode(const void *data, size_t size, struct pl_event *ev)
{
	const struct pl_header *h = data;
	size_t fixed;

	memset(ev, 0, sizeof(*ev));
	if (size < sizeof(*h))
		return -EINVAL;
	fixed = fixed_size(h->type);
	if (!fixed || size < fixed || h->size != size)
		return -EINVAL;
	ev->h = h;
	ev->type = h->type;
	ev->fork = data;	/* every union member aliases the record */

	switch (h->type) {
	case PL_EV_FORK:
		ev->where = &ev->fork->w;
		break;
	case PL_EV_EXIT:
		ev->where = &ev->exit->w;
		break;
	case PL_EV_SEED:
		ev->where = &ev->seed->w;
		break;
	case PL_EV_CGROUP_MOVE:
		ev->where = &ev->move->w;
		break;
	case PL_EV_CGROUP:
		if ((uint64_t)ev->cgroup->path_len != size - fixed)
			return -EINVAL;
		ev->path = (const char *)data + fixed;
		ev->path_len = ev->cgroup->path_len;
		return 0;
	}

	switch (h->type) {
	case PL_EV_EXEC:
		ev->where = &ev->exec->w;
		return decode_exec(ev, (const char *)data + fixed, size - fixed);
	case PL_EV_EXEC_FAIL:
		ev->where = &ev->exec_fail->w;
		ev->argc = ev->exec_fail->argc;
		ev->cut_index = ev->exec_fail->cut_index;
		return decode_strings(ev, (const char *)data + fixed,
				      size - fixed, ev->exec_fail->filename_len,
				      ev->exec_fail->argv_len,
				      ev->exec_fail->flags);
	default:
		return size == fixed ? 0 : -EINVAL;
	}
}

const char *pl_event_name(const struct pl_event *ev)
{
	switch (ev->type) {
	case PL_EV_FORK:
		return ev->fork->kind == PL_BIRTH_THREAD ? "thread" : "fork";
	case PL_EV_EXEC:
	case PL_EV_EXEC_FAIL:
		return "exec";
	case PL_EV_COMM: return "comm";
	case PL_EV_EXIT: return "exit";
	case PL_EV_REPARENT: return "reparent";
	case PL_EV_REAP: return "reap";
	case PL_EV_SEED: return "seed";
	case PL_EV_SELECT: return "selected";
	case PL_EV_SCHED: return "sched";
	case PL_EV_STATE: return "state";
	case PL_EV_LOST: return "lost";
	case PL_EV_CGROUP: return "cgroup";
	case PL_EV_CGROUP_MOVE: return "cgroup_move";
	}
	return "unknown";
}

bool pl_argv_next(const char *argv, size_t argv_len, size_t *pos,
		  const char **arg, size_t *arg_len)
{
	const char *nul;

	if (*pos >= argv_len)
		return false;
	*arg = argv + *pos;
	nul = memchr(*arg, '\0', argv_len - *pos);
	*arg_len = nul ? (size_t)(nul - *arg) : argv_len - *pos;
	*pos += *arg_len + 1;
	return true;
}
