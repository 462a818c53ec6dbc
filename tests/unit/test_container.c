// SPDX-License-Identifier: GPL-2.0
/* Container ids and systemd units from cgroup paths: the layouts runtimes
 * really write, nesting, and inputs no runtime writes. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "model/container.h"

#define ID_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID_B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define ID_UPPER "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
#define ID_63 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde"
#define ID_65 ID_A "0"
#define POD_SD "pod7b4e6f4a_2c1d_4e8f_9a0b_1c2d3e4f5a6b"
#define POD_FS "pod7b4e6f4a-2c1d-4e8f-9a0b-1c2d3e4f5a6b"

struct path_case {
	const char *path;
	const char *id;		/* NULL: a host cgroup */
	enum pl_runtime runtime;
};

static const struct path_case layouts[] = {
	/* docker, cgroupfs driver (v1 and v2) and systemd driver */
	{ "/docker/" ID_A, ID_A, PL_RUNTIME_DOCKER },
	{ "/docker/" ID_A "/", ID_A, PL_RUNTIME_DOCKER },
	{ "/system.slice/docker-" ID_A ".scope", ID_A, PL_RUNTIME_DOCKER },
	/* systemd running inside a docker container: still that container */
	{ "/docker/" ID_A "/init.scope", ID_A, PL_RUNTIME_DOCKER },
	{ "/docker/" ID_A "/system.slice/nginx.service", ID_A, PL_RUNTIME_DOCKER },
	/* docker's cgroup parent set elsewhere: any depth */
	{ "/custom/parent/docker/" ID_A, ID_A, PL_RUNTIME_DOCKER },
	/* containerd via CRI, systemd cgroup driver */
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-" POD_SD
	  ".slice/cri-containerd-" ID_A ".scope", ID_A, PL_RUNTIME_CONTAINERD },
	{ "/kubepods.slice/kubepods-" POD_SD ".slice/cri-containerd-" ID_B ".scope",
	  ID_B, PL_RUNTIME_CONTAINERD },
	{ "/system.slice/containerd.service/kubepods-besteffort-" POD_SD
	  ".slice:cri-containerd:" ID_A, NULL, PL_RUNTIME_NONE },
	/* CRI-O, systemd driver and cgroupfs driver */
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-" POD_SD
	  ".slice/crio-" ID_A ".scope", ID_A, PL_RUNTIME_CRIO },
	{ "/kubepods/besteffort/" POD_FS "/crio-" ID_B, ID_B, PL_RUNTIME_CRIO },
	/* the monitors beside the containers are not containers */
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-" POD_SD
	  ".slice/crio-conmon-" ID_A ".scope", NULL, PL_RUNTIME_NONE },
	{ "/machine.slice/libpod-conmon-" ID_A ".scope", NULL, PL_RUNTIME_NONE },
	/* podman: systemd and cgroupfs managers, rootless under user@ */
	{ "/machine.slice/libpod-" ID_A ".scope", ID_A, PL_RUNTIME_PODMAN },
	{ "/machine.slice/libpod-" ID_A ".scope/container", ID_A, PL_RUNTIME_PODMAN },
	{ "/libpod_parent/libpod-" ID_B, ID_B, PL_RUNTIME_PODMAN },
	{ "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID_A
	  ".scope", ID_A, PL_RUNTIME_PODMAN },
	/* kubelet with the cgroupfs driver: bare id below the pod */
	{ "/kubepods/burstable/" POD_FS "/" ID_A, ID_A, PL_RUNTIME_KUBERNETES },
	{ "/kubepods/" POD_FS "/" ID_B, ID_B, PL_RUNTIME_KUBERNETES },
	/* nesting: the innermost container wins (dind, kind) */
	{ "/docker/" ID_A "/docker/" ID_B, ID_B, PL_RUNTIME_DOCKER },
	{ "/system.slice/docker-" ID_A ".scope/kubepods/burstable/" POD_FS "/" ID_B,
	  ID_B, PL_RUNTIME_KUBERNETES },
	{ "/docker/" ID_B "/kubepods.slice/kubepods-" POD_SD
	  ".slice/cri-containerd-" ID_A ".scope", ID_A, PL_RUNTIME_CONTAINERD },
	/* the host */
	{ "/", NULL, PL_RUNTIME_NONE },
	{ "", NULL, PL_RUNTIME_NONE },
	{ "/system.slice/nginx.service", NULL, PL_RUNTIME_NONE },
	{ "/user.slice/user-1000.slice/session-3.scope", NULL, PL_RUNTIME_NONE },
	{ "/init.scope", NULL, PL_RUNTIME_NONE },
	{ "/system.slice/docker.service", NULL, PL_RUNTIME_NONE },
	{ "/system.slice/containerd.service", NULL, PL_RUNTIME_NONE },
	{ "/docker", NULL, PL_RUNTIME_NONE },
	{ "/kubepods.slice/kubepods-burstable.slice", NULL, PL_RUNTIME_NONE },
	{ "/kubepods/burstable/" POD_FS, NULL, PL_RUNTIME_NONE },
	/* a bare id with no runtime parent is just a directory name */
	{ "/" ID_A, NULL, PL_RUNTIME_NONE },
	{ "/system.slice/" ID_A, NULL, PL_RUNTIME_NONE },
	{ "/pod123/" ID_A, NULL, PL_RUNTIME_NONE },
	{ "/kubepods/burstable/pod/" ID_A, NULL, PL_RUNTIME_NONE },
	/* not an id: wrong case, wrong length, wrong characters */
	{ "/docker/" ID_UPPER, NULL, PL_RUNTIME_NONE },
	{ "/docker/" ID_63, NULL, PL_RUNTIME_NONE },
	{ "/docker/" ID_65, NULL, PL_RUNTIME_NONE },
	{ "/system.slice/docker-" ID_63 ".scope", NULL, PL_RUNTIME_NONE },
	{ "/system.slice/docker-" ID_65 ".scope", NULL, PL_RUNTIME_NONE },
	{ "/system.slice/docker-" ID_UPPER ".scope", NULL, PL_RUNTIME_NONE },
	{ "/system.slice/docker-" ID_A ".scope.bak", NULL, PL_RUNTIME_NONE },
	{ "/system.slice/docker-" ID_A ".service", NULL, PL_RUNTIME_NONE },
	{ "/system.slice/xdocker-" ID_A ".scope", NULL, PL_RUNTIME_NONE },
	{ "/system.slice/docker-.scope", NULL, PL_RUNTIME_NONE },
	{ "/docker/g123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	  NULL, PL_RUNTIME_NONE },
	{ "/docker/ " ID_63, NULL, PL_RUNTIME_NONE },
	/* separators: doubled slashes, no leading slash (a cgroup namespace) */
	{ "//docker//" ID_A "//", ID_A, PL_RUNTIME_DOCKER },
	{ "docker-" ID_A ".scope", ID_A, PL_RUNTIME_DOCKER },
	{ "../docker/" ID_A, ID_A, PL_RUNTIME_DOCKER },
};

