// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/reorder.h"

void reorder_init(struct reorder *r)
{
	memset(r, 0, sizeof(*r));
}

void reorder_free(struct reorder *r)
{
	free(r->arena);
	free(r->idx);
	memset(r, 0, sizeof(*r));
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 64;
	void *q;

	while (n < need)
		n *= 2;
	q = realloc(*p, n * elem);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

static bool entry_before(const struct reorder_entry *a,
			 const struct reorder_entry *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->seq < b->seq);
}

/* Each record starts 8-byte aligned in the arena, as in the ring buffer:
 * decoders read its fields in place. */
static size_t aligned(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* Records come nearly sorted: insert from the tail, usually in O(1). */
int reorder_push(struct reorder *r, uint64_t ts, const void *rec, size_t size)
{
	struct reorder_entry e;
	size_t i;

	if (r->arena_len + aligned(size) > r->arena_cap &&
	    grow((void **)&r->arena, &r->arena_cap, r->arena_len + aligned(size), 1))
		return -ENOMEM;
	if (r->n == r->cap &&
	    grow((void **)&r->idx, &r->cap, r->n + 1, sizeof(*r->idx)))
		return -ENOMEM;
	memcpy(r->arena + r->arena_len, rec, size);
	e.ts = ts;
	e.seq = r->seq++;
	e.off = r->arena_len;
	e.size = size;
	r->arena_len += aligned(size);
	if (ts < r->last_emitted_ts)
		r->late++;

	for (i = r->n; i > 0 && entry_before(&e, &r->idx[i - 1]); i--)
		;
	memmove(&r->idx[i + 1], &r->idx[i], (r->n - i) * sizeof(*r->idx));
	r->idx[i] = e;
	r->n++;
	return 0;
}

/*
 * Forget the emitted records. The arena is not rewritten on every flush:
 * records come nearly in order, so the kept ones sit together at its end
 * and the emitted ones before them are dead space, dropped with one move
 * once they are most of the arena (each record moves at most about once).
 */
static void compact(struct reorder *r, size_t done)
{
	size_t keep = r->n - done, lo = SIZE_MAX;

	if (!keep) {
		r->n = 0;
		r->arena_len = 0;
		return;
	}
	memmove(r->idx, r->idx + done, keep * sizeof(*r->idx));
	r->n = keep;
	for (size_t i = 0; i < keep; i++)
		if (r->idx[i].off < lo)
			lo = r->idx[i].off;
	if (lo < r->arena_len / 2)
		return;
	memmove(r->arena, r->arena + lo, r->arena_len - lo);
	for (size_t i = 0; i < keep; i++)
		r->idx[i].off -= lo;
	r->arena_len -= lo;
}

int reorder_flush(struct reorder *r, uint64_t watermark, reorder_emit_fn emit,
		  void *ctx)
{
	size_t i;
	int err = 0;

	for (i = 0; i < r->n && r->idx[i].ts <= watermark; i++) {
		err = emit(r->arena + r->idx[i].off, r->idx[i].size, ctx);
		r->last_emitted_ts = r->idx[i].ts;
		if (err) {
			i++;
			break;
		}
	}
	if (i)
		compact(r, i);
	return err;
}

uint64_t reorder_oldest(const struct reorder *r)
{
	return r->n ? r->idx[0].ts : UINT64_MAX;
}
