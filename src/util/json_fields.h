/* SPDX-License-Identifier: GPL-2.0 */
/* JSON objects that the stream, the timeline document and the chrome
 * trace share, written one way everywhere. */
#ifndef PL_JSON_FIELDS_H
#define PL_JSON_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "util/json.h"
#include "proclife.h"

/* "rusage": {...} */
void json_rusage(struct json *j, const struct pl_rusage *ru);
/* "sched": {...}, or null when the task had no accounting */
void json_sched(struct json *j, const struct pl_sched *sc);

/* "code", "signal", "core_dumped" of a wait status (WIFSIGNALED...) */
void json_exit_fields(struct json *j, uint32_t status);

/*
 * What an exec ran and what was cut, the same in the stream and the
 * document: "exe", "script", "interpreter", "caller_argv0" (when it
 * differs from argv[0]), "execveat", "filename_truncated",
 * "argv_truncated" with "argv_cut_index", "argv_unreadable"; each only
 * when it applies. argv: NUL-separated strings (argv_len bytes).
 */
void json_exec_identity(struct json *j, uint32_t flags, const char *exe,
			size_t exe_len, const char *interp, size_t interp_len,
			const char *filename, size_t filename_len,
			const char *argv0, size_t argv0_len, const char *argv,
			size_t argv_len, uint32_t cut_index);

#endif