static void test_layouts(void)
{
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		const struct path_case *c = &layouts[i];
		struct pl_container got;
		char id[PL_CONTAINER_ID_LEN + 1];
		bool found;

		memset(&got, 0x55, sizeof(got));
		found = pl_container_parse(c->path, strlen(c->path), &got);
		if (!CHECK_EQ_U64(found, c->id != NULL)) {
			fprintf(stderr, "    path %s\n", c->path);
			continue;
		}
		CHECK_EQ_STR(pl_container_id(c->path, id), c->id);
		if (!found)
			continue;
		if (!CHECK_EQ_STR(got.id, c->id) || !CHECK_EQ_U64(got.runtime, c->runtime))
			fprintf(stderr, "    path %s\n", c->path);
	}
}

static void test_length_bounds_the_read(void)
{
	const char *p = "/docker/" ID_A "/docker/" ID_B;
	size_t first = strlen("/docker/" ID_A);
	struct pl_container got;

	/* only the first LEN bytes count: the second container is not seen */
	REQUIRE(pl_container_parse(p, first, &got));
	CHECK_EQ_STR(got.id, ID_A);
	/* a length that cuts the id short finds nothing */
	CHECK(!pl_container_parse(p, first - 1, &got));
	CHECK(!pl_container_parse(p, 0, &got));
	CHECK(!pl_container_parse(NULL, 10, &got));
	/* out may be NULL when only the answer matters */
	CHECK(pl_container_parse(p, strlen(p), NULL));
}

static void test_no_nul_terminator(void)
{
	/* exactly the path's bytes on the heap, no NUL after: ASan and
	 * valgrind catch any read past the end */
	const char *src = "/system.slice/docker-" ID_A ".scope";
	size_t n = strlen(src);
	char *p = malloc(n);
	struct pl_container got;
	char unit[PL_SYSTEMD_UNIT_MAX + 1];

	REQUIRE(p != NULL);
	memcpy(p, src, n);
	CHECK(pl_container_parse(p, n, &got));
	CHECK_EQ_STR(got.id, ID_A);
	CHECK_EQ_STR(pl_systemd_unit(p, n, unit, sizeof(unit)),
		     "docker-" ID_A ".scope");
	/* cut inside ".scope": neither a container nor a unit */
	CHECK(!pl_container_parse(p, n - 1, &got));
	CHECK(pl_systemd_unit(p, n - 1, unit, sizeof(unit)) == NULL);
	free(p);
}

