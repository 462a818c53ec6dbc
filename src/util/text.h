/* SPDX-License-Identifier: GPL-2.0 */
/* Text for terminals, shared by every text output (stream, tree, summary). */
#ifndef PL_UTIL_TEXT_H
#define PL_UTIL_TEXT_H

#include <stddef.h>

#include "util/outbuf.h"
#include "util/timefmt.h"

/* Bytes as they are, but '\\' doubled and control bytes as \xNN. */
void text_escaped(struct outbuf *ob, const char *s, size_t len);
/* A duration, pl_fmt_duration() in that style. */
void text_duration(struct outbuf *ob, uint64_t ns, enum pl_dur_style style);
/* One argument, shell-quoted when needed ($'...' for control bytes). */
void text_shell_arg(struct outbuf *ob, const char *s, size_t len);

#endif
