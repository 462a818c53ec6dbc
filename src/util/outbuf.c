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

void outbuf_putc_slow(struct outbuf *ob, char c)
{
	if (ob->err)
		return;
	if (ob->len == ob->cap && outbuf_flush(ob))
		return;
	ob->buf[ob->len++] = c;
}

char *outbuf_space_slow(struct outbuf *ob, size_t n)
{
	if (ob->err || n > ob->cap)
		return NULL;
	if (n > ob->cap - ob->len && outbuf_flush(ob))
		return NULL;
	return ob->buf + ob->len;
}

void outbuf_puts(struct outbuf *ob, const char *s)
{
	outbuf_put(ob, s, strlen(s));
}

static const char digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

static unsigned int digits10(uint64_t v)
{
	static const uint64_t pow10[20] = {
		1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
		10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
		100000000000ULL, 1000000000000ULL, 10000000000000ULL,
		100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
		100000000000000000ULL, 1000000000000000000ULL,
		10000000000000000000ULL,
	};
	/* log10 from the bit length (1233 / 4096 ~ log10(2)), then one fix-up */
	unsigned int t = (unsigned int)(64 - __builtin_clzll(v | 1)) * 1233 >> 12;

	return t + (v >= pow10[t]);
}

/* Two digits per division: half the divisions of a digit loop. */
char *outbuf_fmt_u64(char *d, uint64_t v)
{
	unsigned int n = v < 10 ? 1 : digits10(v);
	char *end = d + n, *p = end;

	while (v >= 100) {
		unsigned int r = (unsigned int)(v % 100);

		v /= 100;
		p -= 2;
		memcpy(p, digit_pairs + 2 * r, 2);
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, digit_pairs + 2 * v, 2);
	} else {
		*--p = (char)('0' + v);
	}
	return end;
}

void outbuf_u64(struct outbuf *ob, uint64_t v)
{
	char tmp[20];
	char *d = outbuf_space(ob, sizeof(tmp));

	if (d) {
		outbuf_end(ob, outbuf_fmt_u64(d, v));
		return;
	}
	outbuf_put(ob, tmp, (size_t)(outbuf_fmt_u64(tmp, v) - tmp));
}

void outbuf_i64(struct outbuf *ob, int64_t v)
{
	char tmp[21], *p = tmp;
	/* Negate in unsigned arithmetic: -INT64_MIN overflows int64_t. */
	uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	if (v < 0)
		*p++ = '-';
	p = outbuf_fmt_u64(p, mag);
	outbuf_put(ob, tmp, (size_t)(p - tmp));
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
	size_t n = (size_t)(outbuf_fmt_u64(tmp, v) - tmp);

	if (width > n)
		put_spaces(ob, width - n);
	outbuf_put(ob, tmp, n);
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
