/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A strict JSON checker for the fuzz targets (RFC 8259): one value, no
 * trailing garbage, strings in valid UTF-8 without raw control bytes,
 * escapes well formed. jv_string() also decodes a string back to bytes the
 * way Python's surrogateescape would: "\udcXX" (XX >= 80) is byte XX, any
 * other lone surrogate is an error.
 *
 * Header-only, no allocation: the fuzz targets include it.
 */
#ifndef PL_FUZZ_JSONV_H
#define PL_FUZZ_JSONV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define JV_MAX_DEPTH 64

struct jv {
	const unsigned char *p;
	const unsigned char *end;
	/* decoded bytes of the last string, when out is set */
	unsigned char *out;
	size_t out_len;
	size_t out_cap;
	const char *why;	/* first error */
};

static bool jv_fail(struct jv *v, const char *why)
{
	if (!v->why)
		v->why = why;
	return false;
}

static void jv_ws(struct jv *v)
{
	while (v->p < v->end && (*v->p == ' ' || *v->p == '\t' ||
				 *v->p == '\n' || *v->p == '\r'))
		v->p++;
}

static bool jv_emit(struct jv *v, const unsigned char *b, size_t n)
{
	if (!v->out)
		return true;
	if (v->out_len + n > v->out_cap)
		return jv_fail(v, "decoded string too long");
	memcpy(v->out + v->out_len, b, n);
	v->out_len += n;
	return true;
}

/* Length of the well-formed UTF-8 sequence at p, or 0 (Unicode table 3-7). */
static size_t jv_utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

static int jv_hex4(const unsigned char *p)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		unsigned char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static size_t jv_put_utf8(unsigned char *b, uint32_t cp)
{
	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | cp >> 6);
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | cp >> 12);
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	b[0] = (unsigned char)(0xf0 | cp >> 18);
	b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	b[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A string at v->p; decoded into v->out when set (surrogateescape). */
static bool jv_string(struct jv *v)
{
	if (v->p >= v->end || *v->p != '"')
		return jv_fail(v, "string expected");
	v->p++;
	v->out_len = 0;
	while (v->p < v->end) {
		unsigned char c = *v->p;
		unsigned char b[4];
		size_t n;
		int u, lo;

		if (c == '"') {
			v->p++;
			return true;
		}
		if (c < 0x20)
			return jv_fail(v, "raw control byte in a string");
		if (c != '\\') {
			n = jv_utf8_len(v->p, v->end);
			if (!n)
				return jv_fail(v, "invalid UTF-8 in a string");
			if (!jv_emit(v, v->p, n))
				return false;
			v->p += n;
			continue;
		}
		if (v->end - v->p < 2)
			return jv_fail(v, "truncated escape");
		switch (v->p[1]) {
		case '"': case '\\': case '/':
			b[0] = v->p[1];
			break;
		case 'b': b[0] = '\b'; break;
		case 'f': b[0] = '\f'; break;
		case 'n': b[0] = '\n'; break;
		case 'r': b[0] = '\r'; break;
		case 't': b[0] = '\t'; break;
		case 'u':
			if (v->end - v->p < 6 || (u = jv_hex4(v->p + 2)) < 0)
				return jv_fail(v, "bad \\u escape");
			v->p += 6;
			if (u >= 0xd800 && u <= 0xdbff) {
				/* a high surrogate needs its low half */
				if (v->end - v->p < 6 || v->p[0] != '\\' ||
				    v->p[1] != 'u' ||
				    (lo = jv_hex4(v->p + 2)) < 0xdc00 || lo > 0xdfff)
					return jv_fail(v, "lone high surrogate");
				v->p += 6;
				n = jv_put_utf8(b, 0x10000 + ((uint32_t)(u - 0xd800) << 10) +
						   (uint32_t)(lo - 0xdc00));
			} else if (u >= 0xdc00 && u <= 0xdfff) {
				/* surrogateescape: only U+DC80..U+DCFF are bytes */
				if (u < 0xdc80 || u > 0xdcff)
					return jv_fail(v, "lone low surrogate outside DC80-DCFF");
				b[0] = (unsigned char)(u - 0xdc00);
				n = 1;
			} else {
				n = jv_put_utf8(b, (uint32_t)u);
			}
			if (!jv_emit(v, b, n))
				return false;
			continue;
		default:
			return jv_fail(v, "unknown escape");
		}
		v->p += 2;
		if (!jv_emit(v, b, 1))
			return false;
	}
	return jv_fail(v, "unterminated string");
}

static bool jv_digits(struct jv *v)
{
	const unsigned char *s = v->p;

	while (v->p < v->end && *v->p >= '0' && *v->p <= '9')
		v->p++;
	return v->p > s;
}

static bool jv_number(struct jv *v)
{
	if (v->p < v->end && *v->p == '-')
		v->p++;
	if (v->p < v->end && *v->p == '0')
		v->p++;
	else if (!jv_digits(v))
		return jv_fail(v, "bad number");
	if (v->p < v->end && *v->p == '.') {
		v->p++;
		if (!jv_digits(v))
			return jv_fail(v, "bad fraction");
	}
	if (v->p < v->end && (*v->p == 'e' || *v->p == 'E')) {
		v->p++;
		if (v->p < v->end && (*v->p == '+' || *v->p == '-'))
			v->p++;
		if (!jv_digits(v))
			return jv_fail(v, "bad exponent");
	}
	return true;
}

static bool jv_lit(struct jv *v, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(v->end - v->p) < n || memcmp(v->p, lit, n))
		return jv_fail(v, "bad literal");
	v->p += n;
	return true;
}

