/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Intrusive hash table keyed by a u32 (pid or tid) inside each entry.
 * One entry per key; the table doubles as it fills, so lookups stay O(1)
 * whatever the number of tasks.
 */
#ifndef PL_PIDHASH_H
#define PL_PIDHASH_H

#include <stddef.h>
#include <stdint.h>

struct pidhash {
	void **slots;
	unsigned int bits;
	size_t count;
	size_t key_off;		/* offsetof the uint32_t key in an entry */
	size_t next_off;	/* offsetof the chain pointer in an entry */
};

/* Returns 0 or -ENOMEM. */
int pidhash_init(struct pidhash *h, size_t key_off, size_t next_off);
void pidhash_free(struct pidhash *h);
void *pidhash_find(const struct pidhash *h, uint32_t key);
/* The key must not be present. Never fails: if growing fails, chains get longer. */
void pidhash_insert(struct pidhash *h, void *entry);
/* Removes entry if it is in the table; returns 1 if it was. */
int pidhash_remove(struct pidhash *h, void *entry);

#endif
