// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <string.h>

#include "util/utf8.h"
#include "util/xml.h"

/* A UTF-8 sequence that is also an XML character (U+FFFE, U+FFFF are not). */
static size_t utf8_len(const unsigned char *p, size_t avail)
{
	size_t n = utf8_seq_len(p, avail);

	if (n == 3 && p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe)
		return 0;
	return n;
}

static bool plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && !strchr("<>&\"'", c);
}

static void put_hex(struct outbuf *ob, unsigned char c)
{
	static const char hexdig[] = "0123456789abcdef";
	char e[4] = { '\\', 'x', hexdig[c >> 4], hexdig[c & 0xf] };

	outbuf_put(ob, e, sizeof(e));
}

void xml_escape(struct outbuf *ob, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, start, n;

	while (i < len) {
		for (start = i; i < len && plain(p[i]); i++)
			;
		if (i > start)
			outbuf_put(ob, p + start, i - start);
		if (i == len)
			break;
		switch (p[i]) {
		case '<': outbuf_puts(ob, "&lt;"); break;
		case '>': outbuf_puts(ob, "&gt;"); break;
		case '&': outbuf_puts(ob, "&amp;"); break;
		case '"': outbuf_puts(ob, "&quot;"); break;
		case '\'': outbuf_puts(ob, "&#39;"); break;
		default:
			n = p[i] >= 0x80 ? utf8_len(p + i, len - i) : 0;
			if (n) {
				outbuf_put(ob, p + i, n);
				i += n;
				continue;
			}
			put_hex(ob, p[i]);
		}
		i++;
	}
}

void xml_puts(struct outbuf *ob, const char *s)
{
	xml_escape(ob, s, strlen(s));
}
