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
void outbuf_putc(struct outbuf *ob, char c);
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
