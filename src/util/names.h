/* SPDX-License-Identifier: GPL-2.0 */
/* The one place that maps clone flags, signals and errnos to their names. */
#ifndef PL_NAMES_H
#define PL_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pl_flag_name {
	uint64_t flag;
	const char *name;
};

/* Every CLONE_* flag, lowest bit first; pl_clone_flag_count entries. */
extern const struct pl_flag_name pl_clone_flag_names[];
extern const size_t pl_clone_flag_count;

/* "SIGSEGV" for 1..31, NULL otherwise. */
const char *pl_signal_name(int sig);
/* Always a name: "SIGSEGV", "SIGRTMIN+3", or "SIG99". Returns the length. */
size_t pl_signal_str(char *buf, size_t size, int sig);
/*
 * A wait status for people, the one renderer of every output: "exit 3",
 * "SIGSEGV (core)"; with killed_by, "killed by SIGSEGV (core)". Returns
 * the length.
 */
size_t pl_status_str(char *buf, size_t size, uint32_t status, bool killed_by);
/* "fork", "vfork", "clone", "thread", "kthread" (PL_BIRTH_*), or "unknown". */
const char *pl_birth_name(uint32_t kind);
/* "ENOENT" for a known errno (positive), NULL otherwise. */
const char *pl_errno_name(int err);

#endif
