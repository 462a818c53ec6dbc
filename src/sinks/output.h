/* SPDX-License-Identifier: GPL-2.0 */
/* End-of-trace outputs: the -o file in its format, and the --tree. */
#ifndef PL_OUTPUT_H
#define PL_OUTPUT_H

#include "cli/args.h"
#include "model/timeline.h"
#include "model/trace_info.h"

/* Write the finished timeline to fd in fmt. 0 or -errno. */
int output_write(const struct timeline *tl, const struct pl_trace_info *info,
		 enum pl_format fmt, int fd);
/* Print the process tree to fd. 0 or -errno. */
int output_tree(const struct timeline *tl, const struct pl_trace_info *info,
		int fd);

/* Print the top processes by CPU, run-queue wait and D to fd. */
int output_summary(const struct timeline *tl, int fd);

#endif
