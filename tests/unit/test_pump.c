// SPDX-License-Identifier: GPL-2.0
/*
 * The pump's counters and its totals line (the ring buffer itself needs
 * the kernel: tested by the integration tests). A record too short for a
 * header is counted as malformed, never passed on.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "pipeline/pump.h"

static void no_event(void *ctx, const struct pl_event *ev)
{
	CHECK(!"no event reaches the sinks here");
}

static int no_flush(void *ctx)
{
	return 0;
}

/* What pump_print_totals() writes to stderr. */
static void totals(const struct pump *p, char *buf, size_t size)
{
	char path[] = "/tmp/test_pump.XXXXXX";
	int fd = mkstemp(path), saved;
	ssize_t n = 0;

	buf[0] = '\0';
	if (!CHECK(fd >= 0))
		return;
	unlink(path);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	pump_print_totals(p);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(fd, buf, size - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
}

static void test_totals(void)
{
	struct pump p;
	char line[256];

	pump_init(&p, NULL, no_event, no_flush, NULL);
	totals(&p, line, sizeof(line));
	CHECK_EQ_STR(line, "proclife: 0 events, 0 lost\n");

	p.events = 123456789012ULL;
	p.lost = 7;
	totals(&p, line, sizeof(line));
	CHECK_EQ_STR(line, "proclife: 123456789012 events, 7 lost\n");

	/* the optional counts only when there is something to say */
	p.malformed = 2;
	totals(&p, line, sizeof(line));
	CHECK_EQ_STR(line, "proclife: 123456789012 events, 7 lost, 2 malformed\n");
	p.reorder.late = 5;
	totals(&p, line, sizeof(line));
	CHECK_EQ_STR(line, "proclife: 123456789012 events, 7 lost, 2 malformed, "
		     "5 out of order\n");
	p.malformed = 0;
	totals(&p, line, sizeof(line));
	CHECK_EQ_STR(line, "proclife: 123456789012 events, 7 lost, 5 out of order\n");
	pump_free(&p);
}

static void test_short_record(void)
{
	struct pump p;
	struct pl_fork f;
	char line[256];

	pump_init(&p, NULL, no_event, no_flush, NULL);
	memset(&f, 0, sizeof(f));
	f.h.type = PL_EV_FORK;
	f.h.size = sizeof(f);
	f.h.ts_ns = 1000;
	CHECK_EQ_I64(pump_on_record(&p, &f, sizeof(f.h) - 1), 0);
	CHECK_EQ_U64(p.malformed, 1);
	CHECK_EQ_U64(p.reorder.n, 0);	/* not held */
	/* a whole header: held for ordering, decoded when emitted */
	CHECK_EQ_I64(pump_on_record(&p, &f, sizeof(f)), 0);
	CHECK_EQ_U64(p.malformed, 1);
	CHECK_EQ_U64(p.reorder.n, 1);
	CHECK_EQ_U64(reorder_oldest(&p.reorder), 1000);
	totals(&p, line, sizeof(line));
	CHECK_EQ_STR(line, "proclife: 0 events, 0 lost, 1 malformed\n");
	pump_free(&p);
}

int main(void)
{
	RUN(test_totals);
	RUN(test_short_record);
	return CHECK_DONE();
}
