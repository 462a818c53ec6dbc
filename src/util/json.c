// SPDX-License-Identifier: GPL-2.0
/* The one JSON writer: punctuation, escaping and number formatting. */
#include <math.h>		/* isfinite: a macro, no -lm */
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

void json_key(struct json *j, const char *key)
{
	before_value(j);
	json_escape(j->ob, key, strlen(key));
	outbuf_putc(j->ob, ':');
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
	outbuf_puts(j->ob, v ? "true" : "false");
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
	before_value(j);
	json_escape(j->ob, s, len);
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

void json_kv_u64(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_u64(j, v);
}

void json_kv_i64(struct json *j, const char *key, int64_t v)
{
	json_key(j, key);
	json_i64(j, v);
}

void json_kv_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}

void json_kv_null(struct json *j, const char *key)
{
	json_key(j, key);
	json_null(j);
}

void json_kv_str(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_str(j, s);
}

void json_kv_strn(struct json *j, const char *key, const char *s, size_t len)
{
	json_key(j, key);
	json_strn(j, s, len);
}

/* Printable ASCII that needs no escaping: the fast path copies runs of it. */
static bool plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

static void put_u_escape(struct outbuf *ob, unsigned int hi, unsigned char c)
{
	char e[6] = { '\\', 'u', hexdig[hi >> 4], hexdig[hi & 0xf],
		      hexdig[c >> 4], hexdig[c & 0xf] };

	outbuf_put(ob, e, sizeof(e));
}

static void put_ascii_escape(struct outbuf *ob, unsigned char c)
{
	char e[2] = { '\\', 0 };

	switch (c) {
	case '"':  e[1] = '"'; break;
	case '\\': e[1] = '\\'; break;
	case '\n': e[1] = 'n'; break;
	case '\t': e[1] = 't'; break;
	case '\r': e[1] = 'r'; break;
	case '\b': e[1] = 'b'; break;
	case '\f': e[1] = 'f'; break;
	default:
		put_u_escape(ob, 0x00, c);
		return;
	}
	outbuf_put(ob, e, sizeof(e));
}

void json_escape(struct outbuf *ob, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	outbuf_putc(ob, '"');
	while (i < len) {
		size_t start = i;
		size_t n;

		while (i < len && plain(p[i]))
			i++;
		if (i > start)
			outbuf_put(ob, p + start, i - start);
		if (i == len)
			break;
		if (p[i] < 0x80) {
			put_ascii_escape(ob, p[i]);
			i++;
			continue;
		}
		n = utf8_seq_len(p + i, len - i);
		if (n) {
			outbuf_put(ob, p + i, n);
			i += n;
		} else {
			/* One byte at a time, so each stays recoverable. */
			put_u_escape(ob, 0xdc, p[i]);
			i++;
		}
	}
	outbuf_putc(ob, '"');
}
