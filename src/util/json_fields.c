// SPDX-License-Identifier: GPL-2.0
#include <sys/wait.h>

#include "pipeline/event.h"
#include "util/json_fields.h"
#include "util/names.h"

void json_rusage(struct json *j, const struct pl_rusage *ru)
{
	json_key(j, "rusage");
	json_obj_begin(j);
	json_kv_u64(j, "user_ns", ru->user_ns);
	json_kv_u64(j, "sys_ns", ru->sys_ns);
	json_kv_u64(j, "cpu_ns", ru->cpu_ns);
	json_kv_u64(j, "nvcsw", ru->nvcsw);
	json_kv_u64(j, "nivcsw", ru->nivcsw);
	json_kv_u64(j, "min_flt", ru->min_flt);
	json_kv_u64(j, "maj_flt", ru->maj_flt);
	json_kv_u64(j, "maxrss_kb", ru->maxrss_kb);
	json_obj_end(j);
}

void json_sched(struct json *j, const struct pl_sched *sc)
{
	json_key(j, "sched");
	if (sc->flags & PL_SCHED_MISSING) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	json_kv_u64(j, "run_ns", sc->run_ns);
	json_kv_u64(j, "wait_ns", sc->wait_ns);
	json_kv_u64(j, "sleep_ns", sc->sleep_ns);
	json_kv_u64(j, "block_ns", sc->block_ns);
	json_kv_u64(j, "stopped_ns", sc->stopped_ns);
	json_kv_u64(j, "nvcsw", sc->nvcsw);
	json_kv_u64(j, "nivcsw", sc->nivcsw);
	json_kv_u64(j, "migrations", sc->migrations);
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
}

void json_exec_truncation(struct json *j, uint32_t flags)
{
	if (flags & PL_EXEC_FILENAME_TRUNC)
		json_kv_bool(j, "filename_truncated", true);
	if (flags & PL_EXEC_ARGV_TRUNC)
		json_kv_bool(j, "argv_truncated", true);
}
