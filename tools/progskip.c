// SPDX-License-Identifier: GPL-2.0
/*
 * progskip.so: an LD_PRELOAD shim for cost breakdowns. It leaves chosen
 * BPF programs of a libbpf skeleton unloaded (and so unattached), without
 * a change to, or a special build of, the program it is preloaded into:
 *
 *   PROGSKIP_SKIP=handle_exit_wait4,handle_free_ts  these not loaded
 *   PROGSKIP_ONLY=handle_newtask,handle_exec        only these (of those
 *                                                   the program would load)
 *
 * Names are the programs' C names. It wraps bpf_object__load_skeleton(),
 * which every generated skeleton's __load() calls; libbpf's attach step
 * already skips programs that were not loaded. The program must link
 * libbpf dynamically. Each program left out is reported on stderr.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

/* Is name an element of the comma-separated list? */
static bool in_list(const char *list, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == len && !strncmp(p, name, n))
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

int bpf_object__load_skeleton(struct bpf_object_skeleton *s)
{
	int (*real)(struct bpf_object_skeleton *) =
		(int (*)(struct bpf_object_skeleton *))dlsym(RTLD_NEXT,
							     "bpf_object__load_skeleton");
	const char *skip = getenv("PROGSKIP_SKIP");
	const char *only = getenv("PROGSKIP_ONLY");

	if (!real) {
		fprintf(stderr, "progskip: no bpf_object__load_skeleton in libbpf\n");
		return -1;
	}
	for (int i = 0; i < s->prog_cnt; i++) {
		struct bpf_program *prog = *s->progs[i].prog;
		const char *name = s->progs[i].name;

		if (!bpf_program__autoload(prog))
			continue;
		if ((skip && in_list(skip, name)) ||
		    (only && !in_list(only, name))) {
			bpf_program__set_autoload(prog, false);
			fprintf(stderr, "progskip: %s not loaded\n", name);
		}
	}
	return real(s);
}
