// SPDX-License-Identifier: GPL-2.0
/*
 * The chart's segmenter: a process's running phase cut into scheduler-state
 * segments, from --states phases or from its accounting's shares. The
 * segments must tile the bar exactly: no gap, no overlap, adding up to the
 * life; unknown time is drawn as such; sub-pixel phases pool into one pixel.
 * The chart is set to 1 px per ms from x = 100, so expected x are in ms.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "sinks/chart/draw.h"

#define MS 1000000ULL
#define MAX_SEGS 64

struct seg_out {
	char cls[4];
	double x0, x1;
};

struct drawn {
	struct seg_out s[MAX_SEGS];
	size_t n;
	char text[8192];
};

/* A chart that maps t to x = 100 + t / 1 ms. */
static void chart_at(struct chart *c, struct outbuf *ob)
{
	memset(c, 0, sizeof(*c));
	c->ob = ob;
	c->t0 = 0;
	c->t1 = 1000 * MS;
	c->x0 = 100;
	c->scale = 1.0 / MS;
}

/* Every rectangle drawn, in the order written: "M x y H x1 v h H x z"
 * sub-paths of <path class=...>, and <rect class x width>. */
static void parse(struct drawn *d)
{
	const char *p = d->text;

	d->n = 0;
	while ((p = strchr(p, '<'))) {
		char cls[4] = "";
		const char *q;
		double x0, y, x1, w;
		unsigned int h;
		int used;

		if (sscanf(p, "<rect class=\"%3[a-z]\" x=\"%lf\" y=\"%lf\" width=\"%lf\"",
			   cls, &x0, &y, &w) == 4 && d->n < MAX_SEGS) {
			snprintf(d->s[d->n].cls, sizeof(d->s[0].cls), "%s", cls);
			d->s[d->n].x0 = x0;
			d->s[d->n].x1 = x0 + w;
			d->n++;
		} else if (sscanf(p, "<path class=\"%3[a-z]\" d=\"", cls) == 1) {
			q = strstr(p, "d=\"") + 3;
			while (*q == 'M' && d->n < MAX_SEGS &&
			       sscanf(q, "M%lf %lfH%lfv%uH%lfz%n", &x0, &y, &x1, &h,
				      &w, &used) == 5) {
				CHECK_EQ_U64(h, BAR_H);
				CHECK(w == x0);		/* closed at its start */
				snprintf(d->s[d->n].cls, sizeof(d->s[0].cls), "%s", cls);
				d->s[d->n].x0 = x0;
				d->s[d->n].x1 = x1;
				d->n++;
				q += used;
			}
		}
		p++;
	}
}

/* Draw p's running phase over ls (y = 0) and read back what was written. */
static void draw(struct drawn *d, const struct tl_process *p,
		 const struct lifespan *ls, bool have_sched)
{
	char path[] = "/tmp/test_chart_segment.XXXXXX";
	struct outbuf ob;
	struct chart c;
	ssize_t n = 0;
	int fd = mkstemp(path);

	d->text[0] = '\0';
	d->n = 0;
	if (!CHECK(fd >= 0))
		return;
	unlink(path);
	if (CHECK(outbuf_init(&ob, fd, 256) == 0)) {	/* small: flushes */
		chart_at(&c, &ob);
		c.have_sched = have_sched;
		chart_write_alive(&c, p, ls, 0);
		CHECK_EQ_I64(outbuf_flush(&ob), 0);
		outbuf_free(&ob);
		n = pread(fd, d->text, sizeof(d->text) - 1, 0);
	}
	d->text[n > 0 ? n : 0] = '\0';
	close(fd);
	parse(d);
}

static int by_x(const void *a, const void *b)
{
	const struct seg_out *x = a, *y = b;

	return x->x0 < y->x0 ? -1 : x->x0 > y->x0;
}

/*
 * The segments, sorted, tile [xs, xe]: each starts where the one before
 * ended, the first at xs, the last ends at xe (to the 0.1 px written).
 */
