// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include <sys/wait.h>

#include "pipeline/event.h"
#include "util/json_fields.h"
#include "util/names.h"

void json_kv_u64s(struct json *j, const struct json_u64_field *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		json_kv_u64n(j, f[i].key, f[i].klen, f[i].v);
}

void json_u64_object(struct json *j, const char *key,
		     const struct json_u64_field *f, size_t n)
{
	json_key(j, key);
	json_obj_begin(j);
	json_kv_u64s(j, f, n);
	json_obj_end(j);
}

void json_kv_opt_str(struct json *j, const char *key, const char *s)
{
	if (s)
		json_kv_str(j, key, s);
	else
		json_kv_null(j, key);
}

void json_u32s(struct json *j, const char *key, const uint32_t *v, size_t n)
{
	json_key(j, key);
	if (!v || !n) {
		json_null(j);
		return;
	}
	json_arr_begin(j);
	for (size_t i = 0; i < n; i++)
		json_u64(j, v[i]);
	json_arr_end(j);
}

void json_rusage(struct json *j, const struct pl_rusage *ru)
{
	const struct json_u64_field f[] = {
		JSON_U64_OF(ru, user_ns), JSON_U64_OF(ru, sys_ns),
		JSON_U64_OF(ru, cpu_ns), JSON_U64_OF(ru, nvcsw),
		JSON_U64_OF(ru, nivcsw), JSON_U64_OF(ru, min_flt),
		JSON_U64_OF(ru, maj_flt), JSON_U64_OF(ru, maxrss_kb),
	};

	json_u64_object(j, "rusage", f, JSON_FIELD_COUNT(f));
}

void json_sched(struct json *j, const struct pl_sched *sc)
{
	const struct json_u64_field f[] = {
		JSON_U64_OF(sc, run_ns), JSON_U64_OF(sc, wait_ns),
		JSON_U64_OF(sc, sleep_ns), JSON_U64_OF(sc, block_ns),
		JSON_U64_OF(sc, stopped_ns), JSON_U64_OF(sc, nvcsw),
		JSON_U64_OF(sc, nivcsw), JSON_U64_OF(sc, migrations),
	};

	json_key(j, "sched");
	if (sc->flags & PL_SCHED_MISSING) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	json_kv_u64s(j, f, JSON_FIELD_COUNT(f));
	json_kv_bool(j, "partial", sc->flags & PL_SCHED_PARTIAL);
	json_obj_end(j);
}

void json_exit_fields(struct json *j, uint32_t status)
{
	char buf[32];

	if (WIFSIGNALED(status)) {
		json_kv_null(j, "code");
		json_kv_strn(j, "signal", buf,
			     pl_signal_str(buf, sizeof(buf), WTERMSIG(status)));
		json_kv_bool(j, "core_dumped", WCOREDUMP(status));
	} else {
		json_kv_u64(j, "code", WEXITSTATUS(status));
		json_kv_null(j, "signal");
		json_kv_bool(j, "core_dumped", false);
	}
}

void json_argv(struct json *j, const char *key, const char *argv, size_t len)
{
	const char *arg;
	size_t pos = 0, n;

	json_key(j, key);
	json_arr_begin(j);
	while (pl_argv_next(argv, len, &pos, &arg, &n))
		json_strn(j, arg, n);
	json_arr_end(j);
}

/* What the exec ran and what was cut: each field only when it applies. */
static void json_exec_identity(struct json *j, const struct json_exec *x)
{
	size_t first = x->argv_len ? strnlen(x->argv, x->argv_len) : 0;

	if (x->exe_len)
		json_kv_strn(j, "exe", x->exe, x->exe_len);
	if (x->flags & PL_EXEC_SCRIPT) {
		json_kv_strn(j, "script", x->filename, x->filename_len);
		json_kv_strn(j, "interpreter", x->interp, x->interp_len);
	}
	/* the caller's own argv[0], when the new image lost it (#!) */
	if (x->argv0_len && (x->argv0_len != first ||
			     memcmp(x->argv0, x->argv, first)))
		json_kv_strn(j, "caller_argv0", x->argv0, x->argv0_len);
	if (x->flags & PL_EXEC_AT)
		json_kv_bool(j, "execveat", true);
	if (x->flags & PL_EXEC_FILENAME_TRUNC)
		json_kv_bool(j, "filename_truncated", true);
	if (x->flags & PL_EXEC_EXE_TRUNC)
		json_kv_bool(j, "exe_truncated", true);
	if (x->flags & PL_EXEC_ARGV_TRUNC) {
		json_kv_bool(j, "argv_truncated", true);
		json_kv_u64(j, "argv_cut_index", x->cut_index);
	}
	if (x->flags & PL_EXEC_ARGV_UNREADABLE)
		json_kv_bool(j, "argv_unreadable", true);
}

void json_exec_fields(struct json *j, const struct json_exec *x)
{
	json_kv_strn(j, "filename", x->filename, x->filename_len);
	json_argv(j, "argv", x->argv, x->argv_len);
	json_kv_i64(j, "ret", x->ret);
	if (x->ret) {
		const char *name = pl_errno_name(-x->ret);

		if (name)
			json_kv_str(j, "errno", name);
		else
			json_kv_null(j, "errno");
	}
	if (x->old_tid)
		json_kv_u64(j, "old_tid", x->old_tid);
	json_kv_u64(j, "argc", x->argc);
	json_exec_identity(j, x);
}

void json_strv(struct json *j, const char *key, char *const *v)
{
	json_key(j, key);
	if (!v) {
		json_null(j);
		return;
	}
	json_arr_begin(j);
	for (; *v; v++)
		json_str(j, *v);
	json_arr_end(j);
}
