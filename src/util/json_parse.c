// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_parse.h"

#define MAX_DEPTH 64

struct reader {
	const char *p, *end;
	int depth;
};

static void skip_ws(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' ||
				 *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static bool lit(struct reader *r, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n))
		return false;
	r->p += n;
	return true;
}

static int hex4(struct reader *r, unsigned int *v)
{
	*v = 0;
	if (r->end - r->p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = *r->p++;

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			*v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			*v |= c - 'A' + 10;
		else
			return -1;
	}
	return 0;
}

static size_t put_utf8(char *out, unsigned int cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A string after its opening quote; bytes into a new buffer. */
static int read_string(struct reader *r, char **s, size_t *len)
{
	/* the decoded form is never longer than the escaped one */
	const char *q = r->p;
	char *out, *o;

	while (q < r->end && *q != '"')
		q += (*q == '\\' && q + 1 < r->end) ? 2 : 1;
	if (q >= r->end)
		return -1;
	out = malloc((size_t)(q - r->p) + 1);
	if (!out)
		return -1;
	o = out;
	while (r->p < r->end && *r->p != '"') {
		unsigned int cp, lo;
		char c = *r->p++;

		if ((unsigned char)c < 0x20)
			goto bad;
		if (c != '\\') {
			*o++ = c;
			continue;
		}
		if (r->p >= r->end)
			goto bad;
		switch ((c = *r->p++)) {
		case '"': case '\\': case '/': *o++ = c; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if (hex4(r, &cp))
				goto bad;
			if (cp >= 0xdc80 && cp <= 0xdcff) {
				*o++ = (char)(cp & 0xff);	/* surrogateescape */
				break;
			}
			if (cp >= 0xd800 && cp <= 0xdbff && r->end - r->p >= 6 &&
			    r->p[0] == '\\' && r->p[1] == 'u') {
				r->p += 2;
				if (hex4(r, &lo) || lo < 0xdc00 || lo > 0xdfff)
					goto bad;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			o += put_utf8(o, cp);
			break;
		default:
			goto bad;
		}
	}
	if (r->p >= r->end)
		goto bad;
	r->p++;		/* the closing quote */
	*o = '\0';
	*s = out;
	*len = (size_t)(o - out);
	return 0;
bad:
	free(out);
	return -1;
}

static int read_number(struct reader *r, struct jv *v)
{
	const char *start = r->p;
	char *end;

	v->type = JV_NUM;
	if (r->p < r->end && *r->p == '-') {
		v->neg = true;
		r->p++;
	}
	while (r->p < r->end && ((*r->p >= '0' && *r->p <= '9') ||
				 *r->p == '.' || *r->p == 'e' || *r->p == 'E' ||
				 *r->p == '+' || *r->p == '-')) {
		if (*r->p == '.' || *r->p == 'e' || *r->p == 'E')
			v->frac = true;
		r->p++;
	}
	if (r->p == start || (v->neg && r->p == start + 1))
		return -1;
	{
		char buf[64];
		size_t n = (size_t)(r->p - start);

		if (n >= sizeof(buf))
			return -1;
		memcpy(buf, start, n);
		buf[n] = '\0';
		errno = 0;
		v->d = strtod(buf, &end);
		if (*end)
			return -1;
		if (!v->frac) {
			if (v->neg)
				v->i = strtoll(buf, &end, 10);
			else
				v->u = strtoull(buf, &end, 10);
			if (errno || *end)
				return -1;
			if (!v->neg)
				v->i = (int64_t)v->u;
		}
	}
	return 0;
}

static int read_value(struct reader *r, struct jv *v);

static int grow(struct jv *v, size_t *cap)
{
	if (v->n < *cap)
		return 0;
	*cap = *cap ? *cap * 2 : 8;
	struct jv *items = realloc(v->items, *cap * sizeof(*items));

	if (!items)
		return -1;
	v->items = items;
	return 0;
}

static int read_container(struct reader *r, struct jv *v, bool obj)
{
	size_t cap = 0;

	v->type = obj ? JV_OBJ : JV_ARR;
	if (++r->depth > MAX_DEPTH)
		return -1;
	skip_ws(r);
	if (r->p < r->end && *r->p == (obj ? '}' : ']')) {
		r->p++;
		r->depth--;
		return 0;
	}
	for (;;) {
		struct jv *item;

		if (grow(v, &cap))
			return -1;
		item = &v->items[v->n];
		memset(item, 0, sizeof(*item));
		v->n++;
		skip_ws(r);
		if (obj) {
			if (r->p >= r->end || *r->p != '"')
				return -1;
			r->p++;
			if (read_string(r, &item->key, &item->key_len))
				return -1;
			skip_ws(r);
			if (r->p >= r->end || *r->p != ':')
				return -1;
			r->p++;
		}
		if (read_value(r, item))
			return -1;
		skip_ws(r);
		if (r->p >= r->end)
			return -1;
		if (*r->p == ',') {
			r->p++;
			continue;
		}
		if (*r->p != (obj ? '}' : ']'))
			return -1;
		r->p++;
		r->depth--;
		return 0;
	}
}

static int read_value(struct reader *r, struct jv *v)
{
	skip_ws(r);
	if (r->p >= r->end)
		return -1;
	switch (*r->p) {
	case '{': r->p++; return read_container(r, v, true);
	case '[': r->p++; return read_container(r, v, false);
	case '"':
		r->p++;
		v->type = JV_STR;
		return read_string(r, &v->s, &v->len);
	case 't': v->type = JV_BOOL; v->b = true; return lit(r, "true") ? 0 : -1;
	case 'f': v->type = JV_BOOL; return lit(r, "false") ? 0 : -1;
	case 'n': v->type = JV_NULL; return lit(r, "null") ? 0 : -1;
	default: return read_number(r, v);
	}
}

int jv_parse(const char *text, size_t len, struct jv *out)
{
	struct reader r = { .p = text, .end = text + len };

	memset(out, 0, sizeof(*out));
	if (read_value(&r, out))
		goto bad;
	skip_ws(&r);
	if (r.p != r.end)
		goto bad;
	return 0;
bad:
	jv_free(out);
	return -1;
}

void jv_free(struct jv *v)
{
	for (size_t i = 0; i < v->n; i++)
		jv_free(&v->items[i]);
	free(v->items);
	free(v->s);
	free(v->key);
	memset(v, 0, sizeof(*v));
}

const struct jv *jv_get(const struct jv *v, const char *key)
{
	size_t n = strlen(key);

	if (!v || v->type != JV_OBJ)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (v->items[i].key_len == n && !memcmp(v->items[i].key, key, n))
			return &v->items[i];
	return NULL;
}

uint64_t jv_u64(const struct jv *obj, const char *key, uint64_t dflt)
{
	const struct jv *v = jv_get(obj, key);

	return v && v->type == JV_NUM && !v->neg && !v->frac ? v->u : dflt;
}

int64_t jv_i64(const struct jv *obj, const char *key, int64_t dflt)
{
	const struct jv *v = jv_get(obj, key);

	return v && v->type == JV_NUM && !v->frac ? v->i : dflt;
}

bool jv_bool(const struct jv *obj, const char *key, bool dflt)
{
	const struct jv *v = jv_get(obj, key);

	return v && v->type == JV_BOOL ? v->b : dflt;
}

const char *jv_str(const struct jv *obj, const char *key, size_t *len)
{
	const struct jv *v = jv_get(obj, key);

	if (!v || v->type != JV_STR)
		return NULL;
	if (len)
		*len = v->len;
	return v->s;
}
