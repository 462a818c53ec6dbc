// SPDX-License-Identifier: GPL-2.0
/* The cgroup table (model/cgroups.c), the v1 fallback rule and the
 * cgroup record's decoding. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "model/cgroups.h"
#include "model/cgroupfs.h"
#include "pipeline/event.h"

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void test_add_find_replace(void)
{
	struct cgroups t;
	const struct cg_entry *e;
	struct pl_where w = { .cgroup_id = 77, .path_id = 77, .path_hier = 0 };

	REQUIRE(cgroups_init(&t) == 0);
	CHECK(cgroups_find(&t, 0, 77) == NULL);
	CHECK(cgroups_add(&t, 0, 77, "/docker/" ID64, 8 + 64, false) == 0);
	CHECK(cgroups_add(&t, 9, 77, "/system.slice/cron.service", 26, false) == 0);
	e = cgroups_where(&t, &w);
	REQUIRE(e);
	CHECK(!strcmp(e->path, "/docker/" ID64));
	CHECK(e->in_container);
	CHECK(!strcmp(cgroups_container_id(&t, &w), ID64));
	CHECK(e->unit == NULL);
	/* the same id in another hierarchy is another cgroup */
	e = cgroups_find(&t, 9, 77);
	REQUIRE(e);
	CHECK(!e->in_container);
	CHECK(e->unit && !strcmp(e->unit, "cron.service"));
	/* described again: the newest path wins, no duplicate */
	CHECK(cgroups_add(&t, 0, 77, "/", 1, true) == 0);
	CHECK_EQ_U64(t.count, 2);
	CHECK_EQ_U64(t.containers, 0);
	e = cgroups_find(&t, 0, 77);
	REQUIRE(e);
	CHECK(!strcmp(e->path, "/") && e->cut);
	CHECK(cgroups_container_id(&t, &w) == NULL);
	CHECK(cgroups_container_id(&t, NULL) == NULL);
	cgroups_free(&t);
}

static void test_grows(void)
{
	struct cgroups t;
	char path[32];

	REQUIRE(cgroups_init(&t) == 0);
	for (uint64_t i = 1; i <= 5000; i++) {
		int n = snprintf(path, sizeof(path), "/c%llu", (unsigned long long)i);

		CHECK(cgroups_add(&t, (uint32_t)(i % 3), i, path, (size_t)n, false) == 0);
	}
	CHECK_EQ_U64(t.count, 5000);
	CHECK(t.nbuckets >= 4096);
	for (uint64_t i = 1; i <= 5000; i += 499) {
		const struct cg_entry *e = cgroups_find(&t, (uint32_t)(i % 3), i);

		snprintf(path, sizeof(path), "/c%llu", (unsigned long long)i);
		CHECK(e && !strcmp(e->path, path));
	}
	cgroups_free(&t);
}

static void test_v1_fallback_rule(void)
{
	const char *hybrid = "9:name=systemd:/\n8:pids:/\n1:cpu:/\n0::/\n";
	const char *no_systemd = "4:memory:/x\n2:cpuacct:/\n3:cpu:/\n0::/\n";

	CHECK_EQ_U64(cgroupfs_pick_v1(hybrid, NULL), 9);
	CHECK_EQ_U64(cgroupfs_pick_v1(no_systemd, NULL), 2);
	CHECK_EQ_U64(cgroupfs_pick_v1("0::/\n", NULL), 0);	/* pure v2 */
	CHECK_EQ_U64(cgroupfs_pick_v1("", NULL), 0);
}

static void test_decode_cgroup_record(void)
{
	char buf[sizeof(struct pl_cgroup) + 16];
	struct pl_cgroup *r = (void *)buf;
	struct pl_event ev;

	memset(buf, 0, sizeof(buf));
	r->h.type = PL_EV_CGROUP;
	r->h.size = sizeof(*r) + 5;
	r->id = 42;
	r->hier = 9;
	r->path_len = 5;
	memcpy(buf + sizeof(*r), "/a/bc", 5);
	REQUIRE(pl_event_decode(buf, sizeof(*r) + 5, &ev) == 0);
	CHECK(ev.path_len == 5 && !memcmp(ev.path, "/a/bc", 5));
	CHECK(ev.where == NULL);
	CHECK(!strcmp(pl_event_name(&ev), "cgroup"));
	r->path_len = 6;	/* longer than the record */
	CHECK(pl_event_decode(buf, sizeof(*r) + 5, &ev) != 0);
}

static void test_decode_where(void)
{
	struct pl_cgroup_move m;
	struct pl_event ev;

	memset(&m, 0, sizeof(m));
	m.h.type = PL_EV_CGROUP_MOVE;
	m.h.size = sizeof(m);
	m.w.cgroup_id = 5;
	m.w.ns_pid = 1;
	REQUIRE(pl_event_decode(&m, sizeof(m), &ev) == 0);
	REQUIRE(ev.where);
	CHECK_EQ_U64(ev.where->cgroup_id, 5);
	CHECK_EQ_U64(ev.where->ns_pid, 1);
	CHECK(!strcmp(pl_event_name(&ev), "cgroup_move"));
}

int main(void)
{
	RUN(test_add_find_replace);
	RUN(test_grows);
	RUN(test_v1_fallback_rule);
	RUN(test_decode_cgroup_record);
	RUN(test_decode_where);
	return CHECK_DONE();
}