static void test_embedded_nul(void)
{
	const char p[] = "/docker/" ID_A "\0/docker/" ID_B;
	char bad[] = "/docker/" ID_A;
	struct pl_container got;

	/* a NUL is a byte like any other: it ends no component early */
	REQUIRE(pl_container_parse(p, sizeof(p) - 1, &got));
	CHECK_EQ_STR(got.id, ID_B);
	bad[20] = '\0';
	CHECK(!pl_container_parse(bad, sizeof(bad) - 1, &got));
}

static void test_very_long_paths(void)
{
	/* 1 MiB of nested directories, the container at the very end, then
	 * a path of one 1 MiB component */
	size_t depth = 1 << 16, n = 0;
	char *p = malloc(depth * 16 + 128);
	struct pl_container got;
	char unit[64];

	REQUIRE(p != NULL);
	for (size_t i = 0; i < depth; i++)
		n += (size_t)sprintf(p + n, "/d%04zx.service", i & 0xffff);
	n += (size_t)sprintf(p + n, "/docker/%s", ID_A);
	CHECK(pl_container_parse(p, n, &got));
	CHECK_EQ_STR(got.id, ID_A);
	CHECK_EQ_STR(pl_systemd_unit(p, n, unit, sizeof(unit)), "dffff.service");
	memset(p, 'a', depth * 16);
	CHECK(!pl_container_parse(p, depth * 16, &got));
	CHECK(pl_systemd_unit(p, depth * 16, unit, sizeof(unit)) == NULL);
	free(p);
}

static void test_runtime_names(void)
{
	CHECK_EQ_STR(pl_runtime_name(PL_RUNTIME_DOCKER), "docker");
	CHECK_EQ_STR(pl_runtime_name(PL_RUNTIME_CONTAINERD), "containerd");
	CHECK_EQ_STR(pl_runtime_name(PL_RUNTIME_CRIO), "crio");
	CHECK_EQ_STR(pl_runtime_name(PL_RUNTIME_PODMAN), "podman");
	CHECK_EQ_STR(pl_runtime_name(PL_RUNTIME_KUBERNETES), "kubernetes");
	CHECK(pl_runtime_name(PL_RUNTIME_NONE) == NULL);
	CHECK(pl_runtime_name((enum pl_runtime)99) == NULL);
}

static void test_short_id(void)
{
	char s[PL_CONTAINER_SHORT_LEN + 1];

	CHECK_EQ_STR(pl_container_short(ID_A, s), "0123456789ab");
	CHECK_EQ_STR(pl_container_short("abc", s), "abc");
	CHECK_EQ_STR(pl_container_short("", s), "");
}

struct unit_case {
	const char *path;
	const char *unit;
};

static const struct unit_case units[] = {
	{ "/system.slice/nginx.service", "nginx.service" },
	{ "/system.slice/system-getty.slice/getty@tty1.service", "getty@tty1.service" },
	{ "/user.slice/user-1000.slice/user@1000.service/app.slice/foo.scope", "foo.scope" },
	{ "/user.slice/user-1000.slice/user@1000.service/app.slice", "user@1000.service" },
	{ "/user.slice/user-1000.slice/session-3.scope", "session-3.scope" },
	{ "/init.scope", "init.scope" },
	/* a delegated unit's own subgroups still belong to the unit */
	{ "/system.slice/nginx.service/workers", "nginx.service" },
	{ "/system.slice/docker-" ID_A ".scope", "docker-" ID_A ".scope" },
	{ "/system.slice/systemd-fsck@dev-disk-by\\x2duuid-1234.service",
	  "systemd-fsck@dev-disk-by\\x2duuid-1234.service" },
	/* not units */
	{ "/", NULL },
	{ "", NULL },
	{ "/system.slice", NULL },
	{ "/docker/" ID_A, NULL },
	{ "/system.slice/.service", NULL },
	{ "/system.slice/.scope", NULL },
	{ "/system.slice/@.service", NULL },
	{ "/system.slice/bad name.service", NULL },
	{ "/system.slice/nginx.service.d", NULL },
	{ "/system.slice/nginx.services", NULL },
	{ "/system.slice/caf\xc3\xa9.service", NULL },
};

static void test_systemd_units(void)
{
	char unit[PL_SYSTEMD_UNIT_MAX + 1];

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		const struct unit_case *c = &units[i];

		memset(unit, 'x', sizeof(unit));
		if (!CHECK_EQ_STR(pl_systemd_unit(c->path, strlen(c->path), unit,
						  sizeof(unit)), c->unit))
			fprintf(stderr, "    path %s\n", c->path);
	}
}

