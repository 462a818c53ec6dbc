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

/* "code", "signal", "core_dumped" of a wait status (WIFSIGNALED...) */
void json_exit_fields(struct json *j, uint32_t status);

#endif
