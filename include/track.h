/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Selection bits of the "tracked" map (tgid -> bits), written by the kernel
 * side and by the loader (-p PIDs, command mode): one definition for both.
 * Plain macros, no types: included by BPF programs and by user space.
 */
#ifndef PL_TRACK_H
#define PL_TRACK_H

#define TRACK_IN_TREE	1	/* one of -p PIDs, CMD, or a descendant */
#define TRACK_SELECTED	2	/* matches every filter: traced for life */

#endif
