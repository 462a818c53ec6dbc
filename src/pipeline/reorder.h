/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Puts records back in timestamp order. The ring buffer is shared by all
 * CPUs, so records arrive in reservation order, which differs from
 * timestamp order by at most a handler's run time: holding each record
 * for a short window past the moment it was read is enough.
 */
#ifndef PL_REORDER_H
#define PL_REORDER_H

#include <stddef.h>
#include <stdint.h>

typedef int (*reorder_emit_fn)(const void *rec, size_t size, void *ctx);

struct reorder_entry {
	uint64_t ts;
	uint64_t seq;		/* arrival order breaks timestamp ties */
	size_t off;
	size_t size;
};

struct reorder {
	char *arena;
	size_t arena_len, arena_cap;
	struct reorder_entry *idx;
	size_t n, cap;
	uint64_t seq;
	uint64_t last_emitted_ts;
	uint64_t late;		/* records that came after their window */
};

void reorder_init(struct reorder *r);
void reorder_free(struct reorder *r);
/* Copy a record in; ts is its timestamp. Returns 0 or -ENOMEM. */
int reorder_push(struct reorder *r, uint64_t ts, const void *rec, size_t size);
/* Emit, in order, every record with ts <= watermark (UINT64_MAX: all).
 * Stops at the first non-zero return of emit and returns it. */
int reorder_flush(struct reorder *r, uint64_t watermark, reorder_emit_fn emit,
		  void *ctx);
/* Timestamp of the oldest held record, or UINT64_MAX when empty. */
uint64_t reorder_oldest(const struct reorder *r);

#endif
