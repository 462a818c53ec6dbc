// SPDX-License-Identifier: GPL-2.0
/* Buffered writer over a file descriptor. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/outbuf.h"

#define OUTBUF_DEFAULT_CAP (256 * 1024)

int outbuf_init(struct outbuf *ob, int fd, size_t cap)
{
	if (!cap)
		cap = OUTBUF_DEFAULT_CAP;
	ob->fd = fd;
	ob->len = 0;
	ob->err = 0;
	ob->buf = malloc(cap);
	if (!ob->buf) {
		ob->cap = 0;
		ob->err = ENOMEM;
		return -ENOMEM;
	}
	ob->cap = cap;
	return 0;
}

/* Does not flush: the caller decides whether pending output still matters. */
void outbuf_free(struct outbuf *ob)
{
	free(ob->buf);
	ob->buf = NULL;
	ob->len = 0;
	ob->cap = 0;
}

/*
 * Write all n bytes or fail. A short write just continues; EINTR retries;
 * EAGAIN (an inherited non-blocking fd) waits for POLLOUT instead of spinning.
 */
static int write_all(struct outbuf *ob, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(ob->fd, p, n);

		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pfd = { .fd = ob->fd, .events = POLLOUT };

			if (poll(&pfd, 1, -1) >= 0 || errno == EINTR)
				continue;
		}
		/* write() returning 0 for n > 0 would loop forever */
		ob->err = w < 0 ? errno : EIO;
		return -ob->err;
	}
	return 0;
}

int outbuf_flush(struct outbuf *ob)
{
	size_t len = ob->len;

	/* After an error, output is dropped: never write a partial record later. */
	ob->len = 0;
	if (ob->err)
		return -ob->err;
	if (!len)
		return 0;
	return write_all(ob, ob->buf, len);
}

void outbuf_put(struct outbuf *ob, const void *data, size_t len)
{
	if (ob->err)
		return;
	if (len > ob->cap - ob->len) {
		if (outbuf_flush(ob))
			return;
		/* Too big to buffer: send it straight out, still in order. */
		if (len >= ob->cap) {
			write_all(ob, data, len);
			return;
		}
	}
	memcpy(ob->buf + ob->len, data, len);
	ob->len += len;
}

void outbuf_putc(struct outbuf *ob, char c)
{
	if (ob->err)
		return;
	if (ob->len == ob->cap && outbuf_flush(ob))
		return;
	ob->buf[ob->len++] = c;
}

void outbuf_puts(struct outbuf *ob, const char *s)
{
	outbuf_put(ob, s, strlen(s));
}

/* Digits of v, written backwards ending at end; returns the first digit. */
static char *fmt_u64(char *end, uint64_t v)
{
	char *p = end;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

void outbuf_u64(struct outbuf *ob, uint64_t v)
{
	char tmp[20];
	char *p = fmt_u64(tmp + sizeof(tmp), v);

	outbuf_put(ob, p, (size_t)(tmp + sizeof(tmp) - p));
}

void outbuf_i64(struct outbuf *ob, int64_t v)
{
	char tmp[21];
	char *end = tmp + sizeof(tmp);
	/* Negate in unsigned arithmetic: -INT64_MIN overflows int64_t. */
	uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	char *p = fmt_u64(end, mag);

	if (v < 0)
		*--p = '-';
	outbuf_put(ob, p, (size_t)(end - p));
}

static void put_spaces(struct outbuf *ob, size_t n)
{
	static const char spaces[64] = "                                "
				       "                                ";

	while (n) {
		size_t k = n < sizeof(spaces) ? n : sizeof(spaces);

		outbuf_put(ob, spaces, k);
		n -= k;
	}
}

void outbuf_u64_pad(struct outbuf *ob, uint64_t v, unsigned int width)
{
	char tmp[20];
	char *p = fmt_u64(tmp + sizeof(tmp), v);
	size_t n = (size_t)(tmp + sizeof(tmp) - p);

	if (width > n)
		put_spaces(ob, width - n);
	outbuf_put(ob, p, n);
}

/*
 * Columns are counted as UTF-8 code points (bytes that are not continuation
 * bytes), so a non-ASCII comm does not push the next column out of line.
 */
void outbuf_str_pad(struct outbuf *ob, const char *s, unsigned int width)
{
	size_t len = strlen(s);
	size_t cols = 0;
	size_t i;

	for (i = 0; i < len; i++)
		cols += ((unsigned char)s[i] & 0xc0) != 0x80;
	outbuf_put(ob, s, len);
	if (width > cols)
		put_spaces(ob, width - cols);
}

char *outbuf_reserve(struct outbuf *ob, size_t n)
{
	if (!ob->buf)
		return NULL;
	/*
	 * After an error the space is still handed out (callers need somewhere
	 * to format), but the next flush discards it.
	 */
	if (ob->err)
		ob->len = 0;
	if (n > ob->cap - ob->len) {
		outbuf_flush(ob);
		if (n > ob->cap) {
			char *nb = realloc(ob->buf, n);

			if (!nb)
				return NULL;
			ob->buf = nb;
			ob->cap = n;
		}
	}
	return ob->buf + ob->len;
}

void outbuf_commit(struct outbuf *ob, size_t n)
{
	if (n > ob->cap - ob->len)
		n = ob->cap - ob->len;
	ob->len += n;
}
