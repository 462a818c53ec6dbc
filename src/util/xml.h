/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text for XML and HTML (SVG included), from any bytes: the markup
 * characters <>&"' become entities, so one escape serves both element text
 * and quoted attributes; control bytes and bytes that are not valid UTF-8
 * become a visible "\xNN"; valid UTF-8 passes through.
 */
#ifndef PL_XML_H
#define PL_XML_H

#include <stddef.h>

#include "util/outbuf.h"

void xml_escape(struct outbuf *ob, const char *s, size_t len);
void xml_puts(struct outbuf *ob, const char *s);

#endif
