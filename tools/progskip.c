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
 *
 *   PROGSKIP_STATS=1   print the verifier's statistics for every program
 *                      loaded (log level 4: time, instructions processed,
 *                      states), one line each on stderr
 *   PROGSKIP_LOG=prog:file  the verifier's whole log (level 2: every
 *                      instruction it processed, with its registers) of
 *                      that program into file
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#define STATS_LOG_SIZE (1024 * 1024)
#define FULL_LOG_SIZE (256 * 1024 * 1024)

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
	bool stats = getenv("PROGSKIP_STATS") != NULL;
	char (*logs)[STATS_LOG_SIZE] = NULL;
	const char *full = getenv("PROGSKIP_LOG");
	const char *full_file = full ? strchr(full, ':') : NULL;
	struct bpf_program *full_prog = NULL;
	char *full_log = NULL;
	int err;

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
	if (stats)
		logs = calloc(s->prog_cnt, sizeof(*logs));
	for (int i = 0; logs && i < s->prog_cnt; i++) {
		bpf_program__set_log_buf(*s->progs[i].prog, logs[i],
					 sizeof(logs[i]));
		bpf_program__set_log_level(*s->progs[i].prog, 4);
	}
	for (int i = 0; full_file && i < s->prog_cnt; i++) {
		if (strncmp(s->progs[i].name, full, full_file - full) ||
		    s->progs[i].name[full_file - full])
			continue;
		full_prog = *s->progs[i].prog;
		full_log = calloc(1, FULL_LOG_SIZE);
		if (!full_log)
			break;
		bpf_program__set_log_buf(full_prog, full_log, FULL_LOG_SIZE);
		bpf_program__set_log_level(full_prog, 2 | 4);
	}
	err = real(s);
	if (full_log) {
		FILE *f = fopen(full_file + 1, "w");

		if (f) {
			fputs(full_log, f);
			fclose(f);
		} else {
			perror(full_file + 1);
		}
		free(full_log);
	}
	for (int i = 0; logs && i < s->prog_cnt; i++) {
		if (!bpf_program__autoload(*s->progs[i].prog))
			continue;
		/* "verification time N usec\nstack depth ...\nprocessed ..." */
		for (char *c = logs[i]; *c; c++)
			if (*c == '\n')
				*c = ' ';
		fprintf(stderr, "progskip: stats %s: %s\n", s->progs[i].name,
			logs[i]);
	}
	free(logs);
	return err;
}
