// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sinks/sink.h"
#include "util/timefmt.h"

#define SINK_MODE_DEFAULT 0600

/* The registry: every format, defined in its own file under sinks/. */
extern const struct pl_sink_ops pl_sink_text, pl_sink_jsonl, pl_sink_json,
	pl_sink_chrome, pl_sink_svg, pl_sink_html, pl_sink_tree,
	pl_sink_summary;

static const struct pl_sink_ops *const registry[] = {
	&pl_sink_text, &pl_sink_jsonl, &pl_sink_json, &pl_sink_chrome,
	&pl_sink_svg, &pl_sink_html, &pl_sink_tree, &pl_sink_summary,
};

const struct pl_sink_ops *pl_sink_find(const char *name)
{
	for (size_t i = 0; i < sizeof(registry) / sizeof(registry[0]); i++)
		if (!strcmp(registry[i]->name, name))
			return registry[i];
	return NULL;
}

/* ---- the one error policy (sink.h) ------------------------------------ */

static bool running(const struct pl_sink *s)
{
	return s->state == PL_SINK_ON;
}

/* err from any step of s: said once, s stopped, the others go on. */
static void sink_failed(struct sink_set *set, struct pl_sink *s, int err)
{
	if (!err || !running(s))
		return;
	s->state = PL_SINK_STOPPED;
	if (s->is_file)
		out_file_abort(&s->file);
	if (err == -EPIPE && !s->is_file)
		return;		/* the reader left: not an error */
	fprintf(stderr, "proclife: cannot write %s to %s: %s\n", s->ops->name,
		s->dest, strerror(-err));
	set->failed = true;
}

/* A write error kept by the outbuf counts as the sink's failure. */
static int checked(struct pl_sink *s, int err)
{
	if (!err && s->ob.err)
		err = -s->ob.err;
	return err;
}

static int sink_flush(struct pl_sink *s)
{
	if (s->ops->flush)
		return s->ops->flush(s);
	return outbuf_flush(&s->ob);
}

/* ---- the set ---------------------------------------------------------- */

int sink_set_add(struct sink_set *set, const char *format, const char *path,
		 int fd, bool threads, char *err, size_t err_size)
{
	struct sink_conf conf = { .threads = threads };

	return sink_set_add_conf(set, format, path, fd, &conf, err, err_size);
}

int sink_set_add_conf(struct sink_set *set, const char *format,
		      const char *path, int fd, const struct sink_conf *conf,
		      char *err, size_t err_size)
{
	const struct pl_sink_ops *ops = pl_sink_find(format);
	unsigned int mode = conf->mode ? conf->mode : SINK_MODE_DEFAULT;
	struct pl_sink *s;
	int ret;

	if (!ops) {
		snprintf(err, err_size, "unknown format '%s'", format);
		return -EINVAL;
	}
	if (set->n == PL_MAX_SINKS) {
		snprintf(err, err_size, "more than %d outputs", PL_MAX_SINKS);
		return -E2BIG;
	}
	s = &set->sinks[set->n];
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->threads = conf->threads;
	s->record = conf->record;
	s->view = conf->view;
	s->ob.fd = -1;
	if (path && out_file_is_stdout(path)) {
		path = NULL;
		fd = STDOUT_FILENO;
	}
	if (path) {
		/* a live format is written in place as events come */
		ret = ops->event ?
		      out_file_open_live(&s->file, path, mode, err, err_size) :
		      out_file_open(&s->file, path, mode, err, err_size);
		if (ret)
			return ret;
		s->is_file = true;
		s->dest = path;
		fd = s->file.fd;
	} else {
		s->dest = fd == STDERR_FILENO ? "stderr" :
			  fd == STDOUT_FILENO ? "stdout" : "the output";
	}
	s->ob.fd = fd;
	set->n++;
	return 0;
}

void sink_set_cgroups(struct sink_set *set, const struct cgroups *cg,
		      bool container_column)
{
	for (unsigned int i = 0; i < set->n; i++) {
		set->sinks[i].cgroups = cg;
		set->sinks[i].container_column = container_column;
	}
}

int sink_set_open(struct sink_set *set, int64_t boot_offset_ns)
{
	for (unsigned int i = 0; i < set->n; i++) {
		struct pl_sink *s = &set->sinks[i];
		int fd = s->ob.fd;

		s->boot_offset_ns = boot_offset_ns;
		if (outbuf_init(&s->ob, fd, s->ops->buf_size))
			goto nomem;
		if (s->ops->open) {
			int err = s->ops->open(s);

			if (err == -ENOMEM)
				goto nomem;
			sink_failed(set, s, checked(s, err));
		}
	}
	return 0;
nomem:
	fprintf(stderr, "proclife: out of memory\n");
	return -ENOMEM;
}

