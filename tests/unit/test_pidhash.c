// SPDX-License-Identifier: GPL-2.0
/* The pid hash: insert, find, remove, growth, collisions and pid reuse. */
#include <stddef.h>
#include <stdlib.h>

#include "check.h"
#include "model/pidhash.h"

/* The key and the chain pointer away from offset 0, as in the timeline. */
struct task {
	uint64_t payload;
	uint32_t pad;
	uint32_t pid;
	void *next;
	uint32_t serial;
};

static int init(struct pidhash *h)
{
	return pidhash_init(h, offsetof(struct task, pid),
			    offsetof(struct task, next));
}

static size_t used_slots(const struct pidhash *h)
{
	size_t n = 0;

	for (size_t i = 0; i < ((size_t)1 << h->bits); i++)
		n += h->slots[i] != NULL;
	return n;
}

static void test_basic(void)
{
	struct pidhash h;
	struct task a = { .pid = 1 }, b = { .pid = 4242 }, c = { .pid = 0 },
		    d = { .pid = UINT32_MAX };

	REQUIRE(init(&h) == 0);
	CHECK(pidhash_find(&h, 1) == NULL);
	pidhash_insert(&h, &a);
	pidhash_insert(&h, &b);
	pidhash_insert(&h, &c);
	pidhash_insert(&h, &d);
	CHECK_EQ_U64(h.count, 4);
	CHECK(pidhash_find(&h, 1) == &a);
	CHECK(pidhash_find(&h, 4242) == &b);
	CHECK(pidhash_find(&h, 0) == &c);
	CHECK(pidhash_find(&h, UINT32_MAX) == &d);
	CHECK(pidhash_find(&h, 2) == NULL);
	CHECK(pidhash_find(&h, 4243) == NULL);

	CHECK_EQ_I64(pidhash_remove(&h, &b), 1);
	CHECK_EQ_U64(h.count, 3);
	CHECK(pidhash_find(&h, 4242) == NULL);
	CHECK(b.next == NULL);		/* unlinked */
	/* not in the table (any more): nothing happens */
	CHECK_EQ_I64(pidhash_remove(&h, &b), 0);
	CHECK_EQ_U64(h.count, 3);
	CHECK(pidhash_find(&h, 1) == &a);
	CHECK(pidhash_find(&h, 0) == &c);
	CHECK(pidhash_find(&h, UINT32_MAX) == &d);
	pidhash_free(&h);
	CHECK(h.slots == NULL);
	CHECK_EQ_U64(h.count, 0);
}

/* A pid used again: the old entry goes, the new one is found. Removal is
 * by identity, so a stale entry with the same key removes nothing. */
static void test_reuse(void)
{
	struct pidhash h;
	struct task old = { .pid = 300, .serial = 1 }, new = { .pid = 300, .serial = 2 };

	REQUIRE(init(&h) == 0);
	pidhash_insert(&h, &old);
	CHECK_EQ_I64(pidhash_remove(&h, &new), 0);	/* same key, not in it */
	CHECK(pidhash_find(&h, 300) == &old);
	CHECK_EQ_U64(h.count, 1);
	CHECK_EQ_I64(pidhash_remove(&h, &old), 1);
	pidhash_insert(&h, &new);
	CHECK(pidhash_find(&h, 300) == &new);
	CHECK_EQ_I64(pidhash_remove(&h, &old), 0);
	CHECK(pidhash_find(&h, 300) == &new);
	/* the same entry out and back in */
	CHECK_EQ_I64(pidhash_remove(&h, &new), 1);
	CHECK(pidhash_find(&h, 300) == NULL);
	pidhash_insert(&h, &new);
	CHECK(pidhash_find(&h, 300) == &new);
	CHECK_EQ_U64(h.count, 1);
	pidhash_free(&h);
}

/*
 * Keys that share one slot, found by trying (so the test does not depend on
 * the hash function): a chain of them, cut at its head, middle and tail.
 */
