// SPDX-License-Identifier: GPL-2.0
/* The reorder buffer: timestamp order out, ties in arrival order, nothing
 * emitted before its watermark, nothing lost. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pipeline/reorder.h"

struct rec {
	uint64_t ts;
	uint32_t id;
	char pad[20];
};

static uint32_t seen[4096];
static size_t nseen;

static int collect(const void *p, size_t size, void *ctx)
{
	const struct rec *r = p;

	if (size == sizeof(*r) && nseen < 4096)
		seen[nseen++] = r->id;
	return 0;
}

static void push(struct reorder *ro, uint64_t ts, uint32_t id)
{
	struct rec r = { .ts = ts, .id = id };

	CHECK_EQ_I64(reorder_push(ro, ts, &r, sizeof(r)), 0);
}

static void test_sorts_and_holds(void)
{
	struct reorder ro;

	reorder_init(&ro);
	nseen = 0;
	push(&ro, 30, 3);
	push(&ro, 10, 1);
	push(&ro, 20, 2);
	push(&ro, 50, 5);
	CHECK_EQ_U64(reorder_oldest(&ro), 10);
	reorder_flush(&ro, 25, collect, NULL);
	CHECK_EQ_U64(nseen, 2);
	CHECK_EQ_U64(seen[0], 1);
	CHECK_EQ_U64(seen[1], 2);
	push(&ro, 40, 4);
	reorder_flush(&ro, UINT64_MAX, collect, NULL);
	CHECK_EQ_U64(nseen, 5);
	for (uint32_t i = 0; i < 5; i++)
		CHECK_EQ_U64(seen[i], i + 1);
	CHECK_EQ_U64(reorder_oldest(&ro), UINT64_MAX);
	CHECK_EQ_U64(ro.late, 0);
	reorder_free(&ro);
}

static void test_ties_keep_arrival_order(void)
{
	struct reorder ro;

	reorder_init(&ro);
	nseen = 0;
	for (uint32_t i = 0; i < 10; i++)
		push(&ro, 100, i);
	reorder_flush(&ro, UINT64_MAX, collect, NULL);
	CHECK_EQ_U64(nseen, 10);
	for (uint32_t i = 0; i < 10; i++)
		CHECK_EQ_U64(seen[i], i);
	reorder_free(&ro);
}

static void test_random_jitter_many_rounds(void)
{
	struct reorder ro;
	uint32_t id = 0;

	reorder_init(&ro);
	nseen = 0;
	srand(7);
	/* timestamps jitter by up to 50 around a rising clock */
	for (int round = 0; round < 40; round++) {
		for (int i = 0; i < 100; i++, id++)
			push(&ro, 1000 + id * 10 + (uint64_t)(rand() % 50), id);
		nseen = 0;
		reorder_flush(&ro, 1000 + id * 10 - 100, collect, NULL);
	}
	reorder_flush(&ro, UINT64_MAX, collect, NULL);
	CHECK_EQ_U64(ro.late, 0);
	CHECK_EQ_U64(ro.n, 0);
	reorder_free(&ro);
}

/* Each flush must hand out timestamps in non-decreasing order across calls. */
static uint64_t prev_ts;
static bool in_order = true;

static int check_order(const void *p, size_t size, void *ctx)
{
	const struct rec *r = p;

	if (r->ts < prev_ts)
		in_order = false;
	prev_ts = r->ts;
	(*(size_t *)ctx)++;
	return 0;
}

static void test_order_across_flushes(void)
{
	struct reorder ro;
	size_t emitted = 0;
	uint32_t id;

	reorder_init(&ro);
	srand(11);
	for (id = 0; id < 5000; id++) {
		push(&ro, 1000 + id * 10 + (uint64_t)(rand() % 50), id);
		if (id % 64 == 63)
			reorder_flush(&ro, 1000 + id * 10 - 60, check_order, &emitted);
	}
	reorder_flush(&ro, UINT64_MAX, check_order, &emitted);
	CHECK(in_order);
	CHECK_EQ_U64(emitted, 5000);
	reorder_free(&ro);
}

static void test_late_record_counted(void)
{
	struct reorder ro;
	size_t emitted = 0;

	reorder_init(&ro);
	prev_ts = 0;
	push(&ro, 100, 1);
	reorder_flush(&ro, 150, check_order, &emitted);
	push(&ro, 90, 2);	/* older than something already out */
	reorder_flush(&ro, UINT64_MAX, check_order, &emitted);
	CHECK_EQ_U64(ro.late, 1);
	CHECK_EQ_U64(emitted, 2);	/* still delivered, never dropped */
	reorder_free(&ro);
}

static int check_aligned(const void *p, size_t size, void *ctx)
{
	if ((uintptr_t)p % 8)
		(*(size_t *)ctx)++;
	return 0;
}

/* Records of odd sizes (exec records are) still start 8-byte aligned. */
static void test_records_stay_aligned(void)
{
	char rec[64] = { 0 };
	struct reorder ro;
	size_t misaligned = 0;

	reorder_init(&ro);
	for (uint64_t i = 0; i < 100; i++)
		CHECK_EQ_I64(reorder_push(&ro, 1000 - i, rec, 1 + i % 61), 0);
	reorder_flush(&ro, 950, check_aligned, &misaligned);	/* compacts */
	reorder_flush(&ro, UINT64_MAX, check_aligned, &misaligned);
	CHECK_EQ_U64(misaligned, 0);
	reorder_free(&ro);
}

int main(void)
{
	RUN(test_records_stay_aligned);
	RUN(test_sorts_and_holds);
	RUN(test_ties_keep_arrival_order);
	RUN(test_random_jitter_many_rounds);
	RUN(test_order_across_flushes);
	RUN(test_late_record_counted);
	return CHECK_DONE();
}