int sink_set_chown(struct sink_set *set, uid_t uid, gid_t gid, char *err,
		   size_t err_size)
{
	for (unsigned int i = 0; i < set->n; i++) {
		struct pl_sink *s = &set->sinks[i];
		int ret;

		if (!s->is_file)
			continue;
		ret = out_file_chown(&s->file, uid, gid);
		if (ret) {
			snprintf(err, err_size, "-o: cannot give '%s' to uid %u: %s",
				 s->dest, (unsigned int)uid, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

bool sink_set_to_stdout(const struct sink_set *set)
{
	for (unsigned int i = 0; i < set->n; i++)
		if (!set->sinks[i].is_file && set->sinks[i].ob.fd == STDOUT_FILENO)
			return true;
	return false;
}

bool sink_set_records(const struct sink_set *set)
{
	for (unsigned int i = 0; i < set->n; i++)
		if (set->sinks[i].record && running(&set->sinks[i]))
			return true;
	return false;
}

bool sink_set_needs_timeline(const struct sink_set *set)
{
	for (unsigned int i = 0; i < set->n; i++)
		if (set->sinks[i].ops->timeline)
			return true;
	return false;
}

void sink_set_begin(struct sink_set *set, const struct pl_trace_info *info)
{
	uint64_t now = pl_now_boot_ns();

	for (unsigned int i = 0; i < set->n; i++) {
		struct pl_sink *s = &set->sinks[i];

		s->piece_ns = now;
		if (running(s) && s->ops->begin)
			sink_failed(set, s, checked(s, s->ops->begin(s, info)));
	}
}

void sink_set_event(struct sink_set *set, const struct pl_event *ev)
{
	for (unsigned int i = 0; i < set->n; i++) {
		struct pl_sink *s = &set->sinks[i];

		if (running(s) && s->ops->event)
			sink_failed(set, s, s->ops->event(s, ev));
	}
}

void sink_set_seed(struct sink_set *set, const struct pl_event *ev)
{
	for (unsigned int i = 0; i < set->n; i++) {
		struct pl_sink *s = &set->sinks[i];

		if (running(s) && s->ops->seed)
			sink_failed(set, s, s->ops->seed(s, ev));
	}
}

/* A live file that can be rotated or reopened (not a device or stdout). */
static bool live_file(const struct pl_sink *s)
{
	return running(s) && s->ops->event && s->is_file && !s->file.direct;
}

/* The new piece of a live file: its fd, then its first lines. */
static int begin_piece(struct pl_sink *s, int fd)
{
	s->ob.fd = fd;
	s->piece_ns = pl_now_boot_ns();
	return s->ops->piece ? checked(s, s->ops->piece(s)) : 0;
}

static bool rotation_due(const struct sink_set *set, const struct pl_sink *s)
{
	struct stat st;

	if (set->rotate_age_ns &&
	    pl_now_boot_ns() - s->piece_ns >= set->rotate_age_ns)
		return true;
	return set->rotate_size && !fstat(s->ob.fd, &st) &&
	       (uint64_t)st.st_size >= set->rotate_size;
}

static int rotate(struct sink_set *set, struct pl_sink *s)
{
	int fd = out_file_rotate(&s->file, set->rotate_keep);

	return fd < 0 ? fd : begin_piece(s, fd);
}

int sink_set_flush(struct sink_set *set)
{
	for (unsigned int i = 0; i < set->n; i++) {
		struct pl_sink *s = &set->sinks[i];
		int err;

		if (!running(s) || !s->ops->event)
			continue;
		err = checked(s, sink_flush(s));
		if (!err && live_file(s) && rotation_due(set, s))
			err = rotate(set, s);
		sink_failed(set, s, err);
	}
	return 0;
}

int sink_set_reopen(struct sink_set *set)
{
	for (unsigned int i = 0; i < set->n; i++) {
		struct pl_sink *s = &set->sinks[i];
		int err, fd;

		if (!live_file(s))
			continue;
		err = checked(s, sink_flush(s));
		if (!err) {
			fd = out_file_reopen(&s->file);
			err = fd < 0 ? fd : 0;
			/* moved away (logrotate): the new file begins a piece */
			if (!err && lseek(fd, 0, SEEK_END) == 0)
				err = begin_piece(s, fd);
			else if (!err)
				s->ob.fd = fd;
		}
		sink_failed(set, s, err);
	}
	return 0;
}

bool sink_set_all_stopped(const struct sink_set *set)
{
	for (unsigned int i = 0; i < set->n; i++)
		if (running(&set->sinks[i]))
			return false;
	return set->n > 0;
}

int sink_set_finish(struct sink_set *set, const struct timeline *tl,
		    const struct pl_trace_info *info)
{
	for (unsigned int i = 0; i < set->n; i++) {
		struct pl_sink *s = &set->sinks[i];
		int err = 0;

		if (!running(s) || (s->ops->timeline && !tl))
			continue;
		if (s->ops->finish)
			err = s->ops->finish(s, tl, info);
		if (!err)
			err = checked(s, sink_flush(s));
		if (!err && s->is_file)
			err = out_file_commit(&s->file);
		sink_failed(set, s, err);
		if (!err)
			s->state = PL_SINK_DONE;
	}
	return set->failed ? -EIO : 0;
}

void sink_set_close(struct sink_set *set)
{
	for (unsigned int i = 0; i < set->n; i++) {
		struct pl_sink *s = &set->sinks[i];

		if (s->ops->close)
			s->ops->close(s);
		if (s->is_file && s->state == PL_SINK_ON)
			out_file_abort(&s->file);
		outbuf_free(&s->ob);
	}
	set->n = 0;
}

int pl_sink_write(const struct pl_sink_ops *ops, const struct timeline *tl,
		  const struct pl_trace_info *info, int fd)
{
	struct sink_set set = { .n = 0 };
	char err[64];
	int ret;

	if (sink_set_add(&set, ops->name, NULL, fd, true, err, sizeof(err)))
		return -EINVAL;
	ret = sink_set_open(&set, info->boot_offset_ns);
	if (!ret)
		ret = ops->finish ? ops->finish(set.sinks, tl, info) : 0;
	if (!ret)
		ret = checked(set.sinks, sink_flush(set.sinks));
	sink_set_close(&set);
	return ret;
}
