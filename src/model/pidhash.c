// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>

#include "model/pidhash.h"

#define PIDHASH_MIN_BITS 10

static uint32_t key_of(const struct pidhash *h, const void *e)
{
	return *(const uint32_t *)((const char *)e + h->key_off);
}

static void **next_of(const struct pidhash *h, void *e)
{
	return (void **)((char *)e + h->next_off);
}

/* Fibonacci hashing: pids are dense, so spread them over the top bits. */
static size_t slot_of(unsigned int bits, uint32_t key)
{
	return (size_t)(((uint64_t)key * 0x9E3779B97F4A7C15ULL) >> (64 - bits));
}

int pidhash_init(struct pidhash *h, size_t key_off, size_t next_off)
{
	h->bits = PIDHASH_MIN_BITS;
	h->count = 0;
	h->key_off = key_off;
	h->next_off = next_off;
	h->slots = calloc((size_t)1 << h->bits, sizeof(*h->slots));
	return h->slots ? 0 : -ENOMEM;
}

void pidhash_free(struct pidhash *h)
{
	free(h->slots);
	h->slots = NULL;
	h->count = 0;
}

void *pidhash_find(const struct pidhash *h, uint32_t key)
{
	void *e = h->slots[slot_of(h->bits, key)];

	while (e && key_of(h, e) != key)
		e = *next_of(h, e);
	return e;
}

static int grow(struct pidhash *h)
{
	unsigned int bits = h->bits + 1;
	size_t n = (size_t)1 << h->bits;
	void **slots = calloc((size_t)1 << bits, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		void *e = h->slots[i];

		while (e) {
			void *next = *next_of(h, e);
			size_t s = slot_of(bits, key_of(h, e));

			*next_of(h, e) = slots[s];
			slots[s] = e;
			e = next;
		}
	}
	free(h->slots);
	h->slots = slots;
	h->bits = bits;
	return 0;
}

void pidhash_insert(struct pidhash *h, void *entry)
{
	size_t s;

	/* Load factor 1; a failed grow only makes chains longer. */
	if (h->count >= ((size_t)1 << h->bits) && h->bits < 30)
		grow(h);
	s = slot_of(h->bits, key_of(h, entry));
	*next_of(h, entry) = h->slots[s];
	h->slots[s] = entry;
	h->count++;
}

int pidhash_remove(struct pidhash *h, void *entry)
{
	void **pp = &h->slots[slot_of(h->bits, key_of(h, entry))];

	while (*pp) {
		if (*pp == entry) {
			*pp = *next_of(h, entry);
			*next_of(h, entry) = NULL;
			h->count--;
			return 1;
		}
		pp = next_of(h, *pp);
	}
	return 0;
}
