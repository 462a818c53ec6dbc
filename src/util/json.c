// SPDX-License-Identifier: GPL-2.0
/* The one JSON writer: punctuation, escaping and number formatting. */
#include <math.h>		/* isfinite: a macro, no -lm */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/json.h"
#include "util/utf8.h"

static const char hexdig[] = "0123456789abcdef";

/* Bit for depth d; past 63 nesting is a caller bug and commas go missing. */
static uint64_t depth_bit(unsigned int d)
{
	return d < 64 ? 1ULL << d : 0;
}

/* 0: copied as is; 1: an ASCII escape; 2: the start of a UTF-8 sequence
 * to check. DEL is escaped too, as \u007f. */
static const unsigned char esc_class[256] = {
	[0x00 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x7f] = 1,
	[0x80 ... 0xff] = 2,
};

static char *u_escape_to(char *d, unsigned int hi, unsigned char c)
{
	d[0] = '\\';
	d[1] = 'u';
	d[2] = hexdig[hi >> 4];
	d[3] = hexdig[hi & 0xf];
	d[4] = hexdig[c >> 4];
	d[5] = hexdig[c & 0xf];
	return d + 6;
}

static char *ascii_escape_to(char *d, unsigned char c)
{
	char e;

	switch (c) {
	case '"':  e = '"'; break;
	case '\\': e = '\\'; break;
	case '\n': e = 'n'; break;
	case '\t': e = 't'; break;
	case '\r': e = 'r'; break;
	case '\b': e = 'b'; break;
	case '\f': e = 'f'; break;
	default:
		return u_escape_to(d, 0x00, c);
	}
	d[0] = '\\';
	d[1] = e;
	return d + 2;
}

/*
 * Whether none of the 8 bytes of x needs a look: no control byte, '"',
 * '\\', DEL or byte >= 0x80. Each test is exact as a yes/no for the word
 * (the usual "has a byte less than n" and "has a zero byte" tricks).
 */
static inline __attribute__((always_inline)) bool word_plain(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t highs = 0x8080808080808080ULL;
	uint64_t quote = x ^ (ones * '"'), bslash = x ^ (ones * '\\');
	uint64_t bad = ((x - ones * 0x20) & ~x) |	/* < 0x20 */
		       (x + ones) | x |			/* >= 0x7f (0xff carries, caught by x) */
		       ((quote - ones) & ~quote) |
		       ((bslash - ones) & ~bslash);

	return !(bad & highs);
}

/* Copy n <= 16 bytes with two overlapping moves (three bytes below 4):
 * no byte loop, no call. */
static inline __attribute__((always_inline))
void copy_short(char *d, const void *src, size_t n)
{
	const char *p = src;

	if (n >= 8) {
		memcpy(d, p, 8);
		memcpy(d + n - 8, p + n - 8, 8);
	} else if (n >= 4) {
		memcpy(d, p, 4);
		memcpy(d + n - 4, p + n - 4, 4);
	} else if (n) {
		d[0] = p[0];
		d[n / 2] = p[n / 2];
		d[n - 1] = p[n - 1];
	}
}

/*
 * Whether the n <= 16 bytes at p are all plain, and if so copy them to d:
 * two overlapping loads test them all without a byte loop. Keys and most
 * values are this short, and so is the tail of a longer string after its
 * 8-byte words.
 */
static inline __attribute__((always_inline))
bool short_plain_copy(char *d, const unsigned char *p, size_t n)
{
	uint64_t a, b;
	uint32_t x, y;

	if (n >= 8) {
		memcpy(&a, p, 8);
		memcpy(&b, p + n - 8, 8);
		if (!word_plain(a) || !word_plain(b))
			return false;
	} else if (n >= 4) {
		memcpy(&x, p, 4);
		memcpy(&y, p + n - 4, 4);
		if (!word_plain(x | (uint64_t)y << 32))
			return false;
	} else if (n) {
		/* the bytes 1..3 in the low bytes, spaces (plain) above them */
		a = 0x2020202020000000ULL | p[0] | (uint64_t)p[n / 2] << 8 |
		    (uint64_t)p[n - 1] << 16;
		if (!word_plain(a))
			return false;
	}
	copy_short(d, p, n);
	return true;
}

