/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A JSON Lines line back into the record the kernel sent (proclife
 * report). Lines written to a record (-o x.jsonl) carry "raw" fields for
 * what the readable ones lose, so the record is the same, field for field,
 * as the one the live run decoded; a plain -j stream gives a close one.
 */
#ifndef PL_REPLAY_H
#define PL_REPLAY_H

#include <stddef.h>
#include <sys/types.h>

#include "util/json_parse.h"

/*
 * The record for one parsed line into buf. Returns its size; 0 when the
 * line is not a record (a header or end line, or the reap line a stream
 * derives from an autoreaping exit); -1 when it is malformed.
 */
ssize_t replay_record(const struct jv *line, void *buf, size_t size);
/* The pl_cgroup record a line's cgroup path stands for; 0: none, -1. */
ssize_t replay_cgroup(const struct jv *line, void *buf, size_t size);

#endif