static bool jv_value(struct jv *v, int depth)
{
	unsigned char *out = v->out;
	bool ok;

	if (depth > JV_MAX_DEPTH)
		return jv_fail(v, "too deep");
	jv_ws(v);
	if (v->p >= v->end)
		return jv_fail(v, "value expected");
	switch (*v->p) {
	case '{':
		v->p++;
		jv_ws(v);
		if (v->p < v->end && *v->p == '}') {
			v->p++;
			return true;
		}
		v->out = NULL;	/* only top-level strings are decoded */
		for (;;) {
			jv_ws(v);
			if (!jv_string(v))
				break;
			jv_ws(v);
			if (v->p >= v->end || *v->p != ':') {
				jv_fail(v, "':' expected");
				break;
			}
			v->p++;
			if (!jv_value(v, depth + 1))
				break;
			jv_ws(v);
			if (v->p < v->end && *v->p == ',') {
				v->p++;
				continue;
			}
			if (v->p < v->end && *v->p == '}') {
				v->p++;
				v->out = out;
				return true;
			}
			jv_fail(v, "',' or '}' expected");
			break;
		}
		v->out = out;
		return false;
	case '[':
		v->p++;
		jv_ws(v);
		if (v->p < v->end && *v->p == ']') {
			v->p++;
			return true;
		}
		v->out = NULL;
		for (;;) {
			if (!jv_value(v, depth + 1))
				break;
			jv_ws(v);
			if (v->p < v->end && *v->p == ',') {
				v->p++;
				continue;
			}
			if (v->p < v->end && *v->p == ']') {
				v->p++;
				v->out = out;
				return true;
			}
			jv_fail(v, "',' or ']' expected");
			break;
		}
		v->out = out;
		return false;
	case '"':
		ok = jv_string(v);
		return ok;
	case 't':
		return jv_lit(v, "true");
	case 'f':
		return jv_lit(v, "false");
	case 'n':
		return jv_lit(v, "null");
	default:
		return jv_number(v);
	}
}

/*
 * Is [s, s+len) exactly one JSON value (surrounding whitespace allowed)?
 * If out is set and the value is a string, its bytes are decoded there.
 * Returns NULL when valid, else why not.
 */
static const char *jv_check(const void *s, size_t len, unsigned char *out,
			    size_t out_cap, size_t *out_len)
{
	struct jv v = {
		.p = s, .end = (const unsigned char *)s + len,
		.out = out, .out_cap = out_cap,
	};

	if (!jv_value(&v, 0))
		return v.why ? v.why : "invalid";
	jv_ws(&v);
	if (v.p != v.end)
		return "trailing bytes after the value";
	if (out_len)
		*out_len = v.out_len;
	return NULL;
}

#endif
