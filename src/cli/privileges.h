/* SPDX-License-Identifier: GPL-2.0 */
/* What the kernel and the user must provide, checked before attaching. */
#ifndef PL_PRIVILEGES_H
#define PL_PRIVILEGES_H

/* 0 when all is there; otherwise prints one line and returns 1. */
int check_privileges(const char *btf_path);

#endif