/* One pass: 8 plain bytes at a time and a plain tail at once, else one
 * table look-up per byte; d has room for escaped_max(len). Inlined in the
 * writers below. */
static inline __attribute__((always_inline))
char *escape_to(char *d, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	*d++ = '"';
	if (len <= 16 && short_plain_copy(d, p, len)) {
		d += len;
		*d++ = '"';
		return d;
	}
	for (;;) {
		unsigned char c;
		uint64_t w;
		size_t n;

		while (end - p >= 8) {
			memcpy(&w, p, 8);
			if (!word_plain(w))
				break;
			memcpy(d, &w, 8);
			d += 8;
			p += 8;
		}
		n = (size_t)(end - p);
		if (n < 8 && short_plain_copy(d, p, n)) {
			d += n;
			break;
		}
		while (p < end && !esc_class[*p])
			*d++ = (char)*p++;
		if (p == end)
			break;
		c = *p;
		if (esc_class[c] == 1) {
			d = ascii_escape_to(d, c);
			p++;
			continue;
		}
		n = utf8_seq_len(p, (size_t)(end - p));
		if (n) {
			memcpy(d, p, n);
			d += n;
			p += n;
		} else {
			/* One byte at a time, so each stays recoverable. */
			d = u_escape_to(d, 0xdc, c);
			p++;
		}
	}
	*d++ = '"';
	return d;
}

char *json_escape_to(char *d, const char *s, size_t len)
{
	return escape_to(d, s, len);
}

void json_init(struct json *j, struct outbuf *ob)
{
	j->ob = ob;
	json_reset(j);
}

void json_reset(struct json *j)
{
	j->depth = 0;
	j->has_elem = 0;
	j->after_key = false;
}

/* Emit the comma a value (or key) needs, and note the container is not empty. */
static void before_value(struct json *j)
{
	uint64_t bit;

	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->depth)
		return;
	bit = depth_bit(j->depth);
	if (j->has_elem & bit)
		outbuf_putc(j->ob, ',');
	j->has_elem |= bit;
}

/* before_value into a buffer from outbuf_space: returns the new end. */
static char *before_value_at(struct json *j, char *d)
{
	uint64_t bit;

	if (j->after_key) {
		j->after_key = false;
		return d;
	}
	if (!j->depth)
		return d;
	bit = depth_bit(j->depth);
	if (j->has_elem & bit)
		*d++ = ',';
	j->has_elem |= bit;
	return d;
}

static void open_container(struct json *j, char c)
{
	before_value(j);
	outbuf_putc(j->ob, c);
	j->depth++;
	j->has_elem &= ~depth_bit(j->depth);
}

static void close_container(struct json *j, char c)
{
	if (j->depth)
		j->depth--;
	j->after_key = false;
	outbuf_putc(j->ob, c);
}

void json_obj_begin(struct json *j)
{
	open_container(j, '{');
}

void json_obj_end(struct json *j)
{
	close_container(j, '}');
}

void json_arr_begin(struct json *j)
{
	open_container(j, '[');
}

void json_arr_end(struct json *j)
{
	close_container(j, ']');
}

/* The most a quoted, escaped string of len bytes takes, and 1 for a comma:
 * 6 bytes per byte (\u00XX), quotes. */
static size_t escaped_max(size_t len)
{
	return len > SIZE_MAX / 8 ? SIZE_MAX : 6 * len + 3;
}

/* A key's length without the JSON_KEY_PLAIN mark. */
static size_t key_len(size_t klen)
{
	return klen & ~JSON_KEY_PLAIN;
}

/* Out of line: the writers that call key_to stay small (few saved
 * registers) for the plain keys they nearly always get. */
