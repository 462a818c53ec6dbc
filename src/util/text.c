// SPDX-License-Identifier: GPL-2.0
/* Text for terminals: escaped bytes and shell-quoted arguments. */
#include <stdbool.h>
#include <string.h>

#include "util/text.h"

static const char hex[] = "0123456789abcdef";

void text_escaped(struct outbuf *ob, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c == '\\') {
			outbuf_put(ob, "\\\\", 2);
		} else if (c < 0x20 || c == 0x7f) {
			char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

			outbuf_put(ob, e, 4);
		} else {
			outbuf_putc(ob, (char)c);
		}
	}
}

static bool shell_safe(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c >= 0x80 || strchr("_./=:,+@%-", c);
}

void text_shell_arg(struct outbuf *ob, const char *s, size_t len)
{
	bool safe = len > 0, ctrl = false;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (!c || !shell_safe(c))
			safe = false;
		if (c < 0x20 || c == 0x7f)
			ctrl = true;
	}
	if (safe) {
		outbuf_put(ob, s, len);
		return;
	}
	if (!ctrl) {
		outbuf_putc(ob, '\'');
		for (size_t i = 0; i < len; i++) {
			if (s[i] == '\'')
				outbuf_put(ob, "'\\''", 4);
			else
				outbuf_putc(ob, s[i]);
		}
		outbuf_putc(ob, '\'');
		return;
	}
	outbuf_put(ob, "$'", 2);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c == '\'' || c == '\\') {
			outbuf_putc(ob, '\\');
			outbuf_putc(ob, (char)c);
		} else if (c == '\n') {
			outbuf_put(ob, "\\n", 2);
		} else if (c == '\t') {
			outbuf_put(ob, "\\t", 2);
		} else if (c < 0x20 || c == 0x7f) {
			char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

			outbuf_put(ob, e, 4);
		} else {
			outbuf_putc(ob, (char)c);
		}
	}
	outbuf_putc(ob, '\'');
}

void text_duration(struct outbuf *ob, uint64_t ns, enum pl_dur_style style)
{
	char buf[32];

	outbuf_put(ob, buf, pl_fmt_duration(buf, sizeof(buf), ns, style));
}
