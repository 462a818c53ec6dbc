// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/outputs.h"
#include "sinks/output.h"
#include "sinks/record.h"
#include "util/timefmt.h"

int outputs_open(struct run_outputs *os, const struct pl_options *o,
		 const struct run_as *ra, char *err, size_t err_size)
{
	memset(os, 0, sizeof(*os));
	os->rotate_size = o->rotate_size;
	os->rotate_age_ns = (uint64_t)(o->rotate_age * 1e9);
	os->rotate_keep = o->rotate_keep;
	for (unsigned int i = 0; i < o->nr_outputs; i++) {
		struct run_output *r = &os->v[os->n];
		const struct pl_output *spec = &o->outputs[i];
		int ret;

		r->spec = spec;
		if (pl_format_live(spec->format))
			ret = out_file_open_live(&r->file, spec->path,
						 o->output_mode, err, err_size);
		else
			ret = out_file_open(&r->file, spec->path, o->output_mode,
					    err, err_size);
		if (ret)
			return -1;
		r->open = true;
		os->n++;
		if (ra->chown_files &&
		    (ret = out_file_chown(&r->file, ra->owner_uid,
					  ra->owner_gid))) {
			snprintf(err, err_size, "-o: cannot give '%s' to uid %u: %s",
				 spec->path, (unsigned int)ra->owner_uid,
				 strerror(-ret));
			return -1;
		}
	}
	return 0;
}

bool outputs_need_timeline(const struct run_outputs *os)
{
	for (unsigned int i = 0; i < os->n; i++)
		if (!pl_format_live(os->v[i].spec->format))
			return true;
	return false;
}

bool outputs_to_stdout(const struct run_outputs *os)
{
	for (unsigned int i = 0; i < os->n; i++)
		if (os->v[i].file.to_stdout)
			return true;
	return false;
}

int outputs_start(struct run_outputs *os, const struct pl_options *o,
		  int64_t boot_offset_ns)
{
	for (unsigned int i = 0; i < os->n; i++) {
		struct run_output *r = &os->v[i];
		bool text = r->spec->format == PL_FMT_TEXT;

		if (!pl_format_live(r->spec->format))
			continue;
		/* JSON Lines keep every event (the record report replays);
		 * a text file is the stream as it would show */
		if (stream_init(&r->stream, r->file.fd, !text,
				text ? o->threads : true, boot_offset_ns))
			return -ENOMEM;
		r->stream_on = true;
		r->stream.record = !text;
		if (text) {
			stream_set_view(&r->stream, &o->view);
			stream_header(&r->stream);
		}
	}
	return 0;
}

void outputs_set_start(struct run_outputs *os, const struct stream_view *v,
		       const struct pl_trace_info *info, bool prune,
		       bool prune_ancestors)
{
	for (unsigned int i = 0; i < os->n; i++) {
		struct run_output *r = &os->v[i];

		if (!r->stream_on)
			continue;
		r->opened_ns = pl_now_boot_ns();
		if (!r->stream.record) {
			stream_set_view(&r->stream, v);
			continue;
		}
		/* nothing written before it: the buffer is the header line,
		 * kept to begin each later piece of a rotated record */
		record_header(&r->stream, info, prune, prune_ancestors);
		r->header = malloc(r->stream.ob.len);
		if (r->header) {
			memcpy(r->header, r->stream.ob.buf, r->stream.ob.len);
			r->header_len = r->stream.ob.len;
		}
	}
}

bool outputs_records(const struct run_outputs *os)
{
	for (unsigned int i = 0; i < os->n; i++)
		if (os->v[i].stream_on && os->v[i].stream.record)
			return true;
	return false;
}

void outputs_seed(struct run_outputs *os, const struct pl_event *ev)
{
	for (unsigned int i = 0; i < os->n; i++)
		if (os->v[i].stream_on && os->v[i].stream.record && !os->v[i].failed)
			record_seed(&os->v[i].stream, ev);
}

void outputs_sched(struct run_outputs *os, const struct pl_event *ev)
{
	for (unsigned int i = 0; i < os->n; i++)
		if (os->v[i].stream_on && os->v[i].stream.record && !os->v[i].failed)
			record_sched(&os->v[i].stream, ev);
}

void outputs_end(struct run_outputs *os, const struct pl_trace_info *info,
		 const uint32_t *selected, size_t n_selected)
{
	for (unsigned int i = 0; i < os->n; i++)
		if (os->v[i].stream_on && os->v[i].stream.record && !os->v[i].failed)
			record_end(&os->v[i].stream, info, selected, n_selected);
}

