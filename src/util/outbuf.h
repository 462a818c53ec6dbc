/* SPDX-License-Identifier: GPL-2.0 */
/* Large buffered writer over a file descriptor: one write(2) per flush. */
#ifndef PL_OUTBUF_H
#define PL_OUTBUF_H

#include <stddef.h>
#include <stdint.h>

struct outbuf {
	int fd;
	char *buf;
	size_t len;
	size_t cap;
	int err;		/* first write error (positive errno), sticky */
};

/* cap 0 picks a default (256 KiB). Returns 0 or -ENOMEM. */
int outbuf_init(struct outbuf *ob, int fd, size_t cap);
void outbuf_free(struct outbuf *ob);
/* Write out everything buffered; returns 0 or -errno (also kept in err). */
int outbuf_flush(struct outbuf *ob);

void outbuf_put(struct outbuf *ob, const void *data, size_t len);
void outbuf_putc_slow(struct outbuf *ob, char c);
char *outbuf_space_slow(struct outbuf *ob, size_t n);

/* One byte: inline, it is on every hot path. */
static inline void outbuf_putc(struct outbuf *ob, char c)
{
	if (ob->err || ob->len == ob->cap) {
		outbuf_putc_slow(ob, c);
		return;
	}
	ob->buf[ob->len++] = c;
}

/*
 * Room for up to n bytes written in place: returns where to write (then
 * set ob->len to the end of what was written, outbuf_end), or NULL after
 * a write error or when n exceeds the buffer (write through outbuf_put
 * then). Flushes when the room is short.
 */
static inline char *outbuf_space(struct outbuf *ob, size_t n)
{
	if (ob->err || n > ob->cap - ob->len)
		return outbuf_space_slow(ob, n);
	return ob->buf + ob->len;
}

/* End of what was written in place after outbuf_space. */
static inline void outbuf_end(struct outbuf *ob, char *end)
{
	ob->len = (size_t)(end - ob->buf);
}

/* Decimal digits of v at d (no NUL); returns the end. d needs 20 bytes. */
char *outbuf_fmt_u64(char *d, uint64_t v);
void outbuf_puts(struct outbuf *ob, const char *s);
void outbuf_u64(struct outbuf *ob, uint64_t v);
void outbuf_i64(struct outbuf *ob, int64_t v);
/* Decimal v, right-aligned in width columns (no truncation). */
void outbuf_u64_pad(struct outbuf *ob, uint64_t v, unsigned int width);
/* s padded with spaces to width columns. */
void outbuf_str_pad(struct outbuf *ob, const char *s, unsigned int width);
/* Make room for n bytes; returns a pointer to write to, then call
 * outbuf_commit(ob, n_written). NULL on allocation failure. */
char *outbuf_reserve(struct outbuf *ob, size_t n);
void outbuf_commit(struct outbuf *ob, size_t n);

#endif