static void check_tiles(const struct drawn *d, double xs, double xe)
{
	struct seg_out s[MAX_SEGS];
	double at = xs, sum = 0;

	memcpy(s, d->s, d->n * sizeof(s[0]));
	qsort(s, d->n, sizeof(s[0]), by_x);
	for (size_t i = 0; i < d->n; i++) {
		if (!CHECK(s[i].x0 > at - 0.051 && s[i].x0 < at + 0.051))
			fprintf(stderr, "    segment %zu starts at %.2f, not %.2f\n",
				i, s[i].x0, at);
		CHECK(s[i].x1 >= s[i].x0);
		sum += s[i].x1 - s[i].x0;
		at = s[i].x1;
	}
	CHECK(at > xe - 0.051 && at < xe + 0.051);
	CHECK(sum > xe - xs - 0.051 * (double)(d->n + 1) &&
	      sum < xe - xs + 0.051 * (double)(d->n + 1));
}

/* Segment i is of class cls over [x0, x1]. */
static void check_seg(const struct drawn *d, size_t i, const char *cls,
		      double x0, double x1)
{
	if (!CHECK(i < d->n))
		return;
	if (!CHECK_EQ_STR(d->s[i].cls, cls) ||
	    !CHECK(d->s[i].x0 == x0 && d->s[i].x1 == x1))
		fprintf(stderr, "    segment %zu: %s %.2f..%.2f, expected %s %.2f..%.2f\n",
			i, d->s[i].cls, d->s[i].x0, d->s[i].x1, cls, x0, x1);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static struct tl_process proc_of(uint64_t start, uint64_t exit)
{
	struct tl_process p;

	memset(&p, 0, sizeof(p));
	p.pid = 700;
	p.start_ns = start;
	p.exit_ns = exit;
	p.flags = TL_PROC_EXITED | TL_PROC_REAPED;
	p.reap_ns = exit;
	return p;
}

/* No --states: each state's share of the life, stacked run, wait, D,
 * stopped, sleep; written one class at a time. */
static void test_shares(void)
{
	struct tl_process p = proc_of(0, 40 * MS);
	struct tl_sched s = { .v = { .run_ns = 30 * MS, .wait_ns = 4 * MS,
				     .block_ns = 2 * MS, .sleep_ns = 4 * MS } };
	struct lifespan ls;
	struct drawn d;

	p.sched = &s;
	lifespan_of(&p, 0, 1000 * MS, &ls);
	draw(&d, &p, &ls, true);
	REQUIRE(d.n == 4);
	check_seg(&d, 0, "qr", 100, 130);
	check_seg(&d, 1, "qw", 130, 134);
	check_seg(&d, 2, "qd", 134, 136);
	check_seg(&d, 3, "qs", 136, 140);
	check_tiles(&d, 100, 140);
	CHECK(!strstr(d.text, "class=\"qt\""));	/* no stopped time */

	/* the shares are of the accounting, whatever its total: a life of
	 * 40 ms accounted over 80 ms (a long wait before the trace) */
	s.v = (struct pl_sched){ .run_ns = 20 * MS, .stopped_ns = 60 * MS };
	draw(&d, &p, &ls, true);
	REQUIRE(d.n == 2);
	check_seg(&d, 0, "qr", 100, 110);
	check_seg(&d, 1, "qt", 110, 140);
}

/* Phases under a pixel pool until they fill one, which takes the state
 * with most of it (the first in stacking order on a tie). */
static void test_shares_subpixel(void)
{
	struct tl_process p = proc_of(0, MS / 2);	/* half a pixel */
	struct tl_sched s = { .v = { .run_ns = 1000, .wait_ns = 1000 } };
	struct lifespan ls;
	struct drawn d;

	p.sched = &s;
	lifespan_of(&p, 0, 1000 * MS, &ls);
	draw(&d, &p, &ls, true);
	/* drawn one pixel wide: one segment, run (tied with wait) */
	REQUIRE(d.n == 1);
	check_seg(&d, 0, "qr", 100, 101);

	/* 10 px: run 9.7, wait 0.2, sleep 0.1: the last 0.3 px pool into
	 * one segment, wait's (most of it) */
	p = proc_of(0, 10 * MS);
	p.sched = &s;
	s.v = (struct pl_sched){ .run_ns = 97, .wait_ns = 2, .sleep_ns = 1 };
	lifespan_of(&p, 0, 1000 * MS, &ls);
	draw(&d, &p, &ls, true);
	check_tiles(&d, 100, 110);
	REQUIRE(d.n == 2);
	check_seg(&d, 0, "qr", 100, 109.7);
	check_seg(&d, 1, "qw", 109.7, 110);
}

/* No accounting, or accounting that adds up to nothing: one plain bar,
 * "unknown" when other bars are shaded, at least a pixel wide. */
static void test_no_data(void)
{
	struct tl_process p = proc_of(0, 40 * MS);
	struct tl_sched zero = { .v = { .nvcsw = 3 } };
	struct lifespan ls;
	struct drawn d;

	lifespan_of(&p, 0, 1000 * MS, &ls);
	draw(&d, &p, &ls, false);
	REQUIRE(d.n == 1);
	check_seg(&d, 0, "b", 100, 140);
	draw(&d, &p, &ls, true);
	REQUIRE(d.n == 1);
	check_seg(&d, 0, "n", 100, 140);
	p.sched = &zero;
	draw(&d, &p, &ls, true);
	REQUIRE(d.n == 1);
	check_seg(&d, 0, "n", 100, 140);
	p.kind = TL_KIND_KTHREAD;
	p.sched = NULL;
	draw(&d, &p, &ls, false);
	REQUIRE(d.n == 1);
	check_seg(&d, 0, "k", 100, 140);

	/* exit at its start: zero length, drawn a pixel wide */
	p = proc_of(20 * MS, 20 * MS);
	lifespan_of(&p, 0, 1000 * MS, &ls);
	draw(&d, &p, &ls, false);
	REQUIRE(d.n == 1);
	check_seg(&d, 0, "b", 120, 121);
}

static struct tl_thread thread_of(uint32_t tid, uint64_t start,
				  struct tl_state *st, uint32_t n)
{
	struct tl_thread t;

	memset(&t, 0, sizeof(t));
	t.tid = tid;
	t.start_ns = start;
	t.states = st;
	t.nr_states = n;
	return t;
}

/*
 * --states: life 0..50 ms; the leader's states known from 10 ms (before:
 * unknown), its exit at 45 (after: unknown until the process exit at 50).
 */
static void test_states(void)
{
	struct tl_state st[] = {
		{ 10 * MS, PL_STATE_RUNNABLE, 0 }, { 12 * MS, PL_STATE_RUNNING, 0 },
		{ 20 * MS, PL_STATE_SLEEP, 0 }, { 30 * MS, PL_STATE_BLOCK, 0 },
		{ 40 * MS, PL_STATE_RUNNING, 1 },
	};
	struct tl_process p = proc_of(0, 50 * MS);
	struct tl_thread t = thread_of(700, 0, st, 5);
	/* accounting too: --states phases win over shares */
	struct tl_sched s = { .v = { .run_ns = 50 * MS } };
	struct lifespan ls;
	struct drawn d;

	t.flags = TL_THREAD_EXITED;
	t.exit_ns = 45 * MS;
	p.threads = &t;
	p.sched = &s;
	lifespan_of(&p, 0, 1000 * MS, &ls);
	CHECK(chart_leader_states(&p));
	draw(&d, &p, &ls, true);
	/* written class by class: run, wait, D, stopped, sleep, unknown */
	REQUIRE(d.n == 7);
	check_seg(&d, 0, "qr", 112, 120);
	check_seg(&d, 1, "qr", 140, 145);
	check_seg(&d, 2, "qw", 110, 112);
	check_seg(&d, 3, "qd", 130, 140);
	check_seg(&d, 4, "qs", 120, 130);
	check_seg(&d, 5, "n", 100, 110);
	check_seg(&d, 6, "n", 145, 150);
	check_tiles(&d, 100, 150);
	/* one element per class, whatever the number of segments */
	CHECK_EQ_U64(count(d.text, "class=\"qr\""), 1);
	CHECK_EQ_U64(count(d.text, "class=\"n\""), 1);

	/* a thread that is not the leader has states: not used for the bar */
	t.tid = 701;
	CHECK(!chart_leader_states(&p));
	draw(&d, &p, &ls, true);
	REQUIRE(d.n == 1);
	check_seg(&d, 0, "qr", 100, 150);
}

/* Two changes at one instant: the zero-length phase draws nothing; the
 * dead state (after the last switch) is time of no known state. */
static void test_states_same_time(void)
{
	struct tl_state st[] = {
		{ 0, PL_STATE_RUNNING, 0 }, { 20 * MS, PL_STATE_SLEEP, 0 },
		{ 20 * MS, PL_STATE_RUNNABLE, 0 }, { 25 * MS, PL_STATE_RUNNING, 0 },
		{ 28 * MS, PL_STATE_DEAD, 0 },
	};
	struct tl_process p = proc_of(0, 30 * MS);
	struct tl_thread t = thread_of(700, 0, st, 5);
	struct lifespan ls;
	struct drawn d;

	t.flags = TL_THREAD_EXITED;
	t.exit_ns = 30 * MS;
	p.threads = &t;
	lifespan_of(&p, 0, 1000 * MS, &ls);
	draw(&d, &p, &ls, false);
	REQUIRE(d.n == 4);
	check_seg(&d, 0, "qr", 100, 120);
	check_seg(&d, 1, "qr", 125, 128);
	check_seg(&d, 2, "qw", 120, 125);
	check_seg(&d, 3, "n", 128, 130);
	CHECK(!strstr(d.text, "\"qs\""));
	check_tiles(&d, 100, 130);
}

/*
 * Overlapping states: a non-leader (tid 703) exec'd at 30 ms and took the
 * pid; the old leader's entry ends there. Both have tid == pid, their
 * states overlap from 10 to 30: the heir's count from its takeover only.
 */
static void test_states_overlap(void)
{
	struct tl_state old_st[] = {
		{ 0, PL_STATE_RUNNING, 0 }, { 20 * MS, PL_STATE_SLEEP, 0 },
	};
	struct tl_state heir_st[] = {
		{ 12 * MS, PL_STATE_RUNNING, 1 }, { 26 * MS, PL_STATE_SLEEP, 1 },
		{ 35 * MS, PL_STATE_RUNNING, 1 },
	};
	struct tl_process p = proc_of(0, 50 * MS);
	struct tl_thread old = thread_of(700, 0, old_st, 2);
	struct tl_thread heir = thread_of(700, 10 * MS, heir_st, 3);
	struct tl_exec *e = calloc(1, sizeof(*e) + 8);
	struct lifespan ls;
	struct drawn d;

	REQUIRE(e);
	e->t_ns = 30 * MS;
	e->tid = 700;
	e->old_tid = 703;
	p.execs = e;
	old.flags = TL_THREAD_EXITED;
	old.exit_ns = 30 * MS;
	heir.old_tid = 703;		/* alive at the trace end */
	old.next = &heir;
	p.threads = &old;
	p.flags = 0;			/* the process still runs at 1000 ms */
	lifespan_of(&p, 0, 50 * MS, &ls);
	CHECK_EQ_U64(ls.exit, 50 * MS);
	draw(&d, &p, &ls, false);
	/* the sleeps of both meet at 30 and merge */
	REQUIRE(d.n == 3);
	check_seg(&d, 0, "qr", 100, 120);
	check_seg(&d, 1, "qr", 135, 150);
	check_seg(&d, 2, "qs", 120, 135);
	check_tiles(&d, 100, 150);
	free(e);
}

/* Thousands of 1 us changes: about one segment per pixel, still tiling. */
static void test_states_many(void)
{
	enum { N = 4000 };
	struct tl_state *st = calloc(N + 1, sizeof(*st));
	struct tl_process p = proc_of(0, 10 * MS);
	struct tl_thread t;
	struct lifespan ls;
	struct drawn d;

	REQUIRE(st);
	/* 0..8 ms: alternating run (1 us) and wait (3 us); then sleep */
	for (uint32_t i = 0; i < N; i++) {
		st[i].t_ns = (uint64_t)i / 2 * 4000 + (i % 2) * 1000;
		st[i].state = i % 2 ? PL_STATE_RUNNABLE : PL_STATE_RUNNING;
	}
	st[N].t_ns = 8 * MS;
	st[N].state = PL_STATE_SLEEP;
	t = thread_of(700, 0, st, N + 1);
	t.flags = TL_THREAD_EXITED;
	t.exit_ns = 10 * MS;
	p.threads = &t;
	lifespan_of(&p, 0, 1000 * MS, &ls);
	draw(&d, &p, &ls, false);
	/* 0..8 ms is 8 px of wait-mostly pixels: merged into one; then sleep */
	REQUIRE(d.n == 2);
	check_seg(&d, 0, "qw", 100, 108);
	check_seg(&d, 1, "qs", 108, 110);
	check_tiles(&d, 100, 110);
	free(st);
}

int main(void)
{
	RUN(test_shares);
	RUN(test_shares_subpixel);
	RUN(test_no_data);
	RUN(test_states);
	RUN(test_states_same_time);
	RUN(test_states_overlap);
	RUN(test_states_many);
	return CHECK_DONE();
}