void outputs_event(struct run_outputs *os, const struct pl_event *ev)
{
	for (unsigned int i = 0; i < os->n; i++)
		if (os->v[i].stream_on && !os->v[i].failed)
			stream_event(&os->v[i].stream, ev);
}

static int fail(struct run_output *r, int err)
{
	fprintf(stderr, "proclife: cannot write %s: %s\n", r->spec->path,
		strerror(-err));
	r->failed = true;
	return err;
}

/* A new piece of a live file begins with its header line. */
static void begin_piece(struct run_output *r)
{
	r->opened_ns = pl_now_boot_ns();
	if (r->stream.record && r->header)
		outbuf_put(&r->stream.ob, r->header, r->header_len);
	else if (!r->stream.record)
		stream_header(&r->stream);
}

static bool due(const struct run_outputs *os, const struct run_output *r)
{
	struct stat st;

	if (os->rotate_age_ns && pl_now_boot_ns() - r->opened_ns >= os->rotate_age_ns)
		return true;
	return os->rotate_size && !fstat(r->file.fd, &st) &&
	       (uint64_t)st.st_size >= os->rotate_size;
}

static int rotate(struct run_outputs *os, struct run_output *r)
{
	int fd = out_file_rotate(&r->file, os->rotate_keep);

	if (fd < 0) {
		fprintf(stderr, "proclife: cannot rotate %s: %s\n", r->spec->path,
			strerror(-fd));
		r->failed = true;
		return fd;
	}
	stream_set_fd(&r->stream, fd);
	r->rotations++;
	begin_piece(r);
	return 0;
}

int outputs_flush(struct run_outputs *os)
{
	int first = 0;

	for (unsigned int i = 0; i < os->n; i++) {
		struct run_output *r = &os->v[i];
		int err;

		if (!r->stream_on || r->failed)
			continue;
		err = stream_flush(&r->stream);
		if (!err && !r->file.to_stdout && due(os, r))
			err = rotate(os, r);
		if (err && !first)
			first = r->failed ? err : fail(r, err);
		else if (err && !r->failed)
			fail(r, err);
	}
	return first;
}

int outputs_reopen(struct run_outputs *os)
{
	int first = 0;

	for (unsigned int i = 0; i < os->n; i++) {
		struct run_output *r = &os->v[i];
		int fd;

		if (!r->stream_on || r->failed || r->file.to_stdout)
			continue;
		if (stream_flush(&r->stream) && !first) {
			first = fail(r, -EIO);
			continue;
		}
		fd = out_file_reopen(&r->file);
		if (fd < 0) {
			fprintf(stderr, "proclife: cannot reopen %s: %s\n",
				r->spec->path, strerror(-fd));
			r->failed = true;
			if (!first)
				first = fd;
			continue;
		}
		stream_set_fd(&r->stream, fd);
		/* moved away (logrotate): the new file begins a piece */
		if (lseek(fd, 0, SEEK_END) == 0)
			begin_piece(r);
	}
	return first;
}

int outputs_finish(struct run_outputs *os, const struct timeline *tl,
		   const struct pl_trace_info *info)
{
	int first = 0;

	for (unsigned int i = 0; i < os->n; i++) {
		struct run_output *r = &os->v[i];
		int err = 0;

		if (!r->open)
			continue;
		if (r->failed) {
			out_file_abort(&r->file);
			r->open = false;
			first = first ? first : -EIO;
			continue;
		}
		if (r->stream_on)
			err = stream_flush(&r->stream);
		else
			err = output_write(tl, info, r->spec->format, r->file.fd);
		if (!err)
			err = out_file_commit(&r->file);
		if (err) {
			fprintf(stderr, "proclife: cannot write %s: %s\n",
				r->spec->path, strerror(-err));
			out_file_abort(&r->file);
			first = first ? first : err;
		}
		r->open = false;
	}
	return first;
}

void outputs_free(struct run_outputs *os)
{
	for (unsigned int i = 0; i < os->n; i++) {
		struct run_output *r = &os->v[i];

		if (r->open)
			out_file_abort(&r->file);
		if (r->stream_on)
			stream_free(&r->stream);
		free(r->header);
		r->header = NULL;
		r->open = r->stream_on = false;
	}
}