static void test_collisions(void)
{
	enum { N = 6 };
	struct pidhash h;
	struct task t[N + 1], probe = { 0 };
	size_t slot = 0;
	uint32_t n = 0;

	REQUIRE(init(&h) == 0);
	/* the slot pid 7 goes to, and more pids that go there too */
	probe.pid = 7;
	pidhash_insert(&h, &probe);
	for (size_t i = 0; i < ((size_t)1 << h.bits); i++)
		if (h.slots[i] == &probe)
			slot = i;
	REQUIRE(pidhash_remove(&h, &probe) == 1);
	for (uint32_t pid = 7; n < N + 1 && pid < 10000000; pid++) {
		probe.pid = pid;
		pidhash_insert(&h, &probe);
		if (h.slots[slot] == &probe) {
			t[n] = (struct task){ .pid = pid, .serial = n };
			n++;
		}
		pidhash_remove(&h, &probe);
	}
	REQUIRE(n == N + 1);	/* t[N]: in the slot, never inserted */
	CHECK_EQ_U64(h.count, 0);

	for (int i = 0; i < N; i++)
		pidhash_insert(&h, &t[i]);
	CHECK_EQ_U64(used_slots(&h), 1);	/* one chain of N */
	for (int i = 0; i < N; i++)
		CHECK(pidhash_find(&h, t[i].pid) == &t[i]);
	/* a key of the same slot that is not there: the whole chain walked */
	CHECK(pidhash_find(&h, t[N].pid) == NULL);

	/* the last inserted is the chain's head; the first its tail */
	CHECK_EQ_I64(pidhash_remove(&h, &t[N - 1]), 1);
	CHECK_EQ_I64(pidhash_remove(&h, &t[2]), 1);
	CHECK_EQ_I64(pidhash_remove(&h, &t[0]), 1);
	CHECK_EQ_U64(h.count, N - 3);
	for (int i = 0; i < N; i++) {
		bool gone = i == N - 1 || i == 2 || i == 0;

		CHECK(pidhash_find(&h, t[i].pid) == (gone ? NULL : &t[i]));
	}
	CHECK_EQ_I64(pidhash_remove(&h, &t[2]), 0);
	pidhash_free(&h);
}

/* Past one entry per slot the table doubles and keeps every entry. */
static void test_grow(void)
{
	enum { N = 100000 };
	struct task *t = calloc(N, sizeof(*t));
	struct pidhash h;
	unsigned int bits0;
	size_t found = 0, wrong = 0;

	REQUIRE(t);
	if (!CHECK(init(&h) == 0)) {
		free(t);
		return;
	}
	bits0 = h.bits;
	for (uint32_t i = 0; i < N; i++) {
		t[i].pid = 3 * i + 1;	/* dense-ish, like pids */
		t[i].serial = i;
		pidhash_insert(&h, &t[i]);
	}
	CHECK_EQ_U64(h.count, N);
	/* load factor at most 1: 2^17 = 131072 slots for 100000 */
	CHECK_EQ_U64(h.bits, 17);
	CHECK(h.bits > bits0);
	for (uint32_t i = 0; i < N; i++) {
		struct task *e = pidhash_find(&h, 3 * i + 1);

		found += e != NULL;
		wrong += e && e != &t[i];
		wrong += pidhash_find(&h, 3 * i + 2) != NULL;
	}
	CHECK_EQ_U64(found, N);
	CHECK_EQ_U64(wrong, 0);

	/* remove every other one */
	found = 0;
	for (uint32_t i = 0; i < N; i += 2)
		found += pidhash_remove(&h, &t[i]);
	CHECK_EQ_U64(found, N / 2);
	CHECK_EQ_U64(h.count, N / 2);
	found = wrong = 0;
	for (uint32_t i = 0; i < N; i++) {
		struct task *e = pidhash_find(&h, 3 * i + 1);

		if (i % 2)
			found += e == &t[i];
		else
			wrong += e != NULL;
	}
	CHECK_EQ_U64(found, N / 2);
	CHECK_EQ_U64(wrong, 0);
	pidhash_free(&h);
	free(t);
}

int main(void)
{
	RUN(test_basic);
	RUN(test_reuse);
	RUN(test_collisions);
	RUN(test_grow);
	return CHECK_DONE();
}
