// SPDX-License-Identifier: GPL-2.0
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "sinks/stream_view.h"
#include "util/timefmt.h"

static const struct {
	const char *name;
	uint32_t bit;
} event_names[] = {
	{ "fork", SV_FORK }, { "thread", SV_THREAD }, { "exec", SV_EXEC },
	{ "comm", SV_COMM }, { "rename", SV_COMM }, { "exit", SV_EXIT },
	{ "reparent", SV_REPARENT }, { "reap", SV_REAP }, { "lost", SV_LOST },
	{ "state", SV_STATE }, { "cgroup_move", SV_CGROUP },
	{ "all", SV_ALL },
};

void stream_view_default(struct stream_view *v)
{
	memset(v, 0, sizeof(*v));
	v->events = SV_ALL;
	v->time = STREAM_TIME_WALL;
}

static int event_bit(const char *name, size_t len, uint32_t *bit)
{
	for (size_t i = 0; i < sizeof(event_names) / sizeof(event_names[0]); i++) {
		if (strlen(event_names[i].name) == len &&
		    !strncmp(event_names[i].name, name, len)) {
			*bit = event_names[i].bit;
			return 0;
		}
	}
	return -1;
}

int stream_view_parse_events(const char *list, uint32_t *bits, char *bad,
			     size_t bad_size)
{
	const char *p = list;

	*bits = 0;
	for (;;) {
		size_t len = strcspn(p, ",");
		uint32_t bit;

		if (!len || event_bit(p, len, &bit)) {
			snprintf(bad, bad_size, "%.*s", (int)len, p);
			return -1;
		}
		*bits |= bit;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

int stream_view_parse_time(const char *s, enum stream_time *t)
{
	if (!strcmp(s, "wall"))
		*t = STREAM_TIME_WALL;
	else if (!strcmp(s, "rel"))
		*t = STREAM_TIME_REL;
	else if (!strcmp(s, "iso"))
		*t = STREAM_TIME_ISO;
	else
		return -1;
	return 0;
}

uint32_t stream_view_bit(const struct pl_event *ev)
{
	switch (ev->type) {
	case PL_EV_FORK:
		return ev->fork->kind == PL_BIRTH_THREAD ? SV_THREAD : SV_FORK;
	case PL_EV_EXEC:
	case PL_EV_EXEC_FAIL:
		return SV_EXEC;
	case PL_EV_COMM: return SV_COMM;
	case PL_EV_EXIT: return SV_EXIT;
	case PL_EV_REPARENT: return SV_REPARENT;
	case PL_EV_REAP: return SV_REAP;
	case PL_EV_LOST: return SV_LOST;
	case PL_EV_STATE: return SV_STATE;
	case PL_EV_CGROUP_MOVE: return SV_CGROUP;
	default: return 0;
	}
}

/* --failed: a failed exec, a process that ended non-zero or by a signal;
 * and losses, never hidden by it. */
static bool is_failure(const struct pl_event *ev)
{
	uint32_t st;

	switch (ev->type) {
	case PL_EV_EXEC_FAIL:
		return true;
	case PL_EV_EXIT:
		if (!(ev->exit->flags & PL_EXIT_GROUP_DEAD))
			return false;
		st = ev->exit->exit_code;
		return WIFSIGNALED(st) || (WIFEXITED(st) && WEXITSTATUS(st));
	case PL_EV_LOST:
		return true;
	default:
		return false;
	}
}

bool stream_view_shows(const struct stream_view *v, const struct pl_event *ev)
{
	if (!(v->events & stream_view_bit(ev)))
		return false;
	return !v->failed_only || is_failure(ev);
}

size_t stream_view_time(const struct stream_view *v, char *buf, size_t size,
			uint64_t ts_ns, int64_t boot_offset_ns)
{
	uint64_t rel;
	int n;

	switch (v->time) {
	case STREAM_TIME_ISO:
		return pl_time_iso(buf, size, ts_ns, boot_offset_ns);
	case STREAM_TIME_REL:
		/* records a little older than the start (seeds' races) are 0 */
		rel = ts_ns > v->start_ns ? ts_ns - v->start_ns : 0;
		n = snprintf(buf, size, "%11llu.%06llu",
			     (unsigned long long)(rel / 1000000000ULL),
			     (unsigned long long)(rel % 1000000000ULL / 1000));
		return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
	case STREAM_TIME_WALL:
	default:
		return pl_time_hms(buf, size, ts_ns, boot_offset_ns);
	}
}

size_t stream_view_time_width(const struct stream_view *v)
{
	switch (v->time) {
	case STREAM_TIME_ISO: return 30;
	case STREAM_TIME_REL: return 18;
	default: return 15;
	}
}

#define USER_CACHE 64

const char *stream_view_user(uint32_t uid)
{
	static struct {
		uint32_t uid;
		bool known;
		char name[33];
	} cache[USER_CACHE];
	static unsigned int used, next;
	struct passwd *pw;
	unsigned int i;

	for (i = 0; i < used; i++)
		if (cache[i].uid == uid)
			return cache[i].known ? cache[i].name : NULL;
	i = used < USER_CACHE ? used++ : next++ % USER_CACHE;
	pw = getpwuid(uid);
	cache[i].uid = uid;
	cache[i].known = pw != NULL;
	if (pw)
		snprintf(cache[i].name, sizeof(cache[i].name), "%s", pw->pw_name);
	return cache[i].known ? cache[i].name : NULL;
}