static __attribute__((noinline))
char *escape_key(char *d, const char *key, size_t len)
{
	return escape_to(d, key, len);
}

/*
 * "key": at d. A key marked JSON_KEY_PLAIN (a literal checked at compile
 * time) is copied as it is: most keys are, and escaping them was the
 * writer's biggest cost per line.
 */
static inline __attribute__((always_inline))
char *key_to(char *d, const char *key, size_t klen)
{
	const size_t n = key_len(klen);

	if (!(klen & JSON_KEY_PLAIN)) {
		d = escape_key(d, key, n);
	} else {
		*d++ = '"';
		if (n <= 16)
			copy_short(d, key, n);
		else
			memcpy(d, key, n);
		d += n;
		*d++ = '"';
	}
	*d++ = ':';
	return d;
}

void json_keyn(struct json *j, const char *key, size_t len)
{
	char *d = outbuf_space(j->ob, escaped_max(key_len(len)) + 1);

	if (!d) {
		before_value(j);
		json_escape(j->ob, key, key_len(len));
		outbuf_putc(j->ob, ':');
		j->after_key = true;
		return;
	}
	d = before_value_at(j, d);
	outbuf_end(j->ob, key_to(d, key, len));
	j->after_key = true;
}

void json_u64(struct json *j, uint64_t v)
{
	before_value(j);
	outbuf_u64(j->ob, v);
}

void json_i64(struct json *j, int64_t v)
{
	before_value(j);
	outbuf_i64(j->ob, v);
}

void json_bool(struct json *j, bool v)
{
	before_value(j);
	if (v)
		outbuf_put(j->ob, "true", 4);
	else
		outbuf_put(j->ob, "false", 5);
}

void json_null(struct json *j)
{
	before_value(j);
	outbuf_put(j->ob, "null", 4);
}

void json_str(struct json *j, const char *s)
{
	if (!s) {
		json_null(j);
		return;
	}
	json_strn(j, s, strlen(s));
}

void json_strn(struct json *j, const char *s, size_t len)
{
	char *d = outbuf_space(j->ob, escaped_max(len));

	if (!d) {
		before_value(j);
		json_escape(j->ob, s, len);
		return;
	}
	d = before_value_at(j, d);
	outbuf_end(j->ob, escape_to(d, s, len));
}

void json_raw(struct json *j, const char *text)
{
	before_value(j);
	outbuf_puts(j->ob, text ? text : "null");
}

/*
 * Fixed-point with integer arithmetic: printf's %f would follow LC_NUMERIC
 * and could print a decimal comma. Trailing zeros of the fraction are dropped.
 */
void json_double(struct json *j, double v, int decimals)
{
	static const double lim = 9.2e18;	/* below 2^63: fits in uint64_t */
	uint64_t pow10 = 1;
	uint64_t scaled, ip, fp;
	char frac[20];
	double a;
	int i, n;

	before_value(j);
	if (!isfinite(v)) {
		/* JSON has no NaN or Infinity */
		outbuf_put(j->ob, "null", 4);
		return;
	}
	if (decimals < 0)
		decimals = 0;
	if (decimals > 18)
		decimals = 18;
	a = v < 0 ? -v : v;
	if (a >= lim) {
		char tmp[400];

		/* %.0f has no decimal point, so no locale dependence */
		n = snprintf(tmp, sizeof(tmp), "%.0f", v);
		if (n > 0 && (size_t)n < sizeof(tmp))
			outbuf_put(j->ob, tmp, (size_t)n);
		else
			outbuf_put(j->ob, "null", 4);
		return;
	}
	for (i = 0; i < decimals; i++)
		pow10 *= 10;
	/* Give up decimals that would overflow; huge values need none. */
	while (decimals && a * (double)pow10 >= lim) {
		pow10 /= 10;
		decimals--;
	}
	scaled = (uint64_t)(a * (double)pow10 + 0.5);
	ip = scaled / pow10;
	fp = scaled % pow10;
	if (v < 0 && scaled)
		outbuf_putc(j->ob, '-');
	outbuf_u64(j->ob, ip);
	if (!fp)
		return;
	n = decimals;
	while (fp % 10 == 0) {
		fp /= 10;
		n--;
	}
	for (i = n - 1; i >= 0; i--) {
		frac[i] = (char)('0' + fp % 10);
		fp /= 10;
	}
	outbuf_putc(j->ob, '.');
	outbuf_put(j->ob, frac, (size_t)n);
}

