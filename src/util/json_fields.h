/* SPDX-License-Identifier: GPL-2.0 */
/* JSON objects that the stream, the timeline document and the chrome
 * trace share, written one way everywhere. */
#ifndef PL_JSON_FIELDS_H
#define PL_JSON_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "util/json.h"
#include "proclife.h"

/* One number of an object written from a table: the key's length is
 * taken at compile time, as json_kv_u64 does for a literal. */
struct json_u64_field {
	const char *key;
	size_t klen;
	uint64_t v;
};

#define JSON_U64(k, val) { .key = (k), .klen = JSON_LIT_LEN(k), .v = (val) }
/* The field named as it is in the struct: s->field written as "field" */
#define JSON_U64_OF(s, field) JSON_U64(#field, (s)->field)
#define JSON_FIELD_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The n numbers of f as key: value pairs of the current object */
void json_kv_u64s(struct json *j, const struct json_u64_field *f, size_t n);
/* key: {...} holding just the n numbers of f */
void json_u64_object(struct json *j, const char *key,
		     const struct json_u64_field *f, size_t n);
/* key: "s", or key: null without s */
void json_kv_opt_str(struct json *j, const char *key, const char *s);
/* key: [...] of the n numbers at v, or key: null without any */
void json_u32s(struct json *j, const char *key, const uint32_t *v, size_t n);

/* "rusage": {...} */
void json_rusage(struct json *j, const struct pl_rusage *ru);
/* "sched": {...}, or null when the task had no accounting */
void json_sched(struct json *j, const struct pl_sched *sc);

/* key: [...] from NUL-terminated strings (pl_argv_next) */
void json_argv(struct json *j, const char *key, const char *argv, size_t len);
/* key: [...] from a NULL-terminated vector (CMD), or key: null without one */
void json_strv(struct json *j, const char *key, char *const *v);

/* One exec, as the stream, the document and the chrome trace write it. */
struct json_exec {
	const char *filename;	/* what the caller named */
	size_t filename_len;
	const char *argv;	/* NUL-terminated strings */
	size_t argv_len;
	int32_t ret;		/* 0, or -errno of a failed exec */
	uint32_t old_tid;	/* 0: not written */
	uint32_t argc;
	uint32_t flags;		/* PL_EXEC_* */
	uint32_t cut_index;	/* with PL_EXEC_ARGV_TRUNC */
	const char *exe;	/* the real path of what ran (0 bytes: none) */
	size_t exe_len;
	const char *interp;	/* with PL_EXEC_SCRIPT: the script's path */
	size_t interp_len;
	const char *argv0;	/* the caller's argv[0] (0 bytes: unknown) */
	size_t argv0_len;
};

/*
 * "filename", "argv", "ret", "errno" (failed execs: the name, or null),
 * "old_tid" when given, "argc"; then what ran and what was cut, each
 * only when it applies: "exe", "script", "interpreter", "caller_argv0"
 * (when it differs from argv[0]), "execveat", "filename_truncated",
 * "exe_truncated", "argv_truncated" with "argv_cut_index",
 * "argv_unreadable".
 */
void json_exec_fields(struct json *j, const struct json_exec *x);

/* "code", "signal", "core_dumped" of a wait status (WIFSIGNALED...) */
void json_exit_fields(struct json *j, uint32_t status);

#endif
