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
	case PL_EV_SCHED: return sizeof(struct pl_sched_end);
	case PL_EV_STATE: return sizeof(struct pl_state);
	case PL_EV_LOST: return sizeof(struct pl_lost);
	}
	return 0;
}

/* Variable parts: the lengths in the fixed part must add up to the size. */
static int decode_strings(struct pl_event *ev, const char *tail, size_t avail,
			  uint32_t fname_len, uint32_t argv_len, uint32_t cwd_len,
			  uint32_t flags)
{
	if ((uint64_t)fname_len + argv_len + cwd_len != avail ||
	    cwd_len > PL_CWD_MAX + PL_CWD_NAME_MAX)
		return -EINVAL;
	ev->filename = tail;
	ev->filename_len = fname_len;
	ev->argv = tail + fname_len;
	ev->argv_len = argv_len;
	ev->cwd = cwd_len ? tail + fname_len + argv_len : NULL;
	ev->cwd_len = cwd_len;
	ev->exec_flags = flags;
	return 0;
}

size_t pl_cwd_path(const struct pl_event *ev, char *buf, size_t size)
{
	size_t ends[PL_CWD_DEPTH * 2], n = 0, len = 0, i;
	const char *p = ev->cwd;

	/* no names: the root itself */
	if (ev->type != PL_EV_EXEC || !size)
		return 0;
	/* the names, from the directory up */
	for (i = 0; p && i < ev->cwd_len && n < sizeof(ends) / sizeof(ends[0]); i++)
		if (!p[i])
			ends[n++] = i;
	if (size < 5)
		return 0;
	if (ev->exec_flags & PL_EXEC_CWD_TRUNC) {
		memcpy(buf, "...", 3);
		len = 3;
	} else if (!n) {
		memcpy(buf, "/", 2);
		return 1;
	}
	while (n--) {
		size_t start = n ? ends[n - 1] + 1 : 0;
		size_t nlen = ends[n] - start;

		if (len + 1 + nlen >= size)
			return 0;
		buf[len++] = '/';
		memcpy(buf + len, p + start, nlen);
		len += nlen;
	}
	buf[len] = '\0';
	return len;
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
	case PL_EV_EXEC:
		return decode_strings(ev, (const char *)data + fixed,
				      size - fixed, ev->exec->filename_len,
				      ev->exec->argv_len, ev->exec->cwd_len,
				      ev->exec->flags);
	case PL_EV_EXEC_FAIL:
		return decode_strings(ev, (const char *)data + fixed,
				      size - fixed, ev->exec_fail->filename_len,
				      ev->exec_fail->argv_len, 0,
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
	case PL_EV_SCHED: return "sched";
	case PL_EV_STATE: return "state";
	case PL_EV_LOST: return "lost";
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