/* key, then a number of at most 21 bytes, written in place */
static char *key_in_place(struct json *j, const char *key, size_t klen)
{
	char *d = outbuf_space(j->ob, escaped_max(key_len(klen)) + 2 + 21);

	if (!d)
		return NULL;
	d = before_value_at(j, d);
	return key_to(d, key, klen);
}

void json_kv_u64n(struct json *j, const char *key, size_t klen, uint64_t v)
{
	char *d = key_in_place(j, key, klen);

	if (!d) {
		json_keyn(j, key, klen);
		json_u64(j, v);
		return;
	}
	outbuf_end(j->ob, outbuf_fmt_u64(d, v));
}

void json_kv_i64n(struct json *j, const char *key, size_t klen, int64_t v)
{
	char *d = key_in_place(j, key, klen);

	if (!d) {
		json_keyn(j, key, klen);
		json_i64(j, v);
		return;
	}
	if (v < 0)
		*d++ = '-';
	outbuf_end(j->ob, outbuf_fmt_u64(d, v < 0 ? 0 - (uint64_t)v :
						    (uint64_t)v));
}

/* key and a literal of at most 5 bytes (true, false, null) in one go */
static void kv_literal(struct json *j, const char *key, size_t klen,
		       const char *lit, size_t n)
{
	char *d = key_in_place(j, key, klen);

	if (!d) {
		json_keyn(j, key, klen);
		before_value(j);
		outbuf_put(j->ob, lit, n);
		return;
	}
	memcpy(d, lit, n);
	outbuf_end(j->ob, d + n);
}

void json_kv_booln(struct json *j, const char *key, size_t klen, bool v)
{
	if (v)
		kv_literal(j, key, klen, "true", 4);
	else
		kv_literal(j, key, klen, "false", 5);
}

void json_kv_nulln(struct json *j, const char *key, size_t klen)
{
	kv_literal(j, key, klen, "null", 4);
}

void json_kv_strnn(struct json *j, const char *key, size_t klen,
		   const char *s, size_t len)
{
	size_t need = escaped_max(key_len(klen)) + escaped_max(len) + 2;
	char *d = need < escaped_max(len) ? NULL : outbuf_space(j->ob, need);

	if (!d) {
		json_keyn(j, key, klen);
		json_strn(j, s, len);
		return;
	}
	d = before_value_at(j, d);
	d = key_to(d, key, klen);
	outbuf_end(j->ob, escape_to(d, s, len));
}

/* Strings too long for the buffer go out in pieces of whole sequences. */
#define ESCAPE_PIECE	4096

void json_escape(struct outbuf *ob, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	char tmp[6 * ESCAPE_PIECE + 8];
	char *d = outbuf_space(ob, escaped_max(len));
	size_t i = 0;

	if (d) {
		outbuf_end(ob, escape_to(d, s, len));
		return;
	}
	outbuf_putc(ob, '"');
	while (i < len) {
		size_t n = len - i < ESCAPE_PIECE ? len - i : ESCAPE_PIECE;
		char *e;

		/* never split a sequence: back up to its first byte */
		while (i + n < len && n > 4 && (p[i + n] & 0xc0) == 0x80)
			n--;
		e = json_escape_to(tmp, s + i, n);
		/* without the quotes json_escape_to added */
		outbuf_put(ob, tmp + 1, (size_t)(e - tmp) - 2);
		i += n;
	}
	outbuf_putc(ob, '"');
}
