// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include <sys/wait.h>

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

void json_exec_identity(struct json *j, uint32_t flags, const char *exe,
			size_t exe_len, const char *interp, size_t interp_len,
			const char *filename, size_t filename_len,
			const char *argv0, size_t argv0_len, const char *argv,
			size_t argv_len, uint32_t cut_index)
{
	size_t first = argv_len ? strnlen(argv, argv_len) : 0;

	if (exe_len)
		json_kv_strn(j, "exe", exe, exe_len);
	if (flags & PL_EXEC_SCRIPT) {
		json_kv_strn(j, "script", filename, filename_len);
		json_kv_strn(j, "interpreter", interp, interp_len);
	}
	/* the caller's own argv[0], when the new image lost it (#!) */
	if (argv0_len && (argv0_len != first || memcmp(argv0, argv, first)))
		json_kv_strn(j, "caller_argv0", argv0, argv0_len);
	if (flags & PL_EXEC_AT)
		json_kv_bool(j, "execveat", true);
	if (flags & PL_EXEC_FILENAME_TRUNC)
		json_kv_bool(j, "filename_truncated", true);
	if (flags & PL_EXEC_EXE_TRUNC)
		json_kv_bool(j, "exe_truncated", true);
	if (flags & PL_EXEC_ARGV_TRUNC) {
		json_kv_bool(j, "argv_truncated", true);
		json_kv_u64(j, "argv_cut_index", cut_index);
	}
	if (flags & PL_EXEC_ARGV_UNREADABLE)
		json_kv_bool(j, "argv_unreadable", true);
}
