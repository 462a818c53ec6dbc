/* SPDX-License-Identifier: GPL-2.0 */
/* JSON objects that the stream, the timeline document and the chrome
 * trace share, written one way everywhere. */
#ifndef PL_JSON_FIELDS_H
#define PL_JSON_FIELDS_H

#include "util/json.h"
#include "proclife.h"

/* "rusage": {...} */
void json_rusage(struct json *j, const struct pl_rusage *ru);
/* "sched": {...}, or null when the task had no accounting */
void json_sched(struct json *j, const struct pl_sched *sc);

/* key: [...] from NUL-terminated strings (pl_argv_next) */
void json_argv(struct json *j, const char *key, const char *argv, size_t len);

/* One exec, as the stream, the document and the chrome trace write it. */
struct json_exec {
	const char *filename;
	size_t filename_len;
	const char *argv;	/* NUL-terminated strings */
	size_t argv_len;
	int32_t ret;		/* 0, or -errno of a failed exec */
	uint32_t old_tid;	/* 0: not written */
};

/* "filename", "argv", "ret", "errno" (failed execs: the name, or null),
 * "old_tid" when given; then json_exec_truncation(j, x->flags). */
void json_exec_fields(struct json *j, const struct json_exec *x);
/* "filename_truncated" / "argv_truncated": true, when so (PL_EXEC_*). */
void json_exec_truncation(struct json *j, uint32_t flags);

/* "code", "signal", "core_dumped" of a wait status (WIFSIGNALED...) */
void json_exit_fields(struct json *j, uint32_t status);

#endif
