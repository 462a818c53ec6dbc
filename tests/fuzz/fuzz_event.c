// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_event: ring-buffer records from a hostile (or buggy) kernel side.
 *
 * Input: one option byte, then records, each as a 16-bit little-endian
 * length and that many bytes (tests/fuzz/gen_seeds.c writes real ones).
 * Every record goes through what main.c does with it:
 *
 *   pl_event_decode -> stream_event (text, and JSON Lines) -> timeline_add
 *   (PL_EV_SEED records -> timeline_seed; PL_EV_SCHED -> timeline_add only)
 *
 * either in input order (option bit 0 clear: out-of-order and duplicate
 * events reach the timeline) or through the reorder buffer as the tracer
 * does: after each record, what is older than its time minus a hold (the
 * high nibble of the option byte, in ~ms) is emitted. At the end the timeline is
 * finished and written in every format (tree, summary, json, chrome, svg,
 * html). The JSON Lines stream and the JSON documents must be valid JSON:
 * anything else aborts with the reason.
 *
 * Time fields are kept below 2^62 ns, as the kernel's are (clamp_times()).
 *
 * Option byte: bit 0 reorder, bit 1 stream threads (-T), bit 2 keep
 * finished processes (the -o timeline) instead of freeing them (stream
 * mode), bit 3 skip the end outputs (faster, deeper event sequences).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pipeline/event.h"
#include "sinks/sink.h"
#include "sinks/stream.h"
#include "pipeline/reorder.h"
#include "model/timeline.h"
#include "jsonv.h"

#define BOOT_OFFSET_NS	1764000000000000000LL	/* late 2025 */

struct ctx {
	struct outbuf text_ob, json_ob;
	struct stream text;
	struct stream json;
	struct timeline *tl;
	uint64_t max_ts;
};

static int null_fd = -1;
static int mem_fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	mem_fd = memfd_create("fuzz_event", MFD_CLOEXEC);
	if (null_fd < 0 || mem_fd < 0) {
		perror("fuzz_event: setup");
		exit(1);
	}
	return 0;
}

static void mem_reset(void)
{
	if (ftruncate(mem_fd, 0) || lseek(mem_fd, 0, SEEK_SET))
		abort();
}

/* What was written to mem_fd since mem_reset(), NUL-terminated; free it. */
static char *mem_read(size_t *len)
{
	off_t end = lseek(mem_fd, 0, SEEK_END);
	char *buf;

	if (end < 0 || !(buf = malloc((size_t)end + 1)))
		abort();
	if (pread(mem_fd, buf, (size_t)end, 0) != end)
		abort();
	buf[end] = '\0';
	*len = (size_t)end;
	return buf;
}

static void check_json_doc(const char *what, const char *buf, size_t len)
{
	const char *why = jv_check(buf, len, NULL, 0, NULL);

	if (why) {
		fprintf(stderr, "fuzz_event: %s is not valid JSON: %s\n%.*s\n",
			what, why, (int)(len > 4096 ? 4096 : len), buf);
		abort();
	}
}

/* Every line of a JSON Lines text must be one valid JSON value. */
static void check_json_lines(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (!nl) {
			fprintf(stderr, "fuzz_event: stream line without newline\n");
			abort();
		}
		check_json_doc("a stream line", p, n);
		p += n + 1;
	}
}

/*
 * Kernel times are boot-time nanoseconds, far below 2^62 (146 years): every
 * time field of a record is kept there. Unclamped, a corrupt record can
 * make the conversion to wall time overflow int64_t (timefmt.c) and a chart
 * span past 1e19 ns loop forever (tick_step() in out_chart.c): both found
 * by this target, neither reachable with the kernel's timestamps.
 */
static void clamp_u64(void *rec, size_t len, size_t off)
{
	uint64_t v;

	if (off + sizeof(v) > len)
		return;
	memcpy(&v, (char *)rec + off, sizeof(v));
	v &= (1ULL << 62) - 1;
	memcpy((char *)rec + off, &v, sizeof(v));
}

static void clamp_times(void *rec, size_t len)
{
	struct pl_header h;

	if (len < sizeof(h))
		return;
	clamp_u64(rec, len, offsetof(struct pl_header, ts_ns));
	clamp_u64(rec, len, offsetof(struct pl_header, start_ns));
	memcpy(&h, rec, sizeof(h));
	switch (h.type) {
	case PL_EV_FORK:
		clamp_u64(rec, len, offsetof(struct pl_fork, task_start_ns));
		break;
	case PL_EV_EXIT:
		clamp_u64(rec, len, offsetof(struct pl_exit, task_start_ns));
		break;
	case PL_EV_REAP:
		clamp_u64(rec, len, offsetof(struct pl_reap, exit_ns));
		break;
	case PL_EV_SEED:
		clamp_u64(rec, len, offsetof(struct pl_seed, task_start_ns));
		break;
	case PL_EV_SCHED:
		clamp_u64(rec, len, offsetof(struct pl_sched_end, task_start_ns));
		break;
	}
}