static void test_systemd_unit_limits(void)
{
	char big[PL_SYSTEMD_UNIT_MAX + 64], path[sizeof(big) + 16];
	char unit[PL_SYSTEMD_UNIT_MAX + 1], small[8];
	size_t stem = PL_SYSTEMD_UNIT_MAX - strlen(".service");

	/* 255 characters: the longest unit name systemd allows */
	memset(big, 'u', stem);
	strcpy(big + stem, ".service");
	snprintf(path, sizeof(path), "/system.slice/%s", big);
	CHECK_EQ_STR(pl_systemd_unit(path, strlen(path), unit, sizeof(unit)), big);
	/* 256: too long for a unit */
	memset(big, 'u', stem + 1);
	strcpy(big + stem + 1, ".service");
	snprintf(path, sizeof(path), "/system.slice/%s", big);
	CHECK(pl_systemd_unit(path, strlen(path), unit, sizeof(unit)) == NULL);
	/* a buffer too small gets nothing, never a cut name */
	memset(small, 'x', sizeof(small));
	CHECK(pl_systemd_unit("/ab.scope", 9, small, sizeof(small)) == NULL);
	CHECK_EQ_STR(pl_systemd_unit("/a.scope", 8, small, sizeof(small)), "a.scope");
	CHECK(pl_systemd_unit(NULL, 3, unit, sizeof(unit)) == NULL);
	CHECK(pl_systemd_unit("/a.scope", 8, NULL, 9) == NULL);
}

static void test_prefix_valid(void)
{
	CHECK(pl_container_prefix_valid("0"));
	CHECK(pl_container_prefix_valid("0123456789ab"));
	CHECK(pl_container_prefix_valid(ID_A));
	CHECK(!pl_container_prefix_valid(""));
	CHECK(!pl_container_prefix_valid(NULL));
	CHECK(!pl_container_prefix_valid(ID_65));
	CHECK(!pl_container_prefix_valid("0123456789AB"));
	CHECK(!pl_container_prefix_valid("abc/"));
	CHECK(!pl_container_prefix_valid("abc "));
	CHECK(!pl_container_prefix_valid("-abc"));
	CHECK(!pl_container_prefix_valid("g"));
}

static void test_prefix_match(void)
{
	const char *ids[] = {
		ID_A,
		"0123456789abffff0123456789abcdef0123456789abcdef0123456789abcdef",
		ID_B,
		ID_A,	/* the same container seen in a second cgroup */
		NULL,
	};
	size_t n = sizeof(ids) / sizeof(ids[0]), at = 99;

	CHECK_EQ_U64(pl_container_match_prefix("f", ids, n, &at), PL_PREFIX_UNIQUE);
	CHECK_EQ_U64(at, 2);
	CHECK_EQ_U64(pl_container_match_prefix("0123456789ab", ids, n, &at),
		     PL_PREFIX_AMBIGUOUS);
	CHECK_EQ_U64(pl_container_match_prefix("0", ids, n, &at), PL_PREFIX_AMBIGUOUS);
	/* one id listed twice is still one container */
	at = 99;
	CHECK_EQ_U64(pl_container_match_prefix("0123456789abc", ids, n, &at),
		     PL_PREFIX_UNIQUE);
	CHECK_EQ_U64(at, 0);
	CHECK_EQ_U64(pl_container_match_prefix(ID_A, ids, n, &at), PL_PREFIX_UNIQUE);
	CHECK_EQ_U64(at, 0);
	CHECK_EQ_U64(pl_container_match_prefix("0123456789abf", ids, n, &at),
		     PL_PREFIX_UNIQUE);
	CHECK_EQ_U64(at, 1);
	CHECK_EQ_U64(pl_container_match_prefix("e", ids, n, &at), PL_PREFIX_NONE);
	/* invalid prefixes match nothing, even where strncmp would */
	CHECK_EQ_U64(pl_container_match_prefix("", ids, n, &at), PL_PREFIX_NONE);
	CHECK_EQ_U64(pl_container_match_prefix("F", ids, n, &at), PL_PREFIX_NONE);
	CHECK_EQ_U64(pl_container_match_prefix(ID_65, ids, n, &at), PL_PREFIX_NONE);
	CHECK_EQ_U64(pl_container_match_prefix("f", ids, 0, &at), PL_PREFIX_NONE);
	CHECK_EQ_U64(pl_container_match_prefix("f", ids, n, NULL), PL_PREFIX_UNIQUE);
}

int main(void)
{
	RUN(test_layouts);
	RUN(test_length_bounds_the_read);
	RUN(test_no_nul_terminator);
	RUN(test_embedded_nul);
	RUN(test_very_long_paths);
	RUN(test_runtime_names);
	RUN(test_short_id);
	RUN(test_systemd_units);
	RUN(test_systemd_unit_limits);
	RUN(test_prefix_valid);
	RUN(test_prefix_match);
	return CHECK_DONE();
}
