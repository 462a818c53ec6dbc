/* SPDX-License-Identifier: GPL-2.0 */
/* The one UTF-8 validator (JSON and XML writers). */
#ifndef PL_UTIL_UTF8_H
#define PL_UTIL_UTF8_H

#include <stddef.h>

/*
 * Length of the well-formed UTF-8 sequence at p (Unicode table 3-7), or 0:
 * no overlongs, surrogates or code points above U+10FFFF.
 */
size_t utf8_seq_len(const unsigned char *p, size_t avail);

#endif