static int emit(const void *rec, size_t size, void *arg)
{
	struct ctx *c = arg;
	struct pl_event ev;

	if (pl_event_decode(rec, size, &ev))
		return 0;
	if (ev.h->ts_ns > c->max_ts)
		c->max_ts = ev.h->ts_ns;
	switch (ev.type) {
	case PL_EV_SEED:
		timeline_seed(c->tl, &ev);
		return 0;
	case PL_EV_SCHED:
		timeline_add(c->tl, &ev);
		return 0;
	}
	stream_event(&c->text, &ev);
	stream_event(&c->json, &ev);
	timeline_add(c->tl, &ev);
	return 0;
}

static void write_outputs(struct ctx *c)
{
	static const char *const fmts[] = { "json", "chrome", "svg", "html" };
	static char *const command[] = { "fuzz", "--flag", NULL };
	struct pl_trace_info info = {
		.hostname = "fuzz",
		.kernel = "6.18.0",
		.boot_offset_ns = BOOT_OFFSET_NS,
		.start_ns = 1,
		.end_ns = c->max_ts + 1,
		.command = command,
		.filters = { 0 },
		.events = 1,
		.version = "fuzz",
	};

	pl_sink_write(pl_sink_find("tree"), c->tl, &info, null_fd);
	pl_sink_write(pl_sink_find("summary"), c->tl, &info, null_fd);
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		char *buf;
		size_t len;

		const struct pl_sink_ops *ops = pl_sink_find(fmts[i]);

		if (!strcmp(fmts[i], "svg") || !strcmp(fmts[i], "html")) {
			pl_sink_write(ops, c->tl, &info, null_fd);
			continue;
		}
		mem_reset();
		if (pl_sink_write(ops, c->tl, &info, mem_fd)) {
			fprintf(stderr, "fuzz_event: pl_sink_write(%s) failed\n",
				fmts[i]);
			abort();
		}
		buf = mem_read(&len);
		check_json_doc(fmts[i], buf, len);
		free(buf);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctx c = { 0 };
	struct reorder ro;
	uint64_t hold;
	uint8_t opt;
	size_t pos = 1;
	char *jl;
	size_t jl_len;

	if (size < 1)
		return 0;
	opt = data[0];
	hold = (uint64_t)(opt >> 4) << 20;
	mem_reset();
	if (outbuf_init(&c.text_ob, null_fd, 0))
		return 0;
	if (outbuf_init(&c.json_ob, mem_fd, 0)) {
		outbuf_free(&c.text_ob);
		return 0;
	}
	stream_init(&c.text, &c.text_ob, false, opt & 2, BOOT_OFFSET_NS);
	stream_init(&c.json, &c.json_ob, true, opt & 2, BOOT_OFFSET_NS);
	c.tl = timeline_new(opt & 4);
	if (!c.tl)
		abort();
	reorder_init(&ro);
	stream_header(&c.text);

	while (pos + 2 <= size) {
		size_t len = data[pos] | (size_t)data[pos + 1] << 8;
		uint64_t ts = 0;
		void *rec;

		pos += 2;
		if (len > size - pos)
			len = size - pos;
		/* an exact-size heap copy: ASan catches any read past it */
		rec = malloc(len ? len : 1);
		if (!rec)
			abort();
		memcpy(rec, data + pos, len);
		pos += len;
		clamp_times(rec, len);
		if (opt & 1) {
			/* main.c's on_ring_record() drops what has no header */
			if (len < sizeof(struct pl_header)) {
				free(rec);
				continue;
			}
			memcpy(&ts, rec, sizeof(ts));
			if (reorder_push(&ro, ts, rec, len))
				abort();
			/* hold back what is newer than ts - hold, as main.c
			 * does with HOLD_NS: records pile up in the arena */
			reorder_flush(&ro, ts > hold ? ts - hold : 0, emit, &c);
		} else {
			emit(rec, len, &c);
		}
		free(rec);
	}
	reorder_flush(&ro, UINT64_MAX, emit, &c);
	reorder_free(&ro);

	if (outbuf_flush(&c.text_ob) || outbuf_flush(&c.json_ob))
		abort();
	jl = mem_read(&jl_len);
	check_json_lines(jl, jl_len);
	free(jl);

	timeline_finish(c.tl, c.max_ts + 1);
	if (!(opt & 8))
		write_outputs(&c);

	timeline_free(c.tl);
	stream_free(&c.text);
	stream_free(&c.json);
	outbuf_free(&c.text_ob);
	outbuf_free(&c.json_ob);
	return 0;
}
